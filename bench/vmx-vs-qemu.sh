#!/bin/bash
# SPDX-License-Identifier: ISC
#
# vmx against QEMU microvm on the same test guest (tests/guest/testguest.elf):
#   * cold start to exit of "test=hello": wall time, CPU time, peak RSS;
#   * the cost of one port-I/O exit: wall("test=pio count=N") minus
#     wall("test=pio count=0"), divided by N.
# The two VMMs run in alternating turns within one run (ROUNDS rounds) so
# that drift on the machine hits both alike; medians are reported, then
# the ratios vmx/QEMU against the targets (<= 0.3x wall, <= 0.15x RSS,
# <= 1.0x per exit).  vmx is skipped with a message when it is not built.
#
# Usage: bench/vmx-vs-qemu.sh [--builddir DIR] [--rounds N] [--count N]
#                             [--guest ELF] [--qemu PROGRAM]
# Never part of make check: timings live here.

set -u

builddir=.
rounds=5
count=100000
guest=
qemu=qemu-system-x86_64

usage() {
	echo "usage: $0 [--builddir DIR] [--rounds N] [--count N]" \
	    "[--guest ELF] [--qemu PROGRAM]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--count) count=${2:?}; shift 2 ;;
	--guest) guest=${2:?}; shift 2 ;;
	--qemu) qemu=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
bench_locate
if [ ! -x /usr/bin/time ]; then
	echo "$0: /usr/bin/time is missing (apt-get install time)" >&2
	exit 1
fi
bench_require_qemu

work=$(mktemp -d /tmp/vmx-vs-qemu.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
# No timeout(1) around vmx: it would be in the figures.
HARNESS_VMX_TIMEOUT=

# run_one VMM NAME CMDLINE: run once, append "wall_s cpu_s rss_kib" to
# $work/VMM.NAME, check the guest's verdict.
run_one() {
	local vmm=$1 name=$2 cmdline=$3 t0 t1 status out
	local dir=$work/$vmm.$name.run

	rm -rf "$dir"
	mkdir -p "$dir"
	case $vmm in
	qemu)
		t0=$(date +%s%N)
		/usr/bin/time -f "%U %S %M" -o "$dir/time" \
		    "$qemu" -M microvm -accel kvm -m 128 -smp 1 \
		    -nodefaults -no-user-config -nographic -serial stdio \
		    -device isa-debug-exit,iobase=0xf4,iosize=4 \
		    -kernel "$guest" -append "$cmdline" \
		    >"$dir/serial.log" 2>"$dir/stderr"
		status=$?
		t1=$(date +%s%N)
		;;
	vmx)
		harness_write_vmx "$dir" bench memsize=128 numvcpus=1 \
		    "vireo.kernel=$guest" "vireo.cmdline=$cmdline" \
		    serial0.fileName=serial.log
		t0=$(date +%s%N)
		harness_run_vmx "$dir" bench \
		    /usr/bin/time -f "%U %S %M" -o "$dir/time" --
		status=$HARNESS_STATUS
		t1=$(date +%s%N)
		;;
	esac
	out=$(tail -n 1 "$dir/time")
	if [ "$status" -ne 1 ] || ! grep -q "TEST [a-z]* PASS" \
	    "$dir/serial.log" 2>/dev/null; then
		echo "$0: $vmm \"$cmdline\" failed (exit $status):" >&2
		tail -n 5 "$dir/serial.log" "$dir/stderr" >&2 2>/dev/null
		return 1
	fi
	set -- $out
	echo "$(( (t1 - t0) / 1000 )) $(awk -v u="$1" -v s="$2" \
	    'BEGIN { printf "%d", (u + s) * 1000000 }') $3" \
	    >>"$work/$vmm.$name"
}

# median FILE COLUMN
median() {
	sort -n -k "$2" "$1" | awk -v c="$2" '{ v[NR] = $c }
	    END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

vmms=qemu
[ "$have_vmx" -eq 1 ] && vmms="qemu vmx"
echo "vmx-vs-qemu: $rounds rounds, pio count=$count, guest $guest"
for r in $(seq 1 "$rounds"); do
	for vmm in $vmms; do
		run_one "$vmm" hello "test=hello" &&
		run_one "$vmm" pio "test=pio count=$count" &&
		run_one "$vmm" pio0 "test=pio count=0" || {
			echo "$0: $vmm failed in round $r" >&2
			[ "$vmm" = vmx ] && { vmms=qemu; have_vmx=0; }
		}
	done
	printf '  round %d done\n' "$r"
done

# Per VMM: wall_us cpu_us rss_kib (hello), ns per exit.
summary() {
	local vmm=$1 pio pio0

	if [ ! -s "$work/$vmm.hello" ]; then
		echo "- - - -"
		return
	fi
	pio=$(median "$work/$vmm.pio" 1)
	pio0=$(median "$work/$vmm.pio0" 1)
	echo "$(median "$work/$vmm.hello" 1) $(median "$work/$vmm.hello" 2)" \
	    "$(median "$work/$vmm.hello" 3)" \
	    "$(awk -v a="$pio" -v b="$pio0" -v n="$count" \
	    'BEGIN { if (n > 0) printf "%.0f", (a - b) * 1000 / n; else print "-" }')"
}

read -r q_wall q_cpu q_rss q_exit <<<"$(summary qemu)"
read -r v_wall v_cpu v_rss v_exit <<<"$(summary vmx)"

fmt_ms() {
	awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.1f", v / 1000 }'
}

echo
printf '%-28s %12s %12s %10s %8s\n' "metric (median)" "QEMU microvm" "vmx" \
    "vmx/QEMU" "target"
printf '%-28s %12s %12s %10s %8s\n' "hello wall (ms)" "$(fmt_ms "$q_wall")" \
    "$(fmt_ms "$v_wall")" "$(bench_ratio "$v_wall" "$q_wall")" "<= 0.3x"
printf '%-28s %12s %12s %10s %8s\n' "hello CPU user+sys (ms)" \
    "$(fmt_ms "$q_cpu")" "$(fmt_ms "$v_cpu")" \
    "$(bench_ratio "$v_cpu" "$q_cpu")" "-"
printf '%-28s %12s %12s %10s %8s\n' "hello peak RSS (KiB)" "$q_rss" "$v_rss" \
    "$(bench_ratio "$v_rss" "$q_rss")" "<= 0.15x"
printf '%-28s %12s %12s %10s %8s\n' "port-I/O exit (ns)" "$q_exit" "$v_exit" \
    "$(bench_ratio "$v_exit" "$q_exit")" "<= 1.0x"
[ "$have_vmx" -eq 1 ] || echo "(vmx not measured: $vmx missing or failing)"
exit 0
