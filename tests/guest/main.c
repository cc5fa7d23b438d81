/* SPDX-License-Identifier: ISC */
/*
 * The scenario table: "test=<name>" on the command line picks one.  An
 * unknown or missing name prints the list and FAILs.
 */
#include "guest.h"

struct scenario {
	const char	*s_name;
	void		(*s_run)(void);
	const char	*s_help;
};

static const struct scenario main_scenarios[] = {
	{ "hello", scenario_hello, "print a greeting and the command line" },
	{ "pio", scenario_pio, "count=N port=P: N port writes (exit cost)" },
	{ "memtest", scenario_memtest, "pattern test of all RAM in ring 3" },
	{ "smp", scenario_smp, "start every AP from the MADT" },
	{ "timer", scenario_timer, "ticks=N hz=H: LAPIC periodic timer" },
	{ "irq", scenario_irq, "ticks=N: PIT via IOAPIC and 8259A, a level IRQ" },
	{ "rtc", scenario_rtc, "read and check the CMOS clock" },
	{ "poweroff", scenario_poweroff, "ACPI S5 (exit status 0)" },
	{ "reset", scenario_reset, "i8042 0xFE (exit status 4)" },
	{ "pciscan", scenario_pciscan, "ecam=A: list PCI bus 0 (mechanism 1, ECAM)" },
	{ "counter", scenario_counter,
	    "hz=H size=MiB count=N: tick counter and RAM checksum" },
	{ "virtio-blk", scenario_virtio_blk,
	    "mode=M seed=N ro=1 ...: virtio-blk whole-disk pattern" },
	{ "virtio-net", scenario_virtio_net,
	    "ip=A peer=A proto=icmp|udp: virtio-net ARP and echo" },
	{ "virtio-rng", scenario_virtio_rng, "two virtio-rng reads" },
	{ "diskmark", scenario_diskmark,
	  "sector=S mark=M then=M2 wait=MS: a marker on the disk" },
	{ "button", scenario_button, "hz=H: tick until the ACPI power button" },
};

static int	main_streq(const char *, const char *);

/* One pass, no strlen(): ring 0 is emulated on PVM hosts. */
static int
main_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (*a == *b);
}

void
main_run(void)
{
	static char name[32];
	size_t i;

	if (cmdline_test(name, sizeof(name)) != NULL) {
		for (i = 0; i < nitems(main_scenarios); i++) {
			if (main_streq(name, main_scenarios[i].s_name)) {
				test_name = main_scenarios[i].s_name;
				main_scenarios[i].s_run();
				test_fail("scenario returned");
			}
		}
		test_name = name;
	}
	kprintf("usage: test=<name> [key=value ...]; scenarios:\n");
	for (i = 0; i < nitems(main_scenarios); i++)
		kprintf("  %-10s %s\n", main_scenarios[i].s_name,
		    main_scenarios[i].s_help);
	test_fail("%s", name[0] == '\0' ? "no test= on the command line" :
	    "unknown scenario");
}
