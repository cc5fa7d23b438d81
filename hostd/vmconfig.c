/* SPDX-License-Identifier: ISC */
/*
 * The mapping between a VM's .vmx and the vim25 view of its hardware
 * (vi-api.md §4.3, §5.3, §5.6): VirtualMachineConfigSpec applied to a
 * .vmx held in memory (struct cfg), and the .vmx read back as the
 * config.hardware.device list.  mo-virtualmachine.c and mo-folder.c do
 * the SOAP side (arguments, power state, privileges, tasks, inventory);
 * this file knows the VMware keys.
 *
 * Device keys are not stored: they are derived from where a device lives
 * in the .vmx, with ESX's numbering (SCSI controllers 1000 + bus, their
 * disks 2000 + 16 * bus + unit, SATA 15000/16000, NVMe 31000/32000, NICs
 * 4000 + N, serial ports 9000 + N, and the fixed devices every ESX VM
 * lists: PCI 100, IDE 200/201, PS2 300, SIO 400, video 500, keyboard 600,
 * pointing device 700, VMCI 12000).  So a key read by a client names the
 * same device until the device is removed, across hostd restarts.
 *
 * vmx maps every controller's disks onto virtio-blk and every NIC onto
 * virtio-net (vmx/vmxconf.c); the controller and NIC models are kept in
 * the .vmx (scsi0.virtualDev, ethernet0.virtualDev) so the VM reads back
 * as it was created.
 *
 * Applying a spec is done on the in-memory .vmx; new disks are created at
 * once (and listed in the change so a failure removes them), while the
 * disks a spec destroys are only deleted after the caller saved the new
 * .vmx (hostd_vmconfig_finish): a crash in between leaves a stray file,
 * never a .vmx naming a missing disk.  An eagerZeroedThick disk (new, or
 * the part an edit adds) is only reserved here: writing gigabytes of
 * zeros is the caller's job on the loop (vc_zero, dsjob.c), done before
 * it saves the .vmx.
 */

#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "disk.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

/* Longest VMDK descriptor read when looking for its extents. */
#define HOSTD_VMCONFIG_DESC_MAX	(64 * 1024)
/* Most <name>_N.vmdk tried for a new disk. */
#define HOSTD_VMCONFIG_NAME_TRIES	1000

/* A controller family: .vmx prefix, keys, buses and units. */
struct hostd_vmconfig_family {
	const char	*vf_prefix;	/* "scsi" */
	int32_t		 vf_key;	/* controller key of bus 0 */
	int32_t		 vf_diskkey;	/* disk key of bus 0 unit 0 */
	int		 vf_buses;
	int		 vf_units;
	int		 vf_reserved;	/* the controller's own unit, or -1 */
	int32_t		 vf_pciunit;	/* unitNumber on PCI of bus 0 */
	const char	*vf_label;	/* "SCSI controller" */
};

#define HOSTD_VMCONFIG_SCSI	0
#define HOSTD_VMCONFIG_SATA	1
#define HOSTD_VMCONFIG_NVME	2
#define HOSTD_VMCONFIG_IDE	3

static const struct hostd_vmconfig_family hostd_vmconfig_families[] = {
	[HOSTD_VMCONFIG_SCSI] = { "scsi", 1000, 2000, 4, 16, 7, 3,
	    "SCSI controller" },
	[HOSTD_VMCONFIG_SATA] = { "sata", 15000, 16000, 4, 30, -1, 24,
	    "SATA controller" },
	[HOSTD_VMCONFIG_NVME] = { "nvme", 31000, 32000, 4, 15, -1, 30,
	    "NVME controller" },
	[HOSTD_VMCONFIG_IDE] = { "ide", 200, 3000, 2, 2, -1, -1, "IDE" },
};
#define HOSTD_VMCONFIG_NFAMILIES \
	(sizeof hostd_vmconfig_families / sizeof hostd_vmconfig_families[0])

/* Controller types a spec may add: vim25 type, family, virtualDev. */
static const struct {
	const char	*ct_type;
	int		 ct_family;
	const char	*ct_dev;	/* scsiN.virtualDev, or NULL */
	const char	*ct_summary;
} hostd_vmconfig_ctltypes[] = {
	{ "VirtualLsiLogicController", HOSTD_VMCONFIG_SCSI, "lsilogic",
	  "LSI Logic" },
	{ "VirtualLsiLogicSASController", HOSTD_VMCONFIG_SCSI, "lsisas1068",
	  "LSI Logic SAS" },
	{ "ParaVirtualSCSIController", HOSTD_VMCONFIG_SCSI, "pvscsi",
	  "VMware paravirtual SCSI" },
	{ "VirtualBusLogicController", HOSTD_VMCONFIG_SCSI, "buslogic",
	  "BusLogic" },
	{ "VirtualAHCIController", HOSTD_VMCONFIG_SATA, NULL, "AHCI" },
	{ "VirtualNVMEController", HOSTD_VMCONFIG_NVME, NULL, "NVME" },
};

/* NIC types: vim25 type and ethernetN.virtualDev. */
static const char *const hostd_vmconfig_nictypes[][2] = {
	{ "VirtualE1000", "e1000" },
	{ "VirtualE1000e", "e1000e" },
	{ "VirtualVmxnet3", "vmxnet3" },
	{ "VirtualVmxnet2", "vmxnet2" },
	{ "VirtualPCNet32", "vlance" },
};

#define HOSTD_VMCONFIG_NICS	10	/* ethernet0..9, as vmx */
#define HOSTD_VMCONFIG_SERIALS	4	/* serial0..3 */

#define HOSTD_VMCONFIG_KEY_PCI		100
#define HOSTD_VMCONFIG_KEY_PS2		300
#define HOSTD_VMCONFIG_KEY_SIO		400
#define HOSTD_VMCONFIG_KEY_VIDEO	500
#define HOSTD_VMCONFIG_KEY_KEYBOARD	600
#define HOSTD_VMCONFIG_KEY_POINTING	700
#define HOSTD_VMCONFIG_KEY_NIC		4000
#define HOSTD_VMCONFIG_KEY_SERIAL	9000
#define HOSTD_VMCONFIG_KEY_VMCI		12000

/* A temporary key of the spec and the key it became. */
struct hostd_vmconfig_keymap {
	int32_t		km_from;
	int32_t		km_to;
};

/* What apply works on. */
struct hostd_vmconfig_ctx {
	struct hostd_inventory		*c_inv;
	struct cfg			*c_cfg;
	const char			*c_vmpath;
	char				*c_vmdir;	/* owned */
	const char			*c_vmname;	/* file base name */
	struct hostd_vmconfig_change	*c_chg;
	struct hostd_vmconfig_keymap	*c_map;
	size_t				 c_nmap;
	size_t				 c_index;	/* deviceChange index */
};

static char	*hostd_vmconfig_dirname(const char *);
static const char *hostd_vmconfig_get(const struct cfg *, const char *,
		    const char *);
static int	 hostd_vmconfig_present(const struct cfg *, const char *);
static void	 hostd_vmconfig_unset_prefix(struct cfg *, const char *);
static char	*hostd_vmconfig_abs(const char *, const char *);
static struct hostd_val *hostd_vmconfig_desc(const char *, const char *);
static struct hostd_val *hostd_vmconfig_simple(const char *, int32_t,
		    const char *, const char *, int32_t, int32_t);
static struct hostd_val *hostd_vmconfig_disk_val(struct hostd_inventory *,
		    const struct cfg *, const char *, const char *, int32_t,
		    int32_t, int32_t, int);
static struct hostd_val *hostd_vmconfig_nic_val(struct hostd_inventory *,
		    const struct cfg *, int, int);
static struct hostd_val *hostd_vmconfig_serial_val(struct hostd_inventory *,
		    const struct cfg *, const char *, int, int);
static struct hostd_val *hostd_vmconfig_connectable(int, int);
static struct hostd_val *hostd_vmconfig_echo_obj(const struct hostd_val *,
		    const char *);
static int	 hostd_vmconfig_key_decode(const struct cfg *, int32_t,
		    char *, size_t, int *, int *, int *);
static struct hostd_fault *hostd_vmconfig_devfault(size_t, const char *,
		    ...) __attribute__((format(printf, 2, 3)));
static int32_t	 hostd_vmconfig_map(struct hostd_vmconfig_ctx *, int32_t);
static void	 hostd_vmconfig_map_add(struct hostd_vmconfig_ctx *, int32_t,
		    int32_t);
static int	 hostd_vmconfig_reserved(const char *);
static int	 hostd_vmconfig_int(const struct hostd_val *, const char *,
		    int64_t, int64_t, int64_t *);
static int	 hostd_vmconfig_ctl_add(struct hostd_vmconfig_ctx *,
		    const struct hostd_val *, size_t, struct hostd_fault **);
static int	 hostd_vmconfig_disk_add(struct hostd_vmconfig_ctx *,
		    const struct hostd_val *, int, struct hostd_fault **);
static int	 hostd_vmconfig_disk_file(struct hostd_vmconfig_ctx *,
		    const char *, char **, struct hostd_fault **);
static int	 hostd_vmconfig_nic_set(struct hostd_vmconfig_ctx *,
		    const char *, const struct hostd_val *, int,
		    struct hostd_fault **);
static int	 hostd_vmconfig_serial_add(struct hostd_vmconfig_ctx *,
		    const struct hostd_val *, struct hostd_fault **);
static int	 hostd_vmconfig_remove(struct hostd_vmconfig_ctx *,
		    const struct hostd_val *, int, struct hostd_fault **);
static int	 hostd_vmconfig_edit(struct hostd_vmconfig_ctx *,
		    const struct hostd_val *, struct hostd_fault **);
static int	 hostd_vmconfig_change(struct hostd_vmconfig_ctx *,
		    const struct hostd_val *, int, struct hostd_fault **);
static void	 hostd_vmconfig_push(char ***, size_t *, const char *);
static void	 hostd_vmconfig_zero_add(struct hostd_vmconfig_change *,
		    const char *, uint64_t, uint64_t);
