"""Finding the table on a sheet and turning its rows into typed records.

Agencies add title rows above the header, extra columns, blank rows, and retype headers in
other cases or without diacritics. The header row is the first of the top rows that names
most of the sheet's columns; columns are matched by `header_key`, ignoring a trailing
parenthesis (`Tiền phạt (đồng)` = `Tiền phạt`).

Many sheets of one kind (a batch of workbooks) are typed together, column by column: each
distinct cell text is parsed once by the functions in `normalize` and mapped back onto the
column. A batch of 256 tip registers holds ~480,000 cells but only ~30,000 distinct texts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
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
class SheetLayout:
    """Where one sheet's table is: its header row and which column holds each spec key."""

    name: str
    header_row: int | None  # Excel row number of the header; None: not found
    mapping: dict[str, int] = field(default_factory=dict)  # spec key → frame column index
    missing: list[Column] = field(default_factory=list)  # required columns not found


PROBLEM_SCHEMA = {
    "_sheet": pl.Int64,
    "_row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "rule": pl.String,
}
_DTYPES: dict[str, pl.DataType] = {"date": pl.Date(), "int": pl.Int64(), "money": pl.Int64()}


def value_dtype(column: Column) -> pl.DataType:
    return _DTYPES.get(column.kind, pl.String())


@dataclass
class SheetRows:
    """The data rows of many sheets of one kind, typed, with the problems met reading them.

    `rows`: every row read (not blank), `_sheet` (index into `layouts`), `_row` (Excel row
    number), then one typed column per spec key. `problems`: one row per cell problem, by
    sheet, row and column (PROBLEM_SCHEMA)."""

    spec: SheetSpec
    layouts: list[SheetLayout]
    rows: pl.DataFrame
    problems: pl.DataFrame


@dataclass
class SheetTable:
    """One sheet's rows as records, for reading a single sheet (tests, the CLI)."""

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


@functools.lru_cache(maxsize=1024)  # sheet names repeat across workbooks
def _sheet_key(name: str) -> str:
    return header_key(name)


def find_sheet(sheets: Iterable[str], name: str) -> str | None:
    """The sheet (of these names, or a dict's keys) that is `name` written any way."""
    wanted = _sheet_key(name)
    return next((s for s in sheets if _sheet_key(s) == wanted), None)


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
            if len(mapping) == len(wanted):  # every column named: no later row can do better
                break
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


def _typed_columns(raw: pl.DataFrame, spec: SheetSpec) -> pl.DataFrame:
    """Each spec column typed, with `_problem_<key>` (the rule) and `_text_<key>` (the cleaned
    text) beside it where a cell is not usable. Every distinct text is parsed once."""
    none = pl.lit(None, pl.String)
    columns: list[pl.Expr] = []
    for column in spec.columns:
        key, dtype = column.key, value_dtype(column)
        texts = raw[key].drop_nulls().unique(maintain_order=True)
        parsed = [_parse_cell(column, text) for text in texts.to_list()]
        values = pl.Series([value for value, _ in parsed], dtype=dtype)
        typed = pl.col(key).replace_strict(texts, values, default=None, return_dtype=dtype)
        bad = [(text, problem) for text, (_, problem) in zip(texts, parsed, strict=True) if problem]
        rule = text = none
        if bad:
            old = pl.Series([text for text, _ in bad], dtype=pl.String)
            rules = pl.Series([problem for _, problem in bad], dtype=pl.String)
            shown = pl.Series([clean(text) for text, _ in bad], dtype=pl.String)
            rule = pl.col(key).replace_strict(old, rules, default=None)
            text = pl.col(key).replace_strict(old, shown, default=None)
        columns += [
            (typed if parsed else pl.lit(None, dtype)).alias(key),
            rule.alias(f"_problem_{key}"),
            text.alias(f"_text_{key}"),
        ]
    return raw.with_columns(columns)


def _blank(key: str) -> pl.Expr:
    # the parsers give (None, None) exactly for a blank cell
    return pl.col(key).is_null() & pl.col(f"_problem_{key}").is_null()


def _problems(
    rows: pl.DataFrame, column: str, value: pl.Expr, rule: pl.Expr, order: int
) -> pl.DataFrame:
    """A problem (PROBLEM_SCHEMA, plus `_order` within the row) for each of `rows`."""
    return rows.select(
        "_sheet",
        "_row",
        pl.lit(column).alias("column"),
        value.cast(pl.String).alias("value"),
        rule.alias("rule"),
        pl.lit(order, pl.Int64).alias("_order"),
    )


