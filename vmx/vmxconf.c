/* SPDX-License-Identifier: ISC */
/*
 * The .vmx keys vmx honours, and their translation into a struct vmx_conf
 * and libvmm's struct vmm_params.  lib/cfg reads the file; this file owns
 * the meaning of each key: an explicit table gives every honoured key with
 * its parser and one line of documentation (vmx.conf.5 says the same).
 * Keys not in the table are kept by lib/cfg and ignored here, because a
 * VMware .vmx carries hundreds of them.
 *
 * Nothing here opens a file or touches /dev/kvm: a .vmx is only read and
 * checked, so the fuzzer drives this file directly (vmx_conf_check_files,
 * which stats the disk images, is a separate call vmx makes).  Each error
 * is one line for a person, "FILE: key: reason".
 *
 * Disks and NICs are families of keys (scsi0:0.fileName, ethernet1.*), so
 * they are read by vmx_conf_disks and vmx_conf_nics rather than from the
 * table; vmx_conf_dev_keys documents them.  A NIC whose addressType is
 * generated and that has no generatedAddress gets a random one in
 * VMware's 00:0c:29 range here; vmx writes it back to the .vmx
 * (vmx_conf_write_macs) so the guest keeps it.  A NIC with no backing on
 * this host (no networkName, or one such as ESXi's "VM Network" that
 * cannot name a bridge or TAP) or with startConnected FALSE powers on as
 * ESX does, present but disconnected (VMM_NIC_NONE, cn_disconnected says
 * why, for vmware.log).
 */

#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "xmalloc.h"
#include "vmx.h"

/* Longest kernel command line accepted (Linux's own limit is smaller). */
#define VMX_CONF_CMDLINE_MAX	65535
#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

/* Longest part of a bad value repeated in a message. */
#define VMX_CONF_QUOTE_MAX	64

static char	*vmx_conf_quote(const char *);
static int	vmx_conf_number(const char *, const char *, long long,
		    long long, long long *, char **);
static int	vmx_conf_bool(const char *, const char *, int *, char **);
static int	vmx_conf_path(struct vmx_conf *, const char *, const char *,
		    char **, char **);
static int	vmx_conf_check(struct vmx_conf *, unsigned int, char **);
static const char *vmx_conf_unit_get(const struct cfg *, const char *,
		    const char *);
static int	vmx_conf_disk(struct vmx_conf *, const struct cfg *,
		    const char *, struct vmx_conf_disk *, int *, char **);
static int	vmx_conf_disks(struct vmx_conf *, const struct cfg *,
		    char **);
static int	vmx_conf_mac(const char *, const char *, uint8_t *, char **);
static void	vmx_conf_network(struct vmx_conf_nic *, const char *);
static void	vmx_conf_mac_generate(uint8_t *);
static int	vmx_conf_nic(const struct cfg *, const char *,
		    struct vmx_conf_nic *, char **);
static int	vmx_conf_nics(struct vmx_conf *, const struct cfg *, char **);

