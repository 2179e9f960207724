# SPDX-License-Identifier: MIT
"""UEFI boot: Toro's EFI stub (toro.efi on a FAT ESP) under Debian's OVMF on
q35 with TCG. hello's boot line, arguments (the ESP's `cmdline` file, which
the stub reads when OVMF passes no load options, and the load options
themselves through OVMF's -kernel/-append) and exit code; apps/threads
on 4 CPUs (APs started after ExitBootServices); the ESP passes fsck.fat and
holds BOOTX64.EFI; a stub whose embedded kernel is corrupt says so and returns
to the firmware. OVMF takes ~3.4 s per boot under TCG: the boots are few."""

import os
import shutil
import struct
import subprocess

import pytest
from torotest import ROOT, boot, boot_until, build

from test_threads import check_threads_run

OVMF = "/usr/share/OVMF/OVMF_CODE_4M.fd"
ARGS = 'loglevel=7 -- one "two words" exit=5'
# uefi_handoff.h: "TOROEFI1" at offset 8 of the kernel image.
KERNEL_MAGIC = struct.pack("<Q", 0x3149464552524f54)

pytestmark = pytest.mark.skipif(not os.path.isfile(OVMF),
                                reason=f"{OVMF} missing: install Debian's ovmf")


def test_uefi_boot_hello_args_exit_code():
    r = boot(build("uefi"), cmdline=ARGS, timeout=90)
    assert "toro-efi: kernel at 0x0000000000100000" in r.out, r.out
    assert "cmdline from ESP \\cmdline" in r.out, r.out
    assert 'toro: uefi boot, 1 cpu, ' in r.out, r.out
    assert f'cmdline "{ARGS}"' in r.out, r.out
    assert "Hello from Toro" in r.out
    assert 'argv[1] = "one"\n' in r.out
    assert 'argv[2] = "two words"\n' in r.out
    assert 'argv[3] = "exit=5"\n' in r.out
    assert r.exit_code == 5, r.out


def test_uefi_load_options_cmdline():
    """The command line from the LoadedImage load options: OVMF's direct kernel
    boot (-kernel toro.efi -append ...) starts the stub with -append as its
    load options, in UCS-2. No ESP cmdline file exists in this run."""
    out = build("uefi")
    args = '-- one "two words" exit=7'
    r = boot(out, timeout=90,
             qemu_args=f"-kernel {out / 'toro.efi'} -append '{args}'")
    assert "cmdline from load options" in r.out, r.out
    assert 'toro: uefi boot, 1 cpu, ' in r.out, r.out
    assert 'argv[2] = "two words"\n' in r.out, r.out
    assert r.exit_code == 7, r.out


def test_uefi_threads_smp4():
    out = build("uefi-threads", fragments=["threads.config"], defconfig="uefi")
    r = boot(out, smp=4, timeout=120)
    check_threads_run(r, 4)


def test_uefi_esp_image():
    out = build("uefi")
    esp = out / "esp.img"
    p = subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    p = subprocess.run(["mtype", "-i", str(esp), "::/EFI/BOOT/BOOTX64.EFI"], capture_output=True,
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    assert p.returncode == 0, p.stderr
    assert p.stdout == (out / "toro.efi").read_bytes()
    efi = (out / "toro.efi").read_bytes()
    assert efi[:2] == b"MZ"
    pe = struct.unpack_from("<I", efi, 0x3c)[0]
    assert efi[pe:pe + 4] == b"PE\0\0"
    # PE32+ optional header: Magic 0x20b, Subsystem 10 (EFI application) at offset 68.
    assert struct.unpack_from("<H", efi, pe + 24)[0] == 0x20b
    assert struct.unpack_from("<H", efi, pe + 24 + 68)[0] == 10
    assert (out / "toro.bin").read_bytes() in efi


def test_uefi_esp_is_reproducible(tmp_path):
    out = build("uefi")
    for name in ("a.img", "b.img"):
        subprocess.run([str(ROOT / "scripts" / "mkesp.sh"), str(out / "toro.efi"),
                        str(tmp_path / name), "-- x"], check=True)
    assert (tmp_path / "a.img").read_bytes() == (tmp_path / "b.img").read_bytes()


def test_uefi_corrupt_kernel_reports_and_returns(tmp_path):
    """A stub whose embedded kernel header is damaged prints why and returns an
    error to OVMF (which moves on) instead of jumping into garbage."""
    out = build("uefi")
    efi = bytearray((out / "toro.efi").read_bytes())
    kernel = (out / "toro.bin").read_bytes()
    at = efi.find(kernel[:64])
    assert at >= 0 and efi[at + 8:at + 16] == KERNEL_MAGIC
    efi[at + 8] ^= 0xff
    shutil.copy(out / ".config", tmp_path / ".config")
    (tmp_path / "toro.efi").write_bytes(bytes(efi))
    subprocess.run([str(ROOT / "scripts" / "mkesp.sh"), str(tmp_path / "toro.efi"),
                    str(tmp_path / "esp.img")], check=True)
    text = boot_until(tmp_path, "toro-efi: the embedded kernel image is corrupt", timeout=60)
    assert "(status 0x8000000000000001)" in text, text  # EFI_LOAD_ERROR
    assert "toro: uefi boot" not in text
