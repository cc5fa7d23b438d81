/* SPDX-License-Identifier: ISC */
/*
 * VMDK disks (vmm/disk-vmdk.c, vmm/disk-vmdk-sparse.c): sparse images
 * round-trip scattered writes, read zeros where nothing was written, keep
 * both grain directories in step, mark uncleanShutdown only while open,
 * grow; corrupt headers, grain directories and grain tables are refused
 * with a message; descriptor errors name their line; flat disks work and
 * change their CID on the first write; and a writer killed at random
 * points never leaves a sector that is neither its old nor its new data.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "disk-int.h"

#define KiB	1024ULL
#define MiB	(1024 * KiB)
#define GRAIN	(64 * KiB)
#define TAG	0x56495245U	/* marks a sector the crash test wrote */
#define nitems_check(a)	(sizeof (a) / sizeof (a)[0])

static char	check_vmdk_dir[64];
static char	check_vmdk_path[128];

static void	check_vmdk_setup(void);
static void	check_vmdk_teardown(void);
static void	check_vmdk_create(enum disk_format, uint64_t);
static void	check_vmdk_hdr(struct disk_vmdk_sparse_hdr *);
static void	check_vmdk_patch(uint64_t, const void *, size_t);
static void	check_vmdk_fill(uint8_t *, size_t, uint64_t, uint32_t);
static int	check_vmdk_check_sector(const uint8_t *, uint64_t, uint32_t);
static void	check_vmdk_write(struct disk *, uint64_t, size_t, uint32_t);
static void	check_vmdk_expect_fail(const char *, int);
static void	check_vmdk_desc_fails(const char *, const char *);
static void	check_vmdk_write_file(const char *, const char *);
static Suite	*check_vmdk_suite(void);

static void
check_vmdk_setup(void)
{
	strcpy(check_vmdk_dir, "/tmp/check_vmdk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_vmdk_dir));
	snprintf(check_vmdk_path, sizeof check_vmdk_path, "%s/disk.vmdk",
	    check_vmdk_dir);
}

static void
check_vmdk_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", check_vmdk_dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
check_vmdk_create(enum disk_format format, uint64_t size)
{
	struct disk_create_args	 args;
	char			*cause = NULL;

	memset(&args, 0, sizeof args);
	args.format = format;
	args.size = size;
	ck_assert_msg(disk_create(check_vmdk_path, &args, &cause) == 0, "%s",
	    cause);
}

static void
check_vmdk_hdr(struct disk_vmdk_sparse_hdr *h)
{
	int	fd;

	fd = open(check_vmdk_path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, h, sizeof *h, 0), sizeof *h);
	close(fd);
}

/* Overwrite len bytes of the image at byte off. */
static void
check_vmdk_patch(uint64_t off, const void *p, size_t len)
{
	int	fd;

	fd = open(check_vmdk_path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, p, len, (off_t)off), (ssize_t)len);
	close(fd);
}

/* Sectors tagged with their disk sector number and a generation. */
static void
check_vmdk_fill(uint8_t *buf, size_t len, uint64_t off, uint32_t gen)
{
	uint32_t	w[4];
	size_t		i, j;

	for (i = 0; i < len; i += 512) {
		w[0] = TAG;
		w[1] = (uint32_t)((off + i) / 512);
		w[2] = gen;
		w[3] = ~w[1];
		for (j = 0; j < 512; j += sizeof w)
			memcpy(buf + i + j, w, sizeof w);
	}
}

/* 1 if a sector is zeros or wholly one tag for this sector with a
 * generation <= maxgen. */
static int
check_vmdk_check_sector(const uint8_t *p, uint64_t sector, uint32_t maxgen)
{
	uint32_t	w[4];
	size_t		j;

	if (p[0] == 0 && memcmp(p, p + 1, 511) == 0)
		return (1);
	memcpy(w, p, sizeof w);
	if (w[0] != TAG || w[1] != (uint32_t)sector || w[3] != ~w[1] ||
	    w[2] == 0 || w[2] > maxgen)
		return (0);
	for (j = 16; j < 512; j += 16) {
		if (memcmp(p + j, w, sizeof w) != 0)
			return (0);
	}
	return (1);
}

