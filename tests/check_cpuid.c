/* SPDX-License-Identifier: ISC */
/*
 * The CPUID filter as a pure function on a made-up "supported" list: the
 * hypervisor bit, APIC id and counts in leaf 1, cache sharing in leaf 4,
 * leaf 0xB written for N cores, 0x1F dropped, and on PVM the features its
 * emulator cannot run (CX16, XSAVE, AVX family) hidden while others stay.
 * No /dev/kvm needed.
 */

#include "config.h"

#include <linux/kvm.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "vmm-int.h"

#define NIN	12

static size_t	 check_cpuid_input(struct kvm_cpuid_entry2 *);
static const struct kvm_cpuid_entry2 *check_cpuid_find(
		    const struct kvm_cpuid_entry2 *, size_t, uint32_t,
		    uint32_t);
static Suite	*check_cpuid_suite(void);

/* A host list shaped like KVM_GET_SUPPORTED_CPUID's. */
static size_t
check_cpuid_input(struct kvm_cpuid_entry2 *e)
{
	size_t	n = 0;

	memset(e, 0, NIN * sizeof *e);
	e[n].function = 0;
	e[n++].eax = 0x1f;
	e[n].function = 1;
	e[n].ebx = 0x07100800;		/* apic 7, 16 logical, clflush 8 */
	e[n].ecx = (1U << 13) | (1U << 26) | (1U << 28) | (1U << 0) |
	    (1U << 12) | (1U << 29);	/* CX16 XSAVE AVX SSE3 FMA F16C */
	e[n++].edx = (1U << 28) | (1U << 25);	/* HTT SSE */
	e[n].function = 4;
	e[n].index = 0;
	e[n].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e[n++].eax = 0xfc004121;	/* L1d: type 1, level 1, 63 cores */
	e[n].function = 4;
	e[n].index = 1;
	e[n].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e[n++].eax = 0xfc0fc163;	/* L3: type 3, level 3 */
	e[n].function = 4;
	e[n].index = 2;
	e[n++].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;	/* end */
	e[n].function = 7;
	e[n].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e[n++].ebx = (1U << 0) | (1U << 5) | (1U << 16) | (1U << 9);
	e[n].function = 0xb;
	e[n].index = 0;
	e[n].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e[n++].ebx = 2;			/* the host's topology */
	e[n].function = 0xd;
	e[n++].eax = 7;
	e[n].function = 0x1f;
	e[n++].ebx = 2;
	e[n].function = 0x40000000;
	e[n++].ebx = 0x4b4d564b;	/* "KVMK" */
	e[n].function = 0x80000001;
	e[n++].ecx = (1U << 16) | (1U << 0);	/* FMA4, LAHF */
	return (n);
}

static const struct kvm_cpuid_entry2 *
check_cpuid_find(const struct kvm_cpuid_entry2 *e, size_t n, uint32_t fn,
    uint32_t idx)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (e[i].function == fn && e[i].index == idx)
			return (&e[i]);
	return (NULL);
}

START_TEST(cpuid_pvm_hides)
{
	struct kvm_cpuid_entry2		 in[NIN], out[NIN + 3];
	const struct kvm_cpuid_entry2	*e;
	struct cpuid_topo		 t = { 2, 4, 1 };
	size_t				 nin, n;

	nin = check_cpuid_input(in);
	n = cpuid_filter(in, nin, out, NIN + 3, &t);

	e = check_cpuid_find(out, n, 1, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->ecx & (1U << 13), 0);	/* CX16 */
	ck_assert_uint_eq(e->ecx & (1U << 26), 0);	/* XSAVE */
	ck_assert_uint_eq(e->ecx & (1U << 28), 0);	/* AVX */
	ck_assert_uint_eq(e->ecx & (1U << 12), 0);	/* FMA */
	ck_assert_uint_ne(e->ecx & (1U << 0), 0);	/* SSE3 stays */
	ck_assert_uint_ne(e->ecx & (1U << 31), 0);	/* hypervisor */
	ck_assert_uint_eq(e->ebx >> 24, 2);		/* APIC id */
	ck_assert_uint_eq((e->ebx >> 16) & 0xff, 4);	/* logical count */
	ck_assert_uint_eq((e->ebx >> 8) & 0xff, 8);	/* clflush kept */
	ck_assert_uint_ne(e->edx & (1U << 28), 0);	/* HTT, 4 CPUs */
	ck_assert_uint_ne(e->edx & (1U << 25), 0);

	e = check_cpuid_find(out, n, 7, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->ebx, (1U << 0) | (1U << 9));	/* no AVX2/512 */
	e = check_cpuid_find(out, n, 0x80000001, 0);
	ck_assert_uint_eq(e->ecx, 1);			/* no FMA4 */
	/* XSAVE leaf and 0x1F gone; KVM's signature kept. */
	ck_assert_ptr_null(check_cpuid_find(out, n, 0xd, 0));
	ck_assert_ptr_null(check_cpuid_find(out, n, 0x1f, 0));
	e = check_cpuid_find(out, n, 0x40000000, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->ebx, 0x4b4d564b);
}
END_TEST

