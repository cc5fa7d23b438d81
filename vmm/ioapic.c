/* SPDX-License-Identifier: ISC */
/*
 * The I/O APIC, an Intel 82093AA (version 0x11): 24 input pins, each with
 * a 64-bit redirection entry (vector, delivery mode, destination mode and
 * APIC id, polarity, trigger mode, mask), reached through the index
 * register IOREGSEL at +0x00 and the data window IOWIN at +0x10 of
 * VMM_IOAPIC_BASE.  The LAPICs are KVM's (split irqchip, kvm.c), so an
 * interrupt leaves here as the MSI the entry describes (irq_msi).
 *
 * Pins carry the assertion level irq_set_level() gives: the polarity bit
 * is kept for the guest to read back but does not invert anything, as the
 * ACPI tables describe wire polarity and devices report assertion.
 *
 * Edge-triggered entries send one interrupt per rising edge while
 * unmasked; an edge on a masked pin is lost, as on the part.  A
 * level-triggered entry sends one when its pin is asserted and unmasked
 * with remote IRR clear, and sets remote IRR; the LAPICs' EOI of that
 * vector (KVM_EXIT_IOAPIC_EOI, irq_eoi) clears it, and a pin still
 * asserted then sends again.  KVM only hands back EOIs of vectors it
 * finds in MSI routes on the IOAPIC's GSIs, so every level-triggered
 * entry keeps such a route (irq_ioapic_route), changed only when the
 * entry's vector, destination or trigger mode change.
 *
 * ExtINT entries deliver nothing: with a split irqchip KVM takes ExtINT
 * only on LINT0, where i8259.c's output goes.
 *
 * Device threads and vCPU threads reach the chip: io_lock guards it all.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "snapshot.h"
#include "vmm-dev.h"

#define IOAPIC_MMIO_LEN		0x40
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WIN		0x10

/* Registers behind IOREGSEL. */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDTBL	0x10	/* 2 per pin: low, high */

#define IOAPIC_VERSION		0x11
#define IOAPIC_ID_SHIFT		24
#define IOAPIC_ID_MASK		0x0f

/* Redirection entry bits. */
#define IOAPIC_RTE_VECTOR	0x000000ffULL
#define IOAPIC_RTE_DELMOD	0x00000700ULL
#define IOAPIC_RTE_DESTMOD	0x00000800ULL	/* 1: logical */
#define IOAPIC_RTE_DELIVS	0x00001000ULL	/* read-only */
#define IOAPIC_RTE_POLARITY	0x00002000ULL
#define IOAPIC_RTE_REMOTE_IRR	0x00004000ULL	/* read-only */
#define IOAPIC_RTE_LEVEL	0x00008000ULL
#define IOAPIC_RTE_MASKED	0x00010000ULL
#define IOAPIC_RTE_DEST_SHIFT	56
#define IOAPIC_RTE_WRITABLE	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMOD | \
	IOAPIC_RTE_DESTMOD | IOAPIC_RTE_POLARITY | IOAPIC_RTE_LEVEL | \
	IOAPIC_RTE_MASKED | (0xffULL << IOAPIC_RTE_DEST_SHIFT))

#define IOAPIC_DELMOD_FIXED	0
#define IOAPIC_DELMOD_LOWPRI	1
#define IOAPIC_DELMOD_EXTINT	7

/* The MSI an entry turns into (Intel SDM vol. 3, 11.11). */
#define IOAPIC_MSI_BASE		0xfee00000ULL
#define IOAPIC_MSI_DEST_SHIFT	12
#define IOAPIC_MSI_LOGICAL	0x4
#define IOAPIC_MSI_LEVEL	0x8000
#define IOAPIC_MSI_ASSERT	0x4000

struct ioapic {
	struct vmm	*io_vmm;
	pthread_mutex_t	 io_lock;
	uint8_t		 io_regsel;
	uint8_t		 io_id;
	uint32_t	 io_level;	/* pins asserted, bit = pin */
	uint64_t	 io_rte[VMM_IOAPIC_PINS];
	uint64_t	 io_sent;	/* interrupts sent, for stats */
	uint64_t	 io_eois;	/* EOIs that cleared a remote IRR */
};

