/* SPDX-License-Identifier: ISC */
/*
 * CMPIObjectPath: host, namespace, class and keys.  Keys are stored with
 * the CMPI_keyValue state; addKey replaces a key of the same name.  The
 * qualifier getters answer from the class repository.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "broker.h"
#include "repository.h"
#include "xmalloc.h"

struct cmpi_objectpath {
	struct cmpiobj		 op_obj;
	char			*op_host;
	char			*op_ns;
	char			*op_class;
	struct cmpivalue_list	 op_keys;
};

#define OP(p)	((struct cmpi_objectpath *)(p))

static void		 cmpi_objectpath_free(struct cmpiobj *);
static CMPIStatus	 cmpi_objectpath_release(CMPIObjectPath *);
static CMPIObjectPath	*cmpi_objectpath_clone(const CMPIObjectPath *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_objectpath_setstr(char **, const char *);
static CMPIString	*cmpi_objectpath_getstr(const CMPIObjectPath *,
			    const char *, CMPIStatus *);
static CMPIStatus	 cmpi_objectpath_setns(const CMPIObjectPath *,
			    const char *);
static CMPIString	*cmpi_objectpath_getns(const CMPIObjectPath *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_objectpath_sethost(const CMPIObjectPath *,
			    const char *);
static CMPIString	*cmpi_objectpath_gethost(const CMPIObjectPath *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_objectpath_setclass(const CMPIObjectPath *,
			    const char *);
static CMPIString	*cmpi_objectpath_getclass(const CMPIObjectPath *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_objectpath_addkey(const CMPIObjectPath *,
			    const char *, const CMPIValue *, const CMPIType);
static CMPIData		 cmpi_objectpath_getkey(const CMPIObjectPath *,
			    const char *, CMPIStatus *);
static CMPIData		 cmpi_objectpath_getkeyat(const CMPIObjectPath *,
			    CMPICount, CMPIString **, CMPIStatus *);
static CMPICount	 cmpi_objectpath_getkeycount(const CMPIObjectPath *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_objectpath_setnsfrom(const CMPIObjectPath *,
			    const CMPIObjectPath *);
static CMPIStatus	 cmpi_objectpath_sethostnsfrom(const CMPIObjectPath *,
			    const CMPIObjectPath *);
static CMPIData		 cmpi_objectpath_classqual(const CMPIObjectPath *,
			    const char *, CMPIStatus *);
static CMPIData		 cmpi_objectpath_propqual(const CMPIObjectPath *,
			    const char *, const char *, CMPIStatus *);
static CMPIData		 cmpi_objectpath_methqual(const CMPIObjectPath *,
			    const char *, const char *, CMPIStatus *);
static CMPIData		 cmpi_objectpath_paramqual(const CMPIObjectPath *,
			    const char *, const char *, const char *,
			    CMPIStatus *);
static CMPIString	*cmpi_objectpath_tostring(const CMPIObjectPath *,
			    CMPIStatus *);
static CMPIData		 cmpi_objectpath_qualdata(const CMPIObjectPath *,
			    const struct repo_qual *, CMPIStatus *);

static const CMPIObjectPathFT cmpi_objectpath_ft = {
	CMPICurrentVersion,
	cmpi_objectpath_release,
	cmpi_objectpath_clone,
	cmpi_objectpath_setns,
	cmpi_objectpath_getns,
	cmpi_objectpath_sethost,
	cmpi_objectpath_gethost,
	cmpi_objectpath_setclass,
	cmpi_objectpath_getclass,
	cmpi_objectpath_addkey,
	cmpi_objectpath_getkey,
	cmpi_objectpath_getkeyat,
	cmpi_objectpath_getkeycount,
	cmpi_objectpath_setnsfrom,
	cmpi_objectpath_sethostnsfrom,
	cmpi_objectpath_classqual,
	cmpi_objectpath_propqual,
	cmpi_objectpath_methqual,
	cmpi_objectpath_paramqual,
	cmpi_objectpath_tostring,
};

static void
cmpi_objectpath_free(struct cmpiobj *o)
{
	struct cmpi_objectpath	*p = OP(o);

	free(p->op_host);
	free(p->op_ns);
	free(p->op_class);
	cmpivalue_list_free(&p->op_keys);
	free(p);
}

CMPIObjectPath *
cmpi_objectpath_new(struct broker *br, const char *ns, const char *cn)
{
	struct cmpi_objectpath	*p = xcalloc(1, sizeof *p);

	cmpiobj_init(&p->op_obj, br, &cmpi_objectpath_ft,
	    cmpi_objectpath_free);
	p->op_ns = xstrdup(ns != NULL ? ns : "");
	p->op_class = xstrdup(cn != NULL ? cn : "");
	p->op_host = xstrdup("");
	return ((CMPIObjectPath *)p);
}

const char *
cmpi_objectpath_ns(const CMPIObjectPath *op)
{
	return (OP(op)->op_ns);
}

const char *
cmpi_objectpath_host(const CMPIObjectPath *op)
{
	return (OP(op)->op_host);
}

const char *
cmpi_objectpath_class(const CMPIObjectPath *op)
{
	return (OP(op)->op_class);
}

struct cmpivalue_list *
cmpi_objectpath_keys(const CMPIObjectPath *op)
{
	return (&OP(op)->op_keys);
}

static CMPIStatus
cmpi_objectpath_release(CMPIObjectPath *op)
{
	return (cmpiobj_release((struct cmpiobj *)op));
}

static CMPIObjectPath *
cmpi_objectpath_clone(const CMPIObjectPath *op, CMPIStatus *rc)
{
	struct cmpi_objectpath	*p = OP(op), *c;

	c = cmpiobj_own(cmpi_objectpath_new(p->op_obj.co_br, p->op_ns,
	    p->op_class));
	free(c->op_host);
	c->op_host = xstrdup(p->op_host);
	cmpivalue_list_copy(p->op_obj.co_br, &c->op_keys, &p->op_keys);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIObjectPath *)c);
}

/* Set one of the path's strings (NULL: ""). */
static CMPIStatus
cmpi_objectpath_setstr(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v != NULL ? v : "");
	return (cmpiobj_status(CMPI_RC_OK));
}

