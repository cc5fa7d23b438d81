/* SPDX-License-Identifier: ISC */
/*
 * memtest: write and verify an address-derived pattern, then its
 * complement, over every RAM range of the boot memory map except the
 * guest's own image (code, data, stacks, page tables).  The loops run in
 * ring 3, at native speed on PVM hosts.
 */
#include "guest.h"

#define MEMTEST_GOLDEN	0x9e3779b97f4a7c15ULL

struct memtest_job {
	uint64_t	j_start;	/* 8-byte aligned */
	uint64_t	j_end;
	uint64_t	j_bad;		/* out: first failing address */
	uint64_t	j_want;
	uint64_t	j_got;
};

static uint64_t	memtest_range(uint64_t);
static int	memtest_run(uint64_t, uint64_t, uint64_t *);

/* Ring 3: 0 if [start, end) holds both patterns, else 1 with j_bad set. */
static uint64_t
memtest_range(uint64_t arg)
{
	struct memtest_job *j = (struct memtest_job *)arg;
	volatile uint64_t *p;
	uint64_t a, v, flip;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		flip = pass ? ~0ULL : 0;
		for (a = j->j_start; a < j->j_end; a += 8) {
			p = (volatile uint64_t *)a;
			*p = (a * MEMTEST_GOLDEN) ^ flip;
		}
		for (a = j->j_start; a < j->j_end; a += 8) {
			p = (volatile uint64_t *)a;
			v = (a * MEMTEST_GOLDEN) ^ flip;
			if (*p != v) {
				j->j_bad = a;
				j->j_want = v;
				j->j_got = *p;
				return (1);
			}
		}
	}
	return (0);
}

static int
memtest_run(uint64_t start, uint64_t end, uint64_t *tested)
{
	struct memtest_job j;

	start = (start + 7) & ~7ULL;
	end &= ~7ULL;
	if (start >= end)
		return (0);
	memset(&j, 0, sizeof(j));
	j.j_start = start;
	j.j_end = end;
	if (user_call(memtest_range, (uint64_t)&j) != 0)
		test_fail("memtest: at 0x%lx wrote %016lx, read %016lx",
		    j.j_bad, j.j_want, j.j_got);
	kprintf("memtest: %010lx-%010lx ok\n", start, end - 1);
	*tested += end - start;
	return (0);
}

void
scenario_memtest(void)
{
	const struct boot_memmap *m;
	uint64_t img0 = (uint64_t)__image_start, img1 = (uint64_t)__image_end;
	uint64_t s, e, top = 0, tested = 0, t0;
	unsigned int i;

	if (boot_info.bi_nmemmap == 0)
		test_fail("memtest: the loader gave no memory map");
	for (i = 0; i < boot_info.bi_nmemmap; i++) {
		m = &boot_info.bi_memmap[i];
		if (m->bm_size == 0)
			continue;
		kprintf("memmap: %010lx-%010lx type %u\n", m->bm_addr,
		    m->bm_addr + m->bm_size - 1, m->bm_type);
		if (m->bm_type == 1 && m->bm_addr + m->bm_size > top)
			top = m->bm_addr + m->bm_size;
	}
	if (paging_map_ram(top) == -1)
		kprintf("memtest: cannot map all RAM above 4 GiB\n");
	t0 = rdtsc();
	for (i = 0; i < boot_info.bi_nmemmap; i++) {
		m = &boot_info.bi_memmap[i];
		if (m->bm_type != 1)
			continue;
		s = m->bm_addr;
		e = m->bm_addr + m->bm_size;
		if (e > 4 * 1024 * MIB && boot_pdpt[(e - 1) >> 30] == 0) {
			kprintf("memtest: skipping unmapped RAM above "
			    "%010lx\n", s);
			continue;
		}
		/* Everything but the image. */
		if (s < img0)
			memtest_run(s, e < img0 ? e : img0, &tested);
		if (e > img1)
			memtest_run(s > img1 ? s : img1, e, &tested);
	}
	kprintf("memtest: %lu MiB tested in %lu ms\n", tested / MIB,
	    time_ms(rdtsc() - t0));
	if (tested == 0)
		test_fail("memtest: no RAM tested");
	test_pass();
}
