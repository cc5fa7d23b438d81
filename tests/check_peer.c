/* SPDX-License-Identifier: ISC */
/*
 * Tests for lib/peer.c.  Two peers on the two ends of a socketpair share
 * one event_base, which runs until a predicate holds (or five seconds pass,
 * which fails the test).  Protocol violations are written by hand on a raw
 * socket end, so they reach the receiving peer exactly as a broken or
 * hostile process would send them, and the raw end then reads what the
 * peer answered before hanging up.
 */

#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>

#include "peer.h"
#include "proto.h"
#include "usock.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Test-only message types, in the hostd <-> vmx range's unused tail. */
#define CHECK_PEER_BULK	190	/* any payload; bytes are (peerid + i) */
#define CHECK_PEER_FD		191	/* must carry a descriptor */
#define CHECK_PEER_ROOT	192	/* root only */
#define CHECK_PEER_FDOPT	193	/* may carry a descriptor */

/* What one side saw. */
struct check_peer_side {
	struct peer	*peer;
	unsigned int	 nmsg;		/* handled messages, MSG_EOF aside */
	uint32_t	 type;		/* of the last one */
	uint32_t	 peerid;
	uint32_t	 pid;
	size_t		 len;
	unsigned char	 data[64];	/* its first bytes */
	int		 misaligned;	/* a payload was not 8-aligned */

	unsigned int	 bulk_ok;	/* CHECK_PEER_BULK, in order, intact */
	unsigned int	 bulk_bad;
	uint32_t	 bulk_next;

	int		 take_fd;	/* CHECK_PEER_FD: write "hello" */
	int		 got_fd;
	int		 fd_cloexec;

	int		 eof;		/* MSG_EOF deliveries */
	uint32_t	 eof_errno;
	char		 eof_reason[512];
	int		 free_on_eof;
};

static struct event_base	*check_peer_base;
static struct check_peer_side	 check_peer_a, check_peer_b;
static int			 check_peer_sv[2];
static int			 check_peer_raw = -1;	/* "errors" raw end */

static void	 check_peer_record(struct check_peer_side *, struct peer_msg *);
static void	 check_peer_on_msg(struct peer *, struct peer_msg *, void *);
static void	 check_peer_on_ping(struct peer *, struct peer_msg *, void *);
static void	 check_peer_on_bulk(struct peer *, struct peer_msg *, void *);
static void	 check_peer_on_fd(struct peer *, struct peer_msg *, void *);
static void	 check_peer_on_shutdown(struct peer *, struct peer_msg *,
		     void *);
static void	 check_peer_on_eof(struct peer *, struct peer_msg *, void *);
static void	 check_peer_tick_cb(evutil_socket_t, short, void *);
static int	 check_peer_run(int (*)(void));
static int	 check_peer_pred_eof_b(void);
static int	 check_peer_pred_eof_a(void);
static int	 check_peer_pred_pong(void);
static int	 check_peer_pred_state(void);
static int	 check_peer_pred_bulk(void);
static int	 check_peer_pred_fd(void);
static void	 check_peer_setup(void);
static void	 check_peer_setup_raw(void);
static void	 check_peer_teardown(void);
static void	 check_peer_raw_send(int, uint32_t, uint32_t, uint32_t,
		     uint32_t, const void *, size_t);
static int	 check_peer_raw_send_fd(int, uint32_t, uint32_t, int,
		     const void *, size_t);
static int	 check_peer_raw_read(int, struct proto_hdr *, void *, size_t);
static void	 check_peer_expect_drop(int, int, const char *);
static Suite	*check_peer_suite(void);

static const struct peer_handler check_peer_table[] = {
	{ MSG_VERSION, sizeof(struct proto_version),
	    sizeof(struct proto_version), 0, check_peer_on_msg },
	{ MSG_OK, 0, 0, 0, check_peer_on_msg },
	{ MSG_FAIL, sizeof(struct proto_fail) + 1, PROTO_MAX_PAYLOAD,
	    PEER_F_STRING, check_peer_on_msg },
	{ MSG_PING, sizeof(struct proto_ping), sizeof(struct proto_ping), 0,
	    check_peer_on_ping },
	{ MSG_PONG, sizeof(struct proto_ping), sizeof(struct proto_ping), 0,
	    check_peer_on_msg },
	{ MSG_SHUTDOWN, 0, 0, 0, check_peer_on_shutdown },
	{ MSG_VMX_STATE_RESP, sizeof(struct proto_vmx_state),
	    sizeof(struct proto_vmx_state), 0, check_peer_on_msg },
	{ CHECK_PEER_BULK, 0, PROTO_MAX_PAYLOAD, 0, check_peer_on_bulk },
	{ CHECK_PEER_FD, 0, 16, PEER_F_FD_REQUIRED, check_peer_on_fd },
	{ CHECK_PEER_FDOPT, 0, 16, PEER_F_FD_OPTIONAL, check_peer_on_fd },
	{ CHECK_PEER_ROOT, 0, 0, PEER_F_ROOT_ONLY, check_peer_on_msg },
	{ MSG_EOF, 0, 0, 0, check_peer_on_eof },
};

