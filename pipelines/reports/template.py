"""The blank report workbook one agency fills in for one plan, built from `spec`.

Sheets: HuongDan (instructions), ThongTin, the DATA_SHEETS of `spec` (title row, header row,
dropdowns, formats) and a hidden DanhMuc holding the dropdown lists. TienDo is pre-filled with the
agency's lead tasks and ChiTieu with the plan's count-based metrics; the "(tham khảo)" columns to
the right of the official ones are for reading only (the reader ignores extra columns).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.cells import (
    BORDER,
    FIXED_TIME,
    HEADER_FILL,
    HELPER_FILL,
    WRAP,
    save_workbook,
    set_value,
)
from pipelines.plans.agencies import resolve_agency
from pipelines.plans.loader import load_plan_folder
from pipelines.plans.tables import PlanTables
from pipelines.plans.text import fold
from pipelines.reports import spec

GUIDE_SHEET, LIST_SHEET = "HuongDan", "DanhMuc"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
DATA_ROWS = 1000  # rows carrying dropdowns and validations
DATE_FORMAT, COUNT_FORMAT = "DD/MM/YYYY", "#,##0"
TASK_TITLE_HELP, DEADLINE_HELP = "Nội dung nhiệm vụ (tham khảo)", "Thời hạn (tham khảo)"
METRIC_HELP = "Nội dung chỉ tiêu (tham khảo)"
# Rates derived from the ToGiac and TienDo rows, and targets no rule could name: no count row.
_RATES = ("tip_acceptance_rate", "tip_resolution_rate", "criminal_sign_prosecution_rate")
NOT_COUNTED = frozenset((*_RATES, "task_on_time_rate", "unclassified"))
METRIC_LABELS = {
    "official_integrity_rate": "Cán bộ, công chức, viên chức có đạo đức nghề nghiệp, liêm chính",
    "agency_equipment_rate": "Cơ quan, đơn vị thực thi được trang bị khoa học, công nghệ hiện đại",
    "ecommerce_commitment_rate": "Tổ chức, cá nhân kinh doanh thương mại điện tử ký cam kết",
    "health_business_outreach_rate": "Cơ sở kinh doanh hàng liên quan sức khỏe được tuyên truyền",
    "consumer_outreach_rate": "Người tiêu dùng được tuyên truyền, phổ biến pháp luật",
}
SHEET_PURPOSES = {
    spec.INFO_SHEET: "Thông tin chung của báo cáo (cột A: mục, cột B: nội dung).",
    "TienDo": "Tiến độ từng nhiệm vụ đơn vị chủ trì, mỗi nhiệm vụ một dòng (mã đã điền sẵn).",
    "ToGiac": "Sổ theo dõi tố giác, tin báo về tội phạm, kiến nghị khởi tố; mỗi tin một dòng.",
    "XuLy": "Kết quả kiểm tra, xử lý vi phạm trong kỳ; mỗi lĩnh vực một dòng.",
    "ChiTieu": "Số liệu các chỉ tiêu 100% (mã đã điền sẵn): tổng số đối tượng, số đã thực hiện.",
}
KIND_TEXT = {
    "text": "chữ",
    "date": "ngày dd/mm/yyyy",
    "int": "số nguyên ≥ 0",
    "money": "số tiền (đồng) ≥ 0",
    "choice": "chọn trong danh sách",
    "yesno": "chọn Có/Không",
}
WIDTHS = {"text": 28, "date": 15, "int": 14, "money": 20, "choice": 26, "yesno": 14}

_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
_UNLOCKED = Protection(locked=False)


class TemplateError(ValueError):
    """A template cannot be made: unknown plan, agency not in the plan, malformed period."""


# ---------------------------------------------------------------------------- plan look-ups


def _closest(query: str, names: Sequence[str], n: int = 5) -> list[str]:
    by_key = {fold(name): name for name in names}
    keys = difflib.get_close_matches(fold(query), list(by_key), n=n, cutoff=0.3)
    return [by_key[k] for k in keys] or sorted(names)[:n]


def _plan_row(tables: PlanTables, plan_id: str) -> dict:
    plans = tables.frames["plans"].filter(~pl.col("is_reference"))
    found = plans.filter(pl.col("plan_id") == plan_id.strip().lower())
    if found.is_empty():
        known = "; ".join(_closest(plan_id, plans["plan_id"].to_list()))
        raise TemplateError(
            f"Không tìm thấy kế hoạch '{plan_id}'. / Unknown plan id '{plan_id}'. "
            f"Các kế hoạch gần nhất / closest plans: {known}"
        )
    return found.row(0, named=True)


def _agency_id(tables: PlanTables, plan: dict, assigned: pl.DataFrame, agency: str) -> str:
    """The plan's agency id for a name as typed: canonical resolution, else a printed alias."""
    ids = set(assigned["agency_id"])
    resolved = resolve_agency(agency, plan["locality_code"], plan["level"]).agency_id
    if fold(agency) and resolved in ids:
        return resolved
    rows = tables.frames["agencies"].filter(pl.col("agency_id").is_in(list(ids)))
    for row in rows.iter_rows(named=True):
        spellings = [row["name"], *(row["aliases"] or "").split("; ")]
        if fold(agency) and fold(agency) in {fold(s) for s in spellings}:
            return row["agency_id"]
    names = "; ".join(_closest(agency, rows["name"].to_list()))
    raise TemplateError(
        f"Đơn vị '{agency}' không được giao nhiệm vụ trong kế hoạch {plan['plan_id']}. / "
        f"Agency '{agency}' is not assigned in plan {plan['plan_id']}. "
        f"Tên gần nhất / closest names: {names}"
    )


