/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the guest image loaders (vmm/loader*.c).  Each test
 * builds a small synthetic image in memory (a bzImage with a setup header,
 * an ELF64 vmlinux, a PVH ELF with its "Xen" note), writes it to a
 * temporary file, loads it into a fake VM and reads guest RAM back: the
 * zero page and hvm_start_info fields a kernel reads, the command line,
 * the initrd bytes, the e820 map against e820_build(), the entry state.
 * Bad images (truncated at many lengths, foreign, too old, too big) must
 * fail with a cause a person can act on.
 *
 * When the Debian kernel fetched by itest_linux_boot.sh is in the cache
 * ($VIREO_CACHE or ~/.cache/vireo: vmlinuz and vmlinux), the real setup
 * header and vmlinux are checked too.
 */

#include "config.h"

#include <asm/bootparam.h>
#include <sys/stat.h>

#include <check.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "vmm-dev.h"

#define CHECK_LOADER_MEM	(64ULL << 20)
#define CHECK_LOADER_RSDP	0xe0000ULL
#define CHECK_LOADER_CMDLINE	"console=ttyS0 root=/dev/vda ro quiet"
#define CHECK_LOADER_PVH_ENTRY	0x100040ULL

/* What a synthetic bzImage declares. */
struct check_loader_bz {
	uint8_t		 setup_sects;
	uint16_t	 version;
	uint16_t	 xloadflags;
	uint8_t		 relocatable;
	uint32_t	 kernel_alignment;
	uint64_t	 pref_address;
	uint32_t	 init_size;
	uint32_t	 cmdline_size;
	uint32_t	 initrd_addr_max;
	size_t		 payload;		/* protected-mode bytes */
};

/* One PT_LOAD segment of a synthetic ELF. */
struct check_loader_seg {
	uint64_t	 paddr;
	uint64_t	 vaddr;
	uint64_t	 filesz;
	uint64_t	 memsz;
};

/* A synthetic ELF: segments, entry, and the PVH note if any. */
struct check_loader_elf {
	const struct check_loader_seg *segs;
	size_t		 nsegs;
	uint64_t	 entry;
	int		 note;			/* 1: add the PVH note */
	uint32_t	 note_descsz;		/* 4 or 8 */
	uint64_t	 note_entry;
	uint8_t		 class;			/* 0: ELFCLASS64 */
	uint16_t	 machine;		/* 0: EM_X86_64 */
};

static Suite	*check_loader_suite(void);
static void	 check_loader_bz_defaults(struct check_loader_bz *);
static uint8_t	*check_loader_bzimage(const struct check_loader_bz *,
		    size_t *);
static size_t	 check_loader_setup_len(const uint8_t *);
static void	 check_loader_elf_init(struct check_loader_elf *,
		    const struct check_loader_seg *, size_t, uint64_t);
static uint8_t	*check_loader_elf(const struct check_loader_elf *, size_t *);
static uint8_t	 check_loader_pattern(size_t);
static char	*check_loader_file(const void *, size_t);
static struct vmm *check_loader_vm(uint64_t, struct vmm_params *);
static int	 check_loader_load(const void *, size_t, const char *,
		    const void *, size_t, enum vmm_boot_kind, uint64_t,
		    struct vmm **, struct loader_entry *, char **);
static void	 check_loader_fail(const void *, size_t, const char *,
		    const void *, size_t, enum vmm_boot_kind, uint64_t,
		    const char *);
static void	 check_loader_bz_fail(const struct check_loader_bz *,
		    const char *);
static void	 check_loader_elf_fail(const struct check_loader_elf *,
		    const char *, enum vmm_boot_kind, const char *);
static void	 check_loader_e820(struct vmm *, const struct boot_params *);
static void	 check_loader_cmdline(struct vmm *, uint64_t, const char *);
static void	 check_loader_bytes(struct vmm *, uint64_t, const uint8_t *,
		    size_t);
static char	*check_loader_cached(const char *);

/* Deterministic file contents, so any misplaced byte shows. */
static uint8_t
check_loader_pattern(size_t i)
{
	return ((uint8_t)(i * 31 + 7 + (i >> 8)));
}

static void
check_loader_bz_defaults(struct check_loader_bz *bz)
{
	memset(bz, 0, sizeof *bz);
	bz->setup_sects = 0;			/* 0 means 4 */
	bz->version = 0x020f;
	bz->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	bz->relocatable = 1;
	bz->kernel_alignment = 0x200000;
	bz->pref_address = 0x1000000;
	bz->init_size = 0x800000;
	bz->cmdline_size = 255;
	bz->initrd_addr_max = 0x7fffffff;
	bz->payload = 8192 + 123;
}

/* A minimal bzImage: boot sector, setup header, setup code, payload. */
static uint8_t *
check_loader_bzimage(const struct check_loader_bz *bz, size_t *lenp)
{
	struct setup_header	 hdr;
	size_t			 setup_len, len, i;
	uint8_t			*buf;

	setup_len = ((bz->setup_sects != 0 ? bz->setup_sects : 4) + 1) * 512;
	len = setup_len + bz->payload;
	buf = xcalloc(1, len);
	for (i = 0; i < len; i++)
		buf[i] = check_loader_pattern(i);

	memset(&hdr, 0, sizeof hdr);
	hdr.setup_sects = bz->setup_sects;
	hdr.syssize = (uint32_t)(bz->payload / 16);
	hdr.boot_flag = 0xaa55;
	/* Short jump from 0x200 over the header to its end (0x26c). */
	hdr.jump = (uint16_t)(0xeb | ((0x26c - 0x202) << 8));
	memcpy(&hdr.header, "HdrS", 4);
	hdr.version = bz->version;
	hdr.kernel_version = 0x1234;
	hdr.loadflags = LOADED_HIGH;
	hdr.code32_start = 0x100000;
	hdr.initrd_addr_max = bz->initrd_addr_max;
	hdr.kernel_alignment = bz->kernel_alignment;
	hdr.relocatable_kernel = bz->relocatable;
	hdr.min_alignment = 21;
	hdr.xloadflags = bz->xloadflags;
	hdr.cmdline_size = bz->cmdline_size;
	hdr.payload_offset = 0x2cc;
	hdr.payload_length = (uint32_t)bz->payload - 0x2cc;
	hdr.pref_address = bz->pref_address;
	hdr.init_size = bz->init_size;
	hdr.handover_offset = 0x190;
	memcpy(buf + 0x1f1, &hdr, sizeof hdr);
	*lenp = len;
	return (buf);
}

