/* SPDX-License-Identifier: ISC */
/*
 * The guest's ACPI tables, written at VMM_ACPI_BASE where an OS finds the
 * RSDP by scanning 0xe0000-0xfffff (and through boot_params / PVH's
 * rsdp_paddr).  The platform is legacy ACPI, not hardware-reduced: the
 * FADT points at acpi-pm.c's PM1a event and control blocks, PM timer and
 * GPE0 block, the reset register is pci.c's 0xcf9, and IAPC_BOOT_ARCH
 * says there is an 8042 (i8042.c) and legacy ISA devices but no VGA.
 *
 *	RSDP -> XSDT (and RSDT) -> FADT -> FACS, DSDT
 *	                        -> MADT (one LAPIC per vCPU, the IOAPIC)
 *	                        -> MCFG (pci.c's ECAM, bus 0)
 *
 * The DSDT's AML is produced by a tiny emitter below (names, integers,
 * packages, buffers, devices, with minimal PkgLength encodings): _S5_
 * {5, 5, 0, 0} for acpi-pm.c's poweroff, COM1 as PNP0501 and the PCI root
 * bridge as PNP0A08 with its resources and a _PRT routing INTx of slot n
 * to GSI VMM_PCI_IRQ_BASE + n % 8.  Layouts follow the ACPI 6.x
 * specification.
 *
 * acpi_tables_build() is pure (a host buffer in, bytes out) so tests walk
 * the very bytes the guest gets; acpi_build() puts them in guest RAM.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"
#include "vmm-dev.h"
#include "acpi.h"

#define ACPI_OEM_ID		"VIREO "	/* 6 bytes */
#define ACPI_OEM_TABLE_ID	"VIREOVM "	/* 8 bytes */
#define ACPI_OEM_REVISION	1
#define ACPI_CREATOR_ID		"VIRE"
#define ACPI_CREATOR_REVISION	1

#define ACPI_HDR_LEN		36	/* the common SDT header */
#define ACPI_RSDP_LEN		36
#define ACPI_RSDP_V1_LEN	20	/* covered by the first checksum */
#define ACPI_FADT_LEN		276	/* revision 6 */
#define ACPI_FADT_REVISION	6
#define ACPI_FACS_LEN		64
#define ACPI_MADT_REVISION	5
#define ACPI_MCFG_REVISION	1
#define ACPI_DSDT_REVISION	2	/* 64-bit AML integers */

/* FADT field offsets. */
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_PM_PROFILE		45
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM_TMR_BLK		76
#define FADT_GPE0_BLK		80
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_PM_TMR_LEN		91
#define FADT_GPE0_BLK_LEN	92
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_MINOR_REVISION	131
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_X_PM_TMR_BLK	208
#define FADT_X_GPE0_BLK		220

/* FADT flags. */
#define FADT_F_WBINVD		(1U << 0)
#define FADT_F_PROC_C1		(1U << 2)
#define FADT_F_SLP_BUTTON	(1U << 5)	/* no sleep button */
#define FADT_F_FIX_RTC		(1U << 6)	/* no RTC wake status */
#define FADT_F_RESET_REG_SUP	(1U << 10)

/* IAPC_BOOT_ARCH. */
#define FADT_BOOT_LEGACY	(1U << 0)	/* ISA devices (UART, RTC) */
#define FADT_BOOT_8042		(1U << 1)
#define FADT_BOOT_NO_VGA	(1U << 2)

#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_CNT_LEN	2
#define ACPI_PM_TMR_LEN		4
#define ACPI_GPE0_LEN		4
#define ACPI_RESET_VALUE	0x06	/* 0xcf9: hard reset + reset CPU */
#define ACPI_RTC_CENTURY	0x32	/* mc146818.c's century register */

/* Generic address structure. */
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2
#define GAS_ACCESS_DWORD	3

/* MADT. */
#define MADT_PCAT_COMPAT	1
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define MADT_LAPIC_NMI		4
#define MADT_ISO_HIGH_LEVEL	0x000d	/* active high, level triggered */
#define MADT_IOAPIC_ID		0
#define MADT_PIT_IRQ		0
#define MADT_PIT_GSI		VMM_PIT_GSI

