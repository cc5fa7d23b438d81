#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test of vmx's virtio-pci devices, driven by the test guest
# (tests/guest/testguest.elf, scenarios virtio-blk, virtio-net and
# virtio-rng):
#   * virtio-blk on a raw file and on a sparse VMDK: the guest writes a
#     pattern over the whole disk in one boot and verifies it in a second;
#     the host checks sampled sectors of the image itself (python3; the
#     VMDK through qemu-img convert) and qemu-img checks the VMDK;
#   * a read-only disk refuses a write with IOERR, and its image is
#     unchanged;
#   * virtio-net: ARP and ICMP echo against the host side of a TAP in a
#     private network namespace, whose kernel answers both;
#   * a NIC with no backing here (networkName "VM Network", or
#     startConnected FALSE) powers on disconnected, as on ESX: the guest
#     finds it on the bus, its link is down, a frame it sends is dropped
#     and counted in vmware.log, and the VM powers off normally;
#   * virtio-rng: two reads.
# Needs /dev/kvm (77 without).  A part the machine cannot run is skipped
# with the reason (the network part needs root and ip(8), the VMDK one
# tools/vmkfstools or qemu-img), and the test then exits 77 unless
# something failed.
set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TOP_SRCDIR/tests/harness.sh"

harness_require_kvm
harness_require_cmd timeout
harness_bin vmx/vmx >/dev/null
[ -f "$HARNESS_GUEST" ] || harness_skip "$HARNESS_GUEST is not built"
harness_tmpdir
TMP=$HARNESS_DIR
SEED=$$
NETNS=

failures=0
passes=0
skips=
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	failures=$((failures + 1))
}
pass() {
	printf 'PASS: %s\n' "$*" >&2
	passes=$((passes + 1))
}
skip() {
	printf 'SKIP: %s\n' "$*" >&2
	skips="$skips
  $*"
}

cleanup_netns() {
	if [ -n "$NETNS" ]; then
		ip netns delete "$NETNS" 2>/dev/null || :
		NETNS=
	fi
}
trap '_st=$?; cleanup_netns; (exit "$_st"); harness_cleanup' EXIT

# boot DIR NAME [PREFIX-COMMAND...]: run the .vmx that harness_write_vmx
# wrote (a fresh console and log each time); sets HARNESS_STATUS.
# shellcheck disable=SC2034 # harness_run_vmx reads it
HARNESS_VMX_TIMEOUT=120
boot() {
	_dir=$1 _name=$2
	shift 2
	rm -f "$_dir/serial.txt"
	harness_run_vmx "$_dir" "$_name" "$@" --
}

# verdict DIR SCENARIO WHAT: 0 if the guest passed, else 1 after a
# failure with the console and the log's end.
verdict() {
	_vdir=$1 _vscen=$2 _vwhat=$3
	if [ "$HARNESS_STATUS" -eq 1 ] &&
	    grep -q "^TEST $_vscen PASS" "$_vdir/serial.txt" 2>/dev/null &&
	    [ ! -s "$_vdir/stderr" ]; then
		return 0
	fi
	fail "$_vwhat: exit status $HARNESS_STATUS"
	{
		echo "--- $_vdir/serial.txt"
		tail -n 20 "$_vdir/serial.txt" 2>/dev/null || :
		echo "--- $_vdir/stderr"
		head -n 5 "$_vdir/stderr" 2>/dev/null || :
		echo "--- $_vdir/vmware.log"
		tail -n 8 "$_vdir/vmware.log" 2>/dev/null || :
	} >&2
	return 1
}

# hostcheck IMAGE SEED: sampled sectors (first, last, 1000 random) of a raw
# image hold the guest's pattern (scenario-virtio-blk.c).
hostcheck() {
	python3 - "$1" "$2" <<-'EOF'
	import random, struct, sys
	M = (1 << 64) - 1
	def mix(x):
	    z = (x + 0x9e3779b97f4a7c15) & M
	    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
	    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
	    return z ^ (z >> 31)
	path, seed = sys.argv[1], int(sys.argv[2])
	with open(path, 'rb') as f:
	    f.seek(0, 2)
	    n = f.tell() // 512
	    r = random.Random(seed)
	    for s in sorted({0, n - 1} | {r.randrange(n) for _ in range(1000)}):
	        f.seek(s * 512)
	        got = struct.unpack('<64Q', f.read(512))
	        base = (seed << 40) ^ (s << 6)
	        if got != tuple(mix(base ^ i) for i in range(64)):
	            sys.exit('%s: sector %d lacks the pattern' % (path, s))
	EOF
}