static int	vmx_conf_display_name(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_guest_os(struct vmx_conf *, const char *, char **);
static int	vmx_conf_memsize(struct vmx_conf *, const char *, char **);
static int	vmx_conf_numvcpus(struct vmx_conf *, const char *, char **);
static int	vmx_conf_serial_present(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_serial_type(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_serial_file(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_serial_maxsize(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_serial_keepold(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_logging(struct vmx_conf *, const char *, char **);
static int	vmx_conf_log_file(struct vmx_conf *, const char *, char **);
static int	vmx_conf_log_keepold(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_kernel(struct vmx_conf *, const char *, char **);
static int	vmx_conf_initrd(struct vmx_conf *, const char *, char **);
static int	vmx_conf_cmdline(struct vmx_conf *, const char *, char **);
static int	vmx_conf_debug_exit(struct vmx_conf *, const char *, char **);
static int	vmx_conf_virtio_rng(struct vmx_conf *, const char *, char **);
static int	vmx_conf_boot(struct vmx_conf *, const char *, char **);

/*
 * Every key vmx honours, in the order they are applied.  Order matters in
 * one place only: serial0.present is read before the other serial0 keys.
 */
const struct vmx_conf_key vmx_conf_keys[] = {
	{ "displayName", vmx_conf_display_name,
	  "name in logs; default: the file name without .vmx" },
	{ "guestOS", vmx_conf_guest_os,
	  "guest type (other-64, ...); only logged" },
	{ "memsize", vmx_conf_memsize,
	  "RAM in MiB, a multiple of 4, 4 to 1048576; default 256" },
	{ "numvcpus", vmx_conf_numvcpus,
	  "vCPUs, 1 to 64, at most the host's CPUs; default 1" },
	{ "serial0.present", vmx_conf_serial_present,
	  "TRUE connects COM1 (serial0.*); default FALSE" },
	{ "serial0.fileType", vmx_conf_serial_type,
	  "file, device, pty or stdio; default file or stdio" },
	{ "serial0.fileName", vmx_conf_serial_file,
	  "the output file (file) or the tty (device)" },
	{ "serial0.fileMaxSize", vmx_conf_serial_maxsize,
	  "file: bytes before rotating, 0 never; default 16 MiB" },
	{ "serial0.fileKeepOld", vmx_conf_serial_keepold,
	  "file: rotated files kept, 0 to 99; default 2" },
	{ "logging", vmx_conf_logging,
	  "FALSE writes no vmware.log; default TRUE" },
	{ "log.fileName", vmx_conf_log_file,
	  "the log; default vmware.log next to the .vmx" },
	{ "log.keepOld", vmx_conf_log_keepold,
	  "old logs kept at power-on, 0 to 99; default 3" },
	{ "vireo.kernel", vmx_conf_kernel,
	  "kernel: ELF (PVH or 64-bit entry), bzImage; required" },
	{ "vireo.initrd", vmx_conf_initrd,
	  "initrd (Linux) or module (PVH); default none" },
	{ "vireo.cmdline", vmx_conf_cmdline,
	  "kernel command line; default empty" },
	{ "vireo.debugExit", vmx_conf_debug_exit,
	  "TRUE adds the debug-exit port 0xf4; default FALSE" },
	{ "vireo.virtioRng", vmx_conf_virtio_rng,
	  "TRUE adds a virtio-rng device fed by getrandom(); default FALSE" },
	{ "vireo.bootProtocol", vmx_conf_boot,
	  "auto, linux, elf or pvh; default auto" },
};
const size_t vmx_conf_nkeys = sizeof vmx_conf_keys / sizeof vmx_conf_keys[0];

/* The disk and NIC key families (X: controller, Y: unit, N: NIC). */
const struct vmx_conf_key vmx_conf_dev_keys[] = {
	{ "scsiX:Y.present", NULL,
	  "TRUE adds the disk; also sataX:Y, nvmeX:Y, ideX:Y: all virtio-blk" },
	{ "scsiX:Y.fileName", NULL,
	  "disk image (raw, VMDK flat or sparse), relative to the .vmx" },
	{ "scsiX:Y.deviceType", NULL,
	  "*hardDisk or disk; cdrom-image: read-only; cdrom-raw: ignored" },
	{ "scsiX:Y.mode", NULL,
	  "persistent or independent-persistent; nonpersistent refused" },
	{ "scsiX:Y.readOnly", NULL,
	  "TRUE opens the image read-only (Vireo); default FALSE" },
	{ "scsiX:Y.startConnected", NULL,
	  "FALSE leaves the unit out; default TRUE" },
	{ "ethernetN.present", NULL,
	  "TRUE adds NIC N (0 to 9), a virtio-net; default FALSE" },
	{ "ethernetN.virtualDev", NULL,
	  "e1000, e1000e, vmxnet3, vmxnet, vlance, virtio: all virtio-net" },
	{ "ethernetN.networkName", NULL,
	  "a Linux bridge, bridge:NAME or tap:NAME; else disconnected" },
	{ "ethernetN.startConnected", NULL,
	  "FALSE: present with its link down; default TRUE" },
	{ "ethernetN.connectionType", NULL,
	  "bridged (the only one); default bridged" },
	{ "ethernetN.addressType", NULL,
	  "generated, static or vpx; default generated" },
	{ "ethernetN.generatedAddress", NULL,
	  "MAC for generated and vpx; made in 00:0c:29 and saved if absent" },
	{ "ethernetN.address", NULL,
	  "MAC for static, 00:50:56:00:00:00 to 00:50:56:3f:ff:ff" },
};
const size_t vmx_conf_ndev_keys = nitems(vmx_conf_dev_keys);

/*
 * A value quoted for a message: control characters (a |0A in the file)
 * become '?' so the message stays one line, and a long value is cut.
 */
static char *
vmx_conf_quote(const char *value)
{
	char	*q;
	size_t	 i, len;

	len = strlen(value);
	if (len > VMX_CONF_QUOTE_MAX)
		len = VMX_CONF_QUOTE_MAX;
	xasprintf(&q, "\"%.*s%s\"", (int)len, value,
	    value[len] != '\0' ? "..." : "");
	for (i = 0; q[i] != '\0'; i++) {
		if ((unsigned char)q[i] < 0x20 || q[i] == 0x7f)
			q[i] = '?';
	}
	return (q);
}

/* Parse an unsigned decimal value of key within [min, max]. */
static int
vmx_conf_number(const char *key, const char *value, long long min,
    long long max, long long *out, char **cause)
{
	const char	*p;
	char		*q;
	long long	 n = 0;

	if (*value == '\0') {
		xasprintf(cause, "%s is empty", key);
		return (-1);
	}
	for (p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			q = vmx_conf_quote(value);
			xasprintf(cause, "%s %s is not a number", key, q);
			free(q);
			return (-1);
		}
		if (n > (LLONG_MAX - (*p - '0')) / 10) {
			n = LLONG_MAX;
			break;
		}
		n = n * 10 + (*p - '0');
	}
	if (n < min || n > max) {
		q = vmx_conf_quote(value);
		xasprintf(cause, "%s %s is out of range (%lld to %lld)",
		    key, q, min, max);
		free(q);
		return (-1);
	}
	*out = n;
	return (0);
}

/* Parse a VMware boolean: TRUE or FALSE, and the usual spellings. */
static int
vmx_conf_bool(const char *key, const char *value, int *out, char **cause)
{
	static const char *const	 yes[] = { "true", "yes", "on", "1" };
	static const char *const	 no[] = { "false", "no", "off", "0" };
	char				*q;
	size_t				 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = 1;
			return (0);
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = 0;
			return (0);
		}
	}
	q = vmx_conf_quote(value);
	xasprintf(cause, "%s %s is not TRUE or FALSE", key, q);
	free(q);
	return (-1);
}

/* Resolve a path value against the .vmx's directory into *out. */
static int
vmx_conf_path(struct vmx_conf *vc, const char *key, const char *value,
    char **out, char **cause)
{
	if (*value == '\0') {
		xasprintf(cause, "%s is empty", key);
		return (-1);
	}
	free(*out);
	if (value[0] == '/')
		*out = xstrdup(value);
	else if (strcmp(vc->vc_dir, "/") == 0)
		xasprintf(out, "/%s", value);
	else
		xasprintf(out, "%s/%s", vc->vc_dir, value);
	return (0);
}

static int
vmx_conf_display_name(struct vmx_conf *vc, const char *value, char **cause)
{
	if (*value != '\0') {
		free(vc->vc_name);
		vc->vc_name = xstrdup(value);
	}
	return (0);
}

static int
vmx_conf_guest_os(struct vmx_conf *vc, const char *value, char **cause)
{
	free(vc->vc_guestos);
	vc->vc_guestos = xstrdup(value);
	return (0);
}

static int
vmx_conf_memsize(struct vmx_conf *vc, const char *value, char **cause)
{
	long long	 n;
	char		*q;

	if (vmx_conf_number("memsize", value, VMX_MEMSIZE_MIN,
	    VMX_MEMSIZE_MAX, &n, cause) != 0)
		return (-1);
	if (n % 4 != 0) {
		q = vmx_conf_quote(value);
		xasprintf(cause, "memsize %s is not a multiple of 4 MiB", q);
		free(q);
		return (-1);
	}
	vc->vc_memsize = (unsigned int)n;
	return (0);
}

static int
vmx_conf_numvcpus(struct vmx_conf *vc, const char *value, char **cause)
{
	long long	n;

	if (vmx_conf_number("numvcpus", value, 1, VMM_MAX_VCPUS, &n,
	    cause) != 0)
		return (-1);
	vc->vc_ncpus = (unsigned int)n;
	return (0);
}

static int
vmx_conf_serial_present(struct vmx_conf *vc, const char *value,
    char **cause)
{
	return (vmx_conf_bool("serial0.present", value,
	    &vc->vc_serial_present, cause));
}

static int
vmx_conf_serial_type(struct vmx_conf *vc, const char *value, char **cause)
{
	static const struct {
		const char		*name;
		enum vmx_serial_type	 type;
	} types[] = {
		{ "file", VMX_SERIAL_FILE },
		{ "device", VMX_SERIAL_DEVICE },
		{ "pty", VMX_SERIAL_PTY },
		{ "stdio", VMX_SERIAL_STDIO },
	};
	char	*q;
	size_t	 i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcasecmp(value, types[i].name) == 0) {
			vc->vc_serial = types[i].type;
			return (0);
		}
	}
	q = vmx_conf_quote(value);
	xasprintf(cause, "serial0.fileType %s is not supported "
	    "(use file, device, pty or stdio)", q);
	free(q);
	return (-1);
}

static int
vmx_conf_serial_file(struct vmx_conf *vc, const char *value, char **cause)
{
	return (vmx_conf_path(vc, "serial0.fileName", value,
	    &vc->vc_serial_file, cause));
}

static int
vmx_conf_logging(struct vmx_conf *vc, const char *value, char **cause)
{
	return (vmx_conf_bool("logging", value, &vc->vc_logging, cause));
}

static int
vmx_conf_log_file(struct vmx_conf *vc, const char *value, char **cause)
{
	return (vmx_conf_path(vc, "log.fileName", value, &vc->vc_log_file,
	    cause));
}

static int
vmx_conf_log_keepold(struct vmx_conf *vc, const char *value, char **cause)
{
	long long	n;

	if (vmx_conf_number("log.keepOld", value, 0, VMX_LOG_KEEPOLD_MAX,
	    &n, cause) != 0)
		return (-1);
	vc->vc_log_keepold = (unsigned int)n;
	return (0);
}

static int
vmx_conf_serial_maxsize(struct vmx_conf *vc, const char *value,
    char **cause)
{
	long long	n;

	if (vmx_conf_number("serial0.fileMaxSize", value, 0,
	    VMX_SERIAL_MAXSIZE_MAX, &n, cause) != 0)
		return (-1);
	vc->vc_serial_maxsize = (uint64_t)n;
	return (0);
}

static int
vmx_conf_serial_keepold(struct vmx_conf *vc, const char *value,
    char **cause)
{
	long long	n;

	if (vmx_conf_number("serial0.fileKeepOld", value, 0,
	    VMX_LOG_KEEPOLD_MAX, &n, cause) != 0)
		return (-1);
	vc->vc_serial_keepold = (unsigned int)n;
	return (0);
}

static int
vmx_conf_kernel(struct vmx_conf *vc, const char *value, char **cause)
{
	return (vmx_conf_path(vc, "vireo.kernel", value, &vc->vc_kernel,
	    cause));
}

static int
vmx_conf_initrd(struct vmx_conf *vc, const char *value, char **cause)
{
	/* An empty initrd means none, as VMware does for empty paths. */
	if (*value == '\0')
		return (0);
	return (vmx_conf_path(vc, "vireo.initrd", value, &vc->vc_initrd,
	    cause));
}

static int
vmx_conf_cmdline(struct vmx_conf *vc, const char *value, char **cause)
{
	if (strlen(value) > VMX_CONF_CMDLINE_MAX) {
		xasprintf(cause, "vireo.cmdline is longer than %d bytes",
		    VMX_CONF_CMDLINE_MAX);
		return (-1);
	}
	free(vc->vc_cmdline);
	vc->vc_cmdline = xstrdup(value);
	return (0);
}

static int
vmx_conf_debug_exit(struct vmx_conf *vc, const char *value, char **cause)
{
	return (vmx_conf_bool("vireo.debugExit", value, &vc->vc_debug_exit,
	    cause));
}

static int
vmx_conf_virtio_rng(struct vmx_conf *vc, const char *value, char **cause)
{
	return (vmx_conf_bool("vireo.virtioRng", value, &vc->vc_virtio_rng,
	    cause));
}

static int
vmx_conf_boot(struct vmx_conf *vc, const char *value, char **cause)
{
	static const struct {
		const char		*name;
		enum vmm_boot_kind	 kind;
	} kinds[] = {
		{ "auto", VMM_BOOT_AUTO },
		{ "linux", VMM_BOOT_BZIMAGE },
		{ "bzimage", VMM_BOOT_BZIMAGE },
		{ "elf", VMM_BOOT_ELF },
		{ "pvh", VMM_BOOT_PVH },
	};
	char	*q;
	size_t	 i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcasecmp(value, kinds[i].name) == 0) {
			vc->vc_boot = kinds[i].kind;
			return (0);
		}
	}
	q = vmx_conf_quote(value);
	xasprintf(cause, "vireo.bootProtocol %s is not auto, linux, elf "
	    "or pvh", q);
	free(q);
	return (-1);
}

