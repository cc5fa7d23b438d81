/* SPDX-License-Identifier: ISC */
/*
 * The PCI host bridge: bus 0 reached through configuration mechanism 1
 * (address dword at 0xcf8, data at 0xcfc-0xcff) and through PCIe ECAM at
 * VMM_ECAM_BASE, the two views routing to the same per-function config
 * callbacks.  Function 0:0.0 is the bridge itself, presented as an Intel
 * 440FX host bridge (8086:1237, class 06/00/00), an ID every OS knows and
 * which needs no driver.  Other devices (virtio-pci) put a function on a
 * slot with pci_register() at create time; empty slots and functions 1-7
 * read all ones, as on a real bus where nobody answers.
 *
 * The reset control register at 0xcf9 lives here too: it sits inside the
 * 0xcf8 dword, so the one trap over 0xcf8-0xcff has to tell a dword
 * access at 0xcf8 (the config address) from a byte access at 0xcf9 (reset
 * control), exactly as the PIIX/ICH chipsets decode it.
 *
 * Also here: the BAR helpers (pci_bar_read/write) for functions that have
 * base address registers.
 *
 * Threads: the address latch and reset register are behind the bus mutex;
 * the slot table is written only while devices are created (before any
 * vCPU runs) and function callbacks are called without the bus lock, so a
 * function's own lock never nests inside ours.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-dev.h"
#include "snapshot.h"

#define PCI_SLOTS		32
#define PCI_CFG_SIZE		4096	/* PCIe configuration space */
#define PCI_CONF_LEN		8	/* 0xcf8-0xcff */
#define PCI_CONF_DATA		4	/* offset of 0xcfc in the trap */
#define PCI_RESET_OFF		(VMM_RESET_PORT - VMM_PCI_CONF_PORT)

/* Configuration address register (mechanism 1). */
#define PCI_ADDR_ENABLE		0x80000000U
#define PCI_ADDR_MASK		0x80fffffcU	/* enable, bus, dev, fn, reg */

/* Reset control register: bit 1 hard/soft, bit 2 "reset now", bit 3 full. */
#define PCI_RCR_SYS_RST		0x02
#define PCI_RCR_RST_CPU		0x04
#define PCI_RCR_FULL_RST	0x08

/* The host bridge's identity. */
#define PCI_HB_VENDOR		0x8086	/* Intel */
#define PCI_HB_DEVICE		0x1237	/* 82441FX (440FX) PMC */
#define PCI_HB_REVISION		0x02
#define PCI_HB_CLASS		0x060000 /* bridge, host, prog-if 0 */
#define PCI_HB_CMD_MASK		0x0146	/* memory, master, parity, SERR */

/* Standard header offsets used by the bridge. */
#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define PCI_REVISION		0x08
#define PCI_LATENCY		0x0d
#define PCI_HEADER_TYPE		0x0e

struct pci_slot {
	const struct pci_func_ops *ps_ops;	/* NULL: empty slot */
	void			  *ps_dev;	/* the function's state */
};

struct pci_bus {
	pthread_mutex_t	 bus_mtx;	/* the latch, rcr, slots, host cfg */
	struct vmm	*bus_vmm;	/* borrowed */
	uint32_t	 bus_addr;	/* 0xcf8 latch */
	uint8_t		 bus_rcr;	/* 0xcf9: bits 1 and 3 stick */
	uint16_t	 bus_hb_cmd;	/* host bridge command register */
	uint8_t		 bus_hb_latency; /* host bridge latency timer */
	struct pci_slot	 bus_slots[PCI_SLOTS]; /* function 0 of each slot */
};

static int	pci_create(struct vmm *, const struct vmm_params *, void **,
		    char **);
static void	pci_reset(void *);
static void	pci_free(void *);
static void	pci_conf_io(void *, struct iotrap_access *);
static void	pci_ecam_io(void *, struct iotrap_access *);
static void	pci_cfg_access(struct pci_bus *, unsigned int, unsigned int,
		    uint32_t, uint32_t, int, uint32_t *);
static uint32_t	pci_host_read(void *, uint32_t, uint32_t);
static void	pci_host_write(void *, uint32_t, uint32_t, uint32_t);
static uint32_t	pci_ones(uint32_t);
static int	pci_save(void *, struct snap *);
static int	pci_restore(void *, struct snap *);

