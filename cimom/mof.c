/* SPDX-License-Identifier: ISC */
/*
 * MOF subset parser (mof.h).  A hand-written lexer and recursive-descent
 * parser over a whole file in memory; every error carries file, line and
 * column.  Includes nest at most MOF_MAX_DEPTH deep and files are capped
 * at MOF_MAX_BYTES, since a schema directory is configuration a user may
 * get wrong.  Qualifier types and flavors come from a built-in table of
 * the declarations the DMTF schema uses, so qualifier declarations in the
 * input can be skipped.
 */

#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmpi/cmpidt.h"
#include "mof.h"
#include "repository.h"
#include "xmalloc.h"

#define MOF_MAX_BYTES	(4 * 1024 * 1024)
#define MOF_MAX_DEPTH	8
#define MOF_MAX_STRING	65536

enum mof_tok {
	MOF_EOF, MOF_IDENT, MOF_STRING, MOF_NUMBER, MOF_CHAR, MOF_PUNCT,
	MOF_PRAGMA
};

struct mof {
	struct repository	*m_repo;
	const char		*m_name;
	const char		*m_buf;
	size_t			 m_len, m_pos;
	int			 m_line, m_col;
	int			 m_depth;
	char			*m_ns;		/* current namespace */
	/* the current token */
	enum mof_tok		 m_tok;
	char			*m_text;
	int			 m_tline, m_tcol;
	char			*m_err;
};

/* Declarations of the qualifiers the schema uses (DSP0004 defaults). */
static const struct {
	const char	*d_name;
	uint16_t	 d_type;
	int		 d_array;
	int		 d_tosubclass;
	int		 d_overridable;
	int		 d_translatable;
} mof_qualdecls[] = {
	{ "Abstract", CMPI_boolean, 0, 0, 0, 0 },
	{ "Aggregate", CMPI_boolean, 0, 1, 0, 0 },
	{ "Aggregation", CMPI_boolean, 0, 1, 0, 0 },
	{ "Association", CMPI_boolean, 0, 1, 0, 0 },
	{ "Deprecated", CMPI_string, 1, 0, 1, 0 },
	{ "Description", CMPI_string, 0, 1, 1, 1 },
	{ "DisplayName", CMPI_string, 0, 1, 1, 1 },
	{ "EmbeddedInstance", CMPI_string, 0, 1, 0, 0 },
	{ "EmbeddedObject", CMPI_boolean, 0, 1, 0, 0 },
	{ "Experimental", CMPI_boolean, 0, 0, 1, 0 },
	{ "In", CMPI_boolean, 0, 1, 0, 0 },
	{ "Indication", CMPI_boolean, 0, 1, 0, 0 },
	{ "Key", CMPI_boolean, 0, 1, 0, 0 },
	{ "MappingStrings", CMPI_string, 1, 1, 1, 0 },
	{ "Max", CMPI_uint32, 0, 1, 0, 0 },
	{ "MaxLen", CMPI_uint32, 0, 1, 1, 0 },
	{ "Min", CMPI_uint32, 0, 1, 0, 0 },
	{ "ModelCorrespondence", CMPI_string, 1, 1, 1, 0 },
	{ "Out", CMPI_boolean, 0, 1, 0, 0 },
	{ "Override", CMPI_string, 0, 0, 1, 0 },
	{ "PUnit", CMPI_string, 0, 1, 1, 0 },
	{ "Required", CMPI_boolean, 0, 1, 0, 0 },
	{ "Static", CMPI_boolean, 0, 1, 0, 0 },
	{ "Units", CMPI_string, 0, 1, 1, 1 },
	{ "ValueMap", CMPI_string, 1, 1, 1, 0 },
	{ "Values", CMPI_string, 1, 1, 1, 1 },
	{ "Version", CMPI_string, 0, 0, 1, 1 },
	{ "Weak", CMPI_boolean, 0, 1, 0, 0 },
	{ "Write", CMPI_boolean, 0, 1, 1, 0 },
};

