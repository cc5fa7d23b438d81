/* SPDX-License-Identifier: ISC */
/*
 * Listening TCP sockets (tcplisten.h), moved here from hostd/http.c so
 * that hostd and cimom bind their ports the same way.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "tcplisten.h"
#include "xmalloc.h"

int
tcplisten_open(const char *address, int port, int backlog, int *bound,
    char **cause)
{
	struct addrinfo		 hints, *res = NULL;
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	*sin6;
	socklen_t		 sslen;
	char			 portstr[16];
	int			 fd = -1, on = 1, off = 0, rc, saved;

	memset(&ss, 0, sizeof ss);
	if (address == NULL) {
		sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_any;
		sin6->sin6_port = htons((uint16_t)port);
		sslen = sizeof *sin6;
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd != -1) {
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
			    sizeof off);
		} else {
			/* No IPv6 here: IPv4 only. */
			struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;

			memset(&ss, 0, sizeof ss);
			sin->sin_family = AF_INET;
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
			sin->sin_port = htons((uint16_t)port);
			sslen = sizeof *sin;
		}
	} else {
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
		xsnprintf(portstr, sizeof portstr, "%d", port);
		if ((rc = getaddrinfo(address, portstr, &hints, &res)) != 0) {
			xasprintf(cause, "listen.address \"%.64s\": %s",
			    address, gai_strerror(rc));
			errno = EINVAL;
			return (-1);
		}
		memcpy(&ss, res->ai_addr, res->ai_addrlen);
		sslen = res->ai_addrlen;
		freeaddrinfo(res);
	}
	if (fd == -1 && (fd = socket(ss.ss_family, SOCK_STREAM |
	    SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1)
		goto fail;
	/* Accepted sockets inherit it: small answers go out at once. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1)
		goto fail;
	if (listen(fd, backlog) == -1)
		goto fail;
	sslen = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	if (ss.ss_family == AF_INET6)
		*bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return (fd);

fail:
	saved = errno;
	xasprintf(cause, "TCP port %d: %s", port, strerror(saved));
	if (fd != -1)
		close(fd);
	errno = saved;
	return (-1);
}
