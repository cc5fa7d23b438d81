/* SPDX-License-Identifier: ISC */
/*
 * hostd's HTTP server (vi-api.md §1): HTTPS on TCP, the same plain HTTP
 * on the Unix socket run/vireo/hostd.sock for local clients, and a plain
 * HTTP port that shows the welcome page and redirects the rest to HTTPS.
 *
 * libevent 2.1 picks a connection's bufferevent with one callback per
 * evhttp that is not told which listener accepted the connection, so each
 * listener has its own evhttp, all set up by hostd_http_setup with the
 * same limits and the same request callback; the listener tells the
 * callback which transport a request came over.
 *
 * Limits: body and header sizes (libevent answers 413 and 400), an idle
 * timeout far above pyVmomi's 900 s pool timeout (vi-api.md rule 8), and
 * a cap on TLS connections: each one holds a count released when its SSL
 * object is freed, and the TLS listener stops accepting while the count
 * is at the cap (new clients wait in the backlog).
 *
 * A POST to /sdk becomes a struct hostd_call for soap.c.  A call may be
 * answered from a later loop turn; when its client goes away first, the
 * connection's close callback marks it gone and, if libevent is about to
 * free the request with the connection, forgets the request, so answering
 * a gone call only frees memory.  Every request gets one log line.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include <openssl/ssl.h>

#include "daemon.h"
#include "fmt.h"
#include "hostd.h"
#include "log.h"
#include "tcplisten.h"
#include "tls.h"
#include "usock.h"
#include "xmalloc.h"

#define HOSTD_HTTP_PATH_LOG	120	/* bytes of a path in the log */
#define HOSTD_HTTP_PEER_MAX	80
#define HOSTD_HTTP_LOGBUF	(64 * 1024)	/* request log buffer */
#define HOSTD_HTTP_LOGFLUSH_MS	100	/* its longest wait */
#define HOSTD_HTTP_JOIN		16384	/* one TLS record of plaintext */

