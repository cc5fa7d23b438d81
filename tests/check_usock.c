/* SPDX-License-Identifier: ISC */
/*
 * Tests for lib/usock.c: what a daemon sees when it opens its socket (a
 * fresh path, a leftover from a crash, a second instance, a path too long,
 * a file in the way) and what a client sees when it connects.  Each test
 * works in its own short mkdtemp directory under /tmp.
 */

#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "usock.h"

static char	check_usock_dir[64];

static void	check_usock_setup(void);
static void	check_usock_teardown(void);
static char	*check_usock_path(const char *);
static Suite	*check_usock_suite(void);

static void
check_usock_setup(void)
{
	snprintf(check_usock_dir, sizeof check_usock_dir, "/tmp/vu.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_usock_dir));
}

static void
check_usock_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", check_usock_dir);
	(void)system(cmd);
}

static char *
check_usock_path(const char *name)
{
	static char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", check_usock_dir, name);
	return (path);
}

START_TEST(check_usock_listen_connect)
{
	char	*cause = NULL, *path = check_usock_path("s.sock");
	int	 lfd, cfd, afd, fl;
	char	 c = 0;

	lfd = usock_listen(path, 0600, 5, &cause);
	ck_assert_msg(lfd != -1, "listen: %s", cause);
	fl = fcntl(lfd, F_GETFD);
	ck_assert(fl & FD_CLOEXEC);
	ck_assert(fcntl(lfd, F_GETFL) & O_NONBLOCK);

	/* Nothing pending yet: a non-blocking accept says so. */
	ck_assert_int_eq(usock_accept(lfd), -1);
	ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);

	cfd = usock_connect(path, &cause);
	ck_assert_msg(cfd != -1, "connect: %s", cause);
	ck_assert(fcntl(cfd, F_GETFD) & FD_CLOEXEC);
	afd = usock_accept(lfd);
	ck_assert_int_ne(afd, -1);
	ck_assert(fcntl(afd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(afd, F_GETFL) & O_NONBLOCK);

	ck_assert_int_eq(write(cfd, "x", 1), 1);
	ck_assert_int_eq(read(afd, &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	close(afd);
	close(cfd);
	close(lfd);
}
END_TEST

START_TEST(check_usock_mode)
{
	struct stat	 st;
	char		*cause = NULL, *path = check_usock_path("m.sock");
	mode_t		 old;
	int		 fd;

	old = umask(022);
	fd = usock_listen(path, 0660, 5, &cause);
	ck_assert_msg(fd != -1, "listen: %s", cause);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	/* The umask we had is back. */
	ck_assert_uint_eq(umask(old), 022);
	close(fd);
	unlink(path);

	fd = usock_listen(path, 0600, 5, &cause);
	ck_assert_msg(fd != -1, "listen: %s", cause);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	close(fd);
}
END_TEST

START_TEST(check_usock_stale)
{
	char	*cause = NULL, *path = check_usock_path("st.sock");
	int	 fd, cfd;

	/* A daemon that died without unlinking leaves the file behind. */
	fd = usock_listen(path, 0600, 5, &cause);
	ck_assert_int_ne(fd, -1);
	close(fd);
	ck_assert_int_eq(access(path, F_OK), 0);

	fd = usock_listen(path, 0600, 5, &cause);
	ck_assert_msg(fd != -1, "stale socket not cleared: %s", cause);
	cfd = usock_connect(path, &cause);
	ck_assert_msg(cfd != -1, "connect: %s", cause);
	close(cfd);
	close(fd);
}
END_TEST

START_TEST(check_usock_live)
{
	char	*cause = NULL, *path = check_usock_path("l.sock");
	int	 fd, fd2, cfd;

	fd = usock_listen(path, 0600, 5, &cause);
	ck_assert_int_ne(fd, -1);

	fd2 = usock_listen(path, 0600, 5, &cause);
	ck_assert_int_eq(fd2, -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "another instance"));
	ck_assert_ptr_nonnull(strstr(cause, path));
	free(cause);

	/* The first server is untouched and still reachable. */
	cfd = usock_connect(path, &cause);
	ck_assert_msg(cfd != -1, "connect: %s", cause);
	close(cfd);
	close(fd);
}
END_TEST

START_TEST(check_usock_not_socket)
{
	char	*cause = NULL, *path = check_usock_path("file");
	int	 fd;

	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ne(fd, -1);
	close(fd);

	ck_assert_int_eq(usock_listen(path, 0600, 5, &cause), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_ptr_nonnull(strstr(cause, "not a socket"));
	free(cause);
	/* Never removed: it is not ours. */
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(check_usock_long_path)
{
	char	 path[300], *cause = NULL;
	size_t	 len;
	int	 fd, cfd;

	/* Exactly the limit works... */
	len = (size_t)snprintf(path, sizeof path, "%s/", check_usock_dir);
	memset(path + len, 'a', USOCK_PATH_MAX - len);
	path[USOCK_PATH_MAX] = '\0';
	ck_assert_uint_eq(strlen(path), 107);
	fd = usock_listen(path, 0600, 5, &cause);
	ck_assert_msg(fd != -1, "listen at 107 bytes: %s", cause);
	cfd = usock_connect(path, &cause);
	ck_assert_msg(cfd != -1, "connect at 107 bytes: %s", cause);
	close(cfd);
	close(fd);

	/* ...one more byte does not, and the cause says why. */
	path[USOCK_PATH_MAX] = 'a';
	path[USOCK_PATH_MAX + 1] = '\0';
	ck_assert_int_eq(usock_listen(path, 0600, 5, &cause), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(cause, "107"));
	ck_assert_ptr_nonnull(strstr(cause, "too long"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(usock_connect(path, &cause), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(cause, "107"));
	free(cause);
}
END_TEST

START_TEST(check_usock_connect_missing)
{
	char	*cause = NULL, *path = check_usock_path("none.sock");

	ck_assert_int_eq(usock_connect(path, &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(cause, path));
	free(cause);
}
END_TEST

START_TEST(check_usock_peercred)
{
	char	*cause = NULL, *path = check_usock_path("c.sock");
	pid_t	 pid = 0;
	uid_t	 uid = (uid_t)-2;
	gid_t	 gid = (gid_t)-2;
	int	 lfd, cfd, afd, sv[2], p[2];

	lfd = usock_listen(path, 0600, 5, &cause);
	ck_assert_int_ne(lfd, -1);
	cfd = usock_connect(path, &cause);
	ck_assert_int_ne(cfd, -1);
	afd = usock_accept(lfd);
	ck_assert_int_ne(afd, -1);

	ck_assert_int_eq(usock_peercred(afd, &pid, &uid, &gid), 0);
	ck_assert_int_eq(pid, getpid());
	ck_assert_uint_eq(uid, getuid());
	ck_assert_uint_eq(gid, getgid());
	/* NULLs are allowed. */
	ck_assert_int_eq(usock_peercred(cfd, &pid, NULL, NULL), 0);
	ck_assert_int_eq(pid, getpid());
	close(afd);
	close(cfd);
	close(lfd);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = 0;
	ck_assert_int_eq(usock_peercred(sv[0], &pid, NULL, NULL), 0);
	ck_assert_int_eq(pid, getpid());
	close(sv[0]);
	close(sv[1]);

	/* Not a socket. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(usock_peercred(p[0], &pid, &uid, &gid), -1);
	ck_assert_int_eq(errno, ENOTSOCK);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *
check_usock_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("usock");

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, check_usock_setup, check_usock_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, check_usock_listen_connect);
	tcase_add_test(tc, check_usock_mode);
	tcase_add_test(tc, check_usock_peercred);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, check_usock_setup, check_usock_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, check_usock_stale);
	tcase_add_test(tc, check_usock_live);
	tcase_add_test(tc, check_usock_not_socket);
	tcase_add_test(tc, check_usock_connect_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, check_usock_setup, check_usock_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, check_usock_long_path);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_usock_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
