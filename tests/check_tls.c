/* SPDX-License-Identifier: ISC */
/*
 * Tests for lib/tls.c: a generated identity is what a client sees (modes,
 * names, validity, the thumbprint OpenSSL's own tool prints), it serves a
 * real handshake over a socketpair with TLS 1.2 and 1.3 and refuses
 * TLS 1.1, and bad files give clear errors.  Each test works in its own
 * short mkdtemp directory under /tmp.
 */

#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"

#define CHECK_TLS_HOST	"esx01.example.test"

static char	check_tls_dir[64];
static char	check_tls_crt[PATH_MAX];
static char	check_tls_key[PATH_MAX];

static void	check_tls_setup(void);
static void	check_tls_teardown(void);
static char	*check_tls_path(const char *);
static void	check_tls_generate(void);
static int	check_tls_handshake(SSL_CTX *, SSL_CTX *, const char *);
static X509	*check_tls_read(const char *);
static Suite	*check_tls_suite(void);

static void
check_tls_setup(void)
{
	snprintf(check_tls_dir, sizeof check_tls_dir, "/tmp/vtls.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_tls_dir));
	snprintf(check_tls_crt, sizeof check_tls_crt, "%s/rui.crt",
	    check_tls_dir);
	snprintf(check_tls_key, sizeof check_tls_key, "%s/rui.key",
	    check_tls_dir);
}

static void
check_tls_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", check_tls_dir);
	(void)system(cmd);
}

static char *
check_tls_path(const char *name)
{
	static char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", check_tls_dir, name);
	return (path);
}

static void
check_tls_generate(void)
{
	char	*cause = NULL;

	ck_assert_msg(tls_generate_self_signed(check_tls_crt, check_tls_key,
	    CHECK_TLS_HOST, &cause) == 0, "generate: %s", cause);
}

static X509 *
check_tls_read(const char *path)
{
	FILE	*f;
	X509	*x;

	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	return (x);
}

/*
 * Run a handshake between a server on sctx and a client on cctx over a
 * socketpair, the client checking host (if not NULL).  Returns the
 * negotiated version, or -1 if the handshake failed.
 */
static int
check_tls_handshake(SSL_CTX *sctx, SSL_CTX *cctx, const char *host)
{
	SSL	*s, *c;
	int	 sv[2], i, sdone = 0, cdone = 0, rc, version = -1;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv), 0);
	ck_assert_ptr_nonnull(s = SSL_new(sctx));
	ck_assert_ptr_nonnull(c = SSL_new(cctx));
	SSL_set_fd(s, sv[0]);
	SSL_set_fd(c, sv[1]);
	SSL_set_accept_state(s);
	SSL_set_connect_state(c);
	if (host != NULL) {
		SSL_set_tlsext_host_name(c, host);
		SSL_set1_host(c, host);
	}
	for (i = 0; i < 1000 && !(sdone && cdone); i++) {
		if (!cdone) {
			rc = SSL_do_handshake(c);
			if (rc == 1)
				cdone = 1;
			else if (SSL_get_error(c, rc) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(c, rc) != SSL_ERROR_WANT_WRITE)
				break;
		}
		if (!sdone) {
			rc = SSL_do_handshake(s);
			if (rc == 1)
				sdone = 1;
			else if (SSL_get_error(s, rc) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(s, rc) != SSL_ERROR_WANT_WRITE)
				break;
		}
	}
	if (sdone && cdone) {
		ck_assert_int_eq(SSL_version(s), SSL_version(c));
		version = SSL_version(c);
	}
	ERR_clear_error();
	SSL_free(s);
	SSL_free(c);
	close(sv[0]);
	close(sv[1]);
	return (version);
}

