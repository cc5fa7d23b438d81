/* SPDX-License-Identifier: ISC */
/*
 * hostd's side of vmx (DESIGN.md: hostd spawns vmx and links to its
 * control socket; vmx outlives hostd; a new hostd re-attaches).
 *
 * Power on forks and execs vmx (`-c <vmx> --root <root> -i <id>`, stdio
 * on /dev/null; vmx starts its own session), then a timer tries the
 * control socket run/vireo/vmx/<id>.sock every HOSTD_VMXLINK_RETRY_MS
 * until it answers, the child exits or HOSTD_VMXLINK_START_TIMEOUT
 * passes.  Once linked (lib/peer.c, the table below) hostd asks for the
 * state; every later MSG_VMX_STATE_EVENT, and the end of the link, sets
 * the VM's runtime.powerState, which wakes property waits.  Other power
 * operations are MSG_VMX_POWER_REQ on the link.
 *
 * One operation with a task at a time per VM (lv_op): it ends when vmx's
 * state shows it done (poweredOn, poweredOff, suspended), or at MSG_OK
 * for a reset, or fails at MSG_FAIL or when vmx goes away first.
 *
 * Children are reaped on SIGCHLD (a libevent signal event) and their exit
 * status logged.  vmx's frames are checked by the peer table; a state
 * outside the protocol's values drops the link.  A link that ends
 * without vmx having said how its run ended (a crash, a kill, a
 * misbehaving peer) leaves the VM poweredOff with an error logged.
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "hostd.h"
#include "log.h"
#include "peer.h"
#include "proto.h"
#include "usock.h"
#include "xmalloc.h"

#define HOSTD_VMXLINK_RETRY_MS	50
/*
 * vmx's exit statuses that mean the guest never ran (vmx/vmx.h, a fixed
 * contract; 127 is our child's failed exec).  Every other exit is the end
 * of a run: ACPI S5, a reset, a debug-exit write, a guest crash.
 */
#define HOSTD_VMXLINK_EXIT_USAGE	2
#define HOSTD_VMXLINK_EXIT_FAILURE	10
#define HOSTD_VMXLINK_EXIT_EXEC		127
/* hostd_vmxlink_lost's error: an I/O error (1) or a misbehaving vmx. */
#define HOSTD_VMXLINK_LOST_PROTO	2
#define HOSTD_VMXLINK_SOCKDIR	"run/vireo/vmx"

/* One VM's link. */
struct hostd_vmxlink_vm {
	struct hostd_vmxlink	*lv_vl;		/* borrowed */
	char			*lv_id;
	pid_t			 lv_pid;	/* our vmx child, or -1 */
	int			 lv_status;	/* its wait status, or -1 */
	struct peer		*lv_peer;	/* or NULL */
	struct event		*lv_retry;	/* connect timer */
	int			 lv_tries;
	uint32_t		 lv_nextreq;
	int			 lv_ended;	/* vmx said how it ended */
	int			 lv_spawn;	/* power-on: start vmx once the
						   previous one has exited */
	int			 lv_op;		/* HOSTD_VMXLINK_*, or 0 */
	uint32_t		 lv_opreq;	/* its request, or 0 */
	char			*lv_task;	/* its Task moid, or NULL */
	char			*lv_user;	/* who asked, or NULL */
	void			(*lv_cb)(void *, const char *);
	void			*lv_cbarg;	/* hostd_vmxlink_request's */
	TAILQ_ENTRY(hostd_vmxlink_vm) lv_entry;
};

struct hostd_vmxlink {
	struct event_base	*vl_base;	/* borrowed */
	struct hostd_soap	*vl_soap;	/* borrowed */
	struct hostd_inventory	*vl_inv;	/* borrowed */
	char			*vl_root;
	char			*vl_vmx;
	struct event		*vl_sigchld;
	TAILQ_HEAD(, hostd_vmxlink_vm) vl_vms;
};

static struct hostd_vmxlink_vm *hostd_vmxlink_vm(struct hostd_vmxlink *,
		    const char *, int);
static char	*hostd_vmxlink_sockpath(struct hostd_vmxlink *, const char *);
static int	 hostd_vmxlink_attach(struct hostd_vmxlink_vm *, char **);
static int	 hostd_vmxlink_spawn(struct hostd_vmxlink_vm *, char **);
static void	 hostd_vmxlink_reattach(struct hostd_vmxlink *);
static void	 hostd_vmxlink_retry_cb(evutil_socket_t, short, void *);
static void	 hostd_vmxlink_sigchld_cb(evutil_socket_t, short, void *);
static int	 hostd_vmxlink_reap(struct hostd_vmxlink_vm *);
static void	 hostd_vmxlink_done(struct hostd_vmxlink_vm *,
		    struct hostd_fault *);
