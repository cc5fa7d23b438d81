/* SPDX-License-Identifier: ISC */
/*
 * UserDirectory ha-user-directory (vi-api.md §6.2): RetrieveUserGroups
 * over the local accounts of lib/account.c.  Results are
 * PosixUserSearchResult (principal, fullName, group, id, shellAccess);
 * domain must be empty or the host's own (local accounts have none, and
 * domainList is empty).
 *
 * Any logged-in session may call it (System.Anonymous), because the local
 * console (dcui) logs a person in and then asks whether that person may
 * use it: RetrieveUserGroups(searchStr=<self>, exactMatch=true,
 * findUsers=true, findGroups=false, belongsToGroup="localadmin") answers
 * one result exactly when account_is_console_admin holds.  A session
 * without System.Read on the root folder sees only its own account, so
 * the call reveals nothing else to it.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostd.h"
#include "xmalloc.h"

/* Most results returned, as ESX caps directory searches. */
#define HOSTD_MO_USERDIRECTORY_MAX	5000

static int	hostd_mo_userdirectory_retrieve(struct hostd_soap_req *);
static struct hostd_val *hostd_mo_userdirectory_domains(
		    const struct hostd_inventory_ctx *);
static int	hostd_mo_userdirectory_match(const char *, const char *,
		    int);
static int	hostd_mo_userdirectory_member(struct account *,
		    const char *, const char *);

static const struct hostd_soap_param hostd_mo_userdirectory_retrieve_p[] = {
	{ "domain", "string", HOSTD_SOAP_OPTIONAL },
	{ "searchStr", "string", 0 },
	{ "belongsToGroup", "string", HOSTD_SOAP_OPTIONAL },
	{ "belongsToUser", "string", HOSTD_SOAP_OPTIONAL },
	{ "exactMatch", "boolean", 0 },
	{ "findUsers", "boolean", 0 },
	{ "findGroups", "boolean", 0 },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_userdirectory_methods[] = {
	{ "RetrieveUserGroups", "UserDirectory", "System.Anonymous", 0,
	  hostd_mo_userdirectory_retrieve,
	  hostd_mo_userdirectory_retrieve_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_userdirectory_props[] = {
	{ "domainList", hostd_mo_userdirectory_domains, "System.View", NULL },
	{ NULL, NULL, NULL, NULL }
};

static struct hostd_val *
hostd_mo_userdirectory_domains(const struct hostd_inventory_ctx *c)
{
	(void)c;
	return (hostd_val_array("string"));
}

/* ESX matches a substring, case-insensitively, unless exact. */
static int
hostd_mo_userdirectory_match(const char *name, const char *search,
    int exact)
{
	if (*search == '\0')
		return (!exact);
	if (exact)
		return (strcmp(name, search) == 0);
	return (strcasestr(name, search) != NULL);
}

/* 1 if user belongs to group; localadmin also holds root, as for dcui. */
static int
hostd_mo_userdirectory_member(struct account *au, const char *user,
    const char *group)
{
	char	**groups;
	size_t	  i;
	int	  in = 0;

	if (strcmp(group, ACCOUNT_CONSOLE_GROUP) == 0)
		return (account_is_console_admin(au, user));
	if ((groups = account_groups(au, user)) == NULL)
		return (0);
	for (i = 0; groups[i] != NULL; i++)
		in |= strcmp(groups[i], group) == 0;
	account_groups_free(groups);
	return (in);
}

static int
hostd_mo_userdirectory_retrieve(struct hostd_soap_req *req)
{
	struct account		*au = hostd_soap_auth(req->r_soap);
	struct account_entry	*list;
	struct hostd_val	*arr, *r;
	const char		*domain, *search, *ingroup, *hasuser, *self;
	size_t			 n, i, count = 0;
	int			 exact, users, groups, all, g;

	domain = hostd_val_str(hostd_val_field(req->r_params, "domain"));
	search = hostd_val_str(hostd_val_field(req->r_params, "searchStr"));
	ingroup = hostd_val_str(hostd_val_field(req->r_params,
	    "belongsToGroup"));
	hasuser = hostd_val_str(hostd_val_field(req->r_params,
	    "belongsToUser"));
	if (search == NULL ||
	    hostd_val_get_bool(hostd_val_field(req->r_params, "exactMatch"),
	    &exact) != 0 ||
	    hostd_val_get_bool(hostd_val_field(req->r_params, "findUsers"),
	    &users) != 0 ||
	    hostd_val_get_bool(hostd_val_field(req->r_params, "findGroups"),
	    &groups) != 0) {
		req->r_fault = hostd_fault_invalid_argument("searchStr");
		return (0);
	}
	if (domain != NULL && *domain != '\0') {
		req->r_fault = hostd_fault_create("NotFound", "Domain %.64s "
		    "is not known to this host.", domain);
		return (0);
	}
	self = req->r_session->s_user;
	all = hostd_authz_allowed(req->r_soap, req->r_session, NULL,
	    "System.Read");
	arr = hostd_val_array("UserSearchResult");
	for (g = 0; g < 2; g++) {
		if ((g == 0 && !users) || (g == 1 && !groups))
			continue;
		if ((list = account_list(au, g, &n)) == NULL)
			continue;
		for (i = 0; i < n && count < HOSTD_MO_USERDIRECTORY_MAX; i++) {
			if (!hostd_mo_userdirectory_match(list[i].ae_name,
			    search, exact))
				continue;
			if (!all && (g == 1 || strcmp(list[i].ae_name,
			    self) != 0))
				continue;
			if (g == 0 && ingroup != NULL &&
			    !hostd_mo_userdirectory_member(au,
			    list[i].ae_name, ingroup))
				continue;
			if (g == 1 && hasuser != NULL &&
			    !hostd_mo_userdirectory_member(au, hasuser,
			    list[i].ae_name))
				continue;
			r = hostd_val_object("PosixUserSearchResult");
			hostd_val_add_str(r, "principal", list[i].ae_name);
			hostd_val_add_str(r, "fullName", list[i].ae_fullname);
			hostd_val_add_bool(r, "group", g);
			hostd_val_add_int(r, "id", (int32_t)list[i].ae_id);
			if (g == 0)
				hostd_val_add_bool(r, "shellAccess",
				    list[i].ae_shell);
			hostd_val_push(arr, r);
			count++;
		}
		account_list_free(list, n);
	}
	req->r_result = arr;
	req->r_result_decl = "UserSearchResult";
	return (0);
}
