from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT, DataPaths, data_dir


def test_default_data_dir_is_repo_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAN389_DATA_DIR", raising=False)
    assert data_dir() == REPO_ROOT / "data"


def test_relative_data_dir_is_taken_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # dbt's profiles.yml resolves a relative value the same way ('../' from dbt_project/).
    monkeypatch.setenv("PLAN389_DATA_DIR", "elsewhere/d")
    assert data_dir() == REPO_ROOT / "elsewhere" / "d"


def test_absolute_data_dir_and_derived_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLAN389_DATA_DIR", str(tmp_path))
    paths = DataPaths.from_env()
    assert paths.warehouse == tmp_path / "warehouse.duckdb"
    assert paths.raw_plans == tmp_path / "raw" / "plans"
    assert paths.raw_reports == tmp_path / "raw" / "reports"
    assert paths.marts == tmp_path / "marts"


def test_cli_makes_relative_data_dir_absolute_from_cwd(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pipelines.cli import _absolute_data_dir_env

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLAN389_DATA_DIR", "d")
    _absolute_data_dir_env()
    assert data_dir() == tmp_path / "d"


def test_profiles_yml_reads_the_same_variable() -> None:
    profile = (REPO_ROOT / "dbt_project" / "profiles.yml").read_text()
    assert "env_var('PLAN389_DATA_DIR'" in profile
    assert "/warehouse.duckdb" in profile
