/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/log.c: what an operator finds in a log file or on
 * stderr.  Every test writes to a file of its own in a fresh temporary
 * directory and reads it back, so the assertions are about the bytes a
 * person would see, not about internal state.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "xmalloc.h"

static char	*check_log_tmpdir(void);
static char	*check_log_slurp(const char *);
static int	 check_log_count(const char *, const char *);
static char	*check_log_start(const char *, char **);
static void	 check_log_rmdir(char *, char *);
static Suite	*check_log_suite(void);

/* A fresh directory for one test's files. */
static char *
check_log_tmpdir(void)
{
	char	*dir;

	dir = xstrdup("/tmp/vt.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	return (dir);
}

/* The whole content of path as a string ("" when it does not exist). */
static char *
check_log_slurp(const char *path)
{
	char	*buf;
	size_t	 len = 0, size = 8192;
	ssize_t	 n;
	int	 fd;

	buf = xmalloc(size);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		buf[0] = '\0';
		return (buf);
	}
	for (;;) {
		if (len + 1 == size) {
			buf = xreallocarray(buf, 2, size);
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		ck_assert_msg(n != -1, "read %s: %s", path, strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (buf);
}

/* How many times needle occurs in haystack. */
static int
check_log_count(const char *haystack, const char *needle)
{
	const char	*p = haystack;
	int		 n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return (n);
}

/* Start logging as name into <fresh tmpdir>/t.log, file target only;
 * returns the log path and the directory in *dir. */
static char *
check_log_start(const char *name, char **dir)
{
	char	*path;

	*dir = check_log_tmpdir();
	xasprintf(&path, "%s/t.log", *dir);
	log_init(name, 0);
	ck_assert_int_eq(log_open_file(path), 0);
	ck_assert_int_eq(log_get_dest(), LOG_TO_FILE);
	return (path);
}

/* Remove the test directory and everything a test put in it. */
static void
check_log_rmdir(char *dir, char *path)
{
	char	*cmd;

	log_close();
	xasprintf(&cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(dir);
	free(path);
}

START_TEST(check_log_threshold)
{
	char	*dir, *path, *s;

	path = check_log_start("tlog", &dir);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_INFO);
	ck_assert(log_is_enabled(LOG_LEVEL_INFO));
	ck_assert(!log_is_enabled(LOG_LEVEL_DEBUG));
	log_debug("hidden-debug");
	log_trace("hidden-trace");
	log_info("shown-info");
	log_warnx("shown-warning");

	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("shown-debug");
	log_trace("hidden-trace-2");

	log_set_level(LOG_LEVEL_TRACE);
	log_trace("shown-trace");

	log_set_level(LOG_LEVEL_ERROR);
	log_info("hidden-info");
	log_warnx("hidden-warning");

	s = check_log_slurp(path);
	ck_assert_ptr_null(strstr(s, "hidden"));
	ck_assert_ptr_nonnull(strstr(s, ": info: shown-info\n"));
	ck_assert_ptr_nonnull(strstr(s, ": warning: shown-warning\n"));
	ck_assert_ptr_nonnull(strstr(s, ": debug: shown-debug\n"));
	ck_assert_ptr_nonnull(strstr(s, ": trace: shown-trace\n"));
	ck_assert_int_eq(check_log_count(s, "\n"), 4);
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_level_names)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug", "trace"
	};
	enum log_level	 level;
	size_t		 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		level = LOG_LEVEL_TRACE + 1;
		ck_assert_int_eq(log_level_parse(names[i], &level), 0);
		ck_assert_int_eq(level, (enum log_level)i);
		ck_assert_str_eq(log_level_name(level), names[i]);
	}
	/* Config files and command lines are written by people. */
	ck_assert_int_eq(log_level_parse("DEBUG", &level), 0);
	ck_assert_int_eq(level, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_level_parse("Warning", &level), 0);
	ck_assert_int_eq(level, LOG_LEVEL_WARNING);
}
END_TEST

