/* SPDX-License-Identifier: ISC */
/*
 * VirtualDiskManager ha-vdiskmanager: CreateVirtualDisk_Task,
 * CopyVirtualDisk_Task, ExtendVirtualDisk_Task, DeleteVirtualDisk_Task
 * and QueryVirtualDiskUuid on VMDKs of a datastore, through libvmm's disk
 * layer (the same code as vmkfstools and vmx), so what is made here
 * opens in a VM and in qemu-img.
 *
 * Disk types map as vmkfstools does: thin is a monolithicSparse VMDK,
 * preallocated/thick a monolithicFlat one with its space reserved,
 * eagerZeroedThick a flat one written with zeros.  Those zeros (and
 * those of an eagerZero extension) are written by a dsjob after the
 * space is reserved, so a big disk does not hold hostd's loop; a
 * creation that fails midway removes the disk, an extension that fails
 * midway leaves it extended (its new space reads as zeros either way).
 * A disk is its descriptor and the extents the descriptor names, which
 * must be plain names in the descriptor's directory (anything else is
 * refused before a file is touched).  Copies run as a dsjob with
 * progress, skipping zero blocks so that thin stays thin.  Every path
 * is checked by hostd_dspath_req with Datastore.AllocateSpace
 * (Datastore.Browse for the source of a copy and for
 * QueryVirtualDiskUuid).
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

#include "disk.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_VDM_BUF	(1024 * 1024)
#define HOSTD_MO_VDM_STEP	16		/* buffers per loop turn */
#define HOSTD_MO_VDM_BLOCK	(64 * 1024)	/* zero-skip granule */
#define HOSTD_MO_VDM_DESC_MAX	(64 * 1024)
#define HOSTD_MO_VDM_EXTENTS	64

/* diskType -> format (vmkfstools' table). */
struct hostd_mo_virtualdiskmanager_type {
	const char		*vt_name;
	enum disk_format	 vt_format;
	enum disk_prealloc	 vt_prealloc;
};

static const struct hostd_mo_virtualdiskmanager_type
    hostd_mo_virtualdiskmanager_types[] = {
	{ "thin", DISK_FORMAT_VMDK_SPARSE, DISK_PREALLOC_NONE },
	{ "sparseMonolithic", DISK_FORMAT_VMDK_SPARSE, DISK_PREALLOC_NONE },
	{ "preallocated", DISK_FORMAT_VMDK_FLAT, DISK_PREALLOC_ZEROED },
	{ "thick", DISK_FORMAT_VMDK_FLAT, DISK_PREALLOC_ZEROED },
	{ "flatMonolithic", DISK_FORMAT_VMDK_FLAT, DISK_PREALLOC_ZEROED },
	{ "eagerZeroedThick", DISK_FORMAT_VMDK_FLAT, DISK_PREALLOC_EAGER },
};

#define HOSTD_MO_VDM_NTYPES \
	(sizeof hostd_mo_virtualdiskmanager_types / \
	sizeof hostd_mo_virtualdiskmanager_types[0])

/* adapterType -> ddb.adapterType. */
static const char *const hostd_mo_virtualdiskmanager_adapters[][2] = {
	{ "ide", "ide" },
	{ "busLogic", "buslogic" },
	{ "lsiLogic", "lsilogic" },
	{ "lsiLogicsas", "lsisas1068" },
	{ "paraVirtual", "pvscsi" },
};

#define HOSTD_MO_VDM_NADAPTERS \
	(sizeof hostd_mo_virtualdiskmanager_adapters / \
	sizeof hostd_mo_virtualdiskmanager_adapters[0])

/* A disk copy in progress. */
struct hostd_mo_virtualdiskmanager_copy {
	struct disk	*vc_src;
	struct disk	*vc_dst;
	uint64_t	 vc_size;
	uint64_t	 vc_at;
	char		*vc_dstpath;	/* removed on failure */
	char		*vc_dstname;
	char		*vc_srcname;
	uint8_t		*vc_buf;
	int		 vc_ok;
};

