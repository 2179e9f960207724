#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""kconfig-doc.py - write Documentation/kconfig.md from the Kconfig help texts.

  /usr/bin/python3 scripts/kconfig-doc.py [OUT]     (default Documentation/kconfig.md)
  /usr/bin/python3 scripts/kconfig-doc.py --check   exit 1 if the file is stale

One section per menu, one entry per symbol: type, default, dependencies, help.
"""

import os
import sys

import kconfiglib

OUT = "Documentation/kconfig.md"


def sym_entry(node):
    sym = node.item
    lines = [f"### `CONFIG_{sym.name}`", ""]
    kind = kconfiglib.TYPE_TO_STR[sym.orig_type]
    facts = [f"{kind}: {node.prompt[0]}" if node.prompt else kind]
    defaults = [d for d, cond in sym.defaults if cond is sym.kconfig.y]
    if defaults:
        facts.append(f"default `{kconfiglib.expr_str(defaults[0])}`")
    deps = [d for d in kconfiglib.split_expr(sym.direct_dep, kconfiglib.AND)
            if d is not sym.kconfig.y and not isinstance(d, kconfiglib.Choice)]
    if deps:
        facts.append("depends on `" + " && ".join(kconfiglib.expr_str(d) for d in deps) + "`")
    if sym.ranges:
        low, high, _ = sym.ranges[0]
        facts.append(f"range {low.str_value}..{high.str_value}")
    if sym.choice:
        facts.append("one choice of the menu above")
    lines.append("; ".join(facts))
    lines.append("")
    lines.append(" ".join((node.help or "(no help)").split()))
    lines.append("")
    return lines


def walk(node, depth, out):
    while node:
        if isinstance(node.item, kconfiglib.Symbol) and node.prompt:
            out += sym_entry(node)
        elif node.item == kconfiglib.MENU or isinstance(node.item, kconfiglib.Choice):
            same = node.parent and node.parent.prompt and node.parent.prompt[0] == node.prompt[0]
            if node.prompt and not same:
                out += ["#" * min(depth + 2, 4) + " " + node.prompt[0], ""]
            if isinstance(node.item, kconfiglib.Choice) and node.help:
                out += [" ".join(node.help.split()), ""]
        elif node.item == kconfiglib.COMMENT and node.prompt:
            out += [f"*{node.prompt[0]}*", ""]
        if node.list:
            walk(node.list, depth + 1, out)
        node = node.next


def render():
    os.environ.setdefault("srctree", os.getcwd())
    kconf = kconfiglib.Kconfig("Kconfig", warn=False)
    out = ["# Kconfig reference", "",
           "Generated from the Kconfig files by `scripts/kconfig-doc.py`; edit the help",
           "texts there, not this file. `make menuconfig` shows the same text (press `?`).", ""]
    walk(kconf.top_node.list, 0, out)
    return "\n".join(out).rstrip() + "\n"


def main():
    text = render()
    if sys.argv[1:] == ["--check"]:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            sys.exit(f"{OUT} is stale: run /usr/bin/python3 scripts/kconfig-doc.py")
        return
    path = sys.argv[1] if len(sys.argv) > 1 else OUT
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
