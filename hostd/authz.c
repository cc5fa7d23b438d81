/* SPDX-License-Identifier: ISC */
/*
 * Authorization (vi-api.md §6.3): the privilege table, the ESX system
 * roles, custom roles and permissions, and the evaluation of a user's
 * privileges on a managed object.
 *
 * The privileges and the system roles are explicit tables here and never
 * come from a file.  Custom roles (ids from HOSTD_AUTHZ_FIRST_ID) and the
 * permissions are kept in <root>/etc/vireo/authorization.xml, read at
 * start and replaced atomically after each change by the
 * AuthorizationManager.  The file is untrusted like any input: a bad one
 * is refused with its line, and unknown privileges or roles in it are.
 *
 * Evaluation, deny by default: walk from the object up its entity
 * parents; on each, a permission of the user itself decides, else the
 * union of its groups' permissions there; above the object only
 * permissions with propagate count.  Nothing found: no privilege but
 * System.Anonymous, which every caller holds.  root is always Admin.
 * Managers (objects that are not entities) are judged by the root
 * folder's permissions.
 *
 * A check needs the user's groups, and a RetrievePropertiesEx makes
 * several checks per object: reading passwd and group for each made
 * thousands of opens per call.  The groups are kept in the session
 * instead (hostd_authz_groups), and the files are only stat'ed, once per
 * call of the session, to learn whether they changed.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <libxml/tree.h>

#include "atomicfile.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"
#include "xml.h"

#define HOSTD_AUTHZ_FILE	"etc/vireo/authorization.xml"
#define HOSTD_AUTHZ_NAME_MAX	256
#define HOSTD_AUTHZ_MAX_BYTES	(4 * 1024 * 1024)
/*
 * Seconds a session's cached groups are trusted without a look at the
 * files when the session makes no call: updates of a pending
 * WaitForUpdates are checked outside any call.
 */
#define HOSTD_AUTHZ_GROUPS_RECHECK	1

struct hostd_authz {
	char			*az_path;	/* NULL: memory only */
	struct hostd_authz_role	*az_roles;	/* system roles first */
	size_t			 az_nroles;
	struct hostd_authz_perm	*az_perms;
	size_t			 az_nperms;
};

/*
 * Privileges of a standalone ESXi 6.7 host (the ones its API methods
 * require, and the ones roles are usually built from).  onParent: the
 * privilege is checked on the parent of the object acted on.
 */
