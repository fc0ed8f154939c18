"""The words and number formats the report and the dashboard share, and that they do share them."""

from __future__ import annotations

import html
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from pipelines.outputs import presentation
from pipelines.outputs.dashboard import build_dashboard
from pipelines.outputs.excel_report import write_plan_report
from pipelines.outputs.presentation import (
    behind_text,
    count_text,
    date_text,
    format_change,
    incomplete_mark,
    kpi_status,
    missing_periods_note,
    missing_reports_text,
    money_text,
    percent_text,
    period_label,
    rows_after_note,
    target_text,
    tree_status,
    ytd_label,
)
from pipelines.reports import spec
from tests.outputs.support import (
    COMMUNE_ORDER,
    copy_marts,
    table,
    with_communes,
    with_last_year,
)

PLAN, YEAR = "thanh-hoa-08-kh-ubnd-2026", 2026


def _kpi(actual: float | None, met: bool | None, comparator: str | None = ">=") -> dict:
    return {"actual": actual, "met": met, "comparator": comparator, "threshold": 1.0}


def test_status_words() -> None:
    assert kpi_status(_kpi(1.0, True)) == "Đạt"
    assert kpi_status(_kpi(0.925, False)) == "Chưa đạt"
    assert kpi_status(_kpi(None, None)) == "Chưa có số liệu"  # denominator 0: no actual
    assert kpi_status(_kpi(0.925, None, comparator=None)) == "Không đặt chỉ tiêu"
    assert kpi_status(_kpi(None, None, comparator=None)) == "Chưa có số liệu"


def test_percent() -> None:
    assert percent_text(0.925) == "92,5%"
    assert percent_text(1.0) == "100%"
    assert percent_text(0.9) == "90%"
    assert percent_text(0.927083) == "92,7%"
    assert percent_text(0.0) == "0%"
    assert percent_text(None) == "–"


def test_percent_never_rounds_onto_the_target() -> None:
    assert percent_text(0.99996, near=1.0) == "99,996%"  # not "100%" on a "not met" card
    assert percent_text(0.927083, near=1.0) == "92,7%"
    assert percent_text(0.9, near=0.9) == "90%"


def test_counts_money_and_dates() -> None:
    assert count_text(1_234_567) == "1.234.567"
    assert count_text(0) == "0"
    assert count_text(None) == "–"
    assert money_text(1_234_567) == "1.234.567 đồng"
    assert date_text(date(2026, 1, 5)) == "05/01/2026"
    assert date_text(datetime(2026, 11, 23, 9, 30)) == "23/11/2026 09:30"
    assert date_text(None) == "–"


def test_targets() -> None:
    assert target_text(">=", 1.0) == "≥ 100%"
    assert target_text(">", 0.9) == "> 90%"
    assert target_text(">=", 0.925) == "≥ 92,5%"
    assert target_text(">=", 0.9995) == "≥ 99,95%"  # as the plan prints it, not rounded
    assert target_text(None, None) == "Không đặt chỉ tiêu"


def test_metric_labels_are_the_report_specs() -> None:
    assert presentation.METRIC_LABELS is spec.METRIC_LABELS
    assert presentation.metric_label("tip_resolution_rate").startswith("Tỷ lệ giải quyết")
    assert presentation.metric_label("unknown_rate") == "unknown_rate"


def test_change_on_last_year() -> None:
    assert format_change(0.25) == "+25,0%"
    assert format_change(-0.1) == "−10,0%"  # a minus sign, not a hyphen
    assert format_change(None) == "—"  # last year's figure zero or missing
    assert format_change(0.0) == format_change(0.00004) == format_change(-0.00004) == "0,0%"
    assert format_change(12.3456) == "+1.234,6%"
    assert format_change(1 / 3) == "+33,3%"


