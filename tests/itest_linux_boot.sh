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
# ELF entry); with VIREO_TEST_BZIMAGE=1 the bzImage is booted too (opt-in:
# under PVM's emulated kernel mode its LZ4 decompressor alone takes over a
# minute; the vmlinux boots reach the ACPI lines in about 15 s).  On a PVM
# host the kernel cannot get far past early boot; the test only needs the
# early lines, then stops vmx.  Each vmlinux boot is bounded to 2 minutes
# (VIREO_BOOT_TIMEOUT seconds), the bzImage one to VIREO_BZIMAGE_TIMEOUT
# (300).
#
# Exit 77 (skip): no /dev/kvm, vmx not built, or the kernel package cannot
# be fetched.  A failed run keeps its .vmx, serial.log and vmx output (the
# harness says where).

set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TOP_SRCDIR/tests/harness.sh"

MEMSIZE=256
CMDLINE="console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr panic=-1"
CMDLINE="$CMDLINE vireo.test=linux-boot"
RSDP_LINE="ACPI: RSDP 0x00000000000E0000"
# The tables acpi_build() writes, as Linux names them when it finds them.
ACPI_TABLES="XSDT FACP DSDT APIC MCFG"
TIMEOUT=${VIREO_BOOT_TIMEOUT:-120}

VMX=$TOP_BUILDDIR/vmx/vmx
CACHE=${VIREO_CACHE:-${HOME:-/root}/.cache/vireo}

[ -c /dev/kvm ] || harness_skip "/dev/kvm is missing"
[ -r /dev/kvm ] && [ -w /dev/kvm ] ||
    harness_skip "/dev/kvm is not accessible"
[ -x "$VMX" ] || harness_skip "vmx is not built ($VMX)"
harness_require_cmd apt-get apt-cache dpkg-deb od timeout

# Fetch and cache the kernel: vmlinuz (bzImage), vmlinux (ELF).
fetch_kernel() {
	mkdir -p "$CACHE"
	if [ ! -s "$CACHE/vmlinuz" ]; then
		# The metapackage depends on linux-image-<abi>-cloud-amd64.
		re='s/^ *|*Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p'
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		    sed -n "$re" | head -n 1)
		[ -n "$pkg" ] || harness_skip "linux-image-cloud-amd64 is" \
		    "not known to apt (run apt-get update)"
		dl=$(mktemp -d "${TMPDIR:-/tmp}/vireo-kernel.XXXXXX")
		if ! (cd "$dl" && apt-get download "$pkg") > "$dl/apt.log" 2>&1
		then
			cat "$dl/apt.log" >&2
			rm -rf "$dl"
			harness_skip "cannot download $pkg (apt-get download)"
		fi
		dpkg-deb -x "$dl"/*.deb "$dl/root"
		set -- "$dl"/root/boot/vmlinuz-*
		[ -f "$1" ] || harness_fail "$pkg has no /boot/vmlinuz-*"
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
		[ "$rc" -eq 77 ] && harness_skip "cannot decompress the kernel"
		[ "$rc" -eq 0 ] || harness_fail "cannot extract vmlinux from" \
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

# 0 once serial log $1 has every early line the checks need.
early_lines() {
	[ -f "$1" ] && grep -q "$RSDP_LINE" "$1" &&
	    grep -q "ACPI: MCFG " "$1" && grep -q "BIOS-e820" "$1" &&
	    grep -q "Command line:" "$1"
}

# Boot $2 (a file in the cache) with vireo.bootProtocol $3 for at most $4
# seconds; $1 names the run.
boot() {
	name=$1
	kernel=$2
	proto=$3
	limit=$4
	dir=$HARNESS_DIR/$name
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
	harness_spawn "$dir/vmx.out" timeout -k 5 "$limit" "$VMX" \
	    -c "$dir/$name.vmx"
	pid=$HARNESS_PID
	# Until every early line is there, vmx ends, or time is up; the
	# kernel cannot go much further here, so then stop it.
	harness_wait_until "the early boot lines of $name" "$pid" \
	    $((limit + 10)) early_lines "$log" || :
	harness_stop "$pid"
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
harness_tmpdir
FAILED=""

boot pvh vmlinux pvh "$TIMEOUT"
boot elf vmlinux elf "$TIMEOUT"
if [ "${VIREO_TEST_BZIMAGE:-0}" = 1 ]; then
	boot bzimage vmlinuz linux "${VIREO_BZIMAGE_TIMEOUT:-300}"
fi

[ -z "$FAILED" ] || harness_fail "early boot lines missing or wrong:$FAILED"
echo "PASS: Linux booted from our loader, command line, e820 and ACPI"
