"""The plan review round trip through the whole product, on a copy of the bundled data:
extract → `plan389 review-plan` → edit with openpyxl (a lead, a deadline, a task added, a task
deleted) → `plan389 run` → the marts, the KPI marts, the report template and ingestion all see the
reviewed plan → `review-plan` again shows the reviewed values."""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.cli import main
from tests.conftest import PINNED_AS_OF, REPO_ROOT
from tests.plans.review_edits import add_task, edit, headers, set_plan, set_task, task_values

pytestmark = pytest.mark.e2e

PLAN = "ham-rong-kh-2026"
REVIEW = f"{PLAN}.review.xlsx"
POLICE = "Công an phường"
ECONOMY = "Phòng Kinh tế, Hạ tầng và Đô thị"
CULTURE = "Phòng Văn hóa – Xã hội"
POLICE_REPORT = f"{PLAN}__cong-an-phuong-ham-rong__2026.xlsx"
NEW_TASK = "Kiểm tra, xử lý hàng giả, hàng không rõ nguồn gốc tại chợ Hàm Rồng"


@dataclass
class RoundTrip:
    data: Path
    exported: Path  # review-plan's workbook, as extracted
    reexported: Path  # review-plan's workbook after the run that applied the review
    templates: dict[str, Path]  # plan389 template per agency, after the review
    exit_codes: list[int]
    before: list[tuple]  # mart_task_completion of the plan before the review
    police_report: str  # `plan389 validate` of the police's bundled workbook, after the review


def _official_edits(wb) -> None:
    tasks = wb["NhiemVu"]
    set_task(tasks, "5", leads=CULTURE)  # four leads printed; the office names one
    set_task(tasks, "3", due=date(2026, 6, 30))  # a deadline the document did not print
    set_task(tasks, "2", action="Xóa")  # a wrong task
    add_task(  # a task the extraction missed
        tasks,
        code="7",
        title=NEW_TASK,
        leads=ECONOMY,
        coordinators=POLICE,
        deadline="Tháng 12/2026",
        due="31/12/2026",
    )
    set_plan(wb["KeHoach"], "Ngày rà soát", date(2026, 11, 20))
    set_plan(wb["KeHoach"], "Người rà soát", "Lê Thị B, Văn phòng thường trực")


def _completion(data: Path) -> list[tuple]:
    with duckdb.connect(str(data / "marts" / "marts.duckdb"), read_only=True) as conn:
        return conn.execute(
            "select task_code, agency_id, due_date, is_overdue, days_overdue, not_reported "
            "from mart_task_completion where plan_id = ? order by 1, 2",
            [PLAN],
        ).fetchall()


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    from pipelines.defs.warehouse.project import prepare_manifest
    from pipelines.run import run_all

    prepare_manifest()
    root = tmp_path_factory.mktemp("review_e2e")
    data = root / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", data / "raw")
    exported, reexported = root / "exported.review.xlsx", root / "again.review.xlsx"
    templates = {agency: root / f"template-{n}.xlsx" for n, agency in enumerate((POLICE, ECONOMY))}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLAN389_DATA_DIR", str(data))
        mp.setenv("XDG_CONFIG_HOME", str(root / "config"))
        mp.delenv("PLAN389_PII_KEY", raising=False)
        codes = [run_all(echo=lambda _: None)]
        before = _completion(data)
        codes.append(main(["review-plan", PLAN, "-o", str(exported)]))
        edited = edit(exported, _official_edits, root / REVIEW)
        codes.append(main(["validate", str(edited)]))
        shutil.copy(edited, data / "raw" / "plans" / REVIEW)
        codes.append(run_all(echo=lambda _: None))
        codes.append(main(["review-plan", PLAN, "-o", str(reexported)]))
        for agency, out in templates.items():
            codes.append(main(["template", "--plan", PLAN, "--agency", agency, str(out)]))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            main(["validate", str(data / "raw" / "reports" / POLICE_REPORT)])
    return RoundTrip(data, exported, reexported, templates, codes, before, printed.getvalue())


