/* SPDX-License-Identifier: ISC */
/*
 * The disk layer's front: disk_open detects the format from the first
 * bytes of the file and dispatches through an explicit table of format
 * ops (disk-vmdk.c before disk-raw.c, which takes anything), checks every
 * request against the disk's size and read-only flag before a backend
 * sees it, and serialises backends that are not safe to call concurrently
 * on the disk's mutex.  Also the iovec and full-transfer helpers the
 * backends share.
 *
 * Invariant: a backend is only called with a request that lies wholly
 * inside [0, d_size) and, for writes, on a writable disk.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "disk-int.h"

/* Bytes read to detect the format. */
#define DISK_PROBE_LEN	64
/* disk_zero_range: one zero buffer, repeated in a vector of this many. */
#define DISK_ZERO_BUF	(1024 * 1024)
#define DISK_ZERO_IOV	16

/* Formats in probe order; raw accepts anything, so it comes last. */
static const struct disk_ops *const disk_formats[] = {
	&disk_vmdk_ops,
	&disk_raw_ops
};

/* A walk over the part [iw_off, iw_off + iw_len) of a vector. */
struct disk_iov_walk {
	const struct iovec	*iw_iov;
	int			 iw_cnt;	/* entries in iw_iov */
	int			 iw_i;		/* next entry to look at */
	size_t			 iw_off;	/* bytes still to skip */
	size_t			 iw_len;	/* bytes still to visit */
};

static int	disk_check_range(const struct disk *, uint64_t, uint64_t);
static void	disk_lock(struct disk *);
static void	disk_unlock(struct disk *);
static ssize_t	disk_io(struct disk *, const struct iovec *, int, uint64_t,
		    int);
static size_t	disk_iov_next(struct disk_iov_walk *, uint8_t **);
static ssize_t	disk_full_io(int, const struct iovec *, int, off_t, int);

int
disk_open_file(const char *path, int flags)
{
	int	mode;

	mode = (flags & DISK_OPEN_RDONLY) ? O_RDONLY : O_RDWR;
	return (open(path, mode | O_CLOEXEC));
}

struct disk *
disk_open(const char *path, int flags, char **cause)
{
	return (disk_open_chain(path, flags & DISK_OPEN_RDONLY, 0, cause));
}

struct disk *
disk_open_chain(const char *path, int flags, unsigned int depth,
    char **cause)
{
	struct disk		*d;
	uint8_t			 head[DISK_PROBE_LEN];
	ssize_t			 n;
	size_t			 i;
	int			 fd, saved;

	if (cause != NULL)
		*cause = NULL;
	if ((fd = disk_open_file(path, flags)) == -1) {
		saved = errno;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (NULL);
	}
	do
		n = pread(fd, head, sizeof head, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		saved = errno;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
		close(fd);
		errno = saved;
		return (NULL);
	}

	d = xcalloc(1, sizeof *d);
	d->d_path = xstrdup(path);
	d->d_flags = flags;
	d->d_depth = depth;
	pthread_mutex_init(&d->d_lock, NULL);
	for (i = 0; i < sizeof disk_formats / sizeof disk_formats[0]; i++) {
		if (disk_formats[i]->probe(head, (size_t)n))
			break;
	}
	d->d_ops = disk_formats[i];
	if (d->d_ops->open(d, fd, cause) == -1) {
		saved = errno;
		close(fd);
		pthread_mutex_destroy(&d->d_lock);
		free(d->d_path);
		free(d);
		errno = saved;
		return (NULL);
	}
	return (d);
}

int
disk_close(struct disk *d)
{
	int	rc;

	if (d == NULL)
		return (0);
	rc = d->d_ops->close(d);
	pthread_mutex_destroy(&d->d_lock);
	free(d->d_path);
	free(d);
	return (rc);
}

uint64_t
disk_size(const struct disk *d)
{
	return (d->d_size);
}

unsigned int
disk_sector_size(const struct disk *d)
{
	return (DISK_SECTOR_SIZE);
}

enum disk_format
disk_format(const struct disk *d)
{
	return (d->d_format);
}

int
disk_is_readonly(const struct disk *d)
{
	return ((d->d_flags & DISK_OPEN_RDONLY) != 0);
}

int
disk_can_discard(const struct disk *d)
{
	return (!disk_is_readonly(d) && d->d_can_discard);
}

