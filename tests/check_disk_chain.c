/* SPDX-License-Identifier: ISC */
/*
 * VMDK delta chains (vmm/disk-vmdk.c, disk.h "Delta disks"): a delta made
 * by disk_create reads through to its parent until written, a partial
 * write keeps the parent's data in the rest of the grain, the parent is
 * never written; chains of several deltas; disk_commit folds a delta
 * into its parent, and a commit killed at any moment leaves a delta that
 * still reads as before; disk_set_parent re-links a grandchild; the live
 * switch of disk_snapshot; deltas made by qemu-img are read, and ours
 * pass qemu-img check and compare.  Errors: a parent written after the
 * delta was made (ESTALE), a missing or raw parent, a loop, a chain too
 * deep, and misuse of the operations.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
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
#define SIZE	(4 * MiB)

static char	check_chain_dir[64];

static void	 check_chain_setup(void);
static void	 check_chain_teardown(void);
static char	*check_chain_path(const char *);
static void	 check_chain_base(const char *, uint64_t);
static void	 check_chain_delta(const char *, const char *);
static void	 check_chain_put(const char *, uint64_t, size_t, int,
		    uint8_t *);
static void	 check_chain_expect(const char *, const uint8_t *);
static void	 check_chain_fails(const char *, int, const char *);
static int	 check_chain_sh(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static Suite	*check_chain_suite(void);

static void
check_chain_setup(void)
{
	strcpy(check_chain_dir, "/tmp/check_chain.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_chain_dir));
}

static void
check_chain_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", check_chain_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* name inside the test directory (static buffer, one at a time). */
static char *
check_chain_path(const char *name)
{
	static char	buf[4][256];
	static int	n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof buf[n], "%s/%s", check_chain_dir, name);
	return (buf[n]);
}

static void
check_chain_base(const char *name, uint64_t size)
{
	struct disk_create_args	 args;
	char			*cause = NULL;

	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	args.size = size;
	ck_assert_msg(disk_create(check_chain_path(name), &args, &cause) == 0,
	    "%s", cause);
}

static void
check_chain_delta(const char *name, const char *parent)
{
	struct disk_create_args	 args;
	char			*cause = NULL, *p;

	p = strdup(check_chain_path(parent));
	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	args.parent = p;
	ck_assert_msg(disk_create(check_chain_path(name), &args, &cause) == 0,
	    "%s", cause);
	free(p);
}

/* Write len bytes of value at off through the image name, and into the
 * model of what the disk should read (if not NULL). */
static void
check_chain_put(const char *name, uint64_t off, size_t len, int value,
    uint8_t *model)
{
	struct disk	*d;
	struct iovec	 iov;
	char		*cause = NULL;

	d = disk_open(check_chain_path(name), 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	iov.iov_base = malloc(len);
	iov.iov_len = len;
	memset(iov.iov_base, value, len);
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, off), (ssize_t)len);
	ck_assert_int_eq(disk_close(d), 0);
	free(iov.iov_base);
	if (model != NULL)
		memset(model + off, value, len);
}

/* The image name reads exactly model (SIZE bytes). */
static void
check_chain_expect(const char *name, const uint8_t *model)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		*buf;
	char		*cause = NULL;
	size_t		 i;

	d = disk_open(check_chain_path(name), DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d != NULL, "%s: %s", name, cause);
	ck_assert_uint_eq(disk_size(d), SIZE);
	buf = malloc(SIZE);
	iov.iov_base = buf;
	iov.iov_len = SIZE;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 0), (ssize_t)SIZE);
	for (i = 0; i < SIZE; i++) {
		if (buf[i] != model[i])
			break;
	}
	ck_assert_msg(i == SIZE, "%s: byte %zu is %02x, expected %02x",
	    name, i, i < SIZE ? buf[i] : 0, i < SIZE ? model[i] : 0);
	free(buf);
	disk_close(d);
}

/* Opening name fails with error and a cause containing what. */
static void
check_chain_fails(const char *name, int error, const char *what)
{
	struct disk	*d;
	char		*cause = NULL;

	errno = 0;
	d = disk_open(check_chain_path(name), DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d == NULL, "%s opened", name);
	ck_assert_msg(errno == error, "%s: errno %d (%s), not %d", name,
	    errno, cause, error);
	ck_assert_msg(cause != NULL && strstr(cause, what) != NULL,
	    "%s: cause \"%s\" lacks \"%s\"", name, cause, what);
	free(cause);
}

