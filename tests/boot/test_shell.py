# SPDX-License-Identifier: MIT
"""apps/shell: the serial console shell, driven through QEMU's stdin.

Each test pipes a whole script into -serial stdio at once (QEMU hands the UART
only what its FIFO takes, so the guest must keep reading promptly) and checks
the output contract of Documentation/shell.md from outside: the banner and
prompt, help, cpus (-smp 2), mem, uptime, lspci ("no PCI" on microvm, the
devices QEMU has on q35), errors for unknown commands and bad quoting, line
editing (Backspace, Ctrl-C), `poweroff CODE` as QEMU's exit code, a 200-line
script of which no byte is lost, the polled input fallback, and - with the
VFS - the file commands on an ext2 disk checked with the host's tools.
"""

import hashlib
import random
import re
import shutil
import subprocess

import pytest
from torotest import ROOT, boot, build

BANNER = "Toro shell: type help"
PROMPT = "toro> "
BS, DEL, CTRL_C = "\x08", "\x7f", "\x03"


@pytest.fixture(scope="module")
def micro():
    return build("shell-microvm", fragments=["shell.config"], defconfig="microvm")


def run(outdir, script, code=0, **kw):
    """Boot with @script on stdin; check the banner and the exit code; return the output."""
    kw.setdefault("timeout", 120)
    r = boot(outdir, stdin=script, **kw)
    assert r.exit_code == code, f"exit code {r.exit_code} (rc {r.rc}), want {code}:\n{r.out[-3000:]}"
    assert BANNER + "\n" + PROMPT in r.out, r.out[-3000:]
    return r.out


def answers(out):
    """{command line: its output} for each prompt in @out (the line as echoed); a line
    run twice is there twice, the second time with " #2" added."""
    got = {}
    for chunk in out.split(PROMPT)[1:]:
        line, _, rest = chunk.partition("\n")
        key, n = line, 1
        while key in got:
            n += 1
            key = f"{line} #{n}"
        got[key] = rest
    return got


def test_system_commands(micro):
    out = run(micro, "help\ncpus\nmem\nuptime\nlspci\nlspci x\npoweroff 7\n", code=7, smp=2)
    a = answers(out)
    names = re.findall(r"^(\w+) - \S", a["help"], re.M)
    for name in ("help", "cpus", "mem", "uptime", "sleep", "lspci", "poweroff", "lsblk", "dedicate",
                 "ls", "cat", "write", "append", "cp", "mkdir", "rmdir", "rm", "mv", "stat",
                 "df", "mount", "umount", "sync", "hexdump", "sha256"):
        assert name in names, a["help"]
    assert re.match(r"cpus: 2\ncpu 0: online, \d+ switches, \d+ threads\n"
                    r"cpu 1: online, \d+ switches, \d+ threads\n$", a["cpus"]), a["cpus"]
    m = re.match(r"heap: (\d+) bytes in use of (\d+), (\d+) bytes free in no heap\n"
                 r"cpu 0: (\d+) bytes in use \(peak (\d+)\) of (\d+)\n"
                 r"cpu 1: \d+ bytes in use \(peak \d+\) of \d+\n$", a["mem"])
    assert m, a["mem"]
    assert 0 < int(m.group(1)) <= int(m.group(2)) and int(m.group(4)) <= int(m.group(5))
    # The first use of the clock may log its calibration before the answer.
    up = re.search(r"^up (\d+)\.(\d{3}) s$", a["uptime"], re.M)
    assert up and int(up.group(1)) < 120, a["uptime"]
    assert a["lspci"] == "no PCI\n"
    assert a["lspci x"] == "usage: lspci\n"
    assert a["poweroff 7"] == "toro: exit code 7\n"  # the kernel's last word


def test_errors_and_line_editing(micro):
    script = ("uptime\n"  # the clock's first use logs its calibration: get it over with
              "frob a b\n"
              "\n"
              "\"fr ob\" x\n"
              "fr\\ ob\n"
              "frob \"open\n"
              f"{DEL}{BS}uptimx{DEL}e\n"
              f"hexlp{BS}{BS}{BS}{BS}elp\n"
              f"nonsense{CTRL_C}uptime\r\n"
              "poweroff x\n"
              "poweroff 256\n"
              "poweroff\n")
    out = run(micro, script, code=0)
    assert "error: frob: unknown command (try help)\n" in out
    assert out.count("error: fr ob: unknown command (try help)\n") == 2
    assert "error: unterminated quote or trailing backslash\n" in out
    # An empty line gives just the prompt again.
    assert f"(try help)\n{PROMPT}\n{PROMPT}\"fr ob\" x\n" in out
    # Backspace on an empty line erases nothing; later it erases one character.
    assert f"{PROMPT}uptimx\b \be\nup " in out
    assert f"{PROMPT}hexlp" + "\b \b" * 4 + "elp\nhelp - list the commands\n" in out
    assert f"{PROMPT}nonsense" + "\b \b" * 8 + "uptime\nup " in out
    # CR LF is one Enter: no extra empty prompt after it.
    assert re.search(r"\nup \d+\.\d{3} s\ntoro> poweroff x\n", out), out
    assert out.count("usage: poweroff [CODE]\n") == 2


