/* SPDX-License-Identifier: ISC */
/*
 * The virtio device-model API: what virtio-rng, virtio-blk and virtio-net
 * use to be virtio 1.x devices on the PCI bus (virtio-pci.c, the modern
 * PCI transport) and to take requests off their split virtqueues
 * (virtqueue.c).  A device model fills a struct virtio_pci_ops, calls
 * virtio_pci_create() from its devtype's create, and does its work in the
 * queue-notify callback with virtqueue_pop / virtqueue_push /
 * virtqueue_notify.
 *
 * A device model in five steps (virtio-rng.c is the complete example):
 *
 *	ops.vo_name = "virtio-blk"; ops.vo_type = VIRTIO_ID_BLOCK;
 *	ops.vo_nqueues = 1; ops.vo_queue_max = 256;
 *	ops.vo_features = VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | ...;
 *	ops.vo_config_size = sizeof config; ops.vo_config_read = ...;
 *	ops.vo_queue_notify = blk_notify; ops.vo_reset = blk_reset;
 *	vp = virtio_pci_create(vmm, &ops, blk, cause);
 *
 *	blk_notify(void *dev, struct virtqueue *vq):
 *		while (virtqueue_pop(vq, chain) == 1) {
 *			virtqueue_chain_read(chain, 0, &hdr, sizeof hdr);
 *			... preadv into the writable iovecs ...
 *			virtqueue_push(vq, chain, bytes_written);
 *		}
 *		virtqueue_notify(vq);
 *
 * Threads and locks (the contract device models rely on):
 *
 *  - Every virtio device on a real VM has one I/O thread of its own.  The
 *    guest's queue notifications reach it through an eventfd per queue
 *    (KVM_IOEVENTFD on the notify address, so a kick costs no exit to
 *    userspace); vo_queue_notify and the callbacks of virtio_pci_watch_fd
 *    run there, never on a vCPU thread.  On a fake VM (unit tests) there
 *    is no thread: a notify write runs vo_queue_notify on the writing
 *    thread before the write returns, and virtio_pci_poll() runs watched
 *    fds.  Interrupts from virtqueue_notify go out as MSI-X through one
 *    KVM irqfd per vector (KVM_SIGNAL_MSI as a fallback, the fake VM's
 *    recorder in tests), or as INTx with the ISR when MSI-X is off.
 *  - The "queue lock" of the device serialises all queue work:
 *    vo_queue_notify, watch callbacks, vo_reset and vo_driver_ok are each
 *    called with it held, so they never run concurrently with one another
 *    and a device model needs no lock for state only they touch.  A guest
 *    reset therefore waits for the request in progress to finish.
 *  - The "transport lock" guards the registers (common config, ISR,
 *    MSI-X table, the PCI config space).  vo_config_read and
 *    vo_config_write run on vCPU threads with the transport lock held (not
 *    the queue lock): they must be short, must not block and must not call
 *    any virtio_pci_* function except virtio_pci_features().  State they
 *    share with the queue callbacks needs the device's own lock or atomics.
 *  - virtqueue_* functions on a queue may be called only with the queue
 *    lock held: from the callbacks above, or through virtio_pci_kick().
 *  - A model that stops popping before the ring is empty (no room for
 *    more requests in flight, no RX data) must come back by itself: call
 *    virtio_pci_kick() (from any thread) when it can go on.  A model that
 *    completes requests later (asynchronous I/O) does so from a watch
 *    callback (virtio_pci_watch_fd on an eventfd or io_uring fd), which
 *    holds the queue lock as virtqueue_push requires.
 *  - virtio_pci_kick() must not be called from a queue-lock callback of
 *    the same device on a fake VM (it would deadlock on the queue lock);
 *    on a real VM it only writes an eventfd.
 *  - virtio_pci_features, virtio_pci_config_changed, virtio_pci_set_broken
 *    and virtio_pci_kick may be called from any thread outside the config
 *    callbacks.  Lock order: queue lock, then transport lock, then the
 *    iotrap table's lock.
 *
 * Guest memory is untrusted: virtqueue_pop validates every ring index,
 * descriptor and buffer; a bad one marks the device broken
 * (DEVICE_NEEDS_RESET and a configuration interrupt, see
 * virtio_pci_set_broken) and its queues are not processed again until the
 * driver resets it.  The iovecs a chain holds point into guest RAM, which
 * the guest may change at any time: read each header once into a local
 * copy before checking it.
 */
#ifndef VIREO_VIRTIO_H
#define VIREO_VIRTIO_H

#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