const struct hostd_authz_priv hostd_authz_privileges[] = {
	{ "Alarm.SetStatus", 0 },
	{ "Authorization.ModifyPermissions", 0 },
	{ "Authorization.ModifyRoles", 0 },
	{ "Authorization.ReassignRolePermissions", 0 },
	{ "Certificate.Manage", 0 },
	{ "Cryptographer.Access", 0 },
	{ "Cryptographer.AddDisk", 0 },
	{ "Cryptographer.Clone", 0 },
	{ "Cryptographer.Decrypt", 0 },
	{ "Cryptographer.Encrypt", 0 },
	{ "Cryptographer.EncryptNew", 0 },
	{ "Cryptographer.ManageEncryptionPolicy", 0 },
	{ "Cryptographer.ManageKeys", 0 },
	{ "Cryptographer.Migrate", 0 },
	{ "Cryptographer.Recrypt", 0 },
	{ "Cryptographer.RegisterHost", 0 },
	{ "Cryptographer.RegisterVM", 0 },
	{ "Datacenter.Create", 0 },
	{ "Datacenter.Reconfigure", 0 },
	{ "Datastore.AllocateSpace", 0 },
	{ "Datastore.Browse", 0 },
	{ "Datastore.Config", 0 },
	{ "Datastore.Delete", 1 },
	{ "Datastore.DeleteFile", 0 },
	{ "Datastore.FileManagement", 0 },
	{ "Datastore.Rename", 0 },
	{ "Datastore.UpdateVirtualMachineFiles", 0 },
	{ "Extension.Register", 0 },
	{ "Extension.Unregister", 0 },
	{ "Extension.Update", 0 },
	{ "Folder.Create", 0 },
	{ "Folder.Delete", 1 },
	{ "Folder.Move", 0 },
	{ "Folder.Rename", 0 },
	{ "Global.CancelTask", 0 },
	{ "Global.Diagnostics", 0 },
	{ "Global.Licenses", 0 },
	{ "Global.LogEvent", 0 },
	{ "Global.ManageCustomFields", 0 },
	{ "Global.SetCustomField", 0 },
	{ "Global.Settings", 0 },
	{ "Host.Config.AutoStart", 0 },
	{ "Host.Config.Connection", 0 },
	{ "Host.Config.DateTime", 0 },
	{ "Host.Config.Firmware", 0 },
	{ "Host.Config.HyperThreading", 0 },
	{ "Host.Config.Maintenance", 0 },
	{ "Host.Config.Memory", 0 },
	{ "Host.Config.NetService", 0 },
	{ "Host.Config.Network", 0 },
	{ "Host.Config.PciPassthru", 0 },
	{ "Host.Config.Power", 0 },
	{ "Host.Config.Resources", 0 },
	{ "Host.Config.Settings", 0 },
	{ "Host.Config.Snmp", 0 },
	{ "Host.Config.Storage", 0 },
	{ "Host.Config.SystemManagement", 0 },
	{ "Host.Local.CreateVM", 0 },
	{ "Host.Local.DeleteVM", 0 },
	{ "Host.Local.ManageUserGroups", 0 },
	{ "Host.Local.ReconfigVM", 0 },
	{ "Network.Assign", 0 },
	{ "Network.Config", 0 },
	{ "Network.Delete", 1 },
	{ "Performance.ModifyIntervals", 0 },
	{ "Resource.AssignVMToPool", 0 },
	{ "Resource.ColdMigrate", 0 },
	{ "Resource.CreatePool", 0 },
	{ "Resource.DeletePool", 1 },
	{ "Resource.EditPool", 0 },
	{ "Resource.QueryVMotion", 0 },
	{ "Sessions.GlobalMessage", 0 },
	{ "Sessions.ImpersonateUser", 0 },
	{ "Sessions.TerminateSession", 0 },
	{ "Sessions.ValidateSession", 0 },
	{ "System.Anonymous", 0 },
	{ "System.Read", 0 },
	{ "System.View", 0 },
	{ "Task.Create", 0 },
	{ "Task.Update", 0 },
	{ "VirtualMachine.Config.AddExistingDisk", 0 },
	{ "VirtualMachine.Config.AddNewDisk", 0 },
	{ "VirtualMachine.Config.AddRemoveDevice", 0 },
	{ "VirtualMachine.Config.AdvancedConfig", 0 },
	{ "VirtualMachine.Config.Annotation", 0 },
	{ "VirtualMachine.Config.CPUCount", 0 },
	{ "VirtualMachine.Config.DiskExtend", 0 },
	{ "VirtualMachine.Config.EditDevice", 0 },
	{ "VirtualMachine.Config.Memory", 0 },
	{ "VirtualMachine.Config.QueryUnownedFiles", 0 },
	{ "VirtualMachine.Config.ReloadFromPath", 0 },
	{ "VirtualMachine.Config.RemoveDisk", 0 },
	{ "VirtualMachine.Config.Rename", 0 },
	{ "VirtualMachine.Config.ResetGuestInfo", 0 },
	{ "VirtualMachine.Config.Resource", 0 },
	{ "VirtualMachine.Config.Settings", 0 },
	{ "VirtualMachine.Config.UpgradeVirtualHardware", 0 },
	{ "VirtualMachine.GuestOperations.Execute", 0 },
	{ "VirtualMachine.GuestOperations.Modify", 0 },
	{ "VirtualMachine.GuestOperations.Query", 0 },
	{ "VirtualMachine.Interact.AnswerQuestion", 0 },
	{ "VirtualMachine.Interact.ConsoleInteract", 0 },
	{ "VirtualMachine.Interact.CreateScreenshot", 0 },
	{ "VirtualMachine.Interact.DeviceConnection", 0 },
	{ "VirtualMachine.Interact.GuestControl", 0 },
	{ "VirtualMachine.Interact.PowerOff", 0 },
	{ "VirtualMachine.Interact.PowerOn", 0 },
	{ "VirtualMachine.Interact.PutUsbScanCodes", 0 },
	{ "VirtualMachine.Interact.Reset", 0 },
	{ "VirtualMachine.Interact.Suspend", 0 },
	{ "VirtualMachine.Interact.ToolsInstall", 0 },
	{ "VirtualMachine.Inventory.Create", 0 },
	{ "VirtualMachine.Inventory.Delete", 1 },
	{ "VirtualMachine.Inventory.Move", 0 },
	{ "VirtualMachine.Inventory.Register", 0 },
	{ "VirtualMachine.Inventory.Unregister", 1 },
	{ "VirtualMachine.Provisioning.Clone", 0 },
	{ "VirtualMachine.Provisioning.Customize", 0 },
	{ "VirtualMachine.Provisioning.DiskRandomAccess", 0 },
	{ "VirtualMachine.Provisioning.DiskRandomRead", 0 },
	{ "VirtualMachine.Provisioning.GetVmFiles", 0 },
	{ "VirtualMachine.Provisioning.MarkAsTemplate", 0 },
	{ "VirtualMachine.Provisioning.MarkAsVM", 0 },
	{ "VirtualMachine.Provisioning.PutVmFiles", 0 },
	{ "VirtualMachine.State.CreateSnapshot", 0 },
	{ "VirtualMachine.State.RemoveSnapshot", 0 },
	{ "VirtualMachine.State.RenameSnapshot", 0 },
	{ "VirtualMachine.State.RevertToSnapshot", 0 },
	{ NULL, 0 }
};

/* Role membership of the system roles. */
#define HOSTD_AUTHZ_R_NONE	0	/* no privilege */
#define HOSTD_AUTHZ_R_ANON	1	/* System.Anonymous */
#define HOSTD_AUTHZ_R_VIEW	2	/* + System.View */
#define HOSTD_AUTHZ_R_READ	3	/* + System.Read */
#define HOSTD_AUTHZ_R_ALL	4	/* every privilege */
#define HOSTD_AUTHZ_R_NOCRYPTO	5	/* every but Cryptographer.* */

struct hostd_authz_sysrole {
	int32_t		 sr_id;
	const char	*sr_name;
	const char	*sr_label;
	const char	*sr_summary;
	int		 sr_privs;
};

