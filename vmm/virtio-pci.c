/* SPDX-License-Identifier: ISC */
/*
 * The virtio 1.x modern PCI transport (virtio spec section 4.1): one PCI
 * function per virtio device with vendor 0x1AF4, device 0x1040 + type,
 * revision 1, a capability list (MSI-X, then the virtio vendor
 * capabilities: common config, notify, ISR, device config, and the PCI
 * config access window into the BAR) and one 32-bit memory BAR holding
 * every region:
 *
 *	0x0000	common config (0x38 bytes)
 *	0x1000	ISR status (1 byte, reading clears it)
 *	0x2000	device config (vo_config_size bytes)
 *	0x3000	notify: queue n at 0x3000 + 4 n (multiplier 4)
 *	0x4000	MSI-X table (vo_nqueues + 1 vectors)
 *	0x5000	MSI-X pending bits
 *
 * There is no firmware, so the BAR starts programmed at VMM_PCI_MMIO_BASE +
 * slot MiB with memory decoding on; the guest may size or move it, or turn
 * decoding off, and the MMIO trap and ioeventfds follow (virtio_pci_map).
 *
 * Notifications: on a real VM every queue has an eventfd that KVM signals
 * on a 2-byte write to its notify address (KVM_IOEVENTFD), and the
 * device's own I/O thread polls those, a stop eventfd and the fds a model
 * watches; other notify widths trap and write the same eventfd, so queue
 * work never runs on a vCPU thread.  A fake VM has no thread: a notify
 * write processes the queue on the writing thread.  Interrupts: MSI-X
 * (per-vector and function masks, pending bits in userspace) through one
 * irqfd per vector on a real VM, its GSI routed to the vector's MSI in the
 * core's routing table (irq_msi_route_*), or irq_msi() on a fake VM or if
 * KVM refuses; INTx on GSI VMM_PCI_IRQ_BASE + slot % 8 (level, ISR read
 * clears) when MSI-X is off.
 *
 * Locks (see virtio.h for the model's side): vp_qlock, the queue lock,
 * serialises queue work, resets and DRIVER_OK; vp_lock, the transport
 * lock, guards every register below.  Order: vp_qlock, vp_lock, then the
 * iotrap table (map/unmap run under vp_lock).  MSIs are sent after
 * vp_lock is dropped, under vp_msilock (the irqfds); INTx levels change
 * under vp_lock so they stay ordered.
 */

#include "config.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "virtio.h"
#include "snapshot.h"

/* PCI identity. */
#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE_BASE	0x1040
#define VIRTIO_PCI_REVISION	1
#define VIRTIO_PCI_SLOT_STRIDE	0x100000ULL	/* BAR address per slot */

/* Type 0 header offsets and bits. */
#define VIRTIO_PCI_CFG_SIZE	256
#define PCI_CFG_VENDOR		0x00
#define PCI_CFG_COMMAND		0x04
#define PCI_CFG_STATUS		0x06
#define PCI_CFG_REVISION	0x08
#define PCI_CFG_HEADER		0x0e
#define PCI_CFG_BAR0		0x10
#define PCI_CFG_SUBSYS		0x2c
#define PCI_CFG_CAPS		0x34
#define PCI_CFG_INTLINE		0x3c
#define PCI_CFG_INTPIN		0x3d
#define PCI_CMD_MEM		0x0002
#define PCI_CMD_MASTER		0x0004
#define PCI_CMD_INTX_DISABLE	0x0400
#define PCI_CMD_MASK		(PCI_CMD_MEM | PCI_CMD_MASTER | \
				    PCI_CMD_INTX_DISABLE)
#define PCI_STATUS_INTX		0x0008
#define PCI_STATUS_CAPS		0x0010

/* Capabilities, in list order. */
#define PCI_CAP_ID_VENDOR	0x09
#define PCI_CAP_ID_MSIX		0x11
#define VIRTIO_PCI_CAP_MSIX	0x40	/* 12 bytes */
#define VIRTIO_PCI_CAP_COMMON	0x50	/* 16 bytes */
#define VIRTIO_PCI_CAP_NOTIFY	0x60	/* 20 bytes */
#define VIRTIO_PCI_CAP_ISR	0x74	/* 16 bytes */
#define VIRTIO_PCI_CAP_DEVICE	0x84	/* 16 bytes, if config exists */
#define VIRTIO_PCI_CAP_PCICFG	0x94	/* 20 bytes */
#define VIRTIO_PCI_CAP_LEN	16
#define VIRTIO_PCI_CAP_NOTIFY_LEN 20
#define VIRTIO_PCI_CAP_PCICFG_LEN 20
#define VIRTIO_PCICFG_BAR	(VIRTIO_PCI_CAP_PCICFG + 4)
#define VIRTIO_PCICFG_OFF	(VIRTIO_PCI_CAP_PCICFG + 8)
#define VIRTIO_PCICFG_LEN	(VIRTIO_PCI_CAP_PCICFG + 12)
#define VIRTIO_PCICFG_DATA	(VIRTIO_PCI_CAP_PCICFG + 16)
#define VIRTIO_CFG_COMMON	1	/* cfg_type values */
#define VIRTIO_CFG_NOTIFY	2
#define VIRTIO_CFG_ISR		3
#define VIRTIO_CFG_DEVICE	4
#define VIRTIO_CFG_PCI		5
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_FMASK		0x4000
#define MSIX_ENTRY_SIZE		16
#define MSIX_ENTRY_MASKED	0x1

/* BAR0 layout. */
#define VIRTIO_PCI_BAR_SIZE	0x8000ULL
#define VIRTIO_PCI_COMMON	0x0000
#define VIRTIO_PCI_COMMON_LEN	0x38
#define VIRTIO_PCI_ISR		0x1000
#define VIRTIO_PCI_DEVCFG	0x2000
#define VIRTIO_PCI_DEVCFG_MAX	0x1000
#define VIRTIO_PCI_NOTIFY	0x3000
#define VIRTIO_PCI_NOTIFY_MULT	4
#define VIRTIO_PCI_MSIX_TABLE	0x4000
#define VIRTIO_PCI_MSIX_PBA	0x5000
#define VIRTIO_PCI_REGION	0x1000	/* each region's window */

/* Common config offsets. */
#define VIRTIO_COMMON_DFSELECT	0
#define VIRTIO_COMMON_DF	4
#define VIRTIO_COMMON_GFSELECT	8
#define VIRTIO_COMMON_GF	12
#define VIRTIO_COMMON_MSIX	16
#define VIRTIO_COMMON_NUMQ	18
#define VIRTIO_COMMON_STATUS	20
#define VIRTIO_COMMON_CFGGEN	21
#define VIRTIO_COMMON_Q_SELECT	22
#define VIRTIO_COMMON_Q_SIZE	24
#define VIRTIO_COMMON_Q_MSIX	26
#define VIRTIO_COMMON_Q_ENABLE	28
#define VIRTIO_COMMON_Q_NOFF	30
#define VIRTIO_COMMON_Q_DESC	32
#define VIRTIO_COMMON_Q_DRIVER	40
#define VIRTIO_COMMON_Q_DEVICE	48

/* ISR bits. */
#define VIRTIO_ISR_QUEUE	0x1
#define VIRTIO_ISR_CONFIG	0x2

/* What a common config write leaves to do once vp_lock is dropped. */
#define VIRTIO_PCI_POST_RESET	0x1
#define VIRTIO_PCI_POST_DRIVER_OK 0x2
#define VIRTIO_PCI_POST_CONFIG_IRQ 0x4

/* I/O thread epoll tags: kind in the high half, index in the low. */
#define VIRTIO_PCI_TAG_STOP	1ULL
#define VIRTIO_PCI_TAG_QUEUE	2ULL
#define VIRTIO_PCI_TAG_WATCH	3ULL
#define VIRTIO_PCI_TAG(k, i)	((k) << 32 | (uint32_t)(i))

#define VIRTIO_PCI_MAX_VECTORS	(VIRTIO_PCI_MAX_QUEUES + 1)
#define VIRTIO_PCI_MAX_WATCH	8

/* One queue's registers and notification eventfd. */
struct virtio_pci_queue {
	struct virtqueue *pq_vq;	/* owned */
	uint16_t	 pq_size;	/* queue_size register */
	uint16_t	 pq_vector;	/* queue_msix_vector */
	uint16_t	 pq_enable;	/* queue_enable */
	uint64_t	 pq_desc;	/* queue_desc, guest-physical */
	uint64_t	 pq_driver;	/* queue_driver (avail ring) */
	uint64_t	 pq_device;	/* queue_device (used ring) */
	int		 pq_efd;	/* notify eventfd, -1 on a fake VM */
	int		 pq_ioev;	/* 1: registered with KVM */
};

/* One MSI-X table entry, as the guest wrote it. */
struct virtio_pci_msix {
	uint32_t	 pm_addr_lo;
	uint32_t	 pm_addr_hi;
	uint32_t	 pm_data;
	uint32_t	 pm_ctrl;	/* bit 0: masked */
};

/* An MSI to send once vp_lock is dropped. */
struct virtio_pci_msg {
	unsigned int	 pg_vector;	/* MSI-X table entry */
	uint64_t	 pg_addr;
	uint32_t	 pg_data;
};

/* A vector's irqfd on a real VM: an eventfd KVM turns into the MSI. */
struct virtio_pci_irqfd {
	int		 pi_fd;		/* eventfd, -1: none yet */
	int		 pi_gsi;	/* its MSI route, -1: none yet */
	int		 pi_failed;	/* unusable: irq_msi() instead */
	uint64_t	 pi_addr;	/* the MSI the route points at */
	uint32_t	 pi_data;
};

/* An fd the I/O thread watches for the device model. */
struct virtio_pci_watch {
	int		 pw_fd;		/* borrowed; -1: free slot */
	void		(*pw_cb)(void *, int);
};

struct virtio_pci {
	struct vmm	*vp_vmm;	/* borrowed */
	struct virtio_pci_ops vp_ops;	/* copy */
	void		*vp_dev;	/* the model's, borrowed */
	int		 vp_slot;	/* PCI slot, -1 before registration */
	uint32_t	 vp_gsi;	/* INTx line */
	unsigned int	 vp_nvec;	/* MSI-X vectors: queues + config */
	uint64_t	 vp_offered;	/* device + transport features */
	uint8_t		 vp_cfg[VIRTIO_PCI_CFG_SIZE]; /* fixed config bytes */

	pthread_mutex_t	 vp_qlock;	/* the queue lock */
	pthread_mutex_t	 vp_lock;	/* the transport lock: all below */

