/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for cimom's MOF parser (mof.c) and class resolution
 * (repository.c): a MOF file as a site or a test might drop into
 * etc/vireo/cimom/mof.d.  A refusal must say where (file:line:col).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mof.h"
#include "repository.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct repository	*r = repository_create();
	char			*cause = NULL;

	if (mof_parse_buffer(r, (const char *)data, size, "fuzz.mof",
	    "root/cimv2", &cause) == -1) {
		if (cause == NULL || strncmp(cause, "fuzz.mof:", 9) != 0)
			abort();
		free(cause);
	}
	repository_free(r);
	return (0);
}
