#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# VM provisioning as unmodified pyVmomi 6.7 does it (run by
# itest_hostd_provision.sh on a real hostd with an empty inventory):
# Folder.CreateVM_Task with a PVSCSI controller, a thin disk, a vmxnet3
# NIC on "VM Network" and a serial port; the .vmx and the VMDK on disk;
# config.hardware.device, extraConfig, network, layoutEx, storage;
# ReconfigVM_Task (memory, annotation, add/extend/remove disks, remove
# the NIC, the power-state rule); powering the created VM on with the test
# guest; Rename_Task; UnregisterVM and RegisterVM_Task; Destroy_Task; and
# the faults (DuplicateName, InvalidDatastorePath, FileAlreadyExists,
# InvalidDeviceSpec, InvalidPowerState, NoPermission for a ReadOnly user).
#
# Usage: itest_hostd_provision.py PORT DATASTORE-DIR GUEST-ELF RO-PASSWORD.
# Exit 0 pass, 1 fail, 77 skip.

import json
import os
import re
import subprocess
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
DS = sys.argv[2]
GUEST = sys.argv[3]
ROPASS = sys.argv[4]


def wait_task(task):
    try:
        WaitForTask(task)
        return task.info.result, None
    except vmodl.MethodFault as e:
        return None, e


def vmx_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'\s*([^=\s]+)\s*=\s*"(.*)"\s*$', line)
            if m:
                keys[m.group(1).lower()] = m.group(2)
    return keys


