#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""common.py - what the parts of `make bench` share (bench.py, kbench.py, storage.py).

  processes   run_timed() runs one QEMU in its own process group with a hard
              timeout; every QEMU still running is killed when the bench
              stops (exit, SIGINT, SIGTERM, SIGHUP)
  building    make() (the compiler's own error line on failure) and
              qemu_run_command(), the exact command scripts/qemu-run prints
              for a build (TCG), plus helpers to edit such a command
  reporting   medians, ratios, number formats, the commit and the machine

Not a program: imported by the other bench modules.
"""

import atexit
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = "/usr/bin/python3"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
BOOT_OPTS = {"-kernel", "-append", "-initrd", "-drive", "-fw_cfg"}
LINUX_MEM = os.environ.get("BENCH_LINUX_MEM", "128")


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
        pick = useful or lines or [""]
        err = pick[0]
        if err.rstrip().endswith(":"):
            # "error: invalid configuration:" and its reasons on the lines after it.
            after = lines[lines.index(err) + 1:] if err in lines else []
            err = " ".join([err.strip()] + [ln.strip() for ln in after[:2]])
        raise RuntimeError(f"make {' '.join(args)}: {err.strip()[:300]}")
    return p.stdout



def qemu_run_command(build_dir, smp=None, cmdline=None, mem=None):
    """The exact command scripts/qemu-run would run for this build (TCG), with
    the given CPUs, kernel command line and memory, and no disk of the user's."""
    env = dict(os.environ, ACCEL="tcg")
    for k in ("CMDLINE", "QEMU_ARGS", "SMP", "MEM", "MACHINE", "DISK", "SHARE"):
        env.pop(k, None)
    if smp:
        env["SMP"] = str(smp)
    if cmdline:
        env["CMDLINE"] = cmdline
    if mem:
        env["MEM"] = str(mem)
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



# --- reporting -------------------------------------------------------------------

def med(xs):
    return statistics.median(xs) if xs else None


def ms(x):
    return "–" if x is None else f"{x * 1000:.1f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b



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