static size_t
check_loader_setup_len(const uint8_t *img)
{
	return (((img[0x1f1] != 0 ? img[0x1f1] : 4) + 1) * 512);
}

/*
 * A minimal ELF64: header, program headers (the PVH note first, after a
 * GNU note it must skip), then each segment's file bytes.
 */
static uint8_t *
check_loader_elf(const struct check_loader_elf *e, size_t *lenp)
{
	Elf64_Ehdr	 eh;
	Elf64_Phdr	 ph;
	uint8_t		*buf;
	size_t		 len, off, noteoff = 0x400, notelen = 0, i, j, nph;
	uint32_t	 n[3];

	len = 0x1000;
	for (i = 0; i < e->nsegs; i++)
		len += e->segs[i].filesz;
	buf = xcalloc(1, len);
	nph = e->nsegs + (e->note ? 1 : 0);

	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = e->class != 0 ? e->class : ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = e->machine != 0 ? e->machine : EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = e->entry;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof ph;
	eh.e_phnum = (uint16_t)nph;
	memcpy(buf, &eh, sizeof eh);

	if (e->note) {
		/* A GNU build-id note to skip, then Xen type 18. */
		n[0] = 4;
		n[1] = 20;
		n[2] = NT_GNU_BUILD_ID;
		memcpy(buf + noteoff, n, sizeof n);
		memcpy(buf + noteoff + 12, "GNU", 4);
		memset(buf + noteoff + 16, 0x5a, 20);
		notelen = 36;
		n[0] = 4;
		n[1] = e->note_descsz;
		n[2] = 18;
		memcpy(buf + noteoff + notelen, n, sizeof n);
		memcpy(buf + noteoff + notelen + 12, "Xen", 4);
		for (j = 0; j < e->note_descsz && j < 8; j++)
			buf[noteoff + notelen + 16 + j] =
			    (uint8_t)(e->note_entry >> (8 * j));
		notelen += 16 + ((e->note_descsz + 3) & ~3U);

		memset(&ph, 0, sizeof ph);
		ph.p_type = PT_NOTE;
		ph.p_offset = noteoff;
		ph.p_filesz = ph.p_memsz = notelen;
		ph.p_align = 4;
		memcpy(buf + sizeof eh, &ph, sizeof ph);
	}

	off = 0x1000;
	for (i = 0; i < e->nsegs; i++) {
		memset(&ph, 0, sizeof ph);
		ph.p_type = PT_LOAD;
		ph.p_flags = PF_R | PF_W | PF_X;
		ph.p_offset = off;
		ph.p_vaddr = e->segs[i].vaddr;
		ph.p_paddr = e->segs[i].paddr;
		ph.p_filesz = e->segs[i].filesz;
		ph.p_memsz = e->segs[i].memsz;
		ph.p_align = 0x1000;
		memcpy(buf + sizeof eh + (i + (e->note ? 1 : 0)) * sizeof ph,
		    &ph, sizeof ph);
		for (j = 0; j < e->segs[i].filesz; j++)
			buf[off + j] = check_loader_pattern(off + j);
		off += e->segs[i].filesz;
	}
	*lenp = len;
	return (buf);
}

/* Write a temporary file; the caller unlinks and frees the path. */
static char *
check_loader_file(const void *buf, size_t len)
{
	const char	*tmp;
	char		*path;
	int		 fd;

	if ((tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	xasprintf(&path, "%s/check_loader.XXXXXX", tmp);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	if (len > 0)
		ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return (path);
}

static struct vmm *
check_loader_vm(uint64_t memsize, struct vmm_params *vp)
{
	struct vmm	*vmm;
	char		*cause = NULL;

	vp->vp_memsize = memsize;
	vp->vp_ncpus = 1;
	vp->vp_serial_in = vp->vp_serial_out = -1;
	vmm = vmm_create_fake(vp, &cause);
	ck_assert_msg(vmm != NULL, "vmm_create_fake: %s", cause);
	return (vmm);
}

/*
 * Load the kernel (and initrd when given) bytes into a new fake VM of
 * memsize; *vmmp keeps the VM for reading back.  Returns loader_load's.
 */
static int
check_loader_load(const void *kernel, size_t klen, const char *cmdline,
    const void *initrd, size_t ilen, enum vmm_boot_kind kind,
    uint64_t memsize, struct vmm **vmmp, struct loader_entry *entry,
    char **cause)
{
	struct vmm_params	 vp;
	char			*kpath, *ipath = NULL;
	int			 rc;

	memset(&vp, 0, sizeof vp);
	kpath = check_loader_file(kernel, klen);
	if (initrd != NULL)
		ipath = check_loader_file(initrd, ilen);
	vp.vp_name = "check";
	vp.vp_kernel = kpath;
	vp.vp_initrd = ipath;
	vp.vp_cmdline = cmdline;
	vp.vp_boot = kind;
	*vmmp = check_loader_vm(memsize, &vp);
	*cause = NULL;
	rc = loader_load(*vmmp, &vp, CHECK_LOADER_RSDP, entry, cause);
	unlink(kpath);
	free(kpath);
	if (ipath != NULL) {
		unlink(ipath);
		free(ipath);
	}
	return (rc);
}

/* The load must fail with a cause that names the file and says want. */
static void
check_loader_fail(const void *kernel, size_t klen, const char *cmdline,
    const void *initrd, size_t ilen, enum vmm_boot_kind kind,
    uint64_t memsize, const char *want)
{
	struct loader_entry	 entry;
	struct vmm		*vmm;
	char			*cause;
	int			 rc;

	rc = check_loader_load(kernel, klen, cmdline, initrd, ilen, kind,
	    memsize, &vmm, &entry, &cause);
	ck_assert_msg(rc == -1, "%zu-byte image loaded, expected \"%s\"",
	    klen, want);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, want) != NULL,
	    "cause \"%s\" does not say \"%s\" (%zu-byte image)", cause, want,
	    klen);
	ck_assert_msg(strstr(cause, "check_loader.") != NULL,
	    "cause \"%s\" does not name the file", cause);
	free(cause);
	vmm_free(vmm);
}