static void
check_peer_record(struct check_peer_side *side, struct peer_msg *msg)
{
	side->nmsg++;
	side->type = msg->pm_type;
	side->peerid = msg->pm_peerid;
	side->pid = msg->pm_pid;
	side->len = msg->pm_len;
	memset(side->data, 0, sizeof side->data);
	memcpy(side->data, msg->pm_data, msg->pm_len < sizeof side->data ?
	    msg->pm_len : sizeof side->data);
	if ((uintptr_t)msg->pm_data % 8 != 0)
		side->misaligned = 1;
}

static void
check_peer_on_msg(struct peer *peer, struct peer_msg *msg, void *arg)
{
	check_peer_record(arg, msg);
}

static void
check_peer_on_ping(struct peer *peer, struct peer_msg *msg, void *arg)
{
	const struct proto_ping	*pp = msg->pm_data;
	struct proto_ping	 pong;

	check_peer_record(arg, msg);
	pong.pp_cookie = pp->pp_cookie;
	ck_assert_int_eq(peer_send(peer, MSG_PONG, msg->pm_peerid, -1, &pong,
	    sizeof pong), 0);
}

static void
check_peer_on_bulk(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct check_peer_side	*side = arg;
	const unsigned char	*p = msg->pm_data;
	size_t			 i;

	check_peer_record(side, msg);
	if (msg->pm_peerid != side->bulk_next++) {
		side->bulk_bad++;
		return;
	}
	for (i = 0; i < msg->pm_len; i++) {
		if (p[i] != (unsigned char)(msg->pm_peerid + i)) {
			side->bulk_bad++;
			return;
		}
	}
	side->bulk_ok++;
}

static void
check_peer_on_fd(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct check_peer_side	*side = arg;
	int			 flags;

	check_peer_record(side, msg);
	if (msg->pm_fd == -1)
		return;
	side->got_fd++;
	flags = fcntl(msg->pm_fd, F_GETFD);
	side->fd_cloexec = flags != -1 && (flags & FD_CLOEXEC);
	if (side->take_fd) {
		ck_assert_int_eq(write(msg->pm_fd, "hello", 5), 5);
		close(msg->pm_fd);
		msg->pm_fd = -1;
	}
}

static void
check_peer_on_shutdown(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct check_peer_side	*side = arg;

	check_peer_record(side, msg);
	/* From inside the handler: must be safe and final. */
	peer_free(peer);
	side->peer = NULL;
}

static void
check_peer_on_eof(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct check_peer_side	*side = arg;
	const struct proto_eof	*pe = msg->pm_data;
	const char		*reason;

	ck_assert_int_eq(msg->pm_type, MSG_EOF);
	ck_assert_uint_ge(msg->pm_len, sizeof *pe + 1);
	side->eof++;
	side->eof_errno = pe->pe_errno;
	reason = peer_msg_string(msg, sizeof *pe);
	ck_assert_ptr_nonnull(reason);
	snprintf(side->eof_reason, sizeof side->eof_reason, "%s", reason);
	if (side->free_on_eof) {
		peer_free(peer);
		side->peer = NULL;
	}
}

static void
check_peer_tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* Run the loop until pred() holds; a tick keeps EVLOOP_ONCE from hanging. */
static int
check_peer_run(int (*pred)(void))
{
	struct event	*tick;
	struct timeval	 tv = { 0, 10000 };
	time_t		 deadline;

	tick = event_new(check_peer_base, -1, EV_PERSIST, check_peer_tick_cb,
	    NULL);
	ck_assert_ptr_nonnull(tick);
	event_add(tick, &tv);
	deadline = time(NULL) + 5;
	while (!pred() && time(NULL) < deadline)
		event_base_loop(check_peer_base, EVLOOP_ONCE);
	event_free(tick);
	return (pred());
}

static int
check_peer_pred_eof_b(void)
{
	return (check_peer_b.eof > 0);
}

static int
check_peer_pred_eof_a(void)
{
	return (check_peer_a.eof > 0);
}

/* Two peers, A on check_peer_sv[0] and B on check_peer_sv[1]. */
static void
check_peer_setup(void)
{
	memset(&check_peer_a, 0, sizeof check_peer_a);
	memset(&check_peer_b, 0, sizeof check_peer_b);
	ck_assert_ptr_nonnull(check_peer_base = event_base_new());
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    check_peer_sv), 0);
	check_peer_a.peer = peer_create(check_peer_base, check_peer_sv[0],
	    check_peer_table, nitems(check_peer_table), &check_peer_a);
	check_peer_b.peer = peer_create(check_peer_base, check_peer_sv[1],
	    check_peer_table, nitems(check_peer_table), &check_peer_b);
	ck_assert_ptr_nonnull(check_peer_a.peer);
	ck_assert_ptr_nonnull(check_peer_b.peer);
	check_peer_a.free_on_eof = check_peer_b.free_on_eof = 1;
}

/* Only B is a peer; check_peer_sv[0] stays a raw, blocking socket. */
static void
check_peer_setup_raw(void)
{
	memset(&check_peer_a, 0, sizeof check_peer_a);
	memset(&check_peer_b, 0, sizeof check_peer_b);
	ck_assert_ptr_nonnull(check_peer_base = event_base_new());
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    check_peer_sv), 0);
	check_peer_b.peer = peer_create(check_peer_base, check_peer_sv[1],
	    check_peer_table, nitems(check_peer_table), &check_peer_b);
	ck_assert_ptr_nonnull(check_peer_b.peer);
	check_peer_b.free_on_eof = 1;
	check_peer_raw = check_peer_sv[0];
}

