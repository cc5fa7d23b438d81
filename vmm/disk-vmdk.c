/* SPDX-License-Identifier: ISC */
/*
 * VMDK disks: the text descriptor (parsed and written here) and the list
 * of extents it names, concatenated in order into one disk.  FLAT (and
 * VMFS) extents are raw sectors at an offset in a file, ZERO extents read
 * as zeros, SPARSE extents are hosted sparse files (disk-vmdk-sparse.c).
 * A monolithicSparse disk is one sparse file whose descriptor is embedded
 * in it; a monolithicFlat disk is a descriptor file plus "<name>-flat.vmdk".
 *
 * The descriptor is untrusted: lines are parsed strictly (errors name the
 * line), extent files must be relative paths below the descriptor's
 * directory, and every extent must fit in its file.  Compressed or
 * streamOptimized disks are refused with ENOTSUP.
 *
 * Deltas (disk.h): a descriptor with a parentCID other than ffffffff
 * opens its parentFileNameHint read-only as v->parent, checks the CIDs,
 * and gives each sparse extent a backing read from the parent, so the
 * grain code in disk-vmdk-sparse.c needs to know nothing of chains.
 * disk_commit, disk_set_parent and the live switch of disk_snapshot are
 * here too, as they are descriptor and extent work.
 *
 * On the first write of each session the CID changes, as VMware does, so
 * deltas made from this disk notice.  A descriptor file is replaced
 * atomically (lib/atomicfile); an embedded one is rewritten in place with
 * the same length, so only the CID's bytes change.  Growing a disk grows
 * the extent first and rewrites the descriptor last, so a crash leaves the
 * old size.  Not thread-safe: disk.c serialises every call.
 */

#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <linux/falloc.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "xmalloc.h"
#include "disk-int.h"

#define DISK_VMDK_DESC_MAGIC	"# Disk DescriptorFile"
#define DISK_VMDK_ZERO_CHUNK	(1024 * 1024)
/* Largest disk (sectors) assembled from extents. */
#define DISK_VMDK_SECTORS_MAX	(1ULL << 40)

/* One extent of an open disk. */
struct disk_vmdk_ext {
	enum disk_vmdk_type	 type;
	uint64_t		 start;		/* first disk sector */
	uint64_t		 sectors;	/* length in sectors */
	int			 fd;		/* -1 for ZERO */
	int			 own_fd;	/* fd is closed with the ext */
	uint64_t		 offset;	/* FLAT: byte offset in fd */
	struct disk_vmdk_sparse	*sp;		/* SPARSE: owned */
	int			 dirty;		/* written since last flush */
	struct disk		*parent;	/* delta: v->parent, borrowed */
};

/* An open VMDK. */
struct disk_vmdk {
	struct disk_vmdk_desc	*desc;		/* owned */
	int			 fd;		/* descriptor or monolithic
						   sparse file, owned */
	int			 embedded;	/* desc lives in ext[0].sp */
	struct disk_vmdk_ext	*ext;		/* owned */
	size_t			 next;
	int			 cid_done;	/* CID changed this session */
	int			 unclean;	/* an extent was unclean */
	int			 no_desc;	/* KDMV without a descriptor */
	struct disk		*parent;	/* delta: opened read-only,
						   owned; NULL otherwise */
	char			*parent_path;	/* its path as opened, owned */
	int			 no_io;		/* DISK_OPEN_NOPARENT delta */
};

/* The descriptor key that names a delta's parent. */
#define DISK_VMDK_HINT		"parentFileNameHint"
/* Grains committed per write (disk_commit). */
#define DISK_VMDK_COMMIT_RUN	16

static int	disk_vmdk_probe(const uint8_t *, size_t);
static int	disk_vmdk_open(struct disk *, int, char **);
static ssize_t	disk_vmdk_preadv(struct disk *, const struct iovec *, int,
		    uint64_t);
static ssize_t	disk_vmdk_pwritev(struct disk *, const struct iovec *, int,
		    uint64_t);
static int	disk_vmdk_flush(struct disk *);
static int	disk_vmdk_discard(struct disk *, uint64_t, uint64_t);
static int	disk_vmdk_resize(struct disk *, uint64_t, enum disk_prealloc,
		    char **);
static int	disk_vmdk_info(struct disk *, struct disk_info *, char **);
static int	disk_vmdk_close(struct disk *);
static int	disk_vmdk_create(const char *, const struct disk_create_args *,
		    char **);

static int	disk_vmdk_desc_error(char **, const char *, unsigned int,
		    const char *, ...) printflike(4, 5);
static int	disk_vmdk_desc_line(struct disk_vmdk_desc *, char *,
		    unsigned int, const char *, char **);
static int	disk_vmdk_desc_extent(struct disk_vmdk_desc *, char *,
		    unsigned int, const char *, char **);
static int	disk_vmdk_desc_number(const char **, uint64_t *);
static void	disk_vmdk_desc_append(char **, size_t *, const char *, ...)
		    printflike(3, 4);
static void	disk_vmdk_kv_set(struct disk_vmdk_kv **, size_t *, const char *,
		    const char *, int);
static int	disk_vmdk_fail(struct disk *, char **, int, const char *, ...)
		    printflike(4, 5);
static int	disk_vmdk_check_desc(struct disk *, char **);
static int	disk_vmdk_open_extents(struct disk *, char **);
static int	disk_vmdk_path_ok(const char *);
static char	*disk_vmdk_extent_path(const char *, const char *);
static void	disk_vmdk_set_id(struct disk *);
static int	disk_vmdk_save_desc(struct disk *);
static int	disk_vmdk_bump_cid(struct disk *);
static ssize_t	disk_vmdk_io(struct disk *, const struct iovec *, int,
		    uint64_t, int);
static uint32_t	disk_vmdk_random32(void);
static void	disk_vmdk_geometry(struct disk_vmdk_desc *, uint64_t);
static struct disk_vmdk_desc *disk_vmdk_new_desc(const char *, uint64_t,
		    enum disk_vmdk_type, const char *, const char *);
static const char *disk_vmdk_hdr(const struct disk_vmdk_desc *,
		    const char *);
static char	*disk_vmdk_parent_of(const char *, const char *);
static int	disk_vmdk_open_parent(struct disk *, char **);
static ssize_t	disk_vmdk_backing(void *, const struct iovec *, int,
		    uint64_t);
static char	*disk_vmdk_hint(const char *, const char *);
static int	disk_vmdk_create_delta(const char *, struct disk *, uint64_t,
		    char **);
static uint32_t	disk_vmdk_cid(const struct disk *);
static int	disk_vmdk_commit_extent(struct disk *, struct disk_vmdk_ext *,
		    struct disk *, char **);

const struct disk_ops disk_vmdk_ops = {
	.name = "vmdk",
	.probe = disk_vmdk_probe,
	.open = disk_vmdk_open,
	.preadv = disk_vmdk_preadv,
	.pwritev = disk_vmdk_pwritev,
	.flush = disk_vmdk_flush,
	.discard = disk_vmdk_discard,
	.resize = disk_vmdk_resize,
	.info = disk_vmdk_info,
	.close = disk_vmdk_close,
	.create = disk_vmdk_create,
	.concurrent = 0
};

/* Descriptor parsing. */

/* *cause = "name:line: msg", errno EINVAL; returns -1. */
static int
disk_vmdk_desc_error(char **cause, const char *name, unsigned int line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (cause != NULL) {
		va_start(ap, fmt);
		xvasprintf(&msg, fmt, ap);
		va_end(ap);
		xasprintf(cause, "%s:%u: %s", name, line, msg);
		free(msg);
	}
	errno = EINVAL;
	return (-1);
}

/* A decimal number at *pp (advanced past it); -1 on overflow or none. */
static int
disk_vmdk_desc_number(const char **pp, uint64_t *out)
{
	const char	*p = *pp;
	uint64_t	 v = 0;

	if (!isdigit((unsigned char)*p))
		return (-1);
	while (isdigit((unsigned char)*p)) {
		if (v > (UINT64_MAX - 9) / 10)
			return (-1);
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	*pp = p;
	*out = v;
	return (0);
}

/* Replace or append key in a list. */
static void
disk_vmdk_kv_set(struct disk_vmdk_kv **list, size_t *n, const char *key,
    const char *value, int quoted)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcasecmp((*list)[i].key, key) == 0) {
			free((*list)[i].value);
			(*list)[i].value = xstrdup(value);
			(*list)[i].quoted = quoted;
			return;
		}
	}
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[*n].key = xstrdup(key);
	(*list)[*n].value = xstrdup(value);
	(*list)[*n].quoted = quoted;
	(*n)++;
}

