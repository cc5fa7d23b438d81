/* SPDX-License-Identifier: ISC */
/*
 * cimom's HTTP server (cim.md §1.1): CIM-XML POSTs over HTTPS, over the
 * Unix socket run/vireo/cimom.sock (0600; SO_PEERCRED root or our own
 * user is trusted) and, when enabled, plain HTTP.  Each listener has its
 * own evhttp, as in hostd, so a request knows its transport.
 *
 * Every TCP request carries Basic credentials checked with
 * account_login (lockout included); the password is never logged.
 * HTTP-level errors follow DSP0200: 401 with WWW-Authenticate, 400 with
 * a CIMError header, 501 for other methods, 413 from libevent for
 * oversize bodies.  CIM errors travel in a 200 response.  With
 * "TE: trailers" the response is chunked and ends with CIMStatusCode and
 * CIMStatusCodeDescription trailers; libevent has no trailer support, so
 * the chunked body is encoded here and sent as is.
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "account.h"
#include "cimom.h"
#include "cimxml.h"
#include "daemon.h"
#include "log.h"
#include "ops.h"
#include "provlink.h"
#include "tcplisten.h"
#include "tls.h"
#include "usock.h"
#include "wsman.h"
#include "xmalloc.h"

#define CIMHTTP_TLS	0
#define CIMHTTP_UNIX	1
#define CIMHTTP_PLAIN	2
#define CIMHTTP_N	3

#define CIMHTTP_XML	"application/xml; charset=\"utf-8\""

struct cimhttp_listener {
	struct cimhttp		*hl_http;
	int			 hl_kind;
	int			 hl_fd;
	int			 hl_port;
	struct evhttp		*hl_evhttp;
};

struct cimhttp_call {
	struct cimhttp			*hc_http;
	struct evhttp_request		*hc_req;	/* NULL: gone */
	struct evhttp_connection	*hc_evcon;
	struct provlink_call		*hc_link;
	struct cimxml_req		 hc_cr;
	struct wsman_req		 hc_ws;		/* POST /wsman */
	int				 hc_is_ws;
	int				 hc_trailers;
	char				 hc_peer[80];
	struct timespec			 hc_start;
};

/*
 * Basic credentials verified lately, by the SHA-256 of the header: every
 * request carries them, and a crypt(3) SHA-512 check per request would
 * cost more than serving it.  Only a header that passed account_login
 * can match; a changed password or a lockout takes effect within
 * CIMHTTP_MEMO_TTL seconds.
 */
#define CIMHTTP_MEMO_N		16
#define CIMHTTP_MEMO_TTL	30
struct cimhttp_memo {
	unsigned char	hm_digest[32];
	char		hm_principal[64];
	time_t		hm_expires;
};

struct cimhttp {
	struct cimom		*hh_cimom;
	struct cimhttp_memo	 hh_memo[CIMHTTP_MEMO_N];
	struct wsman		*hh_wsman;
	SSL_CTX			*hh_ssl;
	char			*hh_sockpath;
	struct cimhttp_listener	 hh_l[CIMHTTP_N];
};

static int	cimhttp_setup(struct cimhttp *, struct cimhttp_listener *,
		    struct event_base *, char **);
static struct bufferevent *cimhttp_tls_bevcb(struct event_base *, void *);
static void	cimhttp_request_cb(struct evhttp_request *, void *);
static int	cimhttp_auth(struct cimhttp_listener *, struct evhttp_request *,
		    const char *, char *, size_t);
static void	cimhttp_plain(struct evhttp_request *, int, const char *,
		    const char *);
static void	cimhttp_reply(struct cimhttp_call *, int, const char *,
		    size_t);
static void	cimhttp_linkcb(void *, int, const char *, size_t);
static void	cimhttp_closecb(struct evhttp_connection *, void *);
static void	cimhttp_call_free(struct cimhttp_call *);
static void	cimhttp_peer(struct cimhttp_listener *, struct evhttp_request *,
		    char *, size_t);
