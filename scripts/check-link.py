#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check-link.py FIRST SECOND - the symbol table must describe the final image.

The second link adds .kallsyms after all code; if any function moved between
the links, the table would lie. Compare every text symbol of both links.
"""

import subprocess
import sys


def text_syms(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms[parts[2]] = parts[0]
    return syms


def main():
    first, second = text_syms(sys.argv[1]), text_syms(sys.argv[2])
    moved = [n for n in first if second.get(n) != first[n]]
    if moved:
        sys.stderr.write(f"error: {len(moved)} functions moved between the two links "
                         f"(e.g. {moved[0]}): the symbol table would be wrong\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
