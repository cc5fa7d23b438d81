/* SPDX-License-Identifier: ISC */
/*
 * Decimal numbers and ISO 8601 timestamps without printf (lib/fmt.h).
 */

#include "config.h"

#include "fmt.h"

char *
fmt_uint(char *p, unsigned long long v, int width)
{
	char	tmp[FMT_INT_MAX];
	int	n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < width && n < (int)sizeof tmp)
		tmp[n++] = '0';
	while (n > 0)
		*p++ = tmp[--n];
	return (p);
}

char *
fmt_int(char *p, long long v)
{
	/* Negated as unsigned: LLONG_MIN has no positive twin. */
	if (v < 0) {
		*p++ = '-';
		return (fmt_uint(p, -(unsigned long long)v, 0));
	}
	return (fmt_uint(p, (unsigned long long)v, 0));
}

char *
fmt_datetime(char *p, const struct tm *tm)
{
	p = fmt_uint(p, (unsigned long long)tm->tm_year + 1900, 4);
	*p++ = '-';
	p = fmt_uint(p, (unsigned long long)tm->tm_mon + 1, 2);
	*p++ = '-';
	p = fmt_uint(p, (unsigned long long)tm->tm_mday, 2);
	*p++ = 'T';
	p = fmt_uint(p, (unsigned long long)tm->tm_hour, 2);
	*p++ = ':';
	p = fmt_uint(p, (unsigned long long)tm->tm_min, 2);
	*p++ = ':';
	return (fmt_uint(p, (unsigned long long)tm->tm_sec, 2));
}
