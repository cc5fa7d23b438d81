/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hostd/vmconfig.c: a VirtualMachineConfigSpec applied to
 * a .vmx in memory (VMware's keys, disks created as VMDKs in the
 * datastore, temporary controller keys resolved), the device list read
 * back with ESX's keys, unit and bus numbering, and the faults of bad
 * specs (nothing left behind after a rollback).
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cfg.h"
#include "disk.h"
#include "hostd.h"
#include "xmalloc.h"

struct check_hostd_vmconfig_env {
	char			 dir[64];
	char			*vmdir;
	char			*vmx;
	struct hostd_inventory	*inv;
	struct cfg		*cfg;
};

static void
check_hostd_vmconfig_setup(struct check_hostd_vmconfig_env *e)
{
	char	*cmd;

	strcpy(e->dir, "/tmp/check_hostd_vmconfig.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(e->dir));
	xasprintf(&e->vmdir, "%s/var/lib/vireo/datastore1/vm", e->dir);
	xasprintf(&cmd, "mkdir -p '%s'", e->vmdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	xasprintf(&e->vmx, "%s/vm.vmx", e->vmdir);
	e->inv = hostd_inventory_create(NULL, e->dir, NULL);
	e->cfg = cfg_create();
}

static void
check_hostd_vmconfig_teardown(struct check_hostd_vmconfig_env *e)
{
	char	*cmd;

	cfg_free(e->cfg);
	hostd_inventory_free(e->inv);
	xasprintf(&cmd, "rm -rf '%s'", e->dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(e->vmdir);
	free(e->vmx);
}

static struct hostd_val *
check_hostd_vmconfig_change(const char *op, const char *fop,
    struct hostd_val *dev)
{
	struct hostd_val	*c;

	c = hostd_val_object("VirtualDeviceConfigSpec");
	hostd_val_add(c, "operation", hostd_val_enum(
	    "VirtualDeviceConfigSpecOperation", op));
	if (fop != NULL)
		hostd_val_add(c, "fileOperation", hostd_val_enum(
		    "VirtualDeviceConfigSpecFileOperation", fop));
	hostd_val_add(c, "device", dev);
	return (c);
}

static struct hostd_val *
check_hostd_vmconfig_disk(int32_t key, int32_t ctl, int32_t unit,
    int64_t kb)
{
	struct hostd_val	*d, *b;

	d = hostd_val_object("VirtualDisk");
	hostd_val_add_int(d, "key", key);
	b = hostd_val_object("VirtualDiskFlatVer2BackingInfo");
	hostd_val_add_str(b, "fileName", "");
	hostd_val_add_str(b, "diskMode", "persistent");
	hostd_val_add_bool(b, "thinProvisioned", 1);
	hostd_val_add(d, "backing", b);
	hostd_val_add_int(d, "controllerKey", ctl);
	if (unit >= 0)
		hostd_val_add_int(d, "unitNumber", unit);
	hostd_val_add_long(d, "capacityInKB", kb);
	return (d);
}

static struct hostd_val *
check_hostd_vmconfig_ctl(const char *type, int32_t key)
{
	struct hostd_val	*c;

	c = hostd_val_object(type);
	hostd_val_add_int(c, "key", key);
	return (c);
}

static struct hostd_val *
check_hostd_vmconfig_nic(const char *net)
{
	struct hostd_val	*n, *b;

	n = hostd_val_object("VirtualVmxnet3");
	hostd_val_add_int(n, "key", -9);
	b = hostd_val_object("VirtualEthernetCardNetworkBackingInfo");
	hostd_val_add_str(b, "deviceName", net);
	hostd_val_add(n, "backing", b);
	return (n);
}

/* The device of key in list, or NULL. */
static const struct hostd_val *
check_hostd_vmconfig_find(const struct hostd_val *list, int32_t key)
{
	int64_t	k;
	size_t	i;

	for (i = 0; i < list->v_nitems; i++) {
		if (hostd_val_get_int(hostd_val_field(list->v_items[i], "key"),
		    INT32_MIN, INT32_MAX, &k) == 0 && k == key)
			return (list->v_items[i]);
	}
	return (NULL);
}

static int64_t
check_hostd_vmconfig_int(const struct hostd_val *obj, const char *name)
{
	int64_t	v = -1;

	hostd_val_get_int(hostd_val_field(obj, name), INT64_MIN, INT64_MAX,
	    &v);
	return (v);
}

START_TEST(check_hostd_vmconfig_create)
{
	struct check_hostd_vmconfig_env	 e;
	struct hostd_vmconfig_change	 chg;
	struct hostd_fault		*f = NULL;
	struct hostd_val		*spec, *ov, *list;
	const struct hostd_val		*d, *b;
	struct disk			*disk;
	char				*path;
	int				 nd, nn;
	size_t				 i;

	check_hostd_vmconfig_setup(&e);
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add_str(spec, "name", "vm");
	hostd_val_add_str(spec, "guestId", "otherLinux64Guest");
	hostd_val_add_long(spec, "memoryMB", 64);
	hostd_val_add_int(spec, "numCPUs", 2);
	hostd_val_add_str(spec, "annotation", "a note");
	ov = hostd_val_object("OptionValue");
	hostd_val_add_str(ov, "key", "vireo.cmdline");
	hostd_val_add_decl(ov, "value", HOSTD_VAL_ANYTYPE,
	    hostd_val_string("test=hello"));
	hostd_val_add(spec, "extraConfig", ov);
	/* The disk names its controller by the temporary key -1, which is
	 * listed after it. */
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    "create", check_hostd_vmconfig_disk(-2, -1, 0, 2048)));
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    NULL, check_hostd_vmconfig_ctl("ParaVirtualSCSIController", -1)));
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    NULL, check_hostd_vmconfig_nic("VM Network")));
	memset(&chg, 0, sizeof chg);
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), 0);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(cfg_get(e.cfg, "displayName"), "vm");
	ck_assert_str_eq(cfg_get(e.cfg, "guestOS"), "otherlinux-64");
	ck_assert_str_eq(cfg_get(e.cfg, "memsize"), "64");
	ck_assert_str_eq(cfg_get(e.cfg, "numvcpus"), "2");
	ck_assert_str_eq(cfg_get(e.cfg, "annotation"), "a note");
	ck_assert_str_eq(cfg_get(e.cfg, "vireo.cmdline"), "test=hello");
	ck_assert_str_eq(cfg_get(e.cfg, "scsi0.virtualDev"), "pvscsi");
	ck_assert_str_eq(cfg_get(e.cfg, "scsi0:0.fileName"), "vm.vmdk");
	ck_assert_str_eq(cfg_get(e.cfg, "ethernet0.virtualDev"), "vmxnet3");
	ck_assert_str_eq(cfg_get(e.cfg, "ethernet0.networkName"),
	    "VM Network");
	ck_assert_int_eq(strncmp(cfg_get(e.cfg, "ethernet0.generatedAddress"),
	    "00:0c:29:", 9), 0);
	ck_assert_uint_eq(chg.vc_ncreated, 1);
	hostd_vmconfig_finish(&chg);

	xasprintf(&path, "%s/vm.vmdk", e.vmdir);
	disk = disk_open(path, DISK_OPEN_RDONLY, NULL);
	ck_assert_ptr_nonnull(disk);
	ck_assert_uint_eq(disk_size(disk), 2048 * 1024);
	disk_close(disk);

	list = hostd_vmconfig_devices(e.inv, e.cfg, e.vmx, 0, &nd, &nn);
	ck_assert_int_eq(nd, 1);
	ck_assert_int_eq(nn, 1);
	d = check_hostd_vmconfig_find(list, 1000);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->v_type, "ParaVirtualSCSIController");
	d = check_hostd_vmconfig_find(list, 2000);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(check_hostd_vmconfig_int(d, "capacityInKB"), 2048);
	ck_assert_int_eq(check_hostd_vmconfig_int(d, "controllerKey"), 1000);
	ck_assert_int_eq(check_hostd_vmconfig_int(d, "unitNumber"), 0);
	b = hostd_val_field(d, "backing");
	ck_assert_str_eq(hostd_val_str(hostd_val_field(b, "fileName")),
	    "[datastore1] vm/vm.vmdk");
	d = check_hostd_vmconfig_find(list, 4000);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->v_type, "VirtualVmxnet3");
	/* The devices every ESX VM lists. */
	for (i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(check_hostd_vmconfig_find(list,
		    (int32_t[]){ 100, 200, 201, 300, 400, 500, 600, 700 }[i]));
	hostd_val_free(list);
	hostd_val_free(spec);

	/* Remove the disk with its file: deleted only at finish. */
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change(
	    "remove", "destroy", check_hostd_vmconfig_ctl("VirtualDisk",
	    2000)));
	memset(&chg, 0, sizeof chg);
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	hostd_vmconfig_finish(&chg);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_ptr_null(cfg_get(e.cfg, "scsi0:0.fileName"));
	hostd_val_free(spec);
	free(path);
	check_hostd_vmconfig_teardown(&e);
}
END_TEST

