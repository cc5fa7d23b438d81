#!/bin/sh
# SPDX-License-Identifier: ISC
#
# eagerZeroedThick disks are zeroed in steps on hostd's loop (dsjob.c), not
# in one synchronous write: tests/itest_hostd_eagerzero.py creates a VM
# with a big eager disk (EAGERZERO_MB, default 2048) and checks hostd
# answers promptly while it runs, the task's progress, TaskInProgress for
# the busy VM and the allocated files; the same for ReconfigVM_Task and the
# VirtualDiskManager.  Then hostd is stopped in the middle of a creation
# and restarted: the unfinished VM is not registered.  SKIP (77) without
# pyVmomi or openssl, or without room for the disks in the test's
# directory.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_require_cmd openssl
HARNESS_TIMEOUT=300
harness_tmpdir
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mb=${EAGERZERO_MB:-2048}
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$ds"
printf 'http.enabled = "FALSE"\nlog.level = "debug"\n' \
    >"$D/etc/vireo/hostd.conf"

# The VM's disk, half of it added, a VirtualDiskManager disk and its
# extension, the stopped creation, and room to spare.
need=$((mb * 4 + 512))
free=$(df -Pk "$ds" | awk 'NR == 2 { print int($4 / 1024) }')
if [ "$free" -lt "$need" ]; then
	harness_skip "$free MB free in $ds, $need MB needed"
fi

harness_write_ro_accounts "$D" 'Ro-pass1!'
harness_start_hostd "$D/hostd.out"
harness_run_pyvmomi "hostd keeps answering while eager disks are zeroed" \
    "$D/py.out" itest_hostd_eagerzero.py "$ds" "$mb" all
harness_expect "the zeroing is logged" \
    grep -q "dsjob: task .* zeroing" "$D/hostd.out"

# Stopped in the middle of a creation: nothing registered after it, and
# nothing left of it.
harness_run_pyvmomi "a creation is under way" "$D/start.out" \
    itest_hostd_eagerzero.py "$ds" "$mb" start
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
# A clean stop undoes the unfinished creation as a failure would.
harness_expect "its half-zeroed files are removed" test ! -e "$ds/half"
harness_expect_grep "the stop is logged" "stopped unfinished" "$D/hostd.out"
harness_start_hostd "$D/hostd.out"
harness_run_pyvmomi "the unfinished VM is not registered" "$D/after.out" \
    itest_hostd_eagerzero.py "$ds" "$mb" after
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
