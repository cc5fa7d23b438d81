/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for vmx/vmxconf.c: what each honoured .vmx key turns into,
 * the defaults when a key is absent, paths relative to the .vmx's
 * directory, and the exact one-line message a person gets for each bad
 * value.  Also checks that vmx.conf.5 documents every key in the table.
 * No KVM is needed; the man page is read, and the disk, NIC and MAC
 * write-back tests use files in a temporary directory.
 */

#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "xmalloc.h"
#include "vmx.h"

#define VMXCONF_PATH	"/vms/web01/web01.vmx"

static struct vmx_conf	*check_vmxconf_parse(const char *, unsigned int,
			     char **);
static void		 check_vmxconf_error(const char *, unsigned int,
			     const char *);
static Suite		*check_vmxconf_suite(void);

/* Translate text as if it were VMXCONF_PATH; NULL with *cause on error. */
static struct vmx_conf *
check_vmxconf_parse(const char *text, unsigned int maxcpus, char **cause)
{
	struct cfg	*cfg;
	struct vmx_conf	*vc;

	*cause = NULL;
	cfg = cfg_parse(text, strlen(text), VMXCONF_PATH, cause);
	ck_assert_msg(cfg != NULL, "cfg_parse: %s", *cause);
	vc = vmx_conf_create(cfg, VMXCONF_PATH, maxcpus, cause);
	cfg_free(cfg);
	return (vc);
}

/* text must be refused with exactly "VMXCONF_PATH: want". */
static void
check_vmxconf_error(const char *text, unsigned int maxcpus, const char *want)
{
	struct vmx_conf	*vc;
	char		*cause, *full;

	vc = check_vmxconf_parse(text, maxcpus, &cause);
	ck_assert_msg(vc == NULL, "accepted: %s", text);
	xasprintf(&full, "%s: %s", VMXCONF_PATH, want);
	ck_assert_str_eq(cause, full);
	ck_assert_ptr_null(strchr(cause, '\n'));
	free(full);
	free(cause);
}

