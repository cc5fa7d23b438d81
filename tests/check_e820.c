/* SPDX-License-Identifier: ISC */
/*
 * The guest memory map: what Linux and PVH guests are told about RAM must
 * agree with the layout in vmm-dev.h for every size, including the ones
 * that straddle the 3 GiB hole.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "vmm-dev.h"

#define MiB	(1024ULL * 1024)
#define GiB	(1024ULL * MiB)

static uint64_t	check_e820_ram(const struct e820_entry *, size_t);
static Suite	*check_e820_suite(void);

/* Total bytes of E820_RAM in a map. */
static uint64_t
check_e820_ram(const struct e820_entry *map, size_t n)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		if (map[i].ee_type == E820_RAM)
			total += map[i].ee_size;
	return (total);
}

START_TEST(e820_small)
{
	struct e820_entry	map[E820_MAX];
	size_t			n;

	n = e820_build(128 * MiB, map, E820_MAX);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(map[0].ee_addr, 0);
	ck_assert_uint_eq(map[0].ee_size, VMM_EBDA_START);
	ck_assert_uint_eq(map[0].ee_type, E820_RAM);
	ck_assert_uint_eq(map[1].ee_type, E820_RESERVED);
	ck_assert_uint_eq(map[1].ee_addr + map[1].ee_size, VMM_KERNEL_BASE);
	ck_assert_uint_eq(map[2].ee_addr, VMM_KERNEL_BASE);
	ck_assert_uint_eq(map[2].ee_addr + map[2].ee_size, 128 * MiB);
	ck_assert_uint_eq(map[3].ee_addr, VMM_ECAM_BASE);
	ck_assert_uint_eq(map[3].ee_type, E820_RESERVED);
	/* The low 640 KiB less the EBDA is lost to the BIOS area. */
	ck_assert_uint_eq(check_e820_ram(map, n),
	    128 * MiB - (VMM_KERNEL_BASE - VMM_EBDA_START));
}
END_TEST

START_TEST(e820_above_4g)
{
	struct e820_entry	map[E820_MAX];
	size_t			n, i;

	n = e820_build(5 * GiB, map, E820_MAX);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(map[2].ee_addr + map[2].ee_size, VMM_LOWMEM_END);
	ck_assert_uint_eq(map[4].ee_addr, VMM_HIGHMEM_BASE);
	ck_assert_uint_eq(map[4].ee_size, 5 * GiB - VMM_LOWMEM_END);
	/* Sorted and never overlapping: Linux sanitizes, PVH guests may not. */
	for (i = 1; i < n; i++)
		ck_assert_uint_le(map[i - 1].ee_addr + map[i - 1].ee_size,
		    map[i].ee_addr);
}
END_TEST

START_TEST(e820_exactly_lowmem)
{
	struct e820_entry	map[E820_MAX];
	size_t			n;

	n = e820_build(VMM_LOWMEM_END, map, E820_MAX);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(map[3].ee_addr, VMM_ECAM_BASE);
}
END_TEST

START_TEST(e820_truncated)
{
	struct e820_entry	map[2];

	/* A short table gets the first entries, never an overflow. */
	ck_assert_uint_eq(e820_build(5 * GiB, map, 2), 2);
	ck_assert_uint_eq(map[1].ee_type, E820_RESERVED);
	ck_assert_uint_eq(e820_build(5 * GiB, map, 0), 0);
}
END_TEST

static Suite *
check_e820_suite(void)
{
	Suite	*s = suite_create("e820");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, e820_small);
	tcase_add_test(tc, e820_above_4g);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, e820_exactly_lowmem);
	tcase_add_test(tc, e820_truncated);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_e820_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