/* vi-api.md §1.3: what a real ESXi 6.7u3 host advertises. */
static const char hostd_http_versions[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<namespaces version=\"1.0\">\n"
    " <namespace>\n"
    "  <name>urn:vim25</name>\n"
    "  <version>6.7.3</version>\n"
    "  <priorVersions>\n"
    "   <version>6.7.2</version>\n"
    "   <version>6.7.1</version>\n"
    "   <version>6.7</version>\n"
    "   <version>6.5</version>\n"
    "   <version>6.0</version>\n"
    "   <version>5.5</version>\n"
    "   <version>5.1</version>\n"
    "   <version>5.0</version>\n"
    "  </priorVersions>\n"
    " </namespace>\n"
    "</namespaces>\n";

/*
 * The service WSDL, only read by pyVim when the versions document is
 * missing: it looks for a wsdl:import whose namespace is urn:vim25.  The
 * port types live in vim.wsdl, which we do not serve.
 */
static const char hostd_http_wsdl[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<definitions targetNamespace=\"urn:vim25Service\"\n"
    "   xmlns=\"http://schemas.xmlsoap.org/wsdl/\"\n"
    "   xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\"\n"
    "   xmlns:interface=\"urn:vim25\">\n"
    "   <import location=\"vim.wsdl\" namespace=\"urn:vim25\"/>\n"
    "   <service name=\"VimService\">\n"
    "      <port binding=\"interface:VimBinding\" name=\"VimPort\">\n"
    "         <soap:address location=\"https://localhost/sdk\"/>\n"
    "      </port>\n"
    "   </service>\n"
    "</definitions>\n";

#define HOSTD_HTTP_XML		"text/xml; charset=utf-8"
#define HOSTD_HTTP_HTML		"text/html; charset=utf-8"
#define HOSTD_HTTP_TEXT		"text/plain; charset=utf-8"

/* What one log line says about a request. */
struct hostd_http_rlog {
	char		rl_method[8];
	char		rl_path[HOSTD_HTTP_PATH_LOG + 1];
	char		rl_peer[HOSTD_HTTP_PEER_MAX];	/* for the log */
	char		rl_addr[HOSTD_HTTP_PEER_MAX];	/* ci_peer */
	struct timespec	rl_start;
};

/* The TLS connection count; outlives hostd_http while libevent finishes
 * freeing connections (their SSL objects release it). */
struct hostd_http_conns {
	int			 hn_count;
	struct hostd_http	*hn_http;	/* NULL once freed */
};

struct hostd_http_listener {
	struct hostd_http		*hl_http;
	int				 hl_kind;	/* HOSTD_HTTP_* */
	const char			*hl_name;
	int				 hl_fd;		/* until bound, or -1 */
	int				 hl_port;	/* TCP, or -1 */
	struct evhttp			*hl_evhttp;
	struct evhttp_bound_socket	*hl_bound;	/* NULL: stopped */
};

struct hostd_call {
	TAILQ_ENTRY(hostd_call)		 hc_entry;
	struct hostd_http		*hc_http;
	struct evhttp_request		*hc_req;	/* NULL: freed */
	struct evhttp_connection	*hc_evcon;
	int				 hc_gone;
	struct hostd_call_info		 hc_info;
	char				*hc_body;
	char				*hc_cookie;
	char				*hc_soapaction;
	struct hostd_http_rlog		 hc_log;
};
TAILQ_HEAD(hostd_calls, hostd_call);

struct hostd_http {
	struct hostd		*hh_hostd;
	SSL_CTX			*hh_ssl;
	int			 hh_ssl_idx;
	struct hostd_http_conns	*hh_conns;
	int			 hh_paused;	/* TLS accepting stopped */
	char			*hh_sockpath;	/* ours to unlink, or NULL */
	struct hostd_http_listener hh_l[HOSTD_HTTP_NLISTENERS];
	struct hostd_calls	 hh_calls;
	struct event		*hh_logflush;	/* writes the request log */
	time_t			 hh_date_sec;	/* of hh_date */
	char			 hh_date[64];	/* Date header, or "" */
};

static int	hostd_http_tcp_socket(const char *, int, int *, char **);
static int	hostd_http_setup(struct hostd_http *,
		    struct hostd_http_listener *, struct event_base *,
		    char **);
static struct bufferevent *hostd_http_tls_bevcb(struct event_base *,
		    void *);
static struct bufferevent *hostd_http_unix_bevcb(struct event_base *,
		    void *);
static void	hostd_http_ssl_free_cb(void *, void *, CRYPTO_EX_DATA *, int,
		    long, void *);
static void	hostd_http_pause(struct hostd_http *, int);
static void	hostd_http_logflush_cb(evutil_socket_t, short, void *);
static void	hostd_http_request_cb(struct evhttp_request *, void *);
static void	hostd_http_redirect(struct hostd_http_listener *,
		    struct evhttp_request *, struct hostd_http_rlog *,
		    const char *);
static void	hostd_http_firmware(struct hostd_http_listener *,
		    struct evhttp_request *, struct hostd_http_rlog *,
		    const char *);
static void	hostd_http_call(struct hostd_http_listener *,
		    struct evhttp_request *, struct hostd_http_rlog *);
static void	hostd_http_call_closecb(struct evhttp_connection *, void *);
static void	hostd_http_call_free(struct hostd_call *);
static void	hostd_http_push(struct evhttp_connection *);
static void	hostd_http_stdheaders(struct hostd_http *,
		    struct evhttp_request *, size_t);
static void	hostd_http_send(struct evhttp_request *,
		    struct hostd_http_rlog *, int, const char *,
		    const char *, const char *, size_t);
static void	hostd_http_rlog_init(struct hostd_http_listener *,
		    struct evhttp_request *, struct hostd_http_rlog *);
static void	hostd_http_rlog_done(const struct hostd_http_rlog *, int,
		    size_t);
static void	hostd_http_clean(char *, size_t, const char *);
static char	*hostd_http_cat(char *, const char *);
static const char *hostd_http_method(enum evhttp_cmd_type);

struct hostd_http *
hostd_http_create(struct hostd *h)
{
	struct hostd_http	*hh;
	int			 i;
	static const char *const names[HOSTD_HTTP_NLISTENERS] = {
		"https", "unix", "http"
	};

	hh = xcalloc(1, sizeof *hh);
	hh->hh_hostd = h;
	hh->hh_ssl_idx = -1;
	TAILQ_INIT(&hh->hh_calls);
	for (i = 0; i < HOSTD_HTTP_NLISTENERS; i++) {
		hh->hh_l[i].hl_http = hh;
		hh->hh_l[i].hl_kind = i;
		hh->hh_l[i].hl_name = names[i];
		hh->hh_l[i].hl_fd = -1;
		hh->hh_l[i].hl_port = -1;
	}
	hh->hh_conns = xcalloc(1, sizeof *hh->hh_conns);
	hh->hh_conns->hn_http = hh;
	return (hh);
}

/* A listening TCP socket (lib/tcplisten.c, shared with cimom). */
static int
hostd_http_tcp_socket(const char *address, int port, int *bound,
    char **cause)
{
	return (tcplisten_open(address, port, HOSTD_BACKLOG, bound, cause));
}

int
hostd_http_open(struct hostd_http *hh, char **cause)
{
	struct hostd			*h = hh->hh_hostd;
	const struct hostd_conf		*hc = &h->h_conf;
	struct hostd_http_listener	*l;
	char				*path;

	if ((hh->hh_ssl = tls_server_ctx(h->h_certpath, h->h_keypath,
	    cause)) == NULL)
		return (-1);
	hh->hh_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    hostd_http_ssl_free_cb);
	if (hh->hh_ssl_idx == -1) {
		xasprintf(cause, "SSL_get_ex_new_index failed");
		errno = ENOMEM;
		return (-1);
	}

	l = &hh->hh_l[HOSTD_HTTP_TLS];
	if ((l->hl_fd = hostd_http_tcp_socket(hc->hc_address,
	    hc->hc_https_port, &l->hl_port, cause)) == -1)
		return (-1);
	if (hc->hc_http_enabled) {
		l = &hh->hh_l[HOSTD_HTTP_REDIRECT];
		if ((l->hl_fd = hostd_http_tcp_socket(hc->hc_address,
		    hc->hc_http_port, &l->hl_port, cause)) == -1)
			return (-1);
	}

	l = &hh->hh_l[HOSTD_HTTP_UNIX];
	if ((path = daemon_path_mkdirs(h->h_daemon, "run/vireo/hostd.sock",
	    cause)) == NULL)
		return (-1);
	if ((l->hl_fd = usock_listen(path, 0600, HOSTD_BACKLOG,
	    cause)) == -1) {
		free(path);
		return (-1);
	}
	hh->hh_sockpath = path;
	return (0);
}

/* One evhttp for listener l, with the common limits, serving l's fd. */
static int
hostd_http_setup(struct hostd_http *hh, struct hostd_http_listener *l,
    struct event_base *base, char **cause)
{
	const struct hostd_conf	*hc = &hh->hh_hostd->h_conf;
	struct evconnlistener	*lev;

	if ((l->hl_evhttp = evhttp_new(base)) == NULL) {
		xasprintf(cause, "evhttp_new failed");
		errno = ENOMEM;
		return (-1);
	}
	evhttp_set_max_body_size(l->hl_evhttp, (ev_ssize_t)hc->hc_max_body);
	evhttp_set_max_headers_size(l->hl_evhttp,
	    (ev_ssize_t)hc->hc_max_headers);
	evhttp_set_timeout(l->hl_evhttp, HOSTD_IDLE_TIMEOUT);
	evhttp_set_allowed_methods(l->hl_evhttp, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	/* Read the rest of an oversized body, so the client sees the 413
	 * instead of a reset. */
	evhttp_set_flags(l->hl_evhttp, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_default_content_type(l->hl_evhttp, HOSTD_HTTP_TEXT);
	evhttp_set_gencb(l->hl_evhttp, hostd_http_request_cb, l);
	if (l->hl_kind == HOSTD_HTTP_TLS)
		evhttp_set_bevcb(l->hl_evhttp, hostd_http_tls_bevcb, hh);
	else if (l->hl_kind == HOSTD_HTTP_UNIX)
		evhttp_set_bevcb(l->hl_evhttp, hostd_http_unix_bevcb, hh);

	lev = evconnlistener_new(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC, 0, l->hl_fd);
	if (lev == NULL) {
		xasprintf(cause, "evconnlistener_new failed");
		errno = ENOMEM;
		return (-1);
	}
	l->hl_fd = -1;		/* the listener owns it now */
	if ((l->hl_bound = evhttp_bind_listener(l->hl_evhttp, lev)) == NULL) {
		evconnlistener_free(lev);
		xasprintf(cause, "evhttp_bind_listener failed");
		errno = ENOMEM;
		return (-1);
	}
	return (0);
}

int
hostd_http_start(struct hostd_http *hh, struct event_base *base,
    char **cause)
{
	struct hostd_http_listener	*l;
	struct timeval			 tv = { 0,
					    HOSTD_HTTP_LOGFLUSH_MS * 1000 };
	int				 i;

	for (i = 0; i < HOSTD_HTTP_NLISTENERS; i++) {
		l = &hh->hh_l[i];
		if (l->hl_fd == -1)
			continue;
		if (hostd_http_setup(hh, l, base, cause) == -1)
			return (-1);
		if (l->hl_kind == HOSTD_HTTP_UNIX)
			log_info("listening on %s (HTTP)", hh->hh_sockpath);
		else
			log_info("listening on port %d (%s)", l->hl_port,
			    l->hl_name);
	}
	/*
	 * One log line per request, but not one write(2): at thousands of
	 * calls a second the log costs as much as the answer.  Lines wait
	 * at most HOSTD_HTTP_LOGFLUSH_MS; warnings go out at once.
	 */
	hh->hh_logflush = event_new(base, -1, EV_PERSIST,
	    hostd_http_logflush_cb, hh);
	if (hh->hh_logflush == NULL || event_add(hh->hh_logflush, &tv) != 0 ||
	    log_set_buffered(HOSTD_HTTP_LOGBUF) != 0) {
		xasprintf(cause, "cannot set up the request log");
		return (-1);
	}
	return (0);
}

static void
hostd_http_logflush_cb(evutil_socket_t fd, short what, void *arg)
{
	log_flush();
}

int
hostd_http_port(const struct hostd_http *hh, int kind)
{
	if (hh == NULL || kind < 0 || kind >= HOSTD_HTTP_NLISTENERS)
		return (-1);
	return (hh->hh_l[kind].hl_port);
}

void
hostd_http_stop(struct hostd_http *hh)
{
	struct hostd_http_listener	*l;
	int				 i;

	if (hh == NULL)
		return;
	for (i = 0; i < HOSTD_HTTP_NLISTENERS; i++) {
		l = &hh->hh_l[i];
		if (l->hl_bound != NULL) {
			evhttp_del_accept_socket(l->hl_evhttp, l->hl_bound);
			l->hl_bound = NULL;
		}
	}
}

void
hostd_http_free(struct hostd_http *hh)
{
	struct hostd_call	*call;
	int			 i;

	if (hh == NULL)
		return;
	hostd_http_stop(hh);
	/* Frees every connection: pending calls learn they are gone. */
	for (i = 0; i < HOSTD_HTTP_NLISTENERS; i++) {
		if (hh->hh_l[i].hl_evhttp != NULL)
			evhttp_free(hh->hh_l[i].hl_evhttp);
		if (hh->hh_l[i].hl_fd != -1)
			close(hh->hh_l[i].hl_fd);
	}
	while ((call = TAILQ_FIRST(&hh->hh_calls)) != NULL) {
		if (call->hc_req != NULL)
			evhttp_request_free(call->hc_req);
		hostd_http_call_free(call);
	}
	hostd_dsfile_free(hh->hh_hostd);
	if (hh->hh_sockpath != NULL) {
		if (unlink(hh->hh_sockpath) == -1 && errno != ENOENT)
			log_warn("unlink %s", hh->hh_sockpath);
		free(hh->hh_sockpath);
	}
	if (hh->hh_logflush != NULL) {
		event_free(hh->hh_logflush);
		log_set_buffered(0);
	}
	SSL_CTX_free(hh->hh_ssl);
	hh->hh_conns->hn_http = NULL;
	if (hh->hh_conns->hn_count == 0)
		free(hh->hh_conns);
	free(hh);
}

/* A new TLS connection: count it, and stop accepting at the cap. */
static struct bufferevent *
hostd_http_tls_bevcb(struct event_base *base, void *arg)
{
	struct hostd_http	*hh = arg;
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(hh->hh_ssl)) == NULL)
		fatalx("SSL_new: out of memory");
	hh->hh_conns->hn_count++;
	SSL_set_ex_data(ssl, hh->hh_ssl_idx, hh->hh_conns);
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("bufferevent_openssl_socket_new: out of memory");
	/* Clients often close without close_notify; that is not an error
	 * worth a log line. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	if (hh->hh_conns->hn_count >= hh->hh_hostd->h_conf.hc_max_conns &&
	    !hh->hh_paused) {
		log_warnx("%d TLS connections: not accepting more until one "
		    "closes", hh->hh_conns->hn_count);
		hostd_http_pause(hh, 1);
	}
	/* /folder uploads are streamed by a filter on the connection. */
	return (hostd_dsfile_wrap(hh->hh_hostd, bev));
}

/* A new connection on the Unix socket: plain, with the /folder filter. */
static struct bufferevent *
hostd_http_unix_bevcb(struct event_base *base, void *arg)
{
	struct hostd_http	*hh = arg;
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("bufferevent_socket_new: out of memory");
	return (hostd_dsfile_wrap(hh->hh_hostd, bev));
}

/* An SSL object is freed: its connection is over. */
static void
hostd_http_ssl_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	struct hostd_http_conns	*hn = ptr;
	struct hostd_http	*hh;

	if (hn == NULL)
		return;
	hn->hn_count--;
	if ((hh = hn->hn_http) == NULL) {
		if (hn->hn_count == 0)
			free(hn);
		return;
	}
	if (hh->hh_paused && hn->hn_count < hh->hh_hostd->h_conf.hc_max_conns)
		hostd_http_pause(hh, 0);
}

