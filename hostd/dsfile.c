/* SPDX-License-Identifier: ISC */
/*
 * Datastore files over HTTP (vi-api.md section 7.1): GET, HEAD, PUT and
 * DELETE on /folder/<path>?dcPath=ha-datacenter&dsName=<ds>, the HTML
 * indexes of /folder, and /host/<file>, the few configuration files an
 * administrator may fetch.
 *
 * Streaming.  libevent 2.1's evhttp reads a whole request body into
 * memory before it calls us, and offers no hook between the headers and
 * the body of a server request.  So every connection of the HTTPS and
 * Unix listeners gets a bufferevent filter (hostd_dsfile_wrap) that
 * follows the HTTP framing of the byte stream: requests pass through
 * untouched, except a PUT to /folder, whose header block is handed to
 * evhttp with "Content-Length: 0" while the body is held back.  When
 * the handler has authenticated the request and opened a temporary file
 * next to the target, the filter writes the body there as it arrives
 * (decoding chunked bodies) and the reply goes out when the last byte is
 * on disk and the file has been renamed over the target; a broken or
 * refused upload never leaves a half file under the real name.  The
 * filter never hands evhttp a byte while an upload is in progress, so
 * evhttp's state machine sees an ordinary bodiless request.  Anything
 * the filter cannot follow with certainty (conflicting lengths, a header
 * block that never ends) switches the connection to plain pass-through,
 * where a PUT is buffered by evhttp within http.maxBodySize as before.
 *
 * Downloads go out in HOSTD_DSFILE_CHUNK pieces, the next one read when
 * the TLS layer has sent the previous one (see hostd_dsfile_outfilter),
 * so a multi-GB file never sits in memory.
 *
 * Every request is authenticated (session cookie or HTTP Basic) and
 * checked: Datastore.Browse for reading, Datastore.FileManagement for
 * writing, on the datastore; /host needs the Admin role.  Paths are
 * decoded once, then checked: NUL bytes, backslashes and "." or ".."
 * components are refused (whether "/" came plain or as libvirt's %2F),
 * and files are opened through
 * hostd_dspath_open, which refuses symbolic links on the whole walk.
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_DSFILE_CHUNK	(256 * 1024)	/* bytes per read/send */
#define HOSTD_DSFILE_MAXLINE	256		/* chunk-size line */
#define HOSTD_DSFILE_JOIN	(16 * 1024)	/* output joined below */
/* Uploads in progress: hidden from listings, never a client's name. */
#define HOSTD_DSFILE_TMP	".vireo-upload-"

/* Where the filter is in the request stream of a connection. */
enum hostd_dsfile_state {
	HOSTD_DSFILE_HEAD,	/* reading a header block */
	HOSTD_DSFILE_BODY,	/* a body being passed through or stored */
	HOSTD_DSFILE_HOLD,	/* upload headers handed over: wait */
	HOSTD_DSFILE_DONE,	/* upload body read: wait for the reply */
	HOSTD_DSFILE_RAW	/* lost track: pass everything through */
};

/* Inside a body. */
enum hostd_dsfile_body {
	HOSTD_DSFILE_LEN,	/* df_remain bytes */
	HOSTD_DSFILE_CSIZE,	/* chunk-size line */
	HOSTD_DSFILE_CDATA,	/* df_remain bytes of chunk data */
	HOSTD_DSFILE_CEND,	/* CRLF after chunk data */
	HOSTD_DSFILE_TRAILER	/* trailer lines up to an empty one */
};

struct hostd_dsfile_put;

/* One wrapped connection. */
struct hostd_dsfile_conn {
	TAILQ_ENTRY(hostd_dsfile_conn)	 dc_entry;
	struct hostd_dsfile		*dc_df;
	struct bufferevent		*dc_bev;	/* the filter */
	struct bufferevent		*dc_under;
	enum hostd_dsfile_state		 dc_state;
	enum hostd_dsfile_body		 dc_body;
	int				 dc_chunked;
	int				 dc_upload;	/* body to a file */
	int				 dc_expect;	/* 100-continue */
	int64_t				 dc_remain;
	struct hostd_dsfile_put		*dc_put;	/* or NULL */
	struct event			*dc_kick;	/* output kick */
	struct evbuffer_cb_entry	*dc_outcb;
	struct evbuffer_cb_entry	*dc_undercb;
};
TAILQ_HEAD(hostd_dsfile_conns, hostd_dsfile_conn);

/* hostd's registry of wrapped connections (struct hostd h_dsfile). */
struct hostd_dsfile {
	struct hostd_dsfile_conns	 df_conns;
};

/* An upload in progress. */
struct hostd_dsfile_put {
	struct hostd			*dp_h;
	struct hostd_dsfile_conn	*dp_conn;	/* NULL: buffered */
	struct evhttp_request		*dp_req;	/* NULL: gone */
	struct evhttp_connection	*dp_evcon;
	int				 dp_dirfd;
	int				 dp_fd;
	char				*dp_tmp;	/* name in dp_dirfd */
	char				*dp_name;
	char				*dp_what;	/* for the log */
	int				 dp_existed;
	int				 dp_error;	/* errno, or 0 */
	uint64_t			 dp_bytes;
};

/* A download in progress. */
struct hostd_dsfile_get {
	struct evhttp_request		*dg_req;
	struct evhttp_connection	*dg_evcon;
	int				 dg_fd;
	off_t				 dg_off;
	uint64_t			 dg_remain;
	uint64_t			 dg_sent;
	char				*dg_what;
};

/* Who is asking, once authenticated. */
struct hostd_dsfile_who {
	char			*dw_user;
	struct hostd_session	*dw_session;	/* or NULL: Basic */
};

/* /host: the configuration backup, made when asked for. */
#define HOSTD_DSFILE_BUNDLE	"configBundle.tgz"

/* /host: the files an administrator may fetch, under --root. */
static const char *const hostd_dsfile_hostfiles[][2] = {
	{ "hostd.conf", "etc/vireo/hostd.conf" },
	{ "authorization.xml", "etc/vireo/authorization.xml" },
	{ "inventory.xml", "var/lib/vireo/inventory.xml" },
	{ "hostd.log", "var/log/vireo/hostd.log" },
	{ "vpxa.log", "var/log/vireo/vpxa.log" },
	{ "cimom.log", "var/log/vireo/cimom.log" },
};

static enum bufferevent_filter_result hostd_dsfile_filter(
		    struct evbuffer *, struct evbuffer *, ev_ssize_t,
		    enum bufferevent_flush_mode, void *);
static int	hostd_dsfile_head(struct hostd_dsfile_conn *,
		    struct evbuffer *, struct evbuffer *);
static int	hostd_dsfile_body(struct hostd_dsfile_conn *,
		    struct evbuffer *, struct evbuffer *);
static void	hostd_dsfile_sink(struct hostd_dsfile_conn *,
		    struct evbuffer *, struct evbuffer *, size_t, int);
static void	hostd_dsfile_conn_free(void *);
static void	hostd_dsfile_outcb(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);
static void	hostd_dsfile_kick(evutil_socket_t, short, void *);
static enum bufferevent_filter_result hostd_dsfile_outfilter(
		    struct evbuffer *, struct evbuffer *, ev_ssize_t,
		    enum bufferevent_flush_mode, void *);
static void	hostd_dsfile_undercb(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);
static struct hostd_dsfile_conn *hostd_dsfile_conn_find(struct hostd *,
		    struct evhttp_request *);
