/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/xml.c, the one safe XML parse helper: namespaced SOAP
 * documents parse and the tree helpers find what a SOAP handler needs;
 * malformed input is refused with its line and column; every DOCTYPE is
 * refused before its declarations are read (billion laughs, external
 * entities pointing at a FIFO that would block if ever opened); the size,
 * depth and node limits hold; and nothing is written to stderr.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "xmalloc.h"
#include "xml.h"

#define SOAPENV	"http://schemas.xmlsoap.org/soap/envelope/"
#define VIM25	"urn:vim25"
#define XSI	"http://www.w3.org/2001/XMLSchema-instance"

struct check_xml_bad {
	const char	*doc;
	const char	*prefix;	/* expected start of the cause */
	const char	*contains;	/* expected somewhere in it */
};

static xmlDocPtr	 check_xml_ok(const char *);
static void		 check_xml_refused(const char *,
			    const struct xml_limits *, int, const char *);
static char		*check_xml_nested(unsigned int);
static double		 check_xml_now(void);
static Suite		*check_xml_suite(void);

static const char check_xml_soap[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<soapenv:Envelope xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/"
    "encoding/\"\n"
    "    xmlns:soapenv=\"" SOAPENV "\"\n"
    "    xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"\n"
    "    xmlns:xsi=\"" XSI "\">\n"
    "  <soapenv:Header/>\n"
    "  <soapenv:Body>\n"
    "    <!-- a comment the helpers skip -->\n"
    "    <RetrieveProperties xmlns=\"" VIM25 "\">\n"
    "      <_this type=\"PropertyCollector\">propertyCollector</_this>\n"
    "      <specSet>\n"
    "        <propSet><type>HostSystem</type><pathSet>name</pathSet>"
    "</propSet>\n"
    "        <propSet><type>VirtualMachine</type><all>false</all></propSet>\n"
    "        <objectSet><obj type=\"Folder\">ha-folder-root</obj>"
    "<skip>false</skip><selectSet xsi:type=\"TraversalSpec\"/>"
    "</objectSet>\n"
    "      </specSet>\n"
    "      <name>  </name>\n"
    "      <note><![CDATA[a<b]]> &amp; &#x41;&lt;</note>\n"
    "      <plain xmlns=\"\">unqualified</plain>\n"
    "    </RetrieveProperties>\n"
    "  </soapenv:Body>\n"
    "</soapenv:Envelope>\n";

static xmlDocPtr
check_xml_ok(const char *text)
{
	xmlDocPtr	 doc;
	char		*cause = NULL;

	doc = xml_parse(text, strlen(text), NULL, &cause);
	ck_assert_msg(doc != NULL, "refused: %s", cause);
	ck_assert_ptr_null(cause);
	return (doc);
}

/* Assert that text is refused with errno error and a cause holding want. */
static void
check_xml_refused(const char *text, const struct xml_limits *lim, int error,
    const char *want)
{
	char	*cause = NULL;

	errno = 0;
	ck_assert_ptr_null(xml_parse(text, strlen(text), lim, &cause));
	ck_assert_int_eq(errno, error);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, want) != NULL, "cause \"%s\" lacks \"%s\"",
	    cause, want);
	free(cause);
}

/* depth nested <e> elements. */
static char *
check_xml_nested(unsigned int depth)
{
	char		*s;
	unsigned int	 i;

	s = xmalloc(depth * 7 + 1);
	for (i = 0; i < depth; i++)
		memcpy(s + i * 3, "<e>", 3);
	for (i = 0; i < depth; i++)
		memcpy(s + depth * 3 + i * 4, "</e>", 4);
	s[depth * 7] = '\0';
	return (s);
}

static double
check_xml_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

