/* SPDX-License-Identifier: ISC */
/*
 * I/O traps on a fake VM: which handler an access reaches, what it sees
 * (offset, length, direction, data), that ranges never overlap, that
 * unregistering works, and that an access nobody claims reads all ones
 * like a real bus.  Also several threads dispatching while another one
 * registers and removes ranges.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "vmm-dev.h"

#define MiB	(1024ULL * 1024)

/* What a test device saw. */
struct check_iotrap_dev {
	unsigned int	cd_calls;
	uint64_t	cd_off;
	uint64_t	cd_addr;
	uint32_t	cd_len;
	int		cd_write;
	uint64_t	cd_data;	/* last written */
	uint64_t	cd_reply;	/* what reads return */
};

static void	 check_iotrap_handler(void *, struct iotrap_access *);
static void	 check_iotrap_count(void *, struct iotrap_access *);
static struct vmm *check_iotrap_vm(void);
static int	 check_iotrap_io(struct vmm *, enum iotrap_space, uint64_t,
		    uint32_t, int, uint64_t *);
static void	*check_iotrap_reader(void *);
static Suite	*check_iotrap_suite(void);

static void
check_iotrap_handler(void *arg, struct iotrap_access *ia)
{
	struct check_iotrap_dev	*d = arg;

	d->cd_calls++;
	d->cd_off = ia->ia_off;
	d->cd_addr = ia->ia_addr;
	d->cd_len = ia->ia_len;
	d->cd_write = ia->ia_write;
	if (ia->ia_write)
		d->cd_data = ia->ia_data;
	else
		ia->ia_data = d->cd_reply;
}

/* Thread-safe counter for the concurrency test. */
static void
check_iotrap_count(void *arg, struct iotrap_access *ia)
{
	unsigned int	*n = arg;

	__atomic_fetch_add(n, 1, __ATOMIC_RELAXED);
	ia->ia_data = 0x5a;
}

static struct vmm *
check_iotrap_vm(void)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_name = "iotrap";
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(vmm != NULL, "vmm_create_fake: %s", cause);
	return (vmm);
}

/* One access; returns iotrap_dispatch's result, *data in and out. */
static int
check_iotrap_io(struct vmm *vmm, enum iotrap_space sp, uint64_t addr,
    uint32_t len, int write, uint64_t *data)
{
	struct iotrap_access	ia;
	int			r;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = addr;
	ia.ia_len = len;
	ia.ia_write = write;
	ia.ia_data = write ? *data : 0x1234;
	ia.ia_vcpu = -1;
	r = iotrap_dispatch(vmm, sp, &ia);
	*data = ia.ia_data;
	return (r);
}

START_TEST(iotrap_dispatch_basic)
{
	struct vmm		*vmm = check_iotrap_vm();
	struct check_iotrap_dev	 d;
	uint64_t		 v;

	memset(&d, 0, sizeof d);
	d.cd_reply = 0xa5;
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x3f8, 8,
	    check_iotrap_handler, &d, "com1"), 0);

	v = 0x41;
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x3f8, 1, 1, &v), 0);
	ck_assert_uint_eq(d.cd_calls, 1);
	ck_assert_uint_eq(d.cd_off, 0);
	ck_assert_uint_eq(d.cd_data, 0x41);
	ck_assert_int_eq(d.cd_write, 1);

	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x3fd, 1, 0, &v), 0);
	ck_assert_uint_eq(d.cd_off, 5);
	ck_assert_uint_eq(d.cd_addr, 0x3fd);
	ck_assert_int_eq(d.cd_write, 0);
	ck_assert_uint_eq(v, 0xa5);

	/* The same port in the other space is not ours. */
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0x3f8, 1, 0, &v),
	    -1);
	ck_assert_uint_eq(d.cd_calls, 2);
	vmm_free(vmm);
}
END_TEST

