/* SPDX-License-Identifier: ISC */
/*
 * timer: ticks=N (default 50) periodic LAPIC timer interrupts at hz=H
 * (default 100) with interrupts enabled, counted by the interrupt handler
 * while ring 0 spins on the count with a deadline.
 */
#include "guest.h"

static volatile uint64_t timer_ticks;

static void	timer_tick(struct trapframe *);

static void
timer_tick(struct trapframe *tf)
{
	timer_ticks++;
	apic_eoi();
}

void
scenario_timer(void)
{
	uint64_t n, hz, want_ms, ms, t0, deadline;

	n = cmdline_u64("ticks", 50);
	hz = cmdline_u64("hz", 100);
	if (hz == 0 || hz > 10000 || n == 0)
		test_fail("timer: bad ticks=%lu hz=%lu", n, hz);
	want_ms = n * 1000 / hz;
	time_init();
	cpu_set_handler(VEC_TIMER, timer_tick);
	deadline = time_deadline(want_ms * 4 + 2000);
	t0 = rdtsc();
	apic_timer_start((uint32_t)(APIC_TIMER_HZ / hz), 1);
	__asm__ volatile("sti");
	while (timer_ticks < n && !time_expired(deadline))
		cpu_pause();
	__asm__ volatile("cli");
	ms = time_ms(rdtsc() - t0);
	apic_timer_stop();
	kprintf("timer: %lu ticks at %lu Hz in %lu ms (expected %lu ms)\n",
	    timer_ticks, hz, ms, want_ms);
	if (timer_ticks < n)
		test_fail("timer: %lu of %lu ticks before the deadline",
		    timer_ticks, n);
	test_pass();
}
