/* SPDX-License-Identifier: ISC */
/*
 * Interrupt delivery for devices, with a split irqchip: the LAPICs are in
 * KVM, the 8259A pair (i8259.c) and the IOAPIC (ioapic.c) are devices that
 * attach here when created.  A GSI is an IOAPIC pin; GSI 0-15 also reach
 * the PIC, except that GSI 2 is the PIT's ISA IRQ 0 (the MADT's interrupt
 * source override) and drives PIC pin 0.  The PIC's INTR output is the
 * LAPIC LINT0 ExtINT input of vCPU 0: irq_extint() wakes that vCPU, which
 * acknowledges the PIC (irq_inta) and injects the vector with
 * KVM_INTERRUPT.  The IOAPIC sends MSIs (KVM_SIGNAL_MSI) and learns of
 * EOIs for its level-triggered vectors through KVM_EXIT_IOAPIC_EOI
 * (irq_eoi), for which KVM wants an MSI route on the pin's GSI
 * (irq_ioapic_route).
 *
 * On a fake VM (unit tests) every call also records what happened, under
 * a mutex, so a test can assert on levels and edges of each line, the
 * MSIs sent and the PIC's output.
 *
 * The chips attach in their create and detach in their free, while no
 * vCPU or device thread runs, so the hot path reads if_chips unlocked.
 */

#include "config.h"

#include <sys/ioctl.h>

#include <linux/kvm.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-int.h"

/* GSIs given to MSI routes: after the IOAPIC's, at most this many. */
#define IRQ_MSI_ROUTES_MAX	1024

static void	irq_fake_set(struct irq_fake *, uint32_t, int);
static int	irq_routes_commit(struct vmm *);
static void	irq_chip_set(struct vmm *, enum irq_chip, uint32_t, int);

void
irq_fake_init(struct irq_fake *f)
{
	memset(f, 0, sizeof *f);
	pthread_mutex_init(&f->if_lock, NULL);
}

void
irq_fake_clear(struct irq_fake *f)
{
	free(f->if_routes);
	f->if_routes = NULL;
	f->if_nroutes = 0;
	pthread_mutex_destroy(&f->if_lock);
}

/* Record a level; a change from 0 to 1 counts as an edge. */
static void
irq_fake_set(struct irq_fake *f, uint32_t gsi, int level)
{
	pthread_mutex_lock(&f->if_lock);
	if (level && !f->if_level[gsi])
		f->if_edges[gsi]++;
	f->if_level[gsi] = level;
	pthread_mutex_unlock(&f->if_lock);
}

/* One chip's input pin, if that chip is attached. */
static void
irq_chip_set(struct vmm *vmm, enum irq_chip which, uint32_t pin, int level)
{
	struct irq_chip_slot	*c = &vmm->vm_irq.if_chips[which];

	if (c->ic_ops != NULL && c->ic_ops->ico_set_level != NULL)
		c->ic_ops->ico_set_level(c->ic_chip, pin, level);
}

int
irq_set_level(struct vmm *vmm, uint32_t gsi, int level)
{
	if (gsi >= VMM_IOAPIC_PINS) {
		errno = EINVAL;
		return (-1);
	}
	level = level != 0;
	if (vmm->vm_fake)
		irq_fake_set(&vmm->vm_irq, gsi, level);
	/* ISA IRQ 2 is the cascade, never a device's line. */
	if (gsi == VMM_PIT_GSI)
		irq_chip_set(vmm, IRQ_CHIP_PIC, 0, level);
	else if (gsi < 16)
		irq_chip_set(vmm, IRQ_CHIP_PIC, gsi, level);
	irq_chip_set(vmm, IRQ_CHIP_IOAPIC, gsi, level);
	return (0);
}

void
irq_attach(struct vmm *vmm, enum irq_chip which,
    const struct irq_chip_ops *ops, void *chip)
{
	if ((unsigned int)which >= IRQ_NCHIPS)
		return;
	vmm->vm_irq.if_chips[which].ic_ops = ops;
	vmm->vm_irq.if_chips[which].ic_chip = chip;
}

void
irq_detach(struct vmm *vmm, enum irq_chip which, void *chip)
{
	if ((unsigned int)which >= IRQ_NCHIPS ||
	    vmm->vm_irq.if_chips[which].ic_chip != chip)
		return;
	vmm->vm_irq.if_chips[which].ic_ops = NULL;
	vmm->vm_irq.if_chips[which].ic_chip = NULL;
}

void
irq_extint(struct vmm *vmm, int level)
{
	struct irq_fake	*f = &vmm->vm_irq;

	level = level != 0;
	if (__atomic_exchange_n(&f->if_extint, level, __ATOMIC_SEQ_CST) ==
	    level || !level)
		return;
	if (vmm->vm_fake) {
		pthread_mutex_lock(&f->if_lock);
		f->if_nextint++;
		pthread_mutex_unlock(&f->if_lock);
		return;
	}
	/* Only vCPU 0 has LINT0 as ExtINT (the others mask it). */
	if (vmm->vm_nvcpus > 0)
		vcpu_poke(vmm->vm_vcpus[0]);
}