/*
 * Disks.  Every present unit of the controller types below becomes a
 * virtio-blk disk, in this order: type (the table's), bus, unit.  The
 * controller's own keys (scsi0.virtualDev ...) are ignored, except that an
 * explicit scsi0.present = "FALSE" removes its units, as on VMware.
 */
static const struct {
	const char	*type;
	unsigned int	 buses;
	unsigned int	 units;
} vmx_conf_controllers[] = {
	{ "scsi", 4, 16 },
	{ "sata", 4, 30 },
	{ "nvme", 4, 15 },
	{ "ide", 2, 2 },
};

/* The value of "<unit>.<prop>", or NULL. */
static const char *
vmx_conf_unit_get(const struct cfg *cfg, const char *unit, const char *prop)
{
	char		 key[64];

	snprintf(key, sizeof key, "%s.%s", unit, prop);
	return (cfg_get(cfg, key));
}

/* One present disk unit; *skip set when it is an empty or host CD drive. */
static int
vmx_conf_disk(struct vmx_conf *vc, const struct cfg *cfg, const char *unit,
    struct vmx_conf_disk *cd, int *skip, char **cause)
{
	const char	*type, *mode, *file, *v;
	char		 key[64], *q;
	int		 connected = 1, ro = 0;

	*skip = 0;
	type = vmx_conf_unit_get(cfg, unit, "deviceType");
	if (type != NULL && strcasecmp(type, "cdrom-image") == 0)
		cd->cd_cdrom = 1;
	else if (type != NULL && (strcasecmp(type, "cdrom-raw") == 0 ||
	    strcasecmp(type, "atapi-cdrom") == 0)) {
		*skip = 1;	/* a host CD drive: not emulated */
		return (0);
	} else if (type != NULL && strcasecmp(type, "disk") != 0 &&
	    (strlen(type) < 8 ||
	    strcasecmp(type + strlen(type) - 8, "hardDisk") != 0)) {
		q = vmx_conf_quote(type);
		xasprintf(cause, "%s.deviceType %s is not supported (use "
		    "scsi-hardDisk, ata-hardDisk, disk or cdrom-image)", unit,
		    q);
		free(q);
		return (-1);
	}
	if ((v = vmx_conf_unit_get(cfg, unit, "startConnected")) != NULL) {
		snprintf(key, sizeof key, "%s.startConnected", unit);
		if (vmx_conf_bool(key, v, &connected, cause) != 0)
			return (-1);
	}
	if ((v = vmx_conf_unit_get(cfg, unit, "readOnly")) != NULL) {
		snprintf(key, sizeof key, "%s.readOnly", unit);
		if (vmx_conf_bool(key, v, &ro, cause) != 0)
			return (-1);
	}
	mode = vmx_conf_unit_get(cfg, unit, "mode");
	if (mode != NULL && *mode != '\0' &&
	    strcasecmp(mode, "persistent") != 0 &&
	    strcasecmp(mode, "independent-persistent") != 0) {
		q = vmx_conf_quote(mode);
		xasprintf(cause, "%s.mode %s is not supported (use persistent "
		    "or independent-persistent)", unit, q);
		free(q);
		return (-1);
	}
	file = vmx_conf_unit_get(cfg, unit, "fileName");
	if (cd->cd_cdrom && (!connected || file == NULL || *file == '\0')) {
		*skip = 1;	/* an empty or disconnected CD drive */
		return (0);
	}
	if (!connected) {
		*skip = 1;
		return (0);
	}
	snprintf(key, sizeof key, "%s.fileName", unit);
	if (file == NULL) {
		xasprintf(cause, "%s is not set (the disk image)", key);
		return (-1);
	}
	if (vmx_conf_path(vc, key, file, &cd->cd_path, cause) != 0)
		return (-1);
	cd->cd_name = xstrdup(unit);
	cd->cd_readonly = ro || cd->cd_cdrom;
	return (0);
}

