/* SPDX-License-Identifier: ISC */
/* CIM_Memory: the system memory, sized from /proc/meminfo. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provutil.h"

static size_t	memory_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);

static size_t
memory_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	CMPIInstance		*i;
	char			*s, *p;
	unsigned long long	 kb = 0;

	if (max < 1 || (s = provutil_proc("meminfo")) == NULL)
		return (0);
	if ((p = strstr(s, "MemTotal:")) == NULL ||
	    sscanf(p + 9, "%llu", &kb) != 1) {
		free(s);
		return (0);
	}
	free(s);
	i = provutil_instance(b, provutil_dev_path(b, ns, "CIM_Memory",
	    "memory0"));
	provutil_str(i, "ElementName", "System Memory");
	provutil_u64(i, "BlockSize", 1024);
	provutil_u64(i, "NumberOfBlocks", kb);
	provutil_u64(i, "ConsumableBlocks", kb);
	provutil_bool(i, "Volatile", 1);
	provutil_bool(i, "Primordial", 1);
	provutil_healthy(b, i);
	out[0] = i;
	return (1);
}

PROVUTIL_INSTANCE_MI(VireoMemory, memory_list)