def agency_tasks(tables: PlanTables, plan_id: str, agency: str) -> tuple[str, list[dict]]:
    """(canonical agency name, the plan's tasks it leads in task order); raises TemplateError."""
    plan = _plan_row(tables, plan_id)
    assigned = tables.frames["task_assignments"].filter(pl.col("plan_id") == plan["plan_id"])
    agency_id = _agency_id(tables, plan, assigned, agency)
    agencies = tables.frames["agencies"]
    name = agencies.filter(pl.col("agency_id") == agency_id)["name"].item()
    led = assigned.filter((pl.col("agency_id") == agency_id) & (pl.col("role") == "lead"))
    tasks = (
        tables.frames["plan_tasks"]
        .filter(
            (pl.col("plan_id") == plan["plan_id"])
            & pl.col("task_code").is_in(led["task_code"].to_list())
        )
        .sort("task_seq")
        .select("task_code", "title", "deadline_text", "due_date")
    )
    return name, tasks.to_dicts()


def count_metrics(tables: PlanTables, plan_id: str) -> list[str]:
    """Metric keys the plan targets that agencies report as counts (rates are derived)."""
    targets = tables.frames["plan_targets"].filter(pl.col("plan_id") == plan_id)
    metrics = targets["metric"].unique(maintain_order=True).to_list()
    return [m for m in metrics if m not in NOT_COUNTED]


# ---------------------------------------------------------------------------- sheets


def _header(cell: Cell, text: str, fill: PatternFill) -> None:
    set_value(cell, text)
    cell.font = Font(bold=True, italic=fill is HELPER_FILL)
    cell.fill, cell.border = fill, BORDER
    cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _rows_ref(col: int) -> str:
    letter = get_column_letter(col)
    return f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + DATA_ROWS - 1}"


def _validation(kind: str, list_ref: str | None) -> DataValidation | None:
    if kind in ("choice", "yesno") and list_ref:
        dv = DataValidation(type="list", formula1=list_ref, allow_blank=True)
        dv.error = "Chọn một giá trị trong danh sách thả xuống."
    elif kind == "date":
        lo, hi = (int(to_excel(d)) for d in (date(2020, 1, 1), date(2035, 12, 31)))
        dv = DataValidation(type="date", operator="between", formula1=str(lo), formula2=str(hi))
        dv.error = "Nhập ngày dạng dd/mm/yyyy, từ năm 2020 đến 2035."
    elif kind in ("int", "money"):
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.error = "Nhập số nguyên không âm, không kèm đơn vị."
    else:
        return None
    dv.showErrorMessage, dv.errorTitle = True, "Giá trị không hợp lệ"
    return dv


def _column_style(ws: Worksheet, col: int, column: spec.Column) -> None:
    """Format, size and unlock the whole column, so rows typed later get the same treatment."""
    dim = ws.column_dimensions[get_column_letter(col)]
    # "@" (text) keeps "1.10" and "0912..." as typed
    dim.number_format = {"date": DATE_FORMAT, "int": COUNT_FORMAT, "money": COUNT_FORMAT}.get(
        column.kind, "@"
    )
    dim.protection = _UNLOCKED
    dim.width = max(WIDTHS[column.kind], len(column.header) + 4)


