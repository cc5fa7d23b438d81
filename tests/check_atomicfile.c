/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/atomicfile.c: the new contents and exact mode land,
 * the file is replaced (not rewritten in place), and on every failure (a
 * write refused by RLIMIT_FSIZE, a rename onto a directory, a missing
 * directory, an abort) the old file is intact and no temporary file is
 * left in the directory.
 */

#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "atomicfile.h"
#include "xmalloc.h"

static char	*check_atomicfile_tmpdir(void);
static void	 check_atomicfile_rmdir(char *);
static int	 check_atomicfile_count(const char *);
static char	*check_atomicfile_read(const char *);
static void	 check_atomicfile_put(const char *, const char *);
static int	 check_atomicfile_fsize_child(const char *, int);
static Suite	*check_atomicfile_suite(void);

static char *
check_atomicfile_tmpdir(void)
{
	char	*dir;

	dir = xstrdup("/tmp/check_af.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return (dir);
}

/* Remove dir and the plain files in it (one level is all tests make). */
static void
check_atomicfile_rmdir(char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			xasprintf(&path, "%s/%s", dir, de->d_name);
			if (unlink(path) == -1)
				rmdir(path);
			free(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

/* Directory entries other than . and .. (temporary files included). */
static int
check_atomicfile_count(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return (n);
}

static char *
check_atomicfile_read(const char *path)
{
	char	 buf[8192];
	ssize_t	 n;
	int	 fd;

	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	n = read(fd, buf, sizeof buf - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return (xstrdup(buf));
}

static void
check_atomicfile_put(const char *path, const char *text)
{
	char	*cause = NULL;

	ck_assert_msg(atomicfile_write(path, text, strlen(text), 0644,
	    &cause) == 0, "%s", cause);
}

/*
 * In a child limited to 100-byte files, try to replace path with 4 KiB
 * (streaming if stream is set).  The child exits 0 when the write failed
 * with EFBIG and a message saying so.
 */
static int
check_atomicfile_fsize_child(const char *path, int stream)
{
	struct rlimit		 rl = { 100, 100 };
	struct atomicfile	*af;
	char			 big[4096], *cause = NULL;
	pid_t			 pid;
	int			 status, rc;

	memset(big, 'n', sizeof big);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		/* Without this, exceeding the limit kills the process. */
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(10);
		if (!stream)
			rc = atomicfile_write(path, big, sizeof big, 0644,
			    &cause);
		else {
			if ((af = atomicfile_open(path, 0644, &cause)) == NULL)
				_exit(11);
			/* Ignore the append's result: commit must see it. */
			atomicfile_append(af, big, sizeof big, &cause);
			free(cause);
			rc = atomicfile_commit(af, &cause);
		}
		if (rc != -1 || errno != EFBIG)
			_exit(12);
		if (cause == NULL || strstr(cause, "writing: File too large") ==
		    NULL)
			_exit(13);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

START_TEST(check_atomicfile_write_new_and_replace)
{
	struct stat	 st, st2;
	char		*dir, *path, *text, *cause = NULL;
	int		 oldfd;
	char		 buf[64];
	ssize_t		 n;

	dir = check_atomicfile_tmpdir();
	xasprintf(&path, "%s/state.xml", dir);

	/* The mode is exact: the umask does not narrow or widen it. */
	umask(077);
	ck_assert_int_eq(atomicfile_write(path, "one\n", 4, 0644, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "one\n");
	free(text);

	/* A reader holding the old file keeps the old contents: the file is
	 * replaced by rename, never truncated and rewritten. */
	ck_assert_int_ne(oldfd = open(path, O_RDONLY), -1);
	ck_assert_int_eq(atomicfile_write(path, "two, longer\n", 12, 0600,
	    &cause), 0);
	n = read(oldfd, buf, sizeof buf - 1);
	ck_assert_int_eq(n, 4);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "one\n");
	close(oldfd);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_ne(st.st_ino, st2.st_ino);
	ck_assert_uint_eq(st2.st_mode & 07777, 0600);
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "two, longer\n");
	free(text);

	/* Empty contents are fine too. */
	ck_assert_int_eq(atomicfile_write(path, "", 0, 0640, NULL), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);

	ck_assert_int_eq(check_atomicfile_count(dir), 1);
	free(path);
	check_atomicfile_rmdir(dir);
}
END_TEST

START_TEST(check_atomicfile_stream)
{
	struct atomicfile	*af;
	char			*dir, *path, *text, *cause = NULL;

	dir = check_atomicfile_tmpdir();
	xasprintf(&path, "%s/passwd", dir);
	check_atomicfile_put(path, "old\n");

	af = atomicfile_open(path, 0600, &cause);
	ck_assert_ptr_nonnull(af);
	ck_assert_int_eq(atomicfile_append(af, "root:x:0\n", 9, &cause), 0);
	ck_assert_int_eq(write(atomicfile_fd(af), "ops:x:1\n", 8), 8);
	/* Until the commit, the old file is what everyone sees. */
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "old\n");
	free(text);
	ck_assert_int_eq(check_atomicfile_count(dir), 2);
	ck_assert_int_eq(atomicfile_commit(af, &cause), 0);
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "root:x:0\nops:x:1\n");
	free(text);
	ck_assert_int_eq(check_atomicfile_count(dir), 1);

	/* Abort: old contents stay, the temporary file goes. */
	af = atomicfile_open(path, 0600, &cause);
	ck_assert_ptr_nonnull(af);
	ck_assert_int_eq(atomicfile_append(af, "half", 4, &cause), 0);
	atomicfile_abort(af);
	atomicfile_abort(NULL);
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "root:x:0\nops:x:1\n");
	free(text);
	ck_assert_int_eq(check_atomicfile_count(dir), 1);

	free(path);
	check_atomicfile_rmdir(dir);
}
END_TEST

START_TEST(check_atomicfile_relative_and_long_names)
{
	char	*dir, *text, name[256];

	dir = check_atomicfile_tmpdir();
	/* Check runs each test in its own process: chdir is harmless. */
	ck_assert_int_eq(chdir(dir), 0);
	check_atomicfile_put("plain.conf", "x = 1\n");
	text = check_atomicfile_read("plain.conf");
	ck_assert_str_eq(text, "x = 1\n");
	free(text);

	/* A name of NAME_MAX bytes still gets a temporary file. */
	memset(name, 'n', 255);
	name[255] = '\0';
	check_atomicfile_put(name, "long\n");
	text = check_atomicfile_read(name);
	ck_assert_str_eq(text, "long\n");
	free(text);
	ck_assert_int_eq(check_atomicfile_count("."), 2);
	check_atomicfile_rmdir(dir);
}
END_TEST

START_TEST(check_atomicfile_write_fails_fsize)
{
	char	*dir, *path, *text;

	dir = check_atomicfile_tmpdir();
	xasprintf(&path, "%s/hostd.conf", dir);
	check_atomicfile_put(path, "port = \"443\"\n");

	ck_assert_int_eq(check_atomicfile_fsize_child(path, 0), 0);
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "port = \"443\"\n");
	free(text);
	ck_assert_int_eq(check_atomicfile_count(dir), 1);

	ck_assert_int_eq(check_atomicfile_fsize_child(path, 1), 0);
	text = check_atomicfile_read(path);
	ck_assert_str_eq(text, "port = \"443\"\n");
	free(text);
	ck_assert_int_eq(check_atomicfile_count(dir), 1);

	free(path);
	check_atomicfile_rmdir(dir);
}
END_TEST