static int64_t	 hostd_vmconfig_capacity(const struct hostd_val *);
static void	 hostd_vmconfig_mac(char *, size_t);
static int	 hostd_vmconfig_network(struct hostd_inventory *,
		    const struct hostd_val *, char **);

static char *
hostd_vmconfig_dirname(const char *path)
{
	const char	*slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return (xstrdup("."));
	return (xstrndup(path, slash == path ? 1 : (size_t)(slash - path)));
}

/* The value of "<prefix>.<key>". */
static const char *
hostd_vmconfig_get(const struct cfg *cfg, const char *prefix,
    const char *key)
{
	char	buf[96];

	snprintf(buf, sizeof buf, "%s.%s", prefix, key);
	return (cfg_get(cfg, buf));
}

static int
hostd_vmconfig_present(const struct cfg *cfg, const char *prefix)
{
	const char	*v = hostd_vmconfig_get(cfg, prefix, "present");

	return (v != NULL && strcasecmp(v, "TRUE") == 0);
}

/* Remove every "<prefix>.*" key, so a unit can be reused cleanly. */
static void
hostd_vmconfig_unset_prefix(struct cfg *cfg, const char *prefix)
{
	size_t	i, n = strlen(prefix);
	char	*key;

	for (i = cfg_count(cfg); i > 0; i--) {
		if (strncasecmp(cfg_key(cfg, i - 1), prefix, n) == 0 &&
		    cfg_key(cfg, i - 1)[n] == '.') {
			key = xstrdup(cfg_key(cfg, i - 1));
			cfg_unset(cfg, key);
			free(key);
			if (i > cfg_count(cfg) + 1)
				i = cfg_count(cfg) + 1;
		}
	}
}

/* A .vmx file name as an absolute path (relative ones: the VM dir). */
static char *
hostd_vmconfig_abs(const char *vmdir, const char *name)
{
	char	*p;

	if (*name == '/')
		return (xstrdup(name));
	xasprintf(&p, "%s/%s", vmdir, name);
	return (p);
}

/* ---- datastore paths ------------------------------------------------- */

char *
hostd_vmconfig_to_dspath(struct hostd_inventory *inv, const char *abs,
    struct hostd_mo **dsmo)
{
	struct hostd_mo			*mo;
	const struct hostd_mo_datastore	*ds;
	char				*out;
	size_t				 len;

	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "Datastore") != 0 ||
		    (ds = mo->mo_data) == NULL)
			continue;
		len = strlen(ds->ds_path);
		while (len > 1 && ds->ds_path[len - 1] == '/')
			len--;
		if (strncmp(abs, ds->ds_path, len) != 0 || abs[len] != '/')
			continue;
		if (dsmo != NULL)
			*dsmo = mo;
		xasprintf(&out, "[%s] %s", ds->ds_name, abs + len + 1);
		return (out);
	}
	if (dsmo != NULL)
		*dsmo = NULL;
	return (xstrdup(abs));
}

char *
hostd_vmconfig_filename(const char *name)
{
	char	*out, *o;

	/* ESX escapes what a file name cannot hold; so do we. */
	out = o = xmalloc(strlen(name) * 3 + 1);
	for (; *name != '\0'; name++) {
		if (*name == '/' || *name == '%' || *name == '\\' ||
		    (unsigned char)*name < 0x20 || *name == 0x7f) {
			snprintf(o, 4, "%%%02x", (unsigned char)*name);
			o += 3;
		} else
			*o++ = *name;
	}
	*o = '\0';
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0) {
		free(out);
		out = xstrdup(strlen(name) == 1 ? "%2e" : "%2e%2e");
	}
	return (out);
}

/* ---- the device list ------------------------------------------------- */

static struct hostd_val *
hostd_vmconfig_desc(const char *label, const char *summary)
{
	struct hostd_val	*d;

	d = hostd_val_object("Description");
	hostd_val_add_str(d, "label", label);
	hostd_val_add_str(d, "summary", summary);
	return (d);
}

/* A device with only the VirtualDevice fields. */
static struct hostd_val *
hostd_vmconfig_simple(const char *type, int32_t key, const char *label,
    const char *summary, int32_t ctlkey, int32_t unit)
{
	struct hostd_val	*v;

	v = hostd_val_object(type);
	hostd_val_add_int(v, "key", key);
	hostd_val_add(v, "deviceInfo", hostd_vmconfig_desc(label, summary));
	if (ctlkey >= 0)
		hostd_val_add_int(v, "controllerKey", ctlkey);
	if (unit >= 0)
		hostd_val_add_int(v, "unitNumber", unit);
	return (v);
}

static struct hostd_val *
hostd_vmconfig_connectable(int start, int connected)
{
	struct hostd_val	*c;

	c = hostd_val_object("VirtualDeviceConnectInfo");
	hostd_val_add_bool(c, "startConnected", start);
	hostd_val_add_bool(c, "allowGuestControl", 1);
	hostd_val_add_bool(c, "connected", connected);
	hostd_val_add_str(c, "status", "ok");
	return (c);
}

static struct hostd_val *
hostd_vmconfig_disk_val(struct hostd_inventory *inv, const struct cfg *cfg,
    const char *vmdir, const char *unit, int32_t key, int32_t ctlkey,
    int32_t unitno, int n)
{
	struct hostd_val	*v, *b;
	struct hostd_mo		*ds = NULL;
	struct disk		*d;
	struct disk_info	 info;
	const char		*fn, *mode;
	char			*abs, *dsp, label[32], summary[64];
	uint64_t		 size = 0;
	int			 thin = 0;

	fn = hostd_vmconfig_get(cfg, unit, "fileName");
	abs = hostd_vmconfig_abs(vmdir, fn != NULL ? fn : "");
	if ((d = disk_open(abs, DISK_OPEN_RDONLY, NULL)) != NULL) {
		size = disk_size(d);
		thin = disk_format(d) == DISK_FORMAT_VMDK_SPARSE;
		if (!thin && disk_info(d, &info, NULL) == 0) {
			thin = info.allocated < info.size;
			disk_info_clear(&info);
		}
		disk_close(d);
	}
	snprintf(label, sizeof label, "Hard disk %d", n);
	snprintf(summary, sizeof summary, "%llu KB",
	    (unsigned long long)(size / 1024));
	v = hostd_vmconfig_simple("VirtualDisk", key, label, summary, -1, -1);
	b = hostd_val_object("VirtualDiskFlatVer2BackingInfo");
	dsp = hostd_vmconfig_to_dspath(inv, abs, &ds);
	hostd_val_add_str(b, "fileName", dsp);
	if (ds != NULL)
		hostd_val_add_moref(b, "datastore", "Datastore", ds->mo_id);
	mode = hostd_vmconfig_get(cfg, unit, "mode");
	hostd_val_add_str(b, "diskMode", mode != NULL && strcasecmp(mode,
	    "independent-persistent") == 0 ? "independent_persistent" :
	    "persistent");
	hostd_val_add_bool(b, "split", 0);
	hostd_val_add_bool(b, "writeThrough", 0);
	hostd_val_add_bool(b, "thinProvisioned", thin);
	hostd_val_add_decl(v, "backing", "VirtualDeviceBackingInfo", b);
	hostd_val_add_int(v, "controllerKey", ctlkey);
	hostd_val_add_int(v, "unitNumber", unitno);
	hostd_val_add_long(v, "capacityInKB", (int64_t)(size / 1024));
	hostd_val_add_long(v, "capacityInBytes", (int64_t)size);
	free(dsp);
	free(abs);
	return (v);
}

static struct hostd_val *
hostd_vmconfig_nic_val(struct hostd_inventory *inv, const struct cfg *cfg,
    int n, int on)
{
	struct hostd_val	*v, *b;
	const char		*type = "VirtualE1000", *dev, *net, *at, *mac;
	char			 prefix[32], label[32], id[160];
	size_t			 i;
	int			 start;

	snprintf(prefix, sizeof prefix, "ethernet%d", n);
	dev = hostd_vmconfig_get(cfg, prefix, "virtualDev");
	for (i = 0; dev != NULL && i < sizeof hostd_vmconfig_nictypes /
	    sizeof hostd_vmconfig_nictypes[0]; i++) {
		if (strcasecmp(dev, hostd_vmconfig_nictypes[i][1]) == 0)
			type = hostd_vmconfig_nictypes[i][0];
	}
	net = hostd_vmconfig_get(cfg, prefix, "networkName");
	if (net == NULL)
		net = "";
	snprintf(label, sizeof label, "Network adapter %d", n + 1);
	v = hostd_vmconfig_simple(type, HOSTD_VMCONFIG_KEY_NIC + n, label,
	    net, -1, -1);
	b = hostd_val_object("VirtualEthernetCardNetworkBackingInfo");
	hostd_val_add_str(b, "deviceName", net);
	hostd_val_add_bool(b, "useAutoDetect", 0);
	snprintf(id, sizeof id, "HaNetwork-%s", net);
	if (hostd_inventory_find(inv, "Network", id, NULL) != NULL)
		hostd_val_add_moref(b, "network", "Network", id);
	hostd_val_add_decl(v, "backing", "VirtualDeviceBackingInfo", b);
	start = (mac = hostd_vmconfig_get(cfg, prefix, "startConnected")) ==
	    NULL || strcasecmp(mac, "FALSE") != 0;
	hostd_val_add(v, "connectable", hostd_vmconfig_connectable(start,
	    on && start));
	hostd_val_add_int(v, "controllerKey", HOSTD_VMCONFIG_KEY_PCI);
	hostd_val_add_int(v, "unitNumber", 7 + n);
	at = hostd_vmconfig_get(cfg, prefix, "addressType");
	if (at != NULL && strcasecmp(at, "static") == 0) {
		hostd_val_add_str(v, "addressType", "manual");
		mac = hostd_vmconfig_get(cfg, prefix, "address");
	} else {
		hostd_val_add_str(v, "addressType", "generated");
		mac = hostd_vmconfig_get(cfg, prefix, "generatedAddress");
	}
	if (mac != NULL)
		hostd_val_add_str(v, "macAddress", mac);
	hostd_val_add_bool(v, "wakeOnLanEnabled", 1);
	return (v);
}

