/* SPDX-License-Identifier: ISC */
/*
 * The virtio modern PCI transport with a test device model, on a fake VM
 * with the PCI host bridge, driven the way a guest drives it (ECAM and BAR
 * accesses through iotrap_dispatch, rings in guest RAM): identity and
 * capability list walked from 0x34, BAR sizing and moving, memory
 * decoding, feature negotiation with FEATURES_OK refused for features not
 * offered, queue setup, notify calling the model, ISR read-clear with the
 * INTx level, MSI-X delivery and masking with pending bits, device config,
 * reset, and a bad chain setting DEVICE_NEEDS_RESET.
 *
 * The "kvm" case (only with /dev/kvm) runs hand-assembled guest code on a
 * real VM that kicks a queue: the kick must reach the model on the I/O
 * thread through the ioeventfd (no MMIO exit at all) and the completion
 * must arrive in the vCPU's LAPIC as the MSI the test programmed (through
 * the vector's irqfd), and the IOAPIC lines must still work after the MSI
 * route rewrote KVM's routing table.
 */

#include "config.h"

#include <sys/ioctl.h>

#include <linux/kvm.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "virtio-driver.h"
#include "vmm-int.h"

#define MiB		(1024ULL * 1024)
#define TDEV_TYPE	3		/* device 0x1043 */
#define TDEV_CLASS	0x078000	/* communication, other */
#define TDEV_QMAX	16
#define TDEV_F_A	0		/* device feature bits offered */
#define TDEV_F_B	5
#define RING_GPA	0x100000ULL
#define BUF_GPA		0x200000ULL
#define MSI_ADDR	0xfee00000ULL
#define CODE_GPA	0x300000ULL

/* The test's device model. */
struct tdev {
	struct virtio_pci	*vp;
	pthread_mutex_t		 lock;		/* the counters below */
	unsigned int		 notifies;	/* vo_queue_notify calls */
	unsigned int		 popped;	/* chains completed */
	unsigned int		 errors;	/* pops that failed */
	unsigned int		 resets;
	unsigned int		 driver_oks;
	unsigned int		 last_q;
	unsigned int		 watched;	/* watch callbacks */
	int			 watched_fd;	/* the last one's fd */
	pthread_t		 thread;	/* of the last notify */
	uint8_t			 cfg[8];	/* device config space */
	struct virtqueue_chain	 chain;
};

/* One test's world. */
struct tpci {
	struct vmm		*vmm;
	void			*bus;
	struct tdev		 td;
	struct virtio_driver	 vd;
};

static uint32_t	tdev_cfg_read(void *, uint32_t, uint32_t);
static void	tdev_cfg_write(void *, uint32_t, uint32_t, uint32_t);
static void	tdev_notify(void *, struct virtqueue *);
static void	tdev_reset(void *);
static void	tdev_driver_ok(void *);
static void	tdev_watch(void *, int);
static unsigned int tdev_count(struct tdev *, unsigned int *);
static void	tpci_device(struct tpci *);
static void	tpci_setup(struct tpci *);
static void	tpci_teardown(struct tpci *);
static void	tpci_ready(struct tpci *, uint16_t);
static void	tpci_add_buffer(struct tpci *);
static void	tpci_done(void *, struct iotrap_access *);
static Suite	*check_virtio_pci_suite(int);

static uint32_t
tdev_cfg_read(void *dev, uint32_t off, uint32_t len)
{
	struct tdev	*td = dev;
	uint32_t	 v = 0, i;

	ck_assert_uint_eq(off % len, 0);
	for (i = 0; i < len; i++)
		v |= (uint32_t)td->cfg[off + i] << (8 * i);
	return (v);
}

static void
tdev_cfg_write(void *dev, uint32_t off, uint32_t len, uint32_t val)
{
	struct tdev	*td = dev;
	uint32_t	 i;

	ck_assert_uint_eq(off % len, 0);
	for (i = 0; i < len; i++)
		td->cfg[off + i] = (uint8_t)(val >> (8 * i));
}

/* Complete every chain with its writable bytes filled with 0xab. */
static void
tdev_notify(void *dev, struct virtqueue *vq)
{
	struct tdev	*td = dev;
	unsigned int	 i, n = 0;
	int		 r;

	while ((r = virtqueue_pop(vq, &td->chain)) == 1) {
		for (i = td->chain.vc_nout; i < td->chain.vc_nout +
		    td->chain.vc_nin; i++)
			memset(td->chain.vc_iov[i].iov_base, 0xab,
			    td->chain.vc_iov[i].iov_len);
		virtqueue_push(vq, &td->chain, (uint32_t)td->chain.vc_in_len);
		n++;
	}
	virtqueue_notify(vq);
	pthread_mutex_lock(&td->lock);
	td->notifies++;
	td->popped += n;
	if (r == -1)
		td->errors++;
	td->last_q = virtqueue_index(vq);
	td->thread = pthread_self();
	pthread_mutex_unlock(&td->lock);
}

static void
tdev_reset(void *dev)
{
	struct tdev	*td = dev;

	pthread_mutex_lock(&td->lock);
	td->resets++;
	pthread_mutex_unlock(&td->lock);
}

