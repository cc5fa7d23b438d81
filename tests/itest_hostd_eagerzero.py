#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# eagerZeroedThick disks do not stall hostd (run by itest_hostd_eagerzero.sh
# on a real hostd with an empty inventory), as unmodified pyVmomi 6.7 sees
# it: while CreateVM_Task writes the zeros of a big eager disk, CurrentTime
# and RetrievePropertiesEx answer promptly (a hang check: a stalled loop
# would take the whole zeroing), TaskInfo.progress moves, the VM is not
# registered yet and its name is taken; after it the disk has all its
# blocks and qemu-img accepts it.  Then ReconfigVM_Task adds an eager disk
# (PowerOnVM_Task, a second ReconfigVM_Task and CreateSnapshot_Task
# meanwhile: TaskInProgress),
# and VirtualDiskManager creates and extends eager disks the same way.
#
# Usage: itest_hostd_eagerzero.py PORT DATASTORE-DIR SIZE-MB MODE
# (MODE "all", or "start" to leave a CreateVM_Task running, "after" to
# check it left no VM).  Exit 0 pass, 1 fail, 77 skip.

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
DS = sys.argv[2]
MB = int(sys.argv[3])
MODE = sys.argv[4]
PROMPT = 1.0    # seconds: a hang check, not a benchmark


def prompt(worst, took):
    """A stalled loop answers after the whole zeroing: under load, where
    the zeroing itself is slow, a quarter of it still tells."""
    return worst < max(PROMPT, took / 4)

si = connect(PORT, "root", "")
content = si.RetrieveContent()
dc = content.rootFolder.childEntity[0]
vmfolder = dc.vmFolder
pool = dc.hostFolder.childEntity[0].resourcePool
pc = content.propertyCollector
Add = vim.vm.device.VirtualDeviceSpec.Operation.add
Create = vim.vm.device.VirtualDeviceSpec.FileOperation.create


def eager_disk(key, ctl, unit, mb):
    return vim.vm.device.VirtualDisk(
        key=key, controllerKey=ctl, unitNumber=unit,
        capacityInKB=mb * 1024,
        backing=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
            fileName="", diskMode="persistent", thinProvisioned=False,
            eagerlyScrub=True))


def task_info(task):
    """Task.info through an explicit RetrievePropertiesEx, timed."""
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=task)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(
            type=vim.Task, pathSet=["info"])])
    t0 = time.monotonic()
    res = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.
                                  RetrieveOptions())
    dt = time.monotonic() - t0
    return res.objects[0].propSet[0].val, dt


def watch(task, during=None):
    """Poll task until it ends: (info, worst latency, whether prompt()
    accepts it, progress values)."""
    worst = 0.0
    seen = []
    start = time.monotonic()
    while True:
        t0 = time.monotonic()
        si.CurrentTime()
        worst = max(worst, time.monotonic() - t0)
        info, dt = task_info(task)
        worst = max(worst, dt)
        if info.state in ("success", "error"):
            took = time.monotonic() - start
            return info, worst, prompt(worst, took), seen
        if info.progress is not None:
            seen.append(info.progress)
        if during is not None:
            during()
            during = None
        time.sleep(0.02)


def fault_name(task):
    try:
        WaitForTask(task)
        return None
    except vmodl.MethodFault as e:
        return type(e).__name__.split(".")[-1]


def allocated(path, size):
    st = os.stat(path)
    return st.st_size == size and st.st_blocks * 512 >= size, \
        "size %d, %d bytes in blocks" % (st.st_size, st.st_blocks * 512)


def qemu_check(path):
    if subprocess.run(["sh", "-c", "command -v qemu-img"],
                      capture_output=True).returncode != 0:
        return True, "no qemu-img"
    out = subprocess.run(["qemu-img", "check", path], capture_output=True,
                         text=True)
    # 63: the format has no check; info must still read it whole.
    if out.returncode == 63:
        out = subprocess.run(["qemu-img", "info", path],
                             capture_output=True, text=True)
    return out.returncode == 0, out.stdout + out.stderr


def create_spec(name, mb):
    ctl = vim.vm.device.ParaVirtualSCSIController(
        key=-101, busNumber=0, sharedBus="noSharing")
    return vim.vm.ConfigSpec(
        name=name, guestId="otherGuest64", memoryMB=64, numCPUs=1,
        files=vim.vm.FileInfo(vmPathName="[datastore1]"),
        deviceChange=[
            vim.vm.device.VirtualDeviceSpec(operation=Add, device=ctl),
            vim.vm.device.VirtualDeviceSpec(
                operation=Add, fileOperation=Create,
                device=eager_disk(-102, -101, 0, mb))])


def vm_names():
    return [v.name for v in vmfolder.childEntity]


if MODE == "start":
    # A creation that hostd is stopped in the middle of.
    task = vmfolder.CreateVM_Task(config=create_spec("half", MB), pool=pool)
    deadline = time.time() + 60
    while time.time() < deadline:
        info, _ = task_info(task)
        if info.state != "running" or (info.progress or 0) > 0:
            break
        time.sleep(0.02)
    check("the creation is under way when hostd stops",
          info.state == "running", repr(info.state))
    summary()

if MODE == "after":
    check("the unfinished VM is not registered", "half" not in vm_names(),
          repr(vm_names()))
    check("nor in inventory.xml", "half" not in open(os.path.join(
        DS, "..", "inventory.xml")).read() if os.path.exists(os.path.join(
            DS, "..", "inventory.xml")) else True)
    summary()

