#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Snapshots end to end: a real hostd (vmx.path pointing at the built vmx)
# in a fresh --root, root (Admin) and a ReadOnly user "ro", driven by
# unmodified pyVmomi (tests/itest_hostd_snapshot.py): a VM created with
# CreateVM_Task, the test guest uploaded with PUT /folder and booted with
# the diskmark scenario, snapshot / change / revert / remove / remove-all
# with the guest reading its marker back, a live snapshot of a running
# guest, the faults, Destroy_Task.  The .vmsd, .vmx and deltas are
# checked on disk (qemu-img for the VMDKs).  Then hostd's log must show
# no crash and the daemon a clean exit.
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
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$ds"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"

# root keeps the empty first-boot password; ro is ReadOnly everywhere.
ropass='Ro-pass1!'
harness_write_ro_accounts "$D" "$ropass"

harness_start_hostd "$D/hostd.out"
harness_run_pyvmomi "the pyVmomi snapshot checks pass" "$D/py.out" \
    itest_hostd_snapshot.py "$ds" "$guest" "$ropass"
harness_expect_grep "hostd logged the live snapshot" '"live" taken' \
    "$D/hostd.out"
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
