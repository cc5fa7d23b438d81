#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Runs tests/itest_hostd_pyvmomi.py (unmodified pyVmomi against hostd)
# on a real hostd in a fresh --root, then checks that hostd logged no
# password or cookie and that SIGTERM is a clean exit.  SKIP (77) without
# Debian's python3-pyvmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

py=/usr/bin/python3
[ -x "$py" ] || harness_skip "/usr/bin/python3 is not installed"
"$py" -c 'import pyVmomi' 2>/dev/null ||
    harness_skip "pyVmomi is not installed (Debian: python3-pyvmomi)"
harness_tmpdir
hostd=$(harness_bin hostd/hostd)
D=$HARNESS_DIR
out=$D/hostd.out

harness_spawn "$out" "$hostd" -d -v --root "$D" -p 0 -P 0
pid=$HARNESS_PID
harness_wait_file "$D/run/vireo/hostd.port" "$pid" 30 ||
    harness_fail "hostd did not write run/vireo/hostd.port"
port=$(cat "$D/run/vireo/hostd.port")
harness_log "hostd pid $pid, https port $port"

st=0
"$py" "$TOP_SRCDIR/tests/itest_hostd_pyvmomi.py" "$port" \
    >"$D/pyvmomi.out" 2>&1 || st=$?
cat "$D/pyvmomi.out" >&2
[ "$st" -eq 77 ] && harness_skip "pyVmomi test skipped"
harness_expect_eq "the pyVmomi checks pass" 0 "$st"

harness_expect "hostd is still running" harness_alive "$pid"
if grep -q 'vmware_soap_session=' "$out" || grep -q 'Wr0ng-Passw0rd' "$out"; then
	harness_fail "hostd logged a cookie or a password"
fi
harness_log "ok: no cookie or password in the log"
harness_expect_grep "failed logins are logged" "failed (1 in a row)" "$out"

harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