/* Every present disk unit, in controller, bus, unit order. */
static int
vmx_conf_disks(struct vmx_conf *vc, const struct cfg *cfg, char **cause)
{
	struct vmx_conf_disk	 cd;
	const char		*v, *type;
	char			 unit[32], key[64];
	unsigned int		 c, bus, u;
	int			 present, skip;

	for (c = 0; c < nitems(vmx_conf_controllers); c++) {
		type = vmx_conf_controllers[c].type;
		for (bus = 0; bus < vmx_conf_controllers[c].buses; bus++) {
			snprintf(key, sizeof key, "%s%u.present", type, bus);
			v = cfg_get(cfg, key);
			if (v != NULL && vmx_conf_bool(key, v, &present,
			    cause) != 0)
				return (-1);
			if (v != NULL && !present)
				continue;
			for (u = 0; u < vmx_conf_controllers[c].units; u++) {
				snprintf(unit, sizeof unit, "%s%u:%u", type,
				    bus, u);
				v = vmx_conf_unit_get(cfg, unit, "present");
				if (v == NULL)
					continue;
				snprintf(key, sizeof key, "%s.present", unit);
				if (vmx_conf_bool(key, v, &present,
				    cause) != 0)
					return (-1);
				if (!present)
					continue;
				memset(&cd, 0, sizeof cd);
				if (vmx_conf_disk(vc, cfg, unit, &cd, &skip,
				    cause) != 0) {
					free(cd.cd_path);
					return (-1);
				}
				if (skip) {
					free(cd.cd_path);
					continue;
				}
				if (vc->vc_ndisks == VMM_MAX_DISKS) {
					free(cd.cd_path);
					free(cd.cd_name);
					xasprintf(cause, "%s: more than %d "
					    "disks", unit, VMM_MAX_DISKS);
					return (-1);
				}
				vc->vc_disks[vc->vc_ndisks++] = cd;
			}
		}
	}
	return (0);
}

