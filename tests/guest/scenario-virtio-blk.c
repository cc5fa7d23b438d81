/* SPDX-License-Identifier: ISC */
/*
 * virtio-blk: reads the capacity and the ID (GET_ID), then, by mode=:
 *
 *	write	write the pattern over the whole disk, then FLUSH
 *	verify	read the whole disk back and check the pattern
 *	both	write, FLUSH, verify (the default)
 *	read	read the whole disk, no check (a throughput figure)
 *	rand	count=N (2000) 4 KiB reads at random 4 KiB offsets (IOPS)
 *
 * with req=BYTES per request (default 1 MiB), qd=N requests in flight per
 * batch (default 4, rand 1), size=BYTES to stop short of the end of the
 * disk, seed=N for the pattern.  ro=1 instead reads sector 0 and writes
 * it back, which must fail with IOERR (a read-only disk).  index=N picks
 * the Nth virtio-blk device.
 *
 * The pattern: 64-bit little-endian word i (0-63) of 512-byte sector s is
 * mix((seed << 40) ^ (s << 6) ^ i), mix being splitmix64's output
 * function (z = x + 0x9e3779b97f4a7c15; z = (z ^ z >> 30) *
 * 0xbf58476d1ce4e5b9; z = (z ^ z >> 27) * 0x94d049bb133111eb; z ^ z >> 31),
 * so a host script can check any sector of the image.
 *
 * Ring 0 sets the device up and sends the single requests (GET_ID, FLUSH,
 * the read-only probe).  The bulk transfers run in ring 3 at native
 * speed, pattern work and queue work alike (the driver's ring code is
 * plain memory and MMIO, all mapped user-accessible), so that the
 * figures measure the host rather than the ring-0 emulator of PVM hosts:
 * one exit a batch for the notify.  Throughput is I/O time only (TSC from
 * the first submission of a batch to its last completion), the pattern
 * work excluded.
 */
#include "virtio.h"

#define BLK_F_SIZE_MAX		(1ULL << 1)
#define BLK_F_SEG_MAX		(1ULL << 2)
#define BLK_F_RO		(1ULL << 5)
#define BLK_F_BLK_SIZE		(1ULL << 6)
#define BLK_F_FLUSH		(1ULL << 9)

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define BLK_T_FLUSH		4
#define BLK_T_GET_ID		8

#define BLK_S_OK		0
#define BLK_S_IOERR		1
#define BLK_S_UNSUPP		2

#define BLK_SECTOR		512UL
#define BLK_MAXQD		16
#define BLK_MAXSEG		64
#define BLK_ID_LEN		20

struct blk_hdr {
	uint32_t	h_type;
	uint32_t	h_reserved;
	uint64_t	h_sector;
};

/* One request slot: header, status, GET_ID buffer; data elsewhere. */
struct blk_slot {
	struct blk_hdr	s_hdr;
	uint8_t		s_status;
	uint8_t		s_pad[7];
	char		s_id[32];
};

struct blk {
	struct virtio_dev b_vd;
	struct virtq	*b_q;
	struct blk_slot	*b_slots;	/* BLK_MAXQD */
	uint8_t		*b_buf;		/* qd * req bytes */
	uint64_t	 b_req;		/* bytes per request */
	uint64_t	 b_seg;		/* bytes per descriptor */
	unsigned int	 b_qd;
	uint64_t	 b_timeout;
	int		 b_head_slot[VIRTQ_MAX_SIZE];
};

/* The ring-3 pattern job over nsec sectors of buf from sector. */
struct blk_job {
	uint64_t	j_buf;
	uint64_t	j_sector;
	uint64_t	j_nsec;
	uint64_t	j_seed;
	uint64_t	j_bad_sector;	/* out */
	uint64_t	j_bad_word;
	uint64_t	j_want;
	uint64_t	j_got;
};

/* A ring-3 run: a whole sequential pass, or random reads. */
enum blk_err { BLK_E_OK = 0, BLK_E_ROOM, BLK_E_TIMEOUT, BLK_E_STATUS,
    BLK_E_PATTERN };
struct blk_run {
	uint32_t	r_type;		/* BLK_T_OUT or BLK_T_IN */
	int		r_fill;		/* write the pattern first */
	int		r_check;	/* check the pattern after */
	int		r_rand;		/* r_count random 4 KiB reads */
	uint64_t	r_seed;
	uint64_t	r_nsec;		/* sectors from 0 */
	uint64_t	r_count;
	uint64_t	r_io_tsc;	/* out: time in requests */
	enum blk_err	r_err;		/* out */
	uint64_t	r_sector;
	unsigned int	r_status;
	struct blk_job	r_job;
};

