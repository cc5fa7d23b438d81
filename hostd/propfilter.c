/* SPDX-License-Identifier: ISC */
/*
 * The PropertyCollector's retrieval engine (vi-api.md §3.4), shared by
 * RetrieveProperties[Ex] and by filters: normalize a request's
 * PropertyFilterSpec into a typed, validated copy, then evaluate it on
 * the inventory (starting objects, named and anonymous TraversalSpecs
 * with supertype matching, skip, PropertySpec matching by supertype,
 * pathSet or all) into a list of objects with their property values.
 *
 * Every spec is untrusted: names are resolved before anything runs
 * (unknown ones are InvalidArgument), unknown paths are InvalidProperty,
 * traversal visits each (object, TraversalSpec) pair once so cycles end,
 * and the objects and steps of one evaluation are bounded.  Nothing
 * recurses on the inventory; recursion on the spec is bounded by the
 * request's XML depth limit.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hostd.h"
#include "xmalloc.h"

/* Most (object, TraversalSpec) steps one evaluation may take. */
#define HOSTD_PROPFILTER_MAX_STEPS	1000000
/* Most SelectionSpecs and paths in one spec. */
#define HOSTD_PROPFILTER_MAX_NODES	10000
/* Most spec nodes looked at to resolve names, per spec. */
#define HOSTD_PROPFILTER_MAX_LOOKUPS	10000000

/* What the caller may read of an object. */
#define HOSTD_PROPFILTER_NONE	0
#define HOSTD_PROPFILTER_VIEW	1	/* System.View: name, parent */
#define HOSTD_PROPFILTER_READ	2	/* System.Read: everything */

/* A set of pointer pairs (open addressing). */
struct hostd_propfilter_set {
	const void	**ps_keys;	/* 2 per slot; NULL first: empty */
	size_t		  ps_size;	/* slots, a power of 2 */
	size_t		  ps_used;
};

struct hostd_propfilter_step {
	struct hostd_mo		*st_mo;
	const struct hostd_val	*st_ts;
};

/*
 * A PropertySpec of the spec as the per-object loop reads it: the type's
 * bit rather than its name, the paths in an array rather than fields
 * looked up by name for each of a thousand objects.
 */
struct hostd_propfilter_plan {
	uint64_t	  pl_mask;	/* hostd_inventory_type_mask */
	int		  pl_all;
	const char	**pl_paths;	/* in the spec; NULL: not a string */
	size_t		  pl_npaths;
};

struct hostd_propfilter_walk {
	struct hostd_inventory		*w_inv;
	struct hostd_soap		*w_soap;
	struct hostd_session		*w_session;
	const struct hostd_val		*w_ospec;	/* ObjectSpec */
	struct hostd_mo			**w_cands;
	size_t				 w_ncands;
	struct hostd_propfilter_set	 w_seen;	/* candidates */
	struct hostd_propfilter_set	 w_pairs;	/* (mo, ts) done */
	struct hostd_propfilter_step	*w_stack;
	size_t				 w_nstack;
	size_t				 w_stackcap;
	size_t				 w_steps;
	size_t				 w_budget;	/* lookups */
	struct hostd_propfilter_set	 w_starts;	/* ObjectSpec objs */
	struct hostd_val_buf		*w_ser;		/* for pp_ser, or NULL */
	struct hostd_propfilter_plan	*w_plan;	/* the propSet */
	size_t				 w_nplan;
};

static int	hostd_propfilter_set_add(struct hostd_propfilter_set *,
		    const void *, const void *);
static void	hostd_propfilter_set_free(struct hostd_propfilter_set *);
static void	hostd_propfilter_plan(struct hostd_propfilter_walk *,
		    const struct hostd_val *);
static void	hostd_propfilter_stack_room(struct hostd_propfilter_walk *);
static struct hostd_val *hostd_propfilter_norm_sel(const struct hostd_val *,
		    int, size_t *, struct hostd_fault **);
static int	hostd_propfilter_norm_bool(const struct hostd_val *,
		    const char *, struct hostd_val *, struct hostd_fault **);
static int	hostd_propfilter_check_names(const struct hostd_val *,
		    const struct hostd_val *, int, size_t *);
static const struct hostd_val *hostd_propfilter_resolve(
		    const struct hostd_val *, const char *, int, size_t *);
static int	hostd_propfilter_bool(const struct hostd_val *, const char *);
static int	hostd_propfilter_push(struct hostd_propfilter_walk *,
		    struct hostd_mo *, const struct hostd_val *);
static int	hostd_propfilter_step(struct hostd_propfilter_walk *,
		    const struct hostd_propfilter_step *);
static int	hostd_propfilter_candidate(struct hostd_propfilter_walk *,
		    struct hostd_mo *);
static void	hostd_propfilter_collect(struct hostd_propfilter_walk *,
		    struct hostd_mo *, struct hostd_propfilter_result *,
		    size_t);
