/* SPDX-License-Identifier: ISC */
/*
 * Extending the boot identity map (entry.S: the first 4 GiB in 2 MiB
 * pages) over RAM above 4 GiB: 1 GiB pages where the CPU has them, else
 * page directories from a small pool.  Everything stays user-accessible.
 * Device registers (PCI BARs) get their large pages marked uncached.
 */
#include "guest.h"

#define GIB		(1ULL << 30)
#define PTE_P_W_U	0x7ULL
#define PTE_PS		0x80ULL
#define PTE_PWT_PCD	0x18ULL
#define PAGING_POOL	28		/* 2 MiB-page directories: 28 GiB */

static uint64_t	paging_pool[PAGING_POOL][512] __attribute__((aligned(4096)));
static int	paging_npool;

static int	paging_has_1g(void);

static int
paging_has_1g(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
	    : "a"(0x80000001), "c"(0));
	return ((d >> 26) & 1);
}

/*
 * Identity-map RAM up to end (at most 512 GiB).  Returns 0, or -1 if the
 * pool ran out; what could be mapped stays mapped.
 */
int
paging_map_ram(uint64_t end)
{
	uint64_t gib, i, last;
	int big = paging_has_1g();

	last = (end + GIB - 1) / GIB;
	if (last > 512)
		last = 512;
	for (gib = 4; gib < last; gib++) {
		if (boot_pdpt[gib] != 0)
			continue;
		if (big) {
			boot_pdpt[gib] = (gib * GIB) | PTE_PS | PTE_P_W_U;
			continue;
		}
		if (paging_npool == PAGING_POOL)
			return (-1);
		for (i = 0; i < 512; i++)
			paging_pool[paging_npool][i] = (gib * GIB +
			    (i << 21)) | PTE_PS | PTE_P_W_U;
		boot_pdpt[gib] = (uint64_t)paging_pool[paging_npool++] |
		    PTE_P_W_U;
	}
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax",
	    "memory");
	return (0);
}

/*
 * Make [addr, addr + size) uncached (PCD and PWT on the 2 MiB or 1 GiB
 * pages holding it), mapping it first if it lies above 4 GiB.  The pages
 * are shared with whatever else they hold: callers keep device windows
 * away from RAM.  0, or -1 if it cannot be mapped.
 */
int
paging_uncached(uint64_t addr, uint64_t size)
{
	uint64_t a, end = addr + size, *pd;

	if (size == 0 || end >= 512 * GIB || paging_map_ram(end) == -1)
		return (-1);
	for (a = addr & ~((1ULL << 21) - 1); a < end; a += 1ULL << 21) {
		if (boot_pdpt[a >> 30] & PTE_PS) {
			boot_pdpt[a >> 30] |= PTE_PWT_PCD;
			continue;
		}
		pd = (uint64_t *)(boot_pdpt[a >> 30] & ~0xfffULL);
		pd[(a >> 21) & 511] |= PTE_PWT_PCD;
	}
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax",
	    "memory");
	return (0);
}