/* ESXi 6.7's system roles (vi-api.md §6.3), all system=true. */
static const struct hostd_authz_sysrole hostd_authz_sysroles[] = {
	{ HOSTD_AUTHZ_ADMIN, "Admin", "Administrator",
	  "Full access rights", HOSTD_AUTHZ_R_ALL },
	{ HOSTD_AUTHZ_READONLY, "ReadOnly", "Read-only",
	  "See details of objects, but not make changes", HOSTD_AUTHZ_R_READ },
	{ HOSTD_AUTHZ_VIEW, "View", "View",
	  "Visibility access (cannot be granted)", HOSTD_AUTHZ_R_VIEW },
	{ HOSTD_AUTHZ_ANONYMOUS, "Anonymous", "Anonymous",
	  "Not logged-in user (cannot be granted)", HOSTD_AUTHZ_R_ANON },
	{ HOSTD_AUTHZ_NOACCESS, "NoAccess", "No access",
	  "Used for restricting granted access", HOSTD_AUTHZ_R_NONE },
	{ HOSTD_AUTHZ_NOCRYPTO, "NoCryptoAdmin",
	  "No cryptography administrator",
	  "Full access without Cryptographic operations privileges",
	  HOSTD_AUTHZ_R_NOCRYPTO },
};

#define HOSTD_AUTHZ_NSYSROLES \
	(sizeof hostd_authz_sysroles / sizeof hostd_authz_sysroles[0])

/* The privileges every custom role gets. */
static const char *const hostd_authz_basic[] = {
	"System.Anonymous", "System.Read", "System.View", NULL
};

static const char hostd_authz_default_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<authorization version=\"1\">\n"
    "  <permission entityType=\"Folder\" entity=\"ha-folder-root\" "
    "principal=\"root\" group=\"false\" roleId=\"-1\" "
    "propagate=\"true\"/>\n"
    "</authorization>\n";

static int	hostd_authz_cmp(const void *, const void *);
static void	hostd_authz_role_clear(struct hostd_authz_role *);
static void	hostd_authz_role_set_privs(struct hostd_authz_role *,
		    char *const *);
static int	hostd_authz_privs_ok(char *const *, const char **);
static int	hostd_authz_name_ok(const char *);
static void	hostd_authz_perm_clear(struct hostd_authz_perm *);
static int	hostd_authz_load(struct hostd_authz *, xmlDocPtr,
		    char **);
static int	hostd_authz_load_role(struct hostd_authz *, xmlNodePtr,
		    char **);
static int	hostd_authz_load_perm(struct hostd_authz *, xmlNodePtr,
		    char **);
static void	hostd_authz_escape(struct evbuffer *, const char *);
static int	hostd_authz_perm_applies(const struct hostd_authz_perm *,
		    const struct hostd_mo *, int);
static int	hostd_authz_in(char *const *, const char *);
static int	hostd_authz_ancestor_view(struct hostd_authz *,
		    struct hostd_inventory *, struct hostd_mo *, const char *,
		    char *const *);

static int
hostd_authz_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
hostd_authz_priv_known(const char *priv)
{
	const struct hostd_authz_priv	*p;

	for (p = hostd_authz_privileges; priv != NULL && p->ap_id != NULL;
	    p++) {
		if (strcmp(p->ap_id, priv) == 0)
			return (1);
	}
	return (0);
}

static void
hostd_authz_role_clear(struct hostd_authz_role *r)
{
	size_t	i;

	free(r->ar_name);
	free(r->ar_label);
	free(r->ar_summary);
	for (i = 0; i < r->ar_nprivs; i++)
		free(r->ar_privs[i]);
	free(r->ar_privs);
	memset(r, 0, sizeof *r);
}

/* Replace r's privileges by privs plus the basic three, sorted, unique. */
static void
hostd_authz_role_set_privs(struct hostd_authz_role *r, char *const *privs)
{
	size_t	i, n = 0, out;

	for (i = 0; i < r->ar_nprivs; i++)
		free(r->ar_privs[i]);
	free(r->ar_privs);
	for (i = 0; privs != NULL && privs[i] != NULL; i++)
		n++;
	r->ar_privs = xcalloc(n + 4, sizeof *r->ar_privs);
	r->ar_nprivs = 0;
	for (i = 0; i < n; i++)
		r->ar_privs[r->ar_nprivs++] = xstrdup(privs[i]);
	if (!r->ar_system) {
		for (i = 0; hostd_authz_basic[i] != NULL; i++)
			r->ar_privs[r->ar_nprivs++] =
			    xstrdup(hostd_authz_basic[i]);
	}
	qsort(r->ar_privs, r->ar_nprivs, sizeof *r->ar_privs,
	    hostd_authz_cmp);
	for (i = out = 0; i < r->ar_nprivs; i++) {
		if (out > 0 && strcmp(r->ar_privs[out - 1],
		    r->ar_privs[i]) == 0) {
			free(r->ar_privs[i]);
			continue;
		}
		r->ar_privs[out++] = r->ar_privs[i];
	}
	r->ar_nprivs = out;
	r->ar_privs[out] = NULL;
}

static int
hostd_authz_privs_ok(char *const *privs, const char **bad)
{
	size_t	i;

	for (i = 0; privs != NULL && privs[i] != NULL; i++) {
		if (i >= 4096 || !hostd_authz_priv_known(privs[i])) {
			*bad = privs[i];
			return (0);
		}
	}
	return (1);
}

