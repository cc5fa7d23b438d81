/* SPDX-License-Identifier: ISC */
/*
 * Growing strings, and the XML escaping that builds SOAP requests from
 * them.  A struct buf is always NUL-terminated after buf_init; its memory
 * belongs to it until buf_take or buf_free.  None of these fail: they
 * allocate with xmalloc, which ends the process on out-of-memory.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char		*b_data;
	size_t		 b_len;
	size_t		 b_size;
};

/* Start b as the empty string. */
void		 buf_init(struct buf *b);
/* Append len bytes of s (which need not be NUL-terminated). */
void		 buf_add(struct buf *b, const char *s, size_t len);
/* Append the string s. */
void		 buf_str(struct buf *b, const char *s);
/* Append printf-formatted text. */
void		 buf_printf(struct buf *b, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
/* Append s with &, <, >, " and ' escaped for XML text and attributes. */
void		 buf_escape(struct buf *b, const char *s);
/* Append <name>escaped value</name>; nothing when value is NULL. */
void		 buf_elem(struct buf *b, const char *name, const char *value);
/* Append <name type="type">id</name>, type and id escaped. */
void		 buf_moref(struct buf *b, const char *name, const char *type,
		     const char *id);
/* Append <name>[ds] path</name>, both escaped. */
void		 buf_dspath(struct buf *b, const char *name, const char *ds,
		     const char *path);
/* The string, now the caller's to free; b is empty (buf_init again to
 * reuse it). */
char		*buf_take(struct buf *b);
/* Free the string; b may then be buf_init'ed again.  Accepts a zeroed b. */
void		 buf_free(struct buf *b);

#endif
