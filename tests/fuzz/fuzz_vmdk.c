/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the VMDK reader (vmm/disk-vmdk.c, vmm/disk-vmdk-sparse.c): each
 * input is written as f.vmdk into a private directory that also holds a
 * 64 KiB flat.img for descriptors to name and p.vmdk, a flat VMDK over
 * it with CID 2 for deltas to name as their parent (parentCID=2
 * parentFileNameHint="p.vmdk"; the seeds include such deltas, sparse and
 * not), then opened read-only and read
 * at its start, middle and end and across several grains, and described
 * (which walks every grain table); images with grains of at most 1 MiB
 * are then reopened for writing and written at both ends.  The descriptor
 * parser is also run directly: a parsed descriptor must write back as
 * text that parses to the same CID, parentCID, parentFileNameHint and
 * extents; and disk_parent reads the parent's name without opening it.
 * The parent is only ever opened read-only: p.vmdk and flat.img must be
 * unchanged after a delta was written.  Checked: nothing crashes
 * or reads out of bounds, every failure has errno and a cause naming the
 * file, and reads are never short.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk-int.h"

#define FUZZ_VMDK_IO	(128 * 1024)	/* longest read */
/* The parent deltas may name: read-only, so it must never change. */
#define FUZZ_VMDK_PARENT "# Disk DescriptorFile\nversion=1\nCID=2\n" \
	"parentCID=ffffffff\ncreateType=\"monolithicFlat\"\n" \
	"RW 128 FLAT \"flat.img\" 0\n"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*fuzz_vmdk_dir(void);
static void		 fuzz_vmdk_cleanup(void);
static void		 fuzz_vmdk_file(const char *, const uint8_t *, size_t);
static void		 fuzz_vmdk_desc(const uint8_t *, size_t);
static void		 fuzz_vmdk_read(struct disk *, uint64_t, size_t);
static void		 fuzz_vmdk_open(const char *, const uint8_t *, size_t);
static void		 fuzz_vmdk_parent_unchanged(int);

static char	fuzz_vmdk_path[64];	/* the private directory */

/* Remove the directory and its two files at exit. */
static void
fuzz_vmdk_cleanup(void)
{
	char	path[128];

	snprintf(path, sizeof path, "%s/flat.img", fuzz_vmdk_path);
	unlink(path);
	snprintf(path, sizeof path, "%s/p.vmdk", fuzz_vmdk_path);
	unlink(path);
	snprintf(path, sizeof path, "%s/f.vmdk", fuzz_vmdk_path);
	unlink(path);
	rmdir(fuzz_vmdk_path);
}