def test_period_titles() -> None:
    assert period_label("month", "2026-09") == "Tháng 09/2026"
    assert period_label("quarter", "2026-Q3") == "Quý III/2026"
    assert period_label("half", "2026-H1") == "6 tháng đầu năm 2026"
    assert period_label("nine_months", "2026-9M") == "9 tháng năm 2026"
    assert period_label("year", "2026") == "Năm 2026"
    assert ytd_label("month", "2026-09") == "Lũy kế từ đầu năm đến hết tháng 09/2026"
    assert ytd_label("quarter", "2026-Q2") == "Lũy kế từ đầu năm đến hết quý II/2026"
    assert ytd_label("year", "2026") == "Lũy kế năm 2026"
    assert incomplete_mark("Quý III/2026", False) == "Quý III/2026 (chưa đủ kỳ)"
    assert incomplete_mark("Quý III/2026", True) == "Quý III/2026"
    assert missing_periods_note(["month", "quarter"], 2026) == (
        "Chưa có số liệu theo tháng, quý của năm 2026."
    )
    assert missing_periods_note(["month", "quarter", "ytd"], 2026) == "Chưa có số liệu năm 2026."
    assert missing_periods_note([], 2026) is None


def test_tree_words() -> None:
    row = {"is_behind": True, "kpis_below": 1, "reports_missing": 3, "tasks_overdue": 0}
    assert tree_status(row) == "Chậm tiến độ"
    assert behind_text(row) == "1 chỉ tiêu chưa đạt; thiếu 3 báo cáo"
    assert missing_reports_text(3) == "Thiếu 3 báo cáo"
    assert missing_reports_text(1234) == "Thiếu 1.234 báo cáo"
    assert missing_reports_text(0) == missing_reports_text(None) == ""
    on_track = {"is_behind": False, "kpis_below": 0, "reports_missing": 0, "tasks_overdue": 0}
    assert (tree_status(on_track), behind_text(on_track)) == ("Đúng tiến độ", "")
    assert tree_status({"is_behind": None}) == "Chưa có số liệu"  # no row for the year


def test_rows_after_note() -> None:
    files = ["a.xlsx", "a.xlsx", "b.xlsx"]
    rows = pl.DataFrame({"file_name": files, "rows_after_as_of": [1000, 200, 34]})
    assert rows_after_note(rows).startswith("1.234 dòng số liệu (trong 2 tệp) ghi ngày sau")
    assert rows_after_note(rows.clear()) is None


# --- both documents -------------------------------------------------------------------------


def _report_kpis(path: Path) -> dict[str, tuple[str, str]]:
    """Label → (status, target) of the report's plan-wide KPI table."""
    ws = load_workbook(path)["Chỉ tiêu"]
    rows = ws.iter_rows(min_row=5, max_col=7, values_only=True)
    return {r[1]: (r[6], r[2]) for r in rows if isinstance(r[0], int) and r[1]}


def _dashboard_kpis(page: str) -> dict[str, tuple[str, str]]:
    """Label → (badge, target line) of the dashboard's cards."""
    cards = re.findall(
        r'<h3>(.*?)</h3>.*?<div class="badge">(.*?)</div>\s*<div class="meta">(.*?)</div>',
        page,
        flags=re.S,
    )
    return {html.unescape(label): (badge, html.unescape(target)) for label, badge, target in cards}


@pytest.mark.e2e
def test_the_report_and_the_dashboard_say_the_same_of_each_kpi(
    bundled_marts: Path, tmp_path: Path
) -> None:
    marts = tmp_path / "marts"
    marts.mkdir()
    for path in bundled_marts.glob("*.parquet"):
        shutil.copy(path, marts / path.name)
    kpis = pl.read_parquet(marts / "mart_kpi_targets.parquet")
    empty = (pl.col("plan_id") == PLAN) & (pl.col("metric") == "tip_resolution_rate")
    emptied = {"actual": None, "met": None, "numerator": 0, "denominator": 0}
    kpis.with_columns(  # one KPI without data: nobody reported its denominator
        pl.when(empty).then(pl.lit(value)).otherwise(pl.col(c)).alias(c)
        for c, value in emptied.items()
    ).write_parquet(marts / "mart_kpi_targets.parquet")

    report = _report_kpis(write_plan_report(marts, PLAN, YEAR, tmp_path / "report.xlsx"))
    dashboard = _dashboard_kpis(build_dashboard(marts, PLAN, YEAR))
    assert report.keys() == dashboard.keys()
    for label, (status, target) in report.items():
        badge, target_line = dashboard[label]
        assert badge.endswith(status), (label, badge, status)
        assert badge.removesuffix(status).strip() in {"✔", "✘", "–", ""}, badge
        assert target_line.endswith(target), (label, target_line, target)
    assert {status for status, _ in report.values()} == {
        "Đạt",
        "Chưa đạt",
        "Chưa có số liệu",
        "Không đặt chỉ tiêu",
    }


