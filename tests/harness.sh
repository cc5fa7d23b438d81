# SPDX-License-Identifier: ISC
# shellcheck shell=sh disable=SC2034
# (SC2034: HARNESS_STATUS and friends are results for the sourcing test.)
#
# The integration-test harness for shell tests (tests/*.sh), the same as
# tests/harness.c offers Check tests: a short private directory to use as
# --root, the built programs, daemons started in the background with their
# output in a log file, waiting for sockets and files with a deadline,
# stopping with an escalation to SIGKILL, and an EXIT trap that removes
# the directory when the test passed (or skipped) and keeps it, saying
# where, when it failed; for hostd tests, starting hostd and running
# pyVmomi scripts against it (harness_start_hostd, harness_run_pyvmomi);
# and for tests that boot the test guest, writing its .vmx and running vmx
# on it (harness_write_vmx, harness_run_vmx).
# Safe under `set -eu`; the benchmarks (bench/lib.sh) use it too.
#
# Source it, then:
#
#	. "$TOP_SRCDIR/tests/harness.sh"
#	harness_tmpdir				# sets HARNESS_DIR, the trap
#	testd=$(harness_bin tests/testd)
#	harness_spawn "$HARNESS_DIR/testd.out" "$testd" -d --root "$HARNESS_DIR"
#	pid=$HARNESS_PID
#	harness_wait_socket "$HARNESS_DIR/run/vireo/testd.sock" "$pid"
#	harness_expect_grep "it says it listens" "listening" \
#	    "$HARNESS_DIR/testd.out"
#	harness_stop "$pid"
#	harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
#
# Functions that set a result do it in a variable (HARNESS_DIR,
# HARNESS_PID, HARNESS_PORT, HARNESS_STATUS), not on stdout: they must run
# in the test's own shell, never in $(...), since a background job belongs
# to the shell that started it.  Timeouts are in seconds (HARNESS_TIMEOUT,
# default 10).

HARNESS_DIR=
HARNESS_PID=
HARNESS_PIDS=
HARNESS_STATUS=
HARNESS_TIMEOUT=${HARNESS_TIMEOUT:-10}
# The virtual-machine helpers (harness_write_vmx, harness_run_vmx): the vmx
# they run, the guest a .vmx boots unless it says otherwise, and the
# seconds a run may take (empty: no limit, no timeout(1) in between).
HARNESS_VMX=${TOP_BUILDDIR:-.}/vmx/vmx
HARNESS_GUEST=${TOP_BUILDDIR:-.}/tests/guest/testguest.elf
HARNESS_VMX_TIMEOUT=60
# hostd's HTTPS port (harness_start_hostd) and the python3 that runs the
# pyVmomi scripts (Debian's, where python3-pyvmomi installs).
HARNESS_PORT=
HARNESS_PYTHON=/usr/bin/python3

# Messages go to stderr, which make check keeps in the test's .log.
harness_log() {
	printf 'harness: %s\n' "$*" >&2
}

# Fail the test now with a message (exit 1; the trap keeps the logs).
harness_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# Skip the test (exit 77, which automake reports as SKIP).
harness_skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

# Skip unless every named command exists.
harness_require_cmd() {
	for _hr_cmd in "$@"; do
		command -v "$_hr_cmd" >/dev/null 2>&1 ||
		    harness_skip "$_hr_cmd is not installed"
	done
}

# Skip unless running as root.
harness_require_root() {
	[ "$(id -u)" -eq 0 ] || harness_skip "needs root"
}

# Make HARNESS_DIR, a new /tmp/vt.XXXXXX: short, because Unix socket paths
# must fit 108 bytes and a build directory often does not.  Installs the
# clean-up trap.
harness_tmpdir() {
	HARNESS_DIR=$(mktemp -d /tmp/vt.XXXXXX) ||
	    harness_fail "cannot create a directory in /tmp"
	trap harness_cleanup EXIT
	# A signal still goes through the EXIT trap, as a failure.
	trap 'exit 130' INT
	trap 'exit 143' TERM
	harness_log "test directory $HARNESS_DIR"
}

