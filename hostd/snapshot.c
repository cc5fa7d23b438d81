/* SPDX-License-Identifier: ISC */
/*
 * Snapshots on disk: the .vmsd (VMware's snapshot database, `key =
 * "value"` like the .vmx), the .vmsn beside each snapshot (here: the
 * .vmx text at snapshot time, restored by a revert), and the delta disk
 * chains under them (vmm/disk.h).  Nothing here touches the inventory:
 * these functions only work on files, so mo-virtualmachinesnapshot.c
 * runs them on a worker thread.
 *
 * The model.  A snapshot's diskM.fileName is the image that held the
 * disk when the snapshot was taken and that was frozen then; the VM goes
 * on in a new delta of it, named <base>-NNNNNN.vmdk in the VM's
 * directory as ESX names them.  So each snapshot's image is a delta (or
 * the base) under its parent snapshot's, and the .vmx names the newest
 * delta.  Which image is whose parent is read from the images themselves
 * (parentFileNameHint), never assumed.
 *
 * Crash safety: every step leaves files that open and read correctly,
 * so a crash loses at most the operation in progress, never data.
 *  - create: deltas first, then the .vmx (atomic), then the .vmsd; a
 *    crash before the .vmsd leaves a delta that no snapshot names, which
 *    is harmless;
 *  - revert: the new delta, the .vmx, the .vmsd, and only then the old
 *    delta goes;
 *  - remove: the .vmsd forgets the snapshot first (so its image is no
 *    restore point any more), then its image takes its only child's data
 *    (disk_commit, crash-safe by the CID rule of disk.h), the child's
 *    children are re-linked, the .vmsd and .vmx name the image instead
 *    of the child, and the child goes last.  An image with several
 *    children stays as it is.
 * The .vmsd and .vmx are always replaced atomically (lib/cfg, which uses
 * lib/atomicfile).
 */

#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cfg.h"
#include "disk.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

/* Most snapshots of one VM (ESX allows 32 in a chain; the tree more). */
#define HOSTD_SNAPSHOT_MAX	496
/* Most images looked at when working out who is whose parent. */
#define HOSTD_SNAPSHOT_FILES	4096

/* Paths of images (absolute), each with its parent's or NULL. */
struct hostd_snapshot_files {
	char	**sf_path;
	char	**sf_parent;
	size_t	  sf_n;
};

static char	*hostd_snapshot_vmsd_path(const char *);
static char	*hostd_snapshot_dir(const char *);
static char	*hostd_snapshot_abs(const char *, const char *);
static char	*hostd_snapshot_rel(const char *, const char *);
static int	 hostd_snapshot_disk_unit(const struct cfg *, const char *);
static int	 hostd_snapshot_disks(const struct cfg *,
		    struct hostd_snapshot_disk **, size_t *);
static void	 hostd_snapshot_disks_free(struct hostd_snapshot_disk *,
		    size_t);
static char	*hostd_snapshot_delta_name(const char *, const char *);
static char	*hostd_snapshot_vmsn_name(const char *, uint32_t);
static int	 hostd_snapshot_copy_vmx(const char *, const char *, char **);
static void	 hostd_snapshot_files_add(struct hostd_snapshot_files *,
		    const char *);
static void	 hostd_snapshot_files_known(struct hostd_snapshot_files *,
		    const struct hostd_snapshot_db *, const struct cfg *,
		    const char *);
static void	 hostd_snapshot_files_free(struct hostd_snapshot_files *);
static int	 hostd_snapshot_files_has(const struct hostd_snapshot_files *,
		    const char *);
static int	 hostd_snapshot_referenced(const struct hostd_snapshot_db *,
		    const struct cfg *, const char *, const char *);
static void	 hostd_snapshot_replace(struct hostd_snapshot_db *,
		    struct cfg *, const char *, const char *, const char *);
static int	 hostd_snapshot_drop(struct hostd_snapshot_db *, uint32_t);
static int	 hostd_snapshot_fold(const char *, const char *, char **);
static int	 hostd_snapshot_remove_one(const char *,
		    struct hostd_snapshot_db *, uint32_t, char **);
static void	 hostd_snapshot_postorder(const struct hostd_snapshot_db *,
		    uint32_t, uint32_t *, size_t *);
static void	 hostd_snapshot_record_free(struct hostd_snapshot *);
static void	 hostd_snapshot_append(struct hostd_snapshot_db *, uint32_t,
		    const char *, const char *, char *, int,
		    struct hostd_snapshot_disk *, size_t);

/* ---- paths ----------------------------------------------------------- */

/* <vm>.vmx -> <vm>.vmsd, as VMware names it. */
static char *
hostd_snapshot_vmsd_path(const char *vmx)
{
	size_t	 len = strlen(vmx);
	char	*out;

	if (len > 4 && strcasecmp(vmx + len - 4, ".vmx") == 0)
		xasprintf(&out, "%.*s.vmsd", (int)(len - 4), vmx);
	else
		xasprintf(&out, "%s.vmsd", vmx);
	return (out);
}

static char *
hostd_snapshot_dir(const char *vmx)
{
	char	*copy, *out;

	copy = xstrdup(vmx);
	out = xstrdup(dirname(copy));
	free(copy);
	return (out);
}

/* A .vmx/.vmsd file name as a path: relative ones are in dir. */
static char *
hostd_snapshot_abs(const char *dir, const char *file)
{
	char	*out;

	if (*file == '/')
		return (xstrdup(file));
	xasprintf(&out, "%s/%s", dir, file);
	return (out);
}

