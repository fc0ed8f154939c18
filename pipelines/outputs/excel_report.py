"""The annual report workbook ("Báo cáo kết quả thực hiện Kế hoạch"), laid out for printing.

Every value that comes from submitted data goes through `set_value`, which stores text as text:
an agency name such as `=HYPERLINK(...)` must never become a formula in an official's Excel.
Totals are written as values too, so the file holds no formula at all.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.cells import (
    COUNT,
    DATE,
    DATETIME,
    HEADER_FILL,
    PCT,
    print_landscape,
    set_value,
    wrapped_lines,
)
from pipelines.outputs.presentation import (
    BEHIND,
    COMPLIANCE_LABELS,
    FIELD_LABELS,
    INDICATOR_LABELS,
    KPI_HEADERS,
    MET,
    NO_CHANGE,
    NO_DATA,
    NOT_MET,
    ON_TRACK,
    OWN_ROW,
    PERIOD_HEADERS,
    PERIOD_NOTE,
    RATE_LABELS,
    SCOPE_LABELS,
    TIP_LABELS,
    TREE_HEADERS,
    TREE_TOTAL,
    behind_text,
    compliance_label,
    count_text,
    date_text,
    incomplete_mark,
    indicator_label,
    kpi_status,
    metric_label,
    missing_periods_note,
    plan_number_text,
    previous_label,
    rows_after_note,
    target_text,
    task_status_label,
    tree_status,
)
from pipelines.outputs.report_data import (
    ReportData,
    cover_facts,
    days_late,
    load_report_data,
    plan_name,
    quarantine_counts,
    quarantine_detail,
    rate,
    refused_files,
    summary_facts,
    tipoff_table,
    tipoff_total,
)
from pipelines.outputs.sections import PeriodSection

CHANGE = '"+"0.0%;"−"0.0%;0.0%'  # a change on last year: signed as format_change signs it
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# conditional formats (dxf) take a solid fill's colour from bgColor, cells from fgColor: set both
GREEN, RED, AMBER = (
    PatternFill("solid", fgColor=c, bgColor=c) for c in ("C6EFCE", "FFC7CE", "FFEB9C")
)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# workbook → table cell look (header?, centred?, wrapped?, number format) → its style record
_LINE_STYLES: weakref.WeakKeyDictionary[Workbook, dict[tuple, Any]] = weakref.WeakKeyDictionary()
HEADER_ROW = 4  # title, subtitle, blank, then the first table's header: frozen on every sheet
SEQ = "#"  # a column key: the row's number (STT)


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    key: str | Callable[[dict], Any] = ""  # a column of the row dict, or a function of the row
    fmt: str | None = None
    wrap: bool = False
    span: int = 1  # merged over this many sheet columns, to line up with another table

    def value(self, row: dict, seq: int) -> Any:
        if self.key == SEQ:
            return seq
        return self.key(row) if callable(self.key) else row.get(self.key)


def write_plan_report(
    marts_dir: Path, plan_id: str, year: int, out: Path, generated_at: datetime | None = None
) -> Path:
    """Load one plan × year from the published marts and write the workbook to `out`."""
    write_report(load_report_data(marts_dir, plan_id, year, generated_at), Path(out))
    return Path(out)


def write_report(data: ReportData, out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "Bìa": _cover,
        "Chỉ tiêu": _kpi_sheet,
        "Kỳ báo cáo": _period_sheet,
        "Địa bàn cấp dưới": _tree_sheet,
        "Nhiệm vụ": _task_sheet,
        "Tố giác": _tipoff_sheet,
        "Xử lý vi phạm": _enforcement_sheet,
        "Báo cáo": _compliance_sheet,
        "Chất lượng dữ liệu": _quality_sheet,
    }
    for name, build in sheets.items():
        ws = wb.create_sheet(name)
        build(ws, data)
        _print_setup(ws, data)
    wb.properties.title = f"Báo cáo kết quả thực hiện Kế hoạch năm {data.year}"
    wb.properties.creator = "plan389"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


# --- layout helpers ------------------------------------------------------------------------


def _title(ws: Worksheet, title: str, data: ReportData) -> None:
    set_value(ws.cell(1, 1), title).font = Font(bold=True, size=14)
    set_value(ws.cell(2, 1), f"{plan_name(data)} — năm {data.year}").font = Font(italic=True)


def _table(
    ws: Worksheet,
    top: int,
    cols: Sequence[Col],
    rows: Iterable[dict],
    total: dict | Sequence[dict] | None = None,
) -> int:
    """Header at `top`, one line per row (+ bold total lines); returns the row after a gap."""
    _widths(ws, cols)
    _line(ws, top, cols, [col.header for col in cols], header=True)
    r = top
    for seq, row in enumerate(rows, start=1):
        r = top + seq
        _line(ws, r, cols, [col.value(row, seq) for col in cols])
    for line in [total] if isinstance(total, dict) else total or ():
        r += 1
        _line(ws, r, cols, ["" if col.key == SEQ else col.value(line, 0) for col in cols])
        for j in range(1, sum(col.span for col in cols) + 1):
            ws.cell(r, j).font, ws.cell(r, j).fill = Font(bold=True), TOTAL_FILL
    return r + 2


def _widths(ws: Worksheet, cols: Sequence[Col]) -> None:
    """Widen the sheet's columns; a spanning column takes what the other tables set."""
    start = 1
    for col in cols:
        dim = ws.column_dimensions[get_column_letter(start)]
        if col.span == 1:
            dim.width = max(dim.width, col.width)
        start += col.span