# Print the path of the built program $1 ("tests/testd", "hostd/hostd")
# under $TOP_BUILDDIR (set by make check; "." otherwise).
harness_bin() {
	_hb_path=${TOP_BUILDDIR:-.}/$1
	[ -x "$_hb_path" ] ||
	    harness_fail "$_hb_path is not built (make check builds it)"
	printf '%s\n' "$_hb_path"
}

# harness_spawn LOG COMMAND [ARG...]: start COMMAND in the background,
# stdin from /dev/null, stdout and stderr appended to LOG.  Sets
# HARNESS_PID and remembers it for the clean-up.
harness_spawn() {
	_hs_log=$1
	shift
	"$@" </dev/null >>"$_hs_log" 2>&1 &
	HARNESS_PID=$!
	harness_track "$HARNESS_PID"
}

# Remember a pid (say, a detached daemon's) for the clean-up.
harness_track() {
	HARNESS_PIDS="$HARNESS_PIDS $1"
}

# 0 when a connect() to the Unix socket $1 succeeds.  Uses the test
# daemon's probe mode, else python3.
harness_probe() {
	_hp_testd=${TOP_BUILDDIR:-.}/tests/testd
	if [ -x "$_hp_testd" ]; then
		"$_hp_testd" --probe "$1" >/dev/null 2>&1
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$1" >/dev/null 2>&1
	else
		harness_fail "no way to probe a socket: build tests/testd"
	fi
}

# 0 while process $1 exists; harness_gone is the opposite.
harness_alive() {
	kill -0 "$1" 2>/dev/null
}

harness_gone() {
	! kill -0 "$1" 2>/dev/null
}

# harness_wait_until DESCRIPTION PID TIMEOUT COMMAND [ARG...]: poll
# COMMAND every 50 ms until it succeeds (0), PID (if not empty) is gone
# or TIMEOUT seconds have passed (1, with a message).
harness_wait_until() {
	_hu_desc=$1
	_hu_pid=$2
	_hu_tries=$(($3 * 20))
	shift 3
	until "$@"; do
		if [ -n "$_hu_pid" ] && ! harness_alive "$_hu_pid"; then
			harness_log "pid $_hu_pid exited while waiting for" \
			    "$_hu_desc"
			return 1
		fi
		_hu_tries=$((_hu_tries - 1))
		if [ "$_hu_tries" -le 0 ]; then
			harness_log "timed out waiting for $_hu_desc"
			return 1
		fi
		sleep 0.05
	done
}

# harness_wait_socket PATH [PID [TIMEOUT]]: until PATH accepts a
# connection.  Returns 1 if PID exits first or on timeout.
harness_wait_socket() {
	harness_wait_until "socket $1" "${2:-}" "${3:-$HARNESS_TIMEOUT}" \
	    harness_probe "$1"
}

# harness_wait_file PATH [PID [TIMEOUT]]: until PATH exists.
harness_wait_file() {
	harness_wait_until "file $1" "${2:-}" "${3:-$HARNESS_TIMEOUT}" \
	    test -e "$1"
}

# harness_wait_grep TEXT FILE [PID [TIMEOUT]]: until FILE contains TEXT.
harness_wait_grep() {
	harness_wait_until "\"$1\" in $2" "${3:-}" "${4:-$HARNESS_TIMEOUT}" \
	    grep -qF -- "$1" "$2"
}

# Forget a pid once it has been waited for.
harness_forget() {
	_hf_left=
	for _hf_pid in $HARNESS_PIDS; do
		[ "$_hf_pid" = "$1" ] || _hf_left="$_hf_left $_hf_pid"
	done
	HARNESS_PIDS=$_hf_left
}

