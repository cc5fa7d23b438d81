/* SPDX-License-Identifier: ISC */
/*
 * The i8042 on a fake VM: the controller commands Linux's probe sends
 * (self-test, command byte, interface test), keyboard reset and identify
 * with IRQ 1, and the two ways to reset the machine (0xfe and the output
 * port).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "devtest.h"

#define DATA	0x60
#define CMD	0x64
#define OBF	0x01

static int	check_i8042_read(struct devtest *);
static Suite	*check_i8042_suite(void);

/* The next byte from the output buffer, or -1 if it is empty. */
static int
check_i8042_read(struct devtest *t)
{
	if (!(devtest_in(t, CMD, 1) & OBF))
		return (-1);
	return ((uint8_t)devtest_in(t, DATA, 1));
}

START_TEST(i8042_self_test)
{
	struct devtest		t;

	devtest_setup(&t, &i8042_devtype);
	ck_assert_int_eq(check_i8042_read(&t), -1);
	devtest_out(&t, CMD, 1, 0xaa);
	ck_assert_uint_eq(devtest_in(&t, CMD, 1) & 0x08, 0x08);
	ck_assert_int_eq(check_i8042_read(&t), 0x55);
	ck_assert_int_eq(check_i8042_read(&t), -1);
	devtest_out(&t, CMD, 1, 0xab);
	ck_assert_int_eq(check_i8042_read(&t), 0x00);
	/* No AUX port. */
	devtest_out(&t, CMD, 1, 0xa9);
	ck_assert_int_ne(check_i8042_read(&t), 0x00);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8042_command_byte)
{
	struct devtest		t;
	int			ctr;

	devtest_setup(&t, &i8042_devtype);
	devtest_out(&t, CMD, 1, 0x20);
	ctr = check_i8042_read(&t);
	ck_assert_int_ge(ctr, 0);
	ck_assert_uint_eq(ctr & 0x04, 0x04);		/* SYS */
	ck_assert_uint_eq(devtest_in(&t, CMD, 1) & 0x04, 0x04);
	devtest_out(&t, CMD, 1, 0x60);
	devtest_out(&t, DATA, 1, 0x45);
	ck_assert_uint_eq(devtest_in(&t, CMD, 1) & 0x08, 0);
	devtest_out(&t, CMD, 1, 0x20);
	ck_assert_int_eq(check_i8042_read(&t), 0x45);
	devtest_out(&t, CMD, 1, 0xad);
	devtest_out(&t, CMD, 1, 0x20);
	ck_assert_int_eq(check_i8042_read(&t), 0x55);
	devtest_out(&t, CMD, 1, 0xae);
	devtest_out(&t, CMD, 1, 0x20);
	ck_assert_int_eq(check_i8042_read(&t), 0x45);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8042_keyboard)
{
	struct devtest		t;
	unsigned int		edges;

	devtest_setup(&t, &i8042_devtype);
	edges = vmm_fake_irq_edges(t.dv_vmm, 1);
	devtest_out(&t, DATA, 1, 0xff);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, 1), 1);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	/* A new edge for the second byte. */
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, 1), 1);
	ck_assert_uint_eq(vmm_fake_irq_edges(t.dv_vmm, 1), edges + 2);
	ck_assert_int_eq(check_i8042_read(&t), 0xaa);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, 1), 0);
	/* Identify: translated MF2 keyboard. */
	devtest_out(&t, DATA, 1, 0xf2);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	ck_assert_int_eq(check_i8042_read(&t), 0xab);
	ck_assert_int_eq(check_i8042_read(&t), 0x41);
	ck_assert_int_eq(check_i8042_read(&t), -1);
	/* LEDs take a parameter, each byte acked. */
	devtest_out(&t, DATA, 1, 0xed);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	devtest_out(&t, DATA, 1, 0x07);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	devtest_out(&t, DATA, 1, 0xee);
	ck_assert_int_eq(check_i8042_read(&t), 0xee);
	/* With KBDINT off there is no IRQ. */
	devtest_out(&t, CMD, 1, 0x60);
	devtest_out(&t, DATA, 1, 0x44);
	devtest_out(&t, DATA, 1, 0xf4);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, 1), 0);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8042_reset_pulse)
{
	struct devtest		t;

	devtest_setup(&t, &i8042_devtype);
	/* 0xff pulses nothing. */
	devtest_out(&t, CMD, 1, 0xff);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	devtest_out(&t, CMD, 1, 0xfe);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_RESET);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8042_reset_outport)
{
	struct devtest		t;

	devtest_setup(&t, &i8042_devtype);
	devtest_out(&t, CMD, 1, 0xd0);
	ck_assert_int_eq(check_i8042_read(&t) & 0x01, 0x01);
	devtest_out(&t, CMD, 1, 0xd1);
	devtest_out(&t, DATA, 1, 0x03);	/* A20 on, no reset */
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	devtest_out(&t, CMD, 1, 0xd1);
	devtest_out(&t, DATA, 1, 0x02);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_RESET);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8042_garbage)
{
	struct devtest		t;
	unsigned int		i;

	devtest_setup(&t, &i8042_devtype);
	/* Every command and data byte, and a wide access: no crash. */
	for (i = 0; i < 0xf0; i++) {
		devtest_out(&t, CMD, 1, (uint8_t)i);
		devtest_out(&t, DATA, 1, (uint8_t)i);
		devtest_in(&t, DATA, 1);
	}
	devtest_in(&t, DATA, 4);
	i8042_devtype.dt_reset(t.dv_dev);
	ck_assert_int_eq(vmm_fake_irq_level(t.dv_vmm, 1), 0);
	devtest_teardown(&t);
}
END_TEST

static Suite *
check_i8042_suite(void)
{
	Suite	*s = suite_create("i8042");
	TCase	*tc;

	tc = tcase_create("controller");
	tcase_add_test(tc, i8042_self_test);
	tcase_add_test(tc, i8042_command_byte);
	tcase_add_test(tc, i8042_garbage);
	suite_add_tcase(s, tc);
	tc = tcase_create("keyboard");
	tcase_add_test(tc, i8042_keyboard);
	suite_add_tcase(s, tc);
	tc = tcase_create("reset");
	tcase_add_test(tc, i8042_reset_pulse);
	tcase_add_test(tc, i8042_reset_outport);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_i8042_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