/* One of the path's strings v as a CMPIString of op's broker. */
static CMPIString *
cmpi_objectpath_getstr(const CMPIObjectPath *op, const char *v,
    CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (cmpi_string_new(OP(op)->op_obj.co_br, v));
}

static CMPIStatus
cmpi_objectpath_setns(const CMPIObjectPath *op, const char *ns)
{
	return (cmpi_objectpath_setstr(&OP(op)->op_ns, ns));
}

static CMPIString *
cmpi_objectpath_getns(const CMPIObjectPath *op, CMPIStatus *rc)
{
	return (cmpi_objectpath_getstr(op, OP(op)->op_ns, rc));
}

static CMPIStatus
cmpi_objectpath_sethost(const CMPIObjectPath *op, const char *h)
{
	return (cmpi_objectpath_setstr(&OP(op)->op_host, h));
}

static CMPIString *
cmpi_objectpath_gethost(const CMPIObjectPath *op, CMPIStatus *rc)
{
	return (cmpi_objectpath_getstr(op, OP(op)->op_host, rc));
}

static CMPIStatus
cmpi_objectpath_setclass(const CMPIObjectPath *op, const char *cn)
{
	return (cmpi_objectpath_setstr(&OP(op)->op_class, cn));
}

static CMPIString *
cmpi_objectpath_getclass(const CMPIObjectPath *op, CMPIStatus *rc)
{
	return (cmpi_objectpath_getstr(op, OP(op)->op_class, rc));
}

static CMPIStatus
cmpi_objectpath_addkey(const CMPIObjectPath *op, const char *name,
    const CMPIValue *v, const CMPIType t)
{
	return (cmpiobj_status(cmpivalue_set(OP(op)->op_obj.co_br,
	    &OP(op)->op_keys, name, v, t, CMPI_keyValue)));
}

static CMPIData
cmpi_objectpath_getkey(const CMPIObjectPath *op, const char *name,
    CMPIStatus *rc)
{
	return (cmpivalue_get(&OP(op)->op_keys, name, CMPI_RC_ERR_NOT_FOUND,
	    rc));
}

