/* SPDX-License-Identifier: ISC */
/*
 * Associations of the host: CIM_SystemDevice (the host and every
 * CIM_LogicalDevice), CIM_RunningOS (its operating system) and
 * CIM_InstalledSoftwareIdentity (Vireo), CIM_HostedService (every
 * CIM_Service, cimom itself included) and CIM_ElementConformsToProfile
 * (the Base Server profile in root/interop and the host in root/cimv2,
 * served from both namespaces, so either end can be the starting
 * point).  The ends are found through broker up-calls, so devices added
 * by any provider are associated.  Each association class is an
 * instance and an association provider.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "provutil.h"

static size_t	assoc_names(const CMPIBroker *, const CMPIContext *,
		    const char *, const char *, CMPIObjectPath **, size_t);
static size_t	assoc_host_pairs(const CMPIBroker *, const CMPIContext *,
		    const char *, const char *, struct provutil_pair *, size_t);
static size_t	assoc_sysdev(const CMPIBroker *, const CMPIContext *,
		    const char *, struct provutil_pair *, size_t);
static size_t	assoc_runos(const CMPIBroker *, const CMPIContext *,
		    const char *, struct provutil_pair *, size_t);
static size_t	assoc_software(const CMPIBroker *, const CMPIContext *,
		    const char *, struct provutil_pair *, size_t);
static size_t	assoc_hosted(const CMPIBroker *, const CMPIContext *,
		    const char *, struct provutil_pair *, size_t);
static size_t	assoc_conforms(const CMPIBroker *, const CMPIContext *,
		    const char *, struct provutil_pair *, size_t);

static const struct provutil_assoc assoc_sysdev_def = {
	"CIM_SystemDevice", "GroupComponent", "CIM_System",
	"PartComponent", "CIM_LogicalDevice", assoc_sysdev
};
static const struct provutil_assoc assoc_runos_def = {
	"CIM_RunningOS", "Antecedent", "CIM_OperatingSystem",
	"Dependent", "CIM_ComputerSystem", assoc_runos
};
static const struct provutil_assoc assoc_software_def = {
	"CIM_InstalledSoftwareIdentity", "System", "CIM_System",
	"InstalledSoftware", "CIM_SoftwareIdentity", assoc_software
};
static const struct provutil_assoc assoc_hosted_def = {
	"CIM_HostedService", "Antecedent", "CIM_System",
	"Dependent", "CIM_Service", assoc_hosted
};
static const struct provutil_assoc assoc_conforms_def = {
	"CIM_ElementConformsToProfile", "ConformantStandard",
	"CIM_RegisteredProfile", "ManagedElement", "CIM_ManagedElement",
	assoc_conforms
};

/* The instance names of cls (an up-call), up to max. */
static size_t
assoc_names(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    const char *cls, CMPIObjectPath **out, size_t max)
{
	CMPIEnumeration	*e;
	CMPIData	 d;
	size_t		 n = 0;

	e = CBEnumInstanceNames(b, ctx, CMNewObjectPath(b, ns, cls, NULL),
	    NULL);
	while (e != NULL && CMHasNext(e, NULL) && n < max) {
		d = CMGetNext(e, NULL);
		if (d.type == CMPI_ref && d.value.ref != NULL)
			out[n++] = d.value.ref;
	}
	return (n);
}

/* The host's computer system paired with every instance of cls. */
static size_t
assoc_host_pairs(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    const char *cls, struct provutil_pair *p, size_t max)
{
	CMPIObjectPath	**objs, *cs = provutil_cs_path(b, ns);
	size_t		  n, i;

	if ((objs = calloc(max, sizeof *objs)) == NULL)
		return (0);
	n = assoc_names(b, ctx, ns, cls, objs, max);
	for (i = 0; i < n; i++) {
		p[i].pp_a = cs;
		p[i].pp_b = objs[i];
	}
	free(objs);
	return (n);
}

static size_t
assoc_sysdev(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    struct provutil_pair *p, size_t max)
{
	return (assoc_host_pairs(b, ctx, ns, "CIM_LogicalDevice", p, max));
}

static size_t
assoc_runos(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    struct provutil_pair *p, size_t max)
{
	CMPIObjectPath	*os[4];
	size_t		 n, i;

	n = assoc_names(b, ctx, ns, "CIM_OperatingSystem", os,
	    max < 4 ? max : 4);
	for (i = 0; i < n; i++) {
		p[i].pp_a = os[i];
		p[i].pp_b = provutil_cs_path(b, ns);
	}
	return (n);
}

static size_t
assoc_software(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    struct provutil_pair *p, size_t max)
{
	return (assoc_host_pairs(b, ctx, ns, "CIM_SoftwareIdentity", p, max));
}

static size_t
assoc_hosted(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    struct provutil_pair *p, size_t max)
{
	return (assoc_host_pairs(b, ctx, ns, "CIM_Service", p, max));
}

