/* SPDX-License-Identifier: ISC */
/*
 * HostServiceSystem serviceSystem (HostSystem.configManager
 * .serviceSystem): the management agents of the host, as the console's
 * "Restart Management Agents" and its status screen see them.  serviceInfo
 * lists hostd, the CIM server (key "sfcbd-watchdog", ESX's name for it)
 * and vpxa, running or not from their pid files under run/vireo (a pid
 * file whose process is gone means not running).  RestartService restarts
 * one in place: hostd answers first and then executes itself again
 * (hostd_restart: same pid, the vmx processes run on and are re-attached);
 * the others get SIGUSR1, on which lib/daemon.c makes a daemon execute
 * itself again, keeping its pid.  A service that is not running is
 * reported as such (InvalidState), never "restarted".
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_HOSTSERVICESYSTEM_PRIV	"Host.Config.Maintenance"

/* The agents: key, label, daemon name (pid file run/vireo/<name>.pid). */
static const char *const hostd_mo_hostservicesystem_services[][3] = {
	{ "hostd", "Host agent (hostd)", "hostd" },
	{ "sfcbd-watchdog", "CIM Server", "cimom" },
	{ "vpxa", "vCenter Agent (vpxa)", "vpxa" },
};
#define HOSTD_MO_HOSTSERVICESYSTEM_N \
	(sizeof hostd_mo_hostservicesystem_services / \
	sizeof hostd_mo_hostservicesystem_services[0])

struct hostd_mo_hostservicesystem {
	void	(*ss_restart)(void *);
	void	*ss_arg;
};

static pid_t	hostd_mo_hostservicesystem_pid(struct hostd_inventory *,
		    const char *);
static struct hostd_val *hostd_mo_hostservicesystem_info(
		    const struct hostd_inventory_ctx *);
static int	hostd_mo_hostservicesystem_restart(struct hostd_soap_req *);
static int	hostd_mo_hostservicesystem_refresh(struct hostd_soap_req *);