static void
hostd_http_pause(struct hostd_http *hh, int pause)
{
	struct hostd_http_listener	*l = &hh->hh_l[HOSTD_HTTP_TLS];
	struct evconnlistener		*lev;

	hh->hh_paused = pause;
	if (l->hl_bound == NULL)
		return;
	lev = evhttp_bound_socket_get_listener(l->hl_bound);
	if (pause)
		evconnlistener_disable(lev);
	else
		evconnlistener_enable(lev);
}

static const char *
hostd_http_method(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return ("GET");
	case EVHTTP_REQ_POST:
		return ("POST");
	case EVHTTP_REQ_HEAD:
		return ("HEAD");
	case EVHTTP_REQ_PUT:
		return ("PUT");
	case EVHTTP_REQ_DELETE:
		return ("DELETE");
	case EVHTTP_REQ_OPTIONS:
		return ("OPTIONS");
	default:
		return ("OTHER");
	}
}

/* Copy s into buf, printable ASCII only, for the log. */
static void
hostd_http_clean(char *buf, size_t size, const char *s)
{
	size_t	i;

	for (i = 0; i + 1 < size && s[i] != '\0'; i++)
		buf[i] = (s[i] > ' ' && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
}

static void
hostd_http_rlog_init(struct hostd_http_listener *l,
    struct evhttp_request *req, struct hostd_http_rlog *rl)
{
	struct evhttp_connection	*evcon;
	const struct evhttp_uri		*uri;
	const char			*path = NULL;
	char				*addr = NULL;
	const char			*shown;
	char				*p;
	ev_uint16_t			 port = 0;
	pid_t				 pid;
	uid_t				 uid;
	int				 fd;

	clock_gettime(CLOCK_MONOTONIC, &rl->rl_start);
	/* Every name fits (see hostd_http_method). */
	hostd_http_clean(rl->rl_method, sizeof rl->rl_method,
	    hostd_http_method(evhttp_request_get_command(req)));
	if ((uri = evhttp_request_get_evhttp_uri(req)) != NULL)
		path = evhttp_uri_get_path(uri);
	hostd_http_clean(rl->rl_path, sizeof rl->rl_path,
	    path != NULL && *path != '\0' ? path : "/");

	evcon = evhttp_request_get_connection(req);
	if (l->hl_kind == HOSTD_HTTP_UNIX) {
		xsnprintf(rl->rl_addr, sizeof rl->rl_addr, "unix");
		fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
		if (usock_peercred(fd, &pid, &uid, NULL) == 0)
			xsnprintf(rl->rl_peer, sizeof rl->rl_peer,
			    "unix pid %ld uid %ld", (long)pid, (long)uid);
		else
			xsnprintf(rl->rl_peer, sizeof rl->rl_peer, "unix");
		return;
	}
	evhttp_connection_get_peer(evcon, &addr, &port);
	shown = addr != NULL ? addr : "?";
	if (strncmp(shown, "::ffff:", 7) == 0 &&
	    strchr(shown + 7, ':') == NULL)
		shown += 7;
	if (strchr(shown, ':') != NULL)
		snprintf(rl->rl_addr, sizeof rl->rl_addr, "[%s]:%u", shown,
		    (unsigned)port);
	else if (strlen(shown) < sizeof rl->rl_addr - 7) {
		/* "%s:%u" without a format to parse, at every request. */
		p = hostd_http_cat(rl->rl_addr, shown);
		*p++ = ':';
		*fmt_uint(p, port, 0) = '\0';
	} else
		snprintf(rl->rl_addr, sizeof rl->rl_addr, "%s:%u", shown,
		    (unsigned)port);
	memcpy(rl->rl_peer, rl->rl_addr, strlen(rl->rl_addr) + 1);
}

static void
hostd_http_rlog_done(const struct hostd_http_rlog *rl, int status,
    size_t bytes)
{
	struct timespec	now;
	long long	ms;
	char		line[sizeof rl->rl_method + sizeof rl->rl_path +
			    sizeof rl->rl_peer + 96], *p = line;

	if (!log_is_enabled(LOG_LEVEL_INFO))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - rl->rl_start.tv_sec) * 1000 +
	    (now.tv_nsec - rl->rl_start.tv_nsec) / 1000000;
	/*
	 * "%s %s %d %zu bytes %lld ms %s", put together by hand: this line
	 * is written for every request, and formatting it cost as much as
	 * the rest of the log.
	 */
	p = hostd_http_cat(p, rl->rl_method);
	*p++ = ' ';
	p = hostd_http_cat(p, rl->rl_path);
	*p++ = ' ';
	if (status < 0)
		*p++ = '-';
	p = fmt_uint(p, status < 0 ? -(unsigned long long)status :
	    (unsigned long long)status, 0);
	*p++ = ' ';
	p = fmt_uint(p, bytes, 0);
	p = hostd_http_cat(p, " bytes ");
	if (ms < 0)
		*p++ = '-';
	p = fmt_uint(p, ms < 0 ? -(unsigned long long)ms :
	    (unsigned long long)ms, 0);
	p = hostd_http_cat(p, " ms ");
	p = hostd_http_cat(p, rl->rl_peer);
	log_str(LOG_LEVEL_INFO, line, (size_t)(p - line));
}

