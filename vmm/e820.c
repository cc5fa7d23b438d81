/* SPDX-License-Identifier: ISC */
/*
 * The guest's e820 memory map, shared by the Linux zero page, PVH's
 * hvm_start_info and the checks in tests: conventional memory up to the
 * EBDA, the BIOS/ACPI area reserved up to 1 MiB, RAM to the 3 GiB hole,
 * ECAM reserved so Linux trusts MCFG, and the rest of RAM above 4 GiB.
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "vmm-dev.h"

static size_t	e820_add(struct e820_entry *, size_t, size_t, uint64_t,
		    uint64_t, uint32_t);

static size_t
e820_add(struct e820_entry *map, size_t max, size_t n, uint64_t addr,
    uint64_t size, uint32_t type)
{
	if (n >= max || size == 0)
		return (n);
	map[n].ee_addr = addr;
	map[n].ee_size = size;
	map[n].ee_type = type;
	return (n + 1);
}

size_t
e820_build(uint64_t memsize, struct e820_entry *map, size_t max)
{
	uint64_t	low, high;
	size_t		n = 0;

	low = memsize < VMM_LOWMEM_END ? memsize : VMM_LOWMEM_END;
	high = memsize - low;

	n = e820_add(map, max, n, 0, VMM_EBDA_START, E820_RAM);
	/* EBDA, VGA hole, option ROMs and the ACPI tables: never RAM. */
	n = e820_add(map, max, n, VMM_EBDA_START,
	    VMM_KERNEL_BASE - VMM_EBDA_START, E820_RESERVED);
	if (low > VMM_KERNEL_BASE)
		n = e820_add(map, max, n, VMM_KERNEL_BASE,
		    low - VMM_KERNEL_BASE, E820_RAM);
	n = e820_add(map, max, n, VMM_ECAM_BASE, VMM_ECAM_SIZE,
	    E820_RESERVED);
	if (high > 0)
		n = e820_add(map, max, n, VMM_HIGHMEM_BASE, high, E820_RAM);
	return (n);
}
