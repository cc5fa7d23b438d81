/* SPDX-License-Identifier: ISC */
/*
 * The vim25 value model (see the val.c section of hostd.h): constructors,
 * readers, the writer that follows vi-api.md §2.3 to the letter, and the
 * reader of request parameters (§2.1).
 *
 * Invariants: a value owns its strings, fields and items; v_str is always
 * NUL-terminated (base64 bytes included, for convenience); the writer
 * emits only escaped, well-formed XML 1.0 whatever the bytes it is given,
 * and writes xsi:type exactly when the slot's declared type differs from
 * the value's own type (always in anyType slots).  The reader never trusts
 * the request: every primitive is checked, and depth is bounded by the
 * parse limits of lib/xml.c.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <libxml/tree.h>

#include "fmt.h"
#include "hostd.h"
#include "xmalloc.h"
#include "xml.h"

/* What the writer and reader know about each primitive kind. */
struct hostd_val_prim {
	enum hostd_val_kind	 vp_kind;
	const char		*vp_name;	/* bare XML Schema name */
	const char		*vp_xsi;	/* as written in xsi:type */
	const char		*vp_array;	/* ArrayOfX */
	int64_t			 vp_min;
	int64_t			 vp_max;
};

static const struct hostd_val_prim hostd_val_prims[] = {
	{ HOSTD_VAL_STRING, "string", "xsd:string", "ArrayOfString", 0, 0 },
	{ HOSTD_VAL_INT, "int", "xsd:int", "ArrayOfInt",
	  INT32_MIN, INT32_MAX },
	{ HOSTD_VAL_LONG, "long", "xsd:long", "ArrayOfLong",
	  INT64_MIN, INT64_MAX },
	{ HOSTD_VAL_SHORT, "short", "xsd:short", "ArrayOfShort",
	  INT16_MIN, INT16_MAX },
	{ HOSTD_VAL_BYTE, "byte", "xsd:byte", "ArrayOfByte",
	  INT8_MIN, INT8_MAX },
	{ HOSTD_VAL_BOOLEAN, "boolean", "xsd:boolean", "ArrayOfBoolean",
	  0, 1 },
	{ HOSTD_VAL_DATETIME, "dateTime", "xsd:dateTime", "ArrayOfDateTime",
	  0, 0 },
	{ HOSTD_VAL_BASE64, "base64Binary", "xsd:base64Binary",
	  "ArrayOfBase64Binary", 0, 0 },
};

#define HOSTD_VAL_MOREF_TYPE	"ManagedObjectReference"
#define HOSTD_VAL_TYPE_MAX	128

static const char hostd_val_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * The writer's staging buffer: an append is a memcpy, and the text
 * reaches the evbuffer in HOSTD_VAL_OUTBUF pieces rather than in one
 * evbuffer_add (a callback run and often a chain) per tag.  Without an
 * evbuffer (hostd_val_buf_new) the buffer grows instead, and
 * hostd_val_buf_take makes values of what it holds.
 */
#define HOSTD_VAL_OUTBUF	(16 * 1024)
#define HOSTD_VAL_BUF_MIN	1024

struct hostd_val_buf {
	struct evbuffer	*vo_evb;	/* NULL: vo_buf grows */
	char		*vo_buf;
	size_t		 vo_len;
	size_t		 vo_size;
	char		 vo_fixed[];	/* vo_buf, with an evbuffer */
};

static struct hostd_val	*hostd_val_new(enum hostd_val_kind, const char *,
			    const void *, size_t);
static void		 hostd_val_put(struct hostd_val_buf *, const void *,
			    size_t);
static void		 hostd_val_flush(struct hostd_val_buf *);
static struct hostd_val_buf *hostd_val_out_open(struct evbuffer *);
static void		 hostd_val_out_close(struct hostd_val_buf *);
static void		 hostd_val_emit(struct hostd_val_buf *, const char *,
			    const char *, const struct hostd_val *);
static void		 hostd_val_emit_fields(struct hostd_val_buf *,
			    const struct hostd_val *);
static void		 hostd_val_emit_text(struct hostd_val_buf *,
			    const char *, size_t);
static void		 hostd_val_write_tag(struct hostd_val_buf *,
			    const char *, const char *);
static void		 hostd_val_write_int(struct hostd_val_buf *,
			    int64_t);
static struct hostd_val	*hostd_val_new_int(enum hostd_val_kind, int64_t);
static struct hostd_val	*hostd_val_new_str(enum hostd_val_kind, const char *,
			    const void *, size_t);
static const struct hostd_val_prim *hostd_val_prim_kind(enum hostd_val_kind);
static const struct hostd_val_prim *hostd_val_prim_name(const char *);
static const char	*hostd_val_own_type(const struct hostd_val *);
static void		 hostd_val_write_attr(struct hostd_val_buf *,
			    const char *);
static void		 hostd_val_write_body(struct hostd_val_buf *,
			    const struct hostd_val *);
static void		 hostd_val_write_array(struct hostd_val_buf *,
			    const char *, const char *,
			    const struct hostd_val *);
static void		 hostd_val_write_b64(struct hostd_val_buf *,
			    const unsigned char *, size_t);
static size_t		 hostd_val_utf8_len(const unsigned char *, size_t);
static int		 hostd_val_has_elements(xmlNodePtr);
static char		*hostd_val_bare(const char *);
static int		 hostd_val_resolve(xmlNodePtr, const char *, char **,
			    int *, char **);
