/* SPDX-License-Identifier: ISC */
/*
 * Suspend files (.vmss, VMware's name for suspend state): the section
 * stream devices save into and restore from (struct snap), and the whole
 * VM written to and read from a file.  Our own format, not VMware's; all
 * integers little-endian:
 *
 *	header, 64 bytes:
 *	  0  magic "VIREOVSS"
 *	  8  u32 format version (SNAP_VERSION)
 *	 12  u32 header size (64)
 *	 16  u64 guest RAM in bytes
 *	 24  u32 vCPUs
 *	 28  u32 devices in the device list
 *	 32  u64 bytes of sections that follow the header
 *	 40  u64 bytes of the RAM stream that follows the sections
 *	 48  u32 CRC-32 of the sections
 *	 52  u32, u32 reserved (0)
 *	 60  u32 CRC-32 of bytes 0-59
 *	sections, each: u32 type, u32 id, u32 payload length, u32 CRC-32 of
 *	  the payload, then the payload, in this order:
 *	  DEVICES  u32 n, then n times u8 length and the devtype's name: the
 *	           devices the VM has, in creation order
 *	  DEVICE   id = index in that list: what dt_save wrote (devices
 *	           without dt_save have none); the PIC, IOAPIC and PIT are
 *	           devices (version 1 files had KVM's in IRQCHIP and PIT
 *	           sections instead, and are refused)
 *	  VCPU     id = vCPU index: tagged records (vmstate.c): registers,
 *	           special registers, FPU or XSAVE, XCRs, MSRs, LAPIC, debug
 *	           registers, pending events, MP state
 *	  CLOCK    kvmclock (struct kvm_clock_data)
 *	  END      empty
 *	the RAM stream: u64 n, then n runs of pages, each a u64 RAM offset
 *	  and a u64 length (multiples of 4 KiB, ascending, not overlapping;
 *	  RAM offsets count the low part then the part above 4 GiB), zeros
 *	  up to the next multiple of 4 KiB from the start of the file, then
 *	  the runs' bytes one after the other.  Pages in no run are zero; a
 *	  run holds no stretch of SNAP_GAP_MIN or more zero pages.  The page
 *	  alignment lets the pages go to disk with O_DIRECT, without a copy.
 *
 * Devices are saved before the vCPUs: saving a virtio device stops its I/O
 * thread (until the save ends), so nothing injects an interrupt or writes
 * guest RAM behind the saved state.  Loading applies RAM first, then the
 * devices (interrupt controllers first), the clock, then each vCPU; the
 * deferred calls
 * (snap_defer) run last.
 *
 * A suspend file is untrusted input: lengths are checked before any read,
 * sections carry a CRC, the RAM stream is bounds-checked against the VM's
 * memory, and the file's size must cover what the header announces.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"
#include "snapshot.h"

#define SNAP_MAGIC		"VIREOVSS"
#define SNAP_VERSION		2	/* 2: PIC, IOAPIC, PIT as devices */
#define SNAP_HDR_SIZE		64
#define SNAP_SEC_HDR		16
#define SNAP_STATE_MAX		(256U << 20)	/* all sections together */
#define SNAP_PAGE		4096ULL
#define SNAP_GAP_MIN		16	/* zero pages that end a run */
#define SNAP_NAME_MAX		64
#define SNAP_IO_MAX		(64U << 20)	/* bytes per read/write call */

/* A call to make when the top snap is freed. */
struct snap_defer {
	void		(*sd_fn)(void *);
	void		*sd_arg;
};

struct snap {
	int		 s_writer;	/* 1: writer, 0: reader */
	uint8_t		*s_buf;		/* writer: owned; reader: borrowed */
	size_t		 s_len;		/* writer: used; reader: total */
	size_t		 s_cap;		/* writer: allocated */
	size_t		 s_off;		/* reader: next byte */
	size_t		 s_sec;		/* writer: open section's header */
	int		 s_open;	/* writer: a section is open */
	int		 s_err;		/* reader: a get failed */
	struct snap	*s_parent;	/* payload reader: whom to defer to */
	struct snap_defer *s_defer;	/* s_ndefer calls, owned */
	size_t		 s_ndefer;
};

/* A run of guest RAM in the memory stream. */
struct snap_run {
	uint64_t	 sr_off;	/* RAM offset, page aligned */
	uint64_t	 sr_len;	/* bytes, whole pages */
};

/* One section found by snap_load_vm. */
struct snap_sec {
	uint32_t	 ss_type;
	uint32_t	 ss_id;
	struct snap	*ss_payload;
};

