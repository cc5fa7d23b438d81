/* SPDX-License-Identifier: ISC */
/*
 * virtio-net (virtio network device, type 1): one PCI function per NIC of
 * vmm_params.vp_nics, with a receive queue (0) and a transmit queue (1),
 * on a TAP (tap.c) that carries a 12-byte virtio_net_hdr_v1 in front of
 * every frame, so frames pass between the guest's buffers and the TAP
 * without a copy: TX is one writev of the guest's chain (behind a checked
 * copy of its header), RX one readv into the guest's buffers.
 *
 * Features are offered only as far as they are implemented: MAC, STATUS
 * (the link is up, or down on a disconnected NIC), and with a real TAP
 * the checksum and TSO offloads, which are pure pass-through because the
 * TAP speaks the same header: CSUM and HOST_TSO4/6 (the guest sends
 * partial checksums and 64 KiB frames, the kernel finishes them) and
 * GUEST_CSUM, GUEST_TSO4/6 (TUNSETOFFLOAD, set at DRIVER_OK to what was
 * negotiated, lets the kernel hand such frames to the guest).  No
 * MRG_RXBUF: one frame per receive chain, as Linux's driver allows (it
 * then posts 64 KiB buffers when it takes GUEST_TSO).  No control queue,
 * one queue pair.
 *
 * A disconnected NIC (VMM_NIC_NONE: ESX's adapter whose network has no
 * backing, or that is not connected at power-on) is on the bus as any
 * other, so the guest finds and drives it, but has no fd: its link is
 * down, nothing is received, and what the guest sends is consumed,
 * dropped and counted, as a real adapter with no cable does.
 *
 * Threads: RX runs on the transport's I/O thread: the TAP fd is in that
 * thread's poll set (virtio_pci_watch_fd) from DRIVER_OK on, so no extra
 * thread and no lock are needed.  When the guest has no receive buffer
 * left the fd leaves the poll set (else the level-triggered poll would
 * spin) and comes back when the guest kicks the receive queue.  TX runs
 * in the transmit queue's notify callback, on the same thread.  All of it
 * holds the queue lock; the config space is fixed at create, so the
 * config read callback (vCPU threads) needs no lock either.
 */

#include "config.h"

#include <sys/uio.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "tap.h"
#include "virtio.h"
#include "virtio-net.h"
#include "snapshot.h"

/* Feature bits (virtio 1.2 section 5.1.3). */
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM	1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4	7
#define VIRTIO_NET_F_GUEST_TSO6	8
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_STATUS	16

/* Header flags and GSO types. */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	0x01
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_HDR_GSO_ECN		0x80

/* Config space. */
#define VIRTIO_NET_CFG_MAC	0	/* u8[6] */
#define VIRTIO_NET_CFG_STATUS	6	/* le16 */
#define VIRTIO_NET_CFG_PAIRS	8	/* le16 max_virtqueue_pairs */
#define VIRTIO_NET_CFG_SIZE	12	/* with mtu (not offered) */
#define VIRTIO_NET_S_LINK_UP	1

#define VIRTIO_NET_RXQ		0
#define VIRTIO_NET_TXQ		1
#define VIRTIO_NET_QUEUE_SIZE	256
#define VIRTIO_NET_HDR_SIZE	TAP_VNET_HDR_SIZE
#define VIRTIO_NET_ETH_MIN	14		/* an Ethernet header */
#define VIRTIO_NET_FRAME_MAX	(65535 + 14 + 4) /* GSO frame, VLAN tag */
#define VIRTIO_NET_RX_BURST	64	/* frames per poll, then yield */
#define VIRTIO_NET_LOG_MAX	10	/* backend errors logged per NIC */
#define VIRTIO_NET_CLASS	0x020000 /* PCI: network, Ethernet */

