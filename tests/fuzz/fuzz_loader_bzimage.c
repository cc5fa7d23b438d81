/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the bzImage loader (vmm/loader-bzimage.c) and the format
 * detection in front of it (vmm/loader.c): each input is a kernel file,
 * written to a memfd and loaded with VMM_BOOT_AUTO into a 64 MiB fake VM
 * with a command line and a small initrd, as vmx would.  Checked: nothing
 * crashes or reads past the file (the loader's buffer is exact-size, so
 * ASan sees an overread), a failure always has a cause, and a success
 * starts the vCPU inside RAM with the zero page in RSI.
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "loader-input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_loader_bzimage_check(struct vmm *,
		    const struct loader_entry *);

/*
 * AUTO may find an ELF kernel in the input, which the ELF targets check;
 * a bzImage must start in 64-bit mode inside RAM with the zero page.
 */
static void
fuzz_loader_bzimage_check(struct vmm *vmm, const struct loader_entry *entry)
{
	if (entry->le_kind == VMM_BOOT_BZIMAGE)
		loader_input_check_long64(vmm, entry);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loader_input_run(data, size, VMM_BOOT_AUTO, fuzz_loader_bzimage_check);
	return (0);
}
