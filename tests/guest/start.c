/* SPDX-License-Identifier: ISC */
/*
 * The first C code: copy what the PVH loader handed over (hvm_start_info:
 * command line, memory map, RSDP) into boot_info before anything can
 * overwrite the loader's memory, quiet the legacy PIC, set up the CPU
 * tables and run the scenario named on the command line.
 */
#include "guest.h"

#define HVM_START_MAGIC	0x336ec578

struct hvm_start_info {
	uint32_t	magic;
	uint32_t	version;
	uint32_t	flags;
	uint32_t	nr_modules;
	uint64_t	modlist_paddr;
	uint64_t	cmdline_paddr;
	uint64_t	rsdp_paddr;
	uint64_t	memmap_paddr;	/* version >= 1 */
	uint32_t	memmap_entries;
	uint32_t	reserved;
};

struct hvm_memmap_entry {
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;
	uint32_t	reserved;
};

struct boot_info boot_info;

static void	start_copy(const struct hvm_start_info *);

static void
start_copy(const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *mm;
	const char *cl;
	unsigned int i, n;

	if (si->cmdline_paddr != 0) {
		cl = (const char *)si->cmdline_paddr;
		for (i = 0; i < sizeof(boot_info.bi_cmdline) - 1; i++) {
			if (cl[i] == '\0')
				break;
			boot_info.bi_cmdline[i] = cl[i];
		}
		boot_info.bi_cmdline[i] = '\0';
	}
	boot_info.bi_rsdp = si->rsdp_paddr;
	if (si->version >= 1 && si->memmap_paddr != 0) {
		mm = (const struct hvm_memmap_entry *)si->memmap_paddr;
		n = si->memmap_entries;
		if (n > BOOT_MEMMAP_MAX)
			n = BOOT_MEMMAP_MAX;
		for (i = 0; i < n; i++) {
			boot_info.bi_memmap[i].bm_addr = mm[i].addr;
			boot_info.bi_memmap[i].bm_size = mm[i].size;
			boot_info.bi_memmap[i].bm_type = mm[i].type;
		}
		boot_info.bi_nmemmap = n;
	}
}

void
start(uint32_t start_info)
{
	const struct hvm_start_info *si;

	si = (const struct hvm_start_info *)(uint64_t)start_info;
	uart_init();
	cpu_init();
	/* Mask both 8259s: an unprogrammed PIC would deliver on vector 0+. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	if (si == NULL || si->magic != HVM_START_MAGIC) {
		kprintf("boot: no hvm_start_info at %p (magic %x)\n",
		    (const void *)si, si == NULL ? 0 : si->magic);
		test_fail("not started through the PVH entry");
	}
	start_copy(si);
	main_run();
}