/* ACCESS SECTORS TYPE ["FILE" [OFFSET]] */
static int
disk_vmdk_desc_extent(struct disk_vmdk_desc *desc, char *s,
    unsigned int line, const char *name, char **cause)
{
	struct disk_vmdk_extent	 ext;
	const char		*p = s, *q;
	size_t			 n;

	memset(&ext, 0, sizeof ext);
	ext.line = line;
	if (strncmp(p, "RW", 2) == 0 && isblank((unsigned char)p[2])) {
		ext.access = DISK_VMDK_RW;
		p += 2;
	} else if (strncmp(p, "RDONLY", 6) == 0 &&
	    isblank((unsigned char)p[6])) {
		ext.access = DISK_VMDK_RDONLY;
		p += 6;
	} else {
		ext.access = DISK_VMDK_NOACCESS;
		p += 8;
	}
	while (isblank((unsigned char)*p))
		p++;
	if (disk_vmdk_desc_number(&p, &ext.sectors) == -1 ||
	    !isblank((unsigned char)*p))
		return (disk_vmdk_desc_error(cause, name, line,
		    "extent size is not a number of sectors"));
	while (isblank((unsigned char)*p))
		p++;
	for (q = p; isalnum((unsigned char)*q); q++)
		/* nothing */;
	n = (size_t)(q - p);
	if (n == 0 || (*q != '\0' && !isblank((unsigned char)*q)))
		return (disk_vmdk_desc_error(cause, name, line,
		    "extent type missing or malformed"));
	ext.type_name = xstrndup(p, n);
	if (strcmp(ext.type_name, "FLAT") == 0 ||
	    strcmp(ext.type_name, "VMFS") == 0)
		ext.type = DISK_VMDK_FLAT;
	else if (strcmp(ext.type_name, "SPARSE") == 0)
		ext.type = DISK_VMDK_SPARSE;
	else if (strcmp(ext.type_name, "ZERO") == 0)
		ext.type = DISK_VMDK_ZERO;
	else
		ext.type = DISK_VMDK_OTHER;
	p = q;
	while (isblank((unsigned char)*p))
		p++;
	if (*p == '"') {
		q = strchr(p + 1, '"');
		if (q == NULL) {
			free(ext.type_name);
			return (disk_vmdk_desc_error(cause, name, line,
			    "extent file name has no closing quote"));
		}
		ext.file = xstrndup(p + 1, (size_t)(q - p - 1));
		p = q + 1;
		while (isblank((unsigned char)*p))
			p++;
		if (*p != '\0' && disk_vmdk_desc_number(&p, &ext.offset) == -1)
			goto bad_offset;
		while (isblank((unsigned char)*p))
			p++;
		if (*p != '\0')
			goto bad_offset;
	} else if (*p != '\0') {
		free(ext.type_name);
		return (disk_vmdk_desc_error(cause, name, line,
		    "extent file name must be in double quotes"));
	} else if (ext.type != DISK_VMDK_ZERO) {
		free(ext.type_name);
		return (disk_vmdk_desc_error(cause, name, line,
		    "extent has no file name"));
	}
	if (desc->next >= DISK_VMDK_EXTENTS_MAX) {
		free(ext.type_name);
		free(ext.file);
		return (disk_vmdk_desc_error(cause, name, line,
		    "more than %d extents", DISK_VMDK_EXTENTS_MAX));
	}
	desc->ext = xreallocarray(desc->ext, desc->next + 1,
	    sizeof *desc->ext);
	desc->ext[desc->next++] = ext;
	return (0);

bad_offset:
	free(ext.type_name);
	free(ext.file);
	return (disk_vmdk_desc_error(cause, name, line,
	    "extent offset is not a number of sectors"));
}

/* One trimmed, non-empty, non-comment line. */
static int
disk_vmdk_desc_line(struct disk_vmdk_desc *desc, char *s, unsigned int line,
    const char *name, char **cause)
{
	char		*key, *value, *p, *end;
	int		 quoted = 0;
	unsigned long	 v;

	if ((strncmp(s, "RW", 2) == 0 && isblank((unsigned char)s[2])) ||
	    (strncmp(s, "RDONLY", 6) == 0 && isblank((unsigned char)s[6])) ||
	    (strncmp(s, "NOACCESS", 8) == 0 && isblank((unsigned char)s[8])))
		return (disk_vmdk_desc_extent(desc, s, line, name, cause));

	key = s;
	for (p = s; isalnum((unsigned char)*p) || *p == '.' || *p == '_' ||
	    *p == '-' || *p == ':'; p++)
		/* nothing */;
	if (p == key)
		return (disk_vmdk_desc_error(cause, name, line,
		    "expected 'key = value' or an extent line"));
	end = p;
	while (isblank((unsigned char)*p))
		p++;
	if (*p != '=')
		return (disk_vmdk_desc_error(cause, name, line,
		    "expected '=' after '%.*s'", (int)(end - key), key));
	*end = '\0';
	p++;
	while (isblank((unsigned char)*p))
		p++;
	if (*p == '"') {
		value = p + 1;
		if ((p = strchr(value, '"')) == NULL)
			return (disk_vmdk_desc_error(cause, name, line,
			    "value of %s has no closing quote", key));
		*p++ = '\0';
		while (isblank((unsigned char)*p))
			p++;
		if (*p != '\0')
			return (disk_vmdk_desc_error(cause, name, line,
			    "text after the quoted value of %s", key));
		quoted = 1;
	} else if (strchr(p, '"') != NULL)
		return (disk_vmdk_desc_error(cause, name, line,
		    "stray double quote in the value of %s", key));
	else
		value = p;

	if (strcasecmp(key, "version") == 0) {
		errno = 0;
		v = strtoul(value, &p, 10);
		if (*value == '\0' || *p != '\0' || v < 1 || v > 3)
			return (disk_vmdk_desc_error(cause, name, line,
			    "version must be 1, 2 or 3"));
		desc->version = (uint32_t)v;
	} else if (strcasecmp(key, "CID") == 0 ||
	    strcasecmp(key, "parentCID") == 0) {
		errno = 0;
		v = strtoul(value, &p, 16);
		if (*value == '\0' || *p != '\0' || strlen(value) > 8 ||
		    !isxdigit((unsigned char)*value))
			return (disk_vmdk_desc_error(cause, name, line,
			    "%s must be up to 8 hex digits", key));
		if (strcasecmp(key, "CID") == 0)
			desc->cid = (uint32_t)v;
		else
			desc->parent_cid = (uint32_t)v;
	} else if (strcasecmp(key, "createType") == 0) {
		free(desc->create_type);
		desc->create_type = xstrdup(value);
	} else if (strncasecmp(key, "ddb.", 4) == 0)
		disk_vmdk_kv_set(&desc->ddb, &desc->nddb, key, value, 1);
	else
		disk_vmdk_kv_set(&desc->hdr, &desc->nhdr, key, value, quoted);
	return (0);
}

struct disk_vmdk_desc *
disk_vmdk_desc_parse(const char *buf, size_t len, const char *name,
    char **cause)
{
	struct disk_vmdk_desc	*desc;
	char			*text, *line, *next, *end;
	unsigned int		 lineno = 0;
	const char		*nul;

	if (cause != NULL)
		*cause = NULL;
	if (name == NULL)
		name = "(descriptor)";
	if ((nul = memchr(buf, '\0', len)) != NULL)
		len = (size_t)(nul - buf);
	if (len > DISK_VMDK_DESC_MAX) {
		disk_vmdk_desc_error(cause, name, 0, "larger than 1 MiB");
		errno = EFBIG;
		return (NULL);
	}
	desc = xcalloc(1, sizeof *desc);
	desc->version = 1;
	desc->parent_cid = DISK_VMDK_NO_PARENT;
	text = xstrndup(buf, len);
	for (line = text; line != NULL; line = next) {
		lineno++;
		/* A final line end does not start another line. */
		if ((next = strchr(line, '\n')) != NULL) {
			*next++ = '\0';
			if (*next == '\0')
				next = NULL;
		}
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (disk_vmdk_desc_line(desc, line, lineno, name, cause) ==
		    -1)
			goto fail;
	}
	if (desc->create_type == NULL) {
		disk_vmdk_desc_error(cause, name, lineno, "no createType");
		goto fail;
	}
	if (desc->next == 0) {
		disk_vmdk_desc_error(cause, name, lineno, "no extent lines");
		goto fail;
	}
	free(text);
	return (desc);

fail:
	free(text);
	disk_vmdk_desc_free(desc);
	errno = EINVAL;
	return (NULL);
}

