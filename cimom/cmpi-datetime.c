/* SPDX-License-Identifier: ISC */
/*
 * CMPIDateTime: microseconds since the epoch (UTC) or an interval, and
 * the 25-character CIM forms yyyymmddhhmmss.mmmmmmsutc and
 * ddddddddhhmmss.mmmmmm:000 (cim.md §1.5).  Timestamps are rendered in
 * UTC (+000): the offset is information CIM clients do not need to
 * reproduce the instant.
 */

#include "config.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_datetime {
	struct cmpiobj	 dt_obj;
	CMPIUint64	 dt_usec;
	int		 dt_interval;
};

#define DT(p)	((struct cmpi_datetime *)(p))

static CMPIStatus	 cmpi_datetime_release(CMPIDateTime *);
static CMPIDateTime	*cmpi_datetime_clone(const CMPIDateTime *,
			    CMPIStatus *);
static CMPIUint64	 cmpi_datetime_getbinary(const CMPIDateTime *,
			    CMPIStatus *);
static CMPIString	*cmpi_datetime_getstring(const CMPIDateTime *,
			    CMPIStatus *);
static CMPIBoolean	 cmpi_datetime_isinterval(const CMPIDateTime *,
			    CMPIStatus *);
static void		 cmpi_datetime_free(struct cmpiobj *);

static const CMPIDateTimeFT cmpi_datetime_ft = {
	CMPICurrentVersion,
	cmpi_datetime_release,
	cmpi_datetime_clone,
	cmpi_datetime_getbinary,
	cmpi_datetime_getstring,
	cmpi_datetime_isinterval,
};

static void
cmpi_datetime_free(struct cmpiobj *o)
{
	free(o);
}

CMPIDateTime *
cmpi_datetime_new(struct broker *br, CMPIUint64 usec, int interval)
{
	struct cmpi_datetime	*d = xcalloc(1, sizeof *d);

	cmpiobj_init(&d->dt_obj, br, &cmpi_datetime_ft, cmpi_datetime_free);
	d->dt_usec = usec;
	d->dt_interval = interval != 0;
	return ((CMPIDateTime *)d);
}

CMPIDateTime *
cmpi_datetime_now(struct broker *br)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (cmpi_datetime_new(br, (CMPIUint64)tv.tv_sec * 1000000 +
	    (CMPIUint64)tv.tv_usec, 0));
}

/* NULL for anything but the two 25-character forms (no wildcards). */
CMPIDateTime *
cmpi_datetime_parse(struct broker *br, const char *s)
{
	struct tm	tm;
	unsigned long long days;
	unsigned int	y, mo, d, h, mi, se, us, off;
	char		sign;
	time_t		t;
	long long	v;

	if (s == NULL || strlen(s) != 25)
		return (NULL);
	if (s[21] == ':') {
		if (sscanf(s, "%8llu%2u%2u%2u.%6u:%3u", &days, &h, &mi, &se,
		    &us, &off) != 6 || h > 23 || mi > 59 || se > 59)
			return (NULL);
		return (cmpi_datetime_new(br, (((days * 24 + h) * 60 + mi) *
		    60 + se) * 1000000ULL + us, 1));
	}
	if (sscanf(s, "%4u%2u%2u%2u%2u%2u.%6u%c%3u", &y, &mo, &d, &h, &mi,
	    &se, &us, &sign, &off) != 9 || (sign != '+' && sign != '-') ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 || y < 1970)
		return (NULL);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	t = timegm(&tm);
	v = (long long)t - (sign == '+' ? 1 : -1) * (long long)off * 60;
	if (v < 0)
		return (NULL);
	return (cmpi_datetime_new(br, (CMPIUint64)v * 1000000 + us, 0));
}

void
cmpi_datetime_format(const CMPIDateTime *cd, char buf[26])
{
	struct cmpi_datetime	*d = DT(cd);
	struct tm		 tm;
	time_t			 t;
	CMPIUint64		 s = d->dt_usec / 1000000;
	char			 tmp[96];

	if (d->dt_interval) {
		snprintf(buf, 26, "%08llu%02llu%02llu%02llu.%06llu:000",
		    (unsigned long long)(s / 86400) % 100000000ULL,
		    (unsigned long long)(s / 3600 % 24),
		    (unsigned long long)(s / 60 % 60),
		    (unsigned long long)(s % 60),
		    (unsigned long long)(d->dt_usec % 1000000));
		return;
	}
	t = (time_t)s;
	gmtime_r(&t, &tm);
	/* Room for any int the fields could hold; the CIM form is 25. */
	snprintf(tmp, sizeof tmp, "%04d%02d%02d%02d%02d%02d.%06u+000",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
	    tm.tm_mday % 100,
	    tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
	    (unsigned int)(d->dt_usec % 1000000));
	memcpy(buf, tmp, 25);
	buf[25] = '\0';
}

static CMPIStatus
cmpi_datetime_release(CMPIDateTime *d)
{
	return (cmpiobj_release((struct cmpiobj *)d));
}

static CMPIDateTime *
cmpi_datetime_clone(const CMPIDateTime *d, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (cmpiobj_own(cmpi_datetime_new(DT(d)->dt_obj.co_br,
	    DT(d)->dt_usec, DT(d)->dt_interval)));
}

static CMPIUint64
cmpi_datetime_getbinary(const CMPIDateTime *d, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (DT(d)->dt_usec);
}

static CMPIString *
cmpi_datetime_getstring(const CMPIDateTime *d, CMPIStatus *rc)
{
	char	buf[26];

	cmpi_datetime_format(d, buf);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (cmpi_string_new(DT(d)->dt_obj.co_br, buf));
}

static CMPIBoolean
cmpi_datetime_isinterval(const CMPIDateTime *d, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (DT(d)->dt_interval);
}
