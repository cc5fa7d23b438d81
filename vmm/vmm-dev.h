/* SPDX-License-Identifier: ISC */
/*
 * The interface between the monitor core and its parts: the guest-physical
 * layout, I/O traps, interrupts, guest memory access, requests a device
 * makes of the machine (power off, reset), and the device-type table.
 *
 * Devices never call an ioctl: everything goes through these functions, so
 * a unit test can build a VM with vmm_create_fake() (no /dev/kvm, an irq
 * recorder instead of the interrupt controllers) and poke devices through
 * iotrap_dispatch().
 */
#ifndef VIREO_VMM_DEV_H
#define VIREO_VMM_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

/*
 * Guest-physical layout.  RAM runs from 0 to min(memsize, VMM_LOWMEM_END);
 * the rest of RAM starts at 4 GiB.  The hole between holds the PCI MMIO
 * window, ECAM, the IOAPIC and the LAPIC; TSS and identity map sit at the
 * top as on the other KVM VMMs.
 */
#define VMM_LOWMEM_END		0xc0000000ULL	/* 3 GiB */
#define VMM_HIGHMEM_BASE	0x100000000ULL	/* 4 GiB */
#define VMM_PCI_MMIO_BASE	0xc0000000ULL	/* 32-bit BARs */
#define VMM_PCI_MMIO_SIZE	0x20000000ULL
#define VMM_ECAM_BASE		0xe0000000ULL	/* PCIe ECAM, bus 0 only */
#define VMM_ECAM_SIZE		0x00100000ULL	/* 1 bus = 1 MiB */
#define VMM_IOAPIC_BASE		0xfec00000ULL
#define VMM_LAPIC_BASE		0xfee00000ULL
#define VMM_IDENTITY_MAP	0xfffbc000ULL	/* 1 page */
#define VMM_TSS_ADDR		0xfffbd000ULL	/* 3 pages */

/* Low memory used by the loaders and table builders. */
#define VMM_EBDA_START		0x0009fc00ULL	/* e820 reserved to 1 MiB */
#define VMM_PVH_INFO		0x00006000ULL	/* hvm_start_info + memmap */
#define VMM_ZERO_PAGE		0x00007000ULL	/* Linux boot_params */
#define VMM_BOOT_STACK		0x00008ff0ULL
#define VMM_PAGE_TABLES		0x00009000ULL	/* PML4, PDPT, PDs (6 pages) */
#define VMM_CMDLINE		0x00020000ULL
#define VMM_CMDLINE_MAX		0x00010000ULL
#define VMM_ACPI_BASE		0x000e0000ULL	/* RSDP first, then tables */
#define VMM_ACPI_SIZE		0x00020000ULL
#define VMM_KERNEL_BASE		0x00100000ULL

/* Fixed platform resources. */
#define VMM_COM1_PORT		0x3f8
#define VMM_COM1_IRQ		4
#define VMM_I8042_PORT		0x60	/* and 0x64 */
#define VMM_RTC_PORT		0x70	/* and 0x71 */
#define VMM_RTC_IRQ		8
#define VMM_DEBUG_EXIT_PORT	0xf4
#define VMM_PM_BASE		0x600	/* PM1a_EVT_BLK: status (2), enable (2) */
#define VMM_PM1A_CNT		0x604	/* PM1a_CNT_BLK (2) */
#define VMM_PM_TMR		0x608	/* PM_TMR_BLK (4), 3.579545 MHz */
#define VMM_GPE0_BASE		0x620	/* GPE0_BLK: status (2), enable (2) */
#define VMM_RESET_PORT		0xcf9	/* also the FADT reset register */
#define VMM_SCI_IRQ		9
#define VMM_PCI_CONF_PORT	0xcf8	/* 0xcf8 address, 0xcfc..0xcff data */
#define VMM_PCI_IRQ_BASE	16	/* INTx of slot n -> GSI 16 + n % 8 */
#define VMM_IOAPIC_PINS		24
#define VMM_PIC_MASTER_PORT	0x20	/* and 0x21 */
#define VMM_PIC_SLAVE_PORT	0xa0	/* and 0xa1 */
#define VMM_PIC_ELCR_PORT	0x4d0	/* and 0x4d1 */
#define VMM_PIT_PORT		0x40	/* 0x40-0x43 */
#define VMM_PIT_GSI		2	/* ISA IRQ 0, by the MADT override */
#define VMM_PORTB_PORT		0x61	/* speaker gate and OUT2 */

