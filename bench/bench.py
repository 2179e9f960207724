#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench.py - `make bench`: boot time and image size against the floor and Linux.

For every boot path that has a defconfig (microvm/PVH, q35/PVH, pc/Multiboot,
pc/BIOS, q35/UEFI) it builds hello twice, out of tree under build/bench/:

  <name>-plain/   the defconfig as shipped: its wall time and its size are
                  the figures of record
  <name>/         the defconfig + configs/bootstats.config: the guest's own
                  view (TSC at the first instruction, kmain, main, exit), from
                  its `boot-stats:` line. Printing it calibrates the TSC at
                  exit, which costs wall time, so its wall time is only noted.

and runs, interleaved (per round: every target, each of floor, toro,
toro+stats, linux, that order turned by one each round), timing each QEMU
from process start to exit:

  floor   bench/floor/: the least a guest of that path can do (one byte to COM1,
          exit through isa-debug-exit), on the same machine with the same flags
  toro    the exact command scripts/qemu-run prints for the build (--dry-run),
          run directly, so the Python start of qemu-run is not counted
  linux   bench/linux.py: Debian's cloud kernel + a static init, on the same
          machine with the same flags but -m 128 (BENCH_LINUX_MEM; it does not
          boot in 64 MiB), on the PVH targets only (microvm and q35)

Every QEMU runs under TCG (ARCHITECTURE.md, "Accelerator") in its own process
group, with a hard timeout, and is killed if the bench stops early.

Then kbench (issue 4, bench/kbench.py): apps/kbench against its Linux twin
bench/linux/kbench.c on the PVH targets, -smp 2, in TSC cycles. Then storage
(issue 6, bench/storage.py): sequential write and read MB/s of a 64 MiB file
on ext2, apps/fsbench against busybox dd in the Linux guest, on q35
(virtio-blk-pci), pc (ATA) and microvm (virtio-blk-device). Each module's
docstring says how it measures; bench/common.py holds what they share.

  bench/bench.py            the full run: BENCH_ROUNDS rounds (default 10),
                            writes bench/results/latest.md and latest.png
  bench/bench.py --quick    1 round, no Linux, 1 kbench boot, 1 storage round;
                            writes build/bench/quick.md/.png
  bench/bench.py --only storage   the storage part alone (make bench
                            BENCH=storage): build/bench/storage.md/.png
  bench/bench.py --rounds N --no-linux --no-kbench --no-storage --out DIR
                            (see --help)
