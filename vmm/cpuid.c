/* SPDX-License-Identifier: ISC */
/*
 * What each vCPU sees from CPUID: KVM's supported list, edited for the
 * VM's shape and the host.  The editing (cpuid_filter) is a pure function
 * on an array of entries, so tests run it on made-up input without KVM.
 *
 * Topology: N vCPUs are N cores of one package, one thread per core, APIC
 * id = vCPU index.  Leaf 1 carries the APIC id and count, leaf 4 the cores
 * per package and who shares each cache, leaf 0xB is written from scratch
 * (0x1F is dropped, so guests fall back to 0xB).
 *
 * On PVM (reference §7) the guest's CPL0 code runs in KVM's instruction
 * emulator, which cannot do CMPXCHG16B, XSAVE or any AVX form, though the
 * host advertises some of them: those bits are hidden so guest kernels take
 * their fallbacks.
 */

#include "config.h"

#include <sys/ioctl.h>

#include <linux/kvm.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"

/* Leaf 1. */
#define CPUID_1_ECX_FMA		(1U << 12)
#define CPUID_1_ECX_CX16	(1U << 13)
#define CPUID_1_ECX_XSAVE	(1U << 26)
#define CPUID_1_ECX_OSXSAVE	(1U << 27)
#define CPUID_1_ECX_AVX		(1U << 28)
#define CPUID_1_ECX_F16C	(1U << 29)
#define CPUID_1_ECX_HYPERVISOR	(1U << 31)
#define CPUID_1_EDX_HTT		(1U << 28)
/* Leaf 7 subleaf 0: AVX2 and the AVX-512 family, VAES/VPCLMULQDQ (VEX
 * and EVEX forms). */
#define CPUID_7_EBX_AVX		((1U << 5) | (1U << 16) | (1U << 17) | \
				    (1U << 21) | (1U << 26) | (1U << 27) | \
				    (1U << 28) | (1U << 30) | (1U << 31))
#define CPUID_7_ECX_AVX		((1U << 1) | (1U << 6) | (1U << 9) | \
				    (1U << 10) | (1U << 11) | (1U << 12) | \
				    (1U << 14))
#define CPUID_7_EDX_AVX		((1U << 2) | (1U << 3) | (1U << 8) | \
				    (1U << 23))
/* Leaf 7 subleaf 1: AVX-VNNI, AVX512_BF16. */
#define CPUID_71_EAX_AVX	((1U << 4) | (1U << 5))
/* Leaf 0x80000001: XOP, FMA4 (AMD's VEX extensions). */
#define CPUID_E1_ECX_AVX	((1U << 11) | (1U << 16))

/* Leaf 0xB level types. */
#define CPUID_B_SMT		1
#define CPUID_B_CORE		2

static void	cpuid_edit(struct kvm_cpuid_entry2 *,
		    const struct cpuid_topo *);
static size_t	cpuid_add_topology(struct kvm_cpuid_entry2 *, size_t,
		    size_t, const struct cpuid_topo *);
static int	cpuid_drop(const struct kvm_cpuid_entry2 *,
		    const struct cpuid_topo *);

