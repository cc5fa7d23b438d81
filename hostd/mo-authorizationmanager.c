/* SPDX-License-Identifier: ISC */
/*
 * AuthorizationManager `ha-authmgr` (vi-api.md §6.3): roleList,
 * privilegeList and description; the role methods
 * (Add/Update/RemoveAuthorizationRole, RetrieveRolePermissions), the
 * permission methods (Set/Reset/RetrieveEntityPermissions,
 * RemoveEntityPermission, RetrieveAllPermissions) and the checks
 * (HasPrivilegeOnEntity, HasPrivilegeOnEntities); and
 * ManagedEntity.effectiveRole and .permission.  The model and the
 * evaluation are authz.c; every change here is saved at once.
 *
 * Each request is untrusted: every entity, principal, role and
 * privilege is looked up before anything changes, so a call either
 * applies whole or faults.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

static int	hostd_mo_authorizationmanager_add(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_update(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_remove(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_roleperms(
		    struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_entperms(
		    struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_allperms(
		    struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_set(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_reset(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_unset(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_has(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_has_many(
		    struct hostd_soap_req *);
static struct hostd_val *hostd_mo_authorizationmanager_roles(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_authorizationmanager_privs(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_authorizationmanager_desc(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_authorizationmanager_perm(
		    const struct hostd_authz_perm *);
static char	**hostd_mo_authorizationmanager_strings(
		    const struct hostd_val *, const char *);
static void	hostd_mo_authorizationmanager_strings_free(char **);
static struct hostd_mo *hostd_mo_authorizationmanager_entity(
		    struct hostd_soap_req *, const struct hostd_val *);
static struct hostd_mo *hostd_mo_authorizationmanager_entity_param(
		    struct hostd_soap_req *);
static struct hostd_session *hostd_mo_authorizationmanager_session(
		    struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_granted(struct hostd_soap_req *,
		    struct hostd_session *, struct hostd_mo *, const char *);
static void	hostd_mo_authorizationmanager_push_perms(struct hostd_val *,
		    struct hostd_authz *, const char *, int);
static int	hostd_mo_authorizationmanager_perm_parse(
		    const struct hostd_val *, const char **, int *, int *,
		    int64_t *);
static void	hostd_mo_authorizationmanager_exists(struct hostd_soap_req *,
		    const char *);
static int	hostd_mo_authorizationmanager_save(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_commit(struct hostd_soap_req *);
static int	hostd_mo_authorizationmanager_roleid(struct hostd_soap_req *,
		    int32_t *);
static int	hostd_mo_authorizationmanager_apply(struct hostd_soap_req *,
		    int);
static int	hostd_mo_authorizationmanager_privs_ok(
		    struct hostd_soap_req *, char *const *);

static const struct hostd_soap_param hostd_mo_authorizationmanager_add_p[] = {
	{ "name", "string", 0 },
	{ "privIds", "string", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_upd_p[] = {
	{ "roleId", "int", 0 },
	{ "newName", "string", 0 },
	{ "privIds", "string", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_rm_p[] = {
	{ "roleId", "int", 0 },
	{ "failIfUsed", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_rp_p[] = {
	{ "roleId", "int", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_ep_p[] = {
	{ "entity", "ManagedObjectReference", 0 },
	{ "inherited", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_sp_p[] = {
	{ "entity", "ManagedObjectReference", 0 },
	{ "permission", "Permission", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_rmp_p[] = {
	{ "entity", "ManagedObjectReference", 0 },
	{ "user", "string", 0 },
	{ "isGroup", "boolean", 0 },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_has_p[] = {
	{ "entity", "ManagedObjectReference", 0 },
	{ "sessionId", "string", 0 },
	{ "privId", "string", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_authorizationmanager_hm_p[] = {
	{ "entity", "ManagedObjectReference", HOSTD_SOAP_ARRAY },
	{ "sessionId", "string", 0 },
	{ "privId", "string", HOSTD_SOAP_ARRAY },
	{ NULL, NULL, 0 }
};

/*
 * The privileges are pyVmomi 6.7's for these methods; those it leaves
 * to the entity (Set/Reset/RemoveEntityPermission need
 * Authorization.ModifyPermissions there, RetrieveEntityPermissions
 * System.Read) are checked by the handlers after System.View here.
 */
