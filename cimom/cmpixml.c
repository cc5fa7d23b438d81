/* SPDX-License-Identifier: ISC */
/*
 * CIM-XML <-> CMPI objects (cmpixml.h).  Values coming from a request
 * are checked against their declared type (range and syntax) and refused
 * with CIM_ERR_INVALID_PARAMETER rather than truncated.  Keys a class
 * does not declare keep the SFCB typing: string, boolean, or a 64-bit
 * integer by sign (cim.md §1.5).
 */

#include "config.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "broker.h"
#include "cimxml.h"
#include "cmpixml.h"
#include "repository.h"
#include "xml.h"
#include "xmalloc.h"

static void	cmpixml_scalar(struct evbuffer *, CMPIType, const CMPIValue *,
		    const char *);
static int	cmpixml_keyvalue(struct broker *, xmlNodePtr,
		    const struct repo_class *, const char *, const char *,
		    CMPIObjectPath *, char **);
static int	cmpixml_is_uint(CMPIType);
static int	cmpixml_is_sint(CMPIType);

const char *
cmpixml_type_name(CMPIType t)
{
	t &= ~CMPI_ARRAY;
	if (t == CMPI_chars)
		t = CMPI_string;
	if (t == CMPI_instance)
		return ("string");
	return (repository_type_name(t));
}

static int
cmpixml_is_uint(CMPIType t)
{
	return (t == CMPI_uint8 || t == CMPI_uint16 || t == CMPI_uint32 ||
	    t == CMPI_uint64);
}

static int
cmpixml_is_sint(CMPIType t)
{
	return (t == CMPI_sint8 || t == CMPI_sint16 || t == CMPI_sint32 ||
	    t == CMPI_sint64);
}

int
cmpixml_value(struct broker *br, CMPIType t, const char *s, CMPIValue *v)
{
	unsigned long long	 u;
	long long		 i;
	double			 d;
	char			*end;

	memset(v, 0, sizeof *v);
	errno = 0;
	if (cmpixml_is_uint(t)) {
		s += strspn(s, " \t\r\n");
		if (*s == '-')
			return (-1);
		u = strtoull(s, &end, 0);
		if (errno != 0 || end == s || end[strspn(end, " \t\r\n")])
			return (-1);
		if ((t == CMPI_uint8 && u > UINT8_MAX) ||
		    (t == CMPI_uint16 && u > UINT16_MAX) ||
		    (t == CMPI_uint32 && u > UINT32_MAX))
			return (-1);
		switch (t) {
		case CMPI_uint8: v->uint8 = (CMPIUint8)u; break;
		case CMPI_uint16: v->uint16 = (CMPIUint16)u; break;
		case CMPI_uint32: v->uint32 = (CMPIUint32)u; break;
		default: v->uint64 = u; break;
		}
		return (0);
	}
	if (cmpixml_is_sint(t)) {
		i = strtoll(s, &end, 0);
		if (errno != 0 || end == s || end[strspn(end, " \t\r\n")])
			return (-1);
		if ((t == CMPI_sint8 && (i < INT8_MIN || i > INT8_MAX)) ||
		    (t == CMPI_sint16 && (i < INT16_MIN || i > INT16_MAX)) ||
		    (t == CMPI_sint32 && (i < INT32_MIN || i > INT32_MAX)))
			return (-1);
		switch (t) {
		case CMPI_sint8: v->sint8 = (CMPISint8)i; break;
		case CMPI_sint16: v->sint16 = (CMPISint16)i; break;
		case CMPI_sint32: v->sint32 = (CMPISint32)i; break;
		default: v->sint64 = i; break;
		}
		return (0);
	}
	switch (t) {
	case CMPI_boolean:
		if (strcasecmp(s, "true") == 0)
			v->boolean = 1;
		else if (strcasecmp(s, "false") != 0)
			return (-1);
		return (0);
	case CMPI_real32:
	case CMPI_real64:
		d = strtod(s, &end);
		if (errno != 0 || end == s || *end != '\0' || !isfinite(d))
			return (-1);
		if (t == CMPI_real32)
			v->real32 = (CMPIReal32)d;
		else
			v->real64 = d;
		return (0);
	case CMPI_char16:
		v->char16 = (unsigned char)s[0];
		return (0);
	case CMPI_dateTime:
		return ((v->dateTime = cmpi_datetime_parse(br, s)) == NULL ?
		    -1 : 0);
	case CMPI_string:
		v->string = cmpi_string_new(br, s);
		return (0);
	}
	return (-1);
}

