/* SPDX-License-Identifier: ISC */
/*
 * TLS with OpenSSL 3 for every Vireo program: the server context a daemon
 * serves HTTPS with (hostd, cimom), the client context of rcli and vpxa,
 * the self-signed identity a fresh host generates for itself (ESXi's
 * rui.crt and rui.key), and the certificate thumbprints people compare
 * ("AA:BB:..", as ESXi and govc print them).
 *
 * Protocol floor everywhere: TLS 1.2, AEAD cipher suites only, no
 * compression, no renegotiation.  Nothing here keeps state between calls.
 */
#ifndef VIREO_TLS_H
#define VIREO_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/* Validity of a generated certificate. */
#define TLS_CERT_DAYS		3650
/* Room for the longest thumbprint (SHA-512: 64 bytes, "XX:" each) + NUL. */
#define TLS_THUMBPRINT_MAX	(64 * 3)

/*
 * A server context with the certificate chain in certpath (PEM) and the
 * private key in keypath (PEM, unencrypted), which must match each other.
 * TLS 1.2 and 1.3 only, the server's cipher order, no compression, no
 * renegotiation, no client certificate asked for.
 *
 * Returns the context (the caller frees it with SSL_CTX_free), or NULL
 * with errno (ENOENT and the like from reading the files, EINVAL for a
 * bad or mismatched certificate or key) and *cause set ("path: what is
 * wrong: OpenSSL's reason"), which the caller frees.  The OpenSSL error
 * queue is left empty.
 */
SSL_CTX	*tls_server_ctx(const char *certpath, const char *keypath,
	    char **cause);

/*
 * A client context, TLS 1.2 and 1.3 only.  With cafile (PEM, borrowed)
 * the server's certificate must chain to one of the certificates in it
 * (the caller still sets the host name to check, SSL_set1_host); with
 * cafile NULL nothing is verified and the caller must compare the peer's
 * thumbprint itself (tls_x509_thumbprint), as "govc -k" users and
 * pyVmomi's thumbprint= do.
 *
 * Returns the context, or NULL with errno and *cause (caller frees).
 */
SSL_CTX	*tls_client_ctx(const char *cafile, char **cause);

/*
 * Generate a self-signed identity for hostname (borrowed): a new RSA 2048
 * key written to keypath (mode 0600) and an X.509 v3 certificate written
 * to certpath (mode 0644), both PEM and both atomically (the key first).
 * The certificate: subject and issuer CN=<hostname>, O=Vireo, a random
 * 128-bit serial, valid from an hour ago for TLS_CERT_DAYS days, signed
 * with SHA-256; subjectAltName DNS:<hostname>, DNS:localhost,
 * IP:127.0.0.1 and IP:::1; basicConstraints CA:FALSE, keyUsage
 * digitalSignature and keyEncipherment, extendedKeyUsage serverAuth.
 *
 * hostname must be 1 to 253 letters, digits, '.', '-' and '_'; anything
 * else is refused with EINVAL.  Returns 0, or -1 with errno and *cause
 * (caller frees); on failure the files may be missing but are never half
 * written.
 */
int	 tls_generate_self_signed(const char *certpath, const char *keypath,
	    const char *hostname, char **cause);

/* What tls_ensure_identity found. */
#define TLS_IDENTITY_KEPT	0	/* both files were there */
#define TLS_IDENTITY_NEW	1	/* neither was: a pair was made */
#define TLS_IDENTITY_REPLACED	2	/* one was alone: a pair replaced it */

/*
 * Make sure a host's TLS identity exists: if both certpath and keypath
 * exist nothing is touched; otherwise (a fresh host, or one half lost)
 * a new pair is generated for hostname with tls_generate_self_signed,
 * replacing the lone half, since a certificate without its key (or the
 * reverse) is useless.  Neither file is read or checked for a match;
 * tls_server_ctx does that.  All arguments are borrowed.  The caller
 * logs: generating an RSA key takes a noticeable fraction of a second.
 *
 * Returns TLS_IDENTITY_KEPT, TLS_IDENTITY_NEW or TLS_IDENTITY_REPLACED,
 * or -1 with errno and *cause (caller frees): a stat(2) failure other
 * than ENOENT (so an unreadable directory never costs the host its
 * identity) or any failure of tls_generate_self_signed.
 */
int	 tls_ensure_identity(const char *certpath, const char *keypath,
	    const char *hostname, char **cause);

/*
 * The thumbprint of the first certificate in certpath (PEM), with the
 * digest named by digest ("sha1", "sha256", any OpenSSL digest name),
 * written to buf (len bytes, at least TLS_THUMBPRINT_MAX + 1 for any
 * digest) as upper-case hex byte pairs separated by ':' and NUL-ended.
 *
 * Returns 0, or -1 with errno (EINVAL unknown digest or unreadable
 * certificate, ENOSPC buf too small, others from reading the file) and
 * *cause (caller frees).
 */
int	 tls_cert_thumbprint(const char *certpath, const char *digest,
	    char *buf, size_t len, char **cause);

/* Like tls_cert_thumbprint for a certificate in memory (borrowed). */
int	 tls_x509_thumbprint(X509 *cert, const char *digest, char *buf,
	    size_t len, char **cause);

#endif
