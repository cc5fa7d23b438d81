/* SPDX-License-Identifier: ISC */
/*
 * The IOAPIC on a fake VM: what a guest's driver reads and writes through
 * IOREGSEL/IOWIN (identification, redirection entries, read-only bits)
 * and the MSIs that reach the LAPICs for edge and level-triggered pins,
 * masking, remote IRR and EOI, as the fake VM's MSI recorder sees them.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "devtest.h"
#include "snapshot.h"

#define REGSEL		(VMM_IOAPIC_BASE + 0x00)
#define WIN		(VMM_IOAPIC_BASE + 0x10)
#define RTE_LEVEL	0x8000U
#define RTE_MASKED	0x10000U
#define RTE_REMOTE_IRR	0x4000U
#define RTE_LOGICAL	0x800U

static uint32_t	check_ioapic_reg(struct devtest *, uint32_t);
static void	check_ioapic_set(struct devtest *, uint32_t, uint32_t);
static void	check_ioapic_rte(struct devtest *, unsigned int, uint32_t,
		    uint8_t);
static unsigned int check_ioapic_msi(struct devtest *, uint64_t *,
		    uint32_t *);
static Suite	*check_ioapic_suite(void);

static uint32_t
check_ioapic_reg(struct devtest *t, uint32_t reg)
{
	devtest_io(t, IOTRAP_MMIO, REGSEL, 4, 1, reg);
	return ((uint32_t)devtest_io(t, IOTRAP_MMIO, WIN, 4, 0, 0));
}

static void
check_ioapic_set(struct devtest *t, uint32_t reg, uint32_t v)
{
	devtest_io(t, IOTRAP_MMIO, REGSEL, 4, 1, reg);
	devtest_io(t, IOTRAP_MMIO, WIN, 4, 1, v);
}

/* Entry pin: low dword lo, destination APIC id dest. */
static void
check_ioapic_rte(struct devtest *t, unsigned int pin, uint32_t lo,
    uint8_t dest)
{
	check_ioapic_set(t, 0x11 + 2 * pin, (uint32_t)dest << 24);
	check_ioapic_set(t, 0x10 + 2 * pin, lo);
}

static unsigned int
check_ioapic_msi(struct devtest *t, uint64_t *addr, uint32_t *data)
{
	return (vmm_fake_msi(t->dv_vmm, addr, data));
}

START_TEST(ioapic_identity)
{
	struct devtest	t;
	unsigned int	pin;

	devtest_setup(&t, &ioapic_devtype);
	/* 82093AA: version 0x11, 24 entries (max index 23). */
	ck_assert_uint_eq(check_ioapic_reg(&t, 1), 0x00170011);
	/* Id 0 as the MADT says; the id register keeps bits 24-27. */
	ck_assert_uint_eq(check_ioapic_reg(&t, 0), 0);
	check_ioapic_set(&t, 0, 0xff000000);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0), 0x0f000000);
	ck_assert_uint_eq(check_ioapic_reg(&t, 2), 0x0f000000);
	/* Every entry starts masked. */
	for (pin = 0; pin < VMM_IOAPIC_PINS; pin++) {
		ck_assert_uint_eq(check_ioapic_reg(&t, 0x10 + 2 * pin),
		    RTE_MASKED);
		ck_assert_uint_eq(check_ioapic_reg(&t, 0x11 + 2 * pin), 0);
	}
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_MMIO, REGSEL, 4, 0, 0), 0x11 +
	    2 * (VMM_IOAPIC_PINS - 1));
	devtest_teardown(&t);
}
END_TEST

START_TEST(ioapic_edge)
{
	struct devtest	t;
	uint64_t	addr;
	uint32_t	data;

	devtest_setup(&t, &ioapic_devtype);
	check_ioapic_rte(&t, 4, 0x34, 1);
	ck_assert_int_eq(irq_set_level(t.dv_vmm, 4, 1), 0);
	ck_assert_uint_eq(check_ioapic_msi(&t, &addr, &data), 1);
	ck_assert_uint_eq(addr, 0xfee01000);
	ck_assert_uint_eq(data, 0x34);
	/* No new edge while the line stays high. */
	irq_set_level(t.dv_vmm, 4, 1);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);
	irq_set_level(t.dv_vmm, 4, 0);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);
	irq_pulse(t.dv_vmm, 4);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 2);
	/* Edge entries never hold remote IRR. */
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x18) & RTE_REMOTE_IRR, 0);

	/* Logical destination mode, lowest priority, another vector. */
	check_ioapic_rte(&t, 5, 0x145 | RTE_LOGICAL, 0x03);
	irq_pulse(t.dv_vmm, 5);
	ck_assert_uint_eq(check_ioapic_msi(&t, &addr, &data), 3);
	ck_assert_uint_eq(addr, 0xfee03004);
	ck_assert_uint_eq(data, 0x145);
	devtest_teardown(&t);
}
END_TEST

START_TEST(ioapic_mask)
{
	struct devtest	t;

	devtest_setup(&t, &ioapic_devtype);
	/* An edge on a masked pin is lost, even once unmasked. */
	check_ioapic_rte(&t, 3, 0x33 | RTE_MASKED, 0);
	irq_pulse(t.dv_vmm, 3);
	check_ioapic_rte(&t, 3, 0x33, 0);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 0);
	irq_pulse(t.dv_vmm, 3);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);

	/* A level pin asserted while masked sends when unmasked. */
	check_ioapic_rte(&t, 10, 0x3a | RTE_LEVEL | RTE_MASKED, 0);
	irq_set_level(t.dv_vmm, 10, 1);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);
	check_ioapic_set(&t, 0x10 + 2 * 10, 0x3a | RTE_LEVEL);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 2);
	devtest_teardown(&t);
}
END_TEST