static int
hostd_authz_name_ok(const char *name)
{
	const unsigned char	*p;

	if (name == NULL || *name == '\0' ||
	    strlen(name) > HOSTD_AUTHZ_NAME_MAX)
		return (0);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (0);
	}
	return (1);
}

static void
hostd_authz_perm_clear(struct hostd_authz_perm *pe)
{
	free(pe->pe_type);
	free(pe->pe_id);
	free(pe->pe_principal);
	memset(pe, 0, sizeof *pe);
}

const char *
hostd_authz_default(void)
{
	return (hostd_authz_default_xml);
}

struct hostd_authz *
hostd_authz_create(const char *root, char **cause)
{
	struct hostd_authz		*az;
	const struct hostd_authz_sysrole *sr;
	struct hostd_authz_role		*r;
	const struct hostd_authz_priv	*p;
	struct xml_limits		 lim = { HOSTD_AUTHZ_MAX_BYTES, 8, 0 };
	xmlDocPtr			 doc;
	char				**privs;
	size_t				 i, n;
	int				 rc;

	az = xcalloc(1, sizeof *az);
	for (n = 0; hostd_authz_privileges[n].ap_id != NULL; n++)
		;
	privs = xcalloc(n + 1, sizeof *privs);
	az->az_roles = xcalloc(HOSTD_AUTHZ_NSYSROLES, sizeof *az->az_roles);
	for (i = 0; i < HOSTD_AUTHZ_NSYSROLES; i++) {
		sr = &hostd_authz_sysroles[i];
		r = &az->az_roles[az->az_nroles++];
		r->ar_id = sr->sr_id;
		r->ar_system = 1;
		r->ar_name = xstrdup(sr->sr_name);
		r->ar_label = xstrdup(sr->sr_label);
		r->ar_summary = xstrdup(sr->sr_summary);
		memset(privs, 0, (n + 1) * sizeof *privs);
		switch (sr->sr_privs) {
		case HOSTD_AUTHZ_R_ALL:
		case HOSTD_AUTHZ_R_NOCRYPTO:
			n = 0;
			for (p = hostd_authz_privileges; p->ap_id != NULL;
			    p++) {
				if (sr->sr_privs == HOSTD_AUTHZ_R_NOCRYPTO &&
				    strncmp(p->ap_id, "Cryptographer.", 14) ==
				    0)
					continue;
				privs[n++] = (char *)p->ap_id;
			}
			break;
		case HOSTD_AUTHZ_R_READ:
			privs[2] = (char *)"System.Read";
			/* FALLTHROUGH */
		case HOSTD_AUTHZ_R_VIEW:
			privs[1] = (char *)"System.View";
			/* FALLTHROUGH */
		case HOSTD_AUTHZ_R_ANON:
			privs[0] = (char *)"System.Anonymous";
			break;
		}
		hostd_authz_role_set_privs(r, privs);
		for (n = 0; hostd_authz_privileges[n].ap_id != NULL; n++)
			;
	}
	free(privs);
	if (root == NULL)
		return (az);

	xasprintf(&az->az_path, "%s/%s", strcmp(root, "/") == 0 ? "" : root,
	    HOSTD_AUTHZ_FILE);
	if ((doc = xml_parse_file(az->az_path, &lim, cause)) == NULL) {
		if (errno == ENOENT) {
			free(*cause);
			*cause = NULL;
			return (az);
		}
		hostd_authz_free(az);
		return (NULL);
	}
	rc = hostd_authz_load(az, doc, cause);
	if (rc != 0) {
		hostd_authz_free(az);
		return (NULL);
	}
	return (az);
}

void
hostd_authz_free(struct hostd_authz *az)
{
	size_t	i;

	if (az == NULL)
		return;
	for (i = 0; i < az->az_nroles; i++)
		hostd_authz_role_clear(&az->az_roles[i]);
	free(az->az_roles);
	for (i = 0; i < az->az_nperms; i++)
		hostd_authz_perm_clear(&az->az_perms[i]);
	free(az->az_perms);
	free(az->az_path);
	free(az);
}

/* Parse the file's contents.  0, or -1 with *cause "path:line: ...". */
static int
hostd_authz_load(struct hostd_authz *az, xmlDocPtr doc, char **cause)
{
	xmlNodePtr		 root, node, at = NULL;
	char			*why = NULL;
	int			 rc = 0;

	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name,
	    "authorization") != 0) {
		xasprintf(cause, "%s:1: not an <authorization> document",
		    az->az_path);
		xmlFreeDoc(doc);
		return (-1);
	}
	/* Roles first: permissions refer to them. */
	for (node = xml_child(root, NULL, "role"); node != NULL && rc == 0;
	    node = xml_next(node, NULL, "role")) {
		at = node;
		rc = hostd_authz_load_role(az, node, &why);
	}
	for (node = xml_child(root, NULL, "permission"); node != NULL &&
	    rc == 0; node = xml_next(node, NULL, "permission")) {
		at = node;
		rc = hostd_authz_load_perm(az, node, &why);
	}
	if (rc != 0) {
		xasprintf(cause, "%s:%ld: %s", az->az_path,
		    xmlGetLineNo(at), why);
		free(why);
	}
	xmlFreeDoc(doc);
	return (rc);
}

