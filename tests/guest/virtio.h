/* SPDX-License-Identifier: ISC */
/*
 * The test guest's virtio 1.x driver (virtio.c): modern virtio-pci
 * transport on bus 0 and split virtqueues that are polled, never
 * interrupt-driven.  Used by the virtio-blk, virtio-net and virtio-rng
 * scenarios.
 */
#ifndef VIREO_GUEST_VIRTIO_H
#define VIREO_GUEST_VIRTIO_H

#include "guest.h"

/* Device types (virtio IDs). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLK		2
#define VIRTIO_ID_RNG		4

/* Transport feature bits. */
#define VIRTIO_F_EVENT_IDX	(1ULL << 29)
#define VIRTIO_F_VERSION_1	(1ULL << 32)

/* Descriptor flags. */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2

#define VIRTIO_MAX_QUEUES	3
#define VIRTQ_MAX_SIZE		256

struct virtq_desc {
	uint64_t	d_addr;
	uint32_t	d_len;
	uint16_t	d_flags;
	uint16_t	d_next;
};

struct virtq_used_elem {
	uint32_t	u_id;
	uint32_t	u_len;
};

/* One buffer of a chain handed to virtq_add(). */
struct virtq_buf {
	uint64_t	b_addr;
	uint32_t	b_len;
	int		b_write;	/* device-writable */
};

struct virtio_dev;

struct virtq {
	struct virtio_dev *q_dev;
	unsigned int	 q_index;
	unsigned int	 q_size;
	struct virtq_desc *q_desc;
	volatile uint16_t *q_avail;	/* flags, idx, ring[size], used_event */
	volatile uint16_t *q_used;	/* flags, idx, elems, avail_event */
	uint64_t	 q_notify;	/* notify register address */
	uint16_t	 q_avail_idx;	/* next avail slot, free-running */
	uint16_t	 q_kicked;	/* avail idx at the last notify */
	uint16_t	 q_used_last;	/* next used entry to consume */
	uint16_t	 q_free;	/* head of the free descriptor list */
	unsigned int	 q_nfree;
	uint64_t	 q_kicks;	/* notifies written */
};

struct virtio_dev {
	int		 vd_slot;	/* bus 0 device number; function 0.. */
	int		 vd_fn;
	int		 vd_type;	/* VIRTIO_ID_* */
	uint16_t	 vd_devid;
	uint64_t	 vd_bar[6];	/* addresses of the BARs in use */
	uint64_t	 vd_common;	/* region addresses */
	uint64_t	 vd_notify;
	uint32_t	 vd_notify_mult;
	uint64_t	 vd_isr;
	uint64_t	 vd_cfg;	/* 0: no device config */
	uint64_t	 vd_offered;	/* device features */
	uint64_t	 vd_features;	/* negotiated */
	struct virtq	 vd_vq[VIRTIO_MAX_QUEUES];
};

/* Memory for rings and buffers, page aligned, above the guest image. */
void		*virtio_alloc(uint64_t size);

/*
 * Find the index-th (0 first) virtio function of type on bus 0, map its
 * regions (assigning BARs from the host bridge window if they read 0)
 * and turn on memory decoding and bus mastering.  0, or -1 with a
 * message printed.
 */
int		 virtio_find(struct virtio_dev *, int type, int index);

/*
 * Reset, ACKNOWLEDGE, DRIVER, offer want & device features (VERSION_1 is
 * always required), FEATURES_OK and check it stuck.  0 or -1.
 */
int		 virtio_negotiate(struct virtio_dev *, uint64_t want);
/* Set queue q up with at most max entries.  0 or -1. */
int		 virtio_queue_setup(struct virtio_dev *, unsigned int q,
		    unsigned int max);
void		 virtio_driver_ok(struct virtio_dev *);
uint8_t		 virtio_status(struct virtio_dev *);

/* Device config space (generation-checked for 64-bit reads). */
uint8_t		 virtio_cfg_read8(struct virtio_dev *, unsigned int off);
uint16_t	 virtio_cfg_read16(struct virtio_dev *, unsigned int off);
uint32_t	 virtio_cfg_read32(struct virtio_dev *, unsigned int off);
uint64_t	 virtio_cfg_read64(struct virtio_dev *, unsigned int off);

/*
 * Queue a chain of n buffers and publish it (no notify yet): returns the
 * head descriptor index, or -1 if the ring lacks n free descriptors.
 */
int		 virtq_add(struct virtq *, const struct virtq_buf *, int n);
/* Notify the device if it wants it (EVENT_IDX) or always without. */
void		 virtq_kick(struct virtq *);
/* One completed chain: its head, *len = bytes written; -1 if none. */
int		 virtq_poll(struct virtq *, uint32_t *len);
/* virtq_poll until one completes or timeout_ms passes (-1). */
int		 virtq_wait(struct virtq *, uint64_t timeout_ms, uint32_t *len);

#endif
