/* SPDX-License-Identifier: ISC */
/*
 * The safe libxml2 parse helper and small tree accessors (see xml.h).
 *
 * Why it is built this way:
 *  - Parse options: XML_PARSE_NONET, no XML_PARSE_NOENT (despite its name
 *    it turns entity substitution on; libvirt's LSN-2014-0003), no DTDLOAD,
 *    no DTDATTR, no HUGE (libxml2's own hard limits stay on).  NOBLANKS is
 *    not used either: its "ignorable whitespace" guess can drop a
 *    whitespace-only string value, which SOAP must keep; consumers walk
 *    elements with xml_child/xml_next, which skip text anyway.  NOCDATA
 *    turns CDATA sections into plain text so xml_text needs no special
 *    case.
 *  - Every DOCTYPE is refused from the SAX internalSubset callback, which
 *    libxml2 calls after reading the DOCTYPE name and external ID and
 *    before it reads a single declaration of the internal subset.  The
 *    parser is stopped there, so entity declarations (the "billion laughs"
 *    bomb, external entities reading local files) are never even parsed.
 *    SOAP 1.1 forbids a DTD anyway, and nothing Vireo reads has one.
 *  - Depth and node limits are checked in SAX callbacks that wrap the
 *    default tree builders, so an oversized tree is never built, rather
 *    than measured afterwards.
 *  - Errors go to a structured handler on this parse's own context
 *    (sax->serror), so they carry line and column and are never printed.
 *    libxml2 2.9 raises a few errors without a parser context (encoding
 *    conversion); for the duration of the call the calling thread's
 *    structured and generic handlers (thread-local in libxml2) are pointed
 *    at this parse too, and restored afterwards, so nothing reaches stderr.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "xmalloc.h"
#include "xml.h"

#define XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOCDATA | \
			 XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
			 XML_PARSE_BIG_LINES)

/* libxml2 2.12 made the structured handler's error const. */
#if LIBXML_VERSION >= 21200
#define XML_ERROR_CONST	const
#else
#define XML_ERROR_CONST
#endif

/* One parse: limits, counters, the first error, and the default
 * callbacks being wrapped.  Reached through ctxt->_private. */
struct xml_state {
	unsigned int			 xs_max_depth;
	size_t				 xs_max_nodes;
	unsigned int			 xs_depth;	/* open elements */
	size_t				 xs_nodes;	/* seen so far */
	int				 xs_errno;	/* set when we stop the
							 * parser ourselves */
	char				*xs_msg;	/* first error, owned */
	int				 xs_line;
	int				 xs_col;
	startElementNsSAX2Func		 xs_start;
	endElementNsSAX2Func		 xs_end;
	charactersSAXFunc		 xs_chars;
	ignorableWhitespaceSAXFunc	 xs_blanks;
	cdataBlockSAXFunc		 xs_cdata;
	commentSAXFunc			 xs_comment;
	processingInstructionSAXFunc	 xs_pi;
};

static void	xml_error_cb(void *, XML_ERROR_CONST xmlError *);
static void	xml_generic_cb(void *, const char *, ...) printflike(2, 3);
static void	xml_stop(xmlParserCtxtPtr, int, const char *, ...)
		    printflike(3, 4);
static int	xml_count(xmlParserCtxtPtr, size_t);
static void	xml_internal_subset_cb(void *, const xmlChar *,
		    const xmlChar *, const xmlChar *);
static void	xml_start_cb(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *, int, const xmlChar **, int, int,
		    const xmlChar **);
static void	xml_end_cb(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *);
static void	xml_chars_cb(void *, const xmlChar *, int);
static void	xml_blanks_cb(void *, const xmlChar *, int);
static void	xml_cdata_cb(void *, const xmlChar *, int);
static void	xml_comment_cb(void *, const xmlChar *);
static void	xml_pi_cb(void *, const xmlChar *, const xmlChar *);
static int	xml_matches(xmlNodePtr, const char *, const char *);
static xmlParserCtxtPtr xml_parser_ctxt(struct xml_parser *);
static xmlDocPtr xml_parser_read(xmlParserCtxtPtr, const char *, int, int,
		    int *);