/* struct virtio_net_hdr_v1 (little-endian). */
struct virtio_net_hdr {
	uint8_t		nh_flags;	/* VIRTIO_NET_HDR_F_* */
	uint8_t		nh_gso_type;	/* VIRTIO_NET_HDR_GSO_* */
	uint16_t	nh_hdr_len;
	uint16_t	nh_gso_size;
	uint16_t	nh_csum_start;
	uint16_t	nh_csum_offset;
	uint16_t	nh_num_buffers;	/* RX: chains used by the frame */
};

/* One NIC. */
struct virtio_net {
	const char		*vn_name;	/* "ethernet0", borrowed */
	struct virtio_pci	*vn_vp;		/* the transport, owned */
	int			 vn_fd;		/* the TAP, -1 if none */
	int			 vn_own_fd;	/* 1: we opened vn_fd */
	int			 vn_is_tap;	/* TUNSETOFFLOAD works */
	int			 vn_connected;	/* has a backend: link up */
	char			 vn_ifname[16];	/* TAP name, "" if given fd */
	uint8_t			 vn_config[VIRTIO_NET_CFG_SIZE]; /* fixed */
	int			 vn_watched;	/* vn_fd in the poll set */
	int			 vn_rx_have;	/* vn_rx holds a guest buffer */
	unsigned int		 vn_logged;	/* errors logged so far */
	uint64_t		 vn_rx_frames;	/* given to the guest */
	uint64_t		 vn_rx_dropped;	/* read but not delivered */
	uint64_t		 vn_tx_frames;	/* written to the TAP */
	uint64_t		 vn_tx_dropped;	/* malformed or not written */
	struct virtqueue_chain	 vn_rx;		/* receive buffer in hand */
	struct virtqueue_chain	 vn_tx;		/* frame being sent */
	struct iovec		 vn_iov[VIRTQUEUE_MAX_SIZE + 1]; /* TX writev */
};

/* The devtype's state: every NIC, in vp_nics order. */
struct virtio_net_set {
	unsigned int		 ns_n;
	struct virtio_net	*ns_net[VMM_MAX_NICS];
};

static int	virtio_net_create(struct vmm *, const struct vmm_params *,
		    void **, char **);
static int	virtio_net_save(void *, struct snap *);
static int	virtio_net_restore(void *, struct snap *);
static unsigned int virtio_net_held(void *, unsigned int);
static void	virtio_net_reset(void *);
static void	virtio_net_free(void *);
static struct virtio_net *virtio_net_new(struct vmm *,
		    const struct vmm_nic_params *, char **);
static int	virtio_net_backend(struct virtio_net *,
		    const struct vmm_nic_params *, char **);
static void	virtio_net_delete(struct virtio_net *);
static uint32_t	virtio_net_config_read(void *, uint32_t, uint32_t);
static void	virtio_net_notify(void *, struct virtqueue *);
static void	virtio_net_dev_reset(void *);
static void	virtio_net_driver_ok(void *);
static void	virtio_net_watch(struct virtio_net *, int);
static void	virtio_net_rx_cb(void *, int);
static void	virtio_net_rx(struct virtio_net *);
static void	virtio_net_tx(struct virtio_net *, struct virtqueue *);
static int	virtio_net_tx_one(struct virtio_net *);
static void	virtio_net_error(struct virtio_net *, const char *);
static void	virtio_net_stats(void *, void (*)(void *, const char *,
		    uint64_t), void *);

const struct vmm_devtype virtio_net_devtype = {
	"virtio-net",
	virtio_net_create,
	virtio_net_reset,
	virtio_net_free,
	virtio_net_save,
	virtio_net_restore,
	virtio_net_stats
};

static int
virtio_net_create(struct vmm *vmm, const struct vmm_params *params,
    void **devp, char **cause)
{
	struct virtio_net_set	*ns;
	unsigned int		 i;

	*devp = NULL;
	if (params->vp_nnics == 0)
		return (0);
	if (params->vp_nnics > VMM_MAX_NICS || params->vp_nics == NULL) {
		xasprintf(cause, "too many NICs (%u, at most %d)",
		    params->vp_nnics, VMM_MAX_NICS);
		errno = EINVAL;
		return (-1);
	}
	ns = xcalloc(1, sizeof *ns);
	for (i = 0; i < params->vp_nnics; i++) {
		ns->ns_net[i] = virtio_net_new(vmm, &params->vp_nics[i],
		    cause);
		if (ns->ns_net[i] == NULL) {
			virtio_net_free(ns);
			return (-1);
		}
		ns->ns_n++;
	}
	*devp = ns;
	return (0);
}