static void	 hostd_vmxlink_lost(struct hostd_vmxlink_vm *, const char *,
		    int);
static void	 hostd_vmxlink_set(struct hostd_vmxlink_vm *, int, time_t);
static void	 hostd_vmxlink_ran(struct hostd_vmxlink_vm *);
static struct hostd_mo *hostd_vmxlink_mo(struct hostd_vmxlink_vm *);
static void	 hostd_vmxlink_on_ok(struct peer *, struct peer_msg *, void *);
static void	 hostd_vmxlink_on_fail(struct peer *, struct peer_msg *,
		    void *);
static void	 hostd_vmxlink_on_version(struct peer *, struct peer_msg *,
		    void *);
static void	 hostd_vmxlink_on_state(struct peer *, struct peer_msg *,
		    void *);
static void	 hostd_vmxlink_on_event(struct peer *, struct peer_msg *,
		    void *);
static void	 hostd_vmxlink_on_eof(struct peer *, struct peer_msg *,
		    void *);

/* What vmx may send hostd; anything else drops the link. */
static const struct peer_handler hostd_vmxlink_table[] = {
	{ MSG_OK, 0, 0, 0, hostd_vmxlink_on_ok },
	{ MSG_FAIL, sizeof(struct proto_fail) + 1, PROTO_MAX_PAYLOAD,
	  PEER_F_STRING, hostd_vmxlink_on_fail },
	{ MSG_VERSION, sizeof(struct proto_version),
	  sizeof(struct proto_version), 0, hostd_vmxlink_on_version },
	{ MSG_VMX_STATE_RESP, sizeof(struct proto_vmx_state),
	  sizeof(struct proto_vmx_state), 0, hostd_vmxlink_on_state },
	{ MSG_VMX_STATE_EVENT, sizeof(struct proto_vmx_state),
	  sizeof(struct proto_vmx_state), 0, hostd_vmxlink_on_state },
	{ MSG_VMX_EVENT, sizeof(struct proto_vmx_event) + 1,
	  PROTO_MAX_PAYLOAD, PEER_F_STRING, hostd_vmxlink_on_event },
	{ MSG_EOF, 0, 0, 0, hostd_vmxlink_on_eof },
};

/* Operations and their vmx power request (0: not a request). */
static const uint32_t hostd_vmxlink_ops[] = {
	[HOSTD_VMXLINK_ON] = 0,
	[HOSTD_VMXLINK_OFF] = PROTO_VMX_POWER_OFF,
	[HOSTD_VMXLINK_RESET] = PROTO_VMX_POWER_RESET,
	[HOSTD_VMXLINK_SUSPEND] = PROTO_VMX_POWER_SUSPEND,
	[HOSTD_VMXLINK_SHUTDOWN] = PROTO_VMX_POWER_SHUTDOWN,
	[HOSTD_VMXLINK_REBOOT] = PROTO_VMX_POWER_RESET,
};

struct hostd_vmxlink *
hostd_vmxlink_create(struct event_base *base, struct hostd_soap *hs,
    const char *root, const char *vmx, char **cause)
{
	struct hostd_vmxlink	*vl;

	vl = xcalloc(1, sizeof *vl);
	vl->vl_base = base;
	vl->vl_soap = hs;
	vl->vl_inv = hostd_soap_inventory(hs);
	vl->vl_root = xstrdup(strcmp(root, "/") == 0 ? "" : root);
	vl->vl_vmx = xstrdup(vmx);
	TAILQ_INIT(&vl->vl_vms);
	vl->vl_sigchld = evsignal_new(base, SIGCHLD,
	    hostd_vmxlink_sigchld_cb, vl);
	if (vl->vl_sigchld == NULL || evsignal_add(vl->vl_sigchld,
	    NULL) != 0) {
		xasprintf(cause, "cannot handle SIGCHLD");
		hostd_vmxlink_free(vl);
		return (NULL);
	}
	if (hostd_mo_virtualmachine_load(vl->vl_inv, vl, cause) != 0) {
		hostd_vmxlink_free(vl);
		return (NULL);
	}
	hostd_vmxlink_reattach(vl);
	return (vl);
}

void
hostd_vmxlink_free(struct hostd_vmxlink *vl)
{
	struct hostd_vmxlink_vm	*lv;

	if (vl == NULL)
		return;
	while ((lv = TAILQ_FIRST(&vl->vl_vms)) != NULL) {
		TAILQ_REMOVE(&vl->vl_vms, lv, lv_entry);
		peer_free(lv->lv_peer);
		if (lv->lv_retry != NULL)
			event_free(lv->lv_retry);
		free(lv->lv_id);
		free(lv->lv_task);
		free(lv->lv_user);
		free(lv);
	}
	if (vl->vl_sigchld != NULL)
		event_free(vl->vl_sigchld);
	free(vl->vl_root);
	free(vl->vl_vmx);
	free(vl);
}

