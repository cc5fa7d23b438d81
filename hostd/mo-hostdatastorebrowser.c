/* SPDX-License-Identifier: ISC */
/*
 * HostDatastoreBrowser ha-host-datastorebrowser (vi-api.md section 7.3),
 * the one browser of a standalone host: HostSystem.datastoreBrowser and
 * every Datastore.browser point to it, as on ESX.
 *
 * SearchDatastore_Task lists one directory, SearchDatastoreSubFolders_Task
 * a tree (one HostDatastoreBrowserSearchResults per directory, the root
 * first), filtered by the HostDatastoreBrowserSearchSpec: matchPattern
 * globs (case-insensitive on request), FileQuery subtypes (none: every
 * file), details (FileQueryFlags) and sortFoldersFirst.  A file is
 * reported as the FileInfo subtype of the first query it matches, by
 * name as ESX classifies them (.vmx, .vmtx, .vmdk but not its extents,
 * .log, .nvram, .vmsn, .iso, .flp); VMDKs are opened read-only through
 * libvmm for capacityKb, diskType, hardwareVersion, controllerType and
 * thin.  Symbolic links are never followed, and the walk is bounded in
 * depth and entries.  Datastore.Browse on the datastore is required.
 */

#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_HOSTDATASTOREBROWSER_DEPTH	32
#define HOSTD_MO_HOSTDATASTOREBROWSER_MAXDIRS	10000
#define HOSTD_MO_HOSTDATASTOREBROWSER_MAXENT	100000
#define HOSTD_MO_HOSTDATASTOREBROWSER_HEAD	(64 * 1024)

/* FileQuery type, FileInfo type, name suffixes ("" for folders). */
struct hostd_mo_hostdatastorebrowser_kind {
	const char	*bk_query;
	const char	*bk_info;
	const char	*bk_suffix[3];
};

static const struct hostd_mo_hostdatastorebrowser_kind
    hostd_mo_hostdatastorebrowser_kinds[] = {
	{ "FolderFileQuery", "FolderFileInfo", { NULL } },
	{ "VmConfigFileQuery", "VmConfigFileInfo", { ".vmx", NULL } },
	{ "TemplateConfigFileQuery", "TemplateConfigFileInfo",
	  { ".vmtx", NULL } },
	{ "VmDiskFileQuery", "VmDiskFileInfo", { ".vmdk", NULL } },
	{ "VmSnapshotFileQuery", "VmSnapshotFileInfo", { ".vmsn", NULL } },
	{ "VmNvramFileQuery", "VmNvramFileInfo", { ".nvram", NULL } },
	{ "VmLogFileQuery", "VmLogFileInfo", { ".log", NULL } },
	{ "IsoImageFileQuery", "IsoImageFileInfo", { ".iso", NULL } },
	{ "FloppyImageFileQuery", "FloppyImageFileInfo",
	  { ".flp", ".img", NULL } },
};
#define HOSTD_MO_HOSTDATASTOREBROWSER_NKINDS \
	(sizeof hostd_mo_hostdatastorebrowser_kinds / \
	sizeof hostd_mo_hostdatastorebrowser_kinds[0])

/* VMDK extents and side files: not disks of their own. */
static const char *const hostd_mo_hostdatastorebrowser_extents[] = {
	"-flat.vmdk", "-delta.vmdk", "-sesparse.vmdk", "-ctk.vmdk",
	"-rdm.vmdk", "-rdmp.vmdk"
};

/* ddb.adapterType -> VmDiskFileInfo.controllerType. */
static const char *const hostd_mo_hostdatastorebrowser_ctrls[][2] = {
	{ "ide", "VirtualIDEController" },
	{ "buslogic", "VirtualBusLogicController" },
	{ "lsilogic", "VirtualLsiLogicController" },
	{ "lsisas1068", "VirtualLsiLogicSASController" },
	{ "pvscsi", "ParaVirtualSCSIController" },
};

/* The search spec, read once. */
struct hostd_mo_hostdatastorebrowser_spec {
	const struct hostd_val	*bs_spec;	/* or NULL */
	int			 bs_kinds[HOSTD_MO_HOSTDATASTOREBROWSER_NKINDS];
	int			 bs_anykind;	/* no query: every file */
	int			 bs_details;	/* details given */
	int			 bs_type, bs_size, bs_mtime, bs_owner;
	int			 bs_disk_type, bs_disk_cap, bs_disk_hw;
	int			 bs_disk_ctrl, bs_disk_thin;
	int			 bs_casefold;
	int			 bs_foldersfirst;
};