check("the inventory starts empty", vm_names() == [], repr(vm_names()))

# ---- CreateVM_Task with an eager disk -----------------------------------
size = MB * 1024 * 1024
task = vmfolder.CreateVM_Task(config=create_spec("eager1", MB), pool=pool)
dup = {}


def during_create():
    dup["visible"] = "eager1" in vm_names()
    dup["fault"] = fault_name(vmfolder.CreateVM_Task(
        config=vim.vm.ConfigSpec(name="eager1", files=vim.vm.FileInfo(
            vmPathName="[datastore1] other")), pool=pool))


t0 = time.monotonic()
info, worst, fast, seen = watch(task, during_create)
took = time.monotonic() - t0
print("CreateVM_Task of a %d MB eager disk: %.2f s, worst CurrentTime or "
      "RetrievePropertiesEx %.3f s, progress %r" % (MB, took, worst, seen))
check("CreateVM_Task succeeds", info.state == "success", repr(info.error))
check("hostd answered promptly while it zeroed (worst %.3f s)" % worst,
      fast)
check("TaskInfo.progress was seen between 0 and 100",
      any(0 < p < 100 for p in seen), repr(seen))
check("the VM was not registered before the task ended",
      dup.get("visible") is False, repr(dup))
check("its name was taken meanwhile (DuplicateName)",
      dup.get("fault") == "DuplicateName", repr(dup))
vm = info.result
check("the result is the VM", isinstance(vm, vim.VirtualMachine) and
      vm_names() == ["eager1"], repr(vm_names()))
flat = os.path.join(DS, "eager1", "eager1-flat.vmdk")
ok, detail = allocated(flat, size)
check("the disk has its size, every block allocated", ok, detail)
ok, detail = qemu_check(os.path.join(DS, "eager1", "eager1.vmdk"))
check("qemu-img accepts the VMDK", ok, detail)

# ---- ReconfigVM_Task adding an eager disk -------------------------------
half = max(MB // 2, 64)
task = vm.ReconfigVM_Task(vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(
        operation=Add, fileOperation=Create,
        device=eager_disk(-1, 1000, 1, half))]))
busy = {}


def during_reconfig():
    # Both asked before either is waited for: the zeroing may end soon.
    power = vm.PowerOnVM_Task()
    again = vm.ReconfigVM_Task(vim.vm.ConfigSpec(annotation="meanwhile"))
    snap = vm.CreateSnapshot_Task(name="meanwhile", memory=False,
                                  quiesce=False)
    busy["power"] = fault_name(power)
    busy["reconfig"] = fault_name(again)
    busy["snapshot"] = fault_name(snap)


info, worst, fast, seen = watch(task, during_reconfig)
check("ReconfigVM_Task succeeds", info.state == "success", repr(info.error))
check("hostd answered promptly (worst %.3f s)" % worst, fast)
check("PowerOnVM_Task was refused meanwhile (TaskInProgress)",
      busy.get("power") == "TaskInProgress", repr(busy))
check("a second ReconfigVM_Task was refused (TaskInProgress)",
      busy.get("reconfig") == "TaskInProgress", repr(busy))
check("CreateSnapshot_Task was refused (TaskInProgress)",
      busy.get("snapshot") == "TaskInProgress", repr(busy))
disks = [d for d in vm.config.hardware.device
         if isinstance(d, vim.vm.device.VirtualDisk)]
check("the VM has its two disks", len(disks) == 2, repr(len(disks)))
ok, detail = allocated(os.path.join(DS, "eager1", "eager1_1-flat.vmdk"),
                       half * 1024 * 1024)
check("the new disk is allocated", ok, detail)
check("the VM is powered off and can be reconfigured again",
      fault_name(vm.ReconfigVM_Task(vim.vm.ConfigSpec(
          annotation="after"))) is None)

# ---- VirtualDiskManager -------------------------------------------------
vdm = content.virtualDiskManager
task = vdm.CreateVirtualDisk_Task(
    name="[datastore1] eager1/vdm.vmdk", datacenter=dc,
    spec=vim.VirtualDiskManager.FileBackedVirtualDiskSpec(
        diskType="eagerZeroedThick", adapterType="lsiLogic",
        capacityKb=half * 1024))
info, worst, fast, seen = watch(task)
check("CreateVirtualDisk_Task (eagerZeroedThick) succeeds",
      info.state == "success", repr(info.error))
check("hostd answered promptly (worst %.3f s)" % worst, fast)
ok, detail = allocated(os.path.join(DS, "eager1", "vdm-flat.vmdk"),
                       half * 1024 * 1024)
check("its disk is allocated", ok, detail)
task = vdm.ExtendVirtualDisk_Task(
    name="[datastore1] eager1/vdm.vmdk", datacenter=dc,
    newCapacityKb=2 * half * 1024, eagerZero=True)
info, worst, fast, seen = watch(task)
check("ExtendVirtualDisk_Task (eagerZero) succeeds",
      info.state == "success", repr(info.error))
ok, detail = allocated(os.path.join(DS, "eager1", "vdm-flat.vmdk"),
                       2 * half * 1024 * 1024)
check("the extended disk is allocated", ok, detail)
ok, detail = qemu_check(os.path.join(DS, "eager1", "vdm.vmdk"))
check("qemu-img accepts it", ok, detail)

check("Destroy_Task removes the VM", fault_name(vm.Destroy_Task()) is None)
summary()
