/* SPDX-License-Identifier: ISC */
/*
 * The throughput client of bench/hostd-vs-vcsim.sh: N threads, each with
 * one TLS connection kept alive, log in once (vmware_soap_session cookie)
 * and then send CurrentTime as fast as the server answers, for D seconds.
 * Prints "rate R" (calls per second over all threads).  Blocking OpenSSL
 * and a hand-rolled HTTP/1.1 reader (Content-Length or chunked) keep the
 * client's cost per call far below either server's, so the figure is the
 * server's, not the load generator's (net/http in Go costs as much as
 * the servers do on a 2-core machine).
 *
 * Build: cc -O2 -o timeload timeload.c -lssl -lcrypto -pthread
 * Usage: timeload PORT CLIENTS SECONDS [USER [PASSWORD]]
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define ENV_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope " \
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENV_TAIL "</soapenv:Body></soapenv:Envelope>"

static int		 port;
static const char	*user = "root", *pass = "";
static SSL_CTX		*ctx;
static atomic_long	 calls;
static atomic_int	 stop, started;

struct conn {
	SSL	*ssl;
	char	 buf[1 << 16];
	size_t	 len, off;
	char	 cookie[256];
	char	*resp;
	size_t	 resplen, respcap;
};

static void
die(const char *what)
{
	fprintf(stderr, "timeload: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static int
fill(struct conn *c)
{
	int	n;

	if (c->off == c->len)
		c->off = c->len = 0;
	if (c->len == sizeof c->buf)
		die("response header too long");
	n = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof c->buf - c->len));
	if (n <= 0)
		die("connection closed by the server");
	c->len += (size_t)n;
	return (0);
}

/* A line (without CRLF) into line, from the buffer. */
static void
getline_c(struct conn *c, char *line, size_t size)
{
	char	*nl;
	size_t	 n;

	while ((nl = memchr(c->buf + c->off, '\n', c->len - c->off)) == NULL)
		fill(c);
	n = (size_t)(nl - (c->buf + c->off));
	if (n >= size)
		die("line too long");
	memcpy(line, c->buf + c->off, n);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	c->off = (size_t)(nl - c->buf) + 1;
}

static void
body(struct conn *c, size_t n)
{
	size_t	k;

	if (c->resplen + n + 1 > c->respcap) {
		c->respcap = c->resplen + n + 1 + 4096;
		if ((c->resp = realloc(c->resp, c->respcap)) == NULL)
			die("out of memory");
	}
	while (n > 0) {
		if (c->off == c->len)
			fill(c);
		k = c->len - c->off < n ? c->len - c->off : n;
		memcpy(c->resp + c->resplen, c->buf + c->off, k);
		c->resplen += k;
		c->off += k;
		n -= k;
	}
	c->resp[c->resplen] = '\0';
}

/* One call: send the envelope around b, read the answer; HTTP status. */
static int
call(struct conn *c, const char *b)
{
	char	req[4096], line[1024], *p;
	long	clen = -1;
	int	n, status = 0, chunked = 0, first = 1;

	n = snprintf(req, sizeof req, "POST /sdk HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: text/xml; charset=utf-8\r\n"
	    "SOAPAction: \"urn:vim25/6.7\"\r\n%s%s%s"
	    "Content-Length: %zu\r\n\r\n" ENV_HEAD "%s" ENV_TAIL,
	    c->cookie[0] ? "Cookie: vmware_soap_session=" : "", c->cookie,
	    c->cookie[0] ? "\r\n" : "",
	    strlen(ENV_HEAD) + strlen(b) + strlen(ENV_TAIL), b);
	if (n <= 0 || (size_t)n >= sizeof req)
		die("request too long");
	if (SSL_write(c->ssl, req, n) != n)
		die("SSL_write");
	for (;;) {
		getline_c(c, line, sizeof line);
		if (line[0] == '\0')
			break;
		if (first) {
			status = atoi(line + 9);
			first = 0;
		} else if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = atol(line + 15);
		else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 &&
		    strstr(line, "chunked") != NULL)
			chunked = 1;
		else if (strncasecmp(line, "Set-Cookie:", 11) == 0 &&
		    (p = strstr(line, "vmware_soap_session=")) != NULL) {
			p += 20;
			snprintf(c->cookie, sizeof c->cookie, "%.*s",
			    (int)strcspn(p, ";"), p);
		}
	}
	c->resplen = 0;
	if (chunked) {
		for (;;) {
			getline_c(c, line, sizeof line);
			clen = strtol(line, NULL, 16);
			if (clen > 0)
				body(c, (size_t)clen);
			getline_c(c, line, sizeof line);
			if (clen == 0)
				break;
		}
	} else if (clen > 0)
		body(c, (size_t)clen);
	return (status);
}

static void
conn_open(struct conn *c)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;
	char			login[1024];

	memset(c, 0, sizeof *c);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((c->ssl = SSL_new(ctx)) == NULL)
		die("SSL_new");
	SSL_set_fd(c->ssl, fd);
	if (SSL_connect(c->ssl) != 1)
		die("SSL_connect");
	snprintf(login, sizeof login, "<Login xmlns=\"urn:vim25\"><_this "
	    "type=\"SessionManager\">ha-sessionmgr</_this><userName>%s"
	    "</userName><password>%s</password></Login>", user, pass);
	if (call(c, login) != 200 || c->cookie[0] == '\0')
		die("Login failed");
}

static const char timereq[] = "<CurrentTime xmlns=\"urn:vim25\"><_this "
    "type=\"ServiceInstance\">ServiceInstance</_this></CurrentTime>";

static void *
worker(void *arg)
{
	struct conn	*c = arg;
	long		 n = 0;

	if (call(c, timereq) != 200 || strstr(c->resp, "returnval") == NULL)
		die("CurrentTime failed");
	atomic_fetch_add(&started, 1);
	while (!atomic_load(&stop)) {
		if (call(c, timereq) != 200)
			die("CurrentTime failed");
		n++;
	}
	atomic_fetch_add(&calls, n);
	return (NULL);
}

int
main(int argc, char **argv)
{
	struct conn	*cs;
	pthread_t	*ts;
	struct timespec	 t0, t1;
	int		 nc, i;
	double		 secs, el;

	if (argc < 4) {
		fprintf(stderr, "usage: timeload PORT CLIENTS SECONDS "
		    "[USER [PASSWORD]]\n");
		return (2);
	}
	port = atoi(argv[1]);
	nc = atoi(argv[2]);
	secs = atof(argv[3]);
	if (argc > 4)
		user = argv[4];
	if (argc > 5)
		pass = argv[5];
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("SSL_CTX_new");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	cs = calloc((size_t)nc, sizeof *cs);
	ts = calloc((size_t)nc, sizeof *ts);
	if (cs == NULL || ts == NULL)
		die("out of memory");
	for (i = 0; i < nc; i++)
		conn_open(&cs[i]);
	for (i = 0; i < nc; i++)
		pthread_create(&ts[i], NULL, worker, &cs[i]);
	while (atomic_load(&started) < nc)
		usleep(1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	usleep((useconds_t)(secs * 1e6));
	atomic_store(&stop, 1);
	for (i = 0; i < nc; i++)
		pthread_join(ts[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	el = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("rate %.0f\n", (double)atomic_load(&calls) / el);
	return (0);
}
