/* SPDX-License-Identifier: ISC */
/*
 * rcli permission: who holds which role where, through
 * AuthorizationManager: RetrieveAllPermissions, SetEntityPermissions (adds
 * or replaces the one principal's permission on the entity) and
 * RemoveEntityPermission.  The entity is the root folder (the whole host)
 * unless --vm names a virtual machine.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_permission_list(struct rcli *, struct args *);
static int	cmd_permission_set(struct rcli *, struct args *);
static int	cmd_permission_rm(struct rcli *, struct args *);
static int	cmd_permission_entity(struct viclient *, const char *,
		    struct buf *);

static const char cmd_permission_usage[] =
    "usage: rcli permission <verb> ...\n"
    "  list                                     every permission\n"
    "  set PRINCIPAL ROLE [--group] [--no-propagate] [--vm VM]\n"
    "  rm PRINCIPAL [--group] [--vm VM]\n"
    "Without --vm the permission is on the root folder (the whole host).\n";

static const struct rcli_verb cmd_permission_verbs[] = {
	{ "list", cmd_permission_list },
	{ "set", cmd_permission_set },
	{ "rm", cmd_permission_rm },
	{ NULL, NULL }
};

const struct rcli_noun cmd_permission_noun = {
	"permission", "permissions: roles given to users and groups",
	cmd_permission_usage, cmd_permission_verbs
};

static int
cmd_permission_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "entityType", "entity",
	    "principal", "group", "role", "roleId:n", "propagate", NULL };
	struct viclient	*c;
	struct vireply	 rep;
	struct viprops	 roles;
	struct table	*t;
	xmlNodePtr	 rv;
	char		*v[7];

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (cmd_role_fetch(c, &roles) == -1)
		return (conn_perror(c));
	if (viclient_call(c, "RetrieveAllPermissions", "AuthorizationManager",
	    "ha-authmgr", NULL, &rep) == -1) {
		viprops_free(&roles);
		return (conn_perror(c));
	}
	t = table_create(cols);
	for (rv = vireply_returnval(&rep); rv != NULL; rv = vireply_next(rv)) {
		v[0] = xml_attr(xml_child(rv, NULL, "entity"), NULL, "type");
		if (v[0] == NULL)
			v[0] = xstrdup("");
		v[1] = viprops_path(rv, "entity");
		v[2] = viprops_path(rv, "principal");
		v[3] = viprops_path(rv, "group");
		v[5] = viprops_path(rv, "roleId");
		v[4] = cmd_role_name(&roles, strtol(v[5], NULL, 10));
		v[6] = viprops_path(rv, "propagate");
		table_add_free(t, v, 7);
	}
	vireply_clear(&rep);
	viprops_free(&roles);
	return (main_output(r, t));
}

/* <entity type=...>id</entity>: the root folder, or the VM vm. */
static int
cmd_permission_entity(struct viclient *c, const char *vm, struct buf *b)
{
	char	*id;

	if (vm == NULL) {
		buf_moref(b, "entity", "Folder", "ha-folder-root");
		return (0);
	}
	if (viprops_find(c, "VirtualMachine", vm, &id) == -1)
		return (-1);
	buf_moref(b, "entity", "VirtualMachine", id);
	free(id);
	return (0);
}

static int
cmd_permission_set(struct rcli *r, struct args *a)
{
	const char	*who, *role, *vm = NULL;
	struct viclient	*c;
	struct buf	 b;
	long		 id;
	int		 group, noprop, rc;

	if (args_opt(a, "--vm", &vm) == -1)
		return (RCLI_EXIT_USAGE);
	group = args_flag(a, "--group");
	noprop = args_flag(a, "--no-propagate");
	if ((who = args_next(a)) == NULL || (role = args_next(a)) == NULL)
		return (args_usage(a, "give PRINCIPAL ROLE"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (cmd_role_id(c, role, &id) == -1)
		return (conn_perror(c));
	buf_init(&b);
	if (cmd_permission_entity(c, vm, &b) == -1) {
		buf_free(&b);
		return (conn_perror(c));
	}
	buf_str(&b, "<permission>");
	buf_elem(&b, "principal", who);
	buf_printf(&b, "<group>%s</group><roleId>%ld</roleId>"
	    "<propagate>%s</propagate></permission>", group ? "true" : "false",
	    id, noprop ? "false" : "true");
	rc = viclient_do(c, "SetEntityPermissions", "AuthorizationManager",
	    "ha-authmgr", b.b_data);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_permission_rm(struct rcli *r, struct args *a)
{
	const char	*who, *vm = NULL;
	struct viclient	*c;
	struct buf	 b;
	int		 group, rc;

	if (args_opt(a, "--vm", &vm) == -1)
		return (RCLI_EXIT_USAGE);
	group = args_flag(a, "--group");
	if ((who = args_next(a)) == NULL)
		return (args_usage(a, "whose permission?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	if (cmd_permission_entity(c, vm, &b) == -1) {
		buf_free(&b);
		return (conn_perror(c));
	}
	buf_elem(&b, "user", who);
	buf_printf(&b, "<isGroup>%s</isGroup>", group ? "true" : "false");
	rc = viclient_do(c, "RemoveEntityPermission", "AuthorizationManager",
	    "ha-authmgr", b.b_data);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}
