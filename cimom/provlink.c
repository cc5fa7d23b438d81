/* SPDX-License-Identifier: ISC */
/*
 * The provider host link (provlink.h).  The host reads requests in
 * order, so the head of the queue is the one it is working on: on the
 * host's end the head fails and the rest are sent again to a new host.
 * Nothing here blocks: the socket is a bufferevent, the child is reaped
 * after SIGKILL (it has already closed its end, or is being killed).
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "frame.h"
#include "log.h"
#include "provlink.h"
#include "xmalloc.h"

struct provlink_call {
	TAILQ_ENTRY(provlink_call)	 pc_entry;
	struct provlink			*pc_link;
	uint32_t			 pc_id;
	char				*pc_data;	/* principal\0body */
	size_t				 pc_len;
	int				 pc_sent;
	provlink_cb			 pc_cb;		/* NULL: cancelled */
	void				*pc_arg;
};
TAILQ_HEAD(provlink_calls, provlink_call);

struct provlink {
	struct event_base	*pl_base;
	char			**pl_argv;
	pid_t			 pl_pid;
	struct bufferevent	*pl_bev;
	struct event		*pl_timer;
	struct provlink_calls	 pl_calls;
	uint32_t		 pl_next;
};

static int	provlink_spawn(struct provlink *);
static void	provlink_stop(struct provlink *, const char *);
static void	provlink_send(struct provlink *);
static void	provlink_readcb(struct bufferevent *, void *);
static void	provlink_eventcb(struct bufferevent *, short, void *);
static void	provlink_timeout(evutil_socket_t, short, void *);
static void	provlink_done(struct provlink_call *, int, const char *,
		    size_t);
static void	provlink_arm(struct provlink *);

struct provlink *
provlink_create(struct event_base *base, char *const *argv)
{
	struct provlink	*pl = xcalloc(1, sizeof *pl);
	size_t		 n = 0, i;

	while (argv[n] != NULL)
		n++;
	pl->pl_argv = xcalloc(n + 1, sizeof *pl->pl_argv);
	for (i = 0; i < n; i++)
		pl->pl_argv[i] = xstrdup(argv[i]);
	pl->pl_base = base;
	TAILQ_INIT(&pl->pl_calls);
	pl->pl_timer = evtimer_new(base, provlink_timeout, pl);
	return (pl);
}

void
provlink_free(struct provlink *pl)
{
	struct provlink_call	*c;
	size_t			 i;

	if (pl == NULL)
		return;
	provlink_stop(pl, NULL);
	while ((c = TAILQ_FIRST(&pl->pl_calls)) != NULL) {
		TAILQ_REMOVE(&pl->pl_calls, c, pc_entry);
		free(c->pc_data);
		free(c);
	}
	event_free(pl->pl_timer);
	for (i = 0; pl->pl_argv[i] != NULL; i++)
		free(pl->pl_argv[i]);
	free(pl->pl_argv);
	free(pl);
}

int
provlink_pid(const struct provlink *pl)
{
	return ((int)pl->pl_pid);
}

