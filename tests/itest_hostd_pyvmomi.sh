#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Runs tests/itest_hostd_pyvmomi.py (unmodified pyVmomi against hostd)
# on a real hostd in a fresh --root, then checks that hostd logged no
# password or cookie and that SIGTERM is a clean exit.  SKIP (77) without
# Debian's python3-pyvmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_tmpdir
D=$HARNESS_DIR
out=$D/hostd.out

harness_start_hostd "$out" -v
pid=$HARNESS_PID

harness_run_pyvmomi "the pyVmomi checks pass" "$D/pyvmomi.out" \
    itest_hostd_pyvmomi.py

harness_expect "hostd is still running" harness_alive "$pid"
# hostd buffers its log (flushed every 100 ms and at exit): read the log
# once it has stopped.
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
if grep -q 'vmware_soap_session=' "$out" || grep -q 'Wr0ng-Passw0rd' "$out"; then
	harness_fail "hostd logged a cookie or a password"
fi
harness_log "ok: no cookie or password in the log"
harness_expect_grep "failed logins are logged" "failed (1 in a row)" "$out"