	/* PCI function. */
	uint16_t	 vp_cmd;	/* command register */
	struct pci_bar	 vp_bar;	/* BAR0 */
	uint8_t		 vp_intline;	/* interrupt line register */
	int		 vp_intx;	/* level driven on vp_gsi */
	uint64_t	 vp_mapped;	/* BAR address trapped now, 0: none */
	uint16_t	 vp_msix_ctrl;	/* MSIX_CTRL_ENABLE, MSIX_CTRL_FMASK */
	struct virtio_pci_msix vp_msix[VIRTIO_PCI_MAX_VECTORS];
	uint64_t	 vp_pba[2];	/* pending bits, one per vector */

	/* virtio registers. */
	uint32_t	 vp_dfselect;	/* device_feature_select */
	uint32_t	 vp_gfselect;	/* driver_feature_select */
	uint64_t	 vp_gfeatures;	/* driver_feature as written */
	uint64_t	 vp_features;	/* accepted at FEATURES_OK; atomic */
	uint16_t	 vp_msix_config; /* config_msix_vector */
	uint8_t		 vp_status;	/* device_status */
	uint8_t		 vp_generation;	/* config_generation */
	uint16_t	 vp_qsel;	/* queue_select */
	uint8_t		 vp_isr;	/* ISR status */
	int		 vp_broken;	/* NEEDS_RESET set by the device */
	struct virtio_pci_queue vp_queues[VIRTIO_PCI_MAX_QUEUES];
	struct virtio_pci_watch vp_watch[VIRTIO_PCI_MAX_WATCH];
	time_t		 vp_logtime;	/* last rate-limited warning */
	uint8_t		 vp_win[12];	/* PCI_CFG cap: bar, pad, offset,
					   length, as the driver wrote them */

	/* I/O thread (real VMs). */
	int		 vp_threaded;	/* 1: vp_thread runs */
	int		 vp_frozen;	/* suspend: fds out of the poll set,
					   under vp_qlock */
	pthread_t	 vp_thread;
	int		 vp_epfd;	/* its epoll set */
	int		 vp_stopfd;	/* eventfd: leave */
	uint64_t	 vp_interrupts;	/* raised so far; atomic */

	/* MSI delivery (real VMs), after vp_lock is dropped. */
	pthread_mutex_t	 vp_msilock;	/* vp_irqfd */
	struct virtio_pci_irqfd vp_irqfd[VIRTIO_PCI_MAX_VECTORS];
};

static uint32_t	virtio_pci_cfg_read(void *, uint32_t, uint32_t);
static void	virtio_pci_cfg_write(void *, uint32_t, uint32_t, uint32_t);
static void	virtio_pci_cfg_build(struct virtio_pci *);
static void	virtio_pci_cfg_window(struct virtio_pci *, int, uint32_t *);
static void	virtio_pci_bar_io(void *, struct iotrap_access *);
static void	virtio_pci_common_read(struct virtio_pci *, uint32_t,
		    uint32_t, uint64_t *);
static int	virtio_pci_common_write(struct virtio_pci *, uint32_t,
		    uint32_t, uint64_t);
static int	virtio_pci_status_write(struct virtio_pci *, uint8_t);
static int	virtio_pci_queue_enable(struct virtio_pci *,
		    struct virtio_pci_queue *);
static void	virtio_pci_set64(uint64_t *, uint32_t, uint32_t, uint64_t);
static void	virtio_pci_devcfg_io(struct virtio_pci *, uint32_t, uint32_t,
		    struct iotrap_access *);
static unsigned int virtio_pci_msix_io(struct virtio_pci *, uint32_t,
		    uint32_t, struct iotrap_access *, struct virtio_pci_msg *);
static unsigned int virtio_pci_msix_flush(struct virtio_pci *,
		    struct virtio_pci_msg *);
static int	virtio_pci_signal(struct virtio_pci *, int,
		    struct virtio_pci_msg *);
static void	virtio_pci_raise(struct virtio_pci *, int);
static void	virtio_pci_send(struct virtio_pci *,
		    const struct virtio_pci_msg *, unsigned int);
static int	virtio_pci_irqfd_send(struct virtio_pci *,
		    const struct virtio_pci_msg *);
static void	virtio_pci_irqfd_clear(struct virtio_pci *);
static void	virtio_pci_intx_update(struct virtio_pci *);
static void	virtio_pci_map(struct virtio_pci *);
static void	virtio_pci_unmap(struct virtio_pci *);
static void	virtio_pci_reset_device(struct virtio_pci *);
static void	virtio_pci_process(struct virtio_pci *, unsigned int);
static void	virtio_pci_kick_locked(struct virtio_pci *, unsigned int);
static void	virtio_pci_dispatch(struct virtio_pci *, uint64_t);
static void	*virtio_pci_thread(void *);
static void	virtio_pci_vq_interrupt(void *, struct virtqueue *);
static void	virtio_pci_vq_broken(void *, struct virtqueue *, const char *);
static int	virtio_pci_log_ok(struct virtio_pci *);
static void	virtio_pci_destroy(struct virtio_pci *);
static void	virtio_pci_freeze(struct virtio_pci *);
static void	virtio_pci_thaw(void *);
static void	virtio_pci_restart(void *);
static int	virtio_pci_restore_regs(struct virtio_pci *,
		    struct snap *);

static const struct pci_func_ops virtio_pci_func_ops = {
	virtio_pci_cfg_read,
	virtio_pci_cfg_write
};

/* At most one guest-triggered warning a second per device. */
static int
virtio_pci_log_ok(struct virtio_pci *vp)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec == vp->vp_logtime)
		return (0);
	vp->vp_logtime = ts.tv_sec;
	return (1);
}

struct virtio_pci *
virtio_pci_create(struct vmm *vmm, const struct virtio_pci_ops *ops,
    void *dev, char **cause)
{
	struct virtio_pci	*vp;
	struct pci_bus		*bus;
	struct virtio_pci_queue	*pq;
	struct epoll_event	 ev;
	unsigned int		 i;
	int			 slot;
	const char		*name;

	name = ops != NULL && ops->vo_name != NULL ? ops->vo_name : "virtio";
	if ((bus = vmm_pci_bus(vmm)) == NULL) {
		xasprintf(cause, "%s: no PCI bus", name);
		errno = ENODEV;
		return (NULL);
	}
	if (ops == NULL || ops->vo_queue_notify == NULL ||
	    ops->vo_nqueues < 1 || ops->vo_nqueues > VIRTIO_PCI_MAX_QUEUES ||
	    ops->vo_queue_max < 1 || ops->vo_queue_max > VIRTQUEUE_MAX_SIZE ||
	    (ops->vo_queue_max & (ops->vo_queue_max - 1)) != 0 ||
	    ops->vo_config_size > VIRTIO_PCI_DEVCFG_MAX) {
		xasprintf(cause, "%s: bad virtio device description", name);
		errno = EINVAL;
		return (NULL);
	}

	vp = xcalloc(1, sizeof *vp);
	vp->vp_vmm = vmm;
	vp->vp_ops = *ops;
	vp->vp_ops.vo_name = name;
	vp->vp_dev = dev;
	vp->vp_slot = -1;
	vp->vp_epfd = vp->vp_stopfd = -1;
	vp->vp_nvec = ops->vo_nqueues + 1;
	vp->vp_offered = ops->vo_features | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	    VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	pthread_mutex_init(&vp->vp_qlock, NULL);
	pthread_mutex_init(&vp->vp_lock, NULL);
	pthread_mutex_init(&vp->vp_msilock, NULL);
	for (i = 0; i < VIRTIO_PCI_MAX_VECTORS; i++)
		vp->vp_irqfd[i].pi_fd = vp->vp_irqfd[i].pi_gsi = -1;
	for (i = 0; i < VIRTIO_PCI_MAX_WATCH; i++)
		vp->vp_watch[i].pw_fd = -1;
	for (i = 0; i < VIRTIO_PCI_MAX_VECTORS; i++)
		vp->vp_msix[i].pm_ctrl = MSIX_ENTRY_MASKED;
	for (i = 0; i < ops->vo_nqueues; i++) {
		pq = &vp->vp_queues[i];
		pq->pq_efd = -1;
		pq->pq_vq = virtqueue_create(vmm, i, ops->vo_queue_max,
		    virtio_pci_vq_interrupt, virtio_pci_vq_broken, vp);
		virtqueue_set_max_bytes(pq->pq_vq, ops->vo_max_bytes);
	}
	virtio_pci_reset_device(vp);

	if ((vp->vp_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: epoll: %s", name, strerror(errno));
		goto fail;
	}
	if (kvm_has_vm(vmm)) {
		if ((vp->vp_stopfd = eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK)) ==
		    -1) {
			xasprintf(cause, "%s: eventfd: %s", name,
			    strerror(errno));
			goto fail;
		}
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.u64 = VIRTIO_PCI_TAG(VIRTIO_PCI_TAG_STOP, 0);
		if (epoll_ctl(vp->vp_epfd, EPOLL_CTL_ADD, vp->vp_stopfd,
		    &ev) == -1) {
			xasprintf(cause, "%s: epoll: %s", name,
			    strerror(errno));
			goto fail;
		}
		for (i = 0; i < ops->vo_nqueues; i++) {
			pq = &vp->vp_queues[i];
			pq->pq_efd = eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK);
			ev.data.u64 = VIRTIO_PCI_TAG(VIRTIO_PCI_TAG_QUEUE, i);
			if (pq->pq_efd == -1 || epoll_ctl(vp->vp_epfd,
			    EPOLL_CTL_ADD, pq->pq_efd, &ev) == -1) {
				xasprintf(cause, "%s: queue eventfd: %s", name,
				    strerror(errno));
				goto fail;
			}
		}
		if ((errno = pthread_create(&vp->vp_thread, NULL,
		    virtio_pci_thread, vp)) != 0) {
			xasprintf(cause, "%s: I/O thread: %s", name,
			    strerror(errno));
			goto fail;
		}
		vp->vp_threaded = 1;
		pthread_setname_np(vp->vp_thread, name);
	}

	/* Nothing may fail after the slot is taken: pci.c has no way to
	 * give it back. */
	if ((slot = pci_register(bus, -1, &virtio_pci_func_ops, vp)) == -1) {
		xasprintf(cause, "%s: no free PCI slot", name);
		goto fail;
	}
	vp->vp_slot = slot;
	vp->vp_gsi = VMM_PCI_IRQ_BASE + (uint32_t)slot % 8;
	vp->vp_intline = (uint8_t)vp->vp_gsi;
	vp->vp_bar.pb_size = VIRTIO_PCI_BAR_SIZE;
	vp->vp_bar.pb_kind = PCI_BAR_MEM32;
	vp->vp_bar.pb_addr = VMM_PCI_MMIO_BASE +
	    (uint64_t)slot * VIRTIO_PCI_SLOT_STRIDE;
	vp->vp_cmd = PCI_CMD_MEM;
	virtio_pci_cfg_build(vp);
	pthread_mutex_lock(&vp->vp_lock);
	virtio_pci_map(vp);
	pthread_mutex_unlock(&vp->vp_lock);
	log_debug("%s: 00:%02x.0, BAR %#llx, INTx GSI %u, %s", name, slot,
	    (unsigned long long)vp->vp_bar.pb_addr, vp->vp_gsi,
	    vp->vp_threaded ? "I/O thread" : "synchronous");
	return (vp);

