/* SPDX-License-Identifier: ISC */
/*
 * The class repository (repository.h).  Adding a class resolves it at
 * once against its superclass, which must already be there (MOF include
 * order guarantees it): the superclass's features are copied as
 * propagated, an own feature of the same name replaces the inherited one
 * in place (so the order stays the schema's), qualifiers flow down unless
 * their flavor is Restricted.  Names compare case-insensitively, as CIM
 * names do.
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmpi/cmpidt.h"
#include "mof.h"
#include "repository.h"
#include "xmalloc.h"

static const struct {
	const char	*t_name;
	uint16_t	 t_type;
} repository_types[] = {
	{ "boolean", CMPI_boolean }, { "string", CMPI_string },
	{ "char16", CMPI_char16 }, { "uint8", CMPI_uint8 },
	{ "sint8", CMPI_sint8 }, { "uint16", CMPI_uint16 },
	{ "sint16", CMPI_sint16 }, { "uint32", CMPI_uint32 },
	{ "sint32", CMPI_sint32 }, { "uint64", CMPI_uint64 },
	{ "sint64", CMPI_sint64 }, { "datetime", CMPI_dateTime },
	{ "real32", CMPI_real32 }, { "real64", CMPI_real64 },
	{ "reference", CMPI_ref },
};

static void	repository_quals_copy(struct repo_quals *,
		    const struct repo_quals *, int);
static void	repository_quals_merge(struct repo_quals *,
		    const struct repo_quals *);
static void	repository_feature_copy(struct repo_feature *,
		    const struct repo_feature *);
static void	repository_feature_free(struct repo_feature *);
static void	repository_qual_clear(struct repo_qual *);
static char	**repository_strv_copy(char **, size_t);

const char *
repository_type_name(uint16_t t)
{
	size_t	i;

	for (i = 0; i < sizeof repository_types / sizeof repository_types[0];
	    i++)
		if (repository_types[i].t_type == t)
			return (repository_types[i].t_name);
	return ("string");
}

int
repository_type_parse(const char *s, uint16_t *t)
{
	size_t	i;

	for (i = 0; i < sizeof repository_types / sizeof repository_types[0];
	    i++)
		if (strcasecmp(repository_types[i].t_name, s) == 0) {
			*t = repository_types[i].t_type;
			return (0);
		}
	return (-1);
}

struct repository *
repository_create(void)
{
	return (xcalloc(1, sizeof(struct repository)));
}

void
repository_free(struct repository *r)
{
	size_t	i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->r_nns; i++) {
		for (j = 0; j < r->r_ns[i].rn_nclasses; j++)
			repository_class_free(r->r_ns[i].rn_classes[j]);
		free(r->r_ns[i].rn_classes);
		free(r->r_ns[i].rn_name);
	}
	free(r->r_ns);
	free(r);
}

struct repo_ns *
repository_ns(struct repository *r, const char *name, int create)
{
	size_t	i;

	for (i = 0; i < r->r_nns; i++)
		if (strcasecmp(r->r_ns[i].rn_name, name) == 0)
			return (&r->r_ns[i]);
	if (!create)
		return (NULL);
	r->r_ns = xreallocarray(r->r_ns, r->r_nns + 1, sizeof *r->r_ns);
	memset(&r->r_ns[r->r_nns], 0, sizeof *r->r_ns);
	r->r_ns[r->r_nns].rn_name = xstrdup(name);
	return (&r->r_ns[r->r_nns++]);
}

struct repo_class *
repository_class(const struct repo_ns *ns, const char *name)
{
	size_t	i;

	if (ns == NULL || name == NULL)
		return (NULL);
	for (i = 0; i < ns->rn_nclasses; i++)
		if (strcasecmp(ns->rn_classes[i]->rc_name, name) == 0)
			return (ns->rn_classes[i]);
	return (NULL);
}

int
repository_is_a(const struct repo_ns *ns, const char *sub, const char *cls)
{
	const struct repo_class	*c;

	for (c = repository_class(ns, sub); c != NULL; c = c->rc_superp)
		if (strcasecmp(c->rc_name, cls) == 0)
			return (1);
	return (0);
}

const struct repo_feature *
repository_feature(const struct repo_class *c, int kind, const char *name)
{
	size_t	i;

	for (i = 0; i < c->rc_nfeat; i++)
		if (c->rc_feat[i].rf_kind == kind &&
		    strcasecmp(c->rc_feat[i].rf_name, name) == 0)
			return (&c->rc_feat[i]);
	return (NULL);
}

const struct repo_qual *
repository_qual(const struct repo_quals *q, const char *name)
{
	size_t	i;

	for (i = 0; i < q->q_n; i++)
		if (strcasecmp(q->q_v[i].rq_name, name) == 0)
			return (&q->q_v[i]);
	return (NULL);
}

static char **
repository_strv_copy(char **v, size_t n)
{
	char	**c;
	size_t	  i;

	if (v == NULL)
		return (NULL);
	c = xcalloc(n + 1, sizeof *c);
	for (i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return (c);
}

/*
 * Copy q into dst; inherited: only ToSubclass ones, marked propagated,
 * borrowing their texts from q (whose class outlives dst's).
 */
