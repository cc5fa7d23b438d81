/* SPDX-License-Identifier: ISC */
/*
 * Tasks (vi-api.md §5.1): the life of a Task managed object.  A *_Task
 * handler creates one (queued), returns its MoRef at once, starts it and
 * later finishes it with a result or a fault.  Every step changes the
 * whole TaskInfo and is notified under the path "info", so a govmomi
 * filter on `info` and pyVim's filter on all properties both see it.
 *
 * Task moids follow ESX: "haTask-<entity>-vim.<descriptionId>-<n>", n a
 * counter seeded from the clock so that a restarted hostd does not hand
 * out the id a client may still be polling.  The TaskManager ha-taskmgr
 * holds the counter and a timer that removes finished tasks once they are
 * HOSTD_TASK_KEEP seconds old (pyVim tolerates ManagedObjectNotFound
 * afterwards).  Nothing here keeps a struct hostd_mo across loop turns:
 * callers name tasks by id, and an id whose task is gone is ignored.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

/* Seconds between sweeps of finished tasks. */
#define HOSTD_TASK_SWEEP	30

/* The data of ha-taskmgr. */
struct hostd_task_mgr {
	struct hostd_inventory	*tm_inv;	/* borrowed */
	struct event		*tm_sweep;	/* or NULL without a base */
	uint32_t		 tm_next;	/* task counter */
	int32_t			 tm_chain;	/* eventChainId counter */
};

static void	 hostd_task_mgr_free(void *);
static void	 hostd_task_free(void *);
static void	 hostd_task_sweep_cb(evutil_socket_t, short, void *);
static struct hostd_task *hostd_task_find(struct hostd_inventory *,
		    const char *, struct hostd_mo **);
static void	 hostd_task_finish(struct hostd_inventory *, struct hostd_mo *,
		    struct hostd_task *, enum hostd_task_state);
static time_t	 hostd_task_monotonic(void);

static time_t
hostd_task_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

static void
hostd_task_mgr_free(void *arg)
{
	struct hostd_task_mgr	*tm = arg;

	if (tm == NULL)
		return;
	if (tm->tm_sweep != NULL)
		event_free(tm->tm_sweep);
	free(tm);
}

static void
hostd_task_free(void *arg)
{
	struct hostd_task	*t = arg;

	if (t == NULL)
		return;
	free(t->t_id);
	free(t->t_name);
	free(t->t_descid);
	free(t->t_etype);
	free(t->t_eid);
	free(t->t_ename);
	free(t->t_user);
	hostd_val_free(t->t_result);
	hostd_val_free(t->t_error);
	free(t);
}

void
hostd_task_setup(struct hostd_inventory *inv)
{
	struct hostd_task_mgr	*tm;
	struct event_base	*base;
	struct timeval		 tv = { HOSTD_TASK_SWEEP, 0 };

	tm = xcalloc(1, sizeof *tm);
	tm->tm_inv = inv;
	tm->tm_next = (uint32_t)(time(NULL) % 100000) * 1000;
	tm->tm_chain = (int32_t)(time(NULL) % 100000) * 100;
	if ((base = hostd_inventory_base(inv)) != NULL) {
		tm->tm_sweep = event_new(base, -1, EV_PERSIST,
		    hostd_task_sweep_cb, tm);
		if (tm->tm_sweep == NULL || event_add(tm->tm_sweep, &tv) != 0)
			fatalx("task: cannot add the sweep timer");
	}
	if (hostd_inventory_register(inv, "TaskManager", "ha-taskmgr", NULL,
	    NULL, tm, hostd_task_mgr_free) == NULL)
		hostd_task_mgr_free(tm);
}

static void
hostd_task_sweep_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_task_mgr	*tm = arg;

	(void)fd;
	(void)events;
	hostd_task_expire(tm->tm_inv, hostd_task_monotonic());
}

