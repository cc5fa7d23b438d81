/* SPDX-License-Identifier: ISC */
/*
 * The cimom context (cimom.h): what is checked before the daemon detaches
 * (the schema parses, the registrations parse, the TLS identity exists or
 * is generated the way hostd does on first start, the ports bind), and
 * what starts after (listeners, the port file, the provider host link).
 */

#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "account.h"
#include "atomicfile.h"
#include "cimom.h"
#include "daemon.h"
#include "log.h"
#include "provider.h"
#include "provlink.h"
#include "repository.h"
#include "tls.h"
#include "xmalloc.h"

static int	cimom_tls(struct cimom *, char **);

struct cimom *
cimom_create(struct daemon *d)
{
	struct cimom	*c = xcalloc(1, sizeof *c);

	c->c_daemon = d;
	c->c_port_arg = -1;
	c->c_http_port_arg = -1;
	return (c);
}

void
cimom_free(struct cimom *c)
{
	int	i;

	if (c == NULL)
		return;
	provlink_free(c->c_link);
	cimhttp_free(c->c_http);
	if (c->c_portpath != NULL) {
		unlink(c->c_portpath);
		free(c->c_portpath);
	}
	account_free(c->c_account);
	repository_free(c->c_repo);
	for (i = 0; i < c->c_nprovdirs; i++)
		free(c->c_provdirs[i]);
	free(c->c_schemadir);
	free(c->c_provhost);
	free(c->c_certpath);
	free(c->c_keypath);
	free(c);
}

/* Both halves of hostd's TLS identity exist, or a new pair replaces
 * them, as hostd does on its first start: whichever daemon starts first
 * on a fresh host makes the identity both serve. */
static int
cimom_tls(struct cimom *c, char **cause)
{
	switch (tls_ensure_identity(c->c_certpath, c->c_keypath,
	    c->c_hostname, cause)) {
	case -1:
		return (-1);
	case TLS_IDENTITY_NEW:
	case TLS_IDENTITY_REPLACED:
		log_info("generated a self-signed certificate for %s",
		    c->c_hostname);
		break;
	}
	return (0);
}

int
cimom_open(struct cimom *c, char **cause)
{
	struct daemon		*d = c->c_daemon;
	struct provider		*p;
	char			*path;
	int			 rc;

	if (gethostname(c->c_hostname, sizeof c->c_hostname) == -1)
		xsnprintf(c->c_hostname, sizeof c->c_hostname, "localhost");
	c->c_hostname[sizeof c->c_hostname - 1] = '\0';
	if (c->c_schemadir == NULL)
		c->c_schemadir = xstrdup(VIREO_DATADIR "/cimom");
	if (c->c_nprovdirs == 0)
		c->c_provdirs[c->c_nprovdirs++] =
		    xstrdup(VIREO_PKGLIBDIR "/providers");
	if (c->c_provhost == NULL)
		c->c_provhost = xstrdup(VIREO_LIBEXECDIR "/cimom-provhost");

	c->c_repo = repository_create();
	if (repository_load_all(c->c_repo, c->c_schemadir, d->d_root,
	    cause) == -1)
		return (-1);
	/* The provider host reads the registrations; a bad file should
	 * stop the start, not every request. */
	path = daemon_path(d, "etc/vireo/cimom/providers.reg");
	if (access(path, F_OK) == -1) {
		free(path);
		xasprintf(&path, "%s/providers.reg", c->c_schemadir);
	}
	p = provider_create(NULL);
	rc = access(path, F_OK) == 0 ? provider_load_reg(p, path, cause) : 0;
	provider_free(p);
	free(path);
	if (rc == -1)
		return (-1);
	if (access(c->c_provhost, X_OK) == -1) {
		xasprintf(cause, "%s: %s", c->c_provhost, strerror(errno));
		return (-1);
	}

	if ((c->c_certpath = daemon_path_mkdirs(d, "etc/vireo/ssl/rui.crt",
	    cause)) == NULL)
		return (-1);
	c->c_keypath = daemon_path(d, "etc/vireo/ssl/rui.key");
	if (cimom_tls(c, cause) == -1)
		return (-1);
	c->c_account = account_create(d->d_root, ACCOUNT_LOCK_FAILURES,
	    ACCOUNT_UNLOCK_TIME);
	c->c_http = cimhttp_create(c);
	return (cimhttp_open(c->c_http, c->c_port_arg >= 0 ? c->c_port_arg :
	    CIMOM_HTTPS_PORT, c->c_http_port_arg, cause));
}

int
cimom_start(struct cimom *c, struct event_base *base, char **cause)
{
	struct daemon	*d = c->c_daemon;
	char		*argv[8 + 2 * CIMOM_MAX_DIRS + 1], port[16];
	int		 n = 0, i;

	argv[n++] = c->c_provhost;
	argv[n++] = "--root";
	argv[n++] = d->d_root;
	argv[n++] = "--schema";
	argv[n++] = c->c_schemadir;
	argv[n++] = "--host";
	argv[n++] = c->c_hostname;
	if (d->d_logpath != NULL) {
		argv[n++] = "--log";
		argv[n++] = d->d_logpath;
	}
	for (i = 0; i < c->c_nprovdirs; i++) {
		argv[n++] = "-L";
		argv[n++] = c->c_provdirs[i];
	}
	argv[n] = NULL;
	c->c_link = provlink_create(base, argv);
	if (cimhttp_start(c->c_http, base, cause) == -1)
		return (-1);
	/* Like hostd.port: tests started with -p 0 learn the port here. */
	c->c_portpath = daemon_path(d, "run/vireo/cimom.port");
	xsnprintf(port, sizeof port, "%d\n", cimhttp_port(c->c_http));
	if (atomicfile_write(c->c_portpath, port, strlen(port), 0644,
	    cause) == -1)
		return (-1);
	return (0);
}

void
cimom_shutdown(struct cimom *c)
{
	event_base_loopexit(c->c_daemon->d_base, NULL);
}
