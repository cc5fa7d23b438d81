#!/bin/bash
# SPDX-License-Identifier: ISC
#
# cimom throughput and footprint, with an anchor measured in the same
# run on the same machine:
#   * EnumerateInstances of CIM_Processor (this host's CPUs) and of
#     CIM_NumericSensor (a fixture hwmon tree of --sensors sensors, since
#     build machines rarely have hwmon) in requests per second with 1
#     and 8 clients (bench/cimom/cimload.c: C, blocking OpenSSL, one
#     kept-alive TLS connection per client, Basic auth on every request
#     as wbemcli and pywbem send it);
#   * the anchor: hostd's CurrentTime calls per second with the same
#     client counts (bench/hostd-vs-vcsim/timeload.c), i.e. the cheapest
#     authenticated request this project's other HTTPS daemon serves;
#   * cimom's resident memory (RSS, PSS and private kB from smaps_rollup)
#     idle and after the runs; the provider host's too; and hostd's, the
#     memory anchor: the same libc, libevent and OpenSSL 3 TLS server
#     stack, whose clean library pages alone exceed the RSS target; and
#     the floor: bench/hostd-vs-vcsim/tlsfloor.c -x, a server that only
#     does OpenSSL 3 TLS, parses each request with libxml2 and sends
#     canned answers, after the same kind of load.
# Rounds alternate the servers; medians and ratios cimom/hostd are
# printed.  Target: RSS <= 4 MB (SFCB's published footprint is ~2 MB).
#
# Usage: bench/cimom.sh [--builddir DIR] [--rounds N] [--seconds S]
#                       [--sensors N]
# Needs cc and OpenSSL's headers.  Never part of make check.

set -u

builddir=.
rounds=3
seconds=3
sensors=16
src=$(cd "$(dirname "$0")" && pwd)

usage() {
	echo "usage: $0 [--builddir DIR] [--rounds N] [--seconds S]" \
	    "[--sensors N]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--sensors) sensors=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

# shellcheck source=SCRIPTDIR/lib.sh
. "$src/lib.sh"

bench_builddir hostd/hostd cimom/cimom cimom/cimom-provhost
command -v cc >/dev/null || { echo "$0: cc is missing" >&2; exit 1; }

bench_tmpdir
bench_cc cimload "$src/cimom/cimload.c" &&
    bench_cc timeload "$src/hostd-vs-vcsim/timeload.c" &&
    bench_cc_tlsfloor ||
    bench_build_failed

# One root for both daemons, one account.
R=$D/root
mkdir -p "$R/etc/vireo/cimom" "$R/var/lib/vireo" "$D/sys/class/hwmon/hwmon0"
echo 'root:x:0:0:Administrator:/:/bin/sh' >"$R/etc/vireo/passwd"
echo "root:$(openssl passwd -6 bench):19000:0:99999:7:::" \
    >"$R/etc/vireo/shadow"
chmod 600 "$R/etc/vireo/shadow"
printf 'root:x:0:root\nlocaladmin:x:1000:root\n' >"$R/etc/vireo/group"
echo '<ConfigRoot></ConfigRoot>' >"$R/var/lib/vireo/inventory.xml"
cp "$src/../data/providers.reg" "$R/etc/vireo/cimom/providers.reg"
echo benchchip >"$D/sys/class/hwmon/hwmon0/name"
for i in $(seq 1 "$sensors"); do
	echo $((30000 + i * 100)) >"$D/sys/class/hwmon/hwmon0/temp${i}_input"
	echo 90000 >"$D/sys/class/hwmon/hwmon0/temp${i}_crit"
done

bench_hostd "$R" 30
CIMOM_SYSFS_ROOT=$D/sys harness_spawn "$D/cimom.out" \
    "$builddir/cimom/cimom" -d --root "$R" -p 0 \
    -s "$src/../data/cimom" -L "$builddir/cimom/providers" \
    --provhost "$builddir/cimom/cimom-provhost"
cpid=$HARNESS_PID
harness_wait_file "$R/run/vireo/cimom.port" "$cpid" 30 ||
    harness_fail "cimom did not start (see $D/cimom.out)"
cport=$(cat "$R/run/vireo/cimom.port")

# mem PID: VmRSS, PSS (shared pages divided among their users) and
# private kB.
mem() {
	awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2}
	    /^Private_(Clean|Dirty):/ {v += $2} END {print r, p, v}' \
	    "/proc/$1/smaps_rollup"
}
idle=$(mem "$cpid")
hidle=$(mem "$hpid")

