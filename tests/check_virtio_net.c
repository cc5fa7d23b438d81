/* SPDX-License-Identifier: ISC */
/*
 * virtio-net on a fake VM with the PCI host bridge, the test being the
 * guest's driver (virtio-driver.c, one instance per queue).  The backend
 * is a datagram socketpair given as vn_fd, standing in for the TAP: each
 * datagram is one frame with its 12-byte vnet header, as on a TAP.
 * Checked: the config space (MAC, LINK_UP, one queue pair) and features
 * (no offload without a real TAP); TX frames reach the fd with a clean
 * header; malformed TX chains are dropped but returned; RX frames land in
 * the guest's buffer with num_buffers = 1, both when the buffer was
 * posted first (the I/O poll delivers) and when the frame came first (the
 * RX kick delivers); with no buffer the fd leaves the poll set.  A
 * disconnected NIC (VMM_NIC_NONE) reports its link down, consumes and
 * counts what is sent, and receives nothing.
 *
 * With root, /dev/net/tun and a private network namespace (unshare), the
 * last test runs a real TAP: a bridge, the NIC's TAP on it and a peer
 * TAP, and a frame each way.  It is skipped (passes) otherwise.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/if.h>
#include <linux/sockios.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tap.h"
#include "virtio-net.h"
#include "virtio-driver.h"

#define MiB		(1024ULL * 1024)
#define RX_RING		0x100000ULL
#define TX_RING		0x110000ULL
#define RX_BUF		0x200000ULL
#define TX_BUF		0x300000ULL
#define RX_LEN		(12 + 1514)
#define HDR		12
#define ETHERTYPE_TEST	0x88b5		/* local experimental */

#define F_CSUM		0
#define F_MAC		5
#define F_STATUS	16

struct tnet {
	struct vmm		*vmm;
	void			*bus;
	void			*net;
	struct virtio_pci	*vp;
	struct virtio_driver	 rx;	/* queue 0 */
	struct virtio_driver	 tx;	/* queue 1 */
	uint64_t		 features;
	int			 sv[2];	/* [0] the network, [1] the device */
};

static const uint8_t	tnet_mac[6] = { 0x00, 0x0c, 0x29, 0x12, 0x34, 0x56 };

static void	tnet_start(struct tnet *, enum vmm_nic_backend, const char *);
static void	tnet_stop(struct tnet *);
static size_t	tnet_frame(uint8_t *, size_t, uint8_t);
static void	tnet_post_rx(struct tnet *, unsigned int);
static uint32_t	tnet_send(struct tnet *, const uint8_t *, size_t);
static int	tnet_link_up(const char *);
static ssize_t	tnet_recv_test(int, uint8_t *, size_t);
static void	tnet_stat(void *, const char *, uint64_t);
static Suite	*check_virtio_net_suite(void);

