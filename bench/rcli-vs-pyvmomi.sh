#!/bin/bash
# SPDX-License-Identifier: ISC
#
# `rcli vm list` against the equivalent pyVmomi script (the anchor), both
# against one hostd started here with --vms registered VMs (default 1000,
# powered off, as bench/hostd-vs-vcsim.sh registers them), in alternating
# turns within one run.  The pyVmomi script does what a careful script
# does: SmartConnect, one ContainerView of VirtualMachine, one
# RetrievePropertiesEx of name and runtime.powerState (pages followed),
# print every VM, Disconnect.  rcli logs in with the password each time
# (no saved session) and prints its default table (id, name,
# powerState).  Wall time of each
# whole process, median over --rounds; the ratio rcli/pyVmomi, target
# <= 0.25x.
#
# Usage: bench/rcli-vs-pyvmomi.sh [--builddir DIR] [--vms N] [--rounds N]
# Needs python3-pyvmomi and openssl.  Never part of make check.

set -u

builddir=.
vms=1000
rounds=7
src=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3

usage() {
	echo "usage: $0 [--builddir DIR] [--vms N] [--rounds N]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) builddir=${2:?}; shift 2 ;;
	--vms) vms=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

# shellcheck source=SCRIPTDIR/lib.sh
. "$src/lib.sh"

bench_builddir hostd/hostd rcli/rcli
rcli=$builddir/rcli/rcli
"$py" -c 'import pyVmomi' 2>/dev/null ||
    { echo "$0: pyVmomi is missing (python3-pyvmomi)" >&2; exit 1; }

bench_tmpdir
R=$D/root
mkdir -p "$D/home"
bench_vms "$R" "$vms"
bench_hostd "$R"
tp=$(openssl x509 -in "$R/etc/vireo/ssl/rui.crt" -noout -fingerprint \
    -sha1 | cut -d= -f2)

cat >"$D/list.py" <<'PYEOF'
import ssl
import sys

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl

si = SmartConnect(host="127.0.0.1", port=int(sys.argv[1]), user="root",
                  pwd="", sslContext=ssl._create_unverified_context())
content = si.RetrieveContent()
view = content.viewManager.CreateContainerView(
    content.rootFolder, [vim.VirtualMachine], True)
pc = content.propertyCollector
spec = vmodl.query.PropertyCollector.FilterSpec(
    objectSet=[vmodl.query.PropertyCollector.ObjectSpec(
        obj=view, skip=True,
        selectSet=[vmodl.query.PropertyCollector.TraversalSpec(
            name="view", type=vim.view.ContainerView, path="view",
            skip=False)])],
    propSet=[vmodl.query.PropertyCollector.PropertySpec(
        type=vim.VirtualMachine, pathSet=["name", "runtime.powerState"])])
res = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.
                              RetrieveOptions())
objs = []
while res is not None:
    objs.extend(res.objects)
    res = (pc.ContinueRetrievePropertiesEx(res.token)
           if res.token else None)
for o in objs:
    p = {x.name: x.val for x in o.propSet}
    print(o.obj._moId, p.get("name"), p.get("runtime.powerState"))
view.DestroyView()
Disconnect(si)
PYEOF

# ms CMD...: wall milliseconds of CMD, output counted into $D/lines.
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >"$D/out" 2>"$D/err" || { cat "$D/err" >&2; return 1; }
	t1=$(date +%s%N)
	wc -l <"$D/out" >"$D/lines"
	echo $(((t1 - t0) / 1000000))
}

export HOME=$D/home
: >"$D/results"
echo "hostd pid $hpid port $hport; $vms VMs; $rounds rounds" >&2
for r in $(seq 1 "$rounds"); do
	v=$(ms "$rcli" --server "127.0.0.1:$hport" --thumbprint "$tp" \
	    --password= vm list) || harness_fail "rcli vm list failed"
	[ "$(cat "$D/lines")" -eq $((vms + 1)) ] ||
	    harness_fail "rcli listed $(cat "$D/lines") lines"
	echo "rcli $v" >>"$D/results"
	v=$(ms "$py" "$D/list.py" "$hport") || harness_fail "pyVmomi failed"
	[ "$(cat "$D/lines")" -eq "$vms" ] ||
	    harness_fail "pyVmomi listed $(cat "$D/lines") lines"
	echo "pyvmomi $v" >>"$D/results"
	echo "round $r/$rounds: $(tail -n 2 "$D/results" | tr '\n' ' ')" >&2
done

median() {
	awk -v w="$1" '$1 == w {print $2}' "$D/results" | bench_median
}
a=$(median rcli)
b=$(median pyvmomi)
printf '\n%-32s %10s %10s %8s  %s\n' "metric ($vms VMs, $rounds rounds)" \
    rcli pyVmomi ratio target
printf '%-32s %10s %10s %8s  %s\n' "vm list wall time (ms, median)" \
    "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", a / b }')" \
    "<= 0.25x"
harness_stop "$hpid"
exit 0
