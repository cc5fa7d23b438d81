/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for lib/cfg.c.  Any input either fails with a positioned
 * message or parses; a parsed input must then write back byte for byte,
 * and a configuration rebuilt from its decoded entries with cfg_try_set
 * must write text that parses back to the same values (this exercises the
 * |XX encoder against the decoder).  Any mismatch abort()s, which
 * libFuzzer reports as a crash.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_cfg_same_values(const struct cfg *, const struct cfg *);

/* Every key of a resolves to the same value in b. */
static void
fuzz_cfg_same_values(const struct cfg *a, const struct cfg *b)
{
	const char	*va, *vb;
	size_t		 i;

	for (i = 0; i < cfg_count(a); i++) {
		va = cfg_get(a, cfg_key(a, i));
		vb = cfg_get(b, cfg_key(a, i));
		if (va == NULL || vb == NULL || strcmp(va, vb) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg	*cfg, *again, *fresh;
	char		*cause = NULL, *out;
	size_t		 len, i;
	long long	 n;

	cfg = cfg_parse((const char *)data, size, "fuzz", &cause);
	if (cfg == NULL) {
		if (cause == NULL || strncmp(cause, "fuzz:", 5) != 0)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();

	/* Unchanged text comes back exactly. */
	out = cfg_write_buf(cfg, &len);
	if (len != size || (size > 0 && memcmp(out, data, size) != 0) ||
	    out[len] != '\0')
		abort();
	again = cfg_parse(out, len, "again", NULL);
	if (again == NULL || cfg_count(again) != cfg_count(cfg))
		abort();
	for (i = 0; i < cfg_count(cfg); i++) {
		if (strcmp(cfg_key(cfg, i), cfg_key(again, i)) != 0 ||
		    strcmp(cfg_value(cfg, i), cfg_value(again, i)) != 0)
			abort();
	}
	cfg_free(again);
	free(out);

	/* Re-encoded values decode to themselves. */
	fresh = cfg_create();
	for (i = 0; i < cfg_count(cfg); i++) {
		if (cfg_try_set(fresh, cfg_key(cfg, i), cfg_value(cfg, i),
		    &cause) == -1) {
			/* Only a line grown past CFG_LINE_MAX may fail. */
			if (strlen(cfg_value(cfg, i)) * 3 + 300 < CFG_LINE_MAX)
				abort();
			free(cause);
			goto done;
		}
	}
	fuzz_cfg_same_values(cfg, fresh);
	out = cfg_write_buf(fresh, &len);
	again = cfg_parse(out, len, "fresh", NULL);
	if (again == NULL)
		abort();
	fuzz_cfg_same_values(cfg, again);
	cfg_free(again);
	free(out);

	/* The accessors and removal on whatever keys there are. */
	if (cfg_count(cfg) > 0) {
		cfg_get_bool(cfg, cfg_key(cfg, 0), 0);
		if (cfg_get_int(cfg, cfg_key(cfg, 0), -100, 100, 0, &n,
		    &cause) == -1)
			free(cause);
		if (cfg_unset(fresh, cfg_key(cfg, 0)) != 0 ||
		    cfg_get(fresh, cfg_key(cfg, 0)) != NULL)
			abort();
	}
done:
	cfg_free(fresh);
	cfg_free(cfg);
	return (0);
}