/* A fake VM with one NIC on the socketpair (or a TAP); driver ready. */
static void
tnet_start(struct tnet *t, enum vmm_nic_backend backend, const char *ifname)
{
	struct vmm_params	 p;
	struct vmm_nic_params	 n;
	char			*cause = NULL;
	uint64_t		 want;

	memset(t, 0, sizeof *t);
	t->sv[0] = t->sv[1] = -1;
	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	memset(&n, 0, sizeof n);
	n.vn_name = "ethernet0";
	n.vn_backend = backend;
	n.vn_ifname = ifname;
	n.vn_fd = -1;
	if (backend == VMM_NIC_FD) {
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, t->sv), 0);
		n.vn_fd = t->sv[1];
	}
	memcpy(n.vn_mac, tnet_mac, 6);
	p.vp_nics = &n;
	p.vp_nnics = 1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	ck_assert_int_eq(pci_devtype.dt_create(t->vmm, &p, &t->bus, &cause),
	    0);
	ck_assert_msg(virtio_net_devtype.dt_create(t->vmm, &p, &t->net,
	    &cause) == 0, "%s", cause);
	ck_assert_ptr_nonnull(t->net);
	t->vp = virtio_net_transport(t->net, 0);
	ck_assert_ptr_nonnull(t->vp);
	ck_assert_ptr_null(virtio_net_transport(t->net, 1));

	virtio_driver_attach(&t->rx, t->vmm, virtio_pci_slot(t->vp));
	ck_assert_uint_eq(virtio_driver_cfg_read(&t->rx, 2, 2), 0x1041);
	ck_assert_uint_eq(virtio_driver_common_read(&t->rx, VD_NUMQ, 2), 2);
	virtio_driver_common_write(&t->rx, VD_DFSELECT, 4, 0);
	t->features = virtio_driver_common_read(&t->rx, VD_DF, 4);
	want = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(F_MAC) |
	    VIRTIO_BIT(F_STATUS);
	ck_assert_uint_eq(virtio_driver_init(&t->rx, want) &
	    VIRTIO_STATUS_FEATURES_OK, VIRTIO_STATUS_FEATURES_OK);
	t->tx = t->rx;
	ck_assert_uint_eq(virtio_driver_queue(&t->rx, 0, 16, RX_RING,
	    VIRTIO_PCI_NO_VECTOR), 1);
	ck_assert_uint_eq(virtio_driver_queue(&t->tx, 1, 16, TX_RING,
	    VIRTIO_PCI_NO_VECTOR), 1);
	virtio_driver_driver_ok(&t->rx);
}

static void
tnet_stop(struct tnet *t)
{
	virtio_net_devtype.dt_free(t->net);
	pci_devtype.dt_free(t->bus);
	vmm_free(t->vmm);
	if (t->sv[0] != -1)
		close(t->sv[0]);
	if (t->sv[1] != -1)
		close(t->sv[1]);
}

/* A broadcast test frame of len bytes into buf (no vnet header). */
static size_t
tnet_frame(uint8_t *buf, size_t len, uint8_t seed)
{
	size_t	i;

	memset(buf, 0xff, 6);
	memcpy(buf + 6, tnet_mac, 6);
	buf[12] = ETHERTYPE_TEST >> 8;
	buf[13] = ETHERTYPE_TEST & 0xff;
	for (i = 14; i < len; i++)
		buf[i] = (uint8_t)(seed + i);
	return (len);
}

/* Post receive buffer d (RX_LEN bytes at RX_BUF + d * 4 KiB) and kick. */
static void
tnet_post_rx(struct tnet *t, unsigned int d)
{
	virtio_driver_desc(&t->rx, d, RX_BUF + d * 4096ULL, RX_LEN,
	    VIRTQ_DESC_F_WRITE, 0);
	virtio_driver_add(&t->rx, (uint16_t)d);
	virtio_driver_notify(&t->rx);
}

/* Send header + frame as a two-buffer chain; the used length. */
static uint32_t
tnet_send(struct tnet *t, const uint8_t *frame, size_t len)
{
	uint8_t		hdr[HDR];
	uint32_t	id, used;
	uint16_t	before;

	/* NEEDS_CSUM and a num_buffers: neither was negotiated. */
	memset(hdr, 0, sizeof hdr);
	hdr[0] = 1;
	hdr[6] = 14;
	hdr[10] = 7;
	ck_assert_int_eq(mem_write(t->vmm, TX_BUF, hdr, HDR), 0);
	ck_assert_int_eq(mem_write(t->vmm, TX_BUF + 0x1000, frame, len), 0);
	before = virtio_driver_used_idx(&t->tx);
	virtio_driver_desc(&t->tx, 0, TX_BUF, HDR, VIRTQ_DESC_F_NEXT, 1);
	virtio_driver_desc(&t->tx, 1, TX_BUF + 0x1000, (uint32_t)len, 0, 0);
	virtio_driver_add(&t->tx, 0);
	virtio_driver_notify(&t->tx);
	ck_assert_uint_eq(virtio_driver_used_idx(&t->tx), before + 1);
	virtio_driver_used(&t->tx, before, &id, &used);
	ck_assert_uint_eq(id, 0);
	return (used);
}

