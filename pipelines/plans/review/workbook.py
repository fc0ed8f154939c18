"""Writing the plan review workbook an official corrects in Excel (`plan389 review-plan`).

Everything is written as values (text stays text, `set_value`); nothing is a formula. Rows that
need review are highlighted with their reason beside them. Agency columns suggest the known
agencies of the plan's locality and province from a hidden list, in warning style: a cell that
names several agencies ("Sở Công Thương; Công an tỉnh") is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.cells import (
    BORDER,
    FIXED_TIME,
    HEADER_FILL,
    HELPER_FILL,
    WRAP,
    fit_row_height,
    print_landscape,
    save_workbook,
    set_value,
)
from pipelines.plans.review.layout import (
    CHANGE_COLUMNS,
    CHANGES_SHEET,
    DELETE,
    DOCUMENT_HEADERS,
    DUTY_COLUMNS,
    DUTY_KINDS,
    DUTY_SHEET,
    GUIDE_SHEET,
    LEVELS,
    LIST_SHEET,
    PLAN_FIELDS,
    PLAN_SHEET,
    RECURRENCES,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK_COLUMNS,
    TASK_SHEET,
    Column,
)

DATE_FORMAT = "DD/MM/YYYY"
SPARE_ROWS = 300  # formatted and validated rows below the tasks, for tasks the office adds
_REVIEW_FILL = PatternFill("solid", fgColor="FCE4D6")
_ONE_LINE = Alignment(wrap_text=False, vertical="top")

GUIDE = Path(__file__).with_name("guide.txt")  # the HuongDan sheet, one line a row


@dataclass
class ReviewContent:
    """What a review workbook shows: from a loaded plan (`export.py`) or blank."""

    fields: dict[str, Any] = field(default_factory=dict)  # PLAN_FIELDS keys
    documents: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)  # TASK_COLUMNS keys
    targets: list[dict[str, Any]] = field(default_factory=list)  # TARGET_COLUMNS keys
    duties: list[dict[str, Any]] = field(default_factory=list)  # DUTY_COLUMNS keys
    agencies: list[str] = field(default_factory=list)  # suggested in the agency columns
    changes: list[dict[str, Any]] = field(default_factory=list)  # CHANGE_COLUMNS keys
    stale_note: str | None = None  # the documents changed after the review in force


def write_review_workbook(path: Path, content: ReviewContent) -> None:
    wb = Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    _guide_sheet(wb.active)
    lists = _list_sheet(wb, content.agencies)
    _plan_sheet(wb.create_sheet(PLAN_SHEET), content, lists)
    _task_sheet(wb.create_sheet(TASK_SHEET), content.tasks, lists)
    _table_sheet(wb.create_sheet(TARGET_SHEET), TARGET_COLUMNS, content.targets)
    duties = _table_sheet(wb.create_sheet(DUTY_SHEET), DUTY_COLUMNS, content.duties)
    _choice(duties, DUTY_COLUMNS, "kind", lists["kinds"])
    if content.changes or content.stale_note:
        _changes_sheet(wb.create_sheet(CHANGES_SHEET), content)
    wb.move_sheet(LIST_SHEET, offset=len(wb.sheetnames))
    for ws in wb.worksheets:
        if ws.title != LIST_SHEET:
            print_landscape(ws, f"{ws.title} — {content.fields.get('plan_id') or 'kế hoạch mới'}")
    wb.active = 1 if content.fields.get("plan_id") is None else 2
    save_workbook(wb, path)


def _guide_sheet(ws: Worksheet) -> None:
    ws.title = GUIDE_SHEET
    ws.column_dimensions["A"].width = 120
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    for r, line in enumerate(lines, start=1):
        heading = line.startswith("# ")
        cell = set_value(ws.cell(r, 1), line.removeprefix("# "))
        cell.font, cell.alignment = Font(bold=heading, size=13 if r == 1 else 11), WRAP


def _list_sheet(wb: Workbook, agencies: list[str]) -> dict[str, str]:
    """The hidden lists; returns each list's range for data validation."""
    ws = wb.create_sheet(LIST_SHEET)
    ws.sheet_state = "hidden"
    columns = {
        "agencies": ("Cơ quan đã biết", agencies),
        "recurrences": ("Định kỳ", list(RECURRENCES.values())),
        "kinds": ("Loại báo cáo", list(DUTY_KINDS.values())),
        "levels": ("Cấp", list(LEVELS.values())),
        "actions": ("Thao tác", [DELETE]),
    }
    ranges: dict[str, str] = {}
    for col, (key, (header, values)) in enumerate(columns.items(), start=1):
        set_value(ws.cell(1, col), header)
        for r, value in enumerate(values, start=2):
            set_value(ws.cell(r, col), value)
        letter = get_column_letter(col)
        if values:
            ranges[key] = f"{LIST_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _header(ws: Worksheet, columns: tuple[Column, ...], row: int = 1) -> None:
    for col, column in enumerate(columns, start=1):
        cell = set_value(ws.cell(row, col), column.header)
        cell.font, cell.fill, cell.border, cell.alignment = (
            Font(bold=True),
            HEADER_FILL,
            BORDER,
            WRAP,
        )
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.freeze_panes = ws.cell(row + 1, 1)
    fit_row_height(ws, row)


def _write(cell, value: Any) -> None:
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif value is not None and value != "":
        set_value(cell, value)
    cell.border, cell.alignment = BORDER, WRAP


