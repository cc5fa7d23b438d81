/* SPDX-License-Identifier: ISC */
/*
 * virtio-net.c's exports: the device type (one virtio-net PCI function per
 * entry of vmm_params.vp_nics, each on a TAP or disconnected) and what
 * tests need to reach a NIC's function.
 */
#ifndef VIREO_VIRTIO_NET_H
#define VIREO_VIRTIO_NET_H

#include "vmm-dev.h"

struct virtio_pci;

/* Every NIC of vp_nics; absent (dev NULL) when there is none. */
extern const struct vmm_devtype virtio_net_devtype;

/*
 * The transport of NIC i (0 .. vp_nnics - 1) of the devtype's dev, or
 * NULL.  For tests (virtio_pci_poll on a fake VM runs the TAP's RX).
 */
struct virtio_pci *virtio_net_transport(void *dev, unsigned int i);

/* The TAP interface of NIC i ("" for an fd given in vn_fd), or NULL. */
const char	*virtio_net_ifname(void *dev, unsigned int i);

#endif
