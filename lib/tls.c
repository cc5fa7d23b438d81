/* SPDX-License-Identifier: ISC */
/*
 * TLS contexts, self-signed identities and thumbprints on OpenSSL 3 (see
 * tls.h).  Every OpenSSL failure is turned into a cause string naming the
 * file and OpenSSL's own reason, and the thread's OpenSSL error queue is
 * always emptied before returning, so a later, unrelated SSL_get_error in
 * the same thread never sees a stale entry.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "atomicfile.h"
#include "tls.h"
#include "xmalloc.h"

/* TLS 1.2 suites: forward secret AEAD only.  TLS 1.3 keeps OpenSSL's
 * defaults, which are all AEAD. */
#define TLS_CIPHERS_12	"ECDHE-ECDSA-AES128-GCM-SHA256:" \
			"ECDHE-RSA-AES128-GCM-SHA256:" \
			"ECDHE-ECDSA-AES256-GCM-SHA384:" \
			"ECDHE-RSA-AES256-GCM-SHA384:" \
			"ECDHE-ECDSA-CHACHA20-POLY1305:" \
			"ECDHE-RSA-CHACHA20-POLY1305"
#define TLS_RSA_BITS	2048
#define TLS_HOSTNAME_MAX 253

static int	 tls_fail(char **, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 tls_ctx_common(SSL_CTX *, char **);
static SSL_CTX	*tls_ctx_discard(SSL_CTX *);
static FILE	*tls_open(const char *, char **);
static X509	*tls_read_cert(const char *, char **);
static int	 tls_hostname_ok(const char *);
static int	 tls_exists(const char *, char **);
static int	 tls_add_ext(X509 *, X509V3_CTX *, int, const char *,
		    char **);
static X509	*tls_make_cert(EVP_PKEY *, const char *, char **);
static char	*tls_pem(EVP_PKEY *, X509 *, size_t *);

/*
 * Set *cause to the message with OpenSSL's latest reason appended (if it
 * has one), empty the error queue, set errno to error and return -1.
 */
static int
tls_fail(char **cause, int error, const char *fmt, ...)
{
	va_list		 ap;
	unsigned long	 e;
	char		*msg, reason[256];

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	e = ERR_peek_last_error();
	if (e != 0) {
		ERR_error_string_n(e, reason, sizeof reason);
		xasprintf(cause, "%s: %s", msg, reason);
		free(msg);
	} else
		*cause = msg;
	ERR_clear_error();
	errno = error;
	return (-1);
}

/* What every context of ours has: the protocol floor and no extras. */
static int
tls_ctx_common(SSL_CTX *ctx, char **cause)
{
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		return (tls_fail(cause, EINVAL, "cannot require TLS 1.2"));
	if (SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_12) != 1)
		return (tls_fail(cause, EINVAL, "cannot set the ciphers"));
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION);
	/* No SSL_MODE_RELEASE_BUFFERS: a kept-alive connection would free
	 * and allocate its 16 KB record buffers at every request. */
	return (0);
}

/* Free a context that failed to set up; NULL, errno kept for the
 * caller's cause. */
static SSL_CTX *
tls_ctx_discard(SSL_CTX *ctx)
{
	int	saved = errno;

	SSL_CTX_free(ctx);
	errno = saved;
	return (NULL);
}

SSL_CTX *
tls_server_ctx(const char *certpath, const char *keypath, char **cause)
{
	SSL_CTX	*ctx;
	FILE	*f;

	/* Say "no such file" in words before OpenSSL says it in codes. */
	if ((f = tls_open(certpath, cause)) == NULL)
		return (NULL);
	fclose(f);
	if ((f = tls_open(keypath, cause)) == NULL)
		return (NULL);
	fclose(f);

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		tls_fail(cause, ENOMEM, "SSL_CTX_new");
		return (NULL);
	}
	if (tls_ctx_common(ctx, cause) == -1)
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(ctx, certpath) != 1) {
		tls_fail(cause, EINVAL, "%s: not a usable certificate",
		    certpath);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, keypath, SSL_FILETYPE_PEM) != 1) {
		if (ERR_GET_REASON(ERR_peek_last_error()) ==
		    X509_R_KEY_VALUES_MISMATCH)
			tls_fail(cause, EINVAL, "%s does not match the "
			    "certificate %s", keypath, certpath);
		else
			tls_fail(cause, EINVAL, "%s: not a usable private key",
			    keypath);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		tls_fail(cause, EINVAL, "%s does not match the certificate %s",
		    keypath, certpath);
		goto fail;
	}
	return (ctx);

