/* SPDX-License-Identifier: ISC */
/*
 * CMPIEnumeration: what an up-call returns, a copy of a result's items
 * with a cursor.
 */

#include "config.h"

#include <stdlib.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_enumeration {
	struct cmpiobj	 en_obj;
	CMPIData	*en_v;
	size_t		 en_n;
	size_t		 en_pos;
};

#define EN(p)	((struct cmpi_enumeration *)(p))

static void		 cmpi_enumeration_free(struct cmpiobj *);
static CMPIStatus	 cmpi_enumeration_release(CMPIEnumeration *);
static CMPIEnumeration	*cmpi_enumeration_clone(const CMPIEnumeration *,
			    CMPIStatus *);
static CMPIData		 cmpi_enumeration_getnext(const CMPIEnumeration *,
			    CMPIStatus *);
static CMPIBoolean	 cmpi_enumeration_hasnext(const CMPIEnumeration *,
			    CMPIStatus *);
static CMPIArray	*cmpi_enumeration_toarray(const CMPIEnumeration *,
			    CMPIStatus *);
static struct cmpi_enumeration *cmpi_enumeration_make(struct broker *,
			    const CMPIData *, size_t);

static const CMPIEnumerationFT cmpi_enumeration_ft = {
	CMPICurrentVersion,
	cmpi_enumeration_release,
	cmpi_enumeration_clone,
	cmpi_enumeration_getnext,
	cmpi_enumeration_hasnext,
	cmpi_enumeration_toarray,
};

static void
cmpi_enumeration_free(struct cmpiobj *o)
{
	size_t	i;

	for (i = 0; i < EN(o)->en_n; i++)
		cmpivalue_free(&EN(o)->en_v[i]);
	free(EN(o)->en_v);
	free(o);
}

static struct cmpi_enumeration *
cmpi_enumeration_make(struct broker *br, const CMPIData *v, size_t n)
{
	struct cmpi_enumeration	*e = xcalloc(1, sizeof *e);
	size_t			 i;

	cmpiobj_init(&e->en_obj, br, &cmpi_enumeration_ft,
	    cmpi_enumeration_free);
	e->en_v = xcalloc(n + 1, sizeof *e->en_v);
	for (i = 0; i < n; i++)
		cmpivalue_dup(br, &e->en_v[i], &v[i]);
	e->en_n = n;
	return (e);
}

CMPIEnumeration *
cmpi_enumeration_new(struct broker *br, const CMPIResult *r)
{
	const CMPIData	*v;
	size_t		 n;

	v = cmpi_result_items(r, &n);
	return ((CMPIEnumeration *)cmpi_enumeration_make(br, v, n));
}

static CMPIStatus
cmpi_enumeration_release(CMPIEnumeration *e)
{
	return (cmpiobj_release((struct cmpiobj *)e));
}

static CMPIEnumeration *
cmpi_enumeration_clone(const CMPIEnumeration *ce, CMPIStatus *rc)
{
	struct cmpi_enumeration	*e = EN(ce), *c;

	c = cmpiobj_own(cmpi_enumeration_make(e->en_obj.co_br, e->en_v,
	    e->en_n));
	c->en_pos = e->en_pos;
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIEnumeration *)c);
}

static CMPIData
cmpi_enumeration_getnext(const CMPIEnumeration *ce, CMPIStatus *rc)
{
	struct cmpi_enumeration	*e = EN(ce);

	if (e->en_pos >= e->en_n) {
		cmpiobj_rc(rc, CMPI_RC_NO_MORE_ELEMENTS);
		return (cmpivalue_notfound());
	}
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (e->en_v[e->en_pos++]);
}

static CMPIBoolean
cmpi_enumeration_hasnext(const CMPIEnumeration *ce, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (EN(ce)->en_pos < EN(ce)->en_n);
}

static CMPIArray *
cmpi_enumeration_toarray(const CMPIEnumeration *ce, CMPIStatus *rc)
{
	struct cmpi_enumeration	*e = EN(ce);
	CMPIArray		*a;
	size_t			 i;

	a = cmpi_array_new(e->en_obj.co_br, (CMPICount)e->en_n,
	    e->en_n > 0 ? e->en_v[0].type : CMPI_instance);
	for (i = 0; i < e->en_n; i++)
		a->ft->setElementAt(a, (CMPICount)i, &e->en_v[i].value,
		    e->en_v[i].type);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (a);
}
