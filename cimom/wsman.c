/* SPDX-License-Identifier: ISC */
/*
 * WS-Management (wsman.h).  Requests are parsed with lib/xml.c like any
 * untrusted input; faults are SOAP 1.2 with the WS-Management subcodes
 * (DestinationUnreachable for unknown classes, ActionNotSupported,
 * InvalidEnumerationContext).  Items follow openwsman's layout: one
 * element per instance named after the class, in the namespace of its
 * resource URI, one child per non-NULL property.  Contexts expire after
 * WSMAN_CONTEXT_TTL seconds since wsl never sends Release, and at most
 * WSMAN_MAX_CONTEXTS exist (the oldest goes first).  wsl keeps pulling
 * while a response carries a non-empty context: the last one has none.
 */

#include "config.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "cimxml.h"
#include "log.h"
#include "wsman.h"
#include "xml.h"
#include "xmalloc.h"

#define WSMAN_NS_S	"http://www.w3.org/2003/05/soap-envelope"
#define WSMAN_NS_WSA	"http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define WSMAN_NS_WSEN	"http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define WSMAN_NS_WSMAN	"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define WSMAN_NS_WSMID	\
	"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define WSMAN_NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define WSMAN_ANON	\
	"http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define WSMAN_CIM_URI	"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"

#define WSMAN_CONTEXT_TTL	600
#define WSMAN_MAX_CONTEXTS	64
#define WSMAN_MAX_BODY		(512 * 1024)
#define WSMAN_MAX_ELEMENTS	10000

struct wsman_ctx {
	TAILQ_ENTRY(wsman_ctx)	 wc_entry;
	char			 wc_id[48];
	char			**wc_items;
	size_t			 wc_n, wc_pos;
	time_t			 wc_expires;
};
TAILQ_HEAD(wsman_ctxs, wsman_ctx);

struct wsman {
	struct wsman_ctxs	 w_ctxs;
	size_t			 w_n;
	unsigned long		 w_next;
	char			*w_host;
};

static const struct {
	const char	*a_uri;
	int		 a_action;
} wsman_actions[] = {
	{ WSMAN_NS_WSEN "/Enumerate", WSMAN_ENUMERATE },
	{ WSMAN_NS_WSEN "/Pull", WSMAN_PULL },
	{ WSMAN_NS_WSEN "/Release", WSMAN_RELEASE },
};

static void	wsman_fault(struct evbuffer *, const char *, const char *,
		    const char *, const char *);
static void	wsman_head(struct evbuffer *, const struct wsman_req *,
		    const char *);
static void	wsman_ctx_free(struct wsman *, struct wsman_ctx *);
static void	wsman_expire(struct wsman *);
static struct wsman_ctx *wsman_ctx_find(struct wsman *, const char *);
static size_t	wsman_items(const struct wsman_req *, const char *, size_t,
		    char ***);
static void	wsman_page(struct wsman *, struct wsman_ctx *, unsigned int,
		    struct evbuffer *, int);

struct wsman *
wsman_create(const char *host)
{
	struct wsman	*w = xcalloc(1, sizeof *w);

	TAILQ_INIT(&w->w_ctxs);
	w->w_host = xstrdup(host);
	return (w);
}

void
wsman_free(struct wsman *w)
{
	struct wsman_ctx	*c;

	if (w == NULL)
		return;
	while ((c = TAILQ_FIRST(&w->w_ctxs)) != NULL)
		wsman_ctx_free(w, c);
	free(w->w_host);
	free(w);
}

static void
wsman_ctx_free(struct wsman *w, struct wsman_ctx *c)
{
	size_t	i;

	TAILQ_REMOVE(&w->w_ctxs, c, wc_entry);
	w->w_n--;
	for (i = 0; i < c->wc_n; i++)
		free(c->wc_items[i]);
	free(c->wc_items);
	free(c);
}

static void
wsman_expire(struct wsman *w)
{
	struct wsman_ctx	*c, *next;
	time_t			 now = time(NULL);

	for (c = TAILQ_FIRST(&w->w_ctxs); c != NULL; c = next) {
		next = TAILQ_NEXT(c, wc_entry);
		if (c->wc_expires < now)
			wsman_ctx_free(w, c);
	}
	while (w->w_n >= WSMAN_MAX_CONTEXTS)
		wsman_ctx_free(w, TAILQ_FIRST(&w->w_ctxs));
}

static struct wsman_ctx *
wsman_ctx_find(struct wsman *w, const char *id)
{
	struct wsman_ctx	*c;

	wsman_expire(w);
	TAILQ_FOREACH(c, &w->w_ctxs, wc_entry)
		if (id != NULL && strcmp(c->wc_id, id) == 0)
			return (c);
	return (NULL);
}