/* An ELF of nsegs segments entered at entry, with no PVH note. */
static void
check_loader_elf_init(struct check_loader_elf *e,
    const struct check_loader_seg *segs, size_t nsegs, uint64_t entry)
{
	memset(e, 0, sizeof *e);
	e->segs = segs;
	e->nsegs = nsegs;
	e->entry = entry;
}

/* The bzImage bz describes must fail to load, the cause saying want. */
static void
check_loader_bz_fail(const struct check_loader_bz *bz, const char *want)
{
	uint8_t	*img;
	size_t	 len;

	img = check_loader_bzimage(bz, &len);
	check_loader_fail(img, len, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, want);
	free(img);
}

/* Likewise the ELF e describes, loaded as kind with command line cmdline. */
static void
check_loader_elf_fail(const struct check_loader_elf *e, const char *cmdline,
    enum vmm_boot_kind kind, const char *want)
{
	uint8_t	*img;
	size_t	 len;

	img = check_loader_elf(e, &len);
	check_loader_fail(img, len, cmdline, NULL, 0, kind, CHECK_LOADER_MEM,
	    want);
	free(img);
}

/* boot_params' e820 table must be e820_build's map for this RAM size. */
static void
check_loader_e820(struct vmm *vmm, const struct boot_params *bp)
{
	struct e820_entry	map[E820_MAX];
	size_t			n, i;

	n = e820_build(mem_size(vmm), map, E820_MAX);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(bp->e820_entries, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(bp->e820_table[i].addr, map[i].ee_addr);
		ck_assert_uint_eq(bp->e820_table[i].size, map[i].ee_size);
		ck_assert_uint_eq(bp->e820_table[i].type, map[i].ee_type);
	}
	for (; i < E820_MAX_ENTRIES_ZEROPAGE; i++)
		ck_assert_uint_eq(bp->e820_table[i].size, 0);
}

static void
check_loader_cmdline(struct vmm *vmm, uint64_t gpa, const char *want)
{
	char	buf[4096];

	ck_assert_uint_lt(strlen(want), sizeof buf);
	ck_assert_int_eq(mem_read(vmm, gpa, buf, strlen(want) + 1), 0);
	ck_assert_str_eq(buf, want);
}

static void
check_loader_bytes(struct vmm *vmm, uint64_t gpa, const uint8_t *want,
    size_t len)
{
	const uint8_t	*p;

	p = mem_gpa(vmm, gpa, len);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(memcmp(p, want, len) == 0,
	    "guest bytes at 0x%llx differ from the file",
	    (unsigned long long)gpa);
}

/* A file from itest_linux_boot.sh's cache, or NULL. */
static char *
check_loader_cached(const char *name)
{
	const char	*dir, *home;
	char		*path;

	if ((dir = getenv("VIREO_CACHE")) != NULL)
		xasprintf(&path, "%s/%s", dir, name);
	else if ((home = getenv("HOME")) != NULL)
		xasprintf(&path, "%s/.cache/vireo/%s", home, name);
	else
		return (NULL);
	if (access(path, R_OK) != 0) {
		free(path);
		return (NULL);
	}
	return (path);
}

