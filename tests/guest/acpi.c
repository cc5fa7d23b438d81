/* SPDX-License-Identifier: ISC */
/*
 * Reading the firmware's ACPI tables: find the RSDP (from hvm_start_info,
 * else by scanning the EBDA and 0xE0000-0xFFFFF), then a table by its
 * signature through the XSDT (or the RSDT), checking checksums; and the
 * SLP_TYPa value of \_S5_ from the DSDT's AML.
 */
#include "guest.h"

struct acpi_rsdp {
	char		r_sig[8];	/* "RSD PTR " */
	uint8_t		r_sum;		/* first 20 bytes */
	char		r_oem[6];
	uint8_t		r_rev;		/* 0: ACPI 1.0, 2: has XSDT */
	uint32_t	r_rsdt;
	uint32_t	r_len;
	uint64_t	r_xsdt;
	uint8_t		r_xsum;
	uint8_t		r_rsvd[3];
} __attribute__((packed));

#define RSDP_SIG	0x2052545020445352ULL	/* "RSD PTR " */

static uint64_t	acpi_rsdp_addr;

static int	acpi_sum_ok(const void *, size_t);
static uint64_t	acpi_scan(uint64_t, uint64_t);
static const uint8_t *acpi_aml_int(const uint8_t *, const uint8_t *,
		    uint64_t *);

static int
acpi_sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len-- > 0)
		sum += *b++;
	return (sum == 0);
}

static uint64_t
acpi_scan(uint64_t from, uint64_t to)
{
	uint64_t a;

	for (a = from; a + 20 <= to; a += 16) {
		if (*(const uint64_t *)a == RSDP_SIG &&
		    acpi_sum_ok((const void *)a, 20))
			return (a);
	}
	return (0);
}

/* The RSDP's address, or 0. */
uint64_t
acpi_rsdp(void)
{
	uint64_t ebda, bda = 0x40e;

	if (acpi_rsdp_addr != 0)
		return (acpi_rsdp_addr);
	if (boot_info.bi_rsdp != 0)
		acpi_rsdp_addr = boot_info.bi_rsdp;
	else {
		/* The BDA word at 0x40e holds the EBDA segment; the asm
		 * keeps gcc from judging a pointer made from a constant. */
		__asm__("" : "+r"(bda));
		ebda = (uint64_t)*(const uint16_t *)bda << 4;
		if (ebda >= 0x80000 && ebda < 0xa0000)
			acpi_rsdp_addr = acpi_scan(ebda, ebda + 1024);
		if (acpi_rsdp_addr == 0)
			acpi_rsdp_addr = acpi_scan(0xe0000, 0x100000);
	}
	return (acpi_rsdp_addr);
}

/* The first table with this signature whose checksum holds, or NULL. */
const struct acpi_sdt *
acpi_table(const char *sig)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_sdt *root, *t;
	const uint8_t *ents;
	uint64_t addr, fadt_dsdt;
	size_t i, n, esize;

	if (acpi_rsdp() == 0)
		return (NULL);
	rsdp = (const struct acpi_rsdp *)acpi_rsdp();
	if (rsdp->r_rev >= 2 && rsdp->r_xsdt != 0) {
		root = (const struct acpi_sdt *)rsdp->r_xsdt;
		esize = 8;
	} else {
		root = (const struct acpi_sdt *)(uint64_t)rsdp->r_rsdt;
		esize = 4;
	}
	if (root == NULL || !acpi_sum_ok(root, root->s_len))
		return (NULL);
	/* The DSDT is not in the root table: it hangs off the FADT. */
	if (memcmp(sig, "DSDT", 4) == 0) {
		if ((t = acpi_table("FACP")) == NULL)
			return (NULL);
		fadt_dsdt = *(const uint32_t *)((const uint8_t *)t + 40);
		if (t->s_len >= 148 && *(const uint64_t *)
		    ((const uint8_t *)t + 140) != 0)
			fadt_dsdt = *(const uint64_t *)((const uint8_t *)t +
			    140);
		t = (const struct acpi_sdt *)fadt_dsdt;
		if (t == NULL || memcmp(t->s_sig, "DSDT", 4) != 0)
			return (NULL);
		return (t);
	}
	ents = (const uint8_t *)root + sizeof(*root);
	n = (root->s_len - sizeof(*root)) / esize;
	for (i = 0; i < n; i++) {
		if (esize == 8)
			addr = *(const uint64_t *)(ents + 8 * i);
		else
			addr = *(const uint32_t *)(ents + 4 * i);
		t = (const struct acpi_sdt *)addr;
		if (t != NULL && memcmp(t->s_sig, sig, 4) == 0 &&
		    acpi_sum_ok(t, t->s_len))
			return (t);
	}
	return (NULL);
}

/* Decode one AML integer (ZeroOp, OneOp, Byte/Word/DWordPrefix). */
static const uint8_t *
acpi_aml_int(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	if (p >= end)
		return (NULL);
	switch (p[0]) {
	case 0x00:
		*v = 0;
		return (p + 1);
	case 0x01:
		*v = 1;
		return (p + 1);
	case 0x0a:
		if (p + 2 > end)
			return (NULL);
		*v = p[1];
		return (p + 2);
	case 0x0b:
		if (p + 3 > end)
			return (NULL);
		*v = p[1] | (p[2] << 8);
		return (p + 3);
	case 0x0c:
		if (p + 5 > end)
			return (NULL);
		*v = *(const uint32_t *)(p + 1);
		return (p + 5);
	}
	return (NULL);
}

/*
 * SLP_TYPa for S5: the first element of Name(_S5_, Package(){...}) in the
 * DSDT, or -1 if there is none.  The AML is not interpreted, only searched
 * for NameOp "_S5_" PackageOp.
 */
int
acpi_s5_type(const struct acpi_sdt *dsdt)
{
	const uint8_t *p, *end;
	uint64_t v;
	int lenbytes;

	if (dsdt == NULL)
		return (-1);
	p = (const uint8_t *)dsdt + sizeof(*dsdt);
	end = (const uint8_t *)dsdt + dsdt->s_len;
	for (; p + 8 < end; p++) {
		if (p[0] != '_' || p[1] != 'S' || p[2] != '5' || p[3] != '_')
			continue;
		if (p[-1] != 0x08 && !(p[-1] == '\\' && p[-2] == 0x08))
			continue;
		if (p[4] != 0x12)		/* PackageOp */
			continue;
		/* PkgLength: bits 7-6 of the lead byte = extra bytes. */
		lenbytes = 1 + (p[5] >> 6);
		p += 5 + lenbytes + 1;		/* skip NumElements */
		if (acpi_aml_int(p, end, &v) == NULL)
			return (-1);
		return ((int)(v & 7));
	}
	return (-1);
}