START_TEST(cpuid_native_keeps)
{
	struct kvm_cpuid_entry2		 in[NIN], out[NIN + 3];
	const struct kvm_cpuid_entry2	*e;
	struct cpuid_topo		 t = { 0, 1, 0 };
	size_t				 nin, n;

	nin = check_cpuid_input(in);
	n = cpuid_filter(in, nin, out, NIN + 3, &t);
	e = check_cpuid_find(out, n, 1, 0);
	ck_assert_uint_ne(e->ecx & (1U << 13), 0);
	ck_assert_uint_ne(e->ecx & (1U << 28), 0);
	ck_assert_uint_ne(e->ecx & (1U << 31), 0);
	ck_assert_uint_eq(e->ebx >> 24, 0);
	ck_assert_uint_eq((e->ebx >> 16) & 0xff, 1);
	ck_assert_uint_eq(e->edx & (1U << 28), 0);	/* one CPU: no HTT */
	ck_assert_ptr_nonnull(check_cpuid_find(out, n, 0xd, 0));
	e = check_cpuid_find(out, n, 7, 0);
	ck_assert_uint_ne(e->ebx & (1U << 5), 0);
}
END_TEST

START_TEST(cpuid_topology)
{
	struct kvm_cpuid_entry2		 in[NIN], out[NIN + 3];
	const struct kvm_cpuid_entry2	*e;
	struct cpuid_topo		 t = { 5, 6, 0 };
	size_t				 nin, n, i, nb = 0;

	nin = check_cpuid_input(in);
	n = cpuid_filter(in, nin, out, NIN + 3, &t);
	/* Host's single 0xB entry replaced by three of ours. */
	for (i = 0; i < n; i++)
		if (out[i].function == 0xb)
			nb++;
	ck_assert_uint_eq(nb, 3);
	e = check_cpuid_find(out, n, 0xb, 0);
	ck_assert_uint_eq(e->eax, 0);
	ck_assert_uint_eq(e->ebx, 1);
	ck_assert_uint_eq((e->ecx >> 8) & 0xff, 1);	/* SMT level */
	ck_assert_uint_eq(e->edx, 5);
	ck_assert_uint_eq(e->flags, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	e = check_cpuid_find(out, n, 0xb, 1);
	ck_assert_uint_eq(e->eax, 3);			/* 6 ids need 3 bits */
	ck_assert_uint_eq(e->ebx, 6);
	ck_assert_uint_eq(e->ecx, 1 | (2 << 8));	/* core level */
	e = check_cpuid_find(out, n, 0xb, 2);
	ck_assert_uint_eq(e->ebx, 0);
	ck_assert_uint_eq((e->ecx >> 8) & 0xff, 0);	/* end */

	/* Leaf 4: 6 cores; L1 per core, L3 shared by all. */
	e = check_cpuid_find(out, n, 4, 0);
	ck_assert_uint_eq(e->eax >> 26, 5);
	ck_assert_uint_eq((e->eax >> 14) & 0xfff, 0);
	ck_assert_uint_eq(e->eax & 0x3fff, 0x0121);
	e = check_cpuid_find(out, n, 4, 1);
	ck_assert_uint_eq(e->eax >> 26, 5);
	ck_assert_uint_eq((e->eax >> 14) & 0xfff, 5);
	e = check_cpuid_find(out, n, 4, 2);
	ck_assert_uint_eq(e->eax, 0);
}
END_TEST

START_TEST(cpuid_room)
{
	struct kvm_cpuid_entry2	in[NIN], out[NIN + 3];
	struct cpuid_topo	t = { 0, 2, 1 };
	size_t			nin, n;

	nin = check_cpuid_input(in);
	memset(out, 0xee, sizeof out);
	/* Never past max, however small. */
	n = cpuid_filter(in, nin, out, 3, &t);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[3].function, 0xeeeeeeee);
	ck_assert_uint_eq(cpuid_filter(in, nin, out, 0, &t), 0);
	/* A list whose max leaf is below 0xB gets no topology leaf. */
	in[0].eax = 0xa;
	n = cpuid_filter(in, nin, out, NIN + 3, &t);
	ck_assert_ptr_null(check_cpuid_find(out, n, 0xb, 0));
}
END_TEST

static Suite *
check_cpuid_suite(void)
{
	Suite	*s = suite_create("cpuid");
	TCase	*tc;

	tc = tcase_create("filter");
	tcase_add_test(tc, cpuid_pvm_hides);
	tcase_add_test(tc, cpuid_native_keeps);
	tcase_add_test(tc, cpuid_topology);
	tcase_add_test(tc, cpuid_room);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_cpuid_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
