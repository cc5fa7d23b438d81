#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test for vmx's control socket, driven with vmxctl the way a
# person would: the test guest's counter scenario runs under vmx --root,
# and the test checks state and statistics, that pause stops the counter
# on the console and resume continues it, two console viewers at once, a
# reset (the guest boots again), power off by request, the ACPI power
# button (the button scenario powers off: exit 0), that a non-owner is
# refused, that garbage on the socket only drops that client, and that
# SIGTERM is a clean exit.  The serial file's rotation is checked too, and
# resets in a row while the guest is busy with port I/O.
#
# Needs /dev/kvm (exit 77, SKIP, without it).
set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TOP_SRCDIR/tests/harness.sh"

harness_require_kvm
harness_tmpdir
TMP=$HARNESS_DIR
VMX=$(harness_bin vmx/vmx)
VMXCTL=$(harness_bin tools/vmxctl)
HARNESS_TIMEOUT=30

# write_vmx NAME CMDLINE [KEY=VALUE...]: $TMP/NAME/NAME.vmx, without the
# debug-exit device: these guests end by a power-off.
write_vmx() {
	_name=$1 _cmdline=$2
	shift 2
	harness_write_vmx "$TMP/$_name" "$_name" "vireo.cmdline=$_cmdline" \
	    vireo.debugExit=FALSE "$@"
}

# start_vmx NAME: vmx --root $TMP in the background; sets PID and SOCK.
start_vmx() {
	harness_spawn "$TMP/$1/out.log" "$VMX" --root "$TMP" \
	    -c "$TMP/$1/$1.vmx"
	PID=$HARNESS_PID
	SOCK=$TMP/run/vireo/vmx/$1.sock
	harness_wait_socket "$SOCK" "$PID" ||
	    harness_fail "$1: no control socket ($(cat "$TMP/$1/out.log"))"
}

# The last counter on a console file (0 if none yet).
last_counter() {
	_n=$(grep -a '^counter [0-9]' "$1" 2>/dev/null | tail -n 1 |
	    sed -e 's/^counter \([0-9]*\).*/\1/')
	echo "${_n:-0}"
}

counter_above() {
	[ "$(last_counter "$1")" -gt "$2" ]
}

# count_ge FILE PATTERN N: at least N lines of FILE match PATTERN.
count_ge() {
	[ "$(grep -ac -e "$2" "$1" 2>/dev/null || :)" -ge "$3" ]
}

# counts_from_1 FILE: after the last boot line the counter lines go 1, 2,
# ... in order, at least two of them: the new boot runs on, where a boot
# that outlived the reset would count on from its own number.  A reset cuts the
# guest's output wherever it is, as on a real serial port, so the boot
# line may follow a partial counter line: it is looked for anywhere.
counts_from_1() {
	awk '/counter: region/ { n = 0; bad = 0; next }
	    /^counter [0-9]+ / { if ($2 != n + 1) bad = 1; n = $2 }
	    END { exit !(n >= 2 && !bad) }' "$1"
}

ctl() {
	"$VMXCTL" -S "$SOCK" "$@"
}

# --- the counter VM: state, stats, pause, resume, console, reset ------
write_vmx ctr "test=counter hz=10"
start_vmx ctr
D=$TMP/ctr
harness_wait_grep "counter 2 " "$D/serial.txt" "$PID"

ctl state >"$D/state.txt"
harness_expect_grep "state says poweredOn" "state: poweredOn" "$D/state.txt"
harness_expect_grep "state gives the vCPUs" "vcpus: 1" "$D/state.txt"
harness_expect_grep "state gives the memory" "memory: 64 MiB" \
    "$D/state.txt"
"$VMXCTL" --root "$TMP" -i ctr state >"$D/state2.txt"
harness_expect_grep "--root and -i find the socket" "state: poweredOn" \
    "$D/state2.txt"

ctl stats >"$D/stats.txt"
harness_expect_grep "stats: state" "state: poweredOn" "$D/stats.txt"
harness_expect_grep "stats: exit counters" "exits.io: " "$D/stats.txt"
harness_expect "stats: the UART counted the console bytes" \
    grep -Eq '^ns8250\.tx_bytes: [1-9]' "$D/stats.txt"

