# SPDX-License-Identifier: ISC
# shellcheck shell=sh disable=SC2154
# (SC2154: rcli and D are the sourcing test's.)
#
# What the rcli integration tests (tests/itest_rcli*.sh) share, sourced
# after tests/harness.sh: running the built rcli with its output kept per
# step in $D (the test's directory), and the checks on its exit status and
# messages.  The caller sets rcli (the binary) and D.

# run NAME [ARG...]: rcli ARG..., stdout in $D/NAME.out, stderr in
# $D/NAME.err; sets ST.
run() {
	_rn=$1
	shift
	ST=0
	"$rcli" "$@" >"$D/$_rn.out" 2>"$D/$_rn.err" </dev/null || ST=$?
	harness_log "rcli $* -> $ST"
}

# expect NAME STATUS [ARG...]: run and check the exit status.
expect() {
	_en=$1
	_es=$2
	shift 2
	run "$_en" "$@"
	if [ "$ST" -ne "$_es" ]; then
		cat "$D/$_en.out" "$D/$_en.err" >&2
		harness_fail "rcli $*: exit $ST, expected $_es"
	fi
}

# fault NAME FAULT [ARG...]: must fail with exit 1 and "rcli: FAULT: ".
fault() {
	_fn=$1
	_ff=$2
	shift 2
	expect "$_fn" 1 "$@"
	harness_expect_grep "rcli $* says $_ff" "rcli: $_ff: " "$D/$_fn.err"
}

# served NAME [ARG...]: for methods hostd may not serve yet: 0 is
# returned as 0; otherwise it must be exit 1 with a fault name, and the
# function returns 1 so the caller skips the checks of the effect.
served() {
	_sn=$1
	shift
	run "$_sn" "$@"
	if [ "$ST" -eq 0 ]; then
		return 0
	fi
	[ "$ST" -eq 1 ] || harness_fail "rcli $*: exit $ST"
	grep -Eq '^rcli: (MethodNotFound|NotImplemented|NotSupported|ManagedObjectNotFound|InvalidRequest): ' \
	    "$D/$_sn.err" || {
		cat "$D/$_sn.err" >&2
		harness_fail "rcli $*: no fault name on stderr"
	}
	harness_log "UNTESTED (hostd lacks it): rcli $*: $(cat "$D/$_sn.err")"
	return 1
}