static void
repository_quals_copy(struct repo_quals *dst, const struct repo_quals *q,
    int inherited)
{
	const struct repo_qual	*s;
	struct repo_qual	*d;
	size_t			 i;

	memset(dst, 0, sizeof *dst);
	dst->q_v = xcalloc(q->q_n + 1, sizeof *dst->q_v);
	for (i = 0; i < q->q_n; i++) {
		s = &q->q_v[i];
		if (inherited && !s->rq_tosubclass)
			continue;
		d = &dst->q_v[dst->q_n++];
		*d = *s;
		if (inherited) {
			d->rq_propagated = 1;
			d->rq_borrowed = 1;
			continue;
		}
		d->rq_name = xstrdup(s->rq_name);
		d->rq_vals = repository_strv_copy(s->rq_vals, s->rq_nvals);
		d->rq_borrowed = 0;
	}
}

/* Free what q owns of one qualifier. */
static void
repository_qual_clear(struct repo_qual *q)
{
	size_t	i;

	if (q->rq_borrowed)
		return;
	free(q->rq_name);
	for (i = 0; i < q->rq_nvals; i++)
		free(q->rq_vals[i]);
	free(q->rq_vals);
}

/* Own qualifiers (own) over inherited ones (dst): an own one replaces. */
static void
repository_quals_merge(struct repo_quals *dst, const struct repo_quals *own)
{
	struct repo_quals	 c;
	struct repo_qual	*d;
	size_t			 i, j;

	repository_quals_copy(&c, own, 0);
	for (i = 0; i < c.q_n; i++) {
		for (j = 0; j < dst->q_n; j++)
			if (strcasecmp(dst->q_v[j].rq_name,
			    c.q_v[i].rq_name) == 0)
				break;
		if (j < dst->q_n) {
			d = &dst->q_v[j];
			repository_qual_clear(d);
		} else {
			dst->q_v = xreallocarray(dst->q_v, dst->q_n + 1,
			    sizeof *dst->q_v);
			d = &dst->q_v[dst->q_n++];
		}
		*d = c.q_v[i];
	}
	free(c.q_v);
}

void
repository_quals_free(struct repo_quals *q)
{
	size_t	i;

	for (i = 0; i < q->q_n; i++)
		repository_qual_clear(&q->q_v[i]);
	free(q->q_v);
	memset(q, 0, sizeof *q);
}

/* The inherited copy of s: its own qualifier array, borrowed texts. */
static void
repository_feature_copy(struct repo_feature *d, const struct repo_feature *s)
{
	*d = *s;
	repository_quals_copy(&d->rf_quals, &s->rf_quals, 1);
	d->rf_propagated = 1;
	d->rf_borrowed = 1;
}

static void
repository_feature_free(struct repo_feature *f)
{
	size_t	i;

	repository_quals_free(&f->rf_quals);
	if (f->rf_borrowed)
		return;
	free(f->rf_name);
	free(f->rf_refclass);
	free(f->rf_origin);
	for (i = 0; i < f->rf_ndefs; i++)
		free(f->rf_defs[i]);
	free(f->rf_defs);
	for (i = 0; i < f->rf_nparams; i++) {
		free(f->rf_params[i].rp_name);
		free(f->rf_params[i].rp_refclass);
		repository_quals_free(&f->rf_params[i].rp_quals);
	}
	free(f->rf_params);
}

void
repository_class_free(struct repo_class *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->rc_nfeat; i++)
		repository_feature_free(&c->rc_feat[i]);
	free(c->rc_feat);
	repository_quals_free(&c->rc_quals);
	free(c->rc_name);
	free(c->rc_super);
	free(c);
}

/*
 * Resolve c (as parsed: own features only, rf_origin unset) against its
 * superclass and add it; c is taken over, also on failure.
 */
