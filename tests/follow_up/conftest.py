from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture
def data_dir(bundled_marts: Path, tmp_path: Path) -> Path:
    """A data directory with the bundled raw files and the marts a run published from them."""
    root = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", root / "raw")
    shutil.copytree(bundled_marts, root / "marts", ignore=shutil.ignore_patterns("complete"))
    return root
