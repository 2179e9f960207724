# SPDX-License-Identifier: MIT
"""The initrd (Documentation/initrd.md): a cpio newc archive made on the host with
`find . | cpio -o -H newc`, passed with `INITRD=` (qemu-run's -initrd; on UEFI the ESP's
`initrd` file, on BIOS the disk after the kernel), read by the shell app (apps/shell,
Documentation/shell.md) on PVH (microvm), Multiboot (pc), UEFI (q35, OVMF) and Toro's
BIOS loader (pc).

Checked from outside: the sha256 the shell prints for every file equals the host's,
`ls` lists what the host put in (directories the archive only implies included), writes
of every kind fail with "Read-only file system", the mount log line counts the files
and bytes. Mount points: /initrd under an ext2 root that has that directory, / with
root=initrd, / when there is no root file system. Corrupt archives (four kinds) give
the error line, and the shell still runs and powers off with the code asked for. An
application's initrd/ folder is packed into $(O)/initrd.cpio and booted by qemu-run.
"""

import hashlib
import os
import random
import re
import selectors
import shutil
import signal
import subprocess
import time

import pytest
from torotest import boot, build

CONFIG = "CONFIG_APP_SHELL=y\nCONFIG_VFS=y\nCONFIG_INITRD=y\nCONFIG_EXT2=y\n"
BIG_SIZE = 300 * 1024 + 123
TIMEOUT = 240
MOUNT_LINE = re.compile(r"initrd: (\d+) files, (\d+) bytes, mounted read-only on (/\S*)")

# path -> contents; directories come from the paths.
FILES = {
    "hello.txt": b"hello from the initrd\n",
    "etc/motd": b"Welcome to Toro\n",
    "a/b/c/deep.txt": b"three levels down\n",
    "data/random.bin": random.Random(6).randbytes(BIG_SIZE),
    "data/empty": b"",
}
# Directory entries left out of the archive: they exist only through the paths below them.
IMPLIED = {"./a", "./a/b"}


def need_tools():
    for tool in ("cpio", "mke2fs"):
        if not shutil.which(tool) and not shutil.which(f"/usr/sbin/{tool}"):
            pytest.skip(f"{tool} not installed")


def make_tree(root):
    for rel, data in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "emptydir").mkdir()
    (root / "link").symlink_to("hello.txt")


def make_cpio(tmp_path):
    """The archive, as a user makes it, minus the IMPLIED directory entries."""
    root = tmp_path / "root"
    make_tree(root)
    names = subprocess.run(["find", "."], cwd=root, check=True, capture_output=True,
                           text=True).stdout.split("\n")
    names = "\n".join(n for n in sorted(names) if n and n not in IMPLIED) + "\n"
    out = tmp_path / "initrd.cpio"
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=names.encode(),
                       stdout=f, check=True)
    return out


def root_disk(tmp_path):
    """An ext2 root file system with an empty /initrd to mount on."""
    src = tmp_path / "rootfs"
    (src / "initrd").mkdir(parents=True)
    (src / "on-disk.txt").write_text("from the ext2 root\n")
    img = tmp_path / "root.img"
    mke2fs = shutil.which("mke2fs") or "/usr/sbin/mke2fs"
    subprocess.run([mke2fs, "-q", "-F", "-t", "ext2", "-d", str(src), str(img), "4M"],
                   check=True)
    return img


def shell_script(top):
    """Commands for the shell; files of the initrd are under `top` ("/" or "/initrd")."""
    p = top.rstrip("/")
    lines = [f"ls {top}", f"ls -l {top}", f"ls {p}/a", f"ls {p}/a/b/c", f"ls -l {p}/data",
             f"cat {p}/hello.txt"]
    lines += [f"sha256 {p}/{rel}" for rel in FILES]
    lines += [f"write {p}/new.txt hi", f"write {p}/hello.txt overwritten",
              f"append {p}/etc/motd more", f"mkdir {p}/newdir", f"rm {p}/hello.txt",
              f"mv {p}/hello.txt {p}/moved.txt", f"rmdir {p}/emptydir",
              f"cat {p}/hello.txt", f"ls {top}", "mount", "poweroff 7"]
    return "\n".join(lines) + "\n"


