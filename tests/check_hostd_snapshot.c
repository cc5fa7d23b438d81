/* SPDX-License-Identifier: ISC */
/*
 * hostd/snapshot.c on the files of a VM, without a daemon: a .vmx with
 * one VMDK, data written through the disk layer as a guest would, and
 * what a user sees afterwards: the .vmsd in VMware's layout (read back,
 * createTime halves included), the .vmx naming the newest delta, a
 * revert showing the old data, removals keeping the current data and
 * leaving no delta behind, a subtree removed with removeChildren, and
 * the errors (an unknown snapshot, a damaged .vmsd named in the cause).
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "cfg.h"
#include "disk.h"
#include "hostd.h"

#define SIZE	(2 * 1024 * 1024)

static char	check_snap_dir[64];
static char	check_snap_vmx[128];

static void	 check_snap_setup(void);
static void	 check_snap_teardown(void);
static char	*check_snap_disk(void);
static void	 check_snap_put(int);
static int	 check_snap_get(void);
static size_t	 check_snap_deltas(void);
static Suite	*check_snap_suite(void);

static void
check_snap_setup(void)
{
	struct disk_create_args	 args;
	FILE			*f;
	char			 path[160], *cause = NULL;

	strcpy(check_snap_dir, "/tmp/check_snap.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_snap_dir));
	snprintf(check_snap_vmx, sizeof check_snap_vmx, "%s/vm.vmx",
	    check_snap_dir);
	snprintf(path, sizeof path, "%s/vm.vmdk", check_snap_dir);
	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	args.size = SIZE;
	ck_assert_msg(disk_create(path, &args, &cause) == 0, "%s", cause);
	f = fopen(check_snap_vmx, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, ".encoding = \"UTF-8\"\ndisplayName = \"vm\"\n"
	    "memsize = \"64\"\nscsi0.present = \"TRUE\"\n"
	    "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"vm.vmdk\"\n"
	    "ide1:0.present = \"TRUE\"\nide1:0.deviceType = \"cdrom-image\"\n"
	    "ide1:0.fileName = \"x.iso\"\n");
	ck_assert_int_eq(fclose(f), 0);
}

static void
check_snap_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", check_snap_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The image the .vmx names for scsi0:0 (static buffer). */
static char *
check_snap_disk(void)
{
	static char	 path[256];
	struct cfg	*cfg;
	const char	*v;

	cfg = cfg_load(check_snap_vmx, NULL);
	ck_assert_ptr_nonnull(cfg);
	v = cfg_get(cfg, "scsi0:0.fileName");
	ck_assert_ptr_nonnull(v);
	snprintf(path, sizeof path, "%s/%s", check_snap_dir, v);
	cfg_free(cfg);
	return (path);
}

/* What the guest does: write a marker byte over the first 64 KiB. */
static void
check_snap_put(int value)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		 buf[65536];
	char		*cause = NULL;

	d = disk_open(check_snap_disk(), 0, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	memset(buf, value, sizeof buf);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	ck_assert_int_eq(disk_pwritev(d, &iov, 1, 4096), (ssize_t)sizeof buf);
	ck_assert_int_eq(disk_close(d), 0);
}

