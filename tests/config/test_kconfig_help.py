# SPDX-License-Identifier: MIT
"""Every visible Kconfig symbol has help text, and Documentation/kconfig.md is current."""

import os
import subprocess

import kconfiglib
from torotest import PYTHON, ROOT


def test_every_symbol_has_help():
    os.environ.setdefault("srctree", str(ROOT))
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        kconf = kconfiglib.Kconfig("Kconfig", warn=False)
    finally:
        os.chdir(cwd)
    missing = [s.name for s in kconf.unique_defined_syms if not any(n.help for n in s.nodes)]
    missing += [c.name or c.nodes[0].prompt[0] for c in kconf.unique_choices
                if not any(n.help for n in c.nodes)]
    assert not missing, f"Kconfig symbols without help text: {missing}"


def test_kconfig_reference_is_current():
    p = subprocess.run([PYTHON, "scripts/kconfig-doc.py", "--check"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
