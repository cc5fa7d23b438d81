/* SPDX-License-Identifier: ISC */
/*
 * The VM-wide half of /dev/kvm: opening it, checking the API version and
 * every capability the monitor relies on (a missing one is named in the
 * cause, so the person reading it knows what the host lacks), creating the
 * VM with its TSS and identity-map pages, the split irqchip (LAPICs in
 * the kernel; PIC, IOAPIC and PIT are vmm devices), and registering guest
 * RAM as memory slots.  The order follows what KVM requires: identity map
 * and irqchip before any vCPU exists.  Also the PVM detection of
 * vmm_host_is_pvm(), which only reads sysfs and /proc.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/kvm.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"

#define KVM_DEV		"/dev/kvm"

/* Memory slots: RAM below the hole and RAM above 4 GiB. */
#define KVM_SLOT_LOW	0
#define KVM_SLOT_HIGH	1

static int	kvm_check_caps(struct vmm *, char **);
static int	kvm_set_slot(struct vmm *, uint32_t, uint64_t, uint64_t,
		    void *, char **);
static int	kvm_cpuinfo_flag(const char *, const char *);

/* What the monitor needs, and the name a person can look up. */
static const struct {
	int		 cap;
	const char	*name;
} kvm_caps[] = {
	{ KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP" },
	{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
	{ KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

static int
kvm_check_caps(struct vmm *vmm, char **cause)
{
	size_t	i;
	int	max;

	for (i = 0; i < sizeof kvm_caps / sizeof kvm_caps[0]; i++) {
		if (ioctl(vmm->vm_kvmfd, KVM_CHECK_EXTENSION,
		    kvm_caps[i].cap) <= 0) {
			xasprintf(cause, "%s: capability %s is missing",
			    KVM_DEV, kvm_caps[i].name);
			errno = ENOTSUP;
			return (-1);
		}
	}
	max = ioctl(vmm->vm_kvmfd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl(vmm->vm_kvmfd, KVM_CHECK_EXTENSION,
		    KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4;	/* KVM's documented default */
	if (vmm->vm_params.vp_ncpus > (unsigned int)max) {
		xasprintf(cause, "%u vCPUs requested but this host's KVM "
		    "allows %d", vmm->vm_params.vp_ncpus, max);
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

int
kvm_open(struct vmm *vmm, char **cause)
{
	uint64_t		idmap = VMM_IDENTITY_MAP;
	int			v;

	if ((vmm->vm_kvmfd = open(KVM_DEV, O_RDWR|O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", KVM_DEV, strerror(errno));
		return (-1);
	}
	if ((v = ioctl(vmm->vm_kvmfd, KVM_GET_API_VERSION, 0)) !=
	    KVM_API_VERSION) {
		xasprintf(cause, "%s: API version %d, need %d", KVM_DEV, v,
		    KVM_API_VERSION);
		errno = ENOTSUP;
		return (-1);
	}
	if (kvm_check_caps(vmm, cause) != 0)
		return (-1);
	v = ioctl(vmm->vm_kvmfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (v < (int)sizeof(struct kvm_run)) {
		xasprintf(cause, "%s: KVM_GET_VCPU_MMAP_SIZE: %s", KVM_DEV,
		    v == -1 ? strerror(errno) : "too small");
		return (-1);
	}
	vmm->vm_runsize = (size_t)v;

	/* Creation takes mm-wide locks and can be interrupted on a busy
	 * host; it is safe to retry. */
	do
		vmm->vm_fd = ioctl(vmm->vm_kvmfd, KVM_CREATE_VM, 0);
	while (vmm->vm_fd == -1 && errno == EINTR);
	if (vmm->vm_fd == -1) {
		xasprintf(cause, "%s: KVM_CREATE_VM: %s", KVM_DEV,
		    strerror(errno));
		return (-1);
	}
	if (fcntl(vmm->vm_fd, F_SETFD, FD_CLOEXEC) == -1)
		log_debug("%s: FD_CLOEXEC: %s", __func__, strerror(errno));

	/* Intel needs both for real mode; they must lie outside RAM and MMIO
	 * (vmm-dev.h keeps them at the top of the hole) and the identity map
	 * must be set before the first vCPU. */
	if (ioctl(vmm->vm_fd, KVM_SET_TSS_ADDR,
	    (unsigned long)VMM_TSS_ADDR) == -1) {
		xasprintf(cause, "KVM_SET_TSS_ADDR: %s", strerror(errno));
		return (-1);
	}
	if (ioctl(vmm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) == -1) {
		xasprintf(cause, "KVM_SET_IDENTITY_MAP_ADDR: %s",
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * A split irqchip: the LAPICs (and so HLT, IPIs and the LAPIC timer) stay
 * in the kernel, the IOAPIC, the 8259A pair and the PIT are ours
 * (ioapic.c, i8259.c, i8254.c).  Why not KVM_CREATE_IRQCHIP and
 * KVM_CREATE_PIT2: tearing a VM down costs the kernel an SRCU grace period
 * per in-kernel PIC/IOAPIC bus device, which a user waits for at every
 * power-off.  Measured on this project's host (fork, create VM, 256 MiB
 * slot, one vCPU running one OUT, close; 2 x 10 runs, mean wall of the
 * child), 2026-11-21:
 *
 *	irqchip + PIT2		 9.7-22.1 ms (close alone 8.7-21.0 ms)
 *	irqchip, no PIT2	15.9 ms	    (close 15.1 ms)
 *	split irqchip, 24 pins	 0.9 ms	    (close 0.3 ms)
 *	no irqchip		 1.2-1.3 ms (close 0.5 ms)
 *
 * Dropping the PIT alone saves nothing; only the split irqchip does, and
 * it keeps what matters in the kernel.  Called after the memory slots, as
 * the full irqchip needed (a slot added later waited for a grace period);
 * KVM wants it before the first vCPU.
 */
int
kvm_create_irqchip(struct vmm *vmm, char **cause)
{
	struct kvm_enable_cap	cap;

	memset(&cap, 0, sizeof cap);
	cap.cap = KVM_CAP_SPLIT_IRQCHIP;
	cap.args[0] = VMM_IOAPIC_PINS;	/* GSIs KVM keeps for the IOAPIC */
	if (ioctl(vmm->vm_fd, KVM_ENABLE_CAP, &cap) == -1) {
		xasprintf(cause, "KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP): %s",
		    strerror(errno));
		return (-1);
	}
	return (0);
}

static int
kvm_set_slot(struct vmm *vmm, uint32_t slot, uint64_t gpa, uint64_t size,
    void *host, char **cause)
{
	struct kvm_userspace_memory_region	r;

	memset(&r, 0, sizeof r);
	r.slot = slot;
	r.guest_phys_addr = gpa;
	r.memory_size = size;
	r.userspace_addr = (uint64_t)(uintptr_t)host;
	if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) == -1) {
		xasprintf(cause, "KVM_SET_USER_MEMORY_REGION %#llx+%#llx: %s",
		    (unsigned long long)gpa, (unsigned long long)size,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

int
kvm_map_memory(struct vmm *vmm, char **cause)
{
	struct mem_map	*mm = &vmm->vm_mem;

	if (kvm_set_slot(vmm, KVM_SLOT_LOW, 0, mm->mm_low, mm->mm_host,
	    cause) != 0)
		return (-1);
	if (mm->mm_size > mm->mm_low &&
	    kvm_set_slot(vmm, KVM_SLOT_HIGH, VMM_HIGHMEM_BASE,
	    mm->mm_size - mm->mm_low, mm->mm_host + mm->mm_low, cause) != 0)
		return (-1);
	return (0);
}

void
kvm_close(struct vmm *vmm)
{
	if (vmm->vm_fd != -1)
		close(vmm->vm_fd);
	vmm->vm_fd = -1;
	if (vmm->vm_kvmfd != -1)
		close(vmm->vm_kvmfd);
	vmm->vm_kvmfd = -1;
}

/* 1 if the "flags" line of /proc/cpuinfo has the word flag. */
static int
kvm_cpuinfo_flag(const char *line, const char *flag)
{
	const char	*p = line;
	size_t		 n = strlen(flag);

	while ((p = strstr(p, flag)) != NULL) {
		if ((p == line || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return (1);
		p += n;
	}
	return (0);
}

int
kvm_host_is_pvm(void)
{
	struct stat	 sb;
	FILE		*f;
	char		*line = NULL;
	size_t		 size = 0;
	int		 virt = 0, hyper = 0, seen = 0;

	if (stat("/sys/module/kvm_pvm", &sb) == 0)
		return (1);
	if ((f = fopen("/proc/cpuinfo", "re")) == NULL)
		return (0);
	while (getline(&line, &size, f) != -1) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		seen = 1;
		if (kvm_cpuinfo_flag(line, "vmx") ||
		    kvm_cpuinfo_flag(line, "svm"))
			virt = 1;
		if (kvm_cpuinfo_flag(line, "hypervisor"))
			hyper = 1;
		break;
	}
	free(line);
	fclose(f);
	/* No hardware virtualization inside a VM, yet /dev/kvm is there:
	 * only a software hypervisor such as PVM does that. */
	if (seen && !virt && hyper && access(KVM_DEV, F_OK) == 0)
		return (1);
	return (0);
}

/* Additions: ioeventfd (virtio notifications) ------------------------- */

int
kvm_has_vm(struct vmm *vmm)
{
	return (!vmm->vm_fake && vmm->vm_fd != -1);
}

/*
 * KVM_IOEVENTFD: a guest write of len bytes (any value) to addr in space
 * signals fd inside KVM, with no exit to userspace.  len 0 means any
 * width (needs KVM_CAP_IOEVENTFD_ANY_LENGTH).  assign 0 removes the same
 * registration.
 */
int
kvm_ioeventfd(struct vmm *vmm, enum iotrap_space space, uint64_t addr,
    uint32_t len, int fd, int assign)
{
	struct kvm_ioeventfd	ioev;

	if (!kvm_has_vm(vmm)) {
		errno = ENOTSUP;
		return (-1);
	}
	if (fd < 0 || (len != 0 && len != 1 && len != 2 && len != 4 &&
	    len != 8) || (space != IOTRAP_PIO && space != IOTRAP_MMIO)) {
		errno = EINVAL;
		return (-1);
	}
	memset(&ioev, 0, sizeof ioev);
	ioev.addr = addr;
	ioev.len = len;
	ioev.fd = fd;
	if (space == IOTRAP_PIO)
		ioev.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (!assign)
		ioev.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (ioctl(vmm->vm_fd, KVM_IOEVENTFD, &ioev) == -1)
		return (-1);
	return (0);
}
