/* SPDX-License-Identifier: ISC */
/*
 * A VI API client connection to one host, over libcurl: SOAP calls to
 * /sdk and file transfers through /folder, on one keep-alive handle.
 * rcli and dcui both speak to hosts through it; what a program adds
 * (saved session files, password prompts, messages) stays in the program.
 *
 * Trust: the certificate is verified by default (system CAs, or
 * vo_cacert).  An unknown certificate is refused and its SHA-1
 * thumbprint kept for the message ("AB:CD:..", as ESXi and govc print it)
 * so the user can check it and pin it.  Pinning is done in OpenSSL's
 * certificate verification, before a byte of the request is sent: the
 * leaf's thumbprint must match, whatever the chain says.  The connection
 * is handed to that callback as its argument, so no process-wide state is
 * needed.
 *
 * Authentication: viclient_login (the password is wiped from the request
 * after it is sent), or a cookie the program kept (viclient_resume).  A
 * session is logged out at viclient_free unless it is to be kept.
 *
 * The managed object ids are those of a standalone ESX host (vi-api.md
 * 3.2, 4.1), which hostd uses too, so no RetrieveServiceContent round trip
 * is spent on finding them.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "buf.h"
#include "viclient.h"
#include "vireply.h"
#include "xmalloc.h"

#define VICLIENT_COOKIE		"vmware_soap_session="
/* A host that sends nothing for this long is treated as gone; the
 * longest wait rcli asks for (WaitForUpdatesEx) is 30 s. */
#define VICLIENT_STALL_SECONDS	90L

struct viclient {
	CURL		*c_curl;
	struct curl_slist *c_hdrs;
	char		*c_base;	/* "https://host:port" */
	char		*c_key;		/* "host:port" or "unix:path" */
	char		*c_server;	/* for messages */
	char		*c_user;
	char		*c_cookie;	/* "vmware_soap_session=..." */
	char		*c_pin;		/* pinned thumbprint */
	char		 c_seen[64];	/* the host's thumbprint */
	int		 c_untrusted;	/* verification refused the host */
	int		 c_keep;	/* do not log out at free */
	char		*c_name;	/* "rcli": messages */
	char		*c_expired;	/* NotAuthenticated hint, or NULL */
	char		*c_pinopt;	/* "--thumbprint", or NULL */
	void		(*c_progress)(const char *, int);
	char		*c_errname;
	char		*c_errmsg;
	char		 c_curlerr[CURL_ERROR_SIZE];
	/* Per transfer. */
	struct buf	 c_body;
	int		 c_fd;
	long long	 c_skip;	/* bytes to drop (Range ignored) */
	long long	*c_off;
	const char	*c_label;
};

static int	viclient_verify(X509_STORE_CTX *, void *);
static CURLcode	viclient_sslctx(CURL *, void *, void *);
static size_t	viclient_header(char *, size_t, size_t, void *);
static size_t	viclient_write_buf(char *, size_t, size_t, void *);
static size_t	viclient_write_fd(char *, size_t, size_t, void *);
static int	viclient_xfer(void *, curl_off_t, curl_off_t, curl_off_t,
		    curl_off_t);
static int	viclient_perform(struct viclient *);
static char	*viclient_folder_url(struct viclient *, const char *,
		    const char *);
static int	viclient_http_error(struct viclient *, long, const char *);
static char	*viclient_url_of(struct viclient *, const char *);
static int	viclient_get(struct viclient *, const char *, const char *, int,
		    long long *, const char *);
static int	viclient_put(struct viclient *, const char *, const char *,
		    const char *, const char *);

/*
 * OpenSSL's certificate verification, arg the connection: records the
 * leaf's thumbprint, then checks it against the pin, or else the chain.
 */