START_TEST(check_xml_soap_tree)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root, body, op, n, spec;
	char		*s;
	int		 count;

	xml_init();
	xml_init();
	doc = check_xml_ok(check_xml_soap);
	root = xmlDocGetRootElement(doc);
	ck_assert_ptr_nonnull(root);

	ck_assert_ptr_nonnull(xml_child(root, SOAPENV, "Header"));
	body = xml_child(root, SOAPENV, "Body");
	ck_assert_ptr_nonnull(body);
	/* Namespace URI matters, not the prefix. */
	ck_assert_ptr_null(xml_child(root, VIM25, "Body"));
	ck_assert_ptr_null(xml_child(root, "", "Body"));
	ck_assert_ptr_nonnull(xml_child(root, NULL, "Body"));

	/* The operation is the first element, whatever its name. */
	op = xml_child(body, NULL, NULL);
	ck_assert_ptr_nonnull(op);
	ck_assert_str_eq((const char *)op->name, "RetrieveProperties");
	ck_assert_ptr_eq(xml_child(body, VIM25, "RetrieveProperties"), op);

	n = xml_child(op, VIM25, "_this");
	s = xml_text(n);
	ck_assert_str_eq(s, "propertyCollector");
	free(s);
	s = xml_attr(n, NULL, "type");
	ck_assert_str_eq(s, "PropertyCollector");
	free(s);
	ck_assert_ptr_null(xml_attr(n, NULL, "missing"));

	spec = xml_child(op, VIM25, "specSet");
	count = 0;
	for (n = xml_child(spec, VIM25, "propSet"); n != NULL;
	    n = xml_next(n, VIM25, "propSet")) {
		s = xml_text(xml_child(n, VIM25, "type"));
		ck_assert_str_eq(s, count == 0 ? "HostSystem" :
		    "VirtualMachine");
		free(s);
		count++;
	}
	ck_assert_int_eq(count, 2);
	n = xml_child(spec, VIM25, "objectSet");
	n = xml_child(n, VIM25, "selectSet");
	s = xml_attr(n, XSI, "type");
	ck_assert_str_eq(s, "TraversalSpec");
	free(s);
	ck_assert_ptr_null(xml_attr(n, NULL, "type"));

	/* Whitespace-only values survive (no NOBLANKS). */
	s = xml_text(xml_child(op, VIM25, "name"));
	ck_assert_str_eq(s, "  ");
	free(s);
	/* CDATA, predefined entities and character references resolve. */
	s = xml_text(xml_child(op, VIM25, "note"));
	ck_assert_str_eq(s, "a<b & A<");
	free(s);
	/* xmlns="" puts an element in no namespace. */
	ck_assert_ptr_null(xml_child(op, VIM25, "plain"));
	ck_assert_ptr_nonnull(xml_child(op, "", "plain"));

	ck_assert_ptr_null(xml_child(NULL, NULL, NULL));
	ck_assert_ptr_null(xml_next(NULL, NULL, NULL));
	ck_assert_ptr_null(xml_text(NULL));
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(check_xml_encodings)
{
	xmlDocPtr	 doc;
	char		*s;

	doc = check_xml_ok("<?xml version='1.0' encoding='ISO-8859-1'?>"
	    "<a>caf\xe9</a>");
	s = xml_text(xmlDocGetRootElement(doc));
	ck_assert_str_eq(s, "caf\xc3\xa9");
	free(s);
	xmlFreeDoc(doc);
}
END_TEST

static const struct check_xml_bad check_xml_bads[] = {
	{ "<a>\n  <b></c>\n</a>", "line 2, column 10: ", "tag mismatch" },
	{ "<a xmlns:x='urn:x'><y:b/></a>", "line 1, column ",
	    "Namespace prefix y" },
	{ "<a>&foo;</a>", "line 1, column 9: ", "Entity 'foo' not defined" },
	{ "<a>\xff</a>", "line 1, column 4: ", "not proper UTF-8" },
	{ "<?xml version='1.0' encoding='x-none'?><a/>", "line 1, column ",
	    "Unsupported encoding" },
	{ "<a/><b/>", "line 1, column 5: ", "Extra content" },
	{ "<a>", "line 1, column 4: ", "Premature end of data" },
	{ "  ", "line 1, column 3: ", "Start tag expected" },
	{ "\n\n<a b='1' b='2'/>", "line 3, column 15: ", "redefined" },
	{ "<a>\x01</a>", "line 1, column 4: ", "invalid Char" },
	{ "<a>\n</a>\n<?xml version='1.0'?>", "line 3, column ",
	    "XML declaration allowed only at the start" },
};

