#!/bin/sh
# SPDX-License-Identifier: ISC
#
# VirtualMachine summary.quickStats from the real vmx: a hostd with one
# test-guest VM, read by unmodified pyVmomi (tests/itest_hostd_vmstats.py)
# powered off (zeros), powered on (uptime, CPU and memory of its vmx)
# and powered off again.  SKIP (77) without /dev/kvm or pyVmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_require_kvm
HARNESS_TIMEOUT=30
harness_tmpdir
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
D=$HARNESS_DIR
HARNESS_GUEST=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo"

# A counter guest touching 8 MiB of its 64 keeps running and using RAM.
harness_write_vmx "$ds/vm1" vm1 memsize=64 numvcpus=1 \
    "vireo.cmdline=test=counter hz=4 size=8"
{
	echo '<ConfigRoot>'
	echo '  <ConfigEntry id="0001"><objID>1</objID>'
	echo "    <vmxCfgPath>$ds/vm1/vm1.vmx</vmxCfgPath></ConfigEntry>"
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\n' "$vmx" \
    >"$D/etc/vireo/hostd.conf"

harness_start_hostd "$D/hostd.out"
harness_run_pyvmomi "the pyVmomi quickStats checks pass" "$D/py.out" \
    itest_hostd_vmstats.py
harness_stop "$HARNESS_PID"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
