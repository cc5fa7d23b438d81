#!/bin/sh
# SPDX-License-Identifier: ISC
#
# dcui's management network screens end to end, in network namespaces:
# hostd and dcui run in NS (one interface, veth0), whose peer veth1 sits
# in NS2 as the gateway 192.0.2.1.  Through the console: a bad address is
# refused with hostd's message; a static address, netmask, gateway and DNS
# server are applied (checked with `ip -n NS addr` and `ip -n NS route`),
# the home screen then shows https://192.0.2.10/, pyVmomi sees the
# settings in HostSystem.config.network, Test Management Network says OK
# for the gateway and FAILED for a DNS server nobody answers for; DHCP
# uses the system's client or says there is none;
# after the address is removed behind hostd's back and hostd restarted,
# hostd has applied etc/vireo/network.conf again.
# SKIP (77) without root, network namespaces, tmux or pyVmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_cmd tmux ip
harness_require_root
harness_require_pyvmomi
HARNESS_TIMEOUT=30
harness_tmpdir
D=$HARNESS_DIR
NS=vireo-dcui-$$
NS2=vireo-dcgw-$$
TM=dcui-net-$$
hostd=$(cd "$(dirname "$(harness_bin hostd/hostd)")" && pwd)/hostd
dcui=$(cd "$(dirname "$(harness_bin dcui/dcui)")" && pwd)/dcui

tm() {
	tmux -L "$TM" -f /dev/null "$@"
}

cleanup_net() {
	tm kill-server 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$NS2" 2>/dev/null || true
}
trap 'cleanup_net; harness_cleanup' EXIT

if ! ip netns add "$NS" 2>"$D/netns.err"; then
	cat "$D/netns.err" >&2
	harness_skip "network namespaces are not available here"
fi
ip netns add "$NS2"
ip -n "$NS" link set lo up
ip -n "$NS" link add veth0 type veth peer name veth1 netns "$NS2"
ip -n "$NS2" link set lo up
ip -n "$NS2" addr add 192.0.2.1/24 dev veth1
ip -n "$NS2" link set veth1 up

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

type_line() {
	tm send-keys -l "$1"
	keys Enter
}

start_hostd() {
	rm -f "$D/run/vireo/hostd.port"
	harness_spawn "$D/var/log/vireo/hostd.log" ip netns exec "$NS" \
	    "$hostd" -d --root "$D" -p 0 -P 0
	harness_wait_file "$D/run/vireo/hostd.port" "$HARNESS_PID" 30 ||
	    harness_fail "hostd did not write run/vireo/hostd.port"
	HARNESS_PORT=$(cat "$D/run/vireo/hostd.port")
	hostd_pid=$HARNESS_PID
}

# pyVmomi must run where hostd's port is: in NS.
printf '#!/bin/sh\nexec ip netns exec %s /usr/bin/python3 "$@"\n' "$NS" \
    >"$D/python"
chmod +x "$D/python"
HARNESS_PYTHON=$D/python

mkdir -p "$D/etc/vireo" "$D/var/log/vireo"
start_hostd

tm new-session -d -x 80 -y 25 "ip netns exec $NS env TERM=xterm \
    $dcui --root $D 2>>$D/dcui.err; sleep 30"
screen_wait "the home screen" "Host name:"
keys F2
keys Enter Enter
screen_wait "root logs in" "System Customization"

# ---- a bad address is refused, with hostd's reason
keys Down Enter
screen_wait "the adapter list" "veth0"
keys Enter
screen_wait "the IPv4 choice" "Set static IPv4 address"
keys Down Enter
type_line "999.1.1.1"
type_line "255.255.255.0"
type_line "192.0.2.1"
type_line ""
keys Enter
screen_wait "the summary" "Apply changes"
keys y
screen_wait "a bad address is refused" "address: 999.1.1.1"
keys Enter

# ---- DHCP: the system's client, or a clear message that there is none
keys Enter
screen_wait "the adapter list (DHCP)" "veth0"
keys Enter Up Enter
keys Enter Enter
screen_wait "the DHCP summary" "IPv4: DHCP"
keys y
dhcp=
for c in dhclient dhcpcd udhcpc; do
	for dir in /usr/sbin /sbin /usr/bin /bin; do
		[ -x "$dir/$c" ] && dhcp=$dir/$c
	done
done
if [ -z "$dhcp" ]; then
	screen_wait "no DHCP client: hostd says so" "no DHCP client"
	harness_expect "nothing was saved" test ! -e \
	    "$D/etc/vireo/network.conf"
else
	screen_wait "DHCP through $dhcp" "IP configuration (veth0, DHCP): OK"
