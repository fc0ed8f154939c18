"""`plan389 run` as of a past date, on the next day, and with refused and duplicate files: the
figures, what says so, and the exit codes a cron line sees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook

from tests.conftest import REPO_ROOT
from tests.kpi_oracle import tip_kpis

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
REPORTS = REPO_ROOT / "data" / "raw" / "reports"
AS_OF = date(2026, 6, 17)
NEXT_DAY = date(2026, 6, 18)
THANH_HOA = "thanh-hoa-08-kh-ubnd-2026"
COPIED = "hung-yen-kh-2026__so-y-te-tinh-hung-yen__2026.xlsx"
TIP_METRICS = ("tip_acceptance_rate", "tip_resolution_rate", "criminal_sign_prosecution_rate")


@dataclass
class Load:
    code: int
    lines: list[str]
    kpis: pl.DataFrame
    build: dict
    rows_after: pl.DataFrame
    completion: pl.DataFrame
    errors: pl.DataFrame
    documents: dict[str, int]  # marts/reports and marts/dashboard file → inode


@dataclass
class Runs:
    data: Path
    past: Load  # --as-of 2026-06-17 (PLAN389_AS_OF says otherwise: the flag wins)
    next_day: Load  # PLAN389_AS_OF=2026-06-18, nothing else changed
    fixed: Load  # the refused file taken away; the identical copy stays
    report_out: subprocess.CompletedProcess


def _env(data: Path, as_of: str) -> dict[str, str]:
    return {
        **os.environ,
        "PLAN389_DATA_DIR": str(data),
        "PLAN389_PII_KEY": "as-of-test",
        "PLAN389_AS_OF": as_of,
        "DAGSTER_HOME": str(data.parent / "dagster_home"),
    }


def _load(data: Path, as_of_env: str, *args: str) -> Load:
    done = subprocess.run(
        [str(BIN / "plan389"), "run", *args],
        env=_env(data, as_of_env),
        capture_output=True,
        text=True,
        timeout=900,
    )
    marts = data / "marts"
    documents = {
        p.relative_to(marts).as_posix(): p.stat().st_ino
        for folder in ("reports", "dashboard")
        for p in (marts / folder).glob("*")
        if p.suffix in (".xlsx", ".html")
    }
    return Load(
        done.returncode,
        done.stdout.splitlines(),
        pl.read_parquet(marts / "mart_kpi_targets.parquet"),
        pl.read_parquet(marts / "mart_build_info.parquet").row(0, named=True),
        pl.read_parquet(marts / "mart_rows_after_as_of.parquet"),
        pl.read_parquet(marts / "mart_task_completion.parquet"),
        pl.read_parquet(marts / "mart_ingestion_errors.parquet"),
        documents,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("as_of")
    data = root / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", data / "raw")
    (root / "dagster_home").mkdir()
    (data / "raw" / "reports" / "broken.xlsx").write_bytes(b"not a workbook at all")
    shutil.copy(REPORTS / COPIED, data / "raw" / "reports" / f"zz-resent-{COPIED}")

    past = _load(data, "2026-05-31", "--as-of", AS_OF.isoformat())
    report_out = subprocess.run(
        [str(BIN / "plan389"), "report", "--plan", THANH_HOA, "--year", "2026",
         str(root / "report.xlsx")],
        env=_env(data, "2026-05-31"),
        capture_output=True,
        text=True,
    )  # fmt: skip
    next_day = _load(data, NEXT_DAY.isoformat())
    (data / "raw" / "reports" / "broken.xlsx").unlink()
    fixed = _load(data, NEXT_DAY.isoformat())
    return Runs(data, past, next_day, fixed, report_out)


def _text(load: Load) -> str:
    return "\n".join(load.lines)[-4000:]


# --- exit codes ----------------------------------------------------------------------------------


def test_a_refused_file_publishes_and_exits_3_listing_it(runs: Runs) -> None:
    past = runs.past
    assert past.code == 3, _text(past)
    assert "refused files: 1" in past.lines
    assert any(ln.startswith("  reports/broken.xlsx: ") for ln in past.lines)
    assert (
        "plan389: run succeeded; some input files were refused (listed above; see "
        "mart_ingestion_errors)"
    ) in past.lines
    assert any(ln.startswith("published_marts: done") for ln in past.lines)
    refused = past.errors.filter(pl.col("is_refused"))
    assert refused["file_name"].to_list() == ["broken.xlsx"]


def test_an_identical_copy_is_listed_but_not_refused(runs: Runs) -> None:
    for load in (runs.past, runs.fixed):
        assert "identical copies (not refused): 1" in load.lines, _text(load)
        assert any(
            ln.startswith(f"  reports/zz-resent-{COPIED}: identical to") for ln in load.lines
        )
    fixed = runs.fixed
    assert fixed.code == 0, _text(fixed)
    assert "plan389: run succeeded" in fixed.lines
    assert not any(ln.startswith("refused files") for ln in fixed.lines)
    assert fixed.errors.select("file_name", "stage", "is_refused").rows() == [
        (f"zz-resent-{COPIED}", "duplicate", False)
    ]


# --- figures as of a past date -------------------------------------------------------------------


def test_the_flag_wins_and_the_marts_record_the_as_of_date(runs: Runs) -> None:
    assert "plan389: figures as of 2026-06-17 (--as-of)" in runs.past.lines
    assert runs.past.build == {
        "as_of_date": AS_OF,
        "as_of_source": "flag",
        "time_zone": "Asia/Ho_Chi_Minh",
    }
    assert runs.next_day.build["as_of_date"] == NEXT_DAY
    assert runs.next_day.build["as_of_source"] == "env"
    assert "plan389: figures as of 2026-06-18 (PLAN389_AS_OF)" in runs.next_day.lines


def test_kpis_count_the_rows_as_they_stood_on_the_as_of_date(runs: Runs) -> None:
    expected = tip_kpis(REPORTS, 2026, as_of=AS_OF)
    kpis = runs.past.kpis.filter(
        (pl.col("scope") == "plan")
        & (pl.col("report_year") == 2026)
        & pl.col("metric").is_in(TIP_METRICS)
    )
    found = {
        (r["plan_id"], r["metric"]): (r["numerator"], r["denominator"]) for r in kpis.to_dicts()
    }
    assert found == {
        (plan, metric): value
        for plan, metrics in expected.items()
        for metric, value in metrics.items()
    }
    # and they differ from the year's figures: the second half of 2026 is not counted
    assert expected != tip_kpis(REPORTS, 2026)


def test_only_tasks_due_by_the_as_of_date_count(runs: Runs) -> None:
    completion = pl.read_parquet(runs.data / "marts" / "mart_task_completion.parquet")
    assert completion.filter(pl.col("is_due"))["due_date"].max() <= NEXT_DAY
    assert completion.filter(pl.col("due_date") > NEXT_DAY)["is_due"].sum() == 0


def _rows_after(data: Path, as_of: date) -> dict[tuple[str, str], int]:
    """File × sheet → rows dated after `as_of`, recomputed from the raw tables."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        tables = {
            t: conn.sql(f"select * from raw.{t}").pl()
            for t in ("report_workbooks", "tips", "task_progress", "enforcement", "target_counts")
        }
    books = tables["report_workbooks"].filter(~pl.col("is_superseded"))
    dated = {
        "ToGiac": pl.max_horizontal("received_date", "accepted_date", "resolved_date"),
        "TienDo": pl.coalesce("completed_date", "report_date"),
        "XuLy": pl.col("report_date"),
        "ChiTieu": pl.col("report_date"),
    }
    sheets = {"ToGiac": "tips", "TienDo": "task_progress", "XuLy": "enforcement"}
    sheets["ChiTieu"] = "target_counts"
    counts: dict[tuple[str, str], int] = {}
    for sheet, table in sheets.items():
        rows = tables[table].join(books, on="workbook_id", how="inner")
        late = rows.filter(dated[sheet] > as_of).group_by("file_name").len()
        counts |= {(name, sheet): n for name, n in late.iter_rows()}
    return counts