/* AML opcodes. */
#define AML_ZERO		0x00
#define AML_ONE			0x01
#define AML_NAME		0x08
#define AML_BYTE		0x0a
#define AML_WORD		0x0b
#define AML_DWORD		0x0c
#define AML_STRING		0x0d
#define AML_QWORD		0x0e
#define AML_SCOPE		0x10
#define AML_BUFFER		0x11
#define AML_PACKAGE		0x12
#define AML_EXT			0x5b
#define AML_DEVICE		0x82	/* after AML_EXT */
#define AML_ROOT		0x5c
#define AML_DEPTH		8

#define ACPI_PCI_SLOTS		32

/* An AML byte stream being built; nested PkgLengths are patched on close. */
struct acpi_aml {
	uint8_t		*aml_buf;	/* output, not owned */
	size_t		 aml_cap;	/* bytes available */
	size_t		 aml_len;	/* bytes written */
	size_t		 aml_open[AML_DEPTH]; /* offsets of reserved lengths */
	int		 aml_depth;	/* open packages */
	int		 aml_error;	/* overflow or nesting error */
};

static void	acpi_put8(uint8_t *, uint8_t);
static void	acpi_put16(uint8_t *, uint16_t);
static void	acpi_put32(uint8_t *, uint32_t);
static void	acpi_put64(uint8_t *, uint64_t);
static uint8_t	acpi_checksum(const uint8_t *, size_t);
static void	acpi_header(uint8_t *, const char *, uint32_t, uint8_t);
static void	acpi_gas(uint8_t *, uint8_t, uint8_t, uint64_t);
static size_t	acpi_align(size_t, size_t);
static size_t	acpi_fadt(uint8_t *, uint64_t, uint64_t);
static size_t	acpi_facs(uint8_t *);
static size_t	acpi_madt(uint8_t *, unsigned int);
static size_t	acpi_mcfg(uint8_t *);
static size_t	acpi_dsdt(uint8_t *, size_t);
static void	acpi_aml_byte(struct acpi_aml *, uint8_t);
static void	acpi_aml_bytes(struct acpi_aml *, const void *, size_t);
static void	acpi_aml_open(struct acpi_aml *);
static void	acpi_aml_close(struct acpi_aml *);
static void	acpi_aml_int(struct acpi_aml *, uint64_t);
static void	acpi_aml_name(struct acpi_aml *, const char *);
static void	acpi_aml_eisaid(struct acpi_aml *, const char *);
static void	acpi_aml_s5(struct acpi_aml *);
static void	acpi_aml_com1(struct acpi_aml *);
static void	acpi_aml_pci(struct acpi_aml *);
static void	acpi_aml_word_space(struct acpi_aml *, uint8_t, uint8_t,
		    uint16_t, uint16_t);
static void	acpi_aml_dword_mem(struct acpi_aml *, uint32_t, uint32_t);

static void
acpi_put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static void
acpi_put16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
acpi_put32(uint8_t *p, uint32_t v)
{
	acpi_put16(p, v & 0xffff);
	acpi_put16(p + 2, v >> 16);
}

static void
acpi_put64(uint8_t *p, uint64_t v)
{
	acpi_put32(p, v & 0xffffffff);
	acpi_put32(p + 4, v >> 32);
}

/* The byte that makes len bytes sum to zero (with it at 0 when computed). */
static uint8_t
acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t	sum = 0;
	size_t	i;

	for (i = 0; i < len; i++)
		sum += p[i];
	return ((uint8_t)(0x100 - sum));
}

static size_t
acpi_align(size_t off, size_t align)
{
	return ((off + align - 1) & ~(align - 1));
}

/* The common header; the checksum is filled once the table is complete. */
static void
acpi_header(uint8_t *p, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(p, sig, 4);
	acpi_put32(p + 4, len);
	acpi_put8(p + 8, rev);
	acpi_put8(p + 9, 0);
	memcpy(p + 10, ACPI_OEM_ID, 6);
	memcpy(p + 16, ACPI_OEM_TABLE_ID, 8);
	acpi_put32(p + 24, ACPI_OEM_REVISION);
	memcpy(p + 28, ACPI_CREATOR_ID, 4);
	acpi_put32(p + 32, ACPI_CREATOR_REVISION);
}

/* A generic address structure in system I/O space. */
static void
acpi_gas(uint8_t *p, uint8_t bits, uint8_t access, uint64_t port)
{
	acpi_put8(p, GAS_SYSTEM_IO);
	acpi_put8(p + 1, bits);
	acpi_put8(p + 2, 0);
	acpi_put8(p + 3, access);
	acpi_put64(p + 4, port);
}

