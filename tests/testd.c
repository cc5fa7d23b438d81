/* SPDX-License-Identifier: ISC */
/*
 * testd: the smallest daemon built on lib/daemon.c, for tests only (never
 * installed).  It starts like hostd does, listens on the Unix socket
 * <root>/run/vireo/testd.sock and echoes back whatever a client sends,
 * so an integration test can check the whole skeleton (options, -n, pid
 * file, detaching, signals, clean exit) against a real process.
 *
 * Its configuration file is optional; each line is blank, a # comment,
 * or "log-level <level>".  "testd --probe PATH" connects to the socket
 * PATH and exits 0 if something answers, 1 if not, for shell tests.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "daemon.h"
#include "log.h"
#include "usock.h"
#include "xmalloc.h"

#define TESTD_OPT_PROBE		DAEMON_OPT_FIRST
#define TESTD_BACKLOG		16
/* Stop reading from a client whose echo is not being read back. */
#define TESTD_HIGHWATER		(256 * 1024)

struct testd_conn {
	TAILQ_ENTRY(testd_conn)	 entry;
	struct testd		*t;		/* back pointer */
	struct bufferevent	*bev;		/* owned, closes the fd */
	int			 closing;	/* EOF seen: flush, then free */
};
TAILQ_HEAD(testd_conns, testd_conn);

struct testd {
	struct daemon		*d;
	char			*probe;		/* --probe PATH, or NULL */
	char			*sockpath;	/* owned */
	int			 lfd;		/* listening socket, or -1 */
	struct event		*accept_ev;
	struct event		*backoff_ev;	/* accept paused (EMFILE) */
	struct testd_conns	 conns;
};

static int	 testd_option(struct daemon *, int, const char *, char **);
static int	 testd_config(struct daemon *, char **);
static void	 testd_reload(struct daemon *);
static void	 testd_shutdown(struct daemon *);
static int	 testd_probe(const char *);
static void	 testd_accept_cb(evutil_socket_t, short, void *);
static void	 testd_backoff_cb(evutil_socket_t, short, void *);
static void	 testd_read_cb(struct bufferevent *, void *);
static void	 testd_write_cb(struct bufferevent *, void *);
static void	 testd_event_cb(struct bufferevent *, short, void *);
static void	 testd_conn_free(struct testd_conn *);
static void	 testd_close_all(struct testd *);

static const struct option testd_longopts[] = {
	{ "probe",	required_argument,	NULL,	TESTD_OPT_PROBE },
	{ NULL,		0,			NULL,	0 }
};

static const struct daemon_spec testd_spec = {
	.ds_name = "testd",
	.ds_usage = "[--probe socket]",
	.ds_longopts = testd_longopts,
	.ds_option = testd_option,
	.ds_config = testd_config,
	.ds_reload = testd_reload,
	.ds_shutdown = testd_shutdown,
};

static int
testd_option(struct daemon *d, int ch, const char *arg, char **cause)
{
	struct testd	*t = d->d_arg;

	if (ch == TESTD_OPT_PROBE) {
		free(t->probe);
		t->probe = xstrdup(arg);
		return (0);
	}
	xasprintf(cause, "unexpected option %d", ch);
	return (-1);
}

static int
testd_config(struct daemon *d, char **cause)
{
	enum log_level	 level;
	FILE		*f;
	char		*line = NULL, *p, *word, *value;
	size_t		 size = 0;
	int		 lineno = 0, rc = 0;

	if ((f = fopen(d->d_conf, "re")) == NULL) {
		if (errno == ENOENT)
			return (0);	/* optional */
		xasprintf(cause, "%s: %s", d->d_conf, strerror(errno));
		return (-1);
	}
	while (getline(&line, &size, f) != -1) {
		lineno++;
		p = line + strspn(line, " \t");
		p[strcspn(p, "\r\n")] = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		word = strsep(&p, " \t");
		value = p != NULL ? p + strspn(p, " \t") : NULL;
		if (strcmp(word, "log-level") == 0 && value != NULL &&
		    log_level_parse(value, &level) == 0) {
			log_set_level(level);
			continue;
		}
		if (strcmp(word, "log-level") == 0)
			xasprintf(cause, "%s:%d: bad log-level \"%s\"",
			    d->d_conf, lineno, value != NULL ? value : "");
		else
			xasprintf(cause, "%s:%d: unknown keyword \"%s\"",
			    d->d_conf, lineno, word);
		rc = -1;
		break;
	}
	free(line);
	fclose(f);
	return (rc);
}

static void
testd_reload(struct daemon *d)
{
	char	*cause = NULL;

	if (testd_config(d, &cause) == -1) {
		log_warnx("reload: %s (keeping the old configuration)", cause);
		free(cause);
		return;
	}
	log_info("configuration reloaded");
}

/* TERM/INT: stop accepting, drop the clients, leave the loop. */
static void
testd_shutdown(struct daemon *d)
{
	testd_close_all(d->d_arg);
	event_base_loopexit(d->d_base, NULL);
}

