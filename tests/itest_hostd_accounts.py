#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# Local accounts as unmodified pyVmomi 6.7 sees them (run by
# itest_hostd_accounts.sh on a fresh --root): HostLocalAccountManager
# CreateUser/UpdateUser/RemoveUser and the group methods, with the faults
# ESX gives; logins that follow a password change at once; UserDirectory
# RetrieveUserGroups (the console-admin check dcui makes); permissions of
# a removed user gone; a ReadOnly user refused with NoPermission; the
# account events.
#
# Usage: itest_hostd_accounts.py PORT ROOT.  Exit 0 pass, 1 fail, 77 skip.

import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
ROOT = sys.argv[2]
ETC = os.path.join(ROOT, "etc/vireo")


def fault_of(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except vmodl.MethodFault as f:
        return f
    return None


def login_fails(user, pwd):
    try:
        Disconnect(connect(PORT, user, pwd))
    except vim.fault.InvalidLogin:
        return True
    return False


def spec(uid, pwd=None, desc=None):
    return vim.host.LocalAccountManager.AccountSpecification(
        id=uid, password=pwd, description=desc)


def find(ud, search, users=True, groups=False, exact=True, group=None):
    return ud.RetrieveUserGroups(domain=None, searchStr=search,
                                 belongsToGroup=group, belongsToUser=None,
                                 exactMatch=exact, findUsers=users,
                                 findGroups=groups)


si = connect(PORT, "root", "")
content = si.content
am = content.accountManager
ud = content.userDirectory
auth = content.authorizationManager
root_folder = content.rootFolder
check("ServiceContent.accountManager is ha-localacctmgr",
      am._moId == "ha-localacctmgr")
check("ServiceContent.userDirectory is ha-user-directory",
      ud._moId == "ha-user-directory")

# ---- fresh host: root in localadmin -------------------------------------
r = find(ud, "root", group="localadmin")
check("root is a console admin (belongsToGroup=localadmin)",
      len(r) == 1 and r[0].principal == "root" and not r[0].group, r)
g = find(ud, "localadmin", users=False, groups=True)
check("the group localadmin exists on a fresh host",
      len(g) == 1 and g[0].group, g)

# ---- CreateUser ------------------------------------------------------------
f = fault_of(am.CreateUser, spec("alice", "short", "Alice A"))
check("a password under 8 characters is InvalidArgument",
      isinstance(f, vmodl.fault.InvalidArgument) and
      f.invalidProperty == "password", f)
f = fault_of(am.CreateUser, spec("Bad:Name", "Alice-pass1"))
check("a bad user name is InvalidArgument",
      isinstance(f, vmodl.fault.InvalidArgument), f)
am.CreateUser(spec("alice", "Alice-pass1", "Alice A"))
check("CreateUser alice", True)
f = fault_of(am.CreateUser, spec("alice", "Alice-pass2"))
check("CreateUser of an existing user is AlreadyExists with name",
      isinstance(f, vim.fault.AlreadyExists) and f.name == "alice", f)

a = connect(PORT, "alice", "Alice-pass1")
check("alice logs in with her password", a.content.sessionManager
      .currentSession.userName == "alice")
check("a wrong password is InvalidLogin", login_fails("alice", "wrong-pass"))

r = find(ud, "alice")
check("RetrieveUserGroups finds alice with her full name",
      len(r) == 1 and r[0].principal == "alice" and
      r[0].fullName == "Alice A" and not r[0].group, r)
check("... as a PosixUserSearchResult with an id",
      isinstance(r[0], vim.PosixUserSearchResult) and r[0].id > 1000, r)
r = find(ud, "ali", exact=False)
check("a substring search finds alice", [x.principal for x in r] ==
      ["alice"], r)
check("alice is not a console admin",
      find(ud, "alice", group="localadmin") == [])
# What dcui does after alice's Login: her own session, no permission.
aud = a.content.userDirectory
r = find(aud, "alice", group="localadmin")
check("alice's own session: not a console admin", r == [], r)
r = find(aud, "root")
check("a session without System.Read sees only itself", r == [], r)

# ---- UpdateUser: the password change applies at once -------------------------
am.UpdateUser(spec("alice", "Alice-pass2"))
check("after UpdateUser the old password fails",
      login_fails("alice", "Alice-pass1"))
a2 = connect(PORT, "alice", "Alice-pass2")
check("after UpdateUser the new password works", a2 is not None)
Disconnect(a2)
f = fault_of(am.UpdateUser, spec("alice", "1234"))
check("UpdateUser with a short password is InvalidArgument",
      isinstance(f, vmodl.fault.InvalidArgument), f)
am.UpdateUser(spec("alice", desc="Alice B"))
check("UpdateUser changes the description",
      find(ud, "alice")[0].fullName == "Alice B")
f = fault_of(am.UpdateUser, spec("nobody", "Nobody-pass1"))
check("UpdateUser of an unknown user is UserNotFound",
      isinstance(f, vim.fault.UserNotFound) and f.principal == "nobody", f)

# ---- groups ----------------------------------------------------------------
am.CreateGroup(vim.host.LocalAccountManager.AccountSpecification(
    id="devs", description="Developers"))
f = fault_of(am.CreateGroup,
             vim.host.LocalAccountManager.AccountSpecification(id="devs"))
check("CreateGroup of an existing group is AlreadyExists",
      isinstance(f, vim.fault.AlreadyExists), f)
am.AssignUserToGroup(user="alice", group="devs")
f = fault_of(am.AssignUserToGroup, user="alice", group="devs")
check("a second AssignUserToGroup is AlreadyExists",
      isinstance(f, vim.fault.AlreadyExists), f)
f = fault_of(am.AssignUserToGroup, user="alice", group="nogroup")
check("AssignUserToGroup to an unknown group is UserNotFound",
      isinstance(f, vim.fault.UserNotFound), f)
r = find(ud, "alice", group="devs")
check("alice belongs to devs", len(r) == 1, r)
am.UnassignUserFromGroup(user="alice", group="devs")
check("UnassignUserFromGroup", find(ud, "alice", group="devs") == [])
f = fault_of(am.UnassignUserFromGroup, user="alice", group="devs")
check("UnassignUserFromGroup of a non-member is InvalidArgument",
      isinstance(f, vmodl.fault.InvalidArgument), f)

# localadmin makes a console admin.
am.AssignUserToGroup(user="alice", group="localadmin")
r = find(aud, "alice", group="localadmin")
check("alice in localadmin: console admin from her own session",
      len(r) == 1 and r[0].principal == "alice", r)
am.UnassignUserFromGroup(user="alice", group="localadmin")

# ---- permissions: ReadOnly cannot manage accounts ---------------------------
am.CreateUser(spec("rouser", "Rouser-pass1"))
auth.SetEntityPermissions(entity=root_folder, permission=[
    vim.AuthorizationManager.Permission(principal="rouser", group=False,
                                        roleId=-2, propagate=True),
    vim.AuthorizationManager.Permission(principal="alice", group=False,
                                        roleId=-2, propagate=True)])
ro = connect(PORT, "rouser", "Rouser-pass1")
f = fault_of(ro.content.accountManager.CreateUser,
             spec("mallory", "Mallory-pass1"))
check("a ReadOnly user cannot CreateUser (NoPermission)",
      isinstance(f, vim.fault.NoPermission) and
      f.privilegeId == "Host.Local.ManageUserGroups", f)
f = fault_of(ro.content.accountManager.UpdateUser, spec("root", "Root-pass1"))
check("a ReadOnly user cannot change root's password",
      isinstance(f, vim.fault.NoPermission), f)
r = find(ro.content.userDirectory, "root")
check("a ReadOnly user (System.Read) finds other users", len(r) == 1, r)
Disconnect(ro)

# ---- RemoveUser ------------------------------------------------------------
f = fault_of(am.RemoveUser, "root")
check("root cannot be removed", isinstance(f, vmodl.fault.InvalidArgument),
      f)
am.AssignUserToGroup(user="alice", group="devs")
am.RemoveUser("alice")
check("alice's login fails once she is removed",
      login_fails("alice", "Alice-pass2"))
perms = auth.RetrieveAllPermissions()
check("the permission of the removed user is gone",
      not any(p.principal == "alice" for p in perms) and
      any(p.principal == "rouser" for p in perms), perms)
check("and her group membership", ":alice" not in
      open(os.path.join(ETC, "group")).read() and ",alice" not in
      open(os.path.join(ETC, "group")).read())
f = fault_of(am.RemoveUser, "alice")
check("RemoveUser of an unknown user is UserNotFound",
      isinstance(f, vim.fault.UserNotFound), f)
am.RemoveGroup("devs")
f = fault_of(am.RemoveGroup, "devs")
check("RemoveGroup of an unknown group is UserNotFound",
      isinstance(f, vim.fault.UserNotFound), f)
f = fault_of(am.RemoveGroup, "localadmin")
check("localadmin cannot be removed",
      isinstance(f, vmodl.fault.InvalidArgument), f)

# ---- events ----------------------------------------------------------------
types = [type(e).__name__ for e in content.eventManager.QueryEvents(
    vim.event.EventFilterSpec())]
for t in ("AccountCreatedEvent", "AccountUpdatedEvent",
          "UserPasswordChanged", "AccountRemovedEvent"):
    check("event %s posted" % t, any(x.endswith(t) for x in types), types)
ev = [e for e in content.eventManager.QueryEvents(vim.event.EventFilterSpec())
      if isinstance(e, vim.event.AccountCreatedEvent)]
check("AccountCreatedEvent carries the spec", ev and
      ev[-1].spec.id in ("alice", "devs", "rouser"), ev)

# ---- files -----------------------------------------------------------------
sh = os.path.join(ETC, "shadow")
check("shadow has mode 0600", stat.S_IMODE(os.stat(sh).st_mode) == 0o600,
      oct(os.stat(sh).st_mode))
hashes = [l.split(":")[1] for l in open(sh) if not l.startswith("root:")]
check("every set password is a SHA-512 crypt hash",
      hashes and all(h.startswith("$6$") for h in hashes), hashes)

# Keep rouser for the shell script's log checks, then root's password.
am.UpdateUser(spec("root", "Root-pass1"))
check("root's new password works at once",
      connect(PORT, "root", "Root-pass1") is not None)
check("root's blank password is gone", login_fails("root", ""))
Disconnect(a)
summary()