static void
check_peer_teardown(void)
{
	int	i;

	peer_free(check_peer_a.peer);
	peer_free(check_peer_b.peer);
	check_peer_a.peer = check_peer_b.peer = NULL;
	if (check_peer_raw != -1)
		close(check_peer_raw);
	check_peer_raw = -1;
	/* Let deferred frees run, so LeakSanitizer sees nothing left. */
	for (i = 0; i < 3; i++)
		event_base_loop(check_peer_base, EVLOOP_NONBLOCK);
	event_base_free(check_peer_base);
	check_peer_base = NULL;
}

static void
check_peer_raw_send(int fd, uint32_t type, uint32_t len, uint32_t version,
    uint32_t flags, const void *data, size_t datalen)
{
	struct proto_hdr	hdr;

	memset(&hdr, 0, sizeof hdr);
	hdr.ph_type = type;
	hdr.ph_len = len;
	hdr.ph_peerid = 42;
	hdr.ph_pid = (uint32_t)getpid();
	hdr.ph_version = version;
	hdr.ph_flags = flags;
	ck_assert_int_eq(write(fd, &hdr, sizeof hdr), (ssize_t)sizeof hdr);
	if (datalen != 0)
		ck_assert_int_eq(write(fd, data, datalen), (ssize_t)datalen);
}

/* A whole frame of type with fd attached to its first byte. */
static int
check_peer_raw_send_fd(int fd, uint32_t type, uint32_t flags, int pass,
    const void *data, size_t len)
{
	struct proto_hdr	 hdr;
	struct iovec		 iov[2];
	struct msghdr		 mh;
	struct cmsghdr		*cmsg;
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int))];
	}			 cm;

	memset(&hdr, 0, sizeof hdr);
	hdr.ph_type = type;
	hdr.ph_len = (uint32_t)len;
	hdr.ph_version = PROTO_VERSION;
	hdr.ph_flags = flags;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof hdr;
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof mh);
	memset(&cm, 0, sizeof cm);
	mh.msg_iov = iov;
	mh.msg_iovlen = len != 0 ? 2 : 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	cmsg = CMSG_FIRSTHDR(&mh);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &pass, sizeof pass);
	return (sendmsg(fd, &mh, 0) == -1 ? -1 : 0);
}