static struct hostd_val	*hostd_val_parse_prim(const struct hostd_val_prim *,
			    const char *, char **);
static int		 hostd_val_parse_datetime(const char *,
			    struct timespec *);
static int		 hostd_val_parse_b64(const char *, unsigned char **,
			    size_t *);
static struct hostd_val	*hostd_val_parse_node(xmlNodePtr, const char *,
			    int *, char **);

/*
 * A value of kind with its type name (or NULL) and, if s is not NULL, len
 * bytes of s: all in one allocation, since a response of a thousand
 * objects makes tens of thousands of values.  v_type and v_str point
 * into the block and are never freed or replaced on their own.
 */
static struct hostd_val *
hostd_val_new(enum hostd_val_kind kind, const char *type, const void *s,
    size_t len)
{
	struct hostd_val	*v;
	size_t			 tlen, size;
	char			*p;

	tlen = type != NULL ? strlen(type) + 1 : 0;
	size = sizeof *v + tlen;
	if (s != NULL) {
		if (len > SIZE_MAX - size - 1)
			fatalx("value too large");
		size += len + 1;
	}
	v = xcalloc(1, size);
	v->v_kind = kind;
	p = (char *)(v + 1);
	if (type != NULL) {
		v->v_type = p;
		memcpy(p, type, tlen);
		p += tlen;
	}
	if (s != NULL) {
		v->v_str = p;
		memcpy(p, s, len);
		p[len] = '\0';
		v->v_len = len;
	}
	return (v);
}

/* The integer kinds (boolean and dateTime included) all keep v_int. */
static struct hostd_val *
hostd_val_new_int(enum hostd_val_kind kind, int64_t i)
{
	struct hostd_val	*v;

	v = hostd_val_new(kind, NULL, NULL, 0);
	v->v_int = i;
	return (v);
}

/*
 * The kinds that keep bytes in v_str (string, base64, enum, MoRef), with
 * their type name when they have one (type may be NULL).
 */
static struct hostd_val *
hostd_val_new_str(enum hostd_val_kind kind, const char *type, const void *s,
    size_t len)
{
	return (hostd_val_new(kind, type, s, len));
}

static const struct hostd_val_prim *
hostd_val_prim_kind(enum hostd_val_kind kind)
{
	size_t	i;

	for (i = 0; i < sizeof hostd_val_prims / sizeof hostd_val_prims[0];
	    i++) {
		if (hostd_val_prims[i].vp_kind == kind)
			return (&hostd_val_prims[i]);
	}
	return (NULL);
}

static const struct hostd_val_prim *
hostd_val_prim_name(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof hostd_val_prims / sizeof hostd_val_prims[0];
	    i++) {
		if (strcmp(hostd_val_prims[i].vp_name, name) == 0)
			return (&hostd_val_prims[i]);
	}
	return (NULL);
}

struct hostd_val *
hostd_val_stringn(const char *s, size_t len)
{
	return (hostd_val_new_str(HOSTD_VAL_STRING, NULL, s, len));
}

struct hostd_val *
hostd_val_string(const char *s)
{
	return (hostd_val_stringn(s, strlen(s)));
}

struct hostd_val *
hostd_val_int(int32_t i)
{
	return (hostd_val_new_int(HOSTD_VAL_INT, i));
}

struct hostd_val *
hostd_val_long(int64_t i)
{
	return (hostd_val_new_int(HOSTD_VAL_LONG, i));
}

struct hostd_val *
hostd_val_short(int16_t i)
{
	return (hostd_val_new_int(HOSTD_VAL_SHORT, i));
}

struct hostd_val *
hostd_val_byte(int8_t i)
{
	return (hostd_val_new_int(HOSTD_VAL_BYTE, i));
}

struct hostd_val *
hostd_val_bool(int b)
{
	return (hostd_val_new_int(HOSTD_VAL_BOOLEAN, b != 0));
}

struct hostd_val *
hostd_val_datetime(const struct timespec *ts)
{
	struct hostd_val	*v;

	v = hostd_val_new_int(HOSTD_VAL_DATETIME, ts->tv_sec);
	v->v_nsec = ts->tv_nsec;
	return (v);
}

struct hostd_val *
hostd_val_base64(const void *data, size_t len)
{
	return (hostd_val_new_str(HOSTD_VAL_BASE64, NULL, data, len));
}

struct hostd_val *
hostd_val_enum(const char *type, const char *literal)
{
	return (hostd_val_new_str(HOSTD_VAL_ENUM, type, literal,
	    strlen(literal)));
}

struct hostd_val *
hostd_val_moref(const char *type, const char *id)
{
	return (hostd_val_new_str(HOSTD_VAL_MOREF, type, id, strlen(id)));
}

struct hostd_val *
hostd_val_object(const char *type)
{
	return (hostd_val_new(HOSTD_VAL_OBJECT, type, NULL, 0));
}

struct hostd_val *
hostd_val_array(const char *itemtype)
{
	return (hostd_val_new(HOSTD_VAL_ARRAY, itemtype, NULL, 0));
}

struct hostd_val *
hostd_val_copy(const struct hostd_val *src)
{
	struct hostd_val	*v;
	size_t			 i;

	if (src == NULL)
		return (NULL);
	v = hostd_val_new(src->v_kind, src->v_type, src->v_str, src->v_len);
	v->v_int = src->v_int;
	v->v_nsec = src->v_nsec;
	for (i = 0; i < src->v_nfields; i++) {
		hostd_val_add_decl(v, src->v_fields[i].vf_name,
		    src->v_fields[i].vf_decl,
		    hostd_val_copy(src->v_fields[i].vf_val));
	}
	for (i = 0; i < src->v_nitems; i++)
		hostd_val_push(v, hostd_val_copy(src->v_items[i]));
	return (v);
}

