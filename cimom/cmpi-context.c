/* SPDX-License-Identifier: ISC */
/*
 * CMPIContext: the invocation context entries (CMPIInitNameSpace,
 * CMPIInvocationFlags, CMPIPrincipal...) the broker passes to an MI call.
 */

#include "config.h"

#include <stdlib.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_context {
	struct cmpiobj		cx_obj;
	struct cmpivalue_list	cx_list;
};

#define CX(p)	((struct cmpi_context *)(p))

static void		 cmpi_context_free(struct cmpiobj *);
static CMPIStatus	 cmpi_context_release(CMPIContext *);
static CMPIContext		*cmpi_context_clone(const CMPIContext *, CMPIStatus *);
static CMPIStatus	 cmpi_context_addentry(const CMPIContext *, const char *,
			    const CMPIValue *, const CMPIType);
static CMPIData		 cmpi_context_getentry(const CMPIContext *, const char *,
			    CMPIStatus *);
static CMPIData		 cmpi_context_getentryat(const CMPIContext *, CMPICount,
			    CMPIString **, CMPIStatus *);
static CMPICount	 cmpi_context_getentrycount(const CMPIContext *,
			    CMPIStatus *);

static const CMPIContextFT cmpi_context_ft = {
	CMPICurrentVersion,
	cmpi_context_release,
	cmpi_context_clone,
	cmpi_context_getentry,
	cmpi_context_getentryat,
	cmpi_context_getentrycount,
	cmpi_context_addentry,
};

static void
cmpi_context_free(struct cmpiobj *o)
{
	cmpivalue_list_free(&CX(o)->cx_list);
	free(o);
}

CMPIContext *
cmpi_context_new(struct broker *br)
{
	struct cmpi_context	*a = xcalloc(1, sizeof *a);

	cmpiobj_init(&a->cx_obj, br, &cmpi_context_ft, cmpi_context_free);
	return ((CMPIContext *)a);
}

struct cmpivalue_list *
cmpi_context_list(const CMPIContext *a)
{
	return (&CX(a)->cx_list);
}

static CMPIStatus
cmpi_context_release(CMPIContext *a)
{
	return (cmpiobj_release((struct cmpiobj *)a));
}

static CMPIContext *
cmpi_context_clone(const CMPIContext *a, CMPIStatus *rc)
{
	struct cmpi_context	*c;

	c = cmpiobj_own(cmpi_context_new(CX(a)->cx_obj.co_br));
	cmpivalue_list_copy(CX(a)->cx_obj.co_br, &c->cx_list, &CX(a)->cx_list);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIContext *)c);
}

static CMPIStatus
cmpi_context_addentry(const CMPIContext *a, const char *name, const CMPIValue *v,
    const CMPIType t)
{
	return (cmpiobj_status(cmpivalue_set(CX(a)->cx_obj.co_br,
	    &CX(a)->cx_list, name, v, t, 0)));
}

static CMPIData
cmpi_context_getentry(const CMPIContext *a, const char *name, CMPIStatus *rc)
{
	return (cmpivalue_get(&CX(a)->cx_list, name, CMPI_RC_ERR_NOT_FOUND,
	    rc));
}

static CMPIData
cmpi_context_getentryat(const CMPIContext *a, CMPICount i, CMPIString **name,
    CMPIStatus *rc)
{
	return (cmpivalue_getat(CX(a)->cx_obj.co_br, &CX(a)->cx_list, i, name,
	    CMPI_RC_ERR_NOT_FOUND, rc));
}

static CMPICount
cmpi_context_getentrycount(const CMPIContext *a, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPICount)CX(a)->cx_list.vl_n);
}
