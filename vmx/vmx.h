/* SPDX-License-Identifier: ISC */
/*
 * vmx: the process that runs one virtual machine.  One header for the
 * whole component (tmux.h style): constants, the structs shared between
 * files, then one section per source file with its exported functions.
 */
#ifndef VIREO_VMX_H
#define VIREO_VMX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vmm.h"

struct cfg;
struct event;
struct event_base;
struct vmx_control;
struct vmx_console;

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
#define VMX_SERIAL_MAXSIZE_DEFAULT (16ULL * 1024 * 1024) /* bytes */
#define VMX_SERIAL_MAXSIZE_MAX	(1ULL << 40)
#define VMX_SERIAL_KEEPOLD_DEFAULT 2

/* Where COM1 goes (serial0.fileType). */
enum vmx_serial_type {
	VMX_SERIAL_NONE = 0,	/* serial0.present FALSE: output dropped */
	VMX_SERIAL_FILE,	/* output to serial0.fileName */
	VMX_SERIAL_DEVICE,	/* read/write serial0.fileName (a tty) */
	VMX_SERIAL_PTY,		/* a new pseudo-terminal */
	VMX_SERIAL_STDIO	/* vmx's stdin and stdout */
};

/*
 * One disk: a present scsiX:Y, sataX:Y, nvmeX:Y or ideX:Y unit, all of
 * which become virtio-blk disks (vmx.conf.5).
 */
struct vmx_conf_disk {
	char		*cd_name;	/* "scsi0:0" */
	char		*cd_path;	/* fileName, resolved */
	int		 cd_readonly;	/* readOnly, or a CD-ROM image */
	int		 cd_cdrom;	/* deviceType cdrom-image */
};

/* One NIC: a present ethernetN, a virtio-net on a TAP. */
struct vmx_conf_nic {
	char		*cn_name;	/* "ethernet0" */
	char		*cn_network;	/* networkName as written */
	enum vmm_nic_backend cn_backend; /* from networkName's form */
	char		*cn_ifname;	/* the bridge or TAP name */
	char		*cn_disconnected; /* why it has no backing, or NULL */
	char		*cn_model;	/* virtualDev as written, or NULL */
	uint8_t		 cn_mac[6];
	int		 cn_generated;	/* MAC made now: vmx writes it back */
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
	int		 vc_virtio_rng;	/* vireo.virtioRng */
	enum vmm_boot_kind vc_boot;	/* vireo.bootProtocol */
	int		 vc_serial_present; /* serial0.present */
	enum vmx_serial_type vc_serial;
	char		*vc_serial_file; /* serial0.fileName, resolved */
	int		 vc_logging;	/* logging: write vmware.log at all */
	char		*vc_log_file;	/* log.fileName, resolved */
	unsigned int	 vc_log_keepold; /* log.keepOld */

	struct vmm_params vc_params;	/* filled by vmx_conf_params */

	/* Disks and NICs (appended). */
	struct vmx_conf_disk vc_disks[VMM_MAX_DISKS]; /* in PCI order */
	unsigned int	 vc_ndisks;
	struct vmx_conf_nic vc_nics[VMM_MAX_NICS]; /* ethernet0 first */
	unsigned int	 vc_nnics;
	struct vmm_disk_params vc_pdisks[VMM_MAX_DISKS]; /* for vc_params */
	struct vmm_nic_params vc_pnics[VMM_MAX_NICS];

	/* serial0.fileType file: rotation (appended). */
	uint64_t	 vc_serial_maxsize; /* serial0.fileMaxSize, 0 never */
	unsigned int	 vc_serial_keepold; /* serial0.fileKeepOld */
	/* The control socket, from the command line (main.c). */
	const char	*vc_sockpath;	/* borrowed, or NULL for none */

	/* The sandbox, from the command line (main.c), not the .vmx. */
	const char	*vc_user;	/* --user: borrowed from argv, or NULL */
	int		 vc_no_sandbox;	/* --no-sandbox: no seccomp filter */
};

