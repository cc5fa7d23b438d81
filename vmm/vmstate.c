/* SPDX-License-Identifier: ISC */
/*
 * The state KVM keeps for a VM, read out for a suspend file and put back
 * on resume: per vCPU the registers, special registers, FPU (or XSAVE
 * area), XCRs, MSRs, LAPIC, debug registers, pending events and MP state;
 * per VM kvmclock (the PIC, IOAPIC and PIT are devices of ours and save
 * themselves).  The
 * structures are KVM's x86-64 ABI structs, written as they are (a record's
 * length must match the struct's, which catches a foreign file); MSRs are
 * written as (index, value) pairs.
 *
 * A vCPU section is a list of records: u32 tag, u32 length, the bytes.
 * Optional ones (XSAVE, XCRS, DEBUGREGS, NESTED) are saved when this
 * host's KVM has the capability and applied when the resuming host has it
 * too; the legacy FPU record is always there.  A guest that was running
 * its own hypervisor (nested state beyond the bare header) cannot resume
 * on a host without KVM_CAP_NESTED_STATE (PVM has none): that is refused.
 * MSRs are those KVM_GET_MSR_INDEX_LIST names that KVM_GET_MSRS accepts
 * for this vCPU (some listed ones need a CPUID feature the guest was not
 * given).
 *
 * Restore order, as KVM needs it: CPUID was set when the vCPU was created;
 * then SREGS (mode, control registers) before REGS, XCRs before the XSAVE
 * area, MSRs (APIC base, feature control) before the nested state and
 * the LAPIC, the TSC deadline
 * again after the LAPIC, then events, and the MP state last.
 *
 * On a fake VM (no KVM) the restore side only checks the records, so the
 * fuzzer and the unit tests run the same parser.
 */

#include "config.h"

#include <sys/ioctl.h>

#include <linux/kvm.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"
#include "snapshot.h"

/* vCPU record tags. */
#define VMSTATE_REGS		1
#define VMSTATE_SREGS		2
#define VMSTATE_FPU		3
#define VMSTATE_XSAVE		4
#define VMSTATE_XCRS		5
#define VMSTATE_MSRS		6
#define VMSTATE_LAPIC		7
#define VMSTATE_EVENTS		8
#define VMSTATE_MPSTATE		9
#define VMSTATE_DEBUGREGS	10
#define VMSTATE_NESTED		11	/* a guest hypervisor's state */
#define VMSTATE_NTAGS		12

#define VMSTATE_MSR_MAX		4096	/* MSRs per vCPU we accept */
#define VMSTATE_XSAVE_MAX	(1U << 20)
#define VMSTATE_NESTED_MAX	(1U << 20)
#define VMSTATE_MSR_TSC_DEADLINE 0x6e0

/* One record found in a vCPU section. */
struct vmstate_rec {
	const uint8_t	*vr_data;	/* into the section, NULL: absent */
	uint32_t	 vr_len;
};

static void	vmstate_put(struct snap *, uint32_t, const void *, size_t);
static struct kvm_msrs *vmstate_msr_list(struct vmm *, struct vcpu *);
static int	vmstate_xsave_size(struct vmm *);
static int	vmstate_set_msrs(struct vcpu *, const struct vmstate_rec *,
		    char **);
static int	vmstate_one_msr(struct vcpu *, int, uint32_t, uint64_t *);
static int	vmstate_parse(struct snap *, struct vmstate_rec *, char **);
static void	vmstate_nested_save(struct vcpu *, struct snap *);
static int	vmstate_nested_restore(struct vmm *, struct vcpu *,
		    const struct vmstate_rec *, char **);

static void
vmstate_put(struct snap *s, uint32_t tag, const void *p, size_t len)
{
	snap_put_u32(s, tag);
	snap_put_u32(s, (uint32_t)len);
	snap_put_bytes(s, p, len);
}

/* KVM's XSAVE area size for this VM, 0 without XSAVE. */
static int
vmstate_xsave_size(struct vmm *vmm)
{
	int	n;

	if (ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) <= 0)
		return (0);
	n = ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
	if (n < (int)sizeof(struct kvm_xsave))
		n = (int)sizeof(struct kvm_xsave);
	if (n > (int)VMSTATE_XSAVE_MAX)
		return (0);
	return (n);
}