/* Copy the string s to p (no NUL); returns the end. */
static char *
hostd_http_cat(char *p, const char *s)
{
	size_t	len = strlen(s);

	memcpy(p, s, len);
	return (p + len);
}

/* Answer with a fixed body (headers already added stay). */
static void
hostd_http_send(struct evhttp_request *req, struct hostd_http_rlog *rl,
    int status, const char *reason, const char *type, const char *body,
    size_t len)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*buf;

	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-cache");
	if (body != NULL)
		evbuffer_add(buf, body, len);
	evhttp_send_reply(req, status, reason, buf);
	evbuffer_free(buf);
	hostd_http_rlog_done(rl, status, len);
}

static void
hostd_http_request_cb(struct evhttp_request *req, void *arg)
{
	struct hostd_http_listener	*l = arg;
	struct hostd_http_rlog		 rl;
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	const struct evhttp_uri		*uri;
	const char			*path = NULL;
	int				 get;

	if (l->hl_http->hh_hostd->h_daemon != NULL)
		daemon_busy(l->hl_http->hh_hostd->h_daemon);
	hostd_http_rlog_init(l, req, &rl);
	if ((uri = evhttp_request_get_evhttp_uri(req)) != NULL)
		path = evhttp_uri_get_path(uri);
	if (path == NULL || *path == '\0')
		path = "/";
	get = cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD;

	if (l->hl_kind == HOSTD_HTTP_REDIRECT && !(get &&
	    strcmp(path, "/") == 0)) {
		hostd_http_redirect(l, req, &rl, path);
		return;
	}
	if (strcmp(path, "/") == 0) {
		if (!get)
			goto not_allowed;
		hostd_http_send(req, &rl, HTTP_OK, "OK", HOSTD_HTTP_HTML,
		    hostd_firstboot_welcome, strlen(hostd_firstboot_welcome));
	} else if (strcmp(path, "/sdk/vimServiceVersions.xml") == 0) {
		if (!get)
			goto not_allowed;
		hostd_http_send(req, &rl, HTTP_OK, "OK", HOSTD_HTTP_XML,
		    hostd_http_versions, sizeof hostd_http_versions - 1);
	} else if (strcmp(path, "/sdk/vimService.wsdl") == 0) {
		if (!get)
			goto not_allowed;
		hostd_http_send(req, &rl, HTTP_OK, "OK", HOSTD_HTTP_XML,
		    hostd_http_wsdl, sizeof hostd_http_wsdl - 1);
	} else if (strcmp(path, "/sdk") == 0 || strcmp(path, "/sdk/") == 0 ||
	    strcmp(path, "/sdk/vimService") == 0) {
		if (cmd != EVHTTP_REQ_POST) {
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Allow", "POST");
			hostd_http_send(req, &rl, 405, "Method Not Allowed",
			    HOSTD_HTTP_TEXT, "405 Method Not Allowed\n", 23);
			return;
		}
		hostd_http_call(l, req, &rl);
	} else if ((strcmp(path, "/folder") == 0 ||
	    strncmp(path, "/folder/", 8) == 0 || strcmp(path, "/host") == 0 ||
	    strncmp(path, "/host/", 6) == 0) &&
	    l->hl_kind != HOSTD_HTTP_REDIRECT) {
		/* Datastore files and host files (dsfile.c). */
		hostd_http_rlog_done(&rl, hostd_dsfile_handle(
		    l->hl_http->hh_hostd, req, rl.rl_addr), 0);
	} else if ((strncmp(path, "/downloads/", 11) == 0 ||
	    strcmp(path, "/tmp/configBundle.tgz") == 0) &&
	    l->hl_kind != HOSTD_HTTP_REDIRECT) {
		if (path[1] == 'd' ? !get : cmd != EVHTTP_REQ_PUT)
			goto not_allowed;
		hostd_http_firmware(l, req, &rl, path);
	} else
		hostd_http_send(req, &rl, HTTP_NOTFOUND, "Not Found",
		    HOSTD_HTTP_TEXT, "404 Not Found\n", 14);
	return;

not_allowed:
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    "GET, HEAD");
	hostd_http_send(req, &rl, 405, "Method Not Allowed", HOSTD_HTTP_TEXT,
	    "405 Method Not Allowed\n", 23);
}

