/* SPDX-License-Identifier: ISC */
/*
 * Instance operations and extrinsic method calls, run in the provider
 * host: the request's parameters become CMPI objects, dispatch.c calls
 * the providers, and what they return becomes CIM-XML with the broker's
 * filtering applied (DeepInheritance=FALSE, PropertyList), whatever the
 * provider did with them (cim.md §1.3).  Each handler runs inside one
 * broker call, so everything it creates is freed when it returns.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "broker.h"
#include "cimxml.h"
#include "cmpixml.h"
#include "dispatch.h"
#include "ops.h"
#include "repository.h"
#include "xml.h"
#include "xmalloc.h"

static CMPIContext *ops_inst_context(struct ops_ctx *,
		    const struct cimxml_req *, int);
static int	ops_inst_flags(const struct cimxml_req *, CMPIFlags *,
		    char **);
static CMPIObjectPath *ops_inst_path(struct ops_ctx *,
		    const struct cimxml_req *, const char *, int *, char **);
static CMPIObjectPath *ops_inst_pathof(struct ops_ctx *, const CMPIData *,
		    const char *);
static int	ops_inst_assoc(struct ops_ctx *, const struct cimxml_req *,
		    struct evbuffer *, char **, int);
static int	ops_inst_done(struct ops_ctx *, int);
static char	*ops_inst_classtarget(struct ops_ctx *,
		    const struct cimxml_req *);

static CMPIContext *
ops_inst_context(struct ops_ctx *ctx, const struct cimxml_req *r,
    int flags)
{
	CMPIContext	*c = cmpi_context_new(ctx->oc_br);
	CMPIValue	 v;

	c->ft->addEntry(c, CMPIInitNameSpace, (CMPIValue *)r->cr_ns,
	    CMPI_chars);
	c->ft->addEntry(c, CMPIPrincipal, (CMPIValue *)(ctx->oc_principal ?
	    ctx->oc_principal : ""), CMPI_chars);
	v.uint32 = (CMPIUint32)flags;
	c->ft->addEntry(c, CMPIInvocationFlags, &v, CMPI_uint32);
	return (c);
}

static int
ops_inst_flags(const struct cimxml_req *r, CMPIFlags *flags, char **desc)
{
	int	deep, q, origin;

	deep = cimxml_param_bool(r, "DeepInheritance", 1);
	q = cimxml_param_bool(r, "IncludeQualifiers", 0);
	origin = cimxml_param_bool(r, "IncludeClassOrigin", 0);
	if (deep == -1 || q == -1 || origin == -1 ||
	    cimxml_param_bool(r, "LocalOnly", 0) == -1) {
		xasprintf(desc, "a boolean parameter is not TRUE or FALSE");
		return (-1);
	}
	/* LocalOnly is deprecated for instances: always FALSE. */
	*flags = (deep ? CMPI_FLAG_DeepInheritance : 0) |
	    (q ? CMPI_FLAG_IncludeQualifiers : 0) |
	    (origin ? CMPI_FLAG_IncludeClassOrigin : 0);
	return (0);
}

/* The instance name in parameter name, as an arena path. */
static CMPIObjectPath *
ops_inst_path(struct ops_ctx *ctx, const struct cimxml_req *r,
    const char *name, int *code, char **desc)
{
	CMPIObjectPath	*op;
	xmlNodePtr	 n;

	if ((n = cimxml_param(r, name, NULL)) == NULL) {
		xasprintf(desc, "%s is required", name);
		*code = 4;
		return (NULL);
	}
	if ((op = cmpixml_path(ctx->oc_br, n, r->cr_ns, desc)) == NULL) {
		*code = 4;
		return (NULL);
	}
	/* Let the arena free it with the rest of the call. */
	cmpiobj_init((struct cmpiobj *)op, ctx->oc_br,
	    ((struct cmpiobj *)op)->co_pub.ft, ((struct cmpiobj *)op)->co_free);
	return (op);
}

/* The path of a returned item (a path, or an instance's), ns filled. */
static CMPIObjectPath *
ops_inst_pathof(struct ops_ctx *ctx, const CMPIData *d, const char *ns)
{
	CMPIObjectPath	*op;

	if (d->state & CMPI_nullValue)
		return (NULL);
	if (d->type == CMPI_ref)
		op = d->value.ref->ft->clone(d->value.ref, NULL);
	else if (d->type == CMPI_instance)
		op = cmpi_instance_path(d->value.inst);
	else
		return (NULL);
	if (*cmpi_objectpath_ns(op) == '\0')
		op->ft->setNameSpace(op, ns);
	cmpiobj_init((struct cmpiobj *)op, ctx->oc_br,
	    ((struct cmpiobj *)op)->co_pub.ft, ((struct cmpiobj *)op)->co_free);
	return (op);
}