/*
 * The MSRs to save: KVM_GET_MSR_INDEX_LIST, less those KVM_GET_MSRS
 * refuses for this vCPU (it stops at the first one it cannot read, so the
 * list is tried again without it).  NULL with errno.
 */
static struct kvm_msrs *
vmstate_msr_list(struct vmm *vmm, struct vcpu *vc)
{
	struct kvm_msr_list	 probe, *list;
	struct kvm_msrs		*m;
	uint32_t		 i, n;
	int			 r;

	memset(&probe, 0, sizeof probe);
	if (ioctl(vmm->vm_kvmfd, KVM_GET_MSR_INDEX_LIST, &probe) == -1 &&
	    errno != E2BIG)
		return (NULL);
	n = probe.nmsrs;
	if (n > VMSTATE_MSR_MAX)
		n = VMSTATE_MSR_MAX;
	list = xcalloc(1, sizeof *list + (n + 1) * sizeof list->indices[0]);
	list->nmsrs = n;
	if (n > 0 && ioctl(vmm->vm_kvmfd, KVM_GET_MSR_INDEX_LIST, list) == -1) {
		free(list);
		return (NULL);
	}
	n = list->nmsrs;
	m = xcalloc(1, sizeof *m + (n + 1) * sizeof m->entries[0]);
	for (i = 0; i < n; i++)
		m->entries[i].index = list->indices[i];
	free(list);
	m->nmsrs = n;
	while (m->nmsrs > 0) {
		if ((r = ioctl(vc->vc_fd, KVM_GET_MSRS, m)) == -1) {
			free(m);
			return (NULL);
		}
		if ((uint32_t)r >= m->nmsrs)
			break;
		log_debug("vcpu%u: MSR %#x not readable, not saved",
		    vc->vc_id, m->entries[r].index);
		memmove(&m->entries[r], &m->entries[r + 1],
		    (m->nmsrs - (uint32_t)r - 1) * sizeof m->entries[0]);
		m->nmsrs--;
	}
	return (m);
}

