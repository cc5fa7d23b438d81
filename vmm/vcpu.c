/* SPDX-License-Identifier: ISC */
/*
 * Virtual CPUs: creating one with the state every peer VMM gives it (CPUID
 * first, since KVM decides which MSRs exist from it; then the boot MSRs,
 * LAPIC LINT0 = ExtINT and LINT1 = NMI, and a reset FPU), putting the boot
 * CPU at the loader's entry point (flat 32-bit protected mode for PVH, or
 * 64-bit mode with a GDT and identity page tables for Linux), and the
 * thread that runs KVM_RUN and hands port and MMIO exits to iotrap.c.
 *
 * Application processors are left in KVM_MP_STATE_UNINITIALIZED: the
 * in-kernel LAPIC starts them when the guest sends INIT and SIPI.
 *
 * Stopping: vmm_end() sets vm_stopping, then vcpu_kick() sets the vCPU's
 * immediate_exit (so a KVM_RUN about to start returns at once) and sends a
 * real-time signal whose handler does nothing (so one already running
 * returns with EINTR).  The loop checks vm_stopping before every KVM_RUN.
 *
 * Pausing (vmm_pause) kicks the same way with vm_pausing set; the loop
 * then parks the thread on vm_cond (vcpu_park).  A KVM_RUN that returned
 * EINTR left the vCPU between two instructions, but one that returned an
 * I/O or MMIO exit has not finished that instruction: KVM completes it
 * (the value read lands in the register) only when KVM_RUN is entered
 * again.  So before parking, a vCPU with such an exit pending re-enters
 * KVM_RUN with immediate_exit set, which completes the instruction and
 * returns EINTR without running another one (KVM API documentation,
 * "kvm_run" exit reasons).  Parked vCPUs are therefore at an instruction
 * boundary with every register consistent: what vmm_reset and a snapshot
 * need.  immediate_exit is cleared only after parking, before the flags
 * are checked again, so a kick made meanwhile is never lost.
 *
 * Interrupts from the 8259A (split irqchip, irq.c): vCPU 0's LINT0 is
 * ExtINT, so before each KVM_RUN vCPU 0 looks at the PIC's INTR output.
 * When KVM said at the last exit that the guest can take an external
 * interrupt (ready_for_interrupt_injection: IF set, no interrupt shadow,
 * LINT0 accepting ExtINT, none queued) it acknowledges the PIC and queues
 * the vector with KVM_INTERRUPT; otherwise it sets
 * request_interrupt_window and KVM exits (KVM_EXIT_IRQ_WINDOW_OPEN) as
 * soon as the guest can.  A rising INTR pokes vCPU 0 out of KVM_RUN the
 * way a kick does (immediate_exit, then the signal); the poke flag lets
 * the loop clear immediate_exit again, before it checks the stop and
 * pause flags, so a kick for those is never lost either.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"

/* The boot GDT (VMM_BOOT_GDT), selectors as in the Linux boot protocol. */
#define VCPU_SEL_CODE		0x10
#define VCPU_SEL_DATA		0x18
#define VCPU_SEL_TSS		0x20
#define VCPU_GDT_ENTRIES	5

/* Descriptor flags (access byte, and the G/DB/L nibble at bits 12-15). */
#define VCPU_DESC_CODE64	0xa09bU
#define VCPU_DESC_CODE32	0xc09bU
#define VCPU_DESC_DATA		0xc093U
#define VCPU_DESC_TSS		0x008bU	/* busy TSS, byte granular */

#define VCPU_CR0_PE		0x00000001ULL
#define VCPU_CR0_MP		0x00000002ULL
#define VCPU_CR0_ET		0x00000010ULL
#define VCPU_CR0_NE		0x00000020ULL
#define VCPU_CR0_PG		0x80000000ULL
#define VCPU_CR4_PAE		0x00000020ULL
#define VCPU_CR4_OSFXSR		0x00000200ULL
#define VCPU_CR4_OSXMMEXCPT	0x00000400ULL
#define VCPU_EFER_LME		0x00000100ULL
#define VCPU_EFER_LMA		0x00000400ULL

/* Page-table entry bits. */
#define VCPU_PTE_P		0x001ULL
#define VCPU_PTE_RW		0x002ULL
#define VCPU_PTE_PS		0x080ULL
#define VCPU_PAGE		4096ULL

