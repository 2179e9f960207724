# SPDX-License-Identifier: MIT
"""Issue 6 acceptance 4 and 5: full disks and corrupt images, ext2 and FAT16.

Full disk: the guest copies a file until the disk is full; the copy that does not fit
fails with `error: ...: No space left on device`, the disk stays fsck clean, what was
written before is intact, and after a delete writing works again.

Corrupt images: nine kinds of damage per file system (tests/lib/storagetest.py
corrupt_ext2 / corrupt_fat: bad magic, impossible geometry, tables and block pointers past
the disk, FAT chain loops, directory entries with impossible lengths or inodes). The
damaged disk is vdb, mounted by the shell (read-only: not one byte may change); the
kernel must neither crash nor hang: the mount fails with a clear error, or reading the
damaged file gives EIO while the other files read right; the shell still answers and
`poweroff 7` exits with 7. Read-write mounts of a damaged disk must not damage the
files that were fine. One boot per case on microvm (the quickest machine).
"""

import re

import pytest
from storagetest import (EXT2_KINDS, FAT_KINDS, MACHINES, Image, copy_image, corrupt_ext2,
                         corrupt_fat, fat_layout, make_ext2, make_fat16, populate, run_shell,
                         sh, sha256, shell_build)

M = MACHINES["microvm"]
CRASH = ("Kernel panic", "Kernel exception")
FSTYPE = {"ext2": "ext2", "fat16": "vfat"}


def no_crash(run):
    for c in CRASH:
        assert c not in run.out, f"the kernel crashed:\n{run}"


# --- full disk ------------------------------------------------------------------------

FILL = 1 << 20


def free_bytes(img):
    if img.fs == "ext2":
        head = sh("dumpe2fs", "-h", img.path).stdout.decode()
        blocks = int(re.search(r"^Free blocks:\s+(\d+)", head, re.M).group(1))
        bs = int(re.search(r"^Block size:\s+(\d+)", head, re.M).group(1))
        return blocks * bs
    lay = fat_layout(str(img.path), img.offset)
    used = int(re.search(r"(\d+)/\d+ clusters", img.fsck()[1]).group(1))
    return (lay["clusters"] - used) * lay["spc"] * lay["bps"]


