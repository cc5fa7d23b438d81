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

#include "vmm-dev.h"

#define DATA	0x60
#define CMD	0x64
#define OBF	0x01

struct check_i8042 {
	struct vmm	*vmm;		/* fake VM */
	void		*dev;		/* the controller */
};

static void	check_i8042_setup(struct check_i8042 *);
static void	check_i8042_teardown(struct check_i8042 *);
static uint8_t	check_i8042_in(struct check_i8042 *, unsigned int);
static void	check_i8042_out(struct check_i8042 *, unsigned int, uint8_t);
static int	check_i8042_read(struct check_i8042 *);
static Suite	*check_i8042_suite(void);

static void
check_i8042_setup(struct check_i8042 *t)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 << 20;
	p.vp_ncpus = 1;
	p.vp_serial_out = p.vp_serial_in = -1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	ck_assert_int_eq(i8042_devtype.dt_create(t->vmm, &p, &t->dev,
	    &cause), 0);
	ck_assert_ptr_nonnull(t->dev);
}

static void
check_i8042_teardown(struct check_i8042 *t)
{
	i8042_devtype.dt_free(t->dev);
	vmm_free(t->vmm);
}

static uint8_t
check_i8042_in(struct check_i8042 *t, unsigned int port)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = port;
	ia.ia_len = 1;
	ia.ia_vcpu = -1;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
	return ((uint8_t)ia.ia_data);
}

static void
check_i8042_out(struct check_i8042 *t, unsigned int port, uint8_t v)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = port;
	ia.ia_len = 1;
	ia.ia_write = 1;
	ia.ia_data = v;
	ia.ia_vcpu = -1;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
}

/* The next byte from the output buffer, or -1 if it is empty. */
static int
check_i8042_read(struct check_i8042 *t)
{
	if (!(check_i8042_in(t, CMD) & OBF))
		return (-1);
	return (check_i8042_in(t, DATA));
}

START_TEST(i8042_self_test)
{
	struct check_i8042	t;

	check_i8042_setup(&t);
	ck_assert_int_eq(check_i8042_read(&t), -1);
	check_i8042_out(&t, CMD, 0xaa);
	ck_assert_uint_eq(check_i8042_in(&t, CMD) & 0x08, 0x08);
	ck_assert_int_eq(check_i8042_read(&t), 0x55);
	ck_assert_int_eq(check_i8042_read(&t), -1);
	check_i8042_out(&t, CMD, 0xab);
	ck_assert_int_eq(check_i8042_read(&t), 0x00);
	/* No AUX port. */
	check_i8042_out(&t, CMD, 0xa9);
	ck_assert_int_ne(check_i8042_read(&t), 0x00);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_NONE);
	check_i8042_teardown(&t);
}
END_TEST

START_TEST(i8042_command_byte)
{
	struct check_i8042	t;
	int			ctr;

	check_i8042_setup(&t);
	check_i8042_out(&t, CMD, 0x20);
	ctr = check_i8042_read(&t);
	ck_assert_int_ge(ctr, 0);
	ck_assert_uint_eq(ctr & 0x04, 0x04);		/* SYS */
	ck_assert_uint_eq(check_i8042_in(&t, CMD) & 0x04, 0x04);
	check_i8042_out(&t, CMD, 0x60);
	check_i8042_out(&t, DATA, 0x45);
	ck_assert_uint_eq(check_i8042_in(&t, CMD) & 0x08, 0);
	check_i8042_out(&t, CMD, 0x20);
	ck_assert_int_eq(check_i8042_read(&t), 0x45);
	check_i8042_out(&t, CMD, 0xad);
	check_i8042_out(&t, CMD, 0x20);
	ck_assert_int_eq(check_i8042_read(&t), 0x55);
	check_i8042_out(&t, CMD, 0xae);
	check_i8042_out(&t, CMD, 0x20);
	ck_assert_int_eq(check_i8042_read(&t), 0x45);
	check_i8042_teardown(&t);
}
END_TEST

START_TEST(i8042_keyboard)
{
	struct check_i8042	t;
	unsigned int		edges;

	check_i8042_setup(&t);
	edges = vmm_fake_irq_edges(t.vmm, 1);
	check_i8042_out(&t, DATA, 0xff);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, 1), 1);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	/* A new edge for the second byte. */
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, 1), 1);
	ck_assert_uint_eq(vmm_fake_irq_edges(t.vmm, 1), edges + 2);
	ck_assert_int_eq(check_i8042_read(&t), 0xaa);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, 1), 0);
	/* Identify: translated MF2 keyboard. */
	check_i8042_out(&t, DATA, 0xf2);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	ck_assert_int_eq(check_i8042_read(&t), 0xab);
	ck_assert_int_eq(check_i8042_read(&t), 0x41);
	ck_assert_int_eq(check_i8042_read(&t), -1);
	/* LEDs take a parameter, each byte acked. */
	check_i8042_out(&t, DATA, 0xed);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	check_i8042_out(&t, DATA, 0x07);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	check_i8042_out(&t, DATA, 0xee);
	ck_assert_int_eq(check_i8042_read(&t), 0xee);
	/* With KBDINT off there is no IRQ. */
	check_i8042_out(&t, CMD, 0x60);
	check_i8042_out(&t, DATA, 0x44);
	check_i8042_out(&t, DATA, 0xf4);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, 1), 0);
	ck_assert_int_eq(check_i8042_read(&t), 0xfa);
	check_i8042_teardown(&t);
}
END_TEST

START_TEST(i8042_reset_pulse)
{
	struct check_i8042	t;

	check_i8042_setup(&t);
	/* 0xff pulses nothing. */
	check_i8042_out(&t, CMD, 0xff);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_NONE);
	check_i8042_out(&t, CMD, 0xfe);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_RESET);
	check_i8042_teardown(&t);
}
END_TEST

START_TEST(i8042_reset_outport)
{
	struct check_i8042	t;

	check_i8042_setup(&t);
	check_i8042_out(&t, CMD, 0xd0);
	ck_assert_int_eq(check_i8042_read(&t) & 0x01, 0x01);
	check_i8042_out(&t, CMD, 0xd1);
	check_i8042_out(&t, DATA, 0x03);	/* A20 on, no reset */
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_NONE);
	check_i8042_out(&t, CMD, 0xd1);
	check_i8042_out(&t, DATA, 0x02);
	ck_assert_int_eq(vmm_fake_exit(t.vmm, NULL), VMM_EXIT_RESET);
	check_i8042_teardown(&t);
}
END_TEST

START_TEST(i8042_garbage)
{
	struct check_i8042	t;
	struct iotrap_access	ia;
	unsigned int		i;

	check_i8042_setup(&t);
	/* Every command and data byte, and a wide access: no crash. */
	for (i = 0; i < 0xf0; i++) {
		check_i8042_out(&t, CMD, (uint8_t)i);
		check_i8042_out(&t, DATA, (uint8_t)i);
		check_i8042_in(&t, DATA);
	}
	memset(&ia, 0, sizeof ia);
	ia.ia_addr = DATA;
	ia.ia_len = 4;
	ck_assert_int_eq(iotrap_dispatch(t.vmm, IOTRAP_PIO, &ia), 0);
	i8042_devtype.dt_reset(t.dev);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, 1), 0);
	check_i8042_teardown(&t);
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