START_TEST(check_tls_generate_files)
{
	struct stat	 sb;
	X509		*x;
	EVP_PKEY	*pk;
	const ASN1_TIME	*t;
	int		 days, secs;

	check_tls_generate();
	ck_assert_int_eq(stat(check_tls_key, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ck_assert_int_eq(stat(check_tls_crt, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0644);

	x = check_tls_read(check_tls_crt);
	/* The names a client checks. */
	ck_assert_int_eq(X509_check_host(x, CHECK_TLS_HOST, 0, 0, NULL), 1);
	ck_assert_int_eq(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	ck_assert_int_eq(X509_check_host(x, "other.example.test", 0, 0,
	    NULL), 0);
	/* RSA 2048, signed with SHA-256, valid for ten years from now. */
	ck_assert_ptr_nonnull(pk = X509_get0_pubkey(x));
	ck_assert_int_eq(EVP_PKEY_get_base_id(pk), EVP_PKEY_RSA);
	ck_assert_int_eq(EVP_PKEY_get_bits(pk), 2048);
	ck_assert_int_eq(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
	t = X509_get0_notAfter(x);
	ck_assert_int_eq(ASN1_TIME_diff(&days, &secs, NULL, t), 1);
	ck_assert_int_ge(days, TLS_CERT_DAYS - 1);
	ck_assert_int_le(days, TLS_CERT_DAYS);
	ck_assert_int_lt(X509_cmp_current_time(X509_get0_notBefore(x)), 0);
	X509_free(x);
}
END_TEST

START_TEST(check_tls_thumbprint_format)
{
	char	 tp[TLS_THUMBPRINT_MAX + 1], cmd[PATH_MAX + 64];
	char	 line[256], *cause = NULL, *eq;
	FILE	*p;
	size_t	 i;

	check_tls_generate();
	ck_assert_msg(tls_cert_thumbprint(check_tls_crt, "sha1", tp,
	    sizeof tp, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(strlen(tp), 20 * 3 - 1);
	for (i = 0; i < strlen(tp); i++) {
		if (i % 3 == 2)
			ck_assert_int_eq(tp[i], ':');
		else
			ck_assert(strchr("0123456789ABCDEF", tp[i]) != NULL);
	}
	/* The same as the openssl tool prints, when it is installed. */
	snprintf(cmd, sizeof cmd, "openssl x509 -noout -fingerprint -sha1 "
	    "-in %s 2>/dev/null", check_tls_crt);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof line, p) != NULL &&
		    (eq = strchr(line, '=')) != NULL) {
			eq[strcspn(eq, "\n")] = '\0';
			ck_assert_str_eq(eq + 1, tp);
		}
		pclose(p);
	}
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha256", tp,
	    sizeof tp, &cause), 0);
	ck_assert_uint_eq(strlen(tp), 32 * 3 - 1);
}
END_TEST

START_TEST(check_tls_handshake_versions)
{
	SSL_CTX	*sctx, *cctx;
	char	*cause = NULL;

	check_tls_generate();
	sctx = tls_server_ctx(check_tls_crt, check_tls_key, &cause);
	ck_assert_msg(sctx != NULL, "server: %s", cause);

	/* A verifying client that trusts the certificate: TLS 1.3. */
	cctx = tls_client_ctx(check_tls_crt, &cause);
	ck_assert_msg(cctx != NULL, "client: %s", cause);
	ck_assert_int_eq(check_tls_handshake(sctx, cctx, CHECK_TLS_HOST),
	    TLS1_3_VERSION);
	/* The wrong name fails verification. */
	ck_assert_int_eq(check_tls_handshake(sctx, cctx, "wrong.example"),
	    -1);
	/* TLS 1.2 only. */
	ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION),
	    1);
	ck_assert_int_eq(check_tls_handshake(sctx, cctx, CHECK_TLS_HOST),
	    TLS1_2_VERSION);
	SSL_CTX_free(cctx);

	/* An old client that insists on TLS 1.1 is refused by the server. */
	cctx = SSL_CTX_new(TLS_client_method());
	ck_assert_ptr_nonnull(cctx);
	SSL_CTX_set_security_level(cctx, 0);
	ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, "ALL:@SECLEVEL=0"), 1);
	SSL_CTX_set_min_proto_version(cctx, TLS1_1_VERSION);
	SSL_CTX_set_max_proto_version(cctx, TLS1_1_VERSION);
	ck_assert_int_eq(check_tls_handshake(sctx, cctx, NULL), -1);
	SSL_CTX_free(cctx);

	/* Without a CA file nothing is verified (thumbprint pinning). */
	cctx = tls_client_ctx(NULL, &cause);
	ck_assert_ptr_nonnull(cctx);
	ck_assert_int_eq(check_tls_handshake(sctx, cctx, NULL),
	    TLS1_3_VERSION);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
}
END_TEST

START_TEST(check_tls_regenerate_new_key)
{
	char	tp1[TLS_THUMBPRINT_MAX + 1], tp2[TLS_THUMBPRINT_MAX + 1];
	char	*cause = NULL;

	check_tls_generate();
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha1", tp1,
	    sizeof tp1, &cause), 0);
	check_tls_generate();
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha1", tp2,
	    sizeof tp2, &cause), 0);
	ck_assert_str_ne(tp1, tp2);
}
END_TEST

