#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# Authorization and events as unmodified pyVmomi 6.7 sees them (run by
# itest_hostd_authz.sh on a root where ro is ReadOnly on the root folder
# and np has no permission): ro reads the inventory but gets
# vim.fault.NoPermission with privilegeId for changes; np sees nothing
# (its reads fault from the missingSet); root adds a role, grants and
# removes permissions, and the usual faults come back; QueryEvents and
# an EventHistoryCollector show the login events.
#
# Usage: itest_hostd_authz.py PORT.  Exit 0 pass, 1 fail, 77 skip.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
PCQ = vmodl.query.PropertyCollector


def fault_of(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except vmodl.MethodFault as f:
        return f
    return None


def walk(si):
    """Every object a full traversal from rootFolder reports, with name."""
    ts = [PCQ.TraversalSpec(name="f", type=vim.Folder, path="childEntity",
                            selectSet=[PCQ.SelectionSpec(name="f"),
                                       PCQ.SelectionSpec(name="d"),
                                       PCQ.SelectionSpec(name="c")]),
          PCQ.TraversalSpec(name="d", type=vim.Datacenter, path="hostFolder",
                            selectSet=[PCQ.SelectionSpec(name="f")]),
          PCQ.TraversalSpec(name="c", type=vim.ComputeResource,
                            path="host")]
    spec = PCQ.FilterSpec(
        objectSet=[PCQ.ObjectSpec(obj=si.content.rootFolder,
                                  selectSet=ts)],
        propSet=[PCQ.PropertySpec(type=vim.ManagedEntity,
                                  pathSet=["name"])])
    return si.content.propertyCollector.RetrieveContents([spec])


root = connect(PORT, "root", "")
ro = connect(PORT, "ro", "Ro-pass1!")
np = connect(PORT, "np", "Np-pass1!")
am = root.content.authorizationManager

# ---- the manager's properties ------------------------------------------
roles = {r.roleId: r for r in am.roleList}
check("system roles with ESX ids", roles.get(-1) and roles[-1].name ==
      "Admin" and roles[-2].name == "ReadOnly" and roles[-5].name ==
      "NoAccess" and roles[-1].system, sorted(roles))
check("ReadOnly privileges", sorted(roles[-2].privilege) ==
      ["System.Anonymous", "System.Read", "System.View"])
privs = {p.privId: p for p in am.privilegeList}
check("privilegeList", "VirtualMachine.Interact.PowerOn" in privs and
      privs["VirtualMachine.Interact.PowerOn"].privGroupName ==
      "VirtualMachine.Interact", len(privs))
check("Admin holds every privilege", len(roles[-1].privilege) == len(privs))
perms = am.RetrieveAllPermissions()
check("root is Admin on the root folder", any(
    p.principal == "root" and p.roleId == -1 and p.propagate and
    p.entity._moId == "ha-folder-root" for p in perms))

# ---- ro: reads work, changes do not ------------------------------------
rroot = ro.content.rootFolder
dc = rroot.childEntity[0]
check("ro reads the datacenter", dc.name == "ha-datacenter")
host = dc.hostFolder.childEntity[0].host[0]
check("ro reads host hardware", host.hardware.memorySize > 0)
check("ro's effectiveRole", list(host.effectiveRole) == [-2],
      host.effectiveRole)
check("ro's traversal sees the inventory", len(walk(ro)) >= 5)
f = fault_of(ro.content.authorizationManager.AddAuthorizationRole,
             name="ro-role", privIds=[])
check("ro AddAuthorizationRole: NoPermission",
      isinstance(f, vim.fault.NoPermission) and
      f.privilegeId == "Authorization.ModifyRoles" and
      f.object._moId == "ha-authmgr", repr(f))
perm = vim.AuthorizationManager.Permission(principal="np", group=False,
                                           roleId=-2, propagate=True)
f = fault_of(ro.content.authorizationManager.SetEntityPermissions,
             entity=rroot, permission=[perm])
check("ro SetEntityPermissions: NoPermission",
      isinstance(f, vim.fault.NoPermission) and
      f.privilegeId == "Authorization.ModifyPermissions" and
      f.object._moId == "ha-folder-root", repr(f))

# ---- np: sees nothing ----------------------------------------------------
nroot = np.content.rootFolder
res = walk(np)
check("np's traversal reports only the root folder, without its name",
      len(res) == 1 and not res[0].propSet and res[0].missingSet and
      isinstance(res[0].missingSet[0].fault, vim.fault.NoPermission),
      res)
f = fault_of(lambda: nroot.name)
check("np reading rootFolder.name: NoPermission from the missingSet",
      isinstance(f, vim.fault.NoPermission) and
      f.privilegeId == "System.Read", repr(f))
f = fault_of(np.content.viewManager.CreateContainerView, nroot,
             [vim.HostSystem], True)
check("np CreateContainerView: NoPermission",
      isinstance(f, vim.fault.NoPermission) and
      f.privilegeId == "System.View", repr(f))
check("np still reads its session", np.content.sessionManager.
      currentSession.userName == "np")

# ---- root manages roles and permissions ----------------------------------
rid = am.AddAuthorizationRole(name="itest-role",
                              privIds=["VirtualMachine.Interact.PowerOn"])
check("AddAuthorizationRole gives a custom id", rid >= 10, rid)
r = [x for x in am.roleList if x.roleId == rid]
check("the role is listed with the System privileges", r and
      "System.Read" in r[0].privilege and not r[0].system)
f = fault_of(am.AddAuthorizationRole, name="itest-role", privIds=[])
check("duplicate role: AlreadyExists",
      isinstance(f, vim.fault.AlreadyExists), repr(f))
f = fault_of(am.AddAuthorizationRole, name="x", privIds=["No.Such"])
check("unknown privilege: InvalidArgument",
      isinstance(f, vmodl.fault.InvalidArgument), repr(f))
f = fault_of(am.RemoveAuthorizationRole, roleId=-2, failIfUsed=False)
check("removing a system role: InvalidArgument",
      isinstance(f, vmodl.fault.InvalidArgument), repr(f))
f = fault_of(am.UpdateAuthorizationRole, roleId=9999, newName="y")
check("unknown role: NotFound", isinstance(f, vim.fault.NotFound), repr(f))
am.UpdateAuthorizationRole(roleId=rid, newName="itest-role2",
                           privIds=["VirtualMachine.Interact.PowerOff"])
r = [x for x in am.roleList if x.roleId == rid][0]
check("UpdateAuthorizationRole", r.name == "itest-role2" and
      "VirtualMachine.Interact.PowerOff" in r.privilege and
      "VirtualMachine.Interact.PowerOn" not in r.privilege)

rootf = root.content.rootFolder
am.SetEntityPermissions(entity=rootf, permission=[
    vim.AuthorizationManager.Permission(principal="np", group=False,
                                        roleId=rid, propagate=True)])
check("np now reads the root folder", nroot.name == "ha-folder-root")
check("np's traversal sees the inventory", len(walk(np)) >= 5)
perms = am.RetrieveAllPermissions()
check("RetrieveAllPermissions lists np", any(
    p.principal == "np" and p.roleId == rid for p in perms))
check("RetrieveRolePermissions", [p.principal for p in
      am.RetrieveRolePermissions(roleId=rid)] == ["np"])
hostm = [e for e in root.content.rootFolder.childEntity[0].hostFolder.
         childEntity][0].host[0]
inh = am.RetrieveEntityPermissions(entity=hostm, inherited=True)
check("inherited permissions keep their entity", any(
    p.principal == "np" and p.entity._moId == "ha-folder-root"
    for p in inh), inh)
check("not inherited: none on the host",
      len(am.RetrieveEntityPermissions(entity=hostm, inherited=False)) == 0)
key = np.content.sessionManager.currentSession.key
has = am.HasPrivilegeOnEntity(entity=hostm, sessionId=key,
                              privId=["System.Read",
                                      "VirtualMachine.Interact.PowerOff",
                                      "Host.Config.Settings"])
check("HasPrivilegeOnEntity", list(has) == [True, True, False], has)
f = fault_of(am.HasPrivilegeOnEntity, entity=hostm, sessionId="bogus",
             privId=["System.Read"])
check("HasPrivilegeOnEntity unknown session: NotFound",
      isinstance(f, vim.fault.NotFound), repr(f))
f = fault_of(am.SetEntityPermissions, entity=rootf, permission=[
    vim.AuthorizationManager.Permission(principal="ghost", group=False,
                                        roleId=-2, propagate=True)])
check("unknown principal: UserNotFound",
      isinstance(f, vim.fault.UserNotFound) and f.principal == "ghost",
      repr(f))
f = fault_of(am.SetEntityPermissions, entity=rootf, permission=[
    vim.AuthorizationManager.Permission(principal="ops", group=True,
                                        roleId=4242, propagate=True)])
check("unknown role in a permission: NotFound",
      isinstance(f, vim.fault.NotFound), repr(f))
f = fault_of(am.RemoveAuthorizationRole, roleId=rid, failIfUsed=True)
check("role in use: RemoveFailed",
      isinstance(f, vim.fault.RemoveFailed), repr(f))
am.RemoveEntityPermission(entity=rootf, user="np", isGroup=False)
f = fault_of(lambda: nroot.name)
check("np loses access again", isinstance(f, vim.fault.NoPermission),
      repr(f))
f = fault_of(am.RemoveEntityPermission, entity=rootf, user="np",
             isGroup=False)
check("removing it twice: NotFound", isinstance(f, vim.fault.NotFound),
      repr(f))
am.RemoveAuthorizationRole(roleId=rid, failIfUsed=True)
check("RemoveAuthorizationRole", rid not in [x.roleId for x in
                                              am.roleList])
keep = am.AddAuthorizationRole(name="itest-keep", privIds=[])
check("a second role", keep >= 10)

# ---- events ---------------------------------------------------------------
em = root.content.eventManager
check("ServiceContent.eventManager", em is not None and
      em._moId == "ha-eventmgr")
evs = em.QueryEvents(vim.event.EventFilterSpec())
logins = [e for e in evs if isinstance(e, vim.event.UserLoginSessionEvent)]
check("QueryEvents shows the three logins", sorted(
    set(e.userName for e in logins)) == ["np", "ro", "root"],
    [type(e).__name__ for e in evs])
check("newest first", all(evs[i].key > evs[i + 1].key
                          for i in range(len(evs) - 1)))
check("events carry their host and message", logins and
      logins[0].host.host._moId == "ha-host" and
      logins[0].fullFormattedMessage.startswith("User ") and
      logins[0].createdTime is not None)
byuser = em.QueryEvents(vim.event.EventFilterSpec(
    userName=vim.event.EventFilterSpec.ByUsername(systemUser=False,
                                                   userList=["ro"])))
check("filter by userName", byuser and all(e.userName == "ro"
                                           for e in byuser))
bytype = em.QueryEvents(vim.event.EventFilterSpec(
    eventTypeId=["UserLogoutSessionEvent"]))
check("filter by eventTypeId: no logout yet", len(bytype) == 0, bytype)
latest = em.latestEvent
check("latestEvent", latest is not None and latest.key == evs[0].key)
ro_dis = connect(PORT, "ro", "Ro-pass1!")
Disconnect(ro_dis)
bytype = em.QueryEvents(vim.event.EventFilterSpec(
    eventTypeId=["UserLogoutSessionEvent"]))
check("the logout event", len(bytype) == 1 and bytype[0].userName == "ro")
coll = em.CreateCollectorForEvents(vim.event.EventFilterSpec(
    eventTypeId=["UserLoginSessionEvent"]))
page = coll.latestPage
check("collector latestPage", len(page) >= 4 and all(
    isinstance(e, vim.event.UserLoginSessionEvent) for e in page),
    len(page))
coll.SetCollectorPageSize(2)
check("page size 2", len(coll.latestPage) == 2)
coll.ResetCollector()
older = coll.ReadPreviousEvents(100)
check("ReadPreviousEvents before the latest page", len(older) >= 2 and
      older[0].key < coll.latestPage[-1].key, [e.key for e in older])
coll.RewindCollector()
nxt = coll.ReadNextEvents(100)
check("ReadNextEvents after a rewind: all, oldest first",
      len(nxt) == len(older) + 2 and
      all(nxt[i].key < nxt[i + 1].key for i in range(len(nxt) - 1)))
check("then nothing", len(coll.ReadNextEvents(10)) == 0)
coll.DestroyCollector()
f = fault_of(coll.ReadNextEvents, 1)
check("destroyed collector: ManagedObjectNotFound",
      isinstance(f, vmodl.fault.ManagedObjectNotFound), repr(f))
f = fault_of(np.content.eventManager.QueryEvents,
             vim.event.EventFilterSpec())
check("np QueryEvents: NoPermission",
      isinstance(f, vim.fault.NoPermission), repr(f))

for si in (np, ro, root):
    Disconnect(si)
summary()
