/* SPDX-License-Identifier: ISC */
/*
 * Inside the disk layer: struct disk, the format ops table that disk.c
 * dispatches through, the iovec helpers every backend shares, the VMDK
 * descriptor (disk-vmdk.c) and the hosted sparse extent
 * (disk-vmdk-sparse.c).  Only the disk-*.c files, their tests and their
 * fuzz target include this; everyone else uses disk.h.
 */
#ifndef VIREO_DISK_INT_H
#define VIREO_DISK_INT_H

#include <sys/types.h>
#include <sys/uio.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "disk.h"

/* One format: probe, open, I/O, and creation. */
struct disk_ops {
	const char	*name;		/* for messages */
	/* 1 if the first len bytes of a file (len may be short) are ours */
	int		(*probe)(const uint8_t *head, size_t len);
	/* fill d->d_priv, d_size, d_format, d_id; fd is owned on success */
	int		(*open)(struct disk *d, int fd, char **cause);
	ssize_t		(*preadv)(struct disk *, const struct iovec *, int,
			    uint64_t);
	ssize_t		(*pwritev)(struct disk *, const struct iovec *, int,
			    uint64_t);
	int		(*flush)(struct disk *);
	int		(*discard)(struct disk *, uint64_t, uint64_t);
	int		(*resize)(struct disk *, uint64_t, enum disk_prealloc,
			    char **);
	int		(*info)(struct disk *, struct disk_info *, char **);
	int		(*close)(struct disk *);	/* frees d_priv */
	int		(*create)(const char *, const struct disk_create_args *,
			    char **);
	int		 concurrent;	/* I/O needs no d_lock */
};

struct disk {
	const struct disk_ops	*d_ops;		/* the format */
	unsigned int		 d_depth;	/* parents above this one in
						   the chain being opened */
	void			*d_priv;	/* the format's state, owned */
	char			*d_path;	/* as opened, owned */
	int			 d_flags;	/* DISK_OPEN_* */
	enum disk_format	 d_format;
	uint64_t		 d_size;	/* bytes, multiple of 512 */
	int			 d_can_discard;	/* disk_discard may work */
	char			 d_id[DISK_ID_MAX]; /* zero padded */
	size_t			 d_idlen;	/* bytes of d_id used */
	pthread_mutex_t		 d_lock;	/* I/O of !concurrent ops */
};

extern const struct disk_ops	disk_raw_ops;
extern const struct disk_ops	disk_vmdk_ops;

/* Most images in one delta chain (VMware allows 255 links; a loop of
 * parentFileNameHint names ends here too). */
#define DISK_CHAIN_MAX		64
/* Internal disk_open flag: a delta opens without its parent (only its
 * own descriptor can be read or rewritten; I/O fails with EIO). */
#define DISK_OPEN_NOPARENT	0x100

/* disk.c: open with depth parents below (disk_open is depth 0). */
struct disk	*disk_open_chain(const char *, int flags, unsigned int depth,
		    char **cause);

/* disk.c: helpers for the backends. */
size_t	disk_iov_len(const struct iovec *, int);
/* The part [off, off + len) of iov as a new vector in out (which has room
 * for iovcnt entries); returns its count. */
int	disk_iov_slice(const struct iovec *, int, size_t off, size_t len,
	    struct iovec *out);
void	disk_iov_zero(const struct iovec *, int, size_t off, size_t len);
/* Copy between a vector (from byte off) and a flat buffer. */
void	disk_iov_to_buf(const struct iovec *, int, size_t off, void *,
	    size_t);
void	disk_iov_from_buf(const struct iovec *, int, size_t off, const void *,
	    size_t);
/* preadv/pwritev until done, retrying EINTR and short transfers; reads
 * past the end of the file give zeros.  Total or -1/errno. */
ssize_t	disk_full_preadv(int, const struct iovec *, int, off_t);
ssize_t	disk_full_pwritev(int, const struct iovec *, int, off_t);
int	disk_full_pread(int, void *, size_t, off_t);
int	disk_full_pwrite(int, const void *, size_t, off_t);
/* The inode-based serial used when an image has no UUID. */
void	disk_id_from_fd(struct disk *, int);
/* An open with O_CLOEXEC and the right mode for flags; fd or -1/errno. */
int	disk_open_file(const char *, int flags);

/* disk-vmdk.c: the descriptor. */
#define DISK_VMDK_DESC_MAX	(1024 * 1024)	/* largest descriptor */
#define DISK_VMDK_EXTENTS_MAX	1024		/* most extent lines */
#define DISK_VMDK_NO_PARENT	0xffffffffU

