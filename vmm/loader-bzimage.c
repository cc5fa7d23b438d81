/* SPDX-License-Identifier: ISC */
/*
 * Linux bzImage loading through the 64-bit boot protocol (boot.rst,
 * protocol 2.12 and later with XLF_KERNEL_64): the protected-mode part of
 * the file goes to pref_address (aligned to kernel_alignment, at or above
 * 1 MiB) and the zero page (struct boot_params) at VMM_ZERO_PAGE gets the
 * image's own setup header plus what a boot loader fills in.  The vCPU
 * starts in long mode at load address + 0x200 with RSI = zero page.
 *
 * The zero page's loader-filled part (command line, initrd, e820 map,
 * RSDP) is also what an ELF vmlinux gets, so loader-elf.c calls
 * loader_bzimage_boot_params() too.
 */

#include "config.h"

#include <asm/bootparam.h>

#include <stdint.h>
#include <string.h>

#include "xmalloc.h"
#include "vmm-dev.h"
#include "loader.h"

#define LOADER_BZIMAGE_HDR_OFF		0x1f1	/* struct setup_header */
#define LOADER_BZIMAGE_FLAG_OFF		0x1fe	/* boot_flag */
#define LOADER_BZIMAGE_JUMP_OFF		0x200	/* short jump over the header */
#define LOADER_BZIMAGE_MAGIC_OFF	0x202	/* "HdrS" */
#define LOADER_BZIMAGE_HDR_LIMIT	0x290	/* edd_mbr_sig_buffer follows */
#define LOADER_BZIMAGE_MAGIC		0x53726448U
#define LOADER_BZIMAGE_BOOT_FLAG	0xaa55
#define LOADER_BZIMAGE_SECTOR		512
#define LOADER_BZIMAGE_MIN_VERSION	0x020c	/* 64-bit entry */
#define LOADER_BZIMAGE_RSDP_VERSION	0x020e	/* acpi_rsdp_addr */
#define LOADER_BZIMAGE_ENTRY64		0x200	/* startup_64 offset */
#define LOADER_BZIMAGE_HEAP_END		0xfe00
#define LOADER_BZIMAGE_LOADER_TYPE	0xff	/* "undefined" boot loader */

static int	loader_bzimage_header(const struct loader_image *,
		    struct boot_params *, char **);
static int	loader_bzimage_place(struct vmm *,
		    const struct loader_image *, const struct boot_params *,
		    uint64_t *, uint64_t *, char **);

int
loader_bzimage_is_image(const struct loader_image *img)
{
	if (img->li_len < LOADER_BZIMAGE_MAGIC_OFF + 4)
		return (0);
	return (vmm_le_get(img->li_data + LOADER_BZIMAGE_MAGIC_OFF, 4) ==
	    LOADER_BZIMAGE_MAGIC);
}