static void	snap_grow(struct snap *, size_t);
static void	snap_put_int(struct snap *, uint64_t, unsigned int);
static int	snap_get_int(struct snap *, void *, unsigned int);
static int	snap_write_all(int, const void *, size_t);
static int	snap_read_all(int, void *, size_t);
static int	snap_page_is_zero(const uint8_t *);
static struct snap_run *snap_ram_runs(struct vmm *, size_t *);
static int	snap_write_ram(int, const uint8_t *, uint64_t, int *);
static int	snap_save_ram(struct vmm *, int, uint64_t *, char **);
static int	snap_load_ram(struct vmm *, int, uint64_t, char **);
static int	snap_check_devices(struct vmm *, struct snap *, char **);
static int	snap_load_sections(struct vmm *, struct snap_sec *, size_t,
		    char **);
static const char *snap_sec_name(uint32_t);

struct snap *
snap_writer_create(void)
{
	struct snap	*s;

	s = xcalloc(1, sizeof *s);
	s->s_writer = 1;
	return (s);
}

struct snap *
snap_reader_create(const void *buf, size_t len)
{
	struct snap	*s;

	s = xcalloc(1, sizeof *s);
	s->s_buf = (uint8_t *)(uintptr_t)buf;
	s->s_len = buf == NULL ? 0 : len;
	return (s);
}

void
snap_free(struct snap *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = s->s_ndefer; i > 0; i--)
		s->s_defer[i - 1].sd_fn(s->s_defer[i - 1].sd_arg);
	free(s->s_defer);
	if (s->s_writer)
		free(s->s_buf);
	free(s);
}

void
snap_defer(struct snap *s, void (*fn)(void *), void *arg)
{
	while (s->s_parent != NULL)
		s = s->s_parent;
	s->s_defer = xreallocarray(s->s_defer, s->s_ndefer + 1,
	    sizeof *s->s_defer);
	s->s_defer[s->s_ndefer].sd_fn = fn;
	s->s_defer[s->s_ndefer].sd_arg = arg;
	s->s_ndefer++;
}

static void
snap_grow(struct snap *s, size_t more)
{
	size_t	cap;

	if (s->s_cap - s->s_len >= more)
		return;
	cap = s->s_cap == 0 ? 4096 : s->s_cap;
	while (cap - s->s_len < more)
		cap *= 2;
	s->s_buf = xrealloc(s->s_buf, cap);
	s->s_cap = cap;
}

void
snap_put_bytes(struct snap *s, const void *p, size_t len)
{
	if (len == 0)
		return;
	snap_grow(s, len);
	memcpy(s->s_buf + s->s_len, p, len);
	s->s_len += len;
}

/* v as n little-endian bytes. */
static void
snap_put_int(struct snap *s, uint64_t v, unsigned int n)
{
	uint8_t	b[8];

	vmm_le_put(b, v, n);
	snap_put_bytes(s, b, n);
}

void
snap_put_u8(struct snap *s, uint8_t v)
{
	snap_put_int(s, v, sizeof v);
}

void
snap_put_u16(struct snap *s, uint16_t v)
{
	snap_put_int(s, v, sizeof v);
}

void
snap_put_u32(struct snap *s, uint32_t v)
{
	snap_put_int(s, v, sizeof v);
}

void
snap_put_u64(struct snap *s, uint64_t v)
{
	snap_put_int(s, v, sizeof v);
}

void
snap_open(struct snap *s, uint32_t type, uint32_t id)
{
	uint8_t	hdr[SNAP_SEC_HDR];

	if (s->s_open)
		snap_close(s);
	memset(hdr, 0, sizeof hdr);
	vmm_le_put(hdr, type, 4);
	vmm_le_put(hdr + 4, id, 4);
	s->s_sec = s->s_len;
	s->s_open = 1;
	snap_put_bytes(s, hdr, sizeof hdr);
}

void
snap_close(struct snap *s)
{
	size_t	len;

	if (!s->s_open)
		return;
	len = s->s_len - s->s_sec - SNAP_SEC_HDR;
	vmm_le_put(s->s_buf + s->s_sec + 8, len, 4);
	vmm_le_put(s->s_buf + s->s_sec + 12, snap_crc32(0, s->s_buf + s->s_sec +
	    SNAP_SEC_HDR, len), 4);
	s->s_open = 0;
}

const void *
snap_data(const struct snap *s, size_t *len)
{
	*len = s->s_len;
	return (s->s_buf);
}

