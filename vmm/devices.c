/* SPDX-License-Identifier: ISC */
/*
 * The explicit table of platform device types, in creation order:
 * vmm_create() walks it from the top and vmm_free() frees in reverse.  The
 * interrupt controllers and the PIT come first: devices drive their lines
 * from create() and reset() on, and vmm_reset resets in table order.  The
 * PCI host bridge next so that devices on the bus find it in create();
 * then the other legacy chips; debug-exit last (it is absent unless the
 * configuration asks for it).  No linker tricks: a new device type is one
 * line here.
 */

#include "config.h"

#include <stddef.h>

#include "vmm-dev.h"

/* Defined by each device's file. */
extern const struct vmm_devtype i8259_devtype;
extern const struct vmm_devtype ioapic_devtype;
extern const struct vmm_devtype i8254_devtype;
extern const struct vmm_devtype pci_devtype;
extern const struct vmm_devtype ns8250_devtype;
extern const struct vmm_devtype i8042_devtype;
extern const struct vmm_devtype mc146818_devtype;
extern const struct vmm_devtype acpi_pm_devtype;
extern const struct vmm_devtype debug_exit_devtype;
extern const struct vmm_devtype virtio_rng_devtype;
extern const struct vmm_devtype virtio_blk_devtype;
extern const struct vmm_devtype virtio_net_devtype;

const struct vmm_devtype *const vmm_devtypes[] = {
	&i8259_devtype,
	&ioapic_devtype,
	&i8254_devtype,
	&pci_devtype,
	&ns8250_devtype,
	&i8042_devtype,
	&mc146818_devtype,
	&acpi_pm_devtype,
	&debug_exit_devtype,
	&virtio_rng_devtype,
	&virtio_blk_devtype,
	&virtio_net_devtype
};

const size_t vmm_ndevtypes = sizeof vmm_devtypes / sizeof vmm_devtypes[0];