fail:
	virtio_pci_destroy(vp);
	return (NULL);
}

/* Stop the thread and release everything (also a half-built device). */
static void
virtio_pci_destroy(struct virtio_pci *vp)
{
	uint64_t	one = 1;
	unsigned int	i;

	if (vp->vp_threaded) {
		if (write(vp->vp_stopfd, &one, sizeof one) != sizeof one)
			log_warn("%s: stop", vp->vp_ops.vo_name);
		pthread_join(vp->vp_thread, NULL);
		vp->vp_threaded = 0;
	}
	pthread_mutex_lock(&vp->vp_lock);
	virtio_pci_unmap(vp);
	if (vp->vp_intx) {
		irq_set_level(vp->vp_vmm, vp->vp_gsi, 0);
		vp->vp_intx = 0;
	}
	pthread_mutex_unlock(&vp->vp_lock);
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
		if (vp->vp_queues[i].pq_efd != -1)
			close(vp->vp_queues[i].pq_efd);
		virtqueue_free(vp->vp_queues[i].pq_vq);
	}
	virtio_pci_irqfd_clear(vp);
	if (vp->vp_stopfd != -1)
		close(vp->vp_stopfd);
	if (vp->vp_epfd != -1)
		close(vp->vp_epfd);
	pthread_mutex_destroy(&vp->vp_msilock);
	pthread_mutex_destroy(&vp->vp_lock);
	pthread_mutex_destroy(&vp->vp_qlock);
	free(vp);
}

void
virtio_pci_free(struct virtio_pci *vp)
{
	if (vp != NULL)
		virtio_pci_destroy(vp);
}

/* The config bytes that never change after create. */
static void
virtio_pci_cfg_build(struct virtio_pci *vp)
{
	uint8_t		*c = vp->vp_cfg;
	unsigned int	 nq = vp->vp_ops.vo_nqueues;
	uint8_t		 last;

	memset(c, 0, sizeof vp->vp_cfg);
	vmm_le_put(c + PCI_CFG_VENDOR, VIRTIO_PCI_VENDOR, 2);
	vmm_le_put(c + PCI_CFG_VENDOR + 2,
	    VIRTIO_PCI_DEVICE_BASE + vp->vp_ops.vo_type, 2);
	c[PCI_CFG_REVISION] = VIRTIO_PCI_REVISION;
	vmm_le_put(c + PCI_CFG_REVISION + 1, vp->vp_ops.vo_class, 3);
	c[PCI_CFG_HEADER] = 0x00;
	vmm_le_put(c + PCI_CFG_SUBSYS, VIRTIO_PCI_VENDOR, 2);
	vmm_le_put(c + PCI_CFG_SUBSYS + 2, vp->vp_ops.vo_type, 2);
	c[PCI_CFG_CAPS] = VIRTIO_PCI_CAP_MSIX;
	c[PCI_CFG_INTPIN] = 1;		/* INTA# */

	/* MSI-X: table and PBA in BAR0; control is built at read time. */
	c[VIRTIO_PCI_CAP_MSIX] = PCI_CAP_ID_MSIX;
	c[VIRTIO_PCI_CAP_MSIX + 1] = VIRTIO_PCI_CAP_COMMON;
	vmm_le_put(c + VIRTIO_PCI_CAP_MSIX + 4, VIRTIO_PCI_MSIX_TABLE, 4);
	vmm_le_put(c + VIRTIO_PCI_CAP_MSIX + 8, VIRTIO_PCI_MSIX_PBA, 4);

	/* struct virtio_pci_cap: vndr, next, len, type, bar, id, pad[2],
	 * offset, length (and notify_off_multiplier for NOTIFY). */
	c[VIRTIO_PCI_CAP_COMMON] = PCI_CAP_ID_VENDOR;
	c[VIRTIO_PCI_CAP_COMMON + 1] = VIRTIO_PCI_CAP_NOTIFY;
	c[VIRTIO_PCI_CAP_COMMON + 2] = VIRTIO_PCI_CAP_LEN;
	c[VIRTIO_PCI_CAP_COMMON + 3] = VIRTIO_CFG_COMMON;
	vmm_le_put(c + VIRTIO_PCI_CAP_COMMON + 8, VIRTIO_PCI_COMMON, 4);
	vmm_le_put(c + VIRTIO_PCI_CAP_COMMON + 12, VIRTIO_PCI_COMMON_LEN,
	    4);

	c[VIRTIO_PCI_CAP_NOTIFY] = PCI_CAP_ID_VENDOR;
	c[VIRTIO_PCI_CAP_NOTIFY + 1] = VIRTIO_PCI_CAP_ISR;
	c[VIRTIO_PCI_CAP_NOTIFY + 2] = VIRTIO_PCI_CAP_NOTIFY_LEN;
	c[VIRTIO_PCI_CAP_NOTIFY + 3] = VIRTIO_CFG_NOTIFY;
	vmm_le_put(c + VIRTIO_PCI_CAP_NOTIFY + 8, VIRTIO_PCI_NOTIFY, 4);
	vmm_le_put(c + VIRTIO_PCI_CAP_NOTIFY + 12,
	    nq * VIRTIO_PCI_NOTIFY_MULT, 4);
	vmm_le_put(c + VIRTIO_PCI_CAP_NOTIFY + 16, VIRTIO_PCI_NOTIFY_MULT,
	    4);

	last = vp->vp_ops.vo_config_size > 0 ? VIRTIO_PCI_CAP_DEVICE :
	    VIRTIO_PCI_CAP_PCICFG;
	c[VIRTIO_PCI_CAP_ISR] = PCI_CAP_ID_VENDOR;
	c[VIRTIO_PCI_CAP_ISR + 1] = last;
	c[VIRTIO_PCI_CAP_ISR + 2] = VIRTIO_PCI_CAP_LEN;
	c[VIRTIO_PCI_CAP_ISR + 3] = VIRTIO_CFG_ISR;
	vmm_le_put(c + VIRTIO_PCI_CAP_ISR + 8, VIRTIO_PCI_ISR, 4);
	vmm_le_put(c + VIRTIO_PCI_CAP_ISR + 12, 1, 4);

	if (last == VIRTIO_PCI_CAP_DEVICE) {
		c[VIRTIO_PCI_CAP_DEVICE] = PCI_CAP_ID_VENDOR;
		c[VIRTIO_PCI_CAP_DEVICE + 1] = VIRTIO_PCI_CAP_PCICFG;
		c[VIRTIO_PCI_CAP_DEVICE + 2] = VIRTIO_PCI_CAP_LEN;
		c[VIRTIO_PCI_CAP_DEVICE + 3] = VIRTIO_CFG_DEVICE;
		vmm_le_put(c + VIRTIO_PCI_CAP_DEVICE + 8,
		    VIRTIO_PCI_DEVCFG, 4);
		vmm_le_put(c + VIRTIO_PCI_CAP_DEVICE + 12,
		    vp->vp_ops.vo_config_size, 4);
	}

	/* The access window; bar, offset, length and data are live. */
	c[VIRTIO_PCI_CAP_PCICFG] = PCI_CAP_ID_VENDOR;
	c[VIRTIO_PCI_CAP_PCICFG + 1] = 0;
	c[VIRTIO_PCI_CAP_PCICFG + 2] = VIRTIO_PCI_CAP_PCICFG_LEN;
	c[VIRTIO_PCI_CAP_PCICFG + 3] = VIRTIO_CFG_PCI;
}

/*
 * VIRTIO_PCI_CAP_PCI_CFG: pci_cfg_data reads or writes length (1, 2 or 4)
 * bytes of BAR offset, as the driver set them in the capability; for
 * firmware that cannot reach the BAR.  Called without vp_lock (the BAR
 * access takes it).  Anything else reads 0 and writes nothing.
 */
static void
virtio_pci_cfg_window(struct virtio_pci *vp, int write, uint32_t *val)
{
	struct iotrap_access	ia;
	uint32_t		bar, off, len;

	pthread_mutex_lock(&vp->vp_lock);
	bar = vp->vp_win[0];
	off = (uint32_t)vmm_le_get(vp->vp_win + 4, 4);
	len = (uint32_t)vmm_le_get(vp->vp_win + 8, 4);
	pthread_mutex_unlock(&vp->vp_lock);
	if (!write)
		*val = 0;
	if (bar != 0 || (len != 1 && len != 2 && len != 4) || off % len != 0 ||
	    off >= VIRTIO_PCI_BAR_SIZE)
		return;
	memset(&ia, 0, sizeof ia);
	ia.ia_addr = vp->vp_bar.pb_addr + off;
	ia.ia_off = off;
	ia.ia_len = len;
	ia.ia_write = write;
	ia.ia_data = write ? *val : 0;
	ia.ia_vcpu = -1;
	virtio_pci_bar_io(vp, &ia);
	if (!write)
		*val = (uint32_t)ia.ia_data;
}

