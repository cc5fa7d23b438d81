/* SPDX-License-Identifier: ISC */
/*
 * Registrations and provider libraries (provider.h).  The registration
 * file is configuration a person writes, so a bad line stops the start
 * with its line number, as SFCB does.  Libraries are opened RTLD_NOW |
 * RTLD_GLOBAL (SBLIM providers share helper libraries); a library or a
 * factory that fails is remembered so it is not retried on every request.
 */

#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "broker.h"
#include "log.h"
#include "provider.h"
#include "repository.h"
#include "xmalloc.h"

#define PROVIDER_LINE_MAX	4096

static const struct {
	const char	*t_name;
	int		 t_bit;
} provider_types[] = {
	{ "instance", PROVIDER_INSTANCE },
	{ "association", PROVIDER_ASSOCIATION },
	{ "method", PROVIDER_METHOD },
	{ "indication", PROVIDER_INDICATION },
	{ "property", PROVIDER_PROPERTY },
	{ "class", 0 }, { "qualifier", 0 },
};

static const char *const provider_mi_names[] = {
	"Instance", "Association", "Method"
};

static int	provider_check(struct provider_reg *, const char *, int,
		    char **);
static int	provider_ns_ok(const struct provider_reg *, const char *);
static void	provider_reg_free(struct provider_reg *);
static struct provider_lib *provider_lib(struct provider *, const char *,
		    char **);
static int	provider_type_index(int);

struct provider *
provider_create(char *const *dirs)
{
	struct provider	*p = xcalloc(1, sizeof *p);
	size_t		 n = 0, i;

	while (dirs != NULL && dirs[n] != NULL)
		n++;
	p->p_dirs = xcalloc(n + 1, sizeof *p->p_dirs);
	for (i = 0; i < n; i++)
		p->p_dirs[i] = xstrdup(dirs[i]);
	return (p);
}

static void
provider_reg_free(struct provider_reg *r)
{
	size_t	i;

	for (i = 0; r->pr_ns != NULL && r->pr_ns[i] != NULL; i++)
		free(r->pr_ns[i]);
	free(r->pr_ns);
	free(r->pr_class);
	free(r->pr_name);
	free(r->pr_location);
	free(r->pr_params);
	free(r);
}

void
provider_free(struct provider *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->p_nregs; i++)
		provider_reg_free(p->p_regs[i]);
	free(p->p_regs);
	/* Libraries stay mapped: provider threads may still run in them. */
	for (i = 0; i < p->p_nlibs; i++) {
		free(p->p_libs[i]->pl_location);
		free(p->p_libs[i]);
	}
	free(p->p_libs);
	for (i = 0; p->p_dirs[i] != NULL; i++)
		free(p->p_dirs[i]);
	free(p->p_dirs);
	free(p);
}

static int
provider_check(struct provider_reg *r, const char *path, int line,
    char **cause)
{
	if (r == NULL)
		return (0);
	if (r->pr_name == NULL || r->pr_location == NULL) {
		xasprintf(cause, "%s:%d: [%s] needs provider: and location:",
		    path, line, r->pr_class);
		return (-1);
	}
	if (r->pr_ns == NULL) {
		r->pr_ns = xcalloc(2, sizeof *r->pr_ns);
		r->pr_ns[0] = xstrdup("root/cimv2");
	}
	if (r->pr_types == 0)
		r->pr_types = PROVIDER_INSTANCE;
	return (0);
}

