/* SPDX-License-Identifier: ISC */
/*
 * vmx start-up: options, the .vmx, logging, then hand over to vmx_run.
 * Nothing else lives here.  A bad option or .vmx gets one line on stderr
 * and exit status 2; the other statuses are the guest's (see vmx.8).
 */

#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "vmx.h"

static void	vmx_main_usage(FILE *);
static void	vmx_main_error(char *);

static void
vmx_main_usage(FILE *f)
{
	size_t	i;

	fprintf(f,
	    "usage: vmx [-hVv] -c file.vmx\n"
	    "Run the virtual machine described by file.vmx in the "
	    "foreground.\n"
	    "  -c file.vmx  the VM's configuration (required)\n"
	    "  -v           also log to stderr; twice for debug lines\n"
	    "  -V           print the version and exit\n"
	    "  -h, --help   print this help and exit\n"
	    "Exit status: 0 powered off or stopped by a signal, (v<<1)|1 "
	    "debug exit v,\n"
	    "2 bad option, .vmx or image, 4 reset, 6 triple fault, "
	    "8 emulation failure,\n"
	    "10 any other failure.\n"
	    ".vmx keys honoured (others are ignored):\n");
	for (i = 0; i < vmx_conf_nkeys; i++) {
		fprintf(f, "  %-19s %s\n", vmx_conf_keys[i].ck_name,
		    vmx_conf_keys[i].ck_doc);
	}
	for (i = 0; i < vmx_conf_ndev_keys; i++) {
		fprintf(f, "  %-19s %s\n", vmx_conf_dev_keys[i].ck_name,
		    vmx_conf_dev_keys[i].ck_doc);
	}
	fprintf(f, "See vmx(8) and vmx.conf(5).\n");
}

/* Print cause as the one line on stderr, even if it holds a newline. */
static void
vmx_main_error(char *cause)
{
	char	*p;

	for (p = cause; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	fprintf(stderr, "vmx: %s\n", cause);
}

int
main(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct vmx_conf			*vc;
	struct cfg			*cfg = NULL;
	const char			*path = NULL;
	char				*cause = NULL;
	long				 ncpus;
	int				 ch, verbose = 0, status;

	log_init("vmx", 0);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:hVv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			vmx_main_usage(stdout);
			return (0);
		case 'V':
			printf("vmx (Vireo) %s\n", PACKAGE_VERSION);
			return (0);
		case 'v':
			verbose++;
			break;
		case ':':
			fprintf(stderr, "vmx: option -%c needs an argument "
			    "(see vmx --help)\n", optopt);
			return (VMX_EXIT_USAGE);
		default:
			if (optopt != 0)
				fprintf(stderr, "vmx: unknown option -%c "
				    "(see vmx --help)\n", optopt);
			else
				fprintf(stderr, "vmx: unknown option %s "
				    "(see vmx --help)\n", argv[optind - 1]);
			return (VMX_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vmx: unexpected argument %s (see vmx "
		    "--help)\n", argv[optind]);
		return (VMX_EXIT_USAGE);
	}
	if (path == NULL) {
		fprintf(stderr, "vmx: -c file.vmx is required (see vmx "
		    "--help)\n");
		return (VMX_EXIT_USAGE);
	}
	if (verbose > 0)
		log_set_dest(LOG_TO_STDERR);
	if (verbose > 1)
		log_set_level(LOG_LEVEL_DEBUG);

	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	vc = vmx_conf_load(path, ncpus > 0 ? (unsigned int)ncpus : 0, &cfg,
	    &cause);
	if (vc == NULL) {
		vmx_main_error(cause);
		free(cause);
		return (VMX_EXIT_USAGE);
	}

	status = vmx_run(vc, cfg, &cause);
	if (cause != NULL) {
		if (verbose == 0)
			vmx_main_error(cause);
		free(cause);
	}
	cfg_free(cfg);
	vmx_conf_free(vc);
	log_close();
	return (status);
}