/* VM id's link, created if create. */
static struct hostd_vmxlink_vm *
hostd_vmxlink_vm(struct hostd_vmxlink *vl, const char *id, int create)
{
	struct hostd_vmxlink_vm	*lv;

	TAILQ_FOREACH(lv, &vl->vl_vms, lv_entry) {
		if (strcmp(lv->lv_id, id) == 0)
			return (lv);
	}
	if (!create)
		return (NULL);
	lv = xcalloc(1, sizeof *lv);
	lv->lv_vl = vl;
	lv->lv_id = xstrdup(id);
	lv->lv_pid = -1;
	lv->lv_status = -1;
	lv->lv_nextreq = 1;
	lv->lv_retry = evtimer_new(vl->vl_base, hostd_vmxlink_retry_cb, lv);
	if (lv->lv_retry == NULL)
		fatalx("vmxlink: evtimer_new");
	TAILQ_INSERT_TAIL(&vl->vl_vms, lv, lv_entry);
	return (lv);
}

static char *
hostd_vmxlink_sockpath(struct hostd_vmxlink *vl, const char *id)
{
	char	*path;

	xasprintf(&path, "%s/" HOSTD_VMXLINK_SOCKDIR "/%s.sock", vl->vl_root,
	    id);
	return (path);
}

static struct hostd_mo *
hostd_vmxlink_mo(struct hostd_vmxlink_vm *lv)
{
	return (hostd_inventory_find(lv->lv_vl->vl_inv, "VirtualMachine",
	    lv->lv_id, NULL));
}

int
hostd_vmxlink_busy(struct hostd_vmxlink *vl, const char *id)
{
	struct hostd_vmxlink_vm	*lv;

	if (vl == NULL || (lv = hostd_vmxlink_vm(vl, id, 0)) == NULL)
		return (0);
	return (lv->lv_op != 0);
}

/* Connect to the VM's socket and ask for its state.  0 or -1. */
static int
hostd_vmxlink_attach(struct hostd_vmxlink_vm *lv, char **cause)
{
	char		*path;
	int		 fd;
	uid_t		 uid;

	path = hostd_vmxlink_sockpath(lv->lv_vl, lv->lv_id);
	fd = usock_connect(path, cause);
	free(path);
	if (fd == -1)
		return (-1);
	lv->lv_peer = peer_create(lv->lv_vl->vl_base, fd,
	    hostd_vmxlink_table, sizeof hostd_vmxlink_table /
	    sizeof hostd_vmxlink_table[0], lv);
	if (lv->lv_peer == NULL) {
		xasprintf(cause, "peer_create: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	/* Only a vmx of ours (root, or hostd's user) is believed. */
	uid = peer_get_uid(lv->lv_peer);
	if (uid != 0 && uid != getuid()) {
		xasprintf(cause, "the socket belongs to uid %ld",
		    (long)uid);
		peer_free(lv->lv_peer);
		lv->lv_peer = NULL;
		return (-1);
	}
	lv->lv_ended = 0;
	if (peer_send(lv->lv_peer, MSG_VMX_STATE_REQ, lv->lv_nextreq++, -1,
	    NULL, 0) != 0) {
		xasprintf(cause, "cannot ask for the state: %s",
		    strerror(errno));
		peer_free(lv->lv_peer);
		lv->lv_peer = NULL;
		return (-1);
	}
	log_debug("vmxlink: VM %s: linked to vmx pid %ld", lv->lv_id,
	    (long)peer_get_pid(lv->lv_peer));
	return (0);
}

/* At start: link to every vmx whose socket answers. */
static void
hostd_vmxlink_reattach(struct hostd_vmxlink *vl)
{
	struct hostd_vmxlink_vm	*lv;
	struct hostd_mo		*mo;
	DIR			*d;
	struct dirent		*de;
	char			*dir, *id, *cause = NULL;
	size_t			 len;

	xasprintf(&dir, "%s/" HOSTD_VMXLINK_SOCKDIR, vl->vl_root);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".sock") != 0)
			continue;
		id = xstrndup(de->d_name, len - 5);
		mo = hostd_inventory_find(vl->vl_inv, "VirtualMachine", id,
		    NULL);
		if (mo == NULL) {
			log_info("vmxlink: %s/%s: no such VM registered",
			    dir, de->d_name);
			free(id);
			continue;
		}
		lv = hostd_vmxlink_vm(vl, id, 1);
		if (hostd_vmxlink_attach(lv, &cause) != 0) {
			/* A socket left by a vmx that is gone. */
			log_debug("vmxlink: VM %s: %s", id, cause);
			free(cause);
			cause = NULL;
		} else {
			log_info("vmxlink: VM %s: re-attached to its running "
			    "vmx", id);
			/* Running, until its state says more. */
			hostd_mo_virtualmachine_set_power(vl->vl_inv, mo,
			    PROTO_VMX_POWERED_ON, 0);
		}
		free(id);
	}
	closedir(d);
	free(dir);
}

