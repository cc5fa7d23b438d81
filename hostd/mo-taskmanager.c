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

static struct hostd_val	*hostd_mo_taskmanager_recent(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_taskmanager_description(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_taskmanager_maxcollector(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_taskmanager_element(const char *,
			    const char *, const char *, const char *);

const struct hostd_inventory_prop hostd_mo_taskmanager_props[] = {
	{ "recentTask", hostd_mo_taskmanager_recent, NULL },
	{ "description", hostd_mo_taskmanager_description, NULL },
	{ "maxCollector", hostd_mo_taskmanager_maxcollector, NULL },
	{ NULL, NULL, NULL }
};

/* descriptionId, label, summary (ESX's wording). */
static const char *const hostd_mo_taskmanager_methods[][3] = {
	{ "VirtualMachine.powerOn", "Power On VM",
	  "Power On this virtual machine" },
	{ "VirtualMachine.powerOff", "Power Off VM",
	  "Power Off this virtual machine" },
	{ "VirtualMachine.reset", "Reset",
	  "Reset this virtual machine" },
	{ "VirtualMachine.suspend", "Suspend",
	  "Suspend virtual machine" },
};

static const char *const hostd_mo_taskmanager_states[][2] = {
	{ "queued", "Queued" },
	{ "running", "Running" },
	{ "success", "Success" },
	{ "error", "Error" },
};

static const char *const hostd_mo_taskmanager_reasons[][2] = {
	{ "TaskReasonSchedule", "Scheduled task" },
	{ "TaskReasonAlarm", "Alarm task" },
	{ "TaskReasonUser", "User task" },
	{ "TaskReasonSystem", "System task" },
};

static struct hostd_val *
hostd_mo_taskmanager_recent(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Task", NULL));
}

static struct hostd_val *
hostd_mo_taskmanager_element(const char *type, const char *key,
    const char *label, const char *summary)
{
	struct hostd_val	*e;

	e = hostd_val_object(type);
	hostd_val_add_str(e, "label", label);
	hostd_val_add_str(e, "summary", summary);
	hostd_val_add_str(e, "key", key);
	return (e);
}

static struct hostd_val *
hostd_mo_taskmanager_description(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*d, *a;
	size_t			 i;

	(void)c;
	d = hostd_val_object("TaskDescription");
	a = hostd_val_array("ElementDescription");
	for (i = 0; i < sizeof hostd_mo_taskmanager_methods /
	    sizeof hostd_mo_taskmanager_methods[0]; i++)
		hostd_val_push(a, hostd_mo_taskmanager_element(
		    "ElementDescription", hostd_mo_taskmanager_methods[i][0],
		    hostd_mo_taskmanager_methods[i][1],
		    hostd_mo_taskmanager_methods[i][2]));
	hostd_val_add(d, "methodInfo", a);
	a = hostd_val_array("ElementDescription");
	for (i = 0; i < sizeof hostd_mo_taskmanager_states /
	    sizeof hostd_mo_taskmanager_states[0]; i++)
		hostd_val_push(a, hostd_mo_taskmanager_element(
		    "ElementDescription", hostd_mo_taskmanager_states[i][0],
		    hostd_mo_taskmanager_states[i][1],
		    hostd_mo_taskmanager_states[i][1]));
	hostd_val_add(d, "state", a);
	a = hostd_val_array("TypeDescription");
	for (i = 0; i < sizeof hostd_mo_taskmanager_reasons /
	    sizeof hostd_mo_taskmanager_reasons[0]; i++)
		hostd_val_push(a, hostd_mo_taskmanager_element(
		    "TypeDescription", hostd_mo_taskmanager_reasons[i][0],
		    hostd_mo_taskmanager_reasons[i][1],
		    hostd_mo_taskmanager_reasons[i][1]));
	hostd_val_add(d, "reason", a);
	return (d);
}

static struct hostd_val *
hostd_mo_taskmanager_maxcollector(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_int(0));
}