static void	hostd_dsfile_pump(struct hostd_dsfile_conn *);
static int	hostd_dsfile_auth(struct hostd *, struct evhttp_request *,
		    const char *, struct hostd_dsfile_who *);
static int	hostd_dsfile_allowed(struct hostd *,
		    const struct hostd_dsfile_who *, struct hostd_mo *,
		    const char *);
static int	hostd_dsfile_admin(struct hostd *,
		    const struct hostd_dsfile_who *);
static void	hostd_dsfile_who_clear(struct hostd_dsfile_who *);
static int	hostd_dsfile_error(struct evhttp_request *, int,
		    const char *, int);
static int	hostd_dsfile_folder(struct hostd *, struct evhttp_request *,
		    const char *, const char *, const char *);
static int	hostd_dsfile_bundle(struct hostd *, struct evhttp_request *);
static int	hostd_dsfile_host(struct hostd *, struct evhttp_request *,
		    const char *, const char *);
static int	hostd_dsfile_index(struct evhttp_request *, const char *,
		    const char *const *, size_t);
static int	hostd_dsfile_listdir(struct evhttp_request *, int,
		    const char *, const char *);
static int	hostd_dsfile_send(struct evhttp_request *, int,
		    const char *, const char *);
static int	hostd_dsfile_range(const char *, uint64_t, uint64_t *,
		    uint64_t *);
static void	hostd_dsfile_get_next(struct evhttp_connection *, void *);
static void	hostd_dsfile_get_closecb(struct evhttp_connection *, void *);
static void	hostd_dsfile_get_free(struct hostd_dsfile_get *);
static int	hostd_dsfile_put_start(struct hostd *,
		    struct evhttp_request *, struct hostd_mo_datastore *,
		    const char *, const char *);
static void	hostd_dsfile_put_finish(struct hostd_dsfile_put *);
static void	hostd_dsfile_put_closecb(struct evhttp_connection *, void *);
static void	hostd_dsfile_put_free(struct hostd_dsfile_put *);
static int	hostd_dsfile_delete(struct evhttp_request *,
		    struct hostd_mo_datastore *, const char *, const char *);
static void	hostd_dsfile_html(struct evbuffer *, const char *);
static void	hostd_dsfile_urlpath(struct evbuffer *, const char *);
static int	hostd_dsfile_namecmp(const void *, const void *);
static int	hostd_dsfile_dslist(struct evhttp_request *,
		    struct hostd_inventory *);
static int	hostd_dsfile_errno_status(int, const char **);

/* ---- the connection filter ------------------------------------------ */

struct bufferevent *
hostd_dsfile_wrap(struct hostd *h, struct bufferevent *under)
{
	struct hostd_dsfile_conn	*dc;
	struct bufferevent		*bev;

	if (h->h_dsfile == NULL) {
		h->h_dsfile = xcalloc(1, sizeof *h->h_dsfile);
		TAILQ_INIT(&h->h_dsfile->df_conns);
	}
	dc = xcalloc(1, sizeof *dc);
	dc->dc_df = h->h_dsfile;
	dc->dc_under = under;
	dc->dc_state = HOSTD_DSFILE_HEAD;
	bev = bufferevent_filter_new(under, hostd_dsfile_filter,
	    hostd_dsfile_outfilter, BEV_OPT_CLOSE_ON_FREE,
	    hostd_dsfile_conn_free, dc);
	if (bev == NULL) {
		free(dc);
		return (under);
	}
	dc->dc_bev = bev;
	/*
	 * evhttp adds a response and only then enables EV_WRITE, and the
	 * filter passes output on only when bytes are added to an enabled
	 * bufferevent: kick it once more on the next loop turn.
	 */
	dc->dc_kick = event_new(bufferevent_get_base(under), -1, 0,
	    hostd_dsfile_kick, dc);
	dc->dc_outcb = evbuffer_add_cb(bufferevent_get_output(bev),
	    hostd_dsfile_outcb, dc);
	dc->dc_undercb = evbuffer_add_cb(bufferevent_get_output(under),
	    hostd_dsfile_undercb, dc);
	if (dc->dc_kick == NULL || dc->dc_outcb == NULL ||
	    dc->dc_undercb == NULL)
		fatalx("dsfile: out of memory");
	TAILQ_INSERT_TAIL(&h->h_dsfile->df_conns, dc, dc_entry);
	return (bev);
}

void
hostd_dsfile_free(struct hostd *h)
{
	struct hostd_dsfile_conn	*dc;

	if (h->h_dsfile == NULL)
		return;
	/* Connections still alive (being freed later) forget the registry. */
	while ((dc = TAILQ_FIRST(&h->h_dsfile->df_conns)) != NULL) {
		TAILQ_REMOVE(&h->h_dsfile->df_conns, dc, dc_entry);
		dc->dc_df = NULL;
	}
	free(h->h_dsfile);
	h->h_dsfile = NULL;
}

/* Output was added: pass it on next turn, once evhttp enabled EV_WRITE. */
static void
hostd_dsfile_outcb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct hostd_dsfile_conn	*dc = arg;

	(void)buf;
	if (info->n_added > 0)
		event_active(dc->dc_kick, EV_TIMEOUT, 0);
}

static void
hostd_dsfile_kick(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_dsfile_conn	*dc = arg;

	(void)fd;
	(void)events;
	if (evbuffer_get_length(bufferevent_get_output(dc->dc_bev)) > 0)
		bufferevent_flush(dc->dc_bev, EV_WRITE, BEV_NORMAL);
}

/*
 * Output: everything goes to the TLS layer, but BEV_NEED_MORE keeps the
 * filter from telling evhttp it was written; hostd_dsfile_undercb does
 * when the TLS layer has really sent it.  Otherwise evhttp would close
 * (Connection: close, HTTP/1.0, 413) and shutdown(2) the socket with
 * the end of the response still queued, and a download would pile up
 * in the TLS buffer instead of waiting for the client.
 */
static enum bufferevent_filter_result
hostd_dsfile_outfilter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *arg)
{
	(void)limit;
	(void)mode;
	(void)arg;
	evbuffer_add_buffer(dst, src);
	/* A SOAP answer's headers and body: one TLS record, one write. */
	if (evbuffer_get_length(dst) <= HOSTD_DSFILE_JOIN)
		evbuffer_pullup(dst, -1);
	return (BEV_NEED_MORE);
}

/* The TLS layer sent something: all of it gone means written for evhttp. */
static void
hostd_dsfile_undercb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct hostd_dsfile_conn	*dc = arg;

	if (info->n_deleted > 0 && evbuffer_get_length(buf) == 0 &&
	    evbuffer_get_length(bufferevent_get_output(dc->dc_bev)) == 0)
		bufferevent_trigger(dc->dc_bev, EV_WRITE,
		    BEV_TRIG_DEFER_CALLBACKS);
}

static void
hostd_dsfile_conn_free(void *arg)
{
	struct hostd_dsfile_conn	*dc = arg;

	evbuffer_remove_cb_entry(bufferevent_get_output(dc->dc_bev),
	    dc->dc_outcb);
	evbuffer_remove_cb_entry(bufferevent_get_output(dc->dc_under),
	    dc->dc_undercb);
	event_free(dc->dc_kick);
	if (dc->dc_df != NULL)
		TAILQ_REMOVE(&dc->dc_df->df_conns, dc, dc_entry);
	if (dc->dc_put != NULL) {
		dc->dc_put->dp_conn = NULL;
		if (dc->dc_put->dp_req == NULL)
			hostd_dsfile_put_free(dc->dc_put);
	}
	free(dc);
}

