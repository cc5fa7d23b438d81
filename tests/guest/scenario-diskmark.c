/* SPDX-License-Identifier: ISC */
/*
 * diskmark: a marker on the first virtio-blk disk, for the snapshot
 * tests.  Sector S (sector=, default 64) of a marked disk starts with
 * "VIREO-MARK " and the marker, ended by a newline.  The scenario prints
 *
 *	diskmark: found "<marker>"	(or: diskmark: found nothing)
 *
 * then, with mark=M, writes M there, FLUSHes, reads it back and prints
 * diskmark: wrote "M".  With then=M2 it waits wait=MS (default 5000)
 * milliseconds, still running, and writes M2 the same way: a snapshot
 * taken while it waits must hold M and the disk afterwards M2.  Markers
 * are up to 64 bytes of the command line (no blanks).
 *
 * Everything runs in ring 0 with one request at a time: a handful of
 * sectors, so the speed of the ring-0 emulator does not matter.
 */
#include "virtio.h"

#define DM_F_FLUSH	(1ULL << 9)
#define DM_T_IN		0
#define DM_T_OUT	1
#define DM_T_FLUSH	4
#define DM_S_OK		0
#define DM_SECTOR	512
#define DM_MAGIC	"VIREO-MARK "
#define DM_MARK_MAX	64
#define DM_TIMEOUT	30000

struct dm_hdr {
	uint32_t	h_type;
	uint32_t	h_reserved;
	uint64_t	h_sector;
};

struct dm_req {
	struct dm_hdr	r_hdr;
	uint8_t		r_status;
};

static struct virtio_dev	 dm_vd;
static struct virtq		*dm_q;
static struct dm_req		*dm_r;
static uint8_t			*dm_buf;

static int	dm_io(uint32_t, uint64_t, void *, uint32_t);
static void	dm_read(uint64_t, char *);
static void	dm_write(uint64_t, const char *);

/* One request, waited for: its status. */
static int
dm_io(uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	struct virtq_buf	b[3];
	uint32_t		ulen;
	int			n = 0;

	dm_r->r_hdr.h_type = type;
	dm_r->r_hdr.h_reserved = 0;
	dm_r->r_hdr.h_sector = sector;
	dm_r->r_status = 0xff;
	b[n].b_addr = (uint64_t)&dm_r->r_hdr;
	b[n].b_len = sizeof(dm_r->r_hdr);
	b[n++].b_write = 0;
	if (len > 0) {
		b[n].b_addr = (uint64_t)data;
		b[n].b_len = len;
		b[n++].b_write = type == DM_T_IN;
	}
	b[n].b_addr = (uint64_t)&dm_r->r_status;
	b[n].b_len = 1;
	b[n++].b_write = 1;
	if (virtq_add(dm_q, b, n) == -1)
		test_fail("diskmark: no room in the queue");
	virtq_kick(dm_q);
	if (virtq_wait(dm_q, DM_TIMEOUT, &ulen) == -1)
		test_fail("diskmark: request %u: no completion", type);
	return (dm_r->r_status);
}

/* The marker at sector into out (DM_MARK_MAX + 1), "" if none. */
static void
dm_read(uint64_t sector, char *out)
{
	size_t	i, m = sizeof(DM_MAGIC) - 1;
	int	st;

	if ((st = dm_io(DM_T_IN, sector, dm_buf, DM_SECTOR)) != DM_S_OK)
		test_fail("diskmark: reading sector %lu: status %d", sector,
		    st);
	out[0] = '\0';
	if (memcmp(dm_buf, DM_MAGIC, m) != 0)
		return;
	for (i = 0; i < DM_MARK_MAX && dm_buf[m + i] != '\n' &&
	    dm_buf[m + i] >= 0x21 && dm_buf[m + i] <= 0x7e; i++)
		out[i] = (char)dm_buf[m + i];
	out[i] = '\0';
}

/* Write mark at sector, flush, and read it back. */
static void
dm_write(uint64_t sector, const char *mark)
{
	char	back[DM_MARK_MAX + 1];
	size_t	m = sizeof(DM_MAGIC) - 1, n = strlen(mark);
	int	st;

	memset(dm_buf, 0, DM_SECTOR);
	memcpy(dm_buf, DM_MAGIC, m);
	memcpy(dm_buf + m, mark, n);
	dm_buf[m + n] = '\n';
	if ((st = dm_io(DM_T_OUT, sector, dm_buf, DM_SECTOR)) != DM_S_OK)
		test_fail("diskmark: writing sector %lu: status %d", sector,
		    st);
	if ((dm_vd.vd_features & DM_F_FLUSH) &&
	    (st = dm_io(DM_T_FLUSH, 0, NULL, 0)) != DM_S_OK)
		test_fail("diskmark: FLUSH: status %d", st);
	dm_read(sector, back);
	if (strlen(back) != n || memcmp(back, mark, n) != 0)
		test_fail("diskmark: read back \"%s\", not \"%s\"", back,
		    mark);
	kprintf("diskmark: wrote \"%s\"\n", mark);
}

void
scenario_diskmark(void)
{
	char		mark[DM_MARK_MAX + 1], then[DM_MARK_MAX + 1];
	char		found[DM_MARK_MAX + 1];
	uint64_t	sector, cap, deadline;

	sector = cmdline_u64("sector", 64);
	if (virtio_find(&dm_vd, VIRTIO_ID_BLK, 0) == -1)
		test_fail("diskmark: no virtio-blk device");
	if (virtio_negotiate(&dm_vd, DM_F_FLUSH) == -1 ||
	    virtio_queue_setup(&dm_vd, 0, 16) == -1)
		test_fail("diskmark: set-up failed");
	dm_q = &dm_vd.vd_vq[0];
	virtio_driver_ok(&dm_vd);
	if (dm_vd.vd_cfg == 0)
		test_fail("diskmark: no device configuration");
	cap = virtio_cfg_read64(&dm_vd, 0);
	if (sector >= cap)
		test_fail("diskmark: sector %lu beyond the disk (%lu)",
		    sector, cap);
	if ((dm_r = virtio_alloc(sizeof(*dm_r))) == NULL ||
	    (dm_buf = virtio_alloc(DM_SECTOR)) == NULL)
		test_fail("diskmark: no memory");

	dm_read(sector, found);
	if (found[0] == '\0')
		kprintf("diskmark: found nothing\n");
	else
		kprintf("diskmark: found \"%s\"\n", found);
	if (cmdline_get("mark", mark, sizeof(mark)) == 0 && mark[0] != '\0')
		dm_write(sector, mark);
	if (cmdline_get("then", then, sizeof(then)) == 0 && then[0] != '\0') {
		kprintf("diskmark: waiting\n");
		time_init();
		deadline = time_deadline(cmdline_u64("wait", 5000));
		while (!time_expired(deadline))
			time_delay_us(10000);
		dm_write(sector, then);
	}
	test_pass();
}