static int	mof_run(struct mof *);
static int	mof_next(struct mof *);
static int	mof_fail(struct mof *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	mof_is(struct mof *, const char *);
static int	mof_expect(struct mof *, const char *);
static int	mof_pragma(struct mof *);
static int	mof_skip_statement(struct mof *);
static int	mof_quals(struct mof *, struct repo_quals *);
static int	mof_value(struct mof *, char ***, size_t *, int *);
static int	mof_class(struct mof *, struct repo_quals *);
static int	mof_feature(struct mof *, struct repo_class *,
		    struct repo_quals *);
static int	mof_params(struct mof *, struct repo_feature *);
static int	mof_type(struct mof *, uint16_t *, char **);
static int	mof_array(struct mof *, int *);
static void	mof_strv_add(char ***, size_t *, const char *);
static int	mof_read(const char *, char **, size_t *, char **);
static int	mof_parse(struct repository *, const char *, size_t,
		    const char *, const char *, int, char **, char **);

static int
mof_fail(struct mof *m, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (m->m_err != NULL)
		return (-1);
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&m->m_err, "%s:%d:%d: %s", m->m_name, m->m_tline,
	    m->m_tcol, msg);
	free(msg);
	return (-1);
}

static void
mof_strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* Advance one byte, counting lines and columns. */
#define MOF_ADV(m) do {							\
	if ((m)->m_buf[(m)->m_pos] == '\n') {				\
		(m)->m_line++;						\
		(m)->m_col = 1;						\
	} else								\
		(m)->m_col++;						\
	(m)->m_pos++;							\
} while (0)

static int
mof_next(struct mof *m)
{
	const char	*b = m->m_buf;
	size_t		 start, cap = 0, len = 0;
	char		*s = NULL, c;
	int		 esc;

	free(m->m_text);
	m->m_text = NULL;
	for (;;) {
		while (m->m_pos < m->m_len && isspace((unsigned char)b[m->m_pos]))
			MOF_ADV(m);
		if (m->m_pos + 1 < m->m_len && b[m->m_pos] == '/' &&
		    b[m->m_pos + 1] == '/') {
			while (m->m_pos < m->m_len && b[m->m_pos] != '\n')
				MOF_ADV(m);
			continue;
		}
		if (m->m_pos + 1 < m->m_len && b[m->m_pos] == '/' &&
		    b[m->m_pos + 1] == '*') {
			m->m_tline = m->m_line;
			m->m_tcol = m->m_col;
			MOF_ADV(m);
			MOF_ADV(m);
			while (m->m_pos + 1 < m->m_len && !(b[m->m_pos] == '*' &&
			    b[m->m_pos + 1] == '/'))
				MOF_ADV(m);
			if (m->m_pos + 1 >= m->m_len)
				return (mof_fail(m, "unterminated comment"));
			MOF_ADV(m);
			MOF_ADV(m);
			continue;
		}
		break;
	}
	m->m_tline = m->m_line;
	m->m_tcol = m->m_col;
	if (m->m_pos >= m->m_len) {
		m->m_tok = MOF_EOF;
		m->m_text = xstrdup("end of file");
		return (0);
	}
	c = b[m->m_pos];
	start = m->m_pos;
	if (isalpha((unsigned char)c) || c == '_' || c == '$') {
		while (m->m_pos < m->m_len && (isalnum((unsigned char)b[m->m_pos])
		    || b[m->m_pos] == '_' || b[m->m_pos] == '$'))
			MOF_ADV(m);
		m->m_tok = MOF_IDENT;
		m->m_text = xstrndup(b + start, m->m_pos - start);
		return (0);
	}
	if (isdigit((unsigned char)c) || ((c == '-' || c == '+' || c == '.') &&
	    m->m_pos + 1 < m->m_len && isdigit((unsigned char)b[m->m_pos + 1]))) {
		MOF_ADV(m);
		while (m->m_pos < m->m_len && (isalnum((unsigned char)b[m->m_pos])
		    || b[m->m_pos] == '.' || ((b[m->m_pos] == '-' ||
		    b[m->m_pos] == '+') && (b[m->m_pos - 1] == 'e' ||
		    b[m->m_pos - 1] == 'E'))))
			MOF_ADV(m);
		m->m_tok = MOF_NUMBER;
		m->m_text = xstrndup(b + start, m->m_pos - start);
		return (0);
	}
	if (c == '"') {
		/* Adjacent literals concatenate: loop over them. */
		m->m_tok = MOF_STRING;
		s = xmalloc(cap = 64);
		while (m->m_pos < m->m_len && b[m->m_pos] == '"') {
			MOF_ADV(m);
			esc = 0;
			while (m->m_pos < m->m_len && (esc || b[m->m_pos] != '"')) {
				c = b[m->m_pos];
				MOF_ADV(m);
				if (!esc && c == '\\') {
					esc = 1;
					continue;
				}
				if (esc) {
					esc = 0;
					switch (c) {
					case 'n': c = '\n'; break;
					case 't': c = '\t'; break;
					case 'r': c = '\r'; break;
					case 'b': c = '\b'; break;
					case 'f': c = '\f'; break;
					default: break;
					}
				}
				if (len + 2 > cap) {
					if (cap >= MOF_MAX_STRING) {
						free(s);
						return (mof_fail(m,
						    "string too long"));
					}
					s = xrealloc(s, cap *= 2);
				}
				s[len++] = c;
			}
			if (m->m_pos >= m->m_len) {
				free(s);
				return (mof_fail(m, "unterminated string"));
			}
			MOF_ADV(m);
			while (m->m_pos < m->m_len &&
			    isspace((unsigned char)b[m->m_pos]))
				MOF_ADV(m);
		}
		s[len] = '\0';
		m->m_text = s;
		return (0);
	}
	if (c == '\'') {
		MOF_ADV(m);
		if (m->m_pos + 1 >= m->m_len || b[m->m_pos + 1] != '\'')
			return (mof_fail(m, "bad char16 literal"));
		m->m_text = xstrndup(b + m->m_pos, 1);
		MOF_ADV(m);
		MOF_ADV(m);
		m->m_tok = MOF_CHAR;
		return (0);
	}
	if (c == '#') {
		MOF_ADV(m);
		m->m_tok = MOF_PRAGMA;
		m->m_text = xstrdup("#");
		return (0);
	}
	if (strchr("[](){},;:=", c) == NULL)
		return (mof_fail(m, "unexpected character 0x%02x",
		    (unsigned char)c));
	MOF_ADV(m);
	m->m_tok = MOF_PUNCT;
	m->m_text = xstrndup(&c, 1);
	return (0);
}