# --- the period section and the tree view, in both documents --------------------------------


def _excel_rows(ws, first: int, width: int) -> list[list]:
    out = []
    for row in ws.iter_rows(min_row=first, max_col=width, values_only=True):
        if all(v is None for v in row):
            break
        out.append(list(row))
    return out


def _as_text(value: object, header: str) -> str:
    """An Excel cell as the dashboard writes it (both from `presentation`)."""
    if value is None:  # an empty text (no reason to be behind, the tree's plan) reads as None
        return "" if header in ("Lý do", "Số kế hoạch") else "–"
    if header == "So với cùng kỳ":
        return value if isinstance(value, str) else format_change(value)
    if isinstance(value, float) and value <= 1:  # a rate
        return percent_text(value)
    return count_text(value) if isinstance(value, int) else str(value)


@pytest.mark.e2e
def test_the_report_and_the_dashboard_show_the_same_periods_and_tree(
    bundled_marts: Path, tmp_path: Path
) -> None:
    marts = with_communes(with_last_year(copy_marts(bundled_marts, tmp_path / "marts")))
    wb = load_workbook(write_plan_report(marts, PLAN, YEAR, tmp_path / "report.xlsx"))
    page = build_dashboard(marts, PLAN, YEAR)

    ws = wb["Kỳ báo cáo"]
    for scope, band in (("plan", 3), ("tree", 17)):  # band, header, 9 indicators, note, gap
        shown = table(page, data_scope=scope)
        assert [c.value for c in ws[band] if c.value] == shown.rows[0].cells
        header = [c.value for c in ws[band + 1]][1:]  # no STT on the page
        assert header == shown.rows[1].cells
        *excel, note = _excel_rows(ws, band + 2, len(header) + 1)  # the note under the table
        assert len(excel) == 9 and note[0] == "Chưa có số liệu theo tháng, quý của năm 2026."
        for line, row in zip(excel, shown.body(), strict=True):
            assert [_as_text(v, h) for v, h in zip(line[1:], header, strict=True)] == row.cells
    changes = table(page, data_scope="plan").body()
    assert {r.cells[0]: r.cells[3] for r in changes}["Tổng số vụ vi phạm"] == "+32,2%"

    ws = wb["Địa bàn cấp dưới"]
    shown = table(page, id="tree-table")
    header = [c.value for c in ws[4]]
    assert header[1:] == shown.rows[0].cells[1:]  # the page numbers with "#", Excel "STT"
    excel = _excel_rows(ws, 5, len(header))
    assert [r[1] for r in excel[:-2]] == COMMUNE_ORDER
    assert len(excel) == len(shown.body()) == len(COMMUNE_ORDER) + 2  # + the plan, the tree
    for line, row in zip(excel, shown.body(), strict=True):
        cells = [_as_text(v, h) for v, h in zip(line, header, strict=True)]
        name, *rest = row.cells[1:]
        assert name.startswith(cells[1]), (name, cells[1])  # the page adds the missing mark
        assert rest == cells[2:], line[1]
    statuses = {line[13] for line in excel}
    assert statuses == {"Chậm tiến độ", "Đúng tiến độ", "Chưa có số liệu"}
