/* SPDX-License-Identifier: ISC */
/*
 * Split virtqueues (virtio 1.x section 2.7), device side: checking the
 * rings a driver sets up, taking descriptor chains off the available ring
 * as iovecs into guest RAM, returning them on the used ring, and deciding
 * with the event index (or the NO_INTERRUPT flag) when the driver wants an
 * interrupt.  Transport-neutral: the transport (virtio-pci.c) hands in the
 * negotiated features and gets called back to raise the interrupt and
 * when the driver broke the ring.
 *
 * Everything in guest RAM is untrusted and may change under us: each
 * index and descriptor is read once into a local and checked there; chain
 * walks are bounded by the table size, so a loop ends; every buffer is
 * looked up with mem_gpa.  A violation marks the queue broken (and tells
 * the transport) instead of touching memory it should not.
 *
 * Memory ordering against the driver on other CPUs: acquire after reading
 * avail->idx (ring entries and descriptors are read after it), release on
 * used->idx (the used element is visible first), and a full fence between
 * publishing used->idx or avail_event and reading the driver's side again
 * (the store-load case).
 *
 * Threading: a queue belongs to the caller holding its device's queue
 * lock; nothing here locks.
 */

#include "config.h"

#include <sys/uio.h>

#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"
#include "virtio.h"
#include "snapshot.h"

/* Offsets in the rings. */
#define VIRTQUEUE_AVAIL_FLAGS	0
#define VIRTQUEUE_AVAIL_IDX	2
#define VIRTQUEUE_AVAIL_RING	4
#define VIRTQUEUE_USED_FLAGS	0
#define VIRTQUEUE_USED_IDX	2
#define VIRTQUEUE_USED_RING	4
#define VIRTQUEUE_USED_ELEM	8

/* A descriptor as it is in guest memory (little-endian). */
struct virtqueue_desc {
	uint64_t	vd_addr;	/* guest-physical buffer */
	uint32_t	vd_len;		/* bytes */
	uint16_t	vd_flags;	/* VIRTQ_DESC_F_* */
	uint16_t	vd_next;	/* next index with F_NEXT */
};

struct virtqueue {
	struct vmm	*vq_vmm;	/* borrowed */
	unsigned int	 vq_index;	/* number in its device */
	unsigned int	 vq_max;	/* largest size allowed */
	uint64_t	 vq_max_bytes;	/* cap on one chain's bytes */
	virtqueue_interrupt_fn vq_interrupt; /* transport's, may be NULL */
	virtqueue_broken_fn vq_broken_cb; /* transport's, may be NULL */
	void		*vq_arg;	/* for both callbacks */
	void		*vq_priv;	/* the device model's */

	/* From virtqueue_enable until virtqueue_reset. */
	int		 vq_enabled;
	int		 vq_broken;	/* a driver error was seen */
	int		 vq_event_idx;	/* VIRTIO_F_EVENT_IDX negotiated */
	int		 vq_indirect;	/* VIRTIO_F_INDIRECT_DESC negotiated */
	unsigned int	 vq_size;	/* entries, power of two */
	uint8_t		*vq_desc;	/* host view of the descriptor table */
	uint8_t		*vq_avail;	/* of the available ring */
	uint8_t		*vq_used;	/* of the used ring */
	uint16_t	 vq_last_avail;	/* next available entry to take */
	uint16_t	 vq_used_idx;	/* our used->idx */
	uint16_t	 vq_signalled;	/* used idx at the last notify check */
	int		 vq_signalled_valid; /* vq_signalled means something */
	unsigned int	 vq_unsignalled; /* pushes since the last notify */
};

static uint16_t	virtqueue_load16(const uint8_t *);
static void	virtqueue_store16(uint8_t *, uint16_t);
static void	virtqueue_store32(uint8_t *, uint32_t);
static void	virtqueue_read_desc(const uint8_t *, unsigned int,
		    struct virtqueue_desc *);
static int	virtqueue_fail(struct virtqueue *, const char *);
static int	virtqueue_walk(struct virtqueue *, uint16_t,
		    struct virtqueue_chain *);
