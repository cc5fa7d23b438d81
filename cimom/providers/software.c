/* SPDX-License-Identifier: ISC */
/*
 * CIM_SoftwareIdentity: Vireo itself, with the version it was built as
 * (VIREO_VERSION from the build), as ESXi shows its hypervisor.
 */

#include <stdio.h>
#include <stdlib.h>

#include "provutil.h"

#ifndef VIREO_VERSION
#error "VIREO_VERSION must be defined by the build"
#endif

static size_t	software_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);

static size_t
software_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	static const unsigned short cls[] = { 3 };	/* Hypervisor-like:
							   "Operating System" */
	CMPIObjectPath	*op;
	CMPIInstance	*i;
	unsigned int	 maj = 0, min = 0, rev = 0;

	if (max < 1)
		return (0);
	op = CMNewObjectPath(b, ns, "CIM_SoftwareIdentity", NULL);
	CMAddKey(op, "InstanceID", "vireo:hypervisor", CMPI_chars);
	i = provutil_instance(b, op);
	provutil_str(i, "ElementName", "Vireo");
	provutil_str(i, "Name", "Vireo");
	provutil_str(i, "Manufacturer", "Vireo project");
	provutil_str(i, "VersionString", VIREO_VERSION);
	if (sscanf(VIREO_VERSION, "%u.%u.%u", &maj, &min, &rev) >= 1) {
		provutil_u16(i, "MajorVersion", maj);
		provutil_u16(i, "MinorVersion", min);
		provutil_u16(i, "RevisionNumber", rev);
	}
	provutil_u16a(b, i, "Classifications", cls, 1);
	provutil_bool(i, "IsEntity", 1);
	out[0] = i;
	return (1);
}

PROVUTIL_INSTANCE_MI(VireoSoftware, software_list)