static int
hostd_authz_load_role(struct hostd_authz *az, xmlNodePtr node, char **why)
{
	xmlNodePtr	 pn;
	char		*id, *name, **privs = NULL, *end;
	const char	*bad;
	size_t		 n = 0, i;
	long		 l;
	int		 rc = -1;

	id = xml_attr(node, NULL, "id");
	name = xml_attr(node, NULL, "name");
	if (id == NULL || name == NULL) {
		*why = xstrdup("role without id or name");
		goto out;
	}
	errno = 0;
	l = strtol(id, &end, 10);
	if (errno != 0 || *end != '\0' || end == id ||
	    l < HOSTD_AUTHZ_FIRST_ID || l > INT32_MAX) {
		xasprintf(why, "bad role id \"%.32s\"", id);
		goto out;
	}
	if (!hostd_authz_name_ok(name)) {
		*why = xstrdup("bad role name");
		goto out;
	}
	if (hostd_authz_role(az, (int32_t)l) != NULL ||
	    hostd_authz_role_by_name(az, name) != NULL) {
		xasprintf(why, "duplicate role %ld", l);
		goto out;
	}
	if (az->az_nroles >= HOSTD_AUTHZ_MAX_ROLES) {
		*why = xstrdup("too many roles");
		goto out;
	}
	for (pn = xml_child(node, NULL, "privilege"); pn != NULL;
	    pn = xml_next(pn, NULL, "privilege")) {
		privs = xreallocarray(privs, n + 2, sizeof *privs);
		privs[n++] = xml_text(pn);
		privs[n] = NULL;
	}
	if (!hostd_authz_privs_ok(privs, &bad)) {
		xasprintf(why, "unknown privilege \"%.64s\"", bad);
		goto out;
	}
	az->az_roles = xreallocarray(az->az_roles, az->az_nroles + 1,
	    sizeof *az->az_roles);
	memset(&az->az_roles[az->az_nroles], 0, sizeof *az->az_roles);
	az->az_roles[az->az_nroles].ar_id = (int32_t)l;
	az->az_roles[az->az_nroles].ar_name = name;
	az->az_roles[az->az_nroles].ar_label = xstrdup(name);
	az->az_roles[az->az_nroles].ar_summary = xstrdup(name);
	name = NULL;
	hostd_authz_role_set_privs(&az->az_roles[az->az_nroles], privs);
	az->az_nroles++;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(privs[i]);
	free(privs);
	free(id);
	free(name);
	return (rc);
}

static int
hostd_authz_load_perm(struct hostd_authz *az, xmlNodePtr node, char **why)
{
	char	*a[6], *end;
	long	 role;
	int	 rc = -1, group, propagate;
	size_t	 i;

	a[0] = xml_attr(node, NULL, "entityType");
	a[1] = xml_attr(node, NULL, "entity");
	a[2] = xml_attr(node, NULL, "principal");
	a[3] = xml_attr(node, NULL, "group");
	a[4] = xml_attr(node, NULL, "roleId");
	a[5] = xml_attr(node, NULL, "propagate");
	for (i = 0; i < 6; i++) {
		if (a[i] == NULL) {
			*why = xstrdup("permission without entityType, "
			    "entity, principal, group, roleId or propagate");
			goto out;
		}
	}
	if (!hostd_authz_name_ok(a[0]) || !hostd_authz_name_ok(a[1]) ||
	    !hostd_authz_name_ok(a[2])) {
		*why = xstrdup("bad entity or principal");
		goto out;
	}
	group = strcmp(a[3], "true") == 0;
	propagate = strcmp(a[5], "true") == 0;
	if ((!group && strcmp(a[3], "false") != 0) ||
	    (!propagate && strcmp(a[5], "false") != 0)) {
		*why = xstrdup("group and propagate must be true or false");
		goto out;
	}
	errno = 0;
	role = strtol(a[4], &end, 10);
	if (errno != 0 || *end != '\0' || end == a[4] || role < INT32_MIN ||
	    role > INT32_MAX || hostd_authz_role(az, (int32_t)role) == NULL) {
		xasprintf(why, "unknown role \"%.32s\"", a[4]);
		goto out;
	}
	if (hostd_authz_perm_set(az, a[0], a[1], a[2], group, (int32_t)role,
	    propagate) != 0) {
		*why = xstrdup("too many permissions");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < 6; i++)
		free(a[i]);
	return (rc);
}

const struct hostd_authz_role *
hostd_authz_role(struct hostd_authz *az, int32_t id)
{
	size_t	i;

	for (i = 0; i < az->az_nroles; i++) {
		if (az->az_roles[i].ar_id == id)
			return (&az->az_roles[i]);
	}
	return (NULL);
}

const struct hostd_authz_role *
hostd_authz_role_by_name(struct hostd_authz *az, const char *name)
{
	size_t	i;

	for (i = 0; i < az->az_nroles; i++) {
		if (strcmp(az->az_roles[i].ar_name, name) == 0)
			return (&az->az_roles[i]);
	}
	return (NULL);
}

const struct hostd_authz_role *
hostd_authz_role_next(struct hostd_authz *az,
    const struct hostd_authz_role *prev)
{
	size_t	i;

	i = prev == NULL ? 0 : (size_t)(prev - az->az_roles) + 1;
	return (i < az->az_nroles ? &az->az_roles[i] : NULL);
}