void
disk_vmdk_desc_free(struct disk_vmdk_desc *desc)
{
	size_t	i;

	if (desc == NULL)
		return;
	for (i = 0; i < desc->next; i++) {
		free(desc->ext[i].type_name);
		free(desc->ext[i].file);
	}
	for (i = 0; i < desc->nhdr; i++) {
		free(desc->hdr[i].key);
		free(desc->hdr[i].value);
	}
	for (i = 0; i < desc->nddb; i++) {
		free(desc->ddb[i].key);
		free(desc->ddb[i].value);
	}
	free(desc->ext);
	free(desc->hdr);
	free(desc->ddb);
	free(desc->create_type);
	free(desc);
}

/* Append printf output to the text being built in *buf (length *len). */
static void
disk_vmdk_desc_append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	*buf = xrealloc(*buf, *len + (size_t)n + 1);
	memcpy(*buf + *len, s, (size_t)n + 1);
	*len += (size_t)n;
	free(s);
}

char *
disk_vmdk_desc_write(const struct disk_vmdk_desc *desc, size_t *len)
{
	static const char	*acc[] = { "RW", "RDONLY", "NOACCESS" };
	const struct disk_vmdk_extent *e;
	char			*buf = NULL;
	size_t			 i;

	*len = 0;
	disk_vmdk_desc_append(&buf, len, "%s\nversion=%u\nCID=%08" PRIx32
	    "\nparentCID=%08" PRIx32 "\n", DISK_VMDK_DESC_MAGIC,
	    desc->version, desc->cid, desc->parent_cid);
	for (i = 0; i < desc->nhdr; i++) {
		disk_vmdk_desc_append(&buf, len, desc->hdr[i].quoted ?
		    "%s=\"%s\"\n" : "%s=%s\n", desc->hdr[i].key,
		    desc->hdr[i].value);
	}
	disk_vmdk_desc_append(&buf, len, "createType=\"%s\"\n\n"
	    "# Extent description\n", desc->create_type);
	for (i = 0; i < desc->next; i++) {
		e = &desc->ext[i];
		disk_vmdk_desc_append(&buf, len, "%s %" PRIu64 " %s",
		    acc[e->access], e->sectors, e->type_name);
		if (e->file != NULL)
			disk_vmdk_desc_append(&buf, len, " \"%s\"", e->file);
		if (e->type == DISK_VMDK_FLAT)
			disk_vmdk_desc_append(&buf, len, " %" PRIu64,
			    e->offset);
		disk_vmdk_desc_append(&buf, len, "\n");
	}
	disk_vmdk_desc_append(&buf, len, "\n# The Disk Data Base\n#DDB\n\n");
	for (i = 0; i < desc->nddb; i++)
		disk_vmdk_desc_append(&buf, len, "%s = \"%s\"\n",
		    desc->ddb[i].key, desc->ddb[i].value);
	return (buf);
}

const char *
disk_vmdk_desc_ddb(const struct disk_vmdk_desc *desc, const char *key)
{
	size_t	i;

	for (i = 0; i < desc->nddb; i++) {
		if (strcasecmp(desc->ddb[i].key, key) == 0)
			return (desc->ddb[i].value);
	}
	return (NULL);
}

void
disk_vmdk_desc_set_ddb(struct disk_vmdk_desc *desc, const char *key,
    const char *value)
{
	disk_vmdk_kv_set(&desc->ddb, &desc->nddb, key, value, 1);
}

/* Opening. */

static int
disk_vmdk_probe(const uint8_t *head, size_t len)
{
	if (len >= 4 && memcmp(head, "KDMV", 4) == 0)
		return (1);
	return (len >= strlen(DISK_VMDK_DESC_MAGIC) && memcmp(head,
	    DISK_VMDK_DESC_MAGIC, strlen(DISK_VMDK_DESC_MAGIC)) == 0);
}

/* *cause = "path: msg", errno error; returns -1. */
static int
disk_vmdk_fail(struct disk *d, char **cause, int error, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*msg;

	if (cause != NULL && *cause == NULL) {
		va_start(ap, fmt);
		xvasprintf(&msg, fmt, ap);
		va_end(ap);
		xasprintf(cause, "%s: %s", d->d_path, msg);
		free(msg);
	}
	errno = error;
	return (-1);
}

/* 1 if an extent file name is a relative path that stays below the
 * descriptor's directory. */
static int
disk_vmdk_path_ok(const char *file)
{
	const char	*p;

	if (*file == '\0' || *file == '/')
		return (0);
	for (p = file; *p != '\0'; p++) {
		if ((p == file || p[-1] == '/') && strncmp(p, "..", 2) == 0 &&
		    (p[2] == '/' || p[2] == '\0'))
			return (0);
		if (iscntrl((unsigned char)*p))
			return (0);
	}
	return (1);
}

/* file relative to the directory of the descriptor at path (owned). */
static char *
disk_vmdk_extent_path(const char *path, const char *file)
{
	char	*copy, *dir, *out;

	copy = xstrdup(path);
	dir = dirname(copy);
	xasprintf(&out, "%s/%s", dir, file);
	free(copy);
	return (out);
}

/* What the descriptor says that we refuse before touching extents. */
static int
disk_vmdk_check_desc(struct disk *d, char **cause)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_desc	*desc = v->desc;
	static const char	*types[] = { "monolithicSparse",
				    "monolithicFlat", "twoGbMaxExtentSparse",
				    "twoGbMaxExtentFlat", "vmfs", "vmfsThin",
				    "vmfsPreallocated", "vmfsEagerZeroedThick",
				    "custom" };
	const struct disk_vmdk_extent *e;
	uint64_t		 total = 0;
	size_t			 i;

	if (desc->parent_cid != DISK_VMDK_NO_PARENT &&
	    disk_vmdk_hdr(desc, DISK_VMDK_HINT) == NULL)
		return (disk_vmdk_fail(d, cause, EINVAL, "delta disk "
		    "(parentCID=%08" PRIx32 ") without a parentFileNameHint",
		    desc->parent_cid));
	if (strcasecmp(desc->create_type, "streamOptimized") == 0)
		return (disk_vmdk_fail(d, cause, ENOTSUP, "streamOptimized "
		    "(compressed) disks are not supported; convert with "
		    "qemu-img convert -O vmdk first"));
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcasecmp(desc->create_type, types[i]) == 0)
			break;
	}
	if (i == sizeof types / sizeof types[0])
		return (disk_vmdk_fail(d, cause, ENOTSUP, "createType \"%s\" "
		    "is not supported", desc->create_type));
	for (i = 0; i < desc->next; i++) {
		e = &desc->ext[i];
		if (e->type == DISK_VMDK_OTHER)
			return (disk_vmdk_fail(d, cause, ENOTSUP, "line %u: "
			    "extent type %s is not supported", e->line,
			    e->type_name));
		if (e->access == DISK_VMDK_NOACCESS)
			return (disk_vmdk_fail(d, cause, EACCES, "line %u: "
			    "extent is NOACCESS", e->line));
		if (e->access == DISK_VMDK_RDONLY && !disk_is_readonly(d))
			return (disk_vmdk_fail(d, cause, EROFS, "line %u: "
			    "extent is RDONLY; open the disk read-only",
			    e->line));
		if (desc->parent_cid != DISK_VMDK_NO_PARENT &&
		    e->type != DISK_VMDK_SPARSE)
			return (disk_vmdk_fail(d, cause, ENOTSUP, "line %u: "
			    "a delta's extents must be SPARSE, not %s",
			    e->line, e->type_name));
		if (e->file != NULL && !disk_vmdk_path_ok(e->file))
			return (disk_vmdk_fail(d, cause, EINVAL, "line %u: "
			    "extent file must be a relative path below the "
			    "descriptor's directory", e->line));
		if (e->sectors == 0 || e->sectors > DISK_VMDK_SECTORS_MAX -
		    total)
			return (disk_vmdk_fail(d, cause, EINVAL, "line %u: "
			    "extent size is zero or the disk is larger than "
			    "512 TiB", e->line));
		if (e->type == DISK_VMDK_FLAT &&
		    e->offset > DISK_VMDK_SECTORS_MAX)
			return (disk_vmdk_fail(d, cause, EINVAL, "line %u: "
			    "extent offset is too large", e->line));
		total += e->sectors;
	}
	d->d_size = total * DISK_SECTOR_SIZE;
	return (0);
}

