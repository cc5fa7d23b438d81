/* SPDX-License-Identifier: ISC */
/*
 * The kernel file, initrd and fake VM behind the loader fuzz targets (see
 * loader-input.h).  The files are memfds named through /proc, so the
 * loader opens them by path as it opens a user's; its read buffer is
 * exact-size, so ASan sees any read past the file.
 */

#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loader-input.h"

#define LOADER_INPUT_MEM	(64ULL << 20)

static int	loader_input_memfd(const char *, const void *, size_t, char *,
		    size_t);

/* A memfd holding buf; path gets its /proc name.  Returns the fd. */
static int
loader_input_memfd(const char *name, const void *buf, size_t len,
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

void
loader_input_run(const uint8_t *data, size_t size, enum vmm_boot_kind boot,
    void (*check)(struct vmm *, const struct loader_entry *))
{
	struct vmm_params	 vp;
	struct loader_entry	 entry;
	struct vmm		*vmm;
	uint8_t			 initrd[4096 + 1];
	char			 kpath[64], ipath[64], *cause = NULL;
	int			 kfd, ifd;

	log_set_level(LOG_LEVEL_WARNING);
	memset(initrd, 0x5a, sizeof initrd);
	kfd = loader_input_memfd("kernel", data, size, kpath, sizeof kpath);
	ifd = loader_input_memfd("initrd", initrd, sizeof initrd, ipath,
	    sizeof ipath);

	memset(&vp, 0, sizeof vp);
	vp.vp_name = "fuzz";
	vp.vp_memsize = LOADER_INPUT_MEM;
	vp.vp_ncpus = 1;
	vp.vp_serial_in = vp.vp_serial_out = -1;
	vp.vp_kernel = kpath;
	vp.vp_initrd = ipath;
	vp.vp_cmdline = "console=ttyS0 earlyprintk=serial";
	vp.vp_boot = boot;
	if ((vmm = vmm_create_fake(&vp, &cause)) == NULL)
		abort();

	if (loader_load(vmm, &vp, VMM_ACPI_BASE, &entry, &cause) == -1) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
	} else
		check(vmm, &entry);
	vmm_free(vmm);
	close(kfd);
	close(ifd);
}

void
loader_input_check_long64(struct vmm *vmm, const struct loader_entry *entry)
{
	if (entry->le_mode != LOADER_MODE_LONG64 ||
	    entry->le_rsi != VMM_ZERO_PAGE ||
	    entry->le_rip < VMM_KERNEL_BASE ||
	    entry->le_rip >= mem_lowmem_end(vmm))
		abort();
}
