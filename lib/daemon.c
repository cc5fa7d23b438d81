/* SPDX-License-Identifier: ISC */
/*
 * The start-up skeleton shared by every Vireo daemon: option parsing,
 * the configuration check, the pid file, detaching, the privilege drop,
 * and the event base with its signal events.  Keeping it in one place
 * means hostd, cimom, vpxa and vmx agree on option letters, file
 * locations and signal meanings, and each main.c stays a dozen lines.
 *
 * Nothing here prints or exits: messages for the terminal are handed back
 * to main.c, and the processes a detach leaves behind are told to exit by
 * a return value.  The daemon's life events (stale pid file, signals,
 * privilege drop) are logged, since this is the daemon's own log.
 *
 * The pid file is the single-instance lock.  It is held with flock(2) on
 * an open descriptor, so the lock dies with the process however it ends;
 * a file nobody holds locked is stale, whatever pid it contains.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "log.h"
#include "xmalloc.h"

#define DAEMON_OPTSTRING	":df:hnu:Vv"
#define DAEMON_OPT_ROOT		(DAEMON_OPT_FIRST - 1)
#define DAEMON_PIDFILE_TRIES	10

static const struct option daemon_longopts[] = {
	{ "help",	no_argument,		NULL,	'h' },
	{ "root",	required_argument,	NULL,	DAEMON_OPT_ROOT },
	{ "user",	required_argument,	NULL,	'u' },
	{ "version",	no_argument,		NULL,	'V' },
};

/* The signals handled on the base, in d_signals order, and their names
 * for the log (strsignal's "Hangup" is not what an operator typed). */
static const int daemon_signals[DAEMON_NSIGNALS] = {
	SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGUSR1
};
static const char *const daemon_signal_names[DAEMON_NSIGNALS] = {
	"SIGTERM", "SIGINT", "SIGHUP", "SIGUSR2", "SIGUSR1"
};

static char	*daemon_usage(const struct daemon *);
static struct option *daemon_merge_longopts(const struct daemon_spec *);
static char	*daemon_absolute(const char *);
static int	 daemon_parse(struct daemon *, int, char **, int *, char **);
static int	 daemon_set_root(struct daemon *, const char *, char **);
static pid_t	 daemon_pidfile_read(int);
static int	 daemon_pidfile_write(int);
static int	 daemon_pidfile_lock(struct daemon *, char **);
static int	 daemon_detach(struct daemon *, char **);
static void	 daemon_signal_cb(evutil_socket_t, short, void *);
static void	 daemon_signal_mask(int);
static void	 daemon_signal_toggle_debug(void);
static const char *daemon_signal_name(int);

struct daemon *
daemon_create(const struct daemon_spec *spec, void *arg)
{
	struct daemon	*d;
	size_t		 i;

	d = xcalloc(1, sizeof *d);
	d->d_spec = spec;
	d->d_arg = arg;
	d->d_root = xstrdup("/");
	d->d_pidfd = -1;
	d->d_readyfd = -1;
	for (i = 0; i < DAEMON_NSIGNALS; i++)
		d->d_signals[i] = NULL;
	/* Until daemon_start, every message is for the terminal. */
	log_init(spec->ds_name, LOG_TO_STDERR);
	/*
	 * A TERM or INT that arrives while we start up (a test or an init
	 * system that saw our socket appear) must stop us cleanly, not kill
	 * us with the default action: hold the signals until daemon_start
	 * has libevent handlers for them, then they are delivered.
	 */
	daemon_signal_mask(SIG_BLOCK);
	return (d);
}

/* Block or unblock the signals daemon_start handles. */
static void
daemon_signal_mask(int how)
{
	sigset_t	set;
	size_t		i;

	sigemptyset(&set);
	for (i = 0; i < DAEMON_NSIGNALS; i++)
		sigaddset(&set, daemon_signals[i]);
	sigprocmask(how, &set, NULL);
}

void
daemon_free(struct daemon *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < DAEMON_NSIGNALS; i++) {
		if (d->d_signals[i] != NULL)
			event_free(d->d_signals[i]);
	}
	if (d->d_base != NULL)
		event_base_free(d->d_base);
	if (d->d_pidfd != -1) {
		/* Unlink while still holding the lock: a starting instance
		 * that opened the old file notices it is gone (see
		 * daemon_pidfile_lock) instead of trusting a dead inode. */
		if (d->d_pidowner == getpid() && unlink(d->d_pidpath) == -1)
			log_debug("unlink %s: %s", d->d_pidpath,
			    strerror(errno));
		close(d->d_pidfd);
	}
	if (d->d_readyfd != -1)
		close(d->d_readyfd);
	free(d->d_pidpath);
	free(d->d_logpath);
	free(d->d_root);
	free(d->d_conf);
	free(d->d_user);
	free(d);
}

