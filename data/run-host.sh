#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Start what exists of a Vireo host on its embedded default configuration,
# with ROOT as its --root directory (./quickstart run calls this).  Today
# that is one demo VM: vmx booting the freestanding test guest from the
# datastore.  Later issues start hostd here and register the demo VM with it.
#
# usage: run-host.sh BUILDDIR ROOT

set -eu

build=$1
root=$2
vmdir="$root/var/lib/vireo/datastore1/demo"

say() {
	printf 'vireo: %s\n' "$*"
}

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
numvcpus = "2"
serial0.present = "TRUE"
serial0.fileType = "file"
serial0.fileName = "serial0.log"
vireo.kernel = "testguest.elf"
vireo.cmdline = "test=smp"
vireo.debugExit = "TRUE"
VMX
fi

if [ ! -c /dev/kvm ]; then
	say "/dev/kvm is missing: this machine cannot run VMs"
	exit 1
fi

say "root directory:  $root"
say "demo VM:         $vmdir/demo.vmx"
say "starting:        $vmx -c $vmdir/demo.vmx"
status=0
"$vmx" -c "$vmdir/demo.vmx" || status=$?
say "the demo VM's serial console ($vmdir/serial0.log):"
sed 's/^/    /' "$vmdir/serial0.log"
say "vmx exited with status $status; its log: $vmdir/vmware.log"
say "last log line: $(tail -n 1 "$vmdir/vmware.log")"
say "run it again with: $vmx -c $vmdir/demo.vmx"
# The test guest ends its scenario through the debug-exit port: status 1
# means the scenario passed (QEMU isa-debug-exit semantics, see vmx(8)).
[ "$status" -eq 1 ]
