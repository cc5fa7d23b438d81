/* SPDX-License-Identifier: ISC */
/*
 * The few C library functions a freestanding compiler may still emit calls
 * to (struct copies, zeroing) or that the guest uses itself.  Plain loops:
 * they run emulated in ring 0, so callers keep the sizes small.
 */
#include "guest.h"

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return (dst);
}

void *
memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return (dst);
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return (*p - *q);
	}
	return (0);
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return (n);
}
