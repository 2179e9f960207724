# SPDX-License-Identifier: MIT
"""Issue 6 acceptance 6: two CPUs writing files on one disk dedicated to CPU 1.

- apps/fstest's writer threads, one per CPU, write files on a root disk dedicated to
  CPU 1 from the command line (`blk.dedicate=vda:1`); the host reads every byte back.
- The shell on CPU 0 gives vda to CPU 1 (`dedicate vda 1`, blk_dedicate(); a disk with
  a mounted file system cannot move, so the kernel mounts no root and the shell mounts
  vda after), `lsblk` shows the new owner, then writes, copies and removes files: every
  request crosses to CPU 1 through the exchange slots.
The host then finds every byte (debugfs) and a clean file system (e2fsck -fn).
"""

import re

import pytest
from storagetest import (MACHINES, Image, copy_image, make_ext2, populate, run_shell, sha256,
                         shell_build)
from torotest import ROOT, boot, build

FILES = 12


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    d = tmp_path_factory.mktemp("smp")
    files = populate(d / "files", big_mib=3)
    return make_ext2(d / "smp.img", d / "files", 32, 1024), files


def owner_of(lsblk, dev):
    m = re.search(rf"^{dev} \d+ [01] (\d+)$", lsblk, re.M)
    assert m, f"no {dev} row in lsblk:\n{lsblk}"
    return int(m.group(1))


@pytest.mark.parametrize("mname", ["microvm", "q35-virtio"])
def test_shell_writes_on_a_disk_dedicated_to_cpu1(mname, image, tmp_path):
    m = MACHINES[mname]
    src, files = image
    img = Image(copy_image(src.path, tmp_path / "smp.img"), "ext2")
    script = ["cpus", "lsblk", "dedicate vda 1", "lsblk", "mount vda / ext2", "mkdir /smp"]
    script += [f"write /smp/f{i}.txt file {i} written while CPU 1 owns the disk"
               for i in range(FILES)]
    script += [f"append /smp/f{i}.txt line two of {i}" for i in range(0, FILES, 3)]
    script += ["cp /big.bin /smp/big1.bin", "cp /smp/big1.bin /smp/big2.bin",
               "sha256 /smp/big2.bin", "rm /smp/big1.bin", "mv /hello.txt /smp/hello.txt",
               "sync", "lsblk", "poweroff"]
    run = run_shell(shell_build(m.build), m, script, disks=[img.path], smp=2, cmdline="root=",
                    timeout=300)
    assert "Kernel panic" not in run.out and "Kernel exception" not in run.out, run
    assert run.exit_code == 0, run
    assert re.search(r"^cpus: 2$", run.output("cpus"), re.M), run
    assert owner_of(run.output(1), "vda") == 0, run
    assert not run.errors("dedicate vda 1"), run
    assert owner_of(run.output(3), "vda") == 1, run
    assert owner_of(run.output(len(script) - 2), "vda") == 1, run
    for i in range(len(script) - 1):
        assert not run.errors(i), f"{script[i]} failed:\n{run}"
    assert run.sha256("/smp/big2.bin") == sha256(files["big.bin"]), run
    clean, fsck = img.fsck()
    assert clean, f"e2fsck -fn:\n{fsck}"
    host = img
    for i in range(FILES):
        want = f"file {i} written while CPU 1 owns the disk\n"
        if i % 3 == 0:
            want += f"line two of {i}\n"
        assert host.cat(f"smp/f{i}.txt") == want.encode(), i
    assert host.cat("smp/big2.bin") == files["big.bin"]
    assert not host.exists("smp/big1.bin")
    assert host.cat("smp/hello.txt") == files["hello.txt"]


def pattern(seed, n):
    """apps/fstest/main.c pattern()."""
    return bytes(((i * 7 + seed * 13) ^ (i >> 9)) & 0xFF for i in range(n))


FSTEST = ROOT / "apps" / "fstest" / "main.c"


@pytest.mark.skipif(not FSTEST.exists(), reason="no apps/fstest")
def test_fstest_two_cpu_writers_on_a_disk_dedicated_to_cpu1(tmp_path):
    out = build("disk-fstest-microvm", fragments=["fstest.config"], defconfig="microvm")
    d = tmp_path / "files"
    d.mkdir()
    root = make_ext2(tmp_path / "root.img", d, 32, 1024)
    r = boot(out, cmdline="blk.dedicate=vda:1 root=vda rootfstype=ext2 -- only=root threads=2",
             smp=2, mem=256, timeout=300,
             qemu_args=f"-drive file={root.path},format=raw,if=none,id=r "
                       "-device virtio-blk-device,drive=r")
    assert "Kernel panic" not in r.out and "Kernel exception" not in r.out, r.out
    assert "blk: vda: dedicated to cpu 1" in r.out, r.out
    assert "fstest: 2 writers on 2 CPUs" in r.out, r.out
    assert "fstest: ok" in r.out and r.exit_code == 0, r.out
    clean, fsck = root.fsck()
    assert clean, fsck
    for i in range(2):
        assert root.cat(f"t{i}.bin") == pattern(10 + i, 64 * 1024), f"/t{i}.bin"
