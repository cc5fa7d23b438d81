/* SPDX-License-Identifier: ISC */
/*
 * The PCI host bridge on a fake VM: mechanism 1 and ECAM see the same
 * bus, 0:0.0 is the host bridge, absent slots read all ones, a function
 * put on the bus with pci_register() gets its config accesses, BAR sizing
 * through the helpers, and the 0xcf9 reset register.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "devtest.h"

#define CONF_ADDR	0xcf8
#define CONF_DATA	0xcfc

/* A fake function: 256 bytes of config space and a BAR. */
struct check_pci_func {
	uint8_t		cfg[256];	/* config space image */
	struct pci_bar	bar;		/* BAR0, 4 KiB memory */
	unsigned int	reads;		/* callbacks seen */
	unsigned int	writes;
	uint32_t	last_off;	/* last access */
	uint32_t	last_len;
};

static void	check_pci_setup(struct devtest *);
static void	check_pci_teardown(struct devtest *);
static uint32_t	check_pci_conf1(struct devtest *, unsigned int,
		    unsigned int, uint32_t, uint32_t);
static uint32_t	check_pci_ecam(struct devtest *, unsigned int,
		    unsigned int, uint32_t, uint32_t);
static uint32_t	check_pci_func_read(void *, uint32_t, uint32_t);
static void	check_pci_func_write(void *, uint32_t, uint32_t, uint32_t);
static Suite	*check_pci_suite(void);

static const struct pci_func_ops check_pci_func_ops = {
	check_pci_func_read,
	check_pci_func_write
};

static uint32_t
check_pci_func_read(void *dev, uint32_t off, uint32_t len)
{
	struct check_pci_func	*f = dev;
	uint32_t		 v = 0, i;

	f->reads++;
	f->last_off = off;
	f->last_len = len;
	ck_assert_uint_eq(off % len, 0);
	if (off == 0x10)
		return (pci_bar_read(&f->bar, 0));
	for (i = 0; i < len && off + i < sizeof f->cfg; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return (v);
}

static void
check_pci_func_write(void *dev, uint32_t off, uint32_t len, uint32_t val)
{
	struct check_pci_func	*f = dev;
	uint32_t		 i;

	f->writes++;
	f->last_off = off;
	f->last_len = len;
	ck_assert_uint_eq(off % len, 0);
	if (off == 0x10 && len == 4) {
		pci_bar_write(&f->bar, 0, val);
		return;
	}
	for (i = 0; i < len && off + i < sizeof f->cfg; i++)
		f->cfg[off + i] = (uint8_t)(val >> (8 * i));
}

/* The bus is the VM's only while the device exists. */
static void
check_pci_setup(struct devtest *t)
{
	devtest_init(t, &pci_devtype);
	devtest_vm(t);
	ck_assert_ptr_null(vmm_pci_bus(t->dv_vmm));
	devtest_dev(t);
	ck_assert_ptr_nonnull(t->dv_dev);
	ck_assert_ptr_eq(vmm_pci_bus(t->dv_vmm), t->dv_dev);
}

static void
check_pci_teardown(struct devtest *t)
{
	pci_devtype.dt_free(t->dv_dev);
	ck_assert_ptr_null(vmm_pci_bus(t->dv_vmm));
	vmm_free(t->dv_vmm);
}

/* A mechanism-1 read of bus 0. */
static uint32_t
check_pci_conf1(struct devtest *t, unsigned int slot, unsigned int fn,
    uint32_t off, uint32_t len)
{
	devtest_io(t, IOTRAP_PIO, CONF_ADDR, 4, 1,
	    0x80000000U | slot << 11 | fn << 8 | (off & 0xfc));
	return ((uint32_t)devtest_io(t, IOTRAP_PIO, CONF_DATA + (off & 3),
	    len, 0, 0));
}

static uint32_t
check_pci_ecam(struct devtest *t, unsigned int slot, unsigned int fn,
    uint32_t off, uint32_t len)
{
	return ((uint32_t)devtest_io(t, IOTRAP_MMIO, VMM_ECAM_BASE +
	    (slot << 15 | fn << 12 | off), len, 0, 0));
}

START_TEST(pci_host_bridge)
{
	struct devtest		t;

	check_pci_setup(&t);
	/* Linux's type 1 probe: the address register reads back. */
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x80000000);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 0, 0),
	    0x80000000);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0, 4), 0x12378086);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0, 2), 0x8086);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 2, 2), 0x1237);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0x0b, 1), 0x06);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0x0a, 1), 0x00);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0x08, 4) >> 8, 0x060000);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0x0e, 1), 0x00);
	/* Command is writable (memory, master), the ID is not. */
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x80000004);
	devtest_io(&t, IOTRAP_PIO, CONF_DATA, 2, 1, 0x0006);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 4, 2), 0x0006);
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x80000000);
	devtest_io(&t, IOTRAP_PIO, CONF_DATA, 4, 1, 0);
	ck_assert_uint_eq(check_pci_conf1(&t, 0, 0, 0, 4), 0x12378086);
	check_pci_teardown(&t);
}
END_TEST

