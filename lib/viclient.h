/* SPDX-License-Identifier: ISC */
/*
 * A VI API (vim25 SOAP) client connection to one host: HTTPS with
 * certificate verification or a pinned SHA-1 thumbprint, or plain HTTP
 * over hostd's Unix socket; Login and the session cookie; SOAP calls and
 * their faults; /folder file transfers.  Built on libcurl, so it lives in
 * lib/libviclient.a, linked only by the programs that speak to a host
 * (LIBVICLIENT), not in libvireo.
 *
 * Errors: a function that fails returns -1 (or NULL) and remembers the
 * error in the connection as a fault name ("InvalidLogin", or "" for a
 * transport error) and a message, read with viclient_errname and
 * viclient_errmsg until the next call.  Nothing is printed.
 */
#ifndef VICLIENT_H
#define VICLIENT_H

#include "vireply.h"

struct viclient;

struct viclient_opts {
	const char	*vo_server;	/* host[:port]; unused with vo_unix */
	const char	*vo_unix;	/* hostd's Unix socket, or NULL */
	const char	*vo_user;	/* NULL: "root" */
	const char	*vo_thumbprint;	/* SHA-1 "AB:CD:..", pinned, or NULL */
	const char	*vo_cacert;	/* CA file, or NULL: the system's */
	const char	*vo_name;	/* program: user agent, messages */
	/* Appended in parentheses to a NotAuthenticated fault's message
	 * while the session is a kept one (viclient_resume, viclient_keep);
	 * NULL: nothing. */
	const char	*vo_expired;
	/* The option that pins a thumbprint, named in the message for an
	 * untrusted certificate ("--thumbprint"); NULL: not named. */
	const char	*vo_pinopt;
	/* Transfer progress of a labelled /folder transfer, pct 0-100, then
	 * -1 when it ends; NULL: none. */
	void		(*vo_progress)(const char *label, int pct);
};

/*
 * A connection to the host o names; nothing is sent yet and no one is
 * logged in.  The strings of o are copied.  NULL with errno when libcurl
 * cannot be initialised.  Free with viclient_free.
 */
struct viclient	*viclient_create(const struct viclient_opts *o);
/* Log the session out unless it is kept (or there is none); free c.
 * Accepts NULL. */
void		 viclient_free(struct viclient *c);
/* Pin the host's certificate to thumbprint, replacing chain and name
 * checks; for a pin learnt after viclient_create (a saved session). */
void		 viclient_pin(struct viclient *c, const char *thumbprint);
/*
 * Adopt a session kept from an earlier run: cookie ("vmware_soap_session=
 * ..."), user (NULL or "": unchanged), thumbprint (pinned unless a pin is
 * set already; may be NULL).  The session is kept at viclient_free.
 */
void		 viclient_resume(struct viclient *c, const char *cookie,
		     const char *user, const char *thumbprint);
/* Keep the session at viclient_free (the program saved it). */
void		 viclient_keep(struct viclient *c);
/*
 * Log in as user (NULL: the connection's) with password, which is wiped
 * from the request after it is sent; a later call replaces the session.
 * 0, or -1 with the error remembered.
 */
int		 viclient_login(struct viclient *c, const char *user,
		     const char *password);
/*
 * Log in as user on hostd's Unix socket with a local ticket
 * (SessionManager.AcquireLocalTicket: hostd writes a one-time password to
 * a file only this process's user can read).  0, or -1 with the error
 * for viclient_errname/viclient_errmsg.
 */
int		 viclient_login_ticket(struct viclient *c, const char *user);
/* Log the session out; it is then not logged out again at free.  0, or
 * -1 with the error remembered (NotAuthenticated: it had ended). */
int		 viclient_logout(struct viclient *c);
/*
 * Call method on _this (type, id) with args (XML of the parameters after
 * _this, may be NULL; wiped after sending, as it may hold a password).
 * 0 with *r holding the response, to be freed with vireply_clear; -1 on a
 * fault or a transport error, with the error remembered and *r zeroed.
 */
int		 viclient_call(struct viclient *c, const char *method,
		     const char *type, const char *id, const char *args,
		     struct vireply *r);
/* viclient_call for a method whose result is not needed: 0 or -1. */
int		 viclient_do(struct viclient *c, const char *method,
		     const char *type, const char *id, const char *args);
/* Remember an error as a fault name ("" for none) and a message. */
void		 viclient_seterr(struct viclient *c, const char *name,
		     const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));
/* The name of the last fault ("" if it was not one), and its message
 * ("failed" if none was set); borrowed until the next call. */
const char	*viclient_errname(struct viclient *c);
const char	*viclient_errmsg(struct viclient *c);
/*
 * /folder transfers of datastore ds, path rel.  Download writes to fd
 * from offset *off on (Range), advancing it; upload reads the file path.
 * label non-NULL reports progress to vo_progress.  0, or -1 with the
 * error remembered (FileNotFound, NoPermission, NotAuthenticated,
 * NotSupported, or a transport error).
 */
int		 viclient_download(struct viclient *c, const char *ds,
		     const char *rel, int fd, long long *off,
		     const char *label);
int		 viclient_upload(struct viclient *c, const char *file,
		     const char *ds, const char *rel, const char *label);
/* GET into fd, or PUT the file path to, a URL the host gave (its host
 * part replaced by ours); 0 or -1 as above. */
int		 viclient_get_url(struct viclient *c, const char *url, int fd,
		     const char *label);
int		 viclient_put_url(struct viclient *c, const char *url,
		     const char *file, const char *label);
/* The user name, the session key ("host:port" or "unix:path", for a
 * program's session file), the server for messages, the session cookie
 * (NULL before Login) and the pinned thumbprint (or NULL); borrowed. */
const char	*viclient_user(struct viclient *c);
const char	*viclient_key(const struct viclient *c);
const char	*viclient_server(const struct viclient *c);
const char	*viclient_cookie(const struct viclient *c);
const char	*viclient_thumbprint(const struct viclient *c);

#endif