/* The private directory, made once per process. */
static const char *
fuzz_vmdk_dir(void)
{
	char	*dir = fuzz_vmdk_path, path[128];
	uint8_t	 flat[64 * 1024];

	if (dir[0] != '\0')
		return (dir);
	snprintf(dir, sizeof fuzz_vmdk_path, "%s/fuzz_vmdk.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(fuzz_vmdk_cleanup);
	memset(flat, 0xa5, sizeof flat);
	snprintf(path, sizeof path, "%s/flat.img", dir);
	fuzz_vmdk_file(path, flat, sizeof flat);
	snprintf(path, sizeof path, "%s/p.vmdk", dir);
	fuzz_vmdk_file(path, (const uint8_t *)FUZZ_VMDK_PARENT,
	    strlen(FUZZ_VMDK_PARENT));
	return (dir);
}

static void
fuzz_vmdk_file(const char *path, const uint8_t *data, size_t size)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

/* Parse, write back, parse again: the same CID and extents. */
static void
fuzz_vmdk_desc(const uint8_t *data, size_t size)
{
	struct disk_vmdk_desc	*a, *b;
	char			*cause = NULL, *text;
	size_t			 len, i;

	a = disk_vmdk_desc_parse((const char *)data, size, "fuzz", &cause);
	if (a == NULL) {
		if (errno == 0 || cause == NULL ||
		    strncmp(cause, "fuzz:", 5) != 0)
			abort();
		free(cause);
		return;
	}
	text = disk_vmdk_desc_write(a, &len);
	b = disk_vmdk_desc_parse(text, len, "again", &cause);
	if (b == NULL || b->cid != a->cid || b->parent_cid != a->parent_cid ||
	    b->next != a->next || strcmp(b->create_type, a->create_type) != 0)
		abort();
	/* Header keys (parentFileNameHint among them) survive too. */
	if (b->nhdr != a->nhdr)
		abort();
	for (i = 0; i < a->nhdr; i++) {
		if (strcmp(b->hdr[i].key, a->hdr[i].key) != 0 ||
		    strcmp(b->hdr[i].value, a->hdr[i].value) != 0)
			abort();
	}
	for (i = 0; i < a->next; i++) {
		if (b->ext[i].sectors != a->ext[i].sectors ||
		    b->ext[i].type != a->ext[i].type ||
		    (a->ext[i].type == DISK_VMDK_FLAT &&
		    b->ext[i].offset != a->ext[i].offset))
			abort();
	}
	free(text);
	disk_vmdk_desc_free(b);
	disk_vmdk_desc_free(a);
}

/* Read len bytes at off (clipped to the disk); never short. */
static void
fuzz_vmdk_read(struct disk *d, uint64_t off, size_t len)
{
	static uint8_t	buf[FUZZ_VMDK_IO];
	struct iovec	iov[2];
	ssize_t		n;

	if (off >= disk_size(d))
		return;
	if (len > disk_size(d) - off)
		len = (size_t)(disk_size(d) - off);
	iov[0].iov_base = buf;
	iov[0].iov_len = len / 2;
	iov[1].iov_base = buf + len / 2;
	iov[1].iov_len = len - len / 2;
	n = disk_preadv(d, iov, 2, off);
	if (n == -1 ? errno == 0 : n != (ssize_t)len)
		abort();
}

static void
fuzz_vmdk_open(const char *path, const uint8_t *data, size_t size)
{
	struct disk		*d;
	struct disk_info	 info;
	struct iovec		 iov;
	uint8_t			 buf[4096];
	uint64_t		 grain = 0;
	char			*cause = NULL, *parent = NULL;
	int			 delta = 0;

	/* The parent's name alone, as hostd's snapshot code reads it. */
	if (disk_parent(path, &parent, &cause) == 0) {
		if (parent != NULL && *parent == '\0')
			abort();
		delta = parent != NULL;
		free(parent);
	} else {
		if (errno == 0 || cause == NULL)
			abort();
		free(cause);
		cause = NULL;
	}
	d = disk_open(path, DISK_OPEN_RDONLY, &cause);
	if (d == NULL) {
		if (errno == 0 || cause == NULL || strstr(cause, path) == NULL)
			abort();
		free(cause);
		return;
	}
	if (disk_size(d) % DISK_SECTOR_SIZE != 0)
		abort();
	fuzz_vmdk_read(d, 0, 4096);
	fuzz_vmdk_read(d, disk_size(d) / 2 & ~511ULL, 1024);
	fuzz_vmdk_read(d, disk_size(d) - (disk_size(d) < 512 ? 0 : 512), 512);
	fuzz_vmdk_read(d, 0, FUZZ_VMDK_IO);
	if (disk_info(d, &info, &cause) == 0) {
		grain = info.grain_size;
		disk_info_clear(&info);
	} else {
		if (cause == NULL)
			abort();
		free(cause);
		grain = UINT64_MAX;
	}
	disk_close(d);
	if (grain > 1024 * 1024)
		return;

	/* Writable: allocation and metadata updates on the same image. */
	fuzz_vmdk_file(path, data, size);
	if ((d = disk_open(path, 0, &cause)) == NULL) {
		free(cause);
		return;
	}
	memset(buf, 0x3c, sizeof buf);
	iov.iov_base = buf;
	iov.iov_len = disk_size(d) < sizeof buf ? (size_t)disk_size(d) :
	    sizeof buf;
	disk_pwritev(d, &iov, 1, 0);
	disk_pwritev(d, &iov, 1, disk_size(d) - iov.iov_len);
	fuzz_vmdk_read(d, 0, 4096);
	disk_flush(d);
	disk_close(d);
	fuzz_vmdk_parent_unchanged(delta);
}

/*
 * A delta's writes never reach its parent: p.vmdk is as it was.  (A
 * delta's extents must be SPARSE, so it cannot name p.vmdk or flat.img
 * as one either.)  Other descriptors may name p.vmdk as a flat extent
 * and write it: it is put back for the next input.
 */
static void
fuzz_vmdk_parent_unchanged(int delta)
{
	char	path[160], buf[512];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/p.vmdk", fuzz_vmdk_dir());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		abort();
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n != (ssize_t)strlen(FUZZ_VMDK_PARENT) ||
	    memcmp(buf, FUZZ_VMDK_PARENT, (size_t)n) != 0) {
		if (delta)
			abort();
		fuzz_vmdk_file(path, (const uint8_t *)FUZZ_VMDK_PARENT,
		    strlen(FUZZ_VMDK_PARENT));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	path[160];

	fuzz_vmdk_desc(data, size);
	snprintf(path, sizeof path, "%s/f.vmdk", fuzz_vmdk_dir());
	fuzz_vmdk_file(path, data, size);
	fuzz_vmdk_open(path, data, size);
	return (0);
}
