/* SPDX-License-Identifier: ISC */
/*
 * rcli group: local groups through HostLocalAccountManager (CreateGroup,
 * RemoveGroup, AssignUserToGroup, UnassignUserFromGroup); the list is
 * UserDirectory.RetrieveUserGroups, as for users.  (ESXi 5.1 and later
 * answer the group methods with NotSupported; rcli shows that fault.)
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "rcli.h"
#include "xmalloc.h"

static int	cmd_group_list(struct rcli *, struct args *);
static int	cmd_group_add(struct rcli *, struct args *);
static int	cmd_group_rm(struct rcli *, struct args *);
static int	cmd_group_member(struct rcli *, struct args *, const char *);
static int	cmd_group_adduser(struct rcli *, struct args *);
static int	cmd_group_deluser(struct rcli *, struct args *);

static const char cmd_group_usage[] =
    "usage: rcli group <verb> ...\n"
    "  list                          local groups\n"
    "  add NAME [--description TEXT]\n"
    "  rm NAME\n"
    "  adduser GROUP USER            make USER a member of GROUP\n"
    "  deluser GROUP USER            take USER out of GROUP\n";

static const struct rcli_verb cmd_group_verbs[] = {
	{ "list", cmd_group_list },
	{ "add", cmd_group_add },
	{ "rm", cmd_group_rm },
	{ "adduser", cmd_group_adduser },
	{ "deluser", cmd_group_deluser },
	{ NULL, NULL }
};

const struct rcli_noun cmd_group_noun = {
	"group", "local groups and their members",
	cmd_group_usage, cmd_group_verbs
};

static int
cmd_group_list(struct rcli *r, struct args *a)
{
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	return (cmd_user_search(r, 0));
}

static int
cmd_group_add(struct rcli *r, struct args *a)
{
	const char	*name, *desc = NULL;
	struct buf	 b;

	if (args_opt(a, "--description", &desc) == -1)
		return (RCLI_EXIT_USAGE);
	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "which group?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	buf_init(&b);
	buf_str(&b, "<group>");
	buf_elem(&b, "id", name);
	buf_elem(&b, "description", desc);
	buf_str(&b, "</group>");
	return (cmd_user_do(r, "CreateGroup", &b));
}

static int
cmd_group_rm(struct rcli *r, struct args *a)
{
	return (cmd_user_remove(r, a, "RemoveGroup", "groupName"));
}

static int
cmd_group_member(struct rcli *r, struct args *a, const char *method)
{
	const char	*group, *user;
	struct buf	 b;

	if ((group = args_next(a)) == NULL || (user = args_next(a)) == NULL)
		return (args_usage(a, "give GROUP USER"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	buf_init(&b);
	buf_elem(&b, "user", user);
	buf_elem(&b, "group", group);
	return (cmd_user_do(r, method, &b));
}

static int
cmd_group_adduser(struct rcli *r, struct args *a)
{
	return (cmd_group_member(r, a, "AssignUserToGroup"));
}

static int
cmd_group_deluser(struct rcli *r, struct args *a)
{
	return (cmd_group_member(r, a, "UnassignUserFromGroup"));
}