static int	ioapic_create(struct vmm *, const struct vmm_params *, void **,
		    char **);
static void	ioapic_reset(void *);
static void	ioapic_free(void *);
static int	ioapic_save(void *, struct snap *);
static int	ioapic_restore(void *, struct snap *);
static void	ioapic_stats(void *, void (*)(void *, const char *, uint64_t),
		    void *);
static void	ioapic_mmio(void *, struct iotrap_access *);
static uint32_t	ioapic_read(struct ioapic *);
static void	ioapic_write(struct ioapic *, uint32_t);
static void	ioapic_msi(uint64_t, uint64_t *, uint32_t *);
static void	ioapic_route(struct ioapic *, unsigned int);
static void	ioapic_service(struct ioapic *, unsigned int);
static void	ioapic_set_level(void *, uint32_t, int);
static void	ioapic_eoi(void *, uint32_t);

const struct vmm_devtype ioapic_devtype = {
	.dt_name = "ioapic",
	.dt_create = ioapic_create,
	.dt_reset = ioapic_reset,
	.dt_free = ioapic_free,
	.dt_save = ioapic_save,
	.dt_restore = ioapic_restore,
	.dt_stats = ioapic_stats
};

static const struct irq_chip_ops ioapic_chip_ops = {
	.ico_set_level = ioapic_set_level,
	.ico_eoi = ioapic_eoi,
	.ico_inta = NULL
};

static int
ioapic_create(struct vmm *vmm, const struct vmm_params *params, void **devp,
    char **cause)
{
	struct ioapic	*io;

	(void)params;
	io = xcalloc(1, sizeof *io);
	io->io_vmm = vmm;
	pthread_mutex_init(&io->io_lock, NULL);
	ioapic_reset(io);
	if (iotrap_register(vmm, IOTRAP_MMIO, VMM_IOAPIC_BASE, IOAPIC_MMIO_LEN,
	    ioapic_mmio, io, "ioapic") != 0) {
		xasprintf(cause, "MMIO %#llx: %s",
		    (unsigned long long)VMM_IOAPIC_BASE, strerror(errno));
		pthread_mutex_destroy(&io->io_lock);
		free(io);
		return (-1);
	}
	irq_attach(vmm, IRQ_CHIP_IOAPIC, &ioapic_chip_ops, io);
	*devp = io;
	return (0);
}

/* Power-on: every entry masked, id 0 (the MADT's).  Pin levels are the
 * devices' outputs, not the chip's state: they stay. */
static void
ioapic_reset(void *dev)
{
	struct ioapic	*io = dev;
	unsigned int	 pin;

	pthread_mutex_lock(&io->io_lock);
	io->io_regsel = 0;
	io->io_id = 0;
	for (pin = 0; pin < VMM_IOAPIC_PINS; pin++) {
		io->io_rte[pin] = IOAPIC_RTE_MASKED;
		ioapic_route(io, pin);
	}
	pthread_mutex_unlock(&io->io_lock);
}

static void
ioapic_free(void *dev)
{
	struct ioapic	*io = dev;

	if (io == NULL)
		return;
	irq_detach(io->io_vmm, IRQ_CHIP_IOAPIC, io);
	iotrap_unregister(io->io_vmm, IOTRAP_MMIO, VMM_IOAPIC_BASE);
	pthread_mutex_destroy(&io->io_lock);
	free(io);
}

/* The MSI address and data of entry rte. */
static void
ioapic_msi(uint64_t rte, uint64_t *addr, uint32_t *data)
{
	*addr = IOAPIC_MSI_BASE |
	    ((rte >> IOAPIC_RTE_DEST_SHIFT) << IOAPIC_MSI_DEST_SHIFT) |
	    ((rte & IOAPIC_RTE_DESTMOD) ? IOAPIC_MSI_LOGICAL : 0);
	*data = (uint32_t)(rte & (IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMOD));
	if (rte & IOAPIC_RTE_LEVEL)
		*data |= IOAPIC_MSI_LEVEL | IOAPIC_MSI_ASSERT;
}

