#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# The inventory and PropertyCollector as unmodified pyVmomi 6.7 sees them
# (run by itest_hostd_inventory.sh against a real hostd on a fresh
# --root): walk rootFolder -> datacenter -> hostFolder -> compute
# resource -> host and read its hardware, summary and name, the datastore
# capacity, a container view of HostSystem, SearchIndex lookups, and
# WaitForUpdatesEx (initial set, then None after maxWaitSeconds=1, then a
# change made from a second connection wakes a blocked wait).
#
# Usage: itest_hostd_inventory.py PORT.  Exit 0 pass, 1 fail, 77 skip.

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
PCQ = vmodl.query.PropertyCollector


si = connect(PORT, "root", "")
content = si.content
root = content.rootFolder
check("rootFolder is ha-folder-root", root._moId == "ha-folder-root")
dc = root.childEntity[0]
check("the datacenter", isinstance(dc, vim.Datacenter) and
      dc.name == "ha-datacenter")
check("vmFolder", dc.vmFolder._moId == "ha-folder-vm")
cr = dc.hostFolder.childEntity[0]
check("the compute resource", isinstance(cr, vim.ComputeResource))
host = cr.host[0]
check("the host", host._moId == "ha-host" and len(host.name) > 0,
      host.name)
mem = host.hardware.memorySize
check("hardware.memorySize", mem > 64 * 1024 * 1024, mem)
cores = host.summary.hardware.numCpuCores
check("summary.hardware.numCpuCores", cores >= 1, cores)
check("runtime", host.runtime.connectionState == "connected" and
      host.runtime.powerState == "poweredOn")
check("summary.config.product", host.summary.config.product.apiVersion ==
      content.about.apiVersion)
check("cpuPkg", len(host.hardware.cpuPkg) >= 1)
check("resource pool", cr.resourcePool.name == "Resources" and
      cr.resourcePool.owner == cr)
ds = host.datastore[0]
check("datastore[0].summary.capacity > 0", ds.summary.capacity > 0,
      ds.summary.capacity)
check("datastore accessible", ds.summary.accessible and
      ds.name == "datastore1")
check("datastore info", isinstance(ds.info, vim.host.LocalDatastoreInfo))
check("VM Network", "VM Network" in [n.name for n in dc.network])
check("no VMs yet", list(dc.vmFolder.childEntity) == [] and
      list(host.vm) == [])

vm_mgr = content.viewManager
view = vm_mgr.CreateContainerView(root, [vim.HostSystem], True)
check("container view of HostSystem", list(view.view) == [host])
check("viewList", view in vm_mgr.viewList)

pc = content.propertyCollector
spec = PCQ.FilterSpec(
    objectSet=[PCQ.ObjectSpec(obj=view, skip=True, selectSet=[
        PCQ.TraversalSpec(name="tv", type=vim.view.ContainerView,
                          path="view", skip=False)])],
    propSet=[PCQ.PropertySpec(type=vim.HostSystem,
                              pathSet=["name", "summary.hardware"])])
res = pc.RetrievePropertiesEx([spec], PCQ.RetrieveOptions())
check("RetrievePropertiesEx over the view", len(res.objects) == 1 and
      res.objects[0].obj == host and len(res.objects[0].propSet) == 2)

f = pc.CreateFilter(spec, True)
up = pc.WaitForUpdatesEx("", PCQ.WaitOptions(maxWaitSeconds=1))
check("initial update set", up is not None and
      up.filterSet[0].objectSet[0].kind == "enter" and
      up.filterSet[0].objectSet[0].obj == host, up)
t0 = time.time()
up2 = pc.WaitForUpdatesEx(up.version, PCQ.WaitOptions(maxWaitSeconds=1))
dt = time.time() - t0
check("then None after maxWaitSeconds=1", up2 is None and 0.8 < dt < 5,
      "%r after %.2fs" % (up2, dt))
f.Destroy()

# A blocked wait is woken by a change made on another connection of the
# same session (CreateListView changes ViewManager.viewList).
pc2 = pc.CreatePropertyCollector()
vspec = PCQ.FilterSpec(
    objectSet=[PCQ.ObjectSpec(obj=vm_mgr)],
    propSet=[PCQ.PropertySpec(type=vim.view.ViewManager,
                              pathSet=["viewList"])])
pc2.CreateFilter(vspec, False)
first = pc2.WaitForUpdatesEx("", PCQ.WaitOptions(maxWaitSeconds=0))
got = {}


def waiter():
    t = time.time()
    got["u"] = pc2.WaitForUpdatesEx(first.version,
                                    PCQ.WaitOptions(maxWaitSeconds=20))
    got["t"] = time.time() - t


th = threading.Thread(target=waiter)
th.start()
time.sleep(1.0)
lv = vm_mgr.CreateListView([host])
th.join(30)
u = got.get("u")
check("a change wakes a blocked wait", u is not None and
      u.filterSet[0].objectSet[0].kind == "modify" and
      lv in u.filterSet[0].objectSet[0].changeSet[0].val and
      got["t"] < 10, got)
pc2.Destroy()
lv.DestroyView()
view.DestroyView()

si_idx = content.searchIndex
check("FindByInventoryPath",
      si_idx.FindByInventoryPath("ha-datacenter/vm") == dc.vmFolder)
check("FindByInventoryPath not found",
      si_idx.FindByInventoryPath("ha-datacenter/vm/none") is None)
check("FindChild", si_idx.FindChild(dc, "host") == dc.hostFolder)
check("FindByUuid (no VMs)",
      si_idx.FindByUuid(None, "4223aaaa-0000-0000-0000-000000000000",
                        True) is None)

try:
    pc.RetrieveProperties([PCQ.FilterSpec(
        objectSet=[PCQ.ObjectSpec(obj=host)],
        propSet=[PCQ.PropertySpec(type=vim.HostSystem,
                                  pathSet=["bogus"])])])
    check("unknown path is InvalidProperty", False, "no fault")
except vmodl.query.InvalidProperty:
    check("unknown path is InvalidProperty", True)

Disconnect(si)
summary()
