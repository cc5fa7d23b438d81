/* SPDX-License-Identifier: ISC */
/*
 * SearchIndex `ha-searchindex` (vi-api.md §3.8): FindByInventoryPath
 * ("ha-datacenter/vm/<name>", no leading slash needed, "%2f" for a slash
 * inside a name), FindChild (one level down), FindByUuid,
 * FindByDatastorePath, FindByIp and FindByDnsName.  Lookups read the
 * same properties clients read (config.uuid, config.files.vmPathName,
 * guest.ipAddress...), so VirtualMachine objects are found as soon as
 * they exist and expose those properties.  Not found: no returnval.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostd.h"
#include "xmalloc.h"

/* Longest inventory path and segment accepted. */
#define HOSTD_MO_SEARCHINDEX_MAX	4096

static int	hostd_mo_searchindex_path(struct hostd_soap_req *);
static int	hostd_mo_searchindex_child(struct hostd_soap_req *);
static int	hostd_mo_searchindex_uuid(struct hostd_soap_req *);
static int	hostd_mo_searchindex_dspath(struct hostd_soap_req *);
static int	hostd_mo_searchindex_ip(struct hostd_soap_req *);
static int	hostd_mo_searchindex_dns(struct hostd_soap_req *);
static int	hostd_mo_searchindex_this(struct hostd_soap_req *);
static struct hostd_mo *hostd_mo_searchindex_named(struct hostd_inventory *,
		    struct hostd_mo *, const char *);
static struct hostd_val *hostd_mo_searchindex_first(struct hostd_soap_req *,
		    const char *, const char *, const char *, int);