static void	hostd_propfilter_addprop(struct hostd_propfilter_prop **,
		    size_t *, const char *, struct hostd_val *,
		    struct hostd_val_buf *);
static char	*hostd_propfilter_serialize_buf(struct hostd_val_buf *,
		    const struct hostd_val *);
static const char *hostd_propfilter_denied(struct hostd_propfilter_walk *,
		    struct hostd_mo *, int, const char *);
static void	hostd_propfilter_deny(struct hostd_propfilter_obj *,
		    struct hostd_mo *, const char *, const char *);
static int	hostd_propfilter_has(const struct hostd_propfilter_prop *,
		    size_t, const char *);

/* ---- pointer-pair set ------------------------------------------------ */

static size_t
hostd_propfilter_hash(const void *a, const void *b)
{
	uint64_t	h;

	h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)(uintptr_t)b + 0x7f4a7c159e3779b9ULL + (h << 6) +
	    (h >> 2);
	h ^= h >> 29;
	return ((size_t)h);
}

/* Add (a, b); 1 if it was new, 0 if already there. */
static int
hostd_propfilter_set_add(struct hostd_propfilter_set *s, const void *a,
    const void *b)
{
	const void	**old;
	size_t		  oldsize, i, j;

	if (s->ps_used * 2 >= s->ps_size) {
		old = s->ps_keys;
		oldsize = s->ps_size;
		s->ps_size = oldsize == 0 ? 64 : oldsize * 2;
		s->ps_keys = xcalloc(s->ps_size * 2, sizeof *s->ps_keys);
		s->ps_used = 0;
		for (i = 0; i < oldsize; i++) {
			if (old[2 * i] != NULL)
				hostd_propfilter_set_add(s, old[2 * i],
				    old[2 * i + 1]);
		}
		free(old);
	}
	j = hostd_propfilter_hash(a, b) & (s->ps_size - 1);
	while (s->ps_keys[2 * j] != NULL) {
		if (s->ps_keys[2 * j] == a && s->ps_keys[2 * j + 1] == b)
			return (0);
		j = (j + 1) & (s->ps_size - 1);
	}
	s->ps_keys[2 * j] = a;
	s->ps_keys[2 * j + 1] = b;
	s->ps_used++;
	return (1);
}

static void
hostd_propfilter_set_free(struct hostd_propfilter_set *s)
{
	free(s->ps_keys);
	memset(s, 0, sizeof *s);
}

/* ---- normalization --------------------------------------------------- */

/* Copy optional boolean field name of in to out; -1 with *fault if bad. */
static int
hostd_propfilter_norm_bool(const struct hostd_val *in, const char *name,
    struct hostd_val *out, struct hostd_fault **fault)
{
	const struct hostd_val	*f;
	int			 b;

	if ((f = hostd_val_field(in, name)) == NULL)
		return (0);
	if (hostd_val_get_bool(f, &b) != 0) {
		*fault = hostd_fault_invalid_argument(name);
		return (-1);
	}
	hostd_val_add_bool(out, name, b);
	return (0);
}

static int
hostd_propfilter_bool(const struct hostd_val *v, const char *name)
{
	const struct hostd_val	*f = hostd_val_field(v, name);

	return (f != NULL && f->v_kind == HOSTD_VAL_BOOLEAN && f->v_int);
}

/* A non-empty string field, or NULL. */
static const char *
hostd_propfilter_str(const struct hostd_val *v, const char *name)
{
	const char	*s;

	s = hostd_val_str(hostd_val_field(v, name));
	return (s != NULL && *s != '\0' ? s : NULL);
}

