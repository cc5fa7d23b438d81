/* SPDX-License-Identifier: ISC */
/*
 * The instance-level operations in CMPI terms, routed to providers by
 * the rules of cim.md §4.2: used by the CIM-XML operations (ops-inst.c)
 * and by the broker's up-calls alike.  Each returns a CMPI/CIM status
 * code and, on failure, *desc (heap, may be NULL); results are appended
 * to out.
 */
#ifndef VIREO_CIMOM_DISPATCH_H
#define VIREO_CIMOM_DISPATCH_H

#include "cmpi/cmpift.h"

struct broker;

#define DISPATCH_ASSOCIATORS	0
#define DISPATCH_ASSOCNAMES	1
#define DISPATCH_REFERENCES	2
#define DISPATCH_REFNAMES	3

CMPIrc	dispatch_enum(struct broker *, const CMPIContext *,
	    const CMPIObjectPath *, const char **props, int names,
	    const CMPIResult *out, char **desc);
CMPIrc	dispatch_get(struct broker *, const CMPIContext *,
	    const CMPIObjectPath *, const char **props, const CMPIResult *out,
	    char **desc);
CMPIrc	dispatch_assoc(struct broker *, const CMPIContext *,
	    const CMPIObjectPath *, int kind, const char *assoc,
	    const char *result, const char *role, const char *rrole,
	    const char **props, const CMPIResult *out, char **desc);
CMPIrc	dispatch_invoke(struct broker *, const CMPIContext *,
	    const CMPIObjectPath *, const char *method, const CMPIArgs *in,
	    CMPIArgs *outargs, const CMPIResult *out, char **desc);

#endif
