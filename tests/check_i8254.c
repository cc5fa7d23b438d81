/* SPDX-License-Identifier: ISC */
/*
 * The 8254 PIT and port B on a fake VM with a test clock: what a guest
 * reads from the counters (live, latched, read-back status, BCD) as the
 * clock moves, channel 2's output on port 0x61 (Linux's TSC calibration),
 * and the IRQ 0 edges channel 0 sends in modes 0, 2 and 3, counted on the
 * fake VM's VMM_PIT_GSI line.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "devtest.h"
#include "snapshot.h"

#define HZ	1193182ULL
#define CH0	0x40
#define CH2	0x42
#define CTRL	0x43
#define PORTB	0x61

struct check_i8254 {
	struct devtest	dt;
	uint64_t	now;	/* the test clock, ns */
};

static uint64_t	check_i8254_clock(void *);
static void	check_i8254_setup(struct check_i8254 *);
static uint64_t	check_i8254_ns(uint64_t);
static void	check_i8254_at(struct check_i8254 *, uint64_t, uint64_t);
static unsigned int check_i8254_edges(struct check_i8254 *);
static uint16_t	check_i8254_count(struct check_i8254 *, int);
static Suite	*check_i8254_suite(void);

static uint64_t
check_i8254_clock(void *arg)
{
	return (*(uint64_t *)arg);
}

static void
check_i8254_setup(struct check_i8254 *t)
{
	devtest_setup(&t->dt, &i8254_devtype);
	t->now = 1000000000ULL;
	i8254_set_clock(t->dt.dv_dev, check_i8254_clock, &t->now);
}

/* The first ns at which ticks input clocks have passed. */
static uint64_t
check_i8254_ns(uint64_t ticks)
{
	return ((ticks * 1000000000ULL + HZ - 1) / HZ);
}

/* Move the clock to ticks after base and deliver what is due. */
static void
check_i8254_at(struct check_i8254 *t, uint64_t base, uint64_t ticks)
{
	t->now = base + check_i8254_ns(ticks);
	i8254_tick(t->dt.dv_dev);
}

static unsigned int
check_i8254_edges(struct check_i8254 *t)
{
	return (vmm_fake_irq_edges(t->dt.dv_vmm, VMM_PIT_GSI));
}

/* Latch and read a channel's count (LSB then MSB). */
static uint16_t
check_i8254_count(struct check_i8254 *t, int ch)
{
	uint16_t	v;

	devtest_out(&t->dt, CTRL, 1, (uint64_t)ch << 6);
	v = (uint16_t)devtest_in(&t->dt, CH0 + ch, 1);
	v |= (uint16_t)(devtest_in(&t->dt, CH0 + ch, 1) << 8);
	return (v);
}

START_TEST(i8254_rate)
{
	struct check_i8254	t;
	uint64_t		base;

	check_i8254_setup(&t);
	/* Channel 0, LSB/MSB, mode 2, 1193 (a 1 kHz tick, as Linux). */
	devtest_out(&t.dt, CTRL, 1, 0x34);
	devtest_out(&t.dt, CH0, 1, 1193 & 0xff);
	devtest_out(&t.dt, CH0, 1, 1193 >> 8);
	base = t.now;
	ck_assert_uint_eq(check_i8254_count(&t, 0), 1193);
	check_i8254_at(&t, base, 500);
	ck_assert_uint_eq(check_i8254_count(&t, 0), 693);
	ck_assert_uint_eq(check_i8254_edges(&t), 0);
	/* The period ends at 1193 ticks, not one before. */
	check_i8254_at(&t, base, 1192);
	ck_assert_uint_eq(check_i8254_count(&t, 0), 1);
	ck_assert_uint_eq(check_i8254_edges(&t), 0);
	check_i8254_at(&t, base, 1193);
	ck_assert_uint_eq(check_i8254_edges(&t), 1);
	ck_assert_uint_eq(check_i8254_count(&t, 0), 1193);
	check_i8254_at(&t, base, 2 * 1193 - 1);
	ck_assert_uint_eq(check_i8254_edges(&t), 1);
	check_i8254_at(&t, base, 2 * 1193);
	ck_assert_uint_eq(check_i8254_edges(&t), 2);
	/* Three periods late: one merged edge, then on schedule again. */
	check_i8254_at(&t, base, 5 * 1193 + 10);
	ck_assert_uint_eq(check_i8254_edges(&t), 3);
	check_i8254_at(&t, base, 5 * 1193 + 20);
	ck_assert_uint_eq(check_i8254_edges(&t), 3);
	check_i8254_at(&t, base, 6 * 1193);
	ck_assert_uint_eq(check_i8254_edges(&t), 4);
	devtest_teardown(&t.dt);
}
END_TEST

