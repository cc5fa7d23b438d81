/* SPDX-License-Identifier: ISC */
/*
 * The management network of the host: what HostNetworkSystem sets, kept
 * in etc/vireo/network.conf (cfg(5) syntax, replaced atomically) and
 * applied to Linux with iproute2's `ip` (run directly, never through a
 * shell), so that hostd applies the same file again at every start.
 *
 *	net.device	the Linux interface vmk0 stands for ("eth0")
 *	net.dhcp	"true": the system's DHCP client configures it
 *	net.ip, net.netmask	static IPv4 address and mask
 *	net.gateway	IPv4 default gateway (through net.device)
 *	net.dns		name servers, comma separated
 *	net.domain	search domain
 *	net.hostname	the host's name (sethostname)
 *
 * The name servers go to <root>/etc/resolv.conf.  Values are checked
 * (hostd_netconf_check) before anything is saved or applied, so a bad one
 * never reaches a command line or the file.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cfg.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

extern char **environ;

/* Where the programs are looked for: PATH may be minimal under systemd. */
static const char *const hostd_netconf_dirs[] = {
	"/usr/sbin", "/sbin", "/usr/bin", "/bin", NULL
};

/* DHCP clients, the first one installed is used: program, arguments
 * before the interface (each forks into the background). */
static const char *const hostd_netconf_dhcp[][3] = {
	{ "dhclient", "-nw", NULL },
	{ "dhcpcd", "-b", NULL },
	{ "udhcpc", "-b", "-i" },
};

static char	*hostd_netconf_which(const char *);
static int	 hostd_netconf_run(char *const *, char **);
static int	 hostd_netconf_prefix(const char *);
static int	 hostd_netconf_resolv(const char *, const struct cfg *,
		     char **);

char *
hostd_netconf_path(const char *root)
{
	char	*p;

	xasprintf(&p, "%s/etc/vireo/network.conf", root);
	return (p);
}

struct cfg *
hostd_netconf_load(const char *root, char **cause)
{
	struct cfg	*c;
	char		*path;

	path = hostd_netconf_path(root);
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		free(path);
		return (cfg_create());
	}
	c = cfg_load(path, cause);
	free(path);
	return (c);
}

int
hostd_netconf_save(const char *root, const struct cfg *c, char **cause)
{
	char	*path;
	int	 rc;

	path = hostd_netconf_path(root);
	rc = cfg_save(c, path, cause);
	free(path);
	return (rc);
}

/* The full path of program name, or NULL if it is not installed. */
static char *
hostd_netconf_which(const char *name)
{
	char	*p;
	size_t	 i;

	for (i = 0; hostd_netconf_dirs[i] != NULL; i++) {
		xasprintf(&p, "%s/%s", hostd_netconf_dirs[i], name);
		if (access(p, X_OK) == 0)
			return (p);
		free(p);
	}
	return (NULL);
}

/* Run argv (argv[0] a full path) and wait; 0, or -1 with *cause holding
 * the command and what it printed on stderr. */
