"""The follow-up workbooks: one per agency with something to act on, and the standing office's
summary. Vietnamese, A4 landscape, nothing written as a formula; labels and number words come
from the one presentation layer (pipelines/outputs/presentation.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.follow_up.lists import (
    CATEGORIES,
    FILE_CATEGORIES,
    REPORT_CATEGORIES,
    TASK_CATEGORIES,
    urgency,
)
from pipelines.outputs.cells import (
    BORDER,
    DATE,
    HEADER_FILL,
    LINK_FONT,
    WRAP,
    fit_row_height,
    print_landscape,
    save_workbook,
    set_value,
)
from pipelines.outputs.presentation import (
    DASH,
    count_text,
    date_text,
    days_text,
    follow_up_label,
    task_status_label,
)

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)

# (header, width) of each list's columns
TASK_COLUMNS = (("STT", 5), ("Mã NV", 8), ("Nội dung nhiệm vụ", 60), ("Hạn", 12),
                ("Số ngày", 9), ("Tình hình", 22), ("Tiến độ đã báo cáo", 20))  # fmt: skip
REPORT_COLUMNS = (("STT", 5), ("Báo cáo", 30), ("Thời hạn theo kế hoạch", 30), ("Hạn", 12),
                  ("Số ngày", 9), ("Tình hình", 30))  # fmt: skip
FILE_COLUMNS = (("STT", 5), ("Tệp", 55), ("Số dòng bị loại", 12), ("Bản phản hồi", 45),
                ("Ghi chú", 30))  # fmt: skip
SUMMARY_COLUMNS = (("STT", 5), ("Kế hoạch", 22), ("Cơ quan, đơn vị", 36),
                   ("Quá hạn nhiều nhất (ngày)", 12), ("Hạn gần nhất", 12),
                   *((f"{follow_up_label(c)}", 12) for c in CATEGORIES), ("Tổng", 8))  # fmt: skip
DETAIL_COLUMNS = (("Kế hoạch", 22), ("Cơ quan, đơn vị", 32), ("Loại việc", 24), ("Mã NV", 8),
                  ("Nội dung", 50), ("Hạn", 12), ("Số ngày", 9), ("Tình hình", 24),
                  ("Tệp", 40), ("Số dòng bị loại", 10), ("Ghi chú", 30))  # fmt: skip


def _header(ws: Worksheet, row: int, columns: tuple[tuple[str, int], ...], first: int = 1) -> None:
    for offset, (label, width) in enumerate(columns):
        cell = set_value(ws.cell(row, first + offset), label)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, WRAP
        letter = get_column_letter(first + offset)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    fit_row_height(ws, row)


def _put(ws: Worksheet, row: int, column: int, value: object) -> None:
    cell = set_value(ws.cell(row, column), value)
    cell.border, cell.alignment = BORDER, WRAP
    if isinstance(value, date):
        cell.number_format = DATE


def _table(
    ws: Worksheet,
    start: int,
    columns: tuple[tuple[str, int], ...],
    values: Iterable[tuple],
    fit: bool = True,
) -> int:
    """A header row at `start`, then one row per tuple of `values`; returns the last row."""
    _header(ws, start, columns)
    line = start
    for line, row in enumerate(values, start=start + 1):
        for column, value in enumerate(row, start=1):
            _put(ws, line, column, value)
        if fit:
            fit_row_height(ws, line)
    return line


def _title(ws: Worksheet, lines: list[tuple[str, str | None]]) -> int:
    """Title lines (label, value) at the top; returns the next free row."""
    set_value(ws.cell(1, 1), lines[0][0]).font = TITLE_FONT
    row = 2
    for label, value in lines[1:]:
        set_value(ws.cell(row, 1), label).font = BOLD
        if value is not None:
            set_value(ws.cell(row, 3), value)
        row += 1
    return row + 1


def _task_rows(ws: Worksheet, start: int, rows: pl.DataFrame) -> int:
    values = (
        (
            n,
            r["task_code"],
            r["item"],
            r["due_date"],
            r["days"],
            days_text(r["days"]),
            task_status_label(r["status"]),
        )
        for n, r in enumerate(rows.iter_rows(named=True), start=1)
    )
    return _table(ws, start, TASK_COLUMNS, values) + 2


def _report_state(row: Mapping) -> str:
    if row["category"] == "report_late":
        return f"Gửi muộn {count_text(row['days'])} ngày"
    return days_text(row["days"])


def _report_rows(ws: Worksheet, start: int, rows: pl.DataFrame) -> int:
    values = (
        (n, r["item"], r["detail"] or DASH, r["due_date"], r["days"], _report_state(r))
        for n, r in enumerate(rows.iter_rows(named=True), start=1)
    )
    return _table(ws, start, REPORT_COLUMNS, values) + 2


def _file_note(row: Mapping) -> str:
    if row["category"] == "rows_quarantined":
        return "Sửa các ô được đánh dấu trong bản phản hồi rồi gửi lại"
    return f"Tệp không dùng được: {row['detail'] or DASH}"


def _file_rows(ws: Worksheet, start: int, rows: pl.DataFrame, links: Mapping[str, str]) -> int:
    records = rows.to_dicts()
    values = (
        (
            n,
            r["file_name"],
            r["rows_quarantined"],
            links.get(r["file_name"]) or DASH,
            _file_note(r),
        )
        for n, r in enumerate(records, start=1)
    )
    last = _table(ws, start, FILE_COLUMNS, values)
    for line, row in enumerate(records, start=start + 1):
        if link := links.get(row["file_name"]):
            cell = ws.cell(line, 4)
            cell.hyperlink, cell.font = link, LINK_FONT
    return last + 2


def agency_workbook(
    rows: pl.DataFrame,
    plan: Mapping,
    as_of: date,
    days: int,
    links: Mapping[str, str],
    path: Path,
) -> Path:
    """One agency's list: counts, then each category it has items in. `links`: file name →
    relative path of its feedback copy."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DonDoc"
    agency = rows["agency_name"].drop_nulls().first() or rows["agency_id"][0]
    plan_text = " ".join(x for x in (plan.get("plan_number"), plan.get("plan_title")) if x)
    line = _title(
        ws,
        [
            ("DANH SÁCH ĐÔN ĐỐC THỰC HIỆN KẾ HOẠCH", None),
            ("Cơ quan, đơn vị:", agency),
            ("Kế hoạch:", plan_text or plan.get("plan_id")),
            ("Số liệu đến ngày:", date_text(as_of)),
            ("Sắp đến hạn:", f"trong {days} ngày tới"),
        ],
    )
    counts = rows.group_by("category").len()
    tally = dict(counts.iter_rows())
    for category in CATEGORIES:
        if tally.get(category):
            set_value(ws.cell(line, 1), f"{follow_up_label(category)}:")
            set_value(ws.cell(line, 3), tally[category])
            line += 1
    line += 1
    sections = [(c, _task_rows) for c in TASK_CATEGORIES] + [
        (c, _report_rows) for c in REPORT_CATEGORIES
    ]
    for category, writer in sections:
        part = rows.filter(pl.col("category") == category)
        if part.is_empty():
            continue
        set_value(ws.cell(line, 1), follow_up_label(category).upper()).font = BOLD
        line = writer(ws, line + 1, part)
    files = rows.filter(pl.col("category").is_in(FILE_CATEGORIES))
    if not files.is_empty():
        set_value(ws.cell(line, 1), "TỆP BÁO CÁO CẦN SỬA").font = BOLD
        line = _file_rows(ws, line + 1, files, links)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 5)
    print_landscape(ws, f"Đôn đốc – {agency}")
    save_workbook(wb, path)
    return path