/*
 * FADT revision 6: the legacy PM blocks of acpi-pm.c, SCI on
 * VMM_SCI_IRQ, no SMI_CMD (always in ACPI mode), C2/C3 unsupported,
 * reset through 0xcf9.
 */
static size_t
acpi_fadt(uint8_t *p, uint64_t facs, uint64_t dsdt)
{
	memset(p, 0, ACPI_FADT_LEN);
	acpi_header(p, "FACP", ACPI_FADT_LEN, ACPI_FADT_REVISION);
	acpi_put32(p + FADT_FIRMWARE_CTRL, (uint32_t)facs);
	acpi_put32(p + FADT_DSDT, (uint32_t)dsdt);
	acpi_put8(p + FADT_PM_PROFILE, 4);	/* enterprise server */
	acpi_put16(p + FADT_SCI_INT, VMM_SCI_IRQ);
	acpi_put32(p + FADT_SMI_CMD, 0);
	acpi_put32(p + FADT_PM1A_EVT_BLK, VMM_PM_BASE);
	acpi_put32(p + FADT_PM1A_CNT_BLK, VMM_PM1A_CNT);
	acpi_put32(p + FADT_PM_TMR_BLK, VMM_PM_TMR);
	acpi_put32(p + FADT_GPE0_BLK, VMM_GPE0_BASE);
	acpi_put8(p + FADT_PM1_EVT_LEN, ACPI_PM1_EVT_LEN);
	acpi_put8(p + FADT_PM1_CNT_LEN, ACPI_PM1_CNT_LEN);
	acpi_put8(p + FADT_PM_TMR_LEN, ACPI_PM_TMR_LEN);
	acpi_put8(p + FADT_GPE0_BLK_LEN, ACPI_GPE0_LEN);
	/* Latencies above 100 and 1000 us mean "no C2", "no C3". */
	acpi_put16(p + FADT_P_LVL2_LAT, 101);
	acpi_put16(p + FADT_P_LVL3_LAT, 1001);
	acpi_put8(p + FADT_CENTURY, ACPI_RTC_CENTURY);
	acpi_put16(p + FADT_IAPC_BOOT_ARCH,
	    FADT_BOOT_LEGACY | FADT_BOOT_8042 | FADT_BOOT_NO_VGA);
	/* PWR_BUTTON clear: the power button is the fixed-feature one. */
	acpi_put32(p + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 |
	    FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP);
	acpi_gas(p + FADT_RESET_REG, 8, GAS_ACCESS_BYTE, VMM_RESET_PORT);
	acpi_put8(p + FADT_RESET_VALUE, ACPI_RESET_VALUE);
	acpi_put8(p + FADT_MINOR_REVISION, 0);
	acpi_put64(p + FADT_X_FIRMWARE_CTRL, facs);
	acpi_put64(p + FADT_X_DSDT, dsdt);
	acpi_gas(p + FADT_X_PM1A_EVT_BLK, 8 * ACPI_PM1_EVT_LEN,
	    GAS_ACCESS_WORD, VMM_PM_BASE);
	acpi_gas(p + FADT_X_PM1A_CNT_BLK, 8 * ACPI_PM1_CNT_LEN,
	    GAS_ACCESS_WORD, VMM_PM1A_CNT);
	acpi_gas(p + FADT_X_PM_TMR_BLK, 8 * ACPI_PM_TMR_LEN,
	    GAS_ACCESS_DWORD, VMM_PM_TMR);
	acpi_gas(p + FADT_X_GPE0_BLK, 8 * ACPI_GPE0_LEN, GAS_ACCESS_BYTE,
	    VMM_GPE0_BASE);
	p[9] = acpi_checksum(p, ACPI_FADT_LEN);
	return (ACPI_FADT_LEN);
}

/* FACS: no checksum, nothing but its identity (no S4, no waking vector). */
static size_t
acpi_facs(uint8_t *p)
{
	memset(p, 0, ACPI_FACS_LEN);
	memcpy(p, "FACS", 4);
	acpi_put32(p + 4, ACPI_FACS_LEN);
	acpi_put8(p + 32, 2);	/* version */
	return (ACPI_FACS_LEN);
}