START_TEST(check_tls_ensure_identity)
{
	char	tp1[TLS_THUMBPRINT_MAX + 1], tp2[TLS_THUMBPRINT_MAX + 1];
	char	*cause = NULL;

	/* A fresh host gets a pair; a second start keeps it. */
	ck_assert_int_eq(tls_ensure_identity(check_tls_crt, check_tls_key,
	    CHECK_TLS_HOST, &cause), TLS_IDENTITY_NEW);
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha1", tp1,
	    sizeof tp1, &cause), 0);
	ck_assert_int_eq(tls_ensure_identity(check_tls_crt, check_tls_key,
	    CHECK_TLS_HOST, &cause), TLS_IDENTITY_KEPT);
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha1", tp2,
	    sizeof tp2, &cause), 0);
	ck_assert_str_eq(tp1, tp2);

	/* A certificate whose key was lost is replaced, with a new key. */
	ck_assert_int_eq(unlink(check_tls_key), 0);
	ck_assert_int_eq(tls_ensure_identity(check_tls_crt, check_tls_key,
	    CHECK_TLS_HOST, &cause), TLS_IDENTITY_REPLACED);
	ck_assert_int_eq(access(check_tls_key, R_OK), 0);
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha1", tp2,
	    sizeof tp2, &cause), 0);
	ck_assert_str_ne(tp1, tp2);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(check_tls_missing_files)
{
	SSL_CTX	*ctx;
	char	*cause = NULL, tp[TLS_THUMBPRINT_MAX + 1];

	ctx = tls_server_ctx(check_tls_path("none.crt"), check_tls_key,
	    &cause);
	ck_assert_ptr_null(ctx);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(cause, "none.crt"));
	ck_assert_ptr_nonnull(strstr(cause, "No such file"));
	free(cause);
	cause = NULL;

	check_tls_generate();
	ctx = tls_server_ctx(check_tls_crt, check_tls_path("none.key"),
	    &cause);
	ck_assert_ptr_null(ctx);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(cause, "none.key"));
	free(cause);
	cause = NULL;

	ck_assert_int_eq(tls_cert_thumbprint(check_tls_path("none.crt"),
	    "sha1", tp, sizeof tp, &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(cause);
}
END_TEST

START_TEST(check_tls_ensure_identity_errors)
{
	FILE	*f;
	char	*cause = NULL;

	/* A path stat cannot look at is an error, never a new identity. */
	ck_assert_ptr_nonnull(f = fopen(check_tls_path("f"), "w"));
	fclose(f);
	ck_assert_int_eq(tls_ensure_identity(check_tls_path("f/rui.crt"),
	    check_tls_key, CHECK_TLS_HOST, &cause), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_ptr_nonnull(strstr(cause, "f/rui.crt"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(access(check_tls_key, F_OK), -1);

	/* A host name no certificate can carry. */
	ck_assert_int_eq(tls_ensure_identity(check_tls_crt, check_tls_key,
	    "bad host", &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);
	ck_assert_int_eq(access(check_tls_crt, F_OK), -1);
}
END_TEST

START_TEST(check_tls_bad_files)
{
	SSL_CTX	*ctx;
	char	*cause = NULL, tp[TLS_THUMBPRINT_MAX + 1];
	FILE	*f;

	ck_assert_ptr_nonnull(f = fopen(check_tls_crt, "w"));
	fputs("this is not a certificate\n", f);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(check_tls_key, "w"));
	fputs("nor is this a key\n", f);
	fclose(f);
	ctx = tls_server_ctx(check_tls_crt, check_tls_key, &cause);
	ck_assert_ptr_null(ctx);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(cause, "not a usable certificate") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha1", tp,
	    sizeof tp, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "no PEM certificate"));
	free(cause);
	cause = NULL;
	/* The error queue is left empty for whoever comes next. */
	ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

START_TEST(check_tls_mismatched_key)
{
	SSL_CTX	*ctx;
	char	*cause = NULL, other[PATH_MAX];

	check_tls_generate();
	snprintf(other, sizeof other, "%s", check_tls_path("other.key"));
	ck_assert_int_eq(tls_generate_self_signed(check_tls_path("other.crt"),
	    other, "other", &cause), 0);
	ctx = tls_server_ctx(check_tls_crt, other, &cause);
	ck_assert_ptr_null(ctx);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(cause, "does not match") != NULL, "%s", cause);
	free(cause);
}
END_TEST

START_TEST(check_tls_bad_arguments)
{
	char	*cause = NULL, tp[TLS_THUMBPRINT_MAX + 1];
	struct stat sb;

	ck_assert_int_eq(tls_generate_self_signed(check_tls_crt, check_tls_key,
	    "bad,name", &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(tls_generate_self_signed(check_tls_crt, check_tls_key,
	    "", &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(stat(check_tls_key, &sb), -1);

	check_tls_generate();
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "nosuchdigest",
	    tp, sizeof tp, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);
	cause = NULL;
	/* Too small for SHA-256: refused, not truncated. */
	ck_assert_int_eq(tls_cert_thumbprint(check_tls_crt, "sha256", tp, 60,
	    &cause), -1);
	ck_assert_int_eq(errno, ENOSPC);
	free(cause);
	/* A directory that does not exist: nothing is half written. */
	ck_assert_int_eq(tls_generate_self_signed(check_tls_path("no/rui.crt"),
	    check_tls_path("no/rui.key"), "host", &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(cause);
}
END_TEST

static Suite *
check_tls_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("tls");

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, check_tls_setup, check_tls_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, check_tls_generate_files);
	tcase_add_test(tc, check_tls_thumbprint_format);
	tcase_add_test(tc, check_tls_handshake_versions);
	tcase_add_test(tc, check_tls_regenerate_new_key);
	tcase_add_test(tc, check_tls_ensure_identity);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, check_tls_setup, check_tls_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, check_tls_missing_files);
	tcase_add_test(tc, check_tls_bad_files);
	tcase_add_test(tc, check_tls_ensure_identity_errors);
	tcase_add_test(tc, check_tls_mismatched_key);
	tcase_add_test(tc, check_tls_bad_arguments);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_tls_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
