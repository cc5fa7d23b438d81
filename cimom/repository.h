/* SPDX-License-Identifier: ISC */
/*
 * The class repository: namespaces of resolved CIM classes built from
 * MOF (mof.c).  A resolved class holds every feature, inherited ones
 * first (marked propagated, with their class of origin), so the
 * operations never walk the superclass chain for members.  Values are
 * kept as their CIM-XML VALUE text.  Immutable once loaded: the provider
 * host and cimom each load their own copy at start.  Inherited members
 * borrow their texts from the superclass (rf_borrowed, rq_borrowed)
 * instead of copying them, which a namespace's classes all outliving
 * each other until repository_free makes safe.
 */
#ifndef VIREO_CIMOM_REPOSITORY_H
#define VIREO_CIMOM_REPOSITORY_H

#include <stddef.h>
#include <stdint.h>

/* A qualifier as declared or inherited. */
struct repo_qual {
	char		*rq_name;
	uint16_t	 rq_type;	/* CMPI type code, no array bit */
	int		 rq_array;
	char		**rq_vals;	/* rq_nvals texts */
	size_t		 rq_nvals;
	int		 rq_propagated;
	int		 rq_overridable;
	int		 rq_tosubclass;
	int		 rq_translatable;
	int		 rq_borrowed;	/* rq_name, rq_vals: the superclass's */
};

struct repo_quals {
	struct repo_qual	*q_v;
	size_t			 q_n;
};

struct repo_param {
	char		*rp_name;
	uint16_t	 rp_type;	/* CMPI code; CMPI_ref: rp_refclass */
	int		 rp_array;
	char		*rp_refclass;
	struct repo_quals rp_quals;
};

#define REPO_PROPERTY	0
#define REPO_METHOD	1

struct repo_feature {
	int		 rf_kind;	/* REPO_PROPERTY or REPO_METHOD */
	char		*rf_name;
	uint16_t	 rf_type;	/* property or return type */
	int		 rf_array;
	char		*rf_refclass;	/* references */
	char		*rf_origin;	/* class that defined it */
	int		 rf_propagated;	/* inherited unchanged */
	int		 rf_key;
	char		**rf_defs;	/* default value texts, or NULL */
	size_t		 rf_ndefs;
	struct repo_quals rf_quals;
	struct repo_param *rf_params;
	size_t		 rf_nparams;
	/* Inherited unchanged: the strings, defaults and parameters are the
	 * superclass's (only rf_quals is this class's own array), so a deep
	 * schema costs one copy of each text. */
	int		 rf_borrowed;
};

struct repo_class {
	char		*rc_name;
	char		*rc_super;	/* NULL for a root class */
	struct repo_class *rc_superp;
	struct repo_quals rc_quals;	/* own and propagated */
	struct repo_feature *rc_feat;
	size_t		 rc_nfeat;
	int		 rc_assoc;
	int		 rc_abstract;
};

struct repo_ns {
	char			*rn_name;
	struct repo_class	**rn_classes;
	size_t			 rn_nclasses;
};

struct repository {
	struct repo_ns	*r_ns;
	size_t		 r_nns;
};

struct repository *repository_create(void);
void		 repository_free(struct repository *);
/* Load a MOF file (with its includes) into namespace ns (its pragmas
 * may switch).  0 or -1 with *cause ("file:line:col: why"). */
int		 repository_load(struct repository *, const char *path,
		    const char *ns, char **cause);
/* Load every *.mof in dir (missing dir: nothing). */
int		 repository_load_dir(struct repository *, const char *dir,
		    const char *ns, char **cause);
/* The schema cimom serves: schemadir/vireo.mof, then every MOF in
 * root/etc/vireo/cimom/mof.d (site and test classes). */
int		 repository_load_all(struct repository *, const char *schemadir,
		    const char *root, char **cause);
/* Called by the MOF parser. */
struct repo_ns	*repository_ns(struct repository *, const char *name,
		    int create);
int		 repository_add(struct repo_ns *, struct repo_class *,
		    char **cause);
struct repo_class *repository_class(const struct repo_ns *,
		    const char *name);
/* 1 if class sub is cls or derives from it (case-insensitive names). */
int		 repository_is_a(const struct repo_ns *, const char *sub,
		    const char *cls);
const struct repo_feature *repository_feature(const struct repo_class *,
		    int kind, const char *name);
const struct repo_qual *repository_qual(const struct repo_quals *,
		    const char *name);
void		 repository_class_free(struct repo_class *);
void		 repository_quals_free(struct repo_quals *);
/* Type names: "uint16" <-> CMPI_uint16; "reference" <-> CMPI_ref. */
const char	*repository_type_name(uint16_t);
int		 repository_type_parse(const char *, uint16_t *);

#endif
