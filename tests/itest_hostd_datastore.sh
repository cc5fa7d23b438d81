#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Datastore files (vi-api.md section 7): runs tests/itest_hostd_datastore.py
# (/folder and /host over HTTPS, VirtualDiskManager, FileManager,
# HostDatastoreBrowser, with pyVmomi, http.client and qemu-img) on a real
# hostd in a fresh --root with a ReadOnly user ro and a user br whose role
# holds Datastore.Browse (reads files, writes none), then the raw HTTP cases
# with curl: Expect: 100-continue and chunked uploads, a refused upload
# that must not be written, paths curl would otherwise normalise, the
# Unix socket.  SKIP (77) without pyVmomi, curl, openssl or qemu-img.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_pyvmomi
harness_require_cmd curl
harness_require_cmd openssl
harness_require_cmd qemu-img
harness_require_cmd qemu-io
harness_tmpdir
D=$HARNESS_DIR
out=$D/hostd.out
ds=$D/var/lib/vireo/datastore1

mkdir -p "$D/etc/vireo"
rohash=$(openssl passwd -6 'Ro-pass1!')
brhash=$(openssl passwd -6 'Br-pass1!')
cat >"$D/etc/vireo/passwd" <<EOT
root:x:0:0:Administrator:/:/bin/sh
ro:x:1001:1001:Read Only:/:/bin/sh
br:x:1002:1002:Datastore Browser:/:/bin/sh
EOT
cat >"$D/etc/vireo/shadow" <<EOT
root::19000:0:99999:7:::
ro:$rohash:19000:0:99999:7:::
br:$brhash:19000:0:99999:7:::
EOT
chmod 600 "$D/etc/vireo/shadow"
cat >"$D/etc/vireo/group" <<EOT
root:x:0:root
EOT
cat >"$D/etc/vireo/authorization.xml" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<authorization version="1">
  <role id="10" name="DatastoreBrowser">
    <privilege>Datastore.Browse</privilege>
  </role>
  <permission entityType="Folder" entity="ha-folder-root" principal="root" group="false" roleId="-1" propagate="true"/>
  <permission entityType="Folder" entity="ha-folder-root" principal="ro" group="false" roleId="-2" propagate="true"/>
  <permission entityType="Folder" entity="ha-folder-root" principal="br" group="false" roleId="10" propagate="true"/>
</authorization>
EOT

harness_start_hostd "$out" -v
pid=$HARNESS_PID
url=https://127.0.0.1:$HARNESS_PORT
q='dcPath=ha-datacenter&dsName=datastore1'

harness_run_pyvmomi "the datastore checks pass" "$D/pyvmomi.out" \
    itest_hostd_datastore.py "$pid" "$D"
grep '^figures:' "$D/pyvmomi.out" >&2 || true

# curl sends "Expect: 100-continue" for bodies over 1 MiB: hostd answers
# 100 only once the request is authorized.
head -c 3000000 /dev/urandom >"$D/c.bin"
code=$(curl -sk -o /dev/null -w '%{http_code}' -u root: -T "$D/c.bin" \
    "$url/folder/c.bin?$q")
harness_expect_eq "curl -T (Expect: 100-continue) is 201" 201 "$code"
harness_expect "the upload is intact" cmp -s "$D/c.bin" "$ds/c.bin"
code=$(curl -sk -o /dev/null -w '%{http_code}' -u root: \
    -H 'Transfer-Encoding: chunked' -T "$D/c.bin" "$url/folder/c2.bin?$q")
harness_expect_eq "curl chunked upload is 201" 201 "$code"
harness_expect "the chunked upload is intact" cmp -s "$D/c.bin" "$ds/c2.bin"
code=$(curl -sk -o "$D/c.range" -w '%{http_code}' -u root: -r 1000-1999 \
    "$url/folder/c.bin?$q")
harness_expect_eq "curl -r is 206" 206 "$code"
harness_expect "the range is the right bytes" sh -c \
    "dd if='$D/c.bin' bs=1000 skip=1 count=1 2>/dev/null | cmp -s - '$D/c.range'"

# Refused uploads: nothing written, and hostd goes on serving.
code=$(curl -sk -o /dev/null -w '%{http_code}' -u br:Br-pass1! \
    -T "$D/c.bin" "$url/folder/ro.bin?$q")
harness_expect_eq "a Datastore.Browse-only curl -T is 403" 403 "$code"
harness_expect "the refused upload wrote nothing" test ! -e "$ds/ro.bin"
code=$(curl -sk -o /dev/null -w '%{http_code}' -T "$D/c.bin" \
    "$url/folder/anon.bin?$q")
harness_expect_eq "anonymous curl -T is 401" 401 "$code"
harness_expect "the anonymous upload wrote nothing" test ! -e "$ds/anon.bin"

# Paths exactly as sent (curl would normalise them otherwise).
for p in '/folder/../../etc/passwd' '/folder/%2e%2e/%2e%2e/etc/passwd' \
    '/folder/a%2f..%2f..%2fetc%2fpasswd' '/folder/%2Fetc%2Fpasswd'; do
	code=$(curl -sk --path-as-is -o "$D/t.out" -w '%{http_code}' -u root: \
	    "$url$p?$q")
	case $code in
	400|403|404) harness_log "ok: $p refused ($code)" ;;
	*) harness_fail "$p gave $code" ;;
	esac
	if grep -q 'root:' "$D/t.out"; then
		harness_fail "$p leaked /etc/passwd"
	fi
done

# The same over the Unix socket (local clients).
code=$(curl -s --unix-socket "$D/run/vireo/hostd.sock" -o "$D/u.out" \
    -w '%{http_code}' -u root: "http://localhost/folder/c.bin?$q")
harness_expect_eq "GET over the Unix socket" 200 "$code"
harness_expect "the Unix socket download is intact" cmp -s "$D/c.bin" \
    "$D/u.out"

harness_expect "hostd is still running" harness_alive "$pid"
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
# After the stop the log is complete (hostd buffers it for up to 100 ms).
if grep -q 'vmware_soap_session=' "$out" || grep -q 'Ro-pass1!\|Br-pass1!' "$out"; then
	harness_fail "hostd logged a cookie or a password"
fi
harness_log "ok: no cookie or password in the log"
