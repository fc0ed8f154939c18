"""Feedback copies: an agency's own workbook sent back with every problem marked where it is.

`write_feedback_copy` takes one submitted workbook and its quarantine rows and writes a copy in
which
- every offending cell is filled light red and carries a comment in Vietnamese: the rule, the
  value found and how to fix it (`FIXES`); several problems on one cell share one comment;
- a rule on the whole row (`*`), or about a column the sheet lacks (missing_column,
  header_not_found), marks the row's first cell: the table's first column as its header row
  locates it, column A when no header was found;
- a rule comparing two fields of the row (`RULE_COLUMNS`) marks both cells;
- a new first sheet `Loi` lists every problem (sheet, row, column, value, reason, fix), each row
  linked to its cell.

Cells are found in the copy itself, the way ingestion finds them: a sheet follows the spec its
name names (`find_sheet`), else the spec whose header it holds; the header row is located among
its top rows (`locate_header`) and gives each spec key its column. A table may start anywhere,
its columns in any order.

Everything else stays the agency's own: values, sheets, styles, validations and their own
comments, except
- informants: every data cell of the informant name and phone columns of the tips sheet is
  blanked (with its comments and links), wherever the header row puts those columns; comments and
  the Loi sheet show no value for them (the quarantine holds a hash or nothing there), and pivot
  tables, whose caches repeat cell values, are dropped;
- the marks of an earlier feedback copy (its Loi sheet, plan389 comments and fills), when the
  agency sends that copy back: only the current problems are marked;
- an .xls or .ods submission becomes an .xlsx copy (openpyxl writes nothing else): every sheet's
  values as text, numbers and dates, in their cells, the layout lost; an .xlsm loses its macros.

A file refused whole (not a workbook, no ThongTin, unknown plan) gets `write_refusal_workbook`:
one `Loi` sheet saying why and what to do. Both write the same bytes for the same inputs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import fastexcel
import polars as pl
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.cells import (
    BORDER,
    DATE,
    DATETIME,
    HEADER_FILL,
    LINK_FONT,
    WRAP,
    fit_row_height,
    print_landscape,
    save_workbook,
    set_value,
    wrapped_lines,
)
from pipelines.reports.normalize import clean
from pipelines.reports.reader import MAX_FILE_BYTES, MAX_ROWS, check_file
from pipelines.reports.schemas import FIXES, RULE_COLUMNS, RULES
from pipelines.reports.sheets import HEADER_SEARCH_ROWS, column_key, find_sheet, locate_header
from pipelines.reports.spec import DATA_SHEETS, INFO_SHEET, PERIOD_EXAMPLES, SheetSpec

FEEDBACK_SHEET = "Loi"
AUTHOR = "plan389"
PROBLEM_FILL = PatternFill("solid", fgColor="FFCDD2")  # light red, kept for plan389's marks
TITLE_FONT = Font(bold=True, size=13)
LOI_HEADERS = ("Trang tính", "Dòng", "Cột", "Giá trị", "Lỗi", "Cách sửa")
LOI_WIDTHS = (18, 8, 30, 26, 50, 60)
LOI_FIRST_ROW = 3  # title, header, then one row per problem
COMMENT_WIDTH = 340  # pixels, about 48 characters a line
DEFAULT_REASON = "Giá trị không hợp lệ"
DEFAULT_FIX = "Sửa giá trị theo hướng dẫn ở sheet HuongDan của mẫu báo cáo."
WHOLE_ROW = "*"
PII_KEYS = frozenset(c.key for s in DATA_SHEETS for c in s.columns if c.pii)
TEMPLATE_HINT = (
    "Gửi lại tệp theo mẫu báo cáo (.xlsx): lấy mẫu của đơn vị bằng lệnh `plan389 template "
    "--plan <Mã kế hoạch> --agency <Đơn vị báo cáo> <tệp>.xlsx` (hoặc xin cơ quan thường trực "
    "Ban Chỉ đạo 389 gửi mẫu), điền sheet ThongTin và các sheet số liệu, giữ nguyên tên sheet và "
    "dòng tiêu đề cột."
)

# ---------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One quarantine row, as a feedback copy shows it."""

    sheet: str
    row: int  # as Excel shows it
    column: str  # spec key, or "*" for the whole row
    header: str | None
    value: str | None  # None for the informant columns: never shown
    rule: str
    reason: str

    @classmethod
    def of(cls, row: Mapping[str, object]) -> Problem:
        """A quarantine row (mart_quarantine's `offending_value`, or ingestion's `value`)."""
        column = str(row.get("column_name") or WHOLE_ROW)
        value = row["offending_value"] if "offending_value" in row else row.get("value")
        rule = str(row["rule"])
        reason = row.get("reason_vi") or RULES.get(rule, (None, DEFAULT_REASON))[1]
        header = row.get("column_header")
        return cls(
            sheet=str(row["sheet"]),
            row=int(str(row["row_number"])),
            column=column,
            header=None if header is None else str(header),
            value=None if value is None or column in PII_KEYS else str(value),
            rule=rule,
            reason=str(reason),
        )

    @property
    def keys(self) -> tuple[str, ...]:
        """The spec keys the problem marks, its own first."""
        spanned = RULE_COLUMNS.get(self.rule, ())
        if self.column in spanned:
            return (self.column, *(k for k in spanned if k != self.column))
        return (self.column,)

    @property
    def fix(self) -> str:
        return FIXES.get(self.rule, DEFAULT_FIX)


