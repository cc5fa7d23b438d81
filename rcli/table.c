/* SPDX-License-Identifier: ISC */
/*
 * Command output.  Every command builds one table (named fields, rows of
 * strings) and this file prints it: aligned columns for people, or JSON,
 * CSV or XML for scripts.  The field names are the stable interface for
 * scripts, so they are given by the commands, never derived from what the
 * host happened to send.  Values are printed as the host sent them except
 * for escaping; a control character never reaches the terminal raw, so a
 * hostile VM name cannot move the cursor.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"

struct table {
	size_t		 t_ncols;
	char		**t_cols;
	int		*t_num;		/* column is numeric */
	size_t		 t_nrows;
	char		**t_cells;	/* t_nrows * t_ncols */
	int		 t_vertical;
	int		 t_stream;	/* 1 first batch, 2 later ones */
};

static void	table_text_cell(FILE *, const char *, size_t, int);
static size_t	table_width(const char *);
static void	table_json_str(FILE *, const char *);
static int	table_is_number(const char *);
static void	table_csv_cell(FILE *, const char *);
static void	table_xml_str(FILE *, const char *);

struct table *
table_create(const char *const *cols)
{
	struct table	*t;
	size_t		 i, n, len;

	t = xcalloc(1, sizeof *t);
	for (n = 0; cols[n] != NULL; n++)
		;
	t->t_ncols = n;
	t->t_cols = xcalloc(n, sizeof *t->t_cols);
	t->t_num = xcalloc(n, sizeof *t->t_num);
	for (i = 0; i < n; i++) {
		t->t_cols[i] = xstrdup(cols[i]);
		len = strlen(t->t_cols[i]);
		if (len > 2 && strcmp(t->t_cols[i] + len - 2, ":n") == 0) {
			t->t_cols[i][len - 2] = '\0';
			t->t_num[i] = 1;
		}
	}
	return (t);
}

void
table_add(struct table *t, const char *const *row)
{
	size_t	 i;

	t->t_cells = xreallocarray(t->t_cells, (t->t_nrows + 1) * t->t_ncols,
	    sizeof *t->t_cells);
	for (i = 0; i < t->t_ncols; i++)
		t->t_cells[t->t_nrows * t->t_ncols + i] =
		    xstrdup(row[i] != NULL ? row[i] : "");
	t->t_nrows++;
}

void
table_add_free(struct table *t, char **row, size_t n)
{
	size_t	 i;

	table_add(t, (const char *const *)row);
	for (i = 0; i < n; i++)
		free(row[i]);
}

void
table_vertical(struct table *t)
{
	t->t_vertical = 1;
}

void
table_free(struct table *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->t_ncols; i++)
		free(t->t_cols[i]);
	for (i = 0; i < t->t_nrows * t->t_ncols; i++)
		free(t->t_cells[i]);
	free(t->t_cols);
	free(t->t_num);
	free(t->t_cells);
	free(t);
}

void
table_stream(struct table *t, int first)
{
	t->t_stream = first ? 1 : 2;
}

int
table_format_parse(const char *s, enum table_format *f)
{
	if (strcmp(s, "table") == 0 || strcmp(s, "text") == 0)
		*f = TABLE_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = TABLE_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = TABLE_CSV;
	else if (strcmp(s, "xml") == 0)
		*f = TABLE_XML;
	else
		return (-1);
	return (0);
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
table_width(const char *s)
{
	size_t	 w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return (w);
}

static void
table_text_cell(FILE *f, const char *s, size_t width, int pad)
{
	size_t	 w = 0;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fputc('?', f);
		else
			fputc(*s, f);
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	}
	if (pad)
		for (; w < width; w++)
			fputc(' ', f);
}

static int
table_is_number(const char *s)
{
	char	*end;

	if (*s == '\0' || strchr("0123456789-", *s) == NULL)
		return (0);
	(void)strtod(s, &end);
	return (*end == '\0');
}

static void
table_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if ((unsigned char)*s < 0x20)
				fprintf(f, "\\u%04x", (unsigned char)*s);
			else
				fputc(*s, f);
		}
	}
	fputc('"', f);
}