static int
viclient_verify(X509_STORE_CTX *store, void *arg)
{
	struct viclient	*c = arg;
	X509		*leaf;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;
	int		 ok;

	leaf = X509_STORE_CTX_get0_cert(store);
	if (leaf != NULL && X509_digest(leaf, EVP_sha1(), md, &n) == 1) {
		for (i = 0; i < n && i * 3 + 3 <= sizeof c->c_seen; i++)
			snprintf(c->c_seen + i * 3, 4, "%02X%s", md[i],
			    i + 1 < n ? ":" : "");
	}
	if (c->c_pin != NULL) {
		if (strcasecmp(c->c_seen, c->c_pin) == 0)
			return (1);
		X509_STORE_CTX_set_error(store,
		    X509_V_ERR_APPLICATION_VERIFICATION);
		c->c_untrusted = 1;
		return (0);
	}
	if ((ok = X509_verify_cert(store)) != 1) {
		c->c_untrusted = 1;
		return (0);
	}
	return (1);
}

static CURLcode
viclient_sslctx(CURL *curl, void *sslctx, void *arg)
{
	SSL_CTX	*ctx = sslctx;

	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, viclient_verify, arg);
	return (CURLE_OK);
}

/* Keeps the session cookie of a Login; every other header is ignored. */
static size_t
viclient_header(char *p, size_t size, size_t n, void *arg)
{
	struct viclient	*c = arg;
	size_t		 len = size * n, k = strlen(VICLIENT_COOKIE), v;
	const char	*s;

	if (len > 11 && strncasecmp(p, "Set-Cookie:", 11) == 0) {
		s = p + 11;
		while (s < p + len && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(p + len - s) > k && strncmp(s, VICLIENT_COOKIE,
		    k) == 0) {
			v = strcspn(s, ";\r\n");
			if (s + v > p + len)
				v = (size_t)(p + len - s);
			free(c->c_cookie);
			c->c_cookie = xstrndup(s, v);
		}
	}
	return (len);
}

static size_t
viclient_write_buf(char *p, size_t size, size_t n, void *arg)
{
	struct viclient	*c = arg;

	/* A SOAP reply is bounded like any XML lib/xml.c parses. */
	if (c->c_body.b_len + size * n > 64 * 1024 * 1024)
		return (0);
	buf_add(&c->c_body, p, size * n);
	return (size * n);
}

static size_t
viclient_write_fd(char *p, size_t size, size_t n, void *arg)
{
	struct viclient	*c = arg;
	size_t		 len = size * n, done = 0;
	long		 code = 0;
	ssize_t		 w;

	curl_easy_getinfo(c->c_curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200 && code != 206) {
		/* An error page: kept for the message, not written. */
		if (c->c_body.b_len < 4096)
			buf_add(&c->c_body, p, len);
		return (len);
	}
	if (code == 200 && c->c_skip > 0) {
		/* The server ignored Range: drop what we already have. */
		if ((long long)len <= c->c_skip) {
			c->c_skip -= (long long)len;
			return (len);
		}
		done = (size_t)c->c_skip;
		c->c_skip = 0;
	}
	while (done < len) {
		if ((w = write(c->c_fd, p + done, len - done)) == -1) {
			if (errno == EINTR)
				continue;
			return (0);
		}
		done += (size_t)w;
		*c->c_off += w;
	}
	return (len);
}

static int
viclient_xfer(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct viclient	*c = arg;

	if (c->c_label == NULL || c->c_progress == NULL)
		return (0);
	if (ultotal > 0)
		c->c_progress(c->c_label, (int)(ulnow * 100 / ultotal));
	else if (dltotal > 0)
		c->c_progress(c->c_label, (int)(dlnow * 100 / dltotal));
	return (0);
}

void
viclient_seterr(struct viclient *c, const char *name, const char *fmt, ...)
{
	va_list	 ap;

	free(c->c_errname);
	free(c->c_errmsg);
	c->c_errname = xstrdup(name);
	va_start(ap, fmt);
	xvasprintf(&c->c_errmsg, fmt, ap);
	va_end(ap);
}