fail:
	return (tls_ctx_discard(ctx));
}

SSL_CTX *
tls_client_ctx(const char *cafile, char **cause)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_fail(cause, ENOMEM, "SSL_CTX_new");
		return (NULL);
	}
	if (tls_ctx_common(ctx, cause) == -1)
		goto fail;
	if (cafile != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
			tls_fail(cause, EINVAL, "%s: cannot load CA "
			    "certificates", cafile);
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return (ctx);

fail:
	return (tls_ctx_discard(ctx));
}

/* A host name we are willing to put into a certificate. */
static int
tls_hostname_ok(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len > TLS_HOSTNAME_MAX)
		return (0);
	return (strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == len);
}

static int
tls_add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value,
    char **cause)
{
	X509_EXTENSION	*ext;
	int		 rc;

	if ((ext = X509V3_EXT_conf_nid(NULL, v3, nid, value)) == NULL)
		return (tls_fail(cause, EINVAL, "extension %s = %s",
		    OBJ_nid2sn(nid), value));
	rc = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (rc != 1)
		return (tls_fail(cause, ENOMEM, "adding extension %s",
		    OBJ_nid2sn(nid)));
	return (0);
}

static X509 *
tls_make_cert(EVP_PKEY *key, const char *hostname, char **cause)
{
	X509		*x;
	X509_NAME	*name;
	X509V3_CTX	 v3;
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*serial = NULL;
	char		*san = NULL;

	if ((x = X509_new()) == NULL) {
		tls_fail(cause, ENOMEM, "X509_new");
		return (NULL);
	}
	if (X509_set_version(x, X509_VERSION_3) != 1)
		goto fail;
	/* 127 random bits: positive, and 16 bytes at most in DER. */
	if ((bn = BN_new()) == NULL ||
	    BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_set_serialNumber(x, serial) != 1)
		goto fail;
	if (X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    (long)TLS_CERT_DAYS * 86400) == NULL)
		goto fail;
	if (X509_set_pubkey(x, key) != 1)
		goto fail;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"Vireo", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)hostname, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto fail;

	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	xasprintf(&san, "DNS:%s,DNS:localhost,IP:127.0.0.1,IP:::1", hostname);
	if (tls_add_ext(x, &v3, NID_basic_constraints, "critical,CA:FALSE",
	    cause) == -1 ||
	    tls_add_ext(x, &v3, NID_key_usage,
	    "critical,digitalSignature,keyEncipherment", cause) == -1 ||
	    tls_add_ext(x, &v3, NID_ext_key_usage, "serverAuth",
	    cause) == -1 ||
	    tls_add_ext(x, &v3, NID_subject_key_identifier, "hash",
	    cause) == -1 ||
	    tls_add_ext(x, &v3, NID_subject_alt_name, san, cause) == -1)
		goto failed;
	if (X509_sign(x, key, EVP_sha256()) <= 0)
		goto fail;
	free(san);
	BN_free(bn);
	ASN1_INTEGER_free(serial);
	return (x);

fail:
	tls_fail(cause, EINVAL, "cannot build the certificate");
failed:
	free(san);
	BN_free(bn);
	ASN1_INTEGER_free(serial);
	X509_free(x);
	return (NULL);
}

/*
 * PEM text of the private key, or of the certificate when key is NULL, in
 * a heap string.  The BIO's copy is wiped before it is freed: for a key it
 * is the secret itself, and wiping a certificate costs nothing.
 */
static char *
tls_pem(EVP_PKEY *key, X509 *x, size_t *len)
{
	BIO	*bio;
	char	*data, *out = NULL;
	long	 n;
	int	 ok;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (NULL);
	if (key != NULL)
		ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
		    NULL);
	else
		ok = PEM_write_bio_X509(bio, x);
	if (ok == 1 && (n = BIO_get_mem_data(bio, &data)) > 0) {
		out = xmemdup(data, (size_t)n);
		*len = (size_t)n;
		OPENSSL_cleanse(data, (size_t)n);
	}
	BIO_free(bio);
	return (out);
}

