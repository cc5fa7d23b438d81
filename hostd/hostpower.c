/* SPDX-License-Identifier: ISC */
/*
 * Shutting the host down or restarting it (HostSystem.ShutdownHost_Task,
 * RebootHost_Task, the console's F12).  The command comes from hostd.conf
 * (host.shutdownCommand, host.rebootCommand; defaults `systemctl poweroff`
 * and `systemctl reboot`), split on blanks and run without a shell, so a
 * test root can name a harmless one.  ESX wants maintenance mode; here, as
 * there, force lets it go ahead while VMs run, and without force running
 * VMs refuse it (InvalidState).  The task ends when the command has.
 */

#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "hostd.h"
#include "log.h"
#include "proto.h"
#include "xmalloc.h"

#define HOSTD_HOSTPOWER_ARGS	16

extern char **environ;

static char	*hostd_hostpower_command(const char *, int);
static int	 hostd_hostpower_spawn(char *, char **);

/* The command for reboot (1) or shutdown (0), a new string. */
static char *
hostd_hostpower_command(const char *root, int reboot)
{
	struct cfg	*c;
	const char	*v;
	char		*path, *cause = NULL, *cmd;

	xasprintf(&path, "%s/etc/vireo/hostd.conf", root);
	c = cfg_load(path, &cause);
	free(path);
	free(cause);
	v = c != NULL ? cfg_get(c, reboot ? "host.rebootCommand" :
	    "host.shutdownCommand") : NULL;
	cmd = xstrdup(v != NULL && *v != '\0' ? v : reboot ?
	    "systemctl reboot" : "systemctl poweroff");
	cfg_free(c);
	return (cmd);
}

/* Run cmd (split on blanks, cmd is cut up) and wait.  0 or -1, *cause. */
static int
hostd_hostpower_spawn(char *cmd, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[HOSTD_HOSTPOWER_ARGS], *save = NULL;
	char				*s, *tok;
	size_t				 n = 0;
	pid_t				 pid;
	int				 err, status;

	for (s = cmd; (tok = strtok_r(s, " \t", &save)) != NULL &&
	    n < HOSTD_HOSTPOWER_ARGS - 1; s = NULL)
		argv[n++] = tok;
	argv[n] = NULL;
	if (n == 0) {
		xasprintf(cause, "no command configured");
		return (-1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		xasprintf(cause, "%s: %s", argv[0], strerror(err));
		return (-1);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			xasprintf(cause, "waitpid: %s", strerror(errno));
			return (-1);
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xasprintf(cause, "%s failed (status %d)", argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return (-1);
	}
	return (0);
}

int
hostd_hostpower_run(struct hostd_soap_req *req, int reboot)
{
	struct hostd_inventory		*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo			*host, *mo = NULL;
	struct hostd_mo_virtualmachine	*vm;
	const struct hostd_val		*fv;
	const char			*user = req->r_session->s_user;
	char				*task, *cmd, *cause = NULL;
	int				 force = 0;

	if ((fv = hostd_val_field(req->r_params, "force")) != NULL &&
	    hostd_val_get_bool(fv, &force) == -1) {
		req->r_fault = hostd_fault_invalid_argument("force");
		return (0);
	}
	while (!force && (mo = hostd_inventory_next(inv, mo)) != NULL) {
		if (strcmp(mo->mo_type, "VirtualMachine") != 0 ||
		    (vm = mo->mo_data) == NULL ||
		    vm->vm_power == PROTO_VMX_POWERED_OFF)
			continue;
		req->r_fault = hostd_fault_create("InvalidState",
		    "The operation is not allowed while virtual machine %s "
		    "is running; use force or enter maintenance mode.",
		    vm->vm_name);
		return (0);
	}
	host = hostd_inventory_find(inv, "HostSystem", HOSTD_MO_HOST, NULL);
	task = xstrdup(hostd_task_create(inv, reboot ? "RebootHost_Task" :
	    "ShutdownHost_Task", reboot ? "HostSystem.reboot" :
	    "HostSystem.shutdown", host, user));
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	cmd = hostd_hostpower_command(hostd_inventory_rootdir(inv), reboot);
	log_info("%s requested by %s: running %s", reboot ? "reboot" :
	    "shutdown", user, cmd);
	hostd_event_post(req->r_soap, "GeneralUserEvent", NULL, user,
	    "Host %s requested by %s", reboot ? "reboot" : "shutdown", user);
	if (hostd_hostpower_spawn(cmd, &cause) == -1) {
		log_warnx("%s: %s", reboot ? "reboot" : "shutdown", cause);
		hostd_task_fail(inv, task, hostd_fault_system_error(cause));
		free(cause);
	} else
		hostd_task_succeed(inv, task, NULL);
	free(cmd);
	free(task);
	return (0);
}
