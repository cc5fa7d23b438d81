/* SPDX-License-Identifier: ISC */
/*
 * The hosted sparse extent ("KDMV", monolithicSparse and the pieces of
 * twoGbMaxExtentSparse): a one-sector header, an optional embedded
 * descriptor, a grain directory (GD) of u32 sector numbers of grain
 * tables (GTs) of 512 u32 sector numbers of grains, and the same GD and
 * GTs again as a redundant copy (RGD).  GTE 0 is an unallocated grain and
 * reads as zeros; GTE 1 (with the zeroed-grain flag) reads as zeros too.
 *
 * Untrusted input: the header, the GD and RGD are checked at open, each GT
 * when it is first loaded; an entry that points outside the file or into
 * the metadata fails the I/O that needs it with EIO.  Nothing sized by the
 * file is allocated before it is known to fit in the file.
 *
 * Crash consistency (the writer may be killed, or the machine lose power,
 * at any point):
 *  - a grain is allocated at the end of the file, grain aligned, and its
 *    whole contents (the new data, zeros around it) are written and
 *    fdatasync'ed BEFORE any grain table entry points at it;
 *  - only then the GTE is written, in the redundant GT first and then in
 *    the primary, so each copy holds either the old or the new sector;
 *  - a missing GT is allocated the same way (zeroed, synced, then linked
 *    from the GD and RGD);
 *  - an interrupted allocation leaves at most an unreferenced grain at the
 *    end of the file, which the next allocation skips past;
 *  - growing writes new GD space first and switches the header (one
 *    sector) last.
 * uncleanShutdown is set (and synced) on open for writing and cleared on
 * a clean close.  Reads use the primary GD/GTs; the redundant copies are
 * only written.  Not thread-safe: disk.c serialises calls.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "disk-int.h"

/* Largest capacity read (sectors): 512 TiB keeps every product in u64. */
#define DISK_VMDK_SPARSE_READ_MAX	(1ULL << 40)
/* Largest capacity created or grown to: grains must be addressable by a
 * u32 sector number, with room left for the metadata. */
#define DISK_VMDK_SPARSE_CREATE_MAX	((1ULL << 32) - (1ULL << 20))
/* Bytes and sectors of one grain table. */
#define DISK_VMDK_GT_BYTES		(DISK_VMDK_GTES * 4)
#define DISK_VMDK_GT_SECTORS		(DISK_VMDK_GT_BYTES / DISK_SECTOR_SIZE)
/* Largest sector a GDE or GTE can hold. */
#define DISK_VMDK_SECTOR_LIMIT		(1ULL << 32)

/* A grain allocated by this request, not yet linked from its GTs. */
struct disk_vmdk_sparse_new {
	uint64_t	grain;		/* grain number */
	uint32_t	sector;		/* where its data now is */
};

/* A GT allocated by this request, not yet linked from the GD and RGD. */
struct disk_vmdk_sparse_newgt {
	uint64_t	gdi;		/* GD entry */
	uint32_t	rgt;		/* sector of its redundant copy */
	uint32_t	oldrgd;		/* RGD entry before, for undo */
};

/* An open sparse extent. */
struct disk_vmdk_sparse {
	int				 fd;	/* borrowed */
	char				*name;	/* for messages, owned */
	int				 rdonly;
	struct disk_vmdk_sparse_hdr	 hdr;	/* as on disk (LE) */
	uint32_t			 flags;	/* DISK_VMDK_FLAG_* */
	uint64_t			 capacity;	/* sectors */
	uint64_t			 grain;	/* sectors per grain */
	uint64_t			 ngrains;	/* grains in capacity */
	uint64_t			 ngdes;	/* GD entries in use */
	uint64_t			 gd_off;	/* sectors */
	uint64_t			 rgd_off;	/* sectors (has_rgd) */
	int				 has_rgd;
	uint32_t			*gd;	/* primary GD, host order */
	uint32_t			*rgd;	/* redundant GD or NULL */
	uint32_t			**gt;	/* loaded primary GTs */
	uint64_t			 data_min; /* first sector grains
						   may use (overHead) */
	uint64_t			 meta[3][2];	/* GD, RGD, descriptor:
						   sector, count */
	uint64_t			 file_sectors;	/* file size, rounded
							   up */
	uint64_t			 next_alloc;	/* next grain sector */
	uint8_t				*gbuf;	/* one grain of scratch */
	int				 unclean;	/* set at open */
	int				 wrote;	/* metadata or data written */
	disk_vmdk_sparse_backing_fn	 backing;	/* delta: where
						   unallocated grains come
						   from, or NULL (zeros) */
	void				*backing_arg;
};

static int	disk_vmdk_sparse_err(struct disk_vmdk_sparse *, char **, int,
		    const char *);
static int	disk_vmdk_sparse_check(struct disk_vmdk_sparse *, uint64_t,
		    char **);
static int	disk_vmdk_sparse_in_file(const struct disk_vmdk_sparse *,
		    uint64_t, uint64_t);
static int	disk_vmdk_sparse_load_gd(struct disk_vmdk_sparse *, uint64_t,
		    uint32_t **, const char *, char **);
static int	disk_vmdk_sparse_gt(struct disk_vmdk_sparse *, uint64_t,
		    uint32_t **);
static int	disk_vmdk_sparse_gte(struct disk_vmdk_sparse *, uint64_t,
		    uint32_t *);
