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
 * Eager zeroing (eagerZeroedThick disks of CreateVM_Task, ReconfigVM_Task
 * and the VirtualDiskManager) is such a job: the disk is made with its
 * space reserved (reads as zeros), then the zeros are written here and
 * flushed step by step, so that neither a long write nor a final sync of
 * gigabytes of dirty pages holds the loop; the method's own effects
 * (saving the .vmx, registering) wait for the last step.
 *
 * Invariant: the job owns arg until its free function runs, exactly
 * once, after the last step; the task is finished before that.
 */

#include "config.h"

#include <sys/time.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "disk.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_DSJOB_STEP	5	/* percent between published changes */
/* Zeros written per loop turn, and between two flushes. */
#define HOSTD_DSJOB_ZERO_STEP	(16ULL * 1024 * 1024)
#define HOSTD_DSJOB_ZERO_SYNC	(64ULL * 1024 * 1024)

struct hostd_dsjob {
	struct hostd_inventory	*dj_inv;
	char			*dj_task;
	int			(*dj_step)(void *, int *,
				    struct hostd_fault **,
				    struct hostd_val **);
	void			(*dj_free)(void *);
	void			*dj_arg;
	int			 dj_shown;
	struct event		*dj_ev;		/* the next step, or NULL */
	struct hostd_dsjob	*dj_next;	/* the inventory's jobs */
	struct hostd_dsjob	**dj_prevp;
};

/* An eager zeroing in progress. */
struct hostd_dsjob_zeroing {
	struct hostd_inventory	*dz_inv;
	struct hostd_dsjob_zero	*dz_ranges;
	size_t			 dz_n;
	size_t			 dz_i;		/* range being written */
	uint64_t		 dz_at;		/* bytes of it written */
	uint64_t		 dz_done;	/* bytes of all written */
	uint64_t		 dz_total;
	struct disk		*dz_disk;	/* of range dz_i, or NULL */
	int			(*dz_fin)(void *, struct hostd_fault **,
				    struct hostd_val **);
	void			(*dz_free)(void *);
	void			*dz_arg;
};

static void	hostd_dsjob_cb(evutil_socket_t, short, void *);
static int	hostd_dsjob_run(struct hostd_dsjob *);
static void	hostd_dsjob_end(struct hostd_dsjob *);
static int	hostd_dsjob_zero_step(void *, int *, struct hostd_fault **,
		    struct hostd_val **);
static int	hostd_dsjob_zero_write(struct hostd_dsjob_zeroing *,
		    struct hostd_fault **);
static void	hostd_dsjob_zero_end(void *);

void
hostd_dsjob_start(struct hostd_inventory *inv, const char *task,
    int (*step)(void *, int *, struct hostd_fault **, struct hostd_val **),
    void (*freefn)(void *), void *arg)
{
	struct hostd_dsjob	*dj;

	struct hostd_dsjob	**jobs = hostd_inventory_dsjobs(inv);

	dj = xcalloc(1, sizeof *dj);
	dj->dj_inv = inv;
	dj->dj_task = xstrdup(task);
	dj->dj_step = step;
	dj->dj_free = freefn;
	dj->dj_arg = arg;
	/* Listed, so that a job still running when hostd stops is freed. */
	if ((dj->dj_next = *jobs) != NULL)
		dj->dj_next->dj_prevp = &dj->dj_next;
	*jobs = dj;
	dj->dj_prevp = jobs;
	hostd_task_start(inv, task);
	if (hostd_inventory_base(inv) == NULL) {
		while (hostd_dsjob_run(dj) == 1)
			;
		return;
	}
	dj->dj_ev = evtimer_new(hostd_inventory_base(inv), hostd_dsjob_cb,
	    dj);
	if (dj->dj_ev == NULL)
		fatalx("dsjob: evtimer_new failed");
	hostd_dsjob_cb(-1, 0, dj);
}

void
hostd_dsjob_abort_all(struct hostd_inventory *inv)
{
	struct hostd_dsjob	**jobs = hostd_inventory_dsjobs(inv);

	while (*jobs != NULL) {
		log_info("dsjob: task %s stopped unfinished", (*jobs)->dj_task);
		hostd_dsjob_end(*jobs);
	}
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
	/*
	 * Not { 0, 0 }: libevent makes such an event active at once, and
	 * the pass over the active queue that runs this callback would run
	 * the next step too, and so on to the end of the job, never
	 * polling the sockets.  A timeout goes through the next poll.
	 */
	struct timeval		 tv = { 0, 1 };

	(void)fd;
	(void)events;
	if (hostd_dsjob_run(dj) == 0)
		return;
	/* Next turn: whatever else is ready runs first. */
	if (evtimer_add(dj->dj_ev, &tv) != 0) {
		log_warnx("dsjob: evtimer_add failed");
		hostd_task_fail(dj->dj_inv, dj->dj_task,
		    hostd_fault_system_error("cannot schedule the copy"));
		hostd_dsjob_end(dj);
	}
}

