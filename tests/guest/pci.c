/* SPDX-License-Identifier: ISC */
/*
 * PCI configuration space access on bus 0: configuration mechanism 1
 * (0xCF8 address, 0xCFC data) and ECAM at the base the ACPI MCFG gives,
 * and pci_conf_read/write, which use whichever the platform has.
 */
#include "guest.h"

#define PCI_CONF_ADDR	0xcf8
#define PCI_CONF_DATA	0xcfc
#define PCI_CONF_EN	0x80000000U
#define PCI_ECAM_DFLT	0xe0000000ULL	/* vmx and QEMU microvm,pcie=on */

static int	pci_conf_mech;		/* 0 unknown, 1 mechanism 1, 2 ECAM */
static uint64_t	pci_conf_ecam;

static void	pci_conf_pick(void);

/* 1 if the mechanism 1 address register holds what is written to it. */
int
pci_has_mech1(void)
{
	uint32_t v;

	outl(PCI_CONF_ADDR, PCI_CONF_EN);
	v = inl(PCI_CONF_ADDR);
	outl(PCI_CONF_ADDR, 0);
	return (v == PCI_CONF_EN);
}

uint32_t
pci_mech1_read(int bus, int dev, int fn, int off)
{
	outl(PCI_CONF_ADDR, PCI_CONF_EN | (uint32_t)bus << 16 |
	    (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc));
	return (inl(PCI_CONF_DATA));
}

void
pci_mech1_write(int bus, int dev, int fn, int off, uint32_t v)
{
	outl(PCI_CONF_ADDR, PCI_CONF_EN | (uint32_t)bus << 16 |
	    (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc));
	outl(PCI_CONF_DATA, v);
}

/*
 * The ECAM address of bus 0, segment 0: ecam=ADDR on the command line
 * (QEMU microvm,pcie=on has ECAM at 0xe0000000 but no MCFG), else the
 * MCFG's; 0 if none.
 */
uint64_t
pci_ecam_base(void)
{
	const struct acpi_sdt *mcfg;
	const uint8_t *p, *end;
	uint64_t base;

	if ((base = cmdline_u64("ecam", 0)) != 0)
		return (base);
	if ((mcfg = acpi_table("MCFG")) == NULL)
		return (0);
	p = (const uint8_t *)mcfg + sizeof(*mcfg) + 8;
	end = (const uint8_t *)mcfg + mcfg->s_len;
	for (; p + 16 <= end; p += 16) {
		base = *(const uint64_t *)p;
		if (*(const uint16_t *)(p + 8) == 0 && p[10] == 0) {
			if (base >= 4 * 1024 * MIB)
				paging_map_ram(base + MIB);
			return (base);
		}
	}
	return (0);
}

uint32_t
pci_ecam_read(uint64_t base, int dev, int fn, int off)
{
	return (mmio_read32(base + ((uint64_t)dev << 15) +
	    ((uint64_t)fn << 12) + (uint64_t)(off & 0xffc)));
}

void
pci_ecam_write(uint64_t base, int dev, int fn, int off, uint32_t v)
{
	mmio_write32(base + ((uint64_t)dev << 15) + ((uint64_t)fn << 12) +
	    (uint64_t)(off & 0xffc), v);
}

/*
 * Bus 0 through mechanism 1 if the platform has it, else ECAM at the
 * MCFG's (or ecam=) base, else at 0xe0000000 where vmx and QEMU microvm
 * (which has no MCFG) both put it.
 */
static void
pci_conf_pick(void)
{
	if (pci_conf_mech != 0)
		return;
	if (pci_has_mech1()) {
		pci_conf_mech = 1;
		return;
	}
	pci_conf_mech = 2;
	if ((pci_conf_ecam = pci_ecam_base()) == 0)
		pci_conf_ecam = PCI_ECAM_DFLT;
}

uint32_t
pci_conf_read(int dev, int fn, int off)
{
	pci_conf_pick();
	if (pci_conf_mech == 1)
		return (pci_mech1_read(0, dev, fn, off));
	return (pci_ecam_read(pci_conf_ecam, dev, fn, off));
}

void
pci_conf_write(int dev, int fn, int off, uint32_t v)
{
	pci_conf_pick();
	if (pci_conf_mech == 1)
		pci_mech1_write(0, dev, fn, off, v);
	else
		pci_ecam_write(pci_conf_ecam, dev, fn, off, v);
}
