"""Shared fixtures: the bundled seed plan documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.plans.text import decode_bytes, normalize_document

REPO_ROOT = Path(__file__).resolve().parents[1]
PLANS_DIR = REPO_ROOT / "data" / "raw" / "plans"

SEEDS = {
    "thanh_hoa": "thanh-hoa_08-KH-UBND_2026_web-page.txt",
    "ham_rong": "ham-rong-ward_2026_plan.txt",
    "hung_yen_body": "hung-yen_2026_plan-body.txt",
    "hung_yen_appendix": "hung-yen_2026_plan-appendix.md",
    "lao_cai": "lao-cai_2025_plan-pdf-text.txt",
}


def seed_text(key: str) -> str:
    """Normalised text of a bundled seed document, by short key (see SEEDS)."""
    return normalize_document(decode_bytes((PLANS_DIR / SEEDS[key]).read_bytes()))


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {key: seed_text(key) for key in SEEDS}


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the bundled data directory, set as PLAN389_DATA_DIR."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")
    monkeypatch.setenv("PLAN389_DATA_DIR", str(target))
    return target


def repo_data_snapshot() -> dict[str, float]:
    """Path → mtime of everything under ./data, to prove a run elsewhere leaves it alone."""
    root = REPO_ROOT / "data"
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")}
