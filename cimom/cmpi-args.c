/* SPDX-License-Identifier: ISC */
/* CMPIArgs: the named arguments of a method call, in and out. */

#include "config.h"

#include <stdlib.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_args {
	struct cmpiobj		ar_obj;
	struct cmpivalue_list	ar_list;
};

#define AR(p)	((struct cmpi_args *)(p))

static void		 cmpi_args_free(struct cmpiobj *);
static CMPIStatus	 cmpi_args_release(CMPIArgs *);
static CMPIArgs		*cmpi_args_clone(const CMPIArgs *, CMPIStatus *);
static CMPIStatus	 cmpi_args_addarg(const CMPIArgs *, const char *,
			    const CMPIValue *, const CMPIType);
static CMPIData		 cmpi_args_getarg(const CMPIArgs *, const char *,
			    CMPIStatus *);
static CMPIData		 cmpi_args_getargat(const CMPIArgs *, CMPICount,
			    CMPIString **, CMPIStatus *);
static CMPICount	 cmpi_args_getargcount(const CMPIArgs *,
			    CMPIStatus *);

static const CMPIArgsFT cmpi_args_ft = {
	CMPICurrentVersion,
	cmpi_args_release,
	cmpi_args_clone,
	cmpi_args_addarg,
	cmpi_args_getarg,
	cmpi_args_getargat,
	cmpi_args_getargcount,
};

static void
cmpi_args_free(struct cmpiobj *o)
{
	cmpivalue_list_free(&AR(o)->ar_list);
	free(o);
}

CMPIArgs *
cmpi_args_new(struct broker *br)
{
	struct cmpi_args	*a = xcalloc(1, sizeof *a);

	cmpiobj_init(&a->ar_obj, br, &cmpi_args_ft, cmpi_args_free);
	return ((CMPIArgs *)a);
}

struct cmpivalue_list *
cmpi_args_list(const CMPIArgs *a)
{
	return (&AR(a)->ar_list);
}

static CMPIStatus
cmpi_args_release(CMPIArgs *a)
{
	return (cmpiobj_release((struct cmpiobj *)a));
}

static CMPIArgs *
cmpi_args_clone(const CMPIArgs *a, CMPIStatus *rc)
{
	struct cmpi_args	*c;

	c = cmpiobj_own(cmpi_args_new(AR(a)->ar_obj.co_br));
	cmpivalue_list_copy(AR(a)->ar_obj.co_br, &c->ar_list, &AR(a)->ar_list);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIArgs *)c);
}

static CMPIStatus
cmpi_args_addarg(const CMPIArgs *a, const char *name, const CMPIValue *v,
    const CMPIType t)
{
	return (cmpiobj_status(cmpivalue_set(AR(a)->ar_obj.co_br,
	    &AR(a)->ar_list, name, v, t, 0)));
}

static CMPIData
cmpi_args_getarg(const CMPIArgs *a, const char *name, CMPIStatus *rc)
{
	return (cmpivalue_get(&AR(a)->ar_list, name, CMPI_RC_ERR_NOT_FOUND,
	    rc));
}

static CMPIData
cmpi_args_getargat(const CMPIArgs *a, CMPICount i, CMPIString **name,
    CMPIStatus *rc)
{
	return (cmpivalue_getat(AR(a)->ar_obj.co_br, &AR(a)->ar_list, i, name,
	    CMPI_RC_ERR_NOT_FOUND, rc));
}

static CMPICount
cmpi_args_getargcount(const CMPIArgs *a, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPICount)AR(a)->ar_list.vl_n);
}