int
hostd_authz_role_has(const struct hostd_authz_role *r, const char *priv)
{
	return (r != NULL && priv != NULL && bsearch(&priv, r->ar_privs,
	    r->ar_nprivs, sizeof *r->ar_privs, hostd_authz_cmp) != NULL);
}

int32_t
hostd_authz_role_add(struct hostd_authz *az, const char *name,
    char *const *privs, const char **badpriv)
{
	struct hostd_authz_role	*r;
	int32_t			 id = HOSTD_AUTHZ_FIRST_ID;
	size_t			 i;

	if (!hostd_authz_name_ok(name) ||
	    !hostd_authz_privs_ok(privs, badpriv)) {
		errno = EINVAL;
		return (-1);
	}
	if (hostd_authz_role_by_name(az, name) != NULL) {
		errno = EEXIST;
		return (-1);
	}
	if (az->az_nroles >= HOSTD_AUTHZ_MAX_ROLES) {
		errno = ENOSPC;
		return (-1);
	}
	for (i = 0; i < az->az_nroles; i++) {
		if (az->az_roles[i].ar_id >= id)
			id = az->az_roles[i].ar_id + 1;
	}
	if (id < HOSTD_AUTHZ_FIRST_ID) {	/* wrapped */
		errno = ENOSPC;
		return (-1);
	}
	az->az_roles = xreallocarray(az->az_roles, az->az_nroles + 1,
	    sizeof *az->az_roles);
	r = &az->az_roles[az->az_nroles++];
	memset(r, 0, sizeof *r);
	r->ar_id = id;
	r->ar_name = xstrdup(name);
	r->ar_label = xstrdup(name);
	r->ar_summary = xstrdup(name);
	hostd_authz_role_set_privs(r, privs);
	return (id);
}

int
hostd_authz_role_update(struct hostd_authz *az, int32_t id,
    const char *newname, char *const *privs, const char **badpriv)
{
	const struct hostd_authz_role	*other;
	struct hostd_authz_role		*r;

	if ((r = (struct hostd_authz_role *)hostd_authz_role(az, id)) ==
	    NULL) {
		errno = ENOENT;
		return (-1);
	}
	if (r->ar_system || (newname != NULL &&
	    !hostd_authz_name_ok(newname)) ||
	    !hostd_authz_privs_ok(privs, badpriv)) {
		errno = EINVAL;
		return (-1);
	}
	if (newname != NULL && (other = hostd_authz_role_by_name(az,
	    newname)) != NULL && other != r) {
		errno = EEXIST;
		return (-1);
	}
	if (newname != NULL) {
		free(r->ar_name);
		free(r->ar_label);
		free(r->ar_summary);
		r->ar_name = xstrdup(newname);
		r->ar_label = xstrdup(newname);
		r->ar_summary = xstrdup(newname);
	}
	if (privs != NULL)
		hostd_authz_role_set_privs(r, privs);
	return (0);
}

int
hostd_authz_role_remove(struct hostd_authz *az, int32_t id, int failifused)
{
	const struct hostd_authz_role	*r;
	size_t				 i, out;

	if ((r = hostd_authz_role(az, id)) == NULL) {
		errno = ENOENT;
		return (-1);
	}
	if (r->ar_system) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < az->az_nperms; i++) {
		if (az->az_perms[i].pe_role == id && failifused) {
			errno = EBUSY;
			return (-1);
		}
	}
	for (i = out = 0; i < az->az_nperms; i++) {
		if (az->az_perms[i].pe_role == id)
			hostd_authz_perm_clear(&az->az_perms[i]);
		else
			az->az_perms[out++] = az->az_perms[i];
	}
	az->az_nperms = out;
	i = (size_t)(r - az->az_roles);
	hostd_authz_role_clear(&az->az_roles[i]);
	memmove(&az->az_roles[i], &az->az_roles[i + 1],
	    (az->az_nroles - i - 1) * sizeof *az->az_roles);
	az->az_nroles--;
	return (0);
}

const struct hostd_authz_perm *
hostd_authz_perm_next(struct hostd_authz *az,
    const struct hostd_authz_perm *prev)
{
	size_t	i;

	i = prev == NULL ? 0 : (size_t)(prev - az->az_perms) + 1;
	return (i < az->az_nperms ? &az->az_perms[i] : NULL);
}

int
hostd_authz_perm_set(struct hostd_authz *az, const char *type,
    const char *id, const char *principal, int group, int32_t role,
    int propagate)
{
	struct hostd_authz_perm	*pe;
	size_t			 i;

	if (hostd_authz_role(az, role) == NULL) {
		errno = ENOENT;
		return (-1);
	}
	for (i = 0; i < az->az_nperms; i++) {
		pe = &az->az_perms[i];
		if (strcmp(pe->pe_id, id) == 0 && pe->pe_group == !!group &&
		    strcmp(pe->pe_principal, principal) == 0) {
			pe->pe_role = role;
			pe->pe_propagate = !!propagate;
			return (0);
		}
	}
	if (az->az_nperms >= HOSTD_AUTHZ_MAX_PERMS) {
		errno = ENOSPC;
		return (-1);
	}
	az->az_perms = xreallocarray(az->az_perms, az->az_nperms + 1,
	    sizeof *az->az_perms);
	pe = &az->az_perms[az->az_nperms++];
	pe->pe_type = xstrdup(type);
	pe->pe_id = xstrdup(id);
	pe->pe_principal = xstrdup(principal);
	pe->pe_group = !!group;
	pe->pe_role = role;
	pe->pe_propagate = !!propagate;
	return (0);
}

