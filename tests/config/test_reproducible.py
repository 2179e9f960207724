# SPDX-License-Identifier: MIT
"""Reproducible builds: one .config gives byte-identical artefacts in any O=
directory and from a source tree at any path (ARCHITECTURE.md, "The user's view")."""

import subprocess
import tempfile
from pathlib import Path

import pytest
from confhelp import DEFCONFIGS, copy_tree, fresh_out, tree_differences
from torotest import ROOT, make

# The artefacts a user ships; toro.map and objects legitimately name their paths.
ARTEFACTS = ("toro.elf", "toro.stripped", "toro.img", "toro.efi", "esp.img")


def build(srctree, out, defconfig):
    make(f"O={out}", defconfig, cwd=srctree)
    make(f"O={out}", "-j2", "all", cwd=srctree)
    return {a: (Path(out) / a).read_bytes() for a in ARTEFACTS if (Path(out) / a).exists()}


def path_strings(elf, *paths):
    """Strings in elf that name one of paths: the usual cause of a difference."""
    p = subprocess.run(["strings", "-a", str(elf)], capture_output=True, text=True)
    return sorted({s for s in p.stdout.splitlines() if any(str(x) in s for x in paths)})


@pytest.mark.parametrize("defconfig", DEFCONFIGS)
def test_same_config_same_bytes_anywhere(defconfig):
    out_a = fresh_out(f"repro-{defconfig}-a")
    ref = build(ROOT, out_a, defconfig)
    assert "toro.elf" in ref and "toro.stripped" in ref
    if "BOOT_BIOS=y" in (out_a / ".config").read_text():
        assert "toro.img" in ref
    with tempfile.TemporaryDirectory(prefix="toro-repro-") as tmp:
        tmp = Path(tmp)
        # Another O= (outside any tree) and the sources at another path: a user's
        # checkout is never where ours is.
        out_b = tmp / "b"
        got = build(copy_tree(tmp / "src"), out_b, defconfig)
        assert sorted(got) == sorted(ref), f"artefacts {sorted(got)} vs {sorted(ref)}"
        for name in ref:
            if got[name] != ref[name]:
                leaks = path_strings(out_b / "toro.elf", ROOT, tmp)
                edited = tree_differences(tmp / "src")
                pytest.fail(f"{defconfig}: {name} differs between O={out_a} and O={out_b} "
                            f"(sources in {tmp / 'src'}); strings naming build paths: "
                            f"{leaks[:10]}"
                            + (f"; but these sources were edited during the test: {edited}"
                               if edited else ""))
