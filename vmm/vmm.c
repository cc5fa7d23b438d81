/* SPDX-License-Identifier: ISC */
/*
 * The VM as a whole: creating it (real on /dev/kvm, or fake for unit
 * tests), the run state every vCPU thread reports to, and the requests
 * devices make of the machine.  The parts live in their own files (kvm.c,
 * mem.c, vcpu.c, iotrap.c, irq.c); this file puts them together in order
 * and takes them apart in reverse.
 *
 * Run state: vm_lock guards vm_exit and vm_nrunning, and vm_cond wakes
 * vmm_run when a vCPU thread ended or someone asked the VM to stop.  The
 * first reason recorded (vmm_end) is the one vmm_run reports.
 *
 * Lifecycle control: vmm_pause sets vm_pausing, kicks every vCPU and waits
 * on vm_cond until every live vCPU thread is parked (vcpu.c explains why
 * a parked vCPU is at an instruction boundary); vmm_resume clears the flag
 * and wakes them.  vmm_reset runs with every vCPU parked: every device is
 * reset (the PIC, IOAPIC and PIT first, being devices too), ACPI tables
 * and the kernel are loaded again and the vCPUs are set as at power-on.
 * Guest RAM is otherwise kept, as on a real machine's reset.
 */

#include "config.h"

#include <linux/kvm.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "atomicfile.h"
#include "snapshot.h"
#include "virtio-blk.h"
#include "vmm-int.h"

static struct vmm	*vmm_alloc(const struct vmm_params *, char **);
static int		 vmm_create_devices(struct vmm *, char **);
static void		 vmm_end_locked(struct vmm *, enum vmm_exit_kind, int,
			    int, const char *);
static enum vmm_exit_kind vmm_request_kind(enum vmm_request);
static void		*vmm_dev_find(struct vmm *, const struct vmm_devtype *);
static int		 vmm_reset_parked(struct vmm *, char **);
static void		 vmm_dev_stats_emit(void *, const char *, uint64_t);

/* vmm_dev_stats's adapter from dt_stats's emit to the caller's. */
struct vmm_stats_ctx {
	void		(*sc_emit)(void *, const char *, const char *,
			    uint64_t);
	void		*sc_arg;
	const char	*sc_dev;	/* the device's dt_name */
};

/* Names of the exit kinds, for logs and vmx's messages. */
static const char *const vmm_exit_names[] = {
	[VMM_EXIT_NONE] = "running",
	[VMM_EXIT_POWEROFF] = "powered off",
	[VMM_EXIT_RESET] = "reset",
	[VMM_EXIT_DEBUG] = "debug exit",
	[VMM_EXIT_TRIPLE_FAULT] = "triple fault",
	[VMM_EXIT_EMULATION] = "emulation failure",
	[VMM_EXIT_ERROR] = "error",
	[VMM_EXIT_STOPPED] = "stopped"
};

/* The common part of a real and a fake VM: parameters, locks, RAM. */
static struct vmm *
vmm_alloc(const struct vmm_params *params, char **cause)
{
	struct vmm	*vmm;

	if (params->vp_ncpus < 1 || params->vp_ncpus > VMM_MAX_VCPUS) {
		xasprintf(cause, "%u vCPUs requested, between 1 and %d allowed",
		    params->vp_ncpus, VMM_MAX_VCPUS);
		errno = EINVAL;
		return (NULL);
	}

	vmm = xcalloc(1, sizeof *vmm);
	vmm->vm_params = *params;
	if (params->vp_name != NULL)
		vmm->vm_params.vp_name = xstrdup(params->vp_name);
	if (params->vp_kernel != NULL)
		vmm->vm_params.vp_kernel = xstrdup(params->vp_kernel);
	if (params->vp_initrd != NULL)
		vmm->vm_params.vp_initrd = xstrdup(params->vp_initrd);
	if (params->vp_cmdline != NULL)
		vmm->vm_params.vp_cmdline = xstrdup(params->vp_cmdline);
	vmm->vm_kvmfd = -1;
	vmm->vm_fd = -1;
	vmm->vm_exit.ve_vcpu = -1;
	pthread_mutex_init(&vmm->vm_lock, NULL);
	pthread_cond_init(&vmm->vm_cond, NULL);
	iotrap_init(&vmm->vm_io);
	irq_fake_init(&vmm->vm_irq);
	vmm->vm_vcpus = xcalloc(params->vp_ncpus, sizeof *vmm->vm_vcpus);

	if (mem_init(vmm, params->vp_memsize, cause) != 0) {
		vmm_free(vmm);
		return (NULL);
	}
	return (vmm);
}

