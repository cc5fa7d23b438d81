/* SPDX-License-Identifier: ISC */
/*
 * The connection to one host, over libcurl: SOAP calls to /sdk and file
 * transfers through /folder, on one keep-alive handle.
 *
 * Trust: the certificate is verified by default (system CAs, or
 * --cacert).  An unknown certificate is refused and its SHA-1 thumbprint
 * shown ("AB:CD:..", as ESXi and govc print it) so the user can check it
 * and pin it with --thumbprint.  Pinning is done in OpenSSL's verify
 * callback, before a byte of the request is sent: the leaf's thumbprint
 * must match, whatever the chain says.  The thumbprint a saved session
 * was made with is pinned again on later runs.
 *
 * Authentication: the password (never printed, never logged, wiped after
 * Login), or the saved session's cookie.  A session this run made is
 * logged out at the end unless `rcli session save` keeps it.
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

#include "rcli.h"
#include "xmalloc.h"

#define CONN_COOKIE		"vmware_soap_session="
/* A host that sends nothing for this long is treated as gone; the
 * longest wait rcli asks for (WaitForUpdatesEx) is 30 s. */
#define CONN_STALL_SECONDS	90L

struct conn {
	CURL		*c_curl;
	struct curl_slist *c_hdrs;
	char		*c_base;	/* "https://host:port" */
	char		*c_key;		/* session file key */
	char		*c_server;	/* for messages */
	char		*c_user;
	char		*c_cookie;	/* "vmware_soap_session=..." */
	char		*c_pin;		/* pinned thumbprint */
	char		 c_seen[64];	/* the host's thumbprint */
	int		 c_untrusted;	/* verification refused the host */
	int		 c_keep;	/* do not log out at close */
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

static int	conn_ssl_index = -1;

static int	conn_verify(int, X509_STORE_CTX *);
static CURLcode	conn_sslctx(CURL *, void *, void *);
static size_t	conn_header(char *, size_t, size_t, void *);
static size_t	conn_write_buf(char *, size_t, size_t, void *);
static size_t	conn_write_fd(char *, size_t, size_t, void *);
static int	conn_xfer(void *, curl_off_t, curl_off_t, curl_off_t,
		    curl_off_t);
static int	conn_perform(struct conn *);
static int	conn_probe(struct conn *);
static char	*conn_prompt(const struct conn *);
static char	*conn_folder_url(struct conn *, const char *, const char *);
static int	conn_http_error(struct conn *, long, const char *);
static char	*conn_url_of(struct conn *, const char *);
static int	conn_get(struct conn *, const char *, const char *, int,
		    long long *, const char *);
static int	conn_put(struct conn *, const char *, const char *,
		    const char *, const char *);

/* OpenSSL's verify callback: records the leaf's thumbprint, pins it. */
static int
conn_verify(int ok, X509_STORE_CTX *store)
{
	SSL		*ssl;
	SSL_CTX		*ctx;
	struct conn	*c;
	X509		*leaf;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;

	ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (ctx = SSL_get_SSL_CTX(ssl)) == NULL ||
	    (c = SSL_CTX_get_ex_data(ctx, conn_ssl_index)) == NULL)
		return (0);
	leaf = X509_STORE_CTX_get0_cert(store);
	if (leaf != NULL && X509_digest(leaf, EVP_sha1(), md, &n) == 1) {
		for (i = 0; i < n && i * 3 + 3 <= sizeof c->c_seen; i++)
			snprintf(c->c_seen + i * 3, 4, "%02X%s", md[i],
			    i + 1 < n ? ":" : "");
	}
	if (c->c_pin != NULL) {
		if (strcasecmp(c->c_seen, c->c_pin) == 0)
			return (1);
		c->c_untrusted = 1;
		return (0);
	}
	if (!ok)
		c->c_untrusted = 1;
	return (ok);
}

static CURLcode
conn_sslctx(CURL *curl, void *sslctx, void *arg)
{
	SSL_CTX	*ctx = sslctx;

	SSL_CTX_set_ex_data(ctx, conn_ssl_index, arg);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, conn_verify);
	return (CURLE_OK);
}