# Two viewers, attached before the pause so they see all that follows.
"$VMXCTL" -S "$SOCK" console </dev/null >"$D/view1.txt" 2>"$D/view1.err" &
V1=$!
harness_track "$V1"
"$VMXCTL" -S "$SOCK" console </dev/null >"$D/view2.txt" 2>"$D/view2.err" &
V2=$!
harness_track "$V2"
n=$(last_counter "$D/serial.txt")
harness_wait_until "viewer 1 sees the counter" "$V1" 20 \
    counter_above "$D/view1.txt" "$n"
harness_wait_until "viewer 2 sees the counter" "$V2" 20 \
    counter_above "$D/view2.txt" "$n"
harness_log "ok: two viewers see the counter at once"

ctl pause
ctl state >"$D/state3.txt"
harness_expect_grep "state says paused" "state: paused" "$D/state3.txt"
before=$(last_counter "$D/serial.txt")
sleep 1.5
after=$(last_counter "$D/serial.txt")
harness_expect_eq "no counter line while paused (1.5 s)" "$before" "$after"
if ctl pause 2>"$D/pause2.err"; then
	harness_fail "pausing twice succeeded"
fi
harness_log "ok: pausing a paused VM fails (exit 1)"

ctl resume
harness_wait_until "the counter goes on after resume" "$PID" 20 \
    counter_above "$D/serial.txt" "$after"
next=$(grep -a '^counter [0-9]' "$D/serial.txt" |
    sed -e 's/^counter \([0-9]*\).*/\1/' |
    awk -v a="$after" '$1 > a { print; exit }')
harness_expect_eq "it continues from where it was" "$((after + 1))" "$next"

# The boot line anywhere on a line: the reset may cut a counter line.
ctl reset
harness_wait_until "the guest boots again after reset" "$PID" 20 \
    count_ge "$D/serial.txt" 'counter: region' 2
harness_wait_until "...and counts again from 1" "$PID" 20 \
    counts_from_1 "$D/serial.txt"
harness_expect_grep "reset is logged" "reset by request" "$D/vmware.log"
harness_wait_until "viewers see the reset too" "$V1" 20 \
    count_ge "$D/view1.txt" 'counter: region' 1
harness_alive "$PID" || harness_fail "vmx died after the reset"

# Garbage on the socket: that client is dropped, vmx goes on.
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"this is not a frame" * 64)
s.settimeout(5)
try:
    while s.recv(100):
        pass
except OSError:
    pass' "$SOCK"
	ctl state >"$D/state4.txt"
	harness_expect_grep "vmx survives garbage" "state: poweredOn" \
	    "$D/state4.txt"
	harness_expect_grep "the dropped client is logged" "dropped pid" \
	    "$D/vmware.log"
else
	harness_log "python3 missing: garbage check skipped"
fi

# A non-owner (nobody) is refused at accept.
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$TMP" "$TMP/run" "$TMP/run/vireo" "$TMP/run/vireo/vmx"
	chmod 666 "$SOCK"
	if setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$VMXCTL" -S "$SOCK" -t 5 state >"$D/nobody.txt" 2>&1; then
		harness_fail "uid 65534 got an answer: $(cat "$D/nobody.txt")"
	fi
	chmod 600 "$SOCK"
	harness_expect_grep "the refusal is logged" "refused pid" \
	    "$D/vmware.log"
else
	harness_log "setpriv missing or not root: non-owner check skipped"
fi

ctl poweroff
harness_wait_exit "$PID" 20 || harness_fail "vmx did not power off"
harness_expect_eq "poweroff by request: exit 0" 0 "$HARNESS_STATUS"
harness_expect_eq "the log ends with it" "powered off by request" \
    "$(harness_last_log "$D")"