#include "vmm-dev.h"

struct snap;
struct virtio_pci;
struct virtqueue;

/* A feature bit number as a mask. */
#define VIRTIO_BIT(n)		(1ULL << (n))

/* Device types (virtio 1.x section 5). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Transport feature bit numbers (device-specific ones are 0-23). */
#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32

/* Split ring layout, for drivers written in tests and the fuzzer. */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY	1
#define VIRTQ_DESC_SIZE		16	/* le64 addr, le32 len, le16 flags+next */
#define VIRTQ_AVAIL_SIZE(n)	(6 + 2 * (uint64_t)(n))	/* with used_event */
#define VIRTQ_USED_SIZE(n)	(6 + 8 * (uint64_t)(n))	/* with avail_event */

/* Largest queue a device may offer, and so the most buffers in a chain. */
#define VIRTQUEUE_MAX_SIZE	1024
/* Default cap on the bytes of one chain (both directions together). */
#define VIRTQUEUE_MAX_BYTES	0xffffffffULL

/* Most queues one device may have (e.g. 31 net queue pairs + control). */
#define VIRTIO_PCI_MAX_QUEUES	64

/* MSI-X "no vector". */
#define VIRTIO_PCI_NO_VECTOR	0xffff

/* virtqueue.c --------------------------------------------------------- */

/*
 * One descriptor chain taken from the available ring: vc_nout
 * device-readable buffers in vc_iov[0 .. vc_nout), then vc_nin
 * device-writable ones in vc_iov[vc_nout .. vc_nout + vc_nin).  Every
 * iovec lies wholly inside guest RAM and is at least one byte long; the
 * totals are at most the queue's byte cap.  The struct is about 16 KiB:
 * keep it in the device's state or on the heap, not on a small stack.
 */
struct virtqueue_chain {
	uint16_t	 vc_head;	/* head descriptor = used element id */
	unsigned int	 vc_nout;	/* device-readable buffers, first */
	unsigned int	 vc_nin;	/* device-writable buffers, after */
	uint64_t	 vc_out_len;	/* bytes in the readable buffers */
	uint64_t	 vc_in_len;	/* bytes in the writable buffers */
	struct iovec	 vc_iov[VIRTQUEUE_MAX_SIZE]; /* into guest RAM */
};

/*
 * Take the next available chain.  Returns 1 with *chain filled, 0 when
 * the ring is empty or the queue is not enabled, or -1 with errno EIO when
 * the queue is (or just became) broken: an index, descriptor or buffer was
 * invalid (out of RAM, loop, too long, zero or oversize length, readable
 * after writable, nested or unnegotiated indirect).  With EVENT_IDX,
 * every pop (and an empty ring) publishes avail_event so the driver kicks
 * for its next buffer.
 * Queue lock held.
 */
int		 virtqueue_pop(struct virtqueue *, struct virtqueue_chain *);
/*
 * Return a chain popped from this queue to the driver, with written bytes
 * stored into its writable buffers (clamped to vc_in_len).  The used
 * element is visible to the driver before the used index moves (release
 * ordering).  0, or -1 with errno EIO if the queue is broken or not
 * enabled.  Queue lock held.
 */
int		 virtqueue_push(struct virtqueue *,
		    const struct virtqueue_chain *, uint32_t written);
/*
 * After one or more pushes: interrupt the driver if it wants one (its
 * used_event with EVENT_IDX, else the NO_INTERRUPT flag) and something
 * was pushed since the last call.  Returns 1 if an interrupt was raised,
 * 0 if not.  Queue lock held.
 */
int		 virtqueue_notify(struct virtqueue *);
/*
 * Copy up to len bytes from the chain's readable buffers at offset off
 * into buf, or from buf into its writable buffers at offset off.  Return
 * the count copied (short at the end of the buffers).
 */
size_t		 virtqueue_chain_read(const struct virtqueue_chain *,
		    uint64_t off, void *buf, size_t len);
size_t		 virtqueue_chain_write(const struct virtqueue_chain *,
		    uint64_t off, const void *buf, size_t len);
/* The queue's number in its device, and its negotiated size (0 if off). */
unsigned int	 virtqueue_index(const struct virtqueue *);
unsigned int	 virtqueue_size(const struct virtqueue *);
/* A device model's own pointer per queue (NULL until set). */
void		*virtqueue_priv(const struct virtqueue *);
void		 virtqueue_set_priv(struct virtqueue *, void *);

/*
 * Transport side: virtio-pci.c (and tests) create the queues and drive
 * their life cycle; device models do not call these.
 */