fi
keys Enter

# ---- a static address
keys Enter
screen_wait "the adapter list again" "veth0"
keys Enter Down Enter
type_line "192.0.2.10"
type_line "255.255.255.0"
type_line "192.0.2.1"
type_line "192.0.2.53"
keys Enter
screen_wait "the summary" "Apply changes"
keys y
screen_wait "the address is applied" "IP configuration (veth0, 192.0.2.10): OK"
screen_wait "the gateway is applied" "Default gateway 192.0.2.1: OK"
screen_wait "DNS is applied" "DNS and host name: OK"
keys Enter
ip -n "$NS" addr show dev veth0 >"$D/addr.txt"
ip -n "$NS" route >"$D/route.txt"
cat "$D/addr.txt" "$D/route.txt" >&2
harness_expect_grep "veth0 has the address" "inet 192.0.2.10/24" \
    "$D/addr.txt"
harness_expect_grep "the default route goes through the gateway" \
    "default via 192.0.2.1 dev veth0" "$D/route.txt"
harness_expect_grep "the setting is persisted" '192.0.2.10' \
    "$D/etc/vireo/network.conf"
harness_expect_grep "the DNS server is in resolv.conf" \
    "nameserver 192.0.2.53" "$D/etc/resolv.conf"

"$HARNESS_PYTHON" - "$HARNESS_PORT" <<'PY' >"$D/py.out" 2>&1 || {
import ssl, sys
from pyVim.connect import SmartConnect
from pyVmomi import vim
si = SmartConnect(host="127.0.0.1", port=int(sys.argv[1]), user="root",
                  pwd="", sslContext=ssl._create_unverified_context())
h = si.content.rootFolder.childEntity[0].hostFolder.childEntity[0].host[0]
net = h.config.network
assert net.vnic[0].device == "vmk0", net.vnic
assert net.vnic[0].spec.ip.ipAddress == "192.0.2.10", net.vnic[0].spec
assert net.vnic[0].spec.ip.subnetMask == "255.255.255.0"
assert net.ipRouteConfig.defaultGateway == "192.0.2.1"
assert "192.0.2.53" in net.dnsConfig.address
assert h.configManager.networkSystem.networkInfo.vnic[0].portgroup == \
    "veth0"
print("ok: HostSystem.config.network shows the settings")
PY
	cat "$D/py.out" >&2
	harness_fail "pyVmomi does not see the network settings"
}
cat "$D/py.out" >&2

# ---- home screen, network test
keys Escape
screen_wait "the home screen shows the new URL" "https://192.0.2.10/"
keys F2
keys Enter Enter
screen_wait "root logs in again" "System Customization"
keys Down Down Down Enter
screen_wait "Test Management Network" "Other addresses"
type_line "192.0.2.1"
screen_wait "the gateway answers" "Resolving host name"
grep -E "Pinging gateway +192.0.2.1 +OK" "$D/screen.txt" >/dev/null ||
    { cat "$D/screen.txt" >&2; harness_fail "the gateway is not OK"; }
grep -E "Pinging DNS server +192.0.2.53 +FAILED" "$D/screen.txt" \
    >/dev/null || { cat "$D/screen.txt" >&2;
    harness_fail "a DNS server nobody answers for is not FAILED"; }
grep -E "Pinging address +192.0.2.1 +OK" "$D/screen.txt" >/dev/null ||
    { cat "$D/screen.txt" >&2; harness_fail "a given address is not OK"; }
keys Enter

# ---- the setting survives a restart of hostd
ip -n "$NS" addr flush dev veth0
ip -n "$NS" route flush dev veth0 2>/dev/null || true
harness_stop "$hostd_pid"
start_hostd
ip -n "$NS" addr show dev veth0 >"$D/addr2.txt"
ip -n "$NS" route >"$D/route2.txt"
harness_expect_grep "hostd applied the address again at start" \
    "inet 192.0.2.10/24" "$D/addr2.txt"
harness_expect_grep "hostd applied the gateway again at start" \
    "default via 192.0.2.1 dev veth0" "$D/route2.txt"

# ---- Restart Management Network re-applies
ip -n "$NS" addr flush dev veth0
keys Up Enter
screen_wait "Restart Management Network asks first" \
    "Restart the management network"
keys y
screen_wait "the network is restarted" "has been restarted"
ip -n "$NS" addr show dev veth0 >"$D/addr3.txt"
harness_expect_grep "Restart Management Network applied the address" \
    "inet 192.0.2.10/24" "$D/addr3.txt"
keys Enter

cleanup_net
harness_stop "$hostd_pid"
harness_log "PASS"
