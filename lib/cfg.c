/* SPDX-License-Identifier: ISC */
/*
 * Parser and writer for VMware-style `key = "value"` files (.vmx, .vmsd,
 * hostd.conf); the format is described in cfg.h.
 *
 * A cfg is the file as a list of lines.  Each line keeps its original text
 * (pointing into one private copy of the parsed buffer) and its line end,
 * so writing back unchanged lines is a plain concatenation and is byte-exact
 * by construction.  Lines holding an entry also carry the key as written and
 * the decoded value; an index of those lines (cfg_entries) serves
 * cfg_count/cfg_key/cfg_value in constant time.  Only cfg_try_set replaces a
 * line's text, with text it generates itself, which always parses back to
 * the same key and value (the fuzz target checks this).
 *
 * Input is untrusted (a .vmx can come from a datastore upload), so every
 * byte is checked and every error names its line and column.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cfg.h"
#include "log.h"
#include "xmalloc.h"

/* Longest key accepted, in bytes (VMware's are well under 100). */
#define CFG_KEY_MAX	256
/* How much of a bad value an error message quotes. */
#define CFG_QUOTE_MAX	64
/* Mode of a file cfg_save creates (a .vmx is world-readable on ESXi). */
#define CFG_SAVE_MODE	0644

struct cfg_line {
	const char	*cl_text;	/* text without line end: in cfg_buf
					 * or cl_own; not NUL-terminated */
	size_t		 cl_len;	/* bytes at cl_text */
	char		*cl_own;	/* regenerated text (owned) or NULL */
	const char	*cl_eol;	/* "\n", "\r\n", or for the last line
					 * only "\r" or "" (static strings) */
	char		*cl_key;	/* as written (owned); NULL for blank
					 * and comment lines */
	char		*cl_value;	/* decoded (owned); NULL without key */
};

struct cfg {
	char		*cfg_buf;	/* copy of the parsed text (owned) */
	struct cfg_line	*cfg_lines;	/* in file order (owned) */
	size_t		 cfg_nlines;
	size_t		 cfg_linesalloc;
	size_t		*cfg_entries;	/* indexes of lines with a key */
	size_t		 cfg_nentries;
	size_t		 cfg_entriesalloc;
	const char	*cfg_eol;	/* line end for new lines: the file's
					 * first one, else "\n" (static) */
};

/* Where the parser is, for messages. */
struct cfg_parser {
	const char	*cp_name;	/* for messages (borrowed) */
	size_t		 cp_lineno;	/* 1-based */
	char		**cp_cause;	/* caller's out-string, may be NULL */
};

static int	 cfg_is_keychar(unsigned char);
static int	 cfg_is_blank(char);
static int	 cfg_hexval(char);
static void	 cfg_parse_error(struct cfg_parser *, size_t, const char *,
		     ...) printflike(3, 4);
static int	 cfg_parse_value(struct cfg_parser *, const char *, size_t,
		     size_t, int, char **);
static int	 cfg_parse_line(struct cfg_parser *, const char *, size_t,
		     char **, char **);
static void	 cfg_add_line(struct cfg *, const char *, size_t, const char *,
		     char *, char *);
static void	 cfg_add_entry(struct cfg *, size_t);
static void	 cfg_reindex(struct cfg *);
static ssize_t	 cfg_find(const struct cfg *, const char *);
static char	*cfg_encode(const char *);
static char	*cfg_printable(const char *);
static void	 cfg_line_clear(struct cfg_line *);

static int
cfg_is_keychar(unsigned char c)
{
	/* Spelled out rather than isalnum(3), which depends on the locale. */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	return (c == '.' || c == '_' || c == ':' || c == '-' || c == '/');
}

static int
cfg_is_blank(char c)
{
	return (c == ' ' || c == '\t');
}

