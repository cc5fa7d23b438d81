#!/bin/sh
# SPDX-License-Identifier: ISC
#
# rcli against a real hostd in a fresh --root, no /dev/kvm needed: two
# powered-off VMs in inventory.xml, root (blank first-boot password) and a
# ReadOnly user "ro".  Checks what a user sees: usage errors (exit 2),
# help, a server that is down, an untrusted certificate refused with its
# thumbprint and accepted with --thumbprint, a bad password (InvalidLogin),
# the saved session (mode 0600, no password inside, reused, logged out),
# the Unix socket, vm list/info (unknown VM: exit 1), JSON/CSV/XML output
# parsed by python3, host/datastore/network/role/permission/task/event
# commands, permission denied for the ReadOnly user, and the account and
# datastore commands where hostd serves them (else their fault, exit 1).
# Power, console and snapshots need a guest: tests/itest_rcli_vm.sh.

# shellcheck disable=SC2034,SC2086
# (SC2086: $P, $R and $RO are option lists, split on purpose; SC2034:
# HARNESS_GUEST is read by the harness.)

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"
. "${TOP_SRCDIR:-.}/tests/rcli_test.sh"

command -v openssl >/dev/null 2>&1 || harness_skip "openssl is not installed"
PY=python3
command -v "$PY" >/dev/null 2>&1 || harness_skip "python3 is not installed"
harness_tmpdir
D=$HARNESS_DIR
rcli=$(harness_bin rcli/rcli)
ds=$D/var/lib/vireo/datastore1

mkdir -p "$D/etc/vireo" "$D/var/lib/vireo" "$D/home"
harness_write_ro_accounts "$D" 'Ro-pass1!'
HARNESS_GUEST=/nonexistent/guest.elf
{
	echo '<ConfigRoot>'
	n=0
	for v in web01 db01; do
		n=$((n + 1))
		harness_write_vmx "$ds/$v" "$v" memsize=64 numvcpus=1
		echo "  <ConfigEntry id=\"000$n\"><objID>$n</objID>"
		echo "    <vmxCfgPath>$ds/$v/$v.vmx</vmxCfgPath></ConfigEntry>"
	done
	echo '</ConfigRoot>'
} >"$D/var/lib/vireo/inventory.xml"

# Sessions live in the test's own home, never the user's.
HOME=$D/home
export HOME
unset XDG_CONFIG_HOME RCLI_SERVER RCLI_USERNAME RCLI_PASSWORD || :

# --- without a host: usage and help.
expect noargs 2
expect help 0 --help
harness_expect_grep "--help lists the nouns" "permission" "$D/help.out"
expect helpvm 0 help vm
harness_expect_grep "help vm shows snapshot" "snapshot create" \
    "$D/helpvm.out"
expect vmhelp 0 vm --help
harness_expect_grep "vm --help shows power" "power on|off" "$D/vmhelp.out"
expect badnoun 2 frobnicate
harness_expect_grep "unknown noun named" "unknown noun 'frobnicate'" \
    "$D/badnoun.err"
expect badverb 2 vm frobnicate
expect noverb 2 vm
expect badopt 2 --server 127.0.0.1:1 vm list --bogus
harness_expect_grep "unknown option named" "unknown option --bogus" \
    "$D/badopt.err"
expect badfmt 2 --format yaml vm list
expect nohost 1 vm list
harness_expect_grep "no host is explained" "no host" "$D/nohost.err"
expect novm 2 --server 127.0.0.1:1 vm info
expect badnum 2 --server 127.0.0.1:1 vm create x --memory lots
expect missingval 2 vm list --server

# --- a server that is not there.
expect down 1 --server 127.0.0.1:1 --password x vm list
harness_expect_grep "server down is explained" "cannot talk to 127.0.0.1:1" \
    "$D/down.err"

harness_start_hostd "$D/hostd.out" -v
pid=$HARNESS_PID
S=127.0.0.1:$HARNESS_PORT
tp=$(openssl x509 -in "$D/etc/vireo/ssl/rui.crt" -noout -fingerprint \
    -sha1 | cut -d= -f2)

# --- trust.
expect untrusted 1 --server "$S" --password "" vm list
harness_expect_grep "an unknown certificate is refused" "is not trusted" \
    "$D/untrusted.err"
harness_expect_grep "with its SHA-1 thumbprint" "$tp" "$D/untrusted.err"
expect wrongtp 1 --server "$S" --password "" --thumbprint \
    00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33 vm list
harness_expect_grep "a wrong pin is refused" "does not match" \
    "$D/wrongtp.err"
expect pinned 0 --server "$S" --password "" --thumbprint "$tp" host time
expect cacert 0 --server localhost:"$HARNESS_PORT" --password "" \
    --cacert "$D/etc/vireo/ssl/rui.crt" host time