static int	hostd_mo_virtualdiskmanager_create(struct hostd_soap_req *);
static int	hostd_mo_virtualdiskmanager_copy(struct hostd_soap_req *);
static int	hostd_mo_virtualdiskmanager_extend(struct hostd_soap_req *);
static int	hostd_mo_virtualdiskmanager_delete(struct hostd_soap_req *);
static int	hostd_mo_virtualdiskmanager_uuid(struct hostd_soap_req *);
static int	hostd_mo_virtualdiskmanager_spec(struct hostd_soap_req *,
		    const struct hostd_val *, int, struct disk_create_args *);
static struct hostd_mo *hostd_mo_virtualdiskmanager_dc(struct hostd_soap_req *,
		    const char *);
static int	hostd_mo_virtualdiskmanager_files(const char *, char ***);
static void	hostd_mo_virtualdiskmanager_files_free(char **);
static int	hostd_mo_virtualdiskmanager_remove(const char *);
static struct hostd_fault *hostd_mo_virtualdiskmanager_fault(int, const char *,
		    const char *);
static int	hostd_mo_virtualdiskmanager_step(void *, int *,
		    struct hostd_fault **,
		    struct hostd_val **);
static void	hostd_mo_virtualdiskmanager_copy_free(void *);
static int	hostd_mo_virtualdiskmanager_zero(const uint8_t *, size_t);
static void	hostd_mo_virtualdiskmanager_eager_start(struct hostd_inventory *,
		    const char *, const char *, const char *, const char *,
		    uint64_t, uint64_t, int);
static int	hostd_mo_virtualdiskmanager_zeroed(void *,
		    struct hostd_fault **, struct hostd_val **);
static void	hostd_mo_virtualdiskmanager_zeroed_free(void *);

/* What an eager create or extend does when its zeros are written. */
struct hostd_mo_virtualdiskmanager_eager {
	char	*ve_path;	/* created: removed on failure; or NULL */
	char	*ve_name;
	char	*ve_user;
	char	*ve_what;	/* for the log */
	int	 ve_create;
};

