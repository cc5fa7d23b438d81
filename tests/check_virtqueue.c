/* SPDX-License-Identifier: ISC */
/*
 * Split virtqueues on a fake VM's RAM, with the test acting as the driver:
 * it writes descriptors and ring entries where a guest would, and checks
 * what virtqueue_pop hands a device model, what virtqueue_push leaves in
 * the used ring, when virtqueue_notify interrupts (event index both ways,
 * NO_INTERRUPT), and that every kind of bad chain breaks the queue once,
 * with the reason reported, instead of reaching memory outside RAM.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "virtio.h"

#define MiB		(1024ULL * 1024)
#define QSIZE		8
#define DESC_GPA	0x10000ULL
#define AVAIL_GPA	0x11000ULL
#define USED_GPA	0x12000ULL
#define BUF_GPA		0x20000ULL	/* test buffers from here */
#define IND_GPA		0x30000ULL	/* indirect tables */

/* The driver side and what the queue reported. */
struct tvq {
	struct vmm		*vmm;
	struct virtqueue	*vq;
	struct virtqueue_chain	 chain;
	uint16_t		 avail_idx;	/* driver's next avail index */
	unsigned int		 interrupts;	/* interrupt callbacks */
	unsigned int		 broken;	/* broken callbacks */
	char			 why[128];	/* last reason */
};

static void	tvq_interrupt(void *, struct virtqueue *);
static void	tvq_broken(void *, struct virtqueue *, const char *);
static void	tvq_setup(struct tvq *, uint64_t, uint64_t);
static void	tvq_teardown(struct tvq *);
static void	tvq_desc(struct tvq *, uint64_t, unsigned int, uint64_t,
		    uint32_t, uint16_t, uint16_t);
static void	tvq_add(struct tvq *, uint16_t);
static uint16_t	tvq_used_idx(struct tvq *);
static void	tvq_used_elem(struct tvq *, unsigned int, uint32_t *,
		    uint32_t *);
static void	tvq_put16(struct tvq *, uint64_t, uint16_t);
static uint16_t	tvq_get16(struct tvq *, uint64_t);
static void	tvq_expect_broken(struct tvq *, const char *);
static Suite	*check_virtqueue_suite(void);

static void
tvq_interrupt(void *arg, struct virtqueue *vq)
{
	struct tvq	*t = arg;

	ck_assert_ptr_eq(vq, t->vq);
	t->interrupts++;
}

static void
tvq_broken(void *arg, struct virtqueue *vq, const char *why)
{
	struct tvq	*t = arg;

	ck_assert_ptr_eq(vq, t->vq);
	t->broken++;
	strncpy(t->why, why, sizeof t->why - 1);
}

/* A fake VM of memsize bytes and an enabled queue of QSIZE entries. */
static void
tvq_setup(struct tvq *t, uint64_t memsize, uint64_t features)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(t, 0, sizeof *t);
	memset(&p, 0, sizeof p);
	p.vp_memsize = memsize;
	p.vp_ncpus = 1;
	p.vp_serial_in = p.vp_serial_out = -1;
	t->vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(t->vmm != NULL, "%s", cause);
	t->vq = virtqueue_create(t->vmm, 3, QSIZE, tvq_interrupt, tvq_broken,
	    t);
	ck_assert_ptr_nonnull(t->vq);
	ck_assert_int_eq(virtqueue_enable(t->vq, QSIZE, DESC_GPA, AVAIL_GPA,
	    USED_GPA, features), 0);
	ck_assert_int_eq(virtqueue_is_enabled(t->vq), 1);
	ck_assert_uint_eq(virtqueue_size(t->vq), QSIZE);
	ck_assert_uint_eq(virtqueue_index(t->vq), 3);
}

static void
tvq_teardown(struct tvq *t)
{
	virtqueue_free(t->vq);
	vmm_free(t->vmm);
}

/* Descriptor i of the table at table. */
static void
tvq_desc(struct tvq *t, uint64_t table, unsigned int i, uint64_t addr,
    uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t	d[VIRTQ_DESC_SIZE];

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
	ck_assert_int_eq(mem_write(t->vmm, table + i * VIRTQ_DESC_SIZE, d,
	    sizeof d), 0);
}

