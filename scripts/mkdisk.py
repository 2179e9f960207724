#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mkdisk.py - pack a folder into a raw disk image: ext2 or FAT16, optionally behind an MBR.

  scripts/mkdisk.py --fs ext2|fat16 --size-mib N [--block-size 1024|2048|4096]
                    [--mbr] [--epoch SECONDS] SRC_DIR OUT

The build runs it for an application's files/ folder (CONFIG_DISK_IMAGE, see
Documentation/disk-images.md); tests use it to make images too.

- ext2: `mke2fs -t ext2 -b BS -d SRC` (e2fsprogs), then `debugfs -w` sets every
  copied inode's ctime (mke2fs copies the host's, which no one can set).
- FAT16: `mkfs.fat -F 16 --invariant` (dosfstools), then `mcopy -s -m` (mtools).
- --mbr: the file system starts at sector 2048 (1 MiB) of a disk whose MBR has one
  partition spanning the rest (type 0x83 Linux for ext2, 0x0e FAT16 LBA); the table is
  written by `sfdisk` (fdisk). Without --mbr the file system is the whole disk.

Reproducible: the same folder contents give a byte-identical image. Timestamps are
--epoch (default $SOURCE_DATE_EPOCH, else 2020-01-01 00:00:00 UTC); the ext2 UUID and
directory hash seed, the FAT volume id and the MBR disk id are constants; files are
copied from a staging copy whose times are set to the epoch. Owners are the staging
copy's (the user running the build).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

DEFAULT_EPOCH = 1577836800              # 2020-01-01 00:00:00 UTC
EXT2_UUID = "746f726f-6469-736b-8000-000000000001"      # "torodisk"
EXT2_HASH_SEED = "746f726f-6469-736b-8000-000000000002"
FAT_VOLUME_ID = "746f726f"
MBR_DISK_ID = "0x746f726f"
MBR_START = 2048                        # sectors: the first partition starts at 1 MiB
SECTOR = 512
PART_TYPE = {"ext2": "83", "fat16": "e"}
FAT16_MIN_MIB, FAT16_MAX_MIB = 4, 2047  # at least 4085 clusters, at most 65524

# tool -> the Debian package that provides it
PACKAGES = {"mke2fs": "e2fsprogs", "debugfs": "e2fsprogs", "mkfs.fat": "dosfstools",
            "mcopy": "mtools", "sfdisk": "fdisk"}


class Error(Exception):
    pass


def tool(name):
    """The path of a tool on $PATH, or an error naming the Debian package to install."""
    path = shutil.which(name)
    if path:
        return path
    hint = ""
    for d in ("/usr/sbin", "/sbin"):
        if os.access(os.path.join(d, name), os.X_OK):
            hint = f" (it is in {d}, which is not on PATH)"
            break
    raise Error(f"{name} not found{hint}: install the Debian package '{PACKAGES[name]}' "
                "(or run scripts/install-deps.sh)")


def run(cmd, env=None):
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        out = (p.stdout + p.stderr).strip()
        raise Error(f"{os.path.basename(cmd[0])} failed ({p.returncode}): {out}")
    return p.stdout


def tool_env(epoch):
    env = dict(os.environ)
    env.update({"SOURCE_DATE_EPOCH": str(epoch), "E2FSPROGS_FAKE_TIME": str(epoch), "TZ": "UTC",
                "LC_ALL": "C", "MTOOLS_SKIP_CHECK": "1", "MTOOLSRC": "/dev/null"})
    return env


def stage(src, dst, epoch):
    """Copy src to dst (regular files, folders and symbolic links) with every time at epoch."""
    if os.path.isdir(src):
        shutil.copytree(src, dst, symlinks=True)
    else:
        os.makedirs(dst)
    paths = []
    for dirpath, dirnames, filenames in os.walk(dst):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, dst)
            if not (os.path.isfile(full) or os.path.isdir(full) or os.path.islink(full)):
                raise Error(f"{os.path.join(src, rel)}: only files, folders and symbolic "
                            "links can go into a disk image")
            paths.append(rel)
    for rel in paths + ["."]:
        os.utime(os.path.join(dst, rel), (epoch, epoch), follow_symlinks=False)
    return paths


def make_ext2(src, img, size, block_size, epoch):
    mke2fs, debugfs = tool("mke2fs"), tool("debugfs")
    env = tool_env(epoch)
    with tempfile.TemporaryDirectory(prefix="mkdisk-") as tmp:
        staged = os.path.join(tmp, "files")
        paths = stage(src, staged, epoch)
        for rel in paths:
            if '"' in rel or "\n" in rel:
                raise Error(f"{os.path.join(src, rel)}: names with '\"' or a newline cannot "
                            "be packed into ext2 by this script")
        with open(img, "wb") as f:
            f.truncate(size)
        run([mke2fs, "-q", "-F", "-t", "ext2", "-b", str(block_size), "-d", staged,
             "-U", EXT2_UUID, "-E", f"hash_seed={EXT2_HASH_SEED},root_owner=0:0",
             "-L", "toro", img, f"{size // 1024}k"], env=env)
        if paths:
            script = os.path.join(tmp, "ctime.debugfs")
            with open(script, "w") as f:
                for rel in paths:
                    f.write(f'set_inode_field "/{rel}" ctime @{epoch}\n')
            out = run([debugfs, "-w", "-f", script, img], env=env)
            if "error" in out.lower() or "not found" in out.lower():
                raise Error(f"debugfs could not set the times: {out.strip()}")


