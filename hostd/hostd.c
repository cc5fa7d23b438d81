/* SPDX-License-Identifier: ISC */
/*
 * hostd's context: its configuration (etc/vireo/hostd.conf), and the order
 * in which its parts start and stop.  Start-up, still privileged
 * (hostd_open): first-boot files, TLS identity, listening sockets.  In the
 * daemon (hostd_start): the SOAP state, then serving, then the port file,
 * which tells the world hostd is ready.  Shutdown runs the other way.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "atomicfile.h"
#include "cfg.h"
#include "daemon.h"
#include "hostd.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

static void	hostd_conf_defaults(struct hostd_conf *);
static void	hostd_conf_clear(struct hostd_conf *);
static int	hostd_conf_int(const struct cfg *, const char *, long long,
		    long long, long long, long long *, const char *, char **);
static char	*hostd_local_name(void);
static void	hostd_paths(struct hostd *);
static char	*hostd_state_dir(struct hostd *, const char *);

struct hostd *
hostd_create(struct daemon *d)
{
	struct hostd	*h;

	h = xcalloc(1, sizeof *h);
	h->h_daemon = d;
	h->h_port_arg = -1;
	h->h_http_port_arg = -1;
	hostd_conf_defaults(&h->h_conf);
	h->h_hostname = hostd_local_name();
	return (h);
}

void
hostd_free(struct hostd *h)
{
	if (h == NULL)
		return;
	/* The VM links first (their VMs live in the inventory), then
	 * SOAP: it answers or drops the calls it still holds, which
	 * http.c owns until then. */
	hostd_vmxlink_free(h->h_vmxlink);
	/* The last copy of the state, for a clean shutdown. */
	hostd_statesync_free(h->h_statesync);
	if (h->h_soap != NULL)
		hostd_soap_free(h->h_soap);
	hostd_http_free(h->h_http);
	if (h->h_portpath != NULL && unlink(h->h_portpath) == -1 &&
	    errno != ENOENT)
		log_warn("unlink %s", h->h_portpath);
	free(h->h_portpath);
	free(h->h_certpath);
	free(h->h_keypath);
	free(h->h_hostname);
	free(h->h_state_arg);
	cfg_free(h->h_cfg);
	hostd_conf_clear(&h->h_conf);
	free(h);
}

/* This machine's name for its certificate, or "localhost". */
static char *
hostd_local_name(void)
{
	char	name[HOST_NAME_MAX + 1];
	size_t	len;

	if (gethostname(name, sizeof name) == -1)
		return (xstrdup("localhost"));
	name[sizeof name - 1] = '\0';
	len = strlen(name);
	if (len == 0 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != len)
		return (xstrdup("localhost"));
	return (xstrdup(name));
}

static void
hostd_conf_defaults(struct hostd_conf *hc)
{
	hc->hc_https_port = HOSTD_HTTPS_PORT;
	hc->hc_http_port = HOSTD_HTTP_PORT;
	hc->hc_http_enabled = 1;
	hc->hc_address = NULL;
	hc->hc_log_level = LOG_LEVEL_INFO;
	hc->hc_ds_name = xstrdup("datastore1");
	hc->hc_ds_path = xstrdup("var/lib/vireo/datastore1");
	hc->hc_max_conns = HOSTD_MAX_CONNS;
	hc->hc_max_body = HOSTD_MAX_BODY;
	hc->hc_max_headers = HOSTD_MAX_HEADERS;
	hc->hc_vmx_path = xstrdup(VIREO_LIBEXECDIR "/vmx");
	hc->hc_state_dir = NULL;
	hc->hc_state_interval = HOSTD_STATESYNC_INTERVAL;
	hc->hc_busy_poll = HOSTD_BUSY_POLL;
}

static void
hostd_conf_clear(struct hostd_conf *hc)
{
	free(hc->hc_address);
	free(hc->hc_ds_name);
	free(hc->hc_ds_path);
	free(hc->hc_vmx_path);
	free(hc->hc_state_dir);
	memset(hc, 0, sizeof *hc);
}