/* A typed SelectionSpec or TraversalSpec from request value in. */
static struct hostd_val *
hostd_propfilter_norm_sel(const struct hostd_val *in, int depth,
    size_t *nodes, struct hostd_fault **fault)
{
	const struct hostd_inventory_type	*t;
	struct hostd_val			*out, *sub;
	const char				*name, *type, *path;
	char					 top[256];
	size_t					 i, n;

	if (++*nodes > HOSTD_PROPFILTER_MAX_NODES || depth > 64 ||
	    in->v_kind != HOSTD_VAL_OBJECT) {
		*fault = hostd_fault_invalid_argument("selectSet");
		return (NULL);
	}
	name = hostd_propfilter_str(in, "name");
	if ((in->v_type == NULL || strcmp(in->v_type, "TraversalSpec") != 0) &&
	    hostd_val_field(in, "path") == NULL) {
		if (name == NULL) {
			*fault = hostd_fault_invalid_argument(
			    "selectSet.name");
			return (NULL);
		}
		out = hostd_val_object("SelectionSpec");
		hostd_val_add_str(out, "name", name);
		return (out);
	}
	type = hostd_propfilter_str(in, "type");
	path = hostd_propfilter_str(in, "path");
	if (type == NULL || path == NULL) {
		*fault = hostd_fault_invalid_argument(type == NULL ?
		    "selectSet.type" : "selectSet.path");
		return (NULL);
	}
	/* A path unknown to a modelled type can never be followed. */
	t = hostd_inventory_type(type);
	n = strcspn(path, ".");
	if (t != NULL && t->it_props != NULL && n < sizeof top) {
		memcpy(top, path, n);
		top[n] = '\0';
		if (hostd_inventory_prop(t, top) == NULL) {
			*fault = hostd_fault_invalid_property(path);
			return (NULL);
		}
	}
	out = hostd_val_object("TraversalSpec");
	if (name != NULL)
		hostd_val_add_str(out, "name", name);
	hostd_val_add_str(out, "type", type);
	hostd_val_add_str(out, "path", path);
	if (hostd_propfilter_norm_bool(in, "skip", out, fault) != 0)
		goto fail;
	n = hostd_val_field_count(in, "selectSet");
	for (i = 0; i < n; i++) {
		sub = hostd_propfilter_norm_sel(hostd_val_field_nth(in,
		    "selectSet", i), depth + 1, nodes, fault);
		if (sub == NULL)
			goto fail;
		hostd_val_add_decl(out, "selectSet", "SelectionSpec", sub);
	}
	return (out);
fail:
	hostd_val_free(out);
	return (NULL);
}

/*
 * Find the TraversalSpec called name in the selectSet tree under v (an
 * ObjectSpec or TraversalSpec), nearest level first.  Each node looked at
 * costs one from *budget; NULL when it runs out.
 */
static const struct hostd_val *
hostd_propfilter_resolve(const struct hostd_val *v, const char *name,
    int depth, size_t *budget)
{
	const struct hostd_val	*sel, *r;
	const char		*n;
	size_t			 i, count;

	if (depth > 70 || name == NULL)
		return (NULL);
	count = hostd_val_field_count(v, "selectSet");
	for (i = 0; i < count; i++) {
		if (*budget == 0)
			return (NULL);
		(*budget)--;
		sel = hostd_val_field_nth(v, "selectSet", i);
		if (strcmp(sel->v_type, "TraversalSpec") != 0)
			continue;
		n = hostd_val_str(hostd_val_field(sel, "name"));
		if (n != NULL && strcmp(n, name) == 0)
			return (sel);
	}
	for (i = 0; i < count; i++) {
		sel = hostd_val_field_nth(v, "selectSet", i);
		if (strcmp(sel->v_type, "TraversalSpec") != 0)
			continue;
		if ((r = hostd_propfilter_resolve(sel, name, depth + 1,
		    budget)) != NULL)
			return (r);
	}
	return (NULL);
}

/* 0 if every SelectionSpec reference under v resolves within ospec. */
static int
hostd_propfilter_check_names(const struct hostd_val *ospec,
    const struct hostd_val *v, int depth, size_t *budget)
{
	const struct hostd_val	*sel;
	size_t			 i, count;

	if (depth > 70)
		return (-1);
	count = hostd_val_field_count(v, "selectSet");
	for (i = 0; i < count; i++) {
		sel = hostd_val_field_nth(v, "selectSet", i);
		if (strcmp(sel->v_type, "SelectionSpec") == 0) {
			if (hostd_propfilter_resolve(ospec,
			    hostd_val_str(hostd_val_field(sel, "name")),
			    0, budget) == NULL)
				return (-1);
		} else if (hostd_propfilter_check_names(ospec, sel,
		    depth + 1, budget) != 0)
			return (-1);
	}
	return (0);
}

struct hostd_val *
hostd_propfilter_normalize(const struct hostd_val *in,
    struct hostd_fault **fault)
{
	const struct hostd_inventory_type	*t;
	const struct hostd_val			*ps, *os, *obj;
	struct hostd_val			*out, *nps, *nos, *sel;
	const char				*type, *path;
	char					 top[256];
	size_t					 i, j, n, m, nodes = 0;
	size_t					 budget;

