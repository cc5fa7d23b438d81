/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hostd/soap.c with the session, auth and ServiceInstance
 * and SessionManager handlers, without a network (hostd_soap_process):
 * the captured pyVmomi and govmomi envelopes are understood, the response
 * envelope is byte for byte the captured one, Login sets exactly one
 * cookie that the lenient parser finds again in every form clients echo,
 * lockout works, and malformed, unknown, unauthenticated, wrongly typed,
 * DOCTYPE'd and deeply nested requests all get the right SOAP fault with
 * HTTP 500, never a crash.
 */

#include "config.h"

#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/buffer.h>

#include "cfg.h"
#include "hostd.h"
#include "xmalloc.h"
#include "xml.h"

#define ENV_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
    "<soapenv:Envelope xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/" \
    "encoding/\" xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"" \
    " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://" \
    "www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENV_TAIL "</soapenv:Body></soapenv:Envelope>"

/* Captured pyVmomi request (vi-api.md §2.1), complete. */
#define PY_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
    "<soapenv:Envelope xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/" \
    "encoding/\" xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"" \
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=" \
    "\"http://www.w3.org/2001/XMLSchema\">\n<soapenv:Body>"
#define PY_TAIL "</soapenv:Body>\n</soapenv:Envelope>"
#define PY_RSC PY_HEAD "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this " \
    "type=\"ServiceInstance\">ServiceInstance</_this>" \
    "</RetrieveServiceContent>" PY_TAIL
/* Captured govmomi request, complete: no prefix. */
#define GO_RSC "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Envelope " \
    "xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><Body>" \
    "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=" \
    "\"ServiceInstance\">ServiceInstance</_this></RetrieveServiceContent>" \
    "</Body></Envelope>"
#define CREATE_CLUSTER PY_HEAD "<CreateCluster xmlns=\"urn:vim25\"><_this " \
    "type=\"Folder\">ha-folder-root</_this><name>c1</name></CreateCluster>" \
    PY_TAIL
#define SM "<_this type=\"SessionManager\">ha-sessionmgr</_this>"
#define SI "<_this type=\"ServiceInstance\">ServiceInstance</_this>"

struct check_hostd_soap_env {
	char			*dir;
	struct hostd_soap	*hs;
};

static void	 check_hostd_soap_files(const char *, const char *);
static void	 check_hostd_soap_setup(struct check_hostd_soap_env *,
		    const char *);
static void	 check_hostd_soap_teardown(struct check_hostd_soap_env *);
static char	*check_hostd_soap_call(struct hostd_soap *, const char *,
		    size_t, const char *, int *, char **);
static char	*check_hostd_soap_py(struct hostd_soap *, const char *,
		    const char *, int *, char **);
static void	 check_hostd_soap_fault(struct hostd_soap *, const char *,
		    size_t, const char *, const char *);
static char	*check_hostd_soap_login(struct hostd_soap *, const char *,
		    const char *);