static struct hostd_val *
hostd_vmconfig_serial_val(struct hostd_inventory *inv, const struct cfg *cfg,
    const char *vmdir, int n, int on)
{
	struct hostd_val	*v, *b;
	const char		*ft, *fn;
	char			 prefix[32], label[32], *abs, *dsp;

	snprintf(prefix, sizeof prefix, "serial%d", n);
	ft = hostd_vmconfig_get(cfg, prefix, "fileType");
	fn = hostd_vmconfig_get(cfg, prefix, "fileName");
	if (fn == NULL)
		fn = "";
	snprintf(label, sizeof label, "Serial port %d", n + 1);
	if (ft != NULL && strcasecmp(ft, "device") == 0) {
		v = hostd_vmconfig_simple("VirtualSerialPort",
		    HOSTD_VMCONFIG_KEY_SERIAL + n, label, fn, -1, -1);
		b = hostd_val_object("VirtualSerialPortDeviceBackingInfo");
		hostd_val_add_str(b, "deviceName", fn);
		hostd_val_add_bool(b, "useAutoDetect", 0);
	} else {
		abs = hostd_vmconfig_abs(vmdir, fn);
		dsp = hostd_vmconfig_to_dspath(inv, abs, NULL);
		v = hostd_vmconfig_simple("VirtualSerialPort",
		    HOSTD_VMCONFIG_KEY_SERIAL + n, label, dsp, -1, -1);
		b = hostd_val_object("VirtualSerialPortFileBackingInfo");
		hostd_val_add_str(b, "fileName", dsp);
		free(dsp);
		free(abs);
	}
	hostd_val_add_decl(v, "backing", "VirtualDeviceBackingInfo", b);
	hostd_val_add(v, "connectable", hostd_vmconfig_connectable(1, on));
	hostd_val_add_int(v, "controllerKey", HOSTD_VMCONFIG_KEY_SIO);
	hostd_val_add_int(v, "unitNumber", n);
	hostd_val_add_bool(v, "yieldOnPoll", 1);
	return (v);
}

struct hostd_val *
hostd_vmconfig_devices(struct hostd_inventory *inv, const struct cfg *cfg,
    const char *vmpath, int on, int *ndisks, int *nnics)
{
	const struct hostd_vmconfig_family	*f;
	struct hostd_val			*arr, *v, *kids, *pci, *sio;
	const char				*dev;
	char					*vmdir, prefix[32], unit[48];
	char					 label[48];
	size_t					 fi, i;
	int					 bus, u, ndisk = 0, n;

	vmdir = hostd_vmconfig_dirname(vmpath);
	arr = hostd_val_array("VirtualDevice");
	pci = hostd_val_array("int");
	sio = hostd_val_array("int");
	hostd_val_push(pci, hostd_val_int(HOSTD_VMCONFIG_KEY_VIDEO));
	hostd_val_push(pci, hostd_val_int(HOSTD_VMCONFIG_KEY_VMCI));
	*nnics = 0;
	/* Controllers with their disks, family by family. */
	for (fi = 0; fi < HOSTD_VMCONFIG_NFAMILIES; fi++) {
		f = &hostd_vmconfig_families[fi];
		for (bus = 0; bus < f->vf_buses; bus++) {
			snprintf(prefix, sizeof prefix, "%s%d", f->vf_prefix,
			    bus);
			if (fi != HOSTD_VMCONFIG_IDE &&
			    !hostd_vmconfig_present(cfg, prefix))
				continue;
			kids = hostd_val_array("int");
			for (u = 0; u < f->vf_units; u++) {
				snprintf(unit, sizeof unit, "%s:%d", prefix,
				    u);
				if (!hostd_vmconfig_present(cfg, unit) ||
				    hostd_vmconfig_get(cfg, unit,
				    "fileName") == NULL)
					continue;
				dev = hostd_vmconfig_get(cfg, unit,
				    "deviceType");
				if (dev != NULL && strncasecmp(dev, "cdrom",
				    5) == 0)
					continue;
				hostd_val_push(kids, hostd_val_int(
				    f->vf_diskkey + bus * f->vf_units + u));
				hostd_val_push(arr, hostd_vmconfig_disk_val(
				    inv, cfg, vmdir, unit, f->vf_diskkey +
				    bus * f->vf_units + u, f->vf_key + bus, u,
				    ++ndisk));
			}
			if (fi == HOSTD_VMCONFIG_IDE) {
				snprintf(label, sizeof label, "IDE %d", bus);
				v = hostd_vmconfig_simple(
				    "VirtualIDEController", f->vf_key + bus,
				    label, label, -1, -1);
			} else {
				dev = hostd_vmconfig_get(cfg, prefix,
				    "virtualDev");
				for (i = 0; i < sizeof hostd_vmconfig_ctltypes /
				    sizeof hostd_vmconfig_ctltypes[0]; i++) {
					if (hostd_vmconfig_ctltypes[i].
					    ct_family != (int)fi)
						continue;
					if (hostd_vmconfig_ctltypes[i].
					    ct_dev == NULL || (dev != NULL &&
					    strcasecmp(dev,
					    hostd_vmconfig_ctltypes[i].
					    ct_dev) == 0))
						break;
				}
				if (i == sizeof hostd_vmconfig_ctltypes /
				    sizeof hostd_vmconfig_ctltypes[0])
					i = 0;	/* unknown: LSI Logic */
				snprintf(label, sizeof label, "%s %d",
				    f->vf_label, bus);
				v = hostd_vmconfig_simple(
				    hostd_vmconfig_ctltypes[i].ct_type,
				    f->vf_key + bus, label,
				    hostd_vmconfig_ctltypes[i].ct_summary,
				    HOSTD_VMCONFIG_KEY_PCI,
				    f->vf_pciunit + bus);
				hostd_val_push(pci, hostd_val_int(f->vf_key +
				    bus));
			}
			hostd_val_add_int(v, "busNumber", bus);
			hostd_val_add(v, "device", kids);
			if (fi == HOSTD_VMCONFIG_SCSI) {
				hostd_val_add_bool(v, "hotAddRemove", 1);
				hostd_val_add(v, "sharedBus", hostd_val_enum(
				    "VirtualSCSISharing", "noSharing"));
				hostd_val_add_int(v, "scsiCtlrUnitNumber", 7);
			}
			hostd_val_push(arr, v);
		}
	}
	for (n = 0; n < HOSTD_VMCONFIG_NICS; n++) {
		snprintf(prefix, sizeof prefix, "ethernet%d", n);
		if (!hostd_vmconfig_present(cfg, prefix))
			continue;
		hostd_val_push(pci, hostd_val_int(HOSTD_VMCONFIG_KEY_NIC + n));
		hostd_val_push(arr, hostd_vmconfig_nic_val(inv, cfg, n, on));
		(*nnics)++;
	}
	for (n = 0; n < HOSTD_VMCONFIG_SERIALS; n++) {
		snprintf(prefix, sizeof prefix, "serial%d", n);
		if (!hostd_vmconfig_present(cfg, prefix))
			continue;
		hostd_val_push(sio, hostd_val_int(HOSTD_VMCONFIG_KEY_SERIAL +
		    n));
		hostd_val_push(arr, hostd_vmconfig_serial_val(inv, cfg, vmdir,
		    n, on));
	}
	/* The fixed devices, as ESX lists them. */
	v = hostd_vmconfig_simple("VirtualPS2Controller",
	    HOSTD_VMCONFIG_KEY_PS2, "PS2 controller 0", "PS2 controller 0",
	    -1, -1);
	hostd_val_add_int(v, "busNumber", 0);
	kids = hostd_val_array("int");
	hostd_val_push(kids, hostd_val_int(HOSTD_VMCONFIG_KEY_KEYBOARD));
	hostd_val_push(kids, hostd_val_int(HOSTD_VMCONFIG_KEY_POINTING));
	hostd_val_add(v, "device", kids);
	hostd_val_push(arr, v);
	v = hostd_vmconfig_simple("VirtualPCIController",
	    HOSTD_VMCONFIG_KEY_PCI, "PCI controller 0", "PCI controller 0",
	    -1, -1);
	hostd_val_add_int(v, "busNumber", 0);
	hostd_val_add(v, "device", pci);
	hostd_val_push(arr, v);
	v = hostd_vmconfig_simple("VirtualSIOController",
	    HOSTD_VMCONFIG_KEY_SIO, "SIO controller 0", "SIO controller 0",
	    -1, -1);
	hostd_val_add_int(v, "busNumber", 0);
	hostd_val_add(v, "device", sio);
	hostd_val_push(arr, v);
	hostd_val_push(arr, hostd_vmconfig_simple("VirtualKeyboard",
	    HOSTD_VMCONFIG_KEY_KEYBOARD, "Keyboard ", "Keyboard",
	    HOSTD_VMCONFIG_KEY_PS2, 0));
	v = hostd_vmconfig_simple("VirtualPointingDevice",
	    HOSTD_VMCONFIG_KEY_POINTING, "Pointing device",
	    "Pointing device; Device", -1, -1);
	kids = hostd_val_object("VirtualPointingDeviceDeviceBackingInfo");
	hostd_val_add_str(kids, "deviceName", "");
	hostd_val_add_bool(kids, "useAutoDetect", 0);
	hostd_val_add_str(kids, "hostPointingDevice", "autodetect");
	hostd_val_add_decl(v, "backing", "VirtualDeviceBackingInfo", kids);
	hostd_val_add_int(v, "controllerKey", HOSTD_VMCONFIG_KEY_PS2);
	hostd_val_add_int(v, "unitNumber", 1);
	hostd_val_push(arr, v);
	v = hostd_vmconfig_simple("VirtualMachineVideoCard",
	    HOSTD_VMCONFIG_KEY_VIDEO, "Video card ", "Video card",
	    HOSTD_VMCONFIG_KEY_PCI, 0);
	hostd_val_add_long(v, "videoRamSizeInKB", 4096);
	hostd_val_add_int(v, "numDisplays", 1);
	hostd_val_add_bool(v, "useAutoDetect", 0);
	hostd_val_add_bool(v, "enable3DSupport", 0);
	hostd_val_push(arr, v);
	v = hostd_vmconfig_simple("VirtualMachineVMCIDevice",
	    HOSTD_VMCONFIG_KEY_VMCI, "VMCI device",
	    "Device on the virtual machine PCI bus that provides support "
	    "for the virtual machine communication interface",
	    HOSTD_VMCONFIG_KEY_PCI, 17);
	hostd_val_add_bool(v, "allowUnrestrictedCommunication", 0);
	hostd_val_push(arr, v);
	*ndisks = ndisk;
	free(vmdir);
	return (arr);
}

