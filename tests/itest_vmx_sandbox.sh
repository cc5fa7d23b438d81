#!/bin/sh
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2317
# (SC2317: the helpers are called through check, which shellcheck misses.)
#
# Integration test of vmx's sandbox (vmx/sandbox.c, vmx(8) SANDBOX), with
# the test guest (tests/guest/testguest.elf):
#   * on by default: a plain run logs "sandbox: N system calls allowed",
#     and the guest passes (itest_vmx.sh and itest_virtio.sh therefore run
#     every guest scenario sandboxed);
#   * the self-test hook (VIREO_SANDBOX_SELFTEST=1) makes the event thread
#     try forbidden calls once the filter is on: they are refused with
#     EPERM, logged, and the guest finishes normally;
#   * while a guest runs, every thread of vmx (event thread, vCPUs) has
#     Seccomp 2 and NoNewPrivs 1 in /proc; with --user nobody (root only)
#     the process is uid 65534 and the guest still runs, its files and
#     /dev/kvm having been opened before the drop;
#   * VIREO_SANDBOX_SELFTEST=kill makes vmx call execve, which ends it
#     with SIGSYS (status 159);
#   * --no-sandbox turns the filter off; an unknown --user is status 2.
# Built with AddressSanitizer, vmx leaves the filter off (it says so in
# vmware.log): the checks of the filter are then skipped, the rest runs.
# Needs /dev/kvm (exit 77, SKIP, without it).
set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TOP_SRCDIR/tests/harness.sh"

harness_require_kvm
harness_require_cmd timeout
VMX=$(harness_bin vmx/vmx)
[ -f "$HARNESS_GUEST" ] || harness_skip "$HARNESS_GUEST is not built"
harness_tmpdir
TMP=$HARNESS_DIR
# The kill check must not leave a core file behind (dash and bash have
# ulimit -c).
# shellcheck disable=SC3045
ulimit -c 0 2>/dev/null || :

# The log line of a sandboxed start, less the user's name.
ALLOWED='sandbox: [0-9]+ system calls allowed, user'
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
# check DESCRIPTION COMMAND [ARG...]
check() {
	_cdesc=$1
	shift
	if "$@"; then
		pass "$_cdesc"
	else
		fail "$_cdesc"
	fi
}
has() {
	grep -qF -- "$1" "$2" 2>/dev/null
}

# proc_field PID FIELD: a field of /proc/PID/status ("Seccomp").
proc_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null |
	    awk '{ print $1 }'
}

# every_thread PID FIELD VALUE: each thread of PID has FIELD = VALUE.
every_thread() {
	_n=0
	for _t in /proc/"$1"/task/*; do
		_v=$(sed -n "s/^$2:[[:space:]]*//p" "$_t/status" 2>/dev/null)
		[ -z "$_v" ] && continue
		if [ "$_v" != "$3" ]; then
			harness_log "thread $_t ($(cat "$_t/comm")): $2 $_v"
			return 1
		fi
		_n=$((_n + 1))
	done
	harness_log "$_n threads have $2 $3"
	[ "$_n" -ge 3 ]
}

# --- On by default, self-test refused, the guest finishes normally.
d=$TMP/selftest
harness_write_vmx "$d" selftest "vireo.cmdline=test=hello"
harness_run_vmx "$d" selftest env VIREO_SANDBOX_SELFTEST=1 --
SANITIZED=0
if has "sandbox: seccomp filter off: built with a sanitizer" \
    "$d/vmware.log"; then
	SANITIZED=1
	harness_log "vmx is built with a sanitizer: filter checks skipped"
fi
check "self-test run: status 1 (debug exit 0), got $HARNESS_STATUS" \
    [ "$HARNESS_STATUS" -eq 1 ]
check "self-test run: the guest passed" has "TEST hello PASS" "$d/serial.txt"
check "self-test run: vmware.log ends with the guest's exit" \
    [ "$(harness_last_log "$d")" = "debug exit 0" ]
check "self-test run: nothing on stderr" [ ! -s "$d/stderr" ]
if [ "$SANITIZED" -eq 0 ]; then
	check "on by default: 'sandbox: N system calls allowed, user root'" \
	    grep -qE "$ALLOWED root\$" "$d/vmware.log"
	eperm="refused: Operation not permitted"
	check "self-test: socket(AF_INET) refused with EPERM" has \
	    "sandbox self-test: socket(AF_INET) $eperm" "$d/vmware.log"
	check "self-test: a set-up-only KVM ioctl refused with EPERM" has \
	    "sandbox self-test: ioctl(KVM_CREATE_VM) $eperm" "$d/vmware.log"
	check "self-test: nothing was allowed" \
	    test "$(grep -c 'was allowed' "$d/vmware.log")" -eq 0
fi

# --- A running guest: every thread filtered; 2 vCPUs, so vCPU threads
# started after the filter and the event thread started before it.
d=$TMP/running
harness_write_vmx "$d" running "vireo.cmdline=test=pio count=100000000" \
    numvcpus=2
