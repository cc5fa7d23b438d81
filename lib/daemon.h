/* SPDX-License-Identifier: ISC */
/*
 * The start-up skeleton every Vireo daemon shares (hostd, cimom, vpxa, and
 * vmx in part): the common options, the configuration check, the pid file,
 * detaching, dropping privileges, the event base and its signals.  The
 * daemon describes itself with a struct daemon_spec (name, extra options,
 * callbacks) and its main.c becomes this sequence:
 *
 *	d = daemon_create(&hostd_spec, &hostd);	logs on stderr
 *	if (daemon_setup(d, argc, argv, &status, &msg) == -1) {
 *		fputs(msg, status == 0 ? stdout : stderr);
 *		exit(status);
 *	}
 *	if (daemon_open(d, &cause) == -1)		pid file, log file
 *		fatalx("%s", cause);
 *	...open listening sockets, still privileged, errors on the terminal
 *	switch (daemon_start(d, &cause)) {	detach, -u, base, signals
 *	case -1:
 *		fatalx("%s", cause);
 *	case 1:
 *		_exit(0);	the starting process: the daemon runs on
 *	}
 *	...event_new(d->d_base, ...) for the listeners
 *	event_base_dispatch(d->d_base);
 *	...free the daemon's own state
 *	daemon_free(d);					removes the pid file
 *
 * Every path is under the --root directory (default "/"), so tests and
 * the embedded default run a whole host in a temporary directory.
 */
#ifndef VIREO_DAEMON_H
#define VIREO_DAEMON_H

#include <sys/types.h>

#include <getopt.h>

struct event;
struct event_base;
struct daemon;

/* First value a daemon may give its own long-only options (those without
 * a short letter); smaller values are letters or reserved for ours. */
#define DAEMON_OPT_FIRST	0x1000

/* Signals the skeleton handles on the event base. */
#define DAEMON_NSIGNALS		5

/*
 * What a daemon tells the skeleton about itself.  Static and const in the
 * daemon's main.c; the skeleton borrows it for the daemon's lifetime.
 * Every member except ds_name may be NULL.
 */
struct daemon_spec {
	const char	*ds_name;	/* "hostd": log name, file names */
	const char	*ds_usage;	/* extra options' usage: "[-p port]" */
	const char	*ds_optstring;	/* extra short options (getopt) */
	/* Extra long options, {0}-ended, flag NULL; a val is the option's
	 * letter or at least DAEMON_OPT_FIRST. */
	const struct option *ds_longopts;

	/*
	 * One extra option: ch is the getopt value (the letter, or the long
	 * option's val), arg its argument or NULL.  Return 0, or -1 with
	 * *cause (the skeleton frees it) for a usage error.
	 */
	int		(*ds_option)(struct daemon *, int ch, const char *arg,
			    char **cause);
	/*
	 * Load and check the configuration from d->d_conf.  The file may be
	 * optional, that is the daemon's choice.  Return 0, or -1 with
	 * *cause (the skeleton frees it), which -n prints.  May set
	 * d->d_syslog and the log level (-v overrides it).
	 */
	int		(*ds_config)(struct daemon *, char **cause);
	/* SIGTERM and SIGINT.  NULL: event_base_loopexit(d->d_base). */
	void		(*ds_shutdown)(struct daemon *);
	/* SIGHUP, after the log file has been reopened.  NULL: nothing. */
	void		(*ds_reload)(struct daemon *);
};

/*
 * One daemon's start-up state.  Members are read-only outside daemon.c,
 * except d_arg and d_syslog.
 */
struct daemon {
	const struct daemon_spec *d_spec;	/* borrowed */
	void		*d_arg;		/* the daemon's context */

	char		*d_root;	/* --root, absolute, no trailing '/' */
	char		*d_conf;	/* -f, absolute; default under d_root */
	char		*d_user;	/* -u/--user, or NULL */
	int		 d_foreground;	/* -d */
	int		 d_verbose;	/* number of -v */
	int		 d_check;	/* -n */
	int		 d_syslog;	/* also log to syslog once detached */

	struct event_base *d_base;	/* owned; NULL until daemon_start */
	struct event	*d_signals[DAEMON_NSIGNALS];

	char		*d_pidpath;	/* owned; NULL until daemon_open */
	int		 d_pidfd;	/* locked pid file, or -1 */
	pid_t		 d_pidowner;	/* the process that removes it */
	char		*d_logpath;	/* owned; NULL in the foreground */
	int		 d_readyfd;	/* tells the starting process, or -1 */
	char		**d_argv;	/* main's, borrowed (daemon_setup):
					 * SIGUSR1 executes it again */
	unsigned long	 d_activity;	/* bumped by daemon_busy */
	unsigned int	 d_busy_poll;	/* us; daemon_loop, 0 = off */
};

/*
 * Allocate the state for the daemon described by spec (borrowed, must
 * outlive it); arg is stored in d_arg for the callbacks.  Defaults: root
 * "/", detach.  Starts logging as spec->ds_name on stderr at level info
 * (log_init).  Never NULL.
 */
struct daemon	*daemon_create(const struct daemon_spec *spec, void *arg);

/*
 * Close what the daemon opened (signal events, base, pid file, log
 * file) and free d.  The pid file is unlinked only by the process that
 * owns it (never by the process a detach left behind).  NULL is a no-op.
 */
