#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Runs tests/itest_hostd_inventory.py (pyVmomi walking the inventory,
# container views and WaitForUpdatesEx) on a real hostd in a fresh
# --root, then, when Go and govmomi are installed, tests/itest_hostd_
# govmomi.go (find.Finder: DefaultDatacenter, HostSystemList).  SKIP (77)
# without Debian's python3-pyvmomi.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_tmpdir
D=$HARNESS_DIR
out=$D/hostd.out

harness_start_hostd "$out" -v
pid=$HARNESS_PID

harness_run_pyvmomi "the pyVmomi inventory checks pass" "$D/pyvmomi.out" \
    itest_hostd_inventory.py

gosrc=/usr/share/gocode/src/github.com/vmware/govmomi
if command -v go >/dev/null 2>&1 && [ -d "$gosrc" ]; then
	mkdir -p "$D/gov"
	cp "$TOP_SRCDIR/tests/itest_hostd_govmomi.go" "$D/gov/main.go"
	st=0
	(cd "$D/gov" && GOPATH=/usr/share/gocode GO111MODULE=off \
	    GOCACHE="$D/gocache" go build -o finder main.go) \
	    >"$D/gobuild.out" 2>&1 || st=$?
	if [ "$st" -eq 0 ]; then
		st=0
		"$D/gov/finder" "127.0.0.1:$HARNESS_PORT" \
		    >"$D/govmomi.out" 2>&1 || st=$?
		cat "$D/govmomi.out" >&2
		harness_expect_eq "the govmomi finder checks pass" 0 "$st"
	else
		cat "$D/gobuild.out" >&2
		harness_log "govmomi program did not build: not checked"
	fi
else
	harness_log "no Go or govmomi: govmomi finder not checked"
fi

harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