/* Open every extent of a descriptor file. */
static int
disk_vmdk_open_extents(struct disk *d, char **cause)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x;
	const struct disk_vmdk_extent *e;
	struct stat		 sb;
	uint64_t		 start = 0;
	size_t			 i;
	char			*path;
	int			 saved;

	v->ext = xcalloc(v->desc->next, sizeof *v->ext);
	for (i = 0; i < v->desc->next; i++) {
		e = &v->desc->ext[i];
		x = &v->ext[v->next++];
		x->type = e->type;
		x->start = start;
		x->sectors = e->sectors;
		x->fd = -1;
		start += e->sectors;
		if (e->type == DISK_VMDK_ZERO)
			continue;
		path = disk_vmdk_extent_path(d->d_path, e->file);
		if ((x->fd = disk_open_file(path, d->d_flags)) == -1) {
			saved = errno;
			disk_vmdk_fail(d, cause, saved, "line %u: extent %s: "
			    "%s", e->line, path, strerror(saved));
			free(path);
			return (-1);
		}
		x->own_fd = 1;
		if (e->type == DISK_VMDK_SPARSE) {
			x->sp = disk_vmdk_sparse_open(x->fd, path,
			    disk_is_readonly(d), cause);
			free(path);
			if (x->sp == NULL)
				return (-1);
			if (disk_vmdk_sparse_capacity(x->sp) < e->sectors)
				return (disk_vmdk_fail(d, cause, EINVAL,
				    "line %u: extent is larger than its "
				    "sparse file's capacity", e->line));
			continue;
		}
		free(path);
		x->offset = e->offset * DISK_SECTOR_SIZE;
		if (fstat(x->fd, &sb) == -1)
			return (disk_vmdk_fail(d, cause, errno, "line %u: %s",
			    e->line, strerror(errno)));
		if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size <
		    x->offset + e->sectors * DISK_SECTOR_SIZE)
			return (disk_vmdk_fail(d, cause, EINVAL, "line %u: "
			    "extent file %s is shorter than the extent",
			    e->line, e->file));
	}
	return (0);
}

/* The serial: ddb.uuid's hex digits, else the file's inode. */
static void
disk_vmdk_set_id(struct disk *d)
{
	struct disk_vmdk	*v = d->d_priv;
	const char		*uuid, *p;
	size_t			 n = 0;

	disk_id_from_fd(d, v->fd);
	if ((uuid = disk_vmdk_desc_ddb(v->desc, "ddb.uuid")) == NULL)
		return;
	for (p = uuid; *p != '\0'; p++) {
		if (isxdigit((unsigned char)*p))
			n++;
	}
	if (n < 8)
		return;
	memset(d->d_id, 0, sizeof d->d_id);
	n = 0;
	for (p = uuid; *p != '\0' && n < DISK_ID_MAX; p++) {
		if (isxdigit((unsigned char)*p))
			d->d_id[n++] = (char)tolower((unsigned char)*p);
	}
	d->d_idlen = n;
}

static int
disk_vmdk_open(struct disk *d, int fd, char **cause)
{
	struct disk_vmdk	*v;
	struct disk_vmdk_sparse	*sp;
	struct disk_vmdk_ext	*x;
	struct stat		 sb;
	char			 magic[4], *text = NULL;
	size_t			 len, i;
	int			 saved;

	v = xcalloc(1, sizeof *v);
	v->fd = -1;
	d->d_priv = v;
	if (disk_full_pread(fd, magic, sizeof magic, 0) == -1) {
		disk_vmdk_fail(d, cause, errno, "%s", strerror(errno));
		goto fail;
	}
	if (memcmp(magic, "KDMV", 4) == 0) {
		/* monolithicSparse: the descriptor is inside. */
		sp = disk_vmdk_sparse_open(fd, d->d_path, disk_is_readonly(d),
		    cause);
		if (sp == NULL)
			goto fail;
		v->ext = xcalloc(1, sizeof *v->ext);
		x = &v->ext[v->next++];
		x->type = DISK_VMDK_SPARSE;
		x->fd = fd;		/* not own_fd: the disk's */
		x->sp = sp;
		x->sectors = disk_vmdk_sparse_capacity(sp);
		v->embedded = 1;
		if (disk_vmdk_sparse_desc(sp, &text, &len, cause) == -1)
			goto fail;
		if (text == NULL) {
			v->no_desc = 1;
			v->desc = disk_vmdk_new_desc("monolithicSparse",
			    x->sectors, DISK_VMDK_SPARSE, "self", "lsilogic");
		} else if ((v->desc = disk_vmdk_desc_parse(text, len, d->d_path,
		    cause)) == NULL)
			goto fail;
		if (disk_vmdk_check_desc(d, cause) == -1)
			goto fail;
		if (v->desc->next != 1 ||
		    v->desc->ext[0].type != DISK_VMDK_SPARSE ||
		    v->desc->ext[0].sectors > x->sectors) {
			disk_vmdk_fail(d, cause, EINVAL, "the embedded "
			    "descriptor must name one SPARSE extent no larger "
			    "than the capacity");
			goto fail;
		}
		x->sectors = v->desc->ext[0].sectors;
	} else {
		if (fstat(fd, &sb) == -1) {
			disk_vmdk_fail(d, cause, errno, "%s", strerror(errno));
			goto fail;
		}
		if (sb.st_size > DISK_VMDK_DESC_MAX) {
			disk_vmdk_fail(d, cause, EFBIG, "descriptor is larger "
			    "than 1 MiB");
			goto fail;
		}
		len = (size_t)sb.st_size;
		text = xmalloc(len + 1);
		if (disk_full_pread(fd, text, len, 0) == -1) {
			disk_vmdk_fail(d, cause, errno, "%s", strerror(errno));
			goto fail;
		}
		if ((v->desc = disk_vmdk_desc_parse(text, len, d->d_path,
		    cause)) == NULL)
			goto fail;
		if (disk_vmdk_check_desc(d, cause) == -1 ||
		    disk_vmdk_open_extents(d, cause) == -1)
			goto fail;
	}
	free(text);
	text = NULL;
	v->fd = fd;
	if (v->desc->parent_cid != DISK_VMDK_NO_PARENT) {
		if (d->d_flags & DISK_OPEN_NOPARENT)
			v->no_io = 1;
		else if (disk_vmdk_open_parent(d, cause) == -1) {
			/* fd is disk.c's to close on failure. */
			v->fd = -1;
			goto fail;
		}
	}
	d->d_format = DISK_FORMAT_VMDK_FLAT;
	d->d_can_discard = 1;
	for (i = 0; i < v->next; i++) {
		if (v->ext[i].type == DISK_VMDK_SPARSE) {
			d->d_format = DISK_FORMAT_VMDK_SPARSE;
			d->d_can_discard = 0;
		}
		if (v->ext[i].sp != NULL &&
		    disk_vmdk_sparse_was_unclean(v->ext[i].sp))
			v->unclean = 1;
	}
	disk_vmdk_set_id(d);
	return (0);

fail:
	/* fd stays open for disk.c to close; everything else goes. */
	saved = errno;
	free(text);
	disk_vmdk_close(d);
	errno = saved;
	return (-1);
}

static int
disk_vmdk_close(struct disk *d)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x;
	size_t			 i;
	int			 rc = 0;

	if (v == NULL)
		return (0);
	for (i = 0; i < v->next; i++) {
		x = &v->ext[i];
		if (x->sp != NULL && disk_vmdk_sparse_close(x->sp) == -1)
			rc = -1;
		if (x->sp == NULL && x->fd != -1 && !disk_is_readonly(d) &&
		    fdatasync(x->fd) == -1)
			rc = -1;
		if (x->own_fd && x->fd != -1 && close(x->fd) == -1)
			rc = -1;
	}
	if (v->fd != -1 && close(v->fd) == -1)
		rc = -1;
	/* The parent was only read: its close cannot lose data. */
	disk_close(v->parent);
	free(v->parent_path);
	free(v->ext);
	disk_vmdk_desc_free(v->desc);
	free(v);
	d->d_priv = NULL;
	return (rc);
}

/* I/O. */

/* A random 32-bit number (CIDs, UUIDs); never fails. */
static uint32_t
disk_vmdk_random32(void)
{
	uint32_t	r;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = (uint32_t)random() ^ (uint32_t)getpid();
	return (r);
}

