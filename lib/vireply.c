/* SPDX-License-Identifier: ISC */
/*
 * SOAP responses from the host, the one untrusted input a VI API client
 * parses (a host may be hostile, or only broken): through lib/xml.c,
 * namespace aware, with its limits.  A response is either <XResponse> in
 * the Body or a soapenv:Fault, whose type is the xsi:type of the one
 * element in <detail> (or that element's name without "Fault"), as
 * pyVmomi reads it (vi-api.md 2.5).  A fault without detail is still a
 * fault, named SystemError, so a caller never mistakes it for a result.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vireply.h"
#include "xmalloc.h"
#include "xml.h"

static char	*vireply_local(const char *);

/* "vim25:InvalidLogin" -> "InvalidLogin" (copy). */
static char *
vireply_local(const char *s)
{
	const char	*p;

	p = strrchr(s, ':');
	return (xstrdup(p != NULL ? p + 1 : s));
}

char *
vireply_xsitype(xmlNodePtr node)
{
	char	*t, *l;

	if (node == NULL || (t = xml_attr(node, VIREPLY_NS_XSI,
	    "type")) == NULL)
		return (NULL);
	l = vireply_local(t);
	free(t);
	return (l);
}

int
vireply_parse(const char *buf, size_t len, struct vireply *r, char **cause)
{
	xmlNodePtr	 env, body, fault, detail, d;
	char		*s;
	size_t		 n;

	memset(r, 0, sizeof *r);
	if ((r->r_doc = xml_parse(buf, len, NULL, cause)) == NULL)
		return (-1);
	env = xmlDocGetRootElement(r->r_doc);
	if (env == NULL || env->ns == NULL ||
	    strcmp((const char *)env->ns->href, VIREPLY_NS_SOAPENV) != 0 ||
	    strcmp((const char *)env->name, "Envelope") != 0) {
		if (cause != NULL)
			*cause = xstrdup("not a SOAP envelope");
		goto bad;
	}
	if ((body = xml_child(env, VIREPLY_NS_SOAPENV, "Body")) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("SOAP envelope without a Body");
		goto bad;
	}
	if ((fault = xml_child(body, VIREPLY_NS_SOAPENV, "Fault")) != NULL) {
		r->r_msg = vireply_field(fault, "faultstring");
		if (r->r_msg == NULL)
			r->r_msg = xstrdup("");
		detail = xml_child(fault, NULL, "detail");
		d = xml_child(detail, NULL, NULL);
		if ((r->r_fault = vireply_xsitype(d)) == NULL && d != NULL) {
			s = (char *)d->name;
			n = strlen(s);
			if (n > 5 && strcmp(s + n - 5, "Fault") == 0)
				r->r_fault = xstrndup(s, n - 5);
			else
				r->r_fault = xstrdup(s);
		}
		if (r->r_fault == NULL || r->r_fault[0] == '\0') {
			free(r->r_fault);
			r->r_fault = xstrdup("SystemError");
		}
		return (0);
	}
	r->r_body = xml_child(body, NULL, NULL);
	if (r->r_body == NULL || (n = strlen((const char *)r->r_body->name)) <
	    8 || strcmp((const char *)r->r_body->name + n - 8,
	    "Response") != 0) {
		if (cause != NULL)
			*cause = xstrdup("SOAP Body without a response");
		goto bad;
	}
	return (0);
bad:
	vireply_clear(r);
	errno = EINVAL;
	return (-1);
}

void
vireply_clear(struct vireply *r)
{
	if (r->r_doc != NULL)
		xmlFreeDoc(r->r_doc);
	free(r->r_fault);
	free(r->r_msg);
	memset(r, 0, sizeof *r);
}

xmlNodePtr
vireply_returnval(const struct vireply *r)
{
	return (xml_child(r->r_body, NULL, "returnval"));
}

xmlNodePtr
vireply_next(xmlNodePtr node)
{
	return (xml_next(node, NULL, "returnval"));
}

char *
vireply_field(xmlNodePtr node, const char *name)
{
	xmlNodePtr	 c;

	if ((c = xml_child(node, NULL, name)) == NULL)
		return (NULL);
	return (xml_text(c));
}

void
vireply_localized(xmlNodePtr err, char **name, char **msg)
{
	xmlNodePtr	 f;

	f = xml_child(err, NULL, "fault");
	if ((*name = vireply_xsitype(f)) == NULL)
		*name = xstrdup("SystemError");
	if ((*msg = vireply_field(err, "localizedMessage")) == NULL ||
	    (*msg)[0] == '\0') {
		free(*msg);
		*msg = xstrdup("the task failed");
	}
}