const char *
viclient_errname(struct viclient *c)
{
	return (c->c_errname != NULL ? c->c_errname : "");
}

const char *
viclient_errmsg(struct viclient *c)
{
	return (c->c_errmsg != NULL ? c->c_errmsg : "failed");
}

const char *
viclient_user(struct viclient *c)
{
	return (c->c_user);
}

/* Run the prepared transfer; 0 or -1 with a message for a failure. */
static int
viclient_perform(struct viclient *c)
{
	CURLcode	 rc;

	c->c_curlerr[0] = '\0';
	if (c->c_cookie != NULL)
		curl_easy_setopt(c->c_curl, CURLOPT_COOKIE, c->c_cookie);
	rc = curl_easy_perform(c->c_curl);
	if (c->c_label != NULL && c->c_progress != NULL)
		c->c_progress(c->c_label, -1);
	if (rc == CURLE_OK)
		return (0);
	if (c->c_untrusted) {
		if (c->c_pin != NULL)
			viclient_seterr(c, "", "the certificate of %s does not "
			    "match the pinned thumbprint: its SHA-1 "
			    "thumbprint is %s", c->c_server, c->c_seen);
		else if (c->c_pinopt != NULL)
			viclient_seterr(c, "", "the certificate of %s is not "
			    "trusted (SHA-1 thumbprint %s); if that is the "
			    "host's, connect with %s %s",
			    c->c_server, c->c_seen[0] != '\0' ? c->c_seen :
			    "unknown", c->c_pinopt, c->c_seen);
		else
			viclient_seterr(c, "", "the certificate of %s is not "
			    "trusted (SHA-1 thumbprint %s)", c->c_server,
			    c->c_seen[0] != '\0' ? c->c_seen : "unknown");
		return (-1);
	}
	viclient_seterr(c, "", "cannot talk to %s: %s", c->c_server,
	    c->c_curlerr[0] != '\0' ? c->c_curlerr : curl_easy_strerror(rc));
	return (-1);
}

int
viclient_call(struct viclient *c, const char *method, const char *type,
    const char *id, const char *args, struct vireply *r)
{
	struct buf	 req;
	char		*url, *cause = NULL;
	long		 code = 0;

	memset(r, 0, sizeof *r);
	buf_init(&req);
	buf_str(&req, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"" VIREPLY_NS_SOAPENV "\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
	    "xmlns:xsi=\"" VIREPLY_NS_XSI "\"><soapenv:Body>");
	buf_printf(&req, "<%s xmlns=\"urn:vim25\">", method);
	buf_moref(&req, "_this", type, id);
	if (args != NULL)
		buf_str(&req, args);
	buf_printf(&req, "</%s></soapenv:Body></soapenv:Envelope>", method);

	xasprintf(&url, "%s/sdk", c->c_base);
	buf_free(&c->c_body);
	buf_init(&c->c_body);
	curl_easy_setopt(c->c_curl, CURLOPT_URL, url);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPGET, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_POST, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_POSTFIELDS, req.b_data);
	curl_easy_setopt(c->c_curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)req.b_len);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPHEADER, c->c_hdrs);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEFUNCTION, viclient_write_buf);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->c_curl, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)0);
	c->c_label = NULL;
	if (viclient_perform(c) == -1) {
		free(url);
		/* The request may hold a password: wipe it. */
		explicit_bzero(req.b_data, req.b_len);
		buf_free(&req);
		return (-1);
	}
	free(url);
	explicit_bzero(req.b_data, req.b_len);
	buf_free(&req);
	curl_easy_getinfo(c->c_curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200 && code != 500) {
		viclient_seterr(c, "", "%s answered HTTP %ld to %s",
		    c->c_server, code, method);
		return (-1);
	}
	if (vireply_parse(c->c_body.b_data, c->c_body.b_len, r, &cause) ==
	    -1) {
		viclient_seterr(c, "", "%s sent a bad answer to %s: %s",
		    c->c_server, method, cause);
		free(cause);
		return (-1);
	}
	if (r->r_fault != NULL) {
		if (c->c_keep && c->c_expired != NULL &&
		    strcmp(r->r_fault, "NotAuthenticated") == 0)
			viclient_seterr(c, r->r_fault, "%s (%s)", r->r_msg,
			    c->c_expired);
		else
			viclient_seterr(c, r->r_fault, "%s", r->r_msg);
		vireply_clear(r);
		return (-1);
	}
	return (0);
}

