/* SPDX-License-Identifier: ISC */
/*
 * Property reads, the way a careful client does them (vi-api.md 3.4): a
 * ContainerView of one type over the root folder and one
 * RetrievePropertiesEx naming only the properties needed, following the
 * token while the host pages; or RetrievePropertiesEx of listed objects.
 * The reply documents are kept in struct viprops, whose values point into
 * them, until viprops_free.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "viclient.h"
#include "viprops.h"
#include "vireply.h"
#include "xmalloc.h"
#include "xml.h"

static void	viprops_spec(struct buf *, const char *, const char *const *);
static int	viprops_collect(struct viclient *, const char *,
		    struct viprops *);
static void	viprops_take(struct viprops *, struct vireply *, char **);

static void
viprops_spec(struct buf *b, const char *type, const char *const *paths)
{
	size_t	 i;

	buf_str(b, "<propSet>");
	buf_elem(b, "type", type);
	buf_str(b, "<all>false</all>");
	for (i = 0; paths[i] != NULL; i++)
		buf_elem(b, "pathSet", paths[i]);
	buf_str(b, "</propSet>");
}

/* Keep r's objects in p; *token is the paging token, if any. */
static void
viprops_take(struct viprops *p, struct vireply *r, char **token)
{
	xmlNodePtr		 rv, o, ps;
	struct viprops_obj	*po;

	*token = NULL;
	p->p_reply = xreallocarray(p->p_reply, p->p_nreply + 1,
	    sizeof *p->p_reply);
	p->p_reply[p->p_nreply++] = *r;
	memset(r, 0, sizeof *r);
	rv = vireply_returnval(&p->p_reply[p->p_nreply - 1]);
	if (rv == NULL)
		return;
	*token = vireply_field(rv, "token");
	for (o = xml_child(rv, NULL, "objects"); o != NULL;
	    o = xml_next(o, NULL, "objects")) {
		p->p_obj = xreallocarray(p->p_obj, p->p_n + 1,
		    sizeof *p->p_obj);
		po = &p->p_obj[p->p_n++];
		memset(po, 0, sizeof *po);
		po->po_id = vireply_field(o, "obj");
		po->po_type = xml_attr(xml_child(o, NULL, "obj"), NULL,
		    "type");
		if (po->po_id == NULL)
			po->po_id = xstrdup("");
		if (po->po_type == NULL)
			po->po_type = xstrdup("");
		for (ps = xml_child(o, NULL, "propSet"); ps != NULL;
		    ps = xml_next(ps, NULL, "propSet")) {
			po->po_name = xreallocarray(po->po_name, po->po_n + 1,
			    sizeof *po->po_name);
			po->po_val = xreallocarray(po->po_val, po->po_n + 1,
			    sizeof *po->po_val);
			po->po_name[po->po_n] = vireply_field(ps, "name");
			if (po->po_name[po->po_n] == NULL)
				po->po_name[po->po_n] = xstrdup("");
			po->po_val[po->po_n] = xml_child(ps, NULL, "val");
			po->po_n++;
		}
	}
}

/* RetrievePropertiesEx of spec, then every page. */
static int
viprops_collect(struct viclient *c, const char *spec, struct viprops *p)
{
	struct vireply	 r;
	struct buf	 a;
	char		*token;

	buf_init(&a);
	buf_printf(&a, "<specSet>%s</specSet><options></options>", spec);
	if (viclient_call(c, "RetrievePropertiesEx", "PropertyCollector",
	    "ha-property-collector", a.b_data, &r) == -1) {
		buf_free(&a);
		return (-1);
	}
	buf_free(&a);
	viprops_take(p, &r, &token);
	while (token != NULL) {
		buf_init(&a);
		buf_elem(&a, "token", token);
		free(token);
		if (viclient_call(c, "ContinueRetrievePropertiesEx",
		    "PropertyCollector", "ha-property-collector", a.b_data,
		    &r) == -1) {
			buf_free(&a);
			return (-1);
		}
		buf_free(&a);
		viprops_take(p, &r, &token);
	}
	return (0);
}

int
viprops_all(struct viclient *c, const char *type, const char *const *paths,
    struct viprops *p)
{
	struct vireply	 r;
	struct buf	 a, spec;
	char		*view;
	int		 rc;

