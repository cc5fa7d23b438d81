#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Runs tests/itest_hostd_accounts.py (HostLocalAccountManager and
# UserDirectory through pyVmomi) on a real hostd in a fresh --root, then
# checks what the files and the log show: shadow is 0600 with "$6$"
# hashes, and no password the script used appears in hostd's log.  SKIP
# (77) without Debian's python3-pyvmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_tmpdir
D=$HARNESS_DIR
out=$D/hostd.out
mkdir -p "$D/etc/vireo"
printf 'http.enabled = "FALSE"\nlog.level = "trace"\n' \
    >"$D/etc/vireo/hostd.conf"

harness_start_hostd "$out" -v
pid=$HARNESS_PID

harness_run_pyvmomi "the pyVmomi account checks pass" "$D/pyvmomi.out" \
    itest_hostd_accounts.py "$D"

harness_expect "shadow is mode 0600" \
    test "$(stat -c %a "$D/etc/vireo/shadow")" = 600
harness_expect "rouser's hash is SHA-512" \
    grep -q '^rouser:\$6\$' "$D/etc/vireo/shadow"
harness_expect_grep "hostd logged the account changes" \
    'user alice created' "$out"

harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"

# Only now is the whole log written (hostd buffers it for up to 100 ms).
for secret in Alice-pass1 Alice-pass2 Rouser-pass1 Root-pass1 \
    Mallory-pass1 '\$6\$'; do
	if grep -q -- "$secret" "$out"; then
		harness_fail "hostd's log holds a secret ($secret)"
	fi
done
harness_log "ok: no password or hash in hostd's log"
