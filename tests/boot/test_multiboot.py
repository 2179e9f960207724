# SPDX-License-Identifier: MIT
"""hello through Multiboot v1: QEMU's -kernel loader on pc and q35, and GRUB
booting the ISO from `make iso`. Boot line, arguments, exit code, memory map."""

import fcntl
import shutil
import subprocess
import time

import pytest
from torotest import ROOT, TEST_BUILD, boot, boot_until, build, make

ARGS = 'loglevel=7 -- one "two words" exit=5'
MACHINES = ["pc", "q35"]


def assert_hello(r, cmdline=ARGS, mib=64):
    assert f'toro: multiboot boot, 1 cpu, {mib} MiB, cmdline "{cmdline}"' in r.out, r.out
    assert "Hello from Toro" in r.out
    assert 'argv[1] = "one"\n' in r.out
    assert 'argv[2] = "two words"\n' in r.out
    assert 'argv[3] = "exit=5"\n' in r.out
    assert r.exit_code == 5, r.out


def grub_iso(cmdline):
    """The multiboot build with `make iso CMDLINE=...`, once per session."""
    out = build("multiboot-grub", defconfig="multiboot")
    with open(TEST_BUILD / "multiboot-grub.iso.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        make(f"O={out}", "iso", f"CMDLINE={cmdline}")
    return out


@pytest.mark.parametrize("machine", MACHINES)
def test_multiboot_qemu_kernel(machine):
    r = boot(build("multiboot"), cmdline=ARGS, machine=machine)
    assert_hello(r)


@pytest.mark.parametrize("machine", MACHINES)
def test_multiboot_grub_iso(machine, monkeypatch):
    out = grub_iso(ARGS)
    monkeypatch.setenv("ISO", "1")
    r = boot(out, machine=machine)
    assert "-cdrom" in r.out  # qemu-run's command line: GRUB, not -kernel
    assert_hello(r)


@pytest.mark.parametrize("machine", MACHINES)
def test_multiboot_memory_map_reaches_kernel(machine, monkeypatch):
    """The usable memory the loader reports is what QEMU was given."""
    r = boot(build("multiboot"), mem=128, machine=machine)
    assert "toro: multiboot boot, 1 cpu, 128 MiB" in r.out, r.out
    # GRUB reads the map itself: the same through the ISO.
    out = grub_iso(ARGS)
    monkeypatch.setenv("ISO", "1")
    r = boot(out, mem=128, machine=machine)
    assert "toro: multiboot boot, 1 cpu, 128 MiB" in r.out, r.out


def test_multiboot_memory_above_4g():
    """64-bit map entries: RAM above the PCI hole at 4 GiB is counted."""
    r = boot(build("multiboot"), mem=5000, machine="q35")
    assert "toro: multiboot boot, 1 cpu, 5000 MiB" in r.out, r.out


def test_multiboot_no_args_uses_builtin_cmdline():
    """QEMU passes "<kernel path> " with no -append: that is no command line."""
    out = build("multiboot-builtin-cmdline", defconfig="multiboot",
                extra='CONFIG_CMDLINE="-- built in exit=9"\n')
    r = boot(out)
    assert 'argv[1] = "built"' in r.out and 'argv[2] = "in"' in r.out, r.out
    assert r.exit_code == 9, r.out


def test_multiboot_without_long_mode_says_so():
    out = boot_until(build("multiboot"), "no 64-bit long mode", qemu_args="-cpu qemu32")
    assert "Hello from Toro" not in out


def test_grub_iso_is_reproducible(tmp_path):
    """Same ELF and command line, built a second apart: the same ISO bytes."""
    if not shutil.which("grub-mkrescue"):
        pytest.skip("grub-mkrescue not installed (Debian grub-common, grub-pc-bin)")
    elf = build("multiboot") / "toro.elf"
    isos = []
    for name in ("a", "b"):
        if isos:
            time.sleep(1.1)  # so that a date taken from the clock would differ
        copy = tmp_path / name / "toro.elf"
        copy.parent.mkdir()
        shutil.copy(elf, copy)  # a new mtime each time
        iso = tmp_path / f"{name}.iso"
        subprocess.run([str(ROOT / "scripts" / "mkgrubiso.sh"), str(copy), str(iso), "-- x"],
                       check=True, capture_output=True)
        isos.append(iso.read_bytes())
    assert isos[0] == isos[1]


def test_make_iso_refuses_non_multiboot_config():
    out = build("kvm")
    p = make(f"O={out}", "iso", check=False)
    assert p.returncode != 0
    assert "GRUB loads Multiboot images only" in p.stdout + p.stderr