START_TEST(check_xml_malformed)
{
	const struct check_xml_bad	*b = &check_xml_bads[_i];
	char				*cause = NULL;

	errno = 0;
	ck_assert_ptr_null(xml_parse(b->doc, strlen(b->doc), NULL, &cause));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strncmp(cause, b->prefix, strlen(b->prefix)) == 0 &&
	    strstr(cause, b->contains) != NULL,
	    "case %d: \"%s\" does not start with \"%s\" or lacks \"%s\"", _i,
	    cause, b->prefix, b->contains);
	ck_assert_ptr_null(strchr(cause, '\n'));
	free(cause);
	/* No cause pointer: refused just the same. */
	ck_assert_ptr_null(xml_parse(b->doc, strlen(b->doc), NULL, NULL));
}
END_TEST

START_TEST(check_xml_empty)
{
	char	*cause;

	ck_assert_ptr_null(xml_parse(NULL, 0, NULL, &cause));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(cause, "line 1, column 1: document is empty");
	free(cause);
}
END_TEST

START_TEST(check_xml_doctype)
{
	check_xml_refused("<!DOCTYPE a><a/>", NULL, EINVAL,
	    "line 1, column 12: DOCTYPE (DTD) not allowed");
	check_xml_refused("<?xml version='1.0'?>\n"
	    "<!DOCTYPE soapenv:Envelope PUBLIC '-//x//y' 'http://x/y.dtd'>\n"
	    "<soapenv:Envelope xmlns:soapenv='" SOAPENV "'/>", NULL, EINVAL,
	    "line 2, column ");
}
END_TEST

