/* SPDX-License-Identifier: ISC */
/*
 * Out of memory in a daemon is not recoverable in any useful way, so one
 * audited wrapper ends the process instead of hundreds of half-checked call
 * sites.  Overflow in a size computation is treated the same way.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("xmalloc: allocating %zu bytes: out of memory", size);
	return (p);
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size)
		fatalx("xcalloc: %zu * %zu bytes overflows", nmemb, size);
	if ((p = calloc(nmemb, size)) == NULL)
		fatalx("xcalloc: allocating %zu * %zu bytes: out of memory",
		    nmemb, size);
	return (p);
}

void *
xrealloc(void *ptr, size_t size)
{
	return (xreallocarray(ptr, 1, size));
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size)
		fatalx("xreallocarray: %zu * %zu bytes overflows", nmemb, size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		fatalx("xreallocarray: allocating %zu * %zu bytes: out of "
		    "memory", nmemb, size);
	return (p);
}

void *
xrecallocarray(void *ptr, size_t oldnmemb, size_t nmemb, size_t size)
{
	char	*p;

	p = xreallocarray(ptr, nmemb, size);
	if (nmemb > oldnmemb)
		memset(p + oldnmemb * size, 0, (nmemb - oldnmemb) * size);
	return (p);
}

void *
xgrowarray(void *p, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return (p);
	return (xreallocarray(p, n == 0 ? 1 : 2 * n, size));
}

char *
xstrdup(const char *s)
{
	return (xmemdup(s, strlen(s) + 1));
}

char *
xstrndup(const char *s, size_t maxlen)
{
	size_t	 len = strnlen(s, maxlen);
	char	*p;

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

void *
xmemdup(const void *src, size_t len)
{
	void	*p;

	p = xmalloc(len);
	if (len > 0)
		memcpy(p, src, len);
	return (p);
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return (n);
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	n;

	n = vasprintf(ret, fmt, ap);
	if (n < 0 || *ret == NULL)
		fatalx("xvasprintf: out of memory");
	return (n);
}

int
xsnprintf(char *str, size_t len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(str, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		fatalx("xsnprintf: %d bytes do not fit in %zu", n, len);
	return (n);
}
