/* SPDX-License-Identifier: ISC */
/*
 * A lean virtio 1.x driver for the test guest: finds modern (0x1040 +
 * type) and transitional (0x1000-0x103f, type in the subsystem ID)
 * virtio-pci functions on bus 0, walks their vendor capabilities for the
 * common config, notify, ISR and device config regions, and drives split
 * virtqueues by polling the used ring: no interrupts are ever enabled.
 *
 * There is no firmware: vmx pre-programs the BARs.  A BAR that reads 0
 * (QEMU microvm leaves them so) is sized and assigned here from the host
 * bridge's 32-bit window, mmio=ADDR on the command line, default 256 MiB
 * into 0xc0000000 (VMM_PCI_MMIO_BASE; QEMU microvm's window starts there
 * too), above where vmx puts its own (one MiB a slot).
 *
 * Everything here runs in ring 0, emulated on PVM hosts: the code does as
 * little per request as it can.  Buffers come from virtio_alloc(), a bump
 * allocator over the RAM above the guest image.
 */
#include "virtio.h"

#define PCI_ID			0x00
#define PCI_COMMAND		0x04	/* and status at 0x06 */
#define PCI_CMD_MEM		0x0002
#define PCI_CMD_MASTER		0x0004
#define PCI_CMD_INTX_OFF	0x0400
#define PCI_STATUS_CAPS		0x00100000	/* in the 0x04 dword */
#define PCI_HEADER		0x0c
#define PCI_BAR0		0x10
#define PCI_SUBSYS		0x2c
#define PCI_CAPS		0x34
#define PCI_CAP_VENDOR		0x09

#define VIRTIO_VENDOR		0x1af4
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4

/* Common config offsets. */
#define VC_DFSELECT		0
#define VC_DF			4
#define VC_GFSELECT		8
#define VC_GF			12
#define VC_NUMQ			18
#define VC_STATUS		20
#define VC_CFGGEN		21
#define VC_Q_SELECT		22
#define VC_Q_SIZE		24
#define VC_Q_ENABLE		28
#define VC_Q_NOFF		30
#define VC_Q_DESC		32
#define VC_Q_DRIVER		40
#define VC_Q_DEVICE		48

#define VS_ACK			1
#define VS_DRIVER		2
#define VS_DRIVER_OK		4
#define VS_FEATURES_OK		8

#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

#define VIRTIO_MMIO_DFLT	(0xc0000000ULL + 256 * MIB)
#define VIRTIO_PAGE		4096ULL

static uint64_t	virtio_heap, virtio_heap_end;
static uint64_t	virtio_mmio_next;

static uint64_t	virtio_bar(struct virtio_dev *, int);
static int	virtio_caps(struct virtio_dev *);
static int	virtio_match(int, int, int);

static inline uint8_t
virtio_rd8(uint64_t a)
{
	return (*(volatile uint8_t *)a);
}

static inline uint16_t
virtio_rd16(uint64_t a)
{
	return (*(volatile uint16_t *)a);
}