static int
ops_inst_done(struct ops_ctx *ctx, int code)
{
	broker_call_end(ctx->oc_br);
	/* CMPI-only codes never go on the wire (cim.md §1.6). */
	return (code >= 0 && code <= 17 ? code : 1);
}

int
ops_inst_enum_names(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	CMPIObjectPath	*op, *p;
	CMPIResult	*res;
	CMPIData	*v;
	char		*cn;
	size_t		 i, n;
	int		 code;

	if ((cn = cimxml_param_name(r, "ClassName")) == NULL) {
		xasprintf(desc, "ClassName is required");
		return (4);
	}
	broker_call_begin(ctx->oc_br);
	op = cmpi_objectpath_new(ctx->oc_br, r->cr_ns, cn);
	free(cn);
	res = cmpi_result_new(ctx->oc_br);
	code = dispatch_enum(ctx->oc_br, ops_inst_context(ctx, r, 0), op,
	    NULL, 1, res, desc);
	if (code == 0) {
		v = cmpi_result_items(res, &n);
		for (i = 0; i < n; i++)
			if ((p = ops_inst_pathof(ctx, &v[i], r->cr_ns)) !=
			    NULL) {
				cmpixml_instancename(b, p);
				evbuffer_add_printf(b, "\n");
			}
	}
	return (ops_inst_done(ctx, code));
}

int
ops_inst_enum(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	struct cmpixml_opts	 o;
	CMPIObjectPath		*op, *p;
	CMPIResult		*res;
	CMPIData		*v;
	CMPIFlags		 flags;
	char			*cn, **props;
	size_t			 i, n;
	int			 code;

	if ((cn = cimxml_param_name(r, "ClassName")) == NULL) {
		xasprintf(desc, "ClassName is required");
		return (4);
	}
	if (ops_inst_flags(r, &flags, desc) == -1) {
		free(cn);
		return (4);
	}
	props = cimxml_param_proplist(r);
	broker_call_begin(ctx->oc_br);
	op = cmpi_objectpath_new(ctx->oc_br, r->cr_ns, cn);
	res = cmpi_result_new(ctx->oc_br);
	code = dispatch_enum(ctx->oc_br, ops_inst_context(ctx, r, flags), op,
	    (const char **)props, 0, res, desc);
	if (code == 0) {
		memset(&o, 0, sizeof o);
		o.xo_props = props;
		o.xo_origin = (flags & CMPI_FLAG_IncludeClassOrigin) != 0;
		if (!(flags & CMPI_FLAG_DeepInheritance))
			o.xo_limit = repository_class(repository_ns(
			    ctx->oc_repo, r->cr_ns, 0), cn);
		v = cmpi_result_items(res, &n);
		for (i = 0; i < n; i++) {
			if (v[i].type != CMPI_instance ||
			    (p = ops_inst_pathof(ctx, &v[i], r->cr_ns)) == NULL)
				continue;
			evbuffer_add_printf(b, "<VALUE.NAMEDINSTANCE>\n");
			cmpixml_instancename(b, p);
			evbuffer_add_printf(b, "\n");
			cmpixml_instance(b, ctx->oc_br, v[i].value.inst, &o);
			evbuffer_add_printf(b, "</VALUE.NAMEDINSTANCE>\n");
		}
	}
	free(cn);
	cimxml_strv_free(props);
	return (ops_inst_done(ctx, code));
}

