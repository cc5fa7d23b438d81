/* SPDX-License-Identifier: ISC */
/*
 * hello: the smallest scenario, also the cold-start benchmark: a greeting
 * and the command line, then PASS.
 */
#include "guest.h"

void
scenario_hello(void)
{
	kprintf("Hello from the Vireo test guest\n");
	kprintf("cmdline: %s\n", boot_info.bi_cmdline);
	test_pass();
}