/* The other way: the bare name for a file in dir, as VMware writes. */
static char *
hostd_snapshot_rel(const char *dir, const char *path)
{
	size_t	len = strlen(dir);

	if (strncmp(path, dir, len) == 0 && path[len] == '/' &&
	    strchr(path + len + 1, '/') == NULL)
		return (xstrdup(path + len + 1));
	return (xstrdup(path));
}

/* ---- the .vmx's disks -------------------------------------------------- */

/*
 * 1 if unit ("scsi0:0") is a present disk whose image takes part in
 * snapshots: a VMDK, not a CD, not independent (VMware leaves
 * independent disks out of snapshots).
 */
static int
hostd_snapshot_disk_unit(const struct cfg *cfg, const char *unit)
{
	static const char *const types[] = { "scsi", "sata", "nvme", "ide" };
	const char	*v, *p;
	char		 key[96];
	size_t		 i, n, len;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		n = strlen(types[i]);
		if (strncasecmp(unit, types[i], n) == 0)
			break;
	}
	if (i == sizeof types / sizeof types[0])
		return (0);
	p = unit + n;
	if (!isdigit((unsigned char)*p))
		return (0);
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != ':' || !isdigit((unsigned char)*p))
		return (0);
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != '\0')
		return (0);
	snprintf(key, sizeof key, "%s.present", unit);
	if (!cfg_get_bool(cfg, key, 0))
		return (0);
	snprintf(key, sizeof key, "%s.deviceType", unit);
	if ((v = cfg_get(cfg, key)) != NULL && (strncasecmp(v, "cdrom", 5) ==
	    0 || strncasecmp(v, "atapi", 5) == 0))
		return (0);
	snprintf(key, sizeof key, "%s.mode", unit);
	if ((v = cfg_get(cfg, key)) != NULL && strncasecmp(v, "independent",
	    11) == 0)
		return (0);
	snprintf(key, sizeof key, "%s.fileName", unit);
	if ((v = cfg_get(cfg, key)) == NULL || (len = strlen(v)) < 5 ||
	    strcasecmp(v + len - 5, ".vmdk") != 0)
		return (0);
	return (1);
}

/* The snapshot disks of a .vmx: unit and fileName as written. */
static int
hostd_snapshot_disks(const struct cfg *cfg, struct hostd_snapshot_disk **out,
    size_t *n)
{
	struct hostd_snapshot_disk	*d = NULL;
	const char			*key, *dot;
	char				 unit[64];
	size_t				 i, j, count = 0;

	for (i = 0; i < cfg_count(cfg); i++) {
		key = cfg_key(cfg, i);
		if ((dot = strchr(key, '.')) == NULL ||
		    strcasecmp(dot, ".fileName") != 0 ||
		    (size_t)(dot - key) >= sizeof unit)
			continue;
		memcpy(unit, key, (size_t)(dot - key));
		unit[dot - key] = '\0';
		if (!hostd_snapshot_disk_unit(cfg, unit))
			continue;
		for (j = 0; j < count; j++) {
			if (strcasecmp(d[j].sd_node, unit) == 0)
				break;
		}
		if (j < count)
			continue;	/* a repeated key: the last counts */
		d = xreallocarray(d, count + 1, sizeof *d);
		d[count].sd_node = xstrdup(unit);
		snprintf(unit + strlen(unit), sizeof unit - strlen(unit),
		    ".fileName");
		d[count].sd_file = xstrdup(cfg_get(cfg, unit));
		count++;
	}
	*out = d;
	*n = count;
	return (0);
}

static void
hostd_snapshot_disks_free(struct hostd_snapshot_disk *d, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(d[i].sd_node);
		free(d[i].sd_file);
	}
	free(d);
}

/*
 * A free name for a new delta of image in dir: <base>-NNNNNN.vmdk, base
 * being image's name without ".vmdk" and without an earlier -NNNNNN.
 */
static char *
hostd_snapshot_delta_name(const char *dir, const char *image)
{
	struct stat	 sb;
	const char	*name;
	char		*out;
	size_t		 len;
	int		 n;

	name = strrchr(image, '/') != NULL ? strrchr(image, '/') + 1 : image;
	len = strlen(name);
	if (len > 5 && strcasecmp(name + len - 5, ".vmdk") == 0)
		len -= 5;
	if (len > 7 && name[len - 7] == '-' &&
	    strspn(name + len - 6, "0123456789") == 6)
		len -= 7;
	for (n = 1; n < 1000000; n++) {
		xasprintf(&out, "%s/%.*s-%06d.vmdk", dir, (int)len, name, n);
		if (lstat(out, &sb) == -1 && errno == ENOENT)
			return (out);
		free(out);
	}
	return (NULL);
}

static char *
hostd_snapshot_vmsn_name(const char *vmx, uint32_t uid)
{
	const char	*name;
	char		*out;
	size_t		 len;

	name = strrchr(vmx, '/') != NULL ? strrchr(vmx, '/') + 1 : vmx;
	len = strlen(name);
	if (len > 4 && strcasecmp(name + len - 4, ".vmx") == 0)
		len -= 4;
	xasprintf(&out, "%.*s-Snapshot%" PRIu32 ".vmsn", (int)len, name, uid);
	return (out);
}

/* The configuration at snapshot time: the .vmx text, kept as the .vmsn. */
static int
hostd_snapshot_copy_vmx(const char *vmx, const char *vmsn, char **cause)
{
	struct cfg	*cfg;
	char		*text;
	size_t		 len;
	int		 rc;

	if ((cfg = cfg_load(vmx, cause)) == NULL)
		return (-1);
	text = cfg_write_buf(cfg, &len);
	rc = atomicfile_write(vmsn, text, len, 0644, cause);
	free(text);
	cfg_free(cfg);
	return (rc);
}

