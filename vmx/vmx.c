/* SPDX-License-Identifier: ISC */
/*
 * Running one VM: open what the .vmx names (serial port, vmware.log,
 * images), create the VM through libvmm, run it until the guest ends and
 * turn the way it ended into vmx's exit status and the log's last line.
 *
 * Threads: the main thread sits in vmm_run while libvmm runs one thread
 * per vCPU; an event thread runs a libevent base for the signals, the
 * control socket (control.c) and the console (console.c).  That way the
 * main thread owns the VM's life from vmm_create to vmm_free, and every
 * request from a peer is an ordinary callback on the event thread (the
 * libvmm calls they make, vmm_pause and friends, are safe from any
 * thread).  SIGTERM, SIGINT and SIGHUP are blocked in every thread but
 * the event thread, so a signal never interrupts KVM_RUN and its handling
 * is an ordinary callback: TERM and INT stop the VM (vmm_stop is safe
 * from any thread), HUP reopens vmware.log.  Stopping by signal or by
 * request ends in vmm_free, which closes every disk with a final sync.
 *
 * When the run ends the event thread is stopped first; the main thread
 * then tells the control peers how it ended and lets them go.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "cfg.h"
#include "log.h"
#include "xmalloc.h"
#include "vmx.h"

/* What each way of ending means for vmx. */
static const struct {
	enum vmm_exit_kind	 kind;
	int			 status;
	const char		*text;
} vmx_exit_table[] = {
	{ VMM_EXIT_NONE, VMX_EXIT_FAILURE, "error: the VM ended for no "
	    "reason" },
	{ VMM_EXIT_POWEROFF, VMX_EXIT_POWEROFF, "powered off" },
	{ VMM_EXIT_RESET, VMX_EXIT_RESET, "reset" },
	{ VMM_EXIT_DEBUG, 1, "debug exit" },
	{ VMM_EXIT_TRIPLE_FAULT, VMX_EXIT_TRIPLE_FAULT, "triple fault" },
	{ VMM_EXIT_EMULATION, VMX_EXIT_EMULATION, "emulation failure" },
	{ VMM_EXIT_ERROR, VMX_EXIT_FAILURE, "error" },
	{ VMM_EXIT_STOPPED, VMX_EXIT_POWEROFF, "stopped by signal" },
};

static int	vmx_check_image(const char *, const char *, char **);
static int	vmx_serial_open(struct vmx *, char **);
static int	vmx_serial_pty(struct vmx *, char **);
static void	vmx_close(struct vmx *);
static int	vmx_events_start(struct vmx *, char **);
static void	vmx_events_join(struct vmx *);
static void	vmx_events_stop(struct vmx *);
static void	*vmx_events_main(void *);
static void	vmx_signal_cb(evutil_socket_t, short, void *);
static void	vmx_quit_cb(evutil_socket_t, short, void *);
static int	vmx_create_status(int, const char *);
static void	vmx_save_macs(struct vmx_conf *);

/* A kernel or initrd must be a readable, non-empty regular file. */
static int
vmx_check_image(const char *key, const char *path, char **cause)
{
	struct stat	st;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s %s: %s", key, path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "%s %s: %s", key, path, strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s %s: not a regular file", key, path);
		return (-1);
	}
	if (st.st_size == 0) {
		xasprintf(cause, "%s %s: empty file", key, path);
		return (-1);
	}
	return (0);
}

/*
 * A new pseudo-terminal for COM1.  vmx keeps the slave side open too:
 * without a reader the master would report EIO and, once its buffer is
 * full, block the vCPU writing to the UART.  The master is non-blocking
 * and raw, so guest output nobody reads is dropped, never a hang.
 */
