/* SPDX-License-Identifier: ISC */
/*
 * I/O traps: which device handles a guest access to a port or to an MMIO
 * address.  Each address space keeps its ranges in an array sorted by base,
 * so a lookup is a binary search; ranges never overlap (registration
 * refuses it), so at most one range can hold an address.
 *
 * Threading: vCPU threads look ranges up concurrently under the read side
 * of a rwlock; registration takes the write side and may happen before or
 * during a run.  The handler is called after the lock is dropped (with a
 * copy of the range), so a handler may itself register or unregister
 * ranges, as a PCI device moving a BAR does.  Unregistering therefore does
 * not wait for a handler running on another vCPU: a device's state is
 * freed only after the vCPUs have stopped (vmm_free).
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"

/* Ports are 16 bits wide. */
#define IOTRAP_PIO_END	0x10000ULL

static size_t	iotrap_upper(const struct iotrap_range *, size_t, uint64_t);
static int	iotrap_space_ok(enum iotrap_space);
static uint64_t	iotrap_mask(uint32_t);

void
iotrap_init(struct iotrap_table *it)
{
	memset(it, 0, sizeof *it);
	pthread_rwlock_init(&it->it_lock, NULL);
}

void
iotrap_clear(struct iotrap_table *it)
{
	int	i;

	for (i = 0; i < 2; i++) {
		free(it->it_ranges[i]);
		it->it_ranges[i] = NULL;
		it->it_n[i] = it->it_cap[i] = 0;
	}
	pthread_rwlock_destroy(&it->it_lock);
}

static int
iotrap_space_ok(enum iotrap_space space)
{
	return (space == IOTRAP_PIO || space == IOTRAP_MMIO);
}

/* Index of the first range whose base is above addr (0..n). */
static size_t
iotrap_upper(const struct iotrap_range *r, size_t n, uint64_t addr)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r[mid].ir_base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* The low len bytes set: what an unclaimed read returns. */
static uint64_t
iotrap_mask(uint32_t len)
{
	if (len >= 8)
		return (UINT64_MAX);
	return ((1ULL << (len * 8)) - 1);
}

int
iotrap_register(struct vmm *vmm, enum iotrap_space space, uint64_t base,
    uint64_t len, iotrap_handler handler, void *dev, const char *name)
{
	struct iotrap_table	*it = &vmm->vm_io;
	struct iotrap_range	*r;
	size_t			 i, n;

	if (!iotrap_space_ok(space) || len == 0 || handler == NULL ||
	    len - 1 > UINT64_MAX - base ||
	    (space == IOTRAP_PIO && (base >= IOTRAP_PIO_END ||
	    len > IOTRAP_PIO_END - base))) {
		errno = EINVAL;
		return (-1);
	}

	pthread_rwlock_wrlock(&it->it_lock);
	r = it->it_ranges[space];
	n = it->it_n[space];
	i = iotrap_upper(r, n, base);
	/* The range before must end before base; the one after start past
	 * our last byte (written so that nothing wraps at 2^64). */
	if ((i > 0 && r[i - 1].ir_len - 1 >= base - r[i - 1].ir_base) ||
	    (i < n && r[i].ir_base - base <= len - 1)) {
		pthread_rwlock_unlock(&it->it_lock);
		errno = EEXIST;
		return (-1);
	}
	if (n == it->it_cap[space]) {
		it->it_cap[space] = n == 0 ? 16 : n * 2;
		r = xreallocarray(r, it->it_cap[space], sizeof *r);
		it->it_ranges[space] = r;
	}
	memmove(&r[i + 1], &r[i], (n - i) * sizeof *r);
	r[i].ir_base = base;
	r[i].ir_len = len;
	r[i].ir_handler = handler;
	r[i].ir_dev = dev;
	r[i].ir_name = name != NULL ? name : "?";
	it->it_n[space] = n + 1;
	pthread_rwlock_unlock(&it->it_lock);

	log_debug("%s: %s %#llx+%#llx %s", __func__,
	    space == IOTRAP_PIO ? "pio" : "mmio", (unsigned long long)base,
	    (unsigned long long)len, r[i].ir_name);
	return (0);
}

int
iotrap_unregister(struct vmm *vmm, enum iotrap_space space, uint64_t base)
{
	struct iotrap_table	*it = &vmm->vm_io;
	struct iotrap_range	*r;
	size_t			 i, n;

	if (!iotrap_space_ok(space)) {
		errno = EINVAL;
		return (-1);
	}
	pthread_rwlock_wrlock(&it->it_lock);
	r = it->it_ranges[space];
	n = it->it_n[space];
	i = iotrap_upper(r, n, base);
	if (i == 0 || r[i - 1].ir_base != base) {
		pthread_rwlock_unlock(&it->it_lock);
		errno = ENOENT;
		return (-1);
	}
	i--;
	memmove(&r[i], &r[i + 1], (n - i - 1) * sizeof *r);
	it->it_n[space] = n - 1;
	pthread_rwlock_unlock(&it->it_lock);
	return (0);
}

int
iotrap_dispatch(struct vmm *vmm, enum iotrap_space space,
    struct iotrap_access *ia)
{
	struct iotrap_table	*it = &vmm->vm_io;
	struct iotrap_range	 found, *r;
	size_t			 i;
	int			 hit = 0;

	if (iotrap_space_ok(space)) {
		pthread_rwlock_rdlock(&it->it_lock);
		r = it->it_ranges[space];
		i = iotrap_upper(r, it->it_n[space], ia->ia_addr);
		if (i > 0 && ia->ia_addr - r[i - 1].ir_base < r[i - 1].ir_len) {
			found = r[i - 1];
			hit = 1;
		}
		pthread_rwlock_unlock(&it->it_lock);
	}

	if (!hit) {
		if (!ia->ia_write)
			ia->ia_data = iotrap_mask(ia->ia_len);
		errno = ENOENT;
		return (-1);
	}
	ia->ia_off = ia->ia_addr - found.ir_base;
	if (!ia->ia_write)
		ia->ia_data = 0;
	found.ir_handler(found.ir_dev, ia);
	if (!ia->ia_write)
		ia->ia_data &= iotrap_mask(ia->ia_len);
	return (0);
}
