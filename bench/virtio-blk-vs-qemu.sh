#!/bin/bash
# SPDX-License-Identifier: ISC
#
# virtio-blk throughput: vmx against QEMU microvm's virtio-blk-pci and
# against the host reading and writing the same raw image with dd.  The
# test guest (tests/guest/testguest.elf, scenario virtio-blk) times its
# own I/O with the TSC (ring-3 pattern work excluded):
#   * sequential write and read of SIZE MiB (default 256) in 1 MiB
#     requests, 4 in flight per batch, in MB/s;
#   * COUNT (default 2000) 4 KiB reads at random offsets, one at a time,
#     in IOPS.
# The host figure is dd with bs=1M through the page cache, which both
# VMMs use too (QEMU runs with cache=writeback unless --qemu-cache says
# otherwise).  The VMMs alternate within each of ROUNDS rounds; medians
# are printed, then the ratios against the targets: vmx >= 0.8x dd and
# >= 1.0x QEMU for sequential I/O, >= 1.0x QEMU for random reads.
#
# Usage: bench/virtio-blk-vs-qemu.sh [--builddir DIR] [--rounds N]
#            [--size MIB] [--count N] [--dir DIR] [--guest ELF]
#            [--qemu PROGRAM] [--qemu-cache MODE]
# Never part of make check: timings live here.

set -u

builddir=.
rounds=3
size=256
count=2000
dir=/var/tmp
guest=
qemu=qemu-system-x86_64
qcache=writeback

usage() {
	echo "usage: $0 [--builddir DIR] [--rounds N] [--size MIB]" \
	    "[--count N] [--dir DIR] [--guest ELF] [--qemu PROGRAM]" \
	    "[--qemu-cache MODE]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--size) size=${2:?}; shift 2 ;;
	--count) count=${2:?}; shift 2 ;;
	--dir) dir=${2:?}; shift 2 ;;
	--guest) guest=${2:?}; shift 2 ;;
	--qemu) qemu=${2:?}; shift 2 ;;
	--qemu-cache) qcache=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
bench_locate
bench_require_qemu

work=$(mktemp -d "$dir/virtio-blk-bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
HARNESS_VMX_TIMEOUT=600
img=$work/disk.raw
# Allocated up front: the first write must not pay for block allocation.
dd if=/dev/zero of="$img" bs=1M count="$size" status=none || exit 1

# run_one VMM NAME CMDLINE: boot once; append the guest's figure (MB/s or
# IOPS, the number before the unit on its "virtio-blk: NAME" line) to
# $work/VMM.NAME.
run_one() {
	local vmm=$1 name=$2 cmdline=$3 status fig
	local d=$work/$vmm.$name.run

	rm -rf "$d"
	mkdir -p "$d"
	case $vmm in
	qemu)
		timeout 600 "$qemu" -M microvm,pcie=on -accel kvm -m 128 \
		    -smp 1 -nodefaults -no-user-config -nographic \
		    -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		    -kernel "$guest" -append "$cmdline" \
		    -drive "file=$img,if=none,id=d0,format=raw,cache=$qcache" \
		    -device virtio-blk-pci,drive=d0,disable-legacy=on \
		    >"$d/serial.log" 2>"$d/stderr"
		status=$?
		;;
	vmx)
		harness_write_vmx "$d" bench memsize=128 numvcpus=1 \
		    "vireo.kernel=$guest" "vireo.cmdline=$cmdline" \
		    serial0.fileName=serial.log scsi0.present=TRUE \
		    scsi0.virtualDev=pvscsi scsi0:0.present=TRUE \
		    "scsi0:0.fileName=$img"
		harness_run_vmx "$d" bench
		status=$HARNESS_STATUS
		;;
	esac
	fig=$(sed -n -e "s/^virtio-blk: $name .* \([0-9][0-9]*\) MB\/s.*/\1/p" \
	    -e "s/^virtio-blk: $name .* \([0-9][0-9]*\) IOPS.*/\1/p" \
	    "$d/serial.log" 2>/dev/null | tail -n 1)
	if [ "$status" -ne 1 ] || [ -z "$fig" ] ||
	    ! grep -q "^TEST virtio-blk PASS" "$d/serial.log"; then
		echo "$0: $vmm \"$cmdline\" failed (exit $status):" >&2
		tail -n 3 "$d/serial.log" "$d/stderr" >&2 2>/dev/null
		return 1
	fi
	echo "$fig" >>"$work/$vmm.$name"
}

# dd_mbs DD-ARGUMENTS...: MB/s of one dd run.
dd_mbs() {
	LC_ALL=C dd "$@" 2>&1 | awk '/copied/ {
	    for (i = 1; i < NF; i++) if ($(i + 1) ~ /^s,?$/) s = $i;
	    if (s > 0) printf "%d\n", $1 / s / 1000000 }'
}

median() {
	[ -s "$1" ] || { echo -; return; }
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2)
	    print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

vmms=qemu
[ "$have_vmx" -eq 1 ] && vmms="qemu vmx"
seq="size=${size}m req=1m qd=4"
echo "virtio-blk-vs-qemu: $rounds rounds, $size MiB image in $work," \
    "$count random reads, QEMU cache=$qcache"
for r in $(seq 1 "$rounds"); do
	for vmm in $vmms; do
		run_one "$vmm" write "test=virtio-blk mode=write $seq" &&
		run_one "$vmm" read "test=virtio-blk mode=read $seq" &&
		run_one "$vmm" rand \
		    "test=virtio-blk mode=rand count=$count size=${size}m" || {
			echo "$0: $vmm failed in round $r" >&2
			[ "$vmm" = vmx ] && { vmms=qemu; have_vmx=0; }
		}
	done
	dd_mbs if=/dev/zero of="$img" bs=1M count="$size" conv=notrunc \
	    >>"$work/dd.write"
	dd_mbs if="$img" of=/dev/null bs=1M >>"$work/dd.read"
	printf '  round %d done\n' "$r"
done

for m in write read rand; do
	eval "q_$m=\$(median \"\$work/qemu.$m\")"
	eval "v_$m=\$(median \"\$work/vmx.$m\")"
done
d_write=$(median "$work/dd.write")
d_read=$(median "$work/dd.read")

echo
printf '%-26s %9s %9s %9s %8s %9s  %s\n' "metric (median)" "host dd" \
    "QEMU" "vmx" "vmx/dd" "vmx/QEMU" "targets"
printf '%-26s %9s %9s %9s %8s %9s  %s\n' "seq write 1 MiB (MB/s)" \
    "$d_write" "$q_write" "$v_write" "$(bench_ratio "$v_write" "$d_write")" \
    "$(bench_ratio "$v_write" "$q_write")" ">= 0.8x dd, >= 1.0x QEMU"
printf '%-26s %9s %9s %9s %8s %9s  %s\n' "seq read 1 MiB (MB/s)" \
    "$d_read" "$q_read" "$v_read" "$(bench_ratio "$v_read" "$d_read")" \
    "$(bench_ratio "$v_read" "$q_read")" ">= 0.8x dd, >= 1.0x QEMU"
printf '%-26s %9s %9s %9s %8s %9s  %s\n' "rand read 4 KiB (IOPS)" "-" \
    "$q_rand" "$v_rand" "-" "$(bench_ratio "$v_rand" "$q_rand")" ">= 1.0x QEMU"
echo "QEMU/dd: write $(bench_ratio "$q_write" "$d_write")," \
    "read $(bench_ratio "$q_read" "$d_read")"
[ "$have_vmx" -eq 1 ] || echo "(vmx not measured: $vmx missing or failing)"
exit 0
