/* SPDX-License-Identifier: ISC */
/*
 * CIM_RegisteredProfile in root/interop (DSP1033): the management
 * profiles this host claims, so clients can discover what to expect
 * before walking root/cimv2.  Only profiles whose central instance is
 * served are listed: DMTF "Base Server" 1.0.0, centred on the host's
 * CIM_ComputerSystem (CIM_ElementConformsToProfile, in assoc.c).
 * "System Virtualization" is not claimed: it needs a virtual system
 * management service and capabilities this host does not serve.
 */

#include <string.h>

#include "provutil.h"

#define INTEROP_DMTF	2	/* RegisteredOrganization: DMTF */
#define INTEROP_NOADV	2	/* AdvertiseTypes: Not Advertised (no SLP) */

static size_t	interop_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);

static const struct {
	const char	*ip_id;
	const char	*ip_name;
	const char	*ip_version;
} interop_profiles[] = {
	{ PROVUTIL_BASE_SERVER_ID, "Base Server", "1.0.0" },
};

static size_t
interop_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	static const unsigned short adv[] = { INTEROP_NOADV };
	static const char *const advdesc[] = { "Not Advertised" };
	CMPIObjectPath	*op;
	CMPIInstance	*i;
	size_t		 n;

	/* Profiles are registered once, in the interop namespace. */
	if (strcmp(ns, PROVUTIL_INTEROP_NS) != 0)
		return (0);
	for (n = 0; n < max && n < sizeof interop_profiles /
	    sizeof interop_profiles[0]; n++) {
		op = CMNewObjectPath(b, ns, "CIM_RegisteredProfile", NULL);
		CMAddKey(op, "InstanceID", interop_profiles[n].ip_id,
		    CMPI_chars);
		i = provutil_instance(b, op);
		provutil_str(i, "ElementName", interop_profiles[n].ip_name);
		provutil_str(i, "RegisteredName", interop_profiles[n].ip_name);
		provutil_str(i, "RegisteredVersion",
		    interop_profiles[n].ip_version);
		provutil_u16(i, "RegisteredOrganization", INTEROP_DMTF);
		provutil_u16a(b, i, "AdvertiseTypes", adv, 1);
		provutil_stra(b, i, "AdvertiseTypeDescriptions", advdesc, 1);
		out[n] = i;
	}
	return (n);
}

PROVUTIL_INSTANCE_MI(VireoRegisteredProfile, interop_list)
