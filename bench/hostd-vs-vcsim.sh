#!/bin/bash
# SPDX-License-Identifier: ISC
#
# hostd against vcsim (govmomi's simulator, ESX model, TLS), both started
# in this run on 127.0.0.1 with the same number of VMs, driven by the same
# clients over HTTPS with keep-alive (each client logs in once and keeps
# its connection):
#   * CurrentTime calls per second with 1 and 16 clients
#     (hostd-vs-vcsim/timeload.c: C, blocking OpenSSL, so that the client
#     costs far less than either server);
#   * RetrievePropertiesEx of name and runtime.powerState over a container
#     view of every VM (--vms, default 1000): p50 and p99 latency
#     (hostd-vs-vcsim/load.go; tokens are followed, so paging counts);
#   * resident memory (VmRSS) of each server with those VMs registered,
#     after the runs;
#   * the floor: the same CurrentTime load against tlsfloor.c, a server
#     that only does TLS and sends a canned answer (one event loop, the
#     same busy poll as hostd), so the report shows what this machine and
#     client allow at all next to what the targets ask; and tlsfloor -x,
#     which also parses each request with libxml2 as hostd must.
# Rounds alternate the servers; medians are printed, then the ratios
# hostd/vcsim against the targets (>= 3x throughput, p99 <= vcsim's p50,
# RSS <= 0.5x).  hostd's VMs are .vmx files in its datastore listed in
# var/lib/vireo/inventory.xml of a fresh --root (powered off; vcsim's are
# created powered off too).
#
# Usage: bench/hostd-vs-vcsim.sh [--builddir DIR] [--vms N] [--rounds N]
#                                [--seconds S] [--calls N]
# Needs go, govmomi (golang-github-vmware-govmomi-dev), cc and OpenSSL's
# headers.  Never part of make check: timings live here.

set -u

builddir=.
vms=1000
rounds=3
seconds=5
calls=200
src=$(cd "$(dirname "$0")" && pwd)

