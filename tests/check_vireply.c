/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/vireply.c, the parser of what a host answers: a
 * result envelope gives its <returnval>s; a fault gives the fault type the
 * way pyVmomi reads it (xsi:type, else the detail element minus "Fault",
 * else SystemError) and the faultstring; a task's LocalizedMethodFault
 * gives its type and message; anything that is not a SOAP envelope is
 * refused with a reason instead of being taken for a result.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "vireply.h"
#include "xml.h"

#define ENV_OPEN "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/" \
    "envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" " \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" \
    "<soapenv:Body>"
#define ENV_CLOSE "</soapenv:Body></soapenv:Envelope>"

static void	check_vireply_ok(const char *, struct vireply *);
static void	check_vireply_bad(const char *, const char *);
static Suite	*check_vireply_suite(void);

static void
check_vireply_ok(const char *doc, struct vireply *r)
{
	char	*cause = NULL;

	ck_assert_msg(vireply_parse(doc, strlen(doc), r, &cause) == 0,
	    "refused: %s", cause != NULL ? cause : "?");
}

static void
check_vireply_bad(const char *doc, const char *why)
{
	struct vireply	 r;
	char		*cause = NULL;

	ck_assert_int_eq(vireply_parse(doc, strlen(doc), &r, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, why) != NULL, "cause '%s' lacks '%s'",
	    cause, why);
	ck_assert_ptr_null(r.r_doc);
	free(cause);
}

START_TEST(check_vireply_result)
{
	struct vireply	 r;
	xmlNodePtr	 rv;
	char		*s;
	int		 n = 0;

	check_vireply_ok(ENV_OPEN "<RetrieveUserGroupsResponse "
	    "xmlns=\"urn:vim25\"><returnval><principal>root</principal>"
	    "<group>false</group></returnval><returnval><principal>bob"
	    "</principal><group>false</group></returnval>"
	    "</RetrieveUserGroupsResponse>" ENV_CLOSE, &r);
	ck_assert_ptr_null(r.r_fault);
	for (rv = vireply_returnval(&r); rv != NULL; rv = vireply_next(rv)) {
		s = vireply_field(rv, "principal");
		ck_assert_str_eq(s, n == 0 ? "root" : "bob");
		free(s);
		n++;
	}
	ck_assert_int_eq(n, 2);
	vireply_clear(&r);
	ck_assert_ptr_null(r.r_doc);
}
END_TEST

START_TEST(check_vireply_void)
{
	struct vireply	 r;

	/* An unprefixed envelope, as govmomi-style servers send. */
	check_vireply_ok("<Envelope xmlns=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><Body><LogoutResponse xmlns=\"urn:vim25\"/>"
	    "</Body></Envelope>", &r);
	ck_assert_ptr_null(r.r_fault);
	ck_assert_ptr_null(vireply_returnval(&r));
	vireply_clear(&r);
}
END_TEST

START_TEST(check_vireply_fault)
{
	struct vireply	 r;

	check_vireply_ok(ENV_OPEN "<soapenv:Fault><faultcode>"
	    "ServerFaultCode</faultcode><faultstring>Cannot complete login "
	    "due to an incorrect user name or password.</faultstring><detail>"
	    "<InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\">"
	    "</InvalidLoginFault></detail></soapenv:Fault>" ENV_CLOSE, &r);
	ck_assert_str_eq(r.r_fault, "InvalidLogin");
	ck_assert_str_eq(r.r_msg, "Cannot complete login due to an incorrect "
	    "user name or password.");
	vireply_clear(&r);

	/* No xsi:type: the element name without "Fault". */
	check_vireply_ok(ENV_OPEN "<soapenv:Fault><faultcode>x</faultcode>"
	    "<faultstring>denied</faultstring><detail><NoPermissionFault "
	    "xmlns=\"urn:vim25\"><privilegeId>System.View</privilegeId>"
	    "</NoPermissionFault></detail></soapenv:Fault>" ENV_CLOSE, &r);
	ck_assert_str_eq(r.r_fault, "NoPermission");
	vireply_clear(&r);

	/* A prefixed xsi:type keeps only its local part. */
	check_vireply_ok(ENV_OPEN "<soapenv:Fault><faultstring>gone"
	    "</faultstring><detail><F xmlns:v=\"urn:vim25\" "
	    "xsi:type=\"v:ManagedObjectNotFound\"/></detail></soapenv:Fault>"
	    ENV_CLOSE, &r);
	ck_assert_str_eq(r.r_fault, "ManagedObjectNotFound");
	vireply_clear(&r);
}
END_TEST

START_TEST(check_vireply_fault_bare)
{
	struct vireply	 r;

	/* No detail and no faultstring: still a fault, never a result. */
	check_vireply_ok(ENV_OPEN "<soapenv:Fault><faultcode>x"
	    "</faultcode></soapenv:Fault>" ENV_CLOSE, &r);
	ck_assert_str_eq(r.r_fault, "SystemError");
	ck_assert_str_eq(r.r_msg, "");
	ck_assert_ptr_null(r.r_body);
	vireply_clear(&r);
}
END_TEST

START_TEST(check_vireply_taskerror)
{
	struct vireply	 r;
	xmlNodePtr	 err;
	char		*name, *msg;

	check_vireply_ok(ENV_OPEN "<XResponse xmlns=\"urn:vim25\"><error>"
	    "<fault xsi:type=\"InvalidPowerState\"><requestedState>poweredOn"
	    "</requestedState></fault><localizedMessage>The attempted "
	    "operation cannot be performed in the current state (Powered on)."
	    "</localizedMessage></error><error/></XResponse>" ENV_CLOSE, &r);
	err = xml_child(r.r_body, NULL, "error");
	vireply_localized(err, &name, &msg);
	ck_assert_str_eq(name, "InvalidPowerState");
	ck_assert_str_eq(msg, "The attempted operation cannot be performed "
	    "in the current state (Powered on).");
	free(name);
	free(msg);
	/* An empty error still names a fault and says something. */
	vireply_localized(xml_next(err, NULL, "error"), &name, &msg);
	ck_assert_str_eq(name, "SystemError");
	ck_assert_str_eq(msg, "the task failed");
	free(name);
	free(msg);
	vireply_clear(&r);
}
END_TEST

START_TEST(check_vireply_refused)
{
	check_vireply_bad("", "line");
	check_vireply_bad("<html><body>502 Bad Gateway</body></html>",
	    "not a SOAP envelope");
	check_vireply_bad("<soapenv:Envelope xmlns:soapenv=\"http://"
	    "schemas.xmlsoap.org/soap/envelope/\"/>", "without a Body");
	check_vireply_bad(ENV_OPEN ENV_CLOSE, "without a response");
	check_vireply_bad(ENV_OPEN "<Login xmlns=\"urn:vim25\"/>"
	    ENV_CLOSE, "without a response");
	check_vireply_bad(ENV_OPEN "<unclosed>", "line");
	/* A DOCTYPE is refused by lib/xml.c before anything is read. */
	check_vireply_bad("<!DOCTYPE x [<!ENTITY a \"b\">]>" ENV_OPEN
	    ENV_CLOSE, "DOCTYPE");
}
END_TEST

static Suite *
check_vireply_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("vireply");
	tc = tcase_create("core");
	tcase_add_test(tc, check_vireply_result);
	tcase_add_test(tc, check_vireply_void);
	tcase_add_test(tc, check_vireply_fault);
	tcase_add_test(tc, check_vireply_taskerror);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_vireply_fault_bare);
	tcase_add_test(tc, check_vireply_refused);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_vireply_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
