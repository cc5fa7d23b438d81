/* SPDX-License-Identifier: ISC */
/*
 * CMPI values stored by the broker (broker.h): deep copies of what a
 * provider passes, read only through the member of the declared width
 * and with memcpy (providers pass the address of a 2-byte local for a
 * uint16, which is neither as large nor as aligned as a CMPIValue), with
 * CMPI_chars meaning the pointer is the text and stored as CMPI_string
 * (cim.md §3.10).  Name/value lists back instances, keys, args and
 * contexts; names compare case-insensitively.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "broker.h"
#include "xmalloc.h"

int
cmpivalue_is_simple(CMPIType t)
{
	return ((t & CMPI_ENC) == 0 && t != CMPI_null);
}

CMPIData
cmpivalue_notfound(void)
{
	CMPIData	d;

	memset(&d, 0, sizeof d);
	d.state = CMPI_notFound | CMPI_nullValue;
	return (d);
}

/* Copy v of type t into d (owned by d's container).  -1: bad type. */
int
cmpivalue_copy(struct broker *br, CMPIData *d, const CMPIValue *v,
    CMPIType t)
{
	const CMPIArray	*a;
	CMPIString	*str;
	CMPIObjectPath	*ref;
	CMPIInstance	*inst;
	CMPIDateTime	*dt;
	CMPIData	 e;
	CMPICount	 i, n;
	CMPIType	 et;

	memset(d, 0, sizeof *d);
	d->type = t == CMPI_chars ? CMPI_string :
	    t == CMPI_charsA ? CMPI_stringA : t;
	if (v == NULL || (t == CMPI_chars && (const char *)v == NULL)) {
		d->state = CMPI_nullValue;
		return (0);
	}
	if (t & CMPI_ARRAY) {
		memcpy(&a, v, sizeof a);
		if (a == NULL) {
			d->state = CMPI_nullValue;
			return (0);
		}
		n = a->ft->getSize(a, NULL);
		et = a->ft->getSimpleType(a, NULL);
		if (et == CMPI_chars)
			et = CMPI_string;
		d->type = et | CMPI_ARRAY;
		d->value.array = cmpiobj_own(cmpi_array_new(br, n, et));
		for (i = 0; i < n; i++) {
			e = a->ft->getElementAt(a, i, NULL);
			if (e.state & CMPI_nullValue)
				continue;
			d->value.array->ft->setElementAt(d->value.array, i,
			    &e.value, e.type);
		}
		return (0);
	}
	switch (t) {
	case CMPI_boolean:
		memcpy(&d->value.boolean, v, sizeof d->value.boolean);
		break;
	case CMPI_char16:
		memcpy(&d->value.char16, v, sizeof d->value.char16);
		break;
	case CMPI_uint8:
		memcpy(&d->value.uint8, v, sizeof d->value.uint8);
		break;
	case CMPI_sint8:
		memcpy(&d->value.sint8, v, sizeof d->value.sint8);
		break;
	case CMPI_uint16:
		memcpy(&d->value.uint16, v, sizeof d->value.uint16);
		break;
	case CMPI_sint16:
		memcpy(&d->value.sint16, v, sizeof d->value.sint16);
		break;
	case CMPI_uint32:
		memcpy(&d->value.uint32, v, sizeof d->value.uint32);
		break;
	case CMPI_sint32:
		memcpy(&d->value.sint32, v, sizeof d->value.sint32);
		break;
	case CMPI_uint64:
		memcpy(&d->value.uint64, v, sizeof d->value.uint64);
		break;
	case CMPI_sint64:
		memcpy(&d->value.sint64, v, sizeof d->value.sint64);
		break;
	case CMPI_real32:
		memcpy(&d->value.real32, v, sizeof d->value.real32);
		break;
	case CMPI_real64:
		memcpy(&d->value.real64, v, sizeof d->value.real64);
		break;
	case CMPI_chars:
		d->value.string = cmpiobj_own(cmpi_string_new(br,
		    (const char *)v));
		break;
	case CMPI_string:
		memcpy(&str, v, sizeof str);
		if (str == NULL) {
			d->state = CMPI_nullValue;
			return (0);
		}
		d->value.string = str->ft->clone(str, NULL);
		break;
	case CMPI_ref:
		memcpy(&ref, v, sizeof ref);
		if (ref == NULL) {
			d->state = CMPI_nullValue;
			return (0);
		}
		d->value.ref = ref->ft->clone(ref, NULL);
		break;
	case CMPI_instance:
		memcpy(&inst, v, sizeof inst);
		if (inst == NULL) {
			d->state = CMPI_nullValue;
			return (0);
		}
		d->value.inst = inst->ft->clone(inst, NULL);
		break;
	case CMPI_dateTime:
		memcpy(&dt, v, sizeof dt);
		if (dt == NULL) {
			d->state = CMPI_nullValue;
			return (0);
		}
		d->value.dateTime = dt->ft->clone(dt, NULL);
		break;
	case CMPI_null:
		d->state = CMPI_nullValue;
		break;
	default:
		return (-1);
	}
	if (d->value.string == NULL && (t == CMPI_string || t == CMPI_chars ||
	    t == CMPI_ref || t == CMPI_instance || t == CMPI_dateTime))
		d->state = CMPI_nullValue;
	(void)br;
	return (0);
}

