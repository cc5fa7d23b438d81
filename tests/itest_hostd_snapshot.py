#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# Snapshots end to end with unmodified pyVmomi 6.7 (run by
# itest_hostd_snapshot.sh on a real hostd whose vmx runs the test guest):
# a VM made with Folder.CreateVM_Task (disk, NIC, serial port), the guest
# uploaded with PUT /folder, booted with the "diskmark" scenario that
# prints the marker it finds on the disk and writes a new one.  Then:
# (the NIC is taken out before the first boot: vmx needs a bridge or TAP
# behind it); snapshot, change the disk, revert, boot and see the old
# marker; a
# second snapshot, rename, remove (the data stays), remove all (the
# disk is one file again and still holds the data); faults (a removed
# snapshot, no current snapshot, memory of a running VM, a ReadOnly
# user); a live snapshot of a running guest that goes on writing; a
# revert of a running VM (it ends powered off); Destroy_Task.  The
# .vmsd, the .vmx and the deltas are checked on disk, the deltas with
# qemu-img.
#
# Usage: itest_hostd_snapshot.py PORT DATASTORE-DIR GUEST RO-PASSWORD.
# Exit 0 pass, 1 fail, 77 skip.

import glob
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import CTX, check, connect, summary  # noqa: E402
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
DS = sys.argv[2]
GUEST = sys.argv[3]
ROPASS = sys.argv[4]
VMDIR = os.path.join(DS, "snap1")


def wait_task(task):
    try:
        WaitForTask(task)
        return task.info.result, None
    except vmodl.MethodFault as e:
        return None, e


def wait_state(vm, state, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if vm.runtime.powerState == state:
            return True
        time.sleep(0.2)
    return False


def extra(pairs):
    return [vim.option.OptionValue(key=k, value=v) for k, v in pairs]


def vmx_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'\s*([^=#\s]+)\s*=\s*"(.*)"\s*$', line)
            if m:
                keys[m.group(1).lower()] = m.group(2)
    return keys


def serial():
    try:
        with open(os.path.join(VMDIR, "serial.txt")) as f:
            return f.read()
    except OSError:
        return ""


def set_cmdline(vm, cmdline):
    r, err = wait_task(vm.ReconfigVM_Task(vim.vm.ConfigSpec(
        extraConfig=extra([("vireo.cmdline", cmdline)]))))
    check("command line set: %s" % cmdline, err is None, repr(err))


def boot(vm, cmdline, wait=True):
    """Boot the guest with cmdline; its serial output of this run."""
    set_cmdline(vm, cmdline)
    # A fresh serial file per boot: its whole text is this run's.
    try:
        os.unlink(os.path.join(VMDIR, "serial.txt"))
    except OSError:
        pass
    r, err = wait_task(vm.PowerOnVM_Task())
    check("PowerOnVM_Task (%s)" % cmdline, err is None, repr(err))
    if err is not None:
        try:
            with open(os.path.join(VMDIR, "vmware.log")) as f:
                print("--- vmware.log:\n" + "".join(f.readlines()[-15:]))
        except OSError:
            pass
    if not wait:
        return None
    check("the guest ends by itself", wait_state(vm, "poweredOff", 60))
    return serial()


def found(out):
    m = re.search(r'diskmark: found (nothing|"([^"]*)")', out)
    if m is None:
        return "?"
    return m.group(2) if m.group(2) is not None else ""


def qemu_ok(path):
    r = subprocess.run(["qemu-img", "check", "-q", path],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stderr + r.stdout


def backing(path):
    r = subprocess.run(["qemu-img", "info", path], capture_output=True,
                       text=True)
    m = re.search(r"^backing file: (\S+)", r.stdout, re.M)
    return m.group(1) if m else None


def deltas():
    return sorted(os.path.basename(p) for p in
                  glob.glob(os.path.join(VMDIR, "*-0*.vmdk")))


def tree_names(info):
    def walk(t):
        return (t.name, [walk(c) for c in t.childSnapshotList])
    return [walk(t) for t in info.rootSnapshotList]


def put(si, path, data):
    url = ("https://127.0.0.1:%d/folder/%s?dcPath=ha-datacenter&"
           "dsName=datastore1" % (PORT, path))
    req = urllib.request.Request(url, data=data, method="PUT")
    req.add_header("Cookie", si._stub.cookie)
    req.add_header("Content-Type", "application/octet-stream")
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


si = connect(PORT, "root", "")
content = si.RetrieveContent()
dc = content.rootFolder.childEntity[0]
vmfolder = dc.vmFolder
pool = dc.hostFolder.childEntity[0].resourcePool

# ---- a VM with a disk and a NIC --------------------------------------------
Add = vim.vm.device.VirtualDeviceSpec.Operation.add
Create = vim.vm.device.VirtualDeviceSpec.FileOperation.create
ctl = vim.vm.device.ParaVirtualSCSIController(
    key=-101, busNumber=0, sharedBus="noSharing")
disk = vim.vm.device.VirtualDisk(
    key=-102, controllerKey=-101, unitNumber=0, capacityInKB=16384,
    backing=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
        fileName="", diskMode="persistent", thinProvisioned=True))
