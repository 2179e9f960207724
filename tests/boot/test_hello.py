# SPDX-License-Identifier: MIT
"""hello on every PVH target: boot line, arguments, exit code, power-off."""

import pytest
from torotest import boot, build

PVH_TARGETS = [("microvm", None), ("kvm", "q35"), ("kvm", "pc")]


@pytest.mark.parametrize("config,machine", PVH_TARGETS)
def test_hello_pvh(config, machine):
    out = build(config)
    r = boot(out, cmdline='loglevel=7 -- one "two words" exit=5', machine=machine)
    assert 'toro: pvh boot, 1 cpu, 64 MiB, cmdline "loglevel=7 -- one "two words" exit=5"' in r.out
    assert "Hello from Toro" in r.out
    assert 'argv[1] = "one"\n' in r.out
    assert 'argv[2] = "two words"\n' in r.out
    assert 'argv[3] = "exit=5"\n' in r.out
    assert r.exit_code == 5, r.out


def test_hello_no_args_exits_zero():
    r = boot(build("microvm"))
    assert "Hello from Toro" in r.out
    assert "argv[1]" not in r.out
    assert r.exit_code == 0, r.out


def test_builtin_cmdline_is_used_when_loader_gives_none():
    out = build("microvm-builtin-cmdline", defconfig="microvm",
                extra='CONFIG_CMDLINE="-- built in exit=9"\n')
    r = boot(out)
    assert 'argv[1] = "built"' in r.out and 'argv[2] = "in"' in r.out
    assert r.exit_code == 9, r.out


@pytest.mark.parametrize("config,machine", [("microvm", None), ("kvm", "q35"), ("kvm", "pc")])
def test_acpi_poweroff_without_debug_exit(config, machine):
    """Without CONFIG_DEBUG_EXIT, QEMU must still end by itself (ACPI S5)."""
    out = build(f"{config}-nodebugexit", fragments=["nodebugexit.config"], defconfig=config)
    r = boot(out, machine=machine, timeout=60)
    assert "Hello from Toro" in r.out
    assert "isa-debug-exit" not in r.out  # the device was not even attached
    assert "power-off did not happen" not in r.out
    assert r.rc == 0, r.out