/* Value of one hex digit, or -1. */
static int
cfg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Set the caller's cause to "name:LINE:COL: message"; col is 0-based. */
static void
cfg_parse_error(struct cfg_parser *cp, size_t col, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (cp->cp_cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(cp->cp_cause, "%s:%zu:%zu: %s", cp->cp_name, cp->cp_lineno,
	    col + 1, msg);
	free(msg);
}

/*
 * Decode text[start..end) of a value, quoted or not, into *out (owned).
 * Escapes and control bytes are checked here so both forms share the rules.
 */
static int
cfg_parse_value(struct cfg_parser *cp, const char *text, size_t start,
    size_t end, int quoted, char **out)
{
	char		*v;
	size_t		 i, n = 0;
	unsigned char	 c;
	int		 hi, lo;

	v = xmalloc(end - start + 1);
	for (i = start; i < end; i++) {
		c = (unsigned char)text[i];
		if (c == '|') {
			if (end - i < 3 ||
			    (hi = cfg_hexval(text[i + 1])) == -1 ||
			    (lo = cfg_hexval(text[i + 2])) == -1) {
				cfg_parse_error(cp, i, "bad escape: '|' must "
				    "be followed by two hex digits");
				goto fail;
			}
			if (hi == 0 && lo == 0) {
				cfg_parse_error(cp, i,
				    "escape |00 (NUL) is not allowed");
				goto fail;
			}
			v[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			cfg_parse_error(cp, i, "control character 0x%02x in "
			    "value (write it as |%02X)", c, c);
			goto fail;
		} else if (c == '"' && !quoted) {
			cfg_parse_error(cp, i, "'\"' inside an unquoted value");
			goto fail;
		} else
			v[n++] = (char)c;
	}
	v[n] = '\0';
	*out = v;
	return (0);

fail:
	free(v);
	return (-1);
}

/*
 * Parse one line (without its line end).  On success *key and *value are
 * both set (owned) for an entry, or both NULL for a blank or comment line.
 */
static int
cfg_parse_line(struct cfg_parser *cp, const char *text, size_t len,
    char **key, char **value)
{
	const char	*nul, *hash;
	size_t		 i = 0, ks, ke, vs, q;

	*key = *value = NULL;

	if ((nul = memchr(text, '\0', len)) != NULL) {
		cfg_parse_error(cp, nul - text, "NUL byte");
		return (-1);
	}
	/* A byte order mark some editors add; it stays in the line's text. */
	if (cp->cp_lineno == 1 && len >= 3 && memcmp(text, "\xef\xbb\xbf",
	    3) == 0)
		i = 3;
	while (i < len && cfg_is_blank(text[i]))
		i++;
	if (i == len || text[i] == '#')
		return (0);

	ks = i;
	while (i < len && !cfg_is_blank(text[i]) && text[i] != '=') {
		if (!cfg_is_keychar((unsigned char)text[i])) {
			cfg_parse_error(cp, i, "invalid character in key");
			return (-1);
		}
		i++;
	}
	if (i == ks) {
		cfg_parse_error(cp, i, "empty key");
		return (-1);
	}
	if (i - ks > CFG_KEY_MAX) {
		cfg_parse_error(cp, ks, "key longer than %d bytes",
		    CFG_KEY_MAX);
		return (-1);
	}
	ke = i;
	while (i < len && cfg_is_blank(text[i]))
		i++;
	if (i == len) {
		cfg_parse_error(cp, i, "missing '=' after key");
		return (-1);
	}
	if (text[i] != '=') {
		cfg_parse_error(cp, i, "expected '=' after key");
		return (-1);
	}
	i++;
	while (i < len && cfg_is_blank(text[i]))
		i++;

	if (i < len && text[i] == '"') {
		q = i++;
		vs = i;
		while (i < len && text[i] != '"')
			i++;
		if (i == len) {
			cfg_parse_error(cp, q, "unterminated quoted value");
			return (-1);
		}
		if (cfg_parse_value(cp, text, vs, i, 1, value) == -1)
			return (-1);
		i++;
		while (i < len && cfg_is_blank(text[i]))
			i++;
		if (i < len && text[i] != '#') {
			cfg_parse_error(cp, i,
			    "unexpected text after the closing quote");
			free(*value);
			*value = NULL;
			return (-1);
		}
	} else {
		/* VMware accepts bare values; a # starts a comment. */
		if ((hash = memchr(text + i, '#', len - i)) != NULL)
			q = hash - text;
		else
			q = len;
		while (q > i && cfg_is_blank(text[q - 1]))
			q--;
		if (cfg_parse_value(cp, text, i, q, 0, value) == -1)
			return (-1);
	}
	*key = xstrndup(text + ks, ke - ks);
	return (0);
}

/* Append a line; key and value are taken over, text stays borrowed. */
static void
cfg_add_line(struct cfg *cfg, const char *text, size_t len, const char *eol,
    char *key, char *value)
{
	struct cfg_line	*cl;

	if (cfg->cfg_nlines == cfg->cfg_linesalloc) {
		cfg->cfg_linesalloc = cfg->cfg_linesalloc == 0 ? 32 :
		    cfg->cfg_linesalloc * 2;
		cfg->cfg_lines = xreallocarray(cfg->cfg_lines,
		    cfg->cfg_linesalloc, sizeof *cfg->cfg_lines);
	}
	cl = &cfg->cfg_lines[cfg->cfg_nlines];
	memset(cl, 0, sizeof *cl);
	cl->cl_text = text;
	cl->cl_len = len;
	cl->cl_eol = eol;
	cl->cl_key = key;
	cl->cl_value = value;
	if (key != NULL)
		cfg_add_entry(cfg, cfg->cfg_nlines);
	cfg->cfg_nlines++;
}

static void
cfg_add_entry(struct cfg *cfg, size_t line)
{
	if (cfg->cfg_nentries == cfg->cfg_entriesalloc) {
		cfg->cfg_entriesalloc = cfg->cfg_entriesalloc == 0 ? 32 :
		    cfg->cfg_entriesalloc * 2;
		cfg->cfg_entries = xreallocarray(cfg->cfg_entries,
		    cfg->cfg_entriesalloc, sizeof *cfg->cfg_entries);
	}
	cfg->cfg_entries[cfg->cfg_nentries++] = line;
}

/* Rebuild the entry index after lines were removed. */
static void
cfg_reindex(struct cfg *cfg)
{
	size_t	i;

	cfg->cfg_nentries = 0;
	for (i = 0; i < cfg->cfg_nlines; i++) {
		if (cfg->cfg_lines[i].cl_key != NULL)
			cfg_add_entry(cfg, i);
	}
}

static void
cfg_line_clear(struct cfg_line *cl)
{
	free(cl->cl_own);
	free(cl->cl_key);
	free(cl->cl_value);
	memset(cl, 0, sizeof *cl);
}

struct cfg *
cfg_create(void)
{
	struct cfg	*cfg;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->cfg_eol = "\n";
	return (cfg);
}

struct cfg *
cfg_parse(const char *buf, size_t len, const char *name, char **cause)
{
	struct cfg		*cfg;
	struct cfg_parser	 cp;
	const char		*text, *nl, *eol, *p;
	char			*key, *value;
	size_t			 off, tlen, next, col;
	int			 seen_eol = 0;

	if (cause != NULL)
		*cause = NULL;
	memset(&cp, 0, sizeof cp);
	cp.cp_name = name != NULL ? name : "(config)";
	cp.cp_cause = cause;
	cp.cp_lineno = 1;

	if (len > CFG_FILE_MAX) {
		/* Point at the first byte past the limit. */
		for (p = buf; (nl = memchr(p, '\n', buf + CFG_FILE_MAX - p)) !=
		    NULL; p = nl + 1)
			cp.cp_lineno++;
		col = buf + CFG_FILE_MAX - p;
		cfg_parse_error(&cp, col, "file larger than %d bytes",
		    CFG_FILE_MAX);
		errno = EFBIG;
		return (NULL);
	}

	cfg = cfg_create();
	cfg->cfg_buf = xmalloc(len + 1);
	if (len > 0)
		memcpy(cfg->cfg_buf, buf, len);
	cfg->cfg_buf[len] = '\0';

	for (off = 0; off < len; off = next, cp.cp_lineno++) {
		text = cfg->cfg_buf + off;
		if ((nl = memchr(text, '\n', len - off)) != NULL) {
			tlen = nl - text;
			next = off + tlen + 1;
			eol = "\n";
		} else {
			tlen = len - off;
			next = len;
			eol = "";
		}
		/* CRLF files (edited on Windows) are fine. */
		if (tlen > 0 && text[tlen - 1] == '\r') {
			tlen--;
			eol = *eol == '\n' ? "\r\n" : "\r";
		}
		if (!seen_eol && *eol != '\0') {
			/* New lines follow the file's own convention. */
			cfg->cfg_eol = strcmp(eol, "\r\n") == 0 ? "\r\n" : "\n";
			seen_eol = 1;
		}
		if (tlen > CFG_LINE_MAX) {
			cfg_parse_error(&cp, CFG_LINE_MAX,
			    "line longer than %d bytes", CFG_LINE_MAX);
			goto fail;
		}
		if (cfg_parse_line(&cp, text, tlen, &key, &value) == -1)
			goto fail;
		cfg_add_line(cfg, text, tlen, eol, key, value);
	}
	return (cfg);

fail:
	cfg_free(cfg);
	errno = EINVAL;
	return (NULL);
}

struct cfg *
cfg_load(const char *path, char **cause)
{
	struct cfg	*cfg;
	char		*buf;
	size_t		 len = 0, size = 8192;
	ssize_t		 n;
	int		 fd, saved;

	if (cause != NULL)
		*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		saved = errno;
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (NULL);
	}
	/* Read at most one byte past the limit: enough for its message. */
	buf = xmalloc(size);
	for (;;) {
		if (len == size) {
			if (size > CFG_FILE_MAX)
				break;
			size *= 2;
			if (size > (size_t)CFG_FILE_MAX + 1)
				size = (size_t)CFG_FILE_MAX + 1;
			buf = xrealloc(buf, size);
		}
		n = read(fd, buf + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			if (cause != NULL)
				xasprintf(cause, "%s: %s", path,
				    strerror(saved));
			free(buf);
			close(fd);
			errno = saved;
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	cfg = cfg_parse(buf, len, path, cause);
	saved = errno;
	free(buf);
	errno = saved;
	return (cfg);
}

void
cfg_free(struct cfg *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->cfg_nlines; i++)
		cfg_line_clear(&cfg->cfg_lines[i]);
	free(cfg->cfg_lines);
	free(cfg->cfg_entries);
	free(cfg->cfg_buf);
	free(cfg);
}

/* Line index of the last entry with key (any case), or -1. */
static ssize_t
cfg_find(const struct cfg *cfg, const char *key)
{
	size_t	i, line;

	for (i = cfg->cfg_nentries; i > 0; i--) {
		line = cfg->cfg_entries[i - 1];
		if (strcasecmp(cfg->cfg_lines[line].cl_key, key) == 0)
			return ((ssize_t)line);
	}
	return (-1);
}

const char *
cfg_get(const struct cfg *cfg, const char *key)
{
	ssize_t	line;

	if ((line = cfg_find(cfg, key)) == -1)
		return (NULL);
	return (cfg->cfg_lines[line].cl_value);
}

int
cfg_get_bool(const struct cfg *cfg, const char *key, int def)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char	*v;
	size_t		 i;

	if ((v = cfg_get(cfg, key)) == NULL)
		return (def);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return (1);
		if (strcasecmp(v, no[i]) == 0)
			return (0);
	}
	return (def);
}

