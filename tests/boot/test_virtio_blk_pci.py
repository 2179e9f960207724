# SPDX-License-Identifier: MIT
"""virtio-blk over the virtio PCI transport on pc and q35, checked from the host.

The same apps/blktest run as tests/boot/test_virtio_blk.py (MMIO), with two
`-device virtio-blk-pci` disks, one writable and one read-only: the guest's
checksums of each disk must be the host's, the pattern it writes must be in
the image file byte for byte (nothing else changed), and the read-only disk
must refuse writes with EROFS. Across six boots: pc (Multiboot) and q35
(PVH); the modern interface (capabilities, memory BARs) and the legacy one
(`disable-modern=on,disable-legacy=off`: I/O BAR 0); MSI-X and INTx
(`vectors=0`: no MSI-X capability, so the IOAPIC); 512- and 4096-byte
logical blocks; a virtio-rng function, which has no driver, is logged and
skipped. The transport logs which interrupt mode each device got, and
a request only completes when that interrupt arrives (the waiting thread
sleeps until the handler wakes it). One boot moves both disks to CPU 1
(`blk.dedicate=`), so MSI-X and INTx are re-routed to the CPU asked for.
"""

import re

import pytest
from blkcheck import fnv1a, make_image, pattern
from torotest import ROOT, boot, build

SUM_BYTES = 3 << 20                 # more than one request (the driver splits at 1 MiB)
WRITE_FIRST, WRITE_COUNT = 64, 40   # sectors
RW_BYTES, RO_BYTES = 4 << 20, 1 << 20

MODES = {"msix": "MSI-X, entry 0 for configuration and queues",
         "intx": "INTx (irq "}
PROBED = re.compile(r"^virtio-pci: \w{4}:\w\w:\w\w\.\d: device type 2, (modern|legacy)$", re.M)


@pytest.fixture(scope="module")
def builds():
    return {"pc": build("vpci-pc-blktest", fragments=["blktest.config"], defconfig="multiboot"),
            "q35": build("vpci-q35-blktest", fragments=["blktest.config"], defconfig="kvm")}


def disk_args(n, path, legacy, irq, readonly=False, block_size=None):
    drive = f"-drive id=d{n},file={path},format=raw,if=none" + (",readonly=on" if readonly else "")
    dev = f"-device virtio-blk-pci,drive=d{n}"
    if legacy:
        dev += ",disable-modern=on,disable-legacy=off"
    if irq == "intx":
        dev += ",vectors=0"  # no MSI-X capability at all
    if block_size:
        dev += f",logical_block_size={block_size},physical_block_size={block_size}"
    return f"{drive} {dev}"