/* ---- the .vmsd --------------------------------------------------------- */

static void
hostd_snapshot_record_free(struct hostd_snapshot *s)
{
	free(s->sn_name);
	free(s->sn_desc);
	free(s->sn_vmsn);
	hostd_snapshot_disks_free(s->sn_disks, s->sn_ndisks);
	memset(s, 0, sizeof *s);
}

void
hostd_snapshot_clear(struct hostd_snapshot_db *db)
{
	size_t	i;

	for (i = 0; i < db->db_n; i++)
		hostd_snapshot_record_free(&db->db_snaps[i]);
	free(db->db_snaps);
	free(db->db_path);
	memset(db, 0, sizeof *db);
}

struct hostd_snapshot *
hostd_snapshot_find(struct hostd_snapshot_db *db, uint32_t uid)
{
	size_t	i;

	for (i = 0; uid != 0 && i < db->db_n; i++) {
		if (db->db_snaps[i].sn_uid == uid)
			return (&db->db_snaps[i]);
	}
	return (NULL);
}

int
hostd_snapshot_load(const char *vmx, struct hostd_snapshot_db *db,
    char **cause)
{
	struct hostd_snapshot	*s;
	struct cfg		*cfg;
	char			 key[96];
	const char		*v;
	long long		 n, count, ndisks, hi, lo, j;
	int64_t			 us;

	memset(db, 0, sizeof *db);
	db->db_path = hostd_snapshot_vmsd_path(vmx);
	if (access(db->db_path, F_OK) == -1 && errno == ENOENT)
		return (0);
	if ((cfg = cfg_load(db->db_path, cause)) == NULL) {
		hostd_snapshot_clear(db);
		return (-1);
	}
	if (cfg_get_int(cfg, "snapshot.lastUID", 0, UINT32_MAX, 0, &n,
	    cause) != 0 || cfg_get_int(cfg, "snapshot.numSnapshots", 0,
	    HOSTD_SNAPSHOT_MAX, 0, &count, cause) != 0)
		goto fail;
	db->db_lastuid = (uint32_t)n;
	if (cfg_get_int(cfg, "snapshot.current", 0, UINT32_MAX, 0, &n,
	    cause) != 0)
		goto fail;
	db->db_current = (uint32_t)n;
	/* VMware numbers the entries 0 .. numSnapshots - 1. */
	for (n = 0; n < count; n++) {
		snprintf(key, sizeof key, "snapshot%lld.uid", n);
		if (cfg_get(cfg, key) == NULL)
			continue;
		db->db_snaps = xreallocarray(db->db_snaps, db->db_n + 1,
		    sizeof *db->db_snaps);
		s = &db->db_snaps[db->db_n++];
		memset(s, 0, sizeof *s);
		if (cfg_get_int(cfg, key, 1, UINT32_MAX, 0, &j, cause) != 0)
			goto fail;
		s->sn_uid = (uint32_t)j;
		snprintf(key, sizeof key, "snapshot%lld.parent", n);
		if (cfg_get_int(cfg, key, 0, UINT32_MAX, 0, &j, cause) != 0)
			goto fail;
		s->sn_parent = (uint32_t)j;
		snprintf(key, sizeof key, "snapshot%lld.displayName", n);
		s->sn_name = xstrdup((v = cfg_get(cfg, key)) != NULL ? v : "");
		snprintf(key, sizeof key, "snapshot%lld.description", n);
		s->sn_desc = xstrdup((v = cfg_get(cfg, key)) != NULL ? v : "");
		snprintf(key, sizeof key, "snapshot%lld.filename", n);
		if ((v = cfg_get(cfg, key)) != NULL && *v != '\0')
			s->sn_vmsn = xstrdup(v);
		snprintf(key, sizeof key, "snapshot%lld.type", n);
		s->sn_memory = cfg_get_int(cfg, key, 0, 10, 0, &j, NULL) == 0 &&
		    j == 1;
		snprintf(key, sizeof key, "snapshot%lld.quiesced", n);
		s->sn_quiesced = cfg_get_bool(cfg, key, 0);
		/* createTimeHigh/Low: the two 32-bit halves of µs. */
		snprintf(key, sizeof key, "snapshot%lld.createTimeHigh", n);
		if (cfg_get_int(cfg, key, INT32_MIN, UINT32_MAX, 0, &hi,
		    cause) != 0)
			goto fail;
		snprintf(key, sizeof key, "snapshot%lld.createTimeLow", n);
		if (cfg_get_int(cfg, key, INT32_MIN, UINT32_MAX, 0, &lo,
		    cause) != 0)
			goto fail;
		us = (int64_t)(((uint64_t)(uint32_t)hi << 32) |
		    (uint32_t)lo);
		s->sn_time.tv_sec = (time_t)(us / 1000000);
		s->sn_time.tv_nsec = (long)(us % 1000000) * 1000;
		snprintf(key, sizeof key, "snapshot%lld.numDisks", n);
		if (cfg_get_int(cfg, key, 0, 256, 0, &ndisks, cause) != 0)
			goto fail;
		for (j = 0; j < ndisks; j++) {
			s->sn_disks = xreallocarray(s->sn_disks,
			    s->sn_ndisks + 1, sizeof *s->sn_disks);
			snprintf(key, sizeof key, "snapshot%lld.disk%lld.node",
			    n, j);
			v = cfg_get(cfg, key);
			s->sn_disks[s->sn_ndisks].sd_node = xstrdup(v != NULL ?
			    v : "");
			snprintf(key, sizeof key,
			    "snapshot%lld.disk%lld.fileName", n, j);
			v = cfg_get(cfg, key);
			s->sn_disks[s->sn_ndisks++].sd_file = xstrdup(v !=
			    NULL ? v : "");
		}
	}
	cfg_free(cfg);
	return (0);

fail:
	cfg_free(cfg);
	hostd_snapshot_clear(db);
	errno = EINVAL;
	return (-1);
}