START_TEST(check_log_file_format)
{
	char	*dir, *path, *s, *want;

	path = check_log_start("tlog", &dir);
	log_info("hello %d %s", 42, "world");
	s = check_log_slurp(path);
	/* 2026-11-21T05:40:01.123Z tlog[812]: info: hello 42 world */
	xasprintf(&want, "Z tlog[%ld]: info: hello 42 world\n",
	    (long)getpid());
	ck_assert_msg(strstr(s, want) != NULL, "line was: %s", s);
	ck_assert_int_eq(s[4], '-');
	ck_assert_int_eq(s[10], 'T');
	ck_assert_int_eq(s[19], '.');
	ck_assert_int_eq(s[23], 'Z');
	free(want);
	free(s);

	/* A new name shows on the following lines. */
	log_procname("vmx:web01");
	ck_assert_str_eq(log_get_procname(), "vmx:web01");
	log_info("second");
	s = check_log_slurp(path);
	xasprintf(&want, " vmx:web01[%ld]: info: second\n", (long)getpid());
	ck_assert_ptr_nonnull(strstr(s, want));
	free(want);
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_control_chars)
{
	char	*dir, *path, *s;

	path = check_log_start("tlog", &dir);
	/* A client-supplied name must not be able to forge a second line. */
	log_warnx("user %s", "bob\n2026-01-01T00:00:00.000Z tlog[1]: error: x"
	    "\r\033[2J");
	log_info("tab\tkept");
	s = check_log_slurp(path);
	ck_assert_int_eq(check_log_count(s, "\n"), 2);
	ck_assert_ptr_nonnull(strstr(s, "user bob?2026-01-01"));
	ck_assert_ptr_nonnull(strstr(s, ": error: x??[2J\n"));
	ck_assert_ptr_null(strchr(s, '\r'));
	ck_assert_ptr_null(strchr(s, '\033'));
	ck_assert_ptr_nonnull(strstr(s, "tab\tkept\n"));
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_errno_text)
{
	char	*dir, *path, *s, *want;

	path = check_log_start("tlog", &dir);
	errno = ENOENT;
	log_warn("open %s", "/nonexistent");
	/* Logging does not disturb errno for the caller. */
	ck_assert_int_eq(errno, ENOENT);
	errno = EACCES;
	log_warnx("no errno here");
	s = check_log_slurp(path);
	xasprintf(&want, ": warning: open /nonexistent: %s\n",
	    strerror(ENOENT));
	ck_assert_msg(strstr(s, want) != NULL, "log was: %s", s);
	ck_assert_ptr_nonnull(strstr(s, ": warning: no errno here\n"));
	ck_assert_ptr_null(strstr(s, strerror(EACCES)));
	free(want);
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_rotation)
{
	char	*dir, *path, *old, *s;

	path = check_log_start("tlog", &dir);
	log_info("before rotation");
	xasprintf(&old, "%s.1", path);
	ck_assert_int_eq(rename(path, old), 0);
	/* Until the reopen, lines follow the renamed file. */
	log_info("still old");
	ck_assert_int_eq(log_reopen(), 0);
	log_info("after rotation");

	s = check_log_slurp(old);
	ck_assert_ptr_nonnull(strstr(s, "before rotation"));
	ck_assert_ptr_nonnull(strstr(s, "still old"));
	ck_assert_ptr_null(strstr(s, "after rotation"));
	free(s);
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "after rotation"));
	ck_assert_ptr_null(strstr(s, "before rotation"));
	free(s);
	free(old);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_buffered)
{
	char	*dir, *path, *s, *a, *b, *w;
	pid_t	 pid;
	int	 status;

	path = check_log_start("tlog", &dir);
	ck_assert_int_eq(log_set_buffered(4096), 0);
	log_info("buffered one");
	log_debug("not at this level");
	s = check_log_slurp(path);
	ck_assert_ptr_null(strstr(s, "buffered one"));
	free(s);

	/* A child forked now must not write the parent's lines. */
	if ((pid = fork()) == 0) {
		log_flush();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	s = check_log_slurp(path);
	ck_assert_ptr_null(strstr(s, "buffered one"));
	free(s);

	/* A warning writes what waits first, then itself, in order. */
	log_info("buffered two");
	log_warnx("a warning");
	s = check_log_slurp(path);
	a = strstr(s, "buffered one");
	b = strstr(s, "buffered two");
	w = strstr(s, "a warning");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(w);
	ck_assert(a < b && b < w);
	ck_assert_int_eq(check_log_count(s, "tlog["), 3);
	free(s);

	log_info("three");
	log_flush();
	s = check_log_slurp(path);
	ck_assert_int_eq(check_log_count(s, "info: three"), 1);
	free(s);

	/* A full buffer is written; a line longer than it goes straight. */
	ck_assert_int_eq(log_set_buffered(300), 0);
	log_info("%0150d", 1);
	log_info("%0150d", 2);
	s = check_log_slurp(path);
	ck_assert_int_eq(check_log_count(s, "0001\n"), 1);
	free(s);
	log_info("%0400d", 3);
	s = check_log_slurp(path);
	ck_assert_int_eq(check_log_count(s, "0002\n"), 1);
	ck_assert_int_eq(check_log_count(s, "0003\n"), 1);
	free(s);

	/* Back to one write per line; what waited is written. */
	log_info("four");
	ck_assert_int_eq(log_set_buffered(0), 0);
	log_info("five");
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "four"));
	ck_assert_ptr_nonnull(strstr(s, "five"));
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_file_mode)
{
	struct stat	 st;
	char		*dir, *path;
	mode_t		 omask;

	omask = umask(0);
	path = check_log_start("tlog", &dir);
	umask(omask);
	ck_assert_int_eq(stat(path, &st), 0);
	/* Logs may name users and VMs: not world-readable. */
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_stderr)
{
	char	*dir, *path, *s, *want;
	int	 fd, saved;

	dir = check_log_tmpdir();
	xasprintf(&path, "%s/stderr", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ne(fd, -1);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ne(saved, -1);
	ck_assert_int_ne(dup2(fd, STDERR_FILENO), -1);
	close(fd);

	log_init("terr", LOG_TO_STDERR);
	ck_assert_int_eq(log_get_dest(), LOG_TO_STDERR);
	log_warnx("on stderr");
	log_debug("not at info");
	log_set_dest(0);
	log_warnx("nowhere");

	ck_assert_int_ne(dup2(saved, STDERR_FILENO), -1);
	close(saved);
	s = check_log_slurp(path);
	xasprintf(&want, "Z terr[%ld]: warning: on stderr\n", (long)getpid());
	ck_assert_msg(strstr(s, want) != NULL, "stderr was: %s", s);
	ck_assert_int_eq(check_log_count(s, "\n"), 1);
	free(want);
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_both_targets)
{
	char	*dir, *path, *errpath, *s;
	int	 fd, saved;

	path = check_log_start("tboth", &dir);
	xasprintf(&errpath, "%s/stderr", dir);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ne(fd, -1);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ne(dup2(fd, STDERR_FILENO), -1);
	close(fd);

	log_set_dest(LOG_TO_STDERR | LOG_TO_FILE);
	log_info("everywhere");
	ck_assert_int_ne(dup2(saved, STDERR_FILENO), -1);
	close(saved);

	s = check_log_slurp(errpath);
	ck_assert_ptr_nonnull(strstr(s, ": info: everywhere\n"));
	free(s);
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s, ": info: everywhere\n"));
	free(s);
	free(errpath);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_libevent)
{
	char	*dir, *path, *s;

	path = check_log_start("tev", &dir);
	log_event_cb(EVENT_LOG_WARN, "epoll_ctl failed");
	log_event_cb(EVENT_LOG_ERR, "bad");
	log_event_cb(EVENT_LOG_MSG, "note");
	log_event_cb(EVENT_LOG_DEBUG, "chatter");
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s,
	    ": warning: libevent: epoll_ctl failed"));
	ck_assert_ptr_nonnull(strstr(s, ": warning: libevent: bad"));
	ck_assert_ptr_nonnull(strstr(s, ": info: libevent: note"));
	ck_assert_ptr_null(strstr(s, "chatter"));
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_long_line)
{
	char	*dir, *path, *s, *big;
	size_t	 len = 3 * 4096;

	path = check_log_start("tlog", &dir);
	big = xmalloc(len + 1);
	memset(big, 'x', len);
	big[len] = '\0';
	log_info("%s", big);
	log_info("next");
	s = check_log_slurp(path);
	/* Truncated, but still exactly one line, and the next one intact. */
	ck_assert_int_eq(check_log_count(s, "\n"), 2);
	ck_assert_uint_lt(strchr(s, '\n') - s, 4096 + 256);
	ck_assert_uint_gt(strchr(s, '\n') - s, 4000);
	ck_assert_ptr_nonnull(strstr(s, ": info: next\n"));
	free(s);
	free(big);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_clamps)
{
	char	 name[200];

	log_init("tlog", 0);
	log_set_level(LOG_LEVEL_TRACE + 5);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_TRACE);
	ck_assert_str_eq(log_level_name(LOG_LEVEL_TRACE + 1), "unknown");

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	log_procname(name);
	ck_assert_uint_gt(strlen(log_get_procname()), 0);
	ck_assert_uint_lt(strlen(log_get_procname()), sizeof name - 1);
	ck_assert_int_eq(strncmp(log_get_procname(), name,
	    strlen(log_get_procname())), 0);
	log_procname(NULL);
	ck_assert_str_eq(log_get_procname(), "vireo");
}
END_TEST