/* fork and exec vmx for the VM.  0, or -1 with *cause. */
static int
hostd_vmxlink_spawn(struct hostd_vmxlink_vm *lv, char **cause)
{
	struct hostd_vmxlink		*vl = lv->lv_vl;
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	struct sigaction		 sa;
	sigset_t			 none;
	char				*argv[8], *root;
	pid_t				 pid;
	int				 fd;

	if ((mo = hostd_vmxlink_mo(lv)) == NULL ||
	    (vm = mo->mo_data) == NULL) {
		xasprintf(cause, "no VM %s", lv->lv_id);
		return (-1);
	}
	if (access(vl->vl_vmx, X_OK) != 0) {
		xasprintf(cause, "%s: %s", vl->vl_vmx, strerror(errno));
		return (-1);
	}
	root = xstrdup(*vl->vl_root == '\0' ? "/" : vl->vl_root);
	argv[0] = vl->vl_vmx;
	argv[1] = (char *)"-c";
	argv[2] = vm->vm_path;
	argv[3] = (char *)"--root";
	argv[4] = root;
	argv[5] = (char *)"-i";
	argv[6] = lv->lv_id;
	argv[7] = NULL;
	sigemptyset(&none);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);

	switch (pid = fork()) {
	case -1:
		xasprintf(cause, "fork: %s", strerror(errno));
		free(root);
		return (-1);
	case 0:
		/* Only async-signal-safe calls until exec. */
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			_exit(127);
		if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1 ||
		    dup2(fd, 2) == -1)
			_exit(127);
		close_range(3, ~0U, 0);
		sigaction(SIGPIPE, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	free(root);
	lv->lv_pid = pid;
	lv->lv_status = -1;
	log_info("vmxlink: VM %s: started %s (pid %ld) for %s", lv->lv_id,
	    vl->vl_vmx, (long)pid, vm->vm_path);
	return (0);
}

static void
hostd_vmxlink_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_vmxlink_vm	*lv = arg;
	struct timeval		 tv = { 0, HOSTD_VMXLINK_RETRY_MS * 1000 };
	char			*cause = NULL;
	int			 limit;

	(void)fd;
	(void)events;
	limit = HOSTD_VMXLINK_START_TIMEOUT * 1000 / HOSTD_VMXLINK_RETRY_MS;
	if (lv->lv_spawn) {
		/* The previous vmx removes its socket as it exits: let it
		 * go first, or it would remove the new one's. */
		if (!hostd_vmxlink_reap(lv)) {
			if (++lv->lv_tries >= limit)
				hostd_vmxlink_done(lv,
				    hostd_fault_system_error("the previous "
				    "vmx does not exit"));
			else
				evtimer_add(lv->lv_retry, &tv);
			return;
		}
		lv->lv_spawn = 0;
		lv->lv_tries = 0;
		if (hostd_vmxlink_spawn(lv, &cause) != 0) {
			log_warnx("vmxlink: VM %s: %s", lv->lv_id, cause);
			hostd_vmxlink_done(lv, hostd_fault_system_error(cause));
			free(cause);
			return;
		}
		evtimer_add(lv->lv_retry, &tv);
		return;
	}
	if (lv->lv_peer != NULL) {
		/* Linked, but vmx said "off" before its run began: ask
		 * again, as a state event may never come. */
		if (lv->lv_op != HOSTD_VMXLINK_ON || lv->lv_ended)
			return;
		if (++lv->lv_tries >= limit)
			hostd_vmxlink_done(lv, hostd_fault_system_error(
			    "vmx did not start the virtual machine in time"));
		else if (peer_send(lv->lv_peer, MSG_VMX_STATE_REQ,
		    lv->lv_nextreq++, -1, NULL, 0) != 0)
			hostd_vmxlink_lost(lv, strerror(errno), 1);
		return;
	}
	if (hostd_vmxlink_attach(lv, &cause) == 0)
		return;		/* the state answer ends the power-on */
	if (hostd_vmxlink_reap(lv) && lv->lv_status != -1 &&
	    WIFEXITED(lv->lv_status) &&
	    WEXITSTATUS(lv->lv_status) != HOSTD_VMXLINK_EXIT_USAGE &&
	    WEXITSTATUS(lv->lv_status) != HOSTD_VMXLINK_EXIT_FAILURE &&
	    WEXITSTATUS(lv->lv_status) != HOSTD_VMXLINK_EXIT_EXEC) {
		/* A guest quicker than our first connect (test=hello). */
		log_info("vmxlink: VM %s: the guest ran and ended before "
		    "the link was up", lv->lv_id);
		hostd_vmxlink_ran(lv);
	} else if (lv->lv_pid == -1 || hostd_vmxlink_reap(lv)) {
		log_warnx("vmxlink: VM %s: vmx ended before its control "
		    "socket was ready", lv->lv_id);
		hostd_vmxlink_done(lv, hostd_fault_system_error("vmx ended "
		    "before the virtual machine started (see its "
		    "vmware.log)"));
	} else if (++lv->lv_tries >= limit) {
		log_warnx("vmxlink: VM %s: no control socket after %d s "
		    "(%s); stopping pid %ld", lv->lv_id,
		    HOSTD_VMXLINK_START_TIMEOUT, cause, (long)lv->lv_pid);
		kill(lv->lv_pid, SIGTERM);
		hostd_vmxlink_done(lv, hostd_fault_system_error("vmx did not "
		    "start in time"));
	} else
		evtimer_add(lv->lv_retry, &tv);
	free(cause);
}