/* ---- the spec as applied --------------------------------------------- */

/*
 * A parsed request value knows its fields' actual types (from xsi:type)
 * but not their declared ones, so written back as it is a VirtualDisk in
 * deviceChange.device or a string in OptionValue.value would lose the
 * xsi:type pyVmomi needs (vi-api.md §2.3).  Declare every typed data
 * object as DataObject, which makes the writer name its type (harmless
 * where it is the declared type), and anyType slots as such.
 */
static struct hostd_val *
hostd_vmconfig_echo_obj(const struct hostd_val *src, const char *type)
{
	const struct hostd_val_field	*fd;
	struct hostd_val		*v, *fv;
	const char			*decl;
	size_t				 i, len;
	int				 optval;

	v = hostd_val_object(type);
	len = src->v_type != NULL ? strlen(src->v_type) : 0;
	optval = len >= 11 && strcmp(src->v_type + len - 11,
	    "OptionValue") == 0;
	for (i = 0; i < src->v_nfields; i++) {
		fd = &src->v_fields[i];
		decl = NULL;
		if (optval && strcmp(fd->vf_name, "value") == 0) {
			decl = HOSTD_VAL_ANYTYPE;
			fv = hostd_val_copy(fd->vf_val);
		} else if (fd->vf_val->v_kind == HOSTD_VAL_OBJECT) {
			if (fd->vf_val->v_type != NULL)
				decl = "DataObject";
			fv = hostd_vmconfig_echo_obj(fd->vf_val,
			    fd->vf_val->v_type);
		} else
			fv = hostd_val_copy(fd->vf_val);
		hostd_val_add_decl(v, fd->vf_name, decl, fv);
	}
	return (v);
}

struct hostd_val *
hostd_vmconfig_spec_echo(const struct hostd_val *spec)
{
	return (hostd_vmconfig_echo_obj(spec, "VirtualMachineConfigSpec"));
}

/* ---- files ----------------------------------------------------------- */

int
hostd_vmconfig_disk_files(const char *path, char ***files, size_t *nfiles)
{
	char		 buf[HOSTD_VMCONFIG_DESC_MAX + 1], *line, *save, *q, *e;
	char		*dir;
	ssize_t		 n;
	int		 fd;

	*files = NULL;
	*nfiles = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (-1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	hostd_vmconfig_push(files, nfiles, path);
	if (n >= 4 && memcmp(buf, "KDMV", 4) == 0)
		return (0);	/* a sparse disk is one file */
	if (strncmp(buf, "# Disk DescriptorFile", 21) != 0)
		return (0);
	dir = hostd_vmconfig_dirname(path);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		/* RW 2048 FLAT "x-flat.vmdk" 0: only plain names count. */
		if (strncmp(line, "RW ", 3) != 0 &&
		    strncmp(line, "RDONLY ", 7) != 0)
			continue;
		if ((q = strchr(line, '"')) == NULL ||
		    (e = strchr(q + 1, '"')) == NULL || e == q + 1)
			continue;
		*e = '\0';
		if (strchr(q + 1, '/') != NULL || strcmp(q + 1, "..") == 0 ||
		    strcmp(q + 1, ".") == 0)
			continue;
		xasprintf(&e, "%s/%s", dir, q + 1);
		if (strcmp(e, path) != 0)
			hostd_vmconfig_push(files, nfiles, e);
		free(e);
	}
	free(dir);
	return (0);
}

void
hostd_vmconfig_free_list(char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void
hostd_vmconfig_push(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = xstrdup(s);
}

/* ---- applying a spec ------------------------------------------------- */

/*
 * 1 for the keys extraConfig may not set: the device families, whose
 * files the deviceChange checks confine to datastores (a disk key naming
 * any host file would bypass that), and the keys other fields own.
 */
static int
hostd_vmconfig_reserved(const char *key)
{
	static const char *const	 prefixes[] = {
		"scsi", "sata", "nvme", "ide", "ethernet", "serial",
		"checkpoint.", "log.", "displayName", "memsize", "numvcpus",
		"guestOS", "virtualHW.", "uuid.", "vc.uuid", "config.version"
	};
	size_t				 i;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		if (strncasecmp(key, prefixes[i], strlen(prefixes[i])) == 0)
			return (1);
	}
	return (0);
}

static struct hostd_fault *
hostd_vmconfig_devfault(size_t index, const char *fmt, ...)
{
	struct hostd_fault	*f;
	va_list			 ap;
	char			*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	f = hostd_fault_create("InvalidDeviceSpec", "%s", msg);
	free(msg);
	hostd_val_add_int(f->f_obj, "deviceIndex", (int32_t)index);
	return (f);
}

/* The real key of a key named in the spec (temporary ones mapped). */
static int32_t
hostd_vmconfig_map(struct hostd_vmconfig_ctx *c, int32_t key)
{
	size_t	i;

	for (i = 0; i < c->c_nmap; i++) {
		if (c->c_map[i].km_from == key)
			return (c->c_map[i].km_to);
	}
	return (key);
}

static void
hostd_vmconfig_map_add(struct hostd_vmconfig_ctx *c, int32_t from,
    int32_t to)
{
	c->c_map = xreallocarray(c->c_map, c->c_nmap + 1, sizeof *c->c_map);
	c->c_map[c->c_nmap].km_from = from;
	c->c_map[c->c_nmap++].km_to = to;
}

/* Field name of obj as an integer; 0 absent (*out untouched), 1 set,
 * -1 malformed. */
static int
hostd_vmconfig_int(const struct hostd_val *obj, const char *name,
    int64_t min, int64_t max, int64_t *out)
{
	const struct hostd_val	*v;

	if ((v = hostd_val_field(obj, name)) == NULL)
		return (0);
	if (hostd_val_get_int(v, min, max, out) != 0)
		return (-1);
	return (1);
}

/*
 * What a key names in the .vmx: the prefix ("scsi0", "scsi0:1",
 * "ethernet2", "serial0"), the kind (HOSTD_VMCONFIG_DEV_*), the family
 * and bus/unit.  0, or -1 when nothing there has that key.
 */
#define HOSTD_VMCONFIG_DEV_CTL		1
#define HOSTD_VMCONFIG_DEV_DISK		2
#define HOSTD_VMCONFIG_DEV_NIC		3
#define HOSTD_VMCONFIG_DEV_SERIAL	4
#define HOSTD_VMCONFIG_DEV_FIXED	5

static int
hostd_vmconfig_key_decode(const struct cfg *cfg, int32_t key, char *prefix,
    size_t len, int *kind, int *family, int *unit)
{
	const struct hostd_vmconfig_family	*f;
	size_t					 fi;
	int32_t					 off;

	*family = -1;
	*unit = -1;
	for (fi = 0; fi < HOSTD_VMCONFIG_NFAMILIES; fi++) {
		f = &hostd_vmconfig_families[fi];
		off = key - f->vf_key;
		if (off >= 0 && off < f->vf_buses) {
			snprintf(prefix, len, "%s%d", f->vf_prefix, off);
			*kind = fi == HOSTD_VMCONFIG_IDE ?
			    HOSTD_VMCONFIG_DEV_FIXED : HOSTD_VMCONFIG_DEV_CTL;
			*family = (int)fi;
			return (*kind == HOSTD_VMCONFIG_DEV_FIXED ||
			    hostd_vmconfig_present(cfg, prefix) ? 0 : -1);
		}
		off = key - f->vf_diskkey;
		if (off >= 0 && off < f->vf_buses * f->vf_units) {
			snprintf(prefix, len, "%s%d:%d", f->vf_prefix,
			    off / f->vf_units, off % f->vf_units);
			*kind = HOSTD_VMCONFIG_DEV_DISK;
			*family = (int)fi;
			*unit = off % f->vf_units;
			return (hostd_vmconfig_present(cfg, prefix) ? 0 : -1);
		}
	}
	if (key >= HOSTD_VMCONFIG_KEY_NIC && key < HOSTD_VMCONFIG_KEY_NIC +
	    HOSTD_VMCONFIG_NICS) {
		snprintf(prefix, len, "ethernet%d", key -
		    HOSTD_VMCONFIG_KEY_NIC);
		*kind = HOSTD_VMCONFIG_DEV_NIC;
		return (hostd_vmconfig_present(cfg, prefix) ? 0 : -1);
	}
	if (key >= HOSTD_VMCONFIG_KEY_SERIAL && key <
	    HOSTD_VMCONFIG_KEY_SERIAL + HOSTD_VMCONFIG_SERIALS) {
		snprintf(prefix, len, "serial%d", key -
		    HOSTD_VMCONFIG_KEY_SERIAL);
		*kind = HOSTD_VMCONFIG_DEV_SERIAL;
		return (hostd_vmconfig_present(cfg, prefix) ? 0 : -1);
	}
	switch (key) {
	case HOSTD_VMCONFIG_KEY_PCI:
	case HOSTD_VMCONFIG_KEY_PS2:
	case HOSTD_VMCONFIG_KEY_SIO:
	case HOSTD_VMCONFIG_KEY_VIDEO:
	case HOSTD_VMCONFIG_KEY_KEYBOARD:
	case HOSTD_VMCONFIG_KEY_POINTING:
	case HOSTD_VMCONFIG_KEY_VMCI:
		*kind = HOSTD_VMCONFIG_DEV_FIXED;
		return (0);
	}
	return (-1);
}

