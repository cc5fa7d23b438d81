/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for the CIM-XML request path of cimom: cimxml_parse, then
 * the operation the request names run against a small repository (class
 * operations in full; instance operations through the broker with no
 * provider registered, which still parses every instance name, key and
 * argument).  Whatever the input, the answer is a response document; a
 * refusal must name its CIMError token.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "broker.h"
#include "cimxml.h"
#include "mof.h"
#include "ops.h"
#include "provider.h"
#include "repository.h"
#include "xml.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_cimxml_mof[] =
    "[Abstract] class CIM_ManagedElement { string Caption; };\n"
    "class CIM_LogicalDevice : CIM_ManagedElement {\n"
    " [Key] string DeviceID; [Key] uint16 Number; sint8 S; real64 R;\n"
    " boolean B; datetime T; uint32 A[];\n"
    " uint32 M([In] string S, [In] uint8 U8[], [In] CIM_LogicalDevice REF"
    " D, [Out] string O);\n};\n"
    "[Association] class CIM_Assoc { [Key] CIM_LogicalDevice REF A;"
    " [Key] CIM_LogicalDevice REF B; };\n";

static struct ops_ctx	 fuzz_cimxml_ctx;

static void
fuzz_cimxml_init(void)
{
	struct repository	*r;
	struct provider		*p;
	char			*cause = NULL;

	xml_init();
	r = repository_create();
	if (mof_parse_buffer(r, fuzz_cimxml_mof, sizeof fuzz_cimxml_mof - 1,
	    "fuzz.mof", "root/cimv2", &cause) == -1)
		abort();
	p = provider_create(NULL);
	fuzz_cimxml_ctx.oc_repo = r;
	fuzz_cimxml_ctx.oc_br = broker_create(r, p, "fuzzhost");
	fuzz_cimxml_ctx.oc_host = "fuzzhost";
	fuzz_cimxml_ctx.oc_principal = "root";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cimxml_req	 req;
	struct evbuffer		*out;
	const char		*hdr;
	char			*cause = NULL;

	if (fuzz_cimxml_ctx.oc_repo == NULL)
		fuzz_cimxml_init();
	if (cimxml_parse((const char *)data, size, &req, &hdr, &cause) == -1) {
		if (hdr == NULL || cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	out = evbuffer_new();
	ops_run(&fuzz_cimxml_ctx, &req, out);
	if (evbuffer_get_length(out) == 0)
		abort();
	evbuffer_free(out);
	cimxml_req_clear(&req);
	return (0);
}