int
hostd_authz_perm_remove(struct hostd_authz *az, const char *id,
    const char *principal, int group)
{
	struct hostd_authz_perm	*pe;
	size_t			 i;

	for (i = 0; i < az->az_nperms; i++) {
		pe = &az->az_perms[i];
		if (strcmp(pe->pe_id, id) == 0 && pe->pe_group == !!group &&
		    strcmp(pe->pe_principal, principal) == 0) {
			hostd_authz_perm_clear(pe);
			memmove(pe, pe + 1, (az->az_nperms - i - 1) *
			    sizeof *pe);
			az->az_nperms--;
			return (0);
		}
	}
	errno = ENOENT;
	return (-1);
}

/* Attribute text, escaped. */
static void
hostd_authz_escape(struct evbuffer *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			evbuffer_add_printf(out, "&amp;");
			break;
		case '<':
			evbuffer_add_printf(out, "&lt;");
			break;
		case '>':
			evbuffer_add_printf(out, "&gt;");
			break;
		case '"':
			evbuffer_add_printf(out, "&quot;");
			break;
		default:
			evbuffer_add(out, s, 1);
			break;
		}
	}
}

int
hostd_authz_save(struct hostd_authz *az, char **cause)
{
	struct evbuffer			*out;
	const struct hostd_authz_role	*r;
	const struct hostd_authz_perm	*pe;
	size_t				 i, j;
	int				 rc;

	if (az->az_path == NULL)
		return (0);
	if ((out = evbuffer_new()) == NULL)
		fatalx("authz: evbuffer_new");
	evbuffer_add_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "\n<authorization version=\"1\">\n");
	for (i = 0; i < az->az_nroles; i++) {
		r = &az->az_roles[i];
		if (r->ar_system)
			continue;
		evbuffer_add_printf(out, "  <role id=\"%d\" name=\"",
		    (int)r->ar_id);
		hostd_authz_escape(out, r->ar_name);
		evbuffer_add_printf(out, "\">\n");
		for (j = 0; j < r->ar_nprivs; j++)
			evbuffer_add_printf(out, "    <privilege>%s"
			    "</privilege>\n", r->ar_privs[j]);
		evbuffer_add_printf(out, "  </role>\n");
	}
	for (i = 0; i < az->az_nperms; i++) {
		pe = &az->az_perms[i];
		evbuffer_add_printf(out, "  <permission entityType=\"");
		hostd_authz_escape(out, pe->pe_type);
		evbuffer_add_printf(out, "\" entity=\"");
		hostd_authz_escape(out, pe->pe_id);
		evbuffer_add_printf(out, "\" principal=\"");
		hostd_authz_escape(out, pe->pe_principal);
		evbuffer_add_printf(out, "\" group=\"%s\" roleId=\"%d\" "
		    "propagate=\"%s\"/>\n", pe->pe_group ? "true" : "false",
		    (int)pe->pe_role, pe->pe_propagate ? "true" : "false");
	}
	evbuffer_add_printf(out, "</authorization>\n");
	rc = atomicfile_write(az->az_path, evbuffer_pullup(out, -1),
	    evbuffer_get_length(out), 0644, cause);
	evbuffer_free(out);
	return (rc == -1 ? -1 : 0);
}

/* 1 if pe is defined on mo and applies there (depth 0: mo itself). */
static int
hostd_authz_perm_applies(const struct hostd_authz_perm *pe,
    const struct hostd_mo *mo, int depth)
{
	return (strcmp(pe->pe_id, mo->mo_id) == 0 &&
	    (depth == 0 || pe->pe_propagate));
}