def _line(
    ws: Worksheet, r: int, cols: Sequence[Col], values: list[Any], header: bool = False
) -> None:
    lines, j = 1, 1
    styles = _LINE_STYLES.setdefault(ws.parent, {})
    for col, value in zip(cols, values, strict=True):
        cell = set_value(ws.cell(r, j), value)
        key = (header, col.key == SEQ, col.wrap, col.fmt)
        if key in styles:
            # Setting a style looks it up in the workbook's style tables (hashing every
            # attribute): most of a report's time. The same look is the same record.
            cell._style = copy(styles[key])
        else:
            cell.border = BORDER
            if header:
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            else:
                side = "center" if col.key == SEQ else "right" if col.fmt == CHANGE else None
                cell.alignment = Alignment(horizontal=side, vertical="top", wrap_text=col.wrap)
                cell.number_format = col.fmt or "General"
            styles[key] = copy(cell._style)
        if col.wrap or header:
            width = sum(
                ws.column_dimensions[get_column_letter(k)].width for k in range(j, j + col.span)
            )
            lines = max(lines, wrapped_lines(value, width))
        if col.span > 1:
            ws.merge_cells(start_row=r, start_column=j, end_row=r, end_column=j + col.span - 1)
        j += col.span
    if lines > 1:  # LibreOffice and Excel keep the default height on open: text would be cut
        ws.row_dimensions[r].height = 15 * lines


def _note(ws: Worksheet, row: int, text: str, bold: bool = False) -> int:
    set_value(ws.cell(row, 1), text).font = Font(bold=bold, italic=not bold)
    return row + 1


def _counted(title: str, n: int) -> str:
    return f"{title} ({count_text(n)})"


def _colour(ws: Worksheet, col: int, first: int, count: int, fills: dict[str, PatternFill]) -> None:
    """Fill a status column by its text (a rule, so it stays right if someone edits a cell)."""
    if count:
        letter = get_column_letter(col)
        ref = f"{letter}{first}:{letter}{first + count - 1}"
        for text, fill in fills.items():
            rule = CellIsRule(operator="equal", formula=[f'"{text}"'], fill=fill)
            ws.conditional_formatting.add(ref, rule)


def _flag_positive(ws: Worksheet, col: int, first: int, count: int) -> None:
    """Fill a count column red where it is above 0 (reports missing)."""
    if count:
        letter = get_column_letter(col)
        rule = CellIsRule(operator="greaterThan", formula=["0"], fill=RED)
        ws.conditional_formatting.add(f"{letter}{first}:{letter}{first + count - 1}", rule)


def _print_setup(ws: Worksheet, data: ReportData) -> None:
    print_landscape(ws, f"{ws.title} — năm {data.year}")
    if ws.title != "Bìa":
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)


# --- sheets --------------------------------------------------------------------------------


def _cover(ws: Worksheet, data: ReportData) -> None:
    p = data.plan
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 44, 100
    set_value(ws.cell(1, 1), (p.get("issuer") or "").upper()).font = Font(bold=True)
    for r, text, size in (
        (3, "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH", 16),
        (4, f"Năm {data.year}", 12),
    ):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        cell = set_value(ws.cell(r, 1), text)
        cell.font, cell.alignment = Font(bold=True, size=size), Alignment(horizontal="center")
    row = _key_values(ws, 6, cover_facts(data))
    set_value(ws.cell(row, 1), "TÓM TẮT").font = Font(bold=True)
    _key_values(ws, row + 1, summary_facts(data))