/* MSRs set at creation. */
#define VCPU_MSR_TSC		0x00000010
#define VCPU_MSR_SYSENTER_CS	0x00000174
#define VCPU_MSR_SYSENTER_ESP	0x00000175
#define VCPU_MSR_SYSENTER_EIP	0x00000176
#define VCPU_MSR_MISC_ENABLE	0x000001a0
#define VCPU_MSR_MTRR_DEF_TYPE	0x000002ff
#define VCPU_MSR_STAR		0xc0000081
#define VCPU_MSR_LSTAR		0xc0000082
#define VCPU_MSR_CSTAR		0xc0000083
#define VCPU_MSR_SYSCALL_MASK	0xc0000084
#define VCPU_MSR_KERNEL_GS_BASE	0xc0000102

/* LAPIC LVT registers and delivery modes. */
#define VCPU_APIC_LVT0		0x350
#define VCPU_APIC_LVT1		0x360
#define VCPU_APIC_MODE_MASK	0x700U
#define VCPU_APIC_MODE_NMI	0x400U
#define VCPU_APIC_MODE_EXTINT	0x700U

static void	 vcpu_signal_handler(int);
static void	 vcpu_signal_install(void);
static int	 vcpu_set_msrs(struct vcpu *);
static int	 vcpu_set_lapic(struct vcpu *);
static int	 vcpu_set_fpu(struct vcpu *);
static uint64_t	 vcpu_gdt_entry(uint32_t, uint32_t, uint32_t);
static void	 vcpu_segment(struct kvm_segment *, uint64_t, uint16_t);
static int	 vcpu_write_tables(struct vmm *, enum loader_mode);
static void	*vcpu_thread(void *);
static int	 vcpu_exit(struct vcpu *);
static int	 vcpu_exit_io(struct vcpu *);
static void	 vcpu_exit_mmio(struct vcpu *);
static void	 vcpu_describe(struct vcpu *, const char *, char *, size_t);
static void	 vcpu_stat(struct vcpu *, enum vmm_stat);
static int	 vcpu_park(struct vcpu *);
static int	 vcpu_run_error(struct vcpu *);
static void	 vcpu_extint(struct vcpu *);

/*
 * The kick signal's handler is process-wide by nature (sigaction), so it is
 * installed once for every VM in the process; it does nothing, its only
 * job is to make KVM_RUN return EINTR.
 */
static pthread_once_t	vcpu_signal_once = PTHREAD_ONCE_INIT;

static void
vcpu_signal_handler(int sig)
{
	(void)sig;
}

static void
vcpu_signal_install(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = vcpu_signal_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: KVM_RUN must come back with EINTR. */
	sa.sa_flags = 0;
	sigaction(SIGRTMIN, &sa, NULL);
}

static int
vcpu_set_msrs(struct vcpu *vc)
{
	static const struct {
		uint32_t	index;
		uint64_t	data;
	} msrs[] = {
		{ VCPU_MSR_SYSENTER_CS, 0 },
		{ VCPU_MSR_SYSENTER_ESP, 0 },
		{ VCPU_MSR_SYSENTER_EIP, 0 },
		{ VCPU_MSR_STAR, 0 },
		{ VCPU_MSR_CSTAR, 0 },
		{ VCPU_MSR_KERNEL_GS_BASE, 0 },
		{ VCPU_MSR_SYSCALL_MASK, 0 },
		{ VCPU_MSR_LSTAR, 0 },
		{ VCPU_MSR_TSC, 0 },
		{ VCPU_MSR_MISC_ENABLE, 1 },	/* fast strings */
		{ VCPU_MSR_MTRR_DEF_TYPE, (1 << 11) | 6 },	/* on, WB */
	};
	struct kvm_msrs	*m;
	size_t		 i;

	m = xcalloc(1, sizeof *m + sizeof m->entries[0]);
	/* One at a time: an MSR this host's KVM lacks is logged and
	 * skipped rather than failing the VM. */
	for (i = 0; i < sizeof msrs / sizeof msrs[0]; i++) {
		m->nmsrs = 1;
		m->entries[0].index = msrs[i].index;
		m->entries[0].data = msrs[i].data;
		if (ioctl(vc->vc_fd, KVM_SET_MSRS, m) != 1)
			log_debug("vcpu%u: MSR %#x not set", vc->vc_id,
			    msrs[i].index);
	}
	free(m);
	return (0);
}