struct kvm_cpuid2 *
cpuid_supported(int kvmfd)
{
	struct kvm_cpuid2	*c;
	uint32_t		 n;

	for (n = 64; n <= 4096; n *= 2) {
		c = xcalloc(1, sizeof *c + n * sizeof c->entries[0]);
		c->nent = n;
		if (ioctl(kvmfd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return (c);
		free(c);
		if (errno != E2BIG)
			return (NULL);
	}
	errno = E2BIG;
	return (NULL);
}

/* 1 for entries the filter leaves out. */
static int
cpuid_drop(const struct kvm_cpuid_entry2 *e, const struct cpuid_topo *t)
{
	/* Written from scratch, or (0x1F) left for 0xB to answer. */
	if (e->function == 0xb || e->function == 0x1f)
		return (1);
	/* XSAVE state components mean nothing without XSAVE. */
	if (t->ct_pvm && e->function == 0xd)
		return (1);
	return (0);
}

/* One entry, edited in place. */
static void
cpuid_edit(struct kvm_cpuid_entry2 *e, const struct cpuid_topo *t)
{
	uint32_t	ncpus, sharing;

	ncpus = t->ct_ncpus == 0 ? 1 : t->ct_ncpus;
	switch (e->function) {
	case 1:
		e->ecx |= CPUID_1_ECX_HYPERVISOR;
		/* EBX: APIC id [31:24], logical processors [23:16]. */
		e->ebx &= 0x0000ffffU;
		e->ebx |= (t->ct_apic_id & 0xffU) << 24;
		e->ebx |= (ncpus > 255 ? 255U : ncpus) << 16;
		if (ncpus > 1)
			e->edx |= CPUID_1_EDX_HTT;
		else
			e->edx &= ~CPUID_1_EDX_HTT;
		if (t->ct_pvm)
			e->ecx &= ~(CPUID_1_ECX_CX16 | CPUID_1_ECX_XSAVE |
			    CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX |
			    CPUID_1_ECX_FMA | CPUID_1_ECX_F16C);
		break;
	case 4:
		/* Type 0 marks the end of the cache list. */
		if ((e->eax & 0x1f) == 0)
			break;
		/* [25:14] threads sharing this cache - 1 (L1 and L2 are per
		 * core, L3 is the package's); [31:26] cores - 1. */
		sharing = ((e->eax >> 5) & 7) >= 3 ? ncpus : 1;
		if (sharing > 4096)
			sharing = 4096;
		e->eax &= 0x3fffU;
		e->eax |= ((sharing - 1) & 0xfffU) << 14;
		e->eax |= ((ncpus > 64 ? 64U : ncpus) - 1) << 26;
		break;
	case 7:
		if (!t->ct_pvm)
			break;
		if (e->index == 0) {
			e->ebx &= ~CPUID_7_EBX_AVX;
			e->ecx &= ~CPUID_7_ECX_AVX;
			e->edx &= ~CPUID_7_EDX_AVX;
		} else if (e->index == 1)
			e->eax &= ~CPUID_71_EAX_AVX;
		break;
	case 0x80000001:
		if (t->ct_pvm)
			e->ecx &= ~CPUID_E1_ECX_AVX;
		break;
	}
}

/* Leaf 0xB, subleaves 0 (threads), 1 (cores) and 2 (end). */
static size_t
cpuid_add_topology(struct kvm_cpuid_entry2 *out, size_t n, size_t max,
    const struct cpuid_topo *t)
{
	struct kvm_cpuid_entry2	*e;
	uint32_t		 ncpus, shift, i;

	ncpus = t->ct_ncpus == 0 ? 1 : t->ct_ncpus;
	for (shift = 0; (1U << shift) < ncpus; shift++)
		continue;
	for (i = 0; i < 3 && n < max; i++, n++) {
		e = &out[n];
		memset(e, 0, sizeof *e);
		e->function = 0xb;
		e->index = i;
		e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
		e->edx = t->ct_apic_id;
		e->ecx = i;
		switch (i) {
		case 0:
			e->eax = 0;
			e->ebx = 1;
			e->ecx |= CPUID_B_SMT << 8;
			break;
		case 1:
			e->eax = shift;
			e->ebx = ncpus;
			e->ecx |= CPUID_B_CORE << 8;
			break;
		}
	}
	return (n);
}

size_t
cpuid_filter(const struct kvm_cpuid_entry2 *in, size_t nin,
    struct kvm_cpuid_entry2 *out, size_t max, const struct cpuid_topo *t)
{
	size_t		i, n = 0;
	uint32_t	maxleaf = 0;

	for (i = 0; i < nin; i++) {
		if (in[i].function == 0)
			maxleaf = in[i].eax;
		if (cpuid_drop(&in[i], t))
			continue;
		if (n == max)
			break;
		out[n] = in[i];
		cpuid_edit(&out[n], t);
		n++;
	}
	if (maxleaf >= 0xb)
		n = cpuid_add_topology(out, n, max, t);
	return (n);
}

int
cpuid_set_vcpu(struct vmm *vmm, struct vcpu *vc)
{
	struct kvm_cpuid2	*c;
	struct cpuid_topo	 t;
	size_t			 max;
	int			 r;

	memset(&t, 0, sizeof t);
	t.ct_apic_id = vc->vc_id;
	t.ct_ncpus = vmm->vm_params.vp_ncpus;
	t.ct_pvm = vmm->vm_pvm;
	max = vmm->vm_cpuid->nent + 3;
	c = xcalloc(1, sizeof *c + max * sizeof c->entries[0]);
	c->nent = (uint32_t)cpuid_filter(vmm->vm_cpuid->entries,
	    vmm->vm_cpuid->nent, c->entries, max, &t);
	r = ioctl(vc->vc_fd, KVM_SET_CPUID2, c);
	free(c);
	return (r == -1 ? -1 : 0);
}
