# SPDX-License-Identifier: MIT
"""storagetest - helpers for the storage tests: disk images made and read on the host,
the shell driven through QEMU's stdin, corruptors.

  populate(dir, big_mib=17, seed=1) -> {relpath: bytes}     host files for an image
  make_ext2(img, src, size_mib, block_size)                 mke2fs -t ext2 -d src
  mkdisk(fs, src, out, size_mib, ...)                       scripts/mkdisk.py
  Image(path, fs, offset=0)  .cat(p) .exists(p) .fsck() .listing(p)   the host's view
  MACHINES, shell_build(machine), drive_args(machine, specs), dev_name(machine, i, part)
  run_shell(outdir, machine, lines, disks=(), cmdline="", ...) -> ShellRun
      boot the shell with `lines` on stdin; ShellRun.output(i or command) is what one
      command printed, .sha256(path) the hash the guest printed for path.
  corrupt_ext2(img, kind) / corrupt_fat(img, kind)          break one thing on purpose

The shell's output contract is /work/notes/shell-spec.md (Documentation/shell.md):
banner `Toro shell: type help`, prompt `toro> `, commands echoed, errors
`error: <what>: <strerror>`, `poweroff [CODE]` exits through isa-debug-exit.
"""

import hashlib
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from torotest import ROOT, boot, build

MKDISK = ROOT / "scripts" / "mkdisk.py"
PYTHON = "/usr/bin/python3"
BANNER = "Toro shell: type help"
PROMPT = "toro> "
SBIN_PATH = os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"
MBR_OFFSET = 2048 * 512


def host_env():
    env = dict(os.environ)
    env.update({"PATH": SBIN_PATH, "MTOOLS_SKIP_CHECK": "1", "MTOOLSRC": "/dev/null",
                "LC_ALL": "C", "TZ": "UTC"})
    return env


def sh(*cmd, check=True, input=None):
    """Run a host tool; bytes of stdout (raise with its output on failure when check)."""
    p = subprocess.run([str(c) for c in cmd], env=host_env(), capture_output=True, input=input)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n"
                             f"{p.stdout.decode(errors='replace')[-2000:]}"
                             f"{p.stderr.decode(errors='replace')[-2000:]}")
    return p


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --- images ------------------------------------------------------------------------

def populate(root, big_mib=17, seed=1, long_names=False):
    """Text files, a nested folder, files to remove and move, and a random big file."""
    rnd = random.Random(seed)
    files = {
        "hello.txt": b"Hello from the host\n",
        "remove-me.txt": b"this file is removed by the guest\n",
        "move-me.txt": b"this file is moved by the guest\n",
        "victim.txt": bytes(rnd.randrange(32, 127) for _ in range(5000)),
        "other.txt": b"".join(b"line %d of other.txt\n" % i for i in range(400)),
        "docs/readme.txt": b"a file one folder down\n",
        "docs/nested/deep.txt": b"two folders down\n" * 100,
    }
    if long_names:
        files["A long file name.txt"] = b"a long name made on the host\n"
        files["docs/Another Long Name.text"] = b"long name in a folder\n"
    if big_mib:
        files["big.bin"] = rnd.randbytes(big_mib << 20)
    root = Path(root)
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "empty-dir").mkdir(exist_ok=True)
    (root / "c").mkdir(exist_ok=True)       # a mount point for more disks
    return files


def make_ext2(img, src, size_mib, block_size=1024):
    """An ext2 image as a user makes one: mke2fs -t ext2 -b BS -d SRC."""
    img = Path(img)
    img.unlink(missing_ok=True)
    sh("mke2fs", "-q", "-F", "-t", "ext2", "-b", block_size, "-d", src, img, f"{size_mib}M")
    return Image(img, "ext2")


def mkdisk(fs, src, out, size_mib, block_size=1024, mbr=False, env=None, check=True):
    """scripts/mkdisk.py; returns the CompletedProcess (text)."""
    args = [PYTHON, str(MKDISK), "--fs", fs, "--size-mib", str(size_mib), "--block-size",
            str(block_size)] + (["--mbr"] if mbr else []) + [str(src), str(out)]
    p = subprocess.run(args, env=env or host_env(), capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"mkdisk failed ({p.returncode}): {p.stdout}{p.stderr}")
    return p