static int
vcpu_set_lapic(struct vcpu *vc)
{
	struct kvm_lapic_state	lapic;
	uint32_t		v;

	if (ioctl(vc->vc_fd, KVM_GET_LAPIC, &lapic) == -1)
		return (-1);
	memcpy(&v, &lapic.regs[VCPU_APIC_LVT0], sizeof v);
	v = (v & ~VCPU_APIC_MODE_MASK) | VCPU_APIC_MODE_EXTINT;
	memcpy(&lapic.regs[VCPU_APIC_LVT0], &v, sizeof v);
	memcpy(&v, &lapic.regs[VCPU_APIC_LVT1], sizeof v);
	v = (v & ~VCPU_APIC_MODE_MASK) | VCPU_APIC_MODE_NMI;
	memcpy(&lapic.regs[VCPU_APIC_LVT1], &v, sizeof v);
	return (ioctl(vc->vc_fd, KVM_SET_LAPIC, &lapic) == -1 ? -1 : 0);
}

static int
vcpu_set_fpu(struct vcpu *vc)
{
	struct kvm_fpu	fpu;

	memset(&fpu, 0, sizeof fpu);
	fpu.fcw = 0x37f;
	fpu.mxcsr = 0x1f80;
	return (ioctl(vc->vc_fd, KVM_SET_FPU, &fpu) == -1 ? -1 : 0);
}

struct vcpu *
vcpu_create(struct vmm *vmm, unsigned int id, char **cause)
{
	struct vcpu		*vc;
	struct kvm_mp_state	 mp;
	void			*p;
	const char		*what;

	pthread_once(&vcpu_signal_once, vcpu_signal_install);

	vc = xcalloc(1, sizeof *vc);
	vc->vc_vmm = vmm;
	vc->vc_id = id;
	vc->vc_extint_vec = -1;
	if ((vc->vc_fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU,
	    (unsigned long)id)) == -1) {
		what = "KVM_CREATE_VCPU";
		goto fail;
	}
	if (fcntl(vc->vc_fd, F_SETFD, FD_CLOEXEC) == -1)
		log_debug("%s: FD_CLOEXEC: %s", __func__, strerror(errno));
	p = mmap(NULL, vmm->vm_runsize, PROT_READ|PROT_WRITE, MAP_SHARED,
	    vc->vc_fd, 0);
	if (p == MAP_FAILED) {
		what = "mmap of kvm_run";
		goto fail;
	}
	vc->vc_run = p;
	if (cpuid_set_vcpu(vmm, vc) != 0) {
		what = "KVM_SET_CPUID2";
		goto fail;
	}
	if (vcpu_set_msrs(vc) != 0) {
		what = "KVM_SET_MSRS";
		goto fail;
	}
	if (vcpu_set_lapic(vc) != 0) {
		what = "KVM_SET_LAPIC";
		goto fail;
	}
	/* What vmm_reset puts back: the LAPIC as created (timer off). */
	vc->vc_lapic0 = xcalloc(1, sizeof *vc->vc_lapic0);
	if (ioctl(vc->vc_fd, KVM_GET_LAPIC, vc->vc_lapic0) == -1) {
		what = "KVM_GET_LAPIC";
		goto fail;
	}
	if (vcpu_set_fpu(vc) != 0) {
		what = "KVM_SET_FPU";
		goto fail;
	}
	if (id != 0) {
		/* Wait for INIT/SIPI from the boot CPU. */
		memset(&mp, 0, sizeof mp);
		mp.mp_state = KVM_MP_STATE_UNINITIALIZED;
		if (ioctl(vc->vc_fd, KVM_SET_MP_STATE, &mp) == -1) {
			what = "KVM_SET_MP_STATE";
			goto fail;
		}
	}
	return (vc);

fail:
	xasprintf(cause, "vcpu%u: %s: %s", id, what, strerror(errno));
	vcpu_free(vc);
	return (NULL);
}

void
vcpu_free(struct vcpu *vc)
{
	if (vc == NULL)
		return;
	if (vc->vc_run != NULL)
		munmap(vc->vc_run, vc->vc_vmm->vm_runsize);
	if (vc->vc_fd != -1)
		close(vc->vc_fd);
	free(vc->vc_lapic0);
	free(vc);
}

/* A GDT descriptor from flags (access byte | G/DB/L << 12), base, limit. */
static uint64_t
vcpu_gdt_entry(uint32_t flags, uint32_t base, uint32_t limit)
{
	return (((uint64_t)(base & 0xff000000U) << 32) |
	    ((uint64_t)(flags & 0xf0ffU) << 40) |
	    ((uint64_t)(limit & 0x000f0000U) << 32) |
	    ((uint64_t)(base & 0x00ffffffU) << 16) |
	    (uint64_t)(limit & 0x0000ffffU));
}