/* Add a controller: scsiN/sataN/nvmeN.present and its model. */
static int
hostd_vmconfig_ctl_add(struct hostd_vmconfig_ctx *c,
    const struct hostd_val *dev, size_t ti, struct hostd_fault **fp)
{
	const struct hostd_vmconfig_family	*f;
	char					 prefix[32], key[64];
	int64_t					 bus = -1, k = 0;
	int					 b;

	f = &hostd_vmconfig_families[hostd_vmconfig_ctltypes[ti].ct_family];
	if (hostd_vmconfig_int(dev, "busNumber", 0, f->vf_buses - 1,
	    &bus) < 0 || hostd_vmconfig_int(dev, "key", INT32_MIN, INT32_MAX,
	    &k) < 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "bad busNumber "
		    "or key");
		return (-1);
	}
	if (bus < 0) {
		for (b = 0; b < f->vf_buses; b++) {
			snprintf(prefix, sizeof prefix, "%s%d",
			    f->vf_prefix, b);
			if (!hostd_vmconfig_present(c->c_cfg, prefix))
				break;
		}
		if (b == f->vf_buses) {
			*fp = hostd_vmconfig_devfault(c->c_index, "no free "
			    "%s bus", f->vf_prefix);
			return (-1);
		}
		bus = b;
	}
	snprintf(prefix, sizeof prefix, "%s%d", f->vf_prefix, (int)bus);
	if (hostd_vmconfig_present(c->c_cfg, prefix)) {
		*fp = hostd_vmconfig_devfault(c->c_index, "%s is already "
		    "present", prefix);
		return (-1);
	}
	hostd_vmconfig_unset_prefix(c->c_cfg, prefix);
	snprintf(key, sizeof key, "%s.present", prefix);
	cfg_set(c->c_cfg, key, "TRUE");
	if (hostd_vmconfig_ctltypes[ti].ct_dev != NULL) {
		snprintf(key, sizeof key, "%s.virtualDev", prefix);
		cfg_set(c->c_cfg, key, hostd_vmconfig_ctltypes[ti].ct_dev);
	}
	hostd_vmconfig_map_add(c, (int32_t)k, f->vf_key + (int32_t)bus);
	return (0);
}

static int64_t
hostd_vmconfig_capacity(const struct hostd_val *dev)
{
	int64_t	kb = -1, bytes = -1;

	if (hostd_vmconfig_int(dev, "capacityInBytes", 1, INT64_MAX / 2,
	    &bytes) < 0 || hostd_vmconfig_int(dev, "capacityInKB", 1,
	    INT64_MAX / 2048, &kb) < 0)
		return (-1);
	if (bytes > 0)
		return ((bytes + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE *
		    DISK_SECTOR_SIZE);
	return (kb > 0 ? kb * 1024 : -1);
}

/*
 * The file of a new disk from backing.fileName: "" or "[ds]" or
 * "[ds] dir/" pick <vm>.vmdk, <vm>_1.vmdk, ... in the VM's directory (or
 * dir); a full name must not exist.  *abs is the absolute path.
 */
static int
hostd_vmconfig_disk_file(struct hostd_vmconfig_ctx *c, const char *name,
    char **abs, struct hostd_fault **fp)
{
	struct hostd_mo			*ds;
	const struct hostd_mo_datastore	*d;
	struct stat			 sb;
	char				*rel = NULL, *dir, *p, *full;
	size_t				 len, i;
	int				 n;

	*abs = NULL;
	if (name == NULL || *name == '\0')
		dir = xstrdup(c->c_vmdir);
	else {
		if ((full = hostd_dspath_resolve(c->c_inv, name, &ds,
		    &rel)) == NULL) {
			*fp = hostd_dspath_fault(errno, name, 0);
			return (-1);
		}
		d = ds->mo_data;
		len = strlen(rel);
		if (len >= 5 && strcmp(rel + len - 5, ".vmdk") == 0) {
			free(rel);
			if (lstat(full, &sb) == 0) {
				*fp = hostd_dspath_fault(EEXIST, name, 0);
				free(full);
				return (-1);
			}
			*abs = full;
			return (0);
		}
		if (len == 0) {
			/* "[ds]": the VM's directory name on that store. */
			p = strrchr(c->c_vmdir, '/');
			xasprintf(&dir, "%s/%s", d->ds_path, p != NULL ?
			    p + 1 : c->c_vmdir);
			free(full);
		} else
			dir = full;
		free(rel);
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			*fp = hostd_dspath_fault(errno, name, 0);
			free(dir);
			return (-1);
		}
	}
	for (n = 0; n < HOSTD_VMCONFIG_NAME_TRIES; n++) {
		if (n == 0)
			xasprintf(&p, "%s/%s.vmdk", dir, c->c_vmname);
		else
			xasprintf(&p, "%s/%s_%d.vmdk", dir, c->c_vmname, n);
		for (i = 0; i < c->c_chg->vc_ncreated; i++) {
			if (strcmp(c->c_chg->vc_created[i], p) == 0)
				break;
		}
		if (i == c->c_chg->vc_ncreated && lstat(p, &sb) != 0 &&
		    errno == ENOENT) {
			*abs = p;
			free(dir);
			return (0);
		}
		free(p);
	}
	free(dir);
	*fp = hostd_vmconfig_devfault(c->c_index, "no free disk name");
	return (-1);
}

/* Add a disk (fileOperation create: a new VMDK; none: attach). */
static int
hostd_vmconfig_disk_add(struct hostd_vmconfig_ctx *c,
    const struct hostd_val *dev, int create, struct hostd_fault **fp)
{
	const struct hostd_vmconfig_family	*f = NULL;
	const struct hostd_val			*b;
	struct disk_create_args			 ca;
	struct stat				 sb;
	const char				*fn, *mode;
	char					 prefix[32], unit[48], key[64];
	char					*abs = NULL, *cause = NULL;
	char					*vmxname, **files;
	size_t					 fi, nfiles;
	int64_t					 ck = -1, un = -1, size = 0;
	int					 bus = -1, u, thin = 0;
	int					 eager = 0;

	if (hostd_vmconfig_int(dev, "controllerKey", INT32_MIN, INT32_MAX,
	    &ck) <= 0 || hostd_vmconfig_int(dev, "unitNumber", 0, 63,
	    &un) < 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "a disk needs a "
		    "controllerKey");
		return (-1);
	}
	ck = hostd_vmconfig_map(c, (int32_t)ck);
	for (fi = 0; fi < HOSTD_VMCONFIG_NFAMILIES; fi++) {
		if (ck >= hostd_vmconfig_families[fi].vf_key && ck <
		    hostd_vmconfig_families[fi].vf_key +
		    hostd_vmconfig_families[fi].vf_buses) {
			f = &hostd_vmconfig_families[fi];
			bus = (int)(ck - f->vf_key);
		}
	}
	if (f != NULL)
		snprintf(prefix, sizeof prefix, "%s%d", f->vf_prefix, bus);
	if (f == NULL || (f != &hostd_vmconfig_families[HOSTD_VMCONFIG_IDE] &&
	    !hostd_vmconfig_present(c->c_cfg, prefix))) {
		*fp = hostd_vmconfig_devfault(c->c_index, "controller %lld "
		    "does not exist", (long long)ck);
		return (-1);
	}
	if (un < 0) {
		for (u = 0; u < f->vf_units; u++) {
			snprintf(unit, sizeof unit, "%s:%d", prefix, u);
			if (u != f->vf_reserved &&
			    !hostd_vmconfig_present(c->c_cfg, unit))
				break;
		}
		un = u;
	}
	snprintf(unit, sizeof unit, "%s:%d", prefix, (int)un);
	if (un >= f->vf_units || un == f->vf_reserved ||
	    hostd_vmconfig_present(c->c_cfg, unit)) {
		*fp = hostd_vmconfig_devfault(c->c_index, "unit %lld of "
		    "controller %lld is taken or does not exist",
		    (long long)un, (long long)ck);
		return (-1);
	}
	b = hostd_val_field(dev, "backing");
	fn = b != NULL ? hostd_val_str(hostd_val_field(b, "fileName")) : NULL;
	mode = b != NULL ? hostd_val_str(hostd_val_field(b, "diskMode")) :
	    NULL;
	if (mode != NULL && strcmp(mode, "persistent") != 0 &&
	    strcmp(mode, "independent_persistent") != 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "disk mode %s is "
		    "not supported (persistent, independent_persistent)",
		    mode);
		return (-1);
	}
	if (b != NULL && b->v_type != NULL && strcmp(b->v_type,
	    "VirtualDiskFlatVer2BackingInfo") != 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "backing %s is not "
		    "supported (VirtualDiskFlatVer2BackingInfo)", b->v_type);
		return (-1);
	}
	if (create) {
		if ((size = hostd_vmconfig_capacity(dev)) <= 0) {
			*fp = hostd_vmconfig_devfault(c->c_index, "a new disk "
			    "needs capacityInKB or capacityInBytes");
			return (-1);
		}
		if (b != NULL) {
			hostd_val_get_bool(hostd_val_field(b,
			    "thinProvisioned"), &thin);
			hostd_val_get_bool(hostd_val_field(b,
			    "eagerlyScrub"), &eager);
		}
		if (hostd_vmconfig_disk_file(c, fn, &abs, fp) != 0)
			return (-1);
		memset(&ca, 0, sizeof ca);
		/* As vmkfstools -d: thin is a sparse VMDK. */
		ca.format = thin ? DISK_FORMAT_VMDK_SPARSE :
		    DISK_FORMAT_VMDK_FLAT;
		ca.prealloc = thin ? DISK_PREALLOC_NONE :
		    DISK_PREALLOC_ZEROED;
		ca.size = (uint64_t)size;
		ca.adapter = f == &hostd_vmconfig_families[HOSTD_VMCONFIG_IDE] ?
		    "ide" : "lsilogic";
		if (disk_create(abs, &ca, &cause) != 0) {
			*fp = errno == ENOSPC ? hostd_fault_create(
			    "SystemError", "A general system error occurred: "
			    "%s", cause) : hostd_vmconfig_devfault(c->c_index,
			    "%s", cause);
			if (errno == ENOSPC)
				hostd_val_add_str((*fp)->f_obj, "reason",
				    cause);
			free(cause);
			free(abs);
			return (-1);
		}
		if (hostd_vmconfig_disk_files(abs, &files, &nfiles) == 0) {
			for (fi = 0; fi < nfiles; fi++)
				hostd_vmconfig_push(&c->c_chg->vc_created,
				    &c->c_chg->vc_ncreated, files[fi]);
			hostd_vmconfig_free_list(files, nfiles);
		}
		if (!thin && eager)
			hostd_vmconfig_zero_add(c->c_chg, abs, 0, ca.size);
	} else {
		if ((abs = hostd_dspath_resolve(c->c_inv, fn != NULL ? fn :
		    "", NULL, NULL)) == NULL) {
			*fp = hostd_dspath_fault(errno, fn != NULL ? fn : "",
			    0);
			return (-1);
		}
		if (stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			*fp = hostd_dspath_fault(ENOENT, fn, 0);
			free(abs);
			return (-1);
		}
	}
	hostd_vmconfig_unset_prefix(c->c_cfg, unit);
	snprintf(key, sizeof key, "%s.present", unit);
	cfg_set(c->c_cfg, key, "TRUE");
	snprintf(key, sizeof key, "%s.fileName", unit);
	/* In the VM's directory the .vmx names the file alone, as ESX. */
	vmxname = abs;
	if (strncmp(abs, c->c_vmdir, strlen(c->c_vmdir)) == 0 &&
	    abs[strlen(c->c_vmdir)] == '/' &&
	    strchr(abs + strlen(c->c_vmdir) + 1, '/') == NULL)
		vmxname = abs + strlen(c->c_vmdir) + 1;
	cfg_set(c->c_cfg, key, vmxname);
	if (mode != NULL && strcmp(mode, "independent_persistent") == 0) {
		snprintf(key, sizeof key, "%s.mode", unit);
		cfg_set(c->c_cfg, key, "independent-persistent");
	}
	free(abs);
	return (0);
}

