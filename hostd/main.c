/* SPDX-License-Identifier: ISC */
/*
 * hostd start-up: the lib/daemon.c sequence and nothing else.  Options
 * beyond the common ones: -p port (HTTPS) and -P port (plain HTTP), both
 * overriding hostd.conf, 0 picking a free port, and -s dir, the
 * persistent state directory (hostd.conf's state.dir), which must be
 * known before hostd.conf itself may be taken from it.  The signal
 * callbacks reach the context through d_arg, so there is no global.
 * After a configuration restore or a factory reset hostd runs itself
 * again (same pid, same arguments) on the new state files; the VMs'
 * vmx processes run on and are re-attached.
 */

#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

static int	hostd_main_option(struct daemon *, int, const char *, char **);
static int	hostd_main_config(struct daemon *, char **);
static void	hostd_main_shutdown(struct daemon *);
static __dead void hostd_main_fail(struct daemon *, struct hostd *, char *);

static const struct daemon_spec hostd_main_spec = {
	.ds_name = "hostd",
	.ds_usage = "[-I] [-p port] [-P port] [-s statedir]",
	.ds_optstring = "Ip:P:s:",
	.ds_option = hostd_main_option,
	.ds_config = hostd_main_config,
	.ds_shutdown = hostd_main_shutdown,
};

/* A start-up failure after the pid file: say why, clean up, exit 1. */
static __dead void
hostd_main_fail(struct daemon *d, struct hostd *h, char *cause)
{
	log_warnx("%s", cause);
	free(cause);
	hostd_free(h);
	daemon_free(d);
	exit(1);
}

static int
hostd_main_option(struct daemon *d, int ch, const char *arg, char **cause)
{
	struct hostd	*h = d->d_arg;

	switch (ch) {
	case 'I':
		h->h_init_only = 1;
		return (0);
	case 'p':
		return (daemon_parse_port(arg, &h->h_port_arg, cause));
	case 'P':
		return (daemon_parse_port(arg, &h->h_http_port_arg, cause));
	case 's':
		free(h->h_state_arg);
		h->h_state_arg = xstrdup(arg);
		return (0);
	}
	xasprintf(cause, "unexpected option %d", ch);
	return (-1);
}

static int
hostd_main_config(struct daemon *d, char **cause)
{
	struct hostd	*h = d->d_arg;

	/* A tmpfs root after a reboot: state first, then its hostd.conf. */
	if (!d->d_check && hostd_state_restore(h, d->d_conf, cause) == -1)
		return (-1);
	if (hostd_config(h, d->d_conf, cause) == -1)
		return (-1);
	if (d->d_check)
		return (hostd_check(h, cause));
	return (0);
}

static void
hostd_main_shutdown(struct daemon *d)
{
	hostd_shutdown(d->d_arg);
}

int
main(int argc, char **argv)
{
	struct daemon	*d;
	struct hostd	*h;
	char		*msg, *cause = NULL;
	int		 status, restart;

	/*
	 * A large answer (RetrievePropertiesEx over every VM) builds and
	 * frees a few MB of small values; with glibc's defaults the freed
	 * top of the heap goes back to the kernel each time and is faulted
	 * in again by the next call, a fifth of that call's CPU.  Keep up
	 * to 8 MB, and a fixed mmap threshold so that glibc does not keep
	 * moving it.
	 */
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	d = daemon_create(&hostd_main_spec, NULL);
	h = hostd_create(d);
	d->d_arg = h;
	if (daemon_setup(d, argc, argv, &status, &msg) == -1) {
		fputs(msg, status == 0 ? stdout : stderr);
		free(msg);
		hostd_free(h);
		daemon_free(d);
		exit(status);
	}
	if (h->h_init_only) {
		/* Package installation: the fresh host's files, no daemon. */
		if (hostd_init(h, &cause) == -1) {
			fprintf(stderr, "hostd: %s\n", cause);
			exit(1);
		}
		hostd_free(h);
		daemon_free(d);
		exit(0);
	}
	if (daemon_open(d, &cause) == -1)
		fatalx("%s", cause);
	if (hostd_open(h, &cause) == -1)
		hostd_main_fail(d, h, cause);

	switch (daemon_start(d, &cause)) {
	case -1:
		fatalx("%s", cause);
	case 1:
		_exit(0);
	}
	if (hostd_start(h, d->d_base, &cause) == -1)
		hostd_main_fail(d, h, cause);

	if (daemon_loop(d) == -1)
		fatalx("the event loop failed");

	restart = h->h_restart;
	hostd_free(h);
	if (restart) {
		/* A restore or reset: start again on the new state files. */
		daemon_reexec(d, "configuration changed");
		exit(1);
	}
	log_info("exiting");
	daemon_free(d);
	return (0);
}
