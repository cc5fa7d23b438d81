/* SPDX-License-Identifier: ISC */
/*
 * The monitor core's private header: the definition of struct vmm and the
 * pieces of it each core file (vmm.c, kvm.c, vcpu.c, mem.c, iotrap.c,
 * irq.c, cpuid.c, vmstate.c, snapshot.c) owns, plus the entries those files call in one another.
 * Devices, loaders and vmx never include this file; they see vmm.h and
 * vmm-dev.h only.  Tests of the core include it to build a bare VM (no
 * devices, no loader) and to set the boot state themselves.
 *
 * Threading: the iotrap table has its own rwlock; the fake irq recorder its
 * own mutex; vm_lock with vm_cond guards the run state (vm_exit,
 * vm_nrunning, vm_nparked, vc_started).  vm_stopping, vm_pausing and the
 * exit counters are read with __atomic builtins (vm_pausing is written
 * under vm_lock, so parked vCPUs waiting on vm_cond never miss a change).
 */
#ifndef VIREO_VMM_INT_H
#define VIREO_VMM_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm-dev.h"

struct kvm_run;
struct kvm_cpuid2;
struct kvm_cpuid_entry2;
struct kvm_lapic_state;

/* mem.c: guest RAM, one anonymous mapping split around the 3 GiB hole. */
struct mem_map {
	uint8_t		*mm_host;	/* mapping of all RAM, NULL if none */
	uint64_t	 mm_size;	/* RAM bytes (= mapping length) */
	uint64_t	 mm_low;	/* bytes mapped at gpa 0 */
};

/* iotrap.c: registered ranges of one address space, sorted by base. */
struct iotrap_range {
	uint64_t	 ir_base;
	uint64_t	 ir_len;
	iotrap_handler	 ir_handler;
	void		*ir_dev;	/* borrowed, the device's state */
	const char	*ir_name;	/* borrowed string literal */
};

struct iotrap_table {
	pthread_rwlock_t	 it_lock;
	struct iotrap_range	*it_ranges[2];	/* by enum iotrap_space */
	size_t			 it_n[2];
	size_t			 it_cap[2];
};

/* irq.c: an MSI route for an irqfd (GSI VMM_IOAPIC_PINS + index). */
struct irq_msi_route {
	int		 imr_used;	/* allocated by a device */
	uint64_t	 imr_addr;	/* MSI address */
	uint32_t	 imr_data;	/* MSI data */
};

/* irq.c: an interrupt controller attached by its device (irq_attach). */
struct irq_chip_slot {
	const struct irq_chip_ops *ic_ops;	/* NULL: none attached */
	void		*ic_chip;		/* the device's state */
};

/* irq.c: what a fake VM records instead of talking to an irqchip; the
 * chips; on a real VM, the MSI routes of the IOAPIC pins and of the
 * devices' irqfds. */
struct irq_fake {
	pthread_mutex_t	 if_lock;
	struct irq_chip_slot if_chips[IRQ_NCHIPS]; /* set before threads */
	int		 if_extint;	/* atomic: the PIC's INTR output */
	unsigned int	 if_nextint;	/* fake: rising edges of INTR */
	struct irq_msi_route if_pins[VMM_IOAPIC_PINS]; /* GSI = pin */
	int		 if_level[VMM_IOAPIC_PINS];
	unsigned int	 if_edges[VMM_IOAPIC_PINS];	/* rising edges */
	unsigned int	 if_nmsi;	/* MSIs injected */
	uint64_t	 if_msi_addr;	/* last MSI */
	uint32_t	 if_msi_data;
	struct irq_msi_route *if_routes; /* if_nroutes, owned; real VMs */
	unsigned int	 if_nroutes;
};

/* Exit counters, by enum vmm_stat. */
#define VCPU_NSTATS	3