static void	cimhttp_wsman(struct cimhttp *, struct evhttp_request *,
		    const char *, const char *);
static void	cimhttp_soap_reply(struct cimhttp_call *, int,
		    struct evbuffer *);

struct cimhttp *
cimhttp_create(struct cimom *c)
{
	struct cimhttp	*hh = xcalloc(1, sizeof *hh);
	int		 i;

	hh->hh_cimom = c;
	hh->hh_wsman = wsman_create(c->c_hostname);
	for (i = 0; i < CIMHTTP_N; i++) {
		hh->hh_l[i].hl_http = hh;
		hh->hh_l[i].hl_kind = i;
		hh->hh_l[i].hl_fd = -1;
		hh->hh_l[i].hl_port = -1;
	}
	return (hh);
}

void
cimhttp_free(struct cimhttp *hh)
{
	int	i;

	if (hh == NULL)
		return;
	for (i = 0; i < CIMHTTP_N; i++) {
		if (hh->hh_l[i].hl_evhttp != NULL)
			evhttp_free(hh->hh_l[i].hl_evhttp);
		if (hh->hh_l[i].hl_fd != -1)
			close(hh->hh_l[i].hl_fd);
	}
	if (hh->hh_sockpath != NULL) {
		unlink(hh->hh_sockpath);
		free(hh->hh_sockpath);
	}
	SSL_CTX_free(hh->hh_ssl);
	wsman_free(hh->hh_wsman);
	free(hh);
}

int
cimhttp_port(const struct cimhttp *hh)
{
	return (hh->hh_l[CIMHTTP_TLS].hl_port);
}

int
cimhttp_open(struct cimhttp *hh, int port, int http_port, char **cause)
{
	struct cimom	*c = hh->hh_cimom;
	char		*path;

	if ((hh->hh_ssl = tls_server_ctx(c->c_certpath, c->c_keypath,
	    cause)) == NULL)
		return (-1);
	if ((hh->hh_l[CIMHTTP_TLS].hl_fd = tcplisten_open(NULL, port,
	    CIMOM_BACKLOG, &hh->hh_l[CIMHTTP_TLS].hl_port, cause)) == -1)
		return (-1);
	if (http_port >= 0 && (hh->hh_l[CIMHTTP_PLAIN].hl_fd =
	    tcplisten_open(NULL, http_port, CIMOM_BACKLOG,
	    &hh->hh_l[CIMHTTP_PLAIN].hl_port, cause)) == -1)
		return (-1);
	if ((path = daemon_path_mkdirs(c->c_daemon, "run/vireo/cimom.sock",
	    cause)) == NULL)
		return (-1);
	if ((hh->hh_l[CIMHTTP_UNIX].hl_fd = usock_listen(path, 0600,
	    CIMOM_BACKLOG, cause)) == -1) {
		free(path);
		return (-1);
	}
	hh->hh_sockpath = path;
	return (0);
}

static int
cimhttp_setup(struct cimhttp *hh, struct cimhttp_listener *l,
    struct event_base *base, char **cause)
{
	struct evconnlistener	*lev;