/* A new MAC in VMware's generated range, as ESX makes them. */
static void
hostd_vmconfig_mac(char *buf, size_t len)
{
	uint8_t	r[3] = { 0, 0, 0 };

	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		/* No entropy yet: unique enough for a MAC on one host. */
		r[0] = (uint8_t)getpid();
		r[1] = (uint8_t)time(NULL);
		r[2] = (uint8_t)(time(NULL) >> 8);
	}
	snprintf(buf, len, "00:0c:29:%02x:%02x:%02x", r[0], r[1], r[2]);
}

/* The port group a NIC backing names (deviceName, else network). */
static int
hostd_vmconfig_network(struct hostd_inventory *inv,
    const struct hostd_val *b, char **name)
{
	const struct hostd_val	*net;
	struct hostd_mo		*mo;
	const char		*dn;
	char			*id;

	*name = NULL;
	if (b == NULL || (b->v_type != NULL && strcmp(b->v_type,
	    "VirtualEthernetCardNetworkBackingInfo") != 0))
		return (-1);
	dn = hostd_val_str(hostd_val_field(b, "deviceName"));
	net = hostd_val_field(b, "network");
	if ((dn == NULL || *dn == '\0') && net != NULL &&
	    hostd_val_is_moref(net, "Network")) {
		mo = hostd_inventory_find(inv, "Network", net->v_str, NULL);
		if (mo == NULL || mo->mo_data == NULL)
			return (-1);
		*name = xstrdup(mo->mo_data);
		return (0);
	}
	if (dn == NULL || *dn == '\0')
		return (-1);
	xasprintf(&id, "HaNetwork-%s", dn);
	mo = hostd_inventory_find(inv, "Network", id, NULL);
	free(id);
	if (mo == NULL)
		return (-1);
	*name = xstrdup(dn);
	return (0);
}

/* Set NIC prefix from dev (add: everything; edit: what dev gives). */
static int
hostd_vmconfig_nic_set(struct hostd_vmconfig_ctx *c, const char *prefix,
    const struct hostd_val *dev, int add, struct hostd_fault **fp)
{
	const struct hostd_val	*b, *cn;
	const char		*at, *mac;
	char			 key[64], gen[24], *net = NULL;
	size_t			 i;
	int			 start;

	b = hostd_val_field(dev, "backing");
	if ((add || b != NULL) &&
	    hostd_vmconfig_network(c->c_inv, b, &net) != 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "the NIC's backing "
		    "names no port group of this host");
		return (-1);
	}
	at = hostd_val_str(hostd_val_field(dev, "addressType"));
	mac = hostd_val_str(hostd_val_field(dev, "macAddress"));
	if (at != NULL && strcasecmp(at, "manual") == 0 && (mac == NULL ||
	    strlen(mac) != 17 || strncasecmp(mac, "00:50:56:", 9) != 0 ||
	    strspn(mac + 9, "0123456789abcdefABCDEF:") != 8 ||
	    mac[9] > '3')) {
		*fp = hostd_vmconfig_devfault(c->c_index, "a manual MAC "
		    "address is in 00:50:56:00:00:00-00:50:56:3f:ff:ff");
		free(net);
		return (-1);
	}
	if (add) {
		hostd_vmconfig_unset_prefix(c->c_cfg, prefix);
		snprintf(key, sizeof key, "%s.present", prefix);
		cfg_set(c->c_cfg, key, "TRUE");
		snprintf(key, sizeof key, "%s.virtualDev", prefix);
		for (i = 0; i < sizeof hostd_vmconfig_nictypes /
		    sizeof hostd_vmconfig_nictypes[0]; i++) {
			if (dev->v_type != NULL && strcmp(dev->v_type,
			    hostd_vmconfig_nictypes[i][0]) == 0)
				cfg_set(c->c_cfg, key,
				    hostd_vmconfig_nictypes[i][1]);
		}
	}
	if (net != NULL) {
		snprintf(key, sizeof key, "%s.networkName", prefix);
		cfg_set(c->c_cfg, key, net);
		free(net);
	}
	if ((cn = hostd_val_field(dev, "connectable")) != NULL &&
	    hostd_val_get_bool(hostd_val_field(cn, "startConnected"),
	    &start) == 0) {
		snprintf(key, sizeof key, "%s.startConnected", prefix);
		cfg_set(c->c_cfg, key, start ? "TRUE" : "FALSE");
	}
	if (at != NULL && strcasecmp(at, "manual") == 0) {
		snprintf(key, sizeof key, "%s.addressType", prefix);
		cfg_set(c->c_cfg, key, "static");
		snprintf(key, sizeof key, "%s.address", prefix);
		cfg_set(c->c_cfg, key, mac);
		snprintf(key, sizeof key, "%s.generatedAddress", prefix);
		cfg_unset(c->c_cfg, key);
	} else if (add || (at != NULL && hostd_vmconfig_get(c->c_cfg,
	    prefix, "generatedAddress") == NULL)) {
		snprintf(key, sizeof key, "%s.addressType", prefix);
		cfg_set(c->c_cfg, key, "generated");
		hostd_vmconfig_mac(gen, sizeof gen);
		snprintf(key, sizeof key, "%s.generatedAddress", prefix);
		cfg_set(c->c_cfg, key, gen);
		snprintf(key, sizeof key, "%s.address", prefix);
		cfg_unset(c->c_cfg, key);
	}
	return (0);
}

/* A serial port with a file (datastore path) or host device backing. */
static int
hostd_vmconfig_serial_add(struct hostd_vmconfig_ctx *c,
    const struct hostd_val *dev, struct hostd_fault **fp)
{
	const struct hostd_val		*b;
	const char			*fn;
	char				 prefix[32], key[64], *rel = NULL, *abs;
	int				 n;

	for (n = 0; n < HOSTD_VMCONFIG_SERIALS; n++) {
		snprintf(prefix, sizeof prefix, "serial%d", n);
		if (!hostd_vmconfig_present(c->c_cfg, prefix))
			break;
	}
	if (n == HOSTD_VMCONFIG_SERIALS) {
		*fp = hostd_vmconfig_devfault(c->c_index, "no free serial "
		    "port");
		return (-1);
	}
	b = hostd_val_field(dev, "backing");
	if (b == NULL || b->v_type == NULL) {
		*fp = hostd_vmconfig_devfault(c->c_index, "a serial port "
		    "needs a backing");
		return (-1);
	}
	if (strcmp(b->v_type, "VirtualSerialPortFileBackingInfo") == 0) {
		fn = hostd_val_str(hostd_val_field(b, "fileName"));
		if ((abs = hostd_dspath_resolve(c->c_inv, fn != NULL ? fn :
		    "", NULL, &rel)) == NULL || *rel == '\0') {
			*fp = hostd_dspath_fault(abs == NULL ? errno : EINVAL,
			    fn != NULL ? fn : "", 0);
			free(abs);
			free(rel);
			return (-1);
		}
		free(rel);
		hostd_vmconfig_unset_prefix(c->c_cfg, prefix);
		snprintf(key, sizeof key, "%s.present", prefix);
		cfg_set(c->c_cfg, key, "TRUE");
		snprintf(key, sizeof key, "%s.fileType", prefix);
		cfg_set(c->c_cfg, key, "file");
		snprintf(key, sizeof key, "%s.fileName", prefix);
		if (strncmp(abs, c->c_vmdir, strlen(c->c_vmdir)) == 0 &&
		    abs[strlen(c->c_vmdir)] == '/' &&
		    strchr(abs + strlen(c->c_vmdir) + 1, '/') == NULL)
			cfg_set(c->c_cfg, key, abs + strlen(c->c_vmdir) + 1);
		else
			cfg_set(c->c_cfg, key, abs);
		free(abs);
		return (0);
	}
	if (strcmp(b->v_type, "VirtualSerialPortDeviceBackingInfo") == 0 &&
	    (fn = hostd_val_str(hostd_val_field(b, "deviceName"))) != NULL &&
	    strncmp(fn, "/dev/", 5) == 0 && strstr(fn, "..") == NULL) {
		hostd_vmconfig_unset_prefix(c->c_cfg, prefix);
		snprintf(key, sizeof key, "%s.present", prefix);
		cfg_set(c->c_cfg, key, "TRUE");
		snprintf(key, sizeof key, "%s.fileType", prefix);
		cfg_set(c->c_cfg, key, "device");
		snprintf(key, sizeof key, "%s.fileName", prefix);
		cfg_set(c->c_cfg, key, fn);
		return (0);
	}
	*fp = hostd_vmconfig_devfault(c->c_index, "serial port backing %s is "
	    "not supported (file or host device)", b->v_type);
	return (-1);
}

