/* SPDX-License-Identifier: ISC */
/*
 * virtio-rng on a fake VM with the PCI host bridge, with the test as the
 * guest's driver: the device is absent unless the parameters ask for it,
 * is found on the bus as 1af4:1044, fills the buffers a driver posts with
 * random bytes (two reads differ, the used length is what was written),
 * caps one answer at 64 KiB, and resets with the machine.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "virtio-driver.h"

#define MiB		(1024ULL * 1024)
#define RING_GPA	0x100000ULL
#define BUF_GPA		0x200000ULL

struct trng {
	struct vmm		*vmm;
	void			*bus;
	void			*rng;
	struct virtio_driver	 vd;
};

static void	trng_setup(struct trng *, int);
static void	trng_teardown(struct trng *);
static int	trng_find(struct trng *);
static void	trng_ready(struct trng *);
static uint32_t	trng_read(struct trng *, unsigned int, uint64_t, uint32_t);
static Suite	*check_virtio_rng_suite(void);

static void
trng_setup(struct trng *t, int present)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(t, 0, sizeof *t);
	memset(&p, 0, sizeof p);
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	p.vp_virtio_rng = present;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	ck_assert_int_eq(pci_devtype.dt_create(t->vmm, &p, &t->bus, &cause),
	    0);
	ck_assert_msg(virtio_rng_devtype.dt_create(t->vmm, &p, &t->rng,
	    &cause) == 0, "%s", cause);
	ck_assert_str_eq(virtio_rng_devtype.dt_name, "virtio-rng");
}

static void
trng_teardown(struct trng *t)
{
	virtio_rng_devtype.dt_free(t->rng);
	pci_devtype.dt_free(t->bus);
	vmm_free(t->vmm);
}

/* The slot holding 1af4:1044, or -1. */
static int
trng_find(struct trng *t)
{
	struct iotrap_access	ia;
	int			slot;

	for (slot = 0; slot < 32; slot++) {
		memset(&ia, 0, sizeof ia);
		ia.ia_addr = VMM_ECAM_BASE + ((uint64_t)slot << 15);
		ia.ia_len = 4;
		ia.ia_vcpu = -1;
		ck_assert_int_eq(iotrap_dispatch(t->vmm, IOTRAP_MMIO, &ia), 0);
		if (ia.ia_data == 0x10441af4)
			return (slot);
	}
	return (-1);
}

static void
trng_ready(struct trng *t)
{
	int	slot;

	ck_assert_int_ge((slot = trng_find(t)), 1);
	virtio_driver_attach(&t->vd, t->vmm, slot);
	ck_assert_uint_eq(t->vd.vd_device, 0);	/* no config space */
	ck_assert_uint_eq(virtio_driver_common_read(&t->vd, VD_NUMQ, 2), 1);
	ck_assert_uint_eq(virtio_driver_init(&t->vd,
	    VIRTIO_BIT(VIRTIO_F_VERSION_1)) & VIRTIO_STATUS_FEATURES_OK,
	    VIRTIO_STATUS_FEATURES_OK);
	ck_assert_uint_eq(virtio_driver_queue(&t->vd, 0, 8, RING_GPA,
	    VIRTIO_PCI_NO_VECTOR), 1);
	virtio_driver_driver_ok(&t->vd);
}

/* Post one writable buffer as descriptor d and kick; the used length. */
static uint32_t
trng_read(struct trng *t, unsigned int d, uint64_t gpa, uint32_t len)
{
	uint32_t	id, used;
	uint16_t	before;

	before = virtio_driver_used_idx(&t->vd);
	virtio_driver_desc(&t->vd, d, gpa, len, VIRTQ_DESC_F_WRITE, 0);
	virtio_driver_add(&t->vd, (uint16_t)d);
	virtio_driver_notify(&t->vd);
	ck_assert_uint_eq(virtio_driver_used_idx(&t->vd), before + 1);
	virtio_driver_used(&t->vd, before, &id, &used);
	ck_assert_uint_eq(id, d);
	return (used);
}

START_TEST(virtio_rng_absent)
{
	struct trng	t;

	trng_setup(&t, 0);
	ck_assert_ptr_null(t.rng);
	ck_assert_int_eq(trng_find(&t), -1);
	trng_teardown(&t);
}
END_TEST

START_TEST(virtio_rng_random)
{
	struct trng	t;
	uint8_t		a[64], b[64], zero[64];

	trng_setup(&t, 1);
	ck_assert_ptr_nonnull(t.rng);
	trng_ready(&t);
	memset(zero, 0, sizeof zero);
	ck_assert_uint_eq(trng_read(&t, 0, BUF_GPA, 64), 64);
	ck_assert_uint_eq(trng_read(&t, 1, BUF_GPA + 64, 64), 64);
	ck_assert_int_eq(mem_read(t.vmm, BUF_GPA, a, 64), 0);
	ck_assert_int_eq(mem_read(t.vmm, BUF_GPA + 64, b, 64), 0);
	ck_assert_int_ne(memcmp(a, zero, 64), 0);
	ck_assert_int_ne(memcmp(b, zero, 64), 0);
	ck_assert_int_ne(memcmp(a, b, 64), 0);
	/* A small read leaves the bytes after it alone. */
	ck_assert_int_eq(mem_write(t.vmm, BUF_GPA + 0x1000, zero, 64), 0);
	ck_assert_uint_eq(trng_read(&t, 2, BUF_GPA + 0x1000, 3), 3);
	ck_assert_int_eq(mem_read(t.vmm, BUF_GPA + 0x1003, a, 61), 0);
	ck_assert_int_eq(memcmp(a, zero, 61), 0);
	trng_teardown(&t);
}
END_TEST

START_TEST(virtio_rng_limits)
{
	struct trng	t;

	trng_setup(&t, 1);
	trng_ready(&t);
	/* One answer is at most 64 KiB; the driver asks again. */
	ck_assert_uint_eq(trng_read(&t, 0, BUF_GPA, 1 << 20), 65536);
	/* A buffer outside RAM breaks the device, not the process. */
	virtio_driver_desc(&t.vd, 1, 15 * MiB + 512 * 1024, 1 << 20,
	    VIRTQ_DESC_F_WRITE, 0);
	virtio_driver_add(&t.vd, 1);
	virtio_driver_notify(&t.vd);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_STATUS, 1) &
	    VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_NEEDS_RESET);
	/* The machine reset brings it back to status 0. */
	virtio_rng_devtype.dt_reset(t.rng);
	ck_assert_uint_eq(virtio_driver_common_read(&t.vd, VD_STATUS, 1), 0);
	trng_ready(&t);
	ck_assert_uint_eq(trng_read(&t, 0, BUF_GPA, 16), 16);
	trng_teardown(&t);
}
END_TEST

static Suite *
check_virtio_rng_suite(void)
{
	Suite	*s = suite_create("virtio_rng");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, virtio_rng_absent);
	tcase_add_test(tc, virtio_rng_random);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, virtio_rng_limits);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_virtio_rng_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
