/* SPDX-License-Identifier: ISC */
/*
 * Provider registrations (etc/vireo/cimom/providers.reg, the SFCB format
 * of cim.md §4.1, man providers.reg.5) and the provider libraries loaded
 * with dlopen in the provider host, with their MIs made once per
 * (library, provider name, MI type) through the generic or the specific
 * factory (§3.8).
 */
#ifndef VIREO_CIMOM_PROVIDER_H
#define VIREO_CIMOM_PROVIDER_H

#include <stddef.h>

#include "cmpi/cmpift.h"

struct broker;
struct repo_ns;

#define PROVIDER_INSTANCE	0x01
#define PROVIDER_ASSOCIATION	0x02
#define PROVIDER_METHOD		0x04
#define PROVIDER_INDICATION	0x08
#define PROVIDER_PROPERTY	0x10

struct provider_lib {
	char		*pl_location;
	void		*pl_dl;
	int		 pl_failed;
};

struct provider_reg {
	char			*pr_class;
	char			*pr_name;	/* provider: */
	char			*pr_location;	/* location: */
	int			 pr_types;	/* PROVIDER_* */
	char			**pr_ns;	/* NULL-terminated; "*" any */
	char			*pr_params;	/* parameters: */
	struct provider_lib	*pr_lib;
	CMPIInstanceMI		*pr_inst;
	CMPIAssociationMI	*pr_assoc;
	CMPIMethodMI		*pr_meth;
	int			 pr_failed;	/* PROVIDER_* bits */
};

struct provider {
	struct provider_reg	**p_regs;
	size_t			  p_nregs;
	struct provider_lib	**p_libs;
	size_t			  p_nlibs;
	char			**p_dirs;	/* search path */
	struct broker		 *p_br;
};

struct provider	*provider_create(char *const *dirs);
void		 provider_free(struct provider *);
/* Read a registration file; 0 or -1 with *cause "path:line: why". */
int		 provider_load_reg(struct provider *, const char *path,
		    char **cause);
/* Registration for an object of class cls (or its nearest superclass
 * with one) for MI type in namespace ns; NULL if none. */
struct provider_reg *provider_find(struct provider *, const struct repo_ns *,
		    const char *cls, int type);
/* Every registration of type for cls or a subclass, each provider once;
 * *as[i] is the class to put in the path given to reg i. */
size_t		 provider_enum(struct provider *, const struct repo_ns *,
		    const char *cls, int type, struct provider_reg ***regs,
		    const char ***as);
/* The MI, made on first use; NULL with *cause. */
void		*provider_mi(struct provider *, struct provider_reg *,
		    int type, const char *ns, char **cause);
/* cleanup(terminating) on every MI made. */
void		 provider_cleanup(struct provider *);

#endif