static void
virtio_net_reset(void *dev)
{
	struct virtio_net_set	*ns = dev;
	unsigned int		 i;

	if (ns == NULL)
		return;
	for (i = 0; i < ns->ns_n; i++)
		virtio_pci_reset(ns->ns_net[i]->vn_vp);
}

static void
virtio_net_free(void *dev)
{
	struct virtio_net_set	*ns = dev;
	unsigned int		 i;

	if (ns == NULL)
		return;
	for (i = 0; i < ns->ns_n; i++)
		virtio_net_delete(ns->ns_net[i]);
	free(ns);
}

struct virtio_pci *
virtio_net_transport(void *dev, unsigned int i)
{
	struct virtio_net_set	*ns = dev;

	if (ns == NULL || i >= ns->ns_n)
		return (NULL);
	return (ns->ns_net[i]->vn_vp);
}

const char *
virtio_net_ifname(void *dev, unsigned int i)
{
	struct virtio_net_set	*ns = dev;

	if (ns == NULL || i >= ns->ns_n)
		return (NULL);
	return (ns->ns_net[i]->vn_ifname);
}

/* Open or take the NIC's TAP as np says. */
static int
virtio_net_backend(struct virtio_net *vn, const struct vmm_nic_params *np,
    char **cause)
{
	const char	*ifname = np->vn_ifname;
	char		*why = NULL;
	int		 flags, bridge;

	if (np->vn_backend == VMM_NIC_NONE)
		return (0);
	if (np->vn_backend == VMM_NIC_FD) {
		if (np->vn_fd < 0 ||
		    (flags = fcntl(np->vn_fd, F_GETFL)) == -1) {
			xasprintf(cause, "%s: no backend fd", vn->vn_name);
			errno = EBADF;
			return (-1);
		}
		/* RX reads until EAGAIN: the fd must not block. */
		if (fcntl(np->vn_fd, F_SETFL, flags | O_NONBLOCK) == -1) {
			xasprintf(cause, "%s: backend fd: %s", vn->vn_name,
			    strerror(errno));
			return (-1);
		}
		vn->vn_fd = np->vn_fd;
		vn->vn_is_tap = tap_is_tap(vn->vn_fd);
		return (0);
	}
	if (ifname == NULL || *ifname == '\0') {
		xasprintf(cause, "%s: no TAP or bridge named", vn->vn_name);
		errno = EINVAL;
		return (-1);
	}
	bridge = np->vn_backend == VMM_NIC_BRIDGE ||
	    (np->vn_backend == VMM_NIC_AUTO && tap_is_bridge(ifname));
	vn->vn_fd = tap_open(bridge ? NULL : ifname, vn->vn_ifname,
	    sizeof vn->vn_ifname, &why);
	if (vn->vn_fd == -1)
		goto fail;
	vn->vn_own_fd = 1;
	vn->vn_is_tap = 1;
	if (bridge && tap_bridge_attach(ifname, vn->vn_ifname, &why) != 0)
		goto fail;
	return (0);

fail:
	xasprintf(cause, "%s: %s", vn->vn_name, why);
	free(why);
	return (-1);
}

