#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""toro-kconfig.py - Toro's configuration commands, on Debian's kconfiglib.

Called by the Makefile with KCONFIG_CONFIG (the .config path) and srctree set:

  defconfig FILE [FRAGMENT...]  FILE, then each fragment on top, into .config
  merge FRAGMENT                merge a fragment into the existing .config
  olddefconfig | alldefconfig | listnewconfig
  savedefconfig OUT             minimal config that reproduces .config
  randconfig [SEED]             a random valid configuration
  genconfig                     autoconf.h, auto.conf, per-option dependency files

Every assignment read from a defconfig or fragment is checked after loading.
An unknown symbol, a value out of range, an unmet dependency or a choice that
could not be honoured is an error that names the file, line and symbol.
"""

import difflib
import os
import random
import re
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("error: kconfiglib not found: install the Debian package 'python3-kconfiglib' "
             "(or run scripts/install-deps.sh); it must be importable by /usr/bin/python3")

ASSIGN_RE = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
UNSET_RE = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")


def die(msg):
    sys.stderr.write("error: " + msg + "\n")
    sys.exit(1)


def out_dir():
    return os.path.dirname(os.environ["KCONFIG_CONFIG"]) or "."


def load_kconfig():
    try:
        kconf = kconfiglib.Kconfig("Kconfig", warn=False)
    except kconfiglib.KconfigError as e:
        die(str(e))
    return kconf


def read_assignments(path):
    """(path, line number, symbol name, raw value or None for 'is not set')."""
    if not os.path.isfile(path):
        die(f"{path}: no such configuration file (see `make help` for the list)")
    result = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            m = ASSIGN_RE.match(line)
            if m:
                result.append((path, no, m.group(1), m.group(2)))
                continue
            m = UNSET_RE.match(line)
            if m:
                result.append((path, no, m.group(1), None))
                continue
            if line and not line.startswith("#"):
                die(f"{path}:{no}: cannot parse '{line}' (expected CONFIG_NAME=value)")
    return result


def unmet(expr):
    """The parts of a dependency expression that are not satisfied."""
    parts = kconfiglib.split_expr(expr, kconfiglib.AND)
    bad = [kconfiglib.expr_str(p) for p in parts if kconfiglib.expr_value(p) == 0]
    return ", ".join(bad) if bad else kconfiglib.expr_str(expr)


def hidden(sym, raw):
    """Why a symbol without a prompt did not take raw (it cannot be set at all)."""
    why = "it has no prompt (only other options set it)"
    selectors = sorted({s.name for s in kconfiglib.expr_items(sym.rev_dep)
                        if isinstance(s, kconfiglib.Symbol) and s.nodes})
    if selectors:
        return f"{why}; it is selected by {', '.join(selectors)}"
    conds = [kconfiglib.expr_str(cond) for _, cond in sym.defaults if cond is not sym.kconfig.y]
    if conds:
        return f"{why}; its value follows {', '.join(conds)}"
    return why


def explain(sym, raw):
    """Why sym did not take the value raw; None if it did."""
    if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        valid = {"y": 2, "n": 0, None: 0}
        if sym.orig_type == kconfiglib.TRISTATE:
            valid["m"] = 1
        want = valid.get(raw)
        if want is None:
            return f"'{raw}' is not a valid value for a bool (use y or n)"
        if sym.tri_value == want:
            return None
        if not any(n.prompt for n in sym.nodes):
            return hidden(sym, raw)
        if want and kconfiglib.expr_value(sym.direct_dep) == 0:
            return f"it depends on {unmet(sym.direct_dep)}, which is not set"
        if sym.choice is not None and want:
            sel = sym.choice.selection
            return f"its choice selected {sel.name if sel else 'nothing'} instead"
        if sym.choice is not None:
            others = [s.name for s in sym.choice.syms if s is not sym and s.visibility]
            prompt = sym.choice.nodes[0].prompt[0]
            if others:
                return (f"it is the selection of the choice \"{prompt}\": set one of "
                        f"{', '.join(others)} to y instead")
            return f"it is the only possible selection of the choice \"{prompt}\""
        if not want and kconfiglib.expr_value(sym.rev_dep):
            return f"it is selected by {unmet_sel(sym.rev_dep)}"
        return f"it was set to {sym.str_value or 'n'}"
    if raw is None:
        return (f"it is {kconfiglib.TYPE_TO_STR[sym.orig_type]}-valued and cannot be "
                f"'not set': give it a value")
    if sym.orig_type == kconfiglib.STRING:
        if not (len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"'):
            return f"a string value must be in double quotes: CONFIG_{sym.name}=\"...\""
        value = kconfiglib.unescape(raw[1:-1])
    else:
        value = raw
    if sym.str_value == value:
        return None
    if not any(n.prompt for n in sym.nodes):
        return hidden(sym, raw)
    if sym.orig_type in (kconfiglib.INT, kconfiglib.HEX):
        base = 16 if sym.orig_type == kconfiglib.HEX else 10
        try:
            int(value, base)
        except ValueError:
            return f"'{raw}' is not a valid {kconfiglib.TYPE_TO_STR[sym.orig_type]}"
        for low, high, cond in sym.ranges:
            if kconfiglib.expr_value(cond):
                return (f"{raw} is out of range [{low.str_value}, {high.str_value}]")
    if kconfiglib.expr_value(sym.direct_dep) == 0:
        return f"it depends on {unmet(sym.direct_dep)}, which is not set"
    return f"it was set to {sym.str_value!r}"


def unmet_sel(expr):
    parts = kconfiglib.split_expr(expr, kconfiglib.OR)
    return ", ".join(kconfiglib.expr_str(p) for p in parts if kconfiglib.expr_value(p))


def superseded(sym, raw, order):
    """A choice member set to y that a later file replaced by another member
    (`make microvm_defconfig threads.config` picks another application)."""
    sel = sym.choice.user_selection if sym.choice is not None else None
    return (raw == "y" and sel is not None and sel is not sym and
            order.get(sel.name, -1) > order.get(sym.name, -1))


def check(kconf, assignments):
    """Fail with a clear message for every assignment that did not hold."""
    last = {}
    order = {}
    for i, a in enumerate(assignments):
        last[a[2]] = a
        order[a[2]] = i
    errors = []
    for path, no, name, raw in last.values():
        sym = kconf.syms.get(name)
        if sym is None or not sym.nodes:
            known = [s.name for s in kconf.unique_defined_syms]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean CONFIG_{close[0]}?)" if close else ""
            errors.append(f"{path}:{no}: unknown symbol CONFIG_{name}{hint}")
            continue
        if superseded(sym, raw, order):
            continue
        why = explain(sym, raw)
        if why:
            shown = "n" if raw is None else raw
            errors.append(f"{path}:{no}: CONFIG_{name}={shown} cannot be set: {why}")
    if errors:
        die("invalid configuration:\n  " + "\n  ".join(errors))


def load_files(kconf, files, replace_first=True):
    assignments = []
    for i, path in enumerate(files):
        assignments += read_assignments(path)
        kconf.load_config(path, replace=(replace_first and i == 0))
    check(kconf, assignments)


def write(kconf):
    kconf.write_config(os.environ["KCONFIG_CONFIG"], save_old=False)


def cmd_defconfig(kconf, args):
    if not args:
        die("defconfig: which file?")
    load_files(kconf, args)
    write(kconf)
    print(f"  configured {os.environ['KCONFIG_CONFIG']} from {' + '.join(args)}")


def require_config():
    path = os.environ["KCONFIG_CONFIG"]
    if not os.path.isfile(path):
        die(f"{path} does not exist: run `make defconfig` or `make <name>_defconfig` first")
    return path


def cmd_merge(kconf, args):
    path = require_config()
    kconf.load_config(path)
    load_files(kconf, args, replace_first=False)
    write(kconf)
    print(f"  merged {' + '.join(args)} into {path}")


def cmd_olddefconfig(kconf, args):
    path = require_config()
    kconf.load_config(path)
    write(kconf)


def cmd_alldefconfig(kconf, args):
    write(kconf)


def cmd_listnewconfig(kconf, args):
    path = require_config()
    kconf.load_config(path)
    for sym in kconf.unique_defined_syms:
        if sym.user_value is None and sym.visibility and sym.config_string:
            print(sym.config_string, end="")


def cmd_savedefconfig(kconf, args):
    kconf.load_config(require_config())
    kconf.write_min_config(args[0])


def cmd_randconfig(kconf, args):
    """Random values for every visible symbol, in menu order, then made valid.

    Seeded, so `make randconfig SEED=n` is reproducible: the config tests
    build a fixed list of seeds.
    """
    seed = int(args[0]) if args and args[0] else random.randrange(1 << 30)
    rng = random.Random(seed)
    for sym in kconf.unique_defined_syms:
        if not sym.nodes or not any(n.prompt for n in sym.nodes) or sym.choice:
            continue
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            sym.set_value(rng.choice(("y", "n")))
        elif sym.orig_type in (kconfiglib.INT, kconfiglib.HEX) and sym.ranges:
            low, high, _ = sym.ranges[0]
            base = 16 if sym.orig_type == kconfiglib.HEX else 10
            lo, hi = int(low.str_value, base), int(high.str_value, base)
            # Prefer modest values: huge memory sizes only slow the tests.
            hi = min(hi, lo + 256)
            v = rng.randint(lo, hi)
            sym.set_value(hex(v) if base == 16 else str(v))
    for choice in kconf.unique_choices:
        visible = [s for s in choice.syms if s.visibility]
        if visible:
            rng.choice(visible).set_value("y")
    write(kconf)
    print(f"  randconfig seed {seed} -> {os.environ['KCONFIG_CONFIG']}")


def cmd_genconfig(kconf, args):
    kconf.load_config(require_config())
    d = out_dir()
    os.makedirs(os.path.join(d, "include", "generated"), exist_ok=True)
    kconf.write_autoconf(os.path.join(d, "include", "generated", "autoconf.h"))
    kconf.sync_deps(os.path.join(d, "include", "config"))


COMMANDS = {
    "defconfig": cmd_defconfig,
    "merge": cmd_merge,
    "olddefconfig": cmd_olddefconfig,
    "alldefconfig": cmd_alldefconfig,
    "listnewconfig": cmd_listnewconfig,
    "savedefconfig": cmd_savedefconfig,
    "randconfig": cmd_randconfig,
    "genconfig": cmd_genconfig,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        die("usage: toro-kconfig.py {" + "|".join(COMMANDS) + "} [args]")
    os.environ.setdefault("srctree", os.getcwd())
    COMMANDS[sys.argv[1]](load_kconfig(), sys.argv[2:])


if __name__ == "__main__":
    main()
