/* SPDX-License-Identifier: ISC */
/*
 * Opening and closing rcli's connection (lib/viclient.c) the way a CLI
 * does: a saved session's cookie and pinned thumbprint are reused, else
 * the password given, else (on hostd's Unix socket) a local ticket, else
 * one read from the tty without echo after
 * checking that the host is there and trusted.  A session this run made
 * is logged out at the end unless `rcli session save` keeps it.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"

static int	conn_probe(struct viclient *);
static char	*conn_prompt(struct viclient *);

int
conn_perror(struct viclient *c)
{
	if (viclient_errname(c)[0] == '\0')
		fprintf(stderr, "rcli: %s\n", viclient_errmsg(c));
	else
		fprintf(stderr, "rcli: %s: %s\n", viclient_errname(c),
		    viclient_errmsg(c));
	return (RCLI_EXIT_FAULT);
}

static char *
conn_prompt(struct viclient *c)
{
	char	*q, *pw;

	xasprintf(&q, "Password for %s@%s: ", viclient_user(c),
	    viclient_server(c));
	pw = prompt_secret(q);
	free(q);
	return (pw);
}

/* Before asking for a password: is the host there, and trusted? */
static int
conn_probe(struct viclient *c)
{
	return (viclient_do(c, "RetrieveServiceContent", "ServiceInstance",
	    "ServiceInstance", NULL));
}

struct viclient *
conn_open(const struct conn_opts *o)
{
	struct viclient_opts	 vo;
	struct viclient		*c;
	struct session		 s;
	const char		*pw;
	char			*prompted = NULL;
	int			 rc, have_session = 0;

	memset(&vo, 0, sizeof vo);
	vo.vo_server = o->co_server;
	vo.vo_unix = o->co_unix;
	vo.vo_user = o->co_user;
	vo.vo_thumbprint = o->co_thumbprint;
	vo.vo_cacert = o->co_cacert;
	vo.vo_name = "rcli";
	vo.vo_expired = "the saved session has ended: run 'rcli session "
	    "save' again";
	vo.vo_pinopt = "--thumbprint";
	vo.vo_progress = task_progress;
	if ((c = viclient_create(&vo)) == NULL) {
		fprintf(stderr, "rcli: cannot initialise libcurl\n");
		return (NULL);
	}

	pw = o->co_password;
	if (pw == NULL && !o->co_nosession &&
	    session_load(viclient_key(c), &s) == 0) {
		if (o->co_user == NULL || s.s_user == NULL ||
		    strcmp(o->co_user, s.s_user) == 0) {
			have_session = 1;
			viclient_resume(c, s.s_cookie, s.s_user,
			    s.s_thumbprint);
		}
		session_clear(&s);
	}

	if (have_session || o->co_nologin)
		return (c);
	if (o->co_sessiononly) {
		fprintf(stderr, "rcli: no saved session for %s\n",
		    viclient_server(c));
		viclient_free(c);
		return (NULL);
	}
	/*
	 * On the host itself, as root (or hostd's user): a local ticket,
	 * as ESX's local clients log in; anyone else falls through to the
	 * password.
	 */
	if (pw == NULL && o->co_unix != NULL &&
	    viclient_login_ticket(c, viclient_user(c)) == 0)
		return (c);
	if (pw == NULL && conn_probe(c) == -1) {
		conn_perror(c);
		viclient_free(c);
		return (NULL);
	}
	if (pw == NULL && (pw = prompted = conn_prompt(c)) == NULL) {
		fprintf(stderr, "rcli: no password for %s@%s: give "
		    "--password, set RCLI_PASSWORD, or save a session with "
		    "'rcli session save'\n", viclient_user(c),
		    viclient_server(c));
		viclient_free(c);
		return (NULL);
	}
	rc = viclient_login(c, NULL, pw);
	if (prompted != NULL) {
		explicit_bzero(prompted, strlen(prompted));
		free(prompted);
	}
	if (rc == -1) {
		conn_perror(c);
		viclient_free(c);
		return (NULL);
	}
	return (c);
}

int
conn_save_session(struct viclient *c)
{
	struct session	 s;
	char		*cause = NULL;

	memset(&s, 0, sizeof s);
	s.s_cookie = (char *)viclient_cookie(c);
	s.s_user = (char *)viclient_user(c);
	s.s_thumbprint = (char *)viclient_thumbprint(c);
	if (session_save(viclient_key(c), &s, &cause) == -1) {
		viclient_seterr(c, "", "cannot save the session: %s", cause);
		free(cause);
		return (-1);
	}
	viclient_keep(c);
	return (0);
}

int
conn_logout(struct viclient *c)
{
	int	 rc;

	rc = viclient_logout(c);
	/* An expired session is as good as ended: forget it anyway. */
	if (session_remove(viclient_key(c)) == -1 && errno != ENOENT &&
	    rc == 0) {
		viclient_seterr(c, "", "cannot remove the session file: %s",
		    strerror(errno));
		rc = -1;
	}
	if (rc == -1 && strcmp(viclient_errname(c), "NotAuthenticated") == 0)
		rc = 0;
	return (rc);
}