struct vmm *
vmm_create_fake(const struct vmm_params *params, char **cause)
{
	struct vmm	*vmm;

	if ((vmm = vmm_alloc(params, cause)) == NULL)
		return (NULL);
	vmm->vm_fake = 1;
	return (vmm);
}

struct vmm *
vmm_create_bare(const struct vmm_params *params, char **cause)
{
	struct vmm	*vmm;
	unsigned int	 i;

	if ((vmm = vmm_alloc(params, cause)) == NULL)
		return (NULL);
	vmm->vm_pvm = vmm_host_is_pvm();
	log_debug("%s: %s, %llu MiB, %u vCPUs%s", __func__,
	    params->vp_name != NULL ? params->vp_name : "vm",
	    (unsigned long long)(params->vp_memsize >> 20), params->vp_ncpus,
	    vmm->vm_pvm ? ", PVM host" : "");
	if (kvm_open(vmm, cause) != 0 || kvm_map_memory(vmm, cause) != 0 ||
	    kvm_create_irqchip(vmm, cause) != 0)
		goto fail;
	if ((vmm->vm_cpuid = cpuid_supported(vmm->vm_kvmfd)) == NULL) {
		xasprintf(cause, "KVM_GET_SUPPORTED_CPUID: %s",
		    strerror(errno));
		goto fail;
	}
	for (i = 0; i < params->vp_ncpus; i++) {
		if ((vmm->vm_vcpus[i] = vcpu_create(vmm, i, cause)) == NULL)
			goto fail;
		vmm->vm_nvcpus++;
	}
	return (vmm);

fail:
	vmm_free(vmm);
	return (NULL);
}

/* Every device of the table the parameters ask for, in table order. */
static int
vmm_create_devices(struct vmm *vmm, char **cause)
{
	const struct vmm_devtype *dt;
	size_t			 i;
	void			*dev;
	char			*why = NULL;

	/* Devices in table order; one that is absent leaves *devp NULL. */
	vmm->vm_devs = xcalloc(vmm_ndevtypes, sizeof *vmm->vm_devs);
	for (i = 0; i < vmm_ndevtypes; i++) {
		dt = vmm_devtypes[i];
		dev = NULL;
		if (dt->dt_create(vmm, &vmm->vm_params, &dev, &why) != 0) {
			xasprintf(cause, "%s: %s", dt->dt_name,
			    why != NULL ? why : "cannot create");
			free(why);
			return (-1);
		}
		if (dev == NULL)
			continue;
		vmm->vm_devs[vmm->vm_ndevs].di_type = dt;
		vmm->vm_devs[vmm->vm_ndevs].di_dev = dev;
		vmm->vm_ndevs++;
	}
	return (0);
}

struct vmm *
vmm_create(const struct vmm_params *params, char **cause)
{
	struct vmm		*vmm;
	struct loader_entry	 le;
	uint64_t		 rsdp = 0;

	if ((vmm = vmm_create_bare(params, cause)) == NULL)
		return (NULL);
	if (vmm->vm_pvm)
		log_info("/dev/kvm is PVM (no VT-x): guest kernel code is "
		    "emulated; CPUID hides CX16, XSAVE and AVX");

	if (vmm_create_devices(vmm, cause) != 0)
		goto fail;

	/* ACPI first: the loader puts the RSDP's address in the zero page
	 * or hvm_start_info. */
	if (acpi_build(vmm, &rsdp, cause) != 0)
		goto fail;
	memset(&le, 0, sizeof le);
	if (loader_load(vmm, &vmm->vm_params, rsdp, &le, cause) != 0)
		goto fail;
	if (vcpu_set_entry(vmm->vm_vcpus[0], &le, cause) != 0)
		goto fail;
	return (vmm);

fail:
	vmm_free(vmm);
	return (NULL);
}

