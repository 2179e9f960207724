#!/bin/sh
# SPDX-License-Identifier: MIT
#
# mkesp.sh - write a FAT EFI system partition image holding Toro's EFI stub.
#
#   scripts/mkesp.sh TORO_EFI OUT_IMG [CMDLINE [INITRD]]
#
# OUT_IMG gets EFI/BOOT/BOOTX64.EFI (UEFI 2.10 §3.5.1.1: the removable-media
# default path for x64) and, when CMDLINE is given (even empty), a `cmdline`
# file in the root that the stub reads when its load options are empty; INITRD
# (a cpio archive) is copied to the root as `initrd`, which the stub loads.
# Made with mkfs.fat and mtools, no loop mounts. Reproducible: a fixed label,
# mkfs.fat --invariant (fixed volume id 1234-ABCD and boot sector), and every
# date from SOURCE_DATE_EPOCH (default 1980-01-01, FAT's first date).
set -eu

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
	echo "usage: $0 TORO_EFI OUT_IMG [CMDLINE [INITRD]]" >&2
	exit 2
fi
efi=$1
out=$2
for tool in mkfs.fat:dosfstools mcopy:mtools mmd:mtools; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		echo "mkesp.sh: ${tool%%:*} not found: install the Debian package '${tool#*:}'" >&2
		exit 1
	fi
done
if [ ! -f "$efi" ]; then
	echo "mkesp.sh: $efi not found" >&2
	exit 1
fi

: "${SOURCE_DATE_EPOCH:=315532800}"	# 1980-01-01, FAT's first date
export SOURCE_DATE_EPOCH
KIB=1024
# Twice the stub, the initrd, and 1 MiB of slack, in whole MiB: FAT12/16 picked by mkfs.fat.
efi_kib=$(( ($(stat -c %s "$efi") + KIB - 1) / KIB ))
initrd_kib=0
if [ $# -eq 4 ]; then
	initrd_kib=$(( ($(stat -c %s "$4") + KIB - 1) / KIB ))
fi
size_kib=$(( ((2 * efi_kib + initrd_kib + KIB) + KIB - 1) / KIB * KIB ))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$efi" "$tmp/BOOTX64.EFI"
touch -d "@$SOURCE_DATE_EPOCH" "$tmp/BOOTX64.EFI"
rm -f "$out.tmp"
mkfs.fat -C -n TOROESP --invariant "$out.tmp" "$size_kib" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$out.tmp" ::/EFI ::/EFI/BOOT
mcopy -m -i "$out.tmp" "$tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
if [ $# -ge 3 ]; then
	printf '%s\n' "$3" >"$tmp/cmdline"
	touch -d "@$SOURCE_DATE_EPOCH" "$tmp/cmdline"
	mcopy -m -i "$out.tmp" "$tmp/cmdline" ::/cmdline
fi
if [ $# -eq 4 ]; then
	cp "$4" "$tmp/initrd"
	touch -d "@$SOURCE_DATE_EPOCH" "$tmp/initrd"
	mcopy -m -i "$out.tmp" "$tmp/initrd" ::/initrd
fi
mv "$out.tmp" "$out"