/*
 * Parse "xx:xx:xx:xx:xx:xx" (hex, any case) into mac; it must be a
 * unicast address other than zero.
 */
static int
vmx_conf_mac(const char *key, const char *value, uint8_t *mac,
    char **cause)
{
	const char	*p = value;
	char		*q;
	unsigned int	 i, j, v;

	for (i = 0; i < 6; i++) {
		v = 0;
		for (j = 0; j < 2; j++, p++) {
			if (*p >= '0' && *p <= '9')
				v = v * 16 + (unsigned int)(*p - '0');
			else if (*p >= 'a' && *p <= 'f')
				v = v * 16 + (unsigned int)(*p - 'a' + 10);
			else if (*p >= 'A' && *p <= 'F')
				v = v * 16 + (unsigned int)(*p - 'A' + 10);
			else
				goto bad;
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *p++ != ':')
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (mac[0] & 1) {
		q = vmx_conf_quote(value);
		xasprintf(cause, "%s %s is a multicast address", key, q);
		free(q);
		return (-1);
	}
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
		xasprintf(cause, "%s is all zeros", key);
		return (-1);
	}
	return (0);

bad:
	q = vmx_conf_quote(value);
	xasprintf(cause, "%s %s is not a MAC address (xx:xx:xx:xx:xx:xx)",
	    key, q);
	free(q);
	return (-1);
}

void
vmx_conf_mac_format(const uint8_t *mac, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
}

/*
 * networkName: "tap:NAME", "bridge:NAME" or a bare NAME (a bridge if one
 * exists, else a TAP).  A name that cannot be an interface (an ESXi port
 * group such as "VM Network") leaves cn_ifname NULL: nothing on this host
 * backs it, and vmx_conf_nic makes the NIC a disconnected one.
 */
static void
vmx_conf_network(struct vmx_conf_nic *cn, const char *value)
{
	const char	*name = value, *p;

	cn->cn_backend = VMM_NIC_AUTO;
	if (strncasecmp(value, "tap:", 4) == 0) {
		cn->cn_backend = VMM_NIC_TAP;
		name = value + 4;
	} else if (strncasecmp(value, "bridge:", 7) == 0) {
		cn->cn_backend = VMM_NIC_BRIDGE;
		name = value + 7;
	}
	cn->cn_network = xstrdup(value);
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return;
	}
	if (*name == '\0' || strlen(name) > 15 || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return;
	cn->cn_ifname = xstrdup(name);
}

/* A new MAC in VMware's generated range 00:0c:29:xx:xx:xx. */
static void
vmx_conf_mac_generate(uint8_t *mac)
{
	uint8_t		r[3];
	ssize_t		n;
	unsigned int	seed;

	mac[0] = 0x00;
	mac[1] = 0x0c;
	mac[2] = 0x29;
	n = getrandom(r, sizeof r, GRND_NONBLOCK);
	if (n != (ssize_t)sizeof r) {
		seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
		r[0] = (uint8_t)rand_r(&seed);
		r[1] = (uint8_t)rand_r(&seed);
		r[2] = (uint8_t)rand_r(&seed);
	}
	memcpy(mac + 3, r, 3);
}