START_TEST(iotrap_boundaries)
{
	struct vmm		*vmm = check_iotrap_vm();
	struct check_iotrap_dev	 a, b;
	uint64_t		 v;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, 0x1000, 0x100,
	    check_iotrap_handler, &a, "a"), 0);
	/* Adjacent on both sides is fine. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, 0x1100, 0x100,
	    check_iotrap_handler, &b, "b"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, 0xf00, 0x100,
	    check_iotrap_handler, &b, "c"), 0);

	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0x10ff, 1, 0, &v),
	    0);
	ck_assert_uint_eq(a.cd_calls, 1);
	ck_assert_uint_eq(a.cd_off, 0xff);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0x1100, 1, 0, &v),
	    0);
	ck_assert_uint_eq(b.cd_calls, 1);
	ck_assert_uint_eq(b.cd_off, 0);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0xfff, 1, 0, &v),
	    0);
	ck_assert_uint_eq(b.cd_calls, 2);
	ck_assert_uint_eq(b.cd_off, 0xff);
	/* Just past the last range. */
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0x1200, 1, 0, &v),
	    -1);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0xeff, 1, 0, &v),
	    -1);
	ck_assert_uint_eq(a.cd_calls + b.cd_calls, 3);

	/* A range at the very top of the address space. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO,
	    UINT64_MAX - 0xfff, 0x1000, check_iotrap_handler, &a, "top"), 0);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, UINT64_MAX, 1, 0,
	    &v), 0);
	ck_assert_uint_eq(a.cd_off, 0xfff);
	vmm_free(vmm);
}
END_TEST

START_TEST(iotrap_overlap)
{
	struct vmm		*vmm = check_iotrap_vm();
	struct check_iotrap_dev	 d;

	memset(&d, 0, sizeof d);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x60, 1,
	    check_iotrap_handler, &d, "kbd"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x64, 1,
	    check_iotrap_handler, &d, "kbd"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x70, 2,
	    check_iotrap_handler, &d, "rtc"), 0);

	errno = 0;
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x60, 1,
	    check_iotrap_handler, &d, "same"), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* Covers 0x64 from below. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x61, 4,
	    check_iotrap_handler, &d, "over"), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* Starts inside 0x70-0x71. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x71, 1,
	    check_iotrap_handler, &d, "in"), -1);
	/* Swallows everything. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0, 0x10000,
	    check_iotrap_handler, &d, "all"), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* The gaps are still free. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x61, 3,
	    check_iotrap_handler, &d, "gap"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x65, 0xb,
	    check_iotrap_handler, &d, "gap2"), 0);

	/* Bad arguments. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x100, 0,
	    check_iotrap_handler, &d, "empty"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0xffff, 2,
	    check_iotrap_handler, &d, "past 64k"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, UINT64_MAX, 2,
	    check_iotrap_handler, &d, "wraps"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, 0, 1, NULL, &d,
	    "no handler"), -1);
	vmm_free(vmm);
}
END_TEST

START_TEST(iotrap_sizes)
{
	struct vmm		*vmm = check_iotrap_vm();
	struct check_iotrap_dev	 d;
	uint64_t		 v;
	uint32_t		 len;

	memset(&d, 0, sizeof d);
	d.cd_reply = 0x1122334455667788ULL;
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, 0xd0000000, 0x1000,
	    check_iotrap_handler, &d, "bar"), 0);
	for (len = 1; len <= 8; len *= 2) {
		v = 0x8877665544332211ULL;
		ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO,
		    0xd0000010, len, 1, &v), 0);
		ck_assert_uint_eq(d.cd_len, len);
		ck_assert_uint_eq(d.cd_data, 0x8877665544332211ULL);
		ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO,
		    0xd0000010, len, 0, &v), 0);
		ck_assert_uint_eq(d.cd_len, len);
		/* A read yields only len bytes of what the device said. */
		ck_assert_uint_eq(v, len == 8 ? d.cd_reply :
		    d.cd_reply & ((1ULL << (len * 8)) - 1));
	}
	vmm_free(vmm);
}
END_TEST

START_TEST(iotrap_unmapped)
{
	struct vmm	*vmm = check_iotrap_vm();
	uint64_t	 v;

	errno = 0;
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x80, 1, 0, &v), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x80, 2, 0, &v), -1);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x80, 4, 0, &v), -1);
	ck_assert_uint_eq(v, 0xffffffff);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_MMIO, 0xfe000000, 8, 0,
	    &v), -1);
	ck_assert_uint_eq(v, UINT64_MAX);
	/* A write to nothing is dropped, and the value left alone. */
	v = 7;
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x80, 1, 1, &v), -1);
	ck_assert_uint_eq(v, 7);
	vmm_free(vmm);
}
END_TEST

