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

Then kbench (issue 4): on the PVH targets (microvm and q35), apps/kbench
(the defconfig + configs/kbench.config, in <name>-kbench/) and its Linux
twin bench/linux/kbench.c (run by the reference guest's /init when booted
with toro_kbench=1) boot with -smp 2 (BENCH_KBENCH_SMP), interleaved over
BENCH_KBENCH_ROUNDS boots each (default 5). Each boot prints the median of 5
in-guest runs per figure, in TSC cycles; the table shows the median over the
boots and Linux/Toro. A figure a guest skips (one CPU) shows as n/a.

  bench/bench.py            the full run: BENCH_ROUNDS rounds (default 10),
                            writes bench/results/latest.md and latest.png
  bench/bench.py --quick    1 round, no Linux, 1 kbench boot; writes
                            build/bench/quick.md/.png
  bench/bench.py --rounds N --no-linux --no-kbench --out DIR   (see --help)
"""

import argparse
import atexit
import datetime
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import linux as linux_ref  # noqa: E402  (bench/linux.py)

OUT = ROOT / "build" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = "/usr/bin/python3"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
BOOT_OPTS = {"-kernel", "-append", "-initrd", "-drive", "-fw_cfg"}
LINUX_MEM = os.environ.get("BENCH_LINUX_MEM", "128")
TIMEOUT = {"floor": 30, "toro": 30, "stats": 60, "linux": 120}
KBENCH_TIMEOUT = {"toro": 30, "linux": 150}
KBENCH_SMP = os.environ.get("BENCH_KBENCH_SMP", "2")
# (name in the kbench: lines, what one unit is, issue 4 goal as Linux/Toro or None)
KBENCH_FIGURES = [
    ("yield", "per yield, two threads on one CPU", 10),
    ("remote-create", "per create on CPU 1 + join from CPU 0", 5),
    ("malloc-free", "per malloc(64)/free pair", None),
    ("remote-free", "per free on CPU 0 of a CPU-1 block", None),
]
KBENCH_NAMES = [f[0] for f in KBENCH_FIGURES]
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


# --- processes: every QEMU we start is killed if we stop early ------------------

_live = set()


def _kill_live():
    for p in list(_live):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        _live.discard(p)


def _on_signal(signum, _frame):
    _kill_live()
    sys.exit(128 + signum)


atexit.register(_kill_live)
for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def run_timed(cmd, timeout):
    """Run one QEMU; returns (seconds or None on timeout, exit status, output)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    _live.add(p)
    try:
        out, _ = p.communicate(timeout=timeout)
        dt = time.perf_counter() - t0
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        dt = None
    _live.discard(p)
    return dt, p.returncode, out.decode(errors="replace").replace("\r\n", "\n")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --- building --------------------------------------------------------------------