# Collect the exit status of our background job $1 into HARNESS_STATUS
# (as the shell shows it: 128 + signal when killed; 127 when $1 is not a
# child of this shell, e.g. a detached daemon).
harness_reap() {
	HARNESS_STATUS=0
	wait "$1" 2>/dev/null || HARNESS_STATUS=$?
	harness_forget "$1"
}

# harness_stop PID [TIMEOUT]: SIGTERM, wait up to TIMEOUT seconds, then
# SIGKILL.  Sets HARNESS_STATUS (see harness_reap).
harness_stop() {
	_ht_pid=$1
	_ht_tries=$((${2:-$HARNESS_TIMEOUT} * 20))
	kill -TERM "$_ht_pid" 2>/dev/null || :
	while harness_alive "$_ht_pid"; do
		_ht_tries=$((_ht_tries - 1))
		if [ "$_ht_tries" -le 0 ]; then
			harness_log "pid $_ht_pid ignored SIGTERM, killing it"
			kill -KILL "$_ht_pid" 2>/dev/null || :
			break
		fi
		sleep 0.05
	done
	harness_reap "$_ht_pid"
}

# harness_wait_exit PID [TIMEOUT]: wait for PID to exit by itself.  Sets
# HARNESS_STATUS; on timeout kills it and returns 1.
harness_wait_exit() {
	if ! harness_wait_until "pid $1 to exit" "" "${2:-$HARNESS_TIMEOUT}" \
	    harness_gone "$1"; then
		kill -KILL "$1" 2>/dev/null || :
		harness_reap "$1"
		return 1
	fi
	harness_reap "$1"
}

# harness_expect DESCRIPTION COMMAND [ARG...]: COMMAND must succeed.
harness_expect() {
	_he_desc=$1
	shift
	if "$@"; then
		harness_log "ok: $_he_desc"
	else
		harness_fail "$_he_desc (failed: $*)"
	fi
}

# harness_expect_eq DESCRIPTION EXPECTED ACTUAL
harness_expect_eq() {
	if [ "$2" = "$3" ]; then
		harness_log "ok: $1"
	else
		harness_fail "$1: expected \"$2\", got \"$3\""
	fi
}

# harness_expect_grep DESCRIPTION TEXT FILE: FILE contains TEXT (fixed
# string), or does within 3 s (daemons buffer their logs for up to
# 100 ms); on failure the file is shown.
harness_expect_grep() {
	_hg_tries=30
	while ! grep -qF -- "$2" "$3" 2>/dev/null && [ "$_hg_tries" -gt 0 ]
	do
		_hg_tries=$((_hg_tries - 1))
		sleep 0.1
	done
	if grep -qF -- "$2" "$3" 2>/dev/null; then
		harness_log "ok: $1"
	else
		printf '%s\n' "--- $3:" >&2
		cat "$3" >&2 2>/dev/null || printf '(missing)\n' >&2
		harness_fail "$1: \"$2\" not in $3"
	fi
}

# --- hostd and the pyVmomi scripts that drive it.

# Skip unless HARNESS_PYTHON has pyVmomi (Debian: python3-pyvmomi).
harness_require_pyvmomi() {
	[ -x "$HARNESS_PYTHON" ] ||
	    harness_skip "$HARNESS_PYTHON is not installed"
	"$HARNESS_PYTHON" -c 'import pyVmomi' 2>/dev/null ||
	    harness_skip "pyVmomi is not installed (Debian: python3-pyvmomi)"
}