START_TEST(net_config)
{
	struct tnet	t;
	uint8_t		mac[6];
	unsigned int	i;

	tnet_start(&t, VMM_NIC_FD, NULL);
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_MAC), 0);
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_STATUS), 0);
	/* A socket is no TAP: no offload is offered. */
	ck_assert_uint_eq(t.features & VIRTIO_BIT(F_CSUM), 0);
	ck_assert_uint_eq(t.features & 0xffffff & ~(VIRTIO_BIT(F_MAC) |
	    VIRTIO_BIT(F_STATUS)), 0);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)virtio_driver_read(&t.rx,
		    t.rx.vd_device + i, 1);
	ck_assert_mem_eq(mac, tnet_mac, 6);
	ck_assert_uint_eq(virtio_driver_read(&t.rx, t.rx.vd_device + 6, 2),
	    1);
	ck_assert_uint_eq(virtio_driver_read(&t.rx, t.rx.vd_device + 8, 2),
	    1);
	ck_assert_str_eq(virtio_net_ifname(t.net, 0), "");
	tnet_stop(&t);
}
END_TEST

START_TEST(net_tx)
{
	struct tnet	t;
	uint8_t		frame[100], got[200], zero[HDR];

	tnet_start(&t, VMM_NIC_FD, NULL);
	tnet_frame(frame, sizeof frame, 1);
	ck_assert_uint_eq(tnet_send(&t, frame, sizeof frame), 0);
	ck_assert_int_eq(recv(t.sv[0], got, sizeof got, MSG_DONTWAIT),
	    HDR + sizeof frame);
	/* The header the guest may not use was cleared. */
	memset(zero, 0, sizeof zero);
	ck_assert_mem_eq(got, zero, HDR);
	ck_assert_mem_eq(got + HDR, frame, sizeof frame);

	/* A runt (shorter than an Ethernet header) is dropped. */
	ck_assert_uint_eq(tnet_send(&t, frame, 6), 0);
	ck_assert_int_eq(recv(t.sv[0], got, sizeof got, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	/* And the next frame goes through. */
	tnet_frame(frame, 60, 2);
	ck_assert_uint_eq(tnet_send(&t, frame, 60), 0);
	ck_assert_int_eq(recv(t.sv[0], got, sizeof got, MSG_DONTWAIT),
	    HDR + 60);
	ck_assert_mem_eq(got + HDR, frame, 60);
	tnet_stop(&t);
}
END_TEST

/* dt_stats's emit: keep tx_dropped in *arg. */
static void
tnet_stat(void *arg, const char *name, uint64_t v)
{
	if (strcmp(name, "tx_dropped") == 0)
		*(uint64_t *)arg = v;
}

START_TEST(net_disconnected)
{
	struct tnet	t;
	uint8_t		frame[60];
	uint64_t	dropped = 0;

	tnet_start(&t, VMM_NIC_NONE, NULL);
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_STATUS), 0);
	ck_assert_uint_eq(t.features & VIRTIO_BIT(F_CSUM), 0);
	/* STATUS offered, LINK_UP clear. */
	ck_assert_uint_eq(virtio_driver_read(&t.rx, t.rx.vd_device + 6, 2),
	    0);
	/* A frame sent is consumed, dropped and counted. */
	tnet_frame(frame, sizeof frame, 5);
	ck_assert_uint_eq(tnet_send(&t, frame, sizeof frame), 0);
	virtio_net_devtype.dt_stats(t.net, tnet_stat, &dropped);
	ck_assert_uint_eq(dropped, 1);
	/* Nothing to receive from, and nothing polled. */
	tnet_post_rx(&t, 0);
	ck_assert_int_eq(virtio_pci_poll(t.vp, 50), 0);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.rx), 0);
	tnet_stop(&t);
}
END_TEST

