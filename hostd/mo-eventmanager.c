/* SPDX-License-Identifier: ISC */
/*
 * EventManager `ha-eventmgr` (vi-api.md §3.8) over the event log of
 * event.c: latestEvent, maxCollector, QueryEvents, and
 * CreateCollectorForEvents with its session-scoped
 * EventHistoryCollector objects (latestPage, filter, ReadNextEvents,
 * ReadPreviousEvents, SetCollectorPageSize, ResetCollector,
 * RewindCollector, DestroyCollector).
 *
 * A collector is a filter and a position between two event keys: events
 * with keys up to ec_pos are "before" it (ReadPreviousEvents reads them,
 * newest first), later ones "after" it (ReadNextEvents, oldest first).
 * Reset puts the position just before the latest page, Rewind before the
 * oldest event.  Callers see only events about objects they may view.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostd.h"
#include "xmalloc.h"

#define HOSTD_MO_EVENTMANAGER_PAGE	10	/* default latestPage size */
#define HOSTD_MO_EVENTMANAGER_MAXREAD	1000	/* per read or query */
#define HOSTD_MO_EVENTMANAGER_MAXCOLL	32	/* collectors per session */

/* A parsed EventFilterSpec. */
struct hostd_mo_eventmanager_filter {
	char		*ef_entity;	/* moid, or NULL: any */
	char		*ef_entity_type;
	int		 ef_recursion;	/* 0 self, 1 children, 2 all */
	int		 ef_has_begin, ef_has_end;
	time_t		 ef_begin, ef_end;
	int		 ef_has_users;
	int		 ef_system;	/* systemUser */
	char		**ef_users;
	int		 ef_has_chain;
	int32_t		 ef_chain;
	char		**ef_types;	/* eventTypeId and type */
	char		**ef_categories;
	int32_t		 ef_max;	/* maxCount, or 0 */
};

/* The data of an EventHistoryCollector. */
struct hostd_mo_eventmanager_coll {
	struct hostd_mo_eventmanager_filter	 ec_f;
	int32_t					 ec_pos;
	int32_t					 ec_page;
};

