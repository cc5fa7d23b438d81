/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the resume side of suspend files (vmm/snapshot.c, vmstate.c and
 * every device's dt_restore): the input is a .vmss, loaded into a fake VM
 * (no KVM) shaped like the one the seeds come from: 32 MiB, one vCPU, the
 * debug-exit port and a virtio-rng, no disk and no NIC.  The header, the
 * sections with their CRCs, the device list, each device's state (the
 * PICs, IOAPIC and PIT among them), the vCPU records, the clock section,
 * and the RAM stream all
 * meet the parser; a fake VM checks the KVM sections without applying
 * them.  Any outcome is fine except a crash, a sanitizer report, or a
 * refusal without a cause for the person reading it.
 *
 * Seeds (tests/fuzz/corpus/vmss/): a file suspended from a real VM of
 * that shape (counter scenario) with its memory stream replaced by none
 * and by two short runs, and the first 2000 bytes of one.
 */

#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm-int.h"
#include "snapshot.h"

#define FUZZ_VMSS_MEM	(32ULL << 20)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vmm *fuzz_vmss_vm(void);

/* A fake VM with the devices a real one of the seeds' shape has. */
static struct vmm *
fuzz_vmss_vm(void)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	char			*cause = NULL;
	void			*dev;
	size_t			 i;

	memset(&p, 0, sizeof p);
	p.vp_name = "fuzz";
	p.vp_memsize = FUZZ_VMSS_MEM;
	p.vp_ncpus = 1;
	p.vp_serial_out = p.vp_serial_in = -1;
	p.vp_debug_exit = 1;
	p.vp_virtio_rng = 1;
	if ((vmm = vmm_create_fake(&p, &cause)) == NULL)
		abort();
	vmm->vm_devs = calloc(vmm_ndevtypes, sizeof *vmm->vm_devs);
	if (vmm->vm_devs == NULL)
		abort();
	for (i = 0; i < vmm_ndevtypes; i++) {
		dev = NULL;
		if (vmm_devtypes[i]->dt_create(vmm, &vmm->vm_params, &dev,
		    &cause) != 0)
			abort();
		if (dev == NULL)
			continue;
		vmm->vm_devs[vmm->vm_ndevs].di_type = vmm_devtypes[i];
		vmm->vm_devs[vmm->vm_ndevs].di_dev = dev;
		vmm->vm_ndevs++;
	}
	return (vmm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm	*vmm;
	char		*cause = NULL;
	int		 fd, rc;

	if ((fd = memfd_create("vmss", MFD_CLOEXEC)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	vmm = fuzz_vmss_vm();
	rc = snap_load_vm(vmm, fd, &cause);
	/* A refusal always says why; an acceptance never leaves a cause. */
	if ((rc == -1) != (cause != NULL))
		abort();
	free(cause);
	vmm_free(vmm);
	close(fd);
	return (0);
}
