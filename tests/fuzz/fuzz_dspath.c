/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for hostd/dspath.c: datastore paths "[ds] dir/file" from
 * SOAP arguments.  Whatever the input, a path that parses must name a
 * datastore without "]" and a relative path that hostd_dspath_rel_ok
 * accepts: no leading "/", no "." or ".." component, no backslash or
 * control byte, so that joining it to a datastore directory stays inside.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *ds, *rel, *c;

	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (hostd_dspath_parse(s, &ds, &rel) == 0) {
		if (*ds == '\0' || strchr(ds, ']') != NULL ||
		    !hostd_dspath_rel_ok(rel) || *rel == '/')
			abort();
		for (c = rel; *c != '\0'; c++) {
			if (*c == '\\' || (unsigned char)*c < 0x20)
				abort();
		}
		if (strcmp(rel, "..") == 0 || strncmp(rel, "../", 3) == 0 ||
		    strstr(rel, "/../") != NULL || strstr(rel, "/./") != NULL)
			abort();
		if (strlen(rel) >= 3 && strcmp(rel + strlen(rel) - 3,
		    "/..") == 0)
			abort();
		free(ds);
		free(rel);
	}
	free(s);
	return (0);
}
