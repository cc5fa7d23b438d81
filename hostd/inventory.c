/* SPDX-License-Identifier: ISC */
/*
 * The managed-object registry of a standalone host (vi-api.md §4.1, §4.2):
 * the type table {name, supertype, property table} that supertype
 * matching and property reads go through, the registered objects (the
 * fixed inventory tree, the managers, datastores, networks, and later
 * virtual machines, tasks and session-scoped views and filters), the
 * structural properties (ManagedEntity, Folder, Datacenter,
 * ComputeResource, ResourcePool, ServiceInstance, SessionManager), and
 * the change notification that wakes PropertyCollector waits.
 *
 * Invariants: an object's (id) is unique; a session-scoped object is
 * found only with its session; nothing outside holds a struct hostd_mo
 * across loop turns (filters and views keep type and id strings), so an
 * object may be unregistered at any time.  Lookups by id go through a
 * hash index (a host with a thousand VMs looks objects up thousands of
 * times per container-view read); walks are linear, in registration
 * order.
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cfg.h"
#include "hostd.h"
#include "xmalloc.h"

struct hostd_inventory_watcher {
	void				(*iw_cb)(void *);
	void				*iw_arg;
	struct hostd_inventory_watcher	*iw_next;
};

/*
 * An entry of the type index: a type by name (ik_type 0), or the property
 * of that name of the type at index ik_type - 1, inherited ones included
 * (open addressing, power-of-two slots, built once by
 * hostd_inventory_index).
 */
struct hostd_inventory_key {
	const char	*ik_name;	/* NULL: empty slot */
	size_t		 ik_type;
	const void	*ik_ptr;
};

/* An entry of the id index (chained hash, power-of-two buckets). */
struct hostd_inventory_hent {
	struct hostd_mo			*he_mo;
	struct hostd_inventory_hent	*he_next;
};

struct hostd_inventory {
	struct hostd_inventory_hent	**inv_hash;
	size_t				 inv_nbuckets;
	size_t				 inv_count;
	struct event_base		*inv_base;	/* borrowed or NULL */
	char				*inv_root;
	struct hostd_mo			*inv_first;
	struct hostd_mo			*inv_last;
	uint64_t			 inv_version;
	struct event			*inv_ev;	/* deferred wake */
	struct hostd_inventory_watcher	*inv_watchers;
	int				 inv_waking;
	/* Supertype sets (bit j of inv_isa[i]: type i is a type j) and
	 * the type index, so that matching costs no walk of the table. */
	uint64_t			*inv_isa;
	struct hostd_inventory_key	*inv_keys;
	size_t				 inv_nkeys;	/* slots */
	struct hostd_dsjob		*inv_dsjobs;	/* dsjob.c's list */
};