static xmlDocPtr xml_parser_run(struct xml_parser *, const char *, size_t,
		    int, const struct xml_limits *, char **);
static void	xml_parser_trim(struct xml_parser *);

/* Keep the first error of level ERROR or worse; warnings do not matter. */
static void
xml_error_cb(void *data, XML_ERROR_CONST xmlError *err)
{
	xmlParserCtxtPtr	 ctxt = data;
	struct xml_state	*xs;
	char			*p;
	size_t			 len;

	if (ctxt == NULL || (xs = ctxt->_private) == NULL || err == NULL)
		return;
	if (err->level < XML_ERR_ERROR || xs->xs_msg != NULL)
		return;
	xs->xs_msg = xstrdup(err->message != NULL ? err->message :
	    "malformed XML");
	/* libxml2 messages end in a newline and some have one inside;
	 * ours must fit on one line (a log line, a SOAP faultstring). */
	len = strlen(xs->xs_msg);
	while (len > 0 && (xs->xs_msg[len - 1] == '\n' ||
	    xs->xs_msg[len - 1] == ' '))
		xs->xs_msg[--len] = '\0';
	for (p = xs->xs_msg; (p = strchr(p, '\n')) != NULL; p++)
		*p = ' ';
	xs->xs_line = err->line;
	xs->xs_col = err->int2;
	if (xs->xs_line == 0 && ctxt->input != NULL) {
		/* Raised without a position (encoding errors): use ours. */
		xs->xs_line = ctxt->input->line;
		xs->xs_col = ctxt->input->col;
	}
	if (err->code == XML_ERR_NO_MEMORY)
		xs->xs_errno = ENOMEM;
}

/* Old-style messages (rare, context-free): dropped, never printed. */
static void
xml_generic_cb(void *ctx, const char *fmt, ...)
{
}

/* Stop the parse for one of our own reasons, at the current position. */
static void
xml_stop(xmlParserCtxtPtr ctxt, int error, const char *fmt, ...)
{
	struct xml_state	*xs = ctxt->_private;
	va_list			 ap;

	if (xs->xs_errno == 0) {
		xs->xs_errno = error;
		free(xs->xs_msg);
		va_start(ap, fmt);
		xvasprintf(&xs->xs_msg, fmt, ap);
		va_end(ap);
		xs->xs_line = ctxt->input != NULL ? ctxt->input->line : 0;
		xs->xs_col = ctxt->input != NULL ? ctxt->input->col : 0;
	}
	xmlStopParser(ctxt);
}

/* Count n more nodes; 0, or -1 once the parse has been stopped. */
static int
xml_count(xmlParserCtxtPtr ctxt, size_t n)
{
	struct xml_state	*xs = ctxt->_private;

	if (xs->xs_errno != 0)
		return (-1);
	if (n > xs->xs_max_nodes - xs->xs_nodes) {
		xml_stop(ctxt, EFBIG, "more than %zu nodes", xs->xs_max_nodes);
		return (-1);
	}
	xs->xs_nodes += n;
	return (0);
}

static void
xml_internal_subset_cb(void *ctx, const xmlChar *name,
    const xmlChar *external_id, const xmlChar *system_id)
{
	xml_stop(ctx, EINVAL, "DOCTYPE (DTD) not allowed");
}

static void
xml_start_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct xml_state	*xs = ctxt->_private;

	if (xs->xs_depth >= xs->xs_max_depth) {
		xml_stop(ctxt, EFBIG, "elements nested deeper than %u",
		    xs->xs_max_depth);
		return;
	}
	if (xml_count(ctxt, 1 + (size_t)(nb_attributes > 0 ? nb_attributes :
	    0)) == -1)
		return;
	xs->xs_depth++;
	xs->xs_start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
}

