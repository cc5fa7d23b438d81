/* SPDX-License-Identifier: ISC */
/*
 * Reset System Configuration: after a confirmation, hostd's
 * HostFirmwareSystem.ResetFirmwareToFactoryDefaults (the configuration
 * returns to a fresh host's, root's password becomes empty, the VMs'
 * files stay on the datastore) and hostd restarts on it.
 */

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <curses.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "vireply.h"

enum dcui_screen
screen_reset_run(struct dcui *d)
{
	struct vireply	 r;
	char		*cause = NULL;

	if (!ui_confirm(d, "Reset System Configuration",
	    "Reset the configuration to the factory defaults?  VM files "
	    "are kept."))
		return (DCUI_MENU);
	if (host_call(d, "ResetFirmwareToFactoryDefaults",
	    "HostFirmwareSystem", "ha-firmwareSystem", NULL, &r,
	    &cause) == -1) {
		ui_message(d, "Reset System Configuration", "hostd did not "
		    "reset the configuration:\n%s", cause);
		free(cause);
		return (DCUI_MENU);
	}
	vireply_clear(&r);
	sleep(2);
	host_drop(d);
	ui_message(d, "Reset System Configuration", "The configuration "
	    "has been reset; hostd restarted on the defaults.\nThe root "
	    "password is now empty.");
	return (DCUI_HOME);
}
