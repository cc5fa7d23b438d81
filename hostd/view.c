/* SPDX-License-Identifier: ISC */
/*
 * What ContainerView and ListView (mo-containerview.c, mo-listview.c)
 * share: DestroyView, which unregisters the view, and its empty parameter
 * list.  One handler serves both method tables: the dispatcher calls it
 * only for the table row whose type _this names, so that row's type is
 * the view's.
 */

#include "config.h"

#include "hostd.h"

const struct hostd_soap_param hostd_view_none[] = {
	{ NULL, NULL, 0 }
};

int
hostd_view_destroy(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*mo;

	mo = hostd_inventory_find(inv, req->r_method->sm_this, req->r_this_id,
	    req->r_session);
	if (mo == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (0);
	}
	hostd_inventory_unregister(inv, mo);
	return (0);
}
