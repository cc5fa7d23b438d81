#!/bin/sh
# SPDX-License-Identifier: ISC
#
# govmomi 0.24 on datastore files: builds tests/itest_hostd_govmomi_
# datastore.go and runs it against a real hostd in a fresh --root
# (object.Datastore Upload/Download/Open/Stat, HostDatastoreBrowser,
# FileManager, VirtualDiskManager), then checks the files it left in the
# datastore.  SKIP (77) without Go or govmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

command -v go >/dev/null 2>&1 || harness_skip "Go is not installed"
gopath=/usr/share/gocode
[ -d "$gopath/src/github.com/vmware/govmomi" ] ||
    harness_skip "govmomi is not installed (Debian: golang-github-vmware-govmomi-dev)"
harness_tmpdir
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/gov"

# Build first: a failed build is a failure, not a skip.
cp "$TOP_SRCDIR/tests/itest_hostd_govmomi_datastore.go" "$D/gov/main.go"
st=0
(cd "$D/gov" && GOPATH=$gopath GO111MODULE=off GOCACHE="$D/gocache" \
    go build -o govds main.go) >"$D/gobuild.out" 2>&1 || st=$?
if [ "$st" -ne 0 ]; then
	cat "$D/gobuild.out" >&2
	harness_fail "the govmomi program did not build"
fi

harness_start_hostd "$D/hostd.out" -v
pid=$HARNESS_PID

st=0
"$D/gov/govds" "127.0.0.1:$HARNESS_PORT" >"$D/govds.out" 2>&1 || st=$?
cat "$D/govds.out" >&2
harness_expect_eq "the govmomi datastore checks pass" 0 "$st"

harness_expect "the chunked upload is on disk, 20 MiB" \
    test "$(wc -c <"$ds/gov/sub/big.bin")" -eq 20971520
harness_expect "the disk govmomi made is a sparse VMDK" \
    grep -q 'createType="monolithicSparse"' "$ds/gov/d.vmdk"
harness_expect "no upload temporary is left" \
    sh -c "! ls -a '$ds/gov' '$ds/gov/sub' | grep -q vireo-upload"
harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
