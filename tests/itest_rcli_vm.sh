#!/bin/sh
# SPDX-License-Identifier: ISC
#
# rcli's VM commands end to end on a real hostd running test-guest VMs
# (vmx.path pointing at the built vmx): power on/off/reset/suspend with
# InvalidPowerState as exit 1, the serial console (a file backing read
# through /folder: a snapshot of it, and following it until the guest
# powers itself off), shutdown through ACPI, task list and event list of
# what was done, and the provisioning and snapshot commands where hostd
# serves them (else their fault name, exit 1).  SKIP (77) without
# /dev/kvm.

# shellcheck disable=SC2034,SC2086
# (SC2086: $P, $R and $RO are option lists, split on purpose; SC2034:
# HARNESS_GUEST is read by the harness.)

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"
. "${TOP_SRCDIR:-.}/tests/rcli_test.sh"

harness_require_kvm
PY=python3
command -v "$PY" >/dev/null 2>&1 || harness_skip "python3 is not installed"
HARNESS_TIMEOUT=30
harness_tmpdir
D=$HARNESS_DIR
rcli=$(harness_bin rcli/rcli)
vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
guest=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
ds=$D/var/lib/vireo/datastore1
mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$D/home"
HOME=$D/home
export HOME
unset XDG_CONFIG_HOME RCLI_SERVER RCLI_USERNAME RCLI_PASSWORD || :