static int
hostd_vmconfig_remove(struct hostd_vmconfig_ctx *c,
    const struct hostd_val *dev, int destroy, struct hostd_fault **fp)
{
	const struct hostd_vmconfig_family	*f;
	const char				*fn;
	char					 prefix[32], unit[48];
	char					*abs, **files;
	size_t					 i, nfiles;
	int64_t					 key = 0;
	int					 kind, family, u;

	if (hostd_vmconfig_int(dev, "key", INT32_MIN, INT32_MAX, &key) <= 0 ||
	    hostd_vmconfig_key_decode(c->c_cfg, (int32_t)key, prefix,
	    sizeof prefix, &kind, &family, &u) != 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "no device has key "
		    "%lld", (long long)key);
		return (-1);
	}
	switch (kind) {
	case HOSTD_VMCONFIG_DEV_FIXED:
		*fp = hostd_vmconfig_devfault(c->c_index, "device %lld "
		    "cannot be removed", (long long)key);
		return (-1);
	case HOSTD_VMCONFIG_DEV_CTL:
		f = &hostd_vmconfig_families[family];
		for (u = 0; u < f->vf_units; u++) {
			snprintf(unit, sizeof unit, "%s:%d", prefix, u);
			if (hostd_vmconfig_present(c->c_cfg, unit)) {
				*fp = hostd_vmconfig_devfault(c->c_index,
				    "controller %lld still has disks",
				    (long long)key);
				return (-1);
			}
		}
		break;
	case HOSTD_VMCONFIG_DEV_DISK:
		fn = hostd_vmconfig_get(c->c_cfg, prefix, "fileName");
		if (destroy && fn != NULL) {
			abs = hostd_vmconfig_abs(c->c_vmdir, fn);
			if (hostd_vmconfig_disk_files(abs, &files,
			    &nfiles) == 0) {
				for (i = 0; i < nfiles; i++)
					hostd_vmconfig_push(
					    &c->c_chg->vc_doomed,
					    &c->c_chg->vc_ndoomed, files[i]);
				hostd_vmconfig_free_list(files, nfiles);
			}
			free(abs);
		}
		break;
	}
	hostd_vmconfig_unset_prefix(c->c_cfg, prefix);
	return (0);
}

/* edit: grow a disk, change a NIC's network, MAC or connectable. */
static int
hostd_vmconfig_edit(struct hostd_vmconfig_ctx *c,
    const struct hostd_val *dev, struct hostd_fault **fp)
{
	const struct hostd_val	*b;
	struct disk	*d;
	const char	*fn;
	char		 prefix[32], *abs, *cause = NULL;
	int64_t		 key = 0, size;
	uint64_t	 old;
	int		 kind, family, u, rc, eager = 0;

	if (hostd_vmconfig_int(dev, "key", INT32_MIN, INT32_MAX, &key) <= 0 ||
	    hostd_vmconfig_key_decode(c->c_cfg, (int32_t)key, prefix,
	    sizeof prefix, &kind, &family, &u) != 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "no device has key "
		    "%lld", (long long)key);
		return (-1);
	}
	if (kind == HOSTD_VMCONFIG_DEV_NIC)
		return (hostd_vmconfig_nic_set(c, prefix, dev, 0, fp));
	if (kind != HOSTD_VMCONFIG_DEV_DISK) {
		/* Controllers and the fixed devices have nothing to edit. */
		return (0);
	}
	if ((size = hostd_vmconfig_capacity(dev)) <= 0)
		return (0);
	fn = hostd_vmconfig_get(c->c_cfg, prefix, "fileName");
	abs = hostd_vmconfig_abs(c->c_vmdir, fn != NULL ? fn : "");
	if ((d = disk_open(abs, 0, &cause)) == NULL) {
		*fp = hostd_vmconfig_devfault(c->c_index, "%s", cause);
		free(cause);
		free(abs);
		return (-1);
	}
	rc = 0;
	old = disk_size(d);
	if ((b = hostd_val_field(dev, "backing")) != NULL)
		hostd_val_get_bool(hostd_val_field(b, "eagerlyScrub"), &eager);
	if ((uint64_t)size < disk_size(d)) {
		*fp = hostd_vmconfig_devfault(c->c_index, "a disk cannot "
		    "shrink (%llu to %lld bytes)",
		    (unsigned long long)disk_size(d), (long long)size);
		rc = -1;
	} else if ((uint64_t)size > disk_size(d) && disk_resize(d,
	    (uint64_t)size, disk_format(d) == DISK_FORMAT_VMDK_SPARSE ?
	    DISK_PREALLOC_NONE : DISK_PREALLOC_ZEROED, &cause) != 0) {
		*fp = hostd_vmconfig_devfault(c->c_index, "%s", cause);
		free(cause);
		rc = -1;
	} else if ((uint64_t)size > old) {
		c->c_chg->vc_resized = 1;
		/* The added part of an eagerZeroedThick disk, as ESX. */
		if (eager && disk_format(d) != DISK_FORMAT_VMDK_SPARSE)
			hostd_vmconfig_zero_add(c->c_chg, abs, old,
			    (uint64_t)size - old);
	}
	if (disk_close(d) != 0 && rc == 0) {
		*fp = hostd_fault_system_error(abs);
		rc = -1;
	}
	free(abs);
	return (rc);
}

/* One VirtualDeviceConfigSpec; controllers is 1 in the first pass. */
static int
hostd_vmconfig_change(struct hostd_vmconfig_ctx *c,
    const struct hostd_val *ds, int controllers, struct hostd_fault **fp)
{
	const struct hostd_val	*dev;
	const char		*op, *fop, *type;
	char			 prefix[32];
	size_t			 i;
	int			 n;

	dev = hostd_val_field(ds, "device");
	op = hostd_val_str(hostd_val_field(ds, "operation"));
	fop = hostd_val_str(hostd_val_field(ds, "fileOperation"));
	/*
	 * govmomi's EditDevice sends "replace" and its callers may send an
	 * empty one: ESX edits the disk in place for both.
	 */
	if (fop != NULL && *fop == '\0')
		fop = NULL;
	type = dev != NULL ? dev->v_type : NULL;
	if (dev == NULL || type == NULL || (op != NULL && strcmp(op, "add") !=
	    0 && strcmp(op, "remove") != 0 && strcmp(op, "edit") != 0) ||
	    (fop != NULL && strcmp(fop, "create") != 0 &&
	    strcmp(fop, "destroy") != 0 && (strcmp(fop, "replace") != 0 ||
	    op == NULL || strcmp(op, "edit") != 0))) {
		if (controllers)
			return (0);
		*fp = hostd_vmconfig_devfault(c->c_index, "bad device "
		    "change");
		return (-1);
	}
	for (i = 0; i < sizeof hostd_vmconfig_ctltypes /
	    sizeof hostd_vmconfig_ctltypes[0]; i++) {
		if (strcmp(type, hostd_vmconfig_ctltypes[i].ct_type) == 0)
			break;
	}
	if (controllers) {
		if (i < sizeof hostd_vmconfig_ctltypes /
		    sizeof hostd_vmconfig_ctltypes[0] && op != NULL &&
		    strcmp(op, "add") == 0)
			return (hostd_vmconfig_ctl_add(c, dev, i, fp));
		return (0);
	}
	if (op == NULL) {
		*fp = hostd_vmconfig_devfault(c->c_index, "no operation");
		return (-1);
	}
	if (strcmp(op, "remove") == 0)
		return (hostd_vmconfig_remove(c, dev, fop != NULL &&
		    strcmp(fop, "destroy") == 0, fp));
	if (strcmp(op, "edit") == 0)
		return (hostd_vmconfig_edit(c, dev, fp));
	if (i < sizeof hostd_vmconfig_ctltypes /
	    sizeof hostd_vmconfig_ctltypes[0])
		return (0);	/* added in the first pass */
	if (strcmp(type, "VirtualDisk") == 0)
		return (hostd_vmconfig_disk_add(c, dev, fop != NULL &&
		    strcmp(fop, "create") == 0, fp));
	if (strcmp(type, "VirtualSerialPort") == 0)
		return (hostd_vmconfig_serial_add(c, dev, fp));
	for (i = 0; i < sizeof hostd_vmconfig_nictypes /
	    sizeof hostd_vmconfig_nictypes[0]; i++) {
		if (strcmp(type, hostd_vmconfig_nictypes[i][0]) == 0)
			break;
	}
	if (i == sizeof hostd_vmconfig_nictypes /
	    sizeof hostd_vmconfig_nictypes[0]) {
		*fp = hostd_vmconfig_devfault(c->c_index, "device type %s is "
		    "not supported", type);
		return (-1);
	}
	for (n = 0; n < HOSTD_VMCONFIG_NICS; n++) {
		snprintf(prefix, sizeof prefix, "ethernet%d", n);
		if (!hostd_vmconfig_present(c->c_cfg, prefix))
			break;
	}
	if (n == HOSTD_VMCONFIG_NICS) {
		*fp = hostd_vmconfig_devfault(c->c_index, "no free NIC slot");
		return (-1);
	}
	return (hostd_vmconfig_nic_set(c, prefix, dev, 1, fp));
}

int
hostd_vmconfig_apply(struct hostd_inventory *inv, struct cfg *cfg,
    const char *vmpath, const struct hostd_val *spec,
    struct hostd_vmconfig_change *chg, struct hostd_fault **fp)
{
	struct hostd_vmconfig_ctx	 c;
	const struct hostd_val		*v, *ov;
	const char			*s, *k, *slash;
	char				*cause = NULL, buf[32], *vmx;
	int64_t				 n;
	size_t				 i, cnt;
	int				 pass, rc = -1;

	memset(&c, 0, sizeof c);
	c.c_inv = inv;
	c.c_cfg = cfg;
	c.c_vmpath = vmpath;
	c.c_vmdir = hostd_vmconfig_dirname(vmpath);
	slash = strrchr(vmpath, '/');
	vmx = xstrdup(slash != NULL ? slash + 1 : vmpath);
	if (strlen(vmx) > 4 && strcmp(vmx + strlen(vmx) - 4, ".vmx") == 0)
		vmx[strlen(vmx) - 4] = '\0';
	c.c_vmname = vmx;
	c.c_chg = chg;
	*fp = NULL;

