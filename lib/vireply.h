/* SPDX-License-Identifier: ISC */
/*
 * One parsed SOAP response of the VI API (vim25), as a client reads it:
 * the <XResponse> element of a result, or a fault's type and message.
 * The document is parsed through lib/xml.c with its limits, since a host
 * may be hostile or broken.  Used by lib/viclient.c and by the programs
 * that walk the results (rcli, dcui).
 */
#ifndef VIREPLY_H
#define VIREPLY_H

#include <stddef.h>

#include <libxml/tree.h>

#define VIREPLY_NS_VIM25	"urn:vim25"
#define VIREPLY_NS_SOAPENV	"http://schemas.xmlsoap.org/soap/envelope/"
#define VIREPLY_NS_XSI		"http://www.w3.org/2001/XMLSchema-instance"

struct vireply {
	xmlDocPtr	 r_doc;
	xmlNodePtr	 r_body;	/* <MethodResponse>, on success */
	char		*r_fault;	/* "InvalidLogin"..., or NULL */
	char		*r_msg;		/* faultstring */
};

/*
 * Parse the len bytes of buf into *r (which need not be initialised).
 * Success fills r_body; a SOAP fault fills r_fault (the xsi:type or
 * element name of the detail, else "SystemError") and r_msg, leaving
 * r_body NULL.  Returns 0 for either, to be released with vireply_clear;
 * -1 with errno EINVAL and *cause (a heap string, when cause is not NULL)
 * when the body is not a SOAP envelope holding a response, r then zeroed.
 */
int		 vireply_parse(const char *buf, size_t len, struct vireply *r,
		     char **cause);
/* Free what r holds and zero it; a zeroed r is accepted. */
void		 vireply_clear(struct vireply *r);
/* The first <returnval> of a successful reply, or NULL (borrowed). */
xmlNodePtr	 vireply_returnval(const struct vireply *r);
/* The <returnval> after node, or NULL (borrowed). */
xmlNodePtr	 vireply_next(xmlNodePtr node);
/* The text of node's child element name (any namespace), or NULL when
 * there is none; the caller frees. */
char		*vireply_field(xmlNodePtr node, const char *name);
/* The xsi:type attribute of node, local part only, or NULL (node NULL or
 * untyped); the caller frees. */
char		*vireply_xsitype(xmlNodePtr node);
/*
 * Read a LocalizedMethodFault (a task's error): *name gets the fault type
 * ("SystemError" when absent), *msg the localizedMessage ("the task
 * failed" when absent or empty); both never NULL, the caller frees.
 */
void		 vireply_localized(xmlNodePtr err, char **name, char **msg);

#endif