/*
 * n little-endian bytes into the n-byte unsigned integer at v; the first
 * failure sticks, and a failed read leaves 0 (snap_get_bytes zeroes b).
 */
static int
snap_get_int(struct snap *s, void *v, unsigned int n)
{
	uint8_t		b[8];
	uint64_t	x;
	int		rc;

	rc = snap_get_bytes(s, b, n);
	x = vmm_le_get(b, n);
	switch (n) {
	case 1:
		*(uint8_t *)v = (uint8_t)x;
		break;
	case 2:
		*(uint16_t *)v = (uint16_t)x;
		break;
	case 4:
		*(uint32_t *)v = (uint32_t)x;
		break;
	default:
		*(uint64_t *)v = x;
		break;
	}
	return (rc);
}

int
snap_get_u8(struct snap *s, uint8_t *v)
{
	return (snap_get_int(s, v, sizeof *v));
}

int
snap_get_u16(struct snap *s, uint16_t *v)
{
	return (snap_get_int(s, v, sizeof *v));
}

int
snap_get_u32(struct snap *s, uint32_t *v)
{
	return (snap_get_int(s, v, sizeof *v));
}

int
snap_get_u64(struct snap *s, uint64_t *v)
{
	return (snap_get_int(s, v, sizeof *v));
}

int
snap_get_bytes(struct snap *s, void *p, size_t len)
{
	if (s->s_err || s->s_len - s->s_off < len) {
		s->s_err = 1;
		memset(p, 0, len);
		errno = EINVAL;
		return (-1);
	}
	if (len > 0)
		memcpy(p, s->s_buf + s->s_off, len);
	s->s_off += len;
	return (0);
}

int
snap_get_end(struct snap *s)
{
	if (s->s_err || s->s_off != s->s_len) {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

size_t
snap_remaining(const struct snap *s)
{
	return (s->s_err ? 0 : s->s_len - s->s_off);
}

int
snap_get_section(struct snap *s, uint32_t *type, uint32_t *id,
    struct snap **payload, char **cause)
{
	uint32_t	len, crc;

	*payload = NULL;
	if (!s->s_err && s->s_off == s->s_len)
		return (0);
	if (snap_remaining(s) < SNAP_SEC_HDR) {
		xasprintf(cause, "truncated section header at byte %zu",
		    s->s_off);
		s->s_err = 1;
		errno = EINVAL;
		return (-1);
	}
	snap_get_u32(s, type);
	snap_get_u32(s, id);
	snap_get_u32(s, &len);
	snap_get_u32(s, &crc);
	if (len > SNAP_SECTION_MAX || len > snap_remaining(s)) {
		xasprintf(cause, "%s section %u: length %u past the end",
		    snap_sec_name(*type), *id, len);
		s->s_err = 1;
		errno = EINVAL;
		return (-1);
	}
	if (snap_crc32(0, s->s_buf + s->s_off, len) != crc) {
		xasprintf(cause, "%s section %u: checksum mismatch",
		    snap_sec_name(*type), *id);
		s->s_err = 1;
		errno = EINVAL;
		return (-1);
	}
	*payload = snap_reader_create(s->s_buf + s->s_off, len);
	(*payload)->s_parent = s;
	s->s_off += len;
	return (1);
}

static const char *
snap_sec_name(uint32_t type)
{
	switch (type) {
	case SNAP_SEC_DEVICES:
		return ("device list");
	case SNAP_SEC_VCPU:
		return ("vCPU");
	case SNAP_SEC_IRQCHIP:
		return ("irqchip");
	case SNAP_SEC_PIT:
		return ("PIT");
	case SNAP_SEC_CLOCK:
		return ("clock");
	case SNAP_SEC_DEVICE:
		return ("device");
	case SNAP_SEC_END:
		return ("end");
	}
	return ("unknown");
}

/* Bitwise-reflected CRC-32, polynomial 0xedb88320, a byte at a time. */
uint32_t
snap_crc32(uint32_t crc, const void *buf, size_t len)
{
	static const uint32_t	nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c
	};
	const uint8_t		*p = buf;
	size_t			 i;

	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ nibble[crc & 0xf];
		crc = (crc >> 4) ^ nibble[crc & 0xf];
	}
	return (~crc);
}

static int
snap_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len > SNAP_IO_MAX ? SNAP_IO_MAX : len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

