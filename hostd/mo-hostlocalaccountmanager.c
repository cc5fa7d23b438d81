/* SPDX-License-Identifier: ISC */
/*
 * HostLocalAccountManager ha-localacctmgr (vi-api.md §6.1): the host's
 * local users and groups, kept by lib/account.c in etc/vireo/passwd,
 * shadow and group.  Every method needs Host.Local.ManageUserGroups (the
 * method table); a change is in effect for the next Login at once, since
 * account_login reads the files at every call, and for every session's
 * next privilege check (hostd_mo_hostlocalaccountmanager_changed).
 *
 * Faults as ESX gives them: AlreadyExists (name set), UserNotFound
 * (principal set), InvalidArgument naming the field that breaks the rules
 * (lib/account.h: POSIX names, passwords of at least ACCOUNT_PASSWORD_MIN
 * characters).  Removing root or the group localadmin is InvalidArgument.
 * Removing a user or a group also removes its permissions, as ESX does.
 * Events: AccountCreatedEvent, AccountUpdatedEvent, UserPasswordChanged,
 * AccountRemovedEvent.  Passwords go to lib/account.c and nowhere else.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV	"Host.Local.ManageUserGroups"

static int	hostd_mo_hostlocalaccountmanager_create_user(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_update_user(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_remove_user(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_create_group(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_remove_group(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_remove(
		    struct hostd_soap_req *, int);
static void	hostd_mo_hostlocalaccountmanager_created(
		    struct hostd_soap_req *, const char *, const char *, int);
static int	hostd_mo_hostlocalaccountmanager_assign(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_unassign(
		    struct hostd_soap_req *);
static int	hostd_mo_hostlocalaccountmanager_member(
		    struct hostd_soap_req *, int);
static void	hostd_mo_hostlocalaccountmanager_fault(
		    struct hostd_soap_req *, int, const char *, char *);
static void	hostd_mo_hostlocalaccountmanager_unknown(
		    struct hostd_soap_req *, const char *);
static int	hostd_mo_hostlocalaccountmanager_spec(struct hostd_soap_req *,
		    const char *, const char **, const char **,
		    const char **, int64_t *, int *);
static struct hostd_val *hostd_mo_hostlocalaccountmanager_event_spec(
		    const char *, const char *);
static void	hostd_mo_hostlocalaccountmanager_drop_perms(
		    struct hostd_soap_req *, const char *, int);
static void	hostd_mo_hostlocalaccountmanager_changed(
		    struct hostd_soap_req *);

static const struct hostd_soap_param hostd_mo_hostlocalaccountmanager_user_p[] = {
	{ "user", "HostAccountSpec", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostlocalaccountmanager_group_p[] = {
	{ "group", "HostAccountSpec", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostlocalaccountmanager_uname_p[] = {
	{ "userName", "string", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostlocalaccountmanager_gname_p[] = {
	{ "groupName", "string", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostlocalaccountmanager_member_p[] = {
	{ "user", "string", 0 },
	{ "group", "string", 0 },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_hostlocalaccountmanager_methods[] = {
	{ "CreateUser", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_create_user,
	  hostd_mo_hostlocalaccountmanager_user_p },
	{ "UpdateUser", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_update_user,
	  hostd_mo_hostlocalaccountmanager_user_p },
	{ "RemoveUser", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_remove_user,
	  hostd_mo_hostlocalaccountmanager_uname_p },
	{ "CreateGroup", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_create_group,
	  hostd_mo_hostlocalaccountmanager_group_p },
	{ "RemoveGroup", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_remove_group,
	  hostd_mo_hostlocalaccountmanager_gname_p },
	{ "AssignUserToGroup", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_assign,
	  hostd_mo_hostlocalaccountmanager_member_p },
	{ "UnassignUserFromGroup", "HostLocalAccountManager",
	  HOSTD_MO_HOSTLOCALACCOUNTMANAGER_PRIV, 0,
	  hostd_mo_hostlocalaccountmanager_unassign,
	  hostd_mo_hostlocalaccountmanager_member_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* The object has no properties (vi-api.md §6.1). */
const struct hostd_inventory_prop hostd_mo_hostlocalaccountmanager_props[] = {
	{ NULL, NULL, NULL, NULL }
};

static void
hostd_mo_hostlocalaccountmanager_unknown(struct hostd_soap_req *req,
    const char *name)
{
	req->r_fault = hostd_fault_create("UserNotFound", "The user or group "
	    "named '%s' does not exist.", name);
	hostd_val_add_str(req->r_fault->f_obj, "principal", name);
	hostd_val_add_bool(req->r_fault->f_obj, "unresolved", 0);
}

