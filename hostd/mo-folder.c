/* SPDX-License-Identifier: ISC */
/*
 * Folder methods of the VM folder (vi-api.md §5.3, §5.4): CreateVM_Task
 * writes a new VM directory and .vmx from a VirtualMachineConfigSpec
 * (vmconfig.c does the mapping and makes the disks) and registers it;
 * RegisterVM_Task registers an existing .vmx.  Both answer with a task
 * whose result is the VM's new MoRef; a VM's moid is never reused while
 * hostd runs (mo-virtualmachine.c's counter), as on ESX.
 *
 * Argument errors a client cannot have meant (no name, no path, no pool)
 * are SOAP faults; everything that depends on the host's state (a bad or
 * unknown datastore, a name or file already there, a bad device) is the
 * task's error, as ESX reports them.  A failed CreateVM_Task leaves
 * nothing behind: the disks it made, the .vmx and a directory it created
 * are removed.
 *
 * A VM with eagerZeroedThick disks is finished by a dsjob that writes
 * their zeros first (progress in the task): its .vmx is saved and the VM
 * registered only after the last step, so a hostd stopped meanwhile has
 * registered nothing (the disks stay, as stray files); until then its
 * name and .vmx path are held (hostd_mo_virtualmachine_hold).
 */

#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

/* A CreateVM_Task past the spec: what its end needs. */
struct hostd_mo_folder_create {
	struct hostd_soap		*fc_soap;	/* borrowed */
	struct hostd_inventory		*fc_inv;
	struct hostd_vmconfig_change	 fc_chg;
	struct cfg			*fc_cfg;
	char				*fc_name;
	char				*fc_user;	/* or NULL */
	char				*fc_vmx;
	char				*fc_dir;
	int				 fc_made;	/* fc_dir is ours */
	int				 fc_held;
};

static int	hostd_mo_folder_createvm(struct hostd_soap_req *);
static int	hostd_mo_folder_create_end(void *, struct hostd_fault **,
		    struct hostd_val **);
static void	hostd_mo_folder_create_free(void *);
static int	hostd_mo_folder_registervm(struct hostd_soap_req *);
static int	hostd_mo_folder_pool(struct hostd_soap_req *, const char *,
		    int);
static void	hostd_mo_folder_uuid(char *, size_t, uint8_t);
static struct hostd_fault *hostd_mo_folder_vmxpath(struct hostd_inventory *,
		    const char *, const char *, char **, char **, int *);