START_TEST(pci_absent)
{
	struct devtest		t;
	unsigned int		slot, fn;

	check_pci_setup(&t);
	for (slot = 0; slot < 32; slot++)
		for (fn = 0; fn < 8; fn++) {
			if (slot == 0 && fn == 0)
				continue;
			ck_assert_uint_eq(check_pci_conf1(&t, slot, fn, 0, 4),
			    0xffffffff);
			ck_assert_uint_eq(check_pci_ecam(&t, slot, fn, 0, 4),
			    0xffffffff);
		}
	ck_assert_uint_eq(check_pci_conf1(&t, 5, 0, 0, 2), 0xffff);
	ck_assert_uint_eq(check_pci_conf1(&t, 5, 0, 3, 1), 0xff);
	/* Another bus, or the enable bit clear: nobody. */
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x80010000);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, CONF_DATA, 4, 0, 0),
	    0xffffffff);
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x00000000);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, CONF_DATA, 4, 0, 0),
	    0xffffffff);
	check_pci_teardown(&t);
}
END_TEST

START_TEST(pci_ecam_matches)
{
	struct devtest		t;
	uint32_t		off;

	check_pci_setup(&t);
	for (off = 0; off < 0x40; off += 4)
		ck_assert_uint_eq(check_pci_ecam(&t, 0, 0, off, 4),
		    check_pci_conf1(&t, 0, 0, off, 4));
	ck_assert_uint_eq(check_pci_ecam(&t, 0, 0, 2, 2), 0x1237);
	ck_assert_uint_eq(check_pci_ecam(&t, 0, 0, 0xb, 1), 0x06);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_MMIO, VMM_ECAM_BASE, 8, 0,
	    0), 0x0000000012378086ULL | (uint64_t)check_pci_conf1(&t, 0, 0,
	    4, 4) << 32);
	/* Extended space of a conventional function reads 0. */
	ck_assert_uint_eq(check_pci_ecam(&t, 0, 0, 0x100, 4), 0);
	check_pci_teardown(&t);
}
END_TEST

START_TEST(pci_register_function)
{
	struct devtest		t;
	struct check_pci_func	f, g;
	int			slot;

	check_pci_setup(&t);
	memset(&f, 0, sizeof f);
	memset(&g, 0, sizeof g);
	f.cfg[0] = 0xf4;
	f.cfg[1] = 0x1a;
	f.cfg[2] = 0x41;
	f.cfg[3] = 0x10;
	f.bar.pb_size = 4096;
	f.bar.pb_kind = PCI_BAR_MEM32;
	slot = pci_register(t.dv_dev, -1, &check_pci_func_ops, &f);
	ck_assert_int_eq(slot, 1);
	ck_assert_int_eq(pci_register(t.dv_dev, 1, &check_pci_func_ops,
	    &g), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(pci_register(t.dv_dev, 0, &check_pci_func_ops,
	    &g), -1);
	ck_assert_int_eq(pci_register(t.dv_dev, 7, &check_pci_func_ops,
	    &g), 7);
	ck_assert_int_eq(pci_register(t.dv_dev, -1, &check_pci_func_ops,
	    &g), 2);

	ck_assert_uint_eq(check_pci_conf1(&t, 1, 0, 0, 4), 0x10411af4);
	ck_assert_uint_eq(f.last_off, 0);
	ck_assert_uint_eq(f.last_len, 4);
	ck_assert_uint_eq(check_pci_ecam(&t, 1, 0, 2, 2), 0x1041);
	ck_assert_uint_eq(f.last_off, 2);
	ck_assert_uint_eq(f.last_len, 2);
	/* Other functions of the slot are absent. */
	ck_assert_uint_eq(check_pci_conf1(&t, 1, 1, 0, 4), 0xffffffff);
	/* A byte write through 0xcfe lands at register 0x3e. */
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x80000800 | 0x3c);
	devtest_io(&t, IOTRAP_PIO, CONF_DATA + 2, 1, 1, 0x5a);
	ck_assert_uint_eq(f.cfg[0x3e], 0x5a);
	ck_assert_uint_eq(f.last_off, 0x3e);
	ck_assert_uint_eq(f.last_len, 1);
	/* A misaligned ECAM dword reaches the function as bytes. */
	ck_assert_uint_eq(check_pci_ecam(&t, 1, 0, 1, 4), 0x0010411a);
	/* BAR sizing through ECAM. */
	devtest_io(&t, IOTRAP_MMIO, VMM_ECAM_BASE + (1 << 15) + 0x10, 4, 1,
	    0xffffffff);
	ck_assert_uint_eq(check_pci_ecam(&t, 1, 0, 0x10, 4), 0xfffff000);
	devtest_io(&t, IOTRAP_MMIO, VMM_ECAM_BASE + (1 << 15) + 0x10, 4, 1,
	    0xc0001234);
	ck_assert_uint_eq(check_pci_ecam(&t, 1, 0, 0x10, 4), 0xc0001000);
	ck_assert_uint_eq(g.reads, 0);
	check_pci_teardown(&t);
}
END_TEST

