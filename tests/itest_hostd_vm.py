#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# VirtualMachine power operations as unmodified pyVmomi 6.7 sees them
# (run by itest_hostd_vm.sh on a real hostd with three test-guest VMs:
# 1 "vm1" counter, 2 "vm2" timer that powers itself off, 3 "vm3" waiting
# for the ACPI power button).
#
# Usage: itest_hostd_vm.py PORT main|restart DATASTORE-DIR.
# Exit 0 pass, 1 fail, 77 skip.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
PHASE = sys.argv[2]
DS = sys.argv[3]


def wait_task(task):
    try:
        return WaitForTask(task), None
    except vmodl.MethodFault as e:
        return "error", e


def wait_power(si, vm, state, timeout):
    """WaitForUpdatesEx on runtime.powerState until it is state."""
    pc = si.content.propertyCollector.CreatePropertyCollector()
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=vm)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(
            type=vim.VirtualMachine, pathSet=["runtime.powerState"])])
    pc.CreateFilter(spec, True)
    version = ""
    deadline = time.time() + timeout
    seen = None
    try:
        while time.time() < deadline:
            opts = vmodl.query.PropertyCollector.WaitOptions(
                maxWaitSeconds=1)
            us = pc.WaitForUpdatesEx(version, opts)
            if us is None:
                continue
            version = us.version
            for fs in us.filterSet:
                for oc in fs.objectSet:
                    for ch in oc.changeSet:
                        if ch.name == "runtime.powerState":
                            seen = ch.val
            if seen == state:
                return True, time.time() - (deadline - timeout)
    finally:
        pc.DestroyPropertyCollector()
    return False, seen


def serial(name):
    try:
        with open(os.path.join(DS, name, "serial.txt")) as f:
            return f.read()
    except OSError:
        return ""


def counters(name):
    return [int(line.split()[1]) for line in serial(name).splitlines()
            if line.startswith("counter ") and len(line.split()) > 1 and
            line.split()[1].isdigit()]