def run_blktest(out, tmp_path, legacy, irq, block_size=512):
    rw, ro = tmp_path / "rw.img", tmp_path / "ro.img"
    rw_data = make_image(rw, RW_BYTES, 1)
    ro_data = make_image(ro, RO_BYTES, 2)
    # A virtio function without a driver here (entropy, type 4) is logged and left alone.
    rng = "-device virtio-rng-pci" + (",disable-modern=on,disable-legacy=off" if legacy else "")
    qemu_args = (f"{disk_args(1, rw, legacy, irq, block_size=block_size)} "
                 f"{disk_args(2, ro, legacy, irq, readonly=True)} {rng}")
    r = boot(out, cmdline=f"-- sum={SUM_BYTES} write={WRITE_FIRST}:{WRITE_COUNT}",
             qemu_args=qemu_args, timeout=180)
    interface = "legacy" if legacy else "modern"
    assert PROBED.findall(r.out) == [interface, interface], r.out
    assert f"device type 4, {interface}\n" in r.out, r.out
    assert "virtio: pci: no driver for device type 4\n" in r.out, r.out
    # Each disk's interrupt is set up once, in the mode asked for, on CPU 0 (its owner).
    routed = re.findall(rf"^virtio-pci: .*: {re.escape(MODES[irq])}.*, cpu (\d+)$", r.out, re.M)
    assert routed == ["0", "0"], r.out
    assert MODES["intx" if irq == "msix" else "msix"] not in r.out, r.out
    kind = "legacy" if legacy else "virtio 1.x"
    for disk in ("vda", "vdb"):
        assert f"vblk: {disk}: {kind}, interrupt-driven\n" in r.out, r.out
    sectors = RW_BYTES // block_size
    assert f"blktest: vda sectors {sectors} size {block_size} ro 0\n" in r.out, r.out
    assert f"blktest: vdb sectors {RO_BYTES // 512} size 512 ro 1\n" in r.out, r.out
    # Reads: the guest's checksums are the host's.
    assert f"blktest: vda sum {SUM_BYTES // block_size} sectors " \
        f"{fnv1a(rw_data[:SUM_BYTES]):016x}" in r.out, r.out
    assert f"blktest: vdb sum {RO_BYTES // 512} sectors {fnv1a(ro_data):016x}" in r.out, r.out
    # Writes: the pattern is in the file, and nothing else changed.
    assert f"blktest: vda write {WRITE_FIRST}+{WRITE_COUNT}: ok (0)" in r.out, r.out
    assert "blktest: vdb write: EROFS (-30)" in r.out, r.out
    assert "blktest: read/write ok" in r.out, r.out
    assert r.exit_code == 0, r.out
    start, end = WRITE_FIRST * block_size, (WRITE_FIRST + WRITE_COUNT) * block_size
    expect = rw_data[:start] + pattern(WRITE_FIRST, WRITE_COUNT, block_size) + rw_data[end:]
    assert rw.read_bytes() == expect
    assert ro.read_bytes() == ro_data
    return r


CASES = [
    # machine, legacy, irq, logical block size
    ("pc", False, "msix", 512),
    ("pc", True, "intx", 512),
    ("pc", False, "intx", 4096),
    ("q35", False, "msix", 4096),
    ("q35", True, "msix", 512),
]


@pytest.mark.parametrize("machine,legacy,irq,block_size", CASES,
                         ids=[f"{m}-{'legacy' if lg else 'modern'}-{i}-{b}"
                              for m, lg, i, b in CASES])
def test_virtio_blk_pci(builds, tmp_path, machine, legacy, irq, block_size):
    run_blktest(builds[machine], tmp_path, legacy, irq, block_size)


def test_virtio_blk_pci_dedicated(builds, tmp_path):
    """Both disks moved to CPU 1: the interrupts (MSI-X on vda, INTx on vdb) follow."""
    if "blk.dedicate" not in (ROOT / "drivers/block/blkdev.c").read_text():
        pytest.skip("no blk.dedicate= in this tree")
    rw, ro = tmp_path / "rw.img", tmp_path / "ro.img"
    rw_data = make_image(rw, RW_BYTES, 1)
    make_image(ro, RO_BYTES, 2)
    qemu_args = f"{disk_args(1, rw, False, 'msix')} {disk_args(2, ro, False, 'intx', True)}"
    r = boot(builds["q35"], cmdline=f"blk.dedicate=vda:1 blk.dedicate=vdb:1 -- "
             f"sum={SUM_BYTES} write={WRITE_FIRST}:{WRITE_COUNT}",
             qemu_args=qemu_args, smp=2, timeout=180)
    assert f"{MODES['msix']}, cpu 1\n" in r.out, r.out
    assert re.search(r"INTx \(irq \d+\) acknowledged through the ISR, cpu 1\n", r.out), r.out
    assert "blk: vda: dedicated to cpu 1" in r.out and "blk: vdb: dedicated to cpu 1" in r.out, \
        r.out
    assert f"blktest: vda sum {SUM_BYTES // 512} sectors {fnv1a(rw_data[:SUM_BYTES]):016x}" \
        in r.out, r.out
    assert "blktest: read/write ok" in r.out, r.out
    assert r.exit_code == 0, r.out
    start, end = WRITE_FIRST * 512, (WRITE_FIRST + WRITE_COUNT) * 512
    assert rw.read_bytes() == rw_data[:start] + pattern(WRITE_FIRST, WRITE_COUNT, 512) + \
        rw_data[end:]