static const struct hostd_soap_param hostd_mo_searchindex_path_p[] = {
	{ "inventoryPath", "string", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_searchindex_child_p[] = {
	{ "entity", "ManagedObjectReference", 0 },
	{ "name", "string", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_searchindex_uuid_p[] = {
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "uuid", "string", 0 },
	{ "vmSearch", "boolean", 0 },
	{ "instanceUuid", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_searchindex_dspath_p[] = {
	{ "datacenter", "ManagedObjectReference", 0 },
	{ "path", "string", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_searchindex_ip_p[] = {
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "ip", "string", 0 },
	{ "vmSearch", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_searchindex_dns_p[] = {
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "dnsName", "string", 0 },
	{ "vmSearch", "boolean", 0 },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_searchindex_methods[] = {
	{ "FindByInventoryPath", "SearchIndex", "System.View", 0,
	  hostd_mo_searchindex_path, hostd_mo_searchindex_path_p },
	{ "FindChild", "SearchIndex", "System.View", 0,
	  hostd_mo_searchindex_child, hostd_mo_searchindex_child_p },
	{ "FindByUuid", "SearchIndex", "System.View", 0,
	  hostd_mo_searchindex_uuid, hostd_mo_searchindex_uuid_p },
	{ "FindByDatastorePath", "SearchIndex", "System.View", 0,
	  hostd_mo_searchindex_dspath, hostd_mo_searchindex_dspath_p },
	{ "FindByIp", "SearchIndex", "System.View", 0,
	  hostd_mo_searchindex_ip, hostd_mo_searchindex_ip_p },
	{ "FindByDnsName", "SearchIndex", "System.View", 0,
	  hostd_mo_searchindex_dns, hostd_mo_searchindex_dns_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* Edges of the inventory path: type, properties holding children. */
static const char *const hostd_mo_searchindex_edges[][3] = {
	{ "Folder", "childEntity", NULL },
	{ "Datacenter", "vmFolder", "hostFolder" },
	{ "Datacenter", "datastoreFolder", "networkFolder" },
	{ "ComputeResource", "host", "resourcePool" },
	{ "ResourcePool", "resourcePool", "vm" },
};

static int
hostd_mo_searchindex_this(struct hostd_soap_req *req)
{
	if (hostd_inventory_find(hostd_soap_inventory(req->r_soap),
	    "SearchIndex", req->r_this_id, NULL) != NULL)
		return (0);
	req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
	    req->r_this_id);
	return (-1);
}

struct hostd_val *
hostd_mo_searchindex_children(struct hostd_inventory *inv,
    struct hostd_mo *mo)
{
	struct hostd_val	*arr, *v;
	size_t			 e, j, i;
	int			 invalid;

	arr = hostd_val_array("ManagedObjectReference");
	for (e = 0; e < sizeof hostd_mo_searchindex_edges /
	    sizeof hostd_mo_searchindex_edges[0]; e++) {
		if (!hostd_inventory_is_a(mo->mo_type,
		    hostd_mo_searchindex_edges[e][0]))
			continue;
		for (j = 1; j < 3; j++) {
			if (hostd_mo_searchindex_edges[e][j] == NULL)
				continue;
			v = hostd_inventory_get(inv, NULL, mo, NULL,
			    hostd_mo_searchindex_edges[e][j], &invalid);
			if (v == NULL)
				continue;
			if (v->v_kind == HOSTD_VAL_MOREF)
				hostd_val_push(arr, hostd_val_copy(v));
			for (i = 0; v->v_kind == HOSTD_VAL_ARRAY &&
			    i < v->v_nitems; i++)
				hostd_val_push(arr, hostd_val_copy(
				    v->v_items[i]));
			hostd_val_free(v);
		}
	}
	return (arr);
}

/* The child of mo called name, or NULL. */
static struct hostd_mo *
hostd_mo_searchindex_named(struct hostd_inventory *inv, struct hostd_mo *mo,
    const char *name)
{
	struct hostd_val	*kids, *n;
	struct hostd_mo		*k, *found = NULL;
	size_t			 i;
	int			 invalid;

	kids = hostd_mo_searchindex_children(inv, mo);
	for (i = 0; i < kids->v_nitems && found == NULL; i++) {
		k = hostd_inventory_find(inv, NULL, kids->v_items[i]->v_str,
		    NULL);
		if (k == NULL)
			continue;
		n = hostd_inventory_get(inv, NULL, k, NULL, "name", &invalid);
		if (n != NULL && hostd_val_str(n) != NULL &&
		    strcmp(hostd_val_str(n), name) == 0)
			found = k;
		hostd_val_free(n);
	}
	hostd_val_free(kids);
	return (found);
}

static int
hostd_mo_searchindex_path(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*mo;
	const char		*path, *p;
	char			*seg;
	size_t			 n, i, o;

	if (hostd_mo_searchindex_this(req) != 0)
		return (0);
	path = hostd_val_str(hostd_val_field(req->r_params,
	    "inventoryPath"));
	if (path == NULL || strlen(path) > HOSTD_MO_SEARCHINDEX_MAX) {
		req->r_fault = hostd_fault_invalid_argument("inventoryPath");
		return (0);
	}
	mo = hostd_inventory_find(inv, "Folder", HOSTD_MO_ROOT, NULL);
	seg = xmalloc(strlen(path) + 1);
	for (p = path; mo != NULL && *p != '\0'; p += n) {
		if (*p == '/') {
			n = 1;
			continue;
		}
		n = strcspn(p, "/");
		/* Unescape %2f (a slash in a name) and %25. */
		for (i = 0, o = 0; i < n; i++) {
			if (p[i] == '%' && i + 2 < n + 1 &&
			    strncasecmp(p + i, "%2f", 3) == 0) {
				seg[o++] = '/';
				i += 2;
			} else if (p[i] == '%' && strncmp(p + i, "%25",
			    3) == 0 && i + 2 < n) {
				seg[o++] = '%';
				i += 2;
			} else
				seg[o++] = p[i];
		}
		seg[o] = '\0';
		mo = hostd_mo_searchindex_named(inv, mo, seg);
	}
	free(seg);
	if (mo != NULL)
		req->r_result = hostd_val_moref(mo->mo_type, mo->mo_id);
	return (0);
}

static int
hostd_mo_searchindex_child(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	const struct hostd_val	*e;
	struct hostd_mo		*mo;
	const char		*name;

	if (hostd_mo_searchindex_this(req) != 0)
		return (0);
	e = hostd_val_field(req->r_params, "entity");
	if ((mo = hostd_inventory_find(inv, e->v_type, e->v_str,
	    req->r_session)) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(e->v_type, e->v_str);
		return (0);
	}
	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if (name != NULL && (mo = hostd_mo_searchindex_named(inv, mo,
	    name)) != NULL)
		req->r_result = hostd_val_moref(mo->mo_type, mo->mo_id);
	return (0);
}

/*
 * The first object of type whose property path equals the parameter
 * param (icase: ignoring case).  Checks an optional datacenter first.
 */
static struct hostd_val *
hostd_mo_searchindex_first(struct hostd_soap_req *req, const char *type,
    const char *path, const char *param, int icase)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	const struct hostd_val	*dc;
	struct hostd_val	*v;
	struct hostd_mo		*mo;
	const char		*want, *s;
	int			 invalid, eq;

	dc = hostd_val_field(req->r_params, "datacenter");
	if (dc != NULL && hostd_inventory_find(inv, "Datacenter", dc->v_str,
	    NULL) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(dc->v_type, dc->v_str);
		return (NULL);
	}
	want = hostd_val_str(hostd_val_field(req->r_params, param));
	if (want == NULL || *want == '\0')
		return (NULL);
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (!hostd_inventory_is_a(mo->mo_type, type))
			continue;
		v = hostd_inventory_get(inv, req->r_soap, mo, req->r_session,
		    path, &invalid);
		s = hostd_val_str(v);
		eq = s != NULL && (icase ? strcasecmp(s, want) :
		    strcmp(s, want)) == 0;
		hostd_val_free(v);
		if (eq)
			return (hostd_val_moref(mo->mo_type, mo->mo_id));
	}
	return (NULL);
}

/* vmSearch: 1, 0, or -1 with r_fault. */
static int
hostd_mo_searchindex_vmsearch(struct hostd_soap_req *req)
{
	int	vm;

	if (hostd_val_get_bool(hostd_val_field(req->r_params, "vmSearch"),
	    &vm) != 0) {
		req->r_fault = hostd_fault_invalid_argument("vmSearch");
		return (-1);
	}
	return (vm);
}

static int
hostd_mo_searchindex_uuid(struct hostd_soap_req *req)
{
	const struct hostd_val	*iu;
	int			 vm, inst = 0;

	if (hostd_mo_searchindex_this(req) != 0 ||
	    (vm = hostd_mo_searchindex_vmsearch(req)) == -1)
		return (0);
	iu = hostd_val_field(req->r_params, "instanceUuid");
	if (iu != NULL && hostd_val_get_bool(iu, &inst) != 0) {
		req->r_fault = hostd_fault_invalid_argument("instanceUuid");
		return (0);
	}
	if (vm)
		req->r_result = hostd_mo_searchindex_first(req,
		    "VirtualMachine", inst ? "config.instanceUuid" :
		    "config.uuid", "uuid", 1);
	else
		req->r_result = hostd_mo_searchindex_first(req, "HostSystem",
		    "hardware.systemInfo.uuid", "uuid", 1);
	return (0);
}

static int
hostd_mo_searchindex_dspath(struct hostd_soap_req *req)
{
	if (hostd_mo_searchindex_this(req) != 0)
		return (0);
	req->r_result = hostd_mo_searchindex_first(req, "VirtualMachine",
	    "config.files.vmPathName", "path", 0);
	return (0);
}

static int
hostd_mo_searchindex_ip(struct hostd_soap_req *req)
{
	int	vm;

	if (hostd_mo_searchindex_this(req) != 0 ||
	    (vm = hostd_mo_searchindex_vmsearch(req)) == -1)
		return (0);
	if (vm)
		req->r_result = hostd_mo_searchindex_first(req,
		    "VirtualMachine", "guest.ipAddress", "ip", 0);
	return (0);
}

static int
hostd_mo_searchindex_dns(struct hostd_soap_req *req)
{
	int	vm;

	if (hostd_mo_searchindex_this(req) != 0 ||
	    (vm = hostd_mo_searchindex_vmsearch(req)) == -1)
		return (0);
	req->r_result = hostd_mo_searchindex_first(req, vm ?
	    "VirtualMachine" : "HostSystem", vm ? "guest.hostName" : "name",
	    "dnsName", 1);
	return (0);
}