/* One present ethernetN. */
static int
vmx_conf_nic(const struct cfg *cfg, const char *nic, struct vmx_conf_nic *cn,
    char **cause)
{
	static const char *const	 models[] = {
		"e1000", "e1000e", "vmxnet3", "vmxnet", "vmxnet2", "vlance",
		"virtio"
	};
	const char			*v, *atype;
	char				 key[64], *q;
	size_t				 i;
	int				 connected = 1;

	cn->cn_name = xstrdup(nic);
	if ((v = vmx_conf_unit_get(cfg, nic, "virtualDev")) != NULL) {
		for (i = 0; i < nitems(models); i++) {
			if (strcasecmp(v, models[i]) == 0)
				break;
		}
		if (i == nitems(models)) {
			q = vmx_conf_quote(v);
			xasprintf(cause, "%s.virtualDev %s is not a NIC model "
			    "(e1000, e1000e, vmxnet3, vmxnet, vlance, "
			    "virtio)", nic, q);
			free(q);
			return (-1);
		}
		cn->cn_model = xstrdup(v);
	}
	v = vmx_conf_unit_get(cfg, nic, "connectionType");
	if (v != NULL && strcasecmp(v, "bridged") != 0) {
		q = vmx_conf_quote(v);
		xasprintf(cause, "%s.connectionType %s is not supported (only "
		    "bridged)", nic, q);
		free(q);
		return (-1);
	}
	if ((v = vmx_conf_unit_get(cfg, nic, "networkName")) != NULL)
		vmx_conf_network(cn, v);
	if ((v = vmx_conf_unit_get(cfg, nic, "startConnected")) != NULL) {
		snprintf(key, sizeof key, "%s.startConnected", nic);
		if (vmx_conf_bool(key, v, &connected, cause) != 0)
			return (-1);
	}
	/* As ESX: no backing is no reason to refuse the power-on. */
	if (!connected)
		cn->cn_disconnected = xstrdup("startConnected is FALSE");
	else if (cn->cn_network == NULL)
		cn->cn_disconnected = xstrdup("networkName is not set");
	else if (cn->cn_ifname == NULL) {
		q = vmx_conf_quote(cn->cn_network);
		xasprintf(&cn->cn_disconnected, "networkName %s has no "
		    "backing on this host (a Linux bridge, bridge:NAME or "
		    "tap:NAME)", q);
		free(q);
	}
	if (cn->cn_disconnected != NULL)
		cn->cn_backend = VMM_NIC_NONE;

	atype = vmx_conf_unit_get(cfg, nic, "addressType");
	if (atype == NULL || strcasecmp(atype, "generated") == 0) {
		snprintf(key, sizeof key, "%s.generatedAddress", nic);
		if ((v = cfg_get(cfg, key)) == NULL || *v == '\0') {
			vmx_conf_mac_generate(cn->cn_mac);
			cn->cn_generated = 1;
			return (0);
		}
		return (vmx_conf_mac(key, v, cn->cn_mac, cause));
	}
	if (strcasecmp(atype, "static") == 0) {
		snprintf(key, sizeof key, "%s.address", nic);
		if ((v = cfg_get(cfg, key)) == NULL) {
			xasprintf(cause, "%s is not set (addressType is "
			    "static)", key);
			return (-1);
		}
		if (vmx_conf_mac(key, v, cn->cn_mac, cause) != 0)
			return (-1);
		if (cn->cn_mac[0] != 0x00 || cn->cn_mac[1] != 0x50 ||
		    cn->cn_mac[2] != 0x56 || cn->cn_mac[3] > 0x3f) {
			q = vmx_conf_quote(v);
			xasprintf(cause, "%s %s is outside 00:50:56:00:00:00 "
			    "to 00:50:56:3f:ff:ff", key, q);
			free(q);
			return (-1);
		}
		return (0);
	}
	if (strcasecmp(atype, "vpx") == 0) {
		snprintf(key, sizeof key, "%s.generatedAddress", nic);
		if ((v = cfg_get(cfg, key)) == NULL) {
			xasprintf(cause, "%s is not set (addressType is vpx)",
			    key);
			return (-1);
		}
		return (vmx_conf_mac(key, v, cn->cn_mac, cause));
	}
	q = vmx_conf_quote(atype);
	xasprintf(cause, "%s.addressType %s is not generated, static or vpx",
	    nic, q);
	free(q);
	return (-1);
}

/* ethernet0 .. ethernet9, the present ones in order. */
static int
vmx_conf_nics(struct vmx_conf *vc, const struct cfg *cfg, char **cause)
{
	struct vmx_conf_nic	*cn;
	const char		*v;
	char			 nic[32], key[64];
	unsigned int		 i;
	int			 present;

	for (i = 0; i < VMM_MAX_NICS; i++) {
		snprintf(nic, sizeof nic, "ethernet%u", i);
		snprintf(key, sizeof key, "%s.present", nic);
		if ((v = cfg_get(cfg, key)) == NULL)
			continue;
		if (vmx_conf_bool(key, v, &present, cause) != 0)
			return (-1);
		if (!present)
			continue;
		cn = &vc->vc_nics[vc->vc_nnics++];
		if (vmx_conf_nic(cfg, nic, cn, cause) != 0)
			return (-1);
	}
	return (0);
}

