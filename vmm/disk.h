/* SPDX-License-Identifier: ISC */
/*
 * Virtual disks: the block layer under virtio-blk and vmkfstools.
 *
 * A struct disk is an image opened by path whose format is detected from
 * its contents: a VMDK (a text descriptor starting "# Disk DescriptorFile",
 * or a hosted sparse extent starting with the magic "KDMV") or, failing
 * both, a raw image (a regular file or a block device).  The guest sees a
 * flat array of disk_size() bytes in DISK_SECTOR_SIZE sectors whatever the
 * format; reads of never-written space return zeros.
 *
 * Image files are untrusted input: every header field, descriptor line and
 * grain table entry is checked, and a bad image is refused at open (with a
 * cause naming the file and the problem) or fails one I/O with EIO.
 *
 * Threads.  disk_preadv, disk_pwritev, disk_flush and disk_discard may be
 * called from any number of threads at once: raw images use positioned
 * I/O only, and VMDK images serialise every call on a mutex in the disk.
 * The getters (disk_size, disk_sector_size, disk_id, disk_format,
 * disk_is_readonly, disk_can_discard) read fields fixed at open and may be
 * called from any thread at any time, with one exception: disk_resize
 * changes disk_size, so it, disk_info and disk_close must not overlap any
 * other call on the same disk.  Distinct disks are independent.
 *
 * Delta disks (snapshots, linked clones).  A delta is a monolithicSparse
 * VMDK whose descriptor has parentCID (the parent's CID when the delta
 * was made) and parentFileNameHint (the parent's file, relative to the
 * delta's directory, or absolute): the layout VMware's hosted products
 * and qemu-img (-b parent.vmdk -F vmdk) write, so qemu-img reads, checks
 * and compares our deltas and we open its.  Opening a delta opens its
 * parent (and so on, at most 64 deep) read-only; a grain the delta never
 * wrote reads from the parent, and writing part of one copies the rest of
 * the grain from the parent first.  A parent whose CID no longer matches
 * the delta's parentCID has been written since and is refused (ESTALE),
 * with one exception that makes disk_commit crash-safe: a parent that
 * carries the delta's own CID holds a commit of this delta, complete or
 * not, which the delta's own grains still override.
 *
 * Durability.  A completed disk_pwritev is in the page cache; it is on
 * stable storage after a later disk_flush returns 0 (what virtio-blk's
 * VIRTIO_BLK_T_FLUSH needs).  Sparse VMDK metadata is ordered so that a
 * crash or a kill at any point leaves every grain reading either its old
 * or its new contents, never garbage.
 */
#ifndef VIREO_DISK_H
#define VIREO_DISK_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

/* The only sector size: offsets and sizes in VMDK files count these. */
#define DISK_SECTOR_SIZE	512

/* Longest disk_id() (virtio-blk VIRTIO_BLK_ID_BYTES). */
#define DISK_ID_MAX		20

/* disk_open flags. */
#define DISK_OPEN_RDONLY	0x1	/* refuse writes (EROFS) */

struct disk;

/* What an image is. */
enum disk_format {
	DISK_FORMAT_RAW = 0,		/* plain bytes (file or block device) */
	DISK_FORMAT_VMDK_FLAT,		/* descriptor + flat extent(s) */
	DISK_FORMAT_VMDK_SPARSE		/* KDMV sparse extent(s) */
};

/* How disk_create lays out the space (vmkfstools -d). */
enum disk_prealloc {
	DISK_PREALLOC_NONE = 0,		/* sparse file / thin */
	DISK_PREALLOC_ZEROED,		/* space reserved (fallocate) */
	DISK_PREALLOC_EAGER		/* space reserved and zeros written */
};

/* What disk_create makes. */
struct disk_create_args {
	enum disk_format	 format;	/* raw, flat or sparse VMDK */
	uint64_t		 size;		/* bytes, multiple of 512 */
	enum disk_prealloc	 prealloc;	/* raw and flat only */
	const char		*adapter;	/* NULL: "lsilogic" */
	const char		*parent;	/* a delta of this VMDK (format
						   must be sparse, size 0 or
						   the parent's), or NULL */
};

/* What disk_info reports (vmkfstools --info).  Strings are owned by the
 * struct: free them with disk_info_clear. */
