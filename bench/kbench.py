#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""kbench.py - the kbench part of `make bench` (issue 4): scheduler and heap
micro-benchmarks, Toro against Linux.

On the PVH targets (microvm and q35), apps/kbench (the defconfig +
configs/kbench.config, built in build/bench/<defconfig>-kbench/) and its Linux
twin bench/linux/kbench.c (run by the reference guest's /init when booted with
toro_kbench=1) boot with -smp 2 (BENCH_KBENCH_SMP), interleaved over
BENCH_KBENCH_ROUNDS boots each (default 5). Each boot prints the median of 5
in-guest runs per figure, in TSC cycles; the table shows the median over the
boots and Linux/Toro. A figure a guest skips (one CPU) shows as n/a.

Called by bench.py, in this order: prepare_kbench() and add_linux_kbench() per
target, run_kbench(), then kbench_report() for latest.md and kbench_chart()
for the lower half of latest.png. Its state lives in bench.py's Target (the
kb_* fields).
"""

import os
import re
import subprocess
import time

import linux as linux_ref  # bench/linux.py
from common import (LINUX_MEM, OUT, ROOT, fmt_ratio, log, machine_info, make, med,
                    qemu_run_command, ratio, run_timed, with_option)

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

