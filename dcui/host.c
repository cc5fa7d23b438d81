/* SPDX-License-Identifier: ISC */
/*
 * dcui's link to hostd: its own session (SessionManager.AcquireLocalTicket
 * for the principal "dcui", then Login with the one-time password read
 * from the file hostd made for us), the calls, and the check of a
 * person's credentials in a separate, short session.  Passwords are wiped
 * as soon as they are sent.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "vireply.h"
#include "xmalloc.h"

static struct viclient *host_open(struct dcui *);
static char	*host_text(xmlNodePtr);
static void	 host_props_spec(struct buf *, const char *, const char *,
		    const char *const *, size_t);

/* The text of propSet's val; an array's items separated by spaces. */
static char *
host_text(xmlNodePtr propset)
{
	struct buf	 b;
	xmlNodePtr	 v, i;
	xmlChar		*t;

	for (v = propset->children; v != NULL; v = v->next)
		if (v->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)v->name, "val") == 0)
			break;
	if (v == NULL)
		return (NULL);
	buf_init(&b);
	for (i = v->children; i != NULL; i = i->next)
		if (i->type == XML_ELEMENT_NODE)
			break;
	if (i == NULL)
		i = v;
	else
		i = v->children;
	for (; i != NULL; i = i == v ? NULL : i->next) {
		if (i != v && i->type != XML_ELEMENT_NODE)
			continue;
		t = xmlNodeGetContent(i);
		buf_printf(&b, "%s%s", b.b_len > 0 ? " " : "",
		    t != NULL ? (const char *)t : "");
		xmlFree(t);
	}
	return (buf_take(&b));
}

static struct viclient *
host_open(struct dcui *d)
{
	struct viclient_opts	 o;
	struct viclient		*c;

	memset(&o, 0, sizeof o);
	o.vo_server = "localhost";
	o.vo_unix = d->d_sock;
	o.vo_user = "dcui";
	/* The user agent hostd has always seen from dcui. */
	o.vo_name = "rcli";
	if ((c = viclient_create(&o)) == NULL)
		fprintf(stderr, "rcli: cannot initialise libcurl\n");
	return (c);
}

int
host_session(struct dcui *d, char **cause)
{
	struct viclient	*c;

	if (d->d_conn != NULL)
		return (0);
	if ((c = host_open(d)) == NULL) {
		xasprintf(cause, "cannot reach hostd at %s", d->d_sock);
		return (-1);
	}
	if (viclient_login_ticket(c, "dcui") == -1) {
		xasprintf(cause, "hostd refused dcui's local ticket: %s",
		    viclient_errmsg(c));
		viclient_free(c);
		return (-1);
	}
	d->d_conn = c;
	return (0);
}

void
host_drop(struct dcui *d)
{
	if (d->d_conn != NULL)
		viclient_free(d->d_conn);
	d->d_conn = NULL;
}

int
host_call(struct dcui *d, const char *method, const char *type,
    const char *id, const char *args, struct vireply *r, char **cause)
{
	int	tries;

	for (tries = 0; tries < 2; tries++) {
		if (host_session(d, cause) == -1)
			return (-1);
		if (viclient_call(d->d_conn, method, type, id, args, r) == 0)
			return (0);
		/* A restarted hostd forgot our session: log in again. */
		if (tries == 0 && (strcmp(viclient_errname(d->d_conn),
		    "NotAuthenticated") == 0 ||
		    strcmp(viclient_errname(d->d_conn), "") == 0)) {
			host_drop(d);
			continue;
		}
		xasprintf(cause, "%s", viclient_errmsg(d->d_conn));
		return (-1);
	}
	xasprintf(cause, "hostd is not answering");
	return (-1);
}

/* The RetrieveProperties specSet for paths of one object into a. */
static void
host_props_spec(struct buf *a, const char *type, const char *id,
    const char *const *paths, size_t n)
{
	size_t	i;

	buf_init(a);
	buf_str(a, "<specSet><propSet>");
	buf_elem(a, "type", type);
	for (i = 0; i < n; i++)
		buf_elem(a, "pathSet", paths[i]);
	buf_str(a, "</propSet><objectSet>");
	buf_moref(a, "obj", type, id);
	buf_str(a, "</objectSet></specSet>");
}

