/* SPDX-License-Identifier: ISC */
/*
 * The evented peer: framing, dispatch and descriptor passing for the
 * protocol of proto.h over a Unix stream socket on a libevent 2 base.
 *
 * Input is read into one buffer that grows up to PROTO_MAX_FRAME, so a
 * remote can never make us hold more than one maximal frame; every whole
 * frame in it is checked (peer_check_frame) and only then handed to the
 * row's handler.  Any violation drops the link: the remote gets a best-
 * effort MSG_FAIL (or MSG_VERSION on a version mismatch), the socket is
 * shut down and the owner gets MSG_EOF.
 *
 * Output is a queue of whole frames, written with sendmsg when the socket
 * is writable; the write event is armed only while the queue is non-empty.
 * A descriptor is attached to the sendmsg that carries the first byte of
 * its frame, and such a sendmsg carries no earlier frame, so the receiver
 * always has the descriptor by the time it parses the frame's header.
 * Received descriptors wait in a small FIFO until a frame flagged
 * PROTO_F_FD claims one.
 *
 * Re-entrancy: MSG_EOF is always delivered from its own event on the next
 * loop turn, never from inside peer_send/peer_flush or another handler, and
 * peer_free from inside a handler only marks the peer and defers the free.
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "peer.h"
#include "usock.h"
#include "xmalloc.h"

#define PEER_IBUF_INIT	16384	/* input buffer to start with, bytes */
#define PEER_IOV_MAX	32	/* frames gathered into one sendmsg */
#define PEER_FDS_MAX	16	/* received descriptors not yet claimed */
#define PEER_CMSG_FDS	4	/* descriptors accepted per recvmsg */

/* One queued outgoing frame. */
struct peer_out {
	TAILQ_ENTRY(peer_out)	 po_entry;
	unsigned char		*po_buf;	/* header + payload, owned */
	size_t			 po_len;	/* bytes in po_buf */
	size_t			 po_off;	/* bytes already written */
	int			 po_fd;		/* to pass, owned; -1 none or
						   already sent */
};
TAILQ_HEAD(peer_outq, peer_out);

struct peer {
	struct event_base		*pr_base;	/* borrowed */
	int				 pr_fd;		/* owned */
	const struct peer_handler	*pr_table;	/* borrowed */
	size_t				 pr_ntable;
	void				*pr_arg;	/* for handlers */

	uid_t				 pr_uid;	/* SO_PEERCRED */
	gid_t				 pr_gid;
	pid_t				 pr_pid;
	uint32_t			 pr_self;	/* our pid, ph_pid */

	struct event			*pr_ev_read;	/* persistent */
	struct event			*pr_ev_write;	/* while queued */
	struct event			*pr_ev_eof;	/* delivers MSG_EOF */
	struct event			*pr_ev_free;	/* deferred free */

	unsigned char			*pr_ibuf;	/* received bytes */
	size_t				 pr_ilen;	/* valid in pr_ibuf */
	size_t				 pr_isize;	/* allocated */
	int				 pr_fds[PEER_FDS_MAX];
	size_t				 pr_nfds;	/* received, FIFO */
	void				*pr_scratch;	/* aligned payload */
	size_t				 pr_scratchsize;

	struct peer_outq		 pr_outq;
	size_t				 pr_queued;	/* bytes in pr_outq */

	int				 pr_lost;	/* link gone */
	int				 pr_dead;	/* peer_free called */
	unsigned int			 pr_depth;	/* in our callbacks */
	int				 pr_eof_errno;
	char				*pr_eof_reason;	/* owned */
};

static void	peer_read_cb(evutil_socket_t, short, void *);
static void	peer_write_cb(evutil_socket_t, short, void *);
static void	peer_eof_cb(evutil_socket_t, short, void *);
static void	peer_free_cb(evutil_socket_t, short, void *);
static void	peer_read(struct peer *);
static void	peer_dispatch(struct peer *);
static void	peer_dispatch_one(struct peer *, const struct proto_hdr *,
		    const void *);
static void	peer_drop(struct peer *, const struct proto_hdr *, int,
		    const char *);
static void	peer_lose(struct peer *, int, const char *);
static int	peer_write_some(struct peer *);
static void	peer_destroy(struct peer *);
static void	peer_close(int *);
static const struct peer_handler *peer_find(const struct peer_handler *,
		    size_t, uint32_t);