"""

import argparse
import datetime
import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/linux.py, bench/common.py, bench/kbench.py, bench/storage.py
import linux as linux_ref  # noqa: E402
import storage  # noqa: E402
from common import (DEBUG_EXIT, LINUX_MEM, LOAD_AT_START, OUT, RESULTS, ROOT,  # noqa: E402
                    default_base, fmt_ratio, git_commit, kib, load_average, log,
                    machine_info, make, med, ms, option, qemu_run_command, ratio, run_timed,
                    split_boot_args, with_option)
from kbench import (KBENCH_SMP, add_linux_kbench, kbench_chart, kbench_report,  # noqa: E402
                    prepare_kbench, run_kbench)

TIMEOUT = {"floor": 30, "toro": 30, "stats": 60, "linux": 120}
SIZE_GOAL = 16 * 1024
BOOT_GOAL = 1.2


@dataclass
class Target:
    key: str
    label: str
    defconfig: str
    floor: str  # pvh | multiboot | mbr | efi
    machine: str  # used when our build cannot say (no defconfig yet)
    linux: bool
    size_goal: bool  # issue 3: hello stripped <= 16 KiB on this path
    kbench: bool = False  # issue 4: apps/kbench against bench/linux/kbench.c here
    unavailable: str = ""
    cmds: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)
    fails: dict = field(default_factory=dict)
    stats: list = field(default_factory=list)
    linux_init: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    base: list = field(default_factory=list)
    by_round: dict = field(default_factory=dict)
    kb_unavailable: dict = field(default_factory=dict)  # kind -> why not run
    kb_cmds: dict = field(default_factory=dict)  # toro | linux -> command
    kb: dict = field(default_factory=dict)  # kind -> {round: {name: cycles}}
    kb_skipped: dict = field(default_factory=dict)  # kind -> {name: why}
    kb_cpus: dict = field(default_factory=dict)  # kind -> set of CPU counts seen
    kb_fails: dict = field(default_factory=dict)  # kind -> [why]


def targets():
    microvm = "microvm,acpi=on,isa-serial=on,rtc=on"
    return [
        Target("microvm-pvh", "microvm / PVH", "microvm", "pvh", microvm, True, True, True),
        Target("q35-pvh", "q35 / PVH", "kvm", "pvh", "q35", True, True, True),
        Target("pc-multiboot", "pc / Multiboot", "multiboot", "multiboot", "pc", False, True),
        Target("pc-bios", "pc / BIOS", "bios", "mbr", "pc", False, False),
        Target("q35-uefi", "q35 / UEFI", "uefi", "efi", "q35", False, False),
    ]



# --- building --------------------------------------------------------------------

def build_floor():
    make("-s", "-C", "bench/floor", f"OUT={OUT / 'floor'}")
    f = OUT / "floor"
    return {"pvh": f / "pvh.elf", "multiboot": f / "multiboot.elf", "mbr": f / "mbr.img",
            "mbr.bin": f / "mbr.bin", "efi": f / "efi_floor.img", "efi.bin": f / "efi_floor.efi"}


def bios_used_bytes(build_dir):
    """Bytes of toro.img that carry something: stage 1 + stage 2 + kernel."""
    stage = build_dir / "arch" / "x86_64" / "boot" / "bios"
    parts = [stage / "mbr.bin", stage / "stage2.bin", build_dir / "toro.bin"]
    if all(p.is_file() for p in parts):
        return sum(p.stat().st_size for p in parts), "stage1 + stage2 + toro.bin"
    img = (build_dir / "toro.img").read_bytes().rstrip(b"\0")
    return -(-len(img) // 512) * 512, "toro.img up to its last non-zero sector"


def loaded_bytes(elf):
    """Bytes of an ELF's allocated, non-NOBITS sections: what a loader copies."""
    out = subprocess.run(["readelf", "-SW", str(elf)], capture_output=True, text=True).stdout
    total = 0
    for m in re.finditer(r"\]\s+\S+\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)",
                         out):
        if "A" in m.group(3) and m.group(1) != "NOBITS":
            total += int(m.group(2), 16)
    return total


def prepare_target(t, floors):
    """Build both configs of a target and work out its three commands."""
    base = None
    defconfig = ROOT / "configs" / f"{t.defconfig}_defconfig"
    if not defconfig.is_file():
        t.unavailable = f"configs/{t.defconfig}_defconfig does not exist"
    else:
        plain, stats = OUT / f"{t.defconfig}-plain", OUT / t.defconfig
        try:
            log(f"bench: building {t.defconfig}_defconfig in {plain.relative_to(ROOT)} "
                f"and (+ bootstats.config) {stats.relative_to(ROOT)}")
            jobs = f"-j{os.cpu_count() or 1}"
            make(f"O={plain}", f"{t.defconfig}_defconfig")
            make(f"O={plain}", jobs, "all")
            make(f"O={stats}", f"{t.defconfig}_defconfig", "bootstats.config")
            make(f"O={stats}", jobs, "all")
            t.cmds["toro"] = qemu_run_command(plain)
            t.cmds["stats"] = qemu_run_command(stats)
            if t.floor == "efi":
                t.sizes["toro"] = (plain / "toro.efi").stat().st_size
                t.notes.append(f"{t.label}: image size is toro.efi (stub + toro.bin)")
            elif (plain / "toro.img").is_file() and t.floor == "mbr":
                t.sizes["toro"], how = bios_used_bytes(plain)
                t.notes.append(f"{t.label}: image size is {how} (toro.img is padded)")
            else:
                t.sizes["toro"] = (plain / "toro.stripped").stat().st_size
                t.sizes["loaded"] = loaded_bytes(plain / "toro.stripped")
            base, _ = split_boot_args(t.cmds["toro"])
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            t.unavailable = f"build failed: {e}"
            t.cmds.clear()
    if base is None:
        base = default_base(t.machine)
    if "isa-debug-exit" not in " ".join(base):
        base = base + DEBUG_EXIT
    t.machine = option(base, "-M") or t.machine
    floor = floors[t.floor]
    if t.floor == "efi":
        t.cmds["floor"] = base + efi_floor_args(t, floor)
        t.sizes["floor"] = floors["efi.bin"].stat().st_size
    elif t.floor == "mbr":
        drive = "format=raw,if=ide,snapshot=on"
        if "toro" in t.cmds:
            _, boot = split_boot_args(t.cmds["toro"])
            drive = next((v for o, v in boot if o == "-drive"), drive)
        drive = ",".join(["file=" + str(floor)] +
                         [kv for kv in drive.split(",") if not kv.startswith("file=")])
        t.cmds["floor"] = base + ["-drive", drive]
        t.sizes["floor"] = floors["mbr.bin"].stat().st_size
    else:
        t.cmds["floor"] = base + ["-kernel", str(floor)]
        t.sizes["floor"] = floor.stat().st_size
    t.base = base


