/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/daemon.c: what an operator sees from the command
 * line (--help, -n, usage errors and their exit statuses), where the
 * files land under --root, the pid file as a single-instance lock, the
 * signals, and the privilege drop.  Detaching is exercised end to end by
 * tests/itest_daemon.c with the real tests/testd.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "log.h"
#include "xmalloc.h"

#define CHECK_DAEMON_MAXARGS	32

/* What the test daemon's callbacks saw. */
struct check_daemon_state {
	int		 port;		/* -p / --port */
	int		 listen_only;	/* --listen-only */
	int		 config_calls;
	int		 config_fails;	/* make ds_config fail */
	char		*config_path;	/* d_conf when ds_config ran */
	int		 reloads;
	int		 shutdowns;
};

static int	 check_daemon_option(struct daemon *, int, const char *,
		     char **);
static int	 check_daemon_config(struct daemon *, char **);
static void	 check_daemon_reload(struct daemon *);
static void	 check_daemon_shutdown(struct daemon *);
static struct daemon *check_daemon_new(struct check_daemon_state *);
static int	 check_daemon_run(struct daemon *, int *, char **, ...);
static char	*check_daemon_tmpdir(void);
static void	 check_daemon_rmdir(char *);
static char	*check_daemon_slurp(const char *);
static int	 check_daemon_status_ok(const char *, int);
static Suite	*check_daemon_suite(void);

#define CHECK_DAEMON_OPT_LISTEN_ONLY	(DAEMON_OPT_FIRST + 1)

static const struct option check_daemon_longopts[] = {
	{ "port",	 required_argument,	NULL,	'p' },
	{ "listen-only", no_argument,		NULL,
	    CHECK_DAEMON_OPT_LISTEN_ONLY },
	{ NULL,		 0,			NULL,	0 }
};

static const struct daemon_spec check_daemon_spec = {
	.ds_name = "tdaemon",
	.ds_usage = "[-p port]",
	.ds_optstring = "p:",
	.ds_longopts = check_daemon_longopts,
	.ds_option = check_daemon_option,
	.ds_config = check_daemon_config,
};

static const struct daemon_spec check_daemon_signal_spec = {
	.ds_name = "tsignal",
	.ds_reload = check_daemon_reload,
	.ds_shutdown = check_daemon_shutdown,
};

static const struct daemon_spec check_daemon_bare_spec = {
	.ds_name = "tbare",
};

static int
check_daemon_option(struct daemon *d, int ch, const char *arg, char **cause)
{
	struct check_daemon_state	*st = d->d_arg;
	char				*end;
	long				 v;

	switch (ch) {
	case 'p':
		v = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v < 0 || v > 65535) {
			xasprintf(cause, "bad port %s", arg);
			return (-1);
		}
		st->port = (int)v;
		return (0);
	case CHECK_DAEMON_OPT_LISTEN_ONLY:
		st->listen_only = 1;
		return (0);
	}
	xasprintf(cause, "unexpected option %d", ch);
	return (-1);
}

static int
check_daemon_config(struct daemon *d, char **cause)
{
	struct check_daemon_state	*st = d->d_arg;

	st->config_calls++;
	free(st->config_path);
	st->config_path = xstrdup(d->d_conf);
	if (st->config_fails) {
		xasprintf(cause, "%s:3: unknown keyword \"prot\"", d->d_conf);
		return (-1);
	}
	return (0);
}

static void
check_daemon_reload(struct daemon *d)
{
	struct check_daemon_state	*st = d->d_arg;

	st->reloads++;
}

static void
check_daemon_shutdown(struct daemon *d)
{
	struct check_daemon_state	*st = d->d_arg;

	st->shutdowns++;
	event_base_loopexit(d->d_base, NULL);
}

static struct daemon *
check_daemon_new(struct check_daemon_state *st)
{
	memset(st, 0, sizeof *st);
	st->port = -1;
	return (daemon_create(&check_daemon_spec, st));
}