/* Check the setup header and copy it into a zeroed bp. */
static int
loader_bzimage_header(const struct loader_image *img, struct boot_params *bp,
    char **cause)
{
	const uint8_t	*d = img->li_data;
	size_t		 end;
	uint16_t	 version;

	if (img->li_len < LOADER_BZIMAGE_MAGIC_OFF + 4) {
		xasprintf(cause, "kernel %s: truncated (%zu bytes, too short "
		    "for a bzImage setup header)", img->li_path, img->li_len);
		return (-1);
	}
	if (vmm_le_get(d + LOADER_BZIMAGE_MAGIC_OFF, 4) !=
	    LOADER_BZIMAGE_MAGIC) {
		xasprintf(cause, "kernel %s: not a bzImage (no \"HdrS\" setup "
		    "header at 0x202)", img->li_path);
		return (-1);
	}
	if (vmm_le_get(d + LOADER_BZIMAGE_FLAG_OFF, 2) !=
	    LOADER_BZIMAGE_BOOT_FLAG) {
		xasprintf(cause, "kernel %s: not a bzImage (no 0xAA55 boot "
		    "flag at 0x1fe)", img->li_path);
		return (-1);
	}
	/* The header ends where the short jump at 0x200 lands. */
	if (d[LOADER_BZIMAGE_JUMP_OFF] != 0xeb) {
		xasprintf(cause, "kernel %s: not a bzImage (no short jump over "
		    "the setup header at 0x200)", img->li_path);
		return (-1);
	}
	end = LOADER_BZIMAGE_MAGIC_OFF + d[LOADER_BZIMAGE_JUMP_OFF + 1];
	if (end > LOADER_BZIMAGE_HDR_LIMIT)
		end = LOADER_BZIMAGE_HDR_LIMIT;
	if (end < LOADER_BZIMAGE_MAGIC_OFF + 6) {
		xasprintf(cause, "kernel %s: setup header too short (ends at "
		    "0x%zx)", img->li_path, end);
		return (-1);
	}
	if (end > img->li_len) {
		xasprintf(cause, "kernel %s: truncated (setup header ends at "
		    "0x%zx, file has %zu bytes)", img->li_path, end,
		    img->li_len);
		return (-1);
	}
	memset(bp, 0, sizeof *bp);
	memcpy((uint8_t *)bp + LOADER_BZIMAGE_HDR_OFF,
	    d + LOADER_BZIMAGE_HDR_OFF, end - LOADER_BZIMAGE_HDR_OFF);

	version = bp->hdr.version;
	if (version < LOADER_BZIMAGE_MIN_VERSION) {
		xasprintf(cause, "kernel %s: boot protocol %u.%02u is too old "
		    "(the 64-bit entry needs 2.12 or later)", img->li_path,
		    version >> 8, version & 0xff);
		return (-1);
	}
	if ((bp->hdr.xloadflags & XLF_KERNEL_64) == 0) {
		xasprintf(cause, "kernel %s: not 64-bit capable (XLF_KERNEL_64 "
		    "is not set in xloadflags)", img->li_path);
		return (-1);
	}
	return (0);
}

/*
 * Choose the load address, check that the kernel and the memory it needs
 * while decompressing (init_size) fit in low RAM, and copy it there.
 */
static int
loader_bzimage_place(struct vmm *vmm, const struct loader_image *img,
    const struct boot_params *bp, uint64_t *addrp, uint64_t *endp,
    char **cause)
{
	uint64_t	setup_len, kern_len, addr, align, need, ramend;
	unsigned int	sects;

	sects = bp->hdr.setup_sects != 0 ? bp->hdr.setup_sects : 4;
	setup_len = (uint64_t)(sects + 1) * LOADER_BZIMAGE_SECTOR;
	if (setup_len >= img->li_len) {
		xasprintf(cause, "kernel %s: truncated (%zu bytes, but the "
		    "setup code alone takes %llu)", img->li_path, img->li_len,
		    (unsigned long long)setup_len);
		return (-1);
	}
	kern_len = img->li_len - setup_len;

	addr = bp->hdr.pref_address != 0 ? bp->hdr.pref_address :
	    VMM_KERNEL_BASE;
	if (bp->hdr.relocatable_kernel) {
		align = bp->hdr.kernel_alignment;
		if (align == 0 || (align & (align - 1)) != 0) {
			xasprintf(cause, "kernel %s: kernel_alignment 0x%llx "
			    "is not a power of two", img->li_path,
			    (unsigned long long)align);
			return (-1);
		}
		if (addr < VMM_KERNEL_BASE)
			addr = VMM_KERNEL_BASE;
		addr = loader_align_up(addr, align);
	} else if (addr < VMM_KERNEL_BASE) {
		xasprintf(cause, "kernel %s: must load at 0x%llx, below 1 MiB",
		    img->li_path, (unsigned long long)addr);
		return (-1);
	}

	need = bp->hdr.init_size > kern_len ? bp->hdr.init_size : kern_len;
	ramend = mem_lowmem_end(vmm);
	if (addr == 0 || addr >= ramend || need > ramend - addr) {
		xasprintf(cause, "kernel %s: does not fit in RAM (needs %llu "
		    "MiB from 0x%llx; RAM is %llu MiB, low RAM ends at "
		    "0x%llx)", img->li_path,
		    (unsigned long long)((need + (1 << 20) - 1) >> 20),
		    (unsigned long long)addr,
		    (unsigned long long)(mem_size(vmm) >> 20),
		    (unsigned long long)ramend);
		return (-1);
	}
	if (mem_write(vmm, addr, img->li_data + setup_len, kern_len) == -1) {
		xasprintf(cause, "kernel %s: 0x%llx-0x%llx is outside RAM",
		    img->li_path, (unsigned long long)addr,
		    (unsigned long long)(addr + kern_len));
		return (-1);
	}
	*addrp = addr;
	*endp = addr + need;
	return (0);
}