# harness_start_hostd LOG [OPTION...]: start the built hostd in the
# foreground (-d) with OPTIONs, --root HARNESS_DIR and free ports, output
# appended to LOG, and wait until it has written run/vireo/hostd.port
# (removed first: a restart must not read the last run's).  Sets
# HARNESS_PID and HARNESS_PORT, the HTTPS port.
harness_start_hostd() {
	_hh_log=$1
	shift
	_hh_bin=$(harness_bin hostd/hostd) || exit 1
	_hh_portfile=$HARNESS_DIR/run/vireo/hostd.port
	rm -f "$_hh_portfile"
	harness_spawn "$_hh_log" "$_hh_bin" -d "$@" --root "$HARNESS_DIR" \
	    -p 0 -P 0
	harness_wait_file "$_hh_portfile" "$HARNESS_PID" 30 ||
	    harness_fail "hostd did not write run/vireo/hostd.port"
	HARNESS_PORT=$(cat "$_hh_portfile")
	harness_log "hostd pid $HARNESS_PID, https port $HARNESS_PORT"
}

# harness_write_ro_accounts ROOT PASSWORD: the account files of a host
# under ROOT with root (blank password, Admin) and ro (PASSWORD,
# ReadOnly), both on ha-folder-root with propagation.
harness_write_ro_accounts() {
	mkdir -p "$1/etc/vireo"
	printf '%s\n' 'root:x:0:0:Administrator:/:/bin/sh' \
	    'ro:x:1001:1001:Read Only:/:/bin/sh' >"$1/etc/vireo/passwd"
	printf '%s\n' 'root::19000:0:99999:7:::' \
	    "ro:$(openssl passwd -6 "$2"):19000:0:99999:7:::" \
	    >"$1/etc/vireo/shadow"
	chmod 600 "$1/etc/vireo/shadow"
	printf 'root:x:0:root\n' >"$1/etc/vireo/group"
	cat >"$1/etc/vireo/authorization.xml" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<authorization version="1">
  <permission entityType="Folder" entity="ha-folder-root" principal="root" group="false" roleId="-1" propagate="true"/>
  <permission entityType="Folder" entity="ha-folder-root" principal="ro" group="false" roleId="-2" propagate="true"/>
</authorization>
EOT
}

# harness_run_pyvmomi DESCRIPTION OUT SCRIPT [ARG...]: run
# tests/SCRIPT HARNESS_PORT [ARG...] with HARNESS_PYTHON, output in OUT
# and then on stderr; the test skips if the script does (77) and fails
# with DESCRIPTION unless it passes.
harness_run_pyvmomi() {
	_hy_desc=$1
	_hy_out=$2
	_hy_script=${TOP_SRCDIR:-.}/tests/$3
	shift 3
	_hy_st=0
	"$HARNESS_PYTHON" "$_hy_script" "$HARNESS_PORT" "$@" >"$_hy_out" \
	    2>&1 || _hy_st=$?
	cat "$_hy_out" >&2
	if [ "$_hy_st" -eq 77 ]; then
		harness_skip "pyVmomi test skipped"
	fi
	harness_expect_eq "$_hy_desc" 0 "$_hy_st"
}

# --- Virtual machines: vmx and the test guest (tests/guest/testguest.elf).

# Skip unless this process may use /dev/kvm.
harness_require_kvm() {
	if [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		harness_skip "/dev/kvm is missing or not accessible"
	fi
}

# harness_write_vmx DIR NAME [KEY=VALUE...]: write DIR/NAME.vmx (making
# DIR), a VMware-style file booting HARNESS_GUEST with 64 MiB, the
# debug-exit device and its console in DIR/serial.txt.  Each KEY=VALUE
# (vireo.cmdline=test=hello, memsize=32, scsi0:0.fileName=/x.raw) replaces
# the default of that key or is added after them, as KEY = "VALUE".
harness_write_vmx() {
	_hw_dir=$1
	_hw_name=$2
	shift 2
	for _hw_kv in "$@"; do
		case $_hw_kv in
		?*=*) ;;
		*) harness_fail "harness_write_vmx: not KEY=VALUE: $_hw_kv" ;;
		esac
	done
	mkdir -p "$_hw_dir" || harness_fail "cannot create $_hw_dir"
	_hw_keys=
	{
		for _hw_def in .encoding=UTF-8 config.version=8 \
		    virtualHW.version=20 "displayName=$_hw_name" \
		    guestOS=other-64 memsize=64 "vireo.kernel=$HARNESS_GUEST" \
		    vireo.debugExit=TRUE serial0.present=TRUE \
		    serial0.fileType=file serial0.fileName=serial.txt; do
			_hw_keys="$_hw_keys ${_hw_def%%=*} "
			for _hw_kv in "$@"; do
				if [ "${_hw_kv%%=*}" = "${_hw_def%%=*}" ]; then
					_hw_def=$_hw_kv
				fi
			done
			printf '%s = "%s"\n' "${_hw_def%%=*}" "${_hw_def#*=}"
		done
		for _hw_kv in "$@"; do
			case $_hw_keys in
			*" ${_hw_kv%%=*} "*) ;;
			*) printf '%s = "%s"\n' "${_hw_kv%%=*}" \
			    "${_hw_kv#*=}" ;;
			esac
		done
	} >"$_hw_dir/$_hw_name.vmx"
}