size_t
disk_id(const struct disk *d, char id[DISK_ID_MAX])
{
	memcpy(id, d->d_id, DISK_ID_MAX);
	return (d->d_idlen);
}

const char *
disk_format_name(enum disk_format f)
{
	switch (f) {
	case DISK_FORMAT_RAW:
		return ("raw");
	case DISK_FORMAT_VMDK_FLAT:
		return ("monolithicFlat");
	case DISK_FORMAT_VMDK_SPARSE:
		return ("monolithicSparse");
	}
	return ("unknown");
}

/* 0 if [off, off + len) is inside the disk, else -1 with EINVAL. */
static int
disk_check_range(const struct disk *d, uint64_t off, uint64_t len)
{
	if (off > d->d_size || len > d->d_size - off) {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

static void
disk_lock(struct disk *d)
{
	if (!d->d_ops->concurrent)
		pthread_mutex_lock(&d->d_lock);
}

static void
disk_unlock(struct disk *d)
{
	if (!d->d_ops->concurrent)
		pthread_mutex_unlock(&d->d_lock);
}

ssize_t
disk_preadv(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	return (disk_io(d, iov, iovcnt, off, 0));
}

ssize_t
disk_pwritev(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	return (disk_io(d, iov, iovcnt, off, 1));
}

/* A request checked against the disk, then handed to its backend. */
static ssize_t
disk_io(struct disk *d, const struct iovec *iov, int iovcnt, uint64_t off,
    int write)
{
	size_t	len;
	ssize_t	n;

	if (write && disk_is_readonly(d)) {
		errno = EROFS;
		return (-1);
	}
	if (iovcnt < 0 || iovcnt > IOV_MAX) {
		errno = EINVAL;
		return (-1);
	}
	len = disk_iov_len(iov, iovcnt);
	if (len > SSIZE_MAX || disk_check_range(d, off, len) == -1) {
		errno = EINVAL;
		return (-1);
	}
	if (len == 0)
		return (0);
	disk_lock(d);
	if (write)
		n = d->d_ops->pwritev(d, iov, iovcnt, off);
	else
		n = d->d_ops->preadv(d, iov, iovcnt, off);
	disk_unlock(d);
	return (n);
}

int
disk_flush(struct disk *d)
{
	int	rc;

	if (disk_is_readonly(d))
		return (0);
	disk_lock(d);
	rc = d->d_ops->flush(d);
	disk_unlock(d);
	return (rc);
}

int
disk_discard(struct disk *d, uint64_t off, uint64_t len)
{
	int	rc;

	if (disk_is_readonly(d)) {
		errno = EROFS;
		return (-1);
	}
	if (disk_check_range(d, off, len) == -1)
		return (-1);
	if (!d->d_can_discard) {
		errno = EOPNOTSUPP;
		return (-1);
	}
	if (len == 0)
		return (0);
	disk_lock(d);
	rc = d->d_ops->discard(d, off, len);
	disk_unlock(d);
	return (rc);
}

int
disk_zero_range(struct disk *d, uint64_t off, uint64_t len, char **cause)
{
	struct iovec	 iov[DISK_ZERO_IOV];
	uint8_t		*zero;
	uint64_t	 left, n;
	int		 i, saved;

	if (cause != NULL)
		*cause = NULL;
	if (disk_is_readonly(d) || disk_check_range(d, off, len) == -1) {
		saved = disk_is_readonly(d) ? EROFS : EINVAL;
		if (cause != NULL)
			xasprintf(cause, "%s: cannot write zeros at %llu+%llu: "
			    "%s", d->d_path, (unsigned long long)off,
			    (unsigned long long)len, strerror(saved));
		errno = saved;
		return (-1);
	}
	/* One buffer in every entry: a big write without a big buffer. */
	zero = xcalloc(1, DISK_ZERO_BUF);
	while (len > 0) {
		left = len;
		for (i = 0; i < DISK_ZERO_IOV && left > 0; i++) {
			n = left < DISK_ZERO_BUF ? left : DISK_ZERO_BUF;
			iov[i].iov_base = zero;
			iov[i].iov_len = (size_t)n;
			left -= n;
		}
		if (disk_pwritev(d, iov, i, off) == -1) {
			saved = errno;
			if (cause != NULL)
				xasprintf(cause, "%s: writing zeros at %llu: "
				    "%s", d->d_path, (unsigned long long)off,
				    strerror(saved));
			free(zero);
			errno = saved;
			return (-1);
		}
		off += len - left;
		len = left;
	}
	free(zero);
	return (0);
}

int
disk_resize(struct disk *d, uint64_t newsize, enum disk_prealloc prealloc,
    char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	if (disk_is_readonly(d)) {
		if (cause != NULL)
			xasprintf(cause, "%s: opened read-only", d->d_path);
		errno = EROFS;
		return (-1);
	}
	if (newsize % DISK_SECTOR_SIZE != 0 || newsize < d->d_size ||
	    newsize > INT64_MAX) {
		if (cause != NULL)
			xasprintf(cause, "%s: new size %llu is smaller than "
			    "the disk or not a multiple of %d bytes",
			    d->d_path, (unsigned long long)newsize,
			    DISK_SECTOR_SIZE);
		errno = EINVAL;
		return (-1);
	}
	if (newsize == d->d_size)
		return (0);
	return (d->d_ops->resize(d, newsize, prealloc, cause));
}

int
disk_info(struct disk *d, struct disk_info *info, char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	memset(info, 0, sizeof *info);
	info->format = d->d_format;
	info->size = d->d_size;
	info->parent_cid = DISK_VMDK_NO_PARENT;
	info->extents = 1;
	return (d->d_ops->info(d, info, cause));
}

void
disk_info_clear(struct disk_info *info)
{
	free(info->create_type);
	free(info->adapter);
	free(info->uuid);
	free(info->parent);
	memset(info, 0, sizeof *info);
}

int
disk_create(const char *path, const struct disk_create_args *args,
    char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	/* A delta takes its size from the parent when none is given. */
	if ((args->size == 0 && args->parent == NULL) ||
	    args->size % DISK_SECTOR_SIZE != 0 || args->size > INT64_MAX) {
		if (cause != NULL)
			xasprintf(cause, "%s: size %llu is zero or not a "
			    "multiple of %d bytes", path,
			    (unsigned long long)args->size, DISK_SECTOR_SIZE);
		errno = EINVAL;
		return (-1);
	}
	if (args->format == DISK_FORMAT_RAW && args->parent == NULL)
		return (disk_raw_ops.create(path, args, cause));
	return (disk_vmdk_ops.create(path, args, cause));
}

/* Delta chains are a VMDK matter; these only reset *cause and forward. */

int
disk_parent(const char *path, char **parent, char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	*parent = NULL;
	return (disk_vmdk_parent(path, parent, cause));
}

int
disk_commit(const char *path, char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	return (disk_vmdk_commit(path, cause));
}

int
disk_set_parent(const char *path, const char *parent, char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	return (disk_vmdk_set_parent(path, parent, cause));
}

int
disk_snapshot(struct disk *d, const char *path, char **cause)
{
	int	rc;

	if (cause != NULL)
		*cause = NULL;
	if (disk_is_readonly(d)) {
		if (cause != NULL)
			xasprintf(cause, "%s: opened read-only", d->d_path);
		errno = EROFS;
		return (-1);
	}
	if (d->d_ops != &disk_vmdk_ops) {
		if (cause != NULL)
			xasprintf(cause, "%s: only VMDK disks can have "
			    "snapshots; convert it with vmkfstools -i",
			    d->d_path);
		errno = ENOTSUP;
		return (-1);
	}
	/* The VMDK backend is serialised on d_lock: no I/O runs meanwhile. */
	pthread_mutex_lock(&d->d_lock);
	rc = disk_vmdk_snapshot(d, path, cause);
	pthread_mutex_unlock(&d->d_lock);
	return (rc);
}

void
disk_id_from_fd(struct disk *d, int fd)
{
	struct stat	sb;
	char		buf[64];
	int		n;

	memset(d->d_id, 0, sizeof d->d_id);
	d->d_idlen = 0;
	if (fstat(fd, &sb) == -1)
		return;
	n = snprintf(buf, sizeof buf, "VR%llx-%llx",
	    (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino);
	if (n < 0)
		return;
	d->d_idlen = (size_t)n < DISK_ID_MAX ? (size_t)n : DISK_ID_MAX;
	memcpy(d->d_id, buf, d->d_idlen);
}

size_t
disk_iov_len(const struct iovec *iov, int iovcnt)
{
	size_t	total = 0;
	int	i;

	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > SIZE_MAX - total)
			return (SIZE_MAX);
		total += iov[i].iov_len;
	}
	return (total);
}

/*
 * The next piece of the part of the vector w walks: its address in
 * *basep and its length, or 0 when the part is done.  Entries before the
 * part and empty ones are skipped.
 */
static size_t
disk_iov_next(struct disk_iov_walk *w, uint8_t **basep)
{
	const struct iovec	*v;
	size_t			 take;

	for (; w->iw_i < w->iw_cnt && w->iw_len > 0; w->iw_i++) {
		v = &w->iw_iov[w->iw_i];
		if (w->iw_off >= v->iov_len) {
			w->iw_off -= v->iov_len;
			continue;
		}
		take = v->iov_len - w->iw_off;
		if (take > w->iw_len)
			take = w->iw_len;
		*basep = (uint8_t *)v->iov_base + w->iw_off;
		w->iw_len -= take;
		w->iw_off = 0;
		w->iw_i++;
		return (take);
	}
	return (0);
}

int
disk_iov_slice(const struct iovec *iov, int iovcnt, size_t off, size_t len,
    struct iovec *out)
{
	struct disk_iov_walk	 w = { iov, iovcnt, 0, off, len };
	uint8_t			*base;
	size_t			 take;
	int			 n = 0;

	while ((take = disk_iov_next(&w, &base)) > 0) {
		out[n].iov_base = base;
		out[n].iov_len = take;
		n++;
	}
	return (n);
}

void
disk_iov_zero(const struct iovec *iov, int iovcnt, size_t off, size_t len)
{
	struct disk_iov_walk	 w = { iov, iovcnt, 0, off, len };
	uint8_t			*base;
	size_t			 take;

	while ((take = disk_iov_next(&w, &base)) > 0)
		memset(base, 0, take);
}

void
disk_iov_to_buf(const struct iovec *iov, int iovcnt, size_t off, void *buf,
    size_t len)
{
	struct disk_iov_walk	 w = { iov, iovcnt, 0, off, len };
	uint8_t			*base, *p = buf;
	size_t			 take;

	while ((take = disk_iov_next(&w, &base)) > 0) {
		memcpy(p, base, take);
		p += take;
	}
}

void
disk_iov_from_buf(const struct iovec *iov, int iovcnt, size_t off,
    const void *buf, size_t len)
{
	struct disk_iov_walk	 w = { iov, iovcnt, 0, off, len };
	const uint8_t		*p = buf;
	uint8_t			*base;
	size_t			 take;

	while ((take = disk_iov_next(&w, &base)) > 0) {
		memcpy(base, p, take);
		p += take;
	}
}

ssize_t
disk_full_preadv(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	return (disk_full_io(fd, iov, iovcnt, off, 0));
}

ssize_t
disk_full_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	return (disk_full_io(fd, iov, iovcnt, off, 1));
}

