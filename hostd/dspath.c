/* SPDX-License-Identifier: ISC */
/*
 * Datastore paths (vi-api.md §7.2): "[datastore1] dir/file.vmdk" split
 * into the datastore name and a relative path, and that relative path
 * turned into a file of the datastore's directory.  Every manager that
 * takes a path (FileManager, VirtualDiskManager, HostDatastoreBrowser,
 * CreateVM_Task, RegisterVM_Task) and /folder go through here, so one set
 * of rules keeps them inside the datastore.
 *
 * Invariants: a relative path accepted here has no empty, "." or ".."
 * component, no leading "/", no backslash, no control byte; a resolved
 * path is the datastore directory joined with it, after every existing
 * component was checked with lstat not to be a symbolic link (a link
 * planted in a datastore must not lead out of it).  Callers that open the
 * file use hostd_dspath_open, which walks component by component with
 * openat(O_NOFOLLOW) so a link swapped in after the check is refused too.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostd.h"
#include "xmalloc.h"

int
hostd_dspath_rel_ok(const char *p)
{
	const char	*c;
	size_t		 n;

	if (*p == '/')
		return (0);
	for (c = p; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
			return (0);
	}
	for (c = p; *c != '\0'; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return (0);
	}
	return (1);
}

int
hostd_dspath_parse(const char *s, char **ds, char **rel)
{
	const char	*end, *p;
	char		*r;
	size_t		 len;

	*ds = *rel = NULL;
	if (s == NULL || s[0] != '[' || (end = strchr(s, ']')) == NULL ||
	    end == s + 1 || memchr(s + 1, '[', end - s - 1) != NULL) {
		errno = EINVAL;
		return (-1);
	}
	p = end + 1;
	while (*p == ' ')
		p++;
	/* Clients send "[ds] dir/" for a directory: drop the slashes. */
	r = xstrdup(p);
	len = strlen(r);
	while (len > 0 && r[len - 1] == '/')
		r[--len] = '\0';
	if (!hostd_dspath_rel_ok(r)) {
		free(r);
		errno = EINVAL;
		return (-1);
	}
	*ds = xstrndup(s + 1, end - s - 1);
	*rel = r;
	return (0);
}

struct hostd_mo *
hostd_dspath_datastore(struct hostd_inventory *inv, const char *name)
{
	struct hostd_mo			*mo;
	struct hostd_mo_datastore	*ds;

	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "Datastore") != 0 ||
		    (ds = mo->mo_data) == NULL)
			continue;
		if (strcmp(ds->ds_name, name) == 0)
			return (mo);
	}
	return (NULL);
}

char *
hostd_dspath_join(const struct hostd_mo_datastore *ds, const char *rel)
{
	char	*full;

	if (*rel == '\0')
		return (xstrdup(ds->ds_path));
	xasprintf(&full, "%s/%s", ds->ds_path, rel);
	return (full);
}

char *
hostd_dspath_resolve(struct hostd_inventory *inv, const char *dspath,
    struct hostd_mo **dsmo, char **relp)
{
	struct hostd_mo			*mo;
	struct hostd_mo_datastore	*ds;
	struct stat			 st;
	char				*name, *rel, *full, *c;

	if (dsmo != NULL)
		*dsmo = NULL;
	if (relp != NULL)
		*relp = NULL;
	if (hostd_dspath_parse(dspath, &name, &rel) != 0)
		return (NULL);
	mo = hostd_dspath_datastore(inv, name);
	free(name);
	if (mo == NULL) {
		free(rel);
		errno = ENXIO;
		return (NULL);
	}
	ds = mo->mo_data;
	full = hostd_dspath_join(ds, rel);
	/* Each existing component below the datastore: no link. */
	for (c = full + strlen(ds->ds_path); *c != '\0'; c++) {
		if (*c != '/' || c == full + strlen(ds->ds_path))
			continue;
		*c = '\0';
		if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
			free(full);
			free(rel);
			errno = ELOOP;
			return (NULL);
		}
		*c = '/';
	}
	if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
		free(full);
		free(rel);
		errno = ELOOP;
		return (NULL);
	}
	if (dsmo != NULL)
		*dsmo = mo;
	if (relp != NULL)
		*relp = rel;
	else
		free(rel);
	return (full);
}

