/* SPDX-License-Identifier: ISC */
/*
 * The debug-exit port on a fake VM: absent unless asked for, and when
 * present a write of any width ends the VM with the value written.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "devtest.h"

static void	check_debug_exit_setup(struct devtest *, int);
static int	check_debug_exit_out(struct devtest *, uint64_t, uint32_t,
		    uint64_t);
static Suite	*check_debug_exit_suite(void);

/*
 * The device created as vp_debug_exit says, in a fake VM.  dv_dev starts
 * non-NULL so the tests see that an absent device is said with NULL.
 */
static void
check_debug_exit_setup(struct devtest *t, int enabled)
{
	devtest_init(t, &debug_exit_devtype);
	t->dv_params.vp_debug_exit = enabled;
	devtest_vm(t);
	t->dv_dev = (void *)1;
	devtest_dev(t);
}

/* A port write: 0, or -1 where no device claims the port. */
static int
check_debug_exit_out(struct devtest *t, uint64_t port, uint32_t len,
    uint64_t v)
{
	return (devtest_access(t, IOTRAP_PIO, port, len, 1, &v));
}

START_TEST(debug_exit_absent)
{
	struct devtest	t;

	check_debug_exit_setup(&t, 0);
	ck_assert_ptr_null(t.dv_dev);
	ck_assert_int_eq(check_debug_exit_out(&t, VMM_DEBUG_EXIT_PORT, 4, 1),
	    -1);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	devtest_teardown(&t);
}
END_TEST

START_TEST(debug_exit_dword)
{
	struct devtest	t;
	int		code = -1;

	check_debug_exit_setup(&t, 1);
	ck_assert_ptr_nonnull(t.dv_dev);
	ck_assert_int_eq(check_debug_exit_out(&t, VMM_DEBUG_EXIT_PORT, 4,
	    0x12345678), 0);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 0x12345678);
	devtest_teardown(&t);
}
END_TEST

START_TEST(debug_exit_byte)
{
	struct devtest	t;
	int		code = -1;

	check_debug_exit_setup(&t, 1);
	/* A byte at the last port of the window; upper bits ignored. */
	ck_assert_int_eq(check_debug_exit_out(&t, VMM_DEBUG_EXIT_PORT + 3,
	    1, 0xff01), 0);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 1);
	devtest_teardown(&t);
}
END_TEST

START_TEST(debug_exit_word_zero)
{
	struct devtest	t;
	int		code = -1;

	check_debug_exit_setup(&t, 1);
	/* Reads do nothing. */
	devtest_in(&t, VMM_DEBUG_EXIT_PORT, 4);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	ck_assert_int_eq(check_debug_exit_out(&t, VMM_DEBUG_EXIT_PORT, 2,
	    0x10000), 0);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 0);
	devtest_teardown(&t);
}
END_TEST

static Suite *
check_debug_exit_suite(void)
{
	Suite	*s = suite_create("debug-exit");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, debug_exit_absent);
	tcase_add_test(tc, debug_exit_dword);
	tcase_add_test(tc, debug_exit_byte);
	tcase_add_test(tc, debug_exit_word_zero);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_debug_exit_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