START_TEST(test_every_key)
{
	struct vmx_conf			*vc;
	const struct vmm_params		*vp;
	char				*cause;

	vc = check_vmxconf_parse(
	    ".encoding = \"UTF-8\"\n"
	    "config.version = \"8\"\n"
	    "virtualHW.version = \"20\"\n"
	    "displayName = \"Web 01\"\n"
	    "guestOS = \"other-64\"\n"
	    "memsize = \"512\"\n"
	    "numvcpus = \"2\"\n"
	    "serial0.present = \"TRUE\"\n"
	    "serial0.fileType = \"file\"\n"
	    "serial0.fileName = \"serial.out\"\n"
	    "logging = \"TRUE\"\n"
	    "log.fileName = \"my.log\"\n"
	    "log.keepOld = \"5\"\n"
	    "vireo.kernel = \"/boot/vmlinux\"\n"
	    "vireo.initrd = \"initrd.img\"\n"
	    "vireo.cmdline = \"console=ttyS0 test=hello\"\n"
	    "vireo.debugExit = \"TRUE\"\n"
	    "vireo.bootProtocol = \"pvh\"\n"
	    "ethernet0.present = \"TRUE\"\n", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_str_eq(vc->vc_name, "Web 01");
	ck_assert_str_eq(vc->vc_guestos, "other-64");
	ck_assert_uint_eq(vc->vc_memsize, 512);
	ck_assert_uint_eq(vc->vc_ncpus, 2);
	ck_assert_int_eq(vc->vc_serial, VMX_SERIAL_FILE);
	ck_assert_str_eq(vc->vc_serial_file, "/vms/web01/serial.out");
	ck_assert_int_eq(vc->vc_logging, 1);
	ck_assert_str_eq(vc->vc_log_file, "/vms/web01/my.log");
	ck_assert_uint_eq(vc->vc_log_keepold, 5);
	ck_assert_str_eq(vc->vc_kernel, "/boot/vmlinux");
	ck_assert_str_eq(vc->vc_initrd, "/vms/web01/initrd.img");
	ck_assert_str_eq(vc->vc_cmdline, "console=ttyS0 test=hello");
	ck_assert_int_eq(vc->vc_debug_exit, 1);
	ck_assert_int_eq(vc->vc_boot, VMM_BOOT_PVH);

	vp = vmx_conf_params(vc);
	ck_assert_str_eq(vp->vp_name, "Web 01");
	ck_assert_uint_eq(vp->vp_memsize, 512ULL << 20);
	ck_assert_uint_eq(vp->vp_ncpus, 2);
	ck_assert_int_eq(vp->vp_serial_out, -1);
	ck_assert_int_eq(vp->vp_serial_in, -1);
	ck_assert_int_eq(vp->vp_debug_exit, 1);
	ck_assert_str_eq(vp->vp_kernel, "/boot/vmlinux");
	ck_assert_str_eq(vp->vp_initrd, "/vms/web01/initrd.img");
	ck_assert_str_eq(vp->vp_cmdline, "console=ttyS0 test=hello");
	ck_assert_int_eq(vp->vp_boot, VMM_BOOT_PVH);
	vmx_conf_free(vc);
}
END_TEST

START_TEST(test_defaults)
{
	struct vmx_conf			*vc;
	const struct vmm_params		*vp;
	char				*cause;

	vc = check_vmxconf_parse("vireo.kernel = \"k.elf\"\n", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_str_eq(vc->vc_name, "web01");
	ck_assert_ptr_null(vc->vc_guestos);
	ck_assert_uint_eq(vc->vc_memsize, VMX_MEMSIZE_DEFAULT);
	ck_assert_uint_eq(vc->vc_ncpus, 1);
	ck_assert_int_eq(vc->vc_serial, VMX_SERIAL_NONE);
	ck_assert_ptr_null(vc->vc_serial_file);
	ck_assert_int_eq(vc->vc_logging, 1);
	ck_assert_str_eq(vc->vc_log_file, "/vms/web01/vmware.log");
	ck_assert_uint_eq(vc->vc_log_keepold, 3);
	ck_assert_str_eq(vc->vc_kernel, "/vms/web01/k.elf");
	ck_assert_ptr_null(vc->vc_initrd);
	ck_assert_ptr_null(vc->vc_cmdline);
	ck_assert_int_eq(vc->vc_debug_exit, 0);
	ck_assert_int_eq(vc->vc_boot, VMM_BOOT_AUTO);
	vp = vmx_conf_params(vc);
	ck_assert_uint_eq(vp->vp_memsize, 256ULL << 20);
	ck_assert_ptr_null(vp->vp_cmdline);
	ck_assert_ptr_null(vp->vp_initrd);
	vmx_conf_free(vc);
}
END_TEST

START_TEST(test_relative_dir)
{
	struct cfg	*cfg;
	struct vmx_conf	*vc;
	char		*cause = NULL;
	const char	*text = "vireo.kernel = \"sub/k.elf\"\n"
			    "serial0.present = \"TRUE\"\n"
			    "serial0.fileName = \"com1.txt\"\n";

	/* A .vmx named without a directory: paths stay relative to ".". */
	cfg = cfg_parse(text, strlen(text), "vm.vmx", &cause);
	ck_assert_ptr_nonnull(cfg);
	vc = vmx_conf_create(cfg, "vm.vmx", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_str_eq(vc->vc_name, "vm");
	ck_assert_str_eq(vc->vc_kernel, "./sub/k.elf");
	ck_assert_str_eq(vc->vc_log_file, "./vmware.log");
	/* A fileName without fileType means a file. */
	ck_assert_int_eq(vc->vc_serial, VMX_SERIAL_FILE);
	ck_assert_str_eq(vc->vc_serial_file, "./com1.txt");
	vmx_conf_free(vc);

	/* One in the root directory, and a name without .vmx. */
	vc = vmx_conf_create(cfg, "/VM.conf", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_str_eq(vc->vc_name, "VM.conf");
	ck_assert_str_eq(vc->vc_kernel, "/sub/k.elf");
	vmx_conf_free(vc);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_case_and_duplicates)
{
	struct vmx_conf	*vc;
	char		*cause;

	vc = check_vmxconf_parse(
	    "VIREO.KERNEL = \"/a\"\n"
	    "MemSize = \"64\"\n"
	    "memsize = \"128\"\n"
	    "NUMVCPUS = \"4\"\n"
	    "vireo.debugexit = \"yes\"\n"
	    "vireo.bootprotocol = \"LINUX\"\n"
	    "Serial0.Present = \"true\"\n"
	    "serial0.filetype = \"PTY\"\n", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_str_eq(vc->vc_kernel, "/a");
	ck_assert_uint_eq(vc->vc_memsize, 128);
	ck_assert_uint_eq(vc->vc_ncpus, 4);
	ck_assert_int_eq(vc->vc_debug_exit, 1);
	ck_assert_int_eq(vc->vc_boot, VMM_BOOT_BZIMAGE);
	ck_assert_int_eq(vc->vc_serial, VMX_SERIAL_PTY);
	vmx_conf_free(vc);
}
END_TEST

START_TEST(test_serial_and_boot_values)
{
	static const struct {
		const char		*text;
		enum vmx_serial_type	 serial;
		enum vmm_boot_kind	 boot;
	} cases[] = {
		{ "serial0.present = \"FALSE\"\nserial0.fileType = \"pty\"\n",
		  VMX_SERIAL_NONE, VMM_BOOT_AUTO },
		{ "serial0.fileType = \"pty\"\n",
		  VMX_SERIAL_NONE, VMM_BOOT_AUTO },
		{ "serial0.present = \"TRUE\"\n",
		  VMX_SERIAL_STDIO, VMM_BOOT_AUTO },
		{ "serial0.present = \"1\"\nserial0.fileType = \"stdio\"\n"
		  "vireo.bootProtocol = \"elf\"\n",
		  VMX_SERIAL_STDIO, VMM_BOOT_ELF },
		{ "serial0.present = \"on\"\nserial0.fileType = \"device\"\n"
		  "serial0.fileName = \"/dev/ttyS1\"\n"
		  "vireo.bootProtocol = \"bzImage\"\n",
		  VMX_SERIAL_DEVICE, VMM_BOOT_BZIMAGE },
		{ "serial0.present = \"TRUE\"\nserial0.fileType = \"pty\"\n"
		  "vireo.bootProtocol = \"auto\"\n",
		  VMX_SERIAL_PTY, VMM_BOOT_AUTO },
	};
	struct vmx_conf	*vc;
	char		*text, *cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "vireo.kernel = \"/k\"\n%s", cases[i].text);
		vc = check_vmxconf_parse(text, 0, &cause);
		ck_assert_msg(vc != NULL, "case %zu: %s", i, cause);
		ck_assert_int_eq(vc->vc_serial, cases[i].serial);
		ck_assert_int_eq(vc->vc_boot, cases[i].boot);
		vmx_conf_free(vc);
		free(text);
	}
}
END_TEST

START_TEST(test_limits)
{
	struct vmx_conf	*vc;
	char		*cause;

	vc = check_vmxconf_parse("vireo.kernel = \"/k\"\nmemsize = \"4\"\n"
	    "numvcpus = \"64\"\nlog.keepOld = \"0\"\n", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_uint_eq(vc->vc_memsize, 4);
	ck_assert_uint_eq(vc->vc_ncpus, VMM_MAX_VCPUS);
	ck_assert_uint_eq(vc->vc_log_keepold, 0);
	vmx_conf_free(vc);

	vc = check_vmxconf_parse("vireo.kernel = \"/k\"\n"
	    "memsize = \"1048576\"\nnumvcpus = \"2\"\nlog.keepOld = \"99\"\n"
	    "logging = \"FALSE\"\nvireo.initrd = \"\"\n", 2, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_uint_eq(vc->vc_memsize, 1048576);
	ck_assert_uint_eq(vmx_conf_params(vc)->vp_memsize, 1ULL << 40);
	ck_assert_uint_eq(vc->vc_log_keepold, 99);
	ck_assert_int_eq(vc->vc_logging, 0);
	ck_assert_ptr_null(vc->vc_initrd);
	vmx_conf_free(vc);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "memsize = \"255\"\n",
		  "memsize \"255\" is not a multiple of 4 MiB" },
		{ "memsize = \"0\"\n",
		  "memsize \"0\" is out of range (4 to 1048576)" },
		{ "memsize = \"2097152\"\n",
		  "memsize \"2097152\" is out of range (4 to 1048576)" },
		{ "memsize = \"99999999999999999999999\"\n",
		  "memsize \"99999999999999999999999\" is out of range "
		  "(4 to 1048576)" },
		{ "memsize = \"1 GB\"\n",
		  "memsize \"1 GB\" is not a number" },
		{ "memsize = \"-4\"\n",
		  "memsize \"-4\" is not a number" },
		{ "memsize = \"\"\n", "memsize is empty" },
		{ "memsize = \"|0A9\"\n",
		  "memsize \"?9\" is not a number" },
		{ "vireo.bootProtocol = \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
		  "vireo.bootProtocol \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is not auto, "
		  "linux, elf or pvh" },
		{ "numvcpus = \"0\"\n",
		  "numvcpus \"0\" is out of range (1 to 64)" },
		{ "numvcpus = \"65\"\n",
		  "numvcpus \"65\" is out of range (1 to 64)" },
		{ "serial0.present = \"TRUE\"\nserial0.fileType = \"pipe\"\n",
		  "serial0.fileType \"pipe\" is not supported (use file, "
		  "device, pty or stdio)" },
		{ "serial0.present = \"TRUE\"\nserial0.fileType = \"file\"\n",
		  "serial0.fileType \"file\" needs serial0.fileName" },
		{ "serial0.present = \"maybe\"\n",
		  "serial0.present \"maybe\" is not TRUE or FALSE" },
		{ "serial0.present = \"TRUE\"\nserial0.fileName = \"\"\n",
		  "serial0.fileName is empty" },
		{ "vireo.debugExit = \"2\"\n",
		  "vireo.debugExit \"2\" is not TRUE or FALSE" },
		{ "vireo.bootProtocol = \"multiboot\"\n",
		  "vireo.bootProtocol \"multiboot\" is not auto, linux, elf "
		  "or pvh" },
		{ "log.keepOld = \"100\"\n",
		  "log.keepOld \"100\" is out of range (0 to 99)" },
		{ "logging = \"nope\"\n",
		  "logging \"nope\" is not TRUE or FALSE" },
		{ "log.fileName = \"\"\n", "log.fileName is empty" },
	};
	char	*text;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "vireo.kernel = \"/k\"\n%s", cases[i].text);
		check_vmxconf_error(text, 0, cases[i].want);
		free(text);
	}
}
END_TEST

START_TEST(test_kernel_errors)
{
	check_vmxconf_error("memsize = \"64\"\n", 0,
	    "vireo.kernel is not set (the kernel image to boot)");
	check_vmxconf_error("vireo.kernel = \"\"\n", 0,
	    "vireo.kernel is empty");
	check_vmxconf_error("vireo.kernel = \"/k\"\nnumvcpus = \"3\"\n", 2,
	    "numvcpus \"3\" is more than the host's 2 CPUs");
	/* The first bad key in table order is the one reported. */
	check_vmxconf_error("numvcpus = \"0\"\nmemsize = \"3\"\n", 0,
	    "memsize \"3\" is out of range (4 to 1048576)");
}
END_TEST

START_TEST(test_load)
{
	struct vmx_conf	*vc;
	struct cfg	*cfg = NULL;
	char		 dir[] = "/tmp/vt.XXXXXX", *path, *cause = NULL;
	FILE		*f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&path, "%s/missing.vmx", dir);
	vc = vmx_conf_load(path, 0, &cfg, &cause);
	ck_assert_ptr_null(vc);
	ck_assert_ptr_nonnull(strstr(cause, path));
	ck_assert_ptr_nonnull(strstr(cause, "No such file"));
	free(cause);

	/* A malformed line names the file, the line and the column. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("vireo.kernel = \"/k\"\nmemsize = \"64\n", f);
	fclose(f);
	vc = vmx_conf_load(path, 0, &cfg, &cause);
	ck_assert_ptr_null(vc);
	ck_assert_msg(strncmp(cause, path, strlen(path)) == 0 &&
	    strncmp(cause + strlen(path), ":2:", 3) == 0, "%s", cause);
	free(cause);

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("vireo.kernel = \"k\"\nmemsize = \"64\"\n", f);
	fclose(f);
	vc = vmx_conf_load(path, 0, &cfg, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg_count(cfg), 2);
	ck_assert_str_eq(vc->vc_name, "missing");
	ck_assert_uint_eq(vc->vc_memsize, 64);
	vmx_conf_free(vc);
	cfg_free(cfg);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(path);
}
END_TEST

/* A .vmx as ESXi writes it: its many other keys are kept and ignored. */
START_TEST(test_esxi_file)
{
	struct vmx_conf	*vc;
	struct cfg	*cfg = NULL;
	const char	*top;
	char		*path, *cause = NULL;

	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = ".";
	xasprintf(&path, "%s/tests/data/esxi8.vmx", top);
	vc = vmx_conf_load(path, 0, &cfg, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_str_eq(vc->vc_name, "web01");
	ck_assert_str_eq(vc->vc_guestos, "debian12-64");
	ck_assert_uint_eq(vc->vc_memsize, 1024);
	ck_assert_uint_eq(vc->vc_ncpus, 2);
	ck_assert_int_eq(vc->vc_serial, VMX_SERIAL_FILE);
	ck_assert_ptr_nonnull(strstr(vc->vc_serial_file,
	    "/tests/data/web01-serial.log"));
	ck_assert_ptr_nonnull(strstr(vc->vc_kernel, "/tests/data/vmlinux"));
	ck_assert_uint_gt(cfg_count(cfg), 60);
	ck_assert_str_eq(cfg_get(cfg, "annotation"),
	    "Web server\nOwner: ops|web");
	vmx_conf_free(vc);
	cfg_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(vmx_conf_serial_name(VMX_SERIAL_PTY), "pty");
	ck_assert_str_eq(vmx_conf_serial_name(VMX_SERIAL_NONE), "none");
	ck_assert_str_eq(vmx_conf_boot_name(VMM_BOOT_BZIMAGE), "linux");
	ck_assert_str_eq(vmx_conf_boot_name(VMM_BOOT_PVH), "pvh");
}
END_TEST

/* vmx.conf.5 documents every key the table honours. */
START_TEST(test_documented)
{
	const char	*top;
	char		*path, *page, line[1024], *want;
	FILE		*f;
	size_t		 i, len = 0, size = 1;

	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = ".";
	xasprintf(&path, "%s/man/vmx.conf.5", top);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: cannot open", path);
	page = xstrdup("");
	while (fgets(line, sizeof line, f) != NULL) {
		size += strlen(line);
		page = xrealloc(page, size);
		memcpy(page + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	fclose(f);
	for (i = 0; i < vmx_conf_nkeys; i++) {
		ck_assert_ptr_nonnull(vmx_conf_keys[i].ck_parse);
		ck_assert_ptr_nonnull(vmx_conf_keys[i].ck_doc);
		xasprintf(&want, ".It Cm %s\n", vmx_conf_keys[i].ck_name);
		ck_assert_msg(strstr(page, want) != NULL,
		    "%s does not document %s", path,
		    vmx_conf_keys[i].ck_name);
		free(want);
	}
	free(page);
	free(path);
}
END_TEST

/* Disks: every controller type, in type, bus, unit order. */
START_TEST(test_disks)
{
	struct vmx_conf			*vc;
	const struct vmm_params		*vp;
	char				*cause;

	vc = check_vmxconf_parse(
	    "vireo.kernel = \"k\"\n"
	    "ide0:1.present = \"TRUE\"\n"
	    "ide0:1.fileName = \"ide.img\"\n"
	    "sata0:0.present = \"TRUE\"\n"
	    "sata0:0.deviceType = \"cdrom-image\"\n"
	    "sata0:0.fileName = \"/iso/debian.iso\"\n"
	    "sata0:1.present = \"TRUE\"\n"
	    "sata0:1.deviceType = \"cdrom-raw\"\n"
	    "sata0:1.fileName = \"auto detect\"\n"
	    "sata0:2.present = \"TRUE\"\n"
	    "sata0:2.deviceType = \"cdrom-image\"\n"
	    "scsi0.present = \"TRUE\"\n"
	    "scsi0.virtualDev = \"pvscsi\"\n"
	    "scsi0:1.present = \"TRUE\"\n"
	    "scsi0:1.fileName = \"data.vmdk\"\n"
	    "scsi0:1.readOnly = \"TRUE\"\n"
	    "scsi0:1.mode = \"independent-persistent\"\n"
	    "scsi0:0.present = \"TRUE\"\n"
	    "scsi0:0.deviceType = \"scsi-hardDisk\"\n"
	    "scsi0:0.fileName = \"web01.vmdk\"\n"
	    "scsi0:2.present = \"FALSE\"\n"
	    "scsi0:2.fileName = \"off.vmdk\"\n"
	    "scsi0:3.present = \"TRUE\"\n"
	    "scsi0:3.startConnected = \"FALSE\"\n"
	    "scsi1.present = \"FALSE\"\n"
	    "scsi1:0.present = \"TRUE\"\n"
	    "scsi1:0.fileName = \"gone.vmdk\"\n"
	    "nvme1:14.present = \"TRUE\"\n"
	    "nvme1:14.fileName = \"fast.img\"\n", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_uint_eq(vc->vc_ndisks, 5);
	ck_assert_str_eq(vc->vc_disks[0].cd_name, "scsi0:0");
	ck_assert_str_eq(vc->vc_disks[0].cd_path, "/vms/web01/web01.vmdk");
	ck_assert_int_eq(vc->vc_disks[0].cd_readonly, 0);
	ck_assert_str_eq(vc->vc_disks[1].cd_name, "scsi0:1");
	ck_assert_int_eq(vc->vc_disks[1].cd_readonly, 1);
	ck_assert_str_eq(vc->vc_disks[2].cd_name, "sata0:0");
	ck_assert_str_eq(vc->vc_disks[2].cd_path, "/iso/debian.iso");
	ck_assert_int_eq(vc->vc_disks[2].cd_readonly, 1);
	ck_assert_int_eq(vc->vc_disks[2].cd_cdrom, 1);
	ck_assert_str_eq(vc->vc_disks[3].cd_name, "nvme1:14");
	ck_assert_str_eq(vc->vc_disks[4].cd_name, "ide0:1");
	ck_assert_str_eq(vc->vc_disks[4].cd_path, "/vms/web01/ide.img");
	vp = vmx_conf_params(vc);
	ck_assert_uint_eq(vp->vp_ndisks, 5);
	ck_assert_str_eq(vp->vp_disks[1].vd_path, "/vms/web01/data.vmdk");
	ck_assert_str_eq(vp->vp_disks[1].vd_name, "scsi0:1");
	ck_assert_int_eq(vp->vp_disks[1].vd_readonly, 1);
	ck_assert_uint_eq(vp->vp_nnics, 0);
	vmx_conf_free(vc);
}
END_TEST

START_TEST(test_disk_errors)
{
	check_vmxconf_error("vireo.kernel = \"k\"\nscsi0:0.present = \"yes\"\n"
	    "scsi0:0.fileName = \"a.vmdk\"\n"
	    "scsi0:0.mode = \"independent-nonpersistent\"\n", 0,
	    "scsi0:0.mode \"independent-nonpersistent\" is not supported "
	    "(use persistent or independent-persistent)");
	check_vmxconf_error("vireo.kernel = \"k\"\n"
	    "sata1:3.present = \"TRUE\"\n", 0, "sata1:3.fileName is not set (the disk image)");
	check_vmxconf_error("vireo.kernel = \"k\"\n"
	    "scsi0:0.present = \"maybe\"\n", 0, "scsi0:0.present \"maybe\" is not TRUE or FALSE");
	check_vmxconf_error("vireo.kernel = \"k\"\nide1:0.present = \"TRUE\"\n"
	    "ide1:0.deviceType = \"floppy\"\nide1:0.fileName = \"f\"\n", 0,
	    "ide1:0.deviceType \"floppy\" is not supported (use "
	    "scsi-hardDisk, ata-hardDisk, disk or cdrom-image)");
	check_vmxconf_error("vireo.kernel = \"k\"\nscsi0:0.present = \"TRUE\"\n"
	    "scsi0:0.fileName = \"\"\n", 0, "scsi0:0.fileName is empty");
	check_vmxconf_error("vireo.kernel = \"k\"\nscsi0:0.present = \"TRUE\"\n"
	    "scsi0:0.fileName = \"a\"\nscsi0:0.readOnly = \"2\"\n", 0,
	    "scsi0:0.readOnly \"2\" is not TRUE or FALSE");
}
END_TEST

/* NICs: networkName forms, the three address types. */
START_TEST(test_nics)
{
	struct vmx_conf			*vc;
	const struct vmm_params		*vp;
	char				*cause, mac[32];

	vc = check_vmxconf_parse(
	    "vireo.kernel = \"k\"\n"
	    "ethernet0.present = \"TRUE\"\n"
	    "ethernet0.virtualDev = \"vmxnet3\"\n"
	    "ethernet0.networkName = \"br0\"\n"
	    "ethernet0.addressType = \"generated\"\n"
	    "ethernet0.generatedAddress = \"00:0C:29:AB:cd:ef\"\n"
	    "ethernet0.generatedAddressOffset = \"0\"\n"
	    "ethernet1.present = \"FALSE\"\n"
	    "ethernet2.present = \"TRUE\"\n"
	    "ethernet2.connectionType = \"bridged\"\n"
	    "ethernet2.networkName = \"tap:vtap2\"\n"
	    "ethernet2.addressType = \"static\"\n"
	    "ethernet2.address = \"00:50:56:3f:00:01\"\n"
	    "ethernet9.present = \"TRUE\"\n"
	    "ethernet9.virtualDev = \"e1000\"\n"
	    "ethernet9.networkName = \"bridge:lan-1\"\n"
	    "ethernet9.addressType = \"vpx\"\n"
	    "ethernet9.generatedAddress = \"00:50:56:80:12:34\"\n", 0, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_uint_eq(vc->vc_nnics, 3);
	ck_assert_str_eq(vc->vc_nics[0].cn_name, "ethernet0");
	ck_assert_int_eq(vc->vc_nics[0].cn_backend, VMM_NIC_AUTO);
	ck_assert_str_eq(vc->vc_nics[0].cn_ifname, "br0");
	vmx_conf_mac_format(vc->vc_nics[0].cn_mac, mac, sizeof mac);
	ck_assert_str_eq(mac, "00:0c:29:ab:cd:ef");
	ck_assert_int_eq(vc->vc_nics[0].cn_generated, 0);
	ck_assert_str_eq(vc->vc_nics[1].cn_name, "ethernet2");
	ck_assert_int_eq(vc->vc_nics[1].cn_backend, VMM_NIC_TAP);
	ck_assert_str_eq(vc->vc_nics[1].cn_ifname, "vtap2");
	ck_assert_str_eq(vc->vc_nics[2].cn_name, "ethernet9");
	ck_assert_int_eq(vc->vc_nics[2].cn_backend, VMM_NIC_BRIDGE);
	ck_assert_str_eq(vc->vc_nics[2].cn_ifname, "lan-1");
	ck_assert_int_eq(vmx_conf_check_files(vc, &cause), 0);
	vp = vmx_conf_params(vc);
	ck_assert_uint_eq(vp->vp_nnics, 3);
	ck_assert_str_eq(vp->vp_nics[1].vn_ifname, "vtap2");
	ck_assert_int_eq(vp->vp_nics[1].vn_fd, -1);
	ck_assert_mem_eq(vp->vp_nics[1].vn_mac, "\x00\x50\x56\x3f\x00\x01", 6);
	ck_assert_mem_eq(vp->vp_nics[2].vn_mac, "\x00\x50\x56\x80\x12\x34", 6);
	vmx_conf_free(vc);
}
END_TEST

START_TEST(test_nic_errors)
{
	static const struct {
		const char	*text;
		const char	*want;
	} t[] = {
		{ "ethernet0.generatedAddress = \"00:0c:29:ab:cd\"\n",
		  "ethernet0.generatedAddress \"00:0c:29:ab:cd\" is not a MAC "
		  "address (xx:xx:xx:xx:xx:xx)" },
		{ "ethernet0.generatedAddress = \"00:0c:29:ab:cd:eg\"\n",
		  "ethernet0.generatedAddress \"00:0c:29:ab:cd:eg\" is not a "
		  "MAC address (xx:xx:xx:xx:xx:xx)" },
		{ "ethernet0.generatedAddress = \"01:0c:29:ab:cd:ef\"\n",
		  "ethernet0.generatedAddress \"01:0c:29:ab:cd:ef\" is a "
		  "multicast address" },
		{ "ethernet0.generatedAddress = \"00:00:00:00:00:00\"\n",
		  "ethernet0.generatedAddress is all zeros" },
		{ "ethernet0.addressType = \"static\"\n"
		  "ethernet0.address = \"00:50:56:40:00:01\"\n",
		  "ethernet0.address \"00:50:56:40:00:01\" is outside "
		  "00:50:56:00:00:00 to 00:50:56:3f:ff:ff" },
		{ "ethernet0.addressType = \"static\"\n",
		  "ethernet0.address is not set (addressType is static)" },
		{ "ethernet0.addressType = \"vpx\"\n",
		  "ethernet0.generatedAddress is not set (addressType is "
		  "vpx)" },
		{ "ethernet0.addressType = \"random\"\n",
		  "ethernet0.addressType \"random\" is not generated, static "
		  "or vpx" },
		{ "ethernet0.virtualDev = \"rtl8139\"\n",
		  "ethernet0.virtualDev \"rtl8139\" is not a NIC model "
		  "(e1000, e1000e, vmxnet3, vmxnet, vlance, virtio)" },
		{ "ethernet0.connectionType = \"nat\"\n",
		  "ethernet0.connectionType \"nat\" is not supported (only "
		  "bridged)" },
		{ "ethernet0.startConnected = \"maybe\"\n",
		  "ethernet0.startConnected \"maybe\" is not TRUE or FALSE" },
	};
	char	*text;
	size_t	 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		xasprintf(&text, "vireo.kernel = \"k\"\n"
		    "ethernet0.present = \"TRUE\"\n"
		    "ethernet0.networkName = \"br0\"\n%s", t[i].text);
		check_vmxconf_error(text, 0, t[i].want);
		free(text);
	}
}
END_TEST

/* What vmx checks before power-on: disk files, network names. */
START_TEST(test_check_files)
{
	struct vmx_conf	*vc;
	char		 dir[] = "/tmp/vt.vmxconf.XXXXXX", *text, *cause;
	FILE		*f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&text, "%s/disk.img", dir);
	ck_assert_ptr_nonnull((f = fopen(text, "w")));
	fclose(f);
	free(text);
	xasprintf(&text, "vireo.kernel = \"k\"\n"
	    "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"%s/disk.img\"\n",
	    dir);
	vc = check_vmxconf_parse(text, 0, &cause);
	ck_assert_ptr_nonnull(vc);
	ck_assert_int_eq(vmx_conf_check_files(vc, &cause), 0);
	vmx_conf_free(vc);
	free(text);

	vc = check_vmxconf_parse("vireo.kernel = \"k\"\n"
	    "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"nothere.vmdk\"\n",
	    0, &cause);
	ck_assert_ptr_nonnull(vc);
	ck_assert_int_eq(vmx_conf_check_files(vc, &cause), -1);
	ck_assert_str_eq(cause, "scsi0:0.fileName "
	    "\"/vms/web01/nothere.vmdk\": No such file or directory");
	free(cause);
	vmx_conf_free(vc);

	xasprintf(&text, "vireo.kernel = \"k\"\n"
	    "ide0:0.present = \"TRUE\"\nide0:0.fileName = \"%s\"\n", dir);
	vc = check_vmxconf_parse(text, 0, &cause);
	ck_assert_int_eq(vmx_conf_check_files(vc, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a file or block device"));
	free(cause);
	vmx_conf_free(vc);
	free(text);

	/*
	 * A NIC with no backing here powers on disconnected, as on ESX: an
	 * ESXi port group, no networkName, startConnected FALSE.  One with
	 * a backing stays connected.
	 */
	vc = check_vmxconf_parse("vireo.kernel = \"k\"\n"
	    "ethernet0.present = \"TRUE\"\n"
	    "ethernet0.networkName = \"VM Network\"\n"
	    "ethernet1.present = \"TRUE\"\n"
	    "ethernet2.present = \"TRUE\"\n"
	    "ethernet2.networkName = \"tap:vtap2\"\n"
	    "ethernet2.startConnected = \"FALSE\"\n"
	    "ethernet3.present = \"TRUE\"\n"
	    "ethernet3.networkName = \"br0\"\n"
	    "ethernet3.startConnected = \"TRUE\"\n", 0, &cause);
	ck_assert_ptr_nonnull(vc);
	ck_assert_int_eq(vmx_conf_check_files(vc, &cause), 0);
	ck_assert_uint_eq(vc->vc_nnics, 4);
	ck_assert_int_eq(vc->vc_nics[0].cn_backend, VMM_NIC_NONE);
	ck_assert_str_eq(vc->vc_nics[0].cn_disconnected, "networkName "
	    "\"VM Network\" has no backing on this host (a Linux bridge, "
	    "bridge:NAME or tap:NAME)");
	ck_assert_int_eq(vc->vc_nics[1].cn_backend, VMM_NIC_NONE);
	ck_assert_str_eq(vc->vc_nics[1].cn_disconnected,
	    "networkName is not set");
	ck_assert_int_eq(vc->vc_nics[2].cn_backend, VMM_NIC_NONE);
	ck_assert_str_eq(vc->vc_nics[2].cn_disconnected,
	    "startConnected is FALSE");
	ck_assert_int_eq(vc->vc_nics[3].cn_backend, VMM_NIC_AUTO);
	ck_assert_ptr_null(vc->vc_nics[3].cn_disconnected);
	ck_assert_int_eq(vmx_conf_params(vc)->vp_nics[0].vn_backend,
	    VMM_NIC_NONE);
	vmx_conf_free(vc);

	xasprintf(&text, "rm -rf %s", dir);
	ck_assert_int_eq(system(text), 0);
	free(text);
}
END_TEST

/* A missing generated MAC is made in 00:0c:29 and saved, nothing else. */
START_TEST(test_mac_writeback)
{
	static const char	 orig[] =
	    "# my VM\n"
	    ".encoding = \"UTF-8\"\n"
	    "vireo.kernel=\"k\"   # the kernel\n"
	    "\n"
	    "ethernet0.present = \"TRUE\"\r\n"
	    "ethernet0.networkName = \"br0\"\n"
	    "ethernet1.present = \"TRUE\"\n"
	    "ethernet1.networkName = \"tap:t1\"\n"
	    "ethernet1.generatedAddress = \"00:0c:29:00:00:01\"\n"
	    "unknown.key = \"kept |22as is|22\"\n";
	struct vmx_conf		*vc, *again;
	struct cfg		*cfg;
	char			 dir[] = "/tmp/vt.vmxconf.XXXXXX", *path;
	char			*cause = NULL, mac[32], *want, buf[4096];
	FILE			*f;
	size_t			 n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&path, "%s/m.vmx", dir);
	ck_assert_ptr_nonnull((f = fopen(path, "w")));
	fputs(orig, f);
	fclose(f);
	vc = vmx_conf_load(path, 0, NULL, &cause);
	ck_assert_msg(vc != NULL, "%s", cause);
	ck_assert_int_eq(vc->vc_nics[0].cn_generated, 1);
	ck_assert_int_eq(vc->vc_nics[1].cn_generated, 0);
	ck_assert_mem_eq(vc->vc_nics[0].cn_mac, "\x00\x0c\x29", 3);
	vmx_conf_mac_format(vc->vc_nics[0].cn_mac, mac, sizeof mac);

	cfg = cfg_load(path, &cause);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(vmx_conf_write_macs(vc, cfg), 1);
	ck_assert_int_eq(cfg_save(cfg, path, &cause), 0);
	cfg_free(cfg);

	ck_assert_ptr_nonnull((f = fopen(path, "r")));
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	xasprintf(&want, "%sethernet0.generatedAddress = \"%s\"\n"
	    "ethernet0.generatedAddressOffset = \"0\"\n", orig, mac);
	ck_assert_str_eq(buf, want);
	free(want);

	/* Loaded again: the same address, nothing to generate. */
	again = vmx_conf_load(path, 0, NULL, &cause);
	ck_assert_ptr_nonnull(again);
	ck_assert_int_eq(again->vc_nics[0].cn_generated, 0);
	ck_assert_mem_eq(again->vc_nics[0].cn_mac, vc->vc_nics[0].cn_mac, 6);
	vmx_conf_free(again);
	vmx_conf_free(vc);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(path);
}
END_TEST

/* vmx.conf.5 documents the disk and NIC key families. */
START_TEST(test_dev_keys_documented)
{
	const char	*top;
	char		*cmd;
	size_t		 i;

	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = ".";
	for (i = 0; i < vmx_conf_ndev_keys; i++) {
		ck_assert_ptr_null(vmx_conf_dev_keys[i].ck_parse);
		ck_assert_ptr_nonnull(vmx_conf_dev_keys[i].ck_doc);
		xasprintf(&cmd, "grep -qx '.It Cm %s' %s/man/vmx.conf.5",
		    vmx_conf_dev_keys[i].ck_name, top);
		ck_assert_msg(system(cmd) == 0, "vmx.conf.5 does not document "
		    "%s", vmx_conf_dev_keys[i].ck_name);
		free(cmd);
	}
}
END_TEST

static Suite *
check_vmxconf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("vmxconf");
	tc = tcase_create("core");
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_relative_dir);
	tcase_add_test(tc, test_case_and_duplicates);
	tcase_add_test(tc, test_serial_and_boot_values);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_esxi_file);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_documented);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_kernel_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("devices");
	tcase_add_test(tc, test_disks);
	tcase_add_test(tc, test_disk_errors);
	tcase_add_test(tc, test_nics);
	tcase_add_test(tc, test_nic_errors);
	tcase_add_test(tc, test_check_files);
	tcase_add_test(tc, test_mac_writeback);
	tcase_add_test(tc, test_dev_keys_documented);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_vmxconf_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