enum disk_vmdk_access {
	DISK_VMDK_RW = 0,
	DISK_VMDK_RDONLY,
	DISK_VMDK_NOACCESS
};

enum disk_vmdk_type {
	DISK_VMDK_FLAT = 0,		/* FLAT or VMFS */
	DISK_VMDK_SPARSE,		/* hosted sparse (KDMV) */
	DISK_VMDK_ZERO,			/* reads zeros, no file */
	DISK_VMDK_OTHER			/* anything else: refused at open */
};

/* One extent line: ACCESS SECTORS TYPE "FILE" [OFFSET]. */
struct disk_vmdk_extent {
	enum disk_vmdk_access	 access;
	uint64_t		 sectors;	/* size in 512-byte sectors */
	enum disk_vmdk_type	 type;
	char			*type_name;	/* as written, owned */
	char			*file;		/* owned; NULL for ZERO */
	uint64_t		 offset;	/* FLAT: sectors into file */
	unsigned int		 line;		/* for messages */
};

/* One `key = value` line (header or DDB). */
struct disk_vmdk_kv {
	char	*key;		/* owned */
	char	*value;		/* owned, without quotes */
	int	 quoted;	/* written back with quotes */
};

/* A parsed descriptor.  Written back in our own layout (comments and
 * blank lines are not kept). */
struct disk_vmdk_desc {
	uint32_t		 version;	/* 1, 2 or 3 */
	uint32_t		 cid;		/* content ID */
	uint32_t		 parent_cid;	/* DISK_VMDK_NO_PARENT */
	char			*create_type;	/* owned */
	struct disk_vmdk_kv	*hdr;		/* other header keys */
	size_t			 nhdr;
	struct disk_vmdk_extent	*ext;		/* in disk order */
	size_t			 next;
	struct disk_vmdk_kv	*ddb;		/* ddb.* in file order */
	size_t			 nddb;
};

/* Parse len bytes (NUL bytes end the text, as in an embedded descriptor).
 * NULL with errno EINVAL and *cause "name:LINE: problem". */
struct disk_vmdk_desc	*disk_vmdk_desc_parse(const char *, size_t,
			    const char *name, char **cause);
void			 disk_vmdk_desc_free(struct disk_vmdk_desc *);
/* The descriptor as text (NUL terminated, owned); *len without the NUL. */
char			*disk_vmdk_desc_write(const struct disk_vmdk_desc *,
			    size_t *len);
const char		*disk_vmdk_desc_ddb(const struct disk_vmdk_desc *,
			    const char *key);
void			 disk_vmdk_desc_set_ddb(struct disk_vmdk_desc *,
			    const char *key, const char *value);

/* disk-vmdk.c: the delta operations behind disk.h's disk_commit,
 * disk_set_parent, disk_parent and disk_snapshot. */
int			 disk_vmdk_commit(const char *, char **);
int			 disk_vmdk_set_parent(const char *, const char *,
			    char **);
int			 disk_vmdk_parent(const char *, char **, char **);
int			 disk_vmdk_snapshot(struct disk *, const char *,
			    char **);

/* disk-vmdk-sparse.c: the hosted sparse extent. */
#define DISK_VMDK_MAGIC		0x564d444bU	/* "KDMV" little-endian */
#define DISK_VMDK_FLAG_NL	0x00000001U	/* newline test valid */
#define DISK_VMDK_FLAG_RGD	0x00000002U	/* redundant GD/GTs */
#define DISK_VMDK_FLAG_ZGRAIN	0x00000004U	/* GTE 1 = zeroed grain */
#define DISK_VMDK_FLAG_COMP	0x00010000U	/* compressed grains */
#define DISK_VMDK_FLAG_MARKERS	0x00020000U	/* stream markers */
#define DISK_VMDK_GTES		512		/* numGTEsPerGT */
#define DISK_VMDK_GRAIN_MIN	8		/* sectors (4 KiB) */
#define DISK_VMDK_GRAIN_MAX	(1U << 16)	/* sectors (32 MiB) */
#define DISK_VMDK_GRAIN_DEF	128		/* sectors (64 KiB) */
#define DISK_VMDK_DESC_SECTORS	20		/* embedded, when created */

