/* SPDX-License-Identifier: ISC */
/*
 * cimom's parsers: CIM-XML requests (cimxml.c) and MOF into the class
 * repository (mof.c, repository.c).  What a client or a schema author
 * sees: the operation and namespace read from a wbemcli request, the
 * CIMError token of a refused one, inherited keys and class origins, and
 * MOF errors with their line and column.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/buffer.h>

#include "cimxml.h"
#include "cmpi/cmpidt.h"
#include "mof.h"
#include "ops.h"
#include "repository.h"
#include "xml.h"

#define REQ_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"	\
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"			\
	"<MESSAGE ID=\"4711\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>"
#define REQ_TAIL "</SIMPLEREQ>\n</MESSAGE></CIM>"
#define REQ_NS "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"></NAMESPACE>" \
	"<NAMESPACE NAME=\"cimv2\"></NAMESPACE></LOCALNAMESPACEPATH>"

static const char check_cimxml_mof[] =
    "// a comment\n"
    "[Abstract, Description (\"The root\" \" of it\")]\n"
    "class CIM_A { [Key] string Id; string Name = \"x\"; };\n"
    "class CIM_B : CIM_A { [Override (\"Name\")] string Name;\n"
    "  uint16 Codes[] = { 1, 2 };\n"
    "  uint32 Go([In] uint16 How, [In (false), Out] CIM_A REF Job); };\n"
    "[Association] class CIM_R { [Key] CIM_A REF L; [Key] CIM_B REF R; };\n";

static struct repository *
check_cimxml_repo(void)
{
	struct repository	*r = repository_create();
	char			*cause = NULL;

	ck_assert_msg(mof_parse_buffer(r, check_cimxml_mof,
	    sizeof check_cimxml_mof - 1, "t.mof", "root/cimv2", &cause) == 0,
	    "%s", cause);
	return (r);
}

START_TEST(check_cimxml_core)
{
	static const char body[] = REQ_HEAD
	    "<IMETHODCALL NAME=\"GetClass\">" REQ_NS
	    "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"CIM_B\"/>"
	    "</IPARAMVALUE><IPARAMVALUE NAME=\"LocalOnly\"><VALUE>false"
	    "</VALUE></IPARAMVALUE><IPARAMVALUE NAME=\"IncludeClassOrigin\">"
	    "<VALUE>TRUE</VALUE></IPARAMVALUE></IMETHODCALL>" REQ_TAIL;
	struct repository		*repo = check_cimxml_repo();
	const struct repo_ns		*ns;
	const struct repo_class		*b;
	const struct repo_feature	*f;
	struct cimxml_req		 req;
	struct ops_ctx			 ctx;
	struct evbuffer			*out;
	const char			*hdr;
	char				*cause = NULL, *s;

	ns = repository_ns(repo, "root/cimv2", 0);
	ck_assert_ptr_nonnull(ns);
	b = repository_class(ns, "cim_b");
	ck_assert_ptr_nonnull(b);
	ck_assert(repository_is_a(ns, "CIM_B", "CIM_A"));
	f = repository_feature(b, REPO_PROPERTY, "Id");
	ck_assert(f != NULL && f->rf_key && f->rf_propagated);
	ck_assert_str_eq(f->rf_origin, "CIM_A");
	f = repository_feature(b, REPO_PROPERTY, "Name");
	ck_assert(f != NULL && !f->rf_propagated);
	ck_assert_str_eq(f->rf_origin, "CIM_B");
	f = repository_feature(b, REPO_PROPERTY, "Codes");
	ck_assert(f != NULL && f->rf_array && f->rf_ndefs == 2);
	f = repository_feature(b, REPO_METHOD, "Go");
	ck_assert(f != NULL && f->rf_nparams == 2 &&
	    f->rf_params[1].rp_type == CMPI_ref);
	/* Abstract is Restricted: it does not reach CIM_B. */
	ck_assert(!b->rc_abstract);
	ck_assert(repository_class(ns, "CIM_R")->rc_assoc);
	ck_assert_str_eq(repository_qual(&repository_class(ns,
	    "CIM_A")->rc_quals, "Description")->rq_vals[0], "The root of it");

	ck_assert_int_eq(cimxml_parse(body, sizeof body - 1, &req, &hdr,
	    &cause), 0);
	ck_assert_str_eq(req.cr_method, "GetClass");
	ck_assert_str_eq(req.cr_ns, "root/cimv2");
	ck_assert_str_eq(req.cr_id, "4711");
	ck_assert_int_eq(cimxml_param_bool(&req, "localonly", 1), 0);
	memset(&ctx, 0, sizeof ctx);
	ctx.oc_repo = repo;
	out = evbuffer_new();
	ck_assert_int_eq(ops_run(&ctx, &req, out), 0);
	evbuffer_add(out, "", 1);
	s = (char *)evbuffer_pullup(out, -1);
	ck_assert_ptr_nonnull(strstr(s, "<CLASS NAME=\"CIM_B\" "
	    "SUPERCLASS=\"CIM_A\">"));
	ck_assert_ptr_nonnull(strstr(s, "<PROPERTY NAME=\"Id\" TYPE=\"string\""
	    " CLASSORIGIN=\"CIM_A\" PROPAGATED=\"true\">"));
	ck_assert_ptr_nonnull(strstr(s, "<QUALIFIER NAME=\"Key\" "
	    "TYPE=\"boolean\" PROPAGATED=\"true\" OVERRIDABLE=\"false\">"
	    "<VALUE>TRUE</VALUE></QUALIFIER>"));
	ck_assert_ptr_nonnull(strstr(s, "<PARAMETER.REFERENCE NAME=\"Job\" "
	    "REFERENCECLASS=\"CIM_A\">"));
	/* Nothing wbemcli rejects: no self-closed IRETURNVALUE. */
	ck_assert_ptr_null(strstr(s, "<IRETURNVALUE/>"));
	evbuffer_free(out);
	cimxml_req_clear(&req);
	repository_free(repo);
}
END_TEST