def test_long_script_loses_nothing(micro):
    """200 distinct lines at once, far more than the UART or the driver's ring hold; the
    first command sleeps, so the interrupt handler fills the ring to the brim meanwhile."""
    rng = random.Random(6)
    words = ["w%03d_%s" % (i, "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                      for _ in range(rng.randrange(10, 70))))
             for i in range(200)]
    out = run(micro, "sleep 1000\n" + "".join(w + "\n" for w in words) + "poweroff 3\n",
              code=3)
    got = re.findall(r"^error: (\S+): unknown command \(try help\)$", out, re.M)
    assert got == words, f"{len(got)} of {len(words)} lines came through"
    for w in words:
        assert f"{PROMPT}{w}\n" in out  # echoed whole


def test_polled_input(micro):
    """uart16550.poll=1: no interrupt, the reader polls (sleeping between looks)."""
    out = run(micro, "uptime\nfrob\npoweroff 5\n", code=5, cmdline="uart16550.poll=1")
    assert "uart: input polled (uart16550.poll)" in out
    assert "error: frob: unknown command (try help)\n" in out
    assert re.search(r"^up \d+\.\d{3} s$", out, re.M)


@pytest.mark.parametrize("machine,host_bridge", [("q35", "8086:29c0"), ("pc", "8086:1237")])
def test_lspci(machine, host_bridge):
    """lspci lists what the kernel enumerated: the boot log's devices, with QEMU's ids."""
    out = run(build("shell-kvm", fragments=["shell.config"], defconfig="kvm"),
              "lspci\npoweroff\n", machine=machine, qemu_args="-device e1000")
    listed = answers(out)["lspci"].splitlines()
    assert listed and all(re.match(r"^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} "
                                   r"class [0-9a-f]{6}$", l) for l in listed), listed
    logged = re.findall(r"^pci 0000:(\w\w:\w\w)\.(\d): \[(\w{4}):(\w{4})\] class 0x(\w{6})",
                        out, re.M)
    assert sorted(listed) == sorted(f"{bdf}.{fn} {v}:{d} class {c}"
                                    for bdf, fn, v, d, c in logged)
    assert any(l.endswith(" 8086:100e class 020000") for l in listed), listed
    assert any(l.startswith(f"00:00.0 {host_bridge} ") for l in listed), listed


# --- file and disk commands (CONFIG_VFS, CONFIG_EXT2 from shell.config) -------------------

HELLO = b"Hello, Toro!\nsecond line\n"


def make_ext2(tmp_path, files, size="8M"):
    """An ext2 image holding @files ({name: bytes}); skip without e2fsprogs."""
    if not shutil.which("mke2fs", path="/usr/sbin:/sbin:/usr/bin"):
        pytest.skip("mke2fs (e2fsprogs) is not installed")
    tree = tmp_path / "tree"
    tree.mkdir()
    for name, data in files.items():
        (tree / name).write_bytes(data)
    img = tmp_path / "disk.img"
    subprocess.run(["/usr/sbin/mke2fs", "-q", "-t", "ext2", "-b", "1024", "-d", str(tree),
                    str(img), size], check=True)
    return img, tree


def disk(img):
    return f"-drive id=d0,file={img},format=raw,if=none -device virtio-blk-device,drive=d0"


def host_hexdump(path, *args):
    return subprocess.run(["hexdump", "-C", *args, str(path)], check=True, capture_output=True,
                          text=True).stdout


def fsck_clean(img):
    fsck = subprocess.run(["/usr/sbin/e2fsck", "-fn", str(img)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_file_commands(micro, tmp_path):
    img, tree = make_ext2(tmp_path, {"hello.txt": HELLO,
                                     "data.bin": random.Random(7).randbytes(200000)})
    script = ("ls /\n"
              "ls -l /\n"
              "cat /hello.txt\n"
              "hexdump /hello.txt\n"
              "hexdump /data.bin 100 40\n"
              "sha256 /data.bin\n"
              "stat /hello.txt\n"
              "write /new.txt hello \"big  world\"\n"
              "append /new.txt more\n"
              "cat /new.txt\n"
              "mkdir /d\n"
              "cp /data.bin /d\n"
              "sha256 /d/data.bin\n"
              "mv /new.txt /d/moved.txt\n"
              "ls /d\n"
              "rm /hello.txt\n"
              "cat /hello.txt\n"
              "rmdir /nope\n"
              "cp /nope /d\n"
              "cp /d/data.bin /d\n"
              "hexdump /d\n"
              "df\n"
              "mount\n"
              "sync\n"
              "poweroff 0\n")
    a = answers(run(micro, script, cmdline="root=vda rootfstype=ext2", qemu_args=disk(img)))
    assert a["ls /"] == "data.bin\nhello.txt\nlost+found\n", a["ls /"]
    assert re.search(r"^-rw-r--r-- 1 25 hello.txt$", a["ls -l /"], re.M), a["ls -l /"]
    assert re.search(r"^drwx------ 2 12288 lost\+found$", a["ls -l /"], re.M), a["ls -l /"]
    assert a["cat /hello.txt"] == HELLO.decode()
    assert a["hexdump /hello.txt"] == host_hexdump(tree / "hello.txt")
    assert a["hexdump /data.bin 100 40"] == host_hexdump(tree / "data.bin", "-s", "100", "-n", "40")
    digest = hashlib.sha256((tree / "data.bin").read_bytes()).hexdigest()
    assert a["sha256 /data.bin"] == f"{digest}  /data.bin\n"
    assert a["sha256 /d/data.bin"] == f"{digest}  /d/data.bin\n"
    assert re.match(r"  File: /hello.txt\n  Size: 25  Blocks: 2  Links: 1\n"
                    r"  Type: regular file\nInode: \d+  Mode: 0644\n"
                    r"Modify: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n$", a["stat /hello.txt"]), \
        a["stat /hello.txt"]
    assert a["cat /new.txt"] == "hello big  world\nmore\n"
    assert a["ls /d"] == "data.bin\nmoved.txt\n"
    assert a["cat /hello.txt #2"] == "error: cat /hello.txt: No such file or directory\n"
    assert a["rmdir /nope"] == "error: rmdir /nope: No such file or directory\n"
    assert a["cp /nope /d"] == "error: cp /nope: No such file or directory\n"
    assert a["cp /d/data.bin /d"] == "error: cp /d/data.bin: same file as /d/data.bin\n"
    assert a["hexdump /d"] == "error: hexdump /d: Is a directory\n"
    assert a["df"].startswith("Filesystem Type 1K-blocks Used Available Mounted on\n"
                              "vda ext2 8192 "), a["df"]
    assert a["mount"] == "vda on / type ext2 (rw)\n"
    # The host sees what the shell wrote, on a clean file system.
    fsck_clean(img)
    moved = subprocess.run(["/usr/sbin/debugfs", "-R", "cat /d/moved.txt", str(img)],
                           capture_output=True, check=True).stdout
    assert moved == b"hello big  world\nmore\n"


def test_dedicate_and_big_copy(micro, tmp_path):
    """lsblk and dedicate on 2 CPUs; cp of a 64 MiB file through the dedicated disk."""
    big = random.Random(64).randbytes(64 << 20)
    img, tree = make_ext2(tmp_path, {"big.bin": big}, size="160M")
    # uptime first: the clock's one-time calibration logs a line, which would otherwise
    # land in the output of the first command that needs the time (mount: ext2 times).
    script = ("uptime\n"
              "lsblk\n"
              "dedicate vda 1\n"
              "dedicate vda 2\n"
              "dedicate vdz 1\n"
              "mount vda / ext2\n"
              "dedicate vda 0\n"
              "lsblk\n"
              "mount\n"
              "cp /big.bin /copy.bin\n"
              "sha256 /copy.bin\n"
              "poweroff 0\n")
    a = answers(run(micro, script, smp=2, mem=256, timeout=600, qemu_args=disk(img)))
    size = img.stat().st_size
    assert a["lsblk"] == f"NAME SIZE RO OWNER\nvda {size} 0 0\n", a["lsblk"]
    assert "error" not in a["dedicate vda 1"], a["dedicate vda 1"]  # the kernel logs the move
    assert a["dedicate vda 2"] == "error: dedicate vda: no cpu 2 (cpus: 2)\n"
    assert a["dedicate vdz 1"] == "error: dedicate vdz: No such device\n"
    assert a["mount vda / ext2"] == ""
    # Not while a file system uses the disk (the kernel logs why, too).
    assert a["dedicate vda 0"].endswith("error: dedicate vda: Device or resource busy\n")
    assert a["lsblk #2"] == f"NAME SIZE RO OWNER\nvda {size} 0 1\n", a["lsblk #2"]
    assert a["mount"] == "vda on / type ext2 (rw)\n"
    assert a["cp /big.bin /copy.bin"] == ""
    assert a["sha256 /copy.bin"] == f"{hashlib.sha256(big).hexdigest()}  /copy.bin\n"
    fsck_clean(img)
    copy = subprocess.run(["/usr/sbin/debugfs", "-R", "cat /copy.bin", str(img)],
                          capture_output=True, check=True).stdout
    assert copy == big
