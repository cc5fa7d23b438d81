/* SPDX-License-Identifier: ISC */
/*
 * Class operations, answered by cimom from its repository (DSP0200
 * defaults: DeepInheritance FALSE, LocalOnly TRUE, IncludeQualifiers
 * TRUE, IncludeClassOrigin FALSE).  An unknown class is
 * CIM_ERR_NOT_FOUND for GetClass and CIM_ERR_INVALID_CLASS for the
 * enumerations (cim.md §1.6).
 *
 * Associators, AssociatorNames, References and ReferenceNames whose
 * ObjectName is a class are schema questions (DSP0200 §5.3.2.14-17):
 * the association classes with a reference that can point at the class
 * (its class or a superclass), or the classes at their other ends,
 * answered from the repository as CLASSPATH (and CLASS) results.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "cimxml.h"
#include "dispatch.h"
#include "ops.h"
#include "repository.h"
#include "xmalloc.h"

static int	ops_class_children(struct ops_ctx *, const struct cimxml_req *,
		    struct evbuffer *, char **, int);
static int	ops_class_assoc_ref(const struct repo_ns *,
		    const struct repo_feature *, const char *, const char *);
static void	ops_class_assoc_out(struct evbuffer *, struct ops_ctx *,
		    const char *, const struct repo_class *, int, int, int,
		    char *const *, const struct repo_class **, size_t *);

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

/*
 * Whether f is a reference named role (NULL: any name) that can point at
 * class cn (NULL: at anything).
 */
static int
ops_class_assoc_ref(const struct repo_ns *ns, const struct repo_feature *f,
    const char *cn, const char *role)
{
	if (f->rf_kind != REPO_PROPERTY || f->rf_type != CMPI_ref ||
	    f->rf_refclass == NULL)
		return (0);
	if (role != NULL && strcasecmp(role, f->rf_name) != 0)
		return (0);
	return (cn == NULL || repository_is_a(ns, cn, f->rf_refclass));
}

/*
 * One result, a CLASSPATH or the class with its path, unless it is in
 * seen already: a class reached through several roles or associations
 * is listed once.
 */
static void
ops_class_assoc_out(struct evbuffer *b, struct ops_ctx *ctx, const char *ns,
    const struct repo_class *c, int names, int q, int origin,
    char *const *props, const struct repo_class **seen, size_t *nseen)
{
	size_t	i;

	for (i = 0; i < *nseen; i++)
		if (seen[i] == c)
			return;
	seen[(*nseen)++] = c;
	evbuffer_add_printf(b, names ? "<OBJECTPATH>" :
	    "<VALUE.OBJECTWITHPATH>\n");
	evbuffer_add_printf(b, "<CLASSPATH>");
	cimxml_nspath(b, ctx->oc_host, ns);
	evbuffer_add_printf(b, "<CLASSNAME NAME=\"%s\"/></CLASSPATH>",
	    c->rc_name);
	if (names) {
		evbuffer_add_printf(b, "</OBJECTPATH>\n");
		return;
	}
	evbuffer_add_printf(b, "\n");
	cimxml_class(b, c, 0, q, origin, props);
	evbuffer_add_printf(b, "</VALUE.OBJECTWITHPATH>\n");
}

int
ops_class_assoc(struct ops_ctx *ctx, const struct cimxml_req *r,
    const char *cn, struct evbuffer *b, char **desc, int kind)
{
	const struct repo_ns		 *ns = repository_ns(ctx->oc_repo,
					    r->cr_ns, 0);
	const struct repo_class		 *c, *a, *far, **seen;
	const struct repo_feature	 *f, *g;
	const char			 *filter, *bad = NULL;
	char				 *assoc, *result, *role, *rrole;
	char				**props;
	size_t				  i, j, k, nseen = 0;
	int				  names, refs, q, origin, code = 0;

	names = kind == DISPATCH_ASSOCNAMES || kind == DISPATCH_REFNAMES;
	refs = kind == DISPATCH_REFERENCES || kind == DISPATCH_REFNAMES;
	assoc = cimxml_param_name(r, "AssocClass");
	result = cimxml_param_name(r, "ResultClass");
	role = cimxml_param_name(r, "Role");
	rrole = cimxml_param_name(r, "ResultRole");
	props = names ? NULL : cimxml_param_proplist(r);
	q = names ? 0 : cimxml_param_bool(r, "IncludeQualifiers", 0);
	origin = names ? 0 : cimxml_param_bool(r, "IncludeClassOrigin", 0);
	seen = xcalloc(ns->rn_nclasses + 1, sizeof *seen);
	if (q == -1 || origin == -1) {
		xasprintf(desc, "a boolean parameter is not TRUE or FALSE");
		code = 4;
		goto out;
	}
	/* Unknown classes are CIM_ERR_INVALID_PARAMETER, as for instance
	 * names. */
	if ((c = repository_class(ns, cn)) == NULL)
		bad = cn;
	else if (assoc != NULL && repository_class(ns, assoc) == NULL)
		bad = assoc;
	else if (result != NULL && repository_class(ns, result) == NULL)
		bad = result;
	if (bad != NULL) {
		xasprintf(desc, "class %s does not exist", bad);
		code = 4;
		goto out;
	}
	/* References filter the associations with ResultClass. */
	filter = refs ? result : assoc;
	for (i = 0; i < ns->rn_nclasses; i++) {
		a = ns->rn_classes[i];
		if (!a->rc_assoc || (filter != NULL &&
		    !repository_is_a(ns, a->rc_name, filter)))
			continue;
		for (j = 0; j < a->rc_nfeat; j++) {
			f = &a->rc_feat[j];
			if (!ops_class_assoc_ref(ns, f, c->rc_name, role))
				continue;
			if (refs) {
				ops_class_assoc_out(b, ctx, r->cr_ns, a, names,
				    q, origin, props, seen, &nseen);
				continue;
			}
			for (k = 0; k < a->rc_nfeat; k++) {
				g = &a->rc_feat[k];
				if (k == j ||
				    !ops_class_assoc_ref(ns, g, NULL, rrole) ||
				    (far = repository_class(ns,
				    g->rf_refclass)) == NULL)
					continue;
				if (result != NULL && !repository_is_a(ns,
				    far->rc_name, result))
					continue;
				ops_class_assoc_out(b, ctx, r->cr_ns, far, names,
				    q, origin, props, seen, &nseen);
			}
		}
	}
out:
	free(seen);
	free(assoc);
	free(result);
	free(role);
	free(rrole);
	cimxml_strv_free(props);
	return (code);
}