	if ((l->hl_evhttp = evhttp_new(base)) == NULL) {
		xasprintf(cause, "evhttp_new failed");
		return (-1);
	}
	evhttp_set_max_body_size(l->hl_evhttp, CIMXML_MAX_BODY);
	evhttp_set_max_headers_size(l->hl_evhttp, CIMOM_MAX_HEADERS);
	evhttp_set_timeout(l->hl_evhttp, CIMOM_IDLE_TIMEOUT);
	/* Every method reaches the callback, which answers 501. */
	evhttp_set_allowed_methods(l->hl_evhttp, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	evhttp_set_flags(l->hl_evhttp, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_gencb(l->hl_evhttp, cimhttp_request_cb, l);
	if (l->hl_kind == CIMHTTP_TLS)
		evhttp_set_bevcb(l->hl_evhttp, cimhttp_tls_bevcb, hh);
	lev = evconnlistener_new(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC, 0, l->hl_fd);
	if (lev == NULL) {
		xasprintf(cause, "evconnlistener_new failed");
		return (-1);
	}
	l->hl_fd = -1;
	if (evhttp_bind_listener(l->hl_evhttp, lev) == NULL) {
		evconnlistener_free(lev);
		xasprintf(cause, "evhttp_bind_listener failed");
		return (-1);
	}
	return (0);
}

int
cimhttp_start(struct cimhttp *hh, struct event_base *base, char **cause)
{
	int	i;

	for (i = 0; i < CIMHTTP_N; i++) {
		if (hh->hh_l[i].hl_fd == -1)
			continue;
		if (cimhttp_setup(hh, &hh->hh_l[i], base, cause) == -1)
			return (-1);
		if (i == CIMHTTP_UNIX)
			log_info("listening on %s (HTTP)", hh->hh_sockpath);
		else
			log_info("listening on port %d (%s)",
			    hh->hh_l[i].hl_port, i == CIMHTTP_TLS ? "https" :
			    "http");
	}
	return (0);
}

static struct bufferevent *
cimhttp_tls_bevcb(struct event_base *base, void *arg)
{
	struct cimhttp		*hh = arg;
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(hh->hh_ssl)) == NULL)
		fatalx("SSL_new: out of memory");
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("bufferevent_openssl_socket_new: out of memory");
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return (bev);
}

static void
cimhttp_peer(struct cimhttp_listener *l, struct evhttp_request *req,
    char *buf, size_t len)
{
	struct evhttp_connection	*evcon;
	char				*addr = NULL;
	ev_uint16_t			 port = 0;

	if (l->hl_kind == CIMHTTP_UNIX) {
		xsnprintf(buf, len, "unix");
		return;
	}
	evcon = evhttp_request_get_connection(req);
	evhttp_connection_get_peer(evcon, &addr, &port);
	snprintf(buf, len, "%s:%u", addr != NULL ? addr : "?",
	    (unsigned)port);
}

/*
 * The principal of a request, or -1 (401).  The Unix socket trusts its
 * peer's credentials; TCP needs Basic credentials of a local user.
 */
static int
cimhttp_auth(struct cimhttp_listener *l, struct evhttp_request *req,
    const char *peer, char *principal, size_t len)
{
	struct cimom			*c = l->hl_http->hh_cimom;
	struct evhttp_connection	*evcon;
	struct passwd			*pw;
	const char			*h;
	struct cimhttp_memo		*m;
	unsigned char			 dec[512], digest[32];
	char				*colon;
	uid_t				 uid;
	time_t				 now;
	int				 n, fd, rc, i;

	if (l->hl_kind == CIMHTTP_UNIX) {
		evcon = evhttp_request_get_connection(req);
		fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
		if (usock_peercred(fd, NULL, &uid, NULL) == -1 ||
		    (uid != 0 && uid != geteuid()))
			return (-1);
		pw = getpwuid(uid);
		xsnprintf(principal, len, "%s", pw != NULL ? pw->pw_name :
		    "root");
		return (0);
	}
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return (-1);
	h += 6;
	h += strspn(h, " ");
	if (strlen(h) > (sizeof dec - 1) / 3 * 4)
		return (-1);
	now = time(NULL);
	EVP_Digest(h, strlen(h), digest, NULL, EVP_sha256(), NULL);
	for (i = 0; i < CIMHTTP_MEMO_N; i++) {
		m = &l->hl_http->hh_memo[i];
		if (m->hm_expires > now &&
		    CRYPTO_memcmp(m->hm_digest, digest, sizeof digest) == 0) {
			xsnprintf(principal, len, "%s", m->hm_principal);
			return (0);
		}
	}
	if ((n = EVP_DecodeBlock(dec, (const unsigned char *)h,
	    (int)strlen(h))) <= 0)
		return (-1);
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	while (n > 0 && dec[n - 1] == '\0')
		n--;
	dec[n] = '\0';
	if (strlen((char *)dec) != (size_t)n ||
	    (colon = strchr((char *)dec, ':')) == NULL)
		return (-1);
	*colon = '\0';
	rc = account_login(c->c_account, (char *)dec, colon + 1, peer, NULL);
	explicit_bzero(dec, sizeof dec);
	if (rc == -1) {
		log_info("authentication failed for a user from %s", peer);
		return (-1);
	}
	xsnprintf(principal, len, "%s", dec);
	/* Remember it in the slot that expires first. */
	m = &l->hl_http->hh_memo[0];
	for (i = 1; i < CIMHTTP_MEMO_N; i++)
		if (l->hl_http->hh_memo[i].hm_expires < m->hm_expires)
			m = &l->hl_http->hh_memo[i];
	memcpy(m->hm_digest, digest, sizeof digest);
	xsnprintf(m->hm_principal, sizeof m->hm_principal, "%s", principal);
	m->hm_expires = now + CIMHTTP_MEMO_TTL;
	return (0);
}

