#!/bin/sh
# SPDX-License-Identifier: ISC
#
# dcui end to end, as a person at the console uses it: dcui runs in a
# private tmux server (80x25) against a real hostd in a temporary root,
# keys go in with send-keys, the screen is read with capture-pane, and
# the effects are checked through pyVmomi (tests/itest_dcui.py).  The home
# screen shows the host name and the URL; F2 with a wrong password is
# refused, root logs in; Configure Password changes root's password (the
# old one then fails with InvalidLogin, the new one works); View System
# Logs shows a line known to be in hostd's log and its search finds it;
# Restart Management Agents restarts hostd in place (same pid) while a
# test-guest VM runs (same vmx pid, still poweredOn; without /dev/kvm the
# VM part is left out); the screen follows a resize to 100x30 and back;
# hostd recorded dcui's actions under userName "dcui".
# SKIP (77) without tmux or pyVmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_cmd tmux
harness_require_pyvmomi
HARNESS_TIMEOUT=30
harness_tmpdir
D=$HARNESS_DIR
dcui=$(cd "$(dirname "$(harness_bin dcui/dcui)")" && pwd)/dcui
TM=dcui-test-$$
NEWPW='Dcui-Test-pw1'

tm() {
	tmux -L "$TM" -f /dev/null "$@"
}

# screen_wait DESCRIPTION TEXT [SECONDS]: until the screen shows TEXT.
screen_wait() {
	_sw_n=$((${3:-10} * 5))
	while [ "$_sw_n" -gt 0 ]; do
		if tm capture-pane -p >"$D/screen.txt" 2>/dev/null &&
		    grep -qF -- "$2" "$D/screen.txt"; then
			harness_log "ok: $1"
			return 0
		fi
		sleep 0.2
		_sw_n=$((_sw_n - 1))
	done
	cat "$D/screen.txt" >&2
	harness_fail "$1: the screen never showed '$2'"
}

keys() {
	tm send-keys "$@"
	sleep 0.3
}

cleanup_tmux() {
	tm kill-server 2>/dev/null || true
}
# The harness's EXIT trap keeps or removes the directory: chain ours.
trap 'cleanup_tmux; harness_cleanup' EXIT

mkdir -p "$D/etc/vireo" "$D/var/log/vireo" "$D/var/lib/vireo"
vmname=
if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
    [ -f "${TOP_BUILDDIR:-.}/tests/guest/testguest.elf" ]; then
	vmx=$(cd "$(dirname "$(harness_bin vmx/vmx)")" && pwd)/vmx
	HARNESS_GUEST=$(cd "${TOP_BUILDDIR:-.}/tests/guest" && pwd)/testguest.elf
	ds=$D/var/lib/vireo/datastore1
	harness_write_vmx "$ds/vm1" vm1 memsize=64 numvcpus=1 \
	    "vireo.cmdline=test=counter hz=4 size=8"
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<ConfigRoot>
  <ConfigEntry id="0001"><objID>1</objID>
    <vmxCfgPath>%s</vmxCfgPath></ConfigEntry>
</ConfigRoot>\n' "$ds/vm1/vm1.vmx" >"$D/var/lib/vireo/inventory.xml"
	printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\n' "$vmx" \
	    >"$D/etc/vireo/hostd.conf"
	vmname=vm1
fi

# hostd's output is its log file, which DiagnosticManager serves.
harness_start_hostd "$D/var/log/vireo/hostd.log"
hostd_pid=$HARNESS_PID
if [ -n "$vmname" ]; then
	"$HARNESS_PYTHON" - "$HARNESS_PORT" <<'PY' >&2
import ssl, sys
from pyVim.connect import SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim
si = SmartConnect(host="127.0.0.1", port=int(sys.argv[1]), user="root",
                  pwd="", sslContext=ssl._create_unverified_context())
v = si.content.viewManager.CreateContainerView(si.content.rootFolder,
                                               [vim.VirtualMachine], True)
WaitForTask(v.view[0].PowerOnVM_Task())
PY
	harness_expect "vm1's vmx runs" test -S "$D/run/vireo/vmx/1.sock"
fi

# cimom, so that Restart Management Agents has a second agent to restart.
S=${TOP_SRCDIR:-.}
B=$(cd "${TOP_BUILDDIR:-.}" && pwd)
mkdir -p "$D/etc/vireo/cimom"
cp "$S/data/providers.reg" "$D/etc/vireo/cimom/providers.reg"
harness_spawn "$D/var/log/vireo/cimom.log" "$B/cimom/cimom" -d --root "$D" \
    -p 0 -s "$S/data/cimom" -L "$B/cimom/providers" \
    --provhost "$B/cimom/cimom-provhost"
cimom_pid=$HARNESS_PID
harness_wait_file "$D/run/vireo/cimom.port" "$cimom_pid" 30 ||
    harness_fail "cimom did not write run/vireo/cimom.port"

tm new-session -d -x 80 -y 25 \
    "TERM=xterm-256color $dcui --root $D 2>>$D/dcui.err; sleep 30"