def summary_workbook(rows: pl.DataFrame, as_of: date, days: int, path: Path) -> Path:
    """The standing office's workbook: every agency by urgency with its counts (TongHop), and
    every item, filterable (ChiTiet)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "TongHop"
    line = _title(
        ws,
        [
            ("TỔNG HỢP ĐÔN ĐỐC CÁC CƠ QUAN, ĐƠN VỊ", None),
            ("Số liệu đến ngày:", date_text(as_of)),
            ("Sắp đến hạn:", f"trong {days} ngày tới"),
            ("Thứ tự:", "quá hạn nhiều ngày nhất trước, rồi hạn gần nhất"),
        ],
    )
    first = line
    values = (
        (
            n,
            r["plan_id"] or DASH,
            r["agency_name"] or ("Không rõ (tệp bị từ chối)" if not r["agency_id"] else ""),
            r["most_days_overdue"],
            r["next_due_date"],
            *(r[c] for c in CATEGORIES),
            r["items"],
        )
        for n, r in enumerate(urgency(rows).iter_rows(named=True), start=1)
    )
    line = _table(ws, first, SUMMARY_COLUMNS, values, fit=False)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(SUMMARY_COLUMNS))}{max(line, first)}"
    ws.freeze_panes = ws.cell(first + 1, 4)
    print_landscape(ws, "Tổng hợp đôn đốc")

    detail = wb.create_sheet("ChiTiet")
    values = (
        (
            r["plan_id"] or DASH,
            r["agency_name"] or DASH,
            follow_up_label(r["category"]),
            r["task_code"],
            r["item"],
            r["due_date"],
            r["days"],
            days_text(r["days"]),
            r["file_name"],
            r["rows_quarantined"],
            r["detail"],
        )
        for r in rows.iter_rows(named=True)
    )
    line = _table(detail, 1, DETAIL_COLUMNS, values, fit=False)
    detail.auto_filter.ref = f"A1:{get_column_letter(len(DETAIL_COLUMNS))}{max(line, 1)}"
    detail.freeze_panes = "A2"
    print_landscape(detail, "Chi tiết đôn đốc")
    save_workbook(wb, path)
    return path