/* One KEYBINDING into op, typed by the class's key when it has one. */
static int
cmpixml_keyvalue(struct broker *br, xmlNodePtr kb, const struct repo_class *c,
    const char *ns, const char *name, CMPIObjectPath *op, char **desc)
{
	const struct repo_feature	*f = NULL;
	xmlNodePtr			 kv, ref;
	CMPIValue			 v;
	CMPIObjectPath			*target;
	CMPIType			 t;
	char				*text, *vt;
	int				 rc;

	if (c != NULL)
		f = repository_feature(c, REPO_PROPERTY, name);
	if ((ref = xml_child(kb, NULL, "VALUE.REFERENCE")) != NULL) {
		target = cmpixml_path(br, xml_child(ref, NULL, NULL), ns, desc);
		if (target == NULL)
			return (-1);
		v.ref = target;
		op->ft->addKey(op, f != NULL ? f->rf_name : name, &v, CMPI_ref);
		target->ft->release(target);
		return (0);
	}
	if ((kv = xml_child(kb, NULL, "KEYVALUE")) == NULL) {
		xasprintf(desc, "key %s has no value", name);
		return (-1);
	}
	text = xml_text(kv);
	vt = xml_attr(kv, NULL, "VALUETYPE");
	if (f != NULL && f->rf_type != CMPI_ref && !f->rf_array)
		t = f->rf_type;
	else if (vt != NULL && strcmp(vt, "boolean") == 0)
		t = CMPI_boolean;
	else if (vt != NULL && strcmp(vt, "numeric") == 0)
		t = text[0] == '-' || text[0] == '+' ? CMPI_sint64 :
		    CMPI_uint64;
	else
		t = CMPI_string;
	rc = cmpixml_value(br, t, text, &v);
	if (rc == -1)
		xasprintf(desc, "key %s: \"%.64s\" is not a valid %s", name,
		    text, repository_type_name(t));
	else
		op->ft->addKey(op, f != NULL ? f->rf_name : name, &v, t);
	free(text);
	free(vt);
	return (rc);
}