void
wsman_req_clear(struct wsman_req *r)
{
	free(r->wr_msgid);
	free(r->wr_uri);
	free(r->wr_class);
	free(r->wr_ns);
	free(r->wr_context);
	memset(r, 0, sizeof *r);
}

/* A SOAP 1.2 fault: code Sender/Receiver, the WS-Man subcode QName. */
static void
wsman_fault(struct evbuffer *b, const char *code, const char *subns,
    const char *sub, const char *reason)
{
	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<s:Envelope xmlns:s=\"" WSMAN_NS_S "\" xmlns:wsa=\""
	    WSMAN_NS_WSA "\" xmlns:x=\"%s\"><s:Header><wsa:Action>"
	    "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</wsa:Action>"
	    "<wsa:To>" WSMAN_ANON "</wsa:To></s:Header><s:Body><s:Fault>"
	    "<s:Code><s:Value>s:%s</s:Value><s:Subcode><s:Value>x:%s"
	    "</s:Value></s:Subcode></s:Code><s:Reason><s:Text "
	    "xml:lang=\"en\">", subns, code, sub);
	cimxml_escape(b, reason);
	evbuffer_add_printf(b, "</s:Text></s:Reason></s:Fault></s:Body>"
	    "</s:Envelope>");
}

int
wsman_parse(const char *body, size_t len, struct wsman_req *r,
    struct evbuffer *out, int *status)
{
	struct xml_limits	 lim = { WSMAN_MAX_BODY, 32, 0 };
	xmlDocPtr		 doc;
	xmlNodePtr		 env, hdr, bdy, n, e;
	char			*cause = NULL, *action = NULL, *s, *name;
	size_t			 i;

	memset(r, 0, sizeof *r);
	*status = 400;
	if ((doc = xml_parse(body, len, &lim, &cause)) == NULL) {
		wsman_fault(out, "Sender", WSMAN_NS_WSMAN, "InvalidMessage",
		    cause != NULL ? cause : "not XML");
		free(cause);
		return (-1);
	}
	env = xmlDocGetRootElement(doc);
	if (env == NULL || !xmlStrEqual(env->name, BAD_CAST "Envelope") ||
	    env->ns == NULL || !xmlStrEqual(env->ns->href, BAD_CAST WSMAN_NS_S) ||
	    (bdy = xml_child(env, WSMAN_NS_S, "Body")) == NULL) {
		wsman_fault(out, "Sender", WSMAN_NS_WSMAN, "InvalidMessage",
		    "not a SOAP 1.2 envelope");
		xmlFreeDoc(doc);
		return (-1);
	}
	hdr = xml_child(env, WSMAN_NS_S, "Header");
	if (xml_child(bdy, WSMAN_NS_WSMID, "Identify") != NULL) {
		r->wr_action = WSMAN_IDENTIFY;
		xmlFreeDoc(doc);
		return (0);
	}
	if ((n = xml_child(hdr, WSMAN_NS_WSA, "Action")) != NULL)
		action = xml_text(n);
	for (i = 0; action != NULL &&
	    i < sizeof wsman_actions / sizeof wsman_actions[0]; i++)
		if (strcmp(action, wsman_actions[i].a_uri) == 0)
			r->wr_action = wsman_actions[i].a_action;
	if (r->wr_action == 0) {
		wsman_fault(out, "Sender", WSMAN_NS_WSA, "ActionNotSupported",
		    "the action is not supported");
		free(action);
		xmlFreeDoc(doc);
		return (-1);
	}
	free(action);
	if ((n = xml_child(hdr, WSMAN_NS_WSA, "MessageID")) != NULL)
		r->wr_msgid = xml_text(n);
	if ((n = xml_child(hdr, WSMAN_NS_WSMAN, "ResourceURI")) != NULL) {
		r->wr_uri = xml_text(n);
		if ((s = strrchr(r->wr_uri, '/')) != NULL)
			r->wr_class = xstrdup(s + 1);
	}
	n = xml_child(xml_child(hdr, WSMAN_NS_WSMAN, "SelectorSet"),
	    WSMAN_NS_WSMAN, "Selector");
	for (; n != NULL; n = xml_next(n, WSMAN_NS_WSMAN, "Selector")) {
		name = xml_attr(n, NULL, "Name");
		if (name != NULL && strcmp(name, "__cimnamespace") == 0) {
			free(r->wr_ns);
			r->wr_ns = xml_text(n);
		}
		free(name);
	}
	if (r->wr_ns == NULL)
		r->wr_ns = xstrdup("root/cimv2");
	r->wr_max = 1;
	n = xml_child(bdy, WSMAN_NS_WSEN, NULL);
	if (n != NULL) {
		if ((e = xml_child(n, WSMAN_NS_WSEN,
		    "EnumerationContext")) != NULL)
			r->wr_context = xml_text(e);
		if ((e = xml_child(n, WSMAN_NS_WSMAN, "MaxElements")) == NULL)
			e = xml_child(n, WSMAN_NS_WSEN, "MaxElements");
		if (e != NULL) {
			s = xml_text(e);
			r->wr_max = (unsigned int)strtoul(s, NULL, 10);
			free(s);
			if (r->wr_max == 0)
				r->wr_max = 1;
			if (r->wr_max > WSMAN_MAX_ELEMENTS)
				r->wr_max = WSMAN_MAX_ELEMENTS;
		}
		r->wr_optimize = xml_child(n, WSMAN_NS_WSMAN,
		    "OptimizeEnumeration") != NULL;
		if ((e = xml_child(n, WSMAN_NS_WSMAN, "EnumerationMode")) !=
		    NULL) {
			s = xml_text(e);
			r->wr_epr = strstr(s, "EPR") != NULL;
			free(s);
		}
	}
	xmlFreeDoc(doc);
	if (r->wr_action == WSMAN_ENUMERATE && (r->wr_class == NULL ||
	    strspn(r->wr_class, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789_") != strlen(r->wr_class) ||
	    *r->wr_class == '\0')) {
		wsman_fault(out, "Sender", WSMAN_NS_WSA,
		    "DestinationUnreachable", "no usable ResourceURI");
		wsman_req_clear(r);
		return (-1);
	}
	*status = 200;
	return (0);
}

void
wsman_cimxml(const struct wsman_req *r, struct evbuffer *b)
{
	char	*ns = xstrdup(r->wr_ns), *p, *seg;

	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\""
	    "EnumerateInstances\"><LOCALNAMESPACEPATH>");
	for (p = ns; (seg = strsep(&p, "/")) != NULL;) {
		evbuffer_add_printf(b, "<NAMESPACE NAME=\"");
		cimxml_escape(b, seg);
		evbuffer_add_printf(b, "\"/>");
	}
	free(ns);
	evbuffer_add_printf(b, "</LOCALNAMESPACEPATH><IPARAMVALUE NAME=\""
	    "ClassName\"><CLASSNAME NAME=\"");
	cimxml_escape(b, r->wr_class);
	evbuffer_add_printf(b, "\"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ>"
	    "</MESSAGE></CIM>");
}

