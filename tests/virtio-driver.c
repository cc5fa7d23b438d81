/* SPDX-License-Identifier: ISC */
/*
 * A virtio-pci driver in the test process (see virtio-driver.h): every
 * access goes through iotrap_dispatch to ECAM or to the BAR, exactly the
 * path a guest's accesses take, so the tests see what a guest would.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <check.h>

#include "virtio-driver.h"

#define VD_CAP_VENDOR	0x09
#define VD_CAP_MSIX	0x11

static uint64_t	virtio_driver_ecam(struct virtio_driver *, uint32_t, uint32_t,
		    int, uint64_t);

static uint64_t
virtio_driver_ecam(struct virtio_driver *vd, uint32_t off, uint32_t len,
    int write, uint64_t val)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = VMM_ECAM_BASE + ((uint64_t)vd->vd_slot << 15) + off;
	ia.ia_len = len;
	ia.ia_write = write;
	ia.ia_data = val;
	ia.ia_vcpu = -1;
	ck_assert_int_eq(iotrap_dispatch(vd->vd_vmm, IOTRAP_MMIO, &ia), 0);
	return (ia.ia_data);
}

uint32_t
virtio_driver_cfg_read(struct virtio_driver *vd, uint32_t off, uint32_t len)
{
	return ((uint32_t)virtio_driver_ecam(vd, off, len, 0, 0));
}

void
virtio_driver_cfg_write(struct virtio_driver *vd, uint32_t off, uint32_t len,
    uint32_t val)
{
	virtio_driver_ecam(vd, off, len, 1, val);
}

void
virtio_driver_attach(struct virtio_driver *vd, struct vmm *vmm, int slot)
{
	unsigned int	cap, hops = 0;
	uint32_t	type, bar, off;

	memset(vd, 0, sizeof *vd);
	vd->vd_vmm = vmm;
	vd->vd_slot = slot;
	ck_assert_uint_eq(virtio_driver_cfg_read(vd, 0, 2), 0x1af4);
	vd->vd_bar = virtio_driver_cfg_read(vd, 0x10, 4) & ~0xfULL;
	cap = virtio_driver_cfg_read(vd, 0x34, 1);
	while (cap != 0) {
		ck_assert_uint_lt(hops++, 48);
		ck_assert_uint_ge(cap, 0x40);
		ck_assert_uint_eq(cap % 4, 0);
		if (virtio_driver_cfg_read(vd, cap, 1) == VD_CAP_MSIX) {
			vd->vd_msix_size = (virtio_driver_cfg_read(vd, cap + 2,
			    2) & 0x7ff) + 1;
			vd->vd_msix_table = virtio_driver_cfg_read(vd, cap + 4,
			    4);
			vd->vd_msix_pba = virtio_driver_cfg_read(vd, cap + 8,
			    4);
		} else if (virtio_driver_cfg_read(vd, cap, 1) ==
		    VD_CAP_VENDOR) {
			type = virtio_driver_cfg_read(vd, cap + 3, 1);
			bar = virtio_driver_cfg_read(vd, cap + 4, 1);
			off = virtio_driver_cfg_read(vd, cap + 8, 4);
			ck_assert_uint_eq(bar, 0);
			if (type == 1)
				vd->vd_common = off;
			else if (type == 2) {
				vd->vd_notify = off;
				vd->vd_notify_mult = virtio_driver_cfg_read(vd,
				    cap + 16, 4);
			} else if (type == 3)
				vd->vd_isr = off;
			else if (type == 4)
				vd->vd_device = off;
		}
		cap = virtio_driver_cfg_read(vd, cap + 1, 1);
	}
	ck_assert_uint_ne(vd->vd_isr, 0);
	ck_assert_uint_ne(vd->vd_notify, 0);
}

int
virtio_driver_io(struct virtio_driver *vd, uint32_t off, uint32_t len,
    int write, uint64_t *val)
{
	struct iotrap_access	ia;
	int			rc;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = vd->vd_bar + off;
	ia.ia_len = len;
	ia.ia_write = write;
	ia.ia_data = write ? *val : 0;
	ia.ia_vcpu = -1;
	rc = iotrap_dispatch(vd->vd_vmm, IOTRAP_MMIO, &ia);
	if (!write)
		*val = ia.ia_data;
	return (rc);
}

uint64_t
virtio_driver_read(struct virtio_driver *vd, uint32_t off, uint32_t len)
{
	uint64_t	v = 0;

	ck_assert_int_eq(virtio_driver_io(vd, off, len, 0, &v), 0);
	return (v);
}

void
virtio_driver_write(struct virtio_driver *vd, uint32_t off, uint32_t len,
    uint64_t v)
{
	ck_assert_int_eq(virtio_driver_io(vd, off, len, 1, &v), 0);
}

uint64_t
virtio_driver_common_read(struct virtio_driver *vd, uint32_t off,
    uint32_t len)
{
	return (virtio_driver_read(vd, vd->vd_common + off, len));
}

void
virtio_driver_common_write(struct virtio_driver *vd, uint32_t off,
    uint32_t len, uint64_t v)
{
	virtio_driver_write(vd, vd->vd_common + off, len, v);
}

uint8_t
virtio_driver_init(struct virtio_driver *vd, uint64_t features)
{
	virtio_driver_common_write(vd, VD_STATUS, 1, 0);
	ck_assert_uint_eq(virtio_driver_common_read(vd, VD_STATUS, 1), 0);
	virtio_driver_common_write(vd, VD_STATUS, 1,
	    VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_driver_common_write(vd, VD_STATUS, 1,
	    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_driver_common_write(vd, VD_GFSELECT, 4, 0);
	virtio_driver_common_write(vd, VD_GF, 4, (uint32_t)features);
	virtio_driver_common_write(vd, VD_GFSELECT, 4, 1);
	virtio_driver_common_write(vd, VD_GF, 4, (uint32_t)(features >> 32));
	virtio_driver_common_write(vd, VD_STATUS, 1,
	    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	    VIRTIO_STATUS_FEATURES_OK);
	return ((uint8_t)virtio_driver_common_read(vd, VD_STATUS, 1));
}

unsigned int
virtio_driver_queue(struct virtio_driver *vd, unsigned int q,
    unsigned int size, uint64_t gpa, uint16_t vector)
{
	vd->vd_q = q;
	vd->vd_qsize = size;
	vd->vd_desc = gpa;
	vd->vd_avail = gpa + VIRTQ_DESC_SIZE * size;
	vd->vd_used = (vd->vd_avail + VIRTQ_AVAIL_SIZE(size) + 3) & ~3ULL;
	vd->vd_avail_idx = 0;
	/* Flags and index start at 0 (rings outside RAM are for tests of
	 * the device refusing them). */
	if (mem_gpa(vd->vd_vmm, vd->vd_used, 4) != NULL) {
		mem_write(vd->vd_vmm, vd->vd_avail, "\0\0\0", 4);
		mem_write(vd->vd_vmm, vd->vd_used, "\0\0\0", 4);
	}
	virtio_driver_common_write(vd, VD_Q_SELECT, 2, q);
	virtio_driver_common_write(vd, VD_Q_SIZE, 2, size);
	virtio_driver_common_write(vd, VD_Q_MSIX, 2, vector);
	virtio_driver_common_write(vd, VD_Q_DESC, 4, (uint32_t)vd->vd_desc);
	virtio_driver_common_write(vd, VD_Q_DESC + 4, 4, vd->vd_desc >> 32);
	virtio_driver_common_write(vd, VD_Q_DRIVER, 8, vd->vd_avail);
	virtio_driver_common_write(vd, VD_Q_DEVICE, 4, (uint32_t)vd->vd_used);
	virtio_driver_common_write(vd, VD_Q_DEVICE + 4, 4, vd->vd_used >> 32);
	virtio_driver_common_write(vd, VD_Q_ENABLE, 2, 1);
	return ((unsigned int)virtio_driver_common_read(vd, VD_Q_ENABLE, 2));
}