int
loader_bzimage_boot_params(struct vmm *vmm, const struct vmm_params *params,
    struct boot_params *bp, uint64_t kernel_end, size_t cmdline_max,
    uint64_t initrd_end, uint64_t rsdp, int rsdp_ok, char **cause)
{
	struct e820_entry	map[E820_MAX];
	uint64_t		initrd, initrd_size;
	size_t			n, i;

	if (loader_cmdline(vmm, params, cmdline_max, cause) == -1)
		return (-1);
	bp->hdr.cmd_line_ptr = (uint32_t)VMM_CMDLINE;
	bp->ext_cmd_line_ptr = 0;

	if (loader_initrd(vmm, params, kernel_end, initrd_end, &initrd,
	    &initrd_size, cause) == -1)
		return (-1);
	/* Both are below the 3 GiB hole, so 32 bits hold them. */
	bp->hdr.ramdisk_image = (uint32_t)initrd;
	bp->hdr.ramdisk_size = (uint32_t)initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(initrd >> 32);
	bp->ext_ramdisk_size = (uint32_t)(initrd_size >> 32);

	n = e820_build(mem_size(vmm), map, E820_MAX);
	if (n > E820_MAX_ENTRIES_ZEROPAGE)
		n = E820_MAX_ENTRIES_ZEROPAGE;
	for (i = 0; i < n; i++) {
		bp->e820_table[i].addr = map[i].ee_addr;
		bp->e820_table[i].size = map[i].ee_size;
		bp->e820_table[i].type = map[i].ee_type;
	}
	bp->e820_entries = (uint8_t)n;

	bp->acpi_rsdp_addr = rsdp_ok ? rsdp : 0;
	bp->hdr.type_of_loader = LOADER_BZIMAGE_LOADER_TYPE;

	if (mem_write(vmm, VMM_ZERO_PAGE, bp, sizeof *bp) == -1) {
		xasprintf(cause, "kernel %s: zero page at 0x%llx does not fit "
		    "in RAM", params->vp_kernel,
		    (unsigned long long)VMM_ZERO_PAGE);
		return (-1);
	}
	return (0);
}

int
loader_bzimage_load(struct vmm *vmm, const struct vmm_params *params,
    const struct loader_image *img, uint64_t rsdp,
    struct loader_entry *entry, char **cause)
{
	struct boot_params	bp;
	uint64_t		addr, end, initrd_end;
	size_t			cmdline_max;
	uint16_t		version;

	if (loader_bzimage_header(img, &bp, cause) == -1)
		return (-1);
	if (loader_bzimage_place(vmm, img, &bp, &addr, &end, cause) == -1)
		return (-1);
	version = bp.hdr.version;

	/* Protocol 2.06 brought cmdline_size; 2.03 initrd_addr_max. */
	cmdline_max = bp.hdr.cmdline_size;
	initrd_end = (uint64_t)bp.hdr.initrd_addr_max + 1;

	bp.hdr.code32_start = (uint32_t)addr;
	bp.hdr.loadflags |= LOADED_HIGH | CAN_USE_HEAP;
	bp.hdr.heap_end_ptr = LOADER_BZIMAGE_HEAP_END;
	if (loader_bzimage_boot_params(vmm, params, &bp, end, cmdline_max,
	    initrd_end, rsdp, version >= LOADER_BZIMAGE_RSDP_VERSION,
	    cause) == -1)
		return (-1);

	entry->le_mode = LOADER_MODE_LONG64;
	entry->le_rip = addr + LOADER_BZIMAGE_ENTRY64;
	entry->le_rsi = VMM_ZERO_PAGE;
	entry->le_rbx = 0;
	entry->le_rsp = VMM_BOOT_STACK;
	entry->le_kind = VMM_BOOT_BZIMAGE;
	return (0);
}
