#!/bin/sh
# SPDX-License-Identifier: ISC
#
# govmomi 0.24 waiting on 100 tasks at once in one session (a
# PropertyCollector each), driven by tests/itest_hostd_govmomi_tasks.go:
# 100 CreateVM_Task, then 100 PowerOnVM_Task of `test=hello` guests that
# power off before or just after hostd links to their vmx.  Every wait
# returns, every task succeeds, every VM ends poweredOff.
# SKIP (77) without /dev/kvm, Go or govmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_kvm
command -v go >/dev/null 2>&1 || harness_skip "Go is not installed"
gopath=/usr/share/gocode
[ -d "$gopath/src/github.com/vmware/govmomi" ] ||
    harness_skip "govmomi is not installed (Debian: golang-github-vmware-govmomi-dev)"
HARNESS_TIMEOUT=240
harness_tmpdir
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$ds" "$D/gov"

# Build first: a failed build is a failure, not a skip.
cp "$TOP_SRCDIR/tests/itest_hostd_govmomi_tasks.go" "$D/gov/main.go"
st=0
(cd "$D/gov" && GOPATH=$gopath GO111MODULE=off GOCACHE="$D/gocache" \
    go build -o govtasks main.go) >"$D/gobuild.out" 2>&1 || st=$?
if [ "$st" -ne 0 ]; then
	cat "$D/gobuild.out" >&2
	harness_fail "the govmomi program did not build"
fi

printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"
cat >"$D/etc/vireo/passwd" <<EOT
root:x:0:0:Administrator:/:/bin/sh
EOT
cat >"$D/etc/vireo/shadow" <<EOT
root::19000:0:99999:7:::
EOT
chmod 600 "$D/etc/vireo/shadow"

harness_start_hostd "$D/hostd.out"
st=0
"$D/gov/govtasks" "127.0.0.1:$HARNESS_PORT" "$guest" 100 \
    >"$D/govmomi.out" 2>&1 || st=$?
cat "$D/govmomi.out" >&2
harness_expect_eq "the govmomi task checks pass" 0 "$st"
harness_expect "hostd is still running" harness_alive "$HARNESS_PID"
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
