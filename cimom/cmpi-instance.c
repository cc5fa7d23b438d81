/* SPDX-License-Identifier: ISC */
/*
 * CMPIInstance: namespace, class, properties and an optional explicit
 * path.  Without an explicit path, getObjectPath builds one from the
 * properties the class declares as keys (or, for a class the repository
 * does not know, from the keys of the path the instance was made from).
 * A property filter set by the provider is remembered and applied when
 * the instance is serialized.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "broker.h"
#include "repository.h"
#include "xmalloc.h"

struct cmpi_instance {
	struct cmpiobj		 in_obj;
	char			*in_ns;
	char			*in_class;
	struct cmpivalue_list	 in_props;
	CMPIObjectPath		*in_path;	/* owned, or NULL */
	char			**in_filter;	/* NULL: all */
};

#define IN(p)	((struct cmpi_instance *)(p))

static void		 cmpi_instance_free(struct cmpiobj *);
static CMPIStatus	 cmpi_instance_release(CMPIInstance *);
static CMPIInstance	*cmpi_instance_clone(const CMPIInstance *,
			    CMPIStatus *);
static CMPIData		 cmpi_instance_getprop(const CMPIInstance *,
			    const char *, CMPIStatus *);
static CMPIData		 cmpi_instance_getpropat(const CMPIInstance *,
			    CMPICount, CMPIString **, CMPIStatus *);
static CMPICount	 cmpi_instance_getpropcount(const CMPIInstance *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_instance_setprop(const CMPIInstance *,
			    const char *, const CMPIValue *, CMPIType);
static CMPIObjectPath	*cmpi_instance_getpath(const CMPIInstance *,
			    CMPIStatus *);
static CMPIStatus	 cmpi_instance_setfilter(const CMPIInstance *,
			    const char **, const char **);
static CMPIStatus	 cmpi_instance_setpath(const CMPIInstance *,
			    const CMPIObjectPath *);
static CMPIStatus	 cmpi_instance_setpropo(const CMPIInstance *,
			    const char *, const CMPIValue *, CMPIType,
			    const char *);

static const CMPIInstanceFT cmpi_instance_ft = {
	CMPICurrentVersion,
	cmpi_instance_release,
	cmpi_instance_clone,
	cmpi_instance_getprop,
	cmpi_instance_getpropat,
	cmpi_instance_getpropcount,
	cmpi_instance_setprop,
	cmpi_instance_getpath,
	cmpi_instance_setfilter,
	cmpi_instance_setpath,
	cmpi_instance_setpropo,
};

static void
cmpi_instance_free(struct cmpiobj *o)
{
	struct cmpi_instance	*i = IN(o);
	size_t			 n;

	free(i->in_ns);
	free(i->in_class);
	cmpivalue_list_free(&i->in_props);
	if (i->in_path != NULL)
		i->in_path->ft->release(i->in_path);
	if (i->in_filter != NULL) {
		for (n = 0; i->in_filter[n] != NULL; n++)
			free(i->in_filter[n]);
		free(i->in_filter);
	}
	free(i);
}

CMPIInstance *
cmpi_instance_new(struct broker *br, const CMPIObjectPath *op)
{
	struct cmpi_instance	*i = xcalloc(1, sizeof *i);
	struct cmpivalue_list	*keys;
	size_t			 k;

	cmpiobj_init(&i->in_obj, br, &cmpi_instance_ft, cmpi_instance_free);
	i->in_ns = xstrdup(cmpi_objectpath_ns(op));
	i->in_class = xstrdup(cmpi_objectpath_class(op));
	/* The path's keys become properties. */
	keys = cmpi_objectpath_keys(op);
	for (k = 0; k < keys->vl_n; k++)
		if ((keys->vl_v[k].ve_data.state & CMPI_nullValue) == 0)
			cmpivalue_set(br, &i->in_props, keys->vl_v[k].ve_name,
			    &keys->vl_v[k].ve_data.value,
			    keys->vl_v[k].ve_data.type, 0);
	return ((CMPIInstance *)i);
}

struct cmpivalue_list *
cmpi_instance_props(const CMPIInstance *ci)
{
	return (&IN(ci)->in_props);
}

const char *
cmpi_instance_class(const CMPIInstance *ci)
{
	return (IN(ci)->in_class);
}

const char *
cmpi_instance_ns(const CMPIInstance *ci)
{
	return (IN(ci)->in_ns);
}

char *const *
cmpi_instance_filter(const CMPIInstance *ci)
{
	return (IN(ci)->in_filter);
}

static CMPIStatus
cmpi_instance_release(CMPIInstance *ci)
{
	return (cmpiobj_release((struct cmpiobj *)ci));
}

static CMPIInstance *
cmpi_instance_clone(const CMPIInstance *ci, CMPIStatus *rc)
{
	struct cmpi_instance	*i = IN(ci), *c;
	struct broker		*br = i->in_obj.co_br;
	size_t			 n;

	c = xcalloc(1, sizeof *c);
	cmpiobj_init(&c->in_obj, br, &cmpi_instance_ft, cmpi_instance_free);
	cmpiobj_own(c);
	c->in_ns = xstrdup(i->in_ns);
	c->in_class = xstrdup(i->in_class);
	cmpivalue_list_copy(br, &c->in_props, &i->in_props);
	if (i->in_path != NULL)
		c->in_path = i->in_path->ft->clone(i->in_path, NULL);
	if (i->in_filter != NULL) {
		for (n = 0; i->in_filter[n] != NULL; n++)
			;
		c->in_filter = xcalloc(n + 1, sizeof *c->in_filter);
		for (n = 0; i->in_filter[n] != NULL; n++)
			c->in_filter[n] = xstrdup(i->in_filter[n]);
	}
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIInstance *)c);
}