# ---------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    """Where a sheet's table is in the copy: the spec it follows, its header row (Excel row
    number, None when not found) and each located spec key's column (Excel column number)."""

    spec: SheetSpec | None
    header_row: int | None
    columns: Mapping[str, int]

    @property
    def first_column(self) -> int:
        """The table's first column as its header locates it; column A without a header."""
        return min(self.columns.values(), default=1)


def _values(ws: Worksheet, max_row: int) -> dict[tuple[int, int], object]:
    # ws._cells, not ws.cell()/iter_rows(): those add an empty cell at every position they pass
    return {
        key: cell.value
        for key, cell in ws._cells.items()
        if key[0] <= max_row and cell.value is not None
    }


def top_rows(ws: Worksheet) -> pl.DataFrame:
    """The sheet's first rows as text, frame row i and column j being Excel row i+1, column j+1
    (what `locate_header` searches)."""
    values = _values(ws, HEADER_SEARCH_ROWS)
    height = max((r for r, _ in values), default=0)
    width = max((c for _, c in values), default=0)
    rows = [
        [None if (v := values.get((r, c))) is None else str(v) for c in range(1, width + 1)]
        for r in range(1, height + 1)
    ]
    return pl.DataFrame(rows, schema={f"c{c}": pl.String for c in range(width)}, orient="row")


def sheet_layout(ws: Worksheet) -> Layout:
    """The spec a sheet follows (by its name, else by the header it holds) and its table."""
    named = next((s for s in DATA_SHEETS if find_sheet([ws.title], s.name)), None)
    if named is None and find_sheet([ws.title], INFO_SHEET):
        return Layout(None, None, {})
    frame = top_rows(ws)
    best = Layout(named, None, {})
    for spec in [named] if named else DATA_SHEETS:
        index, mapping = locate_header(frame, spec)
        if index is not None and len(mapping) > len(best.columns):
            best = Layout(spec, index + 1, {key: p + 1 for key, p in mapping.items()})
    return best


def _anchor(ws: Worksheet, row: int, column: int) -> tuple[int, int]:
    """The cell holding a merged range's value, for a position inside one."""
    if not isinstance(ws._cells.get((row, column)), MergedCell):
        return row, column
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return merged.min_row, merged.min_col
    return row, column


def marked_cells(problem: Problem, layout: Layout) -> list[tuple[int, str | None]]:
    """(Excel column, spec key) of each cell a problem marks on its row; the row's first cell
    (key None) for a rule on the whole row or on a column the sheet lacks."""
    found = [(layout.columns[key], key) for key in problem.keys if key in layout.columns]
    return found or [(layout.first_column, None)]


# ---------------------------------------------------------------------------- informants


