/* SPDX-License-Identifier: ISC */
/*
 * rcli vm snapshot: CreateSnapshot_Task on the VM; the tree is the VM's
 * snapshot property (VirtualMachineSnapshotInfo, vi-api.md 5.8); revert
 * and remove find the snapshot by name in that tree and call
 * RevertToSnapshot_Task / RemoveSnapshot_Task on its moid.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_snapshot_tree(struct rcli *, struct args *,
		    struct viclient **, char **, struct viprops *);
static void	cmd_snapshot_walk(xmlNodePtr, const char *, const char *,
		    struct table *, char **);
static int	cmd_snapshot_on(struct rcli *, struct args *, const char *,
		    const char *);
static int	cmd_snapshot_create(struct rcli *, struct args *);
static int	cmd_snapshot_list(struct rcli *, struct args *);
static int	cmd_snapshot_revert(struct rcli *, struct args *);
static int	cmd_snapshot_remove(struct rcli *, struct args *);

static const struct rcli_verb cmd_snapshot_verbs[] = {
	{ "create", cmd_snapshot_create },
	{ "list", cmd_snapshot_list },
	{ "revert", cmd_snapshot_revert },
	{ "remove", cmd_snapshot_remove },
	{ NULL, NULL }
};

int
cmd_snapshot_run(struct rcli *r, struct args *a)
{
	return (main_verb(r, &cmd_vm_noun, cmd_snapshot_verbs, a));
}

/* Connect, find the VM (first operand) and read its snapshot tree. */
static int
cmd_snapshot_tree(struct rcli *r, struct args *a, struct viclient **c,
    char **id, struct viprops *p)
{
	static const char *const paths[] = { "snapshot", NULL };
	const char	*name, *ids[1];

	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "which virtual machine?"));
	if ((*c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_find(*c, "VirtualMachine", name, id) == -1)
		return (conn_perror(*c));
	ids[0] = *id;
	if (viprops_get(*c, "VirtualMachine", ids, 1, paths, p) == -1) {
		free(*id);
		return (conn_perror(*c));
	}
	return (RCLI_EXIT_OK);
}

/*
 * Depth first over rootSnapshotList/childSnapshotList: add rows to t, or
 * find name and set *found to its moid.
 */
static void
cmd_snapshot_walk(xmlNodePtr list, const char *parent, const char *name,
    struct table *t, char **found)
{
	xmlNodePtr	 n;
	char		*v[5];
	size_t		 j;

	for (n = list; n != NULL; n = xml_next(n, NULL, (const char *)
	    list->name)) {
		v[0] = viprops_path(n, "snapshot");
		v[1] = viprops_path(n, "name");
		v[2] = viprops_path(n, "createTime");
		v[3] = viprops_path(n, "state");
		v[4] = xstrdup(parent);
		if (t != NULL)
			table_add(t, (const char *const *)v);
		if (name != NULL && *found == NULL && strcmp(v[1], name) == 0)
			*found = xstrdup(v[0]);
		cmd_snapshot_walk(xml_child(n, NULL, "childSnapshotList"),
		    v[1], name, t, found);
		for (j = 0; j < 5; j++)
			free(v[j]);
	}
}

static int
cmd_snapshot_create(struct rcli *r, struct args *a)
{
	const char	*vm, *snap, *desc = NULL;
	struct viclient	*c;
	struct buf	 b;
	char		*id;
	int		 mem, rc;

	if (args_opt(a, "--description", &desc) == -1)
		return (RCLI_EXIT_USAGE);
	mem = args_flag(a, "--memory");
	if ((vm = args_next(a)) == NULL || (snap = args_next(a)) == NULL)
		return (args_usage(a, "give a virtual machine and a snapshot "
		    "name"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_find(c, "VirtualMachine", vm, &id) == -1)
		return (conn_perror(c));
	buf_init(&b);
	buf_elem(&b, "name", snap);
	buf_elem(&b, "description", desc);
	buf_printf(&b, "<memory>%s</memory><quiesce>false</quiesce>",
	    mem ? "true" : "false");
	rc = task_run(c, "CreateSnapshot_Task", "VirtualMachine", id,
	    b.b_data, NULL);
	buf_free(&b);
	free(id);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_snapshot_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "name", "created", "state",
	    "parent", NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 sn;
	char		*id;
	int		 rc;

	if ((rc = cmd_snapshot_tree(r, a, &c, &id, &p)) != RCLI_EXIT_OK)
		return (rc);
	free(id);
	if (args_done(a) == -1) {
		viprops_free(&p);
		return (RCLI_EXIT_USAGE);
	}
	t = table_create(cols);
	sn = p.p_n > 0 ? viprops_val(&p.p_obj[0], "snapshot") : NULL;
	cmd_snapshot_walk(xml_child(sn, NULL, "rootSnapshotList"), "", NULL,
	    t, NULL);
	viprops_free(&p);
	return (main_output(r, t));
}

/* Find operand 2 in the tree and run method on it. */
static int
cmd_snapshot_on(struct rcli *r, struct args *a, const char *method,
    const char *args)
{
	struct viclient	*c;
	struct viprops	 p;
	xmlNodePtr	 sn;
	const char	*snap;
	char		*id, *found = NULL;
	int		 rc;

	if ((rc = cmd_snapshot_tree(r, a, &c, &id, &p)) != RCLI_EXIT_OK)
		return (rc);
	if ((snap = args_next(a)) == NULL || args_done(a) == -1) {
		viprops_free(&p);
		free(id);
		return (snap == NULL ? args_usage(a, "which snapshot?") :
		    RCLI_EXIT_USAGE);
	}
	sn = p.p_n > 0 ? viprops_val(&p.p_obj[0], "snapshot") : NULL;
	cmd_snapshot_walk(xml_child(sn, NULL, "rootSnapshotList"), "", snap,
	    NULL, &found);
	viprops_free(&p);
	if (found == NULL) {
		viclient_seterr(c, "NotFound", "virtual machine %s has no "
		    "snapshot named '%s'", id, snap);
		free(id);
		return (conn_perror(c));
	}
	free(id);
	rc = task_run(c, method, "VirtualMachineSnapshot", found, args, NULL);
	free(found);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_snapshot_revert(struct rcli *r, struct args *a)
{
	return (cmd_snapshot_on(r, a, "RevertToSnapshot_Task", NULL));
}

static int
cmd_snapshot_remove(struct rcli *r, struct args *a)
{
	int	 children;

	children = args_flag(a, "--children");
	return (cmd_snapshot_on(r, a, "RemoveSnapshot_Task", children ?
	    "<removeChildren>true</removeChildren>" :
	    "<removeChildren>false</removeChildren>"));
}