/* The usage text, ending in a newline; owned. */
static char *
daemon_usage(const struct daemon *d)
{
	const struct daemon_spec	*spec = d->d_spec;
	char				*s;

	xasprintf(&s, "usage: %s [-dhnVv] [-f file] [-u user] [--root dir]%s%s"
	    "\n", spec->ds_name, spec->ds_usage != NULL ? " " : "",
	    spec->ds_usage != NULL ? spec->ds_usage : "");
	return (s);
}

/* Our long options followed by the daemon's, {0}-ended; owned. */
static struct option *
daemon_merge_longopts(const struct daemon_spec *spec)
{
	struct option	*all;
	size_t		 nours, ntheirs = 0;

	nours = sizeof daemon_longopts / sizeof daemon_longopts[0];
	if (spec->ds_longopts != NULL) {
		while (spec->ds_longopts[ntheirs].name != NULL)
			ntheirs++;
	}
	all = xcalloc(nours + ntheirs + 1, sizeof *all);
	memcpy(all, daemon_longopts, sizeof daemon_longopts);
	if (ntheirs > 0)
		memcpy(all + nours, spec->ds_longopts, ntheirs * sizeof *all);
	return (all);
}

/* path made absolute against the working directory; owned, or NULL with
 * errno when the working directory is unknown. */
