/* SPDX-License-Identifier: ISC */
/*
 * virtio-net: the guest (ip=, default 10.0.2.15) asks for the peer's
 * (peer=, default 10.0.2.2) MAC address with ARP, then sends an echo and
 * waits for the same payload back: proto=icmp (default, an ICMP echo
 * request, which a Linux peer answers by itself) or proto=udp port=N
 * (default 7, the echo service).  ARP requests for our address are
 * answered.  Requests are repeated every 500 ms until timeout=ms
 * (default 10000).  Prints the peer's MAC and the round trip.  The MAC is
 * the device's (feature MAC) or mac=, default 52:54:00:12:34:56.
 *
 * With link=down the NIC must be a disconnected one (no backing on the
 * host): STATUS offered with the link down; a frame sent is still
 * consumed, nothing comes in.  Otherwise a link reported down fails.
 *
 * Receive buffers hold a whole frame (no mergeable buffers): 12-byte
 * virtio_net_hdr_v1, then up to 1514 bytes of Ethernet.
 */
#include "virtio.h"

#define NET_F_MAC		(1ULL << 5)
#define NET_F_STATUS		(1ULL << 16)

#define NET_HDR			12
#define NET_BUF			2048
#define NET_NRX			16
#define NET_RXQ			0
#define NET_TXQ			1

#define ETH_ARP			0x0806
#define ETH_IP			0x0800
#define IP_ICMP			1
#define IP_UDP			17
#define NET_PAYLOAD		56
#define NET_SPORT		40007
#define NET_ICMP_ID		0x5649		/* "VI" */

struct net {
	struct virtio_dev n_vd;
	uint8_t		*n_rx;		/* NET_NRX buffers */
	uint8_t		*n_tx;
	int		 n_rx_buf[VIRTQ_MAX_SIZE];	/* head -> buffer */
	uint8_t		 n_mac[6];
	uint8_t		 n_ip[4];
	uint8_t		 n_peer[4];
	uint8_t		 n_peer_mac[6];
	int		 n_have_peer;
	int		 n_udp;
	uint16_t	 n_port;
	uint16_t	 n_seq;
	int		 n_echoed;
	uint64_t	 n_sent_tsc;
	uint64_t	 n_rtt_tsc;
	uint64_t	 n_timeout;
	unsigned int	 n_rxframes;
};

static struct net	net;

static int	net_parse_ip(const char *, uint8_t *);
static int	net_parse_mac(const char *, uint8_t *);
static void	net_put16(uint8_t *, uint16_t);
static uint16_t	net_get16(const uint8_t *);
static uint16_t	net_cksum(const uint8_t *, size_t);
static void	net_post(int);
static void	net_send(size_t);
static uint8_t	*net_eth(const uint8_t *, uint16_t);
static void	net_arp(int, const uint8_t *, const uint8_t *);
static void	net_echo(void);
static void	net_input(const uint8_t *, uint32_t);
static void	net_poll(void);
static void	net_link_down(void) __attribute__((noreturn));

static int
net_parse_ip(const char *s, uint8_t *ip)
{
	unsigned int v, i;

	for (i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return (-1);
		for (v = 0; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (unsigned int)(*s - '0');
		if (v > 255 || (i < 3 && *s++ != '.'))
			return (-1);
		ip[i] = (uint8_t)v;
	}
	return (*s == '\0' ? 0 : -1);
}

static int
net_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int i, k, d;

	for (i = 0; i < 6; i++) {
		mac[i] = 0;
		for (k = 0; k < 2; k++, s++) {
			if (*s >= '0' && *s <= '9')
				d = (unsigned int)(*s - '0');
			else if (*s >= 'a' && *s <= 'f')
				d = (unsigned int)(*s - 'a' + 10);
			else if (*s >= 'A' && *s <= 'F')
				d = (unsigned int)(*s - 'A' + 10);
			else
				return (-1);
			mac[i] = (uint8_t)(mac[i] << 4 | d);
		}
		if (i < 5 && *s++ != ':')
			return (-1);
	}
	return (*s == '\0' ? 0 : -1);
}

static void
net_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
net_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint16_t
net_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/* Give receive buffer i to the device. */
static void
net_post(int i)
{
	struct virtq_buf b;
	int head;

	b.b_addr = (uint64_t)(net.n_rx + (size_t)i * NET_BUF);
	b.b_len = NET_BUF;
	b.b_write = 1;
	if ((head = virtq_add(&net.n_vd.vd_vq[NET_RXQ], &b, 1)) == -1)
		test_fail("virtio-net: receive queue full");
	net.n_rx_buf[head] = i;
}

