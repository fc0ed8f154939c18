"""Shared fixtures: the bundled seed plan documents, and the marts of a run on the bundled data.

Every test runs with PLAN389_AS_OF pinned (`PINNED_AS_OF`, the day the figures in the tests were
worked out for), so no figure depends on the day the suite runs; a test of the default ("today
in Vietnam") removes the variable and fixes the clock it passes in.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.as_of import AS_OF_ENV
from pipelines.plans.text import decode_bytes, normalize_document

REPO_ROOT = Path(__file__).resolve().parents[1]
PINNED_AS_OF = "2026-11-23"
PLANS_DIR = REPO_ROOT / "data" / "raw" / "plans"

SEEDS = {
    "thanh_hoa": "thanh-hoa_08-KH-UBND_2026_web-page.txt",
    "ham_rong": "ham-rong-ward_2026_plan.txt",
    "hung_yen_body": "hung-yen_2026_plan-body.txt",
    "hung_yen_appendix": "hung-yen_2026_plan-appendix.md",
    "lao_cai": "lao-cai_2025_plan-pdf-text.txt",
}


@pytest.fixture(scope="session", autouse=True)
def pinned_as_of() -> Iterator[str]:
    """PLAN389_AS_OF for the whole session (subprocesses inherit it)."""
    before = os.environ.get(AS_OF_ENV)
    os.environ[AS_OF_ENV] = PINNED_AS_OF
    yield PINNED_AS_OF
    if before is None:
        os.environ.pop(AS_OF_ENV, None)
    else:
        os.environ[AS_OF_ENV] = before


def seed_text(key: str) -> str:
    """Normalised text of a bundled seed document, by short key (see SEEDS)."""
    return normalize_document(decode_bytes((PLANS_DIR / SEEDS[key]).read_bytes()))


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {key: seed_text(key) for key in SEEDS}


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the bundled data directory, set as PLAN389_DATA_DIR."""
    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")
    monkeypatch.setenv("PLAN389_DATA_DIR", str(target))
    return target


def repo_data_snapshot() -> dict[str, float]:
    """Path → mtime of everything under ./data, to prove a run elsewhere leaves it alone."""
    root = REPO_ROOT / "data"
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")}


@pytest.fixture(scope="session")
def bundled_marts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Published Parquet marts of a real run on the bundled data, for tests that only read them
    (the report, the dashboard): one run per session, or none while pytest's cache holds it."""
    return _cached_marts(request.config, tmp_path_factory.mktemp("bundled_run"))


def _cached_marts(config: pytest.Config, root: Path) -> Path:
    """Marts of a real run on the bundled data, reused while nothing they depend on changed.

    The key covers the raw data, the pipeline and dbt code, the lock file and the pinned as-of
    date, so a reused copy is what a new run would publish; a miss runs the whole asset graph
    (~60 s) and keeps its Parquet files in pytest's cache.
    """
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if cache is None:
        return _run_pipeline(root)
    name = f"plan389-marts-{_inputs_key()[:16]}"
    target = cache.mkdir(name)
    if not (target / "complete").exists():
        for old in target.parent.glob("plan389-marts-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)
        for src in _run_pipeline(root).glob("*.parquet"):
            shutil.copy(src, target / src.name)
        (target / "complete").touch()
    return target


def _run_pipeline(root: Path) -> Path:
    from pipelines.run import run_all

    shutil.copytree(REPO_ROOT / "data" / "raw", root / "data" / "raw")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLAN389_DATA_DIR", str(root / "data"))
        mp.setenv("PLAN389_PII_KEY", "test-key")
        mp.setenv(AS_OF_ENV, PINNED_AS_OF)
        assert run_all(echo=lines.append) == 0, "\n".join(lines)
    return root / "data" / "marts"


def _inputs_key() -> str:
    digest = hashlib.sha256(PINNED_AS_OF.encode())
    skip = {"__pycache__", "target", "logs", "dbt_packages"}
    for top in ("data/raw", "pipelines", "dbt_project", "requirements.lock", "pyproject.toml"):
        base = REPO_ROOT / top
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in files:
            rel = path.relative_to(REPO_ROOT)
            if path.is_file() and not skip.intersection(rel.parts):
                digest.update(str(rel).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