/* cfg_get_int with the file's name in front of the message. */
static int
hostd_conf_int(const struct cfg *cfg, const char *key, long long min,
    long long max, long long def, long long *out, const char *path,
    char **cause)
{
	char	*msg = NULL;

	if (cfg_get_int(cfg, key, min, max, def, out, &msg) == -1) {
		xasprintf(cause, "%s: %s", path, msg);
		free(msg);
		return (-1);
	}
	return (0);
}

int
hostd_ds_path_ok(const char *path)
{
	const char	*p;
	size_t		 n;

	if (*path == '\0' || strlen(path) > PATH_MAX / 2)
		return (0);
	for (p = path; *p != '\0'; p += n) {
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 2 && strncmp(p, "..", 2) == 0)
			return (0);
	}
	return (1);
}

int
hostd_config(struct hostd *h, const char *path, char **cause)
{
	struct hostd_conf	 hc;
	struct cfg		*cfg;
	enum log_level		 level;
	const char		*v;
	char			*msg = NULL;
	long long		 n;

	if ((cfg = cfg_load(path, &msg)) == NULL) {
		if (errno != ENOENT) {
			*cause = msg;
			return (-1);
		}
		/* First start: the defaults, written out by firstboot. */
		free(msg);
		msg = NULL;
		cfg = cfg_parse(hostd_firstboot_conf,
		    strlen(hostd_firstboot_conf), "(embedded hostd.conf)",
		    &msg);
		if (cfg == NULL) {
			*cause = msg;
			return (-1);
		}
	}

	memset(&hc, 0, sizeof hc);
	hostd_conf_defaults(&hc);
	if (hostd_conf_int(cfg, "https.port", 0, 65535, HOSTD_HTTPS_PORT, &n,
	    path, cause) == -1)
		goto fail;
	hc.hc_https_port = (int)n;
	if (hostd_conf_int(cfg, "http.port", 0, 65535, HOSTD_HTTP_PORT, &n,
	    path, cause) == -1)
		goto fail;
	hc.hc_http_port = (int)n;
	hc.hc_http_enabled = cfg_get_bool(cfg, "http.enabled", 1);
	if ((v = cfg_get(cfg, "listen.address")) != NULL && *v != '\0')
		hc.hc_address = xstrdup(v);
	if ((v = cfg_get(cfg, "log.level")) != NULL) {
		if (log_level_parse(v, &level) == -1) {
			xasprintf(cause, "%s: log.level: \"%.32s\" is not "
			    "error, warning, info, debug or trace", path, v);
			goto fail;
		}
		hc.hc_log_level = level;
	}
	if ((v = cfg_get(cfg, "datastore.name")) != NULL) {
		if (*v == '\0' || strlen(v) > 255 || strchr(v, '/') != NULL) {
			xasprintf(cause, "%s: datastore.name: \"%.32s\" is not "
			    "a datastore name", path, v);
			goto fail;
		}
		free(hc.hc_ds_name);
		hc.hc_ds_name = xstrdup(v);
	}
	if ((v = cfg_get(cfg, "datastore.path")) != NULL) {
		if (!hostd_ds_path_ok(v)) {
			xasprintf(cause, "%s: datastore.path: \"%.32s\" is not "
			    "a path under the root directory", path, v);
			goto fail;
		}
		free(hc.hc_ds_path);
		hc.hc_ds_path = xstrdup(v);
	}
	if ((v = cfg_get(cfg, "vmx.path")) != NULL) {
		if (*v != '/') {
			xasprintf(cause, "%s: vmx.path: \"%.32s\" is not an "
			    "absolute path", path, v);
			goto fail;
		}
		free(hc.hc_vmx_path);
		hc.hc_vmx_path = xstrdup(v);
	}
	if ((v = cfg_get(cfg, "state.dir")) != NULL && *v != '\0') {
		if ((hc.hc_state_dir = hostd_state_dir(h, v)) == NULL) {
			xasprintf(cause, "%s: state.dir: \"%.32s\" is not a "
			    "directory path", path, v);
			goto fail;
		}
	}
	if (hostd_conf_int(cfg, "state.interval", 1, 86400,
	    HOSTD_STATESYNC_INTERVAL, &n, path, cause) == -1)
		goto fail;
	hc.hc_state_interval = (unsigned int)n;
	if (h->h_state_arg != NULL) {
		free(hc.hc_state_dir);
		if ((hc.hc_state_dir = hostd_state_dir(h,
		    h->h_state_arg)) == NULL) {
			xasprintf(cause, "-s: \"%.32s\" is not a directory "
			    "path", h->h_state_arg);
			goto fail;
		}
	}
	if (hostd_conf_int(cfg, "http.maxConnections", 1, 65536,
	    HOSTD_MAX_CONNS, &n, path, cause) == -1)
		goto fail;
	hc.hc_max_conns = (int)n;
	if (hostd_conf_int(cfg, "http.maxBodySize", 4096, 1LL << 30,
	    HOSTD_MAX_BODY, &n, path, cause) == -1)
		goto fail;
	hc.hc_max_body = (size_t)n;
	if (hostd_conf_int(cfg, "http.maxHeaderSize", 1024, 1 << 20,
	    HOSTD_MAX_HEADERS, &n, path, cause) == -1)
		goto fail;
	hc.hc_max_headers = (size_t)n;
	if (hostd_conf_int(cfg, "http.busyPoll", 0, 10000, HOSTD_BUSY_POLL,
	    &n, path, cause) == -1)
		goto fail;
	hc.hc_busy_poll = (unsigned int)n;

	hostd_conf_clear(&h->h_conf);
	h->h_conf = hc;
	cfg_free(h->h_cfg);
	h->h_cfg = cfg;
	log_set_level((enum log_level)hc.hc_log_level);
	if (h->h_daemon != NULL)
		h->h_daemon->d_busy_poll = hc.hc_busy_poll;
	return (0);

fail:
	hostd_conf_clear(&hc);
	cfg_free(cfg);
	return (-1);
}