/* Read one frame: 1, or 0 at EOF.  Fails the test after 5 s. */
static int
check_peer_raw_read(int fd, struct proto_hdr *hdr, void *buf, size_t size)
{
	struct pollfd	 pfd;
	unsigned char	*p = (unsigned char *)hdr;
	size_t		 got = 0, want = sizeof *hdr;
	ssize_t		 n;
	int		 in_payload = 0;

	for (;;) {
		if (got == want) {
			if (in_payload)
				return (1);
			ck_assert_uint_le(hdr->ph_len, size);
			if (hdr->ph_len == 0)
				return (1);
			in_payload = 1;
			p = buf;
			got = 0;
			want = hdr->ph_len;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
		n = read(fd, p + got, want - got);
		ck_assert_int_ge(n, 0);
		if (n == 0) {
			ck_assert_msg(got == 0 && !in_payload,
			    "EOF inside a frame");
			return (0);
		}
		got += (size_t)n;
	}
}

/*
 * B must have dropped the link with error and a reason containing what,
 * without running a handler, and told the raw end why.
 */
static void
check_peer_expect_drop(int error, int reply_type, const char *what)
{
	struct proto_hdr	 hdr;
	unsigned char		 buf[4096];
	const struct proto_fail	*pf = (const struct proto_fail *)buf;
	const struct proto_version *pv = (const struct proto_version *)buf;

	ck_assert_msg(check_peer_run(check_peer_pred_eof_b), "no MSG_EOF");
	ck_assert_int_eq(check_peer_b.eof, 1);
	ck_assert_uint_eq(check_peer_b.nmsg, 0);
	ck_assert_int_eq(check_peer_b.eof_errno, error);
	ck_assert_msg(strstr(check_peer_b.eof_reason, what) != NULL,
	    "reason \"%s\" lacks \"%s\"", check_peer_b.eof_reason, what);

	ck_assert_int_eq(check_peer_raw_read(check_peer_raw, &hdr, buf,
	    sizeof buf), 1);
	ck_assert_uint_eq(hdr.ph_type, (uint32_t)reply_type);
	ck_assert_uint_eq(hdr.ph_version, PROTO_VERSION);
	ck_assert_uint_eq(hdr.ph_peerid, 42);
	if (reply_type == MSG_FAIL) {
		ck_assert_uint_gt(hdr.ph_len, sizeof *pf);
		ck_assert_uint_eq(pf->pf_errno, (uint32_t)error);
		ck_assert_int_eq(buf[hdr.ph_len - 1], '\0');
		ck_assert_ptr_nonnull(strstr((char *)(pf + 1), what));
	} else {
		ck_assert_uint_eq(hdr.ph_len, sizeof *pv);
		ck_assert_uint_eq(pv->pv_version, PROTO_VERSION);
	}
	/* And then hung up. */
	ck_assert_int_eq(check_peer_raw_read(check_peer_raw, &hdr, buf,
	    sizeof buf), 0);
}

static int
check_peer_pred_pong(void)
{
	return (check_peer_a.nmsg >= 1);
}

static int
check_peer_pred_state(void)
{
	return (check_peer_a.nmsg >= 2);
}

START_TEST(check_peer_both_ways)
{
	struct proto_ping	 ping = { 0x1122334455667788ULL };
	struct proto_vmx_state	 st, got;

	ck_assert_int_eq(peer_send(check_peer_a.peer, MSG_PING, 7, -1, &ping,
	    sizeof ping), 0);
	/* Queued, not written: peer_send never blocks or writes. */
	ck_assert_uint_eq(peer_get_queued(check_peer_a.peer),
	    sizeof(struct proto_hdr) + sizeof ping);
	ck_assert(check_peer_run(check_peer_pred_pong));

	/* B saw the ping, and A the pong echoing cookie and peerid. */
	ck_assert_uint_eq(check_peer_b.nmsg, 1);
	ck_assert_uint_eq(check_peer_b.type, MSG_PING);
	ck_assert_uint_eq(check_peer_b.peerid, 7);
	ck_assert_uint_eq(check_peer_b.pid, (uint32_t)getpid());
	ck_assert_uint_eq(check_peer_a.nmsg, 1);
	ck_assert_uint_eq(check_peer_a.type, MSG_PONG);
	ck_assert_uint_eq(check_peer_a.peerid, 7);
	ck_assert_uint_eq(check_peer_a.len, sizeof ping);
	ck_assert_mem_eq(check_peer_a.data, &ping, sizeof ping);

	/* A payload struct from B to A. */
	memset(&st, 0, sizeof st);
	st.vs_power = PROTO_VMX_POWERED_ON;
	st.vs_ncpus = 4;
	st.vs_memsize = 2048;
	st.vs_boottime = 1700000000;
	ck_assert_int_eq(peer_send(check_peer_b.peer, MSG_VMX_STATE_RESP, 9, -1,
	    &st, sizeof st), 0);
	ck_assert(check_peer_run(check_peer_pred_state));
	ck_assert_uint_eq(check_peer_a.type, MSG_VMX_STATE_RESP);
	ck_assert_uint_eq(check_peer_a.peerid, 9);
	ck_assert_uint_eq(check_peer_a.len, sizeof st);
	memcpy(&got, check_peer_a.data, sizeof got);
	ck_assert_uint_eq(got.vs_power, PROTO_VMX_POWERED_ON);
	ck_assert_uint_eq(got.vs_ncpus, 4);
	ck_assert_uint_eq(got.vs_memsize, 2048);
	ck_assert_uint_eq(got.vs_boottime, 1700000000);

	/* Everything written: the queues are empty. */
	ck_assert_uint_eq(peer_get_queued(check_peer_a.peer), 0);
	ck_assert_uint_eq(peer_get_queued(check_peer_b.peer), 0);
	ck_assert_int_eq(peer_get_fd(check_peer_a.peer), check_peer_sv[0]);
	ck_assert_uint_eq(peer_get_uid(check_peer_a.peer), getuid());
	ck_assert_uint_eq(peer_get_gid(check_peer_a.peer), getgid());
	ck_assert_int_eq(peer_get_pid(check_peer_a.peer), getpid());
	ck_assert_int_eq(check_peer_a.misaligned + check_peer_b.misaligned, 0);
	ck_assert_int_eq(check_peer_a.eof + check_peer_b.eof, 0);
}
END_TEST

#define CHECK_PEER_NBULK	3000

static int
check_peer_pred_bulk(void)
{
	return (check_peer_b.bulk_ok + check_peer_b.bulk_bad >=
	    CHECK_PEER_NBULK);
}

START_TEST(check_peer_many_large)
{
	unsigned char	*buf;
	size_t		 len, i, total = 0;
	uint32_t	 n;

	buf = malloc(PROTO_MAX_PAYLOAD);
	ck_assert_ptr_nonnull(buf);
	/*
	 * Odd sizes (payloads land at every alignment), a few maximal ones
	 * (far beyond the socket buffer: partial reads and writes).
	 */
	for (n = 0; n < CHECK_PEER_NBULK; n++) {
		if (n % 500 == 499)
			len = PROTO_MAX_PAYLOAD;
		else
			len = (n * 37) % 3001;
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)(n + i);
		ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_BULK,
		    n, -1, buf, len), 0);
		total += sizeof(struct proto_hdr) + len;
	}
	/* Nothing blocked: all of it is still queued. */
	ck_assert_uint_eq(peer_get_queued(check_peer_a.peer), total);
	free(buf);

	ck_assert(check_peer_run(check_peer_pred_bulk));
	ck_assert_uint_eq(check_peer_b.bulk_bad, 0);
	ck_assert_uint_eq(check_peer_b.bulk_ok, CHECK_PEER_NBULK);
	ck_assert_int_eq(check_peer_b.misaligned, 0);
	ck_assert_uint_eq(peer_get_queued(check_peer_a.peer), 0);
	ck_assert_int_eq(check_peer_b.eof, 0);
}
END_TEST