def _key_values(ws: Worksheet, top: int, pairs: list[tuple[str, Any]]) -> int:
    formats = ((datetime, DATETIME), (date, DATE), (int, COUNT))
    for i, (label, value) in enumerate(pairs):
        set_value(ws.cell(top + i, 1), label).font = Font(bold=True)
        cell = set_value(ws.cell(top + i, 2), value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        cell.number_format = next((f for t, f in formats if isinstance(value, t)), "General")
        if isinstance(value, str) and (lines := wrapped_lines(value, 100)) > 1:
            ws.row_dimensions[top + i].height = 15 * lines
    return top + len(pairs) + 1


def _target(row: dict) -> str:
    return target_text(row["comparator"], row["threshold"])


KPI_COLS = (
    Col(KPI_HEADERS["metric"], 48, lambda r: metric_label(r["metric"]), wrap=True),
    Col(KPI_HEADERS["target"], 12, _target, wrap=True),
    Col(KPI_HEADERS["actual"], 11, "actual", PCT),
    Col(KPI_HEADERS["numerator"], 16, "numerator", COUNT),
    Col(KPI_HEADERS["denominator"], 14, "denominator", COUNT),
    Col(KPI_HEADERS["status"], 18, kpi_status),
)
KPI_FILLS = {MET: GREEN, NOT_MET: RED}


def _kpi_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", data)
    cols = (
        Col("STT", 6, SEQ),
        *KPI_COLS,
        Col("Căn cứ (trích Kế hoạch)", 60, "target_source_text", wrap=True),
    )
    row = _table(ws, HEADER_ROW, cols, data.kpis.iter_rows(named=True))
    _colour(ws, 7, HEADER_ROW + 1, data.kpis.height, KPI_FILLS)
    if data.kpis.is_empty():
        row = _note(ws, row - 1, NO_DATA) + 1
    row = _note(ws, row, "Chi tiết theo đơn vị", bold=True)
    cols = (Col("STT", 6, SEQ), *KPI_COLS, Col("Đơn vị", 60, "agency_name", wrap=True))
    _table(ws, row, cols, data.kpis_by_agency.iter_rows(named=True))
    _colour(ws, 7, row + 1, data.kpis_by_agency.height, KPI_FILLS)


def _period_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "SỐ LIỆU KỲ BÁO CÁO SO VỚI CÙNG KỲ NĂM TRƯỚC", data)
    row = HEADER_ROW - 1  # each table's band (whose figures, each period) above its header
    for section in data.periods:
        row = _period_table(ws, row, section, data.year)
    _note(ws, row, PERIOD_NOTE)


def _period_table(ws: Worksheet, band: int, section: PeriodSection, year: int) -> int:
    """One scope's latest month, quarter and year to date, a period per three columns."""
    scope = SCOPE_LABELS[section.scope]
    missing = missing_periods_note(section.missing, year)
    if not section.blocks:
        return _note(ws, band + 1, f"{scope}: {missing}") + 1
    cols = [Col("STT", 6, SEQ), Col(PERIOD_HEADERS["indicator"], 40, "label", wrap=True)]
    for i, _ in enumerate(section.blocks):
        cols += [
            Col(PERIOD_HEADERS["value"], 16, f"{i}:value", COUNT),
            Col(previous_label(year), 16, f"{i}:previous_value", COUNT),
            Col(PERIOD_HEADERS["change"], 12, lambda r, i=i: _change(r[f"{i}:change"]), CHANGE),
        ]
    _widths(ws, cols)
    titles = [incomplete_mark(b.title, b.is_complete) for b in section.blocks]
    band_cols = [Col(scope, 0, span=2), *(Col(t, 0, span=3) for t in titles)]
    _line(ws, band, band_cols, [col.header for col in band_cols], header=True)
    rows = [
        {"label": indicator_label(code)}
        | {
            f"{i}:{key}": value
            for i, block in enumerate(section.blocks)
            for key, value in block.figures.get(code, {}).items()
        }
        for code in INDICATOR_LABELS
    ]
    row = _table(ws, band + 1, cols, rows)
    return row + 1 if missing is None else _note(ws, row - 1, missing) + 2


