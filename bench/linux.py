#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""linux.py - the Linux reference guest of `make bench`.

What a user would otherwise boot in a microVM: Debian's cloud kernel
(linux-image-cloud-amd64, fetched with `apt-get download` and unpacked with
`dpkg -x`, never installed) with an initramfs holding one static program,
bench/linux/init.c, which prints a marker line and ends the machine.

Everything lives in build/bench/linux/ and is reused across runs:

  debs/                 the downloaded .deb
  <version>/            its unpacked tree (boot/vmlinuz-<version>, lib/modules/...)
  init                  bench/linux/init.c, gcc -static -Os -s
  initramfs.cpio        cpio "newc" (man 5 cpio): /dev, /dev/console, /init
  kbench                bench/linux/kbench.c, gcc -static -O2 -pthread -s
  initramfs-kbench.cpio the same plus /kbench; booted with `toro_kbench=1` on
                        the command line, /init runs /kbench before ending
                        the machine (the hello boots keep initramfs.cpio)
  fsbench               bench/linux/fsbench.c, gcc -static -O2 -s
  initramfs-fsbench.cpio  the storage guest: /init, /fsbench, /bin/busybox (the
                        host's busybox-static), /mnt, and /modules/NAME.ko with
                        /modules/list, the disk drivers and what they depend
                        on in load order (FSBENCH_MODULES; ext2 is built in, as
                        the ext4 driver with CONFIG_EXT4_USE_FOR_EXT2); booted
                        with `toro_fsbench=write|read toro_fsbench_dev=vda|sda`

  bench/linux.py                 prepare, print what was prepared
  bench/linux.py --boot MACHINE  also boot it once (microvm, pc or q35)
  bench/linux.py --boot MACHINE --kbench [--smp N]   boot the kbench guest
  bench/linux.py --fsbench       also prepare the storage guest (bench/storage.py
                                 boots it, with a disk)

The virtio and ATA drivers of that kernel are modules; the hello bench needs no
device, so no module is loaded; the storage guest loads its own (module_order()
reads each module's `depends=` from its .modinfo, since the host may have no
depmod/modprobe).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "bench" / "linux"
INIT_SRC = ROOT / "bench" / "linux" / "init.c"
KBENCH_SRC = ROOT / "bench" / "linux" / "kbench.c"
KBENCH_SWITCH = "toro_kbench=1"
FSBENCH_SRC = ROOT / "bench" / "linux" / "fsbench.c"
BUSYBOX = Path("/bin/busybox")
# Disk drivers for every machine of the storage bench: virtio-blk over MMIO
# (microvm) or PCI (pc/q35), and IDE through libata (pc: PIIX3's IDE).
FSBENCH_MODULES = ["virtio_mmio", "virtio_pci", "virtio_blk", "ata_piix", "sd_mod"]
META_PACKAGE = "linux-image-cloud-amd64"
MARKER = "toro-bench: linux init"


class LinuxUnavailable(Exception):
    """The reference guest cannot be prepared (no network, no compiler, ...)."""


def _run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise LinuxUnavailable(f"{' '.join(cmd)} failed ({p.returncode}): "
                               f"{(p.stderr or p.stdout).strip()[-400:]}")
    return p.stdout


# --- host TSC frequency -----------------------------------------------------------

def host_tsc_khz():
    """The host's TSC frequency in kHz and where it came from.

    Linux's refined calibration is the exact figure; its first estimate and
    /proc/cpuinfo's "cpu MHz" are rounded but close enough for tsc_early_khz.
    """
    logs = []
    for cmd in (["dmesg"], ["journalctl", "-k", "-b", "--no-pager", "-q"]):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if p.returncode == 0 and p.stdout:
            logs.append((cmd[0], p.stdout))
    for pattern, what in ((r"tsc: Refined TSC clocksource calibration: ([0-9.]+) MHz",
                           "refined calibration"),
                          (r"tsc: Detected ([0-9.]+) MHz processor", "boot calibration")):
        for src, text in logs:
            m = re.findall(pattern, text)
            if m:
                return round(float(m[-1]) * 1000), f"{src}: {what}"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", f.read(), re.M)
        if m:
            return round(float(m.group(1)) * 1000), "/proc/cpuinfo cpu MHz"
    except OSError:
        pass
    return None, "unknown"


# --- the kernel package -----------------------------------------------------------

def _resolve_package():
    """linux-image-cloud-amd64 -> the versioned linux-image-*-cloud-amd64 it depends on."""
    out = _run(["apt-cache", "depends", META_PACKAGE])
    m = re.search(r"Depends:\s*(linux-image-\S+-cloud-amd64)\b", out)
    if not m:
        raise LinuxUnavailable(f"apt-cache depends {META_PACKAGE}: no linux-image-*-cloud-amd64 "
                               "dependency (run apt-get update?)")
    return m.group(1)


def _cached_trees():
    return sorted(p for p in CACHE.glob("*-cloud-amd64") if list(p.glob("boot/vmlinuz-*")))


def _kernel_tree(log):
    try:
        pkg = _resolve_package()
    except LinuxUnavailable:
        trees = _cached_trees()
        if trees:  # offline: use what an earlier run unpacked
            return trees[-1]
        raise
    version = pkg[len("linux-image-"):]
    tree = CACHE / version
    if (tree / "boot" / f"vmlinuz-{version}").is_file():
        return tree
    debs = CACHE / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"{pkg}_*.deb"))
    if not found:
        log(f"linux: apt-get download {pkg}")
        try:
            # _apt cannot write into build/: download as the calling user.
            _run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=" +
                  ("root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")), pkg],
                 cwd=debs, timeout=600)
        except (LinuxUnavailable, subprocess.TimeoutExpired) as e:
            trees = _cached_trees()
            if trees:  # no mirror today: an older kernel is still a reference
                log(f"linux: {e}; using {trees[-1].name} from an earlier run")
                return trees[-1]
            raise LinuxUnavailable(str(e))
        found = sorted(debs.glob(f"{pkg}_*.deb"))
        if not found:
            raise LinuxUnavailable(f"apt-get download {pkg} left no .deb in {debs}")
    tmp = CACHE / f".{version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"linux: dpkg -x {found[-1].name}")
    _run(["dpkg", "-x", str(found[-1]), str(tmp)], timeout=600)
    if shutil.which("depmod"):
        # Module dependencies for the tree, so a later bench can modprobe from it.
        subprocess.run(["depmod", "-b", str(tmp), version], capture_output=True)
    tmp.rename(tree)
    return tree