void
virtio_driver_driver_ok(struct virtio_driver *vd)
{
	uint64_t	s;

	s = virtio_driver_common_read(vd, VD_STATUS, 1);
	virtio_driver_common_write(vd, VD_STATUS, 1,
	    s | VIRTIO_STATUS_DRIVER_OK);
}

void
virtio_driver_desc(struct virtio_driver *vd, unsigned int i, uint64_t addr,
    uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t	d[VIRTQ_DESC_SIZE];

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
	ck_assert_int_eq(mem_write(vd->vd_vmm, vd->vd_desc +
	    VIRTQ_DESC_SIZE * i, d, sizeof d), 0);
}

void
virtio_driver_add(struct virtio_driver *vd, uint16_t head)
{
	uint16_t	idx;

	ck_assert_int_eq(mem_write(vd->vd_vmm, vd->vd_avail + 4 +
	    2 * (vd->vd_avail_idx % vd->vd_qsize), &head, 2), 0);
	idx = ++vd->vd_avail_idx;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ck_assert_int_eq(mem_write(vd->vd_vmm, vd->vd_avail + 2, &idx, 2), 0);
}

void
virtio_driver_notify(struct virtio_driver *vd)
{
	virtio_driver_write(vd, vd->vd_notify + vd->vd_notify_mult * vd->vd_q,
	    2, vd->vd_q);
}

uint16_t
virtio_driver_used_idx(struct virtio_driver *vd)
{
	uint16_t	idx;

	ck_assert_int_eq(mem_read(vd->vd_vmm, vd->vd_used + 2, &idx, 2), 0);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return (idx);
}

void
virtio_driver_used(struct virtio_driver *vd, unsigned int i, uint32_t *id,
    uint32_t *len)
{
	uint64_t	e = vd->vd_used + 4 + 8 * (i % vd->vd_qsize);

	ck_assert_int_eq(mem_read(vd->vd_vmm, e, id, 4), 0);
	ck_assert_int_eq(mem_read(vd->vd_vmm, e + 4, len, 4), 0);
}

void
virtio_driver_msix(struct virtio_driver *vd, unsigned int v, uint64_t addr,
    uint32_t data, int masked)
{
	uint32_t	base = vd->vd_msix_table + 16 * v;

	virtio_driver_write(vd, base, 4, (uint32_t)addr);
	virtio_driver_write(vd, base + 4, 4, addr >> 32);
	virtio_driver_write(vd, base + 8, 4, data);
	virtio_driver_write(vd, base + 12, 4, masked ? 1 : 0);
}
