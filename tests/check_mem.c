/* SPDX-License-Identifier: ISC */
/*
 * Guest RAM on fake VMs: the layout around the 3 GiB hole for small, exact
 * and large sizes (RAM is MAP_NORESERVE, so 5 GiB costs nothing until
 * touched), that every guest-physical range is checked against RAM with no
 * wrap-around, and that copies in and out land where mem_gpa says.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "vmm-dev.h"

#define MiB	(1024ULL * 1024)
#define GiB	(1024ULL * MiB)

static struct vmm *check_mem_vm(uint64_t);
static Suite	*check_mem_suite(void);

static struct vmm *
check_mem_vm(uint64_t memsize)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_name = "mem";
	p.vp_memsize = memsize;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(vmm != NULL, "vmm_create_fake: %s", cause);
	return (vmm);
}

START_TEST(mem_layout_64m)
{
	struct vmm	*vmm = check_mem_vm(64 * MiB);
	uint8_t		*p, *q;

	ck_assert_uint_eq(mem_size(vmm), 64 * MiB);
	ck_assert_uint_eq(mem_lowmem_end(vmm), 64 * MiB);
	p = mem_gpa(vmm, 0, 64 * MiB);
	ck_assert_ptr_nonnull(p);
	q = mem_gpa(vmm, 64 * MiB - 1, 1);
	ck_assert_ptr_eq(q, p + 64 * MiB - 1);
	errno = 0;
	ck_assert_ptr_null(mem_gpa(vmm, 64 * MiB, 1));
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_ptr_null(mem_gpa(vmm, 64 * MiB - 1, 2));
	ck_assert_ptr_null(mem_gpa(vmm, 0, 64 * MiB + 1));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE, 1));
	vmm_free(vmm);
}
END_TEST

START_TEST(mem_layout_3g)
{
	struct vmm	*vmm = check_mem_vm(3 * GiB);
	uint8_t		*p;

	ck_assert_uint_eq(mem_size(vmm), 3 * GiB);
	ck_assert_uint_eq(mem_lowmem_end(vmm), VMM_LOWMEM_END);
	p = mem_gpa(vmm, 0, VMM_LOWMEM_END);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(mem_gpa(vmm, VMM_LOWMEM_END, 1));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE, 1));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_LAPIC_BASE, 4));
	vmm_free(vmm);
}
END_TEST

START_TEST(mem_layout_5g)
{
	struct vmm	*vmm = check_mem_vm(5 * GiB);
	uint8_t		*lo, *hi;
	uint64_t	 high = 5 * GiB - VMM_LOWMEM_END;
	uint32_t	 v = 0xdeadbeef, w = 0;

	ck_assert_uint_eq(mem_size(vmm), 5 * GiB);
	ck_assert_uint_eq(mem_lowmem_end(vmm), VMM_LOWMEM_END);
	lo = mem_gpa(vmm, 0, VMM_LOWMEM_END);
	ck_assert_ptr_nonnull(lo);
	/* The rest, 2 GiB, starts at 4 GiB. */
	hi = mem_gpa(vmm, VMM_HIGHMEM_BASE, high);
	ck_assert_ptr_nonnull(hi);
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE, high + 1));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE + high, 1));
	ck_assert_ptr_nonnull(mem_gpa(vmm, VMM_HIGHMEM_BASE + high - 8, 8));
	/* The hole is not RAM, and no range may span it. */
	ck_assert_ptr_null(mem_gpa(vmm, VMM_LOWMEM_END, 1));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE - 1, 1));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_LOWMEM_END - 4, 8));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE - 4, 8));

	/* Copies land where mem_gpa points. */
	ck_assert_int_eq(mem_write(vmm, VMM_HIGHMEM_BASE + 0x1000, &v,
	    sizeof v), 0);
	ck_assert_int_eq(memcmp(hi + 0x1000, &v, sizeof v), 0);
	ck_assert_int_eq(mem_read(vmm, VMM_HIGHMEM_BASE + 0x1000, &w,
	    sizeof w), 0);
	ck_assert_uint_eq(w, v);
	ck_assert_int_eq(mem_write(vmm, VMM_LOWMEM_END - 2, &v, sizeof v), -1);
	ck_assert_int_eq(errno, EFAULT);
	vmm_free(vmm);
}
END_TEST

START_TEST(mem_wrap)
{
	struct vmm	*vmm = check_mem_vm(5 * GiB);
	uint8_t		 buf[16];

	/* Ranges whose end wraps past 2^64 land back in RAM if added
	 * naively; they must all fail. */
	ck_assert_ptr_null(mem_gpa(vmm, 0x1000, UINT64_MAX));
	ck_assert_ptr_null(mem_gpa(vmm, 0x1000, UINT64_MAX - 0xfff));
	ck_assert_ptr_null(mem_gpa(vmm, VMM_HIGHMEM_BASE, UINT64_MAX));
	ck_assert_ptr_null(mem_gpa(vmm, UINT64_MAX, 2));
	ck_assert_ptr_null(mem_gpa(vmm, UINT64_MAX - 7, 16));
	ck_assert_ptr_null(mem_gpa(vmm, UINT64_MAX, 0));
	ck_assert_int_eq(mem_read(vmm, UINT64_MAX - 7, buf, sizeof buf), -1);
	/* A zero-length range is fine inside RAM. */
	ck_assert_ptr_nonnull(mem_gpa(vmm, 0x1000, 0));
	ck_assert_int_eq(mem_read(vmm, 0x1000, buf, 0), 0);
	vmm_free(vmm);
}
END_TEST

START_TEST(mem_bad_sizes)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_ncpus = 1;
	p.vp_memsize = 0;
	ck_assert_ptr_null(vmm_create_fake(&p, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	p.vp_memsize = 64 * MiB + 1;
	ck_assert_ptr_null(vmm_create_fake(&p, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "4 KiB"));
	free(cause);
	cause = NULL;
	p.vp_memsize = 64 * MiB;
	p.vp_ncpus = 0;
	ck_assert_ptr_null(vmm_create_fake(&p, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "vCPU"));
	free(cause);
	cause = NULL;
	p.vp_ncpus = VMM_MAX_VCPUS + 1;
	ck_assert_ptr_null(vmm_create_fake(&p, &cause));
	free(cause);
	vmm_free(NULL);
}
END_TEST

static Suite *
check_mem_suite(void)
{
	Suite	*s = suite_create("mem");
	TCase	*tc;

	tc = tcase_create("layout");
	tcase_add_test(tc, mem_layout_64m);
	tcase_add_test(tc, mem_layout_3g);
	tcase_add_test(tc, mem_layout_5g);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, mem_wrap);
	tcase_add_test(tc, mem_bad_sizes);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_mem_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