static void
check_vmdk_write(struct disk *d, uint64_t off, size_t len, uint32_t gen)
{
	struct iovec	iov[2];
	uint8_t		*buf;

	buf = malloc(len);
	check_vmdk_fill(buf, len, off, gen);
	/* Two iovecs, split off the sector boundary. */
	iov[0].iov_base = buf;
	iov[0].iov_len = len / 3;
	iov[1].iov_base = buf + len / 3;
	iov[1].iov_len = len - len / 3;
	ck_assert_int_eq(disk_pwritev(d, iov, 2, off), (ssize_t)len);
	free(buf);
}

START_TEST(vmdk_sparse_roundtrip)
{
	static const uint64_t	 offs[] = { 0, 7 * GRAIN + 4096,
				    3 * GRAIN - 512, 40 * MiB + 3 * 512,
				    64 * MiB - 1024 };
	static const size_t	 lens[] = { 512, 8192, 1024, GRAIN + 2048,
				    1024 };
	struct disk		*d;
	struct disk_info	 info;
	struct iovec		 iov;
	uint8_t			*buf, *want;
	char			*cause = NULL, id[DISK_ID_MAX];
	size_t			 i, j;

	check_vmdk_create(DISK_FORMAT_VMDK_SPARSE, 64 * MiB);
	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_int_eq(disk_format(d), DISK_FORMAT_VMDK_SPARSE);
	ck_assert_uint_eq(disk_size(d), 64 * MiB);
	ck_assert_int_eq(disk_can_discard(d), 0);
	errno = 0;
	ck_assert_int_eq(disk_discard(d, 0, 512), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
	/* 20 hex digits of the ddb.uuid. */
	ck_assert_uint_eq(disk_id(d, id), DISK_ID_MAX);
	for (i = 0; i < nitems_check(offs); i++)
		check_vmdk_write(d, offs[i], lens[i], (uint32_t)i + 1);
	/* Overwrite part of an allocated grain. */
	check_vmdk_write(d, 7 * GRAIN + 4096 + 512, 512, 9);
	ck_assert_int_eq(disk_flush(d), 0);
	ck_assert_int_eq(disk_close(d), 0);

	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	buf = malloc(2 * GRAIN + 4096);
	want = malloc(2 * GRAIN + 4096);
	for (i = 0; i < nitems_check(offs); i++) {
		iov.iov_base = buf;
		iov.iov_len = lens[i];
		ck_assert_int_eq(disk_preadv(d, &iov, 1, offs[i]),
		    (ssize_t)lens[i]);
		check_vmdk_fill(want, lens[i], offs[i], (uint32_t)i + 1);
		if (i == 1)
			check_vmdk_fill(want + 512, 512, offs[i] + 512, 9);
		ck_assert_mem_eq(buf, want, lens[i]);
	}
	/* Unwritten: zeros, in an allocated grain and in an empty one. */
	iov.iov_base = buf;
	iov.iov_len = 4096;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 7 * GRAIN), 4096);
	for (j = 0; j < 4096; j++)
		ck_assert_int_eq(buf[j], 0);
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 20 * MiB), 4096);
	for (j = 0; j < 4096; j++)
		ck_assert_int_eq(buf[j], 0);
	ck_assert_int_eq(disk_info(d, &info, &cause), 0);
	/* grains 0, 7, 2, 640, 641, 642 and 1023 */
	ck_assert_uint_eq(info.grains_allocated, 7);
	ck_assert_uint_eq(info.grains, 1024);
	ck_assert_uint_eq(info.grain_size, GRAIN);
	ck_assert_int_eq(info.unclean, 0);
	ck_assert_str_eq(info.create_type, "monolithicSparse");
	disk_info_clear(&info);
	free(buf);
	free(want);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(vmdk_sparse_gd_agree)
{
	struct disk_vmdk_sparse_hdr	 h;
	struct disk			*d;
	uint32_t			 gd[8], rgd[8], gt[512], rgt[512];
	uint64_t			 i, g, ngdes, nonzero = 0;
	int				 fd;

	check_vmdk_create(DISK_FORMAT_VMDK_SPARSE, 128 * MiB);
	check_vmdk_hdr(&h);
	ck_assert_int_eq(h.unclean, 0);
	d = disk_open(check_vmdk_path, 0, NULL);
	ck_assert_ptr_nonnull(d);
	check_vmdk_hdr(&h);
	ck_assert_int_eq(h.unclean, 1);
	for (i = 0; i < 2048; i += 37)
		check_vmdk_write(d, i * GRAIN + 512, 1024, 1);
	ck_assert_int_eq(disk_close(d), 0);
	check_vmdk_hdr(&h);
	ck_assert_int_eq(h.unclean, 0);

	ngdes = 2048 / 512;
	fd = open(check_vmdk_path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, gd, ngdes * 4,
	    (off_t)le64toh(h.gd_offset) * 512), (ssize_t)(ngdes * 4));
	ck_assert_int_eq(pread(fd, rgd, ngdes * 4,
	    (off_t)le64toh(h.rgd_offset) * 512), (ssize_t)(ngdes * 4));
	for (g = 0; g < ngdes; g++) {
		ck_assert_uint_ne(gd[g], 0);
		ck_assert_uint_ne(rgd[g], 0);
		ck_assert_uint_ne(gd[g], rgd[g]);
		ck_assert_int_eq(pread(fd, gt, sizeof gt,
		    (off_t)le32toh(gd[g]) * 512), sizeof gt);
		ck_assert_int_eq(pread(fd, rgt, sizeof rgt,
		    (off_t)le32toh(rgd[g]) * 512), sizeof rgt);
		ck_assert_mem_eq(gt, rgt, sizeof gt);
		for (i = 0; i < 512; i++)
			nonzero += gt[i] != 0;
	}
	close(fd);
	ck_assert_uint_eq(nonzero, (2048 + 36) / 37);
}
END_TEST

