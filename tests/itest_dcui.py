# SPDX-License-Identifier: ISC
#
# What tests/itest_dcui.sh checks through pyVmomi after driving dcui:
#   password OLD NEW  root's password changed: OLD gives InvalidLogin,
#                     NEW logs in
#   events PWD        events recorded under userName "dcui" (its login,
#                     the password change)
#   adduser PWD NAME USERPW  create a user outside localadmin
#   vm PWD NAME       the VM NAME is poweredOn
# Usage: itest_dcui.py PORT PHASE ARGS...

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vireo_test  # noqa: E402  (skips without pyVmomi)
from vireo_test import check, connect, summary  # noqa: E402
from pyVmomi import vim  # noqa: E402

port = int(sys.argv[1])
phase = sys.argv[2]

if phase == "password":
    old, new = sys.argv[3], sys.argv[4]
    try:
        connect(port, "root", old)
        check("the old password is refused", False, "it logged in")
    except vim.fault.InvalidLogin:
        check("the old password is refused (InvalidLogin)", True)
    si = connect(port, "root", new)
    check("the new password logs in",
          si.content.sessionManager.currentSession.userName == "root")
elif phase == "events":
    si = connect(port, "root", sys.argv[3])
    evs = si.content.eventManager.QueryEvents(vim.event.EventFilterSpec())
    mine = [e for e in evs if e.userName == "dcui"]
    check("hostd recorded events under userName dcui", len(mine) > 0,
          "users: %s" % sorted(set(e.userName for e in evs)))
    kinds = set(type(e).__name__ for e in mine)
    print("dcui events: %s" % sorted(kinds))
    check("dcui's login is recorded as its own session",
          "vim.event.UserLoginSessionEvent" in kinds, str(kinds))
    check("the password change is recorded under dcui",
          any("Account" in k or "Password" in k for k in kinds), str(kinds))
elif phase == "adduser":
    si = connect(port, "root", sys.argv[3])
    spec = vim.host.LocalAccountManager.AccountSpecification(
        id=sys.argv[4], password=sys.argv[5], description="not an admin")
    si.content.accountManager.CreateUser(spec)
    check("user %s created" % sys.argv[4], True)
elif phase == "vm":
    si = connect(port, "root", sys.argv[3])
    view = si.content.viewManager.CreateContainerView(
        si.content.rootFolder, [vim.VirtualMachine], True)
    vms = [v for v in view.view if v.name == sys.argv[4]]
    check("the VM is known", len(vms) == 1)
    check("the VM is still poweredOn",
          vms and vms[0].runtime.powerState == "poweredOn",
          vms and vms[0].runtime.powerState)
else:
    print("unknown phase %s" % phase)
    sys.exit(2)
summary()