/* Send the frame in n_tx (len bytes after the header) and wait for it. */
static void
net_send(size_t len)
{
	struct virtq *q = &net.n_vd.vd_vq[NET_TXQ];
	struct virtq_buf b;

	memset(net.n_tx, 0, NET_HDR);
	b.b_addr = (uint64_t)net.n_tx;
	b.b_len = (uint32_t)(NET_HDR + (len < 60 ? 60 : len));
	b.b_write = 0;
	if (virtq_add(q, &b, 1) == -1)
		test_fail("virtio-net: transmit queue full");
	virtq_kick(q);
	if (virtq_wait(q, net.n_timeout, NULL) == -1)
		test_fail("virtio-net: a transmitted frame was not consumed "
		    "within %lu ms", net.n_timeout);
}

/* Fill the Ethernet header in n_tx; returns where the payload goes. */
static uint8_t *
net_eth(const uint8_t *dst, uint16_t type)
{
	uint8_t *e = net.n_tx + NET_HDR;

	memset(e, 0, 60);
	memcpy(e, dst, 6);
	memcpy(e + 6, net.n_mac, 6);
	net_put16(e + 12, type);
	return (e + 14);
}

/* An ARP request for tpa (op 1) or a reply to tha/tpa (op 2). */
static void
net_arp(int op, const uint8_t *tha, const uint8_t *tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	uint8_t *a;

	a = net_eth(op == 1 ? bcast : tha, ETH_ARP);
	net_put16(a, 1);
	net_put16(a + 2, ETH_IP);
	a[4] = 6;
	a[5] = 4;
	net_put16(a + 6, (uint16_t)op);
	memcpy(a + 8, net.n_mac, 6);
	memcpy(a + 14, net.n_ip, 4);
	memcpy(a + 18, op == 1 ? zero : tha, 6);
	memcpy(a + 24, tpa, 4);
	net_send(14 + 28);
}

/* An ICMP echo request or a UDP datagram to the peer, seq n_seq. */
static void
net_echo(void)
{
	uint8_t *ip, *l4, *pl;
	size_t l4len;
	int i;

	ip = net_eth(net.n_peer_mac, ETH_IP);
	l4 = ip + 20;
	l4len = 8 + NET_PAYLOAD;
	ip[0] = 0x45;
	net_put16(ip + 2, (uint16_t)(20 + l4len));
	net_put16(ip + 4, net.n_seq);
	net_put16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = net.n_udp ? IP_UDP : IP_ICMP;
	memcpy(ip + 12, net.n_ip, 4);
	memcpy(ip + 16, net.n_peer, 4);
	net_put16(ip + 10, net_cksum(ip, 20));
	pl = l4 + 8;
	for (i = 0; i < NET_PAYLOAD; i++)
		pl[i] = (uint8_t)(net.n_seq * 7 + i);
	if (net.n_udp) {
		net_put16(l4, NET_SPORT);
		net_put16(l4 + 2, net.n_port);
		net_put16(l4 + 4, (uint16_t)l4len);
		net_put16(l4 + 6, 0);		/* no checksum */
	} else {
		l4[0] = 8;
		net_put16(l4 + 4, NET_ICMP_ID);
		net_put16(l4 + 6, net.n_seq);
		net_put16(l4 + 2, net_cksum(l4, l4len));
	}
	net.n_sent_tsc = rdtsc();
	net_send(14 + 20 + l4len);
}