static struct hostd_dsfile_conn *
hostd_dsfile_conn_find(struct hostd *h, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct hostd_dsfile_conn	*dc;

	if (h->h_dsfile == NULL ||
	    (evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return (NULL);
	TAILQ_FOREACH(dc, &h->h_dsfile->df_conns, dc_entry) {
		if (dc->dc_bev == bev)
			return (dc);
	}
	return (NULL);
}

/*
 * The input filter.  BEV_OK only when bytes went to dst: the caller then
 * runs evhttp's read callback, which must not happen while an upload
 * holds the connection.
 */
static enum bufferevent_filter_result
hostd_dsfile_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *arg)
{
	struct hostd_dsfile_conn	*dc = arg;
	size_t				 before = evbuffer_get_length(dst);
	int				 rc;

	(void)limit;
	(void)mode;
	for (;;) {
		switch (dc->dc_state) {
		case HOSTD_DSFILE_RAW:
			evbuffer_add_buffer(dst, src);
			rc = 0;
			break;
		case HOSTD_DSFILE_HEAD:
			rc = hostd_dsfile_head(dc, src, dst);
			break;
		case HOSTD_DSFILE_BODY:
			rc = hostd_dsfile_body(dc, src, dst);
			break;
		default:
			rc = 0;
			break;
		}
		if (rc == 0 || evbuffer_get_length(src) == 0)
			break;
	}
	return (evbuffer_get_length(dst) > before ? BEV_OK : BEV_NEED_MORE);
}

/*
 * A header block: pass it on, or start an upload.  1 to go on with the
 * next state, 0 when more bytes are needed or the upload waits.
 */
static int
hostd_dsfile_head(struct hostd_dsfile_conn *dc, struct evbuffer *src,
    struct evbuffer *dst)
{
	struct evbuffer_ptr	 end;
	char			*blk, *line, *next, *colon, *v, *ep;
	size_t			 len;
	int			 upload, chunked = 0, expect = 0, nlen = 0;
	long long		 clen = -1, n;
	unsigned char		*c;

	/* Blank lines between requests are allowed: evhttp skips them. */
	while ((c = evbuffer_pullup(src, 1)) != NULL &&
	    (*c == '\r' || *c == '\n'))
		evbuffer_remove_buffer(src, dst, 1);
	end = evbuffer_search(src, "\r\n\r\n", 4, NULL);
	if (end.pos == -1) {
		if (evbuffer_get_length(src) > HOSTD_MAX_HEADERS)
			dc->dc_state = HOSTD_DSFILE_RAW;
		return (dc->dc_state == HOSTD_DSFILE_RAW);
	}
	len = (size_t)end.pos + 4;
	if (len > HOSTD_MAX_HEADERS) {
		dc->dc_state = HOSTD_DSFILE_RAW;
		return (1);
	}
	blk = xmalloc(len + 1);
	evbuffer_copyout(src, blk, len);
	blk[len] = '\0';
	upload = strncmp(blk, "PUT /folder/", 12) == 0;
	line = strstr(blk, "\r\n") + 2;
	for (; *line != '\r' && *line != '\0'; line = next) {
		next = strstr(line, "\r\n");
		*next = '\0';
		next += 2;
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		if (strcasecmp(line, "Content-Length") == 0) {
			errno = 0;
			n = strtoll(v, &ep, 10);
			while (*ep == ' ' || *ep == '\t')
				ep++;
			if (errno != 0 || ep == v || *ep != '\0' || n < 0 ||
			    (nlen++ > 0 && n != clen))
				goto raw;
			clen = n;
		} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
			if (strcasecmp(v, "chunked") != 0)
				goto raw;
			chunked = 1;
		} else if (strcasecmp(line, "Expect") == 0)
			expect = strcasecmp(v, "100-continue") == 0;
		*colon = ':';
	}
	if (chunked && clen != -1)
		goto raw;
	free(blk);

	dc->dc_chunked = chunked;
	dc->dc_body = chunked ? HOSTD_DSFILE_CSIZE : HOSTD_DSFILE_LEN;
	dc->dc_remain = chunked ? 0 : (clen == -1 ? 0 : clen);
	if (!upload) {
		evbuffer_remove_buffer(src, dst, len);
		dc->dc_upload = 0;
		dc->dc_state = (chunked || dc->dc_remain > 0) ?
		    HOSTD_DSFILE_BODY : HOSTD_DSFILE_HEAD;
		return (1);
	}

	/*
	 * The upload: the same header block without the body's framing,
	 * so that evhttp calls us at once with an empty body.
	 */
	blk = xmalloc(len + 1);
	evbuffer_remove(src, blk, len);
	blk[len] = '\0';
	line = strstr(blk, "\r\n") + 2;
	evbuffer_add(dst, blk, line - blk);
	for (; *line != '\r' && *line != '\0'; line = next) {
		next = strstr(line, "\r\n") + 2;
		if (strncasecmp(line, "Content-Length:", 15) == 0 ||
		    strncasecmp(line, "Transfer-Encoding:", 18) == 0 ||
		    strncasecmp(line, "Expect:", 7) == 0)
			continue;
		evbuffer_add(dst, line, next - line);
	}
	evbuffer_add_printf(dst, "Content-Length: 0\r\n\r\n");
	free(blk);
	dc->dc_upload = 1;
	dc->dc_expect = expect;
	dc->dc_state = HOSTD_DSFILE_HOLD;
	return (0);

raw:
	free(blk);
	dc->dc_state = HOSTD_DSFILE_RAW;
	return (1);
}

/*
 * Body bytes: passed to dst, written to the upload, or dropped (an
 * upload that failed).  1 to go on, 0 for more bytes.
 */
static int
hostd_dsfile_body(struct hostd_dsfile_conn *dc, struct evbuffer *src,
    struct evbuffer *dst)
{
	struct evbuffer_ptr	 eol;
	char			 line[HOSTD_DSFILE_MAXLINE + 1], *ep;
	size_t			 eollen, n, avail;
	unsigned long long	 size;

	avail = evbuffer_get_length(src);
	switch (dc->dc_body) {
	case HOSTD_DSFILE_LEN:
	case HOSTD_DSFILE_CDATA:
		n = (uint64_t)dc->dc_remain < avail ? (size_t)dc->dc_remain :
		    avail;
		if (n > 0)
			hostd_dsfile_sink(dc, src, dst, n, 1);
		dc->dc_remain -= n;
		if (dc->dc_remain > 0)
			return (0);
		if (dc->dc_body == HOSTD_DSFILE_CDATA) {
			dc->dc_body = HOSTD_DSFILE_CEND;
			return (1);
		}
		break;
	case HOSTD_DSFILE_CEND:
		if (avail < 2)
			return (0);
		evbuffer_copyout(src, line, 2);
		if (line[0] != '\r' || line[1] != '\n')
			goto bad;
		hostd_dsfile_sink(dc, src, dst, 2, 0);
		dc->dc_body = HOSTD_DSFILE_CSIZE;
		return (1);
	case HOSTD_DSFILE_CSIZE:
	case HOSTD_DSFILE_TRAILER:
		eol = evbuffer_search_eol(src, NULL, &eollen,
		    EVBUFFER_EOL_CRLF_STRICT);
		if (eol.pos == -1 && avail <= HOSTD_DSFILE_MAXLINE)
			return (0);
		if (eol.pos == -1 || (size_t)eol.pos > HOSTD_DSFILE_MAXLINE)
			goto bad;
		evbuffer_copyout(src, line, eol.pos);
		line[eol.pos] = '\0';
		hostd_dsfile_sink(dc, src, dst, eol.pos + eollen, 0);
		if (dc->dc_body == HOSTD_DSFILE_TRAILER) {
			if (eol.pos == 0)
				break;
			return (1);
		}
		errno = 0;
		size = strtoull(line, &ep, 16);
		if (ep == line || errno != 0 || (*ep != '\0' && *ep != ';' &&
		    *ep != ' ') || size > INT64_MAX)
			goto bad;
		if (size == 0)
			dc->dc_body = HOSTD_DSFILE_TRAILER;
		else {
			dc->dc_remain = (int64_t)size;
			dc->dc_body = HOSTD_DSFILE_CDATA;
		}
		return (1);
	}