const struct vmm_devtype pci_devtype = {
	"pci",
	pci_create,
	pci_reset,
	pci_free,
	pci_save,
	pci_restore
};

static const struct pci_func_ops pci_host_ops = {
	pci_host_read,
	pci_host_write
};

static int
pci_create(struct vmm *vmm, const struct vmm_params *params, void **devp,
    char **cause)
{
	struct pci_bus	*bus;

	bus = xcalloc(1, sizeof *bus);
	bus->bus_vmm = vmm;
	if (pthread_mutex_init(&bus->bus_mtx, NULL) != 0) {
		free(bus);
		xasprintf(cause, "pci: mutex");
		return (-1);
	}
	bus->bus_slots[0].ps_ops = &pci_host_ops;
	bus->bus_slots[0].ps_dev = bus;
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_PCI_CONF_PORT, PCI_CONF_LEN,
	    pci_conf_io, bus, "pci-conf") == -1) {
		xasprintf(cause, "pci: ports 0x%x: %s", VMM_PCI_CONF_PORT,
		    strerror(errno));
		goto fail;
	}
	if (iotrap_register(vmm, IOTRAP_MMIO, VMM_ECAM_BASE, VMM_ECAM_SIZE,
	    pci_ecam_io, bus, "pci-ecam") == -1) {
		xasprintf(cause, "pci: ECAM at 0x%llx: %s",
		    (unsigned long long)VMM_ECAM_BASE, strerror(errno));
		iotrap_unregister(vmm, IOTRAP_PIO, VMM_PCI_CONF_PORT);
		goto fail;
	}
	vmm_set_pci_bus(vmm, bus);
	*devp = bus;
	return (0);

fail:
	pthread_mutex_destroy(&bus->bus_mtx);
	free(bus);
	return (-1);
}

static void
pci_free(void *dev)
{
	struct pci_bus	*bus = dev;

	if (bus == NULL)
		return;
	iotrap_unregister(bus->bus_vmm, IOTRAP_PIO, VMM_PCI_CONF_PORT);
	iotrap_unregister(bus->bus_vmm, IOTRAP_MMIO, VMM_ECAM_BASE);
	if (vmm_pci_bus(bus->bus_vmm) == bus)
		vmm_set_pci_bus(bus->bus_vmm, NULL);
	pthread_mutex_destroy(&bus->bus_mtx);
	free(bus);
}

/* Bridge state only: each function on the bus is reset by its devtype. */
static void
pci_reset(void *dev)
{
	struct pci_bus	*bus = dev;

	if (bus == NULL)
		return;
	pthread_mutex_lock(&bus->bus_mtx);
	bus->bus_addr = 0;
	bus->bus_rcr = 0;
	bus->bus_hb_cmd = 0;
	bus->bus_hb_latency = 0;
	pthread_mutex_unlock(&bus->bus_mtx);
}

int
pci_register(struct pci_bus *bus, int slot, const struct pci_func_ops *ops,
    void *dev)
{
	int	i, ret = -1;

	if (bus == NULL || ops == NULL || slot >= PCI_SLOTS) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&bus->bus_mtx);
	if (slot >= 0) {
		if (bus->bus_slots[slot].ps_ops != NULL)
			errno = EEXIST;
		else
			ret = slot;
	} else {
		/* Slot 0 is the host bridge. */
		for (i = 1; i < PCI_SLOTS; i++) {
			if (bus->bus_slots[i].ps_ops == NULL) {
				ret = i;
				break;
			}
		}
		if (ret == -1)
			errno = ENOSPC;
	}
	if (ret != -1) {
		bus->bus_slots[ret].ps_ops = ops;
		bus->bus_slots[ret].ps_dev = dev;
		log_debug("pci: function at 00:%02x.0", ret);
	}
	pthread_mutex_unlock(&bus->bus_mtx);
	return (ret);
}

/* All ones of an access size: what a read nobody answers returns. */
static uint32_t
pci_ones(uint32_t len)
{
	return (len >= 4 ? 0xffffffffU : (1U << (8 * len)) - 1);
}