static int
snap_read_all(int fd, void *buf, size_t len)
{
	uint8_t	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = read(fd, p, len > SNAP_IO_MAX ? SNAP_IO_MAX : len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENODATA;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

static int
snap_page_is_zero(const uint8_t *p)
{
	const uint64_t	*q = (const uint64_t *)(const void *)p;
	uint64_t	 acc = 0;
	size_t		 i;

	/* Eight words per step: most pages are either zero or not early. */
	for (i = 0; i < SNAP_PAGE / 8; i += 8) {
		acc |= q[i] | q[i + 1] | q[i + 2] | q[i + 3] | q[i + 4] |
		    q[i + 5] | q[i + 6] | q[i + 7];
		if (acc != 0)
			return (0);
	}
	return (1);
}

/*
 * The runs of guest RAM worth saving: pages that are not all zero, with
 * zero gaps shorter than SNAP_GAP_MIN pages written along (fewer, longer
 * writes, and a table of at most one run per SNAP_GAP_MIN pages).
 */
static struct snap_run *
snap_ram_runs(struct vmm *vmm, size_t *nruns)
{
	const uint8_t	*ram = vmm->vm_mem.mm_host;
	uint64_t	 size = vmm->vm_mem.mm_size, off = 0, end, zeros;
	struct snap_run	*runs = NULL;
	size_t		 n = 0;

	while (off < size) {
		if (snap_page_is_zero(ram + off)) {
			off += SNAP_PAGE;
			continue;
		}
		/* A run ends at a long enough stretch of zero pages. */
		end = off + SNAP_PAGE;
		zeros = 0;
		while (end + zeros < size && zeros < SNAP_GAP_MIN * SNAP_PAGE &&
		    end + zeros - off < SNAP_IO_MAX) {
			if (snap_page_is_zero(ram + end + zeros))
				zeros += SNAP_PAGE;
			else {
				end += zeros + SNAP_PAGE;
				zeros = 0;
			}
		}
		runs = xreallocarray(runs, n + 1, sizeof *runs);
		runs[n].sr_off = off;
		runs[n].sr_len = end - off;
		n++;
		off = end + zeros;
	}
	*nruns = n;
	return (runs);
}

/*
 * Write len bytes of guest RAM: with O_DIRECT when the filesystem takes
 * it (the pages go from guest memory to the disk without a copy into the
 * page cache), else buffered.  *direct says which, and drops to buffered
 * for good at the first refusal.
 */
static int
snap_write_ram(int fd, const uint8_t *p, uint64_t len, int *direct)
{
	int	flags;

	if (*direct) {
		if (snap_write_all(fd, p, (size_t)len) == 0)
			return (0);
		if (errno != EINVAL)
			return (-1);
		/* Nothing was written (alignment is checked first). */
		*direct = 0;
		if ((flags = fcntl(fd, F_GETFL)) != -1)
			fcntl(fd, F_SETFL, flags & ~O_DIRECT);
	}
	return (snap_write_all(fd, p, (size_t)len));
}

/* The RAM stream: the run table, padding, then the runs' pages. */
static int
snap_save_ram(struct vmm *vmm, int fd, uint64_t *len, char **cause)
{
	const uint8_t	*ram = vmm->vm_mem.mm_host;
	struct snap_run	*runs;
	struct snap	*t;
	size_t		 nruns, tlen, i;
	uint64_t	 total = 0;
	off_t		 pos;
	int		 flags, direct = 0, rc = -1;

	runs = snap_ram_runs(vmm, &nruns);
	t = snap_writer_create();
	snap_put_u64(t, nruns);
	for (i = 0; i < nruns; i++) {
		snap_put_u64(t, runs[i].sr_off);
		snap_put_u64(t, runs[i].sr_len);
		total += runs[i].sr_len;
	}
	if ((pos = lseek(fd, 0, SEEK_CUR)) == -1)
		goto fail;
	/* The pages start on a 4 KiB boundary of the file. */
	(void)snap_data(t, &tlen);
	while ((pos + (off_t)tlen) % (off_t)SNAP_PAGE != 0) {
		snap_put_u8(t, 0);
		tlen++;
	}
	if (snap_write_all(fd, snap_data(t, &tlen), tlen) != 0)
		goto fail;
	if ((flags = fcntl(fd, F_GETFL)) != -1 &&
	    fcntl(fd, F_SETFL, flags | O_DIRECT) == 0)
		direct = 1;
	for (i = 0; i < nruns; i++) {
		if (snap_write_ram(fd, ram + runs[i].sr_off, runs[i].sr_len,
		    &direct) != 0)
			goto fail;
	}
	if (direct && flags != -1)
		fcntl(fd, F_SETFL, flags);
	log_debug("%s: %zu runs, %llu bytes, %s", __func__, nruns,
	    (unsigned long long)total, direct ? "O_DIRECT" : "buffered");
	*len = tlen + total;
	rc = 0;
	goto out;

fail:
	xasprintf(cause, "writing guest memory: %s", strerror(errno));
out:
	snap_free(t);
	free(runs);
	return (rc);
}

/* Read the RAM stream of len bytes into the VM's (zero) memory. */
static int
snap_load_ram(struct vmm *vmm, int fd, uint64_t len, char **cause)
{
	uint8_t		*ram = vmm->vm_mem.mm_host, b[16];
	uint64_t	 size = vmm->vm_mem.mm_size, n, i, next = 0, data = 0;
	uint64_t	 need, pad;
	struct snap_run	*runs = NULL;
	off_t		 pos;
	int		 rc = -1, flags = -1, direct = 0;

	if (len < 8 || snap_read_all(fd, b, 8) != 0)
		goto bad;
	n = vmm_le_get(b, 8);
	if (n > size / SNAP_PAGE || 8 + 16 * n > len)
		goto bad;
	runs = xreallocarray(NULL, n == 0 ? 1 : (size_t)n, sizeof *runs);
	for (i = 0; i < n; i++) {
		if (snap_read_all(fd, b, 16) != 0)
			goto io;
		runs[i].sr_off = vmm_le_get(b, 8);
		runs[i].sr_len = vmm_le_get(b + 8, 8);
		if (runs[i].sr_off % SNAP_PAGE != 0 ||
		    runs[i].sr_len % SNAP_PAGE != 0 || runs[i].sr_len == 0 ||
		    runs[i].sr_off < next || runs[i].sr_off > size ||
		    runs[i].sr_len > size - runs[i].sr_off) {
			xasprintf(cause, "guest memory: bad run of %llu bytes "
			    "at %#llx", (unsigned long long)runs[i].sr_len,
			    (unsigned long long)runs[i].sr_off);
			errno = ENOEXEC;
			goto out;
		}
		next = runs[i].sr_off + runs[i].sr_len;
		data += runs[i].sr_len;
	}
	if ((pos = lseek(fd, 0, SEEK_CUR)) == -1)
		goto io;
	pad = (SNAP_PAGE - (uint64_t)pos % SNAP_PAGE) % SNAP_PAGE;
	need = 8 + 16 * n + pad + data;
	if (need != len)
		goto bad;
	if (lseek(fd, (off_t)pad, SEEK_CUR) == -1)
		goto io;
	/* Aligned like the writer's: straight into guest RAM if we can. */
	if ((flags = fcntl(fd, F_GETFL)) != -1 &&
	    fcntl(fd, F_SETFL, flags | O_DIRECT) == 0)
		direct = 1;
	for (i = 0; i < n; i++) {
		pos = lseek(fd, 0, SEEK_CUR);
		if (snap_read_all(fd, ram + runs[i].sr_off,
		    (size_t)runs[i].sr_len) == 0)
			continue;
		if (!direct || errno != EINVAL || pos == -1 ||
		    lseek(fd, pos, SEEK_SET) == -1)
			goto io;
		direct = 0;
		fcntl(fd, F_SETFL, flags);
		if (snap_read_all(fd, ram + runs[i].sr_off,
		    (size_t)runs[i].sr_len) != 0)
			goto io;
	}
	rc = 0;
	goto out;

bad:
	xasprintf(cause, "guest memory: the stream does not match the "
	    "header");
	errno = ENOEXEC;
	goto out;
io:
	if (errno == ENODATA) {
		xasprintf(cause, "guest memory: file truncated");
		errno = ENOEXEC;
	} else
		xasprintf(cause, "reading guest memory: %s", strerror(errno));
out:
	if (direct)
		fcntl(fd, F_SETFL, flags);
	free(runs);
	return (rc);
}

int
snap_save_vm(struct vmm *vmm, int fd, char **cause)
{
	struct snap		*s;
	const struct vmm_devtype *dt;
	uint8_t			 hdr[SNAP_HDR_SIZE];
	const void		*state;
	size_t			 len, i, n;
	uint64_t		 ramlen = 0;
	off_t			 base;
	int			 rc = -1;

	if ((base = lseek(fd, 0, SEEK_CUR)) == -1) {
		xasprintf(cause, "suspend file: %s", strerror(errno));
		return (-1);
	}
	s = snap_writer_create();
	snap_open(s, SNAP_SEC_DEVICES, 0);
	snap_put_u32(s, (uint32_t)vmm->vm_ndevs);
	for (i = 0; i < vmm->vm_ndevs; i++) {
		dt = vmm->vm_devs[i].di_type;
		n = strlen(dt->dt_name);
		snap_put_u8(s, (uint8_t)n);
		snap_put_bytes(s, dt->dt_name, n);
	}
	/* Devices first: they stop their I/O threads until snap_free. */
	for (i = 0; i < vmm->vm_ndevs; i++) {
		dt = vmm->vm_devs[i].di_type;
		if (dt->dt_save == NULL)
			continue;
		snap_open(s, SNAP_SEC_DEVICE, (uint32_t)i);
		if (dt->dt_save(vmm->vm_devs[i].di_dev, s) != 0) {
			xasprintf(cause, "%s: cannot save its state: %s",
			    dt->dt_name, strerror(errno));
			goto out;
		}
	}
	if (!vmm->vm_fake) {
		for (i = 0; i < vmm->vm_nvcpus; i++) {
			snap_open(s, SNAP_SEC_VCPU, (uint32_t)i);
			if (vmstate_vcpu_save(vmm->vm_vcpus[i], s, cause) != 0)
				goto out;
		}
		snap_open(s, SNAP_SEC_CLOCK, 0);
		if (vmstate_clock_save(vmm, s, cause) != 0)
			goto out;
	}
	snap_open(s, SNAP_SEC_END, 0);
	snap_close(s);
	state = snap_data(s, &len);

	/* The header goes last, once the RAM stream's length is known. */
	memset(hdr, 0, sizeof hdr);
	if (snap_write_all(fd, hdr, sizeof hdr) != 0 ||
	    snap_write_all(fd, state, len) != 0) {
		xasprintf(cause, "writing the suspend file: %s",
		    strerror(errno));
		goto out;
	}
	if (snap_save_ram(vmm, fd, &ramlen, cause) != 0)
		goto out;
	memcpy(hdr, SNAP_MAGIC, 8);
	vmm_le_put(hdr + 8, SNAP_VERSION, 4);
	vmm_le_put(hdr + 12, SNAP_HDR_SIZE, 4);
	vmm_le_put(hdr + 16, vmm->vm_mem.mm_size, 8);
	vmm_le_put(hdr + 24, vmm->vm_params.vp_ncpus, 4);
	vmm_le_put(hdr + 28, vmm->vm_ndevs, 4);
	vmm_le_put(hdr + 32, len, 8);
	vmm_le_put(hdr + 40, ramlen, 8);
	vmm_le_put(hdr + 48, snap_crc32(0, state, len), 4);
	vmm_le_put(hdr + 60, snap_crc32(0, hdr, 60), 4);
	if (pwrite(fd, hdr, sizeof hdr, base) != (ssize_t)sizeof hdr) {
		xasprintf(cause, "writing the suspend file header: %s",
		    strerror(errno));
		goto out;
	}
	log_debug("%s: %zu bytes of state, %llu bytes of memory", __func__,
	    len, (unsigned long long)ramlen);
	rc = 0;
out:
	snap_free(s);
	return (rc);
}

/* The DEVICES section against the VM's own list. */
static int
snap_check_devices(struct vmm *vmm, struct snap *p, char **cause)
{
	char		name[SNAP_NAME_MAX + 1];
	uint32_t	n, i;
	uint8_t		len;

	if (snap_get_u32(p, &n) != 0)
		goto bad;
	if (n != vmm->vm_ndevs) {
		xasprintf(cause, "the suspended VM had %u devices, this one "
		    "has %zu (a different configuration)", n, vmm->vm_ndevs);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (snap_get_u8(p, &len) != 0 || len > SNAP_NAME_MAX ||
		    snap_get_bytes(p, name, len) != 0)
			goto bad;
		name[len] = '\0';
		if (strcmp(name, vmm->vm_devs[i].di_type->dt_name) != 0) {
			xasprintf(cause, "device %u is a %s in the suspend "
			    "file but a %s in this VM (a different "
			    "configuration)", i, name,
			    vmm->vm_devs[i].di_type->dt_name);
			return (-1);
		}
	}
	if (snap_get_end(p) != 0)
		goto bad;
	return (0);
bad:
	xasprintf(cause, "malformed device list");
	return (-1);
}

/* Apply the sections in the order KVM and the devices need. */
static int
snap_load_sections(struct vmm *vmm, struct snap_sec *sec, size_t nsec,
    char **cause)
{
	static const uint32_t	 order[] = { SNAP_SEC_DEVICE,
	    SNAP_SEC_CLOCK, SNAP_SEC_VCPU };
	const struct vmm_devtype *dt;
	uint8_t			*done;
	char			*why = NULL;
	size_t			 i, k, slot;
	int			 rc = -1, fake = vmm->vm_fake;

	done = xcalloc(vmm->vm_ndevs + vmm->vm_params.vp_ncpus + 1, 1);
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (i = 0; i < nsec; i++) {
			if (sec[i].ss_type != order[k])
				continue;
			switch (sec[i].ss_type) {
			case SNAP_SEC_DEVICE:
				if (sec[i].ss_id >= vmm->vm_ndevs ||
				    done[sec[i].ss_id]) {
					xasprintf(cause, "unexpected device "
					    "section %u", sec[i].ss_id);
					goto out;
				}
				done[sec[i].ss_id] = 1;
				dt = vmm->vm_devs[sec[i].ss_id].di_type;
				if (dt->dt_restore == NULL ||
				    dt->dt_restore(vmm->vm_devs[sec[i].ss_id].
				    di_dev, sec[i].ss_payload) != 0 ||
				    snap_get_end(sec[i].ss_payload) != 0) {
					xasprintf(cause, "%s: the saved state "
					    "does not fit this device",
					    dt->dt_name);
					goto out;
				}
				break;
			case SNAP_SEC_VCPU:
				if (sec[i].ss_id >= vmm->vm_params.vp_ncpus ||
				    done[vmm->vm_ndevs + sec[i].ss_id]) {
					xasprintf(cause, "unexpected vCPU "
					    "section %u", sec[i].ss_id);
					goto out;
				}
				done[vmm->vm_ndevs + sec[i].ss_id] = 1;
				if (vmstate_vcpu_restore(vmm, fake ? NULL :
				    vmm->vm_vcpus[sec[i].ss_id],
				    sec[i].ss_payload, &why) != 0)
					goto sub;
				break;
			default:
				slot = vmm->vm_ndevs + vmm->vm_params.vp_ncpus;
				if (done[slot]) {
					xasprintf(cause, "%s section twice",
					    snap_sec_name(sec[i].ss_type));
					goto out;
				}
				done[slot] = 1;
				if (vmstate_vm_restore(vmm, sec[i].ss_type,
				    sec[i].ss_payload, &why) != 0)
					goto sub;
				break;
			}
		}
	}
	for (i = 0; i < vmm->vm_ndevs; i++) {
		dt = vmm->vm_devs[i].di_type;
		if (dt->dt_restore != NULL && !done[i]) {
			xasprintf(cause, "%s: no saved state", dt->dt_name);
			goto out;
		}
	}
	for (i = 0; !fake && i < vmm->vm_params.vp_ncpus + 1; i++) {
		if (!done[vmm->vm_ndevs + i]) {
			xasprintf(cause, "the %s state is missing",
			    i < vmm->vm_params.vp_ncpus ? "vCPU" :
			    snap_sec_name(SNAP_SEC_CLOCK));
			goto out;
		}
	}
	rc = 0;
	goto out;
sub:
	xasprintf(cause, "%s", why != NULL ? why : "bad state");
out:
	free(why);
	free(done);
	return (rc);
}

int
snap_load_vm(struct vmm *vmm, int fd, char **cause)
{
	struct stat	 st;
	struct snap	*top = NULL, *p;
	struct snap_sec	*sec = NULL;
	uint8_t		 hdr[SNAP_HDR_SIZE], *state = NULL;
	uint64_t	 memsize, statelen, ramlen, need;
	uint32_t	 ncpus, ndevs, type, id;
	size_t		 nsec = 0, i;
	off_t		 base;
	char		*why = NULL;
	int		 r, rc = -1, sawend = 0;

	if ((base = lseek(fd, 0, SEEK_CUR)) == -1 || fstat(fd, &st) == -1) {
		xasprintf(cause, "%s", strerror(errno));
		return (-1);
	}
	if (st.st_size - base < SNAP_HDR_SIZE ||
	    snap_read_all(fd, hdr, sizeof hdr) != 0) {
		xasprintf(cause, "not a suspend file (too short)");
		goto bad;
	}
	if (memcmp(hdr, SNAP_MAGIC, 8) != 0) {
		xasprintf(cause, "not a Vireo suspend file (bad magic)");
		goto bad;
	}
	if (vmm_le_get(hdr + 8, 4) != SNAP_VERSION) {
		xasprintf(cause, "suspend file format version %u is not "
		    "supported (this vmx reads version %d)",
		    (unsigned int)vmm_le_get(hdr + 8, 4), SNAP_VERSION);
		goto bad;
	}
	if (vmm_le_get(hdr + 12, 4) != SNAP_HDR_SIZE ||
	    vmm_le_get(hdr + 60, 4) != snap_crc32(0, hdr, 60)) {
		xasprintf(cause, "suspend file header is corrupt");
		goto bad;
	}
	memsize = vmm_le_get(hdr + 16, 8);
	ncpus = (uint32_t)vmm_le_get(hdr + 24, 4);
	ndevs = (uint32_t)vmm_le_get(hdr + 28, 4);
	statelen = vmm_le_get(hdr + 32, 8);
	ramlen = vmm_le_get(hdr + 40, 8);
	if (memsize != vmm->vm_mem.mm_size) {
		xasprintf(cause, "the suspended VM had %llu MiB of memory, "
		    "this one has %llu MiB (memsize changed?)",
		    (unsigned long long)(memsize >> 20),
		    (unsigned long long)(vmm->vm_mem.mm_size >> 20));
		goto bad;
	}
	if (ncpus != vmm->vm_params.vp_ncpus) {
		xasprintf(cause, "the suspended VM had %u vCPUs, this one "
		    "has %u (numvcpus changed?)", ncpus,
		    vmm->vm_params.vp_ncpus);
		goto bad;
	}
	if (ndevs != vmm->vm_ndevs) {
		xasprintf(cause, "the suspended VM had %u devices, this one "
		    "has %zu (a different configuration)", ndevs,
		    vmm->vm_ndevs);
		goto bad;
	}
	if (statelen > SNAP_STATE_MAX || ramlen > UINT64_MAX / 2) {
		xasprintf(cause, "suspend file header is corrupt");
		goto bad;
	}
	need = SNAP_HDR_SIZE + statelen + ramlen;
	if ((uint64_t)(st.st_size - base) < need) {
		xasprintf(cause, "suspend file truncated: %llu bytes, the "
		    "header announces %llu",
		    (unsigned long long)(st.st_size - base),
		    (unsigned long long)need);
		goto bad;
	}
	state = xmalloc(statelen == 0 ? 1 : (size_t)statelen);
	if (snap_read_all(fd, state, (size_t)statelen) != 0) {
		xasprintf(cause, "reading the suspend file: %s",
		    strerror(errno));
		goto out;
	}
	if (vmm_le_get(hdr + 48, 4) != snap_crc32(0, state,
	    (size_t)statelen)) {
		xasprintf(cause, "suspend file state is corrupt (checksum)");
		goto bad;
	}

	/* Split into sections; the device list must come first. */
	top = snap_reader_create(state, (size_t)statelen);
	while ((r = snap_get_section(top, &type, &id, &p, &why)) == 1) {
		if (sawend || (nsec == 0) != (type == SNAP_SEC_DEVICES) ||
		    type < SNAP_SEC_DEVICES || type > SNAP_SEC_END ||
		    type == SNAP_SEC_IRQCHIP || type == SNAP_SEC_PIT ||
		    nsec > vmm->vm_ndevs + vmm->vm_params.vp_ncpus + 8) {
			snap_free(p);
			xasprintf(cause, "unexpected %s section",
			    snap_sec_name(type));
			goto bad;
		}
		if (type == SNAP_SEC_DEVICES &&
		    snap_check_devices(vmm, p, cause) != 0) {
			snap_free(p);
			goto bad;
		}
		if (type == SNAP_SEC_END)
			sawend = 1;
		sec = xreallocarray(sec, nsec + 1, sizeof *sec);
		sec[nsec].ss_type = type;
		sec[nsec].ss_id = id;
		sec[nsec].ss_payload = p;
		nsec++;
	}
	if (r == -1) {
		xasprintf(cause, "suspend file: %s", why);
		goto bad;
	}
	if (!sawend) {
		xasprintf(cause, "suspend file: no end section");
		goto bad;
	}

	if (snap_load_ram(vmm, fd, ramlen, cause) != 0)
		goto out;
	if (snap_load_sections(vmm, sec, nsec, cause) != 0)
		goto bad;
	rc = 0;
	goto out;

bad:
	errno = ENOEXEC;
out:
	r = errno;
	for (i = 0; i < nsec; i++)
		snap_free(sec[i].ss_payload);
	free(sec);
	/* Deferred calls (queue kicks) run once everything is in place. */
	snap_free(top);
	free(state);
	free(why);
	errno = r;
	return (rc);
}