R="--server $S --thumbprint $tp"

# --- authentication.
fault badpw InvalidLogin $R --password 'Wr0ng-Passw0rd' vm list
fault unknownuser InvalidLogin $R --username nobody --password x host time
RCLI_PASSWORD=
export RCLI_PASSWORD
expect envpw 0 $R host time
unset RCLI_PASSWORD

# The prompt: on the terminal (script(1) gives rcli one), without echo.
if command -v script >/dev/null 2>&1; then
	(sleep 2; printf 'Typed-Secret1\n'; sleep 5) |
	    timeout 30 script -qec "'$rcli' $R host time" /dev/null \
	    >"$D/prompt.out" 2>&1 || :
	harness_expect_grep "the password is asked on the terminal" \
	    "Password for root@" "$D/prompt.out"
	harness_expect_grep "the typed password was sent (and refused)" \
	    "InvalidLogin" "$D/prompt.out"
	if grep -q 'Typed-Secret1' "$D/prompt.out"; then
		harness_fail "the typed password was echoed"
	fi
fi

# --- the saved session.
expect save 0 $R --password "" session save
f=$(find "$HOME/.vireo" -name 'session-*' 2>/dev/null | head -n 1)
[ -n "$f" ] || harness_fail "no session file under $HOME/.vireo"
harness_expect_eq "the session file is mode 0600" 600 \
    "$(stat -c %a "$f")"
harness_expect_grep "the session file holds the cookie" \
    "vmware_soap_session=" "$f"
expect reuse 0 --server "$S" vm list
harness_expect_grep "the saved session is reused (no password)" "web01" \
    "$D/reuse.out"
expect logout 0 --server "$S" session logout
harness_expect "the session file is gone" test ! -e "$f"
expect nosession 1 --server "$S" session logout
harness_expect_grep "logout without a session is explained" \
    "no saved session" "$D/nosession.err"
# Saved again with the ro user, then the pin travels with it.
expect savero 0 $R --username ro --password 'Ro-pass1!' session save
if grep -q 'Ro-pass1' "$HOME"/.vireo/session-*; then
	harness_fail "the session file holds a password"
fi
expect reusero 0 --server "$S" host time
expect logoutro 0 --server "$S" session logout

# --- Unix socket.
expect unix 0 --root "$D" --password "" vm list
harness_expect_grep "vm list over the Unix socket" "db01" "$D/unix.out"
expect unixpath 0 --unix "$D/run/vireo/hostd.sock" --password "" host time
# No password on the host itself: a local ticket (root may get one for
# any user), as ESX's local clients log in.
expect unixticket 0 --unix "$D/run/vireo/hostd.sock" --username ro \
    --format csv vm list
harness_expect_grep "vm list over a local ticket" "db01" "$D/unixticket.out"

P="$R --password="

# --- virtual machines (powered off, no guest needed).
expect vmlist 0 $P vm list
harness_expect_grep "vm list shows web01" "web01" "$D/vmlist.out"
harness_expect_grep "vm list shows the power state" "poweredOff" \
    "$D/vmlist.out"
expect vmjson 0 $P vm list --long --format json
"$PY" -c 'import json, sys
rows = json.load(open(sys.argv[1]))
names = sorted(r["name"] for r in rows)
assert names == ["db01", "web01"], names
for r in rows:
    assert r["powerState"] == "poweredOff", r
    assert set(r) >= {"id", "name", "powerState", "cpus", "memoryMB",
        "guestId", "path"}, r
    assert r["memoryMB"] is None or isinstance(r["memoryMB"], int), r
' "$D/vmjson.out" || harness_fail "vm list --format json does not parse"
harness_log "ok: vm list json parses"
expect vmcsv 0 $P vm list --format csv
"$PY" -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert sorted(r["name"] for r in rows) == ["db01", "web01"], rows
' "$D/vmcsv.out" || harness_fail "vm list --format csv does not parse"
harness_log "ok: vm list csv parses"
expect vmxml 0 $P vm list --format xml
"$PY" -c 'import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert sorted(r.find("name").text for r in root) == ["db01", "web01"]
' "$D/vmxml.out" || harness_fail "vm list --format xml does not parse"
harness_log "ok: vm list xml parses"
expect vminfo 0 $P vm info web01
harness_expect_grep "vm info shows the name" "name:" "$D/vminfo.out"
harness_expect_grep "vm info shows the path" "web01.vmx" "$D/vminfo.out"
fault vmunknown NotFound $P vm info no-such-vm
harness_expect_grep "the unknown VM is named" "no-such-vm" \
    "$D/vmunknown.err"
fault poweron_unknown NotFound $P vm power on no-such-vm