def _informant_columns(ws: Worksheet, layout: Layout) -> tuple[int, list[int]]:
    """(header row, columns) of the informant name and phone columns of a tips sheet: every
    column of its header row (else of the first top row naming one) headed so."""
    pii = {column_key(c.header) for c in layout.spec.columns if c.pii} if layout.spec else set()
    if not pii:
        return 0, []
    values = _values(ws, HEADER_SEARCH_ROWS)
    rows = [layout.header_row] if layout.header_row else range(1, HEADER_SEARCH_ROWS + 1)
    for row in rows:
        columns = sorted(c for (r, c), v in values.items() if r == row and column_key(v) in pii)
        if columns:
            return row, columns
    return 0, []


def blank_informants(ws: Worksheet, layout: Layout) -> None:
    """Empty every data cell of the informant columns, its comment and link with it."""
    header_row, columns = _informant_columns(ws, layout)
    for (row, column), cell in list(ws._cells.items()):
        if row > header_row and column in columns and not isinstance(cell, MergedCell):
            cell.value = None
            cell.comment = None
            cell.hyperlink = None


# ---------------------------------------------------------------------------- opening a copy


_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d*[1-9])?")  # as calamine prints a number
_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?")


def typed_value(text: str) -> object:
    """A cell's value from calamine's text of it: numbers, dates and booleans back to values
    ("0912", "1.10" and "1,5" stay text: no number prints so)."""
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    if text in ("true", "false"):
        return text == "true"
    if found := _MOMENT.fullmatch(text):
        try:
            return datetime(*(int(part or 0) for part in found.groups()))
        except ValueError:
            return text
    return text


def _safe_title(name: str, taken: Sequence[str]) -> str:
    """A sheet name openpyxl accepts, unlike the names of `taken`."""
    base = INVALID_TITLE_REGEX.sub("_", name).strip("'")[:31] or "Sheet"
    title, number, used = base, 1, {t.casefold() for t in taken}
    while title.casefold() in used:
        number += 1
        title = f"{base[: 31 - len(str(number)) - 3]} ({number})"
    return title


def _sheet_texts(reader: fastexcel.ExcelReader, name: str) -> dict[tuple[int, int], str]:
    """(Excel row, column) → calamine's text of every filled cell of a sheet."""
    try:
        sheet = reader.load_sheet(
            name, header_row=None, skip_rows=0, dtypes="string", n_rows=MAX_ROWS + 50
        )
    except fastexcel.FastExcelError:  # an empty sheet: nothing to load
        return {}
    frame = sheet.to_polars()
    texts: dict[tuple[int, int], str] = {}
    for position, info in enumerate(sheet.available_columns()):
        for row, text in enumerate(frame.to_series(position).to_list(), start=1):
            if text is not None and text != "":
                texts[(row, info.absolute_index + 1)] = text
    return texts


def _converted(source: Path) -> tuple[Workbook, dict[str, str]]:
    """An .xls or .ods as a new workbook of its values; (workbook, sheet name → its title)."""
    reader = fastexcel.read_excel(source)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    titles: dict[str, str] = {}
    for name in reader.sheet_names:
        ws = wb.create_sheet(_safe_title(name, wb.sheetnames))
        titles[name] = ws.title
        widths: dict[int, int] = {}
        for (row, column), text in _sheet_texts(reader, name).items():
            value = typed_value(text)
            cell = ws.cell(row, column)
            if isinstance(value, bool):
                cell.value = value  # TRUE stays TRUE (set_value writes "Có" for the reports)
            else:
                set_value(cell, value)
            if isinstance(value, datetime):
                cell.number_format = DATE if value.time() == time() else DATETIME
            widths[column] = max(widths.get(column, 0), len(text))
        for column, width in widths.items():
            ws.column_dimensions[get_column_letter(column)].width = min(50, max(10, width + 2))
    return wb, titles


def _is_previous_feedback(ws: Worksheet) -> bool:
    values = _values(ws, 2)
    return (
        ws.title == FEEDBACK_SHEET
        and tuple(values.get((2, c)) for c in range(1, len(LOI_HEADERS) + 1)) == LOI_HEADERS
    )


def _is_problem_fill(fill: PatternFill) -> bool:
    return fill.fill_type == "solid" and fill.fgColor.rgb == PROBLEM_FILL.fgColor.rgb


