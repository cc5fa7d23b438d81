/* SPDX-License-Identifier: ISC */
/*
 * Vireo_CIMOMService: cimom itself, as a CIM_Service of the host (the
 * host hosts it: CIM_HostedService, in assoc.c).  A provider only runs
 * while cimom forwards requests to it, so the service is started and
 * enabled whenever anyone can see this instance.
 */

#include "provutil.h"

#define SERVICE_CLASS	"Vireo_CIMOMService"

static size_t	service_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);

static size_t
service_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	static const unsigned short ok[] = { 2 };
	CMPIObjectPath	*op;
	CMPIInstance	*i;

	if (max < 1)
		return (0);
	op = CMNewObjectPath(b, ns, SERVICE_CLASS, NULL);
	CMAddKey(op, "SystemCreationClassName", PROVUTIL_CS_CLASS,
	    CMPI_chars);
	CMAddKey(op, "SystemName", provutil_hostname(), CMPI_chars);
	CMAddKey(op, "CreationClassName", SERVICE_CLASS, CMPI_chars);
	CMAddKey(op, "Name", "cimom", CMPI_chars);
	i = provutil_instance(b, op);
	provutil_str(i, "ElementName", "CIM object manager");
	provutil_str(i, "Caption", "Vireo cimom");
	provutil_str(i, "Description", "CIM-XML and WS-Management over HTTPS, "
	    "CMPI providers");
	provutil_bool(i, "Started", 1);
	provutil_u16(i, "EnabledState", 2);
	provutil_u16(i, "RequestedState", 12);
	provutil_u16a(b, i, "OperationalStatus", ok, 1);
	provutil_u16(i, "HealthState", 5);
	out[0] = i;
	return (1);
}

PROVUTIL_INSTANCE_MI(VireoCIMOMService, service_list)