/* Keep KVM's EOI route for pin in step with its entry.  io_lock held. */
static void
ioapic_route(struct ioapic *io, unsigned int pin)
{
	uint64_t	rte = io->io_rte[pin], addr;
	uint32_t	data, mode = (uint32_t)((rte & IOAPIC_RTE_DELMOD) >> 8);
	int		level;

	level = (rte & IOAPIC_RTE_LEVEL) && (mode == IOAPIC_DELMOD_FIXED ||
	    mode == IOAPIC_DELMOD_LOWPRI);
	ioapic_msi(rte, &addr, &data);
	if (irq_ioapic_route(io->io_vmm, pin, level, addr, data) != 0)
		log_warnx("ioapic: pin %u: EOI route: %s", pin,
		    strerror(errno));
}

/* Send pin's interrupt if its state asks for one now.  io_lock held. */
static void
ioapic_service(struct ioapic *io, unsigned int pin)
{
	uint64_t	rte = io->io_rte[pin], addr;
	uint32_t	data;

	if ((rte & IOAPIC_RTE_MASKED) || !(io->io_level & (1U << pin)))
		return;
	if (((rte & IOAPIC_RTE_DELMOD) >> 8) == IOAPIC_DELMOD_EXTINT)
		return;
	if (rte & IOAPIC_RTE_LEVEL) {
		if (rte & IOAPIC_RTE_REMOTE_IRR)
			return;
		io->io_rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
	}
	ioapic_msi(rte, &addr, &data);
	io->io_sent++;
	if (irq_msi(io->io_vmm, addr, data) != 0)
		log_debug("ioapic: pin %u: MSI: %s", pin, strerror(errno));
}

static void
ioapic_set_level(void *dev, uint32_t pin, int level)
{
	struct ioapic	*io = dev;
	uint32_t	 bit = 1U << pin;
	int		 rising;

	if (pin >= VMM_IOAPIC_PINS)
		return;
	pthread_mutex_lock(&io->io_lock);
	rising = level && !(io->io_level & bit);
	if (level)
		io->io_level |= bit;
	else
		io->io_level &= ~bit;
	if (rising || (level && (io->io_rte[pin] & IOAPIC_RTE_LEVEL)))
		ioapic_service(io, pin);
	pthread_mutex_unlock(&io->io_lock);
}

