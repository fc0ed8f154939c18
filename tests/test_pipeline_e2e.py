"""The whole asset graph on a temporary copy of the bundled data."""

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import PLANS_DIR, REPO_ROOT, SEEDS, repo_data_snapshot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def _manifest() -> None:
    from pipelines.defs.warehouse.project import prepare_manifest

    prepare_manifest()


def test_run_all_builds_and_publishes_marts(data_copy: Path) -> None:
    from pipelines.run import run_all

    before = repo_data_snapshot()
    lines: list[str] = []
    assert run_all(echo=lines.append) == 0, "\n".join(lines)

    assert "plan389: run succeeded" in lines
    assert "  mart_plan_documents: 5 rows" in lines
    docs = pl.read_parquet(data_copy / "marts" / "mart_plan_documents.parquet").sort("file_name")
    expected = {
        name: hashlib.sha256((PLANS_DIR / name).read_bytes()).hexdigest() for name in SEEDS.values()
    }
    assert dict(zip(docs["file_name"], docs["sha256"], strict=True)) == expected
    lao_cai = docs.filter(pl.col("file_name") == SEEDS["lao_cai"]).row(0, named=True)
    assert lao_cai["file_format"] == "txt"
    assert lao_cai["size_bytes"] == 41466
    assert docs.filter(pl.col("file_name") == SEEDS["hung_yen_appendix"])["file_format"][0] == "md"

    assert docs["plan_id"].n_unique() == 4  # the Hưng Yên body and appendix are one plan

    with duckdb.connect(str(data_copy / "marts" / "marts.duckdb"), read_only=True) as conn:
        per_plan = conn.execute(
            "select plan_id, task_count, parent_plan_id from mart_plans order by plan_id"
        ).fetchall()
        tasks = conn.execute(
            "select lead_agencies, due_date from mart_plan_tasks "
            "where plan_id = 'hung-yen-kh-2026' and task_code = '5.1'"
        ).fetchall()
    assert per_plan == [
        ("ham-rong-kh-2026", 6, "thanh-hoa-08-kh-ubnd-2026"),
        ("hung-yen-kh-2026", 38, "vn-397-nq-cp-2025"),
        ("lao-cai-kh-2025", 47, "vn-397-nq-cp-2025"),
        ("thanh-hoa-08-kh-ubnd-2026", 33, "vn-397-nq-cp-2025"),
        ("vn-397-nq-cp-2025", 0, None),
    ]
    assert tasks == [("Sở Công Thương", date(2026, 3, 31))]
    assert "  mart_plan_tasks: 124 rows" in lines
    assert (data_copy / "warehouse.duckdb").exists()
    assert repo_data_snapshot() == before, "a run on another data dir touched ./data"


def test_cli_run_and_definitions_validate(tmp_path: Path) -> None:
    """The console script and `dagster definitions validate`, as a user runs them."""
    import shutil

    shutil.copytree(REPO_ROOT / "data" / "raw", tmp_path / "d" / "raw")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")  # a user's own, empty Dagster home
    (tmp_path / "dagster_home").mkdir()
    env["PLAN389_DATA_DIR"] = "d"  # relative: taken from the working directory
    before = repo_data_snapshot()
    run = subprocess.run(
        [str(bin_dir / "plan389"), "run"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"marts in {tmp_path / 'd' / 'marts'}:" in run.stdout
    assert (tmp_path / "d" / "marts" / "mart_plan_documents.parquet").exists()
    assert repo_data_snapshot() == before

    validate = subprocess.run(
        [str(bin_dir / "dagster"), "definitions", "validate"],
        cwd=REPO_ROOT,
        env={**env, "PLAN389_DATA_DIR": str(tmp_path / "d")},
        capture_output=True,
        text=True,
    )
    assert validate.returncode == 0, validate.stderr[-3000:]
    assert "Validation successful for code location plan389" in validate.stdout + validate.stderr
