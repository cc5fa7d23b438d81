/* SPDX-License-Identifier: ISC */
/*
 * virtio-blk (virtio block device, type 2): one PCI function and one
 * request queue per disk of vmm_params.vp_disks, on the disk layer
 * (disk.h: raw images, VMDK flat and sparse).  Requests are IN, OUT,
 * FLUSH (disk_flush, i.e. fdatasync), GET_ID (disk_id) and, when the
 * backend can punch holes, DISCARD; anything else is answered UNSUPP.
 * Reads and writes go straight between the image and guest RAM with
 * preadv/pwritev on the chain's own iovecs (zero copy).
 *
 * Every request is checked before any I/O: a header of 16 readable bytes,
 * a status byte that is the last byte of the chain and device-writable,
 * data lengths in whole 512-byte sectors, a sector range inside the
 * capacity (computed without overflow).  A bad request is answered IOERR
 * (or UNSUPP); a chain with no writable byte at all cannot be answered and
 * marks the device broken (DEVICE_NEEDS_RESET).  The header is copied out
 * of guest RAM once and only the copy is looked at.
 *
 * Threads: requests run synchronously in the queue-notify callback, on the
 * transport's I/O thread (one per disk) with the queue lock held, never on
 * a vCPU thread.  The config space is built at create and never changes,
 * so the config read callback (vCPU threads) needs no lock.
 */

#include "config.h"

#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "disk.h"
#include "virtio.h"
#include "virtio-blk.h"
#include "snapshot.h"

/* Request types, statuses and feature bits (virtio 1.2 section 5.2). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_F_DISCARD	13

#define VIRTIO_BLK_DISCARD_F_UNMAP 0x1	/* the only defined segment flag */

/* Config space offsets (struct virtio_blk_config). */
#define VIRTIO_BLK_CFG_CAPACITY	0	/* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX	8	/* le32, bytes per segment */
#define VIRTIO_BLK_CFG_SEG_MAX	12	/* le32, segments per request */
#define VIRTIO_BLK_CFG_BLK_SIZE	20	/* le32 */
#define VIRTIO_BLK_CFG_NUM_QUEUES 34	/* le16 */
#define VIRTIO_BLK_CFG_MAX_DISCARD 36	/* le32, sectors per segment */
#define VIRTIO_BLK_CFG_DISCARD_SEG 40	/* le32, segments per request */
#define VIRTIO_BLK_CFG_DISCARD_ALIGN 44	/* le32, sectors */
#define VIRTIO_BLK_CFG_SIZE	60

/* Our limits. */
#define VIRTIO_BLK_QUEUE_SIZE	256
#define VIRTIO_BLK_SEG_MAX	(VIRTIO_BLK_QUEUE_SIZE - 2) /* header, status */
#define VIRTIO_BLK_SIZE_MAX	(1024 * 1024)	/* bytes per data segment */
#define VIRTIO_BLK_DISCARD_MAX	0x400000	/* sectors (2 GiB) per segment */
#define VIRTIO_BLK_DISCARD_SEGS	32
#define VIRTIO_BLK_DISCARD_ALIGN 8		/* sectors: 4 KiB holes */
#define VIRTIO_BLK_HDR_SIZE	16
#define VIRTIO_BLK_SECTOR	512
#define VIRTIO_BLK_CLASS	0x018000	/* PCI: mass storage, other */
#define VIRTIO_BLK_LOG_MAX	10		/* I/O errors logged per disk */

/* The request header as the driver writes it (little-endian). */
struct virtio_blk_hdr {
	uint32_t	bh_type;	/* VIRTIO_BLK_T_* */
	uint32_t	bh_reserved;	/* was ioprio; ignored */
	uint64_t	bh_sector;	/* 512-byte units */
};

/* One DISCARD segment (little-endian). */
struct virtio_blk_discard {
	uint64_t	bd_sector;
	uint32_t	bd_nsectors;
	uint32_t	bd_flags;	/* VIRTIO_BLK_DISCARD_F_* */
};

