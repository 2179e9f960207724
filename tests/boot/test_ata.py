# SPDX-License-Identifier: MIT
"""ATA disks on QEMU pc's legacy IDE channels (drivers/block/ata.c), checked from the host.

apps/blktest prints a checksum of each disk's first sectors (compared with the
host's) and writes a pattern to a sector range of every writable disk, which
the test finds byte for byte in the image file after QEMU exits (and nothing
else changed). Covered: all four positions in one boot with their fixed names
(hda primary master .. hdd secondary slave), LBA28 (a 256-sector command,
written as count 0) and LBA48 (a > 128 GiB sparse image written across sector
2^28), IRQ-driven and polled completion, bus-master DMA and PIO, dedication of one disk of a
channel to another CPU (blk_dedicate: the channel's IRQ moves), the BIOS boot path (its own disk is
hda) with an ATAPI CD-ROM skipped, a device error reported as EIO and logged
once, and machines where nothing answers (pc without disks, q35).
"""

import random

import pytest
from blkcheck import fnv1a, make_image, pattern
from torotest import boot, build

SECTOR = 512
SUM_BYTES = 3 << 20
LBA28_LIMIT = 1 << 28
NAMES = ["hda", "hdb", "hdc", "hdd"]
POSITIONS = ["primary channel master", "primary channel slave", "secondary channel master",
             "secondary channel slave"]





def ide(path, index, extra=""):
    return f"-drive file={path},format=raw,if=ide,index={index}{extra}"


# name -> the kernel options of a build, on multiboot_defconfig + blktest.config
BUILDS = {
    "ata-pc": "CONFIG_ATA=y\n",                                     # IRQ, DMA
    "ata-pc-pio": "CONFIG_ATA=y\n# CONFIG_ATA_DMA is not set\n",  # IRQ, PIO
    "ata-pc-poll": "CONFIG_ATA=y\nCONFIG_ATA_POLL=y\n",            # polled, DMA
    "ata-pc-poll-pio": "CONFIG_ATA=y\nCONFIG_ATA_POLL=y\n# CONFIG_ATA_DMA is not set\n",
}


def pc_build(name):
    return build(name, fragments=["blktest.config"], defconfig="multiboot", extra=BUILDS[name])


@pytest.fixture(scope="module")
def pc():
    return pc_build("ata-pc")


def check_disk(r, name, data, write_first, write_count, path, mode="interrupt-driven"):
    """Checksum, position line and written pattern of one disk of size len(data)."""
    sectors = len(data) // SECTOR
    pos = POSITIONS[NAMES.index(name)]
    line = next((ln for ln in r.out.splitlines() if ln.startswith(f"ata: {name}: ")), "")
    assert line.startswith(f"ata: {name}: QEMU HARDDISK, {sectors} sectors"), r.out
    assert line.endswith(f", {pos}, {mode}"), r.out
    summed = min(SUM_BYTES, len(data))
    assert f"blktest: {name} sum {summed // SECTOR} sectors {fnv1a(data[:summed]):016x}" \
        in r.out, r.out
    assert f"blktest: {name} write {write_first}+{write_count}: ok (0)" in r.out, r.out
    start, end = write_first * SECTOR, (write_first + write_count) * SECTOR
    expect = data[:start] + pattern(write_first, write_count) + data[end:]
    assert path.read_bytes() == expect, f"{name}: image differs from what was written"


def four_disks(out, tmp_path, mode):
    sizes = [4 << 20, 3 << 20, 5 << 20, 2 << 20]  # distinct: each name shows its position
    paths = [tmp_path / f"{n}.img" for n in NAMES]
    datas = [make_image(p, s, i) for i, (p, s) in enumerate(zip(paths, sizes))]
    # 256 sectors: one LBA28 command whose count register holds 0.
    r = boot(out, cmdline=f"-- sum={SUM_BYTES} write=64:256", timeout=240,
             qemu_args=" ".join(ide(p, i) for i, p in enumerate(paths)))
    for name, path, data in zip(NAMES, paths, datas):
        check_disk(r, name, data, 64, 256, path, mode)
    assert "blktest: read/write ok" in r.out, r.out
    assert r.exit_code == 0, r.out
    return r


