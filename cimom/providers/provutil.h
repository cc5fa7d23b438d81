/* SPDX-License-Identifier: ISC */
/*
 * Helpers compiled into each Vireo provider (they use only the CMPI API
 * and libc): the host system's identity, reading small sysfs/procfs
 * files under a root a test can move (CIMOM_SYSFS_ROOT,
 * CIMOM_PROCFS_ROOT), typed property setters, and the generic
 * association engine the association providers share.
 */
#ifndef VIREO_PROVUTIL_H
#define VIREO_PROVUTIL_H

#include <dirent.h>
#include <stddef.h>

#include "cmpi/cmpidt.h"
#include "cmpi/cmpift.h"
#include "cmpi/cmpimacs.h"

#define PROVUTIL_CS_CLASS	"CIM_ComputerSystem"
/* Where the host's classes live, and where its profiles are registered. */
#define PROVUTIL_CIMV2_NS	"root/cimv2"
#define PROVUTIL_INTEROP_NS	"root/interop"
/* The CIM_RegisteredProfile InstanceID of DMTF Base Server (interop.c),
 * whose central instance is the host computer system (assoc.c). */
#define PROVUTIL_BASE_SERVER_ID	"vireo:profile:base-server"

/* The host's name (FQDN when known); a static buffer. */
const char	*provutil_hostname(void);
/* The contents of (sys|proc root)/rel, trailing newline removed, heap;
 * NULL if unreadable. */
char		*provutil_sys(const char *rel);
char		*provutil_proc(const char *rel);
char		*provutil_file(const char *path);
/* A path under the sysfs root, heap. */
char		*provutil_syspath(const char *rel);
/* The directory rel under the sysfs root opened, or NULL. */
DIR		*provutil_sysdir(const char *rel);

void	provutil_str(const CMPIInstance *, const char *, const char *);
void	provutil_u16(const CMPIInstance *, const char *, unsigned int);
void	provutil_u32(const CMPIInstance *, const char *, unsigned long);
void	provutil_u64(const CMPIInstance *, const char *, unsigned long long);
void	provutil_s32(const CMPIInstance *, const char *, long);
void	provutil_bool(const CMPIInstance *, const char *, int);
void	provutil_u16a(const CMPIBroker *, const CMPIInstance *, const char *,
	    const unsigned short *, unsigned int);
void	provutil_stra(const CMPIBroker *, const CMPIInstance *, const char *,
	    const char *const *, unsigned int);
/* What a device in working order says: OperationalStatus OK, HealthState
 * OK, EnabledState Enabled. */
void	provutil_healthy(const CMPIBroker *, const CMPIInstance *);

/* The host computer system's path in ns. */
CMPIObjectPath	*provutil_cs_path(const CMPIBroker *, const char *ns);
/* A device path: system keys + CreationClassName + DeviceID. */
CMPIObjectPath	*provutil_dev_path(const CMPIBroker *, const char *ns,
		    const char *cls, const char *id);
/* A new instance for path (its keys become properties). */
CMPIInstance	*provutil_instance(const CMPIBroker *, const CMPIObjectPath *);
/* The namespace of op, "root/cimv2" if it has none. */
const char	*provutil_ns(const CMPIObjectPath *);
/* 1 if two paths name the same object (class and keys; key order and
 * case of names do not matter). */
int		 provutil_path_eq(const CMPIObjectPath *,
		    const CMPIObjectPath *);
/* The value of string key name of op, or NULL. */
const char	*provutil_key(const CMPIObjectPath *, const char *);
/* Return inst (or only its path) when filter accepts its path. */
void		 provutil_return(const CMPIResult *, const CMPIInstance *,
		    int names);

/* A provider's instances: fills out (up to max) for namespace ns. */
typedef size_t (*provutil_list_fn)(const CMPIBroker *, const char *ns,
    CMPIInstance **out, size_t max);

#define PROVUTIL_MAX_INSTANCES	4096

CMPIStatus	provutil_inst_enum(const CMPIBroker *, const CMPIResult *,
		    const CMPIObjectPath *, int names, provutil_list_fn);
CMPIStatus	provutil_inst_get(const CMPIBroker *, const CMPIResult *,
		    const CMPIObjectPath *, provutil_list_fn);
CMPIStatus	provutil_unsupported(void);

/*
 * What every read-only instance MI NAME has alike: its broker
 * (NAME_broker), a cleanup with nothing to release, and CreateInstance,
 * ModifyInstance, DeleteInstance and ExecQuery refused as not supported.
 */