/* One NIC: its backend, then its function on the PCI bus. */
static struct virtio_net *
virtio_net_new(struct vmm *vmm, const struct vmm_nic_params *np,
    char **cause)
{
	struct virtio_net	*vn;
	struct virtio_pci_ops	 ops;
	uint16_t		 v16;
	char			*why = NULL;
	const uint8_t		*m = np->vn_mac;

	vn = xcalloc(1, sizeof *vn);
	vn->vn_name = np->vn_name != NULL ? np->vn_name : "ethernet";
	vn->vn_fd = -1;
	if (virtio_net_backend(vn, np, cause) != 0) {
		virtio_net_delete(vn);
		return (NULL);
	}
	vn->vn_connected = np->vn_backend != VMM_NIC_NONE;
	memcpy(vn->vn_config + VIRTIO_NET_CFG_MAC, np->vn_mac, 6);
	v16 = htole16(vn->vn_connected ? VIRTIO_NET_S_LINK_UP : 0);
	memcpy(vn->vn_config + VIRTIO_NET_CFG_STATUS, &v16, 2);
	v16 = htole16(1);
	memcpy(vn->vn_config + VIRTIO_NET_CFG_PAIRS, &v16, 2);

	memset(&ops, 0, sizeof ops);
	ops.vo_name = "virtio-net";
	ops.vo_type = VIRTIO_ID_NET;
	ops.vo_class = VIRTIO_NET_CLASS;
	ops.vo_nqueues = 2;
	ops.vo_queue_max = VIRTIO_NET_QUEUE_SIZE;
	ops.vo_features = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
	    VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	if (vn->vn_is_tap) {
		ops.vo_features |= VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
		    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
		    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6) |
		    VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
		    VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
		    VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	}
	ops.vo_config_size = VIRTIO_NET_CFG_SIZE;
	ops.vo_config_read = virtio_net_config_read;
	ops.vo_queue_notify = virtio_net_notify;
	ops.vo_reset = virtio_net_dev_reset;
	ops.vo_driver_ok = virtio_net_driver_ok;
	ops.vo_held = virtio_net_held;
	if ((vn->vn_vp = virtio_pci_create(vmm, &ops, vn, &why)) == NULL) {
		xasprintf(cause, "%s: %s", vn->vn_name, why);
		free(why);
		virtio_net_delete(vn);
		return (NULL);
	}
	log_info("%s: virtio-net in PCI slot %d, MAC "
	    "%02x:%02x:%02x:%02x:%02x:%02x, %s%s%s", vn->vn_name,
	    virtio_pci_slot(vn->vn_vp), m[0], m[1], m[2], m[3], m[4], m[5],
	    !vn->vn_connected ? "disconnected (link down)" :
	    vn->vn_ifname[0] != '\0' ? "tap " : "fd",
	    vn->vn_ifname, vn->vn_connected && np->vn_backend != VMM_NIC_FD &&
	    tap_is_bridge(np->vn_ifname) ? " on a bridge" : "");
	return (vn);
}

static void
virtio_net_delete(struct virtio_net *vn)
{
	if (vn == NULL)
		return;
	/* The transport first: it stops the I/O thread using vn_fd. */
	virtio_pci_free(vn->vn_vp);
	if (vn->vn_own_fd && vn->vn_fd != -1)
		close(vn->vn_fd);
	vn->vn_fd = -1;
	/* What a disconnected NIC's guest tried to send, for vmware.log. */
	if (!vn->vn_connected && vn->vn_tx_dropped != 0)
		log_info("%s: disconnected: frames the guest sent, dropped: "
		    "%llu", vn->vn_name, (unsigned long long)vn->vn_tx_dropped);
	else if (vn->vn_rx_frames != 0 || vn->vn_tx_frames != 0)
		log_debug("%s: rx %llu (%llu dropped), tx %llu (%llu dropped)",
		    vn->vn_name, (unsigned long long)vn->vn_rx_frames,
		    (unsigned long long)vn->vn_rx_dropped,
		    (unsigned long long)vn->vn_tx_frames,
		    (unsigned long long)vn->vn_tx_dropped);
	free(vn);
}

static uint32_t
virtio_net_config_read(void *dev, uint32_t off, uint32_t len)
{
	struct virtio_net	*vn = dev;
	uint32_t		 v = 0;

	if (len <= 4 && off <= sizeof vn->vn_config - len)
		memcpy(&v, vn->vn_config + off, len);
	return (le32toh(v));
}