/* One disk. */
struct virtio_blk {
	const char		*vb_name;	/* "scsi0:0", borrowed */
	struct disk		*vb_disk;	/* the image, owned */
	struct virtio_pci	*vb_vp;		/* the transport, owned */
	uint64_t		 vb_sectors;	/* capacity in 512-byte units */
	int			 vb_readonly;	/* VIRTIO_BLK_F_RO offered */
	int			 vb_discard;	/* VIRTIO_BLK_F_DISCARD offered */
	uint8_t			 vb_config[VIRTIO_BLK_CFG_SIZE]; /* fixed */
	unsigned int		 vb_logged;	/* I/O errors logged so far */
	uint64_t		 vb_requests;	/* requests answered */
	uint64_t		 vb_errors;	/* answered IOERR or UNSUPP */
	uint64_t		 vb_rw[4];	/* VIRTIO_BLK_STAT_*, atomic */
	struct virtqueue_chain	 vb_chain;	/* the request in progress */
	struct iovec		 vb_iov[VIRTQUEUE_MAX_SIZE]; /* its data part */
};

/* The devtype's state: every disk, in vp_disks order. */
struct virtio_blk_set {
	unsigned int		 bs_n;
	struct virtio_blk	*bs_blk[VMM_MAX_DISKS];
};

static int	virtio_blk_create(struct vmm *, const struct vmm_params *,
		    void **, char **);
static int	virtio_blk_save(void *, struct snap *);
static int	virtio_blk_restore(void *, struct snap *);
static void	virtio_blk_reset(void *);
static void	virtio_blk_free(void *);
static struct virtio_blk *virtio_blk_new(struct vmm *,
		    const struct vmm_disk_params *, char **);
static void	virtio_blk_delete(struct virtio_blk *);
static void	virtio_blk_config_build(struct virtio_blk *);
static uint32_t	virtio_blk_config_read(void *, uint32_t, uint32_t);
static void	virtio_blk_notify(void *, struct virtqueue *);
static int	virtio_blk_request(struct virtio_blk *, uint32_t *);
static int	virtio_blk_slice(const struct iovec *, unsigned int,
		    uint64_t, uint64_t, struct iovec *);
static int	virtio_blk_range(struct virtio_blk *, uint64_t, uint64_t);
static uint8_t	virtio_blk_rw(struct virtio_blk *, int, uint64_t);
static uint8_t	virtio_blk_get_id(struct virtio_blk *, uint32_t *);
static uint8_t	virtio_blk_discard(struct virtio_blk *);
static void	virtio_blk_ioerr(struct virtio_blk *, const char *,
		    uint64_t);
static void	virtio_blk_stats(void *, void (*)(void *, const char *,
		    uint64_t), void *);

/* vb_rw: completed reads and writes, and their bytes. */
#define VIRTIO_BLK_STAT_RD_OPS		0
#define VIRTIO_BLK_STAT_RD_BYTES	1
#define VIRTIO_BLK_STAT_WR_OPS		2
#define VIRTIO_BLK_STAT_WR_BYTES	3

const struct vmm_devtype virtio_blk_devtype = {
	"virtio-blk",
	virtio_blk_create,
	virtio_blk_reset,
	virtio_blk_free,
	virtio_blk_save,
	virtio_blk_restore,
	virtio_blk_stats
};

static int
virtio_blk_create(struct vmm *vmm, const struct vmm_params *params,
    void **devp, char **cause)
{
	struct virtio_blk_set	*bs;
	unsigned int		 i;

	*devp = NULL;
	if (params->vp_ndisks == 0)
		return (0);
	if (params->vp_ndisks > VMM_MAX_DISKS || params->vp_disks == NULL) {
		xasprintf(cause, "too many disks (%u, at most %d)",
		    params->vp_ndisks, VMM_MAX_DISKS);
		errno = EINVAL;
		return (-1);
	}
	bs = xcalloc(1, sizeof *bs);
	for (i = 0; i < params->vp_ndisks; i++) {
		bs->bs_blk[i] = virtio_blk_new(vmm, &params->vp_disks[i],
		    cause);
		if (bs->bs_blk[i] == NULL) {
			virtio_blk_free(bs);
			return (-1);
		}
		bs->bs_n++;
	}
	*devp = bs;
	return (0);
}

static void
virtio_blk_reset(void *dev)
{
	struct virtio_blk_set	*bs = dev;
	unsigned int		 i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->bs_n; i++)
		virtio_pci_reset(bs->bs_blk[i]->vb_vp);
}

static void
virtio_blk_free(void *dev)
{
	struct virtio_blk_set	*bs = dev;
	unsigned int		 i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->bs_n; i++)
		virtio_blk_delete(bs->bs_blk[i]);
	free(bs);
}

struct virtio_pci *
virtio_blk_transport(void *dev, unsigned int i)
{
	struct virtio_blk_set	*bs = dev;

	if (bs == NULL || i >= bs->bs_n)
		return (NULL);
	return (bs->bs_blk[i]->vb_vp);
}