# ---- home screen
host=$(hostname)
screen_wait "the home screen shows the host name" "Host name: $host"
screen_wait "the home screen shows the management URL" "https://"
screen_wait "the home screen shows the F2 hint" "<F2> Customize System"
if [ -n "$vmname" ]; then
	screen_wait "the home screen counts the running VM" "1 running of 1"
fi

# ---- F2: a wrong password, then root
keys F2
screen_wait "F2 asks for credentials" "Authentication Required"
keys Enter
keys w r o n g Enter
screen_wait "a wrong password is refused" "Login failed"
keys Enter
keys Escape
screen_wait "Esc goes home" "Host name:"

# ---- hostd's lockout: the fifth failure locks the name, and says so
keys F2
keys BSpace BSpace BSpace BSpace
tm send-keys -l mallory; keys Enter
for i in 1 2 3 4; do
	keys x Enter
	screen_wait "failure $i" "Login failed"
	if grep -qF "locked" "$D/screen.txt"; then
		harness_fail "locked after only $i failures"
	fi
	keys Enter
done
keys x Enter
screen_wait "the fifth failure says the account is locked" "is locked"
keys Enter
keys Escape
screen_wait "Esc goes home again" "Host name:"

# ---- a user outside localadmin: right password, still refused
harness_run_pyvmomi "a user outside localadmin is created" \
    "$D/py-adduser.out" itest_dcui.py adduser "" carol 'Carol-pw-123'
keys F2
keys BSpace BSpace BSpace BSpace
tm send-keys -l carol; keys Enter
tm send-keys -l 'Carol-pw-123'; keys Enter
screen_wait "carol may not use the console" "may not use the console"
keys Enter Escape
screen_wait "home" "Host name:"
keys F2
keys Enter Enter
screen_wait "root logs in (fresh host: empty password)" \
    "System Customization"

# ---- Configure Password: a mismatch changes nothing, then the change
keys Enter
screen_wait "Configure Password opens" "Old Password:"
keys Enter
tm send-keys -l "$NEWPW"; keys Enter
tm send-keys -l "other-pw-42"; keys Enter
screen_wait "a mismatch is refused" "do not match"
keys Enter
keys Enter
screen_wait "Configure Password opens again" "Old Password:"
keys Enter
tm send-keys -l "$NEWPW"; keys Enter
tm send-keys -l "$NEWPW"; keys Enter
screen_wait "the password is changed" "has been changed"
if grep -qF "$NEWPW" "$D/screen.txt"; then
	harness_fail "the new password appears on the screen"
fi
keys Enter
harness_run_pyvmomi "the old password fails, the new one works" \
    "$D/py-password.out" itest_dcui.py password "" "$NEWPW"
if grep -rqF "$NEWPW" "$D/var/log/vireo/hostd.log" "$D/dcui.err"; then
	harness_fail "the new password appears in a log"
fi

# ---- events under dcui (before hostd's restart empties the log)
harness_run_pyvmomi "hostd recorded dcui's actions as dcui" \
    "$D/py-events.out" itest_dcui.py events "$NEWPW"

# ---- View System Logs: hostd's log, search
keys Down Down Down Down Enter
screen_wait "the list of logs" "Host agent log"
keys Enter
screen_wait "hostd's log is shown" "lines "
keys /
tm send-keys -l "ready: https port"; keys Enter
screen_wait "search finds a line known to be in hostd's log" \
    "Found at line"
keys q Escape
screen_wait "back in the menu" "System Customization"

# ---- resize and back
tm resize-window -x 100 -y 30
sleep 0.5
screen_wait "100x30 still renders the menu" "Reset System Configuration"
lines=$(tm capture-pane -p | wc -l)
harness_expect_eq "the screen has 30 lines" 30 "$lines"
tm resize-window -x 80 -y 25
sleep 0.5
screen_wait "80x25 again still renders" "Log Out"

# ---- Restart Management Agents
vmxpid=
if [ -n "$vmname" ]; then
	vmxpid=$(pgrep -f "vmx.*vm1.vmx" | head -1 || true)
fi
keys Down Enter
screen_wait "the agents' status" "Host agent (hostd)"
screen_wait "vpxa is reported not running" "Not running"
grep -E "CIM Server +sfcbd-watchdog +Running" "$D/screen.txt" >/dev/null ||
    harness_fail "cimom is not reported running"
keys r
screen_wait "a confirmation" "Restart the management agents?"
keys y
screen_wait "the agents were restarted" "restarted" 30
grep -qF "vCenter Agent (vpxa): not running" "$D/screen.txt" ||
    harness_fail "vpxa, which is not running, is not said so"
grep -qF "CIM Server: restarted" "$D/screen.txt" ||
    harness_fail "cimom was not restarted"
harness_wait_grep "SIGUSR1: restarting in place" \
    "$D/var/log/vireo/cimom.log" "$cimom_pid" 30 ||
    harness_fail "cimom did not restart in place"
harness_expect "cimom kept its pid" kill -0 "$cimom_pid"
n=0
while [ "$(grep -c 'ready: https port' "$D/var/log/vireo/hostd.log")" -lt 2 ]
do
	n=$((n + 1))
	[ "$n" -lt 150 ] || harness_fail "hostd did not come back"
	sleep 0.2
