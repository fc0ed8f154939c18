"""Finding the table on a sheet and turning its rows into typed records.

Agencies add title rows above the header, extra columns, blank rows, and retype headers in
other cases or without diacritics. The header row is the first of the top rows that names
most of the sheet's columns; columns are matched by `header_key`, ignoring a trailing
parenthesis (`Tiền phạt (đồng)` = `Tiền phạt`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.reports.normalize import (
    clean,
    header_key,
    parse_choice,
    parse_count,
    parse_date,
    parse_yes_no,
)
from pipelines.reports.spec import Column, SheetSpec

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class CellProblem:
    row_number: int  # as Excel shows it
    column: str  # spec column key, or "*" for the whole row
    value: str | None
    rule: str


@dataclass
class SheetTable:
    """The rows of one data sheet, typed, with the problems met while reading them."""

    spec: SheetSpec
    sheet_name: str
    header_row: int | None  # Excel row number of the header
    missing: list[Column] = field(default_factory=list)  # required columns not found
    records: list[dict] = field(default_factory=list)  # includes "_row"
    problems: list[CellProblem] = field(default_factory=list)
    rows_read: int = 0


@functools.lru_cache(maxsize=8192)  # headers and the top rows repeat across workbooks
def column_key(text: object) -> str:
    return header_key(re.sub(r"\(.*?\)", "", clean(text) or ""))


def find_sheet(sheets: dict[str, pl.DataFrame], name: str) -> str | None:
    wanted = header_key(name)
    return next((s for s in sheets if header_key(s) == wanted), None)


def locate_header(frame: pl.DataFrame, spec: SheetSpec) -> tuple[int | None, dict[str, int]]:
    """(frame row index of the header, spec key → frame column index)."""
    wanted = {column_key(c.header): c.key for c in spec.columns}
    best: tuple[int | None, dict[str, int]] = (None, {})
    for index, row in enumerate(frame.head(HEADER_SEARCH_ROWS).iter_rows()):
        mapping: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = wanted.get(column_key(cell))
            if key is not None and key not in mapping:
                mapping[key] = position
        if len(mapping) > len(best[1]):
            best = (index, mapping)
    needed = max(1, len([c for c in spec.columns if c.required]) // 2)
    return best if len(best[1]) >= needed else (None, {})


def _parse_cell(column: Column, raw: str | None) -> tuple[object, str | None]:
    if column.kind == "date":
        return parse_date(raw)
    if column.kind in ("int", "money"):
        return parse_count(raw)
    if column.kind == "choice":
        return parse_choice(raw, column.choices)
    if column.kind == "yesno":
        return parse_yes_no(raw)
    return clean(raw), None


def read_table(frame: pl.DataFrame, sheet_name: str, spec: SheetSpec) -> SheetTable:
    header_index, mapping = locate_header(frame, spec)
    table = SheetTable(spec, sheet_name, None if header_index is None else header_index + 1)
    if header_index is None:
        # Rows under a header we cannot find are still rows read: quarantine each, never drop.
        for index, row in enumerate(frame.iter_rows(), start=1):
            if any(clean(v) is not None for v in row):
                table.rows_read += 1
                table.records.append({"_row": index})
                table.problems.append(CellProblem(index, "*", None, "header_not_found"))
        return table
    table.missing = [c for c in spec.columns if c.required and c.key not in mapping]
    content_keys = [c.key for c in spec.columns if c.key in mapping and not c.prefilled]
    body = frame.slice(header_index + 1)
    raw = {key: body.to_series(position).to_list() for key, position in mapping.items()}
    # Parse each distinct cell text once: a column repeats few values (dates, choices, counts),
    # which makes a sheet of thousands of rows cost hundreds of parses, not tens of thousands.
    parsed: dict[str, list[tuple[object, str | None]]] = {}
    cleaned: dict[str, list[str | None]] = {}
    for column in spec.columns:
        if column.key in raw:
            values = raw[column.key]
            memo = {v: _parse_cell(column, v) for v in set(values)}
            parsed[column.key] = [memo[v] for v in values]
            texts = {v: clean(v) for v in memo}
            cleaned[column.key] = [texts[v] for v in values]
    for offset in range(body.height):
        index = header_index + 2 + offset
        if all(cleaned[k][offset] is None for k in content_keys) and (
            content_keys or all(cleaned[k][offset] is None for k in cleaned)
        ):
            continue  # blank, or only the template's pre-filled code
        table.rows_read += 1
        record: dict[str, object] = {"_row": index}
        for column in spec.columns:
            key = column.key
            value, problem = parsed[key][offset] if key in parsed else (None, None)
            if problem is None and value is None and column.required and key in mapping:
                problem = "required"
            if problem:
                table.problems.append(CellProblem(index, key, cleaned[key][offset], problem))
            record[key] = value
        for column in table.missing:
            table.problems.append(CellProblem(index, column.key, None, "missing_column"))
        table.records.append(record)
    return table


def read_info(frame: pl.DataFrame, fields: tuple[Column, ...]) -> dict[str, str | None]:
    """Label/value pairs of the ThongTin sheet: the label in one cell, the value right of it."""
    wanted = {column_key(c.header): c.key for c in fields}
    found: dict[str, str | None] = {}
    for row in frame.iter_rows():
        cells = list(row)
        for position, cell in enumerate(cells):
            key = wanted.get(column_key(cell))
            if key and key not in found:
                # The value is the next cell; anything further right is a hint, not a value.
                found[key] = clean(cells[position + 1]) if position + 1 < len(cells) else None
                break
    return found
