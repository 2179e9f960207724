# SPDX-License-Identifier: MIT
"""`make debug`'s helper (scripts/gdb-debug) driven by gdb -batch, and the
kernel's page tables as QEMU sees them at kmain.

gdb must stop at kmain through QEMU's gdbstub, unwind to x86_boot (and, from
trap_handler, through an exception into the code that faulted), and QEMU must
be gone when the helper returns. At kmain paging_init() has run, so QEMU's
`info mem` shows the kernel's own map: page 0 absent, the rest of the first
4 GiB and the RAM above it present, with 2 MiB pages (qemu64 CPU) and 1 GiB
pages (`-cpu max` has pdpe1gb), on every boot path; RAM the page-table pool
cannot cover is left out of the memory map.
"""

import os
import re
import signal
import socket
import subprocess
import tempfile

import pytest
from torotest import PYTHON, ROOT, boot, build

GDB_TIMEOUT = 120
GIB = 1 << 30


def gdb_debug(outdir, *commands, mem=None, qemu_args="", cmdline=""):
    env = dict(os.environ, ACCEL="tcg", QEMU_ARGS=qemu_args, CMDLINE=cmdline)
    env.pop("MEM", None)
    if mem:
        env["MEM"] = str(mem)
    args = [PYTHON, str(ROOT / "scripts" / "gdb-debug"), "--build", str(outdir), "--batch"]
    for c in commands:
        args += ["-ex", c]
    # A file, not a pipe: a QEMU left behind must not keep the test waiting.
    with tempfile.TemporaryFile(mode="w+") as log:
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             env=env, start_new_session=True)
        try:
            p.wait(timeout=GDB_TIMEOUT)
        except subprocess.TimeoutExpired:
            # SIGTERM: the helper stops its QEMU (a session of its own) on the way out.
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=GDB_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.seek(0)
        out = log.read()
    return p.returncode, out


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_stopped_at_kmain(rc, out):
    assert rc == 0, out
    assert "Breakpoint 1, kmain" in out or "kmain (bi=" in out, out
    assert re.search(r"^#1 .* in x86_boot ", out, re.M), out
    assert re.search(r"^rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <kmain", out, re.M), out


def check_qemu_gone(out):
    m = re.search(r"gdb-debug: QEMU \(process group (\d+)\) halted, gdbstub on "
                  r"127\.0\.0\.1:(\d+)", out)
    assert m, out
    pgid = int(m.group(1))
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"QEMU (process group {pgid}) still ran after gdb exited:\n{out}")
    assert port_is_free(int(m.group(2)))


def test_gdb_stops_at_kmain():
    rc, out = gdb_debug(build("microvm"), "bt", "info registers rip")
    check_stopped_at_kmain(rc, out)
    check_qemu_gone(out)


def test_qemu_is_killed_when_gdb_exits():
    """gdb detaches at exit and the guest runs on; with no isa-debug-exit and
    -no-shutdown QEMU would then stay, paused after the power-off, for ever."""
    out_dir = build("microvm-nodebugexit", fragments=["nodebugexit.config"], defconfig="microvm")
    rc, out = gdb_debug(out_dir, "bt", "info registers rip", qemu_args="-no-shutdown")
    check_stopped_at_kmain(rc, out)
    check_qemu_gone(out)


def test_gdb_unwinds_through_an_exception():
    """entry.S's unwind information leads gdb from trap_handler into the faulting code."""
    out_dir = build("microvm-crash", fragments=["crash.config"], defconfig="microvm")
    rc, out = gdb_debug(out_dir, "break trap_handler", "continue", "bt", cmdline="-- ud2")
    assert rc == 0, out
    assert frame_names(out)[:5] == ["trap_handler", "<signal handler called>",
                                    "crash_invalid_opcode", "crash_level2", "crash_level1"], out
    check_qemu_gone(out)


def frame_names(out):
    """The function of each line of a gdb backtrace."""
    names = []
    for frame in re.findall(r"^#\d+\s+(.*)$", out, re.M):
        frame = re.sub(r"^0x[0-9a-f]+ in ", "", frame)
        names.append(frame if frame.startswith("<") else frame.split(" (")[0])
    return names


def mapped_ranges(out):
    """QEMU's `info mem` lines: (start, end) of each present range."""
    return [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"^([0-9a-f]{16})-([0-9a-f]{16}) [0-9a-f]{16} [-rwux]+$", out, re.M)]


def covered(ranges, start, end):
    return any(a <= start and end <= b for a, b in ranges)


@pytest.mark.parametrize("cpu", ["", "-cpu max"], ids=["2m-pages", "1g-pages"])
@pytest.mark.parametrize("config,mem", [("microvm", None), ("kvm", 6144), ("multiboot", None),
                                        ("bios", None)],
                         ids=["microvm-64m", "q35-6g", "multiboot-64m", "bios-64m"])
def test_page_tables_at_kmain(config, mem, cpu):
    rc, out = gdb_debug(build(config), "monitor info mem", mem=mem, qemu_args=cpu)
    assert rc == 0, out
    ranges = mapped_ranges(out)
    assert ranges, out
    # NULL faults: nothing below 4 KiB is mapped; everything else up to 4 GiB is.
    assert ranges[0][0] == 0x1000, out
    assert covered(ranges, 0x1000, 4 * GIB), out
    if mem:
        # q35 puts RAM above the 2 GiB it keeps below the PCI hole at 4 GiB.
        assert covered(ranges, 4 * GIB, 4 * GIB + (mem << 20) - 2 * GIB), out


def test_ram_beyond_the_page_table_pool_is_left_out():
    """Without 1 GiB pages the pool maps 4 GiB above the first 4: q35 with 12 GiB
    has 10 above. The rest must be neither mapped nor offered as memory."""
    out_dir = build("kvm")
    rc, out = gdb_debug(out_dir, "monitor info mem", mem=12288)
    assert rc == 0, out
    ranges = mapped_ranges(out)
    assert covered(ranges, 0x1000, 8 * GIB) and not covered(ranges, 8 * GIB, 8 * GIB + 0x1000), out
    r = boot(out_dir, mem=12288)
    assert "paging: RAM 0x200000000-0x380000000 left out: no page tables for it" in r.out, r.out
    assert "toro: pvh boot, 1 cpu, 6144 MiB" in r.out, r.out
    assert r.exit_code == 0, r.out