static char *
daemon_absolute(const char *path)
{
	char	 cwd[PATH_MAX], *s;

	if (path[0] == '/')
		return (xstrdup(path));
	if (getcwd(cwd, sizeof cwd) == NULL)
		return (NULL);
	xasprintf(&s, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
	return (s);
}

/* --root: must be an existing directory; stored canonical. */
static int
daemon_set_root(struct daemon *d, const char *dir, char **cause)
{
	struct stat	 st;
	char		*real;

	if ((real = realpath(dir, NULL)) == NULL) {
		xasprintf(cause, "--root %s: %s", dir, strerror(errno));
		return (-1);
	}
	if (stat(real, &st) == -1 || !S_ISDIR(st.st_mode)) {
		free(real);
		errno = ENOTDIR;
		xasprintf(cause, "--root %s: %s", dir, strerror(errno));
		return (-1);
	}
	free(d->d_root);
	d->d_root = xstrdup(real);
	free(real);
	return (0);
}

/*
 * The getopt loop.  Returns 0 to go on, or -1 with *status and *msg set
 * as daemon_setup documents.
 */
static int
daemon_parse(struct daemon *d, int argc, char **argv, int *status,
    char **msg)
{
	const struct daemon_spec	*spec = d->d_spec;
	struct option			*longopts;
	char				*optstring, *cause = NULL, *usage;
	char				*conf = NULL;
	const char			*name = spec->ds_name;
	int				 ch, rc = 0;

	/* Each parse starts from the defaults, not from the last one. */
	d->d_foreground = d->d_verbose = d->d_check = 0;
	free(d->d_user);
	d->d_user = NULL;
	free(d->d_root);
	d->d_root = xstrdup("/");

	xasprintf(&optstring, "%s%s", DAEMON_OPTSTRING,
	    spec->ds_optstring != NULL ? spec->ds_optstring : "");
	longopts = daemon_merge_longopts(spec);

	/* 0 makes glibc reinitialise getopt completely, so a second parse
	 * (a test, a re-exec) starts from scratch.  The leading ':' keeps
	 * getopt from printing: messages are ours to build. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, optstring, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			d->d_foreground = 1;
			break;
		case 'f':
			free(conf);
			conf = xstrdup(optarg);
			break;
		case 'h':
			*status = 0;
			*msg = daemon_usage(d);
			rc = -1;
			goto out;
		case 'n':
			d->d_check = 1;
			break;
		case 'u':
			free(d->d_user);
			d->d_user = xstrdup(optarg);
			break;
		case 'V':
			*status = 0;
			xasprintf(msg, "%s (%s) %s\n", name, PACKAGE_NAME,
			    PACKAGE_VERSION);
			rc = -1;
			goto out;
		case 'v':
			d->d_verbose++;
			break;
		case DAEMON_OPT_ROOT:
			if (daemon_set_root(d, optarg, &cause) == -1)
				goto usage;
			break;
		case ':':
			if (optopt > 0 && optopt < 0x100)
				xasprintf(&cause, "option -%c needs an "
				    "argument", optopt);
			else
				xasprintf(&cause, "option %s needs an argument",
				    argv[optind - 1]);
			goto usage;
		case '?':
			if (optopt > 0 && optopt < 0x100)
				xasprintf(&cause, "unknown option -%c", optopt);
			else
				xasprintf(&cause, "unknown option %s",
				    argv[optind - 1]);
			goto usage;
		default:
			if (spec->ds_option == NULL) {
				xasprintf(&cause, "option %s not handled",
				    argv[optind - 1]);
				goto usage;
			}
			if (spec->ds_option(d, ch, optarg, &cause) == -1)
				goto usage;
			break;
		}
	}
	if (optind < argc) {
		xasprintf(&cause, "unexpected argument %s", argv[optind]);
		goto usage;
	}

	free(d->d_conf);
	if (conf != NULL) {
		if ((d->d_conf = daemon_absolute(conf)) == NULL) {
			xasprintf(&cause, "-f %s: %s", conf, strerror(errno));
			goto usage;
		}
	} else {
		xasprintf(&conf, "etc/vireo/%s.conf", name);
		d->d_conf = daemon_path(d, conf);
	}
	goto out;

usage:
	usage = daemon_usage(d);
	xasprintf(msg, "%s: %s\n%s", name, cause != NULL ? cause : "error",
	    usage);
	free(usage);
	*status = 2;
	rc = -1;
out:
	free(cause);
	free(conf);
	free(longopts);
	free(optstring);
	return (rc);
}

int
daemon_setup(struct daemon *d, int argc, char **argv, int *status,
    char **msg)
{
	const char	*name = d->d_spec->ds_name;
	char		*cause = NULL;
	int		 level;

	*msg = NULL;
	*status = 0;
	d->d_argv = argv;
	if (daemon_parse(d, argc, argv, status, msg) == -1)
		return (-1);

	if (d->d_spec->ds_config != NULL &&
	    d->d_spec->ds_config(d, &cause) == -1) {
		xasprintf(msg, "%s: %s\n", name, cause != NULL ? cause :
		    "configuration error");
		free(cause);
		*status = 1;
		return (-1);
	}
	/* An unknown -u user would only show after detaching; say it now,
	 * and let -n catch it. */
	if (d->d_user != NULL && getpwnam(d->d_user) == NULL) {
		xasprintf(msg, "%s: unknown user %s\n", name, d->d_user);
		*status = 1;
		return (-1);
	}
	if (d->d_check) {
		*msg = xstrdup("configuration OK\n");
		*status = 0;
		return (-1);
	}
	if (d->d_verbose > 0) {
		level = LOG_LEVEL_INFO + d->d_verbose;
		if (level > LOG_LEVEL_TRACE)
			level = LOG_LEVEL_TRACE;
		log_set_level((enum log_level)level);
	}
	return (0);
}

static long long
daemon_loop_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static int
daemon_loop_done(const struct daemon *d)
{
	return (event_base_got_exit(d->d_base) ||
	    event_base_got_break(d->d_base));
}

int
daemon_loop(struct daemon *d)
{
	unsigned int	spin_us;
	unsigned long	seen;
	long long	deadline, now;
	int		r;

	for (;;) {
		seen = d->d_activity;
		r = event_base_loop(d->d_base, EVLOOP_ONCE);
		if (r == -1)
			return (-1);
		/* 1: nothing left to wait for, where dispatch returns too. */
		if (r == 1 || daemon_loop_done(d))
			return (0);
		spin_us = d->d_busy_poll;
		if (spin_us == 0 || d->d_activity == seen)
			continue;
		seen = d->d_activity;
		deadline = daemon_loop_now_us() + spin_us;
		while (!daemon_loop_done(d)) {
			if (event_base_loop(d->d_base, EVLOOP_NONBLOCK) == -1)
				return (-1);
			now = daemon_loop_now_us();
			if (d->d_activity != seen) {
				seen = d->d_activity;
				deadline = now + spin_us;
			} else if (now >= deadline)
				break;
			else
				sched_yield();
		}
		if (daemon_loop_done(d))
			return (0);
	}
}

int
daemon_parse_port(const char *arg, int *port, char **cause)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n < 0 || n > 65535) {
		xasprintf(cause, "\"%.16s\" is not a port number (0 to 65535)",
		    arg);
		return (-1);
	}
	*port = (int)n;
	return (0);
}