static CMPIData
cmpi_objectpath_getkeyat(const CMPIObjectPath *op, CMPICount i,
    CMPIString **name, CMPIStatus *rc)
{
	return (cmpivalue_getat(OP(op)->op_obj.co_br, &OP(op)->op_keys, i,
	    name, CMPI_RC_ERR_NO_SUCH_PROPERTY, rc));
}

static CMPICount
cmpi_objectpath_getkeycount(const CMPIObjectPath *op, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPICount)OP(op)->op_keys.vl_n);
}

static CMPIStatus
cmpi_objectpath_setnsfrom(const CMPIObjectPath *op,
    const CMPIObjectPath *src)
{
	if (src == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	return (cmpi_objectpath_setns(op, OP(src)->op_ns));
}

static CMPIStatus
cmpi_objectpath_sethostnsfrom(const CMPIObjectPath *op,
    const CMPIObjectPath *src)
{
	if (src == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	cmpi_objectpath_sethost(op, OP(src)->op_host);
	return (cmpi_objectpath_setns(op, OP(src)->op_ns));
}

/* A qualifier's value as CMPIData (arena objects for strings). */
static CMPIData
cmpi_objectpath_qualdata(const CMPIObjectPath *op, const struct repo_qual *q,
    CMPIStatus *rc)
{
	struct broker	*br = OP(op)->op_obj.co_br;
	CMPIData	 d;
	CMPIArray	*a;
	CMPIString	*s;
	size_t		 i;

	if (q == NULL) {
		cmpiobj_rc(rc, CMPI_RC_ERR_NOT_FOUND);
		return (cmpivalue_notfound());
	}
	memset(&d, 0, sizeof d);
	if (q->rq_type == CMPI_boolean && !q->rq_array) {
		d.type = CMPI_boolean;
		d.value.boolean = q->rq_nvals > 0 &&
		    strcasecmp(q->rq_vals[0], "true") == 0;
	} else if (q->rq_array) {
		a = cmpi_array_new(br, (CMPICount)q->rq_nvals, CMPI_string);
		for (i = 0; i < q->rq_nvals; i++) {
			s = cmpi_string_new(br, q->rq_vals[i]);
			a->ft->setElementAt(a, (CMPICount)i,
			    (CMPIValue *)&s, CMPI_string);
		}
		d.type = CMPI_stringA;
		d.value.array = a;
	} else if ((q->rq_type & CMPI_UINT) || (q->rq_type & CMPI_SINT)) {
		d.type = CMPI_sint64;
		d.value.sint64 = q->rq_nvals ? strtoll(q->rq_vals[0], NULL, 0) : 0;
	} else {
		d.type = CMPI_string;
		d.value.string = cmpi_string_new(br, q->rq_nvals ?
		    q->rq_vals[0] : "");
	}
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (d);
}

static CMPIData
cmpi_objectpath_classqual(const CMPIObjectPath *op, const char *qn,
    CMPIStatus *rc)
{
	struct broker		*br = OP(op)->op_obj.co_br;
	struct repo_class	*c;

	c = repository_class(repository_ns(br->b_repo, OP(op)->op_ns, 0),
	    OP(op)->op_class);
	return (cmpi_objectpath_qualdata(op, c == NULL ? NULL :
	    repository_qual(&c->rc_quals, qn), rc));
}

static CMPIData
cmpi_objectpath_propqual(const CMPIObjectPath *op, const char *pn,
    const char *qn, CMPIStatus *rc)
{
	struct broker			*br = OP(op)->op_obj.co_br;
	struct repo_class		*c;
	const struct repo_feature	*f = NULL;

	c = repository_class(repository_ns(br->b_repo, OP(op)->op_ns, 0),
	    OP(op)->op_class);
	if (c != NULL)
		f = repository_feature(c, REPO_PROPERTY, pn);
	return (cmpi_objectpath_qualdata(op, f == NULL ? NULL :
	    repository_qual(&f->rf_quals, qn), rc));
}

static CMPIData
cmpi_objectpath_methqual(const CMPIObjectPath *op, const char *mn,
    const char *qn, CMPIStatus *rc)
{
	struct broker			*br = OP(op)->op_obj.co_br;
	struct repo_class		*c;
	const struct repo_feature	*f = NULL;

	c = repository_class(repository_ns(br->b_repo, OP(op)->op_ns, 0),
	    OP(op)->op_class);
	if (c != NULL)
		f = repository_feature(c, REPO_METHOD, mn);
	return (cmpi_objectpath_qualdata(op, f == NULL ? NULL :
	    repository_qual(&f->rf_quals, qn), rc));
}

static CMPIData
cmpi_objectpath_paramqual(const CMPIObjectPath *op, const char *mn,
    const char *pn, const char *qn, CMPIStatus *rc)
{
	struct broker			*br = OP(op)->op_obj.co_br;
	struct repo_class		*c;
	const struct repo_feature	*f = NULL;
	const struct repo_qual		*q = NULL;
	size_t				 i;

	c = repository_class(repository_ns(br->b_repo, OP(op)->op_ns, 0),
	    OP(op)->op_class);
	if (c != NULL)
		f = repository_feature(c, REPO_METHOD, mn);
	for (i = 0; f != NULL && i < f->rf_nparams; i++)
		if (strcasecmp(f->rf_params[i].rp_name, pn) == 0)
			q = repository_qual(&f->rf_params[i].rp_quals, qn);
	return (cmpi_objectpath_qualdata(op, q, rc));
}

/* "ns:Class.k1="v",k2=5", the form SFCB prints (no host). */
char *
cmpi_objectpath_string(const CMPIObjectPath *op)
{
	struct cmpi_objectpath	*p = OP(op);
	struct evbuffer		*b = evbuffer_new();
	CMPIData		*d;
	char			*s, *r;
	size_t			 i, len;

	evbuffer_add_printf(b, "%s:%s", p->op_ns, p->op_class);
	for (i = 0; i < p->op_keys.vl_n; i++) {
		d = &p->op_keys.vl_v[i].ve_data;
		evbuffer_add_printf(b, "%c%s=", i == 0 ? '.' : ',',
		    p->op_keys.vl_v[i].ve_name);
		if (d->state & CMPI_nullValue)
			continue;
		switch (d->type) {
		case CMPI_string:
			evbuffer_add_printf(b, "\"%s\"",
			    cmpi_string_chars(d->value.string));
			break;
		case CMPI_boolean:
			evbuffer_add_printf(b, "%s", d->value.boolean ?
			    "TRUE" : "FALSE");
			break;
		case CMPI_ref:
			s = cmpi_objectpath_string(d->value.ref);
			evbuffer_add_printf(b, "\"%s\"", s);
			free(s);
			break;
		case CMPI_uint8: evbuffer_add_printf(b, "%u", d->value.uint8); break;
		case CMPI_uint16: evbuffer_add_printf(b, "%u", d->value.uint16); break;
		case CMPI_uint32: evbuffer_add_printf(b, "%u", d->value.uint32); break;
		case CMPI_uint64: evbuffer_add_printf(b, "%llu", d->value.uint64); break;
		case CMPI_sint8: evbuffer_add_printf(b, "%d", d->value.sint8); break;
		case CMPI_sint16: evbuffer_add_printf(b, "%d", d->value.sint16); break;
		case CMPI_sint32: evbuffer_add_printf(b, "%d", d->value.sint32); break;
		case CMPI_sint64: evbuffer_add_printf(b, "%lld", d->value.sint64); break;
		default:
			break;
		}
	}
	len = evbuffer_get_length(b);
	r = xmalloc(len + 1);
	evbuffer_remove(b, r, len);
	r[len] = '\0';
	evbuffer_free(b);
	return (r);
}

static CMPIString *
cmpi_objectpath_tostring(const CMPIObjectPath *op, CMPIStatus *rc)
{
	CMPIString	*s;
	char		*t = cmpi_objectpath_string(op);

	s = cmpi_string_new(OP(op)->op_obj.co_br, t);
	free(t);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (s);
}
