#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mkbiosimg - lay out Toro's BIOS disk image: MBR | stage 2 | kernel [| initrd].

  scripts/mkbiosimg.py MBR STAGE2 KERNEL_BIN KERNEL_ELF OUT [INITRD]

MBR and STAGE2 are the nasm outputs of arch/x86_64/boot/bios/; KERNEL_BIN is
`objcopy -O binary` of KERNEL_ELF. The MBR sits in sector 0, stage 2 from
sector 1, the kernel right after it. The parameter blocks the loader reads
are found by their magic words and filled in here:

  MBR ("TBM1"):    the INT 13h packet that reads stage 2 (sector count, LBA);
  stage 2 ("TBS2"): kernel LBA and sector count, load address, image end,
                   bss end, page-table space and entry, from the ELF's
                   symbol table (nm): __image_start, __kernel_end,
                   early_pml4 .. early_pgtable_end, start64; and the
                   initrd's LBA, sectors, size and load address (the page
                   after __kernel_end), all 0 without one.

INITRD (a cpio archive, Documentation/initrd.md) follows the kernel on disk,
from a sector boundary; stage 2 loads it and tells the kernel where.

The image is padded to a whole MiB (SeaBIOS on q35 does not boot a disk
smaller than one cylinder, 16 heads x 63 sectors) and depends only on its
inputs, so it is byte-reproducible. Anything that
does not fit stops with a message saying what and by how much.
"""

import os
import struct
import subprocess
import sys

SECTOR = 512
MIB = 1 << 20
MBR_MAGIC = b"TBM1"
STAGE2_MAGIC = b"TBS2"
BOOT_SIGNATURE = b"\x55\xaa"
DAP_SIZE = 16
PAGE_SIZE = 4096
FOUR_GIB = 1 << 32

# magic, max sectors, then the INT 13h AH=42h packet: size, reserved, count,
# buffer offset, buffer segment, LBA (Ralf Brown's interrupt list).
MBR_PARAMS = struct.Struct("<4sH BBHHHQ")
# magic, kernel LBA, kernel sectors, load addr, image end, bss end,
# page tables, entry, page-table bytes needed, initrd LBA, sectors, load addr,
# bytes (stage2.asm `params`).
STAGE2_PARAMS = struct.Struct("<4sQIIIIIQIQIII")

SYMBOLS = ("__image_start", "__image_end", "__kernel_end", "start64", "early_pml4",
           "early_pgtable_end")


def die(msg):
    sys.exit(f"mkbiosimg: {msg}")


def sectors(n):
    return (n + SECTOR - 1) // SECTOR


def find_block(data, magic, what):
    at = data.find(magic)
    if at < 0:
        die(f"{what}: no parameter block (magic {magic.decode()}): not a Toro loader?")
    if data.find(magic, at + 1) >= 0:
        die(f"{what}: magic {magic.decode()} appears twice; cannot tell which block to patch")
    return at


def elf_symbols(elf):
    nm = os.environ.get("NM", "nm")
    try:
        out = subprocess.run([nm, "-P", elf], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        die(f"{nm} not found: install the Debian package 'binutils'")
    except subprocess.CalledProcessError as e:
        die(f"{nm} {elf} failed: {e.stderr.strip()}")
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in SYMBOLS:
            syms[f[0]] = int(f[2], 16)
    missing = [s for s in SYMBOLS if s not in syms]
    if missing:
        die(f"{elf} lacks {', '.join(missing)}: is it built with CONFIG_BOOT_BIOS?")
    return syms


def patch_mbr(mbr, stage2_lba, stage2_sectors):
    if len(mbr) != SECTOR or mbr[-2:] != BOOT_SIGNATURE:
        die(f"MBR must be {SECTOR} bytes ending in 55 aa (got {len(mbr)} bytes)")
    at = find_block(mbr, MBR_MAGIC, "MBR")
    magic, max_sectors, size, _, _, off, seg, _ = MBR_PARAMS.unpack_from(mbr, at)
    if size != DAP_SIZE:
        die(f"MBR: disk address packet size {size}, expected {DAP_SIZE}")
    if stage2_sectors > max_sectors:
        die(f"stage 2 is {stage2_sectors} sectors, {stage2_sectors - max_sectors} more than "
            f"the {max_sectors} the MBR may load (STAGE2_MAX_SECTORS in bios/layout.inc)")
    MBR_PARAMS.pack_into(mbr, at, magic, max_sectors, size, 0, stage2_sectors, off, seg,
                         stage2_lba)


def kernel_params(syms, kernel_len, pt_bytes):
    load = syms["__image_start"]
    image_end = load + kernel_len
    bss_end = syms["__kernel_end"]
    pt, pt_end = syms["early_pml4"], syms["early_pgtable_end"]
    entry = syms["start64"]
    if load < MIB:
        die(f"kernel linked at {load:#x}: below 1 MiB, where the loader lives")
    if image_end > syms["__image_end"]:
        die(f"kernel binary is {kernel_len} bytes, more than __image_end - __image_start "
            f"({syms['__image_end'] - load}): objcopy took a section outside the image")
    if not load <= entry < image_end:
        die(f"start64 {entry:#x} outside the loaded image [{load:#x}, {image_end:#x})")
    if pt % PAGE_SIZE or pt < image_end or pt_end > bss_end:
        die(f"page-table space [{pt:#x}, {pt_end:#x}) must be page-aligned and lie between "
            f"the image end {image_end:#x} and __kernel_end {bss_end:#x}")
    if pt_end - pt < pt_bytes:
        die(f"the kernel reserves {pt_end - pt} bytes for page tables, stage 2 builds "
            f"{pt_bytes}: EARLY_MAP_GIB (asm/layout.h) and MAP_GIB (stage2.asm) differ")
    if bss_end >= FOUR_GIB:
        die(f"__kernel_end {bss_end:#x} is above 4 GiB, beyond what stage 2 maps")
    return load, image_end, bss_end, pt, entry


def initrd_params(bss_end, initrd_lba, initrd_len):
    """Where the initrd goes in memory: the page after the kernel, all below 4 GiB."""
    if not initrd_len:
        return 0, 0, 0, 0
    addr = (bss_end + PAGE_SIZE - 1) // PAGE_SIZE * PAGE_SIZE
    if addr + initrd_len > FOUR_GIB:
        die(f"the initrd ({initrd_len} bytes at {addr:#x}) ends above 4 GiB, beyond what "
            "stage 2 can load")
    return initrd_lba, sectors(initrd_len), addr, initrd_len


def patch_stage2(stage2, kernel_lba, kernel_len, syms, initrd_len=0):
    at = find_block(stage2, STAGE2_MAGIC, "stage 2")
    fields = STAGE2_PARAMS.unpack_from(stage2, at)
    magic, pt_bytes = fields[0], fields[8]
    load, image_end, bss_end, pt, entry = kernel_params(syms, kernel_len, pt_bytes)
    initrd = initrd_params(bss_end, kernel_lba + sectors(kernel_len), initrd_len)
    STAGE2_PARAMS.pack_into(stage2, at, magic, kernel_lba, sectors(kernel_len), load,
                            image_end, bss_end, pt, entry, pt_bytes, *initrd)


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit("usage: scripts/mkbiosimg.py MBR STAGE2 KERNEL_BIN KERNEL_ELF OUT [INITRD]")
    mbr_path, stage2_path, bin_path, elf_path, out_path = sys.argv[1:6]
    initrd = b""
    if len(sys.argv) == 7:
        with open(sys.argv[6], "rb") as f:
            initrd = f.read()
        if not initrd:
            die(f"{sys.argv[6]} is empty")
    with open(mbr_path, "rb") as f:
        mbr = bytearray(f.read())
    with open(stage2_path, "rb") as f:
        stage2 = bytearray(f.read())
    with open(bin_path, "rb") as f:
        kernel = f.read()
    if not kernel:
        die(f"{bin_path} is empty")

    stage2_lba = 1
    stage2_sectors = sectors(len(stage2))
    kernel_lba = stage2_lba + stage2_sectors
    patch_mbr(mbr, stage2_lba, stage2_sectors)
    patch_stage2(stage2, kernel_lba, len(kernel), elf_symbols(elf_path), len(initrd))

    image = bytearray(mbr)
    image += stage2.ljust(stage2_sectors * SECTOR, b"\0")
    image += kernel
    if initrd:
        image += bytes(-len(image) % SECTOR)
        image += initrd
    image += bytes(-len(image) % MIB)
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(image)
    os.replace(tmp, out_path)


if __name__ == "__main__":
    main()
