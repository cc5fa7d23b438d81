#!/bin/sh
# SPDX-License-Identifier: ISC
#
# govmomi 0.24 provisioning VMs on a real hostd (vmx.path pointing at the
# built vmx) in a fresh --root with an empty inventory, root (Admin) and a
# ReadOnly user "ro", driven by tests/itest_hostd_govmomi_provision.go:
# CreateVM with SATA and NVMe disks and an e1000e NIC, Reconfigure,
# Add/Edit/RemoveDevice, power on with the test guest, Rename,
# Unregister/RegisterVM, Destroy and the faults.
# SKIP (77) without /dev/kvm, Go, govmomi, qemu-img or openssl.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_kvm
command -v go >/dev/null 2>&1 || harness_skip "Go is not installed"
gopath=/usr/share/gocode
[ -d "$gopath/src/github.com/vmware/govmomi" ] ||
    harness_skip "govmomi is not installed (Debian: golang-github-vmware-govmomi-dev)"
harness_require_cmd qemu-img
harness_require_cmd openssl
HARNESS_TIMEOUT=60
harness_tmpdir
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$ds" "$D/gov"

# Build first: a failed build is a failure, not a skip.
cp "$TOP_SRCDIR/tests/itest_hostd_govmomi_provision.go" "$D/gov/main.go"
st=0
(cd "$D/gov" && GOPATH=$gopath GO111MODULE=off GOCACHE="$D/gocache" \
    go build -o govprov main.go) >"$D/gobuild.out" 2>&1 || st=$?
if [ "$st" -ne 0 ]; then
	cat "$D/gobuild.out" >&2
	harness_fail "the govmomi program did not build"
fi

printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"
ropass='Ro-pass1!'
harness_write_ro_accounts "$D" "$ropass"

harness_start_hostd "$D/hostd.out"
st=0
"$D/gov/govprov" "127.0.0.1:$HARNESS_PORT" "$ds" "$guest" "$ropass" \
    >"$D/govmomi.out" 2>&1 || st=$?
cat "$D/govmomi.out" >&2
harness_expect_eq "the govmomi provisioning checks pass" 0 "$st"
harness_expect "hostd is still running" harness_alive "$HARNESS_PID"
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
