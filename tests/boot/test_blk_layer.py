# SPDX-License-Identifier: MIT
"""The block layer on microvm (virtio-blk-device): MBR partitions, dedication.

Partition tables are made on the host by sfdisk (util-linux), with an extended
partition holding two logical ones; apps/blktest lists the partitions the kernel
found (vda1, vda5, vda6: sizes and offsets as sfdisk chose), checksums one and
writes into it, and the host then finds the bytes at the partition's offset and
nowhere else. A corrupt table (a loop in the EBR chain) and a GPT disk give a log
line and no partitions, and the disks stay usable. Dedication: with two CPUs and
`blk.dedicate=vda:1` (or blk_dedicate() from the app), the disk's interrupt moves
to CPU 1, blktest's requests from CPU 0 are forwarded there, and the write check
from a thread on each CPU lands on the disk.
"""

import os
import random
import shutil
import subprocess

import pytest
from blkcheck import fnv1a, pattern
from torotest import boot, build

SECTOR = 512
DISK_BYTES = 8 << 20
LAYOUT = """label: dos
start=2048, size=4096, type=83
start=6144, type=5
start=8192, size=2048, type=83
start=12288, size=2048, type=c
"""
PARTS = {"vda1": (2048, 4096), "vda5": (8192, 2048), "vda6": (12288, 2048)}
EBR1, EBR2 = 6144, 10240




def sfdisk():
    path = shutil.which("sfdisk") or "/usr/sbin/sfdisk"
    if not os.path.exists(path):
        pytest.fail("sfdisk not found: scripts/install-deps.sh installs Debian's fdisk")
    return path


def make_disk(path, script, seed):
    """Random bytes, then the table sfdisk writes; returns the image's bytes."""
    path.write_bytes(random.Random(seed).randbytes(DISK_BYTES))
    subprocess.run([sfdisk(), "--wipe", "never", "-q", str(path)], input=script.encode(),
                   check=True, capture_output=True)
    return path.read_bytes()


def disk_args(path, n):
    return (f"-drive id=d{n},file={path},format=raw,if=none "
            f"-device virtio-blk-device,drive=d{n}")


@pytest.fixture(scope="module")
def blktest():
    return build("blk-microvm-blktest", fragments=["blktest.config"], defconfig="microvm")


def check_write(path, before, first_sector, write_first, count):
    """The pattern is at the partition's offset and nothing else changed."""
    start = (first_sector + write_first) * SECTOR
    end = start + count * SECTOR
    expect = before[:start] + pattern(write_first, count) + before[end:]
    after = path.read_bytes()
    assert len(after) == len(expect)
    assert after == expect, "bytes changed outside the partition's write range"


def test_partitions(blktest, tmp_path):
    disk = tmp_path / "disk.img"
    before = make_disk(disk, LAYOUT, 1)
    r = boot(blktest, cmdline="-- dev=vda5 write=3:5", qemu_args=disk_args(disk, 1),
             timeout=120)
    assert "part: vda: vda1 < vda5 vda6 >\n" in r.out, r.out
    for name, (first, count) in PARTS.items():
        assert f"blktest: {name} sectors {count} size 512 ro 0\n" in r.out, r.out
    assert "blktest: vda2 " not in r.out, r.out  # the extended container is no device
    first, count = PARTS["vda5"]
    data = before[first * SECTOR:(first + count) * SECTOR]
    assert f"blktest: vda5 sum {count} sectors {fnv1a(data):016x}\n" in r.out, r.out
    assert "blktest: vda5 write 3+5: ok (0)" in r.out, r.out
    assert "blktest: vda5 past end: -22, unknown device: -19" in r.out, r.out
    assert "blktest: read/write ok" in r.out and r.exit_code == 0, r.out
    check_write(disk, before, first, 3, 5)


def test_corrupt_table_and_gpt(blktest, tmp_path):
    """An EBR chain that loops, and a GPT disk: logged, no partitions, disks still work."""
    bad, gpt = tmp_path / "bad.img", tmp_path / "gpt.img"
    data = bytearray(make_disk(bad, LAYOUT, 2))
    # EBR2's "next" record points back at EBR1 (offset 0 in the extended partition).
    rec = EBR2 * SECTOR + 446 + 16
    data[rec:rec + 16] = bytes([0, 0, 0, 0, 0x05, 0, 0, 0]) + (0).to_bytes(4, "little") + \
        (1).to_bytes(4, "little")
    bad.write_bytes(bytes(data))
    make_disk(gpt, "label: gpt\nsize=1M\n", 3)
    r = boot(blktest, cmdline="-- write=64:8", qemu_args=f"{disk_args(bad, 1)} {disk_args(gpt, 2)}",
             timeout=120)
    assert "part: vda: corrupt partition table: loop in the extended partition chain" in r.out, \
        r.out
    assert "part: vdb: GPT not supported" in r.out, r.out
    assert "blktest: vda1 " not in r.out and "blktest: vdb1 " not in r.out, r.out
    assert "blktest: vda write 64+8: ok (0)" in r.out, r.out
    assert "blktest: read/write ok" in r.out and r.exit_code == 0, r.out
    check_write(bad, bytes(data), 0, 64, 8)


def check_dedicated(r, disk, before, count):
    assert "vblk: vda: interrupts to cpu 1\n" in r.out, r.out
    assert "blk: vda: dedicated to cpu 1\n" in r.out, r.out
    for cpu in (0, 1):
        assert f"blktest: vda5 write from cpu {cpu}: ok" in r.out, r.out
    line = next(l for l in r.out.splitlines() if l.startswith("blktest: vda owner cpu "))
    assert line.startswith("blktest: vda owner cpu 1 first 0 forwarded "), r.out
    assert int(line.split()[-1]) > 0, r.out  # CPU 0's requests went to CPU 1
    assert "blktest: vda5 owner cpu 1 first 8192 " in r.out, r.out
    assert "blktest: read/write ok" in r.out and r.exit_code == 0, r.out
    # CPU 0 wrote sectors 3.., CPU 1 the next `count` (apps/blktest check_from_every_cpu()).
    check_write(disk, before, PARTS["vda5"][0], 3, 2 * count)


def test_dedication_cmdline(blktest, tmp_path):
    disk = tmp_path / "disk.img"
    before = make_disk(disk, LAYOUT, 4)
    r = boot(blktest, smp=2, timeout=120, qemu_args=disk_args(disk, 1),
             cmdline="blk.dedicate=junk blk.dedicate=vdz:1 blk.dedicate=vda:7 "
                     "blk.dedicate=vda:1 -- dev=vda5 write=3:6 sum=4096 cpus")
    assert "blk: cannot parse blk.dedicate=junk (want NAME:CPU)" in r.out, r.out
    assert "blk: blk.dedicate=vdz:1: no device vdz" in r.out, r.out
    assert "blk: blk.dedicate=vda:7: no cpu 7 (2 cpus)" in r.out, r.out
    check_dedicated(r, disk, before, 6)


def test_dedication_api(blktest, tmp_path):
    """blk_dedicate() on a partition moves its disk, at run time, from the app."""
    disk = tmp_path / "disk.img"
    before = make_disk(disk, LAYOUT, 5)
    r = boot(blktest, smp=2, timeout=120, qemu_args=disk_args(disk, 1),
             cmdline="-- dedicate=vda5:1 dev=vda5 write=3:4 sum=4096 cpus")
    assert "blktest: dedicate vda5:1: 0\n" in r.out, r.out
    check_dedicated(r, disk, before, 4)
