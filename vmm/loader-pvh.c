/* SPDX-License-Identifier: ISC */
/*
 * PVH direct boot (the Xen x86 "HVM direct boot" ABI that Linux, FreeBSD
 * and our test guest implement): an ELF image whose "Xen" note of type 18
 * (XEN_ELFNOTE_PHYS32_ENTRY) gives a 32-bit physical entry point.  The
 * segments load as for a vmlinux; the vCPU starts in flat 32-bit protected
 * mode with EBX pointing at struct hvm_start_info, which sits with the
 * module list and the memory map in the page at VMM_PVH_INFO, below the
 * zero page.
 *
 * The structures are defined here from the published ABI
 * (xen/include/public/arch-x86/hvm/start_info.h); Xen's headers are not a
 * build dependency.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "xmalloc.h"
#include "vmm-dev.h"
#include "loader.h"

#define LOADER_PVH_NOTE_NAME	"Xen"
#define LOADER_PVH_NOTE_ENTRY	18		/* XEN_ELFNOTE_PHYS32_ENTRY */
#define LOADER_PVH_MAGIC	0x336ec578U	/* hvm_start_info.magic */
#define LOADER_PVH_VERSION	1		/* has the memory map */
#define LOADER_PVH_MODLIST_OFF	0x40		/* from VMM_PVH_INFO */
#define LOADER_PVH_MEMMAP_OFF	0x80

/* struct hvm_start_info, version 1. */
struct loader_pvh_start_info {
	uint32_t	lps_magic;
	uint32_t	lps_version;
	uint32_t	lps_flags;		/* SIF_*, none for us */
	uint32_t	lps_nr_modules;
	uint64_t	lps_modlist_paddr;	/* loader_pvh_module array */
	uint64_t	lps_cmdline_paddr;	/* NUL-terminated */
	uint64_t	lps_rsdp_paddr;		/* 0: guest scans */
	uint64_t	lps_memmap_paddr;	/* loader_pvh_memmap array */
	uint32_t	lps_memmap_entries;
	uint32_t	lps_reserved;
};

/* struct hvm_modlist_entry. */
struct loader_pvh_module {
	uint64_t	lpm_paddr;
	uint64_t	lpm_size;		/* bytes */
	uint64_t	lpm_cmdline_paddr;	/* 0: none */
	uint64_t	lpm_reserved;
};

/* struct hvm_memmap_table_entry (e820 type numbering). */
struct loader_pvh_memmap {
	uint64_t	lpe_addr;
	uint64_t	lpe_size;		/* bytes */
	uint32_t	lpe_type;
	uint32_t	lpe_reserved;
};

/* The whole block that is written at VMM_PVH_INFO. */
struct loader_pvh_block {
	struct loader_pvh_start_info	lpb_info;
	/* 56: sizeof(struct loader_pvh_start_info), asserted below. */
	uint8_t				lpb_pad1[LOADER_PVH_MODLIST_OFF - 56];
	struct loader_pvh_module	lpb_module;
	uint8_t				lpb_pad2[LOADER_PVH_MEMMAP_OFF -
					    LOADER_PVH_MODLIST_OFF -
					    sizeof(struct loader_pvh_module)];
	struct loader_pvh_memmap	lpb_memmap[E820_MAX];
};

_Static_assert(sizeof(struct loader_pvh_start_info) == 56,
    "hvm_start_info is 56 bytes");
_Static_assert(sizeof(struct loader_pvh_module) == 32,
    "hvm_modlist_entry is 32 bytes");
_Static_assert(sizeof(struct loader_pvh_memmap) == 24,
    "hvm_memmap_table_entry is 24 bytes");
_Static_assert(VMM_PVH_INFO + sizeof(struct loader_pvh_block) <= VMM_ZERO_PAGE,
    "hvm_start_info block overlaps the zero page");

static int	loader_pvh_entry(const struct loader_image *, uint64_t *,
		    char **);

