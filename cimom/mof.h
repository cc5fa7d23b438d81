/* SPDX-License-Identifier: ISC */
/*
 * The MOF subset parser (cim.md §4.4): qualifier lists, class
 * declarations with properties, references, arrays, defaults and methods,
 * #pragma include/namespace/locale; qualifier declarations and instances
 * are read and skipped.  Classes go straight into a repository.
 */
#ifndef VIREO_CIMOM_MOF_H
#define VIREO_CIMOM_MOF_H

#include <stddef.h>

struct repository;

/* Parse path (ns: the namespace until a pragma says otherwise).
 * 0, or -1 with *cause "path:line:col: what". */
int	mof_parse_file(struct repository *, const char *path, const char *ns,
	    char **cause);
/* The same on a buffer (name for messages); includes are refused. */
int	mof_parse_buffer(struct repository *, const char *buf, size_t len,
	    const char *name, const char *ns, char **cause);

#endif