@pytest.mark.parametrize("name,mode,transfer", [
    ("ata-pc", "interrupt-driven", "DMA"),
    ("ata-pc-pio", "interrupt-driven", "PIO"),
    ("ata-pc-poll", "polled", "DMA"),
    ("ata-pc-poll-pio", "polled", "PIO"),
])
def test_ata_four_positions(tmp_path, name, mode, transfer):
    """hda..hdd on the four positions; IRQ 14/15 through the IOAPIC or polled (ATA_POLL);
    bus-master DMA or PIO (ATA_DMA)."""
    r = four_disks(pc_build(name), tmp_path, mode)
    assert r.out.count(f"LBA48, {transfer}, ") == 4, r.out


def test_ata_dedicate(pc, tmp_path):
    """blk_dedicate(hda, 1) on 2 CPUs: IRQ 14 follows to CPU 1; hdb, on the same channel but
    still owned by CPU 0 in the block layer, keeps working (its requests are forwarded);
    hdc's channel stays on CPU 0. Every disk written from both CPUs."""
    paths = [tmp_path / f"{n}.img" for n in NAMES[:3]]
    datas = [make_image(p, 4 << 20, 20 + i) for i, p in enumerate(paths)]
    r = boot(pc, smp=2, timeout=240,
             cmdline=f"blk.dedicate=hda:1 -- sum={SUM_BYTES} write=64:100 cpus",
             qemu_args=" ".join(ide(p, i) for i, p in enumerate(paths)))
    assert "ata: primary channel (irq 14): owner cpu 1\n" in r.out, r.out
    assert "blk: hda: dedicated to cpu 1\n" in r.out, r.out
    assert "secondary channel (irq 15): owner" not in r.out, r.out
    for name, owner in (("hda", 1), ("hdb", 0), ("hdc", 0)):
        assert f"blktest: {name} owner cpu {owner} " in r.out, r.out
        for cpu in (0, 1):
            assert f"blktest: {name} write from cpu {cpu}: ok" in r.out, r.out
    assert "blktest: read/write ok" in r.out, r.out
    assert r.exit_code == 0, r.out
    for path, data in zip(paths, datas):
        start, end = 64 * SECTOR, (64 + 200) * SECTOR
        assert path.read_bytes() == data[:start] + pattern(64, 200) + data[end:]


@pytest.mark.parametrize("name", ["ata-pc", "ata-pc-pio"])
def test_ata_lba48(tmp_path, name):
    """A sparse 130 GiB disk: LBA48 size from IDENTIFY, a write across sector 2^28 (DMA, PIO)."""
    pc = pc_build(name)
    path = tmp_path / "big.img"
    size = 130 << 30
    head = random.Random(7).randbytes(1 << 20)
    first, count = LBA28_LIMIT - 100, 300           # > 256 sectors, ends past 2^28
    guard = random.Random(8).randbytes(SECTOR)       # the sectors around the range
    with open(path, "wb") as f:
        f.truncate(size)
        f.write(head)
        f.seek((first - 1) * SECTOR)
        f.write(guard)
        f.seek((first + count) * SECTOR)
        f.write(guard)
    r = boot(pc, cmdline=f"-- sum={len(head)} write={first}:{count}", timeout=240,
             qemu_args=ide(path, 0))
    sectors = size // SECTOR
    assert f"ata: hda: QEMU HARDDISK, {sectors} sectors (133120 MiB), LBA48" in r.out, r.out
    assert f"blktest: hda sum {len(head) // SECTOR} sectors {fnv1a(head):016x}" in r.out, r.out
    assert f"blktest: hda write {first}+{count}: ok (0)" in r.out, r.out
    assert r.exit_code == 0, r.out
    with open(path, "rb") as f:
        f.seek((first - 1) * SECTOR)
        back = f.read((count + 2) * SECTOR)
    assert back == guard + pattern(first, count) + guard


