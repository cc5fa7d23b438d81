/* SPDX-License-Identifier: ISC */
/*
 * Interrupt delivery for devices.  On a real VM a GSI goes to the in-kernel
 * irqchip with KVM_IRQ_LINE (the default GSI routing of the full in-kernel
 * irqchip sends GSI 0-15 to both the PIC and the IOAPIC and 16-23 to the
 * IOAPIC), and an MSI goes to the LAPICs with KVM_SIGNAL_MSI.  On a fake VM
 * (unit tests) the same calls only record what happened, under a mutex,
 * so a test can assert on levels and edges of each line.
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

int
irq_set_level(struct vmm *vmm, uint32_t gsi, int level)
{
	struct kvm_irq_level	irq;

	if (gsi >= VMM_IOAPIC_PINS) {
		errno = EINVAL;
		return (-1);
	}
	level = level != 0;
	if (vmm->vm_fake) {
		irq_fake_set(&vmm->vm_irq, gsi, level);
		return (0);
	}
	memset(&irq, 0, sizeof irq);
	irq.irq = gsi;
	irq.level = (uint32_t)level;
	if (ioctl(vmm->vm_fd, KVM_IRQ_LINE, &irq) == -1)
		return (-1);
	return (0);
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
 * replaces the whole table, so every change rewrites the routes that
 * KVM_CREATE_IRQCHIP set up by default (GSI 0-15 to the PICs and the
 * IOAPIC, 16-23 to the IOAPIC) followed by every MSI route allocated
 * here.  The table lives in struct irq_fake under if_lock.  A route
 * change costs KVM an SRCU grace period: devices change a route only when
 * the guest reprograms its MSI, never per interrupt.
 */

/* Push the whole table to KVM.  if_lock held. */
static int
irq_routes_commit(struct vmm *vmm)
{
	struct irq_fake			*f = &vmm->vm_irq;
	struct kvm_irq_routing		*r;
	struct kvm_irq_routing_entry	*e;
	unsigned int			 gsi, i, n = 0;
	int				 rc = 0, error = 0;

	r = xcalloc(1, sizeof *r + (2 * 16 + (VMM_IOAPIC_PINS - 16) +
	    f->if_nroutes) * sizeof r->entries[0]);
	for (gsi = 0; gsi < VMM_IOAPIC_PINS; gsi++) {
		if (gsi < 16) {
			e = &r->entries[n++];
			e->gsi = gsi;
			e->type = KVM_IRQ_ROUTING_IRQCHIP;
			e->u.irqchip.irqchip = gsi < 8 ?
			    KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
			e->u.irqchip.pin = gsi % 8;
		}
		e = &r->entries[n++];
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e->u.irqchip.pin = gsi;
	}
	for (i = 0; i < f->if_nroutes; i++) {
		if (!f->if_routes[i].imr_used)
			continue;
		e = &r->entries[n++];
		e->gsi = VMM_IOAPIC_PINS + i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)f->if_routes[i].imr_addr;
		e->u.msi.address_hi = (uint32_t)(f->if_routes[i].imr_addr >>
		    32);
		e->u.msi.data = f->if_routes[i].imr_data;
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
