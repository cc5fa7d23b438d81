/* SPDX-License-Identifier: ISC */
/*
 * Routing of instance operations to provider MIs (dispatch.h).  Every MI
 * call is bracketed by broker_call_begin/end, so what the provider
 * creates during it is freed after it; the status a provider returns
 * decides, and its message becomes the error description.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "broker.h"
#include "dispatch.h"
#include "provider.h"
#include "repository.h"
#include "xmalloc.h"

static CMPIrc	dispatch_status(CMPIStatus, const char *, char **);
static CMPIrc	dispatch_target(struct broker *, const CMPIObjectPath *,
		    const struct repo_ns **, const struct repo_class **,
		    CMPIrc, char **);

/* A provider's status, with its message (or a default) on failure. */
static CMPIrc
dispatch_status(CMPIStatus st, const char *who, char **desc)
{
	if (st.rc == CMPI_RC_OK)
		return (CMPI_RC_OK);
	if (st.msg != NULL && cmpi_string_chars(st.msg) != NULL)
		*desc = xstrdup(cmpi_string_chars(st.msg));
	else
		xasprintf(desc, "provider %s failed", who);
	return (st.rc);
}

/*
 * The namespace and class op names; an unknown namespace is
 * CIM_ERR_INVALID_NAMESPACE, an unknown class noclass (what suits the
 * operation), with *desc.
 */
static CMPIrc
dispatch_target(struct broker *br, const CMPIObjectPath *op,
    const struct repo_ns **ns, const struct repo_class **c, CMPIrc noclass,
    char **desc)
{
	*ns = repository_ns(br->b_repo, cmpi_objectpath_ns(op), 0);
	if (*ns == NULL) {
		xasprintf(desc, "namespace %s does not exist",
		    cmpi_objectpath_ns(op));
		return (CMPI_RC_ERR_INVALID_NAMESPACE);
	}
	if ((*c = repository_class(*ns, cmpi_objectpath_class(op))) == NULL) {
		xasprintf(desc, "class %s does not exist",
		    cmpi_objectpath_class(op));
		return (noclass);
	}
	return (CMPI_RC_OK);
}

CMPIrc
dispatch_enum(struct broker *br, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char **props, int names,
    const CMPIResult *out, char **desc)
{
	const struct repo_ns	 *ns;
	const struct repo_class	 *c;
	struct provider_reg	**regs;
	const char		**as;
	CMPIInstanceMI		 *mi;
	CMPIObjectPath		 *p;
	CMPIStatus		  st;
	CMPIrc			  rc = CMPI_RC_OK;
	size_t			  i, n;

	if ((rc = dispatch_target(br, op, &ns, &c, CMPI_RC_ERR_INVALID_CLASS,
	    desc)) != CMPI_RC_OK)
		return (rc);
	n = provider_enum(br->b_prov, ns, c->rc_name, PROVIDER_INSTANCE,
	    &regs, &as);
	for (i = 0; i < n && rc == CMPI_RC_OK; i++) {
		if ((mi = provider_mi(br->b_prov, regs[i], PROVIDER_INSTANCE,
		    ns->rn_name, desc)) == NULL) {
			rc = CMPI_RC_ERR_FAILED;
			break;
		}
		/* The provider sees the class it is registered for. */
		p = op->ft->clone(op, NULL);
		p->ft->setClassName(p, as[i]);
		broker_call_begin(br);
		if (names)
			st = mi->ft->enumerateInstanceNames(mi, ctx, out, p);
		else
			st = mi->ft->enumerateInstances(mi, ctx, out, p, props);
		rc = dispatch_status(st, regs[i]->pr_name, desc);
		broker_call_end(br);
		p->ft->release(p);
	}
	free(regs);
	free(as);
	return (rc);
}

CMPIrc
dispatch_get(struct broker *br, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char **props, const CMPIResult *out,
    char **desc)
{
	const struct repo_ns	*ns;
	const struct repo_class	*c;
	struct provider_reg	*r;
	CMPIInstanceMI		*mi;
	CMPIStatus		 st;
	CMPIrc			 rc;

	if ((rc = dispatch_target(br, op, &ns, &c, CMPI_RC_ERR_INVALID_CLASS,
	    desc)) != CMPI_RC_OK)
		return (rc);
	if ((r = provider_find(br->b_prov, ns, c->rc_name,
	    PROVIDER_INSTANCE)) == NULL) {
		xasprintf(desc, "no instance of %s", c->rc_name);
		return (CMPI_RC_ERR_NOT_FOUND);
	}
	if ((mi = provider_mi(br->b_prov, r, PROVIDER_INSTANCE, ns->rn_name,
	    desc)) == NULL)
		return (CMPI_RC_ERR_FAILED);
	broker_call_begin(br);
	st = mi->ft->getInstance(mi, ctx, out, op, props);
	rc = dispatch_status(st, r->pr_name, desc);
	broker_call_end(br);
	return (rc);
}