/* The marker the VM's disk holds now (-1 if mixed). */
static int
check_snap_get(void)
{
	struct disk	*d;
	struct iovec	 iov;
	uint8_t		 buf[65536];
	char		*cause = NULL;
	size_t		 i;

	d = disk_open(check_snap_disk(), DISK_OPEN_RDONLY, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	ck_assert_int_eq(disk_preadv(d, &iov, 1, 4096), (ssize_t)sizeof buf);
	disk_close(d);
	for (i = 1; i < sizeof buf; i++) {
		if (buf[i] != buf[0])
			return (-1);
	}
	return (buf[0]);
}

static size_t
check_snap_deltas(void)
{
	glob_t	g;
	char	pat[160];
	size_t	n;

	snprintf(pat, sizeof pat, "%s/vm-0*.vmdk", check_snap_dir);
	if (glob(pat, 0, NULL, &g) != 0)
		return (0);
	n = g.gl_pathc;
	globfree(&g);
	return (n);
}

START_TEST(snap_create_revert)
{
	struct hostd_snapshot_db	 db;
	struct hostd_snapshot		*s;
	struct cfg			*vmsd;
	uint32_t			 uid = 0;
	char				*cause = NULL, path[160];
	time_t				 now = time(NULL);

	check_snap_put(0x11);
	ck_assert_msg(hostd_snapshot_create(check_snap_vmx, "one", "first",
	    0, &uid, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(uid, 1);
	ck_assert_str_eq(strrchr(check_snap_disk(), '/') + 1,
	    "vm-000001.vmdk");
	check_snap_put(0x22);
	ck_assert_int_eq(check_snap_get(), 0x22);

	/* The .vmsd, in VMware's keys. */
	snprintf(path, sizeof path, "%s/vm.vmsd", check_snap_dir);
	vmsd = cfg_load(path, NULL);
	ck_assert_ptr_nonnull(vmsd);
	ck_assert_str_eq(cfg_get(vmsd, "snapshot.lastUID"), "1");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot.current"), "1");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot.numSnapshots"), "1");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot0.displayName"), "one");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot0.description"), "first");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot0.numDisks"), "1");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot0.disk0.fileName"),
	    "vm.vmdk");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot0.disk0.node"), "scsi0:0");
	ck_assert_str_eq(cfg_get(vmsd, "snapshot0.filename"),
	    "vm-Snapshot1.vmsn");
	ck_assert_ptr_nonnull(cfg_get(vmsd, "snapshot0.createTimeHigh"));
	ck_assert_ptr_nonnull(cfg_get(vmsd, "snapshot0.createTimeLow"));
	cfg_free(vmsd);
	snprintf(path, sizeof path, "%s/vm-Snapshot1.vmsn", check_snap_dir);
	ck_assert_int_eq(access(path, F_OK), 0);

	ck_assert_int_eq(hostd_snapshot_load(check_snap_vmx, &db, NULL), 0);
	ck_assert_uint_eq(db.db_n, 1);
	s = hostd_snapshot_find(&db, 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->sn_parent, 0);
	ck_assert_msg(s->sn_time.tv_sec >= now - 5 && s->sn_time.tv_sec <=
	    now + 5, "createTime %lld", (long long)s->sn_time.tv_sec);
	hostd_snapshot_clear(&db);

	/* Revert: the old data, a new delta, the old one gone. */
	ck_assert_msg(hostd_snapshot_revert(check_snap_vmx, 1, &cause) == 0,
	    "%s", cause);
	ck_assert_int_eq(check_snap_get(), 0x11);
	ck_assert_str_eq(strrchr(check_snap_disk(), '/') + 1,
	    "vm-000002.vmdk");
	ck_assert_uint_eq(check_snap_deltas(), 1);
	/* The CD was never part of it. */
	vmsd = cfg_load(check_snap_vmx, NULL);
	ck_assert_str_eq(cfg_get(vmsd, "ide1:0.fileName"), "x.iso");
	cfg_free(vmsd);
}
END_TEST

START_TEST(snap_remove)
{
	struct hostd_snapshot_db	 db;
	uint32_t			 a, b, c;
	char				*cause = NULL;

	check_snap_put(1);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "a", NULL, 0,
	    &a, NULL), 0);
	check_snap_put(2);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "b", NULL, 0,
	    &b, NULL), 0);
	check_snap_put(3);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "c", NULL, 0,
	    &c, NULL), 0);
	check_snap_put(4);
	ck_assert_uint_eq(check_snap_deltas(), 3);

	/* A middle one: its data folds into its child's restore point. */
	ck_assert_msg(hostd_snapshot_remove(check_snap_vmx, b, 0, &cause) ==
	    0, "%s", cause);
	ck_assert_int_eq(check_snap_get(), 4);
	ck_assert_int_eq(hostd_snapshot_load(check_snap_vmx, &db, NULL), 0);
	ck_assert_uint_eq(db.db_n, 2);
	ck_assert_uint_eq(hostd_snapshot_find(&db, c)->sn_parent, a);
	ck_assert_uint_eq(db.db_current, c);
	hostd_snapshot_clear(&db);
	ck_assert_int_eq(hostd_snapshot_revert(check_snap_vmx, c, NULL), 0);
	ck_assert_int_eq(check_snap_get(), 3);
	ck_assert_int_eq(hostd_snapshot_revert(check_snap_vmx, a, NULL), 0);
	ck_assert_int_eq(check_snap_get(), 1);
	check_snap_put(5);

	/* Everything: one file again, holding the current data. */
	ck_assert_msg(hostd_snapshot_remove(check_snap_vmx, 0, 0, &cause) == 0,
	    "%s", cause);
	ck_assert_str_eq(strrchr(check_snap_disk(), '/') + 1, "vm.vmdk");
	ck_assert_int_eq(check_snap_get(), 5);
	ck_assert_uint_eq(check_snap_deltas(), 0);
	ck_assert_int_eq(hostd_snapshot_load(check_snap_vmx, &db, NULL), 0);
	ck_assert_uint_eq(db.db_n, 0);
	ck_assert_uint_eq(db.db_current, 0);
	hostd_snapshot_clear(&db);
}
END_TEST

