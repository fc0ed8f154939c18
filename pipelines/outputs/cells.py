"""Writing cells and workbooks the same way in every workbook the product writes (report
templates, annual reports, plan review workbooks).

Text is written as text: an agency name such as `=HYPERLINK(...)` or a deadline "- Quý II" must
never become a formula in an official's Excel. A workbook is saved with fixed timestamps (same
inputs, same bytes) and replaced atomically (a reader never sees half a file).
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.xml.functions import tostring

FORMULA_PREFIXES = ("=", "+", "-", "@")
FIXED_TIME = datetime(2026, 1, 1)  # workbook and zip timestamps: same inputs, same bytes


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
    """Save, then re-zip with fixed timestamps (openpyxl stamps `modified` and zip times)."""
    buf = io.BytesIO()
    wb.save(buf)
    wb.properties.modified = FIXED_TIME
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