def clear_previous_feedback(wb: Workbook) -> None:
    """Remove the marks of an earlier feedback copy sent back: its Loi sheet, the comments
    plan389 wrote and its fills."""
    for ws in [ws for ws in wb.worksheets if _is_previous_feedback(ws)]:
        wb.remove(ws)
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if isinstance(cell, MergedCell):
                continue
            if cell.comment is not None and cell.comment.author == AUTHOR:
                cell.comment = None
            if _is_problem_fill(cell.fill):
                cell.fill = PatternFill()


def open_copy(source: Path) -> tuple[Workbook, dict[str, str]]:
    """The workbook to mark and each sheet name as sent → its title in the copy."""
    check_file(source)  # the reader's checks: nothing hostile reaches openpyxl or calamine
    if source.suffix.lower() in (".xls", ".ods"):
        return _converted(source)
    with warnings.catch_warnings():  # extensions openpyxl does not keep (x14 validations, …)
        warnings.simplefilter("ignore", UserWarning)
        wb = load_workbook(source)
    clear_previous_feedback(wb)
    for ws in wb.worksheets:
        ws._pivots = []  # a pivot cache holds copies of the cells, informants' included
    return wb, {ws.title: ws.title for ws in wb.worksheets}


def copy_name(source: Path) -> str:
    """The copy's file name: the agency's own, as .xlsx when it was not."""
    return source.name if source.suffix.lower() == ".xlsx" else f"{source.stem}.xlsx"


# ---------------------------------------------------------------------------- marking


def shown(value: object) -> str | None:
    """A cell's value as a comment shows it (dates as the quarantine shows them)."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def problem_note(problem: Problem, key: str | None, value: str | None) -> str:
    """One problem's lines in a cell's comment; `value` is the cell's, for the cell of `key`."""
    lines = [f"Lỗi: {problem.reason}"]
    if key is not None and key not in PII_KEYS:
        lines.append(f"Giá trị: {'(trống)' if value is None else value}")
    return "\n".join([*lines, f"Cách sửa: {problem.fix}"])


def _comment(notes: Sequence[str], earlier: Comment | None) -> Comment:
    text = "\n\n".join(dict.fromkeys(notes))  # the same note twice: once
    if earlier is not None:
        text += f"\n\n(Ghi chú có sẵn của đơn vị) {earlier.text}"
    lines = wrapped_lines(text, COMMENT_WIDTH / 7)
    return Comment(text, AUTHOR, height=min(600, 18 + 15 * lines), width=COMMENT_WIDTH)


@dataclass(frozen=True)
class Listed:
    """One row of the Loi sheet."""

    order: tuple[int, int, int, int]  # sheet position, row, column, input position
    problem: Problem
    sheet: str
    column: str
    link: str | None  # internal location of the cell, e.g. 'ToGiac'!F88


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _column_text(problem: Problem, layout: Layout, cells: list[tuple[int, str | None]]) -> str:
    if problem.column == WHOLE_ROW:
        return "Cả dòng"
    headers = {c.key: c.header for c in layout.spec.columns} if layout.spec else {}
    located = [
        f"{headers.get(key, problem.header) or key} (cột {get_column_letter(column)})"
        for column, key in cells
        if key is not None
    ]
    return ", ".join(located) or f"{problem.header or problem.column} (không có cột này)"


