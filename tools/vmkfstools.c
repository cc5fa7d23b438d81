/* SPDX-License-Identifier: ISC */
/*
 * vmkfstools: create, extend, clone/convert and describe virtual disks,
 * with the option letters of VMware's tool where one exists (-c, -d, -a,
 * -X, -i) and --info as our own addition.  All format work is the disk
 * layer's (vmm/disk.h); this file is the command line: one command per
 * run, picked from an explicit table.
 *
 * Errors are one line on stderr and exit 1; a usage error exits 2.  A
 * clone that fails removes what it created.
 */

#include "config.h"

#include <sys/uio.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "disk.h"

/* Bytes copied per step of a clone. */
#define VMKFSTOOLS_CHUNK	(1024 * 1024)
/* Zero blocks of this size are skipped (a sparse VMDK's grain). */
#define VMKFSTOOLS_BLOCK	(64 * 1024)

/* What the command line asked for. */
struct vmkfstools_args {
	const char	*cmd;		/* "create", "extend", ... */
	const char	*size;		/* -c / -X argument */
	const char	*src;		/* -i argument */
	const char	*format;	/* -d argument or NULL */
	const char	*adapter;	/* -a argument or NULL */
	const char	*file;		/* the operand */
};

/* One command. */
struct vmkfstools_cmd {
	const char	*name;
	int		(*run)(const struct vmkfstools_args *);
};

/* A -d value. */
struct vmkfstools_fmt {
	const char		*name;
	enum disk_format	 format;
	enum disk_prealloc	 prealloc;
};

static const struct vmkfstools_fmt vmkfstools_fmts[] = {
	{ "thin", DISK_FORMAT_VMDK_SPARSE, DISK_PREALLOC_NONE },
	{ "zeroedthick", DISK_FORMAT_VMDK_FLAT, DISK_PREALLOC_ZEROED },
	{ "eagerzeroedthick", DISK_FORMAT_VMDK_FLAT, DISK_PREALLOC_EAGER },
	{ "raw", DISK_FORMAT_RAW, DISK_PREALLOC_NONE }
};

static const char *vmkfstools_adapters[] = {
	"lsilogic", "pvscsi", "ide", "buslogic", "lsisas1068", "legacyESX"
};

static __dead void	vmkfstools_usage(int);
static int		vmkfstools_fail(const char *, ...) printflike(1, 2);
static int		vmkfstools_size(const char *, uint64_t *);
static const struct vmkfstools_fmt *vmkfstools_fmt(const char *);
static int		vmkfstools_ends(const char *, const char *);
static int		vmkfstools_create(const struct vmkfstools_args *);
static int		vmkfstools_extend(const struct vmkfstools_args *);
static int		vmkfstools_clone(const struct vmkfstools_args *);
static int		vmkfstools_info(const struct vmkfstools_args *);
static void		vmkfstools_remove(const char *,
			    const struct vmkfstools_fmt *);
static int		vmkfstools_is_zero(const uint8_t *, size_t);

static const struct vmkfstools_cmd vmkfstools_cmds[] = {
	{ "create", vmkfstools_create },
	{ "extend", vmkfstools_extend },
	{ "clone", vmkfstools_clone },
	{ "info", vmkfstools_info }
};

static __dead void
vmkfstools_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: vmkfstools -c SIZE [-d thin|zeroedthick|eagerzeroedthick] "
	    "[-a ADAPTER] FILE.vmdk\n"
	    "       vmkfstools -X SIZE [-d FORMAT] FILE\n"
	    "       vmkfstools -i SRC [-d thin|zeroedthick|eagerzeroedthick|"
	    "raw] DST\n"
	    "       vmkfstools --info FILE\n"
	    "SIZE is bytes, or a number with K, M, G or T (e.g. 10G, 512M).\n"
	    "ADAPTER is lsilogic, pvscsi, ide, buslogic, lsisas1068 or "
	    "legacyESX.\n");
	exit(status);
}

/* Print "vmkfstools: message" and return 1 (the exit status). */
static int
vmkfstools_fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("vmkfstools: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return (1);
}