/* A backend error: log the first few, never flood the log. */
static void
virtio_net_error(struct virtio_net *vn, const char *what)
{
	if (vn->vn_logged >= VIRTIO_NET_LOG_MAX)
		return;
	vn->vn_logged++;
	log_warn("%s: %s%s", vn->vn_name, what,
	    vn->vn_logged == VIRTIO_NET_LOG_MAX ? " (no more reported)" : "");
}

/* Put vn_fd in the I/O thread's poll set (on 1) or take it out. */
static void
virtio_net_watch(struct virtio_net *vn, int on)
{
	if (vn->vn_fd == -1 || vn->vn_watched == on)
		return;
	if (on) {
		if (virtio_pci_watch_fd(vn->vn_vp, vn->vn_fd,
		    virtio_net_rx_cb) != 0) {
			virtio_net_error(vn, "cannot poll the backend");
			return;
		}
	} else
		virtio_pci_unwatch_fd(vn->vn_vp, vn->vn_fd);
	vn->vn_watched = on;
}

/* Device reset: forget the receive buffer in hand, stop reading. */
static void
virtio_net_dev_reset(void *dev)
{
	struct virtio_net	*vn = dev;

	vn->vn_rx_have = 0;
	virtio_net_watch(vn, 0);
	if (vn->vn_is_tap && tap_set_offload(vn->vn_fd, 0) != 0)
		virtio_net_error(vn, "cannot reset TAP offloads");
}

/* Features are final: tell the TAP what the guest takes, start RX. */
static void
virtio_net_driver_ok(void *dev)
{
	struct virtio_net	*vn = dev;
	struct virtio_pci	*vp = vn->vn_vp;
	unsigned int		 off = 0;

	if (vn->vn_is_tap) {
		if (virtio_pci_has_feature(vp, VIRTIO_NET_F_GUEST_CSUM))
			off |= TAP_OFFLOAD_CSUM;
		if (virtio_pci_has_feature(vp, VIRTIO_NET_F_GUEST_TSO4))
			off |= TAP_OFFLOAD_TSO4;
		if (virtio_pci_has_feature(vp, VIRTIO_NET_F_GUEST_TSO6))
			off |= TAP_OFFLOAD_TSO6;
		if (tap_set_offload(vn->vn_fd, off) != 0)
			virtio_net_error(vn, "cannot set TAP offloads");
	}
	virtio_net_watch(vn, 1);
}

static void
virtio_net_notify(void *dev, struct virtqueue *vq)
{
	struct virtio_net	*vn = dev;

	if (virtqueue_index(vq) == VIRTIO_NET_TXQ)
		virtio_net_tx(vn, vq);
	else if (virtqueue_index(vq) == VIRTIO_NET_RXQ) {
		/* New receive buffers: take frames waiting in the TAP. */
		virtio_net_rx(vn);
	}
}

static void
virtio_net_rx_cb(void *dev, int fd)
{
	virtio_net_rx(dev);
}

/*
 * Move frames from the TAP into receive buffers: up to VIRTIO_NET_RX_BURST
 * per call, so a flood cannot starve TX (the poll calls again).  A buffer
 * taken from the ring stays in vn_rx until a frame fills it.
 */
