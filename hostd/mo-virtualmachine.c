/* SPDX-License-Identifier: ISC */
/*
 * VirtualMachine (vi-api.md §4.3, §5.5): the registered VMs, read from
 * var/lib/vireo/inventory.xml (ESX's vmInventory.xml layout) and their
 * .vmx files, their property table (only vim25 6.7.1 fields), and the
 * power methods.  The power state is vmx's own, reported through
 * vmxlink.c; this file only decides whether an operation is allowed
 * (the state matrix of §5.5: InvalidPowerState with requestedState and
 * existingState, in the task for *_Task methods, as a SOAP fault for
 * ShutdownGuest and RebootGuest) and hands it to vmxlink.c.
 *
 * Guest operations without VMware Tools: ShutdownGuest presses the ACPI
 * power button and RebootGuest does a hard reset.  Both return at once,
 * as on ESX; the guest's power-off shows up later as a property change.
 * guest.toolsRunningStatus stays guestToolsNotRunning.
 *
 * Provisioning (vi-api.md §5.3-§5.7): ReconfigVM_Task, Rename_Task,
 * UnregisterVM and Destroy_Task here, CreateVM_Task and RegisterVM_Task
 * in mo-folder.c; the ConfigSpec <-> .vmx mapping and the device list
 * are vmconfig.c's.  The .vmx is the only record of a VM's
 * configuration: every change is applied to it in memory, saved
 * atomically, then re-read, so what clients read is what vmx will run.
 * New moids come from a counter kept with ha-folder-vm (never reused
 * while hostd runs, as ESX), whose data also holds the vmxlink new VMs
 * are driven by.
 */

#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <libxml/tree.h>

#include "atomicfile.h"
#include "disk.h"
#include "cfg.h"
#include "hostd.h"
#include "log.h"
#include "proto.h"
#include "xmalloc.h"
#include "xml.h"

#define HOSTD_MO_VIRTUALMACHINE_INVENTORY	"var/lib/vireo/inventory.xml"
/* Most VMs an inventory file may list. */
#define HOSTD_MO_VIRTUALMACHINE_MAX		4096

/* The .vmx guestOS values we know: guestId, full name, family. */
static const char *const hostd_mo_virtualmachine_guests[][4] = {
	{ "other", "otherGuest", "Other (32-bit)", "otherGuestFamily" },
	{ "other-64", "otherGuest64", "Other (64-bit)", "otherGuestFamily" },
	{ "otherlinux", "otherLinuxGuest", "Other Linux (32-bit)",
	  "linuxGuest" },
	{ "otherlinux-64", "otherLinux64Guest", "Other Linux (64-bit)",
	  "linuxGuest" },
	{ "other3xlinux-64", "other3xLinux64Guest",
	  "Other 3.x or later Linux (64-bit)", "linuxGuest" },
	{ "ubuntu-64", "ubuntu64Guest", "Ubuntu Linux (64-bit)",
	  "linuxGuest" },
	{ "debian10-64", "debian10_64Guest", "Debian GNU/Linux 10 (64-bit)",
	  "linuxGuest" },
	{ "rhel7-64", "rhel7_64Guest", "Red Hat Enterprise Linux 7 (64-bit)",
	  "linuxGuest" },
	{ "rhel8-64", "rhel8_64Guest", "Red Hat Enterprise Linux 8 (64-bit)",
	  "linuxGuest" },
	{ "centos7-64", "centos7_64Guest", "CentOS 7 (64-bit)",
	  "linuxGuest" },
	{ "debian9-64", "debian9_64Guest", "Debian GNU/Linux 9 (64-bit)",
	  "linuxGuest" },
	{ "ubuntu", "ubuntuGuest", "Ubuntu Linux (32-bit)", "linuxGuest" },
	{ "other4xlinux-64", "other4xLinux64Guest",
	  "Other 4.x or later Linux (64-bit)", "linuxGuest" },
	{ "windows9-64", "windows9_64Guest",
	  "Microsoft Windows 10 (64-bit)", "windowsGuest" },
	{ "windows2019srv-64", "windows2019srv_64Guest",
	  "Microsoft Windows Server 2019 (64-bit)", "windowsGuest" },
	{ "freebsd-64", "freebsd64Guest", "FreeBSD (64-bit)",
	  "otherGuestFamily" },
};

/* The data of ha-folder-vm: how new VMs are driven and named. */
/* A name and .vmx taken by a CreateVM_Task still zeroing its disks. */
struct hostd_mo_virtualmachine_hold {
	struct hostd_mo_virtualmachine_hold	*vh_next;
	char					*vh_name;
	char					*vh_path;
	char					*vh_task;
};

struct hostd_mo_virtualmachine_folder {
	struct hostd_vmxlink	*vf_vl;		/* borrowed */
	long			 vf_next;	/* next moid */
	struct hostd_mo_virtualmachine_hold *vf_holds;
};

/* A ReconfigVM_Task whose new disks are being zeroed (dsjob.c). */
struct hostd_mo_virtualmachine_reconf {
	struct hostd_soap		*vr_soap;	/* borrowed */
	struct hostd_inventory		*vr_inv;
	struct hostd_vmconfig_change	 vr_chg;
	struct cfg			*vr_cfg;
	struct hostd_val		*vr_echo;	/* for the event */
	struct stat			 vr_sb;		/* the .vmx loaded */
	char				*vr_vmid;
	char				*vr_user;	/* or NULL */
	int				 vr_busy;	/* set vm_diskbusy */
};

/* A file of a VM, for layoutEx and storage. */
struct hostd_mo_virtualmachine_file {
	char		*vf_path;	/* absolute */
	const char	*vf_type;	/* VirtualMachineFileLayoutExFileType */
	int32_t		 vf_disk;	/* the disk's key, or -1 */
	int64_t		 vf_size;	/* bytes */
	int64_t		 vf_used;	/* bytes allocated */
	int64_t		 vf_cap;	/* descriptor: the disk's capacity */
};

/* .vmx keys config shows in its own fields, not in extraConfig. */
static const char *const hostd_mo_virtualmachine_managed[] = {
	".encoding", "config.version", "virtualHW.version", "displayName",
	"guestOS", "memsize", "numvcpus", "annotation", "uuid.bios",
	"vc.uuid", "cpuid.coresPerSocket", "scsi", "sata", "nvme", "ide",
	"ethernet", "serial"
};

/* A power method: WSDL name, descriptionId (NULL: not a task),
 * operation, the states it is allowed from (bits of 1 << power) and the
 * state it asks for. */
struct hostd_mo_virtualmachine_op {
	const char	*vo_method;
	const char	*vo_descid;
	int		 vo_op;
	int		 vo_from;
	int		 vo_requested;
};

#define HOSTD_MO_VIRTUALMACHINE_OFF	(1 << PROTO_VMX_POWERED_OFF)
#define HOSTD_MO_VIRTUALMACHINE_ON	(1 << PROTO_VMX_POWERED_ON)
#define HOSTD_MO_VIRTUALMACHINE_SUSP	(1 << PROTO_VMX_SUSPENDED)

static const struct hostd_mo_virtualmachine_op
    hostd_mo_virtualmachine_ops[] = {
	{ "PowerOnVM_Task", "VirtualMachine.powerOn", HOSTD_VMXLINK_ON,
	  HOSTD_MO_VIRTUALMACHINE_OFF | HOSTD_MO_VIRTUALMACHINE_SUSP,
	  PROTO_VMX_POWERED_ON },
	{ "PowerOffVM_Task", "VirtualMachine.powerOff", HOSTD_VMXLINK_OFF,
	  HOSTD_MO_VIRTUALMACHINE_ON | HOSTD_MO_VIRTUALMACHINE_SUSP,
	  PROTO_VMX_POWERED_OFF },
	{ "ResetVM_Task", "VirtualMachine.reset", HOSTD_VMXLINK_RESET,
	  HOSTD_MO_VIRTUALMACHINE_ON, PROTO_VMX_POWERED_ON },
	{ "SuspendVM_Task", "VirtualMachine.suspend", HOSTD_VMXLINK_SUSPEND,
	  HOSTD_MO_VIRTUALMACHINE_ON, PROTO_VMX_SUSPENDED },
	{ "ShutdownGuest", NULL, HOSTD_VMXLINK_SHUTDOWN,
	  HOSTD_MO_VIRTUALMACHINE_ON, PROTO_VMX_POWERED_OFF },
	{ "RebootGuest", NULL, HOSTD_VMXLINK_REBOOT,
	  HOSTD_MO_VIRTUALMACHINE_ON, PROTO_VMX_POWERED_ON },
};

static void	 hostd_mo_virtualmachine_free(void *);
static void	 hostd_mo_virtualmachine_folder_free(void *);
static struct hostd_mo_virtualmachine_folder *hostd_mo_virtualmachine_folder(
		    struct hostd_inventory *);
static int	 hostd_mo_virtualmachine_reconf_end(void *,
		    struct hostd_fault **, struct hostd_val **);
static void	 hostd_mo_virtualmachine_reconf_free(void *);
static const char *const *hostd_mo_virtualmachine_guest(
		    const struct hostd_mo_virtualmachine *);
static char	*hostd_mo_virtualmachine_uuid(const char *, const char *,
		    uint64_t);
static void	 hostd_mo_virtualmachine_dspath(struct hostd_inventory *,
		    struct hostd_mo_virtualmachine *);
static struct hostd_mo *hostd_mo_virtualmachine_add(
		    struct hostd_inventory *, struct hostd_vmxlink *,
		    const char *, const char *);