/* "10G", "512M", "1024K", "4096": bytes, a multiple of 512, not 0. */
static int
vmkfstools_size(const char *s, uint64_t *out)
{
	uint64_t	v = 0, mult = 1;
	const char	*p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return (-1);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return (-1);
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	case 't': case 'T':
		mult = 1ULL << 40;
		break;
	default:
		return (-1);
	}
	if (*p != '\0' && p[1] != '\0')
		return (-1);
	if (v == 0 || v > INT64_MAX / mult || (v * mult) % 512 != 0)
		return (-1);
	*out = v * mult;
	return (0);
}

static const struct vmkfstools_fmt *
vmkfstools_fmt(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof vmkfstools_fmts / sizeof vmkfstools_fmts[0];
	    i++) {
		if (strcasecmp(name, vmkfstools_fmts[i].name) == 0)
			return (&vmkfstools_fmts[i]);
	}
	return (NULL);
}

/* 1 if s ends in suffix (any case). */
static int
vmkfstools_ends(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return (n >= m && strcasecmp(s + n - m, suffix) == 0);
}

static int
vmkfstools_create(const struct vmkfstools_args *a)
{
	const struct vmkfstools_fmt	*f;
	struct disk_create_args		 ca;
	char				*cause;

	memset(&ca, 0, sizeof ca);
	if (vmkfstools_size(a->size, &ca.size) == -1)
		return (vmkfstools_fail("%s: bad size (a number of bytes, a "
		    "multiple of 512, with K, M, G or T)", a->size));
	f = vmkfstools_fmt(a->format != NULL ? a->format : "zeroedthick");
	if (f == NULL || f->format == DISK_FORMAT_RAW)
		return (vmkfstools_fail("%s: unknown disk format for -c",
		    a->format));
	ca.format = f->format;
	ca.prealloc = f->prealloc;
	ca.adapter = a->adapter;
	if (disk_create(a->file, &ca, &cause) == -1) {
		vmkfstools_fail("%s", cause);
		free(cause);
		return (1);
	}
	return (0);
}

static int
vmkfstools_extend(const struct vmkfstools_args *a)
{
	const struct vmkfstools_fmt	*f = NULL;
	struct disk			*d;
	enum disk_prealloc		 pre;
	uint64_t			 size;
	char				*cause;
	int				 rc = 0;

	if (vmkfstools_size(a->size, &size) == -1)
		return (vmkfstools_fail("%s: bad size (a number of bytes, a "
		    "multiple of 512, with K, M, G or T)", a->size));
	if (a->format != NULL && (f = vmkfstools_fmt(a->format)) == NULL)
		return (vmkfstools_fail("%s: unknown disk format", a->format));
	if ((d = disk_open(a->file, 0, &cause)) == NULL) {
		vmkfstools_fail("%s", cause);
		free(cause);
		return (1);
	}
	if (f != NULL)
		pre = f->prealloc;
	else if (disk_format(d) == DISK_FORMAT_VMDK_FLAT)
		pre = DISK_PREALLOC_ZEROED;
	else
		pre = DISK_PREALLOC_NONE;
	if (size < disk_size(d)) {
		rc = vmkfstools_fail("%s: cannot shrink a disk (it is %" PRIu64
		    " bytes)", a->file, disk_size(d));
	} else if (disk_resize(d, size, pre, &cause) == -1) {
		rc = vmkfstools_fail("%s", cause);
		free(cause);
	}
	if (disk_close(d) == -1 && rc == 0)
		rc = vmkfstools_fail("%s: %s", a->file, strerror(errno));
	return (rc);
}

static int
vmkfstools_is_zero(const uint8_t *p, size_t n)
{
	return (n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0));
}

/* Remove a half-made clone (and a flat VMDK's extent). */
static void
vmkfstools_remove(const char *path, const struct vmkfstools_fmt *f)
{
	char	*flat;
	size_t	 n;

	unlink(path);
	if (f->format != DISK_FORMAT_VMDK_FLAT)
		return;
	n = strlen(path);
	if (vmkfstools_ends(path, ".vmdk"))
		n -= 5;
	xasprintf(&flat, "%.*s-flat.vmdk", (int)n, path);
	unlink(flat);
	free(flat);
}