static int
hostd_netconf_run(char *const *argv, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 fds[2], status, err;
	char				 out[512];
	ssize_t				 n, len = 0;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return (-1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err != 0) {
		close(fds[0]);
		xasprintf(cause, "%s: %s", argv[0], strerror(err));
		return (-1);
	}
	while ((n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
		len += n;
	close(fds[0]);
	out[len] = '\0';
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			xasprintf(cause, "waitpid: %s", strerror(errno));
			return (-1);
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	xasprintf(cause, "%s %s %s failed: %s", argv[0], argv[1],
	    argv[2] != NULL ? argv[2] : "", *out != '\0' ? out :
	    "no message");
	return (-1);
}

/* The prefix length of a contiguous IPv4 netmask, or -1. */
static int
hostd_netconf_prefix(const char *mask)
{
	struct in_addr	a;
	uint32_t	m;
	int		n = 0;

	if (inet_pton(AF_INET, mask, &a) != 1)
		return (-1);
	m = ntohl(a.s_addr);
	while (m & 0x80000000U) {
		n++;
		m <<= 1;
	}
	return (m == 0 ? n : -1);
}

int
hostd_netconf_check(const struct cfg *c, char **cause)
{
	struct in_addr	 a;
	const char	*v;
	char		*list, *s, *tok, *save = NULL;
	unsigned char	 a6[16];
	int		 ok = 1;

	if ((v = cfg_get(c, "net.device")) != NULL && (*v == '\0' ||
	    strlen(v) >= IF_NAMESIZE || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") != strlen(v) ||
	    if_nametoindex(v) == 0)) {
		xasprintf(cause, "no network interface %.32s", v);
		return (-1);
	}
	if ((v = cfg_get(c, "net.ip")) != NULL && *v != '\0' &&
	    inet_pton(AF_INET, v, &a) != 1) {
		xasprintf(cause, "not an IPv4 address: %.64s", v);
		return (-1);
	}
	if ((v = cfg_get(c, "net.netmask")) != NULL && *v != '\0' &&
	    hostd_netconf_prefix(v) < 1) {
		xasprintf(cause, "not an IPv4 netmask: %.64s", v);
		return (-1);
	}
	if ((v = cfg_get(c, "net.gateway")) != NULL && *v != '\0' &&
	    inet_pton(AF_INET, v, &a) != 1) {
		xasprintf(cause, "not an IPv4 gateway address: %.64s", v);
		return (-1);
	}
	if ((v = cfg_get(c, "net.hostname")) != NULL && (*v == '\0' ||
	    strlen(v) > 253 || *v == '-' || *v == '.' ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(v))) {
		xasprintf(cause, "not a host name: %.64s", v);
		return (-1);
	}
	if ((v = cfg_get(c, "net.domain")) != NULL && *v != '\0' &&
	    (strlen(v) > 253 || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(v))) {
		xasprintf(cause, "not a domain name: %.64s", v);
		return (-1);
	}
	if ((v = cfg_get(c, "net.dns")) != NULL && *v != '\0') {
		list = xstrdup(v);
		for (s = list; (tok = strtok_r(s, ",", &save)) != NULL;
		    s = NULL) {
			if (inet_pton(AF_INET, tok, &a) != 1 &&
			    inet_pton(AF_INET6, tok, a6) != 1) {
				xasprintf(cause, "not a DNS server address: "
				    "%.64s", tok);
				ok = 0;
				break;
			}
		}
		free(list);
		if (!ok)
			return (-1);
	}
	return (0);
}

/* <root>/etc/resolv.conf from net.dns and net.domain. */
static int
hostd_netconf_resolv(const char *root, const struct cfg *c, char **cause)
{
	const char	*dns = cfg_get(c, "net.dns");
	const char	*dom = cfg_get(c, "net.domain");
	char		*path, *text = xstrdup(""), *t, *list, *s, *tok;
	char		*save = NULL;
	int		 rc;

	if ((dns == NULL || *dns == '\0') && (dom == NULL || *dom == '\0')) {
		free(text);
		return (0);
	}
	if (dom != NULL && *dom != '\0') {
		free(text);
		xasprintf(&text, "search %s\n", dom);
	}
	list = xstrdup(dns != NULL ? dns : "");
	for (s = list; (tok = strtok_r(s, ",", &save)) != NULL; s = NULL) {
		xasprintf(&t, "%snameserver %s\n", text, tok);
		free(text);
		text = t;
	}
	free(list);
	xasprintf(&path, "%s/etc/resolv.conf", root);
	rc = atomicfile_write(path, text, strlen(text), 0644, cause);
	free(path);
	free(text);
	return (rc);
}

int
hostd_netconf_apply(const char *root, const struct cfg *c, int what,
    char **cause)
{
	const char	*dev = cfg_get(c, "net.device"), *ip, *mask, *gw, *hn;
	char		*ipcmd, *dhcp = NULL, addr[96], host[256];
	char		*argv[10];
	size_t		 i;
	int		 rc = 0;

	if (hostd_netconf_check(c, cause) == -1)
		return (-1);
	if ((what & (HOSTD_NETCONF_ADDR | HOSTD_NETCONF_ROUTE)) &&
	    dev != NULL) {
		if ((ipcmd = hostd_netconf_which("ip")) == NULL) {
			xasprintf(cause, "iproute2 (the ip command) is not "
			    "installed");
			return (-1);
		}
		argv[0] = ipcmd;
		argv[1] = (char *)"link";
		argv[2] = (char *)"set";
		argv[3] = (char *)"dev";
		argv[4] = (char *)dev;
		argv[5] = (char *)"up";
		argv[6] = NULL;
		rc = hostd_netconf_run(argv, cause);
		if (rc == 0 && (what & HOSTD_NETCONF_ADDR) &&
		    cfg_get_bool(c, "net.dhcp", 0)) {
			for (i = 0; i < sizeof hostd_netconf_dhcp /
			    sizeof hostd_netconf_dhcp[0]; i++)
				if ((dhcp = hostd_netconf_which(
				    hostd_netconf_dhcp[i][0])) != NULL)
					break;
			if (dhcp == NULL) {
				xasprintf(cause, "no DHCP client (dhclient, "
				    "dhcpcd or udhcpc) is installed");
				rc = -1;
			} else {
				argv[0] = dhcp;
				argv[1] = (char *)hostd_netconf_dhcp[i][1];
				argv[2] = (char *)(hostd_netconf_dhcp[i][2] !=
				    NULL ? hostd_netconf_dhcp[i][2] : dev);
				argv[3] = hostd_netconf_dhcp[i][2] != NULL ?
				    (char *)dev : NULL;
				argv[4] = NULL;
				rc = hostd_netconf_run(argv, cause);
				free(dhcp);
			}
		} else if (rc == 0 && (what & HOSTD_NETCONF_ADDR) &&
		    (ip = cfg_get(c, "net.ip")) != NULL && *ip != '\0') {
			mask = cfg_get(c, "net.netmask");
			snprintf(addr, sizeof addr, "%s/%d", ip,
			    mask != NULL && *mask != '\0' ?
			    hostd_netconf_prefix(mask) : 24);
			argv[1] = (char *)"-4";
			argv[2] = (char *)"addr";
			argv[3] = (char *)"flush";
			argv[4] = (char *)"dev";
			argv[5] = (char *)dev;
			argv[6] = NULL;
			rc = hostd_netconf_run(argv, cause);
			if (rc == 0) {
				argv[1] = (char *)"addr";
				argv[2] = (char *)"add";
				argv[3] = addr;
				argv[4] = (char *)"dev";
				argv[5] = (char *)dev;
				argv[6] = NULL;
				rc = hostd_netconf_run(argv, cause);
			}
		}
		if (rc == 0 && (what & (HOSTD_NETCONF_ROUTE |
		    HOSTD_NETCONF_ADDR)) && !cfg_get_bool(c, "net.dhcp", 0) &&
		    (gw = cfg_get(c, "net.gateway")) != NULL && *gw != '\0') {
			argv[1] = (char *)"-4";
			argv[2] = (char *)"route";
			argv[3] = (char *)"replace";
			argv[4] = (char *)"default";
			argv[5] = (char *)"via";
			argv[6] = (char *)gw;
			argv[7] = (char *)"dev";
			argv[8] = (char *)dev;
			argv[9] = NULL;
			rc = hostd_netconf_run(argv, cause);
		}
		free(ipcmd);
		if (rc == -1)
			return (-1);
	}
	if (what & HOSTD_NETCONF_DNS) {
		if (hostd_netconf_resolv(root, c, cause) == -1)
			return (-1);
		hn = cfg_get(c, "net.hostname");
		if (hn != NULL && (gethostname(host, sizeof host) != 0 ||
		    strcmp(host, hn) != 0)) {
			if (sethostname(hn, strlen(hn)) == -1) {
				xasprintf(cause, "cannot set the host name: "
				    "%s", strerror(errno));
				return (-1);
			}
			log_info("host name set to %s", hn);
		}
	}
	return (0);
}