static struct hostd_mo_virtualmachine *hostd_mo_virtualmachine_vm(
		    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_name(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_config(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_runtime(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_summary(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_guest(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_datastore(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_network(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_pool(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_heartbeat(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_rootsnapshot(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_runtime(
			    const struct hostd_mo_virtualmachine *);
static struct hostd_val	*hostd_mo_virtualmachine_powerstate(
			    const struct hostd_mo_virtualmachine *);
static int	 hostd_mo_virtualmachine_sub_runtime(
		    const struct hostd_inventory_ctx *, const char *,
		    struct hostd_val **);
static int	 hostd_mo_virtualmachine_sub_summary(
		    const struct hostd_inventory_ctx *, const char *,
		    struct hostd_val **);
static int	 hostd_mo_virtualmachine_power(struct hostd_soap_req *);
static int	 hostd_mo_virtualmachine_discard(
		    struct hostd_mo_virtualmachine *, char **);
static void	 hostd_mo_virtualmachine_xml_text(struct evbuffer *,
		    const char *);
static struct hostd_val *hostd_mo_virtualmachine_devices(
		    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_layout(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_layoutex(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_virtualmachine_get_storage(
			    const struct hostd_inventory_ctx *);
static void	 hostd_mo_virtualmachine_usage(
		    const struct hostd_inventory_ctx *, int64_t *, int64_t *);
static size_t	 hostd_mo_virtualmachine_files(
		    const struct hostd_inventory_ctx *,
		    struct hostd_mo_virtualmachine_file **);
static void	 hostd_mo_virtualmachine_files_free(
		    struct hostd_mo_virtualmachine_file *, size_t);
static struct hostd_mo *hostd_mo_virtualmachine_req_vm(
		    struct hostd_soap_req *, struct hostd_mo_virtualmachine **);
static struct hostd_fault *hostd_mo_virtualmachine_powerfault(
		    const struct hostd_mo_virtualmachine *, int);
static int	 hostd_mo_virtualmachine_reconfig(struct hostd_soap_req *);
static int	 hostd_mo_virtualmachine_rename(struct hostd_soap_req *);
static int	 hostd_mo_virtualmachine_unregister(struct hostd_soap_req *);
static int	 hostd_mo_virtualmachine_destroy(struct hostd_soap_req *);
static int	 hostd_mo_virtualmachine_rmtree(int, const char *, int);
static void	 hostd_mo_virtualmachine_file_add(
		    struct hostd_mo_virtualmachine_file **, size_t *,
		    const char *, const char *, int32_t, int64_t);
static void	 hostd_mo_virtualmachine_changed(struct hostd_inventory *,
		    struct hostd_mo *);

const struct hostd_inventory_prop hostd_mo_virtualmachine_props[] = {
	{ "name", hostd_mo_virtualmachine_get_name, "System.View" },
	{ "capability", NULL, "System.Read" },
	{ "config", hostd_mo_virtualmachine_get_config, "System.Read" },
	{ "layout", hostd_mo_virtualmachine_get_layout, "System.Read" },
	{ "layoutEx", hostd_mo_virtualmachine_get_layoutex, "System.Read" },
	{ "storage", hostd_mo_virtualmachine_get_storage, "System.Read" },
	{ "environmentBrowser", NULL, "System.Read" },
	{ "resourcePool", hostd_mo_virtualmachine_get_pool, "System.Read" },
	{ "parentVApp", NULL, "System.Read" },
	{ "resourceConfig", NULL, "System.Read" },
	{ "runtime", hostd_mo_virtualmachine_get_runtime, "System.Read",
	  hostd_mo_virtualmachine_sub_runtime },
	{ "guest", hostd_mo_virtualmachine_get_guest, "System.Read" },
	{ "summary", hostd_mo_virtualmachine_get_summary, "System.Read",
	  hostd_mo_virtualmachine_sub_summary },
	{ "datastore", hostd_mo_virtualmachine_get_datastore,
	  "System.Read" },
	{ "network", hostd_mo_virtualmachine_get_network, "System.Read" },
	{ "snapshot", hostd_mo_virtualmachinesnapshot_vm_info, "System.Read" },
	{ "rootSnapshot", hostd_mo_virtualmachine_get_rootsnapshot,
	  "System.Read" },
	{ "guestHeartbeatStatus", hostd_mo_virtualmachine_get_heartbeat,
	  "System.Read" },
	{ NULL, NULL, NULL }
};

static const struct hostd_soap_param hostd_mo_virtualmachine_poweron[] = {
	{ "host", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_virtualmachine_spec[] = {
	{ "spec", "VirtualMachineConfigSpec", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_virtualmachine_newname[] = {
	{ "newName", "string", 0 },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_virtualmachine_methods[] = {
	{ "PowerOnVM_Task", "VirtualMachine",
	  "VirtualMachine.Interact.PowerOn", 0, hostd_mo_virtualmachine_power,
	  hostd_mo_virtualmachine_poweron },
	{ "PowerOffVM_Task", "VirtualMachine",
	  "VirtualMachine.Interact.PowerOff", 0,
	  hostd_mo_virtualmachine_power, NULL },
	{ "ResetVM_Task", "VirtualMachine", "VirtualMachine.Interact.Reset",
	  0, hostd_mo_virtualmachine_power, NULL },
	{ "SuspendVM_Task", "VirtualMachine",
	  "VirtualMachine.Interact.Suspend", 0,
	  hostd_mo_virtualmachine_power, NULL },
	{ "ShutdownGuest", "VirtualMachine",
	  "VirtualMachine.Interact.PowerOff", 0,
	  hostd_mo_virtualmachine_power, NULL },
	{ "RebootGuest", "VirtualMachine", "VirtualMachine.Interact.Reset",
	  0, hostd_mo_virtualmachine_power, NULL },
	/* Per-field privileges are checked by the handler (ESX's split). */
	{ "ReconfigVM_Task", "VirtualMachine", "System.Read", 0,
	  hostd_mo_virtualmachine_reconfig, hostd_mo_virtualmachine_spec },
	{ "Rename_Task", "VirtualMachine", "VirtualMachine.Config.Rename", 0,
	  hostd_mo_virtualmachine_rename, hostd_mo_virtualmachine_newname },
	{ "UnregisterVM", "VirtualMachine",
	  "VirtualMachine.Inventory.Unregister", 0,
	  hostd_mo_virtualmachine_unregister, NULL },
	{ "Destroy_Task", "VirtualMachine", "VirtualMachine.Inventory.Delete",
	  0, hostd_mo_virtualmachine_destroy, NULL },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

static void
hostd_mo_virtualmachine_folder_free(void *arg)
{
	struct hostd_mo_virtualmachine_folder	*vf = arg;
	struct hostd_mo_virtualmachine_hold	*vh;

	if (vf == NULL)
		return;
	while ((vh = vf->vf_holds) != NULL) {
		vf->vf_holds = vh->vh_next;
		free(vh->vh_name);
		free(vh->vh_path);
		free(vh->vh_task);
		free(vh);
	}
	free(vf);
}

static void
hostd_mo_virtualmachine_free(void *arg)
{
	struct hostd_mo_virtualmachine	*vm = arg;

	if (vm == NULL)
		return;
	free(vm->vm_id);
	free(vm->vm_path);
	free(vm->vm_dspath);
	free(vm->vm_dsid);
	free(vm->vm_name);
	free(vm->vm_guestos);
	free(vm->vm_hwversion);
	free(vm->vm_uuid);
	free(vm->vm_instuuid);
	cfg_free(vm->vm_cfg);
	hostd_val_free(vm->vm_devices);
	free(vm);
}

const char *
hostd_mo_virtualmachine_power_name(int power)
{
	switch (power) {
	case PROTO_VMX_POWERED_ON:
		return ("poweredOn");
	case PROTO_VMX_SUSPENDED:
		return ("suspended");
	default:
		return ("poweredOff");
	}
}

static const char *const *
hostd_mo_virtualmachine_guest(const struct hostd_mo_virtualmachine *vm)
{
	size_t	i, n;

	n = sizeof hostd_mo_virtualmachine_guests /
	    sizeof hostd_mo_virtualmachine_guests[0];
	for (i = 0; vm->vm_guestos != NULL && i < n; i++) {
		if (strcasecmp(hostd_mo_virtualmachine_guests[i][0],
		    vm->vm_guestos) == 0)
			return (hostd_mo_virtualmachine_guests[i]);
	}
	return (hostd_mo_virtualmachine_guests[1]);	/* other-64 */
}

/*
 * A UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" from the 32 hex digits
 * of text (VMware writes "56 4d ... ab-cd ..."), or derived from path and
 * seed when text is missing or malformed, so it is stable.
 */
static char *
hostd_mo_virtualmachine_uuid(const char *text, const char *path,
    uint64_t seed)
{
	char		 hex[33], *out;
	size_t		 n = 0;
	uint64_t	 h[2];
	const char	*p;
	int		 i;

	for (p = text; p != NULL && *p != '\0' && n <= 32; p++) {
		if (isxdigit((unsigned char)*p))
			hex[n++] = (char)tolower((unsigned char)*p);
		else if (*p != ' ' && *p != '-')
			break;
	}
	if (p == NULL || *p != '\0' || n != 32) {
		for (i = 0; i < 2; i++) {
			h[i] = 0xcbf29ce484222325ULL ^ (seed + (uint64_t)i);
			for (p = path; *p != '\0'; p++) {
				h[i] ^= (unsigned char)*p;
				h[i] *= 0x100000001b3ULL;
			}
		}
		snprintf(hex, sizeof hex, "%016llx%016llx",
		    (unsigned long long)h[0], (unsigned long long)h[1]);
	}
	hex[32] = '\0';
	xasprintf(&out, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
	    hex + 16, hex + 20);
	return (out);
}

/* "[ds] dir/x.vmx" when the .vmx lives on the host's datastore. */
static void
hostd_mo_virtualmachine_dspath(struct hostd_inventory *inv,
    struct hostd_mo_virtualmachine *vm)
{
	struct hostd_mo			*mo;
	const struct hostd_mo_datastore	*ds;
	size_t				 len;

	free(vm->vm_dspath);
	vm->vm_dspath = NULL;
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "Datastore") != 0 ||
		    (ds = mo->mo_data) == NULL)
			continue;
		len = strlen(ds->ds_path);
		while (len > 1 && ds->ds_path[len - 1] == '/')
			len--;
		if (strncmp(vm->vm_path, ds->ds_path, len) != 0 ||
		    vm->vm_path[len] != '/')
			continue;
		xasprintf(&vm->vm_dspath, "[%s] %s", ds->ds_name,
		    vm->vm_path + len + 1);
		free(vm->vm_dsid);
		vm->vm_dsid = xstrdup(mo->mo_id);
		return;
	}
	vm->vm_dspath = xstrdup(vm->vm_path);
}

int
hostd_mo_virtualmachine_reload(struct hostd_mo_virtualmachine *vm,
    char **cause)
{
	struct cfg	*cfg;
	const char	*v, *key;
	char		*msg = NULL, *end;
	long long	 n;
	size_t		 i;

	if ((cfg = cfg_load(vm->vm_path, &msg)) == NULL) {
		*cause = msg;
		return (-1);
	}
	free(vm->vm_name);
	v = cfg_get(cfg, "displayName");
	if (v == NULL || *v == '\0') {
		/* ESX falls back on the file's name. */
		v = strrchr(vm->vm_path, '/') != NULL ?
		    strrchr(vm->vm_path, '/') + 1 : vm->vm_path;
	}
	vm->vm_name = xstrndup(v, strlen(v) > 80 ? 80 : strlen(v));
	if ((end = strrchr(vm->vm_name, '.')) != NULL &&
	    strcmp(end, ".vmx") == 0 && cfg_get(cfg, "displayName") == NULL)
		*end = '\0';
	free(vm->vm_guestos);
	v = cfg_get(cfg, "guestOS");
	vm->vm_guestos = xstrdup(v != NULL ? v : "other-64");
	free(vm->vm_hwversion);
	v = cfg_get(cfg, "virtualHW.version");
	n = v != NULL ? strtoll(v, &end, 10) : 0;
	if (v == NULL || *v == '\0' || *end != '\0' || n < 4 || n > 99)
		n = 14;
	xasprintf(&vm->vm_hwversion, "vmx-%02lld", n);
	if (cfg_get_int(cfg, "memsize", 1, 16 * 1024 * 1024, 256, &n,
	    &msg) != 0) {
		log_warnx("%s: %s", vm->vm_path, msg);
		free(msg);
		n = 256;
	}
	vm->vm_memmb = (int32_t)n;
	if (cfg_get_int(cfg, "numvcpus", 1, 4096, 1, &n, &msg) != 0) {
		log_warnx("%s: %s", vm->vm_path, msg);
		free(msg);
		n = 1;
	}
	vm->vm_ncpus = (int32_t)n;
	free(vm->vm_uuid);
	vm->vm_uuid = hostd_mo_virtualmachine_uuid(cfg_get(cfg, "uuid.bios"),
	    vm->vm_path, 1);
	free(vm->vm_instuuid);
	vm->vm_instuuid = hostd_mo_virtualmachine_uuid(cfg_get(cfg,
	    "vc.uuid"), vm->vm_path, 3);
	vm->vm_nnics = vm->vm_ndisks = 0;
	for (i = 0; i < cfg_count(cfg); i++) {
		key = cfg_key(cfg, i);
		v = cfg_value(cfg, i);
		if (strncasecmp(key, "ethernet", 8) == 0 &&
		    (end = strchr(key, '.')) != NULL &&
		    strcasecmp(end, ".present") == 0 &&
		    strcasecmp(v, "TRUE") == 0)
			vm->vm_nnics++;
		if ((strncasecmp(key, "scsi", 4) == 0 ||
		    strncasecmp(key, "sata", 4) == 0 ||
		    strncasecmp(key, "nvme", 4) == 0) &&
		    strchr(key, ':') != NULL &&
		    (end = strchr(key, '.')) != NULL &&
		    strcasecmp(end, ".fileName") == 0)
			vm->vm_ndisks++;
	}
	clock_gettime(CLOCK_REALTIME, &vm->vm_modified);
	cfg_free(vm->vm_cfg);
	vm->vm_cfg = cfg;
	/* Rebuilt on the next read, which has the inventory at hand. */
	hostd_val_free(vm->vm_devices);
	vm->vm_devices = NULL;
	return (0);
}

char *
hostd_mo_virtualmachine_vmss(const struct hostd_mo_virtualmachine *vm)
{
	struct cfg	*cfg;
	struct stat	 sb;
	const char	*v, *slash;
	char		*path = NULL, *msg = NULL;
	size_t		 dirlen;

	slash = strrchr(vm->vm_path, '/');
	dirlen = slash != NULL ? (size_t)(slash - vm->vm_path) : 0;
	if ((cfg = cfg_load(vm->vm_path, &msg)) == NULL) {
		free(msg);
		return (NULL);
	}
	/* What vmx looks at: checkpoint.vmState, else <name>.vmss. */
	v = cfg_get(cfg, "checkpoint.vmState");
	if (v != NULL && *v != '\0') {
		if (*v == '/')
			path = xstrdup(v);
		else
			xasprintf(&path, "%.*s/%s", (int)dirlen, vm->vm_path,
			    v);
	} else if (strlen(vm->vm_path) > 4 && strcmp(vm->vm_path +
	    strlen(vm->vm_path) - 4, ".vmx") == 0)
		xasprintf(&path, "%.*s.vmss", (int)(strlen(vm->vm_path) - 4),
		    vm->vm_path);
	cfg_free(cfg);
	if (path != NULL && (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		free(path);
		path = NULL;
	}
	return (path);
}

/* PowerOff of a suspended VM: forget its saved state. */
static int
hostd_mo_virtualmachine_discard(struct hostd_mo_virtualmachine *vm,
    char **cause)
{
	struct cfg	*cfg;
	char		*vmss;

	if ((vmss = hostd_mo_virtualmachine_vmss(vm)) != NULL) {
		if (unlink(vmss) != 0 && errno != ENOENT) {
			xasprintf(cause, "%s: %s", vmss, strerror(errno));
			free(vmss);
			return (-1);
		}
		free(vmss);
	}
	if ((cfg = cfg_load(vm->vm_path, cause)) == NULL)
		return (-1);
	if (cfg_get(cfg, "checkpoint.vmState") != NULL) {
		cfg_set(cfg, "checkpoint.vmState", "");
		if (cfg_save(cfg, vm->vm_path, cause) != 0) {
			cfg_free(cfg);
			return (-1);
		}
	}
	cfg_free(cfg);
	return (0);
}

/* Register VM id for .vmx path; NULL (logged) if it cannot be read. */
static struct hostd_mo *
hostd_mo_virtualmachine_add(struct hostd_inventory *inv,
    struct hostd_vmxlink *vl, const char *id, const char *path)
{
	struct hostd_mo_virtualmachine	*vm;
	struct hostd_mo_virtualmachine_folder *vf;
	struct hostd_mo			*folder, *mo;
	char				*cause = NULL, *vmss;

	vm = xcalloc(1, sizeof *vm);
	vm->vm_id = xstrdup(id);
	vm->vm_path = xstrdup(path);
	vm->vm_vl = vl;
	vm->vm_power = PROTO_VMX_POWERED_OFF;
	if (hostd_mo_virtualmachine_reload(vm, &cause) != 0) {
		log_warnx("inventory: VM %s: %s", id, cause);
		free(cause);
		hostd_mo_virtualmachine_free(vm);
		return (NULL);
	}
	hostd_mo_virtualmachine_dspath(inv, vm);
	if ((vmss = hostd_mo_virtualmachine_vmss(vm)) != NULL) {
		vm->vm_power = PROTO_VMX_SUSPENDED;
		free(vmss);
	}
	folder = hostd_inventory_find(inv, "Folder", HOSTD_MO_VMFOLDER, NULL);
	mo = hostd_inventory_register(inv, "VirtualMachine", id, folder, NULL,
	    vm, hostd_mo_virtualmachine_free);
	if (mo == NULL) {
		log_warnx("inventory: VM %s: %s", id, errno == EEXIST ?
		    "the id is taken" : strerror(errno));
		hostd_mo_virtualmachine_free(vm);
		return (NULL);
	}
	if (folder != NULL && (vf = folder->mo_data) != NULL &&
	    strtol(id, NULL, 10) >=
	    vf->vf_next)
		vf->vf_next = strtol(id, NULL, 10) + 1;
	log_info("inventory: VM %s \"%s\" (%s), %s", id, vm->vm_name,
	    vm->vm_dspath, hostd_mo_virtualmachine_power_name(vm->vm_power));
	hostd_inventory_changed(inv, folder, "childEntity");
	hostd_mo_virtualmachinesnapshot_sync(inv, mo);
	return (mo);
}

int
hostd_mo_virtualmachine_load(struct hostd_inventory *inv,
    struct hostd_vmxlink *vl, char **cause)
{
	struct xml_limits	 lim = { 16 * 1024 * 1024, 8, 0 };
	const char		*root = hostd_inventory_rootdir(inv);
	xmlDocPtr		 doc;
	xmlNodePtr		 top, e, n;
	struct hostd_mo		*folder;
	struct hostd_mo_virtualmachine_folder *vf;
	char			*file, *msg = NULL, *id, *path;
	char			*abs;
	size_t			 count = 0;

	folder = hostd_inventory_find(inv, "Folder", HOSTD_MO_VMFOLDER, NULL);
	if (folder != NULL && folder->mo_data == NULL) {
		vf = xcalloc(1, sizeof *vf);
		vf->vf_vl = vl;
		vf->vf_next = 1;
		folder->mo_data = vf;
		folder->mo_data_free = hostd_mo_virtualmachine_folder_free;
	}
	xasprintf(&file, "%s/" HOSTD_MO_VIRTUALMACHINE_INVENTORY,
	    strcmp(root, "/") == 0 ? "" : root);
	if ((doc = xml_parse_file(file, &lim, &msg)) == NULL) {
		free(file);
		if (errno == ENOENT) {
			free(msg);
			return (0);
		}
		*cause = msg;
		return (-1);
	}
	top = xmlDocGetRootElement(doc);
	if (top == NULL || strcmp((const char *)top->name, "ConfigRoot") != 0) {
		xasprintf(cause, "%s: the root element is not ConfigRoot",
		    file);
		xmlFreeDoc(doc);
		free(file);
		return (-1);
	}
	for (e = xml_child(top, "", "ConfigEntry"); e != NULL &&
	    count < HOSTD_MO_VIRTUALMACHINE_MAX;
	    e = xml_next(e, "", "ConfigEntry"), count++) {
		n = xml_child(e, "", "objID");
		id = n != NULL ? xml_text(n) : NULL;
		n = xml_child(e, "", "vmxCfgPath");
		path = n != NULL ? xml_text(n) : NULL;
		if (id == NULL || path == NULL || *id == '\0' ||
		    strlen(id) > 9 || strspn(id, "0123456789") != strlen(id) ||
		    *path == '\0' || strlen(path) > PATH_MAX / 2 ||
		    !hostd_ds_path_ok(path)) {
			log_warnx("%s: entry %zu: bad objID or vmxCfgPath, "
			    "skipped", file, count + 1);
		} else {
			if (*path == '/')
				abs = xstrdup(path);
			else
				xasprintf(&abs, "%s/%s", strcmp(root, "/") ==
				    0 ? "" : root, path);
			hostd_mo_virtualmachine_add(inv, vl, id, abs);
			free(abs);
		}
		free(id);
		free(path);
	}
	xmlFreeDoc(doc);
	free(file);
	return (0);
}

static void
hostd_mo_virtualmachine_xml_text(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			evbuffer_add_printf(b, "&amp;");
			break;
		case '<':
			evbuffer_add_printf(b, "&lt;");
			break;
		case '>':
			evbuffer_add_printf(b, "&gt;");
			break;
		default:
			evbuffer_add(b, s, 1);
			break;
		}
	}
}

int
hostd_mo_virtualmachine_save(struct hostd_inventory *inv, char **cause)
{
	const char			*root = hostd_inventory_rootdir(inv);
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	struct evbuffer			*b;
	char				*file;
	int				 rc, n = 0;

	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ConfigRoot>\n");
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "VirtualMachine") != 0 ||
		    (vm = mo->mo_data) == NULL)
			continue;
		evbuffer_add_printf(b, "  <ConfigEntry id=\"%04d\">\n"
		    "    <objID>%s</objID>\n    <vmxCfgPath>", n++, vm->vm_id);
		hostd_mo_virtualmachine_xml_text(b, vm->vm_path);
		evbuffer_add_printf(b, "</vmxCfgPath>\n  </ConfigEntry>\n");
	}
	evbuffer_add_printf(b, "</ConfigRoot>\n");
	xasprintf(&file, "%s/" HOSTD_MO_VIRTUALMACHINE_INVENTORY,
	    strcmp(root, "/") == 0 ? "" : root);
	rc = atomicfile_write(file, evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), 0644, cause);
	free(file);
	evbuffer_free(b);
	return (rc);
}

void
hostd_mo_virtualmachine_set_power(struct hostd_inventory *inv,
    struct hostd_mo *mo, int power, time_t boottime)
{
	struct hostd_mo_virtualmachine	*vm = mo->mo_data;

	if (power == PROTO_VMX_POWERED_ON)
		vm->vm_boottime = boottime != 0 ? boottime : time(NULL);
	else
		vm->vm_boottime = 0;
	if (power == PROTO_VMX_SUSPENDED && vm->vm_power != power)
		vm->vm_suspendtime = time(NULL);
	else if (power != PROTO_VMX_SUSPENDED)
		vm->vm_suspendtime = 0;
	if (vm->vm_power != power)
		log_info("VM %s \"%s\": %s", vm->vm_id, vm->vm_name,
		    hostd_mo_virtualmachine_power_name(power));
	vm->vm_power = power;
	hostd_inventory_changed(inv, mo, "runtime");
	hostd_inventory_changed(inv, mo, "summary");
	hostd_inventory_changed(inv, mo, "guest");
}

/* ---- properties ------------------------------------------------------ */

static struct hostd_mo_virtualmachine *
hostd_mo_virtualmachine_vm(const struct hostd_inventory_ctx *c)
{
	return (c->ic_mo->mo_data);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_name(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);

	return (vm != NULL ? hostd_val_string(vm->vm_name) : NULL);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_config(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	const char *const		*g;
	struct hostd_val		*v, *files, *hw, *xc, *ov;
	const char			*key, *ann;
	char				 buf[64], *dir, *slash;
	size_t				 i, j, n;
	long long			 cores = 1;

	if (vm == NULL)
		return (NULL);
	g = hostd_mo_virtualmachine_guest(vm);
	v = hostd_val_object("VirtualMachineConfigInfo");
	hostd_val_format_datetime(&vm->vm_modified, buf, sizeof buf);
	hostd_val_add_str(v, "changeVersion", buf);
	hostd_val_add(v, "modified", hostd_val_datetime(&vm->vm_modified));
	hostd_val_add_str(v, "name", vm->vm_name);
	hostd_val_add_str(v, "guestFullName", g[2]);
	hostd_val_add_str(v, "version", vm->vm_hwversion);
	hostd_val_add_str(v, "uuid", vm->vm_uuid);
	hostd_val_add_str(v, "instanceUuid", vm->vm_instuuid);
	hostd_val_add_bool(v, "template", 0);
	hostd_val_add_str(v, "guestId", g[1]);
	hostd_val_add_str(v, "alternateGuestName", "");
	ann = vm->vm_cfg != NULL ? cfg_get(vm->vm_cfg, "annotation") : NULL;
	if (ann != NULL)
		hostd_val_add_str(v, "annotation", ann);
	files = hostd_val_object("VirtualMachineFileInfo");
	hostd_val_add_str(files, "vmPathName", vm->vm_dspath);
	dir = xstrdup(vm->vm_dspath);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	hostd_val_add_str(files, "snapshotDirectory", dir);
	hostd_val_add_str(files, "suspendDirectory", dir);
	hostd_val_add_str(files, "logDirectory", dir);
	free(dir);
	hostd_val_add(v, "files", files);
	hostd_val_add(v, "flags", hostd_val_object("VirtualMachineFlagInfo"));
	hostd_val_add(v, "defaultPowerOps",
	    hostd_val_object("VirtualMachineDefaultPowerOpInfo"));
	hw = hostd_val_object("VirtualHardware");
	hostd_val_add_int(hw, "numCPU", vm->vm_ncpus);
	if (vm->vm_cfg != NULL && cfg_get_int(vm->vm_cfg,
	    "cpuid.coresPerSocket", 1, 64, 1, &cores, NULL) != 0)
		cores = 1;
	hostd_val_add_int(hw, "numCoresPerSocket", (int32_t)cores);
	hostd_val_add_int(hw, "memoryMB", vm->vm_memmb);
	hostd_val_add(hw, "device", hostd_mo_virtualmachine_devices(c));
	hostd_val_add(v, "hardware", hw);
	/* Every .vmx key no other field shows, as ESX's extraConfig. */
	xc = hostd_val_array("OptionValue");
	n = vm->vm_cfg != NULL ? cfg_count(vm->vm_cfg) : 0;
	for (i = 0; i < n; i++) {
		key = cfg_key(vm->vm_cfg, i);
		for (j = 0; j < sizeof hostd_mo_virtualmachine_managed /
		    sizeof hostd_mo_virtualmachine_managed[0]; j++) {
			if (strncasecmp(key, hostd_mo_virtualmachine_managed[j],
			    strlen(hostd_mo_virtualmachine_managed[j])) == 0)
				break;
		}
		if (j < sizeof hostd_mo_virtualmachine_managed /
		    sizeof hostd_mo_virtualmachine_managed[0] ||
		    cfg_get(vm->vm_cfg, key) != cfg_value(vm->vm_cfg, i))
			continue;	/* shown elsewhere, or overridden */
		ov = hostd_val_object("OptionValue");
		hostd_val_add_str(ov, "key", key);
		hostd_val_add_decl(ov, "value", HOSTD_VAL_ANYTYPE,
		    hostd_val_string(cfg_value(vm->vm_cfg, i)));
		hostd_val_push(xc, ov);
	}
	hostd_val_add(v, "extraConfig", xc);
	hostd_val_add_str(v, "firmware", "bios");
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachine_runtime(const struct hostd_mo_virtualmachine *vm)
{
	struct hostd_val	*v;
	struct timespec		 ts;

	v = hostd_val_object("VirtualMachineRuntimeInfo");
	hostd_val_add_moref(v, "host", "HostSystem", HOSTD_MO_HOST);
	hostd_val_add(v, "connectionState",
	    hostd_val_enum("VirtualMachineConnectionState", "connected"));
	hostd_val_add(v, "powerState", hostd_mo_virtualmachine_powerstate(vm));
	hostd_val_add_bool(v, "toolsInstallerMounted", 0);
	if (vm->vm_power == PROTO_VMX_SUSPENDED && vm->vm_suspendtime != 0) {
		ts.tv_sec = vm->vm_suspendtime;
		ts.tv_nsec = 0;
		hostd_val_add(v, "suspendTime", hostd_val_datetime(&ts));
	}
	if (vm->vm_power == PROTO_VMX_POWERED_ON && vm->vm_boottime != 0) {
		ts.tv_sec = vm->vm_boottime;
		ts.tv_nsec = 0;
		hostd_val_add(v, "bootTime", hostd_val_datetime(&ts));
	}
	hostd_val_add_int(v, "maxMemoryUsage", vm->vm_memmb);
	hostd_val_add_int(v, "numMksConnections", 0);
	hostd_val_add_bool(v, "consolidationNeeded", 0);
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachine_powerstate(const struct hostd_mo_virtualmachine *vm)
{
	return (hostd_val_enum("VirtualMachinePowerState",
	    hostd_mo_virtualmachine_power_name(vm->vm_power)));
}

static struct hostd_val *
hostd_mo_virtualmachine_get_runtime(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);

	return (vm != NULL ? hostd_mo_virtualmachine_runtime(vm) : NULL);
}

/* runtime.powerState, polled over every VM by inventory clients. */
static int
hostd_mo_virtualmachine_sub_runtime(const struct hostd_inventory_ctx *c,
    const char *sub, struct hostd_val **out)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);

	if (strcmp(sub, "powerState") != 0)
		return (0);
	*out = vm != NULL ? hostd_mo_virtualmachine_powerstate(vm) : NULL;
	return (1);
}

/* summary.runtime.powerState likewise. */
static int
hostd_mo_virtualmachine_sub_summary(const struct hostd_inventory_ctx *c,
    const char *sub, struct hostd_val **out)
{
	if (strncmp(sub, "runtime.", 8) != 0)
		return (0);
	return (hostd_mo_virtualmachine_sub_runtime(c, sub + 8, out));
}

static struct hostd_val *
hostd_mo_virtualmachine_get_summary(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	const char *const		*g;
	struct hostd_val		*v, *gs, *cs, *st;
	struct timespec			 ts;
	int64_t				 committed, uncommitted;

	if (vm == NULL)
		return (NULL);
	g = hostd_mo_virtualmachine_guest(vm);
	v = hostd_val_object("VirtualMachineSummary");
	hostd_val_add_moref(v, "vm", "VirtualMachine", vm->vm_id);
	hostd_val_add(v, "runtime", hostd_mo_virtualmachine_runtime(vm));
	gs = hostd_val_object("VirtualMachineGuestSummary");
	hostd_val_add_str(gs, "guestId", g[1]);
	hostd_val_add_str(gs, "guestFullName", g[2]);
	hostd_val_add(gs, "toolsStatus",
	    hostd_val_enum("VirtualMachineToolsStatus", "toolsNotInstalled"));
	hostd_val_add_str(gs, "toolsRunningStatus", "guestToolsNotRunning");
	hostd_val_add(v, "guest", gs);
	cs = hostd_val_object("VirtualMachineConfigSummary");
	hostd_val_add_str(cs, "name", vm->vm_name);
	hostd_val_add_bool(cs, "template", 0);
	hostd_val_add_str(cs, "vmPathName", vm->vm_dspath);
	hostd_val_add_int(cs, "memorySizeMB", vm->vm_memmb);
	hostd_val_add_int(cs, "numCpu", vm->vm_ncpus);
	hostd_val_add_int(cs, "numEthernetCards", vm->vm_nnics);
	hostd_val_add_int(cs, "numVirtualDisks", vm->vm_ndisks);
	hostd_val_add_str(cs, "uuid", vm->vm_uuid);
	hostd_val_add_str(cs, "instanceUuid", vm->vm_instuuid);
	hostd_val_add_str(cs, "guestId", g[1]);
	hostd_val_add_str(cs, "guestFullName", g[2]);
	if (vm->vm_cfg != NULL && cfg_get(vm->vm_cfg, "annotation") != NULL)
		hostd_val_add_str(cs, "annotation", cfg_get(vm->vm_cfg,
		    "annotation"));
	hostd_val_add(v, "config", cs);
	st = hostd_val_object("VirtualMachineStorageSummary");
	hostd_mo_virtualmachine_usage(c, &committed, &uncommitted);
	hostd_val_add_long(st, "committed", committed);
	hostd_val_add_long(st, "uncommitted", uncommitted);
	hostd_val_add_long(st, "unshared", committed);
	clock_gettime(CLOCK_REALTIME, &ts);
	hostd_val_add(st, "timestamp", hostd_val_datetime(&ts));
	hostd_val_add(v, "storage", st);
	hostd_val_add(v, "quickStats", hostd_vmstats_quick(c, vm));
	hostd_val_add(v, "overallStatus",
	    hostd_val_enum("ManagedEntityStatus", "green"));
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_guest(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	const char *const		*g;
	struct hostd_val		*v;

	if (vm == NULL)
		return (NULL);
	g = hostd_mo_virtualmachine_guest(vm);
	v = hostd_val_object("GuestInfo");
	hostd_val_add(v, "toolsStatus",
	    hostd_val_enum("VirtualMachineToolsStatus", "toolsNotInstalled"));
	hostd_val_add_str(v, "toolsRunningStatus", "guestToolsNotRunning");
	hostd_val_add_str(v, "toolsVersion", "0");
	hostd_val_add_str(v, "guestId", g[1]);
	hostd_val_add_str(v, "guestFamily", g[3]);
	hostd_val_add_str(v, "guestFullName", g[2]);
	hostd_val_add(v, "net", hostd_val_array("GuestNicInfo"));
	hostd_val_add_str(v, "guestState", vm->vm_power ==
	    PROTO_VMX_POWERED_ON ? "running" : "notRunning");
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_datastore(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	struct hostd_val		*arr;

	arr = hostd_val_array("ManagedObjectReference");
	if (vm != NULL && vm->vm_dsid != NULL)
		hostd_val_push(arr, hostd_val_moref("Datastore",
		    vm->vm_dsid));
	return (arr);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_network(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	struct hostd_val		*arr;
	const char			*v;
	char				 key[48], id[160];
	size_t				 i, j;

	arr = hostd_val_array("ManagedObjectReference");
	for (i = 0; vm != NULL && vm->vm_cfg != NULL && i < 10; i++) {
		snprintf(key, sizeof key, "ethernet%zu.present", i);
		if (!cfg_get_bool(vm->vm_cfg, key, 0))
			continue;
		snprintf(key, sizeof key, "ethernet%zu.networkName", i);
		if ((v = cfg_get(vm->vm_cfg, key)) == NULL)
			continue;
		snprintf(id, sizeof id, "HaNetwork-%s", v);
		if (hostd_inventory_find(c->ic_inv, "Network", id,
		    NULL) == NULL)
			continue;
		/* Each network once, though several NICs use it. */
		for (j = 0; j < arr->v_nitems; j++) {
			if (strcmp(arr->v_items[j]->v_str, id) == 0)
				break;
		}
		if (j == arr->v_nitems)
			hostd_val_push(arr, hostd_val_moref("Network", id));
	}
	return (arr);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_rootsnapshot(const struct hostd_inventory_ctx *c)
{
	return (hostd_mo_virtualmachinesnapshot_vm_roots(c));
}

static struct hostd_val *
hostd_mo_virtualmachine_get_pool(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_moref("ResourcePool", HOSTD_MO_POOL));
}

static struct hostd_val *
hostd_mo_virtualmachine_get_heartbeat(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_enum("ManagedEntityStatus", "gray"));
}

/* ---- methods --------------------------------------------------------- */

/*
 * Every power method: check the state (§5.5 matrix), then hand the
 * operation to vmxlink.c.  *_Task methods answer with the task at once
 * and report state errors in it; the guest operations answer faults.
 */
static int
hostd_mo_virtualmachine_power(struct hostd_soap_req *req)
{
	const struct hostd_mo_virtualmachine_op	*op = NULL;
	struct hostd_inventory			*inv;
	struct hostd_mo				*mo;
	struct hostd_mo_virtualmachine		*vm;
	struct hostd_fault			*f = NULL;
	const char				*user, *tid = NULL;
	char					*cause = NULL, *task = NULL;
	size_t					 i;

	for (i = 0; i < sizeof hostd_mo_virtualmachine_ops /
	    sizeof hostd_mo_virtualmachine_ops[0]; i++) {
		if (strcmp(hostd_mo_virtualmachine_ops[i].vo_method,
		    req->r_method->sm_name) == 0)
			op = &hostd_mo_virtualmachine_ops[i];
	}
	inv = hostd_soap_inventory(req->r_soap);
	mo = hostd_inventory_find(inv, "VirtualMachine", req->r_this_id,
	    NULL);
	if (op == NULL || mo == NULL || (vm = mo->mo_data) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (0);
	}
	user = req->r_session != NULL ? req->r_session->s_user : NULL;

	if (((1 << vm->vm_power) & op->vo_from) == 0)
		f = hostd_mo_virtualmachine_powerfault(vm, op->vo_requested);
	else if (hostd_vmxlink_busy(vm->vm_vl, vm->vm_id) ||
	    vm->vm_snapbusy || vm->vm_diskbusy)
		f = hostd_fault_create("TaskInProgress", NULL);

	if (op->vo_descid == NULL) {
		/* ShutdownGuest, RebootGuest: no task. */
		if (f == NULL && hostd_vmxlink_power(vm->vm_vl, vm->vm_id,
		    op->vo_op, NULL, &cause) != 0) {
			f = hostd_fault_system_error(cause);
			free(cause);
		}
		if (f == NULL && op->vo_op == HOSTD_VMXLINK_SHUTDOWN)
			hostd_event_post(req->r_soap, "VmGuestShutdownEvent",
			    mo, user, "Guest OS shut down for %s on %s",
			    vm->vm_name, "ha-host");
		req->r_fault = f;
		return (0);
	}

	tid = hostd_task_create(inv, op->vo_method, op->vo_descid, mo, user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	if (f != NULL) {
		hostd_task_fail(inv, task, f);
		free(task);
		return (0);
	}
	hostd_task_start(inv, task);
	if (op->vo_op == HOSTD_VMXLINK_OFF &&
	    vm->vm_power == PROTO_VMX_SUSPENDED) {
		/* Nothing runs: drop the saved state. */
		if (hostd_mo_virtualmachine_discard(vm, &cause) != 0) {
			hostd_task_fail(inv, task,
			    hostd_fault_system_error(cause));
			free(cause);
		} else {
			hostd_mo_virtualmachine_set_power(inv, mo,
			    PROTO_VMX_POWERED_OFF, 0);
			hostd_event_post(req->r_soap, "VmPoweredOffEvent", mo,
			    user, "%s on %s is powered off", vm->vm_name,
			    "ha-host");
			hostd_task_succeed(inv, task, NULL);
		}
		free(task);
		return (0);
	}
	if (op->vo_op == HOSTD_VMXLINK_ON &&
	    hostd_mo_virtualmachine_reload(vm, &cause) != 0) {
		hostd_task_fail(inv, task, hostd_fault_system_error(cause));
		free(cause);
		free(task);
		return (0);
	}
	if (hostd_vmxlink_power(vm->vm_vl, vm->vm_id, op->vo_op, task,
	    &cause) != 0) {
		hostd_task_fail(inv, task, hostd_fault_system_error(cause));
		free(cause);
	}
	free(task);
	return (0);
}

/* ---- provisioning ---------------------------------------------------- */

const char *
hostd_mo_virtualmachine_guest_vmx(const char *guestid)
{
	size_t	i;

	for (i = 0; i < sizeof hostd_mo_virtualmachine_guests /
	    sizeof hostd_mo_virtualmachine_guests[0]; i++) {
		if (strcmp(hostd_mo_virtualmachine_guests[i][1], guestid) == 0)
			return (hostd_mo_virtualmachine_guests[i][0]);
	}
	return (NULL);
}

struct hostd_mo *
hostd_mo_virtualmachine_by_path(struct hostd_inventory *inv,
    const char *path)
{
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;

	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "VirtualMachine") == 0 &&
		    (vm = mo->mo_data) != NULL &&
		    strcmp(vm->vm_path, path) == 0)
			return (mo);
	}
	return (NULL);
}

struct hostd_mo *
hostd_mo_virtualmachine_by_name(struct hostd_inventory *inv,
    const char *name)
{
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;

	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "VirtualMachine") == 0 &&
		    (vm = mo->mo_data) != NULL &&
		    strcmp(vm->vm_name, name) == 0)
			return (mo);
	}
	return (NULL);
}

struct hostd_mo *
hostd_mo_virtualmachine_register(struct hostd_inventory *inv,
    const char *path, char **cause)
{
	struct hostd_mo				*folder, *mo;
	struct hostd_mo_virtualmachine_folder	*vf;
	char					 id[32];

	folder = hostd_inventory_find(inv, "Folder", HOSTD_MO_VMFOLDER, NULL);
	if (folder == NULL || (vf = folder->mo_data) == NULL) {
		xasprintf(cause, "no VM folder");
		return (NULL);
	}
	snprintf(id, sizeof id, "%ld", vf->vf_next++);
	if ((mo = hostd_mo_virtualmachine_add(inv, vf->vf_vl, id,
	    path)) == NULL) {
		xasprintf(cause, "%s cannot be read (see the log)", path);
		return (NULL);
	}
	if (hostd_mo_virtualmachine_save(inv, cause) != 0) {
		hostd_inventory_unregister(inv, mo);
		return (NULL);
	}
	hostd_inventory_changed(inv, NULL, "vm");
	return (mo);
}

/* The device list, built from the .vmx on first read after a change. */
static struct hostd_val *
hostd_mo_virtualmachine_devices(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	int				 nd, nn;

	if (vm->vm_cfg == NULL)
		return (hostd_val_array("VirtualDevice"));
	if (vm->vm_devices == NULL || vm->vm_devpower != vm->vm_power) {
		hostd_val_free(vm->vm_devices);
		vm->vm_devices = hostd_vmconfig_devices(c->ic_inv, vm->vm_cfg,
		    vm->vm_path, vm->vm_power == PROTO_VMX_POWERED_ON, &nd,
		    &nn);
		vm->vm_devpower = vm->vm_power;
	}
	return (hostd_val_copy(vm->vm_devices));
}

static void
hostd_mo_virtualmachine_files_free(struct hostd_mo_virtualmachine_file *f,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(f[i].vf_path);
	free(f);
}

/* Add path (if it exists) to the list. */
static void
hostd_mo_virtualmachine_file_add(struct hostd_mo_virtualmachine_file **f,
    size_t *n, const char *path, const char *type, int32_t disk, int64_t cap)
{
	struct stat	sb;

	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return;
	*f = xreallocarray(*f, *n + 1, sizeof **f);
	(*f)[*n].vf_path = xstrdup(path);
	(*f)[*n].vf_type = type;
	(*f)[*n].vf_disk = disk;
	(*f)[*n].vf_size = sb.st_size;
	(*f)[*n].vf_used = (int64_t)sb.st_blocks * 512;
	(*f)[*n].vf_cap = cap;
	(*n)++;
}

/* The VM's files: .vmx, disks (descriptor, extents), logs, .vmss. */
static size_t
hostd_mo_virtualmachine_files(const struct hostd_inventory_ctx *c,
    struct hostd_mo_virtualmachine_file **out)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	struct hostd_val		*devs;
	const struct hostd_val		*d, *b;
	const char			*fn;
	char				*abs, **files, *dir, *slash, *p, *vmss;
	size_t				 i, j, n = 0, nfiles;
	int64_t				 key, cap;
	int				 k;

	*out = NULL;
	hostd_mo_virtualmachine_file_add(out, &n, vm->vm_path, "config", -1,
	    0);
	devs = hostd_mo_virtualmachine_devices(c);
	for (i = 0; i < devs->v_nitems; i++) {
		d = devs->v_items[i];
		if (d->v_type == NULL ||
		    strcmp(d->v_type, "VirtualDisk") != 0 ||
		    (b = hostd_val_field(d, "backing")) == NULL ||
		    (fn = hostd_val_str(hostd_val_field(b, "fileName"))) ==
		    NULL)
			continue;
		if (hostd_val_get_int(hostd_val_field(d, "key"), 0, INT32_MAX,
		    &key) != 0 || hostd_val_get_int(hostd_val_field(d,
		    "capacityInBytes"), 0, INT64_MAX, &cap) != 0)
			continue;
		abs = *fn == '[' ? hostd_dspath_resolve(c->ic_inv, fn, NULL,
		    NULL) : xstrdup(fn);
		if (abs == NULL || hostd_vmconfig_disk_files(abs, &files,
		    &nfiles) != 0) {
			free(abs);
			continue;
		}
		for (j = 0; j < nfiles; j++)
			hostd_mo_virtualmachine_file_add(out, &n, files[j],
			    j == 0 ? "diskDescriptor" : "diskExtent",
			    (int32_t)key, j == 0 ? cap : 0);
		hostd_vmconfig_free_list(files, nfiles);
		free(abs);
	}
	hostd_val_free(devs);
	dir = xstrdup(vm->vm_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	xasprintf(&p, "%s/vmware.log", dir);
	hostd_mo_virtualmachine_file_add(out, &n, p, "log", -1, 0);
	free(p);
	for (k = 1; k < 10; k++) {
		xasprintf(&p, "%s/vmware-%d.log", dir, k);
		hostd_mo_virtualmachine_file_add(out, &n, p, "log", -1, 0);
		free(p);
	}
	free(dir);
	if ((vmss = hostd_mo_virtualmachine_vmss(vm)) != NULL) {
		hostd_mo_virtualmachine_file_add(out, &n, vmss, "suspend", -1,
		    0);
		free(vmss);
	}
	return (n);
}

/* Bytes the VM's files use, and what its thin disks may still take. */
static void
hostd_mo_virtualmachine_usage(const struct hostd_inventory_ctx *c,
    int64_t *committed, int64_t *uncommitted)
{
	struct hostd_mo_virtualmachine_file	*f;
	size_t					 i, j, n;
	int64_t					 used;

	*committed = *uncommitted = 0;
	if (hostd_mo_virtualmachine_vm(c) == NULL)
		return;
	n = hostd_mo_virtualmachine_files(c, &f);
	for (i = 0; i < n; i++) {
		*committed += f[i].vf_used;
		if (f[i].vf_cap <= 0)
			continue;
		for (used = 0, j = 0; j < n; j++) {
			if (f[j].vf_disk == f[i].vf_disk)
				used += f[j].vf_used;
		}
		if (f[i].vf_cap > used)
			*uncommitted += f[i].vf_cap - used;
	}
	hostd_mo_virtualmachine_files_free(f, n);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_layoutex(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine_file	*f;
	struct hostd_val			*v, *files, *disks, *fi, *dl;
	struct hostd_val			*unit, *keys, *chain;
	struct timespec				 ts;
	char					*name;
	size_t					 i, j, n;

	if (hostd_mo_virtualmachine_vm(c) == NULL)
		return (NULL);
	n = hostd_mo_virtualmachine_files(c, &f);
	v = hostd_val_object("VirtualMachineFileLayoutEx");
	files = hostd_val_array("VirtualMachineFileLayoutExFileInfo");
	disks = hostd_val_array("VirtualMachineFileLayoutExDiskLayout");
	for (i = 0; i < n; i++) {
		fi = hostd_val_object("VirtualMachineFileLayoutExFileInfo");
		hostd_val_add_int(fi, "key", (int32_t)i);
		name = hostd_vmconfig_to_dspath(c->ic_inv, f[i].vf_path, NULL);
		hostd_val_add_str(fi, "name", name);
		free(name);
		hostd_val_add_str(fi, "type", f[i].vf_type);
		hostd_val_add_long(fi, "size", f[i].vf_size);
		hostd_val_add_long(fi, "uniqueSize", f[i].vf_used);
		hostd_val_add_bool(fi, "accessible", 1);
		hostd_val_push(files, fi);
		if (f[i].vf_cap <= 0 && strcmp(f[i].vf_type,
		    "diskDescriptor") != 0)
			continue;
		/* One disk layout per descriptor: its files in one unit. */
		dl = hostd_val_object("VirtualMachineFileLayoutExDiskLayout");
		hostd_val_add_int(dl, "key", f[i].vf_disk);
		chain = hostd_val_array("VirtualMachineFileLayoutExDiskUnit");
		unit = hostd_val_object("VirtualMachineFileLayoutExDiskUnit");
		keys = hostd_val_array("int");
		for (j = 0; j < n; j++) {
			if (f[j].vf_disk == f[i].vf_disk)
				hostd_val_push(keys, hostd_val_int((int32_t)j));
		}
		hostd_val_add(unit, "fileKey", keys);
		hostd_val_push(chain, unit);
		hostd_val_add(dl, "chain", chain);
		hostd_val_push(disks, dl);
	}
	hostd_val_add(v, "file", files);
	hostd_val_add(v, "disk", disks);
	clock_gettime(CLOCK_REALTIME, &ts);
	hostd_val_add(v, "timestamp", hostd_val_datetime(&ts));
	hostd_mo_virtualmachine_files_free(f, n);
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_layout(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine_file	*f;
	struct hostd_val			*v, *logs, *disks, *dl, *df;
	char					*name;
	size_t					 i, j, n;

	if (hostd_mo_virtualmachine_vm(c) == NULL)
		return (NULL);
	n = hostd_mo_virtualmachine_files(c, &f);
	v = hostd_val_object("VirtualMachineFileLayout");
	logs = hostd_val_array("string");
	disks = hostd_val_array("VirtualMachineFileLayoutDiskLayout");
	for (i = 0; i < n; i++) {
		if (strcmp(f[i].vf_type, "log") == 0) {
			name = hostd_vmconfig_to_dspath(c->ic_inv,
			    f[i].vf_path, NULL);
			hostd_val_push(logs, hostd_val_string(name));
			free(name);
		}
		if (strcmp(f[i].vf_type, "diskDescriptor") != 0)
			continue;
		dl = hostd_val_object("VirtualMachineFileLayoutDiskLayout");
		hostd_val_add_int(dl, "key", f[i].vf_disk);
		df = hostd_val_array("string");
		for (j = 0; j < n; j++) {
			if (f[j].vf_disk != f[i].vf_disk ||
			    strcmp(f[j].vf_type, "diskDescriptor") != 0)
				continue;
			name = hostd_vmconfig_to_dspath(c->ic_inv,
			    f[j].vf_path, NULL);
			hostd_val_push(df, hostd_val_string(name));
			free(name);
		}
		hostd_val_add(dl, "diskFile", df);
		hostd_val_push(disks, dl);
	}
	hostd_val_add(v, "configFile", hostd_val_array("string"));
	hostd_val_add(v, "logFile", logs);
	hostd_val_add(v, "disk", disks);
	hostd_mo_virtualmachine_files_free(f, n);
	return (v);
}

static struct hostd_val *
hostd_mo_virtualmachine_get_storage(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_virtualmachine	*vm = hostd_mo_virtualmachine_vm(c);
	struct hostd_val		*v, *arr, *u;
	struct timespec			 ts;
	int64_t				 committed, uncommitted;

	if (vm == NULL)
		return (NULL);
	hostd_mo_virtualmachine_usage(c, &committed, &uncommitted);
	v = hostd_val_object("VirtualMachineStorageInfo");
	arr = hostd_val_array("VirtualMachineUsageOnDatastore");
	if (vm->vm_dsid != NULL) {
		u = hostd_val_object("VirtualMachineUsageOnDatastore");
		hostd_val_add_moref(u, "datastore", "Datastore", vm->vm_dsid);
		hostd_val_add_long(u, "committed", committed);
		hostd_val_add_long(u, "uncommitted", uncommitted);
		hostd_val_add_long(u, "unshared", committed);
		hostd_val_push(arr, u);
	}
	hostd_val_add(v, "perDatastoreUsage", arr);
	clock_gettime(CLOCK_REALTIME, &ts);
	hostd_val_add(v, "timestamp", hostd_val_datetime(&ts));
	return (v);
}

/* _this of a VM method, or NULL with ManagedObjectNotFound. */
static struct hostd_mo *
hostd_mo_virtualmachine_req_vm(struct hostd_soap_req *req,
    struct hostd_mo_virtualmachine **vmp)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(hostd_soap_inventory(req->r_soap),
	    "VirtualMachine", req->r_this_id, NULL);
	if (mo == NULL || (*vmp = mo->mo_data) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (NULL);
	}
	return (mo);
}

static struct hostd_fault *
hostd_mo_virtualmachine_powerfault(const struct hostd_mo_virtualmachine *vm,
    int requested)
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

struct hostd_fault *
hostd_mo_virtualmachine_dupfault(const char *name, struct hostd_mo *mo)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("DuplicateName", "The name '%s' already "
	    "exists.", name);
	hostd_val_add_str(f->f_obj, "name", name);
	hostd_val_add_moref(f->f_obj, "object", mo->mo_type, mo->mo_id);
	return (f);
}

static struct hostd_mo_virtualmachine_folder *
hostd_mo_virtualmachine_folder(struct hostd_inventory *inv)
{
	struct hostd_mo	*folder;

	folder = hostd_inventory_find(inv, "Folder", HOSTD_MO_VMFOLDER, NULL);
	return (folder != NULL ? folder->mo_data : NULL);
}

void
hostd_mo_virtualmachine_hold(struct hostd_inventory *inv, const char *name,
    const char *path, const char *task)
{
	struct hostd_mo_virtualmachine_folder	*vf;
	struct hostd_mo_virtualmachine_hold	*vh;

	if ((vf = hostd_mo_virtualmachine_folder(inv)) == NULL)
		return;
	vh = xcalloc(1, sizeof *vh);
	vh->vh_name = xstrdup(name);
	vh->vh_path = xstrdup(path);
	vh->vh_task = xstrdup(task);
	vh->vh_next = vf->vf_holds;
	vf->vf_holds = vh;
}

void
hostd_mo_virtualmachine_unhold(struct hostd_inventory *inv, const char *path)
{
	struct hostd_mo_virtualmachine_folder	*vf;
	struct hostd_mo_virtualmachine_hold	**vhp, *vh;

	if ((vf = hostd_mo_virtualmachine_folder(inv)) == NULL)
		return;
	for (vhp = &vf->vf_holds; (vh = *vhp) != NULL; vhp = &vh->vh_next) {
		if (strcmp(vh->vh_path, path) == 0) {
			*vhp = vh->vh_next;
			free(vh->vh_name);
			free(vh->vh_path);
			free(vh->vh_task);
			free(vh);
			return;
		}
	}
}

const char *
hostd_mo_virtualmachine_held(struct hostd_inventory *inv, const char *name,
    const char *path)
{
	struct hostd_mo_virtualmachine_folder	*vf;
	struct hostd_mo_virtualmachine_hold	*vh;

	if ((vf = hostd_mo_virtualmachine_folder(inv)) == NULL)
		return (NULL);
	for (vh = vf->vf_holds; vh != NULL; vh = vh->vh_next) {
		if ((name != NULL && strcmp(vh->vh_name, name) == 0) ||
		    (path != NULL && strcmp(vh->vh_path, path) == 0))
			return (vh->vh_task);
	}
	return (NULL);
}

/* DuplicateName.object is the task that creates the VM: no VM yet. */
struct hostd_fault *
hostd_mo_virtualmachine_heldfault(const char *name, const char *task)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("DuplicateName", "The name '%s' already "
	    "exists.", name);
	hostd_val_add_str(f->f_obj, "name", name);
	hostd_val_add_moref(f->f_obj, "object", "Task", task);
	return (f);
}

/* After the .vmx changed: re-read it and tell the watchers. */
static void
hostd_mo_virtualmachine_changed(struct hostd_inventory *inv,
    struct hostd_mo *mo)
{
	static const char *const	 paths[] = {
		"name", "config", "summary", "network", "datastore",
		"layout", "layoutEx", "storage", "guest"
	};
	struct hostd_mo_virtualmachine	*vm = mo->mo_data;
	char				*cause = NULL;
	size_t				 i;

	if (hostd_mo_virtualmachine_reload(vm, &cause) != 0) {
		log_warnx("VM %s: %s", vm->vm_id, cause);
		free(cause);
	}
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		hostd_inventory_changed(inv, mo, paths[i]);
	hostd_inventory_changed(inv, mo->mo_parent, "childEntity");
}

/*
 * ReconfigVM_Task (§5.6).  Privileges per field, on the VM (and
 * Datastore.AllocateSpace on its datastore for new or grown disks), as
 * SOAP faults; state errors (InvalidPowerState: ESX without hot-add),
 * bad devices and names in the task.  New eagerZeroedThick space is
 * zeroed by a dsjob before the .vmx is saved; meanwhile the VM is busy
 * (vm_diskbusy: TaskInProgress for power, reconfigure, rename, destroy).
 */
static int
hostd_mo_virtualmachine_reconfig(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo, *other, *ds;
	struct hostd_mo_virtualmachine	*vm;
	struct hostd_mo_virtualmachine_reconf *vr;
	struct hostd_fault		*f = NULL;
	struct hostd_val		*result = NULL;
	const struct hostd_val		*spec;
	struct cfg			*cfg;
	const char			*privs[64], *user, *name, *held = NULL;
	char				*task, *cause = NULL;
	size_t				 i, n;
	int				 space;

	if ((mo = hostd_mo_virtualmachine_req_vm(req, &vm)) == NULL)
		return (0);
	inv = hostd_soap_inventory(req->r_soap);
	spec = hostd_val_field(req->r_params, "spec");
	n = hostd_vmconfig_privs(spec, privs, sizeof privs /
	    sizeof privs[0], &space);
	for (i = 0; i < n; i++) {
		if (hostd_authz_req_check(req, mo, privs[i]) != 0)
			return (0);
	}
	if (space && vm->vm_dsid != NULL && (ds = hostd_inventory_find(inv,
	    "Datastore", vm->vm_dsid, NULL)) != NULL &&
	    hostd_authz_req_check(req, ds, "Datastore.AllocateSpace") != 0)
		return (0);
	user = req->r_session != NULL ? req->r_session->s_user : NULL;
	task = xstrdup(hostd_task_create(inv, "ReconfigVM_Task",
	    "VirtualMachine.reconfigure", mo, user));
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	name = hostd_val_str(hostd_val_field(spec, "name"));
	if (hostd_vmconfig_needs_off(spec) &&
	    vm->vm_power != PROTO_VMX_POWERED_OFF)
		f = hostd_mo_virtualmachine_powerfault(vm,
		    PROTO_VMX_POWERED_OFF);
	else if (hostd_vmxlink_busy(vm->vm_vl, vm->vm_id) ||
	    vm->vm_snapbusy || vm->vm_diskbusy)
		f = hostd_fault_create("TaskInProgress", NULL);
	else if (name != NULL && (*name == '\0' || strlen(name) > 80))
		f = hostd_fault_invalid_argument("spec.name");
	else if (name != NULL && (other = hostd_mo_virtualmachine_by_name(inv,
	    name)) != NULL && other != mo)
		f = hostd_mo_virtualmachine_dupfault(name, other);
	else if (name != NULL && (held = hostd_mo_virtualmachine_held(inv,
	    name, NULL)) != NULL)
		f = hostd_mo_virtualmachine_heldfault(name, held);
	if (f != NULL) {
		hostd_task_fail(inv, task, f);
		free(task);
		return (0);
	}
	if ((cfg = cfg_load(vm->vm_path, &cause)) == NULL) {
		hostd_task_fail(inv, task, hostd_fault_system_error(cause));
		free(cause);
		free(task);
		return (0);
	}
	vr = xcalloc(1, sizeof *vr);
	vr->vr_soap = req->r_soap;
	vr->vr_inv = inv;
	vr->vr_cfg = cfg;
	vr->vr_vmid = xstrdup(vm->vm_id);
	vr->vr_user = user != NULL ? xstrdup(user) : NULL;
	/* The spec is the request's: the event's copy is made now. */
	vr->vr_echo = hostd_vmconfig_spec_echo(spec);
	if (stat(vm->vm_path, &vr->vr_sb) != 0)
		memset(&vr->vr_sb, 0, sizeof vr->vr_sb);
	if (hostd_vmconfig_apply(inv, cfg, vm->vm_path, spec, &vr->vr_chg,
	    &f) != 0) {
		hostd_mo_virtualmachine_reconf_end(vr, &f, &result);
		hostd_task_fail(inv, task, f);
		hostd_mo_virtualmachine_reconf_free(vr);
	} else if (vr->vr_chg.vc_nzero > 0) {
		vm->vm_diskbusy = vr->vr_busy = 1;
		log_info("reconfigure: VM %s: writing the zeros of its new "
		    "eagerZeroedThick space before saving the .vmx", vm->vm_id);
		hostd_vmconfig_zero_start(inv, task, &vr->vr_chg,
		    hostd_mo_virtualmachine_reconf_end,
		    hostd_mo_virtualmachine_reconf_free, vr);
	} else {
		if (hostd_mo_virtualmachine_reconf_end(vr, &f, &result) != 0)
			hostd_task_fail(inv, task, f);
		else
			hostd_task_succeed(inv, task, result);
		hostd_mo_virtualmachine_reconf_free(vr);
	}
	free(task);
	return (0);
}

/*
 * The end of a ReconfigVM_Task, on the loop: with *f NULL save the .vmx,
 * re-read it and post VmReconfiguredEvent (0); with a fault, or when
 * that fails, remove the disks made and leave the .vmx as it was (-1,
 * *f).  A .vmx written by someone else while the disks were zeroed is
 * not overwritten with the old one: the reconfiguration fails instead.
 */
static int
hostd_mo_virtualmachine_reconf_end(void *arg, struct hostd_fault **f,
    struct hostd_val **result)
{
	struct hostd_mo_virtualmachine_reconf	*vr = arg;
	struct hostd_mo				*mo;
	struct hostd_mo_virtualmachine		*vm = NULL;
	struct hostd_val			*ev;
	struct stat				 sb;
	char					*cause = NULL;

	*result = NULL;
	mo = hostd_inventory_find(vr->vr_inv, "VirtualMachine", vr->vr_vmid,
	    NULL);
	if (mo != NULL && (vm = mo->mo_data) != NULL && vr->vr_busy)
		vm->vm_diskbusy = 0;
	vr->vr_busy = 0;
	if (*f != NULL)
		goto fail;
	if (vm == NULL) {
		*f = hostd_fault_not_found_mo("VirtualMachine", vr->vr_vmid);
		goto fail;
	}
	if (stat(vm->vm_path, &sb) != 0 || sb.st_ino != vr->vr_sb.st_ino ||
	    sb.st_size != vr->vr_sb.st_size ||
	    sb.st_mtim.tv_sec != vr->vr_sb.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != vr->vr_sb.st_mtim.tv_nsec) {
		*f = hostd_fault_create("InvalidState", "%s changed "
		    "during the reconfiguration", vm->vm_dspath);
		goto fail;
	}
	if (cfg_save(vr->vr_cfg, vm->vm_path, &cause) != 0) {
		*f = hostd_fault_system_error(cause);
		free(cause);
		goto fail;
	}
	hostd_vmconfig_finish(&vr->vr_chg);
	hostd_mo_virtualmachine_changed(vr->vr_inv, mo);
	/* configSpec is required (WSDL): the spec applied. */
	ev = hostd_val_object("VmReconfiguredEvent");
	hostd_val_add_decl(ev, "configSpec", "VirtualMachineConfigSpec",
	    vr->vr_echo);
	vr->vr_echo = NULL;
	hostd_event_post_vm(vr->vr_soap, "VmReconfiguredEvent", mo, ev,
	    vr->vr_user, "Reconfigured %s on %s", vm->vm_name, "ha-host");
	return (0);

fail:
	hostd_vmconfig_rollback(&vr->vr_chg);
	return (-1);
}

static void
hostd_mo_virtualmachine_reconf_free(void *arg)
{
	struct hostd_mo_virtualmachine_reconf	*vr = arg;
	struct hostd_mo				*mo;
	struct hostd_mo_virtualmachine		*vm;

	/* Without reconf_end (a job not scheduled): undo here. */
	if (vr->vr_busy && (mo = hostd_inventory_find(vr->vr_inv,
	    "VirtualMachine", vr->vr_vmid, NULL)) != NULL &&
	    (vm = mo->mo_data) != NULL)
		vm->vm_diskbusy = 0;
	hostd_vmconfig_rollback(&vr->vr_chg);
	cfg_free(vr->vr_cfg);
	hostd_val_free(vr->vr_echo);
	free(vr->vr_vmid);
	free(vr->vr_user);
	free(vr);
}

/* Rename_Task: displayName only (the files keep their names, as ESX). */
static int
hostd_mo_virtualmachine_rename(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo, *other;
	struct hostd_mo_virtualmachine	*vm;
	struct hostd_fault		*f = NULL;
	struct cfg			*cfg;
	const char			*name, *user, *held;
	char				*task, *cause = NULL;

	if ((mo = hostd_mo_virtualmachine_req_vm(req, &vm)) == NULL)
		return (0);
	inv = hostd_soap_inventory(req->r_soap);
	name = hostd_val_str(hostd_val_field(req->r_params, "newName"));
	if (name == NULL || *name == '\0' || strlen(name) > 80) {
		req->r_fault = hostd_fault_invalid_argument("newName");
		return (0);
	}
	user = req->r_session != NULL ? req->r_session->s_user : NULL;
	task = xstrdup(hostd_task_create(inv, "Rename_Task",
	    "VirtualMachine.rename", mo, user));
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if (vm->vm_diskbusy)
		f = hostd_fault_create("TaskInProgress", NULL);
	else if ((other = hostd_mo_virtualmachine_by_name(inv, name)) !=
	    NULL && other != mo)
		f = hostd_mo_virtualmachine_dupfault(name, other);
	else if ((held = hostd_mo_virtualmachine_held(inv, name, NULL)) !=
	    NULL)
		f = hostd_mo_virtualmachine_heldfault(name, held);
	else if ((cfg = cfg_load(vm->vm_path, &cause)) == NULL) {
		f = hostd_fault_system_error(cause);
		free(cause);
	} else {
		cfg_set(cfg, "displayName", name);
		if (cfg_save(cfg, vm->vm_path, &cause) != 0) {
			f = hostd_fault_system_error(cause);
			free(cause);
		}
		cfg_free(cfg);
	}
	if (f != NULL)
		hostd_task_fail(inv, task, f);
	else {
		hostd_mo_virtualmachine_changed(inv, mo);
		hostd_task_succeed(inv, task, NULL);
	}
	free(task);
	return (0);
}

/* UnregisterVM: not a task; the files stay. */
static int
hostd_mo_virtualmachine_unregister(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	char				*cause = NULL;

	if ((mo = hostd_mo_virtualmachine_req_vm(req, &vm)) == NULL)
		return (0);
	inv = hostd_soap_inventory(req->r_soap);
	if (vm->vm_power == PROTO_VMX_POWERED_ON) {
		req->r_fault = hostd_mo_virtualmachine_powerfault(vm,
		    PROTO_VMX_POWERED_OFF);
		return (0);
	}
	if (hostd_vmxlink_busy(vm->vm_vl, vm->vm_id) || vm->vm_diskbusy) {
		req->r_fault = hostd_fault_create("TaskInProgress", NULL);
		return (0);
	}
	hostd_event_post(req->r_soap, "VmRemovedEvent", mo,
	    req->r_session != NULL ? req->r_session->s_user : NULL,
	    "Removed %s on %s from ha-datacenter", vm->vm_name, "ha-host");
	log_info("inventory: VM %s \"%s\" unregistered", vm->vm_id,
	    vm->vm_name);
	hostd_inventory_unregister(inv, mo);
	if (hostd_mo_virtualmachine_save(inv, &cause) != 0) {
		req->r_fault = hostd_fault_system_error(cause);
		free(cause);
	}
	hostd_inventory_changed(inv, NULL, "vm");
	return (0);
}

/*
 * Remove directory name under dirfd and everything in it, without
 * following links (a link is removed, not its target).  0 or -1.
 */
static int
hostd_mo_virtualmachine_rmtree(int dirfd, const char *name, int depth)
{
	DIR		*d;
	struct dirent	*de;
	int		 fd, rc = 0;

	if (depth > 8)
		return (-1);
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return (errno == ENOENT ? 0 : -1);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0)
			continue;
		if ((errno == EISDIR || errno == EPERM) &&
		    hostd_mo_virtualmachine_rmtree(fd, de->d_name,
		    depth + 1) == 0)
			continue;
		rc = -1;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return (rc);
}

/*
 * Destroy_Task (§5.7): the disks and files of the VM, then its directory
 * when it is a VM directory of a datastore (never the datastore itself),
 * then the inventory entry.
 */
static int
hostd_mo_virtualmachine_destroy(struct hostd_soap_req *req)
{
	struct hostd_inventory			*inv;
	struct hostd_mo				*mo, *ds = NULL;
	struct hostd_mo_virtualmachine		*vm;
	struct hostd_mo_virtualmachine_file	*files;
	struct hostd_inventory_ctx		 ctx;
	const struct hostd_mo_datastore		*d;
	const char				*user;
	char					*task, *cause = NULL, *dir;
	char					*dsp, *slash;
	size_t					 i, n;
	int					 rc = 0, dfd;

	if ((mo = hostd_mo_virtualmachine_req_vm(req, &vm)) == NULL)
		return (0);
	inv = hostd_soap_inventory(req->r_soap);
	user = req->r_session != NULL ? req->r_session->s_user : NULL;
	task = xstrdup(hostd_task_create(inv, "Destroy_Task",
	    "VirtualMachine.destroy", mo, user));
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if (vm->vm_power == PROTO_VMX_POWERED_ON) {
		hostd_task_fail(inv, task, hostd_mo_virtualmachine_powerfault(
		    vm, PROTO_VMX_POWERED_OFF));
		free(task);
		return (0);
	}
	if (hostd_vmxlink_busy(vm->vm_vl, vm->vm_id) || vm->vm_diskbusy) {
		hostd_task_fail(inv, task, hostd_fault_create(
		    "TaskInProgress", NULL));
		free(task);
		return (0);
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.ic_inv = inv;
	ctx.ic_soap = req->r_soap;
	ctx.ic_mo = mo;
	n = hostd_mo_virtualmachine_files(&ctx, &files);
	for (i = 0; i < n; i++) {
		if (unlink(files[i].vf_path) != 0 && errno != ENOENT) {
			log_warn("destroy: %s", files[i].vf_path);
			rc = -1;
		}
	}
	hostd_mo_virtualmachine_files_free(files, n);
	dir = xstrdup(vm->vm_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	dsp = hostd_vmconfig_to_dspath(inv, dir, &ds);
	if (ds != NULL && (d = ds->mo_data) != NULL && slash != NULL &&
	    (slash = strrchr(dir, '/')) != NULL) {
		/* Only a directory inside the datastore goes. */
		*slash = '\0';
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
		    -1) {
			if (hostd_mo_virtualmachine_rmtree(dfd, slash + 1,
			    0) != 0) {
				log_warn("destroy: %s/%s", dir, slash + 1);
				rc = -1;
			}
			close(dfd);
		}
	}
	hostd_event_post(req->r_soap, "VmRemovedEvent", mo, user,
	    "Removed %s on %s from ha-datacenter", vm->vm_name, "ha-host");
	log_info("inventory: VM %s \"%s\" destroyed (%s)", vm->vm_id,
	    vm->vm_name, dsp);
	hostd_inventory_unregister(inv, mo);
	if (hostd_mo_virtualmachine_save(inv, &cause) != 0) {
		hostd_task_fail(inv, task, hostd_fault_system_error(cause));
		free(cause);
	} else if (rc != 0)
		hostd_task_fail(inv, task, hostd_fault_create(
		    "CannotDeleteFile", "Cannot delete file %s", dsp));
	else
		hostd_task_succeed(inv, task, NULL);
	hostd_inventory_changed(inv, NULL, "vm");
	free(dsp);
	free(dir);
	free(task);
	return (0);
}

struct hostd_val *
hostd_mo_virtualmachine_using(struct hostd_inventory *inv, struct hostd_mo *of)
{
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	struct hostd_val		*arr;
	const char			*v;
	char				 key[48];
	size_t				 i;
	int				 uses;

	arr = hostd_val_array("ManagedObjectReference");
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "VirtualMachine") != 0 ||
		    (vm = mo->mo_data) == NULL)
			continue;
		uses = 0;
		if (strcmp(of->mo_type, "Datastore") == 0)
			uses = vm->vm_dsid != NULL &&
			    strcmp(vm->vm_dsid, of->mo_id) == 0;
		for (i = 0; strcmp(of->mo_type, "Network") == 0 &&
		    of->mo_data != NULL && vm->vm_cfg != NULL && i < 10; i++) {
			snprintf(key, sizeof key, "ethernet%zu.present", i);
			if (!cfg_get_bool(vm->vm_cfg, key, 0))
				continue;
			snprintf(key, sizeof key, "ethernet%zu.networkName", i);
			if ((v = cfg_get(vm->vm_cfg, key)) != NULL &&
			    strcmp(v, of->mo_data) == 0)
				uses = 1;
		}
		if (uses)
			hostd_val_push(arr, hostd_val_moref("VirtualMachine",
			    mo->mo_id));
	}
	return (arr);
}
