/* SPDX-License-Identifier: ISC */
/*
 * Snapshots in the API (vi-api.md §5.8): VirtualMachineSnapshot objects
 * (moid "<vmid>-snapshot-<uid>", as ESX names them; properties config,
 * childSnapshot, vm; methods RevertToSnapshot_Task, RemoveSnapshot_Task,
 * RenameSnapshot), the VirtualMachine methods CreateSnapshot_Task,
 * RevertToCurrentSnapshot_Task and RemoveAllSnapshots_Task, and the
 * VirtualMachine properties snapshot and rootSnapshot.  The files are
 * snapshot.c's; the .vmsd is the truth, read again for every answer, and
 * the snapshot objects are re-registered from it after every change
 * (hostd_mo_virtualmachinesnapshot_sync).
 *
 * Work on files runs on a worker thread (a commit copies whole deltas);
 * the thread touches nothing but the files and its job, and wakes the
 * event loop through a pipe, where the task is finished.  One snapshot
 * operation at a time per VM (vm_snapbusy; power operations wait too),
 * and none while a reconfiguration zeroes a new disk (vm_diskbusy).
 *
 * Power states.  Powered off: everything.  Powered on: CreateSnapshot
 * with memory=false asks vmx to switch the disks to new deltas
 * (MSG_VMX_SNAPSHOT_REQ) and the guest runs on; memory=true is refused
 * (NotSupported: no memory image yet); a revert powers the VM off first
 * and leaves it off, as ESX does for a snapshot without memory; removing
 * needs the VM off (InvalidPowerState), since merging would change
 * images vmx has open.  Suspended: InvalidPowerState.
 *
 * Privileges: VirtualMachine.State.CreateSnapshot, RevertToSnapshot,
 * RemoveSnapshot and RenameSnapshot on the VM (for methods on a
 * snapshot, checked here on its VM).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "hostd.h"
#include "log.h"
#include "proto.h"
#include "xmalloc.h"

#define HOSTD_MO_VMSNAP_TYPE	"VirtualMachineSnapshot"

/* What a worker does. */
enum hostd_mo_virtualmachinesnapshot_op {
	HOSTD_MO_VMSNAP_CREATE,
	HOSTD_MO_VMSNAP_REVERT,
	HOSTD_MO_VMSNAP_REMOVE
};

/* A snapshot object's data. */
struct hostd_mo_virtualmachinesnapshot {
	char		*ss_vmid;
	uint32_t	 ss_uid;
};

/* One operation in progress. */
struct hostd_mo_virtualmachinesnapshot_job {
	struct hostd_inventory	*sj_inv;	/* borrowed */
	struct hostd_soap	*sj_soap;	/* borrowed */
	enum hostd_mo_virtualmachinesnapshot_op sj_op;
	char			*sj_vmid;
	char			*sj_vmx;	/* the .vmx, absolute */
	char			*sj_task;
	char			*sj_user;
	char			*sj_name;	/* create */
	char			*sj_desc;
	int			 sj_quiesce;
	uint32_t		 sj_uid;	/* revert, remove (0: all);
						   create: the new one */
	int			 sj_children;	/* remove */
	char			**sj_units;	/* live create */
	char			**sj_paths;
	size_t			 sj_npaths;
	/* Results, written by the worker before it signals. */
	int			 sj_rc;
	char			*sj_cause;
	int			 sj_notfound;
	/* The wake-up. */
	int			 sj_pipe[2];
	struct event		*sj_ev;
	pthread_t		 sj_thread;
};

static struct hostd_mo	*hostd_mo_virtualmachinesnapshot_vmmo(
			    struct hostd_inventory *, const char *);
static struct hostd_mo_virtualmachine *hostd_mo_virtualmachinesnapshot_vm(
			    struct hostd_inventory *, const char *);
static void	 hostd_mo_virtualmachinesnapshot_data_free(void *);
static char	*hostd_mo_virtualmachinesnapshot_id(const char *, uint32_t);
static struct hostd_val *hostd_mo_virtualmachinesnapshot_morefs(const char *,
		    const char *, uint32_t);
static struct hostd_mo *hostd_mo_virtualmachinesnapshot_lookup(
		    struct hostd_soap_req *);
static struct hostd_val *hostd_mo_virtualmachinesnapshot_tree(
		    const struct hostd_snapshot_db *, const char *, uint32_t);