harness_spawn "$d/out.log" "$VMX" -c "$d/running.vmx"
pid=$HARNESS_PID
if harness_wait_file "$d/vmware.log" "$pid" &&
    harness_wait_grep "sandbox:" "$d/vmware.log" "$pid"; then
	sleep 1
	if [ "$SANITIZED" -eq 0 ]; then
		check "running: Seccomp 2 in /proc/PID/status" \
		    [ "$(proc_field "$pid" Seccomp)" = 2 ]
		check "running: NoNewPrivs 1" \
		    [ "$(proc_field "$pid" NoNewPrivs)" = 1 ]
		check "running: every thread has Seccomp 2" \
		    every_thread "$pid" Seccomp 2
	fi
	check "running: still uid 0 without --user" \
	    [ "$(proc_field "$pid" Uid)" = 0 ]
	harness_stop "$pid"
	check "running: SIGTERM still stops it (status $HARNESS_STATUS)" \
	    [ "$HARNESS_STATUS" -eq 0 ]
	check "running: 'stopped by signal'" \
	    [ "$(harness_last_log "$d")" = "stopped by signal" ]
else
	harness_stop "$pid"
	fail "running: the VM did not start: $(cat "$d/out.log")"
fi

# --- --user nobody: a dropped, filtered process still runs the guest.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	nobody=$(id -u nobody)
	d=$TMP/user
	harness_write_vmx "$d" user "vireo.cmdline=test=pio count=100000000"
	harness_spawn "$d/out.log" env VIREO_SANDBOX_SELFTEST=1 "$VMX" \
	    --user nobody -c "$d/user.vmx"
	pid=$HARNESS_PID
	if harness_wait_file "$d/vmware.log" "$pid" &&
	    harness_wait_grep "sandbox self-test:" "$d/vmware.log" "$pid"
	then
		sleep 1
		check "--user nobody: uid $nobody in /proc/PID/status" \
		    [ "$(proc_field "$pid" Uid)" = "$nobody" ]
		check "--user nobody: no supplementary group left" \
		    [ "$(proc_field "$pid" Groups)" = "$(id -g nobody)" ]
		if [ "$SANITIZED" -eq 0 ]; then
			check "--user nobody: Seccomp 2" \
			    [ "$(proc_field "$pid" Seccomp)" = 2 ]
			check "--user nobody: logged" \
			    grep -qE "$ALLOWED nobody\$" "$d/vmware.log"
		fi
		check "--user nobody: still running a second later" \
		    harness_alive "$pid"
		harness_stop "$pid"
		check "--user nobody: SIGTERM, status $HARNESS_STATUS" \
		    [ "$HARNESS_STATUS" -eq 0 ]
	else
		harness_stop "$pid"
		fail "--user nobody: the VM did not start: $(cat "$d/out.log")"
	fi
	d=$TMP/userhello
	harness_write_vmx "$d" userhello "vireo.cmdline=test=hello"
	harness_run_vmx "$d" userhello --user nobody
	check "--user nobody: hello to the end (status $HARNESS_STATUS)" \
	    [ "$HARNESS_STATUS" -eq 1 ]
	check "--user nobody: hello passed" has "TEST hello PASS" \
	    "$d/serial.txt"
	check "--user nobody: 'running as nobody' logged" \
	    has "running as nobody (uid $nobody" "$d/vmware.log"
else
	harness_log "not root or no user nobody: --user checks skipped"
fi

# --- A call that only an attacker makes ends the process with SIGSYS.
if [ "$SANITIZED" -eq 0 ]; then
	d=$TMP/kill
	harness_write_vmx "$d" kill "vireo.cmdline=test=pio count=100000000"
	harness_run_vmx "$d" kill env VIREO_SANDBOX_SELFTEST=kill --
	check "execve: killed by SIGSYS (status 159), got $HARNESS_STATUS" \
	    [ "$HARNESS_STATUS" -eq 159 ]
	check "execve: attempted after the filter" \
	    has "sandbox self-test: execve" "$d/vmware.log"
	check "execve: never came back" \
	    test "$(grep -c 'execve came back' "$d/vmware.log")" -eq 0
fi

# --- --no-sandbox: no filter; the same self-test is allowed.
d=$TMP/nosandbox
harness_write_vmx "$d" nosandbox "vireo.cmdline=test=hello"
harness_run_vmx "$d" nosandbox env VIREO_SANDBOX_SELFTEST=1 -- --no-sandbox
check "--no-sandbox: status 1, got $HARNESS_STATUS" [ "$HARNESS_STATUS" -eq 1 ]
check "--no-sandbox: logged" has "sandbox: off (--no-sandbox), user root" \
    "$d/vmware.log"
check "--no-sandbox: the self-test's socket was allowed" \
    has "sandbox self-test: socket(AF_INET) was allowed" "$d/vmware.log"

# --- An unknown user is a usage error before anything runs.
d=$TMP/baduser
harness_write_vmx "$d" baduser "vireo.cmdline=test=hello"
harness_run_vmx "$d" baduser --user no-such-user-vireo
check "unknown --user: status 2, got $HARNESS_STATUS" \
    [ "$HARNESS_STATUS" -eq 2 ]
check "unknown --user: one line on stderr" \
    [ "$(cat "$d/stderr")" = "vmx: --user no-such-user-vireo: no such user" ]
check "unknown --user: no VM started" [ ! -e "$d/vmware.log" ]

harness_log "$passes passed, $failures failed"
[ "$failures" -eq 0 ] || harness_fail "$failures checks failed"
exit 0