/* Collect lv's child if it has exited.  1 if it is gone. */
static int
hostd_vmxlink_reap(struct hostd_vmxlink_vm *lv)
{
	pid_t	pid;
	int	status;

	if (lv->lv_pid <= 0)
		return (1);
	pid = waitpid(lv->lv_pid, &status, WNOHANG);
	if (pid == 0 || (pid == -1 && errno == EINTR))
		return (0);
	if (pid == -1)
		log_warn("vmxlink: VM %s: waitpid %ld", lv->lv_id,
		    (long)lv->lv_pid);
	else if (WIFEXITED(status))
		log_info("vmxlink: VM %s: vmx pid %ld exited with status %d",
		    lv->lv_id, (long)pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_warnx("vmxlink: VM %s: vmx pid %ld killed by signal %d",
		    lv->lv_id, (long)pid, WTERMSIG(status));
	if (pid == lv->lv_pid)
		lv->lv_status = status;
	lv->lv_pid = -1;
	return (1);
}

static void
hostd_vmxlink_sigchld_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_vmxlink	*vl = arg;
	struct hostd_vmxlink_vm	*lv;

	(void)fd;
	(void)events;
	/* Before it linked, the retry timer reports a failed start. */
	TAILQ_FOREACH(lv, &vl->vl_vms, lv_entry)
		hostd_vmxlink_reap(lv);
}

/* End the pending operation: success (f NULL) or fault f (taken). */
static void
hostd_vmxlink_done(struct hostd_vmxlink_vm *lv, struct hostd_fault *f)
{
	struct hostd_inventory	*inv = lv->lv_vl->vl_inv;
	void			(*cb)(void *, const char *) = lv->lv_cb;

	/* hostd_vmxlink_request's caller goes on from here. */
	lv->lv_cb = NULL;
	if (cb != NULL)
		cb(lv->lv_cbarg, f != NULL ? f->f_msg : NULL);
	if (lv->lv_task != NULL) {
		if (f != NULL)
			hostd_task_fail(inv, lv->lv_task, f);
		else
			hostd_task_succeed(inv, lv->lv_task, NULL);
	} else
		hostd_fault_free(f);
	free(lv->lv_task);
	lv->lv_task = NULL;
	free(lv->lv_user);
	lv->lv_user = NULL;
	lv->lv_op = 0;
	lv->lv_opreq = 0;
	lv->lv_spawn = 0;
	evtimer_del(lv->lv_retry);
}

/* The VM's state is now power: record it, post the event, and end the
 * pending operation if this is what it waited for. */
static void
hostd_vmxlink_set(struct hostd_vmxlink_vm *lv, int power, time_t boottime)
{
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	int				 old;

	if ((mo = hostd_vmxlink_mo(lv)) == NULL || (vm = mo->mo_data) == NULL)
		return;
	old = vm->vm_power;
	if (old != power || (power == PROTO_VMX_POWERED_ON &&
	    boottime != 0 && boottime != vm->vm_boottime))
		hostd_mo_virtualmachine_set_power(lv->lv_vl->vl_inv, mo, power,
		    boottime);
	if (old != power) {
		if (power == PROTO_VMX_POWERED_ON)
			hostd_event_post(lv->lv_vl->vl_soap, "VmPoweredOnEvent",
			    mo, lv->lv_user, "%s on ha-host is powered on",
			    vm->vm_name);
		else if (power == PROTO_VMX_SUSPENDED)
			hostd_event_post(lv->lv_vl->vl_soap, "VmSuspendedEvent",
			    mo, lv->lv_user, "%s on ha-host is suspended",
			    vm->vm_name);
		else
			hostd_event_post(lv->lv_vl->vl_soap,
			    "VmPoweredOffEvent", mo, lv->lv_user,
			    "%s on ha-host is powered off", vm->vm_name);
	}
	if ((lv->lv_op == HOSTD_VMXLINK_ON && power == PROTO_VMX_POWERED_ON) ||
	    (lv->lv_op == HOSTD_VMXLINK_OFF &&
	    power == PROTO_VMX_POWERED_OFF) ||
	    (lv->lv_op == HOSTD_VMXLINK_SUSPEND &&
	    power == PROTO_VMX_SUSPENDED))
		hostd_vmxlink_done(lv, NULL);
}

