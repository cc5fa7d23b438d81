/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of the daemon skeleton (lib/daemon.c) through a real
 * process: tests/testd started in a private --root, in the foreground and
 * detached, checked from the outside the way an operator or an init
 * system sees it: its socket answers, its pid file names it, a second
 * copy refuses to start, -n checks the configuration, SIGHUP reopens a
 * rotated log, SIGTERM ends it cleanly and leaves no files behind.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "xmalloc.h"

#define ITEST_DAEMON_TIMEOUT	10000	/* ms, for anything to happen */

/* One testd under test: its root and the paths a test looks at. */
struct itest_daemon {
	char	*dir;		/* the --root, from harness_tmpdir */
	char	*bin;
	char	*sock;		/* <root>/run/vireo/testd.sock */
	char	*pidfile;	/* <root>/run/vireo/testd.pid */
	char	*logfile;	/* <root>/var/log/vireo/testd.log */
	char	*out;		/* stdout+stderr of the first process */
};

static void	 itest_daemon_init(struct itest_daemon *);
static void	 itest_daemon_done(struct itest_daemon *);
static pid_t	 itest_daemon_spawn(struct itest_daemon *, const char *,
		     const char *, const char *, const char *);
static int	 itest_daemon_run(struct itest_daemon *, const char *,
		     char **, const char *, const char *, const char *);
static int	 itest_daemon_connect(const char *);
static int	 itest_daemon_echo(const char *, const char *, size_t);
static pid_t	 itest_daemon_pidfile(const char *);
static int	 itest_daemon_exists(const char *);
static void	 itest_daemon_write(const char *, const char *);
static Suite	*itest_daemon_suite(void);

static void
itest_daemon_init(struct itest_daemon *t)
{
	t->dir = harness_tmpdir();
	t->bin = harness_bin("tests/testd");
	xasprintf(&t->sock, "%s/run/vireo/testd.sock", t->dir);
	xasprintf(&t->pidfile, "%s/run/vireo/testd.pid", t->dir);
	xasprintf(&t->logfile, "%s/var/log/vireo/testd.log", t->dir);
	xasprintf(&t->out, "%s/testd.out", t->dir);
}

/* Reached only when every assertion before it held. */
static void
itest_daemon_done(struct itest_daemon *t)
{
	harness_cleanup(t->dir, 0);
	free(t->bin);
	free(t->sock);
	free(t->pidfile);
	free(t->logfile);
	free(t->out);
}

/* Start testd --root <dir> with up to three more arguments, output to
 * logname in the directory. */
static pid_t
itest_daemon_spawn(struct itest_daemon *t, const char *logname,
    const char *a1, const char *a2, const char *a3)
{
	char	*argv[8], *log;
	int	 argc = 0;
	pid_t	 pid;

	argv[argc++] = t->bin;
	argv[argc++] = xstrdup("--root");
	argv[argc++] = t->dir;
	if (a1 != NULL)
		argv[argc++] = xstrdup(a1);
	if (a2 != NULL)
		argv[argc++] = xstrdup(a2);
	if (a3 != NULL)
		argv[argc++] = xstrdup(a3);
	argv[argc] = NULL;
	xasprintf(&log, "%s/%s", t->dir, logname);
	pid = harness_spawn(argv, log);
	free(log);
	free(argv[1]);
	while (argc > 3)
		free(argv[--argc]);
	return (pid);
}

/* Run testd to completion; its status, and its output in *output. */
static int
itest_daemon_run(struct itest_daemon *t, const char *logname, char **output,
    const char *a1, const char *a2, const char *a3)
{
	char	*log;
	pid_t	 pid;
	int	 status;

	pid = itest_daemon_spawn(t, logname, a1, a2, a3);
	status = harness_wait_exit(pid, ITEST_DAEMON_TIMEOUT);
	xasprintf(&log, "%s/%s", t->dir, logname);
	*output = harness_slurp(log);
	ck_assert_ptr_nonnull(*output);
	free(log);
	return (status);
}

static int
itest_daemon_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0,
	    "connect %s: %s", path, strerror(errno));
	return (fd);
}

/*
 * Send len bytes to the echo server at path, reading the echo at the
 * same time (a big payload would otherwise deadlock once both socket
 * buffers are full), then half-close and read to EOF.  1 when exactly
 * the same bytes came back.
 */
