/* SPDX-License-Identifier: ISC */
/*
 * virtio-blk on a fake VM with the PCI host bridge, the test being the
 * guest's driver (virtio-driver.c): requests are built as descriptor
 * chains in guest RAM and kicked through the notify register.  Checked:
 * the config space and features; reads and writes land in a raw file and
 * in a sparse VMDK made with disk_create; FLUSH; GET_ID matches disk_id;
 * DISCARD punches a hole in a raw file and is refused on a sparse VMDK;
 * a read-only disk refuses writes with IOERR; out-of-range sectors and
 * odd lengths get IOERR; malformed chains get IOERR or UNSUPP, and a chain
 * without a writable status byte sets DEVICE_NEEDS_RESET, never a crash.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "disk.h"
#include "virtio-blk.h"
#include "virtio-driver.h"

#define MiB		(1024ULL * 1024)
#define RING_GPA	0x100000ULL
#define HDR_GPA		0x200000ULL
#define DATA_GPA	0x210000ULL
#define STATUS_GPA	0x2f0000ULL
#define DISK_SECTORS	2048		/* 1 MiB */

#define T_IN		0
#define T_OUT		1
#define T_FLUSH		4
#define T_GET_ID	8
#define T_DISCARD	11
#define T_BOGUS		99
#define S_OK		0
#define S_IOERR		1
#define S_UNSUPP	2

#define F_SEG_MAX	2
#define F_RO		5
#define F_BLK_SIZE	6
#define F_FLUSH		9
#define F_DISCARD	13

struct tblk {
	char			 dir[64];
	char			 path[128];
	struct vmm		*vmm;
	void			*bus;
	void			*blk;
	struct virtio_driver	 vd;
	uint64_t		 features;	/* offered */
	unsigned int		 next;		/* descriptor to use next */
};

/* One buffer of a chain. */
struct tdesc {
	uint64_t	gpa;
	uint32_t	len;
	int		writable;
};

static void	tblk_image(struct tblk *, enum disk_format);
static void	tblk_start(struct tblk *, int, int);
static void	tblk_stop(struct tblk *);
static uint32_t	tblk_chain(struct tblk *, const struct tdesc *,
		    unsigned int);
static uint8_t	tblk_req(struct tblk *, uint32_t, uint64_t, uint32_t, int,
		    uint32_t *);
static Suite	*check_virtio_blk_suite(void);

/* A temporary directory with a 1 MiB image of the given format. */
static void
tblk_image(struct tblk *t, enum disk_format fmt)
{
	struct disk_create_args	 args;
	char			*cause = NULL;

	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/vt.blk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/disk.%s", t->dir,
	    fmt == DISK_FORMAT_RAW ? "img" : "vmdk");
	memset(&args, 0, sizeof args);
	args.format = fmt;
	args.size = DISK_SECTORS * 512ULL;
	ck_assert_msg(disk_create(t->path, &args, &cause) == 0, "%s", cause);
}