	*fault = NULL;
	budget = HOSTD_PROPFILTER_MAX_LOOKUPS;
	if (in == NULL || in->v_kind != HOSTD_VAL_OBJECT) {
		*fault = hostd_fault_invalid_argument("specSet");
		return (NULL);
	}
	out = hostd_val_object("PropertyFilterSpec");
	n = hostd_val_field_count(in, "propSet");
	for (i = 0; i < n; i++) {
		ps = hostd_val_field_nth(in, "propSet", i);
		if (ps->v_kind != HOSTD_VAL_OBJECT ||
		    (type = hostd_propfilter_str(ps, "type")) == NULL) {
			*fault = hostd_fault_invalid_argument("propSet.type");
			goto fail;
		}
		nps = hostd_val_object("PropertySpec");
		hostd_val_add(out, "propSet", nps);
		hostd_val_add_str(nps, "type", type);
		if (hostd_propfilter_norm_bool(ps, "all", nps, fault) != 0)
			goto fail;
		t = hostd_inventory_type(type);
		m = hostd_val_field_count(ps, "pathSet");
		for (j = 0; j < m; j++) {
			path = hostd_val_str(hostd_val_field_nth(ps,
			    "pathSet", j));
			if (++nodes > HOSTD_PROPFILTER_MAX_NODES ||
			    path == NULL) {
				*fault = hostd_fault_invalid_argument(
				    "propSet.pathSet");
				goto fail;
			}
			if (*path == '\0' || strcspn(path, ".") >=
			    sizeof top) {
				*fault = hostd_fault_invalid_property(path);
				goto fail;
			}
			memcpy(top, path, strcspn(path, "."));
			top[strcspn(path, ".")] = '\0';
			if (t != NULL && t->it_props != NULL &&
			    hostd_inventory_prop(t, top) == NULL) {
				*fault = hostd_fault_invalid_property(path);
				goto fail;
			}
			hostd_val_add_str(nps, "pathSet", path);
		}
	}
	n = hostd_val_field_count(in, "objectSet");
	for (i = 0; i < n; i++) {
		os = hostd_val_field_nth(in, "objectSet", i);
		obj = hostd_val_field(os, "obj");
		if (os->v_kind != HOSTD_VAL_OBJECT ||
		    !hostd_val_is_moref(obj, NULL)) {
			*fault = hostd_fault_invalid_argument("objectSet.obj");
			goto fail;
		}
		nos = hostd_val_object("ObjectSpec");
		hostd_val_add(out, "objectSet", nos);
		hostd_val_add(nos, "obj", hostd_val_copy(obj));
		if (hostd_propfilter_norm_bool(os, "skip", nos, fault) != 0)
			goto fail;
		m = hostd_val_field_count(os, "selectSet");
		for (j = 0; j < m; j++) {
			sel = hostd_propfilter_norm_sel(hostd_val_field_nth(os,
			    "selectSet", j), 0, &nodes, fault);
			if (sel == NULL)
				goto fail;
			hostd_val_add_decl(nos, "selectSet", "SelectionSpec",
			    sel);
		}
		if (hostd_propfilter_check_names(nos, nos, 0,
		    &budget) != 0) {
			*fault = hostd_fault_invalid_argument(
			    "selectSet.name");
			goto fail;
		}
	}
	if (hostd_propfilter_norm_bool(in, "reportMissingObjectsInResults",
	    out, fault) != 0)
		goto fail;
	return (out);
fail:
	hostd_val_free(out);
	return (NULL);
}

/* ---- evaluation ------------------------------------------------------ */

static void
hostd_propfilter_plan(struct hostd_propfilter_walk *w,
    const struct hostd_val *spec)
{
	struct hostd_propfilter_plan	*pl;
	const struct hostd_val		*ps;
	size_t				 i, j, n;

	n = hostd_val_field_count(spec, "propSet");
	w->w_plan = xcalloc(n == 0 ? 1 : n, sizeof *w->w_plan);
	w->w_nplan = n;
	for (i = 0; i < n; i++) {
		pl = &w->w_plan[i];
		ps = hostd_val_field_nth(spec, "propSet", i);
		pl->pl_mask = hostd_inventory_type_mask(w->w_inv,
		    hostd_val_str(hostd_val_field(ps, "type")));
		pl->pl_all = hostd_propfilter_bool(ps, "all");
		pl->pl_npaths = hostd_val_field_count(ps, "pathSet");
		pl->pl_paths = xcalloc(pl->pl_npaths == 0 ? 1 :
		    pl->pl_npaths, sizeof *pl->pl_paths);
		for (j = 0; j < pl->pl_npaths; j++)
			pl->pl_paths[j] = hostd_val_str(hostd_val_field_nth(ps,
			    "pathSet", j));
	}
}

static int
hostd_propfilter_candidate(struct hostd_propfilter_walk *w,
    struct hostd_mo *mo)
{
	if (!hostd_propfilter_set_add(&w->w_seen, mo, NULL))
		return (0);
	if (w->w_ncands >= HOSTD_PROPFILTER_MAX_OBJECTS)
		return (-1);
	w->w_cands = xgrowarray(w->w_cands, w->w_ncands,
	    sizeof *w->w_cands);
	w->w_cands[w->w_ncands++] = mo;
	return (0);
}

/* Room for one more step on the stack. */
static void
hostd_propfilter_stack_room(struct hostd_propfilter_walk *w)
{
	if (w->w_nstack < w->w_stackcap)
		return;
	w->w_stackcap = w->w_stackcap == 0 ? 16 : 2 * w->w_stackcap;
	w->w_stack = xreallocarray(w->w_stack, w->w_stackcap,
	    sizeof *w->w_stack);
}