void
vmm_free(struct vmm *vmm)
{
	size_t	i;

	if (vmm == NULL)
		return;

	/* Devices in reverse order of creation. */
	for (i = vmm->vm_ndevs; i > 0; i--) {
		if (vmm->vm_devs[i - 1].di_type->dt_free != NULL)
			vmm->vm_devs[i - 1].di_type->dt_free(
			    vmm->vm_devs[i - 1].di_dev);
	}
	free(vmm->vm_devs);

	/* vmm_run joined every thread before it returned. */
	for (i = vmm->vm_nvcpus; i > 0; i--)
		vcpu_free(vmm->vm_vcpus[i - 1]);
	free(vmm->vm_vcpus);
	free(vmm->vm_cpuid);
	/* The VM goes before the memory its slots point into. */
	kvm_close(vmm);
	mem_clear(vmm);
	irq_fake_clear(&vmm->vm_irq);
	iotrap_clear(&vmm->vm_io);
	pthread_cond_destroy(&vmm->vm_cond);
	pthread_mutex_destroy(&vmm->vm_lock);
	free((char *)vmm->vm_params.vp_name);
	free((char *)vmm->vm_params.vp_kernel);
	free((char *)vmm->vm_params.vp_initrd);
	free((char *)vmm->vm_params.vp_cmdline);
	free(vmm);
}

/* Record why the run ends (first reason wins) and kick every vCPU. */
static void
vmm_end_locked(struct vmm *vmm, enum vmm_exit_kind kind, int code, int vcpu,
    const char *detail)
{
	unsigned int	i;

	if (vmm->vm_exit.ve_kind == VMM_EXIT_NONE) {
		vmm->vm_exit.ve_kind = kind;
		vmm->vm_exit.ve_code = code;
		vmm->vm_exit.ve_vcpu = vcpu;
		if (detail != NULL)
			snprintf(vmm->vm_exit.ve_detail,
			    sizeof vmm->vm_exit.ve_detail, "%s", detail);
		log_debug("%s: %s (code %d, vcpu %d)", __func__,
		    vmm_exit_name(kind), code, vcpu);
	}
	__atomic_store_n(&vmm->vm_stopping, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < vmm->vm_nvcpus; i++)
		vcpu_kick(vmm->vm_vcpus[i]);
	pthread_cond_broadcast(&vmm->vm_cond);
}

void
vmm_end(struct vmm *vmm, enum vmm_exit_kind kind, int code, int vcpu,
    const char *detail)
{
	pthread_mutex_lock(&vmm->vm_lock);
	vmm_end_locked(vmm, kind, code, vcpu, detail);
	pthread_mutex_unlock(&vmm->vm_lock);
}

void
vmm_vcpu_exited(struct vmm *vmm)
{
	pthread_mutex_lock(&vmm->vm_lock);
	vmm->vm_nrunning--;
	pthread_cond_broadcast(&vmm->vm_cond);
	pthread_mutex_unlock(&vmm->vm_lock);
}

int
vmm_run(struct vmm *vmm, struct vmm_exit *exit)
{
	unsigned int	i;
	int		rc = 0, error = 0;

	if (vmm->vm_fake) {
		errno = ENOTSUP;
		return (-1);
	}
	pthread_mutex_lock(&vmm->vm_lock);
	if (vmm->vm_ran) {
		pthread_mutex_unlock(&vmm->vm_lock);
		errno = EBUSY;
		return (-1);
	}
	vmm->vm_ran = 1;
	/* A vmm_stop before the run leaves nothing to start. */
	for (i = 0; i < vmm->vm_nvcpus &&
	    vmm->vm_exit.ve_kind == VMM_EXIT_NONE; i++) {
		if (vcpu_start(vmm->vm_vcpus[i]) != 0) {
			error = errno;
			vmm_end_locked(vmm, VMM_EXIT_ERROR, error, (int)i,
			    "cannot start a vCPU thread");
			rc = -1;
			break;
		}
		vmm->vm_nrunning++;
	}
	while (vmm->vm_exit.ve_kind == VMM_EXIT_NONE)
		pthread_cond_wait(&vmm->vm_cond, &vmm->vm_lock);
	while (vmm->vm_nrunning > 0)
		pthread_cond_wait(&vmm->vm_cond, &vmm->vm_lock);
	pthread_mutex_unlock(&vmm->vm_lock);

	for (i = 0; i < vmm->vm_nvcpus; i++)
		vcpu_join(vmm->vm_vcpus[i]);
	*exit = vmm->vm_exit;
	log_debug("%s: %s", __func__, vmm_exit_name(exit->ve_kind));
	if (rc != 0)
		errno = error;
	return (rc);
}

