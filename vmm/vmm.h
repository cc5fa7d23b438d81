/* SPDX-License-Identifier: ISC */
/*
 * libvmm's public API, the part vmx uses: create a VM from parameters, load
 * a guest, run its vCPUs, stop it and learn how it ended.  Everything lives
 * in struct vmm (no globals), so two VMs can share a process.
 */
#ifndef VIREO_VMM_H
#define VIREO_VMM_H

#include <stddef.h>
#include <stdint.h>

struct vmm;

#define VMM_MAX_VCPUS	64

/* Kinds of guest image the loader understands (loader.c). */
enum vmm_boot_kind {
	VMM_BOOT_AUTO = 0,	/* look at the file and decide */
	VMM_BOOT_BZIMAGE,	/* Linux bzImage, 64-bit boot protocol */
	VMM_BOOT_ELF,		/* ELF vmlinux, 64-bit entry */
	VMM_BOOT_PVH		/* ELF with XEN_ELFNOTE_PHYS32_ENTRY */
};

#define VMM_MAX_DISKS	16
#define VMM_MAX_NICS	10

/* One virtio-blk disk (vp_disks); strings owned by the caller. */
struct vmm_disk_params {
	const char	*vd_name;	/* "scsi0:0": logs and causes */
	const char	*vd_path;	/* image: raw, VMDK flat or sparse */
	int		 vd_readonly;	/* 1: read-only (VIRTIO_BLK_F_RO) */
};

/* Where a virtio-net NIC's frames go (tap.c). */
enum vmm_nic_backend {
	VMM_NIC_AUTO = 0,	/* vn_ifname: a bridge if one exists, else a TAP */
	VMM_NIC_TAP,		/* the TAP vn_ifname, existing or new */
	VMM_NIC_BRIDGE,		/* a new TAP attached to bridge vn_ifname */
	VMM_NIC_FD,		/* vn_fd, already open (tests, fd passing) */
	VMM_NIC_NONE		/* disconnected: no backing, the link down */
};

/* One virtio-net NIC (vp_nics); strings owned by the caller. */
struct vmm_nic_params {
	const char	*vn_name;	/* "ethernet0": logs and causes */
	enum vmm_nic_backend vn_backend;
	const char	*vn_ifname;	/* TAP or bridge name (not for FD) */
	int		 vn_fd;		/* VMM_NIC_FD: a TAP (or, in tests, a
					   datagram socket), borrowed */
	uint8_t		 vn_mac[6];	/* the guest's MAC address */
};

/* What a VM is made of; filled by vmx from the .vmx, all owned by caller. */
struct vmm_params {
	const char	*vp_name;	/* displayName, for logs */
	uint64_t	 vp_memsize;	/* guest RAM in bytes (memsize * MiB) */
	unsigned int	 vp_ncpus;	/* numvcpus, 1..VMM_MAX_VCPUS */
	int		 vp_serial_out;	/* COM1 output fd, -1 for none */
	int		 vp_serial_in;	/* COM1 input fd, -1 for none */
	int		 vp_debug_exit;	/* 1: debug-exit port at 0xf4 */
	const char	*vp_kernel;	/* kernel image path */
	const char	*vp_initrd;	/* initrd/module path or NULL */
	const char	*vp_cmdline;	/* kernel command line or NULL */
	enum vmm_boot_kind vp_boot;
	int		 vp_virtio_rng;	/* 1: a virtio-rng device on PCI */
	/* Appended: disks and NICs (virtio-blk.c, virtio-net.c). */
	const struct vmm_disk_params *vp_disks;	/* vp_ndisks, in PCI order */
	unsigned int	 vp_ndisks;	/* 0 .. VMM_MAX_DISKS */
	const struct vmm_nic_params *vp_nics;	/* vp_nnics, in PCI order */
	unsigned int	 vp_nnics;	/* 0 .. VMM_MAX_NICS */
};

/* How a VM's run ended (vmm_run's result). */
enum vmm_exit_kind {
	VMM_EXIT_NONE = 0,	/* still running */
	VMM_EXIT_POWEROFF,	/* ACPI S5 */
	VMM_EXIT_RESET,		/* i8042 0xFE, 0xCF9, ACPI reset register */
	VMM_EXIT_DEBUG,		/* debug-exit port written */
	VMM_EXIT_TRIPLE_FAULT,	/* KVM_EXIT_SHUTDOWN */
	VMM_EXIT_EMULATION,	/* KVM_EXIT_INTERNAL_ERROR (emulation failure) */
	VMM_EXIT_ERROR,		/* any other failure of KVM or of vmx */
	VMM_EXIT_STOPPED	/* vmm_stop() from outside */
};