/*
 * MADT: the LAPIC address and PCAT_COMPAT (there is an 8259 pair), a
 * local APIC per vCPU (UID = APIC ID = vCPU index, enabled), the IOAPIC
 * with GSI base 0, the PIT's IRQ 0 on GSI 2, the SCI as level/active high
 * (acpi-pm.c drives it that way), and LINT1 as NMI on every CPU.
 */
static size_t
acpi_madt(uint8_t *p, unsigned int ncpus)
{
	size_t		len;
	unsigned int	i;

	len = ACPI_HDR_LEN + 8;
	acpi_put32(p + ACPI_HDR_LEN, (uint32_t)VMM_LAPIC_BASE);
	acpi_put32(p + ACPI_HDR_LEN + 4, MADT_PCAT_COMPAT);
	for (i = 0; i < ncpus; i++) {
		acpi_put8(p + len, MADT_LAPIC);
		acpi_put8(p + len + 1, 8);
		acpi_put8(p + len + 2, (uint8_t)i);	/* processor UID */
		acpi_put8(p + len + 3, (uint8_t)i);	/* APIC ID */
		acpi_put32(p + len + 4, 1);		/* enabled */
		len += 8;
	}
	acpi_put8(p + len, MADT_IOAPIC);
	acpi_put8(p + len + 1, 12);
	acpi_put8(p + len + 2, MADT_IOAPIC_ID);
	acpi_put8(p + len + 3, 0);
	acpi_put32(p + len + 4, (uint32_t)VMM_IOAPIC_BASE);
	acpi_put32(p + len + 8, 0);			/* GSI base */
	len += 12;
	acpi_put8(p + len, MADT_ISO);
	acpi_put8(p + len + 1, 10);
	acpi_put8(p + len + 2, 0);			/* ISA */
	acpi_put8(p + len + 3, MADT_PIT_IRQ);
	acpi_put32(p + len + 4, MADT_PIT_GSI);
	acpi_put16(p + len + 8, 0);			/* bus defaults */
	len += 10;
	acpi_put8(p + len, MADT_ISO);
	acpi_put8(p + len + 1, 10);
	acpi_put8(p + len + 2, 0);
	acpi_put8(p + len + 3, VMM_SCI_IRQ);
	acpi_put32(p + len + 4, VMM_SCI_IRQ);
	acpi_put16(p + len + 8, MADT_ISO_HIGH_LEVEL);
	len += 10;
	acpi_put8(p + len, MADT_LAPIC_NMI);
	acpi_put8(p + len + 1, 6);
	acpi_put8(p + len + 2, 0xff);			/* all processors */
	acpi_put16(p + len + 3, 0);
	acpi_put8(p + len + 5, 1);			/* LINT1 */
	len += 6;
	acpi_header(p, "APIC", (uint32_t)len, ACPI_MADT_REVISION);
	p[9] = acpi_checksum(p, len);
	return (len);
}

/* MCFG: one allocation, pci.c's ECAM for segment 0, bus 0 only. */
static size_t
acpi_mcfg(uint8_t *p)
{
	size_t	len = ACPI_HDR_LEN + 8 + 16;

	memset(p, 0, len);
	acpi_header(p, "MCFG", (uint32_t)len, ACPI_MCFG_REVISION);
	acpi_put64(p + ACPI_HDR_LEN + 8, VMM_ECAM_BASE);
	acpi_put16(p + ACPI_HDR_LEN + 16, 0);		/* segment */
	acpi_put8(p + ACPI_HDR_LEN + 18, 0);		/* first bus */
	acpi_put8(p + ACPI_HDR_LEN + 19,
	    (uint8_t)(VMM_ECAM_SIZE / 0x100000 - 1));	/* last bus */
	p[9] = acpi_checksum(p, len);
	return (len);
}

static void
acpi_aml_byte(struct acpi_aml *a, uint8_t b)
{
	if (a->aml_len >= a->aml_cap) {
		a->aml_error = 1;
		return;
	}
	a->aml_buf[a->aml_len++] = b;
}

static void
acpi_aml_bytes(struct acpi_aml *a, const void *p, size_t n)
{
	const uint8_t	*b = p;
	size_t		 i;

	for (i = 0; i < n; i++)
		acpi_aml_byte(a, b[i]);
}