/* Write the descriptor back where it lives. */
static int
disk_vmdk_save_desc(struct disk *d)
{
	struct disk_vmdk	*v = d->d_priv;
	struct stat		 sb;
	char			*text;
	size_t			 len;
	int			 rc;

	if (v->no_desc)
		return (0);
	text = disk_vmdk_desc_write(v->desc, &len);
	if (v->embedded)
		rc = disk_vmdk_sparse_set_desc(v->ext[0].sp, text, len);
	else if (fstat(v->fd, &sb) == -1)
		rc = -1;
	else {
		rc = atomicfile_write(d->d_path, text, len,
		    sb.st_mode & 07777, NULL);
	}
	free(text);
	return (rc);
}

/* Change the CID once per session, before the first write. */
static int
disk_vmdk_bump_cid(struct disk *d)
{
	struct disk_vmdk	*v = d->d_priv;
	uint32_t		 old = v->desc->cid;

	if (v->cid_done)
		return (0);
	do
		v->desc->cid = disk_vmdk_random32();
	while (v->desc->cid == old || v->desc->cid == DISK_VMDK_NO_PARENT);
	if (disk_vmdk_save_desc(d) == -1) {
		v->desc->cid = old;
		if (errno != ENOSPC)
			return (-1);
		/* An embedded descriptor with no room: keep the old CID. */
	}
	v->cid_done = 1;
	return (0);
}

/* Read (write == 0) or write the extents under [off, off + len). */
static ssize_t
disk_vmdk_io(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off, int write)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x;
	struct iovec		*sub;
	uint64_t		 len, done = 0, xs, xe, at, n;
	ssize_t			 r;
	size_t			 i;
	int			 cnt;

	if (v->no_io) {
		errno = EIO;
		return (-1);
	}
	len = disk_iov_len(iov, iovcnt);
	sub = xreallocarray(NULL, iovcnt > 0 ? iovcnt : 1, sizeof *sub);
	for (i = 0; i < v->next && done < len; i++) {
		x = &v->ext[i];
		xs = x->start * DISK_SECTOR_SIZE;
		xe = xs + x->sectors * DISK_SECTOR_SIZE;
		at = off + done;
		if (at >= xe)
			continue;
		n = xe - at;
		if (n > len - done)
			n = len - done;
		cnt = disk_iov_slice(iov, iovcnt, done, n, sub);
		switch (x->type) {
		case DISK_VMDK_ZERO:
			if (write) {
				errno = EIO;
				r = -1;
			} else {
				disk_iov_zero(iov, iovcnt, done, n);
				r = 0;
			}
			break;
		case DISK_VMDK_SPARSE:
			r = write ? disk_vmdk_sparse_pwritev(x->sp, sub, cnt,
			    at - xs) : disk_vmdk_sparse_preadv(x->sp, sub, cnt,
			    at - xs);
			break;
		default:
			r = write ? disk_full_pwritev(x->fd, sub, cnt,
			    (off_t)(x->offset + at - xs)) :
			    disk_full_preadv(x->fd, sub, cnt,
			    (off_t)(x->offset + at - xs));
			break;
		}
		if (r == -1) {
			free(sub);
			return (-1);
		}
		if (write)
			x->dirty = 1;
		done += n;
	}
	free(sub);
	return ((ssize_t)len);
}

static ssize_t
disk_vmdk_preadv(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	return (disk_vmdk_io(d, iov, iovcnt, off, 0));
}

static ssize_t
disk_vmdk_pwritev(struct disk *d, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	if (disk_vmdk_bump_cid(d) == -1)
		return (-1);
	return (disk_vmdk_io(d, iov, iovcnt, off, 1));
}

static int
disk_vmdk_flush(struct disk *d)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x;
	size_t			 i;

	for (i = 0; i < v->next; i++) {
		x = &v->ext[i];
		if (!x->dirty)
			continue;
		if (x->sp != NULL ? disk_vmdk_sparse_flush(x->sp) == -1 :
		    fdatasync(x->fd) == -1)
			return (-1);
		x->dirty = 0;
	}
	return (0);
}

/* Only flat disks (d_can_discard); ZERO extents have nothing to free. */
static int
disk_vmdk_discard(struct disk *d, uint64_t off, uint64_t len)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x;
	uint64_t		 xs, xe, at, n, done = 0;
	size_t			 i;

	for (i = 0; i < v->next && done < len; i++) {
		x = &v->ext[i];
		xs = x->start * DISK_SECTOR_SIZE;
		xe = xs + x->sectors * DISK_SECTOR_SIZE;
		at = off + done;
		if (at >= xe)
			continue;
		n = xe - at;
		if (n > len - done)
			n = len - done;
		if (x->type == DISK_VMDK_FLAT && fallocate(x->fd,
		    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    (off_t)(x->offset + at - xs), (off_t)n) == -1) {
			if (errno == ENOSYS || errno == ENOTSUP)
				errno = EOPNOTSUPP;
			return (-1);
		}
		x->dirty = 1;
		done += n;
	}
	return (0);
}

/* Creating, growing, describing. */

/* ddb.geometry.* for a disk of sectors, by adapter (IDE: 16 heads). */
static void
disk_vmdk_geometry(struct disk_vmdk_desc *desc, uint64_t sectors)
{
	const char	*adapter;
	uint64_t	 heads, cyl;
	char		 buf[32];

	adapter = disk_vmdk_desc_ddb(desc, "ddb.adapterType");
	heads = adapter != NULL && strcmp(adapter, "ide") == 0 ? 16 : 255;
	cyl = sectors / (heads * 63);
	if (cyl > 16383 && heads == 16)
		cyl = 16383;
	if (cyl == 0)
		cyl = 1;
	snprintf(buf, sizeof buf, "%" PRIu64, cyl);
	disk_vmdk_desc_set_ddb(desc, "ddb.geometry.cylinders", buf);
	snprintf(buf, sizeof buf, "%" PRIu64, heads);
	disk_vmdk_desc_set_ddb(desc, "ddb.geometry.heads", buf);
	disk_vmdk_desc_set_ddb(desc, "ddb.geometry.sectors", "63");
}

/* A fresh descriptor with one extent. */
static struct disk_vmdk_desc *
disk_vmdk_new_desc(const char *type, uint64_t sectors,
    enum disk_vmdk_type etype, const char *file, const char *adapter)
{
	struct disk_vmdk_desc	*desc;
	uint32_t		 u[4];
	char			 buf[64];

	desc = xcalloc(1, sizeof *desc);
	desc->version = 1;
	do
		desc->cid = disk_vmdk_random32();
	while (desc->cid == DISK_VMDK_NO_PARENT);
	desc->parent_cid = DISK_VMDK_NO_PARENT;
	desc->create_type = xstrdup(type);
	disk_vmdk_kv_set(&desc->hdr, &desc->nhdr, "encoding", "UTF-8", 1);
	desc->ext = xcalloc(1, sizeof *desc->ext);
	desc->next = 1;
	desc->ext[0].access = DISK_VMDK_RW;
	desc->ext[0].sectors = sectors;
	desc->ext[0].type = etype;
	desc->ext[0].type_name = xstrdup(etype == DISK_VMDK_SPARSE ?
	    "SPARSE" : "FLAT");
	desc->ext[0].file = xstrdup(file);
	disk_vmdk_desc_set_ddb(desc, "ddb.virtualHWVersion", "4");
	disk_vmdk_desc_set_ddb(desc, "ddb.adapterType", adapter);
	disk_vmdk_geometry(desc, sectors);
	u[0] = disk_vmdk_random32();
	u[1] = disk_vmdk_random32();
	u[2] = disk_vmdk_random32();
	u[3] = disk_vmdk_random32();
	snprintf(buf, sizeof buf, "%02x %02x %02x %02x %02x %02x %02x %02x-"
	    "%02x %02x %02x %02x %02x %02x %02x %02x",
	    u[0] & 0xff, (u[0] >> 8) & 0xff, (u[0] >> 16) & 0xff, u[0] >> 24,
	    u[1] & 0xff, (u[1] >> 8) & 0xff, (u[1] >> 16) & 0xff, u[1] >> 24,
	    u[2] & 0xff, (u[2] >> 8) & 0xff, (u[2] >> 16) & 0xff, u[2] >> 24,
	    u[3] & 0xff, (u[3] >> 8) & 0xff, (u[3] >> 16) & 0xff, u[3] >> 24);
	disk_vmdk_desc_set_ddb(desc, "ddb.uuid", buf);
	return (desc);
}

