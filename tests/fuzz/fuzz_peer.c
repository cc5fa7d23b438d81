/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the framing and dispatch checks of lib/peer.c, the code that
 * reads whatever a remote process writes on a private socket.  Each input
 * is used twice:
 *
 *  1. as a byte stream cut into frames by peer_parse_frame and checked by
 *     peer_check_frame against a table, the way the dispatcher does, with
 *     every accepted payload read in full (ASan catches an overread);
 *  2. written into a socketpair whose other end is a real peer on an
 *     event_base, so the read loop, buffer growth, dispatch, the replies
 *     to violations and MSG_EOF delivery all run on it.
 *
 * The properties checked: nothing crashes or leaks, an accepted frame's
 * length is within its row, and every link ends in exactly one MSG_EOF.
 */

#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "peer.h"
#include "proto.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_peer_state {
	struct peer	*peer;
	int		 eof;
	unsigned int	 msgs;
	unsigned int	 sum;	/* keeps the payload reads from being elided */
};

static void	fuzz_peer_on_msg(struct peer *, struct peer_msg *, void *);
static void	fuzz_peer_on_ping(struct peer *, struct peer_msg *, void *);
static void	fuzz_peer_on_eof(struct peer *, struct peer_msg *, void *);
static void	fuzz_peer_buffer(const uint8_t *, size_t);
static void	fuzz_peer_socket(const uint8_t *, size_t);

static const struct peer_handler fuzz_peer_table[] = {
	{ MSG_VERSION, sizeof(struct proto_version),
	    sizeof(struct proto_version), 0, fuzz_peer_on_msg },
	{ MSG_OK, 0, 0, 0, fuzz_peer_on_msg },
	{ MSG_FAIL, sizeof(struct proto_fail) + 1, PROTO_MAX_PAYLOAD,
	    PEER_F_STRING, fuzz_peer_on_msg },
	{ MSG_PING, sizeof(struct proto_ping), sizeof(struct proto_ping), 0,
	    fuzz_peer_on_ping },
	{ MSG_PONG, sizeof(struct proto_ping), sizeof(struct proto_ping), 0,
	    fuzz_peer_on_msg },
	{ MSG_SHUTDOWN, 0, 0, PEER_F_ROOT_ONLY, fuzz_peer_on_msg },
	{ MSG_VMX_STATE_REQ, 0, 0, 0, fuzz_peer_on_msg },
	{ MSG_VMX_STATE_RESP, sizeof(struct proto_vmx_state),
	    sizeof(struct proto_vmx_state), 0, fuzz_peer_on_msg },
	{ MSG_VMX_POWER_REQ, sizeof(struct proto_vmx_power),
	    sizeof(struct proto_vmx_power), PEER_F_FD_OPTIONAL,
	    fuzz_peer_on_msg },
	{ 150, 0, 64, PEER_F_FD_REQUIRED, fuzz_peer_on_msg },
	{ MSG_EOF, 0, 0, 0, fuzz_peer_on_eof },
};

static void
fuzz_peer_on_msg(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct fuzz_peer_state	*st = arg;
	const unsigned char	*p = msg->pm_data;
	size_t			 i;

	st->msgs++;
	for (i = 0; i < msg->pm_len; i++)
		st->sum += p[i];
	if (msg->pm_type == MSG_FAIL &&
	    peer_msg_string(msg, sizeof(struct proto_fail)) == NULL)
		abort();	/* PEER_F_STRING let an unterminated one in */
}

static void
fuzz_peer_on_ping(struct peer *peer, struct peer_msg *msg, void *arg)
{
	fuzz_peer_on_msg(peer, msg, arg);
	/* Exercise the write path and the write-after-drop refusal. */
	(void)peer_send(peer, MSG_PONG, msg->pm_peerid, -1, msg->pm_data,
	    msg->pm_len);
}

static void
fuzz_peer_on_eof(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct fuzz_peer_state	*st = arg;

	if (st->eof++ != 0)
		abort();	/* MSG_EOF must come exactly once */
	if (peer_msg_string(msg, sizeof(struct proto_eof)) == NULL)
		abort();
	peer_free(peer);
	st->peer = NULL;
}

/* The dispatcher's checks, on a plain buffer. */
static void
fuzz_peer_buffer(const uint8_t *data, size_t size)
{
	const struct peer_handler	*row;
	struct proto_hdr		 hdr;
	struct peer_msg			 msg;
	struct fuzz_peer_state		 st;
	const void			*payload;
	size_t				 off = 0;
	char				*cause;
	void				*copy;

	memset(&st, 0, sizeof st);
	while (peer_parse_frame(data + off, size - off, &hdr, &payload) == 1) {
		off += sizeof hdr + hdr.ph_len;
		if (off > size)
			abort();
		/* Pretend the announced descriptor arrived; alternate uid. */
		row = peer_check_frame(fuzz_peer_table,
		    nitems(fuzz_peer_table), &hdr, payload,
		    (hdr.ph_flags & PROTO_F_FD) != 0,
		    (hdr.ph_peerid & 1) ? 1000 : 0, &cause);
		if (row == NULL) {
			if (cause == NULL || *cause == '\0')
				abort();
			free(cause);
			continue;
		}
		if (hdr.ph_len < row->pt_min || hdr.ph_len > row->pt_max)
			abort();
		/* An exact-size copy: reading past ph_len trips ASan. */
		copy = malloc(hdr.ph_len != 0 ? hdr.ph_len : 1);
		if (copy == NULL)
			abort();
		memcpy(copy, payload, hdr.ph_len);
		memset(&msg, 0, sizeof msg);
		msg.pm_type = hdr.ph_type;
		msg.pm_fd = -1;
		msg.pm_data = copy;
		msg.pm_len = hdr.ph_len;
		if (row->pt_type != MSG_EOF)
			fuzz_peer_on_msg(NULL, &msg, &st);
		free(copy);
	}
}

/* The same bytes through a real peer. */
static void
fuzz_peer_socket(const uint8_t *data, size_t size)
{
	static struct event_base	*base;
	struct fuzz_peer_state		 st;
	size_t				 off = 0;
	ssize_t				 n;
	int				 sv[2], i;

	if (base == NULL && (base = event_base_new()) == NULL)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		abort();
	memset(&st, 0, sizeof st);
	st.peer = peer_create(base, sv[1], fuzz_peer_table,
	    nitems(fuzz_peer_table), &st);
	if (st.peer == NULL)
		abort();

	/* Feed it while it runs; then hang up so it must end in MSG_EOF. */
	for (i = 0; i < 100000 && st.eof == 0; i++) {
		if (off < size) {
			n = send(sv[0], data + off, size - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			else if (n == -1 && errno != EAGAIN)
				off = size;	/* peer dropped us: stop */
			if (off == size)
				shutdown(sv[0], SHUT_WR);
		} else if (size == 0 && i == 0)
			shutdown(sv[0], SHUT_WR);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	if (st.eof != 1)
		abort();	/* the link ended without telling the owner */
	close(sv[0]);
	/* The EOF handler freed the peer; let the deferred free run. */
	event_base_loop(base, EVLOOP_NONBLOCK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LEVEL_WARNING);
	fuzz_peer_buffer(data, size);
	fuzz_peer_socket(data, size);
	return (0);
}