/* The same pairs whichever namespace asks: the profile is registered
 * in root/interop, the host served in root/cimv2. */
static size_t
assoc_conforms(const CMPIBroker *b, const CMPIContext *ctx, const char *ns,
    struct provutil_pair *p, size_t max)
{
	CMPIObjectPath	*prof[16];
	const char	*id;
	size_t		 n, i, k = 0;

	n = assoc_names(b, ctx, PROVUTIL_INTEROP_NS, "CIM_RegisteredProfile",
	    prof, 16);
	for (i = 0; i < n && k < max; i++) {
		if ((id = provutil_key(prof[i], "InstanceID")) == NULL ||
		    strcmp(id, PROVUTIL_BASE_SERVER_ID) != 0)
			continue;
		p[k].pp_a = prof[i];
		p[k++].pp_b = provutil_cs_path(b, PROVUTIL_CIMV2_NS);
	}
	return (k);
}

/* Both MI tables of association provider NAME for definition DEF. */
#define ASSOC_MI(NAME, DEF)						\
PROVUTIL_READONLY_MI(NAME)						\
static CMPIStatus							\
NAME##_acleanup(CMPIAssociationMI *mi, const CMPIContext *c,		\
    CMPIBoolean t)							\
{									\
	CMReturn(CMPI_RC_OK);						\
}									\
static CMPIStatus							\
NAME##_enum_names(CMPIInstanceMI *mi, const CMPIContext *c,		\
    const CMPIResult *r, const CMPIObjectPath *op)			\
{									\
	return (provutil_assoc_enum(&DEF, NAME##_broker, c, r, op, 1));	\
}									\
static CMPIStatus							\
NAME##_enum(CMPIInstanceMI *mi, const CMPIContext *c,			\
    const CMPIResult *r, const CMPIObjectPath *op, const char **p)	\
{									\
	return (provutil_assoc_enum(&DEF, NAME##_broker, c, r, op, 0));	\
}									\
static CMPIStatus							\
NAME##_get(CMPIInstanceMI *mi, const CMPIContext *c,			\
    const CMPIResult *r, const CMPIObjectPath *op, const char **p)	\
{									\
	return (provutil_assoc_get(&DEF, NAME##_broker, c, r, op));	\
}									\
static CMPIStatus							\
NAME##_associators(CMPIAssociationMI *mi, const CMPIContext *c,	\
    const CMPIResult *r, const CMPIObjectPath *op, const char *ac,	\
    const char *rc, const char *ro, const char *rr, const char **p)	\
{									\
	return (provutil_assoc_run(&DEF, NAME##_broker, c, r, op, 0,	\
	    ac, rc, ro, rr));						\
}									\
static CMPIStatus							\
NAME##_associator_names(CMPIAssociationMI *mi, const CMPIContext *c,	\
    const CMPIResult *r, const CMPIObjectPath *op, const char *ac,	\
    const char *rc, const char *ro, const char *rr)			\
{									\
	return (provutil_assoc_run(&DEF, NAME##_broker, c, r, op, 1,	\
	    ac, rc, ro, rr));						\
}									\
static CMPIStatus							\
NAME##_references(CMPIAssociationMI *mi, const CMPIContext *c,		\
    const CMPIResult *r, const CMPIObjectPath *op, const char *rc,	\
    const char *ro, const char **p)					\
{									\
	return (provutil_assoc_run(&DEF, NAME##_broker, c, r, op, 2,	\
	    NULL, rc, ro, NULL));					\
}									\
static CMPIStatus							\
NAME##_reference_names(CMPIAssociationMI *mi, const CMPIContext *c,	\
    const CMPIResult *r, const CMPIObjectPath *op, const char *rc,	\
    const char *ro)							\
{									\
	return (provutil_assoc_run(&DEF, NAME##_broker, c, r, op, 3,	\
	    NULL, rc, ro, NULL));					\
}									\
PROVUTIL_INSTANCE_FT(NAME)						\
static const CMPIAssociationMIFT NAME##_aft = {				\
	CMPIVersion200, CMPIVersion200, #NAME,				\
	NAME##_acleanup, NAME##_associators, NAME##_associator_names,	\
	NAME##_references, NAME##_reference_names, NULL, NULL		\
};									\
static CMPIAssociationMI NAME##_ami = { (void *)&NAME##_aft, &NAME##_aft };\
PROVUTIL_MI_FACTORY(Association, NAME, NAME##_ami)

ASSOC_MI(VireoSystemDevice, assoc_sysdev_def)
ASSOC_MI(VireoRunningOS, assoc_runos_def)
ASSOC_MI(VireoInstalledSoftware, assoc_software_def)
ASSOC_MI(VireoHostedService, assoc_hosted_def)
ASSOC_MI(VireoElementConformsToProfile, assoc_conforms_def)
