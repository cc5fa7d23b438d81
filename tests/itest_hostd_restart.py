#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# hostd restarts and vmx crashes as pyVmomi sees them, in phases run by
# itest_hostd_restart.sh on three test-guest VMs (scenario counter):
#   start     power on vm1, vm2, vm3; SIGKILL vm3's vmx (a child of
#             hostd): vm3 goes poweredOff with a GeneralVmErrorEvent
#   reattach  (after hostd was SIGKILLed and started again) vm1 and vm2
#             are still poweredOn, all three VMs are in the inventory;
#             SIGSEGV to vm2's vmx (no longer hostd's child): poweredOff
#             and an error event, hostd serves on; vm1 powers off through
#             the new hostd; vm3 powers on and off again
#
# Usage: itest_hostd_restart.py PORT PHASE DATASTORE-DIR.  Exit 0/1/77.

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
PHASE = sys.argv[2]
DS = sys.argv[3]
# Generous: the check is that it happens, not how fast (bench/ times).
DEADLINE = 10


def wait_task(task):
    try:
        return WaitForTask(task), None
    except vmodl.MethodFault as e:
        return "error", e


def vmx_pid(name):
    """The pid of the vmx running DS/name/name.vmx."""
    want = ("%s/%s/%s.vmx" % (DS, name, name)).encode()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if want in args and os.path.basename(args[0]) == b"vmx":
            return int(p)
    return None


def wait_state(vm, state):
    deadline = time.time() + DEADLINE
    while time.time() < deadline:
        if vm.runtime.powerState == state:
            return True
        time.sleep(0.05)
    return False


def error_events(si, vm):
    spec = vim.event.EventFilterSpec(
        entity=vim.event.EventFilterSpec.ByEntity(entity=vm,
                                                  recursion="self"))
    return [e for e in si.content.eventManager.QueryEvents(spec)
            if isinstance(e, vim.event.GeneralVmErrorEvent)]


def crash(si, vm, name, sig):
    pid = vmx_pid(name)
    check("%s's vmx runs" % name, pid is not None)
    if pid is None:
        return
    before = len(error_events(si, vm))
    os.kill(pid, sig)
    check("%s: the crashed vmx leaves the VM poweredOff" % name,
          wait_state(vm, "poweredOff"), vm.runtime.powerState)
    errs = error_events(si, vm)
    check("%s: an error event names the VM" % name,
          len(errs) == before + 1 and errs[0].vm.vm == vm and
          "ended unexpectedly" in errs[0].fullFormattedMessage,
          [e.fullFormattedMessage for e in errs])
    check("%s: runtime.bootTime is cleared" % name,
          vm.runtime.bootTime is None)
    check("hostd keeps serving", si.CurrentTime() is not None)


si = connect(PORT, "root", "")
dc = si.content.rootFolder.childEntity[0]
vms = {vm.name: vm for vm in dc.vmFolder.childEntity}
check("the three VMs are in the inventory",
      sorted(vms) == ["vm1", "vm2", "vm3"], sorted(vms))

if PHASE == "start":
    for n in ("vm1", "vm2", "vm3"):
        st, err = wait_task(vms[n].PowerOnVM_Task())
        check("%s powers on" % n, st == "success", repr(err))
    crash(si, vms["vm3"], "vm3", signal.SIGKILL)
    check("vm1 and vm2 run on", vms["vm1"].runtime.powerState ==
          "poweredOn" and vms["vm2"].runtime.powerState == "poweredOn")

elif PHASE == "reattach":
    check("vm1 is still poweredOn after hostd's SIGKILL",
          vms["vm1"].runtime.powerState == "poweredOn")
    check("vm2 is still poweredOn after hostd's SIGKILL",
          vms["vm2"].runtime.powerState == "poweredOn")
    check("vm3 stays poweredOff", vms["vm3"].runtime.powerState ==
          "poweredOff")
    check("vm1 has its boot time back", vms["vm1"].runtime.bootTime
          is not None)
    crash(si, vms["vm2"], "vm2", signal.SIGSEGV)
    check("vm1 runs on", vms["vm1"].runtime.powerState == "poweredOn")
    st, err = wait_task(vms["vm1"].PowerOffVM_Task())
    check("vm1 powers off through the new hostd", st == "success",
          repr(err))
    check("vm1 is poweredOff", vms["vm1"].runtime.powerState ==
          "poweredOff")
    # The process may take a moment to end after it said powered off
    # (LeakSanitizer's exit scan in sanitizer builds takes seconds).
    gone = wait_state(vms["vm1"], "poweredOff")
    deadline = time.time() + 15
    while gone and vmx_pid("vm1") is not None and time.time() < deadline:
        time.sleep(0.1)
    check("vm1's vmx has exited", gone and vmx_pid("vm1") is None)
    st, err = wait_task(vms["vm3"].PowerOnVM_Task())
    check("vm3 powers on again after its crash", st == "success",
          repr(err))
    st, err = wait_task(vms["vm3"].PowerOffVM_Task())
    check("and off", st == "success", repr(err))
else:
    print("unknown phase %s" % PHASE)
    sys.exit(2)
Disconnect(si)
summary()
