/* SPDX-License-Identifier: ISC */
/*
 * button: what an operating system does with the ACPI fixed-feature power
 * button, for vmx's graceful shutdown (ShutdownGuest).  Enables PWRBTN_EN
 * in PM1a_EN (from the FADT), then on every tick of a periodic LAPIC timer
 * at hz=H (default 2) prints "button N" and looks at PWRBTN_STS in
 * PM1a_STS; once it is set, clears it and powers off through ACPI S5 (the
 * poweroff scenario), exit status 0.  The SCI is not used: polling on the
 * tick keeps the guest free of an IOAPIC driver.
 */
#include "guest.h"

#define FADT_PM1A_EVT	56
#define FADT_PM1_EVT_LEN 88
#define PM1_PWRBTN	0x0100

static volatile uint64_t button_ticks;

static void	button_tick(struct trapframe *);

static void
button_tick(struct trapframe *tf)
{
	button_ticks++;
	apic_eoi();
}

void
scenario_button(void)
{
	const uint8_t *f;
	uint64_t hz, n, seen, deadline;
	uint16_t sts, en;

	hz = cmdline_u64("hz", 2);
	if (hz == 0 || hz > 1000)
		test_fail("button: bad hz=%lu", hz);
	time_init();
	if ((f = (const uint8_t *)acpi_table("FACP")) == NULL)
		test_fail("button: no FADT");
	sts = (uint16_t)*(const uint32_t *)(f + FADT_PM1A_EVT);
	en = (uint16_t)(sts + f[FADT_PM1_EVT_LEN] / 2);
	if (sts == 0)
		test_fail("button: no PM1a_EVT_BLK in the FADT");
	outw(sts, PM1_PWRBTN);
	outw(en, (uint16_t)(inw(en) | PM1_PWRBTN));
	kprintf("button: armed (PM1a_STS 0x%x, PM1a_EN 0x%x), %lu Hz\n", sts,
	    en, hz);

	cpu_set_handler(VEC_TIMER, button_tick);
	apic_timer_start((uint32_t)(APIC_TIMER_HZ / hz), 1);
	deadline = time_deadline(4000 / hz + 2000);
	__asm__ volatile("sti");
	while (button_ticks == 0 && !time_expired(deadline))
		cpu_pause();
	if (button_ticks == 0)
		test_fail("button: no timer interrupt");
	for (n = 1, seen = button_ticks;; n++) {
		kprintf("button %lu\n", n);
		if (inw(sts) & PM1_PWRBTN) {
			outw(sts, PM1_PWRBTN);
			kprintf("button: pressed, powering off\n");
			__asm__ volatile("cli");
			apic_timer_stop();
			scenario_poweroff();
		}
		/* The timer ticks, so hlt returns (see scenario-counter.c). */
		while (button_ticks == seen)
			__asm__ volatile("hlt" ::: "memory");
		seen = button_ticks;
	}
}