int
vmstate_vcpu_flush(struct vcpu *vc)
{
	uint8_t	old;
	int	rc = 0;

	/*
	 * A port read or MMIO read handed to userspace is finished by KVM
	 * at the next KVM_RUN (the value goes into RAX or memory).  With
	 * immediate_exit set, KVM_RUN does that and returns EINTR at once
	 * without running the guest, so the registers read next are whole.
	 */
	old = __atomic_load_n(&vc->vc_run->immediate_exit, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vc->vc_run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (ioctl(vc->vc_fd, KVM_RUN, 0) == 0 || errno != EINTR)
		rc = -1;
	__atomic_store_n(&vc->vc_run->immediate_exit, old, __ATOMIC_SEQ_CST);
	if (rc == -1 && errno == 0)
		errno = EIO;
	return (rc);
}

int
vmstate_vcpu_save(struct vcpu *vc, struct snap *s, char **cause)
{
	struct vmm		*vmm = vc->vc_vmm;
	struct kvm_regs		 regs;
	struct kvm_sregs	 sregs;
	struct kvm_fpu		 fpu;
	struct kvm_xcrs		 xcrs;
	struct kvm_lapic_state	 lapic;
	struct kvm_vcpu_events	 events;
	struct kvm_mp_state	 mp;
	struct kvm_debugregs	 dbg;
	struct kvm_msrs		*m;
	void			*xsave;
	uint32_t		 i;
	int			 n;
	const char		*what;

	if (vmstate_vcpu_flush(vc) != 0) {
		what = "KVM_RUN (completing I/O)";
		goto fail;
	}
	what = "KVM_GET_SREGS";
	if (ioctl(vc->vc_fd, KVM_GET_SREGS, &sregs) == -1)
		goto fail;
	vmstate_put(s, VMSTATE_SREGS, &sregs, sizeof sregs);
	what = "KVM_GET_REGS";
	if (ioctl(vc->vc_fd, KVM_GET_REGS, &regs) == -1)
		goto fail;
	vmstate_put(s, VMSTATE_REGS, &regs, sizeof regs);
	what = "KVM_GET_FPU";
	if (ioctl(vc->vc_fd, KVM_GET_FPU, &fpu) == -1)
		goto fail;
	vmstate_put(s, VMSTATE_FPU, &fpu, sizeof fpu);
	if ((n = vmstate_xsave_size(vmm)) > 0) {
		xsave = xcalloc(1, (size_t)n);
		if (ioctl(vc->vc_fd, n > (int)sizeof(struct kvm_xsave) ?
		    KVM_GET_XSAVE2 : KVM_GET_XSAVE, xsave) == 0)
			vmstate_put(s, VMSTATE_XSAVE, xsave, (size_t)n);
		else
			log_debug("vcpu%u: KVM_GET_XSAVE: %s", vc->vc_id,
			    strerror(errno));
		free(xsave);
	}
	if (ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0) {
		memset(&xcrs, 0, sizeof xcrs);
		if (ioctl(vc->vc_fd, KVM_GET_XCRS, &xcrs) == 0)
			vmstate_put(s, VMSTATE_XCRS, &xcrs, sizeof xcrs);
	}
	what = "KVM_GET_MSRS";
	if ((m = vmstate_msr_list(vmm, vc)) == NULL)
		goto fail;
	snap_put_u32(s, VMSTATE_MSRS);
	snap_put_u32(s, m->nmsrs * 12);
	for (i = 0; i < m->nmsrs; i++) {
		snap_put_u32(s, m->entries[i].index);
		snap_put_u64(s, m->entries[i].data);
	}
	free(m);
	vmstate_nested_save(vc, s);
	what = "KVM_GET_LAPIC";
	if (ioctl(vc->vc_fd, KVM_GET_LAPIC, &lapic) == -1)
		goto fail;
	vmstate_put(s, VMSTATE_LAPIC, &lapic, sizeof lapic);
	if (ioctl(vc->vc_fd, KVM_GET_DEBUGREGS, &dbg) == 0)
		vmstate_put(s, VMSTATE_DEBUGREGS, &dbg, sizeof dbg);
	what = "KVM_GET_VCPU_EVENTS";
	memset(&events, 0, sizeof events);
	if (ioctl(vc->vc_fd, KVM_GET_VCPU_EVENTS, &events) == -1)
		goto fail;
	vmstate_put(s, VMSTATE_EVENTS, &events, sizeof events);
	what = "KVM_GET_MP_STATE";
	if (ioctl(vc->vc_fd, KVM_GET_MP_STATE, &mp) == -1)
		goto fail;
	vmstate_put(s, VMSTATE_MPSTATE, &mp, sizeof mp);
	return (0);

fail:
	xasprintf(cause, "vcpu%u: %s: %s", vc->vc_id, what, strerror(errno));
	return (-1);
}

/* Split a vCPU section into its records, checking each length. */
static int
vmstate_parse(struct snap *s, struct vmstate_rec *rec, char **cause)
{
	static const size_t	 size[VMSTATE_NTAGS] = {
		[VMSTATE_REGS] = sizeof(struct kvm_regs),
		[VMSTATE_SREGS] = sizeof(struct kvm_sregs),
		[VMSTATE_FPU] = sizeof(struct kvm_fpu),
		[VMSTATE_XCRS] = sizeof(struct kvm_xcrs),
		[VMSTATE_LAPIC] = sizeof(struct kvm_lapic_state),
		[VMSTATE_EVENTS] = sizeof(struct kvm_vcpu_events),
		[VMSTATE_MPSTATE] = sizeof(struct kvm_mp_state),
		[VMSTATE_DEBUGREGS] = sizeof(struct kvm_debugregs)
	};
	static const uint32_t	 need[] = { VMSTATE_REGS, VMSTATE_SREGS,
	    VMSTATE_FPU, VMSTATE_MSRS, VMSTATE_LAPIC, VMSTATE_EVENTS,
	    VMSTATE_MPSTATE };
	uint32_t		 tag, len, i;
	uint8_t			*p;

	memset(rec, 0, VMSTATE_NTAGS * sizeof *rec);
	while (snap_remaining(s) > 0) {
		if (snap_get_u32(s, &tag) != 0 || snap_get_u32(s, &len) != 0 ||
		    len > snap_remaining(s)) {
			xasprintf(cause, "truncated vCPU record");
			return (-1);
		}
		if (tag == 0 || tag >= VMSTATE_NTAGS ||
		    rec[tag].vr_data != NULL) {
			xasprintf(cause, "unknown or repeated vCPU record %u",
			    tag);
			return (-1);
		}
		if ((size[tag] != 0 && len != size[tag]) ||
		    (tag == VMSTATE_MSRS && (len % 12 != 0 ||
		    len / 12 > VMSTATE_MSR_MAX)) ||
		    (tag == VMSTATE_XSAVE && (len < sizeof(struct kvm_xsave) ||
		    len > VMSTATE_XSAVE_MAX)) ||
		    (tag == VMSTATE_NESTED && (len <
		    sizeof(struct kvm_nested_state) ||
		    len > VMSTATE_NESTED_MAX))) {
			xasprintf(cause, "vCPU record %u has %u bytes (a file "
			    "from another architecture or KVM?)", tag, len);
			return (-1);
		}
		/* The reader's bytes are in memory: point at them. */
		p = xmalloc(len == 0 ? 1 : len);
		snap_get_bytes(s, p, len);
		rec[tag].vr_data = p;
		rec[tag].vr_len = len;
	}
	for (i = 0; i < sizeof need / sizeof need[0]; i++) {
		if (rec[need[i]].vr_data == NULL) {
			xasprintf(cause, "vCPU record %u is missing", need[i]);
			return (-1);
		}
	}
	return (0);
}

/* One MSR: KVM_SET_MSRS (set 1) or KVM_GET_MSRS (set 0, into *data). */
static int
vmstate_one_msr(struct vcpu *vc, int set, uint32_t index, uint64_t *data)
{
	struct kvm_msrs	*m;
	int		 rc;

	m = xcalloc(1, sizeof *m + sizeof m->entries[0]);
	m->nmsrs = 1;
	m->entries[0].index = index;
	m->entries[0].data = *data;
	rc = ioctl(vc->vc_fd, set ? KVM_SET_MSRS : KVM_GET_MSRS, m) == 1 ?
	    0 : -1;
	*data = m->entries[0].data;
	free(m);
	return (rc);
}

/*
 * All saved MSRs in one call; KVM stops at the first it refuses, which is
 * then fine if it already holds the saved value (a read-only MSR), else
 * worth a warning, and the rest are set after it.
 */
static int
vmstate_set_msrs(struct vcpu *vc, const struct vmstate_rec *r, char **cause)
{
	struct kvm_msrs		*m;
	uint64_t		 cur;
	uint32_t		 n = r->vr_len / 12, i, start = 0;
	int			 got;

	m = xcalloc(1, sizeof *m + (n + 1) * sizeof m->entries[0]);
	for (i = 0; i < n; i++) {
		memcpy(&m->entries[i].index, r->vr_data + 12 * i, 4);
		memcpy(&m->entries[i].data, r->vr_data + 12 * i + 4, 8);
	}
	while (start < n) {
		m->nmsrs = n - start;
		if (start > 0)
			memmove(&m->entries[0], &m->entries[start],
			    m->nmsrs * sizeof m->entries[0]);
		n = m->nmsrs;
		start = 0;
		if ((got = ioctl(vc->vc_fd, KVM_SET_MSRS, m)) == -1) {
			xasprintf(cause, "vcpu%u: KVM_SET_MSRS: %s",
			    vc->vc_id, strerror(errno));
			free(m);
			return (-1);
		}
		if ((uint32_t)got >= n)
			break;
		cur = 0;
		if (vmstate_one_msr(vc, 0, m->entries[got].index, &cur) != 0 ||
		    cur != m->entries[got].data)
			log_warnx("vcpu%u: MSR %#x could not be restored",
			    vc->vc_id, m->entries[got].index);
		start = (uint32_t)got + 1;
	}
	free(m);
	return (0);
}

int
vmstate_vcpu_restore(struct vmm *vmm, struct vcpu *vc, struct snap *s,
    char **cause)
{
	struct vmstate_rec	 rec[VMSTATE_NTAGS];
	struct kvm_vcpu_events	 ev;
	struct kvm_xcrs		 xcrs;
	void			*xsave;
	uint64_t		 tscd;
	uint32_t		 i;
	int			 n, rc = -1;
	const char		*what;

	if (vmstate_parse(s, rec, cause) != 0)
		goto out;
	if (rec[VMSTATE_XCRS].vr_data != NULL) {
		memcpy(&xcrs, rec[VMSTATE_XCRS].vr_data, sizeof xcrs);
		if (xcrs.nr_xcrs > KVM_MAX_XCRS) {
			xasprintf(cause, "bad XCR count %u", xcrs.nr_xcrs);
			goto out;
		}
	}
	if (vc == NULL || vmm->vm_fake) {
		rc = 0;
		goto out;
	}

	what = "KVM_SET_SREGS";
	if (ioctl(vc->vc_fd, KVM_SET_SREGS, rec[VMSTATE_SREGS].vr_data) == -1)
		goto fail;
	what = "KVM_SET_REGS";
	if (ioctl(vc->vc_fd, KVM_SET_REGS, rec[VMSTATE_REGS].vr_data) == -1)
		goto fail;
	if (rec[VMSTATE_XCRS].vr_data != NULL &&
	    ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0) {
		what = "KVM_SET_XCRS";
		if (ioctl(vc->vc_fd, KVM_SET_XCRS, &xcrs) == -1)
			goto fail;
	}
	what = "KVM_SET_FPU";
	if (ioctl(vc->vc_fd, KVM_SET_FPU, rec[VMSTATE_FPU].vr_data) == -1)
		goto fail;
	/* The XSAVE area holds the FPU too and more; it wins if usable. */
	if (rec[VMSTATE_XSAVE].vr_data != NULL &&
	    (n = vmstate_xsave_size(vmm)) > 0) {
		xsave = xcalloc(1, (size_t)n > rec[VMSTATE_XSAVE].vr_len ?
		    (size_t)n : rec[VMSTATE_XSAVE].vr_len);
		memcpy(xsave, rec[VMSTATE_XSAVE].vr_data,
		    rec[VMSTATE_XSAVE].vr_len);
		if (ioctl(vc->vc_fd, KVM_SET_XSAVE, xsave) == -1)
			log_debug("vcpu%u: KVM_SET_XSAVE: %s; legacy FPU "
			    "state only", vc->vc_id, strerror(errno));
		free(xsave);
	}
	if (vmstate_set_msrs(vc, &rec[VMSTATE_MSRS], cause) != 0)
		goto out;
	if (vmstate_nested_restore(vmm, vc, &rec[VMSTATE_NESTED], cause) != 0)
		goto out;
	what = "KVM_SET_LAPIC";
	if (ioctl(vc->vc_fd, KVM_SET_LAPIC, rec[VMSTATE_LAPIC].vr_data) == -1)
		goto fail;
	/* The deadline only sticks once the LAPIC is in deadline mode. */
	for (i = 0; i < rec[VMSTATE_MSRS].vr_len / 12; i++) {
		memcpy(&n, rec[VMSTATE_MSRS].vr_data + 12 * i, 4);
		if ((uint32_t)n != VMSTATE_MSR_TSC_DEADLINE)
			continue;
		memcpy(&tscd, rec[VMSTATE_MSRS].vr_data + 12 * i + 4, 8);
		if (tscd != 0)
			vmstate_one_msr(vc, 1, VMSTATE_MSR_TSC_DEADLINE,
			    &tscd);
	}
	if (rec[VMSTATE_DEBUGREGS].vr_data != NULL) {
		what = "KVM_SET_DEBUGREGS";
		if (ioctl(vc->vc_fd, KVM_SET_DEBUGREGS,
		    rec[VMSTATE_DEBUGREGS].vr_data) == -1)
			goto fail;
	}
	memcpy(&ev, rec[VMSTATE_EVENTS].vr_data, sizeof ev);
	ev.flags |= KVM_VCPUEVENT_VALID_NMI_PENDING |
	    KVM_VCPUEVENT_VALID_SIPI_VECTOR;
	what = "KVM_SET_VCPU_EVENTS";
	if (ioctl(vc->vc_fd, KVM_SET_VCPU_EVENTS, &ev) == -1)
		goto fail;
	what = "KVM_SET_MP_STATE";
	if (ioctl(vc->vc_fd, KVM_SET_MP_STATE,
	    rec[VMSTATE_MPSTATE].vr_data) == -1)
		goto fail;
	rc = 0;
	goto out;

fail:
	xasprintf(cause, "vcpu%u: %s: %s", vc->vc_id, what, strerror(errno));
out:
	for (i = 0; i < VMSTATE_NTAGS; i++)
		free((void *)(uintptr_t)rec[i].vr_data);
	return (rc);
}

/* KVM_GET_NESTED_STATE, when this host's KVM has it. */
static void
vmstate_nested_save(struct vcpu *vc, struct snap *s)
{
	struct kvm_nested_state	*ns;
	int			 n;

	n = ioctl(vc->vc_vmm->vm_fd, KVM_CHECK_EXTENSION,
	    KVM_CAP_NESTED_STATE);
	if (n < (int)sizeof *ns || n > (int)VMSTATE_NESTED_MAX)
		return;
	ns = xcalloc(1, (size_t)n);
	ns->size = (uint32_t)n;
	if (ioctl(vc->vc_fd, KVM_GET_NESTED_STATE, ns) == 0 &&
	    ns->size >= sizeof *ns && ns->size <= (uint32_t)n)
		vmstate_put(s, VMSTATE_NESTED, ns, ns->size);
	else
		log_debug("vcpu%u: KVM_GET_NESTED_STATE: %s", vc->vc_id,
		    strerror(errno));
	free(ns);
}

static int
vmstate_nested_restore(struct vmm *vmm, struct vcpu *vc,
    const struct vmstate_rec *r, char **cause)
{
	struct kvm_nested_state	hdr;

	if (r->vr_data == NULL)
		return (0);
	memcpy(&hdr, r->vr_data, sizeof hdr);
	if (hdr.size != r->vr_len) {
		xasprintf(cause, "vcpu%u: malformed nested state", vc->vc_id);
		return (-1);
	}
	if (ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE) <= 0) {
		/* Only a guest that never entered VMX/SVM operation fits. */
		if (hdr.flags == 0 && r->vr_len == sizeof hdr &&
		    (hdr.format == KVM_STATE_NESTED_FORMAT_SVM ||
		    hdr.hdr.vmx.vmxon_pa == UINT64_MAX))
			return (0);
		xasprintf(cause, "vcpu%u: the guest runs a hypervisor of its "
		    "own and this host's KVM cannot restore nested state",
		    vc->vc_id);
		return (-1);
	}
	if (ioctl(vc->vc_fd, KVM_SET_NESTED_STATE, r->vr_data) == -1) {
		xasprintf(cause, "vcpu%u: KVM_SET_NESTED_STATE: %s",
		    vc->vc_id, strerror(errno));
		return (-1);
	}
	return (0);
}