START_TEST(i8254_square)
{
	struct check_i8254	t;
	uint64_t		base;

	check_i8254_setup(&t);
	/* Channel 2, mode 3, 1000: OUT2 high 500 ticks, low 500. */
	devtest_out(&t.dt, PORTB, 1, 0x01);
	devtest_out(&t.dt, CTRL, 1, 0xb6);
	devtest_out(&t.dt, CH2, 1, 1000 & 0xff);
	devtest_out(&t.dt, CH2, 1, 1000 >> 8);
	base = t.now;
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x21, 0x21);
	check_i8254_at(&t, base, 499);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x20, 0x20);
	/* Counts down by two, twice a period. */
	ck_assert_uint_eq(check_i8254_count(&t, 2), 1000 - 2 * 499);
	check_i8254_at(&t, base, 500);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x20, 0);
	check_i8254_at(&t, base, 1000);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x20, 0x20);

	/* Channel 0 in mode 3 interrupts once per period. */
	devtest_out(&t.dt, CTRL, 1, 0x36);
	devtest_out(&t.dt, CH0, 1, 100);
	devtest_out(&t.dt, CH0, 1, 0);
	base = t.now;
	check_i8254_at(&t, base, 50);
	ck_assert_uint_eq(check_i8254_edges(&t), 0);
	check_i8254_at(&t, base, 100);
	ck_assert_uint_eq(check_i8254_edges(&t), 1);
	check_i8254_at(&t, base, 200);
	ck_assert_uint_eq(check_i8254_edges(&t), 2);
	devtest_teardown(&t.dt);
}
END_TEST

START_TEST(i8254_oneshot)
{
	struct check_i8254	t;
	uint64_t		base;
	uint8_t			msb;

	check_i8254_setup(&t);
	/* Linux's quick_pit_calibrate: gate on, channel 2 mode 0, 0xffff,
	 * then read the MSB while OUT2 is low. */
	devtest_out(&t.dt, PORTB, 1, 0x01);
	devtest_out(&t.dt, CTRL, 1, 0xb0);
	devtest_out(&t.dt, CH2, 1, 0xff);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x20, 0);
	devtest_out(&t.dt, CH2, 1, 0xff);
	base = t.now;
	check_i8254_at(&t, base, 256 * 3 + 5);
	(void)devtest_in(&t.dt, CH2, 1);
	msb = (uint8_t)devtest_in(&t.dt, CH2, 1);
	ck_assert_uint_eq(msb, 0xfc);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x20, 0);
	check_i8254_at(&t, base, 0xffff);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x20, 0x20);
	/* After the terminal count it wraps and keeps counting. */
	check_i8254_at(&t, base, 0xffff + 2);
	ck_assert_uint_eq(check_i8254_count(&t, 2), 0xfffe);

	/* Channel 0 mode 0 interrupts once, at the terminal count. */
	devtest_out(&t.dt, CTRL, 1, 0x30);
	devtest_out(&t.dt, CH0, 1, 10);
	devtest_out(&t.dt, CH0, 1, 0);
	base = t.now;
	check_i8254_at(&t, base, 9);
	ck_assert_uint_eq(check_i8254_edges(&t), 0);
	check_i8254_at(&t, base, 10);
	ck_assert_uint_eq(check_i8254_edges(&t), 1);
	check_i8254_at(&t, base, 100000);
	ck_assert_uint_eq(check_i8254_edges(&t), 1);
	devtest_teardown(&t.dt);
}
END_TEST

START_TEST(i8254_latch_readback)
{
	struct check_i8254	t;
	uint64_t		base;

	check_i8254_setup(&t);
	devtest_out(&t.dt, CTRL, 1, 0x34);
	devtest_out(&t.dt, CH0, 1, 0x00);
	devtest_out(&t.dt, CH0, 1, 0x10);	/* 0x1000 */
	base = t.now;
	check_i8254_at(&t, base, 0x100);
	/* A latched count holds while the clock runs. */
	devtest_out(&t.dt, CTRL, 1, 0x00);
	check_i8254_at(&t, base, 0x200);
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x00);
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x0f);
	/* Then reads are live again. */
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x00);
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x0e);
	/* Read-back of count and status: the status byte comes first
	 * (OUT high, count loaded, LSB/MSB, mode 2, binary). */
	devtest_out(&t.dt, CTRL, 1, 0xc2);
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x80 | 0x30 | 0x04);
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x00);
	ck_assert_uint_eq(devtest_in(&t.dt, CH0, 1), 0x0e);
	/* Status of a channel programmed but not loaded: null count. */
	devtest_out(&t.dt, CTRL, 1, 0xb0);
	devtest_out(&t.dt, CTRL, 1, 0xe8);
	ck_assert_uint_eq(devtest_in(&t.dt, CH2, 1), 0x40 | 0x30);
	devtest_teardown(&t.dt);
}
END_TEST