int
viclient_do(struct viclient *c, const char *method, const char *type,
    const char *id, const char *args)
{
	struct vireply	 r;

	if (viclient_call(c, method, type, id, args, &r) == -1)
		return (-1);
	vireply_clear(&r);
	return (0);
}

int
viclient_login(struct viclient *c, const char *user, const char *password)
{
	struct buf	 a;
	struct vireply	 r;
	char		*dup;
	int		 rc;

	if (user != NULL) {
		/* user may be c->c_user itself: copy before freeing. */
		dup = xstrdup(user);
		free(c->c_user);
		c->c_user = dup;
	}
	buf_init(&a);
	buf_elem(&a, "userName", c->c_user);
	buf_elem(&a, "password", password);
	buf_elem(&a, "locale", "en_US");
	free(c->c_cookie);
	c->c_cookie = NULL;
	rc = viclient_call(c, "Login", "SessionManager", "ha-sessionmgr",
	    a.b_data, &r);
	explicit_bzero(a.b_data, a.b_len);
	buf_free(&a);
	if (rc == -1)
		return (-1);
	vireply_clear(&r);
	if (c->c_cookie == NULL) {
		viclient_seterr(c, "", "%s sent no session cookie after Login",
		    c->c_server);
		return (-1);
	}
	return (0);
}

