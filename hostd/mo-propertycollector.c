/* SPDX-License-Identifier: ISC */
/*
 * PropertyCollector (vi-api.md §3.4-3.6): RetrieveProperties,
 * RetrievePropertiesEx with paging (ContinueRetrievePropertiesEx,
 * CancelRetrievePropertiesEx), CreateFilter, WaitForUpdates,
 * WaitForUpdatesEx, CheckForUpdates, CancelWaitForUpdates,
 * CreatePropertyCollector and DestroyPropertyCollector.
 *
 * State is per session (rule 17): the session slot holds the session's
 * collectors, the one behind the shared `ha-property-collector` MoRef
 * first.  A collector has its filters, its version counter, its paging
 * cursors and at most one pending wait.  Each filter keeps what it last
 * reported as serialized values ({object -> {path -> XML}}); an update is
 * the diff between that and a fresh evaluation, reported under the paths
 * the client asked for (rule 15).  A pending wait is re-evaluated when the
 * inventory changes (hostd_inventory_changed), answered at its timeout,
 * dropped when its client went away (checked every second), and answered
 * RequestCanceled when the collector, the filter's session or the wait is
 * cancelled.  Everything a session made goes with the session.
 */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "hostd.h"
#include "xmalloc.h"

/*
 * Limits per session and per collector.  govmomi makes a collector for
 * every task.Wait, so a client waiting on many tasks at once holds as
 * many: ESX documents no bound, this one only stops a runaway client.
 */
#define HOSTD_PC_MAX_COLLECTORS	1024
#define HOSTD_PC_MAX_COLLECTORS_STR "1024"
#define HOSTD_PC_MAX_FILTERS	512
#define HOSTD_PC_MAX_CURSORS	16
/* Seconds between checks that a waiting client is still there. */
#define HOSTD_PC_POLL		1

struct hostd_pc_slot;

struct hostd_pc_filter {
	char				*pf_id;
	struct hostd_val		*pf_spec;	/* normalized */
	int				 pf_partial;
	int				 pf_reported;	/* snap valid */
	struct hostd_propfilter_result	 pf_snap;	/* name, ser */
	struct hostd_pc			*pf_pc;
	struct hostd_pc_filter		*pf_next;
};

struct hostd_pc_cursor {
	uint64_t		 pcc_token;
	struct hostd_val	*pcc_objs;	/* ObjectContent array */
	size_t			 pcc_pos;
	size_t			 pcc_max;
	struct hostd_pc_cursor	*pcc_next;
};

struct hostd_pc {
	char			*pc_id;
	struct hostd_pc_slot	*pc_slot;
	struct hostd_pc_filter	*pc_filters;
	size_t			 pc_nfilters;
	uint64_t		 pc_version;
	struct hostd_soap_req	*pc_wait;	/* pending, or NULL */
	struct event		*pc_timer;
	struct event		*pc_poll;
	struct hostd_pc_cursor	*pc_cursors;
	uint64_t		 pc_ntoken;
	struct hostd_pc		*pc_next;
};

struct hostd_pc_slot {
	struct hostd_soap	*ps_soap;
	struct hostd_inventory	*ps_inv;
	char			 ps_key[37];
	struct hostd_pc		*ps_pcs;	/* the default first */
	size_t			 ps_npcs;
};

#define HOSTD_PC_WAIT_LEGACY	0
#define HOSTD_PC_WAIT_EX	1
#define HOSTD_PC_WAIT_CHECK	2

static void	hostd_mo_propertycollector_slot_free(void *);
static struct hostd_pc *hostd_mo_propertycollector_new(struct hostd_pc_slot *,
		    const char *);
static void	hostd_mo_propertycollector_destroy(struct hostd_pc *);
static struct hostd_pc *hostd_mo_propertycollector_get(struct hostd_soap_req *);
static void	hostd_mo_propertycollector_filter_free(
		    struct hostd_pc_filter *);
static void	hostd_mo_propertycollector_cursor_free(
		    struct hostd_pc_cursor *);
static int	hostd_mo_propertycollector_collect(struct hostd_soap_req *,
		    struct hostd_val **);
static struct hostd_val *hostd_mo_propertycollector_page(struct hostd_pc *,
		    struct hostd_pc_cursor *);
static struct hostd_val *hostd_mo_propertycollector_updates(struct hostd_pc *,
		    struct hostd_session *, int);
static struct hostd_val *hostd_mo_propertycollector_diff(
		    struct hostd_pc_filter *, struct hostd_propfilter_result *);
static void	hostd_mo_propertycollector_wait_done(struct hostd_pc *,
		    struct hostd_val *, struct hostd_fault *);
static void	hostd_mo_propertycollector_wake(void *);
static void	hostd_mo_propertycollector_timer_cb(evutil_socket_t, short,
		    void *);
static void	hostd_mo_propertycollector_poll_cb(evutil_socket_t, short,
		    void *);