static void
check_hostd_soap_files(const char *dir, const char *name)
{
	struct crypt_data	*cd;
	FILE			*f;
	char			*path;

	cd = xcalloc(1, sizeof *cd);
	xasprintf(&path, "%s/etc", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	xasprintf(&path, "%s/etc/vireo", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	xasprintf(&path, "%s/etc/vireo/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	free(path);
	if (strcmp(name, "shadow") == 0) {
		fprintf(f, "root::19000:0:99999:7:::\n");
		fprintf(f, "bob:%s:19000:0:99999:7:::\n",
		    crypt_r("Secret123!", "$6$abcdefgh$", cd));
		fprintf(f, "locked:!%s:19000::::::\n",
		    crypt_r("x", "$6$abcdefgh$", cd));
	}
	fclose(f);
	free(cd);
}

static void
check_hostd_soap_setup(struct check_hostd_soap_env *e, const char *conf)
{
	struct cfg	*cfg = NULL;
	char		*cause = NULL, *path;
	FILE		*f;

	e->dir = xstrdup("/tmp/vt-soap.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(e->dir));
	check_hostd_soap_files(e->dir, "shadow");
	xasprintf(&path, "%s/etc/vireo/passwd", e->dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "root:x:0:0:Administrator:/:/bin/sh\n"
	    "bob:x:1000:1000:Bob B,,,:/home/bob:/bin/sh\n");
	fclose(f);
	free(path);
	xasprintf(&path, "%s/etc/vireo/group", e->dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "root:x:0:\nbob:x:1000:\ndevs:x:2000:alice,bob\n"
	    "ops:x:2001:alice\n");
	fclose(f);
	free(path);
	if (conf != NULL) {
		cfg = cfg_parse(conf, strlen(conf), NULL, &cause);
		ck_assert_msg(cfg != NULL, "%s", cause);
	}
	e->hs = hostd_soap_create(NULL, e->dir, cfg, &cause);
	ck_assert_msg(e->hs != NULL, "%s", cause);
	cfg_free(cfg);
}

static void
check_hostd_soap_teardown(struct check_hostd_soap_env *e)
{
	char	*cmd;

	hostd_soap_free(e->hs);
	xasprintf(&cmd, "rm -rf '%s'", e->dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(e->dir);
}

/* One call; the response (caller frees), well-formed in every case. */
static char *
check_hostd_soap_call(struct hostd_soap *hs, const char *body, size_t len,
    const char *cookie, int *status, char **setcookie)
{
	struct hostd_call_info	 ci;
	struct evbuffer		*out;
	xmlDocPtr		 doc;
	char			*s, *sc = NULL, *cause = NULL;
	size_t			 n;

	memset(&ci, 0, sizeof ci);
	ci.ci_cookie = cookie;
	ci.ci_peer = "192.0.2.7:51234";
	ci.ci_agent = "pyvmomi Python/3.11.2 (Linux; 6.1; x86_64)";
	out = evbuffer_new();
	*status = 0;
	hostd_soap_process(hs, body, len, &ci, status, out, &sc);
	n = evbuffer_get_length(out);
	s = xmalloc(n + 1);
	evbuffer_remove(out, s, n);
	s[n] = '\0';
	evbuffer_free(out);
	ck_assert(*status == 200 || *status == 500);
	doc = xml_parse(s, n, NULL, &cause);
	ck_assert_msg(doc != NULL, "response not well-formed: %s: %s", cause,
	    s);
	xmlFreeDoc(doc);
	ck_assert_int_eq(strncmp(s, ENV_HEAD, strlen(ENV_HEAD)), 0);
	ck_assert_str_eq(s + n - strlen(ENV_TAIL), ENV_TAIL);
	if (setcookie != NULL)
		*setcookie = sc;
	else
		ck_assert_ptr_null(sc);
	return (s);
}

/* A call wrapped in pyVmomi's envelope. */
static char *
check_hostd_soap_py(struct hostd_soap *hs, const char *call,
    const char *cookie, int *status, char **setcookie)
{
	char	*body, *s;

	xasprintf(&body, PY_HEAD "%s" PY_TAIL, call);
	s = check_hostd_soap_call(hs, body, strlen(body), cookie, status,
	    setcookie);
	free(body);
	return (s);
}

/* body must get HTTP 500 and a fault of type type, with detail. */
static void
check_hostd_soap_fault(struct hostd_soap *hs, const char *body, size_t len,
    const char *cookie, const char *type)
{
	char	*s, *want;
	int	 status;

	s = check_hostd_soap_call(hs, body, len, cookie, &status, NULL);
	ck_assert_msg(status == 500, "got %d for %.300s", status,
	    body != NULL ? body : "(null)");
	xasprintf(&want, "<detail><%sFault xmlns=\"urn:vim25\" "
	    "xsi:type=\"%s\">", type, type);
	ck_assert_msg(strstr(s, want) != NULL, "want %s in %s", type, s);
	ck_assert_ptr_nonnull(strstr(s, "<soapenv:Fault><faultcode>"
	    "ServerFaultCode</faultcode><faultstring>"));
	free(want);
	free(s);
}

/* Log in; the Set-Cookie value (caller frees), or NULL on a fault. */
static char *
check_hostd_soap_login(struct hostd_soap *hs, const char *user,
    const char *password)
{
	char	*call, *s, *sc;
	int	 status;

	xasprintf(&call, "<Login xmlns=\"urn:vim25\">" SM "<userName>%s"
	    "</userName><password>%s</password></Login>", user, password);
	s = check_hostd_soap_py(hs, call, "", &status, &sc);
	free(call);
	if (status == 200) {
		ck_assert_ptr_nonnull(sc);
		ck_assert_ptr_nonnull(strstr(s, "<LoginResponse xmlns="
		    "\"urn:vim25\"><returnval><key>52"));
	} else {
		ck_assert_ptr_null(sc);
		ck_assert_str_eq(s, ENV_HEAD "<soapenv:Fault><faultcode>"
		    "ServerFaultCode</faultcode><faultstring>Cannot complete "
		    "login due to an incorrect user name or password."
		    "</faultstring><detail><InvalidLoginFault xmlns="
		    "\"urn:vim25\" xsi:type=\"InvalidLogin\">"
		    "</InvalidLoginFault></detail></soapenv:Fault>" ENV_TAIL);
	}
	free(s);
	return (sc);
}

START_TEST(test_service_content)
{
	struct check_hostd_soap_env	 e;
	char				*s;
	int				 status;
	static const char		 want[] = ENV_HEAD
	    "<RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval>"
	    "<rootFolder type=\"Folder\">ha-folder-root</rootFolder>"
	    "<propertyCollector type=\"PropertyCollector\">"
	    "ha-property-collector</propertyCollector><viewManager type="
	    "\"ViewManager\">ViewManager</viewManager><about><name>VMware "
	    "ESXi</name><fullName>VMware ESXi 6.7.0 build-14320388</fullName>"
	    "<vendor>VMware, Inc.</vendor><version>6.7.0</version><build>"
	    "14320388</build><localeVersion>INTL</localeVersion><localeBuild>"
	    "000</localeBuild><osType>vmnix-x86</osType><productLineId>"
	    "embeddedEsx</productLineId><apiType>HostAgent</apiType>"
	    "<apiVersion>6.7.3</apiVersion><licenseProductName>VMware ESX "
	    "Server</licenseProductName><licenseProductVersion>6.0"
	    "</licenseProductVersion></about><setting type=\"OptionManager\">"
	    "HostAgentSettings</setting><userDirectory type=\"UserDirectory\">"
	    "ha-user-directory</userDirectory><sessionManager type="
	    "\"SessionManager\">ha-sessionmgr</sessionManager>";

	check_hostd_soap_setup(&e, NULL);
	/* pyVmomi's first call: an empty Cookie header, no session. */
	s = check_hostd_soap_call(e.hs, PY_RSC, strlen(PY_RSC), "", &status,
	    NULL);
	ck_assert_int_eq(status, 200);
	ck_assert_int_eq(strncmp(s, want, strlen(want)), 0);
	ck_assert_ptr_nonnull(strstr(s, "<accountManager type="
	    "\"HostLocalAccountManager\">ha-localacctmgr</accountManager>"));
	ck_assert_str_eq(s + strlen(s) - strlen("</returnval>"
	    "</RetrieveServiceContentResponse>" ENV_TAIL), "</returnval>"
	    "</RetrieveServiceContentResponse>" ENV_TAIL);
	/* Never a 7.0-only field. */
	ck_assert_ptr_null(strstr(s, "guestCustomizationManager"));
	ck_assert_ptr_null(strstr(s, "tenantManager"));
	free(s);

	/* govmomi's: no prefixes, no cookie at all. */
	s = check_hostd_soap_call(e.hs, GO_RSC, strlen(GO_RSC), NULL,
	    &status, NULL);
	ck_assert_int_eq(status, 200);
	ck_assert_int_eq(strncmp(s, want, strlen(want)), 0);
	free(s);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_current_time)
{
	struct check_hostd_soap_env	 e;
	char				*s, *p;
	int				 status;
	static const char		 head[] = ENV_HEAD
	    "<CurrentTimeResponse xmlns=\"urn:vim25\"><returnval>";

	check_hostd_soap_setup(&e, NULL);
	s = check_hostd_soap_py(e.hs, "<CurrentTime xmlns=\"urn:vim25\">" SI
	    "</CurrentTime>", NULL, &status, NULL);
	ck_assert_int_eq(status, 200);
	ck_assert_int_eq(strncmp(s, head, strlen(head)), 0);
	p = s + strlen(head);
	/* 2026-11-21T04:59:42.005835Z */
	ck_assert_int_eq(p[4], '-');
	ck_assert_int_eq(p[10], 'T');
	ck_assert_int_eq(p[19], '.');
	ck_assert_int_eq(p[26], 'Z');
	ck_assert_str_eq(p + 27, "</returnval></CurrentTimeResponse>"
	    ENV_TAIL);
	free(s);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_login_logout)
{
	struct check_hostd_soap_env	 e;
	char				*sc, *s, *cookie, value[64];
	int				 status;
	const char			*forms[4];
	size_t				 i;

	check_hostd_soap_setup(&e, NULL);
	/* A fresh host: root with the empty password. */
	ck_assert_ptr_null(check_hostd_soap_login(e.hs, "root", "x"));
	sc = check_hostd_soap_login(e.hs, "root", "");
	ck_assert_ptr_nonnull(sc);
	ck_assert_uint_eq(strlen(sc), strlen("vmware_soap_session=\"\"; "
	    "Path=/; HttpOnly; Secure;") + 40);
	ck_assert_int_eq(strncmp(sc, "vmware_soap_session=\"", 21), 0);
	ck_assert_str_eq(sc + 61, "\"; Path=/; HttpOnly; Secure;");
	ck_assert_int_eq(hostd_session_cookie_parse(sc, value, sizeof value),
	    0);
	ck_assert_uint_eq(strspn(value, "0123456789abcdef"), 40);
	ck_assert_uint_eq(hostd_session_count(hostd_soap_sessions(e.hs)), 1);

	/* Every form a client sends the cookie back in. */
	xasprintf(&cookie, "vmware_soap_session=%s", value);
	forms[0] = sc;
	forms[1] = cookie;
	forms[2] = "a=b; vmware_soap_session=nope";
	forms[3] = NULL;
	for (i = 0; i < 2; i++) {
		s = check_hostd_soap_py(e.hs, "<SessionIsActive xmlns="
		    "\"urn:vim25\">" SM "<sessionID>x</sessionID><userName>"
		    "root</userName></SessionIsActive>", forms[i], &status,
		    NULL);
		ck_assert_int_eq(status, 500);
		ck_assert_msg(strstr(s, "NotImplementedFault") != NULL,
		    "form %zu: %s", i, s);
		free(s);
	}
	check_hostd_soap_fault(e.hs, PY_HEAD "<Logout xmlns=\"urn:vim25\">" SM
	    "</Logout>" PY_TAIL, strlen(PY_HEAD "<Logout xmlns=\"urn:vim25\">"
	    SM "</Logout>" PY_TAIL), forms[2], "NotAuthenticated");

	/* A second login is a second session. */
	free(check_hostd_soap_login(e.hs, "bob", "Secret123!"));
	ck_assert_uint_eq(hostd_session_count(hostd_soap_sessions(e.hs)), 2);

	s = check_hostd_soap_py(e.hs, "<Logout xmlns=\"urn:vim25\">" SM
	    "</Logout>", sc, &status, NULL);
	ck_assert_int_eq(status, 200);
	ck_assert_str_eq(s, ENV_HEAD "<LogoutResponse xmlns=\"urn:vim25\">"
	    "</LogoutResponse>" ENV_TAIL);
	free(s);
	ck_assert_uint_eq(hostd_session_count(hostd_soap_sessions(e.hs)), 1);
	/* The old cookie, as pyVmomi keeps sending it (A.3). */
	s = check_hostd_soap_py(e.hs, "<Logout xmlns=\"urn:vim25\">" SM
	    "</Logout>", sc, &status, NULL);
	ck_assert_int_eq(status, 500);
	ck_assert_ptr_nonnull(strstr(s, "<NotAuthenticatedFault xmlns="
	    "\"urn:vim25\" xsi:type=\"NotAuthenticated\"><object type="
	    "\"SessionManager\">ha-sessionmgr</object><privilegeId>"
	    "System.View</privilegeId></NotAuthenticatedFault>"));
	free(s);
	free(cookie);
	free(sc);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_user_session)
{
	struct check_hostd_soap_env	 e;
	char				*s, *sc;
	int				 status;

	check_hostd_soap_setup(&e, NULL);
	s = check_hostd_soap_py(e.hs, "<Login xmlns=\"urn:vim25\">" SM
	    "<userName>bob</userName><password>Secret123!</password>"
	    "<locale>de_DE</locale></Login>", NULL, &status, &sc);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_nonnull(strstr(s, "</key><userName>bob</userName>"
	    "<fullName>Bob B</fullName><loginTime>"));
	ck_assert_ptr_nonnull(strstr(s, "</lastActiveTime><locale>de_DE"
	    "</locale><messageLocale>de_DE</messageLocale><extensionSession>"
	    "false</extensionSession><ipAddress>192.0.2.7</ipAddress>"
	    "<userAgent>pyvmomi Python/3.11.2 (Linux; 6.1; x86_64)"
	    "</userAgent><callCount>1</callCount></returnval>"
	    "</LoginResponse>"));
	free(s);
	free(sc);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_terminate)
{
	struct check_hostd_soap_env	 e;
	struct hostd_session		*other;
	char				*a, *b, *call, *s;
	int				 status;

	check_hostd_soap_setup(&e, NULL);
	a = check_hostd_soap_login(e.hs, "root", "");
	b = check_hostd_soap_login(e.hs, "bob", "Secret123!");
	other = hostd_session_find(hostd_soap_sessions(e.hs), b);
	ck_assert_ptr_nonnull(other);
	xasprintf(&call, "<TerminateSession xmlns=\"urn:vim25\">" SM
	    "<sessionId>%s</sessionId></TerminateSession>", other->s_key);
	s = check_hostd_soap_py(e.hs, "<TerminateSession xmlns=\"urn:vim25\">"
	    SM "<sessionId>nope</sessionId></TerminateSession>", a, &status,
	    NULL);
	ck_assert_int_eq(status, 500);
	ck_assert_ptr_nonnull(strstr(s, "NotFoundFault"));
	free(s);
	s = check_hostd_soap_py(e.hs, call, a, &status, NULL);
	ck_assert_int_eq(status, 200);
	free(s);
	ck_assert_ptr_null(hostd_session_find(hostd_soap_sessions(e.hs), b));
	free(call);
	free(a);
	free(b);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_groups)
{
	struct check_hostd_soap_env	 e;
	char				**g;

	check_hostd_soap_setup(&e, NULL);
	g = account_groups(hostd_soap_auth(e.hs), "bob");
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g[0], "bob");
	ck_assert_str_eq(g[1], "devs");
	ck_assert_ptr_null(g[2]);
	account_groups_free(g);
	ck_assert_ptr_null(account_groups(hostd_soap_auth(e.hs), "nobody"));
	ck_assert_int_eq(errno, ENOENT);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_lockout)
{
	struct check_hostd_soap_env	 e;
	char				*sc;
	int				 i;

	check_hostd_soap_setup(&e, "Security.AccountLockFailures = 3\n"
	    "Security.AccountUnlockTime = 1\n");
	for (i = 0; i < 3; i++)
		ck_assert_ptr_null(check_hostd_soap_login(e.hs, "bob", "bad"));
	/* Locked: the right password is refused the same way. */
	ck_assert_ptr_null(check_hostd_soap_login(e.hs, "bob", "Secret123!"));
	/* Other users are not affected; unknown names look the same. */
	free(check_hostd_soap_login(e.hs, "root", ""));
	ck_assert_ptr_null(check_hostd_soap_login(e.hs, "ghost", ""));
	ck_assert_ptr_null(check_hostd_soap_login(e.hs, "locked", "x"));
	sleep(2);
	sc = check_hostd_soap_login(e.hs, "bob", "Secret123!");
	ck_assert_ptr_nonnull(sc);
	free(sc);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_cookie_parse)
{
	char	buf[64];

	ck_assert_int_eq(hostd_session_cookie_parse("vmware_soap_session="
	    "abc; HttpOnly", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "abc");
	ck_assert_int_eq(hostd_session_cookie_parse("vmware_soap_session="
	    "\"abc\"; Path=/; HttpOnly; Secure;", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "abc");
	ck_assert_int_eq(hostd_session_cookie_parse(";;  x=1;  "
	    "vmware_soap_session=d ", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "d");
	ck_assert_int_eq(hostd_session_cookie_parse("", buf, sizeof buf), -1);
	ck_assert_int_eq(hostd_session_cookie_parse(NULL, buf, sizeof buf),
	    -1);
	ck_assert_int_eq(hostd_session_cookie_parse("vmware_soap_session=",
	    buf, sizeof buf), -1);
	ck_assert_int_eq(hostd_session_cookie_parse("vmware_soap_session=\"\"",
	    buf, sizeof buf), -1);
	ck_assert_int_eq(hostd_session_cookie_parse("xvmware_soap_session=a",
	    buf, sizeof buf), -1);
	ck_assert_int_eq(hostd_session_cookie_parse("vmware_soap_session="
	    "0123456789012345678901234567890123456789", buf, 16), -1);
}
END_TEST

START_TEST(test_bad_requests)
{
	struct check_hostd_soap_env	 e;
	char				*sc, *big, *s;
	size_t				 i, n;
	int				 status;
	static const char *const	 bad[] = {
		"",
		"not xml",
		"<a>",
		PY_HEAD "<RetrieveServiceContent xmlns=\"urn:vim25\">",
		"<Envelope/>",
		"<Envelope xmlns=\"http://www.w3.org/2003/05/soap-envelope\">"
		"<Body><CurrentTime xmlns=\"urn:vim25\">" SI "</CurrentTime>"
		"</Body></Envelope>",
		"<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		"</Envelope>",
		"<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		"<Body/></Envelope>",
		PY_HEAD "<CurrentTime xmlns=\"urn:vim2\">" SI "</CurrentTime>"
		PY_TAIL,
		PY_HEAD "<CurrentTime>" SI "</CurrentTime>" PY_TAIL,
		PY_HEAD "<CurrentTime xmlns=\"urn:vim25\"></CurrentTime>"
		PY_TAIL,
		PY_HEAD "<CurrentTime xmlns=\"urn:vim25\"><_this>"
		"ServiceInstance</_this></CurrentTime>" PY_TAIL,
		PY_HEAD "<CurrentTime xmlns=\"urn:vim25\"><_this type=\"\">"
		"x</_this></CurrentTime>" PY_TAIL,
		PY_HEAD "<CurrentTime xmlns=\"urn:vim25\"><_this type=\"S\">"
		"<a/></_this></CurrentTime>" PY_TAIL,
		/* Billion laughs: refused at the DOCTYPE. */
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
		"<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		"<Body><Login xmlns=\"urn:vim25\">" SM "<userName>&lol2;"
		"</userName></Login></Body></Envelope>",
		"<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/"
		"passwd\"><x/>",
	};

	check_hostd_soap_setup(&e, NULL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		check_hostd_soap_fault(e.hs, bad[i], strlen(bad[i]), NULL,
		    "InvalidRequest");
	}
	/* Bytes after a NUL, and a NULL body. */
	check_hostd_soap_fault(e.hs, GO_RSC "\0junk", strlen(GO_RSC) + 5,
	    NULL, "InvalidRequest");
	check_hostd_soap_fault(e.hs, NULL, 0, NULL, "InvalidRequest");

	/* Deep nesting: refused by the depth limit. */
	n = 200;
	big = xmalloc(n * 7 + 512);
	strcpy(big, PY_HEAD "<Login xmlns=\"urn:vim25\">" SM "<userName>");
	for (i = 0; i < n; i++)
		strcat(big, "<a>");
	for (i = 0; i < n; i++)
		strcat(big, "</a>");
	strcat(big, "</userName></Login>" PY_TAIL);
	check_hostd_soap_fault(e.hs, big, strlen(big), NULL, "InvalidRequest");
	free(big);

	/* Over the body limit. */
	n = HOSTD_MAX_BODY + 16;
	big = xmalloc(n);
	memset(big, ' ', n);
	memcpy(big, GO_RSC, strlen(GO_RSC));
	check_hostd_soap_fault(e.hs, big, n, NULL, "InvalidRequest");
	free(big);

	/* Without a session: NotAuthenticated, known method or not. */
	check_hostd_soap_fault(e.hs, CREATE_CLUSTER, strlen(CREATE_CLUSTER),
	    "", "NotAuthenticated");

	sc = check_hostd_soap_login(e.hs, "root", "");
	/* A.5: a method the server does not implement. */
	s = check_hostd_soap_py(e.hs, "<CreateCluster xmlns=\"urn:vim25\">"
	    "<_this type=\"Folder\">ha-folder-root</_this><name>c1</name>"
	    "<spec></spec></CreateCluster>", sc, &status, NULL);
	ck_assert_int_eq(status, 500);
	ck_assert_ptr_nonnull(strstr(s, "<faultstring>The method CreateCluster "
	    "is not supported on Folder</faultstring><detail>"
	    "<MethodNotFoundFault xmlns=\"urn:vim25\" xsi:type="
	    "\"MethodNotFound\"><receiver type=\"Folder\">ha-folder-root"
	    "</receiver><method>CreateCluster</method></MethodNotFoundFault>"
	    "</detail>"));
	free(s);
	/* A known method on the wrong type. */
	s = check_hostd_soap_py(e.hs, "<Login xmlns=\"urn:vim25\">" SI
	    "<userName>a</userName><password>b</password></Login>", sc,
	    &status, NULL);
	ck_assert_int_eq(status, 500);
	ck_assert_ptr_nonnull(strstr(s, "MethodNotFoundFault"));
	free(s);
	/* An unknown _this of a known type. */
	s = check_hostd_soap_py(e.hs, "<CurrentTime xmlns=\"urn:vim25\">"
	    "<_this type=\"ServiceInstance\">other</_this></CurrentTime>", sc,
	    &status, NULL);
	ck_assert_int_eq(status, 500);
	ck_assert_ptr_nonnull(strstr(s, "<ManagedObjectNotFoundFault xmlns="
	    "\"urn:vim25\" xsi:type=\"ManagedObjectNotFound\"><obj type="
	    "\"ServiceInstance\">other</obj>"));
	free(s);
	free(sc);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_bad_params)
{
	struct check_hostd_soap_env	 e;
	char				*s;
	int				 status;
	static const struct {
		const char	*call;
		const char	*fault;
		const char	*detail;
	} bad[] = {
		{ "<Login xmlns=\"urn:vim25\">" SM "<userName>root</userName>"
		  "</Login>", "InvalidArgument",
		  "<invalidProperty>password</invalidProperty>" },
		{ "<Login xmlns=\"urn:vim25\">" SM "<userName><x>root</x>"
		  "</userName><password></password></Login>",
		  "InvalidArgument",
		  "<invalidProperty>userName</invalidProperty>" },
		{ "<Login xmlns=\"urn:vim25\">" SM "<userName>root</userName>"
		  "<userName>bob</userName><password></password></Login>",
		  "InvalidArgument",
		  "<invalidProperty>userName</invalidProperty>" },
		{ "<Login xmlns=\"urn:vim25\">" SM "<userName xsi:type="
		  "\"xsd:int\">1</userName><password></password></Login>",
		  "InvalidType", "<argument>userName</argument>" },
		{ "<Login xmlns=\"urn:vim25\">" SM "<userName xsi:type="
		  "\"nope:string\">1</userName><password></password></Login>",
		  "InvalidArgument",
		  "<invalidProperty>userName</invalidProperty>" },
		{ "<Login xmlns=\"urn:vim25\">" SM "<userName>root</userName>"
		  "<password></password><locale>../../etc</locale></Login>",
		  "InvalidArgument",
		  "<invalidProperty>locale</invalidProperty>" },
	};
	size_t	i;

	check_hostd_soap_setup(&e, NULL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = check_hostd_soap_py(e.hs, bad[i].call, NULL, &status,
		    NULL);
		ck_assert_int_eq(status, 500);
		ck_assert_msg(strstr(s, bad[i].fault) != NULL &&
		    strstr(s, bad[i].detail) != NULL, "%zu: %s", i, s);
		free(s);
	}
	/* Unknown parameters (a newer client's) are ignored. */
	free(check_hostd_soap_py(e.hs, "<Login xmlns=\"urn:vim25\">" SM
	    "<userName>root</userName><password></password><future>1"
	    "</future></Login>", NULL, &status, &s));
	ck_assert_int_eq(status, 200);
	free(s);
	check_hostd_soap_teardown(&e);
}
END_TEST

START_TEST(test_expiry)
{
	struct hostd_sessions	*st;
	struct hostd_session	*s;
	char			*sc;

	st = hostd_session_table_create(1, 0);
	s = hostd_session_new(st, "root", NULL, NULL, NULL, NULL);
	sc = hostd_session_set_cookie(s, 0);
	ck_assert_str_eq(sc + 61, "\"; Path=/; HttpOnly;");
	ck_assert_ptr_eq(hostd_session_find(st, sc), s);
	ck_assert_ptr_eq(hostd_session_find_key(st, s->s_key), s);
	ck_assert_str_eq(s->s_fullname, "root");
	ck_assert_str_eq(s->s_locale, "en_US");
	sleep(2);
	ck_assert_ptr_null(hostd_session_find(st, sc));
	ck_assert_uint_eq(hostd_session_count(st), 0);
	free(sc);
	hostd_session_table_free(st);
}
END_TEST

START_TEST(test_session_cap)
{
	struct hostd_sessions	*st;
	struct hostd_session	*a, *b, *c;
	char			*ca, *cb;

	log_set_level(LOG_LEVEL_ERROR);
	st = hostd_session_table_create(0, 2);
	a = hostd_session_new(st, "a", NULL, NULL, NULL, NULL);
	b = hostd_session_new(st, "b", NULL, NULL, NULL, NULL);
	ca = hostd_session_set_cookie(a, 1);
	cb = hostd_session_set_cookie(b, 1);
	/* b is the least recently active once a is used. */
	b->s_idle_since -= 10;
	hostd_session_touch(a);
	c = hostd_session_new(st, "c", NULL, NULL, NULL, NULL);
	ck_assert_uint_eq(hostd_session_count(st), 2);
	ck_assert_ptr_eq(hostd_session_find(st, ca), a);
	ck_assert_ptr_null(hostd_session_find(st, cb));
	ck_assert_ptr_eq(hostd_session_next(st, NULL), c);
	ck_assert_ptr_eq(hostd_session_next(st, c), a);
	ck_assert_ptr_null(hostd_session_next(st, a));
	free(ca);
	free(cb);
	hostd_session_table_free(st);
}
END_TEST

static void	check_hostd_soap_slot_free(void *);

static void
check_hostd_soap_slot_free(void *p)
{
	(*(int *)p)++;
}

START_TEST(test_slot)
{
	struct hostd_sessions	*st;
	struct hostd_session	*s;
	int			 called = 0;

	st = hostd_session_table_create(0, 0);
	s = hostd_session_new(st, "root", NULL, NULL, NULL, NULL);
	s->s_slot = &called;
	s->s_slot_free = check_hostd_soap_slot_free;
	ck_assert_uint_eq(hostd_session_expire(st), 0);
	hostd_session_table_free(st);
	ck_assert_int_eq(called, 1);
}
END_TEST

static Suite *
hostd_soap_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("hostd_soap");
	tc = tcase_create("core");
	tcase_add_test(tc, test_service_content);
	tcase_add_test(tc, test_current_time);
	tcase_add_test(tc, test_login_logout);
	tcase_add_test(tc, test_user_session);
	tcase_add_test(tc, test_terminate);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_cookie_parse);
	tcase_add_test(tc, test_slot);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_lockout);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_session_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_bad_params);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	log_init("check_hostd_soap", LOG_TO_STDERR);
	log_set_level(LOG_LEVEL_WARNING);
	sr = srunner_create(hostd_soap_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
