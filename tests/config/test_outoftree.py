# SPDX-License-Identifier: MIT
"""Out-of-tree builds side by side, applications from outside the tree, and
`make -j2` from an empty O= (the default configuration) again and again."""

import os
import subprocess

import pytest
from confhelp import DEFCONFIGS, fresh_out
from torotest import ROOT, boot, make

APP = r"""#include <toro/stdio.h>

int main(int argc, char **argv)
{
	printf("out-of-tree app %s says hi\n", argv[0]);
	return 4;
}
"""

MAIN_WITH_GREET = r"""#include "greet.h"

int main(int argc, char **argv)
{
	greet(argv[0]);
	return 4;
}
"""

GREET = r"""#include <toro/stdio.h>
#include "greet.h"

void greet(const char *name)
{
	printf("out-of-tree app %s says hi\n", name);
}
"""


@pytest.mark.skipif("multiboot_defconfig" not in DEFCONFIGS,
                    reason="configs/multiboot_defconfig does not exist yet (a colleague's work)")
def test_two_configs_side_by_side():
    outs = {"microvm_defconfig": fresh_out("side-microvm"),
            "multiboot_defconfig": fresh_out("side-multiboot")}
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    procs = {d: subprocess.Popen(["make", f"O={o}", "-j2", d, "all"], cwd=ROOT, text=True,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for d, o in outs.items()}
    for d, p in procs.items():
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0, f"make O=... {d} all failed:\n{out[-3000:]}"
    assert "CONFIG_BOOT_MULTIBOOT=y" in (outs["multiboot_defconfig"] / ".config").read_text()
    assert "CONFIG_MACHINE_MICROVM=y" in (outs["microvm_defconfig"] / ".config").read_text()
    for d, o in outs.items():
        r = boot(o, cmdline="-- side exit=3")
        assert "Hello from Toro" in r.out and 'argv[1] = "side"' in r.out, f"{d}:\n{r.out}"
        assert r.exit_code == 3, f"{d}:\n{r.out}"


@pytest.mark.parametrize("with_makefile", [False, True], ids=["no-makefile", "makefile"])
def test_app_dir_outside_the_tree(tmp_path, with_makefile):
    app = tmp_path / "myapp"
    app.mkdir()
    if with_makefile:
        # Two sources listed in the app's own Makefile; a stray .c is not built.
        (app / "main.c").write_text(MAIN_WITH_GREET)
        (app / "greet.c").write_text(GREET)
        (app / "stray.c").write_text("#error this file is not in obj-y\n")
        (app / "greet.h").write_text("void greet(const char *name);\n")
        (app / "Makefile").write_text("obj-y += main.o greet.o\n")
    else:
        (app / "main.c").write_text(APP)
    out = fresh_out(f"appdir-{'mk' if with_makefile else 'plain'}")
    make(f"O={out}", "microvm_defconfig")
    make(f"O={out}", f"APP_DIR={app}", "-j2", "all")
    r = boot(out)
    assert "out-of-tree app myapp says hi" in r.out, r.out
    assert "Hello from Toro" not in r.out, r.out
    assert r.exit_code == 4, r.out
    # Back to the in-tree app in the same O=: relinked with hello, nothing stale.
    make(f"O={out}", "-j2", "all")
    r = boot(out)
    assert "Hello from Toro" in r.out and "out-of-tree" not in r.out, r.out


def test_make_j2_from_an_empty_out_dir_repeatedly(tmp_path):
    """No .config: make uses the default defconfig; clean and build again."""
    out = tmp_path / "o"
    p = make(f"O={out}", "-j2")
    assert "microvm_defconfig" in p.stdout + p.stderr
    assert (out / "toro.elf").is_file()
    elf = (out / "toro.elf").read_bytes()
    make(f"O={out}", "clean")
    assert not (out / "toro.elf").exists()
    make(f"O={out}", "-j2")
    assert (out / "toro.elf").read_bytes() == elf
    r = boot(out)
    assert "Hello from Toro" in r.out and r.exit_code == 0, r.out


def test_make_j2_configure_and_build_in_one_command_repeatedly():
    out = fresh_out("j2-repeat")
    for _ in range(2):
        make(f"O={out}", "distclean")
        make(f"O={out}", "-j2", "kvm_defconfig", "all")
        assert (out / "toro.elf").is_file()
