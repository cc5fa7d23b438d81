#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostd's HTTP layer as a client sees it: a fresh root gets its files,
# the version document and the WSDL over HTTPS and over the Unix socket,
# the welcome page, 404, 405, the plain HTTP port's redirect, chunked SOAP
# posts, an oversized body refused with 413 while hostd keeps serving, an
# idle keep-alive connection still usable after 12 s, TLS 1.1 refused, the
# certificate's names, the connection cap, -n, a second instance refused,
# a restart keeping the key, and a clean SIGTERM.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_cmd curl openssl python3
harness_tmpdir
hostd=$(harness_bin hostd/hostd)
D=$HARNESS_DIR
out=$D/hostd.out

# Python for the checks curl cannot make (well-formed XML, one kept
# connection); /usr/bin first, where Debian's packages are.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

start_hostd() {
	harness_spawn "$out" "$hostd" -d --root "$D" -p 0 -P 0 "$@"
	pid=$HARNESS_PID
	harness_wait_file "$D/run/vireo/hostd.port" "$pid" 30 ||
	    harness_fail "hostd did not write run/vireo/hostd.port"
	port=$(cat "$D/run/vireo/hostd.port")
	harness_log "hostd pid $pid, https port $port"
}

# status URL [curl options]: print the HTTP status of a request.
status() {
	_s_url=$1
	shift
	curl -sk -o "$D/body" -D "$D/headers" -w '%{http_code}' "$@" "$_s_url"
}

wellformed() {
	$py -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
	    "$1"
}

# --- -n on an empty root: the embedded defaults, nothing written -----------
"$hostd" -n --root "$D" >"$D/n.out" 2>&1 ||
    harness_fail "-n failed on an empty root: $(cat "$D/n.out")"
harness_expect_grep "-n says the configuration is OK" "configuration OK" \
    "$D/n.out"
harness_expect "-n writes nothing" test ! -e "$D/etc/vireo/hostd.conf"

# --- first start -------------------------------------------------------------
start_hostd
sock=$D/run/vireo/hostd.sock
for f in etc/vireo/hostd.conf etc/vireo/passwd etc/vireo/group \
    etc/vireo/ssl/rui.crt var/lib/vireo/inventory.xml; do
	harness_expect_eq "$f is 644" 644 "$(stat -c %a "$D/$f")"
done
harness_expect_eq "shadow is 600" 600 "$(stat -c %a "$D/etc/vireo/shadow")"
harness_expect_eq "rui.key is 600" 600 \
    "$(stat -c %a "$D/etc/vireo/ssl/rui.key")"
harness_expect_eq "the socket is 600" 600 "$(stat -c %a "$sock")"
harness_expect "var/log/vireo exists" test -d "$D/var/log/vireo"
harness_expect "the datastore exists" test -d "$D/var/lib/vireo/datastore1"
harness_expect_grep "root has an empty password" "root::" \
    "$D/etc/vireo/shadow"
harness_expect_grep "root is in localadmin" "localadmin:" \
    "$D/etc/vireo/group"
harness_expect_grep "the configuration has the defaults" 'https.port = "443"' \
    "$D/etc/vireo/hostd.conf"
wellformed "$D/var/lib/vireo/inventory.xml" ||
    harness_fail "inventory.xml is not well-formed"

