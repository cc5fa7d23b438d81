/* SPDX-License-Identifier: ISC */
/*
 * virtio-rng (virtio entropy device, type 4): one queue of device-writable
 * buffers that the device fills from the host's getrandom(2).  No device
 * features and no config space.  Each request is answered with at most
 * VIRTIO_RNG_CHUNK bytes (the driver asks again for more), so one guest
 * cannot make the I/O thread copy gigabytes per kick.
 *
 * It exists only when the VM's parameters ask for it (vp_virtio_rng).
 * Threading: the queue callback runs on the transport's I/O thread with
 * the queue lock held; the device has no state of its own to protect.
 */

#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "virtio.h"
#include "snapshot.h"

#define VIRTIO_RNG_QUEUE_SIZE	64
#define VIRTIO_RNG_CHUNK	65536	/* bytes answered per request */
#define VIRTIO_RNG_CLASS	0xff0000 /* PCI class: other */

struct virtio_rng {
	struct virtio_pci	*vr_vp;		/* the transport, owned */
	struct virtqueue_chain	 vr_chain;	/* the request being filled */
	uint64_t		 vr_bytes;	/* given to the guest so far */
};

static int	virtio_rng_create(struct vmm *, const struct vmm_params *,
		    void **, char **);
static void	virtio_rng_reset(void *);
static void	virtio_rng_free(void *);
static void	virtio_rng_notify(void *, struct virtqueue *);
static size_t	virtio_rng_fill(struct virtqueue_chain *);
static int	virtio_rng_save(void *, struct snap *);
static int	virtio_rng_restore(void *, struct snap *);

const struct vmm_devtype virtio_rng_devtype = {
	"virtio-rng",
	virtio_rng_create,
	virtio_rng_reset,
	virtio_rng_free,
	virtio_rng_save,
	virtio_rng_restore
};

static int
virtio_rng_create(struct vmm *vmm, const struct vmm_params *params,
    void **devp, char **cause)
{
	struct virtio_rng	*vr;
	struct virtio_pci_ops	 ops;

	*devp = NULL;
	if (!params->vp_virtio_rng)
		return (0);
	vr = xcalloc(1, sizeof *vr);
	memset(&ops, 0, sizeof ops);
	ops.vo_name = "virtio-rng";
	ops.vo_type = VIRTIO_ID_RNG;
	ops.vo_class = VIRTIO_RNG_CLASS;
	ops.vo_nqueues = 1;
	ops.vo_queue_max = VIRTIO_RNG_QUEUE_SIZE;
	ops.vo_features = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	ops.vo_queue_notify = virtio_rng_notify;
	if ((vr->vr_vp = virtio_pci_create(vmm, &ops, vr, cause)) == NULL) {
		free(vr);
		return (-1);
	}
	*devp = vr;
	return (0);
}

static void
virtio_rng_reset(void *dev)
{
	struct virtio_rng	*vr = dev;

	if (vr != NULL)
		virtio_pci_reset(vr->vr_vp);
}

static void
virtio_rng_free(void *dev)
{
	struct virtio_rng	*vr = dev;

	if (vr == NULL)
		return;
	virtio_pci_free(vr->vr_vp);
	free(vr);
}

/* Fill the writable buffers, up to VIRTIO_RNG_CHUNK bytes; the count. */
static size_t
virtio_rng_fill(struct virtqueue_chain *c)
{
	struct iovec	*iov;
	unsigned int	 i;
	size_t		 done = 0, want, off;
	ssize_t		 n;

	for (i = c->vc_nout; i < c->vc_nout + c->vc_nin; i++) {
		iov = &c->vc_iov[i];
		want = iov->iov_len;
		if (want > VIRTIO_RNG_CHUNK - done)
			want = VIRTIO_RNG_CHUNK - done;
		for (off = 0; off < want; off += (size_t)n) {
			n = getrandom((uint8_t *)iov->iov_base + off,
			    want - off, 0);
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0)
				return (done + off);
		}
		done += want;
		if (done == VIRTIO_RNG_CHUNK)
			break;
	}
	return (done);
}

static void
virtio_rng_notify(void *dev, struct virtqueue *vq)
{
	struct virtio_rng	*vr = dev;
	size_t			 n;

	while (virtqueue_pop(vq, &vr->vr_chain) == 1) {
		n = virtio_rng_fill(&vr->vr_chain);
		vr->vr_bytes += n;
		if (virtqueue_push(vq, &vr->vr_chain, (uint32_t)n) == -1)
			break;
	}
	virtqueue_notify(vq);
}

/* Suspend state: the transport's; requests never wait here. */
static int
virtio_rng_save(void *dev, struct snap *s)
{
	struct virtio_rng	*vr = dev;

	return (virtio_pci_save(vr->vr_vp, s));
}

static int
virtio_rng_restore(void *dev, struct snap *s)
{
	struct virtio_rng	*vr = dev;

	return (virtio_pci_restore(vr->vr_vp, s));
}