#define PROVUTIL_READONLY_MI(NAME)					\
static const CMPIBroker *NAME##_broker;					\
static CMPIStatus							\
NAME##_cleanup(CMPIInstanceMI *mi, const CMPIContext *c, CMPIBoolean t)	\
{									\
	CMReturn(CMPI_RC_OK);						\
}									\
static CMPIStatus							\
NAME##_create(CMPIInstanceMI *mi, const CMPIContext *c,		\
    const CMPIResult *r, const CMPIObjectPath *op,			\
    const CMPIInstance *i)						\
{									\
	return (provutil_unsupported());				\
}									\
static CMPIStatus							\
NAME##_modify(CMPIInstanceMI *mi, const CMPIContext *c,		\
    const CMPIResult *r, const CMPIObjectPath *op,			\
    const CMPIInstance *i, const char **p)				\
{									\
	return (provutil_unsupported());				\
}									\
static CMPIStatus							\
NAME##_delete(CMPIInstanceMI *mi, const CMPIContext *c,		\
    const CMPIResult *r, const CMPIObjectPath *op)			\
{									\
	return (provutil_unsupported());				\
}									\
static CMPIStatus							\
NAME##_query(CMPIInstanceMI *mi, const CMPIContext *c,			\
    const CMPIResult *r, const CMPIObjectPath *op, const char *q,	\
    const char *l)							\
{									\
	return (provutil_unsupported());				\
}

/*
 * An instance provider named NAME (factory NAME_Create_InstanceMI)
 * serving the instances LIST returns; read-only.
 */
#define PROVUTIL_INSTANCE_MI(NAME, LIST)				\
PROVUTIL_READONLY_MI(NAME)						\
static CMPIStatus							\
NAME##_enum_names(CMPIInstanceMI *mi, const CMPIContext *c,		\
    const CMPIResult *r, const CMPIObjectPath *op)			\
{									\
	return (provutil_inst_enum(NAME##_broker, r, op, 1, LIST));	\
}									\
static CMPIStatus							\
NAME##_enum(CMPIInstanceMI *mi, const CMPIContext *c,			\
    const CMPIResult *r, const CMPIObjectPath *op, const char **p)	\
{									\
	return (provutil_inst_enum(NAME##_broker, r, op, 0, LIST));	\
}									\
static CMPIStatus							\
NAME##_get(CMPIInstanceMI *mi, const CMPIContext *c,			\
    const CMPIResult *r, const CMPIObjectPath *op, const char **p)	\
{									\
	return (provutil_inst_get(NAME##_broker, r, op, LIST));		\
}									\
PROVUTIL_INSTANCE_FT(NAME)

/*
 * The factory NAME_Create_<T>MI of an MI of type T (Instance,
 * Association): it keeps the broker in NAME_broker and returns &OBJ.
 */
#define PROVUTIL_MI_FACTORY(T, NAME, OBJ)				\
CMPI_MI_FACTORY(T, NAME);						\
CMPI##T##MI *								\
NAME##_Create_##T##MI(const CMPIBroker *b, const CMPIContext *c,	\
    CMPIStatus *rc)							\
{									\
	NAME##_broker = b;						\
	CMSetStatus(rc, CMPI_RC_OK);					\
	return (&OBJ);							\
}

/*
 * The instance MI table of NAME (NAME_ft, NAME_mi) over the functions
 * PROVUTIL_READONLY_MI and the provider define, and its factory.
 */
#define PROVUTIL_INSTANCE_FT(NAME)					\
static const CMPIInstanceMIFT NAME##_ft = {				\
	CMPIVersion200, CMPIVersion200, #NAME,				\
	NAME##_cleanup, NAME##_enum_names, NAME##_enum, NAME##_get,	\
	NAME##_create, NAME##_modify, NAME##_delete, NAME##_query,	\
	NULL								\
};									\
static CMPIInstanceMI NAME##_mi = { (void *)&NAME##_ft, &NAME##_ft };	\
PROVUTIL_MI_FACTORY(Instance, NAME, NAME##_mi)

/*
 * The association engine: an association class with two reference
 * properties, whose instances are pairs produced by a callback.
 */
struct provutil_pair {
	CMPIObjectPath	*pp_a;
	CMPIObjectPath	*pp_b;
};
struct provutil_assoc {
	const char	*pa_class;
	const char	*pa_role_a;	/* property naming side a */
	const char	*pa_class_a;	/* its REFERENCECLASS */
	const char	*pa_role_b;
	const char	*pa_class_b;
	/* Fill pairs (up to max); the count. */
	size_t		(*pa_pairs)(const CMPIBroker *, const CMPIContext *,
			    const char *ns, struct provutil_pair *, size_t max);
};

#define PROVUTIL_MAX_PAIRS	4096

/* Instance MI functions of the association class. */
CMPIStatus	provutil_assoc_enum(const struct provutil_assoc *,
		    const CMPIBroker *, const CMPIContext *, const CMPIResult *,
		    const CMPIObjectPath *, int names);
CMPIStatus	provutil_assoc_get(const struct provutil_assoc *,
		    const CMPIBroker *, const CMPIContext *, const CMPIResult *,
		    const CMPIObjectPath *);
/* Association MI functions: kind 0 associators, 1 names, 2 references,
 * 3 reference names. */
CMPIStatus	provutil_assoc_run(const struct provutil_assoc *,
		    const CMPIBroker *, const CMPIContext *, const CMPIResult *,
		    const CMPIObjectPath *, int kind, const char *assoc,
		    const char *result, const char *role, const char *rrole);

#endif