	/* The body is over (passed on, stored, or dropped: refused). */
	if (!dc->dc_upload) {
		dc->dc_state = HOSTD_DSFILE_HEAD;
		return (1);
	}
	if (dc->dc_put == NULL) {
		dc->dc_state = HOSTD_DSFILE_HEAD;
		return (0);
	}
	dc->dc_state = HOSTD_DSFILE_DONE;
	hostd_dsfile_put_finish(dc->dc_put);
	return (0);

bad:
	if (!dc->dc_upload) {
		/* Let evhttp see the bad framing and answer it. */
		dc->dc_state = HOSTD_DSFILE_RAW;
		return (1);
	}
	dc->dc_state = HOSTD_DSFILE_DONE;
	if (dc->dc_put != NULL) {
		dc->dc_put->dp_error = EPROTO;
		hostd_dsfile_put_finish(dc->dc_put);
	}
	return (0);
}

/* n bytes of src: passed on, body data to the upload, or dropped. */
static void
hostd_dsfile_sink(struct hostd_dsfile_conn *dc, struct evbuffer *src,
    struct evbuffer *dst, size_t n, int data)
{
	struct hostd_dsfile_put	*put = dc->dc_put;
	int			 w;

	if (!dc->dc_upload) {
		evbuffer_remove_buffer(src, dst, n);
		return;
	}
	if (!data || put == NULL || put->dp_fd == -1 || put->dp_error != 0) {
		evbuffer_drain(src, n);
		return;
	}
	/* Nothing reaches evhttp meanwhile: keep its idle timeout away. */
	bufferevent_enable(dc->dc_bev, EV_READ);
	while (n > 0) {
		if ((w = evbuffer_write_atmost(src, put->dp_fd,
		    (ev_ssize_t)n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			put->dp_error = w == 0 ? EIO : errno;
			evbuffer_drain(src, n);
			return;
		}
		n -= (size_t)w;
		put->dp_bytes += (uint64_t)w;
	}
}

/*
 * The handler has taken (dc_put set) or refused the held upload: read
 * what the filter kept back (into the file, or dropped: the answer has
 * gone out and the connection stays usable), and let the filter read on.
 */
static void
hostd_dsfile_pump(struct hostd_dsfile_conn *dc)
{
	struct evbuffer	*src = bufferevent_get_input(dc->dc_under);
	struct evbuffer	*dst = bufferevent_get_input(dc->dc_bev);

	dc->dc_state = HOSTD_DSFILE_BODY;
	if (!dc->dc_chunked && dc->dc_remain == 0) {
		if (dc->dc_put == NULL) {
			dc->dc_state = HOSTD_DSFILE_HEAD;
			return;
		}
		dc->dc_state = HOSTD_DSFILE_DONE;
		hostd_dsfile_put_finish(dc->dc_put);
		return;
	}
	while (dc->dc_state == HOSTD_DSFILE_BODY &&
	    hostd_dsfile_body(dc, src, dst) == 1)
		;
	if (dc->dc_state == HOSTD_DSFILE_BODY)
		bufferevent_enable(dc->dc_bev, EV_READ);
}

/* ---- authentication --------------------------------------------------- */

static void
hostd_dsfile_who_clear(struct hostd_dsfile_who *who)
{
	free(who->dw_user);
	who->dw_user = NULL;
	who->dw_session = NULL;
}

/* 0 with who set, or -1: no valid cookie and no valid Basic credentials. */
static int
hostd_dsfile_auth(struct hostd *h, struct evhttp_request *req,
    const char *peer, struct hostd_dsfile_who *who)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct hostd_session	*s;
	const char		*v;
	unsigned char		*raw;
	char			*colon;
	size_t			 len;
	int			 n, pad, rc = -1;

	memset(who, 0, sizeof *who);
	if ((v = evhttp_find_header(in, "Cookie")) != NULL &&
	    (s = hostd_session_find(hostd_soap_sessions(h->h_soap), v)) !=
	    NULL) {
		hostd_session_touch(s);
		who->dw_session = s;
		who->dw_user = xstrdup(s->s_user);
		return (0);
	}
	if ((v = evhttp_find_header(in, "Authorization")) == NULL ||
	    strncasecmp(v, "Basic ", 6) != 0)
		return (-1);
	for (v += 6; *v == ' '; v++)
		;
	len = strlen(v);
	if (len == 0 || len > 1024 || len % 4 != 0)
		return (-1);
	raw = xmalloc(len + 1);
	if ((n = EVP_DecodeBlock(raw, (const unsigned char *)v,
	    (int)len)) < 0) {
		free(raw);
		return (-1);
	}
	pad = (v[len - 1] == '=') + (v[len - 2] == '=');
	n -= pad;
	raw[n] = '\0';
	if (strlen((char *)raw) == (size_t)n &&
	    (colon = strchr((char *)raw, ':')) != NULL) {
		*colon = '\0';
		if (account_login(hostd_soap_auth(h->h_soap), (char *)raw,
		    colon + 1, peer, NULL) == 0) {
			who->dw_user = xstrdup((char *)raw);
			rc = 0;
		}
	}
	explicit_bzero(raw, len + 1);
	free(raw);
	return (rc);
}

/* 1 if who holds priv on mo. */
static int
hostd_dsfile_allowed(struct hostd *h, const struct hostd_dsfile_who *who,
    struct hostd_mo *mo, const char *priv)
{
	char	**groups;
	int	  rc;

	if (who->dw_session != NULL)
		return (hostd_authz_allowed(h->h_soap, who->dw_session, mo,
		    priv));
	if (strcmp(who->dw_user, "root") == 0)
		return (1);
	groups = account_groups(hostd_soap_auth(h->h_soap), who->dw_user);
	rc = hostd_authz_check(hostd_soap_authz(h->h_soap),
	    hostd_soap_inventory(h->h_soap), mo, who->dw_user, groups, priv);
	account_groups_free(groups);
	return (rc);
}

/* 1 if who has the Admin role on the root folder. */
static int
hostd_dsfile_admin(struct hostd *h, const struct hostd_dsfile_who *who)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(h->h_soap);
	struct hostd_mo		*root;
	char			**groups;
	int32_t			 roles[16];
	size_t			 i, n;