/*
 * One configuration access to bus 0, slot, fn at register off.  Callbacks
 * only ever see naturally aligned accesses of 1, 2 or 4 bytes inside the
 * 4 KiB space; anything else is split into bytes here.
 */
static void
pci_cfg_access(struct pci_bus *bus, unsigned int slot, unsigned int fn,
    uint32_t off, uint32_t len, int write, uint32_t *val)
{
	const struct pci_func_ops	*ops;
	void				*dev;
	uint32_t			 i, v, b;

	if (len != 1 && len != 2 && len != 4)
		len = 4;
	if (!write)
		*val = pci_ones(len);
	if (slot >= PCI_SLOTS || fn != 0 || off >= PCI_CFG_SIZE)
		return;
	if ((off & (len - 1)) != 0 || off + len > PCI_CFG_SIZE) {
		v = 0;
		for (i = 0; i < len; i++) {
			b = write ? (*val >> (8 * i)) & 0xff : 0;
			pci_cfg_access(bus, slot, fn, off + i, 1, write, &b);
			v |= (b & 0xff) << (8 * i);
		}
		if (!write)
			*val = v;
		return;
	}
	pthread_mutex_lock(&bus->bus_mtx);
	ops = bus->bus_slots[slot].ps_ops;
	dev = bus->bus_slots[slot].ps_dev;
	pthread_mutex_unlock(&bus->bus_mtx);
	if (ops == NULL)
		return;
	if (write) {
		if (ops->pf_cfg_write != NULL)
			ops->pf_cfg_write(dev, off, len, *val & pci_ones(len));
	} else if (ops->pf_cfg_read != NULL)
		*val = ops->pf_cfg_read(dev, off, len) & pci_ones(len);
}

/*
 * 0xcf8-0xcff.  Only a dword access at 0xcf8 is the address register; a
 * byte at 0xcf9 is the reset control register; other accesses to
 * 0xcf8-0xcfb reach nothing.  0xcfc-0xcff forward to the function the
 * latch selects, at the latched register plus the port's offset.
 */
static void
pci_conf_io(void *dev, struct iotrap_access *ia)
{
	struct pci_bus	*bus = dev;
	uint32_t	 addr, len, val;
	uint64_t	 off = ia->ia_off;

	len = ia->ia_len > 4 ? 4 : ia->ia_len;
	if (off == 0 && len == 4) {
		pthread_mutex_lock(&bus->bus_mtx);
		if (ia->ia_write)
			bus->bus_addr = (uint32_t)ia->ia_data & PCI_ADDR_MASK;
		else
			ia->ia_data = bus->bus_addr;
		pthread_mutex_unlock(&bus->bus_mtx);
		return;
	}
	if (off == PCI_RESET_OFF && len == 1) {
		pthread_mutex_lock(&bus->bus_mtx);
		if (!ia->ia_write) {
			ia->ia_data = bus->bus_rcr;
			pthread_mutex_unlock(&bus->bus_mtx);
			return;
		}
		bus->bus_rcr = (uint8_t)ia->ia_data &
		    (PCI_RCR_SYS_RST | PCI_RCR_FULL_RST);
		pthread_mutex_unlock(&bus->bus_mtx);
		/*
		 * Writing RST_CPU starts the reset (SYS_RST picks hard over
		 * soft; a VM has no difference worth keeping, so both reset).
		 * Linux writes 0x02 then 0x06, the FADT's RESET_VALUE is 0x06.
		 */
		if (ia->ia_data & PCI_RCR_RST_CPU) {
			log_debug("pci: reset through 0xcf9");
			vmm_request(bus->bus_vmm, VMM_REQ_RESET, 0);
		}
		return;
	}
	if (off < PCI_CONF_DATA) {
		if (!ia->ia_write)
			ia->ia_data = pci_ones(len);
		return;
	}
	/* Never past 0xcff. */
	if (off - PCI_CONF_DATA + len > 4)
		len = (uint32_t)(4 - (off - PCI_CONF_DATA));
	pthread_mutex_lock(&bus->bus_mtx);
	addr = bus->bus_addr;
	pthread_mutex_unlock(&bus->bus_mtx);
	val = (uint32_t)ia->ia_data;
	if (!(addr & PCI_ADDR_ENABLE) || ((addr >> 16) & 0xff) != 0) {
		/* Disabled, or a bus that does not exist. */
		if (!ia->ia_write)
			ia->ia_data = pci_ones(ia->ia_len);
		return;
	}
	pci_cfg_access(bus, (addr >> 11) & 0x1f, (addr >> 8) & 0x7,
	    (addr & 0xfc) + (uint32_t)(off - PCI_CONF_DATA), len,
	    ia->ia_write, &val);
	if (!ia->ia_write)
		ia->ia_data = val;
}

