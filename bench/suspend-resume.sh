#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Suspend to disk and resume of a 256 MiB guest that has touched most of
# its memory (the test guest's counter scenario with size=200: 200 MiB of
# RAM filled with a pattern), against the host writing and reading a file
# of the same size on the same filesystem with dd:
#   * suspend: "state written in S s" in vmware.log (pause excluded; the
#     whole vmm_suspend: vCPU and device state, sparse RAM, fsync, rename)
#     and the wall time of "vmxctl suspend"; MB/s of the .vmss size;
#   * resume: "state read in S s" (vmm_create_resume: the VM built, RAM
#     read back, devices and vCPUs restored) and the wall time from vmx's
#     start to the guest's next counter line;
#   * anchors, in the same run: dd if=/dev/zero bs=1M count=<MiB of the
#     .vmss> conv=fdatasync (sequential write with the data on disk, as
#     vmm_suspend's O_DIRECT writes and fsync), and dd iflag=direct of that
#     file to /dev/null (a read from the disk: vmm_suspend's O_DIRECT
#     writes leave nothing in the page cache, and resume reads O_DIRECT).
# ROUNDS rounds, medians reported, then the ratios vmx/dd.
#
# Usage: bench/suspend-resume.sh [--builddir DIR] [--rounds N]
#                                [--dir DIR] [--size MiB]
# Never part of make check: timings live here.

set -u

builddir=.
rounds=3
dir=
size=200

usage() {
	echo "usage: $0 [--builddir DIR] [--rounds N] [--dir DIR]" \
	    "[--size MiB]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--dir) dir=${2:?}; shift 2 ;;
	--size) size=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

builddir=$(cd "$builddir" && pwd) || exit 1
vmx=$builddir/vmx/vmx
vmxctl=$builddir/tools/vmxctl
guest=$builddir/tests/guest/testguest.elf
for f in "$vmx" "$vmxctl" "$guest"; do
	if [ ! -e "$f" ]; then
		echo "$0: $f is not built (run make first)" >&2
		exit 1
	fi
done
if [ ! -e /dev/kvm ]; then
	echo "$0: no /dev/kvm, nothing to measure" >&2
	exit 77
fi
if [ -z "$dir" ]; then
	dir=$(mktemp -d /tmp/vt.XXXXXX) || exit 1
	trap 'rm -rf "$dir"' EXIT
fi
sock=$dir/vm.sock
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

now() {
	date +%s.%N
}

# median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# log_seconds MESSAGE: the seconds in vmware.log's "MESSAGE S s" line
log_seconds() {
	sed -n "s/.*info: $1 \([0-9.]*\) s$/\1/p" "$dir/vmware.log" | tail -1
}

harness_write_vmx "$dir" vm displayName=bench memsize=256 \
    "vireo.kernel=$guest" "vireo.cmdline=test=counter hz=10 size=$size"

: >"$dir/save.s"; : >"$dir/save.wall"; : >"$dir/load.s"
: >"$dir/load.wall"; : >"$dir/dd.w"; : >"$dir/dd.r"; : >"$dir/mb"
for r in $(seq 1 "$rounds"); do
	rm -f "$dir/vm.vmss" "$dir/serial.txt"
	sed -i '/^checkpoint.vmState/d' "$dir/vm.vmx"
	"$vmx" -S "$sock" -c "$dir/vm.vmx" >"$dir/vmx.out" 2>&1 &
	pid=$!
	harness_wait_grep "counter 2 sum" "$dir/serial.txt" "" 120 || exit 1
	t0=$(now)
	"$vmxctl" -S "$sock" -t 300 suspend >/dev/null || exit 1
	t1=$(now)
	wait "$pid"
	s=$(log_seconds "state written in")
	bytes=$(stat -c %s "$dir/vm.vmss")
	echo "$s" >>"$dir/save.s"
	echo "$t1 - $t0" | bc -l >>"$dir/save.wall"
	echo "$bytes / 1048576" | bc -l >>"$dir/mb"
	last=$(grep -c '^counter [0-9]* sum' "$dir/serial.txt")

	t0=$(now)
	"$vmx" -S "$sock" -c "$dir/vm.vmx" >"$dir/vmx.out" 2>&1 &
	pid=$!
	harness_wait_grep "counter $((last + 1)) sum" "$dir/serial.txt" "" \
	    120 || exit 1
	t1=$(now)
	log_seconds "state read in" >>"$dir/load.s"
	echo "$t1 - $t0" | bc -l >>"$dir/load.wall"
	"$vmxctl" -S "$sock" poweroff >/dev/null 2>&1
	wait "$pid"

	# The anchors: the same bytes, the same filesystem.
	mib=$(( (bytes + 1048575) / 1048576 ))
	t0=$(now)
	dd if=/dev/zero of="$dir/dd.img" bs=1M count="$mib" \
	    conv=fdatasync status=none
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$dir/dd.w"
	t0=$(now)
	dd if="$dir/dd.img" of=/dev/null bs=1M iflag=direct status=none
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$dir/dd.r"
	rm -f "$dir/dd.img"
done

mb=$(median <"$dir/mb")
save=$(median <"$dir/save.s")
savewall=$(median <"$dir/save.wall")
load=$(median <"$dir/load.s")
loadwall=$(median <"$dir/load.wall")
ddw=$(median <"$dir/dd.w")
ddr=$(median <"$dir/dd.r")
rate() {
	echo "$mb / $1" | bc -l | xargs printf '%.0f'
}
printf 'guest: 256 MiB, %s MiB touched; .vmss %.1f MiB; %s rounds, medians\n' \
    "$size" "$mb" "$rounds"
printf '%-34s %8.3f s  %6s MB/s\n' "suspend (vmm_suspend)" "$save" \
    "$(rate "$save")"
printf '%-34s %8.3f s\n' "suspend (vmxctl, wall)" "$savewall"
printf '%-34s %8.3f s  %6s MB/s\n' "dd write, conv=fdatasync" "$ddw" \
    "$(rate "$ddw")"
printf '%-34s %8.3f s  %6s MB/s\n' "resume (vmm_create_resume)" "$load" \
    "$(rate "$load")"
printf '%-34s %8.3f s\n' "resume (exec to next counter line)" "$loadwall"
printf '%-34s %8.3f s  %6s MB/s\n' "dd read, iflag=direct" "$ddr" \
    "$(rate "$ddr")"
printf 'ratio suspend/dd write: %.2fx   resume/dd read: %.2fx\n' \
    "$(echo "$save / $ddw" | bc -l)" "$(echo "$load / $ddr" | bc -l)"