/* Units skip the SCSI controller's own 7; buses and names count up. */
START_TEST(check_hostd_vmconfig_units)
{
	struct check_hostd_vmconfig_env	 e;
	struct hostd_vmconfig_change	 chg;
	struct hostd_fault		*f = NULL;
	struct hostd_val		*spec, *list;
	int				 i, nd, nn;

	check_hostd_vmconfig_setup(&e);
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    NULL, check_hostd_vmconfig_ctl("VirtualLsiLogicController", -1)));
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    NULL, check_hostd_vmconfig_ctl("VirtualLsiLogicController", -5)));
	for (i = 0; i < 8; i++)
		hostd_val_add(spec, "deviceChange",
		    check_hostd_vmconfig_change("add", "create",
		    check_hostd_vmconfig_disk(-10 - i, -1, -1, 64)));
	memset(&chg, 0, sizeof chg);
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), 0);
	hostd_vmconfig_finish(&chg);
	ck_assert_str_eq(cfg_get(e.cfg, "scsi1.present"), "TRUE");
	ck_assert_ptr_null(cfg_get(e.cfg, "scsi0:7.fileName"));
	ck_assert_str_eq(cfg_get(e.cfg, "scsi0:8.fileName"), "vm_7.vmdk");
	list = hostd_vmconfig_devices(e.inv, e.cfg, e.vmx, 0, &nd, &nn);
	ck_assert_int_eq(nd, 8);
	ck_assert_ptr_nonnull(check_hostd_vmconfig_find(list, 1001));
	ck_assert_ptr_nonnull(check_hostd_vmconfig_find(list, 2008));
	ck_assert_ptr_null(check_hostd_vmconfig_find(list, 2007));
	hostd_val_free(list);
	hostd_val_free(spec);
	check_hostd_vmconfig_teardown(&e);
}
END_TEST

