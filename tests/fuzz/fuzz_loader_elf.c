/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the ELF64 parser and vmlinux direct boot (vmm/loader-elf.c):
 * each input is a kernel file, written to a memfd and loaded with
 * VMM_BOOT_ELF (the vmlinux path even when a PVH note is present) into a
 * 64 MiB fake VM with a command line and a small initrd.  Checked: nothing
 * crashes or reads past the file (the loader's buffer is exact-size, so
 * ASan sees an overread), a failure always has a cause, and a success
 * enters 64-bit mode inside loaded RAM with the zero page in RSI.
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "loader-input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_loader_elf_check(struct vmm *,
		    const struct loader_entry *);

static void
fuzz_loader_elf_check(struct vmm *vmm, const struct loader_entry *entry)
{
	if (entry->le_kind != VMM_BOOT_ELF)
		abort();
	loader_input_check_long64(vmm, entry);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loader_input_run(data, size, VMM_BOOT_ELF, fuzz_loader_elf_check);
	return (0);
}
