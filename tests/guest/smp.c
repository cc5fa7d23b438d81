/* SPDX-License-Identifier: ISC */
/*
 * Starting the application processors listed in the ACPI MADT with
 * INIT-SIPI-SIPI, one at a time: the trampoline (trampoline.S) is copied
 * below 1 MiB and each AP picks up its own stack from it, so the next AP
 * is only started once the previous one has checked in.  An AP loads the
 * shared IDT, counts itself and parks in a pause loop (no hlt: nothing
 * would wake it, and the machine ends by the BSP's exit anyway).
 */
#include "guest.h"

#define SMP_MAX_CPUS	32
#define AP_STACK_SIZE	4096
#define ICR_INIT	0x00004500	/* INIT, level assert */
#define ICR_SIPI	0x00004600	/* start-up, vector = page number */
#define SMP_AP_WAIT_MS	3000		/* emulated real mode is slow */

static uint8_t	smp_stacks[SMP_MAX_CPUS][AP_STACK_SIZE]
		    __attribute__((aligned(16)));
static volatile int smp_up;

static int	smp_start_ap(uint32_t, int);
static void	*smp_tramp(const char *);

/* Where a trampoline symbol lives once copied to TRAMP_BASE. */
static void *
smp_tramp(const char *sym)
{
	return ((void *)(uint64_t)(TRAMP_BASE + (sym - tramp_start)));
}

/* Start one AP; 0 once it has checked in, -1 on timeout. */
static int
smp_start_ap(uint32_t apicid, int slot)
{
	uint64_t deadline;
	int before = smp_up, sipi;

	*(uint64_t *)smp_tramp(tramp_stack) =
	    (uint64_t)(smp_stacks[slot] + AP_STACK_SIZE);
	if (apic_ipi(apicid, ICR_INIT) == -1)
		return (-1);
	time_delay_us(10000);
	for (sipi = 0; sipi < 2; sipi++) {
		if (apic_ipi(apicid, ICR_SIPI | (TRAMP_BASE >> 12)) == -1)
			return (-1);
		deadline = time_deadline(sipi == 0 ? 1 : SMP_AP_WAIT_MS);
		while (!time_expired(deadline)) {
			if (smp_up != before)
				return (0);
			cpu_pause();
		}
	}
	return (-1);
}

/*
 * Start every enabled CPU in the MADT but this one.  *ncpus gets the
 * number listed, *ms the time taken; returns the number running (this one
 * included), or -1 without a MADT.
 */
int
smp_start(int *ncpus, uint64_t *ms)
{
	const struct acpi_sdt *madt;
	const uint8_t *p, *end;
	uint64_t t0;
	uint32_t bsp, id, flags;
	int slot = 0;

	if ((madt = acpi_table("APIC")) == NULL)
		return (-1);
	apic_init();
	time_init();
	bsp = apic_id();
	memcpy((void *)TRAMP_BASE, tramp_start, tramp_end - tramp_start);
	*(uint16_t *)smp_tramp(tramp_gdtr) = 8 * 8 - 1;
	*(uint32_t *)smp_tramp(tramp_gdtr + 2) = (uint32_t)(uint64_t)gdt;
	*(uint32_t *)smp_tramp(tramp_cr3) = (uint32_t)(uint64_t)boot_pml4;
	smp_up = 1;
	*ncpus = 0;
	t0 = rdtsc();
	p = (const uint8_t *)madt + sizeof(*madt) + 8;
	end = (const uint8_t *)madt + madt->s_len;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == 0 && p[1] >= 8) {		/* processor LAPIC */
			id = p[3];
			flags = *(const uint32_t *)(p + 4);
		} else if (p[0] == 9 && p[1] >= 16) {	/* x2APIC */
			id = *(const uint32_t *)(p + 4);
			flags = *(const uint32_t *)(p + 8);
		} else
			continue;
		if (!(flags & 1))
			continue;
		(*ncpus)++;
		if (id == bsp)
			continue;
		if (id > 255 || slot == SMP_MAX_CPUS) {
			kprintf("smp: cannot start APIC id %u\n", id);
			continue;
		}
		if (smp_start_ap(id, slot++) == -1)
			kprintf("smp: APIC id %u did not come up\n", id);
		else
			kprintf("smp: APIC id %u up\n", id);
	}
	*ms = time_ms(rdtsc() - t0);
	return (smp_up);
}

void
smp_ap_main(void)
{
	cpu_load_idt();
	__atomic_add_fetch(&smp_up, 1, __ATOMIC_SEQ_CST);
	for (;;)
		cpu_pause();
}