static void
virtio_net_rx(struct virtio_net *vn)
{
	struct virtqueue	*vq;
	struct virtqueue_chain	*c = &vn->vn_rx;
	uint16_t		 one = htole16(1);
	unsigned int		 i, pushed = 0;
	ssize_t			 n;
	int			 r;

	if (vn->vn_fd == -1 ||
	    (vq = virtio_pci_queue(vn->vn_vp, VIRTIO_NET_RXQ)) == NULL)
		return;
	for (i = 0; i < VIRTIO_NET_RX_BURST; i++) {
		if (!vn->vn_rx_have) {
			r = virtqueue_pop(vq, c);
			if (r != 1) {
				/* No buffer (or broken): wait for a kick. */
				virtio_net_watch(vn, 0);
				break;
			}
			if (c->vc_nout != 0 ||
			    c->vc_in_len < VIRTIO_NET_HDR_SIZE) {
				virtio_pci_set_broken(vn->vn_vp, "virtio-net "
				    "receive buffer not writable or too "
				    "short");
				virtio_net_watch(vn, 0);
				return;
			}
			vn->vn_rx_have = 1;
		}
		/* Re-enter the poll set once a buffer is in hand. */
		virtio_net_watch(vn, 1);
		n = readv(vn->vn_fd, c->vc_iov, (int)c->vc_nin);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n == -1 && errno != EFAULT && errno != EINVAL &&
		    errno != EMSGSIZE) {
			virtio_net_error(vn, "backend read");
			virtio_net_watch(vn, 0);
			break;
		}
		if (n == 0) {
			/* End of file: a socket whose peer went away. */
			virtio_net_watch(vn, 0);
			break;
		}
		if (n < VIRTIO_NET_HDR_SIZE + VIRTIO_NET_ETH_MIN) {
			/* Too big for the buffer (EFAULT) or a runt. */
			vn->vn_rx_dropped++;
			continue;
		}
		/* The TAP leaves num_buffers alone: one chain per frame. */
		virtqueue_chain_write(c, offsetof(struct virtio_net_hdr,
		    nh_num_buffers), &one, sizeof one);
		vn->vn_rx_have = 0;
		vn->vn_rx_frames++;
		if (virtqueue_push(vq, c, (uint32_t)n) == -1)
			break;
		pushed++;
	}
	if (pushed != 0)
		virtqueue_notify(vq);
}

/*
 * Send the frame in vn_tx: a checked copy of its header, then the rest of
 * the chain straight from guest RAM.  0, or -1 if it was dropped.
 */
static int
virtio_net_tx_one(struct virtio_net *vn)
{
	struct virtqueue_chain	*c = &vn->vn_tx;
	struct virtio_pci	*vp = vn->vn_vp;
	struct virtio_net_hdr	 hdr;
	size_t			 skip = VIRTIO_NET_HDR_SIZE;
	unsigned int		 gso, tso, i;
	ssize_t			 n;
	int			 cnt;

	if (c->vc_out_len < VIRTIO_NET_HDR_SIZE + VIRTIO_NET_ETH_MIN ||
	    c->vc_out_len > VIRTIO_NET_HDR_SIZE + VIRTIO_NET_FRAME_MAX)
		return (-1);
	virtqueue_chain_read(c, 0, &hdr, sizeof hdr);
	hdr.nh_num_buffers = 0;
	/* Only what was negotiated may reach the TAP. */
	if (!virtio_pci_has_feature(vp, VIRTIO_NET_F_CSUM)) {
		hdr.nh_flags = 0;
		hdr.nh_csum_start = hdr.nh_csum_offset = 0;
	} else
		hdr.nh_flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM;
	gso = hdr.nh_gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	if (gso == VIRTIO_NET_HDR_GSO_NONE) {
		hdr.nh_gso_type = VIRTIO_NET_HDR_GSO_NONE;
		hdr.nh_gso_size = 0;
	} else {
		tso = gso == VIRTIO_NET_HDR_GSO_TCPV4 ?
		    VIRTIO_NET_F_HOST_TSO4 : VIRTIO_NET_F_HOST_TSO6;
		if ((gso != VIRTIO_NET_HDR_GSO_TCPV4 &&
		    gso != VIRTIO_NET_HDR_GSO_TCPV6) ||
		    (hdr.nh_gso_type & VIRTIO_NET_HDR_GSO_ECN) != 0 ||
		    !virtio_pci_has_feature(vp, tso))
			return (-1);
	}
	vn->vn_iov[0].iov_base = &hdr;
	vn->vn_iov[0].iov_len = sizeof hdr;
	/* The frame: the readable buffers after the header. */
	cnt = 0;
	for (i = 0; i < c->vc_nout; i++) {
		if (skip >= c->vc_iov[i].iov_len) {
			skip -= c->vc_iov[i].iov_len;
			continue;
		}
		vn->vn_iov[1 + cnt].iov_base =
		    (uint8_t *)c->vc_iov[i].iov_base + skip;
		vn->vn_iov[1 + cnt].iov_len = c->vc_iov[i].iov_len - skip;
		cnt++;
		skip = 0;
	}
	if (cnt + 1 > IOV_MAX)
		return (-1);
	n = writev(vn->vn_fd, vn->vn_iov, cnt + 1);
	if (n == -1) {
		if (errno != EAGAIN && errno != ENOBUFS)
			virtio_net_error(vn, "backend write");
		return (-1);
	}
	return (0);
}