/*
 * A power-on whose run ended before we saw it begin: ESX reports the task
 * a success and the VM on, then off (VmPoweredOnEvent, VmPoweredOffEvent).
 */
static void
hostd_vmxlink_ran(struct hostd_vmxlink_vm *lv)
{
	hostd_vmxlink_set(lv, PROTO_VMX_POWERED_ON, time(NULL));
	hostd_vmxlink_set(lv, PROTO_VMX_POWERED_OFF, 0);
}

/* The link is gone (why; error: it was not an orderly end). */
static void
hostd_vmxlink_lost(struct hostd_vmxlink_vm *lv, const char *why, int error)
{
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	struct timeval			 tv = { 0,
					    HOSTD_VMXLINK_RETRY_MS * 1000 };
	int				 crashed;

	peer_free(lv->lv_peer);
	lv->lv_peer = NULL;
	if ((mo = hostd_vmxlink_mo(lv)) == NULL || (vm = mo->mo_data) == NULL)
		return;
	if (error != HOSTD_VMXLINK_LOST_PROTO &&
	    lv->lv_op == HOSTD_VMXLINK_ON &&
	    vm->vm_power != PROTO_VMX_POWERED_ON) {
		if (lv->lv_ended && !error) {
			hostd_vmxlink_ran(lv);
			return;
		}
		if (lv->lv_pid != -1 || lv->lv_status != -1) {
			/* Our child's link closed (or reset, our request
			 * unread) before vmx said how the run ended: its
			 * exit status will (retry timer). */
			evtimer_add(lv->lv_retry, &tv);
			return;
		}
	}
	if (error || !lv->lv_ended)
		log_warnx("vmxlink: VM %s: vmx ended unexpectedly (%s); the "
		    "VM is powered off", lv->lv_id, why);
	else
		log_debug("vmxlink: VM %s: link closed (%s)", lv->lv_id, why);
	crashed = (error || !lv->lv_ended) &&
	    vm->vm_power == PROTO_VMX_POWERED_ON;
	if (vm->vm_power == PROTO_VMX_POWERED_ON)
		hostd_vmxlink_set(lv, PROTO_VMX_POWERED_OFF, 0);
	/*
	 * ESX has no "VM failed" event: a crashed vmx shows as the power-off
	 * above plus an error event about the VM, which UIs list as one.
	 */
	if (crashed)
		hostd_event_post(lv->lv_vl->vl_soap, "GeneralVmErrorEvent", mo,
		    NULL, "The virtual machine %s on ha-host failed: its vmx "
		    "process ended unexpectedly (%s)", vm->vm_name, why);
	if (lv->lv_op != 0)
		hostd_vmxlink_done(lv, hostd_fault_system_error(
		    "vmx ended before the operation completed"));
}

int
hostd_vmxlink_power(struct hostd_vmxlink *vl, const char *id, int op,
    const char *task, char **cause)
{
	struct hostd_vmxlink_vm		*lv;
	struct proto_vmx_power		 vp;
	struct hostd_mo			*mo;
	struct hostd_task		*t;
	struct timeval			 tv = { 0, HOSTD_VMXLINK_RETRY_MS * 1000 };

	if (vl == NULL) {
		xasprintf(cause, "virtual machines are not available");
		return (-1);
	}
	lv = hostd_vmxlink_vm(vl, id, 1);
	if (task != NULL && lv->lv_op != 0) {
		xasprintf(cause, "another operation is in progress");
		return (-1);
	}
	if (op == HOSTD_VMXLINK_ON) {
		if (lv->lv_peer != NULL && !lv->lv_ended) {
			xasprintf(cause, "vmx is already running");
			return (-1);
		}
		if (lv->lv_peer != NULL) {
			/* The old vmx has said how it ended (suspended or
			 * powered off) and is on its way out: its link has
			 * nothing more to say, and the spawn below waits
			 * until it has been reaped. */
			peer_free(lv->lv_peer);
			lv->lv_peer = NULL;
		}
		if (access(vl->vl_vmx, X_OK) != 0) {
			xasprintf(cause, "%s: %s", vl->vl_vmx,
			    strerror(errno));
			return (-1);
		}
		lv->lv_spawn = 1;
		lv->lv_tries = 0;
		tv.tv_usec = 0;
		evtimer_add(lv->lv_retry, &tv);
		lv->lv_opreq = 0;
	} else {
		if (lv->lv_peer == NULL) {
			xasprintf(cause, "no link to the VM's vmx");
			return (-1);
		}
		memset(&vp, 0, sizeof vp);
		vp.vp_op = hostd_vmxlink_ops[op];
		lv->lv_opreq = lv->lv_nextreq++;
		if (peer_send(lv->lv_peer, MSG_VMX_POWER_REQ, lv->lv_opreq,
		    -1, &vp, sizeof vp) != 0) {
			xasprintf(cause, "vmx: %s", strerror(errno));
			lv->lv_opreq = 0;
			return (-1);
		}
		if (task == NULL) {
			log_info("vmxlink: VM %s: %s requested", id,
			    op == HOSTD_VMXLINK_SHUTDOWN ? "guest shutdown "
			    "(ACPI power button)" : "guest reboot (reset)");
			lv->lv_opreq = 0;
			return (0);
		}
	}
	lv->lv_op = op;
	free(lv->lv_task);
	lv->lv_task = task != NULL ? xstrdup(task) : NULL;
	free(lv->lv_user);
	lv->lv_user = NULL;
	if (task != NULL && (mo = hostd_inventory_find(vl->vl_inv, "Task",
	    task, NULL)) != NULL && (t = mo->mo_data) != NULL)
		lv->lv_user = xstrdup(t->t_user);
	return (0);
}