START_TEST(iotrap_unregister_ranges)
{
	struct vmm		*vmm = check_iotrap_vm();
	struct check_iotrap_dev	 d;
	uint64_t		 v;
	int			 i;

	memset(&d, 0, sizeof d);
	/* Enough ranges to grow the array a few times. */
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO,
		    0x1000 + 0x10 * (99 - i), 0x10, check_iotrap_handler, &d,
		    "many"), 0);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x1235, 1, 0, &v),
	    0);
	ck_assert_uint_eq(d.cd_off, 5);

	errno = 0;
	ck_assert_int_eq(iotrap_unregister(vmm, IOTRAP_PIO, 0x1234), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(iotrap_unregister(vmm, IOTRAP_MMIO, 0x1230), -1);
	ck_assert_int_eq(iotrap_unregister(vmm, IOTRAP_PIO, 0x1230), 0);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x1235, 1, 0, &v),
	    -1);
	ck_assert_uint_eq(v, 0xff);
	/* Neighbours untouched. */
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x122f, 1, 0, &v),
	    0);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x1240, 1, 0, &v),
	    0);
	ck_assert_int_eq(iotrap_unregister(vmm, IOTRAP_PIO, 0x1230), -1);
	/* The hole can be taken again. */
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x1230, 0x10,
	    check_iotrap_handler, &d, "again"), 0);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(iotrap_unregister(vmm, IOTRAP_PIO,
		    0x1000 + 0x10 * i), 0);
	ck_assert_int_eq(check_iotrap_io(vmm, IOTRAP_PIO, 0x1000, 1, 0, &v),
	    -1);
	vmm_free(vmm);
}
END_TEST

/* Dispatch in a loop until *stop; every read must hit. */
struct check_iotrap_reader {
	struct vmm	*cr_vmm;
	int		*cr_stop;
	unsigned int	 cr_misses;
};

static void *
check_iotrap_reader(void *arg)
{
	struct check_iotrap_reader	*r = arg;
	uint64_t			 v;

	while (!__atomic_load_n(r->cr_stop, __ATOMIC_RELAXED)) {
		if (check_iotrap_io(r->cr_vmm, IOTRAP_PIO, 0x3f8, 1, 0,
		    &v) != 0 || v != 0x5a)
			r->cr_misses++;
	}
	return (NULL);
}

START_TEST(iotrap_threads)
{
	struct vmm			*vmm = check_iotrap_vm();
	struct check_iotrap_reader	 r[2];
	struct check_iotrap_dev		 d;
	pthread_t			 t[2];
	unsigned int			 n = 0;
	int				 stop = 0, i, j;

	memset(&d, 0, sizeof d);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, 0x3f8, 8,
	    check_iotrap_count, &n, "com1"), 0);
	for (i = 0; i < 2; i++) {
		r[i].cr_vmm = vmm;
		r[i].cr_stop = &stop;
		r[i].cr_misses = 0;
		ck_assert_int_eq(pthread_create(&t[i], NULL,
		    check_iotrap_reader, &r[i]), 0);
	}
	/* Churn other ranges on both sides while the readers run. */
	for (i = 0; i < 2000; i++) {
		for (j = 0; j < 8; j++)
			ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO,
			    0x100 * j, 0x10, check_iotrap_handler, &d, "x"), 0);
		for (j = 0; j < 8; j++)
			ck_assert_int_eq(iotrap_unregister(vmm, IOTRAP_PIO,
			    0x100 * j), 0);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ck_assert_uint_eq(r[i].cr_misses, 0);
	}
	ck_assert_uint_gt(n, 0);
	vmm_free(vmm);
}
END_TEST

static Suite *
check_iotrap_suite(void)
{
	Suite	*s = suite_create("iotrap");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, iotrap_dispatch_basic);
	tcase_add_test(tc, iotrap_boundaries);
	tcase_add_test(tc, iotrap_overlap);
	tcase_add_test(tc, iotrap_sizes);
	tcase_add_test(tc, iotrap_unmapped);
	tcase_add_test(tc, iotrap_unregister_ranges);
	suite_add_tcase(s, tc);
	tc = tcase_create("threads");
	tcase_add_test(tc, iotrap_threads);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_iotrap_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
