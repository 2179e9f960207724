# SPDX-License-Identifier: MIT
"""Every configs/*_defconfig is stable under olddefconfig, builds, round-trips
through savedefconfig, and is listed by `make help` with its description."""

import shutil
import tempfile
from pathlib import Path

import pytest
from confhelp import DEFCONFIGS, fresh_out
from torotest import ROOT, make


def test_there_are_defconfigs():
    assert "microvm_defconfig" in DEFCONFIGS, DEFCONFIGS


@pytest.mark.parametrize("defconfig", DEFCONFIGS)
def test_olddefconfig_keeps_defconfig_and_it_builds(defconfig):
    out = fresh_out(f"old-{defconfig}")
    make(f"O={out}", defconfig)
    before = (out / ".config").read_text()
    make(f"O={out}", "olddefconfig")
    after = (out / ".config").read_text()
    assert after == before, f"olddefconfig changed the .config of {defconfig}"
    make(f"O={out}", "-j2", "all")
    assert (out / "toro.elf").stat().st_size > 0
    assert (out / "toro.stripped").stat().st_size > 0


@pytest.mark.parametrize("defconfig", DEFCONFIGS)
def test_savedefconfig_round_trips(defconfig):
    out_a = fresh_out(f"save-{defconfig}-a")
    out_b = fresh_out(f"save-{defconfig}-b")
    make(f"O={out_a}", defconfig)
    config_a = (out_a / ".config").read_text()
    p = make(f"O={out_a}", "savedefconfig")
    saved = out_a / "defconfig"
    assert saved.is_file(), p.stdout
    # The minimal file is smaller than the full one, or it is not minimal.
    assert len(saved.read_text()) < len(config_a)
    with tempfile.TemporaryDirectory() as tmp:
        # A defconfig named by path (with a /) is read from there, not configs/.
        copy = Path(tmp) / "roundtrip_defconfig"
        shutil.copy(saved, copy)
        make(f"O={out_b}", str(copy))
    config_b = (out_b / ".config").read_text()
    assert config_b == config_a, f"{defconfig} -> savedefconfig -> defconfig differs"


def test_make_help_lists_every_defconfig_with_its_description():
    p = make("help")
    for name in DEFCONFIGS:
        first = (ROOT / "configs" / name).read_text().splitlines()[0]
        assert first.startswith("# "), f"configs/{name}: first line must be '# description'"
        desc = first[2:].strip()
        assert desc, f"configs/{name} has an empty description"
        lines = [line for line in p.stdout.splitlines() if line.split()[:1] == [name]]
        assert lines, f"make help does not list {name}:\n{p.stdout}"
        assert desc in lines[0], f"make help shows {lines[0]!r}, not the description {desc!r}"


def test_make_help_needs_no_configuration(tmp_path):
    """`make help` in an empty O= only prints: it must not configure anything."""
    out = tmp_path / "o"
    p = make(f"O={out}", "help")
    assert "Defconfigs:" in p.stdout
    assert not (out / ".config").exists()
    assert "Traceback" not in p.stderr, p.stderr