int
hostd_snapshot_save(const struct hostd_snapshot_db *db, char **cause)
{
	const struct hostd_snapshot	*s;
	struct cfg			*cfg;
	char				 key[96], val[64];
	size_t				 i, j;
	uint64_t			 us;
	int				 rc;

	cfg = cfg_create();
	cfg_set(cfg, ".encoding", "UTF-8");
	snprintf(val, sizeof val, "%" PRIu32, db->db_lastuid);
	cfg_set(cfg, "snapshot.lastUID", val);
	if (db->db_current != 0) {
		snprintf(val, sizeof val, "%" PRIu32, db->db_current);
		cfg_set(cfg, "snapshot.current", val);
	}
	snprintf(val, sizeof val, "%zu", db->db_n);
	cfg_set(cfg, "snapshot.numSnapshots", val);
	for (i = 0; i < db->db_n; i++) {
		s = &db->db_snaps[i];
		snprintf(key, sizeof key, "snapshot%zu.uid", i);
		snprintf(val, sizeof val, "%" PRIu32, s->sn_uid);
		cfg_set(cfg, key, val);
		if (s->sn_vmsn != NULL) {
			snprintf(key, sizeof key, "snapshot%zu.filename", i);
			cfg_set(cfg, key, s->sn_vmsn);
		}
		if (s->sn_parent != 0) {
			snprintf(key, sizeof key, "snapshot%zu.parent", i);
			snprintf(val, sizeof val, "%" PRIu32, s->sn_parent);
			cfg_set(cfg, key, val);
		}
		snprintf(key, sizeof key, "snapshot%zu.displayName", i);
		cfg_set(cfg, key, s->sn_name);
		if (*s->sn_desc != '\0') {
			snprintf(key, sizeof key, "snapshot%zu.description",
			    i);
			cfg_set(cfg, key, s->sn_desc);
		}
		if (s->sn_memory) {
			snprintf(key, sizeof key, "snapshot%zu.type", i);
			cfg_set(cfg, key, "1");
		}
		if (s->sn_quiesced) {
			snprintf(key, sizeof key, "snapshot%zu.quiesced", i);
			cfg_set(cfg, key, "TRUE");
		}
		us = (uint64_t)s->sn_time.tv_sec * 1000000 +
		    (uint64_t)(s->sn_time.tv_nsec / 1000);
		snprintf(key, sizeof key, "snapshot%zu.createTimeHigh", i);
		snprintf(val, sizeof val, "%" PRIu32, (uint32_t)(us >> 32));
		cfg_set(cfg, key, val);
		/* VMware writes the low half as a signed number. */
		snprintf(key, sizeof key, "snapshot%zu.createTimeLow", i);
		snprintf(val, sizeof val, "%" PRId32, (int32_t)(uint32_t)us);
		cfg_set(cfg, key, val);
		snprintf(key, sizeof key, "snapshot%zu.numDisks", i);
		snprintf(val, sizeof val, "%zu", s->sn_ndisks);
		cfg_set(cfg, key, val);
		for (j = 0; j < s->sn_ndisks; j++) {
			snprintf(key, sizeof key,
			    "snapshot%zu.disk%zu.fileName", i, j);
			cfg_set(cfg, key, s->sn_disks[j].sd_file);
			snprintf(key, sizeof key, "snapshot%zu.disk%zu.node",
			    i, j);
			cfg_set(cfg, key, s->sn_disks[j].sd_node);
		}
	}
	rc = cfg_save(cfg, db->db_path, cause);
	cfg_free(cfg);
	return (rc);
}

/* ---- which image is whose parent ----------------------------------- */

static int
hostd_snapshot_files_has(const struct hostd_snapshot_files *f,
    const char *path)
{
	size_t	i;

	for (i = 0; i < f->sf_n; i++) {
		if (strcmp(f->sf_path[i], path) == 0)
			return (1);
	}
	return (0);
}

/* Add path and its ancestors (as their deltas name them). */
static void
hostd_snapshot_files_add(struct hostd_snapshot_files *f, const char *path)
{
	char	*cur, *parent, *cause = NULL;

	cur = xstrdup(path);
	while (cur != NULL && !hostd_snapshot_files_has(f, cur) &&
	    f->sf_n < HOSTD_SNAPSHOT_FILES) {
		parent = NULL;
		if (disk_parent(cur, &parent, &cause) != 0) {
			/* A missing image has no parent we could know of. */
			free(cause);
			cause = NULL;
			parent = NULL;
		}
		f->sf_path = xreallocarray(f->sf_path, f->sf_n + 1,
		    sizeof *f->sf_path);
		f->sf_parent = xreallocarray(f->sf_parent, f->sf_n + 1,
		    sizeof *f->sf_parent);
		f->sf_path[f->sf_n] = cur;
		f->sf_parent[f->sf_n++] = parent;
		cur = parent != NULL ? xstrdup(parent) : NULL;
	}
	free(cur);
}

