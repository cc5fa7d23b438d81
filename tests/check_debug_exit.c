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

#include "vmm-dev.h"

static struct vmm *check_debug_exit_vm(int, void **);
static int	check_debug_exit_out(struct vmm *, uint64_t, uint32_t,
		    uint64_t);
static Suite	*check_debug_exit_suite(void);

/* A fake VM with the device created as vp_debug_exit says. */
static struct vmm *
check_debug_exit_vm(int enabled, void **devp)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 << 20;
	p.vp_ncpus = 1;
	p.vp_serial_out = p.vp_serial_in = -1;
	p.vp_debug_exit = enabled;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(vmm != NULL, "%s", cause);
	*devp = (void *)1;
	ck_assert_int_eq(debug_exit_devtype.dt_create(vmm, &p, devp, &cause),
	    0);
	return (vmm);
}

static int
check_debug_exit_out(struct vmm *vmm, uint64_t port, uint32_t len,
    uint64_t v)
{
	struct iotrap_access	ia;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = port;
	ia.ia_len = len;
	ia.ia_write = 1;
	ia.ia_data = v;
	ia.ia_vcpu = -1;
	return (iotrap_dispatch(vmm, IOTRAP_PIO, &ia));
}

START_TEST(debug_exit_absent)
{
	struct vmm	*vmm;
	void		*dev;

	vmm = check_debug_exit_vm(0, &dev);
	ck_assert_ptr_null(dev);
	ck_assert_int_eq(check_debug_exit_out(vmm, VMM_DEBUG_EXIT_PORT, 4,
	    1), -1);
	ck_assert_int_eq(vmm_fake_exit(vmm, NULL), VMM_EXIT_NONE);
	debug_exit_devtype.dt_free(dev);
	vmm_free(vmm);
}
END_TEST

START_TEST(debug_exit_dword)
{
	struct vmm	*vmm;
	void		*dev;
	int		 code = -1;

	vmm = check_debug_exit_vm(1, &dev);
	ck_assert_ptr_nonnull(dev);
	ck_assert_int_eq(check_debug_exit_out(vmm, VMM_DEBUG_EXIT_PORT, 4,
	    0x12345678), 0);
	ck_assert_int_eq(vmm_fake_exit(vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 0x12345678);
	debug_exit_devtype.dt_free(dev);
	vmm_free(vmm);
}
END_TEST

START_TEST(debug_exit_byte)
{
	struct vmm	*vmm;
	void		*dev;
	int		 code = -1;

	vmm = check_debug_exit_vm(1, &dev);
	/* A byte at the last port of the window; upper bits ignored. */
	ck_assert_int_eq(check_debug_exit_out(vmm, VMM_DEBUG_EXIT_PORT + 3,
	    1, 0xff01), 0);
	ck_assert_int_eq(vmm_fake_exit(vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 1);
	debug_exit_devtype.dt_free(dev);
	vmm_free(vmm);
}
END_TEST

START_TEST(debug_exit_word_zero)
{
	struct vmm		*vmm;
	void			*dev;
	struct iotrap_access	 ia;
	int			 code = -1;

	vmm = check_debug_exit_vm(1, &dev);
	/* Reads do nothing. */
	memset(&ia, 0, sizeof ia);
	ia.ia_addr = VMM_DEBUG_EXIT_PORT;
	ia.ia_len = 4;
	ck_assert_int_eq(iotrap_dispatch(vmm, IOTRAP_PIO, &ia), 0);
	ck_assert_int_eq(vmm_fake_exit(vmm, NULL), VMM_EXIT_NONE);
	ck_assert_int_eq(check_debug_exit_out(vmm, VMM_DEBUG_EXIT_PORT, 2,
	    0x10000), 0);
	ck_assert_int_eq(vmm_fake_exit(vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 0);
	debug_exit_devtype.dt_free(dev);
	vmm_free(vmm);
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