/* Queue the selection sel at mo (references resolved). */
static int
hostd_propfilter_push(struct hostd_propfilter_walk *w, struct hostd_mo *mo,
    const struct hostd_val *sel)
{
	const struct hostd_val	*ts = sel;

	if (strcmp(sel->v_type, "SelectionSpec") == 0) {
		ts = hostd_propfilter_resolve(w->w_ospec,
		    hostd_val_str(hostd_val_field(sel, "name")), 0,
		    &w->w_budget);
		if (ts == NULL)		/* names were checked: budget */
			return (-1);
	}
	if (!hostd_propfilter_set_add(&w->w_pairs, mo, ts))
		return (0);
	if (++w->w_steps > HOSTD_PROPFILTER_MAX_STEPS)
		return (-1);
	hostd_propfilter_stack_room(w);
	w->w_stack[w->w_nstack].st_mo = mo;
	w->w_stack[w->w_nstack].st_ts = ts;
	w->w_nstack++;
	return (0);
}

/* Apply one TraversalSpec at one object. */
static int
hostd_propfilter_step(struct hostd_propfilter_walk *w,
    const struct hostd_propfilter_step *st)
{
	struct hostd_val	*v;
	const struct hostd_val	*ref;
	struct hostd_mo		*child;
	const char		*type, *path;
	size_t			 i, j, n, nsel;
	int			 invalid, skip, rc = 0;

	type = hostd_val_str(hostd_val_field(st->st_ts, "type"));
	path = hostd_val_str(hostd_val_field(st->st_ts, "path"));
	if (!hostd_inventory_mo_is_a(w->w_inv, st->st_mo, type))
		return (0);
	v = hostd_inventory_get(w->w_inv, w->w_soap, st->st_mo, w->w_session,
	    path, &invalid);
	if (v == NULL)
		return (0);
	skip = hostd_propfilter_bool(st->st_ts, "skip");
	nsel = hostd_val_field_count(st->st_ts, "selectSet");
	n = v->v_kind == HOSTD_VAL_ARRAY ? v->v_nitems : 1;
	/* Push in reverse so the stack visits children in order. */
	for (i = n; i-- > 0 && rc == 0;) {
		ref = v->v_kind == HOSTD_VAL_ARRAY ? v->v_items[i] : v;
		if (!hostd_val_is_moref(ref, NULL))
			continue;
		child = hostd_inventory_find(w->w_inv, NULL, ref->v_str,
		    w->w_session);
		if (child == NULL)
			continue;
		for (j = nsel; j-- > 0 && rc == 0;)
			rc = hostd_propfilter_push(w, child,
			    hostd_val_field_nth(st->st_ts, "selectSet", j));
		if (!skip) {
			/* Marked now; ordered when popped (see eval). */
			hostd_propfilter_stack_room(w);
			w->w_stack[w->w_nstack].st_mo = child;
			w->w_stack[w->w_nstack].st_ts = NULL;
			w->w_nstack++;
		}
	}
	hostd_val_free(v);
	return (rc);
}

static int
hostd_propfilter_has(const struct hostd_propfilter_prop *pp, size_t n,
    const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(pp[i].pp_name, name) == 0)
			return (1);
	}
	return (0);
}

/* ser: the buffer to serialize v with for pp_ser, or NULL. */
static void
hostd_propfilter_addprop(struct hostd_propfilter_prop **pp, size_t *n,
    const char *name, struct hostd_val *v, struct hostd_val_buf *ser)
{
	struct hostd_propfilter_prop	*p;

	*pp = xgrowarray(*pp, *n, sizeof **pp);
	p = &(*pp)[(*n)++];
	p->pp_name = xstrdup(name);
	p->pp_val = v;
	p->pp_ser = ser != NULL ? hostd_propfilter_serialize_buf(ser, v) :
	    NULL;
}

/*
 * The privilege the caller lacks to read path on mo (readable: what it
 * holds there, HOSTD_PROPFILTER_*), or NULL.  Every read needs System.Read
 * on the object (System.View for name and parent) and the property's own
 * privilege; a property marked System.Anonymous (ServiceInstance.content,
 * currentSession) needs nothing.  Without the SOAP state (unit tests) everything is readable.
 */