# --- initramfs --------------------------------------------------------------------

def _build_static(src, out, flags, log):
    """gcc -static `src` into `out`, unless `out` is newer than `src`."""
    if out.is_file() and out.stat().st_mtime >= src.stat().st_mtime:
        return out
    if not shutil.which("gcc"):
        raise LinuxUnavailable("gcc not found: install the Debian package 'gcc'")
    log(f"linux: gcc -static {' '.join(flags)} bench/linux/{src.name}")
    try:
        _run(["gcc", "-static", *flags, "-s", "-Wall", "-o", str(out) + ".tmp", str(src)])
    except LinuxUnavailable as e:
        raise LinuxUnavailable(f"{e} (static libc is in the Debian package 'libc6-dev')")
    os.replace(str(out) + ".tmp", out)
    return out


def _build_init(log):
    return _build_static(INIT_SRC, CACHE / "init", ["-Os"], log)


def _cpio_entry(name, mode, data=b"", rdev=(0, 0), ino=1):
    """One cpio "newc" record (man 5 cpio): 110-byte ASCII header, name, data, 4-aligned."""
    namez = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(namez), 0)
    hdr = b"070701" + b"".join(b"%08x" % v for v in fields)
    rec = hdr + namez
    rec += b"\0" * (-len(rec) % 4) + data
    return rec + b"\0" * (-len(rec) % 4)


def _build_initramfs(init, log, kbench=None):
    """/init alone (the hello guest), or /init and /kbench (the kbench guest)."""
    out = CACHE / ("initramfs-kbench.cpio" if kbench else "initramfs.cpio")
    inputs = [init] + ([kbench] if kbench else [])
    if out.is_file() and all(out.stat().st_mtime >= p.stat().st_mtime for p in inputs):
        return out
    log(f"linux: {out.name}")
    entries = [
        _cpio_entry("dev", 0o040755, ino=1),
        _cpio_entry("dev/console", 0o020600, rdev=(5, 1), ino=2),
        _cpio_entry("init", 0o100755, init.read_bytes(), ino=3),
    ]
    if kbench:
        entries.append(_cpio_entry("kbench", 0o100755, kbench.read_bytes(), ino=4))
    entries.append(_cpio_entry("TRAILER!!!", 0, ino=0))
    blob = b"".join(entries)
    blob += b"\0" * (-len(blob) % 512)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, out)
    return out