int
cmpivalue_dup(struct broker *br, CMPIData *d, const CMPIData *s)
{
	CMPIValueState	st = s->state;

	if (s->state & CMPI_nullValue) {
		memset(d, 0, sizeof *d);
		d->type = s->type;
		d->state = s->state;
		return (0);
	}
	if (cmpivalue_copy(br, d, &s->value, s->type) == -1)
		return (-1);
	d->state = st;
	return (0);
}

void
cmpivalue_free(CMPIData *d)
{
	CMPIType	t = d->type;

	if ((d->state & CMPI_nullValue) == 0) {
		if (t & CMPI_ARRAY) {
			if (d->value.array != NULL)
				d->value.array->ft->release(d->value.array);
		} else if (t == CMPI_string && d->value.string != NULL)
			d->value.string->ft->release(d->value.string);
		else if (t == CMPI_ref && d->value.ref != NULL)
			d->value.ref->ft->release(d->value.ref);
		else if (t == CMPI_instance && d->value.inst != NULL)
			d->value.inst->ft->release(d->value.inst);
		else if (t == CMPI_dateTime && d->value.dateTime != NULL)
			d->value.dateTime->ft->release(d->value.dateTime);
	}
	memset(d, 0, sizeof *d);
	d->state = CMPI_nullValue;
}

struct cmpivalue_entry *
cmpivalue_find(const struct cmpivalue_list *l, const char *name)
{
	size_t	i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < l->vl_n; i++)
		if (strcasecmp(l->vl_v[i].ve_name, name) == 0)
			return (&l->vl_v[i]);
	return (NULL);
}

CMPIrc
cmpivalue_set(struct broker *br, struct cmpivalue_list *l, const char *name,
    const CMPIValue *v, CMPIType t, CMPIValueState state)
{
	struct cmpivalue_entry	*e;
	CMPIData		 d;

	if (name == NULL || *name == '\0')
		return (CMPI_RC_ERR_INVALID_PARAMETER);
	if (cmpivalue_copy(br, &d, v, t) == -1)
		return (CMPI_RC_ERR_INVALID_DATA_TYPE);
	d.state |= state;
	if ((e = cmpivalue_find(l, name)) != NULL) {
		cmpivalue_free(&e->ve_data);
		e->ve_data = d;
		return (CMPI_RC_OK);
	}
	l->vl_v = xreallocarray(l->vl_v, l->vl_n + 1, sizeof *l->vl_v);
	e = &l->vl_v[l->vl_n++];
	e->ve_name = xstrdup(name);
	e->ve_data = d;
	e->ve_origin = NULL;
	return (CMPI_RC_OK);
}

void
cmpivalue_list_free(struct cmpivalue_list *l)
{
	size_t	i;

	for (i = 0; i < l->vl_n; i++) {
		free(l->vl_v[i].ve_name);
		free(l->vl_v[i].ve_origin);
		cmpivalue_free(&l->vl_v[i].ve_data);
	}
	free(l->vl_v);
	l->vl_v = NULL;
	l->vl_n = 0;
}

void
cmpivalue_list_copy(struct broker *br, struct cmpivalue_list *d,
    const struct cmpivalue_list *s)
{
	size_t	i;

	d->vl_v = s->vl_n ? xcalloc(s->vl_n, sizeof *d->vl_v) : NULL;
	d->vl_n = s->vl_n;
	for (i = 0; i < s->vl_n; i++) {
		d->vl_v[i].ve_name = xstrdup(s->vl_v[i].ve_name);
		d->vl_v[i].ve_origin = s->vl_v[i].ve_origin != NULL ?
		    xstrdup(s->vl_v[i].ve_origin) : NULL;
		if (cmpivalue_dup(br, &d->vl_v[i].ve_data,
		    &s->vl_v[i].ve_data) == -1) {
			memset(&d->vl_v[i].ve_data, 0, sizeof(CMPIData));
			d->vl_v[i].ve_data.state = CMPI_nullValue;
		}
	}
}

/* The value of name in l (borrowed), or notfound with that rc. */
CMPIData
cmpivalue_get(const struct cmpivalue_list *l, const char *name,
    CMPIrc notfound, CMPIStatus *rc)
{
	struct cmpivalue_entry	*e;

	if ((e = cmpivalue_find(l, name)) == NULL) {
		cmpiobj_rc(rc, notfound);
		return (cmpivalue_notfound());
	}
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (e->ve_data);
}

/* Entry i of l, its name as a new string in *name when asked. */
CMPIData
cmpivalue_getat(struct broker *br, const struct cmpivalue_list *l,
    CMPICount i, CMPIString **name, CMPIrc notfound, CMPIStatus *rc)
{
	if (i >= l->vl_n) {
		cmpiobj_rc(rc, notfound);
		return (cmpivalue_notfound());
	}
	if (name != NULL)
		*name = cmpi_string_new(br, l->vl_v[i].ve_name);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (l->vl_v[i].ve_data);
}
