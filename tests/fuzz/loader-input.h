/* SPDX-License-Identifier: ISC */
/*
 * What the loader fuzz targets (fuzz_loader_bzimage, fuzz_loader_elf,
 * fuzz_loader_pvh) share: the input as a kernel file, loaded as vmx would
 * into a 64 MiB fake VM with a command line and a small initrd.  Each
 * target names the boot kind and checks the entry a success gives.
 */
#ifndef VIREO_TESTS_FUZZ_LOADER_INPUT_H
#define VIREO_TESTS_FUZZ_LOADER_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "vmm-dev.h"

/*
 * Write data to a memfd, and load it as the kernel with boot kind boot
 * into a new fake VM.  A failure must come with a cause; a success is
 * handed to check(), which aborts on an entry it does not accept, while
 * the VM still holds what was loaded.  Aborts when it cannot set up.
 */
void	loader_input_run(const uint8_t *data, size_t size,
	    enum vmm_boot_kind boot,
	    void (*check)(struct vmm *, const struct loader_entry *));

/*
 * For check(): abort unless entry starts a vmlinux or bzImage kernel as
 * Linux wants, in 64-bit mode inside RAM with the zero page in RSI.
 */
void	loader_input_check_long64(struct vmm *vmm,
	    const struct loader_entry *entry);

#endif /* VIREO_TESTS_FUZZ_LOADER_INPUT_H */
