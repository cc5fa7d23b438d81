#!/bin/sh
# SPDX-License-Identifier: ISC
#
# cimom's VM provider end to end: a real hostd with a test-guest VM
# registered, cimom in the same root logging in to hostd's Unix socket
# (with a local ticket, then with etc/vireo/cimom/hostd.cred, which wins
# when the administrator made one), wbemcli listing the VM as a
# Vireo_VirtualComputerSystem and powering it on and off with
# RequestStateChange(2) and (3).  SKIP (77) without /dev/kvm or wbemcli.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_cmd wbemcli openssl
harness_require_kvm
HARNESS_TIMEOUT=30
harness_tmpdir
D=$HARNESS_DIR
B=${TOP_BUILDDIR:-.}
S=${TOP_SRCDIR:-.}
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "$B/tests/guest" && pwd)/testguest.elf
cimom=$(harness_bin cimom/cimom)
provhost=$(harness_bin cimom/cimom-provhost)
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo/cimom" "$D/var/lib/vireo"
cp "$S/data/providers.reg" "$D/etc/vireo/cimom/providers.reg"

HARNESS_GUEST=$guest
harness_write_vmx "$ds/vm1" vm1 memsize=64 numvcpus=1 \
    "vireo.cmdline=test=counter hz=4 size=8"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<ConfigRoot>'
	echo '  <ConfigEntry id="0001"><objID>1</objID>'
	echo "    <vmxCfgPath>$ds/vm1/vm1.vmx</vmxCfgPath></ConfigEntry>"
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\n' "$vmx" \
    >"$D/etc/vireo/hostd.conf"
# One account for both daemons; cimom's VM provider logs in to hostd
# with it.
echo 'root:x:0:0:Administrator:/:/bin/sh' >"$D/etc/vireo/passwd"
echo "root:$(openssl passwd -6 pw):19000:0:99999:7:::" \
    >"$D/etc/vireo/shadow"
chmod 600 "$D/etc/vireo/shadow"
printf 'root:x:0:root\nlocaladmin:x:1000:root\n' >"$D/etc/vireo/group"
harness_start_hostd "$D/hostd.out"
hostd_pid=$HARNESS_PID
harness_spawn "$D/cimom.out" "$cimom" -d --root "$D" -p 0 \
    -s "$S/data/cimom" -L "$B/cimom/providers" --provhost "$provhost"
cimom_pid=$HARNESS_PID
harness_wait_file "$D/run/vireo/cimom.port" "$cimom_pid" 30 ||
    harness_fail "cimom did not write run/vireo/cimom.port"
port=$(cat "$D/run/vireo/cimom.port")
U="https://root:pw@localhost:$port/root/cimv2"
out=$D/out.txt
w() {
	st=0
	wbemcli -noverify "$@" >"$out" 2>&1 || st=$?
}

w ei "$U:Vireo_VirtualComputerSystem"
harness_expect_eq "ei of the VM class succeeds" 0 "$st"
harness_expect_grep "the VM is listed by name" 'ElementName="vm1"' "$out"
harness_expect_grep "... powered off" "EnabledState=3" "$out"
harness_expect_grep "... with its memory" "MemorySizeMB=64" "$out"
w ein "$U:CIM_ComputerSystem"
harness_expect_grep "CIM_ComputerSystem includes the VM" \
    ":Vireo_VirtualComputerSystem." "$out"
vmpath=$(grep ':Vireo_VirtualComputerSystem\.' "$out" | head -n 1 |
    sed 's|^[^/]*/|/|')
VM="https://root:pw@localhost:$port$vmpath"

w cm "$VM" 'RequestStateChange.RequestedState=2'
harness_expect_grep "RequestStateChange(2) completes" \
    "RequestStateChange: 0" "$out"
harness_expect "vm1's vmx runs" test -S "$D/run/vireo/vmx/1.sock"
w ei "$U:Vireo_VirtualComputerSystem"
harness_expect_grep "the VM is now enabled" "EnabledState=2" "$out"
w cm "$VM" 'RequestStateChange.RequestedState=2'
harness_expect_grep "powering on twice is an invalid transition" \
    "RequestStateChange: 4097" "$out"
w cm "$VM" 'RequestStateChange.RequestedState=3'
harness_expect_grep "RequestStateChange(3) completes" \
    "RequestStateChange: 0" "$out"
w ei "$U:Vireo_VirtualComputerSystem"
harness_expect_grep "the VM is disabled again" "EnabledState=3" "$out"
harness_expect "no hostd password in cimom's log" \
    sh -c "! grep -qi 'password' '$D/cimom.out'"

# A credentials file is used instead of the ticket: a wrong one shows no
# VM (hostd refuses the login), a right one the VM again.
echo 'root:wrong-password' >"$D/etc/vireo/cimom/hostd.cred"
chmod 600 "$D/etc/vireo/cimom/hostd.cred"
w ei "$U:Vireo_VirtualComputerSystem"
harness_expect "a wrong hostd.cred lists no VM" \
    sh -c "! grep -q 'ElementName=\"vm1\"' '$out'"
echo 'root:pw' >"$D/etc/vireo/cimom/hostd.cred"
w ei "$U:Vireo_VirtualComputerSystem"
harness_expect_grep "the right hostd.cred lists the VM" 'ElementName="vm1"' \
    "$out"

harness_stop "$cimom_pid"
harness_expect_eq "cimom: SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
harness_stop "$hostd_pid"
harness_expect_eq "hostd: SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
