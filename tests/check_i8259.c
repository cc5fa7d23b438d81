/* SPDX-License-Identifier: ISC */
/*
 * The 8259A pair on a fake VM: what a guest's driver sees through ports
 * 0x20/0x21, 0xa0/0xa1 and the ELCR (initialisation, IRR/ISR/IMR reads,
 * EOIs, priorities, poll, auto-EOI, level-sensitive pins), and what the
 * CPU sees: the INTR output (the fake VM's ExtINT recorder) and the
 * vector of each interrupt acknowledge (irq_inta).
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "devtest.h"
#include "snapshot.h"

#define M_CMD	0x20
#define M_DATA	0x21
#define S_CMD	0xa0
#define S_DATA	0xa1
#define ELCR0	0x4d0
#define ELCR1	0x4d1

static void	check_i8259_init(struct devtest *, uint8_t);
static int	check_i8259_intr(struct devtest *);
static uint8_t	check_i8259_irr(struct devtest *, uint16_t);
static uint8_t	check_i8259_isr(struct devtest *, uint16_t);
static Suite	*check_i8259_suite(void);

/* What Linux's init_8259A writes: bases 0x20/0x28, cascade on IR2, 8086
 * mode, icw4 extra bits (AEOI: 0x02). */
static void
check_i8259_init(struct devtest *t, uint8_t icw4)
{
	devtest_out(t, M_CMD, 1, 0x11);
	devtest_out(t, M_DATA, 1, 0x20);
	devtest_out(t, M_DATA, 1, 0x04);
	devtest_out(t, M_DATA, 1, 0x01 | icw4);
	devtest_out(t, S_CMD, 1, 0x11);
	devtest_out(t, S_DATA, 1, 0x28);
	devtest_out(t, S_DATA, 1, 0x02);
	devtest_out(t, S_DATA, 1, 0x01 | icw4);
	devtest_out(t, M_DATA, 1, 0xfb);	/* all but the cascade */
	devtest_out(t, S_DATA, 1, 0xff);
}

static int
check_i8259_intr(struct devtest *t)
{
	int	level;

	vmm_fake_extint(t->dv_vmm, &level);
	return (level);
}

static uint8_t
check_i8259_irr(struct devtest *t, uint16_t cmd)
{
	devtest_out(t, cmd, 1, 0x0a);
	return ((uint8_t)devtest_in(t, cmd, 1));
}

static uint8_t
check_i8259_isr(struct devtest *t, uint16_t cmd)
{
	uint8_t	v;

	devtest_out(t, cmd, 1, 0x0b);
	v = (uint8_t)devtest_in(t, cmd, 1);
	devtest_out(t, cmd, 1, 0x0a);
	return (v);
}

