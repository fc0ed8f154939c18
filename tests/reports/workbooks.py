"""Small report workbooks built by the tests (openpyxl), in the official layout or dirtier."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from pipelines.reports.spec import INFO_FIELDS, SheetSpec


def write_report(
    path: Path,
    info: dict[str, object],
    sheets: dict[SheetSpec, list[list[object]]],
    *,
    title_rows: int = 1,
    headers: dict[str, list[str]] | None = None,
) -> Path:
    """A workbook with a ThongTin sheet and data sheets; `headers` overrides a sheet's header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "ThongTin"
    for column in INFO_FIELDS:
        ws.append([column.header, info.get(column.key)])
    for spec, rows in sheets.items():
        sheet = wb.create_sheet(spec.name)
        for _ in range(title_rows):
            sheet.append([spec.title])
        sheet.append((headers or {}).get(spec.name) or [c.header for c in spec.columns])
        for row in rows:
            sheet.append(row)
    wb.save(path)
    return path


POLICE_TH = {
    "agency_name": "Công an tỉnh Thanh Hóa",
    "plan_id": "thanh-hoa-08-kh-ubnd-2026",
    "period": "2026",
    "report_date": date(2026, 9, 25),
    "prepared_by": "Lê Văn Lập",
}