const struct hostd_soap_method hostd_mo_authorizationmanager_methods[] = {
	{ "AddAuthorizationRole", "AuthorizationManager",
	  "Authorization.ModifyRoles", 0, hostd_mo_authorizationmanager_add,
	  hostd_mo_authorizationmanager_add_p },
	{ "UpdateAuthorizationRole", "AuthorizationManager",
	  "Authorization.ModifyRoles", 0,
	  hostd_mo_authorizationmanager_update,
	  hostd_mo_authorizationmanager_upd_p },
	{ "RemoveAuthorizationRole", "AuthorizationManager",
	  "Authorization.ModifyRoles", 0,
	  hostd_mo_authorizationmanager_remove,
	  hostd_mo_authorizationmanager_rm_p },
	{ "RetrieveRolePermissions", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_roleperms,
	  hostd_mo_authorizationmanager_rp_p },
	{ "RetrieveEntityPermissions", "AuthorizationManager", "System.View",
	  0, hostd_mo_authorizationmanager_entperms,
	  hostd_mo_authorizationmanager_ep_p },
	{ "RetrieveAllPermissions", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_allperms, NULL },
	{ "SetEntityPermissions", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_set,
	  hostd_mo_authorizationmanager_sp_p },
	{ "ResetEntityPermissions", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_reset,
	  hostd_mo_authorizationmanager_sp_p },
	{ "RemoveEntityPermission", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_unset,
	  hostd_mo_authorizationmanager_rmp_p },
	{ "HasPrivilegeOnEntity", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_has,
	  hostd_mo_authorizationmanager_has_p },
	{ "HasPrivilegeOnEntities", "AuthorizationManager", "System.View", 0,
	  hostd_mo_authorizationmanager_has_many,
	  hostd_mo_authorizationmanager_hm_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_authorizationmanager_props[] = {
	{ "privilegeList", hostd_mo_authorizationmanager_privs,
	  "System.View" },
	{ "roleList", hostd_mo_authorizationmanager_roles, "System.View" },
	{ "description", hostd_mo_authorizationmanager_desc, "System.View" },
	{ NULL, NULL, NULL }
};

/* ---- properties ------------------------------------------------------ */

static struct hostd_val *
hostd_mo_authorizationmanager_roles(const struct hostd_inventory_ctx *c)
{
	struct hostd_authz		*az;
	const struct hostd_authz_role	*r = NULL;
	struct hostd_val		*arr, *rv, *info, *privs;
	size_t				 i;

	if (c->ic_soap == NULL)
		return (NULL);
	az = hostd_soap_authz(c->ic_soap);
	arr = hostd_val_array("AuthorizationRole");
	while ((r = hostd_authz_role_next(az, r)) != NULL) {
		rv = hostd_val_object("AuthorizationRole");
		hostd_val_add_int(rv, "roleId", r->ar_id);
		hostd_val_add_bool(rv, "system", r->ar_system);
		hostd_val_add_str(rv, "name", r->ar_name);
		info = hostd_val_object("Description");
		hostd_val_add_str(info, "label", r->ar_label);
		hostd_val_add_str(info, "summary", r->ar_summary);
		hostd_val_add_decl(rv, "info", "Description", info);
		privs = hostd_val_array("string");
		for (i = 0; i < r->ar_nprivs; i++)
			hostd_val_push(privs, hostd_val_string(r->ar_privs[i]));
		hostd_val_add(rv, "privilege", privs);
		hostd_val_push(arr, rv);
	}
	return (arr);
}

static struct hostd_val *
hostd_mo_authorizationmanager_privs(const struct hostd_inventory_ctx *c)
{
	const struct hostd_authz_priv	*p;
	struct hostd_val		*arr, *pv;
	const char			*dot;
	char				*group;

	(void)c;
	arr = hostd_val_array("AuthorizationPrivilege");
	for (p = hostd_authz_privileges; p->ap_id != NULL; p++) {
		dot = strrchr(p->ap_id, '.');
		group = xstrndup(p->ap_id, (size_t)(dot - p->ap_id));
		pv = hostd_val_object("AuthorizationPrivilege");
		hostd_val_add_str(pv, "privId", p->ap_id);
		hostd_val_add_bool(pv, "onParent", p->ap_onparent);
		hostd_val_add_str(pv, "name", dot + 1);
		hostd_val_add_str(pv, "privGroupName", group);
		hostd_val_push(arr, pv);
		free(group);
	}
	return (arr);
}

/* AuthorizationDescription: each privilege and privilege group. */
static struct hostd_val *
hostd_mo_authorizationmanager_desc(const struct hostd_inventory_ctx *c)
{
	const struct hostd_authz_priv	*p;
	struct hostd_val		*d, *privs, *groups, *e;
	const char			*dot;
	char				*group, *last = NULL;

	(void)c;
	d = hostd_val_object("AuthorizationDescription");
	privs = hostd_val_array("ElementDescription");
	groups = hostd_val_array("ElementDescription");
	for (p = hostd_authz_privileges; p->ap_id != NULL; p++) {
		dot = strrchr(p->ap_id, '.');
		e = hostd_val_object("ElementDescription");
		hostd_val_add_str(e, "label", dot + 1);
		hostd_val_add_str(e, "summary", p->ap_id);
		hostd_val_add_str(e, "key", p->ap_id);
		hostd_val_push(privs, e);
		group = xstrndup(p->ap_id, (size_t)(dot - p->ap_id));
		if (last == NULL || strcmp(last, group) != 0) {
			e = hostd_val_object("ElementDescription");
			hostd_val_add_str(e, "label", group);
			hostd_val_add_str(e, "summary", group);
			hostd_val_add_str(e, "key", group);
			hostd_val_push(groups, e);
			free(last);
			last = group;
		} else
			free(group);
	}
	free(last);
	hostd_val_add(d, "privilege", privs);
	hostd_val_add(d, "privilegeGroup", groups);
	return (d);
}

struct hostd_val *
hostd_mo_authorizationmanager_effective(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*arr;
	int32_t			 roles[16];
	size_t			 i, n;

	arr = hostd_val_array("int");
	if (c->ic_session == NULL)
		return (arr);
	if (c->ic_soap == NULL) {
		hostd_val_push(arr, hostd_val_int(HOSTD_AUTHZ_ADMIN));
		return (arr);
	}
	/* Read per entity: the session's cached groups, no file I/O. */
	n = hostd_authz_effective(hostd_soap_authz(c->ic_soap), c->ic_mo,
	    c->ic_session->s_user, hostd_authz_groups(c->ic_soap,
	    c->ic_session), roles, 16);
	for (i = 0; i < n; i++)
		hostd_val_push(arr, hostd_val_int(roles[i]));
	return (arr);
}

struct hostd_val *
hostd_mo_authorizationmanager_entity_perms(
    const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*arr;

	arr = hostd_val_array("Permission");
	if (c->ic_soap == NULL)
		return (arr);
	hostd_mo_authorizationmanager_push_perms(arr,
	    hostd_soap_authz(c->ic_soap), c->ic_mo->mo_id, 0);
	return (arr);
}

/* ---- helpers --------------------------------------------------------- */

/* A Permission data object (entity always set, as ESX does). */
static struct hostd_val *
hostd_mo_authorizationmanager_perm(const struct hostd_authz_perm *pe)
{
	struct hostd_val	*v;

	v = hostd_val_object("Permission");
	hostd_val_add_moref(v, "entity", pe->pe_type, pe->pe_id);
	hostd_val_add_str(v, "principal", pe->pe_principal);
	hostd_val_add_bool(v, "group", pe->pe_group);
	hostd_val_add_int(v, "roleId", pe->pe_role);
	hostd_val_add_bool(v, "propagate", pe->pe_propagate);
	return (v);
}

/* The strings of repeated parameter name, NULL-terminated (never NULL). */
static char **
hostd_mo_authorizationmanager_strings(const struct hostd_val *params,
    const char *name)
{
	char		**out;
	const char	 *s;
	size_t		  i, n, k = 0;

	n = hostd_val_field_count(params, name);
	out = xcalloc(n + 1, sizeof *out);
	for (i = 0; i < n; i++) {
		s = hostd_val_str(hostd_val_field_nth(params, name, i));
		out[k++] = xstrdup(s != NULL ? s : "");
	}
	return (out);
}

static void
hostd_mo_authorizationmanager_strings_free(char **list)
{
	size_t	i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	free(list);
}

/* The entity a MoRef names, or NULL with r_fault. */
static struct hostd_mo *
hostd_mo_authorizationmanager_entity(struct hostd_soap_req *req,
    const struct hostd_val *ref)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(hostd_soap_inventory(req->r_soap),
	    ref->v_type, ref->v_str, req->r_session);
	if (mo == NULL || !hostd_inventory_is_a(mo->mo_type,
	    "ManagedEntity")) {
		req->r_fault = hostd_fault_not_found_mo(ref->v_type,
		    ref->v_str);
		return (NULL);
	}
	return (mo);
}

static struct hostd_mo *
hostd_mo_authorizationmanager_entity_param(struct hostd_soap_req *req)
{
	return (hostd_mo_authorizationmanager_entity(req,
	    hostd_val_field(req->r_params, "entity")));
}

/* The session sessionId names, or NULL with r_fault. */
static struct hostd_session *
hostd_mo_authorizationmanager_session(struct hostd_soap_req *req)
{
	struct hostd_session	*s;
	const char		*key;

	key = hostd_val_str(hostd_val_field(req->r_params, "sessionId"));
	if (key == NULL || (s = hostd_session_find_key(
	    hostd_soap_sessions(req->r_soap), key)) == NULL) {
		req->r_fault = hostd_fault_create("NotFound", NULL);
		return (NULL);
	}
	return (s);
}

/* A privilege nobody knows is answered false, not with a fault. */
static int
hostd_mo_authorizationmanager_granted(struct hostd_soap_req *req,
    struct hostd_session *s, struct hostd_mo *mo, const char *priv)
{
	return (priv != NULL && hostd_authz_priv_known(priv) &&
	    hostd_authz_allowed(req->r_soap, s, mo, priv));
}

/*
 * Push the Permissions set on entity id (every one for NULL) onto arr;
 * with inherited, only those that propagate, as a child sees them.
 */
static void
hostd_mo_authorizationmanager_push_perms(struct hostd_val *arr,
    struct hostd_authz *az, const char *id, int inherited)
{
	const struct hostd_authz_perm	*pe = NULL;

	while ((pe = hostd_authz_perm_next(az, pe)) != NULL) {
		if ((id == NULL || strcmp(pe->pe_id, id) == 0) &&
		    (!inherited || pe->pe_propagate))
			hostd_val_push(arr,
			    hostd_mo_authorizationmanager_perm(pe));
	}
}

/* The fields of one Permission parameter: 0, or -1 if one is bad. */
static int
hostd_mo_authorizationmanager_perm_parse(const struct hostd_val *p,
    const char **principal, int *group, int *prop, int64_t *role)
{
	*principal = hostd_val_str(hostd_val_field(p, "principal"));
	if (*principal == NULL ||
	    hostd_val_get_bool(hostd_val_field(p, "group"), group) != 0 ||
	    hostd_val_get_bool(hostd_val_field(p, "propagate"), prop) != 0 ||
	    hostd_val_get_int(hostd_val_field(p, "roleId"), INT32_MIN,
	    INT32_MAX, role) != 0)
		return (-1);
	return (0);
}

/* Role names are unique; the fault names the one that is taken. */
static void
hostd_mo_authorizationmanager_exists(struct hostd_soap_req *req,
    const char *name)
{
	req->r_fault = hostd_fault_create("AlreadyExists",
	    "The specified key, name, or identifier '%s' already exists.",
	    name);
	hostd_val_add_str(req->r_fault->f_obj, "name", name);
}

/* Write the file; on failure r_fault is a SystemError.  0 or -1. */
static int
hostd_mo_authorizationmanager_save(struct hostd_soap_req *req)
{
	char	*cause = NULL;

	if (hostd_authz_save(hostd_soap_authz(req->r_soap), &cause) == 0)
		return (0);
	log_warnx("authorization: %s", cause);
	req->r_fault = hostd_fault_system_error(cause);
	free(cause);
	return (-1);
}

/* Save, then wake the property collectors: roleList or a permission moved. */
static int
hostd_mo_authorizationmanager_commit(struct hostd_soap_req *req)
{
	if (hostd_mo_authorizationmanager_save(req) != 0)
		return (-1);
	hostd_inventory_changed(hostd_soap_inventory(req->r_soap), NULL,
	    NULL);
	return (0);
}

static int
hostd_mo_authorizationmanager_roleid(struct hostd_soap_req *req,
    int32_t *id)
{
	int64_t	v;

	if (hostd_val_get_int(hostd_val_field(req->r_params, "roleId"),
	    INT32_MIN, INT32_MAX, &v) != 0) {
		req->r_fault = hostd_fault_invalid_argument("roleId");
		return (-1);
	}
	*id = (int32_t)v;
	return (0);
}

static int
hostd_mo_authorizationmanager_privs_ok(struct hostd_soap_req *req,
    char *const *privs)
{
	size_t	i;

	for (i = 0; privs[i] != NULL; i++) {
		if (!hostd_authz_priv_known(privs[i])) {
			req->r_fault = hostd_fault_invalid_argument("privIds");
			return (0);
		}
	}
	return (1);
}

/* ---- roles ----------------------------------------------------------- */

static int
hostd_mo_authorizationmanager_add(struct hostd_soap_req *req)
{
	struct hostd_authz	*az = hostd_soap_authz(req->r_soap);
	const char		*name, *bad = NULL;
	char			**privs;
	int32_t			 id;

	name = hostd_val_str(hostd_val_field(req->r_params, "name"));
	privs = hostd_mo_authorizationmanager_strings(req->r_params,
	    "privIds");
	if (!hostd_mo_authorizationmanager_privs_ok(req, privs))
		goto out;
	if ((id = hostd_authz_role_add(az, name != NULL ? name : "", privs,
	    &bad)) == -1) {
		if (errno == EEXIST)
			hostd_mo_authorizationmanager_exists(req, name);
		else
			req->r_fault = hostd_fault_invalid_argument(
			    errno == EINVAL && bad == NULL ? "name" :
			    "privIds");
		goto out;
	}
	if (hostd_mo_authorizationmanager_save(req) != 0) {
		hostd_authz_role_remove(az, id, 0);
		goto out;
	}
	log_info("authorization: %s added role %d (%s)",
	    req->r_session->s_user, (int)id, name);
	req->r_result = hostd_val_int(id);
	hostd_inventory_changed(hostd_soap_inventory(req->r_soap), NULL,
	    NULL);
out:
	hostd_mo_authorizationmanager_strings_free(privs);
	return (0);
}

static int
hostd_mo_authorizationmanager_update(struct hostd_soap_req *req)
{
	struct hostd_authz	*az = hostd_soap_authz(req->r_soap);
	const char		*name, *bad = NULL;
	char			**privs = NULL;
	int32_t			 id;

	if (hostd_mo_authorizationmanager_roleid(req, &id) != 0)
		return (0);
	name = hostd_val_str(hostd_val_field(req->r_params, "newName"));
	if (hostd_val_field(req->r_params, "privIds") != NULL) {
		privs = hostd_mo_authorizationmanager_strings(req->r_params,
		    "privIds");
		if (!hostd_mo_authorizationmanager_privs_ok(req, privs))
			goto out;
	}
	if (hostd_authz_role_update(az, id, name, privs, &bad) != 0) {
		if (errno == ENOENT)
			req->r_fault = hostd_fault_create("NotFound", NULL);
		else if (errno == EEXIST)
			hostd_mo_authorizationmanager_exists(req, name);
		else
			req->r_fault = hostd_fault_invalid_argument(
			    bad != NULL ? "privIds" : "roleId");
		goto out;
	}
	(void)hostd_mo_authorizationmanager_commit(req);
out:
	hostd_mo_authorizationmanager_strings_free(privs);
	return (0);
}

static int
hostd_mo_authorizationmanager_remove(struct hostd_soap_req *req)
{
	struct hostd_authz	*az = hostd_soap_authz(req->r_soap);
	int32_t			 id;
	int			 fail = 0;

	if (hostd_mo_authorizationmanager_roleid(req, &id) != 0)
		return (0);
	if (hostd_val_get_bool(hostd_val_field(req->r_params, "failIfUsed"),
	    &fail) != 0) {
		req->r_fault = hostd_fault_invalid_argument("failIfUsed");
		return (0);
	}
	if (hostd_authz_role_remove(az, id, fail) != 0) {
		if (errno == ENOENT)
			req->r_fault = hostd_fault_create("NotFound", NULL);
		else if (errno == EBUSY)
			req->r_fault = hostd_fault_create("RemoveFailed",
			    "The role is used by permissions.");
		else
			req->r_fault = hostd_fault_invalid_argument("roleId");
		return (0);
	}
	(void)hostd_mo_authorizationmanager_commit(req);
	return (0);
}

static int
hostd_mo_authorizationmanager_roleperms(struct hostd_soap_req *req)
{
	struct hostd_authz		*az = hostd_soap_authz(req->r_soap);
	const struct hostd_authz_perm	*pe = NULL;
	int32_t				 id;

	if (hostd_mo_authorizationmanager_roleid(req, &id) != 0)
		return (0);
	if (hostd_authz_role(az, id) == NULL) {
		req->r_fault = hostd_fault_create("NotFound", NULL);
		return (0);
	}
	req->r_result = hostd_val_array("Permission");
	while ((pe = hostd_authz_perm_next(az, pe)) != NULL) {
		if (pe->pe_role == id)
			hostd_val_push(req->r_result,
			    hostd_mo_authorizationmanager_perm(pe));
	}
	return (0);
}

/* ---- permissions ----------------------------------------------------- */

static int
hostd_mo_authorizationmanager_entperms(struct hostd_soap_req *req)
{
	struct hostd_authz	*az = hostd_soap_authz(req->r_soap);
	struct hostd_mo		*mo, *m;
	size_t			 depth;
	int			 inherited = 0;

	if ((mo = hostd_mo_authorizationmanager_entity_param(req)) == NULL)
		return (0);
	if (hostd_val_get_bool(hostd_val_field(req->r_params, "inherited"),
	    &inherited) != 0) {
		req->r_fault = hostd_fault_invalid_argument("inherited");
		return (0);
	}
	if (hostd_authz_req_check(req, mo, "System.Read") != 0)
		return (0);
	req->r_result = hostd_val_array("Permission");
	for (m = mo, depth = 0; m != NULL && depth < 64; m = m->mo_parent,
	    depth++) {
		if (depth > 0 && !inherited)
			break;
		hostd_mo_authorizationmanager_push_perms(req->r_result, az,
		    m->mo_id, depth > 0);
	}
	return (0);
}

static int
hostd_mo_authorizationmanager_allperms(struct hostd_soap_req *req)
{
	req->r_result = hostd_val_array("Permission");
	hostd_mo_authorizationmanager_push_perms(req->r_result,
	    hostd_soap_authz(req->r_soap), NULL, 0);
	return (0);
}

/*
 * Set (reset 0) or replace (reset 1) the permissions of the entity:
 * everything is checked first, then applied, then saved.
 */
static int
hostd_mo_authorizationmanager_apply(struct hostd_soap_req *req, int reset)
{
	struct hostd_authz		*az = hostd_soap_authz(req->r_soap);
	struct account		*au = hostd_soap_auth(req->r_soap);
	const struct hostd_authz_perm	*pe;
	const struct hostd_val		*p;
	struct hostd_mo			*mo;
	const char			*principal;
	int64_t				 role;
	int				 group, prop;
	size_t				 i, n;

	if ((mo = hostd_mo_authorizationmanager_entity_param(req)) == NULL)
		return (0);
	if (hostd_authz_req_check(req, mo,
	    "Authorization.ModifyPermissions") != 0)
		return (0);
	n = hostd_val_field_count(req->r_params, "permission");
	for (i = 0; i < n; i++) {
		p = hostd_val_field_nth(req->r_params, "permission", i);
		if (hostd_mo_authorizationmanager_perm_parse(p, &principal,
		    &group, &prop, &role) != 0) {
			req->r_fault = hostd_fault_invalid_argument(
			    "permission");
			return (0);
		}
		if (!account_exists(au, principal, group)) {
			req->r_fault = hostd_fault_create("UserNotFound",
			    "The user or group named '%s' does not exist.",
			    principal);
			hostd_val_add_str(req->r_fault->f_obj, "principal",
			    principal);
			hostd_val_add_bool(req->r_fault->f_obj, "unresolved",
			    0);
			return (0);
		}
		if (hostd_authz_role(az, (int32_t)role) == NULL) {
			req->r_fault = hostd_fault_create("NotFound", NULL);
			return (0);
		}
	}
	if (reset) {
		while ((pe = hostd_authz_perm_next(az, NULL)) != NULL) {
			/* Remove the first one on mo, again until none. */
			for (; pe != NULL; pe = hostd_authz_perm_next(az, pe))
				if (strcmp(pe->pe_id, mo->mo_id) == 0)
					break;
			if (pe == NULL)
				break;
			hostd_authz_perm_remove(az, mo->mo_id,
			    pe->pe_principal, pe->pe_group);
		}
	}
	for (i = 0; i < n; i++) {
		/* All were parsed above: this cannot fail now. */
		p = hostd_val_field_nth(req->r_params, "permission", i);
		(void)hostd_mo_authorizationmanager_perm_parse(p, &principal,
		    &group, &prop, &role);
		if (hostd_authz_perm_set(az, mo->mo_type, mo->mo_id,
		    principal, group, (int32_t)role, prop) != 0) {
			req->r_fault = hostd_fault_system_error("too many "
			    "permissions");
			return (0);
		}
		log_info("authorization: %s set role %d for %s%s on %s",
		    req->r_session->s_user, (int)role, group ? "group " : "",
		    principal, mo->mo_id);
	}
	(void)hostd_mo_authorizationmanager_commit(req);
	return (0);
}

static int
hostd_mo_authorizationmanager_set(struct hostd_soap_req *req)
{
	return (hostd_mo_authorizationmanager_apply(req, 0));
}

static int
hostd_mo_authorizationmanager_reset(struct hostd_soap_req *req)
{
	return (hostd_mo_authorizationmanager_apply(req, 1));
}

static int
hostd_mo_authorizationmanager_unset(struct hostd_soap_req *req)
{
	struct hostd_authz	*az = hostd_soap_authz(req->r_soap);
	struct hostd_mo		*mo;
	const char		*user;
	int			 group = 0;

	if ((mo = hostd_mo_authorizationmanager_entity_param(req)) == NULL)
		return (0);
	user = hostd_val_str(hostd_val_field(req->r_params, "user"));
	if (user == NULL || hostd_val_get_bool(hostd_val_field(req->r_params,
	    "isGroup"), &group) != 0) {
		req->r_fault = hostd_fault_invalid_argument("user");
		return (0);
	}
	if (hostd_authz_req_check(req, mo,
	    "Authorization.ModifyPermissions") != 0)
		return (0);
	if (hostd_authz_perm_remove(az, mo->mo_id, user, group) != 0) {
		req->r_fault = hostd_fault_create("NotFound", NULL);
		return (0);
	}
	log_info("authorization: %s removed the permission of %s%s on %s",
	    req->r_session->s_user, group ? "group " : "", user, mo->mo_id);
	(void)hostd_mo_authorizationmanager_commit(req);
	return (0);
}

/* ---- checks ---------------------------------------------------------- */

static int
hostd_mo_authorizationmanager_has(struct hostd_soap_req *req)
{
	struct hostd_session	*s;
	struct hostd_mo		*mo;
	const char		*priv;
	size_t			 i, n;

	if ((mo = hostd_mo_authorizationmanager_entity_param(req)) == NULL)
		return (0);
	if ((s = hostd_mo_authorizationmanager_session(req)) == NULL)
		return (0);
	req->r_result = hostd_val_array("boolean");
	n = hostd_val_field_count(req->r_params, "privId");
	for (i = 0; i < n; i++) {
		priv = hostd_val_str(hostd_val_field_nth(req->r_params,
		    "privId", i));
		hostd_val_push(req->r_result, hostd_val_bool(
		    hostd_mo_authorizationmanager_granted(req, s, mo, priv)));
	}
	return (0);
}

static int
hostd_mo_authorizationmanager_has_many(struct hostd_soap_req *req)
{
	struct hostd_session	*s;
	struct hostd_mo		*mo;
	const struct hostd_val	*ref;
	struct hostd_val	*ep, *avail, *pa;
	const char		*priv;
	size_t			 i, j, n, m;

	if ((s = hostd_mo_authorizationmanager_session(req)) == NULL)
		return (0);
	n = hostd_val_field_count(req->r_params, "entity");
	m = hostd_val_field_count(req->r_params, "privId");
	for (i = 0; i < n; i++) {
		ref = hostd_val_field_nth(req->r_params, "entity", i);
		if (hostd_mo_authorizationmanager_entity(req, ref) == NULL)
			return (0);
	}
	req->r_result = hostd_val_array("EntityPrivilege");
	for (i = 0; i < n; i++) {
		ref = hostd_val_field_nth(req->r_params, "entity", i);
		mo = hostd_mo_authorizationmanager_entity(req, ref);
		ep = hostd_val_object("EntityPrivilege");
		hostd_val_add_moref(ep, "entity", mo->mo_type, mo->mo_id);
		avail = hostd_val_array("PrivilegeAvailability");
		for (j = 0; j < m; j++) {
			priv = hostd_val_str(hostd_val_field_nth(
			    req->r_params, "privId", j));
			pa = hostd_val_object("PrivilegeAvailability");
			hostd_val_add_str(pa, "privId", priv != NULL ? priv :
			    "");
			hostd_val_add_bool(pa, "isGranted",
			    hostd_mo_authorizationmanager_granted(req, s, mo,
			    priv));
			hostd_val_push(avail, pa);
		}
		hostd_val_add(ep, "privAvailability", avail);
		hostd_val_push(req->r_result, ep);
	}
	return (0);
}