START_TEST(pci_full_bus)
{
	struct devtest		t;
	struct check_pci_func	f;
	int			i;

	check_pci_setup(&t);
	memset(&f, 0, sizeof f);
	for (i = 1; i < 32; i++)
		ck_assert_int_eq(pci_register(t.dv_dev, -1, &check_pci_func_ops,
		    &f), i);
	ck_assert_int_eq(pci_register(t.dv_dev, -1, &check_pci_func_ops, &f),
	    -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(pci_register(t.dv_dev, 32, &check_pci_func_ops, &f),
	    -1);
	check_pci_teardown(&t);
}
END_TEST

START_TEST(pci_bar_helpers)
{
	struct pci_bar	bar;

	memset(&bar, 0, sizeof bar);
	bar.pb_size = 0x100;
	bar.pb_kind = PCI_BAR_IO;
	pci_bar_write(&bar, 0, 0xffffffff);
	ck_assert_uint_eq(pci_bar_read(&bar, 0), 0xffffff01);
	pci_bar_write(&bar, 0, 0xc000);
	ck_assert_uint_eq(pci_bar_read(&bar, 0), 0xc001);

	memset(&bar, 0, sizeof bar);
	bar.pb_size = 0x4000;
	bar.pb_kind = PCI_BAR_MEM64 | PCI_BAR_PREFETCH;
	pci_bar_write(&bar, 0, 0xffffffff);
	pci_bar_write(&bar, 1, 0xffffffff);
	ck_assert_uint_eq(pci_bar_read(&bar, 0), 0xffffc00c);
	ck_assert_uint_eq(pci_bar_read(&bar, 1), 0xffffffff);
	pci_bar_write(&bar, 0, 0xe0000000);
	pci_bar_write(&bar, 1, 0x1);
	ck_assert_uint_eq(bar.pb_addr, 0x1e0000000ULL);
	ck_assert_uint_eq(pci_bar_read(&bar, 1), 1);

	memset(&bar, 0, sizeof bar);
	ck_assert_uint_eq(pci_bar_read(&bar, 0), 0);
	pci_bar_write(&bar, 0, 0xffffffff);
	ck_assert_uint_eq(pci_bar_read(&bar, 0), 0);
}
END_TEST

START_TEST(pci_reset_register)
{
	struct devtest		t;

	check_pci_setup(&t);
	/* 0xcf9 is not the address register, and vice versa. */
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 1, 0x80000000);
	devtest_io(&t, IOTRAP_PIO, VMM_RESET_PORT, 1, 1, 0x02);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, VMM_RESET_PORT, 1, 0,
	    0), 0x02);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 4, 0, 0),
	    0x80000000);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	/* Other byte and word accesses in the dword reach nothing. */
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 1, 1, 0x06);
	devtest_io(&t, IOTRAP_PIO, CONF_ADDR + 2, 2, 1, 0x0606);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, CONF_ADDR, 2, 0, 0),
	    0xffff);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_NONE);
	/* The FADT's RESET_VALUE. */
	devtest_io(&t, IOTRAP_PIO, VMM_RESET_PORT, 1, 1, 0x06);
	ck_assert_int_eq(vmm_fake_exit(t.dv_vmm, NULL), VMM_EXIT_RESET);
	pci_devtype.dt_reset(t.dv_dev);
	ck_assert_uint_eq(devtest_io(&t, IOTRAP_PIO, VMM_RESET_PORT, 1, 0,
	    0), 0);
	check_pci_teardown(&t);
}
END_TEST

static Suite *
check_pci_suite(void)
{
	Suite	*s = suite_create("pci");
	TCase	*tc;

	tc = tcase_create("bus");
	tcase_add_test(tc, pci_host_bridge);
	tcase_add_test(tc, pci_absent);
	tcase_add_test(tc, pci_ecam_matches);
	suite_add_tcase(s, tc);
	tc = tcase_create("functions");
	tcase_add_test(tc, pci_register_function);
	tcase_add_test(tc, pci_full_bus);
	tcase_add_test(tc, pci_bar_helpers);
	suite_add_tcase(s, tc);
	tc = tcase_create("reset");
	tcase_add_test(tc, pci_reset_register);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_pci_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
