#!/bin/sh
# SPDX-License-Identifier: ISC
#
# cimom end to end with the real client, sblim-wbemcli, over HTTPS with
# -noverify: class operations (ecn, ec, gc), instance operations (ein,
# ei, gi) asserting real values of this host (the processor count, the
# interface names in /sys/class/net, Vireo's version, sensors from a
# fixture hwmon tree and none without hwmon), associations (ai, ain, ri,
# rin, of instances with wbemcli and of classes with curl, cimom's own
# CIM_HostedService and the root/interop profile), method calls (cm: the CMPI self-test provider calls every broker
# function-table entry), authentication, CIM errors, HTTP-level errors
# for malformed, oversize and deep input, chunked responses with
# trailers, the Unix socket, and a provider that crashes: that request
# gets CIM_ERR_FAILED, the next works, cimom stays up.
# SKIP (77) without wbemcli, curl or openssl.

set -eu

. "${TOP_SRCDIR:-.}/tests/harness.sh"

harness_require_cmd wbemcli curl openssl
harness_tmpdir
D=$HARNESS_DIR
B=${TOP_BUILDDIR:-.}
S=${TOP_SRCDIR:-.}
cimom=$(harness_bin cimom/cimom)
provhost=$(harness_bin cimom/cimom-provhost)
harness_bin tests/libvireo_selftest.so >/dev/null
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$B/config.h")

# A root with one local user, the default registrations plus the test
# providers', the test classes, and a sysfs whose hwmon is a fixture.
mkdir -p "$D/etc/vireo/cimom/mof.d" "$D/sys/class/hwmon/hwmon0"
echo 'root:x:0:0:Administrator:/:/bin/sh' >"$D/etc/vireo/passwd"
echo "root:$(openssl passwd -6 'Sec-ret9'):19000:0:99999:7:::" \
    >"$D/etc/vireo/shadow"
chmod 600 "$D/etc/vireo/shadow"
echo 'root:x:0:root' >"$D/etc/vireo/group"
cat "$S/data/providers.reg" "$S/tests/data/cimom-test.reg" \
    >"$D/etc/vireo/cimom/providers.reg"
cp "$S/tests/data/cimom-test.mof" "$D/etc/vireo/cimom/mof.d/"
for d in net block; do
	ln -s "/sys/class/$d" "$D/sys/class/$d"
done
ln -s /sys/block "$D/sys/block"
hw=$D/sys/class/hwmon/hwmon0
echo testchip >"$hw/name"
echo 45000 >"$hw/temp1_input"
echo CPU >"$hw/temp1_label"
echo 80000 >"$hw/temp1_max"
echo 95000 >"$hw/temp1_crit"
echo 99000 >"$hw/temp2_input"
echo 95000 >"$hw/temp2_crit"
echo 1200 >"$hw/in0_input"

harness_expect "cimom --help exits 0" "$cimom" --help
CIMOM_SYSFS_ROOT=$D/sys
export CIMOM_SYSFS_ROOT
harness_spawn "$D/cimom.out" "$cimom" -d --root "$D" -p 0 \
    -s "$S/data/cimom" -L "$B/cimom/providers" -L "$B/tests" \
    --provhost "$provhost"
pid=$HARNESS_PID
harness_wait_file "$D/run/vireo/cimom.port" "$pid" 30 ||
    harness_fail "cimom did not write run/vireo/cimom.port"
port=$(cat "$D/run/vireo/cimom.port")
U="https://root:Sec-ret9@localhost:$port/root/cimv2"
out=$D/out.txt

# w OP ARGS...: run wbemcli, output in $out, status in $st.
w() {
	st=0
	wbemcli -noverify "$@" >"$out" 2>&1 || st=$?
}
count() {
	grep -c "$1" "$out" || :
}

# --- class operations ----------------------------------------------------
w ecn "$U"
harness_expect_eq "ecn succeeds" 0 "$st"
harness_expect_grep "ecn lists CIM_Processor" ":CIM_Processor" "$out"
harness_expect_grep "ecn lists the VM class" ":Vireo_VirtualComputerSystem" \
    "$out"
w ecn "https://root:Sec-ret9@localhost:$port/root/interop"
harness_expect_grep "root/interop has CIM_RegisteredProfile" \
    ":CIM_RegisteredProfile" "$out"
w ec "$U:CIM_StorageExtent"
harness_expect_grep "ec of CIM_StorageExtent has CIM_Memory" \
    ":CIM_Memory " "$out"