/* Run a shell command in the test directory; its exit status. */
static int
check_chain_sh(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd, *full;
	int	 rc;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	ck_assert_int_ge(asprintf(&full, "cd %s && %s", check_chain_dir,
	    cmd), 0);
	rc = system(full);
	free(cmd);
	free(full);
	return (WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
}

START_TEST(chain_readthrough)
{
	struct disk_info	 info, binfo;
	struct disk		*d;
	uint8_t			*model, *basemodel;
	char			*cause = NULL;

	model = calloc(1, SIZE);
	check_chain_base("base.vmdk", SIZE);
	check_chain_put("base.vmdk", 0, GRAIN, 0xa1, model);
	check_chain_put("base.vmdk", 3 * GRAIN + 512, 3 * GRAIN, 0xa2, model);
	check_chain_put("base.vmdk", SIZE - 4096, 4096, 0xa3, model);
	basemodel = malloc(SIZE);
	memcpy(basemodel, model, SIZE);

	check_chain_delta("base-000001.vmdk", "base.vmdk");
	check_chain_expect("base-000001.vmdk", model);

	/* Part of a grain the parent holds, part of one it does not. */
	check_chain_put("base-000001.vmdk", 3 * GRAIN + 8192, 4096, 0xb1,
	    model);
	check_chain_put("base-000001.vmdk", 20 * GRAIN + 1024, 1024, 0xb2,
	    model);
	check_chain_expect("base-000001.vmdk", model);
	check_chain_expect("base.vmdk", basemodel);

	d = disk_open(check_chain_path("base-000001.vmdk"), DISK_OPEN_RDONLY,
	    &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_int_eq(disk_format(d), DISK_FORMAT_VMDK_SPARSE);
	ck_assert_int_eq(disk_info(d, &info, NULL), 0);
	ck_assert_str_eq(info.parent, "base.vmdk");
	ck_assert_str_eq(info.create_type, "monolithicSparse");
	/* Only the two grains written live in the delta. */
	ck_assert_uint_eq(info.grains_allocated, 2);
	disk_close(d);
	d = disk_open(check_chain_path("base.vmdk"), DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_info(d, &binfo, NULL), 0);
	ck_assert_uint_eq(info.parent_cid, binfo.cid);
	ck_assert_ptr_null(binfo.parent);
	ck_assert_str_eq(info.uuid, binfo.uuid);
	disk_info_clear(&info);
	disk_info_clear(&binfo);
	disk_close(d);

	/* A second link. */
	check_chain_delta("base-000002.vmdk", "base-000001.vmdk");
	check_chain_put("base-000002.vmdk", 2 * GRAIN, 100 * 512, 0xc1,
	    model);
	check_chain_expect("base-000002.vmdk", model);
	free(model);
	free(basemodel);
}
END_TEST

START_TEST(chain_commit)
{
	uint8_t	*model;
	char	*cause = NULL, *parent = NULL;

	model = calloc(1, SIZE);
	check_chain_base("base.vmdk", SIZE);
	check_chain_put("base.vmdk", 0, 8 * GRAIN, 0x11, model);
	check_chain_delta("d1.vmdk", "base.vmdk");
	check_chain_put("d1.vmdk", GRAIN / 2, GRAIN, 0x22, model);
	check_chain_put("d1.vmdk", 30 * GRAIN, 2 * GRAIN + 512, 0x23, model);
	check_chain_delta("d2.vmdk", "d1.vmdk");
	check_chain_put("d2.vmdk", 40 * GRAIN, 512, 0x33, model);

	ck_assert_int_eq(disk_parent(check_chain_path("d2.vmdk"), &parent,
	    NULL), 0);
	ck_assert_str_eq(parent, check_chain_path("d1.vmdk"));
	free(parent);
	ck_assert_int_eq(disk_parent(check_chain_path("base.vmdk"), &parent,
	    NULL), 0);
	ck_assert_ptr_null(parent);

	ck_assert_msg(disk_commit(check_chain_path("d1.vmdk"), &cause) == 0,
	    "%s", cause);
	/* The base now shows d1's view; d1 and d2 still open and read. */
	memset(model + 40 * GRAIN, 0, 512);
	check_chain_expect("base.vmdk", model);
	check_chain_expect("d1.vmdk", model);
	memset(model + 40 * GRAIN, 0x33, 512);
	check_chain_expect("d2.vmdk", model);

	/* Re-link d2 to the base and drop d1: d2 reads the same. */
	ck_assert_msg(disk_set_parent(check_chain_path("d2.vmdk"),
	    check_chain_path("base.vmdk"), &cause) == 0, "%s", cause);
	ck_assert_int_eq(unlink(check_chain_path("d1.vmdk")), 0);
	check_chain_expect("d2.vmdk", model);
	ck_assert_int_eq(disk_parent(check_chain_path("d2.vmdk"), &parent,
	    NULL), 0);
	ck_assert_str_eq(parent, check_chain_path("base.vmdk"));
	free(parent);

	/* And the last link folds in too. */
	ck_assert_msg(disk_commit(check_chain_path("d2.vmdk"), &cause) == 0,
	    "%s", cause);
	check_chain_expect("base.vmdk", model);
	free(model);
}
END_TEST

/*
 * A commit killed at a random moment: the delta still reads as before,
 * and a second commit completes.  Several rounds with fresh files.
 */
START_TEST(chain_commit_crash)
{
	uint8_t		*model;
	char		*cause = NULL;
	pid_t		 pid;
	int		 round, status, i;
	struct timespec	 ts;

	srandom((unsigned int)time(NULL));
	for (round = 0; round < 6; round++) {
		check_chain_sh("rm -f base.vmdk d.vmdk");
		model = calloc(1, SIZE);
		check_chain_base("base.vmdk", SIZE);
		check_chain_put("base.vmdk", 0, SIZE / 2, 0x40 + round,
		    model);
		check_chain_delta("d.vmdk", "base.vmdk");
		for (i = 0; i < 24; i++)
			check_chain_put("d.vmdk", (uint64_t)i * 2 * GRAIN +
			    512 * (uint64_t)i, GRAIN, 0x80 + i, model);
		if ((pid = fork()) == 0)
			_exit(disk_commit(check_chain_path("d.vmdk"), NULL) ==
			    0 ? 0 : 1);
		ck_assert_int_gt(pid, 0);
		ts.tv_sec = 0;
		ts.tv_nsec = random() % (round * 4000000L + 1);
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		check_chain_expect("d.vmdk", model);
		ck_assert_msg(disk_commit(check_chain_path("d.vmdk"),
		    &cause) == 0, "%s", cause);
		check_chain_expect("d.vmdk", model);
		check_chain_expect("base.vmdk", model);
		free(model);
	}
}
END_TEST

START_TEST(chain_snapshot_live)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		*model, *basemodel, buf[4096];
	char		 id0[DISK_ID_MAX], id1[DISK_ID_MAX], *cause = NULL;

	model = calloc(1, SIZE);
	check_chain_base("live.vmdk", SIZE);
	d = disk_open(check_chain_path("live.vmdk"), 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	disk_id(d, id0);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	memset(buf, 0x5a, sizeof buf);
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, GRAIN), (ssize_t)sizeof buf);
	memset(model + GRAIN, 0x5a, sizeof buf);
	basemodel = malloc(SIZE);
	memcpy(basemodel, model, SIZE);

	ck_assert_msg(disk_snapshot(d, check_chain_path("live-000001.vmdk"),
	    &cause) == 0, "%s", cause);
	disk_id(d, id1);
	ck_assert_int_eq(memcmp(id0, id1, DISK_ID_MAX), 0);
	ck_assert_uint_eq(disk_size(d), SIZE);
	memset(buf, 0x6b, sizeof buf);
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, GRAIN + 2048),
	    (ssize_t)sizeof buf);
	memset(model + GRAIN + 2048, 0x6b, sizeof buf);
	/* Reads through the switched disk see both. */
	ck_assert_int_eq(disk_preadv(d, &iov, 1, GRAIN), (ssize_t)sizeof buf);
	ck_assert_int_eq(memcmp(buf, model + GRAIN, sizeof buf), 0);
	ck_assert_int_eq(disk_close(d), 0);

	check_chain_expect("live.vmdk", basemodel);
	check_chain_expect("live-000001.vmdk", model);
	free(model);
	free(basemodel);
}
END_TEST

