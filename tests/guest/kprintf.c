/* SPDX-License-Identifier: ISC */
/*
 * A small printf: %s %c %d %i %u %x %X %p %% with the l, ll and z
 * modifiers, a field width and the 0 and - flags.  kprintf() formats into a
 * line buffer and writes it to COM1 in one go; longer output is cut at
 * KPRINTF_MAX bytes.
 */
#include "guest.h"

#define KPRINTF_MAX	512

struct kbuf {
	char	*b_buf;
	size_t	 b_size;
	size_t	 b_len;		/* would-be length, may exceed b_size */
};

static void	kprintf_put(struct kbuf *, int);
static void	kprintf_num(struct kbuf *, uint64_t, int, int, int, int, int);

static void
kprintf_put(struct kbuf *b, int c)
{
	if (b->b_len + 1 < b->b_size)
		b->b_buf[b->b_len] = (char)c;
	b->b_len++;
}

static void
kprintf_num(struct kbuf *b, uint64_t v, int base, int neg, int width,
    int zero, int left)
{
	const char *digits = "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v != 0);
	len = n + (neg ? 1 : 0);
	if (neg && zero)
		kprintf_put(b, '-');
	for (; !left && width > len; width--)
		kprintf_put(b, zero ? '0' : ' ');
	if (neg && !zero)
		kprintf_put(b, '-');
	while (n > 0)
		kprintf_put(b, tmp[--n]);
	for (; left && width > len; width--)
		kprintf_put(b, ' ');
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct kbuf b = { buf, size, 0 };
	const char *s;
	uint64_t u;
	int64_t i;
	int lng, width, zero, left, len;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			kprintf_put(&b, *fmt);
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
			kprintf_put(&b, va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			len = (int)strlen(s);
			for (; !left && width > len; width--)
				kprintf_put(&b, ' ');
			while (*s != '\0')
				kprintf_put(&b, *s++);
			for (; left && width > len; width--)
				kprintf_put(&b, ' ');
			break;
		case 'd':
		case 'i':
			i = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			kprintf_num(&b, i < 0 ? -(uint64_t)i : (uint64_t)i, 10,
			    i < 0, width, zero, left);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
			kprintf_num(&b, u, *fmt == 'u' ? 10 : 16, 0, width,
			    zero, left);
			break;
		case 'p':
			kprintf_put(&b, '0');
			kprintf_put(&b, 'x');
			kprintf_num(&b, (uint64_t)va_arg(ap, void *), 16, 0,
			    width, zero, left);
			break;
		case '\0':
			fmt--;
			break;
		default:
			kprintf_put(&b, *fmt);
			break;
		}
	}
	if (size > 0)
		buf[b.b_len < size ? b.b_len : size - 1] = '\0';
	return ((int)b.b_len);
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
	char buf[KPRINTF_MAX];
	int n;

	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	uart_write(buf, (size_t)n);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
