"""Property tests: whatever agencies type, reading a report never raises and loses no row.

- the cell parsers are total: blank → (None, None), anything else → a value or a problem;
- `read_table` on arbitrary grids (with or without a recognisable header) accounts for every
  non-blank row: it becomes a record, and every non-blank cell under a known column becomes a
  typed value or a problem;
- valid workbooks mutated (cells swapped or deleted, headers mangled, sheets renamed or
  removed) go through `ingest_workbook` to rows and quarantine, or to a clear file-level error.
"""

from __future__ import annotations

import tempfile
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pipelines.plans.loader import load_plan_folder
from pipelines.plans.text import fold
from pipelines.reports.ingest import PlanContext, WorkbookResult, ingest_workbook
from pipelines.reports.normalize import (
    EXCEL_EPOCH,
    clean,
    header_key,
    parse_choice,
    parse_count,
    parse_date,
    parse_period,
    parse_yes_no,
)
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.schemas import RULES
from pipelines.reports.sheets import locate_header, read_table
from pipelines.reports.spec import (
    DATA_SHEETS,
    ENFORCEMENT,
    FIELDS,
    TARGET_COUNTS,
    TASK_PROGRESS,
    TIPS,
    SheetSpec,
)
from tests.conftest import PLANS_DIR
from tests.reports.workbooks import POLICE_TH, write_report

INT64_MAX = 2**63 - 1

# ------------------------------------------------------------------------------ cell values

_LABELS = sorted(
    {c.label for spec in DATA_SHEETS for col in spec.columns for c in col.choices}
    | {col.header for spec in DATA_SHEETS for col in spec.columns}
    | {"Có", "x", "Không", "1.1", "2.6", "TG-1", "ecommerce_commitment_rate"}
)


def _date_forms(day: date) -> st.SearchStrategy[str]:
    serial = (day - EXCEL_EPOCH).days
    return st.sampled_from(
        [
            day.isoformat(),
            f"{day.isoformat()} 00:00:00",
            f"{day:%d/%m/%Y}",
            f"{day.day}-{day.month}-{day.year}",
            f"{day:%d.%m.%Y}",
            f"{day.day} / {day.month} / {day.year}",
            str(serial),
            f"{serial}.0",
            f"{day.day}/{day.month}",  # no year: not a date
        ]
    )


def _mangled(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            text,
            text.upper(),
            text.lower(),
            fold(text),
            unicodedata.normalize("NFD", text),
            f"  {text}\u00a0",
            text.replace(" ", "  "),
            f"{text} (ghi chú)",
            text[: len(text) // 2],
        ]
    )


DATES = st.dates(date(1899, 1, 1), date(2100, 12, 31)).flatmap(_date_forms)
NUMBERS = st.one_of(
    st.integers(-(10**6), 10**13).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}"),
    st.integers(0, 10**12).map(lambda n: f"{n:,}".replace(",", ".")),
    st.integers(0, 10**6).map(lambda n: f"{n}.0"),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text("0123456789", min_size=15, max_size=6000),  # a pasted digit run
    st.text("0123456789.,- ", max_size=30),
)
TEXT = st.text(max_size=40)  # any unicode, control characters included
CELLS = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(_LABELS).flatmap(_mangled),
    DATES,
    NUMBERS,
    TEXT,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(CELLS, st.integers(), st.floats(), st.dates()))
@example("1" * 400)  # was OverflowError in parse_date (a float of 1e399 is inf)
@example("9" * 5000)  # was ValueError in parse_count (int() refuses over 4300 digits)
@example("99999999999999999999")  # was loaded as a count past Int64, breaking the tables
@example("0000")  # was ValueError in parse_period (year 0)
@example("9999-Q4")  # was ValueError in parse_period (the quarter ends past year 9999)
def test_parsers_are_total(value: object) -> None:
    blank = clean(value) is None
    parsers = (
        parse_date,
        parse_count,
        parse_yes_no,
        parse_period,
        lambda v: parse_choice(v, FIELDS),
    )
    for parse in parsers:
        result, problem = parse(value)
        if blank:
            assert (result, problem) == (None, None)
        else:
            assert (result is None) != (problem is None), (parse, value, result, problem)
            # parse_period serves ThongTin, where a bad period is a file-level error
            assert problem in (None, "invalid_period") or problem in RULES
    count, _ = parse_count(value)
    assert count is None or abs(count) <= INT64_MAX  # the warehouse stores Int64
    assert clean(clean(value)) == clean(value)
    if isinstance(value, str):
        assert header_key(unicodedata.normalize("NFD", value)) == header_key(value)