static inline void
virtio_wr8(uint64_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

static inline void
virtio_wr16(uint64_t a, uint16_t v)
{
	*(volatile uint16_t *)a = v;
}

static inline void
virtio_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* A full fence without SSE: a locked no-op on the stack. */
static inline void
virtio_mb(void)
{
	__asm__ volatile("lock; addl $0, (%%rsp)" ::: "memory", "cc");
}

void *
virtio_alloc(uint64_t size)
{
	const struct boot_memmap *m;
	uint64_t p;
	unsigned int i;

	if (virtio_heap == 0) {
		virtio_heap = ((uint64_t)__image_end + MIB - 1) & ~(MIB - 1);
		for (i = 0; i < boot_info.bi_nmemmap; i++) {
			m = &boot_info.bi_memmap[i];
			if (m->bm_type == 1 && m->bm_addr <= virtio_heap &&
			    m->bm_addr + m->bm_size > virtio_heap)
				virtio_heap_end = m->bm_addr + m->bm_size;
		}
	}
	p = virtio_heap;
	size = (size + VIRTIO_PAGE - 1) & ~(VIRTIO_PAGE - 1);
	if (p + size > virtio_heap_end || p + size < p) {
		kprintf("virtio: out of memory for %lu bytes (RAM above the "
		    "image ends at 0x%lx)\n", size, virtio_heap_end);
		return (NULL);
	}
	virtio_heap += size;
	return ((void *)p);
}

/* 1 if bus 0 dev.fn is a virtio function of type. */
static int
virtio_match(int dev, int fn, int type)
{
	uint32_t id = pci_conf_read(dev, fn, PCI_ID);
	unsigned int devid = id >> 16;

	if ((id & 0xffff) != VIRTIO_VENDOR)
		return (0);
	if (devid == 0x1040U + (unsigned int)type)
		return (1);
	/* Transitional: the subsystem device ID is the virtio type. */
	return (devid >= 0x1000 && devid <= 0x103f &&
	    (pci_conf_read(dev, fn, PCI_SUBSYS) >> 16) == (uint32_t)type);
}

/* The address of BAR b, assigning one if it is unprogrammed; 0 if none. */
static uint64_t
virtio_bar(struct virtio_dev *vd, int b)
{
	int off = PCI_BAR0 + 4 * b, is64;
	uint32_t lo, hi = 0, cmd;
	uint64_t addr, size;

	if (b < 0 || b > 5)
		return (0);
	if (vd->vd_bar[b] != 0)
		return (vd->vd_bar[b]);
	lo = pci_conf_read(vd->vd_slot, vd->vd_fn, off);
	if (lo & 1) {
		kprintf("virtio: BAR%d is an I/O BAR\n", b);
		return (0);
	}
	is64 = ((lo >> 1) & 3) == 2;
	if (is64 && b == 5)
		return (0);
	if (is64)
		hi = pci_conf_read(vd->vd_slot, vd->vd_fn, off + 4);
	addr = ((uint64_t)hi << 32) | (lo & ~0xfULL);
	if (addr == 0) {
		/* Size it with decoding off, then place it in the window. */
		cmd = pci_conf_read(vd->vd_slot, vd->vd_fn, PCI_COMMAND);
		pci_conf_write(vd->vd_slot, vd->vd_fn, PCI_COMMAND,
		    cmd & 0xffff & ~PCI_CMD_MEM);
		pci_conf_write(vd->vd_slot, vd->vd_fn, off, 0xffffffff);
		size = pci_conf_read(vd->vd_slot, vd->vd_fn, off) & ~0xfULL;
		if (is64) {
			pci_conf_write(vd->vd_slot, vd->vd_fn, off + 4,
			    0xffffffff);
			size |= (uint64_t)pci_conf_read(vd->vd_slot,
			    vd->vd_fn, off + 4) << 32;
		} else
			size |= 0xffffffff00000000ULL;
		size = ~size + 1;
		if (size == 0 || (size & (size - 1)) != 0) {
			kprintf("virtio: BAR%d does not size (0x%lx)\n", b,
			    size);
			return (0);
		}
		if (virtio_mmio_next == 0)
			virtio_mmio_next = cmdline_u64("mmio",
			    VIRTIO_MMIO_DFLT);
		addr = (virtio_mmio_next + size - 1) & ~(size - 1);
		virtio_mmio_next = addr + size;
		pci_conf_write(vd->vd_slot, vd->vd_fn, off, (uint32_t)addr);
		if (is64)
			pci_conf_write(vd->vd_slot, vd->vd_fn, off + 4,
			    (uint32_t)(addr >> 32));
		pci_conf_write(vd->vd_slot, vd->vd_fn, PCI_COMMAND,
		    cmd & 0xffff);
		kprintf("virtio: BAR%d was unprogrammed: %lu KiB at 0x%lx\n",
		    b, size >> 10, addr);
		size = size < 2 * MIB ? 2 * MIB : size;
	} else
		size = 2 * MIB;
	if (paging_uncached(addr, size) == -1) {
		kprintf("virtio: cannot map BAR%d at 0x%lx\n", b, addr);
		return (0);
	}
	vd->vd_bar[b] = addr;
	return (addr);
}

/* Walk the capability list for the four regions.  0 or -1. */
static int
virtio_caps(struct virtio_dev *vd)
{
	uint32_t w0, w1, off, len;
	uint64_t base, *slot;
	int ptr, n = 0, type;

	if (!(pci_conf_read(vd->vd_slot, vd->vd_fn, PCI_COMMAND) &
	    PCI_STATUS_CAPS)) {
		kprintf("virtio: no capability list\n");
		return (-1);
	}
	ptr = pci_conf_read(vd->vd_slot, vd->vd_fn, PCI_CAPS) & 0xfc;
	while (ptr != 0 && n++ < 48) {
		w0 = pci_conf_read(vd->vd_slot, vd->vd_fn, ptr);
		if ((w0 & 0xff) != PCI_CAP_VENDOR)
			goto next;
		type = (w0 >> 24) & 0xff;
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON:
			slot = &vd->vd_common;
			break;
		case VIRTIO_PCI_CAP_NOTIFY:
			slot = &vd->vd_notify;
			break;
		case VIRTIO_PCI_CAP_ISR:
			slot = &vd->vd_isr;
			break;
		case VIRTIO_PCI_CAP_DEVICE:
			slot = &vd->vd_cfg;
			break;
		default:
			goto next;
		}
		if (*slot != 0)
			goto next;	/* the first of a type wins */
		w1 = pci_conf_read(vd->vd_slot, vd->vd_fn, ptr + 4);
		off = pci_conf_read(vd->vd_slot, vd->vd_fn, ptr + 8);
		len = pci_conf_read(vd->vd_slot, vd->vd_fn, ptr + 12);
		if ((base = virtio_bar(vd, w1 & 0xff)) == 0)
			goto next;
		*slot = base + off;
		if (type == VIRTIO_PCI_CAP_NOTIFY)
			vd->vd_notify_mult = pci_conf_read(vd->vd_slot,
			    vd->vd_fn, ptr + 16);
		kprintf("virtio: cap type %d: BAR%u+0x%x, %u bytes\n", type,
		    w1 & 0xff, off, len);
next:
		ptr = (w0 >> 8) & 0xfc;
	}
	if (vd->vd_common == 0 || vd->vd_notify == 0 || vd->vd_isr == 0) {
		kprintf("virtio: missing common, notify or ISR capability\n");
		return (-1);
	}
	return (0);
}

