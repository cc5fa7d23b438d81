/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for vmx/vmxlog.c: VMware-style rotation of vmware.log at
 * power-on (keeps log.keepOld old logs, renumbers them newest first, drops
 * the surplus) and what the log holds once opened.  Every test works in a
 * fresh temporary directory and looks at the files a person would see.
 */

#include "config.h"

#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "xmalloc.h"
#include "vmx.h"

static char	*check_vmxlog_tmpdir(void);
static void	 check_vmxlog_put(const char *, const char *, const char *);
static char	*check_vmxlog_get(const char *, const char *);
static void	 check_vmxlog_rm(const char *);
static void	 check_vmxlog_expect(const char *, const char *,
		     const char *);
static Suite	*check_vmxlog_suite(void);

static char *
check_vmxlog_tmpdir(void)
{
	char	*dir;

	dir = xstrdup("/tmp/vt.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	return (dir);
}

/* Write text as dir/name. */
static void
check_vmxlog_put(const char *dir, const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(path);
}

/* dir/name's content, or NULL if it does not exist. */
static char *
check_vmxlog_get(const char *dir, const char *name)
{
	char	*path, buf[65536];
	size_t	 n;
	FILE	*f;

	xasprintf(&path, "%s/%s", dir, name);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return (NULL);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (xstrdup(buf));
}

/* Remove dir and the files in it. */
static void
check_vmxlog_rm(const char *dir)
{
	char	*cmd;

	xasprintf(&cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* dir/name holds want, or does not exist when want is NULL. */
static void
check_vmxlog_expect(const char *dir, const char *name, const char *want)
{
	char	*got;

	got = check_vmxlog_get(dir, name);
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s exists: %s", name, got);
	else {
		ck_assert_msg(got != NULL, "%s missing", name);
		ck_assert_str_eq(got, want);
	}
	free(got);
}

START_TEST(test_rotated_name)
{
	static const struct {
		const char	*path;
		unsigned int	 n;
		const char	*want;
	} cases[] = {
		{ "/vm/vmware.log", 0, "/vm/vmware-0.log" },
		{ "/vm/vmware.log", 12, "/vm/vmware-12.log" },
		{ "vmware.log", 1, "vmware-1.log" },
		{ "/vm/console", 2, "/vm/console-2" },
		{ "/vm.d/console", 0, "/vm.d/console-0" },
		{ "/vm/.hidden", 0, "/vm/.hidden-0" },
		{ "/vm/a.b.txt", 3, "/vm/a.b-3.txt" },
	};
	char	*name;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		name = vmx_log_rotated_name(cases[i].path, cases[i].n);
		ck_assert_str_eq(name, cases[i].want);
		free(name);
	}
}
END_TEST

START_TEST(test_rotate_keeps_n)
{
	char	*dir, *path, *cause = NULL;

	dir = check_vmxlog_tmpdir();
	xasprintf(&path, "%s/vmware.log", dir);
	check_vmxlog_put(dir, "vmware.log", "run6\n");
	check_vmxlog_put(dir, "vmware-0.log", "run5\n");
	check_vmxlog_put(dir, "vmware-1.log", "run4\n");
	check_vmxlog_put(dir, "vmware-2.log", "run3\n");
	check_vmxlog_put(dir, "vmware-3.log", "run2\n");
	check_vmxlog_put(dir, "vmware-4.log", "run1\n");
	check_vmxlog_put(dir, "other.log", "keep\n");

	ck_assert_int_eq(vmx_log_rotate(path, 3, &cause), 0);
	check_vmxlog_expect(dir, "vmware.log", NULL);
	check_vmxlog_expect(dir, "vmware-0.log", "run6\n");
	check_vmxlog_expect(dir, "vmware-1.log", "run5\n");
	check_vmxlog_expect(dir, "vmware-2.log", "run4\n");
	check_vmxlog_expect(dir, "vmware-3.log", NULL);
	check_vmxlog_expect(dir, "vmware-4.log", NULL);
	check_vmxlog_expect(dir, "other.log", "keep\n");

	/* Nothing to rotate is fine, and keeps what is there. */
	ck_assert_int_eq(vmx_log_rotate(path, 3, &cause), 0);
	check_vmxlog_expect(dir, "vmware-0.log", NULL);
	check_vmxlog_expect(dir, "vmware-1.log", "run6\n");
	check_vmxlog_expect(dir, "vmware-2.log", "run5\n");
	check_vmxlog_expect(dir, "vmware-3.log", NULL);
	free(path);
	check_vmxlog_rm(dir);
	free(dir);
}
END_TEST

START_TEST(test_rotate_runs)
{
	char		*dir, *path, *cause = NULL, text[32], *want;
	unsigned int	 run, keep = (unsigned int)_i, i;

	/* keepOld from 0 to 4 over seven power-ons. */
	dir = check_vmxlog_tmpdir();
	xasprintf(&path, "%s/vmware.log", dir);
	for (run = 1; run <= 7; run++) {
		ck_assert_int_eq(vmx_log_rotate(path, keep, &cause), 0);
		snprintf(text, sizeof text, "run%u\n", run);
		check_vmxlog_put(dir, "vmware.log", text);
	}
	check_vmxlog_expect(dir, "vmware.log", "run7\n");
	for (i = 0; i < 6; i++) {
		snprintf(text, sizeof text, "vmware-%u.log", i);
		if (i < keep) {
			xasprintf(&want, "run%u\n", 6 - i);
			check_vmxlog_expect(dir, text, want);
			free(want);
		} else
			check_vmxlog_expect(dir, text, NULL);
	}
	free(path);
	check_vmxlog_rm(dir);
	free(dir);
}
END_TEST

START_TEST(test_rotate_shrink)
{
	char	*dir, *path, *cause = NULL;

	/* A smaller log.keepOld than last time drops the extra old logs. */
	dir = check_vmxlog_tmpdir();
	xasprintf(&path, "%s/my.txt", dir);
	check_vmxlog_put(dir, "my.txt", "c\n");
	check_vmxlog_put(dir, "my-0.txt", "b\n");
	check_vmxlog_put(dir, "my-1.txt", "a\n");
	ck_assert_int_eq(vmx_log_rotate(path, 1, &cause), 0);
	check_vmxlog_expect(dir, "my.txt", NULL);
	check_vmxlog_expect(dir, "my-0.txt", "c\n");
	check_vmxlog_expect(dir, "my-1.txt", NULL);

	check_vmxlog_put(dir, "my.txt", "d\n");
	ck_assert_int_eq(vmx_log_rotate(path, 0, &cause), 0);
	check_vmxlog_expect(dir, "my.txt", NULL);
	check_vmxlog_expect(dir, "my-0.txt", NULL);
	free(path);
	check_vmxlog_rm(dir);
	free(dir);
}
END_TEST

START_TEST(test_rotate_error)
{
	char	*dir, *path, *sub, *cause = NULL, *want;

	/* An old log that cannot be removed stops the rotation. */
	dir = check_vmxlog_tmpdir();
	xasprintf(&path, "%s/vmware.log", dir);
	xasprintf(&sub, "%s/vmware-0.log", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	check_vmxlog_put(sub, "x", "x\n");
	check_vmxlog_put(dir, "vmware.log", "new\n");
	ck_assert_int_eq(vmx_log_rotate(path, 1, &cause), -1);
	xasprintf(&want, "cannot rotate %s: Is a directory", sub);
	ck_assert_str_eq(cause, want);
	check_vmxlog_expect(dir, "vmware.log", "new\n");
	free(want);
	free(cause);
	free(sub);
	free(path);
	check_vmxlog_rm(dir);
	free(dir);
}
END_TEST

START_TEST(test_open_and_banner)
{
	struct cfg	*cfg;
	struct vmx_conf	*vc;
	char		*dir, *vmx, *cause = NULL, *text, *log;

	dir = check_vmxlog_tmpdir();
	xasprintf(&vmx, "%s/t1.vmx", dir);
	text = xstrdup("displayName = \"t1\"\nmemsize = \"64\"\n"
	    "numvcpus = \"2\"\nvireo.kernel = \"k.elf\"\n"
	    "vireo.cmdline = \"test=hello\"\nannotation = \"a|0Ab\"\n"
	    "log.keepOld = \"1\"\n");
	cfg = cfg_parse(text, strlen(text), vmx, &cause);
	ck_assert_ptr_nonnull(cfg);
	vc = vmx_conf_create(cfg, vmx, 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);

	check_vmxlog_put(dir, "vmware.log", "old\n");
	log_init("vmx", 0);
	ck_assert_int_eq(vmx_log_open(vc, &cause), 0);
	vmx_log_banner(vc, cfg, 1);
	log_info("powered off");
	log_close();

	check_vmxlog_expect(dir, "vmware-0.log", "old\n");
	log = check_vmxlog_get(dir, "vmware.log");
	ck_assert_ptr_nonnull(log);
	ck_assert_ptr_nonnull(strstr(log, "vmx["));
	ck_assert_ptr_nonnull(strstr(log, "info: Vireo vmx " PACKAGE_VERSION
	    "\n"));
	ck_assert_ptr_nonnull(strstr(log, "KVM provided by PVM"));
	ck_assert_ptr_nonnull(strstr(log, vmx));
	ck_assert_ptr_nonnull(strstr(log, "memsize 64 MiB, 2 vCPUs\n"));
	ck_assert_ptr_nonnull(strstr(log, "cmdline \"test=hello\"\n"));
	ck_assert_ptr_nonnull(strstr(log, "DICT memsize = \"64\"\n"));
	/* A value's newline cannot forge a log line. */
	ck_assert_ptr_nonnull(strstr(log, "DICT annotation = \"a?b\"\n"));
	ck_assert_ptr_nonnull(strstr(log, "info: powered off\n"));
	ck_assert_int_eq(strcmp(log + strlen(log) - strlen("powered off\n"),
	    "powered off\n"), 0);
	free(log);

	/* logging = "FALSE": no log, no rotation. */
	vc->vc_logging = 0;
	ck_assert_int_eq(vmx_log_open(vc, &cause), 0);
	ck_assert_ptr_nonnull((log = check_vmxlog_get(dir, "vmware.log")));
	free(log);

	vmx_conf_free(vc);
	cfg_free(cfg);
	free(text);
	free(vmx);
	check_vmxlog_rm(dir);
	free(dir);
}
END_TEST

START_TEST(test_open_error)
{
	struct cfg	*cfg;
	struct vmx_conf	*vc;
	char		*cause = NULL;
	const char	*text = "vireo.kernel = \"/k\"\n";

	cfg = cfg_parse(text, strlen(text), "x", &cause);
	ck_assert_ptr_nonnull(cfg);
	vc = vmx_conf_create(cfg, "/nonexistent/dir/x.vmx", 0, &cause);
	ck_assert_ptr_nonnull(vc);
	ck_assert_int_eq(vmx_log_open(vc, &cause), -1);
	ck_assert_str_eq(cause, "cannot open /nonexistent/dir/vmware.log: "
	    "No such file or directory");
	free(cause);
	vmx_conf_free(vc);
	cfg_free(cfg);
}
END_TEST

static Suite *
check_vmxlog_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("vmxlog");
	tc = tcase_create("core");
	tcase_add_test(tc, test_rotated_name);
	tcase_add_test(tc, test_rotate_keeps_n);
	tcase_add_loop_test(tc, test_rotate_runs, 0, 5);
	tcase_add_test(tc, test_rotate_shrink);
	tcase_add_test(tc, test_open_and_banner);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_rotate_error);
	tcase_add_test(tc, test_open_error);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_vmxlog_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