static int	hostd_mo_eventmanager_query(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_create(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_next(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_prev(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_pagesize(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_rewind(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_reset(struct hostd_soap_req *);
static int	hostd_mo_eventmanager_destroy(struct hostd_soap_req *);
static struct hostd_val *hostd_mo_eventmanager_latest(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_eventmanager_maxcoll(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_eventmanager_page(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_eventmanager_filterprop(
		    const struct hostd_inventory_ctx *);
static int	hostd_mo_eventmanager_parse(const struct hostd_val *,
		    struct hostd_mo_eventmanager_filter *, const char **);
static void	hostd_mo_eventmanager_filter_clear(
		    struct hostd_mo_eventmanager_filter *);
static char	**hostd_mo_eventmanager_strings(const struct hostd_val *,
		    const char *, char **);
static void	hostd_mo_eventmanager_free_list(char **);
static int	hostd_mo_eventmanager_in(char *const *, const char *);
static int	hostd_mo_eventmanager_time(const struct hostd_val *,
		    time_t *);
static int	hostd_mo_eventmanager_match(struct hostd_soap *,
		    struct hostd_session *,
		    const struct hostd_mo_eventmanager_filter *,
		    const struct hostd_event *);
static int	hostd_mo_eventmanager_under(struct hostd_inventory *,
		    const char *, const char *, int);
static void	hostd_mo_eventmanager_coll_free(void *);
static struct hostd_mo	*hostd_mo_eventmanager_coll_mo(
		    struct hostd_soap_req *);
static struct hostd_mo_eventmanager_coll *hostd_mo_eventmanager_coll(
		    struct hostd_soap_req *);
static void	hostd_mo_eventmanager_coll_reset(struct hostd_soap *,
		    struct hostd_session *,
		    struct hostd_mo_eventmanager_coll *);
static int	hostd_mo_eventmanager_count(struct hostd_soap_req *,
		    int32_t *);

static const struct hostd_soap_param hostd_mo_eventmanager_filter_p[] = {
	{ "filter", "EventFilterSpec", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_eventmanager_count_p[] = {
	{ "maxCount", "int", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_eventmanager_none[] = {
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_eventmanager_methods[] = {
	{ "QueryEvents", "EventManager", "System.View", 0,
	  hostd_mo_eventmanager_query, hostd_mo_eventmanager_filter_p },
	{ "CreateCollectorForEvents", "EventManager", "System.View", 0,
	  hostd_mo_eventmanager_create, hostd_mo_eventmanager_filter_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_soap_method hostd_mo_eventcollector_methods[] = {
	{ "ReadNextEvents", "EventHistoryCollector", "System.View", 0,
	  hostd_mo_eventmanager_next, hostd_mo_eventmanager_count_p },
	{ "ReadPreviousEvents", "EventHistoryCollector", "System.View", 0,
	  hostd_mo_eventmanager_prev, hostd_mo_eventmanager_count_p },
	{ "SetCollectorPageSize", "EventHistoryCollector", "System.View", 0,
	  hostd_mo_eventmanager_pagesize, hostd_mo_eventmanager_count_p },
	{ "RewindCollector", "EventHistoryCollector", "System.View", 0,
	  hostd_mo_eventmanager_rewind, hostd_mo_eventmanager_none },
	{ "ResetCollector", "EventHistoryCollector", "System.View", 0,
	  hostd_mo_eventmanager_reset, hostd_mo_eventmanager_none },
	{ "DestroyCollector", "EventHistoryCollector", "System.View", 0,
	  hostd_mo_eventmanager_destroy, hostd_mo_eventmanager_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* description is left out: it is not implemented fully (§3.8). */
const struct hostd_inventory_prop hostd_mo_eventmanager_props[] = {
	{ "latestEvent", hostd_mo_eventmanager_latest, "System.View" },
	{ "maxCollector", hostd_mo_eventmanager_maxcoll, "System.View" },
	{ "description", NULL, "System.View" },
	{ NULL, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_eventcollector_props[] = {
	{ "filter", hostd_mo_eventmanager_filterprop, "System.View" },
	{ "latestPage", hostd_mo_eventmanager_page, "System.View" },
	{ NULL, NULL, NULL }
};

/* ---- filters --------------------------------------------------------- */

static char **
hostd_mo_eventmanager_strings(const struct hostd_val *obj, const char *name,
    char **list)
{
	const char	*s;
	size_t		 i, n, k = 0;

	while (list != NULL && list[k] != NULL)
		k++;
	n = hostd_val_field_count(obj, name);
	if (n > 1024)
		n = 1024;
	list = xreallocarray(list, k + n + 1, sizeof *list);
	for (i = 0; i < n; i++) {
		if ((s = hostd_val_str(hostd_val_field_nth(obj, name,
		    i))) != NULL)
			list[k++] = xstrdup(s);
	}
	list[k] = NULL;
	return (list);
}

static void
hostd_mo_eventmanager_free_list(char **list)
{
	size_t	i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	free(list);
}

static int
hostd_mo_eventmanager_in(char *const *list, const char *s)
{
	size_t	i;

	for (i = 0; list != NULL && list[i] != NULL; i++) {
		if (strcmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

/* A dateTime value or text ("2024-05-01T10:00:00[.frac][Z|+hh:mm]"). */
static int
hostd_mo_eventmanager_time(const struct hostd_val *v, time_t *t)
{
	struct tm	 tm;
	const char	*s, *p;
	int		 n = 0, oh, om;

	if (v == NULL)
		return (-1);
	if (v->v_kind == HOSTD_VAL_DATETIME) {
		*t = (time_t)v->v_int;
		return (0);
	}
	if ((s = hostd_val_str(v)) == NULL)
		return (-1);
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n == 0)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return (-1);
	*t = timegm(&tm);
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '\0' || strcmp(p, "Z") == 0)
		return (0);
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh,
	    &om) == 2 && oh < 24 && om < 60) {
		*t += (*p == '+' ? -1 : 1) * (oh * 3600 + om * 60);
		return (0);
	}
	return (-1);
}

static void
hostd_mo_eventmanager_filter_clear(struct hostd_mo_eventmanager_filter *f)
{
	free(f->ef_entity);
	free(f->ef_entity_type);
	hostd_mo_eventmanager_free_list(f->ef_users);
	hostd_mo_eventmanager_free_list(f->ef_types);
	hostd_mo_eventmanager_free_list(f->ef_categories);
	memset(f, 0, sizeof *f);
}

/* Parse spec (an EventFilterSpec).  0, or -1 with *bad the field. */
static int
hostd_mo_eventmanager_parse(const struct hostd_val *spec,
    struct hostd_mo_eventmanager_filter *f, const char **bad)
{
	const struct hostd_val	*e, *v;
	const char		*rec;
	int64_t			 n;

	memset(f, 0, sizeof *f);
	if ((e = hostd_val_field(spec, "entity")) != NULL) {
		v = hostd_val_field(e, "entity");
		rec = hostd_val_str(hostd_val_field(e, "recursion"));
		if (!hostd_val_is_moref(v, NULL) || rec == NULL) {
			*bad = "filter.entity";
			return (-1);
		}
		if (strcmp(rec, "self") == 0)
			f->ef_recursion = 0;
		else if (strcmp(rec, "children") == 0)
			f->ef_recursion = 1;
		else if (strcmp(rec, "all") == 0)
			f->ef_recursion = 2;
		else {
			*bad = "filter.entity.recursion";
			return (-1);
		}
		f->ef_entity = xstrdup(v->v_str);
		f->ef_entity_type = xstrdup(v->v_type);
	}
	if ((e = hostd_val_field(spec, "time")) != NULL) {
		if ((v = hostd_val_field(e, "beginTime")) != NULL) {
			f->ef_has_begin = 1;
			if (hostd_mo_eventmanager_time(v, &f->ef_begin) != 0)
				goto badtime;
		}
		if ((v = hostd_val_field(e, "endTime")) != NULL) {
			f->ef_has_end = 1;
			if (hostd_mo_eventmanager_time(v, &f->ef_end) != 0)
				goto badtime;
		}
	}
	if ((e = hostd_val_field(spec, "userName")) != NULL) {
		f->ef_has_users = 1;
		if (hostd_val_get_bool(hostd_val_field(e, "systemUser"),
		    &f->ef_system) != 0) {
			*bad = "filter.userName.systemUser";
			goto fail;
		}
		f->ef_users = hostd_mo_eventmanager_strings(e, "userList",
		    NULL);
	}
	if ((v = hostd_val_field(spec, "eventChainId")) != NULL) {
		if (hostd_val_get_int(v, INT32_MIN, INT32_MAX, &n) != 0) {
			*bad = "filter.eventChainId";
			goto fail;
		}
		f->ef_has_chain = 1;
		f->ef_chain = (int32_t)n;
	}
	if ((v = hostd_val_field(spec, "maxCount")) != NULL) {
		if (hostd_val_get_int(v, 1, INT32_MAX, &n) != 0) {
			*bad = "filter.maxCount";
			goto fail;
		}
		f->ef_max = (int32_t)n;
	}
	if (hostd_val_field(spec, "eventTypeId") != NULL ||
	    hostd_val_field(spec, "type") != NULL) {
		f->ef_types = hostd_mo_eventmanager_strings(spec,
		    "eventTypeId", NULL);
		f->ef_types = hostd_mo_eventmanager_strings(spec, "type",
		    f->ef_types);
	}
	if (hostd_val_field(spec, "category") != NULL)
		f->ef_categories = hostd_mo_eventmanager_strings(spec,
		    "category", NULL);
	return (0);
badtime:
	*bad = "filter.time";
fail:
	hostd_mo_eventmanager_filter_clear(f);
	return (-1);
}

/* 1 if id is entity, or (rec) below it in the inventory. */
static int
hostd_mo_eventmanager_under(struct hostd_inventory *inv, const char *id,
    const char *entity, int rec)
{
	struct hostd_mo	*mo;
	size_t		 depth;

	if (strcmp(id, entity) == 0)
		return (1);
	if (rec == 0 || (mo = hostd_inventory_find(inv, NULL, id,
	    NULL)) == NULL)
		return (0);
	for (depth = 0, mo = mo->mo_parent; mo != NULL && depth < 64;
	    mo = mo->mo_parent, depth++) {
		if (strcmp(mo->mo_id, entity) == 0)
			return (rec == 2 || depth == 0);
	}
	return (0);
}

static int
hostd_mo_eventmanager_match(struct hostd_soap *hs, struct hostd_session *s,
    const struct hostd_mo_eventmanager_filter *f,
    const struct hostd_event *ev)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(hs);
	const char		*cat, *ids[4];
	size_t			 i, n = 0;
	int			 hit = 0;

	if (f->ef_has_begin && ev->ev_time.tv_sec < f->ef_begin)
		return (0);
	if (f->ef_has_end && ev->ev_time.tv_sec > f->ef_end)
		return (0);
	if (f->ef_has_users && !((f->ef_system && *ev->ev_user == '\0') ||
	    hostd_mo_eventmanager_in(f->ef_users, ev->ev_user)))
		return (0);
	if (f->ef_has_chain && ev->ev_key != f->ef_chain)
		return (0);
	if (f->ef_types != NULL && !hostd_mo_eventmanager_in(f->ef_types,
	    ev->ev_type))
		return (0);
	if (f->ef_categories != NULL) {
		cat = strcmp(ev->ev_type, "GeneralWarningEvent") == 0 ?
		    "warning" : strcmp(ev->ev_type, "GeneralUserEvent") == 0 ?
		    "user" : "info";
		if (!hostd_mo_eventmanager_in(f->ef_categories, cat))
			return (0);
	}
	if (f->ef_entity != NULL) {
		/* The entities every event names (event.c), and its VM. */
		ids[n++] = HOSTD_MO_DATACENTER;
		ids[n++] = HOSTD_MO_COMPUTE;
		ids[n++] = HOSTD_MO_HOST;
		if (ev->ev_vm != NULL)
			ids[n++] = ev->ev_vm;
		for (i = 0; i < n && !hit; i++)
			hit = hostd_mo_eventmanager_under(inv, ids[i],
			    f->ef_entity, f->ef_recursion);
		if (!hit)
			return (0);
	}
	/* Only events about what the caller may see. */
	return (hostd_authz_allowed(hs, s, ev->ev_vm != NULL ?
	    hostd_inventory_find(inv, "VirtualMachine", ev->ev_vm, NULL) :
	    NULL, "System.View"));
}

/* ---- EventManager ---------------------------------------------------- */

static struct hostd_val *
hostd_mo_eventmanager_latest(const struct hostd_inventory_ctx *c)
{
	const struct hostd_event	*ev;

	if (c->ic_soap == NULL || (ev = hostd_event_prev(
	    hostd_soap_events(c->ic_soap), NULL)) == NULL)
		return (NULL);
	return (hostd_event_to_val(ev));
}

static struct hostd_val *
hostd_mo_eventmanager_maxcoll(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_int(HOSTD_MO_EVENTMANAGER_MAXCOLL));
}

static int
hostd_mo_eventmanager_query(struct hostd_soap_req *req)
{
	struct hostd_mo_eventmanager_filter	 f;
	struct hostd_event_log			*el;
	const struct hostd_event		*ev = NULL;
	const char				*bad;
	int32_t					 max, n = 0;

	if (hostd_mo_eventmanager_parse(hostd_val_field(req->r_params,
	    "filter"), &f, &bad) != 0) {
		req->r_fault = hostd_fault_invalid_argument(bad);
		return (0);
	}
	max = f.ef_max > 0 && f.ef_max < HOSTD_MO_EVENTMANAGER_MAXREAD ?
	    f.ef_max : HOSTD_MO_EVENTMANAGER_MAXREAD;
	el = hostd_soap_events(req->r_soap);
	req->r_result = hostd_val_array("Event");
	while (n < max && (ev = hostd_event_prev(el, ev)) != NULL) {
		if (!hostd_mo_eventmanager_match(req->r_soap, req->r_session,
		    &f, ev))
			continue;
		hostd_val_push(req->r_result, hostd_event_to_val(ev));
		n++;
	}
	hostd_mo_eventmanager_filter_clear(&f);
	return (0);
}

/* ---- EventHistoryCollector ------------------------------------------- */

static void
hostd_mo_eventmanager_coll_free(void *arg)
{
	struct hostd_mo_eventmanager_coll	*ec = arg;

	if (ec == NULL)
		return;
	hostd_mo_eventmanager_filter_clear(&ec->ec_f);
	free(ec);
}

/* Position ec just before its latest page. */
static void
hostd_mo_eventmanager_coll_reset(struct hostd_soap *hs,
    struct hostd_session *s, struct hostd_mo_eventmanager_coll *ec)
{
	struct hostd_event_log		*el = hostd_soap_events(hs);
	const struct hostd_event	*ev = NULL, *last = NULL;
	int32_t				 n = 0;

	while (n < ec->ec_page && (ev = hostd_event_prev(el, ev)) != NULL) {
		if (hostd_mo_eventmanager_match(hs, s, &ec->ec_f, ev)) {
			last = ev;
			n++;
		}
	}
	if (last != NULL)
		ec->ec_pos = last->ev_key - 1;
	else if ((ev = hostd_event_prev(el, NULL)) != NULL)
		ec->ec_pos = ev->ev_key;
	else
		ec->ec_pos = 0;
}

static int
hostd_mo_eventmanager_create(struct hostd_soap_req *req)
{
	struct hostd_inventory			*inv;
	struct hostd_mo_eventmanager_coll	*ec;
	struct hostd_val			*list;
	const struct hostd_val			*spec;
	const char				*bad;
	char					*id;
	size_t					 n;

	inv = hostd_soap_inventory(req->r_soap);
	hostd_mo_propertycollector_slot(req->r_soap, req->r_session);
	list = hostd_inventory_list(inv, "EventHistoryCollector",
	    req->r_session);
	n = list->v_nitems;
	hostd_val_free(list);
	if (n >= HOSTD_MO_EVENTMANAGER_MAXCOLL) {
		req->r_fault = hostd_fault_create("InvalidState", NULL);
		return (0);
	}
	spec = hostd_val_field(req->r_params, "filter");
	ec = xcalloc(1, sizeof *ec);
	if (hostd_mo_eventmanager_parse(spec, &ec->ec_f, &bad) != 0) {
		free(ec);
		req->r_fault = hostd_fault_invalid_argument(bad);
		return (0);
	}
	ec->ec_page = HOSTD_MO_EVENTMANAGER_PAGE;
	hostd_mo_eventmanager_coll_reset(req->r_soap, req->r_session, ec);
	id = hostd_mo_viewmanager_newid(req->r_session);
	if (hostd_inventory_register(inv, "EventHistoryCollector", id, NULL,
	    req->r_session->s_key, ec, hostd_mo_eventmanager_coll_free) ==
	    NULL) {
		hostd_mo_eventmanager_coll_free(ec);
		req->r_fault = hostd_fault_system_error("cannot register the "
		    "collector");
	} else
		req->r_result = hostd_val_moref("EventHistoryCollector", id);
	free(id);
	return (0);
}

/* The collector object _this names, or NULL with r_fault. */
static struct hostd_mo *
hostd_mo_eventmanager_coll_mo(struct hostd_soap_req *req)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(hostd_soap_inventory(req->r_soap),
	    "EventHistoryCollector", req->r_this_id, req->r_session);
	if (mo == NULL)
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
	return (mo);
}

/* The collector _this names, or NULL with r_fault. */
static struct hostd_mo_eventmanager_coll *
hostd_mo_eventmanager_coll(struct hostd_soap_req *req)
{
	struct hostd_mo	*mo;

	if ((mo = hostd_mo_eventmanager_coll_mo(req)) == NULL)
		return (NULL);
	return (mo->mo_data);
}

static int
hostd_mo_eventmanager_count(struct hostd_soap_req *req, int32_t *count)
{
	int64_t	n;

	if (hostd_val_get_int(hostd_val_field(req->r_params, "maxCount"),
	    0, INT32_MAX, &n) != 0) {
		req->r_fault = hostd_fault_invalid_argument("maxCount");
		return (-1);
	}
	*count = n > HOSTD_MO_EVENTMANAGER_MAXREAD ?
	    HOSTD_MO_EVENTMANAGER_MAXREAD : (int32_t)n;
	return (0);
}

static int
hostd_mo_eventmanager_next(struct hostd_soap_req *req)
{
	struct hostd_mo_eventmanager_coll	*ec;
	struct hostd_event_log			*el;
	const struct hostd_event		*ev = NULL, *found[
						    HOSTD_MO_EVENTMANAGER_MAXREAD];
	int32_t					 max, n = 0, i;

	if ((ec = hostd_mo_eventmanager_coll(req)) == NULL ||
	    hostd_mo_eventmanager_count(req, &max) != 0)
		return (0);
	el = hostd_soap_events(req->r_soap);
	/* The oldest max events after the position: walk down, keep the
	 * last max seen. */
	while ((ev = hostd_event_prev(el, ev)) != NULL &&
	    ev->ev_key > ec->ec_pos) {
		if (max == 0 || !hostd_mo_eventmanager_match(req->r_soap,
		    req->r_session, &ec->ec_f, ev))
			continue;
		if (n == max) {
			memmove(found, found + 1, (size_t)(n - 1) *
			    sizeof *found);
			n--;
		}
		found[n++] = ev;
	}
	req->r_result = hostd_val_array("Event");
	/* found[] is newest first; answer oldest first. */
	for (i = n; i-- > 0;)
		hostd_val_push(req->r_result, hostd_event_to_val(found[i]));
	if (n > 0)
		ec->ec_pos = found[0]->ev_key;
	return (0);
}

static int
hostd_mo_eventmanager_prev(struct hostd_soap_req *req)
{
	struct hostd_mo_eventmanager_coll	*ec;
	struct hostd_event_log			*el;
	const struct hostd_event		*ev = NULL;
	int32_t					 max, n = 0;

	if ((ec = hostd_mo_eventmanager_coll(req)) == NULL ||
	    hostd_mo_eventmanager_count(req, &max) != 0)
		return (0);
	el = hostd_soap_events(req->r_soap);
	req->r_result = hostd_val_array("Event");
	while (n < max && (ev = hostd_event_prev(el, ev)) != NULL) {
		if (ev->ev_key > ec->ec_pos || !hostd_mo_eventmanager_match(
		    req->r_soap, req->r_session, &ec->ec_f, ev))
			continue;
		hostd_val_push(req->r_result, hostd_event_to_val(ev));
		ec->ec_pos = ev->ev_key - 1;
		n++;
	}
	return (0);
}

static int
hostd_mo_eventmanager_pagesize(struct hostd_soap_req *req)
{
	struct hostd_mo_eventmanager_coll	*ec;
	int32_t					 max;

	if ((ec = hostd_mo_eventmanager_coll(req)) == NULL ||
	    hostd_mo_eventmanager_count(req, &max) != 0)
		return (0);
	ec->ec_page = max;
	hostd_inventory_changed(hostd_soap_inventory(req->r_soap), NULL,
	    NULL);
	return (0);
}

static int
hostd_mo_eventmanager_rewind(struct hostd_soap_req *req)
{
	struct hostd_mo_eventmanager_coll	*ec;

	if ((ec = hostd_mo_eventmanager_coll(req)) != NULL)
		ec->ec_pos = 0;
	return (0);
}

static int
hostd_mo_eventmanager_reset(struct hostd_soap_req *req)
{
	struct hostd_mo_eventmanager_coll	*ec;

	if ((ec = hostd_mo_eventmanager_coll(req)) != NULL)
		hostd_mo_eventmanager_coll_reset(req->r_soap, req->r_session,
		    ec);
	return (0);
}

static int
hostd_mo_eventmanager_destroy(struct hostd_soap_req *req)
{
	struct hostd_mo	*mo;

	if ((mo = hostd_mo_eventmanager_coll_mo(req)) != NULL)
		hostd_inventory_unregister(hostd_soap_inventory(req->r_soap),
		    mo);
	return (0);
}

static struct hostd_val *
hostd_mo_eventmanager_page(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_eventmanager_coll	*ec = c->ic_mo->mo_data;
	const struct hostd_event		*ev = NULL;
	struct hostd_val			*arr;
	int32_t					 n = 0;

	arr = hostd_val_array("Event");
	if (c->ic_soap == NULL || ec == NULL)
		return (arr);
	while (n < ec->ec_page && (ev = hostd_event_prev(
	    hostd_soap_events(c->ic_soap), ev)) != NULL) {
		if (!hostd_mo_eventmanager_match(c->ic_soap, c->ic_session,
		    &ec->ec_f, ev))
			continue;
		hostd_val_push(arr, hostd_event_to_val(ev));
		n++;
	}
	return (arr);
}

/* HistoryCollector.filter: the EventFilterSpec, typed, in WSDL order. */
static struct hostd_val *
hostd_mo_eventmanager_filterprop(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_eventmanager_coll	*ec = c->ic_mo->mo_data;
	const struct hostd_mo_eventmanager_filter *f;
	static const char *const		 rec[] = { "self", "children",
						    "all" };
	struct hostd_val			*v, *o, *arr;
	struct timespec				 ts;
	size_t					 i;

	if (ec == NULL)
		return (NULL);
	f = &ec->ec_f;
	v = hostd_val_object("EventFilterSpec");
	if (f->ef_entity != NULL) {
		o = hostd_val_object("EventFilterSpecByEntity");
		hostd_val_add_moref(o, "entity", f->ef_entity_type,
		    f->ef_entity);
		hostd_val_add(o, "recursion", hostd_val_enum(
		    "EventFilterSpecRecursionOption", rec[f->ef_recursion]));
		hostd_val_add(v, "entity", o);
	}
	if (f->ef_has_begin || f->ef_has_end) {
		o = hostd_val_object("EventFilterSpecByTime");
		ts.tv_nsec = 0;
		if (f->ef_has_begin) {
			ts.tv_sec = f->ef_begin;
			hostd_val_add(o, "beginTime", hostd_val_datetime(&ts));
		}
		if (f->ef_has_end) {
			ts.tv_sec = f->ef_end;
			hostd_val_add(o, "endTime", hostd_val_datetime(&ts));
		}
		hostd_val_add(v, "time", o);
	}
	if (f->ef_has_users) {
		o = hostd_val_object("EventFilterSpecByUsername");
		hostd_val_add_bool(o, "systemUser", f->ef_system);
		arr = hostd_val_array("string");
		for (i = 0; f->ef_users != NULL && f->ef_users[i] != NULL; i++)
			hostd_val_push(arr, hostd_val_string(f->ef_users[i]));
		hostd_val_add(o, "userList", arr);
		hostd_val_add(v, "userName", o);
	}
	if (f->ef_has_chain)
		hostd_val_add_int(v, "eventChainId", f->ef_chain);
	if (f->ef_categories != NULL) {
		arr = hostd_val_array("string");
		for (i = 0; f->ef_categories[i] != NULL; i++)
			hostd_val_push(arr,
			    hostd_val_string(f->ef_categories[i]));
		hostd_val_add(v, "category", arr);
	}
	if (f->ef_types != NULL) {
		arr = hostd_val_array("string");
		for (i = 0; f->ef_types[i] != NULL; i++)
			hostd_val_push(arr, hostd_val_string(f->ef_types[i]));
		hostd_val_add(v, "eventTypeId", arr);
	}
	if (f->ef_max > 0)
		hostd_val_add_int(v, "maxCount", f->ef_max);
	return (v);
}
