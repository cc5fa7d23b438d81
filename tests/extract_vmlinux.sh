#!/bin/sh
# SPDX-License-Identifier: ISC
#
# extract_vmlinux.sh BZIMAGE OUT: write the uncompressed ELF vmlinux that a
# Linux x86 bzImage carries to OUT.  Used by itest_linux_boot.sh so the
# test can boot the same kernel through the ELF/PVH loaders.
#
# The setup header says where the compressed kernel is: it starts
# payload_offset (0x248) bytes into the protected-mode part, which begins
# after (setup_sects + 1) 512-byte sectors, and is payload_length (0x24c)
# bytes long; the build appends the uncompressed size as its last 4 bytes.
# The stream's magic number picks the Debian tool that decompresses it
# (Debian 12 kernels use LZ4; others use gzip, xz or zstd).
#
# Exit status: 0 done, 1 not a bzImage or decompression failed, 2 usage,
# 77 the decompressor for this kernel is not installed.

set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 bzImage out" >&2
	exit 2
fi
in=$1
out=$2

# u8/u32 at a file offset, little-endian as od reads it on x86.
byte() {
	od -An -tu1 -j "$1" -N1 "$in" | tr -d ' '
}
word() {
	od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '
}

if [ "$(od -An -c -j 514 -N4 "$in" | tr -d ' ')" != "HdrS" ]; then
	echo "$in: not a bzImage (no HdrS at 0x202)" >&2
	exit 1
fi
sects=$(byte 497)
[ "$sects" -eq 0 ] && sects=4
poff=$(word 584)
plen=$(word 588)
size=$(wc -c < "$in")
start=$(( (sects + 1) * 512 + poff ))
if [ "$plen" -le 4 ] || [ $((start + plen)) -gt "$size" ]; then
	echo "$in: payload 0x$(printf %x "$start")+$plen lies outside the" \
	    "$size-byte file" >&2
	exit 1
fi

magic=$(od -An -tx1 -j "$start" -N6 "$in" | tr -d ' \n')
case $magic in
1f8b*)		tool="gzip -dc" ;;
fd377a585a00)	tool="xz -dc" ;;
5d0000*)	tool="xz --format=lzma -dc" ;;
28b52ffd*)	tool="zstd -dcq" ;;
02214c18*)	tool="lz4 -dc" ;;
425a68*)	tool="bzip2 -dc" ;;
7f454c46*)	tool="cat" ;;	# CONFIG_KERNEL_UNCOMPRESSED
*)
	echo "$in: unknown compression (payload starts $magic)" >&2
	exit 1
	;;
esac
set -- $tool
if ! command -v "$1" > /dev/null 2>&1; then
	echo "$in: needs $1 to decompress (apt-get install $1)" >&2
	exit 77
fi

# The payload without its 4-byte size trailer, through the decompressor.
tail -c +$((start + 1)) "$in" | head -c $((plen - 4)) | $tool > "$out.tmp"
if [ "$(od -An -c -N4 "$out.tmp" | tr -d ' ')" != "177ELF" ]; then
	echo "$in: decompressed payload is not an ELF file" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