CMPIObjectPath *
cmpixml_path(struct broker *br, xmlNodePtr n, const char *ns, char **desc)
{
	const struct repo_class	*c;
	CMPIObjectPath		*op;
	xmlNodePtr		 kb, p;
	char			*cn, *name, *host, *pns = NULL, *t;

	if (n != NULL && (xmlStrEqual(n->name, BAD_CAST "INSTANCEPATH") ||
	    xmlStrEqual(n->name, BAD_CAST "LOCALINSTANCEPATH"))) {
		p = xml_child(n, NULL, "NAMESPACEPATH");
		p = p != NULL ? xml_child(p, NULL, "LOCALNAMESPACEPATH") :
		    xml_child(n, NULL, "LOCALNAMESPACEPATH");
		for (p = xml_child(p, NULL, "NAMESPACE"); p != NULL;
		    p = xml_next(p, NULL, "NAMESPACE")) {
			name = xml_attr(p, NULL, "NAME");
			if (name == NULL)
				continue;
			if (pns == NULL)
				pns = name;
			else {
				xasprintf(&t, "%s/%s", pns, name);
				free(pns);
				free(name);
				pns = t;
			}
		}
		n = xml_child(n, NULL, "INSTANCENAME");
	}
	if (n == NULL || !xmlStrEqual(n->name, BAD_CAST "INSTANCENAME") ||
	    (cn = xml_attr(n, NULL, "CLASSNAME")) == NULL || *cn == '\0') {
		xasprintf(desc, "an INSTANCENAME with a CLASSNAME is expected");
		free(pns);
		return (NULL);
	}
	if (pns != NULL)
		ns = pns;
	c = repository_class(repository_ns(br->b_repo, ns, 0), cn);
	op = cmpiobj_own(cmpi_objectpath_new(br, ns, c != NULL ? c->rc_name :
	    cn));
	free(cn);
	for (kb = xml_child(n, NULL, "KEYBINDING"); kb != NULL;
	    kb = xml_next(kb, NULL, "KEYBINDING")) {
		if ((name = xml_attr(kb, NULL, "NAME")) == NULL) {
			xasprintf(desc, "KEYBINDING without a NAME");
			goto fail;
		}
		if (cmpixml_keyvalue(br, kb, c, ns, name, op, desc) == -1) {
			free(name);
			goto fail;
		}
		free(name);
	}
	/* A single KEYVALUE without KEYBINDING: a class with one key. */
	if ((kb = xml_child(n, NULL, "KEYVALUE")) != NULL && c != NULL) {
		for (size_t i = 0; i < c->rc_nfeat; i++)
			if (c->rc_feat[i].rf_key) {
				if (cmpixml_keyvalue(br, n, c, ns,
				    c->rc_feat[i].rf_name, op, desc) == -1)
					goto fail;
				break;
			}
	}
	host = NULL;
	free(host);
	free(pns);
	return (op);
fail:
	free(pns);
	op->ft->release(op);
	return (NULL);
}

int
cmpixml_args(struct broker *br, xmlNodePtr call, const struct repo_class *c,
    const char *method, const char *ns, CMPIArgs *in, char **desc)
{
	const struct repo_feature	*m;
	const struct repo_param		*p;
	xmlNodePtr			 pv, v, e;
	CMPIValue			 val;
	CMPIArray			*a;
	CMPIObjectPath			*ref;
	char				*name, *text;
	CMPICount			 n, i;
	size_t				 k;
	int				 rc = CMPI_RC_ERR_INVALID_PARAMETER;

	m = repository_feature(c, REPO_METHOD, method);
	for (pv = xml_child(call, NULL, "PARAMVALUE"); pv != NULL;
	    pv = xml_next(pv, NULL, "PARAMVALUE")) {
		name = xml_attr(pv, NULL, "NAME");
		p = NULL;
		for (k = 0; m != NULL && name != NULL && k < m->rf_nparams; k++)
			if (strcasecmp(m->rf_params[k].rp_name, name) == 0)
				p = &m->rf_params[k];
		if (p == NULL) {
			xasprintf(desc, "method %s has no parameter %s",
			    method, name != NULL ? name : "(unnamed)");
			free(name);
			return (rc);
		}
		free(name);
		if ((v = xml_child(pv, NULL, NULL)) == NULL) {
			in->ft->addArg(in, p->rp_name, NULL, p->rp_array ?
			    p->rp_type | CMPI_ARRAY : p->rp_type);
			continue;
		}
		if (p->rp_type == CMPI_ref && !p->rp_array) {
			if (!xmlStrEqual(v->name, BAD_CAST "VALUE.REFERENCE") ||
			    (ref = cmpixml_path(br, xml_child(v, NULL, NULL),
			    ns, desc)) == NULL) {
				if (*desc == NULL)
					xasprintf(desc, "%s must be a "
					    "reference", p->rp_name);
				return (rc);
			}
			val.ref = ref;
			in->ft->addArg(in, p->rp_name, &val, CMPI_ref);
			ref->ft->release(ref);
			continue;
		}
		if (p->rp_array) {
			if (!xmlStrEqual(v->name, BAD_CAST "VALUE.ARRAY")) {
				xasprintf(desc, "%s must be an array",
				    p->rp_name);
				return (rc);
			}
			n = 0;
			for (e = xml_child(v, NULL, NULL); e != NULL;
			    e = xml_next(e, NULL, NULL))
				n++;
			a = cmpiobj_own(cmpi_array_new(br, n, p->rp_type));
			i = 0;
			for (e = xml_child(v, NULL, NULL); e != NULL;
			    e = xml_next(e, NULL, NULL), i++) {
				if (!xmlStrEqual(e->name, BAD_CAST "VALUE"))
					continue;
				text = xml_text(e);
				if (cmpixml_value(br, p->rp_type, text,
				    &val) == -1) {
					xasprintf(desc, "%s: \"%.64s\" is not "
					    "a valid %s", p->rp_name, text,
					    repository_type_name(p->rp_type));
					free(text);
					a->ft->release(a);
					return (rc);
				}
				free(text);
				a->ft->setElementAt(a, i, &val, p->rp_type);
			}
			val.array = a;
			in->ft->addArg(in, p->rp_name, &val,
			    p->rp_type | CMPI_ARRAY);
			a->ft->release(a);
			continue;
		}
		if (!xmlStrEqual(v->name, BAD_CAST "VALUE")) {
			xasprintf(desc, "%s must be a single value",
			    p->rp_name);
			return (rc);
		}
		text = xml_text(v);
		if (cmpixml_value(br, p->rp_type, text, &val) == -1) {
			xasprintf(desc, "%s: \"%.64s\" is not a valid %s",
			    p->rp_name, text, repository_type_name(p->rp_type));
			free(text);
			return (rc);
		}
		free(text);
		in->ft->addArg(in, p->rp_name, &val, p->rp_type);
	}
	return (0);
}

