/* SPDX-License-Identifier: ISC */
/*
 * F2: "Authentication Required".  The person types a user name and a
 * password; hostd checks them (and its lockout) and whether the user may
 * use the console.  The password is wiped whatever the outcome.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "dcui.h"
#include "xmalloc.h"

enum dcui_screen
screen_login_run(struct dcui *d)
{
	char	user[64] = "root", pw[256] = "", *cause = NULL;
	int	ch, field = 0;

	for (;;) {
		ui_frame(d, "Authentication Required",
		    "<Enter> OK   <Esc> Cancel");
		ui_text(1, 1, "Enter an authorized login name and password "
		    "for this host.");
		ui_text(3, 0, "Login Name:  %s", user);
		ui_text(4, 0, "Password:    %.*s", (int)strlen(pw),
		    "********************************************************");
		if (field == 0)
			ch = ui_field(3, "Login Name: ", user, sizeof user, 0);
		else
			ch = ui_field(4, "Password:   ", pw, sizeof pw, 1);
		if (ch == KEY_RESIZE)
			continue;
		if (ch == UI_KEY_ESC) {
			explicit_bzero(pw, sizeof pw);
			return (DCUI_HOME);
		}
		if (field == 0) {
			field = 1;
			continue;
		}
		if (host_check_admin(d, user, pw, &cause) == 0) {
			explicit_bzero(pw, sizeof pw);
			free(d->d_admin);
			d->d_admin = xstrdup(user);
			d->d_menusel = 0;
			return (DCUI_MENU);
		}
		explicit_bzero(pw, sizeof pw);
		ui_message(d, "Authentication Failed", "%s", cause);
		free(cause);
		cause = NULL;
		field = 1;
	}
}