int
ops_inst_get(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	struct cmpixml_opts	 o;
	CMPIObjectPath		*op;
	CMPIResult		*res;
	CMPIData		*v;
	CMPIFlags		 flags;
	char			**props;
	size_t			 i, n;
	int			 code = 0;

	if (ops_inst_flags(r, &flags, desc) == -1)
		return (4);
	props = cimxml_param_proplist(r);
	broker_call_begin(ctx->oc_br);
	if ((op = ops_inst_path(ctx, r, "InstanceName", &code, desc)) ==
	    NULL)
		goto out;
	res = cmpi_result_new(ctx->oc_br);
	code = dispatch_get(ctx->oc_br, ops_inst_context(ctx, r, flags), op,
	    (const char **)props, res, desc);
	if (code != 0)
		goto out;
	v = cmpi_result_items(res, &n);
	for (i = 0; i < n; i++)
		if (v[i].type == CMPI_instance &&
		    !(v[i].state & CMPI_nullValue))
			break;
	if (i == n) {
		xasprintf(desc, "no such instance");
		code = 6;
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.xo_props = props;
	o.xo_origin = (flags & CMPI_FLAG_IncludeClassOrigin) != 0;
	cmpixml_instance(b, ctx->oc_br, v[i].value.inst, &o);
out:
	cimxml_strv_free(props);
	return (ops_inst_done(ctx, code));
}

int
ops_inst_get_property(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	CMPIObjectPath	*op;
	CMPIResult	*res;
	CMPIData	*v, d;
	const char	*props[2];
	char		*pn;
	size_t		 n;
	int		 code = 0;

	if ((pn = cimxml_param_name(r, "PropertyName")) == NULL) {
		xasprintf(desc, "PropertyName is required");
		return (4);
	}
	broker_call_begin(ctx->oc_br);
	if ((op = ops_inst_path(ctx, r, "InstanceName", &code, desc)) ==
	    NULL)
		goto out;
	props[0] = pn;
	props[1] = NULL;
	res = cmpi_result_new(ctx->oc_br);
	code = dispatch_get(ctx->oc_br, ops_inst_context(ctx, r, 0), op, props,
	    res, desc);
	if (code != 0)
		goto out;
	v = cmpi_result_items(res, &n);
	if (n == 0 || v[0].type != CMPI_instance) {
		xasprintf(desc, "no such instance");
		code = 6;
		goto out;
	}
	d = v[0].value.inst->ft->getProperty(v[0].value.inst, pn, NULL);
	if (d.state & CMPI_notFound) {
		xasprintf(desc, "no property %s", pn);
		code = 12;
		goto out;
	}
	cmpixml_data(b, &d, ctx->oc_host);
out:
	free(pn);
	return (ops_inst_done(ctx, code));
}

/*
 * The class an association operation is about when ObjectName is a
 * CLASSNAME (heap), or NULL for an instance.  An INSTANCENAME without
 * keys (what wbemcli sends for a URL without keys) stays an instance
 * name, of a keyless singleton: wbemcli could not read CLASSPATH results
 * anyway ("Expecting LOCALINSTANCEPATH or INSTANCEPATH element").
 */
static char *
ops_inst_classtarget(struct ops_ctx *ctx, const struct cimxml_req *r)
{
	xmlNodePtr	v = cimxml_param(r, "ObjectName", NULL);

	if (v == NULL || !xmlStrEqual(v->name, BAD_CAST "CLASSNAME"))
		return (NULL);
	return (xml_attr(v, NULL, "NAME"));
}

static int
ops_inst_assoc(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc, int kind)
{
	struct cmpixml_opts	 o;
	CMPIObjectPath		*op, *p;
	CMPIResult		*res;
	CMPIData		*v;
	CMPIFlags		 flags = 0;
	char			*assoc, *result, *role, *rrole, **props, *cn;
	size_t			 i, n;
	int			 code = 0, names;

	/* A class: a schema question, answered from the repository. */
	if ((cn = ops_inst_classtarget(ctx, r)) != NULL) {
		code = ops_class_assoc(ctx, r, cn, b, desc, kind);
		free(cn);
		return (code);
	}
	names = kind == DISPATCH_ASSOCNAMES || kind == DISPATCH_REFNAMES;
	if (!names && ops_inst_flags(r, &flags, desc) == -1)
		return (4);
	assoc = cimxml_param_name(r, "AssocClass");
	result = cimxml_param_name(r, "ResultClass");
	role = cimxml_param_name(r, "Role");
	rrole = cimxml_param_name(r, "ResultRole");
	props = names ? NULL : cimxml_param_proplist(r);
	broker_call_begin(ctx->oc_br);
	if ((op = ops_inst_path(ctx, r, "ObjectName", &code, desc)) == NULL)
		goto out;
	res = cmpi_result_new(ctx->oc_br);
	code = dispatch_assoc(ctx->oc_br, ops_inst_context(ctx, r, flags), op,
	    kind, assoc, result, role, rrole, (const char **)props, res, desc);
	if (code != 0)
		goto out;
	memset(&o, 0, sizeof o);
	o.xo_props = props;
	o.xo_origin = (flags & CMPI_FLAG_IncludeClassOrigin) != 0;
	v = cmpi_result_items(res, &n);
	for (i = 0; i < n; i++) {
		if ((p = ops_inst_pathof(ctx, &v[i], r->cr_ns)) == NULL)
			continue;
		if (names) {
			evbuffer_add_printf(b, "<OBJECTPATH>");
			cmpixml_instancepath(b, p, ctx->oc_host);
			evbuffer_add_printf(b, "</OBJECTPATH>\n");
			continue;
		}
		if (v[i].type != CMPI_instance)
			continue;
		evbuffer_add_printf(b, "<VALUE.OBJECTWITHPATH>\n");
		cmpixml_instancepath(b, p, ctx->oc_host);
		evbuffer_add_printf(b, "\n");
		cmpixml_instance(b, ctx->oc_br, v[i].value.inst, &o);
		evbuffer_add_printf(b, "</VALUE.OBJECTWITHPATH>\n");
	}
out:
	free(assoc);
	free(result);
	free(role);
	free(rrole);
	cimxml_strv_free(props);
	return (ops_inst_done(ctx, code));
}

int
ops_inst_associators(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	return (ops_inst_assoc(ctx, r, b, desc, DISPATCH_ASSOCIATORS));
}

int
ops_inst_associator_names(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	return (ops_inst_assoc(ctx, r, b, desc, DISPATCH_ASSOCNAMES));
}

int
ops_inst_references(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	return (ops_inst_assoc(ctx, r, b, desc, DISPATCH_REFERENCES));
}

int
ops_inst_reference_names(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	return (ops_inst_assoc(ctx, r, b, desc, DISPATCH_REFNAMES));
}

int
ops_inst_invoke(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	const struct repo_class		*c;
	const struct repo_feature	*m;
	struct cmpivalue_list		*outl;
	CMPIObjectPath			*op;
	CMPIArgs			*in, *out;
	CMPIResult			*res;
	CMPIData			*v;
	size_t				 i, n;
	int				 code;

	c = repository_class(repository_ns(ctx->oc_repo, r->cr_ns, 0),
	    r->cr_class);
	if (c == NULL) {
		xasprintf(desc, "class %s does not exist", r->cr_class);
		return (5);
	}
	if ((m = repository_feature(c, REPO_METHOD, r->cr_method)) == NULL) {
		xasprintf(desc, "class %s has no method %s", c->rc_name,
		    r->cr_method);
		return (17);
	}
	broker_call_begin(ctx->oc_br);
	if (xmlStrEqual(r->cr_target->name, BAD_CAST "CLASSNAME"))
		op = cmpi_objectpath_new(ctx->oc_br, r->cr_ns, c->rc_name);
	else if ((op = cmpixml_path(ctx->oc_br, r->cr_target, r->cr_ns,
	    desc)) == NULL) {
		code = 4;
		goto out;
	} else
		cmpiobj_init((struct cmpiobj *)op, ctx->oc_br,
		    ((struct cmpiobj *)op)->co_pub.ft,
		    ((struct cmpiobj *)op)->co_free);
	in = cmpi_args_new(ctx->oc_br);
	out = cmpi_args_new(ctx->oc_br);
	if ((code = cmpixml_args(ctx->oc_br, r->cr_call, c, r->cr_method,
	    r->cr_ns, in, desc)) != 0)
		goto out;
	res = cmpi_result_new(ctx->oc_br);
	code = dispatch_invoke(ctx->oc_br, ops_inst_context(ctx, r, 0), op,
	    r->cr_method, in, out, res, desc);
	if (code != 0)
		goto out;
	v = cmpi_result_items(res, &n);
	if (n > 0 && !(v[0].state & CMPI_nullValue)) {
		evbuffer_add_printf(b, "<RETURNVALUE PARAMTYPE=\"%s\">",
		    cmpixml_type_name(m->rf_type));
		cmpixml_data(b, &v[0], ctx->oc_host);
		evbuffer_add_printf(b, "</RETURNVALUE>\n");
	}
	outl = cmpi_args_list(out);
	for (i = 0; i < outl->vl_n; i++) {
		evbuffer_add_printf(b, "<PARAMVALUE NAME=\"");
		cimxml_escape(b, outl->vl_v[i].ve_name);
		evbuffer_add_printf(b, "\" PARAMTYPE=\"%s\">",
		    (outl->vl_v[i].ve_data.type & ~CMPI_ARRAY) == CMPI_ref ?
		    "reference" : cmpixml_type_name(
		    outl->vl_v[i].ve_data.type));
		cmpixml_data(b, &outl->vl_v[i].ve_data, ctx->oc_host);
		evbuffer_add_printf(b, "</PARAMVALUE>\n");
	}
out:
	return (ops_inst_done(ctx, code));
}