void
cmpixml_instancename(struct evbuffer *b, const CMPIObjectPath *op)
{
	struct cmpivalue_list	*keys = cmpi_objectpath_keys(op);
	CMPIData		*d;
	size_t			 i;

	evbuffer_add_printf(b, "<INSTANCENAME CLASSNAME=\"");
	cimxml_escape(b, cmpi_objectpath_class(op));
	evbuffer_add_printf(b, "\">");
	for (i = 0; i < keys->vl_n; i++) {
		d = &keys->vl_v[i].ve_data;
		evbuffer_add_printf(b, "<KEYBINDING NAME=\"");
		cimxml_escape(b, keys->vl_v[i].ve_name);
		evbuffer_add_printf(b, "\">");
		if (d->type == CMPI_ref && !(d->state & CMPI_nullValue)) {
			evbuffer_add_printf(b, "<VALUE.REFERENCE>");
			cmpixml_instancepath(b, d->value.ref, NULL);
			evbuffer_add_printf(b, "</VALUE.REFERENCE>");
		} else {
			evbuffer_add_printf(b, "<KEYVALUE VALUETYPE=\"%s\">",
			    d->type == CMPI_boolean ? "boolean" :
			    (cmpixml_is_uint(d->type) ||
			    cmpixml_is_sint(d->type) || d->type == CMPI_real32
			    || d->type == CMPI_real64) ? "numeric" : "string");
			if (!(d->state & CMPI_nullValue))
				cmpixml_scalar(b, d->type, &d->value, NULL);
			evbuffer_add_printf(b, "</KEYVALUE>");
		}
		evbuffer_add_printf(b, "</KEYBINDING>");
	}
	evbuffer_add_printf(b, "</INSTANCENAME>");
}

/* INSTANCEPATH with the path's host, else host, else "localhost". */
void
cmpixml_instancepath(struct evbuffer *b, const CMPIObjectPath *op,
    const char *host)
{
	const char	*h = cmpi_objectpath_host(op);

	if (h == NULL || *h == '\0')
		h = host;
	if (h == NULL || *h == '\0')
		h = ((const struct cmpiobj *)op)->co_br->b_host;
	evbuffer_add_printf(b, "<INSTANCEPATH>");
	cimxml_nspath(b, h, *cmpi_objectpath_ns(op) != '\0' ?
	    cmpi_objectpath_ns(op) : "root/cimv2");
	cmpixml_instancename(b, op);
	evbuffer_add_printf(b, "</INSTANCEPATH>");
}

