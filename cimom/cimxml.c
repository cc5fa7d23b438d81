/* SPDX-License-Identifier: ISC */
/*
 * CIM-XML requests and responses (cimxml.h).  Parsing trusts nothing:
 * lib/xml.c refuses DTDs and entities and caps size, depth and nodes;
 * everything after that is a walk over the tree that checks each element
 * it reads and reports the DSP0200 CIMError token for what is wrong.
 * Element and attribute names are compared exactly (the DTD's case);
 * boolean values and CIM names case-insensitively, as clients differ.
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "cimxml.h"
#include "cmpi/cmpidt.h"
#include "repository.h"
#include "xml.h"
#include "xmalloc.h"

static const char *const cimxml_codes[] = {
	"CIM_ERR_OK", "CIM_ERR_FAILED", "CIM_ERR_ACCESS_DENIED",
	"CIM_ERR_INVALID_NAMESPACE", "CIM_ERR_INVALID_PARAMETER",
	"CIM_ERR_INVALID_CLASS", "CIM_ERR_NOT_FOUND", "CIM_ERR_NOT_SUPPORTED",
	"CIM_ERR_CLASS_HAS_CHILDREN", "CIM_ERR_CLASS_HAS_INSTANCES",
	"CIM_ERR_INVALID_SUPERCLASS", "CIM_ERR_ALREADY_EXISTS",
	"CIM_ERR_NO_SUCH_PROPERTY", "CIM_ERR_TYPE_MISMATCH",
	"CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED", "CIM_ERR_INVALID_QUERY",
	"CIM_ERR_METHOD_NOT_AVAILABLE", "CIM_ERR_METHOD_NOT_FOUND",
};

static void	cimxml_quals(struct evbuffer *, const struct repo_quals *);
static int	cimxml_major_ok(xmlNodePtr, const char *);
static char	*cimxml_namespace(xmlNodePtr);

const char *
cimxml_status_name(int code)
{
	if (code >= 0 && (size_t)code < sizeof cimxml_codes /
	    sizeof cimxml_codes[0])
		return (cimxml_codes[code]);
	return ("CIM_ERR_FAILED");
}

void
cimxml_strv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
cimxml_strv_has(char *const *v, const char *s)
{
	size_t	i;

	if (v == NULL)
		return (1);
	for (i = 0; v[i] != NULL; i++)
		if (strcasecmp(v[i], s) == 0)
			return (1);
	return (0);
}

/* CIMVERSION/DTDVERSION: only the major number must be 2. */
static int
cimxml_major_ok(xmlNodePtr n, const char *attr)
{
	char	*v = xml_attr(n, NULL, attr);
	int	 ok;

	ok = v != NULL && v[0] == '2' && (v[1] == '\0' || v[1] == '.');
	free(v);
	return (ok);
}

/* "root/cimv2" from LOCALNAMESPACEPATH's NAMESPACE children. */
static char *
cimxml_namespace(xmlNodePtr lnp)
{
	xmlNodePtr	 n;
	char		*name, *ns = NULL, *t;

	for (n = xml_child(lnp, NULL, "NAMESPACE"); n != NULL;
	    n = xml_next(n, NULL, "NAMESPACE")) {
		if ((name = xml_attr(n, NULL, "NAME")) == NULL ||
		    *name == '\0' || strchr(name, '/') != NULL) {
			free(name);
			free(ns);
			return (NULL);
		}
		if (ns == NULL)
			ns = name;
		else {
			xasprintf(&t, "%s/%s", ns, name);
			free(ns);
			free(name);
			ns = t;
		}
	}
	return (ns);
}

