/* SPDX-License-Identifier: ISC */
/*
 * The ACPI tables as a guest finds them: RSDP -> XSDT (and RSDT) -> FADT
 * -> DSDT and FACS, MADT, MCFG; every signature and checksum, the FADT's
 * ports equal to vmm-dev.h's, one MADT local APIC per vCPU, the _S5_
 * package bytes, and acpi_build() writing it all into a fake VM's RAM.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "acpi.h"
#include "devtest.h"

#define BUFSZ	VMM_ACPI_SIZE
#define BASE	VMM_ACPI_BASE

static uint16_t	check_acpi_16(const uint8_t *);
static uint32_t	check_acpi_32(const uint8_t *);
static uint64_t	check_acpi_64(const uint8_t *);
static uint8_t	check_acpi_sum(const uint8_t *, size_t);
static const uint8_t *check_acpi_table(const uint8_t *, uint64_t,
		    const char *);
static const uint8_t *check_acpi_find(const uint8_t *, const char *);
static void	check_acpi_gas(const uint8_t *, uint64_t, uint8_t);
static void	check_acpi_tables(unsigned int);
static Suite	*check_acpi_suite(void);

static uint16_t
check_acpi_16(const uint8_t *p)
{
	return ((uint16_t)(p[0] | p[1] << 8));
}

static uint32_t
check_acpi_32(const uint8_t *p)
{
	return ((uint32_t)check_acpi_16(p) | (uint32_t)check_acpi_16(p + 2)
	    << 16);
}

static uint64_t
check_acpi_64(const uint8_t *p)
{
	return ((uint64_t)check_acpi_32(p) | (uint64_t)check_acpi_32(p + 4)
	    << 32);
}

static uint8_t
check_acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t	sum = 0;

	while (len-- > 0)
		sum += *p++;
	return (sum);
}

/* The table at guest address gpa: in the buffer, signed, summing to 0. */
static const uint8_t *
check_acpi_table(const uint8_t *buf, uint64_t gpa, const char *sig)
{
	const uint8_t	*t;
	uint32_t	 len;

	ck_assert_uint_ge(gpa, BASE);
	ck_assert_uint_lt(gpa, BASE + BUFSZ - 36);
	t = buf + (gpa - BASE);
	ck_assert_msg(memcmp(t, sig, 4) == 0, "%.4s is not %s", t, sig);
	len = check_acpi_32(t + 4);
	ck_assert_uint_ge(len, 36);
	ck_assert_uint_le(gpa + len, BASE + BUFSZ);
	ck_assert_msg(check_acpi_sum(t, len) == 0, "%s checksum", sig);
	ck_assert_int_eq(memcmp(t + 10, "VIREO ", 6), 0);
	return (t);
}

/* A table through the XSDT, cross-checked against the RSDT. */
static const uint8_t *
check_acpi_find(const uint8_t *buf, const char *sig)
{
	const uint8_t	*rsdp = buf + ACPI_RSDP_OFFSET, *xsdt, *rsdt, *t;
	const uint8_t	*found = NULL;
	uint32_t	 i, n;

	xsdt = check_acpi_table(buf, check_acpi_64(rsdp + 24), "XSDT");
	rsdt = check_acpi_table(buf, check_acpi_32(rsdp + 16), "RSDT");
	n = (check_acpi_32(xsdt + 4) - 36) / 8;
	ck_assert_uint_eq(n, (check_acpi_32(rsdt + 4) - 36) / 4);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(check_acpi_64(xsdt + 36 + 8 * i),
		    check_acpi_32(rsdt + 36 + 4 * i));
		t = buf + (check_acpi_64(xsdt + 36 + 8 * i) - BASE);
		if (memcmp(t, sig, 4) == 0) {
			ck_assert_ptr_null(found);
			found = check_acpi_table(buf,
			    check_acpi_64(xsdt + 36 + 8 * i), sig);
		}
	}
	ck_assert_msg(found != NULL, "no %s", sig);
	return (found);
}

/* A generic address structure for an I/O port. */
static void
check_acpi_gas(const uint8_t *g, uint64_t port, uint8_t bits)
{
	ck_assert_uint_eq(g[0], 1);		/* system I/O */
	ck_assert_uint_eq(g[1], bits);
	ck_assert_uint_eq(g[2], 0);
	ck_assert_uint_eq(check_acpi_64(g + 4), port);
}

