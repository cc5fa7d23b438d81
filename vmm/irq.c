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
#include <string.h>

#include "log.h"
#include "vmm-int.h"

static void	irq_fake_set(struct irq_fake *, uint32_t, int);

void
irq_fake_init(struct irq_fake *f)
{
	memset(f, 0, sizeof *f);
	pthread_mutex_init(&f->if_lock, NULL);
}

void
irq_fake_clear(struct irq_fake *f)
{
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
