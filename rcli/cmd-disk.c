/* SPDX-License-Identifier: ISC */
/*
 * rcli disk: virtual disks through VirtualDiskManager (ha-vdiskmanager):
 * CreateVirtualDisk_Task, CopyVirtualDisk_Task, ExtendVirtualDisk_Task.
 * info asks the datastore browser for the disk with a VmDiskFileQuery,
 * which reports capacity, provisioning and hardware version.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_disk_sized(struct args *, const char **, const char **,
		    unsigned long long *);
static int	cmd_disk_create(struct rcli *, struct args *);
static int	cmd_disk_clone(struct rcli *, struct args *);
static int	cmd_disk_extend(struct rcli *, struct args *);
static int	cmd_disk_info(struct rcli *, struct args *);

static const char cmd_disk_usage[] =
    "usage: rcli disk <verb> ...\n"
    "  create DS PATH --size GB [--type thin|thick|eagerZeroedThick]\n"
    "  clone DS SRC DST [--dest-datastore DS2]\n"
    "  extend DS PATH --size GB        grow to GB\n"
    "  info DS PATH                    capacity, type, hardware version\n"
    "PATH is the .vmdk descriptor, e.g. vm1/vm1.vmdk.\n";

static const struct rcli_verb cmd_disk_verbs[] = {
	{ "create", cmd_disk_create },
	{ "clone", cmd_disk_clone },
	{ "extend", cmd_disk_extend },
	{ "info", cmd_disk_info },
	{ NULL, NULL }
};

const struct rcli_noun cmd_disk_noun = {
	"disk", "virtual disks: create, clone, extend, info",
	cmd_disk_usage, cmd_disk_verbs
};

/* DS PATH --size GB, the operands of create and extend. */
static int
cmd_disk_sized(struct args *a, const char **ds, const char **path,
    unsigned long long *gb)
{
	const char	*size = NULL;

	if (args_opt(a, "--size", &size) == -1)
		return (RCLI_EXIT_USAGE);
	if ((*ds = args_next(a)) == NULL || (*path = args_next(a)) == NULL)
		return (args_usage(a, "give DS PATH"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if (size == NULL)
		return (args_usage(a, "--size GB is required"));
	if (args_ulong(a, "--size", size, gb) == -1)
		return (RCLI_EXIT_USAGE);
	return (RCLI_EXIT_OK);
}

static int
cmd_disk_create(struct rcli *r, struct args *a)
{
	const char	*ds, *path, *type = "thin";
	unsigned long long gb;
	struct viclient	*c;
	struct buf	 b;
	int		 rc;

	if (args_opt(a, "--type", &type) == -1)
		return (RCLI_EXIT_USAGE);
	if ((rc = cmd_disk_sized(a, &ds, &path, &gb)) != RCLI_EXIT_OK)
		return (rc);
	if (strcmp(type, "thin") != 0 && strcmp(type, "thick") != 0 &&
	    strcmp(type, "eagerZeroedThick") != 0 &&
	    strcmp(type, "preallocated") != 0)
		return (args_usage(a, "--type: '%s' is not thin, thick or "
		    "eagerZeroedThick", type));
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_dspath(&b, "name", ds, path);
	buf_moref(&b, "datacenter", "Datacenter", "ha-datacenter");
	buf_str(&b, "<spec xsi:type=\"FileBackedVirtualDiskSpec\">");
	buf_elem(&b, "diskType", type);
	buf_str(&b, "<adapterType>lsiLogic</adapterType>");
	buf_printf(&b, "<capacityKb>%llu</capacityKb></spec>",
	    gb * 1024 * 1024);
	rc = task_run(c, "CreateVirtualDisk_Task", "VirtualDiskManager",
	    "ha-vdiskmanager", b.b_data, NULL);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_disk_clone(struct rcli *r, struct args *a)
{
	const char	*ds, *src, *dst, *ds2 = NULL;
	struct viclient	*c;
	struct buf	 b;
	int		 rc;

	if (args_opt(a, "--dest-datastore", &ds2) == -1)
		return (RCLI_EXIT_USAGE);
	if ((ds = args_next(a)) == NULL || (src = args_next(a)) == NULL ||
	    (dst = args_next(a)) == NULL)
		return (args_usage(a, "give DS SRC DST"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_dspath(&b, "sourceName", ds, src);
	buf_moref(&b, "sourceDatacenter", "Datacenter", "ha-datacenter");
	buf_dspath(&b, "destName", ds2 != NULL ? ds2 : ds, dst);
	buf_moref(&b, "destDatacenter", "Datacenter", "ha-datacenter");
	buf_str(&b, "<force>false</force>");
	rc = task_run(c, "CopyVirtualDisk_Task", "VirtualDiskManager",
	    "ha-vdiskmanager", b.b_data, NULL);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_disk_extend(struct rcli *r, struct args *a)
{
	const char	*ds, *path;
	unsigned long long gb;
	struct viclient	*c;
	struct buf	 b;
	int		 rc;

	if ((rc = cmd_disk_sized(a, &ds, &path, &gb)) != RCLI_EXIT_OK)
		return (rc);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_dspath(&b, "name", ds, path);
	buf_moref(&b, "datacenter", "Datacenter", "ha-datacenter");
	buf_printf(&b, "<newCapacityKb>%llu</newCapacityKb>"
	    "<eagerZero>false</eagerZero>", gb * 1024 * 1024);
	rc = task_run(c, "ExtendVirtualDisk_Task", "VirtualDiskManager",
	    "ha-vdiskmanager", b.b_data, NULL);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_disk_info(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "path", "capacityKB:n",
	    "sizeBytes:n", "thin", "hardwareVersion:n", "controllerType",
	    NULL };
	const char	*ds, *path, *slash;
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 res, f;
	char		*dir, *v[6];
	int		 rc, n = 0;

	if ((ds = args_next(a)) == NULL || (path = args_next(a)) == NULL)
		return (args_usage(a, "give DS PATH"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	slash = strrchr(path, '/');
	dir = slash != NULL ? xstrndup(path, (size_t)(slash - path)) :
	    xstrdup("");
	rc = cmd_datastore_search(c, ds, dir, "<query "
	    "xsi:type=\"VmDiskFileQuery\">"
	    "<details><diskType>true</diskType><capacityKb>true</capacityKb>"
	    "<hardwareVersion>true</hardwareVersion>"
	    "<controllerType>true</controllerType><thin>true</thin>"
	    "</details></query><details><fileType>true</fileType>"
	    "<fileSize>true</fileSize><modification>false</modification>"
	    "<fileOwner>false</fileOwner></details>",
	    slash != NULL ? slash + 1 : path, &p, &res);
	free(dir);
	if (rc == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (f = xml_child(res, NULL, "file"); f != NULL;
	    f = xml_next(f, NULL, "file")) {
		v[0] = viprops_path(f, "path");
		v[1] = viprops_path(f, "capacityKb");
		v[2] = viprops_path(f, "fileSize");
		v[3] = viprops_path(f, "thin");
		v[4] = viprops_path(f, "hardwareVersion");
		v[5] = viprops_path(f, "controllerType");
		table_add_free(t, v, 6);
		n++;
	}
	viprops_free(&p);
	if (n == 0) {
		table_free(t);
		viclient_seterr(c, "FileNotFound", "File [%s] %s was not found",
		    ds, path);
		return (conn_perror(c));
	}
	table_vertical(t);
	return (main_output(r, t));
}