static int	disk_vmdk_sparse_write_hdr(struct disk_vmdk_sparse *);
static int	disk_vmdk_sparse_alloc(struct disk_vmdk_sparse *, uint64_t,
		    uint32_t *);
static int	disk_vmdk_sparse_new_gt(struct disk_vmdk_sparse *, uint64_t,
		    struct disk_vmdk_sparse_newgt *);
static int	disk_vmdk_sparse_link(struct disk_vmdk_sparse *,
		    const struct disk_vmdk_sparse_new *, size_t);
static uint64_t	disk_vmdk_sparse_round(uint64_t, uint64_t);
static int	disk_vmdk_sparse_overlaps_meta(const struct disk_vmdk_sparse *,
		    uint64_t, uint64_t);
static int	disk_vmdk_sparse_fill(struct disk_vmdk_sparse *, uint64_t);

/* Round x up to a multiple of the power of two a. */
static uint64_t
disk_vmdk_sparse_round(uint64_t x, uint64_t a)
{
	return ((x + a - 1) & ~(a - 1));
}

/* 1 if [sector, sector + count) overlaps the descriptor, GD or RGD. */
static int
disk_vmdk_sparse_overlaps_meta(const struct disk_vmdk_sparse *sp,
    uint64_t sector, uint64_t count)
{
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (sp->meta[i][1] != 0 && sector < sp->meta[i][0] +
		    sp->meta[i][1] && sp->meta[i][0] < sector + count)
			return (1);
	}
	return (0);
}

/* Set *cause to "name: msg" and errno to error; returns -1. */
static int
disk_vmdk_sparse_err(struct disk_vmdk_sparse *sp, char **cause, int error,
    const char *msg)
{
	if (cause != NULL)
		xasprintf(cause, "%s: %s", sp->name, msg);
	errno = error;
	return (-1);
}

/* 1 if [sector, sector + count) lies within the file. */
static int
disk_vmdk_sparse_in_file(const struct disk_vmdk_sparse *sp, uint64_t sector,
    uint64_t count)
{
	return (sector <= sp->file_sectors &&
	    count <= sp->file_sectors - sector);
}

/* Check the header in sp->hdr against a file of size bytes. */
static int
disk_vmdk_sparse_check(struct disk_vmdk_sparse *sp, uint64_t size,
    char **cause)
{
	const struct disk_vmdk_sparse_hdr	*h = &sp->hdr;
	uint64_t				 gdsec, v;

	if (le32toh(h->magic) != DISK_VMDK_MAGIC)
		return (disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "not a sparse VMDK extent (no KDMV magic)"));
	v = le32toh(h->version);
	if (v < 1 || v > 3)
		return (disk_vmdk_sparse_err(sp, cause, ENOTSUP,
		    "unsupported sparse extent version"));
	sp->flags = le32toh(h->flags);
	if ((sp->flags & (DISK_VMDK_FLAG_COMP | DISK_VMDK_FLAG_MARKERS)) ||
	    le16toh(h->compress) != 0)
		return (disk_vmdk_sparse_err(sp, cause, ENOTSUP,
		    "compressed (streamOptimized) extents are not supported; "
		    "convert the disk with qemu-img convert first"));
	if ((sp->flags & DISK_VMDK_FLAG_NL) && (h->nl_single != '\n' ||
	    h->nl_non != ' ' || h->nl_double1 != '\r' ||
	    h->nl_double2 != '\n'))
		return (disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "newline check bytes are wrong: the file was damaged by a "
		    "text-mode transfer"));
	sp->grain = le64toh(h->grain_size);
	if (sp->grain < DISK_VMDK_GRAIN_MIN ||
	    sp->grain > DISK_VMDK_GRAIN_MAX ||
	    (sp->grain & (sp->grain - 1)) != 0)
		return (disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "grainSize is not a power of two between 8 and 65536 "
		    "sectors"));
	if (le32toh(h->gtes_per_gt) != DISK_VMDK_GTES)
		return (disk_vmdk_sparse_err(sp, cause, ENOTSUP,
		    "numGTEsPerGT is not 512"));
	sp->capacity = le64toh(h->capacity);
	if (sp->capacity == 0 || sp->capacity > DISK_VMDK_SPARSE_READ_MAX)
		return (disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "capacity is zero or larger than 512 TiB"));
	sp->ngrains = (sp->capacity + sp->grain - 1) / sp->grain;
	sp->ngdes = (sp->ngrains + DISK_VMDK_GTES - 1) / DISK_VMDK_GTES;
	gdsec = (sp->ngdes * 4 + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE;

	sp->file_sectors = (size + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE;
	sp->gd_off = le64toh(h->gd_offset);
	if (sp->gd_off == UINT64_MAX)
		return (disk_vmdk_sparse_err(sp, cause, ENOTSUP,
		    "grain directory in the footer (streamOptimized) is not "
		    "supported"));
	if (sp->gd_off == 0 || !disk_vmdk_sparse_in_file(sp, sp->gd_off, gdsec))
		return (disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "grain directory (gdOffset) lies outside the file"));
	sp->data_min = 1;
	sp->meta[0][0] = sp->gd_off;
	sp->meta[0][1] = gdsec;
	sp->has_rgd = (sp->flags & DISK_VMDK_FLAG_RGD) != 0;
	if (sp->has_rgd) {
		sp->rgd_off = le64toh(h->rgd_offset);
		if (sp->rgd_off == 0 ||
		    !disk_vmdk_sparse_in_file(sp, sp->rgd_off, gdsec))
			return (disk_vmdk_sparse_err(sp, cause, EINVAL,
			    "redundant grain directory (rgdOffset) lies "
			    "outside the file"));
		sp->meta[1][0] = sp->rgd_off;
		sp->meta[1][1] = gdsec;
	}
	v = le64toh(h->desc_offset);
	if (v != 0) {
		if (le64toh(h->desc_size) > DISK_VMDK_DESC_MAX /
		    DISK_SECTOR_SIZE || !disk_vmdk_sparse_in_file(sp, v,
		    le64toh(h->desc_size)))
			return (disk_vmdk_sparse_err(sp, cause, EINVAL,
			    "embedded descriptor lies outside the file or is "
			    "larger than 1 MiB"));
		sp->meta[2][0] = v;
		sp->meta[2][1] = le64toh(h->desc_size);
	}
	/* overHead bounds the data area unless it is nonsense. */
	v = le64toh(h->overhead);
	if (v > sp->data_min && v <= sp->file_sectors)
		sp->data_min = v;
	return (0);
}

