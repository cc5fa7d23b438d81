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
 * checked, so the fuzzer drives this file directly.  Each error is one line
 * for a person, "FILE: key: reason".
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "xmalloc.h"
#include "vmx.h"

/* Longest kernel command line accepted (Linux's own limit is smaller). */
#define VMX_CONF_CMDLINE_MAX	65535
/* Longest part of a bad value repeated in a message. */
#define VMX_CONF_QUOTE_MAX	64

static char	*vmx_conf_quote(const char *);
static int	vmx_conf_number(const char *, const char *, long long,
		    long long, long long *, char **);
static int	vmx_conf_bool(const char *, const char *, int *, char **);
static int	vmx_conf_path(struct vmx_conf *, const char *, const char *,
		    char **, char **);
static int	vmx_conf_check(struct vmx_conf *, unsigned int, char **);

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
static int	vmx_conf_logging(struct vmx_conf *, const char *, char **);
static int	vmx_conf_log_file(struct vmx_conf *, const char *, char **);
static int	vmx_conf_log_keepold(struct vmx_conf *, const char *,
		    char **);
static int	vmx_conf_kernel(struct vmx_conf *, const char *, char **);
static int	vmx_conf_initrd(struct vmx_conf *, const char *, char **);
static int	vmx_conf_cmdline(struct vmx_conf *, const char *, char **);
static int	vmx_conf_debug_exit(struct vmx_conf *, const char *, char **);
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
	{ "vireo.bootProtocol", vmx_conf_boot,
	  "auto, linux, elf or pvh; default auto" },
};
const size_t vmx_conf_nkeys = sizeof vmx_conf_keys / sizeof vmx_conf_keys[0];

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

	for (i = 0; i < vmx_conf_nkeys; i++) {
		ck = &vmx_conf_keys[i];
		if ((value = cfg_get(cfg, ck->ck_name)) == NULL)
			continue;
		if (ck->ck_parse(vc, value, &why) != 0)
			goto fail;
	}
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

	memset(vp, 0, sizeof *vp);
	vp->vp_name = vc->vc_name;
	vp->vp_memsize = (uint64_t)vc->vc_memsize << 20;
	vp->vp_ncpus = vc->vc_ncpus;
	vp->vp_serial_out = -1;
	vp->vp_serial_in = -1;
	vp->vp_debug_exit = vc->vc_debug_exit;
	vp->vp_kernel = vc->vc_kernel;
	vp->vp_initrd = vc->vc_initrd;
	vp->vp_cmdline = vc->vc_cmdline;
	vp->vp_boot = vc->vc_boot;
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