/* daemon_setup with argv "tdaemon", then the NULL-ended arguments. */
static int
check_daemon_run(struct daemon *d, int *status, char **msg, ...)
{
	char		*argv[CHECK_DAEMON_MAXARGS + 2];
	const char	*arg;
	va_list		 ap;
	int		 argc = 0, rc;

	argv[argc++] = xstrdup("tdaemon");
	va_start(ap, msg);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		ck_assert_int_lt(argc, CHECK_DAEMON_MAXARGS);
		argv[argc++] = xstrdup(arg);
	}
	va_end(ap);
	argv[argc] = NULL;
	rc = daemon_setup(d, argc, argv, status, msg);
	while (argc > 0)
		free(argv[--argc]);
	return (rc);
}

static char *
check_daemon_tmpdir(void)
{
	char	*dir;

	dir = xstrdup("/tmp/vt.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	return (dir);
}

static void
check_daemon_rmdir(char *dir)
{
	char	*cmd;

	xasprintf(&cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* The content of path, or NULL when it cannot be read. */
static char *
check_daemon_slurp(const char *path)
{
	char	 buf[8192];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return (NULL);
	buf[n] = '\0';
	return (xstrdup(buf));
}

/* 1 when a forked check exited 0; otherwise says how it ended. */
static int
check_daemon_status_ok(const char *what, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (1);
	fprintf(stderr, "%s: child status %#x\n", what, status);
	return (0);
}

START_TEST(check_daemon_defaults)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status = -1;

	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, NULL), 0);
	ck_assert_ptr_null(msg);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(d->d_root, "/");
	ck_assert_str_eq(d->d_conf, "/etc/vireo/tdaemon.conf");
	ck_assert_int_eq(d->d_foreground, 0);
	ck_assert_int_eq(d->d_check, 0);
	ck_assert_int_eq(d->d_verbose, 0);
	ck_assert_ptr_null(d->d_user);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_INFO);
	ck_assert_int_eq(log_get_dest(), LOG_TO_STDERR);
	ck_assert_str_eq(log_get_procname(), "tdaemon");
	/* The configuration is loaded once, from the default path. */
	ck_assert_int_eq(st.config_calls, 1);
	ck_assert_str_eq(st.config_path, "/etc/vireo/tdaemon.conf");
	ck_assert_int_eq(st.port, -1);
	daemon_free(d);
	free(st.config_path);
}
END_TEST

START_TEST(check_daemon_all_options)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *conf;
	int				 status;

	dir = check_daemon_tmpdir();
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d", "-v", "-v",
	    "-f", "/srv/t.conf", "--root", dir, "-u", "nobody", "-p", "8443",
	    "--listen-only", NULL), 0);
	ck_assert_int_eq(d->d_foreground, 1);
	ck_assert_int_eq(d->d_verbose, 2);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_TRACE);
	ck_assert_str_eq(d->d_conf, "/srv/t.conf");
	ck_assert_str_eq(st.config_path, "/srv/t.conf");
	ck_assert_str_eq(d->d_root, dir);
	ck_assert_str_eq(d->d_user, "nobody");
	ck_assert_int_eq(st.port, 8443);
	ck_assert_int_eq(st.listen_only, 1);
	daemon_free(d);
	free(st.config_path);

	/* Long spellings, the default config under the root, -v once. */
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--user=nobody",
	    "--root", dir, "--port=22", "-v", NULL), 0);
	ck_assert_str_eq(d->d_user, "nobody");
	ck_assert_int_eq(st.port, 22);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_DEBUG);
	xasprintf(&conf, "%s/etc/vireo/tdaemon.conf", dir);
	ck_assert_str_eq(d->d_conf, conf);
	free(conf);
	daemon_free(d);
	free(st.config_path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_relative_paths)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *want;
	int				 status;

	/* A detached daemon runs in "/": relative paths must not stay
	 * relative. */
	dir = check_daemon_tmpdir();
	ck_assert_int_eq(chdir("/tmp"), 0);
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--root",
	    dir + strlen("/tmp/"), "-f", "sub/t.conf", NULL), 0);
	ck_assert_str_eq(d->d_root, dir);
	ck_assert_str_eq(d->d_conf, "/tmp/sub/t.conf");
	daemon_free(d);
	free(st.config_path);

	/* A trailing slash or a dot component gives the same root. */
	xasprintf(&want, "%s/./", dir);
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--root", want,
	    NULL), 0);
	ck_assert_str_eq(d->d_root, dir);
	free(want);
	xasprintf(&want, "%s/etc/vireo/tdaemon.conf", dir);
	ck_assert_str_eq(d->d_conf, want);
	free(want);
	daemon_free(d);
	free(st.config_path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_help)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status = -1;

	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--help", NULL),
	    -1);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(msg, "usage: tdaemon [-dhnVv] [-f file] [-u user] "
	    "[--root dir] [-p port]\n");
	free(msg);
	/* Help wins over everything after it and loads no configuration. */
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-h", "-x", NULL),
	    -1);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(strncmp(msg, "usage: tdaemon ", 15), 0);
	ck_assert_int_eq(st.config_calls, 0);
	free(msg);
	daemon_free(d);

	/* A daemon without extra options has no extra usage. */
	d = daemon_create(&check_daemon_bare_spec, NULL);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-h", NULL), -1);
	ck_assert_str_eq(msg, "usage: tbare [-dhnVv] [-f file] [-u user] "
	    "[--root dir]\n");
	free(msg);
	daemon_free(d);
}
END_TEST