/* An HTTP-level answer with a short text body. */
static void
cimhttp_plain(struct evhttp_request *req, int status, const char *reason,
    const char *cimerror)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*b = evbuffer_new();

	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	if (cimerror != NULL)
		evhttp_add_header(out, "CIMError", cimerror);
	evbuffer_add_printf(b, "%d %s\n", status, reason);
	evhttp_send_reply(req, status, reason, b);
	evbuffer_free(b);
}

static void
cimhttp_request_cb(struct evhttp_request *req, void *arg)
{
	struct cimhttp_listener	*l = arg;
	struct cimhttp		*hh = l->hl_http;
	struct cimom		*c = hh->hh_cimom;
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evbuffer		*body = evhttp_request_get_input_buffer(req);
	struct cimhttp_call	*call;
	struct ops_ctx		 ctx;
	struct evbuffer		*out;
	const struct evhttp_uri	*uri;
	const char		*h, *hdr, *path;
	char			 principal[256], peer[80], *data, *cause = NULL;
	size_t			 len;
	int			 code;

	cimhttp_peer(l, req, peer, sizeof peer);
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		cimhttp_plain(req, 501, "Not Implemented", NULL);
		return;
	}
	if (cimhttp_auth(l, req, peer, principal, sizeof principal) == -1) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Basic realm=\"cimom\"");
		cimhttp_plain(req, 401, "Unauthorized", NULL);
		return;
	}
	uri = evhttp_request_get_evhttp_uri(req);
	if (uri != NULL && (path = evhttp_uri_get_path(uri)) != NULL &&
	    strcmp(path, "/wsman") == 0) {
		cimhttp_wsman(hh, req, principal, peer);
		return;
	}
	if ((h = evhttp_find_header(in, "CIMOperation")) == NULL ||
	    strcasecmp(h, "MethodCall") != 0) {
		cimhttp_plain(req, 400, "Bad Request",
		    "unsupported-operation");
		return;
	}
	if ((h = evhttp_find_header(in, "CIMProtocolVersion")) != NULL &&
	    strncmp(h, "1.", 2) != 0) {
		cimhttp_plain(req, 501, "Not Implemented",
		    "unsupported-protocol-version");
		return;
	}
	len = evbuffer_get_length(body);
	data = (char *)evbuffer_pullup(body, -1);
	call = xcalloc(1, sizeof *call);
	clock_gettime(CLOCK_MONOTONIC, &call->hc_start);
	call->hc_http = hh;
	call->hc_req = req;
	memcpy(call->hc_peer, peer, sizeof call->hc_peer);
	if ((h = evhttp_find_header(in, "TE")) != NULL &&
	    strcasestr(h, "trailers") != NULL)
		call->hc_trailers = 1;
	if (cimxml_parse(data != NULL ? data : "", len, &call->hc_cr, &hdr,
	    &cause) == -1) {
		log_info("POST %s: %s (%s)", peer, hdr, cause);
		free(cause);
		free(call);
		cimhttp_plain(req, hdr != NULL &&
		    strncmp(hdr, "unsupported", 11) == 0 ? 501 :
		    strcmp(hdr, "multiple-requests-unsupported") == 0 ? 501 :
		    400, "Bad Request", hdr);
		return;
	}
	if (ops_find(&call->hc_cr)->oe_where == OPS_LOCAL) {
		memset(&ctx, 0, sizeof ctx);
		ctx.oc_repo = c->c_repo;
		ctx.oc_host = c->c_hostname;
		ctx.oc_principal = principal;
		out = evbuffer_new();
		code = ops_run(&ctx, &call->hc_cr, out);
		cimhttp_reply(call, code, (char *)evbuffer_pullup(out, -1),
		    evbuffer_get_length(out));
		evbuffer_free(out);
		return;
	}
	/* The provider host answers later; the client may leave first. */
	call->hc_evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(call->hc_evcon, cimhttp_closecb, call);
	call->hc_link = provlink_call(c->c_link, principal, data, len,
	    cimhttp_linkcb, call);
}