/* The fault for a lib/account.c failure (errno err, cause taken). */
static void
hostd_mo_hostlocalaccountmanager_fault(struct hostd_soap_req *req, int err,
    const char *name, char *cause)
{
	char	field[32];
	size_t	n;

	switch (err) {
	case EEXIST:
		req->r_fault = hostd_fault_create("AlreadyExists", "The "
		    "specified key, name, or identifier '%s' already exists.",
		    name);
		hostd_val_add_str(req->r_fault->f_obj, "name", name);
		break;
	case ENOENT:
		hostd_mo_hostlocalaccountmanager_unknown(req, name);
		break;
	case EINVAL:
		/* lib/account.c starts the cause with the field. */
		n = cause != NULL ? strcspn(cause, ":") : 0;
		if (n == 0 || n >= sizeof field || cause[n] != ':')
			snprintf(field, sizeof field, "id");
		else {
			memcpy(field, cause, n);
			field[n] = '\0';
		}
		req->r_fault = hostd_fault_invalid_argument(field);
		break;
	case EPERM:
	case ESRCH:
		req->r_fault = hostd_fault_invalid_argument(
		    req->r_method->sm_params[0].sp_name);
		break;
	default:
		log_warnx("accounts: %s", cause != NULL ? cause : "failed");
		req->r_fault = hostd_fault_system_error(cause != NULL ? cause :
		    "cannot write the account files");
		break;
	}
	if (cause != NULL && err != EIO && err != ENOSPC)
		log_info("accounts: %s by %s refused: %s",
		    req->r_method->sm_name, req->r_session->s_user, cause);
	free(cause);
}

/*
 * Read the HostAccountSpec parameter param: id (required), password,
 * description, and from a HostPosixAccountSpec posixId (-1 unset) and
 * shellAccess (-1 unset).  0, or -1 with r_fault set.
 */
static int
hostd_mo_hostlocalaccountmanager_spec(struct hostd_soap_req *req,
    const char *param, const char **id, const char **password,
    const char **desc, int64_t *posixid, int *shell)
{
	const struct hostd_val	*spec, *v;

	spec = hostd_val_field(req->r_params, param);
	*id = hostd_val_str(hostd_val_field(spec, "id"));
	*password = hostd_val_str(hostd_val_field(spec, "password"));
	*desc = hostd_val_str(hostd_val_field(spec, "description"));
	*posixid = -1;
	*shell = -1;
	if (*id == NULL) {
		req->r_fault = hostd_fault_invalid_argument("id");
		return (-1);
	}
	if ((v = hostd_val_field(spec, "posixId")) != NULL &&
	    hostd_val_get_int(v, 1, 60000, posixid) != 0) {
		req->r_fault = hostd_fault_invalid_argument("posixId");
		return (-1);
	}
	if ((v = hostd_val_field(spec, "shellAccess")) != NULL &&
	    hostd_val_get_bool(v, shell) != 0) {
		req->r_fault = hostd_fault_invalid_argument("shellAccess");
		return (-1);
	}
	return (0);
}

/* A HostAccountSpec for an event: never the password. */
static struct hostd_val *
hostd_mo_hostlocalaccountmanager_event_spec(const char *id,
    const char *desc)
{
	struct hostd_val	*spec;

	spec = hostd_val_object("HostAccountSpec");
	hostd_val_add_str(spec, "id", id);
	if (desc != NULL)
		hostd_val_add_str(spec, "description", desc);
	return (spec);
}

/*
 * The object has no property to update, but the inventory's watchers
 * (statesync.c's copy of the state files) learn that the accounts moved.
 * Sessions' cached groups (authz.c) follow by themselves: lib/account.c
 * moves its generation with every write.
 */
static void
hostd_mo_hostlocalaccountmanager_changed(struct hostd_soap_req *req)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);

	hostd_inventory_changed(inv, hostd_inventory_find(inv,
	    "HostLocalAccountManager", "ha-localacctmgr", NULL), NULL);
}

/* ESX drops the permissions of a removed principal. */
static void
hostd_mo_hostlocalaccountmanager_drop_perms(struct hostd_soap_req *req,
    const char *name, int group)
{
	struct hostd_authz		*az = hostd_soap_authz(req->r_soap);
	const struct hostd_authz_perm	*pe;
	char				**ids = NULL, *cause = NULL;
	size_t				  i, n = 0;

	for (pe = hostd_authz_perm_next(az, NULL); pe != NULL;
	    pe = hostd_authz_perm_next(az, pe)) {
		if (pe->pe_group != group ||
		    strcmp(pe->pe_principal, name) != 0)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = xstrdup(pe->pe_id);
	}
	for (i = 0; i < n; i++) {
		hostd_authz_perm_remove(az, ids[i], name, group);
		free(ids[i]);
	}
	free(ids);
	if (n == 0)
		return;
	if (hostd_authz_save(az, &cause) != 0) {
		log_warnx("accounts: %s", cause);
		free(cause);
	}
	hostd_inventory_changed(hostd_soap_inventory(req->r_soap), NULL,
	    "permission");
}