START_TEST(check_daemon_version)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status = -1;

	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-V", NULL), -1);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(msg, "tdaemon (" PACKAGE_NAME ") " PACKAGE_VERSION
	    "\n");
	free(msg);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--version",
	    NULL), -1);
	ck_assert_int_eq(status, 0);
	ck_assert_ptr_nonnull(strstr(msg, PACKAGE_VERSION));
	free(msg);
	daemon_free(d);
}
END_TEST

START_TEST(check_daemon_check_config)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status = -1;

	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-n", "-f",
	    "/srv/t.conf", NULL), -1);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(msg, "configuration OK\n");
	ck_assert_int_eq(st.config_calls, 1);
	free(msg);

	st.config_fails = 1;
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-n", "-f",
	    "/srv/t.conf", NULL), -1);
	ck_assert_int_eq(status, 1);
	ck_assert_str_eq(msg,
	    "tdaemon: /srv/t.conf:3: unknown keyword \"prot\"\n");
	free(msg);
	daemon_free(d);
	free(st.config_path);
}
END_TEST

START_TEST(check_daemon_paths)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	struct stat			 sb;
	char				*msg, *dir, *p, *want, *cause = NULL;
	int				 status;

	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, NULL), 0);
	p = daemon_path(d, "run/vireo/hostd.sock");
	ck_assert_str_eq(p, "/run/vireo/hostd.sock");
	free(p);
	daemon_free(d);
	free(st.config_path);

	dir = check_daemon_tmpdir();
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--root", dir,
	    NULL), 0);
	p = daemon_path(d, "run/vireo/hostd.sock");
	xasprintf(&want, "%s/run/vireo/hostd.sock", dir);
	ck_assert_str_eq(p, want);
	free(p);
	p = daemon_path(d, "//run/vireo/hostd.sock");
	ck_assert_str_eq(p, want);
	free(p);
	/* Plain daemon_path creates nothing. */
	xasprintf(&p, "%s/run", dir);
	ck_assert_int_eq(stat(p, &sb), -1);
	free(p);

	p = daemon_path_mkdirs(d, "run/vireo/hostd.sock", &cause);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, want);
	ck_assert_int_eq(stat(p, &sb), -1);	/* only the parents */
	free(p);
	free(want);
	xasprintf(&want, "%s/run/vireo", dir);
	ck_assert_int_eq(stat(want, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	free(want);
	/* Again: existing directories are fine. */
	p = daemon_path_mkdirs(d, "run/vireo/vmx/1.sock", &cause);
	ck_assert_ptr_nonnull(p);
	free(p);
	daemon_free(d);
	free(st.config_path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_pidfile)
{
	struct check_daemon_state	 st;
	struct daemon			*d, *d2;
	struct stat			 sb;
	char				*msg, *dir, *path, *s, *want;
	char				*cause = NULL;
	int				 status;

	dir = check_daemon_tmpdir();
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d", "--root",
	    dir, NULL), 0);
	ck_assert_int_eq(daemon_open(d, &cause), 0);
	xasprintf(&path, "%s/run/vireo/tdaemon.pid", dir);
	ck_assert_str_eq(d->d_pidpath, path);
	s = check_daemon_slurp(path);
	xasprintf(&want, "%ld\n", (long)getpid());
	ck_assert_str_eq(s, want);
	free(s);
	/* In the foreground there is no log file. */
	ck_assert_ptr_null(d->d_logpath);
	ck_assert_int_eq(log_get_dest(), LOG_TO_STDERR);

	/* A second instance refuses, naming the running one.  flock locks
	 * belong to the open file, so this works within one process. */
	d2 = daemon_create(&check_daemon_spec, &st);
	ck_assert_int_eq(check_daemon_run(d2, &status, &msg, "-d", "--root",
	    dir, NULL), 0);
	errno = 0;
	ck_assert_int_eq(daemon_open(d2, &cause), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_ptr_nonnull(cause);
	xasprintf(&s, "tdaemon is already running (pid %ld, pid file %s)",
	    (long)getpid(), path);
	ck_assert_str_eq(cause, s);
	free(s);
	free(cause);
	cause = NULL;
	/* The refused instance left the running one's file alone. */
	daemon_free(d2);
	s = check_daemon_slurp(path);
	ck_assert_str_eq(s, want);
	free(s);

	/* A clean exit removes the file, and the next start works. */
	daemon_free(d);
	ck_assert_int_eq(stat(path, &sb), -1);
	ck_assert_int_eq(errno, ENOENT);
	d = daemon_create(&check_daemon_spec, &st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d", "--root",
	    dir, NULL), 0);
	ck_assert_int_eq(daemon_open(d, &cause), 0);
	daemon_free(d);

	free(want);
	free(path);
	free(st.config_path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_pidfile_stale)
{
	static const char *const contents[] = {
		"999999999\n", "", "garbage", "1"
	};
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *path, *s, *want, *cause;
	size_t				 i;
	int				 fd, status;

	dir = check_daemon_tmpdir();
	xasprintf(&path, "%s/run/vireo/tdaemon.pid", dir);
	xasprintf(&want, "%ld\n", (long)getpid());
	for (i = 0; i < sizeof contents / sizeof contents[0]; i++) {
		/* Left by a crashed instance: present but not locked.  Even
		 * a live pid (1) is stale when nobody holds the lock. */
		d = check_daemon_new(&st);
		ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d",
		    "--root", dir, NULL), 0);
		free(daemon_path_mkdirs(d, "run/vireo/tdaemon.pid", &cause));
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ck_assert_int_ne(fd, -1);
		ck_assert_int_eq(write(fd, contents[i], strlen(contents[i])),
		    (ssize_t)strlen(contents[i]));
		close(fd);

		cause = NULL;
		ck_assert_msg(daemon_open(d, &cause) == 0, "%s", cause);
		s = check_daemon_slurp(path);
		ck_assert_str_eq(s, want);
		free(s);
		daemon_free(d);
		free(st.config_path);
	}
	free(want);
	free(path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_logfile)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *path, *s, *cause = NULL;
	int				 status;

	/* Without -d the log file is opened while privileged, next to
	 * stderr so start-up errors still reach the terminal. */
	dir = check_daemon_tmpdir();
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--root", dir,
	    NULL), 0);
	ck_assert_int_eq(daemon_open(d, &cause), 0);
	xasprintf(&path, "%s/var/log/vireo/tdaemon.log", dir);
	ck_assert_str_eq(d->d_logpath, path);
	ck_assert_int_eq(log_get_dest(), LOG_TO_STDERR | LOG_TO_FILE);
	log_info("into the file");
	s = check_daemon_slurp(path);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "tdaemon["));
	ck_assert_ptr_nonnull(strstr(s, "]: info: into the file\n"));
	free(s);
	free(path);
	daemon_free(d);
	free(st.config_path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_signals)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *cause = NULL;
	int				 status;

	dir = check_daemon_tmpdir();
	memset(&st, 0, sizeof st);
	d = daemon_create(&check_daemon_signal_spec, &st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d", "--root",
	    dir, NULL), 0);
	ck_assert_int_eq(daemon_open(d, &cause), 0);
	ck_assert_int_eq(daemon_start(d, &cause), 0);
	ck_assert_ptr_nonnull(d->d_base);
	/* In the foreground no process is left behind: we are the daemon. */
	ck_assert_int_eq(d->d_pidowner, getpid());

	/* PIPE is ignored: this would otherwise end the test. */
	ck_assert_int_eq(raise(SIGPIPE), 0);

	/* Signals arrive through the base, so they are handled from the
	 * loop, not in the middle of whatever the daemon was doing. */
	ck_assert_int_eq(raise(SIGHUP), 0);
	ck_assert_int_eq(raise(SIGUSR2), 0);
	ck_assert_int_eq(st.reloads, 0);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_INFO);
	ck_assert_int_eq(event_base_loop(d->d_base, EVLOOP_NONBLOCK), 0);
	ck_assert_int_eq(st.reloads, 1);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_DEBUG);

	/* USR2 again turns debug off. */
	ck_assert_int_eq(raise(SIGUSR2), 0);
	ck_assert_int_eq(event_base_loop(d->d_base, EVLOOP_NONBLOCK), 0);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_INFO);

	ck_assert_int_eq(raise(SIGTERM), 0);
	ck_assert_int_eq(event_base_dispatch(d->d_base), 0);
	ck_assert_int_eq(st.shutdowns, 1);
	ck_assert_int_eq(raise(SIGINT), 0);
	ck_assert_int_eq(event_base_dispatch(d->d_base), 0);
	ck_assert_int_eq(st.shutdowns, 2);
	daemon_free(d);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_default_shutdown)
{
	struct daemon	*d;
	char		*msg, *dir, *cause = NULL;
	int		 status;

	dir = check_daemon_tmpdir();
	d = daemon_create(&check_daemon_bare_spec, NULL);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d", "--root",
	    dir, NULL), 0);
	ck_assert_int_eq(daemon_open(d, &cause), 0);
	ck_assert_int_eq(daemon_start(d, &cause), 0);
	/* Without ds_shutdown, TERM leaves the loop; without ds_reload,
	 * HUP is harmless. */
	ck_assert_int_eq(raise(SIGHUP), 0);
	ck_assert_int_eq(raise(SIGTERM), 0);
	ck_assert_int_eq(event_base_dispatch(d->d_base), 0);
	ck_assert(event_base_got_exit(d->d_base));
	daemon_free(d);
	check_daemon_rmdir(dir);
}
END_TEST

