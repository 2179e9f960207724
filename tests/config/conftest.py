# SPDX-License-Identifier: MIT
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))


@pytest.fixture
def tmp_path():
    """A temporary directory removed when the test ends (pytest's own keeps the last
    runs' directories; these tests leave nothing outside build/)."""
    with tempfile.TemporaryDirectory(prefix="toro-config-test-") as tmp:
        yield Path(tmp)