def check_session(r, top):
    out = r.out
    p = top.rstrip("/")
    assert r.exit_code == 7, out
    m = MOUNT_LINE.search(out)
    assert m, out
    assert int(m.group(1)) == len(FILES), out
    assert int(m.group(2)) == sum(len(d) for d in FILES.values()), out
    assert m.group(3) == top, out
    for rel, data in FILES.items():
        assert f"{hashlib.sha256(data).hexdigest()}  {p}/{rel}\n" in out, (rel, out)
    # ls: one name per line, sorted; the implied directories a and a/b are there; the
    # listing is the same after the write attempts.
    top_listing = f"> ls {top}\na\ndata\nemptydir\netc\nhello.txt\nlink\n"
    assert out.count(top_listing) == 2, out
    assert f"> ls {p}/a\nb\n" in out, out
    assert f"> ls {p}/a/b/c\ndeep.txt\n" in out, out
    assert re.search(r"^l\S+ +\d+ +9 link$", out, re.M), out
    assert re.search(rf"^-\S+ +1 +{BIG_SIZE} random.bin$", out, re.M), out
    assert re.search(r"^d\S+ +\d+ +\d+ emptydir$", out, re.M), out
    # Every write-type command: EROFS, and nothing changed.
    erofs = re.findall(r"^error: .*: Read-only file system$", out, re.M)
    assert len(erofs) == 7, out
    assert out.count(FILES["hello.txt"].decode()) >= 2, out  # cat before and after
    assert re.search(rf"^initrd on {re.escape(top)} type initrd \(ro\)$", out, re.M), out


@pytest.fixture(scope="module")
def microvm():
    return build("initrd-microvm", defconfig="microvm", extra=CONFIG)


@pytest.fixture(scope="module")
def multiboot():
    return build("initrd-multiboot", defconfig="multiboot", extra=CONFIG)


def test_pvh_under_ext2_root(microvm, tmp_path, monkeypatch):
    need_tools()
    monkeypatch.setenv("INITRD", str(make_cpio(tmp_path)))
    monkeypatch.setenv("DISK", str(root_disk(tmp_path)))
    r = run_shell(microvm, shell_script("/initrd"), cmdline="root=vda rootfstype=ext2")
    check_session(r, "/initrd")


def test_multiboot_root_initrd(multiboot, tmp_path, monkeypatch):
    need_tools()
    monkeypatch.setenv("INITRD", str(make_cpio(tmp_path)))
    r = run_shell(multiboot, shell_script("/"), cmdline="root=initrd")
    check_session(r, "/")


def test_pvh_without_root(microvm, tmp_path, monkeypatch):
    """No root file system: the initrd becomes / and says why."""
    need_tools()
    monkeypatch.setenv("INITRD", str(make_cpio(tmp_path)))
    r = run_shell(microvm, shell_script("/"))
    check_session(r, "/")
    assert "mounted read-only on / (no root file system to hold /initrd)" in r.out, r.out