void
hostd_val_free(struct hostd_val *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < v->v_nfields; i++) {
		free(v->v_fields[i].vf_name);	/* vf_decl is in it */
		hostd_val_free(v->v_fields[i].vf_val);
	}
	free(v->v_fields);
	for (i = 0; i < v->v_nitems; i++)
		hostd_val_free(v->v_items[i]);
	free(v->v_items);
	free(v);		/* v_type and v_str are in it */
}

void
hostd_val_add_decl(struct hostd_val *obj, const char *name, const char *decl,
    struct hostd_val *val)
{
	struct hostd_val_field	*f;
	size_t			 nlen, dlen;

	if (val == NULL)
		return;
	obj->v_fields = xgrowarray(obj->v_fields, obj->v_nfields,
	    sizeof *obj->v_fields);
	f = &obj->v_fields[obj->v_nfields++];
	/* Name and declared type in one allocation, owned by vf_name. */
	nlen = strlen(name) + 1;
	dlen = decl != NULL ? strlen(decl) + 1 : 0;
	f->vf_name = xmalloc(nlen + dlen);
	memcpy(f->vf_name, name, nlen);
	f->vf_decl = NULL;
	if (decl != NULL) {
		f->vf_decl = f->vf_name + nlen;
		memcpy(f->vf_decl, decl, dlen);
	}
	f->vf_val = val;
}

void
hostd_val_add(struct hostd_val *obj, const char *name, struct hostd_val *val)
{
	hostd_val_add_decl(obj, name, NULL, val);
}

void
hostd_val_add_str(struct hostd_val *obj, const char *name, const char *s)
{
	if (s != NULL)
		hostd_val_add(obj, name, hostd_val_string(s));
}

void
hostd_val_add_int(struct hostd_val *obj, const char *name, int32_t i)
{
	hostd_val_add(obj, name, hostd_val_int(i));
}

void
hostd_val_add_long(struct hostd_val *obj, const char *name, int64_t i)
{
	hostd_val_add(obj, name, hostd_val_long(i));
}

void
hostd_val_add_bool(struct hostd_val *obj, const char *name, int b)
{
	hostd_val_add(obj, name, hostd_val_bool(b));
}

void
hostd_val_add_moref(struct hostd_val *obj, const char *name, const char *type,
    const char *id)
{
	hostd_val_add(obj, name, hostd_val_moref(type, id));
}

void
hostd_val_push(struct hostd_val *arr, struct hostd_val *item)
{
	if (item == NULL)
		return;
	arr->v_items = xgrowarray(arr->v_items, arr->v_nitems,
	    sizeof *arr->v_items);
	arr->v_items[arr->v_nitems++] = item;
}

const struct hostd_val *
hostd_val_field(const struct hostd_val *obj, const char *name)
{
	return (hostd_val_field_nth(obj, name, 0));
}

size_t
hostd_val_field_count(const struct hostd_val *obj, const char *name)
{
	size_t	i, n = 0;

	if (obj == NULL || obj->v_kind != HOSTD_VAL_OBJECT)
		return (0);
	for (i = 0; i < obj->v_nfields; i++) {
		if (strcmp(obj->v_fields[i].vf_name, name) == 0)
			n++;
	}
	return (n);
}

const struct hostd_val *
hostd_val_field_nth(const struct hostd_val *obj, const char *name, size_t n)
{
	size_t	i;

	if (obj == NULL || obj->v_kind != HOSTD_VAL_OBJECT)
		return (NULL);
	for (i = 0; i < obj->v_nfields; i++) {
		if (strcmp(obj->v_fields[i].vf_name, name) != 0)
			continue;
		if (n-- == 0)
			return (obj->v_fields[i].vf_val);
	}
	return (NULL);
}

const char *
hostd_val_str(const struct hostd_val *v)
{
	if (v == NULL || (v->v_kind != HOSTD_VAL_STRING &&
	    v->v_kind != HOSTD_VAL_ENUM))
		return (NULL);
	return (v->v_str);
}

int
hostd_val_get_int(const struct hostd_val *v, int64_t min, int64_t max,
    int64_t *out)
{
	const char	*s;
	char		*end;
	long long	 ll;

	if (v == NULL) {
		errno = EINVAL;
		return (-1);
	}
	switch (v->v_kind) {
	case HOSTD_VAL_INT:
	case HOSTD_VAL_LONG:
	case HOSTD_VAL_SHORT:
	case HOSTD_VAL_BYTE:
		ll = v->v_int;
		break;
	case HOSTD_VAL_STRING:
		s = v->v_str;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || (!isdigit((unsigned char)*s) && *s != '-' &&
		    *s != '+')) {
			errno = EINVAL;
			return (-1);
		}
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (errno == ERANGE)
			return (-1);
		while (isspace((unsigned char)*end))
			end++;
		if (end == s || *end != '\0') {
			errno = EINVAL;
			return (-1);
		}
		break;
	default:
		errno = EINVAL;
		return (-1);
	}
	if (ll < min || ll > max) {
		errno = ERANGE;
		return (-1);
	}
	*out = ll;
	return (0);
}