harness_expect_grep "ec of CIM_StorageExtent has CIM_LogicalDisk" \
    ":CIM_LogicalDisk " "$out"
w gc "$U:CIM_ComputerSystem"
harness_expect_grep "gc shows an inherited property" "ElementName=" "$out"
harness_expect_grep "gc shows its own array property" "Dedicated=" "$out"
w gcd "$U:CIM_ComputerSystem"
harness_expect_grep "the class has the inherited method" \
    '<METHOD NAME="RequestStateChange" TYPE="uint32"' "$out"

# --- instances of this host ------------------------------------------------
w ein "$U:CIM_Processor"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
harness_expect_eq "one CIM_Processor per CPU in /proc/cpuinfo" "$ncpu" \
    "$(count ':CIM_Processor\.')"
if [ "$ncpu" = "$(nproc)" ]; then
	harness_expect_eq "the processor count equals nproc" "$(nproc)" \
	    "$(count ':CIM_Processor\.')"
fi
cpu=$(head -n 1 "$out" | sed 's|^[^/]*/|/|')
w gi "https://root:Sec-ret9@localhost:$port$cpu"
harness_expect_eq "gi of a processor succeeds" 0 "$st"
harness_expect_grep "gi returns the processor's CPU status" "CPUStatus=1" \
    "$out"
w gp "https://root:Sec-ret9@localhost:$port$cpu" CPUStatus
harness_expect_eq "gp returns the one property" "1" "$(cat "$out")"
printf '%s' '<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="9" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="EnumerateInstances"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_LogicalDevice"/></IPARAMVALUE><IPARAMVALUE NAME="DeepInheritance"><VALUE>FALSE</VALUE></IPARAMVALUE><IPARAMVALUE NAME="IncludeClassOrigin"><VALUE>TRUE</VALUE></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>' \
    >"$D/shallow.xml"
curl -sk -u 'root:Sec-ret9' -H 'CIMOperation: MethodCall' \
    --data-binary "@$D/shallow.xml" "https://localhost:$port/cimom" >"$out" ||
    harness_fail "curl failed"
harness_expect_grep "DeepInheritance=FALSE keeps the class's properties" \
    '<PROPERTY NAME="DeviceID" TYPE="string" CLASSORIGIN="CIM_LogicalDevice">' \
    "$out"
harness_expect "... and drops the subclasses' ones" \
    sh -c "! grep -q CurrentClockSpeed '$out'"
w ei "$U:CIM_EthernetPort"
for n in $(ls /sys/class/net); do
	harness_expect_grep "port $n is listed" "DeviceID=\"$n\"" "$out"
done
w ei "$U:CIM_SoftwareIdentity"
harness_expect_grep "Vireo's version" "VersionString=\"$version\"" "$out"
w ei "$U:CIM_Memory" NumberOfBlocks,BlockSize
kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
harness_expect_grep "memory size from /proc/meminfo" "NumberOfBlocks=$kb" \
    "$out"
harness_expect "a PropertyList limits the properties" \
    sh -c "! grep -q ElementName '$out'"
w ei "$U:CIM_NumericSensor"
harness_expect_eq "three sensors in the fixture" 3 \
    "$(count ':CIM_NumericSensor\.')"
harness_expect_grep "a temperature reading" "CurrentReading=45000" "$out"
harness_expect_grep "in millidegrees" "UnitModifier=-3" "$out"
harness_expect_grep "a sensor over its critical threshold" \
    'CurrentState="Upper Critical"' "$out"
harness_expect_grep "... is in critical health" "HealthState=25" "$out"
rm -rf "$D/sys/class/hwmon"
w ei "$U:CIM_NumericSensor"
harness_expect_eq "no hwmon: no sensors, no error" "0 0" \
    "$st $(count ':CIM_NumericSensor\.')"

# --- associations ----------------------------------------------------------
w ein "$U:CIM_ComputerSystem"
harness_expect_eq "one host computer system" 1 "$(count ':CIM_ComputerSystem\.')"
cs=$(sed 's|^[^/]*/|/|' "$out")
CS="https://root:Sec-ret9@localhost:$port$cs"
w ain "$CS" -ac CIM_SystemDevice -arc CIM_Processor
harness_expect_eq "the host has its processors" "$ncpu" \
    "$(count ':CIM_Processor\.')"
