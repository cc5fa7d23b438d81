/* SPDX-License-Identifier: ISC */
/*
 * virtio-rng: read 64 bytes from the entropy device twice (index=N picks
 * the Nth device); neither read may be all zeroes and the two must
 * differ.
 */
#include "virtio.h"

#define RNG_LEN		64

static void	rng_read(struct virtq *, uint8_t *, uint64_t);

/* Fill buf, however many buffers the device takes to do it. */
static void
rng_read(struct virtq *q, uint8_t *buf, uint64_t timeout)
{
	struct virtq_buf b;
	uint32_t got = 0, len;

	while (got < RNG_LEN) {
		b.b_addr = (uint64_t)(buf + got);
		b.b_len = RNG_LEN - got;
		b.b_write = 1;
		if (virtq_add(q, &b, 1) == -1)
			test_fail("virtio-rng: no free descriptor");
		virtq_kick(q);
		if (virtq_wait(q, timeout, &len) == -1)
			test_fail("virtio-rng: no answer within %lu ms",
			    timeout);
		if (len == 0 || len > RNG_LEN - got)
			test_fail("virtio-rng: the device wrote %u bytes of "
			    "%u", len, RNG_LEN - got);
		got += len;
	}
}

void
scenario_virtio_rng(void)
{
	struct virtio_dev vd;
	uint8_t *a, *b;
	uint64_t timeout = cmdline_u64("timeout", 5000);
	int i, nz = 0;

	if (virtio_find(&vd, VIRTIO_ID_RNG, (int)cmdline_u64("index", 0))
	    == -1)
		test_fail("virtio-rng: no device");
	if (virtio_negotiate(&vd, cmdline_u64("eventidx", 1) ?
	    VIRTIO_F_EVENT_IDX : 0) == -1 ||
	    virtio_queue_setup(&vd, 0, 8) == -1)
		test_fail("virtio-rng: set-up failed");
	virtio_driver_ok(&vd);
	if ((a = virtio_alloc(2 * RNG_LEN)) == NULL)
		test_fail("virtio-rng: no memory");
	b = a + RNG_LEN;
	memset(a, 0, 2 * RNG_LEN);
	rng_read(&vd.vd_vq[0], a, timeout);
	rng_read(&vd.vd_vq[0], b, timeout);
	kprintf("virtio-rng: ");
	for (i = 0; i < RNG_LEN; i++)
		kprintf("%02x", a[i]);
	kprintf("\nvirtio-rng: ");
	for (i = 0; i < RNG_LEN; i++) {
		kprintf("%02x", b[i]);
		nz |= a[i] != 0 ? 1 : 0;
		nz |= b[i] != 0 ? 2 : 0;
	}
	kprintf("\n");
	if (nz != 3)
		test_fail("virtio-rng: a read of %d bytes is all zeroes",
		    RNG_LEN);
	if (memcmp(a, b, RNG_LEN) == 0)
		test_fail("virtio-rng: two reads returned the same bytes");
	kprintf("virtio-rng: 2 x %d bytes, %lu notifies\n", RNG_LEN,
	    vd.vd_vq[0].q_kicks);
	test_pass();
}