/*
 * ECAM: address bits 19-15 slot, 14-12 function, 11-0 register (bus 0
 * only, per VMM_ECAM_SIZE).  An 8-byte access is two dword accesses.
 */
static void
pci_ecam_io(void *dev, struct iotrap_access *ia)
{
	struct pci_bus	*bus = dev;
	uint32_t	 val, hi, slot, fn, reg;

	slot = (uint32_t)(ia->ia_off >> 15) & 0x1f;
	fn = (uint32_t)(ia->ia_off >> 12) & 0x7;
	reg = (uint32_t)ia->ia_off & 0xfff;
	if (ia->ia_len == 8) {
		val = (uint32_t)ia->ia_data;
		hi = (uint32_t)(ia->ia_data >> 32);
		pci_cfg_access(bus, slot, fn, reg, 4, ia->ia_write, &val);
		pci_cfg_access(bus, slot, fn, reg + 4, 4, ia->ia_write, &hi);
		if (!ia->ia_write)
			ia->ia_data = (uint64_t)hi << 32 | val;
		return;
	}
	val = (uint32_t)ia->ia_data;
	pci_cfg_access(bus, slot, fn, reg, ia->ia_len, ia->ia_write, &val);
	if (!ia->ia_write)
		ia->ia_data = val;
}

/*
 * The host bridge's configuration space: type 0 header, no BARs, no
 * capabilities; command and latency timer are writable, the rest reads
 * as fixed values or 0.
 */
