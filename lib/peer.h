/* SPDX-License-Identifier: ISC */
/*
 * An evented peer: one end of a Unix stream socket speaking the framed
 * protocol of proto.h on a libevent 2 event_base.  Incoming frames are
 * checked against the owner's dispatch table before any handler runs;
 * outgoing frames are queued and written when the socket is writable;
 * descriptors travel with frames over SCM_RIGHTS.  The end of the link,
 * for whatever reason, arrives as a MSG_EOF message through the same table.
 */
#ifndef VIREO_PEER_H
#define VIREO_PEER_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct event_base;
struct peer;

/* One received message, as a handler sees it. */
struct peer_msg {
	uint32_t	 pm_type;	/* enum msg_type */
	uint32_t	 pm_peerid;	/* ph_peerid, echo it in the reply */
	uint32_t	 pm_pid;	/* ph_pid: what the sender claims */
	int		 pm_fd;		/* passed descriptor or -1; the
					   handler takes it by setting -1,
					   else it is closed afterwards */
	const void	*pm_data;	/* payload, aligned for any payload
					   struct; valid during the call */
	size_t		 pm_len;	/* payload bytes, within the row's
					   pt_min..pt_max */
};

/* pt_flags: what the dispatcher requires before the handler runs. */
#define PEER_F_ROOT_ONLY	0x1	/* remote uid (SO_PEERCRED) is 0 */
#define PEER_F_FD_REQUIRED	0x2	/* the frame carries a descriptor */
#define PEER_F_FD_OPTIONAL	0x4	/* it may carry one; without either
					   flag a descriptor is a violation */
#define PEER_F_STRING		0x8	/* the payload ends in a NUL: a string
					   trailer is terminated (needs
					   pt_min >= 1) */

/*
 * One row of a dispatch table.  A frame whose type has no row, whose
 * length is outside pt_min..pt_max or which fails a flag check drops the
 * peer; the handler never sees it.
 *
 * The row for MSG_EOF is how the owner learns that the link is gone: its
 * handler gets the synthetic message (struct proto_eof + reason) exactly
 * once, after which no other handler runs for this peer.  Its lengths and
 * flags are not checked.  A table without a MSG_EOF row gets no notice.
 */
struct peer_handler {
	uint32_t	 pt_type;	/* enum msg_type */
	size_t		 pt_min;	/* payload bytes, inclusive */
	size_t		 pt_max;	/* payload bytes, inclusive */
	int		 pt_flags;	/* PEER_F_* */
	void		(*pt_fn)(struct peer *, struct peer_msg *, void *);
};

/*
 * Wrap the connected Unix stream socket fd in a peer on base.
 *
 * Parameters: fd is taken over on success (made non-blocking, closed by
 * peer_free); table (ntable rows) is borrowed and must outlive the peer;
 * arg is passed to every handler.  The remote's credentials are read now
 * with SO_PEERCRED; if that fails the peer counts as unprivileged.
 *
 * Return values: the peer, reading already; or NULL with errno (from
 * fcntl or libevent), fd left open for the caller.
 */
struct peer	*peer_create(struct event_base *base, int fd,
		     const struct peer_handler *table, size_t ntable,
		     void *arg);

/*
 * Release a peer: its events stop at once (no handler runs after this
 * returns), the socket and any queued or unclaimed descriptors are closed.
 * Called from inside one of this peer's handlers, the free itself is
 * deferred to the next turn of the loop, so the caller's stack stays
 * valid; otherwise it happens at once.  The deferred free needs the loop
 * to run once more before event_base_free.  NULL is ignored.  Call once.
 */
void		 peer_free(struct peer *peer);

/*
 * Queue one frame: header for type and peerid, then len bytes of data
 * (borrowed, copied; may be NULL when len is 0).  If fd is not -1 it is
 * passed to the remote and then closed here: the peer owns it from a
 * successful call on.  Never blocks: the frame is written when the socket
 * is writable.
 *
 * Return values: 0; or -1 with errno, fd still the caller's:
 *	EMSGSIZE	len exceeds PROTO_MAX_PAYLOAD
 *	EINVAL		type is MSG_EOF or 0
 *	EPIPE		the link is gone (MSG_EOF delivered) or being freed
 */
int		 peer_send(struct peer *peer, uint32_t type, uint32_t peerid,
		     int fd, const void *data, size_t len);

/*
 * Queue MSG_FAIL for peerid with error and cause (borrowed, may be NULL
 * for none; cut to fit the frame).  Return values as peer_send.
 */
int		 peer_send_fail(struct peer *peer, uint32_t peerid, int error,
		     const char *cause);

/*
 * Write queued frames, waiting up to timeout_ms milliseconds in total
 * (negative: no limit) for the socket to take them.  For shutdown paths
 * that must get a last message out before the loop stops; it never runs
 * handlers.
 *
 * Return values: 0 when the queue is empty; -1 with errno ETIMEDOUT, EPIPE
 * (link gone) or a write error (the link is then lost and MSG_EOF is
 * delivered the next time the loop runs).
 */
int		 peer_flush(struct peer *peer, int timeout_ms);

/* Accessors.  uid/gid/pid come from SO_PEERCRED at peer_create; uid and
 * gid are (uid_t)-1/(gid_t)-1 and pid 0 if that failed. */
int		 peer_get_fd(const struct peer *peer);
uid_t		 peer_get_uid(const struct peer *peer);
gid_t		 peer_get_gid(const struct peer *peer);
pid_t		 peer_get_pid(const struct peer *peer);
/* Bytes queued and not yet written. */
size_t		 peer_get_queued(const struct peer *peer);
/* 1 once the link is gone (MSG_EOF delivered or about to be). */
int		 peer_is_lost(const struct peer *peer);

/*
 * The NUL-terminated string at byte off of msg's payload (the trailer of
 * MSG_FAIL or MSG_EOF after their struct), or NULL if the payload is too
 * short or the string is not terminated within it.  Borrowed from msg.
 */
const char	*peer_msg_string(const struct peer_msg *msg, size_t off);

/*
 * The framing parser, on a plain byte buffer so that tests and fuzzers
 * drive it without sockets.  Looks at the frame at the start of buf (len
 * bytes); copies its header into *hdr.
 *
 * Return values:
 *	 1	a whole frame: *payload points at its hdr->ph_len payload
 *		bytes inside buf (unaligned), the frame is
 *		sizeof *hdr + hdr->ph_len bytes
 *	 0	need more bytes (the header, if complete, is in *hdr)
 *	-1	errno EMSGSIZE: the header announces more than
 *		PROTO_MAX_PAYLOAD; the stream cannot be resynchronized
 */
int		 peer_parse_frame(const void *buf, size_t len,
		     struct proto_hdr *hdr, const void **payload);

/*
 * The dispatcher's checks for one parsed frame: version, type known to
 * table (and not MSG_EOF), length within the row, flag bits, descriptor
 * presence (has_fd: one was received with the frame), PEER_F_ROOT_ONLY
 * against the remote uid, PEER_F_STRING against payload (hdr->ph_len
 * bytes).
 *
 * Return values: the row to dispatch to; or NULL with errno (EPROTO
 * version mismatch, EBADMSG any other violation, EPERM not root) and
 * *cause set (heap string, the caller frees it).
 */
const struct peer_handler *peer_check_frame(const struct peer_handler *table,
		     size_t ntable, const struct proto_hdr *hdr,
		     const void *payload, int has_fd, uid_t uid,
		     char **cause);

#endif
