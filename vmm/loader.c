/* SPDX-License-Identifier: ISC */
/*
 * Guest image loading: read the kernel file (with a size limit), decide
 * what it is (a Linux bzImage, an ELF vmlinux, or an ELF with a PVH entry
 * note) and hand it to that format's loader through an explicit table.
 * Also the helpers every format shares: reading files, placing the command
 * line at VMM_CMDLINE and the initrd as high in low RAM as allowed.
 *
 * Image files are untrusted: nothing here or in the format loaders may
 * crash on any file contents; a bad file is a -1 with a cause naming the
 * file and what is wrong with it.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"
#include "vmm-dev.h"
#include "loader.h"

/* Bytes needed to see a bzImage's setup header magic ("HdrS" at 0x202). */
#define LOADER_DETECT_LEN	0x206
/* A boot sector ends with 0x55 0xaa at 0x1fe. */
#define LOADER_BOOT_FLAG_OFF	0x1fe

/* One row per image format: what loads it. */
struct loader_format {
	enum vmm_boot_kind	 lf_kind;
	const char		*lf_name;
	int			(*lf_load)(struct vmm *,
				    const struct vmm_params *,
				    const struct loader_image *, uint64_t,
				    struct loader_entry *, char **);
};

static const struct loader_format loader_formats[] = {
	{ VMM_BOOT_BZIMAGE, "bzImage", loader_bzimage_load },
	{ VMM_BOOT_ELF, "ELF vmlinux", loader_elf_load },
	{ VMM_BOOT_PVH, "PVH ELF", loader_pvh_load },
};

static int	loader_open(const char *, const char *, int *, uint64_t *,
		    char **);
static int	loader_read_fd(int, const char *, const char *, uint8_t *,
		    uint64_t, char **);
static int	loader_detect(const struct loader_image *, enum vmm_boot_kind,
		    enum vmm_boot_kind *, char **);

uint64_t
loader_align_up(uint64_t x, uint64_t align)
{
	if (align <= 1)
		return (x);
	if (x > UINT64_MAX - (align - 1))
		return (0);
	return ((x + align - 1) & ~(align - 1));
}

/* Open path (what says "kernel" or "initrd") and learn its size. */
static int
loader_open(const char *what, const char *path, int *fdp, uint64_t *sizep,
    char **cause)
{
	struct stat	st;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s %s: %s", what, path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "%s %s: %s", what, path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s %s: not a regular file", what, path);
		close(fd);
		return (-1);
	}
	*fdp = fd;
	*sizep = (uint64_t)st.st_size;
	return (0);
}

/* Read exactly size bytes of fd into buf; a short file is truncated. */
static int
loader_read_fd(int fd, const char *what, const char *path, uint8_t *buf,
    uint64_t size, char **cause)
{
	uint64_t	done = 0;
	ssize_t		n;

	while (done < size) {
		n = read(fd, buf + done, size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s %s: %s", what, path,
			    strerror(errno));
			return (-1);
		}
		if (n == 0) {
			xasprintf(cause, "%s %s: truncated while reading "
			    "(%llu of %llu bytes)", what, path,
			    (unsigned long long)done,
			    (unsigned long long)size);
			return (-1);
		}
		done += (uint64_t)n;
	}
	return (0);
}

int
loader_read_file(const char *path, uint64_t max, uint8_t **data,
    size_t *len, char **cause)
{
	uint64_t	 size;
	uint8_t		*buf;
	int		 fd;

	if (loader_open("kernel", path, &fd, &size, cause) == -1)
		return (-1);
	if (size > max || size > SIZE_MAX) {
		xasprintf(cause, "kernel %s: too big (%llu bytes, at most "
		    "%llu MiB)", path, (unsigned long long)size,
		    (unsigned long long)(max >> 20));
		close(fd);
		return (-1);
	}
	buf = xmalloc(size > 0 ? (size_t)size : 1);
	if (loader_read_fd(fd, "kernel", path, buf, size, cause) == -1) {
		free(buf);
		close(fd);
		return (-1);
	}
	close(fd);
	*data = buf;
	*len = (size_t)size;
	return (0);
}

int
loader_cmdline(struct vmm *vmm, const struct vmm_params *params,
    size_t maxlen, char **cause)
{
	const char	*s;
	size_t		 len;

	s = params->vp_cmdline != NULL ? params->vp_cmdline : "";
	len = strlen(s);

	if (maxlen > VMM_CMDLINE_MAX - 1)
		maxlen = VMM_CMDLINE_MAX - 1;
	if (len > maxlen) {
		xasprintf(cause, "kernel %s: command line too long (%zu bytes, "
		    "this kernel accepts at most %zu)", params->vp_kernel, len,
		    maxlen);
		return (-1);
	}
	if (mem_write(vmm, VMM_CMDLINE, s, len + 1) == -1) {
		xasprintf(cause, "kernel %s: command line at 0x%llx does not "
		    "fit in RAM", params->vp_kernel,
		    (unsigned long long)VMM_CMDLINE);
		return (-1);
	}
	return (0);
}

