#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test for vmx: boots the test guest (tests/guest/testguest.elf)
# once per scenario from a .vmx written into a short temporary directory,
# then checks what a user sees: the guest's console (serial0 to a file), the
# exit status and the last line of vmware.log.  Also checks that bad input
# (options, .vmx, kernel images) gets exit status 2 and one line on stderr,
# that SIGTERM stops a VM cleanly and that vmware.log is rotated.
#
# Needs /dev/kvm (exit 77, SKIP, without it).  Logs of a failed run are
# kept and their directory printed.
set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TOP_SRCDIR/tests/harness.sh"

harness_require_kvm
harness_require_cmd timeout
harness_tmpdir
TMP=$HARNESS_DIR
VMX=$(harness_bin vmx/vmx)
GUEST=$HARNESS_GUEST

# Every check runs, so one run reports every scenario; the count of
# failures decides the test's result at the end.
failures=0
passes=0
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	failures=$((failures + 1))
}
pass() {
	printf 'PASS: %s\n' "$*" >&2
	passes=$((passes + 1))
}
finish() {
	harness_log "$passes passed, $failures failed"
	[ "$failures" -eq 0 ] || harness_fail "$failures checks failed"
	exit 0
}

# The .vmx files are harness_write_vmx's (the test guest, its console in
# DIR/serial.txt); harness_run_vmx runs one, its status in HARNESS_STATUS.