static void
xml_end_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct xml_state	*xs = ctxt->_private;

	if (xs->xs_errno != 0)
		return;
	if (xs->xs_depth > 0)
		xs->xs_depth--;
	xs->xs_end(ctx, localname, prefix, uri);
}

/* Text arrives in pieces; counting pieces bounds the work all the same. */
static void
xml_chars_cb(void *ctx, const xmlChar *ch, int len)
{
	struct xml_state	*xs = ((xmlParserCtxtPtr)ctx)->_private;

	if (xml_count(ctx, 1) == 0)
		xs->xs_chars(ctx, ch, len);
}

static void
xml_blanks_cb(void *ctx, const xmlChar *ch, int len)
{
	struct xml_state	*xs = ((xmlParserCtxtPtr)ctx)->_private;

	if (xml_count(ctx, 1) == 0)
		xs->xs_blanks(ctx, ch, len);
}

static void
xml_cdata_cb(void *ctx, const xmlChar *value, int len)
{
	struct xml_state	*xs = ((xmlParserCtxtPtr)ctx)->_private;

	if (xml_count(ctx, 1) == 0)
		xs->xs_cdata(ctx, value, len);
}

static void
xml_comment_cb(void *ctx, const xmlChar *value)
{
	struct xml_state	*xs = ((xmlParserCtxtPtr)ctx)->_private;

	if (xml_count(ctx, 1) == 0)
		xs->xs_comment(ctx, value);
}

static void
xml_pi_cb(void *ctx, const xmlChar *target, const xmlChar *data)
{
	struct xml_state	*xs = ((xmlParserCtxtPtr)ctx)->_private;

	if (xml_count(ctx, 1) == 0)
		xs->xs_pi(ctx, target, data);
}

void
xml_init(void)
{
	/*
	 * libxml2 keeps its own "initialised" flag, under its own lock, so
	 * this needs no state of ours; xmlCheckVersion only complains when
	 * the shared library is older than the headers we were built with.
	 */
	xmlCheckVersion(LIBXML_VERSION);
	xmlInitParser();
}

/*
 * A context is expensive to make (its SAX handler, dictionary, stacks
 * and input buffers are a good part of a small parse), so a parser keeps
 * one and resets it for the next document.  Its dictionary keeps every
 * element and attribute name it has seen; it is dropped once it holds
 * XML_PARSER_DICT_MAX names, so a client sending new names forever makes
 * us start over, not grow.
 */
#define XML_PARSER_DICT_MAX	8192
/*
 * Largest document read in place (see xml_parser_read): libxml2 2.9
 * moves its cursor wrongly when it shrinks a static input, which it does
 * only once more than 2 * INPUT_CHUNK bytes are behind the cursor.
 */
#define XML_PARSER_STATIC_MAX	(2 * INPUT_CHUNK)

struct xml_parser {
	xmlParserCtxtPtr	xp_ctxt;	/* NULL until needed */
	struct xml_state	xp_state;	/* the ctxt's _private */
};

struct xml_parser *
xml_parser_create(void)
{
	xml_init();
	return (xcalloc(1, sizeof(struct xml_parser)));
}

void
xml_parser_free(struct xml_parser *xp)
{
	if (xp == NULL)
		return;
	if (xp->xp_ctxt != NULL) {
		xp->xp_ctxt->_private = NULL;
		xmlFreeParserCtxt(xp->xp_ctxt);
	}
	free(xp);
}

