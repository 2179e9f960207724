# SPDX-License-Identifier: MIT
"""confhelp - helpers shared by the config tests (tests/config/).

  DEFCONFIGS            every configs/*_defconfig, found by globbing
  fresh_out(name)       an empty build/test/config-<name>/ (unique per test)
  copy_tree(dst)        a copy of the source tree (no build products) at dst
  tree_differences(c)   files edited in the tree since copy_tree() made c
  read_config(path)     {NAME: value} of a .config
  object_mtimes(out)    {object path: mtime_ns} of every object in an O= dir
  dep_sources(dfile)    the files (source and headers) a .d file lists
  users_of(out, src, pattern)  objects whose sources match a regex
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from torotest import ROOT, TEST_BUILD

DEFCONFIGS = sorted(p.name for p in (ROOT / "configs").glob("*_defconfig"))


def fresh_out(name):
    """build/test/config-<name>/, emptied: every test gets its own O= dir."""
    out = TEST_BUILD / f"config-{name}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out


def source_files(root=ROOT):
    """Paths (relative) of the tree's sources: tracked and new files, not build/."""
    p = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=root,
                       capture_output=True)
    if p.returncode == 0:
        return [f for f in p.stdout.decode().split("\0") if f and (root / f).is_file()]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        dirnames[:] = [d for d in dirnames
                       if not (rel == Path(".") and d in ("build", ".git"))
                       and d != "__pycache__"]
        files += [str(rel / f) for f in filenames]
    return files


def copy_tree(dst):
    """Copy the source tree to dst (a different absolute path than ROOT)."""
    dst = Path(dst)
    for f in source_files():
        target = dst / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, target)
    return dst


def tree_differences(copy):
    """Source files that differ between the tree and a copy_tree() of it."""
    copy = Path(copy)
    return [f for f in source_files()
            if not (copy / f).is_file() or (copy / f).read_bytes() != (ROOT / f).read_bytes()]


def read_config(path):
    conf = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$", line)
        if m:
            conf[m.group(1)] = m.group(2)
    return conf


def object_mtimes(out):
    """Every object file under out, with its modification time in ns."""
    out = Path(out)
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.o")}


def all_mtimes(out):
    out = Path(out)
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file()}


def changed(before, after):
    return {k for k in after if before.get(k) != after[k]}


def dep_sources(dfile):
    """The prerequisites of the first rule of a fixdep'ed .d file, minus $(wildcard ...)."""
    text = Path(dfile).read_text()
    first = text.split("\n\n", 1)[0].replace("\\\n", " ")
    deps = first.split(":", 1)[1]
    deps = re.sub(r"\$\(wildcard [^)]*\)", " ", deps)
    return deps.split()


def users_of(out, srcroot, pattern):
    """Objects in out whose .d lists a file (resolved in srcroot) matching pattern.

    pattern is a compiled regex searched in each file's text, or a path: then the
    objects that list that very file.
    """
    out, srcroot = Path(out), Path(srcroot)
    result = set()
    for d in out.rglob("*.d"):
        obj = d.with_suffix(".o")
        if not obj.exists():
            continue
        for dep in dep_sources(d):
            path = Path(dep) if os.path.isabs(dep) else srcroot / dep
            if isinstance(pattern, re.Pattern):
                if path.is_file() and pattern.search(path.read_text(errors="replace")):
                    result.add(str(obj.relative_to(out)))
                    break
            elif path.resolve() == Path(pattern).resolve():
                result.add(str(obj.relative_to(out)))
                break
    return result


def option_re(name):
    """A regex for CONFIG_<name> as a whole word (as fixdep reads it)."""
    return re.compile(r"(?<![A-Za-z0-9_])CONFIG_" + name + r"(?![A-Za-z0-9_])")
