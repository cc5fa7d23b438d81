#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Runs tests/itest_hostd_authz.py (roles, permissions, NoPermission,
# missingSet and the EventManager as pyVmomi sees them) on a real hostd
# in a fresh --root prepared with two more local users before the first
# start: ro (ReadOnly on the root folder) and np (no permission), then
# checks that authorization.xml was rewritten.  SKIP (77) without
# Debian's python3-pyvmomi or openssl.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
command -v openssl >/dev/null 2>&1 || harness_skip "openssl is not installed"
harness_tmpdir
D=$HARNESS_DIR
out=$D/hostd.out

# The accounts exist before the first start; first boot keeps them.
mkdir -p "$D/etc/vireo"
rohash=$(openssl passwd -6 'Ro-pass1!')
nphash=$(openssl passwd -6 'Np-pass1!')
cat >"$D/etc/vireo/passwd" <<EOT
root:x:0:0:Administrator:/:/bin/sh
ro:x:1001:1001:Read Only:/:/bin/sh
np:x:1002:1002:No Permission:/:/bin/sh
EOT
cat >"$D/etc/vireo/shadow" <<EOT
root::19000:0:99999:7:::
ro:$rohash:19000:0:99999:7:::
np:$nphash:19000:0:99999:7:::
EOT
chmod 600 "$D/etc/vireo/shadow"
cat >"$D/etc/vireo/group" <<EOT
root:x:0:root
ops:x:1001:
EOT
cat >"$D/etc/vireo/authorization.xml" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<authorization version="1">
  <permission entityType="Folder" entity="ha-folder-root" principal="root" group="false" roleId="-1" propagate="true"/>
  <permission entityType="Folder" entity="ha-folder-root" principal="ro" group="false" roleId="-2" propagate="true"/>
</authorization>
EOT

harness_start_hostd "$out" -v
pid=$HARNESS_PID

harness_run_pyvmomi "the pyVmomi authorization checks pass" "$D/pyvmomi.out" \
    itest_hostd_authz.py

harness_expect "authorization.xml keeps the custom role" \
    grep -q 'name="itest-keep"' "$D/etc/vireo/authorization.xml"
harness_expect "authorization.xml keeps ro's permission" \
    grep -q 'principal="ro"' "$D/etc/vireo/authorization.xml"
harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
# hostd buffers its log (100 ms): read it once hostd has stopped.
harness_expect "hostd logged the refusal" \
    grep -q 'denied\|NoPermission' "$out"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