START_TEST(ioapic_level_eoi)
{
	struct devtest	t;
	uint64_t	addr;
	uint32_t	data;

	devtest_setup(&t, &ioapic_devtype);
	check_ioapic_rte(&t, 9, 0x49 | RTE_LEVEL, 0);
	irq_set_level(t.dv_vmm, 9, 1);
	ck_assert_uint_eq(check_ioapic_msi(&t, &addr, &data), 1);
	ck_assert_uint_eq(addr, 0xfee00000);
	/* Level-triggered and asserted, as the LAPIC's TMR needs. */
	ck_assert_uint_eq(data, 0xc049);
	ck_assert_uint_ne(check_ioapic_reg(&t, 0x10 + 18) & RTE_REMOTE_IRR, 0);
	/* Remote IRR holds off a second one until the EOI. */
	irq_set_level(t.dv_vmm, 9, 1);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);
	/* An EOI of another vector changes nothing. */
	irq_eoi(t.dv_vmm, 0x50);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);
	/* EOI with the line still asserted: sent again. */
	irq_eoi(t.dv_vmm, 0x49);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 2);
	ck_assert_uint_ne(check_ioapic_reg(&t, 0x10 + 18) & RTE_REMOTE_IRR, 0);
	/* The device lowers its line, the guest EOIs: quiet, IRR clear. */
	irq_set_level(t.dv_vmm, 9, 0);
	irq_eoi(t.dv_vmm, 0x49);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 2);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x10 + 18) & RTE_REMOTE_IRR, 0);
	devtest_teardown(&t);
}
END_TEST

START_TEST(ioapic_limits)
{
	struct devtest	t;

	devtest_setup(&t, &ioapic_devtype);
	/* The last pin, with the top destination bits. */
	check_ioapic_rte(&t, 23, 0x77, 0xff);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x11 + 46), 0xff000000);
	irq_pulse(t.dv_vmm, 23);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 1);
	/* Delivery status and remote IRR are read-only; the high dword
	 * keeps only the destination. */
	check_ioapic_set(&t, 0x10 + 2 * 6, 0xffffffff);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x10 + 2 * 6), 0x1afff);
	check_ioapic_set(&t, 0x11 + 2 * 6, 0xffffffff);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x11 + 2 * 6), 0xff000000);
	/* Past the table and the read-only registers. */
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x40), 0);
	check_ioapic_set(&t, 1, 0);
	ck_assert_uint_eq(check_ioapic_reg(&t, 1), 0x00170011);
	/* Reset masks every entry again. */
	ioapic_devtype.dt_reset(t.dv_dev);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x10 + 46), RTE_MASKED);
	devtest_teardown(&t);
}
END_TEST

START_TEST(ioapic_errors)
{
	struct devtest	 t;
	struct snap	*w, *r;
	const void	*p;
	uint8_t		 buf[256];
	size_t		 len;

	devtest_setup(&t, &ioapic_devtype);
	errno = 0;
	ck_assert_int_eq(irq_set_level(t.dv_vmm, VMM_IOAPIC_PINS, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Reserved offsets read as zero. */
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_MMIO, VMM_IOAPIC_BASE + 0x20,
	    4, 0, 0), 0);

	/* The state survives a save and restore; garbage does not pass. */
	check_ioapic_rte(&t, 9, 0x49 | RTE_LEVEL, 2);
	irq_set_level(t.dv_vmm, 9, 1);
	w = snap_writer_create();
	ck_assert_int_eq(ioapic_devtype.dt_save(t.dv_dev, w), 0);
	p = snap_data(w, &len);
	ck_assert_uint_le(len, sizeof buf);
	memcpy(buf, p, len);
	snap_free(w);
	ioapic_devtype.dt_reset(t.dv_dev);
	r = snap_reader_create(buf, len);
	ck_assert_int_eq(ioapic_devtype.dt_restore(t.dv_dev, r), 0);
	ck_assert_int_eq(snap_get_end(r), 0);
	snap_free(r);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x10 + 18),
	    0x49 | RTE_LEVEL | RTE_REMOTE_IRR);
	ck_assert_uint_eq(check_ioapic_reg(&t, 0x11 + 18), 0x02000000);
	irq_eoi(t.dv_vmm, 0x49);
	ck_assert_uint_eq(check_ioapic_msi(&t, NULL, NULL), 2);

	r = snap_reader_create(buf, len - 1);
	ck_assert_int_eq(ioapic_devtype.dt_restore(t.dv_dev, r), -1);
	snap_free(r);
	buf[6 + 8 * 3 + 2] = 0x80;	/* a reserved bit of entry 3 */
	r = snap_reader_create(buf, len);
	ck_assert_int_eq(ioapic_devtype.dt_restore(t.dv_dev, r), -1);
	snap_free(r);
	devtest_teardown(&t);
}
END_TEST

static Suite *
check_ioapic_suite(void)
{
	Suite	*s = suite_create("ioapic");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, ioapic_identity);
	tcase_add_test(tc, ioapic_edge);
	tcase_add_test(tc, ioapic_mask);
	tcase_add_test(tc, ioapic_level_eoi);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, ioapic_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, ioapic_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_ioapic_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