@pytest.mark.parametrize("fs", ["ext2", "fat16"])
def test_full_disk(fs, tmp_path):
    out = shell_build("microvm")
    src = tmp_path / "files"
    src.mkdir()
    fill = bytes(range(256)) * (FILL // 256 - 1) + b"end of fill\n".ljust(256, b".")
    (src / "fill.bin").write_bytes(fill)
    (src / "keep.txt").write_bytes(b"written before the disk filled up\n")
    img = make_ext2(tmp_path / "d.img", src, 6) if fs == "ext2" else \
        make_fat16(tmp_path / "d.img", src, 6)
    copies = free_bytes(img) // FILL + 2
    script = ["df"] + [f"cp /fill.bin /c{i}" for i in range(copies)] + [
        "df",
        "rm /c0",
        "write /after.txt written after the disk was full",
        "cat /after.txt",
        "sha256 /keep.txt",
        "poweroff",
    ]
    run = run_shell(out, M, script, disks=[img.path],
                    cmdline=f"root=vda rootfstype={FSTYPE[fs]}", timeout=300)
    no_crash(run)
    assert run.exit_code == 0, run
    failed = [i for i in range(copies) if run.errors(f"cp /fill.bin /c{i}")]
    assert failed, f"{copies} MiB fit on a {free_bytes(img) >> 20} MiB disk?\n{run}"
    first = failed[0]
    err = run.errors(f"cp /fill.bin /c{first}")
    assert re.match(r"error: .*: No space left on device$", err[0]), run
    assert first >= 1, f"the first copy already failed:\n{run}"
    assert not run.errors("write /after.txt written after the disk was full"), run
    assert "written after the disk was full" in run.output("cat /after.txt"), run
    assert run.sha256("/keep.txt") == sha256(b"written before the disk filled up\n"), run
    clean, fsck = img.fsck()
    assert clean, f"not clean after a full disk:\n{fsck}\n{run}"
    assert img.cat("after.txt") == b"written after the disk was full\n"
    assert img.cat("keep.txt") == b"written before the disk filled up\n"
    assert img.cat("fill.bin") == fill
    assert not img.exists("c0")
    for i in range(1, copies):
        got = img.cat(f"c{i}")
        if i < first:
            assert got == fill, f"c{i} (copied before the disk was full) differs"
        else:
            assert got is None or fill.startswith(got), f"c{i}: not a prefix of the source"


# --- corrupt images -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """A small clean root disk (with /c to mount on), and clean images to corrupt."""
    d = tmp_path_factory.mktemp("corrupt")
    root_src = d / "root"
    (root_src / "c").mkdir(parents=True)
    (root_src / "root.txt").write_bytes(b"the root file system is fine\n")
    files_src = d / "files"
    files = populate(files_src, big_mib=1)
    return {
        "root": make_ext2(d / "root.img", root_src, 4),
        "ext2": make_ext2(d / "ext2.img", files_src, 8, 1024),
        "fat16": make_fat16(d / "fat.img", files_src, 8),
        "files": files,
    }


def corrupt_script(fs, ro=True):
    return [
        f"mount vdb /c {FSTYPE[fs]}" + (" ro" if ro else ""),
        "ls /c",
        "cat /c/victim.txt",
        "sha256 /c/other.txt",
        "ls /c/docs",
        "sha256 /c/big.bin",
        "umount /c",
        "cat /root.txt",
        "uptime",
        "poweroff 7",
    ]


VICTIM_OP = {"indirect-past-end": "sha256 /c/big.bin"}


def boot_corrupt(sources, fs, kind, tmp_path, ro=True):
    img = copy_image(sources[fs].path, tmp_path / f"{fs}-{kind}.img")
    (corrupt_ext2 if fs == "ext2" else corrupt_fat)(img, kind)
    before = img.read_bytes()
    root = copy_image(sources["root"].path, tmp_path / "root.img")
    script = corrupt_script(fs, ro)
    run = run_shell(shell_build("microvm"), M, script, disks=[root, img],
                    cmdline="root=vda rootfstype=ext2", mem=128, timeout=240)
    no_crash(run)
    # The shell still answers and powers off through the normal path.
    assert "the root file system is fine" in run.output("cat /root.txt"), run
    assert re.search(r"^up \d+\.\d{3} s$", run.output("uptime"), re.M), run
    assert run.exit_code == 7, f"poweroff 7 did not exit 7:\n{run}"
    return run, img, before


def check_corrupt_outcome(run, sources, fs, kind, expect):
    mount_errors = run.errors(0)
    if expect == "mount":
        assert mount_errors, f"{kind}: a {fs} disk with this damage was mounted:\n{run}"
        assert re.match(r"error: mount .*: \S", mount_errors[0]), run
        return
    if mount_errors:
        return      # refusing the whole volume is allowed too
    if expect == "file":
        op = VICTIM_OP.get(kind, "cat /c/victim.txt")
        errs = run.errors(op)
        assert errs and errs[0].endswith(": Input/output error"), \
            f"{kind}: `{op}` did not fail with EIO:\n{run}"
    # The undamaged file reads right.
    assert run.sha256("/c/other.txt") == sha256(sources["files"]["other.txt"]), run


@pytest.mark.parametrize("kind", sorted(EXT2_KINDS))
def test_corrupt_ext2(kind, sources, tmp_path):
    run, img, before = boot_corrupt(sources, "ext2", kind, tmp_path)
    check_corrupt_outcome(run, sources, "ext2", kind, EXT2_KINDS[kind])
    assert img.read_bytes() == before, f"a read-only mount changed the disk:\n{run}"


@pytest.mark.parametrize("kind", sorted(FAT_KINDS))
def test_corrupt_fat(kind, sources, tmp_path):
    run, img, before = boot_corrupt(sources, "fat16", kind, tmp_path)
    check_corrupt_outcome(run, sources, "fat16", kind, FAT_KINDS[kind])
    assert img.read_bytes() == before, f"a read-only mount changed the disk:\n{run}"


RW_SCRIPT = {
    "ext2": ["mount vdb /c ext2", "cat /c/victim.txt", "rm /c/victim.txt",
             "write /c/new.txt written next to the damage", "sha256 /c/other.txt",
             "umount /c", "uptime", "poweroff 7"],
}
RW_SCRIPT["fat16"] = [RW_SCRIPT["ext2"][0].replace("ext2", "vfat")] + RW_SCRIPT["ext2"][1:]


@pytest.mark.parametrize("fs,kind", [("ext2", "block-past-end"), ("ext2", "rec-len-zero"),
                                     ("fat16", "chain-loop"), ("fat16", "chain-past-end")])
def test_corrupt_read_write_mount_keeps_good_data(fs, kind, sources, tmp_path):
    """Mounted read-write, a damaged file is refused (even rm must not free blocks it
    does not own) and the files that were fine stay fine."""
    img = copy_image(sources[fs].path, tmp_path / f"{fs}-{kind}.img")
    (corrupt_ext2 if fs == "ext2" else corrupt_fat)(img, kind)
    root = copy_image(sources["root"].path, tmp_path / "root.img")
    run = run_shell(shell_build("microvm"), M, RW_SCRIPT[fs], disks=[root, img],
                    cmdline="root=vda rootfstype=ext2", mem=128, timeout=240)
    no_crash(run)
    assert re.search(r"^up \d+\.\d{3} s$", run.output("uptime"), re.M), run
    assert run.exit_code == 7, run
    files = sources["files"]
    host = Image(img, fs)
    for path in ("other.txt", "hello.txt", "docs/readme.txt", "docs/nested/deep.txt",
                 "big.bin"):
        if kind == "rec-len-zero" and path.startswith("docs/"):
            continue        # the damaged folder itself
        assert host.cat(path) == files[path], f"{path} damaged:\n{run}"
    if not run.errors(0) and not run.errors("write /c/new.txt written next to the damage"):
        assert host.cat("new.txt") == b"written next to the damage\n", run


@pytest.mark.parametrize("fs", ["ext2", "fat16"])
def test_corrupt_root_file_system(fs, sources, tmp_path):
    """root= names a disk with a bad magic number: the kernel says so, the shell runs
    without a root, and nothing is written to the disk."""
    img = copy_image(sources[fs].path, tmp_path / "bad.img")
    if fs == "ext2":
        corrupt_ext2(img, "bad-magic")
    else:
        corrupt_fat(img, "bad-signature")
    before = img.read_bytes()
    run = run_shell(shell_build("microvm"), M, ["ls /", "mount", "uptime", "poweroff 7"],
                    disks=[img], cmdline=f"root=vda rootfstype={FSTYPE[fs]}", mem=128,
                    timeout=240)
    no_crash(run)
    assert "cannot mount root vda" in run.out, run
    assert re.search(r"^up \d+\.\d{3} s$", run.output("uptime"), re.M), run
    assert run.exit_code == 7, run
    assert img.read_bytes() == before