static uint32_t
virtio_pci_cfg_read(void *arg, uint32_t off, uint32_t len)
{
	struct virtio_pci	*vp = arg;
	uint8_t			 img[VIRTIO_PCI_CFG_SIZE];
	uint16_t		 status = PCI_STATUS_CAPS;
	uint32_t		 win = 0;

	if (off >= VIRTIO_PCI_CFG_SIZE || len > 4 ||
	    len > VIRTIO_PCI_CFG_SIZE - off)
		return (0);
	if (off < VIRTIO_PCICFG_DATA + 4 && off + len > VIRTIO_PCICFG_DATA)
		virtio_pci_cfg_window(vp, 0, &win);
	pthread_mutex_lock(&vp->vp_lock);
	memcpy(img, vp->vp_cfg, sizeof img);
	memcpy(img + VIRTIO_PCICFG_BAR, vp->vp_win, sizeof vp->vp_win);
	vmm_le_put(img + VIRTIO_PCICFG_DATA, win, 4);
	vmm_le_put(img + PCI_CFG_COMMAND, vp->vp_cmd, 2);
	if (vp->vp_isr != 0 && !(vp->vp_msix_ctrl & MSIX_CTRL_ENABLE))
		status |= PCI_STATUS_INTX;
	vmm_le_put(img + PCI_CFG_STATUS, status, 2);
	vmm_le_put(img + PCI_CFG_BAR0, pci_bar_read(&vp->vp_bar, 0), 4);
	img[PCI_CFG_INTLINE] = vp->vp_intline;
	vmm_le_put(img + VIRTIO_PCI_CAP_MSIX + 2,
	    (vp->vp_nvec - 1) | vp->vp_msix_ctrl, 2);
	pthread_mutex_unlock(&vp->vp_lock);
	return ((uint32_t)vmm_le_get(img + off, len));
}

/*
 * Writable: command (memory, bus master, INTx disable), BAR0 (sizing and
 * moving it), the interrupt line, MSI-X enable and function mask, and the
 * PCI_CFG window's fields.  Everything else is read-only and ignored.
 */
static void
virtio_pci_cfg_write(void *arg, uint32_t off, uint32_t len, uint32_t val)
{
	struct virtio_pci	*vp = arg;
	struct virtio_pci_msg	 msgs[VIRTIO_PCI_MAX_VECTORS];
	uint8_t			 bar[4], b, data[4] = { 0 };
	unsigned int		 n, i;
	uint32_t		 reg, win;
	int			 barw = 0, winw = 0;

	if (off >= VIRTIO_PCI_CFG_SIZE || len > 4)
		return;
	/* Config writes are rare; this keeps gcc's inliner from seeing an
	 * uninitialised read that cannot happen. */
	memset(msgs, 0, sizeof msgs);
	pthread_mutex_lock(&vp->vp_lock);
	vmm_le_put(bar, pci_bar_read(&vp->vp_bar, 0), 4);
	for (i = 0; i < len; i++) {
		reg = off + i;
		b = (uint8_t)(val >> (8 * i));
		if (reg == PCI_CFG_COMMAND)
			vp->vp_cmd = (vp->vp_cmd & 0xff00) |
			    (b & (PCI_CMD_MASK & 0xff));
		else if (reg == PCI_CFG_COMMAND + 1)
			vp->vp_cmd = (vp->vp_cmd & 0x00ff) |
			    ((b << 8) & (PCI_CMD_MASK & 0xff00));
		else if (reg >= PCI_CFG_BAR0 && reg < PCI_CFG_BAR0 + 4) {
			bar[reg - PCI_CFG_BAR0] = b;
			barw = 1;
		} else if (reg == PCI_CFG_INTLINE)
			vp->vp_intline = b;
		else if (reg == VIRTIO_PCI_CAP_MSIX + 3)
			vp->vp_msix_ctrl = (b << 8) &
			    (MSIX_CTRL_ENABLE | MSIX_CTRL_FMASK);
		else if (reg == VIRTIO_PCICFG_BAR ||
		    (reg >= VIRTIO_PCICFG_OFF && reg < VIRTIO_PCICFG_DATA))
			vp->vp_win[reg - VIRTIO_PCICFG_BAR] = b;
		else if (reg >= VIRTIO_PCICFG_DATA &&
		    reg < VIRTIO_PCICFG_DATA + 4) {
			data[reg - VIRTIO_PCICFG_DATA] = b;
			winw = 1;
		}
	}
	if (barw)
		pci_bar_write(&vp->vp_bar, 0, (uint32_t)vmm_le_get(bar, 4));
	virtio_pci_map(vp);
	virtio_pci_intx_update(vp);
	n = virtio_pci_msix_flush(vp, msgs);
	pthread_mutex_unlock(&vp->vp_lock);
	virtio_pci_send(vp, msgs, n);
	if (winw) {
		win = (uint32_t)vmm_le_get(data, 4);
		virtio_pci_cfg_window(vp, 1, &win);
	}
}

/*
 * Trap BAR0 where the guest put it if memory decoding is on, and move the
 * queues' ioeventfds along.  A place that overlaps another device's range
 * stays untrapped (the guest gets all ones there).  vp_lock held.
 */
static void
virtio_pci_map(struct virtio_pci *vp)
{
	struct virtio_pci_queue	*pq;
	uint64_t		 want = 0;
	unsigned int		 i;

	if ((vp->vp_cmd & PCI_CMD_MEM) && vp->vp_bar.pb_addr != 0)
		want = vp->vp_bar.pb_addr;
	if (want == vp->vp_mapped)
		return;
	virtio_pci_unmap(vp);
	if (want == 0)
		return;
	if (iotrap_register(vp->vp_vmm, IOTRAP_MMIO, want,
	    VIRTIO_PCI_BAR_SIZE, virtio_pci_bar_io, vp,
	    vp->vp_ops.vo_name) == -1) {
		if (virtio_pci_log_ok(vp))
			log_warnx("%s: BAR at %#llx: %s", vp->vp_ops.vo_name,
			    (unsigned long long)want, strerror(errno));
		return;
	}
	vp->vp_mapped = want;
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
		pq = &vp->vp_queues[i];
		if (pq->pq_efd == -1)
			continue;
		/* Drivers write the 16-bit queue index; other widths trap
		 * and are forwarded by virtio_pci_bar_io. */
		if (kvm_ioeventfd(vp->vp_vmm, IOTRAP_MMIO, want +
		    VIRTIO_PCI_NOTIFY + VIRTIO_PCI_NOTIFY_MULT * i, 2,
		    pq->pq_efd, 1) == 0)
			pq->pq_ioev = 1;
		else
			log_debug("%s: queue %u ioeventfd: %s",
			    vp->vp_ops.vo_name, i, strerror(errno));
	}
}

static void
virtio_pci_unmap(struct virtio_pci *vp)
{
	struct virtio_pci_queue	*pq;
	unsigned int		 i;

	if (vp->vp_mapped == 0)
		return;
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
		pq = &vp->vp_queues[i];
		if (!pq->pq_ioev)
			continue;
		kvm_ioeventfd(vp->vp_vmm, IOTRAP_MMIO, vp->vp_mapped +
		    VIRTIO_PCI_NOTIFY + VIRTIO_PCI_NOTIFY_MULT * i, 2,
		    pq->pq_efd, 0);
		pq->pq_ioev = 0;
	}
	iotrap_unregister(vp->vp_vmm, IOTRAP_MMIO, vp->vp_mapped);
	vp->vp_mapped = 0;
}

/* One access to BAR0, on a vCPU thread (or a test). */
static void
virtio_pci_bar_io(void *arg, struct iotrap_access *ia)
{
	struct virtio_pci	*vp = arg;
	struct virtio_pci_msg	 msgs[VIRTIO_PCI_MAX_VECTORS];
	uint32_t		 off = (uint32_t)ia->ia_off, len = ia->ia_len;
	unsigned int		 n, q;
	int			 post;

	if (!ia->ia_write)
		ia->ia_data = 0;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return;
	if (off < VIRTIO_PCI_COMMON + VIRTIO_PCI_REGION) {
		if (!ia->ia_write) {
			pthread_mutex_lock(&vp->vp_lock);
			virtio_pci_common_read(vp, off, len, &ia->ia_data);
			pthread_mutex_unlock(&vp->vp_lock);
			return;
		}
		/* Writes may reset the device: queue lock first. */
		pthread_mutex_lock(&vp->vp_qlock);
		pthread_mutex_lock(&vp->vp_lock);
		post = virtio_pci_common_write(vp, off, len, ia->ia_data);
		pthread_mutex_unlock(&vp->vp_lock);
		if ((post & VIRTIO_PCI_POST_RESET) &&
		    vp->vp_ops.vo_reset != NULL)
			vp->vp_ops.vo_reset(vp->vp_dev);
		if (post & VIRTIO_PCI_POST_DRIVER_OK) {
			if (vp->vp_ops.vo_driver_ok != NULL)
				vp->vp_ops.vo_driver_ok(vp->vp_dev);
			/* Buffers added before DRIVER_OK were not kicked. */
			for (q = 0; q < vp->vp_ops.vo_nqueues; q++)
				virtio_pci_kick_locked(vp, q);
		}
		pthread_mutex_unlock(&vp->vp_qlock);
		if (post & VIRTIO_PCI_POST_CONFIG_IRQ)
			virtio_pci_raise(vp, -1);
		return;
	}
	if (off >= VIRTIO_PCI_ISR && off < VIRTIO_PCI_ISR + VIRTIO_PCI_REGION) {
		if (ia->ia_write || off != VIRTIO_PCI_ISR)
			return;
		pthread_mutex_lock(&vp->vp_lock);
		ia->ia_data = vp->vp_isr;
		vp->vp_isr = 0;
		virtio_pci_intx_update(vp);
		pthread_mutex_unlock(&vp->vp_lock);
		return;
	}
	if (off >= VIRTIO_PCI_DEVCFG &&
	    off < VIRTIO_PCI_DEVCFG + VIRTIO_PCI_REGION) {
		virtio_pci_devcfg_io(vp, off - VIRTIO_PCI_DEVCFG, len, ia);
		return;
	}
	if (off >= VIRTIO_PCI_NOTIFY &&
	    off < VIRTIO_PCI_NOTIFY + VIRTIO_PCI_REGION) {
		q = (off - VIRTIO_PCI_NOTIFY) / VIRTIO_PCI_NOTIFY_MULT;
		if (ia->ia_write && off % VIRTIO_PCI_NOTIFY_MULT == 0 &&
		    q < vp->vp_ops.vo_nqueues)
			virtio_pci_kick(vp, q);
		return;
	}
	if (off >= VIRTIO_PCI_MSIX_TABLE &&
	    off < VIRTIO_PCI_MSIX_PBA + VIRTIO_PCI_REGION) {
		pthread_mutex_lock(&vp->vp_lock);
		n = virtio_pci_msix_io(vp, off, len, ia, msgs);
		pthread_mutex_unlock(&vp->vp_lock);
		virtio_pci_send(vp, msgs, n);
	}
}

