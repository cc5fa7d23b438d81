/* SPDX-License-Identifier: ISC */
/*
 * ELF64 x86-64 images: checking the header and program headers, copying
 * PT_LOAD segments to their physical addresses, finding notes (for PVH),
 * and booting an uncompressed Linux vmlinux directly through its 64-bit
 * entry (startup_64) with a zero page built from scratch, as Firecracker
 * and Cloud Hypervisor do.
 *
 * Every structure is copied out of the untrusted file with memcpy after
 * its offset and size were checked against the file length, so neither a
 * short file nor a misaligned header can fault.
 */

#include "config.h"

#include <asm/bootparam.h>

#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "xmalloc.h"
#include "vmm-dev.h"
#include "loader.h"

/* Boot protocol version claimed in a vmlinux's made-up setup header. */
#define LOADER_ELF_BOOT_VERSION	0x020f
#define LOADER_ELF_HDRS_MAGIC	0x53726448U	/* "HdrS" */
#define LOADER_ELF_BOOT_FLAG	0xaa55
#define LOADER_ELF_LOADER_TYPE	0xff
#define LOADER_ELF_NOTE_HDR	12		/* namesz, descsz, type */

static void	loader_elf_ehdr(const struct loader_image *, Elf64_Ehdr *);
static void	loader_elf_phdr(const struct loader_image *,
		    const Elf64_Ehdr *, unsigned int, Elf64_Phdr *);
static int	loader_elf_notes(const struct loader_image *, uint64_t,
		    uint64_t, uint64_t, const char *, uint32_t,
		    const uint8_t **, size_t *);

int
loader_elf_is_image(const struct loader_image *img)
{
	return (img->li_len >= SELFMAG &&
	    memcmp(img->li_data, ELFMAG, SELFMAG) == 0);
}

static void
loader_elf_ehdr(const struct loader_image *img, Elf64_Ehdr *eh)
{
	memcpy(eh, img->li_data, sizeof *eh);
}

/* Program header i; loader_elf_check proved the table is in the file. */
static void
loader_elf_phdr(const struct loader_image *img, const Elf64_Ehdr *eh,
    unsigned int i, Elf64_Phdr *ph)
{
	memcpy(ph, img->li_data + eh->e_phoff + (uint64_t)i * sizeof *ph,
	    sizeof *ph);
}

int
loader_elf_check(const struct loader_image *img, char **cause)
{
	const uint8_t	*d = img->li_data;
	Elf64_Ehdr	 eh;
	uint64_t	 tablen;

	if (!loader_elf_is_image(img)) {
		xasprintf(cause, "kernel %s: not an ELF file (no ELF magic)",
		    img->li_path);
		return (-1);
	}
	if (img->li_len < EI_NIDENT) {
		xasprintf(cause, "kernel %s: truncated ELF header (%zu bytes)",
		    img->li_path, img->li_len);
		return (-1);
	}
	if (d[EI_CLASS] != ELFCLASS64) {
		xasprintf(cause, "kernel %s: not a 64-bit ELF file (class %u)",
		    img->li_path, d[EI_CLASS]);
		return (-1);
	}
	if (d[EI_DATA] != ELFDATA2LSB) {
		xasprintf(cause, "kernel %s: not a little-endian ELF file",
		    img->li_path);
		return (-1);
	}
	if (img->li_len < sizeof eh) {
		xasprintf(cause, "kernel %s: truncated ELF header (%zu of %zu "
		    "bytes)", img->li_path, img->li_len, sizeof eh);
		return (-1);
	}
	loader_elf_ehdr(img, &eh);
	if (eh.e_machine != EM_X86_64) {
		xasprintf(cause, "kernel %s: not an x86-64 ELF file (machine "
		    "%u)", img->li_path, eh.e_machine);
		return (-1);
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		xasprintf(cause, "kernel %s: not an executable ELF file (type "
		    "%u)", img->li_path, eh.e_type);
		return (-1);
	}
	if (eh.e_phnum == 0 || eh.e_phnum == PN_XNUM) {
		xasprintf(cause, "kernel %s: ELF file has %s program headers",
		    img->li_path, eh.e_phnum == 0 ? "no" : "too many");
		return (-1);
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
		xasprintf(cause, "kernel %s: ELF program header size is %u, "
		    "not %zu", img->li_path, eh.e_phentsize,
		    sizeof(Elf64_Phdr));
		return (-1);
	}
	tablen = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (eh.e_phoff > img->li_len || tablen > img->li_len - eh.e_phoff) {
		xasprintf(cause, "kernel %s: truncated (program headers at "
		    "0x%llx, %llu bytes, past the end of the %zu-byte file)",
		    img->li_path, (unsigned long long)eh.e_phoff,
		    (unsigned long long)tablen, img->li_len);
		return (-1);
	}
	return (0);
}