static void
tdev_driver_ok(void *dev)
{
	struct tdev	*td = dev;

	pthread_mutex_lock(&td->lock);
	td->driver_oks++;
	pthread_mutex_unlock(&td->lock);
}

/* A watched fd is readable: drain it. */
static void
tdev_watch(void *dev, int fd)
{
	struct tdev	*td = dev;
	char		 buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&td->lock);
	td->watched++;
	td->watched_fd = fd;
	pthread_mutex_unlock(&td->lock);
}

static unsigned int
tdev_count(struct tdev *td, unsigned int *counter)
{
	unsigned int	n;

	pthread_mutex_lock(&td->lock);
	n = *counter;
	pthread_mutex_unlock(&td->lock);
	return (n);
}

/* The PCI bus and the test device on t->vmm, and a driver attached. */
static void
tpci_device(struct tpci *t)
{
	struct virtio_pci_ops	 ops;
	char			*cause = NULL;

	ck_assert_int_eq(pci_devtype.dt_create(t->vmm, vmm_params(t->vmm),
	    &t->bus, &cause), 0);
	memset(&t->td, 0, sizeof t->td);
	pthread_mutex_init(&t->td.lock, NULL);
	memcpy(t->td.cfg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	memset(&ops, 0, sizeof ops);
	ops.vo_name = "virtio-test";
	ops.vo_type = TDEV_TYPE;
	ops.vo_class = TDEV_CLASS;
	ops.vo_nqueues = 2;
	ops.vo_queue_max = TDEV_QMAX;
	ops.vo_features = VIRTIO_BIT(TDEV_F_A) | VIRTIO_BIT(TDEV_F_B) |
	    VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	ops.vo_config_size = sizeof t->td.cfg;
	ops.vo_config_read = tdev_cfg_read;
	ops.vo_config_write = tdev_cfg_write;
	ops.vo_queue_notify = tdev_notify;
	ops.vo_reset = tdev_reset;
	ops.vo_driver_ok = tdev_driver_ok;
	t->td.vp = virtio_pci_create(t->vmm, &ops, &t->td, &cause);
	ck_assert_msg(t->td.vp != NULL, "%s", cause);
	ck_assert_int_ge(virtio_pci_slot(t->td.vp), 1);
	virtio_driver_attach(&t->vd, t->vmm, virtio_pci_slot(t->td.vp));
}

static void
tpci_setup(struct tpci *t)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(t, 0, sizeof *t);
	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	tpci_device(t);
}

static void
tpci_teardown(struct tpci *t)
{
	virtio_pci_free(t->td.vp);
	pci_devtype.dt_free(t->bus);
	pthread_mutex_destroy(&t->td.lock);
	vmm_free(t->vmm);
}

