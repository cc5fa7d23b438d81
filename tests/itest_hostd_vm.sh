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

py=/usr/bin/python3
[ -x "$py" ] || harness_skip "/usr/bin/python3 is not installed"
"$py" -c 'import pyVmomi' 2>/dev/null ||
    harness_skip "pyVmomi is not installed (Debian: python3-pyvmomi)"
harness_require_kvm
HARNESS_TIMEOUT=30
harness_tmpdir
hostd=$(harness_bin hostd/hostd)
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

start_hostd() {
	rm -f "$D/run/vireo/hostd.port"
	harness_spawn "$D/hostd.out" "$hostd" -d --root "$D" -p 0 -P 0
	HOSTD_PID=$HARNESS_PID
	harness_wait_file "$D/run/vireo/hostd.port" "$HOSTD_PID" 30 ||
	    harness_fail "hostd did not write run/vireo/hostd.port"
	PORT=$(cat "$D/run/vireo/hostd.port")
	harness_log "hostd pid $HOSTD_PID, https port $PORT"
}

run_py() {
	st=0
	"$py" "$TOP_SRCDIR/tests/itest_hostd_vm.py" "$PORT" "$1" "$ds" \
	    >"$D/py-$1.out" 2>&1 || st=$?
	cat "$D/py-$1.out" >&2
	[ "$st" -eq 77 ] && harness_skip "pyVmomi test skipped"
	harness_expect_eq "the pyVmomi checks ($1) pass" 0 "$st"
}

start_hostd
run_py main
harness_expect "vm1's vmx runs" test -S "$D/run/vireo/vmx/1.sock"

# hostd dies; vmx must not, and the next hostd finds it.
kill -KILL "$HOSTD_PID"
harness_reap "$HOSTD_PID"
start_hostd
harness_expect_grep "hostd re-attached" "VM 1: re-attached" "$D/hostd.out"
run_py restart
harness_stop "$HOSTD_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
harness_expect_grep "the guest's own power-off is logged" \
    "VM 2: vmx pid" "$D/hostd.out"