/* Every zero-page field the 64-bit protocol defines, two header shapes. */
START_TEST(check_loader_bzimage_zero_page)
{
	struct check_loader_bz	 bz;
	struct loader_entry	 entry;
	struct boot_params	 bp;
	struct vmm		*vmm;
	uint8_t			*img, initrd[10000], page[4096];
	size_t			 len, setup_len, i;
	char			*cause;

	check_loader_bz_defaults(&bz);
	if (_i == 1) {
		bz.setup_sects = 3;
		bz.version = 0x020c;	/* no acpi_rsdp_addr yet */
	}
	img = check_loader_bzimage(&bz, &len);
	for (i = 0; i < sizeof initrd; i++)
		initrd[i] = (uint8_t)(i ^ 0xa5);

	ck_assert_int_eq(check_loader_load(img, len, CHECK_LOADER_CMDLINE,
	    initrd, sizeof initrd, VMM_BOOT_AUTO, CHECK_LOADER_MEM, &vmm,
	    &entry, &cause), 0);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_BZIMAGE);
	ck_assert_int_eq(entry.le_mode, LOADER_MODE_LONG64);
	ck_assert_uint_eq(entry.le_rip, 0x1000000 + 0x200);
	ck_assert_uint_eq(entry.le_rsi, VMM_ZERO_PAGE);

	/* The protected-mode part, byte for byte, at pref_address. */
	setup_len = (size_t)((bz.setup_sects != 0 ? bz.setup_sects : 4) + 1) *
	    512;
	check_loader_bytes(vmm, 0x1000000, img + setup_len, len - setup_len);

	ck_assert_int_eq(mem_read(vmm, VMM_ZERO_PAGE, &bp, sizeof bp), 0);
	/* The image's setup header, as the image has it... */
	ck_assert_uint_eq(bp.hdr.setup_sects, bz.setup_sects);
	ck_assert_uint_eq(bp.hdr.boot_flag, 0xaa55);
	ck_assert_mem_eq(&bp.hdr.header, "HdrS", 4);
	ck_assert_uint_eq(bp.hdr.version, bz.version);
	ck_assert_uint_eq(bp.hdr.kernel_version, 0x1234);
	ck_assert_uint_eq(bp.hdr.xloadflags, bz.xloadflags);
	ck_assert_uint_eq(bp.hdr.kernel_alignment, bz.kernel_alignment);
	ck_assert_uint_eq(bp.hdr.relocatable_kernel, 1);
	ck_assert_uint_eq(bp.hdr.min_alignment, 21);
	ck_assert_uint_eq(bp.hdr.cmdline_size, bz.cmdline_size);
	ck_assert_uint_eq(bp.hdr.pref_address, bz.pref_address);
	ck_assert_uint_eq(bp.hdr.init_size, bz.init_size);
	ck_assert_uint_eq(bp.hdr.initrd_addr_max, bz.initrd_addr_max);
	ck_assert_uint_eq(bp.hdr.handover_offset, 0x190);
	/* ...plus what the loader fills in. */
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp.hdr.loadflags & (LOADED_HIGH | CAN_USE_HEAP),
	    LOADED_HIGH | CAN_USE_HEAP);
	ck_assert_uint_ne(bp.hdr.heap_end_ptr, 0);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, VMM_CMDLINE);
	ck_assert_uint_eq(bp.ext_cmd_line_ptr, 0);
	check_loader_cmdline(vmm, bp.hdr.cmd_line_ptr, CHECK_LOADER_CMDLINE);

	/* The initrd: high, page-aligned, above the kernel's init_size. */
	ck_assert_uint_eq(bp.hdr.ramdisk_size, sizeof initrd);
	ck_assert_uint_eq(bp.hdr.ramdisk_image % 4096, 0);
	ck_assert_uint_ge(bp.hdr.ramdisk_image, 0x1000000 + bz.init_size);
	ck_assert_uint_le(bp.hdr.ramdisk_image + sizeof initrd,
	    CHECK_LOADER_MEM);
	ck_assert_uint_gt(bp.hdr.ramdisk_image + sizeof initrd,
	    CHECK_LOADER_MEM - 8192);
	check_loader_bytes(vmm, bp.hdr.ramdisk_image, initrd, sizeof initrd);

	check_loader_e820(vmm, &bp);
	ck_assert_uint_eq(bp.acpi_rsdp_addr,
	    bz.version >= 0x020e ? CHECK_LOADER_RSDP : 0);

	/* Nothing else in the page: screen_info, EDD and the rest stay 0. */
	memcpy(page, &bp, sizeof page);
	for (i = 0; i < sizeof page; i++) {
		if ((i >= 0x1f1 && i < 0x26c) || (i >= 0x2d0 &&
		    i < 0x2d0 + 20 * (size_t)bp.e820_entries) || i == 0x1e8 ||
		    (i >= 0x70 && i < 0x78))
			continue;
		ck_assert_msg(page[i] == 0, "zero page byte 0x%zx is 0x%02x",
		    i, page[i]);
	}
	vmm_free(vmm);
	free(img);
}
END_TEST

/* Where the protected-mode part goes: pref_address, aligned, or 1 MiB. */
START_TEST(check_loader_bzimage_placement)
{
	static const struct {
		uint64_t	pref;
		uint8_t		reloc;
		uint64_t	want;
	} cases[] = {
		{ 0x1000000, 1, 0x1000000 },
		{ 0x1100000, 1, 0x1200000 },	/* up to kernel_alignment */
		{ 0, 1, 0x200000 },		/* 1 MiB, aligned to 2 MiB */
		{ 0x100000, 0, 0x100000 },	/* not relocatable */
		{ 0, 0, 0x100000 },
	};
	struct check_loader_bz	 bz;
	struct loader_entry	 entry;
	struct boot_params	 bp;
	struct vmm		*vmm;
	uint8_t			*img;
	size_t			 len, i;
	char			*cause;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_loader_bz_defaults(&bz);
		bz.pref_address = cases[i].pref;
		bz.relocatable = cases[i].reloc;
		img = check_loader_bzimage(&bz, &len);
		ck_assert_int_eq(check_loader_load(img, len, NULL, NULL, 0,
		    VMM_BOOT_BZIMAGE, CHECK_LOADER_MEM, &vmm, &entry, &cause),
		    0);
		ck_assert_uint_eq(entry.le_rip, cases[i].want + 0x200);
		check_loader_bytes(vmm, cases[i].want,
		    img + check_loader_setup_len(img),
		    len - check_loader_setup_len(img));
		ck_assert_int_eq(mem_read(vmm, VMM_ZERO_PAGE, &bp, sizeof bp),
		    0);
		ck_assert_uint_eq(bp.hdr.code32_start, cases[i].want);
		/* No command line given: an empty one, no initrd. */
		check_loader_cmdline(vmm, bp.hdr.cmd_line_ptr, "");
		ck_assert_uint_eq(bp.hdr.ramdisk_image, 0);
		ck_assert_uint_eq(bp.hdr.ramdisk_size, 0);
		vmm_free(vmm);
		free(img);
	}
}
END_TEST

/* The initrd ends at or below initrd_addr_max, as high as it can. */
START_TEST(check_loader_bzimage_initrd_max)
{
	struct check_loader_bz	 bz;
	struct loader_entry	 entry;
	struct boot_params	 bp;
	struct vmm		*vmm;
	uint8_t			*img, *initrd;
	size_t			 len, ilen = 3 * 4096 + 17;
	char			*cause;

	check_loader_bz_defaults(&bz);
	bz.initrd_addr_max = 0x2ffffff;
	img = check_loader_bzimage(&bz, &len);
	initrd = xcalloc(1, ilen);
	memset(initrd, 0x3c, ilen);
	ck_assert_int_eq(check_loader_load(img, len, "x", initrd, ilen,
	    VMM_BOOT_AUTO, CHECK_LOADER_MEM, &vmm, &entry, &cause), 0);
	ck_assert_int_eq(mem_read(vmm, VMM_ZERO_PAGE, &bp, sizeof bp), 0);
	ck_assert_uint_eq(bp.hdr.ramdisk_image, (0x3000000 - ilen) & ~4095UL);
	check_loader_bytes(vmm, bp.hdr.ramdisk_image, initrd, ilen);
	vmm_free(vmm);
	free(initrd);
	free(img);
}
END_TEST

