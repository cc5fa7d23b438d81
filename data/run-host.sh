#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Start what exists of a Vireo host on its embedded default configuration,
# with ROOT as its --root directory (./quickstart run calls this): hostd,
# detached, on the unprivileged ports 8443 (HTTPS) and 8080 (HTTP), with
# one demo VM registered in its inventory (var/lib/vireo/inventory.xml):
# the freestanding test guest counting on its console until it is powered
# off.  Power it on with pyVmomi or govc; hostd runs vmx from BUILDDIR.
#
# usage: run-host.sh BUILDDIR ROOT

set -eu

build=$1
root=$2
vmdir="$root/var/lib/vireo/datastore1/demo"

say() {
	printf 'vireo: %s\n' "$*"
}

# For harness_write_vmx, which writes the test guest's .vmx.
# shellcheck source=SCRIPTDIR/../tests/harness.sh
. "$(dirname "$0")/../tests/harness.sh"

for d in etc/vireo var/lib/vireo/datastore1 var/log/vireo run/vireo; do
	mkdir -p "$root/$d"
done
mkdir -p "$vmdir"

vmx="$build/vmx/vmx"
guest="$build/tests/guest/testguest.elf"
[ -x "$vmx" ] || { say "vmx was not built ($vmx)"; exit 1; }
[ -f "$guest" ] || { say "the test guest was not built ($guest)"; exit 1; }

cp "$guest" "$vmdir/testguest.elf"
if [ ! -f "$vmdir/demo.vmx" ]; then
	cat >"$vmdir/demo.vmx" <<VMX
.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "19"
displayName = "demo"
guestOS = "other-64"
memsize = "128"
numvcpus = "1"
serial0.present = "TRUE"
serial0.fileType = "file"
serial0.fileName = "serial0.log"
vireo.kernel = "testguest.elf"
vireo.cmdline = "test=counter hz=1 size=8"
vireo.debugExit = "FALSE"
VMX
fi
inv="$root/var/lib/vireo/inventory.xml"
if ! grep -q "<vmxCfgPath>$vmdir/demo.vmx</vmxCfgPath>" "$inv" 2>/dev/null
then
	if grep -q '<objID>1</objID>' "$inv" 2>/dev/null; then
		say "VM id 1 is taken in $inv: the demo VM is not registered"
	else
		cat >"$inv.tmp" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<ConfigRoot>
  <ConfigEntry id="0000">
    <objID>1</objID>
    <vmxCfgPath>$vmdir/demo.vmx</vmxCfgPath>
  </ConfigEntry>
</ConfigRoot>
XML
		mv "$inv.tmp" "$inv"
	fi
fi
# hostd runs vmx from the build tree (vmx.path in hostd.conf(5)).
conf="$root/etc/vireo/hostd.conf"
if [ ! -f "$conf" ]; then
	cp "$(dirname "$0")/hostd.conf" "$conf"
fi
grep -q '^vmx.path' "$conf" ||
    printf 'vmx.path = "%s"\n' "$(cd "$build/vmx" && pwd)/vmx" >>"$conf"

# hostd: creates the host's files on its first start (hostd(8)), then
# detaches; it is ready once it has written run/vireo/hostd.port.
hostd="$build/hostd/hostd"
[ -x "$hostd" ] || { say "hostd was not built ($hostd)"; exit 1; }
pidfile="$root/run/vireo/hostd.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
	say "hostd is already running (pid $(cat "$pidfile"))"
elif ! "$hostd" --root "$root" -p "${VIREO_HTTPS_PORT:-8443}" \
    -P "${VIREO_HTTP_PORT:-8080}"; then
	say "hostd did not start; its log: $root/var/log/vireo/hostd.log"
	exit 1
fi
tries=300
while [ ! -f "$root/run/vireo/hostd.port" ]; do
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || { say "hostd is not serving"; exit 1; }
	sleep 0.1
done
port=$(cat "$root/run/vireo/hostd.port")
thumb=$(openssl x509 -noout -fingerprint -sha1 \
    -in "$root/etc/vireo/ssl/rui.crt" 2>/dev/null | sed 's/.*=//') || :
say "hostd: https://$(uname -n):$port/ (user root, empty password;" \
    "thumbprint ${thumb:-see $root/etc/vireo/ssl/rui.crt})"
say "        also http://localhost/ on the socket $root/run/vireo/hostd.sock"
say "        log $root/var/log/vireo/hostd.log;" \
    "stop it with: kill $(cat "$pidfile")"

# cimom: CIM-XML over HTTPS for wbemcli, its providers from the build tree
# (cimom(8)); it shares hostd's TLS identity and local accounts.
cimom="$build/cimom/cimom"
cpid="$root/run/vireo/cimom.pid"
if [ ! -x "$cimom" ]; then
	say "cimom was not built ($cimom)"
elif [ -f "$cpid" ] && kill -0 "$(cat "$cpid")" 2>/dev/null; then
	say "cimom is already running (pid $(cat "$cpid"))"
elif "$cimom" --root "$root" -p "${VIREO_CIM_PORT:-5989}" \
    -s "$(cd "$(dirname "$0")" && pwd)/cimom" \
    -L "$(cd "$build/cimom/providers" && pwd)" \
    --provhost "$(cd "$build/cimom" && pwd)/cimom-provhost"; then
	tries=300
	while [ ! -f "$root/run/vireo/cimom.port" ] && [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		sleep 0.1
	done
	say "cimom: https://localhost:${VIREO_CIM_PORT:-5989}/ (CIM-XML;" \
	    "root/cimv2) log $root/var/log/vireo/cimom.log"
	say "        wbemcli -noverify ecn" \
	    "'https://root:@localhost:${VIREO_CIM_PORT:-5989}/root/cimv2'" \
	    "(root's password is empty until set)"
else
	say "cimom did not start; its log: $root/var/log/vireo/cimom.log"
fi
say "rcli on this host: $build/rcli/rcli --unix $root/run/vireo/hostd.sock" \
    "vm list"
say "console: $build/dcui/dcui --root $root"


if [ ! -c /dev/kvm ]; then
	say "/dev/kvm is missing: this machine cannot run VMs"
	exit 1
fi
say "demo VM:         $vmdir/demo.vmx (moid 1, \"demo\"; console in" \
    "$vmdir/serial0.log)"
say "power it on with pyVmomi:"
say "  /usr/bin/python3 -c 'import ssl; from pyVim.connect import SmartConnect;" \
    "from pyVim.task import WaitForTask; si = SmartConnect(host=\"localhost\"," \
    "port=$port, user=\"root\", pwd=\"\"," \
    "sslContext=ssl._create_unverified_context());" \
    "vm = si.content.searchIndex.FindByInventoryPath(\"ha-datacenter/vm/demo\");" \
    "print(WaitForTask(vm.PowerOnVM_Task()), vm.runtime.powerState)'"
say "or with govc:    GOVC_URL=https://root:@localhost:$port/sdk GOVC_INSECURE=1" \
    "govc vm.power -on demo"