/*
 * What vmx checks before power-on, so that a typo is a .vmx error
 * (status 2): every disk image exists and is a regular file or a block
 * device.  (A NIC with no backing is not an error: it powers on
 * disconnected.)  0, or -1 with *cause "scsi0:0.fileName "x": reason" (no
 * path prefix).
 */
int
vmx_conf_check_files(const struct vmx_conf *vc, char **cause)
{
	const struct vmx_conf_disk	*cd;
	struct stat			 st;
	unsigned int			 i;

	for (i = 0; i < vc->vc_ndisks; i++) {
		cd = &vc->vc_disks[i];
		if (stat(cd->cd_path, &st) != 0) {
			xasprintf(cause, "%s.fileName \"%s\": %s",
			    cd->cd_name, cd->cd_path, strerror(errno));
			return (-1);
		}
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
			xasprintf(cause, "%s.fileName \"%s\": not a file "
			    "or block device", cd->cd_name, cd->cd_path);
			return (-1);
		}
	}
	return (0);
}

/*
 * Store the MACs generated by vmx_conf_create in cfg, as VMware does:
 * ethernetN.generatedAddress and ethernetN.generatedAddressOffset = "0".
 * Other lines of cfg stay byte for byte.  Returns how many NICs had one.
 */
unsigned int
vmx_conf_write_macs(const struct vmx_conf *vc, struct cfg *cfg)
{
	const struct vmx_conf_nic	*cn;
	char				 key[64], mac[32];
	unsigned int			 i, n = 0;

	for (i = 0; i < vc->vc_nnics; i++) {
		cn = &vc->vc_nics[i];
		if (!cn->cn_generated)
			continue;
		vmx_conf_mac_format(cn->cn_mac, mac, sizeof mac);
		snprintf(key, sizeof key, "%s.generatedAddress", cn->cn_name);
		cfg_set(cfg, key, mac);
		snprintf(key, sizeof key, "%s.generatedAddressOffset",
		    cn->cn_name);
		cfg_set(cfg, key, "0");
		n++;
	}
	return (n);
}

/* Checks that involve several keys or the host, once every key is read. */
static int
vmx_conf_check(struct vmx_conf *vc, unsigned int maxcpus, char **cause)
{
	if (vc->vc_kernel == NULL) {
		xasprintf(cause, "vireo.kernel is not set (the kernel image "
		    "to boot)");
		return (-1);
	}
	if (maxcpus != 0 && vc->vc_ncpus > maxcpus) {
		xasprintf(cause, "numvcpus \"%u\" is more than the host's %u "
		    "CPUs", vc->vc_ncpus, maxcpus);
		return (-1);
	}
	if (!vc->vc_serial_present)
		vc->vc_serial = VMX_SERIAL_NONE;
	else if (vc->vc_serial == VMX_SERIAL_NONE) {
		vc->vc_serial = vc->vc_serial_file != NULL ?
		    VMX_SERIAL_FILE : VMX_SERIAL_STDIO;
	}
	if ((vc->vc_serial == VMX_SERIAL_FILE ||
	    vc->vc_serial == VMX_SERIAL_DEVICE) && vc->vc_serial_file == NULL) {
		xasprintf(cause, "serial0.fileType \"%s\" needs "
		    "serial0.fileName", vmx_conf_serial_name(vc->vc_serial));
		return (-1);
	}
	return (0);
}

/*
 * Translate a parsed .vmx (borrowed) read from path into a new vmx_conf.
 * maxcpus is the host's CPU count (0: no host limit).  Returns NULL with
 * *cause "path: reason" on the first bad key.
 */
struct vmx_conf *
vmx_conf_create(const struct cfg *cfg, const char *path,
    unsigned int maxcpus, char **cause)
{
	struct vmx_conf			*vc;
	const struct vmx_conf_key	*ck;
	const char			*value, *base, *dot;
	char				*why = NULL;
	size_t				 i;

	vc = xcalloc(1, sizeof *vc);
	vc->vc_path = xstrdup(path);
	if ((base = strrchr(path, '/')) == NULL) {
		vc->vc_dir = xstrdup(".");
		base = path;
	} else {
		vc->vc_dir = base == path ? xstrdup("/") :
		    xstrndup(path, (size_t)(base - path));
		base++;
	}
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base && strcasecmp(dot, ".vmx") == 0)
		vc->vc_name = xstrndup(base, (size_t)(dot - base));
	else
		vc->vc_name = xstrdup(*base != '\0' ? base : "vm");
	vc->vc_memsize = VMX_MEMSIZE_DEFAULT;
	vc->vc_ncpus = 1;
	vc->vc_boot = VMM_BOOT_AUTO;
	vc->vc_serial = VMX_SERIAL_NONE;
	vc->vc_logging = 1;
	vmx_conf_path(vc, "log.fileName", VMX_LOG_NAME_DEFAULT,
	    &vc->vc_log_file, cause);
	vc->vc_log_keepold = VMX_LOG_KEEPOLD_DEFAULT;
	vc->vc_serial_maxsize = VMX_SERIAL_MAXSIZE_DEFAULT;
	vc->vc_serial_keepold = VMX_SERIAL_KEEPOLD_DEFAULT;

	for (i = 0; i < vmx_conf_nkeys; i++) {
		ck = &vmx_conf_keys[i];
		if ((value = cfg_get(cfg, ck->ck_name)) == NULL)
			continue;
		if (ck->ck_parse(vc, value, &why) != 0)
			goto fail;
	}
	if (vmx_conf_disks(vc, cfg, &why) != 0 ||
	    vmx_conf_nics(vc, cfg, &why) != 0)
		goto fail;
	if (vmx_conf_check(vc, maxcpus, &why) != 0)
		goto fail;
	return (vc);