/* A fake VM with the bridge and the disk; negotiated and ready. */
static void
tblk_start(struct tblk *t, int readonly, int want_discard)
{
	struct vmm_params	 p;
	struct vmm_disk_params	 d;
	char			*cause = NULL;
	uint64_t		 want;
	int			 slot;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	memset(&d, 0, sizeof d);
	d.vd_name = "scsi0:0";
	d.vd_path = t->path;
	d.vd_readonly = readonly;
	p.vp_disks = &d;
	p.vp_ndisks = 1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	ck_assert_int_eq(pci_devtype.dt_create(t->vmm, &p, &t->bus, &cause),
	    0);
	ck_assert_msg(virtio_blk_devtype.dt_create(t->vmm, &p, &t->blk,
	    &cause) == 0, "%s", cause);
	ck_assert_ptr_nonnull(t->blk);
	ck_assert_ptr_null(virtio_blk_transport(t->blk, 1));
	slot = virtio_pci_slot(virtio_blk_transport(t->blk, 0));
	virtio_driver_attach(&t->vd, t->vmm, slot);
	ck_assert_uint_eq(virtio_driver_cfg_read(&t->vd, 2, 2), 0x1042);
	ck_assert_uint_ne(t->vd.vd_device, 0);
	virtio_driver_common_write(&t->vd, VD_DFSELECT, 4, 0);
	t->features = virtio_driver_common_read(&t->vd, VD_DF, 4);
	want = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(F_FLUSH) |
	    VIRTIO_BIT(F_SEG_MAX) | VIRTIO_BIT(F_BLK_SIZE);
	if (readonly)
		want |= VIRTIO_BIT(F_RO);
	if (want_discard)
		want |= t->features & VIRTIO_BIT(F_DISCARD);
	ck_assert_uint_eq(virtio_driver_init(&t->vd, want) &
	    VIRTIO_STATUS_FEATURES_OK, VIRTIO_STATUS_FEATURES_OK);
	ck_assert_uint_eq(virtio_driver_queue(&t->vd, 0, 64, RING_GPA,
	    VIRTIO_PCI_NO_VECTOR), 1);
	virtio_driver_driver_ok(&t->vd);
}

static void
tblk_stop(struct tblk *t)
{
	char	cmd[128];

	virtio_blk_devtype.dt_free(t->blk);
	pci_devtype.dt_free(t->bus);
	vmm_free(t->vmm);
	snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Post a chain of n buffers, kick, and return the used length. */
static uint32_t
tblk_chain(struct tblk *t, const struct tdesc *d, unsigned int n)
{
	unsigned int	i, head = t->next;
	uint32_t	id, len;
	uint16_t	before;

	before = virtio_driver_used_idx(&t->vd);
	for (i = 0; i < n; i++) {
		virtio_driver_desc(&t->vd, (t->next + i) % 64, d[i].gpa,
		    d[i].len, (d[i].writable ? VIRTQ_DESC_F_WRITE : 0) |
		    (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
		    (uint16_t)((t->next + i + 1) % 64));
	}
	t->next = (t->next + n) % 64;
	virtio_driver_add(&t->vd, (uint16_t)head);
	virtio_driver_notify(&t->vd);
	if (virtio_driver_used_idx(&t->vd) == before)
		return (UINT32_MAX);	/* not answered */
	virtio_driver_used(&t->vd, before, &id, &len);
	ck_assert_uint_eq(id, head);
	return (len);
}

/*
 * A well-formed request: header, len data bytes at DATA_GPA (device
 * writable for IN and GET_ID), status.  Returns the status, *used the
 * used length.
 */
static uint8_t
tblk_req(struct tblk *t, uint32_t type, uint64_t sector, uint32_t len,
    int writable, uint32_t *used)
{
	struct tdesc	d[3];
	uint8_t		hdr[16], status = 0xee;
	unsigned int	n = 0;
	uint32_t	u;

	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	ck_assert_int_eq(mem_write(t->vmm, HDR_GPA, hdr, sizeof hdr), 0);
	ck_assert_int_eq(mem_write(t->vmm, STATUS_GPA, &status, 1), 0);
	d[n++] = (struct tdesc){ HDR_GPA, sizeof hdr, 0 };
	if (len > 0)
		d[n++] = (struct tdesc){ DATA_GPA, len, writable };
	d[n++] = (struct tdesc){ STATUS_GPA, 1, 1 };
	u = tblk_chain(t, d, n);
	ck_assert_uint_ne(u, UINT32_MAX);
	if (used != NULL)
		*used = u;
	ck_assert_int_eq(mem_read(t->vmm, STATUS_GPA, &status, 1), 0);
	return (status);
}

START_TEST(blk_config)
{
	struct tblk	t;
	uint64_t	cap;

	tblk_image(&t, DISK_FORMAT_RAW);
	tblk_start(&t, 0, 1);
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_FLUSH), 0);
	ck_assert_uint_eq(t.features & VIRTIO_BIT(F_RO), 0);
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_DISCARD), 0);
	cap = virtio_driver_read(&t.vd, t.vd.vd_device, 4) |
	    virtio_driver_read(&t.vd, t.vd.vd_device + 4, 4) << 32;
	ck_assert_uint_eq(cap, DISK_SECTORS);
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 12, 4),
	    254);				/* seg_max */
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 20, 4),
	    512);					/* blk_size */
	ck_assert_uint_ne(virtio_driver_read(&t.vd, t.vd.vd_device + 36, 4),
	    0);					/* max_discard_sectors */
	ck_assert_uint_eq(virtio_driver_read(&t.vd, t.vd.vd_device + 44, 4),
	    8);					/* discard alignment */
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_absent)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	void			*dev = &p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_ptr_nonnull(vmm);
	ck_assert_int_eq(virtio_blk_devtype.dt_create(vmm, &p, &dev, &cause),
	    0);
	ck_assert_ptr_null(dev);
	vmm_free(vmm);
}
END_TEST