/*
 * The persistent state directory v: absolute as given, else under
 * --root; no ".." component.  NULL if unfit.
 */
static char *
hostd_state_dir(struct hostd *h, const char *v)
{
	char	*path;

	if (!hostd_ds_path_ok(v))
		return (NULL);
	if (*v == '/')
		return (xstrdup(v));
	xasprintf(&path, "%s/%s", strcmp(h->h_daemon->d_root, "/") == 0 ?
	    "" : h->h_daemon->d_root, v);
	return (path);
}

int
hostd_state_restore(struct hostd *h, const char *conf, char **cause)
{
	struct cfg	*cfg;
	const char	*v;
	char		*dir = NULL, *msg = NULL;
	int		 n;

	if (h->h_state_arg != NULL)
		dir = hostd_state_dir(h, h->h_state_arg);
	else if ((cfg = cfg_load(conf, &msg)) != NULL) {
		if ((v = cfg_get(cfg, "state.dir")) != NULL && *v != '\0')
			dir = hostd_state_dir(h, v);
		cfg_free(cfg);
	}
	/* A bad or missing file is hostd_config's to report. */
	free(msg);
	if (dir == NULL)
		return (0);
	n = hostd_statesync_restore(h->h_daemon->d_root, dir, cause);
	if (n > 0)
		log_info("state: %d file(s) taken from %s", n, dir);
	free(dir);
	return (n < 0 ? -1 : 0);
}

/* Paths every phase uses; idempotent. */
static void
hostd_paths(struct hostd *h)
{
	if (h->h_certpath == NULL)
		h->h_certpath = daemon_path(h->h_daemon,
		    "etc/vireo/ssl/rui.crt");
	if (h->h_keypath == NULL)
		h->h_keypath = daemon_path(h->h_daemon,
		    "etc/vireo/ssl/rui.key");
}

