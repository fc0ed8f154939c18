"""Edit a plan review workbook with openpyxl, as an official does in Excel: cells found by the
headers printed in the sheet (not by the code's layout), values typed as text or dates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet


def headers(ws: Worksheet, row: int = 1) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[row] if c.value is not None}


def task_row(ws: Worksheet, code: str) -> int:
    column = headers(ws)["Mã nhiệm vụ"]
    for r in range(2, ws.max_row + 1):
        if str(ws.cell(r, column).value or "").strip() == code:
            return r
    raise KeyError(f"no task {code} in {ws.title}")


def set_cells(ws: Worksheet, row: int, values: dict[str, object]) -> None:
    """Put `values` ({printed header: value}) in one row."""
    columns = headers(ws)
    for header, value in values.items():
        ws.cell(row, columns[header]).value = value


def set_task(ws: Worksheet, code: str, **values: object) -> None:
    set_cells(ws, task_row(ws, code), {_HEADERS[k]: v for k, v in values.items()})


def add_task(ws: Worksheet, **values: object) -> None:
    column = headers(ws)["Mã nhiệm vụ"]
    row = next(r for r in range(2, ws.max_row + 2) if ws.cell(r, column).value in (None, ""))
    set_cells(ws, row, {_HEADERS[k]: v for k, v in values.items()})


def set_plan(ws: Worksheet, label: str, value: object) -> None:
    """A KeHoach value, by its label in column A."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            ws.cell(r, 2).value = value
            return
    raise KeyError(label)


def plan_value(ws: Worksheet, label: str) -> object:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            return ws.cell(r, 2).value
    raise KeyError(label)


def edit(path: Path, change: Callable, out: Path | None = None) -> Path:
    """Open the workbook, let `change(workbook)` edit it, save to `out` (default: in place)."""
    wb = load_workbook(path)
    change(wb)
    wb.save(out or path)
    return out or path


def task_values(ws: Worksheet) -> dict[str, dict[str, object]]:
    """{Mã nhiệm vụ: {printed header: value}} of every task row."""
    columns = headers(ws)
    out: dict[str, dict[str, object]] = {}
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, columns["Mã nhiệm vụ"]).value
        if code not in (None, ""):
            out[str(code)] = {h: ws.cell(r, c).value for h, c in columns.items()}
    return out


# Short keyword → the header an official sees.
_HEADERS = {
    "code": "Mã nhiệm vụ",
    "group": "Nhóm",
    "title": "Nội dung",
    "leads": "Cơ quan chủ trì",
    "coordinators": "Cơ quan phối hợp",
    "deadline": "Thời hạn",
    "due": "Ngày đến hạn",
    "recurrence": "Định kỳ",
    "output": "Sản phẩm",
    "action": "Thao tác",
    "note": "Ghi chú của người rà soát",
}