# scenario NAME STATUS LAST-LOG-LINE [GREP-PATTERN...] -- [KEY=VALUE...]
scenario() {
	_sname=$1 _want=$2 _wantlog=$3
	shift 3
	_pats=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_pats="$_pats$1
"
		shift
	done
	[ $# -gt 0 ] && shift
	_d=$TMP/$_sname
	_cmd=$(echo "$_sname" | sed -e 's/-.*//')
	harness_write_vmx "$_d" "$_sname" \
	    "vireo.cmdline=test=$_cmd${ARGS:+ $ARGS}" "$@"
	harness_run_vmx "$_d" "$_sname"
	_ok=1
	if [ "$HARNESS_STATUS" -ne "$_want" ]; then
		fail "$_sname: exit status $HARNESS_STATUS, want $_want"
		_ok=0
	fi
	if [ "$_want" -eq 1 ] &&
	    ! grep -q "^TEST $_cmd PASS" "$_d/serial.txt"; then
		fail "$_sname: no 'TEST $_cmd PASS' on the console"
		_ok=0
	fi
	_old=$IFS
	IFS='
'
	for _p in $_pats; do
		if ! grep -q -e "$_p" "$_d/serial.txt"; then
			fail "$_sname: console lacks /$_p/"
			_ok=0
		fi
	done
	IFS=$_old
	if [ "$(harness_last_log "$_d")" != "$_wantlog" ]; then
		fail "$_sname: vmware.log ends with" \
		    "'$(harness_last_log "$_d")'," \
		    "want '$_wantlog'"
		_ok=0
	fi
	if [ -s "$_d/stderr" ]; then
		fail "$_sname: unexpected stderr: $(head -n 3 "$_d/stderr")"
		_ok=0
	fi
	if [ "$_ok" -eq 1 ]; then
		pass "$_sname"
	else
		{
			echo "--- $_d/serial.txt"
			tail -n 20 "$_d/serial.txt" 2>/dev/null || :
			echo "--- $_d/vmware.log"
			tail -n 5 "$_d/vmware.log" 2>/dev/null || :
		} >&2
	fi
}

# bad NAME WANT-STDERR-PATTERN [VMX-OPTION...]: exit 2, one stderr line.
bad() {
	_bname=$1 _pat=$2
	shift 2
	_d=$TMP/$_bname
	harness_run_vmx "$_d" "$_bname" "$@"
	if [ "$HARNESS_STATUS" -ne 2 ]; then
		fail "$_bname: exit status $HARNESS_STATUS, want 2"
	elif [ "$(wc -l <"$_d/stderr")" -ne 1 ]; then
		fail "$_bname: stderr is not one line: $(cat "$_d/stderr")"
	elif ! grep -q -e "$_pat" "$_d/stderr"; then
		fail "$_bname: stderr '$(cat "$_d/stderr")' lacks /$_pat/"
	else
		pass "$_bname: $(cat "$_d/stderr")"
	fi
}

# --- Bad input: no guest needed.
mkdir -p "$TMP/opt-unknown" "$TMP/opt-missing-c" "$TMP/vmx-missing"
status=0
"$VMX" -x >"$TMP/opt-unknown/stdout" 2>"$TMP/opt-unknown/stderr" || status=$?
if [ "$status" -eq 2 ] && [ "$(wc -l <"$TMP/opt-unknown/stderr")" -eq 1 ] &&
    grep -q '^vmx: unknown option -x' "$TMP/opt-unknown/stderr"; then
	pass "unknown option"
else
	fail "unknown option: status $status, $(cat "$TMP/opt-unknown/stderr")"
fi
status=0
"$VMX" 2>"$TMP/opt-missing-c/stderr" || status=$?
if [ "$status" -eq 2 ] && [ "$(wc -l <"$TMP/opt-missing-c/stderr")" -eq 1 ]
then
	pass "missing -c"
else
	fail "missing -c: status $status"
fi
if "$VMX" --help | grep -q '^usage: vmx' && "$VMX" -V | grep -q '^vmx'; then
	pass "--help and -V"
else
	fail "--help or -V"
fi
bad vmx-missing 'vmx: .*/vmx-missing.vmx: No such file or directory'

d=$TMP/malformed
mkdir -p "$d"
printf 'displayName = "x"\nmemsize = "64\nvireo.kernel = "k"\n' \
    >"$d/malformed.vmx"
bad malformed "^vmx: $d/malformed.vmx:2:"

d=$TMP/memsize
harness_write_vmx "$d" memsize vireo.cmdline=test=hello memsize=255
bad memsize 'memsize "255" is not a multiple of 4 MiB'

d=$TMP/numvcpus
harness_write_vmx "$d" numvcpus vireo.cmdline=test=hello numvcpus=0
bad numvcpus 'numvcpus "0" is out of range'

d=$TMP/nokernel
harness_write_vmx "$d" nokernel vireo.cmdline=test=hello \
    "vireo.kernel=$d/none.elf"
bad nokernel "vireo.kernel $d/none.elf: No such file or directory"

d=$TMP/emptykernel
harness_write_vmx "$d" emptykernel vireo.cmdline=test=hello \
    vireo.kernel=empty.elf
: >"$d/empty.elf"
bad emptykernel "vireo.kernel $d/empty.elf: empty file"

d=$TMP/notkernel
harness_write_vmx "$d" notkernel vireo.cmdline=test=hello \
    vireo.kernel=text.elf
echo "this is not a kernel" >"$d/text.elf"
bad notkernel "^vmx: $d/notkernel.vmx: .*kernel"

d=$TMP/serialpipe
harness_write_vmx "$d" serialpipe vireo.cmdline=test=hello \
    serial0.fileType=pipe
bad serialpipe 'serial0.fileType "pipe" is not supported'

if [ ! -f "$GUEST" ]; then
	harness_log "$GUEST is not built; guest scenarios not run"
	finish
fi

d=$TMP/truncated
harness_write_vmx "$d" truncated vireo.cmdline=test=hello \
    vireo.kernel=short.elf
head -c 200 "$GUEST" >"$d/short.elf"
bad truncated "^vmx: $d/truncated.vmx: .*short.elf"

# --- The test guest's scenarios.
ARGS=
scenario hello 1 "debug exit 0" "^Hello from the Vireo test guest" \
    "^cmdline: test=hello"
ARGS=count=1000
scenario pio 1 "debug exit 0" "^pio: 1000 writes to port 0x80"
ARGS=
scenario memtest 1 "debug exit 0" "^memtest: .* MiB tested" -- memsize=32
scenario smp 1 "debug exit 0" "^smp: APIC id 1 up" "^smp: 2 of 2 CPUs up" \
    -- numvcpus=2
scenario smp-1 1 "debug exit 0" "^smp: 1 of 1 CPUs up"
scenario timer 1 "debug exit 0" "^timer: .* ticks"
# The PIT, the IOAPIC (edge, and level with its EOI) and the 8259A.  The
# guest fails unless it got at least the ticks it wanted: one more may
# land before its cli (scenario-irq.c).
scenario irq 1 "debug exit 0" \
    "^irq: PIT through IOAPIC pin 2: [0-9]* interrupts (5 wanted)" \
    "^irq: PIT through the 8259A (ExtINT): [0-9]* interrupts (5 wanted)" \
    "^irq: COM1 level-triggered: 3 interrupts, one per EOI"
scenario rtc 1 "debug exit 0" "^rtc: 20[0-9][0-9]-"
# The i440FX host bridge (8086:1237) is the one device at 00:00.0.
scenario pciscan 1 "debug exit 0" "^pci 00:00.0 8086:1237 class 06.00.00"
scenario poweroff 0 "powered off"
scenario reset 4 "reset"
# A guest that fails a test: status 3, its FAIL line.
scenario nosuchtest 3 "debug exit 1" "^TEST nosuchtest FAIL"

# --- Without the debug-exit device the guest ends in a triple fault:
# status 6, one line on stderr.
d=$TMP/triple
harness_write_vmx "$d" triple vireo.cmdline=test=hello vireo.debugExit=FALSE
harness_run_vmx "$d" triple
if [ "$HARNESS_STATUS" -eq 6 ] &&
    [ "$(harness_last_log "$d")" = "triple fault" ] &&
    [ "$(cat "$d/stderr")" = "vmx: $d/triple.vmx: triple fault" ] &&
    grep -q '^TEST hello PASS' "$d/serial.txt"; then
	pass "triple fault"
else
	fail "triple fault: status $HARNESS_STATUS," \
	    "log ends '$(harness_last_log "$d")'," \
	    "stderr '$(cat "$d/stderr")'"
fi

# --- Console on a pty and on stdout.
d=$TMP/pty
harness_write_vmx "$d" pty vireo.cmdline=test=hello serial0.fileType=pty
harness_run_vmx "$d" pty
if [ "$HARNESS_STATUS" -eq 1 ] &&
    grep -q '^serial0: /dev/pts/[0-9]*$' "$d/stdout" &&
    grep -q 'serial0: pty /dev/pts/' "$d/vmware.log"; then
	pass "pty console"
else
	fail "pty console: status $HARNESS_STATUS, stdout '$(cat "$d/stdout")'"
fi
d=$TMP/stdio
harness_write_vmx "$d" stdio vireo.cmdline=test=hello serial0.fileType=stdio
harness_run_vmx "$d" stdio
if [ "$HARNESS_STATUS" -eq 1 ] && grep -q '^TEST hello PASS' "$d/stdout"; then
	pass "stdio console"
else
	fail "stdio console: status $HARNESS_STATUS"
fi

# --- vmware.log rotation: two more runs of hello, keep 1 old log.
d=$TMP/hello
echo 'log.keepOld = "1"' >>"$d/hello.vmx"
harness_run_vmx "$d" hello
harness_run_vmx "$d" hello
if [ -f "$d/vmware.log" ] && [ -f "$d/vmware-0.log" ] &&
    [ ! -f "$d/vmware-1.log" ] &&
    grep -q 'DICT log.keepOld = "1"' "$d/vmware-0.log" &&
    grep -q 'memsize 64 MiB, 1 vCPU$' "$d/vmware.log"; then
	pass "vmware.log rotation"
else
	fail "vmware.log rotation: $(ls "$d")"
fi

# --- SIGTERM stops a running guest: status 0, "stopped by signal".
d=$TMP/sigterm
harness_write_vmx "$d" sigterm "vireo.cmdline=test=pio count=100000000"
harness_spawn "$d/out.log" "$VMX" -c "$d/sigterm.vmx"
pid=$HARNESS_PID
if harness_wait_file "$d/vmware.log" "$pid" &&
    harness_wait_grep "powering on" "$d/vmware.log" "$pid"; then
	sleep 1
	harness_stop "$pid"
	if [ "$HARNESS_STATUS" -eq 0 ] &&
	    [ "$(harness_last_log "$d")" = "stopped by signal" ]; then
		pass "SIGTERM"
	else
		fail "SIGTERM: status $HARNESS_STATUS, log ends" \
		    "'$(harness_last_log "$d")'"
	fi
else
	harness_stop "$pid"
	fail "SIGTERM: the VM did not start: $(cat "$d/out.log")"
fi

finish