START_TEST(check_atomicfile_rename_fails)
{
	char	*dir, *path, *inner, *cause = NULL;

	/* The target is a non-empty directory: rename(2) must refuse. */
	dir = check_atomicfile_tmpdir();
	xasprintf(&path, "%s/target", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	xasprintf(&inner, "%s/keep", path);
	check_atomicfile_put(inner, "k");

	errno = 0;
	ck_assert_int_eq(atomicfile_write(path, "data", 4, 0644, &cause), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_ptr_nonnull(strstr(cause, "/target: replacing: "));
	free(cause);
	ck_assert_int_eq(check_atomicfile_count(dir), 1);
	ck_assert_int_eq(check_atomicfile_count(path), 1);

	ck_assert_int_eq(unlink(inner), 0);
	free(inner);
	free(path);
	check_atomicfile_rmdir(dir);
}
END_TEST

START_TEST(check_atomicfile_bad_paths)
{
	char	*dir, *path, *want, *cause = NULL;

	dir = check_atomicfile_tmpdir();
	xasprintf(&path, "%s/nodir/file", dir);
	errno = 0;
	ck_assert_ptr_null(atomicfile_open(path, 0644, &cause));
	ck_assert_int_eq(errno, ENOENT);
	xasprintf(&want, "%s: creating temporary file: %s", path,
	    strerror(ENOENT));
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	ck_assert_int_eq(atomicfile_write(path, "x", 1, 0644, NULL), -1);
	ck_assert_int_eq(check_atomicfile_count(dir), 0);

	errno = 0;
	ck_assert_int_eq(atomicfile_write("", "x", 1, 0644, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);
	free(path);
	xasprintf(&path, "%s/", dir);
	ck_assert_int_eq(atomicfile_write(path, "x", 1, 0644, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "not a file name"));
	free(cause);
	free(path);
	check_atomicfile_rmdir(dir);
}
END_TEST

static Suite *
check_atomicfile_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("atomicfile");

	tc = tcase_create("core");
	tcase_add_test(tc, check_atomicfile_write_new_and_replace);
	tcase_add_test(tc, check_atomicfile_stream);
	tcase_add_test(tc, check_atomicfile_relative_and_long_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, check_atomicfile_write_fails_fsize);
	tcase_add_test(tc, check_atomicfile_rename_fails);
	tcase_add_test(tc, check_atomicfile_bad_paths);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_atomicfile_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
