/* SPDX-License-Identifier: ISC */
/*
 * Numbers and timestamps written without printf, for the hot paths (the
 * per-request log line, HTTP headers, every SOAP integer and dateTime),
 * where a printf costs more than the rest of a small call.  Each writes
 * at p, adds no NUL and returns the end.
 */
#ifndef VIREO_FMT_H
#define VIREO_FMT_H

#include <time.h>

/* Room for any of them but fmt_datetime. */
#define FMT_INT_MAX	24

/* v in decimal, zero-padded to width digits (width <= 20). */
char	*fmt_uint(char *p, unsigned long long v, int width);
/* v in decimal, as printf's %lld writes it. */
char	*fmt_int(char *p, long long v);
/*
 * "YYYY-MM-DDTHH:MM:SS" of tm (19 bytes), as "%04d-%02d-%02dT%02d:%02d:
 * %02d" writes it for the years 0 to 9999 and fields in their ranges;
 * the caller checks those.
 */
char	*fmt_datetime(char *p, const struct tm *tm);

#endif