/* What check_daemon_loop's callbacks do and saw. */
struct check_daemon_loop {
	struct daemon	*d;
	int		 fds[2];
	int		 reads;
	int		 exit_after;	/* loopexit after this many reads */
	int		 chain;		/* each read queues the next */
};

static void
check_daemon_loop_read(evutil_socket_t fd, short events, void *arg)
{
	struct check_daemon_loop	*cl = arg;
	char				 c;

	(void)events;
	if (read(fd, &c, 1) != 1)
		return;
	cl->reads++;
	daemon_busy(cl->d);
	if (cl->reads == cl->exit_after)
		event_base_loopexit(cl->d->d_base, NULL);
	else if (cl->chain)
		ck_assert_int_eq(write(cl->fds[1], "x", 1), 1);
}

static void
check_daemon_loop_exit(evutil_socket_t fd, short events, void *arg)
{
	struct daemon	*d = arg;

	(void)fd;
	(void)events;
	event_base_loopexit(d->d_base, NULL);
}

static long long
check_daemon_loop_cpu_ms(void)
{
	struct rusage	ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ((long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
}

/*
 * daemon_loop: requests that keep coming are all served while it polls
 * (each read queues the next), it leaves on loopexit from either phase,
 * and once the work stops it goes back to sleep: 400 ms idle after a
 * burst, with 1 ms of polling, costs far less CPU than a loop that never
 * stopped polling would burn.
 */
START_TEST(check_daemon_loop)
{
	struct check_daemon_loop	 cl;
	struct event			*rev, *tev;
	struct timeval			 tv = { 0, 400000 };
	char				*msg, *dir, *cause = NULL;
	long long			 cpu;
	int				 status, busy;

	for (busy = 0; busy <= 1000; busy += 1000) {
		dir = check_daemon_tmpdir();
		memset(&cl, 0, sizeof cl);
		cl.d = daemon_create(&check_daemon_bare_spec, NULL);
		ck_assert_int_eq(check_daemon_run(cl.d, &status, &msg, "-d",
		    "--root", dir, NULL), 0);
		ck_assert_int_eq(daemon_open(cl.d, &cause), 0);
		ck_assert_int_eq(daemon_start(cl.d, &cause), 0);
		cl.d->d_busy_poll = (unsigned int)busy;
		ck_assert_int_eq(pipe(cl.fds), 0);
		rev = event_new(cl.d->d_base, cl.fds[0], EV_READ | EV_PERSIST,
		    check_daemon_loop_read, &cl);
		ck_assert_int_eq(event_add(rev, NULL), 0);

		/* A burst of 1000 requests, then loopexit from the last. */
		cl.exit_after = 1000;
		cl.chain = 1;
		ck_assert_int_eq(write(cl.fds[1], "x", 1), 1);
		ck_assert_int_eq(daemon_loop(cl.d), 0);
		ck_assert_int_eq(cl.reads, 1000);

		/* One more request, then nothing until a timer ends it. */
		cl.chain = 0;
		tev = evtimer_new(cl.d->d_base, check_daemon_loop_exit, cl.d);
		ck_assert_int_eq(evtimer_add(tev, &tv), 0);
		ck_assert_int_eq(write(cl.fds[1], "x", 1), 1);
		cpu = check_daemon_loop_cpu_ms();
		ck_assert_int_eq(daemon_loop(cl.d), 0);
		cpu = check_daemon_loop_cpu_ms() - cpu;
		ck_assert_int_eq(cl.reads, 1001);
		ck_assert_msg(cpu < 150, "idle loop used %lld ms of CPU", cpu);

		event_free(rev);
		event_free(tev);
		close(cl.fds[0]);
		close(cl.fds[1]);
		daemon_free(cl.d);
		check_daemon_rmdir(dir);
	}
}
END_TEST

START_TEST(check_daemon_privdrop_root)
{
	struct passwd	*pw;
	gid_t		 groups[8];
	char		*cause = NULL;
	pid_t		 pid;
	int		 status;

	if (geteuid() != 0)
		return;		/* covered by check_daemon_privdrop_user */
	ck_assert_ptr_nonnull(pw = getpwnam("nobody"));
	ck_assert_int_eq(pw->pw_uid, 65534);
	/* In a child: the test process itself must stay root. */
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		log_init("tprivdrop", 0);
		if (daemon_privdrop("nobody", &cause) != 0)
			_exit(10);
		if (getuid() != 65534 || geteuid() != 65534)
			_exit(11);
		if (getgid() != pw->pw_gid || getegid() != pw->pw_gid)
			_exit(12);
		if (getgroups(8, groups) != 1 || groups[0] != pw->pw_gid)
			_exit(13);
		if (setuid(0) != -1 || seteuid(0) != -1)
			_exit(14);
		if (setgid(0) != -1)
			_exit(15);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(check_daemon_status_ok("privdrop", status),
	    "privdrop child failed with status %d", WEXITSTATUS(status));
}
END_TEST

START_TEST(check_daemon_privdrop_user)
{
	char	*dir, *path, *s, *cause = NULL;
	pid_t	 pid;
	int	 status;

	/* Not root: nothing to drop, a log line says so, success. */
	dir = check_daemon_tmpdir();
	xasprintf(&path, "%s/t.log", dir);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		log_init("tprivdrop", 0);
		if (log_open_file(path) == -1)
			_exit(10);
		if (geteuid() == 0 && setresuid(65534, 65534, 65534) == -1)
			_exit(11);
		if (daemon_privdrop("nobody", &cause) != 0)
			_exit(12);
		if (geteuid() == 0)
			_exit(13);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(check_daemon_status_ok("privdrop", status),
	    "privdrop child failed with status %d", WEXITSTATUS(status));
	s = check_daemon_slurp(path);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "not running as root"));
	ck_assert_ptr_nonnull(strstr(s, "nobody"));
	free(s);
	free(path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_verbose_clamp)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status;

	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-vvvv", "-v",
	    NULL), 0);
	ck_assert_int_eq(d->d_verbose, 5);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_TRACE);
	daemon_free(d);
	free(st.config_path);
}
END_TEST