START_TEST(blk_missing_file)
{
	struct vmm_params	 p;
	struct vmm_disk_params	 d;
	struct vmm		*vmm;
	void			*bus, *dev = &p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	d.vd_name = "scsi0:1";
	d.vd_path = "/nonexistent/vireo.vmdk";
	d.vd_readonly = 0;
	p.vp_disks = &d;
	p.vp_ndisks = 1;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_int_eq(pci_devtype.dt_create(vmm, &p, &bus, &cause), 0);
	ck_assert_int_eq(virtio_blk_devtype.dt_create(vmm, &p, &dev, &cause),
	    -1);
	ck_assert_ptr_null(dev);
	ck_assert_ptr_nonnull(strstr(cause, "scsi0:1"));
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/vireo.vmdk"));
	free(cause);
	pci_devtype.dt_free(bus);
	vmm_free(vmm);
}
END_TEST

START_TEST(blk_read_write_raw)
{
	struct tblk	t;
	uint8_t		buf[1024], back[1024];
	uint32_t	used;
	size_t		i;
	int		fd;

	tblk_image(&t, DISK_FORMAT_RAW);
	/* Something to read: a pattern at sectors 10-11 of the file. */
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_ge((fd = open(t.path, O_RDWR)), 0);
	ck_assert_int_eq(pwrite(fd, buf, sizeof buf, 10 * 512), sizeof buf);
	tblk_start(&t, 0, 0);

	ck_assert_uint_eq(tblk_req(&t, T_IN, 10, 1024, 1, &used), S_OK);
	ck_assert_uint_eq(used, 1024 + 1);
	ck_assert_int_eq(mem_read(t.vmm, DATA_GPA, back, sizeof back), 0);
	ck_assert_mem_eq(back, buf, sizeof buf);

	/* A write lands in the file. */
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(0xa5 ^ i);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, buf, sizeof buf), 0);
	ck_assert_uint_eq(tblk_req(&t, T_OUT, 100, 1024, 0, &used), S_OK);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(pread(fd, back, sizeof back, 100 * 512),
	    sizeof back);
	ck_assert_mem_eq(back, buf, sizeof buf);

	/* The last sector is writable, one further is not. */
	ck_assert_uint_eq(tblk_req(&t, T_OUT, DISK_SECTORS - 1, 512, 0, NULL),
	    S_OK);
	ck_assert_uint_eq(tblk_req(&t, T_FLUSH, 0, 0, 0, &used), S_OK);
	ck_assert_uint_eq(used, 1);
	close(fd);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_split_buffers)
{
	struct tblk	t;
	struct tdesc	d[6];
	uint8_t		hdr[16], status, a[512], b[512], back[1024];
	uint32_t	type = T_OUT;
	uint64_t	sector = 20;
	int		fd;

	tblk_image(&t, DISK_FORMAT_RAW);
	tblk_start(&t, 0, 0);
	/* Header in two pieces, data in two, status alone. */
	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	ck_assert_int_eq(mem_write(t.vmm, HDR_GPA, hdr, 16), 0);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, a, 512), 0);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA + 0x8000, b, 512), 0);
	d[0] = (struct tdesc){ HDR_GPA, 4, 0 };
	d[1] = (struct tdesc){ HDR_GPA + 4, 12, 0 };
	d[2] = (struct tdesc){ DATA_GPA, 512, 0 };
	d[3] = (struct tdesc){ DATA_GPA + 0x8000, 512, 0 };
	d[4] = (struct tdesc){ STATUS_GPA, 1, 1 };
	ck_assert_uint_eq(tblk_chain(&t, d, 5), 1);
	ck_assert_int_eq(mem_read(t.vmm, STATUS_GPA, &status, 1), 0);
	ck_assert_uint_eq(status, S_OK);
	ck_assert_int_ge((fd = open(t.path, O_RDONLY)), 0);
	ck_assert_int_eq(pread(fd, back, sizeof back, 20 * 512), sizeof back);
	ck_assert_mem_eq(back, a, 512);
	ck_assert_mem_eq(back + 512, b, 512);
	close(fd);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_sparse_vmdk)
{
	struct tblk	 t;
	struct disk	*disk;
	struct iovec	 iov;
	uint8_t		 buf[2048], back[2048];
	char		*cause = NULL;
	size_t		 i;

	tblk_image(&t, DISK_FORMAT_VMDK_SPARSE);
	tblk_start(&t, 0, 1);
	/* A sparse VMDK cannot punch holes: no DISCARD. */
	ck_assert_uint_eq(t.features & VIRTIO_BIT(F_DISCARD), 0);
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i ^ (i >> 8));
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, buf, sizeof buf), 0);
	ck_assert_uint_eq(tblk_req(&t, T_OUT, 300, sizeof buf, 0, NULL),
	    S_OK);
	ck_assert_uint_eq(tblk_req(&t, T_FLUSH, 0, 0, 0, NULL), S_OK);
	/* Never-written space reads as zeros. */
	ck_assert_uint_eq(tblk_req(&t, T_IN, 1000, 512, 1, NULL), S_OK);
	ck_assert_int_eq(mem_read(t.vmm, DATA_GPA, back, 512), 0);
	for (i = 0; i < 512; i++)
		ck_assert_uint_eq(back[i], 0);
	ck_assert_uint_eq(tblk_req(&t, T_IN, 300, sizeof back, 1, NULL),
	    S_OK);
	ck_assert_int_eq(mem_read(t.vmm, DATA_GPA, back, sizeof back), 0);
	ck_assert_mem_eq(back, buf, sizeof buf);
	ck_assert_uint_eq(tblk_req(&t, T_DISCARD, 0, 16, 0, NULL), S_UNSUPP);
	virtio_blk_devtype.dt_free(t.blk);
	t.blk = NULL;

	/* The data is in the image, as the disk layer reads it. */
	disk = disk_open(t.path, DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(disk != NULL, "%s", cause);
	iov.iov_base = back;
	iov.iov_len = sizeof back;
	ck_assert_int_eq(disk_preadv(disk, &iov, 1, 300 * 512), sizeof back);
	ck_assert_mem_eq(back, buf, sizeof buf);
	disk_close(disk);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_get_id)
{
	struct tblk	 t;
	struct disk	*disk;
	char		 id[DISK_ID_MAX], back[DISK_ID_MAX];
	uint32_t	 used;

	tblk_image(&t, DISK_FORMAT_RAW);
	disk = disk_open(t.path, DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_nonnull(disk);
	disk_id(disk, id);
	disk_close(disk);
	tblk_start(&t, 0, 0);
	ck_assert_uint_eq(tblk_req(&t, T_GET_ID, 0, DISK_ID_MAX, 1, &used),
	    S_OK);
	ck_assert_uint_eq(used, DISK_ID_MAX + 1);
	ck_assert_int_eq(mem_read(t.vmm, DATA_GPA, back, sizeof back), 0);
	ck_assert_mem_eq(back, id, DISK_ID_MAX);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_discard_raw)
{
	struct tblk	t;
	struct stat	st;
	uint8_t		buf[64 * 1024], seg[16];
	uint64_t	sector = 64, blocks;
	uint32_t	n = 128, flags = 0;
	int		fd;

	tblk_image(&t, DISK_FORMAT_RAW);
	memset(buf, 0x5a, sizeof buf);
	ck_assert_int_ge((fd = open(t.path, O_RDWR)), 0);
	ck_assert_int_eq(pwrite(fd, buf, sizeof buf, 64 * 512), sizeof buf);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	blocks = (uint64_t)st.st_blocks;
	tblk_start(&t, 0, 1);

	memcpy(seg, &sector, 8);
	memcpy(seg + 8, &n, 4);
	memcpy(seg + 12, &flags, 4);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, seg, 16), 0);
	ck_assert_uint_eq(tblk_req(&t, T_DISCARD, 0, 16, 0, NULL), S_OK);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_lt((uint64_t)st.st_blocks, blocks);
	ck_assert_int_eq(lseek(fd, 64 * 512, SEEK_HOLE), 64 * 512);
	ck_assert_int_eq(pread(fd, buf, 512, 64 * 512), 512);
	ck_assert_uint_eq(buf[0], 0);

	/* Out of range, unknown flags, a partial segment. */
	sector = DISK_SECTORS - 8;
	n = 16;
	memcpy(seg, &sector, 8);
	memcpy(seg + 8, &n, 4);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, seg, 16), 0);
	ck_assert_uint_eq(tblk_req(&t, T_DISCARD, 0, 16, 0, NULL), S_IOERR);
	n = 8;
	flags = 2;
	memcpy(seg + 8, &n, 4);
	memcpy(seg + 12, &flags, 4);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, seg, 16), 0);
	ck_assert_uint_eq(tblk_req(&t, T_DISCARD, 0, 16, 0, NULL), S_UNSUPP);
	ck_assert_uint_eq(tblk_req(&t, T_DISCARD, 0, 12, 0, NULL), S_IOERR);
	close(fd);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_discard_not_negotiated)
{
	struct tblk	t;

	tblk_image(&t, DISK_FORMAT_RAW);
	tblk_start(&t, 0, 0);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, "\0\0\0\0\0\0\0\0"
	    "\1\0\0\0\0\0\0\0", 16), 0);
	ck_assert_uint_eq(tblk_req(&t, T_DISCARD, 0, 16, 0, NULL), S_UNSUPP);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_readonly)
{
	struct tblk	t;
	uint8_t		buf[512], back[512];
	int		fd;

	tblk_image(&t, DISK_FORMAT_RAW);
	tblk_start(&t, 1, 1);
	ck_assert_uint_ne(t.features & VIRTIO_BIT(F_RO), 0);
	ck_assert_uint_eq(t.features & VIRTIO_BIT(F_DISCARD), 0);
	memset(buf, 0x77, sizeof buf);
	ck_assert_int_eq(mem_write(t.vmm, DATA_GPA, buf, sizeof buf), 0);
	ck_assert_uint_eq(tblk_req(&t, T_OUT, 0, 512, 0, NULL), S_IOERR);
	ck_assert_int_ge((fd = open(t.path, O_RDONLY)), 0);
	ck_assert_int_eq(pread(fd, back, sizeof back, 0), sizeof back);
	ck_assert_uint_eq(back[0], 0);
	close(fd);
	/* Reads and flushes still work. */
	ck_assert_uint_eq(tblk_req(&t, T_IN, 0, 512, 1, NULL), S_OK);
	ck_assert_uint_eq(tblk_req(&t, T_FLUSH, 0, 0, 0, NULL), S_OK);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_out_of_range)
{
	struct tblk	t;
	uint32_t	used;

	tblk_image(&t, DISK_FORMAT_RAW);
	tblk_start(&t, 0, 0);
	ck_assert_uint_eq(tblk_req(&t, T_IN, DISK_SECTORS - 1, 1024, 1,
	    &used), S_IOERR);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(tblk_req(&t, T_IN, DISK_SECTORS, 512, 1, NULL),
	    S_IOERR);
	ck_assert_uint_eq(tblk_req(&t, T_OUT, UINT64_MAX - 1, 1024, 0, NULL),
	    S_IOERR);
	ck_assert_uint_eq(tblk_req(&t, T_IN, UINT64_MAX / 512 + 1, 512, 1,
	    NULL), S_IOERR);
	/* Not whole sectors. */
	ck_assert_uint_eq(tblk_req(&t, T_IN, 0, 100, 1, NULL), S_IOERR);
	ck_assert_uint_eq(tblk_req(&t, T_OUT, 0, 513, 0, NULL), S_IOERR);
	/* The device still works. */
	ck_assert_uint_eq(tblk_req(&t, T_IN, 0, 512, 1, NULL), S_OK);
	tblk_stop(&t);
}
END_TEST