int
vmm_is_stopping(struct vmm *vmm)
{
	return (__atomic_load_n(&vmm->vm_stopping, __ATOMIC_SEQ_CST));
}

static enum vmm_exit_kind
vmm_request_kind(enum vmm_request req)
{
	switch (req) {
	case VMM_REQ_POWEROFF:
		return (VMM_EXIT_POWEROFF);
	case VMM_REQ_RESET:
		return (VMM_EXIT_RESET);
	case VMM_REQ_DEBUG_EXIT:
		return (VMM_EXIT_DEBUG);
	}
	return (VMM_EXIT_ERROR);
}

void
vmm_request(struct vmm *vmm, enum vmm_request req, int code)
{
	vmm_end(vmm, vmm_request_kind(req), code, -1, NULL);
}

void
vmm_stop(struct vmm *vmm)
{
	vmm_end(vmm, VMM_EXIT_STOPPED, 0, -1, NULL);
}

const struct vmm_params *
vmm_params(struct vmm *vmm)
{
	return (&vmm->vm_params);
}

struct pci_bus *
vmm_pci_bus(struct vmm *vmm)
{
	return (vmm->vm_pcibus);
}

void
vmm_set_pci_bus(struct vmm *vmm, struct pci_bus *bus)
{
	vmm->vm_pcibus = bus;
}

int
vmm_fake_irq_level(struct vmm *vmm, uint32_t gsi)
{
	return (irq_fake_level(vmm, gsi));
}

unsigned int
vmm_fake_irq_edges(struct vmm *vmm, uint32_t gsi)
{
	return (irq_fake_edges(vmm, gsi));
}

unsigned int
vmm_fake_msi(struct vmm *vmm, uint64_t *addr, uint32_t *data)
{
	return (irq_fake_msi(vmm, addr, data));
}

unsigned int
vmm_fake_extint(struct vmm *vmm, int *level)
{
	return (irq_fake_extint(vmm, level));
}

enum vmm_exit_kind
vmm_fake_exit(struct vmm *vmm, int *code)
{
	enum vmm_exit_kind	kind;

	pthread_mutex_lock(&vmm->vm_lock);
	kind = vmm->vm_exit.ve_kind;
	if (code != NULL)
		*code = vmm->vm_exit.ve_code;
	pthread_mutex_unlock(&vmm->vm_lock);
	return (kind);
}

const char *
vmm_exit_name(enum vmm_exit_kind kind)
{
	if ((size_t)kind >= sizeof vmm_exit_names / sizeof vmm_exit_names[0])
		return ("unknown");
	return (vmm_exit_names[kind]);
}

int
vmm_host_is_pvm(void)
{
	return (kvm_host_is_pvm());
}

uint64_t
vmm_exit_stat(struct vmm *vmm, enum vmm_stat kind)
{
	uint64_t	n = 0;
	unsigned int	i;

	if ((unsigned int)kind >= VCPU_NSTATS)
		return (0);
	for (i = 0; i < vmm->vm_nvcpus; i++)
		n += vcpu_stat_get(vmm->vm_vcpus[i], kind);
	return (n);
}

uint64_t
vmm_exit_count(struct vmm *vmm)
{
	return (vmm_exit_stat(vmm, VMM_STAT_IO) +
	    vmm_exit_stat(vmm, VMM_STAT_MMIO) +
	    vmm_exit_stat(vmm, VMM_STAT_OTHER));
}

int
vmm_is_pausing(struct vmm *vmm)
{
	return (__atomic_load_n(&vmm->vm_pausing, __ATOMIC_SEQ_CST));
}

/* The state of the first created device of type dt, or NULL. */
static void *
vmm_dev_find(struct vmm *vmm, const struct vmm_devtype *dt)
{
	size_t	i;

	for (i = 0; i < vmm->vm_ndevs; i++) {
		if (vmm->vm_devs[i].di_type == dt)
			return (vmm->vm_devs[i].di_dev);
	}
	return (NULL);
}