static int	hostd_mo_propertycollector_wait(struct hostd_soap_req *, int);
static int	hostd_mo_propertycollector_retrieve(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_retrieve_ex(
		    struct hostd_soap_req *);
static int	hostd_mo_propertycollector_continue(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_cancel(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_create_filter(
		    struct hostd_soap_req *);
static int	hostd_mo_propertycollector_wfu(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_wfu_ex(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_check(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_cancel_wait(
		    struct hostd_soap_req *);
static int	hostd_mo_propertycollector_create_pc(struct hostd_soap_req *);
static int	hostd_mo_propertycollector_destroy_pc(
		    struct hostd_soap_req *);
static struct hostd_val *hostd_mo_propertycollector_filters(
		    const struct hostd_inventory_ctx *);

static const struct hostd_soap_param hostd_mo_propertycollector_retr_p[] = {
	{ "specSet", "PropertyFilterSpec", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_propertycollector_retrx_p[] = {
	{ "specSet", "PropertyFilterSpec", HOSTD_SOAP_ARRAY },
	{ "options", "RetrieveOptions", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_propertycollector_token_p[] = {
	{ "token", "string", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_propertycollector_filter_p[] = {
	{ "spec", "PropertyFilterSpec", 0 },
	{ "partialUpdates", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_propertycollector_ver_p[] = {
	{ "version", "string", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_propertycollector_verx_p[] = {
	{ "version", "string", HOSTD_SOAP_OPTIONAL },
	{ "options", "WaitOptions", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_propertycollector_none[] = {
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_propertycollector_methods[] = {
	{ "RetrieveProperties", "PropertyCollector", "System.Anonymous",
	  HOSTD_SOAP_PUBLIC, hostd_mo_propertycollector_retrieve,
	  hostd_mo_propertycollector_retr_p },
	{ "RetrievePropertiesEx", "PropertyCollector", "System.Anonymous",
	  HOSTD_SOAP_PUBLIC, hostd_mo_propertycollector_retrieve_ex,
	  hostd_mo_propertycollector_retrx_p },
	{ "ContinueRetrievePropertiesEx", "PropertyCollector",
	  "System.Anonymous", 0, hostd_mo_propertycollector_continue,
	  hostd_mo_propertycollector_token_p },
	{ "CancelRetrievePropertiesEx", "PropertyCollector",
	  "System.Anonymous", 0, hostd_mo_propertycollector_cancel,
	  hostd_mo_propertycollector_token_p },
	{ "CreateFilter", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_create_filter,
	  hostd_mo_propertycollector_filter_p },
	{ "WaitForUpdates", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_wfu, hostd_mo_propertycollector_ver_p },
	{ "WaitForUpdatesEx", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_wfu_ex,
	  hostd_mo_propertycollector_verx_p },
	{ "CheckForUpdates", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_check, hostd_mo_propertycollector_ver_p },
	{ "CancelWaitForUpdates", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_cancel_wait,
	  hostd_mo_propertycollector_none },
	{ "CreatePropertyCollector", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_create_pc,
	  hostd_mo_propertycollector_none },
	{ "DestroyPropertyCollector", "PropertyCollector", "System.View", 0,
	  hostd_mo_propertycollector_destroy_pc,
	  hostd_mo_propertycollector_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_propertycollector_props[] = {
	{ "filter", hostd_mo_propertycollector_filters, "System.View" },
	{ NULL, NULL, NULL }
};

/* ---- per-session state ----------------------------------------------- */

void
hostd_mo_propertycollector_slot(struct hostd_soap *hs,
    struct hostd_session *s)
{
	struct hostd_pc_slot	*ps;

	if (s->s_slot != NULL)
		return;
	ps = xcalloc(1, sizeof *ps);
	ps->ps_soap = hs;
	ps->ps_inv = hostd_soap_inventory(hs);
	snprintf(ps->ps_key, sizeof ps->ps_key, "%s", s->s_key);
	s->s_slot = ps;
	s->s_slot_free = hostd_mo_propertycollector_slot_free;
	hostd_mo_propertycollector_new(ps, HOSTD_MO_PC);
}

static void
hostd_mo_propertycollector_slot_free(void *arg)
{
	struct hostd_pc_slot	*ps = arg;

	while (ps->ps_pcs != NULL)
		hostd_mo_propertycollector_destroy(ps->ps_pcs);
	/* Views and anything else the session made. */
	hostd_inventory_unregister_owner(ps->ps_inv, ps->ps_key);
	free(ps);
}

static struct hostd_pc *
hostd_mo_propertycollector_new(struct hostd_pc_slot *ps, const char *id)
{
	struct hostd_pc	*pc, **pp;

	pc = xcalloc(1, sizeof *pc);
	pc->pc_id = xstrdup(id);
	pc->pc_slot = ps;
	for (pp = &ps->ps_pcs; *pp != NULL; pp = &(*pp)->pc_next)
		;
	*pp = pc;
	ps->ps_npcs++;
	return (pc);
}

static void
hostd_mo_propertycollector_filter_free(struct hostd_pc_filter *pf)
{
	hostd_val_free(pf->pf_spec);
	hostd_propfilter_result_clear(&pf->pf_snap);
	free(pf->pf_id);
	free(pf);
}

static void
hostd_mo_propertycollector_cursor_free(struct hostd_pc_cursor *c)
{
	hostd_val_free(c->pcc_objs);
	free(c);
}

/* Unregister the object id owned by the slot's session, if any. */
static void
hostd_mo_propertycollector_unregister(struct hostd_pc_slot *ps,
    const char *id)
{
	struct hostd_mo	*mo;

	for (mo = hostd_inventory_next(ps->ps_inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(ps->ps_inv, mo)) {
		if (mo->mo_owner != NULL && strcmp(mo->mo_owner,
		    ps->ps_key) == 0 && strcmp(mo->mo_id, id) == 0) {
			hostd_inventory_unregister(ps->ps_inv, mo);
			return;
		}
	}
}

static void
hostd_mo_propertycollector_destroy(struct hostd_pc *pc)
{
	struct hostd_pc_slot	*ps = pc->pc_slot;
	struct hostd_pc_filter	*pf;
	struct hostd_pc_cursor	*c;
	struct hostd_pc		**pp;

	if (pc->pc_wait != NULL)
		hostd_mo_propertycollector_wait_done(pc, NULL,
		    hostd_fault_create("RequestCanceled", NULL));
	for (pp = &ps->ps_pcs; *pp != NULL; pp = &(*pp)->pc_next) {
		if (*pp == pc) {
			*pp = pc->pc_next;
			ps->ps_npcs--;
			break;
		}
	}
	while ((pf = pc->pc_filters) != NULL) {
		pc->pc_filters = pf->pf_next;
		hostd_mo_propertycollector_unregister(ps, pf->pf_id);
		hostd_mo_propertycollector_filter_free(pf);
	}
	while ((c = pc->pc_cursors) != NULL) {
		pc->pc_cursors = c->pcc_next;
		hostd_mo_propertycollector_cursor_free(c);
	}
	if (strcmp(pc->pc_id, HOSTD_MO_PC) != 0)
		hostd_mo_propertycollector_unregister(ps, pc->pc_id);
	free(pc->pc_id);
	free(pc);
}

/* The collector _this names for the caller's session, or NULL (fault). */
static struct hostd_pc *
hostd_mo_propertycollector_get(struct hostd_soap_req *req)
{
	struct hostd_pc_slot	*ps;
	struct hostd_pc		*pc;

	if (req->r_session != NULL) {
		hostd_mo_propertycollector_slot(req->r_soap, req->r_session);
		ps = req->r_session->s_slot;
		for (pc = ps->ps_pcs; pc != NULL; pc = pc->pc_next) {
			if (strcmp(pc->pc_id, req->r_this_id) == 0)
				return (pc);
		}
	}
	req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
	    req->r_this_id);
	return (NULL);
}

/* ---- retrieval ------------------------------------------------------- */

/*
 * Evaluate every spec of specSet; *objs is a new ObjectContent array.
 * 0, or -1 with r_fault set.
 */
static int
hostd_mo_propertycollector_collect(struct hostd_soap_req *req,
    struct hostd_val **objs)
{
	struct hostd_inventory		*inv;
	struct hostd_propfilter_result	 res;
	struct hostd_val		*spec;
	struct hostd_val_buf		*b;
	size_t				 i, n;

	inv = hostd_soap_inventory(req->r_soap);
	*objs = NULL;
	if (req->r_session == NULL &&
	    strcmp(req->r_this_id, HOSTD_MO_PC) != 0) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (-1);
	}
	if (req->r_session != NULL &&
	    hostd_mo_propertycollector_get(req) == NULL)
		return (-1);
	n = hostd_val_field_count(req->r_params, "specSet");
	if (n == 0) {
		req->r_fault = hostd_fault_invalid_argument("specSet");
		return (-1);
	}
	memset(&res, 0, sizeof res);
	for (i = 0; i < n; i++) {
		spec = hostd_propfilter_normalize(hostd_val_field_nth(
		    req->r_params, "specSet", i), &req->r_fault);
		if (spec == NULL ||
		    hostd_propfilter_eval(inv, req->r_soap, req->r_session,
		    spec, 0, 0, &res, &req->r_fault) != 0) {
			hostd_val_free(spec);
			hostd_propfilter_result_clear(&res);
			return (-1);
		}
		hostd_val_free(spec);
	}
	*objs = hostd_val_array("ObjectContent");
	b = hostd_val_buf_new();
	for (i = 0; i < res.pr_nobjs; i++)
		hostd_val_push(*objs,
		    hostd_propfilter_content(&res.pr_objs[i], b));
	hostd_val_buf_free(b);
	hostd_propfilter_result_clear(&res);
	return (0);
}

static int
hostd_mo_propertycollector_retrieve(struct hostd_soap_req *req)
{
	struct hostd_val	*objs;

	if (hostd_mo_propertycollector_collect(req, &objs) == 0)
		req->r_result = objs;
	return (0);
}

/* The next page of cursor c as a RetrieveResult (token while more). */
static struct hostd_val *
hostd_mo_propertycollector_page(struct hostd_pc *pc, struct hostd_pc_cursor *c)
{
	struct hostd_val	*rr;
	char			 tok[32];
	size_t			 i, end;

	(void)pc;
	rr = hostd_val_object("RetrieveResult");
	end = c->pcc_pos + c->pcc_max;
	if (end < c->pcc_objs->v_nitems) {
		snprintf(tok, sizeof tok, "%" PRIu64, c->pcc_token);
		hostd_val_add_str(rr, "token", tok);
	} else
		end = c->pcc_objs->v_nitems;
	for (i = c->pcc_pos; i < end; i++) {
		hostd_val_add(rr, "objects", c->pcc_objs->v_items[i]);
		c->pcc_objs->v_items[i] = NULL;
	}
	c->pcc_pos = end;
	return (rr);
}

static int
hostd_mo_propertycollector_retrieve_ex(struct hostd_soap_req *req)
{
	struct hostd_pc_cursor	*c, **cp;
	struct hostd_pc		*pc = NULL;
	struct hostd_val	*objs;
	const struct hostd_val	*opt;
	int64_t			 max = 0;
	size_t			 n;

	opt = hostd_val_field(hostd_val_field(req->r_params, "options"),
	    "maxObjects");
	if (opt != NULL && hostd_val_get_int(opt, INT32_MIN, INT32_MAX,
	    &max) != 0) {
		req->r_fault = hostd_fault_invalid_argument(
		    "options.maxObjects");
		return (0);
	}
	if (hostd_mo_propertycollector_collect(req, &objs) != 0)
		return (0);
	if (objs->v_nitems == 0) {
		hostd_val_free(objs);	/* nothing: no returnval */
		return (0);
	}
	if (req->r_session != NULL)
		pc = hostd_mo_propertycollector_get(req);
	/* Without a session there is nowhere to keep a cursor. */
	if (pc == NULL || max <= 0 || (size_t)max >= objs->v_nitems) {
		c = xcalloc(1, sizeof *c);
		c->pcc_objs = objs;
		c->pcc_max = objs->v_nitems;
		req->r_result = hostd_mo_propertycollector_page(NULL, c);
		hostd_mo_propertycollector_cursor_free(c);
		return (0);
	}
	c = xcalloc(1, sizeof *c);
	c->pcc_token = ++pc->pc_ntoken;
	c->pcc_objs = objs;
	c->pcc_max = (size_t)max;
	req->r_result = hostd_mo_propertycollector_page(pc, c);
	c->pcc_next = pc->pc_cursors;
	pc->pc_cursors = c;
	/* Keep the newest few cursors. */
	for (n = 0, cp = &pc->pc_cursors; *cp != NULL; n++) {
		if (n >= HOSTD_PC_MAX_CURSORS) {
			c = *cp;
			*cp = c->pcc_next;
			hostd_mo_propertycollector_cursor_free(c);
		} else
			cp = &(*cp)->pcc_next;
	}
	return (0);
}

/* The cursor named by the token parameter, unlinked; NULL: fault. */
static struct hostd_pc_cursor *
hostd_mo_propertycollector_token(struct hostd_soap_req *req,
    struct hostd_pc *pc)
{
	struct hostd_pc_cursor	*c, **cp;
	int64_t			 tok;

	if (hostd_val_get_int(hostd_val_field(req->r_params, "token"), 1,
	    INT64_MAX, &tok) == 0) {
		for (cp = &pc->pc_cursors; (c = *cp) != NULL;
		    cp = &c->pcc_next) {
			if (c->pcc_token == (uint64_t)tok) {
				*cp = c->pcc_next;
				c->pcc_next = NULL;
				return (c);
			}
		}
	}
	req->r_fault = hostd_fault_invalid_argument("token");
	return (NULL);
}

static int
hostd_mo_propertycollector_continue(struct hostd_soap_req *req)
{
	struct hostd_pc		*pc;
	struct hostd_pc_cursor	*c;

	if ((pc = hostd_mo_propertycollector_get(req)) == NULL ||
	    (c = hostd_mo_propertycollector_token(req, pc)) == NULL)
		return (0);
	req->r_result = hostd_mo_propertycollector_page(pc, c);
	if (c->pcc_pos < c->pcc_objs->v_nitems) {
		c->pcc_next = pc->pc_cursors;
		pc->pc_cursors = c;
	} else
		hostd_mo_propertycollector_cursor_free(c);
	return (0);
}

static int
hostd_mo_propertycollector_cancel(struct hostd_soap_req *req)
{
	struct hostd_pc		*pc;
	struct hostd_pc_cursor	*c;

	if ((pc = hostd_mo_propertycollector_get(req)) == NULL ||
	    (c = hostd_mo_propertycollector_token(req, pc)) == NULL)
		return (0);
	hostd_mo_propertycollector_cursor_free(c);
	return (0);
}

/* ---- filters and updates --------------------------------------------- */

static int
hostd_mo_propertycollector_create_filter(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_propfilter_result	 res;
	struct hostd_pc_filter		*pf, **pp;
	struct hostd_pc			*pc;
	struct hostd_val		*spec;
	int				 partial = 0;

	inv = hostd_soap_inventory(req->r_soap);
	if ((pc = hostd_mo_propertycollector_get(req)) == NULL)
		return (0);
	if (hostd_val_get_bool(hostd_val_field(req->r_params,
	    "partialUpdates"), &partial) != 0) {
		req->r_fault = hostd_fault_invalid_argument("partialUpdates");
		return (0);
	}
	if (pc->pc_nfilters >= HOSTD_PC_MAX_FILTERS) {
		req->r_fault = hostd_fault_invalid_argument("spec");
		return (0);
	}
	spec = hostd_propfilter_normalize(hostd_val_field(req->r_params,
	    "spec"), &req->r_fault);
	if (spec == NULL)
		return (0);
	/* Check it once now, as ESX does: unknown objects fail here. */
	memset(&res, 0, sizeof res);
	if (hostd_propfilter_eval(inv, req->r_soap, req->r_session, spec, 0,
	    0, &res, &req->r_fault) != 0) {
		hostd_val_free(spec);
		hostd_propfilter_result_clear(&res);
		return (0);
	}
	hostd_propfilter_result_clear(&res);
	pf = xcalloc(1, sizeof *pf);
	pf->pf_id = hostd_mo_viewmanager_newid(req->r_session);
	pf->pf_spec = spec;
	pf->pf_partial = partial;
	pf->pf_pc = pc;
	if (hostd_inventory_register(inv, "PropertyFilter", pf->pf_id, NULL,
	    req->r_session->s_key, pf, NULL) == NULL) {
		hostd_mo_propertycollector_filter_free(pf);
		req->r_fault = hostd_fault_system_error("duplicate filter id");
		return (0);
	}
	for (pp = &pc->pc_filters; *pp != NULL; pp = &(*pp)->pf_next)
		;
	*pp = pf;
	pc->pc_nfilters++;
	req->r_result = hostd_val_moref("PropertyFilter", pf->pf_id);
	/* A pending wait reports the new filter's objects. */
	if (pc->pc_wait != NULL)
		hostd_mo_propertycollector_wake(pc);
	return (0);
}

void
hostd_mo_propertycollector_filter_destroy(struct hostd_mo *mo)
{
	struct hostd_pc_filter	*pf = mo->mo_data, **pp;
	struct hostd_pc		*pc = pf->pf_pc;
	struct hostd_pc_slot	*ps = pc->pc_slot;

	for (pp = &pc->pc_filters; *pp != NULL; pp = &(*pp)->pf_next) {
		if (*pp == pf) {
			*pp = pf->pf_next;
			pc->pc_nfilters--;
			break;
		}
	}
	hostd_inventory_unregister(ps->ps_inv, mo);
	hostd_mo_propertycollector_filter_free(pf);
}

struct hostd_val *
hostd_mo_propertycollector_filter_prop(struct hostd_mo *mo, int spec)
{
	struct hostd_pc_filter	*pf = mo->mo_data;

	if (pf == NULL)
		return (NULL);
	return (spec ? hostd_val_copy(pf->pf_spec) :
	    hostd_val_bool(pf->pf_partial));
}

static const struct hostd_propfilter_obj *
hostd_mo_propertycollector_find_obj(const struct hostd_propfilter_result *r,
    const struct hostd_propfilter_obj *o)
{
	size_t	i;

	for (i = 0; i < r->pr_nobjs; i++) {
		if (strcmp(r->pr_objs[i].po_id, o->po_id) == 0 &&
		    strcmp(r->pr_objs[i].po_type, o->po_type) == 0)
			return (&r->pr_objs[i]);
	}
	return (NULL);
}

static struct hostd_val *
hostd_mo_propertycollector_change(const char *name, const struct hostd_val *v)
{
	struct hostd_val	*pc;

	pc = hostd_val_object("PropertyChange");
	hostd_val_add_str(pc, "name", name);
	hostd_val_add(pc, "op", hostd_val_enum("PropertyChangeOp", "assign"));
	if (v != NULL)
		hostd_val_add_decl(pc, "val", HOSTD_VAL_ANYTYPE,
		    hostd_val_copy(v));
	return (pc);
}

/*
 * The PropertyFilterUpdate between pf's snapshot and res, or NULL when
 * nothing changed; res becomes the snapshot (values dropped).
 */
static struct hostd_val *
hostd_mo_propertycollector_diff(struct hostd_pc_filter *pf,
    struct hostd_propfilter_result *res)
{
	const struct hostd_propfilter_obj	*old;
	struct hostd_propfilter_obj		*o;
	struct hostd_val			*fu, *ou;
	size_t					 i, j, k;
	int					 n = 0, found;

	fu = hostd_val_object("PropertyFilterUpdate");
	hostd_val_add_moref(fu, "filter", "PropertyFilter", pf->pf_id);
	for (i = 0; i < res->pr_nobjs; i++) {
		o = &res->pr_objs[i];
		old = pf->pf_reported ? hostd_mo_propertycollector_find_obj(
		    &pf->pf_snap, o) : NULL;
		ou = hostd_val_object("ObjectUpdate");
		hostd_val_add(ou, "kind", hostd_val_enum("ObjectUpdateKind",
		    old == NULL ? "enter" : "modify"));
		hostd_val_add_moref(ou, "obj", o->po_type, o->po_id);
		k = 0;
		for (j = 0; j < o->po_nprops; j++) {
			found = 0;
			if (old != NULL) {
				for (k = 0; k < old->po_nprops; k++) {
					if (strcmp(old->po_props[k].pp_name,
					    o->po_props[j].pp_name) == 0)
						break;
				}
				found = k < old->po_nprops && strcmp(
				    old->po_props[k].pp_ser,
				    o->po_props[j].pp_ser) == 0;
			}
			if (!found)
				hostd_val_add(ou, "changeSet",
				    hostd_mo_propertycollector_change(
				    o->po_props[j].pp_name,
				    o->po_props[j].pp_val));
		}
		/* Properties that became unset: assign with no value. */
		for (k = 0; old != NULL && k < old->po_nprops; k++) {
			for (j = 0; j < o->po_nprops; j++) {
				if (strcmp(old->po_props[k].pp_name,
				    o->po_props[j].pp_name) == 0)
					break;
			}
			if (j == o->po_nprops)
				hostd_val_add(ou, "changeSet",
				    hostd_mo_propertycollector_change(
				    old->po_props[k].pp_name, NULL));
		}
		if (old == NULL || hostd_val_field(ou, "changeSet") != NULL) {
			hostd_val_add(fu, "objectSet", ou);
			n++;
		} else
			hostd_val_free(ou);
	}
	for (i = 0; pf->pf_reported && i < pf->pf_snap.pr_nobjs; i++) {
		o = &pf->pf_snap.pr_objs[i];
		if (hostd_mo_propertycollector_find_obj(res, o) != NULL)
			continue;
		ou = hostd_val_object("ObjectUpdate");
		hostd_val_add(ou, "kind", hostd_val_enum("ObjectUpdateKind",
		    "leave"));
		hostd_val_add_moref(ou, "obj", o->po_type, o->po_id);
		hostd_val_add(fu, "objectSet", ou);
		n++;
	}
	/* The new snapshot keeps names and serialized values only. */
	for (i = 0; i < res->pr_nobjs; i++) {
		o = &res->pr_objs[i];
		for (j = 0; j < o->po_nprops; j++) {
			hostd_val_free(o->po_props[j].pp_val);
			o->po_props[j].pp_val = NULL;
		}
	}
	hostd_propfilter_result_clear(&pf->pf_snap);
	pf->pf_snap = *res;
	memset(res, 0, sizeof *res);
	pf->pf_reported = 1;
	if (n == 0) {
		hostd_val_free(fu);
		return (NULL);
	}
	return (fu);
}

/*
 * An UpdateSet with what changed on pc's filters since their snapshots
 * (full: since nothing), or NULL when nothing changed and !full.  The
 * version advances only when an UpdateSet is returned.
 */
static struct hostd_val *
hostd_mo_propertycollector_updates(struct hostd_pc *pc,
    struct hostd_session *s, int full)
{
	struct hostd_propfilter_result	 res;
	struct hostd_pc_filter		*pf;
	struct hostd_fault		*f;
	struct hostd_val		*us, *fu;
	char				 ver[32];
	int				 any = 0;

	us = hostd_val_object("UpdateSet");
	for (pf = pc->pc_filters; pf != NULL; pf = pf->pf_next) {
		if (full) {
			hostd_propfilter_result_clear(&pf->pf_snap);
			pf->pf_reported = 0;
		}
		memset(&res, 0, sizeof res);
		if (hostd_propfilter_eval(pc->pc_slot->ps_inv,
		    pc->pc_slot->ps_soap, s, pf->pf_spec, 1, 1, &res,
		    &f) != 0) {
			/* Only limits can fail here: report nothing. */
			hostd_fault_free(f);
			hostd_propfilter_result_clear(&res);
		}
		if ((fu = hostd_mo_propertycollector_diff(pf, &res)) != NULL) {
			if (!any) {
				snprintf(ver, sizeof ver, "%" PRIu64,
				    pc->pc_version + 1);
				hostd_val_add_str(us, "version", ver);
			}
			hostd_val_add(us, "filterSet", fu);
			any = 1;
		}
		hostd_propfilter_result_clear(&res);
	}
	if (!any && !full) {
		hostd_val_free(us);
		return (NULL);
	}
	pc->pc_version++;
	if (!any) {
		snprintf(ver, sizeof ver, "%" PRIu64, pc->pc_version);
		hostd_val_add_str(us, "version", ver);
	}
	return (us);
}

static void
hostd_mo_propertycollector_wait_done(struct hostd_pc *pc,
    struct hostd_val *result, struct hostd_fault *fault)
{
	struct hostd_soap_req	*req = pc->pc_wait;

	pc->pc_wait = NULL;
	if (pc->pc_timer != NULL) {
		event_free(pc->pc_timer);
		pc->pc_timer = NULL;
	}
	if (pc->pc_poll != NULL) {
		event_free(pc->pc_poll);
		pc->pc_poll = NULL;
	}
	hostd_inventory_unwatch(pc->pc_slot->ps_inv,
	    hostd_mo_propertycollector_wake, pc);
	req->r_result = result;
	req->r_fault = fault;
	req->r_session = NULL;
	hostd_soap_req_finish(req);
}

/* The inventory changed (or a filter was added): answer if anything did. */
static void
hostd_mo_propertycollector_wake(void *arg)
{
	struct hostd_pc		*pc = arg;
	struct hostd_val	*us;

	if (pc->pc_wait == NULL)
		return;
	us = hostd_mo_propertycollector_updates(pc, pc->pc_wait->r_session,
	    0);
	if (us != NULL)
		hostd_mo_propertycollector_wait_done(pc, us, NULL);
}

static void
hostd_mo_propertycollector_timer_cb(evutil_socket_t fd, short events,
    void *arg)
{
	struct hostd_pc	*pc = arg;

	(void)fd;
	(void)events;
	/* maxWaitSeconds elapsed with no change: null (§3.6). */
	hostd_mo_propertycollector_wait_done(pc, NULL, NULL);
}

static void
hostd_mo_propertycollector_poll_cb(evutil_socket_t fd, short events,
    void *arg)
{
	struct hostd_pc	*pc = arg;

	(void)fd;
	(void)events;
	if (pc->pc_wait != NULL && hostd_call_is_gone(pc->pc_wait->r_call)) {
		log_debug("propertycollector: waiting client went away");
		hostd_mo_propertycollector_wait_done(pc, NULL,
		    hostd_fault_create("RequestCanceled", NULL));
	}
}

static int
hostd_mo_propertycollector_wait(struct hostd_soap_req *req, int mode)
{
	struct event_base	*base;
	struct hostd_pc		*pc;
	struct hostd_val	*us;
	const struct hostd_val	*mw;
	const char		*version;
	struct timeval		 tv;
	int64_t			 maxwait = -1, ver = 0;
	char			*end;
	int			 full;

	if ((pc = hostd_mo_propertycollector_get(req)) == NULL)
		return (0);
	version = hostd_val_str(hostd_val_field(req->r_params, "version"));
	full = version == NULL || *version == '\0';
	if (!full) {
		errno = 0;
		ver = strtoll(version, &end, 10);
		if (errno != 0 || *end != '\0' || ver < 0 ||
		    (uint64_t)ver > pc->pc_version) {
			req->r_fault = hostd_fault_invalid_argument("version");
			return (0);
		}
	}
	if (mode == HOSTD_PC_WAIT_CHECK)
		maxwait = 0;
	mw = hostd_val_field(hostd_val_field(req->r_params, "options"),
	    "maxWaitSeconds");
	if (mode == HOSTD_PC_WAIT_EX && mw != NULL &&
	    hostd_val_get_int(mw, 0, INT32_MAX, &maxwait) != 0) {
		req->r_fault = hostd_fault_invalid_argument(
		    "options.maxWaitSeconds");
		return (0);
	}
	us = hostd_mo_propertycollector_updates(pc, req->r_session, full);
	if (us != NULL || maxwait == 0) {
		req->r_result = us;
		return (0);
	}
	base = hostd_inventory_base(pc->pc_slot->ps_inv);
	if (!hostd_soap_req_can_defer(req) || base == NULL) {
		if (mode == HOSTD_PC_WAIT_LEGACY)
			req->r_fault = hostd_fault_create("NotSupported",
			    NULL);
		return (0);
	}
	/* One wait per collector: a new one replaces the old. */
	if (pc->pc_wait != NULL)
		hostd_mo_propertycollector_wait_done(pc, NULL,
		    hostd_fault_create("RequestCanceled", NULL));
	pc->pc_wait = req;
	if (maxwait > 0) {
		pc->pc_timer = evtimer_new(base,
		    hostd_mo_propertycollector_timer_cb, pc);
		tv.tv_sec = (time_t)maxwait;
		tv.tv_usec = 0;
		if (pc->pc_timer == NULL || evtimer_add(pc->pc_timer, &tv) != 0)
			fatalx("propertycollector: timer");
	}
	pc->pc_poll = event_new(base, -1, EV_PERSIST,
	    hostd_mo_propertycollector_poll_cb, pc);
	tv.tv_sec = HOSTD_PC_POLL;
	tv.tv_usec = 0;
	if (pc->pc_poll == NULL || event_add(pc->pc_poll, &tv) != 0)
		fatalx("propertycollector: poll timer");
	hostd_inventory_watch(pc->pc_slot->ps_inv,
	    hostd_mo_propertycollector_wake, pc);
	return (1);
}

static int
hostd_mo_propertycollector_wfu(struct hostd_soap_req *req)
{
	return (hostd_mo_propertycollector_wait(req, HOSTD_PC_WAIT_LEGACY));
}

static int
hostd_mo_propertycollector_wfu_ex(struct hostd_soap_req *req)
{
	return (hostd_mo_propertycollector_wait(req, HOSTD_PC_WAIT_EX));
}

static int
hostd_mo_propertycollector_check(struct hostd_soap_req *req)
{
	return (hostd_mo_propertycollector_wait(req, HOSTD_PC_WAIT_CHECK));
}

static int
hostd_mo_propertycollector_cancel_wait(struct hostd_soap_req *req)
{
	struct hostd_pc	*pc;

	if ((pc = hostd_mo_propertycollector_get(req)) == NULL)
		return (0);
	if (pc->pc_wait != NULL)
		hostd_mo_propertycollector_wait_done(pc, NULL,
		    hostd_fault_create("RequestCanceled", NULL));
	return (0);
}

/* ---- collectors ------------------------------------------------------ */

static int
hostd_mo_propertycollector_create_pc(struct hostd_soap_req *req)
{
	struct hostd_pc_slot	*ps;
	struct hostd_pc		*pc;
	char			*id;

	if (hostd_mo_propertycollector_get(req) == NULL)
		return (0);
	ps = req->r_session->s_slot;
	if (ps->ps_npcs >= HOSTD_PC_MAX_COLLECTORS) {
		/* Not _this's fault: say what ran out. */
		req->r_fault = hostd_fault_system_error("too many property "
		    "collectors in this session (limit "
		    HOSTD_PC_MAX_COLLECTORS_STR ")");
		return (0);
	}
	id = hostd_mo_viewmanager_newid(req->r_session);
	if (hostd_inventory_register(ps->ps_inv, "PropertyCollector", id,
	    NULL, ps->ps_key, NULL, NULL) == NULL) {
		free(id);
		req->r_fault = hostd_fault_system_error("duplicate id");
		return (0);
	}
	pc = hostd_mo_propertycollector_new(ps, id);
	req->r_result = hostd_val_moref("PropertyCollector", pc->pc_id);
	free(id);
	return (0);
}

static int
hostd_mo_propertycollector_destroy_pc(struct hostd_soap_req *req)
{
	struct hostd_pc	*pc;

	if ((pc = hostd_mo_propertycollector_get(req)) == NULL)
		return (0);
	if (strcmp(pc->pc_id, HOSTD_MO_PC) == 0) {
		/* The session's default collector stays. */
		req->r_fault = hostd_fault_create("NotSupported", NULL);
		return (0);
	}
	hostd_mo_propertycollector_destroy(pc);
	return (0);
}

static struct hostd_val *
hostd_mo_propertycollector_filters(const struct hostd_inventory_ctx *c)
{
	struct hostd_pc_slot	*ps;
	struct hostd_pc		*pc;
	struct hostd_pc_filter	*pf;
	struct hostd_val	*arr;

	arr = hostd_val_array("ManagedObjectReference");
	if (c->ic_session == NULL || c->ic_session->s_slot == NULL ||
	    c->ic_session->s_slot_free != hostd_mo_propertycollector_slot_free)
		return (arr);
	ps = c->ic_session->s_slot;
	for (pc = ps->ps_pcs; pc != NULL; pc = pc->pc_next) {
		if (strcmp(pc->pc_id, c->ic_mo->mo_id) != 0)
			continue;
		for (pf = pc->pc_filters; pf != NULL; pf = pf->pf_next)
			hostd_val_push(arr, hostd_val_moref("PropertyFilter",
			    pf->pf_id));
	}
	return (arr);
}