static void
table_csv_cell(FILE *f, const char *s)
{
	/* RFC 4180: quote when needed, double the quotes inside. */
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
table_xml_str(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		default:
			/* XML 1.0 has no way to write most controls. */
			if ((unsigned char)*s < 0x20 && *s != '\n' &&
			    *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

int
table_print(const struct table *t, FILE *f, enum table_format fmt)
{
	size_t		 r, c, *w, kw;
	const char	*v;

	switch (fmt) {
	case TABLE_TEXT:
		if (t->t_vertical) {
			kw = 0;
			for (c = 0; c < t->t_ncols; c++)
				if (strlen(t->t_cols[c]) > kw)
					kw = strlen(t->t_cols[c]);
			for (r = 0; r < t->t_nrows; r++) {
				if (r > 0)
					fputc('\n', f);
				for (c = 0; c < t->t_ncols; c++) {
					fprintf(f, "%s:", t->t_cols[c]);
					table_text_cell(f, "",
					    kw - strlen(t->t_cols[c]) + 1, 1);
					table_text_cell(f, t->t_cells[r *
					    t->t_ncols + c], 0, 0);
					fputc('\n', f);
				}
			}
			break;
		}
		w = xcalloc(t->t_ncols, sizeof *w);
		for (c = 0; c < t->t_ncols; c++) {
			w[c] = table_width(t->t_cols[c]);
			for (r = 0; r < t->t_nrows; r++) {
				kw = table_width(t->t_cells[r * t->t_ncols +
				    c]);
				if (kw > w[c])
					w[c] = kw;
			}
		}
		for (r = t->t_stream == 2 ? 1 : 0; r <= t->t_nrows; r++) {
			for (c = 0; c < t->t_ncols; c++) {
				v = r == 0 ? t->t_cols[c] :
				    t->t_cells[(r - 1) * t->t_ncols + c];
				table_text_cell(f, v, w[c],
				    c + 1 < t->t_ncols);
				if (c + 1 < t->t_ncols)
					fputs("  ", f);
			}
			fputc('\n', f);
		}
		free(w);
		break;
	case TABLE_JSON:
		if (!t->t_stream)
			fputc('[', f);
		for (r = 0; r < t->t_nrows; r++) {
			/* A stream is JSON Lines: one object a line. */
			if (t->t_stream)
				fputc('{', f);
			else
				fputs(r == 0 ? "\n  {" : ",\n  {", f);
			for (c = 0; c < t->t_ncols; c++) {
				if (c > 0)
					fputs(", ", f);
				table_json_str(f, t->t_cols[c]);
				fputs(": ", f);
				v = t->t_cells[r * t->t_ncols + c];
				if (t->t_num[c] && table_is_number(v))
					fputs(v, f);
				else if (t->t_num[c] && *v == '\0')
					fputs("null", f);
				else
					table_json_str(f, v);
			}
			fputs(t->t_stream ? "}\n" : "}", f);
		}
		if (!t->t_stream)
			fputs(t->t_nrows > 0 ? "\n]\n" : "]\n", f);
		break;
	case TABLE_CSV:
		for (r = t->t_stream == 2 ? 1 : 0; r <= t->t_nrows; r++) {
			for (c = 0; c < t->t_ncols; c++) {
				if (c > 0)
					fputc(',', f);
				table_csv_cell(f, r == 0 ? t->t_cols[c] :
				    t->t_cells[(r - 1) * t->t_ncols + c]);
			}
			fputs("\r\n", f);
		}
		break;
	case TABLE_XML:
		if (!t->t_stream)
			fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<rcli>\n", f);
		for (r = 0; r < t->t_nrows; r++) {
			fputs("  <row>", f);
			for (c = 0; c < t->t_ncols; c++) {
				fprintf(f, "<%s>", t->t_cols[c]);
				table_xml_str(f, t->t_cells[r * t->t_ncols +
				    c]);
				fprintf(f, "</%s>", t->t_cols[c]);
			}
			fputs("</row>\n", f);
		}
		if (!t->t_stream)
			fputs("</rcli>\n", f);
		break;
	}
	return (ferror(f) ? -1 : 0);
}