/* ---- the link's messages --------------------------------------------- */

static void
hostd_vmxlink_on_ok(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct hostd_vmxlink_vm	*lv = arg;
	struct hostd_mo		*mo;

	(void)peer;
	if (lv->lv_opreq == 0 || msg->pm_peerid != lv->lv_opreq)
		return;
	if (lv->lv_op == HOSTD_VMXLINK_RESET) {
		if ((mo = hostd_vmxlink_mo(lv)) != NULL) {
			hostd_event_post(lv->lv_vl->vl_soap,
			    "VmResettingEvent", mo, lv->lv_user,
			    "%s on ha-host is reset",
			    ((struct hostd_mo_virtualmachine *)mo->mo_data)->
			    vm_name);
			hostd_mo_virtualmachine_set_power(lv->lv_vl->vl_inv,
			    mo, PROTO_VMX_POWERED_ON, time(NULL));
		}
		hostd_vmxlink_done(lv, NULL);
	}
	if (lv->lv_op == HOSTD_VMXLINK_SNAPSHOT)
		hostd_vmxlink_done(lv, NULL);
	/* Power off and suspend end with the state that follows. */
}

static void
hostd_vmxlink_on_fail(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct hostd_vmxlink_vm		*lv = arg;
	const struct proto_fail		*pf = msg->pm_data;
	const char			*why;

	(void)peer;
	why = peer_msg_string(msg, sizeof *pf);
	if (why == NULL || *why == '\0')
		why = strerror((int)pf->pf_errno);
	log_warnx("vmxlink: VM %s: vmx refused a request: %.200s", lv->lv_id,
	    why);
	if (lv->lv_opreq != 0 && msg->pm_peerid == lv->lv_opreq)
		hostd_vmxlink_done(lv, hostd_fault_system_error(why));
}

static void
hostd_vmxlink_on_version(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct hostd_vmxlink_vm		*lv = arg;
	const struct proto_version	*pv = msg->pm_data;

	(void)peer;
	log_warnx("vmxlink: VM %s: vmx speaks protocol %u, hostd %u",
	    lv->lv_id, pv->pv_version, PROTO_VERSION);
	hostd_vmxlink_lost(lv, "protocol version mismatch",
	    HOSTD_VMXLINK_LOST_PROTO);
}

static void
hostd_vmxlink_on_state(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct hostd_vmxlink_vm		*lv = arg;
	const struct proto_vmx_state	*vs = msg->pm_data;
	struct timeval			 tv = { 0,
					    HOSTD_VMXLINK_RETRY_MS * 1000 };
	time_t				 boot;

	(void)peer;
	if (vs->vs_power > PROTO_VMX_SUSPENDED) {
		log_warnx("vmxlink: VM %s: vmx sent power state %u; dropped",
		    lv->lv_id, vs->vs_power);
		hostd_vmxlink_lost(lv, "bad power state",
		    HOSTD_VMXLINK_LOST_PROTO);
		return;
	}
	boot = (time_t)vs->vs_boottime;
	if (boot < 0 || vs->vs_boottime > (uint64_t)time(NULL) + 86400)
		boot = 0;
	if (lv->lv_op == HOSTD_VMXLINK_ON &&
	    vs->vs_power == PROTO_VMX_POWERED_OFF) {
		if (lv->lv_ended) {
			/* Its run is over already. */
			hostd_vmxlink_ran(lv);
		} else {
			/* Not begun yet: the retry timer asks again. */
			evtimer_add(lv->lv_retry, &tv);
		}
		return;
	}
	hostd_vmxlink_set(lv, (int)vs->vs_power, boot);
}

