/* SPDX-License-Identifier: ISC */
/*
 * System Customization: the menu after F2, a table of entries and the
 * screen each leads to.  Esc logs the person out (back home).
 */

#include "config.h"

#include <stdlib.h>

#include <curses.h>

#include "dcui.h"

struct screen_menu_item {
	const char		*mi_label;
	enum dcui_screen	 mi_next;
};

static const struct screen_menu_item screen_menu_items[] = {
	{ "Configure Password", DCUI_PASSWORD },
	{ "Configure Management Network", DCUI_NETWORK },
	{ "Restart Management Network", DCUI_NETRESTART },
	{ "Test Management Network", DCUI_NETTEST },
	{ "View System Logs", DCUI_LOGS },
	{ "Troubleshooting: Restart Management Agents", DCUI_AGENTS },
	{ "Reset System Configuration", DCUI_RESET },
};
#define SCREEN_MENU_N	(sizeof screen_menu_items / sizeof screen_menu_items[0])

enum dcui_screen
screen_menu_run(struct dcui *d)
{
	const char	*labels[SCREEN_MENU_N];
	size_t		 i;
	int		 ch;

	for (i = 0; i < SCREEN_MENU_N; i++)
		labels[i] = screen_menu_items[i].mi_label;
	for (;;) {
		ui_frame(d, "System Customization",
		    "<Up/Down> Select   <Enter> Open   <Esc> Log Out");
		ui_text(0, 1, "Logged in as %s", d->d_admin != NULL ?
		    d->d_admin : "?");
		ch = ui_list(d, 2, labels, SCREEN_MENU_N, &d->d_menusel);
		if (ch == '\n')
			return (screen_menu_items[d->d_menusel].mi_next);
		if (ch == UI_KEY_ESC) {
			free(d->d_admin);
			d->d_admin = NULL;
			return (DCUI_HOME);
		}
	}
}