START_TEST(i8259_master)
{
	struct devtest	t;

	devtest_setup(&t, &i8259_devtype);
	check_i8259_init(&t, 0);
	ck_assert_uint_eq(devtest_in(&t, M_DATA, 1), 0xfb);
	devtest_out(&t, M_DATA, 1, 0xeb);	/* unmask IRQ 4 */
	irq_set_level(t.dv_vmm, 4, 1);
	ck_assert_int_eq(check_i8259_intr(&t), 1);
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD), 0x10);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x24);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0x10);
	/* Edge-sensitive: the request is consumed by the acknowledge. */
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD), 0x00);
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	devtest_out(&t, M_CMD, 1, 0x20);	/* non-specific EOI */
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0x00);
	/* A new edge is needed for a new interrupt. */
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	irq_set_level(t.dv_vmm, 4, 0);
	irq_set_level(t.dv_vmm, 4, 1);
	ck_assert_int_eq(check_i8259_intr(&t), 1);
	ck_assert_uint_eq(vmm_fake_extint(t.dv_vmm, NULL), 2);

	/* The PIT's GSI is the master's IR0. */
	devtest_out(&t, M_DATA, 1, 0xfa);
	irq_pulse(t.dv_vmm, VMM_PIT_GSI);
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD) & 0x01, 0x01);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x20);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8259_priority)
{
	struct devtest	t;

	devtest_setup(&t, &i8259_devtype);
	check_i8259_init(&t, 0);
	devtest_out(&t, M_DATA, 1, 0xd3);	/* IRQ 2, 3 and 5 */
	irq_pulse(t.dv_vmm, 5);
	irq_pulse(t.dv_vmm, 3);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x23);
	/* IRQ 5 ranks below the one in service: no INTR yet. */
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	devtest_out(&t, M_CMD, 1, 0x63);	/* specific EOI, IR3 */
	ck_assert_int_eq(check_i8259_intr(&t), 1);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x25);
	devtest_out(&t, M_CMD, 1, 0x20);

	/* Set priority: IR4 lowest, so IR5 now beats IR3. */
	devtest_out(&t, M_CMD, 1, 0xc4);
	irq_pulse(t.dv_vmm, 3);
	irq_pulse(t.dv_vmm, 5);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x25);
	/* Rotate on non-specific EOI: IR5 becomes the lowest. */
	devtest_out(&t, M_CMD, 1, 0xa0);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0x00);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x23);
	devtest_out(&t, M_CMD, 1, 0x20);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8259_slave)
{
	struct devtest	t;

	devtest_setup(&t, &i8259_devtype);
	check_i8259_init(&t, 0);
	devtest_out(&t, S_DATA, 1, 0xfe);	/* IRQ 8 */
	irq_set_level(t.dv_vmm, VMM_RTC_IRQ, 1);
	ck_assert_int_eq(check_i8259_intr(&t), 1);
	ck_assert_uint_eq(check_i8259_irr(&t, S_CMD), 0x01);
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD), 0x04);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x28);
	ck_assert_uint_eq(check_i8259_isr(&t, S_CMD), 0x01);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0x04);
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	devtest_out(&t, S_CMD, 1, 0x60);	/* specific EOI, IR0 */
	devtest_out(&t, M_CMD, 1, 0x62);	/* specific EOI, IR2 */
	ck_assert_uint_eq(check_i8259_isr(&t, S_CMD), 0);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8259_aeoi_level)
{
	struct devtest	t;

	devtest_setup(&t, &i8259_devtype);
	check_i8259_init(&t, 0x02);		/* auto-EOI */
	devtest_out(&t, M_DATA, 1, 0xf3);	/* IRQ 2, 3 */
	irq_pulse(t.dv_vmm, 3);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x23);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0);

	/* IRQ 3 level-sensitive: IRR follows the line, even after INTA. */
	devtest_out(&t, ELCR0, 1, 0x08);
	ck_assert_uint_eq(devtest_in(&t, ELCR0, 1), 0x08);
	irq_set_level(t.dv_vmm, 3, 1);
	ck_assert_int_eq(check_i8259_intr(&t), 1);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x23);
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD) & 0x08, 0x08);
	ck_assert_int_eq(check_i8259_intr(&t), 1);
	irq_set_level(t.dv_vmm, 3, 0);
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD) & 0x08, 0);
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8259_limits)
{
	struct devtest	t;

	devtest_setup(&t, &i8259_devtype);
	/* Power-on: every pin masked, so no INTR before initialisation. */
	ck_assert_uint_eq(devtest_in(&t, M_DATA, 1), 0xff);
	ck_assert_uint_eq(devtest_in(&t, S_DATA, 1), 0xff);
	irq_pulse(t.dv_vmm, 4);
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	/* Linux's probe: the mask reads back what was written. */
	devtest_out(&t, M_DATA, 1, 0x5a);
	ck_assert_uint_eq(devtest_in(&t, M_DATA, 1), 0x5a);

	check_i8259_init(&t, 0);
	/* ICW1 cleared the requests and the mask. */
	ck_assert_uint_eq(check_i8259_irr(&t, M_CMD), 0);
	/* The ELCR keeps IRQ 0-2, 8 and 13 edge-sensitive. */
	devtest_out(&t, ELCR0, 1, 0xff);
	devtest_out(&t, ELCR1, 1, 0xff);
	ck_assert_uint_eq(devtest_in(&t, ELCR0, 1), 0xf8);
	ck_assert_uint_eq(devtest_in(&t, ELCR1, 1), 0xde);
	devtest_out(&t, ELCR0, 1, 0);
	devtest_out(&t, ELCR1, 1, 0);

	/* Spurious: the request went away before the acknowledge. */
	devtest_out(&t, M_DATA, 1, 0xeb);
	irq_pulse(t.dv_vmm, 4);
	devtest_out(&t, M_DATA, 1, 0xfb);
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x27);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0);

	/* Poll: a read of the command port acknowledges. */
	devtest_out(&t, M_DATA, 1, 0xeb);
	devtest_out(&t, M_CMD, 1, 0x0c);
	ck_assert_uint_eq(devtest_in(&t, M_CMD, 1), 0x84);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0x10);
	devtest_out(&t, M_CMD, 1, 0x0c);
	ck_assert_uint_eq(devtest_in(&t, M_CMD, 1), 0x00);
	devtest_teardown(&t);
}
END_TEST