int
irq_extint_pending(struct vmm *vmm)
{
	return (__atomic_load_n(&vmm->vm_irq.if_extint, __ATOMIC_SEQ_CST));
}

int
irq_inta(struct vmm *vmm)
{
	struct irq_chip_slot	*c = &vmm->vm_irq.if_chips[IRQ_CHIP_PIC];

	if (c->ic_ops == NULL || c->ic_ops->ico_inta == NULL)
		return (-1);
	return (c->ic_ops->ico_inta(c->ic_chip));
}

void
irq_eoi(struct vmm *vmm, uint32_t vector)
{
	struct irq_chip_slot	*c = &vmm->vm_irq.if_chips[IRQ_CHIP_IOAPIC];

	if (c->ic_ops != NULL && c->ic_ops->ico_eoi != NULL)
		c->ic_ops->ico_eoi(c->ic_chip, vector & 0xff);
}

unsigned int
irq_fake_extint(struct vmm *vmm, int *level)
{
	struct irq_fake	*f = &vmm->vm_irq;
	unsigned int	 n;

	pthread_mutex_lock(&f->if_lock);
	n = f->if_nextint;
	pthread_mutex_unlock(&f->if_lock);
	if (level != NULL)
		*level = irq_extint_pending(vmm);
	return (n);
}

int
irq_pulse(struct vmm *vmm, uint32_t gsi)
{
	if (irq_set_level(vmm, gsi, 1) == -1)
		return (-1);
	return (irq_set_level(vmm, gsi, 0));
}

int
irq_msi(struct vmm *vmm, uint64_t addr, uint32_t data)
{
	struct irq_fake	*f = &vmm->vm_irq;
	struct kvm_msi	 msi;

	if (vmm->vm_fake) {
		pthread_mutex_lock(&f->if_lock);
		f->if_nmsi++;
		f->if_msi_addr = addr;
		f->if_msi_data = data;
		pthread_mutex_unlock(&f->if_lock);
		return (0);
	}
	memset(&msi, 0, sizeof msi);
	msi.address_lo = (uint32_t)addr;
	msi.address_hi = (uint32_t)(addr >> 32);
	msi.data = data;
	/* 0 means the interrupt was blocked (masked by the guest): fine. */
	if (ioctl(vmm->vm_fd, KVM_SIGNAL_MSI, &msi) == -1)
		return (-1);
	return (0);
}

int
irq_fake_level(struct vmm *vmm, uint32_t gsi)
{
	struct irq_fake	*f = &vmm->vm_irq;
	int		 level;

	if (gsi >= VMM_IOAPIC_PINS)
		return (0);
	pthread_mutex_lock(&f->if_lock);
	level = f->if_level[gsi];
	pthread_mutex_unlock(&f->if_lock);
	return (level);
}

unsigned int
irq_fake_edges(struct vmm *vmm, uint32_t gsi)
{
	struct irq_fake	*f = &vmm->vm_irq;
	unsigned int	 edges;

	if (gsi >= VMM_IOAPIC_PINS)
		return (0);
	pthread_mutex_lock(&f->if_lock);
	edges = f->if_edges[gsi];
	pthread_mutex_unlock(&f->if_lock);
	return (edges);
}

unsigned int
irq_fake_msi(struct vmm *vmm, uint64_t *addr, uint32_t *data)
{
	struct irq_fake	*f = &vmm->vm_irq;
	unsigned int	 n;

	pthread_mutex_lock(&f->if_lock);
	n = f->if_nmsi;
	if (addr != NULL)
		*addr = f->if_msi_addr;
	if (data != NULL)
		*data = f->if_msi_data;
	pthread_mutex_unlock(&f->if_lock);
	return (n);
}

/* Additions: MSI routes and irqfds --------------------------------------
 *
 * An irqfd makes a write to an eventfd inject a GSI inside KVM; for an MSI
 * that GSI needs a route (KVM_IRQ_ROUTING_MSI).  KVM_SET_GSI_ROUTING
 * replaces the whole table, so every change rewrites the IOAPIC pins'
 * routes (GSI 0-23, only for level-triggered entries: KVM reads them to
 * know which vectors' EOIs to hand back, kvm_scan_ioapic_routes) followed
 * by every MSI route allocated here.  The table lives in struct irq_fake
 * under if_lock.  A route change costs KVM an SRCU grace period: it
 * happens only when the guest reprograms an MSI or a level-triggered
 * redirection entry, never per interrupt.
 */

