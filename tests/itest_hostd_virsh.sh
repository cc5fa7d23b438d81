#!/bin/sh
# SPDX-License-Identifier: ISC
#
# libvirt's ESX driver (virsh -c esx://...) against a real hostd, as it
# would drive an ESXi host: a test-guest VM registered in inventory.xml
# (a .vmx in the datastore) before hostd starts; `list --all` shows it
# shut off, `dominfo` and `dumpxml` (which fetches the .vmx through GET
# /folder) show its name, memory and vCPUs, `start` runs it
# (PowerOnVM_Task) and `destroy` stops it (PowerOffVM_Task).  root's
# empty password reaches virsh through a libvirt auth file
# (LIBVIRT_AUTH_FILE).  SKIP (77) without virsh or /dev/kvm.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_cmd virsh
harness_require_kvm
HARNESS_TIMEOUT=30
harness_tmpdir
hostd=$(harness_bin hostd/hostd)
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo"

HARNESS_GUEST=$guest
harness_write_vmx "$ds/guest1" guest1 memsize=48 numvcpus=2 \
    "vireo.cmdline=test=counter hz=4 size=4" \
    uuid.bios="56 4d 12 ab 34 cd 56 ef-01 23 45 67 89 ab cd ef"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<ConfigRoot>'
	echo '  <ConfigEntry id="0001"><objID>1</objID>'
	echo "    <vmxCfgPath>$ds/guest1/guest1.vmx</vmxCfgPath></ConfigEntry>"
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\nlog.level = "debug"\n' \
    "$vmx" >"$D/etc/vireo/hostd.conf"
# virsh asks for a password; the auth file gives root's empty one.
cat >"$D/auth.conf" <<AUTH
[credentials-vireo]
username=root
password=

[auth-esx-127.0.0.1]
credentials=vireo
AUTH

harness_spawn "$D/hostd.out" "$hostd" -d --root "$D" -p 0 -P 0
pid=$HARNESS_PID
harness_wait_file "$D/run/vireo/hostd.port" "$pid" 30 ||
    harness_fail "hostd did not write run/vireo/hostd.port"
port=$(cat "$D/run/vireo/hostd.port")
harness_log "hostd pid $pid, https port $port"

# v NAME ARGS...: run virsh, output in $D/NAME.out (stderr in .err).
v() {
	_v_name=$1
	shift
	_v_st=0
	LIBVIRT_AUTH_FILE=$D/auth.conf timeout 60 virsh -q \
	    -c "esx://root@127.0.0.1:$port/?no_verify=1" "$@" \
	    >"$D/$_v_name.out" 2>"$D/$_v_name.err" || _v_st=$?
	if [ "$_v_st" -ne 0 ]; then
		cat "$D/$_v_name.out" "$D/$_v_name.err" >&2
		harness_fail "virsh $* exited with $_v_st"
	fi
	harness_log "ok: virsh $*"
}

# state: the domain's state as dominfo shows it.
state() {
	v state domstate guest1
	sed -n '1p' "$D/state.out"
}

v list list --all
harness_expect_grep "list --all shows the VM" "guest1" "$D/list.out"
harness_expect_grep "it is shut off" "shut off" "$D/list.out"

v dominfo dominfo guest1
harness_expect_grep "dominfo: name" "guest1" "$D/dominfo.out"
harness_expect_grep "dominfo: vCPUs" "2" "$D/dominfo.out"
harness_expect_grep "dominfo: memory" "49152 KiB" "$D/dominfo.out"
harness_expect_grep "dominfo: UUID" "564d12ab-34cd-56ef-0123-456789abcdef" \
    "$D/dominfo.out"

v dumpxml dumpxml guest1
harness_expect_grep "dumpxml: name" "<name>guest1</name>" "$D/dumpxml.out"
harness_expect_grep "dumpxml: memory" \
    "<memory unit='KiB'>49152</memory>" "$D/dumpxml.out"
harness_expect_grep "dumpxml: vCPUs" ">2</vcpu>" "$D/dumpxml.out"

v start start guest1
harness_expect_eq "start: running" "running" "$(state)"
v list2 list --all
harness_expect_grep "list shows it running" "running" "$D/list2.out"

v destroy destroy guest1
harness_expect_eq "destroy: shut off" "shut off" "$(state)"

harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
