/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes split virtqueues (vmm/virtqueue.c) as a hostile driver would:
 * the input is the queue's shape, the descriptor table, the available
 * ring and a page of indirect tables and buffers, all written into a fake
 * VM's RAM, followed by a script of pops, pushes, notifies and available
 * index rewrites (the guest changing the ring between device steps).
 * Checked after every successful pop: each buffer lies inside guest RAM,
 * readable buffers come first, the counts and totals agree and respect the
 * queue size and the byte cap.  Anything else abort()s.
 *
 * Input: byte 0 log2 of the queue size (low 3 bits), byte 1 flags (bit 0
 * EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 a 4 KiB chain cap), then the
 * descriptor table (16 bytes each), the available ring (6 + 2 n), 4 KiB
 * at FUZZ_VQ_DATA, and the script (one op per byte, operands after it).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio.h"

#define FUZZ_VQ_MEM	(1ULL << 20)
#define FUZZ_VQ_DESC	0x1000ULL
#define FUZZ_VQ_AVAIL	0x2000ULL
#define FUZZ_VQ_USED	0x3000ULL
#define FUZZ_VQ_DATA	0x4000ULL
#define FUZZ_VQ_DATALEN	0x1000U
#define FUZZ_VQ_OPS	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	fuzz_virtqueue_take(struct vmm *, uint64_t, const uint8_t **,
		    size_t *, size_t);
static void	fuzz_virtqueue_check(struct vmm *,
		    const struct virtqueue_chain *, unsigned int, uint64_t);

/* Copy up to want input bytes to gpa; the rest of that area is zero. */
static size_t
fuzz_virtqueue_take(struct vmm *vmm, uint64_t gpa, const uint8_t **data,
    size_t *size, size_t want)
{
	size_t	n = *size < want ? *size : want;

	memset(mem_gpa(vmm, gpa, want), 0, want);
	if (n > 0 && mem_write(vmm, gpa, *data, n) != 0)
		abort();
	*data += n;
	*size -= n;
	return (n);
}

static void
fuzz_virtqueue_check(struct vmm *vmm, const struct virtqueue_chain *c,
    unsigned int qsize, uint64_t cap)
{
	const uint8_t	*ram, *p;
	uint64_t	 out = 0, in = 0;
	unsigned int	 i;

	ram = mem_gpa(vmm, 0, FUZZ_VQ_MEM);
	if (c->vc_head >= qsize || c->vc_nout + c->vc_nin == 0 ||
	    c->vc_nout + c->vc_nin > qsize)
		abort();
	for (i = 0; i < c->vc_nout + c->vc_nin; i++) {
		p = c->vc_iov[i].iov_base;
		if (c->vc_iov[i].iov_len == 0 || p < ram ||
		    c->vc_iov[i].iov_len > FUZZ_VQ_MEM ||
		    (size_t)(p - ram) > FUZZ_VQ_MEM - c->vc_iov[i].iov_len)
			abort();
		/* Touch both ends: ASan would see a stray pointer. */
		(void)*(volatile const uint8_t *)p;
		(void)*(volatile const uint8_t *)(p + c->vc_iov[i].iov_len - 1);
		if (i < c->vc_nout)
			out += c->vc_iov[i].iov_len;
		else
			in += c->vc_iov[i].iov_len;
	}
	if (out != c->vc_out_len || in != c->vc_in_len || out + in > cap)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmm		*vmm;
	static struct virtqueue_chain	 chain;
	struct vmm_params		 p;
	struct virtqueue		*vq;
	uint64_t			 features = 0;
	uint64_t			 cap = VIRTQUEUE_MAX_BYTES;
	unsigned int			 qsize, ops, pending = 0;
	uint16_t			 v;
	uint8_t				 op;
	int				 r;

	if (size < 2)
		return (0);
	if (vmm == NULL) {
		memset(&p, 0, sizeof p);
		p.vp_memsize = FUZZ_VQ_MEM;
		p.vp_ncpus = 1;
		p.vp_serial_in = p.vp_serial_out = -1;
		if ((vmm = vmm_create_fake(&p, NULL)) == NULL)
			abort();
	}
	qsize = 1U << (data[0] & 7);
	if (data[1] & 1)
		features |= VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	if (data[1] & 2)
		features |= VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	if (data[1] & 4)
		cap = 4096;
	data += 2;
	size -= 2;
	fuzz_virtqueue_take(vmm, FUZZ_VQ_DESC, &data, &size,
	    VIRTQ_DESC_SIZE * qsize);
	fuzz_virtqueue_take(vmm, FUZZ_VQ_AVAIL, &data, &size,
	    VIRTQ_AVAIL_SIZE(qsize));
	memset(mem_gpa(vmm, FUZZ_VQ_USED, VIRTQ_USED_SIZE(qsize)), 0,
	    VIRTQ_USED_SIZE(qsize));
	fuzz_virtqueue_take(vmm, FUZZ_VQ_DATA, &data, &size, FUZZ_VQ_DATALEN);

	if ((vq = virtqueue_create(vmm, 0, qsize, NULL, NULL, NULL)) == NULL)
		abort();
	virtqueue_set_max_bytes(vq, cap);
	if (virtqueue_enable(vq, qsize, FUZZ_VQ_DESC, FUZZ_VQ_AVAIL,
	    FUZZ_VQ_USED, features) != 0)
		abort();

	/* The script; then drain what is left. */
	for (ops = 0; size > 0 && ops < FUZZ_VQ_OPS; ops++) {
		op = *data++;
		size--;
		switch (op % 4) {
		case 0:
			if ((r = virtqueue_pop(vq, &chain)) == 1) {
				fuzz_virtqueue_check(vmm, &chain, qsize, cap);
				pending = 1;
			}
			break;
		case 1:
			if (pending &&
			    virtqueue_push(vq, &chain, (uint32_t)op * 37) == 0)
				pending = 0;
			break;
		case 2:
			virtqueue_notify(vq);
			break;
		default:
			if (size >= 2) {
				memcpy(&v, data, 2);
				data += 2;
				size -= 2;
				mem_write(vmm, FUZZ_VQ_AVAIL + 2, &v, 2);
			}
			break;
		}
	}
	for (ops = 0; ops < 4 * qsize + 4; ops++) {
		if (virtqueue_pop(vq, &chain) != 1)
			break;
		fuzz_virtqueue_check(vmm, &chain, qsize, cap);
		if (virtqueue_push(vq, &chain, (uint32_t)chain.vc_in_len) != 0)
			abort();
	}
	virtqueue_notify(vq);
	virtqueue_free(vq);
	return (0);
}
