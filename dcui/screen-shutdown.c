/* SPDX-License-Identifier: ISC */
/*
 * F12: Shut Down/Restart.  As on ESX, root's password is asked first and
 * checked by hostd; then the choice, a confirmation, and
 * HostSystem.ShutdownHost_Task or RebootHost_Task (force: the console is
 * the last resort, running VMs do not hold it back; they are told to the
 * person first).
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

enum dcui_screen
screen_shutdown_run(struct dcui *d)
{
	static const char *const choices[] = {
		"Shut Down the host", "Restart the host"
	};
	struct vireply	 r;
	char		 pw[256] = "", *cause = NULL;
	size_t		 sel = 0;
	int		 ch;

	for (;;) {
		ui_frame(d, "Shut Down/Restart", "<Enter> OK   <Esc> Cancel");
		ui_text(0, 1, "Enter the password of root to shut down or "
		    "restart the host.");
		ch = ui_field(2, "Password (root):", pw, sizeof pw, 1);
		if (ch == KEY_RESIZE)
			continue;
		if (ch == UI_KEY_ESC) {
			explicit_bzero(pw, sizeof pw);
			return (DCUI_HOME);
		}
		if (host_check_admin(d, "root", pw, &cause) == 0)
			break;
		explicit_bzero(pw, sizeof pw);
		ui_message(d, "Shut Down/Restart", "%s", cause);
		free(cause);
		cause = NULL;
	}
	explicit_bzero(pw, sizeof pw);
	for (;;) {
		ui_frame(d, "Shut Down/Restart",
		    "<Up/Down> Select   <Enter> OK   <Esc> Cancel");
		ch = ui_list(d, 0, choices, 2, &sel);
		if (ch == UI_KEY_ESC)
			return (DCUI_HOME);
		if (ch == '\n')
			break;
	}
	if (!ui_confirm(d, "Shut Down/Restart", sel == 0 ?
	    "Shut down the host?  Running virtual machines stop." :
	    "Restart the host?  Running virtual machines stop."))
		return (DCUI_HOME);
	if (host_call(d, sel == 0 ? "ShutdownHost_Task" : "RebootHost_Task",
	    "HostSystem", "ha-host", "<force>true</force>", &r,
	    &cause) == -1) {
		ui_message(d, "Shut Down/Restart", "hostd refused: %s", cause);
		free(cause);
		return (DCUI_HOME);
	}
	vireply_clear(&r);
	ui_message(d, "Shut Down/Restart", sel == 0 ?
	    "The host is shutting down." : "The host is restarting.");
	return (DCUI_HOME);
}