START_TEST(blk_malformed)
{
	struct tblk	t;
	struct tdesc	d[3];
	uint8_t		status;
	uint32_t	type = T_IN;

	tblk_image(&t, DISK_FORMAT_RAW);
	tblk_start(&t, 0, 0);
	/* Unknown type. */
	ck_assert_uint_eq(tblk_req(&t, T_BOGUS, 0, 0, 0, NULL), S_UNSUPP);
	/* A header of 8 bytes. */
	ck_assert_int_eq(mem_write(t.vmm, HDR_GPA, &type, 4), 0);
	d[0] = (struct tdesc){ HDR_GPA, 8, 0 };
	d[1] = (struct tdesc){ STATUS_GPA, 1, 1 };
	status = 0xee;
	ck_assert_int_eq(mem_write(t.vmm, STATUS_GPA, &status, 1), 0);
	ck_assert_uint_eq(tblk_chain(&t, d, 2), 1);
	ck_assert_int_eq(mem_read(t.vmm, STATUS_GPA, &status, 1), 0);
	ck_assert_uint_eq(status, S_IOERR);
	/* No header at all: only the status byte. */
	ck_assert_uint_eq(tblk_chain(&t, d + 1, 1), 1);
	ck_assert_int_eq(mem_read(t.vmm, STATUS_GPA, &status, 1), 0);
	ck_assert_uint_eq(status, S_IOERR);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_STATUS, 1) &
	    VIRTIO_STATUS_NEEDS_RESET, 0);
	/* The status byte is device-readable: nowhere to answer. */
	d[0] = (struct tdesc){ HDR_GPA, 16, 0 };
	d[1] = (struct tdesc){ DATA_GPA, 512, 0 };
	d[2] = (struct tdesc){ STATUS_GPA, 1, 0 };
	tblk_chain(&t, d, 3);
	ck_assert_uint_ne(virtio_driver_common_read(&t.vd, VD_STATUS, 1) &
	    VIRTIO_STATUS_NEEDS_RESET, 0);
	ck_assert_int_eq(virtio_pci_is_broken(virtio_blk_transport(t.blk, 0)),
	    1);
	tblk_stop(&t);
}
END_TEST

static Suite *
check_virtio_blk_suite(void)
{
	Suite	*s = suite_create("virtio_blk");
	TCase	*tc = tcase_create("virtio_blk");

	tcase_add_test(tc, blk_config);
	tcase_add_test(tc, blk_absent);
	tcase_add_test(tc, blk_missing_file);
	tcase_add_test(tc, blk_read_write_raw);
	tcase_add_test(tc, blk_split_buffers);
	tcase_add_test(tc, blk_sparse_vmdk);
	tcase_add_test(tc, blk_get_id);
	tcase_add_test(tc, blk_discard_raw);
	tcase_add_test(tc, blk_discard_not_negotiated);
	tcase_add_test(tc, blk_readonly);
	tcase_add_test(tc, blk_out_of_range);
	tcase_add_test(tc, blk_malformed);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_virtio_blk_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