/* Every image the snapshots and the .vmx name, and their ancestors. */
static void
hostd_snapshot_files_known(struct hostd_snapshot_files *f,
    const struct hostd_snapshot_db *db, const struct cfg *vmx,
    const char *dir)
{
	struct hostd_snapshot_disk	*d;
	size_t				 i, j, n;
	char				*p;

	memset(f, 0, sizeof *f);
	for (i = 0; i < db->db_n; i++) {
		for (j = 0; j < db->db_snaps[i].sn_ndisks; j++) {
			p = hostd_snapshot_abs(dir,
			    db->db_snaps[i].sn_disks[j].sd_file);
			hostd_snapshot_files_add(f, p);
			free(p);
		}
	}
	hostd_snapshot_disks(vmx, &d, &n);
	for (i = 0; i < n; i++) {
		p = hostd_snapshot_abs(dir, d[i].sd_file);
		hostd_snapshot_files_add(f, p);
		free(p);
	}
	hostd_snapshot_disks_free(d, n);
}

static void
hostd_snapshot_files_free(struct hostd_snapshot_files *f)
{
	size_t	i;

	for (i = 0; i < f->sf_n; i++) {
		free(f->sf_path[i]);
		free(f->sf_parent[i]);
	}
	free(f->sf_path);
	free(f->sf_parent);
	memset(f, 0, sizeof *f);
}

/* 1 if a snapshot or the .vmx names the image at path. */
static int
hostd_snapshot_referenced(const struct hostd_snapshot_db *db,
    const struct cfg *vmx, const char *dir, const char *path)
{
	struct hostd_snapshot_disk	*d;
	size_t				 i, j, n;
	char				*p;
	int				 found = 0;

	for (i = 0; i < db->db_n && !found; i++) {
		for (j = 0; j < db->db_snaps[i].sn_ndisks && !found; j++) {
			p = hostd_snapshot_abs(dir,
			    db->db_snaps[i].sn_disks[j].sd_file);
			found = strcmp(p, path) == 0;
			free(p);
		}
	}
	hostd_snapshot_disks(vmx, &d, &n);
	for (i = 0; i < n && !found; i++) {
		p = hostd_snapshot_abs(dir, d[i].sd_file);
		found = strcmp(p, path) == 0;
		free(p);
	}
	hostd_snapshot_disks_free(d, n);
	return (found);
}

/* Wherever the snapshots or the .vmx name from, name to instead. */
static void
hostd_snapshot_replace(struct hostd_snapshot_db *db, struct cfg *vmx,
    const char *dir, const char *from, const char *to)
{
	struct hostd_snapshot_disk	*d;
	size_t				 i, j, n;
	char				*p, key[96];

	for (i = 0; i < db->db_n; i++) {
		for (j = 0; j < db->db_snaps[i].sn_ndisks; j++) {
			p = hostd_snapshot_abs(dir,
			    db->db_snaps[i].sn_disks[j].sd_file);
			if (strcmp(p, from) == 0) {
				free(db->db_snaps[i].sn_disks[j].sd_file);
				db->db_snaps[i].sn_disks[j].sd_file =
				    hostd_snapshot_rel(dir, to);
			}
			free(p);
		}
	}
	hostd_snapshot_disks(vmx, &d, &n);
	for (i = 0; i < n; i++) {
		p = hostd_snapshot_abs(dir, d[i].sd_file);
		if (strcmp(p, from) == 0) {
			snprintf(key, sizeof key, "%s.fileName", d[i].sd_node);
			free(p);
			p = hostd_snapshot_rel(dir, to);
			cfg_set(vmx, key, p);
		}
		free(p);
	}
	hostd_snapshot_disks_free(d, n);
}

/* ---- operations ------------------------------------------------------- */

/*
 * Add snapshot uid, taken now of the current state, to db as its new
 * current snapshot; vmsn and the n disks d become the record's.
 */
static void
hostd_snapshot_append(struct hostd_snapshot_db *db, uint32_t uid,
    const char *name, const char *desc, char *vmsn, int quiesced,
    struct hostd_snapshot_disk *d, size_t n)
{
	struct hostd_snapshot	*s;

	db->db_snaps = xreallocarray(db->db_snaps, db->db_n + 1,
	    sizeof *db->db_snaps);
	s = &db->db_snaps[db->db_n++];
	memset(s, 0, sizeof *s);
	s->sn_uid = uid;
	s->sn_parent = db->db_current;
	s->sn_name = xstrdup(name);
	s->sn_desc = xstrdup(desc != NULL ? desc : "");
	s->sn_vmsn = vmsn;
	s->sn_quiesced = quiesced;
	clock_gettime(CLOCK_REALTIME, &s->sn_time);
	s->sn_disks = d;
	s->sn_ndisks = n;
	db->db_current = uid;
	db->db_lastuid = uid;
}