/* Send every frame of the transmit queue; used length is 0 for TX. */
static void
virtio_net_tx(struct virtio_net *vn, struct virtqueue *vq)
{
	while (virtqueue_pop(vq, &vn->vn_tx) == 1) {
		if (vn->vn_fd == -1 || virtio_net_tx_one(vn) != 0)
			vn->vn_tx_dropped++;
		else
			vn->vn_tx_frames++;
		if (virtqueue_push(vq, &vn->vn_tx, 0) == -1)
			break;
	}
	virtqueue_notify(vq);
}

/*
 * Statistics, summed over the NICs.  The counters are written by each
 * NIC's I/O thread; a relaxed load of an aligned 64-bit word is enough
 * for a figure a person reads.
 */
static void
virtio_net_stats(void *dev, void (*emit)(void *, const char *, uint64_t),
    void *arg)
{
	struct virtio_net_set	*ns = dev;
	struct virtio_net	*vn;
	uint64_t		 v[4] = { 0, 0, 0, 0 };
	unsigned int		 i;

	for (i = 0; i < ns->ns_n; i++) {
		vn = ns->ns_net[i];
		v[0] += __atomic_load_n(&vn->vn_rx_frames, __ATOMIC_RELAXED);
		v[1] += __atomic_load_n(&vn->vn_rx_dropped, __ATOMIC_RELAXED);
		v[2] += __atomic_load_n(&vn->vn_tx_frames, __ATOMIC_RELAXED);
		v[3] += __atomic_load_n(&vn->vn_tx_dropped, __ATOMIC_RELAXED);
	}
	emit(arg, "rx_packets", v[0]);
	emit(arg, "rx_dropped", v[1]);
	emit(arg, "tx_packets", v[2]);
	emit(arg, "tx_dropped", v[3]);
}

/*
 * Suspend state: the transport's, per NIC.  A receive buffer in hand
 * (vn_rx) goes back to the ring in the saved state (vo_held), so the
 * resumed NIC takes it again; frames still in the TAP are the network's
 * and may be lost, as on a real wire.  The backend is opened again from
 * the parameters on resume, and restarted by vo_driver_ok.
 */
static int
virtio_net_save(void *dev, struct snap *s)
{
	struct virtio_net_set	*ns = dev;
	unsigned int		 i;

	snap_put_u32(s, ns->ns_n);
	for (i = 0; i < ns->ns_n; i++) {
		if (virtio_pci_save(ns->ns_net[i]->vn_vp, s) != 0)
			return (-1);
	}
	return (0);
}

static int
virtio_net_restore(void *dev, struct snap *s)
{
	struct virtio_net_set	*ns = dev;
	uint32_t		 n;
	unsigned int		 i;

	if (snap_get_u32(s, &n) != 0)
		return (-1);
	if (n != ns->ns_n) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < ns->ns_n; i++) {
		if (virtio_pci_restore(ns->ns_net[i]->vn_vp, s) != 0)
			return (-1);
	}
	return (0);
}

static unsigned int
virtio_net_held(void *dev, unsigned int q)
{
	struct virtio_net	*vn = dev;

	return (q == VIRTIO_NET_RXQ && vn->vn_rx_have ? 1 : 0);
}
