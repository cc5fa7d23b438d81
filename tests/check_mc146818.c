/* SPDX-License-Identifier: ISC */
/*
 * The CMOS RTC on a fake VM: the time it shows matches the host's UTC
 * clock in BCD and in binary, 12-hour mode, setting the clock through
 * register B's SET bit, registers A/C/D, and NVRAM storage.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "devtest.h"

#define REG_A	0x0a
#define REG_B	0x0b
#define REG_C	0x0c
#define REG_D	0x0d

static uint8_t	check_mc146818_get(struct devtest *, uint8_t);
static void	check_mc146818_set(struct devtest *, uint8_t, uint8_t);
static int	check_mc146818_bcd(uint8_t);
static time_t	check_mc146818_time(struct devtest *, int);
static Suite	*check_mc146818_suite(void);

/* Select a register (with the NMI-mask bit set, which must not matter). */
static uint8_t
check_mc146818_get(struct devtest *t, uint8_t reg)
{
	devtest_out(t, VMM_RTC_PORT, 1, reg | 0x80);
	return ((uint8_t)devtest_in(t, VMM_RTC_PORT + 1, 1));
}

static void
check_mc146818_set(struct devtest *t, uint8_t reg, uint8_t v)
{
	devtest_out(t, VMM_RTC_PORT, 1, reg);
	devtest_out(t, VMM_RTC_PORT + 1, 1, v);
}

static int
check_mc146818_bcd(uint8_t v)
{
	ck_assert_uint_le(v & 0x0f, 9);
	return ((v >> 4) * 10 + (v & 0x0f));
}

/* Read the clock as a guest does (wait for UIP to clear). */
static time_t
check_mc146818_time(struct devtest *t, int binary)
{
	struct tm	tm;
	int		(*dec)(uint8_t) = check_mc146818_bcd;
	int		century;

	while (check_mc146818_get(t, REG_A) & 0x80)
		continue;
	memset(&tm, 0, sizeof tm);
	if (binary) {
		tm.tm_sec = check_mc146818_get(t, 0x00);
		tm.tm_min = check_mc146818_get(t, 0x02);
		tm.tm_hour = check_mc146818_get(t, 0x04);
		tm.tm_mday = check_mc146818_get(t, 0x07);
		tm.tm_mon = check_mc146818_get(t, 0x08) - 1;
		tm.tm_year = check_mc146818_get(t, 0x09);
		century = check_mc146818_get(t, 0x32);
	} else {
		tm.tm_sec = dec(check_mc146818_get(t, 0x00));
		tm.tm_min = dec(check_mc146818_get(t, 0x02));
		tm.tm_hour = dec(check_mc146818_get(t, 0x04));
		tm.tm_mday = dec(check_mc146818_get(t, 0x07));
		tm.tm_mon = dec(check_mc146818_get(t, 0x08)) - 1;
		tm.tm_year = dec(check_mc146818_get(t, 0x09));
		century = dec(check_mc146818_get(t, 0x32));
	}
	tm.tm_year += century * 100 - 1900;
	return (timegm(&tm));
}

START_TEST(mc146818_bcd_time)
{
	struct devtest		t;
	time_t			now, rtc;

	devtest_setup(&t, &mc146818_devtype);
	/* Power-on: BCD, 24 hour, battery good. */
	ck_assert_uint_eq(check_mc146818_get(&t, REG_B) & 0x06, 0x02);
	ck_assert_uint_eq(check_mc146818_get(&t, REG_D), 0x80);
	now = time(NULL);
	rtc = check_mc146818_time(&t, 0);
	ck_assert_int_le(rtc - now, 1);
	ck_assert_int_ge(rtc - now, -1);
	devtest_teardown(&t);
}
END_TEST

START_TEST(mc146818_binary_time)
{
	struct devtest		t;
	struct tm		tm;
	time_t			now, rtc;

	devtest_setup(&t, &mc146818_devtype);
	check_mc146818_set(&t, REG_B, 0x06);
	now = time(NULL);
	rtc = check_mc146818_time(&t, 1);
	ck_assert_int_le(rtc - now, 1);
	ck_assert_int_ge(rtc - now, -1);
	gmtime_r(&now, &tm);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x06), tm.tm_wday + 1);
	devtest_teardown(&t);
}
END_TEST