def qemu_info(path):
    out = subprocess.run(["qemu-img", "info", "--output=json", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr}
    return json.loads(out.stdout)


def devices(vm):
    return {d.key: d for d in vm.config.hardware.device}


def wait_state(vm, state, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if vm.runtime.powerState == state:
            return True
        time.sleep(0.1)
    return False


def extra(pairs):
    return [vim.option.OptionValue(key=k, value=v) for k, v in pairs]


si = connect(PORT, "root", "")
content = si.RetrieveContent()
dc = content.rootFolder.childEntity[0]
vmfolder = dc.vmFolder
pool = dc.hostFolder.childEntity[0].resourcePool
ds = dc.datastore[0]
net = [n for n in dc.network if n.name == "VM Network"][0]
check("the inventory starts empty", len(vmfolder.childEntity) == 0)

# ---- CreateVM_Task -------------------------------------------------------
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
serial = vim.vm.device.VirtualSerialPort(
    key=-104, yieldOnPoll=True,
    backing=vim.vm.device.VirtualSerialPort.FileBackingInfo(
        fileName="[datastore1] prov1/serial.txt"))
Add = vim.vm.device.VirtualDeviceSpec.Operation.add
Create = vim.vm.device.VirtualDeviceSpec.FileOperation.create
spec = vim.vm.ConfigSpec(
    name="prov1", guestId="otherGuest64", memoryMB=64, numCPUs=1,
    annotation="first note",
    files=vim.vm.FileInfo(vmPathName="[datastore1]"),
    extraConfig=extra([("vireo.kernel", GUEST),
                       ("vireo.cmdline", "test=timer ticks=20 hz=10"),
                       ("vireo.debugExit", "TRUE")]),
    deviceChange=[
        vim.vm.device.VirtualDeviceSpec(operation=Add, device=ctl),
        vim.vm.device.VirtualDeviceSpec(operation=Add, fileOperation=Create,
                                        device=disk),
        vim.vm.device.VirtualDeviceSpec(operation=Add, device=nic),
        vim.vm.device.VirtualDeviceSpec(operation=Add, device=serial)])
task = vmfolder.CreateVM_Task(config=spec, pool=pool)
vm, err = wait_task(task)
check("CreateVM_Task succeeds", err is None, repr(err))
if vm is None:
    summary()
check("the result is a VirtualMachine", isinstance(vm, vim.VirtualMachine),
      repr(vm))
check("TaskInfo.name resolves", task.info.name.info.name == "CreateVm",
      repr(task.info.name))
check("the VM is in the folder",
      [v._moId for v in vmfolder.childEntity] == [vm._moId])
check("and in the pool's and the datastore's lists",
      vm._moId in [v._moId for v in pool.vm] and
      vm._moId in [v._moId for v in ds.vm])
check("poweredOff", vm.runtime.powerState == "poweredOff")

vmxpath = os.path.join(DS, "prov1", "prov1.vmx")
k = vmx_keys(vmxpath)
for key, want in [("displayname", "prov1"), ("guestos", "other-64"),
                  ("memsize", "64"), ("numvcpus", "1"),
                  ("config.version", "8"), ("virtualhw.version", "14"),
                  ("scsi0.present", "TRUE"), ("scsi0.virtualdev", "pvscsi"),
                  ("scsi0:0.present", "TRUE"),
                  ("scsi0:0.filename", "prov1.vmdk"),
                  ("ethernet0.present", "TRUE"),
                  ("ethernet0.virtualdev", "vmxnet3"),
                  ("ethernet0.networkname", "VM Network"),
                  ("ethernet0.addresstype", "generated"),
                  ("serial0.present", "TRUE"), ("serial0.filetype", "file"),
                  ("serial0.filename", "serial.txt"),
                  ("annotation", "first note"),
                  ("vireo.cmdline", "test=timer ticks=20 hz=10")]:
    check(".vmx %s = %s" % (key, want), k.get(key) == want,
          repr(k.get(key)))
check(".vmx ethernet0.generatedAddress is 00:0c:29:xx:xx:xx",
      re.match(r"00:0c:29(:[0-9a-f]{2}){3}$",
               k.get("ethernet0.generatedaddress", "")),
      repr(k.get("ethernet0.generatedaddress")))
check(".vmx uuid.bios and vc.uuid",
      k.get("uuid.bios", "").startswith("56 4d") and
      k.get("vc.uuid", "").startswith("52 "))
info = qemu_info(os.path.join(DS, "prov1", "prov1.vmdk"))
check("qemu-img sees a 16 MiB vmdk",
      info.get("format") == "vmdk" and info.get("virtual-size") == 16 << 20,
      repr(info))

# ---- what clients read back ---------------------------------------------
d = devices(vm)
check("fixed devices as ESX lists them",
      all(x in d for x in (100, 200, 201, 300, 400, 500, 600, 700)),
      repr(sorted(d)))
check("PVSCSI controller 1000",
      isinstance(d.get(1000), vim.vm.device.ParaVirtualSCSIController) and
      d[1000].busNumber == 0 and 2000 in d[1000].device)
dk = d.get(2000)
check("disk 2000 on 1000:0",
      isinstance(dk, vim.vm.device.VirtualDisk) and
      dk.controllerKey == 1000 and dk.unitNumber == 0, repr(dk))
check("disk capacity", dk is not None and dk.capacityInKB == 16384 and
      dk.capacityInBytes == 16 << 20)
check("disk backing fileName",
      dk is not None and
      dk.backing.fileName == "[datastore1] prov1/prov1.vmdk" and
      dk.backing.thinProvisioned and dk.backing.datastore._moId == ds._moId,
      repr(dk.backing if dk else None))
n = d.get(4000)
check("vmxnet3 4000 on VM Network",
      isinstance(n, vim.vm.device.VirtualVmxnet3) and
      n.backing.deviceName == "VM Network" and
      n.backing.network._moId == net._moId and
      n.macAddress == k.get("ethernet0.generatedaddress"), repr(n))
sp = d.get(9000)
check("serial port 9000 with a file backing",
      isinstance(sp, vim.vm.device.VirtualSerialPort) and
      sp.backing.fileName == "[datastore1] prov1/serial.txt", repr(sp))
check("config.hardware.memoryMB/numCPU",
      vm.config.hardware.memoryMB == 64 and vm.config.hardware.numCPU == 1)
check("config.annotation", vm.config.annotation == "first note")
xc = {o.key: o.value for o in vm.config.extraConfig}
check("config.extraConfig has the vireo keys",
      xc.get("vireo.cmdline") == "test=timer ticks=20 hz=10" and
      xc.get("vireo.kernel") == GUEST, repr(xc))
check("VirtualMachine.network", [x._moId for x in vm.network] ==
      [net._moId])
check("VirtualMachine.datastore", [x._moId for x in vm.datastore] ==
      [ds._moId])
check("summary counts", vm.summary.config.numEthernetCards == 1 and
      vm.summary.config.numVirtualDisks == 1)
names = [f.name for f in vm.layoutEx.file]
check("layoutEx lists the .vmx and the disk",
      "[datastore1] prov1/prov1.vmx" in names and
      "[datastore1] prov1/prov1.vmdk" in names, repr(names))
check("layoutEx.disk names disk 2000",
      [x.key for x in vm.layoutEx.disk] == [2000])
check("layout.disk", [x.diskFile for x in vm.layout.disk] ==
      [["[datastore1] prov1/prov1.vmdk"]])
check("storage per datastore",
      len(vm.storage.perDatastoreUsage) == 1 and
      vm.storage.perDatastoreUsage[0].committed > 0)
check("summary.storage", vm.summary.storage.committed > 0 and
      vm.summary.storage.uncommitted > 0)
ev = content.eventManager.QueryEvents(
    vim.event.EventFilterSpec(eventTypeId=["VmCreatedEvent"]))
check("VmCreatedEvent", len(ev) == 1 and ev[0].vm.vm._moId == vm._moId)

# ---- CreateVM faults -----------------------------------------------------
spec2 = vim.vm.ConfigSpec(name="prov1", guestId="otherGuest64",
                          files=vim.vm.FileInfo(vmPathName="[datastore1]"))
r, err = wait_task(vmfolder.CreateVM_Task(config=spec2, pool=pool))
check("a duplicate name is DuplicateName",
      isinstance(err, vim.fault.DuplicateName), repr(err))
for bad in ("[nosuch] x", "nobrackets", "[datastore1] ../escape"):
    spec2 = vim.vm.ConfigSpec(name="bad", files=vim.vm.FileInfo(
        vmPathName=bad))
    r, err = wait_task(vmfolder.CreateVM_Task(config=spec2, pool=pool))
    check("%r is InvalidDatastorePath" % bad,
          isinstance(err, vim.fault.InvalidDatastorePath), repr(err))
spec2 = vim.vm.ConfigSpec(name="other", files=vim.vm.FileInfo(
    vmPathName="[datastore1] prov1/prov1.vmx"))
r, err = wait_task(vmfolder.CreateVM_Task(config=spec2, pool=pool))
check("an existing .vmx is FileAlreadyExists",
      isinstance(err, vim.fault.FileAlreadyExists), repr(err))
spec2 = vim.vm.ConfigSpec(name="badguest", guestId="noSuchGuest",
                          files=vim.vm.FileInfo(vmPathName="[datastore1]"))
r, err = wait_task(vmfolder.CreateVM_Task(config=spec2, pool=pool))
check("an unknown guestId is InvalidArgument",
      isinstance(err, vmodl.fault.InvalidArgument), repr(err))
check("and leaves no directory behind",
      not os.path.exists(os.path.join(DS, "badguest")))
spec2 = vim.vm.ConfigSpec(name="baddisk", files=vim.vm.FileInfo(
    vmPathName="[datastore1]"), deviceChange=[
        vim.vm.device.VirtualDeviceSpec(
            operation=Add, fileOperation=Create,
            device=vim.vm.device.VirtualDisk(
                key=-1, controllerKey=1000, unitNumber=0,
                capacityInKB=1024))])
r, err = wait_task(vmfolder.CreateVM_Task(config=spec2, pool=pool))
check("a disk on a missing controller is InvalidDeviceSpec",
      isinstance(err, vim.fault.InvalidDeviceSpec), repr(err))
check("the inventory holds only prov1", len(vmfolder.childEntity) == 1)

# ---- ReconfigVM_Task -----------------------------------------------------
Edit = vim.vm.device.VirtualDeviceSpec.Operation.edit
Remove = vim.vm.device.VirtualDeviceSpec.Operation.remove
Destroy = vim.vm.device.VirtualDeviceSpec.FileOperation.destroy
grow = devices(vm)[2000]
grow.capacityInKB = 32768
grow.capacityInBytes = None
newdisk = vim.vm.device.VirtualDisk(
    key=-1, controllerKey=1000, unitNumber=1, capacityInKB=8192,
    backing=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
        fileName="", diskMode="persistent", thinProvisioned=False))
rspec = vim.vm.ConfigSpec(
    memoryMB=128, annotation="second note",
    deviceChange=[
        vim.vm.device.VirtualDeviceSpec(operation=Edit, device=grow),
        vim.vm.device.VirtualDeviceSpec(operation=Add, fileOperation=Create,
                                        device=newdisk),
        vim.vm.device.VirtualDeviceSpec(operation=Remove,
                                        device=devices(vm)[4000])])
r, err = wait_task(vm.ReconfigVM_Task(spec=rspec))
check("ReconfigVM_Task succeeds", err is None, repr(err))
d = devices(vm)
check("memoryMB is 128", vm.config.hardware.memoryMB == 128)
check("annotation changed", vm.config.annotation == "second note")
check("disk 2000 grew to 32 MiB", d[2000].capacityInKB == 32768)
info = qemu_info(os.path.join(DS, "prov1", "prov1.vmdk"))
check("qemu-img sees 32 MiB", info.get("virtual-size") == 32 << 20,
      repr(info))
check("disk 2001 is prov1_1.vmdk",
      2001 in d and d[2001].backing.fileName ==
      "[datastore1] prov1/prov1_1.vmdk" and d[2001].capacityInKB == 8192)
check("a thick disk is not thin", 2001 in d and
      not d[2001].backing.thinProvisioned)
check("the NIC is gone", 4000 not in d and vm.network == [])
k = vmx_keys(vmxpath)
check(".vmx: memsize 128, no ethernet0, scsi0:1",
      k.get("memsize") == "128" and "ethernet0.present" not in k and
      k.get("scsi0:1.filename") == "prov1_1.vmdk", repr(k))
ev = content.eventManager.QueryEvents(
    vim.event.EventFilterSpec(eventTypeId=["VmReconfiguredEvent"]))
check("VmReconfiguredEvent", len(ev) == 1)
# configSpec is required by the WSDL: the spec applied, subtypes intact.
cs = ev[0].configSpec if ev else None
check("VmReconfiguredEvent.configSpec is the spec applied",
      isinstance(cs, vim.vm.ConfigSpec) and cs.memoryMB == 128 and
      cs.annotation == "second note" and len(cs.deviceChange) == 3,
      repr(cs))
dtypes = [type(c.device) for c in cs.deviceChange] if cs else []
check("configSpec.deviceChange keeps the device types",
      dtypes == [vim.vm.device.VirtualDisk, vim.vm.device.VirtualDisk,
                 vim.vm.device.VirtualVmxnet3] and
      isinstance(cs.deviceChange[1].device.backing,
                 vim.vm.device.VirtualDisk.FlatVer2BackingInfo),
      repr(dtypes))

shrink = devices(vm)[2000]
shrink.capacityInKB = 1024
shrink.capacityInBytes = None
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(operation=Edit, device=shrink)])))
check("shrinking a disk is InvalidDeviceSpec",
      isinstance(err, vim.fault.InvalidDeviceSpec), repr(err))
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(operation=Add, device=newdisk)])))
check("a taken unit is InvalidDeviceSpec",
      isinstance(err, vim.fault.InvalidDeviceSpec), repr(err))
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(operation=Remove, device=devices(vm)[100])
])))
check("removing the PCI bus is InvalidDeviceSpec",
      isinstance(err, vim.fault.InvalidDeviceSpec), repr(err))
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(operation=Remove, fileOperation=Destroy,
                                    device=devices(vm)[2001])])))