/* A fresh context with our callbacks wrapped around the tree builders. */
static xmlParserCtxtPtr
xml_parser_ctxt(struct xml_parser *xp)
{
	struct xml_state	*xs = &xp->xp_state;
	xmlParserCtxtPtr	 ctxt;
	xmlSAXHandlerPtr	 sax;

	if (xp->xp_ctxt != NULL)
		return (xp->xp_ctxt);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return (NULL);
	/* Options first: NOCDATA clears cdataBlock, which stays unwrapped. */
	xmlCtxtUseOptions(ctxt, XML_OPTIONS);
	ctxt->_private = xs;

	/* The context owns its copy of the SAX2 handler: wrap in place. */
	sax = ctxt->sax;
	sax->serror = xml_error_cb;
	sax->internalSubset = xml_internal_subset_cb;
	xs->xs_start = sax->startElementNs;
	xs->xs_end = sax->endElementNs;
	xs->xs_chars = sax->characters;
	xs->xs_blanks = sax->ignorableWhitespace;
	xs->xs_cdata = sax->cdataBlock;
	xs->xs_comment = sax->comment;
	xs->xs_pi = sax->processingInstruction;
	if (xs->xs_start != NULL)
		sax->startElementNs = xml_start_cb;
	if (xs->xs_end != NULL)
		sax->endElementNs = xml_end_cb;
	if (xs->xs_chars != NULL)
		sax->characters = xml_chars_cb;
	if (xs->xs_blanks != NULL)
		sax->ignorableWhitespace = xml_blanks_cb;
	if (xs->xs_cdata != NULL)
		sax->cdataBlock = xml_cdata_cb;
	if (xs->xs_comment != NULL)
		sax->comment = xml_comment_cb;
	if (xs->xs_pi != NULL)
		sax->processingInstruction = xml_pi_cb;
	xp->xp_ctxt = ctxt;
	return (ctxt);
}

/*
 * Parse buf (len bytes, and a NUL after them if nul) with ctxt: reset
 * first (not its SAX handler), with the same options; the tree is given
 * up only when well-formed.
 *
 * libxml2 before 2.11 copies a memory input into a buffer of its own,
 * then asks that buffer for more bytes whenever fewer than INPUT_CHUNK
 * (250) are left, which for a whole SOAP request is at nearly every
 * token.  A static input (read in place, no refill callback: nothing to
 * ask) does without both; it needs the NUL after the last byte, which a
 * copy would have had.  It is used only where it behaves the same: UTF-8
 * (re-read from a copy by the caller when libxml2 switched to a
 * converter, which reads through the refill) and documents too small to
 * be shrunk (XML_PARSER_STATIC_MAX), such as most SOAP calls without
 * arguments.  2.11 reads memory in place itself.
 */
static xmlDocPtr
xml_parser_read(xmlParserCtxtPtr ctxt, const char *buf, int len, int nul,
    int *convert)
{
	xmlDocPtr		 doc;
#if LIBXML_VERSION < 21100
	xmlParserInputBufferPtr	 in;
	xmlParserInputPtr	 stream;

	*convert = 0;
	if (!nul || len > XML_PARSER_STATIC_MAX)
		goto copy;
	xmlCtxtReset(ctxt);
	if ((in = xmlParserInputBufferCreateStatic(buf, len,
	    XML_CHAR_ENCODING_NONE)) == NULL)
		goto copy;
	if ((stream = xmlNewIOInputStream(ctxt, in,
	    XML_CHAR_ENCODING_NONE)) == NULL) {
		xmlFreeParserInputBuffer(in);
		goto copy;
	}
	if (inputPush(ctxt, stream) < 0) {
		xmlFreeInputStream(stream);
		goto copy;
	}
	xmlCtxtUseOptions(ctxt, XML_OPTIONS);
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (ctxt->input != NULL && ctxt->input->buf != NULL &&
	    ctxt->input->buf->encoder != NULL) {
		/* Not UTF-8: the caller starts over with a copy. */
		xmlFreeDoc(doc);
		*convert = 1;
		return (NULL);
	}
	if (!ctxt->wellFormed) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return (doc);
copy:
#else
	*convert = 0;
	(void)nul;
#endif
	doc = xmlCtxtReadMemory(ctxt, buf, len, NULL, NULL, XML_OPTIONS);
	return (doc);
}

xmlDocPtr
xml_parser_parse(struct xml_parser *xp, const char *buf, size_t len,
    const struct xml_limits *lim, char **cause)
{
	return (xml_parser_run(xp, buf, len, 0, lim, cause));
}

