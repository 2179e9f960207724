# SPDX-License-Identifier: MIT
"""clock: the TSC frequency, CLOCK_MONOTONIC and CLOCK_REALTIME, checked from outside.

The app busy-waits WAIT_MS of CLOCK_MONOTONIC between two lines; the host times
those lines with its own clock. Under TCG the guest's TSC runs at the host's
TSC rate and QEMU's PIT, HPET, PM timer and RTC follow the host's clock, so a
wrongly measured TSC frequency shows as an interval off by the same factor.
The RTC starts at RTC_BASE (-rtc base=...), so the printed date must be that
plus the run time. Each reference clock the calibration can use is covered:
the PIT (microvm; pc without ACPI), the HPET (q35; pc through Multiboot,
where the RSDP is searched for) and the PM timer (pc without HPET).
"""

import datetime
import os
import re
import selectors
import signal
import subprocess
import time

import pytest
from torotest import PYTHON, ROOT, build

RTC_BASE = datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
RTC_ARGS = "-rtc base=2031-05-06T07:08:09"
WAIT_MS = 2000
RATE_TOLERANCE = 0.02
CLOCK_EXTRA = "CONFIG_APP_CLOCK=y\nCONFIG_APP_HELLO=n\n"

# (defconfig, MACHINE, extra QEMU arguments, the reference clock expected)
TARGETS = [
    ("microvm", None, "", "pit"),
    ("kvm", "q35", "", "hpet"),
    ("kvm", "pc", "-M pc,hpet=off", "pm-timer"),
    ("kvm", "pc", "-M pc,acpi=off", "pit"),
    ("multiboot", None, "", "hpet"),
]


def build_clock(config):
    return build(f"{config}-clock", defconfig=config, extra=CLOCK_EXTRA)


def run_timed(outdir, machine=None, qemu_args="", cmdline="", timeout=60):
    """Boot; return (rc, output, [(line, host time it arrived)], seconds QEMU ran)."""
    env = dict(os.environ)
    env.update({"CMDLINE": cmdline, "QEMU_ARGS": f"{RTC_ARGS} {qemu_args}", "ACCEL": "tcg"})
    env.pop("MACHINE", None)
    if machine:
        env["MACHINE"] = machine
    start = time.monotonic()
    p = subprocess.Popen([PYTHON, str(ROOT / "scripts" / "qemu-run"), "--raw-status", "--build",
                          str(outdir)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env, start_new_session=True)
    pending, lines = b"", []
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(p.stdout, selectors.EVENT_READ)
            while time.monotonic() < start + timeout:
                if not sel.select(timeout=max(0, start + timeout - time.monotonic())):
                    continue
                chunk = os.read(p.stdout.fileno(), 4096)
                now = time.monotonic()
                if not chunk:
                    break
                *done, pending = (pending + chunk).split(b"\n")
                lines += [(d.decode(errors="replace").rstrip("\r"), now) for d in done]
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        p.stdout.close()
    ran = time.monotonic() - start
    return p.returncode, "\n".join(line for line, _ in lines), lines, ran


def arrival(lines, prefix):
    """Host time at which the first line starting with @prefix arrived."""
    for line, when in lines:
        if line.startswith(prefix):
            return when
    raise AssertionError(f"no line starting {prefix!r}")


def check_run(rc, out, lines, ran, source):
    assert rc % 2 == 1 and (rc - 1) // 2 == 0, out
    assert "clock: all checks passed" in out, out
    m = re.search(r"clock: tsc (\d+) kHz from (\S+)", out)
    assert m, out
    assert m.group(2) == source, out
    assert "clock: monotonic ok (0 reads went backwards)" in out, out

    # The guest's WAIT_MS against the host's clock: a wrong TSC rate scales it.
    guest_us = int(re.search(r"clock: wait end: (\d+) us", out).group(1))
    host_s = arrival(lines, "clock: wait end") - arrival(lines, "clock: wait start")
    ratio = host_s * 1e6 / guest_us
    assert abs(ratio - 1) <= RATE_TOLERANCE, (
        f"guest waited {guest_us} us by CLOCK_MONOTONIC, the host saw {host_s * 1e6:.0f} us "
        f"(ratio {ratio:.4f}; TSC {m.group(1)} kHz from {m.group(2)})\n{out}")

    # CLOCK_REALTIME: the RTC base plus at most the time QEMU has run.
    d = re.search(r"clock: realtime (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC", out)
    assert d, out
    printed = datetime.datetime(*map(int, d.groups()), tzinfo=datetime.timezone.utc)
    offset = (printed - RTC_BASE).total_seconds()
    assert -1 <= offset <= ran + 60, f"realtime {printed} is {offset} s from {RTC_BASE}\n{out}"


@pytest.mark.parametrize("config,machine,qemu_args,source", TARGETS)
def test_clock(config, machine, qemu_args, source):
    rc, out, lines, ran = run_timed(build_clock(config), machine, qemu_args,
                                    cmdline=f"-- wait={WAIT_MS}")
    check_run(rc, out, lines, ran, source)


@pytest.mark.parametrize("config,machine,source", [("microvm", None, "pit"),
                                                   ("kvm", "q35", "hpet")])
def test_clock_early_sample(config, machine, source):
    """time_calibration_begin(), then ~0.5 s without clocks: a long window."""
    rc, out, lines, ran = run_timed(build_clock(config), machine,
                                    cmdline=f"-- spin=100 wait={WAIT_MS}")
    check_run(rc, out, lines, ran, source)
    m = re.search(r"tsc: \d+ kHz from the \S+ over (\d+) ms \(first use waited (\d+) ms\)", out)
    assert m, out
    window_ms = int(m.group(1))
    spun = arrival(lines, "tsc:") - arrival(lines, "clock: spin start")
    # The PIT's window can reach back ~1.3 s; a slow host may spin longer than that.
    if source != "pit" or spun < 1.0:
        assert window_ms >= 0.5 * spun * 1000, (
            f"window {window_ms} ms after {spun * 1000:.0f} ms of spinning\n{out}")


def test_clock_without_rtc():
    """microvm with rtc=off: CLOCK_REALTIME counts from 0, with one warning."""
    rc, out, lines, ran = run_timed(build_clock("microvm"), qemu_args="-M microvm,rtc=off",
                                    cmdline="-- wait=100")
    assert rc % 2 == 1 and (rc - 1) // 2 == 0, out
    assert out.count("time: no wall clock (RTC or kvmclock)") == 1, out
    assert "clock: realtime 1970-01-01 00:00:0" in out, out
    assert "clock: all checks passed" in out, out