def make_fat16(img, src, size_mib, mbr=False):
    mkdisk("fat16", src, img, size_mib, mbr=mbr)
    return Image(img, "fat16", MBR_OFFSET if mbr else 0)


@dataclass
class Image:
    """The host's view of a file system image (at a byte offset when partitioned)."""
    path: Path
    fs: str
    offset: int = 0

    def _ext2(self):
        return f"{self.path}?offset={self.offset}" if self.offset else str(self.path)

    def _fat(self):
        return f"{self.path}@@{self.offset}" if self.offset else str(self.path)

    def cat(self, rel):
        """The bytes of /rel, or None when it does not exist."""
        rel = "/" + rel.lstrip("/")
        if self.fs == "ext2":
            if not self.exists(rel):
                return None
            return sh("debugfs", "-R", f'cat "{rel}"', self._ext2()).stdout
        p = sh("mcopy", "-n", "-i", self._fat(), f"::{rel}", "-", check=False)
        return p.stdout if p.returncode == 0 else None

    def exists(self, rel):
        rel = "/" + rel.lstrip("/")
        if self.fs == "ext2":
            p = sh("debugfs", "-R", f'stat "{rel}"', self._ext2(), check=False)
            return p.returncode == 0 and b"Inode:" in p.stdout
        return sh("mdir", "-i", self._fat(), f"::{rel}", check=False).returncode == 0

    def listing(self, rel="/"):
        """Names (long names for FAT) in folder rel."""
        rel = "/" + rel.lstrip("/")
        if self.fs == "ext2":
            out = sh("debugfs", "-R", f'ls -p "{rel}"', self._ext2()).stdout.decode()
            names = [ln.split("/")[5] for ln in out.splitlines() if ln.count("/") >= 6]
            return sorted(n for n in names if n not in (".", ".."))
        out = sh("mdir", "-b", "-i", self._fat(), f"::{rel}").stdout.decode()
        return sorted(ln.rstrip("/").rsplit("/", 1)[-1] for ln in out.splitlines() if ln)

    def fsck(self):
        """(clean, output) of e2fsck -fn or fsck.fat -n (on a copy of the partition)."""
        if self.fs == "ext2":
            p = sh("e2fsck", "-fn", self._ext2(), check=False)
        else:
            part = self.path
            if self.offset:
                part = self.path.with_suffix(".part")
                with open(self.path, "rb") as f:
                    f.seek(self.offset)
                    part.write_bytes(f.read())
            p = sh("fsck.fat", "-n", part, check=False)
            if part != self.path:
                part.unlink()
        out = (p.stdout + p.stderr).decode(errors="replace")
        return p.returncode == 0, out


# --- machines ------------------------------------------------------------------------

@dataclass(frozen=True)
class Machine:
    name: str
    build: str          # which build (microvm or pc) boots it
    chipset: str        # MACHINE= for qemu-run (None: the config's)
    device: str         # ata, virtio-blk-pci, virtio-blk-device
    prefix: str         # the kernel's disk names: hd, vd


MACHINES = {
    "pc-ata": Machine("pc-ata", "pc", "pc", "ata", "hd"),
    "pc-virtio": Machine("pc-virtio", "pc", "pc", "virtio-blk-pci", "vd"),
    "q35-virtio": Machine("q35-virtio", "pc", "q35", "virtio-blk-pci", "vd"),
    "microvm": Machine("microvm", "microvm", None, "virtio-blk-device", "vd"),
}

# What each build wants; options that do not exist (yet) are left out.
BUILD_OPTIONS = {
    "microvm": ("microvm", "CONFIG_EXT2=y\nCONFIG_FAT=y\nCONFIG_VIRTIO_MMIO=y\n"
                "CONFIG_VIRTIO_BLK=y\n"),
    "pc": ("kvm", "CONFIG_EXT2=y\nCONFIG_FAT=y\nCONFIG_PCI=y\nCONFIG_VIRTIO_PCI=y\n"
           "CONFIG_VIRTIO_BLK=y\nCONFIG_ATA=y\n"),
}


