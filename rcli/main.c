/* SPDX-License-Identifier: ISC */
/*
 * rcli: start-up, the global options, the noun dispatch table, and the
 * connection every command shares (opened on first use, so usage errors
 * and help never touch the network).
 *
 * Global options may appear anywhere on the line; the rest is
 * "noun verb operands --options".  Exit status: 0, 1 (fault, connection),
 * 2 (usage).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static const struct rcli_noun *const main_nouns[] = {
	&cmd_vm_noun,
	&cmd_host_noun,
	&cmd_datastore_noun,
	&cmd_disk_noun,
	&cmd_network_noun,
	&cmd_user_noun,
	&cmd_group_noun,
	&cmd_permission_noun,
	&cmd_role_noun,
	&cmd_task_noun,
	&cmd_event_noun,
	&cmd_session_noun,
	NULL
};

static const char main_usage_text[] =
    "usage: rcli [global options] <noun> <verb> [arguments] [options]\n"
    "\n"
    "Global options:\n"
    "  --server HOST[:PORT]  the host (or RCLI_SERVER); port 443 by default\n"
    "  --unix PATH           hostd's Unix socket, on the host itself\n"
    "  --root DIR            use DIR/run/vireo/hostd.sock\n"
    "  --username USER       user name (or RCLI_USERNAME; default root)\n"
    "  --password PASS       password (or RCLI_PASSWORD; else the saved\n"
    "                        session, else a prompt on the terminal)\n"
    "  --thumbprint SHA1     trust the host whose certificate has this\n"
    "                        SHA-1 thumbprint (AB:CD:...)\n"
    "  --cacert FILE         trust certificates signed by the CAs in FILE\n"
    "  --no-session          ignore the saved session\n"
    "  --format FMT          table (default), json, csv or xml\n"
    "  --help, --version\n"
    "\n"
    "Nouns:\n";

static void	main_usage(FILE *);
static const struct rcli_noun *main_noun(const char *);
static int	main_help(const char *);

static void
main_usage(FILE *f)
{
	size_t	 i;

	fputs(main_usage_text, f);
	for (i = 0; main_nouns[i] != NULL; i++)
		fprintf(f, "  %-12s %s\n", main_nouns[i]->n_name,
		    main_nouns[i]->n_summary);
	fputs("\n'rcli help <noun>' or 'rcli <noun> --help' shows a noun's "
	    "verbs; see rcli(1).\n", f);
}

static const struct rcli_noun *
main_noun(const char *name)
{
	size_t	 i;

	for (i = 0; main_nouns[i] != NULL; i++)
		if (strcmp(main_nouns[i]->n_name, name) == 0)
			return (main_nouns[i]);
	return (NULL);
}

static int
main_help(const char *name)
{
	const struct rcli_noun	*n;

	if (name == NULL) {
		main_usage(stdout);
		return (RCLI_EXIT_OK);
	}
	if ((n = main_noun(name)) == NULL) {
		fprintf(stderr, "rcli: help: unknown noun '%s' (see 'rcli "
		    "--help')\n", name);
		return (RCLI_EXIT_USAGE);
	}
	fputs(n->n_usage, stdout);
	return (RCLI_EXIT_OK);
}

struct viclient *
main_conn(struct rcli *r)
{
	if (r->r_conn == NULL) {
		if (r->r_opts.co_server == NULL && r->r_opts.co_unix == NULL) {
			fprintf(stderr, "rcli: no host: give --server, "
			    "--unix or --root (or set RCLI_SERVER)\n");
			return (NULL);
		}
		r->r_conn = conn_open(&r->r_opts);
	}
	return (r->r_conn);
}

int
main_output(struct rcli *r, struct table *t)
{
	int	 rc;

	rc = table_print(t, stdout, r->r_format);
	table_free(t);
	if (rc == -1 || fflush(stdout) == EOF) {
		perror("rcli: stdout");
		return (RCLI_EXIT_FAULT);
	}
	return (RCLI_EXIT_OK);
}

int
main_verb(struct rcli *r, const struct rcli_noun *n,
    const struct rcli_verb *verbs, struct args *a)
{
	const char	*v;
	char		*prog;
	size_t		 i;
	int		 rc;

	if (args_flag(a, "--help") || args_flag(a, "-h")) {
		fputs(n->n_usage, stdout);
		return (RCLI_EXIT_OK);
	}
	if ((v = args_next(a)) == NULL) {
		fprintf(stderr, "rcli: %s: which verb?\n", a->a_prog);
		fputs(n->n_usage, stderr);
		return (RCLI_EXIT_USAGE);
	}
	if (strcmp(v, "help") == 0) {
		fputs(n->n_usage, stdout);
		return (RCLI_EXIT_OK);
	}
	for (i = 0; verbs[i].v_name != NULL; i++) {
		if (strcmp(verbs[i].v_name, v) != 0)
			continue;
		xasprintf(&prog, "%s %s", a->a_prog, v);
		a->a_prog = prog;
		rc = verbs[i].v_run(r, a);
		free(prog);
		return (rc);
	}
	fprintf(stderr, "rcli: %s: unknown verb '%s'\n", a->a_prog, v);
	fputs(n->n_usage, stderr);
	return (RCLI_EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	struct rcli		 r;
	struct args		 a;
	const struct rcli_noun	*n;
	const char		*v, *root = NULL, *fmt = NULL, *name;
	char			*sock = NULL;
	int			 rc;

	memset(&r, 0, sizeof r);
	a.a_argc = argc - 1;
	a.a_argv = argv + 1;
	a.a_prog = "rcli";
	if (args_opt(&a, "--server", &r.r_opts.co_server) == -1 ||
	    args_opt(&a, "--unix", &r.r_opts.co_unix) == -1 ||
	    args_opt(&a, "--root", &root) == -1 ||
	    args_opt(&a, "--username", &r.r_opts.co_user) == -1 ||
	    args_opt(&a, "--password", &r.r_opts.co_password) == -1 ||
	    args_opt(&a, "--thumbprint", &r.r_opts.co_thumbprint) == -1 ||
	    args_opt(&a, "--cacert", &r.r_opts.co_cacert) == -1 ||
	    args_opt(&a, "--format", &fmt) == -1)
		return (RCLI_EXIT_USAGE);
	r.r_opts.co_nosession = args_flag(&a, "--no-session");
	if (args_flag(&a, "--version")) {
		printf("rcli %s\n", VERSION);
		return (RCLI_EXIT_OK);
	}
	if (fmt != NULL && table_format_parse(fmt, &r.r_format) == -1) {
		fprintf(stderr, "rcli: --format: '%s' is not table, json, csv "
		    "or xml\n", fmt);
		return (RCLI_EXIT_USAGE);
	}
	if (r.r_opts.co_server == NULL && r.r_opts.co_unix == NULL &&
	    root == NULL)
		r.r_opts.co_server = getenv("RCLI_SERVER");
	if (r.r_opts.co_user == NULL)
		r.r_opts.co_user = getenv("RCLI_USERNAME");
	if (r.r_opts.co_password == NULL)
		r.r_opts.co_password = getenv("RCLI_PASSWORD");
	if (r.r_opts.co_unix == NULL && root != NULL) {
		xasprintf(&sock, "%s/run/vireo/hostd.sock", root);
		r.r_opts.co_unix = sock;
	}
	if (r.r_opts.co_server != NULL && r.r_opts.co_server[0] == '\0') {
		fprintf(stderr, "rcli: --server: empty host name\n");
		return (RCLI_EXIT_USAGE);
	}

	/* A lone --help is global; after a noun it is the noun's. */
	if ((v = a.a_argc > 0 ? a.a_argv[0] : NULL) == NULL ||
	    strcmp(v, "--help") == 0 || strcmp(v, "-h") == 0) {
		main_usage(v == NULL ? stderr : stdout);
		free(sock);
		return (v == NULL ? RCLI_EXIT_USAGE : RCLI_EXIT_OK);
	}
	v = args_next(&a);
	if (strcmp(v, "help") == 0) {
		name = args_next(&a);
		free(sock);
		return (main_help(name));
	}
	if ((n = main_noun(v)) == NULL) {
		fprintf(stderr, "rcli: unknown noun '%s' (see 'rcli "
		    "--help')\n", v);
		free(sock);
		return (RCLI_EXIT_USAGE);
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "rcli: cannot initialise libcurl\n");
		return (RCLI_EXIT_FAULT);
	}
	xml_init();
	a.a_prog = n->n_name;
	rc = main_verb(&r, n, n->n_verbs, &a);
	viclient_free(r.r_conn);
	curl_global_cleanup();
	free(sock);
	return (rc);
}