START_TEST(check_xml_billion_laughs)
{
	char	*doc, *p;
	double	 t0;
	int	 i, j;

	/* lol9 expands to 10^9 "lol"s: 3 GB if anything expanded it. */
	doc = xmalloc(8192);
	p = doc + sprintf(doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n");
	for (i = 1; i <= 9; i++) {
		p += sprintf(p, " <!ENTITY lol%d \"", i);
		for (j = 0; j < 10; j++)
			p += sprintf(p, "&lol%.0d;", i - 1);
		p += sprintf(p, "\">\n");
	}
	sprintf(p, "]>\n<lolz>&lol9;</lolz>\n");

	t0 = check_xml_now();
	check_xml_refused(doc, NULL, EINVAL, "DOCTYPE (DTD) not allowed");
	/* Refused at the DOCTYPE, before any declaration: instant. */
	ck_assert_double_lt(check_xml_now() - t0, 1.0);
	free(doc);
}
END_TEST

START_TEST(check_xml_external_entities)
{
	char	 dir[] = "/tmp/check_xml.XXXXXX";
	char	 fifo[64], secret[64], doc[512], *cause = NULL;
	int	 fd;

	/*
	 * A FIFO with no writer: opening it for reading blocks forever, so
	 * if libxml2 ever tried to read an external entity or DTD this test
	 * would hang and fail on Check's timeout instead of passing.
	 */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	snprintf(secret, sizeof secret, "%s/secret", dir);
	ck_assert_int_ne(fd = open(secret, O_WRONLY | O_CREAT, 0600), -1);
	ck_assert_int_eq(write(fd, "TOPSECRET", 9), 9);
	close(fd);

	snprintf(doc, sizeof doc, "<!DOCTYPE r [<!ENTITY x SYSTEM "
	    "\"file://%s\">]><r>&x;</r>", fifo);
	check_xml_refused(doc, NULL, EINVAL, "DOCTYPE");
	snprintf(doc, sizeof doc, "<!DOCTYPE r SYSTEM \"%s\"><r/>", fifo);
	check_xml_refused(doc, NULL, EINVAL, "DOCTYPE");
	snprintf(doc, sizeof doc, "<!DOCTYPE r [<!ENTITY %% p SYSTEM "
	    "\"%s\"> %%p;]><r/>", fifo);
	check_xml_refused(doc, NULL, EINVAL, "DOCTYPE");
	/* A readable file is not read either: its text never shows. */
	snprintf(doc, sizeof doc, "<!DOCTYPE r [<!ENTITY x SYSTEM "
	    "\"file://%s\">]><r>&x;</r>", secret);
	ck_assert_ptr_null(xml_parse(doc, strlen(doc), NULL, &cause));
	ck_assert_ptr_null(strstr(cause, "TOPSECRET"));
	free(cause);
	/* XInclude is not processed: the element stays an element. */
	snprintf(doc, sizeof doc, "<r xmlns:xi=\"http://www.w3.org/2001/"
	    "XInclude\"><xi:include href=\"%s\" parse=\"text\"/></r>", fifo);
	xmlFreeDoc(check_xml_ok(doc));

	unlink(fifo);
	unlink(secret);
	rmdir(dir);
}
END_TEST

START_TEST(check_xml_quiet)
{
	static const char *const docs[] = {
		"<a>\xff\xfe</a>",
		"<?xml version='1.0' encoding='x-none'?><a/>",
		"<?xml version='1.0' encoding='UTF-16'?><a/>",
		"<?xml version='1.0' encoding='ISO-2022-JP'?><a>\x1b$B\xff</a>",
		"<!DOCTYPE a [<!ENTITY e SYSTEM 'http://127.0.0.1:9/'>]><a/>",
		"<a xmlns:x='not a uri'><x:b/></a>",
		"<a xmlns='relative'/>",
		"<a><b></a>",
		"</a>",
	};
	struct stat	 st;
	char		 path[] = "/tmp/check_xml_err.XXXXXX";
	char		*cause;
	xmlDocPtr	 doc;
	size_t		 i;
	int		 fd, saved;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	fflush(stderr);
	ck_assert_int_ne(saved = dup(STDERR_FILENO), -1);
	ck_assert_int_ne(dup2(fd, STDERR_FILENO), -1);
	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		cause = NULL;
		doc = xml_parse(docs[i], strlen(docs[i]), NULL, &cause);
		xmlFreeDoc(doc);
		free(cause);
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	ck_assert_int_eq(st.st_size, 0);
}
END_TEST

START_TEST(check_xml_file)
{
	struct xml_limits	 lim = { 64, 0, 0 };
	char			 dir[] = "/tmp/vt.xmlXXXXXX", path[64];
	char			*cause = NULL;
	xmlDocPtr		 doc;
	FILE			*f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.xml", dir);
	/* Missing: ENOENT, so a caller can treat it as empty. */
	ck_assert_ptr_null(xml_parse_file(path, NULL, &cause));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(cause, path));
	free(cause);
	cause = NULL;
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("<a><b>x</b></a>", f);
	fclose(f);
	doc = xml_parse_file(path, &lim, &cause);
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	/* Over the limit: refused before it is read, naming the file. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "<a>%0100d</a>", 0);
	fclose(f);
	ck_assert_ptr_null(xml_parse_file(path, &lim, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "too large"));
	free(cause);
	cause = NULL;
	/* Malformed: the parse error, prefixed by the path. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("<a>", f);
	fclose(f);
	ck_assert_ptr_null(xml_parse_file(path, &lim, &cause));
	ck_assert_ptr_nonnull(strstr(cause, path));
	free(cause);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(check_xml_size_limit)
{
	struct xml_limits	 lim = { 0 };
	xmlDocPtr		 parsed;
	char			 doc[128], *big, *cause;

	lim.xl_max_bytes = 100;
	memset(doc, ' ', sizeof doc);
	memcpy(doc, "<a/>", 4);
	doc[100] = '\0';
	xmlFreeDoc(check_xml_ok(doc));	/* 100 bytes, default limits */
	ck_assert_ptr_nonnull(parsed = xml_parse(doc, 100, &lim, NULL));
	xmlFreeDoc(parsed);
	doc[100] = ' ';
	doc[101] = '\0';
	check_xml_refused(doc, &lim, EFBIG,
	    "document of 101 bytes is over the 100-byte limit");

	/* The default: 16 MiB, refused before parsing starts. */
	big = xmalloc(XML_DEFAULT_MAX_BYTES + 1);
	memset(big, ' ', XML_DEFAULT_MAX_BYTES + 1);
	errno = 0;
	ck_assert_ptr_null(xml_parse(big, XML_DEFAULT_MAX_BYTES + 1, NULL,
	    &cause));
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_str_eq(cause, "document of 16777217 bytes is over the "
	    "16777216-byte limit");
	free(cause);
	free(big);
}
END_TEST