# --- static documents over both listeners ------------------------------------
for via in tls unix; do
	if [ $via = tls ]; then
		base=https://127.0.0.1:$port
		set --
	else
		base=http://localhost
		set -- --unix-socket "$sock"
	fi
	harness_expect_eq "$via: versions document" 200 \
	    "$(status "$base/sdk/vimServiceVersions.xml" "$@")"
	wellformed "$D/body" ||
	    harness_fail "$via: the versions document is not well-formed"
	harness_expect_grep "$via: it lists urn:vim25" \
	    "<name>urn:vim25</name>" "$D/body"
	harness_expect_grep "$via: it lists 6.7.1" \
	    "<version>6.7.1</version>" "$D/body"
	harness_expect_grep "$via: as XML" "Content-Type: text/xml" \
	    "$D/headers"
	harness_expect_eq "$via: WSDL" 200 \
	    "$(status "$base/sdk/vimService.wsdl" "$@")"
	wellformed "$D/body" || harness_fail "$via: the WSDL is not well-formed"
	harness_expect_grep "$via: the WSDL imports urn:vim25" \
	    'namespace="urn:vim25"' "$D/body"
	harness_expect_eq "$via: welcome page" 200 "$(status "$base/" "$@")"
	harness_expect_grep "$via: welcome page says Vireo" "Vireo" "$D/body"
	harness_expect_eq "$via: unknown path" 404 \
	    "$(status "$base/nothing/here" "$@")"
	harness_expect_eq "$via: GET /sdk" 405 "$(status "$base/sdk" "$@")"
	harness_expect_grep "$via: 405 says what is allowed" "Allow: POST" \
	    "$D/headers"
	# govmomi's framing: chunked, no Content-Length.
	for path in /sdk /sdk/ /sdk/vimService; do
		code=$(status "$base$path" "$@" -H "Transfer-Encoding: chunked" \
		    -H 'Content-Type: text/xml; charset="utf-8"' \
		    -H "SOAPAction: urn:vim25/7.0" \
		    -H "Cookie: vmware_soap_session=SECRETCOOKIE" \
		    --data-binary '<?xml version="1.0"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent></Body></Envelope>')
		case $code in
		200|500) harness_log "ok: $via: chunked POST $path: $code" ;;
		*) harness_fail "$via: chunked POST $path: status $code" ;;
		esac
		harness_expect_grep "$via: POST $path answers SOAP" \
		    "Envelope" "$D/body"
		harness_expect_grep "$via: POST $path as XML" \
		    "Content-Type: text/xml; charset=utf-8" "$D/headers"
	done
	# Garbage gets an answer too (a SOAP fault), not a crash.
	code=$(status "$base/sdk" "$@" --data-binary '<<<not xml')
	case $code in
	200|500) harness_log "ok: $via: garbage POST: $code" ;;
	*) harness_fail "$via: garbage POST: status $code" ;;
	esac
done

harness_expect_grep "one log line per request" \
    "GET /sdk/vimServiceVersions.xml 200" "$out"
harness_expect_grep "Unix socket peers are logged with their pid" \
    "unix pid" "$out"

# --- plain HTTP port: welcome page, everything else to HTTPS ----------------
hport=$(sed -n 's/.*listening on port \([0-9]*\) (http).*/\1/p' "$out" |
    tail -n 1)
[ -n "$hport" ] || harness_fail "no plain HTTP port in the log"
harness_expect_eq "http: welcome page" 200 "$(status "http://127.0.0.1:$hport/")"
harness_expect_eq "http: redirect" 301 \
    "$(status "http://127.0.0.1:$hport/sdk/vimServiceVersions.xml?x=1")"
harness_expect_grep "http: to the HTTPS port" \
    "Location: https://127.0.0.1:$port/sdk/vimServiceVersions.xml?x=1" \
    "$D/headers"

# --- limits ------------------------------------------------------------------
head -c 17000000 /dev/zero >"$D/big"
harness_expect_eq "an oversized body is refused" 413 \
    "$(status "https://127.0.0.1:$port/sdk" --data-binary @"$D/big")"
harness_expect_eq "an oversized chunked body is refused" 413 \
    "$(status "https://127.0.0.1:$port/sdk" -H "Transfer-Encoding: chunked" \
    --data-binary @"$D/big")"
rm -f "$D/big"
harness_expect_eq "hostd still serves after them" 200 \
    "$(status "https://127.0.0.1:$port/sdk/vimServiceVersions.xml")"

# pyVmomi keeps pooled connections for 900 s and fails if the server
# closed one (vi-api.md rule 8): a connection idle for 12 s must still
# carry the next request, on the same socket.
$py - "$port" <<'EOF' || harness_fail "an idle keep-alive connection was closed"
import http.client, ssl, sys, time
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]),
    context=ssl._create_unverified_context(), timeout=30)
c.request("GET", "/sdk/vimServiceVersions.xml")
r = c.getresponse(); r.read()
assert r.status == 200, r.status
before = c.sock.getsockname()
time.sleep(12)
c.request("GET", "/sdk/vimServiceVersions.xml")
r = c.getresponse(); r.read()
assert r.status == 200, r.status
assert c.sock.getsockname() == before, "reconnected"
EOF
harness_log "ok: an idle TLS connection is usable after 12 s"

# --- TLS ---------------------------------------------------------------------
if openssl s_client -connect "127.0.0.1:$port" -tls1_1 \
    -cipher "DEFAULT:@SECLEVEL=0" </dev/null >"$D/tls11" 2>&1; then
	harness_fail "a TLS 1.1 handshake succeeded"