/*
 * GET /downloads/<token>/<bundle> and PUT /tmp/configBundle.tgz: the
 * configuration bundles of HostFirmwareSystem (mo-hostfirmwaresystem.c).
 */
static void
hostd_http_firmware(struct hostd_http_listener *l, struct evhttp_request *req,
    struct hostd_http_rlog *rl, const char *path)
{
	struct hostd		*h = l->hl_http->hh_hostd;
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evbuffer		*buf;
	const char		*reason, *cookie;
	size_t			 len;
	int			 status;

	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	cookie = evhttp_find_header(in, "Cookie");
	if (h->h_soap == NULL) {
		status = 503;
		reason = "Service Unavailable";
	} else if (path[1] == 'd')
		status = hostd_mo_hostfirmwaresystem_download(h->h_soap,
		    path + 11, cookie, buf, &reason);
	else
		status = hostd_mo_hostfirmwaresystem_upload(h->h_soap,
		    cookie, evhttp_request_get_input_buffer(req), &reason);
	if (status != HTTP_OK || path[1] != 'd') {
		evbuffer_drain(buf, evbuffer_get_length(buf));
		evbuffer_add_printf(buf, "%d %s\n", status, reason);
	}
	len = evbuffer_get_length(buf);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", status == HTTP_OK && path[1] == 'd' ?
	    "application/x-gzip" : HOSTD_HTTP_TEXT);
	evhttp_send_reply(req, status, reason, buf);
	evbuffer_free(buf);
	hostd_http_rlog_done(rl, status, len);
}

