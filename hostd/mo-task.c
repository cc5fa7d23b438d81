/* SPDX-License-Identifier: ISC */
/*
 * Task (vi-api.md §5.1): the properties of one task, `info` (its whole
 * TaskInfo, from task.c's data) and the ExtensibleManagedObject ones,
 * and CancelTask, which no task of this host allows (cancelable is
 * false): NotSupported while it runs, InvalidState once it has ended,
 * as ESX answers.
 */

#include "config.h"

#include <stdlib.h>

#include "hostd.h"

static struct hostd_val	*hostd_mo_task_info(
			    const struct hostd_inventory_ctx *);
static int		 hostd_mo_task_cancel(struct hostd_soap_req *);

const struct hostd_inventory_prop hostd_mo_task_props[] = {
	{ "info", hostd_mo_task_info, NULL },
	{ NULL, NULL, NULL }
};

const struct hostd_soap_method hostd_mo_task_methods[] = {
	{ "CancelTask", "Task", "Global.CancelTask", 0, hostd_mo_task_cancel,
	  NULL },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

static struct hostd_val *
hostd_mo_task_info(const struct hostd_inventory_ctx *c)
{
	const struct hostd_task	*t = c->ic_mo->mo_data;

	return (t != NULL ? hostd_task_info(t) : NULL);
}

static int
hostd_mo_task_cancel(struct hostd_soap_req *req)
{
	struct hostd_mo		*mo;
	struct hostd_task	*t;

	mo = hostd_inventory_find(hostd_soap_inventory(req->r_soap), "Task",
	    req->r_this_id, NULL);
	if (mo == NULL || (t = mo->mo_data) == NULL) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		return (0);
	}
	if (t->t_state == HOSTD_TASK_SUCCESS || t->t_state == HOSTD_TASK_ERROR)
		req->r_fault = hostd_fault_create("InvalidState", NULL);
	else
		req->r_fault = hostd_fault_create("NotSupported", NULL);
	return (0);
}