START_TEST(net_rx_poll)
{
	struct tnet	t;
	uint8_t		pkt[HDR + 80], got[HDR + 80];
	uint32_t	id, len;
	uint16_t	nbuf;

	tnet_start(&t, VMM_NIC_FD, NULL);
	tnet_post_rx(&t, 0);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.rx), 0);
	memset(pkt, 0, HDR);
	tnet_frame(pkt + HDR, 80, 3);
	ck_assert_int_eq(send(t.sv[0], pkt, sizeof pkt, 0), sizeof pkt);
	/* The I/O thread's poll (here: virtio_pci_poll) delivers it. */
	ck_assert_int_ge(virtio_pci_poll(t.vp, 1000), 1);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.rx), 1);
	virtio_driver_used(&t.rx, 0, &id, &len);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, sizeof pkt);
	ck_assert_int_eq(mem_read(t.vmm, RX_BUF, got, sizeof got), 0);
	memcpy(&nbuf, got + 10, 2);
	ck_assert_uint_eq(nbuf, 1);
	ck_assert_mem_eq(got + HDR, pkt + HDR, 80);

	/* No buffer left: the fd leaves the poll set, nothing spins. */
	ck_assert_int_eq(send(t.sv[0], pkt, sizeof pkt, 0), sizeof pkt);
	ck_assert_int_le(virtio_pci_poll(t.vp, 100), 1);
	ck_assert_int_eq(virtio_pci_poll(t.vp, 100), 0);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.rx), 1);
	/* A new buffer: the kick takes the waiting frame. */
	tnet_post_rx(&t, 1);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.rx), 2);
	virtio_driver_used(&t.rx, 1, &id, &len);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(len, sizeof pkt);
	tnet_stop(&t);
}
END_TEST

START_TEST(net_rx_first)
{
	struct tnet	t;
	uint8_t		pkt[HDR + 60], got[HDR + 60];
	uint32_t	id, len;
	unsigned int	i;

	tnet_start(&t, VMM_NIC_FD, NULL);
	/* Three frames, the middle one a runt, before any buffer. */
	memset(pkt, 0, HDR);
	tnet_frame(pkt + HDR, 60, 4);
	ck_assert_int_eq(send(t.sv[0], pkt, sizeof pkt, 0), sizeof pkt);
	ck_assert_int_eq(send(t.sv[0], pkt, 5, 0), 5);
	pkt[HDR + 20] ^= 0xff;
	ck_assert_int_eq(send(t.sv[0], pkt, sizeof pkt, 0), sizeof pkt);
	for (i = 0; i < 3; i++)
		tnet_post_rx(&t, i);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.rx), 2);
	for (i = 0; i < 2; i++) {
		virtio_driver_used(&t.rx, i, &id, &len);
		ck_assert_uint_eq(id, i);
		ck_assert_uint_eq(len, sizeof pkt);
	}
	ck_assert_int_eq(mem_read(t.vmm, RX_BUF + 4096, got, sizeof got), 0);
	ck_assert_mem_eq(got + HDR, pkt + HDR, 60);
	tnet_stop(&t);
}
END_TEST

START_TEST(net_bad_backend)
{
	struct vmm_params	 p;
	struct vmm_nic_params	 n;
	struct vmm		*vmm;
	void			*bus, *dev = &p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	memset(&n, 0, sizeof n);
	n.vn_name = "ethernet3";
	n.vn_backend = VMM_NIC_TAP;
	n.vn_ifname = "bad/name";
	n.vn_fd = -1;
	p.vp_nics = &n;
	p.vp_nnics = 1;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_int_eq(pci_devtype.dt_create(vmm, &p, &bus, &cause), 0);
	ck_assert_int_eq(virtio_net_devtype.dt_create(vmm, &p, &dev, &cause),
	    -1);
	ck_assert_ptr_null(dev);
	ck_assert_ptr_nonnull(strstr(cause, "ethernet3"));
	free(cause);
	pci_devtype.dt_free(bus);
	vmm_free(vmm);
}
END_TEST

/* Bring ifname up in the current namespace. */
static int
tnet_link_up(const char *ifname)
{
	struct ifreq	ifr;
	int		s, rc;

	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return (rc);
}