/* The CIM-XML answer's instances as DSP0230 items (heap strings). */
static size_t
wsman_items(const struct wsman_req *r, const char *xml, size_t len,
    char ***items)
{
	struct xml_limits	 lim = { 64 * 1024 * 1024, 64, 0 };
	struct evbuffer		*b;
	xmlDocPtr		 doc;
	xmlNodePtr		 rv, ni, inst, p, v, kb;
	char			*cn, *name, *t, *uri;
	size_t			 n = 0, l;

	*items = NULL;
	if ((doc = xml_parse(xml, len, &lim, NULL)) == NULL)
		return (0);
	rv = xml_child(xml_child(xml_child(xml_child(xml_child(
	    xmlDocGetRootElement(doc), NULL, "MESSAGE"), NULL, "SIMPLERSP"),
	    NULL, "IMETHODRESPONSE"), NULL, "IRETURNVALUE"), NULL, NULL);
	for (ni = rv; ni != NULL; ni = xml_next(ni, NULL,
	    "VALUE.NAMEDINSTANCE")) {
		if ((inst = xml_child(ni, NULL, "INSTANCE")) == NULL)
			continue;
		cn = xml_attr(inst, NULL, "CLASSNAME");
		xasprintf(&uri, "%s%s", strncmp(cn, "CIM_", 4) == 0 ?
		    WSMAN_CIM_URI : "http://schemas.vireo.org/wbem/wscim/1/"
		    "cim-schema/2/", cn);
		b = evbuffer_new();
		if (r->wr_epr) {
			evbuffer_add_printf(b, "<wsa:EndpointReference>"
			    "<wsa:Address>" WSMAN_ANON "</wsa:Address>"
			    "<wsa:ReferenceParameters><wsman:ResourceURI>");
			cimxml_escape(b, uri);
			evbuffer_add_printf(b, "</wsman:ResourceURI>"
			    "<wsman:SelectorSet>");
			for (kb = xml_child(xml_child(ni, NULL, "INSTANCENAME"),
			    NULL, "KEYBINDING"); kb != NULL;
			    kb = xml_next(kb, NULL, "KEYBINDING")) {
				name = xml_attr(kb, NULL, "NAME");
				t = xml_text(kb);
				evbuffer_add_printf(b, "<wsman:Selector Name=\"");
				cimxml_escape(b, name != NULL ? name : "");
				evbuffer_add_printf(b, "\">");
				cimxml_escape(b, t);
				evbuffer_add_printf(b, "</wsman:Selector>");
				free(name);
				free(t);
			}
			evbuffer_add_printf(b, "<wsman:Selector Name=\""
			    "__cimnamespace\">");
			cimxml_escape(b, r->wr_ns);
			evbuffer_add_printf(b, "</wsman:Selector>"
			    "</wsman:SelectorSet></wsa:ReferenceParameters>"
			    "</wsa:EndpointReference>");
		} else {
			evbuffer_add_printf(b, "<p:%s xmlns:p=\"", cn);
			cimxml_escape(b, uri);
			evbuffer_add_printf(b, "\">");
			for (p = xml_child(inst, NULL, NULL); p != NULL;
			    p = xml_next(p, NULL, NULL)) {
				name = xml_attr(p, NULL, "NAME");
				if (name == NULL)
					continue;
				if ((v = xml_child(p, NULL, "VALUE.ARRAY")) !=
				    NULL)
					v = xml_child(v, NULL, "VALUE");
				else
					v = xml_child(p, NULL, "VALUE");
				for (; v != NULL; v = xml_next(v, NULL,
				    "VALUE")) {
					t = xml_text(v);
					evbuffer_add_printf(b, "<p:%s>", name);
					cimxml_escape(b, t);
					evbuffer_add_printf(b, "</p:%s>",
					    name);
					free(t);
				}
				free(name);
			}
			evbuffer_add_printf(b, "</p:%s>", cn);
		}
		free(uri);
		free(cn);
		l = evbuffer_get_length(b);
		*items = xreallocarray(*items, n + 1, sizeof **items);
		(*items)[n] = xmalloc(l + 1);
		evbuffer_remove(b, (*items)[n], l);
		(*items)[n][l] = '\0';
		n++;
		evbuffer_free(b);
	}
	xmlFreeDoc(doc);
	return (n);
}