/* A read of the common config: the selected queue's view.  vp_lock. */
static void
virtio_pci_common_read(struct virtio_pci *vp, uint32_t off, uint32_t len,
    uint64_t *val)
{
	struct virtio_pci_queue	*pq = NULL;
	uint8_t			 img[64];
	uint64_t		 f = 0;

	if (off >= VIRTIO_PCI_COMMON_LEN || len > VIRTIO_PCI_COMMON_LEN - off)
		return;
	memset(img, 0, sizeof img);
	vmm_le_put(img + VIRTIO_COMMON_DFSELECT, vp->vp_dfselect, 4);
	if (vp->vp_dfselect < 2)
		f = vp->vp_offered >> (32 * vp->vp_dfselect);
	vmm_le_put(img + VIRTIO_COMMON_DF, f, 4);
	vmm_le_put(img + VIRTIO_COMMON_GFSELECT, vp->vp_gfselect, 4);
	f = 0;
	if (vp->vp_gfselect < 2)
		f = vp->vp_gfeatures >> (32 * vp->vp_gfselect);
	vmm_le_put(img + VIRTIO_COMMON_GF, f, 4);
	vmm_le_put(img + VIRTIO_COMMON_MSIX, vp->vp_msix_config, 2);
	vmm_le_put(img + VIRTIO_COMMON_NUMQ, vp->vp_ops.vo_nqueues, 2);
	img[VIRTIO_COMMON_STATUS] = vp->vp_status;
	img[VIRTIO_COMMON_CFGGEN] = vp->vp_generation;
	vmm_le_put(img + VIRTIO_COMMON_Q_SELECT, vp->vp_qsel, 2);
	if (vp->vp_qsel < vp->vp_ops.vo_nqueues)
		pq = &vp->vp_queues[vp->vp_qsel];
	if (pq != NULL) {
		vmm_le_put(img + VIRTIO_COMMON_Q_SIZE, pq->pq_size, 2);
		vmm_le_put(img + VIRTIO_COMMON_Q_MSIX, pq->pq_vector, 2);
		vmm_le_put(img + VIRTIO_COMMON_Q_ENABLE, pq->pq_enable, 2);
		vmm_le_put(img + VIRTIO_COMMON_Q_NOFF, vp->vp_qsel, 2);
		vmm_le_put(img + VIRTIO_COMMON_Q_DESC, pq->pq_desc, 8);
		vmm_le_put(img + VIRTIO_COMMON_Q_DRIVER, pq->pq_driver, 8);
		vmm_le_put(img + VIRTIO_COMMON_Q_DEVICE, pq->pq_device, 8);
	}
	*val = vmm_le_get(img + off, len);
}

/* Write len bytes at byte offset off of a 64-bit register (4 or 8). */
static void
virtio_pci_set64(uint64_t *reg, uint32_t off, uint32_t len, uint64_t val)
{
	if (len == 8 && off == 0)
		*reg = val;
	else if (len == 4 && off == 0)
		*reg = (*reg & 0xffffffff00000000ULL) | (uint32_t)val;
	else if (len == 4 && off == 4)
		*reg = (*reg & 0xffffffffULL) | (uint64_t)(uint32_t)val << 32;
}

/*
 * A write to the common config; returns VIRTIO_PCI_POST_* for the caller
 * to act on after dropping vp_lock.  Both locks held.  Fields are written
 * with their own width; the 64-bit ones also as two 32-bit halves.
 */
static int
virtio_pci_common_write(struct virtio_pci *vp, uint32_t off, uint32_t len,
    uint64_t val)
{
	struct virtio_pci_queue	*pq = NULL;
	uint64_t		 mask;

	if (vp->vp_qsel < vp->vp_ops.vo_nqueues)
		pq = &vp->vp_queues[vp->vp_qsel];
	switch (off) {
	case VIRTIO_COMMON_DFSELECT:
		if (len == 4)
			vp->vp_dfselect = (uint32_t)val;
		return (0);
	case VIRTIO_COMMON_GFSELECT:
		if (len == 4)
			vp->vp_gfselect = (uint32_t)val;
		return (0);
	case VIRTIO_COMMON_GF:
		/* Fixed once the device accepted them. */
		if (len != 4 || vp->vp_gfselect > 1 ||
		    (vp->vp_status & VIRTIO_STATUS_FEATURES_OK))
			return (0);
		mask = 0xffffffffULL << (32 * vp->vp_gfselect);
		vp->vp_gfeatures = (vp->vp_gfeatures & ~mask) |
		    ((val & 0xffffffffULL) << (32 * vp->vp_gfselect));
		return (0);
	case VIRTIO_COMMON_MSIX:
		if (len == 2)
			vp->vp_msix_config = (uint16_t)val < vp->vp_nvec ?
			    (uint16_t)val : VIRTIO_PCI_NO_VECTOR;
		return (0);
	case VIRTIO_COMMON_STATUS:
		if (len == 1)
			return (virtio_pci_status_write(vp, (uint8_t)val));
		return (0);
	case VIRTIO_COMMON_Q_SELECT:
		if (len == 2)
			vp->vp_qsel = (uint16_t)val;
		return (0);
	}
	if (pq == NULL)
		return (0);
	switch (off) {
	case VIRTIO_COMMON_Q_SIZE:
		if (len == 2 && !pq->pq_enable)
			pq->pq_size = (uint16_t)val;
		return (0);
	case VIRTIO_COMMON_Q_MSIX:
		if (len == 2)
			pq->pq_vector = (uint16_t)val < vp->vp_nvec ?
			    (uint16_t)val : VIRTIO_PCI_NO_VECTOR;
		return (0);
	case VIRTIO_COMMON_Q_ENABLE:
		/* Only 1 means something without RING_RESET. */
		if (len == 2 && val == 1 && !pq->pq_enable &&
		    virtio_pci_queue_enable(vp, pq) == -1)
			return (VIRTIO_PCI_POST_CONFIG_IRQ);
		return (0);
	}
	if (pq->pq_enable)
		return (0);
	if (off >= VIRTIO_COMMON_Q_DESC && off < VIRTIO_COMMON_Q_DESC + 8)
		virtio_pci_set64(&pq->pq_desc, off - VIRTIO_COMMON_Q_DESC,
		    len, val);
	else if (off >= VIRTIO_COMMON_Q_DRIVER &&
	    off < VIRTIO_COMMON_Q_DRIVER + 8)
		virtio_pci_set64(&pq->pq_driver, off - VIRTIO_COMMON_Q_DRIVER,
		    len, val);
	else if (off >= VIRTIO_COMMON_Q_DEVICE &&
	    off < VIRTIO_COMMON_Q_DEVICE + 8)
		virtio_pci_set64(&pq->pq_device, off - VIRTIO_COMMON_Q_DEVICE,
		    len, val);
	return (0);
}

/*
 * The driver enabled a queue: check its rings now, so a bad address is
 * refused here (device broken) rather than at the first kick.  Returns -1
 * if the device broke and the driver should hear of it.
 */
static int
virtio_pci_queue_enable(struct virtio_pci *vp, struct virtio_pci_queue *pq)
{
	uint64_t	features;
	int		running;

	features = __atomic_load_n(&vp->vp_features, __ATOMIC_RELAXED);
	if (virtqueue_enable(pq->pq_vq, pq->pq_size, pq->pq_desc,
	    pq->pq_driver, pq->pq_device, features) == 0) {
		pq->pq_enable = 1;
		return (0);
	}
	if (virtio_pci_log_ok(vp))
		log_warnx("%s: queue %u: bad rings (size %u, desc %#llx, "
		    "avail %#llx, used %#llx): %s", vp->vp_ops.vo_name,
		    virtqueue_index(pq->pq_vq), pq->pq_size,
		    (unsigned long long)pq->pq_desc,
		    (unsigned long long)pq->pq_driver,
		    (unsigned long long)pq->pq_device, strerror(errno));
	running = (vp->vp_status & VIRTIO_STATUS_DRIVER_OK) != 0;
	vp->vp_broken = 1;
	vp->vp_status |= VIRTIO_STATUS_NEEDS_RESET;
	return (running ? -1 : 0);
}

/*
 * device_status: 0 resets; otherwise the driver adds bits.  FEATURES_OK
 * sticks only for a feature set that is a subset of what we offer and has
 * VERSION_1 (no legacy interface here).  NEEDS_RESET is the device's.
 */
