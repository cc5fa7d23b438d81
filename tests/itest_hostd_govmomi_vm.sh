#!/bin/sh
# SPDX-License-Identifier: ISC
#
# govmomi 0.24 driving a VirtualMachine end to end: a real hostd (vmx.path
# pointing at the built vmx) in a fresh --root with two test-guest VMs
# registered in inventory.xml before it starts (vm1: counter, runs until
# powered off; vm2: timer, powers itself off through the debug-exit
# port) and a ReadOnly user "ro", driven by tests/itest_hostd_govmomi_
# vm.go: find.Finder, property.Collector, PowerOn/PowerOff with task.Wait,
# property.Wait, and each fault as govmomi decodes it (InvalidLogin,
# NotAuthenticated, NoPermission, ManagedObjectNotFound, InvalidArgument,
# InvalidPowerState, MethodNotFound, InvalidRequest, InvalidState).
# SKIP (77) without /dev/kvm, Go, govmomi or openssl.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_kvm
command -v go >/dev/null 2>&1 || harness_skip "Go is not installed"
gopath=/usr/share/gocode
[ -d "$gopath/src/github.com/vmware/govmomi" ] ||
    harness_skip "govmomi is not installed (Debian: golang-github-vmware-govmomi-dev)"
harness_require_cmd openssl
harness_tmpdir
hostd=$(harness_bin hostd/hostd)
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$D/gov"

# Build first: a failed build is a failure, not a skip.
cp "$TOP_SRCDIR/tests/itest_hostd_govmomi_vm.go" "$D/gov/main.go"
st=0
(cd "$D/gov" && GOPATH=$gopath GO111MODULE=off GOCACHE="$D/gocache" \
    go build -o govvm main.go) >"$D/gobuild.out" 2>&1 || st=$?
if [ "$st" -ne 0 ]; then
	cat "$D/gobuild.out" >&2
	harness_fail "the govmomi program did not build"
fi

HARNESS_GUEST=$guest
harness_write_vmx "$ds/vm1" vm1 memsize=64 numvcpus=1 \
    "vireo.cmdline=test=counter hz=4 size=8"
harness_write_vmx "$ds/vm2" vm2 vireo.debugExit=TRUE \
    "vireo.cmdline=test=timer ticks=40 hz=10"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<ConfigRoot>'
	n=0
	for v in vm1 vm2; do
		n=$((n + 1))
		echo "  <ConfigEntry id=\"000$n\"><objID>$n</objID>"
		echo "    <vmxCfgPath>$ds/$v/$v.vmx</vmxCfgPath></ConfigEntry>"
	done
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"

# root keeps the empty first-boot password; ro is ReadOnly everywhere.
ropass='Ro-pass1!'
harness_write_ro_accounts "$D" "$ropass"

HARNESS_TIMEOUT=30
harness_spawn "$D/hostd.out" "$hostd" -d --root "$D" -p 0 -P 0
pid=$HARNESS_PID
harness_wait_file "$D/run/vireo/hostd.port" "$pid" 30 ||
    harness_fail "hostd did not write run/vireo/hostd.port"
port=$(cat "$D/run/vireo/hostd.port")
harness_log "hostd pid $pid, https port $port"

st=0
"$D/gov/govvm" "127.0.0.1:$port" ro "$ropass" >"$D/govmomi.out" 2>&1 ||
    st=$?
cat "$D/govmomi.out" >&2
harness_expect_eq "the govmomi VM and fault checks pass" 0 "$st"

harness_expect_grep "vm2's serial console shows the timer ran" \
    "timer" "$ds/vm2/serial.txt"
harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