int
cimxml_parse(const char *body, size_t len, struct cimxml_req *r,
    const char **hdr, char **cause)
{
	struct xml_limits	 lim = { CIMXML_MAX_BODY, CIMXML_MAX_DEPTH, 0 };
	xmlNodePtr		 root, msg, sreq, call, p, lnp;

	memset(r, 0, sizeof *r);
	*hdr = "request-not-well-formed";
	if ((r->cr_doc = xml_parse(body, len, &lim, cause)) == NULL)
		return (-1);
	*hdr = "request-not-valid";
	root = xmlDocGetRootElement(r->cr_doc);
	if (root == NULL || !xmlStrEqual(root->name, BAD_CAST "CIM") ||
	    root->ns != NULL) {
		xasprintf(cause, "the root element is not CIM");
		goto fail;
	}
	if (!cimxml_major_ok(root, "CIMVERSION")) {
		*hdr = "unsupported-cim-version";
		xasprintf(cause, "CIMVERSION is not 2.x");
		goto fail;
	}
	if (!cimxml_major_ok(root, "DTDVERSION")) {
		*hdr = "unsupported-dtd-version";
		xasprintf(cause, "DTDVERSION is not 2.x");
		goto fail;
	}
	if ((msg = xml_child(root, NULL, "MESSAGE")) == NULL ||
	    (r->cr_id = xml_attr(msg, NULL, "ID")) == NULL) {
		xasprintf(cause, "no MESSAGE with an ID");
		goto fail;
	}
	if (xml_child(msg, NULL, "MULTIREQ") != NULL) {
		*hdr = "multiple-requests-unsupported";
		xasprintf(cause, "MULTIREQ");
		goto fail;
	}
	if ((sreq = xml_child(msg, NULL, "SIMPLEREQ")) == NULL) {
		xasprintf(cause, "no SIMPLEREQ");
		goto fail;
	}
	if ((call = xml_child(sreq, NULL, "IMETHODCALL")) != NULL) {
		lnp = xml_child(call, NULL, "LOCALNAMESPACEPATH");
	} else if ((call = xml_child(sreq, NULL, "METHODCALL")) != NULL) {
		r->cr_extrinsic = 1;
		if ((p = xml_child(call, NULL, "LOCALINSTANCEPATH")) != NULL)
			r->cr_target = xml_child(p, NULL, "INSTANCENAME");
		else if ((p = xml_child(call, NULL, "LOCALCLASSPATH")) != NULL)
			r->cr_target = xml_child(p, NULL, "CLASSNAME");
		lnp = xml_child(p, NULL, "LOCALNAMESPACEPATH");
		if (r->cr_target == NULL) {
			xasprintf(cause, "METHODCALL without a local path");
			goto fail;
		}
		r->cr_class = xml_attr(r->cr_target, NULL,
		    xmlStrEqual(r->cr_target->name, BAD_CAST "CLASSNAME") ?
		    "NAME" : "CLASSNAME");
		if (r->cr_class == NULL || *r->cr_class == '\0') {
			xasprintf(cause, "METHODCALL target without a class");
			goto fail;
		}
	} else {
		xasprintf(cause, "no IMETHODCALL or METHODCALL");
		goto fail;
	}
	r->cr_call = call;
	if ((r->cr_method = xml_attr(call, NULL, "NAME")) == NULL ||
	    *r->cr_method == '\0') {
		xasprintf(cause, "a call without a NAME");
		goto fail;
	}
	if (lnp == NULL || (r->cr_ns = cimxml_namespace(lnp)) == NULL) {
		xasprintf(cause, "no usable LOCALNAMESPACEPATH");
		goto fail;
	}
	*hdr = NULL;
	return (0);

fail:
	cimxml_req_clear(r);
	return (-1);
}

void
cimxml_req_clear(struct cimxml_req *r)
{
	if (r->cr_doc != NULL)
		xmlFreeDoc(r->cr_doc);
	free(r->cr_id);
	free(r->cr_method);
	free(r->cr_ns);
	free(r->cr_class);
	memset(r, 0, sizeof *r);
}

xmlNodePtr
cimxml_param(const struct cimxml_req *r, const char *name, int *present)
{
	xmlNodePtr	 p;
	char		*n;
	int		 match;

	if (present != NULL)
		*present = 0;
	for (p = xml_child(r->cr_call, NULL, "IPARAMVALUE"); p != NULL;
	    p = xml_next(p, NULL, "IPARAMVALUE")) {
		n = xml_attr(p, NULL, "NAME");
		match = n != NULL && strcasecmp(n, name) == 0;
		free(n);
		if (match) {
			if (present != NULL)
				*present = 1;
			return (xml_child(p, NULL, NULL));
		}
	}
	return (NULL);
}

int
cimxml_check_params(const struct cimxml_req *r, const char *const *params,
    char **bad)
{
	xmlNodePtr	 p;
	char		*n;
	size_t		 i;

	for (p = xml_child(r->cr_call, NULL, "IPARAMVALUE"); p != NULL;
	    p = xml_next(p, NULL, "IPARAMVALUE")) {
		if ((n = xml_attr(p, NULL, "NAME")) == NULL) {
			*bad = xstrdup("(no name)");
			return (0);
		}
		for (i = 0; params[i] != NULL; i++)
			if (strcasecmp(params[i], n) == 0)
				break;
		if (params[i] == NULL) {
			*bad = n;
			return (0);
		}
		free(n);
	}
	return (1);
}

int
cimxml_param_bool(const struct cimxml_req *r, const char *name, int def)
{
	xmlNodePtr	 v;
	char		*t;
	int		 present, b = -1;

	v = cimxml_param(r, name, &present);
	if (!present || v == NULL)
		return (def);
	if (!xmlStrEqual(v->name, BAD_CAST "VALUE"))
		return (-1);
	t = xml_text(v);
	if (strcasecmp(t, "true") == 0)
		b = 1;
	else if (strcasecmp(t, "false") == 0)
		b = 0;
	free(t);
	return (b);
}

