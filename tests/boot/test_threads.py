# SPDX-License-Identifier: MIT
"""apps/threads on every boot path and machine, with 1, 2 and 4 CPUs.

Checked from outside: the boot line counts the CPUs, every CPU's counters are
non-zero (each CPU allocated, freed and ran threads), sleepers woke in order,
out-of-memory returned NULL and was survived, the heaps came back to their
starting size, and the app's exit code is 0.
"""

import re

import pytest
from torotest import boot, build

# (defconfig, QEMU machine, extra -M options)
TARGETS = [
    ("microvm", None, None),
    ("kvm", "q35", None),
    ("multiboot", "pc", None),
    ("bios", "pc", None),
    ("microvm", None, "acpi=off"),  # CPUs from the MP table
]
CPU_LINE = re.compile(r"^cpu (\d+): allocated (\d+), freed (\d+), threads (\d+), yields (\d+), "
                      r"sleeps (\d+)$", re.M)


def threads_build(config):
    return build(f"{config}-threads", fragments=["threads.config"], defconfig=config)


def check_threads_run(r, smp):
    assert re.search(rf"toro: \w+ boot, {smp} cpus?, ", r.out), r.out
    cpus = CPU_LINE.findall(r.out)
    assert [int(c[0]) for c in cpus] == list(range(smp)), r.out
    for cpu in cpus:
        assert all(int(n) > 0 for n in cpu[1:4]), f"cpu {cpu[0]} idle: {r.out}"
    assert "sleep order: 10 20 30" in r.out, r.out
    assert re.search(r"oom: malloc returned NULL after \d+ MiB", r.out), r.out
    assert "FAIL" not in r.out, r.out
    assert "threads: all checks passed" in r.out, r.out
    assert r.exit_code == 0, r.out


@pytest.mark.parametrize("smp", [1, 2, 4])
@pytest.mark.parametrize("config,machine,opts", TARGETS)
def test_threads(config, machine, opts, smp, monkeypatch):
    if opts:
        monkeypatch.setenv("MACHINE_OPTS", opts)
    r = boot(threads_build(config), machine=machine, smp=smp, timeout=120)
    check_threads_run(r, smp)


def test_double_free_is_caught_with_debug_heap():
    out = build("microvm-threads-debugheap", fragments=["threads.config"], defconfig="microvm",
                extra="CONFIG_DEBUG_HEAP=y\n")
    r = boot(out, cmdline="-- double-free")
    assert "double-free: freeing" in r.out, r.out
    assert "double free" in r.out.split("double-free: freeing", 1)[1], r.out
    assert "Call trace:" in r.out and "double_free+" in r.out, r.out
    assert "not detected" not in r.out, r.out
    assert r.exit_code == 0x7f, r.out