int
vmstate_clock_save(struct vmm *vmm, struct snap *s, char **cause)
{
	struct kvm_clock_data	clock;

	memset(&clock, 0, sizeof clock);
	if (ioctl(vmm->vm_fd, KVM_GET_CLOCK, &clock) == -1) {
		xasprintf(cause, "KVM_GET_CLOCK: %s", strerror(errno));
		return (-1);
	}
	snap_put_u64(s, clock.clock);
	return (0);
}

int
vmstate_vm_restore(struct vmm *vmm, uint32_t type, struct snap *s,
    char **cause)
{
	struct kvm_clock_data	clock;
	uint64_t		ns;

	if (type != SNAP_SEC_CLOCK) {
		xasprintf(cause, "unexpected section %u", type);
		return (-1);
	}
	memset(&clock, 0, sizeof clock);
	if (snap_get_u64(s, &ns) != 0 || snap_get_end(s) != 0) {
		xasprintf(cause, "malformed clock state");
		return (-1);
	}
	clock.clock = ns;
	/* Guest time goes on from where it stopped, not from now. */
	if (!vmm->vm_fake && ioctl(vmm->vm_fd, KVM_SET_CLOCK, &clock) == -1) {
		xasprintf(cause, "KVM_SET_CLOCK: %s", strerror(errno));
		return (-1);
	}
	return (0);
}