static void
peer_close(int *fd)
{
	int	saved;

	if (*fd != -1) {
		saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

static const struct peer_handler *
peer_find(const struct peer_handler *table, size_t ntable, uint32_t type)
{
	size_t	i;

	/* Tables are a few dozen rows: a scan beats keeping them sorted. */
	for (i = 0; i < ntable; i++) {
		if (table[i].pt_type == type)
			return (&table[i]);
	}
	return (NULL);
}

int
peer_parse_frame(const void *buf, size_t len, struct proto_hdr *hdr,
    const void **payload)
{
	if (len < sizeof *hdr)
		return (0);
	memcpy(hdr, buf, sizeof *hdr);
	/* Refuse before waiting for the bytes: we would never hold them. */
	if (hdr->ph_len > PROTO_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return (-1);
	}
	if (len - sizeof *hdr < hdr->ph_len)
		return (0);
	*payload = (const unsigned char *)buf + sizeof *hdr;
	return (1);
}

const struct peer_handler *
peer_check_frame(const struct peer_handler *table, size_t ntable,
    const struct proto_hdr *hdr, const void *payload, int has_fd, uid_t uid,
    char **cause)
{
	const struct peer_handler	*row;
	uint32_t			 type = hdr->ph_type, len = hdr->ph_len;

	/* Version first: from another version nothing else can be trusted. */
	if (hdr->ph_version != PROTO_VERSION) {
		xasprintf(cause, "protocol version %u, this side speaks %d",
		    hdr->ph_version, PROTO_VERSION);
		errno = EPROTO;
		return (NULL);
	}
	if (hdr->ph_flags & ~(uint32_t)PROTO_F_MASK) {
		xasprintf(cause, "message type %u: unknown flags %#x", type,
		    hdr->ph_flags);
		goto bad;
	}
	if (type == MSG_EOF) {
		xasprintf(cause, "message type %u (MSG_EOF) is never sent",
		    type);
		goto bad;
	}
	if ((row = peer_find(table, ntable, type)) == NULL) {
		xasprintf(cause, "unknown message type %u", type);
		goto bad;
	}
	if (len < row->pt_min) {
		xasprintf(cause, "message type %u too short: %u bytes, at "
		    "least %zu", type, len, row->pt_min);
		goto bad;
	}
	if (len > row->pt_max) {
		xasprintf(cause, "message type %u too long: %u bytes, at "
		    "most %zu", type, len, row->pt_max);
		goto bad;
	}
	if ((hdr->ph_flags & PROTO_F_FD) && !has_fd) {
		xasprintf(cause, "message type %u: descriptor flag set but no "
		    "descriptor arrived", type);
		goto bad;
	}
	if (has_fd &&
	    !(row->pt_flags & (PEER_F_FD_REQUIRED | PEER_F_FD_OPTIONAL))) {
		xasprintf(cause, "message type %u does not take a descriptor",
		    type);
		goto bad;
	}
	if (!has_fd && (row->pt_flags & PEER_F_FD_REQUIRED)) {
		xasprintf(cause, "message type %u needs a descriptor", type);
		goto bad;
	}
	if ((row->pt_flags & PEER_F_ROOT_ONLY) && uid != 0) {
		xasprintf(cause, "message type %u is for root only, not uid "
		    "%ld", type, (long)(int)uid);
		errno = EPERM;
		return (NULL);
	}
	if ((row->pt_flags & PEER_F_STRING) &&
	    (len == 0 || ((const unsigned char *)payload)[len - 1] != '\0')) {
		xasprintf(cause, "message type %u: string not terminated",
		    type);
		goto bad;
	}
	return (row);

bad:
	errno = EBADMSG;
	return (NULL);
}

struct peer *
peer_create(struct event_base *base, int fd, const struct peer_handler *table,
    size_t ntable, void *arg)
{
	struct peer	*peer;
	int		 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return (NULL);

	peer = xcalloc(1, sizeof *peer);
	peer->pr_base = base;
	peer->pr_fd = fd;
	peer->pr_table = table;
	peer->pr_ntable = ntable;
	peer->pr_arg = arg;
	peer->pr_self = (uint32_t)getpid();
	TAILQ_INIT(&peer->pr_outq);

	/* Without credentials the remote counts as nobody in particular. */
	if (usock_peercred(fd, &peer->pr_pid, &peer->pr_uid,
	    &peer->pr_gid) == -1) {
		peer->pr_pid = 0;
		peer->pr_uid = (uid_t)-1;
		peer->pr_gid = (gid_t)-1;
	}

	peer->pr_ev_read = event_new(base, fd, EV_READ | EV_PERSIST,
	    peer_read_cb, peer);
	peer->pr_ev_write = event_new(base, fd, EV_WRITE | EV_PERSIST,
	    peer_write_cb, peer);
	peer->pr_ev_eof = evtimer_new(base, peer_eof_cb, peer);
	peer->pr_ev_free = evtimer_new(base, peer_free_cb, peer);
	if (peer->pr_ev_read == NULL || peer->pr_ev_write == NULL ||
	    peer->pr_ev_eof == NULL || peer->pr_ev_free == NULL ||
	    event_add(peer->pr_ev_read, NULL) == -1) {
		peer->pr_fd = -1;	/* still the caller's */
		peer_destroy(peer);
		errno = ENOMEM;
		return (NULL);
	}
	return (peer);
}

void
peer_free(struct peer *peer)
{
	struct timeval	tv = { 0, 0 };

	if (peer == NULL || peer->pr_dead)
		return;
	peer->pr_dead = 1;
	event_del(peer->pr_ev_read);
	event_del(peer->pr_ev_write);
	event_del(peer->pr_ev_eof);
	if (peer->pr_depth > 0) {
		/* A handler of ours is on the stack: free after it returns. */
		evtimer_add(peer->pr_ev_free, &tv);
		return;
	}
	peer_destroy(peer);
}

static void
peer_free_cb(evutil_socket_t fd, short what, void *arg)
{
	peer_destroy(arg);
}

static void
peer_destroy(struct peer *peer)
{
	struct peer_out	*po;
	size_t		 i;

	if (peer->pr_ev_read != NULL)
		event_free(peer->pr_ev_read);
	if (peer->pr_ev_write != NULL)
		event_free(peer->pr_ev_write);
	if (peer->pr_ev_eof != NULL)
		event_free(peer->pr_ev_eof);
	if (peer->pr_ev_free != NULL)
		event_free(peer->pr_ev_free);
	while ((po = TAILQ_FIRST(&peer->pr_outq)) != NULL) {
		TAILQ_REMOVE(&peer->pr_outq, po, po_entry);
		peer_close(&po->po_fd);
		free(po->po_buf);
		free(po);
	}
	for (i = 0; i < peer->pr_nfds; i++)
		peer_close(&peer->pr_fds[i]);
	peer_close(&peer->pr_fd);
	free(peer->pr_ibuf);
	free(peer->pr_scratch);
	free(peer->pr_eof_reason);
	free(peer);
}

static void
peer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer	*peer = arg;

	peer->pr_depth++;
	peer_read(peer);
	peer->pr_depth--;
}

/* One recvmsg, then dispatch every whole frame received so far. */
static void
peer_read(struct peer *peer)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * PEER_CMSG_FDS)];
	}		 cm;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 fd, error, overflow = 0;
	char		*reason;

	if (peer->pr_ilen == peer->pr_isize) {
		/* Only a partial frame can fill it, and never past the max. */
		peer->pr_isize = peer->pr_isize == 0 ? PEER_IBUF_INIT :
		    peer->pr_isize * 2;
		if (peer->pr_isize > PROTO_MAX_FRAME)
			peer->pr_isize = PROTO_MAX_FRAME;
		peer->pr_ibuf = xrealloc(peer->pr_ibuf, peer->pr_isize);
	}

	memset(&mh, 0, sizeof mh);
	iov.iov_base = peer->pr_ibuf + peer->pr_ilen;
	iov.iov_len = peer->pr_isize - peer->pr_ilen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	n = recvmsg(peer->pr_fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		error = errno;
		xasprintf(&reason, "read: %s", strerror(error));
		peer_lose(peer, error, reason);
		free(reason);
		return;
	}

	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof fd);
			if (peer->pr_nfds < PEER_FDS_MAX)
				peer->pr_fds[peer->pr_nfds++] = fd;
			else {
				close(fd);
				overflow = 1;
			}
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		peer_lose(peer, EBADMSG, "too many descriptors in one message");
		return;
	}
	if (overflow) {
		peer_lose(peer, EBADMSG, "too many unclaimed descriptors");
		return;
	}
	if (n == 0) {
		if (peer->pr_ilen != 0)
			peer_lose(peer, EPIPE,
			    "connection closed in the middle of a frame");
		else
			peer_lose(peer, 0, "connection closed by the remote");
		return;
	}
	peer->pr_ilen += (size_t)n;
	peer_dispatch(peer);
}