START_TEST(check_peer_send_errors)
{
	static unsigned char	big[PROTO_MAX_PAYLOAD + 1];

	ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_BULK, 0, -1,
	    big, sizeof big), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_BULK, 0, -1,
	    big, PROTO_MAX_PAYLOAD), 0);
	ck_assert_int_eq(peer_send(check_peer_a.peer, MSG_EOF, 0, -1, NULL, 0),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(peer_send(check_peer_a.peer, 0, 0, -1, NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static int
check_peer_pred_fd(void)
{
	return (check_peer_b.nmsg >= 1);
}

START_TEST(check_peer_fd_pass)
{
	char	buf[16];
	int	p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	check_peer_b.take_fd = 1;
	/* Send the write end; B writes through it, we read here. */
	ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_FD, 3, p[1],
	    "x", 1), 0);
	ck_assert(check_peer_run(check_peer_pred_fd));
	ck_assert_int_eq(check_peer_b.got_fd, 1);
	ck_assert_int_eq(check_peer_b.fd_cloexec, 1);
	ck_assert_uint_eq(check_peer_b.type, CHECK_PEER_FD);
	ck_assert_uint_eq(check_peer_b.len, 1);
	ck_assert_int_eq(check_peer_b.data[0], 'x');

	/* The sender closed its copy once it was sent. */
	ck_assert_int_eq(fcntl(p[1], F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);

	memset(buf, 0, sizeof buf);
	ck_assert_int_eq(read(p[0], buf, sizeof buf), 5);
	ck_assert_str_eq(buf, "hello");
	/* B closed it too: no writer is left. */
	ck_assert_int_eq(read(p[0], buf, sizeof buf), 0);
	close(p[0]);
}
END_TEST

START_TEST(check_peer_fd_untaken_closed)
{
	char	buf[16];
	int	p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	/* B's handler leaves the descriptor: the peer must close it. */
	ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_FDOPT, 3, p[1],
	    NULL, 0), 0);
	ck_assert(check_peer_run(check_peer_pred_fd));
	ck_assert_int_eq(check_peer_b.got_fd, 1);
	ck_assert_int_eq(read(p[0], buf, sizeof buf), 0);
	close(p[0]);

	/* The same row without a descriptor is fine too. */
	ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_FDOPT, 4, -1,
	    NULL, 0), 0);
	while (check_peer_b.nmsg < 2)
		event_base_loop(check_peer_base, EVLOOP_ONCE);
	ck_assert_int_eq(check_peer_b.got_fd, 1);
	ck_assert_int_eq(check_peer_b.eof, 0);
}
END_TEST

START_TEST(check_peer_fd_required_missing)
{
	check_peer_raw_send(check_peer_raw, CHECK_PEER_FD, 0, PROTO_VERSION, 0,
	    NULL, 0);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "needs a descriptor");
}
END_TEST

START_TEST(check_peer_fd_flag_without_fd)
{
	check_peer_raw_send(check_peer_raw, CHECK_PEER_FD, 0, PROTO_VERSION,
	    PROTO_F_FD, NULL, 0);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "no descriptor arrived");
}
END_TEST

START_TEST(check_peer_fd_unwanted)
{
	struct proto_hdr	 hdr;
	unsigned char		 buf[4096];
	int			 p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	/* A descriptor on a row that takes none. */
	ck_assert_int_eq(check_peer_raw_send_fd(check_peer_raw, MSG_OK,
	    PROTO_F_FD, p[1], NULL, 0), 0);
	close(p[1]);
	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert_uint_eq(check_peer_b.nmsg, 0);
	ck_assert_int_eq(check_peer_b.eof_errno, EBADMSG);
	ck_assert_ptr_nonnull(strstr(check_peer_b.eof_reason,
	    "does not take a descriptor"));
	ck_assert_int_eq(check_peer_raw_read(check_peer_raw, &hdr, buf,
	    sizeof buf), 1);
	ck_assert_uint_eq(hdr.ph_type, MSG_FAIL);
	/* B closed the unwanted descriptor. */
	ck_assert_int_eq(read(p[0], buf, sizeof buf), 0);
	close(p[0]);
}
END_TEST

START_TEST(check_peer_fd_flood)
{
	int	i, p[2];

	/*
	 * Descriptors nobody claims (frames not flagged PROTO_F_FD) pile up
	 * only to a small limit, then the link is dropped.
	 */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(check_peer_raw_send_fd(check_peer_raw, MSG_OK,
		    0, p[1], NULL, 0), 0);
	close(p[0]);
	close(p[1]);
	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert_int_eq(check_peer_b.eof_errno, EBADMSG);
	ck_assert_ptr_nonnull(strstr(check_peer_b.eof_reason,
	    "too many unclaimed descriptors"));
	ck_assert_uint_lt(check_peer_b.nmsg, 40);
}
END_TEST

START_TEST(check_peer_version_mismatch)
{
	struct proto_ping	ping = { 1 };

	check_peer_raw_send(check_peer_raw, MSG_PING, sizeof ping,
	    PROTO_VERSION + 1, 0, &ping, sizeof ping);
	check_peer_expect_drop(EPROTO, MSG_VERSION, "version");
}
END_TEST