static void
tvq_put16(struct tvq *t, uint64_t gpa, uint16_t v)
{
	ck_assert_int_eq(mem_write(t->vmm, gpa, &v, 2), 0);
}

static uint16_t
tvq_get16(struct tvq *t, uint64_t gpa)
{
	uint16_t	v;

	ck_assert_int_eq(mem_read(t->vmm, gpa, &v, 2), 0);
	return (v);
}

/* Make head available, as a driver does: entry, then the index. */
static void
tvq_add(struct tvq *t, uint16_t head)
{
	tvq_put16(t, AVAIL_GPA + 4 + 2 * (t->avail_idx % QSIZE), head);
	t->avail_idx++;
	tvq_put16(t, AVAIL_GPA + 2, t->avail_idx);
}

static uint16_t
tvq_used_idx(struct tvq *t)
{
	return (tvq_get16(t, USED_GPA + 2));
}

static void
tvq_used_elem(struct tvq *t, unsigned int i, uint32_t *id, uint32_t *len)
{
	ck_assert_int_eq(mem_read(t->vmm, USED_GPA + 4 + 8 * (i % QSIZE), id,
	    4), 0);
	ck_assert_int_eq(mem_read(t->vmm, USED_GPA + 8 + 8 * (i % QSIZE), len,
	    4), 0);
}

/* The next pop breaks the queue for reason; it stays broken. */
static void
tvq_expect_broken(struct tvq *t, const char *reason)
{
	errno = 0;
	ck_assert_int_eq(virtqueue_pop(t->vq, &t->chain), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_uint_eq(t->broken, 1);
	ck_assert_msg(strstr(t->why, reason) != NULL, "why \"%s\", want "
	    "\"%s\"", t->why, reason);
	ck_assert_int_eq(virtqueue_is_broken(t->vq), 1);
	ck_assert_int_eq(virtqueue_pop(t->vq, &t->chain), -1);
	ck_assert_uint_eq(t->broken, 1);
	ck_assert_int_eq(virtqueue_push(t->vq, &t->chain, 0), -1);
	ck_assert_uint_eq(tvq_used_idx(t), 0);
}

START_TEST(virtqueue_chain_ok)
{
	struct tvq	 t;
	uint8_t		 hdr[16], got[16], buf[8];
	uint32_t	 id, len;
	unsigned int	 i;

	tvq_setup(&t, 16 * MiB, 0);
	for (i = 0; i < sizeof hdr; i++)
		hdr[i] = (uint8_t)(0xa0 + i);
	ck_assert_int_eq(mem_write(t.vmm, BUF_GPA, hdr, sizeof hdr), 0);
	/* 5 -> 2 -> 7: two readable buffers, one writable. */
	tvq_desc(&t, DESC_GPA, 5, BUF_GPA, 16, VIRTQ_DESC_F_NEXT, 2);
	tvq_desc(&t, DESC_GPA, 2, BUF_GPA + 0x100, 100, VIRTQ_DESC_F_NEXT, 7);
	tvq_desc(&t, DESC_GPA, 7, BUF_GPA + 0x1000, 64, VIRTQ_DESC_F_WRITE, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 0);
	tvq_add(&t, 5);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_uint_eq(t.chain.vc_head, 5);
	ck_assert_uint_eq(t.chain.vc_nout, 2);
	ck_assert_uint_eq(t.chain.vc_nin, 1);
	ck_assert_uint_eq(t.chain.vc_out_len, 116);
	ck_assert_uint_eq(t.chain.vc_in_len, 64);
	ck_assert_ptr_eq(t.chain.vc_iov[0].iov_base, mem_gpa(t.vmm, BUF_GPA,
	    16));
	ck_assert_uint_eq(t.chain.vc_iov[1].iov_len, 100);
	ck_assert_ptr_eq(t.chain.vc_iov[2].iov_base, mem_gpa(t.vmm,
	    BUF_GPA + 0x1000, 64));
	ck_assert_uint_eq(virtqueue_chain_read(&t.chain, 4, got, 8), 8);
	ck_assert_int_eq(memcmp(got, hdr + 4, 8), 0);
	/* Reading past the readable part is short. */
	ck_assert_uint_eq(virtqueue_chain_read(&t.chain, 110, got, 16), 6);
	memset(buf, 0x5a, sizeof buf);
	ck_assert_uint_eq(virtqueue_chain_write(&t.chain, 60, buf, 8), 4);
	ck_assert_int_eq(mem_read(t.vmm, BUF_GPA + 0x1000 + 60, got, 4), 0);
	ck_assert_int_eq(memcmp(got, buf, 4), 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 0);

	/* Written is clamped to the writable bytes. */
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1000), 0);
	ck_assert_uint_eq(tvq_used_idx(&t), 1);
	tvq_used_elem(&t, 0, &id, &len);
	ck_assert_uint_eq(id, 5);
	ck_assert_uint_eq(len, 64);
	ck_assert_int_eq(virtqueue_notify(t.vq), 1);
	ck_assert_uint_eq(t.interrupts, 1);
	/* Nothing new pushed: no interrupt. */
	ck_assert_int_eq(virtqueue_notify(t.vq), 0);
	ck_assert_uint_eq(t.interrupts, 1);
	ck_assert_uint_eq(t.broken, 0);
	tvq_teardown(&t);
}
END_TEST