int
virtio_blk_snapshot(void *dev, unsigned int i, const char *path,
    char **cause)
{
	struct virtio_blk_set	*bs = dev;

	if (bs == NULL || i >= bs->bs_n) {
		xasprintf(cause, "no disk %u", i);
		errno = ENOENT;
		return (-1);
	}
	/* disk_snapshot waits for the I/O thread's request in progress. */
	if (disk_snapshot(bs->bs_blk[i]->vb_disk, path, cause) != 0)
		return (-1);
	log_info("disk %s: now writing to %s", bs->bs_blk[i]->vb_name, path);
	return (0);
}

/* Open one disk and put its function on the PCI bus. */
static struct virtio_blk *
virtio_blk_new(struct vmm *vmm, const struct vmm_disk_params *dp,
    char **cause)
{
	struct virtio_blk	*vb;
	struct virtio_pci_ops	 ops;
	const char		*name;
	char			*why = NULL;

	name = dp->vd_name != NULL ? dp->vd_name : "disk";
	vb = xcalloc(1, sizeof *vb);
	vb->vb_name = name;
	vb->vb_disk = disk_open(dp->vd_path,
	    dp->vd_readonly ? DISK_OPEN_RDONLY : 0, &why);
	if (vb->vb_disk == NULL) {
		xasprintf(cause, "disk %s: %s", name, why != NULL ? why :
		    strerror(errno));
		free(why);
		free(vb);
		return (NULL);
	}
	vb->vb_sectors = disk_size(vb->vb_disk) / VIRTIO_BLK_SECTOR;
	vb->vb_readonly = disk_is_readonly(vb->vb_disk);
	vb->vb_discard = !vb->vb_readonly && disk_can_discard(vb->vb_disk);
	virtio_blk_config_build(vb);

	memset(&ops, 0, sizeof ops);
	ops.vo_name = "virtio-blk";
	ops.vo_type = VIRTIO_ID_BLOCK;
	ops.vo_class = VIRTIO_BLK_CLASS;
	ops.vo_nqueues = 1;
	ops.vo_queue_max = VIRTIO_BLK_QUEUE_SIZE;
	ops.vo_features = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
	    VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
	    VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
	    VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
	    VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (vb->vb_readonly)
		ops.vo_features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	if (vb->vb_discard)
		ops.vo_features |= VIRTIO_BIT(VIRTIO_BLK_F_DISCARD);
	ops.vo_config_size = VIRTIO_BLK_CFG_SIZE;
	ops.vo_config_read = virtio_blk_config_read;
	ops.vo_queue_notify = virtio_blk_notify;
	if ((vb->vb_vp = virtio_pci_create(vmm, &ops, vb, &why)) == NULL) {
		xasprintf(cause, "disk %s: %s", name, why);
		free(why);
		disk_close(vb->vb_disk);
		free(vb);
		return (NULL);
	}
	log_info("%s: virtio-blk in PCI slot %d: %s, %s, %llu sectors%s%s",
	    name, virtio_pci_slot(vb->vb_vp), dp->vd_path,
	    disk_format_name(disk_format(vb->vb_disk)),
	    (unsigned long long)vb->vb_sectors,
	    vb->vb_readonly ? ", read-only" : "",
	    vb->vb_discard ? ", discard" : "");
	return (vb);
}

static void
virtio_blk_delete(struct virtio_blk *vb)
{
	if (vb == NULL)
		return;
	/* The transport first: its I/O thread may be inside a request. */
	virtio_pci_free(vb->vb_vp);
	if (disk_close(vb->vb_disk) != 0)
		log_warn("disk %s: close", vb->vb_name);
	free(vb);
}

