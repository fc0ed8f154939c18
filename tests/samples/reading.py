"""Reading sample workbooks back as a tolerant reader would: dirt and all."""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path

import openpyxl

from pipelines.plans.text import fold
from pipelines.reports.spec import INFO_FIELDS, INFO_SHEET, SheetSpec


@functools.cache
def book(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def read_sheet(path: Path, spec: SheetSpec) -> tuple[int, list, list[dict]]:
    """(header row index, header cells, non-blank data rows keyed by spec column); headers are
    matched folded, as a tolerant reader would match them."""
    keys = {fold(c.header): c.key for c in spec.columns}
    rows = book(path)[spec.name]
    h = next(
        i for i, r in enumerate(rows) if sum(isinstance(v, str) and fold(v) in keys for v in r) > 1
    )
    names = [keys.get(fold(v)) if isinstance(v, str) else v for v in rows[h]]
    data = [
        dict(zip(names, r, strict=False)) for r in rows[h + 1 :] if any(v is not None for v in r)
    ]
    return h, list(rows[h]), data


def info(path: Path) -> dict[str, object]:
    by_header = {c.header: c.key for c in INFO_FIELDS}
    return {by_header[label]: value for label, value in book(path)[INFO_SHEET]}


def as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value), fmt).date()
        except ValueError:
            continue
    return None