static int
mof_is(struct mof *m, const char *s)
{
	return ((m->m_tok == MOF_PUNCT || m->m_tok == MOF_IDENT) &&
	    strcasecmp(m->m_text, s) == 0);
}

static int
mof_expect(struct mof *m, const char *s)
{
	if (!mof_is(m, s))
		return (mof_fail(m, "expected \"%s\", found \"%.32s\"", s,
		    m->m_text));
	return (mof_next(m));
}

/* #pragma name ("arg") */
static int
mof_pragma(struct mof *m)
{
	char	*name, *arg, *dir, *path, *slash;
	int	 rc = 0;

	if (mof_next(m) == -1)
		return (-1);
	if (!mof_is(m, "pragma"))
		return (mof_fail(m, "expected pragma"));
	if (mof_next(m) == -1 || m->m_tok != MOF_IDENT)
		return (mof_fail(m, "expected a pragma name"));
	name = xstrdup(m->m_text);
	if (mof_next(m) == -1 || mof_expect(m, "(") == -1 ||
	    m->m_tok != MOF_STRING) {
		free(name);
		return (mof_fail(m, "expected (\"...\")"));
	}
	arg = xstrdup(m->m_text);
	if (mof_next(m) == -1 || mof_expect(m, ")") == -1) {
		free(name);
		free(arg);
		return (-1);
	}
	if (strcasecmp(name, "include") == 0) {
		if (m->m_depth >= MOF_MAX_DEPTH)
			rc = mof_fail(m, "includes nest too deep");
		else if (m->m_depth < 0)
			rc = mof_fail(m, "include not allowed here");
		else {
			dir = xstrdup(m->m_name);
			if ((slash = strrchr(dir, '/')) != NULL)
				slash[1] = '\0';
			else
				dir[0] = '\0';
			xasprintf(&path, "%s%s", arg[0] == '/' ? "" : dir, arg);
			if (mof_parse(m->m_repo, path, 0, NULL, m->m_ns,
			    m->m_depth + 1, &m->m_ns, &m->m_err) == -1)
				rc = -1;
			free(path);
			free(dir);
		}
	} else if (strcasecmp(name, "namespace") == 0) {
		free(m->m_ns);
		m->m_ns = xstrdup(arg);
	}
	/* locale, instancelocale and others change nothing here. */
	free(name);
	free(arg);
	return (rc);
}