def mark_problems(
    wb: Workbook, titles: Mapping[str, str], problems: Sequence[Problem]
) -> list[Listed]:
    """Fill and comment every offending cell; the Loi rows, in sheet, row and column order."""
    sheets = {ws.title: ws for ws in wb.worksheets}
    layouts = {title: sheet_layout(ws) for title, ws in sheets.items()}
    for title, ws in sheets.items():
        blank_informants(ws, layouts[title])
    notes: dict[tuple[str, int, int], list[str]] = {}
    listed: list[Listed] = []
    for position, problem in enumerate(problems):
        title = titles.get(problem.sheet) or find_sheet(sheets, problem.sheet)
        if title is None:  # not a sheet of this workbook: listed, nothing to mark
            order = (len(sheets), problem.row, 0, position)
            column = problem.header or problem.column
            listed.append(Listed(order, problem, problem.sheet, column, None))
            continue
        ws, layout = sheets[title], layouts[title]
        cells = marked_cells(problem, layout)
        for column, key in cells:
            row, column = _anchor(ws, problem.row, column)
            value = problem.value if key == problem.column else shown(ws.cell(row, column).value)
            notes.setdefault((title, row, column), []).append(problem_note(problem, key, value))
        first = _anchor(ws, problem.row, cells[0][0])
        link = f"{_quoted(title)}!{get_column_letter(first[1])}{first[0]}"
        order = (list(sheets).index(title), problem.row, cells[0][0], position)
        listed.append(Listed(order, problem, title, _column_text(problem, layout, cells), link))
    for (title, row, column), texts in notes.items():
        cell = sheets[title].cell(row, column)
        cell.comment = _comment(texts, cell.comment)
        cell.fill = PROBLEM_FILL
    return sorted(listed, key=lambda item: item.order)


# ---------------------------------------------------------------------------- the Loi sheet


def _title_row(ws: Worksheet, text: str, columns: int, height: float) -> None:
    cell = set_value(ws.cell(1, 1), text)
    cell.font, cell.alignment = TITLE_FONT, Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.row_dimensions[1].height = height


def _header_row(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = set_value(ws.cell(row, column), text)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def add_problem_sheet(wb: Workbook, file_name: str, listed: Sequence[Listed]) -> Worksheet:
    """The new first sheet: every problem, linked to its cell; the sheet the copy opens on."""
    ws = wb.create_sheet(_safe_title(FEEDBACK_SHEET, wb.sheetnames), 0)
    _title_row(
        ws,
        f"LỖI CẦN SỬA TRONG TỆP {file_name}: {len(listed)} lỗi\n"
        "Ô có lỗi được tô màu đỏ nhạt và có ghi chú (lỗi, giá trị, cách sửa); bấm tên trang "
        "tính để tới ô. Tên, số điện thoại người cung cấp tin đã được xóa khỏi bản này: hãy sửa "
        "trên tệp gốc của đơn vị rồi gửi lại.",
        len(LOI_HEADERS),
        66,
    )
    _header_row(ws, 2, LOI_HEADERS)
    for column, width in enumerate(LOI_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row, item in enumerate(listed, start=LOI_FIRST_ROW):
        p = item.problem
        values = (item.sheet, p.row, item.column, p.value or "", p.reason, p.fix)
        for column, value in enumerate(values, start=1):
            cell = set_value(ws.cell(row, column), value)
            cell.border, cell.alignment = BORDER, WRAP
        if item.link is not None:
            first = ws.cell(row, 1)
            first.hyperlink = Hyperlink(ref=first.coordinate, location=item.link)
            first.font = LINK_FONT
        fit_row_height(ws, row)
    last = LOI_FIRST_ROW + len(listed) - 1
    if listed:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(LOI_HEADERS))}{last}"
    ws.freeze_panes = ws.cell(LOI_FIRST_ROW, 1).coordinate
    ws.print_title_rows = "2:2"
    print_landscape(ws, f"{AUTHOR}: lỗi cần sửa, {file_name[:80]}")
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = 0
    return ws


# ---------------------------------------------------------------------------- writing


def write_feedback_copy(
    source: Path, problems: Sequence[Mapping[str, object]], target_dir: Path
) -> Path:
    """Write `target_dir/<source name>` (.xlsx), the agency's workbook with every problem of
    `problems` (its quarantine rows) marked and listed; return its path."""
    target = target_dir / copy_name(source)
    if target.resolve() == source.resolve():
        raise ValueError(f"the feedback copy would overwrite the submission itself: {source}")
    wb, titles = open_copy(source)
    listed = mark_problems(wb, titles, [Problem.of(p) for p in problems])
    add_problem_sheet(wb, source.name, listed)
    save_workbook(wb, target)
    return target


# ---------------------------------------------------------------------------- refusals