START_TEST(check_loader_bzimage_errors)
{
	struct check_loader_bz	 bz;
	uint8_t			*img, *bad, *initrd;
	size_t			 len, cut, step;
	char			 cmdline[300];

	check_loader_bz_defaults(&bz);
	img = check_loader_bzimage(&bz, &len);

	/* Cut anywhere: never loads, always says so. */
	for (cut = 0; cut <= check_loader_setup_len(img); cut += step) {
		step = cut < 0x280 ? 1 : 97;
		check_loader_fail(img, cut, NULL, NULL, 0, VMM_BOOT_AUTO,
		    CHECK_LOADER_MEM, cut < 0x1fe + 2 ? "not a kernel image" :
		    "truncated");
	}
	check_loader_fail(img, 0x100, NULL, NULL, 0, VMM_BOOT_BZIMAGE,
	    CHECK_LOADER_MEM, "truncated");

	bad = xmemdup(img, len);
	memcpy(bad + 0x202, "HdrX", 4);
	check_loader_fail(bad, len, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "not a kernel image");
	check_loader_fail(bad, len, NULL, NULL, 0, VMM_BOOT_BZIMAGE,
	    CHECK_LOADER_MEM, "not a bzImage");
	memcpy(bad + 0x202, "HdrS", 4);
	bad[0x1fe] = 0;
	check_loader_fail(bad, len, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "not a bzImage");
	free(bad);

	check_loader_bz_defaults(&bz);
	bz.version = 0x020b;
	check_loader_bz_fail(&bz, "boot protocol 2.11 is too old");

	check_loader_bz_defaults(&bz);
	bz.xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
	check_loader_bz_fail(&bz, "not 64-bit capable");

	/* init_size (what decompression needs) beyond the end of RAM. */
	check_loader_bz_defaults(&bz);
	bz.init_size = 60 << 20;
	check_loader_bz_fail(&bz, "does not fit in RAM");
	check_loader_bz_defaults(&bz);
	bz.pref_address = 0x4000000;
	check_loader_bz_fail(&bz, "does not fit in RAM");

	/* cmdline_size is the longest the kernel takes, without the NUL. */
	check_loader_bz_defaults(&bz);
	bz.cmdline_size = 255;
	bad = check_loader_bzimage(&bz, &len);
	memset(cmdline, 'a', 256);
	cmdline[256] = '\0';
	check_loader_fail(bad, len, cmdline, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "command line too long (256 bytes");
	cmdline[255] = '\0';
	{
		struct loader_entry	 entry;
		struct vmm		*vmm;
		char			*cause;

		ck_assert_int_eq(check_loader_load(bad, len, cmdline, NULL, 0,
		    VMM_BOOT_AUTO, CHECK_LOADER_MEM, &vmm, &entry, &cause), 0);
		check_loader_cmdline(vmm, VMM_CMDLINE, cmdline);
		vmm_free(vmm);
	}

	/* An initrd larger than the RAM between kernel and top of RAM. */
	initrd = xcalloc(1, 41 << 20);
	check_loader_fail(bad, len, NULL, initrd, 41 << 20, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "too big");
	free(initrd);
	free(bad);
	free(img);
}
END_TEST

/* A vmlinux: segments at p_paddr, bss zeroed, a made-up zero page. */
START_TEST(check_loader_elf_vmlinux)
{
	static const struct check_loader_seg segs[] = {
		{ 0x1000000, 0xffffffff81000000ULL, 0x3000, 0x3000 },
		{ 0x1003000, 0xffffffff81003000ULL, 0x1234, 0x5000 },
		{ 0x1200000, 0, 0x800, 0x800 },	/* percpu-like: vaddr 0 */
	};
	struct check_loader_elf	 e;
	struct loader_entry	 entry;
	struct boot_params	 bp;
	struct vmm		*vmm;
	uint8_t			*img, *p, initrd[5000];
	size_t			 len, i;
	char			*cause;

	/* Physical in Linux; virtual (_i == 1) must be translated. */
	check_loader_elf_init(&e, segs, 3,
	    _i == 0 ? 0x1000100 : 0xffffffff81000100ULL);
	img = check_loader_elf(&e, &len);
	memset(initrd, 0x77, sizeof initrd);

	ck_assert_int_eq(check_loader_load(img, len, CHECK_LOADER_CMDLINE,
	    initrd, sizeof initrd, VMM_BOOT_AUTO, CHECK_LOADER_MEM, &vmm,
	    &entry, &cause), 0);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_ELF);
	ck_assert_int_eq(entry.le_mode, LOADER_MODE_LONG64);
	ck_assert_uint_eq(entry.le_rip, 0x1000100);
	ck_assert_uint_eq(entry.le_rsi, VMM_ZERO_PAGE);

	check_loader_bytes(vmm, 0x1000000, img + 0x1000, 0x3000);
	check_loader_bytes(vmm, 0x1003000, img + 0x4000, 0x1234);
	check_loader_bytes(vmm, 0x1200000, img + 0x4000 + 0x1234, 0x800);
	p = mem_gpa(vmm, 0x1003000 + 0x1234, 0x5000 - 0x1234);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 0x5000 - 0x1234; i++)
		ck_assert_uint_eq(p[i], 0);

	ck_assert_int_eq(mem_read(vmm, VMM_ZERO_PAGE, &bp, sizeof bp), 0);
	ck_assert_uint_eq(bp.hdr.boot_flag, 0xaa55);
	ck_assert_mem_eq(&bp.hdr.header, "HdrS", 4);
	ck_assert_uint_ge(bp.hdr.version, 0x020c);
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp.hdr.setup_sects, 0);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, VMM_CMDLINE);
	check_loader_cmdline(vmm, bp.hdr.cmd_line_ptr, CHECK_LOADER_CMDLINE);
	ck_assert_uint_eq(bp.hdr.ramdisk_size, sizeof initrd);
	ck_assert_uint_eq(bp.hdr.ramdisk_image % 4096, 0);
	ck_assert_uint_ge(bp.hdr.ramdisk_image, 0x1200800);
	check_loader_bytes(vmm, bp.hdr.ramdisk_image, initrd, sizeof initrd);
	check_loader_e820(vmm, &bp);
	ck_assert_uint_eq(bp.acpi_rsdp_addr, CHECK_LOADER_RSDP);
	vmm_free(vmm);
	free(img);
}
END_TEST