def kconfig_symbols():
    names = set()
    for dirpath, _, files in os.walk(ROOT):
        if "/build" in dirpath[len(str(ROOT)):] or "/.git" in dirpath:
            continue
        for f in files:
            if f.startswith("Kconfig"):
                text = Path(dirpath, f).read_text(errors="replace")
                names.update(re.findall(r"^\s*(?:menu)?config\s+(\w+)", text, re.M))
    return names


def shell_build(kind):
    """The shell app built for `microvm` or `pc` (one PC kernel boots pc and q35)."""
    defconfig, wanted = BUILD_OPTIONS[kind]
    known = kconfig_symbols()
    frags = []
    if (ROOT / "configs" / "shell.config").exists():
        frags.append("shell.config")
    else:
        wanted = "CONFIG_APP_SHELL=y\n" + wanted
    extra = "".join(ln + "\n" for ln in wanted.splitlines()
                    if ln.split("=")[0][len("CONFIG_"):] in known)
    return build(f"disk-shell-{kind}", fragments=frags, defconfig=defconfig, extra=extra)


def dev_name(machine, index=0, part=None):
    """The kernel's name of the index-th disk: vda, vdb, hda, hdb... (vda1 with part=1)."""
    return f"{machine.prefix}{chr(ord('a') + index)}{part or ''}"


def drive_args(machine, disks):
    """-drive/-device options for disks: paths of raw images or ("share", dir) for vvfat."""
    args = []
    for i, d in enumerate(disks):
        if isinstance(d, tuple):
            spec = f"file=fat:16:rw:{str(d[1]).replace(',', ',,')},format=raw"
        else:
            spec = f"file={str(d).replace(',', ',,')},format=raw"
        if machine.device == "ata":
            args += ["-drive", f"{spec},if=ide,index={i}"]
        else:
            args += ["-drive", f"{spec},if=none,id=st{i}",
                     "-device", f"{machine.device},drive=st{i}"]
    return " ".join(shlex.quote(a) for a in args)


@dataclass
class ShellRun:
    lines: list
    out: str
    rc: int
    outputs: list = field(default_factory=list)

    @property
    def exit_code(self):
        if self.rc > 0 and self.rc % 2 == 1:
            return (self.rc - 1) // 2
        return None

    def output(self, which):
        """What command `which` (index into lines, or the line itself) printed."""
        i = which if isinstance(which, int) else self.lines.index(which)
        if i >= len(self.outputs):
            raise AssertionError(f"no output for command {i} {self.lines[i]!r}:\n{self}")
        return self.outputs[i]

    def sha256(self, path):
        """The hash the guest printed for `sha256 path` (quoted in the script if it has
        spaces)."""
        cmd = f'sha256 "{path}"' if " " in path else f"sha256 {path}"
        m = re.search(r"^([0-9a-f]{64})  " + re.escape(path) + r"$", self.output(cmd), re.M)
        assert m, f"sha256 {path}: no hash line:\n{self}"
        return m.group(1)

    def errors(self, which):
        return re.findall(r"^error: .*$", self.output(which), re.M)

    def __str__(self):
        return f"guest output (rc {self.rc}):\n{self.out[-6000:]}"

    __repr__ = __str__


def parse_shell(lines, out):
    """Split the serial output after the banner at each prompt; the first line of each
    piece is the echoed command, the rest its output."""
    at = out.find(BANNER)
    if at < 0:
        return []
    pieces = out[at:].split(PROMPT)[1:]
    outputs = []
    for piece in pieces:
        _, _, rest = piece.partition("\n")
        outputs.append(rest)
    return outputs[:len(lines)]


