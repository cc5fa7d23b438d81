/* SPDX-License-Identifier: ISC */
/*
 * The kernel command line: "test=<name> [key=value ...]", words separated
 * by spaces.  Values are copied out; numbers are decimal or 0x-prefixed
 * hexadecimal with an optional k/m/g suffix.
 */
#include "guest.h"

static const char	*cmdline_find(const char *);

/* The start of key's value, or NULL. */
static const char *
cmdline_find(const char *key)
{
	const char *p = boot_info.bi_cmdline;
	size_t klen = strlen(key);

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (memcmp(p, key, klen) == 0 && p[klen] == '=')
			return (p + klen + 1);
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return (NULL);
}

/* Copy key's value into buf; 0, or -1 if the key is absent. */
int
cmdline_get(const char *key, char *buf, size_t size)
{
	const char *v;
	size_t n = 0;

	if ((v = cmdline_find(key)) == NULL)
		return (-1);
	while (v[n] != '\0' && v[n] != ' ' && n + 1 < size) {
		buf[n] = v[n];
		n++;
	}
	buf[n] = '\0';
	return (0);
}

const char *
cmdline_test(char *buf, size_t size)
{
	if (cmdline_get("test", buf, size) == -1)
		return (NULL);
	return (buf);
}

uint64_t
cmdline_u64(const char *key, uint64_t dflt)
{
	char buf[32], *p = buf;
	uint64_t v = 0;
	unsigned int base = 10, d;

	if (cmdline_get(key, buf, sizeof(buf)) == -1 || buf[0] == '\0')
		return (dflt);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		v = v * base + d;
	}
	switch (*p) {
	case 'k': case 'K':
		v <<= 10;
		break;
	case 'm': case 'M':
		v <<= 20;
		break;
	case 'g': case 'G':
		v <<= 30;
		break;
	}
	return (v);
}
