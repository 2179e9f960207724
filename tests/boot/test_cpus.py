# SPDX-License-Identifier: MIT
"""CPU discovery and start-up (arch/x86_64/kernel/{cpus,madt,mptable,smp,cpu}.c).

On every boot path and machine, with 1, 2 and 4 CPUs: the CPUs the firmware
describes are found (ACPI MADT; the MP table when ACPI is off), the boot CPU
is cpu 0, every other CPU comes online through INIT-SIPI-SIPI and the
trampoline, and the application still runs and exits cleanly. CPUs beyond
CONFIG_NR_CPUS are reported and left out. The wake-up IPI and the local APIC
timer are what an idle CPU waits for: apps/threads sends threads to idle CPUs
and sleeps, so it hangs (and this test fails) if either does not arrive.
"""

import re

import pytest
from torotest import boot, build
from test_multiboot import ARGS as GRUB_ARGS, grub_iso

# (defconfig, QEMU machine): every boot path on every machine it runs on.
TARGETS = [
    ("microvm", None),
    ("kvm", "q35"),
    ("kvm", "pc"),
    ("multiboot", "pc"),
    ("multiboot", "q35"),
    ("bios", "pc"),
    ("bios", "q35"),
]
PATH_NAME = {"microvm": "pvh", "kvm": "pvh", "multiboot": "multiboot", "bios": "bios"}


def cpus_line(n, source):
    ids = " ".join(str(i) for i in range(n))
    return f"smp: {n} cpu{'' if n == 1 else 's'} ({source}), apic ids {ids}\n"


def check_cpus(r, n, source, path):
    """n CPUs found in `source`, APs 1..n-1 online, the boot line agrees, hello ran."""
    assert cpus_line(n, source) in r.out, r.out
    online = [int(c) for c in re.findall(r"^smp: cpu (\d+) online, apic id \1$", r.out, re.M)]
    assert online == list(range(1, n)), r.out
    assert re.search(rf"^toro: {path} boot, {n} cpus?, ", r.out, re.M), r.out
    assert "did not start" not in r.out, r.out
    assert "Hello from Toro" in r.out, r.out
    assert r.exit_code == 0, r.out


@pytest.mark.parametrize("smp", [1, 2, 4])
@pytest.mark.parametrize("config,machine", TARGETS)
def test_cpus_from_madt(config, machine, smp):
    r = boot(build(config), machine=machine, smp=smp)
    check_cpus(r, smp, "madt", PATH_NAME[config])


@pytest.mark.parametrize("smp", [1, 2, 4])
def test_cpus_from_mp_table_on_microvm_without_acpi(smp, monkeypatch):
    """-M microvm,acpi=off: qboot's MP table is all there is."""
    monkeypatch.setenv("MACHINE_OPTS", "acpi=off")
    r = boot(build("microvm"), smp=smp)
    assert "acpi=off" in r.out  # qemu-run's command line
    check_cpus(r, smp, "mp table", "pvh")


def test_cpus_from_mp_table_on_pc_without_acpi(monkeypatch):
    """SeaBIOS lists one CPU per package in its MP table: four sockets, four CPUs."""
    monkeypatch.setenv("MACHINE_OPTS", "acpi=off")
    r = boot(build("kvm"), machine="pc", smp="4,sockets=4")
    check_cpus(r, 4, "mp table", "pvh")


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_cpus_through_grub(machine, monkeypatch):
    """GRUB leaves its own structures in low memory; the trampoline page must avoid them."""
    out = grub_iso(GRUB_ARGS)
    monkeypatch.setenv("ISO", "1")
    r = boot(out, machine=machine, smp=4)
    assert cpus_line(4, "madt") in r.out, r.out
    assert [int(c) for c in re.findall(r"^smp: cpu (\d+) online", r.out, re.M)] == [1, 2, 3]
    assert "Hello from Toro" in r.out and r.exit_code == 5, r.out


def test_cpus_beyond_nr_cpus_are_left_out():
    out = build("microvm-nrcpus2", defconfig="microvm", extra="CONFIG_NR_CPUS=2\n")
    r = boot(out, smp=4)
    assert "smp: the firmware lists 4 cpus; using 2 (CONFIG_NR_CPUS)" in r.out, r.out
    check_cpus(r, 2, "madt", "pvh")


@pytest.mark.parametrize("acpi", ["on", "off"])
def test_wake_ipi_and_timer(acpi, monkeypatch):
    """Threads sent to halted CPUs need the wake-up IPI; sleeps need the timer."""
    monkeypatch.setenv("MACHINE_OPTS", f"acpi={acpi}")
    out = build("microvm-threads", fragments=["threads.config"], defconfig="microvm")
    r = boot(out, smp=4, timeout=90)
    assert cpus_line(4, "madt" if acpi == "on" else "mp table") in r.out, r.out
    # TCG has no TSC-deadline mode: the one-shot timer's rate was measured.
    assert re.search(r"^apic: timer: one-shot, \d+ kHz$", r.out, re.M), r.out
    counters = re.findall(r"^cpu (\d+): allocated \d+, freed \d+, threads (\d+),", r.out, re.M)
    assert [int(c) for c, _ in counters] == [0, 1, 2, 3], r.out
    assert all(int(t) > 0 for _, t in counters), r.out
    assert "sleep order: 10 20 30" in r.out, r.out
    assert "threads: all checks passed" in r.out and r.exit_code == 0, r.out
