#!/bin/bash
# SPDX-License-Identifier: ISC
#
# VM provisioning (issue 7): hostd against vcsim (govmomi's simulator, ESX
# model, TLS), both started in this run on 127.0.0.1, driven by the same
# govmomi client (hostd-provisioning/prov.go, one login, keep-alive):
#   * Folder.CreateVM_Task latency, each VM with one thin 1 MiB disk on a
#     new SCSI controller and one e1000 NIC on "VM Network", timed from
#     the call to the task's end: p50 and p99 over --creates calls a
#     round;
#   * --vms (default 100) VMs powered on at once by one client (a
#     goroutine a VM): the time until every PowerOnVM_Task has ended and
#     every VM reads poweredOn, and the server's RSS while they all run.
#     hostd starts one vmx a VM running the test guest; vcsim's
#     PowerOnVM_Task starts nothing, so that anchor is the API cost alone,
#     which the output says.
# Rounds alternate the servers; medians are printed, then hostd/vcsim.
#
# Usage: bench/hostd-provisioning.sh [--builddir DIR] [--creates N]
#                                    [--vms N] [--rounds N]
# Needs go, govmomi (golang-github-vmware-govmomi-dev) and /dev/kvm.
# Never part of make check: timings live here.

set -u

builddir=.
creates=50
vms=100
rounds=3
src=$(cd "$(dirname "$0")" && pwd)

usage() {
	echo "usage: $0 [--builddir DIR] [--creates N] [--vms N]" \
	    "[--rounds N]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--creates) creates=${2:?}; shift 2 ;;
	--vms) vms=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

guest=
# shellcheck source=SCRIPTDIR/lib.sh
. "$src/lib.sh"
bench_locate
bench_builddir hostd/hostd vmx/vmx
bench_need_govmomi

bench_tmpdir
echo "building vcsim and the client in $D..." >&2
bench_go vcsim "$src/hostd-vs-vcsim/vcsim.go" &&
    bench_go prov "$src/hostd-provisioning/prov.go" ||
    bench_build_failed

# hostd in a fresh root with an empty inventory.
R=$D/root
mkdir -p "$R/etc/vireo"
printf 'vmx.path = "%s"\nhttp.enabled = "FALSE"\n' "$vmx" \
    >"$R/etc/vireo/hostd.conf"
bench_hostd "$R"
bench_vcsim 0
echo "hostd pid $hpid port $hport; vcsim pid $vpid port $vport" >&2

# prov WHO ARGS...: run the client against WHO.
prov() {
	_who=$1
	shift
	if [ "$_who" = hostd ]; then
		"$D/prov/prov" -url "https://root:@127.0.0.1:$hport/sdk" \
		    -pid "$hpid" "$@"
	else
		"$D/prov/prov" -url "https://user:pass@127.0.0.1:$vport/sdk" \
		    -pid "$vpid" "$@"
	fi
}

: >"$D/results"
for r in $(seq 1 "$rounds"); do
	echo "round $r/$rounds" >&2
	for who in hostd vcsim; do
		out=$(prov "$who" -mode create -n "$creates" -prefix "c$r") ||
		    harness_fail "$who: CreateVM_Task run failed"
		echo "$out" | awk -v w="$who" '/^create/ {
		    print w, "p50", $3; print w, "p99", $5 }' >>"$D/results"
		out=$(prov "$who" -mode power -vms "$vms" -guest "$guest" \
		    -prefix "p$r") || harness_fail "$who: power-on run failed"
		echo "$out" >&2
		echo "$out" | awk -v w="$who" -v n="$vms" '
		    /^power/ { print w, "power", $2;
		        if ($4 != n) print w, "notall", $4 }
		    /^rss/ { print w, "rss", $2 }' >>"$D/results"
	done
done

printf '\n%-40s %10s %10s %8s\n' \
    "metric ($rounds rounds, medians)" hostd vcsim ratio
line() {
	printf '%-40s %10s %10s %8s\n' "$1" "$2" "$3" "$(bench_ratio "$2" "$3")"
}
line "CreateVM_Task p50 (ms, disk + NIC)" "$(bench_get hostd p50)" \
    "$(bench_get vcsim p50)"
line "CreateVM_Task p99 (ms, disk + NIC)" "$(bench_get hostd p99)" \
    "$(bench_get vcsim p99)"
line "power on $vms VMs at once (s)" "$(bench_get hostd power)" \
    "$(bench_get vcsim power)"
line "server RSS with $vms VMs on (MB)" \
    "$(bench_get hostd rss | awk '{printf "%.1f", $1 / 1024}')" \
    "$(bench_get vcsim rss | awk '{printf "%.1f", $1 / 1024}')"
echo
echo "note: vcsim's PowerOnVM_Task starts no virtual machine; hostd's"
echo "starts one vmx process a VM running the test guest, so the power-on"
echo "ratio compares a real start with the API cost alone.  RSS is the"
echo "server process only (not the vmx processes)."
if grep -q notall "$D/results"; then
	# A round where some VM never read poweredOn (3 minutes) is timed
	# to the give-up; say so rather than hide it.
	awk '$2 == "notall" { printf "WARNING: %s: only %s of '"$vms"' VMs " \
	    "reached poweredOn in a round\n", $1, $3 }' "$D/results"
fi

harness_stop "$hpid"
harness_stop "$vpid"
exit 0
