# SPDX-License-Identifier: MIT
"""Issue 6 acceptance 1 and 2: the shell reads and writes ext2 and FAT16 disks made on
the host, on every machine and disk device, and a host folder shared through vvfat.

The guest prints sha256 of the host's files (compared with the host's), writes, appends,
makes folders, copies a 17 MiB file (double indirect blocks on ext2), removes, renames
and powers off; then the host checks the image: `e2fsck -fn` / `fsck.fat -n` clean, and
`debugfs -R cat` / `mcopy` return exactly what the guest wrote. One boot per case; the
images are made once per session and copied. Helpers: tests/lib/storagetest.py.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from storagetest import (MACHINES, copy_image, dev_name, make_ext2, make_fat16, populate,
                         run_shell, sh, sha256, shell_build)

BIG_MIB = 17
CRASH = ("Kernel panic", "Kernel exception")


@pytest.fixture(scope="session")
def host_files(tmp_path_factory):
    src = tmp_path_factory.mktemp("storage-src") / "files"
    return src, populate(src, big_mib=BIG_MIB, long_names=True)


@pytest.fixture(scope="session")
def images(host_files, tmp_path_factory):
    """{("ext2", 1024) | ("ext2", 4096) | ("fat16", "mbr") | ("fat16", "whole"): Image}"""
    src, _ = host_files
    d = tmp_path_factory.mktemp("storage-images")
    return {
        ("ext2", 1024): make_ext2(d / "ext2-1k.img", src, 64, 1024),
        ("ext2", 4096): make_ext2(d / "ext2-4k.img", src, 64, 4096),
        ("fat16", "mbr"): make_fat16(d / "fat-mbr.img", src, 64, mbr=True),
        ("fat16", "whole"): make_fat16(d / "fat.img", src, 64),
    }


def fresh(image, tmp_path):
    """A copy of a session image for one boot."""
    img = copy_image(image.path, tmp_path / image.path.name)
    return type(image)(img, image.fs, image.offset)


def check_clean_run(run, expected_errors=0):
    for c in CRASH:
        assert c not in run.out, f"the kernel crashed:\n{run}"
    assert run.exit_code == 0, f"poweroff did not exit 0:\n{run}"
    errors = [e for i in range(len(run.lines) - 1) for e in run.errors(i)]
    assert len(errors) == expected_errors, f"unexpected errors {errors}:\n{run}"


EXT2_SCRIPT = [
    "ls /",
    "sha256 /hello.txt",
    "sha256 /docs/nested/deep.txt",
    "sha256 /big.bin",
    "cat /hello.txt",
    "write /new.txt written by the guest",
    "append /new.txt second line",
    "mkdir /newdir",
    "mkdir /newdir/sub",
    'write /newdir/sub/file.txt nested "quoted  words"',
    "cp /big.bin /newdir/big-copy.bin",
    "sha256 /newdir/big-copy.bin",
    "rm /remove-me.txt",
    "mv /move-me.txt /newdir/moved.txt",
    "cat /newdir/moved.txt",
    "rmdir /empty-dir",
    "ls /newdir",
    "ls /",
    "poweroff",
]


@pytest.mark.parametrize("block_size", [1024, 4096], ids=["1k", "4k"])
@pytest.mark.parametrize("mname", sorted(MACHINES))
def test_ext2_read_write(mname, block_size, host_files, images, tmp_path):
    m = MACHINES[mname]
    out = shell_build(m.build)
    _, files = host_files
    img = fresh(images[("ext2", block_size)], tmp_path)
    run = run_shell(out, m, EXT2_SCRIPT, disks=[img.path],
                    cmdline=f"root={dev_name(m)} rootfstype=ext2")
    check_clean_run(run)
    # What the guest read.
    for name in ("hello.txt", "big.bin", "docs", "A long file name.txt", "remove-me.txt"):
        assert name in run.output("ls /"), run
    for path in ("hello.txt", "docs/nested/deep.txt", "big.bin"):
        assert run.sha256("/" + path) == sha256(files[path]), f"/{path}:\n{run}"
    assert files["hello.txt"].decode() in run.output("cat /hello.txt"), run
    assert files["move-me.txt"].decode() in run.output("cat /newdir/moved.txt"), run
    assert run.output("ls /newdir").split() == ["big-copy.bin", "moved.txt", "sub"], run
    after = run.output(len(EXT2_SCRIPT) - 2)
    assert "new.txt" in after and "remove-me.txt" not in after and "empty-dir" not in after, run
    assert run.sha256("/newdir/big-copy.bin") == sha256(files["big.bin"]), run
    # What the host finds.
    clean, fsck = img.fsck()
    assert clean, f"e2fsck -fn:\n{fsck}\n{run}"
    assert img.cat("new.txt") == b"written by the guest\nsecond line\n"
    assert img.cat("newdir/sub/file.txt") == b"nested quoted  words\n"
    assert img.cat("newdir/moved.txt") == files["move-me.txt"]
    copy = img.cat("newdir/big-copy.bin")
    assert copy is not None and sha256(copy) == sha256(files["big.bin"])
    stat = sh("debugfs", "-R", "stat /newdir/big-copy.bin", img.path).stdout.decode()
    assert "(DIND)" in stat, f"a {BIG_MIB} MiB file without double indirect blocks:\n{stat}"
    for gone in ("remove-me.txt", "move-me.txt", "empty-dir"):
        assert not img.exists(gone), gone
    for path in ("hello.txt", "docs/nested/deep.txt", "big.bin", "other.txt"):
        assert img.cat(path) == files[path], path


FAT_SCRIPT = [
    "ls /",
    "sha256 /hello.txt",
    'sha256 "/A long file name.txt"',
    'cat "/docs/Another Long Name.text"',
    "sha256 /big.bin",
    'write "/Written by the guest.txt" long name from the guest',
    'append "/Written by the guest.txt" and more',
    'mkdir "/Guest Folder"',
    'write "/Guest Folder/inner file.txt" inner',
    'cp /big.bin "/Guest Folder/big copy.bin"',
    'sha256 "/Guest Folder/big copy.bin"',
    "rm /remove-me.txt",
    'mv /move-me.txt "/Guest Folder/Moved with a long name.txt"',
    "rmdir /empty-dir",
    'ls "/Guest Folder"',
    "poweroff",
]

FAT_CASES = {   # machine -> (image, root device)
    "microvm": ("mbr", 1),
    "pc-ata": ("whole", None),
    "q35-virtio": ("mbr", 1),
}


@pytest.mark.parametrize("mname", sorted(FAT_CASES))
def test_fat16_read_write(mname, host_files, images, tmp_path):
    m = MACHINES[mname]
    layout, part = FAT_CASES[mname]
    out = shell_build(m.build)
    _, files = host_files
    img = fresh(images[("fat16", layout)], tmp_path)
    run = run_shell(out, m, FAT_SCRIPT, disks=[img.path],
                    cmdline=f"root={dev_name(m, 0, part)} rootfstype=vfat")
    check_clean_run(run)
    listing = run.output("ls /")
    for name in ("hello.txt", "A long file name.txt", "docs", "big.bin"):
        assert name in listing, f"{name} not listed:\n{run}"
    assert run.sha256("/hello.txt") == sha256(files["hello.txt"]), run
    assert run.sha256("/A long file name.txt") == sha256(files["A long file name.txt"]), run
    assert files["docs/Another Long Name.text"].decode() in \
        run.output('cat "/docs/Another Long Name.text"'), run
    assert run.sha256("/big.bin") == sha256(files["big.bin"]), run
    assert run.sha256("/Guest Folder/big copy.bin") == sha256(files["big.bin"]), run
    assert run.output('ls "/Guest Folder"').splitlines() == \
        ["Moved with a long name.txt", "big copy.bin", "inner file.txt"], run
    # The host's view: clean, long names as the guest wrote them, the bytes.
    clean, fsck = img.fsck()
    assert clean, f"fsck.fat -n:\n{fsck}\n{run}"
    assert "Written by the guest.txt" in img.listing("/")
    assert sorted(img.listing("/Guest Folder")) == \
        sorted(["Moved with a long name.txt", "big copy.bin", "inner file.txt"])
    assert img.cat("Written by the guest.txt") == b"long name from the guest\nand more\n"
    assert img.cat("Guest Folder/inner file.txt") == b"inner\n"
    assert img.cat("Guest Folder/Moved with a long name.txt") == files["move-me.txt"]
    assert sha256(img.cat("Guest Folder/big copy.bin") or b"") == sha256(files["big.bin"])
    for gone in ("remove-me.txt", "move-me.txt", "empty-dir"):
        assert gone not in img.listing("/"), gone
    for path in ("hello.txt", "A long file name.txt", "other.txt"):
        assert img.cat(path) == files[path], path


VVFAT_SCRIPT = [
    "ls /",
    "cat /hello.txt",
    'sha256 "/A long file name.txt"',
    'write "/from the guest.txt" written through vvfat',
    "mkdir /guestdir",
    "write /guestdir/inner.txt inner",
    "ls /",
    "poweroff",
]


@pytest.mark.parametrize("mname", ["microvm", "q35-virtio"])
def test_vvfat_share(mname, tmp_path, monkeypatch, request):
    """A host folder as a FAT16 disk (QEMU vvfat, with its MBR: the volume is vda1).
    microvm goes through `SHARE=` of scripts/qemu-run; q35 (virtio-blk-pci) through -drive.

    QEMU 7.2's vvfat itself crashes (SIGSEGV in thread_pool_submit_aio, under vvfat's
    bdrv_pread, while it commits the guest's writes to the folder) on the pc machine:
    behind IDE every time, behind virtio-blk-pci in most boots (5 of 6 with a short
    folder path, 3 of 3 with a long one; the same kernel on q35 6 of 6 fine). So no pc
    case here, and the share gets a short path all the same."""
    m = MACHINES[mname]
    out = shell_build(m.build)
    share = Path(tempfile.mkdtemp(prefix="vvfat-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(share, ignore_errors=True))
    (share / "hello.txt").write_bytes(b"hello from the shared folder\n")
    (share / "A long file name.txt").write_bytes(b"long name on the host\n")
    disks = []
    if mname == "microvm":
        monkeypatch.setenv("SHARE", str(share))
    else:
        disks = [("share", share)]
    run = run_shell(out, m, VVFAT_SCRIPT, disks=disks,
                    cmdline=f"root={dev_name(m, 0, 1)} rootfstype=vfat", mem=128, timeout=300)
    check_clean_run(run)
    assert "hello from the shared folder" in run.output("cat /hello.txt"), run
    assert run.sha256("/A long file name.txt") == sha256(b"long name on the host\n"), run
    assert (share / "from the guest.txt").read_bytes() == b"written through vvfat\n"
    assert (share / "guestdir" / "inner.txt").read_bytes() == b"inner\n"
    assert (share / "hello.txt").read_bytes() == b"hello from the shared folder\n"
