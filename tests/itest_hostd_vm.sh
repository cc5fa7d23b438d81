#!/bin/sh
# SPDX-License-Identifier: ISC
#
# VirtualMachine power operations end to end: a real hostd (vmx.path
# pointing at the built vmx) with two test-guest VMs registered in
# inventory.xml before it starts, driven by unmodified pyVmomi
# (tests/itest_hostd_vm.py, phase "main"): properties, PowerOn/PowerOff/
# Reset/Suspend tasks, InvalidPowerState in a task, a guest that powers
# itself off seen through WaitForUpdatesEx, ShutdownGuest.  Then hostd is
# killed with SIGKILL while a VM runs and started again: the VM must still
# be poweredOn (re-attached to its vmx) and power off (phase "restart").
# SKIP (77) without /dev/kvm or pyVmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_require_kvm
HARNESS_TIMEOUT=30
harness_tmpdir
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo"

# vm1: counter, runs until told otherwise.  vm2: ticks, then powers
# itself off through the debug-exit port.  vm3: waits for the ACPI button.
HARNESS_GUEST=$guest
harness_write_vmx "$ds/vm1" vm1 memsize=64 numvcpus=1 \
    "vireo.cmdline=test=counter hz=4 size=8" uuid.bios="56 4d 12 ab 34 cd 56 ef-01 23 45 67 89 ab cd ef"
harness_write_vmx "$ds/vm2" vm2 "vireo.cmdline=test=timer ticks=40 hz=10"
harness_write_vmx "$ds/vm3" vm3 "vireo.cmdline=test=button hz=10"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<ConfigRoot>'
	n=0
	for v in vm1 vm2 vm3; do
		n=$((n + 1))
		echo "  <ConfigEntry id=\"000$n\"><objID>$n</objID>"
		echo "    <vmxCfgPath>$ds/$v/$v.vmx</vmxCfgPath></ConfigEntry>"
	done
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"

run_py() {
	harness_run_pyvmomi "the pyVmomi checks ($1) pass" "$D/py-$1.out" \
	    itest_hostd_vm.py "$1" "$ds"
}

harness_start_hostd "$D/hostd.out"
run_py main
harness_expect "vm1's vmx runs" test -S "$D/run/vireo/vmx/1.sock"

# hostd dies; vmx must not, and the next hostd finds it.
kill -KILL "$HARNESS_PID"
harness_reap "$HARNESS_PID"
harness_start_hostd "$D/hostd.out"
harness_expect_grep "hostd re-attached" "VM 1: re-attached" "$D/hostd.out"
run_py restart
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
harness_expect_grep "the guest's own power-off is logged" \
    "VM 2: vmx pid" "$D/hostd.out"