# --- virtio-rng.
d=$TMP/rng
harness_write_vmx "$d" rng vireo.cmdline=test=virtio-rng vireo.virtioRng=TRUE
boot "$d" rng
if verdict "$d" virtio-rng virtio-rng; then
	pass "virtio-rng: $(grep -h '^virtio-rng: 2 x' "$d/serial.txt")"
fi

# --- virtio-blk on a raw file and on a sparse VMDK.
# disk_boot DIR NAME IMAGE CMDLINE [KEY=VALUE...]
disk_boot() {
	_dir=$1 _name=$2 _img=$3 _cmd=$4
	shift 4
	harness_write_vmx "$_dir" "$_name" "vireo.cmdline=$_cmd" \
	    scsi0.present=TRUE scsi0.virtualDev=pvscsi scsi0:0.present=TRUE \
	    "scsi0:0.fileName=$_img" "$@"
	boot "$_dir" "$_name"
}

# blk WHAT IMAGE: write boot, host checks, verify boot.
blk() {
	_what=$1 _img=$2
	_d=$TMP/$_what
	disk_boot "$_d" write "$_img" "test=virtio-blk mode=write seed=$SEED"
	verdict "$_d" virtio-blk "$_what write" || return 0
	if ! grep -q '^virtio-blk: capacity 131072 sectors' "$_d/serial.txt"
	then
		fail "$_what: capacity is not 64 MiB:" \
		    "$(grep capacity "$_d/serial.txt")"
		return 0
	fi
	_raw=$_img
	case $_img in
	*.vmdk)
		if command -v qemu-img >/dev/null 2>&1; then
			if ! qemu-img check "$_img" >"$_d/check.out" 2>&1
			then
				fail "$_what: qemu-img check:" \
				    "$(cat "$_d/check.out")"
				return 0
			fi
			qemu-img convert -O raw "$_img" "$_d/flat.raw"
			_raw=$_d/flat.raw
		else
			harness_log "no qemu-img: the VMDK is checked by the" \
			    "guest only"
			_raw=
		fi
		;;
	esac
	if [ -n "$_raw" ] && command -v python3 >/dev/null 2>&1; then
		if ! hostcheck "$_raw" "$SEED" 2>"$_d/hostcheck.out"; then
			fail "$_what: host check: $(cat "$_d/hostcheck.out")"
			return 0
		fi
		harness_log "ok: $_what: sampled sectors hold the pattern"
	fi
	rm -f "$_d/flat.raw"
	disk_boot "$_d" verify "$_img" "test=virtio-blk mode=verify seed=$SEED"
	verdict "$_d" virtio-blk "$_what verify" || return 0
	pass "$_what: $(grep -h '^virtio-blk: verify ' "$_d/serial.txt")"
}

truncate -s 64M "$TMP/disk.raw"
blk blk-raw "$TMP/disk.raw"

VMKFSTOOLS=$TOP_BUILDDIR/tools/vmkfstools
if [ -x "$VMKFSTOOLS" ]; then
	"$VMKFSTOOLS" -c 64M -d thin "$TMP/disk.vmdk" >/dev/null
elif command -v qemu-img >/dev/null 2>&1; then
	qemu-img create -q -f vmdk "$TMP/disk.vmdk" 64M
fi
if [ -f "$TMP/disk.vmdk" ]; then
	blk blk-vmdk "$TMP/disk.vmdk"
else
	skip "blk-vmdk: neither tools/vmkfstools nor qemu-img to make a VMDK"
fi

# --- A read-only disk refuses writes; its image is unchanged.
d=$TMP/blk-ro
mkdir -p "$d"
head -c 1048576 /dev/urandom >"$d/ro.raw"
sum0=$(cksum <"$d/ro.raw")
disk_boot "$d" ro "$d/ro.raw" "test=virtio-blk ro=1" scsi0:0.readOnly=TRUE
if verdict "$d" virtio-blk blk-ro; then
	if [ "$(cksum <"$d/ro.raw")" != "$sum0" ]; then
		fail "blk-ro: the read-only image changed"
	else
		pass "blk-ro: $(grep -h 'refused' "$d/serial.txt")"
	fi