START_TEST(check_xml_depth_limit)
{
	struct xml_limits	 lim = { 0 };
	xmlDocPtr		 parsed;
	char			*doc;

	doc = check_xml_nested(XML_DEFAULT_MAX_DEPTH);
	xmlFreeDoc(check_xml_ok(doc));
	free(doc);
	doc = check_xml_nested(XML_DEFAULT_MAX_DEPTH + 1);
	check_xml_refused(doc, NULL, EFBIG, "line 1, column 195: elements "
	    "nested deeper than 64");
	free(doc);
	/* Far deeper than libxml2's own limit: still our clean refusal. */
	doc = check_xml_nested(100000);
	check_xml_refused(doc, NULL, EFBIG, "nested deeper than 64");
	free(doc);

	lim.xl_max_depth = 3;
	check_xml_refused("<a><b><c><d/></c></b></a>", &lim, EFBIG,
	    "nested deeper than 3");
	ck_assert_ptr_nonnull(parsed = xml_parse("<a><b><c/></b></a>", 18,
	    &lim, NULL));
	xmlFreeDoc(parsed);
}
END_TEST

START_TEST(check_xml_node_limit)
{
	struct xml_limits	 lim = { 0 };
	xmlDocPtr		 doc;
	char			*many;
	size_t			 i, n = XML_DEFAULT_MAX_NODES;

	/* Ten nodes: the root and nine children. */
	lim.xl_max_nodes = 10;
	doc = xml_parse("<r><a/><a/><a/><a/><a/><a/><a/><a/><a/></r>", 44, &lim,
	    NULL);
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	check_xml_refused("<r><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/></r>",
	    &lim, EFBIG, "more than 10 nodes");
	/* Attributes and text count too. */
	check_xml_refused("<r a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8' "
	    "i='9' j='10'/>", &lim, EFBIG, "more than 10 nodes");
	check_xml_refused("<r><a/>t<a/>t<a/>t<a/>t<a/>t</r>", &lim, EFBIG,
	    "more than 10 nodes");

	/* The default stops a flat flood of empty elements. */
	many = xmalloc(3 + (n + 1) * 4 + 5);
	memcpy(many, "<r>", 3);
	for (i = 0; i < n; i++)
		memcpy(many + 3 + i * 4, "<a/>", 4);
	memcpy(many + 3 + n * 4, "</r>", 5);
	check_xml_refused(many, NULL, EFBIG, "more than 1000000 nodes");
	free(many);
}
END_TEST

