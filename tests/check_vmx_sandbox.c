/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for vmx/sandbox.c: the seccomp filter vmx installs once the
 * VM is set up.  Each test forks a child that installs the filter and
 * tries calls, and reports through its exit status, so the filter never
 * reaches the test runner: what the filter allows still works (threads,
 * memory, an allowed ioctl reaching the kernel), what it refuses fails
 * with EPERM, and the dangerous calls, other ABIs included, end the child
 * with SIGSYS.  Built with a sanitizer, whose run time needs calls the
 * filter refuses (vmx leaves the filter off then), only the tests that
 * install no filter run.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/kvm.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "vmx.h"

/* The x32 ABI's marker bit in a system call number. */
#define CHECK_VMX_SANDBOX_X32	0x40000000L

/* How a child ended: its exit status, or 1000 + the signal. */
#define CHECK_VMX_SANDBOX_SIG(s) (1000 + (s))

static int	 check_vmx_sandbox_child(int (*)(void));
static void	 check_vmx_sandbox_install(void);
static int	 check_vmx_sandbox_status_of(const char *, const char *);
static void	*check_vmx_sandbox_thread(void *);
static void	*check_vmx_sandbox_waiter(void *);
static int	 check_vmx_sandbox_allowed(void);
static int	 check_vmx_sandbox_refused(void);
static int	 check_vmx_sandbox_tsync(void);
static int	 check_vmx_sandbox_execve(void);
static int	 check_vmx_sandbox_ptrace(void);
static int	 check_vmx_sandbox_x32(void);
static int	 check_vmx_sandbox_i386(void);
static Suite	*check_vmx_sandbox_suite(void);

/* Run fn in a child; its exit status, or 1000 + the signal that ended it. */
static int
check_vmx_sandbox_child(int (*fn)(void))
{
	pid_t	pid;
	int	status;

	pid = fork();
	ck_assert_msg(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return (CHECK_VMX_SANDBOX_SIG(WTERMSIG(status)));
	return (WEXITSTATUS(status));
}

/* In a child: install the filter, or end with status 99. */
static void
check_vmx_sandbox_install(void)
{
	char	*cause = NULL;

	if (vmx_sandbox_install(&cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		_exit(99);
	}
}

/* The value of field ("Seccomp:") in the status file path, or -1. */
static int
check_vmx_sandbox_status_of(const char *path, const char *field)
{
	char	 line[256];
	FILE	*f;
	int	 v = -1;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0)
			v = atoi(line + strlen(field));
	}
	fclose(f);
	return (v);
}

static void *
check_vmx_sandbox_thread(void *arg)
{
	return (arg);
}

/* A thread that exists before the filter: waits, then tries a socket. */
static void *
check_vmx_sandbox_waiter(void *arg)
{
	int	*fds = arg, s;
	char	 c;

	if (read(fds[0], &c, 1) != 1)
		return ((void *)1);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s != -1 || errno != EPERM)
		return ((void *)2);
	return (NULL);
}

/* What vmx does at run time still works. */
static int
check_vmx_sandbox_allowed(void)
{
	pthread_t	 t;
	void		*ret;
	char		*p, buf[4];
	int		 fds[2], nr = 7;

	if (pipe(fds) == -1)
		return (1);
	check_vmx_sandbox_install();
	/* vCPU threads start after the filter: clone3 refused, clone ok. */
	if (pthread_create(&t, NULL, check_vmx_sandbox_thread, &nr) != 0 ||
	    pthread_join(t, &ret) != 0 || ret != &nr)
		return (2);
	if ((p = malloc(64 << 20)) == NULL)
		return (3);
	memset(p, 1, 64 << 20);
	free(p);
	if (write(fds[1], "abc", 3) != 3 || read(fds[0], buf, 3) != 3)
		return (4);
	/* An allowed request reaches the kernel, which finds no fd. */
	if (ioctl(-1, KVM_RUN, 0) != -1 || errno != EBADF)
		return (5);
	if (prctl(PR_SET_NAME, "vcpu0", 0, 0, 0) != 0)
		return (6);
	if (getpid() <= 0)
		return (7);
	/* Reading /proc is openat: allowed, and shows the filter. */
	if (check_vmx_sandbox_status_of("/proc/self/status", "Seccomp:") != 2)
		return (8);
	if (check_vmx_sandbox_status_of("/proc/self/status",
	    "NoNewPrivs:") != 1)
		return (9);
	return (0);
}