/* Lay out struct virtio_blk_config once, little-endian. */
static void
virtio_blk_config_build(struct virtio_blk *vb)
{
	uint8_t		*c = vb->vb_config;
	uint64_t	 v64;
	uint32_t	 v32;
	uint16_t	 v16;

	memset(c, 0, sizeof vb->vb_config);
	v64 = htole64(vb->vb_sectors);
	memcpy(c + VIRTIO_BLK_CFG_CAPACITY, &v64, 8);
	v32 = htole32(VIRTIO_BLK_SIZE_MAX);
	memcpy(c + VIRTIO_BLK_CFG_SIZE_MAX, &v32, 4);
	v32 = htole32(VIRTIO_BLK_SEG_MAX);
	memcpy(c + VIRTIO_BLK_CFG_SEG_MAX, &v32, 4);
	v32 = htole32(disk_sector_size(vb->vb_disk));
	memcpy(c + VIRTIO_BLK_CFG_BLK_SIZE, &v32, 4);
	v16 = htole16(1);
	memcpy(c + VIRTIO_BLK_CFG_NUM_QUEUES, &v16, 2);
	if (vb->vb_discard) {
		v32 = htole32(VIRTIO_BLK_DISCARD_MAX);
		memcpy(c + VIRTIO_BLK_CFG_MAX_DISCARD, &v32, 4);
		v32 = htole32(VIRTIO_BLK_DISCARD_SEGS);
		memcpy(c + VIRTIO_BLK_CFG_DISCARD_SEG, &v32, 4);
		v32 = htole32(VIRTIO_BLK_DISCARD_ALIGN);
		memcpy(c + VIRTIO_BLK_CFG_DISCARD_ALIGN, &v32, 4);
	}
}

static uint32_t
virtio_blk_config_read(void *dev, uint32_t off, uint32_t len)
{
	struct virtio_blk	*vb = dev;
	uint32_t		 v = 0;

	/* The transport keeps accesses inside vo_config_size. */
	if (len <= 4 && off <= sizeof vb->vb_config - len)
		memcpy(&v, vb->vb_config + off, len);
	return (le32toh(v));
}

static void
virtio_blk_notify(void *dev, struct virtqueue *vq)
{
	struct virtio_blk	*vb = dev;
	uint32_t		 written;

	while (virtqueue_pop(vq, &vb->vb_chain) == 1) {
		if (virtio_blk_request(vb, &written) != 0)
			return;	/* broken: the transport stops us */
		vb->vb_requests++;
		if (virtqueue_push(vq, &vb->vb_chain, written) == -1)
			break;
	}
	virtqueue_notify(vq);
}

/*
 * Copy the byte range [off, off + len) of the n buffers at src into dst
 * (at most n entries); returns the count of entries.
 */
static int
virtio_blk_slice(const struct iovec *src, unsigned int n, uint64_t off,
    uint64_t len, struct iovec *dst)
{
	unsigned int	i;
	int		cnt = 0;
	uint64_t	take;

	for (i = 0; i < n && len > 0; i++) {
		if (off >= src[i].iov_len) {
			off -= src[i].iov_len;
			continue;
		}
		take = src[i].iov_len - off;
		if (take > len)
			take = len;
		dst[cnt].iov_base = (uint8_t *)src[i].iov_base + off;
		dst[cnt].iov_len = (size_t)take;
		cnt++;
		len -= take;
		off = 0;
	}
	return (cnt);
}

/* 1 if len bytes at sector are whole sectors inside the disk. */
static int
virtio_blk_range(struct virtio_blk *vb, uint64_t sector, uint64_t len)
{
	if (len % VIRTIO_BLK_SECTOR != 0)
		return (0);
	if (sector > vb->vb_sectors)
		return (0);
	return (len / VIRTIO_BLK_SECTOR <= vb->vb_sectors - sector);
}

/* An I/O error on the host side: count it, log the first few. */
static void
virtio_blk_ioerr(struct virtio_blk *vb, const char *what, uint64_t sector)
{
	if (vb->vb_logged >= VIRTIO_BLK_LOG_MAX)
		return;
	vb->vb_logged++;
	log_warn("disk %s: %s at sector %llu%s", vb->vb_name, what,
	    (unsigned long long)sector,
	    vb->vb_logged == VIRTIO_BLK_LOG_MAX ? " (no more reported)" : "");
}

/*
 * IN (write 0) or OUT (write 1): the data are the writable bytes before
 * the status byte, or the readable bytes after the header.
 */