size_t
hostd_task_expire(struct hostd_inventory *inv, time_t now)
{
	struct hostd_mo		*mo, *next;
	struct hostd_task	*t;
	size_t			 n = 0;

	for (mo = hostd_inventory_next(inv, NULL); mo != NULL; mo = next) {
		next = hostd_inventory_next(inv, mo);
		if (strcmp(mo->mo_type, "Task") != 0 ||
		    (t = mo->mo_data) == NULL)
			continue;
		if (t->t_state != HOSTD_TASK_SUCCESS &&
		    t->t_state != HOSTD_TASK_ERROR)
			continue;
		if (now - t->t_done < HOSTD_TASK_KEEP)
			continue;
		log_debug("task: %s expired", mo->mo_id);
		hostd_inventory_unregister(inv, mo);
		n++;
	}
	if (n > 0) {
		mo = hostd_inventory_find(inv, "TaskManager", "ha-taskmgr",
		    NULL);
		hostd_inventory_changed(inv, mo, "recentTask");
	}
	return (n);
}

const char *
hostd_task_create(struct hostd_inventory *inv, const char *method,
    const char *descid, struct hostd_mo *entity, const char *user)
{
	struct hostd_mo		*mgr, *mo;
	struct hostd_task_mgr	*tm;
	struct hostd_task	*t;
	struct hostd_val	*name;
	char			*id;
	int			 invalid;

	mgr = hostd_inventory_find(inv, "TaskManager", "ha-taskmgr", NULL);
	if (mgr == NULL || (tm = mgr->mo_data) == NULL)
		fatalx("task: no task manager");
	t = xcalloc(1, sizeof *t);
	t->t_name = xstrdup(method);
	t->t_descid = xstrdup(descid);
	t->t_user = xstrdup(user != NULL ? user : "root");
	t->t_state = HOSTD_TASK_QUEUED;
	t->t_chain = ++tm->tm_chain;
	clock_gettime(CLOCK_REALTIME, &t->t_queued);
	if (entity != NULL) {
		t->t_etype = xstrdup(entity->mo_type);
		t->t_eid = xstrdup(entity->mo_id);
		name = hostd_inventory_get(inv, NULL, entity, NULL, "name",
		    &invalid);
		t->t_ename = xstrdup(name != NULL && hostd_val_str(name) !=
		    NULL ? hostd_val_str(name) : entity->mo_id);
		hostd_val_free(name);
	}
	/* The counter never repeats an id still registered. */
	for (;;) {
		xasprintf(&id, "haTask-%s-vim.%s-%u", entity != NULL ?
		    entity->mo_id : "", descid, ++tm->tm_next);
		mo = hostd_inventory_register(inv, "Task", id, NULL, NULL, t,
		    hostd_task_free);
		if (mo != NULL)
			break;
		free(id);
	}
	t->t_id = id;
	log_info("task %s: %s queued by %s", id, method, t->t_user);
	hostd_inventory_changed(inv, mgr, "recentTask");
	return (t->t_id);
}

/* The task id and its object, or NULL. */
static struct hostd_task *
hostd_task_find(struct hostd_inventory *inv, const char *id,
    struct hostd_mo **mop)
{
	struct hostd_mo	*mo;

	if (id == NULL ||
	    (mo = hostd_inventory_find(inv, "Task", id, NULL)) == NULL)
		return (NULL);
	*mop = mo;
	return (mo->mo_data);
}

void
hostd_task_start(struct hostd_inventory *inv, const char *id)
{
	struct hostd_mo		*mo;
	struct hostd_task	*t;

	if ((t = hostd_task_find(inv, id, &mo)) == NULL ||
	    t->t_state != HOSTD_TASK_QUEUED)
		return;
	t->t_state = HOSTD_TASK_RUNNING;
	clock_gettime(CLOCK_REALTIME, &t->t_started);
	hostd_inventory_changed(inv, mo, "info");
}

static void
hostd_task_finish(struct hostd_inventory *inv, struct hostd_mo *mo,
    struct hostd_task *t, enum hostd_task_state state)
{
	if (t->t_state == HOSTD_TASK_QUEUED)
		clock_gettime(CLOCK_REALTIME, &t->t_started);
	t->t_state = state;
	clock_gettime(CLOCK_REALTIME, &t->t_completed);
	t->t_done = hostd_task_monotonic();
	hostd_inventory_changed(inv, mo, "info");
}