/* iotrap.c ------------------------------------------------------------ */

enum iotrap_space {
	IOTRAP_PIO = 0,
	IOTRAP_MMIO
};

/* One guest access to a trapped range. */
struct iotrap_access {
	uint64_t	ia_addr;	/* port or guest-physical address */
	uint64_t	ia_off;		/* ia_addr - base of the range */
	uint32_t	ia_len;		/* 1, 2, 4 or 8 bytes */
	int		ia_write;	/* 1 for a write */
	uint64_t	ia_data;	/* in: value written; out: value read */
	int		ia_vcpu;	/* which vCPU, -1 from a test */
};

/*
 * A handler fills ia_data on reads.  It runs on the vCPU thread that
 * trapped; a device touched from several threads has its own mutex.
 */
typedef void	(*iotrap_handler)(void *dev, struct iotrap_access *);

/*
 * Register [base, base + len) in space for handler(dev, ...).  name is
 * borrowed (a string literal) and shows in statistics.  Returns 0, or -1
 * with errno EEXIST if it overlaps a registered range.
 */
int	iotrap_register(struct vmm *, enum iotrap_space, uint64_t base,
	    uint64_t len, iotrap_handler, void *dev, const char *name);
/* Remove the range starting at base; 0, or -1 with ENOENT. */
int	iotrap_unregister(struct vmm *, enum iotrap_space, uint64_t base);
/*
 * Deliver one access.  Returns 0 if a handler took it, -1 (ENOENT) if none
 * did, in which case a read yields all ones as on a real bus.
 */
int	iotrap_dispatch(struct vmm *, enum iotrap_space,
	    struct iotrap_access *);

/* irq.c --------------------------------------------------------------- */

/* Drive a GSI line (IOAPIC pin; GSI < 16 also the PIC, VMM_PIT_GSI
 * its pin 0).  0 or -1/errno. */
int	irq_set_level(struct vmm *, uint32_t gsi, int level);
/* An edge: level 1 then 0. */
int	irq_pulse(struct vmm *, uint32_t gsi);
/* Inject an MSI (address, data) as a PCI device would.  0 or -1/errno. */
int	irq_msi(struct vmm *, uint64_t addr, uint32_t data);

/* mem.c --------------------------------------------------------------- */

/*
 * Host pointer for [gpa, gpa + len) of guest RAM, or NULL (errno EFAULT) if
 * any part is outside RAM or the range wraps.  Valid as long as the VM.
 */
void	*mem_gpa(struct vmm *, uint64_t gpa, uint64_t len);
/* Copy to and from guest RAM; 0, or -1 with EFAULT. */
int	 mem_write(struct vmm *, uint64_t gpa, const void *, size_t);
int	 mem_read(struct vmm *, uint64_t gpa, void *, size_t);

/* Guest RAM size in bytes and the end of RAM below 4 GiB. */
uint64_t mem_size(struct vmm *);
uint64_t mem_lowmem_end(struct vmm *);

/* The n-byte (n <= 8) little-endian value at p, as the guest lays it out. */
static inline uint64_t
vmm_le_get(const uint8_t *p, unsigned int n)
{
	uint64_t	v = 0;
	unsigned int	i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (v);
}