check("removing disk 2001 with destroy succeeds", err is None, repr(err))
check("its file is deleted",
      not os.path.exists(os.path.join(DS, "prov1", "prov1_1.vmdk")))
check("and it is no longer listed", 2001 not in devices(vm))

# ---- power: the created VM runs the test guest ---------------------------
r, err = wait_task(vm.PowerOnVM_Task())
check("the created VM powers on", err is None, repr(err))
check("poweredOn after the task", vm.runtime.powerState == "poweredOn",
      vm.runtime.powerState)
check("the test guest ends itself (debug-exit): poweredOff",
      wait_state(vm, "poweredOff", 30), vm.runtime.powerState)
try:
    with open(os.path.join(DS, "prov1", "serial.txt")) as f:
        console = f.read()
except OSError:
    console = ""
check("the guest ran on serial0", "timer" in console,
      repr(console[-200:]))

r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(
    extraConfig=extra([("vireo.cmdline", "test=counter hz=4")]))))
check("extraConfig changes the command line", err is None and
      vmx_keys(vmxpath).get("vireo.cmdline") == "test=counter hz=4")
r, err = wait_task(vm.PowerOnVM_Task())
check("powers on with the counter guest", err is None and
      vm.runtime.powerState == "poweredOn", repr(err))
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(memoryMB=256)))
check("memory while poweredOn is InvalidPowerState",
      isinstance(err, vim.fault.InvalidPowerState), repr(err))
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(deviceChange=[
    vim.vm.device.VirtualDeviceSpec(operation=Add, device=nic)])))