for c in CIM_Processor CIM_NumericSensor; do
	printf '%s' '<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="4711" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="EnumerateInstances"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="'"$c"'"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>' \
	    >"$D/$c.xml"
done
n=$(curl -sk -u root:bench -H 'CIMOperation: MethodCall' --data-binary \
    "@$D/CIM_NumericSensor.xml" "https://127.0.0.1:$cport/cimom" |
    grep -c '<VALUE.NAMEDINSTANCE>')
[ "$n" -eq "$sensors" ] ||
    harness_fail "cimom returned $n sensors, not $sensors"

: >"$D/results"
for r in $(seq 1 "$rounds"); do
	for k in 1 8; do
		echo "hostd $k $("$D/timeload" "$hport" "$k" "$seconds" root \
		    bench | awk '{print $2}')" >>"$D/results"
		for c in CIM_Processor CIM_NumericSensor; do
			echo "$c $k $("$D/cimload" "$cport" "$k" "$seconds" \
			    "$D/$c.xml" EnumerateInstances root:bench |
			    awk '{print $2}')" >>"$D/results"
		done
	done
done
after=$(mem "$cpid")
hafter=$(mem "$hpid")
ppid=$(pgrep -P "$cpid" -f cimom-provhost | head -n 1)
harness_spawn "$D/tlsfloor.out" "$D/tlsfloor" -x \
    "$R/etc/vireo/ssl/rui.crt" "$R/etc/vireo/ssl/rui.key"
fpid=$HARNESS_PID
harness_wait_grep "port " "$D/tlsfloor.out" "$fpid" 10 ||
    harness_fail "tlsfloor did not start (see $D/tlsfloor.out)"
"$D/timeload" "$(awk '/^port /{print $2; exit}' "$D/tlsfloor.out")" 8 1 \
    root x >/dev/null || harness_fail "tlsfloor did not answer"
floor=$(mem "$fpid")
prov=$( [ -n "$ppid" ] && mem "$ppid" || echo "- - -")

echo "cimom on $(nproc) CPUs, $rounds rounds of ${seconds}s; anchor:" \
    "hostd CurrentTime (session cookie, same machine, same run)"
printf '%-20s %8s %12s %8s\n' request clients "req/s" "x hostd"
for k in 1 8; do
	h=$(bench_get hostd "$k")
	printf '%-20s %8s %12s %8s\n' "hostd CurrentTime" "$k" "$h" "1.00"
	for c in CIM_Processor CIM_NumericSensor; do
		v=$(bench_get "$c" "$k")
		printf '%-20s %8s %12s %8s\n' "ei $c" "$k" "$v" \
		    "$(awk -v a="$v" -v b="$h" 'BEGIN {
		        if (b > 0) printf "%.2f", a / b; else print "-" }')"
	done
done
set -- $idle
echo "cimom idle: RSS $1 kB, PSS $2 kB, private $3 kB"
set -- $after
echo "cimom after the runs: RSS $1 kB, PSS $2 kB, private $3 kB;" \
    "target RSS <= 4096 kB"
set -- $prov
echo "provider host: RSS $1 kB, PSS $2 kB, private $3 kB"
set -- $hidle
echo "anchor hostd idle: RSS $1 kB, PSS $2 kB, private $3 kB"
set -- $hafter
echo "anchor hostd after the runs: RSS $1 kB, PSS $2 kB, private $3 kB"
set -- $floor
echo "floor tlsfloor -x (OpenSSL 3 TLS, libxml2 parse, canned answers)" \
    "after load: RSS $1 kB, PSS $2 kB, private $3 kB"
harness_stop "$cpid"
harness_stop "$hpid"
harness_stop "$fpid"