/* Keeps the session cookie of a Login; every other header is ignored. */
static size_t
conn_header(char *p, size_t size, size_t n, void *arg)
{
	struct conn	*c = arg;
	size_t		 len = size * n, k = strlen(CONN_COOKIE), v;
	const char	*s;

	if (len > 11 && strncasecmp(p, "Set-Cookie:", 11) == 0) {
		s = p + 11;
		while (s < p + len && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(p + len - s) > k && strncmp(s, CONN_COOKIE,
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
conn_write_buf(char *p, size_t size, size_t n, void *arg)
{
	struct conn	*c = arg;

	/* A SOAP reply is bounded like any XML rcli parses. */
	if (c->c_body.b_len + size * n > 64 * 1024 * 1024)
		return (0);
	buf_add(&c->c_body, p, size * n);
	return (size * n);
}

static size_t
conn_write_fd(char *p, size_t size, size_t n, void *arg)
{
	struct conn	*c = arg;
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
conn_xfer(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct conn	*c = arg;

	if (c->c_label == NULL)
		return (0);
	if (ultotal > 0)
		task_progress(c->c_label, (int)(ulnow * 100 / ultotal));
	else if (dltotal > 0)
		task_progress(c->c_label, (int)(dlnow * 100 / dltotal));
	return (0);
}

void
conn_seterr(struct conn *c, const char *name, const char *fmt, ...)
{
	va_list	 ap;

	free(c->c_errname);
	free(c->c_errmsg);
	c->c_errname = xstrdup(name);
	va_start(ap, fmt);
	xvasprintf(&c->c_errmsg, fmt, ap);
	va_end(ap);
}

int
conn_perror(struct conn *c)
{
	if (c->c_errname == NULL)
		fprintf(stderr, "rcli: failed\n");
	else if (c->c_errname[0] == '\0')
		fprintf(stderr, "rcli: %s\n", c->c_errmsg);
	else
		fprintf(stderr, "rcli: %s: %s\n", c->c_errname, c->c_errmsg);
	return (RCLI_EXIT_FAULT);
}

const char *
conn_errname(struct conn *c)
{
	return (c->c_errname != NULL ? c->c_errname : "");
}

const char *
conn_errmsg(struct conn *c)
{
	return (c->c_errmsg != NULL ? c->c_errmsg : "failed");
}

const char *
conn_user(struct conn *c)
{
	return (c->c_user);
}

/* Run the prepared transfer; 0 or -1 with a message for a failure. */
static int
conn_perform(struct conn *c)
{
	CURLcode	 rc;

	c->c_curlerr[0] = '\0';
	if (c->c_cookie != NULL)
		curl_easy_setopt(c->c_curl, CURLOPT_COOKIE, c->c_cookie);
	rc = curl_easy_perform(c->c_curl);
	if (c->c_label != NULL)
		task_progress(c->c_label, -1);
	if (rc == CURLE_OK)
		return (0);
	if (c->c_untrusted) {
		if (c->c_pin != NULL)
			conn_seterr(c, "", "the certificate of %s does not "
			    "match the pinned thumbprint: its SHA-1 "
			    "thumbprint is %s", c->c_server, c->c_seen);
		else
			conn_seterr(c, "", "the certificate of %s is not "
			    "trusted (SHA-1 thumbprint %s); if that is the "
			    "host's, connect with --thumbprint %s",
			    c->c_server, c->c_seen[0] != '\0' ? c->c_seen :
			    "unknown", c->c_seen);
		return (-1);
	}
	conn_seterr(c, "", "cannot talk to %s: %s", c->c_server,
	    c->c_curlerr[0] != '\0' ? c->c_curlerr : curl_easy_strerror(rc));
	return (-1);
}

int
conn_call(struct conn *c, const char *method, const char *type,
    const char *id, const char *args, struct reply *r)
{
	struct buf	 req;
	char		*url, *cause = NULL;
	long		 code = 0;

	memset(r, 0, sizeof *r);
	buf_init(&req);
	buf_str(&req, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"" RCLI_NS_SOAPENV "\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
	    "xmlns:xsi=\"" RCLI_NS_XSI "\"><soapenv:Body>");
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
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEFUNCTION, conn_write_buf);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->c_curl, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)0);
	c->c_label = NULL;
	if (conn_perform(c) == -1) {
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
		conn_seterr(c, "", "%s answered HTTP %ld to %s", c->c_server,
		    code, method);
		return (-1);
	}
	if (reply_parse(c->c_body.b_data, c->c_body.b_len, r, &cause) ==
	    -1) {
		conn_seterr(c, "", "%s sent a bad answer to %s: %s",
		    c->c_server, method, cause);
		free(cause);
		return (-1);
	}
	if (r->r_fault != NULL) {
		if (c->c_keep && strcmp(r->r_fault, "NotAuthenticated") == 0)
			conn_seterr(c, r->r_fault, "%s (the saved session has "
			    "ended: run 'rcli session save' again)", r->r_msg);
		else
			conn_seterr(c, r->r_fault, "%s", r->r_msg);
		reply_clear(r);
		return (-1);
	}
	return (0);
}

int
conn_do(struct conn *c, const char *method, const char *type,
    const char *id, const char *args)
{
	struct reply	 r;

	if (conn_call(c, method, type, id, args, &r) == -1)
		return (-1);
	reply_clear(&r);
	return (0);
}

static char *
conn_prompt(const struct conn *c)
{
	char	*q, *pw;

	xasprintf(&q, "Password for %s@%s: ", c->c_user, c->c_server);
	pw = prompt_secret(q);
	free(q);
	return (pw);
}

/* Before asking for a password: is the host there, and trusted? */
static int
conn_probe(struct conn *c)
{
	struct reply	 r;

	if (conn_call(c, "RetrieveServiceContent", "ServiceInstance",
	    "ServiceInstance", NULL, &r) == -1)
		return (-1);
	reply_clear(&r);
	return (0);
}

int
conn_login(struct conn *c, const char *user, const char *password)
{
	struct buf	 a;
	struct reply	 r;
	int		 rc;

	if (user != NULL) {
		free(c->c_user);
		c->c_user = xstrdup(user);
	}
	buf_init(&a);
	buf_elem(&a, "userName", c->c_user);
	buf_elem(&a, "password", password);
	buf_elem(&a, "locale", "en_US");
	free(c->c_cookie);
	c->c_cookie = NULL;
	rc = conn_call(c, "Login", "SessionManager", "ha-sessionmgr",
	    a.b_data, &r);
	explicit_bzero(a.b_data, a.b_len);
	buf_free(&a);
	if (rc == -1)
		return (-1);
	reply_clear(&r);
	if (c->c_cookie == NULL) {
		conn_seterr(c, "", "%s sent no session cookie after Login",
		    c->c_server);
		return (-1);
	}
	return (0);
}

struct conn *
conn_open(const struct conn_opts *o)
{
	struct conn	*c;
	struct session	 s;
	const char	*host, *pw;
	char		*prompted = NULL;
	int		 rc, have_session = 0;

	if (conn_ssl_index == -1)
		conn_ssl_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
		    NULL);
	c = xcalloc(1, sizeof *c);
	c->c_fd = -1;
	if (o->co_unix != NULL) {
		/* hostd serves plain HTTP on its Unix socket. */
		c->c_base = xstrdup("http://localhost");
		xasprintf(&c->c_key, "unix:%s", o->co_unix);
		c->c_server = xstrdup(o->co_unix);
	} else {
		host = o->co_server;
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
	c->c_user = xstrdup(o->co_user != NULL ? o->co_user : "root");
	if (o->co_thumbprint != NULL)
		c->c_pin = xstrdup(o->co_thumbprint);

	pw = o->co_password;
	if (pw == NULL && !o->co_nosession &&
	    session_load(c->c_key, &s) == 0) {
		if (o->co_user == NULL || s.s_user == NULL ||
		    strcmp(o->co_user, s.s_user) == 0) {
			have_session = 1;
			c->c_cookie = s.s_cookie;
			s.s_cookie = NULL;
			if (s.s_user != NULL && s.s_user[0] != '\0') {
				free(c->c_user);
				c->c_user = xstrdup(s.s_user);
			}
			if (c->c_pin == NULL && s.s_thumbprint != NULL)
				c->c_pin = xstrdup(s.s_thumbprint);
			c->c_keep = 1;
		}
		session_clear(&s);
	}

	if ((c->c_curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "rcli: cannot initialise libcurl\n");
		conn_close(c);
		return (NULL);
	}
	curl_easy_setopt(c->c_curl, CURLOPT_ERRORBUFFER, c->c_curlerr);
	curl_easy_setopt(c->c_curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c->c_curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_LOW_SPEED_TIME,
	    CONN_STALL_SECONDS);
	curl_easy_setopt(c->c_curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_HEADERFUNCTION, conn_header);
	curl_easy_setopt(c->c_curl, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(c->c_curl, CURLOPT_XFERINFOFUNCTION, conn_xfer);
	curl_easy_setopt(c->c_curl, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->c_curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_USERAGENT, "rcli/" VERSION);
	if (o->co_unix != NULL) {
		curl_easy_setopt(c->c_curl, CURLOPT_UNIX_SOCKET_PATH,
		    o->co_unix);
	} else {
		curl_easy_setopt(c->c_curl, CURLOPT_SSL_CTX_FUNCTION,
		    conn_sslctx);
		curl_easy_setopt(c->c_curl, CURLOPT_SSL_CTX_DATA, c);
		if (c->c_pin != NULL) {
			/* The pin replaces chain and name checks. */
			curl_easy_setopt(c->c_curl, CURLOPT_SSL_VERIFYPEER,
			    0L);
			curl_easy_setopt(c->c_curl, CURLOPT_SSL_VERIFYHOST,
			    0L);
		} else if (o->co_cacert != NULL)
			curl_easy_setopt(c->c_curl, CURLOPT_CAINFO,
			    o->co_cacert);
	}
	c->c_hdrs = curl_slist_append(NULL,
	    "Content-Type: text/xml; charset=utf-8");
	c->c_hdrs = curl_slist_append(c->c_hdrs,
	    "SOAPAction: \"urn:vim25/6.7.1\"");
	c->c_hdrs = curl_slist_append(c->c_hdrs, "Expect:");

	if (have_session || o->co_nologin)
		return (c);
	if (o->co_sessiononly) {
		fprintf(stderr, "rcli: no saved session for %s\n",
		    c->c_server);
		conn_close(c);
		return (NULL);
	}
	if (pw == NULL && conn_probe(c) == -1) {
		conn_perror(c);
		conn_close(c);
		return (NULL);
	}
	if (pw == NULL && (pw = prompted = conn_prompt(c)) == NULL) {
		fprintf(stderr, "rcli: no password for %s@%s: give "
		    "--password, set RCLI_PASSWORD, or save a session with "
		    "'rcli session save'\n", c->c_user, c->c_server);
		conn_close(c);
		return (NULL);
	}
	rc = conn_login(c, NULL, pw);
	if (prompted != NULL) {
		explicit_bzero(prompted, strlen(prompted));
		free(prompted);
	}
	if (rc == -1) {
		conn_perror(c);
		conn_close(c);
		return (NULL);
	}
	return (c);
}

int
conn_save_session(struct conn *c)
{
	struct session	 s;
	char		*cause = NULL;

	memset(&s, 0, sizeof s);
	s.s_cookie = c->c_cookie;
	s.s_user = c->c_user;
	s.s_thumbprint = c->c_pin;
	if (session_save(c->c_key, &s, &cause) == -1) {
		conn_seterr(c, "", "cannot save the session: %s", cause);
		free(cause);
		return (-1);
	}
	c->c_keep = 1;
	return (0);
}

int
conn_logout(struct conn *c)
{
	struct reply	 r;
	int		 rc;

	rc = conn_call(c, "Logout", "SessionManager", "ha-sessionmgr", NULL,
	    &r);
	if (rc == 0)
		reply_clear(&r);
	/* An expired session is as good as ended: forget it anyway. */
	if (session_remove(c->c_key) == -1 && errno != ENOENT && rc == 0) {
		conn_seterr(c, "", "cannot remove the session file: %s",
		    strerror(errno));
		rc = -1;
	}
	c->c_keep = 1;
	if (rc == -1 && strcmp(conn_errname(c), "NotAuthenticated") == 0)
		rc = 0;
	return (rc);
}

void
conn_close(struct conn *c)
{
	struct reply	 r;

	if (c == NULL)
		return;
	if (c->c_curl != NULL && c->c_cookie != NULL && !c->c_keep &&
	    conn_call(c, "Logout", "SessionManager", "ha-sessionmgr", NULL,
	    &r) == 0)
		reply_clear(&r);
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
	buf_free(&c->c_body);
	free(c);
}

/* /folder URL of [ds] rel, each path segment percent-encoded. */
static char *
conn_folder_url(struct conn *c, const char *ds, const char *rel)
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
conn_http_error(struct conn *c, long code, const char *what)
{
	switch (code) {
	case 401:
		conn_seterr(c, "NotAuthenticated", "%s: the session is not "
		    "authenticated", what);
		break;
	case 403:
		conn_seterr(c, "NoPermission", "%s: permission to perform "
		    "this operation was denied", what);
		break;
	case 404:
		conn_seterr(c, "FileNotFound", "File %s was not found", what);
		break;
	case 405:
	case 501:
		conn_seterr(c, "NotSupported", "%s: %s does not support this "
		    "transfer (HTTP %ld)", what, c->c_server, code);
		break;
	default:
		conn_seterr(c, "", "%s answered HTTP %ld for %s",
		    c->c_server, code, what);
	}
	return (-1);
}

/* A URL the host gave: "*" or any host part is replaced by ours. */
static char *
conn_url_of(struct conn *c, const char *url)
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
conn_get(struct conn *c, const char *url, const char *what, int fd,
    long long *off, const char *label)
{
	long	 code = 0;
	int	 rc;

	buf_free(&c->c_body);
	buf_init(&c->c_body);
	c->c_fd = fd;
	c->c_off = off;
	c->c_skip = *off;
	c->c_label = label != NULL && isatty(STDERR_FILENO) ? label : NULL;
	curl_easy_setopt(c->c_curl, CURLOPT_URL, url);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)*off);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEFUNCTION, conn_write_fd);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEDATA, c);
	rc = conn_perform(c);
	c->c_label = NULL;
	curl_easy_setopt(c->c_curl, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)0);
	if (rc == -1)
		return (-1);
	curl_easy_getinfo(c->c_curl, CURLINFO_RESPONSE_CODE, &code);
	/* 416: nothing past the offset yet, which is no error. */
	if (code == 200 || code == 206 || (code == 416 && *off > 0))
		return (0);
	return (conn_http_error(c, code, what));
}

