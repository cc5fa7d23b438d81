/* SPDX-License-Identifier: ISC */
/*
 * counter: for save/restore and migration tests.  Fills size=MiB (default
 * 16) of RAM from 16 MiB up with a pattern, then on every tick of a
 * periodic LAPIC timer at hz=H (default 2) prints an increasing counter
 * and the region's checksum, which must never change.  Runs forever, or
 * PASSes after count=N lines.  The fill and the checksum run in ring 3;
 * ring 0 waits for the next tick with hlt once one tick has been seen
 * arrive (so the wait is known to end).
 */
#include "guest.h"

#define COUNTER_BASE	(16 * MIB)
#define COUNTER_GOLDEN	0x9e3779b97f4a7c15ULL

struct counter_region {
	uint64_t	r_start;
	uint64_t	r_end;
};

static volatile uint64_t counter_ticks;

static void	counter_tick(struct trapframe *);
static uint64_t	counter_fill(uint64_t);
static uint64_t	counter_sum(uint64_t);

static void
counter_tick(struct trapframe *tf)
{
	counter_ticks++;
	apic_eoi();
}

static uint64_t
counter_fill(uint64_t arg)
{
	struct counter_region *r = (struct counter_region *)arg;
	uint64_t a;

	for (a = r->r_start; a < r->r_end; a += 8)
		*(volatile uint64_t *)a = a * COUNTER_GOLDEN;
	return (0);
}

static uint64_t
counter_sum(uint64_t arg)
{
	struct counter_region *r = (struct counter_region *)arg;
	uint64_t a, s = 0;

	for (a = r->r_start; a < r->r_end; a += 8)
		s = ((s << 1) | (s >> 63)) ^ *(volatile uint64_t *)a;
	return (s);
}

void
scenario_counter(void)
{
	struct counter_region r;
	const struct boot_memmap *m;
	uint64_t hz, size, count, n, seen, deadline, sum, first = 0;
	unsigned int i;

	hz = cmdline_u64("hz", 2);
	size = cmdline_u64("size", 16) * MIB;
	count = cmdline_u64("count", 0);
	if (hz == 0 || hz > 1000)
		test_fail("counter: bad hz=%lu", hz);
	r.r_start = COUNTER_BASE;
	r.r_end = COUNTER_BASE;
	for (i = 0; i < boot_info.bi_nmemmap; i++) {
		m = &boot_info.bi_memmap[i];
		if (m->bm_type == 1 && m->bm_addr <= COUNTER_BASE &&
		    m->bm_addr + m->bm_size > COUNTER_BASE)
			r.r_end = m->bm_addr + m->bm_size;
	}
	if (r.r_end > r.r_start + size)
		r.r_end = r.r_start + size;
	if (r.r_end <= r.r_start)
		test_fail("counter: no RAM at %lu MiB", COUNTER_BASE / MIB);
	user_call(counter_fill, (uint64_t)&r);
	kprintf("counter: region %010lx-%010lx, %lu Hz\n", r.r_start,
	    r.r_end - 1, hz);

	time_init();
	cpu_set_handler(VEC_TIMER, counter_tick);
	apic_timer_start((uint32_t)(APIC_TIMER_HZ / hz), 1);
	deadline = time_deadline(4000 / hz + 2000);
	__asm__ volatile("sti");
	while (counter_ticks == 0 && !time_expired(deadline))
		cpu_pause();
	if (counter_ticks == 0)
		test_fail("counter: no timer interrupt");
	for (n = 1, seen = counter_ticks;; n++) {
		sum = user_call(counter_sum, (uint64_t)&r);
		if (n == 1)
			first = sum;
		kprintf("counter %lu sum %016lx\n", n, sum);
		if (sum != first)
			test_fail("counter: checksum changed from %016lx",
			    first);
		if (count != 0 && n >= count)
			break;
		/*
		 * The timer is known to tick, so hlt returns; a tick between
		 * the test and the hlt only delays this line by one period.
		 */
		while (counter_ticks == seen)
			__asm__ volatile("hlt" ::: "memory");
		seen = counter_ticks;
	}
	__asm__ volatile("cli");
	apic_timer_stop();
	test_pass();
}