static int
itest_daemon_echo(const char *path, const char *data, size_t len)
{
	struct pollfd	 pfd;
	char		*back;
	size_t		 sent = 0, got = 0;
	ssize_t		 n;
	int		 fd, same, shut = 0;

	fd = itest_daemon_connect(path);
	back = xmalloc(len + 1);
	ck_assert_int_ne(fcntl(fd, F_SETFL, O_NONBLOCK), -1);
	for (;;) {
		if (sent == len && !shut) {
			ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
			shut = 1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN | (sent < len ? POLLOUT : 0);
		ck_assert_int_gt(poll(&pfd, 1, ITEST_DAEMON_TIMEOUT), 0);
		if (pfd.revents & POLLOUT) {
			n = write(fd, data + sent, len - sent);
			ck_assert_msg(n > 0 || errno == EAGAIN, "write: %s",
			    strerror(errno));
			if (n > 0)
				sent += (size_t)n;
		}
		if (pfd.revents & (POLLIN | POLLHUP)) {
			n = read(fd, back + got, len + 1 - got);
			ck_assert_msg(n >= 0 || errno == EAGAIN, "read: %s",
			    strerror(errno));
			if (n == 0)
				break;
			if (n > 0)
				got += (size_t)n;
			ck_assert_uint_le(got, len);
		}
	}
	close(fd);
	same = got == len && memcmp(data, back, len) == 0;
	free(back);
	return (same);
}

/* The pid a pid file names, 0 if none. */
static pid_t
itest_daemon_pidfile(const char *path)
{
	char	*s, *end;
	long	 pid;

	if ((s = harness_slurp(path)) == NULL)
		return (0);
	pid = strtol(s, &end, 10);
	/* Exactly "<pid>\n", what init scripts read. */
	ck_assert_msg(end != s && strcmp(end, "\n") == 0,
	    "pid file %s holds \"%s\"", path, s);
	free(s);
	return ((pid_t)pid);
}

static int
itest_daemon_exists(const char *path)
{
	struct stat	sb;

	return (lstat(path, &sb) == 0);
}

static void
itest_daemon_write(const char *path, const char *content)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	close(fd);
}

