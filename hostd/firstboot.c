/* SPDX-License-Identifier: ISC */
/*
 * A fresh host: the files hostd creates under --root when they are
 * missing, as a newly installed ESXi does on its first boot.  root has an
 * empty password (ESXi's state until someone sets one), the TLS identity
 * is self-signed for this machine's name, the inventory is empty.
 *
 * Invariants: a file that exists is never rewritten (a second start keeps
 * the key and the passwords); every file is written atomically with its
 * final mode (lib/atomicfile.c), so a crash leaves either no file or a
 * whole one; the key and the shadow file are 0600 from the first byte.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "daemon.h"
#include "hostd.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

#include "hostd/embedded.h"

const char	hostd_firstboot_conf[] = HOSTD_EMBEDDED_CONF;
const char	hostd_firstboot_welcome[] = HOSTD_EMBEDDED_WELCOME;

/* ESXi's accounts: root, in the groups root and localadmin. */
static const char hostd_firstboot_passwd[] =
    "root:x:0:0:Administrator:/:/bin/sh\n";
static const char hostd_firstboot_group[] =
    "root:x:0:root\n"
    "localadmin:x:1000:root\n";
static const char hostd_firstboot_inventory[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ConfigRoot>\n"
    "</ConfigRoot>\n";

static int	hostd_firstboot_dir(struct hostd *, const char *, mode_t,
		    char **);
static int	hostd_firstboot_file(struct hostd *, const char *,
		    const char *, size_t, mode_t, char **);
static int	hostd_firstboot_tls(struct hostd *, char **);

/* Create the directory relpath (and its parents) if missing. */
static int
hostd_firstboot_dir(struct hostd *h, const char *relpath, mode_t mode,
    char **cause)
{
	struct stat	 sb;
	char		*path;
	int		 saved;

	if ((path = daemon_path_mkdirs(h->h_daemon, relpath, cause)) == NULL)
		return (-1);
	if (mkdir(path, mode) == -1 && errno != EEXIST) {
		saved = errno;
		xasprintf(cause, "%s: %s", path, strerror(saved));
		free(path);
		errno = saved;
		return (-1);
	}
	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: not a directory", path);
		free(path);
		errno = ENOTDIR;
		return (-1);
	}
	free(path);
	return (0);
}

/* Write relpath with data unless it exists. */
static int
hostd_firstboot_file(struct hostd *h, const char *relpath, const char *data,
    size_t len, mode_t mode, char **cause)
{
	struct stat	 sb;
	char		*path;
	int		 rc = 0, saved;

	if ((path = daemon_path_mkdirs(h->h_daemon, relpath, cause)) == NULL)
		return (-1);
	if (lstat(path, &sb) == 0) {
		free(path);
		return (0);
	}
	if (errno != ENOENT) {
		saved = errno;
		xasprintf(cause, "%s: %s", path, strerror(saved));
		free(path);
		errno = saved;
		return (-1);
	}
	if (atomicfile_write(path, data, len, mode, cause) == -1)
		rc = -1;
	else
		log_info("first start: created %s", path);
	free(path);
	return (rc);
}

/* Both halves of the identity exist, or a new pair replaces them. */
static int
hostd_firstboot_tls(struct hostd *h, char **cause)
{
	switch (tls_ensure_identity(h->h_certpath, h->h_keypath,
	    h->h_hostname, cause)) {
	case -1:
		return (-1);
	case TLS_IDENTITY_REPLACED:
		log_warnx("half of the TLS identity was missing: made a new "
		    "pair %s and %s for %s", h->h_certpath, h->h_keypath,
		    h->h_hostname);
		break;
	case TLS_IDENTITY_NEW:
		log_info("first start: created %s and %s for %s",
		    h->h_certpath, h->h_keypath, h->h_hostname);
		break;
	}
	return (0);
}

int
hostd_firstboot(struct hostd *h, char **cause)
{
	const struct hostd_conf	*hc = &h->h_conf;
	char			*shadow;
	int			 rc;

	if (hostd_firstboot_dir(h, "etc/vireo", 0755, cause) == -1 ||
	    hostd_firstboot_dir(h, "etc/vireo/ssl", 0755, cause) == -1 ||
	    hostd_firstboot_dir(h, "var/lib/vireo", 0755, cause) == -1 ||
	    hostd_firstboot_dir(h, hc->hc_ds_path, 0755, cause) == -1 ||
	    hostd_firstboot_dir(h, "var/log/vireo", 0755, cause) == -1 ||
	    hostd_firstboot_dir(h, "run/vireo", 0755, cause) == -1)
		return (-1);

	if (hostd_firstboot_file(h, "etc/vireo/hostd.conf",
	    hostd_firstboot_conf, strlen(hostd_firstboot_conf), 0644,
	    cause) == -1)
		return (-1);
	if (hostd_firstboot_file(h, "etc/vireo/passwd",
	    hostd_firstboot_passwd, strlen(hostd_firstboot_passwd), 0644,
	    cause) == -1 ||
	    hostd_firstboot_file(h, "etc/vireo/group",
	    hostd_firstboot_group, strlen(hostd_firstboot_group), 0644,
	    cause) == -1)
		return (-1);
	/* Empty password field: root logs in with a blank password.  The
	 * last change is today, in days since the epoch. */
	xasprintf(&shadow, "root::%lld:0:99999:7:::\n",
	    (long long)(time(NULL) / 86400));
	rc = hostd_firstboot_file(h, "etc/vireo/shadow", shadow,
	    strlen(shadow), 0600, cause);
	free(shadow);
	if (rc == -1)
		return (-1);

	if (hostd_firstboot_tls(h, cause) == -1)
		return (-1);
	/* root is Admin on the root folder, as on ESXi. */
	if (hostd_firstboot_file(h, "etc/vireo/authorization.xml",
	    hostd_authz_default(), strlen(hostd_authz_default()), 0644,
	    cause) == -1)
		return (-1);
	if (hostd_firstboot_file(h, "var/lib/vireo/inventory.xml",
	    hostd_firstboot_inventory, strlen(hostd_firstboot_inventory),
	    0644, cause) == -1)
		return (-1);
	return (0);
}