/* The hidden part of a segment register, as if the CPU loaded sel. */
static void
vcpu_segment(struct kvm_segment *s, uint64_t e, uint16_t sel)
{
	memset(s, 0, sizeof *s);
	s->selector = sel;
	s->base = ((e >> 16) & 0xffffffULL) | (((e >> 56) & 0xffULL) << 24);
	s->limit = (uint32_t)((e & 0xffffULL) | (((e >> 48) & 0xfULL) << 16));
	s->type = (e >> 40) & 0xf;
	s->s = (e >> 44) & 1;
	s->dpl = (e >> 45) & 3;
	s->present = (e >> 47) & 1;
	s->avl = (e >> 52) & 1;
	s->l = (e >> 53) & 1;
	s->db = (e >> 54) & 1;
	s->g = (e >> 55) & 1;
	if (s->g)
		s->limit = (s->limit << 12) | 0xfff;
	s->unusable = !s->present;
}

/* GDT, empty IDT and (64-bit) page tables mapping 4 GiB with 2 MiB pages:
 * PML4, PDPT, then one PD per GiB. */
static int
vcpu_write_tables(struct vmm *vmm, enum loader_mode mode)
{
	uint64_t	 gdt[VCPU_GDT_ENTRIES], *pt;
	uint64_t	 idt = 0, pml4, pdpt, pd;
	unsigned int	 i;

	memset(gdt, 0, sizeof gdt);
	gdt[VCPU_SEL_CODE / 8] = vcpu_gdt_entry(mode == LOADER_MODE_LONG64 ?
	    VCPU_DESC_CODE64 : VCPU_DESC_CODE32, 0, 0xfffff);
	gdt[VCPU_SEL_DATA / 8] = vcpu_gdt_entry(VCPU_DESC_DATA, 0, 0xfffff);
	gdt[VCPU_SEL_TSS / 8] = vcpu_gdt_entry(VCPU_DESC_TSS, 0, 0x67);
	if (mem_write(vmm, VMM_BOOT_GDT, gdt, sizeof gdt) != 0 ||
	    mem_write(vmm, VMM_BOOT_IDT, &idt, sizeof idt) != 0)
		return (-1);
	if (mode != LOADER_MODE_LONG64)
		return (0);

	if ((pt = mem_gpa(vmm, VMM_PAGE_TABLES, 6 * VCPU_PAGE)) == NULL)
		return (-1);
	pml4 = VMM_PAGE_TABLES;
	pdpt = pml4 + VCPU_PAGE;
	pd = pdpt + VCPU_PAGE;
	memset(pt, 0, 6 * VCPU_PAGE);
	pt[0] = pdpt | VCPU_PTE_P | VCPU_PTE_RW;
	for (i = 0; i < 4; i++)
		pt[512 + i] = (pd + i * VCPU_PAGE) | VCPU_PTE_P | VCPU_PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pt[1024 + i] = ((uint64_t)i << 21) | VCPU_PTE_P | VCPU_PTE_RW |
		    VCPU_PTE_PS;
	return (0);
}