int
hostd_dspath_open(const struct hostd_mo_datastore *ds, const char *rel,
    int flags, unsigned int mode)
{
	const char	*c;
	char		*part;
	size_t		 n;
	int		 dfd, fd, saved;

	if (!hostd_dspath_rel_ok(rel)) {
		errno = EINVAL;
		return (-1);
	}
	if ((dfd = open(ds->ds_path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return (-1);
	if (*rel == '\0') {
		if ((flags & O_ACCMODE) == O_RDONLY && (flags & O_CREAT) == 0)
			return (dfd);
		close(dfd);
		errno = EISDIR;
		return (-1);
	}
	for (c = rel;; c += n + 1) {
		n = strcspn(c, "/");
		part = xstrndup(c, n);
		if (c[n] == '\0') {
			fd = openat(dfd, part, flags | O_NOFOLLOW | O_CLOEXEC,
			    mode);
			saved = errno;
			free(part);
			close(dfd);
			errno = saved;
			return (fd);
		}
		fd = openat(dfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		saved = errno;
		free(part);
		close(dfd);
		if (fd == -1) {
			errno = saved;
			return (-1);
		}
		dfd = fd;
	}
}

struct hostd_fault *
hostd_dspath_fault(int error, const char *dspath, int deleting)
{
	struct hostd_fault	*f;

	switch (error) {
	case ENOENT:
	case ENOTDIR:
		f = hostd_fault_create("FileNotFound", "File %s was not found",
		    dspath);
		hostd_val_add_str(f->f_obj, "file", dspath);
		return (f);
	case EEXIST:
	case ENOTEMPTY:
		f = hostd_fault_create("FileAlreadyExists", "Cannot complete "
		    "the operation because the file or folder %s already "
		    "exists", dspath);
		hostd_val_add_str(f->f_obj, "file", dspath);
		return (f);
	case ENXIO:
		f = hostd_fault_create("InvalidDatastore", "Invalid "
		    "datastore path '%s'.", dspath);
		hostd_val_add_str(f->f_obj, "name", dspath);
		return (f);
	case EINVAL:
	case ELOOP:
		f = hostd_fault_create("InvalidDatastorePath", "Invalid "
		    "datastore path '%s'.", dspath);
		hostd_val_add_str(f->f_obj, "datastorePath", dspath);
		return (f);
	case EACCES:
	case EPERM:
	case EBUSY:
	case EISDIR:
		if (!deleting) {
			f = hostd_fault_create("FileFault", "Cannot access "
			    "file %s", dspath);
			hostd_val_add_str(f->f_obj, "file", dspath);
			return (f);
		}
		f = hostd_fault_create("CannotDeleteFile", "Cannot delete "
		    "file %s", dspath);
		hostd_val_add_str(f->f_obj, "file", dspath);
		return (f);
	case ENOSPC:
		f = hostd_fault_create("NoDiskSpace", "There is not enough "
		    "space on the file system for the selected operation.");
		hostd_val_add_str(f->f_obj, "file", dspath);
		hostd_val_add_str(f->f_obj, "datastore", dspath);
		return (f);
	default:
		return (hostd_fault_system_error(strerror(error)));
	}
}

char *
hostd_dspath_req(struct hostd_soap_req *req, const char *dspath,
    const char *priv, struct hostd_mo **dsmo, char **rel)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	struct hostd_mo		*mo;
	char			*full;

	if (dspath == NULL) {
		req->r_fault = hostd_fault_invalid_argument("name");
		return (NULL);
	}
	if ((full = hostd_dspath_resolve(inv, dspath, &mo, rel)) == NULL) {
		req->r_fault = hostd_dspath_fault(errno, dspath, 0);
		return (NULL);
	}
	if (priv != NULL && hostd_authz_req_check(req, mo, priv) != 0) {
		free(full);
		if (rel != NULL) {
			free(*rel);
			*rel = NULL;
		}
		return (NULL);
	}
	if (dsmo != NULL)
		*dsmo = mo;
	return (full);
}
