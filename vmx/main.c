/* SPDX-License-Identifier: ISC */
/*
 * vmx start-up: options, the .vmx, the control socket's path, a session
 * of its own, logging, then hand over to vmx_run.  Nothing else lives
 * here.  A bad option or .vmx gets one line on stderr
 * and exit status 2; the other statuses are the guest's (see vmx.8).
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "usock.h"
#include "xmalloc.h"
#include "vmx.h"

/* getopt value of the long-only --no-sandbox. */
#define VMX_MAIN_OPT_NO_SANDBOX	0x1000
/* getopt value of the long-only --root. */
#define VMX_MAIN_OPT_ROOT	0x1001

static void	vmx_main_usage(FILE *);
static void	vmx_main_error(char *);
static char	*vmx_main_id(const char *);
static char	*vmx_main_sockpath(const char *, const char *, char **);

static void
vmx_main_usage(FILE *f)
{
	size_t	i;

	fprintf(f,
	    "usage: vmx [-hVv] [-u user] [--no-sandbox] [--root dir] [-i id]\n"
	    "           [-S socket] -c file.vmx\n"
	    "Run the virtual machine described by file.vmx in the "
	    "foreground.\n"
	    "  -c file.vmx  the VM's configuration (required)\n"
	    "  --root dir   control socket dir/run/vireo/vmx/<id>.sock\n"
	    "  -i id        the VM's id; default: the .vmx name without "
	    ".vmx\n"
	    "  -S socket    the control socket's path instead\n"
	    "  -v           also log to stderr; twice for debug lines\n"
	    "  -u user      become user once the VM is set up (--user)\n"
	    "  --no-sandbox no seccomp filter, for debugging (vmx(8) "
	    "SANDBOX)\n"
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
	fprintf(f, "No control socket without --root, -i or -S.  See vmx(8),"
	    " vmxctl(8)\nand vmx.conf(5).\n");
}

/* The default id: the .vmx's file name without directory and ".vmx". */
static char *
vmx_main_id(const char *path)
{
	const char	*base, *dot;

	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base && strcasecmp(dot, ".vmx") == 0)
		return (xstrndup(base, (size_t)(dot - base)));
	return (xstrdup(base));
}

/*
 * <root>/run/vireo/vmx/<id>.sock, creating the directories below the root
 * (which must exist).  An owned string, or NULL with *cause.
 */
static char *
vmx_main_sockpath(const char *root, const char *id, char **cause)
{
	static const char *const	 dirs[] = { "run", "vireo", "vmx" };
	struct stat			 st;
	char				*real, *dir, *next, *path;
	size_t				 i;

	if (*id == '\0' || strchr(id, '/') != NULL || id[0] == '.') {
		xasprintf(cause, "-i %s: not a valid id", id);
		return (NULL);
	}
	if ((real = realpath(root, NULL)) == NULL ||
	    stat(real, &st) == -1 || !S_ISDIR(st.st_mode)) {
		xasprintf(cause, "--root %s: %s", root, real == NULL ?
		    strerror(errno) : "not a directory");
		free(real);
		return (NULL);
	}
	dir = xstrdup(strcmp(real, "/") == 0 ? "" : real);
	free(real);
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		xasprintf(&next, "%s/%s", dir, dirs[i]);
		free(dir);
		dir = next;
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			xasprintf(cause, "%s: %s", dir, strerror(errno));
			free(dir);
			return (NULL);
		}
	}
	xasprintf(&path, "%s/%s.sock", dir, id);
	free(dir);
	if (strlen(path) > USOCK_PATH_MAX) {
		xasprintf(cause, "control socket %s: %s", path,
		    strerror(ENAMETOOLONG));
		free(path);
		return (NULL);
	}
	return (path);
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
		{ "user", required_argument, NULL, 'u' },
		{ "no-sandbox", no_argument, NULL, VMX_MAIN_OPT_NO_SANDBOX },
		{ "root", required_argument, NULL, VMX_MAIN_OPT_ROOT },
		{ NULL, 0, NULL, 0 }
	};
	struct vmx_conf			*vc;
	struct cfg			*cfg = NULL;
	const char			*path = NULL, *user = NULL;
	const char			*root = NULL, *id = NULL, *sock = NULL;
	char				*cause = NULL, *sockpath = NULL, *defid;
	long				 ncpus;
	int				 ch, verbose = 0, status;
	int				 no_sandbox = 0;

	log_init("vmx", 0);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:hi:S:u:Vv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case VMX_MAIN_OPT_ROOT:
			root = optarg;
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
		case 'u':
			user = optarg;
			break;
		case VMX_MAIN_OPT_NO_SANDBOX:
			no_sandbox = 1;
			break;
		case ':':
			if (optopt == VMX_MAIN_OPT_ROOT) {
				fprintf(stderr, "vmx: option --root needs an "
				    "argument (see vmx --help)\n");
				return (VMX_EXIT_USAGE);
			}
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
	if (vmx_sandbox_check_user(user, &cause) != 0) {
		vmx_main_error(cause);
		free(cause);
		return (VMX_EXIT_USAGE);
	}
	if (sock != NULL)
		sockpath = xstrdup(sock);
	else if (root != NULL || id != NULL) {
		defid = vmx_main_id(path);
		sockpath = vmx_main_sockpath(root != NULL ? root : "/",
		    id != NULL ? id : defid, &cause);
		free(defid);
		if (sockpath == NULL) {
			vmx_main_error(cause);
			free(cause);
			return (VMX_EXIT_USAGE);
		}
	}

	/*
	 * A session of our own, so that neither the end of whoever started
	 * us (hostd) nor a hang-up of its terminal reaches the VM.  Run from
	 * an interactive terminal, vmx stays in the terminal's foreground
	 * process group instead, so ^C still stops it (SIGHUP only reopens
	 * the log).  EPERM: already a process group leader, keep it.
	 */
	if (!isatty(STDIN_FILENO) && setsid() == -1 && errno != EPERM)
		log_warn("setsid");

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
		free(sockpath);
		return (VMX_EXIT_USAGE);
	}
	vc->vc_sockpath = sockpath;
	vc->vc_user = user;
	vc->vc_no_sandbox = no_sandbox;

	status = vmx_run(vc, cfg, &cause);
	if (cause != NULL) {
		if (verbose == 0)
			vmx_main_error(cause);
		free(cause);
	}
	cfg_free(cfg);
	vmx_conf_free(vc);
	free(sockpath);
	log_close();
	return (status);
}