@pytest.mark.parametrize("name", ["ata-pc", "ata-pc-pio"])
def test_ata_device_error(tmp_path, name):
    """A failing sector (QEMU blkdebug, reported to the guest): EIO, logged once per device."""
    pc = pc_build(name)
    path = tmp_path / "bad.img"
    make_image(path, 2 << 20, 9)
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "2048"\n'
                    'once = "off"\n')
    r = boot(pc, cmdline="-- sum=2097152 write=2040:16",
             qemu_args=f"-drive file=blkdebug:{conf}:{path},format=raw,if=ide,index=1,"
                       "rerror=report,werror=report")
    assert "blktest: hdb: read failed (-5)" in r.out, r.out
    # Writing and reading back that range meets the bad sector again: no second log line.
    assert "blktest: hdb write 2040+16: FAILED (-5)" in r.out, r.out
    assert r.out.count("ata: hdb: READ") == 1, r.out
    assert "failed: status 0x" in r.out, r.out
    assert r.exit_code == 1, r.out


def test_ata_no_disks(pc):
    """pc with its IDE controller but no drives: nothing registered, no hang."""
    r = boot(pc)
    assert "ata: no ATA disks" in r.out, r.out
    assert "blktest: no block devices" in r.out, r.out
    assert r.exit_code == 1, r.out


def test_ata_q35_has_no_legacy_ide(pc):
    """q35: no controller at 0x1f0/0x170 (the bus floats); the driver finds nothing, quickly."""
    r = boot(pc, machine="q35")
    assert "ata: no ATA disks" in r.out, r.out
    assert r.exit_code == 1, r.out


def test_qemu_refuses_readonly_ide_disk(pc, tmp_path):
    """QEMU's IDE hard disk cannot be read-only: QEMU itself refuses to start.

    ATA has no write-protect bit for fixed disks, so the driver could not know
    anyway; read-only media on IDE is a CD-ROM, which is ATAPI (skipped).
    """
    path = tmp_path / "ro.img"
    make_image(path, 1 << 20, 10)
    r = boot(pc, qemu_args=ide(path, 1, ",readonly=on"))
    assert "read-only" in r.out, r.out
    assert "toro:" not in r.out, r.out


def test_ata_bios_boot(tmp_path):
    """bios_defconfig: the boot disk is hda, a CD-ROM on hdc is skipped, hdb/hdd are disks."""
    out = build("ata-bios", fragments=["blktest.config"], defconfig="bios",
                extra="CONFIG_ATA=y\n")
    boot_image = (out / "toro.img").read_bytes()
    hdb, hdd, iso = tmp_path / "hdb.img", tmp_path / "hdd.img", tmp_path / "cd.iso"
    hdb_data = make_image(hdb, 2 << 20, 11)
    hdd_data = make_image(hdd, 3 << 20, 12)
    make_image(iso, 1 << 20, 13)
    r = boot(out, cmdline=f"-- sum={SUM_BYTES} write=64:100", timeout=240,
             qemu_args=f"{ide(hdb, 1)} {ide(iso, 2, ',media=cdrom')} {ide(hdd, 3)}")
    assert "ata: hdc: ATAPI (packet) device, e.g. a CD-ROM: not supported, skipped" in r.out, \
        r.out
    summed = min(SUM_BYTES, len(boot_image)) // SECTOR
    assert f"blktest: hda sum {summed} sectors {fnv1a(boot_image[:summed * SECTOR]):016x}" \
        in r.out, r.out
    check_disk(r, "hdb", hdb_data, 64, 100, hdb)
    check_disk(r, "hdd", hdd_data, 64, 100, hdd)
    assert "blktest: read/write ok" in r.out, r.out
    assert r.exit_code == 0, r.out
    assert (out / "toro.img").read_bytes() == boot_image  # snapshot=on: the boot disk is kept