static int
hostd_authz_in(char *const *list, const char *s)
{
	size_t	i;

	for (i = 0; list != NULL && list[i] != NULL; i++) {
		if (strcmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

size_t
hostd_authz_effective(struct hostd_authz *az, struct hostd_mo *mo,
    const char *user, char *const *groups, int32_t *roles, size_t max)
{
	const struct hostd_authz_perm	*pe;
	size_t				 i, n, depth;

	if (max == 0 || user == NULL)
		return (0);
	if (strcmp(user, "root") == 0) {
		roles[0] = HOSTD_AUTHZ_ADMIN;
		return (1);
	}
	/* Parent chains are short; bound them anyway against a cycle. */
	for (depth = 0; mo != NULL && depth < 64; mo = mo->mo_parent,
	    depth++) {
		for (i = 0; i < az->az_nperms; i++) {
			pe = &az->az_perms[i];
			if (!pe->pe_group && strcmp(pe->pe_principal,
			    user) == 0 && hostd_authz_perm_applies(pe, mo,
			    depth)) {
				roles[0] = pe->pe_role;
				return (1);
			}
		}
		for (i = n = 0; i < az->az_nperms && n < max; i++) {
			pe = &az->az_perms[i];
			if (pe->pe_group && hostd_authz_in(groups,
			    pe->pe_principal) &&
			    hostd_authz_perm_applies(pe, mo, depth))
				roles[n++] = pe->pe_role;
		}
		if (n > 0)
			return (n);
	}
	return (0);
}

int
hostd_authz_check(struct hostd_authz *az, struct hostd_inventory *inv,
    struct hostd_mo *mo, const char *user, char *const *groups,
    const char *priv)
{
	int32_t	roles[16];
	size_t	i, n;

	if (priv == NULL)
		return (0);		/* deny by default */
	if (strcmp(priv, "System.Anonymous") == 0)
		return (1);
	if (user == NULL)
		return (0);
	if (mo == NULL || !hostd_inventory_is_a(mo->mo_type,
	    "ManagedEntity"))
		mo = hostd_inventory_find(inv, "Folder", HOSTD_MO_ROOT, NULL);
	n = hostd_authz_effective(az, mo, user, groups, roles,
	    sizeof roles / sizeof roles[0]);
	for (i = 0; i < n; i++) {
		if (hostd_authz_role_has(hostd_authz_role(az, roles[i]),
		    priv))
			return (1);
	}
	/* An explicit NoAccess hides the object even from walks. */
	for (i = 0; i < n; i++) {
		if (roles[i] == HOSTD_AUTHZ_NOACCESS)
			return (0);
	}
	if (strcmp(priv, "System.View") == 0 && mo != NULL && inv != NULL)
		return (hostd_authz_ancestor_view(az, inv, mo, user, groups));
	return (0);
}

/*
 * ESX gives System.View on every ancestor of an entity where the user
 * (or one of its groups) holds a permission with that privilege, so that
 * clients walking down from the root folder can reach the entity: 1 if a
 * permission of user is on a descendant of mo.
 */
static int
hostd_authz_ancestor_view(struct hostd_authz *az, struct hostd_inventory *inv,
    struct hostd_mo *mo, const char *user, char *const *groups)
{
	const struct hostd_authz_perm	*pe;
	struct hostd_mo			*e;
	size_t				 i, depth;

	for (i = 0; i < az->az_nperms; i++) {
		pe = &az->az_perms[i];
		if (pe->pe_group ? !hostd_authz_in(groups, pe->pe_principal) :
		    strcmp(pe->pe_principal, user) != 0)
			continue;
		if (!hostd_authz_role_has(hostd_authz_role(az, pe->pe_role),
		    "System.View"))
			continue;
		e = hostd_inventory_find(inv, pe->pe_type, pe->pe_id, NULL);
		for (depth = 0; e != NULL && depth < 64; depth++) {
			e = e->mo_parent;
			if (e == mo)
				return (1);
		}
	}
	return (0);
}

char *const *
hostd_authz_groups(struct hostd_soap *hs, struct hostd_session *s)
{
	struct account		*au = hostd_soap_auth(hs);
	struct timespec		 ts;
	unsigned long long	 gen;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (s->s_groups_gen == 0 || s->s_groups_call != s->s_calls ||
	    ts.tv_sec - s->s_groups_when >= HOSTD_AUTHZ_GROUPS_RECHECK) {
		account_refresh(au);
		s->s_groups_call = s->s_calls;
		s->s_groups_when = ts.tv_sec;
		if (s->s_groups_retry)
			s->s_groups_gen = 0;
	}
	gen = account_generation(au);
	if (gen == s->s_groups_gen)
		return (s->s_groups);
	account_groups_free(s->s_groups);
	errno = 0;
	s->s_groups = account_groups(au, s->s_user);
	s->s_groups_gen = gen;
	/*
	 * ENOENT (the user is gone) is an answer; EMFILE and the like are
	 * not, and must not stick until the files change: the next call
	 * reads again.  Within this call the empty answer stands, so a
	 * failing read is not retried per check.
	 */
	s->s_groups_retry = s->s_groups == NULL && errno != ENOENT;
	if (s->s_groups_retry)
		log_warn("authz: groups of %s", s->s_user);
	return (s->s_groups);
}

int
hostd_authz_allowed(struct hostd_soap *hs, struct hostd_session *s,
    struct hostd_mo *mo, const char *priv)
{
	if (priv != NULL && strcmp(priv, "System.Anonymous") == 0)
		return (1);
	if (s == NULL || priv == NULL)
		return (0);
	if (strcmp(s->s_user, "root") == 0)
		return (1);
	/* A session's own objects (views, filters, collectors) are its. */
	if (mo != NULL && mo->mo_owner != NULL &&
	    strcmp(mo->mo_owner, s->s_key) == 0)
		return (1);
	return (hostd_authz_check(hostd_soap_authz(hs),
	    hostd_soap_inventory(hs), mo, s->s_user,
	    hostd_authz_groups(hs, s), priv));
}

int
hostd_authz_req_check(struct hostd_soap_req *req, struct hostd_mo *mo,
    const char *priv)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);

	if (hostd_authz_allowed(req->r_soap, req->r_session, mo, priv))
		return (0);
	if (mo == NULL)
		mo = hostd_inventory_find(inv, "Folder", HOSTD_MO_ROOT, NULL);
	hostd_fault_free(req->r_fault);
	req->r_fault = hostd_fault_no_permission(mo->mo_type, mo->mo_id,
	    priv != NULL ? priv : "System.View");
	log_info("authz: %s denied %s on %s:%s",
	    req->r_session != NULL ? req->r_session->s_user : "anonymous",
	    priv != NULL ? priv : "(no privilege)", mo->mo_type, mo->mo_id);
	return (-1);
}