START_TEST(check_loader_elf_errors)
{
	struct check_loader_seg	 segs[2] = {
		{ 0x1000000, 0x1000000, 0x2000, 0x3000 },
		{ 0x1004000, 0x1004000, 0x1000, 0x1000 },
	};
	struct check_loader_elf	 e;
	Elf64_Phdr		 ph;
	uint8_t			*img, *bad;
	size_t			 len, cut;
	char			*cmdline;

	check_loader_elf_init(&e, segs, 2, 0x1000000);
	img = check_loader_elf(&e, &len);

	for (cut = 0; cut < len; cut += cut < 0x100 ? 1 : 251)
		check_loader_fail(img, cut, NULL, NULL, 0, VMM_BOOT_AUTO,
		    CHECK_LOADER_MEM, cut < SELFMAG ? "not a kernel image" :
		    "truncated");
	check_loader_fail(img, len - 1, NULL, NULL, 0, VMM_BOOT_ELF,
	    CHECK_LOADER_MEM, "truncated");
	check_loader_fail(img, 20, NULL, NULL, 0, VMM_BOOT_ELF,
	    CHECK_LOADER_MEM, "truncated");

	e.class = ELFCLASS32;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "not a 64-bit ELF");
	e.class = 0;
	e.machine = EM_AARCH64;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "not an x86-64 ELF");
	e.machine = 0;
	check_loader_fail(img, len, NULL, NULL, 0, VMM_BOOT_BZIMAGE,
	    CHECK_LOADER_MEM, "not a bzImage");

	/* Segments beyond RAM, straddling its end, in the boot area. */
	segs[1].paddr = 0x8000000;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "outside RAM");
	segs[1].paddr = CHECK_LOADER_MEM - 0x800;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "does not fit in RAM");
	segs[1].paddr = 0x7000;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "below 1 MiB");
	segs[1].paddr = 0xfffffffffffff000ULL;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "wraps");
	/* A kernel bigger than the whole of RAM. */
	segs[1].paddr = 0x1004000;
	segs[1].memsz = 128 << 20;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "does not fit in RAM");
	segs[1].memsz = 0x1000;

	/* File size larger than memory size, and an entry in no segment. */
	bad = xmemdup(img, len);
	memcpy(&ph, bad + sizeof(Elf64_Ehdr), sizeof ph);
	ph.p_filesz = ph.p_memsz + 1;
	memcpy(bad + sizeof(Elf64_Ehdr), &ph, sizeof ph);
	check_loader_fail(bad, len, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "larger than its memory size");
	free(bad);
	e.entry = 0x2000000;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO,
	    "entry point 0x2000000 is not inside");
	e.entry = 0x1000000;

	/* No PT_LOAD at all. */
	e.nsegs = 0;
	e.note = 1;
	e.note_descsz = 4;
	e.note_entry = 0x1000000;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_ELF, "no loadable segment");
	e.nsegs = 2;
	e.note = 0;

	cmdline = xcalloc(1, VMM_CMDLINE_MAX + 1);
	memset(cmdline, 'k', VMM_CMDLINE_MAX);
	check_loader_elf_fail(&e, cmdline, VMM_BOOT_AUTO,
	    "command line too long");
	free(cmdline);
	free(img);
}
END_TEST