START_TEST(mc146818_12h)
{
	struct devtest		t;
	struct tm		tm;
	time_t			now;
	uint8_t			h;
	int			hour;

	devtest_setup(&t, &mc146818_devtype);
	check_mc146818_set(&t, REG_B, 0x04);	/* binary, 12 hour */
	do {
		now = time(NULL);
		h = check_mc146818_get(&t, 0x04);
	} while (time(NULL) != now);
	gmtime_r(&now, &tm);
	hour = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
	ck_assert_uint_eq(h & 0x7f, hour);
	ck_assert_uint_eq(!!(h & 0x80), tm.tm_hour >= 12);
	devtest_teardown(&t);
}
END_TEST

START_TEST(mc146818_set_clock)
{
	struct devtest		t;
	struct tm		tm;
	time_t			rtc;

	devtest_setup(&t, &mc146818_devtype);
	/* 2001-02-03 04:05:06 in BCD, with SET holding the clock. */
	check_mc146818_set(&t, REG_B, 0x82);
	check_mc146818_set(&t, 0x00, 0x06);
	check_mc146818_set(&t, 0x02, 0x05);
	check_mc146818_set(&t, 0x04, 0x04);
	check_mc146818_set(&t, 0x07, 0x03);
	check_mc146818_set(&t, 0x08, 0x02);
	check_mc146818_set(&t, 0x09, 0x01);
	check_mc146818_set(&t, 0x32, 0x20);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x00), 0x06);
	check_mc146818_set(&t, REG_B, 0x02);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 101;
	tm.tm_mon = 1;
	tm.tm_mday = 3;
	tm.tm_hour = 4;
	tm.tm_min = 5;
	tm.tm_sec = 6;
	rtc = check_mc146818_time(&t, 0);
	ck_assert_int_le(rtc - timegm(&tm), 1);
	ck_assert_int_ge(rtc - timegm(&tm), 0);
	devtest_teardown(&t);
}
END_TEST

START_TEST(mc146818_registers)
{
	struct devtest		t;

	devtest_setup(&t, &mc146818_devtype);
	ck_assert_uint_eq(check_mc146818_get(&t, REG_A) & 0x7f, 0x26);
	/* UIP is read-only; the divider in reset stops it. */
	check_mc146818_set(&t, REG_A, 0xe6);
	ck_assert_uint_eq(check_mc146818_get(&t, REG_A), 0x66);
	check_mc146818_set(&t, REG_C, 0xff);
	ck_assert_uint_eq(check_mc146818_get(&t, REG_C), 0);
	check_mc146818_set(&t, REG_D, 0x00);
	ck_assert_uint_eq(check_mc146818_get(&t, REG_D), 0x80);
	/* Alarm registers hold what is written. */
	check_mc146818_set(&t, 0x01, 0x59);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x01), 0x59);
	devtest_teardown(&t);
}
END_TEST

START_TEST(mc146818_nvram)
{
	struct devtest		t;
	unsigned int		i;

	devtest_setup(&t, &mc146818_devtype);
	for (i = 0x0e; i < 0x80; i++) {
		if (i == 0x32)
			continue;
		check_mc146818_set(&t, (uint8_t)i, (uint8_t)(i ^ 0x5a));
	}
	for (i = 0x0e; i < 0x80; i++) {
		if (i == 0x32)
			continue;
		ck_assert_uint_eq(check_mc146818_get(&t, (uint8_t)i), i ^ 0x5a);
	}
	/* A reset keeps NVRAM (battery-backed). */
	mc146818_devtype.dt_reset(t.dv_dev);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x40), 0x40 ^ 0x5a);
	devtest_teardown(&t);
}
END_TEST

START_TEST(mc146818_wide_access)
{
	struct devtest		t;

	devtest_setup(&t, &mc146818_devtype);
	/* outw 0x70: index in the low byte, data in the high byte. */
	devtest_out(&t, VMM_RTC_PORT, 2, 0x7720);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x20), 0x77);
	devtest_in(&t, VMM_RTC_PORT + 1, 4);
	devtest_teardown(&t);
}
END_TEST

static Suite *
check_mc146818_suite(void)
{
	Suite	*s = suite_create("mc146818");
	TCase	*tc;

	tc = tcase_create("clock");
	tcase_add_test(tc, mc146818_bcd_time);
	tcase_add_test(tc, mc146818_binary_time);
	tcase_add_test(tc, mc146818_12h);
	tcase_add_test(tc, mc146818_set_clock);
	suite_add_tcase(s, tc);
	tc = tcase_create("registers");
	tcase_add_test(tc, mc146818_registers);
	tcase_add_test(tc, mc146818_nvram);
	tcase_add_test(tc, mc146818_wide_access);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_mc146818_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