def _plan_sheet(ws: Worksheet, content: ReviewContent, lists: dict[str, str]) -> None:
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 24, 70
    for r, column in enumerate(PLAN_FIELDS, start=1):
        label = set_value(ws.cell(r, 1), column.header)
        label.font, label.fill, label.border = Font(bold=True), HEADER_FILL, BORDER
        value = content.fields.get(column.key)
        if column.key == "level" and value:
            value = LEVELS.get(value, value)
        _write(ws.cell(r, 2), value)
        fit_row_height(ws, r)
        if column.key in ("issue_date", "reviewed_at"):
            ws.cell(r, 2).number_format = DATE_FORMAT
    first = len(PLAN_FIELDS) + 2
    for col, header in enumerate(DOCUMENT_HEADERS, start=1):
        cell = set_value(ws.cell(first, col), header)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
    for r, (name, sha) in enumerate(content.documents, start=first + 1):
        _write(ws.cell(r, 1), name)
        _write(ws.cell(r, 2), sha)
    note = set_value(
        ws.cell(first + len(content.documents) + 2, 1),
        "Mã SHA-256 cho biết bản rà soát được làm trên tài liệu nào; khi tài liệu thay đổi, "
        "bản rà soát vẫn áp dụng cho các nhiệm vụ cùng mã và được đánh dấu cần đối chiếu.",
    )
    note.font = Font(italic=True, color="808080")
    level_row = 1 + [c.key for c in PLAN_FIELDS].index("level")
    date_rows = [1 + [c.key for c in PLAN_FIELDS].index(k) for k in ("issue_date", "reviewed_at")]
    _validate(ws, "list", f"B{level_row}", formula=f"={lists['levels']}")
    for r in date_rows:
        _validate(ws, "date", f"B{r}")


def _task_sheet(ws: Worksheet, tasks: list[dict[str, Any]], lists: dict[str, str]) -> None:
    _header(ws, TASK_COLUMNS)
    for r, task in enumerate(tasks, start=2):
        flagged = bool(task.get("review_reason"))
        for col, column in enumerate(TASK_COLUMNS, start=1):
            value = task.get(column.key)
            if column.key == "recurrence" and value:
                value = RECURRENCES.get(value, value)
            cell = ws.cell(r, col)
            _write(cell, value)
            if not column.wrap:
                cell.alignment = _ONE_LINE
            if flagged:
                cell.fill = _REVIEW_FILL
            elif not column.editable:
                cell.fill = HELPER_FILL
        fit_row_height(ws, r)
    last = len(tasks) + 1 + SPARE_ROWS
    keys = [c.key for c in TASK_COLUMNS]
    for key in ("task_code", "group_code"):
        letter = get_column_letter(keys.index(key) + 1)
        for r in range(2, last + 1):
            ws[f"{letter}{r}"].number_format = "@"  # "1.10" stays 1.10
    due = get_column_letter(keys.index("due_date") + 1)
    for r in range(2, last + 1):
        ws[f"{due}{r}"].number_format = DATE_FORMAT
    if "agencies" in lists:
        for key in ("leads", "coordinators"):
            letter = get_column_letter(keys.index(key) + 1)
            _validate(
                ws,
                "list",
                f"{letter}2:{letter}{last}",
                formula=f"={lists['agencies']}",
                message="Tên này chưa có trong danh sách cơ quan đã biết của địa bàn. Vẫn giữ "
                "được: nhiều cơ quan cách nhau bằng '; '; tên lạ được đối chiếu với danh mục khi "
                "áp dụng.",
            )
    _choice(ws, TASK_COLUMNS, "recurrence", lists["recurrences"], last)
    _choice(ws, TASK_COLUMNS, "action", lists["actions"], last)
    _validate(ws, "date", f"{due}2:{due}{last}")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TASK_COLUMNS))}{max(2, len(tasks) + 1)}"


def _table_sheet(ws: Worksheet, columns: tuple[Column, ...], rows: list[dict]) -> Worksheet:
    _header(ws, columns)
    for r, row in enumerate(rows, start=2):
        for col, column in enumerate(columns, start=1):
            value = row.get(column.key)
            if column.key == "kind" and value:
                value = DUTY_KINDS.get(value, value)
            _write(ws.cell(r, col), value)
        fit_row_height(ws, r)
    return ws


def _choice(
    ws: Worksheet, columns: tuple[Column, ...], key: str, list_ref: str, last: int = 200
) -> None:
    letter = get_column_letter([c.key for c in columns].index(key) + 1)
    _validate(ws, "list", f"{letter}2:{letter}{last}", formula=f"={list_ref}")


def _validate(
    ws: Worksheet, kind: str, ref: str, formula: str | None = None, message: str | None = None
) -> None:
    """A suggestion, never a block: warning style, so any value can be kept."""
    if kind == "date":
        lo, hi = (int(to_excel(d)) for d in (date(2020, 1, 1), date(2035, 12, 31)))
        dv = DataValidation(type="date", operator="between", formula1=str(lo), formula2=str(hi))
        dv.error = "Nhập ngày dạng dd/mm/yyyy (từ năm 2020 đến 2035)."
    else:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = message or "Giá trị không có trong danh sách gợi ý; vẫn có thể giữ."
    dv.errorStyle, dv.showErrorMessage, dv.errorTitle = "warning", True, "Kiểm tra lại"
    dv.allow_blank = True
    ws.add_data_validation(dv)
    dv.add(ref)


def _changes_sheet(ws: Worksheet, content: ReviewContent) -> None:
    row = 1
    if content.stale_note:
        note = set_value(ws.cell(1, 1), content.stale_note)
        note.font, note.alignment = Font(bold=True, color="C00000"), WRAP
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CHANGE_COLUMNS))
        ws.row_dimensions[1].height = 45
        row = 3
    _header(ws, CHANGE_COLUMNS, row)
    for r, change in enumerate(content.changes, start=row + 1):
        for col, column in enumerate(CHANGE_COLUMNS, start=1):
            _write(ws.cell(r, col), change.get(column.key))
        fit_row_height(ws, r)