	if ((s = hostd_val_str(hostd_val_field(spec, "name"))) != NULL)
		cfg_set(cfg, "displayName", s);
	if ((s = hostd_val_str(hostd_val_field(spec, "guestId"))) != NULL) {
		if ((k = hostd_mo_virtualmachine_guest_vmx(s)) == NULL) {
			*fp = hostd_fault_invalid_argument(
			    "configSpec.guestId");
			goto out;
		}
		cfg_set(cfg, "guestOS", k);
	}
	if ((s = hostd_val_str(hostd_val_field(spec, "annotation"))) != NULL)
		cfg_set(cfg, "annotation", s);
	switch (hostd_vmconfig_int(spec, "memoryMB", 4, 1048576, &n)) {
	case -1:
		*fp = hostd_fault_invalid_argument("configSpec.memoryMB");
		goto out;
	case 1:
		if (n % 4 != 0) {
			*fp = hostd_fault_invalid_argument(
			    "configSpec.memoryMB");
			goto out;
		}
		snprintf(buf, sizeof buf, "%lld", (long long)n);
		cfg_set(cfg, "memsize", buf);
	}
	switch (hostd_vmconfig_int(spec, "numCPUs", 1, 64, &n)) {
	case -1:
		*fp = hostd_fault_invalid_argument("configSpec.numCPUs");
		goto out;
	case 1:
		snprintf(buf, sizeof buf, "%lld", (long long)n);
		cfg_set(cfg, "numvcpus", buf);
	}
	switch (hostd_vmconfig_int(spec, "numCoresPerSocket", 1, 64, &n)) {
	case -1:
		*fp = hostd_fault_invalid_argument(
		    "configSpec.numCoresPerSocket");
		goto out;
	case 1:
		snprintf(buf, sizeof buf, "%lld", (long long)n);
		cfg_set(cfg, "cpuid.coresPerSocket", buf);
	}
	if ((s = hostd_val_str(hostd_val_field(spec, "version"))) != NULL) {
		if (strncmp(s, "vmx-", 4) != 0 || (n = strtol(s + 4, NULL,
		    10)) < 4 || n > 19) {
			*fp = hostd_fault_invalid_argument(
			    "configSpec.version");
			goto out;
		}
		snprintf(buf, sizeof buf, "%lld", (long long)n);
		cfg_set(cfg, "virtualHW.version", buf);
	}
	cnt = hostd_val_field_count(spec, "extraConfig");
	for (i = 0; i < cnt; i++) {
		ov = hostd_val_field_nth(spec, "extraConfig", i);
		k = hostd_val_str(hostd_val_field(ov, "key"));
		v = hostd_val_field(ov, "value");
		s = hostd_val_str(v);
		if (k == NULL || !cfg_key_is_valid(k) ||
		    hostd_vmconfig_reserved(k)) {
			*fp = hostd_fault_invalid_argument(
			    "configSpec.extraConfig");
			goto out;
		}
		if (s == NULL && v != NULL && v->v_kind != HOSTD_VAL_OBJECT &&
		    v->v_kind != HOSTD_VAL_ARRAY) {
			/* A number or boolean value: its text. */
			if (v->v_kind == HOSTD_VAL_BOOLEAN)
				s = v->v_int ? "TRUE" : "FALSE";
			else {
				snprintf(buf, sizeof buf, "%lld",
				    (long long)v->v_int);
				s = buf;
			}
		}
		if (s == NULL || *s == '\0')
			cfg_unset(cfg, k);	/* an empty value deletes */
		else if (cfg_try_set(cfg, k, s, &cause) != 0) {
			*fp = hostd_fault_invalid_argument(
			    "configSpec.extraConfig");
			free(cause);
			goto out;
		}
	}
	/* Controllers first: a disk may name one added after it. */
	cnt = hostd_val_field_count(spec, "deviceChange");
	for (pass = 1; pass >= 0; pass--) {
		for (i = 0; i < cnt; i++) {
			c.c_index = i;
			if (hostd_vmconfig_change(&c, hostd_val_field_nth(spec,
			    "deviceChange", i), pass, fp) != 0)
				goto out;
		}
	}
	if (cnt > 0)
		chg->vc_devices = 1;
	rc = 0;
out:
	free(c.c_map);
	free(c.c_vmdir);
	free(vmx);
	return (rc);
}

static void
hostd_vmconfig_zero_add(struct hostd_vmconfig_change *chg, const char *path,
    uint64_t off, uint64_t len)
{
	struct hostd_dsjob_zero	*z;

	chg->vc_zero = xreallocarray(chg->vc_zero, chg->vc_nzero + 1,
	    sizeof *chg->vc_zero);
	z = &chg->vc_zero[chg->vc_nzero++];
	z->dz_path = xstrdup(path);
	z->dz_off = off;
	z->dz_len = len;
}

void
hostd_vmconfig_rollback(struct hostd_vmconfig_change *chg)
{
	size_t	i;

	for (i = 0; i < chg->vc_ncreated; i++) {
		if (unlink(chg->vc_created[i]) != 0 && errno != ENOENT)
			log_warn("%s", chg->vc_created[i]);
	}
	hostd_vmconfig_free_list(chg->vc_created, chg->vc_ncreated);
	hostd_vmconfig_free_list(chg->vc_doomed, chg->vc_ndoomed);
	hostd_dsjob_zero_free(chg->vc_zero, chg->vc_nzero);
	memset(chg, 0, sizeof *chg);
}

void
hostd_vmconfig_finish(struct hostd_vmconfig_change *chg)
{
	size_t	i;

	for (i = 0; i < chg->vc_ndoomed; i++) {
		if (unlink(chg->vc_doomed[i]) != 0 && errno != ENOENT)
			log_warn("%s", chg->vc_doomed[i]);
	}
	hostd_vmconfig_free_list(chg->vc_created, chg->vc_ncreated);
	hostd_vmconfig_free_list(chg->vc_doomed, chg->vc_ndoomed);
	hostd_dsjob_zero_free(chg->vc_zero, chg->vc_nzero);
	memset(chg, 0, sizeof *chg);
}

void
hostd_vmconfig_zero_start(struct hostd_inventory *inv, const char *task,
    struct hostd_vmconfig_change *chg,
    int (*done)(void *, struct hostd_fault **, struct hostd_val **),
    void (*freefn)(void *), void *arg)
{
	struct hostd_dsjob_zero	*z = chg->vc_zero;
	size_t			 n = chg->vc_nzero;

	/* The job may end (done and freefn, chg with them) before this
	 * returns: the ranges leave chg first. */
	chg->vc_zero = NULL;
	chg->vc_nzero = 0;
	hostd_dsjob_zero_start(inv, task, z, n, done, freefn, arg);
}

/* 1 if spec changes what only a powered-off VM may change (no hot-add). */
int
hostd_vmconfig_needs_off(const struct hostd_val *spec)
{
	static const char *const	 cold[] = {
		"memoryMB", "numCPUs", "numCoresPerSocket", "deviceChange",
		"guestId", "version", "firmware"
	};
	size_t				 i;

	for (i = 0; i < sizeof cold / sizeof cold[0]; i++) {
		if (hostd_val_field(spec, cold[i]) != NULL)
			return (1);
	}
	return (0);
}

/*
 * The privileges spec needs on the VM (ESX's split of
 * VirtualMachine.Config.*), at most max into privs; also *space when it
 * allocates datastore space (Datastore.AllocateSpace).  How many.
 */
size_t
hostd_vmconfig_privs(const struct hostd_val *spec, const char **privs,
    size_t max, int *space)
{
	static const char *const	 fields[][2] = {
		{ "name", "VirtualMachine.Config.Rename" },
		{ "annotation", "VirtualMachine.Config.Annotation" },
		{ "memoryMB", "VirtualMachine.Config.Memory" },
		{ "numCPUs", "VirtualMachine.Config.CPUCount" },
		{ "numCoresPerSocket", "VirtualMachine.Config.CPUCount" },
		{ "extraConfig", "VirtualMachine.Config.AdvancedConfig" },
		{ "guestId", "VirtualMachine.Config.Settings" },
		{ "version", "VirtualMachine.Config.Settings" },
	};
	const struct hostd_val		*dc, *dev;
	const char			*op, *fop, *p;
	size_t				 i, n = 0, cnt;

	*space = 0;
	for (i = 0; i < sizeof fields / sizeof fields[0] && n < max; i++) {
		if (hostd_val_field(spec, fields[i][0]) != NULL)
			privs[n++] = fields[i][1];
	}
	cnt = hostd_val_field_count(spec, "deviceChange");
	for (i = 0; i < cnt && n < max; i++) {
		dc = hostd_val_field_nth(spec, "deviceChange", i);
		dev = hostd_val_field(dc, "device");
		op = hostd_val_str(hostd_val_field(dc, "operation"));
		fop = hostd_val_str(hostd_val_field(dc, "fileOperation"));
		if (fop != NULL && *fop == '\0')
			fop = NULL;
		if (dev == NULL || dev->v_type == NULL || op == NULL)
			continue;
		if (strcmp(dev->v_type, "VirtualDisk") == 0) {
			if (strcmp(op, "add") == 0 && fop != NULL) {
				p = "VirtualMachine.Config.AddNewDisk";
				*space = 1;
			} else if (strcmp(op, "add") == 0)
				p = "VirtualMachine.Config.AddExistingDisk";
			else if (strcmp(op, "remove") == 0)
				p = "VirtualMachine.Config.RemoveDisk";
			else {
				p = "VirtualMachine.Config.DiskExtend";
				*space = 1;
			}
		} else if (strcmp(op, "edit") == 0)
			p = "VirtualMachine.Config.EditDevice";
		else
			p = "VirtualMachine.Config.AddRemoveDevice";
		privs[n++] = p;
	}
	if (n == 0 && max > 0)
		privs[n++] = "VirtualMachine.Config.Settings";
	return (n);
}