START_TEST(vmdk_sparse_grow)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		 buf[1024], want[1024];
	char		*cause = NULL;

	check_vmdk_create(DISK_FORMAT_VMDK_SPARSE, MiB);
	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_ptr_nonnull(d);
	check_vmdk_write(d, 4096, 1024, 1);
	/* In place (same GD sector), then moving the GD. */
	ck_assert_msg(disk_resize(d, 2 * 1024 * MiB, DISK_PREALLOC_NONE,
	    &cause) == 0, "%s", cause);
	check_vmdk_write(d, 2 * 1024 * MiB - 1024, 1024, 2);
	ck_assert_msg(disk_resize(d, 40 * 1024 * MiB, DISK_PREALLOC_NONE,
	    &cause) == 0, "%s", cause);
	ck_assert_uint_eq(disk_size(d), 40 * 1024 * MiB);
	check_vmdk_write(d, 40 * 1024 * MiB - 1024, 1024, 3);
	ck_assert_int_eq(disk_close(d), 0);

	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_uint_eq(disk_size(d), 40 * 1024 * MiB);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 4096), 1024);
	check_vmdk_fill(want, 1024, 4096, 1);
	ck_assert_mem_eq(buf, want, 1024);
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 2 * 1024 * MiB - 1024), 1024);
	check_vmdk_fill(want, 1024, 2 * 1024 * MiB - 1024, 2);
	ck_assert_mem_eq(buf, want, 1024);
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 40 * 1024 * MiB - 1024),
	    1024);
	check_vmdk_fill(want, 1024, 40 * 1024 * MiB - 1024, 3);
	ck_assert_mem_eq(buf, want, 1024);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

/* Opening the image must fail with errno error and a message. */
static void
check_vmdk_expect_fail(const char *what, int error)
{
	struct disk	*d;
	char		*cause = NULL;

	errno = 0;
	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_msg(d == NULL, "%s: opened", what);
	ck_assert_msg(errno == error, "%s: errno %d", what, errno);
	ck_assert_msg(cause != NULL && strstr(cause, check_vmdk_path) != NULL,
	    "%s: cause %s", what, cause);
	free(cause);
}

