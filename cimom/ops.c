/* SPDX-License-Identifier: ISC */
/*
 * The operation table and the response framing around a handler.
 * Unknown operation names get CIM_ERR_NOT_SUPPORTED (pywbem then falls
 * back from the pull operations); unknown parameters
 * CIM_ERR_INVALID_PARAMETER; an unknown namespace CIM_ERR_INVALID_NAMESPACE
 * before any handler runs.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "cimxml.h"
#include "ops.h"
#include "repository.h"
#include "xmalloc.h"

static const char *const ops_p_ecn[] = {
	"ClassName", "DeepInheritance", NULL
};
static const char *const ops_p_ec[] = {
	"ClassName", "DeepInheritance", "LocalOnly", "IncludeQualifiers",
	"IncludeClassOrigin", NULL
};
static const char *const ops_p_gc[] = {
	"ClassName", "LocalOnly", "IncludeQualifiers", "IncludeClassOrigin",
	"PropertyList", NULL
};
static const char *const ops_p_ein[] = { "ClassName", NULL };
static const char *const ops_p_ei[] = {
	"ClassName", "LocalOnly", "DeepInheritance", "IncludeQualifiers",
	"IncludeClassOrigin", "PropertyList", NULL
};
static const char *const ops_p_gi[] = {
	"InstanceName", "LocalOnly", "IncludeQualifiers",
	"IncludeClassOrigin", "PropertyList", NULL
};
static const char *const ops_p_gp[] = {
	"InstanceName", "PropertyName", NULL
};
static const char *const ops_p_ai[] = {
	"ObjectName", "AssocClass", "ResultClass", "Role", "ResultRole",
	"IncludeQualifiers", "IncludeClassOrigin", "PropertyList", NULL
};
static const char *const ops_p_ain[] = {
	"ObjectName", "AssocClass", "ResultClass", "Role", "ResultRole", NULL
};
static const char *const ops_p_ri[] = {
	"ObjectName", "ResultClass", "Role", "IncludeQualifiers",
	"IncludeClassOrigin", "PropertyList", NULL
};
static const char *const ops_p_rin[] = {
	"ObjectName", "ResultClass", "Role", NULL
};

static const struct ops_entry ops_table[] = {
	{ "EnumerateClassNames", OPS_LOCAL, ops_class_enum_names, ops_p_ecn },
	{ "EnumerateClasses", OPS_LOCAL, ops_class_enum, ops_p_ec },
	{ "GetClass", OPS_LOCAL, ops_class_get, ops_p_gc },
	{ "EnumerateInstanceNames", OPS_REMOTE, ops_inst_enum_names,
	    ops_p_ein },
	{ "EnumerateInstances", OPS_REMOTE, ops_inst_enum, ops_p_ei },
	{ "GetInstance", OPS_REMOTE, ops_inst_get, ops_p_gi },
	{ "GetProperty", OPS_REMOTE, ops_inst_get_property, ops_p_gp },
	{ "Associators", OPS_REMOTE, ops_inst_associators, ops_p_ai },
	{ "AssociatorNames", OPS_REMOTE, ops_inst_associator_names,
	    ops_p_ain },
	{ "References", OPS_REMOTE, ops_inst_references, ops_p_ri },
	{ "ReferenceNames", OPS_REMOTE, ops_inst_reference_names, ops_p_rin },
	/* Nothing we serve is writable; the schema is fixed. */
	{ "CreateInstance", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "ModifyInstance", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "DeleteInstance", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "SetProperty", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "CreateClass", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "ModifyClass", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "DeleteClass", OPS_LOCAL, ops_class_unsupported, NULL },
	{ "ExecQuery", OPS_LOCAL, ops_class_unsupported, NULL },
};

static const struct ops_entry ops_extrinsic = {
	"InvokeMethod", OPS_REMOTE, ops_inst_invoke, NULL
};

static const struct ops_entry ops_unknown = {
	"(unknown)", OPS_LOCAL, ops_class_unsupported, NULL
};

const struct ops_entry *
ops_find(const struct cimxml_req *r)
{
	size_t	i;

	if (r->cr_extrinsic)
		return (&ops_extrinsic);
	for (i = 0; i < sizeof ops_table / sizeof ops_table[0]; i++)
		if (strcmp(ops_table[i].oe_name, r->cr_method) == 0)
			return (&ops_table[i]);
	return (&ops_unknown);
}

int
ops_run(struct ops_ctx *ctx, const struct cimxml_req *r, struct evbuffer *out)
{
	const struct ops_entry	*e = ops_find(r);
	struct evbuffer		*body;
	char			*desc = NULL, *bad = NULL;
	int			 code;

	body = evbuffer_new();
	if (repository_ns(ctx->oc_repo, r->cr_ns, 0) == NULL) {
		code = 3;
		xasprintf(&desc, "namespace %s does not exist", r->cr_ns);
	} else if (e->oe_params != NULL &&
	    !cimxml_check_params(r, e->oe_params, &bad)) {
		code = 4;
		xasprintf(&desc, "%s takes no parameter %s", e->oe_name, bad);
		free(bad);
	} else
		code = e->oe_fn(ctx, r, body, &desc);
	if (code != 0)
		cimxml_error(out, r->cr_id, r->cr_extrinsic, r->cr_method, code,
		    desc);
	else if (r->cr_extrinsic) {
		cimxml_begin(out, r->cr_id);
		evbuffer_add_printf(out, "<METHODRESPONSE NAME=\"");
		cimxml_escape(out, r->cr_method);
		evbuffer_add_printf(out, "\">\n");
		evbuffer_add_buffer(out, body);
		evbuffer_add_printf(out, "</METHODRESPONSE>\n");
		cimxml_end(out);
	} else {
		cimxml_begin(out, r->cr_id);
		evbuffer_add_printf(out, "<IMETHODRESPONSE NAME=\"%s\">\n"
		    "<IRETURNVALUE>\n", e->oe_name);
		evbuffer_add_buffer(out, body);
		evbuffer_add_printf(out, "</IRETURNVALUE>\n"
		    "</IMETHODRESPONSE>\n");
		cimxml_end(out);
	}
	evbuffer_free(body);
	free(desc);
	return (code);
}