nic = vim.vm.device.VirtualVmxnet3(
    key=-103, addressType="generated",
    backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(
        deviceName="VM Network"))
ser = vim.vm.device.VirtualSerialPort(
    key=-104, yieldOnPoll=True,
    backing=vim.vm.device.VirtualSerialPort.FileBackingInfo(
        fileName="[datastore1] snap1/serial.txt"))
kernel = os.path.join(VMDIR, "testguest.elf")
spec = vim.vm.ConfigSpec(
    name="snap1", guestId="otherGuest64", memoryMB=64, numCPUs=1,
    files=vim.vm.FileInfo(vmPathName="[datastore1]"),
    extraConfig=extra([("vireo.kernel", kernel),
                       ("vireo.cmdline", "test=diskmark"),
                       ("vireo.debugExit", "TRUE")]),
    deviceChange=[
        vim.vm.device.VirtualDeviceSpec(operation=Add, device=ctl),
        vim.vm.device.VirtualDeviceSpec(operation=Add, fileOperation=Create,
                                        device=disk),
        vim.vm.device.VirtualDeviceSpec(operation=Add, device=nic),
        vim.vm.device.VirtualDeviceSpec(operation=Add, device=ser)])
vm, err = wait_task(vmfolder.CreateVM_Task(config=spec, pool=pool))
check("CreateVM_Task succeeds", err is None, repr(err))
if vm is None:
    summary()
vmx = os.path.join(VMDIR, "snap1.vmx")
vmsd = os.path.join(VMDIR, "snap1.vmsd")
base = vmx_keys(vmx).get("scsi0:0.filename")
check("the VM has a VMDK on scsi0:0", base is not None and
      base.endswith(".vmdk"), repr(base))
check("no snapshot yet: vm.snapshot is None", vm.snapshot is None)
check("no snapshot yet: rootSnapshot is empty", len(vm.rootSnapshot) == 0)

nics = [d for d in vm.config.hardware.device
        if isinstance(d, vim.vm.device.VirtualEthernetCard)]
check("the VM has its NIC", len(nics) == 1, repr(nics))
# vmx needs a Linux bridge or TAP behind a NIC, which a test root lacks:
# the NIC goes before the guest boots (as in itest_hostd_provision).
Remove = vim.vm.device.VirtualDeviceSpec.Operation.remove
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(operation=Remove, device=nics[0])])))
check("the NIC is removed for the boots", err is None, repr(err))

with open(GUEST, "rb") as f:
    st = put(si, "snap1/testguest.elf", f.read())
check("the guest is uploaded with PUT /folder", st in (200, 201), st)

# ---- boot, mark, snapshot ---------------------------------------------------
out = boot(vm, "test=diskmark mark=AAA")
check("first boot: a blank disk", found(out) == "", out)
check("first boot: marker AAA written", 'wrote "AAA"' in out, out)

r, err = wait_task(vm.CreateSnapshot_Task(name="s1", description="first",
                                          memory=False, quiesce=False))
check("CreateSnapshot_Task (powered off) succeeds", err is None, repr(err))
s1 = r
check("the result is a VirtualMachineSnapshot named <vm>-snapshot-1",
      s1 is not None and s1._moId == "%s-snapshot-1" % vm._moId,
      s1 and s1._moId)
info = vm.snapshot
check("vm.snapshot.currentSnapshot is s1",
      info is not None and info.currentSnapshot._moId == s1._moId)
t = info.rootSnapshotList[0] if info else None
check("the tree: one root s1", t is not None and len(
    info.rootSnapshotList) == 1 and t.name == "s1" and
    t.description == "first" and t.id == 1 and t.vm._moId == vm._moId and
    t.snapshot._moId == s1._moId and t.state == "poweredOff" and
    not t.quiesced and len(t.childSnapshotList) == 0, repr(t))
check("createTime is now", t is not None and
      abs(t.createTime.timestamp() - time.time()) < 120, repr(t))
check("vm.rootSnapshot is [s1]",
      [x._moId for x in vm.rootSnapshot] == [s1._moId])