def _marts(trip: RoundTrip, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(trip.data / "marts" / "marts.duckdb"), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


def test_every_step_succeeds(trip: RoundTrip) -> None:
    assert trip.exit_codes == [0, 0, 0, 0, 0, 0, 0]
    exported = task_values(load_workbook(trip.exported)["NhiemVu"])
    assert sorted(exported) == ["1", "2", "3", "4", "5", "6"]
    assert exported["3"]["Cần rà soát"] == "no deadline printed"  # why it was flagged


def test_plan_marts_hold_the_reviewed_plan(trip: RoundTrip) -> None:
    tasks = _marts(
        trip,
        "select task_code, lead_agencies, due_date, deadline_text, source, needs_review, "
        "extraction_review_reason from mart_plan_tasks where plan_id = ? order by task_code",
        PLAN,
    )
    by_code = {t[0]: t for t in tasks}
    assert sorted(by_code) == ["1", "3", "4", "5", "6", "7"]
    assert by_code["5"][1] == CULTURE
    assert by_code["3"][2] == date(2026, 6, 30)
    assert by_code["7"][1:4] == (ECONOMY, date(2026, 12, 31), "Tháng 12/2026")
    assert {t[4] for t in tasks} == {"reviewed"}
    assert not any(t[5] for t in tasks)  # reviewed: no longer flagged
    assert by_code["3"][6] == "no deadline printed"  # the extraction's reason stays visible
    assert _marts(
        trip, "select plan_source, review_file, task_count from mart_plans where plan_id = ?", PLAN
    ) == [("reviewed", REVIEW, 6)]
    # The other plans are as extracted.
    assert _marts(
        trip, "select distinct source from mart_plan_tasks where plan_id != ? order by 1", PLAN
    ) == [("extracted",)]


def test_review_changes_mart_lists_each_edit(trip: RoundTrip) -> None:
    changes = _marts(
        trip,
        "select task_code, field, extracted_value, reviewed_value, review_file, reviewed_at "
        "from mart_plan_review_changes where plan_id = ? order by task_code, field",
        PLAN,
    )
    assert [(c[0], c[1], c[3]) for c in changes] == [
        ("2", "task", "Xóa"),
        ("3", "due_date", "2026-06-30"),
        ("5", "lead_agencies", CULTURE),
        ("7", "task", NEW_TASK),
    ]
    assert changes[2][2].count(";") == 3  # the four extracted leads
    assert {(c[4], c[5].date()) for c in changes} == {(REVIEW, date(2026, 11, 20))}
    assert _marts(
        trip,
        "select review_status, tasks_added, tasks_deleted, change_count from mart_plan_reviews",
    ) == [("applied", 1, 1, 4)]


def test_task_completion_follows_the_review(trip: RoundTrip) -> None:
    after = _completion(trip.data)
    codes = {row[0] for row in after}
    assert "2" in {row[0] for row in trip.before} and "2" not in codes
    assert "7" in codes
    task5 = [row for row in after if row[0] == "5"]
    assert [row[1] for row in task5] == ["14758:phong-van-hoa-xa-hoi"]
    assert len([row for row in trip.before if row[0] == "5"]) > 1
    (task3,) = [row for row in after if row[0] == "3"]
    days = (date.fromisoformat(PINNED_AS_OF) - date(2026, 6, 30)).days
    assert task3[2:5] == (date(2026, 6, 30), True, days)  # reported in progress: now overdue
    (task7,) = [row for row in after if row[0] == "7"]
    assert task7[2] == date(2026, 12, 31) and task7[5]  # not due yet, not reported
    police = _marts(
        trip,
        "select tasks_assigned, tasks_completed from mart_task_completion_by_agency "
        "where plan_id = ? and agency_id = '14758:cong-an-phuong'",
        PLAN,
    )
    assert police == [(1, 0)]  # task 6; the task 2 it completed was deleted


def test_progress_on_the_deleted_task_is_quarantined(trip: RoundTrip) -> None:
    rows = _marts(
        trip,
        "select offending_value, rule from mart_quarantine where plan_id = ? "
        "and sheet = 'TienDo' and not is_superseded",
        PLAN,
    )
    assert ("2", "task_not_in_plan") in rows


@pytest.mark.parametrize(("agency", "expected"), [(POLICE, ["6"]), (ECONOMY, ["1", "3", "7"])])
def test_template_lists_the_reviewed_tasks(trip: RoundTrip, agency: str, expected: list) -> None:
    """The police lost task 2 (deleted); the economy office lost task 5 and gained task 7."""
    ws = load_workbook(trip.templates[agency])["TienDo"]
    column = next(col for name, col in headers(ws, 2).items() if name.startswith("Mã nhiệm vụ"))
    codes = [ws.cell(r, column).value for r in range(3, ws.max_row + 1)]
    assert [c for c in codes if c] == expected


def test_review_plan_again_shows_the_reviewed_values(trip: RoundTrip) -> None:
    wb = load_workbook(trip.reexported)
    tasks = task_values(wb["NhiemVu"])
    assert tasks["2"]["Thao tác"] == "Xóa"
    assert tasks["3"]["Ngày đến hạn"].date() == date(2026, 6, 30)
    assert tasks["3"]["Lý do gắn cờ khi trích xuất"] == "no deadline printed"
    assert tasks["5"]["Cơ quan chủ trì"] == CULTURE
    assert tasks["7"]["Nội dung"] == NEW_TASK
    shown = [[c.value for c in row][:2] for row in wb["DoiChieu"].iter_rows(min_row=2)]
    assert ["5", "Cơ quan chủ trì"] in shown and ["7", "Nhiệm vụ"] in shown


def test_validate_checks_reports_against_the_reviewed_plan(trip: RoundTrip) -> None:
    """The police reported task 2 done; the review deleted it: validate says so."""
    lines = [line for line in trip.police_report.splitlines() if "TienDo" in line]
    assert any("Mã nhiệm vụ" in line and "(value: 2)" in line for line in lines), lines