/* PVH: the note's entry in 32-bit mode, hvm_start_info at 0x6000. */
START_TEST(check_loader_pvh)
{
	static const struct check_loader_seg segs[] = {
		{ 0x100000, 0x100000, 0x2000, 0x2000 },
		{ 0x102000, 0x102000, 0x100, 0x4000 },
	};
	struct check_loader_elf	 e;
	struct loader_entry	 entry;
	struct e820_entry	 map[E820_MAX];
	struct vmm		*vmm;
	uint8_t			*img, initrd[6000], zp[4096];
	uint32_t		 u32[4];
	uint64_t		 u64[4], mod[4], mm[3];
	size_t			 len, n, i;
	char			*cause;
	int			 with_initrd = _i != 1;

	check_loader_elf_init(&e, segs, 2, 0x100000);
	e.note = 1;
	e.note_descsz = _i == 2 ? 4 : 8;
	e.note_entry = CHECK_LOADER_PVH_ENTRY;
	img = check_loader_elf(&e, &len);
	memset(initrd, 0x42, sizeof initrd);

	ck_assert_int_eq(check_loader_load(img, len, CHECK_LOADER_CMDLINE,
	    with_initrd ? initrd : NULL, sizeof initrd, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, &vmm, &entry, &cause), 0);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_PVH);
	ck_assert_int_eq(entry.le_mode, LOADER_MODE_PROT32);
	ck_assert_uint_eq(entry.le_rip, CHECK_LOADER_PVH_ENTRY);
	ck_assert_uint_eq(entry.le_rbx, VMM_PVH_INFO);
	check_loader_bytes(vmm, 0x100000, img + 0x1000, 0x2000);

	/* struct hvm_start_info, field by field at the ABI's offsets. */
	ck_assert_int_eq(mem_read(vmm, VMM_PVH_INFO, u32, 16), 0);
	ck_assert_uint_eq(u32[0], 0x336ec578);
	ck_assert_uint_eq(u32[1], 1);
	ck_assert_uint_eq(u32[2], 0);
	ck_assert_uint_eq(u32[3], with_initrd ? 1 : 0);
	ck_assert_int_eq(mem_read(vmm, VMM_PVH_INFO + 16, u64, 32), 0);
	check_loader_cmdline(vmm, u64[1], CHECK_LOADER_CMDLINE);
	ck_assert_uint_eq(u64[2], CHECK_LOADER_RSDP);
	ck_assert_int_eq(mem_read(vmm, VMM_PVH_INFO + 48, u32, 8), 0);
	n = e820_build(CHECK_LOADER_MEM, map, E820_MAX);
	ck_assert_uint_eq(u32[0], n);
	ck_assert_uint_eq(u32[1], 0);
	/* Everything inside the PVH page, below the zero page. */
	ck_assert_uint_ge(u64[3], VMM_PVH_INFO + 56);
	ck_assert_uint_le(u64[3] + 24 * n, VMM_ZERO_PAGE);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(mem_read(vmm, u64[3] + 24 * i, mm, 24), 0);
		ck_assert_uint_eq(mm[0], map[i].ee_addr);
		ck_assert_uint_eq(mm[1], map[i].ee_size);
		/* type, and 0 in the reserved word above it */
		ck_assert_uint_eq(mm[2], map[i].ee_type);
	}
	if (with_initrd) {
		ck_assert_uint_ge(u64[0], VMM_PVH_INFO + 56);
		ck_assert_uint_le(u64[0] + 32, VMM_ZERO_PAGE);
		ck_assert_int_eq(mem_read(vmm, u64[0], mod, 32), 0);
		ck_assert_uint_eq(mod[1], sizeof initrd);
		ck_assert_uint_eq(mod[0] % 4096, 0);
		ck_assert_uint_ge(mod[0], 0x106000);
		ck_assert_uint_le(mod[0] + mod[1], CHECK_LOADER_MEM);
		ck_assert_uint_eq(mod[2], 0);
		ck_assert_uint_eq(mod[3], 0);
		check_loader_bytes(vmm, mod[0], initrd, sizeof initrd);
	} else
		ck_assert_uint_eq(u64[0], 0);
	/* No zero page for PVH: the page stays as it was. */
	ck_assert_int_eq(mem_read(vmm, VMM_ZERO_PAGE, zp, sizeof zp), 0);
	for (i = 0; i < sizeof zp; i++)
		ck_assert_uint_eq(zp[i], 0);
	vmm_free(vmm);

	/* The same file forced through the vmlinux path. */
	ck_assert_int_eq(check_loader_load(img, len, NULL, NULL, 0,
	    VMM_BOOT_ELF, CHECK_LOADER_MEM, &vmm, &entry, &cause), 0);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_ELF);
	ck_assert_int_eq(entry.le_mode, LOADER_MODE_LONG64);
	ck_assert_uint_eq(entry.le_rip, 0x100000);
	vmm_free(vmm);
	free(img);
}
END_TEST

START_TEST(check_loader_pvh_errors)
{
	static const struct check_loader_seg segs[] = {
		{ 0x100000, 0x100000, 0x2000, 0x2000 },
	};
	struct check_loader_elf	 e;

	check_loader_elf_init(&e, segs, 1, 0x100000);
	check_loader_elf_fail(&e, NULL, VMM_BOOT_PVH, "no PVH entry");

	e.note = 1;
	e.note_descsz = 2;
	e.note_entry = 0x100000;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "not 4 or 8");
	e.note_descsz = 8;
	e.note_entry = 0x100100000ULL;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO, "above 4 GiB");
	e.note_entry = 0x300000;
	check_loader_elf_fail(&e, NULL, VMM_BOOT_AUTO,
	    "PVH entry 0x300000 is not inside");
}
END_TEST

