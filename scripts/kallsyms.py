#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""kallsyms.py - the kernel's symbol table, from `nm -n` of the first link.

Reads nm output on stdin, writes assembly for the .kallsyms section:

  kallsyms_count   .quad  number of functions
  kallsyms_offsets .long  address - KERNEL_LOAD_ADDR of each, ascending
  kallsyms_names   .long  offset of each name in kallsyms_strings
  kallsyms_strings        NUL-terminated names

kernel/kallsyms.c searches it. Only text symbols are kept (backtraces need
nothing else); the end of text closes the last function.
"""

import sys

LOAD_ADDR = 0x100000


def main():
    empty = "--empty" in sys.argv
    syms = {}
    text_end = None
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 3:
            continue
        addr, kind, name = int(parts[0], 16), parts[1], parts[2]
        if name == "__text_end":
            text_end = addr
        if kind not in "tTwW" or name.startswith((".L", "$")):
            continue
        # One name per address: a function's own name rather than a linker-script
        # marker at the same place (__image_start is start64's address), else the
        # first name nm lists (stable).
        if addr not in syms or (syms[addr].startswith("__") and not name.startswith("__")):
            syms[addr] = name
    if empty:
        syms = {}
    if text_end is not None and syms:
        syms.setdefault(text_end, "__text_end")
    entries = sorted(syms.items())
    out = ['\t.section .kallsyms, "a"', "\t.balign 8",
           "\t.globl kallsyms_count, kallsyms_offsets, kallsyms_names, kallsyms_strings",
           f"kallsyms_count:\n\t.quad {len(entries)}", "kallsyms_offsets:"]
    out += [f"\t.long {a - LOAD_ADDR:#x}" for a, _ in entries]
    out.append("kallsyms_names:")
    off = 0
    for _, name in entries:
        out.append(f"\t.long {off}")
        off += len(name) + 1
    out.append("kallsyms_strings:")
    out += [f'\t.asciz "{name}"' for _, name in entries]
    print("\n".join(out))


if __name__ == "__main__":
    main()
