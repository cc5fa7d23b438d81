/* SPDX-License-Identifier: ISC */
/*
 * virtio-blk.c's exports: the device type (one virtio-blk PCI function per
 * entry of vmm_params.vp_disks) and what tests need to find a disk's
 * function.
 */
#ifndef VIREO_VIRTIO_BLK_H
#define VIREO_VIRTIO_BLK_H

#include "vmm-dev.h"

struct virtio_pci;

/* Every disk of vp_disks; absent (dev NULL) when there is none. */
extern const struct vmm_devtype virtio_blk_devtype;

/*
 * The transport of disk i (0 .. vp_ndisks - 1) of the devtype's dev, or
 * NULL.  For tests (virtio_pci_slot, virtio_pci_is_broken).
 */
struct virtio_pci *virtio_blk_transport(void *dev, unsigned int i);

/* vmm_disk_snapshot for disk i of the devtype's dev (NULL: no disks). */
int		 virtio_blk_snapshot(void *dev, unsigned int i,
		    const char *path, char **cause);

#endif
