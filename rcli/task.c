/* SPDX-License-Identifier: ISC */
/*
 * Waiting for a Task as govmomi does (vi-api.md 5.2): a property collector
 * of our own (so two rcli runs sharing a saved session never see each
 * other's updates), a filter on info.state and info.progress,
 * WaitForUpdatesEx in bounded waits, then one read of the whole info for
 * the result or the fault.  The progress bar goes to stderr and only on a
 * tty, so scripts and logs never get carriage returns.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

#define TASK_WAIT_SECONDS	"30"

static int	task_updates(struct viclient *, const char *, const char *);
static int	task_info(struct viclient *, const char *, struct viprops *);
static int	task_wait_info(struct viclient *, const char *, const char *,
		    struct viprops *);

void
task_progress(const char *label, int pct)
{
	int	 i, n;

	if (!isatty(STDERR_FILENO))
		return;
	if (pct < 0) {
		fputs("\r\033[K", stderr);
		return;
	}
	if (pct > 100)
		pct = 100;
	n = pct * 30 / 100;
	fprintf(stderr, "\r%-24.24s [", label);
	for (i = 0; i < 30; i++)
		fputc(i < n ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%%", pct);
	fflush(stderr);
}

/* Wait on collector pc until the task ends; 0, or -1 (error set). */
static int
task_updates(struct viclient *c, const char *pc, const char *label)
{
	struct vireply	 r;
	struct buf	 a;
	xmlNodePtr	 rv, fs, os, ch;
	char		*version = NULL, *name, *val;
	int		 done = 0, pct = 0;

	while (!done) {
		buf_init(&a);
		buf_elem(&a, "version", version != NULL ? version : "");
		buf_str(&a, "<options><maxWaitSeconds>" TASK_WAIT_SECONDS
		    "</maxWaitSeconds></options>");
		if (viclient_call(c, "WaitForUpdatesEx", "PropertyCollector",
		    pc, a.b_data, &r) == -1) {
			buf_free(&a);
			free(version);
			return (-1);
		}
		buf_free(&a);
		if ((rv = vireply_returnval(&r)) == NULL) {
			vireply_clear(&r);
			continue;
		}
		free(version);
		version = vireply_field(rv, "version");
		for (fs = xml_child(rv, NULL, "filterSet"); fs != NULL;
		    fs = xml_next(fs, NULL, "filterSet"))
		for (os = xml_child(fs, NULL, "objectSet"); os != NULL;
		    os = xml_next(os, NULL, "objectSet"))
		for (ch = xml_child(os, NULL, "changeSet"); ch != NULL;
		    ch = xml_next(ch, NULL, "changeSet")) {
			name = vireply_field(ch, "name");
			val = vireply_field(ch, "val");
			if (name != NULL && val != NULL) {
				if (strcmp(name, "info.state") == 0 &&
				    (strcmp(val, "success") == 0 ||
				    strcmp(val, "error") == 0))
					done = 1;
				else if (strcmp(name, "info.progress") == 0)
					pct = atoi(val);
			}
			free(name);
			free(val);
		}
		vireply_clear(&r);
		if (!done && label != NULL)
			task_progress(label, pct);
	}
	free(version);
	if (label != NULL)
		task_progress(label, -1);
	return (0);
}

/*
 * Read info of a finished task into *p: its fault becomes the error.
 */
static int
task_info(struct viclient *c, const char *id, struct viprops *p)
{
	static const char *const paths[] = { "info", NULL };
	xmlNodePtr	 info;
	char		*state, *name, *msg;
	const char	*ids[1] = { id };
	int		 rc = 0;

	if (viprops_get(c, "Task", ids, 1, paths, p) == -1)
		return (-1);
	info = p->p_n > 0 ? viprops_val(&p->p_obj[0], "info") : NULL;
	state = viprops_path(info, "state");
	if (strcmp(state, "error") == 0) {
		vireply_localized(xml_child(info, NULL, "error"), &name, &msg);
		viclient_seterr(c, name, "%s", msg);
		free(name);
		free(msg);
		rc = -1;
	} else if (strcmp(state, "success") != 0) {
		viclient_seterr(c, "", "task %s is still %s", id, state);
		rc = -1;
	}
	free(state);
	if (rc == -1)
		viprops_free(p);
	return (rc);
}

/* Wait for task id, keeping its info in *p. */
static int
task_wait_info(struct viclient *c, const char *id, const char *label,
    struct viprops *p)
{
	struct vireply	 r;
	struct buf	 a;
	char		*pc;
	int		 rc;

	memset(p, 0, sizeof *p);
	if (viclient_call(c, "CreatePropertyCollector", "PropertyCollector",
	    "ha-property-collector", NULL, &r) == -1)
		return (-1);
	pc = xml_text(vireply_returnval(&r));
	vireply_clear(&r);
	if (pc == NULL) {
		viclient_seterr(c, "",
		    "CreatePropertyCollector returned nothing");
		return (-1);
	}
	buf_init(&a);
	buf_str(&a, "<spec><propSet><type>Task</type><all>false</all>"
	    "<pathSet>info.state</pathSet><pathSet>info.progress</pathSet>"
	    "</propSet><objectSet>");
	buf_moref(&a, "obj", "Task", id);
	buf_str(&a, "<skip>false</skip></objectSet></spec>"
	    "<partialUpdates>false</partialUpdates>");
	rc = viclient_call(c, "CreateFilter", "PropertyCollector", pc, a.b_data,
	    &r);
	buf_free(&a);
	if (rc == 0) {
		vireply_clear(&r);
		rc = task_updates(c, pc, label);
	}
	/* Only when all went well: a failure here must not hide the
	 * error that matters. */
	if (rc == 0 && viclient_call(c, "DestroyPropertyCollector",
	    "PropertyCollector", pc, NULL, &r) == 0)
		vireply_clear(&r);
	free(pc);
	if (rc == -1)
		return (-1);
	return (task_info(c, id, p));
}

int
task_wait(struct viclient *c, const char *id, const char *label, char **result)
{
	struct viprops	 p;

	if (result != NULL)
		*result = NULL;
	if (task_wait_info(c, id, label, &p) == -1)
		return (-1);
	if (result != NULL)
		*result = viprops_path(p.p_n > 0 ? viprops_val(&p.p_obj[0],
		    "info") : NULL, "result");
	viprops_free(&p);
	return (0);
}

int
task_run_info(struct viclient *c, const char *method, const char *type,
    const char *id, const char *args, struct viprops *p)
{
	struct vireply	 r;
	char		*task;
	int		 rc;

	memset(p, 0, sizeof *p);
	if (viclient_call(c, method, type, id, args, &r) == -1)
		return (-1);
	task = xml_text(vireply_returnval(&r));
	vireply_clear(&r);
	if (task == NULL || task[0] == '\0') {
		free(task);
		viclient_seterr(c, "", "%s returned no task", method);
		return (-1);
	}
	rc = task_wait_info(c, task, isatty(STDERR_FILENO) ? method : NULL,
	    p);
	free(task);
	return (rc);
}

int
task_run(struct viclient *c, const char *method, const char *type,
    const char *id, const char *args, char **result)
{
	struct viprops	 p;

	if (result != NULL)
		*result = NULL;
	if (task_run_info(c, method, type, id, args, &p) == -1)
		return (-1);
	if (result != NULL)
		*result = viprops_path(p.p_n > 0 ? viprops_val(&p.p_obj[0],
		    "info") : NULL, "result");
	viprops_free(&p);
	return (0);
}
