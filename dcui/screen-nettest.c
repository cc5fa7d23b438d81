/* SPDX-License-Identifier: ISC */
/*
 * Test Management Network: ping the default gateway, the DNS servers and
 * up to three addresses the person types, and resolve the host name; one
 * line each, OK or FAILED, as ESX's console shows.  The gateway, servers
 * and name come from hostd; the probes are this console's own ICMP
 * echoes, from the host itself, which is what the test is about.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>

#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "vireply.h"
#include "xmalloc.h"

/* Seconds a probe waits for its echo reply. */
#define SCREEN_NETTEST_WAIT	2

static int	screen_nettest_ping(const char *);
static void	screen_nettest_line(struct buf *, const char *, const char *,
		    int);
static uint16_t	screen_nettest_sum(const void *, size_t);

static uint16_t
screen_nettest_sum(const void *p, size_t len)
{
	const uint8_t	*b = p;
	uint32_t	 sum = 0;
	size_t		 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (htons((uint16_t)~sum));
}

/*
 * 1 if IPv4 addr answers an ICMP echo within SCREEN_NETTEST_WAIT s, else
 * 0; -1 when it cannot be tried (not IPv4, no ICMP socket).  Our own
 * probe: a host need not have ping(8).  The kernel's ping socket first
 * (no privilege needed where ping_group_range allows), else a raw one.
 */
static int
screen_nettest_ping(const char *addr)
{
	struct sockaddr_in	 to, from;
	struct pollfd		 pfd;
	struct icmphdr		 req, *rep;
	socklen_t		 fl;
	uint8_t			 buf[512];
	ssize_t			 n;
	size_t			 off;
	int			 fd, raw = 0, left;
	uint16_t		 id = (uint16_t)getpid();

	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		return (-1);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
	    IPPROTO_ICMP)) == -1) {
		if ((fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC,
		    IPPROTO_ICMP)) == -1)
			return (-1);
		raw = 1;
	}
	memset(&req, 0, sizeof req);
	req.type = ICMP_ECHO;
	req.un.echo.id = htons(id);
	req.un.echo.sequence = htons(1);
	req.checksum = screen_nettest_sum(&req, sizeof req);
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&to,
	    sizeof to) == -1) {
		close(fd);
		return (0);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (left = SCREEN_NETTEST_WAIT * 10; left > 0; left--) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		fl = sizeof from;
		if ((n = recvfrom(fd, buf, sizeof buf, 0,
		    (struct sockaddr *)&from, &fl)) <= 0)
			continue;
		off = raw ? (size_t)(buf[0] & 0xf) * 4 : 0;
		if ((size_t)n < off + sizeof *rep ||
		    from.sin_addr.s_addr != to.sin_addr.s_addr)
			continue;
		rep = (struct icmphdr *)(void *)(buf + off);
		/* A ping socket rewrites the id: only raw replies check it. */
		if (rep->type == ICMP_ECHOREPLY &&
		    (!raw || rep->un.echo.id == htons(id))) {
			close(fd);
			return (1);
		}
	}
	close(fd);
	return (0);
}

static void
screen_nettest_line(struct buf *out, const char *what, const char *addr,
    int ok)
{
	buf_printf(out, "%-24s %-28s %s\n", what, addr, ok == 1 ? "OK" :
	    ok == -1 ? "FAILED (cannot probe it)" : "FAILED");
}

enum dcui_screen
screen_nettest_run(struct dcui *d)
{
	static const char *const paths[] = {
		"ipRouteConfig.defaultGateway", "dnsConfig.address",
		"dnsConfig.hostName"
	};
	struct buf		 out;
	struct addrinfo		 hints, *res;
	char			*v[3], *cause = NULL, extra[256] = "";
	char			*list, *s, *tok, *save = NULL, *msg;
	int			 ch;

	if (host_props(d, "HostNetworkSystem", "networkSystem", paths, 3, v,
	    &cause) == -1) {
		ui_message(d, "Test Management Network", "Cannot read the "
		    "network configuration:\n%s", cause);
		free(cause);
		return (DCUI_MENU);
	}
	for (;;) {
		ui_frame(d, "Test Management Network",
		    "<Enter> Run the test   <Esc> Cancel");
		ui_text(0, 1, "Ping the gateway, the DNS servers and these "
		    "addresses, resolve the host name.");
		ui_text(2, 0, "Default gateway: %s", *v[0] ? v[0] : "(none)");
		ui_text(3, 0, "DNS servers:     %s", *v[1] ? v[1] : "(none)");
		ui_text(4, 0, "Host name:       %s", v[2]);
		ch = ui_field(6, "Other addresses (space separated):", extra,
		    sizeof extra, 0);
		if (ch == KEY_RESIZE)
			continue;
		break;
	}
	if (ch == UI_KEY_ESC) {
		free(v[0]);
		free(v[1]);
		free(v[2]);
		return (DCUI_MENU);
	}
	ui_frame(d, "Test Management Network", "Testing...");
	ui_text(1, 0, "Testing the management network...");
	refresh();
	buf_init(&out);
	if (*v[0] != '\0')
		screen_nettest_line(&out, "Pinging gateway", v[0],
		    screen_nettest_ping(v[0]));
	/* host_props gives the array's items run together with spaces. */
	list = xstrdup(v[1]);
	for (s = list; (tok = strtok_r(s, " \t\n", &save)) != NULL; s = NULL)
		screen_nettest_line(&out, "Pinging DNS server", tok,
		    screen_nettest_ping(tok));
	free(list);
	save = NULL;
	for (s = extra; (tok = strtok_r(s, " ,", &save)) != NULL; s = NULL)
		screen_nettest_line(&out, "Pinging address", tok,
		    screen_nettest_ping(tok));
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	res = NULL;
	screen_nettest_line(&out, "Resolving host name", v[2],
	    getaddrinfo(v[2], NULL, &hints, &res) == 0 ? 1 : 0);
	if (res != NULL)
		freeaddrinfo(res);
	msg = buf_take(&out);
	ui_message(d, "Test Management Network", "%s", msg);
	free(msg);
	free(v[0]);
	free(v[1]);
	free(v[2]);
	return (DCUI_MENU);
}
