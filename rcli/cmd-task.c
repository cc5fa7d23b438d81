/* SPDX-License-Identifier: ISC */
/*
 * rcli task: the host's recent tasks (TaskManager.recentTask, then each
 * task's info in one RetrievePropertiesEx) and waiting for one by id, the
 * same wait every task-running command uses (task.c).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_task_list(struct rcli *, struct args *);
static int	cmd_task_wait(struct rcli *, struct args *);

static const char cmd_task_usage[] =
    "usage: rcli task <verb> ...\n"
    "  list          recent tasks: method, entity, state, times\n"
    "  wait TASK     wait for a task to end; its fault is the exit status\n";

static const struct rcli_verb cmd_task_verbs[] = {
	{ "list", cmd_task_list },
	{ "wait", cmd_task_wait },
	{ NULL, NULL }
};

const struct rcli_noun cmd_task_noun = {
	"task", "recent tasks, waiting for one",
	cmd_task_usage, cmd_task_verbs
};

static int
cmd_task_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "method", "entity",
	    "state", "progress:n", "queued", "completed", "user", "error",
	    NULL };
	static const char *const tpaths[] = { "recentTask", NULL };
	static const char *const ipaths[] = { "info", NULL };
	static const char *const mgr[] = { "ha-taskmgr" };
	struct viclient	*c;
	struct viprops	 tm, p;
	struct table	*t;
	xmlNodePtr	 rt, n, info;
	const char	**ids = NULL;
	char		*v[9], *name, *msg;
	size_t		 i, nids = 0;
	int		 rc;

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_get(c, "TaskManager", mgr, 1, tpaths, &tm) == -1)
		return (conn_perror(c));
	rt = tm.p_n > 0 ? viprops_val(&tm.p_obj[0], "recentTask") : NULL;
	for (n = xml_child(rt, NULL, NULL); n != NULL;
	    n = xml_next(n, NULL, NULL)) {
		ids = xreallocarray(ids, nids + 1, sizeof *ids);
		ids[nids++] = xml_text(n);
	}
	viprops_free(&tm);
	rc = viprops_get(c, "Task", ids, nids, ipaths, &p);
	for (i = 0; i < nids; i++)
		free((char *)ids[i]);
	free(ids);
	if (rc == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (i = 0; i < p.p_n; i++) {
		info = viprops_val(&p.p_obj[i], "info");
		v[0] = xstrdup(p.p_obj[i].po_id);
		v[1] = viprops_path(info, "name");
		v[2] = viprops_path(info, "entityName");
		v[3] = viprops_path(info, "state");
		v[4] = viprops_path(info, "progress");
		v[5] = viprops_path(info, "queueTime");
		v[6] = viprops_path(info, "completeTime");
		v[7] = viprops_path(info, "reason/userName");
		if (xml_child(info, NULL, "error") != NULL) {
			vireply_localized(xml_child(info, NULL, "error"), &name,
			    &msg);
			xasprintf(&v[8], "%s: %s", name, msg);
			free(name);
			free(msg);
		} else
			v[8] = xstrdup("");
		table_add_free(t, v, 9);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

static int
cmd_task_wait(struct rcli *r, struct args *a)
{
	const char	*id;
	struct viclient	*c;

	if ((id = args_next(a)) == NULL)
		return (args_usage(a, "which task?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (task_wait(c, id, id, NULL) == -1)
		return (conn_perror(c));
	return (RCLI_EXIT_OK);
}
