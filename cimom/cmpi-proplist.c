/* SPDX-License-Identifier: ISC */
/* CMPIPropertyList (CMPI 2.1): a NULL-terminated list of names. */

#include "config.h"

#include <stdlib.h>
#include <strings.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_proplist {
	struct cmpiobj	  pl_obj;
	char		**pl_v;
};

#define PL(p)	((struct cmpi_proplist *)(p))

static void		 cmpi_proplist_free(struct cmpiobj *);
static CMPIStatus	 cmpi_proplist_release(CMPIPropertyList *);
static CMPIPropertyList	*cmpi_proplist_clone(const CMPIPropertyList *,
			    CMPIStatus *);
static CMPIBoolean	 cmpi_proplist_isin(const CMPIPropertyList *,
			    const char *, CMPIStatus *);
static const char	**cmpi_proplist_get(const CMPIPropertyList *,
			    CMPIStatus *);

static const CMPIPropertyListFT cmpi_proplist_ft = {
	CMPICurrentVersion,
	cmpi_proplist_release,
	cmpi_proplist_clone,
	cmpi_proplist_isin,
	cmpi_proplist_get,
};

static void
cmpi_proplist_free(struct cmpiobj *o)
{
	size_t	i;

	for (i = 0; PL(o)->pl_v[i] != NULL; i++)
		free(PL(o)->pl_v[i]);
	free(PL(o)->pl_v);
	free(o);
}

CMPIPropertyList *
cmpi_proplist_new(struct broker *br, const char **props)
{
	struct cmpi_proplist	*p;
	size_t			 i, n = 0;

	if (props == NULL)
		return (NULL);
	while (props[n] != NULL)
		n++;
	p = xcalloc(1, sizeof *p);
	cmpiobj_init(&p->pl_obj, br, &cmpi_proplist_ft, cmpi_proplist_free);
	p->pl_v = xcalloc(n + 1, sizeof *p->pl_v);
	for (i = 0; i < n; i++)
		p->pl_v[i] = xstrdup(props[i]);
	return ((CMPIPropertyList *)p);
}

static CMPIStatus
cmpi_proplist_release(CMPIPropertyList *p)
{
	return (cmpiobj_release((struct cmpiobj *)p));
}

static CMPIPropertyList *
cmpi_proplist_clone(const CMPIPropertyList *p, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (cmpiobj_own(cmpi_proplist_new(PL(p)->pl_obj.co_br,
	    (const char **)PL(p)->pl_v)));
}

static CMPIBoolean
cmpi_proplist_isin(const CMPIPropertyList *p, const char *name,
    CMPIStatus *rc)
{
	size_t	i;

	cmpiobj_rc(rc, CMPI_RC_OK);
	for (i = 0; PL(p)->pl_v[i] != NULL; i++)
		if (name != NULL && strcasecmp(PL(p)->pl_v[i], name) == 0)
			return (1);
	return (0);
}

static const char **
cmpi_proplist_get(const CMPIPropertyList *p, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((const char **)PL(p)->pl_v);
}