def _finish(ws: Worksheet, protect: bool) -> None:
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if protect:  # no password: only guards titles, headers and reference columns from slips
        p = ws.protection
        p.sheet = True
        p.formatCells = p.formatColumns = p.formatRows = False
        p.insertRows = p.deleteRows = p.sort = p.autoFilter = False


def _data_sheet(
    wb: Workbook,
    sheet: spec.SheetSpec,
    lists: dict[tuple[str, ...], str],
    helpers: Sequence[str] = (),
    rows: Sequence[Sequence[str]] = (),
) -> None:
    """One official sheet; each row is (first official column value, *helper values)."""
    ws = wb.create_sheet(sheet.name)
    n = len(sheet.columns)
    title = set_value(ws.cell(TITLE_ROW, 1), sheet.title)
    title.font, title.alignment = Font(bold=True, size=13), Alignment(horizontal="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=n)
    ws.row_dimensions[HEADER_ROW].height = 32
    for i, column in enumerate(sheet.columns, start=1):
        fill = _REQUIRED_FILL if column.required else HEADER_FILL
        _header(ws.cell(HEADER_ROW, i), column.header, fill)
        _column_style(ws, i, column)
        dv = _validation(column.kind, lists.get(tuple(column.labels)))
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(_rows_ref(i))
    for j, text in enumerate(helpers, start=n + 1):
        _header(ws.cell(HEADER_ROW, j), text, HELPER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = 60 if j == n + 1 else 30
    for r, (key, *extra) in enumerate(rows, start=FIRST_ROW):
        cell = set_value(ws.cell(r, 1), key)
        cell.protection, cell.number_format = _UNLOCKED, "@"
        for j, value in enumerate(extra, start=n + 1):
            cell = set_value(ws.cell(r, j), value)
            cell.fill, cell.alignment, cell.font = HELPER_FILL, WRAP, Font(italic=True)
    ws.freeze_panes = ws.cell(FIRST_ROW, 1).coordinate
    ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    _finish(ws, protect=True)


def _lists() -> dict[tuple[str, ...], tuple[int, str]]:
    """Each distinct dropdown list (its labels) → (DanhMuc column, header naming it)."""
    found: dict[tuple[str, ...], tuple[int, str]] = {}
    for column in (c for s in spec.DATA_SHEETS for c in s.columns if c.choices):
        found.setdefault(tuple(column.labels), (len(found) + 1, column.header))
    return found


def _list_refs() -> dict[tuple[str, ...], str]:
    """Labels → absolute DanhMuc range (a range, not an inline list: labels contain commas)."""
    refs = {}
    for labels, (col, _) in _lists().items():
        letter = get_column_letter(col)
        refs[labels] = f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
    return refs


def _list_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(LIST_SHEET)
    ws.sheet_state = "hidden"
    for labels, (col, header) in _lists().items():
        set_value(ws.cell(1, col), header)
        for r, label in enumerate(labels, start=2):
            set_value(ws.cell(r, col), label)


def _info_sheet(wb: Workbook, values: dict[str, str | None]) -> None:
    ws = wb.create_sheet(spec.INFO_SHEET)
    for r, field in enumerate(spec.INFO_FIELDS, start=1):
        label = set_value(ws.cell(r, 1), field.header)
        label.font, label.border = Font(bold=True), BORDER
        label.fill = _REQUIRED_FILL if field.required else HEADER_FILL
        cell = ws.cell(r, 2)
        cell.border = BORDER
        cell.number_format = DATE_FORMAT if field.kind == "date" else "@"
        if values.get(field.key):
            set_value(cell, values[field.key] or "")
        dv = _validation(field.kind, None)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(cell.coordinate)
        if field.help_vi:
            set_value(ws.cell(r, 3), field.help_vi).font = Font(italic=True, color="808080")
    for letter, width in zip("ABC", (22, 60, 32), strict=True):
        ws.column_dimensions[letter].width = width
    _finish(ws, protect=False)


def _column_line(column: spec.Column) -> str:
    parts = [KIND_TEXT[column.kind], *(["bắt buộc"] if column.required else [])]
    line = f"• {column.header} ({', '.join(parts)})"
    if column.choices:
        line += ": " + " | ".join(column.labels)
    return line + (f". {column.help_vi}" if column.help_vi else "")


def _guide_lines(agency_name: str, plan_id: str) -> list[str]:
    """Lines of the HuongDan sheet; "# " marks a heading."""
    pii = ", ".join(c.header for s in spec.DATA_SHEETS for c in s.columns if c.pii)
    lines = [
        "# HƯỚNG DẪN LẬP BÁO CÁO GỬI CƠ QUAN THƯỜNG TRỰC BAN CHỈ ĐẠO 389",
        f"Đơn vị báo cáo: {agency_name}",
        f"Mã kế hoạch: {plan_id}",
        "# Quy định chung",
        "• Không đổi tên, xóa hay đổi thứ tự các sheet; không sửa các dòng tiêu đề cột.",
        "• Nhập dữ liệu từ dòng 3, mỗi dòng một bản ghi; không gộp ô, không để dòng trống.",
        "• Ngày nhập theo định dạng dd/mm/yyyy (ví dụ 30/09/2026).",
        "• Cột số: số nguyên không âm, không kèm đơn vị; tiền tính bằng đồng.",
        "• Cột có danh sách thả xuống: chỉ chọn giá trị trong danh sách.",
        "• Tiêu đề màu cam: bắt buộc. Cột xám '(tham khảo)': chỉ để đọc, không được xử lý.",
        "• Các sheet được khóa không mật khẩu để giữ tiêu đề; các ô nhập liệu không khóa.",
        "# Bảo mật",
        f"• {pii}: thông tin bí mật về người cung cấp tin. Chỉ người có trách nhiệm được nhập và "
        "xem; gửi tệp qua kênh an toàn, không chia sẻ ra ngoài. Khi nhập vào hệ thống, các thông "
        "tin này được thay bằng mã băm.",
        f"# Sheet {spec.INFO_SHEET}",
        SHEET_PURPOSES[spec.INFO_SHEET],
        *(_column_line(c) for c in spec.INFO_FIELDS),
    ]
    for sheet in spec.DATA_SHEETS:
        lines += [f"# Sheet {sheet.name}: {sheet.title}", SHEET_PURPOSES.get(sheet.name, "")]
        lines += [_column_line(c) for c in sheet.columns]
    return lines


def _guide_sheet(wb: Workbook, agency_name: str, plan_id: str) -> None:
    ws = wb.active
    ws.title = GUIDE_SHEET
    ws.column_dimensions["A"].width = 120
    for r, line in enumerate(_guide_lines(agency_name, plan_id), start=1):
        heading = line.startswith("# ")
        cell = set_value(ws.cell(r, 1), line.removeprefix("# "))
        cell.font, cell.alignment = Font(bold=heading, size=13 if r == 1 else 11), WRAP
    _finish(ws, protect=False)


# ---------------------------------------------------------------------------- writing


def _deadline(task: dict) -> str:
    due = task.get("due_date")
    return task.get("deadline_text") or (due.strftime("%d/%m/%Y") if due else "")


def write_template(
    path: Path,
    plan_id: str,
    agency_name: str,
    tasks: list[dict],
    *,
    period: str | None = None,
    metrics: Sequence[str] | None = None,
) -> None:
    """Write the official blank workbook for one agency, its lead tasks pre-filled in TienDo."""
    if period and not re.fullmatch(spec.PERIOD_PATTERN, period):
        raise TemplateError(
            f"Kỳ báo cáo '{period}' không hợp lệ ({spec.PERIOD_EXAMPLES}). / "
            f"Invalid period '{period}' (expected {spec.PERIOD_EXAMPLES})."
        )
    wb = Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = "plan389"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    _guide_sheet(wb, agency_name, plan_id)
    _info_sheet(wb, {"agency_name": agency_name, "plan_id": plan_id, "period": period})
    extras: dict[str, tuple[list[str], list[list[str]]]] = {
        "TienDo": (
            [TASK_TITLE_HELP, DEADLINE_HELP],
            [[t["task_code"], t.get("title") or "", _deadline(t)] for t in tasks],
        ),
        "ChiTieu": ([METRIC_HELP], [[m, METRIC_LABELS.get(m, "")] for m in metrics or []]),
    }
    refs = _list_refs()
    for sheet in spec.DATA_SHEETS:
        helpers, rows = extras.get(sheet.name, ([], []))
        _data_sheet(wb, sheet, refs, helpers, rows)
    _list_sheet(wb)
    save_workbook(wb, path)


def write_template_for(
    plan_id: str, agency: str, out: Path, plans_dir: Path, period: str | None = None
) -> tuple[str, int]:
    """Parse the plans, write `agency`'s template; (canonical agency name, tasks pre-filled)."""
    tables = load_plan_folder(plans_dir)
    name, tasks = agency_tasks(tables, plan_id, agency)
    plan = _plan_row(tables, plan_id)["plan_id"]
    write_template(out, plan, name, tasks, period=period, metrics=count_metrics(tables, plan))
    return name, len(tasks)
