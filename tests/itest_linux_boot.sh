#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Boots Debian's stock cloud kernel with vmx and checks, on its serial
# console, that Linux took what the loader gave it: its version banner,
# exactly our command line, our e820 map (each BIOS-e820 line equal to
# what vmm/e820.c builds for memsize) and our ACPI tables, starting with
# the RSDP at 0xE0000 and the XSDT, FADT, DSDT, MADT and MCFG it leads to.
#
# The kernel comes from linux-image-cloud-amd64, fetched with
# apt-get download (the metapackage's linux-image-*-cloud-amd64) and cached
# in ${VIREO_CACHE:-~/.cache/vireo}: vmlinuz, and vmlinux extracted from it
# by extract_vmlinux.sh.  The vmlinux is booted (PVH entry, then the 64-bit
# ELF entry); with VIREO_TEST_BZIMAGE=1 the bzImage is booted too (for
# VT-x hosts: under PVM's emulated kernel mode its decompressor takes
# minutes).  On a PVM host the kernel dies after early boot; the test only
# needs the early lines, then stops vmx.  Each boot is bounded to 2 minutes
# (VIREO_BOOT_TIMEOUT seconds).
#
# Exit 77 (skip): no /dev/kvm, vmx not built, or the kernel package cannot
# be fetched.

set -eu

MEMSIZE=256
CMDLINE="console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr panic=-1"
CMDLINE="$CMDLINE vireo.test=linux-boot"
RSDP_LINE="ACPI: RSDP 0x00000000000E0000"
# The tables acpi_build() writes, as Linux names them when it finds them.
ACPI_TABLES="XSDT FACP DSDT APIC MCFG"
TIMEOUT=${VIREO_BOOT_TIMEOUT:-120}

TOP_BUILDDIR=${TOP_BUILDDIR:-$(pwd)}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
VMX=$TOP_BUILDDIR/vmx/vmx
CACHE=${VIREO_CACHE:-${HOME:-/root}/.cache/vireo}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ -c /dev/kvm ] || skip "/dev/kvm is missing"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm is not accessible"
[ -x "$VMX" ] || skip "vmx is not built ($VMX)"
for tool in apt-get apt-cache dpkg-deb od timeout; do
	command -v "$tool" > /dev/null 2>&1 ||
	    skip "$tool is not installed"
done

