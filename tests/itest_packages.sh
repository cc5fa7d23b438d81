#!/bin/sh
# SPDX-License-Identifier: ISC
# The Debian packages, installed the way an administrator would into a
# fresh root (dpkg --root, maintainer scripts run chrootless with
# DPKG_ROOT): the files land where `make install` puts them, postinst
# creates the system users and groups, the state directories and the TLS
# identity, an upgrade keeps the configuration, the units pass
# `systemd-analyze verify`, and hostd started from the installed files
# answers pyVmomi.  VIREO_DEBS names the directory holding the built
# .debs (.ci/run builds them with dpkg-buildpackage); without it the test
# skips.
set -eu
. "${TOP_SRCDIR:-.}/tests/harness.sh"

[ -n "${VIREO_DEBS:-}" ] ||
    harness_skip "VIREO_DEBS is not set (.ci/run builds the packages)"
harness_require_cmd dpkg dpkg-deb
harness_require_root
harness_require_pyvmomi
host_deb=$(ls "$VIREO_DEBS"/vireo-host_*.deb 2>/dev/null | head -n 1)
cli_deb=$(ls "$VIREO_DEBS"/vireo-cli_*.deb 2>/dev/null | head -n 1)
[ -n "$host_deb" ] && [ -n "$cli_deb" ] ||
    harness_fail "no vireo-host/vireo-cli .deb in $VIREO_DEBS"

harness_tmpdir
root=$HARNESS_DIR/root
# The least a root needs for dpkg and for useradd --prefix.
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" \
    "$root/etc" "$root/usr/sbin"
: >"$root/var/lib/dpkg/status"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*:20000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:*::\n' >"$root/etc/gshadow"
chmod 0640 "$root/etc/shadow" "$root/etc/gshadow"

dpkg_root() {
	# The fresh root has no libc package: the dependencies are the
	# host's, which runs the installed binaries.
	DEBIAN_FRONTEND=noninteractive dpkg --root="$root" \
	    --force-script-chrootless --force-depends --force-not-root "$@"
}

dpkg_root -i "$host_deb" "$cli_deb" >"$HARNESS_DIR/dpkg.out" 2>&1 ||
    { cat "$HARNESS_DIR/dpkg.out" >&2; harness_fail "dpkg -i failed"; }
cat "$HARNESS_DIR/dpkg.out" >&2
st=$(dpkg_root -s vireo-host | sed -n 's/^Status: //p')
harness_expect_eq "vireo-host is installed" "install ok installed" "$st"

for f in usr/sbin/hostd usr/libexec/vireo/vmx usr/sbin/vmxctl \
    usr/bin/vmkfstools usr/share/man/man8/hostd.8.gz \
    lib/systemd/system/vireo-hostd.service; do
	harness_expect "the package installed /$f" test -e "$root/$f"
done
for u in dcui vpxuser; do
	harness_expect_grep "postinst created the system user $u" "$u:x:" \
	    "$root/etc/passwd"
done
harness_expect_grep "postinst created the group localadmin" \
    "localadmin:x:" "$root/etc/group"
harness_expect "postinst made the TLS certificate" \
    test -s "$root/etc/vireo/ssl/rui.crt"
harness_expect "postinst made the TLS key" \
    test -s "$root/etc/vireo/ssl/rui.key"
harness_expect_eq "the TLS key is private" 600 \
    "$(stat -c %a "$root/etc/vireo/ssl/rui.key")"
harness_expect_eq "the shadow file is private" 600 \
    "$(stat -c %a "$root/etc/vireo/shadow")"
harness_expect "the datastore directory exists" \
    test -d "$root/var/lib/vireo/datastore1"

# An upgrade (the same version again) keeps the administrator's changes.
printf '# changed by the administrator\n' >>"$root/etc/vireo/hostd.conf"
cksum_before=$(cksum <"$root/etc/vireo/ssl/rui.crt")
dpkg_root -i "$host_deb" >>"$HARNESS_DIR/dpkg.out" 2>&1 ||
    harness_fail "reinstalling vireo-host failed"
harness_expect_grep "reinstalling kept hostd.conf" \
    "changed by the administrator" "$root/etc/vireo/hostd.conf"
harness_expect_eq "reinstalling kept the TLS identity" "$cksum_before" \
    "$(cksum <"$root/etc/vireo/ssl/rui.crt")"

# The units: systemd's own checker, on copies whose programs point into
# the installed root (the root has no systemd of its own to check
# against), with the installed man pages on MANPATH for Documentation=.
if command -v systemd-analyze >/dev/null 2>&1 &&
    [ -d /lib/systemd/system ]; then
	mkdir -p "$HARNESS_DIR/units"
	for u in vireo-hostd vireo-cimom vireo-dcui; do
		[ -f "$root/lib/systemd/system/$u.service" ] || continue
		sbin=$root/usr/sbin
		[ -x "$sbin/${u#vireo-}" ] || {
			harness_log "$u: ${u#vireo-} not packaged yet, not verified"
			continue
		}
		sed "s|/usr/sbin/|$sbin/|g" \
		    "$root/lib/systemd/system/$u.service" \
		    >"$HARNESS_DIR/units/$u.service"
		st=0
		MANPATH="$root/usr/share/man" SYSTEMD_LOG_LEVEL=notice \
		    systemd-analyze verify "$HARNESS_DIR/units/$u.service" \
		    >"$HARNESS_DIR/verify-$u.out" 2>&1 || st=$?
		cat "$HARNESS_DIR/verify-$u.out" >&2
		harness_expect_eq "systemd-analyze verify $u.service" 0 "$st"
	done
