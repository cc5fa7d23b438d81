#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test for the disk layer and vmkfstools against independent
# VMDK implementations: images vmkfstools makes must pass `qemu-img check`
# and `qemu-img compare` against their raw source after clone/convert in
# every direction and after extending, and `vmdkinfo` (libvmdk-utils) must
# read them; images qemu-img makes (monolithicSparse and monolithicFlat)
# and fills with qemu-io must read back identically through Vireo.
# Also the command line: exit 2 for usage errors, 1 and one line on stderr
# for a failed operation.
#
# Needs qemu-img and qemu-io (Debian qemu-utils; exit 77, SKIP, without
# them); vmdkinfo (libvmdk-utils) is used when present.
set -eu

: "${TOP_BUILDDIR:=$(pwd)}"
VMKFSTOOLS=$TOP_BUILDDIR/tools/vmkfstools

if ! command -v qemu-img >/dev/null 2>&1 ||
    ! command -v qemu-io >/dev/null 2>&1; then
	echo "SKIP: qemu-img/qemu-io missing (apt-get install qemu-utils)"
	exit 77
fi
if [ ! -x "$VMKFSTOOLS" ]; then
	echo "FAIL: $VMKFSTOOLS is not built"
	exit 99
fi

dir=$(mktemp -d /tmp/itest_vmdk.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

pass() {
	echo "PASS: $*"
}

# qemu-img check must find no errors in a sparse image.
check_clean() {
	if qemu-img check -f vmdk "$1" >check.out 2>&1 &&
	    grep -q "No errors were found" check.out; then
		pass "qemu-img check $1"
	else
		cat check.out
		fail "qemu-img check $1"
	fi
}

# $1 (vmdk) and $2 (raw) hold the same bytes, according to qemu-img.
same() {
	if qemu-img compare -q -f vmdk -F raw "$1" "$2"; then
		pass "qemu-img compare $1 $2"
	else
		fail "qemu-img compare $1 $2"
	fi
}

# vmdkinfo reads the image and sees the expected media size.
libvmdk_reads() {
	if ! command -v vmdkinfo >/dev/null 2>&1; then
		echo "SKIP: vmdkinfo missing (apt-get install libvmdk-utils)"
		return
	fi
	if vmdkinfo "$1" >info.out 2>&1 &&
	    grep -q "Media size:.*($2 bytes)" info.out; then
		pass "vmdkinfo $1"
	else
		cat info.out
		fail "vmdkinfo $1"
	fi
}

# A 40 MiB raw source: random data in places, holes elsewhere, a last
# sector that is not zero.
truncate -s 40M src.raw
dd if=/dev/urandom of=src.raw bs=64k count=5 seek=3 conv=notrunc 2>/dev/null
dd if=/dev/urandom of=src.raw bs=4k count=3 seek=2501 conv=notrunc \
    2>/dev/null
dd if=/dev/urandom of=src.raw bs=512 count=1 seek=81919 conv=notrunc \
    2>/dev/null

# raw -> each VMDK format -> raw.
for fmt in thin zeroedthick eagerzeroedthick; do
	"$VMKFSTOOLS" -i src.raw -d $fmt $fmt.vmdk
	[ $fmt = thin ] && check_clean $fmt.vmdk
	same $fmt.vmdk src.raw
	libvmdk_reads $fmt.vmdk 41943040
	"$VMKFSTOOLS" -i $fmt.vmdk -d raw $fmt.img
	if cmp -s $fmt.img src.raw; then
		pass "round trip through $fmt"
	else
		fail "round trip through $fmt"
	fi
done
# sparse <-> flat directly.
"$VMKFSTOOLS" -i thin.vmdk -d zeroedthick t2f.vmdk
same t2f.vmdk src.raw
"$VMKFSTOOLS" -i zeroedthick.vmdk -d thin f2t.vmdk
check_clean f2t.vmdk
same f2t.vmdk src.raw
# The thin copy stays thin: 7 grains of data, not 640.
if "$VMKFSTOOLS" --info f2t.vmdk | grep -q "^Grains: 7 of 640 allocated"; then
	pass "thin clone allocates only written grains"
else
	"$VMKFSTOOLS" --info f2t.vmdk
	fail "thin clone allocates only written grains"
fi

# Create, then let qemu write into our images and read them back.
"$VMKFSTOOLS" -c 8M -d thin -a ide new.vmdk
"$VMKFSTOOLS" -c 8M -d zeroedthick -a pvscsi newflat.vmdk
check_clean new.vmdk
grep -q 'ddb.adapterType = "pvscsi"' newflat.vmdk ||
    fail "adapter type recorded"
for f in new.vmdk newflat.vmdk; do
	qemu-io -f vmdk -c 'write -P 0xab 1M 192k' -c 'write -P 0x5c 8380416 4k' \
	    "$f" >/dev/null
	"$VMKFSTOOLS" -i "$f" -d raw "$f.img"
	qemu-img convert -f vmdk -O raw "$f" "$f.ref"
	if cmp -s "$f.img" "$f.ref"; then
		pass "qemu's writes into our $f"
	else
		fail "qemu's writes into our $f"
	fi
done

# Images made by qemu-img, filled by qemu-io, read by Vireo.
for sub in monolithicSparse monolithicFlat; do
	qemu-img create -q -f vmdk -o subformat=$sub q-$sub.vmdk 32M
	qemu-io -f vmdk -c 'write -P 0x11 0 4k' -c 'write -P 0x22 1000k 200k' \
	    -c 'write -P 0x33 33550336 4096' q-$sub.vmdk >/dev/null
	qemu-img convert -f vmdk -O raw q-$sub.vmdk q-$sub.ref
	"$VMKFSTOOLS" -i q-$sub.vmdk -d raw q-$sub.out.raw
	if cmp -s q-$sub.out.raw q-$sub.ref; then
		pass "Vireo reads qemu's $sub"
	else
		fail "Vireo reads qemu's $sub"
	fi
	"$VMKFSTOOLS" --info q-$sub.vmdk >/dev/null ||
	    fail "--info on qemu's $sub"
done
# A qemu image converted from our raw source, both ways.
qemu-img convert -f raw -O vmdk src.raw q-src.vmdk
"$VMKFSTOOLS" -i q-src.vmdk out.raw
cmp -s out.raw src.raw && pass "qemu-img convert then Vireo" ||
    fail "qemu-img convert then Vireo"

# Extend, then check again (in place and with the grain directory moved).
cp src.raw big.raw
"$VMKFSTOOLS" -X 100M thin.vmdk
check_clean thin.vmdk
"$VMKFSTOOLS" -X 3G thin.vmdk
check_clean thin.vmdk
truncate -s 3G big.raw
same thin.vmdk big.raw
libvmdk_reads thin.vmdk 3221225472
qemu-io -f vmdk -c 'write -P 0x77 2G 128k' thin.vmdk >/dev/null
check_clean thin.vmdk
"$VMKFSTOOLS" -X 64M zeroedthick.vmdk
truncate -s 64M src.raw
same zeroedthick.vmdk src.raw
libvmdk_reads zeroedthick.vmdk 67108864
"$VMKFSTOOLS" -X 64M src.raw
[ "$(stat -c %s src.raw)" = 67108864 ] || fail "extend raw"

# The command line.
status=0
"$VMKFSTOOLS" -c 10Q x.vmdk 2>err.out || status=$?
[ $status = 1 ] && [ "$(wc -l <err.out)" = 1 ] && pass "bad size: exit 1" ||
    fail "bad size: exit $status"
status=0
"$VMKFSTOOLS" -c 1M -d weird x.vmdk 2>/dev/null || status=$?
[ $status = 2 ] && pass "bad -d: exit 2" || fail "bad -d: exit $status"
status=0
"$VMKFSTOOLS" 2>/dev/null || status=$?
[ $status = 2 ] && pass "no command: exit 2" || fail "no command: $status"
status=0
"$VMKFSTOOLS" -c 1M -d thin new.vmdk 2>err.out || status=$?
[ $status = 1 ] && grep -q "File exists" err.out &&
    pass "create over an existing file refused" ||
    fail "create over an existing file: exit $status"
status=0
"$VMKFSTOOLS" -X 1M thin.vmdk 2>err.out || status=$?
[ $status = 1 ] && pass "shrink refused" || fail "shrink: exit $status"
status=0
"$VMKFSTOOLS" -i nonexistent.vmdk y.vmdk 2>err.out || status=$?
[ $status = 1 ] && [ ! -e y.vmdk ] && pass "clone of a missing file" ||
    fail "clone of a missing file: exit $status"
"$VMKFSTOOLS" -h | grep -q usage || fail "-h"

echo "failures: $failures"
[ $failures = 0 ]