/* Push the whole table to KVM.  if_lock held. */
static int
irq_routes_commit(struct vmm *vmm)
{
	struct irq_fake			*f = &vmm->vm_irq;
	struct kvm_irq_routing		*r;
	struct kvm_irq_routing_entry	*e;
	const struct irq_msi_route	*m;
	unsigned int			 i, n = 0;
	int				 rc = 0, error = 0;

	if (vmm->vm_fake || vmm->vm_fd == -1)
		return (0);
	r = xcalloc(1, sizeof *r + (VMM_IOAPIC_PINS + f->if_nroutes) *
	    sizeof r->entries[0]);
	for (i = 0; i < VMM_IOAPIC_PINS + f->if_nroutes; i++) {
		m = i < VMM_IOAPIC_PINS ? &f->if_pins[i] :
		    &f->if_routes[i - VMM_IOAPIC_PINS];
		if (!m->imr_used)
			continue;
		e = &r->entries[n++];
		e->gsi = i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)m->imr_addr;
		e->u.msi.address_hi = (uint32_t)(m->imr_addr >> 32);
		e->u.msi.data = m->imr_data;
	}
	r->nr = n;
	if (ioctl(vmm->vm_fd, KVM_SET_GSI_ROUTING, r) == -1) {
		error = errno;
		rc = -1;
	}
	free(r);
	if (rc == -1)
		errno = error;
	return (rc);
}

int
irq_ioapic_route(struct vmm *vmm, uint32_t pin, int valid, uint64_t addr,
    uint32_t data)
{
	struct irq_fake		*f = &vmm->vm_irq;
	struct irq_msi_route	*m;
	int			 rc = 0;

	if (pin >= VMM_IOAPIC_PINS) {
		errno = EINVAL;
		return (-1);
	}
	valid = valid != 0;
	pthread_mutex_lock(&f->if_lock);
	m = &f->if_pins[pin];
	if (m->imr_used != valid || (valid && (m->imr_addr != addr ||
	    m->imr_data != data))) {
		m->imr_used = valid;
		m->imr_addr = valid ? addr : 0;
		m->imr_data = valid ? data : 0;
		rc = irq_routes_commit(vmm);
	}
	pthread_mutex_unlock(&f->if_lock);
	return (rc);
}

int
irq_msi_route_add(struct vmm *vmm, uint64_t addr, uint32_t data)
{
	struct irq_fake	*f = &vmm->vm_irq;
	unsigned int	 i;
	int		 error;

	if (vmm->vm_fake || vmm->vm_fd == -1) {
		errno = ENOTSUP;
		return (-1);
	}
	pthread_mutex_lock(&f->if_lock);
	for (i = 0; i < f->if_nroutes; i++) {
		if (!f->if_routes[i].imr_used)
			break;
	}
	if (i == f->if_nroutes) {
		if (f->if_nroutes == IRQ_MSI_ROUTES_MAX) {
			pthread_mutex_unlock(&f->if_lock);
			errno = ENOSPC;
			return (-1);
		}
		f->if_routes = xrecallocarray(f->if_routes, f->if_nroutes,
		    f->if_nroutes + 1, sizeof *f->if_routes);
		f->if_nroutes++;
	}
	f->if_routes[i].imr_used = 1;
	f->if_routes[i].imr_addr = addr;
	f->if_routes[i].imr_data = data;
	if (irq_routes_commit(vmm) == -1) {
		error = errno;
		f->if_routes[i].imr_used = 0;
		pthread_mutex_unlock(&f->if_lock);
		errno = error;
		return (-1);
	}
	pthread_mutex_unlock(&f->if_lock);
	return ((int)(VMM_IOAPIC_PINS + i));
}

int
irq_msi_route_set(struct vmm *vmm, uint32_t gsi, uint64_t addr,
    uint32_t data)
{
	struct irq_fake	*f = &vmm->vm_irq;
	uint32_t	 i = gsi - VMM_IOAPIC_PINS;
	int		 rc;

	pthread_mutex_lock(&f->if_lock);
	if (gsi < VMM_IOAPIC_PINS || i >= f->if_nroutes ||
	    !f->if_routes[i].imr_used) {
		pthread_mutex_unlock(&f->if_lock);
		errno = EINVAL;
		return (-1);
	}
	f->if_routes[i].imr_addr = addr;
	f->if_routes[i].imr_data = data;
	rc = irq_routes_commit(vmm);
	pthread_mutex_unlock(&f->if_lock);
	return (rc);
}

void
irq_msi_route_del(struct vmm *vmm, uint32_t gsi)
{
	struct irq_fake	*f = &vmm->vm_irq;
	uint32_t	 i = gsi - VMM_IOAPIC_PINS;

	pthread_mutex_lock(&f->if_lock);
	if (gsi >= VMM_IOAPIC_PINS && i < f->if_nroutes &&
	    f->if_routes[i].imr_used) {
		f->if_routes[i].imr_used = 0;
		if (vmm->vm_fd != -1 && irq_routes_commit(vmm) == -1)
			log_debug("%s: GSI %u: %s", __func__, gsi,
			    strerror(errno));
	}
	pthread_mutex_unlock(&f->if_lock);
}

int
irq_irqfd(struct vmm *vmm, uint32_t gsi, int fd, int assign)
{
	struct kvm_irqfd	irqfd;

	if (vmm->vm_fake || vmm->vm_fd == -1) {
		errno = ENOTSUP;
		return (-1);
	}
	memset(&irqfd, 0, sizeof irqfd);
	irqfd.fd = (uint32_t)fd;
	irqfd.gsi = gsi;
	if (!assign)
		irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	if (ioctl(vmm->vm_fd, KVM_IRQFD, &irqfd) == -1)
		return (-1);
	return (0);
}
