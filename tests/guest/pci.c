/* SPDX-License-Identifier: ISC */
/*
 * PCI configuration space access on bus 0: configuration mechanism 1
 * (0xCF8 address, 0xCFC data) and ECAM at the base the ACPI MCFG gives.
 */
#include "guest.h"

#define PCI_CONF_ADDR	0xcf8
#define PCI_CONF_DATA	0xcfc
#define PCI_CONF_EN	0x80000000U

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
