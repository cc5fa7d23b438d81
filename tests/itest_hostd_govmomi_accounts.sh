#!/bin/sh
# SPDX-License-Identifier: ISC
#
# govmomi 0.24 managing local accounts (tests/itest_hostd_govmomi_
# accounts.go) on a real hostd in a fresh --root.  SKIP (77) without Go
# or govmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

command -v go >/dev/null 2>&1 || harness_skip "Go is not installed"
gopath=/usr/share/gocode
[ -d "$gopath/src/github.com/vmware/govmomi" ] ||
    harness_skip "govmomi is not installed (Debian: golang-github-vmware-govmomi-dev)"
harness_tmpdir
D=$HARNESS_DIR
mkdir -p "$D/etc/vireo" "$D/gov"

# Build first: a failed build is a failure, not a skip.
cp "$TOP_SRCDIR/tests/itest_hostd_govmomi_accounts.go" "$D/gov/main.go"
st=0
(cd "$D/gov" && GOPATH=$gopath GO111MODULE=off GOCACHE="$D/gocache" \
    go build -o govacct main.go) >"$D/gobuild.out" 2>&1 || st=$?
if [ "$st" -ne 0 ]; then
	cat "$D/gobuild.out" >&2
	harness_fail "the govmomi program did not build"
fi

printf 'http.enabled = "FALSE"\nlog.level = "debug"\n' \
    >"$D/etc/vireo/hostd.conf"
harness_start_hostd "$D/hostd.out"
st=0
"$D/gov/govacct" "127.0.0.1:$HARNESS_PORT" >"$D/gov.out" 2>&1 || st=$?
cat "$D/gov.out" >&2
harness_expect_eq "the govmomi account checks pass" 0 "$st"
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
# After the stop: the log is complete (hostd buffers it for up to 100 ms).
for secret in Gopher-pass1 Gopher-pass2; do
	if grep -q -- "$secret" "$D/hostd.out"; then
		harness_fail "hostd's log holds a password ($secret)"
	fi
done