static const struct hostd_soap_param hostd_mo_hostservicesystem_id_p[] = {
	{ "id", "string", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostservicesystem_none[] = {
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_hostservicesystem_methods[] = {
	{ "RestartService", "HostServiceSystem",
	  HOSTD_MO_HOSTSERVICESYSTEM_PRIV, 0,
	  hostd_mo_hostservicesystem_restart,
	  hostd_mo_hostservicesystem_id_p },
	{ "RefreshServices", "HostServiceSystem",
	  HOSTD_MO_HOSTSERVICESYSTEM_PRIV, 0,
	  hostd_mo_hostservicesystem_refresh,
	  hostd_mo_hostservicesystem_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_hostservicesystem_props[] = {
	{ "serviceInfo", hostd_mo_hostservicesystem_info, "System.Read",
	  NULL },
	{ NULL, NULL, NULL, NULL }
};

void
hostd_mo_hostservicesystem_setup(struct hostd_inventory *inv,
    void (*restart)(void *), void *arg)
{
	struct hostd_mo				*mo;
	struct hostd_mo_hostservicesystem	*ss;

	mo = hostd_inventory_find(inv, "HostServiceSystem",
	    HOSTD_MO_SERVICESYSTEM, NULL);
	if (mo == NULL)
		fatalx("bug: no %s in the inventory", HOSTD_MO_SERVICESYSTEM);
	if (mo->mo_data == NULL) {
		mo->mo_data = xcalloc(1, sizeof *ss);
		mo->mo_data_free = free;
	}
	ss = mo->mo_data;
	ss->ss_restart = restart;
	ss->ss_arg = arg;
}

/* The pid of daemon name from its pid file if that process lives, or -1. */
static pid_t
hostd_mo_hostservicesystem_pid(struct hostd_inventory *inv, const char *name)
{
	char	path[4096], buf[32];
	FILE	*f;
	long	pid;

	snprintf(path, sizeof path, "%s/run/vireo/%s.pid",
	    hostd_inventory_rootdir(inv), name);
	if ((f = fopen(path, "re")) == NULL)
		return (-1);
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return (-1);
	}
	fclose(f);
	pid = strtol(buf, NULL, 10);
	if (pid <= 1)
		return (-1);
	if (kill((pid_t)pid, 0) == -1 && errno != EPERM)
		return (-1);
	return ((pid_t)pid);
}

static struct hostd_val *
hostd_mo_hostservicesystem_info(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*info, *arr, *s;
	size_t			 i;
	int			 running;

	arr = hostd_val_array("HostService");
	for (i = 0; i < HOSTD_MO_HOSTSERVICESYSTEM_N; i++) {
		/* hostd answering this is running, whatever its file says. */
		running = i == 0 || hostd_mo_hostservicesystem_pid(c->ic_inv,
		    hostd_mo_hostservicesystem_services[i][2]) != -1;
		s = hostd_val_object("HostService");
		hostd_val_add_str(s, "key",
		    hostd_mo_hostservicesystem_services[i][0]);
		hostd_val_add_str(s, "label",
		    hostd_mo_hostservicesystem_services[i][1]);
		hostd_val_add_bool(s, "required", i == 0);
		hostd_val_add_bool(s, "uninstallable", 0);
		hostd_val_add_bool(s, "running", running);
		hostd_val_add_str(s, "policy", "on");
		hostd_val_push(arr, s);
	}
	info = hostd_val_object("HostServiceInfo");
	hostd_val_add(info, "service", arr);
	return (info);
}

static int
hostd_mo_hostservicesystem_restart(struct hostd_soap_req *req)
{
	struct hostd_inventory			*inv;
	struct hostd_mo				*mo;
	struct hostd_mo_hostservicesystem	*ss;
	const char				*id, *user;
	size_t					 i;
	pid_t					 pid;

	inv = hostd_soap_inventory(req->r_soap);
	id = hostd_val_str(hostd_val_field(req->r_params, "id"));
	user = req->r_session->s_user;
	for (i = 0; i < HOSTD_MO_HOSTSERVICESYSTEM_N; i++)
		if (strcmp(id, hostd_mo_hostservicesystem_services[i][0]) == 0)
			break;
	if (i == HOSTD_MO_HOSTSERVICESYSTEM_N) {
		req->r_fault = hostd_fault_create("NotFound",
		    "No service %.64s on this host.", id);
		return (0);
	}
	if (i == 0) {
		mo = hostd_inventory_find(inv, "HostServiceSystem",
		    HOSTD_MO_SERVICESYSTEM, NULL);
		if (mo == NULL || (ss = mo->mo_data) == NULL ||
		    ss->ss_restart == NULL) {
			req->r_fault = hostd_fault_create("NotSupported",
			    "hostd cannot restart itself here.");
			return (0);
		}
		log_info("RestartService hostd by %s", user);
		hostd_event_post(req->r_soap, "GeneralUserEvent", NULL, user,
		    "Service hostd restarted by %s", user);
		/* Answered before the loop ends: hostd_restart waits. */
		ss->ss_restart(ss->ss_arg);
		return (0);
	}
	pid = hostd_mo_hostservicesystem_pid(inv,
	    hostd_mo_hostservicesystem_services[i][2]);
	if (pid == -1) {
		req->r_fault = hostd_fault_create("InvalidState",
		    "Service %s (%s) is not running.",
		    hostd_mo_hostservicesystem_services[i][1],
		    hostd_mo_hostservicesystem_services[i][2]);
		return (0);
	}
	if (kill(pid, SIGUSR1) == -1) {
		log_warn("RestartService %s: kill %ld", id, (long)pid);
		req->r_fault = hostd_fault_system_error(strerror(errno));
		return (0);
	}
	log_info("RestartService %s (pid %ld) by %s", id, (long)pid, user);
	hostd_event_post(req->r_soap, "GeneralUserEvent", NULL, user,
	    "Service %s restarted by %s", id, user);
	return (0);
}

static int
hostd_mo_hostservicesystem_refresh(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv;

	inv = hostd_soap_inventory(req->r_soap);
	hostd_inventory_changed(inv, hostd_inventory_find(inv,
	    "HostServiceSystem", HOSTD_MO_SERVICESYSTEM, NULL), "serviceInfo");
	return (0);
}
