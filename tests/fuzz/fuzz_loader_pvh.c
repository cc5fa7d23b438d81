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

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "vmm-dev.h"

#define FUZZ_LOADER_PVH_MEM		(64ULL << 20)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_loader_pvh_memfd(const char *, const void *, size_t,
		    char *, size_t);

/* A memfd holding buf; path gets its /proc name.  Returns the fd. */
static int
fuzz_loader_pvh_memfd(const char *name, const void *buf, size_t len,
    char *path, size_t pathlen)
{
	int	fd;

	if ((fd = memfd_create(name, MFD_CLOEXEC)) == -1)
		abort();
	if (len > 0 && write(fd, buf, len) != (ssize_t)len)
		abort();
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return (fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_params	 vp;
	struct loader_entry	 entry;
	struct vmm		*vmm;
	uint8_t			 initrd[4096 + 1];
	char			 kpath[64], ipath[64], *cause = NULL;
	uint32_t		 magic;
	int			 kfd, ifd, rc;

	log_set_level(LOG_LEVEL_WARNING);
	memset(initrd, 0x5a, sizeof initrd);
	kfd = fuzz_loader_pvh_memfd("kernel", data, size, kpath,
	    sizeof kpath);
	ifd = fuzz_loader_pvh_memfd("initrd", initrd, sizeof initrd,
	    ipath, sizeof ipath);

	memset(&vp, 0, sizeof vp);
	vp.vp_name = "fuzz";
	vp.vp_memsize = FUZZ_LOADER_PVH_MEM;
	vp.vp_ncpus = 1;
	vp.vp_serial_in = vp.vp_serial_out = -1;
	vp.vp_kernel = kpath;
	vp.vp_initrd = ipath;
	vp.vp_cmdline = "console=ttyS0 earlyprintk=serial";
	vp.vp_boot = VMM_BOOT_PVH;
	if ((vmm = vmm_create_fake(&vp, &cause)) == NULL)
		abort();

	rc = loader_load(vmm, &vp, VMM_ACPI_BASE, &entry, &cause);
	if (rc == -1) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
	} else {
		if (entry.le_kind != VMM_BOOT_PVH ||
		    entry.le_mode != LOADER_MODE_PROT32 ||
		    entry.le_rbx != VMM_PVH_INFO ||
		    entry.le_rip < VMM_KERNEL_BASE ||
		    entry.le_rip >= mem_lowmem_end(vmm))
			abort();
		if (mem_read(vmm, VMM_PVH_INFO, &magic, sizeof magic) == -1 ||
		    magic != 0x336ec578)
			abort();
	}
	vmm_free(vmm);
	close(kfd);
	close(ifd);
	return (0);
}