START_TEST(check_peer_too_short)
{
	uint32_t	half = 0;

	check_peer_raw_send(check_peer_raw, MSG_PING, sizeof half,
	    PROTO_VERSION, 0, &half, sizeof half);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "too short");
}
END_TEST

START_TEST(check_peer_too_long)
{
	unsigned char	data[16];

	memset(data, 0, sizeof data);
	check_peer_raw_send(check_peer_raw, MSG_PING, sizeof data,
	    PROTO_VERSION, 0, data, sizeof data);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "too long");
}
END_TEST

START_TEST(check_peer_oversized_frame)
{
	/* Announced beyond the maximum: refused before any payload. */
	check_peer_raw_send(check_peer_raw, CHECK_PEER_BULK,
	    PROTO_MAX_PAYLOAD + 1, PROTO_VERSION, 0, NULL, 0);
	check_peer_expect_drop(EMSGSIZE, MSG_FAIL, "limit");
}
END_TEST

START_TEST(check_peer_unknown_type)
{
	check_peer_raw_send(check_peer_raw, 12345, 0, PROTO_VERSION, 0, NULL,
	    0);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "unknown message type 12345");
}
END_TEST

START_TEST(check_peer_eof_on_wire)
{
	check_peer_raw_send(check_peer_raw, MSG_EOF, 0, PROTO_VERSION, 0, NULL,
	    0);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "never sent");
}
END_TEST

START_TEST(check_peer_unknown_flags)
{
	check_peer_raw_send(check_peer_raw, MSG_OK, 0, PROTO_VERSION, 0x80,
	    NULL, 0);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "unknown flags");
}
END_TEST

START_TEST(check_peer_unterminated_string)
{
	unsigned char	data[8] = { 0, 0, 0, 0, 'a', 'b', 'c', 'd' };

	check_peer_raw_send(check_peer_raw, MSG_FAIL, sizeof data,
	    PROTO_VERSION, 0, data, sizeof data);
	check_peer_expect_drop(EBADMSG, MSG_FAIL, "not terminated");
}
END_TEST

START_TEST(check_peer_close_mid_frame)
{
	/* Half a header, then the remote goes away. */
	ck_assert_int_eq(write(check_peer_raw, "abcdef", 6), 6);
	close(check_peer_raw);
	check_peer_raw = -1;
	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert_int_eq(check_peer_b.eof_errno, EPIPE);
	ck_assert_ptr_nonnull(strstr(check_peer_b.eof_reason,
	    "middle of a frame"));
	ck_assert_uint_eq(check_peer_b.nmsg, 0);
}
END_TEST

START_TEST(check_peer_write_error)
{
	/* The remote stops reading: our write fails, the owner hears it. */
	ck_assert_int_eq(shutdown(check_peer_raw, SHUT_RD), 0);
	ck_assert_int_eq(peer_send(check_peer_b.peer, MSG_OK, 1, -1, NULL, 0),
	    0);
	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert_int_eq(check_peer_b.eof, 1);
	ck_assert_int_eq(check_peer_b.eof_errno, EPIPE);
	ck_assert_ptr_nonnull(strstr(check_peer_b.eof_reason, "write"));
}
END_TEST

START_TEST(check_peer_eof)
{
	/* A goes away; B's table hears about it once, as MSG_EOF. */
	peer_free(check_peer_a.peer);
	check_peer_a.peer = NULL;
	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert_int_eq(check_peer_b.eof, 1);
	ck_assert_uint_eq(check_peer_b.eof_errno, 0);
	ck_assert_ptr_nonnull(strstr(check_peer_b.eof_reason, "closed"));
	ck_assert_ptr_null(check_peer_b.peer);	/* freed from its handler */
	ck_assert_uint_eq(check_peer_b.nmsg, 0);
}
END_TEST

START_TEST(check_peer_send_after_eof)
{
	check_peer_b.free_on_eof = 0;
	peer_free(check_peer_a.peer);
	check_peer_a.peer = NULL;
	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert(peer_is_lost(check_peer_b.peer));
	ck_assert_int_eq(peer_send(check_peer_b.peer, MSG_OK, 0, -1, NULL, 0),
	    -1);
	ck_assert_int_eq(errno, EPIPE);
	/* Delivered once, however long the owner keeps the peer. */
	event_base_loop(check_peer_base, EVLOOP_NONBLOCK);
	ck_assert_int_eq(check_peer_b.eof, 1);
}
END_TEST

START_TEST(check_peer_free_in_handler)
{
	struct proto_ping	ping = { 5 };

	/*
	 * Both frames arrive in one read: B frees itself in the first
	 * handler, so the second must never be dispatched.
	 */
	ck_assert_int_eq(peer_send(check_peer_a.peer, MSG_SHUTDOWN, 1, -1, NULL,
	    0), 0);
	ck_assert_int_eq(peer_send(check_peer_a.peer, MSG_PING, 2, -1, &ping,
	    sizeof ping), 0);
	ck_assert_int_eq(peer_flush(check_peer_a.peer, 1000), 0);
	ck_assert(check_peer_run(check_peer_pred_eof_a));
	ck_assert_uint_eq(check_peer_b.nmsg, 1);
	ck_assert_uint_eq(check_peer_b.type, MSG_SHUTDOWN);
	ck_assert_int_eq(check_peer_b.eof, 0);	/* freed: no MSG_EOF either */
	ck_assert_ptr_null(check_peer_b.peer);
	ck_assert_uint_eq(check_peer_a.nmsg, 0);	/* no pong came back */
	ck_assert_uint_eq(check_peer_a.eof_errno, 0);
}
END_TEST

