/* SPDX-License-Identifier: ISC */
/*
 * ViewManager `ViewManager` (vi-api.md §3.7): CreateContainerView and
 * CreateListView make session-scoped views (moid "session[<key>]<uuid>")
 * that go with the session; viewList lists the caller's views.  The
 * views themselves are mo-containerview.c and mo-listview.c.
 */

#include "config.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "xmalloc.h"

static int	hostd_mo_viewmanager_container(struct hostd_soap_req *);
static int	hostd_mo_viewmanager_list(struct hostd_soap_req *);
static int	hostd_mo_viewmanager_check(struct hostd_soap_req *);
static int	hostd_mo_viewmanager_add(struct hostd_soap_req *, const char *,
		    void *, void (*)(void *));
static struct hostd_val *hostd_mo_viewmanager_views(
		    const struct hostd_inventory_ctx *);

/* Types a ContainerView may be rooted at (and their subtypes). */
static const char *const hostd_mo_viewmanager_containers[] = {
	"Folder", "Datacenter", "ComputeResource", "ResourcePool",
	"HostSystem",
};

static const struct hostd_soap_param hostd_mo_viewmanager_cv_p[] = {
	{ "container", "ManagedObjectReference", 0 },
	{ "type", "string", HOSTD_SOAP_ARRAY },
	{ "recursive", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_viewmanager_lv_p[] = {
	{ "obj", "ManagedObjectReference", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_viewmanager_methods[] = {
	{ "CreateContainerView", "ViewManager", "System.View", 0,
	  hostd_mo_viewmanager_container, hostd_mo_viewmanager_cv_p },
	{ "CreateListView", "ViewManager", "System.View", 0,
	  hostd_mo_viewmanager_list, hostd_mo_viewmanager_lv_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_viewmanager_props[] = {
	{ "viewList", hostd_mo_viewmanager_views, "System.View" },
	{ NULL, NULL, NULL }
};

char *
hostd_mo_viewmanager_newid(const struct hostd_session *s)
{
	unsigned char	 b[16];
	size_t		 done = 0;
	ssize_t		 n;
	char		*id;

	while (done < sizeof b) {
		n = getrandom(b + done, sizeof b - done, 0);
		if (n <= 0)
			fatal("getrandom");
		done += (size_t)n;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	xasprintf(&id, "session[%s]%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", s->s_key, b[0], b[1], b[2],
	    b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	    b[13], b[14], b[15]);
	return (id);
}

/* _this must be the ViewManager, the session must have room: 0 if so. */
static int
hostd_mo_viewmanager_check(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_val	*views;
	size_t			 n;

	if (hostd_inventory_find(inv, "ViewManager", req->r_this_id,
	    NULL) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (-1);
	}
	hostd_mo_propertycollector_slot(req->r_soap, req->r_session);
	views = hostd_inventory_list(inv, "ManagedObjectView",
	    req->r_session);
	n = views->v_nitems;
	hostd_val_free(views);
	if (n >= HOSTD_VIEW_MAX) {
		req->r_fault = hostd_fault_invalid_argument("_this");
		return (-1);
	}
	return (0);
}

/*
 * Register a new view of type for the caller's session, owning data
 * (data_free frees it, here too if the view cannot be registered), and
 * answer its moref.
 */
static int
hostd_mo_viewmanager_add(struct hostd_soap_req *req, const char *type,
    void *data, void (*data_free)(void *))
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*vm;
	char			*id;

	id = hostd_mo_viewmanager_newid(req->r_session);
	if (hostd_inventory_register(inv, type, id, NULL,
	    req->r_session->s_key, data, data_free) == NULL) {
		data_free(data);
		req->r_fault = hostd_fault_system_error("duplicate view id");
	} else
		req->r_result = hostd_val_moref(type, id);
	free(id);
	vm = hostd_inventory_find(inv, "ViewManager", req->r_this_id, NULL);
	hostd_inventory_changed(inv, vm, "viewList");
	return (0);
}

static int
hostd_mo_viewmanager_container(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo_containerview	*cv;
	const struct hostd_inventory_type *t;
	const struct hostd_val		*c;
	struct hostd_mo			*cmo;
	const char			*type;
	size_t				 i, n;
	int				 ok = 0, rec;

	inv = hostd_soap_inventory(req->r_soap);
	if (hostd_mo_viewmanager_check(req) != 0)
		return (0);
	c = hostd_val_field(req->r_params, "container");
	if ((cmo = hostd_inventory_find(inv, c->v_type, c->v_str,
	    req->r_session)) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(c->v_type, c->v_str);
		return (0);
	}
	for (i = 0; i < sizeof hostd_mo_viewmanager_containers /
	    sizeof hostd_mo_viewmanager_containers[0]; i++) {
		if (hostd_inventory_is_a(cmo->mo_type,
		    hostd_mo_viewmanager_containers[i]))
			ok = 1;
	}
	if (!ok) {
		req->r_fault = hostd_fault_invalid_argument("container");
		return (0);
	}
	if (hostd_val_get_bool(hostd_val_field(req->r_params, "recursive"),
	    &rec) != 0) {
		req->r_fault = hostd_fault_invalid_argument("recursive");
		return (0);
	}
	n = hostd_val_field_count(req->r_params, "type");
	if (n > 64) {
		req->r_fault = hostd_fault_invalid_argument("type");
		return (0);
	}
	cv = xcalloc(1, sizeof *cv);
	cv->cv_type = xstrdup(cmo->mo_type);
	cv->cv_id = xstrdup(cmo->mo_id);
	cv->cv_recursive = rec;
	cv->cv_types = xcalloc(n + 1, sizeof *cv->cv_types);
	for (i = 0; i < n; i++) {
		type = hostd_val_str(hostd_val_field_nth(req->r_params,
		    "type", i));
		t = hostd_inventory_type(type);
		if (t == NULL || !hostd_inventory_is_a(type,
		    "ManagedEntity")) {
			hostd_mo_containerview_free(cv);
			req->r_fault = hostd_fault_invalid_argument("type");
			return (0);
		}
		cv->cv_types[i] = xstrdup(type);
	}
	return (hostd_mo_viewmanager_add(req, "ContainerView", cv,
	    hostd_mo_containerview_free));
}

static void
hostd_mo_viewmanager_free_list(void *arg)
{
	hostd_val_free(arg);
}

static int
hostd_mo_viewmanager_list(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	const struct hostd_val	*o;
	struct hostd_val	*arr;
	struct hostd_mo		*mo;
	size_t			 i, n;

	if (hostd_mo_viewmanager_check(req) != 0)
		return (0);
	n = hostd_val_field_count(req->r_params, "obj");
	if (n > HOSTD_PROPFILTER_MAX_OBJECTS) {
		req->r_fault = hostd_fault_invalid_argument("obj");
		return (0);
	}
	arr = hostd_val_array("ManagedObjectReference");
	for (i = 0; i < n; i++) {
		o = hostd_val_field_nth(req->r_params, "obj", i);
		mo = hostd_inventory_find(inv, o->v_type, o->v_str,
		    req->r_session);
		/* Objects that do not exist are left out (ESX: unresolved). */
		if (mo != NULL)
			hostd_val_push(arr, hostd_val_moref(mo->mo_type,
			    mo->mo_id));
	}
	return (hostd_mo_viewmanager_add(req, "ListView", arr,
	    hostd_mo_viewmanager_free_list));
}

static struct hostd_val *
hostd_mo_viewmanager_views(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "ManagedObjectView",
	    c->ic_session));
}
