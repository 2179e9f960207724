# SPDX-License-Identifier: MIT
"""A fixed set of randconfig seeds: each gives a valid configuration that builds.

Kconfig's `depends on`/`select` must make every configuration it allows build.
A seed that fails is a bug in Kconfig or in the code; never drop the seed.
"""

import pytest
from confhelp import fresh_out, read_config
from torotest import make

SEEDS = list(range(1, 21))


@pytest.mark.parametrize("seed", SEEDS)
def test_randconfig_builds(seed):
    out = fresh_out(f"rand-{seed}")
    make(f"O={out}", "randconfig", f"SEED={seed}")
    config = (out / ".config").read_text()
    # The same seed gives the same configuration (the list above must mean something).
    make(f"O={out}", "randconfig", f"SEED={seed}")
    assert (out / ".config").read_text() == config, f"randconfig SEED={seed} is not reproducible"
    # It is a valid configuration: olddefconfig has nothing to fix.
    make(f"O={out}", "olddefconfig")
    assert (out / ".config").read_text() == config, f"randconfig SEED={seed} was not valid"
    conf = read_config(out / ".config")
    p = make(f"O={out}", "all", check=False)
    summary = ", ".join(f"{k}={v}" for k, v in sorted(conf.items()))
    assert p.returncode == 0, (f"randconfig SEED={seed} does not build\n  {summary}\n"
                               f"{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    assert (out / "toro.elf").stat().st_size > 0