/* Start something with a PkgLength: reserve its longest form (4 bytes). */
static void
acpi_aml_open(struct acpi_aml *a)
{
	if (a->aml_depth >= AML_DEPTH) {
		a->aml_error = 1;
		return;
	}
	a->aml_open[a->aml_depth++] = a->aml_len;
	acpi_aml_bytes(a, "\0\0\0\0", 4);
}

/*
 * End it: the PkgLength counts itself and what follows; use the shortest
 * encoding (1 byte up to 63, else a lead byte with the low nibble and 1-3
 * more bytes) and move the contents down.
 */
static void
acpi_aml_close(struct acpi_aml *a)
{
	size_t		pos, n, k, total;
	uint8_t		*p;

	if (a->aml_depth <= 0) {
		a->aml_error = 1;
		return;
	}
	pos = a->aml_open[--a->aml_depth];
	if (a->aml_error)
		return;
	n = a->aml_len - pos - 4;
	if (n + 1 <= 0x3f)
		k = 1;
	else if (n + 2 <= 0xfff)
		k = 2;
	else if (n + 3 <= 0xfffff)
		k = 3;
	else
		k = 4;
	total = n + k;
	p = a->aml_buf + pos;
	if (k == 1)
		p[0] = (uint8_t)total;
	else {
		p[0] = (uint8_t)(((k - 1) << 6) | (total & 0x0f));
		p[1] = (uint8_t)(total >> 4);
		if (k > 2)
			p[2] = (uint8_t)(total >> 12);
		if (k > 3)
			p[3] = (uint8_t)(total >> 20);
	}
	memmove(p + k, p + 4, n);
	a->aml_len -= 4 - k;
}

/* The shortest integer encoding. */
static void
acpi_aml_int(struct acpi_aml *a, uint64_t v)
{
	uint8_t	b[8];

	if (v == 0)
		acpi_aml_byte(a, AML_ZERO);
	else if (v == 1)
		acpi_aml_byte(a, AML_ONE);
	else if (v <= 0xff) {
		acpi_aml_byte(a, AML_BYTE);
		acpi_aml_byte(a, (uint8_t)v);
	} else if (v <= 0xffff) {
		acpi_aml_byte(a, AML_WORD);
		acpi_put16(b, (uint16_t)v);
		acpi_aml_bytes(a, b, 2);
	} else if (v <= 0xffffffff) {
		acpi_aml_byte(a, AML_DWORD);
		acpi_put32(b, (uint32_t)v);
		acpi_aml_bytes(a, b, 4);
	} else {
		acpi_aml_byte(a, AML_QWORD);
		acpi_put64(b, v);
		acpi_aml_bytes(a, b, 8);
	}
}

/* Name(seg, ...): NameOp and a 4-character name segment; value follows. */
static void
acpi_aml_name(struct acpi_aml *a, const char *seg)
{
	acpi_aml_byte(a, AML_NAME);
	acpi_aml_bytes(a, seg, 4);
}

/*
 * EisaId("PNPxxxx"): three letters of 5 bits each (A = 1) then four hex
 * digits, stored big-endian as a DWordConst.
 */
static void
acpi_aml_eisaid(struct acpi_aml *a, const char *id)
{
	static const char	hex[] = "0123456789ABCDEF";
	uint8_t			b[4], d[4];
	int			i;

	for (i = 0; i < 4; i++)
		d[i] = (uint8_t)(strchr(hex, id[3 + i]) - hex);
	b[0] = (uint8_t)(((id[0] - 0x40) << 2) | ((id[1] - 0x40) >> 3));
	b[1] = (uint8_t)((((id[1] - 0x40) & 7) << 5) | (id[2] - 0x40));
	b[2] = (uint8_t)((d[0] << 4) | d[1]);
	b[3] = (uint8_t)((d[2] << 4) | d[3]);
	acpi_aml_byte(a, AML_DWORD);
	acpi_aml_bytes(a, b, 4);
}

/*
 * Name(_S5_, Package() {5, 5, 0, 0}): SLP_TYPa, SLP_TYPb and two
 * reserved; acpi-pm.c powers off on SLP_TYP 5.  The bytes are
 * 08 5F 53 35 5F 12 08 04 0A 05 0A 05 00 00.
 */