int
hostd_check(struct hostd *h, char **cause)
{
	struct hostd_soap	*soap;
	struct stat		 sb;
	SSL_CTX			*ctx;
	char			 tp[TLS_THUMBPRINT_MAX + 1];

	hostd_paths(h);
	if ((soap = hostd_soap_create(NULL, h->h_daemon->d_root, h->h_cfg,
	    cause)) == NULL)
		return (-1);
	hostd_soap_free(soap);

	if (stat(h->h_certpath, &sb) == -1 && stat(h->h_keypath, &sb) == -1) {
		log_info("no TLS identity yet: the first start generates "
		    "%s", h->h_certpath);
		return (0);
	}
	if ((ctx = tls_server_ctx(h->h_certpath, h->h_keypath,
	    cause)) == NULL)
		return (-1);
	SSL_CTX_free(ctx);
	if (tls_cert_thumbprint(h->h_certpath, "sha1", tp, sizeof tp,
	    cause) == -1)
		return (-1);
	log_info("TLS identity %s, SHA-1 thumbprint %s", h->h_certpath, tp);
	return (0);
}

int
hostd_init(struct hostd *h, char **cause)
{
	hostd_paths(h);
	return (hostd_firstboot(h, cause));
}

int
hostd_open(struct hostd *h, char **cause)
{
	char	*msg = NULL;

	hostd_paths(h);
	if (h->h_port_arg != -1)
		h->h_conf.hc_https_port = h->h_port_arg;
	if (h->h_http_port_arg != -1)
		h->h_conf.hc_http_port = h->h_http_port_arg;

	if (hostd_firstboot(h, cause) == -1)
		return (-1);
	if (tls_cert_thumbprint(h->h_certpath, "sha1", h->h_thumbprint,
	    sizeof h->h_thumbprint, &msg) == -1) {
		xasprintf(cause, "TLS identity: %s", msg);
		free(msg);
		return (-1);
	}
	h->h_portpath = daemon_path(h->h_daemon, "run/vireo/hostd.port");
	/* A port file left by a crash would point clients at nothing. */
	if (unlink(h->h_portpath) == -1 && errno != ENOENT)
		log_warn("unlink %s", h->h_portpath);

	h->h_http = hostd_http_create(h);
	return (hostd_http_open(h->h_http, cause));
}

int
hostd_start(struct hostd *h, struct event_base *base, char **cause)
{
	char	buf[32];
	int	port;

	h->h_base = base;
	if ((h->h_soap = hostd_soap_create(base, h->h_daemon->d_root,
	    h->h_cfg, cause)) == NULL)
		return (-1);
	if ((h->h_vmxlink = hostd_vmxlink_create(base, h->h_soap,
	    h->h_daemon->d_root, h->h_conf.hc_vmx_path, cause)) == NULL)
		return (-1);
	if (h->h_conf.hc_state_dir != NULL) {
		h->h_statesync = hostd_statesync_create(base,
		    h->h_daemon->d_root, h->h_conf.hc_state_dir,
		    h->h_conf.hc_state_interval);
		hostd_statesync_watch(h->h_statesync,
		    hostd_soap_inventory(h->h_soap));
	}
	hostd_mo_hostfirmwaresystem_setup(hostd_soap_inventory(h->h_soap),
	    h->h_statesync, hostd_restart, h);
	hostd_mo_hostservicesystem_setup(hostd_soap_inventory(h->h_soap),
	    hostd_restart, h);
	hostd_mo_hostnetworksystem_setup(h->h_daemon->d_root);
	if (hostd_http_start(h->h_http, base, cause) == -1)
		return (-1);

	port = hostd_http_port(h->h_http, HOSTD_HTTP_TLS);
	xsnprintf(buf, sizeof buf, "%d\n", port);
	if (atomicfile_write(h->h_portpath, buf, strlen(buf), 0644,
	    cause) == -1)
		return (-1);
	log_info("ready: https port %d, SHA-1 thumbprint %s", port,
	    h->h_thumbprint);
	return (0);
}

void
hostd_restart(void *arg)
{
	struct hostd	*h = arg;
	struct timeval	 tv = { 0, 500000 };

	log_info("restarting on the new configuration");
	h->h_restart = 1;
	if (h->h_base != NULL)
		event_base_loopexit(h->h_base, &tv);
}

void
hostd_shutdown(struct hostd *h)
{
	log_info("shutting down");
	/* A stop asked for while a restart is pending wins: else the new
	 * image would run on with the signal spent. */
	h->h_restart = 0;
	hostd_http_stop(h->h_http);
	if (h->h_base != NULL)
		event_base_loopexit(h->h_base, NULL);
}