START_TEST(itest_daemon_foreground)
{
	struct itest_daemon	 t;
	char			*s, *want;
	pid_t			 pid;

	itest_daemon_init(&t);
	pid = itest_daemon_spawn(&t, "testd.out", "-d", NULL, NULL);
	ck_assert_msg(harness_wait_socket(t.sock, pid,
	    ITEST_DAEMON_TIMEOUT) == 0, "testd never listened: %s",
	    strerror(errno));

	ck_assert(itest_daemon_echo(t.sock, "hello vireo\n", 12));
	ck_assert(itest_daemon_echo(t.sock, "a second client", 15));
	/* The pid file names the daemon itself: no detach with -d. */
	ck_assert_int_eq(itest_daemon_pidfile(t.pidfile), pid);
	/* Logs go to stderr, and no log file is made in the foreground. */
	ck_assert(!itest_daemon_exists(t.logfile));
	s = harness_slurp(t.out);
	xasprintf(&want, "testd[%ld]: info: listening on %s\n", (long)pid,
	    t.sock);
	ck_assert_msg(strstr(s, want) != NULL, "output: %s", s);
	free(want);
	free(s);

	ck_assert_int_eq(harness_stop(pid, ITEST_DAEMON_TIMEOUT), 0);
	ck_assert(!itest_daemon_exists(t.pidfile));
	ck_assert(!itest_daemon_exists(t.sock));
	s = harness_slurp(t.out);
	ck_assert_ptr_nonnull(strstr(s, "info: SIGTERM: shutting down\n"));
	ck_assert_ptr_nonnull(strstr(s, "info: exiting\n"));
	free(s);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_second_instance)
{
	struct itest_daemon	 t;
	char			*s, *want;
	pid_t			 pid;

	itest_daemon_init(&t);
	pid = itest_daemon_spawn(&t, "testd.out", "-d", NULL, NULL);
	ck_assert_int_eq(harness_wait_socket(t.sock, pid,
	    ITEST_DAEMON_TIMEOUT), 0);

	/* Refused, whether in the foreground or not, naming the pid. */
	ck_assert_int_eq(itest_daemon_run(&t, "second.out", &s, "-d", NULL,
	    NULL), 1);
	xasprintf(&want, "error: testd is already running (pid %ld, pid "
	    "file %s)\n", (long)pid, t.pidfile);
	ck_assert_msg(strstr(s, want) != NULL, "second instance said: %s", s);
	free(s);
	ck_assert_int_eq(itest_daemon_run(&t, "third.out", &s, NULL, NULL,
	    NULL), 1);
	ck_assert_msg(strstr(s, want) != NULL, "third instance said: %s", s);
	free(s);
	free(want);

	/* And the first one did not notice: same pid file, socket works. */
	ck_assert_int_eq(itest_daemon_pidfile(t.pidfile), pid);
	ck_assert(itest_daemon_echo(t.sock, "still here", 10));
	ck_assert_int_eq(harness_stop(pid, ITEST_DAEMON_TIMEOUT), 0);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_detached)
{
	struct itest_daemon	 t;
	char			*s, *old;
	pid_t			 pid, dpid;

	itest_daemon_init(&t);
	/* The daemon's parents exit; we want to be the one that gets it. */
	ck_assert_int_eq(harness_reap_orphans(), 0);
	pid = itest_daemon_spawn(&t, "testd.out", NULL, NULL, NULL);
	/* The starting process exits 0 only once the daemon is ready. */
	ck_assert_int_eq(harness_wait_exit(pid, ITEST_DAEMON_TIMEOUT), 0);
	dpid = itest_daemon_pidfile(t.pidfile);
	ck_assert_int_gt(dpid, 0);
	harness_track(dpid);
	ck_assert_int_ne(dpid, pid);
	ck_assert_int_eq(kill(dpid, 0), 0);
	ck_assert_int_eq(harness_wait_socket(t.sock, dpid, 1000), 0);
	ck_assert(itest_daemon_echo(t.sock, "detached echo", 13));

	/* Its own session, away from our terminal and process group. */
	ck_assert_int_ne(getsid(dpid), getsid(0));
	ck_assert_int_ne(getpgid(dpid), getpgid(0));

	s = harness_slurp(t.logfile);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "info: started"));
	ck_assert_ptr_nonnull(strstr(s, "info: listening on "));
	free(s);

	/* Rotation: rename, SIGHUP, and new lines go to a new file. */
	xasprintf(&old, "%s.1", t.logfile);
	ck_assert_int_eq(rename(t.logfile, old), 0);
	ck_assert_int_eq(kill(dpid, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_content(t.logfile,
	    "info: configuration reloaded\n", dpid, ITEST_DAEMON_TIMEOUT), 0);
	s = harness_slurp(t.logfile);
	ck_assert_ptr_nonnull(strstr(s, "info: SIGHUP: log reopened\n"));
	ck_assert_ptr_null(strstr(s, "started"));
	free(s);
	s = harness_slurp(old);
	ck_assert_ptr_null(strstr(s, "SIGHUP"));
	free(s);
	free(old);

	ck_assert_int_eq(harness_stop(dpid, ITEST_DAEMON_TIMEOUT), 0);
	ck_assert(!itest_daemon_exists(t.pidfile));
	ck_assert(!itest_daemon_exists(t.sock));
	s = harness_slurp(t.logfile);
	ck_assert_ptr_nonnull(strstr(s, "info: exiting\n"));
	free(s);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_check_config)
{
	struct itest_daemon	 t;
	char			*s, *conf, *dir, *want;

	itest_daemon_init(&t);
	/* No configuration file at all is a valid configuration. */
	ck_assert_int_eq(itest_daemon_run(&t, "n1.out", &s, "-n", NULL,
	    NULL), 0);
	ck_assert_str_eq(s, "configuration OK\n");
	free(s);
	/* A check touches nothing. */
	xasprintf(&dir, "%s/run", t.dir);
	ck_assert(!itest_daemon_exists(dir));
	free(dir);

	xasprintf(&dir, "%s/etc", t.dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(dir);
	xasprintf(&dir, "%s/etc/vireo", t.dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	xasprintf(&conf, "%s/testd.conf", dir);
	free(dir);
	itest_daemon_write(conf, "# test\n\nlog-level debug\n");
	ck_assert_int_eq(itest_daemon_run(&t, "n2.out", &s, "-n", NULL,
	    NULL), 0);
	ck_assert_str_eq(s, "configuration OK\n");
	free(s);

	itest_daemon_write(conf, "log-level debug\nlog-level loud\n");
	ck_assert_int_eq(itest_daemon_run(&t, "n3.out", &s, "-n", NULL,
	    NULL), 1);
	xasprintf(&want, "testd: %s:2: bad log-level \"loud\"\n", conf);
	ck_assert_str_eq(s, want);
	free(want);
	free(s);

	/* The same error stops a real start, before anything is made. */
	ck_assert_int_eq(itest_daemon_run(&t, "n4.out", &s, "-d", NULL,
	    NULL), 1);
	ck_assert_ptr_nonnull(strstr(s, "bad log-level"));
	ck_assert(!itest_daemon_exists(t.pidfile));
	free(s);

	/* -f names another file. */
	ck_assert_int_eq(itest_daemon_run(&t, "n5.out", &s, "-n", "-f",
	    "/nonexistent/testd.conf"), 0);
	ck_assert_str_eq(s, "configuration OK\n");
	free(s);
	free(conf);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_crash_recovery)
{
	struct itest_daemon	 t;
	char			*s;
	pid_t			 pid;

	/* A daemon killed outright leaves its pid file and socket; the
	 * next start must clean up after it, not refuse. */
	itest_daemon_init(&t);
	pid = itest_daemon_spawn(&t, "testd.out", "-d", NULL, NULL);
	ck_assert_int_eq(harness_wait_socket(t.sock, pid,
	    ITEST_DAEMON_TIMEOUT), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(harness_wait_exit(pid, ITEST_DAEMON_TIMEOUT),
	    128 + SIGKILL);
	ck_assert(itest_daemon_exists(t.pidfile));
	ck_assert(itest_daemon_exists(t.sock));

	pid = itest_daemon_spawn(&t, "again.out", "-d", NULL, NULL);
	ck_assert_int_eq(harness_wait_socket(t.sock, pid,
	    ITEST_DAEMON_TIMEOUT), 0);
	ck_assert_int_eq(itest_daemon_pidfile(t.pidfile), pid);
	ck_assert(itest_daemon_echo(t.sock, "after a crash", 13));
	xasprintf(&s, "%s/again.out", t.dir);
	ck_assert_int_eq(harness_wait_content(s, "replacing stale pid file",
	    pid, 1000), 0);
	free(s);
	ck_assert_int_eq(harness_stop(pid, ITEST_DAEMON_TIMEOUT), 0);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_sigint)
{
	struct itest_daemon	 t;
	pid_t			 pid;
	int			 fd;

	/* INT (^C in the foreground) is a clean stop too, even with a
	 * client still connected. */
	itest_daemon_init(&t);
	pid = itest_daemon_spawn(&t, "testd.out", "-d", "-v", NULL);
	ck_assert_int_eq(harness_wait_socket(t.sock, pid,
	    ITEST_DAEMON_TIMEOUT), 0);
	fd = itest_daemon_connect(t.sock);
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	ck_assert_int_eq(harness_wait_exit(pid, ITEST_DAEMON_TIMEOUT), 0);
	ck_assert(!itest_daemon_exists(t.pidfile));
	ck_assert(!itest_daemon_exists(t.sock));
	close(fd);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_big_echo)
{
	struct itest_daemon	 t;
	char			*data;
	size_t			 len = 4 * 1024 * 1024, i;
	pid_t			 pid;

	/* More than the daemon buffers per client: flow control must
	 * neither lose bytes nor stall. */
	itest_daemon_init(&t);
	pid = itest_daemon_spawn(&t, "testd.out", "-d", NULL, NULL);
	ck_assert_int_eq(harness_wait_socket(t.sock, pid,
	    ITEST_DAEMON_TIMEOUT), 0);
	data = xmalloc(len);
	for (i = 0; i < len; i++)
		data[i] = (char)(i * 7 + i / 4096);
	ck_assert(itest_daemon_echo(t.sock, data, len));
	ck_assert(itest_daemon_echo(t.sock, "", 0));
	free(data);
	ck_assert_int_eq(harness_stop(pid, ITEST_DAEMON_TIMEOUT), 0);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_usage)
{
	struct itest_daemon	 t;
	char			*s;

	itest_daemon_init(&t);
	ck_assert_int_eq(itest_daemon_run(&t, "u1.out", &s, "--bogus", NULL,
	    NULL), 2);
	ck_assert_str_eq(s, "testd: unknown option --bogus\nusage: testd "
	    "[-dhnVv] [-f file] [-u user] [--root dir] [--probe socket]\n");
	free(s);
	ck_assert_int_eq(itest_daemon_run(&t, "u2.out", &s, "--help", NULL,
	    NULL), 0);
	ck_assert_int_eq(strncmp(s, "usage: testd ", 13), 0);
	free(s);
	ck_assert_int_eq(itest_daemon_run(&t, "u3.out", &s, "-u",
	    "no-such-user-vt", NULL), 1);
	ck_assert_str_eq(s, "testd: unknown user no-such-user-vt\n");
	free(s);
	itest_daemon_done(&t);
}
END_TEST

START_TEST(itest_daemon_bad_root)
{
	struct itest_daemon	 t;
	char			*s, *file;

	/* run/ is a file: the daemon says what is wrong and exits 1. */
	itest_daemon_init(&t);
	xasprintf(&file, "%s/run", t.dir);
	itest_daemon_write(file, "");
	ck_assert_int_eq(itest_daemon_run(&t, "r1.out", &s, "-d", NULL,
	    NULL), 1);
	ck_assert_ptr_nonnull(strstr(s, file));
	ck_assert_ptr_nonnull(strstr(s, "Not a directory"));
	free(s);
	free(file);
	itest_daemon_done(&t);
}
END_TEST

static Suite *
itest_daemon_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("itest_daemon");

	tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, itest_daemon_foreground);
	tcase_add_test(tc, itest_daemon_second_instance);
	tcase_add_test(tc, itest_daemon_detached);
	tcase_add_test(tc, itest_daemon_check_config);
	tcase_add_test(tc, itest_daemon_crash_recovery);
	tcase_add_test(tc, itest_daemon_sigint);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, itest_daemon_big_echo);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, itest_daemon_usage);
	tcase_add_test(tc, itest_daemon_bad_root);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(itest_daemon_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