static const char *
hostd_propfilter_denied(struct hostd_propfilter_walk *w, struct hostd_mo *mo,
    int readable, const char *path)
{
	const struct hostd_inventory_prop	*p;
	char					 top[128];
	size_t					 len;

	if (w->w_soap == NULL)
		return (NULL);
	/* The first part of the path, cut to fit as snprintf would. */
	len = strcspn(path, ".[");
	if (len >= sizeof top)
		len = sizeof top - 1;
	memcpy(top, path, len);
	top[len] = '\0';
	p = hostd_inventory_mo_prop(w->w_inv, mo, top);
	if (p != NULL && p->ip_priv != NULL &&
	    strcmp(p->ip_priv, "System.Anonymous") == 0)
		return (NULL);
	/*
	 * System.View alone, which a permission further down the tree gives
	 * on every ancestor so that clients can walk to the object, shows
	 * the name and the parent and nothing else, as on ESX.
	 */
	if (readable == HOSTD_PROPFILTER_NONE || (readable ==
	    HOSTD_PROPFILTER_VIEW && strcmp(top, "name") != 0 &&
	    strcmp(top, "parent") != 0))
		return ("System.Read");
	if (p != NULL && p->ip_priv != NULL &&
	    strcmp(p->ip_priv, "System.View") != 0 &&
	    strcmp(p->ip_priv, "System.Read") != 0 &&
	    !hostd_authz_allowed(w->w_soap, w->w_session, mo, p->ip_priv))
		return (p->ip_priv);
	return (NULL);
}

/* path of mo goes to the missingSet with NoPermission (vi-api.md §3.4). */
static void
hostd_propfilter_deny(struct hostd_propfilter_obj *o, struct hostd_mo *mo,
    const char *path, const char *priv)
{
	struct hostd_fault	*f;

	if (hostd_propfilter_has(o->po_missing, o->po_nmissing, path))
		return;
	f = hostd_fault_no_permission(mo->mo_type, mo->mo_id, priv);
	hostd_propfilter_addprop(&o->po_missing, &o->po_nmissing, path,
	    hostd_fault_localized(f), NULL);
	hostd_fault_free(f);
}

/*
 * The properties the spec (w_plan) asks of mo, into res (merged with an object already
 * there when from, the count of objects before this evaluation, is not 0).
 */
static void
hostd_propfilter_collect(struct hostd_propfilter_walk *w, struct hostd_mo *mo,
    struct hostd_propfilter_result *res, size_t from)
{
	const struct hostd_inventory_type	*chain[32], *t;
	const struct hostd_inventory_prop	*p;
	const struct hostd_propfilter_plan	*pl;
	struct hostd_propfilter_obj		*o = NULL;
	struct hostd_fault			*f;
	struct hostd_val			*v;
	const char				*path, *priv;
	size_t					 i, j, n, m, nchain = 0;
	size_t					 tlen, ilen;
	uint64_t				 isa;
	int					 all = 0, matched = 0;
	int					 invalid, viewable;
	int					 readable;

