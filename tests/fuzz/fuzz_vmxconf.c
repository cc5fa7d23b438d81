/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for vmx's .vmx reader: lib/cfg's parser followed by
 * vmx/vmxconf.c's translation into vmm parameters, exactly the path vmx
 * takes at power-on before it opens anything.  No file is opened and no
 * KVM is touched.  Whatever the input, the result is either a refusal with
 * a one-line cause or a configuration that satisfies vmx's invariants.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "vmx.h"

#define FUZZ_VMXCONF_PATH	"/vmfs/volumes/ds1/fuzz/fuzz.vmx"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg			*cfg;
	struct vmx_conf			*vc;
	const struct vmm_params		*vp;
	char				*cause = NULL;

	cfg = cfg_parse((const char *)data, size, FUZZ_VMXCONF_PATH, &cause);
	if (cfg == NULL) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return (0);
	}
	vc = vmx_conf_create(cfg, FUZZ_VMXCONF_PATH, 2, &cause);
	if (vc == NULL) {
		/* One line, naming the file. */
		if (cause == NULL || strchr(cause, '\n') != NULL ||
		    strncmp(cause, FUZZ_VMXCONF_PATH ": ",
		    strlen(FUZZ_VMXCONF_PATH ": ")) != 0)
			abort();
		free(cause);
		cfg_free(cfg);
		return (0);
	}
	vp = vmx_conf_params(vc);
	if (vp->vp_kernel == NULL || vp->vp_kernel[0] != '/' ||
	    vp->vp_memsize % (4ULL << 20) != 0 ||
	    vp->vp_memsize < ((uint64_t)VMX_MEMSIZE_MIN << 20) ||
	    vp->vp_memsize > ((uint64_t)VMX_MEMSIZE_MAX << 20) ||
	    vp->vp_ncpus < 1 || vp->vp_ncpus > 2 ||
	    (vp->vp_initrd != NULL && vp->vp_initrd[0] != '/') ||
	    vc->vc_log_file[0] != '/' ||
	    vc->vc_log_keepold > VMX_LOG_KEEPOLD_MAX ||
	    ((vc->vc_serial == VMX_SERIAL_FILE ||
	    vc->vc_serial == VMX_SERIAL_DEVICE) &&
	    (vc->vc_serial_file == NULL || vc->vc_serial_file[0] != '/')))
		abort();
	vmx_conf_free(vc);
	cfg_free(cfg);
	return (0);
}