def run_shell(outdir, machine, lines, disks=(), cmdline="", smp=None, mem=256, timeout=600,
              qemu_args=""):
    """Boot the shell with `lines` (commands, the last normally poweroff) on stdin."""
    stdin = "".join(line + "\n" for line in lines)
    args = (drive_args(machine, disks) + " " + qemu_args).strip()
    r = boot(outdir, cmdline=cmdline, smp=smp, mem=mem, machine=machine.chipset,
             timeout=timeout, qemu_args=args, stdin=stdin)
    run = ShellRun(list(lines), r.out, r.rc)
    run.outputs = parse_shell(lines, r.out)
    assert BANNER in r.out, f"the shell did not start:\n{run}"
    return run


# --- corruptors ----------------------------------------------------------------------

def _poke(img, offset, data):
    with open(img, "r+b") as f:
        f.seek(offset)
        f.write(data)


def _debugfs_w(img, *cmds):
    for c in cmds:
        p = sh("debugfs", "-w", "-R", c, img)
        err = p.stderr.decode(errors="replace")
        if "debugfs" in err and err.count("\n") > 1:
            raise AssertionError(f"debugfs {c}: {err}")


def ext2_super(img):
    with open(img, "rb") as f:
        f.seek(1024)
        sb = f.read(1024)
    blocks, = struct.unpack_from("<I", sb, 4)
    log, = struct.unpack_from("<I", sb, 24)
    inodes, = struct.unpack_from("<I", sb, 0)
    return {"blocks": blocks, "block_size": 1024 << log, "inodes": inodes}


def ext2_block_of(img, path, index=0):
    out = sh("debugfs", "-R", f'bmap "{path}" {index}', img).stdout.decode().strip()
    return int(out)


def ext2_dir_entries(img, path):
    """[(offset in image, inode, rec_len, name)] of the first block of folder path."""
    bs = ext2_super(img)["block_size"]
    blk = ext2_block_of(img, path)
    with open(img, "rb") as f:
        f.seek(blk * bs)
        data = f.read(bs)
    entries, pos = [], 0
    while pos + 8 <= bs:
        ino, rec_len, name_len = struct.unpack_from("<IHB", data, pos)
        entries.append((blk * bs + pos, ino, rec_len, data[pos + 8:pos + 8 + name_len].decode()))
        if rec_len < 8:
            break
        pos += rec_len
    return entries


FAR = 0x7FFFFFF0        # a block number far past the end of any test disk

# kind -> (what breaks, the expected outcome: "mount" fails, or "file": reading victim
# fails, or "walk": listing /docs must end)
EXT2_KINDS = {
    "bad-magic": "mount",
    "log-block-size": "mount",
    "blocks-count-past-disk": "mount",
    "inode-table-past-disk": "mount",
    "block-past-end": "file",
    "indirect-past-end": "file",
    "rec-len-zero": "walk",
    "rec-len-past-block": "walk",
    "inode-number-past-end": "walk",
}


def corrupt_ext2(img, kind):
    """Break one thing in an ext2 image made by populate(); returns the byte ranges
    (offset, length) touched, or None when debugfs changed metadata blocks."""
    img = str(img)
    sb = ext2_super(img)
    if kind == "bad-magic":
        _poke(img, 1024 + 56, b"\x34\x12")
        return [(1024 + 56, 2)]
    if kind == "log-block-size":
        _poke(img, 1024 + 24, struct.pack("<I", 20))
        return [(1024 + 24, 4)]
    if kind == "blocks-count-past-disk":
        _poke(img, 1024 + 4, struct.pack("<I", sb["blocks"] * 8))
        return [(1024 + 4, 4)]
    if kind == "inode-table-past-disk":
        _debugfs_w(img, f"set_bg 0 inode_table {FAR}")
        return None
    if kind == "block-past-end":
        _debugfs_w(img, f"sif /victim.txt block[0] {FAR}")
        return None
    if kind == "indirect-past-end":
        _debugfs_w(img, f"sif /big.bin block[IND] {FAR}")
        return None
    entries = ext2_dir_entries(img, "/docs")
    if kind == "rec-len-zero":
        off = entries[0][0]             # "."
        _poke(img, off + 4, b"\0\0")
        return [(off + 4, 2)]
    if kind == "rec-len-past-block":
        off = entries[1][0]             # ".."
        _poke(img, off + 4, struct.pack("<H", sb["block_size"] * 4 + 12))
        return [(off + 4, 2)]
    if kind == "inode-number-past-end":
        off = [e for e in entries if e[3] not in (".", "..")][0][0]
        _poke(img, off, struct.pack("<I", sb["inodes"] + 1000))
        return [(off, 4)]
    raise ValueError(kind)