static int
virtio_pci_status_write(struct virtio_pci *vp, uint8_t v)
{
	uint8_t	old = vp->vp_status, nv;
	int	post = 0;

	if (v == 0) {
		virtio_pci_reset_device(vp);
		return (VIRTIO_PCI_POST_RESET);
	}
	nv = (uint8_t)((v & ~VIRTIO_STATUS_NEEDS_RESET) |
	    (old & VIRTIO_STATUS_NEEDS_RESET));
	if ((nv & VIRTIO_STATUS_FEATURES_OK) &&
	    !(old & VIRTIO_STATUS_FEATURES_OK)) {
		if ((vp->vp_gfeatures & ~vp->vp_offered) != 0 ||
		    !(vp->vp_gfeatures & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
			nv &= ~VIRTIO_STATUS_FEATURES_OK;
		else
			__atomic_store_n(&vp->vp_features, vp->vp_gfeatures,
			    __ATOMIC_RELAXED);
	}
	if ((nv & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
		post |= VIRTIO_PCI_POST_DRIVER_OK;
	vp->vp_status = nv;
	return (post);
}

/*
 * The virtio part of a reset (status 0): registers, queues, ISR.  The
 * MSI-X table is PCI function state and survives.  vp_lock held (or the
 * device not yet published).
 */
static void
virtio_pci_reset_device(struct virtio_pci *vp)
{
	struct virtio_pci_queue	*pq;
	unsigned int		 i;

	vp->vp_dfselect = vp->vp_gfselect = 0;
	vp->vp_gfeatures = 0;
	__atomic_store_n(&vp->vp_features, 0, __ATOMIC_RELAXED);
	vp->vp_msix_config = VIRTIO_PCI_NO_VECTOR;
	vp->vp_status = 0;
	vp->vp_qsel = 0;
	vp->vp_isr = 0;
	vp->vp_broken = 0;
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
		pq = &vp->vp_queues[i];
		virtqueue_reset(pq->pq_vq);
		pq->pq_size = (uint16_t)vp->vp_ops.vo_queue_max;
		pq->pq_vector = VIRTIO_PCI_NO_VECTOR;
		pq->pq_enable = 0;
		pq->pq_desc = pq->pq_driver = pq->pq_device = 0;
	}
	if (vp->vp_slot != -1)
		virtio_pci_intx_update(vp);
}

void
virtio_pci_reset(struct virtio_pci *vp)
{
	unsigned int	i;

	if (vp == NULL)
		return;
	pthread_mutex_lock(&vp->vp_qlock);
	pthread_mutex_lock(&vp->vp_lock);
	virtio_pci_reset_device(vp);
	for (i = 0; i < VIRTIO_PCI_MAX_VECTORS; i++) {
		memset(&vp->vp_msix[i], 0, sizeof vp->vp_msix[i]);
		vp->vp_msix[i].pm_ctrl = MSIX_ENTRY_MASKED;
	}
	memset(vp->vp_pba, 0, sizeof vp->vp_pba);
	vp->vp_msix_ctrl = 0;
	vp->vp_cmd = PCI_CMD_MEM;
	vp->vp_bar.pb_addr = VMM_PCI_MMIO_BASE +
	    (uint64_t)vp->vp_slot * VIRTIO_PCI_SLOT_STRIDE;
	vp->vp_intline = (uint8_t)vp->vp_gsi;
	virtio_pci_intx_update(vp);
	virtio_pci_map(vp);
	pthread_mutex_unlock(&vp->vp_lock);
	if (vp->vp_ops.vo_reset != NULL)
		vp->vp_ops.vo_reset(vp->vp_dev);
	pthread_mutex_unlock(&vp->vp_qlock);
}

/* Device config: split into naturally aligned pieces for the model. */
static void
virtio_pci_devcfg_io(struct virtio_pci *vp, uint32_t off, uint32_t len,
    struct iotrap_access *ia)
{
	const struct virtio_pci_ops	*ops = &vp->vp_ops;
	uint32_t			 step, i, v;
	uint64_t			 out = 0;

	if (off >= ops->vo_config_size || len > ops->vo_config_size - off)
		return;
	step = len;
	if (len == 8 || off % len != 0)
		step = off % 4 == 0 && len == 8 ? 4 : 1;
	pthread_mutex_lock(&vp->vp_lock);
	for (i = 0; i < len; i += step) {
		if (ia->ia_write) {
			if (ops->vo_config_write != NULL)
				ops->vo_config_write(vp->vp_dev, off + i, step,
				    (uint32_t)(ia->ia_data >> (8 * i)) &
				    (step < 4 ? (1U << (8 * step)) - 1 :
				    0xffffffffU));
		} else if (ops->vo_config_read != NULL) {
			v = ops->vo_config_read(vp->vp_dev, off + i, step);
			if (step < 4)
				v &= (1U << (8 * step)) - 1;
			out |= (uint64_t)v << (8 * i);
		}
	}
	pthread_mutex_unlock(&vp->vp_lock);
	if (!ia->ia_write)
		ia->ia_data = out;
}

/*
 * MSI-X table (4- or 8-byte accesses) and PBA (read-only).  Unmasking an
 * entry with its pending bit set sends it: the messages go to msgs and
 * the count is returned.  vp_lock held.
 */
static unsigned int
virtio_pci_msix_io(struct virtio_pci *vp, uint32_t off, uint32_t len,
    struct iotrap_access *ia, struct virtio_pci_msg *msgs)
{
	struct virtio_pci_msix	*e;
	uint32_t		*field, i, o;
	uint64_t		 out = 0;

	if ((len != 4 && len != 8) || off % len != 0)
		return (0);
	if (off >= VIRTIO_PCI_MSIX_PBA) {
		o = off - VIRTIO_PCI_MSIX_PBA;
		if (!ia->ia_write && o < sizeof vp->vp_pba)
			ia->ia_data = vmm_le_get((uint8_t *)vp->vp_pba +
			    o, len);
		return (0);
	}
	for (i = 0; i < len; i += 4) {
		o = off - VIRTIO_PCI_MSIX_TABLE + i;
		if (o / MSIX_ENTRY_SIZE >= vp->vp_nvec)
			continue;
		e = &vp->vp_msix[o / MSIX_ENTRY_SIZE];
		switch ((o % MSIX_ENTRY_SIZE) / 4) {
		case 0:
			field = &e->pm_addr_lo;
			break;
		case 1:
			field = &e->pm_addr_hi;
			break;
		case 2:
			field = &e->pm_data;
			break;
		default:
			field = &e->pm_ctrl;
			break;
		}
		if (!ia->ia_write) {
			out |= (uint64_t)*field << (8 * i);
			continue;
		}
		*field = (uint32_t)(ia->ia_data >> (8 * i));
		if (field == &e->pm_ctrl)
			*field &= MSIX_ENTRY_MASKED;
	}
	if (!ia->ia_write) {
		ia->ia_data = out;
		return (0);
	}
	return (virtio_pci_msix_flush(vp, msgs));
}

/* Pending vectors that may now be sent go to msgs; returns how many. */
static unsigned int
virtio_pci_msix_flush(struct virtio_pci *vp, struct virtio_pci_msg *msgs)
{
	struct virtio_pci_msix	*e;
	unsigned int		 v, n = 0;

	if (!(vp->vp_msix_ctrl & MSIX_CTRL_ENABLE) ||
	    (vp->vp_msix_ctrl & MSIX_CTRL_FMASK))
		return (0);
	for (v = 0; v < vp->vp_nvec; v++) {
		e = &vp->vp_msix[v];
		if (!(vp->vp_pba[v / 64] & (1ULL << (v % 64))) ||
		    (e->pm_ctrl & MSIX_ENTRY_MASKED))
			continue;
		vp->vp_pba[v / 64] &= ~(1ULL << (v % 64));
		msgs[n].pg_vector = v;
		msgs[n].pg_addr = (uint64_t)e->pm_addr_hi << 32 | e->pm_addr_lo;
		msgs[n].pg_data = e->pm_data;
		n++;
	}
	return (n);
}

/*
 * Record an interrupt for queue q (-1: configuration change).  With
 * MSI-X on, returns 1 and fills *msg if the vector can be sent now, or
 * sets its pending bit if masked; a queue or config without a vector gets
 * nothing.  Without MSI-X, sets the ISR bit and raises INTx.  vp_lock.
 */
static int
virtio_pci_signal(struct virtio_pci *vp, int q, struct virtio_pci_msg *msg)
{
	struct virtio_pci_msix	*e;
	unsigned int		 v;

	if (vp->vp_msix_ctrl & MSIX_CTRL_ENABLE) {
		v = q < 0 ? vp->vp_msix_config : vp->vp_queues[q].pq_vector;
		if (v >= vp->vp_nvec)
			return (0);
		e = &vp->vp_msix[v];
		if ((vp->vp_msix_ctrl & MSIX_CTRL_FMASK) ||
		    (e->pm_ctrl & MSIX_ENTRY_MASKED)) {
			vp->vp_pba[v / 64] |= 1ULL << (v % 64);
			return (0);
		}
		msg->pg_vector = v;
		msg->pg_addr = (uint64_t)e->pm_addr_hi << 32 | e->pm_addr_lo;
		msg->pg_data = e->pm_data;
		return (1);
	}
	vp->vp_isr |= q < 0 ? VIRTIO_ISR_CONFIG : VIRTIO_ISR_QUEUE;
	virtio_pci_intx_update(vp);
	return (0);
}

static void
virtio_pci_raise(struct virtio_pci *vp, int q)
{
	struct virtio_pci_msg	msg;
	int			send;

	pthread_mutex_lock(&vp->vp_lock);
	send = virtio_pci_signal(vp, q, &msg);
	pthread_mutex_unlock(&vp->vp_lock);
	if (send)
		virtio_pci_send(vp, &msg, 1);
}

static void
virtio_pci_send(struct virtio_pci *vp, const struct virtio_pci_msg *msgs,
    unsigned int n)
{
	unsigned int	i;

	for (i = 0; i < n; i++) {
		if (virtio_pci_irqfd_send(vp, &msgs[i]) == -1 &&
		    irq_msi(vp->vp_vmm, msgs[i].pg_addr, msgs[i].pg_data) ==
		    -1)
			log_debug("%s: MSI %#llx/%#x: %s", vp->vp_ops.vo_name,
			    (unsigned long long)msgs[i].pg_addr,
			    msgs[i].pg_data, strerror(errno));
		__atomic_add_fetch(&vp->vp_interrupts, 1, __ATOMIC_RELAXED);
	}
}

/*
 * Send an MSI through the vector's irqfd, setting it up (eventfd, MSI
 * route, KVM_IRQFD) on first use and re-pointing the route when the guest
 * reprogrammed the entry.  Returns -1 when there is no irqfd to use (a
 * fake VM, or KVM refused), and the caller falls back to irq_msi().
 */
static int
virtio_pci_irqfd_send(struct virtio_pci *vp, const struct virtio_pci_msg *m)
{
	struct virtio_pci_irqfd	*pi = &vp->vp_irqfd[m->pg_vector];
	uint64_t		 one = 1;
	int			 gsi;

	if (!kvm_has_vm(vp->vp_vmm))
		return (-1);
	pthread_mutex_lock(&vp->vp_msilock);
	if (pi->pi_failed)
		goto fail;
	if (pi->pi_gsi == -1) {
		if ((pi->pi_fd = eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK)) == -1 ||
		    (gsi = irq_msi_route_add(vp->vp_vmm, m->pg_addr,
		    m->pg_data)) == -1)
			goto broken;
		pi->pi_gsi = gsi;
		if (irq_irqfd(vp->vp_vmm, (uint32_t)gsi, pi->pi_fd, 1) == -1)
			goto broken;
	} else if ((pi->pi_addr != m->pg_addr || pi->pi_data != m->pg_data) &&
	    irq_msi_route_set(vp->vp_vmm, (uint32_t)pi->pi_gsi, m->pg_addr,
	    m->pg_data) == -1)
		goto broken;
	pi->pi_addr = m->pg_addr;
	pi->pi_data = m->pg_data;
	if (write(pi->pi_fd, &one, sizeof one) != sizeof one &&
	    errno != EAGAIN)
		goto broken;
	pthread_mutex_unlock(&vp->vp_msilock);
	return (0);

broken:
	log_debug("%s: vector %u: irqfd: %s; using KVM_SIGNAL_MSI",
	    vp->vp_ops.vo_name, m->pg_vector, strerror(errno));
	pi->pi_failed = 1;
fail:
	pthread_mutex_unlock(&vp->vp_msilock);
	return (-1);
}

/* Undo every vector's irqfd and route. */
static void
virtio_pci_irqfd_clear(struct virtio_pci *vp)
{
	struct virtio_pci_irqfd	*pi;
	unsigned int		 i;

	for (i = 0; i < VIRTIO_PCI_MAX_VECTORS; i++) {
		pi = &vp->vp_irqfd[i];
		if (pi->pi_gsi != -1) {
			if (pi->pi_fd != -1)
				irq_irqfd(vp->vp_vmm, (uint32_t)pi->pi_gsi,
				    pi->pi_fd, 0);
			irq_msi_route_del(vp->vp_vmm, (uint32_t)pi->pi_gsi);
		}
		if (pi->pi_fd != -1)
			close(pi->pi_fd);
		pi->pi_fd = pi->pi_gsi = -1;
		pi->pi_failed = 0;
	}
}

/* Drive INTx from the ISR: level while a bit is set, unless MSI-X is on
 * or the guest disabled INTx.  vp_lock held. */
static void
virtio_pci_intx_update(struct virtio_pci *vp)
{
	int	level;

	level = vp->vp_isr != 0 && !(vp->vp_msix_ctrl & MSIX_CTRL_ENABLE) &&
	    !(vp->vp_cmd & PCI_CMD_INTX_DISABLE);
	if (level == vp->vp_intx)
		return;
	if (irq_set_level(vp->vp_vmm, vp->vp_gsi, level) == -1)
		log_debug("%s: INTx: %s", vp->vp_ops.vo_name, strerror(errno));
	vp->vp_intx = level;
	if (level)
		__atomic_add_fetch(&vp->vp_interrupts, 1, __ATOMIC_RELAXED);
}

/* virtqueue_notify decided the driver wants an interrupt. */
static void
virtio_pci_vq_interrupt(void *arg, struct virtqueue *vq)
{
	virtio_pci_raise(arg, (int)virtqueue_index(vq));
}

static void
virtio_pci_vq_broken(void *arg, struct virtqueue *vq, const char *why)
{
	struct virtio_pci	*vp = arg;
	char			*s;

	xasprintf(&s, "queue %u: %s", virtqueue_index(vq), why);
	virtio_pci_set_broken(vp, s);
	free(s);
}

void
virtio_pci_set_broken(struct virtio_pci *vp, const char *why)
{
	int	notify;

	pthread_mutex_lock(&vp->vp_lock);
	if (vp->vp_broken) {
		pthread_mutex_unlock(&vp->vp_lock);
		return;
	}
	vp->vp_broken = 1;
	vp->vp_status |= VIRTIO_STATUS_NEEDS_RESET;
	notify = (vp->vp_status & VIRTIO_STATUS_DRIVER_OK) != 0;
	if (virtio_pci_log_ok(vp))
		log_warnx("%s: device needs reset: %s", vp->vp_ops.vo_name,
		    why != NULL ? why : "error");
	pthread_mutex_unlock(&vp->vp_lock);
	if (notify)
		virtio_pci_raise(vp, -1);
}

int
virtio_pci_is_broken(struct virtio_pci *vp)
{
	int	broken;

	pthread_mutex_lock(&vp->vp_lock);
	broken = vp->vp_broken;
	pthread_mutex_unlock(&vp->vp_lock);
	return (broken);
}

void
virtio_pci_config_changed(struct virtio_pci *vp)
{
	int	notify;

	pthread_mutex_lock(&vp->vp_lock);
	vp->vp_generation++;
	notify = (vp->vp_status & VIRTIO_STATUS_DRIVER_OK) != 0;
	pthread_mutex_unlock(&vp->vp_lock);
	if (notify)
		virtio_pci_raise(vp, -1);
}

uint64_t
virtio_pci_features(struct virtio_pci *vp)
{
	return (__atomic_load_n(&vp->vp_features, __ATOMIC_RELAXED));
}

int
virtio_pci_has_feature(struct virtio_pci *vp, unsigned int bit)
{
	return (bit < 64 && (virtio_pci_features(vp) & VIRTIO_BIT(bit)) != 0);
}

struct virtqueue *
virtio_pci_queue(struct virtio_pci *vp, unsigned int n)
{
	if (n >= vp->vp_ops.vo_nqueues)
		return (NULL);
	return (vp->vp_queues[n].pq_vq);
}

int
virtio_pci_slot(struct virtio_pci *vp)
{
	return (vp->vp_slot);
}

uint64_t
virtio_pci_interrupts(struct virtio_pci *vp)
{
	return (__atomic_load_n(&vp->vp_interrupts, __ATOMIC_RELAXED));
}

/* Run queue q's model callback if the driver is up.  vp_qlock held. */
static void
virtio_pci_process(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_pci_queue	*pq = &vp->vp_queues[q];
	int			 ok;

	pthread_mutex_lock(&vp->vp_lock);
	ok = (vp->vp_status & (VIRTIO_STATUS_DRIVER_OK |
	    VIRTIO_STATUS_FEATURES_OK)) == (VIRTIO_STATUS_DRIVER_OK |
	    VIRTIO_STATUS_FEATURES_OK) && !vp->vp_broken && pq->pq_enable;
	pthread_mutex_unlock(&vp->vp_lock);
	if (ok)
		vp->vp_ops.vo_queue_notify(vp->vp_dev, pq->pq_vq);
}

/* Hand queue q to the I/O thread, or (fake VM) process it here with
 * vp_qlock held. */
static void
virtio_pci_kick_locked(struct virtio_pci *vp, unsigned int q)
{
	uint64_t	one = 1;

	if (!vp->vp_threaded) {
		virtio_pci_process(vp, q);
		return;
	}
	if (write(vp->vp_queues[q].pq_efd, &one, sizeof one) != sizeof one &&
	    errno != EAGAIN)
		log_debug("%s: kick: %s", vp->vp_ops.vo_name, strerror(errno));
}

int
virtio_pci_kick(struct virtio_pci *vp, unsigned int q)
{
	if (q >= vp->vp_ops.vo_nqueues) {
		errno = EINVAL;
		return (-1);
	}
	if (vp->vp_threaded) {
		/* An eventfd write needs no lock. */
		virtio_pci_kick_locked(vp, q);
		return (0);
	}
	pthread_mutex_lock(&vp->vp_qlock);
	virtio_pci_kick_locked(vp, q);
	pthread_mutex_unlock(&vp->vp_qlock);
	return (0);
}

int
virtio_pci_watch_fd(struct virtio_pci *vp, int fd,
    void (*cb)(void *, int))
{
	struct epoll_event	ev;
	unsigned int		i;
	int			ret = -1;

	if (fd < 0 || cb == NULL) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&vp->vp_lock);
	for (i = 0; i < VIRTIO_PCI_MAX_WATCH; i++) {
		if (vp->vp_watch[i].pw_fd == -1)
			break;
	}
	if (i == VIRTIO_PCI_MAX_WATCH)
		errno = ENOSPC;
	else {
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.u64 = VIRTIO_PCI_TAG(VIRTIO_PCI_TAG_WATCH, i);
		if (epoll_ctl(vp->vp_epfd, EPOLL_CTL_ADD, fd, &ev) == 0) {
			vp->vp_watch[i].pw_fd = fd;
			vp->vp_watch[i].pw_cb = cb;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&vp->vp_lock);
	return (ret);
}

int
virtio_pci_unwatch_fd(struct virtio_pci *vp, int fd)
{
	unsigned int	i;
	int		ret = -1;

	pthread_mutex_lock(&vp->vp_lock);
	for (i = 0; i < VIRTIO_PCI_MAX_WATCH; i++) {
		if (fd >= 0 && vp->vp_watch[i].pw_fd == fd)
			break;
	}
	if (i == VIRTIO_PCI_MAX_WATCH)
		errno = ENOENT;
	else {
		epoll_ctl(vp->vp_epfd, EPOLL_CTL_DEL, fd, NULL);
		vp->vp_watch[i].pw_fd = -1;
		vp->vp_watch[i].pw_cb = NULL;
		ret = 0;
	}
	pthread_mutex_unlock(&vp->vp_lock);
	return (ret);
}

/* One ready epoll entry: a queue kick or a watched fd. */
static void
virtio_pci_dispatch(struct virtio_pci *vp, uint64_t tag)
{
	void		(*cb)(void *, int) = NULL;
	uint64_t	 count;
	uint32_t	 i = (uint32_t)tag;
	int		 fd = -1;

	pthread_mutex_lock(&vp->vp_qlock);
	if (vp->vp_frozen) {
		/* Ready before the freeze; it waits in its fd. */
		pthread_mutex_unlock(&vp->vp_qlock);
		return;
	}
	if (tag >> 32 == VIRTIO_PCI_TAG_QUEUE &&
	    i < vp->vp_ops.vo_nqueues) {
		/* Several kicks make one pass. */
		if (read(vp->vp_queues[i].pq_efd, &count, sizeof count) ==
		    sizeof count)
			virtio_pci_process(vp, i);
	} else if (tag >> 32 == VIRTIO_PCI_TAG_WATCH &&
	    i < VIRTIO_PCI_MAX_WATCH) {
		pthread_mutex_lock(&vp->vp_lock);
		fd = vp->vp_watch[i].pw_fd;
		cb = vp->vp_watch[i].pw_cb;
		pthread_mutex_unlock(&vp->vp_lock);
		if (fd != -1 && cb != NULL)
			cb(vp->vp_dev, fd);
	}
	pthread_mutex_unlock(&vp->vp_qlock);
}

static void *
virtio_pci_thread(void *arg)
{
	struct virtio_pci	*vp = arg;
	struct epoll_event	 ev[16];
	int			 n, i;

	for (;;) {
		n = epoll_wait(vp->vp_epfd, ev, 16, -1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s: epoll_wait", vp->vp_ops.vo_name);
			return (NULL);
		}
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 >> 32 == VIRTIO_PCI_TAG_STOP)
				return (NULL);
			virtio_pci_dispatch(vp, ev[i].data.u64);
		}
	}
}