/* Called by virtqueue_notify (raise the interrupt) and when the queue
 * breaks (why is a static string for a person). */
typedef void	(*virtqueue_interrupt_fn)(void *arg, struct virtqueue *);
typedef void	(*virtqueue_broken_fn)(void *arg, struct virtqueue *,
		    const char *why);

/*
 * A disabled queue number index of vmm's RAM, up to max entries (a power
 * of two <= VIRTQUEUE_MAX_SIZE).  Both callbacks may be NULL.  NULL with
 * errno EINVAL for a bad max.
 */
struct virtqueue *virtqueue_create(struct vmm *, unsigned int index,
		    unsigned int max, virtqueue_interrupt_fn,
		    virtqueue_broken_fn, void *arg);
void		 virtqueue_free(struct virtqueue *);
/* Cap a chain's total bytes (1 .. VIRTQUEUE_MAX_BYTES). */
void		 virtqueue_set_max_bytes(struct virtqueue *, uint64_t);
/*
 * Check and enable the rings the driver set up: size a power of two no
 * larger than max, the descriptor table 16-byte aligned, avail 2 and used
 * 4, each wholly inside guest RAM.  features are the negotiated ones
 * (EVENT_IDX and INDIRECT_DESC matter).  0, or -1 with errno EINVAL (size
 * or alignment) or EFAULT (outside RAM), the queue staying disabled.
 */
int		 virtqueue_enable(struct virtqueue *, unsigned int size,
		    uint64_t desc, uint64_t avail, uint64_t used,
		    uint64_t features);
/* Back to disabled, not broken, indices 0 (device reset). */
void		 virtqueue_reset(struct virtqueue *);
int		 virtqueue_is_enabled(const struct virtqueue *);
int		 virtqueue_is_broken(const struct virtqueue *);

/* virtio-pci.c -------------------------------------------------------- */

/*
 * What a device model tells the transport.  virtio_pci_create copies the
 * struct, so it may be filled per instance (features that depend on the
 * backing disk, the config size).  dev is the model's state, passed to
 * every callback.
 */
struct virtio_pci_ops {
	const char	*vo_name;	/* "virtio-rng": logs, thread name */
	uint16_t	 vo_type;	/* VIRTIO_ID_*: PCI device 0x1040+type */
	uint32_t	 vo_class;	/* PCI class: class<<16|sub<<8|if */
	unsigned int	 vo_nqueues;	/* 1 .. VIRTIO_PCI_MAX_QUEUES */
	unsigned int	 vo_queue_max;	/* each queue's max size, power of 2 */
	uint64_t	 vo_features;	/* device bits (0-23) and INDIRECT_DESC;
					   VERSION_1 and EVENT_IDX are added */
	uint64_t	 vo_max_bytes;	/* per chain; 0: VIRTQUEUE_MAX_BYTES */
	uint32_t	 vo_config_size; /* device config bytes, 0 .. 4096 */
	/* Device config space accesses: naturally aligned 1, 2 or 4 bytes
	 * inside vo_config_size (8-byte accesses arrive as two 4-byte ones).
	 * vCPU thread, transport lock held.  NULL: reads 0, writes ignored. */
	uint32_t	(*vo_config_read)(void *dev, uint32_t off,
			    uint32_t len);
	void		(*vo_config_write)(void *dev, uint32_t off,
			    uint32_t len, uint32_t val);
	/* The driver kicked this queue (or DRIVER_OK was set): pop, work,
	 * push, notify.  I/O thread, queue lock held.  Required. */
	void		(*vo_queue_notify)(void *dev, struct virtqueue *);
	/* The device was reset (driver wrote 0, or the machine reset): drop
	 * every request in flight.  Queue lock held.  May be NULL. */
	void		(*vo_reset)(void *dev);
	/* The driver set DRIVER_OK; features are final.  Queue lock held,
	 * vCPU thread.  May be NULL.  Also called after a resume (then on
	 * the resuming thread) for a driver that was running. */
	void		(*vo_driver_ok)(void *dev);
	/* For a suspend: how many chains the model popped from queue n
	 * and has not pushed yet (a receive buffer in hand); the saved
	 * state gives them back to the ring.  Queue lock held.  May be
	 * NULL (none ever held). */
	unsigned int	(*vo_held)(void *dev, unsigned int n);
};