/*
 * One parser for many documents (hostd's per-request parser): each
 * answer is what xml_parse gives, whatever the document before it was
 * (refused, over a limit, a DOCTYPE), and the trees outlive the parser.
 */
START_TEST(check_xml_parser_reuse)
{
	struct xml_parser	*xp;
	struct xml_limits	 lim = { 0 };
	xmlDocPtr		 docs[3], d;
	xmlNodePtr		 root;
	char			*cause, *text, name[64];
	int			 i;

	xp = xml_parser_create();
	for (i = 0; i < 3; i++) {
		docs[i] = xml_parser_parse(xp, check_xml_soap,
		    strlen(check_xml_soap), NULL, &cause);
		ck_assert_ptr_nonnull(docs[i]);
		ck_assert_ptr_null(cause);

		errno = 0;
		ck_assert_ptr_null(xml_parser_parse(xp, "<a><b></a>", 10,
		    NULL, &cause));
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strncmp(cause, "line 1, column ", 15) == 0,
		    "cause \"%s\"", cause);
		free(cause);

		ck_assert_ptr_null(xml_parser_parse(xp, "<!DOCTYPE a><a/>", 16,
		    NULL, &cause));
		ck_assert_str_eq(cause,
		    "line 1, column 12: DOCTYPE (DTD) not allowed");
		free(cause);

		lim.xl_max_depth = 2;
		ck_assert_ptr_null(xml_parser_parse(xp, "<a><b><c/></b></a>",
		    18, &lim, &cause));
		ck_assert_int_eq(errno, EFBIG);
		ck_assert_ptr_nonnull(strstr(cause, "nested deeper than 2"));
		free(cause);
		/* The limit was this document's only. */
		d = xml_parser_parse(xp, "<a><b><c/></b></a>", 18, NULL, NULL);
		ck_assert_ptr_nonnull(d);
		xmlFreeDoc(d);

		/* CDATA still arrives as plain text after a reset. */
		d = xml_parser_parse(xp, "<a><![CDATA[x<y]]></a>", 22, NULL,
		    NULL);
		ck_assert_ptr_nonnull(d);
		root = xmlDocGetRootElement(d);
		ck_assert_int_eq(root->children->type, XML_TEXT_NODE);
		text = xml_text(root);
		ck_assert_str_eq(text, "x<y");
		free(text);
		xmlFreeDoc(d);
	}
	/* New names forever: the parser starts over instead of growing. */
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof name, "<n%d a%d='1'/>", i, i);
		d = xml_parser_parse(xp, name, strlen(name), NULL, NULL);
		ck_assert_ptr_nonnull(d);
		xmlFreeDoc(d);
	}
	xml_parser_free(xp);
	xml_parser_free(NULL);

	for (i = 0; i < 3; i++) {
		root = xmlDocGetRootElement(docs[i]);
		ck_assert_str_eq((const char *)root->name, "Envelope");
		ck_assert_ptr_nonnull(xml_child(root, SOAPENV, "Body"));
		xmlFreeDoc(docs[i]);
	}
}
END_TEST

static Suite *
check_xml_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("xml");

	tc = tcase_create("core");
	tcase_add_test(tc, check_xml_soap_tree);
	tcase_add_test(tc, check_xml_encodings);
	tcase_add_test(tc, check_xml_parser_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	/* A hang here means an external entity was opened: fail fast. */
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, check_xml_malformed, 0,
	    sizeof check_xml_bads / sizeof check_xml_bads[0]);
	tcase_add_test(tc, check_xml_empty);
	tcase_add_test(tc, check_xml_doctype);
	tcase_add_test(tc, check_xml_billion_laughs);
	tcase_add_test(tc, check_xml_external_entities);
	tcase_add_test(tc, check_xml_quiet);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, check_xml_size_limit);
	tcase_add_test(tc, check_xml_file);
	tcase_add_test(tc, check_xml_depth_limit);
	tcase_add_test(tc, check_xml_node_limit);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_xml_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
