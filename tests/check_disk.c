/* SPDX-License-Identifier: ISC */
/*
 * The disk layer on raw images (vmm/disk.c, vmm/disk-raw.c): what
 * virtio-blk relies on.  Reads and writes through several iovecs, flush,
 * discard really punching a hole, read-only disks refusing writes with
 * EROFS, I/O beyond the end refused with EINVAL, a stable serial, and
 * creating and growing raw images.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "disk.h"

#define MiB	(1024 * 1024)

static char	check_disk_dir[64];
static char	check_disk_path[128];

static void	check_disk_setup(void);
static void	check_disk_teardown(void);
static void	check_disk_make(uint64_t);
static Suite	*check_disk_suite(void);

/* A fresh directory and an empty image file name in it. */
static void
check_disk_setup(void)
{
	strcpy(check_disk_dir, "/tmp/check_disk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_disk_dir));
	snprintf(check_disk_path, sizeof check_disk_path, "%s/disk.img",
	    check_disk_dir);
}

static void
check_disk_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", check_disk_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A sparse raw file of size bytes. */
static void
check_disk_make(uint64_t size)
{
	int	fd;

	fd = open(check_disk_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

START_TEST(disk_raw_rw)
{
	struct disk	*d;
	struct iovec	 iov[3];
	uint8_t		 a[512], b[1024], c[512], out[2048];
	char		*cause = NULL, id[DISK_ID_MAX], id2[DISK_ID_MAX];
	size_t		 idlen;

	check_disk_make(4 * MiB + 100);
	d = disk_open(check_disk_path, 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_int_eq(disk_format(d), DISK_FORMAT_RAW);
	/* The trailing partial sector is not part of the disk. */
	ck_assert_uint_eq(disk_size(d), 4 * MiB);
	ck_assert_uint_eq(disk_sector_size(d), 512);
	ck_assert_int_eq(disk_is_readonly(d), 0);
	ck_assert_int_eq(disk_can_discard(d), 1);

	memset(a, 0x11, sizeof a);
	memset(b, 0x22, sizeof b);
	memset(c, 0x33, sizeof c);
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof a;
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof b;
	iov[2].iov_base = c;
	iov[2].iov_len = sizeof c;
	ck_assert_int_eq(disk_pwritev(d, iov, 3, MiB), 2048);
	ck_assert_int_eq(disk_flush(d), 0);

	iov[0].iov_base = out;
	iov[0].iov_len = 700;
	iov[1].iov_base = out + 700;
	iov[1].iov_len = 2048 - 700;
	ck_assert_int_eq(disk_preadv(d, iov, 2, MiB), 2048);
	ck_assert_int_eq(out[0], 0x11);
	ck_assert_int_eq(out[511], 0x11);
	ck_assert_int_eq(out[512], 0x22);
	ck_assert_int_eq(out[1535], 0x22);
	ck_assert_int_eq(out[1536], 0x33);
	ck_assert_int_eq(out[2047], 0x33);

	/* Unwritten space reads as zeros. */
	ck_assert_int_eq(disk_preadv(d, iov, 2, 0), 2048);
	ck_assert_int_eq(out[0], 0);
	ck_assert_int_eq(out[2047], 0);

	/* Zero-length I/O is fine anywhere in range. */
	ck_assert_int_eq(disk_preadv(d, iov, 0, 4 * MiB), 0);

	idlen = disk_id(d, id);
	ck_assert_uint_gt(idlen, 0);
	ck_assert_uint_le(idlen, DISK_ID_MAX);
	ck_assert_int_eq(disk_close(d), 0);

	/* The serial is stable across opens. */
	d = disk_open(check_disk_path, DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(disk_id(d, id2), idlen);
	ck_assert_mem_eq(id, id2, DISK_ID_MAX);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(disk_raw_range)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		 buf[1024];

	check_disk_make(MiB);
	d = disk_open(check_disk_path, 0, NULL);
	ck_assert_ptr_nonnull(d);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	/* The last KiB is fine, one sector further is not. */
	ck_assert_int_eq(disk_preadv(d, &iov, 1, MiB - 1024), 1024);
	errno = 0;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, MiB - 512), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, MiB), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, UINT64_MAX - 100), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(disk_discard(d, MiB - 512, 1024), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(disk_preadv(d, &iov, -1, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(disk_raw_readonly)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		 buf[512];

	check_disk_make(MiB);
	d = disk_open(check_disk_path, DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_is_readonly(d), 1);
	ck_assert_int_eq(disk_can_discard(d), 0);
	memset(buf, 0xaa, sizeof buf);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	errno = 0;
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, 0), -1);
	ck_assert_int_eq(errno, EROFS);
	errno = 0;
	ck_assert_int_eq(disk_discard(d, 0, 512), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(disk_flush(d), 0);
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 0), 512);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(disk_raw_discard)
{
	struct disk	*d;
	struct stat	 before, after;
	struct iovec	 iov;
	uint8_t		*buf;
	size_t		 i;

	check_disk_make(8 * MiB);
	d = disk_open(check_disk_path, 0, NULL);
	ck_assert_ptr_nonnull(d);
	buf = malloc(4 * MiB);
	memset(buf, 0x5a, 4 * MiB);
	iov.iov_base = buf;
	iov.iov_len = 4 * MiB;
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, 2 * MiB), 4 * MiB);
	ck_assert_int_eq(disk_flush(d), 0);
	ck_assert_int_eq(stat(check_disk_path, &before), 0);

	if (disk_discard(d, 2 * MiB, 2 * MiB) == -1) {
		/* A file system without hole punching. */
		ck_assert_int_eq(errno, EOPNOTSUPP);
		free(buf);
		disk_close(d);
		return;
	}
	ck_assert_int_eq(disk_flush(d), 0);
	ck_assert_int_eq(stat(check_disk_path, &after), 0);
	ck_assert_int_lt(after.st_blocks, before.st_blocks);
	ck_assert_int_eq(after.st_size, before.st_size);

	ck_assert_int_eq(disk_preadv(d, &iov, 1, 2 * MiB), 4 * MiB);
	for (i = 0; i < 2 * MiB && buf[i] == 0; i++)
		continue;
	ck_assert_uint_eq(i, 2 * MiB);
	for (; i < 4 * MiB && buf[i] == 0x5a; i++)
		continue;
	ck_assert_uint_eq(i, 4 * MiB);
	free(buf);
	ck_assert_int_eq(disk_close(d), 0);
}
END_TEST

START_TEST(disk_raw_errors)
{
	struct disk	*d;
	char		*cause = NULL;

	d = disk_open("/nonexistent/x.img", 0, &cause);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/x.img"));
	free(cause);

	/* A directory is not a disk. */
	d = disk_open(check_disk_dir, DISK_OPEN_RDONLY, &cause);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	ck_assert_int_eq(disk_close(NULL), 0);
}
END_TEST

START_TEST(disk_raw_create_resize)
{
	struct disk_create_args	 args;
	struct disk		*d;
	struct stat		 sb;
	char			*cause = NULL;

	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_RAW;
	args.size = 3 * MiB;
	args.prealloc = DISK_PREALLOC_EAGER;
	ck_assert_int_eq(disk_create(check_disk_path, &args, &cause), 0);
	ck_assert_int_eq(stat(check_disk_path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 3 * MiB);
	ck_assert_int_ge(sb.st_blocks * 512, 3 * MiB);

	/* Never over an existing file. */
	ck_assert_int_eq(disk_create(check_disk_path, &args, &cause), -1);
	ck_assert_int_eq(errno, EEXIST);
	free(cause);
	args.size = 1000;
	ck_assert_int_eq(disk_create("/tmp/x", &args, &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	free(cause);

	d = disk_open(check_disk_path, 0, &cause);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_resize(d, 2 * MiB, DISK_PREALLOC_NONE, &cause),
	    -1);
	free(cause);
	ck_assert_int_eq(disk_resize(d, 5 * MiB, DISK_PREALLOC_NONE, &cause),
	    0);
	ck_assert_uint_eq(disk_size(d), 5 * MiB);
	ck_assert_int_eq(disk_close(d), 0);
	ck_assert_int_eq(stat(check_disk_path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 5 * MiB);
}
END_TEST

static Suite *
check_disk_suite(void)
{
	Suite	*s = suite_create("disk");
	TCase	*tc;

	tc = tcase_create("raw");
	tcase_add_checked_fixture(tc, check_disk_setup, check_disk_teardown);
	tcase_add_test(tc, disk_raw_rw);
	tcase_add_test(tc, disk_raw_range);
	tcase_add_test(tc, disk_raw_readonly);
	tcase_add_test(tc, disk_raw_discard);
	tcase_add_test(tc, disk_raw_errors);
	tcase_add_test(tc, disk_raw_create_resize);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_disk_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