/* qemu-img's deltas read through us; ours pass qemu-img check/compare. */
START_TEST(chain_qemu)
{
	uint8_t	*model;
	FILE	*f;

	if (check_chain_sh("command -v qemu-img >/dev/null && "
	    "command -v qemu-io >/dev/null") != 0) {
		/* .ci/run installs qemu-utils; a plain box may lack it. */
		fprintf(stderr, "chain_qemu: qemu-img missing, skipped\n");
		return;
	}
	model = calloc(1, SIZE);
	check_chain_base("base.vmdk", SIZE);
	check_chain_put("base.vmdk", 0, 5 * GRAIN, 0x71, model);

	/* theirs over ours */
	ck_assert_int_eq(check_chain_sh("qemu-img create -q -f vmdk "
	    "-b base.vmdk -F vmdk q.vmdk && qemu-io -f vmdk -c "
	    "'write -P 0xcd 70k 8k' q.vmdk >/dev/null"), 0);
	memset(model + 70 * KiB, 0xcd, 8 * KiB);
	check_chain_expect("q.vmdk", model);
	/* ours over theirs, then ours written */
	check_chain_delta("o.vmdk", "q.vmdk");
	check_chain_put("o.vmdk", 200 * KiB, 3 * KiB, 0xee, model);
	check_chain_put("o.vmdk", SIZE - 512, 512, 0xef, model);
	check_chain_expect("o.vmdk", model);
	ck_assert_int_eq(check_chain_sh("qemu-img check -q o.vmdk"), 0);
	ck_assert_int_eq(check_chain_sh("qemu-img info o.vmdk | "
	    "grep -q 'backing file: q.vmdk'"), 0);
	f = fopen(check_chain_path("model.raw"), "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(model, 1, SIZE, f), SIZE);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(check_chain_sh("qemu-img compare -q -f vmdk -F raw "
	    "o.vmdk model.raw"), 0);
	/* A commit by us, checked by qemu. */
	ck_assert_int_eq(disk_commit(check_chain_path("o.vmdk"), NULL), 0);
	ck_assert_int_eq(check_chain_sh("qemu-img compare -q -f vmdk -F raw "
	    "q.vmdk model.raw"), 0);
	ck_assert_int_eq(check_chain_sh("qemu-img check -q q.vmdk"), 0);
	free(model);
}
END_TEST

