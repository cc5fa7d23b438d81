/* SPDX-License-Identifier: ISC */
/*
 * HostFirmwareSystem ha-firmwareSystem (HostSystem.configManager
 * .firmwareSystem): configuration backup and restore as on ESXi.
 * BackupFirmwareConfiguration builds the bundle (backup.c) and answers
 * https://<star>/downloads/<token>/configBundle-<host>.tgz, a URL only
 * the session that asked may GET (http.c -> ..._download), until it ends.
 * QueryFirmwareConfigUploadURL answers https://<star>/tmp/configBundle.tgz,
 * where a PUT keeps the bundle in memory; RestoreFirmwareConfiguration
 * checks it, writes its files, updates the persistent copy and restarts
 * hostd on them; ResetFirmwareToFactoryDefaults removes the state files
 * (the TLS identity and the VMs' files stay; VMs are unregistered, as
 * ESX's reset does) and restarts hostd, whose first boot writes the
 * defaults again.  Every method and both URLs need Host.Config.Firmware.
 * Restore and reset refuse while a VM runs (ESX wants maintenance mode),
 * unless restore's force is set.
 */

#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "hostd.h"
#include "log.h"
#include "proto.h"
#include "xmalloc.h"

#define HOSTD_MO_HOSTFIRMWARESYSTEM_PRIV	"Host.Config.Firmware"
#define HOSTD_MO_HOSTFIRMWARESYSTEM_UPLOAD	"/tmp/configBundle.tgz"

/* A bundle waiting for its download. */
struct hostd_mo_hostfirmwaresystem_dl {
	char	 fd_token[33];
	char	 fd_session[37];	/* UserSession.key */
	char	*fd_name;
	void	*fd_data;
	size_t	 fd_len;
};

struct hostd_mo_hostfirmwaresystem {
	struct hostd_statesync			*fw_sync;	/* or NULL */
	void					(*fw_restart)(void *);
	void					*fw_arg;
	struct hostd_mo_hostfirmwaresystem_dl	*fw_dl;
	size_t					 fw_ndl;
	void					*fw_upload;	/* or NULL */
	size_t					 fw_uplen;
};

static struct hostd_mo_hostfirmwaresystem *hostd_mo_hostfirmwaresystem_get(
		    struct hostd_soap *);
static void	hostd_mo_hostfirmwaresystem_free(void *);
static void	hostd_mo_hostfirmwaresystem_prune(struct hostd_soap *,
		    struct hostd_mo_hostfirmwaresystem *);
static int	hostd_mo_hostfirmwaresystem_busy(struct hostd_soap_req *);
static struct hostd_session *hostd_mo_hostfirmwaresystem_session(
		    struct hostd_soap *, const char *);
static int	hostd_mo_hostfirmwaresystem_backup(struct hostd_soap_req *);
static int	hostd_mo_hostfirmwaresystem_upload_url(
		    struct hostd_soap_req *);
static int	hostd_mo_hostfirmwaresystem_restore(struct hostd_soap_req *);
static int	hostd_mo_hostfirmwaresystem_reset(struct hostd_soap_req *);