/* Read and check a GD of sp->ngdes entries at sector off into *out. */
static int
disk_vmdk_sparse_load_gd(struct disk_vmdk_sparse *sp, uint64_t off,
    uint32_t **out, const char *what, char **cause)
{
	uint32_t	*gd;
	uint64_t	 i;
	char		*msg;

	gd = xreallocarray(NULL, sp->ngdes, sizeof *gd);
	if (disk_full_pread(sp->fd, gd, sp->ngdes * 4,
	    (off_t)(off * DISK_SECTOR_SIZE)) == -1) {
		free(gd);
		if (cause != NULL)
			xasprintf(cause, "%s: reading the %s: %s", sp->name,
			    what, strerror(errno));
		return (-1);
	}
	for (i = 0; i < sp->ngdes; i++) {
		gd[i] = le32toh(gd[i]);
		if (gd[i] != 0 && !disk_vmdk_sparse_in_file(sp, gd[i],
		    DISK_VMDK_GT_SECTORS)) {
			xasprintf(&msg, "%s entry %llu points outside the file",
			    what, (unsigned long long)i);
			disk_vmdk_sparse_err(sp, cause, EINVAL, msg);
			free(msg);
			free(gd);
			return (-1);
		}
	}
	*out = gd;
	return (0);
}

struct disk_vmdk_sparse *
disk_vmdk_sparse_open(int fd, const char *name, int rdonly, char **cause)
{
	struct disk_vmdk_sparse	*sp;
	struct stat		 sb;
	int			 saved;

	if (cause != NULL)
		*cause = NULL;
	sp = xcalloc(1, sizeof *sp);
	sp->fd = fd;
	sp->name = xstrdup(name);
	sp->rdonly = rdonly;
	if (fstat(fd, &sb) == -1) {
		disk_vmdk_sparse_err(sp, cause, errno, strerror(errno));
		goto fail;
	}
	if ((uint64_t)sb.st_size < sizeof sp->hdr) {
		disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "too short for a sparse extent header");
		goto fail;
	}
	if (disk_full_pread(fd, &sp->hdr, sizeof sp->hdr, 0) == -1) {
		disk_vmdk_sparse_err(sp, cause, errno, strerror(errno));
		goto fail;
	}
	if (disk_vmdk_sparse_check(sp, (uint64_t)sb.st_size, cause) == -1)
		goto fail;
	if (disk_vmdk_sparse_load_gd(sp, sp->gd_off, &sp->gd,
	    "grain directory", cause) == -1)
		goto fail;
	if (sp->has_rgd && disk_vmdk_sparse_load_gd(sp, sp->rgd_off, &sp->rgd,
	    "redundant grain directory", cause) == -1)
		goto fail;
	sp->gt = xcalloc(sp->ngdes, sizeof *sp->gt);
	sp->unclean = sp->hdr.unclean != 0;
	sp->next_alloc = disk_vmdk_sparse_round(sp->file_sectors >
	    sp->data_min ? sp->file_sectors : sp->data_min, sp->grain);
	if (!rdonly) {
		sp->gbuf = xmalloc(sp->grain * DISK_SECTOR_SIZE);
		sp->hdr.unclean = 1;
		if (disk_vmdk_sparse_write_hdr(sp) == -1 ||
		    fdatasync(fd) == -1) {
			disk_vmdk_sparse_err(sp, cause, errno,
			    strerror(errno));
			goto fail;
		}
	}
	return (sp);

fail:
	saved = errno;
	sp->rdonly = 1;
	disk_vmdk_sparse_close(sp);
	errno = saved;
	return (NULL);
}

int
disk_vmdk_sparse_close(struct disk_vmdk_sparse *sp)
{
	uint64_t	i;
	int		rc = 0;

	if (sp == NULL)
		return (0);
	if (!sp->rdonly) {
		/* Clean now if we wrote; else keep what we found. */
		sp->hdr.unclean = sp->wrote ? 0 : sp->unclean;
		if (fdatasync(sp->fd) == -1 ||
		    disk_vmdk_sparse_write_hdr(sp) == -1 ||
		    fdatasync(sp->fd) == -1)
			rc = -1;
	}
	if (sp->gt != NULL) {
		for (i = 0; i < sp->ngdes; i++)
			free(sp->gt[i]);
	}
	free(sp->gt);
	free(sp->gd);
	free(sp->rgd);
	free(sp->gbuf);
	free(sp->name);
	free(sp);
	return (rc);
}