def corrupt(kind, good):
    """A broken copy of the good archive, and the error text the kernel must print."""
    data = bytearray(good)
    if kind == "bad-magic":
        data[0:6] = b"070799"
        return bytes(data), "bad magic (not a cpio newc archive)"
    if kind == "truncated":
        return bytes(data[:len(data) // 2]), "truncated"
    if kind == "gzip":
        import gzip
        return gzip.compress(good, mtime=0), "gzip-compressed archive"
    if kind == "size-past-end":
        # The first entry's c_filesize (field 7, after the 6-byte magic) made huge.
        data[6 + 6 * 8:6 + 7 * 8] = b"7FFFFFF0"
        return bytes(data), "truncated: file data past the end of the archive"
    if kind == "bad-hex":
        data[6 + 8 * 3] = ord("z")
        return bytes(data), "bad hexadecimal number in a header"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["bad-magic", "truncated", "gzip", "size-past-end"])
def test_corrupt_archive(microvm, tmp_path, monkeypatch, kind):
    need_tools()
    data, what = corrupt(kind, make_cpio(tmp_path).read_bytes())
    bad = tmp_path / f"{kind}.cpio"
    bad.write_bytes(data)
    monkeypatch.setenv("INITRD", str(bad))
    r = run_shell(microvm, "ls /\nmount\nhelp\npoweroff 3\n")
    assert re.search(rf"initrd: corrupt archive at byte \d+ of {len(data)}: {re.escape(what)}",
                     r.out), r.out
    assert "initrd: not mounted on /: Invalid argument" in r.out, r.out
    assert not MOUNT_LINE.search(r.out), r.out
    assert "Toro shell: type help" in r.out, r.out
    assert r.exit_code == 3, r.out


APP_MAIN = r"""
#include <toro/fs.h>
#include <toro/stdio.h>

int main(void)
{
	char buf[128];
	int fd = open("/etc/app.txt", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("app: cannot read /etc/app.txt\n");
		return 1;
	}
	buf[n] = '\0';
	printf("app: %s", buf);
	return 9;
}
"""


def test_app_initrd_folder(tmp_path):
    """An application's initrd/ folder becomes $(O)/initrd.cpio, which `make run` passes."""
    from torotest import TEST_BUILD, make
    need_tools()
    # A fixed place: the build's dependency files name the app's sources.
    app = TEST_BUILD / "initrd-appdir-src"
    shutil.rmtree(app, ignore_errors=True)
    (app / "initrd" / "etc").mkdir(parents=True)
    (app / "main.c").write_text(APP_MAIN)
    (app / "initrd" / "etc" / "app.txt").write_text("packed by make\n")
    out = TEST_BUILD / "initrd-appdir"
    shutil.rmtree(out / "extapp", ignore_errors=True)  # objects of another APP_DIR
    frag = tmp_path / "initrd.config"
    frag.write_text("CONFIG_VFS=y\nCONFIG_INITRD=y\n")
    make(f"O={out}", f"APP_DIR={app}", "microvm_defconfig", str(frag))
    make(f"O={out}", f"APP_DIR={app}", "-j2", "all")
    listing = subprocess.run(["cpio", "-it", "--quiet"], input=(out / "initrd.cpio").read_bytes(),
                             capture_output=True, check=True).stdout.decode().split()
    assert sorted(listing) == [".", "etc", "etc/app.txt"], listing
    r = boot(out, timeout=TIMEOUT)
    assert "initrd: 1 files, 15 bytes, mounted read-only on /" in r.out, r.out
    assert "app: packed by make\n" in r.out, r.out
    assert r.exit_code == 9, r.out


def run_shell(outdir, script, cmdline="", timeout=TIMEOUT):
    """Boot the shell and type @script one line per prompt, as a person would: input
    typed ahead is not kept everywhere (OVMF reads the serial console while it runs, and
    the UART takes only so much while the shell is busy hashing). Returns a torotest Boot."""
    from torotest import PYTHON, ROOT, Boot
    lines = [line + "\n" for line in script.split("\n") if line.strip()]
    env = dict(os.environ, ACCEL="tcg", CMDLINE=cmdline, QEMU_ARGS="")
    p = subprocess.Popen([PYTHON, str(ROOT / "scripts" / "qemu-run"), "--raw-status",
                          "--build", str(outdir)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         start_new_session=True)
    out, sent, deadline = b"", 0, time.monotonic() + timeout
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(p.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not sel.select(timeout=max(0, deadline - time.monotonic())):
                    continue
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
                banner = out.find(b"Toro shell: type help")
                prompts = out.count(b"toro> ", banner) if banner >= 0 else 0
                while sent < len(lines) and sent < prompts:
                    p.stdin.write(lines[sent].encode())
                    p.stdin.flush()
                    sent += 1
        p.wait(timeout=max(1, deadline - time.monotonic()))
    except (subprocess.TimeoutExpired, BrokenPipeError):
        pass
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return Boot(p.returncode, out.decode(errors="replace").replace("\r\n", "\n"))


@pytest.fixture(scope="module")
def uefi():
    return build("initrd-uefi", defconfig="uefi", extra=CONFIG)


def test_uefi_initrd_from_esp(uefi, tmp_path, monkeypatch):
    """UEFI: qemu-run puts the archive on the ESP as \\initrd; the EFI stub loads it."""
    need_tools()
    monkeypatch.setenv("INITRD", str(make_cpio(tmp_path)))
    r = run_shell(uefi, shell_script("/"))
    check_session(r, "/")


@pytest.fixture(scope="module")
def bios():
    return build("initrd-bios", defconfig="bios", extra=CONFIG)


def test_bios_initrd_after_kernel(bios, tmp_path, monkeypatch):
    """BIOS: qemu-run lays out a per-run toro.img with the archive after the kernel; stage 2
    loads it past __kernel_end."""
    need_tools()
    monkeypatch.setenv("INITRD", str(make_cpio(tmp_path)))
    r = run_shell(bios, shell_script("/"))
    check_session(r, "/")


def test_qemu_run_refuses_initrd_with_grub_iso(tmp_path):
    """GRUB from the ISO loads no initrd: qemu-run says so instead of ignoring INITRD=."""
    from torotest import PYTHON, ROOT
    build_dir = tmp_path / "fake"
    build_dir.mkdir()
    (build_dir / ".config").write_text("CONFIG_BOOT_MULTIBOOT=y\nCONFIG_MACHINE_PC=y\n")
    (build_dir / "toro-grub.iso").write_bytes(b"")
    cpio = tmp_path / "x.cpio"
    cpio.write_bytes(b"")
    p = subprocess.run([PYTHON, str(ROOT / "scripts" / "qemu-run"), "--build", str(build_dir),
                        "--iso", "--dry-run"], env={"INITRD": str(cpio), "PATH": "/usr/bin:/bin"},
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "GRUB from the ISO loads no initrd" in p.stderr, p.stderr