/* A short, one-line, printable copy of v for a message (owned). */
static char *
cfg_printable(const char *v)
{
	char	*s;
	size_t	 i, len;

	len = strlen(v);
	s = xmalloc(CFG_QUOTE_MAX + 4);
	for (i = 0; i < len && i < CFG_QUOTE_MAX; i++) {
		s[i] = v[i];
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
			s[i] = '?';
	}
	if (len > CFG_QUOTE_MAX) {
		memcpy(s + i, "...", 3);
		i += 3;
	}
	s[i] = '\0';
	return (s);
}

int
cfg_get_int(const struct cfg *cfg, const char *key, long long min,
    long long max, long long def, long long *out, char **cause)
{
	const char	*v, *p;
	char		*end, *shown;
	long long	 n;

	if (cause != NULL)
		*cause = NULL;
	if ((v = cfg_get(cfg, key)) == NULL) {
		*out = def;
		return (0);
	}
	/* strtoll would skip leading blanks and accept "12abc": refuse. */
	p = v;
	if (*p == '-' || *p == '+')
		p++;
	if (*p >= '0' && *p <= '9') {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno == 0 && *end == '\0' && n >= min && n <= max) {
			*out = n;
			return (0);
		}
	}
	if (cause != NULL) {
		shown = cfg_printable(v);
		xasprintf(cause, "%s: '%s' is not a number between %lld and "
		    "%lld", key, shown, min, max);
		free(shown);
	}
	errno = EINVAL;
	return (-1);
}