/*
 * The state of one running VM; lives on vmx_run's stack.  Threads: the
 * main thread sits in vmm_run; the event thread runs vx_base (signals,
 * the control socket, console delivery); vCPU threads call the console
 * tap.  Members other than the atomics are set before the event thread
 * starts or belong to it.
 */
struct vmx {
	struct vmx_conf		*vx_conf;	/* borrowed */
	struct vmm		*vx_vmm;
	struct vmm_params	 vx_params;	/* vx_conf's, plus fds */
	int			 vx_serial_fd;	/* COM1, -1 if none */
	int			 vx_pty_slave;	/* kept open, -1 if none */
	char			*vx_pty_name;
	const char		*vx_sockpath;	/* control socket or NULL,
						   borrowed */
	int			 vx_listen_fd;	/* its listener, or -1 */
	time_t			 vx_boottime;	/* power-on, epoch seconds */

	struct event_base	*vx_base;
	struct event		*vx_ev_term;
	struct event		*vx_ev_int;
	struct event		*vx_ev_hup;
	struct event		*vx_ev_quit;	/* ends the event loop */
	pthread_t		 vx_thread;
	int			 vx_thread_started;
	atomic_int		 vx_signalled;	/* signal that stopped us */
	atomic_int		 vx_poweroff_req; /* stopped by a request */
	char			*vx_vmss;	/* suspend file to write, owned */
	atomic_int		 vx_suspended;	/* vmm_suspend done, stopping */

	struct vmx_control	*vx_control;	/* control.c, or NULL */
	struct vmx_console	*vx_console;	/* console.c, or NULL */
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
extern const struct vmx_conf_key vmx_conf_dev_keys[];
extern const size_t vmx_conf_ndev_keys;
struct vmx_conf	*vmx_conf_create(const struct cfg *, const char *,
		     unsigned int, char **);
struct vmx_conf	*vmx_conf_load(const char *, unsigned int, struct cfg **,
		     char **);
void		 vmx_conf_free(struct vmx_conf *);
const struct vmm_params *vmx_conf_params(struct vmx_conf *);
const char	*vmx_conf_serial_name(enum vmx_serial_type);
const char	*vmx_conf_boot_name(enum vmm_boot_kind);
int		 vmx_conf_check_files(const struct vmx_conf *, char **);
unsigned int	 vmx_conf_write_macs(const struct vmx_conf *, struct cfg *);
void		 vmx_conf_mac_format(const uint8_t *, char *, size_t);

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

/* sandbox.c */
int		 vmx_sandbox_check_user(const char *, char **);
int		 vmx_sandbox_enter(const struct vmx_conf *, struct event_base *,
		     char **);
int		 vmx_sandbox_install(char **);
size_t		 vmx_sandbox_nallowed(void);
size_t		 vmx_sandbox_nioctls(void);
int		 vmx_sandbox_sanitized(void);

/* control.c */
int		 vmx_control_listen(struct vmx *, char **);
int		 vmx_control_start(struct vmx *, char **);
void		 vmx_control_console(struct vmx *, const void *, size_t);
void		 vmx_control_finish(struct vmx *, int, const char *, int);
void		 vmx_control_free(struct vmx *);

/* console.c */
int		 vmx_console_create(struct vmx *, int, char **);
int		 vmx_console_start(struct vmx *, char **);
void		 vmx_console_viewers(struct vmx *, int);
size_t		 vmx_console_input(struct vmx *, const void *, size_t);
uint64_t	 vmx_console_dropped(struct vmx *);
void		 vmx_console_add_dropped(struct vmx *, uint64_t);
void		 vmx_console_free(struct vmx *);

/* suspend.c */
char		*vmx_suspend_file(const struct vmx_conf *, const struct cfg *);
char		*vmx_suspend_resume_file(const struct vmx_conf *,
		     const struct cfg *);
void		 vmx_suspend_forget(const struct vmx_conf *, const struct cfg *,
		     const char *);
int		 vmx_suspend_request(struct vmx *, char **);

#endif