check("a NIC while poweredOn is InvalidPowerState",
      isinstance(err, vim.fault.InvalidPowerState), repr(err))
r, err = wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(
    annotation="while on")))
check("annotation while poweredOn is allowed", err is None and
      vm.config.annotation == "while on", repr(err))
try:
    vm.UnregisterVM()
    check("UnregisterVM while on is InvalidPowerState", False)
except vim.fault.InvalidPowerState:
    check("UnregisterVM while on is InvalidPowerState", True)
r, err = wait_task(vm.Destroy_Task())
check("Destroy_Task while on is InvalidPowerState",
      isinstance(err, vim.fault.InvalidPowerState), repr(err))
r, err = wait_task(vm.PowerOffVM_Task())
check("powers off", err is None and vm.runtime.powerState == "poweredOff")

# ---- a ReadOnly user -----------------------------------------------------
ro = connect(PORT, "ro", ROPASS)
rc = ro.RetrieveContent()
rofolder = rc.rootFolder.childEntity[0].vmFolder
rovm = rofolder.childEntity[0]
rpool = rc.rootFolder.childEntity[0].hostFolder.childEntity[0].resourcePool
try:
    rofolder.CreateVM_Task(config=vim.vm.ConfigSpec(
        name="ro1", files=vim.vm.FileInfo(vmPathName="[datastore1]")),
        pool=rpool)
    check("ReadOnly CreateVM_Task is NoPermission", False)