static void
hostd_dsjob_end(struct hostd_dsjob *dj)
{
	if (dj->dj_ev != NULL)
		event_free(dj->dj_ev);
	if (dj->dj_next != NULL)
		dj->dj_next->dj_prevp = dj->dj_prevp;
	*dj->dj_prevp = dj->dj_next;
	dj->dj_free(dj->dj_arg);
	free(dj->dj_task);
	free(dj);
}

void
hostd_dsjob_zero_start(struct hostd_inventory *inv, const char *task,
    struct hostd_dsjob_zero *ranges, size_t n,
    int (*done)(void *, struct hostd_fault **, struct hostd_val **),
    void (*freefn)(void *), void *arg)
{
	struct hostd_dsjob_zeroing	*dz;
	size_t				 i;

	dz = xcalloc(1, sizeof *dz);
	dz->dz_inv = inv;
	dz->dz_ranges = ranges;
	dz->dz_n = n;
	dz->dz_fin = done;
	dz->dz_free = freefn;
	dz->dz_arg = arg;
	for (i = 0; i < n; i++)
		dz->dz_total += ranges[i].dz_len;
	log_info("dsjob: task %s zeroing %llu MB in %zu disk(s)", task,
	    (unsigned long long)(dz->dz_total / (1024 * 1024)), n);
	hostd_dsjob_start(inv, task, hostd_dsjob_zero_step,
	    hostd_dsjob_zero_end, dz);
}

/* The next bounded piece of zeros.  0, or -1 with *f. */
static int
hostd_dsjob_zero_write(struct hostd_dsjob_zeroing *dz, struct hostd_fault **f)
{
	struct hostd_dsjob_zero	*r = &dz->dz_ranges[dz->dz_i];
	uint64_t		 len;
	char			*cause = NULL;
	int			 rc;

	if (dz->dz_disk == NULL &&
	    (dz->dz_disk = disk_open(r->dz_path, 0, &cause)) == NULL)
		goto fail;
	len = r->dz_len - dz->dz_at;
	if (len > HOSTD_DSJOB_ZERO_STEP)
		len = HOSTD_DSJOB_ZERO_STEP;
	if (disk_zero_range(dz->dz_disk, r->dz_off + dz->dz_at, len,
	    &cause) != 0)
		goto fail;
	dz->dz_at += len;
	dz->dz_done += len;
	/*
	 * Synced as it goes: a final sync of gigabytes of dirty pages would
	 * hold the loop as long as the synchronous write did, one per step
	 * costs a journal commit per step.
	 */
	if ((dz->dz_at % HOSTD_DSJOB_ZERO_SYNC == 0 || dz->dz_at ==
	    r->dz_len) && disk_flush(dz->dz_disk) != 0) {
		xasprintf(&cause, "%s: %s", r->dz_path, strerror(errno));
		goto fail;
	}
	if (dz->dz_at == r->dz_len) {
		rc = disk_close(dz->dz_disk);
		dz->dz_disk = NULL;
		if (rc != 0) {
			xasprintf(&cause, "%s: %s", r->dz_path,
			    strerror(errno));
			goto fail;
		}
		dz->dz_i++;
		dz->dz_at = 0;
	}
	return (0);
fail:
	log_warnx("dsjob: zeroing: %s", cause);
	*f = hostd_fault_system_error(cause);
	free(cause);
	return (-1);
}

/* A bounded part of the zeros (see above), then the method's end. */
static int
hostd_dsjob_zero_step(void *arg, int *pct, struct hostd_fault **f,
    struct hostd_val **result)
{
	struct hostd_dsjob_zeroing	*dz = arg;

	while (dz->dz_i < dz->dz_n && dz->dz_ranges[dz->dz_i].dz_len == 0)
		dz->dz_i++;
	if (dz->dz_i < dz->dz_n) {
		if (hostd_dsjob_zero_write(dz, f) == 0) {
			*pct = (int)(dz->dz_done * 100 / dz->dz_total);
			return (1);
		}
	}
	/* Ended, written or not: the method decides what that means. */
	return (dz->dz_fin(dz->dz_arg, f, result));
}

static void
hostd_dsjob_zero_end(void *arg)
{
	struct hostd_dsjob_zeroing	*dz = arg;

	disk_close(dz->dz_disk);
	hostd_dsjob_zero_free(dz->dz_ranges, dz->dz_n);
	dz->dz_free(dz->dz_arg);
	free(dz);
}

void
hostd_dsjob_zero_free(struct hostd_dsjob_zero *ranges, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(ranges[i].dz_path);
	free(ranges);
}
