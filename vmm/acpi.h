/* SPDX-License-Identifier: ISC */
/*
 * The ACPI table builder behind acpi_build() (vmm-dev.h), exposed so tests
 * can build the tables in a host buffer and walk them without a VM.
 */
#ifndef VIREO_ACPI_H
#define VIREO_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* The RSDP sits at the start of the tables (16-byte aligned there). */
#define ACPI_RSDP_OFFSET	0

/*
 * Build RSDP, XSDT, RSDT, FADT, FACS, DSDT, MADT and MCFG for ncpus vCPUs
 * (1..VMM_MAX_VCPUS) into buf, as they will sit at guest-physical address
 * base (every pointer between tables is base + offset; base must be below
 * 4 GiB for the 32-bit pointers).  All of buf is cleared first.
 * Returns the bytes used, or 0 with errno EINVAL (bad ncpus or base) or
 * ENOSPC (buf too small).
 */
size_t	acpi_tables_build(void *buf, size_t size, uint64_t base,
	    unsigned int ncpus);

#endif