# --- host, datastores, networks.
expect hostinfo 0 $P host info --format json
"$PY" -c 'import json, sys
h = json.load(open(sys.argv[1]))[0]
assert h["product"].startswith("VMware ESXi"), h
assert h["connectionState"] == "connected", h
' "$D/hostinfo.out" || harness_fail "host info json"
expect hosttime 0 $P host time
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$D/hosttime.out" ||
    harness_fail "host time is not a dateTime"
expect dslist 0 $P datastore list --format json
"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert any(x["name"] == "datastore1" for x in d), d
' "$D/dslist.out" || harness_fail "datastore list json"
expect netlist 0 $P network list --format csv
harness_expect_grep "network list shows VM Network" "VM Network" \
    "$D/netlist.out"

# --- roles and permissions.
expect rolelist 0 $P role list --format json
"$PY" -c 'import json, sys
r = {x["name"]: x["id"] for x in json.load(open(sys.argv[1]))}
assert r["Admin"] == -1 and r["ReadOnly"] == -2, r
' "$D/rolelist.out" || harness_fail "role list json"
expect roleadd 0 $P role add rcli-operator VirtualMachine.Interact.PowerOn
expect rolelist2 0 $P role list --privileges
harness_expect_grep "the new role is listed" "rcli-operator" \
    "$D/rolelist2.out"
harness_expect_grep "with its privilege" "VirtualMachine.Interact.PowerOn" \
    "$D/rolelist2.out"
fault roleexists AlreadyExists $P role add rcli-operator
expect permset 0 $P permission set ro rcli-operator --vm web01
expect permlist 0 $P permission list --format json
"$PY" -c 'import json, sys
p = json.load(open(sys.argv[1]))
assert any(x["principal"] == "ro" and x["role"] == "rcli-operator" and
    x["entityType"] == "VirtualMachine" for x in p), p
assert any(x["principal"] == "ro" and x["role"] == "ReadOnly" for x in p), p
' "$D/permlist.out" || harness_fail "permission list json"
expect roleinuse 1 $P role rm rcli-operator
expect permrm 0 $P permission rm ro --vm web01
expect rolerm 0 $P role rm rcli-operator
fault rolegone NotFound $P role rm rcli-operator

# --- permission denied: ro has ReadOnly on the whole host.
RO="$R --username ro --password Ro-pass1!"
expect rolist 0 $RO vm list
fault denied_role NoPermission $RO role add nope
fault denied_perm NoPermission $RO permission set ro Admin
harness_expect_grep "the denial says why" "denied" "$D/denied_perm.err"

# --- tasks and events.
expect tasklist 0 $P task list --format json
"$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' \
    "$D/tasklist.out" || harness_fail "task list json"
fault taskunknown ManagedObjectNotFound $P task wait haTask-nope-1
expect evlist 0 $P event list --max 5 --format json
"$PY" -c 'import json, sys
e = json.load(open(sys.argv[1]))
assert 0 < len(e) <= 5, e
assert any(x["type"] == "UserLoginSessionEvent" for x in e), e
' "$D/evlist.out" || harness_fail "event list json"
# follow: start it, log in meanwhile, the new login must show up.
"$rcli" $P event follow --format json >"$D/follow.out" 2>"$D/follow.err" &
fpid=$!
harness_track "$fpid"
harness_wait_grep "UserLoginSessionEvent" "$D/follow.out" "$fpid" 10 ||
    harness_fail "event follow printed nothing"
before=$(wc -l <"$D/follow.out")
expect trigger 0 $RO host time
harness_wait_until "a new event" "$fpid" 10 \
    sh -c "[ \$(grep -c 'User ro@' '$D/follow.out') -ge 1 ]" ||
    harness_fail "event follow did not show ro's login"
harness_stop "$fpid"
harness_expect_eq "event follow ends cleanly on SIGTERM" 0 "$HARNESS_STATUS"
"$PY" -c 'import json, sys
for line in open(sys.argv[1]):
    json.loads(line)
' "$D/follow.out" || harness_fail "event follow is not JSON Lines"
harness_log "ok: follow went from $before lines to $(wc -l <"$D/follow.out")"

# --- accounts (HostLocalAccountManager, UserDirectory).
if served useradd $P user add rcliuser --description "rcli test" \
    --account-password 'Rc-pass1!'; then
	expect userlist 0 $P user list --format json
	"$PY" -c 'import json, sys
