/* SPDX-License-Identifier: ISC */
/*
 * A provider that crashes on purpose: Vireo_Crash's instance names are
 * served, but enumerating its instances raises SIGSEGV.
 * cimom must answer that request CIM_ERR_FAILED, restart its provider
 * host and go on serving (tests/itest_cimom.sh).
 */

#include <signal.h>
#include <stddef.h>

#include "cmpi/cmpidt.h"
#include "cmpi/cmpift.h"
#include "cmpi/cmpimacs.h"

static const CMPIBroker *crash_broker;

static CMPIStatus
crash_cleanup(CMPIInstanceMI *mi, const CMPIContext *c, CMPIBoolean t)
{
	CMReturn(CMPI_RC_OK);
}

static CMPIStatus
crash_names(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op)
{
	CMPIObjectPath	*p = CMNewObjectPath(crash_broker,
	    CMGetCharPtr(CMGetNameSpace(op, NULL)), "Vireo_Crash", NULL);

	CMAddKey(p, "InstanceID", "still-alive", CMPI_chars);
	CMReturnObjectPath(r, p);
	CMReturnDone(r);
	CMReturn(CMPI_RC_OK);
}

static CMPIStatus
crash_enum(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op, const char **props)
{
	/* A real fault, not undefined behaviour a compiler may drop. */
	raise(SIGSEGV);
	CMReturn(CMPI_RC_OK);
}

static CMPIStatus
crash_get(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op, const char **props)
{
	CMReturn(CMPI_RC_ERR_NOT_FOUND);
}

static CMPIStatus
crash_none(void)
{
	CMReturn(CMPI_RC_ERR_NOT_SUPPORTED);
}

static CMPIStatus
crash_create(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op, const CMPIInstance *i)
{
	return (crash_none());
}

static CMPIStatus
crash_modify(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op, const CMPIInstance *i, const char **p)
{
	return (crash_none());
}

static CMPIStatus
crash_delete(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op)
{
	return (crash_none());
}

static CMPIStatus
crash_query(CMPIInstanceMI *mi, const CMPIContext *c, const CMPIResult *r,
    const CMPIObjectPath *op, const char *q, const char *l)
{
	return (crash_none());
}

/* A 2.0 provider: its table ends at execQuery. */
static const struct {
	int		 ftVersion, miVersion;
	const char	*miName;
	void		*fn[8];
} crash_ft = {
	CMPIVersion200, CMPIVersion200, "VireoCrash",
	{ (void *)crash_cleanup, (void *)crash_names, (void *)crash_enum,
	  (void *)crash_get, (void *)crash_create, (void *)crash_modify,
	  (void *)crash_delete, (void *)crash_query }
};
static CMPIInstanceMI crash_mi = {
	(void *)&crash_ft, (const CMPIInstanceMIFT *)(const void *)&crash_ft
};

CMPI_MI_FACTORY(Instance, VireoCrash);

CMPIInstanceMI *
VireoCrash_Create_InstanceMI(const CMPIBroker *b, const CMPIContext *c,
    CMPIStatus *rc)
{
	crash_broker = b;
	CMSetStatus(rc, CMPI_RC_OK);
	return (&crash_mi);
}
