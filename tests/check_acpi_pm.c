/* SPDX-License-Identifier: ISC */
/*
 * ACPI fixed hardware on a fake VM: S5 through PM1a_CNT powers off and no
 * other sleep type does, the power button raises the SCI only when
 * enabled and write-1-to-clear drops it, GPE0, and the PM timer runs at
 * 3.579545 MHz.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "vmm-dev.h"

#define PM1_STS		VMM_PM_BASE
#define PM1_EN		(VMM_PM_BASE + 2)
#define PWRBTN		0x0100
#define SLP_EN		0x2000

struct check_acpi_pm {
	struct vmm	*vmm;		/* fake VM */
	void		*dev;		/* the PM block */
};

static void	check_acpi_pm_setup(struct check_acpi_pm *);
static void	check_acpi_pm_teardown(struct check_acpi_pm *);
static uint64_t	check_acpi_pm_in(struct check_acpi_pm *, uint64_t, uint32_t);
static void	check_acpi_pm_out(struct check_acpi_pm *, uint64_t, uint32_t,
		    uint64_t);
static Suite	*check_acpi_pm_suite(void);

static void
check_acpi_pm_setup(struct check_acpi_pm *t)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 << 20;
	p.vp_ncpus = 1;
	p.vp_serial_out = p.vp_serial_in = -1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	ck_assert_int_eq(acpi_pm_devtype.dt_create(t->vmm, &p, &t->dev,
	    &cause), 0);
	ck_assert_ptr_nonnull(t->dev);
}

static void
check_acpi_pm_teardown(struct check_acpi_pm *t)
{
	acpi_pm_devtype.dt_free(t->dev);
	vmm_free(t->vmm);
}

static uint64_t
check_acpi_pm_in(struct check_acpi_pm *t, uint64_t port, uint32_t len)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = port;
	ia.ia_len = len;
	ia.ia_vcpu = -1;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
	return (ia.ia_data);
}

static void
check_acpi_pm_out(struct check_acpi_pm *t, uint64_t port, uint32_t len,
    uint64_t v)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = port;
	ia.ia_len = len;
	ia.ia_write = 1;
	ia.ia_data = v;
	ia.ia_vcpu = -1;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
}