static int	virtqueue_need_event(uint16_t, uint16_t, uint16_t);
static int	virtqueue_is_pow2(unsigned int);
static size_t	virtqueue_chain_copy(const struct iovec *, unsigned int,
		    uint64_t, uint8_t *, const uint8_t *, size_t);

/* Guest ring fields are naturally aligned (checked at enable). */
static uint16_t
virtqueue_load16(const uint8_t *p)
{
	return (le16toh(__atomic_load_n((const uint16_t *)(const void *)p,
	    __ATOMIC_RELAXED)));
}

static void
virtqueue_store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(v), __ATOMIC_RELAXED);
}

static void
virtqueue_store32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)p, htole32(v), __ATOMIC_RELAXED);
}

/* One copy of descriptor i of a table: the driver may rewrite it while we
 * look, so only this copy is checked and used.  An indirect table need not
 * be aligned, hence memcpy. */
static void
virtqueue_read_desc(const uint8_t *table, unsigned int i,
    struct virtqueue_desc *d)
{
	uint8_t	raw[VIRTQ_DESC_SIZE];

	memcpy(raw, table + (size_t)i * VIRTQ_DESC_SIZE, sizeof raw);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	memcpy(&d->vd_addr, raw, 8);
	memcpy(&d->vd_len, raw + 8, 4);
	memcpy(&d->vd_flags, raw + 12, 2);
	memcpy(&d->vd_next, raw + 14, 2);
	d->vd_addr = le64toh(d->vd_addr);
	d->vd_len = le32toh(d->vd_len);
	d->vd_flags = le16toh(d->vd_flags);
	d->vd_next = le16toh(d->vd_next);
}

static int
virtqueue_is_pow2(unsigned int n)
{
	return (n != 0 && (n & (n - 1)) == 0);
}

/* vring_need_event: has new_idx passed event since old? */
static int
virtqueue_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return ((uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old));
}

struct virtqueue *
virtqueue_create(struct vmm *vmm, unsigned int index, unsigned int max,
    virtqueue_interrupt_fn interrupt, virtqueue_broken_fn broken, void *arg)
{
	struct virtqueue	*vq;

	if (vmm == NULL || !virtqueue_is_pow2(max) ||
	    max > VIRTQUEUE_MAX_SIZE) {
		errno = EINVAL;
		return (NULL);
	}
	vq = xcalloc(1, sizeof *vq);
	vq->vq_vmm = vmm;
	vq->vq_index = index;
	vq->vq_max = max;
	vq->vq_max_bytes = VIRTQUEUE_MAX_BYTES;
	vq->vq_interrupt = interrupt;
	vq->vq_broken_cb = broken;
	vq->vq_arg = arg;
	return (vq);
}

void
virtqueue_free(struct virtqueue *vq)
{
	free(vq);
}

void
virtqueue_set_max_bytes(struct virtqueue *vq, uint64_t max)
{
	if (max == 0 || max > VIRTQUEUE_MAX_BYTES)
		max = VIRTQUEUE_MAX_BYTES;
	vq->vq_max_bytes = max;
}

int
virtqueue_enable(struct virtqueue *vq, unsigned int size, uint64_t desc,
    uint64_t avail, uint64_t used, uint64_t features)
{
	uint8_t	*d, *a, *u;

	if (!virtqueue_is_pow2(size) || size > vq->vq_max ||
	    (desc & 15) != 0 || (avail & 1) != 0 || (used & 3) != 0) {
		errno = EINVAL;
		return (-1);
	}
	if ((d = mem_gpa(vq->vq_vmm, desc, (uint64_t)size * VIRTQ_DESC_SIZE))
	    == NULL ||
	    (a = mem_gpa(vq->vq_vmm, avail, VIRTQ_AVAIL_SIZE(size))) == NULL ||
	    (u = mem_gpa(vq->vq_vmm, used, VIRTQ_USED_SIZE(size))) == NULL) {
		errno = EFAULT;
		return (-1);
	}
	virtqueue_reset(vq);
	vq->vq_size = size;
	vq->vq_desc = d;
	vq->vq_avail = a;
	vq->vq_used = u;
	vq->vq_event_idx = (features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) != 0;
	vq->vq_indirect = (features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)) != 0;
	vq->vq_enabled = 1;
	return (0);
}

