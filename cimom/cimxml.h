/* SPDX-License-Identifier: ISC */
/*
 * CIM-XML (DSP0200/DSP0201) requests and responses, as wbemcli speaks
 * them (cim.md §1-§2): parsing a SIMPLEREQ through lib/xml.c, reading
 * intrinsic parameters, and writing envelopes, errors, classes and
 * escaped text.  Output never self-closes an element wbemcli's parser
 * rejects empty (cim.md §0.1).
 */
#ifndef VIREO_CIMOM_CIMXML_H
#define VIREO_CIMOM_CIMXML_H

#include <stddef.h>

#include <libxml/tree.h>

struct evbuffer;
struct repo_class;

/* Request bodies and nesting beyond these get a CIM error, not a parse. */
#define CIMXML_MAX_BODY		(4 * 1024 * 1024)
#define CIMXML_MAX_DEPTH	32

struct cimxml_req {
	xmlDocPtr	 cr_doc;
	char		*cr_id;		/* MESSAGE ID */
	int		 cr_extrinsic;	/* METHODCALL */
	char		*cr_method;	/* operation or method name */
	char		*cr_ns;		/* "root/cimv2" */
	xmlNodePtr	 cr_call;	/* IMETHODCALL or METHODCALL */
	/* METHODCALL: INSTANCENAME or CLASSNAME of the target */
	xmlNodePtr	 cr_target;
	char		*cr_class;	/* the target's class name */
};

/*
 * Parse a request body.  0, or -1 with *hdr the CIMError header token
 * (static) and *cause a message for the log (caller frees).
 */
int		 cimxml_parse(const char *body, size_t len,
		    struct cimxml_req *, const char **hdr, char **cause);
void		 cimxml_req_clear(struct cimxml_req *);

/* The single child element of IPARAMVALUE name (NULL: absent or NULL
 * value; *present says which). */
xmlNodePtr	 cimxml_param(const struct cimxml_req *, const char *name,
		    int *present);
/* Booleans: def when absent, -1 when malformed. */
int		 cimxml_param_bool(const struct cimxml_req *, const char *,
		    int def);
/* CLASSNAME NAME or VALUE text (heap), NULL if absent. */
char		*cimxml_param_name(const struct cimxml_req *, const char *);
/* PropertyList: NULL-terminated heap vector, NULL when absent. */
char		**cimxml_param_proplist(const struct cimxml_req *);
/* 1 if name is among the IPARAMVALUEs op accepts (names in params). */
int		 cimxml_check_params(const struct cimxml_req *,
		    const char *const *params, char **bad);

void		 cimxml_strv_free(char **);
int		 cimxml_strv_has(char *const *, const char *);

void		 cimxml_escape(struct evbuffer *, const char *);
void		 cimxml_begin(struct evbuffer *, const char *id);
void		 cimxml_end(struct evbuffer *);
/* A whole error response for req's operation. */
void		 cimxml_error(struct evbuffer *, const char *id,
		    int extrinsic, const char *method, int code,
		    const char *desc);
const char	*cimxml_status_name(int code);
/* CLASS element; props limits properties (NULL: all). */
void		 cimxml_class(struct evbuffer *, const struct repo_class *,
		    int localonly, int quals, int origin, char *const *props);
/* LOCALNAMESPACEPATH / NAMESPACEPATH for ns (and host). */
void		 cimxml_localns(struct evbuffer *, const char *ns);
void		 cimxml_nspath(struct evbuffer *, const char *host,
		    const char *ns);

#endif