static struct hostd_val	*hostd_inventory_get_status(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_empty(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_false(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_children(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_childtype(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_dcfolder(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_datastores(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_networks(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_hosts(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_pool(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_crsummary(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_owner(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_vms(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_rpconfig(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_rpsummary(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_rpruntime(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_content(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_clock(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_capability(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_cursession(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_sessionlist(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_inventory_get_locale(
			    const struct hostd_inventory_ctx *);
static void	hostd_inventory_wake_cb(evutil_socket_t, short, void *);
static void	hostd_inventory_wake(struct hostd_inventory *);
static void	hostd_inventory_free_mo(struct hostd_mo *);
static size_t	hostd_inventory_hash(const char *);
static void	hostd_inventory_hash_grow(struct hostd_inventory *);
static void	hostd_inventory_index(struct hostd_inventory *);
static const void *hostd_inventory_key_find(const struct hostd_inventory *,
		    size_t, const char *);
static void	hostd_inventory_bridges(struct hostd_inventory *,
		    struct hostd_mo *);
static void	hostd_inventory_network(struct hostd_inventory *,
		    struct hostd_mo *, const char *);

/* ExtensibleManagedObject and ManagedEntity (vim25 6.7.1 names). */
static const struct hostd_inventory_prop hostd_inventory_emo_props[] = {
	{ "value", hostd_inventory_get_empty, "System.View" },
	{ "availableField", hostd_inventory_get_empty, "System.View" },
	{ NULL, NULL, NULL }
};

static const struct hostd_inventory_prop hostd_inventory_me_props[] = {
	{ "parent", hostd_inventory_get_parent, "System.View" },
	{ "customValue", hostd_inventory_get_empty, "System.View" },
	{ "overallStatus", hostd_inventory_get_status, "System.View" },
	{ "configStatus", hostd_inventory_get_status, "System.View" },
	{ "configIssue", hostd_inventory_get_empty, "System.View" },
	{ "effectiveRole", hostd_mo_authorizationmanager_effective,
	  "System.View" },
	{ "permission", hostd_mo_authorizationmanager_entity_perms,
	  "System.View" },
	{ "name", hostd_inventory_get_name, "System.View" },
	{ "disabledMethod", hostd_inventory_get_empty, "System.View" },
	{ "recentTask", hostd_inventory_get_empty, "System.View" },
	{ "declaredAlarmState", hostd_inventory_get_empty, "System.View" },
	{ "triggeredAlarmState", hostd_inventory_get_empty, "System.View" },
	{ "alarmActionsEnabled", hostd_inventory_get_false, "System.View" },
	{ "tag", hostd_inventory_get_empty, "System.View" },
	{ NULL, NULL, NULL }
};

static const struct hostd_inventory_prop hostd_inventory_folder_props[] = {
	{ "childType", hostd_inventory_get_childtype, "System.View" },
	{ "childEntity", hostd_inventory_get_children, "System.View" },
	{ NULL, NULL, NULL }
};

static const struct hostd_inventory_prop hostd_inventory_dc_props[] = {
	{ "vmFolder", hostd_inventory_get_dcfolder, "System.View" },
	{ "hostFolder", hostd_inventory_get_dcfolder, "System.View" },
	{ "datastoreFolder", hostd_inventory_get_dcfolder, "System.View" },
	{ "networkFolder", hostd_inventory_get_dcfolder, "System.View" },
	{ "datastore", hostd_inventory_get_datastores, "System.View" },
	{ "network", hostd_inventory_get_networks, "System.View" },
	{ "configuration", NULL, "System.View" },
	{ NULL, NULL, NULL }
};

static const struct hostd_inventory_prop hostd_inventory_cr_props[] = {
	{ "resourcePool", hostd_inventory_get_pool, "System.View" },
	{ "host", hostd_inventory_get_hosts, "System.View" },
	{ "datastore", hostd_inventory_get_datastores, "System.View" },
	{ "network", hostd_inventory_get_networks, "System.View" },
	{ "summary", hostd_inventory_get_crsummary, "System.View" },
	{ "environmentBrowser", NULL, "System.View" },
	{ "configurationEx", NULL, "System.View" },
	{ NULL, NULL, NULL }
};

static const struct hostd_inventory_prop hostd_inventory_rp_props[] = {
	{ "summary", hostd_inventory_get_rpsummary, "System.View" },
	{ "runtime", hostd_inventory_get_rpruntime, "System.View" },
	{ "owner", hostd_inventory_get_owner, "System.View" },
	{ "resourcePool", hostd_inventory_get_empty, "System.View" },
	{ "vm", hostd_inventory_get_vms, "System.View" },
	{ "config", hostd_inventory_get_rpconfig, "System.View" },
	{ "childConfiguration", hostd_inventory_get_empty, "System.View" },
	{ NULL, NULL, NULL }
};

const struct hostd_inventory_prop hostd_inventory_si_props[] = {
	{ "serverClock", hostd_inventory_get_clock, "System.Anonymous" },
	{ "capability", hostd_inventory_get_capability, "System.Anonymous" },
	{ "content", hostd_inventory_get_content, "System.Anonymous" },
	{ NULL, NULL, NULL }
};

const struct hostd_inventory_prop hostd_inventory_sm_props[] = {
	{ "sessionList", hostd_inventory_get_sessionlist,
	  "Sessions.TerminateSession" },
	{ "currentSession", hostd_inventory_get_cursession,
	  "System.Anonymous" },
	{ "message", NULL, "System.Anonymous" },
	{ "messageLocaleList", NULL, "System.Anonymous" },
	{ "supportedLocaleList", NULL, "System.Anonymous" },
	{ "defaultLocale", hostd_inventory_get_locale, "System.Anonymous" },
	{ NULL, NULL, NULL }
};

static const struct hostd_inventory_prop hostd_inventory_none[] = {
	{ NULL, NULL, NULL }
};

/*
 * The managed types clients name in specs, with their supertypes
 * (vi-api.md §3.4).  A type whose objects are not modelled yet has NULL
 * properties: any path reads unset, so finders that ask about it work.
 */
static const struct hostd_inventory_type hostd_inventory_types[] = {
	{ "ManagedObject", NULL, hostd_inventory_none },
	{ "ExtensibleManagedObject", "ManagedObject",
	  hostd_inventory_emo_props },
	{ "ManagedEntity", "ExtensibleManagedObject",
	  hostd_inventory_me_props },
	{ "Folder", "ManagedEntity", hostd_inventory_folder_props },
	{ "Datacenter", "ManagedEntity", hostd_inventory_dc_props },
	{ "ComputeResource", "ManagedEntity", hostd_inventory_cr_props },
	{ "ClusterComputeResource", "ComputeResource", NULL },
	{ "HostSystem", "ManagedEntity", hostd_mo_hostsystem_props },
	{ "ResourcePool", "ManagedEntity", hostd_inventory_rp_props },
	{ "VirtualApp", "ResourcePool", NULL },
	{ "VirtualMachine", "ManagedEntity",
	  hostd_mo_virtualmachine_props },
	{ "VirtualMachineSnapshot", "ExtensibleManagedObject",
	  hostd_mo_virtualmachinesnapshot_props },
	{ "Datastore", "ManagedEntity", hostd_mo_datastore_props },
	{ "StoragePod", "Folder", NULL },
	{ "Network", "ManagedEntity", hostd_mo_network_props },
	{ "DistributedVirtualPortgroup", "Network", NULL },
	{ "OpaqueNetwork", "Network", NULL },
	{ "DistributedVirtualSwitch", "ManagedEntity", NULL },
	{ "VmwareDistributedVirtualSwitch", "DistributedVirtualSwitch",
	  NULL },
	{ "Task", "ExtensibleManagedObject", hostd_mo_task_props },
	{ "TaskManager", "ManagedObject", hostd_mo_taskmanager_props },
	{ "VirtualMachineSnapshot", "ExtensibleManagedObject", NULL },
	{ "ServiceInstance", "ManagedObject", hostd_inventory_si_props },
	{ "SessionManager", "ManagedObject", hostd_inventory_sm_props },
	{ "PropertyCollector", "ManagedObject",
	  hostd_mo_propertycollector_props },
	{ "PropertyFilter", "ManagedObject", hostd_mo_propertyfilter_props },
	{ "ViewManager", "ManagedObject", hostd_mo_viewmanager_props },
	{ "View", "ManagedObject", hostd_inventory_none },
	{ "ManagedObjectView", "View", hostd_inventory_none },
	{ "ContainerView", "ManagedObjectView",
	  hostd_mo_containerview_props },
	{ "ListView", "ManagedObjectView", hostd_mo_listview_props },
	{ "InventoryView", "ManagedObjectView", NULL },
	{ "SearchIndex", "ManagedObject", hostd_inventory_none },
	{ "HostAutoStartManager", "ManagedObject",
	  hostd_mo_autostartmanager_props },
	{ "AuthorizationManager", "ManagedObject",
	  hostd_mo_authorizationmanager_props },
	{ "EventManager", "ManagedObject", hostd_mo_eventmanager_props },
	{ "FileManager", "ManagedObject", hostd_inventory_none },
	{ "VirtualDiskManager", "ManagedObject", hostd_inventory_none },
	{ "HostDatastoreBrowser", "ManagedObject",
	  hostd_mo_hostdatastorebrowser_props },
	{ "HistoryCollector", "ManagedObject", hostd_inventory_none },
	{ "EventHistoryCollector", "HistoryCollector",
	  hostd_mo_eventcollector_props },
	{ "HostLocalAccountManager", "ManagedObject",
	  hostd_mo_hostlocalaccountmanager_props },
	{ "UserDirectory", "ManagedObject", hostd_mo_userdirectory_props },
	{ "HostFirmwareSystem", "ManagedObject",
	  hostd_mo_hostfirmwaresystem_props },
	{ "DiagnosticManager", "ManagedObject",
	  hostd_mo_diagnosticmanager_props },
	{ "HostServiceSystem", "ExtensibleManagedObject",
	  hostd_mo_hostservicesystem_props },
	{ "HostNetworkSystem", "ExtensibleManagedObject",
	  hostd_mo_hostnetworksystem_props },
};

#define HOSTD_INVENTORY_NTYPES \
	(sizeof hostd_inventory_types / sizeof hostd_inventory_types[0])
_Static_assert(HOSTD_INVENTORY_NTYPES <= 64,
    "inv_isa holds a type's supertypes in 64 bits");

/* The Datacenter's folders: property, moid, name, childType. */
static const char *const hostd_inventory_dcfolders[][4] = {
	{ "vmFolder", HOSTD_MO_VMFOLDER, "vm", "VirtualMachine" },
	{ "hostFolder", HOSTD_MO_HOSTFOLDER, "host", "ComputeResource" },
	{ "datastoreFolder", HOSTD_MO_DSFOLDER, "datastore", "Datastore" },
	{ "networkFolder", HOSTD_MO_NETFOLDER, "network", "Network" },
};

/* Singletons: type, moid. */
static const char *const hostd_inventory_managers[][2] = {
	{ "ServiceInstance", "ServiceInstance" },
	{ "SessionManager", "ha-sessionmgr" },
	{ "PropertyCollector", HOSTD_MO_PC },
	{ "ViewManager", "ViewManager" },
	{ "SearchIndex", "ha-searchindex" },
	{ "HostAutoStartManager", HOSTD_MO_AUTOSTART },
	{ "AuthorizationManager", "ha-authmgr" },
	{ "EventManager", "ha-eventmgr" },
	{ "FileManager", HOSTD_MO_FILEMANAGER },
	{ "VirtualDiskManager", HOSTD_MO_VDISKMANAGER },
	{ "HostDatastoreBrowser", HOSTD_MO_DSBROWSER },
	{ "HostLocalAccountManager", "ha-localacctmgr" },
	{ "UserDirectory", "ha-user-directory" },
	{ "HostFirmwareSystem", HOSTD_MO_FIRMWARE },
	{ "DiagnosticManager", HOSTD_MO_DIAGNOSTICMGR },
	{ "HostServiceSystem", HOSTD_MO_SERVICESYSTEM },
	{ "HostNetworkSystem", HOSTD_MO_NETWORKSYSTEM },
};

const struct hostd_inventory_type *
hostd_inventory_type(const char *name)
{
	size_t	i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < HOSTD_INVENTORY_NTYPES; i++) {
		if (strcmp(hostd_inventory_types[i].it_name, name) == 0)
			return (&hostd_inventory_types[i]);
	}
	return (NULL);
}

int
hostd_inventory_is_a(const char *type, const char *super)
{
	const struct hostd_inventory_type	*t;
	size_t					 n;

	if (type == NULL || super == NULL)
		return (0);
	t = hostd_inventory_type(type);
	if (t == NULL)
		return (strcmp(type, super) == 0);
	/* The table has no cycles; bound the walk anyway. */
	for (n = 0; t != NULL && n < HOSTD_INVENTORY_NTYPES; n++) {
		if (strcmp(t->it_name, super) == 0)
			return (1);
		t = hostd_inventory_type(t->it_parent);
	}
	return (0);
}

const struct hostd_inventory_prop *
hostd_inventory_prop(const struct hostd_inventory_type *t, const char *name)
{
	const struct hostd_inventory_prop	*p;
	size_t					 n;

	for (n = 0; t != NULL && n < HOSTD_INVENTORY_NTYPES; n++) {
		for (p = t->it_props; p != NULL && p->ip_name != NULL; p++) {
			if (strcmp(p->ip_name, name) == 0)
				return (p);
		}
		t = hostd_inventory_type(t->it_parent);
	}
	return (NULL);
}

/* 1 if t or a supertype up to ManagedEntity is not modelled. */
static int
hostd_inventory_unmodelled(const struct hostd_inventory_type *t)
{
	return (t != NULL && t->it_props == NULL);
}

static size_t
hostd_inventory_key_hash(size_t type, const char *name)
{
	return (hostd_inventory_hash(name) ^ (type * 0x9e3779b97f4a7c15ULL));
}

/* Add (type, name) -> ptr unless there: the nearest definition wins. */
static void
hostd_inventory_key_add(struct hostd_inventory *inv, size_t type,
    const char *name, const void *ptr)
{
	struct hostd_inventory_key	*k;
	size_t				 i;

	for (i = hostd_inventory_key_hash(type, name) & (inv->inv_nkeys - 1);
	    ; i = (i + 1) & (inv->inv_nkeys - 1)) {
		k = &inv->inv_keys[i];
		if (k->ik_name == NULL)
			break;
		if (k->ik_type == type && strcmp(k->ik_name, name) == 0)
			return;
	}
	k->ik_name = name;
	k->ik_type = type;
	k->ik_ptr = ptr;
}

static const void *
hostd_inventory_key_find(const struct hostd_inventory *inv, size_t type,
    const char *name)
{
	const struct hostd_inventory_key	*k;
	size_t					 i;

	if (name == NULL)
		return (NULL);
	for (i = hostd_inventory_key_hash(type, name) & (inv->inv_nkeys - 1);
	    ; i = (i + 1) & (inv->inv_nkeys - 1)) {
		k = &inv->inv_keys[i];
		if (k->ik_name == NULL)
			return (NULL);
		if (k->ik_type == type && strcmp(k->ik_name, name) == 0)
			return (k->ik_ptr);
	}
}

/*
 * Index the type table: every type by name, its supertypes as a bit set,
 * and every property it has (its own first, then its supertypes'), as
 * hostd_inventory_prop finds them.
 */
static void
hostd_inventory_index(struct hostd_inventory *inv)
{
	const struct hostd_inventory_type	*t;
	const struct hostd_inventory_prop	*p;
	size_t					 i, n, count = 0;

	for (i = 0; i < HOSTD_INVENTORY_NTYPES; i++) {
		count++;
		for (t = &hostd_inventory_types[i], n = 0; t != NULL &&
		    n < HOSTD_INVENTORY_NTYPES; n++) {
			for (p = t->it_props; p != NULL && p->ip_name != NULL;
			    p++)
				count++;
			t = hostd_inventory_type(t->it_parent);
		}
	}
	for (inv->inv_nkeys = 64; inv->inv_nkeys < 2 * count;
	    inv->inv_nkeys *= 2)
		;
	inv->inv_keys = xcalloc(inv->inv_nkeys, sizeof *inv->inv_keys);
	inv->inv_isa = xcalloc(HOSTD_INVENTORY_NTYPES, sizeof *inv->inv_isa);
	for (i = 0; i < HOSTD_INVENTORY_NTYPES; i++) {
		hostd_inventory_key_add(inv, 0, hostd_inventory_types[i].it_name,
		    &hostd_inventory_types[i]);
		for (t = &hostd_inventory_types[i], n = 0; t != NULL &&
		    n < HOSTD_INVENTORY_NTYPES; n++) {
			inv->inv_isa[i] |= 1ULL << (t - hostd_inventory_types);
			for (p = t->it_props; p != NULL && p->ip_name != NULL;
			    p++)
				hostd_inventory_key_add(inv, i + 1, p->ip_name,
				    p);
			t = hostd_inventory_type(t->it_parent);
		}
	}
}

int
hostd_inventory_mo_is_a(const struct hostd_inventory *inv,
    const struct hostd_mo *mo, const char *super)
{
	const struct hostd_inventory_type	*st;

	st = hostd_inventory_key_find(inv, 0, super);
	if (st == NULL)
		return (0);
	return ((inv->inv_isa[mo->mo_t - hostd_inventory_types] >>
	    (st - hostd_inventory_types)) & 1);
}

uint64_t
hostd_inventory_type_mask(const struct hostd_inventory *inv,
    const char *super)
{
	const struct hostd_inventory_type	*st;

	st = hostd_inventory_key_find(inv, 0, super);
	if (st == NULL)
		return (0);
	return (1ULL << (st - hostd_inventory_types));
}

uint64_t
hostd_inventory_mo_isa(const struct hostd_inventory *inv,
    const struct hostd_mo *mo)
{
	return (inv->inv_isa[mo->mo_t - hostd_inventory_types]);
}

const struct hostd_inventory_prop *
hostd_inventory_mo_prop(const struct hostd_inventory *inv,
    const struct hostd_mo *mo, const char *name)
{
	return (hostd_inventory_key_find(inv,
	    (size_t)(mo->mo_t - hostd_inventory_types) + 1, name));
}

struct hostd_inventory *
hostd_inventory_create(struct event_base *base, const char *root,
    const struct cfg *conf)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*rootf, *dc, *hf, *cr, *dsf, *nf;
	struct hostd_mo_datastore	*ds;
	const char			*dsname = NULL, *dspath = NULL;
	char				*abs, id[64];
	size_t				 i;

	inv = xcalloc(1, sizeof *inv);
	hostd_inventory_index(inv);
	inv->inv_base = base;
	inv->inv_root = xstrdup(root != NULL ? root : "/");
	if (base != NULL) {
		inv->inv_ev = event_new(base, -1, 0, hostd_inventory_wake_cb,
		    inv);
		if (inv->inv_ev == NULL)
			fatalx("inventory: event_new");
	}
	for (i = 0; i < sizeof hostd_inventory_managers /
	    sizeof hostd_inventory_managers[0]; i++) {
		hostd_inventory_register(inv, hostd_inventory_managers[i][0],
		    hostd_inventory_managers[i][1], NULL, NULL, NULL, NULL);
	}
	rootf = hostd_inventory_register(inv, "Folder", HOSTD_MO_ROOT, NULL,
	    NULL, NULL, NULL);
	dc = hostd_inventory_register(inv, "Datacenter", HOSTD_MO_DATACENTER,
	    rootf, NULL, NULL, NULL);
	for (i = 0; i < 4; i++) {
		hostd_inventory_register(inv, "Folder",
		    hostd_inventory_dcfolders[i][1], dc, NULL, NULL, NULL);
	}
	hf = hostd_inventory_find(inv, "Folder", HOSTD_MO_HOSTFOLDER, NULL);
	dsf = hostd_inventory_find(inv, "Folder", HOSTD_MO_DSFOLDER, NULL);
	nf = hostd_inventory_find(inv, "Folder", HOSTD_MO_NETFOLDER, NULL);
	cr = hostd_inventory_register(inv, "ComputeResource",
	    HOSTD_MO_COMPUTE, hf, NULL, NULL, NULL);
	hostd_inventory_register(inv, "HostSystem", HOSTD_MO_HOST, cr, NULL,
	    NULL, NULL);
	hostd_inventory_register(inv, "ResourcePool", HOSTD_MO_POOL, cr, NULL,
	    NULL, NULL);

	if (conf != NULL) {
		dsname = cfg_get(conf, "datastore.name");
		dspath = cfg_get(conf, "datastore.path");
	}
	if (dsname == NULL || *dsname == '\0')
		dsname = "datastore1";
	if (dspath == NULL || !hostd_ds_path_ok(dspath))
		dspath = "var/lib/vireo/datastore1";
	xasprintf(&abs, "%s/%s", strcmp(inv->inv_root, "/") == 0 ? "" :
	    inv->inv_root, dspath);
	hostd_mo_datastore_id(dsname, abs, id, sizeof id);
	ds = hostd_mo_datastore_create(dsname, abs);
	free(abs);
	if (hostd_inventory_register(inv, "Datastore", id, dsf, NULL, ds,
	    hostd_mo_datastore_free) == NULL)
		hostd_mo_datastore_free(ds);

	hostd_inventory_network(inv, nf, "VM Network");
	hostd_inventory_bridges(inv, nf);
	return (inv);
}

/* A Network for port group name, with its name as data. */
static void
hostd_inventory_network(struct hostd_inventory *inv, struct hostd_mo *nf,
    const char *name)
{
	char	*id, *data;

	xasprintf(&id, "HaNetwork-%s", name);
	data = xstrdup(name);
	if (hostd_inventory_register(inv, "Network", id, nf, NULL, data,
	    free) == NULL)
		free(data);
	free(id);
}

/* One Network per Linux bridge (/sys/class/net/<if>/bridge). */
static void
hostd_inventory_bridges(struct hostd_inventory *inv, struct hostd_mo *nf)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[512];
	size_t		 n = 0;

	if ((d = opendir("/sys/class/net")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 64) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/sys/class/net/%s/bridge",
		    de->d_name);
		if (access(path, F_OK) != 0)
			continue;
		hostd_inventory_network(inv, nf, de->d_name);
		n++;
	}
	closedir(d);
}

static void
hostd_inventory_free_mo(struct hostd_mo *mo)
{
	if (mo->mo_data_free != NULL)
		mo->mo_data_free(mo->mo_data);
	free(mo->mo_type);
	free(mo->mo_id);
	free(mo->mo_owner);
	free(mo);
}

void
hostd_inventory_free(struct hostd_inventory *inv)
{
	struct hostd_mo			*mo, *next;
	struct hostd_inventory_watcher	*w, *wn;
	struct hostd_inventory_hent	*he, *hn;
	size_t				 i;

	if (inv == NULL)
		return;
	/* Unfinished jobs hold objects of the inventory. */
	hostd_dsjob_abort_all(inv);
	for (mo = inv->inv_first; mo != NULL; mo = next) {
		next = mo->mo_next;
		hostd_inventory_free_mo(mo);
	}
	for (w = inv->inv_watchers; w != NULL; w = wn) {
		wn = w->iw_next;
		free(w);
	}
	for (i = 0; i < inv->inv_nbuckets; i++) {
		for (he = inv->inv_hash[i]; he != NULL; he = hn) {
			hn = he->he_next;
			free(he);
		}
	}
	free(inv->inv_hash);
	free(inv->inv_isa);
	free(inv->inv_keys);
	if (inv->inv_ev != NULL)
		event_free(inv->inv_ev);
	free(inv->inv_root);
	free(inv);
}

struct event_base *
hostd_inventory_base(struct hostd_inventory *inv)
{
	return (inv->inv_base);
}

struct hostd_dsjob **
hostd_inventory_dsjobs(struct hostd_inventory *inv)
{
	return (&inv->inv_dsjobs);
}

const char *
hostd_inventory_rootdir(struct hostd_inventory *inv)
{
	return (inv->inv_root);
}

struct hostd_mo *
hostd_inventory_register(struct hostd_inventory *inv, const char *type,
    const char *id, struct hostd_mo *parent, const char *owner, void *data,
    void (*data_free)(void *))
{
	const struct hostd_inventory_type	*t;
	struct hostd_mo				*mo;
	struct hostd_inventory_hent		*he;
	size_t					 b;

	if ((t = hostd_inventory_type(type)) == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	if (inv->inv_count >= inv->inv_nbuckets)
		hostd_inventory_hash_grow(inv);
	b = hostd_inventory_hash(id) & (inv->inv_nbuckets - 1);
	for (he = inv->inv_hash[b]; he != NULL; he = he->he_next) {
		if (strcmp(he->he_mo->mo_id, id) == 0) {
			errno = EEXIST;
			return (NULL);
		}
	}
	mo = xcalloc(1, sizeof *mo);
	mo->mo_type = xstrdup(type);
	mo->mo_id = xstrdup(id);
	mo->mo_t = t;
	mo->mo_parent = parent;
	mo->mo_owner = owner != NULL ? xstrdup(owner) : NULL;
	mo->mo_data = data;
	mo->mo_data_free = data_free;
	if (inv->inv_last != NULL)
		inv->inv_last->mo_next = mo;
	else
		inv->inv_first = mo;
	inv->inv_last = mo;
	he = xcalloc(1, sizeof *he);
	he->he_mo = mo;
	he->he_next = inv->inv_hash[b];
	inv->inv_hash[b] = he;
	inv->inv_count++;
	return (mo);
}

/* FNV-1a of an id. */
static size_t
hostd_inventory_hash(const char *id)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *id != '\0'; id++) {
		h ^= (unsigned char)*id;
		h *= 1099511628211ULL;
	}
	return ((size_t)h);
}

/* Double the buckets (64 at first) and rehash. */
static void
hostd_inventory_hash_grow(struct hostd_inventory *inv)
{
	struct hostd_inventory_hent	**nh, *he, *hn;
	size_t				 n, i, b;

	n = inv->inv_nbuckets == 0 ? 64 : inv->inv_nbuckets * 2;
	nh = xcalloc(n, sizeof *nh);
	for (i = 0; i < inv->inv_nbuckets; i++) {
		for (he = inv->inv_hash[i]; he != NULL; he = hn) {
			hn = he->he_next;
			b = hostd_inventory_hash(he->he_mo->mo_id) & (n - 1);
			he->he_next = nh[b];
			nh[b] = he;
		}
	}
	free(inv->inv_hash);
	inv->inv_hash = nh;
	inv->inv_nbuckets = n;
}

void
hostd_inventory_unregister(struct hostd_inventory *inv, struct hostd_mo *mo)
{
	struct hostd_mo			*p, *prev = NULL;
	struct hostd_inventory_hent	**hp, *he;

	for (p = inv->inv_first; p != NULL; prev = p, p = p->mo_next) {
		if (p == mo)
			break;
	}
	if (p == NULL)
		return;
	hp = &inv->inv_hash[hostd_inventory_hash(mo->mo_id) &
	    (inv->inv_nbuckets - 1)];
	for (; (he = *hp) != NULL; hp = &he->he_next) {
		if (he->he_mo == mo) {
			*hp = he->he_next;
			free(he);
			inv->inv_count--;
			break;
		}
	}
	if (prev != NULL)
		prev->mo_next = mo->mo_next;
	else
		inv->inv_first = mo->mo_next;
	if (inv->inv_last == mo)
		inv->inv_last = prev;
	for (p = inv->inv_first; p != NULL; p = p->mo_next) {
		if (p->mo_parent == mo)
			p->mo_parent = NULL;
	}
	hostd_inventory_free_mo(mo);
	hostd_inventory_changed(inv, NULL, NULL);
}

void
hostd_inventory_unregister_owner(struct hostd_inventory *inv,
    const char *owner)
{
	struct hostd_mo	*mo, *next;

	for (mo = inv->inv_first; mo != NULL; mo = next) {
		next = mo->mo_next;
		if (mo->mo_owner != NULL && strcmp(mo->mo_owner, owner) == 0)
			hostd_inventory_unregister(inv, mo);
	}
}

struct hostd_mo *
hostd_inventory_find(struct hostd_inventory *inv, const char *type,
    const char *id, const struct hostd_session *s)
{
	struct hostd_inventory_hent	*he;
	struct hostd_mo			*mo;

	if (id == NULL || inv->inv_nbuckets == 0)
		return (NULL);
	for (he = inv->inv_hash[hostd_inventory_hash(id) &
	    (inv->inv_nbuckets - 1)]; he != NULL; he = he->he_next) {
		mo = he->he_mo;
		if (strcmp(mo->mo_id, id) != 0)
			continue;
		if (mo->mo_owner != NULL && (s == NULL ||
		    strcmp(mo->mo_owner, s->s_key) != 0))
			return (NULL);
		if (type != NULL && !hostd_inventory_mo_is_a(inv, mo, type))
			return (NULL);
		return (mo);
	}
	return (NULL);
}

struct hostd_mo *
hostd_inventory_next(struct hostd_inventory *inv, struct hostd_mo *prev)
{
	return (prev == NULL ? inv->inv_first : prev->mo_next);
}

struct hostd_val *
hostd_inventory_list(struct hostd_inventory *inv, const char *type,
    const struct hostd_session *s)
{
	struct hostd_val	*arr;
	struct hostd_mo		*mo;
	uint64_t		 mask;

	arr = hostd_val_array("ManagedObjectReference");
	mask = hostd_inventory_type_mask(inv, type);
	for (mo = inv->inv_first; mo != NULL; mo = mo->mo_next) {
		if ((hostd_inventory_mo_isa(inv, mo) & mask) == 0)
			continue;
		if (mo->mo_owner != NULL && (s == NULL ||
		    strcmp(mo->mo_owner, s->s_key) != 0))
			continue;
		hostd_val_push(arr, hostd_val_moref(mo->mo_type, mo->mo_id));
	}
	return (arr);
}

struct hostd_val *
hostd_inventory_children(struct hostd_inventory *inv, struct hostd_mo *mo)
{
	struct hostd_val	*arr;
	struct hostd_mo		*c;

	arr = hostd_val_array("ManagedObjectReference");
	for (c = inv->inv_first; c != NULL; c = c->mo_next) {
		if (c->mo_parent == mo && c->mo_owner == NULL)
			hostd_val_push(arr, hostd_val_moref(c->mo_type,
			    c->mo_id));
	}
	return (arr);
}

struct hostd_val *
hostd_inventory_get(struct hostd_inventory *inv, struct hostd_soap *hs,
    struct hostd_mo *mo, struct hostd_session *s, const char *path,
    int *invalid)
{
	const struct hostd_inventory_prop	*p;
	struct hostd_inventory_ctx		 ctx;
	const struct hostd_val			*cur;
	struct hostd_val			*top, *v;
	const char				*dot, *part;
	char					 name[256];
	size_t					 len;

	*invalid = 0;
	dot = strchr(path, '.');
	len = dot != NULL ? (size_t)(dot - path) : strlen(path);
	if (len == 0 || len >= sizeof name) {
		*invalid = 1;
		return (NULL);
	}
	memcpy(name, path, len);
	name[len] = '\0';
	if ((p = hostd_inventory_mo_prop(inv, mo, name)) == NULL) {
		if (!hostd_inventory_unmodelled(mo->mo_t))
			*invalid = 1;
		return (NULL);
	}
	if (p->ip_get == NULL)
		return (NULL);
	ctx.ic_inv = inv;
	ctx.ic_soap = hs;
	ctx.ic_mo = mo;
	ctx.ic_session = s;
	ctx.ic_prop = p;
	if (dot != NULL && p->ip_sub != NULL && p->ip_sub(&ctx, dot + 1, &v))
		return (v);
	if ((top = p->ip_get(&ctx)) == NULL || dot == NULL)
		return (top);
	/* Walk the rest of the path inside the value. */
	cur = top;
	part = dot + 1;
	while (cur != NULL && *part != '\0') {
		dot = strchr(part, '.');
		len = dot != NULL ? (size_t)(dot - part) : strlen(part);
		if (len == 0 || len >= sizeof name) {
			cur = NULL;
			break;
		}
		memcpy(name, part, len);
		name[len] = '\0';
		if (cur->v_kind != HOSTD_VAL_OBJECT ||
		    hostd_val_field_count(cur, name) != 1) {
			/* Unset, an array field, or not an object. */
			cur = NULL;
			break;
		}
		cur = hostd_val_field(cur, name);
		part = dot != NULL ? dot + 1 : part + len;
	}
	v = cur != NULL ? hostd_val_copy(cur) : NULL;
	hostd_val_free(top);
	return (v);
}

uint64_t
hostd_inventory_version(struct hostd_inventory *inv)
{
	return (inv->inv_version);
}

void
hostd_inventory_changed(struct hostd_inventory *inv, struct hostd_mo *mo,
    const char *path)
{
	inv->inv_version++;
	if (mo != NULL)
		log_debug("inventory: %s:%s %s changed (version %llu)",
		    mo->mo_type, mo->mo_id, path != NULL ? path : "",
		    (unsigned long long)inv->inv_version);
	if (inv->inv_ev != NULL)
		event_active(inv->inv_ev, EV_TIMEOUT, 0);
	else
		hostd_inventory_wake(inv);
}

static void
hostd_inventory_wake_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	hostd_inventory_wake(arg);
}

/*
 * Run the watchers.  A callback may unwatch itself or others, or cause a
 * nested change: the list is walked by a version snapshot so every
 * watcher registered at the start runs at most once per wake-up.
 */
static void
hostd_inventory_wake(struct hostd_inventory *inv)
{
	struct hostd_inventory_watcher	*w, **ws;
	size_t				 n = 0, i;

	if (inv->inv_waking)
		return;
	for (w = inv->inv_watchers; w != NULL; w = w->iw_next)
		n++;
	if (n == 0)
		return;
	inv->inv_waking = 1;
	ws = xreallocarray(NULL, n, sizeof *ws);
	n = 0;
	for (w = inv->inv_watchers; w != NULL; w = w->iw_next)
		ws[n++] = w;
	for (i = 0; i < n; i++) {
		/* Skip those removed by an earlier callback. */
		for (w = inv->inv_watchers; w != NULL && w != ws[i];
		    w = w->iw_next)
			;
		if (w != NULL)
			w->iw_cb(w->iw_arg);
	}
	free(ws);
	inv->inv_waking = 0;
}

void
hostd_inventory_watch(struct hostd_inventory *inv, void (*cb)(void *),
    void *arg)
{
	struct hostd_inventory_watcher	*w;

	for (w = inv->inv_watchers; w != NULL; w = w->iw_next) {
		if (w->iw_cb == cb && w->iw_arg == arg)
			return;
	}
	w = xcalloc(1, sizeof *w);
	w->iw_cb = cb;
	w->iw_arg = arg;
	w->iw_next = inv->inv_watchers;
	inv->inv_watchers = w;
}

void
hostd_inventory_unwatch(struct hostd_inventory *inv, void (*cb)(void *),
    void *arg)
{
	struct hostd_inventory_watcher	**wp, *w;

	for (wp = &inv->inv_watchers; (w = *wp) != NULL; wp = &w->iw_next) {
		if (w->iw_cb == cb && w->iw_arg == arg) {
			*wp = w->iw_next;
			free(w);
			return;
		}
	}
}

/* ---- structural properties ------------------------------------------ */

struct hostd_val *
hostd_inventory_get_name(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_datastore	*ds;
	struct hostd_mo			*mo = c->ic_mo;
	char				 buf[256];
	size_t				 i;

	if (strcmp(mo->mo_type, "Folder") == 0) {
		for (i = 0; i < 4; i++) {
			if (strcmp(mo->mo_id,
			    hostd_inventory_dcfolders[i][1]) == 0)
				return (hostd_val_string(
				    hostd_inventory_dcfolders[i][2]));
		}
		return (hostd_val_string(mo->mo_id));
	}
	if (strcmp(mo->mo_type, "HostSystem") == 0 ||
	    strcmp(mo->mo_type, "ComputeResource") == 0) {
		hostd_mo_hostsystem_name(buf, sizeof buf);
		return (hostd_val_string(buf));
	}
	if (strcmp(mo->mo_type, "ResourcePool") == 0 &&
	    strcmp(mo->mo_id, HOSTD_MO_POOL) == 0)
		return (hostd_val_string("Resources"));
	if (strcmp(mo->mo_type, "Datastore") == 0) {
		ds = mo->mo_data;
		return (hostd_val_string(ds->ds_name));
	}
	if (strcmp(mo->mo_type, "Network") == 0 && mo->mo_data != NULL)
		return (hostd_val_string(mo->mo_data));
	return (hostd_val_string(mo->mo_id));
}

struct hostd_val *
hostd_inventory_get_parent(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo	*p = c->ic_mo->mo_parent;

	return (p != NULL ? hostd_val_moref(p->mo_type, p->mo_id) : NULL);
}

static struct hostd_val *
hostd_inventory_get_status(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_enum("ManagedEntityStatus", "green"));
}

/* The declared item types of the always-empty array properties. */
static const char *const hostd_inventory_empty_types[][2] = {
	{ "value", "CustomFieldValue" },
	{ "availableField", "CustomFieldDef" },
	{ "customValue", "CustomFieldValue" },
	{ "configIssue", "Event" },
	{ "permission", "Permission" },
	{ "disabledMethod", "string" },
	{ "recentTask", "ManagedObjectReference" },
	{ "declaredAlarmState", "AlarmState" },
	{ "triggeredAlarmState", "AlarmState" },
	{ "tag", "Tag" },
	{ "resourcePool", "ManagedObjectReference" },
	{ "childConfiguration", "ResourceConfigSpec" },
};

/* An empty array, of the item type the property is declared with. */
static struct hostd_val *
hostd_inventory_get_empty(const struct hostd_inventory_ctx *c)
{
	size_t	i;

	for (i = 0; i < sizeof hostd_inventory_empty_types /
	    sizeof hostd_inventory_empty_types[0]; i++) {
		if (strcmp(c->ic_prop->ip_name,
		    hostd_inventory_empty_types[i][0]) == 0)
			return (hostd_val_array(
			    hostd_inventory_empty_types[i][1]));
	}
	return (NULL);
}

static struct hostd_val *
hostd_inventory_get_false(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_bool(0));
}

static struct hostd_val *
hostd_inventory_get_children(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_children(c->ic_inv, c->ic_mo));
}

static struct hostd_val *
hostd_inventory_get_childtype(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*arr;
	const char		*id = c->ic_mo->mo_id;
	size_t			 i;

	arr = hostd_val_array("string");
	if (strcmp(id, HOSTD_MO_ROOT) == 0) {
		hostd_val_push(arr, hostd_val_string("Datacenter"));
		return (arr);
	}
	hostd_val_push(arr, hostd_val_string("Folder"));
	for (i = 0; i < 4; i++) {
		if (strcmp(id, hostd_inventory_dcfolders[i][1]) != 0)
			continue;
		hostd_val_push(arr, hostd_val_string(
		    hostd_inventory_dcfolders[i][3]));
		if (i == 0)
			hostd_val_push(arr, hostd_val_string("VirtualApp"));
	}
	return (arr);
}

static struct hostd_val *
hostd_inventory_get_dcfolder(const struct hostd_inventory_ctx *c)
{
	size_t	i;

	for (i = 0; i < 4; i++) {
		if (strcmp(c->ic_prop->ip_name,
		    hostd_inventory_dcfolders[i][0]) == 0)
			return (hostd_val_moref("Folder",
			    hostd_inventory_dcfolders[i][1]));
	}
	return (NULL);
}

static struct hostd_val *
hostd_inventory_get_datastores(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Datastore", NULL));
}

static struct hostd_val *
hostd_inventory_get_networks(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Network", NULL));
}

static struct hostd_val *
hostd_inventory_get_hosts(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*arr;
	struct hostd_mo		*mo;

	arr = hostd_val_array("ManagedObjectReference");
	for (mo = hostd_inventory_next(c->ic_inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(c->ic_inv, mo)) {
		if (mo->mo_parent == c->ic_mo &&
		    strcmp(mo->mo_type, "HostSystem") == 0)
			hostd_val_push(arr, hostd_val_moref(mo->mo_type,
			    mo->mo_id));
	}
	return (arr);
}

static struct hostd_val *
hostd_inventory_get_pool(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo	*mo;

	for (mo = hostd_inventory_next(c->ic_inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(c->ic_inv, mo)) {
		if (mo->mo_parent == c->ic_mo &&
		    strcmp(mo->mo_type, "ResourcePool") == 0)
			return (hostd_val_moref(mo->mo_type, mo->mo_id));
	}
	return (NULL);
}

static struct hostd_val *
hostd_inventory_get_crsummary(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_hostsystem_facts	 f;
	struct hostd_val			*v;
	int64_t					 mhz;

	(void)c;
	hostd_mo_hostsystem_facts(&f);
	mhz = f.hf_hz / 1000000;
	v = hostd_val_object("ComputeResourceSummary");
	hostd_val_add_int(v, "totalCpu", (int32_t)(mhz * f.hf_cores));
	hostd_val_add_long(v, "totalMemory", f.hf_memsize);
	hostd_val_add(v, "numCpuCores", hostd_val_short((int16_t)f.hf_cores));
	hostd_val_add(v, "numCpuThreads",
	    hostd_val_short((int16_t)f.hf_threads));
	hostd_val_add_int(v, "effectiveCpu", (int32_t)(mhz * f.hf_cores));
	hostd_val_add_long(v, "effectiveMemory", f.hf_memsize >> 20);
	hostd_val_add_int(v, "numHosts", 1);
	hostd_val_add_int(v, "numEffectiveHosts", 1);
	hostd_val_add(v, "overallStatus",
	    hostd_val_enum("ManagedEntityStatus", "green"));
	return (v);
}

static struct hostd_val *
hostd_inventory_get_owner(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo	*p;

	/* The ComputeResource above the pool (nested pools walk up). */
	for (p = c->ic_mo->mo_parent; p != NULL; p = p->mo_parent) {
		if (hostd_inventory_is_a(p->mo_type, "ComputeResource"))
			return (hostd_val_moref(p->mo_type, p->mo_id));
	}
	return (NULL);
}

static struct hostd_val *
hostd_inventory_get_vms(const struct hostd_inventory_ctx *c)
{
	/* One host, one pool: every VM runs in it. */
	return (hostd_inventory_list(c->ic_inv, "VirtualMachine", NULL));
}

/* ResourceAllocationInfo of the root pool: unlimited, normal shares. */
static struct hostd_val *
hostd_inventory_rpalloc(int64_t limit, int shares)
{
	struct hostd_val	*a, *s;

	a = hostd_val_object("ResourceAllocationInfo");
	hostd_val_add_long(a, "reservation", limit);
	hostd_val_add_bool(a, "expandableReservation", 0);
	hostd_val_add_long(a, "limit", limit);
	s = hostd_val_object("SharesInfo");
	hostd_val_add_int(s, "shares", shares);
	hostd_val_add(s, "level", hostd_val_enum("SharesLevel", "normal"));
	hostd_val_add(a, "shares", s);
	return (a);
}

static struct hostd_val *
hostd_inventory_get_rpconfig(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_hostsystem_facts	 f;
	struct hostd_val			*v;

	hostd_mo_hostsystem_facts(&f);
	v = hostd_val_object("ResourceConfigSpec");
	hostd_val_add_moref(v, "entity", c->ic_mo->mo_type, c->ic_mo->mo_id);
	hostd_val_add(v, "cpuAllocation", hostd_inventory_rpalloc(
	    f.hf_hz / 1000000 * f.hf_cores, 4000));
	hostd_val_add(v, "memoryAllocation", hostd_inventory_rpalloc(
	    f.hf_memsize >> 20, 163840));
	return (v);
}

static struct hostd_val *
hostd_inventory_rpusage(int64_t max)
{
	struct hostd_val	*u;

	u = hostd_val_object("ResourcePoolResourceUsage");
	hostd_val_add_long(u, "reservationUsed", 0);
	hostd_val_add_long(u, "reservationUsedForVm", 0);
	hostd_val_add_long(u, "unreservedForPool", max);
	hostd_val_add_long(u, "unreservedForVm", max);
	hostd_val_add_long(u, "overallUsage", 0);
	hostd_val_add_long(u, "maxUsage", max);
	return (u);
}

static struct hostd_val *
hostd_inventory_get_rpruntime(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_hostsystem_facts	 f;
	struct hostd_val			*v;

	(void)c;
	hostd_mo_hostsystem_facts(&f);
	v = hostd_val_object("ResourcePoolRuntimeInfo");
	hostd_val_add(v, "memory", hostd_inventory_rpusage(f.hf_memsize));
	hostd_val_add(v, "cpu", hostd_inventory_rpusage(f.hf_hz / 1000000 *
	    f.hf_cores));
	hostd_val_add(v, "overallStatus",
	    hostd_val_enum("ManagedEntityStatus", "green"));
	return (v);
}

static struct hostd_val *
hostd_inventory_get_rpsummary(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v;

	v = hostd_val_object("ResourcePoolSummary");
	hostd_val_add(v, "name", hostd_inventory_get_name(c));
	hostd_val_add(v, "config", hostd_inventory_get_rpconfig(c));
	hostd_val_add(v, "runtime", hostd_inventory_get_rpruntime(c));
	return (v);
}

static struct hostd_val *
hostd_inventory_get_content(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_mo_serviceinstance_content());
}

static struct hostd_val *
hostd_inventory_get_clock(const struct hostd_inventory_ctx *c)
{
	struct timespec	ts;

	(void)c;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (hostd_val_datetime(&ts));
}

static struct hostd_val *
hostd_inventory_get_capability(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v;

	(void)c;
	v = hostd_val_object("Capability");
	hostd_val_add_bool(v, "provisioningSupported", 1);
	hostd_val_add_bool(v, "multiHostSupported", 0);
	hostd_val_add_bool(v, "userShellAccessSupported", 0);
	return (v);
}

static struct hostd_val *
hostd_inventory_get_cursession(const struct hostd_inventory_ctx *c)
{
	return (hostd_mo_sessionmanager_current(c->ic_session));
}

static struct hostd_val *
hostd_inventory_get_sessionlist(const struct hostd_inventory_ctx *c)
{
	if (c->ic_soap == NULL)
		return (NULL);
	return (hostd_mo_sessionmanager_list(c->ic_soap));
}

static struct hostd_val *
hostd_inventory_get_locale(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_string("en"));
}
