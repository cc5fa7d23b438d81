#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# hostd keeps a session's groups instead of reading passwd and group at
# every privilege check (authz.c); this checks that the cache never
# outlives the membership.  Run by itest_hostd_groupcache.sh: VMs 1, 2;
# the group vmops is ReadOnly on VM 2; alice has no permission and starts
# in no group.  alice keeps one session throughout while root adds her to
# vmops and takes her out again, first through HostLocalAccountManager,
# then by rewriting etc/vireo/group in place as an operator would (same
# inode, mtimes set back an hour so that only the stamp comparison can
# notice, one edit differing from the last only in size, one only in
# the nanoseconds of its mtime); each change must show on alice's next
# call.
#
# Usage: itest_hostd_groupcache.py PORT ROOT.  Exit 0 pass, 1 fail, 77 skip.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
GROUP = os.path.join(sys.argv[2], "etc", "vireo", "group")
PASSWD = os.path.join(sys.argv[2], "etc", "vireo", "passwd")
PCQ = vmodl.query.PropertyCollector


def sees(si):
    """(name, effectiveRole) of VM 2 as si reads it, or None if hidden."""
    vm = vim.VirtualMachine("2", si._stub)
    spec = PCQ.FilterSpec(
        objectSet=[PCQ.ObjectSpec(obj=vm)],
        propSet=[PCQ.PropertySpec(type=vim.VirtualMachine,
                                  pathSet=["name", "effectiveRole"])])
    try:
        r = si.content.propertyCollector.RetrievePropertiesEx(
            [spec], PCQ.RetrieveOptions())
    except vmodl.MethodFault:
        return None
    if r is None or not r.objects or r.objects[0].missingSet:
        return None
    props = {p.name: p.val for p in r.objects[0].propSet}
    return (props.get("name"), sorted(props.get("effectiveRole") or []))


# Backdated mtimes: a second apart, so that no two edits share one.
stamp = [int(time.time() - 3600) * 10**9]


def rewrite(text, bump_ns=10**9):
    """Rewrite GROUP in place (same inode) and set its mtime back."""
    ino = os.stat(GROUP).st_ino
    with open(GROUP, "r+") as f:
        f.seek(0)
        f.write(text)
        f.truncate()
    stamp[0] += bump_ns
    os.utime(GROUP, ns=(stamp[0], stamp[0]))
    return os.stat(GROUP).st_ino == ino


# hostd trusts no stamp of a file changed in the last seconds (it could
# change again within one timestamp tick): passwd must look old, or it
# alone would make hostd read the files at every call.
os.utime(PASSWD, ns=(stamp[0], stamp[0]))
root = connect(PORT, "root", "")
alice = connect(PORT, "alice", "Alice-pass1!")
am = root.content.accountManager
READ = ("vm2", [-2])

# ---- a session whose groups are cached: none yet ------------------------
check("alice does not see VM 2 at first", sees(alice) is None)
check("... nor on her next call", sees(alice) is None)

# ---- HostLocalAccountManager ---------------------------------------------
am.AssignUserToGroup(user="alice", group="vmops")
check("after AssignUserToGroup, alice's same session reads VM 2",
      sees(alice) == READ, sees(alice))
check("... and still does on the next call", sees(alice) == READ)
am.UnassignUserFromGroup(user="alice", group="vmops")
check("after UnassignUserFromGroup, VM 2 is hidden again",
      sees(alice) is None)

# ---- the group file edited on disk ---------------------------------------
base = open(GROUP).read()
check("the group file still has vmops without members",
      "vmops:x:1500:\n" in base, base)
rewrite(base)
check("a rewrite that changes nothing changes nothing", sees(alice) is None)
check("... twice", sees(alice) is None)
same = rewrite(base.replace("vmops:x:1500:", "vmops:x:1500:alice"))
check("the edit kept the inode", same)
check("alice added on disk: her same session reads VM 2",
      sees(alice) == READ, sees(alice))
check("... and still does on the next call", sees(alice) == READ)
# Same size, mtime 1 ns later: only st_mtim's nanoseconds tell.
rewrite(base.replace("vmops:x:1500:", "vmops:x:1500:zzzzz"), bump_ns=1)
check("alice replaced on disk by a name as long (1 ns later): hidden",
      sees(alice) is None)
rewrite(base.replace("vmops:x:1500:", "vmops:x:1500:alice"))
check("alice back on disk: reads VM 2", sees(alice) == READ)
rewrite(base)
check("alice removed on disk: VM 2 is hidden on the next call",
      sees(alice) is None)

# ---- a new session of a member, then the end of a session --------------
rewrite(base.replace("vmops:x:1500:", "vmops:x:1500:alice"))
alice2 = connect(PORT, "alice", "Alice-pass1!")
check("a second session of alice reads VM 2", sees(alice2) == READ)
check("the first one too", sees(alice) == READ)
Disconnect(alice2)
am.UnassignUserFromGroup(user="alice", group="vmops")
check("after Logout of the other, the first sees the removal",
      sees(alice) is None)
check("root reads VM 2 throughout", sees(root) == ("vm2", [-1]))

Disconnect(alice)
Disconnect(root)
summary()
