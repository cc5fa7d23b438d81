/* SPDX-License-Identifier: ISC */
/*
 * The one way Vireo parses XML (SOAP requests, CIM-XML, inventory.xml,
 * authorization.xml): no network, no DTD of any kind (so no entity
 * expansion and no external entities), and limits on size, depth and node
 * count, with errors returned as text instead of printed.  Plus the few
 * tree helpers every consumer needs.
 */
#ifndef VIREO_XML_H
#define VIREO_XML_H

#include <stddef.h>

#include <libxml/tree.h>

/* Defaults used for a NULL struct xml_limits or a zero field in one. */
#define XML_DEFAULT_MAX_BYTES	(16 * 1024 * 1024)
#define XML_DEFAULT_MAX_DEPTH	64
#define XML_DEFAULT_MAX_NODES	1000000

struct xml_limits {
	size_t		xl_max_bytes;	/* document size, bytes */
	unsigned int	xl_max_depth;	/* element nesting; the root is 1 */
	size_t		xl_max_nodes;	/* elements + attributes + text,
					 * comment and PI pieces */
};

/*
 * Make sure libxml2 is initialised (xmlInitParser) and that the library
 * loaded matches the headers.  Safe to call any number of times; call it
 * once from main() before starting threads, as libxml2 asks.  xml_parse
 * calls it as well.
 */
void		 xml_init(void);

/*
 * Parse len bytes at buf (buf may be NULL only if len is 0) into a tree.
 * lim may be NULL for the defaults.  Refused: anything not well-formed or
 * not namespace-well-formed, any DOCTYPE, and documents over a limit.
 * Nothing is printed and nothing is fetched or read besides buf.
 *
 * Returns the document (free it with xmlFreeDoc), or NULL with errno
 * (EINVAL malformed or DOCTYPE, EFBIG over a limit, ENOMEM) and *cause set,
 * if cause is not NULL, to "line L, column C: message" (caller frees).
 * Thread-safe: nothing is shared between calls.
 */
xmlDocPtr	 xml_parse(const char *buf, size_t len,
		     const struct xml_limits *lim, char **cause);

/*
 * A parser for many documents, one at a time: xml_parser_parse does what
 * xml_parse does (same options, refusals, limits, errors and return
 * values) but reuses one libxml2 context, which makes small documents
 * much cheaper.  Documents it returns are independent of the parser and
 * may outlive it.  A parser must not be used by two threads at once.
 * xml_parser_create never fails (xmalloc); xml_parser_free accepts NULL.
 */
struct xml_parser;

struct xml_parser *xml_parser_create(void);
xmlDocPtr	 xml_parser_parse(struct xml_parser *, const char *buf,
		     size_t len, const struct xml_limits *lim, char **cause);
/*
 * The same for a buf with a NUL byte at buf[len], unchanged until the
 * call returns: libxml2 then reads it in place instead of a copy whose
 * end it keeps trying to refill, a good part of a small document's parse.
 */
xmlDocPtr	 xml_parser_parse_str(struct xml_parser *, const char *buf,
		     size_t len, const struct xml_limits *lim, char **cause);
void		 xml_parser_free(struct xml_parser *);

/*
 * Read path (a regular file no larger than the limit) and parse it as
 * xml_parse does.  NULL with *cause naming the file; errno is ENOENT when
 * the file does not exist, so callers can treat a missing file as empty.
 */
xmlDocPtr	 xml_parse_file(const char *path, const struct xml_limits *lim,
		     char **cause);

/*
 * The first element child of parent (xml_child) or the first element
 * sibling after node (xml_next) with local name name in namespace URI ns.
 * name NULL matches any name; ns NULL matches any namespace and ns ""
 * only elements in no namespace.  Returns a borrowed node or NULL (also for
 * a NULL parent or node).  Text, comments and whitespace are skipped.
 */
xmlNodePtr	 xml_child(xmlNodePtr parent, const char *ns, const char *name);
xmlNodePtr	 xml_next(xmlNodePtr node, const char *ns, const char *name);

/*
 * The text content of node (all descendant text and CDATA concatenated,
 * entities already resolved to characters), as a string the caller frees
 * with free(3).  "" for an empty element, NULL only for a NULL node.
 */
char		*xml_text(xmlNodePtr node);

/*
 * The value of node's attribute name with no namespace (ns NULL) or in
 * namespace URI ns, as a string the caller frees with free(3), or NULL if
 * the attribute is absent.
 */
char		*xml_attr(xmlNodePtr node, const char *ns, const char *name);

#endif