START_TEST(check_log_bad_level)
{
	enum log_level	 level = LOG_LEVEL_WARNING;

	ck_assert_int_eq(log_level_parse("verbose", &level), -1);
	ck_assert_int_eq(log_level_parse("", &level), -1);
	ck_assert_int_eq(log_level_parse("infos", &level), -1);
	ck_assert_int_eq(level, LOG_LEVEL_WARNING);
}
END_TEST

START_TEST(check_log_open_fails)
{
	char	*dir, *path, *bad, *s;

	path = check_log_start("tlog", &dir);
	xasprintf(&bad, "%s/missing/dir/t.log", dir);
	errno = 0;
	ck_assert_int_eq(log_open_file(bad), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* The old file stays in use. */
	log_info("kept old file");
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "kept old file"));
	free(s);
	free(bad);

	bad = xmalloc(PATH_MAX + 10);
	memset(bad, 'a', PATH_MAX + 9);
	bad[0] = '/';
	bad[PATH_MAX + 9] = '\0';
	errno = 0;
	ck_assert_int_eq(log_open_file(bad), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	free(bad);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_reopen_fails)
{
	char	*dir, *path, *sub, *file, *cmd;

	dir = check_log_tmpdir();
	xasprintf(&sub, "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	xasprintf(&file, "%s/t.log", sub);
	log_init("tlog", 0);
	/* Nothing to reopen is not an error. */
	ck_assert_int_eq(log_reopen(), 0);
	ck_assert_int_eq(log_open_file(file), 0);
	xasprintf(&cmd, "rm -rf '%s'", sub);
	ck_assert_int_eq(system(cmd), 0);
	errno = 0;
	ck_assert_int_eq(log_reopen(), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* The file target stays enabled on the old descriptor. */
	ck_assert_int_eq(log_get_dest() & LOG_TO_FILE, LOG_TO_FILE);
	free(cmd);
	free(file);
	path = xstrdup("unused");
	check_log_rmdir(dir, path);
	free(sub);
}
END_TEST

START_TEST(check_log_close)
{
	char	*dir, *path, *s;

	path = check_log_start("tlog", &dir);
	log_info("open");
	log_close();
	ck_assert_int_eq(log_get_dest() & LOG_TO_FILE, 0);
	log_info("closed");
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "open"));
	ck_assert_ptr_null(strstr(s, "closed"));
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

START_TEST(check_log_fatalx)
{
	log_init("tlog", 0);
	fatalx("start-up failed");
}
END_TEST

START_TEST(check_log_fatal_message)
{
	char	*dir, *path, *s;
	pid_t	 pid;
	int	 status;

	path = check_log_start("tlog", &dir);
	if ((pid = fork()) == 0) {
		errno = EADDRINUSE;
		fatal("listen %s", "/run/x.sock");
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 1);
	s = check_log_slurp(path);
	ck_assert_ptr_nonnull(strstr(s, ": error: listen /run/x.sock: "));
	ck_assert_ptr_nonnull(strstr(s, strerror(EADDRINUSE)));
	free(s);
	check_log_rmdir(dir, path);
}
END_TEST

static Suite *
check_log_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("log");

	tc = tcase_create("core");
	tcase_add_test(tc, check_log_threshold);
	tcase_add_test(tc, check_log_level_names);
	tcase_add_test(tc, check_log_file_format);
	tcase_add_test(tc, check_log_control_chars);
	tcase_add_test(tc, check_log_errno_text);
	tcase_add_test(tc, check_log_rotation);
	tcase_add_test(tc, check_log_buffered);
	tcase_add_test(tc, check_log_file_mode);
	tcase_add_test(tc, check_log_stderr);
	tcase_add_test(tc, check_log_both_targets);
	tcase_add_test(tc, check_log_libevent);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, check_log_long_line);
	tcase_add_test(tc, check_log_clamps);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, check_log_bad_level);
	tcase_add_test(tc, check_log_open_fails);
	tcase_add_test(tc, check_log_reopen_fails);
	tcase_add_test(tc, check_log_close);
	tcase_add_exit_test(tc, check_log_fatalx, 1);
	tcase_add_test(tc, check_log_fatal_message);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_log_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
