/* SPDX-License-Identifier: ISC */
/*
 * The local APIC in xAPIC mode (MMIO at the address in IA32_APIC_BASE,
 * 0xFEE00000 on every platform we run on): enable, EOI, IPIs and the
 * timer.  Each register access is an exit handled by KVM's in-kernel APIC.
 */
#include "guest.h"

#define MSR_APIC_BASE	0x1b
#define APIC_BASE_EN	(1U << 11)

#define APIC_ID		0x020
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_TIMER_INIT	0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0

#define APIC_MASKED	(1U << 16)
#define APIC_PERIODIC	(1U << 17)
#define ICR_PENDING	(1U << 12)

static uint64_t	apic_base = 0xfee00000;

uint32_t
apic_read(uint32_t reg)
{
	return (mmio_read32(apic_base + reg));
}

void
apic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(apic_base + reg, v);
}

void
apic_init(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APIC_BASE));
	if (!(lo & APIC_BASE_EN)) {
		lo |= APIC_BASE_EN;
		__asm__ volatile("wrmsr" : : "a"(lo), "d"(hi),
		    "c"(MSR_APIC_BASE));
	}
	apic_base = ((uint64_t)hi << 32) | (lo & 0xfffff000);
	apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);
	apic_write(APIC_LVT_LINT0, APIC_MASKED);
	apic_write(APIC_LVT_TIMER, APIC_MASKED | VEC_TIMER);
}

uint32_t
apic_id(void)
{
	return (apic_read(APIC_ID) >> 24);
}

void
apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* Send icrlo to apicid; 0, or -1 if the previous IPI never left. */
int
apic_ipi(uint32_t apicid, uint32_t icrlo)
{
	int i;

	for (i = 0; i < 100000; i++) {
		if (!(apic_read(APIC_ICR_LO) & ICR_PENDING))
			break;
		cpu_pause();
	}
	if (i == 100000)
		return (-1);
	apic_write(APIC_ICR_HI, apicid << 24);
	apic_write(APIC_ICR_LO, icrlo);
	return (0);
}

/* count is in bus cycles (1 ns on KVM); the divider is 1. */
void
apic_timer_start(uint32_t count, int periodic)
{
	apic_write(APIC_TIMER_DIV, 0xb);
	apic_write(APIC_LVT_TIMER, VEC_TIMER | (periodic ? APIC_PERIODIC :
	    0));
	apic_write(APIC_TIMER_INIT, count);
}

void
apic_timer_stop(void)
{
	apic_write(APIC_LVT_TIMER, APIC_MASKED | VEC_TIMER);
	apic_write(APIC_TIMER_INIT, 0);
}

uint32_t
apic_timer_count(void)
{
	return (apic_read(APIC_TIMER_CUR));
}