int
loader_elf_load_segments(struct vmm *vmm, const struct loader_image *img,
    uint64_t *kernel_end, char **cause)
{
	Elf64_Ehdr	 eh;
	Elf64_Phdr	 ph;
	uint64_t	 ramend, end = 0, top;
	uint8_t		*dst;
	unsigned int	 i, loaded = 0;

	loader_elf_ehdr(img, &eh);
	ramend = mem_lowmem_end(vmm);
	for (i = 0; i < eh.e_phnum; i++) {
		loader_elf_phdr(img, &eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz) {
			xasprintf(cause, "kernel %s: segment %u has a file "
			    "size (0x%llx) larger than its memory size "
			    "(0x%llx)",
			    img->li_path, i, (unsigned long long)ph.p_filesz,
			    (unsigned long long)ph.p_memsz);
			return (-1);
		}
		if (ph.p_offset > img->li_len ||
		    ph.p_filesz > img->li_len - ph.p_offset) {
			xasprintf(cause, "kernel %s: truncated (segment %u "
			    "needs file bytes 0x%llx+0x%llx, the file has %zu)",
			    img->li_path, i, (unsigned long long)ph.p_offset,
			    (unsigned long long)ph.p_filesz, img->li_len);
			return (-1);
		}
		if (ph.p_memsz == 0)
			continue;
		if (ph.p_paddr > UINT64_MAX - ph.p_memsz) {
			xasprintf(cause, "kernel %s: segment %u at 0x%llx "
			    "wraps around the address space", img->li_path, i,
			    (unsigned long long)ph.p_paddr);
			return (-1);
		}
		top = ph.p_paddr + ph.p_memsz;
		if (ph.p_paddr < VMM_KERNEL_BASE) {
			xasprintf(cause, "kernel %s: segment %u at 0x%llx is "
			    "below 1 MiB, where the boot tables live",
			    img->li_path, i, (unsigned long long)ph.p_paddr);
			return (-1);
		}
		if (ph.p_paddr >= ramend) {
			xasprintf(cause, "kernel %s: segment %u at 0x%llx is "
			    "outside RAM (low RAM ends at 0x%llx)",
			    img->li_path, i, (unsigned long long)ph.p_paddr,
			    (unsigned long long)ramend);
			return (-1);
		}
		if (top > ramend) {
			xasprintf(cause, "kernel %s: segment %u "
			    "(0x%llx-0x%llx) does not fit in RAM (%llu MiB, "
			    "low RAM ends at 0x%llx)",
			    img->li_path, i, (unsigned long long)ph.p_paddr,
			    (unsigned long long)top,
			    (unsigned long long)(mem_size(vmm) >> 20),
			    (unsigned long long)ramend);
			return (-1);
		}
		if ((dst = mem_gpa(vmm, ph.p_paddr, ph.p_memsz)) == NULL) {
			xasprintf(cause, "kernel %s: segment %u "
			    "(0x%llx-0x%llx) is outside RAM", img->li_path, i,
			    (unsigned long long)ph.p_paddr,
			    (unsigned long long)top);
			return (-1);
		}
		memcpy(dst, img->li_data + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (top > end)
			end = top;
		loaded++;
	}
	if (loaded == 0) {
		xasprintf(cause, "kernel %s: ELF file has no loadable segment",
		    img->li_path);
		return (-1);
	}
	*kernel_end = end;
	return (0);
}

int
loader_elf_is_loaded(const struct loader_image *img, uint64_t gpa)
{
	Elf64_Ehdr	eh;
	Elf64_Phdr	ph;
	unsigned int	i;

	loader_elf_ehdr(img, &eh);
	for (i = 0; i < eh.e_phnum; i++) {
		loader_elf_phdr(img, &eh, i, &ph);
		if (ph.p_type == PT_LOAD && gpa >= ph.p_paddr &&
		    gpa - ph.p_paddr < ph.p_memsz)
			return (1);
	}
	return (0);
}

/*
 * Walk the notes in file bytes [off, off + len) (entries aligned to
 * align, 4 or 8) for owner name and type.
 */
static int
loader_elf_notes(const struct loader_image *img, uint64_t off, uint64_t len,
    uint64_t align, const char *name, uint32_t type, const uint8_t **desc,
    size_t *desclen)
{
	const uint8_t	*p;
	uint32_t	 nhdr[3];
	uint64_t	 pos = 0, namesz, descsz, skip;
	size_t		 want = strlen(name) + 1;

	if (off > img->li_len || len > img->li_len - off)
		return (0);
	p = img->li_data + off;
	while (len - pos >= LOADER_ELF_NOTE_HDR) {
		memcpy(nhdr, p + pos, sizeof nhdr);
		pos += LOADER_ELF_NOTE_HDR;
		namesz = nhdr[0];
		descsz = nhdr[1];
		skip = loader_align_up(namesz, align);
		if (skip > len - pos)
			return (0);
		if (nhdr[2] == type && namesz == want &&
		    memcmp(p + pos, name, want) == 0) {
			if (descsz > len - pos - skip)
				return (0);
			*desc = p + pos + skip;
			*desclen = (size_t)descsz;
			return (1);
		}
		pos += skip;
		skip = loader_align_up(descsz, align);
		if (skip > len - pos)
			return (0);
		pos += skip;
	}
	return (0);
}

int
loader_elf_find_note(const struct loader_image *img, const char *name,
    uint32_t type, const uint8_t **desc, size_t *desclen)
{
	Elf64_Ehdr	eh;
	Elf64_Phdr	ph;
	Elf64_Shdr	sh;
	uint64_t	align;
	unsigned int	i;

	loader_elf_ehdr(img, &eh);
	for (i = 0; i < eh.e_phnum; i++) {
		loader_elf_phdr(img, &eh, i, &ph);
		if (ph.p_type != PT_NOTE)
			continue;
		align = ph.p_align == 8 ? 8 : 4;
		if (loader_elf_notes(img, ph.p_offset, ph.p_filesz, align, name,
		    type, desc, desclen))
			return (1);
	}

	/* The section table is optional: use it only when it is sound. */
	if (eh.e_shentsize != sizeof sh || eh.e_shnum == 0 ||
	    eh.e_shoff > img->li_len ||
	    (uint64_t)eh.e_shnum * sizeof sh > img->li_len - eh.e_shoff)
		return (0);
	for (i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, img->li_data + eh.e_shoff + (uint64_t)i * sizeof sh,
		    sizeof sh);
		if (sh.sh_type != SHT_NOTE)
			continue;
		align = sh.sh_addralign == 8 ? 8 : 4;
		if (loader_elf_notes(img, sh.sh_offset, sh.sh_size, align, name,
		    type, desc, desclen))
			return (1);
	}
	return (0);
}