START_TEST(i8259_errors)
{
	struct devtest	 t;
	struct snap	*w, *r;
	const void	*p;
	uint8_t		 buf[64];
	size_t		 len;

	devtest_setup(&t, &i8259_devtype);
	/* A line past 15 is the IOAPIC's alone. */
	check_i8259_init(&t, 0);
	devtest_out(&t, M_DATA, 1, 0x00);
	devtest_out(&t, S_DATA, 1, 0x00);
	ck_assert_int_eq(irq_set_level(t.dv_vmm, 20, 1), 0);
	ck_assert_int_eq(check_i8259_intr(&t), 0);
	/* An EOI with nothing in service changes nothing. */
	devtest_out(&t, M_CMD, 1, 0x20);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0);

	/* Save with IRQ 4 in service, restore after a reset. */
	irq_pulse(t.dv_vmm, 4);
	ck_assert_int_eq(irq_inta(t.dv_vmm), 0x24);
	w = snap_writer_create();
	ck_assert_int_eq(i8259_devtype.dt_save(t.dv_dev, w), 0);
	p = snap_data(w, &len);
	ck_assert_uint_eq(len, 34);
	memcpy(buf, p, len);
	snap_free(w);
	i8259_devtype.dt_reset(t.dv_dev);
	ck_assert_uint_eq(devtest_in(&t, M_DATA, 1), 0xff);
	r = snap_reader_create(buf, len);
	ck_assert_int_eq(i8259_devtype.dt_restore(t.dv_dev, r), 0);
	snap_free(r);
	ck_assert_uint_eq(check_i8259_isr(&t, M_CMD), 0x10);
	ck_assert_uint_eq(devtest_in(&t, M_DATA, 1), 0x00);

	r = snap_reader_create(buf, len - 1);
	ck_assert_int_eq(i8259_devtype.dt_restore(t.dv_dev, r), -1);
	snap_free(r);
	buf[6] = 9;			/* master's lowest-priority IR */
	r = snap_reader_create(buf, len);
	errno = 0;
	ck_assert_int_eq(i8259_devtype.dt_restore(t.dv_dev, r), -1);
	ck_assert_int_eq(errno, EINVAL);
	snap_free(r);
	devtest_teardown(&t);
}
END_TEST

static Suite *
check_i8259_suite(void)
{
	Suite	*s = suite_create("i8259");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, i8259_master);
	tcase_add_test(tc, i8259_priority);
	tcase_add_test(tc, i8259_slave);
	tcase_add_test(tc, i8259_aeoi_level);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, i8259_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, i8259_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_i8259_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