int
viclient_login_ticket(struct viclient *c, const char *user)
{
	struct buf	 a;
	struct vireply	 r;
	char		*path, pw[128];
	ssize_t		 n;
	int		 fd, rc;

	buf_init(&a);
	buf_elem(&a, "userName", user);
	rc = viclient_call(c, "AcquireLocalTicket", "SessionManager",
	    "ha-sessionmgr", a.b_data, &r);
	buf_free(&a);
	if (rc == -1)
		return (-1);
	path = vireply_field(vireply_returnval(&r), "passwordFilePath");
	vireply_clear(&r);
	if (path == NULL) {
		viclient_seterr(c, "", "%s sent no ticket file", c->c_server);
		return (-1);
	}
	/* The file only we can read is the proof of being local. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		viclient_seterr(c, "", "cannot read the ticket %s: %s", path,
		    strerror(errno));
		free(path);
		return (-1);
	}
	free(path);
	n = read(fd, pw, sizeof pw - 1);
	close(fd);
	if (n <= 0) {
		viclient_seterr(c, "", "%s sent an empty ticket", c->c_server);
		return (-1);
	}
	pw[n] = '\0';
	pw[strcspn(pw, "\r\n")] = '\0';
	rc = viclient_login(c, user, pw);
	explicit_bzero(pw, sizeof pw);
	return (rc);
}

struct viclient *
viclient_create(const struct viclient_opts *o)
{
	struct viclient	*c;
	const char	*host;
	char		*agent;

	c = xcalloc(1, sizeof *c);
	c->c_fd = -1;
	if (o->vo_unix != NULL) {
		/* hostd serves plain HTTP on its Unix socket. */
		c->c_base = xstrdup("http://localhost");
		xasprintf(&c->c_key, "unix:%s", o->vo_unix);
		c->c_server = xstrdup(o->vo_unix);
	} else {
		host = o->vo_server;
		if (strchr(host, ':') != NULL && (host[0] == '[' ||
		    strchr(host, ':') == strrchr(host, ':')))
			xasprintf(&c->c_base, "https://%s", host);
		else if (strchr(host, ':') != NULL)
			xasprintf(&c->c_base, "https://[%s]:443", host);
		else
			xasprintf(&c->c_base, "https://%s:443", host);
		c->c_key = xstrdup(c->c_base + 8);
		c->c_server = xstrdup(c->c_base + 8);
	}
	c->c_user = xstrdup(o->vo_user != NULL ? o->vo_user : "root");
	c->c_name = xstrdup(o->vo_name);
	if (o->vo_expired != NULL)
		c->c_expired = xstrdup(o->vo_expired);
	if (o->vo_pinopt != NULL)
		c->c_pinopt = xstrdup(o->vo_pinopt);
	c->c_progress = o->vo_progress;

	if ((c->c_curl = curl_easy_init()) == NULL) {
		viclient_free(c);
		errno = ENOMEM;
		return (NULL);
	}
	curl_easy_setopt(c->c_curl, CURLOPT_ERRORBUFFER, c->c_curlerr);
	curl_easy_setopt(c->c_curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c->c_curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_LOW_SPEED_TIME,
	    VICLIENT_STALL_SECONDS);
	curl_easy_setopt(c->c_curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_HEADERFUNCTION, viclient_header);
	curl_easy_setopt(c->c_curl, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(c->c_curl, CURLOPT_XFERINFOFUNCTION, viclient_xfer);
	curl_easy_setopt(c->c_curl, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->c_curl, CURLOPT_NOPROGRESS, 0L);
	xasprintf(&agent, "%s/%s", o->vo_name, VERSION);
	/* libcurl copies the string. */
	curl_easy_setopt(c->c_curl, CURLOPT_USERAGENT, agent);
	free(agent);
	if (o->vo_unix != NULL) {
		curl_easy_setopt(c->c_curl, CURLOPT_UNIX_SOCKET_PATH,
		    o->vo_unix);
	} else {
		curl_easy_setopt(c->c_curl, CURLOPT_SSL_CTX_FUNCTION,
		    viclient_sslctx);
		curl_easy_setopt(c->c_curl, CURLOPT_SSL_CTX_DATA, c);
		if (o->vo_thumbprint != NULL)
			viclient_pin(c, o->vo_thumbprint);
		else if (o->vo_cacert != NULL)
			curl_easy_setopt(c->c_curl, CURLOPT_CAINFO,
			    o->vo_cacert);
	}
	c->c_hdrs = curl_slist_append(NULL,
	    "Content-Type: text/xml; charset=utf-8");
	c->c_hdrs = curl_slist_append(c->c_hdrs,
	    "SOAPAction: \"urn:vim25/6.7.1\"");
	c->c_hdrs = curl_slist_append(c->c_hdrs, "Expect:");
	return (c);
}

void
viclient_pin(struct viclient *c, const char *thumbprint)
{
	free(c->c_pin);
	c->c_pin = xstrdup(thumbprint);
	/* The pin replaces chain and name checks. */
	curl_easy_setopt(c->c_curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_SSL_VERIFYHOST, 0L);
}

void
viclient_resume(struct viclient *c, const char *cookie, const char *user,
    const char *thumbprint)
{
	if (c->c_cookie != NULL)
		explicit_bzero(c->c_cookie, strlen(c->c_cookie));
	free(c->c_cookie);
	c->c_cookie = xstrdup(cookie);
	if (user != NULL && user[0] != '\0') {
		free(c->c_user);
		c->c_user = xstrdup(user);
	}
	if (c->c_pin == NULL && thumbprint != NULL)
		viclient_pin(c, thumbprint);
	c->c_keep = 1;
}

void
viclient_keep(struct viclient *c)
{
	c->c_keep = 1;
}