void
virtqueue_reset(struct virtqueue *vq)
{
	vq->vq_enabled = 0;
	vq->vq_broken = 0;
	vq->vq_event_idx = 0;
	vq->vq_indirect = 0;
	vq->vq_size = 0;
	vq->vq_desc = vq->vq_avail = vq->vq_used = NULL;
	vq->vq_last_avail = 0;
	vq->vq_used_idx = 0;
	vq->vq_signalled = 0;
	vq->vq_signalled_valid = 0;
	vq->vq_unsignalled = 0;
}

int
virtqueue_is_enabled(const struct virtqueue *vq)
{
	return (vq->vq_enabled);
}

int
virtqueue_is_broken(const struct virtqueue *vq)
{
	return (vq->vq_broken);
}

unsigned int
virtqueue_index(const struct virtqueue *vq)
{
	return (vq->vq_index);
}

unsigned int
virtqueue_size(const struct virtqueue *vq)
{
	return (vq->vq_enabled ? vq->vq_size : 0);
}

void *
virtqueue_priv(const struct virtqueue *vq)
{
	return (vq->vq_priv);
}

void
virtqueue_set_priv(struct virtqueue *vq, void *priv)
{
	vq->vq_priv = priv;
}

/* The driver broke the ring: stop using it and tell the transport. */
static int
virtqueue_fail(struct virtqueue *vq, const char *why)
{
	if (!vq->vq_broken) {
		vq->vq_broken = 1;
		if (vq->vq_broken_cb != NULL)
			vq->vq_broken_cb(vq->vq_arg, vq, why);
	}
	errno = EIO;
	return (-1);
}

/*
 * Follow the chain at head into c.  The walk counts every descriptor it
 * visits against the size of the table it is in, so a loop (or a chain
 * longer than the queue) ends as an error rather than running forever.
 */
static int
virtqueue_walk(struct virtqueue *vq, uint16_t head, struct virtqueue_chain *c)
{
	const uint8_t		*table = vq->vq_desc;
	struct virtqueue_desc	 d;
	unsigned int		 tsize = vq->vq_size, idx = head, seen = 0;
	unsigned int		 n = 0;
	uint64_t		 total = 0;
	int			 indirect = 0;
	void			*p;

	c->vc_head = head;
	c->vc_nout = c->vc_nin = 0;
	c->vc_out_len = c->vc_in_len = 0;
	for (;;) {
		if (seen++ >= tsize)
			return (virtqueue_fail(vq, "descriptor loop or chain "
			    "longer than the queue"));
		virtqueue_read_desc(table, idx, &d);
		if (d.vd_flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->vq_indirect)
				return (virtqueue_fail(vq, "indirect "
				    "descriptor not negotiated"));
			if (indirect || n != 0 ||
			    (d.vd_flags & VIRTQ_DESC_F_NEXT))
				return (virtqueue_fail(vq, "indirect "
				    "descriptor inside a chain"));
			if (d.vd_len == 0 || d.vd_len % VIRTQ_DESC_SIZE != 0 ||
			    d.vd_len / VIRTQ_DESC_SIZE > vq->vq_size)
				return (virtqueue_fail(vq, "bad indirect "
				    "table length"));
			if ((p = mem_gpa(vq->vq_vmm, d.vd_addr, d.vd_len)) ==
			    NULL)
				return (virtqueue_fail(vq, "indirect table "
				    "outside guest RAM"));
			table = p;
			tsize = d.vd_len / VIRTQ_DESC_SIZE;
			idx = 0;
			seen = 0;
			indirect = 1;
			continue;
		}
		if (d.vd_len == 0)
			return (virtqueue_fail(vq, "zero-length buffer"));
		if (d.vd_len > vq->vq_max_bytes - total)
			return (virtqueue_fail(vq, "chain too large"));
		if (!(d.vd_flags & VIRTQ_DESC_F_WRITE) && c->vc_nin != 0)
			return (virtqueue_fail(vq, "readable buffer after a "
			    "writable one"));
		if ((p = mem_gpa(vq->vq_vmm, d.vd_addr, d.vd_len)) == NULL)
			return (virtqueue_fail(vq, "buffer outside guest RAM"));
		/* n < VIRTQUEUE_MAX_SIZE: at most vq_size (<= max) buffers. */
		c->vc_iov[n].iov_base = p;
		c->vc_iov[n].iov_len = d.vd_len;
		n++;
		total += d.vd_len;
		if (d.vd_flags & VIRTQ_DESC_F_WRITE) {
			c->vc_nin++;
			c->vc_in_len += d.vd_len;
		} else {
			c->vc_nout++;
			c->vc_out_len += d.vd_len;
		}
		if (!(d.vd_flags & VIRTQ_DESC_F_NEXT))
			return (0);
		if (d.vd_next >= tsize)
			return (virtqueue_fail(vq, "next descriptor out of "
			    "range"));
		/* An indirect chain and the main one share the n budget. */
		if (n >= vq->vq_size)
			return (virtqueue_fail(vq, "chain longer than the "
			    "queue"));
		idx = d.vd_next;
	}
}