usage() {
	echo "usage: $0 [--builddir DIR] [--vms N] [--rounds N]" \
	    "[--seconds S] [--calls N]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--vms) vms=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--calls) calls=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

# shellcheck source=SCRIPTDIR/lib.sh
. "$src/lib.sh"

bench_builddir hostd/hostd
command -v cc >/dev/null || { echo "$0: cc is missing (gcc)" >&2; exit 1; }
bench_need_govmomi

bench_tmpdir
echo "building vcsim and the clients in $D..." >&2
bench_go vcsim "$src/hostd-vs-vcsim/vcsim.go" &&
    bench_go load "$src/hostd-vs-vcsim/load.go" &&
    bench_cc timeload "$src/hostd-vs-vcsim/timeload.c" &&
    bench_cc_tlsfloor ||
    bench_build_failed

# hostd's root: N VMs in the default datastore, listed in inventory.xml.
R=$D/root
bench_vms "$R" "$vms"
bench_hostd "$R"
bench_vcsim "$vms"
harness_spawn "$D/tlsfloor.out" "$D/tlsfloor" \
    "$R/etc/vireo/ssl/rui.crt" "$R/etc/vireo/ssl/rui.key"
fpid=$HARNESS_PID
harness_wait_grep "port " "$D/tlsfloor.out" "$fpid" 10 ||
    harness_fail "tlsfloor did not start (see $D/tlsfloor.out)"
fport=$(awk '/^port /{print $2; exit}' "$D/tlsfloor.out")
harness_spawn "$D/tlsfloorx.out" "$D/tlsfloor" -x \
    "$R/etc/vireo/ssl/rui.crt" "$R/etc/vireo/ssl/rui.key"
xpid=$HARNESS_PID
harness_wait_grep "port " "$D/tlsfloorx.out" "$xpid" 10 ||
    harness_fail "tlsfloor -x did not start (see $D/tlsfloorx.out)"
xport=$(awk '/^port /{print $2; exit}' "$D/tlsfloorx.out")
echo "hostd pid $hpid port $hport; vcsim pid $vpid port $vport;" \
    "$vms VMs each; floor pid $fpid port $fport" >&2

# rate PORT CLIENTS USER PASS: calls per second.
rate() {
	"$D/timeload" "$1" "$2" "$seconds" "$3" "$4" | awk '{print $2}'
}

# props PORT USER PASS: "p50 p99" in ms.
props() {
	"$D/load/load" -url "https://127.0.0.1:$1/sdk" -mode props \
	    -n "$calls" -want "$vms" -user "$2" -pass "$3" |
	    awk '{print $2, $4}'
}

rss() {
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

: >"$D/results"
for r in $(seq 1 "$rounds"); do
	echo "round $r/$rounds" >&2
	for who in hostd vcsim; do
		if [ "$who" = hostd ]; then
			p=$hport u=root w=
		else
			p=$vport u=user w=pass
		fi
		v=$(rate "$p" 1 "$u" "$w") || harness_fail "$who: 1 client"
		echo "$who t1 $v" >>"$D/results"
		v=$(rate "$p" 16 "$u" "$w") || harness_fail "$who: 16 clients"
		echo "$who t16 $v" >>"$D/results"
		v=$(props "$p" "$u" "$w") || harness_fail "$who: properties"
		echo "$who p50 ${v% *}" >>"$D/results"
		echo "$who p99 ${v#* }" >>"$D/results"
	done
	v=$(rate "$fport" 1 root x) || harness_fail "floor: 1 client"
	echo "floor t1 $v" >>"$D/results"
	v=$(rate "$fport" 16 root x) || harness_fail "floor: 16 clients"
	echo "floor t16 $v" >>"$D/results"
	v=$(rate "$xport" 1 root x) || harness_fail "floor -x: 1 client"
	echo "floorx t1 $v" >>"$D/results"
	v=$(rate "$xport" 16 root x) || harness_fail "floor -x: 16 clients"
	echo "floorx t16 $v" >>"$D/results"
done
hrss=$(rss "$hpid")
vrss=$(rss "$vpid")

printf '\n%-34s %10s %10s %8s  %s\n' "metric ($vms VMs, $rounds rounds)" \
    hostd vcsim ratio target
line() {
	printf '%-34s %10s %10s %8s  %s\n' "$1" "$2" "$3" "$4" "$5"
}
h1=$(bench_get hostd t1) v1=$(bench_get vcsim t1)
h16=$(bench_get hostd t16) v16=$(bench_get vcsim t16)
h50=$(bench_get hostd p50) v50=$(bench_get vcsim p50)
h99=$(bench_get hostd p99) v99=$(bench_get vcsim p99)
line "CurrentTime/s, 1 client" "$h1" "$v1" "$(bench_ratio "$h1" "$v1")" \
    ">= 3x"
line "CurrentTime/s, 16 clients" "$h16" "$v16" \
    "$(bench_ratio "$h16" "$v16")" ">= 3x"
line "RetrievePropertiesEx p50 (ms)" "$h50" "$v50" \
    "$(bench_ratio "$h50" "$v50")" "-"
line "RetrievePropertiesEx p99 (ms)" "$h99" "$v99" \
    "$(bench_ratio "$h99" "$v99")" "hostd p99 <= vcsim p50 ($v50)"
f1=$(bench_get floor t1) f16=$(bench_get floor t16)
line "floor: TLS only, 1 client" "$f1" "$v1" "$(bench_ratio "$f1" "$v1")" \
    "hostd/floor $(bench_ratio "$h1" "$f1")"
line "floor: TLS only, 16 clients" "$f16" "$v16" \
    "$(bench_ratio "$f16" "$v16")" "hostd/floor $(bench_ratio "$h16" "$f16")"
x1=$(bench_get floorx t1) x16=$(bench_get floorx t16)
line "floor: TLS + libxml2, 1 client" "$x1" "$v1" "$(bench_ratio "$x1" "$v1")" \
    "hostd/floor $(bench_ratio "$h1" "$x1")"
line "floor: TLS + libxml2, 16 clients" "$x16" "$v16" \
    "$(bench_ratio "$x16" "$v16")" "hostd/floor $(bench_ratio "$h16" "$x16")"
line "RSS (MB)" "$(awk -v k="$hrss" 'BEGIN{printf "%.1f", k/1024}')" \
    "$(awk -v k="$vrss" 'BEGIN{printf "%.1f", k/1024}')" \
    "$(bench_ratio "$hrss" "$vrss")" "<= 0.5x"

harness_stop "$hpid"
harness_stop "$vpid"
harness_stop "$fpid"
harness_stop "$xpid"
exit 0
