#!/bin/sh
# SPDX-License-Identifier: ISC
#
# VM provisioning end to end with unmodified pyVmomi: a real hostd
# (vmx.path pointing at the built vmx) in a fresh --root with an empty
# inventory, root (Admin) and a ReadOnly user "ro", driven by
# tests/itest_hostd_provision.py: CreateVM_Task with a disk, a NIC and a
# serial port (the .vmx and the VMDK checked on disk with qemu-img),
# the device list read back, ReconfigVM_Task, the created VM powered on
# with the test guest, Rename_Task, UnregisterVM/RegisterVM_Task,
# Destroy_Task and the faults.  Then hostd restarts: a VM created before
# the restart is still registered and readable, from inventory.xml.
# SKIP (77) without /dev/kvm, pyVmomi, qemu-img or openssl.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_require_kvm
harness_require_cmd qemu-img
harness_require_cmd openssl
HARNESS_TIMEOUT=60
harness_tmpdir
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
D=$HARNESS_DIR
src=$(cd "${TOP_SRCDIR:-.}" && pwd)
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$ds"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"

# root keeps the empty first-boot password; ro is ReadOnly everywhere.
ropass='Ro-pass1!'
harness_write_ro_accounts "$D" "$ropass"

harness_start_hostd "$D/hostd.out"
harness_run_pyvmomi "the pyVmomi provisioning checks pass" "$D/py.out" \
    itest_hostd_provision.py "$ds" "$guest" "$ropass"
harness_expect "inventory.xml lists no VM at the end" \
    sh -c "! grep -q ConfigEntry '$D/var/lib/vireo/inventory.xml'"

# A VM created through the API survives a restart of hostd.
cat >"$D/create.py" <<EOT
import sys
sys.path.insert(0, "$src/tests")
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary
from pyVim.task import WaitForTask
from pyVmomi import vim
si = connect(int(sys.argv[1]), "root", "")
dc = si.content.rootFolder.childEntity[0]
pool = dc.hostFolder.childEntity[0].resourcePool
if sys.argv[2] == "create":
    spec = vim.vm.ConfigSpec(name="keep", memoryMB=64, files=vim.vm.FileInfo(
        vmPathName="[datastore1]"))
    WaitForTask(dc.vmFolder.CreateVM_Task(config=spec, pool=pool))
vms = dc.vmFolder.childEntity
check("one VM named keep", [v.name for v in vms] == ["keep"],
      repr([v.name for v in vms]))
check("with its memory", vms and vms[0].config.hardware.memoryMB == 64)
summary()
EOT
harness_expect "a VM is created" "$HARNESS_PYTHON" "$D/create.py" \
    "$HARNESS_PORT" create
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
harness_start_hostd "$D/hostd.out"
harness_expect "it is registered after the restart" "$HARNESS_PYTHON" \
    "$D/create.py" "$HARNESS_PORT" check
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
