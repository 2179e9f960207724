# SPDX-License-Identifier: MIT
"""torotest - shared helpers for Toro's pytest suites (boot and config tests).

  build(name, fragments=(), extra="")  -> Path of the O= directory
      make O=build/test/<name> <name>_defconfig <fragments> all, once per
      session and safely from several xdist workers (a file lock per dir).
      `extra` is text of CONFIG_ lines merged as one more fragment.
  boot(outdir, cmdline="", smp=None, mem=None, machine=None, timeout=60,
       qemu_args="", stdin=None) -> Boot(rc, exit_code, out)
      scripts/qemu-run under TCG with a hard timeout; `exit_code` is the
      guest's code from isa-debug-exit ((rc - 1) // 2 when rc is odd).
  boot_until(outdir, text, timeout=30, cmdline=, mem=, machine=, qemu_args=) -> str
      for guests that stop without exiting (a loader's error, then hlt):
      boot like boot(), return the serial output as soon as the line with
      `text` is complete (QEMU is killed then); raise with the output if it
      does not come in time.

Everything a test starts is cleaned up: QEMU runs in its own process group,
killed on timeout.
"""

import fcntl
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_BUILD = ROOT / "build" / "test"
PYTHON = "/usr/bin/python3"


def make(*args, cwd=ROOT, env=None, check=True, timeout=600):
    """Run make; on failure raise with its output."""
    e = dict(os.environ)
    e.pop("MAKEFLAGS", None)
    e.pop("MFLAGS", None)
    if env:
        e.update(env)
    p = subprocess.run(["make", *args], cwd=cwd, env=e, capture_output=True, text=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({p.returncode}):\n"
                             f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


_built = set()


def build(name, fragments=(), extra="", defconfig=None):
    """Configure and build configs/<defconfig or name>_defconfig in build/test/<name>."""
    out = TEST_BUILD / name
    out.mkdir(parents=True, exist_ok=True)
    with open(TEST_BUILD / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if name not in _built:
            frag_args = list(fragments)
            if extra:
                frag = out / "extra.config"
                frag.write_text(extra)
                frag_args.append(str(frag))
            make(f"O={out}", f"{defconfig or name}_defconfig", *frag_args)
            make(f"O={out}", "-j2", "all")
            _built.add(name)
    return out


@dataclass
class Boot:
    rc: int
    out: str

    @property
    def exit_code(self):
        """The guest's exit code, or None if QEMU did not exit through isa-debug-exit."""
        if self.rc > 0 and self.rc % 2 == 1:
            return (self.rc - 1) // 2
        return None


def boot(outdir, cmdline="", smp=None, mem=None, machine=None, timeout=60, qemu_args="",
         stdin=None, accel="tcg"):
    env = dict(os.environ)
    env.update({"CMDLINE": cmdline, "QEMU_ARGS": qemu_args, "ACCEL": accel})
    for key, val in (("SMP", smp), ("MEM", mem), ("MACHINE", machine)):
        if val is not None:
            env[key] = str(val)
        else:
            env.pop(key, None)
    p = subprocess.Popen([PYTHON, str(ROOT / "scripts" / "qemu-run"), "--raw-status", "--build",
                          str(outdir)],
                         stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         start_new_session=True)
    try:
        out, _ = p.communicate(input=stdin.encode() if stdin is not None else None,
                               timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        raise AssertionError(f"QEMU did not exit within {timeout}s; output:\n"
                             f"{out.decode(errors='replace')[-3000:]}")
    return Boot(p.returncode, out.decode(errors="replace").replace("\r\n", "\n"))


def boot_until(outdir, text, timeout=30, cmdline="", mem=None, machine=None, qemu_args="",
               accel="tcg"):
    """Boot until `text` appears on the serial output; return that output."""
    env = dict(os.environ)
    env.update({"CMDLINE": cmdline, "QEMU_ARGS": qemu_args, "ACCEL": accel})
    for key, val in (("MEM", mem), ("MACHINE", machine)):
        if val is not None:
            env[key] = str(val)
        else:
            env.pop(key, None)
    p = subprocess.Popen([PYTHON, str(ROOT / "scripts" / "qemu-run"), "--raw-status", "--build",
                          str(outdir)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env, start_new_session=True)
    out = b""
    deadline = time.monotonic() + timeout

    def seen():  # the text and the rest of its line
        at = out.find(text.encode())
        return at >= 0 and b"\n" in out[at:]

    try:
        with selectors.DefaultSelector() as sel:
            sel.register(p.stdout, selectors.EVENT_READ)
            while not seen() and time.monotonic() < deadline:
                if sel.select(timeout=max(0, deadline - time.monotonic())):
                    chunk = os.read(p.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    out += chunk
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        p.stdout.close()
    decoded = out.decode(errors="replace").replace("\r\n", "\n")
    if text not in decoded:
        raise AssertionError(f"{text!r} did not appear within {timeout}s; output:\n"
                             f"{decoded[-3000:]}")
    return decoded