int
cfg_key_is_valid(const char *key)
{
	size_t	i;

	for (i = 0; key[i] != '\0'; i++) {
		if (i == CFG_KEY_MAX || !cfg_is_keychar((unsigned char)key[i]))
			return (0);
	}
	return (i > 0);
}

/*
 * Escape a value for writing between quotes.  `"` and `|` must be escaped
 * to parse back; control bytes (tab and newline included) are escaped so a
 * value can never break the line structure.  `#` is left alone: inside
 * quotes it is not a comment, and VMware leaves it too.
 */
static char *
cfg_encode(const char *v)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*s;
	size_t			 i, n = 0, len;
	unsigned char		 c;

	len = strlen(v);
	s = xreallocarray(NULL, len + 1, 3);
	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (c == '"' || c == '|' || c < 0x20 || c == 0x7f) {
			s[n++] = '|';
			s[n++] = hex[c >> 4];
			s[n++] = hex[c & 0xf];
		} else
			s[n++] = (char)c;
	}
	s[n] = '\0';
	return (s);
}

int
cfg_try_set(struct cfg *cfg, const char *key, const char *value,
    char **cause)
{
	struct cfg_line	*cl, *last;
	char		*enc, *text;
	ssize_t		 line;
	int		 len;

	if (cause != NULL)
		*cause = NULL;
	if (!cfg_key_is_valid(key)) {
		if (cause != NULL) {
			text = cfg_printable(key);
			xasprintf(cause, "'%s' is not a valid key (1 to %d "
			    "letters, digits, '.', '_', ':', '-', '/')", text,
			    CFG_KEY_MAX);
			free(text);
		}
		errno = EINVAL;
		return (-1);
	}
	line = cfg_find(cfg, key);
	if (line != -1 && strcmp(cfg->cfg_lines[line].cl_value, value) == 0)
		return (0);

	/* The key keeps the spelling it already has in the file. */
	enc = cfg_encode(value);
	len = xasprintf(&text, "%s = \"%s\"",
	    line != -1 ? cfg->cfg_lines[line].cl_key : key, enc);
	free(enc);
	if (len > CFG_LINE_MAX) {
		free(text);
		if (cause != NULL)
			xasprintf(cause, "%s: value too long (the line would "
			    "exceed %d bytes)", key, CFG_LINE_MAX);
		errno = EINVAL;
		return (-1);
	}

	if (line != -1) {
		cl = &cfg->cfg_lines[line];
		free(cl->cl_own);
		free(cl->cl_value);
		cl->cl_own = text;
		cl->cl_text = text;
		cl->cl_len = (size_t)len;
		cl->cl_value = xstrdup(value);
		return (0);
	}

	/* A last line without a line end needs one before a new line. */
	if (cfg->cfg_nlines > 0) {
		last = &cfg->cfg_lines[cfg->cfg_nlines - 1];
		if (*last->cl_eol == '\0')
			last->cl_eol = cfg->cfg_eol;
		else if (strcmp(last->cl_eol, "\r") == 0)
			last->cl_eol = "\r\n";
	}
	cfg_add_line(cfg, text, (size_t)len, cfg->cfg_eol, xstrdup(key),
	    xstrdup(value));
	cfg->cfg_lines[cfg->cfg_nlines - 1].cl_own = text;
	return (0);
}

