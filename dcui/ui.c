/* SPDX-License-Identifier: ISC */
/*
 * Drawing for every screen: ESX's look (a title bar, the body, a hint
 * line at the bottom), in colour where the terminal has it and in reverse
 * video where it has not (TERM=vt100).  Everything is laid out from the
 * current LINES and COLS, so a resize (KEY_RESIZE) is handled by drawing
 * again; nothing assumes more than 80x25.
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "dcui.h"
#include "xmalloc.h"

#define UI_PAIR_TITLE	1
#define UI_PAIR_BODY	2

static int	ui_attr_title(struct dcui *);
static int	ui_wrap(int, const char *);

/* Show line from body row y, folded at spaces to the width; the next
 * free row. */
static int
ui_wrap(int y, const char *line)
{
	int	width = COLS - 4, n;

	if (width < 10)
		width = 10;
	while ((int)strlen(line) > width) {
		for (n = width; n > 0 && line[n] != ' '; n--)
			;
		if (n == 0)
			n = width;
		ui_text(y++, 0, "%.*s", n, line);
		line += n;
		while (*line == ' ')
			line++;
	}
	ui_text(y++, 0, "%s", line);
	return (y);
}

void
ui_start(struct dcui *d)
{
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	/* Esc must answer at once, not after ncurses' one second. */
	set_escdelay(25);
	d->d_colour = has_colors();
	if (d->d_colour) {
		start_color();
		init_pair(UI_PAIR_TITLE, COLOR_BLACK, COLOR_YELLOW);
		init_pair(UI_PAIR_BODY, COLOR_WHITE, COLOR_BLACK);
	}
}

void
ui_end(void)
{
	endwin();
}

int
ui_rows(void)
{
	return (LINES);
}

int
ui_cols(void)
{
	return (COLS);
}

static int
ui_attr_title(struct dcui *d)
{
	return (d->d_colour ? COLOR_PAIR(UI_PAIR_TITLE) | A_BOLD : A_REVERSE);
}

void
ui_frame(struct dcui *d, const char *title, const char *hint)
{
	int	x;

	erase();
	attron(ui_attr_title(d));
	move(0, 0);
	for (x = 0; x < COLS; x++)
		addch(' ');
	mvaddnstr(0, 1, title, COLS - 2);
	move(LINES - 1, 0);
	for (x = 0; x < COLS; x++)
		addch(' ');
	mvaddnstr(LINES - 1, 1, hint, COLS - 2);
	attroff(ui_attr_title(d));
}

void
ui_text(int y, int bold, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (y + 2 >= LINES - 1)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		return;
	if (bold)
		attron(A_BOLD);
	mvaddnstr(y + 2, 2, s, COLS - 4);
	if (bold)
		attroff(A_BOLD);
	free(s);
}

int
ui_field(int y, const char *label, char *buf, size_t len, int secret)
{
	size_t	n = strlen(buf), i;
	int	ch, x;

	for (;;) {
		move(y + 2, 0);
		clrtoeol();
		mvaddnstr(y + 2, 2, label, COLS - 4);
		x = 2 + (int)strlen(label) + 1;
		move(y + 2, x);
		attron(A_UNDERLINE);
		for (i = 0; i < n && x + (int)i < COLS - 1; i++)
			addch(secret ? '*' : (unsigned char)buf[i]);
		attroff(A_UNDERLINE);
		curs_set(1);
		refresh();
		ch = getch();
		curs_set(0);
		switch (ch) {
		case '\n':
		case '\r':
		case KEY_ENTER:
			return ('\n');
		case UI_KEY_ESC:
		case KEY_RESIZE:
			return (ch);
		case KEY_BACKSPACE:
		case 127:
		case 8:
			if (n > 0)
				buf[--n] = '\0';
			break;
		default:
			if (ch >= 32 && ch < 127 && n + 1 < len) {
				buf[n++] = (char)ch;
				buf[n] = '\0';
			}
			break;
		}
	}
}

int
ui_list(struct dcui *d, int y, const char *const *items, size_t n,
    size_t *sel)
{
	size_t	i;
	int	ch;

	for (;;) {
		for (i = 0; i < n; i++) {
			if (i == *sel)
				attron(ui_attr_title(d));
			move(y + 2 + (int)i, 2);
			clrtoeol();
			mvaddnstr(y + 2 + (int)i, 2, items[i], COLS - 4);
			if (i == *sel)
				attroff(ui_attr_title(d));
		}
		refresh();
		ch = getch();
		switch (ch) {
		case KEY_UP:
			if (*sel > 0)
				(*sel)--;
			break;
		case KEY_DOWN:
			if (*sel + 1 < n)
				(*sel)++;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
			return ('\n');
		default:
			return (ch);
		}
	}
}

void
ui_message(struct dcui *d, const char *title, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *line, *next;
	int	 y = 1;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	do {
		ui_frame(d, title, "<Enter> OK");
		y = 1;
		for (line = s; line != NULL; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			y = ui_wrap(y, line);
			if (next != NULL)
				next[-1] = '\n';
		}
		refresh();
	} while (getch() == KEY_RESIZE);
	free(s);
}

int
ui_confirm(struct dcui *d, const char *title, const char *question)
{
	int	ch;

	for (;;) {
		ui_frame(d, title, "<Y> Yes   <N/Esc> No");
		ui_text(2, 1, "%s", question);
		refresh();
		ch = getch();
		if (ch == KEY_RESIZE)
			continue;
		return (ch == 'y' || ch == 'Y' || ch == KEY_F(11));
	}
}