static int
vmkfstools_clone(const struct vmkfstools_args *a)
{
	const struct vmkfstools_fmt	*f;
	struct disk_create_args		 ca;
	struct disk			*src, *dst = NULL;
	struct iovec			 iov;
	uint8_t				*buf;
	uint64_t			 size, at;
	size_t				 n, off, piece;
	char				*cause = NULL;
	int				 tty, pct, last = -1, rc = 1;

	if (a->format != NULL)
		f = vmkfstools_fmt(a->format);
	else if (vmkfstools_ends(a->file, ".img") ||
	    vmkfstools_ends(a->file, ".raw"))
		f = vmkfstools_fmt("raw");
	else
		f = vmkfstools_fmt("zeroedthick");
	if (f == NULL)
		return (vmkfstools_fail("%s: unknown disk format", a->format));
	if ((src = disk_open(a->src, DISK_OPEN_RDONLY, &cause)) == NULL) {
		vmkfstools_fail("%s", cause);
		free(cause);
		return (1);
	}
	size = disk_size(src);
	memset(&ca, 0, sizeof ca);
	ca.format = f->format;
	ca.prealloc = f->prealloc;
	ca.size = size;
	ca.adapter = a->adapter;
	if (disk_create(a->file, &ca, &cause) == -1) {
		vmkfstools_fail("%s", cause);
		free(cause);
		disk_close(src);
		return (1);
	}
	if ((dst = disk_open(a->file, 0, &cause)) == NULL) {
		vmkfstools_fail("%s", cause);
		free(cause);
		goto out;
	}
	tty = isatty(STDERR_FILENO);
	buf = xmalloc(VMKFSTOOLS_CHUNK);
	for (at = 0; at < size; at += n) {
		n = VMKFSTOOLS_CHUNK;
		if (n > size - at)
			n = (size_t)(size - at);
		iov.iov_base = buf;
		iov.iov_len = n;
		if (disk_preadv(src, &iov, 1, at) == -1) {
			vmkfstools_fail("%s: read at %" PRIu64 ": %s", a->src,
			    at, strerror(errno));
			break;
		}
		/* A new disk reads as zeros already: keep it sparse, one
		 * grain-sized block at a time. */
		for (off = 0; off < n; off += piece) {
			piece = n - off < VMKFSTOOLS_BLOCK ? n - off :
			    VMKFSTOOLS_BLOCK;
			if (vmkfstools_is_zero(buf + off, piece))
				continue;
			iov.iov_base = buf + off;
			iov.iov_len = piece;
			if (disk_pwritev(dst, &iov, 1, at + off) == -1)
				break;
		}
		if (off < n) {
			vmkfstools_fail("%s: write at %" PRIu64 ": %s", a->file,
			    at + off, strerror(errno));
			break;
		}
		pct = (int)((at + n) * 100 / size);
		if (tty && pct != last) {
			fprintf(stderr, "\rClone: %d%% done.", pct);
			last = pct;
		}
	}
	free(buf);
	if (tty && last != -1)
		fputc('\n', stderr);
	if (at >= size) {
		if (disk_flush(dst) == -1)
			vmkfstools_fail("%s: %s", a->file, strerror(errno));
		else
			rc = 0;
	}
	if (disk_close(dst) == -1 && rc == 0)
		rc = vmkfstools_fail("%s: %s", a->file, strerror(errno));

out:
	disk_close(src);
	if (rc != 0)
		vmkfstools_remove(a->file, f);
	return (rc);
}