START_TEST(chain_errors)
{
	struct disk_create_args	 args;
	struct disk		*d;
	struct iovec		 iov;
	uint8_t			 buf[512];
	char			*cause = NULL;
	int			 fd;

	check_chain_base("base.vmdk", SIZE);
	check_chain_delta("d.vmdk", "base.vmdk");

	/* The parent written after the delta was made. */
	check_chain_put("base.vmdk", 0, 512, 1, NULL);
	check_chain_fails("d.vmdk", ESTALE, "changed after this delta");
	/* and a delta cannot be pointed at a disk it was not made from */
	check_chain_base("other.vmdk", SIZE);
	errno = 0;
	ck_assert_int_eq(disk_set_parent(check_chain_path("d.vmdk"),
	    check_chain_path("other.vmdk"), &cause), -1);
	ck_assert_int_eq(errno, ESTALE);
	ck_assert_ptr_nonnull(strstr(cause, "not the parent"));
	free(cause);

	/* Parent gone. */
	check_chain_delta("d2.vmdk", "other.vmdk");
	ck_assert_int_eq(unlink(check_chain_path("other.vmdk")), 0);
	check_chain_fails("d2.vmdk", ENOENT, "other.vmdk");

	/* A raw parent is refused: a delta must not expose other files. */
	fd = open(check_chain_path("raw.img"), O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	close(fd);
	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	args.parent = check_chain_path("raw.img");
	errno = 0;
	ck_assert_int_eq(disk_create(check_chain_path("r.vmdk"), &args,
	    &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "not a VMDK"));
	free(cause);
	ck_assert_int_eq(access(check_chain_path("r.vmdk"), F_OK), -1);
	/* Edit a delta's hint to name the raw file. */
	check_chain_base("b3.vmdk", SIZE);
	check_chain_delta("d3.vmdk", "b3.vmdk");
	ck_assert_int_eq(check_chain_sh("sed -i 's/parentFileNameHint=\"b3"
	    ".vmdk\"/parentFileNameHint=\"raw.img\"/' d3.vmdk"), 0);
	check_chain_fails("d3.vmdk", EINVAL, "not a VMDK");

	/* A delta that names itself: a loop, ended by the depth limit. */
	check_chain_delta("d4.vmdk", "b3.vmdk");
	ck_assert_int_eq(check_chain_sh("sed -i 's/parentFileNameHint=\"b3"
	    ".vmdk\"/parentFileNameHint=\"d4.vmdk\"/' d4.vmdk"), 0);
	check_chain_fails("d4.vmdk", ELOOP, "deeper than");

	/* A delta argument that is wrong. */
	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_FLAT;
	args.parent = check_chain_path("b3.vmdk");
	ck_assert_int_eq(disk_create(check_chain_path("f.vmdk"), &args,
	    NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	args.size = SIZE * 2;
	ck_assert_int_eq(disk_create(check_chain_path("f.vmdk"), &args,
	    &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "parent's size"));
	free(cause);

	/* Operations on things that are not deltas. */
	ck_assert_int_eq(disk_commit(check_chain_path("b3.vmdk"), &cause),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "not a delta"));
	free(cause);
	ck_assert_int_eq(disk_set_parent(check_chain_path("b3.vmdk"),
	    check_chain_path("base.vmdk"), NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	d = disk_open(check_chain_path("raw.img"), 0, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_snapshot(d, check_chain_path("s.vmdk"),
	    &cause), -1);
	ck_assert_int_eq(errno, ENOTSUP);
	free(cause);
	disk_close(d);
	d = disk_open(check_chain_path("b3.vmdk"), DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_snapshot(d, check_chain_path("s.vmdk"), NULL),
	    -1);
	ck_assert_int_eq(errno, EROFS);
	disk_close(d);
	/* A snapshot file that exists already: the disk stays as it was. */
	d = disk_open(check_chain_path("b3.vmdk"), 0, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(disk_snapshot(d, check_chain_path("d3.vmdk"),
	    &cause), -1);
	ck_assert_int_eq(errno, EEXIST);
	free(cause);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	memset(buf, 0x77, sizeof buf);
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, 0), (ssize_t)sizeof buf);
	ck_assert_int_eq(disk_close(d), 0);
	check_chain_fails("d3.vmdk", EINVAL, "not a VMDK");
}
END_TEST

/* 64 images in a chain open; a 65th does not. */
START_TEST(chain_depth)
{
	uint8_t	*model;
	char	 name[32], prev[32];
	int	 i;

	model = calloc(1, SIZE);
	check_chain_base("c0.vmdk", SIZE);
	for (i = 1; i < DISK_CHAIN_MAX; i++) {
		snprintf(prev, sizeof prev, "c%d.vmdk", i - 1);
		snprintf(name, sizeof name, "c%d.vmdk", i);
		check_chain_delta(name, prev);
		if (i % 16 == 0)
			check_chain_put(name, (uint64_t)i * GRAIN, 512, i,
			    model);
	}
	check_chain_expect(name, model);
	snprintf(prev, sizeof prev, "c%d.vmdk", DISK_CHAIN_MAX - 1);
	snprintf(name, sizeof name, "c%d.vmdk", DISK_CHAIN_MAX);
	check_chain_delta(name, prev);
	check_chain_fails(name, ELOOP, "deeper than");
	free(model);
}
END_TEST

static Suite *
check_chain_suite(void)
{
	Suite	*s = suite_create("disk_chain");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, check_chain_setup, check_chain_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, chain_readthrough);
	tcase_add_test(tc, chain_commit);
	tcase_add_test(tc, chain_commit_crash);
	tcase_add_test(tc, chain_snapshot_live);
	tcase_add_test(tc, chain_qemu);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, check_chain_setup, check_chain_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, chain_depth);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, check_chain_setup, check_chain_teardown);
	tcase_add_test(tc, chain_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_chain_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