except vim.fault.NoPermission as e:
    check("ReadOnly CreateVM_Task is NoPermission",
          e.privilegeId == "VirtualMachine.Inventory.Create", e.privilegeId)
for what, call in [
        ("ReconfigVM_Task", lambda: rovm.ReconfigVM_Task(
            spec=vim.vm.ConfigSpec(memoryMB=64))),
        ("Rename_Task", lambda: rovm.Rename_Task(newName="x")),
        ("UnregisterVM", lambda: rovm.UnregisterVM()),
        ("Destroy_Task", lambda: rovm.Destroy_Task())]:
    try:
        call()
        check("ReadOnly %s is NoPermission" % what, False)
    except vim.fault.NoPermission:
        check("ReadOnly %s is NoPermission" % what, True)
Disconnect(ro)
check("the VM survived the ReadOnly user", len(vmfolder.childEntity) == 1)

# ---- rename, unregister, register, destroy --------------------------------
spec3 = vim.vm.ConfigSpec(name="prov2", memoryMB=32,
                          files=vim.vm.FileInfo(
                              vmPathName="[datastore1] other/"))
vm2, err = wait_task(vmfolder.CreateVM_Task(config=spec3, pool=pool))
check("a second VM in [datastore1] other/", err is None and
      os.path.exists(os.path.join(DS, "other", "prov2.vmx")), repr(err))