static void
cimhttp_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct cimhttp_call	*call = arg;

	if (call->hc_req != NULL &&
	    evhttp_request_get_connection(call->hc_req) != NULL)
		call->hc_req = NULL;
	call->hc_evcon = NULL;
	if (call->hc_link != NULL) {
		provlink_cancel(call->hc_link);
		call->hc_link = NULL;
		log_debug("%s: client went away before the answer",
		    call->hc_peer);
		cimhttp_call_free(call);
	}
}

static void
cimhttp_linkcb(void *arg, int code, const char *xml, size_t len)
{
	struct cimhttp_call	*call = arg;
	struct evbuffer		*b;

	call->hc_link = NULL;
	if (call->hc_evcon != NULL)
		evhttp_connection_set_closecb(call->hc_evcon, NULL, NULL);
	if (call->hc_is_ws) {
		b = evbuffer_new();
		cimhttp_soap_reply(call, wsman_reply(call->hc_http->hh_wsman,
		    &call->hc_ws, xml, len, code, b), b);
		evbuffer_free(b);
		return;
	}
	if (code == -1) {
		/* The provider host died on this request. */
		b = evbuffer_new();
		cimxml_error(b, call->hc_cr.cr_id, call->hc_cr.cr_extrinsic,
		    call->hc_cr.cr_method, 1, "the provider failed "
		    "(provider host restarted)");
		cimhttp_reply(call, 1, (char *)evbuffer_pullup(b, -1),
		    evbuffer_get_length(b));
		evbuffer_free(b);
		return;
	}
	cimhttp_reply(call, code, xml, len);
}

static void
cimhttp_call_free(struct cimhttp_call *call)
{
	cimxml_req_clear(&call->hc_cr);
	wsman_req_clear(&call->hc_ws);
	free(call);
}