int
virtqueue_pop(struct virtqueue *vq, struct virtqueue_chain *c)
{
	uint16_t	avail_idx, head;
	unsigned int	pending;

	if (vq->vq_broken) {
		errno = EIO;
		return (-1);
	}
	if (!vq->vq_enabled)
		return (0);
	avail_idx = virtqueue_load16(vq->vq_avail + VIRTQUEUE_AVAIL_IDX);
	if (avail_idx == vq->vq_last_avail) {
		if (!vq->vq_event_idx)
			return (0);
		/* Ask for a kick at the next buffer, then look again: the
		 * driver may have added one before it saw avail_event. */
		virtqueue_store16(vq->vq_used + VIRTQUEUE_USED_RING +
		    VIRTQUEUE_USED_ELEM * vq->vq_size, vq->vq_last_avail);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail_idx = virtqueue_load16(vq->vq_avail +
		    VIRTQUEUE_AVAIL_IDX);
		if (avail_idx == vq->vq_last_avail)
			return (0);
	}
	/* Entries and descriptors are read after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	pending = (uint16_t)(avail_idx - vq->vq_last_avail);
	if (pending > vq->vq_size)
		return (virtqueue_fail(vq, "available index moved by more "
		    "than the queue size"));
	head = virtqueue_load16(vq->vq_avail + VIRTQUEUE_AVAIL_RING +
	    2 * (vq->vq_last_avail & (vq->vq_size - 1)));
	if (head >= vq->vq_size)
		return (virtqueue_fail(vq, "head descriptor out of range"));
	if (virtqueue_walk(vq, head, c) != 0)
		return (-1);
	vq->vq_last_avail++;
	/* Kick me for anything after this one: kept current on every pop
	 * so a model that stops before the ring is empty still hears of
	 * new buffers. */
	if (vq->vq_event_idx)
		virtqueue_store16(vq->vq_used + VIRTQUEUE_USED_RING +
		    VIRTQUEUE_USED_ELEM * vq->vq_size, vq->vq_last_avail);
	return (1);
}

int
virtqueue_push(struct virtqueue *vq, const struct virtqueue_chain *c,
    uint32_t written)
{
	uint8_t	*elem;

	if (!vq->vq_enabled || vq->vq_broken) {
		errno = EIO;
		return (-1);
	}
	if (written > c->vc_in_len)
		written = (uint32_t)c->vc_in_len;
	elem = vq->vq_used + VIRTQUEUE_USED_RING +
	    VIRTQUEUE_USED_ELEM * (vq->vq_used_idx & (vq->vq_size - 1));
	virtqueue_store32(elem, c->vc_head);
	virtqueue_store32(elem + 4, written);
	vq->vq_used_idx++;
	/* The element is visible before the index that covers it. */
	__atomic_store_n((uint16_t *)(void *)(vq->vq_used + VIRTQUEUE_USED_IDX),
	    htole16(vq->vq_used_idx), __ATOMIC_RELEASE);
	vq->vq_unsignalled++;
	return (0);
}