START_TEST(check_peer_flush)
{
	static unsigned char	big[PROTO_MAX_PAYLOAD];
	int			i;

	/* Small frames go out at once. */
	ck_assert_int_eq(peer_send(check_peer_a.peer, MSG_OK, 1, -1, NULL, 0),
	    0);
	ck_assert_int_eq(peer_send(check_peer_a.peer, MSG_OK, 2, -1, NULL, 0),
	    0);
	ck_assert_int_eq(peer_flush(check_peer_a.peer, 1000), 0);
	ck_assert_uint_eq(peer_get_queued(check_peer_a.peer), 0);

	/* Nobody reads while we flush: megabytes cannot all fit. */
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_BULK,
		    0, -1, big, sizeof big), 0);
	ck_assert_int_eq(peer_flush(check_peer_a.peer, 100), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_uint_gt(peer_get_queued(check_peer_a.peer), 0);
	ck_assert(!peer_is_lost(check_peer_a.peer));
}
END_TEST

START_TEST(check_peer_root_only)
{
	ck_assert_int_eq(peer_send(check_peer_a.peer, CHECK_PEER_ROOT, 1, -1,
	    NULL, 0), 0);
	while (check_peer_b.nmsg == 0 && check_peer_b.eof == 0)
		event_base_loop(check_peer_base, EVLOOP_ONCE);
	if (getuid() == 0) {
		ck_assert_uint_eq(check_peer_b.nmsg, 1);
		ck_assert_uint_eq(check_peer_b.type, CHECK_PEER_ROOT);
	} else {
		ck_assert_uint_eq(check_peer_b.nmsg, 0);
		ck_assert_uint_eq(check_peer_b.eof_errno, EPERM);
	}
}
END_TEST

/*
 * A child that drops to nobody connects and sends a root-only message:
 * refused with EPERM before the handler runs.  Needs root to drop.
 */