u = [x["name"] for x in json.load(open(sys.argv[1]))]
assert "rcliuser" in u and "root" in u, u
' "$D/userlist.out" || harness_fail "user list json"
	fault userdup AlreadyExists $P user add rcliuser \
	    --account-password 'Rc-pass1!'
	expect userperm 0 $P permission set rcliuser ReadOnly
	fault userdenied NoPermission $R --username rcliuser \
	    --password 'Rc-pass1!' role add nope
	RCLI_ACCOUNT_PASSWORD='Rc-pass2!'
	export RCLI_ACCOUNT_PASSWORD
	expect userpw 0 $P user passwd rcliuser
	unset RCLI_ACCOUNT_PASSWORD
	fault oldpw InvalidLogin $R --username rcliuser \
	    --password 'Rc-pass1!' host time
	expect newpw 0 $R --username rcliuser --password 'Rc-pass2!' host time
	if served groupadd $P group add rcligrp --description "rcli group"; then
		expect grouplist 0 $P group list
		harness_expect_grep "group list shows it" "rcligrp" \
		    "$D/grouplist.out"
		expect groupadduser 0 $P group adduser rcligrp rcliuser
		harness_expect_grep "the member is in etc/vireo/group" \
		    "rcliuser" "$D/etc/vireo/group"
		expect groupdeluser 0 $P group deluser rcligrp rcliuser
		expect grouprm 0 $P group rm rcligrp
		fault groupgone UserNotFound $P group rm rcligrp
	fi
	expect userpermrm 0 $P permission rm rcliuser
	expect userrm 0 $P user rm rcliuser
	fault usergone UserNotFound $P user rm rcliuser
fi
if grep -q 'Rc-pass\|Ro-pass\|Wr0ng' "$D/hostd.out"; then
	harness_fail "hostd logged a password"
fi

# --- datastore files (/folder, FileManager, HostDatastoreBrowser).
printf 'hello datastore\n' >"$D/hello.txt"
if served mkdir $P datastore mkdir datastore1 rclidir/sub --parents; then
	harness_expect "the directory exists" test -d "$ds/rclidir/sub"
	fault mkdirdup FileAlreadyExists $P datastore mkdir datastore1 rclidir
fi
if served upload $P datastore upload "$D/hello.txt" datastore1 \
    rclidir/hello.txt; then
	harness_expect "the upload arrived" cmp "$D/hello.txt" \
	    "$ds/rclidir/hello.txt"
fi
mkdir -p "$ds/rclidir"
cp "$D/hello.txt" "$ds/rclidir/seed.txt"
expect download 0 $P datastore download datastore1 rclidir/seed.txt \
    "$D/back.txt"
harness_expect "the download is the file" cmp "$D/hello.txt" "$D/back.txt"
fault download404 FileNotFound $P datastore download datastore1 \
    rclidir/none.txt "$D/none.txt"
harness_expect "a failed download leaves no file" test ! -e "$D/none.txt"
if served browse $P datastore browse datastore1 rclidir --format json; then
	"$PY" -c 'import json, sys
f = [x["path"] for x in json.load(open(sys.argv[1]))]
assert "seed.txt" in f, f
' "$D/browse.out" || harness_fail "datastore browse json"
fi
if served rm $P datastore rm datastore1 rclidir; then
	harness_expect "the directory is gone" test ! -e "$ds/rclidir"
fi

# --- disks (VirtualDiskManager).
mkdir -p "$ds/disks"
if served diskcreate $P disk create datastore1 disks/d1.vmdk --size 1; then
	harness_expect "the disk exists" test -e "$ds/disks/d1.vmdk"
	if served diskextend $P disk extend datastore1 disks/d1.vmdk \
	    --size 2; then
		if served diskinfo $P disk info datastore1 disks/d1.vmdk \
		    --format json; then
			"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))[0]
assert d["capacityKB"] == 2 * 1024 * 1024, d
' "$D/diskinfo.out" || harness_fail "disk info after extend"
		fi
	fi
	if served diskclone $P disk clone datastore1 disks/d1.vmdk \
	    disks/d2.vmdk; then
		harness_expect "the clone exists" test -e "$ds/disks/d2.vmdk"
	fi
fi

# --- host configuration backup (HostFirmwareSystem).
if served backup $P host backup "$D/bundle.tgz"; then
	harness_expect "the bundle is not empty" test -s "$D/bundle.tgz"
fi
# hostd serves HostServiceSystem: an unknown service is NotFound.
fault restartnone NotFound $P host restart-agents --service rcli-none

harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"

# Restore last, on a hostd of its own: the host restarts itself on new
# ports, so rcli comes back through the Unix socket.
if [ -s "$D/bundle.tgz" ]; then
	harness_start_hostd "$D/hostd2.out" -v
	pid=$HARNESS_PID
	if served restore --server "127.0.0.1:$HARNESS_PORT" --thumbprint \
	    "$tp" --password= host restore "$D/bundle.tgz"; then
		harness_wait_until "hostd to come back" "$pid" 30 \
		    "$rcli" --root "$D" --password= host time ||
		    harness_fail "hostd did not come back after the restore"
		expect afterrestore 0 --root "$D" --password= vm list
		harness_expect_grep "the VMs are still there" "web01" \
		    "$D/afterrestore.out"
	fi
	harness_stop "$pid"
	harness_log "hostd after the restore ended with $HARNESS_STATUS"
fi
