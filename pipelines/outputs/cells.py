"""Writing cells and workbooks the same way in every workbook the product writes (report
templates, annual reports, plan review workbooks).

Text is written as text: an agency name such as `=HYPERLINK(...)` or a deadline "- Quý II" must
never become a formula in an official's Excel. A workbook is saved with fixed timestamps (same
inputs, same bytes) and replaced atomically (a reader never sees half a file).
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

FORMULA_PREFIXES = ("=", "+", "-", "@")

# The look every workbook shares: header rows, grey reference cells, thin borders, wrapped text.
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HELPER_FILL = PatternFill("solid", fgColor="EDEDED")  # shown for reference, not to be typed in
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
LINK_FONT = Font(color="0563C1", underline="single")  # a cell holding a hyperlink
# number formats: percentages, counts, dates (Vietnamese day first), moments
PCT, COUNT, DATE, DATETIME = "0.0%", "#,##0", "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
FIXED_TIME = datetime(2026, 1, 1)  # workbook and zip timestamps: same inputs, same bytes


def wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped value takes in a column `width` characters wide (an estimate)."""
    per_line = max(1.0, (width - 1) * 1.1)  # about 1.15 characters per width unit, printed
    parts = str(value or "").split("\n")
    return sum(max(1, math.ceil(len(part) / per_line)) for part in parts)


def fit_row_height(ws: Worksheet, row: int) -> None:
    """Make a row of wrapped text as tall as its tallest cell: Excel and LibreOffice keep the
    default height on open, and the text would be cut."""
    lines = max(
        (
            wrapped_lines(cell.value, ws.column_dimensions[cell.column_letter].width or 13)
            for cell in ws[row]
            if isinstance(cell.value, str) and cell.alignment.wrap_text
        ),
        default=1,
    )
    if lines > 1:
        ws.row_dimensions[row].height = min(409, 15 * lines)  # 409: Excel's tallest row


def print_landscape(ws: Worksheet, footer: str) -> None:
    """A4 landscape, one page wide and as long as needed, the sheet and page number in the
    footer: how every sheet the product writes prints."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.right.text = "Trang &P/&N"


def set_value(cell: Cell, value: Any) -> Cell:
    """Write `value` as data: text stays text even when it starts with = + - or @."""
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]  # control characters corrupt XML
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
        return cell
    cell.value = value
    return cell


def fixed_bytes(wb: Workbook) -> bytes:
    """Save, then re-zip with fixed timestamps (openpyxl stamps `created` when the workbook is
    made, `modified` and the zip entries' times when it is saved)."""
    buf = io.BytesIO()
    wb.save(buf)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = tostring(wb.properties.to_tree())
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            zout.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def save_workbook(wb: Workbook, path: Path) -> None:
    """Write the workbook's fixed bytes to `path` through a temporary file and a rename."""
    data = fixed_bytes(wb)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