START_TEST(vmdk_sparse_corrupt_header)
{
	struct disk_vmdk_sparse_hdr	 h, good;
	struct disk			*d;
	char				 desc[256];

	check_vmdk_create(DISK_FORMAT_VMDK_SPARSE, 64 * MiB);
	check_vmdk_hdr(&good);

	h = good;
	h.grain_size = 0;
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("grainSize 0", EINVAL);
	h.grain_size = htole64(100);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("grainSize 100", EINVAL);
	h.grain_size = htole64(4);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("grainSize 4", EINVAL);

	h = good;
	h.gd_offset = htole64(1ULL << 40);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("gdOffset past EOF", EINVAL);
	h.gd_offset = htole64(UINT64_MAX - 2);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("gdOffset overflow", EINVAL);
	h = good;
	h.rgd_offset = htole64(UINT64_MAX / 512);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("rgdOffset past EOF", EINVAL);

	h = good;
	h.capacity = htole64(UINT64_MAX);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("capacity overflow", EINVAL);
	/* A capacity whose GD no longer fits where it is. */
	h.capacity = htole64(1ULL << 39);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("capacity too big for the GD", EINVAL);

	h = good;
	h.flags = htole32(le32toh(h.flags) | DISK_VMDK_FLAG_COMP);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("compressed", ENOTSUP);
	h = good;
	h.nl_double1 = '\n';
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("newline test", EINVAL);
	h = good;
	h.gtes_per_gt = htole32(1024);
	check_vmdk_patch(0, &h, sizeof h);
	check_vmdk_expect_fail("numGTEsPerGT", ENOTSUP);

	/* Bad magic: a descriptor naming the file as a SPARSE extent. */
	h = good;
	memcpy(&h.magic, "XDMV", 4);
	check_vmdk_patch(0, &h, sizeof h);
	snprintf(desc, sizeof desc, "%s/d.vmdk", check_vmdk_dir);
	check_vmdk_write_file(desc, "# Disk DescriptorFile\nversion=1\n"
	    "CID=12345678\nparentCID=ffffffff\ncreateType=\"twoGbMaxExtent"
	    "Sparse\"\nRW 131072 SPARSE \"disk.vmdk\"\n");
	d = disk_open(desc, DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(errno, EINVAL);

	/* Restored, it opens. */
	check_vmdk_patch(0, &good, sizeof good);
	d = disk_open(check_vmdk_path, 0, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(vmdk_sparse_corrupt_tables)
{
	struct disk_vmdk_sparse_hdr	 h;
	struct disk			*d;
	struct disk_info		 info;
	struct iovec			 iov;
	uint32_t			 gde, bad;
	uint8_t				 buf[512];
	char				*cause = NULL;
	int				 fd;

	check_vmdk_create(DISK_FORMAT_VMDK_SPARSE, 64 * MiB);
	d = disk_open(check_vmdk_path, 0, NULL);
	ck_assert_ptr_nonnull(d);
	check_vmdk_write(d, 0, 512, 1);
	check_vmdk_write(d, GRAIN, 512, 1);
	ck_assert_int_eq(disk_close(d), 0);
	check_vmdk_hdr(&h);

	/* A GTE past the end of the file: that grain fails, others work. */
	fd = open(check_vmdk_path, O_RDONLY);
	ck_assert_int_eq(pread(fd, &gde, 4, (off_t)le64toh(h.gd_offset) * 512),
	    4);
	close(fd);
	bad = htole32(0x7fffff00);
	check_vmdk_patch((uint64_t)le32toh(gde) * 512 + 4, &bad, 4);
	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	errno = 0;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, GRAIN), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_int_eq(disk_info(d, &info, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "grain table 0"));
	free(cause);
	ck_assert_int_eq(disk_close(d), 0);

	/* A GTE pointing into the grain directory. */
	bad = htole32((uint32_t)le64toh(h.gd_offset));
	check_vmdk_patch((uint64_t)le32toh(gde) * 512 + 4, &bad, 4);
	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_ptr_nonnull(d);
	errno = 0;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 0), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_int_eq(disk_close(d), 0);

	/* A GDE past the end of the file: refused at open. */
	bad = htole32(0xfffffff0);
	check_vmdk_patch(le64toh(h.gd_offset) * 512, &bad, 4);
	check_vmdk_expect_fail("GDE past EOF", EINVAL);

	/* Truncated in the middle of the grain tables. */
	check_vmdk_patch(le64toh(h.gd_offset) * 512, &gde, 4);
	ck_assert_int_eq(truncate(check_vmdk_path,
	    (off_t)le64toh(h.gd_offset) * 512 + 1024), 0);
	check_vmdk_expect_fail("truncated GTs", EINVAL);
	ck_assert_int_eq(truncate(check_vmdk_path, 300), 0);
	check_vmdk_expect_fail("truncated header", EINVAL);
}
END_TEST

static void
check_vmdk_write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Parsing text must fail with "name:line:" in the message. */
static void
check_vmdk_desc_fails(const char *text, const char *where)
{
	struct disk_vmdk_desc	*desc;
	char			*cause = NULL;

	desc = disk_vmdk_desc_parse(text, strlen(text), "t.vmdk", &cause);
	ck_assert_msg(desc == NULL, "parsed: %s", text);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(cause != NULL && strncmp(cause, where,
	    strlen(where)) == 0, "cause %s, wanted %s", cause, where);
	free(cause);
}

START_TEST(vmdk_desc_parse)
{
	static const char	 good[] = "# Disk DescriptorFile\r\n"
	    "version=1\nencoding=\"UTF-8\"\nCID=710909dd\n"
	    "parentCID=ffffffff\ncreateType=\"monolithicFlat\"\n\n"
	    "# Extent description\nRW 2048 FLAT \"a-flat.vmdk\" 0\n"
	    "RDONLY 100 ZERO\n  RW 8 FLAT \"b c.img\" 16  \n\n#DDB\n"
	    "ddb.adapterType = \"ide\"\nddb.uuid = \"60 00 C2 9b\"\n";
	struct disk_vmdk_desc	*desc, *again;
	char			*cause = NULL, *text;
	size_t			 len;

	desc = disk_vmdk_desc_parse(good, sizeof good - 1, "t", &cause);
	ck_assert_msg(desc != NULL, "%s", cause);
	ck_assert_uint_eq(desc->cid, 0x710909dd);
	ck_assert_uint_eq(desc->parent_cid, DISK_VMDK_NO_PARENT);
	ck_assert_str_eq(desc->create_type, "monolithicFlat");
	ck_assert_uint_eq(desc->next, 3);
	ck_assert_uint_eq(desc->ext[0].sectors, 2048);
	ck_assert_str_eq(desc->ext[0].file, "a-flat.vmdk");
	ck_assert_int_eq(desc->ext[1].type, DISK_VMDK_ZERO);
	ck_assert_int_eq(desc->ext[1].access, DISK_VMDK_RDONLY);
	ck_assert_str_eq(desc->ext[2].file, "b c.img");
	ck_assert_uint_eq(desc->ext[2].offset, 16);
	ck_assert_str_eq(disk_vmdk_desc_ddb(desc, "ddb.adapterType"), "ide");

	/* What we write parses back to the same thing. */
	text = disk_vmdk_desc_write(desc, &len);
	again = disk_vmdk_desc_parse(text, len, "again", &cause);
	ck_assert_msg(again != NULL, "%s", cause);
	ck_assert_uint_eq(again->cid, desc->cid);
	ck_assert_uint_eq(again->next, 3);
	ck_assert_str_eq(again->ext[2].file, "b c.img");
	ck_assert_uint_eq(again->ext[2].offset, 16);
	ck_assert_str_eq(disk_vmdk_desc_ddb(again, "ddb.uuid"), "60 00 C2 9b");
	ck_assert_ptr_nonnull(strstr(text, "encoding=\"UTF-8\""));
	free(text);
	disk_vmdk_desc_free(again);
	disk_vmdk_desc_free(desc);

	check_vmdk_desc_fails("# Disk DescriptorFile\nversion=7\n",
	    "t.vmdk:2:");
	check_vmdk_desc_fails("version=1\nCID=xyz\n", "t.vmdk:2:");
	check_vmdk_desc_fails("version=1\n\nCID=123456789\n", "t.vmdk:3:");
	check_vmdk_desc_fails("createType=\"monolithicFlat\nRW 1 FLAT \"x\"\n",
	    "t.vmdk:1:");
	check_vmdk_desc_fails("createType=\"a\"\nRW abc FLAT \"x\"\n",
	    "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\nRW 99999999999999999999999 "
	    "FLAT \"x\"\n", "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\n#\nRW 10 FLAT x.vmdk\n",
	    "t.vmdk:3:");
	check_vmdk_desc_fails("createType=\"a\"\nRW 10 FLAT \"x\" 1 2\n",
	    "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\nRW 10 FLAT \"x\nx\n",
	    "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\nRW 10 FLAT\n", "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\n= 5\n", "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\nfoo bar\n", "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\nddb.x = \"1\" junk\n",
	    "t.vmdk:2:");
	check_vmdk_desc_fails("createType=\"a\"\n", "t.vmdk:1:");
	check_vmdk_desc_fails("RW 10 FLAT \"x\"\n", "t.vmdk:1:");
	check_vmdk_desc_fails("", "t.vmdk:1:");
}
END_TEST

START_TEST(vmdk_flat)
{
	struct disk		*d;
	struct disk_info	 info;
	struct iovec		 iov;
	struct stat		 before, after;
	uint8_t			 buf[4096], want[4096];
	char			*cause = NULL, flat[160];
	uint32_t		 cid;
	size_t			 i;

	check_vmdk_create(DISK_FORMAT_VMDK_FLAT, 4 * MiB);
	snprintf(flat, sizeof flat, "%s/disk-flat.vmdk", check_vmdk_dir);
	ck_assert_int_eq(stat(flat, &before), 0);
	ck_assert_int_eq(before.st_size, 4 * MiB);
	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_int_eq(disk_info(d, &info, NULL), 0);
	cid = info.cid;
	ck_assert_str_eq(info.create_type, "monolithicFlat");
	ck_assert_str_eq(info.adapter, "lsilogic");
	disk_info_clear(&info);
	ck_assert_int_eq(disk_close(d), 0);

	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_int_eq(disk_format(d), DISK_FORMAT_VMDK_FLAT);
	ck_assert_int_eq(disk_can_discard(d), 1);
	check_vmdk_write(d, MiB, sizeof buf, 4);
	check_vmdk_write(d, 2 * MiB, 512, 5);
	ck_assert_int_eq(disk_flush(d), 0);
	ck_assert_int_eq(disk_discard(d, MiB, sizeof buf), 0);
	ck_assert_int_eq(disk_close(d), 0);

	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_info(d, &info, NULL), 0);
	ck_assert_uint_ne(info.cid, cid);
	disk_info_clear(&info);
	iov.iov_base = buf;
	iov.iov_len = 512;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 2 * MiB), 512);
	check_vmdk_fill(want, 512, 2 * MiB, 5);
	ck_assert_mem_eq(buf, want, 512);
	iov.iov_len = sizeof buf;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, MiB), sizeof buf);
	for (i = 0; i < sizeof buf; i++)
		ck_assert_int_eq(buf[i], 0);
	ck_assert_int_eq(disk_close(d), 0);

	/* Grow the extent. */
	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_int_eq(disk_resize(d, 6 * MiB, DISK_PREALLOC_ZEROED, &cause),
	    0);
	check_vmdk_write(d, 6 * MiB - 512, 512, 6);
	ck_assert_int_eq(disk_close(d), 0);
	ck_assert_int_eq(stat(flat, &after), 0);
	ck_assert_int_eq(after.st_size, 6 * MiB);
	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_uint_eq(disk_size(d), 6 * MiB);
	iov.iov_len = 512;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 6 * MiB - 512), 512);
	check_vmdk_fill(want, 512, 6 * MiB - 512, 6);
	ck_assert_mem_eq(buf, want, 512);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