/* vcpu.c: one virtual CPU and its thread. */
struct vcpu {
	struct vmm	*vc_vmm;
	unsigned int	 vc_id;		/* also its APIC id */
	int		 vc_fd;		/* KVM_CREATE_VCPU, -1 if none */
	struct kvm_run	*vc_run;	/* shared with KVM, vm_runsize bytes */
	pthread_t	 vc_thread;
	int		 vc_started;	/* vc_thread valid, under vm_lock */
	uint64_t	 vc_stats[VCPU_NSTATS];	/* atomic */
	int		 vc_pending;	/* the last exit was I/O that only the
					   next KVM_RUN completes; vCPU
					   thread only */
	struct kvm_lapic_state *vc_lapic0; /* LAPIC at creation, for
					   vmm_reset; owned, may be NULL */
	int		 vc_poked;	/* atomic: vcpu_poke asked for a look
					   at the PIC before KVM_RUN */
	int		 vc_extint_sent; /* KVM_INTERRUPT since the last
					   KVM_RUN; vCPU thread only */
	int		 vc_extint_vec;	/* acknowledged from the PIC, not yet
					   taken by KVM; -1 none; vCPU
					   thread only */
};

/* One created device: its type and state. */
struct vmm_devinst {
	const struct vmm_devtype *di_type;
	void		*di_dev;
};

struct vmm {
	struct vmm_params	 vm_params;	/* copy; strings owned */
	int			 vm_fake;	/* 1: no /dev/kvm */
	int			 vm_pvm;	/* vmm_host_is_pvm() at create */

	int			 vm_kvmfd;	/* /dev/kvm, -1 if none */
	int			 vm_fd;		/* the VM, -1 if none */
	size_t			 vm_runsize;	/* mmap size of kvm_run */
	struct kvm_cpuid2	*vm_cpuid;	/* KVM_GET_SUPPORTED_CPUID */

	struct mem_map		 vm_mem;
	struct iotrap_table	 vm_io;
	struct irq_fake		 vm_irq;

	struct vcpu		**vm_vcpus;
	unsigned int		 vm_nvcpus;	/* created so far */

	struct vmm_devinst	*vm_devs;
	size_t			 vm_ndevs;
	struct pci_bus		*vm_pcibus;	/* borrowed from pci.c */

	pthread_mutex_t		 vm_lock;
	pthread_cond_t		 vm_cond;
	struct vmm_exit		 vm_exit;	/* first end wins */
	unsigned int		 vm_nrunning;	/* vCPU threads alive */
	int			 vm_ran;	/* vmm_run was called */
	int			 vm_stopping;	/* atomic; vCPUs leave */
	int			 vm_pausing;	/* atomic, written under
						   vm_lock: vCPUs park */
	unsigned int		 vm_nparked;	/* vCPU threads parked */
};

/* vmm.c ------------------------------------------------------------- */

/*
 * A real VM with memory, irqchip, PIT and vCPUs but no devices, no ACPI
 * and no loaded guest: vmm_create's first half, and what the core's own
 * tests run hand-assembled code in.  NULL with *cause.
 */
struct vmm	*vmm_create_bare(const struct vmm_params *, char **cause);
/*
 * End the run with this reason unless one was recorded already, and make
 * every vCPU leave KVM_RUN.  detail may be NULL.  Any thread.
 */
void		 vmm_end(struct vmm *, enum vmm_exit_kind, int code, int vcpu,
		    const char *detail);
/* 1 once the VM should stop (vCPU loops poll it). */
int		 vmm_is_stopping(struct vmm *);
/* A vCPU thread is about to return. */
void		 vmm_vcpu_exited(struct vmm *);
/* 1 while vmm_pause wants the vCPUs parked (vCPU loops poll it). */
int		 vmm_is_pausing(struct vmm *);

/* kvm.c ------------------------------------------------------------- */

/* Open /dev/kvm, check the API and capabilities, create the VM with its
 * TSS and identity map.  0, or -1 with *cause. */
int		 kvm_open(struct vmm *, char **cause);
/* Register RAM (vm_mem) as memory slots.  0, or -1 with *cause. */
int		 kvm_map_memory(struct vmm *, char **cause);
/* The split irqchip (LAPICs in KVM), before any vCPU.  0 or -1/cause. */
int		 kvm_create_irqchip(struct vmm *, char **cause);
void		 kvm_close(struct vmm *);
/* vmm_host_is_pvm()'s test, from sysfs and /proc/cpuinfo. */
int		 kvm_host_is_pvm(void);

/* mem.c ------------------------------------------------------------- */

/* Map memsize bytes of RAM.  0, or -1 with *cause. */
int		 mem_init(struct vmm *, uint64_t memsize, char **cause);
void		 mem_clear(struct vmm *);

/* iotrap.c ---------------------------------------------------------- */

void		 iotrap_init(struct iotrap_table *);
void		 iotrap_clear(struct iotrap_table *);