int
vmm_pause(struct vmm *vmm)
{
	unsigned int	i;
	int		error = 0;

	if (vmm->vm_fake) {
		errno = ENOTSUP;
		return (-1);
	}
	pthread_mutex_lock(&vmm->vm_lock);
	if (!vmm->vm_ran || vmm->vm_exit.ve_kind != VMM_EXIT_NONE)
		error = EINVAL;
	else if (vmm_is_pausing(vmm))
		error = EALREADY;
	if (error != 0) {
		pthread_mutex_unlock(&vmm->vm_lock);
		errno = error;
		return (-1);
	}
	__atomic_store_n(&vmm->vm_pausing, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < vmm->vm_nvcpus; i++)
		vcpu_kick(vmm->vm_vcpus[i]);
	while (vmm->vm_nparked < vmm->vm_nrunning &&
	    vmm->vm_exit.ve_kind == VMM_EXIT_NONE)
		pthread_cond_wait(&vmm->vm_cond, &vmm->vm_lock);
	if (vmm->vm_exit.ve_kind != VMM_EXIT_NONE) {
		/* The guest ended meanwhile: nothing is left to pause. */
		__atomic_store_n(&vmm->vm_pausing, 0, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&vmm->vm_cond);
		error = EINVAL;
	}
	pthread_mutex_unlock(&vmm->vm_lock);
	if (error != 0) {
		errno = error;
		return (-1);
	}
	log_debug("%s: %u vCPUs parked", __func__, vmm->vm_nvcpus);
	return (0);
}

int
vmm_resume(struct vmm *vmm)
{
	int	error = 0;

	pthread_mutex_lock(&vmm->vm_lock);
	if (!vmm->vm_ran || vmm->vm_exit.ve_kind != VMM_EXIT_NONE)
		error = EINVAL;
	else if (!vmm_is_pausing(vmm))
		error = EALREADY;
	else {
		__atomic_store_n(&vmm->vm_pausing, 0, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&vmm->vm_cond);
	}
	pthread_mutex_unlock(&vmm->vm_lock);
	if (error != 0) {
		errno = error;
		return (-1);
	}
	return (0);
}

int
vmm_is_paused(struct vmm *vmm)
{
	return (vmm_is_pausing(vmm));
}

/* vmm_reset's work, with no vCPU in KVM_RUN. */
static int
vmm_reset_parked(struct vmm *vmm, char **cause)
{
	struct loader_entry	 le;
	uint64_t		 rsdp = 0;
	unsigned int		 i;
	size_t			 d;

	/* Table order puts the interrupt controllers first: device resets
	 * drive their lines. */
	for (d = 0; d < vmm->vm_ndevs; d++) {
		if (vmm->vm_devs[d].di_type->dt_reset != NULL)
			vmm->vm_devs[d].di_type->dt_reset(
			    vmm->vm_devs[d].di_dev);
	}
	if (acpi_build(vmm, &rsdp, cause) != 0)
		return (-1);
	memset(&le, 0, sizeof le);
	if (loader_load(vmm, &vmm->vm_params, rsdp, &le, cause) != 0)
		return (-1);
	for (i = 0; i < vmm->vm_nvcpus; i++) {
		if (vcpu_reset(vmm->vm_vcpus[i], i == 0 ? &le : NULL,
		    cause) != 0)
			return (-1);
	}
	return (0);
}

int
vmm_reset(struct vmm *vmm)
{
	char	*cause = NULL;
	int	 paused, rc;

	if (vmm->vm_fake) {
		errno = ENOTSUP;
		return (-1);
	}
	paused = vmm_is_paused(vmm);
	if (!paused && vmm_pause(vmm) != 0)
		return (-1);
	rc = vmm_reset_parked(vmm, &cause);
	if (rc != 0) {
		/* Half reset: the guest cannot go on.  End the run. */
		log_warnx("reset: %s", cause);
		vmm_end(vmm, VMM_EXIT_ERROR, EIO, -1, cause);
		free(cause);
		errno = EIO;
		return (-1);
	}
	log_debug("%s: done", __func__);
	if (!paused && vmm_resume(vmm) != 0)
		return (-1);
	return (0);
}

int
vmm_power_button(struct vmm *vmm)
{
	struct acpi_pm	*pm;

	if ((pm = vmm_dev_find(vmm, &acpi_pm_devtype)) == NULL) {
		errno = ENODEV;
		return (-1);
	}
	acpi_pm_power_button(pm);
	return (0);
}