int
provider_load_reg(struct provider *p, const char *path, char **cause)
{
	FILE			*f;
	char			 buf[PROVIDER_LINE_MAX], *s, *v, *w, *end;
	struct provider_reg	*r = NULL;
	int			 line = 0, rc = -1;
	size_t			 i, n;

	if ((f = fopen(path, "re")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (fgets(buf, sizeof buf, f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			xasprintf(cause, "%s:%d: line too long", path, line);
			goto out;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		for (s = buf; *s != '\0' && (unsigned char)*s <= ' '; s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			if ((end = strchr(s, ']')) == NULL || end == s + 1) {
				xasprintf(cause, "%s:%d: bad [Class] line",
				    path, line);
				goto out;
			}
			*end = '\0';
			if (provider_check(r, path, line, cause) == -1)
				goto out;
			r = xcalloc(1, sizeof *r);
			r->pr_class = xstrndup(s + 1, strcspn(s + 1, " \t"));
			p->p_regs = xreallocarray(p->p_regs, p->p_nregs + 1,
			    sizeof *p->p_regs);
			p->p_regs[p->p_nregs++] = r;
			continue;
		}
		if ((v = strchr(s, ':')) == NULL || r == NULL) {
			xasprintf(cause, "%s:%d: expected \"keyword: value\" "
			    "inside a [Class] record", path, line);
			goto out;
		}
		*v++ = '\0';
		v += strspn(v, " \t");
		end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strcmp(s, "provider") == 0) {
			free(r->pr_name);
			r->pr_name = xstrdup(v);
		} else if (strcmp(s, "location") == 0) {
			free(r->pr_location);
			r->pr_location = xstrdup(v);
		} else if (strcmp(s, "parameters") == 0) {
			free(r->pr_params);
			r->pr_params = xstrdup(v);
		} else if (strcmp(s, "type") == 0) {
			for (w = strtok(v, " \t"); w != NULL;
			    w = strtok(NULL, " \t")) {
				for (i = 0; i < sizeof provider_types /
				    sizeof provider_types[0]; i++)
					if (strcmp(w, provider_types[i].t_name)
					    == 0)
						break;
				if (i == sizeof provider_types /
				    sizeof provider_types[0]) {
					xasprintf(cause, "%s:%d: unknown type "
					    "\"%.32s\"", path, line, w);
					goto out;
				}
				r->pr_types |= provider_types[i].t_bit;
			}
		} else if (strcmp(s, "namespace") == 0) {
			n = 0;
			while (r->pr_ns != NULL && r->pr_ns[n] != NULL)
				n++;
			for (w = strtok(v, " \t"); w != NULL;
			    w = strtok(NULL, " \t")) {
				r->pr_ns = xreallocarray(r->pr_ns, n + 2,
				    sizeof *r->pr_ns);
				r->pr_ns[n++] = xstrdup(w);
				r->pr_ns[n] = NULL;
			}
		} else if (strcmp(s, "group") != 0 && strcmp(s, "unload") != 0
		    && strcmp(s, "user") != 0) {
			xasprintf(cause, "%s:%d: unknown keyword \"%.32s\"",
			    path, line, s);
			goto out;
		}
	}
	if (provider_check(r, path, line, cause) == -1)
		goto out;
	rc = 0;
out:
	fclose(f);
	return (rc);
}

static int
provider_ns_ok(const struct provider_reg *r, const char *ns)
{
	size_t	i;

	for (i = 0; r->pr_ns[i] != NULL; i++)
		if (strcmp(r->pr_ns[i], "*") == 0 ||
		    strcasecmp(r->pr_ns[i], ns) == 0)
			return (1);
	return (0);
}

struct provider_reg *
provider_find(struct provider *p, const struct repo_ns *ns, const char *cls,
    int type)
{
	const struct repo_class	*c;
	size_t			 i;

	for (c = repository_class(ns, cls); c != NULL; c = c->rc_superp)
		for (i = 0; i < p->p_nregs; i++)
			if ((p->p_regs[i]->pr_types & type) &&
			    strcasecmp(p->p_regs[i]->pr_class, c->rc_name)
			    == 0 && provider_ns_ok(p->p_regs[i], ns->rn_name))
				return (p->p_regs[i]);
	return (NULL);
}

size_t
provider_enum(struct provider *p, const struct repo_ns *ns, const char *cls,
    int type, struct provider_reg ***regs, const char ***as)
{
	struct provider_reg	*r, *top;
	size_t			 i, j, n = 0;

	*regs = xcalloc(p->p_nregs + 1, sizeof **regs);
	*as = xcalloc(p->p_nregs + 1, sizeof **as);
	/* The requested class's own provider (or an ancestor's) first. */
	if ((top = provider_find(p, ns, cls, type)) != NULL) {
		(*regs)[n] = top;
		(*as)[n++] = repository_class(ns, cls)->rc_name;
	}
	for (i = 0; i < p->p_nregs; i++) {
		r = p->p_regs[i];
		if (!(r->pr_types & type) || !provider_ns_ok(r, ns->rn_name) ||
		    repository_class(ns, r->pr_class) == NULL ||
		    strcasecmp(r->pr_class, cls) == 0 ||
		    !repository_is_a(ns, r->pr_class, cls))
			continue;
		for (j = 0; j < n; j++)
			if (strcmp((*regs)[j]->pr_name, r->pr_name) == 0 &&
			    strcmp((*regs)[j]->pr_location,
			    r->pr_location) == 0)
				break;
		if (j < n)
			continue;
		(*regs)[n] = r;
		(*as)[n++] = repository_class(ns, r->pr_class)->rc_name;
	}
	return (n);
}

static struct provider_lib *
provider_lib(struct provider *p, const char *location, char **cause)
{
	struct provider_lib	*l;
	char			*path;
	size_t			 i;

	for (i = 0; i < p->p_nlibs; i++)
		if (strcmp(p->p_libs[i]->pl_location, location) == 0)
			break;
	if (i < p->p_nlibs)
		l = p->p_libs[i];
	else {
		l = xcalloc(1, sizeof *l);
		l->pl_location = xstrdup(location);
		p->p_libs = xreallocarray(p->p_libs, p->p_nlibs + 1,
		    sizeof *p->p_libs);
		p->p_libs[p->p_nlibs++] = l;
		if (strchr(location, '/') != NULL) {
			xasprintf(cause, "location \"%s\" must be a plain name",
			    location);
			l->pl_failed = 1;
			return (NULL);
		}
		for (i = 0; p->p_dirs[i] != NULL && l->pl_dl == NULL; i++) {
			xasprintf(&path, "%s/lib%s.so", p->p_dirs[i], location);
			if (access(path, R_OK) == 0 && (l->pl_dl =
			    dlopen(path, RTLD_NOW | RTLD_GLOBAL)) == NULL)
				log_warnx("dlopen %s: %s", path, dlerror());
			free(path);
		}
		if (l->pl_dl == NULL)
			l->pl_failed = 1;
		else
			log_info("loaded provider library lib%s.so", location);
	}
	if (l->pl_failed) {
		xasprintf(cause, "provider library lib%s.so cannot be loaded",
		    location);
		return (NULL);
	}
	return (l);
}

static int
provider_type_index(int type)
{
	switch (type) {
	case PROVIDER_INSTANCE:
		return (0);
	case PROVIDER_ASSOCIATION:
		return (1);
	case PROVIDER_METHOD:
		return (2);
	}
	return (-1);
}

void *
provider_mi(struct provider *p, struct provider_reg *r, int type,
    const char *ns, char **cause)
{
	typedef void *(*generic_fn)(const CMPIBroker *, const CMPIContext *,
	    const char *, CMPIStatus *);
	typedef void *(*specific_fn)(const CMPIBroker *, const CMPIContext *,
	    CMPIStatus *);
	void		**slot, *mi = NULL, *sym;
	char		 *name;
	CMPIStatus	  st = { CMPI_RC_OK, NULL };
	CMPIContext	 *ctx;
	int		  idx = provider_type_index(type);

	if (idx == -1) {
		xasprintf(cause, "unsupported MI type");
		return (NULL);
	}
	slot = idx == 0 ? (void **)&r->pr_inst : idx == 1 ?
	    (void **)&r->pr_assoc : (void **)&r->pr_meth;
	if (*slot != NULL)
		return (*slot);
	/* One MI per (library, provider name, type), whatever the class. */
	for (size_t i = 0; i < p->p_nregs; i++) {
		struct provider_reg	*o = p->p_regs[i];
		void			*m = idx == 0 ? (void *)o->pr_inst :
		    idx == 1 ? (void *)o->pr_assoc : (void *)o->pr_meth;

		if (o != r && m != NULL && strcmp(o->pr_name, r->pr_name) == 0
		    && strcmp(o->pr_location, r->pr_location) == 0) {
			*slot = m;
			return (m);
		}
	}
	if (r->pr_failed & type) {
		xasprintf(cause, "provider %s failed to start", r->pr_name);
		return (NULL);
	}
	if ((r->pr_lib = provider_lib(p, r->pr_location, cause)) == NULL) {
		r->pr_failed |= type;
		return (NULL);
	}
	ctx = cmpi_context_new(p->p_br);
	ctx->ft->addEntry(ctx, CMPIInitNameSpace, (const CMPIValue *)ns,
	    CMPI_chars);
	xasprintf(&name, "_Generic_Create_%sMI", provider_mi_names[idx]);
	sym = dlsym(r->pr_lib->pl_dl, name);
	free(name);
	broker_call_begin(p->p_br);
	if (sym != NULL)
		mi = ((generic_fn)sym)(&p->p_br->b_cmpi, ctx, r->pr_name, &st);
	else {
		xasprintf(&name, "%s_Create_%sMI", r->pr_name,
		    provider_mi_names[idx]);
		sym = dlsym(r->pr_lib->pl_dl, name);
		free(name);
		if (sym != NULL)
			mi = ((specific_fn)sym)(&p->p_br->b_cmpi, ctx, &st);
	}
	broker_call_end(p->p_br);
	if (sym == NULL || mi == NULL || st.rc != CMPI_RC_OK) {
		xasprintf(cause, "provider %s has no working %s MI factory",
		    r->pr_name, provider_mi_names[idx]);
		r->pr_failed |= type;
		return (NULL);
	}
	log_info("provider %s: %s MI ready", r->pr_name,
	    provider_mi_names[idx]);
	*slot = mi;
	return (mi);
}

void
provider_cleanup(struct provider *p)
{
	struct provider_reg	*r;
	CMPIContext		*ctx;
	size_t			 i;

	broker_call_begin(p->p_br);
	ctx = cmpi_context_new(p->p_br);
	for (i = 0; i < p->p_nregs; i++) {
		r = p->p_regs[i];
		if (r->pr_inst != NULL)
			r->pr_inst->ft->cleanup(r->pr_inst, ctx, 1);
		if (r->pr_assoc != NULL)
			r->pr_assoc->ft->cleanup(r->pr_assoc, ctx, 1);
		if (r->pr_meth != NULL)
			r->pr_meth->ft->cleanup(r->pr_meth, ctx, 1);
		/* Shared MIs are cleaned up once. */
		for (size_t j = i + 1; j < p->p_nregs; j++) {
			if (p->p_regs[j]->pr_inst == r->pr_inst)
				p->p_regs[j]->pr_inst = NULL;
			if (p->p_regs[j]->pr_assoc == r->pr_assoc)
				p->p_regs[j]->pr_assoc = NULL;
			if (p->p_regs[j]->pr_meth == r->pr_meth)
				p->p_regs[j]->pr_meth = NULL;
		}
		r->pr_inst = NULL;
		r->pr_assoc = NULL;
		r->pr_meth = NULL;
	}
	broker_call_end(p->p_br);
}