START_TEST(check_daemon_reparse)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status;

	/* getopt keeps global state; a second parse must start over. */
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-p", "1", "-d",
	    NULL), 0);
	ck_assert_int_eq(d->d_foreground, 1);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-p", "2", NULL),
	    0);
	ck_assert_int_eq(st.port, 2);
	ck_assert_int_eq(st.config_calls, 2);
	/* Nothing carried over from the first command line. */
	ck_assert_int_eq(d->d_foreground, 0);
	daemon_free(d);
	free(st.config_path);
}
END_TEST

START_TEST(check_daemon_long_root)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *deep, *p, *cause = NULL;
	size_t				 i;
	int				 status;

	/* A deep root still gives well-formed paths; whether a socket fits
	 * sun_path is usock's business. */
	dir = check_daemon_tmpdir();
	deep = xstrdup(dir);
	for (i = 0; i < 20; i++) {
		xasprintf(&p, "%s/0123456789", deep);
		free(deep);
		deep = p;
		ck_assert_int_eq(mkdir(deep, 0755), 0);
	}
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "--root", deep,
	    NULL), 0);
	p = daemon_path_mkdirs(d, "run/vireo/x.sock", &cause);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(strlen(p),
	    strlen(deep) + strlen("/run/vireo/x.sock"));
	free(p);
	daemon_free(d);
	free(st.config_path);
	free(deep);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_usage_errors)
{
	static const struct {
		const char	*args[4];
		const char	*first_line;
	} cases[] = {
		{ { "-x", NULL }, "tdaemon: unknown option -x\n" },
		{ { "--bogus", NULL }, "tdaemon: unknown option --bogus\n" },
		{ { "-f", NULL }, "tdaemon: option -f needs an argument\n" },
		{ { "-d", "-u", NULL },
		    "tdaemon: option -u needs an argument\n" },
		{ { "--root", NULL },
		    "tdaemon: option --root needs an argument\n" },
		{ { "-p", NULL }, "tdaemon: option -p needs an argument\n" },
		{ { "-p", "http", NULL }, "tdaemon: bad port http\n" },
		{ { "--port=99999", NULL }, "tdaemon: bad port 99999\n" },
		{ { "-d", "extra", NULL },
		    "tdaemon: unexpected argument extra\n" },
		{ { "--root", "/nonexistent/vt", NULL },
		    "tdaemon: --root /nonexistent/vt: No such file or "
		    "directory\n" },
		{ { "--root", "/etc/passwd", NULL },
		    "tdaemon: --root /etc/passwd: Not a directory\n" },
	};
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *want;
	size_t				 i;
	int				 status;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = check_daemon_new(&st);
		status = -1;
		msg = NULL;
		ck_assert_int_eq(check_daemon_run(d, &status, &msg,
		    cases[i].args[0], cases[i].args[1], cases[i].args[2],
		    NULL), -1);
		ck_assert_int_eq(status, 2);
		/* The reason first, then the usage. */
		xasprintf(&want, "%susage: tdaemon [-dhnVv] [-f file] "
		    "[-u user] [--root dir] [-p port]\n", cases[i].first_line);
		ck_assert_str_eq(msg, want);
		free(want);
		free(msg);
		ck_assert_int_eq(st.config_calls, 0);
		daemon_free(d);
	}
}
END_TEST