static const struct hostd_soap_param hostd_mo_virtualdiskmanager_create_p[] = {
	{ "name", "string", 0 },
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "spec", "VirtualDiskSpec", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_virtualdiskmanager_copy_p[] = {
	{ "sourceName", "string", 0 },
	{ "sourceDatacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "destName", "string", 0 },
	{ "destDatacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "destSpec", "VirtualDiskSpec", HOSTD_SOAP_OPTIONAL },
	{ "force", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_virtualdiskmanager_extend_p[] = {
	{ "name", "string", 0 },
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "newCapacityKb", "long", 0 },
	{ "eagerZero", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_virtualdiskmanager_name_p[] = {
	{ "name", "string", 0 },
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

/* Privileges are checked on the datastores by the handlers. */
const struct hostd_soap_method hostd_mo_virtualdiskmanager_methods[] = {
	{ "CreateVirtualDisk_Task", "VirtualDiskManager", "System.View", 0,
	  hostd_mo_virtualdiskmanager_create,
	  hostd_mo_virtualdiskmanager_create_p },
	{ "CopyVirtualDisk_Task", "VirtualDiskManager", "System.View", 0,
	  hostd_mo_virtualdiskmanager_copy,
	  hostd_mo_virtualdiskmanager_copy_p },
	{ "ExtendVirtualDisk_Task", "VirtualDiskManager", "System.View", 0,
	  hostd_mo_virtualdiskmanager_extend,
	  hostd_mo_virtualdiskmanager_extend_p },
	{ "DeleteVirtualDisk_Task", "VirtualDiskManager", "System.View", 0,
	  hostd_mo_virtualdiskmanager_delete,
	  hostd_mo_virtualdiskmanager_name_p },
	{ "QueryVirtualDiskUuid", "VirtualDiskManager", "System.View", 0,
	  hostd_mo_virtualdiskmanager_uuid,
	  hostd_mo_virtualdiskmanager_name_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* The datacenter argument, which must be ha-datacenter when given. */
static struct hostd_mo *
hostd_mo_virtualdiskmanager_dc(struct hostd_soap_req *req, const char *param)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	const struct hostd_val	*v = hostd_val_field(req->r_params, param);

	if (v != NULL && (!hostd_val_is_moref(v, "Datacenter") ||
	    strcmp(v->v_str, HOSTD_MO_DATACENTER) != 0)) {
		req->r_fault = hostd_fault_invalid_argument(param);
		return (NULL);
	}
	return (hostd_inventory_find(inv, "Datacenter", HOSTD_MO_DATACENTER,
	    NULL));
}

/* The ESX fault for errno e on dspath; cause (may be NULL) for others. */
static struct hostd_fault *
hostd_mo_virtualdiskmanager_fault(int e, const char *dspath, const char *cause)
{
	struct hostd_fault	*f;

	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case EEXIST:
	case ENOSPC:
	case ELOOP:
		return (hostd_dspath_fault(e, dspath, 0));
	case EINVAL:
	case ENOTSUP:
		f = hostd_fault_create("FileFault", "%s", cause != NULL ?
		    cause : "The file is not a supported virtual disk");
		hostd_val_add_str(f->f_obj, "file", dspath);
		return (f);
	default:
		return (hostd_fault_system_error(cause != NULL ? cause :
		    strerror(e)));
	}
}

/*
 * A VirtualDiskSpec (FileBackedVirtualDiskSpec: diskType, adapterType,
 * capacityKb when needcap) into args.  0, or -1 with r_fault.
 */
static int
hostd_mo_virtualdiskmanager_spec(struct hostd_soap_req *req,
    const struct hostd_val *spec, int needcap, struct disk_create_args *args)
{
	const struct hostd_mo_virtualdiskmanager_type	*vt = NULL;
	const char				*type, *adapter;
	int64_t					 kb;
	size_t					 i;

	type = hostd_val_str(hostd_val_field(spec, "diskType"));
	adapter = hostd_val_str(hostd_val_field(spec, "adapterType"));
	for (i = 0; type != NULL && i < HOSTD_MO_VDM_NTYPES; i++) {
		vt = &hostd_mo_virtualdiskmanager_types[i];
		if (strcmp(type, vt->vt_name) == 0)
			break;
	}
	if (type == NULL || i == HOSTD_MO_VDM_NTYPES) {
		req->r_fault = hostd_fault_invalid_argument("spec.diskType");
		return (-1);
	}
	args->format = vt->vt_format;
	args->prealloc = vt->vt_prealloc;
	for (i = 0; adapter != NULL && i < HOSTD_MO_VDM_NADAPTERS; i++) {
		if (strcmp(adapter,
		    hostd_mo_virtualdiskmanager_adapters[i][0]) == 0)
			break;
	}
	if (adapter == NULL || i == HOSTD_MO_VDM_NADAPTERS) {
		req->r_fault = hostd_fault_invalid_argument(
		    "spec.adapterType");
		return (-1);
	}
	args->adapter = hostd_mo_virtualdiskmanager_adapters[i][1];
	if (!needcap)
		return (0);
	if (hostd_val_get_int(hostd_val_field(spec, "capacityKb"), 1,
	    INT64_MAX / 1024, &kb) != 0) {
		req->r_fault = hostd_fault_invalid_argument("spec.capacityKb");
		return (-1);
	}
	args->size = (uint64_t)kb * 1024;
	return (0);
}

static int
hostd_mo_virtualdiskmanager_create(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct disk_create_args	 args;
	struct hostd_mo		*dc;
	const char		*name, *tid;
	char			*full, *rel = NULL, *task, *cause = NULL;
	size_t			 len;
	int			 eager;

	memset(&args, 0, sizeof args);
	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if ((dc = hostd_mo_virtualdiskmanager_dc(req, "datacenter")) == NULL ||
	    hostd_mo_virtualdiskmanager_spec(req, hostd_val_field(req->r_params,
	    "spec"), 1, &args) != 0)
		return (0);
	if ((full = hostd_dspath_req(req, name, "Datastore.AllocateSpace",
	    NULL, &rel)) == NULL)
		return (0);
	len = strlen(rel);
	if (len < 6 || strcmp(rel + len - 5, ".vmdk") != 0 ||
	    strstr(rel, "-flat.vmdk") != NULL) {
		req->r_fault = hostd_dspath_fault(EINVAL, name, 0);
		goto out;
	}
	tid = hostd_task_create(inv, "CreateVirtualDisk_Task",
	    "VirtualDiskManager.createVirtualDisk", dc,
	    req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	/* Reserved now, written with zeros by a job (see the top). */
	eager = args.prealloc == DISK_PREALLOC_EAGER;
	if (eager)
		args.prealloc = DISK_PREALLOC_ZEROED;
	if (disk_create(full, &args, &cause) != 0) {
		hostd_task_fail(inv, task,
		    hostd_mo_virtualdiskmanager_fault(errno, name, cause));
		free(cause);
	} else if (eager) {
		hostd_mo_virtualdiskmanager_eager_start(inv, task, full, name,
		    req->r_session->s_user, 0, args.size, 1);
	} else {
		log_info("vdiskmanager: %s created %s (%s, %llu KB)",
		    req->r_session->s_user, name,
		    disk_format_name(args.format),
		    (unsigned long long)(args.size / 1024));
		hostd_task_succeed(inv, task, hostd_val_string(name));
	}
	free(task);
out:
	free(full);
	free(rel);
	return (0);
}

/*
 * The files of the disk at path: the descriptor and, for a text
 * descriptor, its extents (plain names beside it).  A NULL-terminated
 * array (hostd_mo_virtualdiskmanager_files_free), or -1 with errno
 * (EINVAL for an extent name that would leave the directory).
 */
static int
hostd_mo_virtualdiskmanager_files(const char *path, char ***out)
{
	char		**files, *text, *line, *next, *q, *e, *dir;
	const char	*slash;
	ssize_t		 n;
	size_t		 nf = 1;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	text = xmalloc(HOSTD_MO_VDM_DESC_MAX + 1);
	n = read(fd, text, HOSTD_MO_VDM_DESC_MAX);
	close(fd);
	if (n < 0) {
		free(text);
		return (-1);
	}
	text[n] = '\0';
	files = xcalloc(HOSTD_MO_VDM_EXTENTS + 2, sizeof *files);
	files[0] = xstrdup(path);
	if (strncmp(text, "# Disk DescriptorFile", 21) != 0) {
		/* A sparse extent with its descriptor inside, or raw. */
		free(text);
		*out = files;
		return (0);
	}
	slash = strrchr(path, '/');
	dir = xstrndup(path, slash != NULL ? (size_t)(slash - path) : 0);
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "RW ", 3) != 0 &&
		    strncmp(line, "RDONLY ", 7) != 0 &&
		    strncmp(line, "NOACCESS ", 9) != 0)
			continue;
		if ((q = strchr(line, '"')) == NULL ||
		    (e = strchr(q + 1, '"')) == NULL)
			continue;
		*e = '\0';
		q++;
		if (*q == '\0' || strchr(q, '/') != NULL ||
		    strcmp(q, ".") == 0 || strcmp(q, "..") == 0 ||
		    nf > HOSTD_MO_VDM_EXTENTS) {
			free(dir);
			free(text);
			hostd_mo_virtualdiskmanager_files_free(files);
			errno = EINVAL;
			return (-1);
		}
		xasprintf(&files[nf++], "%s/%s", dir, q);
	}
	free(dir);
	free(text);
	*out = files;
	return (0);
}

static void
hostd_mo_virtualdiskmanager_files_free(char **files)
{
	size_t	i;

	if (files == NULL)
		return;
	for (i = 0; files[i] != NULL; i++)
		free(files[i]);
	free(files);
}

/* Remove the disk at path, extents first.  0 or -1 with errno. */
static int
hostd_mo_virtualdiskmanager_remove(const char *path)
{
	char	**files;
	size_t	  i;
	int	  rc = 0, saved = 0;

	if (hostd_mo_virtualdiskmanager_files(path, &files) != 0)
		return (-1);
	for (i = 1; files[i] != NULL; i++) {
		if (unlink(files[i]) != 0 && errno != ENOENT) {
			saved = errno;
			rc = -1;
		}
	}
	if (unlink(files[0]) != 0) {
		saved = errno;
		rc = -1;
	}
	hostd_mo_virtualdiskmanager_files_free(files);
	errno = saved;
	return (rc);
}

static int
hostd_mo_virtualdiskmanager_delete(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*dc;
	struct stat		 st;
	const char		*name, *tid;
	char			*full, *rel = NULL, *task;

	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if ((dc = hostd_mo_virtualdiskmanager_dc(req, "datacenter")) == NULL)
		return (0);
	if ((full = hostd_dspath_req(req, name, "Datastore.AllocateSpace",
	    NULL, &rel)) == NULL)
		return (0);
	tid = hostd_task_create(inv, "DeleteVirtualDisk_Task",
	    "VirtualDiskManager.deleteVirtualDisk", dc,
	    req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if (lstat(full, &st) != 0)
		hostd_task_fail(inv, task, hostd_dspath_fault(errno, name, 1));
	else if (!S_ISREG(st.st_mode))
		hostd_task_fail(inv, task, hostd_dspath_fault(EISDIR, name, 1));
	else if (hostd_mo_virtualdiskmanager_remove(full) != 0)
		hostd_task_fail(inv, task, hostd_dspath_fault(errno == EINVAL ?
		    EINVAL : EBUSY, name, 1));
	else {
		log_info("vdiskmanager: %s deleted %s",
		    req->r_session->s_user, name);
		hostd_task_succeed(inv, task, NULL);
	}
	free(task);
	free(full);
	free(rel);
	return (0);
}

static int
hostd_mo_virtualdiskmanager_extend(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	const struct hostd_val	*v;
	struct hostd_mo		*dc;
	struct hostd_fault	*f = NULL;
	struct disk		*d;
	const char		*name, *tid;
	char			*full, *rel = NULL, *task, *cause = NULL;
	int64_t			 kb;
	int			 eager = 0;
	uint64_t		 old = 0;
	enum disk_prealloc	 pre;

	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if ((dc = hostd_mo_virtualdiskmanager_dc(req, "datacenter")) == NULL)
		return (0);
	if (hostd_val_get_int(hostd_val_field(req->r_params,
	    "newCapacityKb"), 1, INT64_MAX / 1024, &kb) != 0) {
		req->r_fault = hostd_fault_invalid_argument("newCapacityKb");
		return (0);
	}
	if ((v = hostd_val_field(req->r_params, "eagerZero")) != NULL &&
	    hostd_val_get_bool(v, &eager) != 0) {
		req->r_fault = hostd_fault_invalid_argument("eagerZero");
		return (0);
	}
	if ((full = hostd_dspath_req(req, name, "Datastore.AllocateSpace",
	    NULL, &rel)) == NULL)
		return (0);
	tid = hostd_task_create(inv, "ExtendVirtualDisk_Task",
	    "VirtualDiskManager.extendVirtualDisk", dc,
	    req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if ((d = disk_open(full, 0, &cause)) == NULL)
		f = hostd_mo_virtualdiskmanager_fault(errno, name, cause);
	else if ((uint64_t)kb * 1024 < disk_size(d)) {
		/* ESX cannot shrink a disk either. */
		f = hostd_fault_invalid_argument("newCapacityKb");
	} else {
		/* Eager zeros come after, from a job (see the top). */
		pre = disk_format(d) == DISK_FORMAT_VMDK_SPARSE ?
		    DISK_PREALLOC_NONE : DISK_PREALLOC_ZEROED;
		if (pre == DISK_PREALLOC_NONE)
			eager = 0;
		old = disk_size(d);
		if (disk_resize(d, (uint64_t)kb * 1024, pre, &cause) != 0)
			f = hostd_mo_virtualdiskmanager_fault(errno, name,
			    cause);
	}
	if (disk_close(d) != 0 && f == NULL)
		f = hostd_mo_virtualdiskmanager_fault(errno, name, NULL);
	free(cause);
	if (f != NULL)
		hostd_task_fail(inv, task, f);
	else if (eager && (uint64_t)kb * 1024 > old)
		hostd_mo_virtualdiskmanager_eager_start(inv, task, full, name,
		    req->r_session->s_user, old, (uint64_t)kb * 1024 - old, 0);
	else {
		log_info("vdiskmanager: %s extended %s to %lld KB",
		    req->r_session->s_user, name, (long long)kb);
		hostd_task_succeed(inv, task, NULL);
	}
	free(task);
	free(full);
	free(rel);
	return (0);
}

static int
hostd_mo_virtualdiskmanager_uuid(struct hostd_soap_req *req)
{
	struct disk_info	 info;
	struct disk		*d;
	const char		*name;
	char			*full, *cause = NULL;

	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if (hostd_mo_virtualdiskmanager_dc(req, "datacenter") == NULL)
		return (0);
	if ((full = hostd_dspath_req(req, name, "Datastore.Browse", NULL,
	    NULL)) == NULL)
		return (0);
	memset(&info, 0, sizeof info);
	if ((d = disk_open(full, DISK_OPEN_RDONLY, &cause)) == NULL ||
	    disk_info(d, &info, &cause) != 0)
		req->r_fault = hostd_mo_virtualdiskmanager_fault(errno, name,
		    cause);
	else if (info.uuid == NULL) {
		req->r_fault = hostd_fault_create("FileFault", "The disk %s "
		    "has no UUID", name);
		hostd_val_add_str(req->r_fault->f_obj, "file", name);
	} else
		req->r_result = hostd_val_string(info.uuid);
	disk_info_clear(&info);
	disk_close(d);
	free(cause);
	free(full);
	return (0);
}

static int
hostd_mo_virtualdiskmanager_copy(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo_virtualdiskmanager_copy	*vc;
	struct disk_create_args		 args;
	const struct hostd_val		*v, *spec;
	struct hostd_mo			*dc;
	struct stat			 st;
	const char			*sname, *dname, *tid;
	char				*src = NULL, *dst = NULL, *task;
	char				*cause = NULL;
	int				 force = 0, e;

	memset(&args, 0, sizeof args);
	sname = hostd_val_str(hostd_val_field(req->r_params, "sourceName"));
	dname = hostd_val_str(hostd_val_field(req->r_params, "destName"));
	if ((v = hostd_val_field(req->r_params, "force")) != NULL &&
	    hostd_val_get_bool(v, &force) != 0) {
		req->r_fault = hostd_fault_invalid_argument("force");
		return (0);
	}
	inv = hostd_soap_inventory(req->r_soap);
	if ((dc = hostd_mo_virtualdiskmanager_dc(req, "sourceDatacenter")) ==
	    NULL ||
	    hostd_mo_virtualdiskmanager_dc(req, "destDatacenter") == NULL)
		return (0);
	spec = hostd_val_field(req->r_params, "destSpec");
	if (spec != NULL && hostd_mo_virtualdiskmanager_spec(req, spec, 0,
	    &args) != 0)
		return (0);
	if ((src = hostd_dspath_req(req, sname, "Datastore.Browse", NULL,
	    NULL)) == NULL ||
	    (dst = hostd_dspath_req(req, dname, "Datastore.AllocateSpace",
	    NULL, NULL)) == NULL)
		goto out;

	tid = hostd_task_create(inv, "CopyVirtualDisk_Task",
	    "VirtualDiskManager.copyVirtualDisk", dc, req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	vc = xcalloc(1, sizeof *vc);
	vc->vc_srcname = xstrdup(sname);
	vc->vc_dstname = xstrdup(dname);
	if ((vc->vc_src = disk_open(src, DISK_OPEN_RDONLY, &cause)) == NULL) {
		hostd_task_fail(inv, task,
		    hostd_mo_virtualdiskmanager_fault(errno, sname, cause));
		goto fail;
	}
	if (lstat(dst, &st) == 0) {
		if (!force) {
			hostd_task_fail(inv, task, hostd_dspath_fault(EEXIST,
			    dname, 0));
			goto fail;
		}
		if (hostd_mo_virtualdiskmanager_remove(dst) != 0) {
			hostd_task_fail(inv, task, hostd_dspath_fault(errno,
			    dname, 1));
			goto fail;
		}
	}
	if (spec == NULL) {
		/* Keep the source's kind: sparse stays thin. */
		args.format = disk_format(vc->vc_src) == DISK_FORMAT_RAW ?
		    DISK_FORMAT_VMDK_SPARSE : disk_format(vc->vc_src);
		args.prealloc = args.format == DISK_FORMAT_VMDK_FLAT ?
		    DISK_PREALLOC_ZEROED : DISK_PREALLOC_NONE;
	}
	args.size = vc->vc_size = disk_size(vc->vc_src);
	if (disk_create(dst, &args, &cause) != 0) {
		hostd_task_fail(inv, task,
		    hostd_mo_virtualdiskmanager_fault(errno, dname, cause));
		goto fail;
	}
	vc->vc_dstpath = xstrdup(dst);
	if ((vc->vc_dst = disk_open(dst, 0, &cause)) == NULL) {
		e = errno;
		hostd_task_fail(inv, task,
		    hostd_mo_virtualdiskmanager_fault(e, dname, cause));
		goto fail;
	}
	vc->vc_buf = xmalloc(HOSTD_MO_VDM_BUF);
	log_info("vdiskmanager: %s copying %s to %s", req->r_session->s_user,
	    sname, dname);
	hostd_dsjob_start(inv, task, hostd_mo_virtualdiskmanager_step,
	    hostd_mo_virtualdiskmanager_copy_free, vc);
	free(task);
	goto out;
fail:
	free(cause);
	hostd_mo_virtualdiskmanager_copy_free(vc);
	free(task);
out:
	free(src);
	free(dst);
	return (0);
}

static int
hostd_mo_virtualdiskmanager_zero(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0)
			return (0);
	}
	return (1);
}

/* A bounded part of a disk copy (see dsjob.c). */
static int
hostd_mo_virtualdiskmanager_step(void *arg, int *pct, struct hostd_fault **f,
    struct hostd_val **result)
{
	struct hostd_mo_virtualdiskmanager_copy	*vc = arg;
	struct iovec			 iov;
	size_t				 n, off, piece;
	int				 i;

	for (i = 0; i < HOSTD_MO_VDM_STEP && vc->vc_at < vc->vc_size; i++) {
		n = HOSTD_MO_VDM_BUF;
		if (n > vc->vc_size - vc->vc_at)
			n = (size_t)(vc->vc_size - vc->vc_at);
		iov.iov_base = vc->vc_buf;
		iov.iov_len = n;
		if (disk_preadv(vc->vc_src, &iov, 1, vc->vc_at) == -1) {
			*f = hostd_mo_virtualdiskmanager_fault(errno,
			    vc->vc_srcname, NULL);
			return (-1);
		}
		/* The new disk reads as zeros: write only the rest. */
		for (off = 0; off < n; off += piece) {
			piece = n - off < HOSTD_MO_VDM_BLOCK ? n - off :
			    HOSTD_MO_VDM_BLOCK;
			if (hostd_mo_virtualdiskmanager_zero(vc->vc_buf + off,
			    piece))
				continue;
			iov.iov_base = vc->vc_buf + off;
			iov.iov_len = piece;
			if (disk_pwritev(vc->vc_dst, &iov, 1,
			    vc->vc_at + off) == -1) {
				*f = hostd_mo_virtualdiskmanager_fault(errno,
				    vc->vc_dstname, NULL);
				return (-1);
			}
		}
		vc->vc_at += n;
	}
	if (vc->vc_at < vc->vc_size) {
		*pct = (int)(vc->vc_at * 100 / vc->vc_size);
		return (1);
	}
	if (disk_flush(vc->vc_dst) != 0 || disk_close(vc->vc_dst) != 0) {
		vc->vc_dst = NULL;
		*f = hostd_mo_virtualdiskmanager_fault(errno,
		    vc->vc_dstname, NULL);
		return (-1);
	}
	vc->vc_dst = NULL;
	vc->vc_ok = 1;
	*result = NULL;
	return (0);
}

static void
hostd_mo_virtualdiskmanager_copy_free(void *arg)
{
	struct hostd_mo_virtualdiskmanager_copy	*vc = arg;

	disk_close(vc->vc_src);
	disk_close(vc->vc_dst);
	/* A failed copy leaves no half disk. */
	if (!vc->vc_ok && vc->vc_dstpath != NULL &&
	    hostd_mo_virtualdiskmanager_remove(vc->vc_dstpath) != 0 &&
	    errno != ENOENT)
		log_warn("vdiskmanager: removing %s", vc->vc_dstpath);
	free(vc->vc_dstpath);
	free(vc->vc_dstname);
	free(vc->vc_srcname);
	free(vc->vc_buf);
	free(vc);
}

/* Zeros over [off, off + len) of the disk at path, then the task ends. */
static void
hostd_mo_virtualdiskmanager_eager_start(struct hostd_inventory *inv,
    const char *task, const char *path, const char *name, const char *user,
    uint64_t off, uint64_t len, int create)
{
	struct hostd_mo_virtualdiskmanager_eager	*ve;
	struct hostd_dsjob_zero			*z;

	ve = xcalloc(1, sizeof *ve);
	ve->ve_path = create ? xstrdup(path) : NULL;
	ve->ve_name = xstrdup(name);
	ve->ve_user = xstrdup(user);
	ve->ve_create = create;
	xasprintf(&ve->ve_what, "%s %s to %llu KB", create ? "created" :
	    "extended", name, (unsigned long long)((off + len) / 1024));
	z = xcalloc(1, sizeof *z);
	z->dz_path = xstrdup(path);
	z->dz_off = off;
	z->dz_len = len;
	log_info("vdiskmanager: %s: writing the zeros of %s", user, name);
	hostd_dsjob_zero_start(inv, task, z, 1,
	    hostd_mo_virtualdiskmanager_zeroed,
	    hostd_mo_virtualdiskmanager_zeroed_free, ve);
}

static int
hostd_mo_virtualdiskmanager_zeroed(void *arg, struct hostd_fault **f,
    struct hostd_val **result)
{
	struct hostd_mo_virtualdiskmanager_eager	*ve = arg;

	if (*f != NULL)
		return (-1);
	log_info("vdiskmanager: %s %s (eagerZeroedThick)", ve->ve_user,
	    ve->ve_what);
	/* Kept: the disk is whole. */
	free(ve->ve_path);
	ve->ve_path = NULL;
	*result = ve->ve_create ? hostd_val_string(ve->ve_name) : NULL;
	return (0);
}

static void
hostd_mo_virtualdiskmanager_zeroed_free(void *arg)
{
	struct hostd_mo_virtualdiskmanager_eager	*ve = arg;

	/* A creation that did not end leaves no half disk. */
	if (ve->ve_path != NULL &&
	    hostd_mo_virtualdiskmanager_remove(ve->ve_path) != 0 &&
	    errno != ENOENT)
		log_warn("vdiskmanager: removing %s", ve->ve_path);
	free(ve->ve_path);
	free(ve->ve_name);
	free(ve->ve_user);
	free(ve->ve_what);
	free(ve);
}