else
	harness_log "systemd is missing: units not verified"
fi

# make install gives the files the packages do.
if [ -n "${TOP_BUILDDIR:-}" ] && [ -f "$TOP_BUILDDIR/Makefile" ]; then
	inst=$HARNESS_DIR/inst
	multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
	    gcc -print-multiarch)
	make -s -C "$TOP_BUILDDIR" install DESTDIR="$inst" prefix=/usr \
	    libexecdir=/usr/libexec libdir="/usr/lib/$multiarch" \
	    systemdsystemunitdir=/lib/systemd/system \
	    tmpfilesdir=/usr/lib/tmpfiles.d >"$HARNESS_DIR/install.out" 2>&1 ||
	    harness_fail "make install failed"
	(cd "$inst" && find . -type f | sed 's|^\./||; s|\.gz$||' | sort) \
	    >"$HARNESS_DIR/make-install.list"
	for deb in "$host_deb" "$cli_deb"; do
		dpkg-deb -c "$deb"
	done | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||; s|\.gz$||' |
	    grep -v '^usr/share/doc/' | sort >"$HARNESS_DIR/deb.list"
	st=0
	diff -u "$HARNESS_DIR/make-install.list" "$HARNESS_DIR/deb.list" \
	    >&2 || st=$?
	harness_expect_eq "make install and the packages ship the same files" \
	    0 "$st"
fi

# hostd from the installed files, on the installed root.
rm -f "$root/run/vireo/hostd.port"
harness_spawn "$HARNESS_DIR/hostd.log" "$root/usr/sbin/hostd" -d \
    --root "$root" -p 0 -P 0
pid=$HARNESS_PID
harness_wait_file "$root/run/vireo/hostd.port" "$pid" 30 ||
    harness_fail "the installed hostd did not start"
HARNESS_PORT=$(cat "$root/run/vireo/hostd.port")
harness_run_pyvmomi "pyVmomi talks to the installed hostd" \
    "$HARNESS_DIR/pyvmomi.out" itest_packages.py
st=0
"$root/usr/bin/rcli" --unix "$root/run/vireo/hostd.sock" --password '' \
    --format csv vm list >"$HARNESS_DIR/rcli.out" 2>&1 || st=$?
cat "$HARNESS_DIR/rcli.out" >&2
harness_expect_eq "the packaged rcli talks to the installed hostd" 0 "$st"

# cimom from the installed files; its schema, providers and provider host
# are where the package put them, under the root.
if command -v wbemcli >/dev/null 2>&1; then
	multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
	    gcc -print-multiarch)
	rm -f "$root/run/vireo/cimom.port"
	harness_spawn "$HARNESS_DIR/cimom.log" "$root/usr/sbin/cimom" -d \
	    --root "$root" -p 0 -s "$root/usr/share/vireo/cimom" \
	    -L "$root/usr/lib/$multiarch/vireo/providers" \
	    --provhost "$root/usr/libexec/vireo/cimom-provhost"
	cpid=$HARNESS_PID
	harness_wait_file "$root/run/vireo/cimom.port" "$cpid" 30 ||
	    harness_fail "the installed cimom did not start"
	cport=$(cat "$root/run/vireo/cimom.port")
	wbemcli -noverify ein \
	    "https://root:@localhost:$cport/root/cimv2:CIM_Processor" \
	    </dev/null >"$HARNESS_DIR/wbem.out" 2>&1 || :
	cat "$HARNESS_DIR/wbem.out" >&2
	harness_expect_grep "wbemcli lists processors from the installed cimom" \
	    "CIM_Processor" "$HARNESS_DIR/wbem.out"
	harness_stop "$cpid"
	harness_expect_eq "the installed cimom stops cleanly" 0 \
	    "$HARNESS_STATUS"
fi
harness_stop "$pid"
harness_expect_eq "the installed hostd stops cleanly" 0 "$HARNESS_STATUS"

# Purge removes the configuration, keeps the datastore.
mkdir -p "$root/var/lib/vireo/datastore1/vm1"
printf 'displayName = "vm1"\n' >"$root/var/lib/vireo/datastore1/vm1/vm1.vmx"
dpkg_root --purge vireo-host vireo-cli >>"$HARNESS_DIR/dpkg.out" 2>&1 ||
    harness_fail "dpkg --purge failed"
harness_expect "purge removed /etc/vireo" test ! -e "$root/etc/vireo"
harness_expect "purge kept the datastore's VMs" \
    test -f "$root/var/lib/vireo/datastore1/vm1/vm1.vmx"
harness_log "PASS"