int
hostd_snapshot_create(const char *vmx, const char *name, const char *desc,
    int quiesced, uint32_t *uidp, char **cause)
{
	struct hostd_snapshot_db	 db;
	struct hostd_snapshot_disk	*d = NULL;
	struct disk_create_args		 args;
	struct cfg			*cfg = NULL;
	char				*dir, **made = NULL, *img, *why = NULL;
	char				*vmsn, *vmsnpath, key[96];
	size_t				 i, n = 0, nmade = 0;
	uint32_t			 uid;

	dir = hostd_snapshot_dir(vmx);
	if (hostd_snapshot_load(vmx, &db, cause) != 0) {
		free(dir);
		return (-1);
	}
	if (db.db_n >= HOSTD_SNAPSHOT_MAX) {
		xasprintf(cause, "the VM has %zu snapshots, the most there may "
		    "be", db.db_n);
		goto fail;
	}
	if ((cfg = cfg_load(vmx, cause)) == NULL)
		goto fail;
	uid = db.db_lastuid + 1;
	vmsn = hostd_snapshot_vmsn_name(vmx, uid);
	vmsnpath = hostd_snapshot_abs(dir, vmsn);
	if (hostd_snapshot_copy_vmx(vmx, vmsnpath, cause) != 0) {
		free(vmsn);
		free(vmsnpath);
		goto fail;
	}
	free(vmsnpath);
	hostd_snapshot_disks(cfg, &d, &n);
	made = xcalloc(n + 1, sizeof *made);
	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	for (i = 0; i < n; i++) {
		img = hostd_snapshot_abs(dir, d[i].sd_file);
		if ((made[nmade] = hostd_snapshot_delta_name(dir, img)) ==
		    NULL) {
			xasprintf(cause, "%s: no free delta name", img);
			free(img);
			free(vmsn);
			goto fail;
		}
		args.parent = img;
		if (disk_create(made[nmade], &args, &why) != 0) {
			xasprintf(cause, "%s", why);
			free(why);
			free(img);
			free(made[nmade]);
			made[nmade] = NULL;
			free(vmsn);
			goto fail;
		}
		free(img);
		nmade++;
		snprintf(key, sizeof key, "%s.fileName", d[i].sd_node);
		img = hostd_snapshot_rel(dir, made[i]);
		cfg_set(cfg, key, img);
		free(img);
	}
	/* The VM writes to the deltas from here on... */
	if (cfg_save(cfg, vmx, cause) != 0) {
		free(vmsn);
		goto fail;
	}
	/* ...and only then may the snapshot name the frozen images. */
	hostd_snapshot_append(&db, uid, name, desc, vmsn, quiesced, d, n);
	d = NULL;
	if (hostd_snapshot_save(&db, cause) != 0) {
		/* The deltas are in use: they stay, unnamed. */
		nmade = 0;
		goto fail;
	}
	for (i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	cfg_free(cfg);
	hostd_snapshot_clear(&db);
	free(dir);
	*uidp = uid;
	return (0);

fail:
	for (i = 0; made != NULL && i < nmade; i++)
		unlink(made[i]);
	for (i = 0; made != NULL && i < n; i++)
		free(made[i]);
	free(made);
	hostd_snapshot_disks_free(d, n);
	cfg_free(cfg);
	hostd_snapshot_clear(&db);
	free(dir);
	return (-1);
}

int
hostd_snapshot_live_plan(const char *vmx, char ***units, char ***paths,
    size_t *np, char **cause)
{
	struct hostd_snapshot_disk	*d;
	struct cfg			*cfg;
	char				*dir, *img;
	size_t				 i, n;

	if ((cfg = cfg_load(vmx, cause)) == NULL)
		return (-1);
	dir = hostd_snapshot_dir(vmx);
	hostd_snapshot_disks(cfg, &d, &n);
	*units = xcalloc(n + 1, sizeof **units);
	*paths = xcalloc(n + 1, sizeof **paths);
	for (i = 0; i < n; i++) {
		img = hostd_snapshot_abs(dir, d[i].sd_file);
		(*units)[i] = xstrdup(d[i].sd_node);
		(*paths)[i] = hostd_snapshot_delta_name(dir, img);
		free(img);
		if ((*paths)[i] == NULL)
			(*paths)[i] = xstrdup("");
	}
	*np = n;
	hostd_snapshot_disks_free(d, n);
	free(dir);
	cfg_free(cfg);
	return (0);
}

int
hostd_snapshot_live_done(const char *vmx, char *const *units,
    char *const *paths, size_t n, int ok, const char *name,
    const char *desc, int quiesced, uint32_t *uidp, char **cause)
{
	struct hostd_snapshot_db	 db;
	struct hostd_snapshot_disk	*d;
	struct cfg			*cfg;
	struct stat			 sb;
	char				*dir, *vmsn, *p, key[96];
	size_t				 i, nd;
	uint32_t			 uid;
	int				 switched = 0;

	if ((cfg = cfg_load(vmx, cause)) == NULL)
		return (-1);
	if (hostd_snapshot_load(vmx, &db, cause) != 0) {
		cfg_free(cfg);
		return (-1);
	}
	dir = hostd_snapshot_dir(vmx);
	hostd_snapshot_disks(cfg, &d, &nd);
	uid = db.db_lastuid + 1;
	vmsn = hostd_snapshot_vmsn_name(vmx, uid);
	p = hostd_snapshot_abs(dir, vmsn);
	/* The configuration before the switch is the snapshot's. */
	if (ok && hostd_snapshot_copy_vmx(vmx, p, cause) != 0)
		ok = 0;
	free(p);
	/* vmx removed the deltas it did not take into use. */
	for (i = 0; i < n; i++) {
		if (*paths[i] == '\0' || stat(paths[i], &sb) != 0)
			continue;
		snprintf(key, sizeof key, "%s.fileName", units[i]);
		p = hostd_snapshot_rel(dir, paths[i]);
		cfg_set(cfg, key, p);
		free(p);
		switched++;
	}
	if (switched > 0 && cfg_save(cfg, vmx, ok ? cause : NULL) != 0)
		ok = 0;
	if (!ok) {
		free(vmsn);
		hostd_snapshot_disks_free(d, nd);
		goto out;
	}
	hostd_snapshot_append(&db, uid, name, desc, vmsn, quiesced, d, nd);
	if (hostd_snapshot_save(&db, cause) != 0)
		ok = 0;
	else
		*uidp = uid;
out:
	hostd_snapshot_clear(&db);
	cfg_free(cfg);
	free(dir);
	return (ok ? 0 : -1);
}

int
hostd_snapshot_revert(const char *vmx, uint32_t uid, char **cause)
{
	struct hostd_snapshot_db	 db;
	struct hostd_snapshot		*s;
	struct hostd_snapshot_disk	*old = NULL;
	struct hostd_snapshot_files	 known;
	struct disk_create_args		 args;
	struct cfg			*cur = NULL, *cfg = NULL;
	char				*dir, *p, *img, *delta, *why = NULL;
	char				 key[96], **made = NULL;
	size_t				 i, nold = 0, nmade = 0;

	dir = hostd_snapshot_dir(vmx);
	if (hostd_snapshot_load(vmx, &db, cause) != 0) {
		free(dir);
		return (-1);
	}
	if ((s = hostd_snapshot_find(&db, uid)) == NULL) {
		xasprintf(cause, "snapshot %" PRIu32 " not found", uid);
		errno = ENOENT;
		goto fail;
	}
	if ((cur = cfg_load(vmx, cause)) == NULL)
		goto fail;
	hostd_snapshot_disks(cur, &old, &nold);
	/* The configuration comes back with the disks. */
	p = s->sn_vmsn != NULL ? hostd_snapshot_abs(dir, s->sn_vmsn) : NULL;
	if (p == NULL || (cfg = cfg_load(p, NULL)) == NULL)
		cfg = cfg_load(vmx, cause);
	free(p);
	if (cfg == NULL)
		goto fail;
	made = xcalloc(s->sn_ndisks + 1, sizeof *made);
	memset(&args, 0, sizeof args);
	args.format = DISK_FORMAT_VMDK_SPARSE;
	for (i = 0; i < s->sn_ndisks; i++) {
		img = hostd_snapshot_abs(dir, s->sn_disks[i].sd_file);
		if ((delta = hostd_snapshot_delta_name(dir, img)) == NULL) {
			xasprintf(cause, "%s: no free delta name", img);
			free(img);
			goto fail;
		}
		args.parent = img;
		if (disk_create(delta, &args, &why) != 0) {
			xasprintf(cause, "%s", why);
			free(why);
			free(img);
			free(delta);
			goto fail;
		}
		free(img);
		made[nmade++] = delta;
		snprintf(key, sizeof key, "%s.fileName",
		    s->sn_disks[i].sd_node);
		p = hostd_snapshot_rel(dir, delta);
		cfg_set(cfg, key, p);
		free(p);
	}
	if (cfg_save(cfg, vmx, cause) != 0)
		goto fail;
	db.db_current = uid;
	if (hostd_snapshot_save(&db, cause) != 0) {
		/* The VM runs on the new deltas already: keep them. */
		nmade = 0;
		goto fail;
	}
	/* The state left behind goes, unless something is built on it. */
	hostd_snapshot_files_known(&known, &db, cfg, dir);
	for (i = 0; i < nold; i++) {
		p = hostd_snapshot_abs(dir, old[i].sd_file);
		if (!hostd_snapshot_files_has(&known, p) &&
		    disk_parent(p, &img, NULL) == 0 && img != NULL) {
			if (unlink(p) != 0)
				log_warn("snapshot: %s", p);
			free(img);
		}
		free(p);
	}
	hostd_snapshot_files_free(&known);
	for (i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	hostd_snapshot_disks_free(old, nold);
	cfg_free(cur);
	cfg_free(cfg);
	hostd_snapshot_clear(&db);
	free(dir);
	return (0);

fail:
	for (i = 0; made != NULL && i < nmade; i++)
		unlink(made[i]);
	for (i = 0; made != NULL && made[i] != NULL; i++)
		free(made[i]);
	free(made);
	hostd_snapshot_disks_free(old, nold);
	cfg_free(cur);
	cfg_free(cfg);
	hostd_snapshot_clear(&db);
	free(dir);
	return (-1);
}

/* Forget snapshot uid in db: its children move up, current too. */
static int
hostd_snapshot_drop(struct hostd_snapshot_db *db, uint32_t uid)
{
	struct hostd_snapshot	*s;
	uint32_t		 parent;
	size_t			 i;

	if ((s = hostd_snapshot_find(db, uid)) == NULL)
		return (-1);
	parent = s->sn_parent;
	for (i = 0; i < db->db_n; i++) {
		if (db->db_snaps[i].sn_parent == uid)
			db->db_snaps[i].sn_parent = parent;
	}
	if (db->db_current == uid)
		db->db_current = parent;
	i = (size_t)(s - db->db_snaps);
	hostd_snapshot_record_free(s);
	memmove(&db->db_snaps[i], &db->db_snaps[i + 1],
	    (db->db_n - i - 1) * sizeof *db->db_snaps);
	db->db_n--;
	return (0);
}

/*
 * Fold child (the only image built on image) into image, and make
 * everything that used child use image: see the top of the file for the
 * order.
 */
static int
hostd_snapshot_fold(const char *vmx, const char *image, char **cause)
{
	struct hostd_snapshot_db	 db;
	struct hostd_snapshot_files	 known;
	struct cfg			*cfg;
	char				*dir, *child = NULL, *why = NULL;
	size_t				 i, nchild = 0;
	int				 rc = -1;

	if ((cfg = cfg_load(vmx, cause)) == NULL)
		return (-1);
	if (hostd_snapshot_load(vmx, &db, cause) != 0) {
		cfg_free(cfg);
		return (-1);
	}
	dir = hostd_snapshot_dir(vmx);
	hostd_snapshot_files_known(&known, &db, cfg, dir);
	if (hostd_snapshot_referenced(&db, cfg, dir, image)) {
		rc = 0;		/* still a restore point or in use */
		goto out;
	}
	for (i = 0; i < known.sf_n; i++) {
		if (known.sf_parent[i] != NULL &&
		    strcmp(known.sf_parent[i], image) == 0) {
			child = known.sf_path[i];
			nchild++;
		}
	}
	if (nchild == 0) {
		/* Nothing is built on it any more: a delta goes. */
		if (disk_parent(image, &why, NULL) == 0 && why != NULL &&
		    unlink(image) != 0)
			log_warn("snapshot: %s", image);
		free(why);
		rc = 0;
		goto out;
	}
	if (nchild > 1) {
		rc = 0;		/* shared by several: kept as it is */
		goto out;
	}
	if (disk_commit(child, &why) != 0) {
		xasprintf(cause, "consolidating %s: %s", child, why);
		free(why);
		goto out;
	}
	for (i = 0; i < known.sf_n; i++) {
		if (known.sf_parent[i] == NULL ||
		    strcmp(known.sf_parent[i], child) != 0)
			continue;
		if (disk_set_parent(known.sf_path[i], image, &why) != 0) {
			xasprintf(cause, "re-linking %s: %s",
			    known.sf_path[i], why);
			free(why);
			goto out;
		}
	}
	hostd_snapshot_replace(&db, cfg, dir, child, image);
	if (hostd_snapshot_save(&db, cause) != 0 ||
	    cfg_save(cfg, vmx, cause) != 0)
		goto out;
	if (unlink(child) != 0)
		log_warn("snapshot: %s", child);
	rc = 0;
out:
	hostd_snapshot_files_free(&known);
	hostd_snapshot_clear(&db);
	cfg_free(cfg);
	free(dir);
	return (rc);
}

/* Remove one snapshot (no children of its own left to care about). */
static int
hostd_snapshot_remove_one(const char *vmx, struct hostd_snapshot_db *db,
    uint32_t uid, char **cause)
{
	struct hostd_snapshot		*s;
	struct hostd_snapshot_disk	*d;
	char				*dir, *img, *vmsn = NULL;
	size_t				 i, n;
	int				 rc = 0;

	if ((s = hostd_snapshot_find(db, uid)) == NULL)
		return (0);
	dir = hostd_snapshot_dir(vmx);
	n = s->sn_ndisks;
	d = xcalloc(n + 1, sizeof *d);
	for (i = 0; i < n; i++)
		d[i].sd_file = hostd_snapshot_abs(dir, s->sn_disks[i].sd_file);
	if (s->sn_vmsn != NULL)
		vmsn = hostd_snapshot_abs(dir, s->sn_vmsn);
	/* First it stops being a restore point. */
	hostd_snapshot_drop(db, uid);
	if (hostd_snapshot_save(db, cause) != 0) {
		rc = -1;
		goto out;
	}
	if (vmsn != NULL && unlink(vmsn) != 0 && errno != ENOENT)
		log_warn("snapshot: %s", vmsn);
	for (i = 0; i < n; i++) {
		img = d[i].sd_file;
		if (hostd_snapshot_fold(vmx, img, cause) != 0) {
			rc = -1;
			break;
		}
	}
out:
	hostd_snapshot_disks_free(d, n);
	free(vmsn);
	free(dir);
	return (rc);
}

/* uid and its descendants, children before their parent. */
static void
hostd_snapshot_postorder(const struct hostd_snapshot_db *db, uint32_t uid,
    uint32_t *out, size_t *n)
{
	size_t	i;

	for (i = 0; i < db->db_n && *n < HOSTD_SNAPSHOT_MAX; i++) {
		if (db->db_snaps[i].sn_parent == uid &&
		    db->db_snaps[i].sn_uid != uid)
			hostd_snapshot_postorder(db, db->db_snaps[i].sn_uid,
			    out, n);
	}
	if (uid != 0 && *n < HOSTD_SNAPSHOT_MAX)
		out[(*n)++] = uid;
}

int
hostd_snapshot_remove(const char *vmx, uint32_t uid, int children,
    char **cause)
{
	struct hostd_snapshot_db	 db;
	uint32_t			*order;
	size_t				 n = 0, i;
	int				 rc = 0;

	if (hostd_snapshot_load(vmx, &db, cause) != 0)
		return (-1);
	if (uid != 0 && hostd_snapshot_find(&db, uid) == NULL) {
		hostd_snapshot_clear(&db);
		xasprintf(cause, "snapshot %" PRIu32 " not found", uid);
		errno = ENOENT;
		return (-1);
	}
	order = xcalloc(HOSTD_SNAPSHOT_MAX + 1, sizeof *order);
	if (uid == 0 || children)
		hostd_snapshot_postorder(&db, uid, order, &n);
	else
		order[n++] = uid;
	for (i = 0; i < n && rc == 0; i++) {
		/* Each step works on what the files say now. */
		hostd_snapshot_clear(&db);
		if (hostd_snapshot_load(vmx, &db, cause) != 0) {
			rc = -1;
			break;
		}
		rc = hostd_snapshot_remove_one(vmx, &db, order[i], cause);
	}
	free(order);
	hostd_snapshot_clear(&db);
	return (rc);
}

int
hostd_snapshot_rename(const char *vmx, uint32_t uid, const char *name,
    const char *desc, char **cause)
{
	struct hostd_snapshot_db	 db;
	struct hostd_snapshot		*s;
	int				 rc;

	if (hostd_snapshot_load(vmx, &db, cause) != 0)
		return (-1);
	if ((s = hostd_snapshot_find(&db, uid)) == NULL) {
		hostd_snapshot_clear(&db);
		xasprintf(cause, "snapshot %" PRIu32 " not found", uid);
		errno = ENOENT;
		return (-1);
	}
	if (name != NULL) {
		free(s->sn_name);
		s->sn_name = xstrdup(name);
	}
	if (desc != NULL) {
		free(s->sn_desc);
		s->sn_desc = xstrdup(desc);
	}
	rc = hostd_snapshot_save(&db, cause);
	hostd_snapshot_clear(&db);
	return (rc);
}