static struct hostd_val *hostd_mo_virtualmachinesnapshot_get_config(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_virtualmachinesnapshot_get_children(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_virtualmachinesnapshot_get_vm(
		    const struct hostd_inventory_ctx *);
static struct hostd_fault *hostd_mo_virtualmachinesnapshot_power_fault(
		    const struct hostd_mo_virtualmachine *, int);
static struct hostd_mo_virtualmachinesnapshot_job *
		 hostd_mo_virtualmachinesnapshot_job(struct hostd_soap_req *,
		    struct hostd_mo *, enum hostd_mo_virtualmachinesnapshot_op,
		    const char *, const char *);
static void	 hostd_mo_virtualmachinesnapshot_job_free(
		    struct hostd_mo_virtualmachinesnapshot_job *);
static void	 hostd_mo_virtualmachinesnapshot_start(
		    struct hostd_mo_virtualmachinesnapshot_job *);
static void	*hostd_mo_virtualmachinesnapshot_worker(void *);
static void	 hostd_mo_virtualmachinesnapshot_run(
		    struct hostd_mo_virtualmachinesnapshot_job *);
static void	 hostd_mo_virtualmachinesnapshot_wake(evutil_socket_t, short,
		    void *);
static void	 hostd_mo_virtualmachinesnapshot_finish(
		    struct hostd_mo_virtualmachinesnapshot_job *);
static void	 hostd_mo_virtualmachinesnapshot_live_cb(void *,
		    const char *);
static void	 hostd_mo_virtualmachinesnapshot_off_cb(void *, const char *);
static int	 hostd_mo_virtualmachinesnapshot_create(
		    struct hostd_soap_req *);
static int	 hostd_mo_virtualmachinesnapshot_revert(
		    struct hostd_soap_req *);
static int	 hostd_mo_virtualmachinesnapshot_remove(
		    struct hostd_soap_req *);
static int	 hostd_mo_virtualmachinesnapshot_rename(
		    struct hostd_soap_req *);

const struct hostd_inventory_prop
    hostd_mo_virtualmachinesnapshot_props[] = {
	{ "config", hostd_mo_virtualmachinesnapshot_get_config,
	  "System.Read" },
	{ "childSnapshot", hostd_mo_virtualmachinesnapshot_get_children,
	  "System.Read" },
	{ "vm", hostd_mo_virtualmachinesnapshot_get_vm, "System.Read" },
	{ NULL, NULL, NULL }
};

static const struct hostd_soap_param
    hostd_mo_virtualmachinesnapshot_p_create[] = {
	{ "name", "string", 0 },
	{ "description", "string", HOSTD_SOAP_OPTIONAL },
	{ "memory", "boolean", 0 },
	{ "quiesce", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param
    hostd_mo_virtualmachinesnapshot_p_revert[] = {
	{ "host", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "suppressPowerOn", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param
    hostd_mo_virtualmachinesnapshot_p_remove[] = {
	{ "removeChildren", "boolean", 0 },
	{ "consolidate", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param
    hostd_mo_virtualmachinesnapshot_p_removeall[] = {
	{ "consolidate", "boolean", HOSTD_SOAP_OPTIONAL },
	{ "spec", "SnapshotSelectionSpec", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param
    hostd_mo_virtualmachinesnapshot_p_rename[] = {
	{ "name", "string", HOSTD_SOAP_OPTIONAL },
	{ "description", "string", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

/*
 * Methods on a snapshot take the privilege on its VM, which the row's
 * check cannot see (the snapshot is no entity): the row asks only that
 * the caller sees the inventory, the handler checks the VM.
 */
const struct hostd_soap_method hostd_mo_virtualmachinesnapshot_methods[] = {
	{ "CreateSnapshot_Task", "VirtualMachine",
	  "VirtualMachine.State.CreateSnapshot", 0,
	  hostd_mo_virtualmachinesnapshot_create,
	  hostd_mo_virtualmachinesnapshot_p_create },
	{ "RevertToCurrentSnapshot_Task", "VirtualMachine",
	  "VirtualMachine.State.RevertToSnapshot", 0,
	  hostd_mo_virtualmachinesnapshot_revert,
	  hostd_mo_virtualmachinesnapshot_p_revert },
	{ "RemoveAllSnapshots_Task", "VirtualMachine",
	  "VirtualMachine.State.RemoveSnapshot", 0,
	  hostd_mo_virtualmachinesnapshot_remove,
	  hostd_mo_virtualmachinesnapshot_p_removeall },
	{ "RevertToSnapshot_Task", HOSTD_MO_VMSNAP_TYPE, "System.View", 0,
	  hostd_mo_virtualmachinesnapshot_revert,
	  hostd_mo_virtualmachinesnapshot_p_revert },
	{ "RemoveSnapshot_Task", HOSTD_MO_VMSNAP_TYPE, "System.View", 0,
	  hostd_mo_virtualmachinesnapshot_remove,
	  hostd_mo_virtualmachinesnapshot_p_remove },
	{ "RenameSnapshot", HOSTD_MO_VMSNAP_TYPE, "System.View", 0,
	  hostd_mo_virtualmachinesnapshot_rename,
	  hostd_mo_virtualmachinesnapshot_p_rename },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* ---- objects ----------------------------------------------------------- */

static struct hostd_mo *
hostd_mo_virtualmachinesnapshot_vmmo(struct hostd_inventory *inv,
    const char *vmid)
{
	return (hostd_inventory_find(inv, "VirtualMachine", vmid, NULL));
}

static struct hostd_mo_virtualmachine *
hostd_mo_virtualmachinesnapshot_vm(struct hostd_inventory *inv,
    const char *vmid)
{
	struct hostd_mo	*mo;

	mo = hostd_mo_virtualmachinesnapshot_vmmo(inv, vmid);
	return (mo != NULL ? mo->mo_data : NULL);
}

static void
hostd_mo_virtualmachinesnapshot_data_free(void *arg)
{
	struct hostd_mo_virtualmachinesnapshot	*ss = arg;

	if (ss == NULL)
		return;
	free(ss->ss_vmid);
	free(ss);
}

static char *
hostd_mo_virtualmachinesnapshot_id(const char *vmid, uint32_t uid)
{
	char	*id;

	xasprintf(&id, "%s-snapshot-%" PRIu32, vmid, uid);
	return (id);
}

void
hostd_mo_virtualmachinesnapshot_sync(struct hostd_inventory *inv,
    struct hostd_mo *vmmo)
{
	struct hostd_mo_virtualmachine		*vm = vmmo->mo_data;
	struct hostd_mo_virtualmachinesnapshot	*ss;
	struct hostd_snapshot_db		 db;
	struct hostd_mo				*mo, **gone = NULL;
	char					*id, *cause = NULL;
	size_t					 i, ngone = 0;

	if (vm == NULL)
		return;
	if (hostd_snapshot_load(vm->vm_path, &db, &cause) != 0) {
		log_warnx("snapshot: VM %s: %s", vm->vm_id, cause);
		free(cause);
		return;
	}
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, HOSTD_MO_VMSNAP_TYPE) != 0 ||
		    (ss = mo->mo_data) == NULL ||
		    strcmp(ss->ss_vmid, vm->vm_id) != 0 ||
		    hostd_snapshot_find(&db, ss->ss_uid) != NULL)
			continue;
		gone = xreallocarray(gone, ngone + 1, sizeof *gone);
		gone[ngone++] = mo;
	}
	for (i = 0; i < ngone; i++)
		hostd_inventory_unregister(inv, gone[i]);
	free(gone);
	for (i = 0; i < db.db_n; i++) {
		id = hostd_mo_virtualmachinesnapshot_id(vm->vm_id,
		    db.db_snaps[i].sn_uid);
		if (hostd_inventory_find(inv, HOSTD_MO_VMSNAP_TYPE, id,
		    NULL) == NULL) {
			ss = xcalloc(1, sizeof *ss);
			ss->ss_vmid = xstrdup(vm->vm_id);
			ss->ss_uid = db.db_snaps[i].sn_uid;
			if (hostd_inventory_register(inv, HOSTD_MO_VMSNAP_TYPE,
			    id, NULL, NULL, ss,
			    hostd_mo_virtualmachinesnapshot_data_free) == NULL)
				hostd_mo_virtualmachinesnapshot_data_free(ss);
		} else
			hostd_inventory_changed(inv, hostd_inventory_find(inv,
			    HOSTD_MO_VMSNAP_TYPE, id, NULL), "childSnapshot");
		free(id);
	}
	hostd_snapshot_clear(&db);
	hostd_inventory_changed(inv, vmmo, "snapshot");
	hostd_inventory_changed(inv, vmmo, "rootSnapshot");
	hostd_inventory_changed(inv, vmmo, "layoutEx");
}

/*
 * _this of a snapshot method.  Objects are registered from the .vmsd
 * when a VM is loaded and after every change; a moid of a VM whose
 * .vmsd holds the snapshot but that is not registered (yet) is
 * registered here.  NULL with r_fault ManagedObjectNotFound.
 */
static struct hostd_mo *
hostd_mo_virtualmachinesnapshot_lookup(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*mo, *vmmo;
	const char		*p;
	char			*vmid;

	mo = hostd_inventory_find(inv, HOSTD_MO_VMSNAP_TYPE, req->r_this_id,
	    NULL);
	if (mo == NULL && (p = strstr(req->r_this_id, "-snapshot-")) != NULL) {
		vmid = xstrndup(req->r_this_id,
		    (size_t)(p - req->r_this_id));
		if ((vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv,
		    vmid)) != NULL) {
			hostd_mo_virtualmachinesnapshot_sync(inv, vmmo);
			mo = hostd_inventory_find(inv, HOSTD_MO_VMSNAP_TYPE,
			    req->r_this_id, NULL);
		}
		free(vmid);
	}
	if (mo != NULL && hostd_mo_virtualmachinesnapshot_vm(inv,
	    ((struct hostd_mo_virtualmachinesnapshot *)mo->mo_data)->
	    ss_vmid) == NULL) {
		/* Its VM went away (destroyed, unregistered). */
		hostd_inventory_unregister(inv, mo);
		mo = NULL;
	}
	if (mo == NULL)
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
	return (mo);
}

/* ---- properties -------------------------------------------------------- */

/* VirtualMachineSnapshotTree of uid and everything under it. */
static struct hostd_val *
hostd_mo_virtualmachinesnapshot_tree(const struct hostd_snapshot_db *db,
    const char *vmid, uint32_t uid)
{
	const struct hostd_snapshot	*s = NULL;
	struct hostd_val		*v, *kids;
	char				*id;
	size_t				 i;

	for (i = 0; i < db->db_n; i++) {
		if (db->db_snaps[i].sn_uid == uid)
			s = &db->db_snaps[i];
	}
	if (s == NULL)
		return (NULL);
	v = hostd_val_object("VirtualMachineSnapshotTree");
	id = hostd_mo_virtualmachinesnapshot_id(vmid, uid);
	hostd_val_add_moref(v, "snapshot", HOSTD_MO_VMSNAP_TYPE, id);
	free(id);
	hostd_val_add_moref(v, "vm", "VirtualMachine", vmid);
	hostd_val_add_str(v, "name", s->sn_name);
	hostd_val_add_str(v, "description", s->sn_desc);
	hostd_val_add_int(v, "id", (int32_t)s->sn_uid);
	hostd_val_add(v, "createTime", hostd_val_datetime(&s->sn_time));
	hostd_val_add(v, "state", hostd_val_enum("VirtualMachinePowerState",
	    s->sn_memory ? "poweredOn" : "poweredOff"));
	hostd_val_add_bool(v, "quiesced", s->sn_quiesced);
	kids = hostd_val_array("VirtualMachineSnapshotTree");
	for (i = 0; i < db->db_n; i++) {
		if (db->db_snaps[i].sn_parent == uid &&
		    db->db_snaps[i].sn_uid != uid)
			hostd_val_push(kids,
			    hostd_mo_virtualmachinesnapshot_tree(db, vmid,
			    db->db_snaps[i].sn_uid));
	}
	hostd_val_add(v, "childSnapshotList", kids);
	hostd_val_add_bool(v, "replaySupported", 0);
	return (v);
}

struct hostd_val *
hostd_mo_virtualmachinesnapshot_vm_info(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = c->ic_mo->mo_data;
	struct hostd_snapshot_db	 db;
	struct hostd_val		*v, *roots;
	char				*id;
	size_t				 i;

	if (vm == NULL || hostd_snapshot_load(vm->vm_path, &db, NULL) != 0)
		return (NULL);
	/* Unset without snapshots: scripts test `vm.snapshot is None`. */
	if (db.db_n == 0) {
		hostd_snapshot_clear(&db);
		return (NULL);
	}
	v = hostd_val_object("VirtualMachineSnapshotInfo");
	if (hostd_snapshot_find(&db, db.db_current) != NULL) {
		id = hostd_mo_virtualmachinesnapshot_id(vm->vm_id,
		    db.db_current);
		hostd_val_add_moref(v, "currentSnapshot", HOSTD_MO_VMSNAP_TYPE,
		    id);
		free(id);
	}
	roots = hostd_val_array("VirtualMachineSnapshotTree");
	for (i = 0; i < db.db_n; i++) {
		if (db.db_snaps[i].sn_parent == 0 ||
		    hostd_snapshot_find(&db, db.db_snaps[i].sn_parent) == NULL)
			hostd_val_push(roots,
			    hostd_mo_virtualmachinesnapshot_tree(&db,
			    vm->vm_id, db.db_snaps[i].sn_uid));
	}
	hostd_val_add(v, "rootSnapshotList", roots);
	hostd_snapshot_clear(&db);
	return (v);
}

struct hostd_val *
hostd_mo_virtualmachinesnapshot_vm_roots(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = c->ic_mo->mo_data;

	if (vm == NULL)
		return (hostd_val_array("ManagedObjectReference"));
	return (hostd_mo_virtualmachinesnapshot_morefs(vm->vm_id, vm->vm_path,
	    0));
}

/*
 * The snapshots of VM vmid (its .vmx path vmx) whose parent is uid
 * parent, as morefs; parent 0: the roots (no parent, or a parent gone).
 */
static struct hostd_val *
hostd_mo_virtualmachinesnapshot_morefs(const char *vmid, const char *vmx,
    uint32_t parent)
{
	struct hostd_snapshot_db	 db;
	struct hostd_val		*arr;
	const struct hostd_snapshot	*s;
	char				*id;
	size_t				 i;

	arr = hostd_val_array("ManagedObjectReference");
	if (hostd_snapshot_load(vmx, &db, NULL) != 0)
		return (arr);
	for (i = 0; i < db.db_n; i++) {
		s = &db.db_snaps[i];
		if (parent != 0 ? s->sn_parent != parent : (s->sn_parent != 0 &&
		    hostd_snapshot_find(&db, s->sn_parent) != NULL))
			continue;
		id = hostd_mo_virtualmachinesnapshot_id(vmid, s->sn_uid);
		hostd_val_push(arr, hostd_val_moref(HOSTD_MO_VMSNAP_TYPE, id));
		free(id);
	}
	hostd_snapshot_clear(&db);
	return (arr);
}

/*
 * The configuration kept with the snapshot (its .vmsn), shown the way
 * the VM shows its own: a VM object read from the .vmsn for the VM's own
 * config getter, freed the way the VM's objects are.
 */
static struct hostd_val *
hostd_mo_virtualmachinesnapshot_get_config(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachinesnapshot	*ss = c->ic_mo->mo_data;
	const struct hostd_inventory_prop	*p;
	struct hostd_inventory_ctx		 ctx;
	struct hostd_mo_virtualmachine		*vm, *tmp;
	struct hostd_snapshot_db		 db;
	struct hostd_snapshot			*s;
	struct hostd_mo				*vmmo, fake;
	struct hostd_val			*v = NULL;
	char					*dir, *slash, *cause = NULL;

	if (ss == NULL || (vmmo = hostd_mo_virtualmachinesnapshot_vmmo(
	    c->ic_inv, ss->ss_vmid)) == NULL || (vm = vmmo->mo_data) == NULL ||
	    (p = hostd_inventory_mo_prop(c->ic_inv, vmmo, "config")) == NULL ||
	    p->ip_get == NULL)
		return (NULL);
	if (hostd_snapshot_load(vm->vm_path, &db, NULL) != 0)
		return (NULL);
	if ((s = hostd_snapshot_find(&db, ss->ss_uid)) == NULL ||
	    s->sn_vmsn == NULL) {
		hostd_snapshot_clear(&db);
		return (NULL);
	}
	tmp = xcalloc(1, sizeof *tmp);
	tmp->vm_id = xstrdup(vm->vm_id);
	dir = xstrdup(vm->vm_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (*s->sn_vmsn == '/')
		tmp->vm_path = xstrdup(s->sn_vmsn);
	else
		xasprintf(&tmp->vm_path, "%s/%s", dir, s->sn_vmsn);
	free(dir);
	hostd_snapshot_clear(&db);
	tmp->vm_dspath = xstrdup(vm->vm_dspath);
	if (vm->vm_dsid != NULL)
		tmp->vm_dsid = xstrdup(vm->vm_dsid);
	tmp->vm_power = PROTO_VMX_POWERED_OFF;
	if (hostd_mo_virtualmachine_reload(tmp, &cause) == 0) {
		memset(&fake, 0, sizeof fake);
		fake.mo_type = vmmo->mo_type;
		fake.mo_id = vmmo->mo_id;
		fake.mo_t = vmmo->mo_t;
		fake.mo_data = tmp;
		ctx = *c;
		ctx.ic_mo = &fake;
		ctx.ic_prop = p;
		v = p->ip_get(&ctx);
	}
	free(cause);
	vmmo->mo_data_free(tmp);
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachinesnapshot_get_children(
    const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachinesnapshot	*ss = c->ic_mo->mo_data;
	struct hostd_mo_virtualmachine		*vm;

	if (ss == NULL || (vm = hostd_mo_virtualmachinesnapshot_vm(c->ic_inv,
	    ss->ss_vmid)) == NULL)
		return (hostd_val_array("ManagedObjectReference"));
	return (hostd_mo_virtualmachinesnapshot_morefs(ss->ss_vmid,
	    vm->vm_path, ss->ss_uid));
}

static struct hostd_val *
hostd_mo_virtualmachinesnapshot_get_vm(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachinesnapshot	*ss = c->ic_mo->mo_data;

	if (ss == NULL)
		return (NULL);
	return (hostd_val_moref("VirtualMachine", ss->ss_vmid));
}

/* ---- methods ----------------------------------------------------------- */

/* InvalidPowerState asking for requested (PROTO_VMX_POWERED_*). */
static struct hostd_fault *
hostd_mo_virtualmachinesnapshot_power_fault(
    const struct hostd_mo_virtualmachine *vm, int requested)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("InvalidPowerState", NULL);
	hostd_val_add(f->f_obj, "requestedState",
	    hostd_val_enum("VirtualMachinePowerState",
	    hostd_mo_virtualmachine_power_name(requested)));
	hostd_val_add(f->f_obj, "existingState",
	    hostd_val_enum("VirtualMachinePowerState",
	    hostd_mo_virtualmachine_power_name(vm->vm_power)));
	return (f);
}

/* A job with its task (req->r_result), for the VM of vmmo. */
static struct hostd_mo_virtualmachinesnapshot_job *
hostd_mo_virtualmachinesnapshot_job(struct hostd_soap_req *req,
    struct hostd_mo *vmmo, enum hostd_mo_virtualmachinesnapshot_op op,
    const char *method, const char *descid)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job;
	struct hostd_mo_virtualmachine			*vm = vmmo->mo_data;
	struct hostd_inventory				*inv;
	const char					*user;

	inv = hostd_soap_inventory(req->r_soap);
	user = req->r_session != NULL ? req->r_session->s_user : NULL;
	job = xcalloc(1, sizeof *job);
	job->sj_inv = inv;
	job->sj_soap = req->r_soap;
	job->sj_op = op;
	job->sj_vmid = xstrdup(vm->vm_id);
	job->sj_vmx = xstrdup(vm->vm_path);
	job->sj_task = xstrdup(hostd_task_create(inv, method, descid, vmmo,
	    user));
	job->sj_user = user != NULL ? xstrdup(user) : NULL;
	job->sj_pipe[0] = job->sj_pipe[1] = -1;
	req->r_result = hostd_val_moref("Task", job->sj_task);
	return (job);
}

static void
hostd_mo_virtualmachinesnapshot_job_free(
    struct hostd_mo_virtualmachinesnapshot_job *job)
{
	size_t	i;

	for (i = 0; i < job->sj_npaths; i++) {
		free(job->sj_units[i]);
		free(job->sj_paths[i]);
	}
	free(job->sj_units);
	free(job->sj_paths);
	if (job->sj_ev != NULL)
		event_free(job->sj_ev);
	if (job->sj_pipe[0] != -1)
		close(job->sj_pipe[0]);
	if (job->sj_pipe[1] != -1)
		close(job->sj_pipe[1]);
	free(job->sj_vmid);
	free(job->sj_vmx);
	free(job->sj_task);
	free(job->sj_user);
	free(job->sj_name);
	free(job->sj_desc);
	free(job->sj_cause);
	free(job);
}

/* The file work itself (worker thread, or inline without a loop). */
static void
hostd_mo_virtualmachinesnapshot_run(
    struct hostd_mo_virtualmachinesnapshot_job *job)
{
	switch (job->sj_op) {
	case HOSTD_MO_VMSNAP_CREATE:
		job->sj_rc = hostd_snapshot_create(job->sj_vmx, job->sj_name,
		    job->sj_desc, job->sj_quiesce, &job->sj_uid,
		    &job->sj_cause);
		break;
	case HOSTD_MO_VMSNAP_REVERT:
		job->sj_rc = hostd_snapshot_revert(job->sj_vmx, job->sj_uid,
		    &job->sj_cause);
		break;
	case HOSTD_MO_VMSNAP_REMOVE:
		job->sj_rc = hostd_snapshot_remove(job->sj_vmx, job->sj_uid,
		    job->sj_children, &job->sj_cause);
		break;
	}
	job->sj_notfound = job->sj_rc != 0 && errno == ENOENT;
}

static void *
hostd_mo_virtualmachinesnapshot_worker(void *arg)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job = arg;
	char						 c = 1;

	hostd_mo_virtualmachinesnapshot_run(job);
	/* The loop side does everything else. */
	while (write(job->sj_pipe[1], &c, 1) == -1 && errno == EINTR)
		/* again */;
	return (NULL);
}

static void
hostd_mo_virtualmachinesnapshot_wake(evutil_socket_t fd, short events,
    void *arg)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job = arg;

	(void)fd;
	(void)events;
	pthread_join(job->sj_thread, NULL);
	hostd_mo_virtualmachinesnapshot_finish(job);
}

/* Run job's file work off the loop; finish it when it is done. */
static void
hostd_mo_virtualmachinesnapshot_start(
    struct hostd_mo_virtualmachinesnapshot_job *job)
{
	struct event_base	*base = hostd_inventory_base(job->sj_inv);
	int			 error;

	hostd_task_start(job->sj_inv, job->sj_task);
	if (base == NULL || pipe2(job->sj_pipe, O_CLOEXEC) == -1) {
		hostd_mo_virtualmachinesnapshot_run(job);
		hostd_mo_virtualmachinesnapshot_finish(job);
		return;
	}
	job->sj_ev = event_new(base, job->sj_pipe[0], EV_READ,
	    hostd_mo_virtualmachinesnapshot_wake, job);
	if (job->sj_ev == NULL || event_add(job->sj_ev, NULL) == -1 ||
	    (error = pthread_create(&job->sj_thread, NULL,
	    hostd_mo_virtualmachinesnapshot_worker, job)) != 0) {
		hostd_mo_virtualmachinesnapshot_run(job);
		hostd_mo_virtualmachinesnapshot_finish(job);
	}
}

/* Back on the loop: the task, the objects and the VM's new state. */
static void
hostd_mo_virtualmachinesnapshot_finish(
    struct hostd_mo_virtualmachinesnapshot_job *job)
{
	struct hostd_inventory			*inv = job->sj_inv;
	struct hostd_mo				*vmmo;
	struct hostd_mo_virtualmachine		*vm;
	struct hostd_fault			*f;
	char					*id, *cause = NULL;

	vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv, job->sj_vmid);
	vm = vmmo != NULL ? vmmo->mo_data : NULL;
	if (vm != NULL) {
		vm->vm_snapbusy = 0;
		if (hostd_mo_virtualmachine_reload(vm, &cause) != 0) {
			log_warnx("snapshot: VM %s: %s", vm->vm_id, cause);
			free(cause);
		}
		hostd_mo_virtualmachinesnapshot_sync(inv, vmmo);
		hostd_inventory_changed(inv, vmmo, "config");
		hostd_inventory_changed(inv, vmmo, "summary");
	}
	if (job->sj_rc != 0) {
		log_warnx("snapshot: VM %s: %s", job->sj_vmid,
		    job->sj_cause != NULL ? job->sj_cause : "failed");
		if (job->sj_notfound)
			f = hostd_fault_create("NotFound", NULL);
		else
			f = hostd_fault_create("SnapshotFault",
			    "An error occurred during the snapshot operation: "
			    "%s", job->sj_cause != NULL ? job->sj_cause :
			    "unknown error");
		hostd_task_fail(inv, job->sj_task, f);
	} else if (job->sj_op == HOSTD_MO_VMSNAP_CREATE) {
		id = hostd_mo_virtualmachinesnapshot_id(job->sj_vmid,
		    job->sj_uid);
		log_info("snapshot: VM %s: snapshot %s \"%s\" taken",
		    job->sj_vmid, id, job->sj_name);
		hostd_task_succeed(inv, job->sj_task,
		    hostd_val_moref(HOSTD_MO_VMSNAP_TYPE, id));
		free(id);
	} else {
		log_info("snapshot: VM %s: %s done", job->sj_vmid,
		    job->sj_op == HOSTD_MO_VMSNAP_REVERT ? "revert" :
		    "removal");
		hostd_task_succeed(inv, job->sj_task, NULL);
	}
	hostd_mo_virtualmachinesnapshot_job_free(job);
}

/* vmx has switched the disks (error NULL) or failed. */
static void
hostd_mo_virtualmachinesnapshot_live_cb(void *arg, const char *error)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job = arg;
	char						*cause = NULL;

	job->sj_rc = hostd_snapshot_live_done(job->sj_vmx, job->sj_units,
	    job->sj_paths, job->sj_npaths, error == NULL, job->sj_name,
	    job->sj_desc, job->sj_quiesce, &job->sj_uid, &cause);
	if (job->sj_rc != 0)
		xasprintf(&job->sj_cause, "%s", error != NULL ? error :
		    cause != NULL ? cause : "failed");
	free(cause);
	hostd_mo_virtualmachinesnapshot_finish(job);
}

/* The VM is off now (revert of a running VM): on to the files. */
static void
hostd_mo_virtualmachinesnapshot_off_cb(void *arg, const char *error)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job = arg;

	if (error != NULL) {
		job->sj_rc = -1;
		xasprintf(&job->sj_cause, "powering off: %s", error);
		hostd_mo_virtualmachinesnapshot_finish(job);
		return;
	}
	hostd_mo_virtualmachinesnapshot_start(job);
}

static int
hostd_mo_virtualmachinesnapshot_create(struct hostd_soap_req *req)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job;
	struct hostd_inventory				*inv;
	struct hostd_mo					*vmmo;
	struct hostd_mo_virtualmachine			*vm;
	struct hostd_fault				*f = NULL;
	const char					*name, *desc;
	char						*cause = NULL;
	int						 memory = 0;
	int						 quiesce = 0;

	inv = hostd_soap_inventory(req->r_soap);
	vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv, req->r_this_id);
	if (vmmo == NULL || (vm = vmmo->mo_data) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (0);
	}
	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	desc = hostd_val_str(hostd_val_field(req->r_params, "description"));
	if (name == NULL || *name == '\0' || strlen(name) > 255) {
		req->r_fault = hostd_fault_invalid_argument("name");
		return (0);
	}
	if (hostd_val_get_bool(hostd_val_field(req->r_params, "memory"),
	    &memory) != 0 || hostd_val_get_bool(hostd_val_field(req->r_params,
	    "quiesce"), &quiesce) != 0) {
		req->r_fault = hostd_fault_invalid_argument(
		    "memory or quiesce");
		return (0);
	}
	job = hostd_mo_virtualmachinesnapshot_job(req, vmmo,
	    HOSTD_MO_VMSNAP_CREATE, "CreateSnapshot_Task",
	    "VirtualMachine.createSnapshot");
	job->sj_name = xstrdup(name);
	job->sj_desc = xstrdup(desc != NULL ? desc : "");
	if (vm->vm_snapbusy || vm->vm_diskbusy ||
	    hostd_vmxlink_busy(vm->vm_vl, vm->vm_id))
		f = hostd_fault_create("TaskInProgress", NULL);
	else if (vm->vm_power == PROTO_VMX_SUSPENDED)
		f = hostd_mo_virtualmachinesnapshot_power_fault(vm,
		    PROTO_VMX_POWERED_OFF);
	else if (vm->vm_power == PROTO_VMX_POWERED_ON && quiesce)
		f = hostd_fault_create("ToolsUnavailable", NULL);
	else if (vm->vm_power == PROTO_VMX_POWERED_ON && memory)
		f = hostd_fault_create("NotSupported", "Snapshots of the "
		    "memory of a running virtual machine are not supported "
		    "yet; take the snapshot with memory=false");
	if (f != NULL) {
		hostd_task_fail(inv, job->sj_task, f);
		hostd_mo_virtualmachinesnapshot_job_free(job);
		return (0);
	}
	vm->vm_snapbusy = 1;
	if (vm->vm_power != PROTO_VMX_POWERED_ON) {
		hostd_mo_virtualmachinesnapshot_start(job);
		return (0);
	}
	/* Running: vmx makes the deltas; the loop writes the rest. */
	hostd_task_start(inv, job->sj_task);
	if (hostd_snapshot_live_plan(job->sj_vmx, &job->sj_units,
	    &job->sj_paths, &job->sj_npaths, &cause) != 0 ||
	    (job->sj_npaths > 0 && hostd_vmxlink_request(vm->vm_vl,
	    vm->vm_id, HOSTD_VMXLINK_SNAPSHOT,
	    (const char *const *)job->sj_units,
	    (const char *const *)job->sj_paths, job->sj_npaths,
	    hostd_mo_virtualmachinesnapshot_live_cb, job, &cause) != 0)) {
		job->sj_rc = -1;
		job->sj_cause = cause;
		hostd_mo_virtualmachinesnapshot_finish(job);
		return (0);
	}
	if (job->sj_npaths == 0)
		hostd_mo_virtualmachinesnapshot_live_cb(job, NULL);
	return (0);
}

/* RevertToSnapshot_Task (on a snapshot), RevertToCurrentSnapshot_Task. */
static int
hostd_mo_virtualmachinesnapshot_revert(struct hostd_soap_req *req)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job;
	struct hostd_mo_virtualmachinesnapshot		*ss;
	struct hostd_inventory				*inv;
	struct hostd_snapshot_db			 db;
	struct hostd_mo					*mo, *vmmo;
	struct hostd_mo_virtualmachine			*vm;
	struct hostd_fault				*f = NULL;
	char						*cause = NULL;
	uint32_t					 uid;
	int						 current;

	inv = hostd_soap_inventory(req->r_soap);
	current = strcmp(req->r_this_type, "VirtualMachine") == 0;
	if (current) {
		vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv,
		    req->r_this_id);
		if (vmmo == NULL || (vm = vmmo->mo_data) == NULL) {
			req->r_fault = hostd_fault_not_found_mo(
			    req->r_this_type, req->r_this_id);
			return (0);
		}
		if (hostd_snapshot_load(vm->vm_path, &db, &cause) != 0) {
			req->r_fault = hostd_fault_system_error(cause);
			free(cause);
			return (0);
		}
		uid = db.db_current;
		if (hostd_snapshot_find(&db, uid) == NULL) {
			hostd_snapshot_clear(&db);
			req->r_fault = hostd_fault_create("NotFound",
			    "The virtual machine has no current snapshot.");
			return (0);
		}
		hostd_snapshot_clear(&db);
	} else {
		if ((mo = hostd_mo_virtualmachinesnapshot_lookup(req)) == NULL)
			return (0);
		ss = mo->mo_data;
		uid = ss->ss_uid;
		vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv, ss->ss_vmid);
		vm = vmmo->mo_data;
		if (hostd_authz_req_check(req, vmmo,
		    "VirtualMachine.State.RevertToSnapshot") != 0)
			return (0);
	}
	job = hostd_mo_virtualmachinesnapshot_job(req, vmmo,
	    HOSTD_MO_VMSNAP_REVERT, current ? "RevertToCurrentSnapshot_Task" :
	    "RevertToSnapshot_Task", current ?
	    "VirtualMachine.revertToCurrentSnapshot" :
	    "VirtualMachineSnapshot.revert");
	job->sj_uid = uid;
	if (vm->vm_snapbusy || vm->vm_diskbusy ||
	    hostd_vmxlink_busy(vm->vm_vl, vm->vm_id))
		f = hostd_fault_create("TaskInProgress", NULL);
	else if (vm->vm_power == PROTO_VMX_SUSPENDED)
		f = hostd_mo_virtualmachinesnapshot_power_fault(vm,
		    PROTO_VMX_POWERED_OFF);
	if (f != NULL) {
		hostd_task_fail(inv, job->sj_task, f);
		hostd_mo_virtualmachinesnapshot_job_free(job);
		return (0);
	}
	vm->vm_snapbusy = 1;
	if (vm->vm_power != PROTO_VMX_POWERED_ON) {
		hostd_mo_virtualmachinesnapshot_start(job);
		return (0);
	}
	/* No memory image: the VM ends up powered off, as on ESX. */
	hostd_task_start(inv, job->sj_task);
	if (hostd_vmxlink_request(vm->vm_vl, vm->vm_id, HOSTD_VMXLINK_OFF,
	    NULL, NULL, 0, hostd_mo_virtualmachinesnapshot_off_cb, job,
	    &cause) != 0) {
		job->sj_rc = -1;
		job->sj_cause = cause;
		hostd_mo_virtualmachinesnapshot_finish(job);
	}
	return (0);
}