uint64_t
disk_vmdk_sparse_capacity(const struct disk_vmdk_sparse *sp)
{
	return (sp->capacity);
}

int
disk_vmdk_sparse_was_unclean(const struct disk_vmdk_sparse *sp)
{
	return (sp->unclean);
}

static int
disk_vmdk_sparse_write_hdr(struct disk_vmdk_sparse *sp)
{
	return (disk_full_pwrite(sp->fd, &sp->hdr, sizeof sp->hdr, 0));
}

int
disk_vmdk_sparse_desc(struct disk_vmdk_sparse *sp, char **text, size_t *len,
    char **cause)
{
	uint64_t	off, size;
	char		*buf;

	*text = NULL;
	*len = 0;
	off = le64toh(sp->hdr.desc_offset);
	size = le64toh(sp->hdr.desc_size) * DISK_SECTOR_SIZE;
	if (off == 0 || size == 0)
		return (0);
	buf = xmalloc(size + 1);
	if (disk_full_pread(sp->fd, buf, size,
	    (off_t)(off * DISK_SECTOR_SIZE)) == -1) {
		free(buf);
		return (disk_vmdk_sparse_err(sp, cause, errno,
		    strerror(errno)));
	}
	buf[size] = '\0';
	*len = strlen(buf);
	*text = buf;
	return (0);
}

int
disk_vmdk_sparse_set_desc(struct disk_vmdk_sparse *sp, const char *text,
    size_t len)
{
	uint64_t	off, size;
	char		*buf;
	int		 rc;

	off = le64toh(sp->hdr.desc_offset);
	size = le64toh(sp->hdr.desc_size) * DISK_SECTOR_SIZE;
	if (off == 0 || len >= size) {
		errno = ENOSPC;
		return (-1);
	}
	/* Zero the rest of the area so no tail of a longer text remains. */
	sp->wrote = 1;
	buf = xcalloc(1, size);
	memcpy(buf, text, len);
	rc = disk_full_pwrite(sp->fd, buf, size,
	    (off_t)(off * DISK_SECTOR_SIZE));
	free(buf);
	return (rc);
}

/*
 * The primary GT for GD entry gdi in *gt (NULL if not allocated), loaded
 * and checked on first use.  -1/EIO for a GT with a bad entry.
 */
static int
disk_vmdk_sparse_gt(struct disk_vmdk_sparse *sp, uint64_t gdi, uint32_t **gt)
{
	uint32_t	*t, e;
	size_t		 i;

	*gt = sp->gt[gdi];
	if (*gt != NULL || sp->gd[gdi] == 0)
		return (0);
	t = xreallocarray(NULL, DISK_VMDK_GTES, sizeof *t);
	if (disk_full_pread(sp->fd, t, DISK_VMDK_GT_BYTES,
	    (off_t)sp->gd[gdi] * DISK_SECTOR_SIZE) == -1) {
		free(t);
		return (-1);
	}
	for (i = 0; i < DISK_VMDK_GTES; i++) {
		e = t[i] = le32toh(t[i]);
		if (e == 0 || (e == 1 && (sp->flags & DISK_VMDK_FLAG_ZGRAIN)))
			continue;
		/* Data must be in the file and not in the metadata. */
		if (e < sp->data_min ||
		    !disk_vmdk_sparse_in_file(sp, e, sp->grain) ||
		    disk_vmdk_sparse_overlaps_meta(sp, e, sp->grain)) {
			free(t);
			errno = EIO;
			return (-1);
		}
	}
	sp->gt[gdi] = *gt = t;
	return (0);
}

/* The GTE of grain g (0 unallocated, 1 zeroed, else a sector). */
static int
disk_vmdk_sparse_gte(struct disk_vmdk_sparse *sp, uint64_t g, uint32_t *e)
{
	uint32_t	*gt;

	if (disk_vmdk_sparse_gt(sp, g / DISK_VMDK_GTES, &gt) == -1)
		return (-1);
	*e = gt == NULL ? 0 : gt[g % DISK_VMDK_GTES];
	return (0);
}

ssize_t
disk_vmdk_sparse_preadv(struct disk_vmdk_sparse *sp, const struct iovec *iov,
    int iovcnt, uint64_t off)
{
	struct iovec	*sub;
	uint64_t	 gbytes, g, in, n, done = 0, len;
	uint32_t	 e;
	int		 cnt;

	len = disk_iov_len(iov, iovcnt);
	if (off > sp->capacity * DISK_SECTOR_SIZE ||
	    len > sp->capacity * DISK_SECTOR_SIZE - off) {
		errno = EINVAL;
		return (-1);
	}
	gbytes = sp->grain * DISK_SECTOR_SIZE;
	sub = xreallocarray(NULL, iovcnt > 0 ? iovcnt : 1, sizeof *sub);
	while (done < len) {
		g = (off + done) / gbytes;
		in = (off + done) % gbytes;
		n = gbytes - in;
		if (n > len - done)
			n = len - done;
		if (disk_vmdk_sparse_gte(sp, g, &e) == -1)
			goto fail;
		if (e == 0 && sp->backing != NULL) {
			/* A delta's hole shows its parent. */
			cnt = disk_iov_slice(iov, iovcnt, done, n, sub);
			if (sp->backing(sp->backing_arg, sub, cnt,
			    off + done) == -1)
				goto fail;
		} else if (e <= 1)
			disk_iov_zero(iov, iovcnt, done, n);
		else {
			cnt = disk_iov_slice(iov, iovcnt, done, n, sub);
			if (disk_full_preadv(sp->fd, sub, cnt,
			    (off_t)((uint64_t)e * DISK_SECTOR_SIZE + in)) == -1)
				goto fail;
		}
		done += n;
	}
	free(sub);
	return ((ssize_t)len);

fail:
	free(sub);
	return (-1);
}

