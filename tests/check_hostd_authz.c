/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hostd/authz.c and hostd/event.c: the effective role of a
 * user on an entity (the nearest permission up the parent chain, a
 * user's own before its groups', propagate), deny by default, root as
 * Admin, the system roles and custom role rules, the file round trip and
 * its errors, and the event ring's bound and order.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "hostd.h"
#include "xmalloc.h"

struct check_hostd_authz_env {
	char			 dir[64];
	struct hostd_inventory	*inv;
	struct hostd_authz	*az;
};

static void
check_hostd_authz_setup(struct check_hostd_authz_env *e)
{
	char	*cause = NULL;

	strcpy(e->dir, "/tmp/check_hostd_authz.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(e->dir));
	e->inv = hostd_inventory_create(NULL, e->dir, NULL);
	e->az = hostd_authz_create(NULL, &cause);
	ck_assert_ptr_nonnull(e->az);
}

static void
check_hostd_authz_teardown(struct check_hostd_authz_env *e)
{
	char	*cmd;

	hostd_authz_free(e->az);
	hostd_inventory_free(e->inv);
	xasprintf(&cmd, "rm -rf '%s'", e->dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static struct hostd_mo *
check_hostd_authz_mo(struct check_hostd_authz_env *e, const char *id)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(e->inv, NULL, id, NULL);
	ck_assert_ptr_nonnull(mo);
	return (mo);
}

static int
check_hostd_authz_can(struct check_hostd_authz_env *e, const char *id,
    const char *user, char *const *groups, const char *priv)
{
	return (hostd_authz_check(e->az, e->inv, id != NULL ?
	    check_hostd_authz_mo(e, id) : NULL, user, groups, priv));
}

START_TEST(check_hostd_authz_inherit)
{
	struct check_hostd_authz_env	e;
	int32_t				roles[4];

	check_hostd_authz_setup(&e);
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder", HOSTD_MO_ROOT,
	    "ro", 0, HOSTD_AUTHZ_READONLY, 1), 0);
	/* Inherited down to the host. */
	ck_assert_uint_eq(hostd_authz_effective(e.az, check_hostd_authz_mo(&e,
	    HOSTD_MO_HOST), "ro", NULL, roles, 4), 1);
	ck_assert_int_eq(roles[0], HOSTD_AUTHZ_READONLY);
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "ro", NULL,
	    "System.Read"));
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "ro", NULL,
	    "System.View"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_POOL, "ro", NULL,
	    "VirtualMachine.Interact.PowerOn"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, "ro", NULL,
	    "Authorization.ModifyRoles"));
	/* A nearer permission wins over the inherited one. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "ComputeResource",
	    HOSTD_MO_COMPUTE, "ro", 0, HOSTD_AUTHZ_ADMIN, 1), 0);
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "ro", NULL,
	    "VirtualMachine.Interact.PowerOn"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_DATACENTER, "ro", NULL,
	    "VirtualMachine.Interact.PowerOn"));
	/* NoAccess below an Admin permission denies everything. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "HostSystem",
	    HOSTD_MO_HOST, "ro", 0, HOSTD_AUTHZ_NOACCESS, 1), 0);
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_HOST, "ro", NULL,
	    "System.Read"));
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_POOL, "ro", NULL,
	    "System.Read"));
	/* Managers are judged by the root folder. */
	ck_assert(check_hostd_authz_can(&e, "ha-searchindex", "ro", NULL,
	    "System.View"));
	ck_assert(check_hostd_authz_can(&e, NULL, "ro", NULL,
	    "System.Read"));
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_propagate)
{
	struct check_hostd_authz_env	e;
	int32_t				roles[4];

	check_hostd_authz_setup(&e);
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Datacenter",
	    HOSTD_MO_DATACENTER, "bob", 0, HOSTD_AUTHZ_ADMIN, 0), 0);
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_DATACENTER, "bob", NULL,
	    "Host.Config.Settings"));
	/* Not on the children, nor on the parent. */
	ck_assert_uint_eq(hostd_authz_effective(e.az, check_hostd_authz_mo(&e,
	    HOSTD_MO_VMFOLDER), "bob", NULL, roles, 4), 0);
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_VMFOLDER, "bob", NULL,
	    "System.View"));
	/* The parent shows its name only, as on ESX, so bob can walk. */
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_ROOT, "bob", NULL,
	    "System.View"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, "bob", NULL,
	    "System.Read"));
	/* Not on a sibling branch. */
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_HOST, "bob", NULL,
	    "System.View"));
	/* A NoAccess permission there hides the ancestor again. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder",
	    HOSTD_MO_ROOT, "bob", 0, HOSTD_AUTHZ_NOACCESS, 0), 0);
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, "bob", NULL,
	    "System.View"));
	ck_assert_int_eq(hostd_authz_perm_remove(e.az, HOSTD_MO_ROOT, "bob",
	    0), 0);
	/* A NoAccess permission below gives no view of its ancestors. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "HostSystem",
	    HOSTD_MO_HOST, "eve", 0, HOSTD_AUTHZ_NOACCESS, 1), 0);
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, "eve", NULL,
	    "System.View"));
	ck_assert_int_eq(hostd_authz_perm_remove(e.az, HOSTD_MO_HOST, "eve",
	    0), 0);
	/* Replacing the permission of the same principal: propagate now. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Datacenter",
	    HOSTD_MO_DATACENTER, "bob", 0, HOSTD_AUTHZ_READONLY, 1), 0);
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_VMFOLDER, "bob", NULL,
	    "System.Read"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_DATACENTER, "bob", NULL,
	    "Host.Config.Settings"));
	ck_assert_ptr_nonnull(hostd_authz_perm_next(e.az, NULL));
	ck_assert_ptr_null(hostd_authz_perm_next(e.az,
	    hostd_authz_perm_next(e.az, NULL)));
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_groups)
{
	struct check_hostd_authz_env	 e;
	char				*ops[] = { "users", "ops", NULL };
	char				*both[] = { "ops", "auditors", NULL };
	int32_t				 roles[4];
	const char			*bad = NULL;
	char				*privs[] = {
					    "VirtualMachine.Interact.PowerOn",
					    NULL };
	int32_t				 id;

	check_hostd_authz_setup(&e);
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder",
	    HOSTD_MO_HOSTFOLDER, "ops", 1, HOSTD_AUTHZ_READONLY, 1), 0);
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "carol", ops,
	    "System.Read"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_HOST, "carol", NULL,
	    "System.Read"));
	/* A user permission on the same entity beats the group's. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder",
	    HOSTD_MO_HOSTFOLDER, "carol", 0, HOSTD_AUTHZ_NOACCESS, 1), 0);
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_HOST, "carol", ops,
	    "System.Read"));
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "dave", ops,
	    "System.Read"));
	/* Two groups on one entity: the union of their roles. */
	id = hostd_authz_role_add(e.az, "PowerUser", privs, &bad);
	ck_assert_int_ge(id, HOSTD_AUTHZ_FIRST_ID);
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder",
	    HOSTD_MO_HOSTFOLDER, "auditors", 1, id, 1), 0);
	ck_assert_uint_eq(hostd_authz_effective(e.az, check_hostd_authz_mo(&e,
	    HOSTD_MO_HOST), "dave", both, roles, 4), 2);
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "dave", both,
	    "VirtualMachine.Interact.PowerOn"));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_HOST, "dave", ops,
	    "VirtualMachine.Interact.PowerOn"));
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_deny)
{
	struct check_hostd_authz_env	e;
	int32_t				roles[4];

	check_hostd_authz_setup(&e);
	/* No permission at all: nothing but System.Anonymous. */
	ck_assert_uint_eq(hostd_authz_effective(e.az, check_hostd_authz_mo(&e,
	    HOSTD_MO_ROOT), "nobody", NULL, roles, 4), 0);
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, "nobody", NULL,
	    "System.View"));
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_ROOT, "nobody", NULL,
	    "System.Anonymous"));
	/* No privilege named: refused, even for root. */
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, "root", NULL,
	    NULL));
	ck_assert(!check_hostd_authz_can(&e, HOSTD_MO_ROOT, NULL, NULL,
	    "System.View"));
	/* root is Admin without any permission. */
	ck_assert(check_hostd_authz_can(&e, HOSTD_MO_HOST, "root", NULL,
	    "Host.Config.Settings"));
	ck_assert_uint_eq(hostd_authz_effective(e.az, check_hostd_authz_mo(&e,
	    HOSTD_MO_HOST), "root", NULL, roles, 4), 1);
	ck_assert_int_eq(roles[0], HOSTD_AUTHZ_ADMIN);
	/* An unknown role cannot be granted. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder", HOSTD_MO_ROOT,
	    "x", 0, 77, 1), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(hostd_authz_perm_remove(e.az, HOSTD_MO_ROOT, "x",
	    0), -1);
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_roles)
{
	struct check_hostd_authz_env	 e;
	const struct hostd_authz_role	*r;
	const char			*bad = NULL;
	char				*privs[] = { "Host.Config.Settings",
					    NULL };
	char				*badp[] = { "System.Read", "Bogus.Priv",
					    NULL };
	int32_t				 id;

	check_hostd_authz_setup(&e);
	/* The system roles with ESX's ids and names. */
	ck_assert_str_eq(hostd_authz_role(e.az, -1)->ar_name, "Admin");
	ck_assert_str_eq(hostd_authz_role(e.az, -2)->ar_name, "ReadOnly");
	ck_assert_str_eq(hostd_authz_role(e.az, -3)->ar_name, "View");
	ck_assert_str_eq(hostd_authz_role(e.az, -4)->ar_name, "Anonymous");
	ck_assert_str_eq(hostd_authz_role(e.az, -5)->ar_name, "NoAccess");
	ck_assert_uint_eq(hostd_authz_role(e.az, -5)->ar_nprivs, 0);
	ck_assert_uint_eq(hostd_authz_role(e.az, -2)->ar_nprivs, 3);
	ck_assert(hostd_authz_role_has(hostd_authz_role(e.az, -1),
	    "Cryptographer.ManageKeys"));
	ck_assert(!hostd_authz_role_has(hostd_authz_role(e.az, -6),
	    "Cryptographer.ManageKeys"));
	/* Custom roles get the System three and ids from 10. */
	id = hostd_authz_role_add(e.az, "Operator", privs, &bad);
	ck_assert_int_eq(id, HOSTD_AUTHZ_FIRST_ID);
	r = hostd_authz_role(e.az, id);
	ck_assert_uint_eq(r->ar_nprivs, 4);
	ck_assert(hostd_authz_role_has(r, "System.Read"));
	ck_assert(!r->ar_system);
	ck_assert_int_eq(hostd_authz_role_add(e.az, "Operator", privs, &bad),
	    -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(hostd_authz_role_add(e.az, "Other", badp, &bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(bad, "Bogus.Priv");
	ck_assert_int_eq(hostd_authz_role_add(e.az, "", privs, &bad), -1);
	/* System roles cannot change or go. */
	ck_assert_int_eq(hostd_authz_role_update(e.az, -2, "X", NULL, &bad),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(hostd_authz_role_remove(e.az, -1, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(hostd_authz_role_remove(e.az, 99, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* In use: failIfUsed refuses, otherwise its permissions go. */
	ck_assert_int_eq(hostd_authz_perm_set(e.az, "Folder", HOSTD_MO_ROOT,
	    "op", 0, id, 1), 0);
	ck_assert_int_eq(hostd_authz_role_remove(e.az, id, 1), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(hostd_authz_role_update(e.az, id, "Operator2", NULL,
	    &bad), 0);
	ck_assert_ptr_nonnull(hostd_authz_role_by_name(e.az, "Operator2"));
	ck_assert_int_eq(hostd_authz_role_remove(e.az, id, 0), 0);
	ck_assert_ptr_null(hostd_authz_perm_next(e.az, NULL));
	check_hostd_authz_teardown(&e);
}
END_TEST

static void
check_hostd_authz_write(const char *dir, const char *text)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/etc", dir);
	mkdir(path, 0755);
	free(path);
	xasprintf(&path, "%s/etc/vireo", dir);
	mkdir(path, 0755);
	free(path);
	xasprintf(&path, "%s/etc/vireo/authorization.xml", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

START_TEST(check_hostd_authz_file)
{
	struct check_hostd_authz_env	 e;
	struct hostd_authz		*az, *az2;
	const char			*bad = NULL;
	char				*privs[] = { "Host.Config.Settings",
					    NULL };
	char				*cause = NULL;
	int32_t				 id;

	check_hostd_authz_setup(&e);
	check_hostd_authz_write(e.dir, hostd_authz_default());
	az = hostd_authz_create(e.dir, &cause);
	ck_assert_ptr_nonnull(az);
	ck_assert(hostd_authz_check(az, e.inv, NULL, "root", NULL,
	    "System.Read"));
	id = hostd_authz_role_add(az, "Ops <&\"> team", privs, &bad);
	ck_assert_int_ge(id, 10);
	ck_assert_int_eq(hostd_authz_perm_set(az, "Folder", HOSTD_MO_ROOT,
	    "ro", 0, HOSTD_AUTHZ_READONLY, 1), 0);
	ck_assert_int_eq(hostd_authz_perm_set(az, "HostSystem", HOSTD_MO_HOST,
	    "ops", 1, id, 0), 0);
	ck_assert_int_eq(hostd_authz_save(az, &cause), 0);
	az2 = hostd_authz_create(e.dir, &cause);
	ck_assert_ptr_nonnull(az2);
	ck_assert_ptr_nonnull(hostd_authz_role_by_name(az2, "Ops <&\"> team"));
	ck_assert(hostd_authz_role_has(hostd_authz_role(az2, id),
	    "Host.Config.Settings"));
	ck_assert(hostd_authz_check(az2, e.inv, check_hostd_authz_mo(&e,
	    HOSTD_MO_HOST), "ro", NULL, "System.Read"));
	ck_assert(!hostd_authz_check(az2, e.inv, check_hostd_authz_mo(&e,
	    HOSTD_MO_HOST), "ro", NULL, "Host.Config.Settings"));
	{
		char	*g[] = { "ops", NULL };

		ck_assert(hostd_authz_check(az2, e.inv,
		    check_hostd_authz_mo(&e, HOSTD_MO_HOST), "x", g,
		    "Host.Config.Settings"));
	}
	hostd_authz_free(az2);
	hostd_authz_free(az);
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_badfile)
{
	struct check_hostd_authz_env	 e;
	char				*cause = NULL;

	check_hostd_authz_setup(&e);
	check_hostd_authz_write(e.dir, "<authorization>\n"
	    "<permission entityType=\"Folder\" entity=\"ha-folder-root\" "
	    "principal=\"x\" group=\"false\" roleId=\"42\" "
	    "propagate=\"true\"/>\n</authorization>\n");
	ck_assert_ptr_null(hostd_authz_create(e.dir, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "authorization.xml:2: unknown "
	    "role"));
	free(cause);
	cause = NULL;
	check_hostd_authz_write(e.dir, "<authorization>\n\n<role id=\"10\" "
	    "name=\"r\"><privilege>No.Such</privilege></role>"
	    "</authorization>\n");
	ck_assert_ptr_null(hostd_authz_create(e.dir, &cause));
	ck_assert_ptr_nonnull(strstr(cause, ":3: unknown privilege"));
	free(cause);
	cause = NULL;
	check_hostd_authz_write(e.dir, "<authorization><role id=\"-1\" "
	    "name=\"Admin\"/></authorization>");
	ck_assert_ptr_null(hostd_authz_create(e.dir, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "bad role id"));
	free(cause);
	cause = NULL;
	check_hostd_authz_write(e.dir, "<!DOCTYPE x [<!ENTITY a \"b\">]>"
	    "<authorization/>");
	ck_assert_ptr_null(hostd_authz_create(e.dir, &cause));
	free(cause);
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_limits)
{
	struct check_hostd_authz_env	 e;
	const char			*bad = NULL;
	char				 name[300];
	int				 i;

	check_hostd_authz_setup(&e);
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	ck_assert_int_eq(hostd_authz_role_add(e.az, name, NULL, &bad), -1);
	ck_assert_int_eq(hostd_authz_role_add(e.az, "tab\there", NULL, &bad),
	    -1);
	for (i = 0; i < HOSTD_AUTHZ_MAX_ROLES; i++) {
		snprintf(name, sizeof name, "r%d", i);
		if (hostd_authz_role_add(e.az, name, NULL, &bad) == -1)
			break;
	}
	ck_assert_int_eq(errno, ENOSPC);
	check_hostd_authz_teardown(&e);
}
END_TEST

START_TEST(check_hostd_authz_events)
{
	struct hostd_event_log		*el;
	struct hostd_soap		*hs;
	const struct hostd_event	*ev;
	struct hostd_val		*v;
	char				 dir[64] = "/tmp/check_hostd_ev.XXXXXX";
	char				*cause = NULL, *cmd;
	int				 i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	hs = hostd_soap_create(NULL, dir, NULL, &cause);
	ck_assert_ptr_nonnull(hs);
	for (i = 0; i < HOSTD_EVENT_MAX + 5; i++)
		ck_assert_int_eq(hostd_event_post(hs, "GeneralInfoEvent", NULL,
		    "root", "event %d", i), i + 1);
	ck_assert_int_eq(hostd_event_post(hs, "NoSuchEvent", NULL, NULL,
	    "x"), -1);
	el = hostd_soap_events(hs);
	ev = hostd_event_prev(el, NULL);
	ck_assert_int_eq(ev->ev_key, HOSTD_EVENT_MAX + 5);
	ck_assert_ptr_null(hostd_event_find(el, 5));
	ck_assert_ptr_nonnull(hostd_event_find(el, 6));
	for (i = 0; ev != NULL; i++)
		ev = hostd_event_prev(el, ev);
	ck_assert_int_eq(i, HOSTD_EVENT_MAX);
	v = hostd_event_to_val(hostd_event_find(el, 7));
	ck_assert_str_eq(v->v_type, "GeneralInfoEvent");
	ck_assert_str_eq(hostd_val_str(hostd_val_field(v,
	    "fullFormattedMessage")), "event 6");
	ck_assert_str_eq(hostd_val_str(hostd_val_field(v, "message")),
	    "event 6");
	hostd_val_free(v);
	hostd_soap_free(hs);
	xasprintf(&cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

static Suite *
check_hostd_authz_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("hostd_authz");
	tc = tcase_create("core");
	tcase_add_test(tc, check_hostd_authz_inherit);
	tcase_add_test(tc, check_hostd_authz_propagate);
	tcase_add_test(tc, check_hostd_authz_groups);
	tcase_add_test(tc, check_hostd_authz_roles);
	tcase_add_test(tc, check_hostd_authz_file);
	tcase_add_test(tc, check_hostd_authz_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, check_hostd_authz_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_hostd_authz_deny);
	tcase_add_test(tc, check_hostd_authz_badfile);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_hostd_authz_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
