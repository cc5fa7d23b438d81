/* SPDX-License-Identifier: ISC */
/*
 * PropertyFilter (vi-api.md §3.6): the session-scoped filters that
 * CreateFilter makes.  DestroyPropertyFilter and the spec and
 * partialUpdates properties; the filter state itself belongs to its
 * collector (mo-propertycollector.c).
 */

#include "config.h"

#include "hostd.h"

static int	hostd_mo_propertyfilter_destroy(struct hostd_soap_req *);
static struct hostd_val *hostd_mo_propertyfilter_spec(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_propertyfilter_partial(
		    const struct hostd_inventory_ctx *);

static const struct hostd_soap_param hostd_mo_propertyfilter_none[] = {
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_propertyfilter_methods[] = {
	{ "DestroyPropertyFilter", "PropertyFilter", "System.View", 0,
	  hostd_mo_propertyfilter_destroy, hostd_mo_propertyfilter_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_propertyfilter_props[] = {
	{ "spec", hostd_mo_propertyfilter_spec, "System.View" },
	{ "partialUpdates", hostd_mo_propertyfilter_partial, "System.View" },
	{ NULL, NULL, NULL }
};

static int
hostd_mo_propertyfilter_destroy(struct hostd_soap_req *req)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(hostd_soap_inventory(req->r_soap),
	    "PropertyFilter", req->r_this_id, req->r_session);
	if (mo == NULL || mo->mo_data == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (0);
	}
	hostd_mo_propertycollector_filter_destroy(mo);
	return (0);
}

static struct hostd_val *
hostd_mo_propertyfilter_spec(const struct hostd_inventory_ctx *c)
{
	return (hostd_mo_propertycollector_filter_prop(c->ic_mo, 1));
}

static struct hostd_val *
hostd_mo_propertyfilter_partial(const struct hostd_inventory_ctx *c)
{
	return (hostd_mo_propertycollector_filter_prop(c->ic_mo, 0));
}
