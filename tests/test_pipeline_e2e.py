"""The whole asset graph on a temporary copy of the bundled data (plans + sample workbooks)."""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.samples.workbooks import generate_sample_reports
from tests.conftest import PLANS_DIR, REPO_ROOT, SEEDS, repo_data_snapshot

pytestmark = pytest.mark.e2e


@dataclass
class Run:
    data: Path
    config: Path  # XDG_CONFIG_HOME of the run (where the PII key is generated)
    lines: list[str]
    exit_code: int
    repo_data_untouched: bool


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    from pipelines.defs.warehouse.project import prepare_manifest
    from pipelines.run import run_all

    prepare_manifest()
    root = tmp_path_factory.mktemp("e2e")
    data, config = root / "data", root / "config"
    shutil.copytree(REPO_ROOT / "data" / "raw", data / "raw")
    before = repo_data_snapshot()
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLAN389_DATA_DIR", str(data))
        mp.setenv("XDG_CONFIG_HOME", str(config))
        mp.delenv("PLAN389_PII_KEY", raising=False)
        code = run_all(echo=lines.append)
    return Run(data, config, lines, code, repo_data_snapshot() == before)


def _marts(run: Run, sql: str) -> list[tuple]:
    with duckdb.connect(str(run.data / "marts" / "marts.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def _warehouse(run: Run, sql: str) -> list[tuple]:
    with duckdb.connect(str(run.data / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_run_succeeds_and_leaves_repo_data_alone(run: Run) -> None:
    assert run.exit_code == 0, "\n".join(run.lines)
    assert "plan389: run succeeded" in run.lines
    assert run.repo_data_untouched, "a run on another data dir touched ./data"
    assert "  mart_plan_tasks: 124 rows" in run.lines


def test_plan_marts(run: Run) -> None:
    docs = pl.read_parquet(run.data / "marts" / "mart_plan_documents.parquet").sort("file_name")
    expected = {
        name: hashlib.sha256((PLANS_DIR / name).read_bytes()).hexdigest() for name in SEEDS.values()
    }
    assert dict(zip(docs["file_name"], docs["sha256"], strict=True)) == expected
    assert docs["plan_id"].n_unique() == 4  # the Hưng Yên body and appendix are one plan
    assert _marts(run, "select plan_id, task_count, parent_plan_id from mart_plans order by 1") == [
        ("ham-rong-kh-2026", 6, "thanh-hoa-08-kh-ubnd-2026"),
        ("hung-yen-kh-2026", 38, "vn-397-nq-cp-2025"),
        ("lao-cai-kh-2025", 47, "vn-397-nq-cp-2025"),
        ("thanh-hoa-08-kh-ubnd-2026", 33, "vn-397-nq-cp-2025"),
        ("vn-397-nq-cp-2025", 0, None),
    ]
    assert _marts(
        run,
        "select lead_agencies, due_date from mart_plan_tasks "
        "where plan_id = 'hung-yen-kh-2026' and task_code = '5.1'",
    ) == [("Sở Công Thương", date(2026, 3, 31))]


def test_reports_loaded_quarantined_and_accounted(run: Run) -> None:
    assert _warehouse(run, "select count(*) from raw.report_workbooks") == [(23,)]
    assert _marts(run, "select count(*) from mart_ingestion_errors") == [(0,)]
    # rows read = rows loaded + rows quarantined, for every file and sheet
    assert _warehouse(
        run,
        "select count(*) from raw.report_sheet_counts "
        "where rows_read != rows_loaded + rows_quarantined",
    ) == [(0,)]
    totals = _warehouse(
        run,
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
        "from raw.report_sheet_counts",
    )[0]
    loaded = sum(
        _warehouse(run, f"select count(*) from raw.{t}")[0][0]
        for t in ("task_progress", "tips", "enforcement", "target_counts")
    )
    quarantined = _warehouse(
        run, "select count(distinct (workbook_id, sheet, row_number)) from raw.quarantine"
    )[0][0]
    assert totals == (totals[1] + totals[2], loaded, quarantined)
    rules = dict(_marts(run, "select rule, count(*) from mart_quarantine group by rule"))
    assert rules["missing_column"] == 40  # the Lào Cai border guard register lacks Ngày tiếp nhận
    assert {
        "impossible_date",
        "accepted_before_received",
        "negative_count",
        "violations_exceed_inspections",
        "task_not_in_plan",
        "task_not_assigned",
    } <= set(rules)


def test_resubmission_supersedes_and_tips_count_once(run: Run) -> None:
    books = _warehouse(
        run,
        "select file_name, is_superseded from raw.report_workbooks "
        "where agency_id = '33:cong-an-tinh' order by file_name",
    )
    assert books == [
        ("hung-yen-kh-2026__cong-an-tinh-hung-yen__2026.xlsx", True),
        ("hung-yen-kh-2026__cong-an-tinh-hung-yen__2026__v2.xlsx", False),
    ]
    raw_rows, distinct_codes = _warehouse(
        run,
        "select count(*), count(distinct tip_code) from raw.tips "
        "join raw.report_workbooks using (workbook_id) where agency_id = '33:cong-an-tinh'",
    )[0]
    current = _warehouse(
        run,
        "select count(*) from intermediate.int_tips_deduplicated "
        "where agency_id = '33:cong-an-tinh'",
    )[0][0]
    assert raw_rows > distinct_codes  # both versions are kept for audit
    assert current == 117  # the corrected v2 register: every tip once


def test_informants_never_stored_in_clear(run: Run, tmp_path: Path) -> None:
    manifest = generate_sample_reports(tmp_path / "regen", PLANS_DIR)
    secrets = sorted(set(manifest.informant_names) | set(manifest.informant_phones))
    assert len(secrets) > 400
    hits: list[str] = []

    def scan(label: str, frame: pl.DataFrame) -> None:
        for column in frame.columns:
            if frame[column].dtype == pl.String and frame[column].str.contains_any(secrets).any():
                hits.append(f"{label}.{column}")

    with duckdb.connect(str(run.data / "warehouse.duckdb"), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            scan(f"{schema}.{table}", conn.sql(f'select * from "{schema}"."{table}"').pl())
    for parquet in (run.data / "marts").glob("*.parquet"):
        scan(parquet.name, pl.read_parquet(parquet))
    # the đôn đốc lists and the feedback copies of the agencies' own workbooks
    sent_back = sorted((run.data / "marts").glob("f*/**/*.xlsx"))
    assert any("feedback" in p.parts for p in sent_back)
    assert any("follow-up" in p.parts for p in sent_back)
    for book in sent_back:
        with zipfile.ZipFile(book) as archive:
            text = "".join(
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
            )
        hits += [f"{book.name}: {s}" for s in secrets if s in text]
    assert len(tables) > 30 and hits == []
    hashes = _warehouse(run, "select count(distinct informant_hash) from raw.tips")[0][0]
    assert hashes > 200  # hashed, not dropped: repeat informants can still be counted
    key = run.config / "plan389" / "pii.key"
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not key.is_relative_to(run.data)


def test_cli_run_and_definitions_validate(tmp_path: Path) -> None:
    """The console script and `dagster definitions validate`, as a user runs them."""
    shutil.copytree(REPO_ROOT / "data" / "raw" / "plans", tmp_path / "d" / "raw" / "plans")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # as cron runs it: the venv is not on PATH
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")  # a user's own, empty Dagster home
    env["PLAN389_PII_KEY"] = "cli-test"
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


def test_kpi_marts_match_an_independent_recomputation(run: Run) -> None:
    from tests.kpi_oracle import tip_kpis

    expected = tip_kpis(run.data / "raw" / "reports", 2026)
    rows = _marts(
        run,
        "select plan_id, metric, numerator, denominator, comparator, threshold, met "
        "from mart_kpi_targets where scope = 'plan' and report_year = 2026 and metric in "
        "('tip_acceptance_rate', 'tip_resolution_rate', 'criminal_sign_prosecution_rate')",
    )
    found = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert found == {
        (plan, metric): value
        for plan, metrics in expected.items()
        for metric, value in metrics.items()
    }
    thresholds = {(r[1], r[4], r[5]) for r in rows if r[0] != "ham-rong-kh-2026"}
    assert thresholds == {
        ("tip_acceptance_rate", ">=", 1.0),
        ("tip_resolution_rate", ">", 0.9),
        ("criminal_sign_prosecution_rate", ">=", 1.0),
    }
    for plan, metric, numerator, denominator, comparator, threshold, met in rows:
        if comparator == ">=":
            assert met == (numerator >= threshold * denominator), (plan, metric)
        elif comparator == ">":
            assert met == (numerator > threshold * denominator), (plan, metric)
    # the plans' ChiTieu targets: Số đã thực hiện / Tổng số đối tượng from Sở Công Thương
    ecommerce = _marts(
        run,
        "select numerator, denominator from mart_kpi_targets where scope = 'plan' "
        "and plan_id = 'thanh-hoa-08-kh-ubnd-2026' and metric = 'ecommerce_commitment_rate'",
    )
    assert len(ecommerce) == 1 and 0 < ecommerce[0][0] <= ecommerce[0][1]


def test_every_mart_is_published(run: Run) -> None:
    expected = {
        "mart_build_info",
        "mart_rows_after_as_of",
        "mart_enforcement_by_field",
        "mart_enforcement_by_period",
        "mart_follow_up",
        "mart_headline_indicators",
        "mart_ingestion_errors",
        "mart_kpi_targets",
        "mart_plan_cascade",
        "mart_plan_documents",
        "mart_plan_review_changes",
        "mart_plan_reviews",
        "mart_plan_tasks",
        "mart_plan_tree_status",
        "mart_plans",
        "mart_quarantine",
        "mart_reporting_compliance",
        "mart_task_completion",
        "mart_task_completion_by_agency",
        "mart_tipoffs_monthly",
    }
    assert {p.stem for p in (run.data / "marts").glob("*.parquet")} == expected
    views = {r[0] for r in _marts(run, "select view_name from duckdb_views() where not internal")}
    assert views == expected
    uncovered = _marts(
        run,
        "select national_group_code from mart_plan_cascade "
        "where plan_id = 'ham-rong-kh-2026' and not is_covered order by 1",
    )
    covered_th = _marts(
        run, "select count(*) from mart_plan_cascade where plan_id like 'thanh-hoa%' and is_covered"
    )
    assert covered_th == [(8,)] and len(uncovered) > 0


def test_marts_enforce_their_not_null_constraints(run: Run) -> None:
    # non-key mart columns declare `not_null` as a contract constraint (DuckDB enforces it
    # when the table is built) rather than as a data test: the warehouse must carry them
    from pipelines.defs.warehouse.project import dbt_project

    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    declared = {
        (node["name"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column in node["columns"].values()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }
    enforced = set(
        _warehouse(
            run,
            "select table_name, column_name from information_schema.columns "
            "where table_name like 'mart_%' and is_nullable = 'NO'",
        )
    )
    assert len(declared) >= 40 and declared <= enforced


def test_a_reader_open_during_a_second_run_sees_old_or_new_and_marts_are_identical(
    run: Run,
) -> None:
    from pipelines.run import run_all

    first = {p.name: pl.read_parquet(p) for p in (run.data / "marts").glob("*.parquet")}
    reader = duckdb.connect(str(run.data / "marts" / "marts.duckdb"), read_only=True)
    try:
        before = reader.execute("select count(*) from mart_kpi_targets").fetchall()
        lines: list[str] = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PLAN389_DATA_DIR", str(run.data))
            mp.setenv("XDG_CONFIG_HOME", str(run.config))
            mp.delenv("PLAN389_PII_KEY", raising=False)
            assert run_all(echo=lines.append) == 0, "\n".join(lines)
        assert reader.execute("select count(*) from mart_kpi_targets").fetchall() == before
    finally:
        reader.close()
    # unchanged input: no workbook is read or validated again
    assert any("report_tables: done" in ln and "files: 0 read, 23 skipped" in ln for ln in lines)
    second = {p.name: pl.read_parquet(p) for p in (run.data / "marts").glob("*.parquet")}
    assert first.keys() == second.keys()
    for name, frame in first.items():
        assert frame.equals(second[name]), f"{name} changed between two runs on the same input"


def test_officials_report_and_dashboard_are_published(run: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from pipelines.cli import main

    reports = sorted(p.name for p in (run.data / "marts" / "reports").glob("*.xlsx"))
    assert reports == [
        "ham-rong-kh-2026_2026.xlsx",
        "hung-yen-kh-2026_2026.xlsx",
        "lao-cai-kh-2025_2026.xlsx",
        "thanh-hoa-08-kh-ubnd-2026_2026.xlsx",
    ]
    pages = sorted(p.name for p in (run.data / "marts" / "dashboard").glob("*.html"))
    assert pages == [
        "ham-rong-kh-2026.html",
        "hung-yen-kh-2026.html",
        "index.html",
        "lao-cai-kh-2025.html",
        "thanh-hoa-08-kh-ubnd-2026.html",
    ]

    # the CLI writes the same report on demand, with the marts' numbers
    out = tmp_path / "th.xlsx"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLAN389_DATA_DIR", str(run.data))
        assert (
            main(["report", "--plan", "thanh-hoa-08-kh-ubnd-2026", "--year", "2026", str(out)]) == 0
        )
        assert main(["report", "--plan", "ha-noi", "--year", "2026", str(tmp_path / "x.xlsx")]) == 1
    numerator, denominator = _marts(
        run,
        "select numerator, denominator from mart_kpi_targets where scope = 'plan' and "
        "plan_id = 'thanh-hoa-08-kh-ubnd-2026' and report_year = 2026 "
        "and metric = 'tip_acceptance_rate'",
    )[0]
    cells = [c for row in load_workbook(out)["Chỉ tiêu"].iter_rows(values_only=True) for c in row]
    assert numerator in cells and denominator in cells
    page = (run.data / "marts" / "dashboard" / "thanh-hoa-08-kh-ubnd-2026.html").read_text()
    assert f"{numerator} / {denominator}" in page


def test_dbt_unit_tests_pass(run: Run, tmp_path: Path) -> None:
    """The nightly build leaves dbt's unit tests out (they test SQL logic, not data): they run
    here, against the warehouse the run built."""
    from pipelines.defs.warehouse.project import dbt_executable, dbt_project

    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    defined = {k for k in manifest.get("unit_tests", {}) if k.startswith("unit_test.")}
    assert len(defined) >= 10
    done = subprocess.run(
        [dbt_executable(), "test", "--select", "test_type:unit", "--target-path", str(tmp_path)],
        cwd=dbt_project.project_dir,
        env=os.environ | {"PLAN389_DATA_DIR": str(run.data)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((tmp_path / "run_results.json").read_text())["results"]
    assert {r["unique_id"] for r in results} == defined
    assert {r["status"] for r in results} == {"pass"}