/*
 * Reserve the next grain-aligned grain at the end of the file in *sector.
 * ENOSPC once a sector number would not fit a GTE.
 */
static int
disk_vmdk_sparse_alloc(struct disk_vmdk_sparse *sp, uint64_t count,
    uint32_t *sector)
{
	if (sp->next_alloc + count > DISK_VMDK_SECTOR_LIMIT) {
		errno = ENOSPC;
		return (-1);
	}
	*sector = (uint32_t)sp->next_alloc;
	sp->next_alloc += count;
	if (sp->next_alloc > sp->file_sectors)
		sp->file_sectors = sp->next_alloc;
	return (0);
}

/*
 * Give GD entry gdi a new, zeroed GT (and RGT) in one grain at the end of
 * the file, in memory only: the caller syncs, then writes the GD and RGD
 * entries.  ng records what to link or undo.
 */
static int
disk_vmdk_sparse_new_gt(struct disk_vmdk_sparse *sp, uint64_t gdi,
    struct disk_vmdk_sparse_newgt *ng)
{
	uint32_t	sector;

	if (disk_vmdk_sparse_alloc(sp, sp->grain, &sector) == -1)
		return (-1);
	memset(sp->gbuf, 0, sp->grain * DISK_SECTOR_SIZE);
	if (disk_full_pwrite(sp->fd, sp->gbuf, sp->grain * DISK_SECTOR_SIZE,
	    (off_t)sector * DISK_SECTOR_SIZE) == -1)
		return (-1);
	sp->gt[gdi] = xcalloc(DISK_VMDK_GTES, sizeof *sp->gt[gdi]);
	ng->gdi = gdi;
	ng->rgt = sector + DISK_VMDK_GT_SECTORS;
	sp->gd[gdi] = sector;
	if (sp->rgd != NULL) {
		ng->oldrgd = sp->rgd[gdi];
		sp->rgd[gdi] = ng->rgt;
	}
	return (0);
}

/*
 * Point the GTEs of the grains in nw (whose data is already durable) at
 * their new sectors: redundant copy first, then the primary.
 */
static int
disk_vmdk_sparse_link(struct disk_vmdk_sparse *sp,
    const struct disk_vmdk_sparse_new *nw, size_t n)
{
	uint64_t	gdi, gti;
	uint32_t	le;
	size_t		i;

	for (i = 0; i < n; i++) {
		gdi = nw[i].grain / DISK_VMDK_GTES;
		gti = nw[i].grain % DISK_VMDK_GTES;
		le = htole32(nw[i].sector);
		if (sp->rgd != NULL && sp->rgd[gdi] != 0 &&
		    disk_full_pwrite(sp->fd, &le, sizeof le,
		    (off_t)sp->rgd[gdi] * DISK_SECTOR_SIZE + gti * 4) == -1)
			return (-1);
		if (disk_full_pwrite(sp->fd, &le, sizeof le,
		    (off_t)sp->gd[gdi] * DISK_SECTOR_SIZE + gti * 4) == -1)
			return (-1);
		sp->gt[gdi][gti] = nw[i].sector;
	}
	return (0);
}

