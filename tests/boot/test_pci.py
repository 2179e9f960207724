# SPDX-License-Identifier: MIT
"""The PCI bus (drivers/bus/): config space access, enumeration, interrupts.

Each boot path on pc and q35 boots hello with extra devices, one of them behind
a PCI-to-PCI bridge. The guest logs one line per function; the test asks QEMU
itself for its devices (QMP `query-pci` on a paused machine with the same
devices) and checks that the guest found each at its place with the same ids
and BARs of the same kind and size, that the firmware assigned every memory and
I/O BAR an address aligned to its size, and that the device behind the bridge
is on the bridge's secondary bus. The config access method matches the machine
(ECAM on q35, ports on pc). With CONFIG_DEBUG_PCI_EDU, drivers/misc/edu.c
raises interrupts on QEMU's edu device through MSI and through INTx (IOAPIC)
and the count its handler saw is checked; with CONFIG_DEBUG_PCI a 64-bit BAR the
firmware put above 4 GiB is mapped (pci_bar_map()) and read.
"""

import json
import re
import subprocess
import time

import pytest
from torotest import boot, build

DEVICES = ("-device e1000 -device virtio-net-pci,disable-legacy=on "
           "-device pci-bridge,id=br1,chassis_nr=1 -device e1000,bus=br1,addr=1")

TARGETS = [
    ("kvm", "q35"),
    ("kvm", "pc"),
    ("multiboot", "pc"),
    ("bios", "pc"),
    ("bios", "q35"),
]

LINE = re.compile(r"^pci (\w{4}):(\w\w):(\w\w)\.(\d): \[(\w{4}):(\w{4})\] class 0x(\w{6})(.*)$",
                  re.M)
ROM_BAR = 6  # the expansion ROM: QEMU lists it, the guest does not read it
BAR = re.compile(r" bar(\d) (io|mem|mem64)( pref)? 0x([0-9a-f]+)/0x([0-9a-f]+)")
BRIDGE = re.compile(r" bridge \[bus (\w\w)-(\w\w)\]")


def guest_devices(out):
    """{(bus, slot, fn): {"id", "bars", "bridge"}} from the guest's log."""
    found = {}
    for m in LINE.finditer(out):
        rest = m.group(8)
        bars = {int(b[0]): (b[1], bool(b[2]), int(b[3], 16), int(b[4], 16))
                for b in BAR.findall(rest)}
        bridge = BRIDGE.search(rest)
        found[(int(m.group(2), 16), int(m.group(3), 16), int(m.group(4)))] = {
            "id": (int(m.group(5), 16), int(m.group(6), 16)),
            "bars": bars,
            "bridge": (int(bridge.group(1), 16), int(bridge.group(2), 16)) if bridge else None,
        }
    return found


