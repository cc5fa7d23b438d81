/* SPDX-License-Identifier: ISC */
/*
 * vmx: the process that runs one virtual machine.  One header for the
 * whole component (tmux.h style): constants, the structs shared between
 * files, then one section per source file with its exported functions.
 */
#ifndef VIREO_VMX_H
#define VIREO_VMX_H

#include <stddef.h>

#include "vmm.h"

struct cfg;

/*
 * Exit statuses of vmx, a fixed contract with the test guest, hostd and
 * the tests.  A debug-exit write of v ends with (v << 1) | 1.
 */
#define VMX_EXIT_POWEROFF	0	/* ACPI S5, or stopped by a signal */
#define VMX_EXIT_USAGE		2	/* bad option, .vmx or kernel image */
#define VMX_EXIT_RESET		4	/* guest reset */
#define VMX_EXIT_TRIPLE_FAULT	6
#define VMX_EXIT_EMULATION	8	/* registers in vmware.log */
#define VMX_EXIT_FAILURE	10	/* KVM, I/O, anything else */

/* Defaults for keys a .vmx may leave out (documented in vmx.conf.5). */
#define VMX_MEMSIZE_DEFAULT	256		/* MiB */
#define VMX_MEMSIZE_MIN		4		/* MiB */
#define VMX_MEMSIZE_MAX		(1024 * 1024)	/* MiB, 1 TiB */
#define VMX_LOG_NAME_DEFAULT	"vmware.log"
#define VMX_LOG_KEEPOLD_DEFAULT	3
#define VMX_LOG_KEEPOLD_MAX	99

/* Where COM1 goes (serial0.fileType). */
enum vmx_serial_type {
	VMX_SERIAL_NONE = 0,	/* serial0.present FALSE: output dropped */
	VMX_SERIAL_FILE,	/* output to serial0.fileName */
	VMX_SERIAL_DEVICE,	/* read/write serial0.fileName (a tty) */
	VMX_SERIAL_PTY,		/* a new pseudo-terminal */
	VMX_SERIAL_STDIO	/* vmx's stdin and stdout */
};

/*
 * A VM's configuration: the .vmx translated into libvmm parameters plus
 * what vmx itself needs.  Every string is owned by the struct and freed by
 * vmx_conf_free; vc_params points into them.
 */
struct vmx_conf {
	char		*vc_path;	/* the .vmx as given */
	char		*vc_dir;	/* its directory, base of paths */
	char		*vc_name;	/* displayName or the file's stem */
	char		*vc_guestos;	/* guestOS (logged) or NULL */
	char		*vc_kernel;	/* vireo.kernel, resolved */
	char		*vc_initrd;	/* vireo.initrd, resolved, or NULL */
	char		*vc_cmdline;	/* vireo.cmdline or NULL */
	unsigned int	 vc_memsize;	/* MiB */
	unsigned int	 vc_ncpus;
	int		 vc_debug_exit;	/* vireo.debugExit */
	enum vmm_boot_kind vc_boot;	/* vireo.bootProtocol */
	int		 vc_serial_present; /* serial0.present */
	enum vmx_serial_type vc_serial;
	char		*vc_serial_file; /* serial0.fileName, resolved */
	int		 vc_logging;	/* logging: write vmware.log at all */
	char		*vc_log_file;	/* log.fileName, resolved */
	unsigned int	 vc_log_keepold; /* log.keepOld */

	struct vmm_params vc_params;	/* filled by vmx_conf_params */
};

/* One .vmx key vmx honours: its name, parser and documentation. */
struct vmx_conf_key {
	const char	*ck_name;
	int		(*ck_parse)(struct vmx_conf *, const char *,
			     char **);
	const char	*ck_doc;
};

/* vmxconf.c */
extern const struct vmx_conf_key vmx_conf_keys[];
extern const size_t vmx_conf_nkeys;
struct vmx_conf	*vmx_conf_create(const struct cfg *, const char *,
		     unsigned int, char **);
struct vmx_conf	*vmx_conf_load(const char *, unsigned int, struct cfg **,
		     char **);
void		 vmx_conf_free(struct vmx_conf *);
const struct vmm_params *vmx_conf_params(struct vmx_conf *);
const char	*vmx_conf_serial_name(enum vmx_serial_type);
const char	*vmx_conf_boot_name(enum vmm_boot_kind);

/* vmxlog.c */
char		*vmx_log_rotated_name(const char *, unsigned int);
int		 vmx_log_rotate(const char *, unsigned int, char **);
int		 vmx_log_open(const struct vmx_conf *, char **);
void		 vmx_log_banner(const struct vmx_conf *, const struct cfg *,
		     int);

/* vmx.c */
int		 vmx_run(struct vmx_conf *, const struct cfg *, char **);
int		 vmx_exit_status(const struct vmm_exit *);
void		 vmx_exit_describe(const struct vmm_exit *, char *, size_t);

#endif