static void
acpi_aml_s5(struct acpi_aml *a)
{
	acpi_aml_name(a, "_S5_");
	acpi_aml_byte(a, AML_PACKAGE);
	acpi_aml_open(a);
	acpi_aml_byte(a, 4);
	acpi_aml_int(a, 5);
	acpi_aml_int(a, 5);
	acpi_aml_int(a, 0);
	acpi_aml_int(a, 0);
	acpi_aml_close(a);
}

/*
 * Device(COM1) { _HID PNP0501, _UID 1, _CRS { IO(Decode16, 0x3f8, 0x3f8,
 * 8, 8), IRQNoFlags() {4} } }.
 */
static void
acpi_aml_com1(struct acpi_aml *a)
{
	uint8_t	res[13];

	acpi_aml_byte(a, AML_EXT);
	acpi_aml_byte(a, AML_DEVICE);
	acpi_aml_open(a);
	acpi_aml_bytes(a, "COM1", 4);
	acpi_aml_name(a, "_HID");
	acpi_aml_eisaid(a, "PNP0501");
	acpi_aml_name(a, "_UID");
	acpi_aml_int(a, 1);
	/* I/O port descriptor (small item 8, 7 bytes), 16-bit decode. */
	res[0] = 0x47;
	res[1] = 0x01;
	acpi_put16(res + 2, VMM_COM1_PORT);
	acpi_put16(res + 4, VMM_COM1_PORT);
	res[6] = 8;
	res[7] = 8;
	/* IRQ descriptor (small item 4, 2 bytes): edge, active high. */
	res[8] = 0x22;
	acpi_put16(res + 9, 1U << VMM_COM1_IRQ);
	/* End tag, checksum 0 ("not computed"). */
	res[11] = 0x79;
	res[12] = 0x00;
	acpi_aml_name(a, "_CRS");
	acpi_aml_byte(a, AML_BUFFER);
	acpi_aml_open(a);
	acpi_aml_int(a, sizeof res);
	acpi_aml_bytes(a, res, sizeof res);
	acpi_aml_close(a);
	acpi_aml_close(a);
}

/*
 * Word address space descriptor (large item 8): type 1 I/O or 2 bus
 * numbers, a producer with fixed min and max.
 */
static void
acpi_aml_word_space(struct acpi_aml *a, uint8_t type, uint8_t tflags,
    uint16_t min, uint16_t max)
{
	uint8_t	d[16];

	d[0] = 0x88;
	acpi_put16(d + 1, 13);
	d[3] = type;
	d[4] = 0x0c;		/* MaxFixed, MinFixed, PosDecode, producer */
	d[5] = tflags;
	acpi_put16(d + 6, 0);	/* granularity */
	acpi_put16(d + 8, min);
	acpi_put16(d + 10, max);
	acpi_put16(d + 12, 0);	/* translation */
	acpi_put16(d + 14, (uint16_t)(max - min + 1));
	acpi_aml_bytes(a, d, sizeof d);
}

/* DWord memory descriptor (large item 7): read-write, non-cacheable. */
static void
acpi_aml_dword_mem(struct acpi_aml *a, uint32_t min, uint32_t len)
{
	uint8_t	d[26];

	d[0] = 0x87;
	acpi_put16(d + 1, 23);
	d[3] = 0;		/* memory */
	d[4] = 0x0c;
	d[5] = 0x01;		/* read-write */
	acpi_put32(d + 6, 0);
	acpi_put32(d + 10, min);
	acpi_put32(d + 14, min + len - 1);
	acpi_put32(d + 18, 0);
	acpi_put32(d + 22, len);
	acpi_aml_bytes(a, d, sizeof d);
}

/*
 * Device(PCI0): the root bridge of pci.c (PNP0A08, compatible PNP0A03),
 * segment 0, bus 0.  _CRS: bus 0, the 0xcf8 ports it decodes itself, the
 * I/O space around them and the 32-bit MMIO window.  _PRT: every pin of
 * slot n (1-31; 0 is the bridge) goes to GSI VMM_PCI_IRQ_BASE + n % 8.
 */