	root = hostd_inventory_find(inv, "Folder", HOSTD_MO_ROOT, NULL);
	groups = account_groups(hostd_soap_auth(h->h_soap), who->dw_user);
	n = hostd_authz_effective(hostd_soap_authz(h->h_soap), root,
	    who->dw_user, groups, roles, 16);
	account_groups_free(groups);
	for (i = 0; i < n; i++) {
		if (roles[i] == HOSTD_AUTHZ_ADMIN)
			return (1);
	}
	return (0);
}

/* ---- requests ------------------------------------------------------- */

int
hostd_dsfile_handle(struct hostd *h, struct evhttp_request *req,
    const char *peer)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct hostd_dsfile_conn *dc;
	const char		*path = NULL, *query = NULL;
	int			 held, status;

	if (uri != NULL) {
		path = evhttp_uri_get_path(uri);
		query = evhttp_uri_get_query(uri);
	}
	dc = hostd_dsfile_conn_find(h, req);
	held = dc != NULL && dc->dc_state == HOSTD_DSFILE_HOLD;
	if (path == NULL)
		status = hostd_dsfile_error(req, 400, "Bad Request", 0);
	else if (strncmp(path, "/host", 5) == 0 && (path[5] == '\0' ||
	    path[5] == '/'))
		status = hostd_dsfile_host(h, req, path + 5, peer);
	else
		status = hostd_dsfile_folder(h, req, path + 7, query, peer);
	/* An upload refused before its body was read: drop the body. */
	if (held && dc->dc_state == HOSTD_DSFILE_HOLD && dc->dc_put == NULL)
		hostd_dsfile_pump(dc);
	return (status);
}

/*
 * A short text answer, closing the connection after it when close is
 * set (an upload whose framing was lost).
 */
static int
hostd_dsfile_error(struct evhttp_request *req, int status,
    const char *reason, int close)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*buf;

	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	if (status == 401)
		evhttp_add_header(out, "WWW-Authenticate",
		    "Basic realm=\"VMware HTTP server\"");
	if (close)
		evhttp_add_header(out, "Connection", "close");
	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add_printf(buf, "%d %s\n", status, reason);
	evhttp_send_reply(req, status, reason, buf);
	evbuffer_free(buf);
	return (status);
}

/* The status for errno e of an open or lookup. */
static int
hostd_dsfile_errno_status(int e, const char **reason)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		*reason = "Not Found";
		return (404);
	case EINVAL:
	case ENAMETOOLONG:
		*reason = "Bad Request";
		return (400);
	case ELOOP:
	case EACCES:
	case EPERM:
	case EISDIR:
		*reason = "Forbidden";
		return (403);
	case ENOSPC:
		*reason = "Insufficient Storage";
		return (507);
	default:
		*reason = "Internal Server Error";
		return (500);
	}
}

static int
hostd_dsfile_folder(struct hostd *h, struct evhttp_request *req,
    const char *raw, const char *query, const char *peer)
{
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	struct hostd_inventory		*inv = hostd_soap_inventory(h->h_soap);
	struct hostd_dsfile_who		 who;
	struct hostd_mo			*mo;
	struct hostd_mo_datastore	*ds;
	struct evkeyvalq		 q;
	const char			*dcpath, *dsname, *reason, *priv;
	const char			*names[1];
	char				*rel = NULL, *qs = NULL;
	size_t				 len;
	int				 status, fd, isdir;
	struct stat			 st;

	TAILQ_INIT(&q);
	if (hostd_dsfile_auth(h, req, peer, &who) != 0) {
		status = hostd_dsfile_error(req, 401, "Unauthorized", 0);
		goto out;
	}
	if (query != NULL && evhttp_parse_query_str(query, &q) != 0) {
		status = hostd_dsfile_error(req, 400, "Bad Request", 0);
		goto out;
	}
	dcpath = evhttp_find_header(&q, "dcPath");
	dsname = evhttp_find_header(&q, "dsName");
	if (dcpath != NULL && strcmp(dcpath + (*dcpath == '/'),
	    HOSTD_MO_DATACENTER) != 0) {
		status = hostd_dsfile_error(req, 404, "Not Found", 0);
		goto out;
	}
	if (*raw == '\0' || strcmp(raw, "/") == 0) {
		if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
			status = hostd_dsfile_error(req, 405,
			    "Method Not Allowed", 0);
			goto out;
		}
		if (dsname == NULL && dcpath == NULL) {
			names[0] = HOSTD_MO_DATACENTER;
			status = hostd_dsfile_index(req, "/folder?dcPath=",
			    names, 1);
			goto out;
		}
		if (dsname == NULL) {
			status = hostd_dsfile_dslist(req, inv);
			goto out;
		}
	} else if (*raw != '/') {
		status = hostd_dsfile_error(req, 404, "Not Found", 0);
		goto out;
	}
	if (dsname == NULL || (mo = hostd_dspath_datastore(inv,
	    dsname)) == NULL) {
		status = hostd_dsfile_error(req, 404, "Not Found", 0);
		goto out;
	}
	ds = mo->mo_data;
	priv = (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD) ?
	    "Datastore.Browse" : "Datastore.FileManagement";
	if (!hostd_dsfile_allowed(h, &who, mo, priv)) {
		log_info("folder: %s denied %s on %s", who.dw_user, priv,
		    ds->ds_name);
		status = hostd_dsfile_error(req, 403, "Forbidden", 0);
		goto out;
	}

	/*
	 * One decoding, then the checks: libvirt's ESX driver sends the
	 * separator as %2F, so an encoded "/" separates like a plain one
	 * (its components are checked all the same); an encoded NUL or
	 * backslash is refused.
	 */
	raw += (*raw == '/');
	if (strcasestr(raw, "%5c") != NULL ||
	    (rel = evhttp_uridecode(raw, 0, &len)) == NULL ||
	    strlen(rel) != len) {
		status = hostd_dsfile_error(req, 400, "Bad Request", 0);
		goto out;
	}
	isdir = len > 0 && rel[len - 1] == '/';
	while (len > 0 && rel[len - 1] == '/')
		rel[--len] = '\0';
	if (!hostd_dspath_rel_ok(rel)) {
		log_info("folder: %s refused path \"%.200s\"", who.dw_user,
		    raw);
		status = hostd_dsfile_error(req, 400, "Bad Request", 0);
		goto out;
	}

	switch (cmd) {
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		if ((fd = hostd_dspath_open(ds, rel, O_RDONLY | O_NONBLOCK,
		    0)) == -1) {
			status = hostd_dsfile_errno_status(errno, &reason);
			status = hostd_dsfile_error(req, status, reason, 0);
			break;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			xasprintf(&qs, "dcPath=%s&dsName=%s",
			    HOSTD_MO_DATACENTER, ds->ds_name);
			status = hostd_dsfile_listdir(req, fd, *rel == '\0' ?
			    NULL : rel, qs);
			break;
		}
		if (isdir || !S_ISREG(st.st_mode)) {
			close(fd);
			status = hostd_dsfile_error(req, 404, "Not Found", 0);
			break;
		}
		status = hostd_dsfile_send(req, fd, "application/octet-stream",
		    rel);
		break;
	case EVHTTP_REQ_PUT:
		if (*rel == '\0' || isdir) {
			status = hostd_dsfile_error(req, 400, "Bad Request", 0);
			break;
		}
		status = hostd_dsfile_put_start(h, req, ds, rel, who.dw_user);
		break;
	case EVHTTP_REQ_DELETE:
		if (*rel == '\0') {
			status = hostd_dsfile_error(req, 403, "Forbidden", 0);
			break;
		}
		status = hostd_dsfile_delete(req, ds, rel, who.dw_user);
		break;
	default:
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD, PUT, DELETE");
		status = hostd_dsfile_error(req, 405, "Method Not Allowed", 0);
		break;
	}