/* RemoveSnapshot_Task (on a snapshot), RemoveAllSnapshots_Task. */
static int
hostd_mo_virtualmachinesnapshot_remove(struct hostd_soap_req *req)
{
	struct hostd_mo_virtualmachinesnapshot_job	*job;
	struct hostd_mo_virtualmachinesnapshot		*ss;
	struct hostd_inventory				*inv;
	struct hostd_mo					*mo, *vmmo;
	struct hostd_mo_virtualmachine			*vm;
	struct hostd_fault				*f = NULL;
	uint32_t					 uid = 0;
	int						 all, children = 0;

	inv = hostd_soap_inventory(req->r_soap);
	all = strcmp(req->r_this_type, "VirtualMachine") == 0;
	if (all) {
		vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv,
		    req->r_this_id);
		if (vmmo == NULL || vmmo->mo_data == NULL) {
			req->r_fault = hostd_fault_not_found_mo(
			    req->r_this_type, req->r_this_id);
			return (0);
		}
	} else {
		if ((mo = hostd_mo_virtualmachinesnapshot_lookup(req)) == NULL)
			return (0);
		ss = mo->mo_data;
		uid = ss->ss_uid;
		vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv, ss->ss_vmid);
		if (hostd_authz_req_check(req, vmmo,
		    "VirtualMachine.State.RemoveSnapshot") != 0)
			return (0);
		if (hostd_val_get_bool(hostd_val_field(req->r_params,
		    "removeChildren"), &children) != 0) {
			req->r_fault = hostd_fault_invalid_argument(
			    "removeChildren");
			return (0);
		}
	}
	vm = vmmo->mo_data;
	job = hostd_mo_virtualmachinesnapshot_job(req, vmmo,
	    HOSTD_MO_VMSNAP_REMOVE, all ? "RemoveAllSnapshots_Task" :
	    "RemoveSnapshot_Task", all ? "VirtualMachine.removeAllSnapshots" :
	    "VirtualMachineSnapshot.remove");
	job->sj_uid = uid;
	job->sj_children = children;
	if (vm->vm_snapbusy || vm->vm_diskbusy ||
	    hostd_vmxlink_busy(vm->vm_vl, vm->vm_id))
		f = hostd_fault_create("TaskInProgress", NULL);
	else if (vm->vm_power != PROTO_VMX_POWERED_OFF)
		f = hostd_mo_virtualmachinesnapshot_power_fault(vm,
		    PROTO_VMX_POWERED_OFF);
	if (f != NULL) {
		hostd_task_fail(inv, job->sj_task, f);
		hostd_mo_virtualmachinesnapshot_job_free(job);
		return (0);
	}
	vm->vm_snapbusy = 1;
	hostd_mo_virtualmachinesnapshot_start(job);
	return (0);
}