/* Files that are not images at all. */
START_TEST(check_loader_files)
{
	struct vmm_params	 vp;
	struct loader_entry	 entry;
	struct vmm		*vmm;
	char			*cause = NULL;
	static const char	 text[] = "#!/bin/sh\necho not a kernel\n";
	uint8_t			 zeros[4096];

	memset(&vp, 0, sizeof vp);
	vp.vp_kernel = "/nonexistent/vmlinuz";
	vmm = check_loader_vm(CHECK_LOADER_MEM, &vp);
	ck_assert_int_eq(loader_load(vmm, &vp, 0, &entry, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/vmlinuz"));
	ck_assert_ptr_nonnull(strstr(cause, "No such file"));
	free(cause);

	vp.vp_kernel = "/";
	ck_assert_int_eq(loader_load(vmm, &vp, 0, &entry, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a regular file"));
	free(cause);

	vp.vp_kernel = NULL;
	ck_assert_int_eq(loader_load(vmm, &vp, 0, &entry, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no kernel"));
	free(cause);
	vmm_free(vmm);

	check_loader_fail(text, sizeof text - 1, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "not a kernel image");
	memset(zeros, 0, sizeof zeros);
	check_loader_fail(zeros, sizeof zeros, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "not a kernel image");
	check_loader_fail(zeros, 0, NULL, NULL, 0, VMM_BOOT_AUTO,
	    CHECK_LOADER_MEM, "not a kernel image");
}
END_TEST

/* A missing initrd is named as the initrd. */
START_TEST(check_loader_initrd_missing)
{
	struct check_loader_bz	 bz;
	struct vmm_params	 vp;
	struct loader_entry	 entry;
	struct vmm		*vmm;
	uint8_t			*img;
	size_t			 len;
	char			*path, *cause = NULL;

	check_loader_bz_defaults(&bz);
	img = check_loader_bzimage(&bz, &len);
	path = check_loader_file(img, len);
	memset(&vp, 0, sizeof vp);
	vp.vp_kernel = path;
	vp.vp_initrd = "/nonexistent/initrd.img";
	vmm = check_loader_vm(CHECK_LOADER_MEM, &vp);
	ck_assert_int_eq(loader_load(vmm, &vp, 0, &entry, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "initrd /nonexistent/initrd.img"));
	free(cause);
	vmm_free(vmm);
	unlink(path);
	free(path);
	free(img);
}
END_TEST

/* Debian's real bzImage: its own setup header ends up in the zero page. */
START_TEST(check_loader_debian_bzimage)
{
	struct vmm_params	 vp;
	struct loader_entry	 entry;
	struct boot_params	 bp;
	struct vmm		*vmm;
	FILE			*f;
	uint8_t			*img, *zp;
	size_t			 len, end, setup_len, i;
	char			*path, *cause = NULL;
	long			 flen;

	if ((path = check_loader_cached("vmlinuz")) == NULL) {
		fprintf(stderr, "debian bzImage not cached (run "
		    "itest_linux_boot.sh): skipped\n");
		return;
	}
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	flen = ftell(f);
	ck_assert_int_gt(flen, 0x1000);
	rewind(f);
	len = (size_t)flen;
	img = xmalloc(len);
	ck_assert_uint_eq(fread(img, 1, len, f), len);
	fclose(f);

	memset(&vp, 0, sizeof vp);
	vp.vp_kernel = path;
	vp.vp_cmdline = CHECK_LOADER_CMDLINE;
	vmm = check_loader_vm(256ULL << 20, &vp);
	ck_assert_msg(loader_load(vmm, &vp, CHECK_LOADER_RSDP, &entry,
	    &cause) == 0, "%s", cause);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_BZIMAGE);
	ck_assert_int_eq(mem_read(vmm, VMM_ZERO_PAGE, &bp, sizeof bp), 0);
	ck_assert_uint_eq(entry.le_rip, bp.hdr.pref_address + 0x200);

	/* Byte for byte the file's header, except what a loader writes. */
	end = 0x202 + img[0x201];
	zp = (uint8_t *)&bp;
	for (i = 0x1f1; i < end; i++) {
		if (i == 0x210 || i == 0x211 ||		/* loader, flags */
		    (i >= 0x214 && i < 0x220) ||	/* code32, ramdisk */
		    (i >= 0x224 && i < 0x22c))		/* heap, cmdline */
			continue;
		ck_assert_msg(zp[i] == img[i], "zero page 0x%zx: 0x%02x, "
		    "file 0x%02x", i, zp[i], img[i]);
	}
	ck_assert_uint_ge(bp.hdr.version, 0x020c);
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, VMM_CMDLINE);
	check_loader_cmdline(vmm, VMM_CMDLINE, CHECK_LOADER_CMDLINE);
	check_loader_e820(vmm, &bp);
	ck_assert_uint_eq(bp.acpi_rsdp_addr, CHECK_LOADER_RSDP);
	setup_len = check_loader_setup_len(img);
	check_loader_bytes(vmm, bp.hdr.pref_address, img + setup_len,
	    len - setup_len);
	vmm_free(vmm);
	free(img);
	free(path);
}
END_TEST

/* Debian's vmlinux (extracted from it): PVH by default, or 64-bit ELF. */
START_TEST(check_loader_debian_vmlinux)
{
	struct vmm_params	 vp;
	struct loader_entry	 entry;
	struct vmm		*vmm;
	char			*path, *cause = NULL;

	if ((path = check_loader_cached("vmlinux")) == NULL) {
		fprintf(stderr, "debian vmlinux not cached (run "
		    "itest_linux_boot.sh): skipped\n");
		return;
	}
	memset(&vp, 0, sizeof vp);
	vp.vp_kernel = path;
	vp.vp_cmdline = CHECK_LOADER_CMDLINE;
	vmm = check_loader_vm(256ULL << 20, &vp);
	ck_assert_msg(loader_load(vmm, &vp, CHECK_LOADER_RSDP, &entry,
	    &cause) == 0, "%s", cause);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_PVH);
	ck_assert_int_eq(entry.le_mode, LOADER_MODE_PROT32);
	ck_assert_uint_lt(entry.le_rip, 1ULL << 32);
	vmm_free(vmm);

	vp.vp_boot = VMM_BOOT_ELF;
	vmm = check_loader_vm(256ULL << 20, &vp);
	ck_assert_msg(loader_load(vmm, &vp, CHECK_LOADER_RSDP, &entry,
	    &cause) == 0, "%s", cause);
	ck_assert_int_eq(entry.le_kind, VMM_BOOT_ELF);
	ck_assert_int_eq(entry.le_mode, LOADER_MODE_LONG64);
	ck_assert_uint_eq(entry.le_rip, 0x1000000);
	vmm_free(vmm);

	/* 48 MiB is too small for Debian's 60 MiB of segments. */
	vmm = check_loader_vm(48ULL << 20, &vp);
	ck_assert_int_eq(loader_load(vmm, &vp, 0, &entry, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "RAM"));
	free(cause);
	vmm_free(vmm);
	free(path);
}
END_TEST

static Suite *
check_loader_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("loader");

	tc = tcase_create("bzimage");
	tcase_add_loop_test(tc, check_loader_bzimage_zero_page, 0, 2);
	tcase_add_test(tc, check_loader_bzimage_placement);
	tcase_add_test(tc, check_loader_bzimage_initrd_max);
	tcase_add_test(tc, check_loader_bzimage_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("elf");
	tcase_add_loop_test(tc, check_loader_elf_vmlinux, 0, 2);
	tcase_add_test(tc, check_loader_elf_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("pvh");
	tcase_add_loop_test(tc, check_loader_pvh, 0, 3);
	tcase_add_test(tc, check_loader_pvh_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, check_loader_files);
	tcase_add_test(tc, check_loader_initrd_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("debian");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, check_loader_debian_bzimage);
	tcase_add_test(tc, check_loader_debian_vmlinux);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_loader_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