# --- the storage guest --------------------------------------------------------------

def _module_name(path):
    return path.name[:-len(".ko")].replace("-", "_")


def module_order(tree, wanted):
    """Module files to load, dependencies first, for the module names in wanted.
    Built-in modules (modules.builtin) need no loading. Raises LinuxUnavailable
    when one is neither built in nor a file of the tree."""
    mods = list(tree.glob("lib/modules/*"))
    if not mods:
        raise LinuxUnavailable(f"{tree}: no lib/modules/")
    files = {_module_name(p): p for p in mods[0].rglob("*.ko")}
    builtin = set()
    if (mods[0] / "modules.builtin").is_file():
        builtin = {_module_name(Path(ln.strip())) for ln in
                   (mods[0] / "modules.builtin").read_text().splitlines() if ln.strip()}
    order = []

    def visit(name, chain):
        if name in builtin or name in order:
            return
        if name in chain:
            raise LinuxUnavailable(f"module dependency loop: {' -> '.join(chain + [name])}")
        if name not in files:
            raise LinuxUnavailable(f"{tree.name}: module {name} is neither built in nor a "
                                   "file of the package")
        # The .modinfo section is NUL-separated key=value strings.
        m = re.search(rb"\0depends=([^\0]*)\0", files[name].read_bytes())
        for dep in (m.group(1).decode().split(",") if m and m.group(1) else []):
            visit(dep.replace("-", "_"), chain + [name])
        order.append(name)

    for name in wanted:
        visit(name, [])
    return [files[n] for n in order]


def _build_fsbench_initramfs(tree, init, fsbench, log):
    out = CACHE / "initramfs-fsbench.cpio"
    if not BUSYBOX.is_file():
        raise LinuxUnavailable(f"{BUSYBOX} not found: install the Debian package "
                               "'busybox-static'")
    modules = module_order(tree, FSBENCH_MODULES)
    inputs = [init, fsbench, BUSYBOX, Path(__file__)] + modules
    if out.is_file() and all(out.stat().st_mtime >= p.stat().st_mtime for p in inputs):
        return out
    log(f"linux: {out.name} ({len(modules)} modules: "
        f"{' '.join(_module_name(m) for m in modules)})")
    names = "".join(_module_name(m) + "\n" for m in modules).encode()
    entries = [
        _cpio_entry("dev", 0o040755, ino=1),
        _cpio_entry("dev/console", 0o020600, rdev=(5, 1), ino=2),
        _cpio_entry("init", 0o100755, init.read_bytes(), ino=3),
        _cpio_entry("fsbench", 0o100755, fsbench.read_bytes(), ino=4),
        _cpio_entry("bin", 0o040755, ino=5),
        _cpio_entry("bin/busybox", 0o100755, BUSYBOX.read_bytes(), ino=6),
        _cpio_entry("mnt", 0o040755, ino=7),
        _cpio_entry("modules", 0o040755, ino=8),
        _cpio_entry("modules/list", 0o100644, names, ino=9),
    ]
    for i, m in enumerate(modules):
        entries.append(_cpio_entry(f"modules/{_module_name(m)}.ko", 0o100644, m.read_bytes(),
                                   ino=10 + i))
    entries.append(_cpio_entry("TRAILER!!!", 0, ino=0))
    blob = b"".join(entries)
    blob += b"\0" * (-len(blob) % 512)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, out)
    return out


def prepare_fsbench(guest, log=lambda s: print(s, file=sys.stderr)):
    """Add the storage initramfs to a prepared guest (key "initramfs_fsbench").
    Raises LinuxUnavailable with the reason; the hello guest is unaffected."""
    init = _build_init(log)
    fsbench = _build_static(FSBENCH_SRC, CACHE / "fsbench", ["-O2"], log)
    guest["initramfs_fsbench"] = _build_fsbench_initramfs(guest["tree"], init, fsbench, log)
    guest["modules"] = [_module_name(m) for m in module_order(guest["tree"], FSBENCH_MODULES)]
    return guest


