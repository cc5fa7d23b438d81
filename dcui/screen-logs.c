/* SPDX-License-Identifier: ISC */
/*
 * View System Logs: the logs hostd's DiagnosticManager describes (hostd,
 * cimom, vpxa, each VM's vmware.log), chosen from a list, read with
 * BrowseDiagnosticLog (the newest lines, as ESX's viewer opens on), paged
 * with the arrows, PgUp/PgDn, Home/End, and searched with '/' (the next
 * line holding the text, wrapping round).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "vireply.h"
#include "xmalloc.h"

/* Lines fetched at most: BrowseDiagnosticLog's ceiling. */
#define SCREEN_LOGS_LINES	10000
#define SCREEN_LOGS_MAXLOGS	32

struct screen_logs_text {
	char	**lt_line;
	size_t	  lt_n;
};

static int	screen_logs_fetch(struct dcui *, const char *,
		    struct screen_logs_text *, char **);
static void	screen_logs_view(struct dcui *, const char *,
		    struct screen_logs_text *);
static void	screen_logs_free(struct screen_logs_text *);

static int
screen_logs_fetch(struct dcui *d, const char *key, struct screen_logs_text *t,
    char **cause)
{
	struct buf	 a;
	struct vireply	 r;
	xmlNodePtr	 n, v;

	buf_init(&a);
	buf_elem(&a, "key", key);
	buf_printf(&a, "<lines>%d</lines>", SCREEN_LOGS_LINES);
	if (host_call(d, "BrowseDiagnosticLog", "DiagnosticManager",
	    "ha-diagnosticmgr", a.b_data, &r, cause) == -1) {
		buf_free(&a);
		return (-1);
	}
	buf_free(&a);
	t->lt_line = NULL;
	t->lt_n = 0;
	v = vireply_returnval(&r);
	for (n = v != NULL ? v->children : NULL; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "lineText") != 0)
			continue;
		t->lt_line = xreallocarray(t->lt_line, t->lt_n + 1,
		    sizeof *t->lt_line);
		t->lt_line[t->lt_n++] = (char *)xmlNodeGetContent(n);
	}
	vireply_clear(&r);
	return (0);
}

static void
screen_logs_free(struct screen_logs_text *t)
{
	size_t	i;

	for (i = 0; i < t->lt_n; i++)
		xmlFree(t->lt_line[i]);
	free(t->lt_line);
}

static void
screen_logs_view(struct dcui *d, const char *label, struct screen_logs_text *t)
{
	char	 what[128] = "", status[160] = "";
	size_t	 top, i, page, hit = (size_t)-1;
	int	 ch, y;

	page = ui_rows() > 4 ? (size_t)ui_rows() - 4 : 1;
	top = t->lt_n > page ? t->lt_n - page : 0;
	for (;;) {
		page = ui_rows() > 4 ? (size_t)ui_rows() - 4 : 1;
		ui_frame(d, label, "<Up/Down/PgUp/PgDn> Scroll   </> Search"
		    "   <Q/Esc> Back");
		for (y = 0, i = top; i < t->lt_n && (size_t)y < page; i++,
		    y++) {
			if (i == hit)
				attron(A_REVERSE);
			mvaddnstr(y + 1, 0, t->lt_line[i], ui_cols());
			if (i == hit)
				attroff(A_REVERSE);
		}
		if (t->lt_n == 0)
			mvaddstr(1, 0, "(the log is empty)");
		move(ui_rows() - 2, 0);
		clrtoeol();
		if (*status != '\0')
			mvaddnstr(ui_rows() - 2, 0, status, ui_cols());
		else
			mvprintw(ui_rows() - 2, 0, "lines %zu-%zu of %zu",
			    t->lt_n ? top + 1 : 0, top + (size_t)y, t->lt_n);
		refresh();
		ch = getch();
		*status = '\0';
		switch (ch) {
		case 'q':
		case 'Q':
		case UI_KEY_ESC:
			return;
		case KEY_UP:
			if (top > 0)
				top--;
			break;
		case KEY_DOWN:
			if (top + page < t->lt_n)
				top++;
			break;
		case KEY_PPAGE:
			top = top > page ? top - page : 0;
			break;
		case KEY_NPAGE:
		case ' ':
			if (top + page < t->lt_n)
				top += page;
			break;
		case KEY_HOME:
			top = 0;
			break;
		case KEY_END:
			top = t->lt_n > page ? t->lt_n - page : 0;
			break;
		case '/':
			move(ui_rows() - 2, 0);
			clrtoeol();
			if (ui_field(ui_rows() - 4, "Search:", what,
			    sizeof what, 0) != '\n' || *what == '\0')
				break;
			for (i = 1; i <= t->lt_n; i++) {
				hit = (top + i) % t->lt_n;
				if (strstr(t->lt_line[hit], what) != NULL)
					break;
			}
			if (t->lt_n == 0 || i > t->lt_n) {
				hit = (size_t)-1;
				snprintf(status, sizeof status,
				    "Not found: %s", what);
			} else {
				top = hit;
				snprintf(status, sizeof status,
				    "Found at line %zu: %s", hit + 1, what);
			}
			break;
		default:
			break;
		}
	}
}

enum dcui_screen
screen_logs_run(struct dcui *d)
{
	struct vireply		 r;
	struct screen_logs_text	 t;
	xmlNodePtr		 v, info;
	char			*keys[SCREEN_LOGS_MAXLOGS];
	char			*labels[SCREEN_LOGS_MAXLOGS], *cause = NULL;
	size_t			 n = 0, sel = 0, i;
	int			 ch;

	if (host_call(d, "QueryDescriptions", "DiagnosticManager",
	    "ha-diagnosticmgr", NULL, &r, &cause) == -1) {
		ui_message(d, "View System Logs", "hostd cannot list the "
		    "logs:\n%s", cause);
		free(cause);
		return (DCUI_MENU);
	}
	for (v = vireply_returnval(&r); v != NULL && n < SCREEN_LOGS_MAXLOGS;
	    v = vireply_next(v)) {
		keys[n] = vireply_field(v, "key");
		info = NULL;
		for (info = v->children; info != NULL; info = info->next)
			if (info->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)info->name, "info") == 0)
				break;
		labels[n] = info != NULL ? vireply_field(info, "label") : NULL;
		if (keys[n] == NULL) {
			free(labels[n]);
			continue;
		}
		if (labels[n] == NULL)
			labels[n] = xstrdup(keys[n]);
		n++;
	}
	vireply_clear(&r);
	for (;;) {
		ui_frame(d, "View System Logs", "<Up/Down> Select   "
		    "<Enter> View   <Esc> Back");
		ch = ui_list(d, 0, (const char *const *)labels, n, &sel);
		if (ch == UI_KEY_ESC || n == 0)
			break;
		if (ch != '\n')
			continue;
		if (screen_logs_fetch(d, keys[sel], &t, &cause) == -1) {
			ui_message(d, "View System Logs", "Cannot read %s:\n%s",
			    labels[sel], cause);
			free(cause);
			cause = NULL;
			continue;
		}
		screen_logs_view(d, labels[sel], &t);
		screen_logs_free(&t);
	}
	for (i = 0; i < n; i++) {
		free(keys[i]);
		free(labels[i]);
	}
	return (DCUI_MENU);
}