# Fetch and cache the kernel: vmlinuz (bzImage), vmlinux (ELF).
fetch_kernel() {
	mkdir -p "$CACHE"
	if [ ! -s "$CACHE/vmlinuz" ]; then
		# The metapackage depends on linux-image-<abi>-cloud-amd64.
		re='s/^ *|*Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p'
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		    sed -n "$re" | head -n 1)
		[ -n "$pkg" ] || skip "linux-image-cloud-amd64 is not known" \
		    "to apt (run apt-get update)"
		dl=$(mktemp -d "${TMPDIR:-/tmp}/vireo-kernel.XXXXXX")
		if ! (cd "$dl" && apt-get download "$pkg") > "$dl/apt.log" 2>&1
		then
			cat "$dl/apt.log" >&2
			rm -rf "$dl"
			skip "cannot download $pkg with apt-get download"
		fi
		dpkg-deb -x "$dl"/*.deb "$dl/root"
		set -- "$dl"/root/boot/vmlinuz-*
		[ -f "$1" ] || fail "$pkg has no /boot/vmlinuz-*"
		cp "$1" "$CACHE/vmlinuz.tmp"
		mv "$CACHE/vmlinuz.tmp" "$CACHE/vmlinuz"
		echo "$pkg $(basename "$1")" > "$CACHE/vmlinuz.source"
		rm -rf "$dl"
		rm -f "$CACHE/vmlinux"
	fi
	if [ ! -s "$CACHE/vmlinux" ]; then
		rc=0
		sh "$TOP_SRCDIR/tests/extract_vmlinux.sh" "$CACHE/vmlinuz" \
		    "$CACHE/vmlinux" || rc=$?
		[ "$rc" -eq 77 ] && skip "cannot decompress the kernel"
		[ "$rc" -eq 0 ] || fail "cannot extract vmlinux from" \
		    "$CACHE/vmlinuz"
	fi
	src=$CACHE/vmlinuz
	[ -f "$CACHE/vmlinuz.source" ] && src=$(cat "$CACHE/vmlinuz.source")
	echo "kernel: $src"
}

# The BIOS-e820 lines Linux prints for vmm/e820.c's map of $1 MiB.
expected_e820() {
	mem=$(($1 * 1024 * 1024))
	low=$mem
	[ "$low" -gt $((0xc0000000)) ] && low=$((0xc0000000))
	high=$((mem - low))
	e820_line 0 $((0x9fc00)) usable
	e820_line $((0x9fc00)) $((0x100000)) reserved
	[ "$low" -gt $((0x100000)) ] && e820_line $((0x100000)) "$low" usable
	e820_line $((0xe0000000)) $((0xe0100000)) reserved
	[ "$high" -gt 0 ] &&
	    e820_line $((0x100000000)) $((0x100000000 + high)) usable
	return 0
}

e820_line() {
	printf 'BIOS-e820: [mem 0x%016x-0x%016x] %s\n' "$1" $(($2 - 1)) "$3"
}

# Boot $2 (a file in the cache) with protocol $3; $1 names the run.
boot() {
	name=$1
	kernel=$2
	proto=$3
	limit=$4
	dir=$WORK/$name
	mkdir -p "$dir"
	ln -s "$CACHE/$kernel" "$dir/$kernel"
	cat > "$dir/$name.vmx" <<EOF
.encoding = "UTF-8"
config.version = "8"
displayName = "linux-boot-$name"
memsize = "$MEMSIZE"
numvcpus = "1"
vireo.kernel = "$kernel"
vireo.bootProtocol = "$proto"
vireo.cmdline = "$CMDLINE"
serial0.present = "TRUE"
serial0.fileType = "file"
serial0.fileName = "serial.log"
EOF
	log=$dir/serial.log
	echo "booting $kernel ($proto), at most $limit s"
	start=$(date +%s)
	(cd "$dir" && exec timeout -k 5 "$limit" "$VMX" -c "$name.vmx") \
	    > "$dir/vmx.out" 2>&1 &
	pid=$!
	# Poll until every early line is there, vmx ends, or time is up.
	while kill -0 "$pid" 2> /dev/null; do
		if [ -f "$log" ] && grep -q "$RSDP_LINE" "$log" &&
		    grep -q "ACPI: MCFG " "$log" &&
		    grep -q "BIOS-e820" "$log" &&
		    grep -q "Command line:" "$log"; then
			kill "$pid" 2> /dev/null || true
			break
		fi
		sleep 1
	done
	wait "$pid" 2> /dev/null || true
	echo "$name: $(($(date +%s) - start)) s," \
	    "$(wc -l < "$log" 2>/dev/null || echo 0) serial lines"
	check "$name" "$log" "$dir/vmx.out"
}

# Assert the early boot lines in serial log $2.
check() {
	name=$1
	log=$2
	out=$3
	ok=1
	tr -d '\r' < "$log" > "$log.txt" 2>/dev/null || : > "$log.txt"
	if ! grep -q "Linux version " "$log.txt"; then
		echo "$name: no \"Linux version\" banner" >&2
		ok=0
	else
		grep -m 1 "Linux version " "$log.txt"
	fi
	got=$(sed -n 's/^.*Command line: //p' "$log.txt" | head -n 1)
	if [ "$got" != "$CMDLINE" ]; then
		echo "$name: command line is \"$got\", want \"$CMDLINE\"" >&2
		ok=0
	fi
	expected_e820 "$MEMSIZE" > "$log.e820.want"
	sed -n 's/^.*\(BIOS-e820: .*\)$/\1/p' "$log.txt" > "$log.e820.got"
	if ! cmp -s "$log.e820.want" "$log.e820.got"; then
		echo "$name: e820 map differs (want, then got):" >&2
		cat "$log.e820.want" "$log.e820.got" >&2
		ok=0
	fi
	if ! grep -q "$RSDP_LINE" "$log.txt"; then
		echo "$name: no \"$RSDP_LINE\"" >&2
		ok=0
	fi
	for table in $ACPI_TABLES; do
		if ! grep -q "ACPI: $table 0x" "$log.txt"; then
			echo "$name: Linux did not find our $table table" >&2
			ok=0
		fi
	done
	grep "ACPI: [A-Z0-9]\{4\} 0x" "$log.txt" | sed 's/^/  /' || true
	if [ "$ok" -ne 1 ]; then
		echo "--- $name: vmx output" >&2
		tail -n 20 "$out" >&2
		echo "--- $name: last serial lines" >&2
		tail -n 30 "$log.txt" >&2
		FAILED="$FAILED $name"
	fi
}

fetch_kernel
WORK=$(mktemp -d "${TMPDIR:-/tmp}/itest_linux_boot.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=""

boot pvh vmlinux pvh "$TIMEOUT"
boot elf vmlinux elf "$TIMEOUT"
if [ "${VIREO_TEST_BZIMAGE:-0}" = 1 ]; then
	boot bzimage vmlinuz linux "${VIREO_BZIMAGE_TIMEOUT:-900}"
fi

[ -z "$FAILED" ] || fail "early boot lines missing or wrong:$FAILED"
echo "PASS: Linux booted from our loader, command line, e820 and ACPI"
