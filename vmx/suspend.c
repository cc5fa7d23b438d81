/* SPDX-License-Identifier: ISC */
/*
 * Suspend to disk and resume, VMware's way: a suspend request (control
 * socket) pauses the VM, writes its whole state to <name>.vmss next to
 * the .vmx (libvmm's vmm_suspend, atomically), records the file in the
 * .vmx as checkpoint.vmState and ends vmx with status 0 and the log line
 * "suspended to <file>".  The next power-on finds the file (through
 * checkpoint.vmState, or <name>.vmss by its name), resumes from it with
 * vmm_create_resume instead of booting, then deletes it and empties
 * checkpoint.vmState, so the power-on after that boots afresh.
 *
 * A suspend that fails (disk full, say) resumes the VM: it runs on and
 * the requester hears why.
 *
 * Threads: vmx_suspend_request runs on the event thread (control.c) and
 * keeps it busy while the file is written: the VM is paused, so there is
 * nothing else for it to do meanwhile.  The rest runs on the main thread
 * before the VM starts.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "xmalloc.h"
#include "vmx.h"

#define VMX_SUSPEND_KEY		"checkpoint.vmState"
#define VMX_SUSPEND_SUFFIX	".vmss"

static char	*vmx_suspend_default(const struct vmx_conf *);
static char	*vmx_suspend_resolve(const struct vmx_conf *, const char *);
static int	 vmx_suspend_exists(const char *);
static void	 vmx_suspend_set_key(const struct vmx_conf *, const char *);

/* <dir>/<the .vmx's name without .vmx>.vmss */
static char *
vmx_suspend_default(const struct vmx_conf *vc)
{
	char	*copy, *base, *path;
	size_t	 n;

	copy = xstrdup(vc->vc_path);
	base = basename(copy);
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".vmx") == 0)
		base[n - 4] = '\0';
	xasprintf(&path, "%s/%s%s", vc->vc_dir, base, VMX_SUSPEND_SUFFIX);
	free(copy);
	return (path);
}

/* A checkpoint.vmState value: relative names are next to the .vmx. */
static char *
vmx_suspend_resolve(const struct vmx_conf *vc, const char *name)
{
	char	*path;

	if (name[0] == '/')
		return (xstrdup(name));
	xasprintf(&path, "%s/%s", vc->vc_dir, name);
	return (path);
}

static int
vmx_suspend_exists(const char *path)
{
	struct stat	st;

	return (stat(path, &st) == 0 && S_ISREG(st.st_mode));
}

char *
vmx_suspend_file(const struct vmx_conf *vc, const struct cfg *cfg)
{
	const char	*v;

	if (cfg != NULL && (v = cfg_get(cfg, VMX_SUSPEND_KEY)) != NULL &&
	    *v != '\0')
		return (vmx_suspend_resolve(vc, v));
	return (vmx_suspend_default(vc));
}

char *
vmx_suspend_resume_file(const struct vmx_conf *vc, const struct cfg *cfg)
{
	const char	*v;
	char		*path;

	if (cfg != NULL && (v = cfg_get(cfg, VMX_SUSPEND_KEY)) != NULL &&
	    *v != '\0') {
		path = vmx_suspend_resolve(vc, v);
		if (vmx_suspend_exists(path))
			return (path);
		log_warnx("%s names %s, which does not exist", VMX_SUSPEND_KEY,
		    path);
		free(path);
	}
	path = vmx_suspend_default(vc);
	if (vmx_suspend_exists(path))
		return (path);
	free(path);
	return (NULL);
}

/* checkpoint.vmState in the .vmx (the rest of it unchanged). */
static void
vmx_suspend_set_key(const struct vmx_conf *vc, const char *value)
{
	struct cfg	*cfg;
	char		*why = NULL;

	if ((cfg = cfg_load(vc->vc_path, &why)) == NULL) {
		log_warnx("cannot update %s: %s", VMX_SUSPEND_KEY, why);
		free(why);
		return;
	}
	cfg_set(cfg, VMX_SUSPEND_KEY, value);
	if (cfg_save(cfg, vc->vc_path, &why) != 0) {
		log_warnx("cannot update %s: %s", VMX_SUSPEND_KEY, why);
		free(why);
	}
	cfg_free(cfg);
}

void
vmx_suspend_forget(const struct vmx_conf *vc, const struct cfg *cfg,
    const char *path)
{
	if (unlink(path) != 0)
		log_warn("cannot remove %s after resuming", path);
	if (cfg != NULL && cfg_get(cfg, VMX_SUSPEND_KEY) != NULL)
		vmx_suspend_set_key(vc, "");
}

int
vmx_suspend_request(struct vmx *vx, char **cause)
{
	struct timespec	 t0, t1;
	const char	*name = vx->vx_vmss;
	size_t		 n = strlen(vx->vx_conf->vc_dir);
	int		 paused;

	if (atomic_load(&vx->vx_suspended)) {
		xasprintf(cause, "already suspended");
		errno = EALREADY;
		return (-1);
	}
	paused = vmm_is_paused(vx->vx_vmm);
	if (!paused && vmm_pause(vx->vx_vmm) != 0) {
		xasprintf(cause, "cannot pause the VM: %s", strerror(errno));
		return (-1);
	}
	log_info("suspending to %s", vx->vx_vmss);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vmm_suspend(vx->vx_vmm, vx->vx_vmss, cause) != 0) {
		log_warnx("suspend failed: %s", *cause);
		if (!paused && vmm_resume(vx->vx_vmm) != 0)
			log_warn("cannot resume the VM");
		else if (!paused)
			log_info("the VM runs on");
		errno = EIO;
		return (-1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("state written in %.3f s",
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	/* VMware's key holds the file's name, relative to the .vmx. */
	if (strncmp(name, vx->vx_conf->vc_dir, n) == 0 && name[n] == '/')
		name += n + 1;
	vmx_suspend_set_key(vx->vx_conf, name);
	atomic_store(&vx->vx_suspended, 1);
	vmm_stop(vx->vx_vmm);
	return (0);
}
