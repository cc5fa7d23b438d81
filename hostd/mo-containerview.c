/* SPDX-License-Identifier: ISC */
/*
 * ContainerView (vi-api.md §3.7): the entities under a container whose
 * type is one of the view's types (or a subtype), each once, in walk
 * order, the container itself never.  `view` is computed at each read,
 * so it is always current and filters over it see enter and leave as
 * entities come and go.  Walk edges: Folder childEntity; Datacenter its
 * four folders; ComputeResource host and resourcePool; ResourcePool
 * resourcePool and vm; HostSystem vm.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "xmalloc.h"

static struct hostd_val *hostd_mo_containerview_view(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_containerview_container(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_containerview_type(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_containerview_recursive(
		    const struct hostd_inventory_ctx *);
static int	hostd_mo_containerview_visible(
		    const struct hostd_inventory_ctx *, struct hostd_mo *);

const struct hostd_soap_method hostd_mo_containerview_methods[] = {
	{ "DestroyView", "ContainerView", "System.View", 0,
	  hostd_view_destroy, hostd_view_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_containerview_props[] = {
	{ "view", hostd_mo_containerview_view, "System.View" },
	{ "container", hostd_mo_containerview_container, "System.View" },
	{ "type", hostd_mo_containerview_type, "System.View" },
	{ "recursive", hostd_mo_containerview_recursive, "System.View" },
	{ NULL, NULL, NULL }
};

/* Walk edges: type, properties holding the children. */
static const char *const hostd_mo_containerview_edges[][3] = {
	{ "Folder", "childEntity", NULL },
	{ "Datacenter", "vmFolder", "hostFolder" },
	{ "Datacenter", "datastoreFolder", "networkFolder" },
	{ "ComputeResource", "host", "resourcePool" },
	{ "ResourcePool", "resourcePool", "vm" },
	{ "HostSystem", "vm", NULL },
};

void
hostd_mo_containerview_free(void *arg)
{
	struct hostd_mo_containerview	*cv = arg;
	size_t				 i;

	if (cv == NULL)
		return;
	for (i = 0; cv->cv_types != NULL && cv->cv_types[i] != NULL; i++)
		free(cv->cv_types[i]);
	free(cv->cv_types);
	free(cv->cv_type);
	free(cv->cv_id);
	free(cv);
}

#define HOSTD_MO_CONTAINERVIEW_NEDGES \
	(sizeof hostd_mo_containerview_edges / \
	sizeof hostd_mo_containerview_edges[0])

/*
 * One walk: the type bits it matches and follows, resolved once rather
 * than per object, and the growing lists it reuses.
 */
struct hostd_mo_containerview_walk {
	const struct hostd_inventory_ctx *cw_c;
	uint64_t		  cw_match;	/* the view's types */
	uint64_t		  cw_edges[HOSTD_MO_CONTAINERVIEW_NEDGES];
	uint64_t		  cw_any;	/* any edge's type */
	struct hostd_mo		**cw_kids;
	size_t			  cw_nkids;
	size_t			  cw_kidcap;
};

/* Append the children of mo (by the edge table) to the walk's list. */
static void
hostd_mo_containerview_kids(struct hostd_mo_containerview_walk *cw,
    struct hostd_mo *mo)
{
	const struct hostd_inventory_ctx *c = cw->cw_c;
	struct hostd_val	*v;
	const struct hostd_val	*ref;
	struct hostd_mo		*k;
	uint64_t		 isa;
	size_t			 i, j, e, count;
	int			 invalid;

	isa = hostd_inventory_mo_isa(c->ic_inv, mo);
	if ((isa & cw->cw_any) == 0)
		return;
	for (e = 0; e < HOSTD_MO_CONTAINERVIEW_NEDGES; e++) {
		if ((isa & cw->cw_edges[e]) == 0)
			continue;
		for (j = 1; j < 3; j++) {
			if (hostd_mo_containerview_edges[e][j] == NULL)
				continue;
			v = hostd_inventory_get(c->ic_inv, c->ic_soap, mo,
			    c->ic_session, hostd_mo_containerview_edges[e][j],
			    &invalid);
			if (v == NULL)
				continue;
			count = v->v_kind == HOSTD_VAL_ARRAY ?
			    v->v_nitems : 1;
			for (i = 0; i < count; i++) {
				ref = v->v_kind == HOSTD_VAL_ARRAY ?
				    v->v_items[i] : v;
				if (!hostd_val_is_moref(ref, NULL))
					continue;
				k = hostd_inventory_find(c->ic_inv, NULL,
				    ref->v_str, NULL);
				if (k == NULL)
					continue;
				if (cw->cw_nkids == cw->cw_kidcap) {
					cw->cw_kidcap = cw->cw_kidcap == 0 ?
					    64 : 2 * cw->cw_kidcap;
					cw->cw_kids = xreallocarray(
					    cw->cw_kids, cw->cw_kidcap,
					    sizeof *cw->cw_kids);
				}
				cw->cw_kids[cw->cw_nkids++] = k;
			}
			hostd_val_free(v);
		}
	}
}

/*
 * The entities a walk has reached: an open-addressing set of pointers
 * (a thousand VMs are reached three times each, from the VM folder, the
 * pool and the host).  Returns 1 if mo was added, 0 if it was there.
 */