int
virtio_pci_poll(struct virtio_pci *vp, int timeout_ms)
{
	struct epoll_event	ev[16];
	int			n, i;

	if (vp->vp_threaded) {
		errno = EBUSY;
		return (-1);
	}
	if ((n = epoll_wait(vp->vp_epfd, ev, 16, timeout_ms)) == -1)
		return (-1);
	for (i = 0; i < n; i++)
		virtio_pci_dispatch(vp, ev[i].data.u64);
	return (n);
}

/* Suspend and resume ------------------------------------------------- */

/*
 * Take the queue eventfds and watched fds out of the I/O thread's poll
 * set, so it does nothing until virtio_pci_thaw; kicks and frames that
 * arrive meanwhile wait in their fds.  vp_qlock held, so no callback runs.
 */
static void
virtio_pci_freeze(struct virtio_pci *vp)
{
	unsigned int	i;

	if (!vp->vp_threaded || vp->vp_frozen)
		return;
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++)
		epoll_ctl(vp->vp_epfd, EPOLL_CTL_DEL, vp->vp_queues[i].pq_efd,
		    NULL);
	pthread_mutex_lock(&vp->vp_lock);
	for (i = 0; i < VIRTIO_PCI_MAX_WATCH; i++) {
		if (vp->vp_watch[i].pw_fd != -1)
			epoll_ctl(vp->vp_epfd, EPOLL_CTL_DEL,
			    vp->vp_watch[i].pw_fd, NULL);
	}
	pthread_mutex_unlock(&vp->vp_lock);
	vp->vp_frozen = 1;
}

