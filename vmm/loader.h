/* SPDX-License-Identifier: ISC */
/*
 * Private interface between the guest image loaders: loader.c (detection,
 * dispatch and the helpers every format shares), loader-bzimage.c (Linux
 * bzImage and the zero page), loader-elf.c (ELF64 parsing and vmlinux
 * direct boot) and loader-pvh.c (the PVH entry note and hvm_start_info).
 *
 * An image is the whole kernel file in host memory; it is untrusted, so
 * every reader bounds-checks offsets and sizes against li_len.
 */
#ifndef VIREO_LOADER_H
#define VIREO_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "vmm-dev.h"

struct boot_params;

/* Largest kernel file read into memory. */
#define LOADER_KERNEL_MAX	(1024ULL << 20)
#define LOADER_PAGE_SIZE	4096ULL
/* Linux maps the kernel at this virtual address (__START_KERNEL_map). */
#define LOADER_START_KERNEL_MAP	0xffffffff80000000ULL

/* A kernel file read into memory. */
struct loader_image {
	const char	*li_path;	/* borrowed, for messages */
	uint8_t		*li_data;	/* owned, li_len bytes */
	size_t		 li_len;
};

/* loader.c */
/*
 * Read the regular file path into a new buffer (*data, caller frees) of
 * at most max bytes.  0, or -1 with *cause naming the file.
 */
int	loader_read_file(const char *path, uint64_t max, uint8_t **data,
	    size_t *len, char **cause);
/*
 * Write params' command line (empty if none) NUL-terminated at
 * VMM_CMDLINE.  maxlen is the longest the kernel accepts, without the NUL.
 * 0, or -1 with *cause ("command line too long").
 */
int	loader_cmdline(struct vmm *, const struct vmm_params *, size_t maxlen,
	    char **cause);
/*
 * Read params' initrd (if any) into guest RAM, page-aligned and as high as
 * possible inside [low, high).  *gpa and *size get where it went (both 0
 * without an initrd).  0, or -1 with *cause ("initrd too big", unreadable).
 */
int	loader_initrd(struct vmm *, const struct vmm_params *, uint64_t low,
	    uint64_t high, uint64_t *gpa, uint64_t *size, char **cause);
/* Round x up to a multiple of the power of two align; 0 on overflow. */
uint64_t loader_align_up(uint64_t x, uint64_t align);

/* loader-bzimage.c */
/* 1 if the file carries a Linux setup header ("HdrS" at 0x202). */
int	loader_bzimage_is_image(const struct loader_image *);
int	loader_bzimage_load(struct vmm *, const struct vmm_params *,
	    const struct loader_image *, uint64_t rsdp, struct loader_entry *,
	    char **cause);
/*
 * Finish bp (its setup header already filled) for the 64-bit boot
 * protocol and write it at VMM_ZERO_PAGE: command line (at most
 * cmdline_max bytes), the initrd above kernel_end and below initrd_end,
 * the e820 map, rsdp (if rsdp_ok) and type_of_loader.  0, or -1 with *cause.
 */
int	loader_bzimage_boot_params(struct vmm *, const struct vmm_params *,
	    struct boot_params *, uint64_t kernel_end, size_t cmdline_max,
	    uint64_t initrd_end, uint64_t rsdp, int rsdp_ok, char **cause);

/* loader-elf.c */
/* 1 if the file starts with the ELF magic (any class or machine). */
int	loader_elf_is_image(const struct loader_image *);
/*
 * Check that the image is a well-formed x86-64 ELF64 executable whose
 * program headers lie inside the file.  0, or -1 with *cause.
 */
int	loader_elf_check(const struct loader_image *, char **cause);
/*
 * Copy every PT_LOAD segment to its p_paddr in guest RAM (at or above
 * VMM_KERNEL_BASE, below the end of low RAM) and zero its bss.
 * *kernel_end gets the highest segment end.  0, or -1 with *cause.
 */
int	loader_elf_load_segments(struct vmm *, const struct loader_image *,
	    uint64_t *kernel_end, char **cause);
/* 1 if gpa lies inside a PT_LOAD segment's physical range. */
int	loader_elf_is_loaded(const struct loader_image *, uint64_t gpa);
/*
 * Find the first note with this owner name and type, in PT_NOTE segments
 * and then in SHT_NOTE sections.  Returns 1 with *desc and *desclen pointing
 * into the image, 0 if absent.  The image must have passed
 * loader_elf_check.
 */
int	loader_elf_find_note(const struct loader_image *, const char *name,
	    uint32_t type, const uint8_t **desc, size_t *desclen);
int	loader_elf_load(struct vmm *, const struct vmm_params *,
	    const struct loader_image *, uint64_t rsdp, struct loader_entry *,
	    char **cause);

/* loader-pvh.c */
/* 1 if a checked ELF image has a XEN_ELFNOTE_PHYS32_ENTRY note. */
int	loader_pvh_has_entry(const struct loader_image *);
int	loader_pvh_load(struct vmm *, const struct vmm_params *,
	    const struct loader_image *, uint64_t rsdp, struct loader_entry *,
	    char **cause);

#endif