static void
cmpixml_scalar(struct evbuffer *b, CMPIType t, const CMPIValue *v,
    const char *host)
{
	char	 dt[26];
	char	 c[2];

	switch (t) {
	case CMPI_boolean:
		evbuffer_add_printf(b, "%s", v->boolean ? "TRUE" : "FALSE");
		break;
	case CMPI_char16:
		c[0] = (char)(v->char16 < 0x80 ? v->char16 : '?');
		c[1] = '\0';
		cimxml_escape(b, c);
		break;
	case CMPI_uint8: evbuffer_add_printf(b, "%u", v->uint8); break;
	case CMPI_uint16: evbuffer_add_printf(b, "%u", v->uint16); break;
	case CMPI_uint32: evbuffer_add_printf(b, "%u", v->uint32); break;
	case CMPI_uint64: evbuffer_add_printf(b, "%llu", v->uint64); break;
	case CMPI_sint8: evbuffer_add_printf(b, "%d", v->sint8); break;
	case CMPI_sint16: evbuffer_add_printf(b, "%d", v->sint16); break;
	case CMPI_sint32: evbuffer_add_printf(b, "%d", v->sint32); break;
	case CMPI_sint64: evbuffer_add_printf(b, "%lld", v->sint64); break;
	case CMPI_real32: evbuffer_add_printf(b, "%.9g", v->real32); break;
	case CMPI_real64: evbuffer_add_printf(b, "%.17g", v->real64); break;
	case CMPI_string:
		if (v->string != NULL)
			cimxml_escape(b, cmpi_string_chars(v->string));
		break;
	case CMPI_dateTime:
		if (v->dateTime != NULL) {
			cmpi_datetime_format(v->dateTime, dt);
			evbuffer_add_printf(b, "%s", dt);
		}
		break;
	default:
		break;
	}
	(void)host;
}

void
cmpixml_data(struct evbuffer *b, const CMPIData *d, const char *host)
{
	CMPIArray	*a;
	CMPIData	 e;
	CMPICount	 i, n;

	if (d->state & CMPI_nullValue)
		return;
	if (d->type & CMPI_ARRAY) {
		a = d->value.array;
		n = a->ft->getSize(a, NULL);
		evbuffer_add_printf(b, "<VALUE.ARRAY>");
		for (i = 0; i < n; i++) {
			e = a->ft->getElementAt(a, i, NULL);
			if (e.state & CMPI_nullValue) {
				evbuffer_add_printf(b, "<VALUE.NULL></VALUE.NULL>");
				continue;
			}
			evbuffer_add_printf(b, "<VALUE>");
			cmpixml_scalar(b, e.type, &e.value, host);
			evbuffer_add_printf(b, "</VALUE>");
		}
		evbuffer_add_printf(b, "</VALUE.ARRAY>");
		return;
	}
	if (d->type == CMPI_ref) {
		evbuffer_add_printf(b, "<VALUE.REFERENCE>");
		cmpixml_instancepath(b, d->value.ref, host);
		evbuffer_add_printf(b, "</VALUE.REFERENCE>");
		return;
	}
	if (d->type == CMPI_instance) {
		struct evbuffer	*inner = evbuffer_new();
		char		*s;
		size_t		 len;

		cmpixml_instance(inner, ((struct cmpiobj *)d->value.inst)->co_br,
		    d->value.inst, NULL);
		len = evbuffer_get_length(inner);
		s = xmalloc(len + 1);
		evbuffer_remove(inner, s, len);
		s[len] = '\0';
		evbuffer_free(inner);
		evbuffer_add_printf(b, "<VALUE>");
		cimxml_escape(b, s);
		evbuffer_add_printf(b, "</VALUE>");
		free(s);
		return;
	}
	evbuffer_add_printf(b, "<VALUE>");
	cmpixml_scalar(b, d->type, &d->value, host);
	evbuffer_add_printf(b, "</VALUE>");
}