static int
hostd_mo_hostlocalaccountmanager_create_user(struct hostd_soap_req *req)
{
	struct account	*au = hostd_soap_auth(req->r_soap);
	const char		*id, *password, *desc;
	char			*cause = NULL;
	int64_t			 posixid;
	int			 shell;

	if (hostd_mo_hostlocalaccountmanager_spec(req, "user", &id, &password,
	    &desc, &posixid, &shell) != 0)
		return (0);
	if (account_exists(au, id, 0)) {
		hostd_mo_hostlocalaccountmanager_fault(req, EEXIST, id, NULL);
		return (0);
	}
	if (account_user_add(au, id, password, desc, (long)posixid,
	    shell == 1, &cause) != 0) {
		hostd_mo_hostlocalaccountmanager_fault(req, errno, id, cause);
		return (0);
	}
	hostd_mo_hostlocalaccountmanager_created(req, id, desc, 0);
	return (0);
}

static int
hostd_mo_hostlocalaccountmanager_update_user(struct hostd_soap_req *req)
{
	struct account	*au = hostd_soap_auth(req->r_soap);
	struct account_entry	*list;
	struct hostd_val	*extra;
	const char		*id, *password, *desc;
	char			*cause = NULL, *prev = NULL;
	size_t			 i, n;
	int64_t			 posixid;
	int			 shell;

	if (hostd_mo_hostlocalaccountmanager_spec(req, "user", &id, &password,
	    &desc, &posixid, &shell) != 0)
		return (0);
	if (!account_exists(au, id, 0)) {
		hostd_mo_hostlocalaccountmanager_unknown(req, id);
		return (0);
	}
	/* Check what can be checked before changing anything. */
	if (password != NULL && strlen(password) < ACCOUNT_PASSWORD_MIN) {
		req->r_fault = hostd_fault_invalid_argument("password");
		return (0);
	}
	if ((list = account_list(au, 0, &n)) != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(list[i].ae_name, id) == 0)
				prev = xstrdup(list[i].ae_fullname);
		}
		account_list_free(list, n);
	}
	if ((desc != NULL && account_user_set_description(au, id, desc,
	    &cause) != 0) || (shell != -1 && account_user_set_shell(au, id,
	    shell, &cause) != 0) || (password != NULL &&
	    account_user_set_password(au, id, password, &cause) != 0)) {
		hostd_mo_hostlocalaccountmanager_fault(req, errno, id, cause);
		free(prev);
		return (0);
	}
	log_info("accounts: user %s updated by %s%s", id,
	    req->r_session->s_user, password != NULL ?
	    " (new password)" : "");
	hostd_mo_hostlocalaccountmanager_changed(req);
	if (desc != NULL || shell != -1) {
		extra = hostd_val_object("AccountUpdatedEvent");
		hostd_val_add(extra, "spec",
		    hostd_mo_hostlocalaccountmanager_event_spec(id, desc));
		hostd_val_add_bool(extra, "group", 0);
		if (prev != NULL)
			hostd_val_add_str(extra, "prevDescription", prev);
		hostd_event_post_extra(req->r_soap, "AccountUpdatedEvent",
		    extra, req->r_session->s_user, "Account %s was updated "
		    "on host ha-host", id);
	}
	if (password != NULL) {
		extra = hostd_val_object("UserPasswordChanged");
		hostd_val_add_str(extra, "userLogin", id);
		hostd_event_post_extra(req->r_soap, "UserPasswordChanged",
		    extra, req->r_session->s_user, "Password was changed for "
		    "account %s on host ha-host", id);
	}
	free(prev);
	return (0);
}

static int
hostd_mo_hostlocalaccountmanager_remove_user(struct hostd_soap_req *req)
{
	return (hostd_mo_hostlocalaccountmanager_remove(req, 0));
}

