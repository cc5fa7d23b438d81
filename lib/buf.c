/* SPDX-License-Identifier: ISC */
/*
 * Growing strings for building SOAP requests.  Everything that comes from
 * the user goes through buf_escape, so a name with "<" or "&" stays a
 * name and never becomes markup.  The string is always NUL-terminated.
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

void
buf_init(struct buf *b)
{
	b->b_size = 256;
	b->b_data = xmalloc(b->b_size);
	b->b_data[0] = '\0';
	b->b_len = 0;
}

void
buf_add(struct buf *b, const char *s, size_t len)
{
	if (b->b_data == NULL)
		buf_init(b);
	if (b->b_len + len + 1 > b->b_size) {
		while (b->b_len + len + 1 > b->b_size)
			b->b_size *= 2;
		b->b_data = xrealloc(b->b_data, b->b_size);
	}
	memcpy(b->b_data + b->b_len, s, len);
	b->b_len += len;
	b->b_data[b->b_len] = '\0';
}

void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	buf_add(b, s, (size_t)n);
	free(s);
}

void
buf_escape(struct buf *b, const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			buf_str(b, "&amp;");
			break;
		case '<':
			buf_str(b, "&lt;");
			break;
		case '>':
			buf_str(b, "&gt;");
			break;
		case '"':
			buf_str(b, "&quot;");
			break;
		case '\'':
			buf_str(b, "&apos;");
			break;
		default:
			buf_add(b, p, 1);
		}
	}
}

void
buf_elem(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_printf(b, "<%s>", name);
	buf_escape(b, value);
	buf_printf(b, "</%s>", name);
}

void
buf_moref(struct buf *b, const char *name, const char *type, const char *id)
{
	buf_printf(b, "<%s type=\"", name);
	buf_escape(b, type);
	buf_str(b, "\">");
	buf_escape(b, id);
	buf_printf(b, "</%s>", name);
}

void
buf_dspath(struct buf *b, const char *name, const char *ds, const char *path)
{
	buf_printf(b, "<%s>[", name);
	buf_escape(b, ds);
	buf_str(b, "] ");
	buf_escape(b, path);
	buf_printf(b, "</%s>", name);
}

char *
buf_take(struct buf *b)
{
	char	*s;

	if (b->b_data == NULL)
		buf_init(b);
	s = b->b_data;
	b->b_data = NULL;
	b->b_len = b->b_size = 0;
	return (s);
}

void
buf_free(struct buf *b)
{
	free(b->b_data);
	b->b_data = NULL;
	b->b_len = b->b_size = 0;
}