/* The note's entry point; its descriptor is 4 bytes, or 8 in Linux. */
static int
loader_pvh_entry(const struct loader_image *img, uint64_t *entryp,
    char **cause)
{
	const uint8_t	*desc;
	size_t		 len, i;
	uint64_t	 entry = 0;

	if (!loader_elf_find_note(img, LOADER_PVH_NOTE_NAME,
	    LOADER_PVH_NOTE_ENTRY, &desc, &len)) {
		xasprintf(cause, "kernel %s: no PVH entry (ELF note \"Xen\" "
		    "type 18, XEN_ELFNOTE_PHYS32_ENTRY)", img->li_path);
		return (-1);
	}
	if (len != 4 && len != 8) {
		xasprintf(cause, "kernel %s: PVH entry note has %zu bytes of "
		    "data, not 4 or 8", img->li_path, len);
		return (-1);
	}
	for (i = 0; i < len; i++)
		entry |= (uint64_t)desc[i] << (8 * i);
	if (entry > UINT32_MAX) {
		xasprintf(cause, "kernel %s: PVH entry 0x%llx is above 4 GiB",
		    img->li_path, (unsigned long long)entry);
		return (-1);
	}
	*entryp = entry;
	return (0);
}

int
loader_pvh_has_entry(const struct loader_image *img)
{
	const uint8_t	*desc;
	size_t		 len;

	return (loader_elf_find_note(img, LOADER_PVH_NOTE_NAME,
	    LOADER_PVH_NOTE_ENTRY, &desc, &len));
}

int
loader_pvh_load(struct vmm *vmm, const struct vmm_params *params,
    const struct loader_image *img, uint64_t rsdp,
    struct loader_entry *entry, char **cause)
{
	struct loader_pvh_block	 blk;
	struct e820_entry	 map[E820_MAX];
	uint64_t		 end, rip, initrd, initrd_size;
	size_t			 n, i;

	if (loader_elf_check(img, cause) == -1)
		return (-1);
	if (loader_pvh_entry(img, &rip, cause) == -1)
		return (-1);
	if (loader_elf_load_segments(vmm, img, &end, cause) == -1)
		return (-1);
	if (!loader_elf_is_loaded(img, rip)) {
		xasprintf(cause, "kernel %s: PVH entry 0x%llx is not inside a "
		    "loaded segment", img->li_path, (unsigned long long)rip);
		return (-1);
	}
	if (loader_cmdline(vmm, params, VMM_CMDLINE_MAX - 1, cause) == -1)
		return (-1);
	if (loader_initrd(vmm, params, end, mem_lowmem_end(vmm), &initrd,
	    &initrd_size, cause) == -1)
		return (-1);

	memset(&blk, 0, sizeof blk);
	blk.lpb_info.lps_magic = LOADER_PVH_MAGIC;
	blk.lpb_info.lps_version = LOADER_PVH_VERSION;
	blk.lpb_info.lps_flags = 0;
	blk.lpb_info.lps_cmdline_paddr = VMM_CMDLINE;
	blk.lpb_info.lps_rsdp_paddr = rsdp;
	if (params->vp_initrd != NULL) {
		/* The initrd is module 0 (Linux takes it as its ramdisk). */
		blk.lpb_info.lps_nr_modules = 1;
		blk.lpb_info.lps_modlist_paddr = VMM_PVH_INFO +
		    LOADER_PVH_MODLIST_OFF;
		blk.lpb_module.lpm_paddr = initrd;
		blk.lpb_module.lpm_size = initrd_size;
		blk.lpb_module.lpm_cmdline_paddr = 0;
	}
	n = e820_build(mem_size(vmm), map, E820_MAX);
	for (i = 0; i < n; i++) {
		blk.lpb_memmap[i].lpe_addr = map[i].ee_addr;
		blk.lpb_memmap[i].lpe_size = map[i].ee_size;
		blk.lpb_memmap[i].lpe_type = map[i].ee_type;
	}
	blk.lpb_info.lps_memmap_paddr = VMM_PVH_INFO + LOADER_PVH_MEMMAP_OFF;
	blk.lpb_info.lps_memmap_entries = (uint32_t)n;
	if (mem_write(vmm, VMM_PVH_INFO, &blk, sizeof blk) == -1) {
		xasprintf(cause, "kernel %s: hvm_start_info at 0x%llx does not "
		    "fit in RAM", img->li_path,
		    (unsigned long long)VMM_PVH_INFO);
		return (-1);
	}

	entry->le_mode = LOADER_MODE_PROT32;
	entry->le_rip = rip;
	entry->le_rsi = 0;
	entry->le_rbx = VMM_PVH_INFO;
	entry->le_rsp = 0;
	entry->le_kind = VMM_BOOT_PVH;
	return (0);
}