static void
net_input(const uint8_t *f, uint32_t len)
{
	const uint8_t *a, *ip, *l4, *pl;
	uint64_t now = rdtsc();
	int i, ok;

	net.n_rxframes++;
	if (len < 14)
		return;
	if (net_get16(f + 12) == ETH_ARP && len >= 14 + 28) {
		a = f + 14;
		if (net_get16(a) != 1 || net_get16(a + 2) != ETH_IP)
			return;
		if (net_get16(a + 6) == 2 && memcmp(a + 14, net.n_peer, 4) ==
		    0 && !net.n_have_peer) {
			memcpy(net.n_peer_mac, a + 8, 6);
			net.n_have_peer = 1;
			net.n_rtt_tsc = now - net.n_sent_tsc;
		} else if (net_get16(a + 6) == 1 &&
		    memcmp(a + 24, net.n_ip, 4) == 0) {
			uint8_t sha[6], spa[4];

			memcpy(sha, a + 8, 6);
			memcpy(spa, a + 14, 4);
			kprintf("virtio-net: answering an ARP request\n");
			net_arp(2, sha, spa);
		}
		return;
	}
	if (net_get16(f + 12) != ETH_IP || len < 14 + 20 + 8 + NET_PAYLOAD)
		return;
	ip = f + 14;
	if ((ip[0] >> 4) != 4 || memcmp(ip + 12, net.n_peer, 4) != 0 ||
	    memcmp(ip + 16, net.n_ip, 4) != 0)
		return;
	l4 = ip + (ip[0] & 0xf) * 4;
	if ((size_t)(l4 - f) + 8 + NET_PAYLOAD > len)
		return;
	pl = l4 + 8;
	if (net.n_udp) {
		if (ip[9] != IP_UDP || net_get16(l4) != net.n_port ||
		    net_get16(l4 + 2) != NET_SPORT)
			return;
	} else {
		if (ip[9] != IP_ICMP || l4[0] != 0 ||
		    net_get16(l4 + 4) != NET_ICMP_ID ||
		    net_get16(l4 + 6) != net.n_seq)
			return;
	}
	for (ok = 1, i = 0; i < NET_PAYLOAD; i++)
		if (pl[i] != (uint8_t)(net.n_seq * 7 + i))
			ok = 0;
	if (!ok)
		test_fail("virtio-net: the echo came back with another "
		    "payload");
	net.n_echoed = 1;
	net.n_rtt_tsc = now - net.n_sent_tsc;
}

/* Take every received frame, handle it, give the buffer back. */
static void
net_poll(void)
{
	struct virtq *q = &net.n_vd.vd_vq[NET_RXQ];
	uint32_t len;
	int head, n = 0;

	while ((head = virtq_poll(q, &len)) != -1) {
		if (len > NET_HDR && len <= NET_BUF)
			net_input(net.n_rx + (size_t)net.n_rx_buf[head] *
			    NET_BUF + NET_HDR, len - NET_HDR);
		net_post(net.n_rx_buf[head]);
		n++;
	}
	if (n != 0)
		virtq_kick(q);
}

/* link=down: a disconnected NIC drops what it is given, sends nothing. */
static void
net_link_down(void)
{
	uint64_t deadline;

	if (!(net.n_vd.vd_features & NET_F_STATUS))
		test_fail("virtio-net: no STATUS feature: no link state");
	if (virtio_cfg_read16(&net.n_vd, 6) & 1)
		test_fail("virtio-net: the link is up, expected down");
	net_arp(1, NULL, net.n_peer);
	deadline = time_deadline(100);
	while (!time_expired(deadline)) {
		net_poll();
		cpu_pause();
	}
	kprintf("virtio-net: link down: 1 frame sent and consumed, %u "
	    "received\n", net.n_rxframes);
	if (net.n_rxframes != 0)
		test_fail("virtio-net: %u frames received with the link down",
		    net.n_rxframes);
	test_pass();
}