/* Completions out of order land in the used ring in push order. */
START_TEST(virtqueue_used_order)
{
	struct tvq		 t;
	struct virtqueue_chain	*a;
	uint32_t		 id, len;
	unsigned int		 i;

	tvq_setup(&t, 16 * MiB, 0);
	a = malloc(sizeof *a);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 32, VIRTQ_DESC_F_WRITE, 0);
	tvq_desc(&t, DESC_GPA, 1, BUF_GPA + 32, 32, VIRTQ_DESC_F_WRITE, 0);
	tvq_add(&t, 0);
	tvq_add(&t, 1);
	ck_assert_int_eq(virtqueue_pop(t.vq, a), 1);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 7), 0);
	ck_assert_int_eq(virtqueue_push(t.vq, a, 9), 0);
	ck_assert_uint_eq(tvq_used_idx(&t), 2);
	tvq_used_elem(&t, 0, &id, &len);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(len, 7);
	tvq_used_elem(&t, 1, &id, &len);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, 9);

	/* The indices wrap around the ring (and past 16 bits' worth of
	 * ring slots): 3 * QSIZE more requests. */
	for (i = 0; i < 3 * QSIZE; i++) {
		tvq_add(&t, (uint16_t)(i % 2));
		ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
		ck_assert_uint_eq(t.chain.vc_head, i % 2);
		ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
	}
	ck_assert_uint_eq(tvq_used_idx(&t), 2 + 3 * QSIZE);
	free(a);
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_full_length_chain)
{
	struct tvq	t;
	unsigned int	i;

	/* Exactly QSIZE descriptors is allowed. */
	tvq_setup(&t, 16 * MiB, 0);
	for (i = 0; i < QSIZE; i++)
		tvq_desc(&t, DESC_GPA, i, BUF_GPA + 64 * i, 64, i + 1 < QSIZE ?
		    VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_uint_eq(t.chain.vc_nout, QSIZE);
	ck_assert_uint_eq(t.chain.vc_out_len, 64 * QSIZE);
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_loop)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 1);
	tvq_desc(&t, DESC_GPA, 1, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "longer than the queue");

	/* Reset and re-enable: usable again. */
	virtqueue_reset(t.vq);
	ck_assert_int_eq(virtqueue_is_broken(t.vq), 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 0);
	ck_assert_int_eq(virtqueue_enable(t.vq, QSIZE, DESC_GPA, AVAIL_GPA,
	    USED_GPA, 0), 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, 0, 0);
	memset(mem_gpa(t.vmm, AVAIL_GPA, 64), 0, 64);
	t.avail_idx = 0;
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_self_loop)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 3, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 3);
	tvq_add(&t, 3);
	tvq_expect_broken(&t, "longer than the queue");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_outside_ram)
{
	struct tvq	t;

	/* Last bytes of RAM are fine, one past is not. */
	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, 16 * MiB - 16, 16, 0, 0);
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	tvq_desc(&t, DESC_GPA, 0, 16 * MiB - 16, 17, 0, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "outside guest RAM");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_wrapping_addr)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "outside guest RAM");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_zero_length)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 1);
	tvq_desc(&t, DESC_GPA, 1, BUF_GPA, 0, VIRTQ_DESC_F_WRITE, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "zero-length");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_oversize_cap)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	virtqueue_set_max_bytes(t.vq, 1000);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 600, VIRTQ_DESC_F_NEXT, 1);
	tvq_desc(&t, DESC_GPA, 1, BUF_GPA + 0x1000, 400, VIRTQ_DESC_F_NEXT, 2);
	tvq_desc(&t, DESC_GPA, 2, BUF_GPA + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
	tvq_add(&t, 1);		/* 400 + 1: fine */
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	tvq_add(&t, 0);		/* 600 + 400 + 1 > 1000 */
	tvq_expect_broken(&t, "too large");
	tvq_teardown(&t);
}
END_TEST

