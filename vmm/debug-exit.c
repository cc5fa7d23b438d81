/* SPDX-License-Identifier: ISC */
/*
 * The debug-exit port, QEMU isa-debug-exit style: a 4-byte I/O window at
 * VMM_DEBUG_EXIT_PORT where any write of a value v ends the VM with
 * vmm_request(VMM_REQ_DEBUG_EXIT, v); vmx turns that into the exit status
 * (v << 1) | 1, so a test guest can report pass or fail without a serial
 * parser.  It exists only when the .vmx asks (vp_debug_exit): a production
 * guest must not be able to end its vmx this way.
 *
 * The device has no mutable state, so it needs no lock.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-dev.h"

#define DEBUG_EXIT_LEN	4	/* ports 0xf4-0xf7 */

struct debug_exit {
	struct vmm	*de_vmm;	/* borrowed */
};

static int	debug_exit_create(struct vmm *, const struct vmm_params *,
		    void **, char **);
static void	debug_exit_reset(void *);
static void	debug_exit_free(void *);
static void	debug_exit_io(void *, struct iotrap_access *);

const struct vmm_devtype debug_exit_devtype = {
	"debug-exit",
	debug_exit_create,
	debug_exit_reset,
	debug_exit_free
};

static int
debug_exit_create(struct vmm *vmm, const struct vmm_params *params,
    void **devp, char **cause)
{
	struct debug_exit	*de;

	*devp = NULL;
	if (!params->vp_debug_exit)
		return (0);
	de = xcalloc(1, sizeof *de);
	de->de_vmm = vmm;
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_DEBUG_EXIT_PORT,
	    DEBUG_EXIT_LEN, debug_exit_io, de, "debug-exit") == -1) {
		xasprintf(cause, "debug-exit: port 0x%x: %s",
		    VMM_DEBUG_EXIT_PORT, strerror(errno));
		free(de);
		return (-1);
	}
	*devp = de;
	return (0);
}

static void
debug_exit_reset(void *dev)
{
}

static void
debug_exit_free(void *dev)
{
	struct debug_exit	*de = dev;

	if (de == NULL)
		return;
	iotrap_unregister(de->de_vmm, IOTRAP_PIO, VMM_DEBUG_EXIT_PORT);
	free(de);
}

/*
 * A write of any width at any of the four ports exits with the value as
 * written (byte, word or dword); reads return 0.
 */
static void
debug_exit_io(void *dev, struct iotrap_access *ia)
{
	struct debug_exit	*de = dev;
	uint32_t		 v;

	if (!ia->ia_write) {
		ia->ia_data = 0;
		return;
	}
	switch (ia->ia_len) {
	case 1:
		v = (uint8_t)ia->ia_data;
		break;
	case 2:
		v = (uint16_t)ia->ia_data;
		break;
	default:
		v = (uint32_t)ia->ia_data;
		break;
	}
	log_debug("debug-exit: 0x%x", v);
	vmm_request(de->de_vmm, VMM_REQ_DEBUG_EXIT, (int)v);
}