static const struct hostd_soap_param hostd_mo_hostfirmwaresystem_none[] = {
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostfirmwaresystem_force_p[] = {
	{ "force", "boolean", 0 },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_hostfirmwaresystem_methods[] = {
	{ "BackupFirmwareConfiguration", "HostFirmwareSystem",
	  HOSTD_MO_HOSTFIRMWARESYSTEM_PRIV, 0,
	  hostd_mo_hostfirmwaresystem_backup,
	  hostd_mo_hostfirmwaresystem_none },
	{ "QueryFirmwareConfigUploadURL", "HostFirmwareSystem",
	  HOSTD_MO_HOSTFIRMWARESYSTEM_PRIV, 0,
	  hostd_mo_hostfirmwaresystem_upload_url,
	  hostd_mo_hostfirmwaresystem_none },
	{ "RestoreFirmwareConfiguration", "HostFirmwareSystem",
	  HOSTD_MO_HOSTFIRMWARESYSTEM_PRIV, 0,
	  hostd_mo_hostfirmwaresystem_restore,
	  hostd_mo_hostfirmwaresystem_force_p },
	{ "ResetFirmwareToFactoryDefaults", "HostFirmwareSystem",
	  HOSTD_MO_HOSTFIRMWARESYSTEM_PRIV, 0,
	  hostd_mo_hostfirmwaresystem_reset,
	  hostd_mo_hostfirmwaresystem_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* No properties. */
const struct hostd_inventory_prop hostd_mo_hostfirmwaresystem_props[] = {
	{ NULL, NULL, NULL, NULL }
};

static void
hostd_mo_hostfirmwaresystem_free(void *arg)
{
	struct hostd_mo_hostfirmwaresystem	*fw = arg;
	size_t					 i;

	for (i = 0; i < fw->fw_ndl; i++) {
		explicit_bzero(fw->fw_dl[i].fd_data, fw->fw_dl[i].fd_len);
		free(fw->fw_dl[i].fd_data);
		free(fw->fw_dl[i].fd_name);
	}
	free(fw->fw_dl);
	if (fw->fw_upload != NULL)
		explicit_bzero(fw->fw_upload, fw->fw_uplen);
	free(fw->fw_upload);
	free(fw);
}

void
hostd_mo_hostfirmwaresystem_setup(struct hostd_inventory *inv,
    struct hostd_statesync *ss, void (*restart)(void *), void *arg)
{
	struct hostd_mo				*mo;
	struct hostd_mo_hostfirmwaresystem	*fw;

	mo = hostd_inventory_find(inv, "HostFirmwareSystem",
	    HOSTD_MO_FIRMWARE, NULL);
	if (mo == NULL)
		fatalx("bug: no %s in the inventory", HOSTD_MO_FIRMWARE);
	if (mo->mo_data == NULL) {
		mo->mo_data = xcalloc(1, sizeof *fw);
		mo->mo_data_free = hostd_mo_hostfirmwaresystem_free;
	}
	fw = mo->mo_data;
	fw->fw_sync = ss;
	fw->fw_restart = restart;
	fw->fw_arg = arg;
}

/* The object's state, created on first use (unit tests skip setup). */
static struct hostd_mo_hostfirmwaresystem *
hostd_mo_hostfirmwaresystem_get(struct hostd_soap *hs)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(hostd_soap_inventory(hs),
	    "HostFirmwareSystem", HOSTD_MO_FIRMWARE, NULL);
	if (mo == NULL)
		return (NULL);
	if (mo->mo_data == NULL) {
		mo->mo_data = xcalloc(1, sizeof(struct
		    hostd_mo_hostfirmwaresystem));
		mo->mo_data_free = hostd_mo_hostfirmwaresystem_free;
	}
	return (mo->mo_data);
}

/* Forget the downloads of sessions that have ended. */
static void
hostd_mo_hostfirmwaresystem_prune(struct hostd_soap *hs,
    struct hostd_mo_hostfirmwaresystem *fw)
{
	struct hostd_mo_hostfirmwaresystem_dl	*d;
	size_t					 i = 0;

	while (i < fw->fw_ndl) {
		d = &fw->fw_dl[i];
		if (hostd_session_find_key(hostd_soap_sessions(hs),
		    d->fd_session) != NULL) {
			i++;
			continue;
		}
		explicit_bzero(d->fd_data, d->fd_len);
		free(d->fd_data);
		free(d->fd_name);
		memmove(d, d + 1, (fw->fw_ndl - i - 1) * sizeof *d);
		fw->fw_ndl--;
	}
}

/* 1 (and r_fault InvalidState) if a VM is not powered off. */
static int
hostd_mo_hostfirmwaresystem_busy(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo = NULL;
	struct hostd_mo_virtualmachine	*vm;

	inv = hostd_soap_inventory(req->r_soap);
	while ((mo = hostd_inventory_next(inv, mo)) != NULL) {
		if (strcmp(mo->mo_type, "VirtualMachine") != 0 ||
		    (vm = mo->mo_data) == NULL)
			continue;
		if (vm->vm_power != PROTO_VMX_POWERED_OFF) {
			req->r_fault = hostd_fault_create("InvalidState",
			    "The operation is not allowed while virtual "
			    "machine %s is running or suspended.", vm->vm_name);
			return (1);
		}
	}
	return (0);
}

static int
hostd_mo_hostfirmwaresystem_backup(struct hostd_soap_req *req)
{
	struct hostd_mo_hostfirmwaresystem	*fw;
	struct hostd_mo_hostfirmwaresystem_dl	*d;
	unsigned char				 rnd[16];
	char					 host[256], *cause = NULL;
	char					*url;
	void					*data;
	size_t					 len, i;

	if ((fw = hostd_mo_hostfirmwaresystem_get(req->r_soap)) == NULL ||
	    getrandom(rnd, sizeof rnd, 0) != sizeof rnd) {
		req->r_fault = hostd_fault_system_error("no random bytes");
		return (0);
	}
	hostd_mo_hostsystem_name(host, sizeof host);
	if (hostd_backup_create(hostd_inventory_rootdir(
	    hostd_soap_inventory(req->r_soap)), host, &data, &len,
	    &cause) != 0) {
		log_warnx("backup: %s", cause);
		req->r_fault = hostd_fault_system_error(cause);
		free(cause);
		return (0);
	}
	hostd_mo_hostfirmwaresystem_prune(req->r_soap, fw);
	fw->fw_dl = xreallocarray(fw->fw_dl, fw->fw_ndl + 1,
	    sizeof *fw->fw_dl);
	d = &fw->fw_dl[fw->fw_ndl++];
	memset(d, 0, sizeof *d);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(d->fd_token + 2 * i, 3, "%02x", rnd[i]);
	snprintf(d->fd_session, sizeof d->fd_session, "%s",
	    req->r_session->s_key);
	xasprintf(&d->fd_name, "configBundle-%s.tgz", host);
	d->fd_data = data;
	d->fd_len = len;
	log_info("backup: configuration bundle of %zu bytes for %s", len,
	    req->r_session->s_user);
	xasprintf(&url, "https://*/downloads/%s/%s", d->fd_token,
	    d->fd_name);
	req->r_result = hostd_val_string(url);
	free(url);
	return (0);
}

static int
hostd_mo_hostfirmwaresystem_upload_url(struct hostd_soap_req *req)
{
	req->r_result = hostd_val_string("https://*"
	    HOSTD_MO_HOSTFIRMWARESYSTEM_UPLOAD);
	return (0);
}

static int
hostd_mo_hostfirmwaresystem_restore(struct hostd_soap_req *req)
{
	struct hostd_mo_hostfirmwaresystem	*fw;
	char					 host[256], *cause = NULL;
	const char				*root;
	int					 force;

	if (hostd_val_get_bool(hostd_val_field(req->r_params, "force"),
	    &force) != 0) {
		req->r_fault = hostd_fault_invalid_argument("force");
		return (0);
	}
	fw = hostd_mo_hostfirmwaresystem_get(req->r_soap);
	if (fw == NULL || fw->fw_upload == NULL) {
		req->r_fault = hostd_fault_create("InvalidState", "No "
		    "configuration bundle was uploaded to %s.",
		    HOSTD_MO_HOSTFIRMWARESYSTEM_UPLOAD);
		return (0);
	}
	if (!force && hostd_mo_hostfirmwaresystem_busy(req))
		return (0);
	hostd_mo_hostsystem_name(host, sizeof host);
	root = hostd_inventory_rootdir(hostd_soap_inventory(req->r_soap));
	if (hostd_backup_restore(root, fw->fw_upload, fw->fw_uplen, host,
	    force, &cause) != 0) {
		log_warnx("restore by %s refused: %s", req->r_session->s_user,
		    cause);
		if (errno == EINVAL) {
			req->r_fault = hostd_fault_create("InvalidBundle",
			    "The provided bundle is not valid: %s", cause);
			hostd_val_add_str(req->r_fault->f_obj, "text", cause);
		} else
			req->r_fault = hostd_fault_system_error(cause);
		free(cause);
		return (0);
	}
	explicit_bzero(fw->fw_upload, fw->fw_uplen);
	free(fw->fw_upload);
	fw->fw_upload = NULL;
	fw->fw_uplen = 0;
	log_info("restore: configuration restored by %s; restarting",
	    req->r_session->s_user);
	if (fw->fw_sync != NULL && hostd_statesync_now(fw->fw_sync,
	    &cause) != 0) {
		log_warnx("restore: %s", cause);
		free(cause);
	}
	if (fw->fw_restart != NULL)
		fw->fw_restart(fw->fw_arg);
	return (0);
}

static int
hostd_mo_hostfirmwaresystem_reset(struct hostd_soap_req *req)
{
	struct hostd_mo_hostfirmwaresystem	*fw;
	const char				*root;
	char					*path, *cause = NULL;
	size_t					 i;

	if (hostd_mo_hostfirmwaresystem_busy(req))
		return (0);
	fw = hostd_mo_hostfirmwaresystem_get(req->r_soap);
	if (fw != NULL && fw->fw_sync != NULL &&
	    hostd_statesync_clear(fw->fw_sync, &cause) != 0) {
		req->r_fault = hostd_fault_system_error(cause);
		free(cause);
		return (0);
	}
	root = hostd_inventory_rootdir(hostd_soap_inventory(req->r_soap));
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		/* The identity stays: clients keep trusting the host. */
		if (strncmp(hostd_backup_files[i], "etc/vireo/ssl/", 14) == 0)
			continue;
		xasprintf(&path, "%s/%s", strcmp(root, "/") == 0 ? "" : root,
		    hostd_backup_files[i]);
		if (unlink(path) == -1 && errno != ENOENT)
			log_warn("reset: unlink %s", path);
		free(path);
	}
	log_info("reset: factory defaults requested by %s; restarting",
	    req->r_session->s_user);
	if (fw != NULL && fw->fw_restart != NULL)
		fw->fw_restart(fw->fw_arg);
	return (0);
}

/* The session of Cookie header cookie if it holds the privilege. */
static struct hostd_session *
hostd_mo_hostfirmwaresystem_session(struct hostd_soap *hs,
    const char *cookie)
{
	struct hostd_session	*s;

	if (cookie == NULL || (s = hostd_session_find(hostd_soap_sessions(hs),
	    cookie)) == NULL)
		return (NULL);
	if (!hostd_authz_allowed(hs, s, NULL,
	    HOSTD_MO_HOSTFIRMWARESYSTEM_PRIV))
		return (NULL);
	hostd_session_touch(s);
	return (s);
}

int
hostd_mo_hostfirmwaresystem_download(struct hostd_soap *hs,
    const char *path, const char *cookie, struct evbuffer *out,
    const char **reason)
{
	struct hostd_mo_hostfirmwaresystem	*fw;
	struct hostd_mo_hostfirmwaresystem_dl	*d;
	struct hostd_session			*s;
	size_t					 i;

	if ((s = hostd_mo_hostfirmwaresystem_session(hs, cookie)) == NULL) {
		*reason = "Unauthorized";
		return (401);
	}
	if ((fw = hostd_mo_hostfirmwaresystem_get(hs)) != NULL)
		hostd_mo_hostfirmwaresystem_prune(hs, fw);
	for (i = 0; fw != NULL && i < fw->fw_ndl; i++) {
		d = &fw->fw_dl[i];
		if (strncmp(path, d->fd_token, 32) != 0 || path[32] != '/' ||
		    strcmp(path + 33, d->fd_name) != 0 ||
		    strcmp(d->fd_session, s->s_key) != 0)
			continue;
		evbuffer_add(out, d->fd_data, d->fd_len);
		*reason = "OK";
		return (200);
	}
	*reason = "Not Found";
	return (404);
}

int
hostd_mo_hostfirmwaresystem_upload(struct hostd_soap *hs,
    const char *cookie, struct evbuffer *in, const char **reason)
{
	struct hostd_mo_hostfirmwaresystem	*fw;
	size_t					 len;

	len = evbuffer_get_length(in);
	if (hostd_mo_hostfirmwaresystem_session(hs, cookie) == NULL) {
		*reason = "Unauthorized";
		return (401);
	}
	if (len == 0 || len > HOSTD_BACKUP_MAX) {
		*reason = "Bad Request";
		return (400);
	}
	if ((fw = hostd_mo_hostfirmwaresystem_get(hs)) == NULL) {
		*reason = "Internal Server Error";
		return (500);
	}
	if (fw->fw_upload != NULL)
		explicit_bzero(fw->fw_upload, fw->fw_uplen);
	free(fw->fw_upload);
	fw->fw_upload = xmalloc(len);
	evbuffer_remove(in, fw->fw_upload, len);
	fw->fw_uplen = len;
	log_info("restore: configuration bundle of %zu bytes uploaded", len);
	*reason = "OK";
	return (200);
}