int
hostd_val_get_bool(const struct hostd_val *v, int *out)
{
	const char	*s;

	if (v == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if (v->v_kind == HOSTD_VAL_BOOLEAN) {
		*out = v->v_int != 0;
		return (0);
	}
	if (v->v_kind != HOSTD_VAL_STRING) {
		errno = EINVAL;
		return (-1);
	}
	s = v->v_str;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = 0;
	else {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

int
hostd_val_is_moref(const struct hostd_val *v, const char *type)
{
	if (v == NULL || v->v_kind != HOSTD_VAL_MOREF)
		return (0);
	return (type == NULL || strcmp(v->v_type, type) == 0);
}

/* The bare type name a declared type is compared with. */
static const char *
hostd_val_own_type(const struct hostd_val *v)
{
	const struct hostd_val_prim	*p;

	switch (v->v_kind) {
	case HOSTD_VAL_MOREF:
		return (HOSTD_VAL_MOREF_TYPE);
	case HOSTD_VAL_ENUM:
	case HOSTD_VAL_OBJECT:
	case HOSTD_VAL_XML:
		return (v->v_type != NULL ? v->v_type : "");
	case HOSTD_VAL_ARRAY:
		return ("");
	default:
		p = hostd_val_prim_kind(v->v_kind);
		return (p->vp_name);
	}
}

const char *
hostd_val_xsi_type(const struct hostd_val *v, char *buf, size_t len)
{
	const struct hostd_val_prim	*p;

	if (v->v_kind == HOSTD_VAL_ARRAY) {
		if ((p = hostd_val_prim_name(v->v_type)) != NULL)
			return (p->vp_array);
		if (strcmp(v->v_type, HOSTD_VAL_ANYTYPE) == 0)
			return ("ArrayOfAnyType");
		/* vim25 type names start with a capital already. */
		snprintf(buf, len, "ArrayOf%c%s",
		    toupper((unsigned char)v->v_type[0]),
		    v->v_type[0] != '\0' ? v->v_type + 1 : "");
		return (buf);
	}
	if ((p = hostd_val_prim_kind(v->v_kind)) != NULL)
		return (p->vp_xsi);
	/* MoRefs, enums and objects are written as they are declared. */
	return (hostd_val_own_type(v));
}

void
hostd_val_format_datetime(const struct timespec *ts, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = ts->tv_sec;

	long		usec = (long)(ts->tv_nsec / 1000) % 1000000;
	int		year;
	char		*p;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	year = tm.tm_year + 1900;
	/*
	 * Every dateTime (CurrentTime's too) comes here: digits by hand
	 * rather than a printf, which costs more than the rest of a
	 * CurrentTime call.  Anything out of the usual (a year past four
	 * digits or before 0, a negative fraction, a short buffer) goes
	 * to the printf, which writes the same text for the usual ones.
	 */
	if (year < 0 || year > 9999 || usec < 0 || len < 28 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 0 ||
	    tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 ||
	    tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
	    tm.tm_sec > 60) {
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		    year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, usec);
		return;
	}
	p = fmt_datetime(buf, &tm);
	*p++ = '.';
	p = fmt_uint(p, (unsigned long long)usec, 6);
	*p++ = 'Z';
	*p = '\0';
}

/*
 * Length of the valid UTF-8 sequence at s (of at most len bytes) that XML
 * 1.0 allows, or 0.  Overlong forms, surrogates and U+FFFE/FFFF refused.
 */
static size_t
hostd_val_utf8_len(const unsigned char *s, size_t len)
{
	uint32_t	c;
	size_t		n, i;

	if (s[0] < 0x80)
		return (1);
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (n > len)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return (0);
	return (n);
}

/* 1 for the bytes text keeps as they are: printable ASCII but &<>". */
static const unsigned char hostd_val_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

static void
hostd_val_emit_text(struct hostd_val_buf *out, const char *text,
    size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i, start, n;

	start = 0;
	for (i = 0; i < len; i += n) {
		/* Most text is printable ASCII with nothing to escape. */
		while (i < len && hostd_val_plain[s[i]])
			i++;
		if (i == len)
			break;
		n = 1;
		switch (s[i]) {
		case '&':
		case '<':
		case '>':
		case '"':
		case '\r':
			break;
		case '\t':
		case '\n':
			continue;
		default:
			if (s[i] >= 0x20 && s[i] < 0x7f)
				continue;
			if (s[i] >= 0x80 &&
			    (n = hostd_val_utf8_len(s + i, len - i)) != 0)
				continue;
			n = 1;
			break;
		}
		hostd_val_put(out, s + start, i - start);
		start = i + 1;
		switch (s[i]) {
		case '&':
			hostd_val_put(out, "&amp;", 5);
			break;
		case '<':
			hostd_val_put(out, "&lt;", 4);
			break;
		case '>':
			hostd_val_put(out, "&gt;", 4);
			break;
		case '"':
			hostd_val_put(out, "&quot;", 6);
			break;
		case '\r':
			hostd_val_put(out, "&#13;", 5);
			break;
		default:
			/* Not representable in XML 1.0: U+FFFD. */
			hostd_val_put(out, "\xef\xbf\xbd", 3);
			break;
		}
	}
	hostd_val_put(out, s + start, len - start);
}

static void
hostd_val_write_attr(struct hostd_val_buf *out, const char *s)
{
	hostd_val_emit_text(out, s, strlen(s));
}

static void
hostd_val_write_b64(struct hostd_val_buf *out, const unsigned char *p,
    size_t len)
{
	char	 q[4];
	size_t	 i;
	uint32_t w;

	for (i = 0; i + 3 <= len; i += 3) {
		w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		q[0] = hostd_val_b64[w >> 18];
		q[1] = hostd_val_b64[(w >> 12) & 63];
		q[2] = hostd_val_b64[(w >> 6) & 63];
		q[3] = hostd_val_b64[w & 63];
		hostd_val_put(out, q, 4);
	}
	if (len - i == 0)
		return;
	w = (uint32_t)p[i] << 16;
	if (len - i == 2)
		w |= (uint32_t)p[i + 1] << 8;
	q[0] = hostd_val_b64[w >> 18];
	q[1] = hostd_val_b64[(w >> 12) & 63];
	q[2] = len - i == 2 ? hostd_val_b64[(w >> 6) & 63] : '=';
	q[3] = '=';
	hostd_val_put(out, q, 4);
}

/* The decimal text of i, as printf's PRId64 writes it, without one. */
static void
hostd_val_write_int(struct hostd_val_buf *out, int64_t i)
{
	char	buf[FMT_INT_MAX];

	hostd_val_put(out, buf, (size_t)(fmt_int(buf, i) - buf));
}

/* The content of an element holding v (not an array). */
static void
hostd_val_write_body(struct hostd_val_buf *out, const struct hostd_val *v)
{
	char	buf[64];

	switch (v->v_kind) {
	case HOSTD_VAL_STRING:
	case HOSTD_VAL_ENUM:
	case HOSTD_VAL_MOREF:
		hostd_val_emit_text(out, v->v_str, v->v_len);
		break;
	case HOSTD_VAL_INT:
	case HOSTD_VAL_LONG:
	case HOSTD_VAL_SHORT:
	case HOSTD_VAL_BYTE:
		hostd_val_write_int(out, v->v_int);
		break;
	case HOSTD_VAL_BOOLEAN:
		if (v->v_int)
			hostd_val_put(out, "true", 4);
		else
			hostd_val_put(out, "false", 5);
		break;
	case HOSTD_VAL_DATETIME: {
		struct timespec	ts;

		ts.tv_sec = (time_t)v->v_int;
		ts.tv_nsec = v->v_nsec;
		hostd_val_format_datetime(&ts, buf, sizeof buf);
		hostd_val_put(out, buf, strlen(buf));
		break;
	}
	case HOSTD_VAL_BASE64:
		hostd_val_write_b64(out, (const unsigned char *)v->v_str,
		    v->v_len);
		break;
	case HOSTD_VAL_OBJECT:
		hostd_val_emit_fields(out, v);
		break;
	case HOSTD_VAL_XML:
		hostd_val_put(out, v->v_str, v->v_len);
		break;
	case HOSTD_VAL_ARRAY:
		break;
	}
}

static void
hostd_val_emit_fields(struct hostd_val_buf *out,
    const struct hostd_val *obj)
{
	size_t	i;

	if (obj->v_kind != HOSTD_VAL_OBJECT)
		return;
	for (i = 0; i < obj->v_nfields; i++) {
		hostd_val_emit(out, obj->v_fields[i].vf_name,
		    obj->v_fields[i].vf_decl, obj->v_fields[i].vf_val);
	}
}

/*
 * An array: in an anyType slot one ArrayOfX element with <X> items, each
 * with its xsi:type as ESX writes them (libvirt's ESX driver reads every
 * item as an anyType and fails without it); as a field (declared as the
 * item type, or NULL) one element per item.
 */
static void
hostd_val_write_array(struct hostd_val_buf *out, const char *name,
    const char *decl, const struct hostd_val *v)
{
	char		 buf[HOSTD_VAL_TYPE_MAX + 16];
	const char	*xsi;
	size_t		 i;

	xsi = hostd_val_xsi_type(v, buf, sizeof buf);
	if (decl == NULL || strcmp(decl, v->v_type) == 0) {
		for (i = 0; i < v->v_nitems; i++)
			hostd_val_emit(out, name, v->v_type, v->v_items[i]);
		return;
	}
	hostd_val_write_tag(out, "<", name);
	if (strcmp(decl, xsi) != 0) {
		hostd_val_put(out, " xsi:type=\"", 11);
		hostd_val_write_attr(out, xsi);
		hostd_val_put(out, "\"", 1);
	}
	hostd_val_put(out, ">", 1);
	for (i = 0; i < v->v_nitems; i++)
		hostd_val_emit(out, v->v_type, HOSTD_VAL_ANYTYPE,
		    v->v_items[i]);
	hostd_val_write_tag(out, "</", name);
}

static void
hostd_val_emit(struct hostd_val_buf *out, const char *name,
    const char *decl, const struct hostd_val *v)
{
	char		 buf[HOSTD_VAL_TYPE_MAX + 16];
	const char	*own;

	if (v == NULL)
		return;
	if (v->v_kind == HOSTD_VAL_ARRAY) {
		hostd_val_write_array(out, name, decl, v);
		return;
	}
	own = hostd_val_own_type(v);
	hostd_val_write_tag(out, "<", name);
	if (decl != NULL && strcmp(decl, own) != 0) {
		hostd_val_put(out, " xsi:type=\"", 11);
		hostd_val_write_attr(out, hostd_val_xsi_type(v, buf,
		    sizeof buf));
		hostd_val_put(out, "\"", 1);
	}
	if (v->v_kind == HOSTD_VAL_MOREF) {
		hostd_val_put(out, " type=\"", 7);
		hostd_val_write_attr(out, v->v_type);
		hostd_val_put(out, "\"", 1);
	}
	hostd_val_put(out, ">", 1);
	hostd_val_write_body(out, v);
	hostd_val_write_tag(out, "</", name);
}

/* "<name" or "</name>" (open "<" or "</"), without a printf per tag. */
static void
hostd_val_write_tag(struct hostd_val_buf *out, const char *open,
    const char *name)
{
	size_t	olen, nlen;
	char	*p;

	olen = open[1] == '/' ? 2 : 1;
	nlen = strlen(name);
	if (olen + nlen + 1 > out->vo_size - out->vo_len) {
		hostd_val_put(out, open, olen);
		hostd_val_put(out, name, nlen);
		if (olen == 2)
			hostd_val_put(out, ">", 1);
		return;
	}
	p = out->vo_buf + out->vo_len;
	memcpy(p, open, olen);
	memcpy(p + olen, name, nlen);
	if (olen == 2)
		p[olen + nlen++] = '>';
	out->vo_len += olen + nlen;
}

static void
hostd_val_flush(struct hostd_val_buf *out)
{
	if (out->vo_len > 0)
		evbuffer_add(out->vo_evb, out->vo_buf, out->vo_len);
	out->vo_len = 0;
}

static void
hostd_val_put(struct hostd_val_buf *out, const void *p, size_t len)
{
	size_t	size;

	if (len > out->vo_size - out->vo_len) {
		if (out->vo_evb == NULL) {
			for (size = out->vo_size; len > size - out->vo_len;
			    size *= 2) {
				if (size > SIZE_MAX / 2)
					fatalx("value too large");
			}
			out->vo_buf = xrealloc(out->vo_buf, size);
			out->vo_size = size;
		} else {
			hostd_val_flush(out);
			if (len > out->vo_size) {
				evbuffer_add(out->vo_evb, p, len);
				return;
			}
		}
	}
	memcpy(out->vo_buf + out->vo_len, p, len);
	out->vo_len += len;
}

/*
 * The public writers stage into a buffer of their own (on the heap: it
 * is too large for a stack that may be deep already) and hand it over
 * at the end.
 */
static struct hostd_val_buf *
hostd_val_out_open(struct evbuffer *evb)
{
	struct hostd_val_buf	*out;

	out = xmalloc(sizeof *out + HOSTD_VAL_OUTBUF);
	out->vo_evb = evb;
	out->vo_buf = out->vo_fixed;
	out->vo_len = 0;
	out->vo_size = HOSTD_VAL_OUTBUF;
	return (out);
}

static void
hostd_val_out_close(struct hostd_val_buf *out)
{
	hostd_val_flush(out);
	free(out);
}

struct hostd_val_buf *
hostd_val_buf_new(void)
{
	struct hostd_val_buf	*b;

	b = xmalloc(sizeof *b);
	b->vo_evb = NULL;
	b->vo_buf = xmalloc(HOSTD_VAL_BUF_MIN);
	b->vo_len = 0;
	b->vo_size = HOSTD_VAL_BUF_MIN;
	return (b);
}

void
hostd_val_buf_free(struct hostd_val_buf *b)
{
	if (b == NULL)
		return;
	free(b->vo_buf);
	free(b);
}

void
hostd_val_buf_markup(struct hostd_val_buf *b, const char *s, size_t len)
{
	hostd_val_put(b, s, len);
}

void
hostd_val_buf_text(struct hostd_val_buf *b, const char *s, size_t len)
{
	hostd_val_emit_text(b, s, len);
}

void
hostd_val_buf_val(struct hostd_val_buf *b, const char *name,
    const char *decl, const struct hostd_val *v)
{
	hostd_val_emit(b, name, decl, v);
}

const char *
hostd_val_buf_data(const struct hostd_val_buf *b, size_t *len)
{
	*len = b->vo_len;
	return (b->vo_buf);
}

void
hostd_val_buf_reset(struct hostd_val_buf *b)
{
	b->vo_len = 0;
}

struct hostd_val *
hostd_val_buf_take(struct hostd_val_buf *b, const char *type)
{
	struct hostd_val	*v;

	v = hostd_val_new(HOSTD_VAL_XML, type, b->vo_buf, b->vo_len);
	b->vo_len = 0;
	return (v);
}

void
hostd_val_write(struct evbuffer *evb, const char *name, const char *decl,
    const struct hostd_val *v)
{
	struct hostd_val_buf	*out;

	if (v == NULL)
		return;
	out = hostd_val_out_open(evb);
	hostd_val_emit(out, name, decl, v);
	hostd_val_out_close(out);
}

void
hostd_val_write_fields(struct evbuffer *evb, const struct hostd_val *obj)
{
	struct hostd_val_buf	*out;

	if (obj->v_kind != HOSTD_VAL_OBJECT)
		return;
	out = hostd_val_out_open(evb);
	hostd_val_emit_fields(out, obj);
	hostd_val_out_close(out);
}

void
hostd_val_write_text(struct evbuffer *evb, const char *text, size_t len)
{
	struct hostd_val_buf	*out;

	out = hostd_val_out_open(evb);
	hostd_val_emit_text(out, text, len);
	hostd_val_out_close(out);
}

/* ---- reading requests ------------------------------------------------ */

static int
hostd_val_has_elements(xmlNodePtr node)
{
	return (xml_child(node, NULL, NULL) != NULL);
}

/* A type name without a stray "ns1:" prefix (govmomi issue 945). */
static char *
hostd_val_bare(const char *s)
{
	const char	*colon;

	if ((colon = strrchr(s, ':')) != NULL)
		s = colon + 1;
	return (xstrdup(s));
}

/*
 * Resolve the QName qname in node's scope: *local gets the local part
 * (caller frees) and *xsd is 1 for the XML Schema namespace, 0 for vim25
 * (or no namespace, as govmomi and pyVmomi write vim25 types).
 */
static int
hostd_val_resolve(xmlNodePtr node, const char *qname, char **local, int *xsd,
    char **cause)
{
	const char	*colon;
	char		*prefix = NULL;
	xmlNsPtr	 ns;

	if ((colon = strchr(qname, ':')) != NULL)
		prefix = xstrndup(qname, colon - qname);
	ns = xmlSearchNs(node->doc, node, (const xmlChar *)prefix);
	if (prefix != NULL && ns == NULL && strcmp(prefix, "xsd") == 0) {
		/*
		 * govmomi writes xsi:type="xsd:string" (an OptionValue in
		 * extraConfig) without declaring xsd; ESX takes the
		 * conventional prefix as XML Schema.
		 */
		free(prefix);
		*xsd = 1;
		*local = xstrdup(colon + 1);
		if (**local == '\0' || strlen(*local) > HOSTD_VAL_TYPE_MAX) {
			xasprintf(cause, "bad xsi:type '%.64s'", qname);
			free(*local);
			return (-1);
		}
		return (0);
	}
	if (prefix != NULL && ns == NULL) {
		xasprintf(cause, "xsi:type '%.64s' uses an undeclared prefix",
		    qname);
		free(prefix);
		return (-1);
	}
	free(prefix);
	*xsd = 0;
	if (ns != NULL && ns->href != NULL) {
		if (strcmp((const char *)ns->href, HOSTD_NS_XSD) == 0)
			*xsd = 1;
		else if (strcmp((const char *)ns->href, HOSTD_NS_VIM25) != 0 &&
		    colon != NULL) {
			xasprintf(cause, "xsi:type '%.64s' is not a vim25 "
			    "or XML Schema type", qname);
			return (-1);
		}
	}
	*local = xstrdup(colon != NULL ? colon + 1 : qname);
	if (**local == '\0' || strlen(*local) > HOSTD_VAL_TYPE_MAX) {
		xasprintf(cause, "bad xsi:type '%.64s'", qname);
		free(*local);
		return (-1);
	}
	return (0);
}

static int
hostd_val_parse_datetime(const char *s, struct timespec *ts)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, se, n = 0, sign, oh, om;
	long		 frac = 0, scale = 100000000;
	const char	*p;
	time_t		 t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se,
	    &n) != 6 || n != 19)
		return (-1);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 || y < 1 || h < 0 || mi < 0 || se < 0)
		return (-1);
	p = s + n;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return (-1);
		for (; isdigit((unsigned char)*p); p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh > 14 || om > 59 || oh < 0 || om < 0)
			return (-1);
		t -= sign * (oh * 3600 + om * 60);
		p += 6;
	}
	if (*p != '\0')
		return (-1);
	ts->tv_sec = t;
	ts->tv_nsec = frac;
	return (0);
}

