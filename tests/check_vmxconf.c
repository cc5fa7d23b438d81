/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for vmx/vmxconf.c: what each honoured .vmx key turns into,
 * the defaults when a key is absent, paths relative to the .vmx's
 * directory, and the exact one-line message a person gets for each bad
 * value.  Also checks that vmx.conf.5 documents every key in the table.
 * No KVM and no files are needed, except the man page.
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