harness_wait_exit "$V1" 10 || harness_fail "viewer 1 did not end"
harness_expect_eq "viewer 1 ends with vmx, status 0" 0 "$HARNESS_STATUS"
harness_wait_exit "$V2" 10 || harness_fail "viewer 2 did not end"
harness_expect_grep "viewers hear how it ended" "powered off by request" \
    "$D/view1.err"
[ ! -e "$SOCK" ] || harness_fail "the socket outlived vmx"

# --- resets in a row, the guest busy with port I/O -------------------
# At 1000 Hz with a small region the guest prints all the time, so a reset
# mostly lands while a UART write exits to vmx or is being finished:
# every vCPU must be parked with its pending exit completed before the
# boot CPU is put back at the entry, or the old boot's registers come
# back and it counts on instead of booting again.
write_vmx rst "test=counter hz=1000 size=1"
start_vmx rst
D=$TMP/rst
harness_wait_until "the busy counter runs" "$PID" 20 \
    counts_from_1 "$D/serial.txt"
i=0
while [ "$i" -lt 10 ]; do
	i=$((i + 1))
	boots=$(grep -ac 'counter: region' "$D/serial.txt")
	ctl reset
	harness_wait_until "reset $i: the guest boots again" "$PID" 20 \
	    count_ge "$D/serial.txt" 'counter: region' "$((boots + 1))"
	harness_wait_until "reset $i: it counts again from 1" "$PID" 20 \
	    counts_from_1 "$D/serial.txt"
done
harness_log "ok: 10 resets in a row, each a new boot"
ctl poweroff
harness_wait_exit "$PID" 20 || harness_fail "vmx did not power off"
harness_expect_eq "poweroff after the resets: exit 0" 0 "$HARNESS_STATUS"

# --- graceful shutdown: the ACPI power button -------------------------
write_vmx btn "test=button hz=10"
start_vmx btn
D=$TMP/btn
harness_wait_grep "button 2" "$D/serial.txt" "$PID"
"$VMXCTL" -S "$SOCK" events >"$D/events.txt" 2>&1 &
EV=$!
harness_track "$EV"
harness_wait_grep "state: poweredOn" "$D/events.txt" "$EV"
ctl shutdown
harness_wait_exit "$PID" 20 || harness_fail "the guest ignored the button"
harness_expect_eq "shutdown: the guest powers off, exit 0" 0 \
    "$HARNESS_STATUS"
harness_expect_grep "the guest saw the button" "button: pressed" \
    "$D/serial.txt"
harness_wait_exit "$EV" 10 || harness_fail "events did not end"
harness_expect_grep "events: the button" "event: power-button" \
    "$D/events.txt"
harness_expect_grep "events: powered off" "event: powered-off code 0" \
    "$D/events.txt"

# --- SIGTERM, and the serial file's rotation --------------------------
write_vmx term "test=counter hz=50" serial0.fileMaxSize=400 \
    serial0.fileKeepOld=2
start_vmx term
D=$TMP/term
harness_wait_file "$D/serial-1.txt" "$PID" 20 ||
    harness_fail "serial.txt was not rotated twice"
harness_stop "$PID"
harness_expect_eq "SIGTERM: exit 0" 0 "$HARNESS_STATUS"
harness_expect_grep "SIGTERM is logged" "stopped by signal" "$D/vmware.log"
[ ! -e "$D/serial-2.txt" ] || harness_fail "more than 2 old serial files"
size=$(wc -c <"$D/serial.txt")
[ "$size" -le 400 ] || harness_fail "serial.txt is $size bytes, max 400"
harness_log "ok: serial.txt rotated at 400 bytes, 2 kept"

# --- usage ------------------------------------------------------------
st=0
"$VMXCTL" state >/dev/null 2>&1 || st=$?
harness_expect_eq "vmxctl without a socket: usage, exit 2" 2 "$st"
st=0
"$VMXCTL" -S "$TMP/none.sock" state >/dev/null 2>&1 || st=$?
harness_expect_eq "vmxctl on a missing socket: exit 1" 1 "$st"
"$VMXCTL" --help | grep -q '^Commands:' ||
    harness_fail "vmxctl --help lists no commands"

harness_log "all checks passed"
exit 0