out:
	evhttp_clear_headers(&q);
	hostd_dsfile_who_clear(&who);
	free(rel);
	free(qs);
	return (status);
}

/*
 * /host/configBundle.tgz: the configuration backup (the same bundle
 * HostFirmwareSystem.BackupFirmwareConfiguration hands out), made on
 * request; it holds the shadow file, so only Admin gets here.
 */
static int
hostd_dsfile_bundle(struct hostd *h, struct evhttp_request *req)
{
	struct evbuffer	*buf;
	void		*data;
	size_t		 len;
	char		 host[256], *cause = NULL;

	hostd_mo_hostsystem_name(host, sizeof host);
	if (hostd_backup_create(hostd_inventory_rootdir(
	    hostd_soap_inventory(h->h_soap)), host, &data, &len,
	    &cause) != 0) {
		log_warnx("host: %s: %s", HOSTD_DSFILE_BUNDLE, cause);
		free(cause);
		return (hostd_dsfile_error(req, 500, "Internal Server Error",
		    0));
	}
	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add(buf, data, len);
	free(data);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/x-gzip");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
	return (200);
}

/* /host and /host/<file>: Admin only, files of the allowlist only. */
static int
hostd_dsfile_host(struct hostd *h, struct evhttp_request *req,
    const char *raw, const char *peer)
{
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	struct hostd_dsfile_who		 who;
	const char			*names[sizeof hostd_dsfile_hostfiles /
					    sizeof hostd_dsfile_hostfiles[0] + 1];
	const char			*reason;
	char				*full;
	size_t				 i, n = sizeof names / sizeof names[0] - 1;
	int				 status, fd;
	struct stat			 st;

	if (hostd_dsfile_auth(h, req, peer, &who) != 0)
		return (hostd_dsfile_error(req, 401, "Unauthorized", 0));
	if (!hostd_dsfile_admin(h, &who)) {
		log_info("host: %s denied %s", who.dw_user, raw);
		hostd_dsfile_who_clear(&who);
		return (hostd_dsfile_error(req, 403, "Forbidden", 0));
	}
	hostd_dsfile_who_clear(&who);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		return (hostd_dsfile_error(req, 405, "Method Not Allowed", 0));
	}
	if (*raw == '\0' || strcmp(raw, "/") == 0) {
		for (i = 0; i < n; i++)
			names[i] = hostd_dsfile_hostfiles[i][0];
		names[n] = HOSTD_DSFILE_BUNDLE;
		return (hostd_dsfile_index(req, "/host/", names, n + 1));
	}
	if (strcmp(raw + 1, HOSTD_DSFILE_BUNDLE) == 0)
		return (hostd_dsfile_bundle(h, req));
	for (i = 0; i < n; i++) {
		if (strcmp(raw + 1, hostd_dsfile_hostfiles[i][0]) == 0)
			break;
	}
	if (i == n)
		return (hostd_dsfile_error(req, 404, "Not Found", 0));
	xasprintf(&full, "%s/%s", hostd_inventory_rootdir(
	    hostd_soap_inventory(h->h_soap)), hostd_dsfile_hostfiles[i][1]);
	fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(full);
	if (fd == -1) {
		status = hostd_dsfile_errno_status(errno, &reason);
		return (hostd_dsfile_error(req, status, reason, 0));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (hostd_dsfile_error(req, 404, "Not Found", 0));
	}
	return (hostd_dsfile_send(req, fd, "text/plain; charset=utf-8",
	    hostd_dsfile_hostfiles[i][0]));
}

/* Text escaped for HTML (and quotes for attributes). */
static void
hostd_dsfile_html(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			evbuffer_add(b, "&lt;", 4);
			break;
		case '>':
			evbuffer_add(b, "&gt;", 4);
			break;
		case '&':
			evbuffer_add(b, "&amp;", 5);
			break;
		case '"':
			evbuffer_add(b, "&quot;", 6);
			break;
		default:
			evbuffer_add(b, s, 1);
			break;
		}
	}
}

/* An index page: one link prefix+name per name. */
static int
hostd_dsfile_index(struct evhttp_request *req, const char *prefix,
    const char *const *names, size_t n)
{
	struct evbuffer		*b;
	char			*enc;
	size_t			 i;

	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html><head><title>Index"
	    "</title></head><body>\n<pre>\n");
	for (i = 0; i < n; i++) {
		enc = evhttp_uriencode(names[i], -1, 0);
		evbuffer_add_printf(b, "<a href=\"");
		hostd_dsfile_html(b, prefix);
		hostd_dsfile_html(b, enc);
		evbuffer_add_printf(b, "\">");
		hostd_dsfile_html(b, names[i]);
		evbuffer_add_printf(b, "</a>\n");
		free(enc);
	}
	evbuffer_add_printf(b, "</pre>\n</body></html>\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/html; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	return (200);
}

/* /folder?dcPath=ha-datacenter: the datastores. */
static int
hostd_dsfile_dslist(struct evhttp_request *req, struct hostd_inventory *inv)
{
	struct hostd_mo_datastore	*ds;
	struct hostd_mo		*mo;
	const char		**names = NULL;
	size_t			 n = 0;
	int			 status;

	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "Datastore") != 0 ||
		    mo->mo_data == NULL)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		ds = mo->mo_data;
		names[n++] = ds->ds_name;
	}
	status = hostd_dsfile_index(req,
	    "/folder?dcPath=" HOSTD_MO_DATACENTER "&dsName=", names, n);
	free(names);
	return (status);
}

static int
hostd_dsfile_namecmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* GET on a directory: its entries (directories with a "/"); fd taken. */
static int
hostd_dsfile_listdir(struct evhttp_request *req, int fd, const char *rel,
    const char *qs)
{
	struct evbuffer	*b;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		**names = NULL;
	size_t		 n = 0, i;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return (hostd_dsfile_error(req, 500, "Internal Server Error",
		    0));
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strncmp(de->d_name, HOSTD_DSFILE_TMP,
		    sizeof HOSTD_DSFILE_TMP - 1) == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			xasprintf(&names[n++], "%s/", de->d_name);
		else
			names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, hostd_dsfile_namecmp);
	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html><head><title>Index of "
	    "/");
	if (rel != NULL)
		hostd_dsfile_html(b, rel);
	evbuffer_add_printf(b, "</title></head><body>\n<pre>\n");
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(b, "<a href=\"/folder/");
		if (rel != NULL) {
			hostd_dsfile_urlpath(b, rel);
			evbuffer_add(b, "/", 1);
		}
		hostd_dsfile_urlpath(b, names[i]);
		evbuffer_add(b, "?", 1);
		hostd_dsfile_html(b, qs);
		evbuffer_add_printf(b, "\">");
		hostd_dsfile_html(b, names[i]);
		evbuffer_add_printf(b, "</a>\n");
		free(names[i]);
	}
	free(names);
	evbuffer_add_printf(b, "</pre>\n</body></html>\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/html; charset=utf-8");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
		evbuffer_drain(b, evbuffer_get_length(b));
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	return (200);
}