# vm1 counts until told otherwise; vm2 greets and powers itself off;
# vm3 waits for the ACPI power button.
HARNESS_GUEST=$guest
harness_write_vmx "$ds/vm1" vm1 "vireo.cmdline=test=counter hz=4 size=8"
harness_write_vmx "$ds/vm2" vm2 "vireo.cmdline=test=timer ticks=30 hz=10"
harness_write_vmx "$ds/vm3" vm3 "vireo.cmdline=test=button hz=10"
{
	echo '<ConfigRoot>'
	n=0
	for v in vm1 vm2 vm3; do
		n=$((n + 1))
		echo "  <ConfigEntry id=\"000$n\"><objID>$n</objID>"
		echo "    <vmxCfgPath>$ds/$v/$v.vmx</vmxCfgPath></ConfigEntry>"
	done
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"
printf 'vmx.path = "%s"\nlog.level = "debug"\n' "$vmx" \
    >"$D/etc/vireo/hostd.conf"

harness_start_hostd "$D/hostd.out"
pid=$HARNESS_PID
tp=$(openssl x509 -in "$D/etc/vireo/ssl/rui.crt" -noout -fingerprint \
    -sha1 | cut -d= -f2)
P="--server 127.0.0.1:$HARNESS_PORT --thumbprint $tp --password="

# state VM: its power state, from vm list --format json.
state() {
	"$rcli" $P vm list --format json | "$PY" -c 'import json, sys
print([v["powerState"] for v in json.load(sys.stdin)
    if v["name"] == sys.argv[1]][0])' "$1"
}

is_state() {
	[ "$(state "$1")" = "$2" ]
}

# --- power.
expect on1 0 $P vm power on vm1
harness_expect_eq "vm1 is on" poweredOn "$(state vm1)"
fault on1again InvalidPowerState $P vm power on vm1
harness_wait_until "vm1's console output" "" 30 \
    grep -q counter "$ds/vm1/serial.txt" ||
    harness_fail "vm1 wrote nothing on its serial port"
expect console1 0 $P vm console vm1 --no-follow
harness_expect_grep "the console shows the guest's output" "counter" \
    "$D/console1.out"
expect reset1 0 $P vm power reset vm1
harness_expect_eq "vm1 is on after reset" poweredOn "$(state vm1)"
expect suspend1 0 $P vm power suspend vm1
harness_expect_eq "vm1 is suspended" suspended "$(state vm1)"
fault reset_susp InvalidPowerState $P vm power reset vm1
expect resume1 0 $P vm power on vm1
harness_expect_eq "vm1 is on again" poweredOn "$(state vm1)"
expect off1 0 $P vm power off vm1
harness_expect_eq "vm1 is off" poweredOff "$(state vm1)"
fault off1again InvalidPowerState $P vm power off vm1
fault shutdown_off InvalidPowerState $P vm power shutdown vm1

# --- the console follows a running guest until it powers itself off.
expect on2 0 $P vm power on vm2
ST=0
timeout 60 "$rcli" $P vm console vm2 >"$D/console2.out" \
    2>"$D/console2.err" || ST=$?
harness_expect_eq "console follow ends with the VM" 0 "$ST"
harness_expect_grep "it printed the guest's last line" "timer: 30 ticks" \
    "$D/console2.out"
harness_expect_eq "vm2 powered itself off" poweredOff "$(state vm2)"

# --- ACPI shutdown.
expect on3 0 $P vm power on vm3
sleep 1
expect shutdown3 0 $P vm power shutdown vm3
harness_wait_until "vm3 to power off" "" 30 is_state vm3 poweredOff ||
    harness_fail "vm3 did not power off after shutdown"

# --- what it left: tasks and events.
expect tasks 0 $P task list --format json
"$PY" -c 'import json, sys
t = json.load(open(sys.argv[1]))
m = [(x["method"], x["state"]) for x in t]
assert ("PowerOnVM_Task", "success") in m, m
assert any(x["method"] == "PowerOnVM_Task" and x["state"] == "error" and
    x["error"].startswith("InvalidPowerState") for x in t), t
' "$D/tasks.out" || harness_fail "task list"
expect events 0 $P event list --vm vm1 --format json
"$PY" -c 'import json, sys
e = json.load(open(sys.argv[1]))
assert e and all(x["vm"] == "vm1" for x in e), e
' "$D/events.out" || harness_fail "event list --vm"

# --- snapshots.
if served snap $P vm snapshot create vm1 s1 --description "first"; then
	expect snap2 0 $P vm snapshot create vm1 s2
	expect snaplist 0 $P vm snapshot list vm1 --format json
	"$PY" -c 'import json, sys
s = {x["name"]: x["parent"] for x in json.load(open(sys.argv[1]))}
assert s == {"s1": "", "s2": "s1"}, s
' "$D/snaplist.out" || harness_fail "snapshot list"
	expect snaprevert 0 $P vm snapshot revert vm1 s1
	fault snapnone NotFound $P vm snapshot revert vm1 nope
	expect snaprm 0 $P vm snapshot remove vm1 s2
	expect snaplist2 0 $P vm snapshot list vm1
	if grep -q s2 "$D/snaplist2.out"; then
		harness_fail "s2 is still listed"
	fi
fi

# --- provisioning.
if served create $P vm create rclivm --memory 32 --cpus 1 \
    --guest-id otherGuest64; then
	harness_expect "its .vmx exists" test -f "$ds/rclivm/rclivm.vmx"
	fault createdup DuplicateName $P vm create rclivm
	if served reconf $P vm reconfigure rclivm --memory 48 \
	    --annotation "made by rcli"; then
		expect info 0 $P vm info rclivm --format json
		"$PY" -c 'import json, sys
v = json.load(open(sys.argv[1]))[0]
assert v["memoryMB"] == 48 and v["annotation"] == "made by rcli", v
' "$D/info.out" || harness_fail "reconfigure did not take"
	fi
	if served unreg $P vm unregister rclivm; then
		fault unreggone NotFound $P vm info rclivm
		harness_expect "unregister keeps the files" \
		    test -f "$ds/rclivm/rclivm.vmx"
		expect reg 0 $P vm register "[datastore1] rclivm/rclivm.vmx"
		expect reginfo 0 $P vm info rclivm
	fi
	if served destroy $P vm destroy rclivm; then
		harness_expect "destroy deletes the files" \
		    test ! -e "$ds/rclivm"
	fi
fi

harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
