/* SPDX-License-Identifier: ISC */
/*
 * SessionManager `ha-sessionmgr` (vi-api.md §3.3): Login (the only method
 * here that sets a cookie, and exactly one), Logout, SessionIsActive
 * (NotImplemented, as real ESXi answers), TerminateSession, and the
 * currentSession and sessionList property values for the collector.
 *
 * A Login that arrives with a valid cookie makes a new session, as ESX
 * does.  Logout ends the session the call came with; its per-session
 * state goes with it (hostd_session_end runs the slot destructor).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "xmalloc.h"

/* Longest user name, password and locale accepted by Login. */
#define HOSTD_MO_SESSIONMANAGER_MAX	256

static int	hostd_mo_sessionmanager_login(struct hostd_soap_req *);
static int	hostd_mo_sessionmanager_logout(struct hostd_soap_req *);
static int	hostd_mo_sessionmanager_active(struct hostd_soap_req *);
static int	hostd_mo_sessionmanager_terminate(struct hostd_soap_req *);
static char	*hostd_mo_sessionmanager_ip(const char *);

static const struct hostd_soap_param hostd_mo_sessionmanager_login_p[] = {
	{ "userName", "string", 0 },
	{ "password", "string", 0 },
	{ "locale", "string", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_sessionmanager_none[] = {
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_sessionmanager_active_p[] = {
	{ "sessionID", "string", 0 },
	{ "userName", "string", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_sessionmanager_ticket_p[] = {
	{ "userName", "string", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_sessionmanager_term_p[] = {
	{ "sessionId", "string", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_sessionmanager_methods[] = {
	{ "Login", "SessionManager", NULL, HOSTD_SOAP_PUBLIC,
	  hostd_mo_sessionmanager_login, hostd_mo_sessionmanager_login_p },
	{ "Logout", "SessionManager", "System.Anonymous", 0,
	  hostd_mo_sessionmanager_logout, hostd_mo_sessionmanager_none },
	{ "SessionIsActive", "SessionManager", "Sessions.ValidateSession", 0,
	  hostd_mo_sessionmanager_active, hostd_mo_sessionmanager_active_p },
	{ "TerminateSession", "SessionManager", "Sessions.TerminateSession",
	  0, hostd_mo_sessionmanager_terminate,
	  hostd_mo_sessionmanager_term_p },
	/* Local clients (dcui) on the Unix socket: ticket.c. */
	{ "AcquireLocalTicket", "SessionManager", NULL, HOSTD_SOAP_PUBLIC,
	  hostd_ticket_acquire, hostd_mo_sessionmanager_ticket_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* The address part of "203.0.113.5:51234" or "[2001:db8::1]:443". */
static char *
hostd_mo_sessionmanager_ip(const char *peer)
{
	const char	*end;

	if (peer == NULL || strcmp(peer, "unix") == 0)
		return (xstrdup("127.0.0.1"));
	if (peer[0] == '[' && (end = strchr(peer, ']')) != NULL)
		return (xstrndup(peer + 1, end - peer - 1));
	end = strrchr(peer, ':');
	if (end != NULL && strchr(peer, ':') == end)
		return (xstrndup(peer, end - peer));
	return (xstrdup(peer));
}

static int
hostd_mo_sessionmanager_login(struct hostd_soap_req *req)
{
	struct hostd_session	*s;
	const char		*user, *password, *locale;
	char			*fullname, *ip;

	user = hostd_val_str(hostd_val_field(req->r_params, "userName"));
	password = hostd_val_str(hostd_val_field(req->r_params, "password"));
	locale = hostd_val_str(hostd_val_field(req->r_params, "locale"));
	if (locale != NULL && (strlen(locale) > 32 ||
	    strspn(locale, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@") != strlen(locale))) {
		req->r_fault = hostd_fault_invalid_argument("locale");
		return (0);
	}
	if (strlen(user) > HOSTD_MO_SESSIONMANAGER_MAX ||
	    strlen(password) > HOSTD_MO_SESSIONMANAGER_MAX ||
	    (hostd_ticket_login(req->r_soap, user, password, &fullname) != 0 &&
	    account_login(hostd_soap_auth(req->r_soap), user, password,
	    req->r_peer, &fullname) != 0)) {
		/*
		 * Remote callers get ESX's answer, locked or not.  A local
		 * one (the console, on the 0600 Unix socket) is told that
		 * the account is locked: a person reads it.
		 */
		if (req->r_call != NULL &&
		    hostd_call_info(req->r_call)->ci_local &&
		    account_is_locked(hostd_soap_auth(req->r_soap), user))
			req->r_fault = hostd_fault_create("InvalidLogin",
			    "Cannot complete login: the account is locked "
			    "after too many failed logins; try again later.");
		else
			req->r_fault = hostd_fault_invalid_login();
		return (0);
	}
	ip = hostd_mo_sessionmanager_ip(req->r_peer);
	s = hostd_session_new(hostd_soap_sessions(req->r_soap), user,
	    fullname, locale, ip, req->r_agent);
	free(ip);
	free(fullname);
	hostd_session_touch(s);
	hostd_event_post_session(req->r_soap, s, 1);
	req->r_setcookie = hostd_session_set_cookie(s, req->r_secure);
	req->r_result = hostd_session_to_val(s);
	return (0);
}

static int
hostd_mo_sessionmanager_logout(struct hostd_soap_req *req)
{
	log_info("user %s logged out (session %.8s)", req->r_session->s_user,
	    req->r_session->s_key);
	hostd_event_post_session(req->r_soap, req->r_session, 0);
	hostd_session_end(hostd_soap_sessions(req->r_soap), req->r_session);
	req->r_session = NULL;
	return (0);
}

static int
hostd_mo_sessionmanager_active(struct hostd_soap_req *req)
{
	req->r_fault = hostd_fault_not_implemented();
	return (0);
}

static int
hostd_mo_sessionmanager_terminate(struct hostd_soap_req *req)
{
	struct hostd_sessions	*st = hostd_soap_sessions(req->r_soap);
	struct hostd_session	*s;
	const char		*key;
	size_t			 i, n;

	n = hostd_val_field_count(req->r_params, "sessionId");
	/* Check them all first: nothing is ended if one is wrong. */
	for (i = 0; i < n; i++) {
		key = hostd_val_str(hostd_val_field_nth(req->r_params,
		    "sessionId", i));
		if (key == NULL ||
		    (s = hostd_session_find_key(st, key)) == NULL) {
			req->r_fault = hostd_fault_create("NotFound", NULL);
			return (0);
		}
		if (s == req->r_session) {
			req->r_fault = hostd_fault_invalid_argument(
			    "sessionId");
			return (0);
		}
	}
	for (i = 0; i < n; i++) {
		key = hostd_val_str(hostd_val_field_nth(req->r_params,
		    "sessionId", i));
		if ((s = hostd_session_find_key(st, key)) != NULL) {
			log_info("session %.8s of %s terminated by %s",
			    s->s_key, s->s_user, req->r_session->s_user);
			hostd_session_end(st, s);
		}
	}
	return (0);
}

struct hostd_val *
hostd_mo_sessionmanager_current(struct hostd_session *s)
{
	return (s != NULL ? hostd_session_to_val(s) : NULL);
}

struct hostd_val *
hostd_mo_sessionmanager_list(struct hostd_soap *hs)
{
	struct hostd_sessions	*st = hostd_soap_sessions(hs);
	struct hostd_session	*s;
	struct hostd_val	*arr;

	arr = hostd_val_array("UserSession");
	for (s = hostd_session_next(st, NULL); s != NULL;
	    s = hostd_session_next(st, s))
		hostd_val_push(arr, hostd_session_to_val(s));
	return (arr);
}