static void
ioapic_eoi(void *dev, uint32_t vector)
{
	struct ioapic	*io = dev;
	unsigned int	 pin;

	pthread_mutex_lock(&io->io_lock);
	for (pin = 0; pin < VMM_IOAPIC_PINS; pin++) {
		if ((io->io_rte[pin] & IOAPIC_RTE_VECTOR) != vector ||
		    !(io->io_rte[pin] & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->io_rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
		io->io_eois++;
		ioapic_service(io, pin);
	}
	pthread_mutex_unlock(&io->io_lock);
}

/* IOWIN read of the register IOREGSEL names.  io_lock held. */
static uint32_t
ioapic_read(struct ioapic *io)
{
	unsigned int	reg = io->io_regsel, pin;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return ((uint32_t)io->io_id << IOAPIC_ID_SHIFT);
	case IOAPIC_REG_VER:
		return (IOAPIC_VERSION | ((VMM_IOAPIC_PINS - 1) << 16));
	}
	if (reg < IOAPIC_REG_REDTBL ||
	    reg >= IOAPIC_REG_REDTBL + 2 * VMM_IOAPIC_PINS)
		return (0);
	pin = (reg - IOAPIC_REG_REDTBL) / 2;
	if (reg & 1)
		return ((uint32_t)(io->io_rte[pin] >> 32));
	return ((uint32_t)io->io_rte[pin]);
}

/* IOWIN write.  io_lock held. */
static void
ioapic_write(struct ioapic *io, uint32_t val)
{
	unsigned int	reg = io->io_regsel, pin;
	uint64_t	old, rte;

	if (reg == IOAPIC_REG_ID) {
		io->io_id = (val >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
		return;
	}
	if (reg < IOAPIC_REG_REDTBL ||
	    reg >= IOAPIC_REG_REDTBL + 2 * VMM_IOAPIC_PINS)
		return;		/* version, arbitration: read-only */
	pin = (reg - IOAPIC_REG_REDTBL) / 2;
	old = io->io_rte[pin];
	if (reg & 1)
		rte = (old & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		rte = (old & 0xffffffff00000000ULL) | val;
	rte = (rte & IOAPIC_RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR means nothing for an edge-triggered entry. */
	if (!(rte & IOAPIC_RTE_LEVEL))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->io_rte[pin] = rte;
	if ((old ^ rte) & (IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMOD |
	    IOAPIC_RTE_DESTMOD | IOAPIC_RTE_LEVEL |
	    (0xffULL << IOAPIC_RTE_DEST_SHIFT)))
		ioapic_route(io, pin);
	/* Unmasking a level-triggered pin that is asserted sends now. */
	if ((rte & IOAPIC_RTE_LEVEL) && !(rte & IOAPIC_RTE_MASKED))
		ioapic_service(io, pin);
}

static void
ioapic_mmio(void *dev, struct iotrap_access *ia)
{
	struct ioapic	*io = dev;

	pthread_mutex_lock(&io->io_lock);
	switch (ia->ia_off) {
	case IOAPIC_REGSEL:
		if (ia->ia_write)
			io->io_regsel = (uint8_t)ia->ia_data;
		else
			ia->ia_data = io->io_regsel;
		break;
	case IOAPIC_WIN:
		if (ia->ia_write)
			ioapic_write(io, (uint32_t)ia->ia_data);
		else
			ia->ia_data = ioapic_read(io);
		break;
	default:
		/* Reserved offsets read as zero and ignore writes. */
		if (!ia->ia_write)
			ia->ia_data = 0;
		break;
	}
	pthread_mutex_unlock(&io->io_lock);
}

/* Saved: u8 IOREGSEL, u8 id, u32 pin levels, then 24 u64 entries. */
static int
ioapic_save(void *dev, struct snap *s)
{
	struct ioapic	*io = dev;
	unsigned int	 pin;

	pthread_mutex_lock(&io->io_lock);
	snap_put_u8(s, io->io_regsel);
	snap_put_u8(s, io->io_id);
	snap_put_u32(s, io->io_level);
	for (pin = 0; pin < VMM_IOAPIC_PINS; pin++)
		snap_put_u64(s, io->io_rte[pin]);
	pthread_mutex_unlock(&io->io_lock);
	return (0);
}

static int
ioapic_restore(void *dev, struct snap *s)
{
	struct ioapic	*io = dev;
	uint64_t	 rte[VMM_IOAPIC_PINS];
	uint32_t	 level;
	uint8_t		 regsel, id;
	unsigned int	 pin;

	if (snap_get_u8(s, &regsel) != 0 || snap_get_u8(s, &id) != 0 ||
	    snap_get_u32(s, &level) != 0)
		return (-1);
	for (pin = 0; pin < VMM_IOAPIC_PINS; pin++) {
		if (snap_get_u64(s, &rte[pin]) != 0)
			return (-1);
		if (rte[pin] & ~(IOAPIC_RTE_WRITABLE | IOAPIC_RTE_REMOTE_IRR)) {
			errno = EINVAL;
			return (-1);
		}
	}
	if (id > IOAPIC_ID_MASK || level >> VMM_IOAPIC_PINS != 0) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&io->io_lock);
	io->io_regsel = regsel;
	io->io_id = id;
	io->io_level = level;
	for (pin = 0; pin < VMM_IOAPIC_PINS; pin++) {
		io->io_rte[pin] = rte[pin];
		ioapic_route(io, pin);
	}
	pthread_mutex_unlock(&io->io_lock);
	return (0);
}

static void
ioapic_stats(void *dev, void (*emit)(void *, const char *, uint64_t),
    void *arg)
{
	struct ioapic	*io = dev;
	uint64_t	 sent, eois;

	pthread_mutex_lock(&io->io_lock);
	sent = io->io_sent;
	eois = io->io_eois;
	pthread_mutex_unlock(&io->io_lock);
	emit(arg, "interrupts", sent);
	emit(arg, "level_eois", eois);
}