/* Negotiate VERSION_1, set up queue 1 with vector, DRIVER_OK. */
static void
tpci_ready(struct tpci *t, uint16_t vector)
{
	uint8_t	status;

	status = virtio_driver_init(&t->vd, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	ck_assert_uint_eq(status & VIRTIO_STATUS_FEATURES_OK,
	    VIRTIO_STATUS_FEATURES_OK);
	ck_assert_uint_eq(virtio_driver_queue(&t->vd, 1, 8, RING_GPA, vector),
	    1);
	virtio_driver_driver_ok(&t->vd);
}

/* One writable 32-byte buffer at BUF_GPA, made available. */
static void
tpci_add_buffer(struct tpci *t)
{
	virtio_driver_desc(&t->vd, 0, BUF_GPA, 32, VIRTQ_DESC_F_WRITE, 0);
	virtio_driver_add(&t->vd, 0);
}

START_TEST(virtio_pci_identity)
{
	struct tpci	t;
	unsigned int	cap, types[8], n = 0, slot, win = 0;

	tpci_setup(&t);
	slot = (unsigned int)virtio_pci_slot(t.td.vp);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0, 4),
	    (0x1040U + TDEV_TYPE) << 16 | 0x1af4);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 8, 1), 1);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 9, 4) & 0xffffff,
	    TDEV_CLASS);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x0e, 1), 0);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x2c, 2), 0x1af4);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x2e, 2), TDEV_TYPE);
	/* Status: capabilities list present. */
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 6, 2) & 0x10, 0x10);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x3d, 1), 1);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x3c, 1),
	    VMM_PCI_IRQ_BASE + slot % 8);
	/* Read-only registers ignore writes. */
	virtio_driver_cfg_write(&t.vd, 0, 4, 0);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0, 2), 0x1af4);

	/* Walk the list from 0x34: MSI-X, then common, notify, ISR,
	 * device config and the PCI config window, ending in 0. */
	cap = virtio_driver_cfg_read(&t.vd, 0x34, 1);
	while (cap != 0 && n < 8) {
		if (virtio_driver_cfg_read(&t.vd, cap, 1) == 0x11)
			types[n++] = 0x11;
		else {
			ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, cap, 1),
			    0x09);
			types[n++] = virtio_driver_cfg_read(&t.vd, cap + 3, 1);
			ck_assert_uint_ge(virtio_driver_cfg_read(&t.vd,
			    cap + 2, 1), 16);
		}
		if (types[n - 1] == 5)
			win = cap;
		cap = virtio_driver_cfg_read(&t.vd, cap + 1, 1);
	}
	ck_assert_uint_eq(n, 6);
	/* Through the window: num_queues, then a queue_select write. */
	ck_assert_uint_ne(win, 0);
	virtio_driver_cfg_write(&t.vd, win + 4, 1, 0);
	virtio_driver_cfg_write(&t.vd, win + 8, 4, t.vd.vd_common + VD_NUMQ);
	virtio_driver_cfg_write(&t.vd, win + 12, 4, 2);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, win + 8, 4),
	    t.vd.vd_common + VD_NUMQ);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, win + 16, 4), 2);
	virtio_driver_cfg_write(&t.vd, win + 8, 4, t.vd.vd_common +
	    VD_Q_SELECT);
	virtio_driver_cfg_write(&t.vd, win + 16, 4, 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_SELECT, 2), 1);
	/* Another BAR, or a bad length: nothing. */
	virtio_driver_cfg_write(&t.vd, win + 12, 4, 3);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, win + 16, 4), 0);
	ck_assert_uint_eq(types[0], 0x11);
	ck_assert_uint_eq(types[1], 1);
	ck_assert_uint_eq(types[2], 2);
	ck_assert_uint_eq(types[3], 3);
	ck_assert_uint_eq(types[4], 4);
	ck_assert_uint_eq(types[5], 5);
	ck_assert_uint_eq(t.vd.vd_notify_mult, 4);
	ck_assert_uint_eq(t.vd.vd_msix_size, 3);
	/* Table and PBA in BAR 0 (BIR bits 0-2), not overlapping. */
	ck_assert_uint_eq(t.vd.vd_msix_table & 7, 0);
	ck_assert_uint_eq(t.vd.vd_msix_pba & 7, 0);
	ck_assert_uint_ge(t.vd.vd_msix_pba, t.vd.vd_msix_table + 3 * 16);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_NUMQ, 2), 2);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_bar)
{
	struct tpci	t;
	uint64_t	v, old;
	uint32_t	size;

	tpci_setup(&t);
	old = t.vd.vd_bar;
	ck_assert_uint_eq(old, VMM_PCI_MMIO_BASE +
	    (uint64_t)virtio_pci_slot(t.td.vp) * MiB);
	/* Memory decoding is on from the start. */
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 4, 2) & 2, 2);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_NUMQ, 2), 2);

	/* Sizing, as firmware and Linux do it. */
	virtio_driver_cfg_write(&t.vd, 4, 2, 0);
	virtio_driver_cfg_write(&t.vd, 0x10, 4, 0xffffffff);
	size = ~(virtio_driver_cfg_read(&t.vd, 0x10, 4) & ~0xfU) + 1;
	ck_assert_uint_ge(size, 0x4000);
	ck_assert_uint_eq(size & (size - 1), 0);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x10, 4) & 0xf, 0);
	/* Decoding off: nothing answers at the old address. */
	virtio_driver_cfg_write(&t.vd, 0x10, 4, (uint32_t)old);
	ck_assert_int_eq(virtio_driver_io(&t.vd, VD_NUMQ, 2, 0, &v), -1);
	virtio_driver_cfg_write(&t.vd, 4, 2, 2);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_NUMQ, 2), 2);

	/* Move it: the registers follow. */
	virtio_driver_cfg_write(&t.vd, 0x10, 4, 0xd0000000);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x10, 4), 0xd0000000);
	ck_assert_int_eq(virtio_driver_io(&t.vd, VD_NUMQ, 2, 0, &v), -1);
	t.vd.vd_bar = 0xd0000000;
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_NUMQ, 2), 2);
	/* A byte-wise write of the BAR works too. */
	virtio_driver_cfg_write(&t.vd, 0x13, 1, 0xd1);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 0x10, 4), 0xd1000000);
	t.vd.vd_bar = 0xd1000000;
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_NUMQ, 2), 2);

	/* A machine reset puts it back. */
	virtio_pci_reset(t.td.vp);
	t.vd.vd_bar = old;
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_NUMQ, 2), 2);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.resets), 1);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_negotiation)
{
	struct tpci	t;
	uint64_t	offered, all;
	uint8_t		status;

	tpci_setup(&t);
	virtio_driver_common_write(&t.vd, VD_DFSELECT, 4, 0);
	offered = virtio_driver_common_read(&t.vd, VD_DF, 4);
	virtio_driver_common_write(&t.vd, VD_DFSELECT, 4, 1);
	offered |= virtio_driver_common_read(&t.vd, VD_DF, 4) << 32;
	virtio_driver_common_write(&t.vd, VD_DFSELECT, 4, 7);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_DF, 4), 0);
	all = VIRTIO_BIT(TDEV_F_A) | VIRTIO_BIT(TDEV_F_B) |
	    VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
	    VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_VERSION_1);
	ck_assert_uint_eq(offered, all);

	/* A feature the device does not offer: FEATURES_OK refused. */
	status = virtio_driver_init(&t.vd, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	    VIRTIO_BIT(1));
	ck_assert_uint_eq(status & VIRTIO_STATUS_FEATURES_OK, 0);
	ck_assert_uint_eq(virtio_pci_features(t.td.vp), 0);
	/* No VERSION_1 (a legacy driver): refused too. */
	status = virtio_driver_init(&t.vd, VIRTIO_BIT(TDEV_F_A));
	ck_assert_uint_eq(status & VIRTIO_STATUS_FEATURES_OK, 0);

	/* A subset: accepted, and frozen afterwards. */
	status = virtio_driver_init(&t.vd, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	    VIRTIO_BIT(TDEV_F_B) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert_uint_eq(status & VIRTIO_STATUS_FEATURES_OK,
	    VIRTIO_STATUS_FEATURES_OK);
	ck_assert_uint_eq(virtio_pci_features(t.td.vp),
	    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(TDEV_F_B) |
	    VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert_int_eq(virtio_pci_has_feature(t.td.vp, TDEV_F_B), 1);
	ck_assert_int_eq(virtio_pci_has_feature(t.td.vp, TDEV_F_A), 0);
	virtio_driver_common_write(&t.vd, VD_GFSELECT, 4, 0);
	virtio_driver_common_write(&t.vd, VD_GF, 4, VIRTIO_BIT(TDEV_F_A));
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_GF, 4),
	    VIRTIO_BIT(TDEV_F_B) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert_int_eq(virtio_pci_has_feature(t.td.vp, TDEV_F_A), 0);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_queue_setup)
{
	struct tpci	t;

	tpci_setup(&t);
	virtio_driver_init(&t.vd, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	virtio_driver_common_write(&t.vd, VD_Q_SELECT, 2, 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_SIZE, 2),
	    TDEV_QMAX);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_NOFF, 2), 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_MSIX, 2),
	    VIRTIO_PCI_NO_VECTOR);
	/* A queue that does not exist reads size 0 and takes nothing. */
	virtio_driver_common_write(&t.vd, VD_Q_SELECT, 2, 5);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_SIZE, 2), 0);
	virtio_driver_common_write(&t.vd, VD_Q_ENABLE, 2, 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_ENABLE, 2), 0);

	ck_assert_uint_eq(virtio_driver_queue(&t.vd, 1, 8, RING_GPA, 2), 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_SIZE, 2), 8);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_MSIX, 2), 2);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_DESC, 8),
	    RING_GPA);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_DRIVER, 4),
	    t.vd.vd_avail);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_DEVICE + 4, 4),
	    0);
	ck_assert_uint_eq(virtqueue_size(virtio_pci_queue(t.td.vp, 1)), 8);
	ck_assert_uint_eq(virtqueue_size(virtio_pci_queue(t.td.vp, 0)), 0);
	ck_assert_ptr_null(virtio_pci_queue(t.td.vp, 2));
	/* Addresses are fixed while the queue is enabled. */
	virtio_driver_common_write(&t.vd, VD_Q_DESC, 8, 0x5000);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_DESC, 8),
	    RING_GPA);
	/* A vector beyond the table reads back as NO_VECTOR. */
	virtio_driver_common_write(&t.vd, VD_Q_MSIX, 2, 3);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_MSIX, 2),
	    VIRTIO_PCI_NO_VECTOR);
	virtio_driver_common_write(&t.vd, VD_MSIX, 2, 0);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_MSIX, 2), 0);

	/* A queue whose rings are outside RAM is refused: the device
	 * needs a reset. */
	ck_assert_uint_eq(virtio_driver_queue(&t.vd, 0, 8, 64 * MiB, 0), 0);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_STATUS, 1) &
	    VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_int_eq(virtio_pci_is_broken(t.td.vp), 1);
	/* Size not a power of two: refused as well, after a reset. */
	virtio_driver_init(&t.vd, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	ck_assert_int_eq(virtio_pci_is_broken(t.td.vp), 0);
	ck_assert_uint_eq(virtio_driver_queue(&t.vd, 0, 6, RING_GPA, 0), 0);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_notify)
{
	struct tpci	t;
	uint32_t	id, len;
	uint8_t		buf[32];

	tpci_setup(&t);
	virtio_driver_init(&t.vd, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	ck_assert_uint_eq(virtio_driver_queue(&t.vd, 1, 8, RING_GPA,
	    VIRTIO_PCI_NO_VECTOR), 1);
	/* Before DRIVER_OK a kick does nothing. */
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.notifies), 0);
	/* DRIVER_OK processes what is already there. */
	virtio_driver_driver_ok(&t.vd);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.driver_oks), 1);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.popped), 1);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 1);
	/* A kick calls the model, on this thread (fake VM). */
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_ge(tdev_count(&t.td, &t.td.notifies), 2);
	ck_assert_uint_eq(t.td.last_q, 1);
	ck_assert(pthread_equal(t.td.thread, pthread_self()));
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 2);
	virtio_driver_used(&t.vd, 1, &id, &len);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, 32);
	ck_assert_int_eq(mem_read(t.vmm, BUF_GPA, buf, sizeof buf), 0);
	ck_assert_uint_eq(buf[0], 0xab);
	ck_assert_uint_eq(buf[31], 0xab);
	/* virtio_pci_kick does the same. */
	tpci_add_buffer(&t);
	ck_assert_int_eq(virtio_pci_kick(t.td.vp, 1), 0);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 3);
	ck_assert_int_eq(virtio_pci_kick(t.td.vp, 2), -1);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_intx)
{
	struct tpci	t;
	uint32_t	gsi;

	tpci_setup(&t);
	gsi = VMM_PCI_IRQ_BASE + (uint32_t)virtio_pci_slot(t.td.vp) % 8;
	tpci_ready(&t, VIRTIO_PCI_NO_VECTOR);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 0);
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 1);
	/* Level until the ISR is read; reading clears it. */
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 1);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 6, 2) & 0x08, 0x08);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_isr, 1), 1);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 0);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_isr, 1), 0);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, 6, 2) & 0x08, 0);
	/* A config change sets bit 1. */
	virtio_pci_config_changed(t.td.vp);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 1);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_isr, 1), 2);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 0);
	/* INTx disabled in the command register: the line stays low, the
	 * ISR still says why. */
	virtio_driver_cfg_write(&t.vd, 4, 2, 0x0402);
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 0);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_isr, 1), 1);
	ck_assert_uint_eq(vmm_fake_irq_edges(t.vmm, gsi), 2);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, NULL, NULL), 0);
	ck_assert_uint_eq(virtio_pci_interrupts(t.td.vp), 2);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_msix)
{
	struct tpci	t;
	uint64_t	addr;
	uint32_t	data, gsi, ctrl;
	unsigned int	cap = 0x40;

	tpci_setup(&t);
	gsi = VMM_PCI_IRQ_BASE + (uint32_t)virtio_pci_slot(t.td.vp) % 8;
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, cap, 1), 0x11);
	/* Entries start masked. */
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_msix_table + 12,
	    4), 1);
	ctrl = virtio_driver_cfg_read(&t.vd, cap + 2, 2);
	virtio_driver_cfg_write(&t.vd, cap + 2, 2, ctrl | 0x8000);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t.vd, cap + 2, 2) & 0x8000,
	    0x8000);
	virtio_driver_msix(&t.vd, 0, MSI_ADDR, 0x40, 0);
	virtio_driver_msix(&t.vd, 1, MSI_ADDR | 0x1000, 0x41, 0);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_msix_table + 24,
	    4), 0x41);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_msix_table + 16,
	    8), (MSI_ADDR | 0x1000));
	tpci_ready(&t, 1);
	virtio_driver_common_write(&t.vd, VD_MSIX, 2, 0);

	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, &addr, &data), 1);
	ck_assert_uint_eq(addr, MSI_ADDR | 0x1000);
	ck_assert_uint_eq(data, 0x41);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 0);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_isr, 1), 0);

	/* Masked vector: pending bit, no message; unmasking sends it. */
	virtio_driver_write(&t.vd, t.vd.vd_msix_table + 16 + 12, 4, 1);
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, NULL, NULL), 1);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_msix_pba, 8), 2);
	virtio_driver_write(&t.vd, t.vd.vd_msix_table + 16 + 12, 4, 0);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, &addr, &data), 2);
	ck_assert_uint_eq(data, 0x41);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_msix_pba, 8), 0);

	/* Function mask, then the config vector. */
	virtio_driver_cfg_write(&t.vd, cap + 3, 1, 0xc0);
	virtio_pci_config_changed(t.td.vp);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, NULL, NULL), 2);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_msix_pba, 4), 1);
	virtio_driver_cfg_write(&t.vd, cap + 3, 1, 0x80);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, &addr, &data), 3);
	ck_assert_uint_eq(addr, MSI_ADDR);
	ck_assert_uint_eq(data, 0x40);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_CFGGEN, 1), 1);

	/* A queue without a vector gets nothing at all. */
	virtio_driver_common_write(&t.vd, VD_Q_SELECT, 2, 1);
	virtio_driver_common_write(&t.vd, VD_Q_MSIX, 2, VIRTIO_PCI_NO_VECTOR);
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 3);
	ck_assert_uint_eq(vmm_fake_msi(t.vmm, NULL, NULL), 3);
	ck_assert_uint_eq(vmm_fake_irq_edges(t.vmm, gsi), 0);

	/* MSI-X off again: back to INTx. */
	virtio_driver_cfg_write(&t.vd, cap + 3, 1, 0);
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 1);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_device_config)
{
	struct tpci	t;

	tpci_setup(&t);
	ck_assert_uint_ne(t.vd.vd_device, 0);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device, 1), 1);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 2, 2),
	    0x0403);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 4, 4),
	    0x08070605);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device, 8),
	    0x0807060504030201ULL);
	/* Unaligned: split into bytes for the model. */
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 1, 2),
	    0x0302);
	/* Past the end: 0, and the model is not asked. */
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 6, 4), 0);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 8, 1), 0);
	virtio_driver_write(&t.vd, t.vd.vd_device + 4, 2, 0xbeef);
	ck_assert_uint_eq(t.td.cfg[4], 0xef);
	ck_assert_uint_eq(t.td.cfg[5], 0xbe);
	virtio_driver_write(&t.vd, t.vd.vd_device + 7, 4, 0x11223344);
	ck_assert_uint_eq(t.td.cfg[7], 0x08);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_CFGGEN, 1), 0);
	virtio_pci_config_changed(t.td.vp);
	virtio_pci_config_changed(t.td.vp);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_CFGGEN, 1), 2);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_reset_clears)
{
	struct tpci	t;
	unsigned int	resets, notifies;

	tpci_setup(&t);
	virtio_driver_init(&t.vd, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	    VIRTIO_BIT(TDEV_F_A));
	ck_assert_uint_eq(virtio_driver_queue(&t.vd, 1, 8, RING_GPA, 1), 1);
	virtio_driver_common_write(&t.vd, VD_MSIX, 2, 0);
	virtio_driver_driver_ok(&t.vd);
	ck_assert_uint_ne(virtio_pci_features(t.td.vp), 0);
	resets = tdev_count(&t.td, &t.td.resets);
	notifies = tdev_count(&t.td, &t.td.notifies);

	virtio_driver_common_write(&t.vd, VD_STATUS, 1, 0);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.resets), resets + 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_STATUS, 1), 0);
	ck_assert_uint_eq(virtio_pci_features(t.td.vp), 0);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_GF, 4), 0);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_MSIX, 2),
	    VIRTIO_PCI_NO_VECTOR);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_SELECT, 2), 0);
	virtio_driver_common_write(&t.vd, VD_Q_SELECT, 2, 1);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_SIZE, 2),
	    TDEV_QMAX);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_MSIX, 2),
	    VIRTIO_PCI_NO_VECTOR);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_Q_DESC, 8), 0);
	ck_assert_int_eq(virtqueue_is_enabled(virtio_pci_queue(t.td.vp, 1)),
	    0);
	/* After a reset the queue is not processed. */
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.notifies), notifies);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_bad_chain)
{
	struct tpci	t;
	uint32_t	gsi;
	uint8_t		status;
	unsigned int	notifies;

	tpci_setup(&t);
	gsi = VMM_PCI_IRQ_BASE + (uint32_t)virtio_pci_slot(t.td.vp) % 8;
	tpci_ready(&t, VIRTIO_PCI_NO_VECTOR);
	/* A descriptor that points past the end of RAM. */
	virtio_driver_desc(&t.vd, 0, 16 * MiB - 8, 32, VIRTQ_DESC_F_WRITE, 0);
	virtio_driver_add(&t.vd, 0);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.errors), 1);
	notifies = tdev_count(&t.td, &t.td.notifies);
	status = (uint8_t)virtio_driver_common_read(&t.vd, VD_STATUS, 1);
	ck_assert_uint_eq(status & VIRTIO_STATUS_NEEDS_RESET,
	    VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(status & VIRTIO_STATUS_DRIVER_OK,
	    VIRTIO_STATUS_DRIVER_OK);
	ck_assert_int_eq(virtio_pci_is_broken(t.td.vp), 1);
	/* The driver hears of it through the config interrupt. */
	ck_assert_int_eq(vmm_fake_irq_level(t.vmm, gsi), 1);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_isr, 1), 2);
	/* The queue is left alone until reset. */
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.notifies), notifies);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 0);
	/* The driver cannot clear NEEDS_RESET by writing status. */
	virtio_driver_common_write(&t.vd, VD_STATUS, 1, status &
	    ~VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_STATUS, 1) &
	    VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_NEEDS_RESET);

	/* A reset brings it back. */
	tpci_ready(&t, VIRTIO_PCI_NO_VECTOR);
	ck_assert_int_eq(virtio_pci_is_broken(t.td.vp), 0);
	tpci_add_buffer(&t);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(virtio_driver_used_idx(&t.vd), 1);
	tpci_teardown(&t);
}
END_TEST