int
vcpu_set_entry(struct vcpu *vc, const struct loader_entry *le, char **cause)
{
	struct vmm		*vmm = vc->vc_vmm;
	struct kvm_sregs	 sregs;
	struct kvm_regs		 regs;
	uint64_t		 code, data, tss;
	int			 long64 = le->le_mode == LOADER_MODE_LONG64;

	if (vcpu_write_tables(vmm, le->le_mode) != 0) {
		xasprintf(cause, "no room for the boot page tables and GDT in"
		    " guest memory");
		return (-1);
	}
	if (ioctl(vc->vc_fd, KVM_GET_SREGS, &sregs) == -1) {
		xasprintf(cause, "KVM_GET_SREGS: %s", strerror(errno));
		return (-1);
	}
	code = vcpu_gdt_entry(long64 ? VCPU_DESC_CODE64 : VCPU_DESC_CODE32,
	    0, 0xfffff);
	data = vcpu_gdt_entry(VCPU_DESC_DATA, 0, 0xfffff);
	tss = vcpu_gdt_entry(VCPU_DESC_TSS, 0, 0x67);
	vcpu_segment(&sregs.cs, code, VCPU_SEL_CODE);
	vcpu_segment(&sregs.ds, data, VCPU_SEL_DATA);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	vcpu_segment(&sregs.tr, tss, VCPU_SEL_TSS);
	sregs.gdt.base = VMM_BOOT_GDT;
	sregs.gdt.limit = VCPU_GDT_ENTRIES * 8 - 1;
	sregs.idt.base = VMM_BOOT_IDT;
	sregs.idt.limit = 0;
	/* Nothing pending from a previous life (vmm_reset). */
	sregs.cr2 = 0;
	sregs.cr8 = 0;
	memset(sregs.interrupt_bitmap, 0, sizeof sregs.interrupt_bitmap);

	if (long64) {
		sregs.cr0 = VCPU_CR0_PE | VCPU_CR0_MP | VCPU_CR0_ET |
		    VCPU_CR0_NE | VCPU_CR0_PG;
		sregs.cr3 = VMM_PAGE_TABLES;
		sregs.cr4 = VCPU_CR4_PAE | VCPU_CR4_OSFXSR |
		    VCPU_CR4_OSXMMEXCPT;
		sregs.efer = VCPU_EFER_LME | VCPU_EFER_LMA;
	} else {
		/* PVH: flat protected mode, paging off, CR4 clear. */
		sregs.cr0 = VCPU_CR0_PE | VCPU_CR0_ET;
		sregs.cr3 = 0;
		sregs.cr4 = 0;
		sregs.efer = 0;
	}
	if (ioctl(vc->vc_fd, KVM_SET_SREGS, &sregs) == -1) {
		xasprintf(cause, "KVM_SET_SREGS: %s", strerror(errno));
		return (-1);
	}

	memset(&regs, 0, sizeof regs);
	regs.rflags = 0x2;
	regs.rip = le->le_rip;
	regs.rsp = le->le_rsp != 0 ? le->le_rsp : VMM_BOOT_STACK;
	if (long64)
		regs.rsi = le->le_rsi;
	else
		regs.rbx = le->le_rbx;
	if (ioctl(vc->vc_fd, KVM_SET_REGS, &regs) == -1) {
		xasprintf(cause, "KVM_SET_REGS: %s", strerror(errno));
		return (-1);
	}
	log_debug("vcpu%u: entry %s rip %#llx", vc->vc_id,
	    long64 ? "64-bit" : "32-bit", (unsigned long long)le->le_rip);
	return (0);
}

int
vcpu_start(struct vcpu *vc)
{
	int	error;

	if ((error = pthread_create(&vc->vc_thread, NULL, vcpu_thread,
	    vc)) != 0) {
		errno = error;
		return (-1);
	}
	vc->vc_started = 1;
	return (0);
}

