/* SPDX-License-Identifier: ISC */
/*
 * ListView (vi-api.md §3.7): a fixed list of objects from CreateListView
 * (the object's data, a MoRef array).  `view` leaves out objects that no
 * longer exist.  DestroyView removes it.
 */

#include "config.h"

#include "hostd.h"

static struct hostd_val *hostd_mo_listview_view(
		    const struct hostd_inventory_ctx *);

const struct hostd_soap_method hostd_mo_listview_methods[] = {
	{ "DestroyView", "ListView", "System.View", 0,
	  hostd_view_destroy, hostd_view_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_listview_props[] = {
	{ "view", hostd_mo_listview_view, "System.View" },
	{ NULL, NULL, NULL }
};

static struct hostd_val *
hostd_mo_listview_view(const struct hostd_inventory_ctx *c)
{
	const struct hostd_val	*list = c->ic_mo->mo_data, *ref;
	struct hostd_val	*arr;
	size_t			 i;

	arr = hostd_val_array("ManagedObjectReference");
	for (i = 0; list != NULL && i < list->v_nitems; i++) {
		ref = list->v_items[i];
		if (hostd_inventory_find(c->ic_inv, ref->v_type, ref->v_str,
		    c->ic_session) != NULL)
			hostd_val_push(arr, hostd_val_copy(ref));
	}
	return (arr);
}