static uint32_t
pci_host_read(void *dev, uint32_t off, uint32_t len)
{
	struct pci_bus	*bus = dev;
	uint8_t		 cfg[64];
	uint32_t	 v = 0, i;

	if (off >= sizeof cfg)
		return (0);
	memset(cfg, 0, sizeof cfg);
	cfg[PCI_VENDOR_ID] = PCI_HB_VENDOR & 0xff;
	cfg[PCI_VENDOR_ID + 1] = PCI_HB_VENDOR >> 8;
	cfg[PCI_VENDOR_ID + 2] = PCI_HB_DEVICE & 0xff;
	cfg[PCI_VENDOR_ID + 3] = PCI_HB_DEVICE >> 8;
	pthread_mutex_lock(&bus->bus_mtx);
	cfg[PCI_COMMAND] = bus->bus_hb_cmd & 0xff;
	cfg[PCI_COMMAND + 1] = bus->bus_hb_cmd >> 8;
	cfg[PCI_LATENCY] = bus->bus_hb_latency;
	pthread_mutex_unlock(&bus->bus_mtx);
	cfg[PCI_REVISION] = PCI_HB_REVISION;
	cfg[PCI_REVISION + 1] = PCI_HB_CLASS & 0xff;
	cfg[PCI_REVISION + 2] = (PCI_HB_CLASS >> 8) & 0xff;
	cfg[PCI_REVISION + 3] = PCI_HB_CLASS >> 16;
	cfg[PCI_HEADER_TYPE] = 0x00;
	for (i = 0; i < len && off + i < sizeof cfg; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return (v);
}

static void
pci_host_write(void *dev, uint32_t off, uint32_t len, uint32_t val)
{
	struct pci_bus	*bus = dev;
	uint32_t	 i, reg;
	uint8_t		 b;

	pthread_mutex_lock(&bus->bus_mtx);
	for (i = 0; i < len; i++) {
		reg = off + i;
		b = (uint8_t)(val >> (8 * i));
		if (reg == PCI_COMMAND)
			bus->bus_hb_cmd = (bus->bus_hb_cmd & 0xff00) |
			    (b & (PCI_HB_CMD_MASK & 0xff));
		else if (reg == PCI_COMMAND + 1)
			bus->bus_hb_cmd = (bus->bus_hb_cmd & 0x00ff) |
			    ((b << 8) & (PCI_HB_CMD_MASK & 0xff00));
		else if (reg == PCI_LATENCY)
			bus->bus_hb_latency = b;
	}
	pthread_mutex_unlock(&bus->bus_mtx);
}

uint32_t
pci_bar_read(const struct pci_bar *bar, int upper)
{
	uint64_t	addr;

	if (bar == NULL || bar->pb_size == 0)
		return (0);
	addr = bar->pb_addr & ~(bar->pb_size - 1);
	if (upper) {
		if (!(bar->pb_kind & PCI_BAR_MEM64))
			return (0);
		return ((uint32_t)(addr >> 32));
	}
	if (bar->pb_kind & PCI_BAR_IO)
		return (((uint32_t)addr & ~0x3U) | PCI_BAR_IO);
	return (((uint32_t)addr & ~0xfU) |
	    (bar->pb_kind & (PCI_BAR_MEM64 | PCI_BAR_PREFETCH)));
}

/*
 * A guest write: the address bits below the size do not stick, which is
 * what makes sizing work (all ones in, the size mask out).
 */
void
pci_bar_write(struct pci_bar *bar, int upper, uint32_t val)
{
	if (bar == NULL || bar->pb_size == 0)
		return;
	if (upper) {
		if (!(bar->pb_kind & PCI_BAR_MEM64))
			return;
		bar->pb_addr = (bar->pb_addr & 0xffffffffULL) |
		    ((uint64_t)val << 32);
	} else
		bar->pb_addr = (bar->pb_addr & ~0xffffffffULL) | val;
	bar->pb_addr &= ~(bar->pb_size - 1);
	if (!(bar->pb_kind & PCI_BAR_MEM64))
		bar->pb_addr &= 0xffffffffULL;
}

/*
 * Suspend state of the bridge: the address latch, reset control, the host
 * bridge's writable registers and which slots are taken (each function
 * saves its own configuration space).  A different slot map means a
 * different machine and is refused.
 */
static int
pci_save(void *dev, struct snap *s)
{
	struct pci_bus	*bus = dev;
	uint32_t	 map = 0;
	int		 i;

	pthread_mutex_lock(&bus->bus_mtx);
	for (i = 0; i < PCI_SLOTS; i++) {
		if (bus->bus_slots[i].ps_ops != NULL)
			map |= 1U << i;
	}
	snap_put_u32(s, map);
	snap_put_u32(s, bus->bus_addr);
	snap_put_u8(s, bus->bus_rcr);
	snap_put_u16(s, bus->bus_hb_cmd);
	snap_put_u8(s, bus->bus_hb_latency);
	pthread_mutex_unlock(&bus->bus_mtx);
	return (0);
}

static int
pci_restore(void *dev, struct snap *s)
{
	struct pci_bus	*bus = dev;
	uint32_t	 map, addr, have = 0;
	uint16_t	 cmd;
	uint8_t		 rcr, latency;
	int		 i;

	if (snap_get_u32(s, &map) != 0 || snap_get_u32(s, &addr) != 0 ||
	    snap_get_u8(s, &rcr) != 0 || snap_get_u16(s, &cmd) != 0 ||
	    snap_get_u8(s, &latency) != 0)
		return (-1);
	pthread_mutex_lock(&bus->bus_mtx);
	for (i = 0; i < PCI_SLOTS; i++) {
		if (bus->bus_slots[i].ps_ops != NULL)
			have |= 1U << i;
	}
	if (have != map) {
		pthread_mutex_unlock(&bus->bus_mtx);
		errno = EINVAL;
		return (-1);
	}
	bus->bus_addr = addr & PCI_ADDR_MASK;
	bus->bus_rcr = rcr & (PCI_RCR_SYS_RST | PCI_RCR_FULL_RST);
	bus->bus_hb_cmd = cmd & PCI_HB_CMD_MASK;
	bus->bus_hb_latency = latency;
	pthread_mutex_unlock(&bus->bus_mtx);
	return (0);
}
