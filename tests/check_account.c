/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the writing half of lib/account.c: users and groups made,
 * changed and removed are what account_login, account_groups and
 * account_is_console_admin see at once; the files keep their modes
 * (shadow 0600) and SHA-512 hashes; names, passwords and descriptions
 * outside the rules are refused with the field named and nothing written.
 * account_refresh's generation moves when, and only when, a file may have
 * changed.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "account.h"
#include "xmalloc.h"

struct check_account_env {
	char		*ca_root;
	struct account	*ca_au;
};

static void	 check_account_setup(struct check_account_env *);
static void	 check_account_teardown(struct check_account_env *);
static char	*check_account_read(struct check_account_env *,
		    const char *);
static int	 check_account_login(struct check_account_env *,
		    const char *, const char *);
static void	 check_account_mtime(struct check_account_env *,
		    const char *, time_t, long);
static void	 check_account_rewrite(struct check_account_env *,
		    const char *, const char *);
static Suite	*check_account_suite(void);

/* A root with a fresh host's files (as hostd's first boot writes them). */
static void
check_account_setup(struct check_account_env *e)
{
	char	*path;
	FILE	*f;

	e->ca_root = xstrdup("/tmp/check_acct.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(e->ca_root));
	xasprintf(&path, "%s/etc", e->ca_root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	xasprintf(&path, "%s/etc/vireo", e->ca_root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	xasprintf(&path, "%s/etc/vireo/passwd", e->ca_root);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("root:x:0:0:Administrator:/:/bin/sh\n", f);
	fclose(f);
	free(path);
	xasprintf(&path, "%s/etc/vireo/group", e->ca_root);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("root:x:0:root\nlocaladmin:x:1000:root\n", f);
	fclose(f);
	free(path);
	xasprintf(&path, "%s/etc/vireo/shadow", e->ca_root);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("root::19000:0:99999:7:::\n", f);
	fclose(f);
	chmod(path, 0600);
	free(path);
	e->ca_au = account_create(e->ca_root, 0, 0);
}

static void
check_account_teardown(struct check_account_env *e)
{
	const char	*files[] = { "passwd", "shadow", "group", NULL };
	char		*path;
	size_t		 i;

	account_free(e->ca_au);
	for (i = 0; files[i] != NULL; i++) {
		xasprintf(&path, "%s/etc/vireo/%s", e->ca_root, files[i]);
		unlink(path);
		free(path);
	}
	xasprintf(&path, "%s/etc/vireo", e->ca_root);
	rmdir(path);
	free(path);
	xasprintf(&path, "%s/etc", e->ca_root);
	rmdir(path);
	free(path);
	rmdir(e->ca_root);
	free(e->ca_root);
}

static char *
check_account_read(struct check_account_env *e, const char *file)
{
	char	*path, *buf;
	FILE	*f;
	size_t	 n;

	xasprintf(&path, "%s/etc/vireo/%s", e->ca_root, file);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	free(path);
	buf = xcalloc(1, 65536);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

static int
check_account_login(struct check_account_env *e, const char *user,
    const char *pw)
{
	return (account_login(e->ca_au, user, pw, "test", NULL) == 0);
}

START_TEST(check_account_user_lifecycle)
{
	struct check_account_env	 e;
	struct stat			 sb;
	char				*cause = NULL, *s, *path;

	check_account_setup(&e);
	ck_assert_int_eq(account_user_add(e.ca_au, "alice", "Alice-pass1",
	    "Alice A", -1, 0, &cause), 0);
	ck_assert(check_account_login(&e, "alice", "Alice-pass1"));
	ck_assert(!check_account_login(&e, "alice", "Alice-pass2"));
	s = check_account_read(&e, "shadow");
	ck_assert_ptr_nonnull(strstr(s, "\nalice:$6$"));
	ck_assert_ptr_null(strstr(s, "Alice-pass1"));
	free(s);
	xasprintf(&path, "%s/etc/vireo/shadow", e.ca_root);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	free(path);
	s = check_account_read(&e, "passwd");
	ck_assert_ptr_nonnull(strstr(s, "alice:x:1001:100:Alice A:/:"));
	free(s);

	/* A new password works at once, the old one no longer. */
	ck_assert_int_eq(account_user_set_password(e.ca_au, "alice",
	    "Alice-pass2", &cause), 0);
	ck_assert(!check_account_login(&e, "alice", "Alice-pass1"));
	ck_assert(check_account_login(&e, "alice", "Alice-pass2"));
	ck_assert_int_eq(account_user_set_description(e.ca_au, "alice",
	    "Alice B", &cause), 0);
	s = check_account_read(&e, "passwd");
	ck_assert_ptr_nonnull(strstr(s, ":Alice B:"));
	free(s);

	ck_assert_int_eq(account_user_remove(e.ca_au, "alice", &cause), 0);
	ck_assert(!check_account_login(&e, "alice", "Alice-pass2"));
	ck_assert(!account_exists(e.ca_au, "alice", 0));
	/* root is untouched by all this. */
	ck_assert(check_account_login(&e, "root", ""));
	check_account_teardown(&e);
}
END_TEST

START_TEST(check_account_groups_and_console)
{
	struct check_account_env	 e;
	char				*cause = NULL, **groups, *s;

	check_account_setup(&e);
	ck_assert(account_is_console_admin(e.ca_au, "root"));
	ck_assert_int_eq(account_user_add(e.ca_au, "bob", "Bob-pass-1", NULL,
	    2000, 1, &cause), 0);
	ck_assert(!account_is_console_admin(e.ca_au, "bob"));
	ck_assert_int_eq(account_group_add(e.ca_au, "devs", -1, &cause), 0);
	ck_assert_int_eq(account_group_member(e.ca_au, "bob", "devs", 1,
	    &cause), 0);
	ck_assert_int_eq(account_group_member(e.ca_au, "bob",
	    ACCOUNT_CONSOLE_GROUP, 1, &cause), 0);
	ck_assert(account_is_console_admin(e.ca_au, "bob"));
	ck_assert_ptr_nonnull(groups = account_groups(e.ca_au, "bob"));
	ck_assert_str_eq(groups[0], "localadmin");
	ck_assert_str_eq(groups[1], "devs");
	ck_assert_ptr_null(groups[2]);
	account_groups_free(groups);
	s = check_account_read(&e, "group");
	ck_assert_ptr_nonnull(strstr(s, "localadmin:x:1000:root,bob\n"));
	ck_assert_ptr_nonnull(strstr(s, "devs:x:1001:bob\n"));
	free(s);

	ck_assert_int_eq(account_group_member(e.ca_au, "bob",
	    ACCOUNT_CONSOLE_GROUP, 0, &cause), 0);
	ck_assert(!account_is_console_admin(e.ca_au, "bob"));
	/* Removing the user removes its memberships. */
	ck_assert_int_eq(account_user_remove(e.ca_au, "bob", &cause), 0);
	s = check_account_read(&e, "group");
	ck_assert_ptr_null(strstr(s, "bob"));
	free(s);
	ck_assert_int_eq(account_group_remove(e.ca_au, "devs", &cause), 0);
	ck_assert(!account_exists(e.ca_au, "devs", 1));
	check_account_teardown(&e);
}
END_TEST

START_TEST(check_account_rules)
{
	struct check_account_env	 e;
	char				*cause = NULL, *before, *after;
	char				 name[40];

	check_account_setup(&e);
	before = check_account_read(&e, "passwd");
	/* Passwords: 8 characters at least. */
	ck_assert_int_eq(account_user_add(e.ca_au, "carol", "1234567", NULL,
	    -1, 0, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(strstr(cause, "password:") == cause ? "yes" : "no",
	    "yes");
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_add(e.ca_au, "carol", "12345678", NULL,
	    -1, 0, &cause), 0);
	ck_assert_int_eq(account_user_set_password(e.ca_au, "carol", "",
	    &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);
	cause = NULL;
	/* Names: 32 characters of [a-z0-9_.-] at most. */
	memset(name, 'a', 32);
	name[32] = '\0';
	ck_assert_int_eq(account_user_add(e.ca_au, name, NULL, NULL, -1, 0,
	    &cause), 0);
	ck_assert(!check_account_login(&e, name, ""));	/* locked: no pw */
	name[32] = 'a';
	name[33] = '\0';
	ck_assert_int_eq(account_user_add(e.ca_au, name, NULL, NULL, -1, 0,
	    &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_add(e.ca_au, "Eve", "Eve-pass-1", NULL,
	    -1, 0, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_add(e.ca_au, "eve:0", "Eve-pass-1", NULL,
	    -1, 0, &cause), -1);
	free(cause);
	cause = NULL;
	/* Descriptions cannot break the file format. */
	ck_assert_int_eq(account_user_add(e.ca_au, "eve", "Eve-pass-1",
	    "a:b", -1, 0, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(strncmp(cause, "description:", 12) == 0);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_set_description(e.ca_au, "carol",
	    "x\ny", &cause), -1);
	free(cause);
	cause = NULL;
	after = check_account_read(&e, "passwd");
	ck_assert_ptr_null(strstr(after, "eve"));
	ck_assert_ptr_null(strstr(after, "\nx"));
	free(before);
	free(after);
	check_account_teardown(&e);
}
END_TEST

START_TEST(check_account_errors)
{
	struct check_account_env	 e;
	char				*cause = NULL;

	check_account_setup(&e);
	ck_assert_int_eq(account_user_add(e.ca_au, "dave", "Dave-pass-1",
	    NULL, -1, 0, &cause), 0);
	ck_assert_int_eq(account_user_add(e.ca_au, "dave", "Dave-pass-2",
	    NULL, -1, 0, &cause), -1);
	ck_assert_int_eq(errno, EEXIST);
	free(cause);
	cause = NULL;
	ck_assert(check_account_login(&e, "dave", "Dave-pass-1"));
	ck_assert_int_eq(account_user_add(e.ca_au, "frank", "Frank-pass",
	    NULL, 1001, 0, &cause), -1);	/* dave has 1001 */
	ck_assert_int_eq(errno, EEXIST);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_remove(e.ca_au, "root", &cause), -1);
	ck_assert_int_eq(errno, EPERM);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_remove(e.ca_au, "nobody", &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_user_set_password(e.ca_au, "nobody",
	    "Nobody-pass", &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_group_remove(e.ca_au, ACCOUNT_CONSOLE_GROUP,
	    &cause), -1);
	ck_assert_int_eq(errno, EPERM);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_group_member(e.ca_au, "dave", "nogroup", 1,
	    &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_group_member(e.ca_au, "dave",
	    ACCOUNT_CONSOLE_GROUP, 0, &cause), -1);
	ck_assert_int_eq(errno, ESRCH);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_group_member(e.ca_au, "root",
	    ACCOUNT_CONSOLE_GROUP, 1, &cause), -1);
	ck_assert_int_eq(errno, EEXIST);
	free(cause);
	cause = NULL;
	ck_assert(!account_is_console_admin(e.ca_au, "nobody"));
	check_account_teardown(&e);
}
END_TEST

/* Set path's mtime to sec seconds and nsec nanoseconds. */
static void
check_account_mtime(struct check_account_env *e, const char *file,
    time_t sec, long nsec)
{
	struct timespec	 ts[2];
	char		*path;

	ts[0].tv_sec = ts[1].tv_sec = sec;
	ts[0].tv_nsec = ts[1].tv_nsec = nsec;
	xasprintf(&path, "%s/etc/vireo/%s", e->ca_root, file);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	free(path);
}

/* Rewrite file in place (same inode) with text. */
static void
check_account_rewrite(struct check_account_env *e, const char *file,
    const char *text)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/etc/vireo/%s", e->ca_root, file);
	ck_assert_ptr_nonnull(f = fopen(path, "r+"));
	ck_assert_int_eq(ftruncate(fileno(f), 0), 0);
	fputs(text, f);
	fclose(f);
	free(path);
}

/*
 * account_refresh moves the generation exactly when a file may have
 * changed: a stat that differs (even by a nanosecond of mtime), a file
 * too recent to trust, or a write of this struct account.
 */
START_TEST(check_account_generation)
{
	struct check_account_env	 e;
	unsigned long long		 g, g2;
	time_t				 old = time(NULL) - 3600;
	char				*cause = NULL;

	check_account_setup(&e);
	ck_assert_uint_ne(account_generation(e.ca_au), 0);
	/* Fresh files: never trusted, every refresh moves. */
	g = account_refresh(e.ca_au);
	ck_assert_uint_ne(account_refresh(e.ca_au), g);

	check_account_mtime(&e, "passwd", old, 0);
	check_account_mtime(&e, "group", old, 0);
	g = account_refresh(e.ca_au);
	ck_assert_uint_eq(account_refresh(e.ca_au), g);
	ck_assert_uint_eq(account_generation(e.ca_au), g);

	/* Same size, same inode, 1 ns later. */
	check_account_rewrite(&e, "group", "root:x:0:root\n"
	    "localadmin:x:1000:toor\n");
	check_account_mtime(&e, "group", old, 1);
	g2 = account_refresh(e.ca_au);
	ck_assert_uint_ne(g2, g);
	ck_assert_uint_eq(account_refresh(e.ca_au), g2);
	/* Another size, the old mtime. */
	check_account_rewrite(&e, "group", "root:x:0:root\n");
	check_account_mtime(&e, "group", old, 1);
	g = account_refresh(e.ca_au);
	ck_assert_uint_ne(g, g2);
	ck_assert_uint_eq(account_refresh(e.ca_au), g);

	/* Writes and account_invalidate move it without a refresh. */
	ck_assert_int_eq(account_group_add(e.ca_au, "devs", -1, &cause), 0);
	ck_assert_uint_ne(account_generation(e.ca_au), g);
	g = account_generation(e.ca_au);
	account_invalidate(e.ca_au);
	ck_assert_uint_ne(account_generation(e.ca_au), g);
	check_account_teardown(&e);
}
END_TEST

static Suite *
check_account_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("account");
	tc = tcase_create("core");
	tcase_add_test(tc, check_account_user_lifecycle);
	tcase_add_test(tc, check_account_groups_and_console);
	tcase_add_test(tc, check_account_generation);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, check_account_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_account_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_account_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