static int
hostd_val_parse_b64(const char *s, unsigned char **out, size_t *outlen)
{
	unsigned char	*buf;
	const char	*q;
	size_t		 n = 0, len;
	uint32_t	 w = 0;
	int		 bits = 0, pad = 0;

	len = strlen(s);
	buf = xmalloc(len / 4 * 3 + 3);
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || (q = strchr(hostd_val_b64, *s)) == NULL) {
			free(buf);
			return (-1);
		}
		w = (w << 6) | (uint32_t)(q - hostd_val_b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (w >> bits) & 0xff;
		}
	}
	if (pad > 2 || bits >= 6) {
		free(buf);
		return (-1);
	}
	*out = buf;
	*outlen = n;
	return (0);
}

static struct hostd_val *
hostd_val_parse_prim(const struct hostd_val_prim *p, const char *text,
    char **cause)
{
	struct hostd_val	*v, tmp;
	struct timespec		 ts;
	unsigned char		*bytes;
	size_t			 len;
	int64_t			 i;
	int			 b;

	switch (p->vp_kind) {
	case HOSTD_VAL_STRING:
		return (hostd_val_string(text));
	case HOSTD_VAL_BOOLEAN:
		memset(&tmp, 0, sizeof tmp);
		tmp.v_kind = HOSTD_VAL_STRING;
		tmp.v_str = (char *)text;
		if (hostd_val_get_bool(&tmp, &b) != 0)
			break;
		return (hostd_val_bool(b));
	case HOSTD_VAL_DATETIME:
		if (hostd_val_parse_datetime(text, &ts) != 0)
			break;
		return (hostd_val_datetime(&ts));
	case HOSTD_VAL_BASE64:
		if (hostd_val_parse_b64(text, &bytes, &len) != 0)
			break;
		v = hostd_val_base64(bytes, len);
		free(bytes);
		return (v);
	default:
		memset(&tmp, 0, sizeof tmp);
		tmp.v_kind = HOSTD_VAL_STRING;
		tmp.v_str = (char *)text;
		if (hostd_val_get_int(&tmp, p->vp_min, p->vp_max, &i) != 0)
			break;
		v = hostd_val_new_int(p->vp_kind, i);
		return (v);
	}
	xasprintf(cause, "'%.64s' is not a valid %s", text, p->vp_name);
	return (NULL);
}

