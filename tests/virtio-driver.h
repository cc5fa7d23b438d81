/* SPDX-License-Identifier: ISC */
/*
 * A virtio-pci driver in the test process: finds a virtio function's
 * capabilities through ECAM, negotiates features, sets up one split queue
 * in guest RAM and adds buffers to it, all through iotrap_dispatch, as a
 * guest would.  For check_virtio_pci and check_virtio_rng.
 */
#ifndef VIREO_TESTS_VIRTIO_DRIVER_H
#define VIREO_TESTS_VIRTIO_DRIVER_H

#include <stdint.h>

#include "virtio.h"

/* Common config offsets (virtio 1.x 4.1.4.3). */
#define VD_DFSELECT	0
#define VD_DF		4
#define VD_GFSELECT	8
#define VD_GF		12
#define VD_MSIX		16
#define VD_NUMQ		18
#define VD_STATUS	20
#define VD_CFGGEN	21
#define VD_Q_SELECT	22
#define VD_Q_SIZE	24
#define VD_Q_MSIX	26
#define VD_Q_ENABLE	28
#define VD_Q_NOFF	30
#define VD_Q_DESC	32
#define VD_Q_DRIVER	40
#define VD_Q_DEVICE	48

struct virtio_driver {
	struct vmm	*vd_vmm;	/* borrowed */
	int		 vd_slot;
	uint64_t	 vd_bar;	/* BAR0 address */
	uint32_t	 vd_common;	/* region offsets in BAR0 (caps) */
	uint32_t	 vd_notify;
	uint32_t	 vd_notify_mult;
	uint32_t	 vd_isr;
	uint32_t	 vd_device;	/* 0: no device config */
	uint32_t	 vd_msix_table;	/* MSI-X table offset in BAR0 */
	uint32_t	 vd_msix_pba;
	unsigned int	 vd_msix_size;	/* vectors */
	/* The one queue this driver drives. */
	unsigned int	 vd_q;
	unsigned int	 vd_qsize;
	uint64_t	 vd_desc;
	uint64_t	 vd_avail;
	uint64_t	 vd_used;
	uint16_t	 vd_avail_idx;
};

/* Find the function at slot and its capabilities (asserts on error). */
void		virtio_driver_attach(struct virtio_driver *, struct vmm *,
		    int slot);
uint32_t	virtio_driver_cfg_read(struct virtio_driver *, uint32_t,
		    uint32_t);
void		virtio_driver_cfg_write(struct virtio_driver *, uint32_t,
		    uint32_t, uint32_t);
/* BAR0 access at an offset; returns -1 from iotrap_dispatch if unmapped
 * (a read then gives all ones). */
int		virtio_driver_io(struct virtio_driver *, uint32_t off,
		    uint32_t len, int write, uint64_t *val);
uint64_t	virtio_driver_read(struct virtio_driver *, uint32_t, uint32_t);
void		virtio_driver_write(struct virtio_driver *, uint32_t, uint32_t,
		    uint64_t);
uint64_t	virtio_driver_common_read(struct virtio_driver *, uint32_t,
		    uint32_t);
void		virtio_driver_common_write(struct virtio_driver *, uint32_t,
		    uint32_t, uint64_t);
/* Reset, ACKNOWLEDGE, DRIVER, accept features, FEATURES_OK; returns the
 * status read back. */
uint8_t		virtio_driver_init(struct virtio_driver *, uint64_t);
/* Lay out queue q's rings at gpa and enable it; returns queue_enable. */
unsigned int	virtio_driver_queue(struct virtio_driver *, unsigned int q,
		    unsigned int size, uint64_t gpa, uint16_t vector);
void		virtio_driver_driver_ok(struct virtio_driver *);
void		virtio_driver_desc(struct virtio_driver *, unsigned int,
		    uint64_t, uint32_t, uint16_t, uint16_t);
void		virtio_driver_add(struct virtio_driver *, uint16_t head);
void		virtio_driver_notify(struct virtio_driver *);
uint16_t	virtio_driver_used_idx(struct virtio_driver *);
void		virtio_driver_used(struct virtio_driver *, unsigned int,
		    uint32_t *, uint32_t *);
/* Program MSI-X table entry v (unmasked unless masked). */
void		virtio_driver_msix(struct virtio_driver *, unsigned int,
		    uint64_t, uint32_t, int masked);

#endif
