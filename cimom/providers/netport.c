/* SPDX-License-Identifier: ISC */
/*
 * CIM_EthernetPort: every interface in /sys/class/net, DeviceID its
 * name; PermanentAddress as 12 hex digits (the form CIM_EthernetPort
 * documents), Speed in bit/s from the Mb/s sysfs gives, EnabledState
 * from operstate.
 */

#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provutil.h"

static size_t	netport_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);

static size_t
netport_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	static const unsigned short ok[] = { 2 }, down[] = { 10 };
	DIR			*d;
	struct dirent		*e;
	CMPIInstance		*i;
	char			 rel[PATH_MAX], *s, mac[13], *addrs[1];
	size_t			 n = 0, k, o;
	long long		 speed;
	int			 up;

	if ((d = provutil_sysdir("class/net")) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] == '.')
			continue;
		i = provutil_instance(b, provutil_dev_path(b, ns,
		    "CIM_EthernetPort", e->d_name));
		provutil_str(i, "ElementName", e->d_name);
		provutil_str(i, "Name", e->d_name);
		snprintf(rel, sizeof rel, "class/net/%s/address", e->d_name);
		if ((s = provutil_sys(rel)) != NULL) {
			for (k = 0, o = 0; s[k] != '\0' && o < 12; k++)
				if (s[k] != ':')
					mac[o++] = (char)(s[k] >= 'a' &&
					    s[k] <= 'f' ? s[k] - 32 : s[k]);
			mac[o] = '\0';
			provutil_str(i, "PermanentAddress", mac);
			addrs[0] = mac;
			provutil_stra(b, i, "NetworkAddresses",
			    (const char *const *)addrs, 1);
			free(s);
		}
		snprintf(rel, sizeof rel, "class/net/%s/mtu", e->d_name);
		if ((s = provutil_sys(rel)) != NULL) {
			provutil_u64(i, "ActiveMaximumTransmissionUnit",
			    strtoull(s, NULL, 10));
			free(s);
		}
		snprintf(rel, sizeof rel, "class/net/%s/speed", e->d_name);
		if ((s = provutil_sys(rel)) != NULL) {
			speed = strtoll(s, NULL, 10);
			if (speed > 0)
				provutil_u64(i, "Speed",
				    (unsigned long long)speed * 1000000ULL);
			free(s);
		}
		snprintf(rel, sizeof rel, "class/net/%s/operstate", e->d_name);
		s = provutil_sys(rel);
		/* Loopback says "unknown" and is always up. */
		up = s != NULL && (strcmp(s, "up") == 0 ||
		    strcmp(s, "unknown") == 0);
		free(s);
		provutil_u16(i, "EnabledState", up ? 2 : 3);
		provutil_u16a(b, i, "OperationalStatus", up ? ok : down, 1);
		provutil_u16(i, "HealthState", 5);
		provutil_u16(i, "LinkTechnology", 2);
		out[n++] = i;
	}
	closedir(d);
	return (n);
}

PROVUTIL_INSTANCE_MI(VireoEthernetPort, netport_list)