	memset(p, 0, sizeof *p);
	buf_init(&a);
	buf_moref(&a, "container", "Folder", "ha-folder-root");
	buf_elem(&a, "type", type);
	buf_str(&a, "<recursive>true</recursive>");
	rc = viclient_call(c, "CreateContainerView", "ViewManager",
	    "ViewManager", a.b_data, &r);
	buf_free(&a);
	if (rc == -1)
		return (-1);
	view = xml_text(vireply_returnval(&r));
	vireply_clear(&r);
	if (view == NULL) {
		viclient_seterr(c, "", "CreateContainerView returned no view");
		return (-1);
	}
	buf_init(&spec);
	viprops_spec(&spec, type, paths);
	buf_str(&spec, "<objectSet>");
	buf_moref(&spec, "obj", "ContainerView", view);
	buf_str(&spec, "<skip>true</skip><selectSet xsi:type=\"TraversalSpec\">"
	    "<name>view</name><type>ContainerView</type><path>view</path>"
	    "<skip>false</skip></selectSet></objectSet>");
	rc = viprops_collect(c, spec.b_data, p);
	buf_free(&spec);
	/* The view dies with the session anyway; a failure here is moot. */
	if (viclient_call(c, "DestroyView", "ContainerView", view, NULL,
	    &r) == 0)
		vireply_clear(&r);
	free(view);
	if (rc == -1)
		viprops_free(p);
	return (rc);
}

int
viprops_get(struct viclient *c, const char *type, const char *const *ids,
    size_t n, const char *const *paths, struct viprops *p)
{
	struct buf	 spec;
	size_t		 i;
	int		 rc;

	memset(p, 0, sizeof *p);
	if (n == 0)
		return (0);
	buf_init(&spec);
	viprops_spec(&spec, type, paths);
	for (i = 0; i < n; i++) {
		buf_str(&spec, "<objectSet>");
		buf_moref(&spec, "obj", type, ids[i]);
		buf_str(&spec, "<skip>false</skip></objectSet>");
	}
	rc = viprops_collect(c, spec.b_data, p);
	buf_free(&spec);
	if (rc == -1)
		viprops_free(p);
	return (rc);
}

xmlNodePtr
viprops_val(const struct viprops_obj *o, const char *name)
{
	size_t	 i;

	for (i = 0; i < o->po_n; i++)
		if (strcmp(o->po_name[i], name) == 0)
			return (o->po_val[i]);
	return (NULL);
}

char *
viprops_text(const struct viprops_obj *o, const char *name)
{
	xmlNodePtr	 v;

	if ((v = viprops_val(o, name)) == NULL)
		return (xstrdup(""));
	return (xml_text(v));
}

char *
viprops_path(xmlNodePtr node, const char *path)
{
	char		*dup, *p, *save;

	dup = xstrdup(path);
	for (p = strtok_r(dup, "/", &save); p != NULL && node != NULL;
	    p = strtok_r(NULL, "/", &save))
		node = xml_child(node, NULL, p);
	free(dup);
	if (node == NULL)
		return (xstrdup(""));
	return (xml_text(node));
}

int
viprops_find(struct viclient *c, const char *type, const char *name, char **id)
{
	static const char *const paths[] = { "name", NULL };
	struct viprops	 p;
	size_t		 i;
	char		*n;

	*id = NULL;
	if (viprops_all(c, type, paths, &p) == -1)
		return (-1);
	for (i = 0; i < p.p_n && *id == NULL; i++) {
		n = viprops_text(&p.p_obj[i], "name");
		if (strcmp(n, name) == 0)
			*id = xstrdup(p.p_obj[i].po_id);
		free(n);
	}
	/* Scripts may hold a moid ("12") rather than a name. */
	for (i = 0; i < p.p_n && *id == NULL; i++)
		if (strcmp(p.p_obj[i].po_id, name) == 0)
			*id = xstrdup(p.p_obj[i].po_id);
	viprops_free(&p);
	if (*id == NULL) {
		viclient_seterr(c, "NotFound", "no %s named '%s'",
		    strcmp(type, "VirtualMachine") == 0 ? "virtual machine" :
		    type, name);
		return (-1);
	}
	return (0);
}

void
viprops_free(struct viprops *p)
{
	size_t	 i, j;

	for (i = 0; i < p->p_n; i++) {
		for (j = 0; j < p->p_obj[i].po_n; j++)
			free(p->p_obj[i].po_name[j]);
		free(p->p_obj[i].po_name);
		free(p->p_obj[i].po_val);
		free(p->p_obj[i].po_id);
		free(p->p_obj[i].po_type);
	}
	for (i = 0; i < p->p_nreply; i++)
		vireply_clear(&p->p_reply[i]);
	free(p->p_obj);
	free(p->p_reply);
	memset(p, 0, sizeof *p);
}