fail:
	xasprintf(cause, "%s: %s", path, why);
	free(why);
	vmx_conf_free(vc);
	return (NULL);
}

/*
 * Read and translate the .vmx at path.  On success the parsed file is
 * returned in *cfgp if cfgp is not NULL (the caller frees it), for the
 * DICT dump in vmware.log.  NULL with *cause on any error.
 */
struct vmx_conf *
vmx_conf_load(const char *path, unsigned int maxcpus, struct cfg **cfgp,
    char **cause)
{
	struct cfg	*cfg;
	struct vmx_conf	*vc;

	if ((cfg = cfg_load(path, cause)) == NULL)
		return (NULL);
	vc = vmx_conf_create(cfg, path, maxcpus, cause);
	if (vc == NULL || cfgp == NULL)
		cfg_free(cfg);
	else
		*cfgp = cfg;
	return (vc);
}

void
vmx_conf_free(struct vmx_conf *vc)
{
	unsigned int	i;

	if (vc == NULL)
		return;
	free(vc->vc_path);
	free(vc->vc_dir);
	free(vc->vc_name);
	free(vc->vc_guestos);
	free(vc->vc_kernel);
	free(vc->vc_initrd);
	free(vc->vc_cmdline);
	free(vc->vc_serial_file);
	free(vc->vc_log_file);
	for (i = 0; i < vc->vc_ndisks; i++) {
		free(vc->vc_disks[i].cd_name);
		free(vc->vc_disks[i].cd_path);
	}
	for (i = 0; i < vc->vc_nnics; i++) {
		free(vc->vc_nics[i].cn_name);
		free(vc->vc_nics[i].cn_network);
		free(vc->vc_nics[i].cn_ifname);
		free(vc->vc_nics[i].cn_disconnected);
		free(vc->vc_nics[i].cn_model);
	}
	free(vc);
}

/*
 * Fill and return the libvmm parameters (stored in vc, valid while vc
 * lives).  The serial fds are -1: the caller opens them.
 */
const struct vmm_params *
vmx_conf_params(struct vmx_conf *vc)
{
	struct vmm_params	*vp = &vc->vc_params;
	struct vmm_nic_params	*np;
	unsigned int		 i;

	memset(vp, 0, sizeof *vp);
	vp->vp_name = vc->vc_name;
	vp->vp_memsize = (uint64_t)vc->vc_memsize << 20;
	vp->vp_ncpus = vc->vc_ncpus;
	vp->vp_serial_out = -1;
	vp->vp_serial_in = -1;
	vp->vp_debug_exit = vc->vc_debug_exit;
	vp->vp_virtio_rng = vc->vc_virtio_rng;
	vp->vp_kernel = vc->vc_kernel;
	vp->vp_initrd = vc->vc_initrd;
	vp->vp_cmdline = vc->vc_cmdline;
	vp->vp_boot = vc->vc_boot;
	for (i = 0; i < vc->vc_ndisks; i++) {
		vc->vc_pdisks[i].vd_name = vc->vc_disks[i].cd_name;
		vc->vc_pdisks[i].vd_path = vc->vc_disks[i].cd_path;
		vc->vc_pdisks[i].vd_readonly = vc->vc_disks[i].cd_readonly;
	}
	vp->vp_disks = vc->vc_pdisks;
	vp->vp_ndisks = vc->vc_ndisks;
	for (i = 0; i < vc->vc_nnics; i++) {
		np = &vc->vc_pnics[i];
		np->vn_name = vc->vc_nics[i].cn_name;
		np->vn_backend = vc->vc_nics[i].cn_backend;
		np->vn_ifname = vc->vc_nics[i].cn_ifname;
		np->vn_fd = -1;
		memcpy(np->vn_mac, vc->vc_nics[i].cn_mac, 6);
	}
	vp->vp_nics = vc->vc_pnics;
	vp->vp_nnics = vc->vc_nnics;
	return (vp);
}

const char *
vmx_conf_serial_name(enum vmx_serial_type type)
{
	switch (type) {
	case VMX_SERIAL_NONE:
		return ("none");
	case VMX_SERIAL_FILE:
		return ("file");
	case VMX_SERIAL_DEVICE:
		return ("device");
	case VMX_SERIAL_PTY:
		return ("pty");
	case VMX_SERIAL_STDIO:
		return ("stdio");
	}
	return ("unknown");
}

const char *
vmx_conf_boot_name(enum vmm_boot_kind kind)
{
	switch (kind) {
	case VMM_BOOT_AUTO:
		return ("auto");
	case VMM_BOOT_BZIMAGE:
		return ("linux");
	case VMM_BOOT_ELF:
		return ("elf");
	case VMM_BOOT_PVH:
		return ("pvh");
	}
	return ("unknown");
}
