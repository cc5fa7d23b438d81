/* SPDX-License-Identifier: ISC */
/*
 * Time from the TSC.  Its rate is measured once against the local APIC
 * timer, which counts KVM's 1 GHz APIC bus (the same in QEMU and vmx,
 * both using the in-kernel APIC): 10 ms of APIC count.  If the APIC timer
 * does not move, a 3 GHz TSC is assumed, which keeps timeouts bounded.
 */
#include "guest.h"

#define TIME_CAL_NS	10000000UL		/* 10 ms */
#define TIME_CAL_MAXTSC	(1ULL << 35)		/* ~10 s at 3.4 GHz */
#define TIME_GUESS_HZ	3000000000UL

static uint64_t	time_hz;

void
time_init(void)
{
	uint64_t t0, t1;
	uint32_t c0, c1;

	if (time_hz != 0)
		return;
	apic_init();
	apic_timer_start(0xffffffff, 0);
	t0 = rdtsc();
	c0 = apic_timer_count();
	for (;;) {
		c1 = apic_timer_count();
		t1 = rdtsc();
		if (c0 - c1 >= TIME_CAL_NS || t1 - t0 > TIME_CAL_MAXTSC)
			break;
	}
	apic_timer_stop();
	if (c0 - c1 < TIME_CAL_NS) {
		kprintf("time: the APIC timer does not count; assuming a "
		    "%lu MHz TSC\n", TIME_GUESS_HZ / 1000000);
		time_hz = TIME_GUESS_HZ;
		return;
	}
	time_hz = (t1 - t0) * APIC_TIMER_HZ / (c0 - c1);
}

uint64_t
time_tsc_hz(void)
{
	time_init();
	return (time_hz);
}

uint64_t
time_ms(uint64_t tscdelta)
{
	return (tscdelta / (time_tsc_hz() / 1000));
}

uint64_t
time_deadline(uint64_t ms)
{
	return (rdtsc() + ms * (time_tsc_hz() / 1000));
}

int
time_expired(uint64_t deadline)
{
	return ((int64_t)(rdtsc() - deadline) >= 0);
}

void
time_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * (time_tsc_hz() / 1000000);

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_pause();
}