done
harness_expect "hostd kept its pid (re-executed in place)" \
    kill -0 "$hostd_pid"
harness_expect_grep "hostd restarted on request" "RestartService hostd" \
    "$D/var/log/vireo/hostd.log"
HARNESS_PORT=$(cat "$D/run/vireo/hostd.port")
if [ -n "$vmname" ]; then
	harness_expect "the vmx process lives on" kill -0 "$vmxpid"
	harness_run_pyvmomi "the VM is still poweredOn" "$D/py-vm.out" \
	    itest_dcui.py vm "$NEWPW" vm1
fi
keys Enter
screen_wait "the agents screen again, after hostd's restart" \
    "Host agent (hostd)"
keys Escape Escape
screen_wait "Esc logs out, home" "Host name: $host"

# ---- F12: shut down and restart, with hostd told to run harmless commands
printf 'host.shutdownCommand = "/usr/bin/touch %s/shutdown-called"\n' "$D" \
    >>"$D/etc/vireo/hostd.conf"
printf 'host.rebootCommand = "/usr/bin/touch %s/reboot-called"\n' "$D" \
    >>"$D/etc/vireo/hostd.conf"
keys F12
screen_wait "F12 asks for root's password" "Password (root):"
keys b a d Enter
screen_wait "a wrong root password is refused" "Login failed"
keys Enter
tm send-keys -l "$NEWPW"; keys Enter
screen_wait "the choice" "Restart the host"
keys Enter
screen_wait "a confirmation" "Shut down the host?"
keys y
screen_wait "the host is shutting down" "The host is shutting down."
harness_expect "hostd ran the shutdown command" test -e "$D/shutdown-called"
harness_expect "not the reboot command" test ! -e "$D/reboot-called"
keys Enter
keys F12
screen_wait "F12 again" "Password (root):"
tm send-keys -l "$NEWPW"; keys Enter
keys Down Enter
screen_wait "a confirmation" "Restart the host?"
keys y
screen_wait "the host is restarting" "The host is restarting."
harness_expect "hostd ran the reboot command" test -e "$D/reboot-called"
keys Enter
screen_wait "home again" "Host name: $host"

# ---- Reset System Configuration: refused while a VM runs, then done
wait_ready() {
	_wr_n=0
	while [ "$(grep -c 'ready: https port' \
	    "$D/var/log/vireo/hostd.log")" -lt "$1" ]; do
		_wr_n=$((_wr_n + 1))
		[ "$_wr_n" -lt 150 ] || harness_fail "hostd did not come back"
		sleep 0.2
	done
	HARNESS_PORT=$(cat "$D/run/vireo/hostd.port")
}
keys F2
keys Enter
tm send-keys -l "$NEWPW"; keys Enter
screen_wait "root logs in with the new password" "System Customization"
keys Down Down Down Down Down Down Enter
screen_wait "a confirmation" "Reset the configuration to the factory"
keys y
if [ -n "$vmname" ]; then
	screen_wait "reset is refused while a VM runs" "did not reset"
	screen_wait "hostd says why" "vm1 is running"
	keys Enter
	"$HARNESS_PYTHON" - "$HARNESS_PORT" "$NEWPW" <<'PY' >&2
import ssl, sys
from pyVim.connect import SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim
si = SmartConnect(host="127.0.0.1", port=int(sys.argv[1]), user="root",
                  pwd=sys.argv[2], sslContext=ssl._create_unverified_context())
v = si.content.viewManager.CreateContainerView(si.content.rootFolder,
                                               [vim.VirtualMachine], True)
WaitForTask(v.view[0].PowerOffVM_Task())
PY
	keys Enter
	screen_wait "a confirmation again" "Reset the configuration to the"
	keys y
fi
screen_wait "the configuration is reset" "The configuration has been reset" 30
wait_ready 3
harness_run_pyvmomi "after the reset root's password is empty again" \
    "$D/py-reset.out" itest_dcui.py password "$NEWPW" ""
harness_expect "the VM's files are kept" test -z "$vmname" -o \
    -f "$D/var/lib/vireo/datastore1/vm1/vm1.vmx"
keys Enter
screen_wait "home after the reset" "Host name: $host"

cleanup_tmux
harness_stop "$cimom_pid"
harness_stop "$hostd_pid"

# ---- the program's own interface: --help, a usage error, no hostd
"$dcui" --help >"$D/help.txt"
harness_expect_grep "--help prints the usage" "usage: dcui" "$D/help.txt"
st=0
"$dcui" --bogus >/dev/null 2>&1 || st=$?
harness_expect_eq "an unknown option is a usage error" 2 "$st"
tm new-session -d -x 80 -y 25 \
    "TERM=vt100 $dcui --root $D/nowhere 2>>$D/dcui.err; sleep 30"
screen_wait "without hostd the home screen says so (and no colour)" \
    "hostd is not answering"
cleanup_tmux
harness_log "PASS"
