/* SPDX-License-Identifier: ISC */
/*
 * Class operations, answered by cimom from its repository (DSP0200
 * defaults: DeepInheritance FALSE, LocalOnly TRUE, IncludeQualifiers
 * TRUE, IncludeClassOrigin FALSE).  An unknown class is
 * CIM_ERR_NOT_FOUND for GetClass and CIM_ERR_INVALID_CLASS for the
 * enumerations (cim.md §1.6).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "cimxml.h"
#include "ops.h"
#include "repository.h"
#include "xmalloc.h"

static int	ops_class_children(struct ops_ctx *, const struct cimxml_req *,
		    struct evbuffer *, char **, int);

int
ops_class_unsupported(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	xasprintf(desc, "%s is not supported", r->cr_method);
	return (7);
}

/* The classes directly (or, deep, transitively) under ClassName. */
static int
ops_class_children(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc, int full)
{
	const struct repo_ns	*ns = repository_ns(ctx->oc_repo, r->cr_ns, 0);
	const struct repo_class	*c, *top = NULL;
	char			*cn;
	int			 deep, lo, q, origin;
	size_t			 i;

	cn = cimxml_param_name(r, "ClassName");
	deep = cimxml_param_bool(r, "DeepInheritance", 0);
	lo = cimxml_param_bool(r, "LocalOnly", 1);
	q = cimxml_param_bool(r, "IncludeQualifiers", 1);
	origin = cimxml_param_bool(r, "IncludeClassOrigin", 0);
	if (deep == -1 || lo == -1 || q == -1 || origin == -1) {
		free(cn);
		xasprintf(desc, "a boolean parameter is not TRUE or FALSE");
		return (4);
	}
	if (cn != NULL && (top = repository_class(ns, cn)) == NULL) {
		xasprintf(desc, "class %s does not exist", cn);
		free(cn);
		return (5);
	}
	free(cn);
	for (i = 0; i < ns->rn_nclasses; i++) {
		c = ns->rn_classes[i];
		if (deep) {
			if (c == top || (top != NULL &&
			    !repository_is_a(ns, c->rc_name, top->rc_name)))
				continue;
		} else if (c->rc_superp != top)
			continue;
		if (full)
			cimxml_class(b, c, lo, q, origin, NULL);
		else
			evbuffer_add_printf(b, "<CLASSNAME NAME=\"%s\"/>\n",
			    c->rc_name);
	}
	return (0);
}

int
ops_class_enum_names(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	return (ops_class_children(ctx, r, b, desc, 0));
}

int
ops_class_enum(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	return (ops_class_children(ctx, r, b, desc, 1));
}

int
ops_class_get(struct ops_ctx *ctx, const struct cimxml_req *r,
    struct evbuffer *b, char **desc)
{
	const struct repo_ns	*ns = repository_ns(ctx->oc_repo, r->cr_ns, 0);
	const struct repo_class	*c;
	char			*cn, **props;
	int			 lo, q, origin;

	if ((cn = cimxml_param_name(r, "ClassName")) == NULL) {
		xasprintf(desc, "GetClass needs a ClassName");
		return (4);
	}
	lo = cimxml_param_bool(r, "LocalOnly", 1);
	q = cimxml_param_bool(r, "IncludeQualifiers", 1);
	origin = cimxml_param_bool(r, "IncludeClassOrigin", 0);
	if (lo == -1 || q == -1 || origin == -1) {
		free(cn);
		xasprintf(desc, "a boolean parameter is not TRUE or FALSE");
		return (4);
	}
	if ((c = repository_class(ns, cn)) == NULL) {
		xasprintf(desc, "class %s does not exist", cn);
		free(cn);
		return (6);
	}
	free(cn);
	props = cimxml_param_proplist(r);
	cimxml_class(b, c, lo, q, origin, props);
	cimxml_strv_free(props);
	return (0);
}