int
virtqueue_notify(struct virtqueue *vq)
{
	uint16_t	old, used_event;
	int		need;

	if (!vq->vq_enabled || vq->vq_broken || vq->vq_unsignalled == 0)
		return (0);
	vq->vq_unsignalled = 0;
	/* used->idx is published before we read what the driver asks. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->vq_event_idx) {
		used_event = virtqueue_load16(vq->vq_avail +
		    VIRTQUEUE_AVAIL_RING + 2 * vq->vq_size);
		old = vq->vq_signalled;
		need = !vq->vq_signalled_valid ||
		    virtqueue_need_event(used_event, vq->vq_used_idx, old);
		vq->vq_signalled = vq->vq_used_idx;
		vq->vq_signalled_valid = 1;
	} else
		need = !(virtqueue_load16(vq->vq_avail +
		    VIRTQUEUE_AVAIL_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (need && vq->vq_interrupt != NULL)
		vq->vq_interrupt(vq->vq_arg, vq);
	return (need);
}

/*
 * Copy up to len bytes between the niov segments at iov, starting off
 * bytes into them, and a buffer: out of them into to, or (to NULL) into
 * them from from.  Returns the bytes copied.
 */
static size_t
virtqueue_chain_copy(const struct iovec *iov, unsigned int niov,
    uint64_t off, uint8_t *to, const uint8_t *from, size_t len)
{
	unsigned int	i;
	size_t		done = 0, n;

	for (i = 0; i < niov && done < len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - (size_t)off;
		if (n > len - done)
			n = len - done;
		if (to != NULL)
			memcpy(to + done, (uint8_t *)iov[i].iov_base + off, n);
		else
			memcpy((uint8_t *)iov[i].iov_base + off, from + done,
			    n);
		done += n;
		off = 0;
	}
	return (done);
}

size_t
virtqueue_chain_read(const struct virtqueue_chain *c, uint64_t off,
    void *buf, size_t len)
{
	return (virtqueue_chain_copy(c->vc_iov, c->vc_nout, off, buf, NULL,
	    len));
}

size_t
virtqueue_chain_write(const struct virtqueue_chain *c, uint64_t off,
    const void *buf, size_t len)
{
	return (virtqueue_chain_copy(c->vc_iov + c->vc_nout, c->vc_nin, off,
	    NULL, buf, len));
}

/*
 * Suspend state: the device's side of the indices (the rings themselves
 * are in guest RAM).  held chains were popped but not answered: saving
 * last_avail that much lower makes the resumed device pop them again.
 */
void
virtqueue_save(const struct virtqueue *vq, struct snap *s, unsigned int held)
{
	snap_put_u8(s, (uint8_t)vq->vq_broken);
	snap_put_u16(s, (uint16_t)(vq->vq_last_avail - held));
	snap_put_u16(s, vq->vq_used_idx);
	snap_put_u16(s, vq->vq_signalled);
	snap_put_u8(s, (uint8_t)vq->vq_signalled_valid);
	snap_put_u32(s, vq->vq_unsignalled);
}

int
virtqueue_restore(struct virtqueue *vq, struct snap *s)
{
	uint16_t	last, used, signalled;
	uint8_t		broken, valid;
	uint32_t	unsignalled;

	if (snap_get_u8(s, &broken) != 0 || snap_get_u16(s, &last) != 0 ||
	    snap_get_u16(s, &used) != 0 || snap_get_u16(s, &signalled) != 0 ||
	    snap_get_u8(s, &valid) != 0 || snap_get_u32(s, &unsignalled) != 0)
		return (-1);
	/* More chains in flight than the ring holds is not a real state. */
	if (broken > 1 || valid > 1 || (vq->vq_enabled &&
	    (uint16_t)(last - used) > vq->vq_size)) {
		errno = EINVAL;
		return (-1);
	}
	vq->vq_broken = broken;
	vq->vq_last_avail = last;
	vq->vq_used_idx = used;
	vq->vq_signalled = signalled;
	vq->vq_signalled_valid = valid;
	vq->vq_unsignalled = unsignalled;
	return (0);
}