static const struct hostd_soap_param hostd_mo_folder_createvm_p[] = {
	{ "config", "VirtualMachineConfigSpec", 0 },
	{ "pool", "ManagedObjectReference", 0 },
	{ "host", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_folder_registervm_p[] = {
	{ "path", "string", 0 },
	{ "name", "string", HOSTD_SOAP_OPTIONAL },
	{ "asTemplate", "boolean", 0 },
	{ "pool", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "host", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_folder_methods[] = {
	{ "CreateVM_Task", "Folder", "VirtualMachine.Inventory.Create", 0,
	  hostd_mo_folder_createvm, hostd_mo_folder_createvm_p },
	{ "RegisterVM_Task", "Folder", "VirtualMachine.Inventory.Register", 0,
	  hostd_mo_folder_registervm, hostd_mo_folder_registervm_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/*
 * The pool argument: the host's root pool (a standalone host has no
 * other), and the caller may assign VMs to it.  0, or -1 with r_fault.
 */
static int
hostd_mo_folder_pool(struct hostd_soap_req *req, const char *argname,
    int required)
{
	const struct hostd_val	*pool, *host;
	struct hostd_mo		*mo;

	pool = hostd_val_field(req->r_params, argname);
	host = hostd_val_field(req->r_params, "host");
	if (pool == NULL && !required)
		return (0);
	if (pool == NULL || !hostd_val_is_moref(pool, "ResourcePool")) {
		req->r_fault = hostd_fault_invalid_argument(argname);
		return (-1);
	}
	if ((mo = hostd_inventory_find(hostd_soap_inventory(req->r_soap),
	    "ResourcePool", pool->v_str, NULL)) == NULL) {
		req->r_fault = hostd_fault_not_found_mo("ResourcePool",
		    pool->v_str);
		return (-1);
	}
	if (host != NULL && (!hostd_val_is_moref(host, "HostSystem") ||
	    strcmp(host->v_str, HOSTD_MO_HOST) != 0)) {
		req->r_fault = hostd_fault_invalid_argument("host");
		return (-1);
	}
	return (hostd_authz_req_check(req, mo, "Resource.AssignVMToPool"));
}

/* A VMware-style UUID ("56 4d xx ... xx-xx ... xx"), first byte first. */
static void
hostd_mo_folder_uuid(char *buf, size_t len, uint8_t first)
{
	uint8_t		u[16];
	size_t		i, o = 0;

	if (getrandom(u, sizeof u, GRND_NONBLOCK) != (ssize_t)sizeof u) {
		/* Early boot without entropy: unique, if predictable. */
		for (i = 0; i < sizeof u; i++)
			u[i] = (uint8_t)((time(NULL) >> (i % 8)) ^ getpid() ^
			    (i * 37));
	}
	u[0] = first;
	if (first == 0x56)
		u[1] = 0x4d;
	for (i = 0; i < 16 && o + 4 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x%s", u[i],
		    i == 15 ? "" : i == 7 ? "-" : " ");
}

/*
 * The .vmx of a new VM from files.vmPathName: "[ds]" gives
 * <name>/<name>.vmx, "[ds] dir" dir/<name>.vmx, "[ds] dir/x.vmx" itself.
 * *vmx and *dir are absolute; *made is 1 when the directory was created
 * here.  NULL, or the fault.
 */
static struct hostd_fault *
hostd_mo_folder_vmxpath(struct hostd_inventory *inv, const char *dspath,
    const char *fname, char **vmx, char **dir, int *made)
{
	struct hostd_mo			*ds;
	struct stat			 sb;
	char				*full, *rel, *slash;
	size_t				 len;

	*vmx = *dir = NULL;
	*made = 0;
	if ((full = hostd_dspath_resolve(inv, dspath, &ds, &rel)) == NULL) {
		/* ESX names an unknown datastore a bad path here. */
		return (hostd_dspath_fault(errno == ENXIO ? EINVAL : errno,
		    dspath, 0));
	}
	len = strlen(rel);
	if (len == 0) {
		xasprintf(dir, "%s/%s", full, fname);
		xasprintf(vmx, "%s/%s.vmx", *dir, fname);
	} else if (len > 4 && strcmp(rel + len - 4, ".vmx") == 0) {
		*vmx = xstrdup(full);
		*dir = xstrdup(full);
		slash = strrchr(*dir, '/');
		*slash = '\0';
	} else {
		*dir = xstrdup(full);
		xasprintf(vmx, "%s/%s.vmx", full, fname);
	}
	free(full);
	free(rel);
	if (lstat(*vmx, &sb) == 0) {
		free(*vmx);
		free(*dir);
		*vmx = *dir = NULL;
		return (hostd_dspath_fault(EEXIST, dspath, 0));
	}
	if (mkdir(*dir, 0755) == 0)
		*made = 1;
	else if (errno != EEXIST || stat(*dir, &sb) != 0 ||
	    !S_ISDIR(sb.st_mode)) {
		free(*vmx);
		free(*dir);
		*vmx = *dir = NULL;
		return (hostd_dspath_fault(errno == EEXIST ? ENOTDIR : errno,
		    dspath, 0));
	}
	return (NULL);
}

static int
hostd_mo_folder_createvm(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*folder, *other, *ds = NULL;
	struct hostd_mo_folder_create	*fc;
	struct hostd_fault		*f = NULL;
	struct hostd_val		*result = NULL;
	const struct hostd_val		*spec, *files;
	const char			*name, *path, *user, *held;
	char				*task, *fname = NULL, *rel, *full;
	char				 uuid[64];

	inv = hostd_soap_inventory(req->r_soap);
	folder = hostd_inventory_find(inv, "Folder", req->r_this_id, NULL);
	if (folder == NULL || strcmp(req->r_this_id, HOSTD_MO_VMFOLDER) != 0) {
		/* Only the VM folder holds VMs on a standalone host. */
		req->r_fault = hostd_fault_create("NotSupported", NULL);
		return (0);
	}
	spec = hostd_val_field(req->r_params, "config");
	name = hostd_val_str(hostd_val_field(spec, "name"));
	files = hostd_val_field(spec, "files");
	path = hostd_val_str(hostd_val_field(files, "vmPathName"));
	if (name == NULL || *name == '\0' || strlen(name) > 80) {
		req->r_fault = hostd_fault_invalid_argument("config.name");
		return (0);
	}
	if (path == NULL) {
		req->r_fault = hostd_fault_invalid_argument(
		    "config.files.vmPathName");
		return (0);
	}
	if (hostd_mo_folder_pool(req, "pool", 1) != 0)
		return (0);
	/* Writing the VM's files allocates space on its datastore. */
	if ((full = hostd_dspath_resolve(inv, path, &ds, &rel)) != NULL) {
		free(full);
		free(rel);
		if (hostd_authz_req_check(req, ds,
		    "Datastore.AllocateSpace") != 0)
			return (0);
	}

	user = req->r_session != NULL ? req->r_session->s_user : NULL;
	task = xstrdup(hostd_task_create(inv, "CreateVM_Task",
	    "Folder.createVm", folder, user));
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	fc = xcalloc(1, sizeof *fc);
	fc->fc_soap = req->r_soap;
	fc->fc_inv = inv;
	fc->fc_name = xstrdup(name);
	fc->fc_user = user != NULL ? xstrdup(user) : NULL;
	fname = hostd_vmconfig_filename(name);
	if ((other = hostd_mo_virtualmachine_by_name(inv, name)) != NULL) {
		f = hostd_mo_virtualmachine_dupfault(name, other);
		goto fail;
	}
	if ((held = hostd_mo_virtualmachine_held(inv, name, NULL)) != NULL) {
		f = hostd_mo_virtualmachine_heldfault(name, held);
		goto fail;
	}
	if ((f = hostd_mo_folder_vmxpath(inv, path, fname, &fc->fc_vmx,
	    &fc->fc_dir, &fc->fc_made)) != NULL)
		goto fail;
	if (hostd_mo_virtualmachine_held(inv, NULL, fc->fc_vmx) != NULL) {
		/* Its .vmx is not written yet, but it will be. */
		f = hostd_dspath_fault(EEXIST, path, 0);
		goto fail;
	}

	fc->fc_cfg = cfg_create();
	cfg_set(fc->fc_cfg, ".encoding", "UTF-8");
	cfg_set(fc->fc_cfg, "config.version", "8");
	cfg_set(fc->fc_cfg, "virtualHW.version", "14");
	cfg_set(fc->fc_cfg, "displayName", name);
	cfg_set(fc->fc_cfg, "guestOS", "other-64");
	/* vcsim's defaults when the spec gives none. */
	cfg_set(fc->fc_cfg, "memsize", "32");
	cfg_set(fc->fc_cfg, "numvcpus", "1");
	hostd_mo_folder_uuid(uuid, sizeof uuid, 0x56);
	cfg_set(fc->fc_cfg, "uuid.bios", uuid);
	hostd_mo_folder_uuid(uuid, sizeof uuid, 0x52);
	cfg_set(fc->fc_cfg, "vc.uuid", uuid);
	if (hostd_vmconfig_apply(inv, fc->fc_cfg, fc->fc_vmx, spec,
	    &fc->fc_chg, &f) != 0)
		goto fail;
	if (fc->fc_chg.vc_nzero > 0) {
		hostd_mo_virtualmachine_hold(inv, name, fc->fc_vmx, task);
		fc->fc_held = 1;
		log_info("createvm: %s: writing the zeros of its "
		    "eagerZeroedThick disks before registering it", name);
		hostd_vmconfig_zero_start(inv, task, &fc->fc_chg,
		    hostd_mo_folder_create_end, hostd_mo_folder_create_free,
		    fc);
		goto out;
	}
	if (hostd_mo_folder_create_end(fc, &f, &result) != 0) {
		hostd_task_fail(inv, task, f);
		hostd_mo_folder_create_free(fc);
		goto out;
	}
	hostd_task_succeed(inv, task, result);
	hostd_mo_folder_create_free(fc);
	goto out;

fail:
	hostd_mo_folder_create_end(fc, &f, &result);
	hostd_task_fail(inv, task, f);
	hostd_mo_folder_create_free(fc);
out:
	free(fname);
	free(task);
	return (0);
}

/*
 * The end of a CreateVM_Task, on the loop: with *f NULL save the .vmx,
 * register the VM and post VmCreatedEvent (0, *result its MoRef); with a
 * fault, or when that fails, remove what was made (-1, *f).
 */
static int
hostd_mo_folder_create_end(void *arg, struct hostd_fault **f,
    struct hostd_val **result)
{
	struct hostd_mo_folder_create	*fc = arg;
	struct hostd_mo			*mo;
	char				*cause = NULL;

	if (fc->fc_held) {
		hostd_mo_virtualmachine_unhold(fc->fc_inv, fc->fc_vmx);
		fc->fc_held = 0;
	}
	if (*f != NULL)
		goto fail;
	if (cfg_save(fc->fc_cfg, fc->fc_vmx, &cause) != 0) {
		*f = hostd_fault_system_error(cause);
		goto fail;
	}
	if ((mo = hostd_mo_virtualmachine_register(fc->fc_inv, fc->fc_vmx,
	    &cause)) == NULL) {
		unlink(fc->fc_vmx);
		*f = hostd_fault_system_error(cause);
		goto fail;
	}
	hostd_vmconfig_finish(&fc->fc_chg);
	fc->fc_made = 0;
	hostd_event_post(fc->fc_soap, "VmCreatedEvent", mo, fc->fc_user,
	    "Created virtual machine %s on %s in ha-datacenter", fc->fc_name,
	    "ha-host");
	*result = hostd_val_moref("VirtualMachine", mo->mo_id);
	return (0);

fail:
	free(cause);
	hostd_vmconfig_rollback(&fc->fc_chg);
	if (fc->fc_made && rmdir(fc->fc_dir) != 0)
		log_warn("createvm: %s", fc->fc_dir);
	fc->fc_made = 0;
	if (*f == NULL)
		*f = hostd_fault_system_error("the VM was not created");
	return (-1);
}

static void
hostd_mo_folder_create_free(void *arg)
{
	struct hostd_mo_folder_create	*fc = arg;

	/*
	 * After create_end there is nothing left to undo; without it (a job
	 * that could not be scheduled) this is the failure's cleanup.
	 */
	if (fc->fc_held)
		hostd_mo_virtualmachine_unhold(fc->fc_inv, fc->fc_vmx);
	hostd_vmconfig_rollback(&fc->fc_chg);
	if (fc->fc_made && rmdir(fc->fc_dir) != 0)
		log_warn("createvm: %s", fc->fc_dir);
	cfg_free(fc->fc_cfg);
	free(fc->fc_name);
	free(fc->fc_user);
	free(fc->fc_vmx);
	free(fc->fc_dir);
	free(fc);
}

static int
hostd_mo_folder_registervm(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv;
	struct hostd_mo		*folder, *mo = NULL, *other;
	struct hostd_fault	*f = NULL;
	struct stat		 sb;
	struct cfg		*cfg = NULL;
	const char		*path, *name, *user, *held;
	char			*task, *full = NULL, *cause = NULL, *n = NULL;
	char			*slash;
	int			 tmpl = 0;

	inv = hostd_soap_inventory(req->r_soap);
	folder = hostd_inventory_find(inv, "Folder", req->r_this_id, NULL);
	if (folder == NULL || strcmp(req->r_this_id, HOSTD_MO_VMFOLDER) != 0) {
		req->r_fault = hostd_fault_create("NotSupported", NULL);
		return (0);
	}
	path = hostd_val_str(hostd_val_field(req->r_params, "path"));
	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if (hostd_val_get_bool(hostd_val_field(req->r_params, "asTemplate"),
	    &tmpl) != 0) {
		req->r_fault = hostd_fault_invalid_argument("asTemplate");
		return (0);
	}
	if (tmpl) {
		/* Templates are not modelled on this host. */
		req->r_fault = hostd_fault_create("NotSupported", NULL);
		return (0);
	}
	if (path == NULL || *path == '\0') {
		req->r_fault = hostd_fault_invalid_argument("path");
		return (0);
	}
	if (name != NULL && (*name == '\0' || strlen(name) > 80)) {
		req->r_fault = hostd_fault_invalid_argument("name");
		return (0);
	}
	if (hostd_mo_folder_pool(req, "pool", 1) != 0)
		return (0);

	user = req->r_session != NULL ? req->r_session->s_user : NULL;
	task = xstrdup(hostd_task_create(inv, "RegisterVM_Task",
	    "Folder.registerVm", folder, user));
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if ((full = hostd_dspath_resolve(inv, path, NULL, NULL)) == NULL) {
		f = hostd_dspath_fault(errno, path, 0);
		goto done;
	}
	if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		f = hostd_dspath_fault(ENOENT, path, 0);
		goto done;
	}
	if ((mo = hostd_mo_virtualmachine_by_path(inv, full)) != NULL ||
	    hostd_mo_virtualmachine_held(inv, NULL, full) != NULL) {
		mo = NULL;
		f = hostd_fault_create("AlreadyExists", "The specified key, "
		    "name, or identifier '%s' already exists.", path);
		hostd_val_add_str(f->f_obj, "name", path);
		goto done;
	}
	if ((cfg = cfg_load(full, &cause)) == NULL) {
		f = hostd_fault_create("InvalidArgument", "A specified "
		    "parameter was not correct: path");
		hostd_val_add_str(f->f_obj, "invalidProperty", "path");
		log_warnx("registervm: %s", cause);
		goto done;
	}
	if (name == NULL) {
		/* The .vmx's name, else its directory's (vcsim). */
		if ((name = cfg_get(cfg, "displayName")) == NULL) {
			n = xstrdup(full);
			if ((slash = strrchr(n, '/')) != NULL) {
				*slash = '\0';
				slash = strrchr(n, '/');
			}
			name = slash != NULL ? slash + 1 : n;
		}
	}
	if ((other = hostd_mo_virtualmachine_by_name(inv, name)) != NULL) {
		f = hostd_mo_virtualmachine_dupfault(name, other);
		goto done;
	}
	if ((held = hostd_mo_virtualmachine_held(inv, name, NULL)) != NULL) {
		f = hostd_mo_virtualmachine_heldfault(name, held);
		goto done;
	}
	if (cfg_get(cfg, "displayName") == NULL ||
	    strcmp(cfg_get(cfg, "displayName"), name) != 0) {
		/* The name given becomes the VM's, as on ESX. */
		cfg_set(cfg, "displayName", name);
		if (cfg_save(cfg, full, &cause) != 0) {
			f = hostd_fault_system_error(cause);
			goto done;
		}
	}
	if ((mo = hostd_mo_virtualmachine_register(inv, full, &cause)) ==
	    NULL) {
		f = hostd_fault_system_error(cause);
		goto done;
	}
	hostd_event_post(req->r_soap, "VmRegisteredEvent", mo, user,
	    "Registered %s on %s in ha-datacenter",
	    ((struct hostd_mo_virtualmachine *)mo->mo_data)->vm_name,
	    "ha-host");
done:
	/* Every way here without a fault has registered mo. */
	if (f != NULL || mo == NULL)
		hostd_task_fail(inv, task, f != NULL ? f :
		    hostd_fault_system_error("the VM was not registered"));
	else
		hostd_task_succeed(inv, task, hostd_val_moref(
		    "VirtualMachine", mo->mo_id));
	cfg_free(cfg);
	free(cause);
	free(full);
	free(n);
	free(task);
	return (0);
}
