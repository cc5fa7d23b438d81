/* SPDX-License-Identifier: ISC */
/*
 * cimom start-up: the lib/daemon.c sequence.  Options beyond the common
 * ones: -p port (HTTPS, default 5989, 0 picks a free one), -P port
 * (plain HTTP, off unless given), -s schema directory, -L provider
 * directory (repeatable), --provhost path of the provider host.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cimom.h"
#include "daemon.h"
#include "log.h"
#include "xmalloc.h"
#include "xml.h"

#define CIMOM_OPT_PROVHOST	DAEMON_OPT_FIRST

static int	cimom_main_option(struct daemon *, int, const char *, char **);
static int	cimom_main_config(struct daemon *, char **);
static void	cimom_main_shutdown(struct daemon *);
static __dead void cimom_main_fail(struct daemon *, struct cimom *, char *);

static const struct option cimom_main_longopts[] = {
	{ "provhost", required_argument, NULL, CIMOM_OPT_PROVHOST },
	{ NULL, 0, NULL, 0 }
};

static const struct daemon_spec cimom_main_spec = {
	.ds_name = "cimom",
	.ds_usage = "[-p port] [-P port] [-s schemadir] [-L providerdir] "
	    "[--provhost path]",
	.ds_optstring = "p:P:s:L:",
	.ds_longopts = cimom_main_longopts,
	.ds_option = cimom_main_option,
	.ds_config = cimom_main_config,
	.ds_shutdown = cimom_main_shutdown,
};

static __dead void
cimom_main_fail(struct daemon *d, struct cimom *c, char *cause)
{
	log_warnx("%s", cause);
	free(cause);
	cimom_free(c);
	daemon_free(d);
	exit(1);
}

static int
cimom_main_option(struct daemon *d, int ch, const char *arg, char **cause)
{
	struct cimom	*c = d->d_arg;
	char		*abs;

	switch (ch) {
	case 'p':
		return (daemon_parse_port(arg, &c->c_port_arg, cause));
	case 'P':
		return (daemon_parse_port(arg, &c->c_http_port_arg, cause));
	case 's':
	case 'L':
	case CIMOM_OPT_PROVHOST:
		/* The daemon changes directory: keep paths absolute. */
		if ((abs = realpath(arg, NULL)) == NULL) {
			xasprintf(cause, "%s: %s", arg, strerror(errno));
			return (-1);
		}
		if (ch == 's') {
			free(c->c_schemadir);
			c->c_schemadir = abs;
		} else if (ch == 'L') {
			if (c->c_nprovdirs == CIMOM_MAX_DIRS) {
				free(abs);
				xasprintf(cause, "too many -L directories");
				return (-1);
			}
			c->c_provdirs[c->c_nprovdirs++] = abs;
		} else {
			free(c->c_provhost);
			c->c_provhost = abs;
		}
		return (0);
	}
	xasprintf(cause, "unexpected option %d", ch);
	return (-1);
}

/* No configuration file yet: the options say everything. */
static int
cimom_main_config(struct daemon *d, char **cause)
{
	return (0);
}

static void
cimom_main_shutdown(struct daemon *d)
{
	cimom_shutdown(d->d_arg);
}

int
main(int argc, char **argv)
{
	struct daemon	*d;
	struct cimom	*c;
	char		*msg, *cause = NULL;
	int		 status;

	d = daemon_create(&cimom_main_spec, NULL);
	c = cimom_create(d);
	d->d_arg = c;
	if (daemon_setup(d, argc, argv, &status, &msg) == -1) {
		fputs(msg, status == 0 ? stdout : stderr);
		free(msg);
		cimom_free(c);
		daemon_free(d);
		exit(status);
	}
	xml_init();
	if (daemon_open(d, &cause) == -1)
		fatalx("%s", cause);
	if (cimom_open(c, &cause) == -1)
		cimom_main_fail(d, c, cause);
	switch (daemon_start(d, &cause)) {
	case -1:
		fatalx("%s", cause);
	case 1:
		_exit(0);
	}
	if (cimom_start(c, d->d_base, &cause) == -1)
		cimom_main_fail(d, c, cause);
	if (daemon_loop(d) == -1)
		fatalx("the event loop failed");
	cimom_free(c);
	log_info("exiting");
	daemon_free(d);
	return (0);
}