ssize_t
disk_vmdk_sparse_pwritev(struct disk_vmdk_sparse *sp,
    const struct iovec *iov, int iovcnt, uint64_t off)
{
	struct disk_vmdk_sparse_new	*nw = NULL;
	struct disk_vmdk_sparse_newgt	*ngt = NULL;
	struct iovec			*sub;
	uint64_t			 gbytes, g, in, n, done = 0, len, gdi;
	uint32_t			 e, sector, *gt, le;
	size_t				 nnew = 0, nnewgd = 0, i;
	int				 cnt;

	len = disk_iov_len(iov, iovcnt);
	if (sp->rdonly) {
		errno = EROFS;
		return (-1);
	}
	if (off > sp->capacity * DISK_SECTOR_SIZE ||
	    len > sp->capacity * DISK_SECTOR_SIZE - off) {
		errno = EINVAL;
		return (-1);
	}
	gbytes = sp->grain * DISK_SECTOR_SIZE;
	sp->wrote = 1;
	sub = xreallocarray(NULL, iovcnt > 0 ? iovcnt : 1, sizeof *sub);
	n = (len + gbytes - 1) / gbytes + 1;
	nw = xreallocarray(NULL, n, sizeof *nw);
	ngt = xreallocarray(NULL, n, sizeof *ngt);

	/* Pass 1: data.  New grains and GTs get written, not linked. */
	while (done < len) {
		g = (off + done) / gbytes;
		in = (off + done) % gbytes;
		n = gbytes - in;
		if (n > len - done)
			n = len - done;
		gdi = g / DISK_VMDK_GTES;
		if (disk_vmdk_sparse_gt(sp, gdi, &gt) == -1)
			goto fail;
		if (gt == NULL) {
			if (disk_vmdk_sparse_new_gt(sp, gdi,
			    &ngt[nnewgd]) == -1)
				goto fail;
			nnewgd++;
		}
		e = sp->gt[gdi][g % DISK_VMDK_GTES];
		cnt = disk_iov_slice(iov, iovcnt, done, n, sub);
		if (e > 1) {
			if (disk_full_pwritev(sp->fd, sub, cnt,
			    (off_t)((uint64_t)e * DISK_SECTOR_SIZE + in)) == -1)
				goto fail;
		} else {
			if (disk_vmdk_sparse_alloc(sp, sp->grain,
			    &sector) == -1)
				goto fail;
			if (e == 0 && n < gbytes) {
				if (disk_vmdk_sparse_fill(sp, g) == -1)
					goto fail;
			} else
				memset(sp->gbuf, 0, gbytes);
			disk_iov_to_buf(iov, iovcnt, done, sp->gbuf + in, n);
			if (disk_full_pwrite(sp->fd, sp->gbuf, gbytes,
			    (off_t)sector * DISK_SECTOR_SIZE) == -1)
				goto fail;
			nw[nnew].grain = g;
			nw[nnew++].sector = sector;
		}
		done += n;
	}

	/* Pass 2: metadata, only after the data it points at is durable. */
	if (nnew > 0 || nnewgd > 0) {
		if (fdatasync(sp->fd) == -1)
			goto fail;
		if (disk_vmdk_sparse_link(sp, nw, nnew) == -1)
			goto fail;
		for (i = 0; i < nnewgd; i++) {
			gdi = ngt[i].gdi;
			if (sp->rgd != NULL) {
				le = htole32(ngt[i].rgt);
				if (disk_full_pwrite(sp->fd, &le, sizeof le,
				    (off_t)(sp->rgd_off * DISK_SECTOR_SIZE +
				    gdi * 4)) == -1)
					goto fail;
			}
			le = htole32(sp->gd[gdi]);
			if (disk_full_pwrite(sp->fd, &le, sizeof le,
			    (off_t)(sp->gd_off * DISK_SECTOR_SIZE +
			    gdi * 4)) == -1)
				goto fail;
		}
	}
	free(ngt);
	free(nw);
	free(sub);
	return ((ssize_t)len);

fail:
	/*
	 * The grains and GTs written so far stay unreferenced at the end of
	 * the file; forget GTs that were never linked so a retry starts
	 * over.
	 */
	for (i = 0; i < nnewgd; i++) {
		free(sp->gt[ngt[i].gdi]);
		sp->gt[ngt[i].gdi] = NULL;
		sp->gd[ngt[i].gdi] = 0;
		if (sp->rgd != NULL)
			sp->rgd[ngt[i].gdi] = ngt[i].oldrgd;
	}
	free(ngt);
	free(nw);
	free(sub);
	if (errno == 0)
		errno = EIO;
	return (-1);
}

/*
 * The old contents of grain g into sp->gbuf before a part of it is
 * written: the parent's data for a delta (a grain is allocated whole, so
 * the part not written must keep showing what the parent had), else
 * zeros.  The part of a last grain beyond the capacity stays zero.
 */
static int
disk_vmdk_sparse_fill(struct disk_vmdk_sparse *sp, uint64_t g)
{
	struct iovec	iov;
	uint64_t	gbytes = sp->grain * DISK_SECTOR_SIZE, cap, at;

	memset(sp->gbuf, 0, gbytes);
	if (sp->backing == NULL)
		return (0);
	cap = sp->capacity * DISK_SECTOR_SIZE;
	at = g * gbytes;
	iov.iov_base = sp->gbuf;
	iov.iov_len = cap - at < gbytes ? cap - at : gbytes;
	return (sp->backing(sp->backing_arg, &iov, 1, at) == -1 ? -1 : 0);
}

void
disk_vmdk_sparse_set_backing(struct disk_vmdk_sparse *sp,
    disk_vmdk_sparse_backing_fn fn, void *arg)
{
	sp->backing = fn;
	sp->backing_arg = arg;
}

uint64_t
disk_vmdk_sparse_grain_bytes(const struct disk_vmdk_sparse *sp)
{
	return (sp->grain * DISK_SECTOR_SIZE);
}

int
disk_vmdk_sparse_grain_state(struct disk_vmdk_sparse *sp, uint64_t g,
    int *state)
{
	uint32_t	e;

	if (g >= sp->ngrains) {
		errno = EINVAL;
		return (-1);
	}
	if (disk_vmdk_sparse_gte(sp, g, &e) == -1)
		return (-1);
	if (e == 0)
		*state = DISK_VMDK_GRAIN_UNALLOCATED;
	else if (e == 1)
		*state = DISK_VMDK_GRAIN_ZERO;
	else
		*state = DISK_VMDK_GRAIN_DATA;
	return (0);
}

int
disk_vmdk_sparse_flush(struct disk_vmdk_sparse *sp)
{
	if (sp->rdonly)
		return (0);
	return (fdatasync(sp->fd));
}