struct disk_info {
	enum disk_format	 format;
	char			*create_type;	/* VMDK createType, or NULL */
	uint64_t		 size;		/* bytes, as disk_size */
	uint64_t		 allocated;	/* bytes used in the files */
	uint64_t		 grain_size;	/* sparse: bytes, or 0 */
	uint64_t		 grains;	/* sparse: grains in the disk */
	uint64_t		 grains_allocated; /* sparse: grains in use */
	uint32_t		 cid;		/* VMDK content ID */
	uint32_t		 parent_cid;	/* 0xffffffff: no parent */
	char			*adapter;	/* ddb.adapterType, or NULL */
	uint32_t		 cylinders;	/* ddb.geometry.*, or 0 */
	uint32_t		 heads;
	uint32_t		 sectors;
	char			*uuid;		/* ddb.uuid, or NULL */
	int			 unclean;	/* sparse: uncleanShutdown was
						   set when opened */
	unsigned int		 extents;	/* VMDK extents, 1 for raw */
	char			*parent;	/* delta: parentFileNameHint,
						   or NULL */
};

/*
 * Open the image at path (DISK_OPEN_RDONLY in flags for read-only).  The
 * format is detected from the first bytes; VMDK extent files are found
 * relative to the descriptor's directory.  Opening a sparse VMDK for
 * writing sets its uncleanShutdown flag until disk_close.
 *
 * Returns a new disk, or NULL with errno (ENOENT, EACCES, EROFS, EINVAL
 * for a malformed image, ENOTSUP for a VMDK feature Vireo lacks:
 * compressed or streamOptimized extents, ESTALE for a delta whose parent
 * changed, ELOOP for a chain deeper than 64) and *cause, if cause is not NULL,
 * set to "path: problem" (with a line number for descriptor errors), which
 * the caller frees.
 */
struct disk	*disk_open(const char *path, int flags, char **cause);

/*
 * Sync and close everything; for a writable sparse VMDK also clear
 * uncleanShutdown.  The disk is freed even on failure.  Returns 0, or -1
 * with errno if a final sync or header update failed (data written before
 * the last successful disk_flush is safe either way).  Accepts NULL.
 */
int		 disk_close(struct disk *);

/* Size in bytes, a multiple of DISK_SECTOR_SIZE (a raw file's trailing
 * partial sector is not part of the disk). */
uint64_t	 disk_size(const struct disk *);
/* DISK_SECTOR_SIZE (logical and physical block size for the guest). */
unsigned int	 disk_sector_size(const struct disk *);
enum disk_format disk_format(const struct disk *);
/* 1 if opened read-only (virtio-blk: VIRTIO_BLK_F_RO). */
int		 disk_is_readonly(const struct disk *);
/* 1 if disk_discard can work (virtio-blk: VIRTIO_BLK_F_DISCARD). */
int		 disk_can_discard(const struct disk *);

/*
 * A stable serial number for virtio-blk GET_ID: from the VMDK's ddb.uuid
 * when there is one (its first 20 hex digits), else from the device and
 * inode of the file.  Fills all DISK_ID_MAX bytes of id (zero padded, not
 * NUL terminated when 20 long) and returns the length used.
 */
size_t		 disk_id(const struct disk *, char id[DISK_ID_MAX]);

/*
 * Read iovcnt buffers (at most IOV_MAX) at byte offset off.  Any offset and
 * length are accepted; virtio-blk passes whole sectors.  Returns the total
 * length (never short), or -1 with errno: EINVAL if [off, off + len)
 * reaches beyond disk_size (nothing is read), EIO for a corrupt image or a
 * failed read.  Thread behaviour: see the top of this file.
 */
ssize_t		 disk_preadv(struct disk *, const struct iovec *, int iovcnt,
		    uint64_t off);

/*
 * Write like disk_preadv reads.  Returns the total length, or -1 with
 * errno: EROFS on a read-only disk, EINVAL beyond the end, ENOSPC, EIO.
 * After a failure part of the range may have been written, as with a real
 * disk; a sparse grain is never left pointing at unwritten data.
 */
ssize_t		 disk_pwritev(struct disk *, const struct iovec *, int iovcnt,
		    uint64_t off);

/*
 * Make every completed write durable: fdatasync of every file the disk
 * wrote, data and metadata.  0, or -1 with errno.  A no-op on a read-only
 * disk.
 */
int		 disk_flush(struct disk *);

