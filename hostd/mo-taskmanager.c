/* SPDX-License-Identifier: ISC */
/*
 * TaskManager ha-taskmgr (vi-api.md §3.8): recentTask, every Task still
 * registered (task.c removes finished ones after HOSTD_TASK_KEEP
 * seconds), and description (TaskDescription) naming the methods this
 * host runs as tasks, the task states and the reason types, which govc
 * uses to label tasks.  maxCollector is 0: no task history collectors.
 */

#include "config.h"

#include <stdlib.h>

#include "hostd.h"

/* A row of description: key (descriptionId), label, summary. */
struct hostd_mo_taskmanager_desc {
	const char	*td_key;
	const char	*td_label;
	const char	*td_summary;	/* NULL: the label again, as ESX */
};

static struct hostd_val	*hostd_mo_taskmanager_recent(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_taskmanager_description(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_taskmanager_maxcollector(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_taskmanager_elements(const char *,
			    const struct hostd_mo_taskmanager_desc *, size_t);

const struct hostd_inventory_prop hostd_mo_taskmanager_props[] = {
	{ "recentTask", hostd_mo_taskmanager_recent, NULL },
	{ "description", hostd_mo_taskmanager_description, NULL },
	{ "maxCollector", hostd_mo_taskmanager_maxcollector, NULL },
	{ NULL, NULL, NULL }
};

/* ESX's wording. */
static const struct hostd_mo_taskmanager_desc hostd_mo_taskmanager_methods[] = {
	{ "VirtualMachine.powerOn", "Power On VM",
	  "Power On this virtual machine" },
	{ "VirtualMachine.powerOff", "Power Off VM",
	  "Power Off this virtual machine" },
	{ "VirtualMachine.reset", "Reset",
	  "Reset this virtual machine" },
	{ "VirtualMachine.suspend", "Suspend",
	  "Suspend virtual machine" },
};

static const struct hostd_mo_taskmanager_desc hostd_mo_taskmanager_states[] = {
	{ "queued", "Queued", NULL },
	{ "running", "Running", NULL },
	{ "success", "Success", NULL },
	{ "error", "Error", NULL },
};

static const struct hostd_mo_taskmanager_desc hostd_mo_taskmanager_reasons[] = {
	{ "TaskReasonSchedule", "Scheduled task", NULL },
	{ "TaskReasonAlarm", "Alarm task", NULL },
	{ "TaskReasonUser", "User task", NULL },
	{ "TaskReasonSystem", "System task", NULL },
};

static struct hostd_val *
hostd_mo_taskmanager_recent(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Task", NULL));
}

/* An array of type (ElementDescription or TypeDescription), one a row. */
static struct hostd_val *
hostd_mo_taskmanager_elements(const char *type,
    const struct hostd_mo_taskmanager_desc *rows, size_t n)
{
	struct hostd_val	*a, *e;
	size_t			 i;

	a = hostd_val_array(type);
	for (i = 0; i < n; i++) {
		e = hostd_val_object(type);
		hostd_val_add_str(e, "label", rows[i].td_label);
		hostd_val_add_str(e, "summary", rows[i].td_summary != NULL ?
		    rows[i].td_summary : rows[i].td_label);
		hostd_val_add_str(e, "key", rows[i].td_key);
		hostd_val_push(a, e);
	}
	return (a);
}

static struct hostd_val *
hostd_mo_taskmanager_description(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*d;

	(void)c;
	d = hostd_val_object("TaskDescription");
	hostd_val_add(d, "methodInfo", hostd_mo_taskmanager_elements(
	    "ElementDescription", hostd_mo_taskmanager_methods,
	    sizeof hostd_mo_taskmanager_methods /
	    sizeof hostd_mo_taskmanager_methods[0]));
	hostd_val_add(d, "state", hostd_mo_taskmanager_elements(
	    "ElementDescription", hostd_mo_taskmanager_states,
	    sizeof hostd_mo_taskmanager_states /
	    sizeof hostd_mo_taskmanager_states[0]));
	hostd_val_add(d, "reason", hostd_mo_taskmanager_elements(
	    "TypeDescription", hostd_mo_taskmanager_reasons,
	    sizeof hostd_mo_taskmanager_reasons /
	    sizeof hostd_mo_taskmanager_reasons[0]));
	return (d);
}

static struct hostd_val *
hostd_mo_taskmanager_maxcollector(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_int(0));
}