w ai "$CS" -ac CIM_RunningOS
harness_expect_grep "ai finds the running OS" "OSType=36" "$out"
w rin "$CS" -arc CIM_InstalledSoftwareIdentity
harness_expect_grep "rin finds the installed software" \
    "CIM_InstalledSoftwareIdentity.System=" "$out"
w ri "$CS" -arc CIM_RunningOS
harness_expect_grep "ri returns the association instance" "Antecedent=" \
    "$out"

# cimom itself, hosted by the host; the profile the host conforms to, in
# root/interop, reachable from either end.
I="https://root:Sec-ret9@localhost:$port/root/interop"
w ein "$U:CIM_Service"
harness_expect_eq "cimom is the one CIM_Service" 1 \
    "$(count ':Vireo_CIMOMService\..*Name="cimom"')"
w ai "$CS" -ac CIM_HostedService
harness_expect_grep "ai: the host hosts cimom, started" \
    'CreationClassName="Vireo_CIMOMService",Started=TRUE' "$out"
w ei "$I:CIM_RegisteredProfile"
harness_expect_eq "ei CIM_RegisteredProfile in root/interop" "0 1" \
    "$st $(count ':CIM_RegisteredProfile\.')"
harness_expect_grep "the profile is Base Server 1.0.0" \
    'RegisteredName="Base Server",RegisteredVersion="1.0.0"' "$out"
harness_expect_grep "... of the DMTF" 'RegisteredOrganization=2,' "$out"
prof='/root/interop:CIM_RegisteredProfile.InstanceID="vireo:profile:base-server"'
w ain "$CS" -ac CIM_ElementConformsToProfile
harness_expect_grep "ain: the host conforms to the profile" \
    "$prof" "$out"
w ai "https://root:Sec-ret9@localhost:$port$prof" \
    -ac CIM_ElementConformsToProfile
harness_expect_eq "ai from root/interop finds the host in root/cimv2" 1 \
    "$(count '/root/cimv2:CIM_ComputerSystem\..*Caption="Vireo host"')"
w rin "https://root:Sec-ret9@localhost:$port$prof"
harness_expect_grep "rin from the profile names the association" \
    ':CIM_ElementConformsToProfile.ConformantStandard=' "$out"
w ri "$CS" -arc CIM_HostedService -ar Antecedent
harness_expect_eq "ri with Role returns the hosting association" 1 \
    "$(count 'Dependent=.*Vireo_CIMOMService\.Name="cimom"')"
w rin "$CS" -arc CIM_HostedService -ar Dependent
harness_expect_eq "rin with the other Role finds nothing" "0 0" \
    "$st $(count 'CIM_HostedService')"

# Associations of a class are schema answers (DSP0200): CLASSPATH and
# CLASS results.  wbemcli cannot ask them (a URL without keys becomes an
# INSTANCENAME without keys, which names no instance of a keyed class)
# nor parse them, so they travel by curl.
w ain "$U:CIM_ComputerSystem"
harness_expect_eq "wbemcli ain on a class URL: no instance, no error" \
    "0 0" "$st $(wc -c <"$out" | tr -d ' ')"
# creq OP NAMESPACE CLASS [IPARAMVALUES]: a class-level call, reply in $out.
creq() {
	printf '<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="8" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="%s"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="%s"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ObjectName"><CLASSNAME NAME="%s"/></IPARAMVALUE>%s</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>' \
	    "$1" "$2" "$3" "${4:-}" >"$D/class.xml"
	curl -sk -u 'root:Sec-ret9' -H 'CIMOperation: MethodCall' \
	    --data-binary "@$D/class.xml" "https://localhost:$port/cimom" \
	    >"$out" || harness_fail "curl failed"
}
cn() {
	printf '<IPARAMVALUE NAME="%s"><CLASSNAME NAME="%s"/></IPARAMVALUE>' \
	    "$1" "$2"
}
creq AssociatorNames cimv2 CIM_Service "$(cn AssocClass CIM_HostedService)"
harness_expect_eq "ain on CIM_Service via CIM_HostedService: CIM_System" \
    '<OBJECTPATH><CLASSPATH><NAMESPACEPATH><HOST>' \
    "$(grep -o '<OBJECTPATH><CLASSPATH><NAMESPACEPATH><HOST>' "$out")"