# WorkbookError messages (English) → what the agency reads; the first that matches
_REFUSALS: tuple[tuple[str, str], ...] = (
    (r"^unsupported file type", "Loại tệp không được nhận: chỉ nhận tệp .xlsx, .xls hoặc .ods."),
    (r"^the file is empty", "Tệp rỗng, không có nội dung."),
    (r"^the file is \d+ MiB", f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // 1024**2} MiB)."),
    (r"old-format Excel file", "Tệp Excel dạng cũ (.xls) mang đuôi .xlsx: lưu lại dạng .xlsx."),
    (r"password-protected|encrypted", "Tệp được đặt mật khẩu: gửi lại tệp không đặt mật khẩu."),
    (
        r"^not a spreadsheet|^not an Excel file",
        "Tệp không phải bảng tính Excel hay LibreOffice (có thể là tệp CSV, văn bản đổi đuôi).",
    ),
    (
        r"zip bomb|compression method|XML tag",
        "Tệp có cấu trúc nén bất thường, không thể mở an toàn.",
    ),
    (
        r"without a saved\s+result",
        "Tệp có công thức chưa được tính: mở tệp bằng Excel rồi lưu lại, hoặc dán giá trị thay "
        "cho công thức.",
    ),
    (
        r"reaches row|spans \d+|distinct texts",
        "Trang tính vượt giới hạn xử lý (số dòng, số cột): chỉ giữ các bảng của mẫu.",
    ),
    (
        r"corrupt|damaged|cannot be read|cannot read the file",
        "Tệp bị hỏng hoặc tải về chưa đầy đủ.",
    ),
    (
        rf"^no {INFO_SHEET} sheet",
        f"Không có sheet {INFO_SHEET} (Đơn vị báo cáo, Mã kế hoạch, Kỳ báo cáo, Ngày báo cáo).",
    ),
    (
        r"^unknown Mã kế hoạch '([^']*)'",
        rf"Mã kế hoạch '\1' ở sheet {INFO_SHEET} không có trong danh sách kế hoạch.",
    ),
    (rf"^{INFO_SHEET}: '([^']+)' is empty", rf"Sheet {INFO_SHEET}: mục '\1' còn để trống."),
    (
        rf"^{INFO_SHEET}: 'Kỳ báo cáo'",
        f"Sheet {INFO_SHEET}: Kỳ báo cáo không đúng dạng (ví dụ {PERIOD_EXAMPLES}; hoặc "
        "Tháng 9/2026, Quý III/2026, Năm 2026).",
    ),
    (
        rf"^{INFO_SHEET}: 'Ngày báo cáo'",
        f"Sheet {INFO_SHEET}: Ngày báo cáo không phải ngày dạng dd/mm/yyyy.",
    ),
)


def refusal_reason_vi(reason: str) -> str | None:
    """Why a file was refused, in Vietnamese; None for a reason not known here."""
    for pattern, text in _REFUSALS:
        if found := re.search(pattern, reason):
            return found.expand(text)
    return None


def refusal_lines(file_name: str, reason: str) -> list[tuple[str, str]]:
    """(label, text) rows of a refusal sheet."""
    vietnamese = refusal_reason_vi(reason)
    lines = [("Tệp", file_name), ("Lý do", vietnamese or reason)]
    if vietnamese is not None:
        lines.append(("Chi tiết (kỹ thuật)", reason))
    return [*lines, ("Cần làm", TEMPLATE_HINT)]


def write_refusal_workbook(file_name: str, reason: str, target: Path) -> Path:
    """A one-sheet workbook `Loi` saying the file could not be used, why and what to do."""
    wb = Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    ws = wb.active
    ws.title = FEEDBACK_SHEET
    _title_row(ws, "KHÔNG SỬ DỤNG ĐƯỢC TỆP BÁO CÁO", 2, 22)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 22, 90
    for row, (label, text) in enumerate(refusal_lines(file_name, reason), start=3):
        head = set_value(ws.cell(row, 1), label)
        head.font, head.fill, head.border, head.alignment = (
            Font(bold=True),
            HEADER_FILL,
            BORDER,
            WRAP,
        )
        body = set_value(ws.cell(row, 2), text)
        body.border, body.alignment = BORDER, WRAP
        fit_row_height(ws, row)
    print_landscape(ws, f"{AUTHOR}: tệp không sử dụng được, {file_name[:80]}")
    save_workbook(wb, target)
    return target