/*
 * One call's worth of iov may be short or interrupted, so go on from
 * where it stopped.  A read that finds the end of the file has read a
 * hole, which is zeros; a write that makes no progress never will.
 */
static ssize_t
disk_full_io(int fd, const struct iovec *iov, int iovcnt, off_t off,
    int write)
{
	struct iovec	*cur;
	size_t		 total, done = 0;
	ssize_t		 n = 0;
	int		 cnt;

	total = disk_iov_len(iov, iovcnt);
	cur = xreallocarray(NULL, iovcnt > 0 ? iovcnt : 1, sizeof *cur);
	while (done < total) {
		cnt = disk_iov_slice(iov, iovcnt, done, total - done, cur);
		if (write)
			n = pwritev(fd, cur, cnt, off + (off_t)done);
		else
			n = preadv(fd, cur, cnt, off + (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		if (n == 0 && write) {
			errno = EIO;
			n = -1;
			break;
		}
		if (n == 0) {
			disk_iov_zero(iov, iovcnt, done, total - done);
			break;
		}
		done += (size_t)n;
	}
	free(cur);
	return (n == -1 ? -1 : (ssize_t)total);
}

int
disk_full_pread(int fd, void *buf, size_t len, off_t off)
{
	struct iovec	iov;

	iov.iov_base = buf;
	iov.iov_len = len;
	return (disk_full_preadv(fd, &iov, 1, off) == -1 ? -1 : 0);
}

int
disk_full_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct iovec	iov;

	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	return (disk_full_pwritev(fd, &iov, 1, off) == -1 ? -1 : 0);
}
