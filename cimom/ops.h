/* SPDX-License-Identifier: ISC */
/*
 * The CIM operations: one table (ops.c) names each intrinsic operation,
 * the parameters it accepts, where it runs (cimom itself for class
 * operations, the provider host for everything that reaches a provider)
 * and its handler.  A handler writes the IRETURNVALUE content (or, for
 * an extrinsic call, the METHODRESPONSE content) and returns a CIM
 * status code, with *desc on failure.
 */
#ifndef VIREO_CIMOM_OPS_H
#define VIREO_CIMOM_OPS_H

struct broker;
struct cimxml_req;
struct evbuffer;
struct repository;

struct ops_ctx {
	struct repository	*oc_repo;
	struct broker		*oc_br;		/* provider host only */
	const char		*oc_host;
	const char		*oc_principal;
};

typedef int (*ops_fn)(struct ops_ctx *, const struct cimxml_req *,
    struct evbuffer *, char **desc);

#define OPS_LOCAL	0	/* runs in cimom */
#define OPS_REMOTE	1	/* runs in the provider host */

struct ops_entry {
	const char		*oe_name;
	int			 oe_where;
	ops_fn			 oe_fn;
	const char *const	*oe_params;	/* NULL: none checked */
};

/* The entry for req (extrinsic calls: the InvokeMethod entry). */
const struct ops_entry *ops_find(const struct cimxml_req *);
/* Run req's handler and write the whole response; the status code. */
int	ops_run(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *out);

int	ops_class_enum_names(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_class_enum(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_class_get(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_class_unsupported(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
/* The association operations on class cn (borrowed), from the
 * repository; kind is a DISPATCH_* constant. */
int	ops_class_assoc(struct ops_ctx *, const struct cimxml_req *,
	    const char *cn, struct evbuffer *, char **, int kind);

int	ops_inst_enum_names(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_enum(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_get(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_get_property(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_associators(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_associator_names(struct ops_ctx *,
	    const struct cimxml_req *, struct evbuffer *, char **);
int	ops_inst_references(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_reference_names(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);
int	ops_inst_invoke(struct ops_ctx *, const struct cimxml_req *,
	    struct evbuffer *, char **);

#endif