static int
disk_vmdk_create(const char *path, const struct disk_create_args *args,
    char **cause)
{
	struct disk_vmdk_desc	*desc = NULL;
	struct disk_create_args	 flat;
	const char		*adapter;
	char			*copy, *base, *file = NULL, *fpath = NULL;
	char			*text = NULL, *sub = NULL;
	uint64_t		 sectors = args->size / DISK_SECTOR_SIZE;
	size_t			 len, n;
	int			 fd, saved;

	if (args->parent != NULL) {
		struct disk	*p;
		int		 rc;

		if (args->format != DISK_FORMAT_VMDK_SPARSE) {
			if (cause != NULL)
				xasprintf(cause, "%s: a delta disk is always "
				    "a sparse VMDK", path);
			errno = EINVAL;
			return (-1);
		}
		if ((p = disk_open(args->parent, DISK_OPEN_RDONLY,
		    &sub)) == NULL) {
			saved = errno;
			if (cause != NULL)
				xasprintf(cause, "%s: parent: %s", path, sub);
			free(sub);
			errno = saved;
			return (-1);
		}
		rc = disk_vmdk_create_delta(path, p, args->size, cause);
		saved = errno;
		disk_close(p);
		errno = saved;
		return (rc);
	}
	adapter = args->adapter != NULL ? args->adapter : "lsilogic";
	copy = xstrdup(path);
	base = xstrdup(basename(copy));
	free(copy);
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		saved = errno;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
		free(base);
		errno = saved;
		return (-1);
	}
	if (args->format == DISK_FORMAT_VMDK_SPARSE) {
		desc = disk_vmdk_new_desc("monolithicSparse", sectors,
		    DISK_VMDK_SPARSE, base, adapter);
		text = disk_vmdk_desc_write(desc, &len);
		if (disk_vmdk_sparse_create(fd, sectors, text, len, &sub) == -1)
			goto fail;
	} else {
		n = strlen(base);
		if (n > 5 && strcmp(base + n - 5, ".vmdk") == 0)
			n -= 5;
		xasprintf(&file, "%.*s-flat.vmdk", (int)n, base);
		fpath = disk_vmdk_extent_path(path, file);
		flat = *args;
		flat.format = DISK_FORMAT_RAW;
		if (disk_raw_ops.create(fpath, &flat, &sub) == -1) {
			free(fpath);
			fpath = NULL;
			goto fail;
		}
		desc = disk_vmdk_new_desc("monolithicFlat", sectors,
		    DISK_VMDK_FLAT, file, adapter);
		text = disk_vmdk_desc_write(desc, &len);
		if (disk_full_pwrite(fd, text, len, 0) == -1 ||
		    fsync(fd) == -1)
			goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	free(text);
	free(file);
	free(fpath);
	free(base);
	disk_vmdk_desc_free(desc);
	return (0);

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(path);
	if (fpath != NULL)
		unlink(fpath);
	if (cause != NULL) {
		if (sub != NULL)
			xasprintf(cause, "%s: %s", path, sub);
		else
			xasprintf(cause, "%s: %s", path, strerror(saved));
	}
	free(sub);
	free(text);
	free(file);
	free(fpath);
	free(base);
	disk_vmdk_desc_free(desc);
	errno = saved;
	return (-1);
}

static int
disk_vmdk_resize(struct disk *d, uint64_t newsize, enum disk_prealloc pre,
    char **cause)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x = &v->ext[v->next - 1];
	struct disk_vmdk_extent	*e = &v->desc->ext[v->desc->next - 1];
	uint64_t		 add, sectors, at, end;
	uint8_t			*zero;
	size_t			 n;
	int			 saved;

	add = (newsize - d->d_size) / DISK_SECTOR_SIZE;
	sectors = e->sectors + add;
	if (x->type == DISK_VMDK_SPARSE) {
		if (sectors > disk_vmdk_sparse_capacity(x->sp) &&
		    disk_vmdk_sparse_grow(x->sp, sectors, cause) == -1)
			return (-1);
	} else if (x->type == DISK_VMDK_FLAT) {
		at = x->offset + e->sectors * DISK_SECTOR_SIZE;
		end = x->offset + sectors * DISK_SECTOR_SIZE;
		if (pre == DISK_PREALLOC_EAGER) {
			zero = xcalloc(1, DISK_VMDK_ZERO_CHUNK);
			for (; at < end; at += n) {
				n = DISK_VMDK_ZERO_CHUNK;
				if (n > end - at)
					n = (size_t)(end - at);
				if (disk_full_pwrite(x->fd, zero, n,
				    (off_t)at) == -1)
					break;
			}
			saved = errno;
			free(zero);
			errno = saved;
			if (at < end)
				goto fail;
		} else if (pre == DISK_PREALLOC_ZEROED) {
			if ((errno = posix_fallocate(x->fd, (off_t)at,
			    (off_t)(end - at))) != 0)
				goto fail;
		} else if (ftruncate(x->fd, (off_t)end) == -1)
			goto fail;
		if (fsync(x->fd) == -1)
			goto fail;
	} else
		return (disk_vmdk_fail(d, cause, ENOTSUP, "cannot grow a "
		    "disk whose last extent is %s", e->type_name));

	/* The new size becomes real with the descriptor. */
	e->sectors = sectors;
	disk_vmdk_geometry(v->desc, d->d_size / DISK_SECTOR_SIZE + add);
	if (disk_vmdk_save_desc(d) == -1) {
		saved = errno;
		e->sectors -= add;
		disk_vmdk_geometry(v->desc, d->d_size / DISK_SECTOR_SIZE);
		return (disk_vmdk_fail(d, cause, saved, "writing the "
		    "descriptor: %s", strerror(saved)));
	}
	x->sectors = sectors;
	d->d_size = newsize;
	return (0);

fail:
	return (disk_vmdk_fail(d, cause, errno, "growing the extent: %s",
	    strerror(errno)));
}

static int
disk_vmdk_info(struct disk *d, struct disk_info *info, char **cause)
{
	struct disk_vmdk	*v = d->d_priv;
	struct disk_vmdk_ext	*x;
	struct stat		 sb;
	const char		*s;
	uint64_t		 gbytes, grains, used;
	size_t			 i;
	int			 unclean;

	info->create_type = xstrdup(v->desc->create_type);
	info->cid = v->desc->cid;
	info->parent_cid = v->desc->parent_cid;
	info->extents = (unsigned int)v->next;
	info->unclean = v->unclean;
	if ((s = disk_vmdk_hdr(v->desc, DISK_VMDK_HINT)) != NULL &&
	    v->desc->parent_cid != DISK_VMDK_NO_PARENT)
		info->parent = xstrdup(s);
	if ((s = disk_vmdk_desc_ddb(v->desc, "ddb.adapterType")) != NULL)
		info->adapter = xstrdup(s);
	if ((s = disk_vmdk_desc_ddb(v->desc, "ddb.uuid")) != NULL)
		info->uuid = xstrdup(s);
	if ((s = disk_vmdk_desc_ddb(v->desc, "ddb.geometry.cylinders")) != NULL)
		info->cylinders = (uint32_t)strtoul(s, NULL, 10);
	if ((s = disk_vmdk_desc_ddb(v->desc, "ddb.geometry.heads")) != NULL)
		info->heads = (uint32_t)strtoul(s, NULL, 10);
	if ((s = disk_vmdk_desc_ddb(v->desc, "ddb.geometry.sectors")) != NULL)
		info->sectors = (uint32_t)strtoul(s, NULL, 10);
	if (!v->embedded && fstat(v->fd, &sb) == 0)
		info->allocated += (uint64_t)sb.st_blocks * 512;
	for (i = 0; i < v->next; i++) {
		x = &v->ext[i];
		if (x->fd != -1 && fstat(x->fd, &sb) == 0)
			info->allocated += S_ISREG(sb.st_mode) ?
			    (uint64_t)sb.st_blocks * 512 :
			    x->sectors * DISK_SECTOR_SIZE;
		if (x->sp == NULL)
			continue;
		if (disk_vmdk_sparse_stats(x->sp, &gbytes, &grains, &used,
		    &unclean, cause) == -1) {
			disk_info_clear(info);
			return (-1);
		}
		info->grain_size = gbytes;
		info->grains += grains;
		info->grains_allocated += used;
	}
	return (0);
}

/* Deltas. */