int
virtio_find(struct virtio_dev *vd, int type, int index)
{
	uint32_t cmd;
	int dev, fn, seen = 0;

	memset(vd, 0, sizeof(*vd));
	for (dev = 0; dev < 32; dev++) {
		for (fn = 0; fn < 8; fn++) {
			if ((pci_conf_read(dev, fn, PCI_ID) & 0xffff) ==
			    0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			if (virtio_match(dev, fn, type) && seen++ == index)
				goto found;
			if (fn == 0 && !((pci_conf_read(dev, 0, PCI_HEADER) >>
			    16) & 0x80))
				break;
		}
	}
	kprintf("virtio: no virtio function of type %d (number %d) on bus "
	    "0\n", type, index);
	return (-1);
found:
	vd->vd_slot = dev;
	vd->vd_fn = fn;
	vd->vd_type = type;
	vd->vd_devid = (uint16_t)(pci_conf_read(dev, fn, PCI_ID) >> 16);
	kprintf("virtio: 00:%02x.%x %04x:%04x type %d\n", dev, fn,
	    VIRTIO_VENDOR, vd->vd_devid, type);
	if (virtio_caps(vd) == -1)
		return (-1);
	cmd = pci_conf_read(dev, fn, PCI_COMMAND) & 0xffff;
	pci_conf_write(dev, fn, PCI_COMMAND,
	    cmd | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
	return (0);
}

uint8_t
virtio_status(struct virtio_dev *vd)
{
	return (virtio_rd8(vd->vd_common + VC_STATUS));
}

int
virtio_negotiate(struct virtio_dev *vd, uint64_t want)
{
	uint64_t c = vd->vd_common, deadline;
	uint8_t st;

	virtio_wr8(c + VC_STATUS, 0);
	deadline = time_deadline(1000);
	while (virtio_status(vd) != 0) {
		if (time_expired(deadline)) {
			kprintf("virtio: reset did not complete\n");
			return (-1);
		}
		cpu_pause();
	}
	virtio_wr8(c + VC_STATUS, VS_ACK);
	virtio_wr8(c + VC_STATUS, VS_ACK | VS_DRIVER);
	mmio_write32(c + VC_DFSELECT, 0);
	vd->vd_offered = mmio_read32(c + VC_DF);
	mmio_write32(c + VC_DFSELECT, 1);
	vd->vd_offered |= (uint64_t)mmio_read32(c + VC_DF) << 32;
	kprintf("virtio: device features 0x%lx\n", vd->vd_offered);
	if (!(vd->vd_offered & VIRTIO_F_VERSION_1)) {
		kprintf("virtio: the device does not offer VERSION_1\n");
		virtio_wr8(c + VC_STATUS, 0x80);	/* FAILED */
		return (-1);
	}
	vd->vd_features = vd->vd_offered & (want | VIRTIO_F_VERSION_1);
	mmio_write32(c + VC_GFSELECT, 0);
	mmio_write32(c + VC_GF, (uint32_t)vd->vd_features);
	mmio_write32(c + VC_GFSELECT, 1);
	mmio_write32(c + VC_GF, (uint32_t)(vd->vd_features >> 32));
	virtio_wr8(c + VC_STATUS, VS_ACK | VS_DRIVER | VS_FEATURES_OK);
	st = virtio_status(vd);
	if (!(st & VS_FEATURES_OK)) {
		kprintf("virtio: the device refused features 0x%lx (status "
		    "0x%x)\n", vd->vd_features, st);
		virtio_wr8(c + VC_STATUS, 0x80);
		return (-1);
	}
	kprintf("virtio: driver features 0x%lx\n", vd->vd_features);
	return (0);
}

int
virtio_queue_setup(struct virtio_dev *vd, unsigned int qi, unsigned int max)
{
	struct virtq *q;
	uint64_t c = vd->vd_common;
	unsigned int n, size, i;

	if (qi >= VIRTIO_MAX_QUEUES)
		return (-1);
	q = &vd->vd_vq[qi];
	if (qi >= virtio_rd16(c + VC_NUMQ)) {
		kprintf("virtio: no queue %u (%u queues)\n", qi,
		    virtio_rd16(c + VC_NUMQ));
		return (-1);
	}
	virtio_wr16(c + VC_Q_SELECT, (uint16_t)qi);
	size = virtio_rd16(c + VC_Q_SIZE);
	if (max > VIRTQ_MAX_SIZE)
		max = VIRTQ_MAX_SIZE;
	for (n = 1; n * 2 <= size && n * 2 <= max; n *= 2)
		;
	if (size == 0) {
		kprintf("virtio: queue %u has size 0\n", qi);
		return (-1);
	}
	memset(q, 0, sizeof(*q));
	q->q_dev = vd;
	q->q_index = qi;
	q->q_size = n;
	q->q_desc = virtio_alloc(16 * n);
	q->q_avail = virtio_alloc(6 + 2 * n);
	q->q_used = virtio_alloc(6 + 8 * n);
	if (q->q_desc == NULL || q->q_avail == NULL || q->q_used == NULL)
		return (-1);
	memset((void *)q->q_avail, 0, 6 + 2 * n);
	memset((void *)q->q_used, 0, 6 + 8 * n);
	if (!(vd->vd_features & VIRTIO_F_EVENT_IDX))
		q->q_avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	for (i = 0; i < n; i++)
		q->q_desc[i].d_next = (uint16_t)(i + 1);
	q->q_nfree = n;
	virtio_wr16(c + VC_Q_SIZE, (uint16_t)n);
	mmio_write32(c + VC_Q_DESC, (uint32_t)(uint64_t)q->q_desc);
	mmio_write32(c + VC_Q_DESC + 4, (uint32_t)((uint64_t)q->q_desc >> 32));
	mmio_write32(c + VC_Q_DRIVER, (uint32_t)(uint64_t)q->q_avail);
	mmio_write32(c + VC_Q_DRIVER + 4,
	    (uint32_t)((uint64_t)q->q_avail >> 32));
	mmio_write32(c + VC_Q_DEVICE, (uint32_t)(uint64_t)q->q_used);
	mmio_write32(c + VC_Q_DEVICE + 4,
	    (uint32_t)((uint64_t)q->q_used >> 32));
	q->q_notify = vd->vd_notify +
	    (uint64_t)virtio_rd16(c + VC_Q_NOFF) * vd->vd_notify_mult;
	virtio_wr16(c + VC_Q_ENABLE, 1);
	if (virtio_rd16(c + VC_Q_ENABLE) != 1) {
		kprintf("virtio: queue %u did not enable\n", qi);
		return (-1);
	}
	kprintf("virtio: queue %u: %u entries (max %u), notify at 0x%lx\n",
	    qi, n, size, q->q_notify);
	return (0);
}

void
virtio_driver_ok(struct virtio_dev *vd)
{
	virtio_wr8(vd->vd_common + VC_STATUS,
	    VS_ACK | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
}

uint8_t
virtio_cfg_read8(struct virtio_dev *vd, unsigned int off)
{
	return (virtio_rd8(vd->vd_cfg + off));
}

uint16_t
virtio_cfg_read16(struct virtio_dev *vd, unsigned int off)
{
	return (virtio_rd16(vd->vd_cfg + off));
}

uint32_t
virtio_cfg_read32(struct virtio_dev *vd, unsigned int off)
{
	return (mmio_read32(vd->vd_cfg + off));
}

uint64_t
virtio_cfg_read64(struct virtio_dev *vd, unsigned int off)
{
	uint64_t v;
	uint8_t gen;
	int tries = 0;

	do {
		gen = virtio_rd8(vd->vd_common + VC_CFGGEN);
		v = mmio_read32(vd->vd_cfg + off) |
		    (uint64_t)mmio_read32(vd->vd_cfg + off + 4) << 32;
	} while (gen != virtio_rd8(vd->vd_common + VC_CFGGEN) &&
	    ++tries < 100);
	return (v);
}

int
virtq_add(struct virtq *q, const struct virtq_buf *b, int n)
{
	struct virtq_desc *d;
	uint16_t head, idx;
	int i;

	if (n <= 0 || (unsigned int)n > q->q_nfree)
		return (-1);
	head = idx = q->q_free;
	for (i = 0; i < n; i++) {
		d = &q->q_desc[idx];
		d->d_addr = b[i].b_addr;
		d->d_len = b[i].b_len;
		d->d_flags = b[i].b_write ? VIRTQ_DESC_F_WRITE : 0;
		if (i + 1 < n) {
			d->d_flags |= VIRTQ_DESC_F_NEXT;
			idx = d->d_next;
		}
	}
	q->q_free = q->q_desc[idx].d_next;
	q->q_nfree -= (unsigned int)n;
	q->q_avail[2 + (q->q_avail_idx & (q->q_size - 1))] = head;
	virtio_barrier();
	q->q_avail[1] = ++q->q_avail_idx;
	return (head);
}

void
virtq_kick(struct virtq *q)
{
	uint16_t newi = q->q_avail_idx, old = q->q_kicked, ev;

	if (newi == old)
		return;
	virtio_mb();	/* the idx store before the avail_event load */
	if (q->q_dev->vd_features & VIRTIO_F_EVENT_IDX) {
		ev = q->q_used[2 + 4 * q->q_size];
		q->q_kicked = newi;
		if ((uint16_t)(newi - ev - 1) >= (uint16_t)(newi - old))
			return;
	} else {
		q->q_kicked = newi;
		if (q->q_used[0] & VIRTQ_USED_F_NO_NOTIFY)
			return;
	}
	virtio_wr16(q->q_notify, (uint16_t)q->q_index);
	q->q_kicks++;
}

int
virtq_poll(struct virtq *q, uint32_t *len)
{
	const volatile struct virtq_used_elem *e;
	uint16_t id, idx;

	if (q->q_used[1] == q->q_used_last)
		return (-1);
	virtio_barrier();
	e = (const volatile struct virtq_used_elem *)(q->q_used + 2) +
	    (q->q_used_last & (q->q_size - 1));
	id = (uint16_t)e->u_id;
	if (len != NULL)
		*len = e->u_len;
	q->q_used_last++;
	if (id >= q->q_size) {
		kprintf("virtio: queue %u: used id %u out of range\n",
		    q->q_index, id);
		return (-1);
	}
	/* Return the chain to the free list. */
	idx = id;
	q->q_nfree++;
	while (q->q_desc[idx].d_flags & VIRTQ_DESC_F_NEXT) {
		idx = q->q_desc[idx].d_next;
		q->q_nfree++;
	}
	q->q_desc[idx].d_next = q->q_free;
	q->q_free = id;
	return (id);
}

int
virtq_wait(struct virtq *q, uint64_t timeout_ms, uint32_t *len)
{
	uint64_t deadline = time_deadline(timeout_ms);
	int id;

	while ((id = virtq_poll(q, len)) == -1) {
		if (time_expired(deadline))
			return (-1);
		cpu_pause();
	}
	return (id);
}