int
loader_elf_load(struct vmm *vmm, const struct vmm_params *params,
    const struct loader_image *img, uint64_t rsdp,
    struct loader_entry *entry, char **cause)
{
	struct boot_params	bp;
	Elf64_Ehdr		eh;
	uint64_t		end, rip;

	if (loader_elf_check(img, cause) == -1)
		return (-1);
	if (loader_elf_load_segments(vmm, img, &end, cause) == -1)
		return (-1);

	/*
	 * A vmlinux's e_entry is startup_64's physical address; a linker
	 * script may give the virtual one, so undo the kernel mapping.
	 */
	loader_elf_ehdr(img, &eh);
	rip = eh.e_entry;
	if (rip >= LOADER_START_KERNEL_MAP)
		rip -= LOADER_START_KERNEL_MAP;
	if (!loader_elf_is_loaded(img, rip)) {
		xasprintf(cause, "kernel %s: entry point 0x%llx is not inside "
		    "a loaded segment", img->li_path,
		    (unsigned long long)eh.e_entry);
		return (-1);
	}

	/* No setup header in a vmlinux: only what the 64-bit entry reads. */
	memset(&bp, 0, sizeof bp);
	bp.hdr.boot_flag = LOADER_ELF_BOOT_FLAG;
	bp.hdr.header = LOADER_ELF_HDRS_MAGIC;
	bp.hdr.version = LOADER_ELF_BOOT_VERSION;
	bp.hdr.type_of_loader = LOADER_ELF_LOADER_TYPE;
	bp.hdr.loadflags = LOADED_HIGH;
	bp.hdr.cmdline_size = (uint32_t)(VMM_CMDLINE_MAX - 1);
	bp.hdr.initrd_addr_max = (uint32_t)(mem_lowmem_end(vmm) - 1);
	if (loader_bzimage_boot_params(vmm, params, &bp, end,
	    VMM_CMDLINE_MAX - 1, mem_lowmem_end(vmm), rsdp, 1, cause) == -1)
		return (-1);

	entry->le_mode = LOADER_MODE_LONG64;
	entry->le_rip = rip;
	entry->le_rsi = VMM_ZERO_PAGE;
	entry->le_rbx = 0;
	entry->le_rsp = VMM_BOOT_STACK;
	entry->le_kind = VMM_BOOT_ELF;
	return (0);
}
