/* SPDX-License-Identifier: ISC */
/*
 * Datastore (vi-api.md §4.5): a directory on the host served as a local
 * datastore.  Its moid is a stable VMFS-UUID-like string derived from the
 * name and path; summary, info (LocalDatastoreInfo), host mounts and
 * capability are read at each call (capacity and free space by statvfs).
 * The type is "OTHER", as for vcsim's and ESX's non-VMFS local stores, so
 * no client expects VMFS extents.  The browser and vm[] come with the
 * HostDatastoreBrowser and VirtualMachine objects.
 */

#include "config.h"

#include <sys/statvfs.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostd.h"
#include "xmalloc.h"

struct hostd_mo_datastore_space {
	int64_t	dss_capacity;
	int64_t	dss_free;
	int	dss_ok;
};

static void		 hostd_mo_datastore_space(
			    const struct hostd_mo_datastore *,
			    struct hostd_mo_datastore_space *);
static void		 hostd_mo_datastore_url(const struct hostd_mo *,
			    char *, size_t);
static struct hostd_val	*hostd_mo_datastore_summary(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_datastore_info(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_datastore_host(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_datastore_vm(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_datastore_capability(
			    const struct hostd_inventory_ctx *);

const struct hostd_inventory_prop hostd_mo_datastore_props[] = {
	{ "info", hostd_mo_datastore_info, "System.View" },
	{ "summary", hostd_mo_datastore_summary, "System.View" },
	{ "host", hostd_mo_datastore_host, "System.View" },
	{ "vm", hostd_mo_datastore_vm, "System.View" },
	{ "browser", hostd_mo_hostdatastorebrowser_ref, "System.View" },
	{ "capability", hostd_mo_datastore_capability, "System.View" },
	{ "iormConfiguration", NULL, "System.View" },
	{ NULL, NULL, NULL }
};

struct hostd_mo_datastore *
hostd_mo_datastore_create(const char *name, const char *path)
{
	struct hostd_mo_datastore	*ds;

	ds = xcalloc(1, sizeof *ds);
	ds->ds_name = xstrdup(name);
	ds->ds_path = xstrdup(path);
	return (ds);
}

void
hostd_mo_datastore_free(void *arg)
{
	struct hostd_mo_datastore	*ds = arg;

	if (ds == NULL)
		return;
	free(ds->ds_name);
	free(ds->ds_path);
	free(ds);
}

/* FNV-1a over name NUL path, shaped like a VMFS UUID (8-8-4-12). */
void
hostd_mo_datastore_id(const char *name, const char *path, char *buf,
    size_t len)
{
	uint64_t	h1 = 14695981039346656037ULL, h2;
	const char	*p;

	for (p = name; *p != '\0'; p++)
		h1 = (h1 ^ (unsigned char)*p) * 1099511628211ULL;
	h1 = (h1 ^ 0) * 1099511628211ULL;
	h2 = h1;
	for (p = path; *p != '\0'; p++)
		h2 = (h2 ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(buf, len, "%08x-%08x-%04x-%012llx",
	    (unsigned int)(h1 >> 32), (unsigned int)h1,
	    (unsigned int)(h2 >> 48),
	    (unsigned long long)(h2 & 0xffffffffffffULL));
}

static void
hostd_mo_datastore_space(const struct hostd_mo_datastore *ds,
    struct hostd_mo_datastore_space *sp)
{
	struct statvfs	sv;

	memset(sp, 0, sizeof *sp);
	if (statvfs(ds->ds_path, &sv) != 0)
		return;
	sp->dss_capacity = (int64_t)sv.f_blocks * (int64_t)sv.f_frsize;
	sp->dss_free = (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
	sp->dss_ok = 1;
}

static void
hostd_mo_datastore_url(const struct hostd_mo *mo, char *buf, size_t len)
{
	snprintf(buf, len, "/vmfs/volumes/%s", mo->mo_id);
}

static struct hostd_val *
hostd_mo_datastore_summary(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_datastore	*ds = c->ic_mo->mo_data;
	struct hostd_mo_datastore_space	 sp;
	struct hostd_val		*v;
	char				 url[256];

	hostd_mo_datastore_space(ds, &sp);
	hostd_mo_datastore_url(c->ic_mo, url, sizeof url);
	v = hostd_val_object("DatastoreSummary");
	hostd_val_add_moref(v, "datastore", c->ic_mo->mo_type,
	    c->ic_mo->mo_id);
	hostd_val_add_str(v, "name", ds->ds_name);
	hostd_val_add_str(v, "url", url);
	hostd_val_add_long(v, "capacity", sp.dss_capacity);
	hostd_val_add_long(v, "freeSpace", sp.dss_free);
	hostd_val_add_long(v, "uncommitted", 0);
	hostd_val_add_bool(v, "accessible", sp.dss_ok);
	hostd_val_add_bool(v, "multipleHostAccess", 0);
	hostd_val_add_str(v, "type", "OTHER");
	hostd_val_add_str(v, "maintenanceMode", "normal");
	return (v);
}

static struct hostd_val *
hostd_mo_datastore_info(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_datastore	*ds = c->ic_mo->mo_data;
	struct hostd_mo_datastore_space	 sp;
	struct hostd_val		*v;
	struct timespec			 now;
	char				 url[256];

	hostd_mo_datastore_space(ds, &sp);
	hostd_mo_datastore_url(c->ic_mo, url, sizeof url);
	clock_gettime(CLOCK_REALTIME, &now);
	v = hostd_val_object("LocalDatastoreInfo");
	hostd_val_add_str(v, "name", ds->ds_name);
	hostd_val_add_str(v, "url", url);
	hostd_val_add_long(v, "freeSpace", sp.dss_free);
	hostd_val_add_long(v, "maxFileSize", sp.dss_capacity);
	hostd_val_add_long(v, "maxVirtualDiskCapacity", sp.dss_capacity);
	hostd_val_add_long(v, "maxMemoryFileSize", sp.dss_capacity);
	hostd_val_add(v, "timestamp", hostd_val_datetime(&now));
	hostd_val_add_str(v, "path", ds->ds_path);
	return (v);
}

static struct hostd_val *
hostd_mo_datastore_host(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_datastore	*ds = c->ic_mo->mo_data;
	struct hostd_mo_datastore_space	 sp;
	struct hostd_val		*arr, *m, *mi;
	char				 url[256];

	hostd_mo_datastore_space(ds, &sp);
	hostd_mo_datastore_url(c->ic_mo, url, sizeof url);
	arr = hostd_val_array("DatastoreHostMount");
	m = hostd_val_object("DatastoreHostMount");
	hostd_val_add_moref(m, "key", "HostSystem", HOSTD_MO_HOST);
	mi = hostd_val_object("HostMountInfo");
	hostd_val_add_str(mi, "path", url);
	hostd_val_add_str(mi, "accessMode", "readWrite");
	hostd_val_add_bool(mi, "mounted", 1);
	hostd_val_add_bool(mi, "accessible", sp.dss_ok);
	hostd_val_add(m, "mountInfo", mi);
	hostd_val_push(arr, m);
	return (arr);
}

static struct hostd_val *
hostd_mo_datastore_vm(const struct hostd_inventory_ctx *c)
{
	return (hostd_mo_virtualmachine_using(c->ic_inv, c->ic_mo));
}

static struct hostd_val *
hostd_mo_datastore_capability(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v;

	(void)c;
	v = hostd_val_object("DatastoreCapability");
	hostd_val_add_bool(v, "directoryHierarchySupported", 1);
	hostd_val_add_bool(v, "rawDiskMappingsSupported", 0);
	hostd_val_add_bool(v, "perFileThinProvisioningSupported", 1);
	hostd_val_add_bool(v, "storageIORMSupported", 0);
	hostd_val_add_bool(v, "nativeSnapshotSupported", 0);
	hostd_val_add_bool(v, "topLevelDirectoryCreateSupported", 1);
	hostd_val_add_bool(v, "seSparseSupported", 0);
	return (v);
}