int
viclient_logout(struct viclient *c)
{
	int	 rc;

	rc = viclient_do(c, "Logout", "SessionManager", "ha-sessionmgr",
	    NULL);
	/* Whatever the answer, the session is not to be ended again. */
	c->c_keep = 1;
	return (rc);
}

const char *
viclient_key(const struct viclient *c)
{
	return (c->c_key);
}

const char *
viclient_server(const struct viclient *c)
{
	return (c->c_server);
}

const char *
viclient_cookie(const struct viclient *c)
{
	return (c->c_cookie);
}

const char *
viclient_thumbprint(const struct viclient *c)
{
	return (c->c_pin);
}

void
viclient_free(struct viclient *c)
{
	struct vireply	 r;

	if (c == NULL)
		return;
	if (c->c_curl != NULL && c->c_cookie != NULL && !c->c_keep &&
	    viclient_call(c, "Logout", "SessionManager", "ha-sessionmgr", NULL,
	    &r) == 0)
		vireply_clear(&r);
	if (c->c_curl != NULL)
		curl_easy_cleanup(c->c_curl);
	curl_slist_free_all(c->c_hdrs);
	if (c->c_cookie != NULL)
		explicit_bzero(c->c_cookie, strlen(c->c_cookie));
	free(c->c_cookie);
	free(c->c_base);
	free(c->c_key);
	free(c->c_server);
	free(c->c_user);
	free(c->c_pin);
	free(c->c_errname);
	free(c->c_errmsg);
	free(c->c_name);
	free(c->c_expired);
	free(c->c_pinopt);
	buf_free(&c->c_body);
	free(c);
}

/* /folder URL of [ds] rel, each path segment percent-encoded. */
static char *
viclient_folder_url(struct viclient *c, const char *ds, const char *rel)
{
	struct buf	 u;
	char		*seg, *dup, *p, *e;

	buf_init(&u);
	buf_printf(&u, "%s/folder", c->c_base);
	dup = xstrdup(rel);
	for (p = strtok_r(dup, "/", &seg); p != NULL;
	    p = strtok_r(NULL, "/", &seg)) {
		e = curl_easy_escape(c->c_curl, p, 0);
		buf_printf(&u, "/%s", e);
		curl_free(e);
	}
	free(dup);
	e = curl_easy_escape(c->c_curl, ds, 0);
	buf_printf(&u, "?dcPath=ha-datacenter&dsName=%s", e);
	curl_free(e);
	return (buf_take(&u));
}

static int
viclient_http_error(struct viclient *c, long code, const char *what)
{
	switch (code) {
	case 401:
		viclient_seterr(c, "NotAuthenticated", "%s: the session is not "
		    "authenticated", what);
		break;
	case 403:
		viclient_seterr(c, "NoPermission", "%s: permission to perform "
		    "this operation was denied", what);
		break;
	case 404:
		viclient_seterr(c, "FileNotFound", "File %s was not found",
		    what);
		break;
	case 405:
	case 501:
		viclient_seterr(c, "NotSupported", "%s: %s does not support "
		    "this transfer (HTTP %ld)", what, c->c_server, code);
		break;
	default:
		viclient_seterr(c, "", "%s answered HTTP %ld for %s",
		    c->c_server, code, what);
	}
	return (-1);
}

/* A URL the host gave: "*" or any host part is replaced by ours. */
static char *
viclient_url_of(struct viclient *c, const char *url)
{
	const char	*p;
	char		*u;

	if ((p = strstr(url, "://")) != NULL &&
	    (p = strchr(p + 3, '/')) != NULL)
		xasprintf(&u, "%s%s", c->c_base, p);
	else if (url[0] == '/')
		xasprintf(&u, "%s%s", c->c_base, url);
	else
		return (NULL);
	return (u);
}