/* Send the CIM-XML response (plain or chunked with trailers). */
static void
cimhttp_reply(struct cimhttp_call *call, int code, const char *xml,
    size_t len)
{
	struct evhttp_request	*req = call->hc_req;
	struct evkeyvalq	*out;
	struct evbuffer		*b;
	struct timespec		 now;
	long long		 ms;
	char			 desc[256];

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - call->hc_start.tv_sec) * 1000 +
	    (now.tv_nsec - call->hc_start.tv_nsec) / 1000000;
	log_info("%s %s %s: %d (%zu bytes, %lld ms)", call->hc_peer,
	    call->hc_cr.cr_method, call->hc_cr.cr_ns, code, len, ms);
	if (req == NULL) {
		cimhttp_call_free(call);
		return;
	}
	out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "Content-Type", CIMHTTP_XML);
	evhttp_add_header(out, "Cache-Control", "no-cache");
	evhttp_add_header(out, "CIMOperation", "MethodResponse");
	b = evbuffer_new();
	if (call->hc_trailers) {
		evhttp_add_header(out, "Transfer-Encoding", "chunked");
		evhttp_add_header(out, "Trailer",
		    "CIMError, CIMStatusCode, CIMStatusCodeDescription");
		if (len > 0) {
			evbuffer_add_printf(b, "%zx\r\n", len);
			evbuffer_add(b, xml, len);
			evbuffer_add_printf(b, "\r\n");
		}
		evbuffer_add_printf(b, "0\r\nCIMStatusCode: %d\r\n", code);
		if (code != 0) {
			/* %-escaped, as the header value must be. */
			const char	*s = cimxml_status_name(code);
			size_t		 i, o = 0;

			for (i = 0; s[i] != '\0' && o + 4 < sizeof desc; i++) {
				if (isalnum((unsigned char)s[i]) ||
				    s[i] == '_')
					desc[o++] = s[i];
				else
					o += (size_t)snprintf(desc + o,
					    sizeof desc - o, "%%%02X",
					    (unsigned char)s[i]);
			}
			desc[o] = '\0';
			evbuffer_add_printf(b, "CIMStatusCodeDescription: "
			    "%s\r\n", desc);
		}
		evbuffer_add_printf(b, "\r\n");
	} else
		evbuffer_add(b, xml, len);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	cimhttp_call_free(call);
}

/* POST /wsman: Identify, Pull and Release here; Enumerate asks the
 * provider host first. */
static void
cimhttp_wsman(struct cimhttp *hh, struct evhttp_request *req,
    const char *principal, const char *peer)
{
	struct evbuffer		*body = evhttp_request_get_input_buffer(req);
	struct evbuffer		*out, *cim;
	struct cimhttp_call	*call;
	size_t			 len = evbuffer_get_length(body);
	int			 status;

	call = xcalloc(1, sizeof *call);
	clock_gettime(CLOCK_MONOTONIC, &call->hc_start);
	call->hc_http = hh;
	call->hc_req = req;
	call->hc_is_ws = 1;
	memcpy(call->hc_peer, peer, sizeof call->hc_peer);
	out = evbuffer_new();
	if (wsman_parse((char *)evbuffer_pullup(body, -1), len, &call->hc_ws,
	    out, &status) == -1) {
		cimhttp_soap_reply(call, status, out);
		evbuffer_free(out);
		return;
	}
	if (call->hc_ws.wr_action != WSMAN_ENUMERATE) {
		cimhttp_soap_reply(call, wsman_reply(hh->hh_wsman,
		    &call->hc_ws, NULL, 0, 0, out), out);
		evbuffer_free(out);
		return;
	}
	evbuffer_free(out);
	cim = evbuffer_new();
	wsman_cimxml(&call->hc_ws, cim);
	call->hc_evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(call->hc_evcon, cimhttp_closecb, call);
	call->hc_link = provlink_call(hh->hh_cimom->c_link, principal,
	    (char *)evbuffer_pullup(cim, -1), evbuffer_get_length(cim),
	    cimhttp_linkcb, call);
	evbuffer_free(cim);
}

static void
cimhttp_soap_reply(struct cimhttp_call *call, int status,
    struct evbuffer *b)
{
	struct evkeyvalq	*out;

	log_info("%s wsman %d: %d (%zu bytes)", call->hc_peer,
	    call->hc_ws.wr_action, status, evbuffer_get_length(b));
	if (call->hc_req != NULL) {
		out = evhttp_request_get_output_headers(call->hc_req);
		evhttp_add_header(out, "Content-Type",
		    "application/soap+xml;charset=UTF-8");
		evhttp_send_reply(call->hc_req, status, status == 200 ? "OK" :
		    status == 400 ? "Bad Request" : "Internal Server Error", b);
	}
	cimhttp_call_free(call);
}
