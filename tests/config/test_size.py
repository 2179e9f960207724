# SPDX-License-Identifier: MIT
"""`make size`: the sections, subsystems and artefacts it reports are the real ones."""

import os
import re
import subprocess

from torotest import PYTHON, ROOT, TEST_BUILD, make

OUT = TEST_BUILD / "config-size"


def section_sizes(elf):
    """{name: size} of toro.elf's allocated sections, read independently with readelf."""
    out = subprocess.run(["readelf", "-SW", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    sizes = {}
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)",
                         out):
        if "A" in m.group(3):
            sizes[m.group(1)] = int(m.group(2), 16)
    return sizes


def test_make_size_reports_real_sizes():
    out = make(f"O={OUT}", "microvm_defconfig", "all", "size").stdout

    # Every allocated section, with the size readelf gives.
    listed = dict((m.group(1), int(m.group(2)))
                  for m in re.finditer(r"^  (\.\S+)\s+(\d+)\s+0x[0-9a-f]+", out, re.M))
    real = section_sizes(OUT / "toro.elf")
    for sec in (".text", ".rodata", ".data", ".kallsyms", ".bss", ".pgtable"):
        assert sec in real, f"{sec} missing from toro.elf itself"
    assert listed == real, out

    # Per subsystem: the columns add up to the sections they split.
    m = re.search(r"^  subsystem\s+(.*)$", out, re.M)
    assert m, out
    cols = m.group(1).split()
    rows = {}
    for line in out[m.end():].splitlines()[1:]:
        if not line.strip():
            break
        parts = line.split()
        rows[parts[0]] = dict(zip(cols, map(int, parts[1:])))
    for sub in ("arch", "kernel", "lib", "drivers", "apps"):
        assert sub in rows and rows[sub]["text"] > 0, out
    assert sum(r["text"] for r in rows.values()) == real[".text"]
    assert sum(r["data"] for r in rows.values()) == real[".data"]
    assert sum(r["bss"] for r in rows.values()) == real[".bss"]
    assert sum(r["ksyms"] for r in rows.values()) == real[".kallsyms"]
    # hello's main() is in apps, and nowhere else.
    assert rows["apps"]["symbols"] > 0

    # Artefacts, byte-exact.
    arts = dict((m.group(1), int(m.group(2)))
                for m in re.finditer(r"^  (toro\.\w+)\s+(\d+) bytes$", out, re.M))
    assert set(arts) >= {"toro.elf", "toro.stripped"}, out
    for name, size in arts.items():
        assert size == os.path.getsize(OUT / name), (name, out)


def test_size_without_a_build_says_so(tmp_path):
    p = subprocess.run([PYTHON, str(ROOT / "scripts" / "size.py"), str(tmp_path)],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert f"{tmp_path}/toro.elf does not exist" in p.stderr
    assert "Traceback" not in p.stderr
