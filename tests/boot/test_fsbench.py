# SPDX-License-Identifier: MIT
"""apps/fsbench (the storage part of `make bench`) on microvm, checked from the host.

The app writes /fsbench.dat on the root ext2 file system in one boot and reads it
back in a second boot of the same image, as bench/storage.py does. From outside:
its lines say it measured the right disk and byte count, the host finds the file
with exactly that size and content in the image, and e2fsck finds the image clean.
Bad input (an unknown argument, reading a file that is not there) is an error line
and exit code 1, not a hang. No timing is asserted: speed is `make bench`'s job.
"""

import re
import subprocess

import pytest
from torotest import boot, build

MIB = 4
CHUNK = 1 << 20


def expected_content():
    """What apps/fsbench/main.c writes: the same 1 MiB pattern, MIB times."""
    chunk = bytes((i * 7 + 1) & 0xFF for i in range(CHUNK))
    return chunk * MIB


@pytest.fixture(scope="module")
def fsbench():
    return build("bench-fsbench-microvm", fragments=["fsbench.config"], defconfig="microvm")


@pytest.fixture
def image(tmp_path):
    img = tmp_path / "ext2.img"
    with open(img, "wb") as f:
        f.truncate(32 << 20)
    subprocess.run(["/usr/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", str(img)],
                   check=True)
    return img


def disk(img):
    return f"-drive file={img},format=raw,cache=unsafe,if=none,id=d0 " \
           "-device virtio-blk-device,drive=d0"


def run(out, img, args):
    return boot(out, cmdline=f"root=vda rootfstype=ext2 -- {args}", mem=128,
                qemu_args=disk(img), timeout=120)


def test_write_then_read_in_two_boots(fsbench, image, tmp_path):
    r = run(fsbench, image, f"write mib={MIB}")
    assert "fsbench: / is ext2 on vda\n" in r.out, r.out
    assert re.search(rf"fsbench: write {MIB << 20} bytes in \d+ us\n", r.out), r.out
    assert r.exit_code == 0, r.out
    dump = tmp_path / "dump"
    subprocess.run(["/usr/sbin/debugfs", "-R", f"dump /fsbench.dat {dump}", str(image)],
                   check=True, capture_output=True)
    assert dump.read_bytes() == expected_content()
    r = run(fsbench, image, "read")
    assert re.search(rf"fsbench: read {MIB << 20} bytes in \d+ us\n", r.out), r.out
    assert r.exit_code == 0, r.out
    fsck = subprocess.run(["/usr/sbin/e2fsck", "-fn", str(image)], capture_output=True,
                          text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_bad_input_is_an_error(fsbench, image):
    r = run(fsbench, image, "frob")
    assert "fsbench: error: unknown argument 'frob'" in r.out, r.out
    assert r.exit_code == 1, r.out
    r = run(fsbench, image, "read")
    assert "fsbench: error: open /fsbench.dat: No such file or directory" in r.out, r.out
    assert r.exit_code == 1, r.out
