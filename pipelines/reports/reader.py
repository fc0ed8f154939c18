"""Opening a submitted file safely and reading every sheet as text.

Agencies send anything: truncated downloads, CSVs renamed .xlsx, password-protected files, and
once in a while a zip that inflates to gigabytes. Each is refused here with a reason before
calamine is asked to parse it; what passes is read as text cells (types come later).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import fastexcel
import polars as pl

SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
MAX_FILE_BYTES = 50 * 1024**2
MAX_INFLATED_BYTES = 400 * 1024**2  # all zip members together
MAX_RATIO = 200  # inflated / compressed, per member: real workbooks stay far below
MAX_ROWS = 100_000  # rows per sheet
MAX_COLUMNS = 200

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(ValueError):
    """The file cannot be used at all; the message (English) says why."""


def check_container(path: Path, data_head: bytes, size: int) -> None:
    """Refuse files that are not spreadsheets, are damaged, encrypted or a zip bomb."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkbookError(f"unsupported file type '{path.suffix}' (send .xlsx, .xls or .ods)")
    if size == 0:
        raise WorkbookError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"the file is {size / 1024**2:.0f} MiB; the limit is 50 MiB")
    if data_head.startswith(_OLE):
        if suffix in (".xlsx", ".xlsm"):
            raise WorkbookError(
                "the workbook is password-protected (encrypted); send it unprotected"
            )
        return  # legacy .xls
    if not data_head.startswith(b"PK"):
        if suffix == ".xls":
            raise WorkbookError("not an Excel file (no .xls signature)")
        raise WorkbookError(
            "not a spreadsheet: the file is not a zip-based workbook (a CSV or text?)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"the workbook is corrupt or truncated ({exc})") from exc
    inflated = sum(m.file_size for m in members)
    if inflated > MAX_INFLATED_BYTES:
        raise WorkbookError(
            f"the workbook inflates to {inflated / 1024**2:.0f} MiB (limit "
            f"{MAX_INFLATED_BYTES // 1024**2} MiB): refused as a possible zip bomb"
        )
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise WorkbookError(
                f"member {member.filename} inflates {member.file_size // member.compress_size}x: "
                "refused as a possible zip bomb"
            )


def read_sheets(path: Path) -> dict[str, pl.DataFrame]:
    """Every sheet as a frame of text cells; frame row i is the sheet's row i + 1."""
    with path.open("rb") as handle:
        head = handle.read(8)
    check_container(path, head, path.stat().st_size)
    try:
        reader = fastexcel.read_excel(path)
        sheets: dict[str, pl.DataFrame] = {}
        for name in reader.sheet_names:
            sheet = reader.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string", n_rows=MAX_ROWS + 50
            )
            if sheet.total_height > MAX_ROWS + 50:
                raise WorkbookError(
                    f"sheet '{name}' has {sheet.total_height} rows; the limit is {MAX_ROWS}"
                )
            if sheet.width > MAX_COLUMNS:
                raise WorkbookError(
                    f"sheet '{name}' has {sheet.width} columns; the limit is {MAX_COLUMNS}"
                )
            sheets[name] = sheet.to_polars()
        return sheets
    except WorkbookError:
        raise
    except (fastexcel.FastExcelError, OSError, ValueError) as exc:
        raise WorkbookError(f"the workbook cannot be read ({type(exc).__name__}: {exc})") from exc