static void
acpi_aml_pci(struct acpi_aml *a)
{
	static const uint8_t	conf_io[] = {
		0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08
	};
	unsigned int		slot, pin;

	acpi_aml_byte(a, AML_EXT);
	acpi_aml_byte(a, AML_DEVICE);
	acpi_aml_open(a);
	acpi_aml_bytes(a, "PCI0", 4);
	acpi_aml_name(a, "_HID");
	acpi_aml_eisaid(a, "PNP0A08");
	acpi_aml_name(a, "_CID");
	acpi_aml_eisaid(a, "PNP0A03");
	acpi_aml_name(a, "_SEG");
	acpi_aml_int(a, 0);
	acpi_aml_name(a, "_BBN");
	acpi_aml_int(a, 0);
	acpi_aml_name(a, "_UID");
	acpi_aml_int(a, 0);

	acpi_aml_name(a, "_CRS");
	acpi_aml_byte(a, AML_BUFFER);
	acpi_aml_open(a);
	/* 16 + 8 + 16 + 16 + 26 + 2 bytes of descriptors. */
	acpi_aml_int(a, 84);
	acpi_aml_word_space(a, 2, 0, 0, 0);
	acpi_aml_bytes(a, conf_io, sizeof conf_io);
	acpi_aml_word_space(a, 1, 0x03, 0x0000, VMM_PCI_CONF_PORT - 1);
	acpi_aml_word_space(a, 1, 0x03, VMM_PCI_CONF_PORT + 8, 0xffff);
	acpi_aml_dword_mem(a, (uint32_t)VMM_PCI_MMIO_BASE,
	    (uint32_t)VMM_PCI_MMIO_SIZE);
	acpi_aml_bytes(a, "\x79\x00", 2);
	acpi_aml_close(a);

	acpi_aml_name(a, "_PRT");
	acpi_aml_byte(a, AML_PACKAGE);
	acpi_aml_open(a);
	acpi_aml_byte(a, (ACPI_PCI_SLOTS - 1) * 4);
	for (slot = 1; slot < ACPI_PCI_SLOTS; slot++) {
		for (pin = 0; pin < 4; pin++) {
			acpi_aml_byte(a, AML_PACKAGE);
			acpi_aml_open(a);
			acpi_aml_byte(a, 4);
			/* Address: slot in the high word, any function. */
			acpi_aml_int(a, ((uint64_t)slot << 16) | 0xffff);
			acpi_aml_int(a, pin);
			acpi_aml_int(a, 0);	/* source: a fixed GSI */
			acpi_aml_int(a, VMM_PCI_IRQ_BASE + slot % 8);
			acpi_aml_close(a);
		}
	}
	acpi_aml_close(a);
	acpi_aml_close(a);
}

/* The DSDT: header and AML; returns its length, 0 if it did not fit. */
static size_t
acpi_dsdt(uint8_t *p, size_t cap)
{
	struct acpi_aml	a;

	if (cap < ACPI_HDR_LEN)
		return (0);
	memset(&a, 0, sizeof a);
	a.aml_buf = p + ACPI_HDR_LEN;
	a.aml_cap = cap - ACPI_HDR_LEN;
	acpi_aml_s5(&a);
	/* Scope(\_SB_) { COM1, PCI0 } */
	acpi_aml_byte(&a, AML_SCOPE);
	acpi_aml_open(&a);
	acpi_aml_byte(&a, AML_ROOT);
	acpi_aml_bytes(&a, "_SB_", 4);
	acpi_aml_com1(&a);
	acpi_aml_pci(&a);
	acpi_aml_close(&a);
	if (a.aml_error || a.aml_depth != 0)
		return (0);
	acpi_header(p, "DSDT", (uint32_t)(ACPI_HDR_LEN + a.aml_len),
	    ACPI_DSDT_REVISION);
	p[9] = acpi_checksum(p, ACPI_HDR_LEN + a.aml_len);
	return (ACPI_HDR_LEN + a.aml_len);
}

