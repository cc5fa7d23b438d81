/* SPDX-License-Identifier: ISC */
/*
 * FileManager ha-nfc-file-manager (vi-api.md section 7.3): MakeDirectory,
 * DeleteDatastoreFile_Task, MoveDatastoreFile_Task and
 * CopyDatastoreFile_Task on datastore paths "[ds] dir/file".
 *
 * Every path goes through hostd_dspath_req, which keeps it inside its
 * datastore and checks Datastore.FileManagement there.  Trees are walked
 * without following symbolic links (a link is neither copied nor
 * followed; deleting a tree removes the link itself).  Copies run as a
 * dsjob, a bounded amount of I/O per loop turn, with progress; a move
 * within one file system is a rename, across file systems a copy and a
 * delete.  Task entity: the Datacenter (rule 14: never the manager).
 */

#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_FILEMANAGER_BUF	(1024 * 1024)
#define HOSTD_MO_FILEMANAGER_STEP	16	/* buffers per loop turn */
#define HOSTD_MO_FILEMANAGER_DEPTH	64
#define HOSTD_MO_FILEMANAGER_MAXENT	100000

/* One entry of a tree to copy. */
struct hostd_mo_filemanager_ent {
	char		*fe_src;
	char		*fe_dst;
	int		 fe_dir;
};

/* A copy (or a move across file systems) in progress. */
struct hostd_mo_filemanager_copy {
	struct hostd_mo_filemanager_ent	*fc_ents;
	size_t				 fc_n;
	size_t				 fc_i;
	int				 fc_in;
	int				 fc_out;
	uint64_t			 fc_total;
	uint64_t			 fc_done;
	char				*fc_srcpath;	/* to delete: move */
	char				*fc_srcname;	/* "[ds] a", faults */
	char				*fc_dstname;
	char				*fc_buf;
};

static int	hostd_mo_filemanager_mkdir(struct hostd_soap_req *);
static int	hostd_mo_filemanager_delete(struct hostd_soap_req *);
static int	hostd_mo_filemanager_move(struct hostd_soap_req *);
static int	hostd_mo_filemanager_copy(struct hostd_soap_req *);
static int	hostd_mo_filemanager_transfer(struct hostd_soap_req *, int);
static struct hostd_mo *hostd_mo_filemanager_dc(struct hostd_soap_req *,
		    const char *);
static int	hostd_mo_filemanager_walk(struct hostd_mo_filemanager_copy *,
		    const char *, const char *, int);
static int	hostd_mo_filemanager_step(void *, int *,
		    struct hostd_fault **, struct hostd_val **);
static void	hostd_mo_filemanager_copy_free(void *);
static int	hostd_mo_filemanager_rmtree(const char *, int);