void
cfg_set(struct cfg *cfg, const char *key, const char *value)
{
	char	*cause;

	if (cfg_try_set(cfg, key, value, &cause) == -1) {
		log_debug("cfg_set: %s", cause);
		free(cause);
	}
}

int
cfg_unset(struct cfg *cfg, const char *key)
{
	size_t	i, kept = 0;

	for (i = 0; i < cfg->cfg_nlines; i++) {
		if (cfg->cfg_lines[i].cl_key != NULL &&
		    strcasecmp(cfg->cfg_lines[i].cl_key, key) == 0)
			cfg_line_clear(&cfg->cfg_lines[i]);
		else
			cfg->cfg_lines[kept++] = cfg->cfg_lines[i];
	}
	if (kept == cfg->cfg_nlines) {
		errno = ENOENT;
		return (-1);
	}
	cfg->cfg_nlines = kept;
	cfg_reindex(cfg);
	return (0);
}

size_t
cfg_count(const struct cfg *cfg)
{
	return (cfg->cfg_nentries);
}

const char *
cfg_key(const struct cfg *cfg, size_t i)
{
	if (i >= cfg->cfg_nentries)
		return (NULL);
	return (cfg->cfg_lines[cfg->cfg_entries[i]].cl_key);
}

const char *
cfg_value(const struct cfg *cfg, size_t i)
{
	if (i >= cfg->cfg_nentries)
		return (NULL);
	return (cfg->cfg_lines[cfg->cfg_entries[i]].cl_value);
}