static void
peer_dispatch(struct peer *peer)
{
	struct proto_hdr	 hdr;
	const void		*payload;
	size_t			 off = 0;
	int			 rc;
	char			*reason;

	while (!peer->pr_lost && !peer->pr_dead) {
		rc = peer_parse_frame(peer->pr_ibuf + off, peer->pr_ilen - off,
		    &hdr, &payload);
		if (rc == 0)
			break;
		if (rc == -1) {
			/* Another version may frame differently: say so. */
			if (hdr.ph_version != PROTO_VERSION) {
				xasprintf(&reason, "protocol version %u, this "
				    "side speaks %d", hdr.ph_version,
				    PROTO_VERSION);
				peer_drop(peer, &hdr, EPROTO, reason);
			} else {
				xasprintf(&reason, "message type %u: %u bytes "
				    "exceeds the %zu-byte limit", hdr.ph_type,
				    hdr.ph_len, PROTO_MAX_PAYLOAD);
				peer_drop(peer, &hdr, EMSGSIZE, reason);
			}
			free(reason);
			break;
		}
		off += sizeof hdr + hdr.ph_len;
		peer_dispatch_one(peer, &hdr, payload);
	}
	if (peer->pr_lost || peer->pr_dead)
		return;

	peer->pr_ilen -= off;
	if (peer->pr_ilen != 0 && off != 0)
		memmove(peer->pr_ibuf, peer->pr_ibuf + off, peer->pr_ilen);
	else if (peer->pr_ilen == 0 && peer->pr_isize > PEER_IBUF_INIT) {
		/* A big frame is done: give the memory back. */
		free(peer->pr_ibuf);
		peer->pr_ibuf = NULL;
		peer->pr_isize = 0;
	}
}