/* Each bad spec faults as ESX does and leaves no file behind. */
START_TEST(check_hostd_vmconfig_faults)
{
	struct check_hostd_vmconfig_env	 e;
	struct hostd_vmconfig_change	 chg;
	struct hostd_fault		*f;
	struct hostd_val		*spec, *ov;
	char				*path;

	check_hostd_vmconfig_setup(&e);
	xasprintf(&path, "%s/vm.vmdk", e.vmdir);

	/* A good disk, then one on a controller that does not exist. */
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    NULL, check_hostd_vmconfig_ctl("VirtualLsiLogicController", -1)));
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    "create", check_hostd_vmconfig_disk(-2, -1, 0, 64)));
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    "create", check_hostd_vmconfig_disk(-3, 1003, 0, 64)));
	memset(&chg, 0, sizeof chg);
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidDeviceSpec");
	ck_assert_int_eq(check_hostd_vmconfig_int(f->f_obj, "deviceIndex"), 2);
	ck_assert_int_eq(access(path, F_OK), 0);
	hostd_vmconfig_rollback(&chg);
	ck_assert_int_ne(access(path, F_OK), 0);
	hostd_fault_free(f);
	hostd_val_free(spec);

	/* Unknown guest, bad extraConfig key, bad memory, unknown network. */
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add_str(spec, "guestId", "noSuchGuest");
	f = NULL;
	memset(&chg, 0, sizeof chg);
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidArgument");
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);

	spec = hostd_val_object("VirtualMachineConfigSpec");
	ov = hostd_val_object("OptionValue");
	hostd_val_add_str(ov, "key", "bad key");
	hostd_val_add_decl(ov, "value", HOSTD_VAL_ANYTYPE,
	    hostd_val_string("x"));
	hostd_val_add(spec, "extraConfig", ov);
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidArgument");
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);

	/* A disk key through extraConfig could name any host file. */
	spec = hostd_val_object("VirtualMachineConfigSpec");
	ov = hostd_val_object("OptionValue");
	hostd_val_add_str(ov, "key", "scsi0:0.fileName");
	hostd_val_add_decl(ov, "value", HOSTD_VAL_ANYTYPE,
	    hostd_val_string("/etc/shadow"));
	hostd_val_add(spec, "extraConfig", ov);
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidArgument");
	ck_assert(cfg_get(e.cfg, "scsi0:0.fileName") == NULL ||
	    strcmp(cfg_get(e.cfg, "scsi0:0.fileName"), "/etc/shadow") != 0);
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);

	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add_long(spec, "memoryMB", 6);
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidArgument");
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);

	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change("add",
	    NULL, check_hostd_vmconfig_nic("No Such Net")));
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidDeviceSpec");
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);

	/* Removing the PCI bus, or a key nothing has. */
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change(
	    "remove", NULL, check_hostd_vmconfig_ctl("VirtualPCIController",
	    100)));
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidDeviceSpec");
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);
	spec = hostd_val_object("VirtualMachineConfigSpec");
	hostd_val_add(spec, "deviceChange", check_hostd_vmconfig_change(
	    "remove", NULL, check_hostd_vmconfig_ctl("VirtualDisk", 2005)));
	f = NULL;
	ck_assert_int_eq(hostd_vmconfig_apply(e.inv, e.cfg, e.vmx, spec, &chg,
	    &f), -1);
	ck_assert_str_eq(f->f_obj->v_type, "InvalidDeviceSpec");
	hostd_vmconfig_rollback(&chg);
	hostd_fault_free(f);
	hostd_val_free(spec);
	free(path);
	check_hostd_vmconfig_teardown(&e);
}
END_TEST

static Suite *
check_hostd_vmconfig_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("hostd_vmconfig");
	tc = tcase_create("core");
	tcase_add_test(tc, check_hostd_vmconfig_create);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, check_hostd_vmconfig_units);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_hostd_vmconfig_faults);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_hostd_vmconfig_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
