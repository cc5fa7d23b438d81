# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2034,SC2154
# (SC2034, SC2154: the variables are the sourcing benchmark's.)
#
# What the benchmarks (bench/*.sh, bash) share: tests/harness.sh, for the
# test guest's .vmx (harness_write_vmx), a run of vmx on it
# (harness_run_vmx) and waiting for a console line (harness_wait_grep);
# and finding what the build made.  A benchmark sets its option variables
# (builddir, guest, qemu), sources this file, then calls bench_locate.
# Functions set the benchmark's own variables (vmx, guest, have_vmx).

# shellcheck source=SCRIPTDIR/../tests/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/harness.sh"

# bench_locate: make $builddir absolute; $guest (default: the build's test
# guest) absolute or exit 1; $vmx and HARNESS_VMX the build's vmx (which
# may be missing); exit 77 without /dev/kvm.
bench_locate() {
	builddir=$(cd "$builddir" && pwd) || exit 1
	[ -n "$guest" ] || guest=$builddir/tests/guest/testguest.elf
	vmx=$builddir/vmx/vmx
	HARNESS_VMX=$vmx
	if [ ! -r "$guest" ]; then
		echo "$0: no test guest at $guest (run make first)" >&2
		exit 1
	fi
	guest=$(cd "$(dirname "$guest")" && pwd)/$(basename "$guest")
	if [ ! -e /dev/kvm ]; then
		echo "$0: no /dev/kvm, nothing to measure" >&2
		exit 77
	fi
}

# bench_require_qemu: exit 1 without $qemu; have_vmx 1, or 0 with a note
# when vmx is not built (QEMU alone is measured).
bench_require_qemu() {
	if ! command -v "$qemu" >/dev/null; then
		echo "$0: $qemu not found (apt-get install qemu-system-x86)" >&2
		exit 1
	fi
	have_vmx=1
	if [ ! -x "$vmx" ]; then
		echo "note: $vmx is not built; measuring QEMU only" >&2
		have_vmx=0
	fi
}

# bench_ratio V Q: V/Q as "0.42x", or "-" when either is unknown.
bench_ratio() {
	awk -v v="$1" -v q="$2" 'BEGIN {
	    if (v == "-" || q == "-" || q == 0) print "-";
	    else printf "%.2fx", v / q }'
}
