/* SPDX-License-Identifier: ISC */
/*
 * tap.c: the TAP backend of virtio-net.  Every TAP ioctl lives there
 * (TUNSETIFF, TUNSETVNETHDRSZ, TUNSETOFFLOAD, the bridge's SIOCBRADDIF),
 * so the device model only reads and writes an fd.  A TAP opened here
 * carries a 12-byte virtio_net_hdr_v1 in front of every frame, in both
 * directions, and is non-blocking and close-on-exec.
 */
#ifndef VIREO_TAP_H
#define VIREO_TAP_H

#include <stddef.h>

/* The vnet header the TAP exchanges (struct virtio_net_hdr_v1). */
#define TAP_VNET_HDR_SIZE	12

/* Offloads the reader of the TAP (the guest) accepts: TUNSETOFFLOAD. */
#define TAP_OFFLOAD_CSUM	0x01	/* partial checksums (GUEST_CSUM) */
#define TAP_OFFLOAD_TSO4	0x02	/* TCPv4 GSO frames (GUEST_TSO4) */
#define TAP_OFFLOAD_TSO6	0x04	/* TCPv6 GSO frames (GUEST_TSO6) */

/*
 * Open the TAP interface name, creating it if it does not exist (it then
 * goes away when the fd is closed), or a new one the kernel names
 * "vireo<N>" when name is NULL or empty; set the vnet header size, make
 * the fd non-blocking and bring the link up.  The interface's name is
 * copied to ifname (len bytes, IFNAMSIZ is enough).  Needs CAP_NET_ADMIN
 * (or a persistent TAP owned by the caller).  Returns the fd, or -1 with
 * errno and *cause ("tap NAME: reason", caller frees).
 */
int	tap_open(const char *name, char *ifname, size_t len, char **cause);

/* 1 if the network interface name exists and is a Linux bridge. */
int	tap_is_bridge(const char *name);

/*
 * Add interface ifname to bridge (SIOCBRADDIF).  0, or -1 with errno and
 * *cause.
 */
int	tap_bridge_attach(const char *bridge, const char *ifname,
	    char **cause);

/* 1 if fd is a TAP with a vnet header (TUNGETIFF), 0 otherwise. */
int	tap_is_tap(int fd);

/*
 * Tell the kernel which offloads (TAP_OFFLOAD_*) the guest negotiated, so
 * it sends only frames the guest can take.  0, or -1 with errno.
 */
int	tap_set_offload(int fd, unsigned int offloads);

#endif
