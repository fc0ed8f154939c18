"""The đôn đốc lists on the marts of a real run over the bundled data (as of 2026-11-23): each
agency's workbook lists exactly what the marts hold, the summary orders agencies by urgency,
only changed lists are rewritten, and nothing is written as a formula."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import yaml
from openpyxl import load_workbook

from pipelines.follow_up.documents import LISTS_FOLDER, SUMMARY_NAME, write_follow_up
from pipelines.follow_up.lists import (
    HORIZON_DAYS,
    FollowUpError,
    agency_slug,
    content_key,
    read_follow_up,
)
from pipelines.follow_up.service import follow_up_days, run_follow_up
from pipelines.settings import DataPaths
from tests.conftest import PINNED_AS_OF, REPO_ROOT

AS_OF = date.fromisoformat(PINNED_AS_OF)


def _sections(path: Path) -> dict[str, list[tuple]]:
    """A follow-up workbook's sections: upper-case title → its table rows (below the header)."""
    ws = load_workbook(path)["DonDoc"]
    sections: dict[str, list[tuple]] = {}
    current: list[tuple] | None = None
    header = False
    for row in ws.iter_rows(values_only=True):
        first = row[0]
        if isinstance(first, str) and first.isupper() and len(first) > 8:
            current, header = sections.setdefault(first, []), True
        elif current is not None and header and first == "STT":
            header = False
        elif current is not None and isinstance(first, int):
            current.append(row)
        elif first is None and current is not None and not header:
            current = None
    return sections


def _completion(marts: Path) -> pl.DataFrame:
    return pl.read_parquet(marts / "mart_task_completion.parquet")


def test_each_agency_lists_exactly_its_overdue_tasks_and_missing_reports(data_dir: Path) -> None:
    paths = DataPaths(data_dir)
    outcome = run_follow_up(paths, data_dir / "out", days=30)
    assert outcome.follow.as_of == AS_OF
    marts = paths.marts
    # Independently from the two marts: overdue one-off tasks a named agency leads in the
    # plan's latest year, and reports past due with nothing sent.
    completion = _completion(marts)
    latest = completion.group_by("plan_id").agg(pl.col("report_year").max())
    overdue = (
        completion.join(latest, on=["plan_id", "report_year"])
        .filter(
            pl.col("is_overdue")
            & (pl.col("deadline_kind") == "once")
            & ~pl.col("is_collective")
            & (pl.col("status").fill_null("") != "completed")
        )
        .select("plan_id", "agency_id", "task_code")
    )
    missing = (
        pl.read_parquet(marts / "mart_reporting_compliance.parquet")
        .filter(pl.col("is_missing"))
        .select("plan_id", "agency_id", "report_year")
    )
    assert overdue.height > 5 and missing.height > 5
    collective_overdue: dict[str, set[str]] = {}
    for plan_id, code in (
        completion.join(latest, on=["plan_id", "report_year"])
        .filter(
            pl.col("is_overdue") & pl.col("is_collective") & (pl.col("deadline_kind") == "once")
        )
        .select("plan_id", "task_code")
        .iter_rows()
    ):
        collective_overdue.setdefault(plan_id, set()).add(code)
    checked = 0
    for (plan_id, agency_id), mine in overdue.group_by("plan_id", "agency_id"):
        path = data_dir / "out" / LISTS_FOLDER / plan_id / f"{agency_slug(agency_id)}.xlsx"
        sections = _sections(path)
        listed = {str(r[1]) for r in sections.get("NHIỆM VỤ QUÁ HẠN", [])}
        # its own overdue tasks, and those of collectives ("các sở, ngành") it is a member of
        assert set(mine["task_code"]) <= listed, (plan_id, agency_id)
        assert listed - set(mine["task_code"]) <= collective_overdue.get(plan_id, set())
        days = {str(r[1]): r[4] for r in sections["NHIỆM VỤ QUÁ HẠN"]}
        due = dict(
            completion.filter(pl.col("plan_id") == plan_id)
            .select("task_code", "due_date")
            .unique()
            .iter_rows()
        )
        assert all(days[c] == (AS_OF - due[c]).days for c in days)
        reports = missing.filter(
            (pl.col("plan_id") == plan_id) & (pl.col("agency_id") == agency_id)
        )
        listed_reports = sorted(r[1] for r in sections.get("BÁO CÁO CHƯA GỬI (QUÁ HẠN)", []))
        assert listed_reports == sorted(f"Báo cáo năm {y}" for y in reports["report_year"])
        checked += 1
    for plan_id, agency_id, year in missing.iter_rows():
        path = data_dir / "out" / LISTS_FOLDER / plan_id / f"{agency_slug(agency_id)}.xlsx"
        reports = _sections(path).get("BÁO CÁO CHƯA GỬI (QUÁ HẠN)", [])
        assert f"Báo cáo năm {year}" in [r[1] for r in reports]
    assert checked > 3