/* p percent-encoded for a URL path, "/" kept, escaped for HTML. */
static void
hostd_dsfile_urlpath(struct evbuffer *b, const char *p)
{
	char	*part, *enc;
	size_t	 n;

	for (;;) {
		n = strcspn(p, "/");
		part = xstrndup(p, n);
		enc = evhttp_uriencode(part, -1, 0);
		hostd_dsfile_html(b, enc);
		free(enc);
		free(part);
		if (p[n] == '\0')
			break;
		evbuffer_add(b, "/", 1);
		p += n + 1;
	}
}

/*
 * A single "bytes=a-b" range of a size-byte file: 1 with [*first,
 * *last], 0 when there is no usable Range (the whole file), -1 when it
 * cannot be satisfied (416).
 */
static int
hostd_dsfile_range(const char *v, uint64_t size, uint64_t *first,
    uint64_t *last)
{
	unsigned long long	 a, b;
	char			*ep;

	if (v == NULL)
		return (0);
	while (*v == ' ')
		v++;
	if (strncmp(v, "bytes=", 6) != 0 || strchr(v, ',') != NULL)
		return (-1);
	v += 6;
	errno = 0;
	if (*v == '-') {
		/* The last b bytes. */
		b = strtoull(v + 1, &ep, 10);
		if (ep == v + 1 || *ep != '\0' || errno != 0 || b == 0 ||
		    size == 0)
			return (-1);
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return (1);
	}
	if (!isdigit((unsigned char)*v))
		return (-1);
	a = strtoull(v, &ep, 10);
	if (errno != 0 || *ep != '-' || a >= size)
		return (-1);
	v = ep + 1;
	if (*v == '\0')
		b = size - 1;
	else {
		if (!isdigit((unsigned char)*v))
			return (-1);
		b = strtoull(v, &ep, 10);
		if (errno != 0 || *ep != '\0' || b < a)
			return (-1);
		if (b >= size)
			b = size - 1;
	}
	*first = a;
	*last = b;
	return (1);
}

/* GET or HEAD of regular file fd (taken): whole or one range, streamed. */
static int
hostd_dsfile_send(struct evhttp_request *req, int fd, const char *type,
    const char *what)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct hostd_dsfile_get	*dg;
	struct stat		 st;
	uint64_t		 first = 0, last = 0, size;
	char			 hdr[128];
	int			 r, status = 200;

	if (fstat(fd, &st) != 0) {
		close(fd);
		return (hostd_dsfile_error(req, 500, "Internal Server Error",
		    0));
	}
	size = (uint64_t)st.st_size;
	r = hostd_dsfile_range(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Range"), size, &first,
	    &last);
	if (r == -1) {
		close(fd);
		xsnprintf(hdr, sizeof hdr, "bytes */%" PRIu64, size);
		evhttp_add_header(out, "Content-Range", hdr);
		return (hostd_dsfile_error(req, 416,
		    "Requested Range Not Satisfiable", 0));
	}
	if (r == 1) {
		status = 206;
		xsnprintf(hdr, sizeof hdr, "bytes %" PRIu64 "-%" PRIu64 "/%"
		    PRIu64, first, last, size);
		evhttp_add_header(out, "Content-Range", hdr);
	} else if (size > 0)
		last = size - 1;
	xsnprintf(hdr, sizeof hdr, "%" PRIu64, size == 0 ? 0 :
	    last - first + 1);
	evhttp_add_header(out, "Content-Length", hdr);
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Accept-Ranges", "bytes");
	if (size == 0 || evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		close(fd);
		evhttp_send_reply(req, status, status == 200 ? "OK" :
		    "Partial Content", NULL);
		return (status);
	}
	dg = xcalloc(1, sizeof *dg);
	dg->dg_req = req;
	dg->dg_evcon = evhttp_request_get_connection(req);
	dg->dg_fd = fd;
	dg->dg_off = (off_t)first;
	dg->dg_remain = last - first + 1;
	dg->dg_what = xstrdup(what);
	evhttp_connection_set_closecb(dg->dg_evcon, hostd_dsfile_get_closecb,
	    dg);
	evhttp_send_reply_start(req, status, status == 200 ? "OK" :
	    "Partial Content");
	hostd_dsfile_get_next(dg->dg_evcon, dg);
	return (status);
}

/* The previous piece has left: send the next one, or end. */
static void
hostd_dsfile_get_next(struct evhttp_connection *evcon, void *arg)
{
	struct hostd_dsfile_get	*dg = arg;
	struct evbuffer		*b;
	struct evbuffer_iovec	 v;
	size_t			 want;
	ssize_t			 n;

	(void)evcon;
	if (dg->dg_remain == 0) {
		evhttp_connection_set_closecb(dg->dg_evcon, NULL, NULL);
		evhttp_send_reply_end(dg->dg_req);
		log_debug("folder: sent %s, %" PRIu64 " bytes", dg->dg_what,
		    dg->dg_sent);
		hostd_dsfile_get_free(dg);
		return;
	}
	want = dg->dg_remain < HOSTD_DSFILE_CHUNK ? (size_t)dg->dg_remain :
	    HOSTD_DSFILE_CHUNK;
	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new: out of memory");
	if (evbuffer_reserve_space(b, (ev_ssize_t)want, &v, 1) < 1)
		fatalx("evbuffer_reserve_space: out of memory");
	do {
		n = pread(dg->dg_fd, v.iov_base, want, dg->dg_off);
	} while (n == -1 && errno == EINTR);
	if (n <= 0) {
		/* Shrunk or unreadable: the short body tells the client. */
		log_warnx("folder: reading %s: %s", dg->dg_what, n == 0 ?
		    "file shrank" : strerror(errno));
		evbuffer_free(b);
		dg->dg_remain = 0;
		evhttp_connection_set_closecb(dg->dg_evcon, NULL, NULL);
		evhttp_send_reply_end(dg->dg_req);
		hostd_dsfile_get_free(dg);
		return;
	}
	v.iov_len = (size_t)n;
	evbuffer_commit_space(b, &v, 1);
	dg->dg_off += n;
	dg->dg_remain -= (uint64_t)n;
	dg->dg_sent += (uint64_t)n;
	evhttp_send_reply_chunk_with_cb(dg->dg_req, b, hostd_dsfile_get_next,
	    dg);
	evbuffer_free(b);
}

/* The client went away during a download. */
static void
hostd_dsfile_get_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct hostd_dsfile_get	*dg = arg;

	(void)evcon;
	/* A request still on the connection goes with it; else it is ours. */
	if (evhttp_request_get_connection(dg->dg_req) == NULL)
		evhttp_request_free(dg->dg_req);
	log_info("folder: download of %s broken after %" PRIu64 " bytes",
	    dg->dg_what, dg->dg_sent);
	hostd_dsfile_get_free(dg);
}

static void
hostd_dsfile_get_free(struct hostd_dsfile_get *dg)
{
	close(dg->dg_fd);
	free(dg->dg_what);
	free(dg);
}

/*
 * PUT: a temporary file next to the target, then the body (streamed
 * when the filter holds it, else the buffered one).
 */
static int
hostd_dsfile_put_start(struct hostd *h, struct evhttp_request *req,
    struct hostd_mo_datastore *ds, const char *rel, const char *user)
{
	struct hostd_dsfile_conn	*dc = hostd_dsfile_conn_find(h, req);
	struct hostd_dsfile_put		*put;
	struct evbuffer			*body;
	struct stat			 st;
	const char			*slash, *reason;
	char				*parent, rnd[8];
	int				 held, status, saved;