static int
hostd_mo_hostlocalaccountmanager_create_group(struct hostd_soap_req *req)
{
	struct account	*au = hostd_soap_auth(req->r_soap);
	const char		*id, *password, *desc;
	char			*cause = NULL;
	int64_t			 posixid;
	int			 shell;

	if (hostd_mo_hostlocalaccountmanager_spec(req, "group", &id,
	    &password, &desc, &posixid, &shell) != 0)
		return (0);
	if (account_group_add(au, id, (long)posixid, &cause) != 0) {
		hostd_mo_hostlocalaccountmanager_fault(req, errno, id, cause);
		return (0);
	}
	hostd_mo_hostlocalaccountmanager_created(req, id, desc, 1);
	return (0);
}

static int
hostd_mo_hostlocalaccountmanager_remove_group(struct hostd_soap_req *req)
{
	return (hostd_mo_hostlocalaccountmanager_remove(req, 1));
}

/* RemoveUser (group 0) or RemoveGroup (group 1). */
static int
hostd_mo_hostlocalaccountmanager_remove(struct hostd_soap_req *req, int group)
{
	struct account	*au = hostd_soap_auth(req->r_soap);
	struct hostd_val	*extra;
	const char		*name;
	char			*cause = NULL;
	int			 rc;

	name = hostd_val_str(hostd_val_field(req->r_params,
	    group ? "groupName" : "userName"));
	if (name == NULL || !account_exists(au, name, group)) {
		hostd_mo_hostlocalaccountmanager_unknown(req,
		    name != NULL ? name : "");
		return (0);
	}
	if (group)
		rc = account_group_remove(au, name, &cause);
	else
		rc = account_user_remove(au, name, &cause);
	if (rc != 0) {
		hostd_mo_hostlocalaccountmanager_fault(req, errno, name,
		    cause);
		return (0);
	}
	hostd_mo_hostlocalaccountmanager_drop_perms(req, name, group);
	log_info("accounts: %s %s removed by %s", group ? "group" : "user",
	    name, req->r_session->s_user);
	hostd_mo_hostlocalaccountmanager_changed(req);
	extra = hostd_val_object("AccountRemovedEvent");
	hostd_val_add_str(extra, "account", name);
	hostd_val_add_bool(extra, "group", group);
	hostd_event_post_extra(req->r_soap, "AccountRemovedEvent", extra,
	    req->r_session->s_user, "%s %s was removed on host ha-host",
	    group ? "Group" : "Account", name);
	return (0);
}

/* After CreateUser (group 0) or CreateGroup (group 1) of id: log, tell
 * the watchers, post the event. */
static void
hostd_mo_hostlocalaccountmanager_created(struct hostd_soap_req *req,
    const char *id, const char *desc, int group)
{
	struct hostd_val	*extra;

	log_info("accounts: %s %s created by %s", group ? "group" : "user",
	    id, req->r_session->s_user);
	hostd_mo_hostlocalaccountmanager_changed(req);
	extra = hostd_val_object("AccountCreatedEvent");
	hostd_val_add(extra, "spec",
	    hostd_mo_hostlocalaccountmanager_event_spec(id, desc));
	hostd_val_add_bool(extra, "group", group);
	hostd_event_post_extra(req->r_soap, "AccountCreatedEvent", extra,
	    req->r_session->s_user, "%s %s was created on host ha-host",
	    group ? "Group" : "Account", id);
}

static int
hostd_mo_hostlocalaccountmanager_member(struct hostd_soap_req *req, int add)
{
	struct account	*au = hostd_soap_auth(req->r_soap);
	const char		*user, *group;
	char			*cause = NULL;

	user = hostd_val_str(hostd_val_field(req->r_params, "user"));
	group = hostd_val_str(hostd_val_field(req->r_params, "group"));
	if (user == NULL || group == NULL) {
		req->r_fault = hostd_fault_invalid_argument(user == NULL ?
		    "user" : "group");
		return (0);
	}
	if (!account_exists(au, user, 0) || !account_exists(au, group, 1)) {
		hostd_mo_hostlocalaccountmanager_unknown(req,
		    !account_exists(au, user, 0) ? user : group);
		return (0);
	}
	if (account_group_member(au, user, group, add, &cause) != 0) {
		hostd_mo_hostlocalaccountmanager_fault(req, errno,
		    errno == EEXIST ? user : group, cause);
		return (0);
	}
	log_info("accounts: %s %s group %s by %s", user, add ? "added to" :
	    "removed from", group, req->r_session->s_user);
	hostd_mo_hostlocalaccountmanager_changed(req);
	return (0);
}

static int
hostd_mo_hostlocalaccountmanager_assign(struct hostd_soap_req *req)
{
	return (hostd_mo_hostlocalaccountmanager_member(req, 1));
}

static int
hostd_mo_hostlocalaccountmanager_unassign(struct hostd_soap_req *req)
{
	return (hostd_mo_hostlocalaccountmanager_member(req, 0));
}
