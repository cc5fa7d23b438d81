/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for the reading of host answers (lib/vireply.c and the
 * walks lib/viprops.c and rcli/task.c make over them): vireply_parse,
 * then every returnval's objects, propSets and vals, text and xsi:types,
 * and the LocalizedMethodFault reader, as a command would.  A refusal
 * must come with a reason; a fault must have a name.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "viprops.h"
#include "vireply.h"
#include "xml.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_rcli_soap_walk(xmlNodePtr, unsigned int);

static void
fuzz_rcli_soap_walk(xmlNodePtr parent, unsigned int depth)
{
	xmlNodePtr	 n;
	char		*a, *b;

	for (n = xml_child(parent, NULL, NULL); n != NULL;
	    n = xml_next(n, NULL, NULL)) {
		free(vireply_xsitype(n));
		free(vireply_field(n, "name"));
		free(viprops_path(n, "info/result"));
		if (xml_child(n, NULL, "fault") != NULL) {
			vireply_localized(n, &a, &b);
			if (a == NULL || b == NULL)
				abort();
			free(a);
			free(b);
		}
		if (depth < 32)
			fuzz_rcli_soap_walk(n, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vireply	 r;
	xmlNodePtr	 rv;
	char		*cause = NULL;

	if (vireply_parse((const char *)data, size, &r, &cause) == -1) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	if (r.r_fault != NULL) {
		if (r.r_fault[0] == '\0' || r.r_msg == NULL ||
		    r.r_body != NULL)
			abort();
	} else {
		if (r.r_body == NULL)
			abort();
		for (rv = vireply_returnval(&r); rv != NULL;
		    rv = vireply_next(rv))
			fuzz_rcli_soap_walk(rv, 0);
	}
	vireply_clear(&r);
	return (0);
}
