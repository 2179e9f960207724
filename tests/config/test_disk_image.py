# SPDX-License-Identifier: MIT
"""$(O)/disk.img from an application's files/ (CONFIG_DISK_IMAGE_*, scripts/mkdisk.py):
the image holds the files (read back through debugfs and mtools, compared by sha256), is
fsck clean, reproducible, partitioned as asked, rebuilt when a file or an option changes;
missing tools are named with their Debian package; `make run` / qemu-run attach DISK=,
SHARE= and $(O)/disk.img on the configured device."""

import os
import subprocess
import sys
import time

import pytest
from confhelp import fresh_out
from torotest import PYTHON, ROOT, make

sys.path.insert(0, str(ROOT / "tests" / "lib"))
from storagetest import MBR_OFFSET, Image, host_env, mkdisk, sh, sha256  # noqa: E402

APP = r"""#include <toro/stdio.h>

int main(int argc, char **argv)
{
	printf("disk app\n");
	return 0;
}
"""


def sample_files(root):
    """Text, a nested folder, binary bytes, an empty file, a long name; {relpath: bytes}."""
    files = {
        "hello.txt": b"hello from files/\n",
        "dir/nested/deep.txt": b"deep\n" * 300,
        "dir/data.bin": bytes(range(256)) * 4100,       # crosses indirect blocks on 1 KiB
        "empty": b"",
        "A long name, with spaces.txt": b"long names survive\n",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "empty-dir").mkdir()
    return files


def check_contents(img, files):
    clean, out = img.fsck()
    assert clean, out
    for rel, data in files.items():
        got = img.cat(rel)
        assert got is not None, f"{rel} is not in {img.path}"
        assert sha256(got) == sha256(data), f"{rel}: contents differ in {img.path}"
    assert "empty-dir" in img.listing("/")


def sfdisk_dump(path):
    return sh("sfdisk", "-d", path).stdout.decode()


# --- scripts/mkdisk.py alone -------------------------------------------------------

@pytest.mark.parametrize("block_size", [1024, 2048, 4096])
@pytest.mark.parametrize("mbr", [False, True], ids=["whole-disk", "mbr"])
def test_ext2_image_holds_the_files(tmp_path, block_size, mbr):
    src = tmp_path / "files"
    files = sample_files(src)
    out = tmp_path / "disk.img"
    mkdisk("ext2", src, out, 16, block_size=block_size, mbr=mbr)
    assert out.stat().st_size == 16 << 20
    img = Image(out, "ext2", MBR_OFFSET if mbr else 0)
    check_contents(img, files)
    head = sh("dumpe2fs", "-h", img._ext2()).stdout.decode()
    assert f"Block size:               {block_size}\n" in head, head
    assert "Filesystem revision #:    1" in head, head


@pytest.mark.parametrize("mbr", [False, True], ids=["whole-disk", "mbr"])
def test_fat16_image_holds_the_files(tmp_path, mbr):
    src = tmp_path / "files"
    files = sample_files(src)
    out = tmp_path / "disk.img"
    mkdisk("fat16", src, out, 32, mbr=mbr)
    assert out.stat().st_size == 32 << 20
    img = Image(out, "fat16", MBR_OFFSET if mbr else 0)
    check_contents(img, files)
    assert "A long name, with spaces.txt" in img.listing("/")     # the VFAT long name
    boot = img.path.read_bytes()[img.offset:img.offset + 512]
    assert boot[54:62] == b"FAT16   ", boot[54:62]
    hidden = int.from_bytes(boot[28:32], "little")
    assert hidden == (2048 if mbr else 0), f"hidden sectors {hidden}"


@pytest.mark.parametrize("fs,ptype", [("ext2", "83"), ("fat16", "e")])
def test_mbr_layout(tmp_path, fs, ptype):
    src = tmp_path / "files"
    sample_files(src)
    out = tmp_path / "disk.img"
    mkdisk(fs, src, out, 20, mbr=True)
    dump = sfdisk_dump(out)
    assert "label: dos\n" in dump and "label-id: 0x746f726f\n" in dump, dump
    parts = [ln for ln in dump.splitlines() if ln.startswith(str(out))]
    sectors = (20 << 20) // 512
    assert len(parts) == 1, dump
    assert parts[0].split(":", 1)[1].split() == \
        ["start=", "2048,", "size=", f"{sectors - 2048},", f"type={ptype}"], dump


def test_no_mbr_means_no_partition_table(tmp_path):
    out = tmp_path / "disk.img"
    mkdisk("ext2", tmp_path / "missing", out, 8)
    assert sh("sfdisk", "-d", out, check=False).returncode != 0
    assert Image(out, "ext2").listing("/") == ["lost+found"]       # no files/: empty