r, err = wait_task(vm.Rename_Task(newName="prov2"))
check("Rename_Task to a used name is DuplicateName",
      isinstance(err, vim.fault.DuplicateName), repr(err))
r, err = wait_task(vm.Rename_Task(newName="renamed"))
check("Rename_Task succeeds", err is None and vm.name == "renamed" and
      vmx_keys(vmxpath).get("displayname") == "renamed", repr(err))
oldid = vm._moId
vm.UnregisterVM()
check("UnregisterVM keeps the files", os.path.exists(vmxpath) and
      os.path.exists(os.path.join(DS, "prov1", "prov1.vmdk")))
try:
    vm.name
    check("the old MoRef is gone", False)
except vmodl.fault.ManagedObjectNotFound:
    check("the old MoRef is gone", True)
check("the folder lists one VM", len(vmfolder.childEntity) == 1)
r, err = wait_task(vmfolder.RegisterVM_Task(
    path="[datastore1] prov1/prov1.vmx", asTemplate=False, pool=pool))
check("RegisterVM_Task succeeds", err is None and r is not None, repr(err))
vm = r
check("with a new moid and its name", vm._moId != oldid and
      vm.name == "renamed", "%s %s" % (vm._moId, vm.name))
check("and its disk", 2000 in devices(vm) and
      devices(vm)[2000].capacityInKB == 32768)
r, err = wait_task(vmfolder.RegisterVM_Task(
    path="[datastore1] prov1/prov1.vmx", asTemplate=False, pool=pool))
check("registering it twice is AlreadyExists",
      isinstance(err, vim.fault.AlreadyExists), repr(err))
r, err = wait_task(vmfolder.RegisterVM_Task(
    path="[datastore1] nothing/here.vmx", asTemplate=False, pool=pool))
check("a missing .vmx is FileNotFound",
      isinstance(err, vim.fault.FileNotFound), repr(err))
try:
    vmfolder.RegisterVM_Task(path="[datastore1] prov1/prov1.vmx",
                             asTemplate=False)
    check("RegisterVM_Task without a pool is InvalidArgument", False)
except vmodl.fault.InvalidArgument:
    check("RegisterVM_Task without a pool is InvalidArgument", True)

r, err = wait_task(vm.Destroy_Task())
check("Destroy_Task succeeds", err is None, repr(err))
check("the VM directory is gone", not os.path.exists(os.path.join(DS,
                                                                  "prov1")))
r, err = wait_task(vm2.Destroy_Task())
check("the second VM is destroyed too", err is None and
      not os.path.exists(os.path.join(DS, "other")), repr(err))
check("the folder is empty", len(vmfolder.childEntity) == 0)
ev = content.eventManager.QueryEvents(
    vim.event.EventFilterSpec(eventTypeId=["VmRemovedEvent"]))
check("VmRemovedEvent for unregister and both destroys", len(ev) == 3,
      repr(len(ev)))

Disconnect(si)
summary()
