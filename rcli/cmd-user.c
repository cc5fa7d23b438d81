/* SPDX-License-Identifier: ISC */
/*
 * rcli user: local accounts through HostLocalAccountManager (CreateUser,
 * UpdateUser, RemoveUser) and UserDirectory.RetrieveUserGroups for the
 * list.  The new account's password comes from --account-password,
 * RCLI_ACCOUNT_PASSWORD or the terminal (asked twice); it only ever goes
 * into the request, which conn.c wipes.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_user_list(struct rcli *, struct args *);
static int	cmd_user_add(struct rcli *, struct args *);
static int	cmd_user_passwd(struct rcli *, struct args *);
static int	cmd_user_rm(struct rcli *, struct args *);
static int	cmd_user_spec(struct rcli *, struct args *, const char *);
static char	*cmd_user_secret(const char *, const char *);

static const char cmd_user_usage[] =
    "usage: rcli user <verb> ...\n"
    "  list                                  local users\n"
    "  add NAME [--description TEXT] [--account-password PW]\n"
    "  passwd NAME [--account-password PW]   set a user's password\n"
    "  rm NAME\n"
    "The account password may also come from RCLI_ACCOUNT_PASSWORD, or\n"
    "is asked for on the terminal.\n";

static const struct rcli_verb cmd_user_verbs[] = {
	{ "list", cmd_user_list },
	{ "add", cmd_user_add },
	{ "passwd", cmd_user_passwd },
	{ "rm", cmd_user_rm },
	{ NULL, NULL }
};

const struct rcli_noun cmd_user_noun = {
	"user", "local user accounts",
	cmd_user_usage, cmd_user_verbs
};

/*
 * RetrieveUserGroups for users (users != 0) or groups: shared with
 * cmd-group.c, which lists groups the same way.
 */
int
cmd_user_search(struct rcli *r, int users)
{
	static const char *const cols[] = { "name", "fullName", NULL };
	struct viclient	*c;
	struct vireply	 rep;
	struct table	*t;
	xmlNodePtr	 rv;
	char		*v[2], *g;
	int		 rc;

	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	rc = viclient_call(c, "RetrieveUserGroups", "UserDirectory",
	    "ha-user-directory", users ?
	    "<searchStr></searchStr><exactMatch>false</exactMatch>"
	    "<findUsers>true</findUsers><findGroups>false</findGroups>" :
	    "<searchStr></searchStr><exactMatch>false</exactMatch>"
	    "<findUsers>false</findUsers><findGroups>true</findGroups>", &rep);
	if (rc == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (rv = vireply_returnval(&rep); rv != NULL; rv = vireply_next(rv)) {
		g = vireply_field(rv, "group");
		if (g == NULL || (strcmp(g, "true") == 0) == !users) {
			v[0] = vireply_field(rv, "principal");
			v[1] = vireply_field(rv, "fullName");
			table_add(t, (const char *const *)v);
			free(v[0]);
			free(v[1]);
		}
		free(g);
	}
	vireply_clear(&rep);
	return (main_output(r, t));
}

static int
cmd_user_list(struct rcli *r, struct args *a)
{
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	return (cmd_user_search(r, 1));
}

/* The account password: option, environment, or asked twice. */
static char *
cmd_user_secret(const char *opt, const char *user)
{
	char	*q, *p1, *p2;

	if (opt != NULL)
		return (xstrdup(opt));
	if ((opt = getenv("RCLI_ACCOUNT_PASSWORD")) != NULL)
		return (xstrdup(opt));
	xasprintf(&q, "New password for %s: ", user);
	p1 = prompt_secret(q);
	free(q);
	if (p1 == NULL)
		return (NULL);
	p2 = prompt_secret("Again: ");
	if (p2 == NULL || strcmp(p1, p2) != 0) {
		fprintf(stderr, "rcli: the passwords differ\n");
		explicit_bzero(p1, strlen(p1));
		free(p1);
		p1 = NULL;
	}
	if (p2 != NULL) {
		explicit_bzero(p2, strlen(p2));
		free(p2);
	}
	return (p1);
}

/* CreateUser or UpdateUser with a HostAccountSpec. */
static int
cmd_user_spec(struct rcli *r, struct args *a, const char *method)
{
	const char	*name, *desc = NULL, *opt = NULL;
	struct buf	 b;
	char		*pw;

	if (args_opt(a, "--description", &desc) == -1 ||
	    args_opt(a, "--account-password", &opt) == -1)
		return (RCLI_EXIT_USAGE);
	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "which user?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((pw = cmd_user_secret(opt, name)) == NULL) {
		fprintf(stderr, "rcli: no password: give --account-password "
		    "or set RCLI_ACCOUNT_PASSWORD\n");
		return (RCLI_EXIT_USAGE);
	}
	buf_init(&b);
	buf_str(&b, "<user>");
	buf_elem(&b, "id", name);
	buf_elem(&b, "password", pw);
	buf_elem(&b, "description", desc);
	buf_str(&b, "</user>");
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return (cmd_user_do(r, method, &b));
}

static int
cmd_user_add(struct rcli *r, struct args *a)
{
	return (cmd_user_spec(r, a, "CreateUser"));
}

static int
cmd_user_passwd(struct rcli *r, struct args *a)
{
	return (cmd_user_spec(r, a, "UpdateUser"));
}

/*
 * Call method on the account manager with the parameters in b (wiped and
 * freed: it may hold a password); the exit status.  Shared with
 * cmd-group.c.
 */
int
cmd_user_do(struct rcli *r, const char *method, struct buf *b)
{
	struct viclient	*c;
	int		 rc;

	if ((c = main_conn(r)) == NULL) {
		explicit_bzero(b->b_data, b->b_len);
		buf_free(b);
		return (RCLI_EXIT_FAULT);
	}
	rc = viclient_do(c, method, "HostLocalAccountManager",
	    "ha-localacctmgr", b->b_data);
	explicit_bzero(b->b_data, b->b_len);
	buf_free(b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

/* RemoveUser/RemoveGroup: one name operand; shared with cmd-group.c. */
int
cmd_user_remove(struct rcli *r, struct args *a, const char *method,
    const char *param)
{
	const char	*name;
	struct buf	 b;

	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "which one?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	buf_init(&b);
	buf_elem(&b, param, name);
	return (cmd_user_do(r, method, &b));
}

static int
cmd_user_rm(struct rcli *r, struct args *a)
{
	return (cmd_user_remove(r, a, "RemoveUser", "userName"));
}