/* The save is over (snap_defer): back into the poll set. */
static void
virtio_pci_thaw(void *arg)
{
	struct virtio_pci	*vp = arg;
	struct epoll_event	 ev;
	unsigned int		 i;

	pthread_mutex_lock(&vp->vp_qlock);
	if (vp->vp_frozen) {
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
			ev.data.u64 = VIRTIO_PCI_TAG(VIRTIO_PCI_TAG_QUEUE, i);
			if (epoll_ctl(vp->vp_epfd, EPOLL_CTL_ADD,
			    vp->vp_queues[i].pq_efd, &ev) == -1)
				log_warn("%s: queue %u", vp->vp_ops.vo_name, i);
		}
		pthread_mutex_lock(&vp->vp_lock);
		for (i = 0; i < VIRTIO_PCI_MAX_WATCH; i++) {
			if (vp->vp_watch[i].pw_fd == -1)
				continue;
			ev.data.u64 = VIRTIO_PCI_TAG(VIRTIO_PCI_TAG_WATCH, i);
			if (epoll_ctl(vp->vp_epfd, EPOLL_CTL_ADD,
			    vp->vp_watch[i].pw_fd, &ev) == -1)
				log_warn("%s: watch", vp->vp_ops.vo_name);
		}
		pthread_mutex_unlock(&vp->vp_lock);
		vp->vp_frozen = 0;
	}
	pthread_mutex_unlock(&vp->vp_qlock);
}

int
virtio_pci_save(struct virtio_pci *vp, struct snap *s)
{
	struct virtio_pci_queue	*pq;
	unsigned int		 i, held[VIRTIO_PCI_MAX_QUEUES];

	pthread_mutex_lock(&vp->vp_qlock);
	virtio_pci_freeze(vp);
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++)
		held[i] = vp->vp_ops.vo_held != NULL ?
		    vp->vp_ops.vo_held(vp->vp_dev, i) : 0;
	pthread_mutex_lock(&vp->vp_lock);
	snap_put_u8(s, (uint8_t)vp->vp_slot);
	snap_put_u16(s, (uint16_t)vp->vp_nvec);
	snap_put_u16(s, (uint16_t)vp->vp_ops.vo_nqueues);
	snap_put_u16(s, vp->vp_cmd);
	snap_put_u64(s, vp->vp_bar.pb_addr);
	snap_put_u8(s, vp->vp_intline);
	snap_put_u16(s, vp->vp_msix_ctrl);
	for (i = 0; i < vp->vp_nvec; i++) {
		snap_put_u32(s, vp->vp_msix[i].pm_addr_lo);
		snap_put_u32(s, vp->vp_msix[i].pm_addr_hi);
		snap_put_u32(s, vp->vp_msix[i].pm_data);
		snap_put_u32(s, vp->vp_msix[i].pm_ctrl);
	}
	snap_put_u64(s, vp->vp_pba[0]);
	snap_put_u64(s, vp->vp_pba[1]);
	snap_put_u32(s, vp->vp_dfselect);
	snap_put_u32(s, vp->vp_gfselect);
	snap_put_u64(s, vp->vp_gfeatures);
	snap_put_u64(s, virtio_pci_features(vp));
	snap_put_u16(s, vp->vp_msix_config);
	snap_put_u8(s, vp->vp_status);
	snap_put_u8(s, vp->vp_generation);
	snap_put_u16(s, vp->vp_qsel);
	snap_put_u8(s, vp->vp_isr);
	snap_put_u8(s, (uint8_t)vp->vp_broken);
	snap_put_bytes(s, vp->vp_win, sizeof vp->vp_win);
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
		pq = &vp->vp_queues[i];
		snap_put_u16(s, pq->pq_size);
		snap_put_u16(s, pq->pq_vector);
		snap_put_u16(s, pq->pq_enable);
		snap_put_u64(s, pq->pq_desc);
		snap_put_u64(s, pq->pq_driver);
		snap_put_u64(s, pq->pq_device);
		virtqueue_save(pq->pq_vq, s, held[i]);
	}
	pthread_mutex_unlock(&vp->vp_lock);
	snap_defer(s, virtio_pci_thaw, vp);
	pthread_mutex_unlock(&vp->vp_qlock);
	return (0);
}

/* The registers of a state saved by virtio_pci_save.  Both locks held. */
static int
virtio_pci_restore_regs(struct virtio_pci *vp, struct snap *s)
{
	struct virtio_pci_queue	*pq;
	uint64_t		 bar, features;
	uint16_t		 nvec, nq;
	uint8_t			 slot, broken;
	unsigned int		 i;

	if (snap_get_u8(s, &slot) != 0 || snap_get_u16(s, &nvec) != 0 ||
	    snap_get_u16(s, &nq) != 0)
		return (-1);
	if (slot != vp->vp_slot || nvec != vp->vp_nvec ||
	    nq != vp->vp_ops.vo_nqueues)
		goto bad;
	snap_get_u16(s, &vp->vp_cmd);
	snap_get_u64(s, &bar);
	snap_get_u8(s, &vp->vp_intline);
	snap_get_u16(s, &vp->vp_msix_ctrl);
	vp->vp_cmd &= PCI_CMD_MASK;
	vp->vp_msix_ctrl &= MSIX_CTRL_ENABLE | MSIX_CTRL_FMASK;
	/* Where pci_bar_write could have put it. */
	if (bar % VIRTIO_PCI_BAR_SIZE != 0 || bar > 0xffffffffULL)
		goto bad;
	vp->vp_bar.pb_addr = bar;
	for (i = 0; i < vp->vp_nvec; i++) {
		snap_get_u32(s, &vp->vp_msix[i].pm_addr_lo);
		snap_get_u32(s, &vp->vp_msix[i].pm_addr_hi);
		snap_get_u32(s, &vp->vp_msix[i].pm_data);
		snap_get_u32(s, &vp->vp_msix[i].pm_ctrl);
		vp->vp_msix[i].pm_ctrl &= MSIX_ENTRY_MASKED;
	}
	snap_get_u64(s, &vp->vp_pba[0]);
	snap_get_u64(s, &vp->vp_pba[1]);
	snap_get_u32(s, &vp->vp_dfselect);
	snap_get_u32(s, &vp->vp_gfselect);
	snap_get_u64(s, &vp->vp_gfeatures);
	snap_get_u64(s, &features);
	snap_get_u16(s, &vp->vp_msix_config);
	snap_get_u8(s, &vp->vp_status);
	snap_get_u8(s, &vp->vp_generation);
	snap_get_u16(s, &vp->vp_qsel);
	snap_get_u8(s, &vp->vp_isr);
	snap_get_u8(s, &broken);
	if (snap_get_bytes(s, vp->vp_win, sizeof vp->vp_win) != 0)
		return (-1);
	if ((features & ~vp->vp_offered) != 0 || broken > 1 ||
	    (vp->vp_msix_config >= vp->vp_nvec &&
	    vp->vp_msix_config != VIRTIO_PCI_NO_VECTOR))
		goto bad;
	vp->vp_isr &= VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG;
	vp->vp_broken = broken;
	__atomic_store_n(&vp->vp_features, features, __ATOMIC_RELAXED);
	for (i = 0; i < vp->vp_ops.vo_nqueues; i++) {
		pq = &vp->vp_queues[i];
		snap_get_u16(s, &pq->pq_size);
		snap_get_u16(s, &pq->pq_vector);
		snap_get_u16(s, &pq->pq_enable);
		snap_get_u64(s, &pq->pq_desc);
		snap_get_u64(s, &pq->pq_driver);
		if (snap_get_u64(s, &pq->pq_device) != 0)
			return (-1);
		if (pq->pq_enable > 1 || (pq->pq_vector >= vp->vp_nvec &&
		    pq->pq_vector != VIRTIO_PCI_NO_VECTOR))
			goto bad;
		virtqueue_reset(pq->pq_vq);
		/* RAM is back already: the rings must check out again. */
		if (pq->pq_enable && virtqueue_enable(pq->pq_vq, pq->pq_size,
		    pq->pq_desc, pq->pq_driver, pq->pq_device, features) != 0)
			goto bad;
		if (virtqueue_restore(pq->pq_vq, s) != 0)
			return (-1);
	}
	return (0);
bad:
	errno = EINVAL;
	return (-1);
}

int
virtio_pci_restore(struct virtio_pci *vp, struct snap *s)
{
	int	rc;

	pthread_mutex_lock(&vp->vp_qlock);
	pthread_mutex_lock(&vp->vp_lock);
	rc = virtio_pci_restore_regs(vp, s);
	virtio_pci_map(vp);
	virtio_pci_intx_update(vp);
	pthread_mutex_unlock(&vp->vp_lock);
	pthread_mutex_unlock(&vp->vp_qlock);
	/* MSIs go out only once the LAPICs have their state. */
	if (rc == 0)
		snap_defer(s, virtio_pci_restart, vp);
	return (rc);
}

/* The whole VM is restored: let a running driver's device go on. */
static void
virtio_pci_restart(void *arg)
{
	struct virtio_pci	*vp = arg;
	unsigned int		 q;
	int			 running;

	pthread_mutex_lock(&vp->vp_qlock);
	pthread_mutex_lock(&vp->vp_lock);
	running = (vp->vp_status & (VIRTIO_STATUS_DRIVER_OK |
	    VIRTIO_STATUS_FEATURES_OK)) == (VIRTIO_STATUS_DRIVER_OK |
	    VIRTIO_STATUS_FEATURES_OK) && !vp->vp_broken;
	pthread_mutex_unlock(&vp->vp_lock);
	if (running) {
		if (vp->vp_ops.vo_driver_ok != NULL)
			vp->vp_ops.vo_driver_ok(vp->vp_dev);
		/* Kicks that waited in the old process's eventfds. */
		for (q = 0; q < vp->vp_ops.vo_nqueues; q++)
			virtio_pci_kick_locked(vp, q);
	}
	pthread_mutex_unlock(&vp->vp_qlock);
}
