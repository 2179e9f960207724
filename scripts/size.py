#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""size.py O - where the bytes of $(O)/toro.elf go (`make size`).

Prints
  1. every allocated section of toro.elf by group (text, rodata + notes, data,
     the .kallsyms symbol table, bss, early page tables), with size(1)'s
     text/data/bss totals;
  2. the symbol tables: .kallsyms (linked into the image) and the ELF's own
     .symtab/.strtab (removed by strip);
  3. bytes per subsystem (the object's top-level folder: arch, kernel, lib,
     drivers, apps), per section group, from the linker map $(O)/toro.map:
     every input section is counted, named or not, and the padding between
     them is shown as "alignment". The "symbols" column is the sum of
     `nm -S` sizes of the symbols inside each subsystem's input sections.
     Without a map (an older build) symbols are matched to the objects
     under $(O) by name instead, and only the "symbols" column is filled;
  4. the artefacts: toro.elf, toro.stripped, toro.bin and toro.img when present,
     and how much of toro.stripped is loaded bytes rather than ELF headers
     and file padding.
"""

import bisect
import os
import re
import subprocess
import sys
from collections import defaultdict

GROUPS = ["text", "rodata", "data", "kallsyms", "bss", "pgtable"]
GROUP_TITLE = {
    "text": "text", "rodata": "rodata (+ notes)", "data": "data",
    "kallsyms": "symbol table", "bss": "bss", "pgtable": "page tables (bss)",
}
SUBSYSTEMS = ["arch", "kernel", "lib", "drivers", "fs", "net", "apps"]
ARTEFACTS = ["toro.elf", "toro.stripped", "toro.bin", "toro.img", "toro.efi"]


def die(msg):
    sys.stderr.write(f"size.py: {msg}\n")
    sys.exit(1)


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        die(f"{cmd[0]} not found: install the Debian package 'binutils'")
    if p.returncode != 0:
        die(f"{' '.join(cmd)} failed: {p.stderr.strip()}")
    return p.stdout


def group_of(name):
    """The section group of an output or input section name."""
    if name.startswith(".pgtable"):
        return "pgtable"
    if name.startswith(".kallsyms"):
        return "kallsyms"
    if name.startswith((".bss", "COMMON", ".tbss")):
        return "bss"
    if name.startswith((".data", ".tdata", ".got")):
        return "data"
    if name.startswith((".rodata", ".note", ".notes", ".initcall")):
        return "rodata"
    if name.startswith((".text", ".boot", ".init.text")):
        return "text"
    return None


def elf_sections(elf):
    """[(name, type, addr, size, flags)] from readelf -SW."""
    out = run(["readelf", "-SW", elf])
    secs = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)"
                     r"\s+[0-9a-f]+\s+(\S*)", line)
        if m and m.group(1) != "NULL":
            secs.append((m.group(1), m.group(2), int(m.group(3), 16), int(m.group(4), 16),
                         m.group(5)))
    return secs


def subsystem_of(obj, o_dir):
    """Top-level folder of an object path from the map (or under $(O))."""
    o_abs = os.path.abspath(o_dir)
    p = os.path.abspath(obj)
    if p.startswith(o_abs + os.sep):
        rel = p[len(o_abs) + 1:]
    else:
        rel = os.path.relpath(p)
    top = rel.split(os.sep, 1)[0]
    if top == "extapp":
        return "apps"
    return top if rel != top else "other"


def parse_map(path, o_dir):
    """Input sections from a GNU ld map: [(group, subsystem, addr, size)], fill [(group, size)]."""
    pieces, fills = [], []
    with open(path) as f:
        lines = f.read().splitlines()
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        return None
    out_group = None
    pending = None  # an input section name on its own line (long names wrap)
    for line in lines[start + 1:]:
        if not line:
            continue
        if not line.startswith(" "):
            # An output section: ".text   0x... 0x..." or "/DISCARD/".
            name = line.split()[0]
            out_group = group_of(name)
            if name.startswith(".debug") or name.startswith("/DISCARD/"):
                out_group = None
            pending = None
            continue
        if out_group is None:
            continue
        m = re.match(r"^ \*fill\*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
        if m:
            fills.append((out_group, int(m.group(2), 16)))
            continue
        m = re.match(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and not m.group(1).startswith("*"):
            pieces.append((group_of(m.group(1)) or out_group, subsystem_of(m.group(4), o_dir),
                           int(m.group(2), 16), int(m.group(3), 16)))
            pending = None
            continue
        m = re.match(r"^ (\.\S+|COMMON)$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and pending:
            pieces.append((group_of(pending) or out_group, subsystem_of(m.group(3), o_dir),
                           int(m.group(1), 16), int(m.group(2), 16)))
        pending = None
    # Merged strings (SEC_MERGE) can make input sections overlap: count each
    # byte once, for the first object that claims it.
    pieces.sort(key=lambda p: (p[2], -p[3]))
    clipped, end = [], 0
    for g, sub, addr, size in pieces:
        start = max(addr, end)
        if addr + size > start:
            clipped.append((g, sub, start, addr + size - start))
            end = addr + size
    return clipped, fills


def nm_symbols(path):
    """[(addr, size, type, name)] of sized symbols, as `nm -S --size-sort` lists them."""
    syms = []
    for line in run(["nm", "-S", "--size-sort", path]).splitlines():
        parts = line.split()
        if len(parts) == 4:
            syms.append((int(parts[0], 16), int(parts[1], 16), parts[2], parts[3]))
    return syms


def symbols_by_objects(o_dir, elf_syms):
    """Fallback without a map: match ELF symbols to the objects under $(O) by name."""
    owner = {}
    for root, _, files in os.walk(o_dir):
        for fn in sorted(files):
            if not fn.endswith(".o") or fn == "kallsyms_empty.o":
                continue
            path = os.path.join(root, fn)
            sub = subsystem_of(path, o_dir)
            for _, _, t, name in nm_symbols(path):
                if t not in "Uw":
                    owner.setdefault(name, sub)
    sums = defaultdict(int)
    for _, size, _, name in elf_syms:
        sums[owner.get(name, "other")] += size
    return sums


def main():
    if len(sys.argv) != 2:
        die("usage: size.py O  (the build directory, e.g. build)")
    o_dir = sys.argv[1].rstrip("/") or "."
    elf = os.path.join(o_dir, "toro.elf")
    if not os.path.isfile(elf):
        die(f"{elf} does not exist: build first (make O={o_dir} all)")

    # 1. sections
    secs = [s for s in elf_sections(elf) if "A" in s[4]]
    totals = defaultdict(int)
    print(f"sections of {elf}:")
    print(f"  {'section':<16} {'bytes':>8}  {'address':>10}  group")
    for name, typ, addr, size, _ in secs:
        g = group_of(name) or "other"
        totals[g] += size
        print(f"  {name:<16} {size:>8}  {addr:#10x}  {GROUP_TITLE.get(g, g)}"
              f"{' (not in file)' if typ == 'NOBITS' else ''}")
    print("  by group: " + ", ".join(f"{g} {totals[g]}" for g in GROUPS if totals[g]))
    berkeley_text = totals["text"] + totals["rodata"]
    berkeley_data = totals["data"] + totals["kallsyms"] + totals["other"]
    berkeley_bss = totals["bss"] + totals["pgtable"]
    print(f"  size(1): text {berkeley_text}  data {berkeley_data}  bss {berkeley_bss}  "
          f"total {berkeley_text + berkeley_data + berkeley_bss}")

    # 2. symbol tables
    all_secs = {s[0]: s for s in elf_sections(elf)}
    ksyms = all_secs.get(".kallsyms", (None, None, 0, 0, ""))[3]
    symtab = sum(all_secs.get(n, (None, None, 0, 0, ""))[3] for n in (".symtab", ".strtab"))
    print()
    print("symbol tables:")
    print(f"  .kallsyms (in the image)      {ksyms:>8} bytes")
    print(f"  .symtab + .strtab (ELF only)  {symtab:>8} bytes")

    # 3. subsystems
    elf_syms = [s for s in nm_symbols(elf) if s[2] not in "Uw"]
    map_path = os.path.join(o_dir, "toro.map")
    parsed = parse_map(map_path, o_dir) if os.path.isfile(map_path) else None
    print()
    cols = ["text", "rodata", "data", "kallsyms", "bss", "pgtable"]
    if parsed:
        pieces, fills = parsed
        table = defaultdict(lambda: defaultdict(int))
        ranges = []
        for g, sub, addr, size in pieces:
            if g == "kallsyms":
                sub = "kallsyms"
            table[sub][g] += size
            if size:
                ranges.append((addr, addr + size, sub))
        for g, size in fills:
            table["alignment"][g] += size
        ranges.sort()
        symsum = defaultdict(int)
        starts = [r[0] for r in ranges]
        for addr, size, _, _ in elf_syms:
            i = bisect.bisect_right(starts, addr) - 1
            sub = ranges[i][2] if i >= 0 and addr < ranges[i][1] else "other"
            symsum[sub] += size
        print(f"per subsystem (bytes of input sections from {map_path}; symbols = nm -S sizes):")
        rows = [s for s in SUBSYSTEMS if s in table] + \
            sorted(s for s in table if s not in SUBSYSTEMS + ["kallsyms", "alignment"]) + \
            [s for s in ("kallsyms", "alignment") if s in table]
        heads = [{"kallsyms": "ksyms"}.get(c, c) for c in cols]
        print(f"  {'subsystem':<11}" + "".join(f"{c:>9}" for c in heads) +
              f"{'total':>9}{'symbols':>9}")
        for sub in rows:
            vals = [table[sub][c] for c in cols]
            print(f"  {sub:<11}" + "".join(f"{v:>9}" for v in vals) +
                  f"{sum(vals):>9}{symsum.get(sub, 0):>9}")
    else:
        sums = symbols_by_objects(o_dir, elf_syms)
        print(f"per subsystem (no {map_path}: nm -S sizes, symbols matched by name "
              "to the objects under it):")
        print(f"  {'subsystem':<11}{'symbols':>9}")
        for sub in [s for s in SUBSYSTEMS if s in sums] + \
                sorted(s for s in sums if s not in SUBSYSTEMS):
            print(f"  {sub:<11}{sums[sub]:>9}")

    # 4. artefacts
    print()
    print("artefacts:")
    for name in ARTEFACTS:
        path = os.path.join(o_dir, name)
        if os.path.isfile(path):
            print(f"  {name:<15} {os.path.getsize(path):>9} bytes")
    stripped = os.path.join(o_dir, "toro.stripped")
    if os.path.isfile(stripped):
        # What of the stripped file is not loaded: ELF and program headers,
        # section headers, and the padding that puts the segment at its page
        # offset in the file (-z max-page-size).
        loaded = sum(s[3] for s in elf_sections(stripped) if "A" in s[4] and s[1] != "NOBITS")
        total = os.path.getsize(stripped)
        print(f"  (toro.stripped = {loaded} bytes loaded + {total - loaded} bytes of ELF "
              "headers and file padding)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