/* Store the low n bytes (n <= 8) of v at p, little-endian. */
static inline void
vmm_le_put(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* vmm.c: what devices and builders may ask of the machine -------------- */

enum vmm_request {
	VMM_REQ_POWEROFF = 0,	/* ACPI S5 */
	VMM_REQ_RESET,		/* i8042 0xFE, 0xCF9, ACPI reset register */
	VMM_REQ_DEBUG_EXIT	/* code = value written to the port */
};

/* Stop every vCPU and end vmm_run with this reason (first one wins). */
void	 vmm_request(struct vmm *, enum vmm_request, int code);
/* The VM's parameters, as given to vmm_create (borrowed). */
const struct vmm_params *vmm_params(struct vmm *);

/*
 * A VM without /dev/kvm for unit tests: RAM is plain memory, interrupts go
 * to the recorder below, nothing runs.  Devices are not created; a test
 * calls a devtype's create itself.  NULL with *cause on failure.
 */
struct vmm	*vmm_create_fake(const struct vmm_params *, char **cause);
/* For fake VMs: the last level set on gsi, how many rising edges it saw,
 * and the requests devices made (VMM_EXIT_NONE if none). */
int		 vmm_fake_irq_level(struct vmm *, uint32_t gsi);
unsigned int	 vmm_fake_irq_edges(struct vmm *, uint32_t gsi);
enum vmm_exit_kind vmm_fake_exit(struct vmm *, int *code);

/* devices.c: the explicit table of device types ----------------------- */

/*
 * A platform device type.  create() registers the device's traps and
 * returns its state in *devp, or sets *devp = NULL when the parameters say
 * the device is absent (debug-exit without vireo.debugExit).  Returns 0, or
 * -1 with *cause set.  free() accepts NULL.  pci_slot: devices on the PCI
 * bus get their slot from pci_register() (pci.c) in create().
 */
struct snap;		/* a suspend-file stream, vmm/snapshot.h */

struct vmm_devtype {
	const char	*dt_name;
	int		(*dt_create)(struct vmm *, const struct vmm_params *,
			    void **devp, char **cause);
	void		(*dt_reset)(void *dev);
	void		(*dt_free)(void *dev);
	/*
	 * Appended for suspend/resume and statistics; NULL when a device has
	 * nothing to save or count.  dt_save writes the device's whole state
	 * into the snapshot stream and dt_restore reads it back into a device
	 * just made by dt_create with the same parameters (snapshot.h); both
	 * run with every vCPU paused.  0, or -1 with errno.  dt_stats calls
	 * emit once per counter (name is a string literal, e.g. "tx_bytes").
	 */
	int		(*dt_save)(void *dev, struct snap *);
	int		(*dt_restore)(void *dev, struct snap *);
	void		(*dt_stats)(void *dev, void (*emit)(void *arg,
			    const char *name, uint64_t value), void *arg);
};

/* The table, in creation order: core chips, then PCI, then the rest. */
extern const struct vmm_devtype *const vmm_devtypes[];
extern const size_t vmm_ndevtypes;

/* acpi.c ------------------------------------------------------------- */

/*
 * Write RSDP, XSDT, FADT, DSDT (with _S5_), MADT (every vCPU and the
 * IOAPIC) and MCFG into guest RAM at VMM_ACPI_BASE, matching the ports and
 * addresses above.  *rsdp gets the RSDP's guest-physical address.
 * Returns 0, or -1 with *cause set.
 */
int		 acpi_build(struct vmm *, uint64_t *rsdp, char **cause);

/* e820.c ------------------------------------------------------------- */

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_ACPI	3
#define E820_MAX	32

struct e820_entry {
	uint64_t	ee_addr;
	uint64_t	ee_size;
	uint32_t	ee_type;
};

/* The guest's memory map for a VM of this RAM size; returns the count. */
size_t		 e820_build(uint64_t memsize, struct e820_entry *,
		    size_t max);

/* loader.c ----------------------------------------------------------- */

/*
 * Where the boot CPU starts.  vcpu.c turns this into registers: for
 * LOADER_MODE_LONG64 it builds a GDT (code 0x10, data 0x18) and identity
 * page tables for the first 4 GiB and enters 64-bit mode (Linux 64-bit boot
 * protocol: RSI = zero page); for LOADER_MODE_PROT32 it enters flat 32-bit
 * protected mode with paging off (PVH: EBX = hvm_start_info).
 */
enum loader_mode {
	LOADER_MODE_LONG64 = 0,
	LOADER_MODE_PROT32
};

struct loader_entry {
	enum loader_mode le_mode;
	uint64_t	 le_rip;
	uint64_t	 le_rsi;	/* LONG64: zero page */
	uint64_t	 le_rbx;	/* PROT32: hvm_start_info */
	uint64_t	 le_rsp;	/* 0: leave to the guest */
	enum vmm_boot_kind le_kind;	/* what was found */
};

/*
 * Load params->vp_kernel (and vp_initrd, vp_cmdline) into guest RAM as a
 * bzImage, ELF vmlinux or PVH ELF (vp_boot, or detected when AUTO), write
 * the zero page or hvm_start_info with the e820 map, command line, initrd
 * and rsdp, and fill *entry.  Returns 0, or -1 with *cause naming the file
 * and what is wrong (truncated, foreign, too big for RAM, ...).
 */
int		 loader_load(struct vmm *, const struct vmm_params *,
		    uint64_t rsdp, struct loader_entry *, char **cause);

/* pci.c: the host bridge (other PCI devices register with it) --------- */

struct pci_bus;

/* PCI function's configuration space callbacks (offset in the 4 KiB space). */
struct pci_func_ops {
	uint32_t	(*pf_cfg_read)(void *dev, uint32_t off, uint32_t len);
	void		(*pf_cfg_write)(void *dev, uint32_t off, uint32_t len,
			    uint32_t val);
};

/* The bus the host bridge created (NULL before pci's create ran). */
struct pci_bus	*vmm_pci_bus(struct vmm *);
void		 vmm_set_pci_bus(struct vmm *, struct pci_bus *);
/*
 * Put a function on bus 0 at the first free slot (or slot if >= 0).
 * Returns the slot, or -1 with ENOSPC/EEXIST.
 */
int		 pci_register(struct pci_bus *, int slot,
		    const struct pci_func_ops *, void *dev);

/* Platform device extras for vmx and later devices (appended) -------- */

struct ns8250;
struct acpi_pm;

/* The platform device types (devices.c lists them; tests create them). */
extern const struct vmm_devtype pci_devtype;
extern const struct vmm_devtype ns8250_devtype;
extern const struct vmm_devtype i8042_devtype;
extern const struct vmm_devtype mc146818_devtype;
extern const struct vmm_devtype acpi_pm_devtype;
extern const struct vmm_devtype debug_exit_devtype;

/*
 * ns8250.c: COM1.  The event loop that reads vp_serial_in hands the bytes
 * to ns8250_input(), which takes what fits in the RX FIFO and returns that
 * count (the caller keeps the rest and retries when the guest has read;
 * ns8250_input_room says how much fits now).  NULL dev takes nothing.
 * ns8250_dropped() counts output bytes lost to a full non-blocking
 * vp_serial_out or a write error.  All thread-safe.
 */
size_t		 ns8250_input(struct ns8250 *, const void *, size_t);
size_t		 ns8250_input_room(struct ns8250 *);
uint64_t	 ns8250_dropped(struct ns8250 *);

/*
 * acpi-pm.c: press the fixed-feature power button: sets PWRBTN_STS and
 * raises the SCI if the guest enabled PWRBTN_EN (ACPI's graceful
 * shutdown).  Thread-safe; NULL does nothing.
 */
void		 acpi_pm_power_button(struct acpi_pm *);

/*
 * pci.c: a base address register for a function's config callbacks.  Set
 * pb_size (a power of two: >= 4 for I/O, >= 16 for memory) and pb_kind;
 * pci_bar_read/write implement the register at 0x10 + 4 * n, including
 * sizing (write all ones, read back the size mask).  A 64-bit BAR takes
 * two registers: upper = 1 for the second one.
 */
#define PCI_BAR_IO		0x1	/* I/O space */
#define PCI_BAR_MEM32		0x0	/* 32-bit memory */
#define PCI_BAR_MEM64		0x4	/* 64-bit memory, two registers */
#define PCI_BAR_PREFETCH	0x8	/* or'ed into a memory kind */

struct pci_bar {
	uint64_t	pb_size;	/* bytes, power of two; 0 unused */
	uint64_t	pb_addr;	/* base programmed by the guest */
	uint32_t	pb_kind;	/* PCI_BAR_* */
};

uint32_t	 pci_bar_read(const struct pci_bar *, int upper);
void		 pci_bar_write(struct pci_bar *, int upper, uint32_t);

/* Additions (append-only) --------------------------------------------- */

/* For fake VMs: how many MSIs devices injected, and the last one's address
 * and data (either pointer may be NULL). */
unsigned int	 vmm_fake_msi(struct vmm *, uint64_t *addr, uint32_t *data);

/* Where vcpu.c puts the boot GDT and an empty IDT (limit 0: any exception
 * before the guest loads its own IDT is a triple fault).  GDT: 0x08 null,
 * 0x10 code (64- or 32-bit by mode), 0x18 data, 0x20 TSS. */
#define VMM_BOOT_GDT		0x00000500ULL
#define VMM_BOOT_IDT		0x00000520ULL

/*
 * kvm.c: ioeventfds, for virtio notify registers.  kvm_has_vm() is 1 on a
 * VM backed by /dev/kvm, 0 on a fake one.  kvm_ioeventfd() makes a guest
 * write of len bytes (0: any width) to addr signal the eventfd fd inside
 * KVM, without an exit; assign 0 removes it.  0, or -1 with errno
 * (ENOTSUP on a fake VM).  Any thread.
 */
int		 kvm_has_vm(struct vmm *);
int		 kvm_ioeventfd(struct vmm *, enum iotrap_space, uint64_t addr,
		    uint32_t len, int fd, int assign);

/*
 * irq.c: MSIs through irqfds.  irq_msi_route_add() gives a GSI (from
 * VMM_IOAPIC_PINS up) routed to the MSI (addr, data), or -1 with errno
 * (ENOTSUP on a fake VM, ENOSPC); irq_msi_route_set() points it at a new
 * MSI (an ioctl that waits for KVM: only when the guest reprograms);
 * irq_msi_route_del() frees it.  irq_irqfd() makes a write to the eventfd
 * fd inject gsi (assign 0 removes it).  The routing table is shared by the
 * VM and kept with the default irqchip routes.  Any thread.
 */
int		 irq_msi_route_add(struct vmm *, uint64_t addr, uint32_t data);
int		 irq_msi_route_set(struct vmm *, uint32_t gsi, uint64_t addr,
		    uint32_t data);
void		 irq_msi_route_del(struct vmm *, uint32_t gsi);
int		 irq_irqfd(struct vmm *, uint32_t gsi, int fd, int assign);

/*
 * ns8250.c: the console tap behind vmm_set_console_tap.  fn(arg, buf, len)
 * runs for every byte the guest transmits, on the vCPU's thread with the
 * UART's mutex held (fn must not call into the UART); NULL fn removes it.
 * NULL ns does nothing.
 */
void		 ns8250_set_tap(struct ns8250 *, void (*fn)(void *,
		    const void *, size_t), void *arg);

/*
 * irq.c: the interrupt controllers of the split irqchip (the LAPICs are
 * in KVM).  i8259.c and ioapic.c attach in their create, before any vCPU
 * or device thread runs, and detach in their free; irq_set_level() then
 * reaches ico_set_level(chip, pin, level) of each.  ico_eoi(chip, vector)
 * is the LAPICs' EOI of a level-triggered vector (IOAPIC); ico_inta(chip)
 * is the CPU's interrupt acknowledge (PIC): the vector, or -1.
 */
enum irq_chip {
	IRQ_CHIP_PIC = 0,
	IRQ_CHIP_IOAPIC,
	IRQ_NCHIPS
};

struct irq_chip_ops {
	void	(*ico_set_level)(void *chip, uint32_t pin, int level);
	void	(*ico_eoi)(void *chip, uint32_t vector);
	int	(*ico_inta)(void *chip);
};

void		 irq_attach(struct vmm *, enum irq_chip,
		    const struct irq_chip_ops *, void *chip);
void		 irq_detach(struct vmm *, enum irq_chip, void *chip);
/*
 * The PIC's INTR output to vCPU 0's LINT0 (ExtINT).  A rising level makes
 * that vCPU acknowledge the PIC (irq_inta) as soon as the guest accepts an
 * interrupt.  Call without the PIC's lock: it may signal the vCPU.
 */
void		 irq_extint(struct vmm *, int level);
/* The CPU's side: acknowledge the PIC (vector, or -1 without a PIC) and
 * broadcast an EOI of vector to the IOAPIC.  Any thread. */
int		 irq_inta(struct vmm *);
void		 irq_eoi(struct vmm *, uint32_t vector);
/*
 * Tell KVM that EOIs of the MSI (addr, data) that IOAPIC pin sends must
 * come back (KVM_EXIT_IOAPIC_EOI): valid 1 for a level-triggered entry,
 * 0 to drop it.  Rewrites KVM's routing table only on a change.  0, or
 * -1 with errno.
 */
int		 irq_ioapic_route(struct vmm *, uint32_t pin, int valid,
		    uint64_t addr, uint32_t data);

/* The chips' device types (devices.c lists them first). */
extern const struct vmm_devtype i8259_devtype;
extern const struct vmm_devtype ioapic_devtype;
extern const struct vmm_devtype i8254_devtype;

/*
 * i8254.c: the clock the PIT counts against, in nanoseconds
 * (CLOCK_MONOTONIC unless set).  A test sets its own fn(arg) before the
 * guest programs a counter; with one set, no timer thread runs and
 * i8254_tick() delivers the IRQ 0 edges that are due.  NULL does nothing.
 */
struct i8254;
void		 i8254_set_clock(struct i8254 *, uint64_t (*fn)(void *),
		    void *arg);
void		 i8254_tick(struct i8254 *);

/* For fake VMs: rising edges of the PIC's INTR output, and (level not
 * NULL) its level now. */
unsigned int	 vmm_fake_extint(struct vmm *, int *level);

#endif
