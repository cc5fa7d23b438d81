/* SPDX-License-Identifier: ISC */
/*
 * CIM-XML and CMPI objects, both ways, in the provider host: instance
 * names and method arguments from a request become object paths and
 * args typed from the class declarations (wbemcli sends untyped values,
 * cim.md §0.1 item 5); instances, paths and values become CIM-XML.
 */
#ifndef VIREO_CIMOM_CMPIXML_H
#define VIREO_CIMOM_CMPIXML_H

#include <libxml/tree.h>

#include "cmpi/cmpift.h"

struct broker;
struct evbuffer;
struct repo_class;

/* How an instance is written. */
struct cmpixml_opts {
	const struct repo_class	*xo_limit;	/* DeepInheritance=FALSE: only
						   this class's properties */
	char *const		*xo_props;	/* PropertyList, NULL: all */
	int			 xo_origin;	/* CLASSORIGIN attributes */
};

/* INSTANCENAME (or an INSTANCEPATH/LOCALINSTANCEPATH around one) in
 * namespace ns; NULL with *desc (heap) when malformed. */
CMPIObjectPath	*cmpixml_path(struct broker *, xmlNodePtr, const char *ns,
		    char **desc);
/* Text to a value of type t (scalar); -1 when it does not parse. */
int		 cmpixml_value(struct broker *, CMPIType, const char *,
		    CMPIValue *);
/* A METHODCALL's PARAMVALUEs into in, typed from method m of class c.
 * A CIM status code (0 ok) with *desc. */
int		 cmpixml_args(struct broker *, xmlNodePtr call,
		    const struct repo_class *, const char *method,
		    const char *ns, CMPIArgs *in, char **desc);

void		 cmpixml_instancename(struct evbuffer *,
		    const CMPIObjectPath *);
void		 cmpixml_instancepath(struct evbuffer *,
		    const CMPIObjectPath *, const char *host);
void		 cmpixml_instance(struct evbuffer *, struct broker *,
		    const CMPIInstance *, const struct cmpixml_opts *);
/* VALUE / VALUE.ARRAY / VALUE.REFERENCE for d; nothing for NULL. */
void		 cmpixml_data(struct evbuffer *, const CMPIData *,
		    const char *host);
const char	*cmpixml_type_name(CMPIType);

#endif