static uint8_t
virtio_blk_rw(struct virtio_blk *vb, int write, uint64_t sector)
{
	struct virtqueue_chain	*c = &vb->vb_chain;
	uint64_t		 len;
	ssize_t			 n;
	int			 cnt;

	if (write) {
		len = c->vc_out_len - VIRTIO_BLK_HDR_SIZE;
		if (vb->vb_readonly)
			return (VIRTIO_BLK_S_IOERR);
	} else
		len = c->vc_in_len - 1;
	if (!virtio_blk_range(vb, sector, len)) {
		log_debug("disk %s: %s of %llu bytes at sector %llu refused",
		    vb->vb_name, write ? "write" : "read",
		    (unsigned long long)len, (unsigned long long)sector);
		return (VIRTIO_BLK_S_IOERR);
	}
	if (len == 0)
		return (VIRTIO_BLK_S_OK);
	if (write) {
		cnt = virtio_blk_slice(c->vc_iov, c->vc_nout,
		    VIRTIO_BLK_HDR_SIZE, len, vb->vb_iov);
		n = disk_pwritev(vb->vb_disk, vb->vb_iov, cnt,
		    sector * VIRTIO_BLK_SECTOR);
	} else {
		cnt = virtio_blk_slice(c->vc_iov + c->vc_nout, c->vc_nin, 0,
		    len, vb->vb_iov);
		n = disk_preadv(vb->vb_disk, vb->vb_iov, cnt,
		    sector * VIRTIO_BLK_SECTOR);
	}
	if (n < 0 || (uint64_t)n != len) {
		virtio_blk_ioerr(vb, write ? "write" : "read", sector);
		return (VIRTIO_BLK_S_IOERR);
	}
	__atomic_fetch_add(&vb->vb_rw[write ? VIRTIO_BLK_STAT_WR_OPS :
	    VIRTIO_BLK_STAT_RD_OPS], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&vb->vb_rw[write ? VIRTIO_BLK_STAT_WR_BYTES :
	    VIRTIO_BLK_STAT_RD_BYTES], len, __ATOMIC_RELAXED);
	return (VIRTIO_BLK_S_OK);
}

/* GET_ID: up to DISK_ID_MAX bytes of serial before the status byte. */
static uint8_t
virtio_blk_get_id(struct virtio_blk *vb, uint32_t *written)
{
	struct virtqueue_chain	*c = &vb->vb_chain;
	char			 id[DISK_ID_MAX];
	uint64_t		 room = c->vc_in_len - 1;
	size_t			 len = DISK_ID_MAX;

	disk_id(vb->vb_disk, id);
	if (room < len)
		len = (size_t)room;
	*written += (uint32_t)virtqueue_chain_write(c, 0, id, len);
	return (VIRTIO_BLK_S_OK);
}

/* DISCARD: check every segment first, then give the space back. */
static uint8_t
virtio_blk_discard(struct virtio_blk *vb)
{
	struct virtqueue_chain		*c = &vb->vb_chain;
	struct virtio_blk_discard	 seg[VIRTIO_BLK_DISCARD_SEGS];
	uint64_t			 len, sector, nsec;
	unsigned int			 i, n;
	uint8_t				 status = VIRTIO_BLK_S_OK;

	if (!vb->vb_discard || !virtio_pci_has_feature(vb->vb_vp,
	    VIRTIO_BLK_F_DISCARD))
		return (VIRTIO_BLK_S_UNSUPP);
	len = c->vc_out_len - VIRTIO_BLK_HDR_SIZE;
	if (len == 0 || len % sizeof seg[0] != 0 ||
	    len / sizeof seg[0] > VIRTIO_BLK_DISCARD_SEGS)
		return (VIRTIO_BLK_S_IOERR);
	n = (unsigned int)(len / sizeof seg[0]);
	virtqueue_chain_read(c, VIRTIO_BLK_HDR_SIZE, seg, (size_t)len);
	for (i = 0; i < n; i++) {
		sector = le64toh(seg[i].bd_sector);
		nsec = le32toh(seg[i].bd_nsectors);
		if ((le32toh(seg[i].bd_flags) & ~VIRTIO_BLK_DISCARD_F_UNMAP) !=
		    0)
			return (VIRTIO_BLK_S_UNSUPP);
		if (nsec > VIRTIO_BLK_DISCARD_MAX ||
		    !virtio_blk_range(vb, sector, nsec * VIRTIO_BLK_SECTOR))
			return (VIRTIO_BLK_S_IOERR);
		seg[i].bd_sector = sector;
		seg[i].bd_nsectors = (uint32_t)nsec;
	}
	for (i = 0; i < n; i++) {
		if (seg[i].bd_nsectors == 0)
			continue;
		if (disk_discard(vb->vb_disk, seg[i].bd_sector *
		    VIRTIO_BLK_SECTOR, (uint64_t)seg[i].bd_nsectors *
		    VIRTIO_BLK_SECTOR) != 0) {
			virtio_blk_ioerr(vb, "discard", seg[i].bd_sector);
			status = VIRTIO_BLK_S_IOERR;
		}
	}
	return (status);
}

