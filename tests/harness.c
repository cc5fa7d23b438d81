/* SPDX-License-Identifier: ISC */
/*
 * The integration-test harness behind tests/harness.h: temporary roots,
 * spawning built programs with their output in a log file, polling for
 * sockets and files with a deadline, stopping daemons with an escalation
 * to SIGKILL, and clean-up that keeps the evidence when a test fails.
 *
 * Check runs each test in a forked child, and a failed assertion ends
 * that child with _exit() (a timeout, with SIGKILL), so neither the
 * test's own clean-up nor atexit handlers run on failure.  The harness
 * therefore starts a guardian process with the first call in a test
 * process: it is told over a pipe which directories and processes exist,
 * and when the pipe closes (the test process ended, however) it kills
 * the processes left and reports the directories kept.  A passing test
 * has removed them with harness_cleanup() by then, so it says nothing.
 * The registry here is test code's small process-wide state: one test
 * process, one registry.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"
#include "xmalloc.h"

#define HARNESS_MAXPIDS		32
#define HARNESS_MAXDIRS		8
#define HARNESS_POLL_MS		10

/* What the current test process created and has not cleaned up yet. */
static struct harness_registry {
	pid_t	 owner;			/* the test process it describes */
	int	 guardfd;		/* pipe to the guardian, or -1 */
	pid_t	 pids[HARNESS_MAXPIDS];	/* 0: free slot */
	char	*dirs[HARNESS_MAXDIRS];	/* NULL: free slot */
} harness_registry;

static void	 harness_register(void);
static void	 harness_tell(char, const char *);
static __dead void harness_guardian(int);
static void	 harness_guardian_line(char *, pid_t *, char **);
static void	 harness_forget_pid(pid_t);
static void	 harness_sleep_ms(int);
static long	 harness_now_ms(void);
static int	 harness_has_exited(pid_t);
static int	 harness_status(int);
static int	 harness_reap(pid_t, int, int *);
static int	 harness_connect(const char *);
static int	 harness_rm_cb(const char *, const struct stat *, int,
		     struct FTW *);