size_t
acpi_tables_build(void *buf, size_t size, uint64_t base, unsigned int ncpus)
{
	uint8_t		*p = buf;
	size_t		 off, xsdt, rsdt, fadt, facs, dsdt, madt, mcfg, n;

	if (ncpus == 0 || ncpus > VMM_MAX_VCPUS || base > 0xffffffffULL ||
	    (base & 0xf) != 0) {
		errno = EINVAL;
		return (0);
	}
	/* Fixed-size tables first, then the DSDT and MADT as they come. */
	facs = acpi_align(ACPI_RSDP_OFFSET + ACPI_RSDP_LEN, 64);
	xsdt = acpi_align(facs + ACPI_FACS_LEN, 16);
	rsdt = acpi_align(xsdt + ACPI_HDR_LEN + 3 * 8, 16);
	fadt = acpi_align(rsdt + ACPI_HDR_LEN + 3 * 4, 16);
	dsdt = acpi_align(fadt + ACPI_FADT_LEN, 16);
	if (size < dsdt) {
		errno = ENOSPC;
		return (0);
	}
	memset(p, 0, size);
	acpi_facs(p + facs);
	n = acpi_dsdt(p + dsdt, size - dsdt);
	if (n == 0) {
		errno = ENOSPC;
		return (0);
	}
	madt = acpi_align(dsdt + n, 16);
	if (madt + ACPI_HDR_LEN + 8 + 8 * ncpus + 38 + 16 +
	    ACPI_HDR_LEN + 24 > size) {
		errno = ENOSPC;
		return (0);
	}
	n = acpi_madt(p + madt, ncpus);
	mcfg = acpi_align(madt + n, 16);
	off = mcfg + acpi_mcfg(p + mcfg);

	acpi_fadt(p + fadt, base + facs, base + dsdt);

	acpi_header(p + xsdt, "XSDT", ACPI_HDR_LEN + 3 * 8, 1);
	acpi_put64(p + xsdt + ACPI_HDR_LEN, base + fadt);
	acpi_put64(p + xsdt + ACPI_HDR_LEN + 8, base + madt);
	acpi_put64(p + xsdt + ACPI_HDR_LEN + 16, base + mcfg);
	p[xsdt + 9] = acpi_checksum(p + xsdt, ACPI_HDR_LEN + 3 * 8);

	acpi_header(p + rsdt, "RSDT", ACPI_HDR_LEN + 3 * 4, 1);
	acpi_put32(p + rsdt + ACPI_HDR_LEN, (uint32_t)(base + fadt));
	acpi_put32(p + rsdt + ACPI_HDR_LEN + 4, (uint32_t)(base + madt));
	acpi_put32(p + rsdt + ACPI_HDR_LEN + 8, (uint32_t)(base + mcfg));
	p[rsdt + 9] = acpi_checksum(p + rsdt, ACPI_HDR_LEN + 3 * 4);

	/* RSDP revision 2: checksum over 20 bytes, extended over all 36. */
	memset(p + ACPI_RSDP_OFFSET, 0, ACPI_RSDP_LEN);
	memcpy(p + ACPI_RSDP_OFFSET, "RSD PTR ", 8);
	memcpy(p + ACPI_RSDP_OFFSET + 9, ACPI_OEM_ID, 6);
	acpi_put8(p + ACPI_RSDP_OFFSET + 15, 2);
	acpi_put32(p + ACPI_RSDP_OFFSET + 16, (uint32_t)(base + rsdt));
	acpi_put32(p + ACPI_RSDP_OFFSET + 20, ACPI_RSDP_LEN);
	acpi_put64(p + ACPI_RSDP_OFFSET + 24, base + xsdt);
	p[ACPI_RSDP_OFFSET + 8] = acpi_checksum(p + ACPI_RSDP_OFFSET,
	    ACPI_RSDP_V1_LEN);
	p[ACPI_RSDP_OFFSET + 32] = acpi_checksum(p + ACPI_RSDP_OFFSET,
	    ACPI_RSDP_LEN);
	return (off);
}

int
acpi_build(struct vmm *vmm, uint64_t *rsdp, char **cause)
{
	const struct vmm_params	*params = vmm_params(vmm);
	uint8_t			*buf;
	size_t			 n;

	buf = xcalloc(1, VMM_ACPI_SIZE);
	n = acpi_tables_build(buf, VMM_ACPI_SIZE, VMM_ACPI_BASE,
	    params->vp_ncpus);
	if (n == 0) {
		xasprintf(cause, "ACPI tables for %u vCPUs: %s",
		    params->vp_ncpus, strerror(errno));
		free(buf);
		return (-1);
	}
	if (mem_write(vmm, VMM_ACPI_BASE, buf, n) == -1) {
		xasprintf(cause, "ACPI tables at 0x%llx: %s",
		    (unsigned long long)VMM_ACPI_BASE, strerror(errno));
		free(buf);
		return (-1);
	}
	free(buf);
	*rsdp = VMM_ACPI_BASE + ACPI_RSDP_OFFSET;
	return (0);
}