static CMPIData
cmpi_instance_getprop(const CMPIInstance *ci, const char *name,
    CMPIStatus *rc)
{
	return (cmpivalue_get(&IN(ci)->in_props, name,
	    CMPI_RC_ERR_NO_SUCH_PROPERTY, rc));
}

static CMPIData
cmpi_instance_getpropat(const CMPIInstance *ci, CMPICount n,
    CMPIString **name, CMPIStatus *rc)
{
	return (cmpivalue_getat(IN(ci)->in_obj.co_br, &IN(ci)->in_props, n,
	    name, CMPI_RC_ERR_NO_SUCH_PROPERTY, rc));
}

static CMPICount
cmpi_instance_getpropcount(const CMPIInstance *ci, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPICount)IN(ci)->in_props.vl_n);
}

static CMPIStatus
cmpi_instance_setprop(const CMPIInstance *ci, const char *name,
    const CMPIValue *v, CMPIType t)
{
	return (cmpiobj_status(cmpivalue_set(IN(ci)->in_obj.co_br,
	    &IN(ci)->in_props, name, v, t, 0)));
}

static CMPIStatus
cmpi_instance_setpropo(const CMPIInstance *ci, const char *name,
    const CMPIValue *v, CMPIType t, const char *origin)
{
	struct cmpivalue_entry	*e;
	CMPIrc			 rc;

	rc = cmpivalue_set(IN(ci)->in_obj.co_br, &IN(ci)->in_props, name, v,
	    t, 0);
	if (rc == CMPI_RC_OK && origin != NULL &&
	    (e = cmpivalue_find(&IN(ci)->in_props, name)) != NULL) {
		free(e->ve_origin);
		e->ve_origin = xstrdup(origin);
	}
	return (cmpiobj_status(rc));
}

/* A new (owned) path: the explicit one, else from the key properties. */
CMPIObjectPath *
cmpi_instance_path(const CMPIInstance *ci)
{
	struct cmpi_instance		*i = IN(ci);
	struct broker			*br = i->in_obj.co_br;
	struct repo_class		*c;
	struct cmpivalue_entry		*e;
	CMPIObjectPath			*op;
	size_t				 n;

	if (i->in_path != NULL) {
		op = i->in_path->ft->clone(i->in_path, NULL);
		if (*cmpi_objectpath_ns(op) == '\0')
			op->ft->setNameSpace(op, i->in_ns);
		return (op);
	}
	op = cmpiobj_own(cmpi_objectpath_new(br, i->in_ns, i->in_class));
	c = repository_class(repository_ns(br->b_repo, i->in_ns, 0),
	    i->in_class);
	if (c == NULL)
		return (op);
	for (n = 0; n < c->rc_nfeat; n++) {
		if (!c->rc_feat[n].rf_key ||
		    c->rc_feat[n].rf_kind != REPO_PROPERTY)
			continue;
		e = cmpivalue_find(&i->in_props, c->rc_feat[n].rf_name);
		if (e == NULL || (e->ve_data.state & CMPI_nullValue))
			continue;
		cmpivalue_set(br, cmpi_objectpath_keys(op),
		    c->rc_feat[n].rf_name, &e->ve_data.value,
		    e->ve_data.type, CMPI_keyValue);
	}
	return (op);
}

static CMPIObjectPath *
cmpi_instance_getpath(const CMPIInstance *ci, CMPIStatus *rc)
{
	struct cmpiobj	*o;

	o = (struct cmpiobj *)cmpi_instance_path(ci);
	/* Returned to a provider: the call's arena owns it. */
	cmpiobj_init(o, o->co_br, o->co_pub.ft, o->co_free);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIObjectPath *)o);
}

static CMPIStatus
cmpi_instance_setfilter(const CMPIInstance *ci, const char **props,
    const char **keys)
{
	struct cmpi_instance	*i = IN(ci);
	size_t			 n, k, nk = 0;

	if (props == NULL)
		return (cmpiobj_status(CMPI_RC_OK));
	for (n = 0; props[n] != NULL; n++)
		;
	for (k = 0; keys != NULL && keys[k] != NULL; k++)
		nk++;
	if (i->in_filter != NULL) {
		for (k = 0; i->in_filter[k] != NULL; k++)
			free(i->in_filter[k]);
		free(i->in_filter);
	}
	i->in_filter = xcalloc(n + nk + 1, sizeof *i->in_filter);
	for (k = 0; k < n; k++)
		i->in_filter[k] = xstrdup(props[k]);
	for (k = 0; k < nk; k++)
		i->in_filter[n + k] = xstrdup(keys[k]);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_instance_setpath(const CMPIInstance *ci, const CMPIObjectPath *op)
{
	struct cmpi_instance	*i = IN(ci);
	struct cmpivalue_list	*keys;
	size_t			 k;

	if (op == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	if (i->in_path != NULL)
		i->in_path->ft->release(i->in_path);
	i->in_path = op->ft->clone(op, NULL);
	/* Keys stay in sync with key properties. */
	keys = cmpi_objectpath_keys(op);
	for (k = 0; k < keys->vl_n; k++)
		if ((keys->vl_v[k].ve_data.state & CMPI_nullValue) == 0)
			cmpivalue_set(i->in_obj.co_br, &i->in_props,
			    keys->vl_v[k].ve_name,
			    &keys->vl_v[k].ve_data.value,
			    keys->vl_v[k].ve_data.type, 0);
	return (cmpiobj_status(CMPI_RC_OK));
}