/* What vmx never does gets EPERM (ENOSYS for clone3), and it goes on. */
static int
check_vmx_sandbox_refused(void)
{
	void	*p;

	check_vmx_sandbox_install();
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM)
		return (1);
	if (socket(AF_UNIX, SOCK_STREAM, 0) != -1 || errno != EPERM)
		return (2);
	/* A request made only at set-up, refused before the kernel could
	 * say EBADF. */
	if (ioctl(-1, KVM_CREATE_VM, 0) != -1 || errno != EPERM)
		return (3);
	if (ioctl(-1, TIOCSTI, "x") != -1 || errno != EPERM)
		return (4);
	/* fork is clone without CLONE_THREAD. */
	if (fork() != -1 || errno != EPERM)
		return (5);
	if (syscall(__NR_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return (6);
	/* No new executable memory. */
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED || errno != EPERM)
		return (7);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (8);
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) != -1 || errno != EPERM)
		return (9);
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != -1 || errno != EPERM)
		return (10);
	/* Signals only to our own threads. */
	if (syscall(__NR_tgkill, 1, 1, 0) != -1 || errno != EPERM)
		return (11);
	if (setuid(0) != -1 || errno != EPERM)
		return (12);
	return (0);
}

/* A thread started before the filter has it too (TSYNC). */
static int
check_vmx_sandbox_tsync(void)
{
	pthread_t	 t;
	void		*ret;
	char		 path[64];
	int		 fds[2];
	pid_t		 tid;

	if (pipe(fds) == -1 || pthread_create(&t, NULL,
	    check_vmx_sandbox_waiter, fds) != 0)
		return (1);
	check_vmx_sandbox_install();
	tid = (pid_t)syscall(__NR_gettid);
	snprintf(path, sizeof path, "/proc/self/task/%ld/status", (long)tid);
	if (check_vmx_sandbox_status_of(path, "Seccomp:") != 2)
		return (2);
	if (write(fds[1], "x", 1) != 1 || pthread_join(t, &ret) != 0)
		return (3);
	return (ret == NULL ? 0 : 3 + (int)(long)ret);
}

static int
check_vmx_sandbox_execve(void)
{
	char	*argv[] = { (char *)"/bin/true", NULL };

	check_vmx_sandbox_install();
	execve(argv[0], argv, environ);
	return (1);
}

static int
check_vmx_sandbox_ptrace(void)
{
	check_vmx_sandbox_install();
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return (1);
}

/* getpid under the x32 ABI's number: another ABI, not ours to judge. */
static int
check_vmx_sandbox_x32(void)
{
	check_vmx_sandbox_install();
	syscall(CHECK_VMX_SANDBOX_X32 | __NR_getpid);
	return (1);
}

/* getpid (20) through int 0x80, the i386 ABI. */
static int
check_vmx_sandbox_i386(void)
{
	long	ret = 20;

	check_vmx_sandbox_install();
	__asm__ volatile ("int $0x80" : "+a" (ret) : : "memory");
	return (1);
}

START_TEST(test_allowed)
{
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_allowed),
	    0);
}
END_TEST

START_TEST(test_refused)
{
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_refused),
	    0);
}
END_TEST

START_TEST(test_tsync)
{
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_tsync), 0);
}
END_TEST

START_TEST(test_kill)
{
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_execve),
	    CHECK_VMX_SANDBOX_SIG(SIGSYS));
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_ptrace),
	    CHECK_VMX_SANDBOX_SIG(SIGSYS));
}
END_TEST

START_TEST(test_other_abi)
{
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_x32),
	    CHECK_VMX_SANDBOX_SIG(SIGSYS));
	ck_assert_int_eq(check_vmx_sandbox_child(check_vmx_sandbox_i386),
	    CHECK_VMX_SANDBOX_SIG(SIGSYS));
}
END_TEST

/* The tables stay what the man page and the log line say. */
START_TEST(test_counts)
{
	ck_assert_uint_gt(vmx_sandbox_nallowed(), 50);
	ck_assert_uint_lt(vmx_sandbox_nallowed(), 120);
	ck_assert_uint_gt(vmx_sandbox_nioctls(), 10);
}
END_TEST

START_TEST(test_check_user)
{
	char	*cause = NULL;

	ck_assert_int_eq(vmx_sandbox_check_user(NULL, &cause), 0);
	ck_assert_int_eq(vmx_sandbox_check_user("root", &cause), 0);
	ck_assert_int_eq(vmx_sandbox_check_user("no-such-user-vireo",
	    &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, "--user no-such-user-vireo: no such user");
	free(cause);
}
END_TEST

static Suite *
check_vmx_sandbox_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("vmx_sandbox");
	tc = tcase_create("core");
	if (!vmx_sandbox_sanitized()) {
		tcase_add_test(tc, test_allowed);
		tcase_add_test(tc, test_refused);
		tcase_add_test(tc, test_tsync);
		tcase_add_test(tc, test_kill);
	}
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	if (!vmx_sandbox_sanitized())
		tcase_add_test(tc, test_other_abi);
	tcase_add_test(tc, test_counts);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_check_user);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	log_init("check_vmx_sandbox", 0);
	sr = srunner_create(check_vmx_sandbox_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