static void
peer_dispatch_one(struct peer *peer, const struct proto_hdr *hdr,
    const void *payload)
{
	const struct peer_handler	*row;
	struct peer_msg			 msg;
	int				 fd = -1, error;
	char				*cause;

	/* The descriptor left with the frame's first byte, so it is here. */
	if ((hdr->ph_flags & PROTO_F_FD) && peer->pr_nfds > 0) {
		fd = peer->pr_fds[0];
		peer->pr_nfds--;
		memmove(&peer->pr_fds[0], &peer->pr_fds[1],
		    peer->pr_nfds * sizeof peer->pr_fds[0]);
	}

	row = peer_check_frame(peer->pr_table, peer->pr_ntable, hdr, payload,
	    fd != -1, peer->pr_uid, &cause);
	if (row == NULL) {
		error = errno;
		peer_close(&fd);
		peer_drop(peer, hdr, error, cause);
		free(cause);
		return;
	}

	/*
	 * Frames follow each other at any byte offset; handlers cast
	 * pm_data to payload structs, so give them an aligned copy.
	 */
	if (hdr->ph_len > 0 && ((uintptr_t)payload % sizeof(uint64_t)) != 0) {
		if (peer->pr_scratchsize < hdr->ph_len) {
			free(peer->pr_scratch);
			peer->pr_scratch = xmalloc(hdr->ph_len);
			peer->pr_scratchsize = hdr->ph_len;
		}
		memcpy(peer->pr_scratch, payload, hdr->ph_len);
		payload = peer->pr_scratch;
	}

	memset(&msg, 0, sizeof msg);
	msg.pm_type = hdr->ph_type;
	msg.pm_peerid = hdr->ph_peerid;
	msg.pm_pid = hdr->ph_pid;
	msg.pm_fd = fd;
	msg.pm_data = payload;
	msg.pm_len = hdr->ph_len;
	row->pt_fn(peer, &msg, peer->pr_arg);
	peer_close(&msg.pm_fd);
}

/*
 * The remote broke the protocol: tell it why (best effort: it may not be
 * reading), then drop the link.
 */
static void
peer_drop(struct peer *peer, const struct proto_hdr *hdr, int error,
    const char *cause)
{
	struct proto_version	pv;

	if (error == EPROTO) {
		memset(&pv, 0, sizeof pv);
		pv.pv_version = PROTO_VERSION;
		peer_send(peer, MSG_VERSION, hdr->ph_peerid, -1, &pv,
		    sizeof pv);
	} else
		peer_send_fail(peer, hdr->ph_peerid, error, cause);
	peer_lose(peer, error, cause);
}