@pytest.mark.parametrize("fs", ["ext2", "fat16"])
def test_reproducible(tmp_path, fs):
    """Two images of the same files, copied at different times to different places."""
    images = []
    for n in (1, 2):
        src = tmp_path / f"src{n}" / "files"
        sample_files(src)
        os.utime(src / "hello.txt", (1e9 + n, 1e9 + n))
        out = tmp_path / f"disk{n}.img"
        mkdisk(fs, src, out, 16, mbr=True)
        images.append(out.read_bytes())
        time.sleep(1.1)
    assert images[0] == images[1], "two images of the same files differ"


def test_epoch_is_every_timestamp(tmp_path):
    src = tmp_path / "files"
    sample_files(src)
    out = tmp_path / "disk.img"
    env = host_env()
    env["SOURCE_DATE_EPOCH"] = "1700000000"     # 2023-11-14 22:13:20 UTC
    p = subprocess.run([PYTHON, "scripts/mkdisk.py", "--fs", "ext2", "--size-mib", "8",
                        str(src), str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    stat = sh("debugfs", "-R", "stat /dir/data.bin", out).stdout.decode()
    for field in ("ctime", "atime", "mtime"):
        line = [ln for ln in stat.splitlines() if ln.startswith(f" {field}:")]
        assert line and "Tue Nov 14 22:13:20 2023" in line[0], stat


TOOLS = {   # tool -> (Debian package, mkdisk arguments that need it)
    "mke2fs": ("e2fsprogs", ["--fs", "ext2"]),
    "debugfs": ("e2fsprogs", ["--fs", "ext2"]),
    "mkfs.fat": ("dosfstools", ["--fs", "fat16"]),
    "mcopy": ("mtools", ["--fs", "fat16"]),
    "sfdisk": ("fdisk", ["--fs", "ext2", "--mbr"]),
}


@pytest.mark.parametrize("missing", sorted(TOOLS))
def test_missing_tool_is_named_with_its_package(tmp_path, missing):
    package, args = TOOLS[missing]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for t in TOOLS:
        if t != missing:
            found = sh("sh", "-c", f"command -v {t}").stdout.decode().strip()
            (bin_dir / t).symlink_to(found)
    src = tmp_path / "files"
    sample_files(src)
    out = tmp_path / "disk.img"
    env = host_env()
    env["PATH"] = str(bin_dir)
    p = subprocess.run([PYTHON, str(ROOT / "scripts" / "mkdisk.py"), *args, "--size-mib", "8",
                        str(src), str(out)], env=env, capture_output=True, text=True)
    msg = p.stdout + p.stderr
    assert p.returncode != 0, msg
    assert f"{missing} not found" in msg and f"'{package}'" in msg, msg
    assert "Traceback" not in msg, msg
    assert not out.exists()


@pytest.mark.parametrize("args,words", [
    (["--fs", "fat16", "--size-mib", "2"], ["FAT16", "4 to 2047 MiB", "2 MiB"]),
    (["--fs", "ext2", "--size-mib", "8", "--block-size", "3000"], ["block size 3000"]),
    (["--fs", "ntfs", "--size-mib", "8"], ["ntfs"]),
])
def test_bad_arguments(tmp_path, args, words):
    (tmp_path / "files").mkdir()
    p = subprocess.run([PYTHON, str(ROOT / "scripts" / "mkdisk.py"), *args,
                        str(tmp_path / "files"), str(tmp_path / "x.img")],
                       env=host_env(), capture_output=True, text=True)
    assert p.returncode != 0
    for w in words:
        assert w in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_too_small_for_the_files(tmp_path):
    src = tmp_path / "files"
    src.mkdir()
    (src / "big").write_bytes(os.urandom(3 << 20))
    p = mkdisk("ext2", src, tmp_path / "x.img", 2, check=False)
    assert p.returncode != 0 and "mkdisk:" in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert not (tmp_path / "x.img").exists()


# --- the build: make disk / make all --------------------------------------------------

def configure(name, options):
    out = fresh_out(f"disk-{name}")
    frag = out / "disk.config"
    frag.write_text(options)
    make(f"O={out}", "microvm_defconfig", str(frag))
    return out


def ext_app(tmp_path):
    app = tmp_path / "app"
    (app / "files").mkdir(parents=True)
    (app / "main.c").write_text(APP)
    return app


EXT2_4K = ("CONFIG_EXT2=y\nCONFIG_DISK_IMAGE_EXT2=y\nCONFIG_DISK_IMAGE_SIZE_MIB=12\n"
           "CONFIG_DISK_IMAGE_EXT2_BLOCK_4K=y\n")


def test_make_all_packs_files_and_rebuilds_on_change(tmp_path):
    app = ext_app(tmp_path)
    files = sample_files(app / "files")
    out = configure("rebuild", EXT2_4K)
    make(f"O={out}", f"APP_DIR={app}", "-j2", "all")
    disk = out / "disk.img"
    check_contents(Image(disk, "ext2"), files)
    assert "Block size:               4096" in sh("dumpe2fs", "-h", disk).stdout.decode()

    def rebuilt(change):
        before = disk.stat().st_mtime_ns
        time.sleep(0.05)
        change()
        make(f"O={out}", f"APP_DIR={app}", "disk")
        return disk.stat().st_mtime_ns != before

    assert not rebuilt(lambda: None), "disk.img rebuilt with nothing changed"
    files["hello.txt"] = b"changed\n"
    assert rebuilt(lambda: (app / "files" / "hello.txt").write_bytes(b"changed\n"))
    files["new.txt"] = b"a new file\n"
    assert rebuilt(lambda: (app / "files" / "new.txt").write_bytes(b"a new file\n"))
    del files["dir/data.bin"]
    assert rebuilt(lambda: (app / "files" / "dir" / "data.bin").unlink())
    img = Image(disk, "ext2")
    check_contents(img, files)
    assert not img.exists("dir/data.bin")
    # An option: 1 KiB blocks.
    frag = tmp_path / "1k.config"
    frag.write_text("CONFIG_DISK_IMAGE_EXT2_BLOCK_1K=y\n")
    make(f"O={out}", str(frag))
    assert rebuilt(lambda: None), "disk.img not rebuilt after the block size changed"
    assert "Block size:               1024" in sh("dumpe2fs", "-h", disk).stdout.decode()
    check_contents(Image(disk, "ext2"), files)


def test_make_disk_fat16_mbr_two_builds_identical(tmp_path):
    app = ext_app(tmp_path)
    files = sample_files(app / "files")
    opts = ("CONFIG_FAT=y\nCONFIG_DISK_IMAGE_FAT16=y\nCONFIG_DISK_IMAGE_SIZE_MIB=24\n"
            "CONFIG_DISK_IMAGE_MBR=y\n")
    a = configure("fat-a", opts)
    b = configure("fat-b", opts)
    make(f"O={a}", f"APP_DIR={app}", "disk")
    time.sleep(1.1)
    make(f"O={b}", f"APP_DIR={app}", "disk")
    assert (a / "disk.img").read_bytes() == (b / "disk.img").read_bytes()
    img = Image(a / "disk.img", "fat16", MBR_OFFSET)
    check_contents(img, files)
    assert "type=e" in sfdisk_dump(a / "disk.img")


def test_in_tree_app_files(tmp_path):
    """apps/<app>/files/ of the configured app (none for hello: an empty file system)."""
    out = configure("intree", "CONFIG_EXT2=y\nCONFIG_DISK_IMAGE_EXT2=y\n"
                    "CONFIG_DISK_IMAGE_SIZE_MIB=8\n")
    make(f"O={out}", "disk")
    names = Image(out / "disk.img", "ext2").listing("/")
    expect = sorted(p.name for p in (ROOT / "apps" / "hello" / "files").glob("*")) \
        if (ROOT / "apps" / "hello" / "files").is_dir() else []
    assert names == sorted(expect + ["lost+found"])


def test_make_disk_without_a_disk_config():
    out = fresh_out("disk-none")
    make(f"O={out}", "microvm_defconfig")
    p = make(f"O={out}", "disk", check=False)
    assert p.returncode != 0
    assert "no disk image configured" in p.stdout + p.stderr, p.stdout + p.stderr
    assert not (out / "disk.img").exists()


# --- make run / qemu-run: DISK=, SHARE= ------------------------------------------------

def dry_run(out, **env):
    e = dict(os.environ)
    for k in ("DISK", "SHARE", "MACHINE", "QEMU_ARGS", "CMDLINE"):
        e.pop(k, None)
    e.update(env)
    p = subprocess.run([PYTHON, "scripts/qemu-run", "--dry-run", "--build", str(out)],
                       cwd=ROOT, env=e, capture_output=True, text=True)
    return p.returncode, p.stderr


def fake_build(name, defconfig, options=""):
    """A configured O= dir with a stand-in toro.elf: enough for --dry-run."""
    out = fresh_out(f"disk-run-{name}")
    frag = out / "opts.config"
    frag.write_text(options)
    make(f"O={out}", defconfig, str(frag))
    (out / "toro.elf").write_bytes(b"")
    return out


def test_qemu_run_disk_on_microvm(tmp_path):
    out = fake_build("microvm", "microvm_defconfig", "CONFIG_FAT=y\n")
    rc, err = dry_run(out)
    assert rc == 0 and "-drive" not in err, err
    (out / "disk.img").write_bytes(b"\0" * 512)
    rc, err = dry_run(out)
    assert f"-drive file={out}/disk.img,format=raw,if=none,id=disk0 " \
        "-device virtio-blk-device,drive=disk0" in err, err
    other = tmp_path / "other.img"
    other.write_bytes(b"\0" * 512)
    share = tmp_path / "share dir"
    share.mkdir()
    rc, err = dry_run(out, DISK=str(other), SHARE=str(share))
    assert rc == 0, err
    assert f"-drive file={other},format=raw,if=none,id=disk0 " \
        "-device virtio-blk-device,drive=disk0" in err, err
    assert f"{out}/disk.img" not in err, err
    assert f"file=fat:16:rw:{share},format=raw,if=none,id=disk1' " \
        "-device virtio-blk-device,drive=disk1" in err, err
    rc, err = dry_run(out, DISK=str(tmp_path / "nope.img"))
    assert rc != 0 and "nope.img: no such file" in err, err
    rc, err = dry_run(out, SHARE=str(tmp_path / "nope"))
    assert rc != 0 and "no such folder" in err, err


def test_qemu_run_share_needs_fat(tmp_path):
    out = fake_build("nofat", "microvm_defconfig", "CONFIG_EXT2=y\n")
    rc, err = dry_run(out, SHARE=str(tmp_path))
    assert rc != 0 and "CONFIG_FAT" in err and "vvfat" in err, err
    assert "Traceback" not in err


def test_qemu_run_pc_devices(tmp_path):
    img = tmp_path / "d.img"
    img.write_bytes(b"\0" * 512)
    out = fake_build("pc-virtio", "kvm_defconfig", "CONFIG_FAT=y\n")
    for chipset in ("pc", "q35"):
        rc, err = dry_run(out, DISK=str(img), MACHINE=chipset, SHARE=str(tmp_path))
        assert rc == 0, err
        assert f"-M {chipset} " in err, err
        assert f"-drive file={img},format=raw,if=none,id=disk0 -device virtio-blk-pci," \
            "drive=disk0" in err, err
        assert f"-drive file=fat:16:rw:{tmp_path},format=raw,if=none,id=disk1 " \
            "-device virtio-blk-pci,drive=disk1" in err, err
    ata = fake_build("pc-ata", "kvm_defconfig",
                     "CONFIG_PC_I440FX=y\nCONFIG_FAT=y\nCONFIG_RUN_DISK_ATA=y\n")
    rc, err = dry_run(ata, DISK=str(img), SHARE=str(tmp_path))
    assert rc == 0, err
    assert f"-drive file={img},format=raw,if=ide -drive file=fat:16:rw:{tmp_path}," \
        "format=raw,if=ide" in err, err
    assert "virtio-blk" not in err, err
    rc, err = dry_run(ata, DISK=str(img), MACHINE="q35")
    assert rc != 0 and "MACHINE=pc" in err, err


def test_ata_is_pc_only(tmp_path):
    frag = tmp_path / "ata.config"
    frag.write_text("CONFIG_RUN_DISK_ATA=y\n")
    out = fresh_out("disk-ata-microvm")
    p = make(f"O={out}", "microvm_defconfig", str(frag), check=False)
    assert p.returncode != 0 and "MACHINE_PC" in p.stdout + p.stderr, p.stdout + p.stderr


def test_make_run_passes_disk_and_share(tmp_path):
    """make run DISK=... SHARE=...: the Makefile hands both to qemu-run (QEMU=true stands
    in for QEMU, which prints the command it would run)."""
    app = ext_app(tmp_path)
    sample_files(app / "files")
    out = configure("run", "CONFIG_FAT=y\nCONFIG_DISK_IMAGE_FAT16=y\n"
                    "CONFIG_DISK_IMAGE_SIZE_MIB=8\n")
    img = tmp_path / "given.img"
    img.write_bytes(b"\0" * 4096)
    p = make(f"O={out}", f"APP_DIR={app}", "-j2", "run", f"DISK={img}", f"SHARE={tmp_path}",
             env={"QEMU": "true"})
    err = p.stdout + p.stderr
    assert (out / "disk.img").exists()
    assert f"-drive file={img},format=raw,if=none,id=disk0" in err, err
    assert f"file=fat:16:rw:{tmp_path},format=raw" in err, err
    p = make(f"O={out}", f"APP_DIR={app}", "run", env={"QEMU": "true"})
    err = p.stdout + p.stderr
    assert f"-drive file={out}/disk.img,format=raw,if=none,id=disk0" in err, err