def qmp_query_pci(machine):
    """query-pci from QEMU running SeaBIOS alone, once the firmware has numbered the bridge."""
    p = subprocess.Popen(["qemu-system-x86_64", "-M", machine, "-nodefaults", "-display", "none",
                          "-qmp", "stdio", *DEVICES.split()], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        p.stdin.write('{"execute":"qmp_capabilities"}\n')
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            p.stdin.write('{"execute":"query-pci"}\n')
            p.stdin.flush()
            reply = {}
            while "return" not in reply or not reply["return"]:
                reply = json.loads(p.stdout.readline())
            buses = [d["pci_bridge"]["bus"]["secondary"] for d in reply["return"][0]["devices"]
                     if "pci_bridge" in d]
            if buses and all(buses):
                return reply["return"][0]["devices"]
            time.sleep(0.2)
        raise AssertionError("SeaBIOS did not number the bridge within 30 s")
    finally:
        p.kill()
        p.communicate()


def qemu_devices(machine):
    """QEMU's own list: [(parent bridge (slot, fn) or None, slot, fn, ids, bars)]."""
    result = []

    def walk(devices, parent):
        for d in devices:
            bars = {r["bar"]: ("io" if r["type"] == "io" else
                               "mem64" if r.get("mem_type_64") else "mem",
                               bool(r.get("prefetch")), r["size"])
                    for r in d.get("regions", []) if r["bar"] != ROM_BAR}
            result.append((parent, d["slot"], d["function"],
                           (d["id"]["vendor"], d["id"]["device"]), bars))
            if "pci_bridge" in d:
                walk(d["pci_bridge"].get("devices", []), (d["slot"], d["function"]))

    walk(qmp_query_pci(machine), None)
    return result


def check_against_qemu(out, machine):
    found = guest_devices(out)
    expected = qemu_devices(machine)
    assert len(found) == len(expected), out
    assert re.search(rf"^pci: {len(expected)} devices$", out, re.M), out
    for parent, slot, fn, ids, bars in expected:
        bus = 0 if parent is None else found[(0, *parent)]["bridge"][0]
        assert bus != 0 or parent is None, out  # the firmware numbered the bridge
        g = found.get((bus, slot, fn))
        assert g, f"{bus:02x}:{slot:02x}.{fn} {ids} not found:\n{out}"
        assert g["id"] == ids, out
        assert {i: (b[0], b[1], b[3]) for i, b in g["bars"].items()} == bars, (ids, g, bars)
        for kind, _pref, addr, size in g["bars"].values():
            assert addr and addr % size == 0, (ids, g)


@pytest.mark.parametrize("config,machine", TARGETS)
def test_pci_enumeration(config, machine):
    r = boot(build(config), machine=machine, qemu_args=DEVICES)
    assert "Hello from Toro" in r.out and r.exit_code == 0, r.out
    if machine == "q35":
        assert "pci: ECAM at 0xb0000000, segment 0, buses 0-255" in r.out, r.out
    else:
        assert "pci: config space through ports 0xcf8/0xcfc" in r.out, r.out
    check_against_qemu(r.out, machine)
    assert re.search(r"^pci \S+: \[1af4:1041\] class 0x020000 .* msix", r.out, re.M), r.out


def test_no_pci_on_microvm():
    r = boot(build("microvm"))
    assert "Hello from Toro" in r.out and r.exit_code == 0, r.out
    assert not re.search(r"^pci", r.out, re.M), r.out


DEBUG_EXTRA = "CONFIG_DEBUG_PCI_EDU=y\nCONFIG_DEBUG_PCI=y\n"


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_pci_interrupts_msi_and_intx(machine):
    out = build("pci-debug", extra=DEBUG_EXTRA, defconfig="kvm")
    r = boot(out, machine=machine, qemu_args="-device edu", smp=2)
    assert "Hello from Toro" in r.out and r.exit_code == 0, r.out
    for kind in ("MSI", "INTx"):
        assert re.search(rf"^edu: \S+: {kind}: 3 of 3 interrupts handled$", r.out, re.M), r.out
        assert re.search(rf"^pci: \S+: {kind}, vector 0x[0-9a-f]+, cpu 0$", r.out, re.M), r.out


def test_pci_bar_above_4g():
    """A 1 GiB 64-bit BAR does not fit below 4 GiB on q35: SeaBIOS puts it above, and
    pci_bar_map() (CONFIG_DEBUG_PCI) must map it before the read."""
    out = build("pci-debug", extra=DEBUG_EXTRA, defconfig="kvm")
    r = boot(out, machine="q35", mem=256,
             qemu_args="-object memory-backend-ram,id=m,size=1G -device ivshmem-plain,memdev=m")
    assert "Hello from Toro" in r.out and r.exit_code == 0, r.out
    m = re.search(r"^pci \S+: \[1af4:1110\] .* bar2 mem64 pref 0x([0-9a-f]+)/0x40000000", r.out,
                  re.M)
    assert m and int(m.group(1), 16) >= 1 << 32, r.out
    assert re.search(rf"^pci: \S+: bar2 at 0x{m.group(1)} mapped, reads 0x", r.out, re.M), r.out
