#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Configuration backup and restore, and the persistent copy of the state
# (tests/itest_hostd_backup.py does the API side):
#  1. host A (its own --root; state.dir on another directory, copied
#     every second): a user, a permission, root's password, a VM in the
#     inventory and a datastore setting; backup and download the bundle.
#  2. the copy: SIGKILL hostd A, wipe A's etc/vireo and inventory, start
#     it again with only -s: the state comes back from the copy.
#  3. host B (a fresh --root): corrupt and tampered bundles are refused,
#     the real one restores and hostd restarts as host A.
#  4. factory reset on B: the defaults again, the VM's files kept.
# SKIP (77) without Debian's python3-pyvmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
HARNESS_TIMEOUT=30
harness_tmpdir
T=$HARNESS_DIR
A=$T/a
B=$T/b
P=$T/persist
bundle=$T/bundle.tgz
mkdir -p "$A/etc/vireo" "$A/var/lib/vireo" "$B" "$P"

ds=$A/var/lib/vireo/itestds
harness_write_vmx "$ds/keepme" keepme
cat >"$A/var/lib/vireo/inventory.xml" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<ConfigRoot>
  <ConfigEntry id="0001"><objID>1</objID>
    <vmxCfgPath>$ds/keepme/keepme.vmx</vmxCfgPath></ConfigEntry>
</ConfigRoot>
EOT
cat >"$A/etc/vireo/hostd.conf" <<EOT
http.enabled = "FALSE"
log.level = "debug"
datastore.name = "itestds"
datastore.path = "var/lib/vireo/itestds"
state.dir = "$P"
state.interval = "1"
EOT

run_py() {
	harness_run_pyvmomi "the pyVmomi checks ($1) pass" "$T/py-$1.out" \
	    itest_hostd_backup.py "$1" "$2" "$bundle"
}

# 1. host A, and its backup.
HARNESS_DIR=$A
harness_start_hostd "$T/a.out"
pid=$HARNESS_PID
run_py backup "$A"
harness_expect "the bundle was saved" test -s "$bundle"

# 2. The persistent copy: after the next copy, kill and wipe.
harness_expect "the copy of shadow is made" \
    harness_wait_grep "bob:" "$P/etc/vireo/shadow" "$pid" 10
harness_expect "the copy of authorization.xml holds bob's permission" \
    harness_wait_grep 'principal="bob"' "$P/etc/vireo/authorization.xml" \
    "$pid" 10
harness_expect "the copy of shadow is 0600" \
    test "$(stat -c %a "$P/etc/vireo/shadow")" = 600
# The kill below must not outrun the copy (it is made a moment after a
# change): wait until it holds what the "check" phase looks for.
harness_expect "the copy of inventory.xml holds keepme" \
    harness_wait_grep "keepme.vmx" "$P/var/lib/vireo/inventory.xml" \
    "$pid" 10
kill -KILL "$pid"
harness_reap "$pid"
rm -rf "$A/etc" "$A/var/lib/vireo/inventory.xml" "$A/run"
harness_start_hostd "$T/a2.out" -s "$P"
pid=$HARNESS_PID
harness_expect "hostd took the state back from the copy" \
    grep -q 'restored etc/vireo/shadow' "$T/a2.out"
run_py check "$A"
harness_stop "$pid"
harness_expect_eq "host A: SIGTERM is a clean exit" 0 "$HARNESS_STATUS"

# 3. host B: restore.
HARNESS_DIR=$B
harness_start_hostd "$T/b.out"
pid=$HARNESS_PID
run_py restore "$B"
harness_expect "host B now has host A's shadow" \
    grep -q '^bob:\$6\$' "$B/etc/vireo/shadow"
harness_expect "the corrupt bundle was logged as refused" \
    grep -q 'restore by root refused' "$T/b.out"
harness_expect "the restored shadow is 0600" \
    test "$(stat -c %a "$B/etc/vireo/shadow")" = 600

# 4. factory reset on B (hostd runs on its new port).
HARNESS_PORT=$(cat "$B/run/vireo/hostd.port")
run_py reset "$B"
harness_expect "the VM's files stay after the reset" \
    test -f "$ds/keepme/keepme.vmx"
harness_expect "hostd B is still the same process" harness_alive "$pid"
# The image run again must stop on SIGTERM, within seconds.
harness_stop "$pid" 5
harness_expect_eq "host B: SIGTERM after the restart is a clean exit" 0 \
    "$HARNESS_STATUS"

# SIGTERM while a restart is pending (it waits half a second): a clean
# exit, not a new image that took the signal's place.
harness_start_hostd "$T/b2.out"
pid=$HARNESS_PID
run_py resetnow "$B"
harness_stop "$pid" 5
harness_expect_eq "host B: SIGTERM during a restart is a clean exit" 0 \
    "$HARNESS_STATUS"
HARNESS_DIR=$T
