/* SPDX-License-Identifier: ISC */
/*
 * Network (vi-api.md §4.5): a standard port group, "HaNetwork-<name>":
 * "VM Network" and one per Linux bridge found at start.  The object's data
 * is the port group name.  vm[] lists the VMs with a NIC on it
 * (mo-virtualmachine.c reads their .vmx).
 */

#include "config.h"

#include "hostd.h"

static struct hostd_val	*hostd_mo_network_summary(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_network_host(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_network_vm(
			    const struct hostd_inventory_ctx *);

const struct hostd_inventory_prop hostd_mo_network_props[] = {
	{ "summary", hostd_mo_network_summary, "System.View" },
	{ "host", hostd_mo_network_host, "System.View" },
	{ "vm", hostd_mo_network_vm, "System.View" },
	{ NULL, NULL, NULL }
};

static struct hostd_val *
hostd_mo_network_summary(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v;

	v = hostd_val_object("NetworkSummary");
	hostd_val_add_moref(v, "network", c->ic_mo->mo_type,
	    c->ic_mo->mo_id);
	hostd_val_add(v, "name", hostd_inventory_get_name(c));
	hostd_val_add_bool(v, "accessible", 1);
	hostd_val_add_str(v, "ipPoolName", "");
	return (v);
}

static struct hostd_val *
hostd_mo_network_host(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*arr;

	(void)c;
	arr = hostd_val_array("ManagedObjectReference");
	hostd_val_push(arr, hostd_val_moref("HostSystem", HOSTD_MO_HOST));
	return (arr);
}

static struct hostd_val *
hostd_mo_network_vm(const struct hostd_inventory_ctx *c)
{
	return (hostd_mo_virtualmachine_using(c->ic_inv, c->ic_mo));
}
