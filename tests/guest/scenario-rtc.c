/* SPDX-License-Identifier: ISC */
/*
 * rtc: read the MC146818 CMOS clock at 0x70/0x71 once no update is in
 * progress (twice, until two reads agree), decode BCD or binary and 12 or
 * 24 hours as register B says, print it and check that it is plausible.
 */
#include "guest.h"

#define CMOS_ADDR	0x70
#define CMOS_DATA	0x71
#define CMOS_NMI_OFF	0x80
#define RTC_UIP		0x80	/* register A */
#define RTC_24H		0x02	/* register B */
#define RTC_BINARY	0x04	/* register B */
#define RTC_PM		0x80	/* in the hours byte, 12-hour mode */
#define RTC_SPIN_MAX	20000	/* 2 exits each: well over 244 us */

struct rtc_time {
	uint8_t	t_sec, t_min, t_hour, t_day, t_mon, t_year, t_cent;
};

static uint8_t	rtc_read(uint8_t);
static int	rtc_snapshot(struct rtc_time *, uint8_t);
static unsigned int rtc_bin(uint8_t, int);

static uint8_t
rtc_read(uint8_t reg)
{
	outb(CMOS_ADDR, CMOS_NMI_OFF | reg);
	return (inb(CMOS_DATA));
}

/* 0, or -1 if an update stayed in progress. */
static int
rtc_snapshot(struct rtc_time *t, uint8_t centreg)
{
	int i;

	for (i = 0; i < RTC_SPIN_MAX; i++) {
		if (!(rtc_read(0x0a) & RTC_UIP))
			break;
	}
	if (i == RTC_SPIN_MAX)
		return (-1);
	t->t_sec = rtc_read(0x00);
	t->t_min = rtc_read(0x02);
	t->t_hour = rtc_read(0x04);
	t->t_day = rtc_read(0x07);
	t->t_mon = rtc_read(0x08);
	t->t_year = rtc_read(0x09);
	t->t_cent = centreg != 0 ? rtc_read(centreg) : 0;
	return (0);
}

static unsigned int
rtc_bin(uint8_t v, int binary)
{
	return (binary ? v : (unsigned int)((v >> 4) * 10 + (v & 0xf)));
}

void
scenario_rtc(void)
{
	const struct acpi_sdt *fadt;
	struct rtc_time a, b;
	unsigned int year, mon, day, hour, min, sec, cent;
	uint8_t regb, centreg = 0x32;
	int tries, bin;

	/* Nothing decodes the port: every register reads all ones. */
	if (rtc_read(0x0a) == 0xff && rtc_read(0x0b) == 0xff)
		test_fail("rtc: no RTC at 0x70 (QEMU microvm needs rtc=on)");
	/* The FADT names the century register, 0x32 by convention. */
	if ((fadt = acpi_table("FACP")) != NULL && fadt->s_len > 108 &&
	    ((const uint8_t *)fadt)[108] != 0)
		centreg = ((const uint8_t *)fadt)[108];
	for (tries = 0; tries < 5; tries++) {
		if (rtc_snapshot(&a, centreg) == -1 ||
		    rtc_snapshot(&b, centreg) == -1)
			test_fail("rtc: update-in-progress never clears");
		if (memcmp(&a, &b, sizeof(a)) == 0)
			break;
	}
	if (tries == 5)
		test_fail("rtc: the clock never read the same twice");
	regb = rtc_read(0x0b);
	bin = (regb & RTC_BINARY) != 0;
	sec = rtc_bin(a.t_sec, bin);
	min = rtc_bin(a.t_min, bin);
	hour = rtc_bin(a.t_hour & 0x7f, bin);
	if (!(regb & RTC_24H)) {
		hour %= 12;
		if (a.t_hour & RTC_PM)
			hour += 12;
	}
	day = rtc_bin(a.t_day, bin);
	mon = rtc_bin(a.t_mon, bin);
	cent = rtc_bin(a.t_cent, bin);
	if (cent < 19 || cent > 21)
		cent = 20;
	year = cent * 100 + rtc_bin(a.t_year, bin);
	kprintf("rtc: %04u-%02u-%02u %02u:%02u:%02u (register B %02x)\n",
	    year, mon, day, hour, min, sec, regb);
	if (year < 2024 || year > 2199 || mon < 1 || mon > 12 || day < 1 ||
	    day > 31 || hour > 23 || min > 59 || sec > 59)
		test_fail("rtc: implausible date or time");
	test_pass();
}