static int
provlink_spawn(struct provlink *pl)
{
	int	sv[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("socketpair");
		return (-1);
	}
	switch (pid = fork()) {
	case -1:
		log_warn("fork");
		close(sv[0]);
		close(sv[1]);
		return (-1);
	case 0:
		/* dup2 clears close-on-exec on descriptor 3 only. */
		if (sv[1] != 3) {
			if (dup2(sv[1], 3) == -1)
				_exit(127);
		} else if (fcntl(3, F_SETFD, 0) == -1)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execv(pl->pl_argv[0], pl->pl_argv);
		_exit(127);
	}
	close(sv[1]);
	if (evutil_make_socket_nonblocking(sv[0]) == -1 ||
	    (pl->pl_bev = bufferevent_socket_new(pl->pl_base, sv[0],
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(sv[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return (-1);
	}
	pl->pl_pid = pid;
	bufferevent_setcb(pl->pl_bev, provlink_readcb, NULL, provlink_eventcb,
	    pl);
	bufferevent_enable(pl->pl_bev, EV_READ | EV_WRITE);
	log_info("provider host started (pid %ld)", (long)pid);
	return (0);
}

/* End the host (why: log, NULL on shutdown) and reap it. */
static void
provlink_stop(struct provlink *pl, const char *why)
{
	int	status;

	if (pl->pl_bev != NULL) {
		bufferevent_free(pl->pl_bev);
		pl->pl_bev = NULL;
	}
	evtimer_del(pl->pl_timer);
	if (pl->pl_pid == 0)
		return;
	if (why != NULL) {
		kill(pl->pl_pid, SIGKILL);
	} else
		kill(pl->pl_pid, SIGTERM);
	while (waitpid(pl->pl_pid, &status, 0) == -1 && errno == EINTR)
		;
	if (why != NULL) {
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			log_warnx("provider host (pid %ld) died of signal %d "
			    "(%s)", (long)pl->pl_pid, WTERMSIG(status), why);
		else
			log_warnx("provider host (pid %ld) stopped: %s",
			    (long)pl->pl_pid, why);
	}
	pl->pl_pid = 0;
}

/* Write every call not yet sent. */
static void
provlink_send(struct provlink *pl)
{
	struct provlink_call	*c;
	struct frame_hdr	 h;
	struct evbuffer		*out;

	if (TAILQ_EMPTY(&pl->pl_calls))
		return;
	if (pl->pl_bev == NULL && provlink_spawn(pl) == -1) {
		/* No host can run: fail everything now. */
		while ((c = TAILQ_FIRST(&pl->pl_calls)) != NULL)
			provlink_done(c, -1, NULL, 0);
		return;
	}
	out = bufferevent_get_output(pl->pl_bev);
	TAILQ_FOREACH(c, &pl->pl_calls, pc_entry) {
		if (c->pc_sent)
			continue;
		h.fh_len = (uint32_t)c->pc_len;
		h.fh_id = c->pc_id;
		h.fh_code = 0;
		evbuffer_add(out, &h, sizeof h);
		evbuffer_add(out, c->pc_data, c->pc_len);
		c->pc_sent = 1;
	}
	provlink_arm(pl);
}

static void
provlink_arm(struct provlink *pl)
{
	struct timeval	tv = { PROVLINK_TIMEOUT, 0 };

	if (!TAILQ_EMPTY(&pl->pl_calls))
		evtimer_add(pl->pl_timer, &tv);
	else
		evtimer_del(pl->pl_timer);
}

struct provlink_call *
provlink_call(struct provlink *pl, const char *principal, const char *body,
    size_t len, provlink_cb cb, void *arg)
{
	struct provlink_call	*c = xcalloc(1, sizeof *c);
	size_t			 plen = strlen(principal) + 1;

	c->pc_link = pl;
	c->pc_id = ++pl->pl_next;
	c->pc_len = plen + len;
	c->pc_data = xmalloc(c->pc_len);
	memcpy(c->pc_data, principal, plen);
	memcpy(c->pc_data + plen, body, len);
	c->pc_cb = cb;
	c->pc_arg = arg;
	TAILQ_INSERT_TAIL(&pl->pl_calls, c, pc_entry);
	provlink_send(pl);
	return (c);
}

void
provlink_cancel(struct provlink_call *c)
{
	c->pc_cb = NULL;
}

static void
provlink_done(struct provlink_call *c, int code, const char *xml, size_t len)
{
	TAILQ_REMOVE(&c->pc_link->pl_calls, c, pc_entry);
	if (c->pc_cb != NULL)
		c->pc_cb(c->pc_arg, code, xml, len);
	free(c->pc_data);
	free(c);
}

static void
provlink_readcb(struct bufferevent *bev, void *arg)
{
	struct provlink		*pl = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct provlink_call	*c;
	struct frame_hdr	 h;
	unsigned char		*p;
	size_t			 len;
	int			 rc;

	for (;;) {
		len = evbuffer_get_length(in);
		if (len < sizeof h)
			return;
		p = evbuffer_pullup(in, sizeof h);
		rc = frame_parse(p, sizeof h, &h);
		if (rc == -1) {
			provlink_stop(pl, "oversized frame");
			break;
		}
		if (len < sizeof h + h.fh_len)
			return;
		p = evbuffer_pullup(in, (ev_ssize_t)(sizeof h + h.fh_len));
		c = TAILQ_FIRST(&pl->pl_calls);
		if (c == NULL || c->pc_id != h.fh_id) {
			provlink_stop(pl, "answer out of order");
			break;
		}
		provlink_done(c, (int)h.fh_code, (char *)p + sizeof h,
		    h.fh_len);
		evbuffer_drain(in, sizeof h + h.fh_len);
		provlink_arm(pl);
	}
	/* Stopped: the head failed, the rest go to a new host. */
	if ((c = TAILQ_FIRST(&pl->pl_calls)) != NULL)
		provlink_done(c, -1, NULL, 0);
	TAILQ_FOREACH(c, &pl->pl_calls, pc_entry)
		c->pc_sent = 0;
	provlink_send(pl);
}

static void
provlink_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct provlink		*pl = arg;
	struct provlink_call	*c;

	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	provlink_stop(pl, "it closed its socket");
	if ((c = TAILQ_FIRST(&pl->pl_calls)) != NULL && c->pc_sent)
		provlink_done(c, -1, NULL, 0);
	TAILQ_FOREACH(c, &pl->pl_calls, pc_entry)
		c->pc_sent = 0;
	provlink_send(pl);
}

static void
provlink_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct provlink		*pl = arg;
	struct provlink_call	*c;

	provlink_stop(pl, "a request took too long");
	if ((c = TAILQ_FIRST(&pl->pl_calls)) != NULL)
		provlink_done(c, -1, NULL, 0);
	TAILQ_FOREACH(c, &pl->pl_calls, pc_entry)
		c->pc_sent = 0;
	provlink_send(pl);
}
