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

#include "vmm-dev.h"

#define REG_A	0x0a
#define REG_B	0x0b
#define REG_C	0x0c
#define REG_D	0x0d

struct check_mc146818 {
	struct vmm	*vmm;		/* fake VM */
	void		*dev;		/* the RTC */
};

static void	check_mc146818_setup(struct check_mc146818 *);
static void	check_mc146818_teardown(struct check_mc146818 *);
static uint8_t	check_mc146818_get(struct check_mc146818 *, uint8_t);
static void	check_mc146818_set(struct check_mc146818 *, uint8_t, uint8_t);
static int	check_mc146818_bcd(uint8_t);
static time_t	check_mc146818_time(struct check_mc146818 *, int);
static Suite	*check_mc146818_suite(void);

static void
check_mc146818_setup(struct check_mc146818 *t)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 << 20;
	p.vp_ncpus = 1;
	p.vp_serial_out = p.vp_serial_in = -1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	ck_assert_int_eq(mc146818_devtype.dt_create(t->vmm, &p, &t->dev,
	    &cause), 0);
	ck_assert_ptr_nonnull(t->dev);
}

static void
check_mc146818_teardown(struct check_mc146818 *t)
{
	mc146818_devtype.dt_free(t->dev);
	vmm_free(t->vmm);
}

/* Select a register (with the NMI-mask bit set, which must not matter). */
static uint8_t
check_mc146818_get(struct check_mc146818 *t, uint8_t reg)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = VMM_RTC_PORT;
	ia.ia_len = 1;
	ia.ia_write = 1;
	ia.ia_data = reg | 0x80;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
	memset(&ia, 0, sizeof ia);
	ia.ia_addr = VMM_RTC_PORT + 1;
	ia.ia_len = 1;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
	return ((uint8_t)ia.ia_data);
}

static void
check_mc146818_set(struct check_mc146818 *t, uint8_t reg, uint8_t v)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = VMM_RTC_PORT;
	ia.ia_len = 1;
	ia.ia_write = 1;
	ia.ia_data = reg;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
	ia.ia_addr = VMM_RTC_PORT + 1;
	ia.ia_data = v;
	ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_PIO, &ia), 0);
}

static int
check_mc146818_bcd(uint8_t v)
{
	ck_assert_uint_le(v & 0x0f, 9);
	return ((v >> 4) * 10 + (v & 0x0f));
}

/* Read the clock as a guest does (wait for UIP to clear). */
static time_t
check_mc146818_time(struct check_mc146818 *t, int binary)
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
	struct check_mc146818	t;
	time_t			now, rtc;

	check_mc146818_setup(&t);
	/* Power-on: BCD, 24 hour, battery good. */
	ck_assert_uint_eq(check_mc146818_get(&t, REG_B) & 0x06, 0x02);
	ck_assert_uint_eq(check_mc146818_get(&t, REG_D), 0x80);
	now = time(NULL);
	rtc = check_mc146818_time(&t, 0);
	ck_assert_int_le(rtc - now, 1);
	ck_assert_int_ge(rtc - now, -1);
	check_mc146818_teardown(&t);
}
END_TEST

START_TEST(mc146818_binary_time)
{
	struct check_mc146818	t;
	struct tm		tm;
	time_t			now, rtc;

	check_mc146818_setup(&t);
	check_mc146818_set(&t, REG_B, 0x06);
	now = time(NULL);
	rtc = check_mc146818_time(&t, 1);
	ck_assert_int_le(rtc - now, 1);
	ck_assert_int_ge(rtc - now, -1);
	gmtime_r(&now, &tm);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x06), tm.tm_wday + 1);
	check_mc146818_teardown(&t);
}
END_TEST

START_TEST(mc146818_12h)
{
	struct check_mc146818	t;
	struct tm		tm;
	time_t			now;
	uint8_t			h;
	int			hour;

	check_mc146818_setup(&t);
	check_mc146818_set(&t, REG_B, 0x04);	/* binary, 12 hour */
	do {
		now = time(NULL);
		h = check_mc146818_get(&t, 0x04);
	} while (time(NULL) != now);
	gmtime_r(&now, &tm);
	hour = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
	ck_assert_uint_eq(h & 0x7f, hour);
	ck_assert_uint_eq(!!(h & 0x80), tm.tm_hour >= 12);
	check_mc146818_teardown(&t);
}
END_TEST

START_TEST(mc146818_set_clock)
{
	struct check_mc146818	t;
	struct tm		tm;
	time_t			rtc;

	check_mc146818_setup(&t);
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
	check_mc146818_teardown(&t);
}
END_TEST

START_TEST(mc146818_registers)
{
	struct check_mc146818	t;

	check_mc146818_setup(&t);
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
	check_mc146818_teardown(&t);
}
END_TEST

START_TEST(mc146818_nvram)
{
	struct check_mc146818	t;
	unsigned int		i;

	check_mc146818_setup(&t);
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
	mc146818_devtype.dt_reset(t.dev);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x40), 0x40 ^ 0x5a);
	check_mc146818_teardown(&t);
}
END_TEST

START_TEST(mc146818_wide_access)
{
	struct check_mc146818	t;
	struct iotrap_access	ia;

	check_mc146818_setup(&t);
	/* outw 0x70: index in the low byte, data in the high byte. */
	memset(&ia, 0, sizeof ia);
	ia.ia_addr = VMM_RTC_PORT;
	ia.ia_len = 2;
	ia.ia_write = 1;
	ia.ia_data = 0x7720;
	ck_assert_int_eq(iotrap_dispatch(t.vmm, IOTRAP_PIO, &ia), 0);
	ck_assert_uint_eq(check_mc146818_get(&t, 0x20), 0x77);
	ia.ia_addr = VMM_RTC_PORT + 1;
	ia.ia_len = 4;
	ia.ia_write = 0;
	ck_assert_int_eq(iotrap_dispatch(t.vmm, IOTRAP_PIO, &ia), 0);
	check_mc146818_teardown(&t);
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
