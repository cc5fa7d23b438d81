/* SPDX-License-Identifier: ISC */
/*
 * The integration-test harness for Check tests (tests/itest_*.c): a short
 * private directory per test to use as --root, the built programs, and
 * daemons started, awaited and stopped without sleeping blindly.
 *
 * A test that fails keeps its directory and says where it is.  Check
 * ends a failing test with _exit() (or SIGKILL on a timeout), so this is
 * done by a guardian process the harness starts: when the test process
 * ends without having called harness_cleanup(), the guardian prints the
 * directories kept on stderr (into the test's .log) and kills the
 * processes from harness_spawn()/harness_track() still running, so a
 * failed assertion never leaves a daemon behind.
 *
 * Functions that cannot go on (no temporary directory, program not
 * built) fail the current test with a message; the others return a
 * result for the test to assert on.
 */
#ifndef VIREO_HARNESS_H
#define VIREO_HARNESS_H

#include <sys/types.h>

/*
 * A new directory /tmp/vt.XXXXXX: short, because Unix socket paths must
 * fit 108 bytes and a build directory often does not.  Owned by the
 * caller; hand it to harness_cleanup().  Also printed on stderr.
 */
char	*harness_tmpdir(void);

/*
 * The path of the built program relpath ("tests/testd", "hostd/hostd")
 * under $TOP_BUILDDIR (set by make check; "." otherwise).  Owned.  Fails
 * the test when the program is not there.
 */
char	*harness_bin(const char *relpath);

/*
 * Start argv[0] with arguments argv (NULL-ended) in a child, stdin from
 * /dev/null, stdout and stderr appended to logpath.  Returns the pid (the
 * harness remembers it until harness_stop or harness_wait_exit); fails
 * the test if fork fails.  An exec failure shows as exit status 127 with
 * the reason in logpath.
 */
pid_t	 harness_spawn(char *const argv[], const char *logpath);

/*
 * Wait until a connect(2) to the Unix socket path succeeds, polling.  If
 * pid is not 0 and that child exits first, stop waiting.  Returns 0, or
 * -1 with errno: ETIMEDOUT, ECHILD (pid exited; not reaped, so
 * harness_wait_exit still gets its status), ENAMETOOLONG.
 */
int	 harness_wait_socket(const char *path, pid_t pid, int timeout_ms);

/* Like harness_wait_socket, for path to exist. */
int	 harness_wait_file(const char *path, pid_t pid, int timeout_ms);

/* Like harness_wait_file, for path to contain the string needle. */
int	 harness_wait_content(const char *path, const char *needle, pid_t pid,
	     int timeout_ms);

/*
 * Stop pid: SIGTERM, wait up to timeout_ms, then SIGKILL.  Returns the
 * exit status as a shell shows it (the exit code, or 128 + the signal
 * number), or -1 with errno when pid is not a child of ours.
 */
int	 harness_stop(pid_t pid, int timeout_ms);

/*
 * Wait up to timeout_ms for pid to exit by itself (a -n run, a refused
 * second instance).  Returns its status like harness_stop, or -1 with
 * errno ETIMEDOUT after killing it.
 */
int	 harness_wait_exit(pid_t pid, int timeout_ms);

/*
 * Make this process the reaper of its orphaned descendants
 * (PR_SET_CHILD_SUBREAPER).  Call it before spawning a daemon that
 * detaches: the daemon then becomes our child when its parents exit, so
 * harness_stop() can wait for it and see its exit status.  0 or -1/errno.
 */
int	 harness_reap_orphans(void);

/* Remember pid (a detached daemon, read from its pid file) for the
 * exit-time clean-up, as harness_spawn does for its children. */
void	 harness_track(pid_t pid);

/* The content of path as a string, or NULL when it cannot be read.
 * Owned. */
char	*harness_slurp(const char *path);

/*
 * End of a test: kill any spawned process still running, then remove dir
 * and everything in it, unless failed is not 0: then keep it and print
 * where its logs are.  Frees dir.
 */
void	 harness_cleanup(char *dir, int failed);

#endif
