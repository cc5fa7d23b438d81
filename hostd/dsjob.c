/* SPDX-License-Identifier: ISC */
/*
 * Long datastore work as a task (copies of files and disks): the work is
 * cut into steps, each a bounded amount of I/O, run one per event-loop
 * turn so that hostd keeps answering while a multi-GB copy goes on, and
 * each step reports its progress into TaskInfo.progress (published when
 * it moves by HOSTD_DSJOB_STEP percent or more, as clients poll it with a
 * round trip per change).  Without an event base (unit tests) the steps
 * run at once.
 *
 * Invariant: the job owns arg until its free function runs, exactly
 * once, after the last step; the task is finished before that.
 */

#include "config.h"

#include <sys/time.h>

#include <stdlib.h>

#include <event2/event.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_DSJOB_STEP	5	/* percent between published changes */

struct hostd_dsjob {
	struct hostd_inventory	*dj_inv;
	char			*dj_task;
	int			(*dj_step)(void *, int *,
				    struct hostd_fault **,
				    struct hostd_val **);
	void			(*dj_free)(void *);
	void			*dj_arg;
	int			 dj_shown;
};

static void	hostd_dsjob_cb(evutil_socket_t, short, void *);
static int	hostd_dsjob_run(struct hostd_dsjob *);
static void	hostd_dsjob_end(struct hostd_dsjob *);

void
hostd_dsjob_start(struct hostd_inventory *inv, const char *task,
    int (*step)(void *, int *, struct hostd_fault **, struct hostd_val **),
    void (*freefn)(void *), void *arg)
{
	struct hostd_dsjob	*dj;

	dj = xcalloc(1, sizeof *dj);
	dj->dj_inv = inv;
	dj->dj_task = xstrdup(task);
	dj->dj_step = step;
	dj->dj_free = freefn;
	dj->dj_arg = arg;
	hostd_task_start(inv, task);
	if (hostd_inventory_base(inv) == NULL) {
		while (hostd_dsjob_run(dj) == 1)
			;
		return;
	}
	hostd_dsjob_cb(-1, 0, dj);
}

/* One step: 1 when there are more, 0 when the job has ended. */
static int
hostd_dsjob_run(struct hostd_dsjob *dj)
{
	struct hostd_fault	*f = NULL;
	struct hostd_val	*result = NULL;
	int			 pct = dj->dj_shown, rc;

	rc = dj->dj_step(dj->dj_arg, &pct, &f, &result);
	if (rc == 1) {
		if (pct >= dj->dj_shown + HOSTD_DSJOB_STEP && pct < 100) {
			dj->dj_shown = pct;
			hostd_task_progress(dj->dj_inv, dj->dj_task, pct);
		}
		return (1);
	}
	if (rc == 0)
		hostd_task_succeed(dj->dj_inv, dj->dj_task, result);
	else {
		hostd_val_free(result);
		hostd_task_fail(dj->dj_inv, dj->dj_task, f != NULL ? f :
		    hostd_fault_system_error("internal error"));
	}
	hostd_dsjob_end(dj);
	return (0);
}

static void
hostd_dsjob_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_dsjob	*dj = arg;
	struct timeval		 tv = { 0, 0 };

	(void)fd;
	(void)events;
	if (hostd_dsjob_run(dj) == 0)
		return;
	/* Next turn: whatever else is ready runs first. */
	if (event_base_once(hostd_inventory_base(dj->dj_inv), -1, EV_TIMEOUT,
	    hostd_dsjob_cb, dj, &tv) != 0) {
		log_warnx("dsjob: event_base_once failed");
		hostd_task_fail(dj->dj_inv, dj->dj_task,
		    hostd_fault_system_error("cannot schedule the copy"));
		hostd_dsjob_end(dj);
	}
}

static void
hostd_dsjob_end(struct hostd_dsjob *dj)
{
	dj->dj_free(dj->dj_arg);
	free(dj->dj_task);
	free(dj);
}