char *
cimxml_param_name(const struct cimxml_req *r, const char *name)
{
	xmlNodePtr	v = cimxml_param(r, name, NULL);

	if (v == NULL)
		return (NULL);
	if (xmlStrEqual(v->name, BAD_CAST "CLASSNAME"))
		return (xml_attr(v, NULL, "NAME"));
	if (xmlStrEqual(v->name, BAD_CAST "VALUE"))
		return (xml_text(v));
	return (NULL);
}

char **
cimxml_param_proplist(const struct cimxml_req *r)
{
	xmlNodePtr	  a, v;
	char		**props;
	size_t		  n = 0;

	if ((a = cimxml_param(r, "PropertyList", NULL)) == NULL ||
	    !xmlStrEqual(a->name, BAD_CAST "VALUE.ARRAY"))
		return (NULL);
	props = xcalloc(1, sizeof *props);
	for (v = xml_child(a, NULL, "VALUE"); v != NULL;
	    v = xml_next(v, NULL, "VALUE")) {
		props = xreallocarray(props, n + 2, sizeof *props);
		props[n++] = xml_text(v);
		props[n] = NULL;
	}
	return (props);
}

/* XML 1.0 text: the five entities; C0 controls but TAB/LF/CR dropped. */
void
cimxml_escape(struct evbuffer *b, const char *s)
{
	const char	*p, *run = s;

	for (p = s; *p != '\0'; p++) {
		const char	*rep = NULL;

		switch (*p) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default:
			if ((unsigned char)*p < 0x20 && *p != '\t' &&
			    *p != '\n' && *p != '\r')
				rep = "";
		}
		if (rep == NULL)
			continue;
		evbuffer_add(b, run, (size_t)(p - run));
		evbuffer_add(b, rep, strlen(rep));
		run = p + 1;
	}
	evbuffer_add(b, run, (size_t)(p - run));
}

void
cimxml_begin(struct evbuffer *b, const char *id)
{
	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n<MESSAGE ID=\"");
	cimxml_escape(b, id);
	evbuffer_add_printf(b, "\" PROTOCOLVERSION=\"1.0\">\n<SIMPLERSP>\n");
}

void
cimxml_end(struct evbuffer *b)
{
	evbuffer_add_printf(b, "</SIMPLERSP>\n</MESSAGE>\n</CIM>\n");
}

void
cimxml_error(struct evbuffer *b, const char *id, int extrinsic,
    const char *method, int code, const char *desc)
{
	const char	*el = extrinsic ? "METHODRESPONSE" : "IMETHODRESPONSE";

	cimxml_begin(b, id);
	evbuffer_add_printf(b, "<%s NAME=\"", el);
	cimxml_escape(b, method);
	evbuffer_add_printf(b, "\"><ERROR CODE=\"%d\" DESCRIPTION=\"", code);
	cimxml_escape(b, desc != NULL ? desc : cimxml_status_name(code));
	evbuffer_add_printf(b, "\"/></%s>\n", el);
	cimxml_end(b);
}