check("s1.vm is the VM", s1.vm._moId == vm._moId)
check("s1.childSnapshot is empty", len(s1.childSnapshot) == 0)
check("s1.config is the configuration at snapshot time",
      s1.config is not None and s1.config.hardware.memoryMB == 64 and
      s1.config.name == "snap1")
keys = vmx_keys(vmsd)
check(".vmsd written like VMware's",
      keys.get("snapshot.numsnapshots") == "1" and
      keys.get("snapshot.current") == "1" and
      keys.get("snapshot.lastuid") == "1" and
      keys.get("snapshot0.uid") == "1" and
      keys.get("snapshot0.displayname") == "s1" and
      keys.get("snapshot0.disk0.filename") == base and
      keys.get("snapshot0.disk0.node") == "scsi0:0" and
      keys.get("snapshot0.numdisks") == "1" and
      "snapshot0.createtimehigh" in keys and
      "snapshot0.createtimelow" in keys, repr(keys))
cur = vmx_keys(vmx).get("scsi0:0.filename")
check("the .vmx names the new delta", cur == base[:-5] + "-000001.vmdk",
      cur)
check("the delta's parent is the base (qemu-img)",
      backing(os.path.join(VMDIR, cur)) == base)
ok, msg = qemu_ok(os.path.join(VMDIR, cur))
check("qemu-img check passes on the delta", ok, msg)

# ---- change, revert, see the old marker --------------------------------------
out = boot(vm, "test=diskmark mark=BBB")
check("second boot reads AAA", found(out) == "AAA", out)
check("second boot writes BBB", 'wrote "BBB"' in out, out)
r, err = wait_task(s1.RevertToSnapshot_Task())
check("RevertToSnapshot_Task succeeds", err is None, repr(err))
check("reverted VM is powered off", vm.runtime.powerState == "poweredOff")
check("the old delta is gone, a new one in use", deltas() ==
      [base[:-5] + "-000002.vmdk"], repr(deltas()))
out = boot(vm, "test=diskmark")
check("after the revert the guest finds the OLD marker AAA",
      found(out) == "AAA", out)

# ---- a second snapshot, rename, remove ------------------------------------
out = boot(vm, "test=diskmark mark=CCC")
r, err = wait_task(vm.CreateSnapshot_Task(name="s2", memory=False,
                                          quiesce=False))
check("second snapshot taken", err is None, repr(err))
s2 = r
check("the tree is s1 -> s2", tree_names(vm.snapshot) ==
      [("s1", [("s2", [])])], repr(tree_names(vm.snapshot)))
check("s1.childSnapshot is [s2]",
      [x._moId for x in s1.childSnapshot] == [s2._moId])
check("current is s2", vm.snapshot.currentSnapshot._moId == s2._moId)
s2.RenameSnapshot(name="s2-renamed", description="renamed")
t2 = vm.snapshot.rootSnapshotList[0].childSnapshotList[0]
check("RenameSnapshot renames", t2.name == "s2-renamed" and
      t2.description == "renamed", repr(t2))
out = boot(vm, "test=diskmark mark=DDD")
check("the guest saw CCC before writing DDD", found(out) == "CCC", out)
r, err = wait_task(s2.RemoveSnapshot_Task(removeChildren=False))
check("RemoveSnapshot_Task succeeds", err is None, repr(err))
check("s1 is current again, alone", tree_names(vm.snapshot) ==
      [("s1", [])] and vm.snapshot.currentSnapshot._moId == s1._moId,
      repr(tree_names(vm.snapshot)))
for d in deltas():
    ok, msg = qemu_ok(os.path.join(VMDIR, d))
    check("qemu-img check %s after the removal" % d, ok, msg)
out = boot(vm, "test=diskmark")
check("after removing s2 the data is kept (DDD)", found(out) == "DDD", out)

r, err = wait_task(vm.RemoveAllSnapshots_Task())
check("RemoveAllSnapshots_Task succeeds", err is None, repr(err))
check("vm.snapshot is None again", vm.snapshot is None)
check("rootSnapshot is empty again", len(vm.rootSnapshot) == 0)
check("the .vmx names the base disk again",
      vmx_keys(vmx).get("scsi0:0.filename") == base)
check("no delta is left", deltas() == [], repr(deltas()))
check("the .vmsd lists no snapshot",
      vmx_keys(vmsd).get("snapshot.numsnapshots") == "0")
ok, msg = qemu_ok(os.path.join(VMDIR, base))
check("qemu-img check passes on the consolidated base", ok, msg)
out = boot(vm, "test=diskmark")
check("after consolidation the base holds DDD", found(out) == "DDD", out)

