# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2034,SC2154
# (SC2034, SC2154: the variables are the sourcing benchmark's.)
#
# What the benchmarks (bench/*.sh, bash) share: tests/harness.sh, for the
# test guest's .vmx (harness_write_vmx), a run of vmx on it
# (harness_run_vmx) and waiting for a console line (harness_wait_grep);
# finding what the build made; building the load tools; a hostd root with
# N VMs; starting hostd and vcsim; medians and ratios.  A benchmark sets
# its option variables (builddir, guest, qemu), sources this file, then
# calls bench_locate (guests) or bench_builddir.  Functions set the
# benchmark's own variables (vmx, guest, have_vmx, D, hpid, hport, vpid,
# vport).

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

# bench_builddir PROG...: make $builddir absolute; exit 1 unless each
# $builddir/PROG ("hostd/hostd") is built.
bench_builddir() {
	builddir=$(cd "$builddir" && pwd) || exit 1
	for _p in "$@"; do
		[ -x "$builddir/$_p" ] ||
		    { echo "$0: $builddir/$_p is not built" >&2; exit 1; }
	done
}

# bench_need_govmomi: exit 1 without go or govmomi's sources (GOPATH
# mode, as Debian packages them).
bench_need_govmomi() {
	command -v go >/dev/null ||
	    { echo "$0: go is missing (golang-go)" >&2; exit 1; }
	export GOPATH=${GOPATH:-/usr/share/gocode} GO111MODULE=off
	if [ ! -d "$GOPATH/src/github.com/vmware/govmomi/simulator" ]; then
		echo "$0: govmomi is missing (golang-github-vmware-govmomi-dev)" >&2
		exit 1
	fi
}

# bench_tmpdir: harness_tmpdir, the directory in $D.
bench_tmpdir() {
	harness_tmpdir
	D=$HARNESS_DIR
}

# bench_go NAME FILE: build the Go program FILE as $D/NAME/NAME (output
# in $D/build.out); non-zero on failure.
bench_go() {
	export GOCACHE=${GOCACHE:-$D/gocache}
	mkdir -p "$D/$1" && cp "$2" "$D/$1/main.go" &&
	    (cd "$D/$1" && go build -o "$1" main.go) >>"$D/build.out" 2>&1
}

# bench_cc NAME FILE [FLAGS...]: build the C tool FILE (OpenSSL, threads,
# and FLAGS) as $D/NAME (output in $D/build.out); non-zero on failure.
bench_cc() {
	_bc_name=$1 _bc_file=$2
	shift 2
	cc -O2 -o "$D/$_bc_name" "$_bc_file" "$@" -lssl -lcrypto -pthread \
	    >>"$D/build.out" 2>&1
}

# bench_cc_tlsfloor: bench_cc of hostd-vs-vcsim/tlsfloor.c (libxml2 too).
bench_cc_tlsfloor() {
	# shellcheck disable=SC2046
	bench_cc tlsfloor "$src/hostd-vs-vcsim/tlsfloor.c" \
	    $(pkg-config --cflags --libs libxml-2.0)
}

# bench_build_failed: after a bench_go or bench_cc failed: show
# $D/build.out and fail.
bench_build_failed() {
	cat "$D/build.out" >&2
	harness_fail "cannot build the bench tools"
}

# bench_vms ROOT N: N powered-off VMs (vm0001...) as .vmx files in ROOT's
# datastore1, listed in ROOT's inventory.xml.
bench_vms() {
	_ds=var/lib/vireo/datastore1
	mkdir -p "$1/$_ds"
	{
		echo '<ConfigRoot>'
		for _i in $(seq 1 "$2"); do
			_n=$(printf 'vm%04d' "$_i")
			mkdir -p "$1/$_ds/$_n"
			printf '.encoding = "UTF-8"\nconfig.version = "8"\n%s\n%s\n%s\n%s\n' \
			    'virtualHW.version = "14"' "displayName = \"$_n\"" \
			    'guestOS = "other-64"' 'memsize = "32"' \
			    >"$1/$_ds/$_n/$_n.vmx"
			printf '  <ConfigEntry id="%04d"><objID>%d</objID><vmxCfgPath>%s</vmxCfgPath></ConfigEntry>\n' \
			    "$_i" "$_i" "$_ds/$_n/$_n.vmx"
		done
		echo '</ConfigRoot>'
	} >"$D/inventory.xml"
	mkdir -p "$1/var/lib/vireo"
	mv "$D/inventory.xml" "$1/var/lib/vireo/inventory.xml"
}

# bench_hostd ROOT [TIMEOUT]: start the build's hostd in the foreground on
# ROOT, HTTPS and HTTP on free ports, output in $D/hostd.out; wait up to
# TIMEOUT seconds (60) for its port: $hpid, $hport.
bench_hostd() {
	harness_spawn "$D/hostd.out" "$builddir/hostd/hostd" -d --root "$1" \
	    -p 0 -P 0
	hpid=$HARNESS_PID
	harness_wait_file "$1/run/vireo/hostd.port" "$hpid" "${2:-60}" ||
	    harness_fail "hostd did not start (see $D/hostd.out)"
	hport=$(cat "$1/run/vireo/hostd.port")
}

# bench_vcsim N: start $D/vcsim/vcsim (bench_go) with N VMs: $vpid,
# $vport.
bench_vcsim() {
	harness_spawn "$D/vcsim.out" "$D/vcsim/vcsim" -vms "$1"
	vpid=$HARNESS_PID
	harness_wait_grep "port " "$D/vcsim.out" "$vpid" 120 ||
	    harness_fail "vcsim did not start (see $D/vcsim.out)"
	vport=$(awk '/^port /{print $2; exit}' "$D/vcsim.out")
}

# bench_median: the median of the numbers on stdin, one a line; "-" for
# none.
bench_median() {
	sort -g | awk '{ v[NR] = $1 } END {
	    if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_get W M: the median of the third field of the lines "W M value"
# of $D/results.
bench_get() {
	awk -v w="$1" -v m="$2" '$1 == w && $2 == m {print $3}' \
	    "$D/results" | bench_median
}