char *
daemon_path(const struct daemon *d, const char *relpath)
{
	char	*s;

	while (*relpath == '/')
		relpath++;
	if (strcmp(d->d_root, "/") == 0)
		xasprintf(&s, "/%s", relpath);
	else
		xasprintf(&s, "%s/%s", d->d_root, relpath);
	return (s);
}

char *
daemon_path_mkdirs(const struct daemon *d, const char *relpath,
    char **cause)
{
	struct stat	 st;
	char		*path, *p;
	size_t		 rootlen;

	path = daemon_path(d, relpath);
	/* The root exists (daemon_setup checked); only what is below it
	 * is ours to create. */
	rootlen = strcmp(d->d_root, "/") == 0 ? 0 : strlen(d->d_root);
	for (p = path + rootlen + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			goto fail;
		if (stat(path, &st) == -1)
			goto fail;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto fail;
		}
		*p = '/';
	}
	return (path);

fail:
	xasprintf(cause, "%s: %s", path, strerror(errno));
	free(path);
	return (NULL);
}

/* The pid an existing pid file names, or -1. */
static pid_t
daemon_pidfile_read(int fd)
{
	char	 buf[32], *end;
	ssize_t	 n;
	long	 pid;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0 || (*end != '\n' &&
	    *end != '\0'))
		return (-1);
	return ((pid_t)pid);
}

/* Replace the pid file's content with our pid.  0 or -1/errno. */
static int
daemon_pidfile_write(int fd)
{
	char	buf[32];
	int	len;

	len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1)
		return (-1);
	if (pwrite(fd, buf, (size_t)len, 0) != len) {
		if (errno == 0)
			errno = EIO;
		return (-1);
	}
	return (0);
}

static int
daemon_pidfile_lock(struct daemon *d, char **cause)
{
	struct stat	 sfd, spath;
	char		*rel, *path;
	pid_t		 other;
	int		 fd, tries, created;

	xasprintf(&rel, "run/vireo/%s.pid", d->d_spec->ds_name);
	path = daemon_path_mkdirs(d, rel, cause);
	free(rel);
	if (path == NULL)
		return (-1);

	for (tries = 0; tries < DAEMON_PIDFILE_TRIES; tries++) {
		created = 1;
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd == -1 && errno == EEXIST) {
			created = 0;
			fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
			if (fd == -1 && errno == ENOENT)
				continue;	/* removed meanwhile */
		}
		if (fd == -1) {
			xasprintf(cause, "pid file %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK) {
				other = daemon_pidfile_read(fd);
				if (other > 0)
					xasprintf(cause, "%s is already "
					    "running (pid %ld, pid file %s)",
					    d->d_spec->ds_name, (long)other,
					    path);
				else
					xasprintf(cause, "%s is already "
					    "running (pid file %s is locked)",
					    d->d_spec->ds_name, path);
				errno = EEXIST;
			} else
				xasprintf(cause, "lock %s: %s", path,
				    strerror(errno));
			close(fd);
			goto fail;
		}
		/* An exiting instance unlinks its file before releasing the
		 * lock: if that happened between our open and our flock, we
		 * hold a lock on a file nobody else can see.  Start again. */
		if (fstat(fd, &sfd) == -1 || stat(path, &spath) == -1 ||
		    sfd.st_dev != spath.st_dev || sfd.st_ino != spath.st_ino) {
			close(fd);
			continue;
		}
		if (!created) {
			/* Its pid may well be alive (reused): what makes it
			 * stale is that nobody holds the lock. */
			other = daemon_pidfile_read(fd);
			if (other > 0)
				log_info("replacing stale pid file %s (left by "
				    "pid %ld)", path, (long)other);
			else
				log_info("replacing stale pid file %s", path);
		}
		if (daemon_pidfile_write(fd) == -1) {
			xasprintf(cause, "pid file %s: %s", path,
			    strerror(errno));
			close(fd);
			goto fail;
		}
		d->d_pidfd = fd;
		d->d_pidpath = path;
		d->d_pidowner = getpid();
		return (0);
	}
	errno = EAGAIN;
	xasprintf(cause, "pid file %s keeps disappearing", path);
fail:
	free(path);
	return (-1);
}

