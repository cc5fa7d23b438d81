/* SPDX-License-Identifier: ISC */
/*
 * poweroff and reset: the two scenarios that end without the debug-exit
 * port.  poweroff enters ACPI S5 through the FADT: SLEEP_CONTROL_REG on
 * hardware-reduced platforms (QEMU microvm), else PM1a_CNT (vmx, PC
 * chipsets), with SLP_TYP from \_S5_ in the DSDT (5 if there is none).
 * reset pulses the CPU reset line through the i8042 (0xFE to port 0x64),
 * or through port 0xCF9 with via=cf9.  Either FAILs if the machine is
 * still running two seconds later.
 */
#include "guest.h"

#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_FLAGS		112
#define FADT_X_PM1A_CNT		172
#define FADT_SLEEP_CONTROL	244
#define FADT_HW_REDUCED		(1U << 20)
#define PM1_SCI_EN		0x0001
#define PM1_SLP_EN		0x2000
#define SLEEP_SLP_EN		0x20

/* An ACPI generic address structure. */
struct acpi_gas {
	uint8_t		g_space;	/* 0 memory, 1 I/O */
	uint8_t		g_width;
	uint8_t		g_offset;
	uint8_t		g_access;
	uint64_t	g_addr;
} __attribute__((packed));

static void	power_wait(const char *) __attribute__((noreturn));
static void	power_acpi_enable(const uint8_t *, uint16_t);

static void
power_wait(const char *what)
{
	uint64_t deadline = time_deadline(2000);

	while (!time_expired(deadline))
		cpu_pause();
	test_fail("%s: still running 2 s later", what);
}

/* Legacy ACPI: make sure SCI_EN is set, as an OS would. */
static void
power_acpi_enable(const uint8_t *fadt, uint16_t pm1a)
{
	uint32_t smi = *(const uint32_t *)(fadt + FADT_SMI_CMD);
	uint8_t enable = fadt[FADT_ACPI_ENABLE];
	uint64_t deadline;

	if (smi == 0 || enable == 0 || (inw(pm1a) & PM1_SCI_EN))
		return;
	outb((uint16_t)smi, enable);
	deadline = time_deadline(1000);
	while (!(inw(pm1a) & PM1_SCI_EN) && !time_expired(deadline))
		cpu_pause();
}

void
scenario_poweroff(void)
{
	const struct acpi_sdt *fadt;
	const struct acpi_gas *g;
	const uint8_t *f;
	uint32_t flags;
	uint16_t pm1a, pm1b;
	int s5;

	time_init();
	if ((fadt = acpi_table("FACP")) == NULL)
		test_fail("poweroff: no FADT (no ACPI tables; QEMU microvm "
		    "needs acpi=on)");
	f = (const uint8_t *)fadt;
	flags = *(const uint32_t *)(f + FADT_FLAGS);
	if ((s5 = acpi_s5_type(acpi_table("DSDT"))) == -1) {
		kprintf("poweroff: no \\_S5_ in the DSDT, using 5\n");
		s5 = 5;
	}
	if ((flags & FADT_HW_REDUCED) &&
	    fadt->s_len >= FADT_SLEEP_CONTROL + sizeof(*g)) {
		g = (const struct acpi_gas *)(f + FADT_SLEEP_CONTROL);
		kprintf("poweroff: via SLEEP_CONTROL_REG (%s 0x%lx), "
		    "SLP_TYP %d\n", g->g_space == 1 ? "port" : "memory",
		    g->g_addr, s5);
		if (g->g_space == 1)
			outb((uint16_t)g->g_addr, (uint8_t)((s5 << 2) |
			    SLEEP_SLP_EN));
		else
			*(volatile uint8_t *)g->g_addr = (uint8_t)((s5 << 2) |
			    SLEEP_SLP_EN);
		power_wait("poweroff");
	}
	pm1a = (uint16_t)*(const uint32_t *)(f + FADT_PM1A_CNT);
	pm1b = (uint16_t)*(const uint32_t *)(f + FADT_PM1B_CNT);
	g = (const struct acpi_gas *)(f + FADT_X_PM1A_CNT);
	if (fadt->s_len >= FADT_X_PM1A_CNT + sizeof(*g) && g->g_space == 1 &&
	    g->g_addr != 0)
		pm1a = (uint16_t)g->g_addr;
	if (pm1a == 0)
		test_fail("poweroff: the FADT has neither SLEEP_CONTROL_REG "
		    "nor PM1a_CNT");
	power_acpi_enable(f, pm1a);
	kprintf("poweroff: via PM1a_CNT (port 0x%x), SLP_TYP %d\n", pm1a,
	    s5);
	outw(pm1a, (uint16_t)((s5 << 10) | PM1_SLP_EN));
	if (pm1b != 0)
		outw(pm1b, (uint16_t)((s5 << 10) | PM1_SLP_EN));
	power_wait("poweroff");
}

void
scenario_reset(void)
{
	char via[8];
	uint64_t deadline;

	time_init();
	if (cmdline_get("via", via, sizeof(via)) == 0 &&
	    memcmp(via, "cf9", 4) == 0) {
		kprintf("reset: via port 0xcf9\n");
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);	/* bit 2 rising: hard reset */
		power_wait("reset");
	}
	if (inb(0x64) == 0xff)
		test_fail("reset: no i8042 (port 0x64 reads 0xff; QEMU "
		    "microvm has none, try via=cf9 on a PC)");
	/* Wait for the controller's input buffer to drain. */
	deadline = time_deadline(500);
	while ((inb(0x64) & 0x02) && !time_expired(deadline))
		cpu_pause();
	kprintf("reset: via i8042 0xFE\n");
	outb(0x64, 0xfe);
	power_wait("reset");
}