/* Qualifier declarations and instances: skip to the closing ';'. */
static int
mof_skip_statement(struct mof *m)
{
	int	depth = 0;

	while (m->m_tok != MOF_EOF) {
		if (mof_is(m, "{"))
			depth++;
		else if (mof_is(m, "}"))
			depth--;
		else if (depth == 0 && mof_is(m, ";"))
			return (mof_next(m));
		if (mof_next(m) == -1)
			return (-1);
	}
	return (mof_fail(m, "unterminated statement"));
}

/* One value or a {list}: texts appended to *v. */
static int
mof_value(struct mof *m, char ***v, size_t *n, int *array)
{
	int	list = 0;

	if (mof_is(m, "{")) {
		list = 1;
		if (array != NULL)
			*array = 1;
		if (mof_next(m) == -1)
			return (-1);
		if (mof_is(m, "}"))
			return (mof_next(m));
	}
	for (;;) {
		switch (m->m_tok) {
		case MOF_STRING:
		case MOF_NUMBER:
		case MOF_CHAR:
			mof_strv_add(v, n, m->m_text);
			break;
		case MOF_IDENT:
			if (strcasecmp(m->m_text, "true") == 0)
				mof_strv_add(v, n, "TRUE");
			else if (strcasecmp(m->m_text, "false") == 0)
				mof_strv_add(v, n, "FALSE");
			else if (strcasecmp(m->m_text, "null") != 0)
				return (mof_fail(m, "unexpected \"%.32s\"",
				    m->m_text));
			break;
		default:
			return (mof_fail(m, "expected a value, found \"%.32s\"",
			    m->m_text));
		}
		if (mof_next(m) == -1)
			return (-1);
		if (!list)
			return (0);
		if (mof_is(m, "}"))
			return (mof_next(m));
		if (mof_expect(m, ",") == -1)
			return (-1);
	}
}

static int
mof_quals(struct mof *m, struct repo_quals *q)
{
	struct repo_qual	*r;
	size_t			 i;

	memset(q, 0, sizeof *q);
	if (!mof_is(m, "["))
		return (0);
	if (mof_next(m) == -1)
		return (-1);
	for (;;) {
		if (m->m_tok != MOF_IDENT)
			return (mof_fail(m, "expected a qualifier name"));
		q->q_v = xreallocarray(q->q_v, q->q_n + 1, sizeof *q->q_v);
		r = &q->q_v[q->q_n++];
		memset(r, 0, sizeof *r);
		r->rq_name = xstrdup(m->m_text);
		r->rq_type = CMPI_string;
		r->rq_tosubclass = r->rq_overridable = 1;
		for (i = 0; i < sizeof mof_qualdecls / sizeof mof_qualdecls[0]; i++)
			if (strcasecmp(mof_qualdecls[i].d_name, r->rq_name) == 0) {
				free(r->rq_name);
				r->rq_name = xstrdup(mof_qualdecls[i].d_name);
				r->rq_type = mof_qualdecls[i].d_type;
				r->rq_array = mof_qualdecls[i].d_array;
				r->rq_tosubclass = mof_qualdecls[i].d_tosubclass;
				r->rq_overridable = mof_qualdecls[i].d_overridable;
				r->rq_translatable =
				    mof_qualdecls[i].d_translatable;
				break;
			}
		if (mof_next(m) == -1)
			return (-1);
		if (mof_is(m, "(")) {
			if (mof_next(m) == -1 || mof_value(m, &r->rq_vals,
			    &r->rq_nvals, NULL) == -1 || mof_expect(m, ")") == -1)
				return (-1);
		} else if (mof_is(m, "{")) {
			if (mof_value(m, &r->rq_vals, &r->rq_nvals, NULL) == -1)
				return (-1);
		} else if (r->rq_type == CMPI_boolean)
			/* [Key] means Key(true). */
			mof_strv_add(&r->rq_vals, &r->rq_nvals, "TRUE");
		if (mof_is(m, ":")) {
			/* Flavors: ToSubclass/Restricted/(Enable|Disable)
			 * Override/Translatable. */
			if (mof_next(m) == -1)
				return (-1);
			while (m->m_tok == MOF_IDENT) {
				if (strcasecmp(m->m_text, "Restricted") == 0)
					r->rq_tosubclass = 0;
				else if (strcasecmp(m->m_text,
				    "DisableOverride") == 0)
					r->rq_overridable = 0;
				else if (strcasecmp(m->m_text,
				    "Translatable") == 0)
					r->rq_translatable = 1;
				if (mof_next(m) == -1)
					return (-1);
			}
		}
		if (mof_is(m, "]"))
			return (mof_next(m));
		if (mof_expect(m, ",") == -1)
			return (-1);
	}
}