void
scenario_virtio_net(void)
{
	char buf[32];
	uint64_t want, deadline, retry, hz;
	int i;

	net.n_timeout = cmdline_u64("timeout", 10000);
	if (cmdline_get("ip", buf, sizeof(buf)) == -1)
		memcpy(buf, "10.0.2.15", 10);
	if (net_parse_ip(buf, net.n_ip) == -1)
		test_fail("virtio-net: bad ip=%s", buf);
	if (cmdline_get("peer", buf, sizeof(buf)) == -1)
		memcpy(buf, "10.0.2.2", 9);
	if (net_parse_ip(buf, net.n_peer) == -1)
		test_fail("virtio-net: bad peer=%s", buf);
	if (cmdline_get("proto", buf, sizeof(buf)) == 0) {
		if (strlen(buf) == 3 && memcmp(buf, "udp", 3) == 0)
			net.n_udp = 1;
		else if (strlen(buf) != 4 || memcmp(buf, "icmp", 4) != 0)
			test_fail("virtio-net: proto=%s is not icmp or udp",
			    buf);
	}
	net.n_port = (uint16_t)cmdline_u64("port", 7);

	if (virtio_find(&net.n_vd, VIRTIO_ID_NET,
	    (int)cmdline_u64("index", 0)) == -1)
		test_fail("virtio-net: no device");
	want = NET_F_MAC | NET_F_STATUS;
	if (cmdline_u64("eventidx", 1))
		want |= VIRTIO_F_EVENT_IDX;
	if (virtio_negotiate(&net.n_vd, want) == -1 ||
	    virtio_queue_setup(&net.n_vd, NET_RXQ, 64) == -1 ||
	    virtio_queue_setup(&net.n_vd, NET_TXQ, 64) == -1)
		test_fail("virtio-net: set-up failed");
	if ((net.n_rx = virtio_alloc(NET_NRX * NET_BUF)) == NULL ||
	    (net.n_tx = virtio_alloc(NET_BUF)) == NULL)
		test_fail("virtio-net: no memory");
	for (i = 0; i < NET_NRX; i++)
		net_post(i);
	virtio_driver_ok(&net.n_vd);
	virtq_kick(&net.n_vd.vd_vq[NET_RXQ]);

	memcpy(net.n_mac, "\x52\x54\x00\x12\x34\x56", 6);
	if (net.n_vd.vd_features & NET_F_MAC) {
		for (i = 0; i < 6; i++)
			net.n_mac[i] = virtio_cfg_read8(&net.n_vd,
			    (unsigned int)i);
	} else if (cmdline_get("mac", buf, sizeof(buf)) == 0 &&
	    net_parse_mac(buf, net.n_mac) == -1)
		test_fail("virtio-net: bad mac=%s", buf);
	kprintf("virtio-net: MAC %02x:%02x:%02x:%02x:%02x:%02x (%s)",
	    net.n_mac[0], net.n_mac[1], net.n_mac[2], net.n_mac[3],
	    net.n_mac[4], net.n_mac[5],
	    net.n_vd.vd_features & NET_F_MAC ? "device" : "driver");
	if (net.n_vd.vd_features & NET_F_STATUS)
		kprintf(", link %s",
		    virtio_cfg_read16(&net.n_vd, 6) & 1 ? "up" : "down");
	kprintf("\n");
	if (cmdline_get("link", buf, sizeof(buf)) == 0) {
		if (strlen(buf) != 4 || memcmp(buf, "down", 4) != 0)
			test_fail("virtio-net: link=%s is not down", buf);
		net_link_down();
	}
	if ((net.n_vd.vd_features & NET_F_STATUS) &&
	    !(virtio_cfg_read16(&net.n_vd, 6) & 1))
		test_fail("virtio-net: the link is down");
	kprintf("virtio-net: %u.%u.%u.%u asks for %u.%u.%u.%u\n",
	    net.n_ip[0], net.n_ip[1], net.n_ip[2], net.n_ip[3],
	    net.n_peer[0], net.n_peer[1], net.n_peer[2], net.n_peer[3]);

	hz = time_tsc_hz();
	deadline = time_deadline(net.n_timeout);
	retry = 0;
	while (!net.n_have_peer) {
		if (time_expired(deadline))
			test_fail("virtio-net: no ARP reply from %u.%u.%u.%u "
			    "within %lu ms (%u frames received)",
			    net.n_peer[0], net.n_peer[1], net.n_peer[2],
			    net.n_peer[3], net.n_timeout, net.n_rxframes);
		if (time_expired(retry)) {
			net.n_sent_tsc = rdtsc();
			net_arp(1, NULL, net.n_peer);
			retry = time_deadline(500);
		}
		net_poll();
		cpu_pause();
	}
	kprintf("virtio-net: peer MAC %02x:%02x:%02x:%02x:%02x:%02x, ARP "
	    "round trip %lu us\n", net.n_peer_mac[0], net.n_peer_mac[1],
	    net.n_peer_mac[2], net.n_peer_mac[3], net.n_peer_mac[4],
	    net.n_peer_mac[5], net.n_rtt_tsc / (hz / 1000000));

	retry = 0;
	while (!net.n_echoed) {
		if (time_expired(deadline))
			test_fail("virtio-net: no %s echo from the peer within "
			    "%lu ms", net.n_udp ? "UDP" : "ICMP",
			    net.n_timeout);
		if (time_expired(retry)) {
			net.n_seq++;
			net_echo();
			retry = time_deadline(500);
		}
		net_poll();
		cpu_pause();
	}
	if (net.n_udp)
		kprintf("virtio-net: UDP echo from port %u, %d bytes, seq %u, "
		    "round trip %lu us\n", net.n_port, NET_PAYLOAD, net.n_seq,
		    net.n_rtt_tsc / (hz / 1000000));
	else
		kprintf("virtio-net: ICMP echo reply, %d bytes, seq %u, "
		    "round trip %lu us\n", NET_PAYLOAD, net.n_seq,
		    net.n_rtt_tsc / (hz / 1000000));
	kprintf("virtio-net: %u frames received, %lu notifies sent\n",
	    net.n_rxframes, net.n_vd.vd_vq[NET_TXQ].q_kicks +
	    net.n_vd.vd_vq[NET_RXQ].q_kicks);
	test_pass();
}