	n = w->w_nplan;
	isa = hostd_inventory_mo_isa(w->w_inv, mo);
	for (i = 0; i < n; i++) {
		pl = &w->w_plan[i];
		if ((isa & pl->pl_mask) == 0)
			continue;
		matched = 1;
		if (pl->pl_all)
			all = 1;
	}
	if (!matched)
		return;
	readable = HOSTD_PROPFILTER_READ;
	/*
	 * Objects the caller may not see are left out, unless the spec
	 * named them (one ObjectContent per existing object asked for,
	 * rule 12): their properties then go to the missingSet.
	 */
	if (w->w_soap != NULL && w->w_session != NULL) {
		viewable = hostd_authz_allowed(w->w_soap, w->w_session, mo,
		    "System.View");
		if (hostd_propfilter_set_add(&w->w_starts, mo, NULL) &&
		    !viewable)
			return;
		if (hostd_authz_allowed(w->w_soap, w->w_session, mo,
		    "System.Read"))
			readable = HOSTD_PROPFILTER_READ;
		else
			readable = viewable ? HOSTD_PROPFILTER_VIEW :
			    HOSTD_PROPFILTER_NONE;
	}
	for (i = 0; i < from; i++) {
		if (strcmp(res->pr_objs[i].po_id, mo->mo_id) == 0) {
			o = &res->pr_objs[i];
			break;
		}
	}
	if (o == NULL) {
		res->pr_objs = xgrowarray(res->pr_objs,
		    res->pr_nobjs, sizeof *res->pr_objs);
		o = &res->pr_objs[res->pr_nobjs++];
		memset(o, 0, sizeof *o);
		/* One allocation, owned by po_type. */
		tlen = strlen(mo->mo_type) + 1;
		ilen = strlen(mo->mo_id) + 1;
		o->po_type = xmalloc(tlen + ilen);
		memcpy(o->po_type, mo->mo_type, tlen);
		o->po_id = o->po_type + tlen;
		memcpy(o->po_id, mo->mo_id, ilen);
	}
	if (w->w_session == NULL) {
		/* vi-api.md §3.3: SessionManager reads come back empty. */
		if (strcmp(mo->mo_type, "SessionManager") == 0)
			return;
		f = hostd_fault_not_authenticated(mo->mo_type, mo->mo_id,
		    "System.View");
		for (i = 0; i < n; i++) {
			pl = &w->w_plan[i];
			if ((isa & pl->pl_mask) == 0)
				continue;
			m = pl->pl_npaths;
			for (j = 0; j < m; j++) {
				path = pl->pl_paths[j];
				if (hostd_propfilter_has(o->po_missing,
				    o->po_nmissing, path))
					continue;
				hostd_propfilter_addprop(&o->po_missing,
				    &o->po_nmissing, path,
				    hostd_fault_localized(f), NULL);
			}
		}
		hostd_fault_free(f);
		return;
	}
	if (all) {
		/* Supertypes first: the order of the WSDL. */
		for (t = mo->mo_t; t != NULL && nchain < 32;
		    t = hostd_inventory_type(t->it_parent))
			chain[nchain++] = t;
		while (nchain-- > 0) {
			for (p = chain[nchain]->it_props; p != NULL &&
			    p->ip_name != NULL; p++) {
				if (hostd_propfilter_has(o->po_props,
				    o->po_nprops, p->ip_name))
					continue;
				if ((priv = hostd_propfilter_denied(w, mo,
				    readable, p->ip_name)) != NULL) {
					hostd_propfilter_deny(o, mo,
					    p->ip_name, priv);
					continue;
				}
				v = hostd_inventory_get(w->w_inv, w->w_soap,
				    mo, w->w_session, p->ip_name, &invalid);
				if (v != NULL)
					hostd_propfilter_addprop(&o->po_props,
					    &o->po_nprops, p->ip_name, v, w->w_ser);
			}
		}
		return;
	}
	for (i = 0; i < n; i++) {
		pl = &w->w_plan[i];
		if ((isa & pl->pl_mask) == 0)
			continue;
		m = pl->pl_npaths;
		for (j = 0; j < m; j++) {
			path = pl->pl_paths[j];
			if (hostd_propfilter_has(o->po_props, o->po_nprops,
			    path) || hostd_propfilter_has(o->po_missing,
			    o->po_nmissing, path))
				continue;
			if ((priv = hostd_propfilter_denied(w, mo, readable,
			    path)) != NULL) {
				hostd_propfilter_deny(o, mo, path, priv);
				continue;
			}
			v = hostd_inventory_get(w->w_inv, w->w_soap, mo,
			    w->w_session, path, &invalid);
			if (invalid) {
				f = hostd_fault_invalid_property(path);
				hostd_propfilter_addprop(&o->po_missing,
				    &o->po_nmissing, path,
				    hostd_fault_localized(f), NULL);
				hostd_fault_free(f);
			} else if (v != NULL)
				hostd_propfilter_addprop(&o->po_props,
				    &o->po_nprops, path, v, w->w_ser);
		}
	}
}

int
hostd_propfilter_eval(struct hostd_inventory *inv, struct hostd_soap *hs,
    struct hostd_session *s, const struct hostd_val *spec, int lenient,
    int ser, struct hostd_propfilter_result *res, struct hostd_fault **fault)
{
	struct hostd_propfilter_walk	 w;
	struct hostd_propfilter_step	 st;
	const struct hostd_val		*os, *obj;
	struct hostd_mo			*mo;
	size_t				 i, j, n, nsel;
	size_t				 from = res->pr_nobjs;
	int				 rc = 0, skip;

	*fault = NULL;
	memset(&w, 0, sizeof w);
	w.w_inv = inv;
	w.w_soap = hs;
	w.w_session = s;
	w.w_budget = HOSTD_PROPFILTER_MAX_LOOKUPS;
	if (ser)
		w.w_ser = hostd_val_buf_new();
	if (hostd_propfilter_bool(spec, "reportMissingObjectsInResults"))
		lenient = 1;
	n = hostd_val_field_count(spec, "objectSet");
	for (i = 0; i < n && rc == 0; i++) {
		os = hostd_val_field_nth(spec, "objectSet", i);
		obj = hostd_val_field(os, "obj");
		mo = hostd_inventory_find(inv, obj->v_type, obj->v_str, s);
		if (mo == NULL) {
			if (lenient)
				continue;
			*fault = hostd_fault_not_found_mo(obj->v_type,
			    obj->v_str);
			rc = -1;
			break;
		}
		w.w_ospec = os;
		nsel = hostd_val_field_count(os, "selectSet");
		skip = hostd_propfilter_bool(os, "skip");
		/* vcsim's leniency: a skipped object with nothing to
		 * traverse is still reported. */
		if (!skip || nsel == 0)
			rc = hostd_propfilter_candidate(&w, mo);
		hostd_propfilter_set_add(&w.w_starts, mo, NULL);
		/* Pairs are per ObjectSpec: names resolve within it. */
		hostd_propfilter_set_free(&w.w_pairs);
		for (j = nsel; j-- > 0 && rc == 0;)
			rc = hostd_propfilter_push(&w, mo,
			    hostd_val_field_nth(os, "selectSet", j));
		while (rc == 0 && w.w_nstack > 0) {
			st = w.w_stack[--w.w_nstack];
			if (st.st_ts == NULL)
				rc = hostd_propfilter_candidate(&w, st.st_mo);
			else
				rc = hostd_propfilter_step(&w, &st);
		}
		w.w_nstack = 0;
		if (rc != 0) {
			log_warnx("propertycollector: a spec exceeded %d "
			    "objects or %d steps", HOSTD_PROPFILTER_MAX_OBJECTS,
			    HOSTD_PROPFILTER_MAX_STEPS);
			*fault = hostd_fault_invalid_argument("specSet");
		}
	}
	if (rc == 0) {
		hostd_propfilter_plan(&w, spec);
		for (i = 0; i < w.w_ncands; i++)
			hostd_propfilter_collect(&w, w.w_cands[i], res, from);
	}
	free(w.w_cands);
	free(w.w_stack);
	hostd_propfilter_set_free(&w.w_seen);
	hostd_propfilter_set_free(&w.w_pairs);
	hostd_propfilter_set_free(&w.w_starts);
	hostd_val_buf_free(w.w_ser);
	for (i = 0; i < w.w_nplan; i++)
		free(w.w_plan[i].pl_paths);
	free(w.w_plan);
	return (rc);
}