/* The sparse extent header: sector 0, packed, little-endian. */
struct disk_vmdk_sparse_hdr {
	uint32_t	magic;		/* DISK_VMDK_MAGIC */
	uint32_t	version;	/* 1; 2 (zeroed grains), 3 (stream) */
	uint32_t	flags;		/* DISK_VMDK_FLAG_* */
	uint64_t	capacity;	/* sectors */
	uint64_t	grain_size;	/* sectors, power of two */
	uint64_t	desc_offset;	/* sector of embedded descriptor */
	uint64_t	desc_size;	/* its sectors */
	uint32_t	gtes_per_gt;	/* DISK_VMDK_GTES */
	uint64_t	rgd_offset;	/* sector of redundant GD */
	uint64_t	gd_offset;	/* sector of GD */
	uint64_t	overhead;	/* sectors before the first grain */
	uint8_t		unclean;	/* 1 while open for writing */
	char		nl_single;	/* '\n' */
	char		nl_non;		/* ' ' */
	char		nl_double1;	/* '\r' */
	char		nl_double2;	/* '\n' */
	uint16_t	compress;	/* 0 none, 1 deflate */
	uint8_t		pad[433];	/* zero */
} __attribute__((packed));
_Static_assert(sizeof(struct disk_vmdk_sparse_hdr) == DISK_SECTOR_SIZE,
    "sparse header is one sector");

struct disk_vmdk_sparse;

/* Reads [off, off + len of iov) of what lies under a delta extent (off in
 * bytes from the extent's start).  Total or -1/errno. */
typedef ssize_t (*disk_vmdk_sparse_backing_fn)(void *arg,
			    const struct iovec *, int, uint64_t off);

/* What a grain table entry says (disk_vmdk_sparse_grain_state). */
#define DISK_VMDK_GRAIN_UNALLOCATED	0	/* parent's, or zeros */
#define DISK_VMDK_GRAIN_ZERO		1	/* zeros, hiding the parent */
#define DISK_VMDK_GRAIN_DATA		2	/* in this extent */

/* Open the sparse extent in fd (borrowed: the caller closes it after
 * disk_vmdk_sparse_close).  Writable unless rdonly: sets uncleanShutdown.
 * NULL with errno and *cause "name: problem". */
struct disk_vmdk_sparse	*disk_vmdk_sparse_open(int fd, const char *name,
			    int rdonly, char **cause);
/* Clear uncleanShutdown (if writable), sync and free.  0 or -1/errno. */
int			 disk_vmdk_sparse_close(struct disk_vmdk_sparse *);
uint64_t		 disk_vmdk_sparse_capacity(
			    const struct disk_vmdk_sparse *);
/* 1 if uncleanShutdown was set when the extent was opened. */
int			 disk_vmdk_sparse_was_unclean(
			    const struct disk_vmdk_sparse *);
/* The embedded descriptor (owned, NUL terminated) or NULL if none; -1
 * with *cause on a read error. */
int			 disk_vmdk_sparse_desc(struct disk_vmdk_sparse *,
			    char **text, size_t *len, char **cause);
/* Rewrite the embedded descriptor in place; -1/ENOSPC if it won't fit. */
int			 disk_vmdk_sparse_set_desc(struct disk_vmdk_sparse *,
			    const char *, size_t);
ssize_t			 disk_vmdk_sparse_preadv(struct disk_vmdk_sparse *,
			    const struct iovec *, int, uint64_t);
ssize_t			 disk_vmdk_sparse_pwritev(struct disk_vmdk_sparse *,
			    const struct iovec *, int, uint64_t);
int			 disk_vmdk_sparse_flush(struct disk_vmdk_sparse *);
/* Make the extent a delta: unallocated grains read through fn, and a
 * partial write to one copies fn's data into the rest of the grain. */
void			 disk_vmdk_sparse_set_backing(
			    struct disk_vmdk_sparse *,
			    disk_vmdk_sparse_backing_fn fn, void *arg);
uint64_t		 disk_vmdk_sparse_grain_bytes(
			    const struct disk_vmdk_sparse *);
/* DISK_VMDK_GRAIN_* of grain g in *state; -1/EIO for a bad table,
 * EINVAL beyond the last grain. */
int			 disk_vmdk_sparse_grain_state(
			    struct disk_vmdk_sparse *, uint64_t g, int *state);
int			 disk_vmdk_sparse_grow(struct disk_vmdk_sparse *,
			    uint64_t capacity, char **cause);
/* Walk every grain table: grain size (bytes), grains, grains in use. */
int			 disk_vmdk_sparse_stats(struct disk_vmdk_sparse *,
			    uint64_t *, uint64_t *, uint64_t *, int *,
			    char **cause);
/* Lay out an empty sparse extent of capacity sectors in the empty fd,
 * with text as its embedded descriptor (NULL: none). */
int			 disk_vmdk_sparse_create(int fd, uint64_t capacity,
			    const char *text, size_t len, char **cause);

#endif