static int
vmkfstools_info(const struct vmkfstools_args *a)
{
	struct disk		*d;
	struct disk_info	 info;
	char			*cause, id[DISK_ID_MAX];
	size_t			 idlen;

	if ((d = disk_open(a->file, DISK_OPEN_RDONLY, &cause)) == NULL) {
		vmkfstools_fail("%s", cause);
		free(cause);
		return (1);
	}
	if (disk_info(d, &info, &cause) == -1) {
		vmkfstools_fail("%s", cause);
		free(cause);
		disk_close(d);
		return (1);
	}
	idlen = disk_id(d, id);
	printf("File: %s\n", a->file);
	printf("Format: %s\n", info.create_type != NULL ? info.create_type :
	    disk_format_name(info.format));
	printf("Capacity: %" PRIu64 " bytes (%" PRIu64 " sectors, %.2f GiB)\n",
	    info.size, info.size / 512,
	    (double)info.size / (1024.0 * 1024 * 1024));
	printf("Allocated: %" PRIu64 " bytes\n", info.allocated);
	if (info.grain_size != 0)
		printf("Grains: %" PRIu64 " of %" PRIu64 " allocated (%" PRIu64
		    " bytes each)\n", info.grains_allocated, info.grains,
		    info.grain_size);
	if (info.format != DISK_FORMAT_RAW) {
		printf("CID: %08" PRIx32 "\n", info.cid);
		printf("Parent CID: %08" PRIx32 "\n", info.parent_cid);
		printf("Extents: %u\n", info.extents);
		if (info.adapter != NULL)
			printf("Adapter: %s\n", info.adapter);
		if (info.cylinders != 0)
			printf("Geometry: %" PRIu32 "/%" PRIu32 "/%" PRIu32
			    " (C/H/S)\n", info.cylinders, info.heads,
			    info.sectors);
		if (info.uuid != NULL)
			printf("UUID: %s\n", info.uuid);
	}
	if (info.format == DISK_FORMAT_VMDK_SPARSE)
		printf("Unclean shutdown: %s\n", info.unclean ? "yes" : "no");
	printf("Serial: %.*s\n", (int)idlen, id);
	disk_info_clear(&info);
	disk_close(d);
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "createvirtualdisk", required_argument, NULL, 'c' },
		{ "diskformat", required_argument, NULL, 'd' },
		{ "adaptertype", required_argument, NULL, 'a' },
		{ "extendvirtualdisk", required_argument, NULL, 'X' },
		{ "clonevirtualdisk", required_argument, NULL, 'i' },
		{ "info", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vmkfstools_args		 a;
	size_t				 i, j;
	int				 ch;

	memset(&a, 0, sizeof a);
	while ((ch = getopt_long(argc, argv, "a:c:d:hi:X:", longopts,
	    NULL)) != -1) {
		if (a.cmd != NULL && (ch == 'c' || ch == 'X' || ch == 'i' ||
		    ch == 'I')) {
			fprintf(stderr, "vmkfstools: only one of -c, -X, -i "
			    "and --info\n");
			vmkfstools_usage(2);
		}
		switch (ch) {
		case 'a':
			a.adapter = optarg;
			break;
		case 'c':
			a.cmd = "create";
			a.size = optarg;
			break;
		case 'd':
			a.format = optarg;
			break;
		case 'h':
			vmkfstools_usage(0);
		case 'i':
			a.cmd = "clone";
			a.src = optarg;
			break;
		case 'I':
			a.cmd = "info";
			break;
		case 'X':
			a.cmd = "extend";
			a.size = optarg;
			break;
		default:
			vmkfstools_usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (a.cmd == NULL || argc != 1)
		vmkfstools_usage(2);
	a.file = argv[0];
	if (a.adapter != NULL) {
		for (j = 0; j < sizeof vmkfstools_adapters /
		    sizeof vmkfstools_adapters[0]; j++) {
			if (strcmp(a.adapter, vmkfstools_adapters[j]) == 0)
				break;
		}
		if (j == sizeof vmkfstools_adapters /
		    sizeof vmkfstools_adapters[0]) {
			fprintf(stderr, "vmkfstools: %s: unknown adapter "
			    "type\n", a.adapter);
			vmkfstools_usage(2);
		}
	}
	if (a.format != NULL && vmkfstools_fmt(a.format) == NULL) {
		fprintf(stderr, "vmkfstools: %s: unknown disk format\n",
		    a.format);
		vmkfstools_usage(2);
	}
	for (i = 0; i < sizeof vmkfstools_cmds / sizeof vmkfstools_cmds[0];
	    i++) {
		if (strcmp(a.cmd, vmkfstools_cmds[i].name) == 0)
			return (vmkfstools_cmds[i].run(&a));
	}
	vmkfstools_usage(2);
}