/* Zeros written in pieces through a flat VMDK land in its extent. */
START_TEST(vmdk_flat_zero_range)
{
	struct disk		*d;
	struct iovec		 iov;
	struct stat		 sb;
	uint8_t			 buf[4096];
	char			*cause = NULL, flat[160];
	size_t			 i;

	check_vmdk_create(DISK_FORMAT_VMDK_FLAT, 20 * MiB);
	snprintf(flat, sizeof flat, "%s/disk-flat.vmdk", check_vmdk_dir);
	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	check_vmdk_write(d, 3 * MiB, sizeof buf, 7);
	/* Two calls, the second not a multiple of the buffer. */
	ck_assert_int_eq(disk_zero_range(d, 0, 17 * MiB + 512, &cause), 0);
	ck_assert_int_eq(disk_zero_range(d, 17 * MiB + 512,
	    3 * MiB - 512, &cause), 0);
	ck_assert_int_eq(disk_flush(d), 0);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 3 * MiB), sizeof buf);
	for (i = 0; i < sizeof buf; i++)
		ck_assert_int_eq(buf[i], 0);
	ck_assert_int_eq(disk_zero_range(d, 20 * MiB - 512, 1024, &cause),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	ck_assert_int_eq(disk_close(d), 0);
	ck_assert_int_eq(stat(flat, &sb), 0);
	ck_assert_int_eq(sb.st_size, 20 * MiB);
	ck_assert_int_ge(sb.st_blocks * 512, 20 * MiB);

	d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_zero_range(d, 0, 512, &cause), -1);
	ck_assert_int_eq(errno, EROFS);
	free(cause);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(vmdk_flat_refused)
{
	char	flat[160];
	int	fd;

	snprintf(flat, sizeof flat, "%s/x-flat.vmdk", check_vmdk_dir);
	fd = open(flat, O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, MiB), 0);
	close(fd);

	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=12345678\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"x-flat.vmdk\" 0\n");
	check_vmdk_expect_fail("delta without a parent hint", EINVAL);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=12345678\nparentFileNameHint=\"p.vmdk\"\n"
	    "createType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"x-flat.vmdk\" 0\n");
	check_vmdk_expect_fail("delta with a flat extent", ENOTSUP);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"streamOptimized\"\n"
	    "RW 2048 SPARSE \"x-flat.vmdk\"\n");
	check_vmdk_expect_fail("streamOptimized", ENOTSUP);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"/etc/passwd\" 0\n");
	check_vmdk_expect_fail("absolute path", EINVAL);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"../x-flat.vmdk\" 0\n");
	check_vmdk_expect_fail("dot-dot path", EINVAL);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2049 FLAT \"x-flat.vmdk\" 0\n");
	check_vmdk_expect_fail("extent past the file", EINVAL);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"missing.vmdk\" 0\n");
	check_vmdk_expect_fail("missing extent", ENOENT);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 VMFSRDM \"x-flat.vmdk\"\n");
	check_vmdk_expect_fail("RDM", ENOTSUP);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RDONLY 2048 FLAT \"x-flat.vmdk\" 0\n");
	check_vmdk_expect_fail("RDONLY extent opened for writing", EROFS);
	check_vmdk_write_file(check_vmdk_path, "# Disk DescriptorFile\n"
	    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"x-flat.vmdk\" 0\nfoo\n");
	check_vmdk_expect_fail("syntax", EINVAL);
}
END_TEST

