# SPDX-License-Identifier: MIT
"""virtio-blk over virtio-mmio on microvm, checked from the host's side of the disks.

apps/blktest prints a checksum of each disk's first sectors (compared with the
host's), writes a pattern to a sector range of the writable disk (found in the
image file, byte for byte, after QEMU exits; nothing else changed) and checks
that the read-only disk refuses writes with EROFS. Modern (v2) and legacy (v1)
MMIO transports; devices found from the command line (acpi=off, where QEMU
writes virtio_mmio.device= words) and from the ACPI DSDT (acpi=on); completion
by interrupt (the default) and polled (CONFIG_VIRTIO_BLK_POLL).
"""

import pytest
from blkcheck import fnv1a, make_image, pattern
from torotest import boot, build

SUM_BYTES = 3 << 20                 # more than one request (the driver splits at 1 MiB)
WRITE_FIRST, WRITE_COUNT = 64, 40   # sectors





def disk_args(path, readonly=False, block_size=None):
    n = disk_args.count = getattr(disk_args, "count", 0) + 1
    drive = f"-drive id=d{n},file={path},format=raw,if=none" + (",readonly=on" if readonly else "")
    dev = f"-device virtio-blk-device,drive=d{n}"
    if block_size:
        dev += f",logical_block_size={block_size},physical_block_size={block_size}"
    return f"{drive} {dev}"


@pytest.fixture(scope="module")
def blktest():
    return build("microvm-blktest", fragments=["blktest.config"], defconfig="microvm")


def run_blktest(out, tmp_path, monkeypatch, legacy, acpi, block_size=512, mode="interrupt-driven"):
    monkeypatch.setenv("MACHINE_OPTS", "acpi=on" if acpi else "acpi=off")
    rw, ro = tmp_path / "rw.img", tmp_path / "ro.img"
    rw_data = make_image(rw, 4 << 20, 1)
    ro_data = make_image(ro, 1 << 20, 2)
    qemu_args = (f"-global virtio-mmio.force-legacy={'true' if legacy else 'false'} "
                 f"{disk_args(rw, block_size=block_size)} {disk_args(ro, readonly=True)}")
    r = boot(out, cmdline=f"-- sum={SUM_BYTES} write={WRITE_FIRST}:{WRITE_COUNT}",
             qemu_args=qemu_args)
    version = 1 if legacy else 2
    assert r.out.count(f"virtio-mmio: device type 2 (v{version})") == 2, r.out
    kind = "legacy" if legacy else "virtio 1.x"
    assert f"vblk: vda: {kind}, {mode}\n" in r.out and f"vblk: vdb: {kind}, {mode}\n" in r.out, \
        r.out
    sectors = (4 << 20) // block_size
    assert f"blktest: vda sectors {sectors} size {block_size} ro 0\n" in r.out, r.out
    assert "blktest: vdb sectors 2048 size 512 ro 1\n" in r.out, r.out
    # Reads: the guest's checksums are the host's.
    assert f"blktest: vda sum {SUM_BYTES // block_size} sectors {fnv1a(rw_data[:SUM_BYTES]):016x}" \
        in r.out, r.out
    assert f"blktest: vdb sum 2048 sectors {fnv1a(ro_data):016x}" in r.out, r.out
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


@pytest.mark.parametrize("legacy", [False, True], ids=["mmio-v2", "mmio-v1"])
@pytest.mark.parametrize("acpi", [False, True], ids=["cmdline", "acpi"])
def test_virtio_blk_read_write(blktest, tmp_path, monkeypatch, legacy, acpi):
    run_blktest(blktest, tmp_path, monkeypatch, legacy, acpi)


def test_virtio_blk_4k_sectors(blktest, tmp_path, monkeypatch):
    """VIRTIO_BLK_F_BLK_SIZE: 4 KiB logical blocks, wire sectors still 512 bytes."""
    run_blktest(blktest, tmp_path, monkeypatch, legacy=False, acpi=False, block_size=4096)


def test_virtio_blk_polled(tmp_path, monkeypatch):
    """CONFIG_VIRTIO_BLK_POLL: the same without interrupts."""
    out = build("microvm-blktest-poll", fragments=["blktest.config"], defconfig="microvm",
                extra="CONFIG_VIRTIO_BLK_POLL=y\n")
    run_blktest(out, tmp_path, monkeypatch, legacy=False, acpi=True, mode="polled")


def test_bad_device_words_are_survived(blktest, tmp_path, monkeypatch):
    """Unparsable words and a window without a device are logged; real devices still work."""
    monkeypatch.setenv("MACHINE_OPTS", "acpi=off")
    rw = tmp_path / "rw.img"
    make_image(rw, 1 << 20, 3)
    r = boot(blktest, cmdline="virtio_mmio.device=junk virtio_mmio.device=512@0x200000:5 "
             "virtio_mmio.device=512@0xfeb00e00 -- sum=4096 write=1:1",
             qemu_args=disk_args(rw))
    assert "virtio-mmio: cannot parse virtio_mmio.device=junk" in r.out, r.out
    assert "virtio-mmio: cannot parse virtio_mmio.device=512@0xfeb00e00\n" in r.out, r.out
    assert "virtio-mmio: no virtio device at 0x200000 (bad magic)" in r.out, r.out
    assert "blktest: vda write 1+1: ok (0)" in r.out, r.out
    assert r.exit_code == 0, r.out


def test_no_disks(blktest):
    r = boot(blktest)
    assert "blktest: no block devices" in r.out, r.out
    assert r.exit_code == 1, r.out