static void
check_acpi_tables(unsigned int ncpus)
{
	static const uint8_t	 s5[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
		0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00
	};
	uint8_t			*buf;
	const uint8_t		*rsdp, *fadt, *dsdt, *facs, *madt, *mcfg, *e;
	size_t			 n, i, lapics = 0, ioapics = 0;
	uint32_t		 len;
	int			 s5found = 0, sci_iso = 0, pit_iso = 0;

	buf = malloc(BUFSZ);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0xcc, BUFSZ);
	n = acpi_tables_build(buf, BUFSZ, BASE, ncpus);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_le(n, BUFSZ);

	/* RSDP revision 2, both checksums. */
	rsdp = buf + ACPI_RSDP_OFFSET;
	ck_assert_int_eq(ACPI_RSDP_OFFSET % 16, 0);
	ck_assert_int_eq(memcmp(rsdp, "RSD PTR ", 8), 0);
	ck_assert_uint_eq(check_acpi_sum(rsdp, 20), 0);
	ck_assert_uint_eq(rsdp[15], 2);
	ck_assert_uint_eq(check_acpi_32(rsdp + 20), 36);
	ck_assert_uint_eq(check_acpi_sum(rsdp, 36), 0);

	/* FADT: legacy ACPI on our ports. */
	fadt = check_acpi_find(buf, "FACP");
	ck_assert_uint_eq(check_acpi_32(fadt + 4), 276);
	ck_assert_uint_eq(fadt[8], 6);
	ck_assert_uint_eq(check_acpi_16(fadt + 46), VMM_SCI_IRQ);
	ck_assert_uint_eq(check_acpi_32(fadt + 48), 0);	/* no SMI_CMD */
	ck_assert_uint_eq(check_acpi_32(fadt + 56), VMM_PM_BASE);
	ck_assert_uint_eq(check_acpi_32(fadt + 60), 0);
	ck_assert_uint_eq(check_acpi_32(fadt + 64), VMM_PM1A_CNT);
	ck_assert_uint_eq(check_acpi_32(fadt + 76), VMM_PM_TMR);
	ck_assert_uint_eq(check_acpi_32(fadt + 80), VMM_GPE0_BASE);
	ck_assert_uint_eq(fadt[88], 4);
	ck_assert_uint_eq(fadt[89], 2);
	ck_assert_uint_eq(fadt[91], 4);
	ck_assert_uint_eq(fadt[92], 4);
	ck_assert_uint_eq(fadt[108], 0x32);		/* RTC century */
	/* IAPC_BOOT_ARCH: legacy devices and an 8042. */
	ck_assert_uint_eq(check_acpi_16(fadt + 109) & 0x3, 0x3);
	/* Flags: RESET_REG_SUP, not HW_REDUCED, fixed power button. */
	ck_assert_uint_eq(check_acpi_32(fadt + 112) & (1U << 10), 1U << 10);
	ck_assert_uint_eq(check_acpi_32(fadt + 112) & (1U << 20), 0);
	ck_assert_uint_eq(check_acpi_32(fadt + 112) & (1U << 4), 0);
	check_acpi_gas(fadt + 116, VMM_RESET_PORT, 8);
	ck_assert_uint_eq(fadt[128], 0x06);
	check_acpi_gas(fadt + 148, VMM_PM_BASE, 32);
	check_acpi_gas(fadt + 172, VMM_PM1A_CNT, 16);
	check_acpi_gas(fadt + 208, VMM_PM_TMR, 32);
	check_acpi_gas(fadt + 220, VMM_GPE0_BASE, 32);
	/* No hardware-reduced sleep registers. */
	ck_assert_uint_eq(check_acpi_64(fadt + 244 + 4), 0);

	/* DSDT through both pointers, with _S5_. */
	ck_assert_uint_eq(check_acpi_32(fadt + 40), check_acpi_64(fadt + 140));
	dsdt = check_acpi_table(buf, check_acpi_64(fadt + 140), "DSDT");
	len = check_acpi_32(dsdt + 4);
	for (i = 36; i + sizeof s5 <= len; i++)
		if (memcmp(dsdt + i, s5, sizeof s5) == 0)
			s5found++;
	ck_assert_int_eq(s5found, 1);
	ck_assert_ptr_nonnull(memmem(dsdt, len, "COM1", 4));
	ck_assert_ptr_nonnull(memmem(dsdt, len, "PCI0", 4));

	/* FACS: 64-byte aligned, no checksum. */
	ck_assert_uint_eq(check_acpi_32(fadt + 36), check_acpi_64(fadt + 132));
	ck_assert_uint_eq(check_acpi_64(fadt + 132) % 64, 0);
	facs = buf + (check_acpi_64(fadt + 132) - BASE);
	ck_assert_int_eq(memcmp(facs, "FACS", 4), 0);
	ck_assert_uint_eq(check_acpi_32(facs + 4), 64);

	/* MADT: ncpus local APICs, one IOAPIC, the two overrides. */
	madt = check_acpi_find(buf, "APIC");
	ck_assert_uint_eq(check_acpi_32(madt + 36), VMM_LAPIC_BASE);
	ck_assert_uint_eq(check_acpi_32(madt + 40) & 1, 1);
	len = check_acpi_32(madt + 4);
	for (e = madt + 44; e < madt + len; e += e[1]) {
		ck_assert_uint_ge(e[1], 2);
		ck_assert(e + e[1] <= madt + len);
		switch (e[0]) {
		case 0:
			ck_assert_uint_eq(e[1], 8);
			ck_assert_uint_eq(e[3], lapics);	/* APIC ID */
			ck_assert_uint_eq(check_acpi_32(e + 4) & 1, 1);
			lapics++;
			break;
		case 1:
			ck_assert_uint_eq(e[1], 12);
			ck_assert_uint_eq(check_acpi_32(e + 4),
			    VMM_IOAPIC_BASE);
			ck_assert_uint_eq(check_acpi_32(e + 8), 0);
			ioapics++;
			break;
		case 2:
			ck_assert_uint_eq(e[1], 10);
			if (e[3] == 0) {
				ck_assert_uint_eq(check_acpi_32(e + 4), 2);
				pit_iso++;
			} else if (e[3] == VMM_SCI_IRQ) {
				ck_assert_uint_eq(check_acpi_32(e + 4),
				    VMM_SCI_IRQ);
				/* Active high (01), level (11 << 2). */
				ck_assert_uint_eq(check_acpi_16(e + 8), 0x000d);
				sci_iso++;
			}
			break;
		}
	}
	ck_assert_ptr_eq(e, madt + len);
	ck_assert_uint_eq(lapics, ncpus);
	ck_assert_uint_eq(ioapics, 1);
	ck_assert_int_eq(pit_iso, 1);
	ck_assert_int_eq(sci_iso, 1);

	/* MCFG: the ECAM, segment 0, bus 0 to 0. */
	mcfg = check_acpi_find(buf, "MCFG");
	ck_assert_uint_eq(check_acpi_32(mcfg + 4), 60);
	ck_assert_uint_eq(check_acpi_64(mcfg + 44), VMM_ECAM_BASE);
	ck_assert_uint_eq(check_acpi_16(mcfg + 52), 0);
	ck_assert_uint_eq(mcfg[54], 0);
	ck_assert_uint_eq(mcfg[55], 0);
	free(buf);
}