def make_fat16(src, img, size, epoch, hidden):
    mkfs, mcopy = tool("mkfs.fat"), tool("mcopy")
    mib = size >> 20
    if not FAT16_MIN_MIB <= mib <= FAT16_MAX_MIB:
        raise Error(f"a FAT16 file system takes {FAT16_MIN_MIB} to {FAT16_MAX_MIB} MiB, "
                    f"not {mib} MiB")
    sectors = size // SECTOR
    spc = 1     # sectors per cluster: the smallest that keeps the count FAT16's
    while sectors // spc > 65524:
        spc *= 2
    env = tool_env(epoch)
    with tempfile.TemporaryDirectory(prefix="mkdisk-") as tmp:
        staged = os.path.join(tmp, "files")
        paths = stage(src, staged, epoch)
        for rel in paths:
            if os.path.islink(os.path.join(staged, rel)):
                raise Error(f"{os.path.join(src, rel)}: FAT has no symbolic links")
        if os.path.exists(img):
            os.unlink(img)
        run([mkfs, "-F", "16", "-s", str(spc), "--invariant", "-i", FAT_VOLUME_ID,
             "-n", "TORO", "-h", str(hidden), "-C", img, str(size // 1024)], env=env)
        top = sorted(os.listdir(staged))
        if top:
            run([mcopy, "-s", "-p", "-m", "-Q", "-i", img,
                 *[os.path.join(staged, n) for n in top], "::/"], env=env)


def copy_sparse(src, dst, offset):
    """Write src's bytes into dst at offset, leaving holes where src has zeros."""
    chunk = 1 << 20
    with open(src, "rb") as fi, open(dst, "r+b") as fo:
        pos = offset
        while True:
            data = fi.read(chunk)
            if not data:
                break
            if data.count(0) != len(data):
                fo.seek(pos)
                fo.write(data)
            pos += len(data)


def make_disk(fs, src, out, size_mib, block_size=1024, mbr=False, epoch=DEFAULT_EPOCH):
    if fs not in PART_TYPE:
        raise Error(f"unknown file system {fs!r}: ext2 or fat16")
    if block_size not in (1024, 2048, 4096):
        raise Error(f"ext2 block size {block_size}: use 1024, 2048 or 4096")
    if size_mib < 1 or (mbr and size_mib < 2):
        raise Error(f"a {size_mib} MiB disk is too small" + (" for an MBR" if mbr else ""))
    if not os.path.isdir(src) and os.path.exists(src):
        raise Error(f"{src} is not a folder")
    sfdisk = tool("sfdisk") if mbr else None
    size = size_mib << 20
    fs_size = size - MBR_START * SECTOR if mbr else size
    out_dir = os.path.dirname(os.path.abspath(out))
    with tempfile.TemporaryDirectory(prefix=".mkdisk-", dir=out_dir) as tmp:
        fs_img = os.path.join(tmp, "fs.img")
        if fs == "ext2":
            make_ext2(src, fs_img, fs_size, block_size, epoch)
        else:
            make_fat16(src, fs_img, fs_size, epoch, MBR_START if mbr else 0)
        if not mbr:
            os.replace(fs_img, out)
            return
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(size)
        table = (f"label: dos\nlabel-id: {MBR_DISK_ID}\nunit: sectors\n\n"
                 f"start={MBR_START}, size={fs_size // SECTOR}, type={PART_TYPE[fs]}\n")
        p = subprocess.run([sfdisk, "--no-reread", "--no-tell-kernel", "-q", disk],
                           input=table, capture_output=True, text=True, env=tool_env(epoch))
        if p.returncode != 0:
            raise Error(f"sfdisk failed ({p.returncode}): {(p.stdout + p.stderr).strip()}")
        copy_sparse(fs_img, disk, MBR_START * SECTOR)
        os.replace(disk, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fs", required=True, choices=sorted(PART_TYPE))
    ap.add_argument("--size-mib", type=int, required=True, help="the disk's size in MiB")
    ap.add_argument("--block-size", type=int, default=1024, help="ext2 block size")
    ap.add_argument("--mbr", action="store_true", help="one MBR partition spanning the disk")
    ap.add_argument("--epoch", type=int,
                    default=int(os.environ.get("SOURCE_DATE_EPOCH") or DEFAULT_EPOCH),
                    help="every timestamp, seconds since 1970 (default $SOURCE_DATE_EPOCH)")
    ap.add_argument("src", help="the folder to pack (missing: an empty file system)")
    ap.add_argument("out", help="the image to write")
    args = ap.parse_args()
    try:
        make_disk(args.fs, args.src, args.out, args.size_mib, args.block_size, args.mbr,
                  args.epoch)
    except Error as e:
        sys.exit(f"mkdisk: {args.out}: {e}")
    except OSError as e:
        sys.exit(f"mkdisk: {args.out}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