static void
wsman_head(struct evbuffer *b, const struct wsman_req *r, const char *action)
{
	char		 id[64];
	unsigned char	 rnd[16];
	FILE		*f;

	memset(rnd, 0, sizeof rnd);
	if ((f = fopen("/dev/urandom", "re")) != NULL) {
		if (fread(rnd, 1, sizeof rnd, f) != sizeof rnd)
			memset(rnd, 0, sizeof rnd);
		fclose(f);
	}
	snprintf(id, sizeof id, "uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
	    rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9], rnd[10],
	    rnd[11], rnd[12], rnd[13], rnd[14], rnd[15]);
	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<s:Envelope xmlns:s=\"" WSMAN_NS_S "\" xmlns:wsa=\""
	    WSMAN_NS_WSA "\" xmlns:wsen=\"" WSMAN_NS_WSEN "\" xmlns:wsman=\""
	    WSMAN_NS_WSMAN "\" xmlns:wsmid=\"" WSMAN_NS_WSMID "\" xmlns:xsi=\""
	    WSMAN_NS_XSI "\">");
	if (action == NULL) {
		evbuffer_add_printf(b, "<s:Header/>");
		return;
	}
	evbuffer_add_printf(b, "<s:Header><wsa:To>" WSMAN_ANON "</wsa:To>"
	    "<wsa:Action>" WSMAN_NS_WSEN "/%s</wsa:Action><wsa:MessageID>%s"
	    "</wsa:MessageID><wsa:RelatesTo>", action, id);
	cimxml_escape(b, r->wr_msgid != NULL ? r->wr_msgid : "");
	evbuffer_add_printf(b, "</wsa:RelatesTo></s:Header>");
}

/* Up to max items of c; the context is kept only while items remain. */
static void
wsman_page(struct wsman *w, struct wsman_ctx *c, unsigned int max,
    struct evbuffer *b, int pull)
{
	const char	*items = pull ? "wsen:Items" : "wsman:Items";
	unsigned int	 k;

