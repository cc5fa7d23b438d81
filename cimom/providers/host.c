/* SPDX-License-Identifier: ISC */
/*
 * The host computer system (CIM_ComputerSystem, named after the host)
 * and its operating system (CIM_OperatingSystem, from procfs and
 * uname), as ESXi's OMC_UnitaryComputerSystem and OS classes show them.
 */

#include <sys/utsname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "provutil.h"

static size_t	host_cs(const CMPIBroker *, const char *, CMPIInstance **,
		    size_t);
static size_t	host_os(const CMPIBroker *, const char *, CMPIInstance **,
		    size_t);

static size_t
host_cs(const CMPIBroker *b, const char *ns, CMPIInstance **out, size_t max)
{
	static const unsigned short dedicated[] = { 0 };
	CMPIInstance	*i;
	char		*vendor, *product;

	if (max < 1)
		return (0);
	i = provutil_instance(b, provutil_cs_path(b, ns));
	provutil_str(i, "ElementName", provutil_hostname());
	provutil_str(i, "Caption", "Vireo host");
	provutil_str(i, "NameFormat", "IP");
	vendor = provutil_sys("class/dmi/id/sys_vendor");
	product = provutil_sys("class/dmi/id/product_name");
	if (vendor != NULL && product != NULL) {
		char	*d;

		if (asprintf(&d, "%s %s", vendor, product) != -1) {
			provutil_str(i, "Description", d);
			free(d);
		}
	}
	free(vendor);
	free(product);
	provutil_u16a(b, i, "Dedicated", dedicated, 1);
	provutil_healthy(b, i);
	provutil_u16(i, "RequestedState", 12);
	out[0] = i;
	return (1);
}

static size_t
host_os(const CMPIBroker *b, const char *ns, CMPIInstance **out, size_t max)
{
	CMPIObjectPath		*op;
	CMPIInstance		*i;
	CMPIDateTime		*dt;
	struct utsname		 u;
	char			*s, *p, *name = NULL;
	unsigned long long	 kb;
	double			 up;

	if (max < 1)
		return (0);
	if (uname(&u) == -1)
		return (0);
	op = CMNewObjectPath(b, ns, "CIM_OperatingSystem", NULL);
	CMAddKey(op, "CSCreationClassName", PROVUTIL_CS_CLASS, CMPI_chars);
	CMAddKey(op, "CSName", provutil_hostname(), CMPI_chars);
	CMAddKey(op, "CreationClassName", "CIM_OperatingSystem", CMPI_chars);
	CMAddKey(op, "Name", u.sysname, CMPI_chars);
	i = provutil_instance(b, op);
	if ((s = provutil_file("/etc/os-release")) != NULL) {
		if ((p = strstr(s, "PRETTY_NAME=\"")) != NULL) {
			p += 13;
			name = strndup(p, strcspn(p, "\""));
		}
		free(s);
	}
	provutil_str(i, "ElementName", name != NULL ? name : u.sysname);
	free(name);
	provutil_u16(i, "OSType", 36);
	provutil_str(i, "Version", u.release);
	provutil_healthy(b, i);
	if ((s = provutil_proc("meminfo")) != NULL) {
		if ((p = strstr(s, "MemTotal:")) != NULL &&
		    sscanf(p + 9, "%llu", &kb) == 1)
			provutil_u64(i, "TotalVisibleMemorySize", kb);
		if ((p = strstr(s, "MemFree:")) != NULL &&
		    sscanf(p + 8, "%llu", &kb) == 1)
			provutil_u64(i, "FreePhysicalMemory", kb);
		free(s);
	}
	if ((s = provutil_proc("uptime")) != NULL) {
		if (sscanf(s, "%lf", &up) == 1) {
			dt = CMNewDateTimeFromBinary(b,
			    ((CMPIUint64)time(NULL) - (CMPIUint64)up) *
			    1000000ULL, 0, NULL);
			CMSetProperty(i, "LastBootUpTime", &dt, CMPI_dateTime);
		}
		free(s);
	}
	dt = CMNewDateTime(b, NULL);
	CMSetProperty(i, "LocalDateTime", &dt, CMPI_dateTime);
	out[0] = i;
	return (1);
}

PROVUTIL_INSTANCE_MI(VireoHostSystem, host_cs)
PROVUTIL_INSTANCE_MI(VireoOperatingSystem, host_os)