fi

# --- Disconnected NICs: no root needed, nothing is opened on the host.
# nic_off WHAT REASON [KEY=VALUE...]: pciscan, virtio-net link=down and
# poweroff with ethernet0 set by the KEY=VALUEs; vmware.log must give
# REASON (a grep pattern) for the link being down.
nic_off() {
	_what=$1 _why=$2
	shift 2
	set -- ethernet0.present=TRUE ethernet0.virtualDev=vmxnet3 "$@"
	_d=$TMP/$_what
	harness_write_vmx "$_d/scan" scan vireo.cmdline=test=pciscan "$@"
	boot "$_d/scan" scan
	verdict "$_d/scan" pciscan "$_what: pciscan" || return 0
	if ! grep -q '^pci 00:[0-9a-f]*\.0 1af4:1041 class 02\.00\.00' \
	    "$_d/scan/serial.txt"; then
		fail "$_what: no virtio-net in the guest's PCI scan"
		return 0
	fi
	harness_write_vmx "$_d/net" net \
	    "vireo.cmdline=test=virtio-net link=down" "$@"
	boot "$_d/net" net
	verdict "$_d/net" virtio-net "$_what: virtio-net" || return 0
	if ! grep -q "ethernet0: disconnected: $_why" "$_d/net/vmware.log"
	then
		fail "$_what: vmware.log does not say why: $(grep ethernet0 \
		    "$_d/net/vmware.log" | tail -n 3)"
		return 0
	fi
	if ! grep -q 'ethernet0: disconnected: .* sent, dropped: 1$' \
	    "$_d/net/vmware.log"; then
		fail "$_what: the dropped frame is not counted"
		return 0
	fi
	harness_write_vmx "$_d/off" off vireo.cmdline=test=poweroff "$@"
	boot "$_d/off" off
	if [ "$HARNESS_STATUS" -ne 0 ] ||
	    [ "$(harness_last_log "$_d/off")" != "powered off" ]; then
		fail "$_what: poweroff: status $HARNESS_STATUS, log ends" \
		    "'$(harness_last_log "$_d/off")'"
		return 0
	fi
	pass "$_what: $(grep -h '^pci .* class 02\.00\.00' \
	    "$_d/scan/serial.txt"), $(grep -h '^virtio-net: link down' \
	    "$_d/net/serial.txt"), powered off"
}
nic_off nic-portgroup 'networkName "VM Network" has no backing' \
    "ethernet0.networkName=VM Network"
nic_off nic-startconnected 'startConnected is FALSE' \
    ethernet0.networkName=tap:vtoff0 ethernet0.startConnected=FALSE

# --- virtio-net against the kernel on the far side of a TAP.
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1; then
	skip "virtio-net: needs root and ip(8)"
else
	NETNS=vt$$
	d=$TMP/net
	mkdir -p "$d"
	if ! ip netns add "$NETNS" 2>"$d/ip.err"; then
		NETNS=
		skip "virtio-net: cannot create a network namespace:" \
		    "$(cat "$d/ip.err")"
	else
		ip netns exec "$NETNS" sh -e -c '
			ip link set lo up
			ip tuntap add dev vtap0 mode tap
			ip addr add 10.0.2.2/24 dev vtap0
			ip link set vtap0 up'
		harness_write_vmx "$d" net \
		    "vireo.cmdline=test=virtio-net ip=10.0.2.15 peer=10.0.2.2" \
		    ethernet0.present=TRUE ethernet0.virtualDev=vmxnet3 \
		    ethernet0.networkName=tap:vtap0
		boot "$d" net ip netns exec "$NETNS"
		if verdict "$d" virtio-net virtio-net; then
			pass "virtio-net: $(grep -h -e 'peer MAC' \
			    -e 'echo reply' "$d/serial.txt" | tr '\n' ' ')"
		fi
		cleanup_netns
	fi
fi

harness_log "$passes passed, $failures failed"
[ "$failures" -eq 0 ] || harness_fail "$failures checks failed"
[ -z "$skips" ] || harness_skip "parts skipped:$skips"
exit 0
