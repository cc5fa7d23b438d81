/* SPDX-License-Identifier: ISC */
/*
 * The floor of bench/hostd-vs-vcsim.sh: a server that does nothing but
 * what every HTTPS server must do for one call (TLS record in, TLS
 * record out over a kept-alive loopback connection), with one event
 * loop like hostd and the same 100 us busy poll as hostd's default.  It
 * answers every request, whatever it is, with a fixed CurrentTime
 * response of hostd's size and a session cookie, so timeload.c can drive
 * it as it drives the real servers.  Its rate is what this machine, this
 * client and this kernel allow; no SOAP server can be faster.  With -x it
 * also parses each request body with libxml2 (the options lib/xml.c
 * uses, one reused context, as hostd) and throws the tree away: the
 * least any SOAP server that parses its requests with libxml2 must do.
 *
 * Build: cc -O2 -o tlsfloor tlsfloor.c $(pkg-config --cflags --libs
 *        libxml-2.0) -lssl -lcrypto
 * Usage: tlsfloor [-x] CERT KEY   (prints "port N", serves until killed)
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <libxml/parser.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_SPIN_US	100
#define FLOOR_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | \
			 XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
			 XML_PARSE_BIG_LINES)

static const char floor_body[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "
    "xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\" "
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<soapenv:Body><CurrentTimeResponse xmlns=\"urn:vim25\"><returnval>"
    "2026-01-01T00:00:00.000000Z</returnval></CurrentTimeResponse>"
    "</soapenv:Body></soapenv:Envelope>";

struct floor_conn {
	int	 fd;
	SSL	*ssl;
	int	 ready;		/* handshake done */
	char	 buf[16384];
	size_t	 len;
};

static void
floor_die(const char *what)
{
	fprintf(stderr, "tlsfloor: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static long long
floor_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* Answer every complete request in the buffer (xml: parse it first). */
static void
floor_answer(struct floor_conn *c, xmlParserCtxtPtr xml)
{
	xmlDocPtr	 doc;
	char		 out[2048], *end, *cl;
	size_t		 whole, head;
	int		 n;

	for (;;) {
		c->buf[c->len] = '\0';
		if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
			return;
		cl = strcasestr(c->buf, "\r\nContent-Length:");
		whole = (size_t)(end + 4 - c->buf) +
		    (cl != NULL && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
		if (c->len < whole)
			return;
		head = (size_t)(end + 4 - c->buf);
		if (xml != NULL) {
			if ((doc = xmlCtxtReadMemory(xml, end + 4,
			    (int)(whole - head), NULL, NULL,
			    FLOOR_XML_OPTIONS)) == NULL)
				floor_die("a request is not XML");
			xmlFreeDoc(doc);
		}
		n = snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\n"
		    "Content-Type: text/xml; charset=utf-8\r\n"
		    "Cache-Control: no-cache\r\n"
		    "Set-Cookie: vmware_soap_session=\"floor\"; Path=/; "
		    "HttpOnly\r\n"
		    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
		    "Content-Length: %zu\r\n\r\n%s",
		    sizeof floor_body - 1, floor_body);
		if (SSL_write(c->ssl, out, n) != n)
			return;
		memmove(c->buf, c->buf + whole, c->len - whole);
		c->len -= whole;
	}
}

/* Read what there is; 0, or -1 when the connection is finished. */
static int
floor_serve(struct floor_conn *c, xmlParserCtxtPtr xml)
{
	int	n;

	if (!c->ready) {
		if ((n = SSL_accept(c->ssl)) != 1)
			return (SSL_get_error(c->ssl, n) == SSL_ERROR_WANT_READ ?
			    0 : -1);
		c->ready = 1;
	}
	for (;;) {
		if (c->len == sizeof c->buf - 1)
			return (-1);
		n = SSL_read(c->ssl, c->buf + c->len,
		    (int)(sizeof c->buf - 1 - c->len));
		if (n <= 0)
			return (SSL_get_error(c->ssl, n) == SSL_ERROR_WANT_READ ?
			    0 : -1);
		c->len += (size_t)n;
		floor_answer(c, xml);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct epoll_event	 ev, evs[64];
	struct floor_conn	*c;
	socklen_t		 sl = sizeof sin;
	SSL_CTX			*ctx;
	xmlParserCtxtPtr	 xml = NULL;
	long long		 busy_until = 0;
	int			 lfd, ep, fd, n, i, one = 1;

	if (argc == 4 && strcmp(argv[1], "-x") == 0) {
		if ((xml = xmlNewParserCtxt()) == NULL)
			floor_die("xmlNewParserCtxt");
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: tlsfloor [-x] CERT KEY\n");
		return (2);
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1)
		floor_die("cannot load the certificate");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);

	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		floor_die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(lfd, 128) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1)
		floor_die("bind");
	printf("port %d\n", ntohs(sin.sin_port));
	fflush(stdout);

	if ((ep = epoll_create1(0)) == -1)
		floor_die("epoll_create1");
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		floor_die("epoll_ctl");
	for (;;) {
		n = epoll_wait(ep, evs, 64,
		    floor_now_us() < busy_until ? 0 : -1);
		if (n == 0) {
			sched_yield();
			continue;
		}
		busy_until = floor_now_us() + FLOOR_SPIN_US;
		for (i = 0; i < n; i++) {
			if ((c = evs[i].data.ptr) != NULL) {
				if (floor_serve(c, xml) == -1) {
					SSL_free(c->ssl);
					close(c->fd);
					free(c);
				}
				continue;
			}
			if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) == -1)
				continue;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof one);
			if ((c = calloc(1, sizeof *c)) == NULL ||
			    (c->ssl = SSL_new(ctx)) == NULL)
				floor_die("out of memory");
			c->fd = fd;
			SSL_set_fd(c->ssl, fd);
			ev.events = EPOLLIN;
			ev.data.ptr = c;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
				floor_die("epoll_ctl");
		}
	}
}