/*
 * The link is gone: stop reading and writing, push out what is queued if
 * the socket takes it now, shut the socket down so the remote sees EOF
 * even before the owner frees us, and schedule MSG_EOF.
 */
static void
peer_lose(struct peer *peer, int error, const char *reason)
{
	struct timeval	tv = { 0, 0 };

	if (peer->pr_lost || peer->pr_dead)
		return;
	peer->pr_lost = 1;
	event_del(peer->pr_ev_read);
	event_del(peer->pr_ev_write);
	(void)peer_write_some(peer);
	shutdown(peer->pr_fd, SHUT_RDWR);

	log_debug("peer fd %d (pid %ld): %s", peer->pr_fd,
	    (long)peer->pr_pid, reason);
	peer->pr_eof_errno = error;
	peer->pr_eof_reason = xstrdup(reason);
	evtimer_add(peer->pr_ev_eof, &tv);
}

static void
peer_eof_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer			*peer = arg;
	const struct peer_handler	*row;
	struct peer_msg			 msg;
	struct proto_eof		*pe;
	size_t				 len;

	row = peer_find(peer->pr_table, peer->pr_ntable, MSG_EOF);
	if (row == NULL || peer->pr_dead)
		return;

	len = sizeof *pe + strlen(peer->pr_eof_reason) + 1;
	pe = xcalloc(1, len);
	pe->pe_errno = (uint32_t)peer->pr_eof_errno;
	memcpy(pe + 1, peer->pr_eof_reason, len - sizeof *pe);

	memset(&msg, 0, sizeof msg);
	msg.pm_type = MSG_EOF;
	msg.pm_pid = (uint32_t)peer->pr_pid;
	msg.pm_fd = -1;
	msg.pm_data = pe;
	msg.pm_len = len;
	peer->pr_depth++;
	row->pt_fn(peer, &msg, peer->pr_arg);
	peer->pr_depth--;
	peer_close(&msg.pm_fd);
	free(pe);
}

int
peer_send(struct peer *peer, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	struct peer_out		*po;
	struct proto_hdr	 hdr;

	if (peer->pr_dead || peer->pr_lost) {
		errno = EPIPE;
		return (-1);
	}
	if (type == 0 || type == MSG_EOF) {
		errno = EINVAL;
		return (-1);
	}
	if (len > PROTO_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return (-1);
	}

	memset(&hdr, 0, sizeof hdr);
	hdr.ph_type = type;
	hdr.ph_len = (uint32_t)len;
	hdr.ph_peerid = peerid;
	hdr.ph_pid = peer->pr_self;
	hdr.ph_version = PROTO_VERSION;
	hdr.ph_flags = fd != -1 ? PROTO_F_FD : 0;

	po = xcalloc(1, sizeof *po);
	po->po_len = sizeof hdr + len;
	po->po_buf = xmalloc(po->po_len);
	memcpy(po->po_buf, &hdr, sizeof hdr);
	if (len != 0)
		memcpy(po->po_buf + sizeof hdr, data, len);
	po->po_fd = fd;
	TAILQ_INSERT_TAIL(&peer->pr_outq, po, po_entry);
	peer->pr_queued += po->po_len;

	event_add(peer->pr_ev_write, NULL);
	return (0);
}

int
peer_send_fail(struct peer *peer, uint32_t peerid, int error,
    const char *cause)
{
	struct proto_fail	*pf;
	size_t			 clen, len;
	int			 rc, saved;

	if (cause == NULL)
		cause = "";
	clen = strlen(cause);
	if (clen > PROTO_MAX_PAYLOAD - sizeof *pf - 1)
		clen = PROTO_MAX_PAYLOAD - sizeof *pf - 1;
	len = sizeof *pf + clen + 1;
	pf = xcalloc(1, len);
	pf->pf_errno = (uint32_t)error;
	memcpy(pf + 1, cause, clen);
	rc = peer_send(peer, MSG_FAIL, peerid, -1, pf, len);
	saved = errno;
	free(pf);
	errno = saved;
	return (rc);
}

static void
peer_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer	*peer = arg;
	char		*reason;
	int		 error;

	peer->pr_depth++;
	if (peer_write_some(peer) == -1) {
		error = errno;
		xasprintf(&reason, "write: %s", strerror(error));
		peer_lose(peer, error, reason);
		free(reason);
	}
	peer->pr_depth--;
}

