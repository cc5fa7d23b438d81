/* SPDX-License-Identifier: ISC */
/*
 * vmware.log: the per-VM log in the VM's directory.  At power-on the old
 * logs are rotated the way VMware does it: vmware.log becomes vmware-0.log
 * (the newest old log), vmware-0.log becomes vmware-1.log and so on, and
 * only log.keepOld old logs survive.  Lines are then written through
 * lib/log's file target, so vCPU threads and the main thread share one
 * O_APPEND file without interleaving.  The log opens with a banner:
 * version, host, the .vmx, a summary and every key as a DICT line, so each
 * session records the configuration it ran with.
 */

#include "config.h"

#include <sys/utsname.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "xmalloc.h"
#include "vmx.h"

static int	vmx_log_move(const char *, const char *, char **);

/*
 * The name of old log number n for the log at path: "dir/vmware.log"
 * gives "dir/vmware-<n>.log"; a name without an extension gets "-<n>"
 * appended.  The caller frees the result.
 */
char *
vmx_log_rotated_name(const char *path, unsigned int n)
{
	const char	*slash, *dot;
	char		*name;

	slash = strrchr(path, '/');
	dot = strrchr(slash != NULL ? slash + 1 : path, '.');
	if (dot == NULL || dot == (slash != NULL ? slash + 1 : path))
		xasprintf(&name, "%s-%u", path, n);
	else {
		xasprintf(&name, "%.*s-%u%s", (int)(dot - path), path, n,
		    dot);
	}
	return (name);
}

/* Rename from to to (to NULL: remove from); a missing from is fine. */
static int
vmx_log_move(const char *from, const char *to, char **cause)
{
	int	rc;

	rc = to != NULL ? rename(from, to) : unlink(from);
	if (rc == -1 && errno != ENOENT) {
		xasprintf(cause, "cannot rotate %s: %s", from,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Rotate the log at path keeping keepold old logs, numbered from 0 (the
 * newest).  Old logs numbered keepold or more (left by a larger
 * log.keepOld) are removed.  Afterwards path does not exist.  Returns 0,
 * or -1 with *cause.
 */
int
vmx_log_rotate(const char *path, unsigned int keepold, char **cause)
{
	char		*from, *to;
	unsigned int	 i;
	int		 rc = 0;

	/* Drop the surplus first: keepold-1 and beyond are discarded. */
	for (i = keepold > 0 ? keepold - 1 : 0; i <= VMX_LOG_KEEPOLD_MAX;
	    i++) {
		from = vmx_log_rotated_name(path, i);
		if (access(from, F_OK) == -1 && i >= keepold) {
			free(from);
			break;
		}
		rc = vmx_log_move(from, NULL, cause);
		free(from);
		if (rc != 0)
			return (-1);
	}
	/* Then shift the survivors up by one, oldest first. */
	for (i = keepold > 1 ? keepold - 1 : 0; i > 0; i--) {
		from = vmx_log_rotated_name(path, i - 1);
		to = vmx_log_rotated_name(path, i);
		rc = vmx_log_move(from, to, cause);
		free(to);
		free(from);
		if (rc != 0)
			return (-1);
	}
	if (keepold == 0)
		return (vmx_log_move(path, NULL, cause));
	to = vmx_log_rotated_name(path, 0);
	rc = vmx_log_move(path, to, cause);
	free(to);
	return (rc);
}

/*
 * Rotate the VM's log and make it lib/log's file target.  Does nothing
 * when the .vmx says logging = "FALSE".  Returns 0, or -1 with *cause.
 */
int
vmx_log_open(const struct vmx_conf *vc, char **cause)
{
	if (!vc->vc_logging)
		return (0);
	if (vmx_log_rotate(vc->vc_log_file, vc->vc_log_keepold, cause) != 0)
		return (-1);
	if (log_open_file(vc->vc_log_file) != 0) {
		xasprintf(cause, "cannot open %s: %s", vc->vc_log_file,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * The first lines of a session's log: who we are, the host (pvm: 1 if
 * /dev/kvm is PVM), the .vmx, a summary of what will run and every key of
 * the file as it was read (cfg may be NULL).
 */
void
vmx_log_banner(const struct vmx_conf *vc, const struct cfg *cfg, int pvm)
{
	struct utsname	 u;
	size_t		 i, n;

	log_info("Vireo vmx %s", PACKAGE_VERSION);
	if (uname(&u) == 0) {
		log_info("host: %s %s %s %s, %s", u.nodename, u.sysname,
		    u.release, u.machine,
		    pvm ? "KVM provided by PVM (no VT-x)" : "KVM");
	}
	log_info("pid %ld, configuration %s", (long)getpid(), vc->vc_path);
	log_info("displayName \"%s\", guestOS \"%s\"", vc->vc_name,
	    vc->vc_guestos != NULL ? vc->vc_guestos : "");
	log_info("memsize %u MiB, %u vCPU%s", vc->vc_memsize, vc->vc_ncpus,
	    vc->vc_ncpus == 1 ? "" : "s");
	log_info("kernel %s (boot protocol %s)", vc->vc_kernel,
	    vmx_conf_boot_name(vc->vc_boot));
	if (vc->vc_initrd != NULL)
		log_info("initrd %s", vc->vc_initrd);
	log_info("cmdline \"%s\"", vc->vc_cmdline != NULL ?
	    vc->vc_cmdline : "");
	log_info("serial0: %s%s%s", vmx_conf_serial_name(vc->vc_serial),
	    vc->vc_serial_file != NULL ? " " : "",
	    vc->vc_serial_file != NULL ? vc->vc_serial_file : "");
	log_info("debug-exit port 0xf4: %s", vc->vc_debug_exit ? "on" : "off");
	if (cfg == NULL)
		return;
	n = cfg_count(cfg);
	for (i = 0; i < n; i++)
		log_info("DICT %s = \"%s\"", cfg_key(cfg, i),
		    cfg_value(cfg, i));
}
