#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# What a user restricted to one VM sees, as unmodified pyVmomi 6.7 sees
# it (run by itest_hostd_visibility.sh: VMs 1, 2, 3 "vm1".."vm3"; vmro
# is ReadOnly on VM 2 only).  As on ESX, a permission on an entity gives
# System.View (name and parent) on its ancestors, so that clients can
# walk down to it; everything else stays hidden: traversals and
# ContainerViews leave out what the session may not see.
#
# Usage: itest_hostd_visibility.py PORT.  Exit 0 pass, 1 fail, 77 skip.

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


def fault_of(fn):
    try:
        fn()
    except vmodl.MethodFault as f:
        return f
    return None


def walk(si, props):
    """A full traversal from the root folder: {moid: {prop: value}}."""
    ts = [PCQ.TraversalSpec(name="f", type=vim.Folder, path="childEntity",
                            selectSet=[PCQ.SelectionSpec(name="f"),
                                       PCQ.SelectionSpec(name="d"),
                                       PCQ.SelectionSpec(name="c"),
                                       PCQ.SelectionSpec(name="h")]),
          PCQ.TraversalSpec(name="d", type=vim.Datacenter, path="vmFolder",
                            selectSet=[PCQ.SelectionSpec(name="f")]),
          PCQ.TraversalSpec(name="e", type=vim.Datacenter,
                            path="hostFolder",
                            selectSet=[PCQ.SelectionSpec(name="f")]),
          PCQ.TraversalSpec(name="c", type=vim.ComputeResource,
                            path="host",
                            selectSet=[PCQ.SelectionSpec(name="h")]),
          PCQ.TraversalSpec(name="h", type=vim.HostSystem, path="vm")]
    ts[0].selectSet.append(PCQ.SelectionSpec(name="e"))
    spec = PCQ.FilterSpec(
        objectSet=[PCQ.ObjectSpec(obj=si.content.rootFolder, skip=False,
                                  selectSet=ts)],
        propSet=[PCQ.PropertySpec(type=vim.ManagedEntity, pathSet=props)])
    out = {}
    for oc in si.content.propertyCollector.RetrieveContents([spec]):
        out[oc.obj._moId] = {p.name: p.val for p in oc.propSet}
        for m in oc.missingSet or []:
            out[oc.obj._moId][m.path] = m.fault
    return out


def view_of(si, types):
    vm = si.content.viewManager
    return vm.CreateContainerView(si.content.rootFolder, types, True)


def view_props(si, view, props):
    """name etc. of every object of view, through a traversal of it."""
    spec = PCQ.FilterSpec(
        objectSet=[PCQ.ObjectSpec(obj=view, skip=True, selectSet=[
            PCQ.TraversalSpec(name="v", type=vim.view.ContainerView,
                              path="view")])],
        propSet=[PCQ.PropertySpec(type=vim.VirtualMachine, pathSet=props)])
    res = si.content.propertyCollector.RetrievePropertiesEx(
        [spec], PCQ.RetrieveOptions())
    return {oc.obj._moId: {p.name: p.val for p in oc.propSet}
            for oc in (res.objects if res else [])}


root = connect(PORT, "root", "")
vmro = connect(PORT, "vmro", "Vm-pass1!")

# ---- root sees everything ------------------------------------------------
rv = view_of(root, [vim.VirtualMachine])
check("root's view lists the three VMs",
      sorted(m._moId for m in rv.view) == ["1", "2", "3"], rv.view)
rall = walk(root, ["name"])
check("root's traversal reaches the host and the VMs",
      "ha-host" in rall and {"1", "2", "3"} <= set(rall), sorted(rall))

# ---- vmro: its VM ---------------------------------------------------------
v = view_of(vmro, [vim.VirtualMachine])
check("vmro's VM view holds only VM 2",
      [m._moId for m in v.view] == ["2"], v.view)
props = view_props(vmro, v, ["name", "runtime.powerState"])
check("RetrievePropertiesEx through the view: VM 2 only, readable",
      list(props) == ["2"] and props["2"].get("name") == "vm2" and
      props["2"].get("runtime.powerState") == "poweredOff", props)
v.DestroyView()
vm2 = vim.VirtualMachine("2", stub=vmro._stub)
check("vmro reads its VM", vm2.summary.config.name == "vm2" and
      vm2.runtime.powerState == "poweredOff")

# ---- vmro: ancestors by name only ----------------------------------------
ev = view_of(vmro, [vim.ManagedEntity])
ids = sorted(m._moId for m in ev.view)
check("vmro's entity view: the datacenter, the VM folder and VM 2",
      ids == sorted(["ha-datacenter", "ha-folder-vm", "2"]), ids)
ev.DestroyView()
seen = walk(vmro, ["name", "parent", "overallStatus"])
check("vmro's traversal: the ancestors and VM 2, nothing else",
      sorted(seen) == sorted(["ha-folder-root", "ha-datacenter",
                              "ha-folder-vm", "2"]), sorted(seen))
check("ancestors show their names", seen.get("ha-datacenter", {}).get(
    "name") == "ha-datacenter" and seen.get("ha-folder-vm", {}).get(
    "name") == "vm", seen)
check("and their parents", getattr(seen.get("ha-folder-vm", {}).get(
    "parent"), "_moId", None) == "ha-datacenter", seen)
f = seen.get("ha-datacenter", {}).get("overallStatus")
check("but no other property of an ancestor (NoPermission, System.Read)",
      isinstance(f, vim.fault.NoPermission) and
      f.privilegeId == "System.Read", repr(f))
check("VM 2 shows everything asked", seen.get("2", {}).get(
    "overallStatus") == "green", seen.get("2"))
rootf = vmro.content.rootFolder
check("rootFolder.name readable", rootf.name == "ha-folder-root")
f = fault_of(lambda: rootf.childEntity)
check("rootFolder.childEntity: NoPermission",
      isinstance(f, vim.fault.NoPermission), repr(f))

# ---- vmro: siblings and the rest stay hidden ---------------------------
vm1 = vim.VirtualMachine("1", stub=vmro._stub)
f = fault_of(lambda: vm1.name)
check("VM 1's name: NoPermission", isinstance(f, vim.fault.NoPermission),
      repr(f))
host = vim.HostSystem("ha-host", stub=vmro._stub)
f = fault_of(lambda: host.name)
check("the host's name: NoPermission",
      isinstance(f, vim.fault.NoPermission), repr(f))
hv = view_of(vmro, [vim.HostSystem, vim.Datastore, vim.Network])
check("no host, datastore or network in vmro's view", len(hv.view) == 0,
      hv.view)

for si in (vmro, root):
    Disconnect(si)
summary()
