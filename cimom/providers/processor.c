/* SPDX-License-Identifier: ISC */
/*
 * CIM_Processor: one instance per logical CPU listed in /proc/cpuinfo
 * (the sblim-cmpi-base model), DeviceID the CPU number.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provutil.h"

#define PROCESSOR_CLASS	"CIM_Processor"

static size_t	processor_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);
static void	processor_field(const char *, const char *, char *, size_t);

/* The value of "key : value" in one cpuinfo block. */
static void
processor_field(const char *block, const char *key, char *buf, size_t len)
{
	const char	*p = block, *colon, *eol;
	size_t		 klen = strlen(key);

	buf[0] = '\0';
	while (p != NULL && *p != '\0') {
		eol = strchr(p, '\n');
		if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' ||
		    p[klen] == '\t' || p[klen] == ':') &&
		    (colon = strchr(p, ':')) != NULL &&
		    (eol == NULL || colon < eol)) {
			colon++;
			colon += strspn(colon, " \t");
			snprintf(buf, len, "%.*s", (int)(eol != NULL ?
			    (size_t)(eol - colon) : strlen(colon)), colon);
			return;
		}
		p = eol != NULL ? eol + 1 : NULL;
	}
}

static size_t
processor_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	CMPIInstance	*i;
	char		*info, *block, *next, id[32], v[256];
	size_t		 n = 0;
	double		 mhz;

	if ((info = provutil_proc("cpuinfo")) == NULL)
		return (0);
	for (block = info; block != NULL && *block != '\0' && n < max;
	    block = next) {
		/* Blocks are separated by an empty line. */
		if ((next = strstr(block, "\n\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		processor_field(block, "processor", id, sizeof id);
		if (id[0] == '\0')
			continue;
		i = provutil_instance(b, provutil_dev_path(b, ns,
		    PROCESSOR_CLASS, id));
		processor_field(block, "model name", v, sizeof v);
		provutil_str(i, "ElementName", v[0] != '\0' ? v :
		    "Processor");
		provutil_str(i, "Name", v[0] != '\0' ? v : "Processor");
		processor_field(block, "cpu MHz", v, sizeof v);
		if (v[0] != '\0' && sscanf(v, "%lf", &mhz) == 1)
			provutil_u32(i, "CurrentClockSpeed",
			    (unsigned long)(mhz + 0.5));
		processor_field(block, "stepping", v, sizeof v);
		provutil_str(i, "Stepping", v[0] != '\0' ? v : NULL);
		processor_field(block, "vendor_id", v, sizeof v);
		provutil_str(i, "OtherFamilyDescription",
		    v[0] != '\0' ? v : NULL);
		/* Family 1 is "Other": the vendor string says which. */
		provutil_u16(i, "Family", 1);
		provutil_u16(i, "CPUStatus", 1);
		provutil_u16(i, "NumberOfEnabledCores", 1);
		provutil_u16(i, "DataWidth", 64);
		provutil_u16(i, "AddressWidth", 64);
		provutil_healthy(b, i);
		out[n++] = i;
	}
	free(info);
	return (n);
}

PROVUTIL_INSTANCE_MI(VireoProcessor, processor_list)