def prepare(log=lambda s: print(s, file=sys.stderr)):
    """Fetch, unpack and pack what the reference guest needs; returns a dict
    (version, vmlinuz, initramfs). Raises LinuxUnavailable with the reason."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tree = _kernel_tree(log)
    version = tree.name
    vmlinuz = tree / "boot" / f"vmlinuz-{version}"
    initramfs = _build_initramfs(_build_init(log), log)
    return {"version": version, "vmlinuz": vmlinuz, "initramfs": initramfs, "tree": tree}


def prepare_kbench(guest, log=lambda s: print(s, file=sys.stderr)):
    """Add the kbench initramfs to a prepared guest (key "initramfs_kbench").
    Raises LinuxUnavailable with the reason; the hello guest is unaffected."""
    init = _build_init(log)
    kbench = _build_static(KBENCH_SRC, CACHE / "kbench", ["-O2", "-pthread"], log)
    guest["initramfs_kbench"] = _build_initramfs(init, log, kbench)
    return guest


def cmdline(machine, tsc_khz, kbench=False, fsbench=None):
    """The kernel command line for a QEMU machine (microvm, pc or q35); fsbench is
    (phase, disk, MiB) for the storage guest."""
    words = ["console=ttyS0", "quiet", "panic=-1"]
    if kbench:
        # Not a kernel parameter: the kernel passes it to /init's environment.
        words.append(KBENCH_SWITCH)
    if fsbench:
        phase, disk, mib = fsbench
        words += [f"toro_fsbench={phase}", f"toro_fsbench_dev={disk}",
                  f"toro_fsbench_mib={mib}"]
    if machine.startswith("microvm"):
        # No PCI on microvm: say so, as microVM guides do, instead of probing.
        words.append("pci=off")
        if tsc_khz:
            # No HPET or PM timer on microvm: under TCG the PIT calibration
            # fails in about half the boots unless the TSC frequency is given.
            words.append(f"tsc_early_khz={tsc_khz}")
    return " ".join(words)


def qemu_args(guest, machine, tsc_khz, kbench=False, fsbench=None):
    if fsbench:
        initrd = guest["initramfs_fsbench"]
    else:
        initrd = guest["initramfs_kbench"] if kbench else guest["initramfs"]
    return ["-kernel", str(guest["vmlinuz"]), "-initrd", str(initrd),
            "-append", cmdline(machine, tsc_khz, kbench, fsbench)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boot", metavar="MACHINE", help="boot it once on microvm, pc or q35")
    ap.add_argument("--kbench", action="store_true",
                    help="prepare (and with --boot, boot) the kbench guest")
    ap.add_argument("--smp", default="1", help="CPUs for --boot (default 1)")
    ap.add_argument("--fsbench", action="store_true", help="prepare the storage guest too")
    args = ap.parse_args()
    try:
        guest = prepare()
        if args.kbench:
            prepare_kbench(guest)
        if args.fsbench:
            prepare_fsbench(guest)
    except LinuxUnavailable as e:
        sys.exit(f"linux.py: {e}")
    khz, src = host_tsc_khz()
    print(f"version   {guest['version']}")
    print(f"vmlinuz   {guest['vmlinuz']} ({guest['vmlinuz'].stat().st_size} bytes)")
    print(f"initramfs {guest['initramfs']} ({guest['initramfs'].stat().st_size} bytes)")
    if args.kbench:
        k = guest["initramfs_kbench"]
        print(f"kbench    {k} ({k.stat().st_size} bytes)")
    if args.fsbench:
        k = guest["initramfs_fsbench"]
        print(f"fsbench   {k} ({k.stat().st_size} bytes; modules {' '.join(guest['modules'])})")
    print(f"host TSC  {khz} kHz ({src})")
    if args.boot:
        m = args.boot
        mflag = "microvm,acpi=on,isa-serial=on,rtc=on" if m == "microvm" else m
        cmd = ["qemu-system-x86_64", "-nodefaults", "-no-user-config", "-no-reboot",
               "-display", "none", "-M", mflag, "-accel", "tcg", "-m", "128", "-smp", args.smp,
               "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        cmd += qemu_args(guest, m, khz, args.kbench)
        print(" ".join(cmd))
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, timeout=120)
        print(f"exit {p.returncode} after {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