START_TEST(virtio_pci_errors)
{
	struct tpci		 t;
	struct virtio_pci_ops	 ops;
	char			*cause = NULL;

	tpci_setup(&t);
	memset(&ops, 0, sizeof ops);
	ops.vo_name = "bad";
	ops.vo_nqueues = 1;
	ops.vo_queue_max = 12;
	ops.vo_queue_notify = tdev_notify;
	ck_assert_ptr_null(virtio_pci_create(t.vmm, &ops, NULL, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "bad"));
	free(cause);
	cause = NULL;
	ops.vo_queue_max = 16;
	ops.vo_nqueues = VIRTIO_PCI_MAX_QUEUES + 1;
	ck_assert_ptr_null(virtio_pci_create(t.vmm, &ops, NULL, &cause));
	free(cause);
	tpci_teardown(&t);

	/* No PCI bus. */
	memset(&t, 0, sizeof t);
	{
		struct vmm_params	p;

		memset(&p, 0, sizeof p);
		p.vp_memsize = 16 * MiB;
		p.vp_ncpus = 1;
		t.vmm = vmm_create_fake(&p, &cause);
	}
	ops.vo_nqueues = 1;
	cause = NULL;
	ck_assert_ptr_null(virtio_pci_create(t.vmm, &ops, NULL, &cause));
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_ptr_nonnull(strstr(cause, "no PCI bus"));
	free(cause);
	vmm_free(t.vmm);
	virtio_pci_free(NULL);
}
END_TEST