START_TEST(acpi_one_cpu)
{
	check_acpi_tables(1);
}
END_TEST

START_TEST(acpi_two_cpus)
{
	check_acpi_tables(2);
}
END_TEST

START_TEST(acpi_eight_cpus)
{
	check_acpi_tables(8);
}
END_TEST

START_TEST(acpi_max_cpus)
{
	check_acpi_tables(VMM_MAX_VCPUS);
}
END_TEST

START_TEST(acpi_errors)
{
	uint8_t	buf[256];
	uint8_t	*big;

	errno = 0;
	ck_assert_uint_eq(acpi_tables_build(buf, sizeof buf, BASE, 1), 0);
	ck_assert_int_eq(errno, ENOSPC);
	big = malloc(BUFSZ);
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(acpi_tables_build(big, BUFSZ, BASE, 0), 0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(acpi_tables_build(big, BUFSZ, BASE,
	    VMM_MAX_VCPUS + 1), 0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(acpi_tables_build(big, 0x400, BASE, 1), 0);
	ck_assert_int_eq(errno, ENOSPC);
	free(big);
}
END_TEST

START_TEST(acpi_build_in_vm)
{
	struct devtest	 t;
	char		*cause = NULL;
	uint64_t	 rsdp = 0;
	uint8_t		*want, *got;
	size_t		 n;

	devtest_init(&t, NULL);
	t.dv_params.vp_ncpus = 4;
	devtest_vm(&t);
	ck_assert_msg(acpi_build(t.dv_vmm, &rsdp, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(rsdp, VMM_ACPI_BASE);
	ck_assert_uint_eq(rsdp % 16, 0);
	want = malloc(BUFSZ);
	got = malloc(BUFSZ);
	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	n = acpi_tables_build(want, BUFSZ, BASE, 4);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(mem_read(t.dv_vmm, VMM_ACPI_BASE, got, n), 0);
	ck_assert_int_eq(memcmp(want, got, n), 0);
	free(want);
	free(got);
	devtest_teardown(&t);
}
END_TEST

static Suite *
check_acpi_suite(void)
{
	Suite	*s = suite_create("acpi");
	TCase	*tc;

	tc = tcase_create("tables");
	tcase_add_test(tc, acpi_one_cpu);
	tcase_add_test(tc, acpi_two_cpus);
	tcase_add_test(tc, acpi_eight_cpus);
	tcase_add_test(tc, acpi_max_cpus);
	tcase_add_test(tc, acpi_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("vm");
	tcase_add_test(tc, acpi_build_in_vm);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_acpi_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