/* Read frames from fd until one of ours (by ethertype) or a timeout. */
static ssize_t
tnet_recv_test(int fd, uint8_t *buf, size_t len)
{
	struct pollfd	pfd;
	ssize_t		n;
	int		tries;

	for (tries = 0; tries < 200; tries++) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = read(fd, buf, len);
		if (n >= HDR + 14 && buf[HDR + 12] == ETHERTYPE_TEST >> 8 &&
		    buf[HDR + 13] == (ETHERTYPE_TEST & 0xff))
			return (n);
	}
	return (-1);
}

START_TEST(net_real_tap)
{
	struct tnet	 t;
	uint8_t		 frame[90], got[2048], pkt[HDR + 90];
	char		 peer[16], *cause = NULL;
	uint32_t	 id, len;
	uint16_t	 before;
	int		 s, fd, i, found;
	FILE		*f;

	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0 ||
	    unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "net_real_tap: skipped (needs root, "
		    "/dev/net/tun and unshare)\n");
		return;
	}
	/* No IPv6 chatter from the new links (best effort). */
	if ((f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6",
	    "w")) != NULL) {
		fputs("1\n", f);
		fclose(f);
	}
	/* A bridge in this private namespace (the test runs in a fork). */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_eq(ioctl(s, SIOCBRADDBR, "vbr0"), 0);
	close(s);
	ck_assert_int_eq(tnet_link_up("vbr0"), 0);
	ck_assert_int_eq(tap_is_bridge("vbr0"), 1);

	tnet_start(&t, VMM_NIC_AUTO, "vbr0");
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_CSUM), 0);
	ck_assert_str_eq(virtio_net_ifname(t.net, 0), "vireo0");
	fd = tap_open(NULL, peer, sizeof peer, &cause);
	ck_assert_msg(fd != -1, "%s", cause);
	ck_assert_int_eq(tap_is_tap(fd), 1);
	ck_assert_int_eq(tap_bridge_attach("vbr0", peer, &cause), 0);

	/* Guest to network. */
	tnet_frame(frame, sizeof frame, 9);
	ck_assert_uint_eq(tnet_send(&t, frame, sizeof frame), 0);
	ck_assert_int_eq(tnet_recv_test(fd, got, sizeof got),
	    HDR + sizeof frame);
	ck_assert_mem_eq(got + HDR, frame, sizeof frame);

	/* Network to guest: post buffers, then poll until ours arrives. */
	for (i = 0; i < 8; i++)
		tnet_post_rx(&t, (unsigned int)i);
	memset(pkt, 0, HDR);
	tnet_frame(pkt + HDR, 90, 10);
	pkt[HDR + 6] = 0x02;		/* another source MAC */
	before = virtio_driver_used_idx(&t.rx);
	ck_assert_int_eq(write(fd, pkt, sizeof pkt), sizeof pkt);
	/* Stop at ours: the kernel may queue its own frames (IGMP, say)
	 * behind it, which must not overwrite it in got. */
	found = 0;
	for (i = 0; i < 100 && !found; i++) {
		virtio_pci_poll(t.vp, 20);
		for (; !found && before != virtio_driver_used_idx(&t.rx);
		    before++) {
			virtio_driver_used(&t.rx, before, &id, &len);
			ck_assert_uint_lt(id, 8);
			ck_assert_int_eq(mem_read(t.vmm, RX_BUF + 4096ULL * id,
			    got, HDR + 90), 0);
			if (len == sizeof pkt &&
			    got[HDR + 12] == ETHERTYPE_TEST >> 8)
				found = 1;
		}
	}
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(got + HDR, pkt + HDR, 90);
	close(fd);
	tnet_stop(&t);
}
END_TEST

static Suite *
check_virtio_net_suite(void)
{
	Suite	*s = suite_create("virtio_net");
	TCase	*tc = tcase_create("virtio_net");

	tcase_add_test(tc, net_config);
	tcase_add_test(tc, net_tx);
	tcase_add_test(tc, net_disconnected);
	tcase_add_test(tc, net_rx_poll);
	tcase_add_test(tc, net_rx_first);
	tcase_add_test(tc, net_bad_backend);
	tcase_add_test(tc, net_real_tap);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_virtio_net_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
