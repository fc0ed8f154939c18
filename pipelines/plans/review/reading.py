"""A plan review workbook → `PlanReview`, or a `ReviewError` that says why it cannot be used.

The file goes through the same container checks as agencies' report workbooks (truncated,
encrypted, bomb-sized or hostile files are refused before calamine reads them), then every sheet
is read as text. Fatal: a missing sheet, duplicate task codes, a task row without its code.
Not fatal: a date or a period that cannot be read is kept as text on the task, which is then
flagged for review.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.plans.model import ReportingObligation, Target
from pipelines.plans.review.layout import (
    DELETE,
    DOCUMENT_HEADERS,
    DUTY_COLUMNS,
    DUTY_KINDS,
    DUTY_SHEET,
    LEVELS,
    PLAN_FIELDS,
    PLAN_SHEET,
    RECURRENCES,
    REQUIRED_SHEETS,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK_COLUMNS,
    TASK_SHEET,
    Column,
    choice,
)
from pipelines.plans.review.model import PlanReview, ReviewError, ReviewTask
from pipelines.reports.normalize import clean, header_key, parse_count, parse_date
from pipelines.reports.reader import WorkbookError, read_sheets

_HEADER_ROWS = 10  # a header row is looked for among the first rows of a sheet


def read_review(path: Path, name: str | None = None) -> PlanReview:
    """Read and check one review workbook; `name` is how messages and tables call it."""
    name = name or path.name
    try:
        data = path.read_bytes()
        sheets = read_sheets(path)
    except WorkbookError as exc:
        raise ReviewError(f"{name}: {exc}") from exc
    except OSError as exc:
        raise ReviewError(f"{name}: cannot read the file ({exc.strerror})") from exc
    return parse_review(sheets, name, hashlib.sha256(data).hexdigest(), _mtime(path))


def has_plan_sheet(path: Path) -> bool:
    """True when the workbook has a KeHoach sheet (a review workbook, whatever its name)."""
    try:
        return _sheet(read_sheets(path), PLAN_SHEET) is not None
    except (WorkbookError, OSError):
        return False


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)


def parse_review(
    sheets: dict[str, pl.DataFrame], name: str, sha256: str, modified: datetime
) -> PlanReview:
    """The review held by a workbook's sheets (every cell as text); pure."""
    found = {s: _sheet(sheets, s) for s in REQUIRED_SHEETS}
    missing = [s for s, frame in found.items() if frame is None]
    if missing:
        raise ReviewError(
            f"{name}: not a complete plan review workbook: sheet(s) {', '.join(missing)} missing "
            f"(a review workbook has the sheets {', '.join(REQUIRED_SHEETS)}; write one with "
            "`plan389 review-plan`)"
        )
    fields, documents = _plan_sheet(found[PLAN_SHEET])  # type: ignore[arg-type]
    reviewed, problems = fields.pop("reviewed_at"), []
    reviewed_at, source = modified, "file time"
    if isinstance(reviewed, date):
        reviewed_at, source = datetime.combine(reviewed, datetime.min.time()), "Ngày rà soát"
    elif reviewed:
        problems.append(f"Ngày rà soát {reviewed!r} is not a date; the file's time is used")
    plan_id = fields.pop("plan_id")
    return PlanReview(
        file_name=name,
        sha256=sha256,
        plan_id=str(plan_id).strip().lower() if plan_id else None,
        reviewed_at=reviewed_at,
        reviewed_at_source=source,
        fields=fields,
        documents=documents,
        tasks=_tasks(found[TASK_SHEET], name),  # type: ignore[arg-type]
        targets=_targets(found[TARGET_SHEET], problems),  # type: ignore[arg-type]
        obligations=_obligations(found[DUTY_SHEET], problems),  # type: ignore[arg-type]
        problems=problems,
    )


def _sheet(sheets: dict[str, pl.DataFrame], wanted: str) -> pl.DataFrame | None:
    return next((f for s, f in sheets.items() if header_key(s) == header_key(wanted)), None)


def _rows(frame: pl.DataFrame) -> list[list[str | None]]:
    return [[clean(v) for v in row] for row in frame.iter_rows()]


def _raw_rows(frame: pl.DataFrame) -> list[list[str | None]]:
    """Cells with their line breaks (agency lists may be typed one name per line)."""
    return [[v if v is None else str(v) for v in row] for row in frame.iter_rows()]


# ------------------------------------------------------------------------------ KeHoach


def _plan_sheet(frame: pl.DataFrame) -> tuple[dict, list[tuple[str, str]]]:
    by_key = {header_key(c.header): c for c in PLAN_FIELDS}
    fields: dict[str, str | date | None] = {c.key: None for c in PLAN_FIELDS}
    documents: list[tuple[str, str]] = []
    in_documents = False
    for row in _rows(frame):
        label, value = [*row, None, None][:2]
        key = header_key(label)
        if key == header_key(DOCUMENT_HEADERS[0]):
            in_documents = True
            continue
        if in_documents:
            if label and value:
                documents.append((label, value.lower()))
            continue
        column = by_key.get(key)
        if column is None or value is None:
            continue
        fields[column.key] = _plan_value(column, value)
    return fields, documents


def _plan_value(column: Column, value: str) -> str | date | None:
    if column.key in ("issue_date", "reviewed_at"):
        parsed, _ = parse_date(value)
        return parsed or value
    if column.key == "level":
        return choice(value, LEVELS) or value
    if column.key == "locality_code":
        return value.removesuffix(".0")
    return value


