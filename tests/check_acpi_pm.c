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

#include "devtest.h"

#define PM1_STS		VMM_PM_BASE
#define PM1_EN		(VMM_PM_BASE + 2)
#define PWRBTN		0x0100
#define SLP_EN		0x2000

static Suite	*check_acpi_pm_suite(void);

START_TEST(acpi_pm_s5)
{
	struct devtest		t;

	devtest_setup(&t, &acpi_pm_devtype);
	/* Always in ACPI mode. */
	ck_assert_uint_eq(devtest_in(&t, VMM_PM1A_CNT, 2) & 1, 1);
	devtest_out(&t, VMM_PM1A_CNT, 2, (5 << 10) | SLP_EN);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_POWEROFF);
	devtest_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_s5_byte)
{
	struct devtest		t;

	devtest_setup(&t, &acpi_pm_devtype);
	/* SLP_TYP and SLP_EN share the high byte: one outb does it. */
	devtest_out(&t, VMM_PM1A_CNT + 1, 1, (5 << 2) | 0x20);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_POWEROFF);
	devtest_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_other_sleep)
{
	struct devtest		t;
	unsigned int		typ;

	devtest_setup(&t, &acpi_pm_devtype);
	for (typ = 0; typ < 8; typ++) {
		if (typ == 5)
			continue;
		devtest_out(&t, VMM_PM1A_CNT, 2, (typ << 10) | SLP_EN);
	}
	/* SLP_TYP 5 without SLP_EN is only a setting. */
	devtest_out(&t, VMM_PM1A_CNT, 2, 5 << 10);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	/* SLP_EN reads as zero; SCI_EN cannot be cleared. */
	ck_assert_uint_eq(devtest_in(&t, VMM_PM1A_CNT, 2),
	    (5 << 10) | 1);
	devtest_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_power_button_sci)
{
	struct devtest		t;

	devtest_setup(&t, &acpi_pm_devtype);
	/* Not enabled: status set, no SCI. */
	acpi_pm_power_button(t.dv_dev);
	ck_assert_uint_eq(devtest_in(&t, PM1_STS, 2) & PWRBTN, PWRBTN);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 0);
	/* Enabling with the status pending raises it. */
	devtest_out(&t, PM1_EN, 2, PWRBTN);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 1);
	/* Writing 0 to status changes nothing; 1 clears and drops SCI. */
	devtest_out(&t, PM1_STS, 2, 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 1);
	devtest_out(&t, PM1_STS, 2, PWRBTN);
	ck_assert_uint_eq(devtest_in(&t, PM1_STS, 2) & PWRBTN, 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 0);
	/* Enabled: the button raises it at once. */
	acpi_pm_power_button(t.dv_dev);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 1);
	ck_assert_uint_eq(devtest_in(&t, PM1_EN, 2), PWRBTN);
	/* Disabling drops it though the status stays. */
	devtest_out(&t, PM1_EN + 1, 1, 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 0);
	ck_assert_uint_eq(devtest_in(&t, PM1_STS, 2) & PWRBTN, PWRBTN);
	/* A dword write covers status (W1C) and enable together. */
	devtest_out(&t, PM1_STS, 4, (uint32_t)PWRBTN << 16 | PWRBTN);
	ck_assert_uint_eq(devtest_in(&t, PM1_STS, 4),
	    (uint32_t)PWRBTN << 16);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 0);
	acpi_pm_power_button(NULL);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	devtest_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_gpe0)
{
	struct devtest		t;

	devtest_setup(&t, &acpi_pm_devtype);
	devtest_out(&t, VMM_GPE0_BASE + 2, 2, 0xffff);
	ck_assert_uint_eq(devtest_in(&t, VMM_GPE0_BASE + 2, 2), 0xffff);
	ck_assert_uint_eq(devtest_in(&t, VMM_GPE0_BASE, 2), 0);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, VMM_SCI_IRQ), 0);
	devtest_out(&t, VMM_GPE0_BASE, 4, 0xffffffff);
	devtest_in(&t, VMM_GPE0_BASE + 3, 4);
	devtest_teardown(&t);
}
END_TEST

START_TEST(acpi_pm_timer)
{
	struct devtest		t;
	struct timespec		ts = { 0, 20 * 1000 * 1000 };
	uint32_t		a, b, d;

	devtest_setup(&t, &acpi_pm_devtype);
	a = (uint32_t)devtest_in(&t, VMM_PM_TMR, 4);
	nanosleep(&ts, NULL);
	b = (uint32_t)devtest_in(&t, VMM_PM_TMR, 4);
	ck_assert_uint_le(a, 0xffffff);
	ck_assert_uint_le(b, 0xffffff);
	d = (b - a) & 0xffffff;
	/* 20 ms is 71591 ticks; allow a slow, loaded machine. */
	ck_assert_uint_ge(d, 71591);
	ck_assert_uint_lt(d, 71591 * 50);
	/* Read-only. */
	devtest_out(&t, VMM_PM_TMR, 4, 0);
	ck_assert_uint_ne(devtest_in(&t, VMM_PM_TMR, 4), 0);
	acpi_pm_devtype.dt_reset(t.dv_dev);
	ck_assert_uint_eq(devtest_in(&t, PM1_EN, 2), 0);
	devtest_teardown(&t);
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