/* A tree: removeChildren takes a whole branch, the rest stays. */
START_TEST(snap_tree)
{
	struct hostd_snapshot_db	 db;
	uint32_t			 root, left, leftkid, right;

	check_snap_put(1);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "root", NULL,
	    0, &root, NULL), 0);
	check_snap_put(2);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "left", NULL,
	    0, &left, NULL), 0);
	check_snap_put(3);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "leftkid",
	    NULL, 0, &leftkid, NULL), 0);
	ck_assert_int_eq(hostd_snapshot_revert(check_snap_vmx, root, NULL), 0);
	check_snap_put(7);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "right", NULL,
	    0, &right, NULL), 0);
	check_snap_put(8);

	ck_assert_int_eq(hostd_snapshot_remove(check_snap_vmx, left, 1, NULL),
	    0);
	ck_assert_int_eq(hostd_snapshot_load(check_snap_vmx, &db, NULL), 0);
	ck_assert_uint_eq(db.db_n, 2);
	ck_assert_ptr_null(hostd_snapshot_find(&db, leftkid));
	ck_assert_uint_eq(hostd_snapshot_find(&db, right)->sn_parent, root);
	hostd_snapshot_clear(&db);
	ck_assert_int_eq(check_snap_get(), 8);
	ck_assert_int_eq(hostd_snapshot_revert(check_snap_vmx, right, NULL),
	    0);
	ck_assert_int_eq(check_snap_get(), 7);
	ck_assert_int_eq(hostd_snapshot_revert(check_snap_vmx, root, NULL), 0);
	ck_assert_int_eq(check_snap_get(), 1);
	/* Only what the two snapshots and the VM use is left. */
	ck_assert_uint_le(check_snap_deltas(), 3);
}
END_TEST

START_TEST(snap_errors)
{
	struct hostd_snapshot_db	 db;
	FILE				*f;
	char				*cause = NULL, path[160];
	uint32_t			 uid;

	errno = 0;
	ck_assert_int_eq(hostd_snapshot_revert(check_snap_vmx, 9, &cause), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(cause, "not found"));
	free(cause);
	ck_assert_int_eq(hostd_snapshot_remove(check_snap_vmx, 9, 0, &cause),
	    -1);
	free(cause);
	ck_assert_int_eq(hostd_snapshot_rename(check_snap_vmx, 9, "x", NULL,
	    &cause), -1);
	free(cause);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "s", NULL, 0,
	    &uid, NULL), 0);
	ck_assert_int_eq(hostd_snapshot_rename(check_snap_vmx, uid, "t",
	    "d", NULL), 0);
	ck_assert_int_eq(hostd_snapshot_load(check_snap_vmx, &db, NULL), 0);
	ck_assert_str_eq(hostd_snapshot_find(&db, uid)->sn_name, "t");
	ck_assert_str_eq(hostd_snapshot_find(&db, uid)->sn_desc, "d");
	hostd_snapshot_clear(&db);

	/* A damaged .vmsd is refused with its name, never half-read. */
	snprintf(path, sizeof path, "%s/vm.vmsd", check_snap_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "snapshot.lastUID = \"1\"\nsnapshot.numSnapshots = "
	    "\"many\"\n");
	fclose(f);
	ck_assert_int_eq(hostd_snapshot_load(check_snap_vmx, &db, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "numSnapshots"));
	free(cause);
	ck_assert_int_eq(hostd_snapshot_create(check_snap_vmx, "s", NULL, 0,
	    &uid, &cause), -1);
	free(cause);
	/* The VM's disk stayed what it was. */
	ck_assert_str_eq(strrchr(check_snap_disk(), '/') + 1,
	    "vm-000001.vmdk");
}
END_TEST

static Suite *
check_snap_suite(void)
{
	Suite	*s = suite_create("hostd_snapshot");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, check_snap_setup, check_snap_teardown);
	tcase_add_test(tc, snap_create_revert);
	tcase_add_test(tc, snap_remove);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, check_snap_setup, check_snap_teardown);
	tcase_add_test(tc, snap_tree);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, check_snap_setup, check_snap_teardown);
	tcase_add_test(tc, snap_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_snap_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
