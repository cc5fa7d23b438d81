/* SPDX-License-Identifier: ISC */
/*
 * CMPIArray: a fixed number of typed elements, each a CMPIData the array
 * owns; unset elements are NULL.  CMPI_chars elements become strings.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_array {
	struct cmpiobj	 ca_obj;
	CMPIType	 ca_type;	/* element type, no CMPI_ARRAY */
	CMPICount	 ca_n;
	CMPIData	*ca_v;
};

static void		 cmpi_array_free(struct cmpiobj *);
static CMPIStatus	 cmpi_array_release(CMPIArray *);
static CMPIArray	*cmpi_array_clone(const CMPIArray *, CMPIStatus *);
static CMPICount	 cmpi_array_getsize(const CMPIArray *, CMPIStatus *);
static CMPIType		 cmpi_array_getsimpletype(const CMPIArray *,
			    CMPIStatus *);
static CMPIData		 cmpi_array_getelementat(const CMPIArray *, CMPICount,
			    CMPIStatus *);
static CMPIStatus	 cmpi_array_setelementat(const CMPIArray *, CMPICount,
			    const CMPIValue *, CMPIType);

static const CMPIArrayFT cmpi_array_ft = {
	CMPICurrentVersion,
	cmpi_array_release,
	cmpi_array_clone,
	cmpi_array_getsize,
	cmpi_array_getsimpletype,
	cmpi_array_getelementat,
	cmpi_array_setelementat,
};

/* Arrays beyond this are refused: a provider bug, not a real array. */
#define CMPI_ARRAY_MAX	(1U << 20)

static void
cmpi_array_free(struct cmpiobj *o)
{
	struct cmpi_array	*a = (struct cmpi_array *)o;
	CMPICount		 i;

	for (i = 0; i < a->ca_n; i++)
		cmpivalue_free(&a->ca_v[i]);
	free(a->ca_v);
	free(a);
}

CMPIArray *
cmpi_array_new(struct broker *br, CMPICount n, CMPIType t)
{
	struct cmpi_array	*a;
	CMPICount		 i;

	if (n > CMPI_ARRAY_MAX)
		return (NULL);
	a = xcalloc(1, sizeof *a);
	cmpiobj_init(&a->ca_obj, br, &cmpi_array_ft, cmpi_array_free);
	t &= ~CMPI_ARRAY;
	a->ca_type = t == CMPI_chars ? CMPI_string : t;
	a->ca_n = n;
	a->ca_v = xcalloc(n + 1, sizeof *a->ca_v);
	for (i = 0; i < n; i++) {
		a->ca_v[i].type = a->ca_type;
		a->ca_v[i].state = CMPI_nullValue;
	}
	return ((CMPIArray *)a);
}

static CMPIStatus
cmpi_array_release(CMPIArray *a)
{
	return (cmpiobj_release((struct cmpiobj *)a));
}

static CMPIArray *
cmpi_array_clone(const CMPIArray *ca, CMPIStatus *rc)
{
	const struct cmpi_array	*a = (const struct cmpi_array *)ca;
	struct cmpi_array	*c;
	CMPICount		 i;

	c = cmpiobj_own(cmpi_array_new(a->ca_obj.co_br, a->ca_n, a->ca_type));
	for (i = 0; i < a->ca_n; i++)
		cmpivalue_dup(a->ca_obj.co_br, &c->ca_v[i], &a->ca_v[i]);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIArray *)c);
}

static CMPICount
cmpi_array_getsize(const CMPIArray *ca, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (((const struct cmpi_array *)ca)->ca_n);
}

static CMPIType
cmpi_array_getsimpletype(const CMPIArray *ca, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (((const struct cmpi_array *)ca)->ca_type);
}

static CMPIData
cmpi_array_getelementat(const CMPIArray *ca, CMPICount i, CMPIStatus *rc)
{
	const struct cmpi_array	*a = (const struct cmpi_array *)ca;

	if (i >= a->ca_n) {
		cmpiobj_rc(rc, CMPI_RC_ERR_NO_SUCH_PROPERTY);
		return (cmpivalue_notfound());
	}
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (a->ca_v[i]);
}

static CMPIStatus
cmpi_array_setelementat(const CMPIArray *ca, CMPICount i, const CMPIValue *v,
    CMPIType t)
{
	struct cmpi_array	*a = (struct cmpi_array *)ca;
	CMPIData		 d;
	CMPIType		 want = t == CMPI_chars ? CMPI_string : t;

	if (i >= a->ca_n)
		return (cmpiobj_status(CMPI_RC_ERR_NO_SUCH_PROPERTY));
	if (want != a->ca_type && t != CMPI_null)
		return (cmpiobj_status(CMPI_RC_ERR_TYPE_MISMATCH));
	if (cmpivalue_copy(a->ca_obj.co_br, &d, v, t == CMPI_null ?
	    a->ca_type : t) == -1)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_DATA_TYPE));
	cmpivalue_free(&a->ca_v[i]);
	a->ca_v[i] = d;
	return (cmpiobj_status(CMPI_RC_OK));
}