void
vcpu_kick(struct vcpu *vc)
{
	__atomic_store_n(&vc->vc_run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (vc->vc_started)
		pthread_kill(vc->vc_thread, SIGRTMIN);
}

void
vcpu_poke(struct vcpu *vc)
{
	struct vmm	*vmm = vc->vc_vmm;

	__atomic_store_n(&vc->vc_poked, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vc->vc_run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	/* vm_lock: vc_thread stays valid until vcpu_join clears it. */
	pthread_mutex_lock(&vmm->vm_lock);
	if (vc->vc_started && !pthread_equal(vc->vc_thread, pthread_self()))
		pthread_kill(vc->vc_thread, SIGRTMIN);
	pthread_mutex_unlock(&vmm->vm_lock);
}

void
vcpu_join(struct vcpu *vc)
{
	int	started;

	pthread_mutex_lock(&vc->vc_vmm->vm_lock);
	started = vc->vc_started;
	vc->vc_started = 0;
	pthread_mutex_unlock(&vc->vc_vmm->vm_lock);
	if (started)
		pthread_join(vc->vc_thread, NULL);
}

static void
vcpu_stat(struct vcpu *vc, enum vmm_stat kind)
{
	__atomic_fetch_add(&vc->vc_stats[kind], 1, __ATOMIC_RELAXED);
}

/* One line for ve_detail: what happened and where the vCPU was. */
static void
vcpu_describe(struct vcpu *vc, const char *what, char *buf, size_t len)
{
	struct kvm_regs		regs;
	struct kvm_sregs	sregs;

	if (ioctl(vc->vc_fd, KVM_GET_REGS, &regs) == -1 ||
	    ioctl(vc->vc_fd, KVM_GET_SREGS, &sregs) == -1) {
		snprintf(buf, len, "%s on vcpu%u (registers unavailable: %s)",
		    what, vc->vc_id, strerror(errno));
		return;
	}
	snprintf(buf, len, "%s on vcpu%u: rip %#llx rsp %#llx cr0 %#llx "
	    "cr3 %#llx cr4 %#llx efer %#llx cs %#x (l %u db %u dpl %u)",
	    what, vc->vc_id, (unsigned long long)regs.rip,
	    (unsigned long long)regs.rsp, (unsigned long long)sregs.cr0,
	    (unsigned long long)sregs.cr3, (unsigned long long)sregs.cr4,
	    (unsigned long long)sregs.efer, sregs.cs.selector, sregs.cs.l,
	    sregs.cs.db, sregs.cs.dpl);
}

/* Port I/O, including string I/O of count elements either way. */
static int
vcpu_exit_io(struct vcpu *vc)
{
	struct kvm_run		*run = vc->vc_run;
	struct iotrap_access	 ia;
	uint8_t			*p;
	uint32_t		 i, size = run->io.size;

	if (size == 0 || size > 8 || run->io.data_offset >
	    vc->vc_vmm->vm_runsize ||
	    (uint64_t)run->io.count * size >
	    vc->vc_vmm->vm_runsize - run->io.data_offset) {
		errno = EINVAL;
		return (-1);
	}
	p = (uint8_t *)run + run->io.data_offset;
	for (i = 0; i < run->io.count; i++, p += size) {
		memset(&ia, 0, sizeof ia);
		ia.ia_addr = run->io.port;
		ia.ia_len = size;
		ia.ia_write = run->io.direction == KVM_EXIT_IO_OUT;
		ia.ia_vcpu = (int)vc->vc_id;
		if (ia.ia_write)
			memcpy(&ia.ia_data, p, size);
		iotrap_dispatch(vc->vc_vmm, IOTRAP_PIO, &ia);
		if (!ia.ia_write)
			memcpy(p, &ia.ia_data, size);
	}
	return (0);
}

static void
vcpu_exit_mmio(struct vcpu *vc)
{
	struct kvm_run		*run = vc->vc_run;
	struct iotrap_access	 ia;
	uint32_t		 len = run->mmio.len;

	if (len > sizeof run->mmio.data)
		len = sizeof run->mmio.data;
	memset(&ia, 0, sizeof ia);
	ia.ia_addr = run->mmio.phys_addr;
	ia.ia_len = len;
	ia.ia_write = run->mmio.is_write;
	ia.ia_vcpu = (int)vc->vc_id;
	if (ia.ia_write)
		memcpy(&ia.ia_data, run->mmio.data, len);
	iotrap_dispatch(vc->vc_vmm, IOTRAP_MMIO, &ia);
	if (!ia.ia_write)
		memcpy(run->mmio.data, &ia.ia_data, len);
}

/* Handle one exit; 0 to run on, -1 when the run ended (recorded). */
static int
vcpu_exit(struct vcpu *vc)
{
	struct vmm	*vmm = vc->vc_vmm;
	struct kvm_run	*run = vc->vc_run;
	char		 what[128], detail[sizeof vmm->vm_exit.ve_detail];
	int		 id = (int)vc->vc_id;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_stat(vc, VMM_STAT_IO);
		vc->vc_pending = 1;
		if (vcpu_exit_io(vc) != 0) {
			snprintf(detail, sizeof detail, "vcpu%u: bad I/O exit "
			    "(size %u count %u)", vc->vc_id, run->io.size,
			    run->io.count);
			vmm_end(vmm, VMM_EXIT_ERROR, EINVAL, id, detail);
			return (-1);
		}
		return (0);
	case KVM_EXIT_MMIO:
		vcpu_stat(vc, VMM_STAT_MMIO);
		vc->vc_pending = 1;
		vcpu_exit_mmio(vc);
		return (0);
	case KVM_EXIT_INTR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		/* The loop looks at the PIC before the next KVM_RUN. */
		vcpu_stat(vc, VMM_STAT_OTHER);
		return (0);
	case KVM_EXIT_IOAPIC_EOI:
		vcpu_stat(vc, VMM_STAT_OTHER);
		irq_eoi(vmm, run->eoi.vector);
		return (0);
	case KVM_EXIT_SHUTDOWN:
		vcpu_stat(vc, VMM_STAT_OTHER);
		vcpu_describe(vc, "triple fault", detail, sizeof detail);
		vmm_end(vmm, VMM_EXIT_TRIPLE_FAULT, 0, id, detail);
		return (-1);
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_stat(vc, VMM_STAT_OTHER);
		snprintf(what, sizeof what, "%s (suberror %u)",
		    run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
		    "emulation failure" : "internal error",
		    run->internal.suberror);
		vcpu_describe(vc, what, detail, sizeof detail);
		vmm_end(vmm, VMM_EXIT_EMULATION, (int)run->internal.suberror,
		    id, detail);
		return (-1);
	case KVM_EXIT_SYSTEM_EVENT:
		vcpu_stat(vc, VMM_STAT_OTHER);
		switch (run->system_event.type) {
		case KVM_SYSTEM_EVENT_SHUTDOWN:
			vmm_end(vmm, VMM_EXIT_POWEROFF, 0, id, NULL);
			break;
		case KVM_SYSTEM_EVENT_RESET:
			vmm_end(vmm, VMM_EXIT_RESET, 0, id, NULL);
			break;
		default:
			snprintf(detail, sizeof detail, "vcpu%u: system event "
			    "%u", vc->vc_id, run->system_event.type);
			vmm_end(vmm, VMM_EXIT_ERROR, 0, id, detail);
			break;
		}
		return (-1);
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_stat(vc, VMM_STAT_OTHER);
		snprintf(what, sizeof what, "entry failed (hardware reason "
		    "%#llx)", (unsigned long long)
		    run->fail_entry.hardware_entry_failure_reason);
		vcpu_describe(vc, what, detail, sizeof detail);
		vmm_end(vmm, VMM_EXIT_ERROR, 0, id, detail);
		return (-1);
	default:
		vcpu_stat(vc, VMM_STAT_OTHER);
		snprintf(what, sizeof what, "unexpected exit %u",
		    run->exit_reason);
		vcpu_describe(vc, what, detail, sizeof detail);
		vmm_end(vmm, VMM_EXIT_ERROR, 0, id, detail);
		return (-1);
	}
}

/* KVM_RUN failed for a reason other than a kick: end the run. */
static int
vcpu_run_error(struct vcpu *vc)
{
	char	detail[128];
	int	error = errno;

	snprintf(detail, sizeof detail, "vcpu%u: KVM_RUN: %s", vc->vc_id,
	    strerror(error));
	vmm_end(vc->vc_vmm, VMM_EXIT_ERROR, error, (int)vc->vc_id, detail);
	return (-1);
}

/*
 * Finish the instruction of a pending I/O exit (see the top of the file),
 * then wait on vm_cond while the VM is paused.  0 to run on, -1 when the
 * run ended (recorded).
 */
static int
vcpu_park(struct vcpu *vc)
{
	struct vmm	*vmm = vc->vc_vmm;

	while (vc->vc_pending) {
		__atomic_store_n(&vc->vc_run->immediate_exit, 1,
		    __ATOMIC_SEQ_CST);
		vc->vc_pending = 0;
		if (ioctl(vc->vc_fd, KVM_RUN, 0) == -1) {
			if (errno != EINTR && errno != EAGAIN)
				return (vcpu_run_error(vc));
			continue;
		}
		/* Completing string I/O may need another exit. */
		if (vcpu_exit(vc) != 0)
			return (-1);
	}

	pthread_mutex_lock(&vmm->vm_lock);
	vmm->vm_nparked++;
	pthread_cond_broadcast(&vmm->vm_cond);
	while (vmm_is_pausing(vmm) && !vmm_is_stopping(vmm))
		pthread_cond_wait(&vmm->vm_cond, &vmm->vm_lock);
	vmm->vm_nparked--;
	pthread_mutex_unlock(&vmm->vm_lock);
	/* The caller checks the flags again after this: no kick is lost. */
	__atomic_store_n(&vc->vc_run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	return (0);
}

/*
 * vCPU 0, before KVM_RUN: hand the PIC's interrupt to KVM if the guest can
 * take it now, else ask KVM to exit when it can (see the top of the file).
 */
static void
vcpu_extint(struct vcpu *vc)
{
	struct kvm_run		*run = vc->vc_run;
	struct kvm_interrupt	 intr;
	int			 pending = irq_extint_pending(vc->vc_vmm);

	if (vc->vc_extint_vec < 0 && !pending) {
		run->request_interrupt_window = 0;
		return;
	}
	if (!run->ready_for_interrupt_injection || vc->vc_extint_sent) {
		run->request_interrupt_window = 1;
		return;
	}
	/* A vector acknowledged but refused (one was still queued) is
	 * offered again, never acknowledged twice. */
	if (vc->vc_extint_vec < 0)
		vc->vc_extint_vec = irq_inta(vc->vc_vmm);
	if (vc->vc_extint_vec >= 0) {
		memset(&intr, 0, sizeof intr);
		intr.irq = (uint32_t)vc->vc_extint_vec;
		if (ioctl(vc->vc_fd, KVM_INTERRUPT, &intr) == 0) {
			vc->vc_extint_sent = 1;
			vc->vc_extint_vec = -1;
		} else if (errno != EEXIST) {
			log_warnx("vcpu%u: KVM_INTERRUPT %d: %s", vc->vc_id,
			    vc->vc_extint_vec, strerror(errno));
			vc->vc_extint_vec = -1;
		}
	}
	/* Another one may be waiting behind this one. */
	run->request_interrupt_window = vc->vc_extint_vec >= 0 ||
	    irq_extint_pending(vc->vc_vmm) ? 1 : 0;
}

static void *
vcpu_thread(void *arg)
{
	struct vcpu	*vc = arg;
	struct vmm	*vmm = vc->vc_vmm;
	sigset_t	 set;
	char		 name[16];

	/* The caller may block signals for its own threads; this one must
	 * receive the kick. */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	snprintf(name, sizeof name, "vcpu%u", vc->vc_id);
	pthread_setname_np(pthread_self(), name);

	for (;;) {
		/* A poke's immediate_exit goes first, the flags after. */
		if (__atomic_exchange_n(&vc->vc_poked, 0, __ATOMIC_SEQ_CST))
			__atomic_store_n(&vc->vc_run->immediate_exit, 0,
			    __ATOMIC_SEQ_CST);
		if (vmm_is_stopping(vmm))
			break;
		if (vmm_is_pausing(vmm)) {
			if (vcpu_park(vc) != 0)
				break;
			continue;
		}
		if (vc->vc_id == 0)
			vcpu_extint(vc);
		if (ioctl(vc->vc_fd, KVM_RUN, 0) == -1) {
			vc->vc_extint_sent = 0;
			if (errno == EINTR || errno == EAGAIN) {
				/* An I/O exit handled before is complete. */
				vc->vc_pending = 0;
				vcpu_stat(vc, VMM_STAT_OTHER);
				continue;
			}
			vcpu_run_error(vc);
			break;
		}
		vc->vc_extint_sent = 0;
		vc->vc_pending = 0;
		if (vcpu_exit(vc) != 0)
			break;
	}
	vmm_vcpu_exited(vmm);
	return (NULL);
}

int
vcpu_reset(struct vcpu *vc, const struct loader_entry *le, char **cause)
{
	struct kvm_vcpu_events	 ev;
	struct kvm_mp_state	 mp;
	const char		*what;

	if (vc->vc_lapic0 != NULL &&
	    ioctl(vc->vc_fd, KVM_SET_LAPIC, vc->vc_lapic0) == -1) {
		what = "KVM_SET_LAPIC";
		goto fail;
	}
	/* No exception, interrupt or NMI pending or being injected. */
	memset(&ev, 0, sizeof ev);
	if (ioctl(vc->vc_fd, KVM_SET_VCPU_EVENTS, &ev) == -1) {
		what = "KVM_SET_VCPU_EVENTS";
		goto fail;
	}
	if (vcpu_set_fpu(vc) != 0) {
		what = "KVM_SET_FPU";
		goto fail;
	}
	vcpu_set_msrs(vc);
	memset(&mp, 0, sizeof mp);
	mp.mp_state = le != NULL ? KVM_MP_STATE_RUNNABLE :
	    KVM_MP_STATE_UNINITIALIZED;
	if (ioctl(vc->vc_fd, KVM_SET_MP_STATE, &mp) == -1) {
		what = "KVM_SET_MP_STATE";
		goto fail;
	}
	vc->vc_pending = 0;
	vc->vc_extint_sent = 0;
	vc->vc_extint_vec = -1;
	vc->vc_run->request_interrupt_window = 0;
	if (le != NULL)
		return (vcpu_set_entry(vc, le, cause));
	return (0);

fail:
	xasprintf(cause, "vcpu%u: %s: %s", vc->vc_id, what, strerror(errno));
	return (-1);
}

uint64_t
vcpu_stat_get(struct vcpu *vc, enum vmm_stat kind)
{
	return (__atomic_load_n(&vc->vc_stats[kind], __ATOMIC_RELAXED));
}