def efi_floor_args(t, esp):
    """OVMF's pflash drives as our build uses them, then the floor's ESP."""
    _, boot = split_boot_args(t.cmds.get("toro", []))
    pflash = [a for o, v in boot if o == "-drive" and "if=pflash" in v for a in (o, v)]
    if not pflash:
        code = "/usr/share/OVMF/OVMF_CODE_4M.fd"
        pflash = ["-drive", f"if=pflash,format=raw,readonly=on,file={code}"]
    return pflash + ["-drive", f"format=raw,file={esp},snapshot=on"]


def add_linux(t, guest, tsc_khz):
    base = with_option(t.base, "-m", LINUX_MEM)
    t.cmds["linux"] = base + linux_ref.qemu_args(guest, t.machine, tsc_khz)
    t.sizes["linux"] = guest["vmlinuz"].stat().st_size + guest["initramfs"].stat().st_size


# --- running ---------------------------------------------------------------------

STATS_RE = re.compile(r"boot-stats: kmain (\d+) us, main (\d+) us, exit (\d+) us")
LINUX_RE = re.compile(re.escape(linux_ref.MARKER) + r" (\d+) us")


def check(kind, rc, out):
    """None when the boot did what it should, else why not."""
    if kind == "floor":
        ok = rc == 1 and "F" in out
    elif kind in ("toro", "stats"):
        ok = rc == 1 and "Hello from Toro" in out
        if ok and kind == "stats" and not STATS_RE.search(out):
            return "no boot-stats: line"
    else:
        ok = rc in (0, 1) and LINUX_RE.search(out) is not None
    if ok:
        return None
    tail = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["(no output)"]
    return f"exit status {rc}, last output: {tail[0][:120]}"


def run_one(t, kind, record, rnd=None):
    dt, rc, out = run_timed(t.cmds[kind], TIMEOUT[kind])
    why = f"timeout after {TIMEOUT[kind]} s" if dt is None else check(kind, rc, out)
    if not record:
        return why
    if why:
        t.fails.setdefault(kind, []).append(why)
        return why
    t.times.setdefault(kind, []).append(dt)
    t.by_round.setdefault(kind, {})[rnd] = dt
    if kind == "stats":
        t.stats.append(tuple(int(x) for x in STATS_RE.search(out).groups()))
    elif kind == "linux":
        t.linux_init.append(int(LINUX_RE.search(out).group(1)))
    return None


KINDS = ["floor", "toro", "stats", "linux"]


def run_all(tgts, rounds):
    # One untimed boot of each command first: warms the page cache and tells
    # a row that does not boot from one that is slow.
    for t in tgts:
        for kind in KINDS:
            if kind not in t.cmds:
                continue
            why = run_one(t, kind, record=False)
            if why:
                log(f"bench: {t.label} {kind}: does not boot: {why}")
                if kind == "toro":
                    t.unavailable = f"built, but does not boot: {why}"
                del t.cmds[kind]
                if kind == "toro":
                    t.cmds.pop("stats", None)
    for r in range(rounds):
        t0 = time.perf_counter()
        # The order within a target turns by one each round, so no guest is
        # always the one that runs right after a Linux boot or a target switch.
        order = KINDS[r % len(KINDS):] + KINDS[:r % len(KINDS)]
        for t in tgts:
            for kind in order:
                if kind in t.cmds:
                    run_one(t, kind, record=True, rnd=r)
        log(f"bench: round {r + 1}/{rounds} took {time.perf_counter() - t0:.1f} s")



# --- reporting -------------------------------------------------------------------

def paired(t, a, b):
    """Median over the rounds where both booted of a's time / b's time: the
    two ran seconds apart, so load that drifts over the run cancels out."""
    ra, rb = t.by_round.get(a, {}), t.by_round.get(b, {})
    rs = [ra[r] / rb[r] for r in ra if r in rb and rb[r]]
    return med(rs)


