/* SPDX-License-Identifier: ISC */
/*
 * pio: count=N (default 100000) byte writes to an I/O port nobody
 * emulates, for the exit benchmark (bench/vmx-vs-qemu.sh subtracts a
 * count=0 run).  The default port is 0x80: KVM has no in-kernel device
 * there (only the PIC, PIT, speaker port 0x61 and ELCR), QEMU microvm maps
 * nothing there, and vmx has no device there, so every write is a full
 * exit to the VMM and back.  port=P picks another.  The loop runs in ring
 * 0: PVM raises #GP for port I/O in ring 3 whatever the IOPL.
 */
#include "guest.h"

static uint16_t	pio_port;

static uint64_t	pio_loop(uint64_t);

/* Tight on purpose: one out and one dec+jnz an iteration. */
static uint64_t
pio_loop(uint64_t count)
{
	uint64_t t0;

	t0 = rdtsc();
	if (count > 0) {
		__asm__ volatile("1: outb %%al, %%dx; dec %%rcx; jnz 1b"
		    : "+c"(count) : "a"(0), "d"(pio_port) : "memory");
	}
	return (rdtsc() - t0);
}

void
scenario_pio(void)
{
	uint64_t count, cycles;

	count = cmdline_u64("count", 100000);
	pio_port = (uint16_t)cmdline_u64("port", 0x80);
	cycles = pio_loop(count);
	kprintf("pio: %lu writes to port 0x%x, %lu TSC cycles each\n",
	    count, pio_port, count > 0 ? cycles / count : 0);
	test_pass();
}