def test_rows_dated_after_the_as_of_date_are_listed_and_warned_about(runs: Runs) -> None:
    after = runs.past.rows_after
    listed = {(r["file_name"], r["sheet"]): r["rows_after_as_of"] for r in after.to_dicts()}
    assert listed == _rows_after(runs.data, AS_OF)
    assert sum(listed.values()) > 100 and {s for _, s in listed} == {
        "ToGiac",
        "TienDo",
        "XuLy",
        "ChiTieu",
    }
    assert "warning from check: mart_rows_after_as_of:rows_dated_after_as_of" in runs.past.lines
    assert (after["last_date"] > AS_OF).all() and (after["as_of_date"] == AS_OF).all()


def test_the_report_and_the_dashboard_state_the_as_of_date_and_the_rows_left_out(
    runs: Runs,
) -> None:
    out = runs.report_out
    assert out.returncode == 0, out.stderr
    assert "figures as of 17/06/2026 (the marts were built as of 17/06/2026)" in out.stdout
    wb = load_workbook(runs.data.parent / "report.xlsx")
    cover = {row[0]: row[1] for row in wb["Bìa"].iter_rows(values_only=True) if row[0]}
    assert cover["Số liệu tính đến ngày"].date() == AS_OF
    rows = runs.past.rows_after.filter(pl.col("plan_id") == THANH_HOA)
    total = int(rows["rows_after_as_of"].sum())
    assert cover["Dòng số liệu ghi ngày sau ngày chốt (đã nạp, không tính)"] == total > 0
    quality = [c for row in wb["Chất lượng dữ liệu"].iter_rows(values_only=True) for c in row]
    note = f"{total} dòng số liệu (trong {rows['file_name'].n_unique()} tệp) ghi ngày sau"
    assert any(isinstance(c, str) and c.startswith(note) for c in quality)


# --- the next day --------------------------------------------------------------------------------


def test_the_next_day_rewrites_only_documents_whose_figures_changed(runs: Runs) -> None:
    past, next_day = runs.past, runs.next_day
    assert next_day.code == 3, _text(next_day)
    assert set(past.documents) == set(next_day.documents)
    kept = {name for name, inode in next_day.documents.items() if past.documents[name] == inode}
    assert kept, "every document was written again"
    # a kept dashboard shows the new date all the same: as-of.js is rewritten by every run
    marts = runs.data / "marts"
    assert (marts / "dashboard" / "as-of.js").read_text() == 'window.plan389AsOf = "2026-06-18";\n'
    # days overdue moved for a plan whose documents were kept: a day passing is not content
    moved = (
        past.completion.filter(pl.col("is_overdue"))
        .join(next_day.completion, on="completion_key", suffix="_next")
        .filter(pl.col("days_overdue_next") == pl.col("days_overdue") + 1)
    )
    assert {f"reports/{p}_2026.xlsx" for p in moved["plan_id"]} & kept
    # Hưng Yên's agencies have rows dated 18 June: its figures changed, its documents did too
    assert "reports/hung-yen-kh-2026_2026.xlsx" not in kept
    assert "dashboard/hung-yen-kh-2026.html" not in kept
