#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Start what exists of a Vireo host on its embedded default configuration,
# with ROOT as its --root directory (./quickstart run calls this): hostd,
# detached, on the unprivileged ports 8443 (HTTPS) and 8080 (HTTP), and one
# demo VM: vmx booting the freestanding test guest from the datastore.
# Later issues register the demo VM with hostd.
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