static int
hostd_mo_virtualmachinesnapshot_rename(struct hostd_soap_req *req)
{
	struct hostd_mo_virtualmachinesnapshot	*ss;
	struct hostd_inventory			*inv;
	struct hostd_mo				*mo, *vmmo;
	struct hostd_mo_virtualmachine		*vm;
	const char				*name, *desc;
	char					*cause = NULL;

	inv = hostd_soap_inventory(req->r_soap);
	if ((mo = hostd_mo_virtualmachinesnapshot_lookup(req)) == NULL)
		return (0);
	ss = mo->mo_data;
	vmmo = hostd_mo_virtualmachinesnapshot_vmmo(inv, ss->ss_vmid);
	vm = vmmo->mo_data;
	if (hostd_authz_req_check(req, vmmo,
	    "VirtualMachine.State.RenameSnapshot") != 0)
		return (0);
	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	desc = hostd_val_str(hostd_val_field(req->r_params, "description"));
	if (name != NULL && (*name == '\0' || strlen(name) > 255)) {
		req->r_fault = hostd_fault_invalid_argument("name");
		return (0);
	}
	if (vm->vm_snapbusy || vm->vm_diskbusy) {
		req->r_fault = hostd_fault_create("TaskInProgress", NULL);
		return (0);
	}
	if (hostd_snapshot_rename(vm->vm_path, ss->ss_uid, name, desc,
	    &cause) != 0) {
		req->r_fault = errno == ENOENT ? hostd_fault_not_found_mo(
		    req->r_this_type, req->r_this_id) :
		    hostd_fault_system_error(cause);
		free(cause);
		return (0);
	}
	hostd_mo_virtualmachinesnapshot_sync(inv, vmmo);
	hostd_inventory_changed(inv, mo, "config");
	return (0);
}