int
conn_download(struct conn *c, const char *ds, const char *rel, int fd,
    long long *off, const char *label)
{
	char	*url, *what;
	int	 rc;

	url = conn_folder_url(c, ds, rel);
	xasprintf(&what, "[%s] %s", ds, rel);
	rc = conn_get(c, url, what, fd, off, label);
	free(what);
	free(url);
	return (rc);
}

static int
conn_put(struct conn *c, const char *url, const char *what,
    const char *file, const char *label)
{
	FILE		*f;
	long		 code = 0;
	long long	 size;
	int		 rc;

	if ((f = fopen(file, "rbe")) == NULL) {
		conn_seterr(c, "", "%s: %s", file, strerror(errno));
		return (-1);
	}
	if (fseeko(f, 0, SEEK_END) == -1 || (size = ftello(f)) == -1 ||
	    fseeko(f, 0, SEEK_SET) == -1) {
		conn_seterr(c, "", "%s: %s", file, strerror(errno));
		fclose(f);
		return (-1);
	}
	buf_free(&c->c_body);
	buf_init(&c->c_body);
	c->c_label = label != NULL && isatty(STDERR_FILENO) ? label : NULL;
	curl_easy_setopt(c->c_curl, CURLOPT_URL, url);
	curl_easy_setopt(c->c_curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->c_curl, CURLOPT_READDATA, f);
	curl_easy_setopt(c->c_curl, CURLOPT_READFUNCTION, NULL);
	curl_easy_setopt(c->c_curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)size);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEFUNCTION, conn_write_buf);
	curl_easy_setopt(c->c_curl, CURLOPT_WRITEDATA, c);
	rc = conn_perform(c);
	c->c_label = NULL;
	curl_easy_setopt(c->c_curl, CURLOPT_UPLOAD, 0L);
	fclose(f);
	if (rc == -1)
		return (-1);
	curl_easy_getinfo(c->c_curl, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200 || code == 201 || code == 204)
		return (0);
	if (code == 404)
		return (conn_http_error(c, 404, what));
	return (conn_http_error(c, code, what));
}

int
conn_upload(struct conn *c, const char *file, const char *ds,
    const char *rel, const char *label)
{
	char	*url, *what;
	int	 rc;

	url = conn_folder_url(c, ds, rel);
	xasprintf(&what, "[%s] %s", ds, rel);
	rc = conn_put(c, url, what, file, label);
	free(what);
	free(url);
	return (rc);
}

int
conn_get_url(struct conn *c, const char *url, int fd, const char *label)
{
	char		*u;
	long long	 off = 0;
	int		 rc;

	if ((u = conn_url_of(c, url)) == NULL) {
		conn_seterr(c, "", "%s gave a URL rcli cannot use: %s",
		    c->c_server, url);
		return (-1);
	}
	rc = conn_get(c, u, url, fd, &off, label);
	free(u);
	return (rc);
}

int
conn_put_url(struct conn *c, const char *url, const char *file,
    const char *label)
{
	char	*u;
	int	 rc;

	if ((u = conn_url_of(c, url)) == NULL) {
		conn_seterr(c, "", "%s gave a URL rcli cannot use: %s",
		    c->c_server, url);
		return (-1);
	}
	rc = conn_put(c, u, url, file, label);
	free(u);
	return (rc);
}
