/* SPDX-License-Identifier: ISC */
/*
 * A small printf: %s %c %d %i %u %x %X %p %% with the l, ll and z
 * modifiers, a field width and the 0 and - flags.  kprintf() writes to
 * COM1; output past KPRINTF_MAX - 1 bytes is cut.
 *
 * Ring-0 code is emulated on PVM hosts (about 0.5 us an instruction), so
 * output moves in runs (literal text between conversions, a string, a
 * number's digits, padding) straight to the buffer or the UART, never a
 * character at a time through a function.
 */
#include "guest.h"

#define KPRINTF_MAX	512

struct kout {
	char	*o_buf;		/* NULL: to COM1 */
	size_t	 o_max;		/* bytes kept: the rest is cut */
	size_t	 o_len;		/* would-be length, may exceed o_max */
};

static const char kprintf_zeros[16] = "0000000000000000";
static const char kprintf_spaces[16] = "                ";

static void	kprintf_run(struct kout *, const char *, size_t);
static void	kprintf_pad(struct kout *, int, int);
static void	kprintf_num(struct kout *, uint64_t, int, int, int, int, int);
static int	kprintf_format(struct kout *, const char *, va_list);

static void
kprintf_run(struct kout *o, const char *s, size_t n)
{
	size_t keep;

	if (o->o_len < o->o_max) {
		keep = o->o_max - o->o_len;
		if (keep > n)
			keep = n;
		if (o->o_buf == NULL)
			uart_write(s, keep);
		else
			memcpy(o->o_buf + o->o_len, s, keep);
	}
	o->o_len += n;
}

static void
kprintf_pad(struct kout *o, int c, int n)
{
	int k;

	for (; n > 0; n -= k) {
		k = n < 16 ? n : 16;
		kprintf_run(o, c == '0' ? kprintf_zeros : kprintf_spaces,
		    (size_t)k);
	}
}

static void
kprintf_num(struct kout *o, uint64_t v, int base, int neg, int width,
    int zero, int left)
{
	const char *digits = "0123456789abcdef";
	char tmp[24], *p = tmp + sizeof(tmp);
	int n, len;

	do {
		*--p = digits[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v != 0);
	n = (int)(tmp + sizeof(tmp) - p);
	len = n + (neg ? 1 : 0);
	if (neg && zero)
		kprintf_run(o, "-", 1);
	if (!left)
		kprintf_pad(o, zero ? '0' : ' ', width - len);
	if (neg && !zero)
		kprintf_run(o, "-", 1);
	kprintf_run(o, p, (size_t)n);
	if (left)
		kprintf_pad(o, ' ', width - len);
}

static int
kprintf_format(struct kout *o, const char *fmt, va_list ap)
{
	const char *s;
	uint64_t u;
	int64_t i;
	int lng, width, zero, left, len;
	char c;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			for (s = fmt; fmt[1] != '\0' && fmt[1] != '%'; fmt++)
				;
			kprintf_run(o, s, (size_t)(fmt - s + 1));
			continue;
		}
		fmt++;
		zero = left = width = lng = 0;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = 1;
			else if (*fmt == '-')
				left = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			c = (char)va_arg(ap, int);
			kprintf_run(o, &c, 1);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			len = (int)strlen(s);
			if (!left)
				kprintf_pad(o, ' ', width - len);
			kprintf_run(o, s, (size_t)len);
			if (left)
				kprintf_pad(o, ' ', width - len);
			break;
		case 'd':
		case 'i':
			i = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			kprintf_num(o, i < 0 ? -(uint64_t)i : (uint64_t)i, 10,
			    i < 0, width, zero, left);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
			kprintf_num(o, u, *fmt == 'u' ? 10 : 16, 0, width,
			    zero, left);
			break;
		case 'p':
			kprintf_run(o, "0x", 2);
			kprintf_num(o, (uint64_t)va_arg(ap, void *), 16, 0,
			    width, zero, left);
			break;
		case '\0':
			fmt--;
			break;
		default:
			kprintf_run(o, fmt, 1);
			break;
		}
	}
	return ((int)o->o_len);
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct kout o = { buf, size > 0 ? size - 1 : 0, 0 };
	int n;

	n = kprintf_format(&o, fmt, ap);
	if (size > 0)
		buf[o.o_len < size ? o.o_len : size - 1] = '\0';
	return (n);
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

void
kvprintf(const char *fmt, va_list ap)
{
	struct kout o = { NULL, KPRINTF_MAX - 1, 0 };

	kprintf_format(&o, fmt, ap);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