/* One directory entry found. */
struct hostd_mo_hostdatastorebrowser_ent {
	char		*be_name;
	int		 be_kind;	/* index in kinds, or -1: plain */
	struct stat	 be_st;
};

static struct hostd_val	*hostd_mo_hostdatastorebrowser_datastores(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostdatastorebrowser_types(
			    const struct hostd_inventory_ctx *);
static int	hostd_mo_hostdatastorebrowser_search(struct hostd_soap_req *);
static int	hostd_mo_hostdatastorebrowser_subfolders(
		    struct hostd_soap_req *);
static int	hostd_mo_hostdatastorebrowser_run(struct hostd_soap_req *,
		    int);
static int	hostd_mo_hostdatastorebrowser_readspec(
		    struct hostd_soap_req *,
		    struct hostd_mo_hostdatastorebrowser_spec *);
static int	hostd_mo_hostdatastorebrowser_kind(const char *, int);
static int	hostd_mo_hostdatastorebrowser_match(
		    const struct hostd_mo_hostdatastorebrowser_spec *,
		    const char *);
static struct hostd_val *hostd_mo_hostdatastorebrowser_dir(
		    const struct hostd_mo_hostdatastorebrowser_spec *,
		    struct hostd_mo *, const char *, const char *, int,
		    char ***, size_t *, int *);
static struct hostd_val *hostd_mo_hostdatastorebrowser_info(
		    const struct hostd_mo_hostdatastorebrowser_spec *,
		    const char *,
		    const struct hostd_mo_hostdatastorebrowser_ent *);
static void	hostd_mo_hostdatastorebrowser_disk(
		    const struct hostd_mo_hostdatastorebrowser_spec *,
		    const char *, struct hostd_val *);
static int	hostd_mo_hostdatastorebrowser_cmp(const void *, const void *);
static int	hostd_mo_hostdatastorebrowser_cmp_ff(const void *,
		    const void *);

const struct hostd_inventory_prop hostd_mo_hostdatastorebrowser_props[] = {
	{ "datastore", hostd_mo_hostdatastorebrowser_datastores,
	  "System.View" },
	{ "supportedType", hostd_mo_hostdatastorebrowser_types,
	  "System.View" },
	{ NULL, NULL, NULL, NULL }
};

static const struct hostd_soap_param hostd_mo_hostdatastorebrowser_p[] = {
	{ "datastorePath", "string", 0 },
	{ "searchSpec", "HostDatastoreBrowserSearchSpec",
	  HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

/* Datastore.Browse is checked on the datastore by the handlers. */
const struct hostd_soap_method hostd_mo_hostdatastorebrowser_methods[] = {
	{ "SearchDatastore_Task", "HostDatastoreBrowser", "System.View", 0,
	  hostd_mo_hostdatastorebrowser_search,
	  hostd_mo_hostdatastorebrowser_p },
	{ "SearchDatastoreSubFolders_Task", "HostDatastoreBrowser",
	  "System.View", 0, hostd_mo_hostdatastorebrowser_subfolders,
	  hostd_mo_hostdatastorebrowser_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

struct hostd_val *
hostd_mo_hostdatastorebrowser_ref(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_moref("HostDatastoreBrowser", HOSTD_MO_DSBROWSER));
}

static struct hostd_val *
hostd_mo_hostdatastorebrowser_datastores(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Datastore", NULL));
}

static struct hostd_val *
hostd_mo_hostdatastorebrowser_types(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*arr;
	size_t			 i;

	(void)c;
	arr = hostd_val_array("FileQuery");
	for (i = 0; i < HOSTD_MO_HOSTDATASTOREBROWSER_NKINDS; i++)
		hostd_val_push(arr, hostd_val_object(
		    hostd_mo_hostdatastorebrowser_kinds[i].bk_query));
	return (arr);
}

static int
hostd_mo_hostdatastorebrowser_search(struct hostd_soap_req *req)
{
	return (hostd_mo_hostdatastorebrowser_run(req, 0));
}

static int
hostd_mo_hostdatastorebrowser_subfolders(struct hostd_soap_req *req)
{
	return (hostd_mo_hostdatastorebrowser_run(req, 1));
}

/* A boolean field of v (0 when absent or not a boolean). */
static int
hostd_mo_hostdatastorebrowser_flag(const struct hostd_val *v,
    const char *name)
{
	int	b = 0;

	if (v == NULL || hostd_val_get_bool(hostd_val_field(v, name),
	    &b) != 0)
		return (0);
	return (b);
}

/* The spec, or -1 with r_fault (an unknown query type). */
static int
hostd_mo_hostdatastorebrowser_readspec(struct hostd_soap_req *req,
    struct hostd_mo_hostdatastorebrowser_spec *bs)
{
	const struct hostd_val	*spec, *q, *d, *dd;
	size_t			 i, j, n;

	memset(bs, 0, sizeof *bs);
	spec = bs->bs_spec = hostd_val_field(req->r_params, "searchSpec");
	n = hostd_val_field_count(spec, "query");
	bs->bs_anykind = n == 0;
	for (i = 0; i < n; i++) {
		q = hostd_val_field_nth(spec, "query", i);
		if (q->v_type == NULL || strcmp(q->v_type, "FileQuery") == 0) {
			bs->bs_anykind = 1;
			continue;
		}
		for (j = 0; j < HOSTD_MO_HOSTDATASTOREBROWSER_NKINDS; j++) {
			if (strcmp(q->v_type,
			    hostd_mo_hostdatastorebrowser_kinds[j].bk_query) ==
			    0)
				break;
		}
		if (j == HOSTD_MO_HOSTDATASTOREBROWSER_NKINDS) {
			req->r_fault = hostd_fault_invalid_argument(
			    "searchSpec.query");
			return (-1);
		}
		bs->bs_kinds[j] = 1;
		if (strcmp(q->v_type, "VmDiskFileQuery") == 0 &&
		    (dd = hostd_val_field(q, "details")) != NULL) {
			bs->bs_disk_type = hostd_mo_hostdatastorebrowser_flag(
			    dd, "diskType");
			bs->bs_disk_cap = hostd_mo_hostdatastorebrowser_flag(
			    dd, "capacityKb");
			bs->bs_disk_hw = hostd_mo_hostdatastorebrowser_flag(dd,
			    "hardwareVersion");
			bs->bs_disk_ctrl = hostd_mo_hostdatastorebrowser_flag(
			    dd, "controllerType");
			bs->bs_disk_thin = hostd_mo_hostdatastorebrowser_flag(
			    dd, "thin");
		}
	}
	if ((d = hostd_val_field(spec, "details")) != NULL) {
		bs->bs_details = 1;
		bs->bs_type = hostd_mo_hostdatastorebrowser_flag(d, "fileType");
		bs->bs_size = hostd_mo_hostdatastorebrowser_flag(d, "fileSize");
		bs->bs_mtime = hostd_mo_hostdatastorebrowser_flag(d,
		    "modification");
		bs->bs_owner = hostd_mo_hostdatastorebrowser_flag(d,
		    "fileOwner");
	}
	bs->bs_casefold = hostd_mo_hostdatastorebrowser_flag(spec,
	    "searchCaseInsensitive");
	bs->bs_foldersfirst = hostd_mo_hostdatastorebrowser_flag(spec,
	    "sortFoldersFirst");
	return (0);
}

/* The kind (index) of a name, or -1 for a plain file. */
static int
hostd_mo_hostdatastorebrowser_kind(const char *name, int dir)
{
	const struct hostd_mo_hostdatastorebrowser_kind	*k;
	size_t						 i, j, len, sl;

	if (dir)
		return (0);
	len = strlen(name);
	for (i = 0; i < sizeof hostd_mo_hostdatastorebrowser_extents /
	    sizeof hostd_mo_hostdatastorebrowser_extents[0]; i++) {
		sl = strlen(hostd_mo_hostdatastorebrowser_extents[i]);
		if (len > sl && strcasecmp(name + len - sl,
		    hostd_mo_hostdatastorebrowser_extents[i]) == 0)
			return (-1);
	}
	for (i = 1; i < HOSTD_MO_HOSTDATASTOREBROWSER_NKINDS; i++) {
		k = &hostd_mo_hostdatastorebrowser_kinds[i];
		for (j = 0; k->bk_suffix[j] != NULL; j++) {
			sl = strlen(k->bk_suffix[j]);
			if (len > sl && strcasecmp(name + len - sl,
			    k->bk_suffix[j]) == 0)
				return ((int)i);
		}
	}
	return (-1);
}

/* 1 if name matches one of the patterns (or there are none). */
static int
hostd_mo_hostdatastorebrowser_match(
    const struct hostd_mo_hostdatastorebrowser_spec *bs, const char *name)
{
	const char	*pat;
	size_t		 i, n;

	n = hostd_val_field_count(bs->bs_spec, "matchPattern");
	if (n == 0)
		return (1);
	for (i = 0; i < n; i++) {
		pat = hostd_val_str(hostd_val_field_nth(bs->bs_spec,
		    "matchPattern", i));
		if (pat != NULL && fnmatch(pat, name, FNM_PERIOD |
		    (bs->bs_casefold ? FNM_CASEFOLD : 0)) == 0)
			return (1);
	}
	return (0);
}

static int
hostd_mo_hostdatastorebrowser_run(struct hostd_soap_req *req, int sub)
{
	struct hostd_inventory			*inv;
	struct hostd_mo_hostdatastorebrowser_spec bs;
	struct hostd_mo				*mo;
	struct hostd_val			*res, *one;
	struct stat				 st;
	const char				*path, *tid;
	char					*full, *rel = NULL, *task;
	char					**todo = NULL;
	size_t					 ntodo = 0, i;
	int					 budget;

	inv = hostd_soap_inventory(req->r_soap);
	path = hostd_val_str(hostd_val_field(req->r_params, "datastorePath"));
	if (hostd_mo_hostdatastorebrowser_readspec(req, &bs) != 0)
		return (0);
	if ((full = hostd_dspath_req(req, path, "Datastore.Browse", &mo,
	    &rel)) == NULL)
		return (0);
	if (sub)
		tid = hostd_task_create(inv, "SearchDatastoreSubFolders_Task",
		    "HostDatastoreBrowser.searchSubFolders", mo,
		    req->r_session->s_user);
	else
		tid = hostd_task_create(inv, "SearchDatastore_Task",
		    "HostDatastoreBrowser.search", mo, req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if (lstat(full, &st) != 0 || !S_ISDIR(st.st_mode)) {
		hostd_task_fail(inv, task, hostd_dspath_fault(ENOENT, path, 0));
		goto out;
	}
	budget = HOSTD_MO_HOSTDATASTOREBROWSER_MAXENT;
	if (!sub) {
		res = hostd_mo_hostdatastorebrowser_dir(&bs, mo, full, rel, 0,
		    NULL, NULL, &budget);
		hostd_task_succeed(inv, task, res);
		goto out;
	}
	res = hostd_val_array("HostDatastoreBrowserSearchResults");
	todo = xcalloc(1, sizeof *todo);
	todo[ntodo++] = xstrdup(rel);
	/* Breadth first: the root's results first, as ESX. */
	for (i = 0; i < ntodo && i < HOSTD_MO_HOSTDATASTOREBROWSER_MAXDIRS;
	    i++) {
		free(full);
		full = hostd_dspath_join(mo->mo_data, todo[i]);
		one = hostd_mo_hostdatastorebrowser_dir(&bs, mo, full,
		    todo[i], 1, &todo, &ntodo, &budget);
		if (one != NULL)
			hostd_val_push(res, one);
	}
	hostd_task_succeed(inv, task, res);
out:
	for (i = 0; i < ntodo; i++)
		free(todo[i]);
	free(todo);
	free(task);
	free(full);
	free(rel);
	return (0);
}

/*
 * The results of directory full ("[ds] rel"); with sub, its
 * subdirectories are appended to *todo (relative paths).  NULL when it
 * cannot be read (it went away meanwhile).
 */
static struct hostd_val *
hostd_mo_hostdatastorebrowser_dir(
    const struct hostd_mo_hostdatastorebrowser_spec *bs, struct hostd_mo *mo,
    const char *full, const char *rel, int sub, char ***todo, size_t *ntodo,
    int *budget)
{
	struct hostd_mo_datastore		*ds = mo->mo_data;
	struct hostd_mo_hostdatastorebrowser_ent *ents = NULL, *e;
	struct hostd_val			*v, *files;
	struct dirent				*de;
	DIR					*d;
	char					*fp;
	size_t					 n = 0, i;
	int					 kind, depth;

	if ((d = opendir(full)) == NULL)
		return (NULL);
	for (depth = 0, fp = (char *)rel; *rel != '\0' && fp != NULL;
	    depth++)
		fp = strchr(fp + 1, '/');
	while ((de = readdir(d)) != NULL && *budget > 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strncmp(de->d_name, ".vireo-upload-", 14) == 0)
			continue;
		ents = xreallocarray(ents, n + 1, sizeof *ents);
		e = &ents[n];
		if (fstatat(dirfd(d), de->d_name, &e->be_st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		e->be_name = xstrdup(de->d_name);
		e->be_kind = hostd_mo_hostdatastorebrowser_kind(de->d_name,
		    S_ISDIR(e->be_st.st_mode));
		n++;
		(*budget)--;
		if (sub && S_ISDIR(e->be_st.st_mode) &&
		    depth < HOSTD_MO_HOSTDATASTOREBROWSER_DEPTH &&
		    *ntodo < HOSTD_MO_HOSTDATASTOREBROWSER_MAXDIRS) {
			*todo = xreallocarray(*todo, *ntodo + 1,
			    sizeof **todo);
			if (*rel == '\0')
				(*todo)[(*ntodo)++] = xstrdup(de->d_name);
			else
				xasprintf(&(*todo)[(*ntodo)++], "%s/%s", rel,
				    de->d_name);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(ents, n, sizeof *ents, bs->bs_foldersfirst ?
		    hostd_mo_hostdatastorebrowser_cmp_ff :
		    hostd_mo_hostdatastorebrowser_cmp);

	v = hostd_val_object("HostDatastoreBrowserSearchResults");
	hostd_val_add_moref(v, "datastore", mo->mo_type, mo->mo_id);
	if (*rel == '\0')
		xasprintf(&fp, "[%s]", ds->ds_name);
	else
		xasprintf(&fp, "[%s] %s", ds->ds_name, rel);
	hostd_val_add_str(v, "folderPath", fp);
	free(fp);
	files = hostd_val_array("FileInfo");
	for (i = 0; i < n; i++) {
		e = &ents[i];
		kind = e->be_kind;
		if ((kind == -1 && !bs->bs_anykind) ||
		    (kind != -1 && !bs->bs_anykind && !bs->bs_kinds[kind]) ||
		    !hostd_mo_hostdatastorebrowser_match(bs, e->be_name))
			continue;
		hostd_val_push(files, hostd_mo_hostdatastorebrowser_info(bs,
		    full, e));
	}
	if (files->v_nitems > 0)
		hostd_val_add_decl(v, "file", "FileInfo", files);
	else
		hostd_val_free(files);
	for (i = 0; i < n; i++)
		free(ents[i].be_name);
	free(ents);
	return (v);
}

/* The FileInfo (subtype) of e in directory dir. */
static struct hostd_val *
hostd_mo_hostdatastorebrowser_info(
    const struct hostd_mo_hostdatastorebrowser_spec *bs, const char *dir,
    const struct hostd_mo_hostdatastorebrowser_ent *e)
{
	struct hostd_val	*v;
	struct timespec		 ts;
	struct passwd		*pw;
	char			*path, owner[32];
	const char		*type;

	type = "FileInfo";
	if (e->be_kind != -1 && (!bs->bs_details || bs->bs_type))
		type = hostd_mo_hostdatastorebrowser_kinds[e->be_kind].bk_info;
	v = hostd_val_object(type);
	hostd_val_add_str(v, "path", e->be_name);
	if (bs->bs_size)
		hostd_val_add_long(v, "fileSize", (int64_t)e->be_st.st_size);
	if (bs->bs_mtime) {
		ts = e->be_st.st_mtim;
		hostd_val_add(v, "modification", hostd_val_datetime(&ts));
	}
	if (bs->bs_owner) {
		if ((pw = getpwuid(e->be_st.st_uid)) != NULL)
			hostd_val_add_str(v, "owner", pw->pw_name);
		else {
			xsnprintf(owner, sizeof owner, "%lu",
			    (unsigned long)e->be_st.st_uid);
			hostd_val_add_str(v, "owner", owner);
		}
	}
	if (strcmp(type, "VmDiskFileInfo") == 0) {
		xasprintf(&path, "%s/%s", dir, e->be_name);
		hostd_mo_hostdatastorebrowser_disk(bs, path, v);
		free(path);
	}
	return (v);
}

/* VmDiskFileInfo's own fields, as VmDiskFileQuery.details asks. */
static void
hostd_mo_hostdatastorebrowser_disk(
    const struct hostd_mo_hostdatastorebrowser_spec *bs, const char *path,
    struct hostd_val *v)
{
	struct disk_info	 info;
	struct disk		*d;
	char			*head, *p, *cause = NULL;
	ssize_t			 n;
	size_t			 i;
	int			 fd, hw = 0;

	if (!bs->bs_disk_type && !bs->bs_disk_cap && !bs->bs_disk_hw &&
	    !bs->bs_disk_ctrl && !bs->bs_disk_thin)
		return;
	memset(&info, 0, sizeof info);
	if ((d = disk_open(path, DISK_OPEN_RDONLY, &cause)) == NULL ||
	    disk_info(d, &info, &cause) != 0) {
		log_debug("browser: %s: %s", path, cause != NULL ? cause :
		    strerror(errno));
		free(cause);
		disk_info_clear(&info);
		disk_close(d);
		return;
	}
	disk_close(d);
	if (bs->bs_disk_hw &&
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		/* The descriptor, text or embedded near the start. */
		head = xmalloc(HOSTD_MO_HOSTDATASTOREBROWSER_HEAD + 1);
		n = read(fd, head, HOSTD_MO_HOSTDATASTOREBROWSER_HEAD);
		close(fd);
		if (n > 0) {
			head[n] = '\0';
			if ((p = memmem(head, (size_t)n, "ddb.virtualHWVersion",
			    20)) != NULL && sscanf(p, "ddb.virtualHWVersion = "
			    "\"%d\"", &hw) != 1)
				hw = 0;
		}
		free(head);
	}
	if (bs->bs_disk_type)
		hostd_val_add_str(v, "diskType",
		    info.format == DISK_FORMAT_VMDK_SPARSE ?
		    "VirtualDiskSparseVer2BackingInfo" :
		    "VirtualDiskFlatVer2BackingInfo");
	if (bs->bs_disk_cap)
		hostd_val_add_long(v, "capacityKb", (int64_t)(info.size /
		    1024));
	if (bs->bs_disk_hw && hw > 0)
		hostd_val_add_int(v, "hardwareVersion", hw);
	if (bs->bs_disk_ctrl && info.adapter != NULL) {
		for (i = 0; i < sizeof hostd_mo_hostdatastorebrowser_ctrls /
		    sizeof hostd_mo_hostdatastorebrowser_ctrls[0]; i++) {
			if (strcmp(info.adapter,
			    hostd_mo_hostdatastorebrowser_ctrls[i][0]) == 0)
				hostd_val_add_str(v, "controllerType",
				    hostd_mo_hostdatastorebrowser_ctrls[i][1]);
		}
	}
	if (bs->bs_disk_thin)
		hostd_val_add_bool(v, "thin", info.format ==
		    DISK_FORMAT_VMDK_SPARSE || info.allocated < info.size);
	disk_info_clear(&info);
}

static int
hostd_mo_hostdatastorebrowser_cmp(const void *a, const void *b)
{
	const struct hostd_mo_hostdatastorebrowser_ent	*x = a, *y = b;

	return (strcmp(x->be_name, y->be_name));
}

static int
hostd_mo_hostdatastorebrowser_cmp_ff(const void *a, const void *b)
{
	const struct hostd_mo_hostdatastorebrowser_ent	*x = a, *y = b;
	int						 dx, dy;

	dx = S_ISDIR(x->be_st.st_mode);
	dy = S_ISDIR(y->be_st.st_mode);
	if (dx != dy)
		return (dy - dx);
	return (strcmp(x->be_name, y->be_name));
}