/*
 * Write until the queue is empty or the socket is full.  Returns 0 (the
 * write event armed iff something is left) or -1 with errno.
 */
static int
peer_write_some(struct peer *peer)
{
	struct peer_out	*po, *first, *next;
	struct iovec	 iov[PEER_IOV_MAX];
	struct msghdr	 mh;
	struct cmsghdr	*cmsg;
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	ssize_t		 n;
	size_t		 left;
	int		 niov;

	while ((first = TAILQ_FIRST(&peer->pr_outq)) != NULL) {
		memset(&mh, 0, sizeof mh);
		niov = 0;
		TAILQ_FOREACH(po, &peer->pr_outq, po_entry) {
			/* A descriptor rides with its frame's first byte. */
			if (niov == PEER_IOV_MAX ||
			    (po != first && po->po_fd != -1))
				break;
			iov[niov].iov_base = po->po_buf + po->po_off;
			iov[niov].iov_len = po->po_len - po->po_off;
			niov++;
		}
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)niov;
		if (first->po_fd != -1) {
			memset(&cm, 0, sizeof cm);
			mh.msg_control = cm.buf;
			mh.msg_controllen = sizeof cm.buf;
			cmsg = CMSG_FIRSTHDR(&mh);
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cmsg), &first->po_fd, sizeof(int));
		}
		n = sendmsg(peer->pr_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (!peer->pr_lost && !peer->pr_dead)
					event_add(peer->pr_ev_write, NULL);
				return (0);
			}
			return (-1);
		}
		/* The remote holds its own reference now. */
		peer_close(&first->po_fd);

		peer->pr_queued -= (size_t)n;
		for (po = first; po != NULL && n > 0; po = next) {
			next = TAILQ_NEXT(po, po_entry);
			left = po->po_len - po->po_off;
			if ((size_t)n < left) {
				po->po_off += (size_t)n;
				break;
			}
			n -= (ssize_t)left;
			TAILQ_REMOVE(&peer->pr_outq, po, po_entry);
			free(po->po_buf);
			free(po);
		}
	}
	event_del(peer->pr_ev_write);
	return (0);
}

int
peer_flush(struct peer *peer, int timeout_ms)
{
	struct pollfd	 pfd;
	struct timespec	 start, now;
	long		 elapsed;
	int		 wait, rc;
	char		*reason;

	if (TAILQ_EMPTY(&peer->pr_outq))
		return (0);
	if (peer->pr_dead || peer->pr_lost) {
		errno = EPIPE;
		return (-1);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (peer_write_some(peer) == -1) {
			rc = errno;
			xasprintf(&reason, "write: %s", strerror(rc));
			peer_lose(peer, rc, reason);
			free(reason);
			errno = rc;
			return (-1);
		}
		if (TAILQ_EMPTY(&peer->pr_outq))
			return (0);

		wait = -1;
		if (timeout_ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			elapsed = (now.tv_sec - start.tv_sec) * 1000 +
			    (now.tv_nsec - start.tv_nsec) / 1000000;
			if (elapsed >= timeout_ms) {
				errno = ETIMEDOUT;
				return (-1);
			}
			wait = timeout_ms - (int)elapsed;
		}
		pfd.fd = peer->pr_fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, wait) == -1 && errno != EINTR)
			return (-1);
	}
}

int
peer_get_fd(const struct peer *peer)
{
	return (peer->pr_fd);
}

uid_t
peer_get_uid(const struct peer *peer)
{
	return (peer->pr_uid);
}

gid_t
peer_get_gid(const struct peer *peer)
{
	return (peer->pr_gid);
}

pid_t
peer_get_pid(const struct peer *peer)
{
	return (peer->pr_pid);
}

size_t
peer_get_queued(const struct peer *peer)
{
	return (peer->pr_queued);
}

int
peer_is_lost(const struct peer *peer)
{
	return (peer->pr_lost);
}

const char *
peer_msg_string(const struct peer_msg *msg, size_t off)
{
	const char	*s;

	if (msg->pm_data == NULL || off >= msg->pm_len)
		return (NULL);
	s = (const char *)msg->pm_data + off;
	if (memchr(s, '\0', msg->pm_len - off) == NULL)
		return (NULL);
	return (s);
}