struct vmm_exit {
	enum vmm_exit_kind ve_kind;
	int		 ve_code;	/* debug-exit: value written; error: errno */
	int		 ve_vcpu;	/* vCPU that caused it, -1 if none */
	char		 ve_detail[1024]; /* one line, e.g. registers of a fault */
};

/*
 * Create a VM on /dev/kvm from params: memory, the split irqchip (LAPICs
 * in KVM), vCPUs, every platform device (the PICs, IOAPIC and PIT first), then load the guest image and build the boot tables.
 * Returns the VM, or NULL with *cause set (caller frees) for a person to
 * read: /dev/kvm missing, a kernel that does not fit, a bad image.
 */
struct vmm	*vmm_create(const struct vmm_params *, char **cause);
/*
 * Run every vCPU (one thread each) until the guest ends or vmm_stop is
 * called; fills *exit.  Returns 0, or -1 if the threads could not start.
 */
int		 vmm_run(struct vmm *, struct vmm_exit *);
/* Ask a running VM to stop from any thread or a signal handler's loop. */
void		 vmm_stop(struct vmm *);
void		 vmm_free(struct vmm *);
/* Human name of an exit kind ("powered off", "triple fault", ...). */
const char	*vmm_exit_name(enum vmm_exit_kind);
/* 1 if /dev/kvm is provided by PVM (no VT-x), see reference §7.2. */
int		 vmm_host_is_pvm(void);
/* Counters since creation. */
uint64_t	 vmm_exit_count(struct vmm *);

/* Additions (append-only) --------------------------------------------- */

/* Exits to userspace by kind, for statistics. */
enum vmm_stat {
	VMM_STAT_IO = 0,	/* port I/O (string I/O counts once) */
	VMM_STAT_MMIO,
	VMM_STAT_OTHER
};
/* The counter of one kind since creation, summed over the vCPUs. */
uint64_t	 vmm_exit_stat(struct vmm *, enum vmm_stat);

/* Lifecycle control (vmx's control socket) ----------------------------- */

/*
 * Pause: every vCPU leaves KVM_RUN at an instruction boundary and parks;
 * returns once all are parked.  Resume restarts them.  Both are callable
 * from any thread while vmm_run runs.  0, or -1 with errno (EALREADY when
 * already in that state, EINVAL when the VM is not running).
 */
int		 vmm_pause(struct vmm *);
int		 vmm_resume(struct vmm *);
int		 vmm_is_paused(struct vmm *);
/*
 * Live snapshot of disk i (0 .. vp_ndisks - 1, in vp_disks order): its
 * image gets the new delta path (disk.h disk_snapshot) and the guest goes
 * on writing there; requests in flight finish first.  Callable from any
 * thread while vmm_run runs.  0, or -1 with errno (ENOENT: no disk i)
 * and *cause.
 */
int		 vmm_disk_snapshot(struct vmm *, unsigned int i,
		    const char *path, char **cause);
/*
 * Hard reset while running, as the reset button of a real machine: every
 * device reset, the kernel and boot tables loaded again, the boot vCPU at
 * its entry and the others waiting for INIT/SIPI.  0 or -1 with errno.
 */
int		 vmm_reset(struct vmm *);
/* Press the ACPI power button (graceful shutdown request).  0 or -1. */
int		 vmm_power_button(struct vmm *);
/*
 * COM1 console.  vmm_console_input queues bytes for the guest to read and
 * returns how many fit now.  A console tap receives every byte the guest
 * writes to COM1, on the writing vCPU's thread, besides vp_serial_out;
 * fn NULL removes it.
 */
size_t		 vmm_console_input(struct vmm *, const void *, size_t);
void		 vmm_set_console_tap(struct vmm *, void (*fn)(void *arg,
		    const void *buf, size_t len), void *arg);
/*
 * Device counters for statistics: calls emit(arg, device, name, value) for
 * every counter of every device (dt_stats), in device-table order.
 */
void		 vmm_dev_stats(struct vmm *, void (*emit)(void *arg,
		    const char *dev, const char *name, uint64_t value),
		    void *arg);

/* Suspend to disk and resume (VMware's .vmss) ------------------------- */

/*
 * Save the whole VM (vCPUs with their LAPICs, kvmclock, every device
 * through dt_save, the PICs, IOAPIC and PIT included, guest RAM) to path, atomically.  The VM must be paused and stays
 * paused.  0, or -1 with *cause.
 */
int		 vmm_suspend(struct vmm *, const char *path, char **cause);
/*
 * Create a VM from params like vmm_create, but instead of loading a kernel
 * restore the state saved in path; vmm_run then continues the guest where
 * it stopped.  NULL with *cause (a file from another configuration, a
 * truncated or foreign file).
 */
struct vmm	*vmm_create_resume(const struct vmm_params *, const char *path,
		    char **cause);

#endif