# ---- faults ------------------------------------------------------------------
try:
    s1.RevertToSnapshot_Task()
    check("revert to a removed snapshot fails", False)
except vmodl.fault.ManagedObjectNotFound:
    check("revert to a removed snapshot: ManagedObjectNotFound", True)
except Exception as e:
    check("revert to a removed snapshot: ManagedObjectNotFound", False,
          repr(e))
try:
    vm.RevertToCurrentSnapshot_Task()
    check("revert without snapshots fails", False)
except vim.fault.NotFound:
    check("revert without snapshots: NotFound", True)
except Exception as e:
    check("revert without snapshots: NotFound", False, repr(e))

# ---- a live snapshot of a running guest --------------------------------------
boot(vm, "test=diskmark mark=EEE then=FFF wait=10000", wait=False)
deadline = time.time() + 60
while time.time() < deadline and "diskmark: waiting" not in serial():
    time.sleep(0.1)
out = serial()
check("the running guest wrote EEE and waits", 'wrote "EEE"' in out and
      "diskmark: waiting" in out, out)
r, err = wait_task(vm.CreateSnapshot_Task(name="mem", memory=True,
                                          quiesce=False))
check("memory=true on a running VM: NotSupported",
      isinstance(err, vmodl.fault.NotSupported), repr(err))
r, err = wait_task(vm.CreateSnapshot_Task(name="live", memory=False,
                                          quiesce=False))
check("CreateSnapshot_Task of a running VM succeeds", err is None, repr(err))
live = r
check("the guest keeps running", vm.runtime.powerState == "poweredOn")
check("the live snapshot's state is poweredOff (no memory)",
      vm.snapshot.rootSnapshotList[0].state == "poweredOff")
cur = vmx_keys(vmx).get("scsi0:0.filename")
check("the .vmx names the live delta", cur != base and
      backing(os.path.join(VMDIR, cur)) == base, cur)
check("the guest ends by itself", wait_state(vm, "poweredOff", 60))
out = serial()
check("the guest wrote FFF after the snapshot", 'wrote "FFF"' in out, out)
out = boot(vm, "test=diskmark")
check("the current state holds FFF", found(out) == "FFF", out)

# Permissions: a ReadOnly user may look but not act.
ro = connect(PORT, "ro", ROPASS)
rovm = ro.RetrieveContent().rootFolder.childEntity[0].vmFolder.childEntity[0]
try:
    rovm.CreateSnapshot_Task(name="x", memory=False, quiesce=False)
    check("ReadOnly CreateSnapshot fails", False)
except vim.fault.NoPermission as e:
    check("ReadOnly CreateSnapshot: NoPermission",
          e.privilegeId == "VirtualMachine.State.CreateSnapshot",
          e.privilegeId)
rolive = vim.VirtualMachineSnapshot(live._moId, ro._stub)
try:
    rolive.RevertToSnapshot_Task()
    check("ReadOnly RevertToSnapshot fails", False)
except vim.fault.NoPermission as e:
    check("ReadOnly RevertToSnapshot: NoPermission",
          e.privilegeId == "VirtualMachine.State.RevertToSnapshot",
          e.privilegeId)
check("ReadOnly sees the snapshot tree",
      rovm.snapshot is not None and rovm.snapshot.rootSnapshotList[0].name ==
      "live")

# A revert of a running VM powers it off first.
boot(vm, "test=diskmark then=ZZZ wait=60000", wait=False)
check("the VM runs", wait_state(vm, "poweredOn", 30))
r, err = wait_task(live.RevertToSnapshot_Task())
check("RevertToSnapshot_Task of a running VM succeeds", err is None,
      repr(err))
check("and leaves it powered off", vm.runtime.powerState == "poweredOff")
out = boot(vm, "test=diskmark")
check("after the revert the guest finds EEE", found(out) == "EEE", out)
r, err = wait_task(vm.RevertToCurrentSnapshot_Task())
check("RevertToCurrentSnapshot_Task succeeds", err is None, repr(err))

# ---- destroy ----------------------------------------------------------------
r, err = wait_task(vm.Destroy_Task())
check("Destroy_Task succeeds", err is None, repr(err))
check("the VM's directory is gone", not os.path.exists(VMDIR))
try:
    live.RevertToSnapshot_Task()
    check("a snapshot of a destroyed VM is gone", False)
except vmodl.fault.ManagedObjectNotFound:
    check("a snapshot of a destroyed VM: ManagedObjectNotFound", True)
summary()