fi
harness_expect_grep "TLS 1.1 is refused by hostd" "alert protocol version" \
    "$D/tls11"
openssl s_client -connect "127.0.0.1:$port" -tls1_2 </dev/null \
    >"$D/tls12" 2>&1 || harness_fail "TLS 1.2 failed: $(cat "$D/tls12")"
openssl s_client -connect "127.0.0.1:$port" -tls1_3 </dev/null \
    >"$D/tls13" 2>&1 || harness_fail "TLS 1.3 failed: $(cat "$D/tls13")"
harness_log "ok: TLS 1.2 and 1.3 are accepted"
openssl x509 -in "$D/etc/vireo/ssl/rui.crt" -noout -ext subjectAltName \
    >"$D/san"
name=$(uname -n)
case $name in
*[!A-Za-z0-9._-]*|'') name=localhost ;;
esac
harness_expect_grep "the certificate names this host" "DNS:$name" "$D/san"
harness_expect_grep "the certificate names 127.0.0.1" "IP Address:127.0.0.1" \
    "$D/san"
openssl s_client -connect "127.0.0.1:$port" </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha1 >"$D/served"
openssl x509 -in "$D/etc/vireo/ssl/rui.crt" -noout -fingerprint -sha1 \
    >"$D/ondisk"
harness_expect_eq "hostd serves rui.crt" "$(cat "$D/ondisk")" \
    "$(cat "$D/served")"

# --- one instance per root ---------------------------------------------------
if "$hostd" -d --root "$D" -p 0 -P 0 >"$D/second.out" 2>&1; then
	harness_fail "a second instance started"
fi
harness_expect_grep "a second instance says why" "already running" \
    "$D/second.out"

# --- SIGTERM -----------------------------------------------------------------
harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
# The whole log is written by now (hostd buffers it for up to 100 ms).
if grep -q SECRETCOOKIE "$out"; then
	harness_fail "a cookie reached the log"
fi
harness_expect "the socket is gone" test ! -e "$sock"
harness_expect "the pid file is gone" test ! -e "$D/run/vireo/hostd.pid"
harness_expect "the port file is gone" test ! -e "$D/run/vireo/hostd.port"

# --- a second start keeps the host's files -----------------------------------
sum_before=$(cat "$D/etc/vireo/ssl/rui.key" "$D/etc/vireo/ssl/rui.crt" \
    "$D/etc/vireo/shadow" | cksum)
"$hostd" -n --root "$D" >"$D/n2.out" 2>&1 ||
    harness_fail "-n failed: $(cat "$D/n2.out")"
harness_expect_grep "-n checks the TLS identity" "thumbprint" "$D/n2.out"
start_hostd
harness_expect_eq "a restart keeps the key, certificate and passwords" \
    "$sum_before" "$(cat "$D/etc/vireo/ssl/rui.key" \
    "$D/etc/vireo/ssl/rui.crt" "$D/etc/vireo/shadow" | cksum)"
harness_expect_eq "and serves again" 200 \
    "$(status "https://127.0.0.1:$port/sdk/vimServiceVersions.xml")"
harness_stop "$pid"
harness_expect_eq "SIGTERM again" 0 "$HARNESS_STATUS"

# --- the connection cap --------------------------------------------------------
cat >"$D/cap.conf" <<'EOF'
http.maxConnections = "2"
http.enabled = "FALSE"
EOF
start_hostd -f "$D/cap.conf"
$py - "$port" <<'EOF' || harness_fail "the connection cap does not hold"
import socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl._create_unverified_context()
def tls(timeout):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return ctx.wrap_socket(s)
a = tls(10)
b = tls(10)
# A third handshake waits in the backlog while two are open.
raw = socket.create_connection(("127.0.0.1", port), timeout=2)
try:
    ctx.wrap_socket(raw)
    sys.exit("a third connection was served beyond the cap")
except (socket.timeout, TimeoutError):
    pass
raw.close()
a.close()
c = tls(10)
c.sendall(b"GET /sdk/vimServiceVersions.xml HTTP/1.1\r\nHost: x\r\n\r\n")
assert c.recv(64).startswith(b"HTTP/1.1 200"), "no answer after one closed"
b.close(); c.close()
EOF
harness_log "ok: the connection cap holds and releases"
harness_stop "$pid"
harness_expect_eq "SIGTERM with the cap" 0 "$HARNESS_STATUS"