def test_only_agencies_with_something_to_act_on_get_a_workbook(data_dir: Path) -> None:
    outcome = run_follow_up(DataPaths(data_dir), data_dir / "out", days=30)
    rows = outcome.follow.rows
    expected = {
        f"{p}/{agency_slug(a)}.xlsx"
        for p, a in rows.select("plan_id", "agency_id").drop_nulls().unique().iter_rows()
        if agency_slug(a)
    }
    base = data_dir / "out" / LISTS_FOLDER
    written = {
        p.relative_to(base).as_posix() for p in base.rglob("*.xlsx") if p.name != SUMMARY_NAME
    }
    assert written == expected
    assert {p.agency_id for p in outcome.documents.packets} == {
        a for a in rows["agency_id"].drop_nulls() if agency_slug(a)
    }
    # every agency named only through a collective is no file of its own
    assert not any(":group:" in p.agency_id for p in outcome.documents.packets)


def test_summary_orders_agencies_by_urgency_and_lists_every_item(data_dir: Path) -> None:
    outcome = run_follow_up(DataPaths(data_dir), data_dir / "out", days=30)
    wb = load_workbook(data_dir / "out" / LISTS_FOLDER / SUMMARY_NAME)
    assert wb.sheetnames == ["TongHop", "ChiTiet"]
    summary = list(wb["TongHop"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(summary) if r[0] == "STT")
    lines = [r for r in summary[start + 1 :] if isinstance(r[0], int)]
    worst = [r[3] for r in lines]
    overdue_part = [d for d in worst if d is not None]
    assert overdue_part == sorted(overdue_part, reverse=True) and overdue_part
    assert worst[: len(overdue_part)] == overdue_part  # agencies with nothing overdue come after
    rows = outcome.follow.rows
    expected_worst = rows.filter(pl.col("days") > 0)["days"].max()
    assert worst[0] == expected_worst
    total = sum(r[-1] for r in lines)
    detail = wb["ChiTiet"]
    assert total == rows.height == detail.max_row - 1
    assert detail.auto_filter.ref.startswith("A1:")


def test_days_ahead_selects_upcoming_deadlines_and_is_bounded(data_dir: Path) -> None:
    marts = data_dir / "marts"
    wide = read_follow_up(marts, days=HORIZON_DAYS).rows
    narrow = read_follow_up(marts, days=0).rows
    ahead = ("due_soon", "report_due")
    assert (
        narrow.filter(pl.col("category").is_in(ahead))["days"].to_list()
        == [0] * narrow.filter(pl.col("category").is_in(ahead)).height
    )
    assert wide.filter(~pl.col("category").is_in(ahead)).equals(
        narrow.filter(~pl.col("category").is_in(ahead))
    )
    with pytest.raises(FollowUpError):
        read_follow_up(marts, days=HORIZON_DAYS + 1)
    dbt_vars = yaml.safe_load((REPO_ROOT / "dbt_project" / "dbt_project.yml").read_text())["vars"]
    assert dbt_vars["follow_up_horizon_days"] == HORIZON_DAYS
    assert follow_up_days({}) == 30 and follow_up_days({"PLAN389_FOLLOW_UP_DAYS": "14"}) == 14
    with pytest.raises(FollowUpError):
        follow_up_days({"PLAN389_FOLLOW_UP_DAYS": "two weeks"})


def test_only_changed_lists_are_rewritten_and_stale_ones_removed(data_dir: Path) -> None:
    paths = DataPaths(data_dir)
    out = data_dir / "out"
    first = run_follow_up(paths, out, days=30).documents
    assert first.written and not first.kept
    again = run_follow_up(paths, out, days=30).documents
    assert again.written == [] and sorted(again.kept) == sorted(first.written)
    # a stray file from an agency that has nothing left to act on goes
    stray = out / LISTS_FOLDER / "thanh-hoa-08-kh-ubnd-2026" / "old-agency.xlsx"
    shutil.copy(first.written[0], stray)
    third = run_follow_up(paths, out, days=30).documents
    assert third.removed == [stray] and not stray.exists() and third.written == []


def test_same_rows_same_key_whatever_the_day(data_dir: Path) -> None:
    rows = read_follow_up(data_dir / "marts", days=30).rows
    later = rows.with_columns(pl.col("days") + 7, pl.lit(date(2026, 11, 30)).alias("as_of_date"))
    assert content_key(rows) == content_key(later.reverse())
    changed = rows.with_columns(
        pl.when(pl.col("category") == "overdue")
        .then(pl.lit("completed"))
        .otherwise("status")
        .alias("status")
    )
    assert content_key(changed) != content_key(rows)


def test_one_plan_writes_only_its_folder(data_dir: Path) -> None:
    paths = DataPaths(data_dir)
    out = data_dir / "out"
    run_follow_up(paths, out, days=30)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.xlsx")}
    follow = read_follow_up(paths.marts, days=30, plan_id="ham-rong-kh-2026")
    assert set(follow.rows["plan_id"]) == {"ham-rong-kh-2026"}
    result = write_follow_up(follow, paths.raw_reports, out)
    assert result.removed == [] and result.written == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.xlsx")} == before
    with pytest.raises(FollowUpError):
        read_follow_up(paths.marts, plan_id="no-such-plan")


def test_no_cell_is_a_formula_and_every_sheet_prints_landscape(data_dir: Path) -> None:
    run_follow_up(DataPaths(data_dir), data_dir / "out", days=30)
    books = sorted((data_dir / "out" / LISTS_FOLDER).rglob("*.xlsx"))
    assert len(books) > 10
    for path in books:
        wb = load_workbook(path)
        for ws in wb.worksheets:
            assert ws.page_setup.orientation == "landscape"
            for row in ws.iter_rows():
                assert all(cell.data_type != "f" for cell in row), path


def test_agency_list_links_to_its_feedback_copies(data_dir: Path) -> None:
    outcome = run_follow_up(DataPaths(data_dir), data_dir / "out", days=30)
    quarantined = outcome.follow.quarantine["file_name"].unique().to_list()
    with_copies = [p for p in outcome.documents.packets if p.feedback]
    assert len(quarantined) >= 3
    assert sorted(c.name for p in with_copies for c in p.feedback) == sorted(quarantined)
    for packet in with_copies:
        ws = load_workbook(packet.workbook)["DonDoc"]
        links = [c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink]
        assert links
        for link in links:
            assert (packet.workbook.parent / link).resolve().is_file()


def test_cli_writes_the_lists_and_refuses_a_bad_window(data_dir: Path) -> None:
    env = {"PLAN389_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    cli = [sys.executable, "-m", "pipelines.cli", "follow-up"]
    done = subprocess.run(
        [*cli, "--plan", "hung-yen-kh-2026", "-o", str(data_dir / "cli")],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "follow-up as of 23/11/2026" in done.stdout
    folder = data_dir / "cli" / LISTS_FOLDER / "hung-yen-kh-2026"
    assert (folder / SUMMARY_NAME).is_file() and len(list(folder.glob("*.xlsx"))) > 2
    assert not (data_dir / "cli" / LISTS_FOLDER / SUMMARY_NAME).exists()
    bad = subprocess.run(
        [*cli, "--days", "400", "-o", str(data_dir / "cli2")],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "between 0 and 90" in bad.stderr


def test_lists_written_by_worker_processes_are_the_same_bytes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.follow_up import documents

    monkeypatch.setattr(documents, "MIN_FILES_FOR_WORKERS", 2)
    follow = read_follow_up(DataPaths(data_dir).marts, 30)
    written = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("PLAN389_WORKERS", workers)
        out = data_dir / f"out-{workers}"
        result = write_follow_up(follow, DataPaths(data_dir).raw_reports, out)
        assert len(result.written) > 20
        written[workers] = {p.relative_to(out): p.read_bytes() for p in result.written}
    assert written["1"] == written["2"]


def test_content_key_is_about_rows_not_their_order() -> None:
    base = {c: ["x", "y"] for c in ("follow_up_key", "category", "item", "due_date", "status")}
    rows = pl.DataFrame(
        base
        | {"file_name": ["T-1", "T-2"], "rows_quarantined": [1, 2], "detail": ["required", None]}
    )
    shuffled = rows.reverse().select(reversed(rows.columns))
    assert content_key(rows) == content_key(shuffled)
    changed = rows.with_columns(pl.lit("invalid_date").alias("detail"))
    assert content_key(rows) != content_key(changed)
    assert content_key(rows) != content_key(rows.head(1))
    nulls = rows.with_columns(pl.Series("detail", ["required", "None"]))
    assert content_key(rows) != content_key(nulls)