START_TEST(check_peer_root_only_refused)
{
	char		 dir[] = "/tmp/vp.XXXXXX", path[64], *cause = NULL;
	unsigned char	 buf[256];
	struct proto_hdr hdr;
	int		 lfd, afd, cfd, status;
	pid_t		 pid;

	if (getuid() != 0)
		return;
	peer_free(check_peer_a.peer);
	peer_free(check_peer_b.peer);
	check_peer_a.peer = check_peer_b.peer = NULL;
	event_base_loop(check_peer_base, EVLOOP_NONBLOCK);
	memset(&check_peer_b, 0, sizeof check_peer_b);
	check_peer_b.free_on_eof = 1;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(path, sizeof path, "%s/r.sock", dir);
	lfd = usock_listen(path, 0666, 5, &cause);
	ck_assert_msg(lfd != -1, "%s", cause);

	if ((pid = fork()) == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		if ((cfd = usock_connect(path, &cause)) == -1)
			_exit(3);
		memset(&hdr, 0, sizeof hdr);
		hdr.ph_type = CHECK_PEER_ROOT;
		hdr.ph_version = PROTO_VERSION;
		if (write(cfd, &hdr, sizeof hdr) != (ssize_t)sizeof hdr)
			_exit(4);
		/* Expect MSG_FAIL carrying EPERM, then EOF. */
		if (read(cfd, &hdr, sizeof hdr) != (ssize_t)sizeof hdr ||
		    hdr.ph_type != MSG_FAIL || hdr.ph_len > sizeof buf ||
		    read(cfd, buf, hdr.ph_len) != (ssize_t)hdr.ph_len ||
		    ((struct proto_fail *)buf)->pf_errno != EPERM)
			_exit(5);
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);

	for (afd = -1; afd == -1;) {
		afd = usock_accept(lfd);
		if (afd == -1) {
			ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
			usleep(1000);
		}
	}
	check_peer_b.peer = peer_create(check_peer_base, afd, check_peer_table,
	    nitems(check_peer_table), &check_peer_b);
	ck_assert_ptr_nonnull(check_peer_b.peer);
	ck_assert_uint_eq(peer_get_uid(check_peer_b.peer), 65534);
	ck_assert_int_eq(peer_get_pid(check_peer_b.peer), pid);

	ck_assert(check_peer_run(check_peer_pred_eof_b));
	ck_assert_uint_eq(check_peer_b.nmsg, 0);
	ck_assert_uint_eq(check_peer_b.eof_errno, EPERM);
	ck_assert_ptr_nonnull(strstr(check_peer_b.eof_reason, "root only"));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(lfd);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(check_peer_parse_frame)
{
	unsigned char		 buf[64];
	struct proto_hdr	 hdr, in;
	const void		*payload = NULL;

	memset(&in, 0, sizeof in);
	in.ph_type = MSG_PING;
	in.ph_len = 8;
	in.ph_version = PROTO_VERSION;
	memcpy(buf, &in, sizeof in);
	memset(buf + sizeof in, 0xab, 8);

	ck_assert_int_eq(peer_parse_frame(buf, 0, &hdr, &payload), 0);
	ck_assert_int_eq(peer_parse_frame(buf, sizeof in - 1, &hdr, &payload),
	    0);
	ck_assert_int_eq(peer_parse_frame(buf, sizeof in + 7, &hdr, &payload),
	    0);
	ck_assert_uint_eq(hdr.ph_len, 8);	/* the header is known */
	ck_assert_int_eq(peer_parse_frame(buf, sizeof in + 8, &hdr, &payload),
	    1);
	ck_assert_ptr_eq(payload, buf + sizeof in);
	ck_assert_int_eq(peer_parse_frame(buf, sizeof buf, &hdr, &payload), 1);

	in.ph_len = PROTO_MAX_PAYLOAD + 1;
	memcpy(buf, &in, sizeof in);
	ck_assert_int_eq(peer_parse_frame(buf, sizeof in, &hdr, &payload), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	in.ph_len = UINT32_MAX;
	memcpy(buf, &in, sizeof in);
	ck_assert_int_eq(peer_parse_frame(buf, sizeof buf, &hdr, &payload), -1);
	in.ph_len = PROTO_MAX_PAYLOAD;
	memcpy(buf, &in, sizeof in);
	ck_assert_int_eq(peer_parse_frame(buf, sizeof buf, &hdr, &payload), 0);
}
END_TEST

START_TEST(check_peer_check_frame)
{
	struct proto_hdr		 hdr;
	const struct peer_handler	*row;
	char				*cause = NULL;
	unsigned char			 payload[8] = { 0 };

	memset(&hdr, 0, sizeof hdr);
	hdr.ph_type = MSG_PING;
	hdr.ph_len = 8;
	hdr.ph_version = PROTO_VERSION;
	row = peer_check_frame(check_peer_table, nitems(check_peer_table), &hdr,
	    payload, 0, 1000, &cause);
	ck_assert_ptr_nonnull(row);
	ck_assert_uint_eq(row->pt_type, MSG_PING);

	hdr.ph_type = CHECK_PEER_ROOT;
	hdr.ph_len = 0;
	ck_assert_ptr_nonnull(peer_check_frame(check_peer_table,
	    nitems(check_peer_table), &hdr, payload, 0, 0, &cause));
	ck_assert_ptr_null(peer_check_frame(check_peer_table,
	    nitems(check_peer_table), &hdr, payload, 0, 1000, &cause));
	ck_assert_int_eq(errno, EPERM);
	ck_assert_ptr_nonnull(strstr(cause, "uid 1000"));
	free(cause);
	ck_assert_ptr_null(peer_check_frame(check_peer_table,
	    nitems(check_peer_table), &hdr, payload, 0, (uid_t)-1, &cause));
	free(cause);

	hdr.ph_type = MSG_PING;
	hdr.ph_len = 8;
	hdr.ph_version = 0;
	ck_assert_ptr_null(peer_check_frame(check_peer_table,
	    nitems(check_peer_table), &hdr, payload, 0, 0, &cause));
	ck_assert_int_eq(errno, EPROTO);
	free(cause);

	/* An empty table knows nothing. */
	hdr.ph_version = PROTO_VERSION;
	ck_assert_ptr_null(peer_check_frame(NULL, 0, &hdr, payload, 0, 0,
	    &cause));
	ck_assert_int_eq(errno, EBADMSG);
	free(cause);
}
END_TEST

static Suite *
check_peer_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("peer");

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, check_peer_setup, check_peer_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, check_peer_both_ways);
	tcase_add_test(tc, check_peer_many_large);
	tcase_add_test(tc, check_peer_fd_pass);
	tcase_add_test(tc, check_peer_fd_untaken_closed);
	tcase_add_test(tc, check_peer_eof);
	tcase_add_test(tc, check_peer_send_after_eof);
	tcase_add_test(tc, check_peer_free_in_handler);
	tcase_add_test(tc, check_peer_flush);
	tcase_add_test(tc, check_peer_root_only);
	tcase_add_test(tc, check_peer_root_only_refused);
	tcase_add_test(tc, check_peer_send_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, check_peer_setup_raw,
	    check_peer_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, check_peer_version_mismatch);
	tcase_add_test(tc, check_peer_too_short);
	tcase_add_test(tc, check_peer_too_long);
	tcase_add_test(tc, check_peer_oversized_frame);
	tcase_add_test(tc, check_peer_unknown_type);
	tcase_add_test(tc, check_peer_eof_on_wire);
	tcase_add_test(tc, check_peer_unknown_flags);
	tcase_add_test(tc, check_peer_unterminated_string);
	tcase_add_test(tc, check_peer_fd_required_missing);
	tcase_add_test(tc, check_peer_fd_flag_without_fd);
	tcase_add_test(tc, check_peer_fd_unwanted);
	tcase_add_test(tc, check_peer_fd_flood);
	tcase_add_test(tc, check_peer_close_mid_frame);
	tcase_add_test(tc, check_peer_write_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_add_test(tc, check_peer_parse_frame);
	tcase_add_test(tc, check_peer_check_frame);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_peer_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