def fat_layout(img, offset=0):
    with open(img, "rb") as f:
        f.seek(offset)
        bs = f.read(512)
    bps, spc, rsvd, nfats, root_ents, tot16, _, fatsz = struct.unpack_from("<HBHBHHBH", bs, 11)
    tot32, = struct.unpack_from("<I", bs, 32)
    root = offset + (rsvd + nfats * fatsz) * bps
    data = root + ((root_ents * 32 + bps - 1) // bps) * bps
    total = tot16 or tot32
    clusters = (total - (data - offset) // bps) // spc
    return {"bps": bps, "spc": spc, "fat": offset + rsvd * bps, "fatsz": fatsz * bps,
            "nfats": nfats, "root": root, "root_ents": root_ents, "data": data,
            "clusters": clusters, "total": total}


def fat_entry(img, lay, short_name, folder_offset=None):
    """(offset of the 32-byte entry, first cluster, size) of an 8.3 name ("VICTIM  TXT")."""
    with open(img, "rb") as f:
        f.seek(folder_offset or lay["root"])
        data = f.read(lay["root_ents"] * 32)
    for i in range(0, len(data), 32):
        if data[i:i + 11] == short_name.encode():
            clus, size = struct.unpack_from("<HI", data, i + 26)
            return (folder_offset or lay["root"]) + i, clus, size
    raise AssertionError(f"{short_name} not in the root folder")


def fat_set(img, lay, cluster, value):
    for n in range(lay["nfats"]):
        _poke(img, lay["fat"] + n * lay["fatsz"] + cluster * 2, struct.pack("<H", value))


FAT_KINDS = {
    "bad-signature": "mount",
    "bytes-per-sector": "mount",
    "sectors-per-cluster-zero": "mount",
    "total-sectors-past-disk": "mount",
    "chain-loop": "file",
    "chain-past-end": "file",
    "first-cluster-past-end": "file",
    "size-beyond-chain": "file",
    "folder-chain-loop": "walk",
}


def corrupt_fat(img, kind, offset=0):
    """Break one thing in a FAT16 image made by populate() + mkdisk (no MBR)."""
    img = str(img)
    lay = fat_layout(img, offset)
    if kind == "bad-signature":
        _poke(img, offset + 510, b"\0\0")
        return
    if kind == "bytes-per-sector":
        _poke(img, offset + 11, struct.pack("<H", 768))
        return
    if kind == "sectors-per-cluster-zero":
        _poke(img, offset + 13, b"\0")
        return
    if kind == "total-sectors-past-disk":
        _poke(img, offset + 19, b"\0\0")
        _poke(img, offset + 32, struct.pack("<I", lay["total"] * 16))
        return
    if kind == "folder-chain-loop":
        _, clus, _ = fat_entry(img, lay, "DOCS       ")
        fat_set(img, lay, clus, clus)
        return
    ent, clus, size = fat_entry(img, lay, "VICTIM  TXT")
    if kind == "chain-loop":
        nxt = clus
        with open(img, "rb") as f:      # make the victim's last cluster point to its first
            while True:
                f.seek(lay["fat"] + nxt * 2)
                v, = struct.unpack("<H", f.read(2))
                if v >= 0xFFF8:
                    break
                nxt = v
        fat_set(img, lay, nxt, clus)
    elif kind == "chain-past-end":
        fat_set(img, lay, clus, lay["clusters"] + 100)
    elif kind == "first-cluster-past-end":
        _poke(img, ent + 26, struct.pack("<H", min(lay["clusters"] + 200, 0xFFEF)))
    elif kind == "size-beyond-chain":
        _poke(img, ent + 28, struct.pack("<I", size + (8 << 20)))
    else:
        raise ValueError(kind)


def copy_image(src, dst):
    shutil.copyfile(src, dst)
    return Path(dst)