static int
vmx_serial_pty(struct vmx *vx, char **cause)
{
	struct termios	 tio;
	const char	*name;
	int		 fd, flags;

	if ((fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    grantpt(fd) == -1 || unlockpt(fd) == -1 ||
	    (name = ptsname(fd)) == NULL) {
		xasprintf(cause, "serial0: cannot allocate a pty: %s",
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	vx->vx_serial_fd = fd;
	vx->vx_pty_name = xstrdup(name);
	vx->vx_pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (vx->vx_pty_slave == -1) {
		xasprintf(cause, "serial0: %s: %s", name, strerror(errno));
		return (-1);
	}
	if (tcgetattr(vx->vx_pty_slave, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(vx->vx_pty_slave, TCSANOW, &tio);
	}
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	vx->vx_params.vp_serial_out = fd;
	vx->vx_params.vp_serial_in = fd;
	return (0);
}

/* Open COM1's destination as serial0.fileType says. */
static int
vmx_serial_open(struct vmx *vx, char **cause)
{
	struct vmx_conf	*vc = vx->vx_conf;
	int		 fd;

	switch (vc->vc_serial) {
	case VMX_SERIAL_NONE:
		return (0);
	case VMX_SERIAL_FILE:
		/* Written by console.c through the tap, which rotates it. */
		fd = open(vc->vc_serial_file,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd == -1)
			break;
		vx->vx_serial_fd = fd;
		return (0);
	case VMX_SERIAL_DEVICE:
		fd = open(vc->vc_serial_file, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd == -1)
			break;
		vx->vx_serial_fd = fd;
		vx->vx_params.vp_serial_out = fd;
		vx->vx_params.vp_serial_in = fd;
		return (0);
	case VMX_SERIAL_PTY:
		if (vmx_serial_pty(vx, cause) != 0)
			return (-1);
		printf("serial0: %s\n", vx->vx_pty_name);
		fflush(stdout);
		return (0);
	case VMX_SERIAL_STDIO:
		vx->vx_params.vp_serial_out = STDOUT_FILENO;
		vx->vx_params.vp_serial_in = STDIN_FILENO;
		return (0);
	}
	xasprintf(cause, "serial0.fileName %s: %s", vc->vc_serial_file,
	    strerror(errno));
	return (-1);
}

static void
vmx_close(struct vmx *vx)
{
	vmx_control_free(vx);
	vmx_console_free(vx);
	if (vx->vx_vmm != NULL)
		vmm_free(vx->vx_vmm);
	vx->vx_vmm = NULL;
	if (vx->vx_serial_fd != -1)
		close(vx->vx_serial_fd);
	vx->vx_serial_fd = -1;
	if (vx->vx_pty_slave != -1)
		close(vx->vx_pty_slave);
	vx->vx_pty_slave = -1;
	free(vx->vx_pty_name);
	vx->vx_pty_name = NULL;
}

static void
vmx_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct vmx	*vx = arg;

	if (sig == SIGHUP) {
		if (log_reopen() != 0)
			log_warn("cannot reopen the log");
		return;
	}
	log_info("received signal %d, stopping the VM", (int)sig);
	atomic_store(&vx->vx_signalled, (int)sig);
	vmm_stop(vx->vx_vmm);
}

/*
 * Activated by vmx_events_stop from the main thread.  Unlike a bare
 * event_base_loopbreak, an activation made before the loop starts is not
 * lost: it waits in the base until the loop runs it.
 */
static void
vmx_quit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct vmx	*vx = arg;

	event_base_loopbreak(vx->vx_base);
}

static void *
vmx_events_main(void *arg)
{
	struct vmx	*vx = arg;
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	event_base_loop(vx->vx_base, EVLOOP_NO_EXIT_ON_EMPTY);
	return (NULL);
}

/* The event thread: signal events on a base of its own. */
static int
vmx_events_start(struct vmx *vx, char **cause)
{
	int	error;

	if (evthread_use_pthreads() != 0 ||
	    (vx->vx_base = event_base_new()) == NULL) {
		xasprintf(cause, "cannot create the event base");
		return (-1);
	}
	vx->vx_ev_term = evsignal_new(vx->vx_base, SIGTERM, vmx_signal_cb, vx);
	vx->vx_ev_int = evsignal_new(vx->vx_base, SIGINT, vmx_signal_cb, vx);
	vx->vx_ev_hup = evsignal_new(vx->vx_base, SIGHUP, vmx_signal_cb, vx);
	vx->vx_ev_quit = event_new(vx->vx_base, -1, 0, vmx_quit_cb, vx);
	if (vx->vx_ev_term == NULL || vx->vx_ev_int == NULL ||
	    vx->vx_ev_hup == NULL || vx->vx_ev_quit == NULL ||
	    evsignal_add(vx->vx_ev_term, NULL) != 0 ||
	    evsignal_add(vx->vx_ev_int, NULL) != 0 ||
	    evsignal_add(vx->vx_ev_hup, NULL) != 0) {
		xasprintf(cause, "cannot set up signal events");
		return (-1);
	}
	if (vmx_console_start(vx, cause) != 0)
		return (-1);
	if (vx->vx_sockpath != NULL && vmx_control_start(vx, cause) != 0)
		return (-1);
	/*
	 * Set before the thread runs: a state request it answers at once
	 * must see the VM running, or hostd hears "off" and waits for a
	 * state event that never comes.
	 */
	vx->vx_thread_started = 1;
	if ((error = pthread_create(&vx->vx_thread, NULL, vmx_events_main,
	    vx)) != 0) {
		vx->vx_thread_started = 0;
		xasprintf(cause, "cannot start the event thread: %s",
		    strerror(error));
		return (-1);
	}
	return (0);
}

/* End the event thread; the base and its events stay. */
static void
vmx_events_join(struct vmx *vx)
{
	if (vx->vx_thread_started) {
		event_active(vx->vx_ev_quit, EV_TIMEOUT, 0);
		pthread_join(vx->vx_thread, NULL);
		vx->vx_thread_started = 0;
	}
}

/* The thread, then everything on the base (control, console), the base. */
static void
vmx_events_stop(struct vmx *vx)
{
	vmx_events_join(vx);
	vmx_control_free(vx);
	vmx_console_free(vx);
	if (vx->vx_ev_term != NULL)
		event_free(vx->vx_ev_term);
	if (vx->vx_ev_int != NULL)
		event_free(vx->vx_ev_int);
	if (vx->vx_ev_hup != NULL)
		event_free(vx->vx_ev_hup);
	if (vx->vx_ev_quit != NULL)
		event_free(vx->vx_ev_quit);
	vx->vx_ev_term = vx->vx_ev_int = vx->vx_ev_hup = NULL;
	vx->vx_ev_quit = NULL;
	if (vx->vx_base != NULL)
		event_base_free(vx->vx_base);
	vx->vx_base = NULL;
}

/*
 * vmm_create's failures caused by the input (an image that is not a
 * kernel, truncated, too big for memsize; a command line too long) are
 * bad input, status 2; the rest (KVM, memory) are the host's.  libvmm
 * words those causes "kernel ...", "initrd ..." and "command line ...".
 */
static int
vmx_create_status(int error, const char *why)
{
	static const char *const	 input[] = {
		"kernel ", "initrd ", "command line", "disk "
	};
	size_t				 i;

	if (error == ENOEXEC || error == EFBIG || error == E2BIG)
		return (VMX_EXIT_USAGE);
	for (i = 0; why != NULL && i < sizeof input / sizeof input[0]; i++) {
		if (strncmp(why, input[i], strlen(input[i])) == 0)
			return (VMX_EXIT_USAGE);
	}
	return (VMX_EXIT_FAILURE);
}

/*
 * NICs whose MAC vmx_conf_create just generated: write it back into the
 * .vmx (the rest of the file unchanged) so the guest sees the same address
 * at every power-on, as VMware does.  A read-only .vmx only costs a
 * warning: the VM runs, with a new address next time.
 */
static void
vmx_save_macs(struct vmx_conf *vc)
{
	struct cfg	*cfg;
	char		*why = NULL, mac[32];
	unsigned int	 i, n = 0;

	for (i = 0; i < vc->vc_nnics; i++) {
		if (!vc->vc_nics[i].cn_generated)
			continue;
		vmx_conf_mac_format(vc->vc_nics[i].cn_mac, mac, sizeof mac);
		log_info("%s: generated MAC address %s",
		    vc->vc_nics[i].cn_name, mac);
		n++;
	}
	if (n == 0)
		return;
	if ((cfg = cfg_load(vc->vc_path, &why)) == NULL) {
		log_warnx("cannot save the generated MAC address: %s", why);
		free(why);
		return;
	}
	vmx_conf_write_macs(vc, cfg);
	if (cfg_save(cfg, vc->vc_path, &why) != 0) {
		log_warnx("cannot save the generated MAC address: %s", why);
		free(why);
	}
	cfg_free(cfg);
}

/* vmx's exit status for the way the guest ended. */
int
vmx_exit_status(const struct vmm_exit *ve)
{
	size_t	i;

	if (ve->ve_kind == VMM_EXIT_DEBUG)
		return (((ve->ve_code & 0x7f) << 1) | 1);
	for (i = 0; i < sizeof vmx_exit_table / sizeof vmx_exit_table[0];
	    i++) {
		if (vmx_exit_table[i].kind == ve->ve_kind)
			return (vmx_exit_table[i].status);
	}
	return (VMX_EXIT_FAILURE);
}

/* The log's last line for the way the guest ended, into buf. */
void
vmx_exit_describe(const struct vmm_exit *ve, char *buf, size_t len)
{
	const char	*text = "error: unknown exit";
	size_t		 i;

	for (i = 0; i < sizeof vmx_exit_table / sizeof vmx_exit_table[0];
	    i++) {
		if (vmx_exit_table[i].kind == ve->ve_kind)
			text = vmx_exit_table[i].text;
	}
	switch (ve->ve_kind) {
	case VMM_EXIT_DEBUG:
		snprintf(buf, len, "%s %d", text, ve->ve_code);
		break;
	case VMM_EXIT_EMULATION:
		snprintf(buf, len, "%s: %s", text, ve->ve_detail[0] != '\0' ?
		    ve->ve_detail : "no registers");
		break;
	case VMM_EXIT_ERROR:
		if (ve->ve_detail[0] != '\0')
			snprintf(buf, len, "%s: %s", text, ve->ve_detail);
		else
			snprintf(buf, len, "%s: %s", text,
			    strerror(ve->ve_code));
		break;
	default:
		snprintf(buf, len, "%s", text);
		break;
	}
}

/*
 * Run the VM vc describes (cfg, the parsed .vmx, is only logged) until the
 * guest ends.  Returns vmx's exit status; for the statuses a person must
 * hear about (2, 6, 8, 10) *cause says why, in one line.
 */
int
vmx_run(struct vmx_conf *vc, const struct cfg *cfg, char **cause)
{
	struct vmx	 vx;
	struct vmm_exit	 ve;
	sigset_t	 set;
	struct timespec	 t0, t1;
	char		 line[1200], *why = NULL, *resume;
	unsigned int	 i;
	int		 status, error;

	memset(&vx, 0, sizeof vx);
	vx.vx_conf = vc;
	vx.vx_params = *vmx_conf_params(vc);
	vx.vx_serial_fd = -1;
	vx.vx_pty_slave = -1;
	vx.vx_listen_fd = -1;
	vx.vx_sockpath = vc->vc_sockpath;
	*cause = NULL;

	/* Every thread created from here on inherits the blocked signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (vmx_log_open(vc, &why) != 0) {
		xasprintf(cause, "%s: %s", vc->vc_path, why);
		free(why);
		return (VMX_EXIT_FAILURE);
	}
	vmx_log_banner(vc, cfg, vmm_host_is_pvm());
	if (vx.vx_sockpath != NULL && vmx_control_listen(&vx, &why) != 0) {
		status = VMX_EXIT_FAILURE;
		goto fail;
	}

	if (vmx_check_image("vireo.kernel", vc->vc_kernel, &why) != 0 ||
	    (vc->vc_initrd != NULL &&
	    vmx_check_image("vireo.initrd", vc->vc_initrd, &why) != 0)) {
		status = VMX_EXIT_USAGE;
		goto fail;
	}
	if (vmx_conf_check_files(vc, &why) != 0) {
		status = VMX_EXIT_USAGE;
		goto fail;
	}
	/* Why an adapter powers on with its link down: ESX says so too. */
	for (i = 0; i < vc->vc_nnics; i++) {
		if (vc->vc_nics[i].cn_disconnected != NULL)
			log_info("%s: disconnected: %s", vc->vc_nics[i].cn_name,
			    vc->vc_nics[i].cn_disconnected);
	}
	vmx_save_macs(vc);
	if (vmx_serial_open(&vx, &why) != 0) {
		status = VMX_EXIT_FAILURE;
		goto fail;
	}
	if (vx.vx_pty_name != NULL)
		log_info("serial0: pty %s", vx.vx_pty_name);
	if (vmx_console_create(&vx, vc->vc_serial == VMX_SERIAL_FILE ?
	    vx.vx_serial_fd : -1, &why) != 0) {
		status = VMX_EXIT_FAILURE;
		goto fail;
	}
	if (vc->vc_serial == VMX_SERIAL_FILE)
		vx.vx_serial_fd = -1;	/* the console's now */

	log_info("powering on");
	errno = 0;
	/* A suspended VM resumes instead of booting (suspend.c). */
	vx.vx_vmss = vmx_suspend_file(vc, cfg);
	if ((resume = vmx_suspend_resume_file(vc, cfg)) != NULL) {
		log_info("resuming from %s", resume);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		vx.vx_vmm = vmm_create_resume(&vx.vx_params, resume, &why);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (vx.vx_vmm != NULL) {
			log_info("state read in %.3f s", (double)(t1.tv_sec -
			    t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) /
			    1e9);
			vmx_suspend_forget(vc, cfg, resume);
		}
		free(resume);
	} else
		vx.vx_vmm = vmm_create(&vx.vx_params, &why);
	if (vx.vx_vmm == NULL) {
		error = errno;
		status = vmx_create_status(error, why);
		if (why == NULL)
			why = xstrdup(strerror(error));
		goto fail;
	}
	if (vmx_events_start(&vx, &why) != 0) {
		status = VMX_EXIT_FAILURE;
		goto fail;
	}

	/* Set up: from here on, the sandbox (sandbox.c). */
	if (vmx_sandbox_enter(vc, vx.vx_base, &why) != 0) {
		status = VMX_EXIT_FAILURE;
		goto fail;
	}

	memset(&ve, 0, sizeof ve);
	vx.vx_boottime = time(NULL);
	if (vmm_run(vx.vx_vmm, &ve) != 0) {
		xasprintf(&why, "cannot run the vCPUs: %s", strerror(errno));
		status = VMX_EXIT_FAILURE;
		goto fail;
	}
	vmx_events_join(&vx);
	vmx_exit_describe(&ve, line, sizeof line);
	status = vmx_exit_status(&ve);
	/* Only the signal callback and a power-off request call vmm_stop. */
	if (ve.ve_kind == VMM_EXIT_STOPPED &&
	    atomic_load(&vx.vx_poweroff_req) != 0)
		snprintf(line, sizeof line, "powered off by request");
	else if (ve.ve_kind == VMM_EXIT_STOPPED &&
	    atomic_load(&vx.vx_suspended) != 0)
		snprintf(line, sizeof line, "suspended to %s", vx.vx_vmss);
	else if (ve.ve_kind == VMM_EXIT_STOPPED &&
	    atomic_load(&vx.vx_signalled) == 0)
		log_info("stopped without a signal");
	vmx_control_finish(&vx, status, line, ve.ve_kind ==
	    VMM_EXIT_EMULATION || ve.ve_kind == VMM_EXIT_TRIPLE_FAULT ||
	    ve.ve_kind == VMM_EXIT_ERROR || ve.ve_kind == VMM_EXIT_NONE);
	vmx_events_stop(&vx);
	vmx_close(&vx);
	free(vx.vx_vmss);

	switch (ve.ve_kind) {
	case VMM_EXIT_EMULATION:
		log_warnx("%s", line);
		xasprintf(cause, "%s: emulation failure (registers in the "
		    "log)", vc->vc_path);
		break;
	case VMM_EXIT_TRIPLE_FAULT:
		log_warnx("%s", line);
		xasprintf(cause, "%s: %s", vc->vc_path, line);
		break;
	case VMM_EXIT_ERROR:
	case VMM_EXIT_NONE:
		log_warnx("%s", line);
		xasprintf(cause, "%s: %s", vc->vc_path, line);
		break;
	default:
		log_info("%s", line);
		break;
	}
	return (status);

fail:
	vmx_events_stop(&vx);
	vmx_close(&vx);
	free(vx.vx_vmss);
	log_warnx("error: %s", why);
	xasprintf(cause, "%s: %s", vc->vc_path, why);
	free(why);
	return (status);
}