def _change(change: float | None) -> float | str:
    return NO_CHANGE if change is None else change


TREE_COLS = (
    Col("STT", 6, SEQ),
    Col(TREE_HEADERS["name"], 24, "name", wrap=True),
    Col(TREE_HEADERS["plan"], 14, lambda r: plan_number_text(r["plan_number"]), wrap=True),
    *(
        Col(TREE_HEADERS[key], 10, key, COUNT)
        for key in ("kpis_met", "kpis_below", "kpis_without_data")
    ),
    Col(
        TREE_HEADERS["lowest_kpi"],
        30,
        lambda r: r["lowest_kpi_metric"] and metric_label(r["lowest_kpi_metric"]),
        wrap=True,
    ),
    Col(TREE_HEADERS["lowest_kpi_actual"], 10, "lowest_kpi_actual", PCT),
    *(
        Col(TREE_HEADERS[key], 10, key, COUNT)
        for key in ("reports_due", "reports_received", "reports_missing", "reports_late")
    ),
    Col(TREE_HEADERS["tasks_overdue"], 10, "tasks_overdue", COUNT),
    Col(TREE_HEADERS["status"], 14, tree_status, wrap=True),
    Col(TREE_HEADERS["reasons"], 36, behind_text, wrap=True),
)
TREE_MISSING_COL, TREE_STATUS_COL = 11, 14  # reports missing, status: coloured by rules


def _tree_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "TÌNH HÌNH THỰC HIỆN KẾ HOẠCH CỦA CÁC ĐỊA BÀN CẤP DƯỚI", data)
    tree = data.tree
    if tree is None:
        _note(ws, HEADER_ROW, "Kế hoạch không có kế hoạch cấp dưới.")
        return
    own = tree.own | {"name": OWN_ROW}
    row = _table(ws, HEADER_ROW, TREE_COLS, tree.below, total=[own, tree.total])
    lines = len(tree.below) + 2
    _colour(ws, TREE_STATUS_COL, HEADER_ROW + 1, lines, {BEHIND: AMBER, ON_TRACK: GREEN})
    _flag_positive(ws, TREE_MISSING_COL, HEADER_ROW + 1, lines)
    row = _note(ws, row, f"{TREE_TOTAL}: chỉ tiêu (thấp nhất trước)", bold=True)
    _table(ws, row, (Col("STT", 6, SEQ), *KPI_COLS), tree.kpis.iter_rows(named=True))
    _colour(ws, 7, row + 1, tree.kpis.height, KPI_FILLS)
    row += tree.kpis.height + 2
    row = _note(ws, row, "Chỉ tiêu của từng địa bàn cấp dưới (thấp nhất trước)", bold=True)
    cols = (Col("STT", 6, SEQ), *KPI_COLS, Col(TREE_HEADERS["name"], 24, "name", wrap=True))
    _table(ws, row, cols, tree.below_kpis.iter_rows(named=True))
    _colour(ws, 7, row + 1, tree.below_kpis.height, KPI_FILLS)


def _task_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO ĐƠN VỊ CHỦ TRÌ", data)
    cols = (
        Col("STT", 6, SEQ),
        Col("Đơn vị chủ trì", 44, "agency_name", wrap=True),
        Col("Được giao", 11, "tasks_assigned", COUNT),
        Col("Đến hạn", 10, "tasks_due", COUNT),
        Col("Hoàn thành", 12, "tasks_completed", COUNT),
        Col("Hoàn thành đúng hạn", 12, "tasks_completed_on_time", COUNT),
        *(Col(label, 12, key, PCT) for key, label in RATE_LABELS.items()),
        Col("Quá hạn", 10, "overdue_count", COUNT),
        Col("Chưa báo cáo", 12, "not_reported_count", COUNT),
    )
    t = data.tasks_by_agency
    total = {c.key: int(t[c.key].sum()) for c in cols if c.fmt == COUNT}
    total |= {
        "agency_name": "Tổng cộng",
        "completion_rate": rate(total["tasks_completed"], total["tasks_assigned"]),
        "on_time_rate": rate(total["tasks_completed_on_time"], total["tasks_due"]),
    }
    row = _table(ws, HEADER_ROW, cols, t.iter_rows(named=True), total=total)
    row = _note(ws, row, _counted("Nhiệm vụ quá hạn", data.overdue_tasks.height), bold=True)
    cols = (  # lined up with the table above: the task text spans its four count columns
        Col("STT", 6, SEQ),
        Col("Đơn vị chủ trì", 44, "agency_name", wrap=True),
        Col("Mã nhiệm vụ", 11, "task_code"),
        Col("Nhiệm vụ", 0, "task_title", wrap=True, span=4),
        Col("Thời hạn", 12, "due_date", DATE),
        Col("Số ngày quá hạn", 10, "days_overdue", COUNT),
        Col("Tình trạng", 12, lambda r: task_status_label(r["status"]), wrap=True),
        Col("Sản phẩm (theo Kế hoạch)", 40, "expected_output", wrap=True),
    )
    row = _table(ws, row, cols, data.overdue_tasks.iter_rows(named=True))
    if data.overdue_tasks.is_empty():
        _note(ws, row - 1, "Không có nhiệm vụ quá hạn.")


