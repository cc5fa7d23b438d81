/* SPDX-License-Identifier: ISC */
/*
 * HostAutoStartManager `ha-autostart-mgr` (HostSystem.configManager.
 * autoStartManager), read side: autostart is off and no VM has a power
 * order.  libvirt's ESX driver dereferences this MoRef for `virsh
 * dominfo` (GetAutostart) and crashes when a host lacks it.
 */

#include "config.h"

#include <stddef.h>

#include "hostd.h"

static struct hostd_val	*hostd_mo_autostartmanager_config(
			    const struct hostd_inventory_ctx *);

const struct hostd_inventory_prop hostd_mo_autostartmanager_props[] = {
	{ "config", hostd_mo_autostartmanager_config, "System.Read" },
	{ NULL, NULL, NULL }
};

static struct hostd_val *
hostd_mo_autostartmanager_config(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v, *d;

	(void)c;
	v = hostd_val_object("HostAutoStartManagerConfig");
	d = hostd_val_object("AutoStartDefaults");
	hostd_val_add_bool(d, "enabled", 0);
	hostd_val_add_int(d, "startDelay", 120);
	hostd_val_add_int(d, "stopDelay", 120);
	hostd_val_add_bool(d, "waitForHeartbeat", 0);
	hostd_val_add_str(d, "stopAction", "PowerOff");
	hostd_val_add(v, "defaults", d);
	return (v);
}
