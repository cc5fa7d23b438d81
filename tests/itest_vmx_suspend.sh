#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test for suspend to disk and resume (vmx/suspend.c, libvmm's
# vmm_suspend and vmm_create_resume): the test guest's counter scenario
# prints an increasing counter and a checksum of 8 MiB of RAM four times a
# second.  A suspend request on the control socket (vmxctl suspend) must
# end vmx with status 0, "suspended to <file>" as the log's last line, the
# .vmss next to the .vmx and checkpoint.vmState naming it.  A new vmx on
# the same .vmx must resume: the counter goes on from where it was (the
# two consoles together count 1, 2, 3, ... with no gap, no repeat and no
# reboot) with the same checksum, and the .vmss is gone afterwards.  A
# truncated file, a file from a VM with another memsize and a foreign
# file are refused with status 2 and a clear message, and kept.
#
# Needs /dev/kvm (exit 77, SKIP, without it).
set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TOP_SRCDIR/tests/harness.sh"

harness_require_kvm
harness_require_cmd timeout awk
HARNESS_TIMEOUT=30
harness_tmpdir
TMP=$HARNESS_DIR
VMX=$(harness_bin vmx/vmx)
VMXCTL=$(harness_bin tools/vmxctl)
SOCK=$TMP/vm.sock

# write_vmx MEMSIZE: $TMP/vm.vmx running the counter scenario.
write_vmx() {
	harness_write_vmx "$TMP" vm "memsize=$1" \
	    "vireo.cmdline=test=counter hz=4 size=8" vireo.virtioRng=TRUE
}

# start_vmx: a vmx in the background on the control socket.
start_vmx() {
	rm -f "$TMP/vmx.out"
	harness_spawn "$TMP/vmx.out" "$VMX" -S "$SOCK" -c "$TMP/vm.vmx"
	VMX_PID=$HARNESS_PID
	harness_wait_socket "$SOCK" "$VMX_PID" ||
	    harness_fail "vmx did not open its control socket"
}

# wait_count N: until the console shows counter line N.
wait_count() {
	harness_wait_grep "counter $1 sum" "$TMP/serial.txt" "$VMX_PID" ||
	    harness_fail "no counter $1 on the console"
}

# suspend_vmx: vmxctl suspend, then vmx must exit 0 saying so.
suspend_vmx() {
	"$VMXCTL" -S "$SOCK" suspend >"$TMP/vmxctl.out" 2>&1 ||
	    harness_fail "vmxctl suspend: $(cat "$TMP/vmxctl.out")"
	harness_wait_exit "$VMX_PID" ||
	    harness_fail "vmx did not exit after the suspend"
	harness_expect_eq "vmx exits 0 after a suspend" 0 "$HARNESS_STATUS"
	harness_expect "the .vmss is next to the .vmx" test -s "$TMP/vm.vmss"
	harness_expect_grep "the log's last line says so" \
	    "suspended to $TMP/vm.vmss" "$TMP/vmware.log"
	harness_expect_grep "the .vmx names the suspend file" \
	    'checkpoint.vmState = "vm.vmss"' "$TMP/vm.vmx"
}

# expect_refused WHAT PATTERN: a vmx on the .vmx exits 2 saying PATTERN.
expect_refused() {
	harness_run_vmx "$TMP" vm
	cat "$TMP/stdout" "$TMP/stderr" >"$TMP/bad.out"
	harness_expect_eq "$1: exit status 2" 2 "$HARNESS_STATUS"
	harness_expect_grep "$1: the message says why" "$2" "$TMP/bad.out"
	harness_expect "$1: the file is kept" test -s "$TMP/vm.vmss"
}

write_vmx 64

# 1. Run, suspend after a few lines.
start_vmx
wait_count 4
suspend_vmx
cp "$TMP/serial.txt" "$TMP/serial.1"
harness_log "suspended after: $(grep counter "$TMP/serial.1" | tail -1)"

# 2. Resume: the counter goes on, the checksum is the same, no reboot.
start_vmx
harness_wait_grep "resuming from $TMP/vm.vmss" "$TMP/vmware.log" \
    "$VMX_PID" || harness_fail "vmx did not resume"
last=$(grep -c '^counter [0-9]* sum' "$TMP/serial.1" || :)
wait_count $((last + 3))
harness_expect "the .vmss is gone after the resume" \
    test ! -e "$TMP/vm.vmss"
harness_expect_grep "checkpoint.vmState is cleared" \
    'checkpoint.vmState = ""' "$TMP/vm.vmx"
# Unanchored: a boot line glued to a line the suspend cut must count too.
if grep -q 'counter: region' "$TMP/serial.txt"; then
	harness_fail "the resumed guest booted again"
fi
# The two consoles in a row: 1, 2, 3, ... and one checksum (a line the
# suspend cut in two is whole again once joined).
cat "$TMP/serial.1" "$TMP/serial.txt" >"$TMP/serial.all"
harness_expect "the counter continues without gap or repeat" \
    awk '/^counter [0-9]+ sum/ { n++; if ($2 != n) exit 1 }
	END { exit n < 6 }' "$TMP/serial.all"
harness_expect "the memory checksum is unchanged" \
    test "$(awk '/^counter [0-9]+ sum/ { print $4 }' "$TMP/serial.all" |
    sort -u | wc -l)" -eq 1

# 3. Suspend the resumed VM again: a file for the refusals below.
suspend_vmx
cp "$TMP/vm.vmss" "$TMP/good.vmss"
last2=$(awk '/^counter [0-9]+ sum/ { n = $2 } END { print n + 0 }' \
    "$TMP/serial.txt")

# 4. Refusals: the file is untrusted input.
head -c 100000 "$TMP/good.vmss" >"$TMP/vm.vmss"
expect_refused "a truncated .vmss" "truncated"
cp "$TMP/good.vmss" "$TMP/vm.vmss"
write_vmx 128
echo 'checkpoint.vmState = "vm.vmss"' >>"$TMP/vm.vmx"
expect_refused "a .vmss of another memsize" "64 MiB of memory, this one has 128"
head -c 70000 /dev/urandom >"$TMP/vm.vmss"
expect_refused "a foreign file" "not a Vireo suspend file"

# 5. The good file still resumes once the configuration matches again.
cp "$TMP/good.vmss" "$TMP/vm.vmss"
write_vmx 64
start_vmx
wait_count $((last2 + 2))
"$VMXCTL" -S "$SOCK" poweroff >/dev/null 2>&1 || :
harness_wait_exit "$VMX_PID" || harness_fail "vmx did not power off"
harness_expect "a second resume also consumed the file" \
    test ! -e "$TMP/vm.vmss"
exit 0