START_TEST(virtio_pci_watch)
{
	struct tpci	t;
	int		fds[2], extra[8];
	unsigned int	i;

	tpci_setup(&t);
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
	ck_assert_int_eq(virtio_pci_watch_fd(t.td.vp, fds[0], tdev_watch), 0);
	ck_assert_int_eq(virtio_pci_poll(t.td.vp, 0), 0);
	ck_assert_int_eq(write(fds[1], "xy", 2), 2);
	ck_assert_int_eq(virtio_pci_poll(t.td.vp, 1000), 1);
	ck_assert_uint_eq(t.td.watched, 1);
	ck_assert_int_eq(t.td.watched_fd, fds[0]);
	/* Drained: nothing more to run. */
	ck_assert_int_eq(virtio_pci_poll(t.td.vp, 0), 0);

	ck_assert_int_eq(virtio_pci_unwatch_fd(t.td.vp, fds[0]), 0);
	ck_assert_int_eq(virtio_pci_unwatch_fd(t.td.vp, fds[0]), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(write(fds[1], "z", 1), 1);
	ck_assert_int_eq(virtio_pci_poll(t.td.vp, 0), 0);
	ck_assert_uint_eq(t.td.watched, 1);
	ck_assert_int_eq(virtio_pci_watch_fd(t.td.vp, fds[0], NULL), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* A fixed number of watches per device. */
	for (i = 0; i < 8; i++) {
		extra[i] = dup(fds[0]);
		ck_assert_int_eq(virtio_pci_watch_fd(t.td.vp, extra[i],
		    tdev_watch), 0);
	}
	ck_assert_int_eq(virtio_pci_watch_fd(t.td.vp, fds[0], tdev_watch),
	    -1);
	ck_assert_int_eq(errno, ENOSPC);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(virtio_pci_unwatch_fd(t.td.vp, extra[i]), 0);
		close(extra[i]);
	}
	close(fds[0]);
	close(fds[1]);
	tpci_teardown(&t);
}
END_TEST

/* The real-VM test's done port. */
static void
tpci_done(void *arg, struct iotrap_access *ia)
{
	if (ia->ia_write)
		vmm_request(arg, VMM_REQ_DEBUG_EXIT, (int)ia->ia_data);
}

START_TEST(virtio_pci_kvm)
{
	struct tpci		 t;
	struct vmm_params	 p;
	struct loader_entry	 le;
	struct vmm_exit		 ve;
	struct kvm_lapic_state	 lapic;
	struct iotrap_access	 ia;
	struct timespec		 ts = { 0, 1000000 };
	void			*ioapic = NULL;
	char			*cause = NULL;
	uint64_t		 notify;
	uint32_t		 used_idx, irr;
	unsigned int		 i;
	uint8_t			 code[64], *c = code, buf[32];

	memset(&t, 0, sizeof t);
	memset(&p, 0, sizeof p);
	p.vp_name = "check-virtio";
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	t.vmm = vmm_create_bare(&p, &cause);
	ck_assert_msg(t.vmm != NULL, "%s", cause);
	ck_assert_int_eq(iotrap_register(t.vmm, IOTRAP_PIO, 0xf4, 1,
	    tpci_done, t.vmm, "done"), 0);
	tpci_device(&t);

	/* The host plays the driver's set-up part: MSI-X vector 1 to APIC
	 * 0, vector 0x41; queue 1; DRIVER_OK (whose kick finds nothing). */
	virtio_driver_cfg_write(&t.vd, 0x43, 1, 0x80);
	virtio_driver_msix(&t.vd, 1, MSI_ADDR, 0x41, 0);
	tpci_ready(&t, 1);
	for (i = 0; i < 2000 && tdev_count(&t.td, &t.td.notifies) == 0; i++)
		nanosleep(&ts, NULL);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.popped), 0);
	tpci_add_buffer(&t);

	/* The guest enables its LAPIC, kicks queue 1 with a 16-bit write,
	 * waits for the used index and ends. */
	notify = t.vd.vd_bar + t.vd.vd_notify + t.vd.vd_notify_mult;
	used_idx = (uint32_t)t.vd.vd_used + 2;
	*c++ = 0xb8;					/* mov eax, SVR */
	memcpy(c, "\xf0\x00\xe0\xfe", 4), c += 4;
	memcpy(c, "\xc7\x00\xff\x01\x00\x00", 6), c += 6; /* [rax] = 0x1ff */
	*c++ = 0xb8;					/* mov eax, notify */
	memcpy(c, &notify, 4), c += 4;
	memcpy(c, "\x66\xc7\x00\x01\x00", 5), c += 5;	/* mov word [rax], 1 */
	*c++ = 0xbb;					/* mov ebx, used */
	memcpy(c, &used_idx, 4), c += 4;
	memcpy(c, "\x0f\xb7\x0b", 3), c += 3;		/* movzx ecx, [rbx] */
	memcpy(c, "\x83\xf9\x01", 3), c += 3;		/* cmp ecx, 1 */
	memcpy(c, "\x75\xf8", 2), c += 2;		/* jne back */
	memcpy(c, "\xb0\x09\xe6\xf4\xeb\xfe", 6), c += 6; /* out 0xf4, 9 */
	ck_assert_int_eq(mem_write(t.vmm, CODE_GPA, code, (size_t)(c - code)),
	    0);
	memset(&le, 0, sizeof le);
	le.le_mode = LOADER_MODE_LONG64;
	le.le_rip = CODE_GPA;
	ck_assert_msg(vcpu_set_entry(t.vmm->vm_vcpus[0], &le, &cause) == 0,
	    "%s", cause);
	alarm(20);
	memset(&ve, 0, sizeof ve);
	ck_assert_int_eq(vmm_run(t.vmm, &ve), 0);
	alarm(0);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_DEBUG, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_int_eq(ve.ve_code, 9);

	/* The kick went through the ioeventfd: not one MMIO exit.  (The
	 * guest may see the used index before the model's callback ends.) */
	ck_assert_uint_eq(vmm_exit_stat(t.vmm, VMM_STAT_MMIO), 0);
	for (i = 0; i < 2000 && tdev_count(&t.td, &t.td.popped) == 0; i++)
		nanosleep(&ts, NULL);
	ck_assert_uint_eq(tdev_count(&t.td, &t.td.popped), 1);
	pthread_mutex_lock(&t.td.lock);
	ck_assert(!pthread_equal(t.td.thread, pthread_self()));
	pthread_mutex_unlock(&t.td.lock);
	ck_assert_int_eq(mem_read(t.vmm, BUF_GPA, buf, sizeof buf), 0);
	ck_assert_uint_eq(buf[17], 0xab);

	/* The MSI reached the LAPIC: vector 0x41 pending in IRR. */
	for (i = 0; i < 2000 && virtio_pci_interrupts(t.td.vp) == 0; i++)
		nanosleep(&ts, NULL);
	ck_assert_uint_eq(virtio_pci_interrupts(t.td.vp), 1);
	ck_assert_int_eq(ioctl(t.vmm->vm_vcpus[0]->vc_fd, KVM_GET_LAPIC,
	    &lapic), 0);
	memcpy(&irr, &lapic.regs[0x200 + 0x10 * (0x41 / 32)], 4);
	ck_assert_msg(irr & (1U << (0x41 % 32)), "IRR %#x", irr);

	/* Adding the MSI route rewrote KVM's routing table, which also
	 * holds the IOAPIC's level-triggered pins: a PCI line through the
	 * (split irqchip's userspace) IOAPIC still reaches the LAPIC.  Pin
	 * 20, level, vector 0x51, APIC 0. */
	ck_assert_int_eq(ioapic_devtype.dt_create(t.vmm, &p, &ioapic,
	    &cause), 0);
	memset(&ia, 0, sizeof ia);
	ia.ia_len = 4;
	ia.ia_write = 1;
	ia.ia_vcpu = -1;
	ia.ia_addr = VMM_IOAPIC_BASE;
	ia.ia_data = 0x10 + 2 * 20;
	ck_assert_int_eq(iotrap_dispatch(t.vmm, IOTRAP_MMIO, &ia), 0);
	ia.ia_addr = VMM_IOAPIC_BASE + 0x10;
	ia.ia_data = 0x8051;
	ck_assert_int_eq(iotrap_dispatch(t.vmm, IOTRAP_MMIO, &ia), 0);
	ck_assert_int_eq(irq_set_level(t.vmm, 20, 1), 0);
	ck_assert_int_eq(ioctl(t.vmm->vm_vcpus[0]->vc_fd, KVM_GET_LAPIC,
	    &lapic), 0);
	memcpy(&irr, &lapic.regs[0x200 + 0x10 * (0x51 / 32)], 4);
	ck_assert_msg(irr & (1U << (0x51 % 32)), "IRR %#x", irr);
	/* Level-triggered: the LAPIC's TMR has it, so the EOI comes back. */
	memcpy(&irr, &lapic.regs[0x180 + 0x10 * (0x51 / 32)], 4);
	ck_assert_msg(irr & (1U << (0x51 % 32)), "TMR %#x", irr);
	ck_assert_int_eq(irq_set_level(t.vmm, 20, 0), 0);
	ioapic_devtype.dt_free(ioapic);
	tpci_teardown(&t);
}
END_TEST

static Suite *
check_virtio_pci_suite(int kvm)
{
	Suite	*s = suite_create("virtio_pci");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, virtio_pci_identity);
	tcase_add_test(tc, virtio_pci_bar);
	tcase_add_test(tc, virtio_pci_negotiation);
	tcase_add_test(tc, virtio_pci_queue_setup);
	tcase_add_test(tc, virtio_pci_notify);
	tcase_add_test(tc, virtio_pci_intx);
	tcase_add_test(tc, virtio_pci_msix);
	tcase_add_test(tc, virtio_pci_device_config);
	tcase_add_test(tc, virtio_pci_reset_clears);
	tcase_add_test(tc, virtio_pci_watch);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, virtio_pci_bad_chain);
	tcase_add_test(tc, virtio_pci_errors);
	suite_add_tcase(s, tc);
	if (kvm) {
		tc = tcase_create("kvm");
		tcase_add_test(tc, virtio_pci_kvm);
		suite_add_tcase(s, tc);
	}
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed, kvm;

	kvm = access("/dev/kvm", R_OK|W_OK) == 0;
	sr = srunner_create(check_virtio_pci_suite(kvm));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