/* The default cap: more than 4 GiB in one chain, in a VM that has the
 * RAM for it (MAP_NORESERVE: untouched, so it costs nothing). */
START_TEST(virtqueue_oversize_4g)
{
	struct tvq	t;

	tvq_setup(&t, 6ULL << 30, 0);
	tvq_desc(&t, DESC_GPA, 0, 0x1000000, 0x80000000U, VIRTQ_DESC_F_NEXT,
	    1);
	tvq_desc(&t, DESC_GPA, 1, VMM_HIGHMEM_BASE, 0x80000000U,
	    VIRTQ_DESC_F_WRITE, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "too large");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_next_out_of_range)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, QSIZE);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "next descriptor out of range");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_head_out_of_range)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_add(&t, QSIZE);
	tvq_expect_broken(&t, "head descriptor out of range");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_avail_jump)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, 0, 0);
	tvq_put16(&t, AVAIL_GPA + 2, QSIZE + 1);
	tvq_expect_broken(&t, "available index");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_read_after_write)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8,
	    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	tvq_desc(&t, DESC_GPA, 1, BUF_GPA + 8, 8, 0, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "readable buffer after a writable");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_indirect)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	tvq_desc(&t, IND_GPA, 0, BUF_GPA, 16, VIRTQ_DESC_F_NEXT, 2);
	tvq_desc(&t, IND_GPA, 2, BUF_GPA + 16, 4,
	    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	tvq_desc(&t, IND_GPA, 1, BUF_GPA + 32, 8, VIRTQ_DESC_F_WRITE, 0);
	tvq_desc(&t, DESC_GPA, 4, IND_GPA, 3 * VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT, 0);
	tvq_add(&t, 4);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_uint_eq(t.chain.vc_head, 4);
	ck_assert_uint_eq(t.chain.vc_nout, 1);
	ck_assert_uint_eq(t.chain.vc_nin, 2);
	ck_assert_uint_eq(t.chain.vc_in_len, 12);

	/* An indirect table inside an indirect table. */
	tvq_desc(&t, IND_GPA, 0, IND_GPA, VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT, 0);
	tvq_add(&t, 4);
	tvq_expect_broken(&t, "indirect descriptor inside a chain");
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_indirect_bad)
{
	struct tvq	t;

	/* Not negotiated. */
	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, IND_GPA, 0, BUF_GPA, 16, 0, 0);
	tvq_desc(&t, DESC_GPA, 0, IND_GPA, VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "not negotiated");
	tvq_teardown(&t);

	/* INDIRECT with NEXT. */
	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	tvq_desc(&t, DESC_GPA, 0, IND_GPA, VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "inside a chain");
	tvq_teardown(&t);

	/* A table with more entries than the queue. */
	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	tvq_desc(&t, DESC_GPA, 0, IND_GPA, (QSIZE + 1) * VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "bad indirect table length");
	tvq_teardown(&t);

	/* A loop inside the table. */
	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	tvq_desc(&t, IND_GPA, 0, BUF_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	tvq_desc(&t, IND_GPA, 1, BUF_GPA, 16, VIRTQ_DESC_F_NEXT, 0);
	tvq_desc(&t, DESC_GPA, 0, IND_GPA, 2 * VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "longer than the queue");
	tvq_teardown(&t);

	/* The table outside RAM. */
	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	tvq_desc(&t, DESC_GPA, 0, 16 * MiB - 16, 2 * VIRTQ_DESC_SIZE,
	    VIRTQ_DESC_F_INDIRECT, 0);
	tvq_add(&t, 0);
	tvq_expect_broken(&t, "indirect table outside");
	tvq_teardown(&t);
}
END_TEST

