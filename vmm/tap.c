/* SPDX-License-Identifier: ISC */
/*
 * The TAP backend of virtio-net: open /dev/net/tun as a TAP with
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a 12-byte vnet header (so the
 * kernel's header is struct virtio_net_hdr_v1 byte for byte, num_buffers
 * included), attach it to a Linux bridge, and tell the kernel which
 * offloads the guest accepts.  Every TAP and bridge ioctl of the project
 * is here; the device model only reads and writes the fd.
 *
 * No state: each call stands alone and is safe from any thread.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "tap.h"

#define TAP_DEVICE	"/dev/net/tun"
#define TAP_NEW_NAME	"vireo%d"	/* the kernel picks the number */

static int	tap_name_ok(const char *);
static void	tap_ifr_name(struct ifreq *, const char *);
static int	tap_link_up(const char *);

/* Store name (cut to IFNAMSIZ - 1 bytes) in ifr, NUL-terminated. */
static void
tap_ifr_name(struct ifreq *ifr, const char *name)
{
	size_t	len = strnlen(name, IFNAMSIZ - 1);

	memcpy(ifr->ifr_name, name, len);
	ifr->ifr_name[len] = '\0';
}

/* 1 if name fits an interface name and has no '/' (sysfs paths). */
static int
tap_name_ok(const char *name)
{
	size_t	len = strlen(name);

	return (len > 0 && len < IFNAMSIZ && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
}

/* Set IFF_UP on ifname. */
static int
tap_link_up(const char *ifname)
{
	struct ifreq	ifr;
	int		s, ret = -1, saved;

	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	memset(&ifr, 0, sizeof ifr);
	tap_ifr_name(&ifr, ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		if (ifr.ifr_flags & IFF_UP)
			ret = 0;
		else {
			ifr.ifr_flags |= IFF_UP;
			ret = ioctl(s, SIOCSIFFLAGS, &ifr);
		}
	}
	saved = errno;
	close(s);
	errno = saved;
	return (ret);
}

int
tap_open(const char *name, char *ifname, size_t len, char **cause)
{
	struct ifreq	 ifr;
	const char	*shown;
	int		 fd, hdr = TAP_VNET_HDR_SIZE, saved;

	shown = name != NULL && *name != '\0' ? name : "(new)";
	if (name != NULL && *name != '\0' && !tap_name_ok(name)) {
		xasprintf(cause, "tap %s: not a valid interface name", shown);
		errno = EINVAL;
		return (-1);
	}
	if ((fd = open(TAP_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		saved = errno;
		xasprintf(cause, "tap %s: %s: %s", shown, TAP_DEVICE,
		    strerror(saved));
		errno = saved;
		return (-1);
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	tap_ifr_name(&ifr, name != NULL && *name != '\0' ? name :
	    TAP_NEW_NAME);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		saved = errno;
		xasprintf(cause, "tap %s: %s", shown, saved == EBUSY ?
		    "in use by another process" : strerror(saved));
		goto fail;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) == -1) {
		saved = errno;
		xasprintf(cause, "tap %s: vnet header size: %s", ifr.ifr_name,
		    strerror(saved));
		goto fail;
	}
	/* No offload until the guest negotiates one. */
	if (ioctl(fd, TUNSETOFFLOAD, 0U) == -1) {
		saved = errno;
		xasprintf(cause, "tap %s: offloads: %s", ifr.ifr_name,
		    strerror(saved));
		goto fail;
	}
	if (tap_link_up(ifr.ifr_name) != 0) {
		saved = errno;
		xasprintf(cause, "tap %s: cannot bring the link up: %s",
		    ifr.ifr_name, strerror(saved));
		goto fail;
	}
	if (ifname != NULL && len > 0)
		snprintf(ifname, len, "%s", ifr.ifr_name);
	return (fd);

fail:
	close(fd);
	errno = saved;
	return (-1);
}

/* Asks the driver's name (ethtool): works in any network namespace,
 * whatever /sys shows. */
int
tap_is_bridge(const char *name)
{
	struct ethtool_drvinfo	info;
	struct ifreq		ifr;
	int			s, ret;

	if (name == NULL || !tap_name_ok(name))
		return (0);
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (0);
	memset(&info, 0, sizeof info);
	info.cmd = ETHTOOL_GDRVINFO;
	memset(&ifr, 0, sizeof ifr);
	tap_ifr_name(&ifr, name);
	ifr.ifr_data = (void *)&info;
	ret = ioctl(s, SIOCETHTOOL, &ifr) == 0 &&
	    strcmp(info.driver, "bridge") == 0;
	close(s);
	return (ret);
}

int
tap_bridge_attach(const char *bridge, const char *ifname, char **cause)
{
	struct ifreq	ifr;
	int		s, saved, index;

	if (!tap_name_ok(bridge)) {
		xasprintf(cause, "bridge %s: not a valid interface name",
		    bridge);
		errno = EINVAL;
		return (-1);
	}
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		saved = errno;
		xasprintf(cause, "bridge %s: socket: %s", bridge,
		    strerror(saved));
		errno = saved;
		return (-1);
	}
	memset(&ifr, 0, sizeof ifr);
	tap_ifr_name(&ifr, ifname);
	if (ioctl(s, SIOCGIFINDEX, &ifr) == -1) {
		saved = errno;
		xasprintf(cause, "bridge %s: %s: %s", bridge, ifname,
		    strerror(saved));
		close(s);
		errno = saved;
		return (-1);
	}
	index = ifr.ifr_ifindex;
	memset(&ifr, 0, sizeof ifr);
	tap_ifr_name(&ifr, bridge);
	ifr.ifr_ifindex = index;
	if (ioctl(s, SIOCBRADDIF, &ifr) == -1) {
		saved = errno;
		xasprintf(cause, "bridge %s: cannot add %s: %s", bridge,
		    ifname, strerror(saved));
		close(s);
		errno = saved;
		return (-1);
	}
	close(s);
	return (0);
}

int
tap_is_tap(int fd)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof ifr);
	if (ioctl(fd, TUNGETIFF, &ifr) == -1)
		return (0);
	return ((ifr.ifr_flags & (IFF_TAP | IFF_VNET_HDR)) ==
	    (IFF_TAP | IFF_VNET_HDR));
}

int
tap_set_offload(int fd, unsigned int offloads)
{
	unsigned int	flags = 0;

	if (offloads & TAP_OFFLOAD_CSUM) {
		flags |= TUN_F_CSUM;
		/* Segmentation offloads need checksum offload. */
		if (offloads & TAP_OFFLOAD_TSO4)
			flags |= TUN_F_TSO4;
		if (offloads & TAP_OFFLOAD_TSO6)
			flags |= TUN_F_TSO6;
	}
	return (ioctl(fd, TUNSETOFFLOAD, flags));
}