static void
hostd_vmxlink_on_event(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct hostd_vmxlink_vm		*lv = arg;
	const struct proto_vmx_event	*ev = msg->pm_data;
	const char			*text;

	(void)peer;
	text = peer_msg_string(msg, sizeof *ev);
	if (text == NULL)
		text = "";
	switch (ev->ev_kind) {
	case PROTO_VMX_EVENT_POWERED_OFF:
		lv->lv_ended = 1;
		log_info("vmxlink: VM %s: %.200s (vmx status %u)", lv->lv_id,
		    text, ev->ev_code);
		break;
	case PROTO_VMX_EVENT_ERROR:
		lv->lv_ended = 1;
		log_warnx("vmxlink: VM %s: ended in error: %.200s (vmx "
		    "status %u)", lv->lv_id, text, ev->ev_code);
		break;
	default:
		log_info("vmxlink: VM %s: %.200s", lv->lv_id, text);
		break;
	}
}

static void
hostd_vmxlink_on_eof(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct hostd_vmxlink_vm	*lv = arg;
	const struct proto_eof	*pe = msg->pm_data;
	const char		*why;
	int			 error;

	if (peer != lv->lv_peer)
		return;
	why = peer_msg_string(msg, sizeof *pe);
	error = msg->pm_len >= sizeof *pe && pe->pe_errno != 0;
	hostd_vmxlink_lost(lv, why != NULL && *why != '\0' ? why :
	    "closed", error);
}

/* For vmstats.c: the process to read /proc of. */
pid_t
hostd_vmxlink_pid(struct hostd_vmxlink *vl, const char *id)
{
	struct hostd_vmxlink_vm	*lv;

	if (vl == NULL || (lv = hostd_vmxlink_vm(vl, id, 0)) == NULL)
		return (-1);
	if (lv->lv_peer != NULL)
		return (peer_get_pid(lv->lv_peer));
	return (lv->lv_pid);
}

/* For snapshots: see hostd.h. */
int
hostd_vmxlink_request(struct hostd_vmxlink *vl, const char *id, int op,
    const char *const *units, const char *const *paths, size_t npaths,
    void (*done)(void *, const char *), void *arg, char **cause)
{
	struct hostd_vmxlink_vm		*lv;
	struct proto_vmx_snapshot	 vn;
	struct proto_vmx_power		 vp;
	char				*buf;
	size_t				 len, i, n;
	int				 rc;

	if (vl == NULL || (lv = hostd_vmxlink_vm(vl, id, 0)) == NULL ||
	    lv->lv_peer == NULL) {
		xasprintf(cause, "no link to the VM's vmx");
		return (-1);
	}
	if (lv->lv_op != 0) {
		xasprintf(cause, "another operation is in progress");
		return (-1);
	}
	lv->lv_opreq = lv->lv_nextreq++;
	if (op == HOSTD_VMXLINK_SNAPSHOT) {
		memset(&vn, 0, sizeof vn);
		vn.vn_ndisks = (uint32_t)npaths;
		len = sizeof vn;
		for (i = 0; i < npaths; i++)
			len += strlen(units[i]) + strlen(paths[i]) + 2;
		if (npaths == 0 || npaths > PROTO_VMX_SNAPSHOT_DISKS ||
		    len > PROTO_MAX_PAYLOAD) {
			xasprintf(cause, "too many disks or paths too long");
			lv->lv_opreq = 0;
			return (-1);
		}
		buf = xmalloc(len);
		memcpy(buf, &vn, sizeof vn);
		for (i = 0, n = sizeof vn; i < npaths; i++) {
			memcpy(buf + n, units[i], strlen(units[i]) + 1);
			n += strlen(units[i]) + 1;
			memcpy(buf + n, paths[i], strlen(paths[i]) + 1);
			n += strlen(paths[i]) + 1;
		}
		rc = peer_send(lv->lv_peer, MSG_VMX_SNAPSHOT_REQ,
		    lv->lv_opreq, -1, buf, len);
		free(buf);
	} else if (op == HOSTD_VMXLINK_OFF) {
		memset(&vp, 0, sizeof vp);
		vp.vp_op = PROTO_VMX_POWER_OFF;
		rc = peer_send(lv->lv_peer, MSG_VMX_POWER_REQ, lv->lv_opreq,
		    -1, &vp, sizeof vp);
	} else {
		xasprintf(cause, "operation %d has a task", op);
		lv->lv_opreq = 0;
		return (-1);
	}
	if (rc != 0) {
		xasprintf(cause, "vmx: %s", strerror(errno));
		lv->lv_opreq = 0;
		return (-1);
	}
	lv->lv_op = op;
	lv->lv_cb = done;
	lv->lv_cbarg = arg;
	return (0);
}