struct hostd_mo_containerview_seen {
	struct hostd_mo	**ss_slots;
	size_t		  ss_size;	/* a power of two */
	size_t		  ss_count;
};

static int
hostd_mo_containerview_see(struct hostd_mo_containerview_seen *ss,
    struct hostd_mo *mo)
{
	struct hostd_mo	**old;
	size_t		  osize, i, h;

	if (2 * (ss->ss_count + 1) > ss->ss_size) {
		old = ss->ss_slots;
		osize = ss->ss_size;
		ss->ss_size = osize == 0 ? 64 : osize * 2;
		ss->ss_slots = xcalloc(ss->ss_size, sizeof *ss->ss_slots);
		ss->ss_count = 0;
		for (i = 0; i < osize; i++) {
			if (old[i] != NULL)
				hostd_mo_containerview_see(ss, old[i]);
		}
		free(old);
	}
	h = ((uintptr_t)mo >> 4) * 0x9e3779b97f4a7c15ULL;
	for (i = h & (ss->ss_size - 1); ss->ss_slots[i] != NULL;
	    i = (i + 1) & (ss->ss_size - 1)) {
		if (ss->ss_slots[i] == mo)
			return (0);
	}
	ss->ss_slots[i] = mo;
	ss->ss_count++;
	return (1);
}

/*
 * Entities the session may not see (no System.View) are left out of the
 * view, as on ESX; the walk still goes through them, since something
 * visible may lie below.  Without SOAP state (unit tests) all are seen.
 */
static int
hostd_mo_containerview_visible(const struct hostd_inventory_ctx *c,
    struct hostd_mo *mo)
{
	if (c->ic_soap == NULL || c->ic_session == NULL)
		return (1);
	return (hostd_authz_allowed(c->ic_soap, c->ic_session, mo,
	    "System.View"));
}

static struct hostd_val *
hostd_mo_containerview_view(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_containerview	*cv = c->ic_mo->mo_data;
	struct hostd_mo_containerview_seen seen = { NULL, 0, 0 };
	struct hostd_mo_containerview_walk cw;
	struct hostd_mo			*root;
	struct hostd_mo			**stack = NULL, *mo;
	struct hostd_val		*arr;
	size_t				 nstack = 0, stackcap = 0;
	size_t				 i;

	arr = hostd_val_array("ManagedObjectReference");
	root = hostd_inventory_find(c->ic_inv, cv->cv_type, cv->cv_id, NULL);
	if (root == NULL)
		return (arr);
	memset(&cw, 0, sizeof cw);
	cw.cw_c = c;
	if (cv->cv_types[0] == NULL)
		cw.cw_match = hostd_inventory_type_mask(c->ic_inv,
		    "ManagedEntity");
	for (i = 0; cv->cv_types[i] != NULL; i++)
		cw.cw_match |= hostd_inventory_type_mask(c->ic_inv,
		    cv->cv_types[i]);
	for (i = 0; i < HOSTD_MO_CONTAINERVIEW_NEDGES; i++) {
		cw.cw_edges[i] = hostd_inventory_type_mask(c->ic_inv,
		    hostd_mo_containerview_edges[i][0]);
		cw.cw_any |= cw.cw_edges[i];
	}
	stackcap = 64;
	stack = xreallocarray(NULL, stackcap, sizeof *stack);
	stack[nstack++] = root;
	hostd_mo_containerview_see(&seen, root);
	while (nstack > 0) {
		mo = stack[--nstack];
		if (mo != root &&
		    (hostd_inventory_mo_isa(c->ic_inv, mo) & cw.cw_match) &&
		    hostd_mo_containerview_visible(c, mo))
			hostd_val_push(arr, hostd_val_moref(mo->mo_type,
			    mo->mo_id));
		if (mo != root && !cv->cv_recursive)
			continue;
		cw.cw_nkids = 0;
		hostd_mo_containerview_kids(&cw, mo);
		/* Reverse onto the stack: children in order. */
		for (i = cw.cw_nkids; i-- > 0;) {
			if (!hostd_mo_containerview_see(&seen, cw.cw_kids[i]))
				continue;
			if (nstack == stackcap) {
				stackcap *= 2;
				stack = xreallocarray(stack, stackcap,
				    sizeof *stack);
			}
			stack[nstack++] = cw.cw_kids[i];
		}
	}
	free(cw.cw_kids);
	free(seen.ss_slots);
	free(stack);
	return (arr);
}

static struct hostd_val *
hostd_mo_containerview_container(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_containerview	*cv = c->ic_mo->mo_data;

	return (hostd_val_moref(cv->cv_type, cv->cv_id));
}

static struct hostd_val *
hostd_mo_containerview_type(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_containerview	*cv = c->ic_mo->mo_data;
	struct hostd_val		*arr;
	size_t				 i;

	arr = hostd_val_array("string");
	for (i = 0; cv->cv_types[i] != NULL; i++)
		hostd_val_push(arr, hostd_val_string(cv->cv_types[i]));
	return (arr);
}

static struct hostd_val *
hostd_mo_containerview_recursive(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_containerview	*cv = c->ic_mo->mo_data;

	return (hostd_val_bool(cv->cv_recursive));
}