/* Start the registry and its guardian once per test process. */
static void
harness_register(void)
{
	int	fds[2];
	pid_t	pid;

	if (harness_registry.owner == getpid())
		return;
	/* A fresh test process (Check forks one per test) starts empty:
	 * what the parent registered is the parent's business. */
	memset(&harness_registry, 0, sizeof harness_registry);
	harness_registry.owner = getpid();
	harness_registry.guardfd = -1;
	/* Close-on-exec: spawned programs must not keep the pipe open, or
	 * the guardian would wait for them too. */
	if (pipe2(fds, O_CLOEXEC) == -1) {
		fprintf(stderr, "harness: pipe: %s (no guardian)\n",
		    strerror(errno));
		return;
	}
	switch (pid = fork()) {
	case -1:
		fprintf(stderr, "harness: fork: %s (no guardian)\n",
		    strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	case 0:
		close(fds[1]);
		harness_guardian(fds[0]);
	}
	close(fds[0]);
	harness_registry.guardfd = fds[1];
}

/* One line to the guardian: what ('d'/'D' directory added/removed,
 * 'p'/'P' process added/removed) and its argument. */
static void
harness_tell(char what, const char *arg)
{
	char	 line[PATH_MAX + 8];
	int	 len;

	if (harness_registry.guardfd == -1)
		return;
	len = snprintf(line, sizeof line, "%c%s\n", what, arg);
	if (len < 0 || (size_t)len >= sizeof line)
		return;
	/* Shorter than PIPE_BUF: one atomic write. */
	if (write(harness_registry.guardfd, line, (size_t)len) != len)
		fprintf(stderr, "harness: guardian: %s\n", strerror(errno));
}

/* Apply one line from the test process to the guardian's lists. */
static void
harness_guardian_line(char *line, pid_t *pids, char **dirs)
{
	size_t	i;
	pid_t	pid;

	switch (line[0]) {
	case 'p':
	case 'P':
		pid = (pid_t)strtol(line + 1, NULL, 10);
		for (i = 0; i < HARNESS_MAXPIDS; i++) {
			if (line[0] == 'p' && pids[i] == 0) {
				pids[i] = pid;
				break;
			}
			if (line[0] == 'P' && pids[i] == pid)
				pids[i] = 0;
		}
		break;
	case 'd':
	case 'D':
		for (i = 0; i < HARNESS_MAXDIRS; i++) {
			if (line[0] == 'd' && dirs[i] == NULL) {
				dirs[i] = xstrdup(line + 1);
				break;
			}
			if (line[0] == 'D' && dirs[i] != NULL &&
			    strcmp(dirs[i], line + 1) == 0) {
				free(dirs[i]);
				dirs[i] = NULL;
			}
		}
		break;
	}
}

/*
 * The guardian: outlive the test process (own session, so Check's kill
 * of the test's process group on a timeout spares it), then kill what the
 * test left running and say which directories hold the evidence.
 */
static __dead void
harness_guardian(int fd)
{
	pid_t	 pids[HARNESS_MAXPIDS];
	char	*dirs[HARNESS_MAXDIRS], buf[2 * PATH_MAX], *nl, *line;
	size_t	 len = 0, i;
	ssize_t	 n;

	memset(pids, 0, sizeof pids);
	memset(dirs, 0, sizeof dirs);
	(void)setsid();
	/* Hold nothing of the test's but stderr: no sockets or log files
	 * kept open behind a daemon's back. */
	if (dup2(fd, 3) == -1)
		_exit(1);
	(void)close_range(4, ~0U, 0);
	fd = 3;
	for (;;) {
		n = read(fd, buf + len, sizeof buf - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			harness_guardian_line(line, pids, dirs);
			line = nl + 1;
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		if (len == sizeof buf - 1)
			len = 0;	/* a line too long: drop it */
	}
	for (i = 0; i < HARNESS_MAXPIDS; i++) {
		if (pids[i] != 0 && kill(pids[i], SIGKILL) == 0)
			fprintf(stderr, "harness: killed leftover pid %ld\n",
			    (long)pids[i]);
	}
	for (i = 0; i < HARNESS_MAXDIRS; i++) {
		if (dirs[i] != NULL)
			fprintf(stderr, "harness: test failed, logs kept in "
			    "%s\n", dirs[i]);
	}
	_exit(0);
}

static void
harness_forget_pid(pid_t pid)
{
	char	arg[32];
	size_t	i;

	for (i = 0; i < HARNESS_MAXPIDS; i++) {
		if (harness_registry.pids[i] == pid) {
			harness_registry.pids[i] = 0;
			snprintf(arg, sizeof arg, "%ld", (long)pid);
			harness_tell('P', arg);
		}
	}
}

void
harness_track(pid_t pid)
{
	char	arg[32];
	size_t	i;

	harness_register();
	for (i = 0; i < HARNESS_MAXPIDS; i++) {
		if (harness_registry.pids[i] == pid)
			return;
	}
	for (i = 0; i < HARNESS_MAXPIDS; i++) {
		if (harness_registry.pids[i] == 0) {
			harness_registry.pids[i] = pid;
			snprintf(arg, sizeof arg, "%ld", (long)pid);
			harness_tell('p', arg);
			return;
		}
	}
	ck_abort_msg("harness: more than %d processes", HARNESS_MAXPIDS);
}

static void
harness_sleep_ms(int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static long
harness_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* 1 if our child pid has exited, without reaping it. */
static int
harness_has_exited(pid_t pid)
{
	siginfo_t	si;

	if (pid <= 0)
		return (0);
	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return (errno == ECHILD);
	return (si.si_pid == pid);
}

/* A wait status the way a shell shows it. */
static int
harness_status(int status)
{
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return (128 + WTERMSIG(status));
	return (-1);
}

/* Poll for pid's exit for up to timeout_ms.  1 with *status when it
 * exited, 0 on timeout, -1/errno when it is not our child. */
static int
harness_reap(pid_t pid, int timeout_ms, int *status)
{
	long	deadline;
	pid_t	r;

	deadline = harness_now_ms() + timeout_ms;
	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid) {
			harness_forget_pid(pid);
			return (1);
		}
		if (r == -1 && errno != EINTR)
			return (-1);
		if (harness_now_ms() >= deadline)
			return (0);
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

char *
harness_tmpdir(void)
{
	char	*dir;
	size_t	 i;

	harness_register();
	dir = xstrdup("/tmp/vt.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "harness: mkdtemp: %s",
	    strerror(errno));
	for (i = 0; i < HARNESS_MAXDIRS; i++) {
		if (harness_registry.dirs[i] == NULL) {
			harness_registry.dirs[i] = xstrdup(dir);
			harness_tell('d', dir);
			break;
		}
	}
	ck_assert_msg(i < HARNESS_MAXDIRS, "harness: more than %d directories",
	    HARNESS_MAXDIRS);
	fprintf(stderr, "harness: test directory %s\n", dir);
	return (dir);
}

char *
harness_bin(const char *relpath)
{
	const char	*top;
	char		*path;

	if ((top = getenv("TOP_BUILDDIR")) == NULL || *top == '\0')
		top = ".";
	xasprintf(&path, "%s/%s", top, relpath);
	ck_assert_msg(access(path, X_OK) == 0, "harness: %s: %s (is it built? "
	    "make check builds it)", path, strerror(errno));
	return (path);
}

pid_t
harness_spawn(char *const argv[], const char *logpath)
{
	pid_t	pid;
	int	fd;

	harness_register();
	pid = fork();
	ck_assert_msg(pid != -1, "harness: fork: %s", strerror(errno));
	if (pid == 0) {
		/* Nothing here may return into the test: _exit only. */
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd == -1)
			_exit(126);
		if (dup2(fd, STDOUT_FILENO) == -1 ||
		    dup2(fd, STDERR_FILENO) == -1)
			_exit(126);
		if (fd > STDERR_FILENO)
			close(fd);
		if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(fd, STDIN_FILENO) == -1)
			_exit(126);
		if (fd > STDERR_FILENO)
			close(fd);
		execv(argv[0], argv);
		dprintf(STDERR_FILENO, "harness: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	harness_track(pid);
	return (pid);
}

/* One connect attempt: 0, or -1 with errno. */
static int
harness_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, rc, saved_errno;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return (rc);
}

int
harness_wait_socket(const char *path, pid_t pid, int timeout_ms)
{
	long	deadline;

	deadline = harness_now_ms() + timeout_ms;
	for (;;) {
		if (harness_connect(path) == 0)
			return (0);
		if (errno == ENAMETOOLONG)
			return (-1);
		if (harness_has_exited(pid)) {
			errno = ECHILD;
			return (-1);
		}
		if (harness_now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return (-1);
		}
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

int
harness_wait_file(const char *path, pid_t pid, int timeout_ms)
{
	return (harness_wait_content(path, NULL, pid, timeout_ms));
}

int
harness_wait_content(const char *path, const char *needle, pid_t pid,
    int timeout_ms)
{
	struct stat	 sb;
	long		 deadline;
	char		*s;
	int		 found;

	deadline = harness_now_ms() + timeout_ms;
	for (;;) {
		if (needle == NULL)
			found = stat(path, &sb) == 0;
		else {
			s = harness_slurp(path);
			found = s != NULL && strstr(s, needle) != NULL;
			free(s);
		}
		if (found)
			return (0);
		if (harness_has_exited(pid)) {
			errno = ECHILD;
			return (-1);
		}
		if (harness_now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return (-1);
		}
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

int
harness_stop(pid_t pid, int timeout_ms)
{
	int	status, r;

	if (kill(pid, SIGTERM) == -1 && errno != ESRCH)
		return (-1);
	if ((r = harness_reap(pid, timeout_ms, &status)) == -1)
		return (-1);
	if (r == 0) {
		fprintf(stderr, "harness: pid %ld ignored SIGTERM for %d ms, "
		    "killing it\n", (long)pid, timeout_ms);
		(void)kill(pid, SIGKILL);
		if (harness_reap(pid, 60 * 1000, &status) != 1)
			return (-1);
	}
	return (harness_status(status));
}

int
harness_wait_exit(pid_t pid, int timeout_ms)
{
	int	status, r;

	if ((r = harness_reap(pid, timeout_ms, &status)) == -1)
		return (-1);
	if (r == 0) {
		(void)kill(pid, SIGKILL);
		(void)harness_reap(pid, 60 * 1000, &status);
		errno = ETIMEDOUT;
		return (-1);
	}
	return (harness_status(status));
}

int
harness_reap_orphans(void)
{
	return (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
}

char *
harness_slurp(const char *path)
{
	char	*buf;
	size_t	 len = 0, size = 8192;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	buf = xmalloc(size);
	for (;;) {
		if (len + 1 == size) {
			buf = xreallocarray(buf, 2, size);
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			close(fd);
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (buf);
}

static int
harness_rm_cb(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	if (remove(path) == -1)
		fprintf(stderr, "harness: remove %s: %s\n", path,
		    strerror(errno));
	return (0);
}

void
harness_cleanup(char *dir, int failed)
{
	size_t	i;
	pid_t	pid;

	harness_register();
	for (i = 0; i < HARNESS_MAXPIDS; i++) {
		if ((pid = harness_registry.pids[i]) == 0)
			continue;
		fprintf(stderr, "harness: pid %ld still running at clean-up, "
		    "killing it\n", (long)pid);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		harness_forget_pid(pid);
	}
	for (i = 0; i < HARNESS_MAXDIRS; i++) {
		if (harness_registry.dirs[i] != NULL &&
		    strcmp(harness_registry.dirs[i], dir) == 0) {
			free(harness_registry.dirs[i]);
			harness_registry.dirs[i] = NULL;
			/* Told even when failed: this message is ours. */
			harness_tell('D', dir);
		}
	}
	if (failed)
		fprintf(stderr, "harness: test failed, logs kept in %s\n", dir);
	else
		(void)nftw(dir, harness_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}
