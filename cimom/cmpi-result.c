/* SPDX-License-Identifier: ISC */
/*
 * CMPIResult: what an MI call returns, collected as owned copies
 * (instances, object paths, data) plus an error a provider reported with
 * returnError.  returnDone may come never or twice; neither matters.
 */

#include "config.h"

#include <stdlib.h>

#include "broker.h"
#include "xmalloc.h"

/* A provider that returns more than this is refused, not obeyed. */
#define CMPI_RESULT_MAX	(1U << 20)

struct cmpi_result {
	struct cmpiobj	 rs_obj;
	CMPIData	*rs_v;
	size_t		 rs_n;
	CMPIrc		 rs_err;
	char		*rs_errdesc;
};

#define RS(p)	((struct cmpi_result *)(p))

static void		 cmpi_result_free(struct cmpiobj *);
static CMPIStatus	 cmpi_result_release(CMPIResult *);
static CMPIResult	*cmpi_result_clone(const CMPIResult *, CMPIStatus *);
static CMPIStatus	 cmpi_result_returndata(const CMPIResult *,
			    const CMPIValue *, const CMPIType);
static CMPIStatus	 cmpi_result_returninstance(const CMPIResult *,
			    const CMPIInstance *);
static CMPIStatus	 cmpi_result_returnobjectpath(const CMPIResult *,
			    const CMPIObjectPath *);
static CMPIStatus	 cmpi_result_returndone(const CMPIResult *);
static CMPIStatus	 cmpi_result_returnerror(const CMPIResult *,
			    const CMPIError *);
static CMPIStatus	 cmpi_result_add(const CMPIResult *, const CMPIValue *,
			    CMPIType);

static const CMPIResultFT cmpi_result_ft = {
	CMPICurrentVersion,
	cmpi_result_release,
	cmpi_result_clone,
	cmpi_result_returndata,
	cmpi_result_returninstance,
	cmpi_result_returnobjectpath,
	cmpi_result_returndone,
	cmpi_result_returnerror,
};

static void
cmpi_result_free(struct cmpiobj *o)
{
	size_t	i;

	for (i = 0; i < RS(o)->rs_n; i++)
		cmpivalue_free(&RS(o)->rs_v[i]);
	free(RS(o)->rs_v);
	free(RS(o)->rs_errdesc);
	free(o);
}

CMPIResult *
cmpi_result_new(struct broker *br)
{
	struct cmpi_result	*r = xcalloc(1, sizeof *r);

	cmpiobj_init(&r->rs_obj, br, &cmpi_result_ft, cmpi_result_free);
	return ((CMPIResult *)r);
}

CMPIData *
cmpi_result_items(const CMPIResult *r, size_t *n)
{
	*n = RS(r)->rs_n;
	return (RS(r)->rs_v);
}

CMPIrc
cmpi_result_error(const CMPIResult *r, char **desc)
{
	*desc = RS(r)->rs_errdesc;
	return (RS(r)->rs_err);
}

static CMPIStatus
cmpi_result_release(CMPIResult *r)
{
	return (cmpiobj_release((struct cmpiobj *)r));
}

static CMPIResult *
cmpi_result_clone(const CMPIResult *r, CMPIStatus *rc)
{
	struct cmpi_result	*c;
	size_t			 i;

	c = cmpiobj_own(cmpi_result_new(RS(r)->rs_obj.co_br));
	c->rs_v = xcalloc(RS(r)->rs_n + 1, sizeof *c->rs_v);
	for (i = 0; i < RS(r)->rs_n; i++)
		cmpivalue_dup(c->rs_obj.co_br, &c->rs_v[i], &RS(r)->rs_v[i]);
	c->rs_n = RS(r)->rs_n;
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIResult *)c);
}

static CMPIStatus
cmpi_result_add(const CMPIResult *cr, const CMPIValue *v, CMPIType t)
{
	struct cmpi_result	*r = RS(cr);
	CMPIData		 d;

	if (r->rs_n >= CMPI_RESULT_MAX)
		return (cmpiobj_status(CMPI_RC_ERR_SERVER_LIMITS_EXCEEDED));
	if (cmpivalue_copy(r->rs_obj.co_br, &d, v, t) == -1)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_DATA_TYPE));
	r->rs_v = xreallocarray(r->rs_v, r->rs_n + 1, sizeof *r->rs_v);
	r->rs_v[r->rs_n++] = d;
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_result_returndata(const CMPIResult *r, const CMPIValue *v,
    const CMPIType t)
{
	return (cmpi_result_add(r, v, t));
}

static CMPIStatus
cmpi_result_returninstance(const CMPIResult *r, const CMPIInstance *i)
{
	if (i == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	return (cmpi_result_add(r, (const CMPIValue *)&i, CMPI_instance));
}

static CMPIStatus
cmpi_result_returnobjectpath(const CMPIResult *r, const CMPIObjectPath *op)
{
	if (op == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	return (cmpi_result_add(r, (const CMPIValue *)&op, CMPI_ref));
}

static CMPIStatus
cmpi_result_returndone(const CMPIResult *r)
{
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_result_returnerror(const CMPIResult *cr, const CMPIError *e)
{
	struct cmpi_result	*r = RS(cr);
	CMPIString		*s;

	if (e == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	r->rs_err = e->ft->getCIMStatusCode(e, NULL);
	free(r->rs_errdesc);
	r->rs_errdesc = NULL;
	if ((s = e->ft->getMessage(e, NULL)) != NULL)
		r->rs_errdesc = xstrdup(cmpi_string_chars(s));
	return (cmpiobj_status(CMPI_RC_OK));
}