# ------------------------------------------------------------------------------ tables


def _table(frame: pl.DataFrame, columns: tuple[Column, ...], raw: bool = False):
    """(sheet row number, {column key: text}) for each non-blank row under the header row."""
    rows = _raw_rows(frame) if raw else _rows(frame)
    header = _header(rows, {header_key(c.header): c.key for c in columns})
    if header is None:
        return
    at, index = header
    for number, row in enumerate(rows[at + 1 :], start=at + 2):
        values = {key: row[i] if i < len(row) else None for key, i in index.items()}
        if any(clean(v) for v in values.values()):
            yield number, values


def _header(rows: list[list[str | None]], wanted: dict[str, str]) -> tuple[int, dict] | None:
    """(index of the header row, {column key: column index}); the first row naming two columns."""
    for at, row in enumerate(rows[:_HEADER_ROWS]):
        keys = [header_key(cell) for cell in row]
        if sum(k in wanted for k in keys) >= 2:
            return at, {wanted[k]: i for i, k in enumerate(keys) if k in wanted}
    return None


def _names(text: str | None) -> list[str]:
    """Agency names separated by "; " (or one per line)."""
    names = [clean(part) for part in re.split(r"[;\n]", text or "")]
    return list(dict.fromkeys(n for n in names if n))


def _tasks(frame: pl.DataFrame, name: str) -> list[ReviewTask]:
    tasks: list[ReviewTask] = []
    rows_of: dict[str, list[int]] = {}
    for row, values in _table(frame, TASK_COLUMNS, raw=True):
        text = {k: clean(v) for k, v in values.items()}
        code = (text.get("task_code") or "").removesuffix(".0")
        if not code:
            raise ReviewError(
                f"{name}: {TASK_SHEET} row {row} has content but no Mã nhiệm vụ; give every "
                "task a code (a new task: any code not used in the plan)"
            )
        task = ReviewTask(
            row=row,
            task_code=code,
            title=text.get("title"),
            group_code=(text.get("group_code") or "").removesuffix(".0") or None,
            group_title=text.get("group_title"),
            leads=_names(values.get("leads")),
            coordinators=_names(values.get("coordinators")),
            deadline_text=text.get("deadline_text"),
            expected_output=text.get("expected_output"),
            delete=choice(text.get("action"), {"delete": DELETE}) == "delete",
            note=text.get("note"),
        )
        due, problem = parse_date(text.get("due_date"))
        task.due_date = due
        if problem:
            task.problems.append(f"Ngày đến hạn {text.get('due_date')!r} is not a date")
        if text.get("recurrence"):
            task.recurrence = choice(text["recurrence"], RECURRENCES)
            if task.recurrence is None:
                task.problems.append(
                    f"Định kỳ {text['recurrence']!r} is not one of "
                    f"{', '.join(RECURRENCES.values())}"
                )
        tasks.append(task)
        rows_of.setdefault(code, []).append(row)
    repeated = {c: rows for c, rows in rows_of.items() if len(rows) > 1}
    if repeated:
        listed = "; ".join(
            f"{c} (rows {', '.join(map(str, rows))})" for c, rows in sorted(repeated.items())
        )
        raise ReviewError(
            f"{name}: duplicate Mã nhiệm vụ in {TASK_SHEET}: {listed}; each task needs its own code"
        )
    return tasks


def _threshold(text: str | None) -> float | None:
    if not text:
        return None
    compact = text.replace(" ", "").replace(",", ".")
    percent = compact.endswith("%")
    try:
        value = float(compact.rstrip("%"))
    except ValueError:
        return None
    return value / 100 if percent or value > 1.5 else value


def _targets(frame: pl.DataFrame, problems: list[str]) -> list[Target]:
    targets: list[Target] = []
    for row, v in _table(frame, TARGET_COLUMNS):
        comparator = {"≥": ">=", "=>": ">="}.get(v.get("comparator") or "", v.get("comparator"))
        threshold = _threshold(v.get("threshold"))
        if not v.get("metric") or threshold is None:
            problems.append(
                f"{TARGET_SHEET} row {row} left out: it needs a Chỉ tiêu and a number in Ngưỡng "
                f"(found {v.get('metric')!r}, {v.get('threshold')!r})"
            )
            continue
        targets.append(
            Target(
                metric=v["metric"],  # type: ignore[arg-type]
                comparator=">" if comparator == ">" else ">=",
                threshold=threshold,
                source_text=v.get("source_text") or "",
                task_code=(v.get("task_code") or "").removesuffix(".0") or None,
            )
        )
    return targets


def _obligations(frame: pl.DataFrame, problems: list[str]) -> list[ReportingObligation]:
    duties: list[ReportingObligation] = []
    for row, v in _table(frame, DUTY_COLUMNS):
        kind = choice(v.get("kind"), DUTY_KINDS)
        if kind is None:
            problems.append(
                f"{DUTY_SHEET} row {row} left out: its Loại {v.get('kind')!r} is not one of "
                f"{', '.join(DUTY_KINDS.values())}"
            )
            continue
        duties.append(
            ReportingObligation(
                reporter=v.get("reporter") or "",
                recipient=v.get("recipient") or "",
                due_text=v.get("due_text") or "",
                kind=kind,  # type: ignore[arg-type]
                due_day=parse_count(v.get("due_day"))[0],
                due_month=parse_count(v.get("due_month"))[0],
                due_date=parse_date(v.get("due_date"))[0],
            )
        )
    return duties