/* irq.c ------------------------------------------------------------- */

void		 irq_fake_init(struct irq_fake *);
void		 irq_fake_clear(struct irq_fake *);
int		 irq_fake_level(struct vmm *, uint32_t gsi);
unsigned int	 irq_fake_edges(struct vmm *, uint32_t gsi);
unsigned int	 irq_fake_msi(struct vmm *, uint64_t *addr, uint32_t *data);
/* Rising edges of the PIC's INTR output on a fake VM, and (level not
 * NULL) its level now. */
unsigned int	 irq_fake_extint(struct vmm *, int *level);
/* 1 while the PIC's INTR output is high. */
int		 irq_extint_pending(struct vmm *);

/* cpuid.c ----------------------------------------------------------- */

/* What the filter needs to know about the VM and the vCPU. */
struct cpuid_topo {
	unsigned int	 ct_apic_id;
	unsigned int	 ct_ncpus;
	int		 ct_pvm;	/* hide what PVM cannot emulate */
};

/* KVM_GET_SUPPORTED_CPUID on the system fd; NULL with errno. */
struct kvm_cpuid2 *cpuid_supported(int kvmfd);
/*
 * Pure: copy the nin entries of in to out (room for max) edited for one
 * vCPU: hypervisor bit, APIC id and counts, topology leaves 4 and 0xB (0x1F
 * dropped), and with ct_pvm CX16, XSAVE and the AVX family hidden.  Returns
 * the number of entries written; never more than max.
 */
size_t		 cpuid_filter(const struct kvm_cpuid_entry2 *in, size_t nin,
		    struct kvm_cpuid_entry2 *out, size_t max,
		    const struct cpuid_topo *);
/* Filter vm_cpuid for vcpu and KVM_SET_CPUID2 it.  0 or -1/errno. */
int		 cpuid_set_vcpu(struct vmm *, struct vcpu *);

/* vcpu.c ------------------------------------------------------------ */

/* Create vCPU id with its CPUID, MSRs, LAPIC and FPU set.  NULL/cause. */
struct vcpu	*vcpu_create(struct vmm *, unsigned int id, char **cause);
void		 vcpu_free(struct vcpu *);
/* Put the boot CPU at entry (GDT and page tables go to guest RAM). */
int		 vcpu_set_entry(struct vcpu *, const struct loader_entry *,
		    char **cause);
/* Start the vCPU's thread; call with vm_lock held.  0 or -1/errno. */
int		 vcpu_start(struct vcpu *);
/* Make a started vCPU leave KVM_RUN; call with vm_lock held. */
void		 vcpu_kick(struct vcpu *);
/* Make the vCPU look at the PIC's output before its next KVM_RUN (leaving
 * the current one).  Any thread, no lock needed. */
void		 vcpu_poke(struct vcpu *);
void		 vcpu_join(struct vcpu *);
/* One exit counter (enum vmm_stat); any thread. */
uint64_t	 vcpu_stat_get(struct vcpu *, enum vmm_stat);
/*
 * vmm_reset's part: back to the state vcpu_create left, then the boot CPU
 * (le not NULL) at entry, runnable; an AP (le NULL) waiting for INIT/SIPI.
 * The vCPU must be parked.  0, or -1 with *cause.
 */
int		 vcpu_reset(struct vcpu *, const struct loader_entry *le,
		    char **cause);

/* vmstate.c: KVM's VM and vCPU state for suspend files (snapshot.c) -- */

struct snap;

/* Finish a pending I/O instruction (KVM_RUN with immediate_exit); the
 * vCPU must be out of KVM_RUN.  0 or -1/errno. */
int		 vmstate_vcpu_flush(struct vcpu *);
/* Append the vCPU's records to the open section.  0, or -1 with *cause. */
int		 vmstate_vcpu_save(struct vcpu *, struct snap *, char **cause);
/* Check a vCPU section and (vc not NULL, real VM) apply it.  0 or -1. */
int		 vmstate_vcpu_restore(struct vmm *, struct vcpu *,
		    struct snap *, char **cause);
/* kvmclock into the open section. */
int		 vmstate_clock_save(struct vmm *, struct snap *, char **);
/* Check and (real VM) apply a CLOCK section. */
int		 vmstate_vm_restore(struct vmm *, uint32_t type, struct snap *,
		    char **cause);

#endif