harness_expect_eq "... and only CIM_System" 'CIM_System' \
    "$(grep -o 'CLASSNAME NAME="[^"]*"' "$out" | cut -d'"' -f2)"
creq Associators cimv2 CIM_ComputerSystem \
    "$(cn ResultClass CIM_OperatingSystem)"
harness_expect_grep "ai on a class returns the far class" \
    '<CLASS NAME="CIM_OperatingSystem" SUPERCLASS="CIM_EnabledLogicalElement">' \
    "$out"
harness_expect_eq "... once, though two associations reach it" 1 \
    "$(grep -c '<VALUE.OBJECTWITHPATH>' "$out")"
creq ReferenceNames interop CIM_RegisteredProfile
harness_expect_grep "rin on a class lists its association classes" \
    'CLASSNAME NAME="CIM_ElementConformsToProfile"' "$out"
harness_expect_eq "... in root/interop" 1 \
    "$(grep -c '<NAMESPACE NAME="interop"/>.*CIM_ElementConformsToProfile' \
    "$out")"
creq References cimv2 CIM_Service "$(cn ResultClass CIM_HostedService)"
harness_expect_eq "ri on a class with ResultClass: that association" \
    'CIM_HostedService' \
    "$(sed -n 's/.*<CLASS NAME="\([^"]*\)".*/\1/p' "$out")"
creq References cimv2 CIM_Service \
    '<IPARAMVALUE NAME="Role"><VALUE>System</VALUE></IPARAMVALUE>'
harness_expect_eq "ri on a class with a Role a service cannot play" 0 \
    "$(grep -c '<CLASS ' "$out")"
creq AssociatorNames cimv2 No_Such_Class
harness_expect_grep "a class-level call on an unknown class" \
    'CODE="4" DESCRIPTION="class No_Such_Class does not exist"' "$out"

# --- methods ---------------------------------------------------------------
w cm "$U:Vireo_SelfTest" RunSelfTest
harness_expect_grep "every broker function-table entry passes" \
    'RunSelfTest: 0, Checks (uint32): ' "$out"
checks=$(sed -n 's/.*Checks (uint32): \([0-9]*\).*/\1/p' "$out")
harness_expect "the self-test ran at least 100 checks" \
    test "${checks:-0}" -ge 100
w cm "$U:Vireo_SelfTest" 'Echo.Text="hi there",Number=21,Flag=true'
harness_expect_grep "arguments are typed from the class" \
    'Echo: hi there, Twice (uint16): 42' "$out"
w cm "$U:Vireo_SelfTest" 'Echo.Number=70000'
harness_expect_grep "an out-of-range argument is refused" "(4)" "$out"

# --- errors ----------------------------------------------------------------
w ein "https://root:wrong@localhost:$port/root/cimv2:CIM_Processor"
harness_expect_eq "a bad password exits 16" 16 "$st"
harness_expect_grep "... as an invalid password" "Invalid username/password" \
    "$out"
w ein "https://localhost:$port/root/cimv2:CIM_Processor"
harness_expect_grep "no credentials: 401" "Username/password required" \
    "$out"
w ei "$U:CIM_NoSuchClass"
harness_expect_grep "unknown class" "(5) CIM_ERR_INVALID_CLASS" "$out"
w gc "$U:CIM_NoSuchClass"
harness_expect_grep "GetClass of an unknown class" "(6) CIM_ERR_NOT_FOUND" \
    "$out"
w ecn "https://root:Sec-ret9@localhost:$port/root/nowhere"
harness_expect_grep "unknown namespace" "(3) CIM_ERR_INVALID_NAMESPACE" "$out"
w gi "$U:CIM_Processor.SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"x\",CreationClassName=\"CIM_Processor\",DeviceID=\"none\""
harness_expect_grep "unknown instance" "(6) CIM_ERR_NOT_FOUND" "$out"

post() {
	# post BODYFILE [HEADER...]: HTTP status and CIMError in $out.
	_pb=$1
	shift
	curl -sk -o /dev/null -D "$out" -u 'root:Sec-ret9' \
	    -H 'Content-Type: application/xml' "$@" --data-binary "@$_pb" \
	    "https://localhost:$port/cimom" || :
}
printf '<CIM CIMVERSION="2.0"' >"$D/bad.xml"
post "$D/bad.xml" -H 'CIMOperation: MethodCall'
harness_expect_grep "malformed XML: 400" "HTTP/1.1 400" "$out"
harness_expect_grep "... with the CIMError header" \
    "CIMError: request-not-well-formed" "$out"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "<CIM>"; }' >"$D/deep.xml"
post "$D/deep.xml" -H 'CIMOperation: MethodCall'
harness_expect_grep "deep nesting is refused" \
    "CIMError: request-not-well-formed" "$out"
head -c 6000000 /dev/zero | tr '\0' ' ' >"$D/big.xml"
post "$D/big.xml" -H 'CIMOperation: MethodCall'
harness_expect_grep "an oversize body: 413" "HTTP/1.1 413" "$out"
post "$S/tests/fuzz/corpus/cimxml/ecn.xml"
harness_expect_grep "no CIMOperation header" \
    "CIMError: unsupported-operation" "$out"
post "$S/tests/fuzz/corpus/cimxml/multireq.xml" -H 'CIMOperation: MethodCall'
harness_expect_grep "MULTIREQ: 501" "HTTP/1.1 501" "$out"
st=0
curl -sk --raw -u 'root:Sec-ret9' -H 'TE: trailers' \
    -H 'CIMOperation: MethodCall' --data-binary \
    "@$S/tests/fuzz/corpus/cimxml/badns.xml" \
    "https://localhost:$port/cimom" >"$out" || st=$?
harness_expect_grep "a chunked response ends with the status trailer" \
    "CIMStatusCode: 3" "$out"
w -cte ei "$U:CIM_Memory"
harness_expect_eq "wbemcli -cte reads chunked responses" 0 "$st"
st=0
curl -s --unix-socket "$D/run/vireo/cimom.sock" \
    -H 'CIMOperation: MethodCall' --data-binary \
    "@$S/tests/fuzz/corpus/cimxml/ecn.xml" http://localhost/cimom \
    >"$out" || st=$?
harness_expect_grep "the Unix socket trusts its owner" \
    '<CLASSNAME NAME="CIM_ManagedElement"/>' "$out"

# --- WS-Management with wsl (Debian wsl + uuid-runtime), when present ---
if command -v wslenum >/dev/null 2>&1 && command -v uuidgen >/dev/null 2>&1
then
	mkdir -p "$D/wsl"
	ws() {
		st=0
		(cd "$D/wsl" && WSENDPOINT=127.0.0.1:$port WSUSER=root \
		    WSPASS=Sec-ret9 IPINTERACTIVE=0 KEEPHISTORY=0 OUTLEVEL=1 \
		    timeout 60 "$@") >"$out" 2>&1 || st=$?
	}
	ws wslid check
	harness_expect_grep "wsl Identify" \
	    "<wsmid:ProductVendor>Vireo</wsmid:ProductVendor>" "$out"
	ws wslenum CIM_Processor
	harness_expect_eq "wsl Enumerate+Pull ends" 0 "$st"
	harness_expect_eq "... with one item per CPU" "$ncpu" \
	    "$(grep -c '<p:CIM_Processor ' "$out" || :)"
	ws env WSENUMOPTIMIZE=1 WSENUMMAXELEM=100 wslenum CIM_EthernetPort
	harness_expect_grep "an optimized Enumerate carries the items" \
	    "<p:DeviceID>lo</p:DeviceID>" "$out"
	harness_expect_grep "... and ends the sequence" \
	    "<wsman:EndOfSequence/>" "$out"
	ws wslenum CIM_Memory -mode epr
	harness_expect_grep "EPR mode gives selectors" \
	    '<wsman:Selector Name="DeviceID">memory0</wsman:Selector>' "$out"
	ws wslenum CIM_NoSuchClass
	harness_expect_grep "an unknown class is a fault" \
	    "DestinationUnreachable" "$out"
else
	harness_log "wsl or uuidgen missing: WS-Management not checked"
fi

# --- a provider that crashes -----------------------------------------------
w ei "$U:Vireo_Crash"
harness_expect_grep "a crashing provider: CIM_ERR_FAILED" \
    "(1) CIM_ERR_FAILED" "$out"
w ein "$U:Vireo_Crash"
harness_expect_grep "the next request to it works" 'InstanceID="still-alive"' \
    "$out"
w ein "$U:CIM_Memory"
harness_expect_eq "other providers work" 0 "$st"
harness_expect "cimom is still up" harness_alive "$pid"
# (A sanitizer build's handler turns the signal into an exit.)
harness_expect_grep "the crash is logged" "provider host (pid $(
    sed -n 's/.*provider host started (pid \([0-9]*\)).*/\1/p' \
    "$D/cimom.out" | tail -n 2 | head -n 1)) " "$D/cimom.out"
harness_expect "no password in the log" sh -c "! grep -q 'Sec-ret9' '$D/cimom.out'"

harness_stop "$pid"
harness_expect_eq "SIGTERM is a clean exit" 0 "$HARNESS_STATUS"