def read_tables(sheets: Sequence[tuple[str, pl.DataFrame]], spec: SheetSpec) -> SheetRows:
    """(sheet name, cells as text) of many sheets of one kind → their rows, typed, together."""
    keys = [c.key for c in spec.columns]
    layouts: list[SheetLayout] = []
    parts: list[pl.DataFrame] = []
    unlocated: list[tuple[int, int]] = []  # (sheet, Excel row) under a header never found
    for index, (name, frame) in enumerate(sheets):
        header_index, mapping = locate_header(frame, spec)
        if header_index is None:
            # Rows under a header we cannot find are still rows read: quarantine each.
            layouts.append(SheetLayout(name, None))
            unlocated += [
                (index, number)
                for number, row in enumerate(frame.iter_rows(), start=1)
                if any(clean(v) is not None for v in row)
            ]
            continue
        missing = [c for c in spec.columns if c.required and c.key not in mapping]
        layouts.append(SheetLayout(name, header_index + 1, mapping, missing))
        first, height = header_index + 2, frame.height - header_index - 1
        # Series, not a select: a few µs each instead of a query per sheet
        parts.append(
            pl.DataFrame(
                [
                    pl.Series("_sheet", [index], dtype=pl.Int64).new_from_index(0, height),
                    pl.Series("_row", range(first, first + height), dtype=pl.Int64),
                    *[
                        frame.to_series(p).slice(header_index + 1).cast(pl.String).alias(k)
                        for k, p in mapping.items()
                    ],
                ]
            )
        )
    schema = {"_sheet": pl.Int64, "_row": pl.Int64} | {k: pl.String for k in keys}
    raw = pl.concat([pl.DataFrame(schema=schema), *parts], how="diagonal", rechunk=True)
    typed = _typed_columns(raw, spec)

    content = [c.key for c in spec.columns if not c.prefilled]
    # A row holding only the template's pre-filled code is blank, unless the sheet has no
    # other column to fill in (then a row with the code is a row).
    with_content = [i for i, lay in enumerate(layouts) if any(k in lay.mapping for k in content)]
    content_blank = pl.all_horizontal([_blank(k) for k in content]) if content else pl.lit(True)
    blank = pl.when(pl.col("_sheet").is_in(with_content)).then(content_blank)
    read = typed.filter(~blank.otherwise(pl.all_horizontal([_blank(k) for k in keys])))

    found: list[pl.DataFrame] = []
    count = len(spec.columns)
    none = pl.lit(None, pl.String)
    for order, column in enumerate(spec.columns):
        key = column.key
        parsed = read.filter(pl.col(f"_problem_{key}").is_not_null())
        text, rule = pl.col(f"_text_{key}"), pl.col(f"_problem_{key}")
        found.append(_problems(parsed, key, text, rule, order))
        if column.required:
            mapped = [i for i, lay in enumerate(layouts) if key in lay.mapping]
            empty = read.filter(_blank(key) & pl.col("_sheet").is_in(mapped))
            found.append(_problems(empty, key, none, pl.lit("required"), order))
            lacking = [i for i, lay in enumerate(layouts) if column in lay.missing]
            unmapped = read.filter(pl.col("_sheet").is_in(lacking))
            found.append(_problems(unmapped, key, none, pl.lit("missing_column"), count + order))
    lost = pl.DataFrame(unlocated, schema={"_sheet": pl.Int64, "_row": pl.Int64}, orient="row")
    found.append(_problems(lost, "*", none, pl.lit("header_not_found"), 0))
    problems = (
        pl.concat(found)
        .sort("_sheet", "_row", "_order", maintain_order=True)
        .select(list(PROBLEM_SCHEMA))
    )
    nulls = [pl.lit(None, value_dtype(c)).alias(c.key) for c in spec.columns]
    rows = pl.concat([read.select("_sheet", "_row", *keys), lost.with_columns(nulls)]).sort(
        "_sheet", "_row", maintain_order=True
    )
    return SheetRows(spec, layouts, rows, problems)


def read_table(frame: pl.DataFrame, sheet_name: str, spec: SheetSpec) -> SheetTable:
    """One sheet's rows as records (`_row` and every spec key) and its problems."""
    sheet = read_tables([(sheet_name, frame)], spec)
    layout = sheet.layouts[0]
    return SheetTable(
        spec,
        sheet_name,
        layout.header_row,
        layout.missing,
        records=sheet.rows.drop("_sheet").to_dicts(),
        problems=[
            CellProblem(p["_row"], p["column"], p["value"], p["rule"])
            for p in sheet.problems.iter_rows(named=True)
        ],
        rows_read=sheet.rows.height,
    )


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