int
disk_vmdk_sparse_grow(struct disk_vmdk_sparse *sp, uint64_t capacity,
    char **cause)
{
	struct disk_vmdk_sparse_hdr	 h;
	struct stat			 sb;
	uint64_t			 ngrains, ngdes, gdsec, oldsec, i, nnew;
	uint32_t			*gd = NULL, *rgd = NULL, *buf = NULL;
	uint32_t			 gdat = 0, rgdat = 0, gtat = 0;
	size_t				 bytes;
	int				 move;

	if (cause != NULL)
		*cause = NULL;
	if (sp->rdonly)
		return (disk_vmdk_sparse_err(sp, cause, EROFS,
		    "opened read-only"));
	if (capacity < sp->capacity || capacity > DISK_VMDK_SPARSE_CREATE_MAX)
		return (disk_vmdk_sparse_err(sp, cause, EINVAL,
		    "new capacity is smaller or above 2 TiB - 512 MiB"));
	sp->wrote = 1;
	ngrains = (capacity + sp->grain - 1) / sp->grain;
	ngdes = (ngrains + DISK_VMDK_GTES - 1) / DISK_VMDK_GTES;
	gdsec = (ngdes * 4 + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE;
	oldsec = (sp->ngdes * 4 + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE;
	/* The tail of the last GD sector is free; beyond it are GTs. */
	move = gdsec > oldsec;

	gd = xcalloc(ngdes, sizeof *gd);
	memcpy(gd, sp->gd, sp->ngdes * sizeof *gd);
	if (sp->rgd != NULL) {
		rgd = xcalloc(ngdes, sizeof *rgd);
		memcpy(rgd, sp->rgd, sp->ngdes * sizeof *rgd);
	}
	/*
	 * Zeroed GTs for the new GD entries, as at creation (other readers,
	 * qemu among them, need every GT to exist): a hole at the end of the
	 * file, primaries then redundant copies.
	 */
	if ((nnew = ngdes - sp->ngdes) > 0) {
		if (disk_vmdk_sparse_alloc(sp, disk_vmdk_sparse_round(nnew *
		    DISK_VMDK_GT_SECTORS * (rgd != NULL ? 2 : 1), sp->grain),
		    &gtat) == -1 || fstat(sp->fd, &sb) == -1)
			goto fail;
		if ((uint64_t)sb.st_size < sp->next_alloc * DISK_SECTOR_SIZE &&
		    ftruncate(sp->fd, (off_t)(sp->next_alloc *
		    DISK_SECTOR_SIZE)) == -1)
			goto fail;
		for (i = 0; i < nnew; i++) {
			gd[sp->ngdes + i] = gtat +
			    (uint32_t)(i * DISK_VMDK_GT_SECTORS);
			if (rgd != NULL)
				rgd[sp->ngdes + i] = gtat + (uint32_t)((nnew +
				    i) * DISK_VMDK_GT_SECTORS);
		}
	}
	bytes = gdsec * DISK_SECTOR_SIZE;
	buf = xcalloc(1, bytes);
	if (move) {
		/* New copies at the end of the file, switched to below. */
		if (disk_vmdk_sparse_alloc(sp, disk_vmdk_sparse_round(gdsec *
		    (rgd != NULL ? 2 : 1), sp->grain), &gdat) == -1)
			goto fail;
		rgdat = gdat + (uint32_t)gdsec;
		for (i = 0; i < ngdes; i++)
			buf[i] = htole32(gd[i]);
		if (disk_full_pwrite(sp->fd, buf, bytes,
		    (off_t)gdat * DISK_SECTOR_SIZE) == -1)
			goto fail;
		if (rgd != NULL) {
			for (i = 0; i < ngdes; i++)
				buf[i] = htole32(rgd[i]);
			if (disk_full_pwrite(sp->fd, buf, bytes,
			    (off_t)rgdat * DISK_SECTOR_SIZE) == -1)
				goto fail;
		}
	} else if (nnew > 0) {
		/* In place: these entries are unused by the old size. */
		bytes = nnew * 4;
		for (i = 0; i < nnew; i++)
			buf[i] = htole32(gd[sp->ngdes + i]);
		if (disk_full_pwrite(sp->fd, buf, bytes, (off_t)(sp->gd_off *
		    DISK_SECTOR_SIZE + sp->ngdes * 4)) == -1)
			goto fail;
		for (i = 0; rgd != NULL && i < nnew; i++)
			buf[i] = htole32(rgd[sp->ngdes + i]);
		if (rgd != NULL && disk_full_pwrite(sp->fd, buf, bytes,
		    (off_t)(sp->rgd_off * DISK_SECTOR_SIZE + sp->ngdes * 4)) ==
		    -1)
			goto fail;
	}
	if (fdatasync(sp->fd) == -1)
		goto fail;

	/* The switch: one header sector. */
	h = sp->hdr;
	h.capacity = htole64(capacity);
	if (move) {
		h.gd_offset = htole64(gdat);
		if (rgd != NULL)
			h.rgd_offset = htole64(rgdat);
	}
	if (disk_full_pwrite(sp->fd, &h, sizeof h, 0) == -1 ||
	    fdatasync(sp->fd) == -1)
		goto fail;
	sp->hdr = h;
	if (move) {
		sp->gd_off = gdat;
		if (rgd != NULL)
			sp->rgd_off = rgdat;
	}
	sp->meta[0][0] = sp->gd_off;
	sp->meta[0][1] = gdsec;
	if (rgd != NULL) {
		sp->meta[1][0] = sp->rgd_off;
		sp->meta[1][1] = gdsec;
	}
	sp->gt = xrecallocarray(sp->gt, sp->ngdes, ngdes, sizeof *sp->gt);
	free(sp->gd);
	free(sp->rgd);
	sp->gd = gd;
	sp->rgd = rgd;
	sp->capacity = capacity;
	sp->ngrains = ngrains;
	sp->ngdes = ngdes;
	free(buf);
	return (0);

fail:
	free(buf);
	free(gd);
	free(rgd);
	return (disk_vmdk_sparse_err(sp, cause, errno, strerror(errno)));
}

int
disk_vmdk_sparse_stats(struct disk_vmdk_sparse *sp, uint64_t *grain_bytes,
    uint64_t *grains, uint64_t *used, int *unclean, char **cause)
{
	uint64_t	 gdi, i;
	uint32_t	*gt;
	char		*msg;

	*grain_bytes = sp->grain * DISK_SECTOR_SIZE;
	*grains = sp->ngrains;
	*unclean = sp->unclean;
	*used = 0;
	for (gdi = 0; gdi < sp->ngdes; gdi++) {
		if (disk_vmdk_sparse_gt(sp, gdi, &gt) == -1) {
			xasprintf(&msg, "grain table %llu (sector %u) is "
			    "unreadable or has an entry outside the data area",
			    (unsigned long long)gdi, sp->gd[gdi]);
			disk_vmdk_sparse_err(sp, cause, errno == EIO ? EINVAL :
			    errno, msg);
			free(msg);
			return (-1);
		}
		if (gt == NULL)
			continue;
		for (i = 0; i < DISK_VMDK_GTES; i++) {
			if (gt[i] > 1)
				(*used)++;
		}
	}
	return (0);
}

int
disk_vmdk_sparse_create(int fd, uint64_t capacity, const char *text,
    size_t len, char **cause)
{
	struct disk_vmdk_sparse_hdr	 h;
	uint64_t			 ngrains, ngdes, gdsec, descsec, end, i;
	uint64_t			 rgd, gd, overhead;
	uint32_t			*buf;
	char				*dbuf;
	int				 saved;

	if (capacity == 0 || capacity > DISK_VMDK_SPARSE_CREATE_MAX) {
		if (cause != NULL)
			xasprintf(cause, "sparse disks must be between 512 "
			    "bytes and 2 TiB - 512 MiB");
		errno = EINVAL;
		return (-1);
	}
	ngrains = (capacity + DISK_VMDK_GRAIN_DEF - 1) / DISK_VMDK_GRAIN_DEF;
	ngdes = (ngrains + DISK_VMDK_GTES - 1) / DISK_VMDK_GTES;
	gdsec = (ngdes * 4 + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE;
	descsec = text == NULL ? 0 : (len + DISK_SECTOR_SIZE) /
	    DISK_SECTOR_SIZE;
	if (text != NULL && descsec < DISK_VMDK_DESC_SECTORS)
		descsec = DISK_VMDK_DESC_SECTORS;
	/* header, descriptor, RGD, RGTs, GD, GTs, then grains */
	rgd = 1 + descsec;
	gd = rgd + gdsec + ngdes * DISK_VMDK_GT_SECTORS;
	end = gd + gdsec + ngdes * DISK_VMDK_GT_SECTORS;
	overhead = disk_vmdk_sparse_round(end, DISK_VMDK_GRAIN_DEF);

	memset(&h, 0, sizeof h);
	h.magic = htole32(DISK_VMDK_MAGIC);
	h.version = htole32(1);
	h.flags = htole32(DISK_VMDK_FLAG_NL | DISK_VMDK_FLAG_RGD);
	h.capacity = htole64(capacity);
	h.grain_size = htole64(DISK_VMDK_GRAIN_DEF);
	h.desc_offset = htole64(text == NULL ? 0 : 1);
	h.desc_size = htole64(descsec);
	h.gtes_per_gt = htole32(DISK_VMDK_GTES);
	h.rgd_offset = htole64(rgd);
	h.gd_offset = htole64(gd);
	h.overhead = htole64(overhead);
	h.nl_single = '\n';
	h.nl_non = ' ';
	h.nl_double1 = '\r';
	h.nl_double2 = '\n';

	/* GTs are zero: the file's holes. */
	if (ftruncate(fd, (off_t)(overhead * DISK_SECTOR_SIZE)) == -1)
		goto fail;
	if (disk_full_pwrite(fd, &h, sizeof h, 0) == -1)
		goto fail;
	if (text != NULL) {
		dbuf = xcalloc(descsec, DISK_SECTOR_SIZE);
		memcpy(dbuf, text, len);
		if (disk_full_pwrite(fd, dbuf, descsec * DISK_SECTOR_SIZE,
		    DISK_SECTOR_SIZE) == -1) {
			saved = errno;
			free(dbuf);
			errno = saved;
			goto fail;
		}
		free(dbuf);
	}
	buf = xcalloc(gdsec, DISK_SECTOR_SIZE);
	for (i = 0; i < ngdes; i++)
		buf[i] = htole32((uint32_t)(rgd + gdsec +
		    i * DISK_VMDK_GT_SECTORS));
	if (disk_full_pwrite(fd, buf, gdsec * DISK_SECTOR_SIZE,
	    (off_t)(rgd * DISK_SECTOR_SIZE)) == -1) {
		free(buf);
		goto fail;
	}
	for (i = 0; i < ngdes; i++)
		buf[i] = htole32((uint32_t)(gd + gdsec +
		    i * DISK_VMDK_GT_SECTORS));
	if (disk_full_pwrite(fd, buf, gdsec * DISK_SECTOR_SIZE,
	    (off_t)(gd * DISK_SECTOR_SIZE)) == -1) {
		free(buf);
		goto fail;
	}
	free(buf);
	if (fsync(fd) == -1)
		goto fail;
	return (0);

fail:
	saved = errno;
	if (cause != NULL)
		xasprintf(cause, "%s", strerror(saved));
	errno = saved;
	return (-1);
}