static struct blk	blk;

static uint64_t	blk_mix(uint64_t);
static void	blk_fill(struct blk_job *);
static int	blk_check(struct blk_job *);
static int	blk_submit(unsigned int, uint32_t, uint64_t, void *,
		    uint64_t);
static int	blk_complete(unsigned int, struct blk_run *);
static uint64_t	blk_run_user(uint64_t);
static void	blk_run(struct blk_run *, const char *);
static int	blk_one(uint32_t, uint64_t, void *, uint64_t);
static void	blk_report(const char *, uint64_t, uint64_t, uint64_t,
		    uint64_t);
static void	blk_readonly(void);

static inline uint64_t
blk_mix(uint64_t x)
{
	uint64_t z = x + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

static void
blk_fill(struct blk_job *j)
{
	uint64_t *p = (uint64_t *)j->j_buf, s, i, base;

	for (s = j->j_sector; s < j->j_sector + j->j_nsec; s++) {
		base = (j->j_seed << 40) ^ (s << 6);
		for (i = 0; i < 64; i++)
			*p++ = blk_mix(base ^ i);
	}
}

/* 0 if the buffer holds the pattern, else -1 and the first bad word. */
static int
blk_check(struct blk_job *j)
{
	const uint64_t *p = (const uint64_t *)j->j_buf;
	uint64_t s, i, base, want;

	for (s = j->j_sector; s < j->j_sector + j->j_nsec; s++) {
		base = (j->j_seed << 40) ^ (s << 6);
		for (i = 0; i < 64; i++, p++) {
			want = blk_mix(base ^ i);
			if (*p != want) {
				j->j_bad_sector = s;
				j->j_bad_word = i;
				j->j_want = want;
				j->j_got = *p;
				return (-1);
			}
		}
	}
	return (0);
}

/*
 * Queue request slot (no kick): header, data in b_seg pieces, status.
 * 0, or -1 if the ring has no room.  Ring 0 or 3.
 */
static int
blk_submit(unsigned int slot, uint32_t type, uint64_t sector, void *data,
    uint64_t len)
{
	struct virtq_buf b[BLK_MAXSEG + 2];
	struct blk_slot *s = &blk.b_slots[slot];
	uint64_t off, n;
	int nb = 0, head;

	s->s_hdr.h_type = type;
	s->s_hdr.h_reserved = 0;
	s->s_hdr.h_sector = sector;
	s->s_status = 0xff;
	b[nb].b_addr = (uint64_t)&s->s_hdr;
	b[nb].b_len = sizeof(s->s_hdr);
	b[nb++].b_write = 0;
	for (off = 0; off < len; off += n) {
		n = len - off < blk.b_seg ? len - off : blk.b_seg;
		b[nb].b_addr = (uint64_t)data + off;
		b[nb].b_len = (uint32_t)n;
		b[nb++].b_write = type != BLK_T_OUT;
	}
	b[nb].b_addr = (uint64_t)&s->s_status;
	b[nb].b_len = 1;
	b[nb++].b_write = 1;
	if ((head = virtq_add(blk.b_q, b, nb)) == -1)
		return (-1);
	blk.b_head_slot[head] = (int)slot;
	return (0);
}

/* Kick, then wait for n requests, each to end with OK.  Ring 3. */
static int
blk_complete(unsigned int n, struct blk_run *r)
{
	uint32_t len;
	int head, slot;

	virtq_kick(blk.b_q);
	while (n-- > 0) {
		if ((head = virtq_wait(blk.b_q, blk.b_timeout, &len)) == -1) {
			r->r_err = BLK_E_TIMEOUT;
			return (-1);
		}
		slot = blk.b_head_slot[head];
		if (blk.b_slots[slot].s_status != BLK_S_OK) {
			r->r_err = BLK_E_STATUS;
			r->r_sector = blk.b_slots[slot].s_hdr.h_sector;
			r->r_status = blk.b_slots[slot].s_status;
			return (-1);
		}
	}
	return (0);
}

/* Ring 3: the run; 0, or 1 with r_err set. */
static uint64_t
blk_run_user(uint64_t arg)
{
	struct blk_run *r = (struct blk_run *)arg;
	struct blk_job *j = &r->r_job;
	uint64_t x = 0x2545f4914f6cdd1dULL, done, n4k, sector, nsec, t0;
	uint64_t reqsec = blk.b_req / BLK_SECTOR, left;
	unsigned int i, n;

	if (r->r_rand) {
		n4k = r->r_nsec / 8;
		t0 = rdtsc();
		for (done = 0; done < r->r_count; done += n) {
			n = r->r_count - done < blk.b_qd ?
			    (unsigned int)(r->r_count - done) : blk.b_qd;
			for (i = 0; i < n; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				if (blk_submit(i, BLK_T_IN, (x % n4k) * 8,
				    blk.b_buf + i * 4096, 4096) == -1) {
					r->r_err = BLK_E_ROOM;
					return (1);
				}
			}
			if (blk_complete(n, r) == -1)
				return (1);
		}
		r->r_io_tsc = rdtsc() - t0;
		return (0);
	}
	for (sector = 0; sector < r->r_nsec; sector += nsec) {
		nsec = r->r_nsec - sector;
		if (nsec > blk.b_qd * reqsec)
			nsec = blk.b_qd * reqsec;
		j->j_buf = (uint64_t)blk.b_buf;
		j->j_sector = sector;
		j->j_nsec = nsec;
		j->j_seed = r->r_seed;
		if (r->r_fill)
			blk_fill(j);
		t0 = rdtsc();
		for (i = n = 0; (uint64_t)i * reqsec < nsec; i++, n++) {
			left = nsec - i * reqsec;
			if (blk_submit(i, r->r_type, sector + i * reqsec,
			    blk.b_buf + i * blk.b_req,
			    (left < reqsec ? left : reqsec) * BLK_SECTOR) ==
			    -1) {
				r->r_err = BLK_E_ROOM;
				return (1);
			}
		}
		if (blk_complete(n, r) == -1)
			return (1);
		r->r_io_tsc += rdtsc() - t0;
		if (r->r_check && blk_check(j) == -1) {
			r->r_err = BLK_E_PATTERN;
			return (1);
		}
	}
	return (0);
}

/* Run r in ring 3; FAIL with what went wrong. */
static void
blk_run(struct blk_run *r, const char *what)
{
	if (user_call(blk_run_user, (uint64_t)r) == 0)
		return;
	switch (r->r_err) {
	case BLK_E_ROOM:
		test_fail("virtio-blk: %s: no room in the queue", what);
	case BLK_E_TIMEOUT:
		test_fail("virtio-blk: %s: no completion within %lu ms", what,
		    blk.b_timeout);
	case BLK_E_STATUS:
		test_fail("virtio-blk: %s at sector %lu: status %u", what,
		    r->r_sector, r->r_status);
	case BLK_E_PATTERN:
		test_fail("virtio-blk: %s: sector %lu word %lu: want %016lx, "
		    "read %016lx", what, r->r_job.j_bad_sector,
		    r->r_job.j_bad_word, r->r_job.j_want, r->r_job.j_got);
	default:
		test_fail("virtio-blk: %s: error %d", what, r->r_err);
	}
}

/* One request on slot 0 from ring 0, waited for; its status byte. */
static int
blk_one(uint32_t type, uint64_t sector, void *data, uint64_t len)
{
	uint32_t ulen;

	if (blk_submit(0, type, sector, data, len) == -1)
		test_fail("virtio-blk: no room for a request");
	virtq_kick(blk.b_q);
	if (virtq_wait(blk.b_q, blk.b_timeout, &ulen) == -1)
		test_fail("virtio-blk: request type %u: no completion within "
		    "%lu ms", type, blk.b_timeout);
	return (blk.b_slots[0].s_status);
}

/* "<what> N MiB ...: I/O T ms, R MB/s" from the I/O time. */
static void
blk_report(const char *what, uint64_t bytes, uint64_t req, uint64_t qd,
    uint64_t io_tsc)
{
	uint64_t us = io_tsc / (time_tsc_hz() / 1000000);

	kprintf("virtio-blk: %s %lu MiB, %lu-byte requests, qd %lu: I/O %lu "
	    "ms, %lu MB/s\n", what, bytes / MIB, req, qd, us / 1000,
	    us == 0 ? 0 : bytes / us);
}

/* The read-only refusal: sector 0 read back and written unchanged. */
static void
blk_readonly(void)
{
	int st;

	kprintf("virtio-blk: read-only feature %s\n",
	    blk.b_vd.vd_features & BLK_F_RO ? "offered" : "not offered");
	if ((st = blk_one(BLK_T_IN, 0, blk.b_buf, BLK_SECTOR)) != BLK_S_OK)
		test_fail("virtio-blk: reading sector 0: status %d", st);
	st = blk_one(BLK_T_OUT, 0, blk.b_buf, BLK_SECTOR);
	kprintf("virtio-blk: writing sector 0: status %d\n", st);
	if (st == BLK_S_OK)
		test_fail("virtio-blk: a write to a read-only disk succeeded");
	if (st != BLK_S_IOERR)
		test_fail("virtio-blk: write refused with status %d, not "
		    "IOERR", st);
	kprintf("virtio-blk: write refused with IOERR\n");
	test_pass();
}

void
scenario_virtio_blk(void)
{
	struct blk_run r;
	char mode[16], id[BLK_ID_LEN + 1];
	uint64_t want, cap, size, seed, us;
	uint32_t segmax = 0, sizemax = 0, blksize = 512;
	unsigned int i, nseg;
	int st, wr, vf;

	if (cmdline_get("mode", mode, sizeof(mode)) == -1)
		memcpy(mode, "both", 5);
	wr = strlen(mode) == 5 && memcmp(mode, "write", 5) == 0;
	vf = strlen(mode) == 6 && memcmp(mode, "verify", 6) == 0;
	if (strlen(mode) == 4 && memcmp(mode, "both", 4) == 0)
		wr = vf = 1;
	if (!wr && !vf && !(strlen(mode) == 4 &&
	    (memcmp(mode, "read", 4) == 0 || memcmp(mode, "rand", 4) == 0)))
		test_fail("virtio-blk: mode=%s is not write, verify, both, "
		    "read or rand", mode);
	seed = cmdline_u64("seed", 1);
	blk.b_req = cmdline_u64("req", MIB);
	blk.b_qd = (unsigned int)cmdline_u64("qd", mode[3] == 'd' &&
	    mode[1] == 'a' ? 1 : 4);
	blk.b_timeout = cmdline_u64("timeout", 30000);
	if (blk.b_req == 0 || blk.b_req % BLK_SECTOR != 0 ||
	    blk.b_req > 16 * MIB || blk.b_qd == 0 || blk.b_qd > BLK_MAXQD)
		test_fail("virtio-blk: bad req=%lu or qd=%u (req a multiple "
		    "of 512 up to 16 MiB, qd 1-%d)", blk.b_req, blk.b_qd,
		    BLK_MAXQD);

	if (virtio_find(&blk.b_vd, VIRTIO_ID_BLK,
	    (int)cmdline_u64("index", 0)) == -1)
		test_fail("virtio-blk: no device");
	want = BLK_F_SIZE_MAX | BLK_F_SEG_MAX | BLK_F_RO | BLK_F_BLK_SIZE |
	    BLK_F_FLUSH;
	if (cmdline_u64("eventidx", 1))
		want |= VIRTIO_F_EVENT_IDX;
	if (virtio_negotiate(&blk.b_vd, want) == -1 ||
	    virtio_queue_setup(&blk.b_vd, 0, VIRTQ_MAX_SIZE) == -1)
		test_fail("virtio-blk: set-up failed");
	blk.b_q = &blk.b_vd.vd_vq[0];
	virtio_driver_ok(&blk.b_vd);
	if (blk.b_vd.vd_cfg == 0)
		test_fail("virtio-blk: no device configuration capability");

	cap = virtio_cfg_read64(&blk.b_vd, 0);
	if (blk.b_vd.vd_features & BLK_F_SIZE_MAX)
		sizemax = virtio_cfg_read32(&blk.b_vd, 8);
	if (blk.b_vd.vd_features & BLK_F_SEG_MAX)
		segmax = virtio_cfg_read32(&blk.b_vd, 12);
	if (blk.b_vd.vd_features & BLK_F_BLK_SIZE)
		blksize = virtio_cfg_read32(&blk.b_vd, 20);
	kprintf("virtio-blk: capacity %lu sectors (%lu MiB), block size %u, "
	    "seg_max %u, size_max %u%s%s\n", cap, cap * BLK_SECTOR / MIB,
	    blksize, segmax, sizemax,
	    blk.b_vd.vd_features & BLK_F_RO ? ", read-only" : "",
	    blk.b_vd.vd_features & BLK_F_FLUSH ? ", flush" : "");
	if (cap == 0)
		test_fail("virtio-blk: capacity 0");

	/* Descriptor size and count per request within the limits. */
	blk.b_seg = blk.b_req;
	if (sizemax != 0 && blk.b_seg > (sizemax & ~(BLK_SECTOR - 1)))
		blk.b_seg = sizemax & ~(BLK_SECTOR - 1);
	if (blk.b_seg == 0)
		blk.b_seg = BLK_SECTOR;
	nseg = (unsigned int)((blk.b_req + blk.b_seg - 1) / blk.b_seg);
	if (nseg > BLK_MAXSEG || (segmax != 0 && nseg > segmax))
		test_fail("virtio-blk: req=%lu needs %u segments of %lu "
		    "bytes (seg_max %u)", blk.b_req, nseg, blk.b_seg, segmax);
	if (blk.b_qd * (nseg + 2) > blk.b_q->q_size) {
		blk.b_qd = blk.b_q->q_size / (nseg + 2);
		kprintf("virtio-blk: qd cut to %u by the queue size\n",
		    blk.b_qd);
		if (blk.b_qd == 0)
			test_fail("virtio-blk: queue too small");
	}
	if ((blk.b_slots = virtio_alloc(BLK_MAXQD *
	    sizeof(struct blk_slot))) == NULL ||
	    (blk.b_buf = virtio_alloc(blk.b_qd * blk.b_req)) == NULL)
		test_fail("virtio-blk: no memory for %u x %lu bytes",
		    blk.b_qd, blk.b_req);

	/* GET_ID. */
	memset(blk.b_slots[0].s_id, 0, sizeof(blk.b_slots[0].s_id));
	st = blk_one(BLK_T_GET_ID, 0, blk.b_slots[0].s_id, BLK_ID_LEN);
	if (st == BLK_S_OK) {
		for (i = 0; i < BLK_ID_LEN; i++) {
			id[i] = blk.b_slots[0].s_id[i];
			if (id[i] == '\0')
				break;
			if (id[i] < 0x20 || id[i] > 0x7e)
				id[i] = '.';
		}
		id[i] = '\0';
		kprintf("virtio-blk: id \"%s\"\n", id);
	} else
		kprintf("virtio-blk: GET_ID: status %d\n", st);

	if (cmdline_u64("ro", 0))
		blk_readonly();
	size = cmdline_u64("size", cap * BLK_SECTOR);
	if (size > cap * BLK_SECTOR)
		size = cap * BLK_SECTOR;
	memset(&r, 0, sizeof(r));
	r.r_nsec = size / BLK_SECTOR;
	r.r_seed = seed;
	if (mode[1] == 'a') {			/* rand */
		r.r_rand = 1;
		r.r_count = cmdline_u64("count", 2000);
		if (r.r_nsec < 8)
			test_fail("virtio-blk: disk smaller than 4 KiB");
		blk_run(&r, "random read");
		us = r.r_io_tsc / (time_tsc_hz() / 1000000);
		kprintf("virtio-blk: rand %lu 4 KiB reads over %lu MiB, qd %u: "
		    "%lu ms, %lu IOPS\n", r.r_count, size / MIB, blk.b_qd,
		    us / 1000, us == 0 ? 0 : r.r_count * 1000000 / us);
		kprintf("virtio-blk: %lu notifies\n", blk.b_q->q_kicks);
		test_pass();
	}
	kprintf("virtio-blk: mode %s, seed %lu, %lu MiB in %lu-byte requests, "
	    "%u at a time\n", mode, seed, size / MIB, blk.b_req, blk.b_qd);
	if (wr) {
		r.r_type = BLK_T_OUT;
		r.r_fill = 1;
		blk_run(&r, "write");
		blk_report("write", size, blk.b_req, blk.b_qd, r.r_io_tsc);
		if (blk.b_vd.vd_features & BLK_F_FLUSH) {
			if ((st = blk_one(BLK_T_FLUSH, 0, NULL, 0)) !=
			    BLK_S_OK)
				test_fail("virtio-blk: FLUSH: status %d", st);
			kprintf("virtio-blk: flushed\n");
		} else
			kprintf("virtio-blk: no FLUSH feature, not "
			    "flushed\n");
	}
	if (vf || !wr) {
		r.r_type = BLK_T_IN;
		r.r_fill = 0;
		r.r_check = vf;
		r.r_io_tsc = 0;
		blk_run(&r, vf ? "verify" : "read");
		blk_report(vf ? "verify" : "read", size, blk.b_req, blk.b_qd,
		    r.r_io_tsc);
	}
	kprintf("virtio-blk: %lu notifies\n", blk.b_q->q_kicks);
	test_pass();
}