/* Stop accepting and drop every client.  May run twice. */
static void
testd_close_all(struct testd *t)
{
	struct testd_conn	*c;

	if (t->accept_ev != NULL)
		event_del(t->accept_ev);
	if (t->backoff_ev != NULL)
		event_del(t->backoff_ev);
	while ((c = TAILQ_FIRST(&t->conns)) != NULL)
		testd_conn_free(c);
}

static int
testd_probe(const char *path)
{
	char	*cause = NULL;
	int	 fd;

	if ((fd = usock_connect(path, &cause)) == -1) {
		fprintf(stderr, "testd: %s\n", cause);
		free(cause);
		return (1);
	}
	close(fd);
	return (0);
}

static void
testd_accept_cb(evutil_socket_t lfd, short events, void *arg)
{
	struct testd		*t = arg;
	struct testd_conn	*c;
	struct timeval		 tv = { 1, 0 };
	int			 fd;

	for (;;) {
		if ((fd = usock_accept(lfd)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED)
				return;
			log_warn("accept");
			/* Out of descriptors: the socket stays readable, so
			 * pause instead of spinning. */
			if (errno == EMFILE || errno == ENFILE) {
				event_del(t->accept_ev);
				evtimer_add(t->backoff_ev, &tv);
			}
			return;
		}
		c = xcalloc(1, sizeof *c);
		c->t = t;
		c->bev = bufferevent_socket_new(t->d->d_base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL) {
			log_warnx("bufferevent_socket_new failed");
			close(fd);
			free(c);
			continue;
		}
		bufferevent_setcb(c->bev, testd_read_cb, testd_write_cb,
		    testd_event_cb, c);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
		TAILQ_INSERT_TAIL(&t->conns, c, entry);
		log_debug("client %d connected", fd);
	}
}

static void
testd_backoff_cb(evutil_socket_t fd, short events, void *arg)
{
	struct testd	*t = arg;

	event_add(t->accept_ev, NULL);
}

static void
testd_read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*out = bufferevent_get_output(bev);

	evbuffer_add_buffer(out, bufferevent_get_input(bev));
	/* A client that sends without reading must not grow us without
	 * bound: stop reading until its echo has drained. */
	if (evbuffer_get_length(out) > TESTD_HIGHWATER)
		bufferevent_disable(bev, EV_READ);
}

/* Called when the output buffer has drained (low watermark 0). */
static void
testd_write_cb(struct bufferevent *bev, void *arg)
{
	struct testd_conn	*c = arg;

	if (c->closing) {
		testd_conn_free(c);
		return;
	}
	bufferevent_enable(bev, EV_READ);
}

static void
testd_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct testd_conn	*c = arg;

	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		/* The client closed its side: send the rest first. */
		c->closing = 1;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		log_debug("client: %s", strerror(errno));
	testd_conn_free(c);
}

static void
testd_conn_free(struct testd_conn *c)
{
	TAILQ_REMOVE(&c->t->conns, c, entry);
	bufferevent_free(c->bev);
	free(c);
}

int
main(int argc, char **argv)
{
	struct testd	 t;
	char		*msg, *cause = NULL;
	int		 status;

	memset(&t, 0, sizeof t);
	t.lfd = -1;
	TAILQ_INIT(&t.conns);
	t.d = daemon_create(&testd_spec, &t);
	if (daemon_setup(t.d, argc, argv, &status, &msg) == -1) {
		fputs(msg, status == 0 ? stdout : stderr);
		exit(status);
	}
	if (t.probe != NULL)
		exit(testd_probe(t.probe));

	if (daemon_open(t.d, &cause) == -1)
		fatalx("%s", cause);
	t.sockpath = daemon_path_mkdirs(t.d, "run/vireo/testd.sock", &cause);
	if (t.sockpath == NULL)
		fatalx("%s", cause);
	if ((t.lfd = usock_listen(t.sockpath, 0660, TESTD_BACKLOG,
	    &cause)) == -1)
		fatalx("%s", cause);

	switch (daemon_start(t.d, &cause)) {
	case -1:
		fatalx("%s", cause);
	case 1:
		_exit(0);
	}
	t.accept_ev = event_new(t.d->d_base, t.lfd, EV_READ | EV_PERSIST,
	    testd_accept_cb, &t);
	t.backoff_ev = evtimer_new(t.d->d_base, testd_backoff_cb, &t);
	if (t.accept_ev == NULL || t.backoff_ev == NULL ||
	    event_add(t.accept_ev, NULL) == -1)
		fatalx("cannot watch %s", t.sockpath);
	log_info("listening on %s", t.sockpath);

	if (event_base_dispatch(t.d->d_base) == -1)
		fatalx("event_base_dispatch failed");

	testd_close_all(&t);
	event_free(t.accept_ev);
	event_free(t.backoff_ev);
	close(t.lfd);
	if (unlink(t.sockpath) == -1)
		log_warn("unlink %s", t.sockpath);
	free(t.sockpath);
	free(t.probe);
	log_info("exiting");
	daemon_free(t.d);
	return (0);
}