/* Plain HTTP port: everything but the welcome page moves to HTTPS. */
static void
hostd_http_redirect(struct hostd_http_listener *l, struct evhttp_request *req,
    struct hostd_http_rlog *rl, const char *path)
{
	struct hostd_http	*hh = l->hl_http;
	const char		*host, *target;
	char			*location, port[16] = "";
	int			 https;
	size_t			 len;

	host = evhttp_request_get_host(req);
	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host))
		host = hh->hh_hostd->h_hostname;
	https = hh->hh_l[HOSTD_HTTP_TLS].hl_port;
	if (https != 443)
		xsnprintf(port, sizeof port, ":%d", https);
	/* The request target as sent (path and query), if it is sane. */
	target = evhttp_request_get_uri(req);
	len = target != NULL ? strlen(target) : 0;
	if (len == 0 || len > 2048 || target[0] != '/' ||
	    strcspn(target, "\r\n\t ") != len)
		target = path;
	if (strchr(host, ':') != NULL && host[0] != '[')
		xasprintf(&location, "https://[%s]%s%s", host, port, target);
	else
		xasprintf(&location, "https://%s%s%s", host, port, target);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    location);
	free(location);
	hostd_http_send(req, rl, HTTP_MOVEPERM, "Moved Permanently",
	    HOSTD_HTTP_TEXT, "301 Moved Permanently\n", 22);
}