START_TEST(check_cimxml_limits)
{
	struct cimxml_req	 req;
	const char		*hdr;
	char			*cause = NULL, *deep;
	size_t			 i, len;

	/* Nesting beyond the limit is refused, not recursed into. */
	len = 100 * 7 + 1;
	deep = malloc(len);
	deep[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(deep, "<CIM a>");
	for (i = 0; i < 100; i++)
		memcpy(deep + i * 7, "<CIM>  ", 7);
	ck_assert_int_eq(cimxml_parse(deep, strlen(deep), &req, &hdr,
	    &cause), -1);
	ck_assert_str_eq(hdr, "request-not-well-formed");
	free(cause);
	free(deep);
	/* The body size limit. */
	len = CIMXML_MAX_BODY + 16;
	deep = malloc(len);
	memset(deep, ' ', len);
	memcpy(deep, "<CIM>", 5);
	ck_assert_int_eq(cimxml_parse(deep, len, &req, &hdr, &cause), -1);
	ck_assert_str_eq(hdr, "request-not-well-formed");
	free(cause);
	free(deep);
}
END_TEST

START_TEST(check_cimxml_errors)
{
	static const struct {
		const char	*body;
		const char	*hdr;
	} bad[] = {
		{ "<CIM", "request-not-well-formed" },
		{ "<FOO/>", "request-not-valid" },
		{ "<CIM CIMVERSION=\"3.0\" DTDVERSION=\"2.0\"/>",
		    "unsupported-cim-version" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"1.1\"/>",
		    "unsupported-dtd-version" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\">"
		    "<MULTIREQ/></MESSAGE></CIM>",
		    "multiple-requests-unsupported" },
		{ REQ_HEAD "<IMETHODCALL NAME=\"GetClass\"></IMETHODCALL>"
		    REQ_TAIL, "request-not-valid" },
		{ "<!DOCTYPE CIM [<!ENTITY x \"y\">]><CIM/>",
		    "request-not-well-formed" },
	};
	struct repository	*r = repository_create();
	struct cimxml_req	 req;
	const char		*hdr;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(cimxml_parse(bad[i].body, strlen(bad[i].body),
		    &req, &hdr, &cause), -1);
		ck_assert_msg(hdr != NULL && strcmp(hdr, bad[i].hdr) == 0,
		    "case %zu: %s", i, hdr);
		free(cause);
		cause = NULL;
	}
	ck_assert_int_eq(mof_parse_buffer(r, "class A {\n  strin X; };", 22,
	    "bad.mof", "root/cimv2", &cause), -1);
	ck_assert_str_eq(cause, "bad.mof:2:3: unknown type \"strin\"");
	free(cause);
	ck_assert_int_eq(mof_parse_buffer(r, "class B : Nope { };", 19,
	    "bad.mof", "root/cimv2", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "superclass Nope"));
	free(cause);
	ck_assert_int_eq(mof_parse_buffer(r, "class C { string \"x", 19,
	    "bad.mof", "root/cimv2", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "bad.mof:1:"));
	free(cause);
	repository_free(r);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("cimxml");
	TCase	*tc;
	SRunner	*sr;
	int	 failed;

	xml_init();
	tc = tcase_create("core");
	tcase_add_test(tc, check_cimxml_core);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, check_cimxml_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_cimxml_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? 0 : 1);
}