/* A header key's value (parentFileNameHint...), or NULL. */
static const char *
disk_vmdk_hdr(const struct disk_vmdk_desc *desc, const char *key)
{
	size_t	i;

	for (i = 0; i < desc->nhdr; i++) {
		if (strcasecmp(desc->hdr[i].key, key) == 0)
			return (desc->hdr[i].value);
	}
	return (NULL);
}

/* The path to open for hint, found from the delta at path (owned). */
static char *
disk_vmdk_parent_of(const char *path, const char *hint)
{
	if (*hint == '/')
		return (xstrdup(hint));
	return (disk_vmdk_extent_path(path, hint));
}

/* The content ID of an open VMDK. */
static uint32_t
disk_vmdk_cid(const struct disk *d)
{
	const struct disk_vmdk	*v = d->d_priv;

	return (v->desc->cid);
}

/*
 * Open the parent of a delta read-only and hang it under every extent.
 * The hint may name any VMDK (VMware writes relative names, "../base/x"
 * for linked clones, or absolute ones), but never a raw file: a guest
 * must not be able to read some other file through a crafted delta.
 */
static int
disk_vmdk_open_parent(struct disk *d, char **cause)
{
	struct disk_vmdk	*v = d->d_priv;
	const char		*hint;
	char			*sub = NULL;
	uint32_t		 pcid;
	size_t			 i;
	int			 saved;

	hint = disk_vmdk_hdr(v->desc, DISK_VMDK_HINT);
	if (*hint == '\0' || strpbrk(hint, "\n\r") != NULL)
		return (disk_vmdk_fail(d, cause, EINVAL, "parentFileNameHint "
		    "is empty or malformed"));
	if (d->d_depth + 1 >= DISK_CHAIN_MAX)
		return (disk_vmdk_fail(d, cause, ELOOP, "delta chain is "
		    "deeper than %d disks (or loops)", DISK_CHAIN_MAX));
	v->parent_path = disk_vmdk_parent_of(d->d_path, hint);
	v->parent = disk_open_chain(v->parent_path, DISK_OPEN_RDONLY,
	    d->d_depth + 1, &sub);
	if (v->parent == NULL) {
		saved = errno;
		disk_vmdk_fail(d, cause, saved, "parent %s: %s",
		    v->parent_path, sub != NULL ? sub : strerror(saved));
		free(sub);
		return (-1);
	}
	if (v->parent->d_ops != &disk_vmdk_ops)
		return (disk_vmdk_fail(d, cause, EINVAL, "parent %s is not a "
		    "VMDK", v->parent_path));
	pcid = disk_vmdk_cid(v->parent);
	if (pcid != v->desc->parent_cid && pcid != v->desc->cid)
		return (disk_vmdk_fail(d, cause, ESTALE, "parent %s was "
		    "changed after this delta was made (its CID is %08" PRIx32
		    ", the delta's parentCID %08" PRIx32 "): the chain is "
		    "broken", v->parent_path, pcid, v->desc->parent_cid));
	if (disk_size(v->parent) > d->d_size)
		return (disk_vmdk_fail(d, cause, EINVAL, "parent %s is larger "
		    "than the delta", v->parent_path));
	for (i = 0; i < v->next; i++) {
		v->ext[i].parent = v->parent;
		disk_vmdk_sparse_set_backing(v->ext[i].sp, disk_vmdk_backing,
		    &v->ext[i]);
	}
	return (0);
}

/* An extent's backing: the parent at the same disk offset; zeros past
 * its end (a delta grown beyond its parent). */
static ssize_t
disk_vmdk_backing(void *arg, const struct iovec *iov, int iovcnt,
    uint64_t off)
{
	struct disk_vmdk_ext	*x = arg;
	struct iovec		*sub;
	uint64_t		 at, psize, len, n;
	ssize_t			 r;
	int			 cnt;

	len = disk_iov_len(iov, iovcnt);
	at = x->start * DISK_SECTOR_SIZE + off;
	psize = disk_size(x->parent);
	n = at >= psize ? 0 : psize - at < len ? psize - at : len;
	if (n < len)
		disk_iov_zero(iov, iovcnt, n, len - n);
	if (n == 0)
		return ((ssize_t)len);
	sub = xreallocarray(NULL, iovcnt > 0 ? iovcnt : 1, sizeof *sub);
	cnt = disk_iov_slice(iov, iovcnt, 0, n, sub);
	r = disk_preadv(x->parent, sub, cnt, at);
	free(sub);
	return (r == -1 ? -1 : (ssize_t)len);
}

/*
 * parentFileNameHint for parent seen from a delta at path (owned): its
 * bare name when both live in one directory (so the pair can be moved
 * together, as VMware does), else its absolute path.
 */
static char *
disk_vmdk_hint(const char *path, const char *parent)
{
	char	*copy, *pcopy, *dir, *pdir, *rdir, *rparent, *out, *slash;
	int	 same;

	/* Textually one directory: no need to ask the file system (vmx's
	 * sandbox has no readlink, which realpath needs). */
	copy = xstrdup(path);
	pcopy = xstrdup(parent);
	dir = dirname(copy);
	pdir = dirname(pcopy);
	same = strcmp(dir, pdir) == 0;
	free(pcopy);
	if (same) {
		free(copy);
		copy = xstrdup(parent);
		out = xstrdup(basename(copy));
		free(copy);
		return (out);
	}
	rdir = realpath(dir, NULL);
	free(copy);
	rparent = realpath(parent, NULL);
	if (rdir == NULL || rparent == NULL) {
		free(rdir);
		free(rparent);
		return (xstrdup(parent));
	}
	slash = strrchr(rparent, '/');
	if ((size_t)(slash - rparent) == strlen(rdir) &&
	    strncmp(rparent, rdir, strlen(rdir)) == 0)
		out = xstrdup(slash + 1);
	else
		out = xstrdup(rparent);
	free(rdir);
	free(rparent);
	return (out);
}

/* An empty monolithicSparse delta of the open VMDK p at path. */
static int
disk_vmdk_create_delta(const char *path, struct disk *p, uint64_t size,
    char **cause)
{
	struct disk_vmdk	*pv = p->d_priv;
	struct disk_vmdk_desc	*desc;
	const char		*adapter;
	char			*copy, *base, *hint, *text, *sub = NULL;
	uint64_t		 sectors = p->d_size / DISK_SECTOR_SIZE;
	size_t			 len, i;
	int			 fd, saved;

	if (p->d_ops != &disk_vmdk_ops) {
		if (cause != NULL)
			xasprintf(cause, "%s: the parent %s is not a VMDK",
			    path, p->d_path);
		errno = EINVAL;
		return (-1);
	}
	if (size != 0 && size != p->d_size) {
		if (cause != NULL)
			xasprintf(cause, "%s: a delta has its parent's size "
			    "(%llu bytes)", path,
			    (unsigned long long)p->d_size);
		errno = EINVAL;
		return (-1);
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		saved = errno;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (-1);
	}
	copy = xstrdup(path);
	base = xstrdup(basename(copy));
	free(copy);
	adapter = disk_vmdk_desc_ddb(pv->desc, "ddb.adapterType");
	desc = disk_vmdk_new_desc("monolithicSparse", sectors,
	    DISK_VMDK_SPARSE, base, adapter != NULL ? adapter : "lsilogic");
	desc->parent_cid = pv->desc->cid;
	hint = disk_vmdk_hint(path, p->d_path);
	disk_vmdk_kv_set(&desc->hdr, &desc->nhdr, DISK_VMDK_HINT, hint, 1);
	free(hint);
	/* Same serial and geometry as the parent: the guest sees one disk. */
	for (i = 0; i < pv->desc->nddb; i++)
		disk_vmdk_desc_set_ddb(desc, pv->desc->ddb[i].key,
		    pv->desc->ddb[i].value);
	text = disk_vmdk_desc_write(desc, &len);
	if (disk_vmdk_sparse_create(fd, sectors, text, len, &sub) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, sub != NULL ? sub :
			    strerror(saved));
		close(fd);
		unlink(path);
		free(sub);
		free(text);
		free(base);
		disk_vmdk_desc_free(desc);
		errno = saved;
		return (-1);
	}
	free(text);
	free(base);
	disk_vmdk_desc_free(desc);
	if (close(fd) == -1) {
		saved = errno;
		unlink(path);
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (-1);
	}
	return (0);
}