def _tipoff_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "TIẾP NHẬN, GIẢI QUYẾT TỐ GIÁC, TIN BÁO VỀ TỘI PHẠM, KIẾN NGHỊ KHỞI TỐ", data)
    cols = (
        Col("Tháng", 16, "month_label"),
        *(Col(f"Tiếp nhận: {label}", 13, code, COUNT) for code, label in FIELD_LABELS.items()),
        *(Col(label, 12, key, COUNT) for key, label in TIP_LABELS.items()),
    )
    if data.tipoffs.is_empty():
        _table(ws, HEADER_ROW, cols, [])
        _note(ws, HEADER_ROW + 2, NO_DATA)
        return
    table = tipoff_table(data.tipoffs).with_columns(
        ("Tháng " + pl.col("month").dt.strftime("%m/%Y")).alias("month_label")
    )
    total = tipoff_total(table) | {"month_label": f"Cả năm {data.year}"}
    row = _table(ws, HEADER_ROW, cols, table.iter_rows(named=True), total=total)
    _note(
        ws,
        row,
        "Dòng Cả năm: tồn và quá hạn là số cuối kỳ (tháng cuối), không cộng dồn. Quá hạn: quá "
        "20 ngày kể từ ngày tiếp nhận mà chưa giải quyết (Điều 147 Bộ luật Tố tụng hình sự).",
    )


def _enforcement_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "KẾT QUẢ KIỂM TRA, XỬ LÝ VI PHẠM THEO LĨNH VỰC", data)
    cols = (
        Col("Lĩnh vực", 24, lambda r: FIELD_LABELS.get(r["field"], r["field"])),
        Col("Số vụ kiểm tra", 12, "inspections", COUNT),
        Col("Số vụ vi phạm", 12, "violations", COUNT),
        Col("Số vụ xử lý hành chính", 14, "administrative_cases", COUNT),
        Col("Tiền phạt (đồng)", 20, "fines_vnd", COUNT),
        Col("Truy thu thuế (đồng)", 18, "tax_arrears_vnd", COUNT),
        Col("Tiền bán hàng tịch thu (đồng)", 20, "confiscated_sales_vnd", COUNT),
        Col("Trị giá hàng vi phạm (đồng)", 22, "goods_value_vnd", COUNT),
        Col("Số vụ khởi tố", 11, "prosecutions", COUNT),
        Col("Số bị can", 10, "defendants", COUNT),
    )
    e = data.enforcement
    if e is None or e.is_empty():
        _table(ws, HEADER_ROW, cols, [])
        _note(ws, HEADER_ROW + 2, NO_DATA)
        return
    order = {code: i for i, code in enumerate(FIELD_LABELS)}
    e = e.sort(pl.col("field").replace_strict(order, default=len(order)))
    total = {c.key: int(e[c.key].fill_null(0).sum()) for c in cols[1:]} | {"field": "Tổng cộng"}
    _table(ws, HEADER_ROW, cols, e.iter_rows(named=True), total=total)