START_TEST(i8254_limits)
{
	struct check_i8254	t;
	uint64_t		base;

	check_i8254_setup(&t);
	/* 0 means 65536: reads 0 at first, then 0xffff. */
	devtest_out(&t.dt, CTRL, 1, 0x34);
	devtest_out(&t.dt, CH0, 1, 0);
	devtest_out(&t.dt, CH0, 1, 0);
	base = t.now;
	ck_assert_uint_eq(check_i8254_count(&t, 0), 0);
	check_i8254_at(&t, base, 1);
	ck_assert_uint_eq(check_i8254_count(&t, 0), 0xffff);
	check_i8254_at(&t, base, 65536);
	ck_assert_uint_eq(check_i8254_edges(&t), 1);

	/* BCD, LSB only: 0x99 is 99, read back in BCD. */
	devtest_out(&t.dt, CTRL, 1, 0x51);	/* ch1, LSB, mode 0, BCD */
	devtest_out(&t.dt, 0x41, 1, 0x99);
	base = t.now;
	check_i8254_at(&t, base, 9);
	ck_assert_uint_eq(devtest_in(&t.dt, 0x41, 1), 0x90);
	/* MSB only. */
	devtest_out(&t.dt, CTRL, 1, 0x60);	/* ch1, MSB, mode 0 */
	devtest_out(&t.dt, 0x41, 1, 0x12);
	ck_assert_uint_eq(devtest_in(&t.dt, 0x41, 1), 0x12);

	/* Gate low holds channel 2 in mode 0; high goes on. */
	devtest_out(&t.dt, PORTB, 1, 0x01);
	devtest_out(&t.dt, CTRL, 1, 0xb0);
	devtest_out(&t.dt, CH2, 1, 0x00);
	devtest_out(&t.dt, CH2, 1, 0x10);
	base = t.now;
	check_i8254_at(&t, base, 0x10);
	devtest_out(&t.dt, PORTB, 1, 0x00);
	check_i8254_at(&t, base, 0x800);
	ck_assert_uint_eq(check_i8254_count(&t, 2), 0x0ff0);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x01, 0);
	devtest_out(&t.dt, PORTB, 1, 0x03);
	ck_assert_uint_eq(devtest_in(&t.dt, PORTB, 1) & 0x03, 0x03);
	check_i8254_at(&t, base, 0x810);
	ck_assert_uint_eq(check_i8254_count(&t, 2), 0x0fe0);
	devtest_teardown(&t.dt);
}
END_TEST

START_TEST(i8254_errors)
{
	struct check_i8254	 t;
	struct snap		*w, *r;
	const void		*p;
	uint8_t			 buf[256];
	uint64_t		 base;
	size_t			 len;

	check_i8254_setup(&t);
	/* The control word cannot be read. */
	ck_assert_uint_eq(devtest_in(&t.dt, CTRL, 1), 0xff);
	/* No edges from a channel never loaded. */
	check_i8254_at(&t, t.now, 1000000);
	ck_assert_uint_eq(check_i8254_edges(&t), 0);

	/* Save mid-period; the count goes on from there after a restore
	 * on a clock that moved on. */
	devtest_out(&t.dt, CTRL, 1, 0x34);
	devtest_out(&t.dt, CH0, 1, 0xe8);
	devtest_out(&t.dt, CH0, 1, 0x03);	/* 1000 */
	base = t.now;
	check_i8254_at(&t, base, 300);
	w = snap_writer_create();
	ck_assert_int_eq(i8254_devtype.dt_save(t.dt.dv_dev, w), 0);
	p = snap_data(w, &len);
	ck_assert_uint_le(len, sizeof buf);
	memcpy(buf, p, len);
	snap_free(w);
	i8254_devtype.dt_reset(t.dt.dv_dev);
	t.now += 5000000000ULL;
	r = snap_reader_create(buf, len);
	ck_assert_int_eq(i8254_devtype.dt_restore(t.dt.dv_dev, r), 0);
	ck_assert_int_eq(snap_get_end(r), 0);
	snap_free(r);
	ck_assert_uint_eq(check_i8254_count(&t, 0), 700);

	r = snap_reader_create(buf, len - 1);
	ck_assert_int_eq(i8254_devtype.dt_restore(t.dt.dv_dev, r), -1);
	snap_free(r);
	buf[1] = 7;			/* channel 0's mode */
	r = snap_reader_create(buf, len);
	errno = 0;
	ck_assert_int_eq(i8254_devtype.dt_restore(t.dt.dv_dev, r), -1);
	ck_assert_int_eq(errno, EINVAL);
	snap_free(r);
	devtest_teardown(&t.dt);
}
END_TEST

static Suite *
check_i8254_suite(void)
{
	Suite	*s = suite_create("i8254");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, i8254_rate);
	tcase_add_test(tc, i8254_square);
	tcase_add_test(tc, i8254_oneshot);
	tcase_add_test(tc, i8254_latch_readback);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, i8254_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, i8254_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_i8254_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