/* A type: a CIM type name, or "Class REF" (*refclass set, heap). */
static int
mof_type(struct mof *m, uint16_t *type, char **refclass)
{
	char	*name;
	int	 tl = m->m_tline, tc = m->m_tcol;

	if (m->m_tok != MOF_IDENT)
		return (mof_fail(m, "expected a type, found \"%.32s\"",
		    m->m_text));
	name = xstrdup(m->m_text);
	if (mof_next(m) == -1) {
		free(name);
		return (-1);
	}
	if (mof_is(m, "REF")) {
		*type = CMPI_ref;
		*refclass = name;
		return (mof_next(m));
	}
	if (repository_type_parse(name, type) == -1 || *type == CMPI_ref) {
		/* Point at the type, not what follows it. */
		m->m_tline = tl;
		m->m_tcol = tc;
		mof_fail(m, "unknown type \"%.32s\"", name);
		free(name);
		return (-1);
	}
	free(name);
	return (0);
}

/*
 * The array suffix after a property or parameter name, "[]" or "[N]",
 * which sets *array; N is skipped: the repository keeps only whether a
 * feature is an array.
 */
static int
mof_array(struct mof *m, int *array)
{
	if (!mof_is(m, "["))
		return (0);
	*array = 1;
	if (mof_next(m) == -1)
		return (-1);
	if (m->m_tok == MOF_NUMBER && mof_next(m) == -1)
		return (-1);
	return (mof_expect(m, "]"));
}

static int
mof_params(struct mof *m, struct repo_feature *f)
{
	struct repo_param	*p;

	if (mof_expect(m, "(") == -1)
		return (-1);
	if (mof_is(m, ")"))
		return (mof_next(m));
	for (;;) {
		f->rf_params = xreallocarray(f->rf_params, f->rf_nparams + 1,
		    sizeof *f->rf_params);
		p = &f->rf_params[f->rf_nparams++];
		memset(p, 0, sizeof *p);
		if (mof_quals(m, &p->rp_quals) == -1)
			return (-1);
		if (mof_type(m, &p->rp_type, &p->rp_refclass) == -1)
			return (-1);
		if (m->m_tok != MOF_IDENT)
			return (mof_fail(m, "expected a parameter name"));
		p->rp_name = xstrdup(m->m_text);
		if (mof_next(m) == -1 || mof_array(m, &p->rp_array) == -1)
			return (-1);
		if (mof_is(m, ")"))
			return (mof_next(m));
		if (mof_expect(m, ",") == -1)
			return (-1);
	}
}

static int
mof_feature(struct mof *m, struct repo_class *c, struct repo_quals *q)
{
	struct repo_feature	*f;

	c->rc_feat = xreallocarray(c->rc_feat, c->rc_nfeat + 1,
	    sizeof *c->rc_feat);
	f = &c->rc_feat[c->rc_nfeat++];
	memset(f, 0, sizeof *f);
	f->rf_quals = *q;
	if (mof_type(m, &f->rf_type, &f->rf_refclass) == -1)
		return (-1);
	if (m->m_tok != MOF_IDENT)
		return (mof_fail(m, "expected a name, found \"%.32s\"",
		    m->m_text));
	f->rf_name = xstrdup(m->m_text);
	if (mof_next(m) == -1)
		return (-1);
	if (mof_is(m, "(")) {
		f->rf_kind = REPO_METHOD;
		if (mof_params(m, f) == -1)
			return (-1);
		return (mof_expect(m, ";"));
	}
	if (mof_array(m, &f->rf_array) == -1)
		return (-1);
	if (mof_is(m, "=")) {
		if (mof_next(m) == -1 ||
		    mof_value(m, &f->rf_defs, &f->rf_ndefs, NULL) == -1)
			return (-1);
		if (f->rf_defs == NULL)		/* = null */
			f->rf_ndefs = 0;
	}
	return (mof_expect(m, ";"));
}