def _compliance_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "TÌNH HÌNH CHẤP HÀNH CHẾ ĐỘ BÁO CÁO", data)
    cols = (
        Col("STT", 6, SEQ),
        Col("Đơn vị", 44, "agency_name", wrap=True),
        Col("Thời hạn theo Kế hoạch", 22, "due_text", wrap=True),
        Col("Hạn nộp", 12, "due_date", DATE),
        Col("Ngày nộp lần đầu", 14, "first_submission_date", DATE),
        Col("Ngày nộp gần nhất", 14, "last_submission_date", DATE),
        Col("Số lần nộp", 10, "workbooks_submitted", COUNT),
        Col("Số ngày muộn", 10, days_late, COUNT),
        Col("Tình trạng", 16, lambda r: compliance_label(r["submission_status"])),
    )
    _table(ws, HEADER_ROW, cols, data.compliance.iter_rows(named=True))
    fills = dict(zip(list(COMPLIANCE_LABELS.values())[:3], (GREEN, AMBER, RED), strict=True))
    _colour(ws, 9, HEADER_ROW + 1, data.compliance.height, fills)
    if data.compliance.is_empty():
        _note(ws, HEADER_ROW + 2, "Kế hoạch không quy định đơn vị phải báo cáo trong năm.")


QUARANTINE_WHERE = (
    Col("Tệp", 46, "file_name", wrap=True),
    Col("Đơn vị", 28, "agency_name", wrap=True),
    Col("Kỳ", 9, "period"),
    Col("Đã có bản thay thế", 11, "is_superseded"),
    Col("Sheet", 10, "sheet"),
)


ROWS_AFTER_COLS = (
    Col("Tệp", 46, "file_name", wrap=True, span=2),
    Col("Đơn vị báo cáo", 0, "agency_name", wrap=True, span=2),
    Col("Sheet", 10, "sheet"),
    Col("Số dòng", 8, "rows_after_as_of", COUNT),
    Col("Ngày muộn nhất", 12, "last_date", DATE),
)


def _quality_sheet(ws: Worksheet, data: ReportData) -> None:
    _title(ws, "CHẤT LƯỢNG SỐ LIỆU: DÒNG BỊ LOẠI VÀ TỆP BỊ TỪ CHỐI", data)
    detail_cols = (
        *QUARANTINE_WHERE,
        Col("Dòng", 8, "row_number", COUNT),
        Col("Cột", 28, lambda r: r["column_header"] or r["column_name"], wrap=True),
        Col("Giá trị", 24, "offending_value", wrap=True),
        Col("Lý do", 44, "reason_vi", wrap=True),
    )
    _widths(ws, detail_cols)  # the widest layout first: the other tables line up with it
    cols = (
        *QUARANTINE_WHERE,
        Col("Số dòng", 8, "rows", COUNT),
        Col("Quy tắc", 28, "rule", wrap=True),
        Col("Lý do", 0, "reason_vi", wrap=True, span=2),
    )
    row = _table(ws, HEADER_ROW, cols, quarantine_counts(data.quarantine).iter_rows(named=True))
    if data.quarantine.is_empty():
        row = _note(ws, row - 1, "Không có dòng số liệu bị loại.") + 1
    detail = quarantine_detail(data.quarantine)
    shown, total = count_text(detail.height), count_text(data.quarantine.height)
    row = _note(ws, row, f"Các dòng bị loại ({shown} dòng đầu / {total})", bold=True)
    row = _table(ws, row, detail_cols, detail.iter_rows(named=True))
    refused = refused_files(data.ingestion_errors)
    row = _note(ws, row, _counted("Tệp bị từ chối", refused.height), bold=True)
    cols = (
        Col("Tệp", 46, "file_name", wrap=True),
        Col("Nguồn", 10, "source_domain"),
        Col("Bước", 9, "stage"),
        Col("Lý do", 0, "reason", wrap=True, span=6),
    )
    row = _table(ws, row, cols, refused.iter_rows(named=True))
    if refused.is_empty():
        row = _note(ws, row - 1, "Không có tệp bị từ chối.") + 1
    copies = data.ingestion_errors.filter(~pl.col("is_refused"))
    if copies.height:
        title = _counted("Tệp trùng lặp, không bị từ chối: số liệu nạp một lần", copies.height)
        row = _note(ws, row, title, bold=True)
        row = _table(ws, row, cols, copies.iter_rows(named=True))
    row = _note(ws, row, f"Số liệu ghi ngày sau ngày chốt {date_text(data.as_of)}", bold=True)
    row = _note(ws, row, rows_after_note(data.rows_after_as_of) or "Không có.")
    if data.rows_after_as_of.height:
        _table(ws, row, ROWS_AFTER_COLS, data.rows_after_as_of.iter_rows(named=True))