/*
 * INSTANCE: the class's properties in class order when the class is
 * known (undeclared ones are dropped, cim.md §3.10), else what the
 * provider set.
 */
void
cmpixml_instance(struct evbuffer *b, struct broker *br,
    const CMPIInstance *inst, const struct cmpixml_opts *o)
{
	struct cmpivalue_list		*props = cmpi_instance_props(inst);
	struct cmpivalue_entry		*e;
	const struct repo_class		*c;
	const struct repo_feature	*f;
	char *const			*filter = cmpi_instance_filter(inst);
	CMPIData			 null;
	const CMPIData			*d;
	CMPIType			 t;
	const char			*name, *origin, *el;
	size_t				 i, n;

	c = repository_class(repository_ns(br->b_repo,
	    cmpi_instance_ns(inst), 0), cmpi_instance_class(inst));
	evbuffer_add_printf(b, "<INSTANCE CLASSNAME=\"");
	cimxml_escape(b, c != NULL ? c->rc_name : cmpi_instance_class(inst));
	evbuffer_add_printf(b, "\">\n");
	n = c != NULL ? c->rc_nfeat : props->vl_n;
	for (i = 0; i < n; i++) {
		f = NULL;
		if (c != NULL) {
			f = &c->rc_feat[i];
			if (f->rf_kind != REPO_PROPERTY)
				continue;
			name = f->rf_name;
			origin = f->rf_origin;
			e = cmpivalue_find(props, name);
		} else {
			e = &props->vl_v[i];
			name = e->ve_name;
			origin = e->ve_origin;
		}
		if (o != NULL && o->xo_limit != NULL &&
		    repository_feature(o->xo_limit, REPO_PROPERTY, name) == NULL)
			continue;
		if (o != NULL && !cimxml_strv_has(o->xo_props, name))
			continue;
		if (filter != NULL && !cimxml_strv_has(filter, name))
			continue;
		if (e != NULL)
			d = &e->ve_data;
		else {
			memset(&null, 0, sizeof null);
			null.type = f->rf_array ? f->rf_type | CMPI_ARRAY :
			    f->rf_type;
			null.state = CMPI_nullValue;
			d = &null;
		}
		t = f != NULL ? f->rf_type : (d->type & ~CMPI_ARRAY);
		if (t == CMPI_ref) {
			el = "PROPERTY.REFERENCE";
			evbuffer_add_printf(b, "<%s NAME=\"%s\"", el, name);
			if (f != NULL)
				evbuffer_add_printf(b, " REFERENCECLASS=\"%s\"",
				    f->rf_refclass);
		} else {
			el = (f != NULL ? f->rf_array : (d->type & CMPI_ARRAY)
			    != 0) ? "PROPERTY.ARRAY" : "PROPERTY";
			evbuffer_add_printf(b, "<%s NAME=\"%s\" TYPE=\"%s\"", el,
			    name, cmpixml_type_name(t));
			if (t == CMPI_instance || (d->type & ~CMPI_ARRAY) ==
			    CMPI_instance)
				evbuffer_add_printf(b,
				    " EmbeddedObject=\"instance\"");
		}
		if (o != NULL && o->xo_origin && origin != NULL)
			evbuffer_add_printf(b, " CLASSORIGIN=\"%s\"", origin);
		evbuffer_add_printf(b, ">");
		/* A value of another type than declared is not sent. */
		if (f == NULL || (d->type & ~CMPI_ARRAY) == f->rf_type ||
		    (f->rf_type == CMPI_string && d->type == CMPI_instance))
			cmpixml_data(b, d, br->b_host);
		evbuffer_add_printf(b, "</%s>\n", el);
	}
	evbuffer_add_printf(b, "</INSTANCE>\n");
}
