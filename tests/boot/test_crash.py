# SPDX-License-Identifier: MIT
"""Exception reports and panics, provoked by apps/crash (configs/crash.config).

Each fault must be named, show where it happened as function+offset, show the
callers that led there (the frame-pointer backtrace, symbolised through
kallsyms) down to the boot entry, and stop the machine with the panic exit
code. Every fault is checked on microvm and q35 (PVH); on the Multiboot and
BIOS paths, which build their early page tables differently, a NULL write
(page 0 is unmapped on every path) and a double fault (the IST stack).
"""

import re

import pytest
from torotest import boot, build

PANIC_EXIT_CODE = 0x7F

# The backtrace line format, with the "? " mark of a guessed caller.
TRACE_RE = re.compile(r"^  \[<0x([0-9a-f]{16})>\] (\? )?([\w.]+)\+0x([0-9a-f]+)/0x([0-9a-f]+)$",
                      re.M)
BARE_TRACE_RE = re.compile(r"^  \[<0x([0-9a-f]{16})>\]$", re.M)

TARGETS = [("microvm", None), ("kvm", "q35")]

# mode -> exception name, vector, the function that faults
FAULTS = {
    "pf": ("page fault", 14, "crash_write_null"),
    "ud2": ("invalid opcode", 6, "crash_invalid_opcode"),
    "gp": ("general protection fault", 13, "crash_noncanonical_write"),
    "divide": ("divide error", 0, "crash_divide"),
    "double": ("double fault", 8, "crash_bad_stack"),
}

# main() runs in a thread of CPU 0 (kernel/main.c), so the chain ends at thread_start.
CALLERS = ["crash_level2", "crash_level1", "main", "app_run", "main_thread", "thread_start"]


def crash_build(config, extra=""):
    name = f"{config}-crash" + ("-nokallsyms" if extra else "")
    return build(name, fragments=["crash.config"], extra=extra, defconfig=config)


def trace_names(out):
    """Function names of the backtrace lines after "Call trace:", in order."""
    assert "Call trace:\n" in out, out
    return [m.group(3) for m in TRACE_RE.finditer(out.split("Call trace:\n", 1)[1])]


def check_report(r, mode):
    name, vector, func = FAULTS[mode]
    assert f'crash: provoking "{mode}"' in r.out
    assert f"Kernel exception: {name} (vector {vector}), error code 0x" in r.out, r.out
    rip = re.search(r"^RIP: 0x[0-9a-f]{16} ([\w.]+)\+0x[0-9a-f]+/0x[0-9a-f]+$", r.out, re.M)
    assert rip and rip.group(1) == func, r.out
    for reg in ("RSP", "RFLAGS", "RAX", "RBX", "RBP", "R15", "CR0", "CR3", "CR4"):
        assert f"{reg}: 0x" in r.out, r.out
    # The faulting function, then every caller down to the boot entry.
    assert trace_names(r.out) == [func] + CALLERS, r.out
    assert "survived" not in r.out
    assert r.exit_code == PANIC_EXIT_CODE, r.out


@pytest.mark.parametrize("config,machine", TARGETS)
@pytest.mark.parametrize("mode", sorted(FAULTS))
def test_exception_report(config, machine, mode):
    check_report(boot(crash_build(config), cmdline=f"-- {mode}", machine=machine), mode)


@pytest.mark.parametrize("config", ["multiboot", "bios"])
@pytest.mark.parametrize("mode", ["pf", "double"])
def test_exception_report_other_boot_paths(config, mode):
    check_report(boot(crash_build(config), cmdline=f"-- {mode}"), mode)


@pytest.mark.parametrize("config,machine", TARGETS)
def test_null_write_reports_the_address(config, machine):
    r = boot(crash_build(config), cmdline="-- pf", machine=machine)
    addr = re.search(r"crash: writing to (0x[0-9a-f]{16})", r.out).group(1)
    # SDM vol. 3A §4.7: not present (P=0), a write (W/R=1), supervisor (U/S=0).
    assert f"CR2: {addr} (not-present page, write, kernel mode)" in r.out, r.out
    assert "error code 0x2\n" in r.out, r.out


def test_panic_prints_backtrace():
    r = boot(crash_build("microvm"), cmdline="-- panic")
    assert "Kernel panic: crash: panic requested\n" in r.out, r.out
    assert trace_names(r.out) == ["crash_panic"] + CALLERS, r.out
    assert r.exit_code == PANIC_EXIT_CODE, r.out


def test_without_kallsyms_addresses_are_bare():
    r = boot(crash_build("microvm", extra="CONFIG_KALLSYMS=n\n"), cmdline="-- pf")
    assert "Kernel exception: page fault (vector 14)" in r.out, r.out
    assert not TRACE_RE.search(r.out) and "crash_write_null" not in r.out, r.out
    trace = r.out.split("Call trace:\n", 1)[1]
    assert len(BARE_TRACE_RE.findall(trace)) >= len(CALLERS), r.out
    assert r.exit_code == PANIC_EXIT_CODE, r.out


def test_unknown_mode_is_an_error_not_a_crash():
    r = boot(crash_build("microvm"), cmdline="-- bogus")
    assert 'unknown fault "bogus"' in r.out
    assert "Kernel exception" not in r.out
    assert r.exit_code == 1, r.out