# ------------------------------------------------------------------------------ grids


@st.composite
def grids(draw: st.DrawFn, spec: SheetSpec) -> list[list[str | None]]:
    """Rows of cells; often with the spec's header (mangled, reordered, partial) in the top rows."""
    rows = draw(st.lists(st.lists(CELLS, max_size=len(spec.columns) + 3), max_size=12))
    if draw(st.booleans()):
        columns = draw(st.permutations(spec.columns))
        kept = columns[: draw(st.integers(1, len(columns)))]
        header = [draw(_mangled(c.header)) for c in kept]
        header.insert(draw(st.integers(0, len(header))), draw(TEXT))  # an extra column
        rows.insert(draw(st.integers(0, min(len(rows), 4))), header)
    width = max((len(r) for r in rows), default=1)
    return [r + [None] * (width - len(r)) for r in rows]


def _frame(rows: list[list[str | None]]) -> pl.DataFrame:
    width = len(rows[0]) if rows else 1
    columns = {f"__UNNAMED__{i}": [r[i] for r in rows] for i in range(width)}
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def _typed(spec: SheetSpec, key: str, value: object) -> bool:
    column = spec.column(key)
    if value is None:
        return True
    if column.kind == "date":
        return isinstance(value, date)
    if column.kind in ("int", "money"):
        return isinstance(value, int) and abs(value) <= INT64_MAX
    if column.kind in ("choice", "yesno"):
        return value in {c.code for c in column.choices} | {"yes", "no"}
    return isinstance(value, str) and value == clean(value)


@pytest.mark.parametrize("spec", DATA_SHEETS, ids=lambda s: s.table)
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_read_table_accounts_for_every_row(spec: SheetSpec, data: st.DataObject) -> None:
    rows = data.draw(grids(spec))
    frame = _frame(rows)
    table = read_table(frame, "Sheet", spec)

    record_rows = [r["_row"] for r in table.records]
    assert table.rows_read == len(record_rows) == len(set(record_rows))
    assert {p.row_number for p in table.problems} <= set(record_rows)
    assert all(p.rule in RULES for p in table.problems)
    header_index, mapping = locate_header(frame, spec)
    if header_index is None:
        assert table.header_row is None
        expected = [i for i, row in enumerate(rows, start=1) if any(map(clean, row))]
        assert record_rows == expected
        assert {(p.row_number, p.rule) for p in table.problems} == {
            (n, "header_not_found") for n in expected
        }
        return
    assert table.header_row == header_index + 1
    content = [c.key for c in spec.columns if c.key in mapping and not c.prefilled]
    watched = content or list(mapping)  # only a pre-filled code: a row with it is a row
    expected = [
        i
        for i, row in enumerate(rows, start=1)
        if i > table.header_row and any(clean(row[mapping[k]]) for k in watched)
    ]
    assert record_rows == expected
    problems = {(p.row_number, p.column) for p in table.problems}
    for record in table.records:
        assert set(record) == {"_row"} | {c.key for c in spec.columns}
        for key, value in record.items():
            if key == "_row":
                continue
            assert _typed(spec, key, value), (key, value)
            raw = rows[record["_row"] - 1][mapping[key]] if key in mapping else None
            # a non-blank cell under a known column is a value or a problem, never dropped
            if clean(raw) is not None:
                assert value is not None or (record["_row"], key) in problems


# --------------------------------------------------------------- mutated workbooks, ingested


@pytest.fixture(scope="module")
def ctx() -> PlanContext:
    frames = load_plan_folder(PLANS_DIR).frames
    return PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )


@pytest.fixture(scope="module")
def valid_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every sheet of the official layout, with rows that load."""
    tip = ["TG-1", "05/03/2026", "Đường dây nóng", "Tố giác", "Buôn lậu", "06/03/2026"]
    resolved = ["TG-2", "07/03/2026", "Văn bản", "Tin báo", "Hàng giả", date(2026, 3, 8)]
    sheets = {
        TIPS: [
            [*tip, None, None, None, "Nguyễn Văn An", "0912345678"],
            [*resolved, date(2026, 4, 1), "Khởi tố vụ án", "Có", None, None],
        ],
        ENFORCEMENT: [["Buôn lậu", "120", "45", "40", "1.234.500.000", None, "5", "7"]],
        TASK_PROGRESS: [["6.2", "Hoàn thành", "01/04/2026", "Báo cáo", None]],
        TARGET_COUNTS: [["ecommerce_commitment_rate", "1.240", "1.175"]],
    }
    path = tmp_path_factory.mktemp("valid") / "valid.xlsx"
    return write_report(path, {**POLICE_TH, "report_date": date(2026, 9, 25)}, sheets)


def test_the_valid_workbook_loads_every_sheet(valid_workbook: Path, ctx: PlanContext) -> None:
    result = ingest_workbook(valid_workbook, "valid.xlsx", ctx, Pseudonymizer(b"k"))
    assert result.error is None
    assert {t: len(r) for t, r in result.rows.items()} == {
        "task_progress": 1,
        "tips": 2,
        "enforcement": 1,
        "target_counts": 1,
    }


def _storable(value: str | None) -> str | None:
    """What a cell can hold: XML forbids most control characters (openpyxl refuses them)."""
    return None if value is None else ILLEGAL_CHARACTERS_RE.sub("", value)


MUTATIONS = ("swap", "delete", "junk", "header", "rename", "remove", "insert_row")


def _mutate(path: Path, data: st.DataObject) -> None:
    book = load_workbook(path)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        kind = data.draw(st.sampled_from(MUTATIONS), label="kind")
        sheet = book[data.draw(st.sampled_from(book.sheetnames), label="sheet")]
        rows, columns = st.integers(1, max(sheet.max_row, 1)), st.integers(1, sheet.max_column)

        def cell(sheet=sheet, rows=rows, columns=columns):
            return sheet.cell(data.draw(rows, label="row"), data.draw(columns, label="column"))

        if kind == "swap":
            a, b = cell(), cell()
            a.value, b.value = b.value, a.value
        elif kind == "delete":
            cell().value = None
        elif kind == "junk":
            cell().value = _storable(data.draw(CELLS, label="junk"))
        elif kind == "header":
            target = cell()
            if isinstance(target.value, str):
                target.value = _storable(data.draw(_mangled(target.value) | TEXT, label="header"))
        elif kind == "rename":
            sheet.title = (
                data.draw(
                    _mangled(sheet.title) | st.text("abcXYZ đĐ-_ ", min_size=1, max_size=20),
                    label="title",
                ).strip()[:31]
                or "x"
            )
        elif kind == "remove" and len(book.sheetnames) > 1:
            book.remove(sheet)
        elif kind == "insert_row":
            sheet.insert_rows(data.draw(rows, label="at"))
    book.save(path)


def _accounted(result: WorkbookResult) -> bool:
    for count in result.counts:
        quarantined = {q["row_number"] for q in result.quarantine if q["sheet"] == count.sheet}
        if count.rows_read != count.rows_loaded + count.rows_quarantined:
            return False
        if len(quarantined) != count.rows_quarantined:
            return False
    return sum(len(r) for r in result.rows.values()) == sum(c.rows_loaded for c in result.counts)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_workbooks_load_or_fail_clearly(
    valid_workbook: Path, ctx: PlanContext, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xlsx"
        path.write_bytes(valid_workbook.read_bytes())
        _mutate(path, data)
        result = ingest_workbook(path, path.name, ctx, Pseudonymizer(b"k"))
    event("file-level error" if result.error else "rows or quarantine")
    if result.error is not None:
        assert result.error.strip() and result.rows == {} and result.quarantine == []
    else:
        assert result.info is not None and _accounted(result)