void
hostd_propfilter_result_clear(struct hostd_propfilter_result *res)
{
	struct hostd_propfilter_obj	*o;
	size_t				 i, j;

	for (i = 0; i < res->pr_nobjs; i++) {
		o = &res->pr_objs[i];
		for (j = 0; j < o->po_nprops; j++) {
			free(o->po_props[j].pp_name);
			hostd_val_free(o->po_props[j].pp_val);
			free(o->po_props[j].pp_ser);
		}
		for (j = 0; j < o->po_nmissing; j++) {
			free(o->po_missing[j].pp_name);
			hostd_val_free(o->po_missing[j].pp_val);
			free(o->po_missing[j].pp_ser);
		}
		free(o->po_props);
		free(o->po_missing);
		free(o->po_type);	/* po_id is in it */
	}
	free(res->pr_objs);
	res->pr_objs = NULL;
	res->pr_nobjs = 0;
}

/*
 * Written here as hostd_val_write would write the ObjectContent tree
 * (obj, propSet: DynamicProperty name and anyType val, missingSet:
 * MissingProperty path and fault), into one value: a thousand objects
 * would otherwise make twenty thousand values to build, write and free.
 */
struct hostd_val *
hostd_propfilter_content(struct hostd_propfilter_obj *o,
    struct hostd_val_buf *b)
{
	const struct hostd_propfilter_prop	*pp;
	size_t					 i;

	hostd_val_buf_markup(b, "<obj type=\"", 11);
	hostd_val_buf_text(b, o->po_type, strlen(o->po_type));
	hostd_val_buf_markup(b, "\">", 2);
	hostd_val_buf_text(b, o->po_id, strlen(o->po_id));
	hostd_val_buf_markup(b, "</obj>", 6);
	for (i = 0; i < o->po_nprops; i++) {
		pp = &o->po_props[i];
		hostd_val_buf_markup(b, "<propSet><name>", 15);
		hostd_val_buf_text(b, pp->pp_name, strlen(pp->pp_name));
		hostd_val_buf_markup(b, "</name>", 7);
		hostd_val_buf_val(b, "val", HOSTD_VAL_ANYTYPE, pp->pp_val);
		hostd_val_buf_markup(b, "</propSet>", 10);
	}
	for (i = 0; i < o->po_nmissing; i++) {
		pp = &o->po_missing[i];
		hostd_val_buf_markup(b, "<missingSet><path>", 18);
		hostd_val_buf_text(b, pp->pp_name, strlen(pp->pp_name));
		hostd_val_buf_markup(b, "</path>", 7);
		hostd_val_buf_val(b, "fault", NULL, pp->pp_val);
		hostd_val_buf_markup(b, "</missingSet>", 13);
	}
	return (hostd_val_buf_take(b, "ObjectContent"));
}

char *
hostd_propfilter_serialize(const struct hostd_val *v)
{
	struct hostd_val_buf	*b;
	char			*s;

	b = hostd_val_buf_new();
	s = hostd_propfilter_serialize_buf(b, v);
	hostd_val_buf_free(b);
	return (s);
}

/* As hostd_propfilter_serialize, staged in b (emptied). */
static char *
hostd_propfilter_serialize_buf(struct hostd_val_buf *b,
    const struct hostd_val *v)
{
	const char	*d;
	char		*s;
	size_t		 len;

	hostd_val_buf_val(b, "v", HOSTD_VAL_ANYTYPE, v);
	d = hostd_val_buf_data(b, &len);
	s = xmalloc(len + 1);
	memcpy(s, d, len);
	s[len] = '\0';
	hostd_val_buf_reset(b);
	return (s);
}