void
hostd_task_succeed(struct hostd_inventory *inv, const char *id,
    struct hostd_val *result)
{
	struct hostd_mo		*mo;
	struct hostd_task	*t;

	if ((t = hostd_task_find(inv, id, &mo)) == NULL ||
	    t->t_state == HOSTD_TASK_SUCCESS ||
	    t->t_state == HOSTD_TASK_ERROR) {
		hostd_val_free(result);
		return;
	}
	t->t_result = result;
	log_info("task %s: success", t->t_id);
	hostd_task_finish(inv, mo, t, HOSTD_TASK_SUCCESS);
}

void
hostd_task_fail(struct hostd_inventory *inv, const char *id,
    struct hostd_fault *f)
{
	struct hostd_mo		*mo;
	struct hostd_task	*t;

	if ((t = hostd_task_find(inv, id, &mo)) == NULL ||
	    t->t_state == HOSTD_TASK_SUCCESS ||
	    t->t_state == HOSTD_TASK_ERROR) {
		hostd_fault_free(f);
		return;
	}
	t->t_error = hostd_fault_localized(f);
	log_info("task %s: error %s: %s", t->t_id, f->f_obj->v_type,
	    f->f_msg);
	hostd_fault_free(f);
	hostd_task_finish(inv, mo, t, HOSTD_TASK_ERROR);
}

void
hostd_task_progress(struct hostd_inventory *inv, const char *id, int pct)
{
	struct hostd_mo		*mo;
	struct hostd_task	*t;

	if ((t = hostd_task_find(inv, id, &mo)) == NULL ||
	    t->t_state != HOSTD_TASK_RUNNING || pct == t->t_progress)
		return;
	t->t_progress = pct < 0 ? 0 : pct > 100 ? 100 : pct;
	hostd_inventory_changed(inv, mo, "info");
}

static const char *const hostd_task_states[] = {
	"queued", "running", "success", "error"
};

struct hostd_val *
hostd_task_info(const struct hostd_task *t)
{
	struct hostd_val	*v, *reason;

	/* vim25 TaskInfo, WSDL order. */
	v = hostd_val_object("TaskInfo");
	hostd_val_add_str(v, "key", t->t_id);
	hostd_val_add_moref(v, "task", "Task", t->t_id);
	hostd_val_add_str(v, "name", t->t_name);
	hostd_val_add_str(v, "descriptionId", t->t_descid);
	if (t->t_etype != NULL) {
		hostd_val_add_moref(v, "entity", t->t_etype, t->t_eid);
		hostd_val_add_str(v, "entityName", t->t_ename);
	}
	hostd_val_add(v, "state", hostd_val_enum("TaskInfoState",
	    hostd_task_states[t->t_state]));
	hostd_val_add_bool(v, "cancelled", 0);
	hostd_val_add_bool(v, "cancelable", 0);
	if (t->t_state == HOSTD_TASK_ERROR && t->t_error != NULL)
		hostd_val_add(v, "error", hostd_val_copy(t->t_error));
	if (t->t_state == HOSTD_TASK_SUCCESS && t->t_result != NULL)
		hostd_val_add_decl(v, "result", HOSTD_VAL_ANYTYPE,
		    hostd_val_copy(t->t_result));
	if (t->t_state == HOSTD_TASK_RUNNING && t->t_progress > 0)
		hostd_val_add_int(v, "progress", t->t_progress);
	reason = hostd_val_object("TaskReasonUser");
	hostd_val_add_str(reason, "userName", t->t_user);
	hostd_val_add_decl(v, "reason", "TaskReason", reason);
	hostd_val_add(v, "queueTime", hostd_val_datetime(&t->t_queued));
	if (t->t_state != HOSTD_TASK_QUEUED)
		hostd_val_add(v, "startTime",
		    hostd_val_datetime(&t->t_started));
	if (t->t_state == HOSTD_TASK_SUCCESS ||
	    t->t_state == HOSTD_TASK_ERROR)
		hostd_val_add(v, "completeTime",
		    hostd_val_datetime(&t->t_completed));
	hostd_val_add_int(v, "eventChainId", t->t_chain);
	return (v);
}
