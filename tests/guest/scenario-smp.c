/* SPDX-License-Identifier: ISC */
/*
 * smp: start every CPU of the MADT and check that all of them came up.
 */
#include "guest.h"

void
scenario_smp(void)
{
	uint64_t ms;
	int n, up;

	if ((up = smp_start(&n, &ms)) == -1)
		test_fail("smp: no MADT (ACPI tables missing; QEMU microvm "
		    "needs acpi=on)");
	kprintf("smp: %d of %d CPUs up in %lu ms\n", up, n, ms);
	if (up != n)
		test_fail("smp: only %d of %d CPUs came up", up, n);
	test_pass();
}