int
disk_vmdk_parent(const char *path, char **parent, char **cause)
{
	struct disk		*d;
	struct disk_vmdk	*v;
	const char		*hint;

	if ((d = disk_open_chain(path, DISK_OPEN_RDONLY | DISK_OPEN_NOPARENT,
	    0, cause)) == NULL)
		return (-1);
	if (d->d_ops == &disk_vmdk_ops) {
		v = d->d_priv;
		hint = disk_vmdk_hdr(v->desc, DISK_VMDK_HINT);
		if (v->desc->parent_cid != DISK_VMDK_NO_PARENT && hint != NULL)
			*parent = disk_vmdk_parent_of(path, hint);
	}
	disk_close(d);
	return (0);
}

int
disk_vmdk_set_parent(const char *path, const char *parent, char **cause)
{
	struct disk		*d, *p;
	struct disk_vmdk	*v;
	char			*hint;
	uint32_t		 pcid;
	int			 rc, saved;

	if ((d = disk_open_chain(path, DISK_OPEN_NOPARENT, 0,
	    cause)) == NULL)
		return (-1);
	v = d->d_priv;
	if (d->d_ops != &disk_vmdk_ops ||
	    v->desc->parent_cid == DISK_VMDK_NO_PARENT) {
		disk_close(d);
		if (cause != NULL)
			xasprintf(cause, "%s: not a delta disk", path);
		errno = EINVAL;
		return (-1);
	}
	if ((p = disk_open(parent, DISK_OPEN_RDONLY, cause)) == NULL) {
		saved = errno;
		disk_close(d);
		errno = saved;
		return (-1);
	}
	pcid = p->d_ops == &disk_vmdk_ops ? disk_vmdk_cid(p) :
	    DISK_VMDK_NO_PARENT;
	disk_close(p);
	if (pcid != v->desc->parent_cid && pcid != v->desc->cid) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s is not the parent this delta "
			    "was made from (CID %08" PRIx32 ", parentCID %08"
			    PRIx32 ")", path, parent, pcid,
			    v->desc->parent_cid);
		disk_close(d);
		errno = ESTALE;
		return (-1);
	}
	hint = disk_vmdk_hint(path, parent);
	disk_vmdk_kv_set(&v->desc->hdr, &v->desc->nhdr, DISK_VMDK_HINT, hint,
	    1);
	free(hint);
	rc = disk_vmdk_save_desc(d);
	saved = errno;
	if (rc == 0 && fdatasync(v->fd) == -1) {
		saved = errno;
		rc = -1;
	}
	if (rc == -1 && cause != NULL)
		xasprintf(cause, "%s: writing the descriptor: %s", path,
		    strerror(saved));
	if (disk_close(d) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
	}
	errno = saved;
	return (rc);
}

/* Copy every grain extent x of the delta holds into the parent p. */
static int
disk_vmdk_commit_extent(struct disk *d, struct disk_vmdk_ext *x,
    struct disk *p, char **cause)
{
	struct iovec	 iov;
	uint8_t		*buf;
	uint64_t	 gb, ngr, g, first, end, xbytes, at;
	int		 state, saved;

	gb = disk_vmdk_sparse_grain_bytes(x->sp);
	xbytes = x->sectors * DISK_SECTOR_SIZE;
	ngr = (xbytes + gb - 1) / gb;
	buf = xmalloc(gb * DISK_VMDK_COMMIT_RUN);
	/* Runs of grains the delta holds, so the parent syncs per run. */
	for (g = 0; g < ngr; g = end) {
		if (disk_vmdk_sparse_grain_state(x->sp, g, &state) == -1)
			goto fail;
		end = g + 1;
		if (state == DISK_VMDK_GRAIN_UNALLOCATED)
			continue;
		first = g;
		while (end < ngr && end - first < DISK_VMDK_COMMIT_RUN) {
			if (disk_vmdk_sparse_grain_state(x->sp, end,
			    &state) == -1)
				goto fail;
			if (state == DISK_VMDK_GRAIN_UNALLOCATED)
				break;
			end++;
		}
		at = first * gb;
		iov.iov_base = buf;
		iov.iov_len = (end * gb > xbytes ? xbytes : end * gb) - at;
		/* Zeroed grains read as zeros here, as they must land. */
		if (disk_vmdk_sparse_preadv(x->sp, &iov, 1, at) == -1 ||
		    disk_pwritev(p, &iov, 1, x->start * DISK_SECTOR_SIZE +
		    at) == -1)
			goto fail;
	}
	free(buf);
	return (0);

fail:
	saved = errno;
	free(buf);
	disk_vmdk_fail(d, cause, saved, "committing into %s: %s", p->d_path,
	    strerror(saved));
	errno = saved;
	return (-1);
}

int
disk_vmdk_commit(const char *path, char **cause)
{
	struct disk		*d, *p = NULL;
	struct disk_vmdk	*v, *pv;
	size_t			 i;
	int			 saved;

	if ((d = disk_open(path, DISK_OPEN_RDONLY, cause)) == NULL)
		return (-1);
	v = d->d_priv;
	if (d->d_ops != &disk_vmdk_ops || v->parent == NULL) {
		disk_vmdk_fail(d, cause, EINVAL, "not a delta disk");
		goto fail;
	}
	if (disk_size(v->parent) != d->d_size) {
		disk_vmdk_fail(d, cause, EINVAL, "the parent %s is smaller "
		    "than the delta", v->parent_path);
		goto fail;
	}
	/* Only the delta's own grains are read from here on. */
	for (i = 0; i < v->next; i++)
		disk_vmdk_sparse_set_backing(v->ext[i].sp, NULL, NULL);
	disk_close(v->parent);
	v->parent = NULL;
	if ((p = disk_open(v->parent_path, 0, cause)) == NULL)
		goto fail;
	pv = p->d_priv;
	if (p->d_ops != &disk_vmdk_ops) {
		disk_vmdk_fail(d, cause, EINVAL, "parent is not a VMDK");
		goto fail;
	}
	/*
	 * The parent takes the delta's CID before any grain moves, and
	 * keeps it (no new CID on the first write): from here on the delta
	 * still opens over the parent, and reads as before.
	 */
	if (pv->desc->cid != v->desc->cid) {
		pv->desc->cid = v->desc->cid;
		if (pv->no_desc || disk_vmdk_save_desc(p) == -1 ||
		    fdatasync(pv->fd) == -1) {
			disk_vmdk_fail(d, cause, pv->no_desc ? ENOTSUP : errno,
			    "cannot give the parent %s the delta's CID",
			    p->d_path);
			goto fail;
		}
	}
	pv->cid_done = 1;
	for (i = 0; i < v->next; i++) {
		if (disk_vmdk_commit_extent(d, &v->ext[i], p, cause) == -1)
			goto fail;
	}
	if (disk_flush(p) == -1) {
		disk_vmdk_fail(d, cause, errno, "flushing %s: %s", p->d_path,
		    strerror(errno));
		goto fail;
	}
	if (disk_close(p) == -1) {
		p = NULL;
		disk_vmdk_fail(d, cause, errno, "closing the parent: %s",
		    strerror(errno));
		goto fail;
	}
	disk_close(d);
	return (0);

fail:
	saved = errno;
	disk_close(p);
	disk_close(d);
	errno = saved;
	return (-1);
}

/*
 * The live switch (disk_snapshot, d_lock held): everything written so far
 * goes to stable storage, the delta is made and opened over the image (a
 * second, read-only handle), and only then is the writable handle closed
 * and d takes the delta's state, so any failure leaves d as it was.
 */
int
disk_vmdk_snapshot(struct disk *d, const char *path, char **cause)
{
	struct disk	*c;
	int		 saved;

	if (disk_vmdk_flush(d) == -1) {
		saved = errno;
		disk_vmdk_fail(d, cause, saved, "flush: %s", strerror(saved));
		errno = saved;
		return (-1);
	}
	if (disk_vmdk_create_delta(path, d, 0, cause) == -1)
		return (-1);
	if ((c = disk_open_chain(path, d->d_flags, d->d_depth,
	    cause)) == NULL) {
		saved = errno;
		unlink(path);
		errno = saved;
		return (-1);
	}
	/* The old image is complete and synced; its close only marks it
	 * clean, so a failure here loses nothing. */
	(void)disk_vmdk_close(d);
	d->d_priv = c->d_priv;
	d->d_format = c->d_format;
	d->d_can_discard = c->d_can_discard;
	free(d->d_path);
	d->d_path = c->d_path;
	pthread_mutex_destroy(&c->d_lock);
	free(c);
	return (0);
}