int
tls_generate_self_signed(const char *certpath, const char *keypath,
    const char *hostname, char **cause)
{
	EVP_PKEY	*key;
	X509		*x;
	char		*keypem = NULL, *certpem = NULL;
	size_t		 keylen = 0, certlen = 0;
	int		 rc = -1;

	if (!tls_hostname_ok(hostname)) {
		xasprintf(cause, "\"%.64s\" is not a host name a certificate "
		    "can name", hostname);
		errno = EINVAL;
		return (-1);
	}
	if ((key = EVP_RSA_gen(TLS_RSA_BITS)) == NULL)
		return (tls_fail(cause, ENOMEM, "cannot generate an RSA key"));
	if ((x = tls_make_cert(key, hostname, cause)) == NULL) {
		EVP_PKEY_free(key);
		return (-1);
	}
	keypem = tls_pem(key, NULL, &keylen);
	certpem = tls_pem(NULL, x, &certlen);
	if (keypem == NULL || certpem == NULL) {
		tls_fail(cause, ENOMEM, "cannot encode the key or certificate");
		goto out;
	}
	/* Key first: a certificate on disk always has its key. */
	if (atomicfile_write(keypath, keypem, keylen, 0600, cause) == -1)
		goto out;
	if (atomicfile_write(certpath, certpem, certlen, 0644, cause) == -1)
		goto out;
	rc = 0;

out:
	if (keypem != NULL) {
		OPENSSL_cleanse(keypem, keylen);
		free(keypem);
	}
	free(certpem);
	X509_free(x);
	EVP_PKEY_free(key);
	return (rc);
}

/* Whether path exists: 1, 0, or -1 with errno and *cause. */
static int
tls_exists(const char *path, char **cause)
{
	struct stat	sb;

	if (stat(path, &sb) == 0)
		return (1);
	if (errno == ENOENT)
		return (0);
	xasprintf(cause, "%s: %s", path, strerror(errno));
	return (-1);
}

int
tls_ensure_identity(const char *certpath, const char *keypath,
    const char *hostname, char **cause)
{
	int	have_cert, have_key;

	if ((have_cert = tls_exists(certpath, cause)) == -1 ||
	    (have_key = tls_exists(keypath, cause)) == -1)
		return (-1);
	if (have_cert && have_key)
		return (TLS_IDENTITY_KEPT);
	if (tls_generate_self_signed(certpath, keypath, hostname,
	    cause) == -1)
		return (-1);
	return (have_cert || have_key ? TLS_IDENTITY_REPLACED :
	    TLS_IDENTITY_NEW);
}

/* fopen for reading, or NULL with "path: reason" in *cause and errno. */
static FILE *
tls_open(const char *path, char **cause)
{
	FILE	*f;
	int	 saved;

	if ((f = fopen(path, "re")) == NULL) {
		saved = errno;
		xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
	}
	return (f);
}

static X509 *
tls_read_cert(const char *path, char **cause)
{
	FILE	*f;
	X509	*x;

	if ((f = tls_open(path, cause)) == NULL)
		return (NULL);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		tls_fail(cause, EINVAL, "%s: no PEM certificate", path);
	return (x);
}

int
tls_x509_thumbprint(X509 *cert, const char *digest, char *buf, size_t len,
    char **cause)
{
	const EVP_MD	*md;
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;

	if ((md = EVP_get_digestbyname(digest)) == NULL)
		return (tls_fail(cause, EINVAL, "unknown digest \"%.32s\"",
		    digest));
	if (X509_digest(cert, md, d, &n) != 1)
		return (tls_fail(cause, EINVAL, "cannot digest the "
		    "certificate"));
	if (n == 0 || len < (size_t)n * 3) {
		xasprintf(cause, "%s thumbprint needs %u bytes", digest, n * 3);
		errno = ENOSPC;
		return (-1);
	}
	for (i = 0; i < n; i++)
		snprintf(buf + i * 3, 4, "%02X%s", d[i], i + 1 < n ? ":" : "");
	return (0);
}

int
tls_cert_thumbprint(const char *certpath, const char *digest, char *buf,
    size_t len, char **cause)
{
	X509	*x;
	int	 rc;

	if ((x = tls_read_cert(certpath, cause)) == NULL)
		return (-1);
	rc = tls_x509_thumbprint(x, digest, buf, len, cause);
	X509_free(x);
	return (rc);
}