/*
 * Carry out the chain in vb_chain; *written gets the used length.
 * Returns 0, or -1 after marking the device broken (no status byte).
 */
static int
virtio_blk_request(struct virtio_blk *vb, uint32_t *written)
{
	struct virtqueue_chain	*c = &vb->vb_chain;
	struct virtio_blk_hdr	 hdr;
	struct iovec		*last;
	uint8_t			*statusp, status;

	if (c->vc_nin == 0) {
		virtio_pci_set_broken(vb->vb_vp, "virtio-blk request without "
		    "a writable status byte");
		return (-1);
	}
	last = &c->vc_iov[c->vc_nout + c->vc_nin - 1];
	statusp = (uint8_t *)last->iov_base + last->iov_len - 1;
	*written = 1;

	if (c->vc_out_len < VIRTIO_BLK_HDR_SIZE) {
		status = VIRTIO_BLK_S_IOERR;
		goto done;
	}
	virtqueue_chain_read(c, 0, &hdr, sizeof hdr);
	switch (le32toh(hdr.bh_type)) {
	case VIRTIO_BLK_T_IN:
		status = virtio_blk_rw(vb, 0, le64toh(hdr.bh_sector));
		if (status == VIRTIO_BLK_S_OK)
			*written += (uint32_t)(c->vc_in_len - 1);
		break;
	case VIRTIO_BLK_T_OUT:
		status = virtio_blk_rw(vb, 1, le64toh(hdr.bh_sector));
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = VIRTIO_BLK_S_OK;
		if (disk_flush(vb->vb_disk) != 0) {
			virtio_blk_ioerr(vb, "flush", 0);
			status = VIRTIO_BLK_S_IOERR;
		}
		break;
	case VIRTIO_BLK_T_GET_ID:
		status = virtio_blk_get_id(vb, written);
		break;
	case VIRTIO_BLK_T_DISCARD:
		status = virtio_blk_discard(vb);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	if (status != VIRTIO_BLK_S_OK)
		vb->vb_errors++;
	*statusp = status;
	return (0);
}

/* Statistics, summed over the disks (requests run on their I/O threads). */
static void
virtio_blk_stats(void *dev, void (*emit)(void *, const char *, uint64_t),
    void *arg)
{
	static const char *const names[] = {
		"read_ops", "read_bytes", "write_ops", "write_bytes"
	};
	struct virtio_blk_set	*bs = dev;
	uint64_t		 v;
	unsigned int		 i, k;

	for (k = 0; k < 4; k++) {
		v = 0;
		for (i = 0; i < bs->bs_n; i++)
			v += __atomic_load_n(&bs->bs_blk[i]->vb_rw[k],
			    __ATOMIC_RELAXED);
		emit(arg, names[k], v);
	}
}

/*
 * Suspend state: per disk its capacity (an image that changed size since
 * is refused) and the transport's state.  Requests complete inside the
 * queue callback, so once virtio_pci_save holds the queue lock none is in
 * flight; the images are opened again from the parameters on resume.
 */
static int
virtio_blk_save(void *dev, struct snap *s)
{
	struct virtio_blk_set	*bs = dev;
	unsigned int		 i;

	snap_put_u32(s, bs->bs_n);
	for (i = 0; i < bs->bs_n; i++) {
		snap_put_u64(s, bs->bs_blk[i]->vb_sectors);
		if (virtio_pci_save(bs->bs_blk[i]->vb_vp, s) != 0)
			return (-1);
	}
	return (0);
}

static int
virtio_blk_restore(void *dev, struct snap *s)
{
	struct virtio_blk_set	*bs = dev;
	uint64_t		 sectors;
	uint32_t		 n;
	unsigned int		 i;

	if (snap_get_u32(s, &n) != 0)
		return (-1);
	if (n != bs->bs_n) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < bs->bs_n; i++) {
		if (snap_get_u64(s, &sectors) != 0)
			return (-1);
		if (sectors != bs->bs_blk[i]->vb_sectors) {
			log_warnx("%s: capacity %llu sectors, was %llu when "
			    "suspended", bs->bs_blk[i]->vb_name,
			    (unsigned long long)bs->bs_blk[i]->vb_sectors,
			    (unsigned long long)sectors);
			errno = EINVAL;
			return (-1);
		}
		if (virtio_pci_restore(bs->bs_blk[i]->vb_vp, s) != 0)
			return (-1);
	}
	return (0);
}