char *
cfg_write_buf(const struct cfg *cfg, size_t *len)
{
	const struct cfg_line	*cl;
	char			*buf;
	size_t			 i, total = 0, n = 0, eollen;

	for (i = 0; i < cfg->cfg_nlines; i++) {
		cl = &cfg->cfg_lines[i];
		total += cl->cl_len + strlen(cl->cl_eol);
	}
	buf = xmalloc(total + 1);
	for (i = 0; i < cfg->cfg_nlines; i++) {
		cl = &cfg->cfg_lines[i];
		if (cl->cl_len > 0)
			memcpy(buf + n, cl->cl_text, cl->cl_len);
		n += cl->cl_len;
		eollen = strlen(cl->cl_eol);
		memcpy(buf + n, cl->cl_eol, eollen);
		n += eollen;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return (buf);
}

int
cfg_save(const struct cfg *cfg, const char *path, char **cause)
{
	struct stat	 st;
	char		*buf;
	size_t		 len;
	mode_t		 mode = CFG_SAVE_MODE;
	int		 rc, saved;

	if (cause != NULL)
		*cause = NULL;
	buf = cfg_write_buf(cfg, &len);
	if (len > CFG_FILE_MAX) {
		free(buf);
		if (cause != NULL)
			xasprintf(cause, "%s: %zu bytes, more than the %d a "
			    "configuration file may have", path, len,
			    CFG_FILE_MAX);
		errno = EFBIG;
		return (-1);
	}
	/* Keep whatever mode an administrator gave the file. */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	rc = atomicfile_write(path, buf, len, mode, cause);
	saved = errno;
	free(buf);
	errno = saved;
	return (rc);
}
