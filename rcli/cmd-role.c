/* SPDX-License-Identifier: ISC */
/*
 * rcli role: AuthorizationManager (ha-authmgr) roles: the roleList
 * property, AddAuthorizationRole and RemoveAuthorizationRole (with
 * failIfUsed, so a role in use is never silently dropped from its
 * permissions).  Roles are named by name; a number is taken as an id.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_role_list(struct rcli *, struct args *);
static int	cmd_role_add(struct rcli *, struct args *);
static int	cmd_role_rm(struct rcli *, struct args *);

static const char cmd_role_usage[] =
    "usage: rcli role <verb> ...\n"
    "  list [--privileges]           roles (and their privileges)\n"
    "  add NAME [PRIVILEGE...]       e.g. VirtualMachine.Interact.PowerOn\n"
    "  rm NAME                       refused while a permission uses it\n";

static const struct rcli_verb cmd_role_verbs[] = {
	{ "list", cmd_role_list },
	{ "add", cmd_role_add },
	{ "rm", cmd_role_rm },
	{ NULL, NULL }
};

const struct rcli_noun cmd_role_noun = {
	"role", "roles: named sets of privileges",
	cmd_role_usage, cmd_role_verbs
};

int
cmd_role_fetch(struct viclient *c, struct viprops *p)
{
	static const char *const paths[] = { "roleList", NULL };
	static const char *const ids[] = { "ha-authmgr" };

	return (viprops_get(c, "AuthorizationManager", ids, 1, paths, p));
}

char *
cmd_role_name(const struct viprops *p, long id)
{
	xmlNodePtr	 role;
	char		*s, *name;

	if (p->p_n > 0)
		for (role = xml_child(viprops_val(&p->p_obj[0], "roleList"),
		    NULL, NULL); role != NULL;
		    role = xml_next(role, NULL, NULL)) {
			s = viprops_path(role, "roleId");
			if (strtol(s, NULL, 10) == id && s[0] != '\0') {
				free(s);
				return (viprops_path(role, "name"));
			}
			free(s);
		}
	xasprintf(&name, "%ld", id);
	return (name);
}

int
cmd_role_id(struct viclient *c, const char *name, long *id)
{
	struct viprops	 p;
	xmlNodePtr	 role;
	char		*s, *end;
	int		 found = 0;

	if (cmd_role_fetch(c, &p) == -1)
		return (-1);
	if (p.p_n > 0)
		for (role = xml_child(viprops_val(&p.p_obj[0], "roleList"),
		    NULL, NULL); role != NULL && !found;
		    role = xml_next(role, NULL, NULL)) {
			s = viprops_path(role, "name");
			if (strcmp(s, name) == 0) {
				free(s);
				s = viprops_path(role, "roleId");
				*id = strtol(s, NULL, 10);
				found = 1;
			}
			free(s);
		}
	viprops_free(&p);
	if (!found && name[0] != '\0') {
		*id = strtol(name, &end, 10);
		found = *end == '\0';
	}
	if (!found) {
		viclient_seterr(c, "NotFound", "no role named '%s'", name);
		return (-1);
	}
	return (0);
}

static int
cmd_role_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id:n", "name", "system",
	    "label", "privileges", NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	struct buf	 privs;
	xmlNodePtr	 role, pv;
	char		*v[5], *s;
	size_t		 n;
	int		 all;

	all = args_flag(a, "--privileges");
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (cmd_role_fetch(c, &p) == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (role = p.p_n > 0 ? xml_child(viprops_val(&p.p_obj[0], "roleList"),
	    NULL, NULL) : NULL; role != NULL;
	    role = xml_next(role, NULL, NULL)) {
		v[0] = viprops_path(role, "roleId");
		v[1] = viprops_path(role, "name");
		v[2] = viprops_path(role, "system");
		v[3] = viprops_path(role, "info/label");
		buf_init(&privs);
		n = 0;
		for (pv = xml_child(role, NULL, "privilege"); pv != NULL;
		    pv = xml_next(pv, NULL, "privilege")) {
			if (all) {
				s = xml_text(pv);
				buf_printf(&privs, "%s%s", n > 0 ? "," : "",
				    s);
				free(s);
			}
			n++;
		}
		if (!all)
			buf_printf(&privs, "%zu", n);
		v[4] = buf_take(&privs);
		table_add_free(t, v, 5);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

static int
cmd_role_add(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id:n", "name", NULL };
	const char	*name, *priv, *row[2];
	struct viclient	*c;
	struct vireply	 rep;
	struct buf	 b;
	struct table	*t;
	char		*id;
	int		 rc;

	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "the new role needs a name"));
	buf_init(&b);
	buf_elem(&b, "name", name);
	while (a->a_argc > 0 && a->a_argv[0][0] != '-' &&
	    (priv = args_next(a)) != NULL)
		buf_elem(&b, "privIds", priv);
	if (args_done(a) == -1) {
		buf_free(&b);
		return (RCLI_EXIT_USAGE);
	}
	if ((c = main_conn(r)) == NULL) {
		buf_free(&b);
		return (RCLI_EXIT_FAULT);
	}
	rc = viclient_call(c, "AddAuthorizationRole", "AuthorizationManager",
	    "ha-authmgr", b.b_data, &rep);
	buf_free(&b);
	if (rc == -1)
		return (conn_perror(c));
	id = xml_text(vireply_returnval(&rep));
	vireply_clear(&rep);
	t = table_create(cols);
	row[0] = id;
	row[1] = name;
	table_add(t, row);
	free(id);
	return (main_output(r, t));
}

static int
cmd_role_rm(struct rcli *r, struct args *a)
{
	const char	*name;
	struct viclient	*c;
	struct buf	 b;
	long		 id;
	int		 rc;

	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "which role?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (cmd_role_id(c, name, &id) == -1)
		return (conn_perror(c));
	buf_init(&b);
	buf_printf(&b, "<roleId>%ld</roleId><failIfUsed>true</failIfUsed>",
	    id);
	rc = viclient_do(c, "RemoveAuthorizationRole", "AuthorizationManager",
	    "ha-authmgr", b.b_data);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}