static struct hostd_val *
hostd_val_parse_node(xmlNodePtr node, const char *decl, int *badtype,
    char **cause)
{
	const struct hostd_val_prim	*p = NULL;
	struct hostd_val		*v = NULL, *item;
	xmlNodePtr			 child;
	char				*xsi, *type = NULL, *text = NULL;
	char				*itemtype = NULL, *mo;
	int				 xsd = 0;

	xsi = xml_attr(node, HOSTD_NS_XSI, "type");
	if (xsi != NULL) {
		if (hostd_val_resolve(node, xsi, &type, &xsd, cause) != 0) {
			free(xsi);
			return (NULL);
		}
		free(xsi);
		if (xsd) {
			if ((p = hostd_val_prim_name(type)) == NULL) {
				if (strcmp(type, HOSTD_VAL_ANYTYPE) != 0) {
					xasprintf(cause, "unsupported XML "
					    "Schema type '%s'", type);
					*badtype = 1;
					goto fail;
				}
				free(type);
				type = NULL;
			}
		} else if (strncmp(type, "ArrayOf", 7) == 0 &&
		    type[7] != '\0') {
			itemtype = xstrdup(type + 7);
			/* ArrayOfString items are <string>: lower the prim. */
			itemtype[0] = tolower((unsigned char)itemtype[0]);
			if (hostd_val_prim_name(itemtype) == NULL &&
			    strcmp(itemtype, "managedObjectReference") != 0 &&
			    strcmp(itemtype, HOSTD_VAL_ANYTYPE) != 0)
				itemtype[0] = type[7];
			if (strcmp(itemtype, "managedObjectReference") == 0)
				itemtype[0] = 'M';
		}
		/* A primitive declared slot must get that primitive. */
		if (decl != NULL && hostd_val_prim_name(decl) != NULL &&
		    (p == NULL || strcmp(p->vp_name, decl) != 0)) {
			xasprintf(cause, "xsi:type '%s' where %s is expected",
			    type != NULL ? type : "anyType", decl);
			*badtype = 1;
			goto fail;
		}
	} else if (decl != NULL && strncmp(decl, "ArrayOf", 7) == 0)
		itemtype = xstrdup(decl + 7);
	else if (decl != NULL && strcmp(decl, HOSTD_VAL_ANYTYPE) != 0)
		p = hostd_val_prim_name(decl);

	if (itemtype != NULL) {
		v = hostd_val_array(itemtype);
		for (child = xml_child(node, NULL, NULL); child != NULL;
		    child = xml_next(child, NULL, NULL)) {
			item = hostd_val_parse_node(child, itemtype, badtype,
			    cause);
			if (item == NULL)
				goto fail;
			hostd_val_push(v, item);
		}
		goto done;
	}
	if (p != NULL) {
		if (hostd_val_has_elements(node)) {
			xasprintf(cause, "element where %s text is expected",
			    p->vp_name);
			goto fail;
		}
		text = xml_text(node);
		v = hostd_val_parse_prim(p, text, cause);
		goto done;
	}
	mo = xml_attr(node, NULL, "type");
	if ((type != NULL && strcmp(type, HOSTD_VAL_MOREF_TYPE) == 0) ||
	    (decl != NULL && strcmp(decl, HOSTD_VAL_MOREF_TYPE) == 0) ||
	    (type == NULL && mo != NULL && !hostd_val_has_elements(node))) {
		if (mo == NULL || *mo == '\0' || hostd_val_has_elements(node)) {
			free(mo);
			xasprintf(cause, "not a managed object reference");
			goto fail;
		}
		text = xml_text(node);
		free(type);
		type = hostd_val_bare(mo);
		free(mo);
		v = hostd_val_moref(type, text);
		goto done;
	}
	free(mo);
	text = xml_text(node);
	if (!hostd_val_has_elements(node) && (type != NULL || decl != NULL) &&
	    text[strspn(text, " \t\r\n")] != '\0') {
		/* A typed leaf with text: an enum literal. */
		v = hostd_val_enum(type != NULL ? type : decl, text);
		goto done;
	}
	if (hostd_val_has_elements(node) || decl != NULL || type != NULL) {
		v = hostd_val_object(type != NULL ? type : decl);
		for (child = xml_child(node, NULL, NULL); child != NULL;
		    child = xml_next(child, NULL, NULL)) {
			item = hostd_val_parse_node(child, NULL, badtype,
			    cause);
			if (item == NULL)
				goto fail;
			hostd_val_add(v, (const char *)child->name, item);
		}
		goto done;
	}
	v = hostd_val_string(text);
done:
	free(type);
	free(itemtype);
	free(text);
	return (v);
fail:
	hostd_val_free(v);
	free(type);
	free(itemtype);
	free(text);
	return (NULL);
}

struct hostd_val *
hostd_val_parse(struct _xmlNode *node, const char *decl, int *badtype,
    char **cause)
{
	struct hostd_val	*v;
	int			 dummy = 0;

	if (badtype == NULL)
		badtype = &dummy;
	*badtype = 0;
	*cause = NULL;
	if (node == NULL || node->type != XML_ELEMENT_NODE) {
		xasprintf(cause, "no element");
		errno = EINVAL;
		return (NULL);
	}
	/* An anyType slot without xsi:type is read generically. */
	if (decl != NULL && strcmp(decl, HOSTD_VAL_ANYTYPE) == 0)
		decl = NULL;
	v = hostd_val_parse_node(node, decl, badtype, cause);
	if (v == NULL) {
		if (*cause == NULL)
			*cause = xstrdup("bad value");
		errno = EINVAL;
	}
	return (v);
}