def wait_counter(name, n, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = counters(name)
        if c and c[-1] >= n:
            return True
        time.sleep(0.1)
    return False


si = connect(PORT, "root", "")
content = si.RetrieveContent()
vmfolder = content.rootFolder.childEntity[0].vmFolder
vms = {vm.name: vm for vm in vmfolder.childEntity}
check("three VMs under ha-folder-vm", sorted(vms) == ["vm1", "vm2", "vm3"],
      repr(sorted(vms)))
vm1, vm2, vm3 = vms["vm1"], vms["vm2"], vms["vm3"]

if PHASE == "main":
    check("moids are small integers", vm1._moId == "1", vm1._moId)
    check("config.hardware.memoryMB", vm1.config.hardware.memoryMB == 64)
    check("config.hardware.numCPU", vm1.config.hardware.numCPU == 1)
    check("config.uuid from uuid.bios",
          vm1.config.uuid == "564d12ab-34cd-56ef-0123-456789abcdef",
          vm1.config.uuid)
    check("config.files.vmPathName",
          vm1.config.files.vmPathName == "[datastore1] vm1/vm1.vmx",
          vm1.config.files.vmPathName)
    check("summary.config.name", vm1.summary.config.name == "vm1")
    check("runtime.powerState is poweredOff",
          vm1.runtime.powerState == "poweredOff")
    check("resourcePool", vm1.resourcePool._moId == "ha-root-pool")
    check("parent", vm1.parent._moId == "ha-folder-vm")
    check("guest.guestState notRunning",
          vm1.guest.guestState == "notRunning")

    # Power on; a second power on fails in its task.
    t = vm1.PowerOnVM_Task()
    st, err = wait_task(t)
    check("PowerOnVM_Task succeeds", st == "success", repr(err))
    check("TaskInfo.name is the WSDL name",
          t.info.name.info.name == "PowerOn")
    check("TaskInfo.entityName", t.info.entityName == "vm1",
          t.info.entityName)
    check("poweredOn after the task", vm1.runtime.powerState == "poweredOn")
    check("bootTime set", vm1.runtime.bootTime is not None)
    check("summary.runtime.powerState",
          vm1.summary.runtime.powerState == "poweredOn")
    check("guest.guestState running", vm1.guest.guestState == "running")
    check("the recent tasks list it",
          t._moId in [x._moId for x in
                      content.taskManager.recentTask])
    st, err = wait_task(vm1.PowerOnVM_Task())
    check("a second PowerOn fails with InvalidPowerState",
          isinstance(err, vim.fault.InvalidPowerState) and
          err.existingState == "poweredOn", repr(err))
    check("the guest runs", wait_counter("vm1", 2))

    # Reset: the counter starts again from 1.
    before = len(counters("vm1"))
    st, err = wait_task(vm1.ResetVM_Task())
    check("ResetVM_Task succeeds", st == "success", repr(err))
    check("still poweredOn after reset",
          vm1.runtime.powerState == "poweredOn")
    ok = False
    deadline = time.time() + 20
    while time.time() < deadline and not ok:
        c = counters("vm1")
        ok = len(c) > before + 1 and 1 in c[before:]
        time.sleep(0.1)
    check("the guest booted again after the reset", ok)

    # Suspend, then power on resumes: the counter goes on.
    check("counting before the suspend", wait_counter("vm1", 3))
    st, err = wait_task(vm1.SuspendVM_Task())
    check("SuspendVM_Task succeeds", st == "success", repr(err))
    check("suspended", vm1.runtime.powerState == "suspended")
    last = counters("vm1")[-1]
    st, err = wait_task(vm1.ResetVM_Task())
    check("Reset of a suspended VM is InvalidPowerState",
          isinstance(err, vim.fault.InvalidPowerState), repr(err))
    st, err = wait_task(vm1.PowerOnVM_Task())
    check("PowerOn resumes", st == "success", repr(err))
    check("counting goes on after the resume",
          wait_counter("vm1", last + 2))
    # vmx rotated the console file: it holds the resumed run only.
    c = counters("vm1")
    check("no reboot on resume", c and c[0] > 1 and 1 not in c,
          repr(c[:8]))

    # Power off.
    st, err = wait_task(vm1.PowerOffVM_Task())
    check("PowerOffVM_Task succeeds", st == "success", repr(err))
    check("poweredOff", vm1.runtime.powerState == "poweredOff")
    check("bootTime cleared", vm1.runtime.bootTime is None)
    st, err = wait_task(vm1.PowerOffVM_Task())
    check("a second PowerOff fails with InvalidPowerState",
          isinstance(err, vim.fault.InvalidPowerState) and
          err.existingState == "poweredOff", repr(err))
    try:
        vm1.ShutdownGuest()
        check("ShutdownGuest of an off VM faults", False)
    except vim.fault.InvalidPowerState:
        check("ShutdownGuest of an off VM faults", True)

    # A guest that powers itself off (debug-exit) is seen as poweredOff.
    st, err = wait_task(vm2.PowerOnVM_Task())
    check("vm2 powers on", st == "success", repr(err))
    ok, info = wait_power(si, vm2, "poweredOff", 30)
    check("WaitForUpdatesEx sees vm2 power itself off", ok, repr(info))

    # ShutdownGuest: the ACPI power button.
    st, err = wait_task(vm3.PowerOnVM_Task())
    check("vm3 powers on", st == "success", repr(err))
    time.sleep(1)
    vm3.ShutdownGuest()
    check("ShutdownGuest returns at once",
          vm3.runtime.powerState == "poweredOn")
    ok, info = wait_power(si, vm3, "poweredOff", 30)
    check("the guest powers off after ShutdownGuest", ok, repr(info))

    # Leave vm1 running for the restart phase.
    st, err = wait_task(vm1.PowerOnVM_Task())
    check("vm1 powers on again (fresh boot)", st == "success", repr(err))

elif PHASE == "restart":
    check("vm1 is still poweredOn after hostd's restart",
          vm1.runtime.powerState == "poweredOn", vm1.runtime.powerState)
    check("vm2 is poweredOff", vm2.runtime.powerState == "poweredOff")
    st, err = wait_task(vm1.PowerOffVM_Task())
    check("and it powers off", st == "success", repr(err))
    check("poweredOff", vm1.runtime.powerState == "poweredOff")

Disconnect(si)
summary()
