#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostd restarts and vmx crashes (tests/itest_hostd_restart.py does the
# API side): three test-guest VMs run; one vmx is killed (the VM must go
# poweredOff with an error event); hostd is SIGKILLed and started again
# (the running VMs must still run, re-attached, their guests still
# counting, the inventory whole); another vmx gets SIGSEGV; VMs power off
# and on through the new hostd.  SKIP (77) without /dev/kvm or pyVmomi.

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

HARNESS_GUEST=$guest
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<ConfigRoot>'
	for n in 1 2 3; do
		harness_write_vmx "$ds/vm$n" "vm$n" memsize=32 \
		    "vireo.cmdline=test=counter hz=4 size=8"
		echo "  <ConfigEntry id=\"000$n\"><objID>$n</objID>"
		echo "    <vmxCfgPath>$ds/vm$n/vm$n.vmx</vmxCfgPath></ConfigEntry>"
	done
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"
cp "$D/var/lib/vireo/inventory.xml" "$D/inventory.before"

run_py() {
	harness_run_pyvmomi "the pyVmomi checks ($1) pass" "$D/py-$1.out" \
	    itest_hostd_restart.py "$1" "$ds"
}

harness_start_hostd "$D/hostd.out"
run_py start
harness_expect_grep "the crash is logged" "VM 3: vmx ended unexpectedly" \
    "$D/hostd.out"

kill -KILL "$HARNESS_PID"
harness_reap "$HARNESS_PID"
# The guests count on while no hostd runs.
size1=$(wc -c <"$ds/vm1/serial.txt")
harness_expect "vm1's guest runs on without hostd" \
    harness_wait_until "vm1's console to grow" "" 10 \
    sh -c "[ \$(wc -c <'$ds/vm1/serial.txt') -gt $size1 ]"
harness_start_hostd "$D/hostd2.out"
harness_expect_grep "vm1 re-attached" "VM 1: re-attached" "$D/hostd2.out"
harness_expect_grep "vm2 re-attached" "VM 2: re-attached" "$D/hostd2.out"
run_py reattach
harness_expect "the inventory file is unchanged" \
    cmp -s "$D/inventory.before" "$D/var/lib/vireo/inventory.xml"
harness_expect "hostd is still running" harness_alive "$HARNESS_PID"
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