int
daemon_open(struct daemon *d, char **cause)
{
	char	*rel;

	if (daemon_pidfile_lock(d, cause) == -1)
		return (-1);
	if (d->d_foreground)
		return (0);

	xasprintf(&rel, "var/log/vireo/%s.log", d->d_spec->ds_name);
	d->d_logpath = daemon_path_mkdirs(d, rel, cause);
	free(rel);
	if (d->d_logpath == NULL)
		return (-1);
	/* Still on stderr too, so start-up errors reach the terminal. */
	if (log_open_file(d->d_logpath) == -1) {
		xasprintf(cause, "log file %s: %s", d->d_logpath,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * fork, setsid, fork: the daemon is not a session leader, so opening a
 * tty can never make it acquire a controlling terminal.  The starting
 * process waits on a pipe until daemon_start has finished in the daemon,
 * so its exit status says whether the daemon came up, and the pid file
 * holds the daemon's pid by the time it exits (what init systems expect).
 * Returns 0 in the daemon, 1 in the two processes left behind.
 */
static int
daemon_detach(struct daemon *d, char **cause)
{
	int	 fds[2], fd, saved_errno;
	pid_t	 pid;
	ssize_t	 n;
	char	 c;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return (-1);
	}
	switch (pid = fork()) {
	case -1:
		saved_errno = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved_errno;
		xasprintf(cause, "fork: %s", strerror(errno));
		return (-1);
	case 0:
		break;
	default:
		close(fds[1]);
		do {
			n = read(fds[0], &c, 1);
		} while (n == -1 && errno == EINTR);
		close(fds[0]);
		(void)waitpid(pid, NULL, 0);
		if (n != 1) {
			errno = ECHILD;
			xasprintf(cause, "the daemon exited during start-up "
			    "(see %s)", d->d_logpath != NULL ? d->d_logpath :
			    "the log");
			return (-1);
		}
		return (1);
	}

	close(fds[0]);
	if (setsid() == -1) {
		xasprintf(cause, "setsid: %s", strerror(errno));
		close(fds[1]);
		return (-1);
	}
	switch (fork()) {
	case -1:
		xasprintf(cause, "fork: %s", strerror(errno));
		close(fds[1]);
		return (-1);
	case 0:
		break;
	default:
		close(fds[1]);
		return (1);
	}

	d->d_readyfd = fds[1];
	if (chdir("/") == -1) {
		xasprintf(cause, "chdir /: %s", strerror(errno));
		return (-1);
	}
	if (d->d_pidfd != -1) {
		if (daemon_pidfile_write(d->d_pidfd) == -1) {
			xasprintf(cause, "pid file %s: %s", d->d_pidpath,
			    strerror(errno));
			return (-1);
		}
		d->d_pidowner = getpid();
	}
	if ((fd = open("/dev/null", O_RDWR)) == -1) {
		xasprintf(cause, "/dev/null: %s", strerror(errno));
		return (-1);
	}
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	log_set_dest((d->d_logpath != NULL ? LOG_TO_FILE : 0) |
	    (d->d_syslog ? LOG_TO_SYSLOG : 0));
	return (0);
}

int
daemon_start(struct daemon *d, char **cause)
{
	struct sigaction	 sa;
	struct event_config	*cfg;
	size_t			 i;
	int			 rc;
	char			 c = 1;

	if (!d->d_foreground) {
		if ((rc = daemon_detach(d, cause)) != 0)
			return (rc);
	}

	/* A peer closing early must give EPIPE on write, not kill us. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		xasprintf(cause, "sigaction: %s", strerror(errno));
		return (-1);
	}

	if (d->d_user != NULL && daemon_privdrop(d->d_user, cause) == -1)
		return (-1);

	event_set_log_callback(log_event_cb);
	/*
	 * Batch a loop turn's epoll changes: an HTTP request turns reading
	 * off and writing on and back again, four epoll_ctl calls without
	 * the changelist.  libevent's caveat is fds on the base cloned by
	 * dup(); daemons never register such fds.
	 */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == -1 ||
	    (d->d_base = event_base_new_with_config(cfg)) == NULL) {
		if (cfg != NULL)
			event_config_free(cfg);
		errno = ENOMEM;
		xasprintf(cause, "event_base_new_with_config failed");
		return (-1);
	}
	event_config_free(cfg);
	for (i = 0; i < DAEMON_NSIGNALS; i++) {
		d->d_signals[i] = evsignal_new(d->d_base, daemon_signals[i],
		    daemon_signal_cb, d);
		if (d->d_signals[i] == NULL ||
		    evsignal_add(d->d_signals[i], NULL) == -1) {
			errno = EINVAL;
			xasprintf(cause, "cannot handle %s",
			    daemon_signal_names[i]);
			return (-1);
		}
	}

	daemon_signal_mask(SIG_UNBLOCK);

	if (d->d_readyfd != -1) {
		/* If this fails the starting process reports a failed
		 * start-up while we run on: the lesser evil. */
		if (write(d->d_readyfd, &c, 1) != 1)
			log_warn("telling the starting process we are ready");
		close(d->d_readyfd);
		d->d_readyfd = -1;
	}
	log_info("started (pid %ld, root %s)", (long)getpid(), d->d_root);
	return (0);
}

static const char *
daemon_signal_name(int sig)
{
	size_t	i;

	for (i = 0; i < DAEMON_NSIGNALS; i++) {
		if (daemon_signals[i] == sig)
			return (daemon_signal_names[i]);
	}
	return ("signal");
}

/* USR2: debug on when it is off, back to info when it is on. */
static void
daemon_signal_toggle_debug(void)
{
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		log_set_level(LOG_LEVEL_INFO);
		log_info("debug logging off");
	} else {
		log_set_level(LOG_LEVEL_DEBUG);
		log_info("debug logging on");
	}
}

