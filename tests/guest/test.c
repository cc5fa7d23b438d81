/* SPDX-License-Identifier: ISC */
/*
 * The verdict and the exit protocol shared with vmx and the test scripts:
 * a line "TEST <name> PASS" or "TEST <name> FAIL: <reason>" on COM1, then
 * 0 or 1 written to the debug-exit port 0xf4 (exit status 1 or 3).  If no
 * debug-exit device stops the machine, a triple fault does, so a test
 * never hangs and never looks like a clean poweroff.
 */
#include "guest.h"

#define DEBUG_EXIT_PORT	0xf4

const char	*test_name = "none";

void
test_exit(uint32_t code)
{
	struct {
		uint16_t	limit;
		uint64_t	base;
	} __attribute__((packed)) noidt = { 0, 0 };

	outl(DEBUG_EXIT_PORT, code);
	kprintf("test: the debug-exit port 0x%x did not stop the machine; "
	    "triple fault\n", DEBUG_EXIT_PORT);
	__asm__ volatile("cli; lidt %0; ud2" : : "m"(noidt));
	for (;;)
		;
}

void
test_pass(void)
{
	kprintf("TEST %s PASS\n", test_name);
	test_exit(0);
}

void
test_fail(const char *fmt, ...)
{
	va_list ap;

	kprintf("TEST %s FAIL: ", test_name);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	test_exit(1);
}