int
repository_add(struct repo_ns *ns, struct repo_class *c, char **cause)
{
	struct repo_class	*sup = NULL;
	struct repo_feature	*own = c->rc_feat, *f;
	struct repo_quals	 cq;
	const struct repo_qual	*q;
	size_t			 nown = c->rc_nfeat, i, j;

	if (repository_class(ns, c->rc_name) != NULL) {
		xasprintf(cause, "class %s is defined twice", c->rc_name);
		repository_class_free(c);
		return (-1);
	}
	if (c->rc_super != NULL &&
	    (sup = repository_class(ns, c->rc_super)) == NULL) {
		xasprintf(cause, "class %s: superclass %s is not defined",
		    c->rc_name, c->rc_super);
		repository_class_free(c);
		return (-1);
	}
	c->rc_superp = sup;
	c->rc_feat = NULL;
	c->rc_nfeat = 0;
	if (sup != NULL) {
		c->rc_feat = xcalloc(sup->rc_nfeat + nown + 1,
		    sizeof *c->rc_feat);
		for (i = 0; i < sup->rc_nfeat; i++)
			repository_feature_copy(&c->rc_feat[i],
			    &sup->rc_feat[i]);
		c->rc_nfeat = sup->rc_nfeat;
		repository_quals_copy(&cq, &sup->rc_quals, 1);
		repository_quals_merge(&cq, &c->rc_quals);
		repository_quals_free(&c->rc_quals);
		c->rc_quals = cq;
	} else
		c->rc_feat = xcalloc(nown + 1, sizeof *c->rc_feat);
	for (i = 0; i < nown; i++) {
		own[i].rf_origin = xstrdup(c->rc_name);
		for (j = 0; j < c->rc_nfeat; j++)
			if (c->rc_feat[j].rf_kind == own[i].rf_kind &&
			    strcasecmp(c->rc_feat[j].rf_name,
			    own[i].rf_name) == 0)
				break;
		if (j < c->rc_nfeat) {
			f = &c->rc_feat[j];
			/* The override keeps inherited qualifiers it does
			 * not restate (Key above all). */
			repository_quals_merge(&f->rf_quals, &own[i].rf_quals);
			repository_quals_free(&own[i].rf_quals);
			own[i].rf_quals = f->rf_quals;
			memset(&f->rf_quals, 0, sizeof f->rf_quals);
			repository_feature_free(f);
			*f = own[i];
		} else
			c->rc_feat[c->rc_nfeat++] = own[i];
	}
	free(own);
	for (i = 0; i < c->rc_nfeat; i++) {
		f = &c->rc_feat[i];
		q = repository_qual(&f->rf_quals, "Key");
		f->rf_key = q != NULL && q->rq_nvals > 0 &&
		    strcasecmp(q->rq_vals[0], "true") == 0;
	}
	q = repository_qual(&c->rc_quals, "Association");
	c->rc_assoc = q != NULL && q->rq_nvals > 0 &&
	    strcasecmp(q->rq_vals[0], "true") == 0;
	q = repository_qual(&c->rc_quals, "Abstract");
	c->rc_abstract = q != NULL && !q->rq_propagated && q->rq_nvals > 0 &&
	    strcasecmp(q->rq_vals[0], "true") == 0;
	ns->rn_classes = xreallocarray(ns->rn_classes, ns->rn_nclasses + 1,
	    sizeof *ns->rn_classes);
	ns->rn_classes[ns->rn_nclasses++] = c;
	return (0);
}

int
repository_load(struct repository *r, const char *path, const char *ns,
    char **cause)
{
	return (mof_parse_file(r, path, ns, cause));
}

static int
repository_mofname(const struct dirent *de)
{
	size_t	len = strlen(de->d_name);

	return (len > 4 && strcmp(de->d_name + len - 4, ".mof") == 0 &&
	    de->d_name[0] != '.');
}

int
repository_load_dir(struct repository *r, const char *dir, const char *ns,
    char **cause)
{
	struct dirent	**names;
	char		 *path;
	int		  n, i, rc = 0;

	if ((n = scandir(dir, &names, repository_mofname, alphasort)) == -1) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]->d_name);
		if (rc == 0 && mof_parse_file(r, path, ns, cause) == -1)
			rc = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return (rc);
}

int
repository_load_all(struct repository *r, const char *schemadir,
    const char *root, char **cause)
{
	char	*path;
	int	 rc;

	xasprintf(&path, "%s/vireo.mof", schemadir);
	rc = mof_parse_file(r, path, "root/cimv2", cause);
	free(path);
	if (rc == -1)
		return (-1);
	xasprintf(&path, "%s/etc/vireo/cimom/mof.d", root);
	rc = repository_load_dir(r, path, "root/cimv2", cause);
	free(path);
	return (rc);
}