int
loader_initrd(struct vmm *vmm, const struct vmm_params *params,
    uint64_t low, uint64_t high, uint64_t *gpa, uint64_t *sizep,
    char **cause)
{
	const char	*path = params->vp_initrd;
	uint64_t	 size, at, avail;
	uint8_t		*dst = NULL;
	int		 fd;

	*gpa = *sizep = 0;
	if (path == NULL)
		return (0);
	if (loader_open("initrd", path, &fd, &size, cause) == -1)
		return (-1);
	if (high > mem_lowmem_end(vmm))
		high = mem_lowmem_end(vmm);
	low = loader_align_up(low, LOADER_PAGE_SIZE);
	avail = (low != 0 && low < high) ? high - low : 0;
	/* As high as possible, so the kernel's own early allocations below
	 * it stay free; the start is page-aligned. */
	if (size > avail || ((high - size) & ~(LOADER_PAGE_SIZE - 1)) < low) {
		xasprintf(cause, "initrd %s: too big (%llu bytes; %llu bytes "
		    "free between the kernel's end 0x%llx and 0x%llx)", path,
		    (unsigned long long)size, (unsigned long long)avail,
		    (unsigned long long)low, (unsigned long long)high);
		close(fd);
		return (-1);
	}
	at = (high - size) & ~(LOADER_PAGE_SIZE - 1);
	if (size > 0 && (dst = mem_gpa(vmm, at, size)) == NULL) {
		xasprintf(cause, "initrd %s: 0x%llx-0x%llx is outside RAM",
		    path, (unsigned long long)at,
		    (unsigned long long)(at + size));
		close(fd);
		return (-1);
	}
	if (size > 0 &&
	    loader_read_fd(fd, "initrd", path, dst, size, cause) == -1) {
		close(fd);
		return (-1);
	}
	close(fd);
	*gpa = at;
	*sizep = size;
	return (0);
}

/* Decide the format: the one asked for, or what the file looks like. */
static int
loader_detect(const struct loader_image *img, enum vmm_boot_kind want,
    enum vmm_boot_kind *kind, char **cause)
{
	const uint8_t	*d = img->li_data;

	switch (want) {
	case VMM_BOOT_BZIMAGE:
		*kind = VMM_BOOT_BZIMAGE;
		return (0);
	case VMM_BOOT_ELF:
		*kind = VMM_BOOT_ELF;
		return (loader_elf_check(img, cause));
	case VMM_BOOT_PVH:
		*kind = VMM_BOOT_PVH;
		return (loader_elf_check(img, cause));
	case VMM_BOOT_AUTO:
		break;
	default:
		xasprintf(cause, "kernel %s: unknown boot kind %d",
		    img->li_path, (int)want);
		return (-1);
	}

	if (loader_bzimage_is_image(img)) {
		*kind = VMM_BOOT_BZIMAGE;
		return (0);
	}
	if (loader_elf_is_image(img)) {
		if (loader_elf_check(img, cause) == -1)
			return (-1);
		*kind = loader_pvh_has_entry(img) ? VMM_BOOT_PVH :
		    VMM_BOOT_ELF;
		return (0);
	}
	if (img->li_len >= LOADER_BOOT_FLAG_OFF + 2 &&
	    img->li_len < LOADER_DETECT_LEN &&
	    d[LOADER_BOOT_FLAG_OFF] == 0x55 &&
	    d[LOADER_BOOT_FLAG_OFF + 1] == 0xaa) {
		xasprintf(cause, "kernel %s: truncated (%zu bytes: a boot "
		    "sector without its setup header)", img->li_path,
		    img->li_len);
		return (-1);
	}
	xasprintf(cause, "kernel %s: not a kernel image (%zu bytes, neither "
	    "a Linux bzImage nor an ELF file)", img->li_path, img->li_len);
	return (-1);
}

int
loader_load(struct vmm *vmm, const struct vmm_params *params, uint64_t rsdp,
    struct loader_entry *entry, char **cause)
{
	struct loader_image	 img;
	enum vmm_boot_kind	 kind;
	size_t			 i;
	int			 rc = -1;

	memset(entry, 0, sizeof *entry);
	if (params->vp_kernel == NULL || *params->vp_kernel == '\0') {
		xasprintf(cause, "no kernel image given");
		return (-1);
	}
	img.li_path = params->vp_kernel;
	if (loader_read_file(img.li_path, LOADER_KERNEL_MAX, &img.li_data,
	    &img.li_len, cause) == -1)
		return (-1);
	if (loader_detect(&img, params->vp_boot, &kind, cause) == 0) {
		for (i = 0; i < sizeof loader_formats /
		    sizeof loader_formats[0]; i++) {
			if (loader_formats[i].lf_kind != kind)
				continue;
			rc = loader_formats[i].lf_load(vmm, params, &img, rsdp,
			    entry, cause);
			break;
		}
		if (rc == 0)
			entry->le_kind = kind;
	}
	free(img.li_data);
	return (rc);
}