START_TEST(acpi_pm_s5)
{
	struct check_acpi_pm	t;

	check_acpi_pm_setup(&t);
	/* Always in ACPI mode. */
	ck_assert_uint_eq(check_acpi_pm_in(&t, VMM_PM1A_CNT, 2) & 1, 1);
	check_acpi_pm_out(&t, VMM_PM1A_CNT, 2, (5 << 10) | SLP_EN);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_POWEROFF);
	check_acpi_pm_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_s5_byte)
{
	struct check_acpi_pm	t;

	check_acpi_pm_setup(&t);
	/* SLP_TYP and SLP_EN share the high byte: one outb does it. */
	check_acpi_pm_out(&t, VMM_PM1A_CNT + 1, 1, (5 << 2) | 0x20);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_POWEROFF);
	check_acpi_pm_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_other_sleep)
{
	struct check_acpi_pm	t;
	unsigned int		typ;

	check_acpi_pm_setup(&t);
	for (typ = 0; typ < 8; typ++) {
		if (typ == 5)
			continue;
		check_acpi_pm_out(&t, VMM_PM1A_CNT, 2, (typ << 10) | SLP_EN);
	}
	/* SLP_TYP 5 without SLP_EN is only a setting. */
	check_acpi_pm_out(&t, VMM_PM1A_CNT, 2, 5 << 10);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_NONE);
	/* SLP_EN reads as zero; SCI_EN cannot be cleared. */
	ck_assert_uint_eq(check_acpi_pm_in(&t, VMM_PM1A_CNT, 2),
	    (5 << 10) | 1);
	check_acpi_pm_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_power_button_sci)
{
	struct check_acpi_pm	t;

	check_acpi_pm_setup(&t);
	/* Not enabled: status set, no SCI. */
	acpi_pm_power_button(t.dev);
	ck_assert_uint_eq(check_acpi_pm_in(&t, PM1_STS, 2) & PWRBTN, PWRBTN);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 0);
	/* Enabling with the status pending raises it. */
	check_acpi_pm_out(&t, PM1_EN, 2, PWRBTN);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 1);
	/* Writing 0 to status changes nothing; 1 clears and drops SCI. */
	check_acpi_pm_out(&t, PM1_STS, 2, 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 1);
	check_acpi_pm_out(&t, PM1_STS, 2, PWRBTN);
	ck_assert_uint_eq(check_acpi_pm_in(&t, PM1_STS, 2) & PWRBTN, 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 0);
	/* Enabled: the button raises it at once. */
	acpi_pm_power_button(t.dev);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 1);
	ck_assert_uint_eq(check_acpi_pm_in(&t, PM1_EN, 2), PWRBTN);
	/* Disabling drops it though the status stays. */
	check_acpi_pm_out(&t, PM1_EN + 1, 1, 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 0);
	ck_assert_uint_eq(check_acpi_pm_in(&t, PM1_STS, 2) & PWRBTN, PWRBTN);
	/* A dword write covers status (W1C) and enable together. */
	check_acpi_pm_out(&t, PM1_STS, 4, (uint32_t)PWRBTN << 16 | PWRBTN);
	ck_assert_uint_eq(check_acpi_pm_in(&t, PM1_STS, 4),
	    (uint32_t)PWRBTN << 16);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 0);
	acpi_pm_power_button(NULL);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_NONE);
	check_acpi_pm_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_gpe0)
{
	struct check_acpi_pm	t;

	check_acpi_pm_setup(&t);
	check_acpi_pm_out(&t, VMM_GPE0_BASE + 2, 2, 0xffff);
	ck_assert_uint_eq(check_acpi_pm_in(&t, VMM_GPE0_BASE + 2, 2), 0xffff);
	ck_assert_uint_eq(check_acpi_pm_in(&t, VMM_GPE0_BASE, 2), 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, VMM_SCI_IRQ), 0);
	check_acpi_pm_out(&t, VMM_GPE0_BASE, 4, 0xffffffff);
	check_acpi_pm_in(&t, VMM_GPE0_BASE + 3, 4);
	check_acpi_pm_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_timer)
{
	struct check_acpi_pm	t;
	struct timespec		ts = { 0, 20 * 1000 * 1000 };
	uint32_t		a, b, d;

	check_acpi_pm_setup(&t);
	a = (uint32_t)check_acpi_pm_in(&t, VMM_PM_TMR, 4);
	nanosleep(&ts, NULL);
	b = (uint32_t)check_acpi_pm_in(&t, VMM_PM_TMR, 4);
	ck_assert_uint_le(a, 0xffffff);
	ck_assert_uint_le(b, 0xffffff);
	d = (b - a) & 0xffffff;
	/* 20 ms is 71591 ticks; allow a slow, loaded machine. */
	ck_assert_uint_ge(d, 71591);
	ck_assert_uint_lt(d, 71591 * 50);
	/* Read-only. */
	check_acpi_pm_out(&t, VMM_PM_TMR, 4, 0);
	ck_assert_uint_ne(check_acpi_pm_in(&t, VMM_PM_TMR, 4), 0);
	acpi_pm_devtype.dt_reset(t.dev);
	ck_assert_uint_eq(check_acpi_pm_in(&t, PM1_EN, 2), 0);
	check_acpi_pm_teardown(&t);
}
END_TEST

static Suite *
check_acpi_pm_suite(void)
{
	Suite	*s = suite_create("acpi-pm");
	TCase	*tc;

	tc = tcase_create("sleep");
	tcase_add_test(tc, acpi_pm_s5);
	tcase_add_test(tc, acpi_pm_s5_byte);
	tcase_add_test(tc, acpi_pm_other_sleep);
	suite_add_tcase(s, tc);
	tc = tcase_create("events");
	tcase_add_test(tc, acpi_pm_power_button_sci);
	tcase_add_test(tc, acpi_pm_gpe0);
	suite_add_tcase(s, tc);
	tc = tcase_create("timer");
	tcase_add_test(tc, acpi_pm_timer);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_acpi_pm_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