CMPIrc
dispatch_assoc(struct broker *br, const CMPIContext *ctx,
    const CMPIObjectPath *op, int kind, const char *assoc, const char *result,
    const char *role, const char *rrole, const char **props,
    const CMPIResult *out, char **desc)
{
	struct provider		 *pv = br->b_prov;
	const struct repo_ns	 *ns;
	const struct repo_class	 *c;
	struct provider_reg	**regs;
	const char		**as, *filter;
	CMPIAssociationMI	 *mi;
	CMPIStatus		  st;
	CMPIrc			  rc = CMPI_RC_OK;
	size_t			  i, j, n = 0;

	if ((rc = dispatch_target(br, op, &ns, &c, CMPI_RC_ERR_INVALID_PARAMETER,
	    desc)) != CMPI_RC_OK)
		return (rc);
	/* References name the association class in ResultClass. */
	filter = kind >= DISPATCH_REFERENCES ? result : assoc;
	if (filter != NULL) {
		if (repository_class(ns, filter) == NULL) {
			xasprintf(desc, "class %s does not exist", filter);
			return (CMPI_RC_ERR_INVALID_PARAMETER);
		}
		n = provider_enum(pv, ns, filter, PROVIDER_ASSOCIATION, &regs,
		    &as);
	} else {
		regs = xcalloc(pv->p_nregs + 1, sizeof *regs);
		as = xcalloc(pv->p_nregs + 1, sizeof *as);
		for (i = 0; i < pv->p_nregs; i++) {
			if (!(pv->p_regs[i]->pr_types & PROVIDER_ASSOCIATION) ||
			    provider_find(pv, ns, pv->p_regs[i]->pr_class,
			    PROVIDER_ASSOCIATION) != pv->p_regs[i])
				continue;
			for (j = 0; j < n; j++)
				if (strcmp(regs[j]->pr_name,
				    pv->p_regs[i]->pr_name) == 0)
					break;
			if (j == n) {
				regs[n] = pv->p_regs[i];
				as[n++] = regs[j]->pr_class;
			}
		}
	}
	for (i = 0; i < n && rc == CMPI_RC_OK; i++) {
		if ((mi = provider_mi(pv, regs[i], PROVIDER_ASSOCIATION,
		    ns->rn_name, desc)) == NULL) {
			rc = CMPI_RC_ERR_FAILED;
			break;
		}
		broker_call_begin(br);
		switch (kind) {
		case DISPATCH_ASSOCIATORS:
			st = mi->ft->associators(mi, ctx, out, op, assoc,
			    result, role, rrole, props);
			break;
		case DISPATCH_ASSOCNAMES:
			st = mi->ft->associatorNames(mi, ctx, out, op, assoc,
			    result, role, rrole);
			break;
		case DISPATCH_REFERENCES:
			st = mi->ft->references(mi, ctx, out, op, result, role,
			    props);
			break;
		default:
			st = mi->ft->referenceNames(mi, ctx, out, op, result,
			    role);
			break;
		}
		rc = dispatch_status(st, regs[i]->pr_name, desc);
		broker_call_end(br);
	}
	free(regs);
	free(as);
	return (rc);
}

CMPIrc
dispatch_invoke(struct broker *br, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *method, const CMPIArgs *in,
    CMPIArgs *outargs, const CMPIResult *out, char **desc)
{
	const struct repo_ns	*ns;
	const struct repo_class	*c;
	struct provider_reg	*r;
	CMPIMethodMI		*mi;
	CMPIStatus		 st;
	CMPIrc			 rc;

	if ((rc = dispatch_target(br, op, &ns, &c, CMPI_RC_ERR_INVALID_CLASS,
	    desc)) != CMPI_RC_OK)
		return (rc);
	if (repository_feature(c, REPO_METHOD, method) == NULL) {
		xasprintf(desc, "class %s has no method %s", c->rc_name,
		    method);
		return (CMPI_RC_ERR_METHOD_NOT_FOUND);
	}
	if ((r = provider_find(br->b_prov, ns, c->rc_name,
	    PROVIDER_METHOD)) == NULL) {
		xasprintf(desc, "no provider implements %s.%s", c->rc_name,
		    method);
		return (CMPI_RC_ERR_NOT_SUPPORTED);
	}
	if ((mi = provider_mi(br->b_prov, r, PROVIDER_METHOD, ns->rn_name,
	    desc)) == NULL)
		return (CMPI_RC_ERR_FAILED);
	broker_call_begin(br);
	st = mi->ft->invokeMethod(mi, ctx, out, op, method, in, outargs);
	rc = dispatch_status(st, r->pr_name, desc);
	broker_call_end(br);
	return (rc);
}