def report(tgts, rounds, guest, tsc, linux_why, quick, commit, kb_rounds=0, st_tgts=(),
           st_rounds=0):
    cpu, ncpu, qv = machine_info()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = []
    L.append("# Toro boot benchmark (`make bench`)")
    L.append("")
    L.append(f"- commit: `{commit}`; date: {now}")
    L.append(f"- machine: {cpu}, {ncpu} CPUs, {qv}, accel tcg; load average "
             f"{LOAD_AT_START} at start, {load_average()} at the end (other work on the "
             "host shifts absolute times; the interleaved ratios are the figures to read)")
    L.append(f"- method: {rounds} round{'s' * (rounds != 1)}, interleaved (each round boots "
             "every target's floor, toro, toro+stats and linux in turn, the order rotated by "
             "one each round, after one untimed warm-up boot of each); wall time from QEMU "
             "process start to exit, median. "
             "QEMU flags are those `scripts/qemu-run` prints for the toro build, for all "
             "three guests.")
    if kb_rounds:
        L.append(f"- kbench: {kb_rounds} boot{'s' * (kb_rounds != 1)} of each kbench guest "
                 f"per PVH target with `-smp {KBENCH_SMP}`, Toro and Linux alternating, after "
                 "the boot rounds (see its section)")
    if st_rounds:
        L.append(f"- storage: {st_rounds} round{'s' * (st_rounds != 1)} of a write boot and a "
                 "read boot per guest and disk, Toro and Linux alternating, after kbench (see "
                 "its section)")
    if guest:
        L.append(f"- linux: Debian `{guest['version']}` (`linux-image-cloud-amd64`), "
                 f"static init (`bench/linux/init.c`) in an initramfs, `-m {LINUX_MEM}` "
                 f"(it does not boot in 64 MiB), `{linux_ref.cmdline('microvm', tsc[0])}` on "
                 f"microvm (host TSC from {tsc[1]}), without `tsc_early_khz` on q35")
    else:
        L.append(f"- linux: not run ({linux_why})")
    if rounds < 5:
        L.append(f"- **only {rounds} round{'s' * (rounds != 1)}: medians of fewer than 5 "
                 "boots are not figures of record**")
    L.append("")
    L.append("## Boot time (median wall ms; guest-side µs from the guest itself)")
    L.append("")
    L.append("| target | floor ms | toro ms | toro/floor | toro/floor paired | linux ms | "
             "linux/toro | toro guest µs: kmain / main / exit | linux µs to /init |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in tgts:
        f, o, lx = (med(t.times.get(k, [])) for k in ("floor", "toro", "linux"))
        if t.stats:
            gs = " / ".join(str(int(med([s[i] for s in t.stats]))) for i in range(3))
        else:
            gs = "–"
        li = f"{int(med(t.linux_init)):,}" if t.linux_init else "–"
        if t.unavailable:
            L.append(f"| {t.label} | {ms(f)} | not available: {t.unavailable} | – | – | "
                     f"{ms(lx)} | – | – | {li} |")
            continue
        L.append(f"| {t.label} | {ms(f)} | {ms(o)} | {fmt_ratio(ratio(o, f))} | "
                 f"{fmt_ratio(paired(t, 'toro', 'floor'))} | {ms(lx)} | "
                 f"{fmt_ratio(ratio(lx, o))} | {gs} | {li} |")
    L.append("")
    L.append("## Image size (bytes)")
    L.append("")
    L.append("| target | toro (stripped, plain defconfig) | of which loaded | floor stub | "
             "toro/floor | linux vmlinuz + initramfs | linux/toro |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for t in tgts:
        o, f, lx = (t.sizes.get(k) for k in ("toro", "floor", "linux"))
        if t.unavailable:
            o_s = "not available"
        else:
            o_s = kib(o)
        ld = t.sizes.get("loaded", o)
        L.append(f"| {t.label} | {o_s} | {'–' if t.unavailable or ld is None else f'{ld:,} B'} | "
                 f"{f if f is not None else '–'} | "
                 f"{fmt_ratio(ratio(o, f)) if o else '–'} | {kib(lx) if lx else '–'} | "
                 f"{fmt_ratio(ratio(lx, o)) if lx and o else '–'} |")
    L.append("")
    L.append("## Issue 3 targets (reported, never asserted)")
    L.append("")
    L.append("| goal | target | measured | met |")
    L.append("|---|---|---:|---|")
    for t in tgts:
        if not t.size_goal:
            continue
        o = None if t.unavailable else t.sizes.get("toro")
        met = "–" if o is None else ("yes" if o <= SIZE_GOAL else "no")
        L.append(f"| hello stripped ≤ 16 KiB | {t.label} | "
                 f"{'not available' if o is None else f'{o:,} B'} | {met} |")
    for t in tgts:
        r = None if t.unavailable else ratio(med(t.times.get("toro", [])),
                                              med(t.times.get("floor", [])))
        met = "–" if r is None else ("yes" if r <= BOOT_GOAL else "no")
        pr = None if t.unavailable else paired(t, "toro", "floor")
        shown = "not available" if r is None else \
            fmt_ratio(r) + (f" (paired {fmt_ratio(pr)})" if pr else "")
        L.append(f"| boot ≤ 1.2× floor | {t.label} | {shown} | {met} |")
    L.append("")
    L.extend(kbench_report(tgts, kb_rounds, guest, tsc, linux_why))
    L.extend(storage.report(list(st_tgts), st_rounds, guest, linux_why))
    L.append("## Every series")
    L.append("")
    L.append("| target | guest | boots | median ms | min ms | max ms | failed |")
    L.append("|---|---|---:|---:|---:|---:|---|")
    names = {"floor": "floor stub", "toro": "toro", "stats": "toro + boot stats",
             "linux": "linux"}
    for t in tgts:
        for kind in KINDS:
            xs, fs = t.times.get(kind, []), t.fails.get(kind, [])
            if not xs and not fs:
                continue
            fl = f"{len(fs)}: {fs[0]}" if fs else "0"
            L.append(f"| {t.label} | {names[kind]} | {len(xs)} | {ms(med(xs))} | "
                     f"{ms(min(xs) if xs else None)} | {ms(max(xs) if xs else None)} | {fl} |")
    L.append("")
    L.append("## Commands (paths relative to the tree)")
    L.append("")
    for t in tgts:
        for kind in KINDS:
            if kind in t.cmds:
                c = " ".join(shlex.quote(a) for a in t.cmds[kind]).replace(str(ROOT) + "/", "")
                L.append(f"- {t.label}, {names[kind]}: `{c}`")
    for t in tgts:
        for kind in ("toro", "linux"):
            if kind in t.kb_cmds:
                c = " ".join(shlex.quote(a) for a in t.kb_cmds[kind]).replace(str(ROOT) + "/",
                                                                              "")
                L.append(f"- {t.label}, {kind} kbench: `{c}`")
    L.append("")
    L.append("Notes:")
    L.append("")
    L.append("- toro/floor is the ratio of the medians; \"paired\" is the median of the "
             "per-round ratios (toro and floor ran seconds apart in each round), the steadier "
             "figure when the host is busy.")
    L.append("- toro/floor and the goals use the plain defconfig build; the boot-stats build "
             "calibrates the TSC against the PIT when it prints, after `main` returns, so its "
             "wall time is longer and only listed above.")
    L.append("- Guest µs count from the kernel's first instruction (the MBR's on BIOS) by "
             "the TSC; Linux's figure is CLOCK_BOOTTIME when /init runs, which starts later "
             "(after decompression), so it understates Linux's guest time.")
    L.append("- Sizes: floor stubs are stripped ELF32 (PVH, Multiboot) or the 512-byte MBR; "
             "linux is the compressed bzImage plus the uncompressed initramfs. \"Of which "
             "loaded\" is what the loader copies (the allocated sections in the file); the rest "
             "of toro.stripped is ELF headers and the padding that puts the segment at its page "
             "offset in the file.")
    for n in dict.fromkeys(sum((t.notes for t in tgts), [])):
        L.append(f"- {n}")
    if quick:
        L.append("- `--quick` run: one round, no Linux, one kbench boot; not a result of "
                 "record.")
    return "\n".join(L) + "\n"


def chart(tgts, path, title, kb_rounds=0, st_tgts=()):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    kinds = [("floor", "floor stub", "#9e9e9e"), ("toro", "Toro hello", "#c0392b"),
             ("linux", "Linux (Debian cloud kernel + static init)", "#2e6da4")]
    with_kb = kb_rounds > 0 and any(t.kb.get(k) for t in tgts for k in ("toro", "linux"))
    with_st = any(t.runs for t in st_tgts)
    # One row for boot time and size, then one for kbench and one for storage.
    extra = (["kbench"] if with_kb else []) + (["storage"] if with_st else [])
    height = 5 + 5.5 * len(extra)
    if extra:
        fig = plt.figure(figsize=(12, height))
        grid = fig.add_gridspec(1 + len(extra), 2)
        axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]
        row_ax = {k: fig.add_subplot(grid[1 + i, :]) for i, k in enumerate(extra)}
    else:
        fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    width = 0.27

    def human(v, what):
        if what == "time":
            return f"{v:.0f}" if v >= 100 else f"{v:.1f}"
        if v >= 1024 * 1024:
            return f"{v / 1024 / 1024:.1f} MiB"
        return f"{v / 1024:.1f} KiB" if v >= 1024 else f"{v:.0f} B"

    for ax, what in zip(axes, ("time", "size")):
        for j, (kind, name, colour) in enumerate(kinds):
            xs, ys = [], []
            for i, t in enumerate(tgts):
                if kind == "toro" and t.unavailable:
                    continue
                if what == "time":
                    v = med(t.times.get(kind, []))
                    v = None if v is None else v * 1000
                else:
                    v = t.sizes.get(kind)
                if v is not None:
                    xs.append(i + (j - 1) * width)
                    ys.append(v)
            bars = ax.bar(xs, ys, width, label=name, color=colour)
            for b, y in zip(bars, ys):
                ax.annotate(human(y, what), (b.get_x() + b.get_width() / 2, y), ha="center",
                            va="bottom", fontsize=7, xytext=(0, 1), textcoords="offset points")
        # Log scale (Linux is 10-1000x the others) from a fixed base, so bar
        # heights compare.
        ax.set_yscale("log")
        ax.set_ylim(bottom=10 if what == "time" else 100)
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _p, w=what: f"{v:g}" if w == "time" else
            (f"{v / 1e6:g} MB" if v >= 1e6 else f"{v / 1e3:g} kB" if v >= 1e3 else f"{v:g} B")))
        ax.set_xticks(range(len(tgts)))
        labels = []
        for t in tgts:
            if t.unavailable:
                labels.append(t.label + "\n(toro: not available)")
                continue
            r = ratio(med(t.times.get("toro", [])), med(t.times.get("floor", [])))
            labels.append(t.label + (f"\ntoro/floor {r:.2f}×" if r and what == "time" else ""))
        ax.set_xticklabels(labels, fontsize=9)
        ax.grid(axis="y", which="major", alpha=0.3)
        if what == "time":
            ax.set_ylabel("median wall time, QEMU start to exit (ms, log)")
            ax.set_title("Boot to exit, QEMU TCG")
        else:
            ax.set_ylabel("bytes (log)")
            ax.set_title("Image size (toro: stripped plain defconfig)")
        ax.set_ylim(top=ax.get_ylim()[1] * 2)
    handles, labels = axes[0].get_legend_handles_labels()
    if extra:
        if with_kb:
            kbench_chart(row_ax["kbench"], tgts, kb_rounds)
        if with_st:
            storage.storage_chart(row_ax["storage"], st_tgts)
        # The boot/size legend between the first two rows.
        fig.suptitle(title, fontsize=10)
        fig.tight_layout(rect=(0, 0, 1, 1), h_pad=4)
        box = axes[0].get_position()
        fig.legend(handles, labels, loc="center", ncol=3, fontsize=9, frameon=False,
                   bbox_to_anchor=(0.5, box.y0 - 0.075 * 10.5 / height))
    else:
        fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
        fig.suptitle(title, fontsize=10)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="1 round, no Linux; results go to build/bench/quick.*")
    ap.add_argument("--rounds", type=int, help="rounds (default $BENCH_ROUNDS or 10)")
    ap.add_argument("--no-linux", action="store_true", help="skip the Linux reference guest")
    ap.add_argument("--kbench-rounds", type=int,
                    help="kbench boots per guest (default $BENCH_KBENCH_ROUNDS or 5; 1 with "
                         "--quick)")
    ap.add_argument("--no-kbench", action="store_true", help="skip the kbench table")
    ap.add_argument("--storage-rounds", type=int,
                    help="storage rounds (default $BENCH_STORAGE_ROUNDS or 5; 1 with --quick)")
    ap.add_argument("--no-storage", action="store_true", help="skip the storage table")
    ap.add_argument("--only", choices=["storage"],
                    help="run only this part (storage: bench/storage.py's table, written to "
                         "build/bench/storage.md/.png or --out)")
    ap.add_argument("--out", help="directory for latest.md/.png (default bench/results)")
    args = ap.parse_args()
    st_rounds = 0 if args.no_storage else (
        args.storage_rounds if args.storage_rounds is not None else
        (1 if args.quick else int(os.environ.get("BENCH_STORAGE_ROUNDS", "5"))))
    if args.only == "storage":
        return storage.standalone(max(st_rounds, 1), args.no_linux or args.quick,
                                  Path(args.out) if args.out else OUT)

    rounds = args.rounds or (1 if args.quick else int(os.environ.get("BENCH_ROUNDS", "10")))
    if rounds < 1:
        sys.exit("bench: need at least one round")
    no_linux = args.no_linux or args.quick
    kb_rounds = 0 if args.no_kbench else (
        args.kbench_rounds if args.kbench_rounds is not None else
        (1 if args.quick else int(os.environ.get("BENCH_KBENCH_ROUNDS", "5"))))
    if args.out:
        out_dir, stem = Path(args.out), "latest"
    elif args.quick:
        out_dir, stem = OUT, "quick"
    else:
        out_dir, stem = RESULTS, "latest"
    start = time.perf_counter()
    commit = git_commit()
    OUT.mkdir(parents=True, exist_ok=True)

    floors = build_floor()
    tgts = targets()
    for t in tgts:
        prepare_target(t, floors)
    for t in tgts:
        if t.kbench and kb_rounds > 0:
            prepare_kbench(t)

    guest, tsc, linux_why = None, (None, ""), "--no-linux" if no_linux else ""
    if not no_linux and any(t.linux for t in tgts):
        try:
            guest = linux_ref.prepare(log=log)
            tsc = linux_ref.host_tsc_khz()
            for t in tgts:
                if t.linux:
                    add_linux(t, guest, tsc[0])
        except linux_ref.LinuxUnavailable as e:
            linux_why = str(e)
            log(f"bench: no Linux reference: {e}")
    if guest and kb_rounds > 0:
        try:
            linux_ref.prepare_kbench(guest, log=log)
            for t in tgts:
                if t.kbench:
                    add_linux_kbench(t, guest, tsc[0])
        except linux_ref.LinuxUnavailable as e:
            log(f"bench: no Linux kbench: {e}")
            for t in tgts:
                if t.kbench:
                    t.kb_unavailable["linux"] = str(e)
    elif kb_rounds > 0:
        for t in tgts:
            if t.kbench:
                t.kb_unavailable["linux"] = f"not run ({linux_why})"

    log(f"bench: {rounds} round(s) over " +
        ", ".join(f"{t.label} ({'/'.join(k for k in KINDS if k in t.cmds)})" for t in tgts))
    run_all(tgts, rounds)
    if kb_rounds > 0:
        log(f"bench: kbench, {kb_rounds} boot(s) of each over " +
            ", ".join(f"{t.label} ({'/'.join(k for k in ('toro', 'linux') if k in t.kb_cmds)})"
                      for t in tgts if t.kbench))
        run_kbench(tgts, kb_rounds)
    st_tgts = storage.bench(st_rounds, guest, tsc[0], linux_why) if st_rounds > 0 else []

    md = report(tgts, rounds, guest, tsc, linux_why, args.quick, commit, kb_rounds, st_tgts,
                st_rounds)
    broken = all(t.unavailable for t in tgts)
    if broken and out_dir == RESULTS:
        # Nothing of ours was measured: keep the results of record as they are.
        out_dir, stem = OUT, "failed"
        log("bench: no Toro image was built and booted; not replacing bench/results/")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.md").write_text(md)
    title = (f"Toro make bench, {commit}, {machine_info()[2]}, TCG, median of {rounds} "
             f"(host load average at start {LOAD_AT_START.split()[0]})")
    chart(tgts, out_dir / f"{stem}.png", title, kb_rounds, st_tgts)
    print(md)
    log(f"bench: wrote {out_dir / (stem + '.md')} and {stem}.png "
        f"in {time.perf_counter() - start:.0f} s")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
