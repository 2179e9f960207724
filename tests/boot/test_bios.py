# SPDX-License-Identifier: MIT
"""hello from toro.img through Toro's own BIOS loader (MBR + stage 2) under
SeaBIOS on pc and q35: boot line, arguments (fw_cfg), exit code, memory map,
and the loader's messages for images it cannot boot."""

import shutil
import struct
import subprocess

import pytest
from torotest import ROOT, boot, boot_until, build

ARGS = 'loglevel=7 -- one "two words" exit=5'
MACHINES = ["pc", "q35"]
SECTOR = 512
MIB = 1 << 20


def image_copy(tmp_path, image):
    """A build dir qemu-run accepts (the bios .config) holding `image` as toro.img."""
    out = build("bios")
    shutil.copy(out / ".config", tmp_path / ".config")
    (tmp_path / "toro.img").write_bytes(image)
    return tmp_path


def stage2_sectors(img):
    """The stage 2 sector count mkbiosimg patched into the MBR's read packet."""
    at = img.find(b"TBM1")
    return struct.unpack_from("<H", img, at + 4 + 2 + 2)[0]


@pytest.mark.parametrize("machine", MACHINES)
def test_bios_boot(machine):
    r = boot(build("bios"), cmdline=ARGS, machine=machine)
    assert f'toro: bios boot, 1 cpu, 64 MiB, cmdline "{ARGS}"' in r.out, r.out
    assert "Hello from Toro" in r.out
    assert 'argv[1] = "one"\n' in r.out
    assert 'argv[2] = "two words"\n' in r.out
    assert 'argv[3] = "exit=5"\n' in r.out
    assert r.exit_code == 5, r.out


@pytest.mark.parametrize("machine", MACHINES)
def test_bios_memory_map_reaches_kernel(machine):
    """Stage 2's E820 map, as the kernel sums it, is what QEMU was given."""
    r = boot(build("bios"), mem=128, machine=machine)
    assert "toro: bios boot, 1 cpu, 128 MiB" in r.out, r.out


def test_bios_memory_above_4g():
    """64-bit E820 entries: RAM above the PCI hole at 4 GiB is counted."""
    r = boot(build("bios"), mem=5000, machine="q35")
    assert "toro: bios boot, 1 cpu, 5000 MiB" in r.out, r.out


def test_bios_without_fw_cfg_cmdline_uses_builtin():
    out = build("bios-builtin-cmdline", defconfig="bios",
                extra='CONFIG_CMDLINE="-- built in exit=9"\n')
    r = boot(out)
    assert "opt/org.toro/cmdline" not in r.out  # qemu-run passed no fw_cfg file
    assert 'toro: bios boot, 1 cpu, 64 MiB, cmdline "-- built in exit=9"' in r.out, r.out
    assert r.exit_code == 9, r.out


def test_bios_image_layout():
    img = (build("bios") / "toro.img").read_bytes()
    assert len(img) % MIB == 0, "SeaBIOS on q35 wants whole MiB"
    assert img[510:512] == b"\x55\xaa"
    assert img[0x1b8:0x1fe] == bytes(0x1fe - 0x1b8), "disk signature/partition table not free"
    n = stage2_sectors(img)
    assert 1 <= n <= 64
    kernel = (build("bios") / "toro.bin").read_bytes()
    assert img[(1 + n) * SECTOR:(1 + n) * SECTOR + len(kernel)] == kernel


def test_bios_truncated_image_reports_read_error(tmp_path):
    img = (build("bios") / "toro.img").read_bytes()
    cut = (1 + stage2_sectors(img) + 1) * SECTOR  # stage 2 and one kernel sector
    out = boot_until(image_copy(tmp_path, img[:cut]), "kernel read error")
    assert "INT 13h AH=42h status 0x" in out
    assert "Hello from Toro" not in out


def test_bios_missing_stage2_is_reported(tmp_path):
    img = (build("bios") / "toro.img").read_bytes()
    broken = img[:SECTOR] + bytes(len(img) - SECTOR)
    out = boot_until(image_copy(tmp_path, broken), "toro: stage 2 missing")
    assert "Hello from Toro" not in out


def test_bios_without_long_mode_says_so():
    out = boot_until(build("bios"), "toro: this CPU has no 64-bit long mode",
                     qemu_args="-cpu qemu32")
    assert "Hello from Toro" not in out


def test_mkbiosimg_rejects_oversized_stage2(tmp_path):
    out = build("bios")
    stage = out / "arch" / "x86_64" / "boot" / "bios"
    big = tmp_path / "stage2.bin"
    big.write_bytes((stage / "stage2.bin").read_bytes() + bytes(65 * SECTOR))
    p = subprocess.run([str(ROOT / "scripts" / "mkbiosimg.py"), str(stage / "mbr.bin"),
                        str(big), str(out / "toro.bin"), str(out / "toro.elf"),
                        str(tmp_path / "toro.img")], capture_output=True, text=True)
    assert p.returncode != 0
    assert "more than the 64 the MBR may load" in p.stderr, p.stderr
    assert not (tmp_path / "toro.img").exists()
