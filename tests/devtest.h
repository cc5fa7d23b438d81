/* SPDX-License-Identifier: ISC */
/*
 * A platform device on a fake VM, for the device unit tests
 * (check_i8042, check_mc146818, check_acpi_pm, check_pci, check_ns8250,
 * check_debug_exit, check_acpi): the VM they all start from and port or
 * MMIO accesses made through iotrap_dispatch, the path a guest's accesses
 * take, so the tests see what a guest would.
 *
 * Functions that cannot go on (no fake VM, a device that fails to create,
 * an access nobody claims) fail the current test with a message.
 */
#ifndef VIREO_TESTS_DEVTEST_H
#define VIREO_TESTS_DEVTEST_H

#include <stdint.h>

#include "vmm-dev.h"

struct devtest {
	struct vmm_params	 dv_params;	/* VM and device made of */
	struct vmm		*dv_vmm;	/* fake VM */
	void			*dv_dev;	/* device under test */
	const struct vmm_devtype *dv_type;	/* its type, or NULL */
};

/*
 * Fill t for a device of type type (NULL for none): 16 MiB of RAM, one
 * vCPU, no serial fds.  Change t->dv_params before devtest_vm().
 */
void		devtest_init(struct devtest *t, const struct vmm_devtype *type);
/* Create t->dv_vmm, a fake VM, from t->dv_params. */
void		devtest_vm(struct devtest *t);
/*
 * Create the device in t->dv_vmm into t->dv_dev; dt_create() must
 * succeed, but may leave no device (debug-exit when not asked for).
 */
void		devtest_dev(struct devtest *t);
/* devtest_init(), devtest_vm() and devtest_dev(), and a device made. */
void		devtest_setup(struct devtest *t,
		    const struct vmm_devtype *type);
/* Free the device (NULL is fine) and the VM. */
void		devtest_teardown(struct devtest *t);

/*
 * One access of len bytes at addr in space, from no vCPU; *data is the
 * value written, or gets the value read.  Returns iotrap_dispatch()'s
 * result: -1 when nothing claims addr.
 */
int		devtest_access(struct devtest *t, enum iotrap_space space,
		    uint64_t addr, uint32_t len, int write, uint64_t *data);
/* The same, failing the test unless claimed; returns the data. */
uint64_t	devtest_io(struct devtest *t, enum iotrap_space space,
		    uint64_t addr, uint32_t len, int write, uint64_t data);
/* A port read or write of len bytes, failing the test unless claimed. */
uint64_t	devtest_in(struct devtest *t, uint64_t port, uint32_t len);
void		devtest_out(struct devtest *t, uint64_t port, uint32_t len,
		    uint64_t data);

#endif /* VIREO_TESTS_DEVTEST_H */