START_TEST(check_daemon_config_errors)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg;
	int				 status;

	/* Without -n a bad configuration also stops start-up, status 1. */
	d = check_daemon_new(&st);
	st.config_fails = 1;
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-f", "/x.conf",
	    NULL), -1);
	ck_assert_int_eq(status, 1);
	ck_assert_str_eq(msg, "tdaemon: /x.conf:3: unknown keyword \"prot\"\n");
	free(msg);

	/* An unknown -u user is a configuration error -n reports. */
	st.config_fails = 0;
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-n", "-u",
	    "no-such-user-vt", NULL), -1);
	ck_assert_int_eq(status, 1);
	ck_assert_str_eq(msg, "tdaemon: unknown user no-such-user-vt\n");
	free(msg);
	daemon_free(d);
	free(st.config_path);
}
END_TEST

START_TEST(check_daemon_open_errors)
{
	struct check_daemon_state	 st;
	struct daemon			*d;
	char				*msg, *dir, *run, *cause = NULL;
	int				 status, fd;

	/* Something that is not a directory where run/ should be. */
	dir = check_daemon_tmpdir();
	xasprintf(&run, "%s/run", dir);
	fd = open(run, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ne(fd, -1);
	close(fd);
	d = check_daemon_new(&st);
	ck_assert_int_eq(check_daemon_run(d, &status, &msg, "-d", "--root",
	    dir, NULL), 0);
	errno = 0;
	ck_assert_int_eq(daemon_open(d, &cause), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, run));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(daemon_path_mkdirs(d, "run/vireo/x", &cause));
	ck_assert_ptr_nonnull(strstr(cause, "Not a directory"));
	free(cause);
	free(run);
	daemon_free(d);
	free(st.config_path);
	check_daemon_rmdir(dir);
}
END_TEST

