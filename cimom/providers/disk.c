/* SPDX-License-Identifier: ISC */
/*
 * CIM_DiskDrive and CIM_LogicalDisk from /sys/block: every block device
 * with a non-zero size, the drive's model from device/model, the disk's
 * size as BlockSize x NumberOfBlocks (sysfs counts 512-byte sectors).
 */

#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provutil.h"

static size_t	disk_list(const CMPIBroker *, const char *, const char *,
		    CMPIInstance **, size_t);
static size_t	disk_drives(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);
static size_t	disk_logical(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);

static size_t
disk_list(const CMPIBroker *b, const char *ns, const char *cls,
    CMPIInstance **out, size_t max)
{
	DIR			*d;
	struct dirent		*e;
	CMPIInstance		*i;
	char			 rel[PATH_MAX], *s;
	unsigned long long	 sectors, bs;
	size_t			 n = 0;
	int			 drive = strcmp(cls, "CIM_DiskDrive") == 0;

	if ((d = provutil_sysdir("block")) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof rel, "block/%s/size", e->d_name);
		if ((s = provutil_sys(rel)) == NULL)
			continue;
		sectors = strtoull(s, NULL, 10);
		free(s);
		if (sectors == 0)
			continue;
		snprintf(rel, sizeof rel, "block/%s/queue/logical_block_size",
		    e->d_name);
		bs = 512;
		if ((s = provutil_sys(rel)) != NULL) {
			bs = strtoull(s, NULL, 10);
			free(s);
			if (bs == 0)
				bs = 512;
		}
		i = provutil_instance(b, provutil_dev_path(b, ns, cls,
		    e->d_name));
		provutil_str(i, "Name", e->d_name);
		snprintf(rel, sizeof rel, "block/%s/device/model", e->d_name);
		s = provutil_sys(rel);
		provutil_str(i, "ElementName", s != NULL ? s : e->d_name);
		free(s);
		if (drive)
			provutil_u64(i, "MaxMediaSize", sectors * 512ULL);
		else {
			provutil_u64(i, "BlockSize", bs);
			provutil_u64(i, "NumberOfBlocks", sectors * 512ULL / bs);
			provutil_u64(i, "ConsumableBlocks",
			    sectors * 512ULL / bs);
		}
		provutil_healthy(b, i);
		out[n++] = i;
	}
	closedir(d);
	return (n);
}

static size_t
disk_drives(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	return (disk_list(b, ns, "CIM_DiskDrive", out, max));
}

static size_t
disk_logical(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	return (disk_list(b, ns, "CIM_LogicalDisk", out, max));
}

PROVUTIL_INSTANCE_MI(VireoDiskDrive, disk_drives)
PROVUTIL_INSTANCE_MI(VireoLogicalDisk, disk_logical)