/*
 * Crash consistency: a child writes tagged sectors in a loop (each round
 * a new generation, random offsets and lengths spanning grains) and is
 * SIGKILLed at a random moment; then every sector must be zeros or a
 * whole tag of its own sector number, and the image must take new
 * writes.  Several rounds on the same image.
 */
START_TEST(vmdk_sparse_crash)
{
	struct disk_info info;
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		*buf;
	uint64_t	 off, s, size = 16 * MiB, written = 0;
	uint32_t	 gen;
	size_t		 len;
	pid_t		 pid;
	int		 round, status, ready[2];
	char		*cause = NULL, c;

	check_vmdk_create(DISK_FORMAT_VMDK_SPARSE, size);
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	for (round = 0; round < 6; round++) {
		ck_assert_int_eq(pipe(ready), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(ready[0]);
			d = disk_open(check_vmdk_path, 0, NULL);
			if (d == NULL)
				_exit(1);
			/* Open (marked unclean): the kill may come now. */
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			for (gen = (uint32_t)round * 100000 + 1;; gen++) {
				len = (size_t)(random() % 384 + 1) * 512;
				off = (uint64_t)(random() %
				    (long)((size - len) / 512)) * 512;
				check_vmdk_write(d, off, len, gen);
				if (gen % 16 == 0)
					disk_flush(d);
			}
		}
		close(ready[1]);
		/* A busy machine may start the child late: kill it only
		 * once it has the disk open, or there is no crash to see. */
		ck_assert_int_eq(read(ready[0], &c, 1), 1);
		close(ready[0]);
		usleep((useconds_t)(random() % 60000 + 2000));
		ck_assert_int_eq(kill(pid, SIGKILL), 0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFSIGNALED(status));

		d = disk_open(check_vmdk_path, DISK_OPEN_RDONLY, &cause);
		ck_assert_msg(d != NULL, "round %d: %s", round, cause);
		buf = malloc(size);
		iov.iov_base = buf;
		iov.iov_len = size;
		ck_assert_int_eq(disk_preadv(d, &iov, 1, 0), (ssize_t)size);
		for (s = 0; s < size / 512; s++) {
			ck_assert_msg(check_vmdk_check_sector(buf + s * 512, s,
			    (uint32_t)round * 100000 + 99999),
			    "round %d: sector %llu is garbage", round,
			    (unsigned long long)s);
			written += buf[s * 512] != 0;
		}
		free(buf);
		/* Every grain table entry is still sane. */
		ck_assert_msg(disk_info(d, &info, &cause) == 0, "%s", cause);
		ck_assert_int_eq(info.unclean, 1);
		disk_info_clear(&info);
		ck_assert_int_eq(disk_close(d), 0);
	}
	/* The child got somewhere before it was killed. */
	ck_assert_uint_gt(written, 0);
	if (getenv("CHECK_VMDK_VERBOSE") != NULL)
		fprintf(stderr, "crash: %llu sector checks saw data\n",
		    (unsigned long long)written);

	/* And it still takes writes and closes cleanly. */
	d = disk_open(check_vmdk_path, 0, &cause);
	ck_assert_ptr_nonnull(d);
	check_vmdk_write(d, 0, 2 * GRAIN, 1);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

static Suite *
check_vmdk_suite(void)
{
	Suite	*s = suite_create("disk_vmdk");
	TCase	*tc;

	tc = tcase_create("sparse");
	tcase_add_checked_fixture(tc, check_vmdk_setup, check_vmdk_teardown);
	tcase_add_test(tc, vmdk_sparse_roundtrip);
	tcase_add_test(tc, vmdk_sparse_gd_agree);
	tcase_add_test(tc, vmdk_sparse_grow);
	tcase_add_test(tc, vmdk_sparse_corrupt_header);
	tcase_add_test(tc, vmdk_sparse_corrupt_tables);
	suite_add_tcase(s, tc);
	tc = tcase_create("descriptor");
	tcase_add_checked_fixture(tc, check_vmdk_setup, check_vmdk_teardown);
	tcase_add_test(tc, vmdk_desc_parse);
	tcase_add_test(tc, vmdk_flat);
	tcase_add_test(tc, vmdk_flat_zero_range);
	tcase_add_test(tc, vmdk_flat_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("crash");
	tcase_add_checked_fixture(tc, check_vmdk_setup, check_vmdk_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, vmdk_sparse_crash);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_vmdk_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