def make(*args, cwd=ROOT):
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    p = subprocess.run(["make", *args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=1200)
    if p.returncode != 0:
        lines = [ln for ln in (p.stderr + p.stdout).splitlines() if ln.strip()]
        # The compiler's or linker's own words, not make's "*** Error 1".
        useful = [ln for ln in lines if not ln.startswith(("make:", "make[")) and
                  re.search(r"error|undefined reference|not found|No rule", ln, re.I)]
        err = (useful or lines or [""])[0]
        raise RuntimeError(f"make {' '.join(args)}: {err.strip()[:200]}")
    return p.stdout


def build_floor():
    make("-s", "-C", "bench/floor", f"OUT={OUT / 'floor'}")
    f = OUT / "floor"
    return {"pvh": f / "pvh.elf", "multiboot": f / "multiboot.elf", "mbr": f / "mbr.img",
            "mbr.bin": f / "mbr.bin", "efi": f / "efi_floor.img", "efi.bin": f / "efi_floor.efi"}


def qemu_run_command(build_dir, smp=None):
    """The exact command scripts/qemu-run would run for this build (TCG)."""
    env = dict(os.environ, ACCEL="tcg")
    for k in ("CMDLINE", "QEMU_ARGS", "SMP", "MEM", "MACHINE"):
        env.pop(k, None)
    if smp:
        env["SMP"] = str(smp)
    p = subprocess.run([PYTHON, str(ROOT / "scripts" / "qemu-run"), "--build", str(build_dir),
                        "--dry-run"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True)
    line = next((ln for ln in p.stderr.splitlines() if ln.startswith("qemu-run: ")), None)
    if p.returncode != 0 or not line:
        raise RuntimeError(f"scripts/qemu-run --dry-run: {p.stderr.strip()[-200:]}")
    return shlex.split(line[len("qemu-run: "):])


def split_boot_args(cmd):
    """(base command without the boot artefact, [(option, value)] of the artefact)."""
    base, boot, i = [], [], 0
    while i < len(cmd):
        if cmd[i] in BOOT_OPTS and i + 1 < len(cmd):
            boot.append((cmd[i], cmd[i + 1]))
            i += 2
        else:
            base.append(cmd[i])
            i += 1
    return base, boot


def option(cmd, name):
    return next((cmd[i + 1] for i in range(len(cmd) - 1) if cmd[i] == name), None)


def with_option(cmd, name, value):
    out = list(cmd)
    for i in range(len(out) - 1):
        if out[i] == name:
            out[i + 1] = value
            return out
    return out + [name, value]


def default_base(machine):
    return [QEMU, "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none",
            "-M", machine, "-accel", "tcg", "-m", "64", "-smp", "1", "-serial", "stdio"]


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


def prepare_kbench(t):
    """Build the target's defconfig + kbench.config; its command with -smp 2."""
    d = OUT / f"{t.defconfig}-kbench"
    if t.unavailable:
        t.kb_unavailable["toro"] = "no Toro build for this target"
        return
    if not (ROOT / "configs" / "kbench.config").is_file():
        t.kb_unavailable["toro"] = "configs/kbench.config does not exist"
        return
    try:
        log(f"bench: building {t.defconfig}_defconfig + kbench.config in "
            f"{d.relative_to(ROOT)}")
        make(f"O={d}", f"{t.defconfig}_defconfig", "kbench.config")
        make(f"O={d}", f"-j{os.cpu_count() or 1}", "all")
        t.kb_cmds["toro"] = qemu_run_command(d, smp=KBENCH_SMP)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        t.kb_unavailable["toro"] = f"build failed: {e}"


def add_linux_kbench(t, guest, tsc_khz):
    base = with_option(with_option(t.base, "-m", LINUX_MEM), "-smp", KBENCH_SMP)
    t.kb_cmds["linux"] = base + linux_ref.qemu_args(guest, t.machine, tsc_khz, kbench=True)


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


KB_FIG_RE = re.compile(r"kbench: (\S+) (\d+) cycles")
KB_SKIP_RE = re.compile(r"kbench: (\S+) skipped \(([^)]*)\)")
KB_CPUS_RE = re.compile(r"kbench: (\d+) cpus?\b")
TORO_BOOT_RE = re.compile(r"toro: (\S+) boot, (\d+) cpus?\b")


def run_kbench_one(t, kind, rnd):
    """One kbench boot; records its figures, or why it failed. Returns the failure."""
    dt, rc, out = run_timed(t.kb_cmds[kind], KBENCH_TIMEOUT[kind])
    figs = {m.group(1): int(m.group(2)) for m in KB_FIG_RE.finditer(out)}
    skips = {m.group(1): m.group(2) for m in KB_SKIP_RE.finditer(out)}
    missing = [n for n in KBENCH_NAMES if n not in figs and n not in skips]
    # Toro exits through isa-debug-exit (status 1 = main returned 0); Linux
    # through it or a power-off.
    rc_ok = rc == 1 if kind == "toro" else rc in (0, 1)
    why = None
    if dt is None:
        why = f"timeout after {KBENCH_TIMEOUT[kind]} s" + \
            (f" with no {'/'.join(missing)} line" if missing else "")
    elif missing or not rc_ok:
        tail = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["(no output)"]
        why = (f"exit status {rc}" + (f", no {'/'.join(missing)} line" if missing else "") +
               f", last output: {tail[0][:120]}")
    if figs:
        # Even from a boot that hung or failed later: what it printed is measured.
        t.kb.setdefault(kind, {})[rnd] = figs
    t.kb_skipped.setdefault(kind, {}).update(skips)
    cpus = TORO_BOOT_RE.search(out) if kind == "toro" else None
    cpus = cpus.group(2) if cpus else (KB_CPUS_RE.search(out) or [None, None])[1]
    if cpus:
        t.kb_cpus.setdefault(kind, set()).add(int(cpus))
    if why:
        t.kb_fails.setdefault(kind, []).append(why)
    return why


def run_kbench(tgts, rounds):
    """kbench boots, Toro and Linux alternating (which goes first turns each round).
    A guest that fails its first boot is not booted again (the figures it
    printed before failing are kept)."""
    for r in range(rounds):
        t0 = time.perf_counter()
        order = ["toro", "linux"] if r % 2 == 0 else ["linux", "toro"]
        for t in tgts:
            for kind in order:
                if kind not in t.kb_cmds or kind in t.kb_unavailable:
                    continue
                why = run_kbench_one(t, kind, r)
                if why and r == 0:
                    log(f"bench: {t.label} kbench {kind}: {why}")
                    t.kb_unavailable[kind] = f"failed its first boot, not booted again: {why}"
        log(f"bench: kbench round {r + 1}/{rounds} took {time.perf_counter() - t0:.1f} s")


# --- reporting -------------------------------------------------------------------

def med(xs):
    return statistics.median(xs) if xs else None


def ms(x):
    return "–" if x is None else f"{x * 1000:.1f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def paired(t, a, b):
    """Median over the rounds where both booted of a's time / b's time: the
    two ran seconds apart, so load that drifts over the run cancels out."""
    ra, rb = t.by_round.get(a, {}), t.by_round.get(b, {})
    rs = [ra[r] / rb[r] for r in ra if r in rb and rb[r]]
    return med(rs)


def fmt_ratio(r):
    return "–" if r is None else f"{r:.2f}×"


def kib(n):
    if n is None:
        return "–"
    if n >= 1024 * 1024:
        return f"{n:,} B ({n / 1024 / 1024:.1f} MiB)"
    return f"{n:,} B ({n / 1024:.1f} KiB)"


def load_average():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


LOAD_AT_START = load_average()


def git_commit():
    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout
    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--", ".", ":(exclude)bench/results")
    return head + ("-dirty" if dirty.strip() else "")


def machine_info():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count()
    try:
        qv = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
        qv = qv.splitlines()[0].replace("QEMU emulator version ", "QEMU ")
    except (OSError, IndexError):
        qv = "QEMU (version unknown)"
    return cpu, ncpu, qv


def kb_values(t, kind, name):
    return [f[name] for f in t.kb.get(kind, {}).values() if name in f]


def kb_median(t, kind, name):
    return med(kb_values(t, kind, name))


def kb_paired(t, name):
    """Median over the rounds where both ran of Linux's figure / Toro's."""
    lx, tr = t.kb.get("linux", {}), t.kb.get("toro", {})
    return med([lx[r][name] / tr[r][name] for r in lx
                if r in tr and name in lx[r] and tr[r].get(name)])


def kb_cell(t, kind, name):
    v = kb_median(t, kind, name)
    if v is not None:
        return f"{int(round(v)):,}"
    if name in t.kb_skipped.get(kind, {}):
        return f"n/a ({t.kb_skipped[kind][name]})"
    if t.kb_fails.get(kind):
        return "failed"
    if kind in t.kb_unavailable:
        return "not run"
    return "–"


def kb_cpus(t, kind):
    seen = t.kb_cpus.get(kind)
    return "/".join(str(c) for c in sorted(seen, key=str)) if seen else "?"


def kbench_report(tgts, kb_rounds, guest, tsc, linux_why):
    kt = [t for t in tgts if t.kbench]
    L = []
    L.append(f"## Scheduler and heap: kbench, Toro against Linux (`-smp {KBENCH_SMP}`, "
             "TSC cycles, medians)")
    L.append("")
    if not kt or kb_rounds < 1:
        L.append("Not run (`--no-kbench`).")
        L.append("")
        return L
    for t in kt:
        bits = []
        if t.kb_cpus.get("toro"):
            bits.append(f"Toro booted with {kb_cpus(t, 'toro')} CPU(s) (its boot line)")
        if "toro" in t.kb_unavailable:
            bits.append(f"toro: {t.kb_unavailable['toro']}")
        if t.kb_cpus.get("linux"):
            bits.append(f"Linux's kbench saw {kb_cpus(t, 'linux')} CPU(s)")
        if "linux" in t.kb_unavailable:
            bits.append(f"linux: {t.kb_unavailable['linux']}")
        elif not guest:
            bits.append(f"linux: not run ({linux_why})")
        L.append(f"- {t.label}: " + "; ".join(bits))
        if t.kb_cpus.get("toro") == {1} and int(KBENCH_SMP) > 1:
            L.append(f"  - **Toro ran on one CPU although QEMU had {KBENCH_SMP}** (no SMP "
                     "bring-up in this tree yet): its cross-CPU figures are n/a")
    L.append("")
    L.append("| machine | figure | Toro cycles | Linux cycles | Linux/Toro | paired | "
             "issue 4 goal | met |")
    L.append("|---|---|---:|---:|---:|---:|---|---|")
    for t in kt:
        for name, what, goal in KBENCH_FIGURES:
            r = ratio(kb_median(t, "linux", name), kb_median(t, "toro", name))
            pr = kb_paired(t, name)
            if goal is None:
                g, met = "–", "–"
            else:
                g = f"Toro ≥ {goal}× cheaper"
                if r is not None:
                    met = "met" if r >= goal else "**missed**"
                else:
                    met = "n/a"
            L.append(f"| {t.label} | {name} ({what}) | {kb_cell(t, 'toro', name)} | "
                     f"{kb_cell(t, 'linux', name)} | {fmt_ratio(r)} | {fmt_ratio(pr)} | "
                     f"{g} | {met} |")
    L.append("")
    khz = tsc[0] if tsc and tsc[0] else linux_ref.host_tsc_khz()[0]
    rate = f" ({khz / 1e6:.3f} GHz here, so 1,000 cycles ≈ {1e6 / khz:.2f} µs)" if khz else ""
    L.append(f"- Cycles are TSC ticks read in the guest with `lfence; rdtsc`. Under TCG, "
             f"QEMU's RDTSC returns the host's TSC, so the TSC runs at the host TSC rate{rate}"
             " and a cycle is host time, not an emulated instruction: both guests count the "
             "same clock, so the ratios compare; absolute figures are TCG's, many times "
             "hardware's.")
    L.append(f"- Medians: each boot prints, per figure, the median of 5 in-guest runs (same "
             f"iteration counts in both programs); the table shows the median over "
             f"{kb_rounds} boot{'s' * (kb_rounds != 1)} of each guest, Toro and Linux "
             "alternating; \"paired\" is the median of the per-round Linux/Toro ratios.")
    L.append("- Toro: `apps/kbench`, the target's defconfig + `configs/kbench.config` "
             "(`-m` from its config). Linux: `bench/linux/kbench.c` (`gcc -static -O2 "
             "-pthread`: glibc's malloc, NPTL threads with default 8 MiB stacks, "
             "`pthread_attr_setaffinity_np` to pin), run by the reference guest's /init when "
             f"booted with `{linux_ref.KBENCH_SWITCH}`, same kernel and `-m {LINUX_MEM}`. "
             "Linux's yield is two threads pinned to CPU 0 calling `sched_yield()`, with "
             "the main thread blocked in `pthread_join()`.")
    L.append("- QEMU's TCG is multi-threaded here (one host thread per vCPU): the cross-CPU "
             "figures (remote-*) include waking the other vCPU's host thread, so they swing "
             f"with the host's load ({machine_info()[1]} host CPUs; see min–max below) far "
             "more than the same-CPU ones.")
    L.append("- Goals are reported, never asserted (issue 4: yield ≥ 10× and remote "
             "creation ≥ 5× cheaper than Linux).")
    if kb_rounds < 5:
        L.append(f"- **only {kb_rounds} kbench boot{'s' * (kb_rounds != 1)} per guest: "
                 "not figures of record**")
    L.append("")
    L.append("### Every kbench boot (cycles: median over boots, min–max)")
    L.append("")
    L.append("| machine | guest | boots | " + " | ".join(KBENCH_NAMES) + " | failed |")
    L.append("|---|---|---:|" + "---:|" * len(KBENCH_NAMES) + "---|")
    for t in kt:
        for kind in ("toro", "linux"):
            boots, fails = t.kb.get(kind, {}), t.kb_fails.get(kind, [])
            if not boots and not fails:
                continue
            cells = []
            for name in KBENCH_NAMES:
                xs = kb_values(t, kind, name)
                if xs:
                    cells.append(f"{int(round(med(xs))):,} ({min(xs):,}–{max(xs):,})")
                else:
                    cells.append(kb_cell(t, kind, name))
            fl = f"{len(fails)}: {fails[0]}" if fails else "0"
            L.append(f"| {t.label} | {kind} | {len(boots)} | " + " | ".join(cells) +
                     f" | {fl} |")
    L.append("")
    return L


def report(tgts, rounds, guest, tsc, linux_why, quick, commit, kb_rounds=0):
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


def kbench_chart(ax, tgts, kb_rounds):
    """Toro and Linux cycles per kbench figure and machine, log scale."""
    kt = [t for t in tgts if t.kbench]
    groups = [(t, name, goal) for t in kt for name, _w, goal in KBENCH_FIGURES]
    width = 0.38
    top = 1
    for j, (kind, label, colour) in enumerate((("toro", "Toro (apps/kbench)", "#c0392b"),
                                               ("linux", "Linux (bench/linux/kbench.c)",
                                                "#2e6da4"))):
        xs, ys = [], []
        for i, (t, name, _g) in enumerate(groups):
            v = kb_median(t, kind, name)
            x = i + (j - 0.5) * width
            if v is None:
                why = t.kb_skipped.get(kind, {}).get(name)
                ax.annotate("n/a\n(" + why + ")" if why else "n/a", (x, 12), ha="center",
                            va="bottom", fontsize=6.5, color=colour)
                continue
            xs.append(x)
            ys.append(v)
            top = max(top, v)
        bars = ax.bar(xs, ys, width, label=label, color=colour)
        for b, y in zip(bars, ys):
            ax.annotate(f"{y:,.0f}", (b.get_x() + b.get_width() / 2, y), ha="center",
                        va="bottom", fontsize=6.5, xytext=(0, 1), textcoords="offset points")
    ax.set_yscale("log")
    ax.set_ylim(10, top * 12)
    labels = []
    for t, name, goal in groups:
        r = ratio(kb_median(t, "linux", name), kb_median(t, "toro", name))
        lab = name + ("\n" + (f"Linux/Toro {r:.1f}×" if r is not None else "Linux/Toro n/a"))
        if goal:
            lab += f"\ngoal ≥{goal}×: " + ("n/a" if r is None else
                                           "met" if r >= goal else "MISSED")
        labels.append(lab)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(labels, fontsize=7.5)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    n = len(KBENCH_FIGURES)
    for k, t in enumerate(kt):
        if k:
            ax.axvline(k * n - 0.5, color="#bbbbbb", lw=0.8)
        ax.text(k * n + (n - 1) / 2, top * 5, t.label, ha="center", va="bottom", fontsize=9,
                fontweight="bold")
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.set_ylabel("TSC cycles (host TSC rate under TCG, log)")
    ax.set_title(f"kbench, -smp {KBENCH_SMP}: median over {kb_rounds} boot"
                 f"{'s' * (kb_rounds != 1)} of each guest's median of 5 runs (lower is better)")
    ax.legend(loc="upper center", ncol=2, fontsize=8, frameon=False)


def chart(tgts, path, title, kb_rounds=0):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    kinds = [("floor", "floor stub", "#9e9e9e"), ("toro", "Toro hello", "#c0392b"),
             ("linux", "Linux (Debian cloud kernel + static init)", "#2e6da4")]
    with_kb = kb_rounds > 0 and any(t.kb.get(k) for t in tgts for k in ("toro", "linux"))
    if with_kb:
        fig = plt.figure(figsize=(12, 10.5))
        grid = fig.add_gridspec(2, 2, height_ratios=(1, 1))
        axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]
        kb_ax = fig.add_subplot(grid[1, :])
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
    if with_kb:
        kbench_chart(kb_ax, tgts, kb_rounds)
        # The boot/size legend between the two rows.
        fig.suptitle(title, fontsize=10)
        fig.tight_layout(rect=(0, 0, 1, 1), h_pad=4)
        box = axes[0].get_position()
        fig.legend(handles, labels, loc="center", ncol=3, fontsize=9, frameon=False,
                   bbox_to_anchor=(0.5, box.y0 - 0.075))
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
    ap.add_argument("--out", help="directory for latest.md/.png (default bench/results)")
    args = ap.parse_args()

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

    md = report(tgts, rounds, guest, tsc, linux_why, args.quick, commit, kb_rounds)
    broken = all(t.unavailable for t in tgts)
    if broken and out_dir == RESULTS:
        # Nothing of ours was measured: keep the results of record as they are.
        out_dir, stem = OUT, "failed"
        log("bench: no Toro image was built and booted; not replacing bench/results/")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.md").write_text(md)
    title = (f"Toro make bench, {commit}, {machine_info()[2]}, TCG, median of {rounds} "
             f"(host load average at start {LOAD_AT_START.split()[0]})")
    chart(tgts, out_dir / f"{stem}.png", title, kb_rounds)
    print(md)
    log(f"bench: wrote {out_dir / (stem + '.md')} and {stem}.png "
        f"in {time.perf_counter() - start:.0f} s")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
