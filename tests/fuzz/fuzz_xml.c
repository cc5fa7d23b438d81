/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for lib/xml.c: xml_parse with the default limits and with
 * tight ones, then a walk of any tree with the helpers (xml_child,
 * xml_next, xml_text, xml_attr) as a SOAP handler would do it.  A refusal
 * must come with a message.  The same input through one xml_parser kept
 * across inputs (as hostd keeps one) must get the same answer as through
 * xml_parse, whatever the inputs before it left in the reused context,
 * and so must the same parser reading a NUL-terminated copy in place
 * (xml_parser_parse_str, hostd's path for request bodies).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_xml_walk(xmlNodePtr, unsigned int);
static int	fuzz_xml_one(struct xml_parser *, int, const uint8_t *, size_t,
		    const struct xml_limits *);

/* Kept from one input to the next on purpose. */
static struct xml_parser	*fuzz_xml_parser;

static void
fuzz_xml_walk(xmlNodePtr parent, unsigned int depth)
{
	xmlNodePtr	 node;
	char		*s;

	for (node = xml_child(parent, NULL, NULL); node != NULL;
	    node = xml_next(node, NULL, NULL)) {
		free(xml_text(node));
		if (node->properties != NULL) {
			s = xml_attr(node, NULL,
			    (const char *)node->properties->name);
			free(s);
		}
		if (node->ns != NULL && xml_child(parent,
		    (const char *)node->ns->href,
		    (const char *)node->name) == NULL)
			abort();
		if (depth < 128)
			fuzz_xml_walk(node, depth + 1);
	}
}

/*
 * 1 if data parsed (with xp, or with xml_parse if xp is NULL; in place
 * from a NUL-terminated copy if str), else 0.
 */
static int
fuzz_xml_one(struct xml_parser *xp, int str, const uint8_t *data,
    size_t size, const struct xml_limits *lim)
{
	xmlDocPtr	 doc;
	char		*cause = NULL, *copy;

	if (xp != NULL && str) {
		if ((copy = malloc(size + 1)) == NULL)
			abort();
		memcpy(copy, data, size);
		copy[size] = '\0';
		doc = xml_parser_parse_str(xp, copy, size, lim, &cause);
		free(copy);
	} else if (xp != NULL)
		doc = xml_parser_parse(xp, (const char *)data, size, lim,
		    &cause);
	else
		doc = xml_parse((const char *)data, size, lim, &cause);
	if (doc == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();
	if (xmlDocGetRootElement(doc) == NULL)
		abort();
	fuzz_xml_walk(xmlDocGetRootElement(doc), 0);
	xmlFreeDoc(doc);
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_limits	 lim = { 4096, 8, 64 };
	const struct xml_limits	*lims[2] = { NULL, &lim };
	int			 i, want;

	if (fuzz_xml_parser == NULL)
		fuzz_xml_parser = xml_parser_create();

	for (i = 0; i < 2; i++) {
		want = fuzz_xml_one(NULL, 0, data, size, lims[i]);
		if (fuzz_xml_one(fuzz_xml_parser, 0, data, size, lims[i]) !=
		    want ||
		    fuzz_xml_one(fuzz_xml_parser, 1, data, size, lims[i]) !=
		    want)
			abort();
	}
	return (0);
}