xmlDocPtr
xml_parser_parse_str(struct xml_parser *xp, const char *buf, size_t len,
    const struct xml_limits *lim, char **cause)
{
	return (xml_parser_run(xp, buf, len, 1, lim, cause));
}

static xmlDocPtr
xml_parser_run(struct xml_parser *xp, const char *buf, size_t len, int nul,
    const struct xml_limits *lim, char **cause)
{
	struct xml_state	*xs = &xp->xp_state;
	xmlParserCtxtPtr	 ctxt;
	xmlDocPtr		 doc;
	xmlStructuredErrorFunc	 old_serror;
	xmlGenericErrorFunc	 old_generic;
	void			*old_sctx, *old_gctx;
	size_t			 max_bytes;
	int			 error, convert;

	if (cause != NULL)
		*cause = NULL;

	max_bytes = XML_DEFAULT_MAX_BYTES;
	xs->xs_max_depth = XML_DEFAULT_MAX_DEPTH;
	xs->xs_max_nodes = XML_DEFAULT_MAX_NODES;
	if (lim != NULL) {
		if (lim->xl_max_bytes != 0)
			max_bytes = lim->xl_max_bytes;
		if (lim->xl_max_depth != 0)
			xs->xs_max_depth = lim->xl_max_depth;
		if (lim->xl_max_nodes != 0)
			xs->xs_max_nodes = lim->xl_max_nodes;
	}
	/* libxml2 takes an int length. */
	if (max_bytes > INT_MAX)
		max_bytes = INT_MAX;

	if (len > max_bytes) {
		if (cause != NULL)
			xasprintf(cause, "document of %zu bytes is over the "
			    "%zu-byte limit", len, max_bytes);
		errno = EFBIG;
		return (NULL);
	}
	if (len == 0) {
		/* libxml2 will not even create a context for this. */
		if (cause != NULL)
			xasprintf(cause, "line 1, column 1: document is empty");
		errno = EINVAL;
		return (NULL);
	}

again:
	if ((ctxt = xml_parser_ctxt(xp)) == NULL) {
		if (cause != NULL)
			xasprintf(cause, "cannot create an XML parser");
		errno = ENOMEM;
		return (NULL);
	}
	xs->xs_depth = 0;
	xs->xs_nodes = 0;
	xs->xs_errno = 0;
	xs->xs_msg = NULL;
	xs->xs_line = xs->xs_col = 0;

	/* This thread's handlers only (thread-local), restored below. */
	old_serror = xmlStructuredError;
	old_sctx = xmlStructuredErrorContext;
	old_generic = xmlGenericError;
	old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(ctxt, xml_error_cb);
	xmlSetGenericErrorFunc(NULL, xml_generic_cb);

	doc = xml_parser_read(ctxt, buf, (int)len, nul, &convert);

	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);

	if (convert) {
		/* From a copy and a new context, as if never tried. */
		free(xs->xs_msg);
		xs->xs_msg = NULL;
		xp->xp_ctxt = NULL;
		ctxt->_private = NULL;
		xmlFreeParserCtxt(ctxt);
		nul = 0;
		goto again;
	}

	if (xs->xs_errno == 0 && ctxt->wellFormed && ctxt->nsWellFormed &&
	    doc != NULL) {
		free(xs->xs_msg);
		xs->xs_msg = NULL;
		xml_parser_trim(xp);
		return (doc);
	}

	error = xs->xs_errno != 0 ? xs->xs_errno : EINVAL;
	if (ctxt->errNo == XML_ERR_NO_MEMORY)
		error = ENOMEM;
	if (cause != NULL) {
		xasprintf(cause, "line %d, column %d: %s", xs->xs_line,
		    xs->xs_col, xs->xs_msg != NULL ? xs->xs_msg :
		    "not well-formed XML");
	}
	xmlFreeDoc(doc);
	free(xs->xs_msg);
	xs->xs_msg = NULL;
	/* Whatever state a refused document left, the next one starts
	 * from a new context. */
	xp->xp_ctxt = NULL;
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	errno = error;
	return (NULL);
}

