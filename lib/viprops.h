/* SPDX-License-Identifier: ISC */
/*
 * Property reads through a host's PropertyCollector (vi-api.md 3.4), over
 * a lib/viclient.c connection.  The reply documents are kept in struct
 * viprops, whose values point into them, until viprops_free.  Part of
 * lib/libviclient.a.
 */
#ifndef VIPROPS_H
#define VIPROPS_H

#include <stddef.h>

#include <libxml/tree.h>

#include "viclient.h"
#include "vireply.h"

/* One object: its type and id, and its properties' names and values
 * (pointing into the replies of the struct viprops). */
struct viprops_obj {
	char		*po_type;
	char		*po_id;
	size_t		 po_n;
	char		**po_name;
	xmlNodePtr	*po_val;
};

struct viprops {
	struct vireply	*p_reply;
	size_t		 p_nreply;
	struct viprops_obj *p_obj;
	size_t		 p_n;
};

/*
 * Every object of type below the root folder (a ContainerView), with the
 * properties paths (NULL-terminated), following the host's paging.  0
 * with *p filled (free with viprops_free); -1 with the error remembered
 * in c and *p freed.
 */
int		 viprops_all(struct viclient *c, const char *type,
		     const char *const *paths, struct viprops *p);
/* The same for the n objects ids of one type. */
int		 viprops_get(struct viclient *c, const char *type,
		     const char *const *ids, size_t n,
		     const char *const *paths, struct viprops *p);
/* The value node of property name of o, or NULL (borrowed). */
xmlNodePtr	 viprops_val(const struct viprops_obj *o, const char *name);
/* The text of a property, "" when unset; the caller frees. */
char		*viprops_text(const struct viprops_obj *o, const char *name);
/* Free what p holds. */
void		 viprops_free(struct viprops *p);
/* The text of a path below a node, e.g. "hardware/memoryMB"; "" when a
 * step is missing; the caller frees. */
char		*viprops_path(xmlNodePtr node, const char *path);
/* Find an object of type by name (or moid): 0 with *id (the caller
 * frees); -1 with *id NULL and the error (NotFound) remembered in c. */
int		 viprops_find(struct viclient *c, const char *type,
		     const char *name, char **id);

#endif