static const struct hostd_soap_param hostd_mo_filemanager_mkdir_p[] = {
	{ "name", "string", 0 },
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "createParentDirectories", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_filemanager_delete_p[] = {
	{ "name", "string", 0 },
	{ "datacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_filemanager_xfer_p[] = {
	{ "sourceName", "string", 0 },
	{ "sourceDatacenter", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "destinationName", "string", 0 },
	{ "destinationDatacenter", "ManagedObjectReference",
	  HOSTD_SOAP_OPTIONAL },
	{ "force", "boolean", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

/* Privileges are checked on the datastores by the handlers. */
const struct hostd_soap_method hostd_mo_filemanager_methods[] = {
	{ "MakeDirectory", "FileManager", "System.View", 0,
	  hostd_mo_filemanager_mkdir, hostd_mo_filemanager_mkdir_p },
	{ "DeleteDatastoreFile_Task", "FileManager", "System.View", 0,
	  hostd_mo_filemanager_delete, hostd_mo_filemanager_delete_p },
	{ "MoveDatastoreFile_Task", "FileManager", "System.View", 0,
	  hostd_mo_filemanager_move, hostd_mo_filemanager_xfer_p },
	{ "CopyDatastoreFile_Task", "FileManager", "System.View", 0,
	  hostd_mo_filemanager_copy, hostd_mo_filemanager_xfer_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* The datacenter argument, which must be ha-datacenter when given. */
static struct hostd_mo *
hostd_mo_filemanager_dc(struct hostd_soap_req *req, const char *param)
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

static int
hostd_mo_filemanager_mkdir(struct hostd_soap_req *req)
{
	const char	*name;
	struct stat	 st;
	char		*full, *rel = NULL, *c;
	int		 parents = 0;

	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if (hostd_mo_filemanager_dc(req, "datacenter") == NULL)
		return (0);
	if (hostd_val_field(req->r_params, "createParentDirectories") !=
	    NULL && hostd_val_get_bool(hostd_val_field(req->r_params,
	    "createParentDirectories"), &parents) != 0) {
		req->r_fault = hostd_fault_invalid_argument(
		    "createParentDirectories");
		return (0);
	}
	if ((full = hostd_dspath_req(req, name, "Datastore.FileManagement",
	    NULL, &rel)) == NULL)
		return (0);
	if (*rel == '\0' || lstat(full, &st) == 0) {
		req->r_fault = hostd_dspath_fault(EEXIST, name, 0);
		goto out;
	}
	if (parents) {
		/* Each missing parent; resolve has refused links on the way. */
		for (c = full + strlen(full) - strlen(rel); *c != '\0'; c++) {
			if (*c != '/')
				continue;
			*c = '\0';
			if (mkdir(full, 0755) != 0 && errno != EEXIST) {
				req->r_fault = hostd_dspath_fault(errno, name,
				    0);
				goto out;
			}
			*c = '/';
		}
	}
	if (mkdir(full, 0755) != 0)
		req->r_fault = hostd_dspath_fault(errno, name, 0);
	else
		log_info("filemanager: %s made %s", req->r_session->s_user,
		    name);
out:
	free(full);
	free(rel);
	return (0);
}

static int
hostd_mo_filemanager_rmtree(const char *path, int depth)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		*sub;
	int		 rc = 0, saved;

	if (lstat(path, &st) != 0)
		return (-1);
	if (!S_ISDIR(st.st_mode))
		return (unlink(path));
	if (depth > HOSTD_MO_FILEMANAGER_DEPTH) {
		errno = ELOOP;
		return (-1);
	}
	if ((d = opendir(path)) == NULL)
		return (-1);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&sub, "%s/%s", path, de->d_name);
		rc = hostd_mo_filemanager_rmtree(sub, depth + 1);
		free(sub);
	}
	saved = errno;
	closedir(d);
	if (rc != 0) {
		errno = saved;
		return (-1);
	}
	return (rmdir(path));
}

static int
hostd_mo_filemanager_delete(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*dc;
	struct hostd_fault	*f = NULL;
	const char		*name, *tid;
	char			*full, *rel = NULL, *task;
	struct stat		 st;

	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	if ((dc = hostd_mo_filemanager_dc(req, "datacenter")) == NULL)
		return (0);
	if ((full = hostd_dspath_req(req, name, "Datastore.FileManagement",
	    NULL, &rel)) == NULL)
		return (0);
	tid = hostd_task_create(inv, "DeleteDatastoreFile_Task",
	    "FileManager.deleteFile", dc, req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	hostd_task_start(inv, task);
	if (*rel == '\0')
		f = hostd_dspath_fault(EBUSY, name, 1);
	else if (lstat(full, &st) != 0)
		f = hostd_dspath_fault(errno, name, 1);
	else if (hostd_mo_filemanager_rmtree(full, 0) != 0)
		f = hostd_dspath_fault(errno == ENOENT ? EBUSY : errno, name,
		    1);
	if (f != NULL)
		hostd_task_fail(inv, task, f);
	else {
		log_info("filemanager: %s deleted %s", req->r_session->s_user,
		    name);
		hostd_task_succeed(inv, task, NULL);
	}
	free(task);
	free(full);
	free(rel);
	return (0);
}

static int
hostd_mo_filemanager_move(struct hostd_soap_req *req)
{
	return (hostd_mo_filemanager_transfer(req, 1));
}

static int
hostd_mo_filemanager_copy(struct hostd_soap_req *req)
{
	return (hostd_mo_filemanager_transfer(req, 0));
}

/* Move (move 1) or copy sourceName to destinationName. */
static int
hostd_mo_filemanager_transfer(struct hostd_soap_req *req, int move)
{
	struct hostd_inventory			*inv;
	struct hostd_mo_filemanager_copy	*fc;
	struct hostd_mo				*dc;
	struct hostd_fault			*f = NULL;
	const struct hostd_val			*v;
	const char				*sname, *dname, *tid;
	char					*src = NULL, *dst = NULL;
	char					*srel = NULL, *drel = NULL;
	char					*task;
	struct stat				 st;
	int					 force = 0;

	inv = hostd_soap_inventory(req->r_soap);
	sname = hostd_val_str(hostd_val_field(req->r_params, "sourceName"));
	dname = hostd_val_str(hostd_val_field(req->r_params,
	    "destinationName"));
	if ((v = hostd_val_field(req->r_params, "force")) != NULL &&
	    hostd_val_get_bool(v, &force) != 0) {
		req->r_fault = hostd_fault_invalid_argument("force");
		return (0);
	}
	if ((dc = hostd_mo_filemanager_dc(req, "sourceDatacenter")) == NULL ||
	    hostd_mo_filemanager_dc(req, "destinationDatacenter") == NULL)
		return (0);
	if ((src = hostd_dspath_req(req, sname, "Datastore.FileManagement",
	    NULL, &srel)) == NULL ||
	    (dst = hostd_dspath_req(req, dname, "Datastore.FileManagement",
	    NULL, &drel)) == NULL)
		goto out;

	tid = hostd_task_create(inv, move ? "MoveDatastoreFile_Task" :
	    "CopyDatastoreFile_Task", move ? "FileManager.moveFile" :
	    "FileManager.copyFile", dc, req->r_session->s_user);
	task = xstrdup(tid);
	req->r_result = hostd_val_moref("Task", task);
	if (*srel == '\0' || *drel == '\0')
		f = hostd_dspath_fault(EINVAL, *srel == '\0' ? sname : dname,
		    0);
	else if (lstat(src, &st) != 0)
		f = hostd_dspath_fault(errno, sname, 0);
	else if (lstat(dst, &st) == 0 && !force)
		f = hostd_dspath_fault(EEXIST, dname, 0);
	else if (lstat(dst, &st) == 0 &&
	    hostd_mo_filemanager_rmtree(dst, 0) != 0)
		f = hostd_dspath_fault(errno, dname, 0);
	else if (move && rename(src, dst) == 0) {
		log_info("filemanager: %s moved %s to %s",
		    req->r_session->s_user, sname, dname);
		hostd_task_succeed(inv, task, NULL);
		goto done;
	} else if (move && errno != EXDEV)
		f = hostd_dspath_fault(errno, sname, 0);
	if (f != NULL) {
		hostd_task_fail(inv, task, f);
		goto done;
	}

	fc = xcalloc(1, sizeof *fc);
	fc->fc_in = fc->fc_out = -1;
	fc->fc_srcname = xstrdup(sname);
	fc->fc_dstname = xstrdup(dname);
	if (move)
		fc->fc_srcpath = xstrdup(src);
	if (hostd_mo_filemanager_walk(fc, src, dst, 0) != 0) {
		hostd_task_fail(inv, task, hostd_dspath_fault(errno, sname,
		    0));
		hostd_mo_filemanager_copy_free(fc);
		goto done;
	}
	fc->fc_buf = xmalloc(HOSTD_MO_FILEMANAGER_BUF);
	log_info("filemanager: %s %s %s to %s (%zu entries)",
	    req->r_session->s_user, move ? "moving" : "copying", sname, dname,
	    fc->fc_n);
	hostd_dsjob_start(inv, task, hostd_mo_filemanager_step,
	    hostd_mo_filemanager_copy_free, fc);
done:
	free(task);
out:
	free(src);
	free(dst);
	free(srel);
	free(drel);
	return (0);
}

/* List src (a file or a tree; links are skipped) as entries to dst. */
static int
hostd_mo_filemanager_walk(struct hostd_mo_filemanager_copy *fc,
    const char *src, const char *dst, int depth)
{
	struct hostd_mo_filemanager_ent	*e;
	struct stat			 st;
	struct dirent			*de;
	DIR				*d;
	char				*s, *t;
	int				 rc = 0, saved;

	if (lstat(src, &st) != 0)
		return (-1);
	if (S_ISLNK(st.st_mode) || (!S_ISDIR(st.st_mode) &&
	    !S_ISREG(st.st_mode)))
		return (0);
	if (depth > HOSTD_MO_FILEMANAGER_DEPTH ||
	    fc->fc_n >= HOSTD_MO_FILEMANAGER_MAXENT) {
		errno = ELOOP;
		return (-1);
	}
	fc->fc_ents = xreallocarray(fc->fc_ents, fc->fc_n + 1,
	    sizeof *fc->fc_ents);
	e = &fc->fc_ents[fc->fc_n++];
	e->fe_src = xstrdup(src);
	e->fe_dst = xstrdup(dst);
	e->fe_dir = S_ISDIR(st.st_mode);
	if (!e->fe_dir) {
		fc->fc_total += (uint64_t)st.st_size;
		return (0);
	}
	if ((d = opendir(src)) == NULL)
		return (-1);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&s, "%s/%s", src, de->d_name);
		xasprintf(&t, "%s/%s", dst, de->d_name);
		rc = hostd_mo_filemanager_walk(fc, s, t, depth + 1);
		free(s);
		free(t);
	}
	saved = errno;
	closedir(d);
	errno = saved;
	return (rc);
}

/* A bounded part of the copy (see dsjob.c). */
static int
hostd_mo_filemanager_step(void *arg, int *pct, struct hostd_fault **f,
    struct hostd_val **result)
{
	struct hostd_mo_filemanager_copy	*fc = arg;
	struct hostd_mo_filemanager_ent		*e;
	ssize_t					 n, w, off;
	int					 i;

	(void)result;
	for (i = 0; i < HOSTD_MO_FILEMANAGER_STEP; i++) {
		if (fc->fc_in == -1) {
			if (fc->fc_i == fc->fc_n)
				break;
			e = &fc->fc_ents[fc->fc_i];
			if (e->fe_dir) {
				if (mkdir(e->fe_dst, 0755) != 0)
					goto fail_dst;
				fc->fc_i++;
				continue;
			}
			if ((fc->fc_in = open(e->fe_src, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC)) == -1) {
				*f = hostd_dspath_fault(errno, fc->fc_srcname,
				    0);
				return (-1);
			}
			if ((fc->fc_out = open(e->fe_dst, O_WRONLY | O_CREAT |
			    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) == -1)
				goto fail_dst;
		}
		e = &fc->fc_ents[fc->fc_i];
		if ((n = read(fc->fc_in, fc->fc_buf,
		    HOSTD_MO_FILEMANAGER_BUF)) == -1) {
			*f = hostd_dspath_fault(errno, fc->fc_srcname, 0);
			return (-1);
		}
		for (off = 0; off < n; off += w) {
			if ((w = write(fc->fc_out, fc->fc_buf + off,
			    (size_t)(n - off))) == -1)
				goto fail_dst;
		}
		fc->fc_done += (uint64_t)n;
		if (n == 0) {
			close(fc->fc_in);
			fc->fc_in = -1;
			if (close(fc->fc_out) != 0) {
				fc->fc_out = -1;
				goto fail_dst;
			}
			fc->fc_out = -1;
			fc->fc_i++;
		}
	}
	if (fc->fc_i < fc->fc_n) {
		*pct = fc->fc_total == 0 ? 0 :
		    (int)(fc->fc_done * 100 / fc->fc_total);
		return (1);
	}
	/* A move across file systems ends by deleting the source. */
	if (fc->fc_srcpath != NULL &&
	    hostd_mo_filemanager_rmtree(fc->fc_srcpath, 0) != 0) {
		*f = hostd_dspath_fault(errno, fc->fc_srcname, 1);
		return (-1);
	}
	return (0);

fail_dst:
	*f = hostd_dspath_fault(errno, fc->fc_dstname, 0);
	return (-1);
}

static void
hostd_mo_filemanager_copy_free(void *arg)
{
	struct hostd_mo_filemanager_copy	*fc = arg;
	size_t					 i;

	if (fc->fc_in != -1)
		close(fc->fc_in);
	if (fc->fc_out != -1)
		close(fc->fc_out);
	for (i = 0; i < fc->fc_n; i++) {
		free(fc->fc_ents[i].fe_src);
		free(fc->fc_ents[i].fe_dst);
	}
	free(fc->fc_ents);
	free(fc->fc_srcpath);
	free(fc->fc_srcname);
	free(fc->fc_dstname);
	free(fc->fc_buf);
	free(fc);
}
