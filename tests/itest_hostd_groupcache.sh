#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Runs tests/itest_hostd_groupcache.py: a session's cached groups follow
# the membership, whether hostd (HostLocalAccountManager) or an operator
# editing etc/vireo/group changes it.  A hostd with two registered VMs
# (powered off: no /dev/kvm needed), the group vmops ReadOnly on VM 2,
# and alice in no group.  SKIP (77) without Debian's python3-pyvmomi or
# openssl.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
command -v openssl >/dev/null 2>&1 || harness_skip "openssl is not installed"
harness_tmpdir
D=$HARNESS_DIR
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo"

hash=$(openssl passwd -6 'Alice-pass1!')
cat >"$D/etc/vireo/passwd" <<EOT
root:x:0:0:Administrator:/:/bin/sh
alice:x:1001:100:Alice:/:/bin/sh
EOT
cat >"$D/etc/vireo/shadow" <<EOT
root::19000:0:99999:7:::
alice:$hash:19000:0:99999:7:::
EOT
chmod 600 "$D/etc/vireo/shadow"
cat >"$D/etc/vireo/group" <<EOT
root:x:0:root
users:x:100:
vmops:x:1500:
EOT
cat >"$D/etc/vireo/authorization.xml" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<authorization version="1">
  <permission entityType="Folder" entity="ha-folder-root" principal="root" group="false" roleId="-1" propagate="true"/>
  <permission entityType="VirtualMachine" entity="2" principal="vmops" group="true" roleId="-2" propagate="true"/>
</authorization>
EOT

# The VMs are never started: any kernel path will do.
HARNESS_GUEST=/nonexistent/testguest.elf
{
	echo '<ConfigRoot>'
	for n in 1 2; do
		harness_write_vmx "$ds/vm$n" "vm$n" memsize=32
		echo "  <ConfigEntry id=\"000$n\"><objID>$n</objID>"
		echo "    <vmxCfgPath>$ds/vm$n/vm$n.vmx</vmxCfgPath></ConfigEntry>"
	done
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'http.enabled = "FALSE"\n' >"$D/etc/vireo/hostd.conf"

harness_start_hostd "$D/hostd.out"
pid=$HARNESS_PID
harness_run_pyvmomi "a session's groups follow the membership" "$D/py.out" \
    itest_hostd_groupcache.py "$D"
harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