/* POST /sdk: hand the body to soap.c. */
static void
hostd_http_call(struct hostd_http_listener *l, struct evhttp_request *req,
    struct hostd_http_rlog *rl)
{
	struct hostd_http	*hh = l->hl_http;
	struct hostd_call	*call;
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evbuffer		*body = evhttp_request_get_input_buffer(req);
	const char		*v;
	size_t			 len;
	pid_t			 pid;
	uid_t			 uid;

	call = xcalloc(1, sizeof *call);
	call->hc_http = hh;
	call->hc_req = req;
	call->hc_evcon = evhttp_request_get_connection(req);
	call->hc_log = *rl;
	len = evbuffer_get_length(body);
	call->hc_body = xmalloc(len + 1);
	if (evbuffer_remove(body, call->hc_body, len) != (int)len)
		fatalx("evbuffer_remove: short copy");
	call->hc_body[len] = '\0';
	if ((v = evhttp_find_header(in, "Cookie")) != NULL)
		call->hc_cookie = xstrdup(v);
	if ((v = evhttp_find_header(in, "SOAPAction")) != NULL)
		call->hc_soapaction = xstrdup(v);
	call->hc_info.ci_body = call->hc_body;
	call->hc_info.ci_len = len;
	call->hc_info.ci_cookie = call->hc_cookie;
	call->hc_info.ci_soapaction = call->hc_soapaction;
	call->hc_info.ci_peer = call->hc_log.rl_addr;
	call->hc_info.ci_local = l->hl_kind == HOSTD_HTTP_UNIX;
	/* For AcquireLocalTicket: the ticket file is made the peer's. */
	call->hc_info.ci_uid = -1;
	if (call->hc_info.ci_local && usock_peercred(bufferevent_getfd(
	    evhttp_connection_get_bufferevent(call->hc_evcon)), &pid, &uid,
	    NULL) == 0)
		call->hc_info.ci_uid = (long)uid;
	TAILQ_INSERT_TAIL(&hh->hh_calls, call, hc_entry);
	evhttp_connection_set_closecb(call->hc_evcon, hostd_http_call_closecb,
	    call);

	hostd_soap_handle(hh->hh_hostd, call);
}

/*
 * The connection of a pending call is being freed.  When the client went
 * away, libevent has detached the request and leaves it to us; when the
 * whole server is being freed, the request goes with the connection.
 */
static void
hostd_http_call_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct hostd_call	*call = arg;

	call->hc_gone = 1;
	if (call->hc_req != NULL &&
	    evhttp_request_get_connection(call->hc_req) != NULL)
		call->hc_req = NULL;
	call->hc_evcon = NULL;
	log_debug("%s %s: client %s went away before the answer",
	    call->hc_log.rl_method, call->hc_log.rl_path,
	    call->hc_log.rl_peer);
}

static void
hostd_http_call_free(struct hostd_call *call)
{
	TAILQ_REMOVE(&call->hc_http->hh_calls, call, hc_entry);
	free(call->hc_body);
	free(call->hc_cookie);
	free(call->hc_soapaction);
	free(call);
}

const struct hostd_call_info *
hostd_call_info(struct hostd_call *call)
{
	return (&call->hc_info);
}

int
hostd_call_is_gone(struct hostd_call *call)
{
	return (call->hc_gone);
}