void
cimxml_localns(struct evbuffer *b, const char *ns)
{
	const char	*p = ns, *slash;

	evbuffer_add_printf(b, "<LOCALNAMESPACEPATH>");
	for (;;) {
		slash = strchr(p, '/');
		evbuffer_add_printf(b, "<NAMESPACE NAME=\"");
		evbuffer_add(b, p, slash ? (size_t)(slash - p) : strlen(p));
		evbuffer_add_printf(b, "\"/>");
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	evbuffer_add_printf(b, "</LOCALNAMESPACEPATH>");
}

void
cimxml_nspath(struct evbuffer *b, const char *host, const char *ns)
{
	evbuffer_add_printf(b, "<NAMESPACEPATH><HOST>");
	cimxml_escape(b, host);
	evbuffer_add_printf(b, "</HOST>");
	cimxml_localns(b, ns);
	evbuffer_add_printf(b, "</NAMESPACEPATH>");
}

static void
cimxml_quals(struct evbuffer *b, const struct repo_quals *q)
{
	const struct repo_qual	*r;
	size_t			 i, j;

	for (i = 0; i < q->q_n; i++) {
		r = &q->q_v[i];
		evbuffer_add_printf(b, "<QUALIFIER NAME=\"%s\" TYPE=\"%s\"%s%s"
		    "%s%s>", r->rq_name, repository_type_name(r->rq_type),
		    r->rq_propagated ? " PROPAGATED=\"true\"" : "",
		    r->rq_overridable ? "" : " OVERRIDABLE=\"false\"",
		    r->rq_tosubclass ? "" : " TOSUBCLASS=\"false\"",
		    r->rq_translatable ? " TRANSLATABLE=\"true\"" : "");
		if (r->rq_array) {
			evbuffer_add_printf(b, "<VALUE.ARRAY>");
			for (j = 0; j < r->rq_nvals; j++) {
				evbuffer_add_printf(b, "<VALUE>");
				cimxml_escape(b, r->rq_vals[j]);
				evbuffer_add_printf(b, "</VALUE>");
			}
			evbuffer_add_printf(b, "</VALUE.ARRAY>");
		} else if (r->rq_nvals > 0) {
			evbuffer_add_printf(b, "<VALUE>");
			cimxml_escape(b, r->rq_vals[0]);
			evbuffer_add_printf(b, "</VALUE>");
		}
		evbuffer_add_printf(b, "</QUALIFIER>\n");
	}
}

void
cimxml_class(struct evbuffer *b, const struct repo_class *c, int localonly,
    int quals, int origin, char *const *props)
{
	const struct repo_feature	*f;
	const struct repo_param		*p;
	const char			*el;
	size_t				 i, j;

	evbuffer_add_printf(b, "<CLASS NAME=\"%s\"", c->rc_name);
	if (c->rc_super != NULL)
		evbuffer_add_printf(b, " SUPERCLASS=\"%s\"", c->rc_super);
	evbuffer_add_printf(b, ">\n");
	if (quals)
		cimxml_quals(b, &c->rc_quals);
	for (i = 0; i < c->rc_nfeat; i++) {
		f = &c->rc_feat[i];
		if (f->rf_kind != REPO_PROPERTY ||
		    (localonly && f->rf_propagated) ||
		    !cimxml_strv_has(props, f->rf_name))
			continue;
		el = f->rf_type == CMPI_ref ? "PROPERTY.REFERENCE" :
		    f->rf_array ? "PROPERTY.ARRAY" : "PROPERTY";
		evbuffer_add_printf(b, "<%s NAME=\"%s\"", el, f->rf_name);
		if (f->rf_type == CMPI_ref)
			evbuffer_add_printf(b, " REFERENCECLASS=\"%s\"",
			    f->rf_refclass);
		else
			evbuffer_add_printf(b, " TYPE=\"%s\"",
			    repository_type_name(f->rf_type));
		if (origin)
			evbuffer_add_printf(b, " CLASSORIGIN=\"%s\"",
			    f->rf_origin);
		if (f->rf_propagated)
			evbuffer_add_printf(b, " PROPAGATED=\"true\"");
		evbuffer_add_printf(b, ">");
		if (quals)
			cimxml_quals(b, &f->rf_quals);
		if (f->rf_defs != NULL && f->rf_type != CMPI_ref) {
			if (f->rf_array)
				evbuffer_add_printf(b, "<VALUE.ARRAY>");
			for (j = 0; j < f->rf_ndefs; j++) {
				evbuffer_add_printf(b, "<VALUE>");
				cimxml_escape(b, f->rf_defs[j]);
				evbuffer_add_printf(b, "</VALUE>");
			}
			if (f->rf_array)
				evbuffer_add_printf(b, "</VALUE.ARRAY>");
		}
		evbuffer_add_printf(b, "</%s>\n", el);
	}
	for (i = 0; i < c->rc_nfeat; i++) {
		f = &c->rc_feat[i];
		if (f->rf_kind != REPO_METHOD || (localonly && f->rf_propagated))
			continue;
		evbuffer_add_printf(b, "<METHOD NAME=\"%s\" TYPE=\"%s\"",
		    f->rf_name, repository_type_name(f->rf_type));
		if (origin)
			evbuffer_add_printf(b, " CLASSORIGIN=\"%s\"",
			    f->rf_origin);
		if (f->rf_propagated)
			evbuffer_add_printf(b, " PROPAGATED=\"true\"");
		evbuffer_add_printf(b, ">\n");
		if (quals)
			cimxml_quals(b, &f->rf_quals);
		for (j = 0; j < f->rf_nparams; j++) {
			p = &f->rf_params[j];
			if (p->rp_type == CMPI_ref) {
				el = p->rp_array ? "PARAMETER.REFARRAY" :
				    "PARAMETER.REFERENCE";
				evbuffer_add_printf(b, "<%s NAME=\"%s\" "
				    "REFERENCECLASS=\"%s\">", el, p->rp_name,
				    p->rp_refclass);
			} else {
				el = p->rp_array ? "PARAMETER.ARRAY" :
				    "PARAMETER";
				evbuffer_add_printf(b, "<%s NAME=\"%s\" "
				    "TYPE=\"%s\">", el, p->rp_name,
				    repository_type_name(p->rp_type));
			}
			if (quals)
				cimxml_quals(b, &p->rp_quals);
			evbuffer_add_printf(b, "</%s>\n", el);
		}
		evbuffer_add_printf(b, "</METHOD>\n");
	}
	evbuffer_add_printf(b, "</CLASS>\n");
}
