/* SPDX-License-Identifier: ISC */
/*
 * Replays a fuzz target's corpus without libFuzzer, so make check runs
 * every target over its seeds (and every crash once found and saved) on any
 * compiler.  Arguments are files or directories; with none, the corpus is
 * $TOP_SRCDIR/tests/fuzz/corpus/<name>, where the program is fuzz_<name>.
 */

#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	driver_run_file(const char *);
static int	driver_run_path(const char *, unsigned int *);

static int
driver_run_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf;
	long		 len;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fprintf(stderr, "%s: cannot size\n", path);
		fclose(f);
		return (-1);
	}
	/* Copy into an exact-size buffer so ASan catches overreads. */
	if ((buf = malloc(len > 0 ? (size_t)len : 1)) == NULL ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return (-1);
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return (0);
}

static int
driver_run_path(const char *path, unsigned int *count)
{
	struct stat	 st;
	struct dirent	**names;
	char		 sub[4096];
	int		 n, i, rc = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return (driver_run_file(path));
	}
	/* Sorted, so a failure is reproducible by position. */
	if ((n = scandir(path, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof sub, "%s/%s", path,
			    names[i]->d_name);
			if (driver_run_path(sub, count) == -1)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return (rc);
}

int
main(int argc, char **argv)
{
	const char	*top, *base;
	char		 corpus[4096];
	unsigned int	 count = 0;
	int		 i, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (driver_run_path(argv[i], &count) == -1)
				rc = 1;
	} else {
		if ((top = getenv("TOP_SRCDIR")) == NULL)
			top = ".";
		base = strrchr(argv[0], '/');
		base = base != NULL ? base + 1 : argv[0];
		if (strncmp(base, "fuzz_", 5) == 0)
			base += 5;
		snprintf(corpus, sizeof corpus, "%s/tests/fuzz/corpus/%s",
		    top, base);
		if (driver_run_path(corpus, &count) == -1)
			rc = 1;
	}
	if (count == 0) {
		fprintf(stderr, "no corpus inputs found\n");
		return (1);
	}
	printf("%u inputs replayed without a crash\n", count);
	return (rc);
}
