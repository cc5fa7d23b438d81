/* SPDX-License-Identifier: ISC */
/*
 * The load generator of bench/cimom.sh: N threads, each with one TLS
 * connection kept alive, POST the same CIM-XML request (a file) to
 * /cimom with Basic credentials as fast as the server answers, for D
 * seconds, and check every answer is a 200 with no ERROR element.
 * Prints "rate R" (requests per second over all threads).  Blocking
 * OpenSSL and a minimal HTTP/1.1 reader (Content-Length or chunked)
 * keep the client's cost per request well below the server's.
 *
 * Build: cc -O2 -o cimload cimload.c -lssl -lcrypto -pthread
 * Usage: cimload PORT CLIENTS SECONDS BODYFILE METHOD USER:PASSWORD
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int		 cimload_port;
static SSL_CTX		*cimload_ctx;
static char		*cimload_req;
static size_t		 cimload_reqlen;
static atomic_long	 cimload_calls;
static atomic_int	 cimload_stop;

struct cimload_conn {
	SSL	*c_ssl;
	char	 c_buf[1 << 16];
	size_t	 c_len, c_off;
	char	*c_body;
	size_t	 c_blen, c_bcap;
};

static void
cimload_die(const char *what)
{
	fprintf(stderr, "cimload: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void
cimload_fill(struct cimload_conn *c)
{
	int	n;

	if (c->c_off == c->c_len)
		c->c_off = c->c_len = 0;
	if (c->c_len == sizeof c->c_buf)
		cimload_die("response header too long");
	n = SSL_read(c->c_ssl, c->c_buf + c->c_len,
	    (int)(sizeof c->c_buf - c->c_len));
	if (n <= 0)
		cimload_die("connection closed by the server");
	c->c_len += (size_t)n;
}

static void
cimload_line(struct cimload_conn *c, char *line, size_t size)
{
	char	*nl;
	size_t	 n;

	for (;;) {
		nl = memchr(c->c_buf + c->c_off, '\n', c->c_len - c->c_off);
		if (nl != NULL)
			break;
		if (c->c_off > 0) {
			memmove(c->c_buf, c->c_buf + c->c_off,
			    c->c_len - c->c_off);
			c->c_len -= c->c_off;
			c->c_off = 0;
		}
		cimload_fill(c);
	}
	n = (size_t)(nl - (c->c_buf + c->c_off));
	if (n > 0 && nl[-1] == '\r')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(line, c->c_buf + c->c_off, n);
	line[n] = '\0';
	c->c_off = (size_t)(nl - c->c_buf) + 1;
}

static void
cimload_bytes(struct cimload_conn *c, size_t n)
{
	size_t	k;

	if (c->c_blen + n + 1 > c->c_bcap) {
		c->c_bcap = c->c_blen + n + 1 + 65536;
		if ((c->c_body = realloc(c->c_body, c->c_bcap)) == NULL)
			cimload_die("out of memory");
	}
	while (n > 0) {
		if (c->c_off == c->c_len)
			cimload_fill(c);
		k = c->c_len - c->c_off;
		if (k > n)
			k = n;
		memcpy(c->c_body + c->c_blen, c->c_buf + c->c_off, k);
		c->c_blen += k;
		c->c_off += k;
		n -= k;
	}
	c->c_body[c->c_blen] = '\0';
}

/* One response: 1 if it is a 200 without an ERROR element. */
static int
cimload_response(struct cimload_conn *c)
{
	char	line[1024];
	long	clen = -1, chunk;
	int	status = 0, chunked = 0;

	cimload_line(c, line, sizeof line);
	sscanf(line, "HTTP/1.%*d %d", &status);
	for (;;) {
		cimload_line(c, line, sizeof line);
		if (line[0] == '\0')
			break;
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = atol(line + 15);
		if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 &&
		    strcasestr(line, "chunked") != NULL)
			chunked = 1;
	}
	c->c_blen = 0;
	if (chunked) {
		for (;;) {
			cimload_line(c, line, sizeof line);
			chunk = strtol(line, NULL, 16);
			if (chunk == 0)
				break;
			cimload_bytes(c, (size_t)chunk);
			cimload_line(c, line, sizeof line);
		}
		do
			cimload_line(c, line, sizeof line);
		while (line[0] != '\0');
	} else if (clen > 0)
		cimload_bytes(c, (size_t)clen);
	return (status == 200 && (c->c_body == NULL ||
	    strstr(c->c_body, "<ERROR") == NULL));
}

static void *
cimload_run(void *arg)
{
	struct cimload_conn	*c;
	struct sockaddr_in	 sin;
	int			 fd, on = 1;

	(void)arg;
	if ((c = calloc(1, sizeof *c)) == NULL)
		cimload_die("out of memory");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)cimload_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		cimload_die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	c->c_ssl = SSL_new(cimload_ctx);
	SSL_set_fd(c->c_ssl, fd);
	if (SSL_connect(c->c_ssl) != 1)
		cimload_die("TLS handshake");
	while (!atomic_load(&cimload_stop)) {
		if (SSL_write(c->c_ssl, cimload_req, (int)cimload_reqlen) !=
		    (int)cimload_reqlen)
			cimload_die("write");
		if (!cimload_response(c))
			cimload_die("the server answered with an error");
		atomic_fetch_add(&cimload_calls, 1);
	}
	SSL_free(c->c_ssl);
	close(fd);
	free(c->c_body);
	free(c);
	return (NULL);
}

int
main(int argc, char **argv)
{
	pthread_t	*th;
	FILE		*f;
	char		*body, cred[512];
	long		 blen;
	int		 n, i, secs;

	if (argc != 7) {
		fprintf(stderr, "usage: cimload PORT CLIENTS SECONDS BODYFILE "
		    "METHOD USER:PASSWORD\n");
		return (2);
	}
	cimload_port = atoi(argv[1]);
	n = atoi(argv[2]);
	secs = atoi(argv[3]);
	if ((f = fopen(argv[4], "rb")) == NULL)
		cimload_die("body file");
	fseek(f, 0, SEEK_END);
	blen = ftell(f);
	rewind(f);
	if ((body = malloc((size_t)blen + 1)) == NULL ||
	    fread(body, 1, (size_t)blen, f) != (size_t)blen)
		cimload_die("body file");
	fclose(f);
	EVP_EncodeBlock((unsigned char *)cred, (const unsigned char *)argv[6],
	    (int)strlen(argv[6]));
	if ((cimload_req = malloc((size_t)blen + 1024)) == NULL)
		cimload_die("out of memory");
	cimload_reqlen = (size_t)snprintf(cimload_req, 1024, "POST /cimom "
	    "HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n"
	    "Content-Type: application/xml; charset=\"utf-8\"\r\n"
	    "CIMProtocolVersion: 1.0\r\nCIMOperation: MethodCall\r\n"
	    "CIMMethod: %s\r\nCIMObject: root%%2Fcimv2\r\n"
	    "Content-Length: %ld\r\n\r\n", cred, argv[5], blen);
	memcpy(cimload_req + cimload_reqlen, body, (size_t)blen);
	cimload_reqlen += (size_t)blen;
	if ((cimload_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		cimload_die("SSL_CTX_new");
	if ((th = calloc((size_t)n, sizeof *th)) == NULL)
		cimload_die("out of memory");
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, cimload_run, NULL);
	sleep((unsigned int)secs);
	atomic_store(&cimload_stop, 1);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("rate %.1f\n", (double)atomic_load(&cimload_calls) / secs);
	return (0);
}