# harness_run_vmx DIR NAME [PREFIX-COMMAND... --] [VMX-OPTION...]: run
# HARNESS_VMX [VMX-OPTION...] -c DIR/NAME.vmx to its end, under
# timeout(1) for HARNESS_VMX_TIMEOUT seconds and after the prefix command
# (env VAR=VALUE, ip netns exec NS) if there is one, stdin /dev/null,
# output in DIR/stdout and DIR/stderr.  Sets HARNESS_STATUS to its exit
# status.
harness_run_vmx() {
	_hr_dir=$1
	_hr_name=$2
	shift 2
	_hr_pre=0
	for _hr_arg in "$@"; do
		if [ "$_hr_arg" = -- ]; then
			_hr_pre=1
		fi
	done
	if [ "$_hr_pre" -eq 0 ]; then
		set -- -- "$@"
		_hr_pre=1
	fi
	# Rebuild "$@" as PREFIX [timeout N] vmx OPTION..., the POSIX way.
	_hr_n=$#
	for _hr_arg in "$@"; do
		if [ "$_hr_pre" -eq 1 ] && [ "$_hr_arg" = -- ]; then
			_hr_pre=0
			if [ -n "$HARNESS_VMX_TIMEOUT" ]; then
				set -- "$@" timeout "$HARNESS_VMX_TIMEOUT"
			fi
			set -- "$@" "$HARNESS_VMX"
		else
			set -- "$@" "$_hr_arg"
		fi
	done
	shift "$_hr_n"
	HARNESS_STATUS=0
	"$@" -c "$_hr_dir/$_hr_name.vmx" >"$_hr_dir/stdout" \
	    2>"$_hr_dir/stderr" </dev/null || HARNESS_STATUS=$?
}

# harness_last_log DIR: the message of DIR/vmware.log's last line (what
# follows "info: " and the like; empty without a log).
harness_last_log() {
	tail -n 1 "$1/vmware.log" 2>/dev/null |
	    sed -e 's/^[^ ]* [^ ]* [a-z]*: //'
}

# The EXIT trap: kill what is still running, then remove HARNESS_DIR if
# the test passed or skipped, or keep it and say where it is.
harness_cleanup() {
	_hc_status=$?
	set +e
	for _hc_pid in $HARNESS_PIDS; do
		if harness_alive "$_hc_pid"; then
			harness_log "killing leftover pid $_hc_pid"
			kill -KILL "$_hc_pid" 2>/dev/null
		fi
	done
	if [ -n "$HARNESS_DIR" ]; then
		if [ "$_hc_status" -eq 0 ] || [ "$_hc_status" -eq 77 ]; then
			rm -rf "$HARNESS_DIR"
		else
			harness_log "test failed (status $_hc_status), logs" \
			    "kept in $HARNESS_DIR:"
			find "$HARNESS_DIR" -type f \( -name '*.log' -o \
			    -name '*.out' \) -exec ls -l {} + >&2
		fi
	fi
	exit "$_hc_status"
}