/*
 * Put a virtio device on vmm's PCI bus (pci_register on vmm_pci_bus, the
 * first free slot): config space with the virtio vendor capabilities and
 * MSI-X, one 32-bit memory BAR pre-programmed at VMM_PCI_MMIO_BASE + slot
 * MiB and enabled, INTx on GSI VMM_PCI_IRQ_BASE + slot % 8, and on a real
 * VM the I/O thread with its ioeventfds.  ops is copied; dev is borrowed
 * until virtio_pci_free.  Returns the transport, or NULL with *cause
 * (caller frees) and errno: no PCI bus, bad ops, no free slot, thread or
 * eventfd creation failed.
 */
struct virtio_pci *virtio_pci_create(struct vmm *,
		    const struct virtio_pci_ops *, void *dev, char **cause);
/*
 * Stop the I/O thread (waiting for a callback in progress), unmap the BAR
 * and free.  NULL is fine.  Only while no vCPU runs (vmm_free order): the
 * PCI slot keeps pointing at the device until the bus is freed.
 */
void		 virtio_pci_free(struct virtio_pci *);
/* Machine reset: the virtio device and its PCI function (BAR back at its
 * default, MSI-X off and masked), then vo_reset. */
void		 virtio_pci_reset(struct virtio_pci *);
/* The features the driver accepted with FEATURES_OK (0 before).  Any
 * thread, lock-free. */
uint64_t	 virtio_pci_features(struct virtio_pci *);
int		 virtio_pci_has_feature(struct virtio_pci *, unsigned int bit);
/* Queue n (0 .. vo_nqueues - 1), or NULL. */
struct virtqueue *virtio_pci_queue(struct virtio_pci *, unsigned int n);
/* The device config changed: bump config_generation and send the config
 * interrupt if the driver is running. */
void		 virtio_pci_config_changed(struct virtio_pci *);
/*
 * The device hit an error it cannot recover from (a bad chain, an
 * impossible request): set DEVICE_NEEDS_RESET, send the config interrupt
 * if DRIVER_OK, stop processing queues until the driver resets.  why is
 * logged (rate-limited) for the administrator.
 */
void		 virtio_pci_set_broken(struct virtio_pci *, const char *why);
int		 virtio_pci_is_broken(struct virtio_pci *);
/* Run queue n's vo_queue_notify on the I/O thread as if the driver had
 * kicked it (synchronously on a fake VM).  0 or -1/errno. */
int		 virtio_pci_kick(struct virtio_pci *, unsigned int n);
/*
 * Have the I/O thread call cb(dev, fd) when fd is readable (a TAP, a
 * timerfd), queue lock held.  The fd stays the caller's; remove it with
 * virtio_pci_unwatch_fd before closing it.  0 or -1/errno.
 */
int		 virtio_pci_watch_fd(struct virtio_pci *, int fd,
		    void (*cb)(void *dev, int fd));
int		 virtio_pci_unwatch_fd(struct virtio_pci *, int fd);
/* Fake VMs (no I/O thread): run the watch callbacks of readable fds,
 * waiting up to timeout_ms.  Returns how many ran, or -1/errno. */
int		 virtio_pci_poll(struct virtio_pci *, int timeout_ms);
/* The PCI slot, and interrupts raised so far (MSI and INTx edges). */
int		 virtio_pci_slot(struct virtio_pci *);
uint64_t	 virtio_pci_interrupts(struct virtio_pci *);

/*
 * Suspend and resume (snapshot.h).  virtio_pci_save writes the PCI
 * function and virtio registers, the MSI-X table and every queue's
 * configuration and indices; it stops the I/O thread, which stays idle
 * (kicks wait in their eventfds) until the snap is freed, so nothing
 * touches guest RAM while it is written.  virtio_pci_restore reads that
 * into a device just created with the same ops, re-enables the queues on
 * the restored RAM, moves the BAR trap and ioeventfds, and once the whole
 * VM is restored (snap_defer) calls vo_driver_ok for a running driver and
 * kicks every queue.  0, or -1 with errno EINVAL for a state that does
 * not fit (another device, bad values).  vCPUs stopped.
 */
int		 virtio_pci_save(struct virtio_pci *, struct snap *);
int		 virtio_pci_restore(struct virtio_pci *, struct snap *);
/* The queue's indices: used by virtio_pci_save/restore only; held chains
 * are given back to the ring.  Restore after virtqueue_enable. */
void		 virtqueue_save(const struct virtqueue *, struct snap *,
		    unsigned int held);
int		 virtqueue_restore(struct virtqueue *, struct snap *);

/* virtio-rng.c -------------------------------------------------------- */

/* The entropy device (vp_virtio_rng); absent unless the params ask. */
extern const struct vmm_devtype virtio_rng_devtype;

#endif