/* Event index, device to driver: interrupt only when used passes
 * used_event. */
START_TEST(virtqueue_event_idx_used)
{
	struct tvq	t;
	uint64_t	used_event = AVAIL_GPA + 4 + 2 * QSIZE;
	int		i;

	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	/* The first completion always interrupts. */
	tvq_put16(&t, used_event, 0);
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
	ck_assert_int_eq(virtqueue_notify(t.vq), 1);
	/* The driver wants one when used idx passes 3 (i.e. reaches 4). */
	tvq_put16(&t, used_event, 3);
	for (i = 2; i <= 4; i++) {
		tvq_add(&t, 0);
		ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
		ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
		ck_assert_int_eq(virtqueue_notify(t.vq), i == 4);
	}
	ck_assert_uint_eq(t.interrupts, 2);
	/* Batching: two pushes, one notify, used_event inside the batch. */
	tvq_put16(&t, used_event, 4);
	tvq_add(&t, 0);
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
	ck_assert_int_eq(virtqueue_notify(t.vq), 1);
	ck_assert_uint_eq(t.interrupts, 3);
	tvq_teardown(&t);
}
END_TEST

/* Event index, driver to device: avail_event asks for the next kick. */
START_TEST(virtqueue_event_idx_avail)
{
	struct tvq	t;
	uint64_t	avail_event = USED_GPA + 4 + 8 * QSIZE;

	tvq_setup(&t, 16 * MiB, VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	tvq_put16(&t, avail_event, 0xbeef);
	tvq_add(&t, 0);
	tvq_add(&t, 0);
	/* Each pop asks for a kick at the entry after it. */
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_uint_eq(tvq_get16(&t, avail_event), 1);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_uint_eq(tvq_get16(&t, avail_event), 2);
	/* An empty ring publishes it too (and looks again). */
	tvq_put16(&t, avail_event, 0xbeef);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 0);
	ck_assert_uint_eq(tvq_get16(&t, avail_event), 2);

	/* Without EVENT_IDX nothing is written there. */
	tvq_teardown(&t);
	tvq_setup(&t, 16 * MiB, 0);
	tvq_put16(&t, avail_event, 0xbeef);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 0);
	ck_assert_uint_eq(tvq_get16(&t, avail_event), 0xbeef);
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_no_interrupt_flag)
{
	struct tvq	t;

	tvq_setup(&t, 16 * MiB, 0);
	tvq_desc(&t, DESC_GPA, 0, BUF_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	tvq_put16(&t, AVAIL_GPA, VIRTQ_AVAIL_F_NO_INTERRUPT);
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
	ck_assert_int_eq(virtqueue_notify(t.vq), 0);
	tvq_put16(&t, AVAIL_GPA, 0);
	tvq_add(&t, 0);
	ck_assert_int_eq(virtqueue_pop(t.vq, &t.chain), 1);
	ck_assert_int_eq(virtqueue_push(t.vq, &t.chain, 1), 0);
	ck_assert_int_eq(virtqueue_notify(t.vq), 1);
	ck_assert_uint_eq(t.interrupts, 1);
	tvq_teardown(&t);
}
END_TEST

START_TEST(virtqueue_enable_checks)
{
	struct tvq		 t;
	struct virtqueue	*vq;

	tvq_setup(&t, 16 * MiB, 0);
	vq = virtqueue_create(t.vmm, 0, QSIZE, NULL, NULL, NULL);
	errno = 0;
	ck_assert_int_eq(virtqueue_enable(vq, 6, DESC_GPA, AVAIL_GPA, USED_GPA,
	    0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(virtqueue_enable(vq, 2 * QSIZE, DESC_GPA, AVAIL_GPA,
	    USED_GPA, 0), -1);
	ck_assert_int_eq(virtqueue_enable(vq, 0, DESC_GPA, AVAIL_GPA,
	    USED_GPA, 0), -1);
	ck_assert_int_eq(virtqueue_enable(vq, QSIZE, DESC_GPA + 8, AVAIL_GPA,
	    USED_GPA, 0), -1);
	ck_assert_int_eq(virtqueue_enable(vq, QSIZE, DESC_GPA, AVAIL_GPA + 1,
	    USED_GPA, 0), -1);
	ck_assert_int_eq(virtqueue_enable(vq, QSIZE, DESC_GPA, AVAIL_GPA,
	    USED_GPA + 2, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(virtqueue_enable(vq, QSIZE, 32 * MiB, AVAIL_GPA,
	    USED_GPA, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	/* The used ring's last bytes past the end of RAM. */
	ck_assert_int_eq(virtqueue_enable(vq, QSIZE, DESC_GPA, AVAIL_GPA,
	    16 * MiB - VIRTQ_USED_SIZE(QSIZE) + 2, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(virtqueue_is_enabled(vq), 0);
	ck_assert_uint_eq(virtqueue_size(vq), 0);
	/* Nothing pops from a disabled queue, and nothing pushes. */
	ck_assert_int_eq(virtqueue_pop(vq, &t.chain), 0);
	ck_assert_int_eq(virtqueue_push(vq, &t.chain, 0), -1);
	ck_assert_int_eq(virtqueue_notify(vq), 0);
	ck_assert_int_eq(virtqueue_enable(vq, QSIZE, DESC_GPA, AVAIL_GPA,
	    16 * MiB - VIRTQ_USED_SIZE(QSIZE) - 2, 0), 0);
	virtqueue_free(vq);

	ck_assert_ptr_null(virtqueue_create(t.vmm, 0, 3, NULL, NULL, NULL));
	ck_assert_ptr_null(virtqueue_create(t.vmm, 0, 2 * VIRTQUEUE_MAX_SIZE,
	    NULL, NULL, NULL));
	virtqueue_set_priv(t.vq, &t);
	ck_assert_ptr_eq(virtqueue_priv(t.vq), &t);
	tvq_teardown(&t);
}
END_TEST

static Suite *
check_virtqueue_suite(void)
{
	Suite	*s = suite_create("virtqueue");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, virtqueue_chain_ok);
	tcase_add_test(tc, virtqueue_used_order);
	tcase_add_test(tc, virtqueue_full_length_chain);
	tcase_add_test(tc, virtqueue_indirect);
	tcase_add_test(tc, virtqueue_event_idx_used);
	tcase_add_test(tc, virtqueue_event_idx_avail);
	tcase_add_test(tc, virtqueue_no_interrupt_flag);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, virtqueue_loop);
	tcase_add_test(tc, virtqueue_self_loop);
	tcase_add_test(tc, virtqueue_outside_ram);
	tcase_add_test(tc, virtqueue_wrapping_addr);
	tcase_add_test(tc, virtqueue_zero_length);
	tcase_add_test(tc, virtqueue_next_out_of_range);
	tcase_add_test(tc, virtqueue_head_out_of_range);
	tcase_add_test(tc, virtqueue_avail_jump);
	tcase_add_test(tc, virtqueue_read_after_write);
	tcase_add_test(tc, virtqueue_indirect_bad);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, virtqueue_oversize_cap);
	tcase_add_test(tc, virtqueue_oversize_4g);
	tcase_add_test(tc, virtqueue_enable_checks);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_virtqueue_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