	if (c->wc_pos < c->wc_n || pull)
		evbuffer_add_printf(b, "<%s>", items);
	for (k = 0; k < max && c->wc_pos < c->wc_n; k++)
		evbuffer_add(b, c->wc_items[c->wc_pos],
		    strlen(c->wc_items[c->wc_pos])), c->wc_pos++;
	if (k > 0 || pull)
		evbuffer_add_printf(b, "</%s>", items);
	if (c->wc_pos >= c->wc_n)
		evbuffer_add_printf(b, "<%s/>", pull ? "wsen:EndOfSequence" :
		    "wsman:EndOfSequence");
}

int
wsman_reply(struct wsman *w, const struct wsman_req *r, const char *xml,
    size_t len, int code, struct evbuffer *out)
{
	struct wsman_ctx	*c;
	char			 cause[128];

	switch (r->wr_action) {
	case WSMAN_IDENTIFY:
		wsman_head(out, r, NULL);
		evbuffer_add_printf(out, "<s:Body><wsmid:IdentifyResponse>"
		    "<wsmid:ProtocolVersion>" WSMAN_NS_WSMAN
		    "</wsmid:ProtocolVersion><wsmid:ProductVendor>Vireo"
		    "</wsmid:ProductVendor><wsmid:ProductVersion>%s"
		    "</wsmid:ProductVersion><wsmid:SecurityProfiles>"
		    "<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/"
		    "wsman/1/wsman/secprofile/https/basic</wsmid:Security"
		    "ProfileName></wsmid:SecurityProfiles></wsmid:"
		    "IdentifyResponse></s:Body></s:Envelope>", PACKAGE_VERSION);
		return (200);
	case WSMAN_ENUMERATE:
		if (code == 3 || code == 5) {
			snprintf(cause, sizeof cause, "no class %s in %s",
			    r->wr_class, r->wr_ns);
			wsman_fault(out, "Sender", WSMAN_NS_WSA,
			    "DestinationUnreachable", cause);
			return (400);
		}
		if (code != 0) {
			wsman_fault(out, "Receiver", WSMAN_NS_WSMAN,
			    "InternalError", cimxml_status_name(code < 0 ? 1 :
			    code));
			return (500);
		}
		wsman_expire(w);
		c = xcalloc(1, sizeof *c);
		snprintf(c->wc_id, sizeof c->wc_id, "uuid:vireo-%lu-%ld",
		    ++w->w_next, (long)time(NULL));
		c->wc_expires = time(NULL) + WSMAN_CONTEXT_TTL;
		c->wc_n = wsman_items(r, xml, len, &c->wc_items);
		TAILQ_INSERT_TAIL(&w->w_ctxs, c, wc_entry);
		w->w_n++;
		wsman_head(out, r, "EnumerateResponse");
		evbuffer_add_printf(out, "<s:Body><wsen:EnumerateResponse>");
		if (r->wr_optimize)
			wsman_page(w, c, r->wr_max, out, 0);
		/* wsl pulls while the context is non-empty. */
		if (c->wc_pos < c->wc_n)
			evbuffer_add_printf(out, "<wsen:EnumerationContext>%s"
			    "</wsen:EnumerationContext>", c->wc_id);
		else
			evbuffer_add_printf(out,
			    "<wsen:EnumerationContext/>");
		evbuffer_add_printf(out, "</wsen:EnumerateResponse></s:Body>"
		    "</s:Envelope>");
		if (c->wc_pos >= c->wc_n && r->wr_optimize)
			wsman_ctx_free(w, c);
		return (200);
	case WSMAN_PULL:
		if ((c = wsman_ctx_find(w, r->wr_context)) == NULL) {
			wsman_fault(out, "Sender", WSMAN_NS_WSEN,
			    "InvalidEnumerationContext",
			    "unknown or expired enumeration context");
			return (400);
		}
		wsman_head(out, r, "PullResponse");
		evbuffer_add_printf(out, "<s:Body><wsen:PullResponse>");
		if (c->wc_pos + r->wr_max < c->wc_n)
			evbuffer_add_printf(out, "<wsen:EnumerationContext>%s"
			    "</wsen:EnumerationContext>", c->wc_id);
		wsman_page(w, c, r->wr_max, out, 1);
		evbuffer_add_printf(out, "</wsen:PullResponse></s:Body>"
		    "</s:Envelope>");
		if (c->wc_pos >= c->wc_n)
			wsman_ctx_free(w, c);
		return (200);
	case WSMAN_RELEASE:
		if ((c = wsman_ctx_find(w, r->wr_context)) != NULL)
			wsman_ctx_free(w, c);
		wsman_head(out, r, "ReleaseResponse");
		evbuffer_add_printf(out, "<s:Body/></s:Envelope>");
		return (200);
	}
	wsman_fault(out, "Sender", WSMAN_NS_WSA, "ActionNotSupported",
	    "the action is not supported");
	return (400);
}