/* Start over once the dictionary has grown past its bound. */
static void
xml_parser_trim(struct xml_parser *xp)
{
	xmlParserCtxtPtr	ctxt = xp->xp_ctxt;

	if (ctxt->dict == NULL || xmlDictSize(ctxt->dict) <
	    XML_PARSER_DICT_MAX)
		return;
	xp->xp_ctxt = NULL;
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);	/* documents keep their reference */
}

xmlDocPtr
xml_parse(const char *buf, size_t len, const struct xml_limits *lim,
    char **cause)
{
	struct xml_parser	*xp;
	xmlDocPtr		 doc;
	int			 saved;

	xp = xml_parser_create();
	doc = xml_parser_parse(xp, buf, len, lim, cause);
	saved = errno;
	xml_parser_free(xp);
	errno = saved;
	return (doc);
}

/* Whether node is an element called name (any if NULL) in namespace ns. */
static int
xml_matches(xmlNodePtr node, const char *ns, const char *name)
{
	if (node->type != XML_ELEMENT_NODE)
		return (0);
	if (name != NULL && !xmlStrEqual(node->name, BAD_CAST name))
		return (0);
	if (ns == NULL)
		return (1);
	if (*ns == '\0')
		return (node->ns == NULL);
	return (node->ns != NULL && xmlStrEqual(node->ns->href, BAD_CAST ns));
}

xmlNodePtr
xml_child(xmlNodePtr parent, const char *ns, const char *name)
{
	xmlNodePtr	node;

	if (parent == NULL)
		return (NULL);
	for (node = parent->children; node != NULL; node = node->next) {
		if (xml_matches(node, ns, name))
			return (node);
	}
	return (NULL);
}

xmlNodePtr
xml_next(xmlNodePtr node, const char *ns, const char *name)
{
	if (node == NULL)
		return (NULL);
	for (node = node->next; node != NULL; node = node->next) {
		if (xml_matches(node, ns, name))
			return (node);
	}
	return (NULL);
}

char *
xml_text(xmlNodePtr node)
{
	xmlChar	*content;
	char	*s;

	if (node == NULL)
		return (NULL);
	/* Copied so callers free with free(3), never xmlFree. */
	if ((content = xmlNodeGetContent(node)) == NULL)
		return (xstrdup(""));
	s = xstrdup((const char *)content);
	xmlFree(content);
	return (s);
}

char *
xml_attr(xmlNodePtr node, const char *ns, const char *name)
{
	xmlChar	*value;
	char	*s;

	if (node == NULL || node->type != XML_ELEMENT_NODE || name == NULL)
		return (NULL);
	if (ns == NULL)
		value = xmlGetNoNsProp(node, BAD_CAST name);
	else
		value = xmlGetNsProp(node, BAD_CAST name, BAD_CAST ns);
	if (value == NULL)
		return (NULL);
	s = xstrdup((const char *)value);
	xmlFree(value);
	return (s);
}

xmlDocPtr
xml_parse_file(const char *path, const struct xml_limits *lim, char **cause)
{
	struct stat	 st;
	xmlDocPtr	 doc;
	size_t		 max, len = 0;
	ssize_t		 n;
	char		*buf, *why = NULL;
	int		 fd, saved;

	max = lim != NULL && lim->xl_max_bytes != 0 ? lim->xl_max_bytes :
	    XML_DEFAULT_MAX_BYTES;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		saved = errno;
		xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (NULL);
	}
	/* The size check comes first: a huge file is never read in. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size > max) {
		xasprintf(cause, "%s: %s", path, !S_ISREG(st.st_mode) ?
		    "not a regular file" : "file too large");
		close(fd);
		errno = EINVAL;
		return (NULL);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len != (size_t)st.st_size) {
		xasprintf(cause, "%s: read error", path);
		free(buf);
		errno = EIO;
		return (NULL);
	}
	doc = xml_parse(buf, len, lim, &why);
	free(buf);
	if (doc == NULL) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		errno = EINVAL;
	}
	return (doc);
}
