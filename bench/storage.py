#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""storage.py - the storage part of `make bench` (issue 6): sequential write and
read MB/s of a 64 MiB file on ext2, Toro against Linux, same image, machine, disk.

  Toro    apps/fsbench: the target's defconfig + configs/fsbench.config, built in
          build/bench/<defconfig>-fsbench/, booted with `root=DISK rootfstype=ext2
          -- write|read mib=64`; 1 MiB write() calls then fsync(), or read() to
          the end in 1 MiB calls
  Linux   bench/linux/fsbench.c in the reference guest (bench/linux.py): the
          disk driver modules, mount -t ext2, busybox `dd if=/dev/zero
          of=/mnt/fsbench.dat bs=1M count=64 conv=fsync`, or `dd
          if=/mnt/fsbench.dat of=/dev/null bs=1M`

Both time themselves with CLOCK_MONOTONIC and print `fsbench: write|read N
bytes in T us`; MB/s here is N / T (10^6 bytes per second).

Targets (machine, disk device, the disk's name in Toro / in Linux):
  q35 / virtio-blk-pci         kvm_defconfig        vda / vda
  pc / ATA (IDE, PIIX3)        multiboot_defconfig  hda / sda (libata, ata_piix)
  microvm / virtio-blk-device  microvm_defconfig    vda / vda

Method, the same for both guests:
  - the image: `mke2fs -t ext2 -b 4096` of BENCH_STORAGE_IMAGE_MIB (100) MiB,
    made once per run; every guest run gets a fresh copy of it;
  - one run = two boots of that copy: the write boot, then a read boot. A fresh
    boot is how the read is kept off the cache (Toro's block cache, Linux's
    page cache), the same way for both; the file system is unmounted (and so
    written back) after the timed write, before the machine stops;
  - the disk: `-drive ...,format=raw,cache=BENCH_STORAGE_CACHE` (default
    unsafe: QEMU ignores flushes, so the host's own disk, shared with other
    work, does not enter the figures; fsync still sends the flush request);
  - the same QEMU flags (those scripts/qemu-run prints for the Toro build),
    -m BENCH_STORAGE_MEM (256: Linux does not boot in 64 MiB) and -smp 1;
  - rounds (BENCH_STORAGE_ROUNDS, default 5), Toro and Linux alternating
    which goes first; medians; a guest that fails its first run is not run again;
  - after each write boot the host checks the file's size (debugfs), after
    each read boot that the image is `e2fsck -fn` clean.

  bench/storage.py [--rounds N] [--no-linux] [--out DIR]   this part alone
  (`make bench BENCH=storage`); writes build/bench/storage.md and .png
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import linux as linux_ref  # noqa: E402  (bench/linux.py)
from common import (DEBUG_EXIT, OUT, ROOT, default_base, fmt_ratio, git_commit,  # noqa: E402
                    log, machine_info, make, med, qemu_run_command, ratio, run_timed,
                    split_boot_args, with_option)

MIB = int(os.environ.get("BENCH_STORAGE_MIB", "64"))
IMAGE_MIB = int(os.environ.get("BENCH_STORAGE_IMAGE_MIB", "100"))
BLOCK_SIZE = 4096
DRIVE_CACHE = os.environ.get("BENCH_STORAGE_CACHE", "unsafe")
MEM = os.environ.get("BENCH_STORAGE_MEM", "256")
TIMEOUT = {"toro": 180, "linux": 240}
DIR = OUT / "storage"
FILE = "/fsbench.dat"
KINDS = ("toro", "linux")
PHASES = ("write", "read")

FS_RE = re.compile(r"fsbench: (write|read) (\d+) bytes in (\d+) us")
ROOT_RE = re.compile(r"fsbench: / is (\S+) on (\S+)")
ERR_RE = re.compile(r"fsbench: error: [^\n]*")
DD_START_RE = re.compile(r"fsbench: dd start (\d+) us")


@dataclass
class StorageTarget:
    key: str
    label: str
    defconfig: str
    machine: str  # QEMU -M
    device: str  # virtio-blk-pci | virtio-blk-device | ide
    toro_disk: str
    linux_disk: str
    base: list = field(default_factory=list)  # QEMU flags without boot artefact or disk
    cmds: dict = field(default_factory=dict)  # (kind, phase) -> command without the disk
    unavailable: dict = field(default_factory=dict)  # kind -> why not run
    runs: dict = field(default_factory=dict)  # kind -> {round: {phase: (bytes, us)}}
    fails: dict = field(default_factory=dict)  # kind -> [why]
    dd_start: list = field(default_factory=list)  # Linux: µs to start a dd that copies nothing


def targets():
    microvm = "microvm,acpi=on,isa-serial=on,rtc=on"
    return [
        StorageTarget("q35-virtio", "q35 / virtio-blk-pci", "kvm", "q35", "virtio-blk-pci",
                      "vda", "vda"),
        StorageTarget("pc-ata", "pc / ATA (IDE)", "multiboot", "pc", "ide", "hda", "sda"),
        StorageTarget("microvm-virtio", "microvm / virtio-blk-device", "microvm", microvm,
                      "virtio-blk-device", "vda", "vda"),
    ]


def disk_args(t, img):
    """The same disk, with the same options, for both guests."""
    drive = f"file={img},format=raw,cache={DRIVE_CACHE}"
    if t.device == "ide":
        return ["-drive", drive + ",if=ide,index=0,media=disk"]
    return ["-drive", drive + ",if=none,id=fsbench", "-device", f"{t.device},drive=fsbench"]


# --- preparing -------------------------------------------------------------------

def make_template():
    """A fresh, empty ext2 image; every guest run starts from a copy of it."""
    if not shutil.which("mke2fs") and not Path("/usr/sbin/mke2fs").is_file():
        raise RuntimeError("mke2fs not found: install the Debian package 'e2fsprogs'")
    DIR.mkdir(parents=True, exist_ok=True)
    img = DIR / "template.img"
    img.unlink(missing_ok=True)
    with open(img, "wb") as f:
        f.truncate(IMAGE_MIB << 20)
    mke2fs = shutil.which("mke2fs") or "/usr/sbin/mke2fs"
    p = subprocess.run([mke2fs, "-q", "-F", "-t", "ext2", "-b", str(BLOCK_SIZE), "-L", "fsbench",
                        str(img)], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"mke2fs: {(p.stderr or p.stdout).strip()[-200:]}")
    return img


def toro_cmdline(t, phase):
    return f"root={t.toro_disk} rootfstype=ext2 -- {phase} mib={MIB}"


def prepare_toro(t):
    """Build the target's defconfig + fsbench.config; its write and read commands."""
    d = OUT / f"{t.defconfig}-fsbench"
    if not (ROOT / "configs" / "fsbench.config").is_file():
        t.unavailable["toro"] = "configs/fsbench.config does not exist"
        return
    try:
        log(f"bench: building {t.defconfig}_defconfig + fsbench.config in "
            f"{d.relative_to(ROOT)}")
        make(f"O={d}", f"{t.defconfig}_defconfig", "fsbench.config")
        make(f"O={d}", f"-j{os.cpu_count() or 1}", "all")
        for phase in PHASES:
            t.cmds[("toro", phase)] = qemu_run_command(d, cmdline=toro_cmdline(t, phase),
                                                       mem=MEM)
        t.base, _ = split_boot_args(t.cmds[("toro", "write")])
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        t.unavailable["toro"] = f"build failed: {e}"
        t.cmds.clear()


def linux_base(t):
    """Toro's QEMU flags when it built, else the flags qemu-run would give this machine."""
    base = t.base or default_base(t.machine)
    base = with_option(with_option(base, "-m", MEM), "-smp", "1")
    if "isa-debug-exit" not in " ".join(base):
        base = base + DEBUG_EXIT
    return base


def prepare_linux(tgts, guest, tsc_khz):
    for t in tgts:
        for phase in PHASES:
            t.cmds[("linux", phase)] = linux_base(t) + linux_ref.qemu_args(
                guest, t.machine, tsc_khz, fsbench=(phase, t.linux_disk, MIB))


# --- running ---------------------------------------------------------------------

def host_file_size(img):
    """Size of /fsbench.dat in the image, from debugfs, or None."""
    debugfs = shutil.which("debugfs") or "/usr/sbin/debugfs"
    p = subprocess.run([debugfs, "-R", f"stat {FILE}", str(img)], capture_output=True,
                       text=True)
    m = re.search(r"Size:\s*(\d+)", p.stdout)
    return int(m.group(1)) if m else None


def fsck_clean(img):
    e2fsck = shutil.which("e2fsck") or "/usr/sbin/e2fsck"
    p = subprocess.run([e2fsck, "-fn", str(img)], capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip().splitlines()[-1:]


def boot_phase(t, kind, phase, img):
    """One boot; returns ((bytes, us), None) or (None, why). For Linux, us is
    dd's time less the time to start a dd that copies nothing, in that boot."""
    cmd = t.cmds[(kind, phase)] + disk_args(t, img)
    dt, rc, out = run_timed(cmd, TIMEOUT[kind])
    tail = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["(no output)"]
    err = ERR_RE.search(out)
    if dt is None:
        return None, f"{phase}: timeout after {TIMEOUT[kind]} s, last output: {tail[0][:120]}"
    if err:
        return None, f"{phase}: {err.group(0)[:160]}"
    if kind == "toro":
        root = ROOT_RE.search(out)
        if root and (root.group(1), root.group(2)) != ("ext2", t.toro_disk):
            return None, f"{phase}: / is {root.group(1)} on {root.group(2)}, not ext2 on " \
                         f"{t.toro_disk}"
    start = 0
    if kind == "linux":
        m = DD_START_RE.search(out)
        if m:
            start = int(m.group(1))
            t.dd_start.append(start)
    m = next((m for m in FS_RE.finditer(out) if m.group(1) == phase), None)
    rc_ok = rc == 1 if kind == "toro" else rc in (0, 1)
    if not m or not rc_ok:
        return None, f"{phase}: exit status {rc}, " + \
            ("" if m else "no `fsbench:` line, ") + f"last output: {tail[0][:120]}"
    n, us = int(m.group(2)), int(m.group(3))
    if n != MIB << 20:
        return None, f"{phase}: {n} bytes, not {MIB << 20}"
    # Linux: without the start of the dd process (measured in the same boot).
    return (n, max(us - start, 1)), None


def run_guest(t, kind, rnd, template):
    """Write boot then read boot on a fresh copy of the image; returns why it failed."""
    img = DIR / f"{t.key}-{kind}.img"
    got = {}
    p = subprocess.run(["cp", "--sparse=always", str(template), str(img)], capture_output=True,
                       text=True)
    why = f"cannot copy the image: {p.stderr.strip()[-120:]}" if p.returncode else None
    if why:
        t.fails.setdefault(kind, []).append(why)
        return why
    for phase in PHASES:
        res, why = boot_phase(t, kind, phase, img)
        if why:
            break
        got[phase] = res
        if phase == "write":
            size = host_file_size(img)
            if size != MIB << 20:
                why = f"after the write boot the host sees {FILE} of {size} bytes"
                break
    if not why:
        clean, last = fsck_clean(img)
        if not clean:
            why = f"e2fsck -fn not clean after the run: {' '.join(last)[:120]}"
    if got:
        # What was measured before a later failure still counts.
        t.runs.setdefault(kind, {})[rnd] = got
    if why:
        t.fails.setdefault(kind, []).append(why)
    return why


def run(tgts, rounds, template):
    for r in range(rounds):
        t0 = time.perf_counter()
        order = list(KINDS) if r % 2 == 0 else list(reversed(KINDS))
        for t in tgts:
            for kind in order:
                if (kind, "write") not in t.cmds or kind in t.unavailable:
                    continue
                why = run_guest(t, kind, r, template)
                if why and r == 0:
                    log(f"bench: {t.label} storage {kind}: {why}")
                    t.unavailable[kind] = f"failed its first run, not run again: {why}"
        log(f"bench: storage round {r + 1}/{rounds} took {time.perf_counter() - t0:.1f} s")


# --- reporting -------------------------------------------------------------------

def mbps(t, kind, phase, rnd=None):
    """Median MB/s over the rounds (or of one round)."""
    runs = t.runs.get(kind, {})
    xs = [v[phase][0] / v[phase][1] for r, v in runs.items()
          if phase in v and v[phase][1] and (rnd is None or r == rnd)]
    return med(xs)


def all_mbps(t, kind, phase):
    return [v[phase][0] / v[phase][1] for v in t.runs.get(kind, {}).values()
            if phase in v and v[phase][1]]


def paired(t, phase):
    """Median of the per-round Toro/Linux ratios."""
    tr, lx = t.runs.get("toro", {}), t.runs.get("linux", {})
    return med([(tr[r][phase][0] / tr[r][phase][1]) / (lx[r][phase][0] / lx[r][phase][1])
                for r in tr if r in lx and phase in tr[r] and phase in lx[r]])


def cell(t, kind, phase):
    v = mbps(t, kind, phase)
    if v is not None:
        return f"{v:.1f}"
    if kind in t.unavailable:
        return "not available" if kind == "toro" else "not run"
    return "failed" if t.fails.get(kind) else "–"


def report(tgts, rounds, guest, linux_why):
    L = [f"## Storage: sequential {MIB} MiB file on ext2, Toro against Linux "
         "(MB/s, medians; goal Toro ≥ Linux)", ""]
    if rounds < 1:
        return L + ["Not run (`--no-storage`).", ""]
    for t in tgts:
        bits = [f"toro: {t.unavailable['toro']}"] if "toro" in t.unavailable else []
        if "linux" in t.unavailable:
            bits.append(f"linux: {t.unavailable['linux']}")
        elif not guest:
            bits.append(f"linux: not run ({linux_why})")
        if bits:
            L.append(f"- {t.label}: " + "; ".join(bits))
    if L[-1]:
        L.append("")
    L.append("| machine / disk | write Toro | write Linux | Toro/Linux (paired) | read Toro | "
             "read Linux | Toro/Linux (paired) | Toro ≥ Linux |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for t in tgts:
        row = [t.label]
        met = []
        for phase in PHASES:
            r = ratio(mbps(t, "toro", phase), mbps(t, "linux", phase))
            pr = paired(t, phase)
            row += [cell(t, "toro", phase), cell(t, "linux", phase),
                    f"{fmt_ratio(r)} ({fmt_ratio(pr)})" if r is not None else "–"]
            met.append("n/a" if r is None else f"{phase} " + ("met" if r >= 1 else "**missed**"))
        L.append("| " + " | ".join(row) + " | " + (", ".join(met) if "n/a" not in met
                                                     else "n/a") + " |")
    L.append("")
    dd = f" (a median {med(t_dd(tgts)):,.0f} µs here)" if t_dd(tgts) else ""
    L += [
        f"- MB/s = bytes / µs (10^6 bytes per second), as each guest measured itself with "
        f"CLOCK_MONOTONIC. Toro (`apps/fsbench`): write = first of {MIB} 1 MiB `write()` calls "
        "to `fsync()`'s return; read = `open()` to `close()`. Linux (`bench/linux/fsbench.c`): "
        f"busybox `dd if=/dev/zero of=/mnt{FILE} bs=1M count={MIB} conv=fsync` and `dd "
        f"if=/mnt{FILE} of=/dev/null bs=1M`, timed from fork to exit, less the time to "
        f"start a dd that copies nothing measured in the same boot (process start is not "
        f"file system work){dd}.",
        f"- Image: `mke2fs -t ext2 -b {BLOCK_SIZE}`, {IMAGE_MIB} MiB, a fresh copy per guest "
        "run; a run is a write boot then a read boot of that copy (a fresh boot keeps the read "
        "off Toro's block cache and Linux's page cache alike). After the write boot the host "
        "checks the file's size with debugfs, after the read boot `e2fsck -fn`.",
        f"- Disk: `-drive file=...,format=raw,cache={DRIVE_CACHE}` for both guests (cache="
        f"{DRIVE_CACHE}: QEMU does not pass flushes to the host's disk, which other work "
        "shares); virtio-blk-pci / virtio-blk-device on `-drive if=none`, ATA as `if=ide,"
        "index=0` (primary master: Toro's hda, Linux's sda through libata's ata_piix). "
        f"`-m {MEM} -smp 1`, the QEMU flags scripts/qemu-run prints for the Toro build.",
        f"- {rounds} round{'s' * (rounds != 1)}, Toro and Linux alternating which goes first; "
        "\"paired\" is the median of the per-round ratios.",
    ]
    if guest:
        L.append(f"- Linux: Debian `{guest['version']}`; modules loaded by the guest: "
                 f"{', '.join(guest.get('modules', [])) or '–'} (ext2 is the built-in ext4 "
                 "driver, CONFIG_EXT4_USE_FOR_EXT2).")
    if rounds < 5:
        L.append(f"- **only {rounds} round{'s' * (rounds != 1)}: not figures of record**")
    L += ["", "### Every storage run (MB/s: median, min–max)", "",
          "| machine / disk | guest | runs | write | read | failed |",
          "|---|---|---:|---:|---:|---|"]
    for t in tgts:
        for kind in KINDS:
            runs, fails = t.runs.get(kind, {}), t.fails.get(kind, [])
            if not runs and not fails:
                continue
            cells = []
            for phase in PHASES:
                xs = all_mbps(t, kind, phase)
                cells.append(f"{med(xs):.1f} ({min(xs):.1f}–{max(xs):.1f})" if xs else "–")
            fl = f"{len(fails)}: {fails[0]}" if fails else "0"
            L.append(f"| {t.label} | {kind} | {len(runs)} | {cells[0]} | {cells[1]} | {fl} |")
    L += ["", "### Storage commands (disk options added: see above)", ""]
    for t in tgts:
        for kind in KINDS:
            if (kind, "write") in t.cmds:
                c = " ".join(shlex.quote(a) for a in t.cmds[(kind, "write")] +
                             disk_args(t, "IMAGE"))
                L.append(f"- {t.label}, {kind} (write boot): `{c.replace(str(ROOT) + '/', '')}`")
    L.append("")
    return L


def t_dd(tgts):
    return [x for t in tgts for x in t.dd_start]


def storage_chart(ax, tgts):
    """MB/s per target and phase, Toro and Linux side by side."""
    groups = [(t, phase) for t in tgts for phase in PHASES]
    width = 0.38
    top = 1
    for j, (kind, label, colour) in enumerate((("toro", "Toro (apps/fsbench)", "#c0392b"),
                                               ("linux", "Linux (busybox dd)", "#2e6da4"))):
        xs, ys = [], []
        for i, (t, phase) in enumerate(groups):
            v = mbps(t, kind, phase)
            x = i + (j - 0.5) * width
            if v is None:
                ax.annotate("n/a", (x, 0), ha="center", va="bottom", fontsize=7, color=colour)
                continue
            xs.append(x)
            ys.append(v)
            top = max(top, v)
        bars = ax.bar(xs, ys, width, label=label, color=colour)
        for b, y in zip(bars, ys):
            ax.annotate(f"{y:.0f}", (b.get_x() + b.get_width() / 2, y), ha="center",
                        va="bottom", fontsize=7, xytext=(0, 1), textcoords="offset points")
    labels = []
    for t, phase in groups:
        r = ratio(mbps(t, "toro", phase), mbps(t, "linux", phase))
        labels.append(f"{t.label}\n{phase}: " + (f"Toro/Linux {r:.2f}×" if r else "n/a"))
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylim(0, top * 1.2)
    ax.grid(axis="y", alpha=0.3)
    ax.set_ylabel("MB/s (guest-measured, TCG)")
    ax.set_title(f"Sequential {MIB} MiB on ext2 (higher is better)")
    ax.legend(loc="upper right", fontsize=8, frameon=False)


# --- the whole part --------------------------------------------------------------

def bench(rounds, guest, tsc_khz, linux_why=""):
    """Prepare and run every storage target; returns the targets. guest is a
    prepared Linux reference guest (linux.prepare()) or None."""
    tgts = targets()
    try:
        template = make_template()
    except (RuntimeError, OSError) as e:
        for t in tgts:
            t.unavailable = {"toro": f"no image: {e}", "linux": f"no image: {e}"}
        return tgts
    for t in tgts:
        prepare_toro(t)
    if guest:
        try:
            linux_ref.prepare_fsbench(guest, log=log)
            prepare_linux(tgts, guest, tsc_khz)
        except linux_ref.LinuxUnavailable as e:
            log(f"bench: no Linux storage guest: {e}")
            for t in tgts:
                t.unavailable["linux"] = str(e)
    else:
        for t in tgts:
            t.unavailable.setdefault("linux", f"not run ({linux_why})")
    log(f"bench: storage, {rounds} round(s) over " +
        ", ".join(f"{t.label} ({'/'.join(k for k in KINDS if (k, 'write') in t.cmds)})"
                  for t in tgts))
    run(tgts, rounds, template)
    return tgts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int,
                    help="rounds (default $BENCH_STORAGE_ROUNDS or 5)")
    ap.add_argument("--no-linux", action="store_true", help="skip the Linux reference guest")
    ap.add_argument("--out", help="directory for storage.md/.png (default build/bench)")
    args = ap.parse_args()
    return standalone(args.rounds, args.no_linux, Path(args.out) if args.out else OUT)


def standalone(rounds=None, no_linux=False, out_dir=OUT):
    """Only the storage part: writes OUT_DIR/storage.md and storage.png."""
    rounds = rounds or int(os.environ.get("BENCH_STORAGE_ROUNDS", "5"))
    if rounds < 1:
        sys.exit("bench: need at least one round")
    start = time.perf_counter()
    commit = git_commit()
    guest, khz, why = None, None, "--no-linux" if no_linux else ""
    if not no_linux:
        try:
            guest = linux_ref.prepare(log=log)
            khz = linux_ref.host_tsc_khz()[0]
        except linux_ref.LinuxUnavailable as e:
            why = str(e)
            log(f"bench: no Linux reference: {e}")
    tgts = bench(rounds, guest, khz, why)
    cpu, ncpu, qv = machine_info()
    md = "\n".join(["# Toro storage benchmark (`make bench BENCH=storage`)", "",
                    f"- commit: `{commit}`; machine: {cpu}, {ncpu} CPUs, {qv}, accel tcg", ""]
                   + report(tgts, rounds, guest, why)) + "\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "storage.md").write_text(md)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(12, 5))
    storage_chart(ax, tgts)
    fig.suptitle(f"Toro make bench BENCH=storage, {commit}, TCG, median of {rounds}",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(out_dir / "storage.png", dpi=110)
    plt.close(fig)
    print(md)
    log(f"bench: wrote {out_dir / 'storage.md'} and storage.png in "
        f"{time.perf_counter() - start:.0f} s")
    measured = any(t.runs.get("toro") for t in tgts)
    return 0 if measured else 1


if __name__ == "__main__":
    sys.exit(main())