size_t
vmm_console_input(struct vmm *vmm, const void *buf, size_t len)
{
	return (ns8250_input(vmm_dev_find(vmm, &ns8250_devtype), buf, len));
}

void
vmm_set_console_tap(struct vmm *vmm, void (*fn)(void *, const void *,
    size_t), void *arg)
{
	ns8250_set_tap(vmm_dev_find(vmm, &ns8250_devtype), fn, arg);
}

static void
vmm_dev_stats_emit(void *arg, const char *name, uint64_t value)
{
	struct vmm_stats_ctx	*sc = arg;

	sc->sc_emit(sc->sc_arg, sc->sc_dev, name, value);
}

void
vmm_dev_stats(struct vmm *vmm, void (*emit)(void *, const char *,
    const char *, uint64_t), void *arg)
{
	struct vmm_stats_ctx		 sc;
	const struct vmm_devtype	*dt;
	size_t				 i;

	sc.sc_emit = emit;
	sc.sc_arg = arg;
	for (i = 0; i < vmm->vm_ndevs; i++) {
		dt = vmm->vm_devs[i].di_type;
		if (dt->dt_stats == NULL)
			continue;
		sc.sc_dev = dt->dt_name;
		dt->dt_stats(vmm->vm_devs[i].di_dev, vmm_dev_stats_emit, &sc);
	}
}

/* Suspend to disk and resume ------------------------------------------ */

/*
 * The vCPUs must be out of KVM_RUN: parked by vmm_pause, or every thread
 * gone after vmm_run returned.  The file is written next to its final
 * name and renamed over it only when complete (lib/atomicfile.c).
 */
int
vmm_suspend(struct vmm *vmm, const char *path, char **cause)
{
	struct atomicfile	*af;
	char			*why = NULL;
	int			 quiet;

	if (vmm->vm_fake) {
		xasprintf(cause, "a fake VM cannot be suspended");
		errno = ENOTSUP;
		return (-1);
	}
	pthread_mutex_lock(&vmm->vm_lock);
	quiet = vmm->vm_nrunning == 0 ||
	    (vmm_is_pausing(vmm) && vmm->vm_nparked == vmm->vm_nrunning);
	pthread_mutex_unlock(&vmm->vm_lock);
	if (!quiet) {
		xasprintf(cause, "the VM must be paused to be suspended");
		errno = EBUSY;
		return (-1);
	}
	if ((af = atomicfile_open(path, 0600, cause)) == NULL)
		return (-1);
	if (snap_save_vm(vmm, atomicfile_fd(af), &why) != 0) {
		atomicfile_abort(af);
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		errno = EIO;
		return (-1);
	}
	if (atomicfile_commit(af, cause) != 0)
		return (-1);
	log_debug("%s: %s", __func__, path);
	return (0);
}

struct vmm *
vmm_create_resume(const struct vmm_params *params, const char *path,
    char **cause)
{
	struct vmm	*vmm;
	char		*why = NULL;
	int		 fd, error;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if ((vmm = vmm_create_bare(params, cause)) == NULL) {
		close(fd);
		return (NULL);
	}
	/* The devices as vmm_create makes them; RAM (with the boot tables
	 * and the kernel) comes from the file. */
	if (vmm_create_devices(vmm, cause) != 0)
		goto fail;
	if (snap_load_vm(vmm, fd, &why) != 0) {
		error = errno;
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		errno = error;
		goto fail;
	}
	close(fd);
	log_debug("%s: resumed from %s", __func__, path);
	return (vmm);

fail:
	error = errno;
	close(fd);
	vmm_free(vmm);
	errno = error;
	return (NULL);
}

int
vmm_disk_snapshot(struct vmm *vmm, unsigned int i, const char *path,
    char **cause)
{
	size_t	n;

	for (n = 0; n < vmm->vm_ndevs; n++) {
		if (vmm->vm_devs[n].di_type == &virtio_blk_devtype)
			return (virtio_blk_snapshot(vmm->vm_devs[n].di_dev, i,
			    path, cause));
	}
	xasprintf(cause, "no disk %u", i);
	errno = ENOENT;
	return (-1);
}