	held = dc != NULL && dc->dc_state == HOSTD_DSFILE_HOLD;
	put = xcalloc(1, sizeof *put);
	put->dp_h = h;
	put->dp_fd = put->dp_dirfd = -1;
	put->dp_req = req;
	put->dp_evcon = evhttp_request_get_connection(req);
	xasprintf(&put->dp_what, "[%s] %s (%s)", ds->ds_name, rel, user);
	if ((slash = strrchr(rel, '/')) != NULL) {
		parent = xstrndup(rel, slash - rel);
		put->dp_name = xstrdup(slash + 1);
	} else {
		parent = xstrdup("");
		put->dp_name = xstrdup(rel);
	}
	put->dp_dirfd = hostd_dspath_open(ds, parent, O_RDONLY | O_DIRECTORY,
	    0);
	saved = errno;
	free(parent);
	if (put->dp_dirfd == -1)
		goto fail;
	if (fstatat(put->dp_dirfd, put->dp_name, &st,
	    AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode)) {
			saved = S_ISLNK(st.st_mode) ? ELOOP : EISDIR;
			goto fail;
		}
		put->dp_existed = 1;
	}
	if (RAND_bytes((unsigned char *)rnd, sizeof rnd) != 1)
		fatalx("RAND_bytes failed");
	xasprintf(&put->dp_tmp, "%s%02x%02x%02x%02x%02x%02x%02x%02x",
	    HOSTD_DSFILE_TMP, rnd[0] & 0xff, rnd[1] & 0xff, rnd[2] & 0xff,
	    rnd[3] & 0xff, rnd[4] & 0xff, rnd[5] & 0xff, rnd[6] & 0xff,
	    rnd[7] & 0xff);
	if ((put->dp_fd = openat(put->dp_dirfd, put->dp_tmp, O_WRONLY |
	    O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) == -1) {
		saved = errno;
		free(put->dp_tmp);
		put->dp_tmp = NULL;
		goto fail;
	}

	evhttp_connection_set_closecb(put->dp_evcon, hostd_dsfile_put_closecb,
	    put);
	if (!held) {
		/* evhttp read the body (within http.maxBodySize). */
		body = evhttp_request_get_input_buffer(req);
		while (evbuffer_get_length(body) > 0 && put->dp_error == 0) {
			if (evbuffer_write(body, put->dp_fd) <= 0 &&
			    errno != EINTR)
				put->dp_error = errno != 0 ? errno : EIO;
		}
		hostd_dsfile_put_finish(put);
		return (200);
	}
	put->dp_conn = dc;
	dc->dc_put = put;
	if (dc->dc_expect)
		bufferevent_write(dc->dc_bev, "HTTP/1.1 100 Continue\r\n\r\n",
		    25);
	hostd_dsfile_pump(dc);
	return (200);

fail:
	status = hostd_dsfile_errno_status(saved, &reason);
	log_info("folder: PUT %s: %s", put->dp_what, strerror(saved));
	put->dp_req = NULL;
	hostd_dsfile_put_free(put);
	return (hostd_dsfile_error(req, status, reason, 0));
}

/* The body is in (or the upload failed): rename or discard, and answer. */
static void
hostd_dsfile_put_finish(struct hostd_dsfile_put *put)
{
	struct hostd_dsfile_conn	*dc = put->dp_conn;
	struct evhttp_request		*req = put->dp_req;
	const char			*reason;
	int				 status, e = put->dp_error;

	if (e == 0 && fdatasync(put->dp_fd) != 0)
		e = errno;
	if (close(put->dp_fd) != 0 && e == 0)
		e = errno;
	put->dp_fd = -1;
	if (e == 0 && renameat(put->dp_dirfd, put->dp_tmp, put->dp_dirfd,
	    put->dp_name) != 0)
		e = errno;
	if (e == 0) {
		free(put->dp_tmp);
		put->dp_tmp = NULL;
		status = put->dp_existed ? 200 : 201;
		reason = put->dp_existed ? "OK" : "Created";
		log_info("folder: PUT %s: %" PRIu64 " bytes", put->dp_what,
		    put->dp_bytes);
	} else {
		if (e == EPROTO) {
			status = 400;
			reason = "Bad Request";
		} else
			status = hostd_dsfile_errno_status(e, &reason);
		log_warnx("folder: PUT %s failed: %s", put->dp_what,
		    strerror(e));
	}
	if (dc != NULL) {
		dc->dc_put = NULL;
		put->dp_conn = NULL;
		if (e != EPROTO)
			dc->dc_state = HOSTD_DSFILE_HEAD;
	}
	if (req != NULL) {
		evhttp_connection_set_closecb(put->dp_evcon, NULL, NULL);
		put->dp_req = NULL;
		if (e == 0) {
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Content-Length", "0");
			evhttp_send_reply(req, status, reason, NULL);
		} else {
			/* Bad chunked framing: the stream is lost. */
			hostd_dsfile_error(req, status, reason, e == EPROTO);
		}
	}
	hostd_dsfile_put_free(put);
}

/* The client went away during an upload: nothing is renamed. */
static void
hostd_dsfile_put_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct hostd_dsfile_put	*put = arg;

	(void)evcon;
	if (put->dp_req != NULL &&
	    evhttp_request_get_connection(put->dp_req) == NULL)
		evhttp_request_free(put->dp_req);
	put->dp_req = NULL;
	log_info("folder: PUT %s broken after %" PRIu64 " bytes",
	    put->dp_what, put->dp_bytes);
	if (put->dp_conn != NULL) {
		put->dp_conn->dc_put = NULL;
		put->dp_conn->dc_state = HOSTD_DSFILE_DONE;
		put->dp_conn = NULL;
	}
	hostd_dsfile_put_free(put);
}

static void
hostd_dsfile_put_free(struct hostd_dsfile_put *put)
{
	if (put->dp_fd != -1)
		close(put->dp_fd);
	if (put->dp_tmp != NULL && put->dp_dirfd != -1 &&
	    unlinkat(put->dp_dirfd, put->dp_tmp, 0) != 0 && errno != ENOENT)
		log_warn("folder: unlink %s", put->dp_tmp);
	if (put->dp_dirfd != -1)
		close(put->dp_dirfd);
	free(put->dp_tmp);
	free(put->dp_name);
	free(put->dp_what);
	free(put);
}

/* DELETE: a regular file; never a directory, never a link. */
static int
hostd_dsfile_delete(struct evhttp_request *req,
    struct hostd_mo_datastore *ds, const char *rel, const char *user)
{
	struct stat	 st;
	const char	*slash, *name, *reason;
	char		*parent;
	int		 dfd, status, e = 0;

	if ((slash = strrchr(rel, '/')) != NULL) {
		parent = xstrndup(rel, slash - rel);
		name = slash + 1;
	} else {
		parent = xstrdup("");
		name = rel;
	}
	dfd = hostd_dspath_open(ds, parent, O_RDONLY | O_DIRECTORY, 0);
	free(parent);
	if (dfd == -1)
		e = errno;
	else if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	else if (S_ISLNK(st.st_mode))
		e = ELOOP;
	else if (unlinkat(dfd, name, 0) != 0)
		e = errno;
	if (dfd != -1)
		close(dfd);
	if (e != 0) {
		status = hostd_dsfile_errno_status(e, &reason);
		return (hostd_dsfile_error(req, status, reason, 0));
	}
	log_info("folder: DELETE [%s] %s (%s)", ds->ds_name, rel, user);
	evhttp_send_reply(req, 204, "No Content", NULL);
	return (204);
}
