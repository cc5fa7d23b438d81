#!/bin/sh
# SPDX-License-Identifier: ISC
# Print one closing line for a finished make check: "N passed, N failed,
# N skipped", counted from the automake harness's .trs files, and the log
# of every failed test so a CI transcript shows why.
build=${1:-.}
pass=0 fail=0 skip=0
for trs in $(find "$build" -name '*.trs'); do
	r=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	case "$r" in
	PASS|XFAIL) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*)
		fail=$((fail + 1))
		log=${trs%.trs}.log
		echo "---- $log"
		tail -n 60 "$log" 2>/dev/null
		;;
	esac
done
echo "$pass passed, $fail failed, $skip skipped"