void
hostd_call_reply(struct hostd_call *call, int status, struct evbuffer *buf,
    const char *set_cookie)
{
	struct evkeyvalq	*hdrs;
	struct evhttp_connection *evcon;
	struct bufferevent	*bev;
	struct evbuffer		*out;
	size_t			 len = buf != NULL ? evbuffer_get_length(buf) : 0;

	if (call->hc_gone || call->hc_req == NULL) {
		if (buf != NULL)
			evbuffer_drain(buf, len);
		if (call->hc_req != NULL)
			evhttp_request_free(call->hc_req);
		hostd_http_rlog_done(&call->hc_log, 499, 0);
		hostd_http_call_free(call);
		return;
	}
	evhttp_connection_set_closecb(call->hc_evcon, NULL, NULL);
	hdrs = evhttp_request_get_output_headers(call->hc_req);
	evhttp_add_header(hdrs, "Content-Type", HOSTD_HTTP_XML);
	evhttp_add_header(hdrs, "Cache-Control", "no-cache");
	if (set_cookie != NULL &&
	    evhttp_add_header(hdrs, "Set-Cookie", set_cookie) == -1)
		log_warnx("refusing a Set-Cookie value with a line break");
	hostd_http_stdheaders(call->hc_http, call->hc_req, len);
	evcon = call->hc_evcon;
	evhttp_send_reply(call->hc_req, status, status == HTTP_OK ? "OK" :
	    "Internal Server Error", buf);
	/*
	 * Headers and body sit in two chunks, which the TLS bufferevent
	 * would send as two records and two write(2)s: join them, up to a
	 * record's worth.  Joining a large answer whole would copy it and
	 * make one block so large that freeing it makes glibc consolidate
	 * the whole heap, a tenth of a RetrievePropertiesEx of 1000 VMs.
	 */
	if (evcon != NULL &&
	    (bev = evhttp_connection_get_bufferevent(evcon)) != NULL) {
		out = bufferevent_get_output(bev);
		evbuffer_pullup(out, evbuffer_get_length(out) <
		    HOSTD_HTTP_JOIN ? -1 : HOSTD_HTTP_JOIN);
	}
	hostd_http_push(evcon);
	hostd_http_rlog_done(&call->hc_log, status, len);
	hostd_http_call_free(call);
}

/*
 * The Date and Content-Length headers evhttp adds to an HTTP/1.1 answer
 * (evhttp_make_header_response), the same, in the same place, added
 * first: evhttp leaves them then, and formats neither.  It would format
 * the date afresh for every answer (a gmtime and a printf, a tenth of a
 * small call); this keeps the second's.
 */
static void
hostd_http_stdheaders(struct hostd_http *hh, struct evhttp_request *req,
    size_t len)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct tm		 tm;
	time_t			 now;
	char			 clen[24];

	if (req->major != 1 || req->minor < 1)
		return;
	now = time(NULL);
	if (now != hh->hh_date_sec || hh->hh_date[0] == '\0') {
		if (gmtime_r(&now, &tm) == NULL ||
		    evutil_date_rfc1123(hh->hh_date, sizeof hh->hh_date,
		    &tm) <= 0) {
			hh->hh_date[0] = '\0';
			return;
		}
		hh->hh_date_sec = now;
	}
	evhttp_add_header(out, "Date", hh->hh_date);
	*fmt_uint(clen, len, 0) = '\0';
	evhttp_add_header(out, "Content-Length", clen);
}

/*
 * Send what evhttp just queued on evcon in this loop turn.  A socket or
 * TLS bufferevent only writes when epoll reports the socket writable,
 * which costs an epoll_ctl on, a loop turn and an epoll_ctl off per
 * answer although loopback sockets are nearly always writable.  So pass
 * the reply through the /folder filter (dsfile.c) now and run the
 * transport's write callback as if epoll had fired: it writes what the
 * socket takes, waits for EPOLLOUT as usual if that is not all, and
 * turns the write event off when done, which the changelist (daemon.c)
 * folds with its turning on.  Nothing else is skipped: evhttp still
 * learns "written" from the filter when the bytes have left.  libevent
 * 2.1 has no call for this (bufferevent_flush does nothing on socket and
 * TLS bufferevents), hence ev_write from event2/bufferevent_struct.h.
 */
static void
hostd_http_push(struct evhttp_connection *evcon)
{
	struct bufferevent	*bev, *under;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return;
	if ((under = bufferevent_get_underlying(bev)) == NULL)
		under = bev;
	else
		bufferevent_flush(bev, EV_WRITE, BEV_NORMAL);
	if (evbuffer_get_length(bufferevent_get_output(under)) > 0 &&
	    (bufferevent_get_enabled(under) & EV_WRITE) != 0 &&
	    bufferevent_getfd(under) != -1)
		event_active(&under->ev_write, EV_WRITE, 1);
}

void
hostd_call_drop(struct hostd_call *call)
{
	if (call->hc_gone || call->hc_req == NULL) {
		if (call->hc_req != NULL)
			evhttp_request_free(call->hc_req);
		hostd_http_rlog_done(&call->hc_log, 499, 0);
	} else {
		evhttp_connection_set_closecb(call->hc_evcon, NULL, NULL);
		/* evhttp_send_error closes the connection after it. */
		evhttp_send_error(call->hc_req, HTTP_SERVUNAVAIL, NULL);
		hostd_http_rlog_done(&call->hc_log, HTTP_SERVUNAVAIL, 0);
	}
	hostd_http_call_free(call);
}
