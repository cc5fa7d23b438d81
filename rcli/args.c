/* SPDX-License-Identifier: ISC */
/*
 * The options and operands of one command.  Options may come anywhere on
 * the line (esxcli and govc users type them after the operands), so each
 * command takes the options it knows out of the vector first; whatever
 * still starts with "--" afterwards is an unknown option, a usage error.
 * "--" ends the options.
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"

static void	args_remove(struct args *, int, int);
static int	args_end(const struct args *);

static void
args_remove(struct args *a, int i, int n)
{
	memmove(&a->a_argv[i], &a->a_argv[i + n],
	    (size_t)(a->a_argc - i - n + 1) * sizeof *a->a_argv);
	a->a_argc -= n;
}

/* Index of "--", or argc: options are only looked for before it. */
static int
args_end(const struct args *a)
{
	int	 i;

	for (i = 0; i < a->a_argc; i++)
		if (strcmp(a->a_argv[i], "--") == 0)
			return (i);
	return (a->a_argc);
}

int
args_opt(struct args *a, const char *name, const char **value)
{
	size_t	 len = strlen(name);
	int	 i, end = args_end(a);

	for (i = 0; i < end; i++) {
		if (strncmp(a->a_argv[i], name, len) != 0)
			continue;
		if (a->a_argv[i][len] == '=') {
			*value = a->a_argv[i] + len + 1;
			args_remove(a, i, 1);
			return (0);
		}
		if (a->a_argv[i][len] != '\0')
			continue;
		if (i + 1 >= end) {
			args_usage(a, "option %s needs a value", name);
			return (-1);
		}
		*value = a->a_argv[i + 1];
		args_remove(a, i, 2);
		return (0);
	}
	return (1);
}

int
args_flag(struct args *a, const char *name)
{
	int	 i, end = args_end(a);

	for (i = 0; i < end; i++) {
		if (strcmp(a->a_argv[i], name) == 0) {
			args_remove(a, i, 1);
			return (1);
		}
	}
	return (0);
}

const char *
args_next(struct args *a)
{
	const char	*s;

	/* Options are taken by now: a "--" has done its job. */
	if (a->a_argc > 0 && strcmp(a->a_argv[0], "--") == 0)
		args_remove(a, 0, 1);
	if (a->a_argc == 0)
		return (NULL);
	s = a->a_argv[0];
	args_remove(a, 0, 1);
	return (s);
}

int
args_done(struct args *a)
{
	int	 i;

	for (i = 0; i < a->a_argc; i++) {
		if (strcmp(a->a_argv[i], "--") == 0)
			continue;
		if (a->a_argv[i][0] == '-' && a->a_argv[i][1] != '\0') {
			args_usage(a, "unknown option %s", a->a_argv[i]);
			return (-1);
		}
		args_usage(a, "unexpected argument '%s'", a->a_argv[i]);
		return (-1);
	}
	return (0);
}

int
args_usage(const struct args *a, const char *fmt, ...)
{
	va_list	 ap;
	char	 noun[64];
	size_t	 n;

	fprintf(stderr, "rcli: %s: ", a->a_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strcspn(a->a_prog, " ");
	if (n >= sizeof noun)
		n = sizeof noun - 1;
	memcpy(noun, a->a_prog, n);
	noun[n] = '\0';
	fprintf(stderr, "\n(see 'rcli help %s')\n", noun);
	return (RCLI_EXIT_USAGE);
}

int
args_ulong(const struct args *a, const char *name, const char *s,
    unsigned long long *v)
{
	char	*end;

	errno = 0;
	if (s[0] < '0' || s[0] > '9' ||
	    (*v = strtoull(s, &end, 10), errno != 0) || *end != '\0') {
		args_usage(a, "%s: not a number: '%s'", name, s);
		return (-1);
	}
	return (0);
}