START_TEST(check_daemon_parse_port)
{
	static const char *const bad[] = {
		"", "-1", "65536", "99999999999999999999", "12x", "http", "1 "
	};
	char	*cause;
	size_t	 i;
	int	 port;

	ck_assert_int_eq(daemon_parse_port("0", &port, NULL), 0);
	ck_assert_int_eq(port, 0);
	ck_assert_int_eq(daemon_parse_port("65535", &port, NULL), 0);
	ck_assert_int_eq(port, 65535);
	ck_assert_int_eq(daemon_parse_port("902", &port, NULL), 0);
	ck_assert_int_eq(port, 902);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		port = 7;
		cause = NULL;
		ck_assert_int_eq(daemon_parse_port(bad[i], &port, &cause), -1);
		ck_assert_int_eq(port, 7);
		ck_assert_ptr_nonnull(cause);
		ck_assert_ptr_nonnull(strstr(cause,
		    "is not a port number (0 to 65535)"));
		free(cause);
	}
	ck_assert_int_eq(daemon_parse_port("http", &port, &cause), -1);
	ck_assert_str_eq(cause, "\"http\" is not a port number (0 to 65535)");
	free(cause);
}
END_TEST

START_TEST(check_daemon_privdrop_unknown)
{
	char	*cause = NULL;

	if (geteuid() != 0)
		return;		/* not root: no lookup, nothing to fail */
	log_init("tprivdrop", 0);
	errno = 0;
	ck_assert_int_eq(daemon_privdrop("no-such-user-vt", &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(cause, "unknown user no-such-user-vt");
	free(cause);
	/* Nothing changed. */
	ck_assert_int_eq(geteuid(), 0);
}
END_TEST

static Suite *
check_daemon_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("daemon");

	tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, check_daemon_defaults);
	tcase_add_test(tc, check_daemon_all_options);
	tcase_add_test(tc, check_daemon_relative_paths);
	tcase_add_test(tc, check_daemon_help);
	tcase_add_test(tc, check_daemon_version);
	tcase_add_test(tc, check_daemon_check_config);
	tcase_add_test(tc, check_daemon_paths);
	tcase_add_test(tc, check_daemon_pidfile);
	tcase_add_test(tc, check_daemon_pidfile_stale);
	tcase_add_test(tc, check_daemon_logfile);
	tcase_add_test(tc, check_daemon_signals);
	tcase_add_test(tc, check_daemon_default_shutdown);
	tcase_add_test(tc, check_daemon_loop);
	tcase_add_test(tc, check_daemon_privdrop_root);
	tcase_add_test(tc, check_daemon_privdrop_user);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, check_daemon_verbose_clamp);
	tcase_add_test(tc, check_daemon_reparse);
	tcase_add_test(tc, check_daemon_long_root);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, check_daemon_usage_errors);
	tcase_add_test(tc, check_daemon_config_errors);
	tcase_add_test(tc, check_daemon_open_errors);
	tcase_add_test(tc, check_daemon_privdrop_unknown);
	tcase_add_test(tc, check_daemon_parse_port);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_daemon_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
