/* SPDX-License-Identifier: ISC */
/*
 * A platform device on a fake VM for the device unit tests (see
 * devtest.h).  Accesses carry no vCPU (ia_vcpu -1), as none of the
 * platform devices looks at it.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <check.h>

#include "devtest.h"

void
devtest_init(struct devtest *t, const struct vmm_devtype *type)
{
	memset(t, 0, sizeof *t);
	t->dv_params.vp_memsize = 16 << 20;
	t->dv_params.vp_ncpus = 1;
	t->dv_params.vp_serial_out = t->dv_params.vp_serial_in = -1;
	t->dv_type = type;
}

void
devtest_vm(struct devtest *t)
{
	char	*cause = NULL;

	t->dv_vmm = vmm_create_fake(&t->dv_params, &cause);
	ck_assert_msg(t->dv_vmm != NULL, "%s", cause);
}

void
devtest_dev(struct devtest *t)
{
	char	*cause = NULL;

	ck_assert_msg(t->dv_type->dt_create(t->dv_vmm, &t->dv_params,
	    &t->dv_dev, &cause) == 0, "%s: %s", t->dv_type->dt_name, cause);
}

void
devtest_setup(struct devtest *t, const struct vmm_devtype *type)
{
	devtest_init(t, type);
	devtest_vm(t);
	devtest_dev(t);
	ck_assert_ptr_nonnull(t->dv_dev);
}

void
devtest_teardown(struct devtest *t)
{
	if (t->dv_type != NULL)
		t->dv_type->dt_free(t->dv_dev);
	vmm_free(t->dv_vmm);
}

int
devtest_access(struct devtest *t, enum iotrap_space space, uint64_t addr,
    uint32_t len, int write, uint64_t *data)
{
	struct iotrap_access	ia;
	int			rc;

	memset(&ia, 0, sizeof ia);
	ia.ia_addr = addr;
	ia.ia_len = len;
	ia.ia_write = write;
	ia.ia_data = *data;
	ia.ia_vcpu = -1;
	rc = iotrap_dispatch(t->dv_vmm, space, &ia);
	*data = ia.ia_data;
	return (rc);
}

uint64_t
devtest_io(struct devtest *t, enum iotrap_space space, uint64_t addr,
    uint32_t len, int write, uint64_t data)
{
	ck_assert_msg(devtest_access(t, space, addr, len, write, &data) == 0,
	    "nothing at %s 0x%llx", space == IOTRAP_PIO ? "port" : "address",
	    (unsigned long long)addr);
	return (data);
}

uint64_t
devtest_in(struct devtest *t, uint64_t port, uint32_t len)
{
	return (devtest_io(t, IOTRAP_PIO, port, len, 0, 0));
}

void
devtest_out(struct devtest *t, uint64_t port, uint32_t len, uint64_t data)
{
	devtest_io(t, IOTRAP_PIO, port, len, 1, data);
}