static void
daemon_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct daemon	*d = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("%s: shutting down", daemon_signal_name(sig));
		if (d->d_spec->ds_shutdown != NULL)
			d->d_spec->ds_shutdown(d);
		else
			event_base_loopexit(d->d_base, NULL);
		break;
	case SIGHUP:
		if (log_reopen() == -1)
			log_warn("reopening log file");
		log_info("%s: log reopened", daemon_signal_name(sig));
		if (d->d_spec->ds_reload != NULL)
			d->d_spec->ds_reload(d);
		break;
	case SIGUSR2:
		daemon_signal_toggle_debug();
		break;
	case SIGUSR1:
		daemon_reexec(d, "SIGUSR1");
		break;
	}
}

/*
 * The daemon starts again in place (SIGUSR1, hostd's RestartService for
 * cimom and vpxa, hostd after a configuration restore): the same pid, so
 * systemd and pid files keep following it.  Every descriptor is
 * close-on-exec, so the listeners and the pid file's lock go with the
 * exec and the new image takes them again; the pid file is removed first
 * as at a normal exit.  TERM, INT and HUP are held from here: execve
 * resets their handlers to the default action but keeps the mask, so one
 * sent meanwhile stays pending and stops the new image cleanly once its
 * daemon_start handles it, instead of killing the process half-way.
 */
void
daemon_reexec(struct daemon *d, const char *why)
{
	sigset_t	set;

	if (d->d_argv == NULL) {
		log_warnx("%s: cannot restart: no saved arguments", why);
		return;
	}
	log_info("%s: restarting in place", why);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (d->d_pidpath != NULL && d->d_pidowner == getpid() &&
	    unlink(d->d_pidpath) == -1)
		log_warn("unlink %s", d->d_pidpath);
	log_flush();
	execv("/proc/self/exe", d->d_argv);
	log_warn("%s: cannot restart: execv %s", why, d->d_argv[0]);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int
daemon_privdrop(const char *user, char **cause)
{
	struct passwd	*pw;
	uid_t		 uid, ruid, euid, suid;
	gid_t		 gid, rgid, egid, sgid;

	if (geteuid() != 0) {
		log_info("not running as root: staying uid %ld instead of "
		    "becoming %s", (long)geteuid(), user);
		return (0);
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno == 0)
			errno = ENOENT;
		xasprintf(cause, "unknown user %s", user);
		return (-1);
	}
	/* Copied: getpwnam's storage is reused by the next lookup. */
	uid = pw->pw_uid;
	gid = pw->pw_gid;

	/* Groups first: once the uid is gone we may no longer change
	 * them. */
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1) {
		xasprintf(cause, "cannot become group %ld: %s", (long)gid,
		    strerror(errno));
		return (-1);
	}
	if (setresuid(uid, uid, uid) == -1) {
		xasprintf(cause, "cannot become user %s: %s", user,
		    strerror(errno));
		return (-1);
	}
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1 ||
	    ruid != uid || euid != uid || suid != uid ||
	    rgid != gid || egid != gid || sgid != gid) {
		errno = EPERM;
		xasprintf(cause, "privilege drop to %s left other ids", user);
		return (-1);
	}
	/* The proof: with everything dropped, root must be out of reach
	 * (unless user is root itself). */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		errno = EPERM;
		xasprintf(cause, "could regain root after becoming %s", user);
		return (-1);
	}
	log_info("running as %s (uid %ld, gid %ld)", user, (long)uid,
	    (long)gid);
	return (0);
}