/*
 * Give back the space of [off, off + len): later reads return zeros.  Raw
 * and flat VMDK images punch a hole (fallocate PUNCH_HOLE|KEEP_SIZE).
 * Returns 0, or -1 with errno: EROFS, EINVAL beyond the end, EOPNOTSUPP
 * for sparse VMDKs or a file system without hole punching.
 */
int		 disk_discard(struct disk *, uint64_t off, uint64_t len);

/*
 * Write zeros over [off, off + len) through the disk's extents, so that
 * a raw or flat image has every block of the range written (what
 * eagerZeroedThick promises beyond DISK_PREALLOC_ZEROED's reservation;
 * on a sparse VMDK the grains get allocated).  Callers wanting bounded
 * work per call pass bounded ranges; durability needs disk_flush after.
 * 0, or -1 with errno (EROFS, EINVAL beyond the end, ENOSPC, EIO) and
 * *cause; part of the range may then have been written.
 */
int		 disk_zero_range(struct disk *, uint64_t off, uint64_t len,
		    char **cause);

/*
 * Grow the disk to newsize bytes (a multiple of 512, not smaller than
 * disk_size): raw and flat images grow their file (honouring how it was
 * preallocated: prealloc as for disk_create), sparse VMDKs grow capacity
 * and their grain directory, moving it to the end of the file when it has
 * no room.  Crash-safe: the old size stays valid until the new one is
 * complete.  0, or -1 with errno and *cause.  Not concurrent with I/O.
 */
int		 disk_resize(struct disk *, uint64_t newsize,
		    enum disk_prealloc prealloc, char **cause);

/*
 * Describe the disk; walks every sparse grain table, so a corrupt table is
 * reported here (-1, EINVAL, *cause).  0 on success; free with
 * disk_info_clear.  Not concurrent with I/O.
 */
int		 disk_info(struct disk *, struct disk_info *, char **cause);
void		 disk_info_clear(struct disk_info *);

/* "raw", "monolithicFlat" or "monolithicSparse". */
const char	*disk_format_name(enum disk_format);

/*
 * Create a new image at path (which must not exist; EEXIST otherwise) as
 * args says.  A flat VMDK is two files: path (the descriptor) and its
 * extent "<name>-flat.vmdk" beside it.  New VMDKs get a random ddb.uuid
 * and CID.  With args->parent, path becomes an empty delta of that VMDK
 * (which is opened read-only and must be a VMDK): monolithicSparse,
 * parentCID its CID, parentFileNameHint its name (relative when both
 * are in one directory, else absolute), and its ddb.* entries (so the
 * disk keeps its serial number and geometry).  0, or -1 with errno and
 * *cause; nothing is left behind on failure.
 */
int		 disk_create(const char *path, const struct disk_create_args *,
		    char **cause);

/*
 * The parent of the delta at path, as a path usable to open it (the
 * hint resolved against path's directory), in *parent (caller frees), or
 * NULL when path is not a delta.  Reads only path's own descriptor.  0,
 * or -1 with errno and *cause.
 */
int		 disk_parent(const char *path, char **parent, char **cause);

/*
 * Commit the delta at path into its parent (snapshot consolidation):
 * every grain the delta holds is written into the parent, which then
 * shows what the delta showed.  The parent's CID becomes the delta's
 * first, so at every point of the copy (and after a crash) the delta
 * still opens and reads as before (see the CID rule above); children of
 * the delta stay valid once disk_set_parent points them at the parent.
 * The delta itself is not changed or removed.  Neither file may be open
 * for writing elsewhere.  0, or -1 with errno and *cause.
 */
int		 disk_commit(const char *path, char **cause);

/*
 * Point the delta at path to parent (which must be a VMDK whose CID
 * equals path's parentCID or path's own CID): rewrites only
 * parentFileNameHint.  0, or -1 with errno (EINVAL: not a delta, ESTALE:
 * CIDs differ) and *cause.
 */
int		 disk_set_parent(const char *path, const char *parent,
		    char **cause);

/*
 * Live snapshot of an open, writable VMDK: flush it, create path as a
 * delta of it (as disk_create with parent) and switch d to the delta, so
 * later writes land in path while the old image becomes read-only.  Waits
 * for I/O in progress and holds off new I/O meanwhile; disk_size and
 * disk_id do not change.  On failure d is unchanged and path removed.
 * 0, or -1 with errno (EROFS, ENOTSUP for raw images) and *cause.
 */
int		 disk_snapshot(struct disk *d, const char *path, char **cause);

#endif