/* GET url into fd from *off on (Range). */
static int
viclient_get(struct viclient *c, const char *url, const char *what, int fd,
    long long *off, const char *label)
{
	long	 code = 0;
	int	 rc;

	buf_free(&c->c_body);
	buf_init(&c->c_body);
	c->c_fd = fd;
	c->c_off = off;
	c->c_skip = *off;
	c->c_label = label;
	curl_easy_setopt(c->c_curl, CURLOPT_URL, url);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)*off);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEFUNCTION, viclient_write_fd);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEDATA, c);
	rc = viclient_perform(c);
	c->c_label = NULL;
	curl_easy_setopt(c->c_curl, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)0);
	if (rc == -1)
		return (-1);
	curl_easy_getinfo(c->c_curl, CURLINFO_RESPONSE_CODE, &code);
	/* 416: nothing past the offset yet, which is no error. */
	if (code == 200 || code == 206 || (code == 416 && *off > 0))
		return (0);
	return (viclient_http_error(c, code, what));
}

int
viclient_download(struct viclient *c, const char *ds, const char *rel, int fd,
    long long *off, const char *label)
{
	char	*url, *what;
	int	 rc;

	url = viclient_folder_url(c, ds, rel);
	xasprintf(&what, "[%s] %s", ds, rel);
	rc = viclient_get(c, url, what, fd, off, label);
	free(what);
	free(url);
	return (rc);
}

static int
viclient_put(struct viclient *c, const char *url, const char *what,
    const char *file, const char *label)
{
	FILE		*f;
	long		 code = 0;
	long long	 size;
	int		 rc;

	if ((f = fopen(file, "rbe")) == NULL) {
		viclient_seterr(c, "", "%s: %s", file, strerror(errno));
		return (-1);
	}
	if (fseeko(f, 0, SEEK_END) == -1 || (size = ftello(f)) == -1 ||
	    fseeko(f, 0, SEEK_SET) == -1) {
		viclient_seterr(c, "", "%s: %s", file, strerror(errno));
		fclose(f);
		return (-1);
	}
	buf_free(&c->c_body);
	buf_init(&c->c_body);
	c->c_label = label;
	curl_easy_setopt(c->c_curl, CURLOPT_URL, url);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_READDATA, f);
	curl_easy_setopt(c->c_curl, CURLOPT_READFUNCTION, NULL);
	curl_easy_setopt(c->c_curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)size);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEFUNCTION, viclient_write_buf);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEDATA, c);
	rc = viclient_perform(c);
	c->c_label = NULL;
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 0L);
	fclose(f);
	if (rc == -1)
		return (-1);
	curl_easy_getinfo(c->c_curl, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200 || code == 201 || code == 204)
		return (0);
	if (code == 404)
		return (viclient_http_error(c, 404, what));
	return (viclient_http_error(c, code, what));
}

int
viclient_upload(struct viclient *c, const char *file, const char *ds,
    const char *rel, const char *label)
{
	char	*url, *what;
	int	 rc;

	url = viclient_folder_url(c, ds, rel);
	xasprintf(&what, "[%s] %s", ds, rel);
	rc = viclient_put(c, url, what, file, label);
	free(what);
	free(url);
	return (rc);
}

int
viclient_get_url(struct viclient *c, const char *url, int fd, const char *label)
{
	char		*u;
	long long	 off = 0;
	int		 rc;

	if ((u = viclient_url_of(c, url)) == NULL) {
		viclient_seterr(c, "", "%s gave a URL %s cannot use: %s",
		    c->c_server, c->c_name, url);
		return (-1);
	}
	rc = viclient_get(c, u, url, fd, &off, label);
	free(u);
	return (rc);
}

int
viclient_put_url(struct viclient *c, const char *url, const char *file,
    const char *label)
{
	char	*u;
	int	 rc;

	if ((u = viclient_url_of(c, url)) == NULL) {
		viclient_seterr(c, "", "%s gave a URL %s cannot use: %s",
		    c->c_server, c->c_name, url);
		return (-1);
	}
	rc = viclient_put(c, u, url, file, label);
	free(u);
	return (rc);
}