int
host_props(struct dcui *d, const char *type, const char *id,
    const char *const *paths, size_t n, char **values, char **cause)
{
	struct buf	 a;
	struct vireply	 r;
	xmlNodePtr	 oc, p;
	char		*name;
	size_t		 i;

	for (i = 0; i < n; i++)
		values[i] = NULL;
	host_props_spec(&a, type, id, paths, n);
	if (host_call(d, "RetrieveProperties", "PropertyCollector",
	    "ha-property-collector", a.b_data, &r, cause) == -1) {
		buf_free(&a);
		return (-1);
	}
	buf_free(&a);
	for (oc = vireply_returnval(&r); oc != NULL; oc = vireply_next(oc)) {
		for (p = oc->children; p != NULL; p = p->next) {
			if (p->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)p->name, "propSet") != 0)
				continue;
			if ((name = vireply_field(p, "name")) == NULL)
				continue;
			for (i = 0; i < n; i++) {
				if (strcmp(name, paths[i]) == 0 &&
				    values[i] == NULL)
					values[i] = host_text(p);
			}
			free(name);
		}
	}
	vireply_clear(&r);
	for (i = 0; i < n; i++)
		if (values[i] == NULL)
			values[i] = xstrdup("");
	return (0);
}

int
host_prop_val(struct dcui *d, const char *type, const char *id,
    const char *path, struct vireply *r, xmlNodePtr *val, char **cause)
{
	struct buf	 a;
	xmlNodePtr	 oc, p, v;

	host_props_spec(&a, type, id, &path, 1);
	if (host_call(d, "RetrieveProperties", "PropertyCollector",
	    "ha-property-collector", a.b_data, r, cause) == -1) {
		buf_free(&a);
		return (-1);
	}
	buf_free(&a);
	*val = NULL;
	oc = vireply_returnval(r);
	for (p = oc != NULL ? oc->children : NULL; p != NULL && *val == NULL;
	    p = p->next) {
		if (p->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)p->name, "propSet") != 0)
			continue;
		for (v = p->children; v != NULL; v = v->next)
			if (v->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)v->name, "val") == 0)
				break;
		*val = v;
	}
	return (0);
}

int
host_check_admin(struct dcui *d, const char *user, const char *pw,
    char **cause)
{
	struct viclient	*c;
	struct buf	 a;
	struct vireply	 r;
	xmlNodePtr	 v;
	int		 found = 0;

	if (*user == '\0') {
		xasprintf(cause, "Type a user name.");
		return (-1);
	}
	if ((c = host_open(d)) == NULL) {
		xasprintf(cause, "Cannot reach hostd at %s.", d->d_sock);
		return (-1);
	}
	if (viclient_login(c, user, pw) == -1) {
		/* hostd's message says whether the account is locked. */
		xasprintf(cause, "Login failed: %s", viclient_errmsg(c));
		viclient_free(c);
		return (-1);
	}
	/* The console-admin check is hostd's (mo-userdirectory.c). */
	buf_init(&a);
	buf_elem(&a, "domain", "");
	buf_elem(&a, "searchStr", user);
	buf_elem(&a, "belongsToGroup", "localadmin");
	buf_elem(&a, "exactMatch", "true");
	buf_elem(&a, "findUsers", "true");
	buf_elem(&a, "findGroups", "false");
	if (viclient_call(c, "RetrieveUserGroups", "UserDirectory",
	    "ha-user-directory", a.b_data, &r) == -1) {
		xasprintf(cause, "Cannot check %s: %s", user,
		    viclient_errmsg(c));
		buf_free(&a);
		viclient_free(c);
		return (-1);
	}
	buf_free(&a);
	for (v = vireply_returnval(&r); v != NULL; v = vireply_next(v))
		found = 1;
	vireply_clear(&r);
	viclient_free(c);
	if (!found) {
		xasprintf(cause, "%s may not use the console: only root and "
		    "members of localadmin may.", user);
		return (-1);
	}
	return (0);
}
