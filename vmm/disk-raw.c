/* SPDX-License-Identifier: ISC */
/*
 * Raw images: a regular file or a block device whose bytes are the disk.
 * Everything is positioned I/O on one descriptor, so the ops are safe to
 * call from several threads without the disk's mutex.  The size is fixed
 * at open (a trailing partial sector is left out); discard punches a hole
 * and keeps the size; flush is fdatasync.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/falloc.h>
#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "disk-int.h"

/* Bytes written at a time when preallocating with zeros. */
#define DISK_RAW_ZERO_CHUNK	(1024 * 1024)

/* State of an open raw image. */
struct disk_raw {
	int	fd;		/* the image, owned */
};

static int	disk_raw_probe(const uint8_t *, size_t);
static int	disk_raw_open(struct disk *, int, char **);
static ssize_t	disk_raw_preadv(struct disk *, const struct iovec *, int,
		    uint64_t);
static ssize_t	disk_raw_pwritev(struct disk *, const struct iovec *, int,
		    uint64_t);
static int	disk_raw_flush(struct disk *);
static int	disk_raw_discard(struct disk *, uint64_t, uint64_t);
static int	disk_raw_resize(struct disk *, uint64_t, enum disk_prealloc,
		    char **);
static int	disk_raw_info(struct disk *, struct disk_info *, char **);
static int	disk_raw_close(struct disk *);
static int	disk_raw_create(const char *, const struct disk_create_args *,
		    char **);

const struct disk_ops disk_raw_ops = {
	.name = "raw",
	.probe = disk_raw_probe,
	.open = disk_raw_open,
	.preadv = disk_raw_preadv,
	.pwritev = disk_raw_pwritev,
	.flush = disk_raw_flush,
	.discard = disk_raw_discard,
	.resize = disk_raw_resize,
	.info = disk_raw_info,
	.close = disk_raw_close,
	.create = disk_raw_create,
	.concurrent = 1
};

/* Anything is a raw image. */
static int
disk_raw_probe(const uint8_t *head, size_t len)
{
	return (1);
}

static int
disk_raw_open(struct disk *d, int fd, char **cause)
{
	struct disk_raw	*r;
	struct stat	 sb;
	uint64_t	 size;

	if (fstat(fd, &sb) == -1)
		goto fail;
	if (S_ISBLK(sb.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) == -1)
			goto fail;
	} else if (S_ISREG(sb.st_mode))
		size = (uint64_t)sb.st_size;
	else {
		errno = EINVAL;
		if (cause != NULL)
			xasprintf(cause, "%s: not a regular file or block "
			    "device", d->d_path);
		return (-1);
	}
	r = xcalloc(1, sizeof *r);
	r->fd = fd;
	d->d_priv = r;
	d->d_format = DISK_FORMAT_RAW;
	d->d_size = size - size % DISK_SECTOR_SIZE;
	d->d_can_discard = 1;
	disk_id_from_fd(d, fd);
	return (0);

fail:
	if (cause != NULL)
		xasprintf(cause, "%s: %s", d->d_path, strerror(errno));
	return (-1);
}

static ssize_t
disk_raw_preadv(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	struct disk_raw	*r = d->d_priv;

	return (disk_full_preadv(r->fd, iov, iovcnt, (off_t)off));
}

static ssize_t
disk_raw_pwritev(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	struct disk_raw	*r = d->d_priv;

	return (disk_full_pwritev(r->fd, iov, iovcnt, (off_t)off));
}

static int
disk_raw_flush(struct disk *d)
{
	struct disk_raw	*r = d->d_priv;

	return (fdatasync(r->fd));
}

static int
disk_raw_discard(struct disk *d, uint64_t off, uint64_t len)
{
	struct disk_raw	*r = d->d_priv;

	if (fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)off, (off_t)len) == -1) {
		if (errno == ENOSYS || errno == ENOTSUP)
			errno = EOPNOTSUPP;
		return (-1);
	}
	return (0);
}

static int
disk_raw_resize(struct disk *d, uint64_t newsize, enum disk_prealloc pre,
    char **cause)
{
	struct disk_raw	*r = d->d_priv;
	uint8_t		*zero;
	uint64_t	 at;
	size_t		 n;

	if (pre == DISK_PREALLOC_EAGER) {
		zero = xcalloc(1, DISK_RAW_ZERO_CHUNK);
		for (at = d->d_size; at < newsize; at += n) {
			n = DISK_RAW_ZERO_CHUNK;
			if (n > newsize - at)
				n = (size_t)(newsize - at);
			if (disk_full_pwrite(r->fd, zero, n, (off_t)at) == -1) {
				free(zero);
				goto fail;
			}
		}
		free(zero);
	} else if (pre == DISK_PREALLOC_ZEROED) {
		if ((errno = posix_fallocate(r->fd, (off_t)d->d_size,
		    (off_t)(newsize - d->d_size))) != 0)
			goto fail;
	} else if (ftruncate(r->fd, (off_t)newsize) == -1)
		goto fail;
	if (fsync(r->fd) == -1)
		goto fail;
	d->d_size = newsize;
	return (0);

fail:
	if (cause != NULL)
		xasprintf(cause, "%s: %s", d->d_path, strerror(errno));
	return (-1);
}

static int
disk_raw_info(struct disk *d, struct disk_info *info, char **cause)
{
	struct disk_raw	*r = d->d_priv;
	struct stat	 sb;

	if (fstat(r->fd, &sb) == -1) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s", d->d_path, strerror(errno));
		return (-1);
	}
	info->allocated = S_ISREG(sb.st_mode) ?
	    (uint64_t)sb.st_blocks * 512 : d->d_size;
	return (0);
}

static int
disk_raw_close(struct disk *d)
{
	struct disk_raw	*r = d->d_priv;
	int		 rc = 0;

	if (!disk_is_readonly(d) && fdatasync(r->fd) == -1)
		rc = -1;
	if (close(r->fd) == -1 && rc == 0)
		rc = -1;
	free(r);
	d->d_priv = NULL;
	return (rc);
}

static int
disk_raw_create(const char *path, const struct disk_create_args *args,
    char **cause)
{
	uint8_t		*zero = NULL;
	uint64_t	 at;
	size_t		 n;
	int		 fd, saved;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		goto fail;
	if (ftruncate(fd, (off_t)args->size) == -1)
		goto fail_unlink;
	if (args->prealloc == DISK_PREALLOC_ZEROED &&
	    (errno = posix_fallocate(fd, 0, (off_t)args->size)) != 0)
		goto fail_unlink;
	if (args->prealloc == DISK_PREALLOC_EAGER) {
		zero = xcalloc(1, DISK_RAW_ZERO_CHUNK);
		for (at = 0; at < args->size; at += n) {
			n = DISK_RAW_ZERO_CHUNK;
			if (n > args->size - at)
				n = (size_t)(args->size - at);
			if (disk_full_pwrite(fd, zero, n, (off_t)at) == -1)
				goto fail_unlink;
		}
		free(zero);
		zero = NULL;
	}
	if (fsync(fd) == -1)
		goto fail_unlink;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_unlink;
	}
	return (0);

fail_unlink:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(path);
	free(zero);
	errno = saved;
fail:
	saved = errno;
	if (cause != NULL)
		xasprintf(cause, "%s: %s", path, strerror(saved));
	errno = saved;
	return (-1);
}