void		 daemon_free(struct daemon *d);

/*
 * Parse the command line and load the configuration: the common options
 *	-d		foreground, logs on stderr
 *	-v		more verbose (repeatable: debug, trace)
 *	-f file		configuration (default <root>/etc/vireo/<name>.conf)
 *	-n		check the configuration and exit
 *	--root dir	where every path lives (default /), must exist
 *	-u, --user user	drop privileges to user (checked here)
 *	-h, --help	usage
 *	-V, --version	version
 * plus the daemon's own (ds_optstring, ds_longopts, ds_option), then
 * ds_config.  Relative -f and --root are made absolute, since a detached
 * daemon runs in "/".  Does not print and does not exit.
 *
 * Returns 0 when the daemon should go on starting, with the log level
 * raised by -v.  Returns -1 when the program should stop: *msg (owned by
 * the caller) is the text to print and *status the exit status; print it
 * to stdout when *status is 0 (--help, --version, -n success), else to
 * stderr (2: usage error, 1: bad configuration or user).
 * getopt state is reset first, so it may be called more than once.
 */
int		 daemon_setup(struct daemon *d, int argc, char **argv,
		     int *status, char **msg);

/*
 * Open what needs the privileges the daemon starts with: the pid file
 * <root>/run/vireo/<name>.pid, created exclusively and locked with
 * flock(2) for the daemon's life, and unless -d the log file
 * <root>/var/log/vireo/<name>.log (parent directories are created).
 * A pid file nobody holds locked is stale and is taken over.
 *
 * Returns 0, or -1 with errno and *cause (caller frees): EEXIST when
 * another instance runs, the cause naming its pid.
 */
int		 daemon_open(struct daemon *d, char **cause);

/*
 * Start running: unless -d, detach (fork, setsid, fork, chdir "/", stdio
 * to /dev/null, logs to the file and to syslog if d_syslog) and write the
 * daemon's pid into the pid file; then ignore SIGPIPE, drop privileges to
 * -u's user, create d->d_base (epoll changes batched per loop turn:
 * never register a dup()ed fd on it) and its signal events:
 *	TERM, INT	ds_shutdown (default: leave the event loop)
 *	HUP		reopen the log file, then ds_reload
 *	USR2		toggle debug logging
 * and route libevent's messages to the log.
 *
 * Returns 0 in the daemon.  Returns 1 in the process that started a
 * detached daemon, once the daemon is running: it must _exit(0) at once
 * without freeing d (the daemon owns the pid file now).  Returns -1 with
 * errno and *cause (caller frees) on failure, in whichever process saw it.
 */
int		 daemon_start(struct daemon *d, char **cause);

/*
 * Run d's event loop until event_base_loopexit or _loopbreak, like
 * event_base_dispatch.  With d_busy_poll > 0 (set by the daemon, read
 * every turn so a reload can change it), the loop keeps polling without
 * sleeping for up to that many microseconds after the daemon last called
 * daemon_busy: a client's next call arriving in that time (a script's
 * calls one after another) finds the loop awake instead of paying for a
 * sleeping thread's wake-up, which on a virtual CPU costs tens of
 * microseconds, more than a whole small call.  The spinning stops once
 * that time passes without work, so an idle daemon never spins.  Returns 0,
 * or -1 if libevent failed.
 */
int		 daemon_loop(struct daemon *d);

/* Tell daemon_loop that work just arrived (keep polling a while). */
static inline void
daemon_busy(struct daemon *d)
{
	d->d_activity++;
}

/*
 * Parse a daemon's TCP port option: a decimal number from 0 (the system
 * picks a free port) to 65535, nothing else.  Returns 0 with *port set,
 * or -1 with *cause (caller frees) naming the bad argument; for the
 * daemon's ds_option callback, which returns it as a usage error.
 */
int		 daemon_parse_port(const char *arg, int *port, char **cause);

/*
 * Build <root>/relpath.  relpath comes from the program, not from a
 * user, and leading slashes are ignored.  Returns an owned string.
 */
char		*daemon_path(const struct daemon *d, const char *relpath);

/*
 * Like daemon_path, and create the missing directories between the root
 * and the last component (mode 0755, less the umask).  Returns an owned
 * string, or NULL with errno and *cause (caller frees).
 */
char		*daemon_path_mkdirs(const struct daemon *d, const char *relpath,
		     char **cause);

/*
 * Execute the daemon's own binary again with its saved arguments, in
 * place (same pid), after removing its pid file and flushing the log;
 * why names the cause in the log ("SIGUSR1", "restore").  TERM, INT and
 * HUP are blocked over the exec so one sent meanwhile reaches the new
 * image.  Returns only if the exec failed (logged, signals unblocked).
 */
void		 daemon_reexec(struct daemon *, const char *why);

/*
 * Become user for good: supplementary groups, then real, effective and
 * saved gid, then uid, then check that root cannot be regained.  When the
 * process is not root it cannot change identity: this logs so and returns
 * 0.  Files opened before (pid file, log file) stay open; removing the pid
 * file and reopening a rotated log afterwards need their directories to
 * be writable by user.
 *
 * Returns 0, or -1 with errno and *cause (caller frees): ENOENT for an
 * unknown user, EPERM when root could be regained.
 */
int		 daemon_privdrop(const char *user, char **cause);

#endif
