# SPDX-License-Identifier: MIT
"""The VFS and <toro/fs.h> in the guest (apps/fstest), checked from the host's side.

The guest boots on microvm with an ext2 root (vda, made by mke2fs -d) and a FAT16
disk (vdb, mkfs.fat -F 16 + mcopy) that it mounts itself on /mnt; it creates, writes,
appends, truncates, renames and removes files and directories on both, checks errno
of bad calls, and two writer threads on two CPUs write files into the root at once.
The FAT disk is dedicated to CPU 1, so its mount and every call on it run there.
Afterwards the host checks the images: e2fsck -fn and fsck.fat -n are clean, debugfs
and mtype read what the guest wrote, and what was there before is intact; a file the
guest wrote on ext2 has an mtime of today (the guest's RTC is the host's clock).
"""

import re
import shutil
import subprocess
import time

import pytest
from torotest import boot, build

BIG_FINAL = 100000
FAT_DATA_FINAL = 40000
THREAD_BYTES = 64 * 1024

TOOLS = ("mke2fs", "e2fsck", "debugfs", "mkfs.fat", "fsck.fat", "mcopy", "mtype")


def pattern(seed, n):
    """apps/fstest/main.c pattern()."""
    return bytes(((i * 7 + seed * 13) ^ (i >> 9)) & 0xFF for i in range(n))


def run(*args, check=True):
    p = subprocess.run(args, capture_output=True, timeout=120)
    if check and p.returncode != 0:
        out = (p.stdout + p.stderr).decode(errors="replace")
        raise AssertionError(f"{' '.join(args)} failed ({p.returncode}):\n{out}")
    return p


def make_ext2(tmp_path):
    src = tmp_path / "rootfs"
    (src / "etc").mkdir(parents=True)
    (src / "etc" / "motd").write_text("made on the host\n")
    img = tmp_path / "root.img"
    run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-d", str(src), str(img), "8M")
    return img


def make_fat(tmp_path):
    img = tmp_path / "fat.img"
    run("mkfs.fat", "-F", "16", "-C", str(img), "16384")
    pre = tmp_path / "pre.txt"
    pre.write_text("before the guest\n")
    run("mcopy", "-i", str(img), str(pre), "::/PRE.TXT")
    return img


def disks(*images):
    return " ".join(f"-drive id=v{i},file={img},format=raw,if=none "
                    f"-device virtio-blk-device,drive=v{i}" for i, img in enumerate(images))


def debugfs_cat(img, path):
    return run("debugfs", "-R", f"cat {path}", str(img)).stdout


def debugfs_mtime(img, path):
    """i_mtime of @path, from debugfs stat (seconds since 1970)."""
    out = run("debugfs", "-R", f"stat {path}", str(img)).stdout.decode(errors="replace")
    m = re.search(r"^\s*mtime: 0x([0-9a-f]+)", out, re.M)
    assert m, out
    return int(m.group(1), 16)


def mtype(img, path):
    return run("mtype", "-i", str(img), f"::{path}").stdout


@pytest.fixture(scope="module")
def fstest():
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        pytest.skip(f"missing host tools: {missing}")
    return build("vfs-fstest", fragments=["fstest.config"], defconfig="microvm")


def test_vfs_ext2_root_and_fat_mount(fstest, tmp_path):
    root, fat = make_ext2(tmp_path), make_fat(tmp_path)
    # vdb belongs to CPU 1: the FAT mount runs there, reached from main() on CPU 0.
    r = boot(fstest, cmdline="blk.dedicate=vdb:1 -- threads=2", smp=2,
             qemu_args=disks(root, fat), timeout=300)
    assert "VFS: mounted vda (ext2) on / read-write" in r.out, r.out
    assert "fstest: FAIL" not in r.out, r.out
    assert "fstest: 2 writers on 2 CPUs" in r.out, r.out
    assert "fstest: ok" in r.out and r.exit_code == 0, r.out

    # ext2: clean, and holding what the guest wrote and what the host had put there.
    run("e2fsck", "-fn", str(root))
    assert debugfs_cat(root, "/d/b.txt") == b"hello\nworld\n"
    assert debugfs_cat(root, "/d/big.bin") == pattern(1, BIG_FINAL)
    for i in range(2):
        assert debugfs_cat(root, f"/t{i}.bin") == pattern(10 + i, THREAD_BYTES), i
    assert debugfs_cat(root, "/etc/motd") == b"made on the host\n"
    assert b"a.txt" not in run("debugfs", "-R", "ls /d", str(root)).stdout
    assert abs(debugfs_mtime(root, "/d/b.txt") - time.time()) < 86400

    # FAT16: clean, long name kept, data truncated, the host's file intact.
    run("fsck.fat", "-n", str(fat))
    assert mtype(fat, "/Long File Name.txt") == b"FAT says hi\n"
    assert mtype(fat, "/sub/data.bin") == pattern(2, FAT_DATA_FINAL)
    assert mtype(fat, "/PRE.TXT") == b"before the guest\n"
    assert run("mtype", "-i", str(fat), "::/tmp.txt", check=False).returncode != 0


def test_vfs_read_only_root(fstest, tmp_path):
    """`ro` on the command line: the root refuses writes (EROFS), the image is unchanged."""
    root = make_ext2(tmp_path)
    before = root.read_bytes()
    r = boot(fstest, cmdline="ro -- ro", qemu_args=disks(root), timeout=300)
    assert "VFS: mounted vda (ext2) on / read-only" in r.out, r.out
    assert "fstest: ok" in r.out and r.exit_code == 0, r.out
    assert root.read_bytes() == before


def test_vfs_bad_root(fstest, tmp_path):
    """A root that cannot be mounted is reported; the app still runs, with no root."""
    junk = tmp_path / "junk.img"
    junk.write_bytes(bytes(1 << 20))
    r = boot(fstest, cmdline="-- only=root", qemu_args=disks(junk), timeout=300)
    assert "VFS: cannot mount root vda: Invalid argument" in r.out, r.out
    assert "fstest: no root file system" in r.out and r.exit_code == 2, r.out
    r = boot(fstest, cmdline="root=vdz -- only=root", qemu_args=disks(junk), timeout=300)
    assert "VFS: cannot mount root vdz: No such file or directory" in r.out, r.out
