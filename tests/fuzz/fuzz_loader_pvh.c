/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes PVH loading (vmm/loader-pvh.c): the ELF note walk for
 * XEN_ELFNOTE_PHYS32_ENTRY in PT_NOTE segments and SHT_NOTE sections,
 * segment loading and hvm_start_info.  Each input is a kernel file,
 * written to a memfd and loaded with VMM_BOOT_PVH into a 64 MiB fake VM
 * with a command line and a small initrd.  Checked: nothing crashes or
 * reads past the file, a failure always has a cause, and a success enters
 * 32-bit mode inside RAM with EBX at a valid hvm_start_info.
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "loader-input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_loader_pvh_check(struct vmm *,
		    const struct loader_entry *);

static void
fuzz_loader_pvh_check(struct vmm *vmm, const struct loader_entry *entry)
{
	uint32_t	magic;

	if (entry->le_kind != VMM_BOOT_PVH ||
	    entry->le_mode != LOADER_MODE_PROT32 ||
	    entry->le_rbx != VMM_PVH_INFO ||
	    entry->le_rip < VMM_KERNEL_BASE ||
	    entry->le_rip >= mem_lowmem_end(vmm))
		abort();
	if (mem_read(vmm, VMM_PVH_INFO, &magic, sizeof magic) == -1 ||
	    magic != 0x336ec578)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loader_input_run(data, size, VMM_BOOT_PVH, fuzz_loader_pvh_check);
	return (0);
}
