/* SPDX-License-Identifier: ISC */
/*
 * cimom-provhost: the provider host.  cimom starts it with one end of a
 * socketpair as descriptor 3 and sends it one CIM-XML request at a time;
 * it loads the provider libraries, runs the instance operations and
 * method calls through the broker and answers with the whole response.
 * Providers are third-party code: when one crashes, only this process
 * dies, and cimom answers that request with CIM_ERR_FAILED and starts a
 * new host for the next one.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "broker.h"
#include "cimxml.h"
#include "frame.h"
#include "log.h"
#include "ops.h"
#include "provider.h"
#include "repository.h"
#include "xml.h"
#include "xmalloc.h"

#define PROVHOST_FD	3
#define PROVHOST_MAXDIRS 16

static __dead void	provhost_usage(int);
static void		provhost_serve(struct ops_ctx *);
static void		provhost_one(struct ops_ctx *, const struct frame_hdr *,
			    char *);

static __dead void
provhost_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: cimom-provhost --root dir --schema dir --host name "
	    "[--log file] [-L dir]...\n"
	    "Started by cimom(8) with its socket as descriptor 3; not run "
	    "by hand.\n");
	exit(status);
}

static void
provhost_one(struct ops_ctx *ctx, const struct frame_hdr *h, char *payload)
{
	struct cimxml_req	 req;
	struct evbuffer		*out = evbuffer_new();
	const char		*hdr;
	char			*cause = NULL, *body, *data;
	size_t			 plen, len;
	int			 code;

	plen = strnlen(payload, h->fh_len);
	body = plen < h->fh_len ? payload + plen + 1 : payload + h->fh_len;
	ctx->oc_principal = payload;
	if (cimxml_parse(body, h->fh_len - (size_t)(body - payload), &req,
	    &hdr, &cause) == -1) {
		/* cimom checked it already; say so rather than guess. */
		cimxml_error(out, "0", 0, "(invalid)", 1, "request rejected "
		    "by the provider host");
		code = 1;
		free(cause);
	} else if (ops_find(&req)->oe_where != OPS_REMOTE) {
		cimxml_error(out, req.cr_id, req.cr_extrinsic, req.cr_method,
		    1, "not a provider operation");
		code = 1;
		cimxml_req_clear(&req);
	} else {
		code = ops_run(ctx, &req, out);
		cimxml_req_clear(&req);
	}
	len = evbuffer_get_length(out);
	data = (char *)evbuffer_pullup(out, -1);
	if (frame_write(PROVHOST_FD, h->fh_id, (uint32_t)code, data, len,
	    NULL, 0) == -1) {
		log_warn("writing to cimom");
		exit(1);
	}
	evbuffer_free(out);
}

static void
provhost_serve(struct ops_ctx *ctx)
{
	struct frame_hdr	 h;
	char			*payload;
	int			 rc;

	for (;;) {
		rc = frame_read(PROVHOST_FD, &h, &payload);
		if (rc == 0)
			return;
		if (rc == -1) {
			log_warn("reading from cimom");
			return;
		}
		provhost_one(ctx, &h, payload);
		free(payload);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "schema", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct repository	*repo;
	struct provider		*prov;
	struct broker		*br;
	struct ops_ctx		 ctx;
	char			*root = NULL, *schema = NULL, *host = NULL;
	char			*logpath = NULL, *dirs[PROVHOST_MAXDIRS + 1];
	char			*cause = NULL, *path;
	int			 ch, ndirs = 0, verbose = 0;

	memset(dirs, 0, sizeof dirs);
	while ((ch = getopt_long(argc, argv, "hL:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			root = optarg;
			break;
		case 's':
			schema = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'L':
			if (ndirs < PROVHOST_MAXDIRS)
				dirs[ndirs++] = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			provhost_usage(0);
		default:
			provhost_usage(2);
		}
	}
	if (root == NULL || schema == NULL || host == NULL ||
	    fcntl(PROVHOST_FD, F_GETFD) == -1)
		provhost_usage(2);
	log_init("cimom-provhost", LOG_TO_STDERR);
	if (logpath != NULL && log_open_file(logpath) == 0)
		log_set_dest(LOG_TO_FILE);
	if (verbose)
		log_set_level(LOG_LEVEL_DEBUG);
	/* Providers find the host's files (hostd's socket) under it. */
	if (setenv("VIREO_ROOT", root, 1) == -1)
		fatal("setenv");
	/* cimom's end closing must not kill us mid-write: see EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	xml_init();

	repo = repository_create();
	if (repository_load_all(repo, schema, root, &cause) == -1)
		fatalx("%s", cause);
	prov = provider_create(dirs);
	/* The host's registrations, else the defaults installed with the
	 * schema. */
	xasprintf(&path, "%s/etc/vireo/cimom/providers.reg", root);
	if (access(path, F_OK) == -1) {
		free(path);
		xasprintf(&path, "%s/providers.reg", schema);
	}
	if (access(path, F_OK) == 0 &&
	    provider_load_reg(prov, path, &cause) == -1)
		fatalx("%s", cause);
	free(path);
	br = broker_create(repo, prov, host);

	memset(&ctx, 0, sizeof ctx);
	ctx.oc_repo = repo;
	ctx.oc_br = br;
	ctx.oc_host = host;
	log_debug("ready, %zu registrations", prov->p_nregs);
	provhost_serve(&ctx);

	provider_cleanup(prov);
	broker_free(br);
	provider_free(prov);
	repository_free(repo);
	return (0);
}