static int
mof_class(struct mof *m, struct repo_quals *q)
{
	struct repo_class	*c;
	struct repo_quals	 fq;
	struct repo_ns		*ns;
	char			*cause = NULL;

	c = xcalloc(1, sizeof *c);
	c->rc_quals = *q;
	if (mof_next(m) == -1 || m->m_tok != MOF_IDENT) {
		repository_class_free(c);
		return (mof_fail(m, "expected a class name"));
	}
	c->rc_name = xstrdup(m->m_text);
	if (mof_next(m) == -1)
		goto fail;
	if (mof_is(m, ":")) {
		if (mof_next(m) == -1 || m->m_tok != MOF_IDENT) {
			mof_fail(m, "expected a superclass name");
			goto fail;
		}
		c->rc_super = xstrdup(m->m_text);
		if (mof_next(m) == -1)
			goto fail;
	}
	if (mof_expect(m, "{") == -1)
		goto fail;
	while (!mof_is(m, "}")) {
		if (m->m_tok == MOF_EOF) {
			mof_fail(m, "class %s is not closed", c->rc_name);
			goto fail;
		}
		if (mof_quals(m, &fq) == -1) {
			repository_quals_free(&fq);
			goto fail;
		}
		if (mof_feature(m, c, &fq) == -1)
			goto fail;
	}
	if (mof_next(m) == -1 || mof_expect(m, ";") == -1)
		goto fail;
	ns = repository_ns(m->m_repo, m->m_ns, 1);
	if (repository_add(ns, c, &cause) == -1) {
		mof_fail(m, "%s", cause);
		free(cause);
		return (-1);
	}
	return (0);

fail:
	repository_class_free(c);
	return (-1);
}

static int
mof_run(struct mof *m)
{
	struct repo_quals	q;

	if (mof_next(m) == -1)
		return (-1);
	while (m->m_tok != MOF_EOF) {
		if (m->m_tok == MOF_PRAGMA) {
			if (mof_pragma(m) == -1)
				return (-1);
			continue;
		}
		if (mof_quals(m, &q) == -1) {
			repository_quals_free(&q);
			return (-1);
		}
		if (mof_is(m, "class")) {
			if (mof_class(m, &q) == -1)
				return (-1);
			continue;
		}
		repository_quals_free(&q);
		if (mof_is(m, "qualifier") || mof_is(m, "instance")) {
			if (mof_skip_statement(m) == -1)
				return (-1);
			continue;
		}
		return (mof_fail(m, "unexpected \"%.32s\"", m->m_text));
	}
	return (0);
}

static int
mof_read(const char *path, char **buf, size_t *len, char **cause)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MOF_MAX_BYTES) {
		xasprintf(cause, "%s: not a regular file of at most %d bytes",
		    path, MOF_MAX_BYTES);
		close(fd);
		return (-1);
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, *buf + off, (size_t)st.st_size - off);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
	(*buf)[off] = '\0';
	*len = off;
	return (0);
}

/*
 * Parse a file (buf NULL) or a buffer; nsout, if given, receives the
 * namespace in force at the end (pragmas inside an include carry on).
 */
static int
mof_parse(struct repository *r, const char *name, size_t len,
    const char *buf, const char *ns, int depth, char **nsout, char **cause)
{
	struct mof	 m;
	char		*data = NULL;
	int		 rc;

	if (buf == NULL) {
		if (mof_read(name, &data, &len, cause) == -1)
			return (-1);
		buf = data;
	}
	memset(&m, 0, sizeof m);
	m.m_repo = r;
	m.m_name = name;
	m.m_buf = buf;
	m.m_len = len;
	m.m_line = m.m_col = 1;
	m.m_depth = depth;
	m.m_ns = xstrdup(ns);
	rc = mof_run(&m);
	if (rc == -1) {
		if (m.m_err == NULL)
			xasprintf(&m.m_err, "%s: parse error", name);
		*cause = m.m_err;
	}
	free(m.m_text);
	if (nsout != NULL && rc == 0) {
		free(*nsout);
		*nsout = m.m_ns;
	} else
		free(m.m_ns);
	free(data);
	return (rc);
}

int
mof_parse_file(struct repository *r, const char *path, const char *ns,
    char **cause)
{
	return (mof_parse(r, path, 0, NULL, ns, 0, NULL, cause));
}

int
mof_parse_buffer(struct repository *r, const char *buf, size_t len,
    const char *name, const char *ns, char **cause)
{
	return (mof_parse(r, name, len, buf, ns, -1, NULL, cause));
}
