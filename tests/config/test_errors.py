# SPDX-License-Identifier: MIT
"""Bad configuration and missing tools stop the build with a clear message:
the file, the line and the symbol; or the Debian package to install."""

import os

import pytest
from confhelp import DEFCONFIGS, fresh_out
from torotest import make

# (file name, text, line of the error, words the message must contain)
BAD_FILES = {
    "unknown-in-defconfig": ("bad_defconfig",
                             "# a defconfig with a typo\nCONFIG_MACHINE_MICROVM=y\n"
                             "CONFIG_SERIAL_16650=y\n",
                             3, ["CONFIG_SERIAL_16650", "unknown", "SERIAL_16550"]),
    "unknown-in-fragment": ("typo.config", "# fragment\n\nCONFIG_KALSYMS=n\n",
                            3, ["CONFIG_KALSYMS", "unknown", "KALLSYMS"]),
    "int-out-of-range": ("mem.config", "CONFIG_QEMU_MEM=1\n",
                         1, ["CONFIG_QEMU_MEM", "range", "16", "65536"]),
    "int-not-a-number": ("level.config", "CONFIG_LOGLEVEL=loud\n",
                         1, ["CONFIG_LOGLEVEL", "loud", "int"]),
    "unmet-dependency": ("bios.config", "CONFIG_MACHINE_MICROVM=y\nCONFIG_BOOT_BIOS=y\n",
                         2, ["CONFIG_BOOT_BIOS", "MACHINE_PC"]),
    "malformed-line": ("broken.config", "CONFIG_DEBUG_EXIT=n\nCONFIG_LOGLEVEL 3\n",
                       2, ["CONFIG_LOGLEVEL"]),
    "bool-bad-value": ("bool.config", "CONFIG_KALLSYMS=yes\n", 1, ["CONFIG_KALLSYMS", "yes"]),
    "string-without-quotes": ("str.config", "CONFIG_CMDLINE=-- a b\n",
                              1, ["CONFIG_CMDLINE", "quote"]),
    "hidden-symbol": ("hidden.config", "CONFIG_HAVE_PCI=y\n",
                      1, ["CONFIG_HAVE_PCI", "MACHINE_PC"]),
}


def error_text(p):
    return p.stdout + p.stderr


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_configuration_names_file_line_and_symbol(case, tmp_path):
    name, text, line, words = BAD_FILES[case]
    bad = tmp_path / name
    bad.write_text(text)
    out = fresh_out(f"err-{case}")
    if name.endswith("_defconfig"):
        goals = [str(bad)]  # a defconfig named by path
    else:
        goals = ["microvm_defconfig", str(bad)]
    p = make(f"O={out}", *goals, check=False)
    msg = error_text(p)
    assert p.returncode != 0, f"{case} was accepted:\n{msg}"
    assert f"{bad}:{line}:" in msg, f"message does not name {bad}:{line}:\n{msg}"
    for w in words:
        assert w in msg, f"message does not say {w!r}:\n{msg}"
    assert "Traceback" not in msg, msg
    if name.endswith(".config"):
        # Merging into an existing .config: same check, and .config is left as it was.
        make(f"O={out}", "microvm_defconfig")
        before = (out / ".config").read_text()
        p = make(f"O={out}", str(bad), check=False)
        assert p.returncode != 0 and f"{bad}:{line}:" in error_text(p), error_text(p)
        assert (out / ".config").read_text() == before


def test_missing_defconfig_is_named(tmp_path):
    p = make(f"O={tmp_path / 'o'}", "nosuch_defconfig", check=False)
    assert p.returncode != 0
    assert "configs/nosuch_defconfig" in error_text(p), error_text(p)


def path_without(tmp_path, *tools):
    """A PATH with every program of the current PATH except tools (and their triplet names)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for d in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            target = os.path.join(d, name)
            if (bindir / name).exists() or not os.access(target, os.X_OK):
                continue
            if any(name == t or name.endswith("-" + t) for t in tools):
                continue
            (bindir / name).symlink_to(target)
    return str(bindir)


@pytest.mark.parametrize("tool,package", [("gcc", "gcc"), ("ld", "binutils")])
def test_missing_compiler_or_linker_names_the_package(tool, package, tmp_path):
    out = fresh_out(f"err-no-{tool}")
    make(f"O={out}", "microvm_defconfig")
    p = make(f"O={out}", "all", env={"PATH": path_without(tmp_path, tool)}, check=False)
    msg = error_text(p)
    assert p.returncode != 0, msg
    assert f"'{package}'" in msg and tool in msg, f"no clear message for a missing {tool}:\n{msg}"
    assert not (out / "toro.elf").exists()


def test_cc_pointing_at_a_missing_compiler(tmp_path):
    out = fresh_out("err-bad-cc")
    make(f"O={out}", "microvm_defconfig")
    p = make(f"O={out}", "all", "CC=toro-no-such-gcc", check=False)
    msg = error_text(p)
    assert p.returncode != 0
    assert "toro-no-such-gcc" in msg and "'gcc'" in msg, msg
    # Configuring needs no compiler: only building does.
    make(f"O={out}", "olddefconfig", "CC=toro-no-such-gcc")


@pytest.mark.skipif("bios_defconfig" not in DEFCONFIGS,
                    reason="configs/bios_defconfig does not exist yet (BIOS boot in progress)")
def test_missing_nasm_names_the_package(tmp_path):
    out = fresh_out("err-no-nasm")
    make(f"O={out}", "bios_defconfig")
    p = make(f"O={out}", "all", env={"PATH": path_without(tmp_path, "nasm")}, check=False)
    msg = error_text(p)
    assert p.returncode != 0, msg
    assert "nasm" in msg and "'nasm'" in msg, msg
