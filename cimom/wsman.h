/* SPDX-License-Identifier: ISC */
/*
 * WS-Management on POST /wsman (cim.md §6): Identify, and
 * Enumerate/Pull/Release of a class's instances, as DSP0230 items.
 * An Enumerate becomes a CIM-XML EnumerateInstances for the provider
 * host; its answer is turned into items kept in an enumeration context
 * that Pulls page through.
 */
#ifndef VIREO_CIMOM_WSMAN_H
#define VIREO_CIMOM_WSMAN_H

#include <stddef.h>

struct evbuffer;
struct wsman;

#define WSMAN_IDENTIFY	1
#define WSMAN_ENUMERATE	2
#define WSMAN_PULL	3
#define WSMAN_RELEASE	4

struct wsman_req {
	int		 wr_action;	/* WSMAN_*, 0 unknown */
	char		*wr_msgid;
	char		*wr_uri;	/* ResourceURI */
	char		*wr_class;	/* its last segment */
	char		*wr_ns;		/* __cimnamespace, or root/cimv2 */
	char		*wr_context;
	int		 wr_optimize;
	unsigned int	 wr_max;	/* MaxElements */
	int		 wr_epr;	/* EnumerationMode EPR or both */
};

struct wsman	*wsman_create(const char *host);
void		 wsman_free(struct wsman *);
/* Parse a SOAP request.  0, or -1 and a fault already in out with
 * *status the HTTP status. */
int		 wsman_parse(const char *, size_t, struct wsman_req *,
		    struct evbuffer *out, int *status);
void		 wsman_req_clear(struct wsman_req *);
/* The CIM-XML request an Enumerate needs. */
void		 wsman_cimxml(const struct wsman_req *, struct evbuffer *);
/* Answer req (Identify, Pull, Release; Enumerate given the CIM-XML
 * answer xml/len and its code, -1 if the provider host failed).
 * Returns the HTTP status. */
int		 wsman_reply(struct wsman *, const struct wsman_req *,
		    const char *xml, size_t len, int code,
		    struct evbuffer *out);

#endif
