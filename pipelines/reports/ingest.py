"""One submitted workbook → loaded rows, quarantined rows, or a file-level error.

Every data row read ends up either loaded or quarantined (with the rule it broke and a reason
in Vietnamese and English); `SheetCount` records the accounting for each sheet. A file that
cannot be used at all (not a spreadsheet, corrupt, encrypted, no ThongTin, unknown plan) gets
`error` and no rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandera.errors
import polars as pl

from pipelines.plans.agencies import resolve_agency
from pipelines.plans.membership import is_assigned
from pipelines.reports.normalize import parse_date, parse_period
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.reader import WorkbookError, read_sheets
from pipelines.reports.schemas import RULES, SHEET_SCHEMAS, rule_for_check
from pipelines.reports.sheets import PROBLEM_SCHEMA, SheetRows, find_sheet, read_info, read_tables
from pipelines.reports.spec import DATA_SHEETS, INFO_FIELDS, INFO_SHEET, PERIOD_EXAMPLES, SheetSpec


@dataclass
class PlanContext:
    """What validating a report needs to know about the plans.

    The tasks are a frame, not a dict: the context goes to every worker with every batch,
    and ~150,000 national tasks pickle in milliseconds as a frame, against ~0.4 s as dicts."""

    # plan_id → (locality code, level): workbooks' agencies resolve as in their plan
    localities: dict[str, tuple[str | None, str | None]]
    tasks: pl.DataFrame  # plan_id, task_code, lead_ids (sorted): every task with an assignment
    metrics: dict[str, set[str]]  # plan_id → target metric keys

    @classmethod
    def from_frames(cls, plans: pl.DataFrame, assignments: pl.DataFrame, targets: pl.DataFrame):
        localities = {
            r["plan_id"]: (r["locality_code"], r["level"])
            for r in plans.iter_rows(named=True)
            if not r["is_reference"]
        }
        # Progress is reported by the agencies that lead a task (chủ trì / thực hiện), directly
        # or through a collective such as "Các sở, ban, ngành"; coordinators do not report it.
        tasks = (
            assignments.group_by("plan_id", "task_code")
            .agg(
                pl.col("agency_id")
                .filter(pl.col("role") == "lead")
                .unique()
                .sort()
                .alias("lead_ids")
            )
            .sort("plan_id", "task_code")
        )
        metrics: dict[str, set[str]] = {}
        for r in targets.iter_rows(named=True):
            metrics.setdefault(r["plan_id"], set()).add(r["metric"])
        return cls(localities, tasks, metrics)

    def leads(self, pairs: pl.DataFrame) -> dict[tuple[str, str], set[str]]:
        """(plan_id, task_code) → lead agency ids, for the pairs that are tasks of the plan."""
        known = self.tasks.join(pairs, on=["plan_id", "task_code"], how="semi")
        return {(plan, task): set(ids) for plan, task, ids in known.iter_rows()}


@dataclass
class WorkbookInfo:
    agency_name_printed: str
    agency_id: str
    agency_name: str
    agency_kind: str
    plan_id: str
    period: str
    period_start: date
    period_end: date
    report_date: date
    prepared_by: str | None


@dataclass
class SheetCount:
    sheet: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


@dataclass
class WorkbookResult:
    file_name: str
    sha256: str
    modified_at: datetime
    info: WorkbookInfo | None = None
    error: str | None = None
    # One file's loaded rows (table → records) and quarantine rows, set by `ingest_workbook`
    # (checking a single file); a batch keeps every file's rows in `IngestBatch.frames`.
    rows: dict[str, list[dict]] = field(default_factory=dict)
    quarantine: list[dict] = field(default_factory=list)
    counts: list[SheetCount] = field(default_factory=list)
    from_cache: bool = False  # loaded before, same bytes: its data rows are in the cache's tables

    @property
    def workbook_id(self) -> str:
        return self.sha256[:16]


def file_mtime(path: Path) -> datetime:
    """The file's modification time, UTC, naive (as the warehouse stores it)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def _info(sheets: dict[str, pl.DataFrame], ctx: PlanContext) -> WorkbookInfo:
    name = find_sheet(sheets, INFO_SHEET)
    if name is None:
        raise WorkbookError(f"no {INFO_SHEET} sheet (Đơn vị báo cáo, Mã kế hoạch, Kỳ báo cáo…)")
    info = read_info(sheets[name], INFO_FIELDS)
    agency_printed, plan_id = info.get("agency_name"), info.get("plan_id")
    if not agency_printed:
        raise WorkbookError(f"{INFO_SHEET}: 'Đơn vị báo cáo' is empty")
    if not plan_id:
        raise WorkbookError(f"{INFO_SHEET}: 'Mã kế hoạch' is empty")
    plan_id = plan_id.strip().lower()
    if plan_id not in ctx.localities:
        known = ", ".join(sorted(ctx.localities))
        raise WorkbookError(f"unknown Mã kế hoạch '{plan_id}' (known plans: {known})")
    for key, label in (("period", "Kỳ báo cáo"), ("report_date", "Ngày báo cáo")):
        if not info.get(key):
            raise WorkbookError(f"{INFO_SHEET}: '{label}' is empty")
    period, _ = parse_period(info.get("period"))
    if period is None:
        raise WorkbookError(
            f"{INFO_SHEET}: 'Kỳ báo cáo' {info.get('period')!r} is not one of {PERIOD_EXAMPLES} "
            "(or Tháng 9/2026, Quý III/2026, 6 tháng đầu năm 2026, 9 tháng đầu năm 2026, Năm 2026)"
        )
    report_date, _ = parse_date(info.get("report_date"))
    if report_date is None:
        raise WorkbookError(
            f"{INFO_SHEET}: 'Ngày báo cáo' {info.get('report_date')!r} is not a date"
        )
    locality_code, level = ctx.localities[plan_id]
    agency = resolve_agency(agency_printed, locality_code, level)
    return WorkbookInfo(
        agency_name_printed=agency_printed,
        agency_id=agency.agency_id,
        agency_name=agency.name,
        agency_kind=agency.kind,
        plan_id=plan_id,
        period=period[0],
        period_start=period[1],
        period_end=period[2],
        report_date=report_date,
        prepared_by=info.get("prepared_by"),
    )


def _context(spec: SheetSpec, rows: pl.DataFrame, ctx: PlanContext) -> pl.DataFrame:
    """The context columns the sheet's pandera model checks, on rows that carry their
    workbook's `plan_id`, `agency_id`, `agency_kind` and `report_date`."""
    if spec.table == "task_progress":
        # (plan, agency, task) repeats across rows: decide each combination once
        combos = rows.select("plan_id", "agency_id", "agency_kind", "task_code").unique()
        leads = ctx.leads(combos.select("plan_id", "task_code").unique())
        decided = []
        for plan_id, agency_id, agency_kind, task_code in combos.iter_rows():
            assigned = leads.get((plan_id, task_code))
            in_plan = assigned is not None
            decided.append(
                (plan_id, agency_id, agency_kind, task_code, in_plan,
                 in_plan and is_assigned(agency_id, agency_kind, assigned))
            )  # fmt: skip
        schema = combos.schema | {"task_in_plan": pl.Boolean, "task_assigned": pl.Boolean}
        rows = rows.join(
            pl.DataFrame(decided, schema=schema, orient="row"),
            on=list(combos.columns),
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    if spec.table == "target_counts":
        pairs = rows.select("plan_id", "metric").unique()
        known = [metric in ctx.metrics.get(plan_id, set()) for plan_id, metric in pairs.iter_rows()]
        rows = rows.join(
            pairs.with_columns(pl.Series("metric_in_plan", known, dtype=pl.Boolean)),
            on=["plan_id", "metric"],
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    unique_key = {"tips": "tip_code", "enforcement": "field", "target_counts": "metric"}.get(
        spec.table
    )
    if unique_key:
        rows = rows.with_columns(
            pl.col(unique_key).is_first_distinct().over("_sheet").alias("first_occurrence")
        )
    return rows


def _pseudonymize(sheet: SheetRows, hasher: Pseudonymizer) -> SheetRows:
    """Informants' names and phones → keyed hashes, in the rows and in the problems."""
    rows = sheet.rows.with_columns(
        hasher.names(sheet.rows["informant_name"]).alias("informant_hash"),
        hasher.phones(sheet.rows["informant_phone"]).alias("informant_phone_hash"),
    ).drop("informant_name", "informant_phone")
    # A problem on a name shows the name's hash; on a phone, nothing.
    column = pl.col("column")
    names = sheet.problems.select(pl.when(column == "informant_name").then("value")).to_series()
    problems = sheet.problems.with_columns(
        pl.when(column == "informant_name")
        .then(hasher.names(names))
        .when(column == "informant_phone")
        .then(None)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    return SheetRows(sheet.spec, sheet.layouts, rows, problems)


def _schema_problems(spec: SheetSpec, parsed: pl.DataFrame) -> pl.DataFrame:
    """Run the sheet's pandera model once over the parsed rows of many sheets (a validation
    costs ~10 ms whatever its size); failures → problems (PROBLEM_SCHEMA)."""
    found: list[tuple[int, int, str, str | None, str]] = []
    if parsed.is_empty():
        return pl.DataFrame(found, schema=PROBLEM_SCHEMA, orient="row")
    try:
        SHEET_SCHEMAS[spec.table].validate(parsed.rename({"_row": "row_number"}), lazy=True)
        return pl.DataFrame(found, schema=PROBLEM_SCHEMA, orient="row")
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    dates = [c.key for c in spec.columns if c.kind == "date"]
    for case in cases.iter_rows(named=True):
        index = case.get("index")
        if index is None:  # a schema-level failure (a column missing): not about one row
            continue
        record = parsed.row(index, named=True)
        rule = rule_for_check(str(case["check"]))
        column = RULES.get(rule, (None,))[0] or case.get("column") or "*"
        if rule == "date_after_report":
            column = next(
                (k for k in dates if record[k] is not None and record[k] > record["report_date"]),
                column,
            )
        value = record.get(column)
        found.append(
            (record["_sheet"], record["_row"], column, None if value is None else str(value), rule)
        )
    return pl.DataFrame(found, schema=PROBLEM_SCHEMA, orient="row")


def _quarantine(spec: SheetSpec, problems: pl.DataFrame, sheets: pl.DataFrame) -> pl.DataFrame:
    """Problems → quarantine rows: file, sheet, row, column and its header, reasons vi/en."""
    headers = {c.key: c.header for c in spec.columns}
    rules = list(RULES)
    header = pl.col("column").replace_strict(headers, default=None, return_dtype=pl.String)

    def reason(position: int, fallback: str) -> pl.Expr:
        text = pl.col("rule").replace_strict(
            rules, [RULES[r][position] for r in rules], default=fallback, return_dtype=pl.String
        )
        return pl.when(header.is_not_null()).then(header + ": " + text).otherwise(text)

    return problems.join(sheets, on="_sheet", how="left", maintain_order="left").select(
        "workbook_id",
        "file_name",
        "sheet",
        pl.col("_row").alias("row_number"),
        pl.col("column").alias("column_name"),
        header.alias("column_header"),
        "value",
        "rule",
        reason(1, "Giá trị không hợp lệ").alias("reason_vi"),
        reason(2, "Invalid").alias("reason_en"),
    )


@dataclass
class IngestBatch:
    """A batch of workbooks ingested together: one result per file (in order) and the rows
    of all of them, one frame per table (`DATA_TABLES` and `quarantine`), workbook by
    workbook in file order."""

    results: list[WorkbookResult]
    frames: dict[str, pl.DataFrame]


def _loaded_columns(spec: SheetSpec) -> list[str]:
    keys = [c.key for c in spec.columns if not c.pii]
    return ["workbook_id", "row_number", *keys] + (
        ["informant_hash", "informant_phone_hash"] if spec.table == "tips" else []
    )


def _ingest_kind(
    spec: SheetSpec,
    entries: list[tuple[int, str, pl.DataFrame]],
    results: list[WorkbookResult],
    ctx: PlanContext,
    hasher: Pseudonymizer,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every sheet of one kind in the batch → (loaded rows, quarantine rows); each sheet's
    count goes to its workbook's result."""
    sheet = read_tables([(name, frame) for _, name, frame in entries], spec)
    if spec.table == "tips":
        sheet = _pseudonymize(sheet, hasher)
    owners = [results[book] for book, _, _ in entries]
    infos = [r.info for r in owners]
    assert all(infos)
    sheets = pl.DataFrame(
        {
            "_sheet": range(len(entries)),
            "workbook_id": [r.workbook_id for r in owners],
            "file_name": [r.file_name for r in owners],
            "sheet": [layout.name for layout in sheet.layouts],
            "plan_id": [i.plan_id for i in infos],
            "agency_id": [i.agency_id for i in infos],
            "agency_kind": [i.agency_kind for i in infos],
            "report_date": [i.report_date for i in infos],
        },
        schema={
            "_sheet": pl.Int64,
            **dict.fromkeys(("workbook_id", "file_name", "sheet", "plan_id"), pl.String),
            **dict.fromkeys(("agency_id", "agency_kind"), pl.String),
            "report_date": pl.Date,
        },
    )
    keyed = ["_sheet", "_row"]
    parsed = sheet.rows.join(
        sheet.problems.select(keyed), on=keyed, how="anti", maintain_order="left"
    )
    parsed = parsed.join(
        sheets.select("_sheet", "plan_id", "agency_id", "agency_kind", "report_date"),
        on="_sheet",
        how="left",
        maintain_order="left",
    )
    schema_problems = _schema_problems(spec, _context(spec, parsed, ctx))
    # Per sheet: the cell problems (by row), then what validation found.
    problems = pl.concat(
        [
            sheet.problems.with_columns(pl.lit(0).alias("_stage")),
            schema_problems.with_columns(pl.lit(1).alias("_stage")),
        ]
    ).sort("_sheet", "_stage", maintain_order=True)
    bad = problems.select(keyed).unique()
    loaded = (
        sheet.rows.join(bad, on=keyed, how="anti", maintain_order="left")
        .join(
            sheets.select("_sheet", "workbook_id"), on="_sheet", how="left", maintain_order="left"
        )
        .rename({"_row": "row_number"})
        .select(_loaded_columns(spec))
    )
    read = sheet.rows.group_by("_sheet").len()
    quarantined = bad.group_by("_sheet").len()
    tally = dict(read.iter_rows()), dict(quarantined.iter_rows())
    for index, (owner, layout) in enumerate(zip(owners, sheet.layouts, strict=True)):
        rows_read, rows_bad = tally[0].get(index, 0), tally[1].get(index, 0)
        owner.counts.append(SheetCount(layout.name, rows_read, rows_read - rows_bad, rows_bad))
    return loaded, _quarantine(spec, problems, sheets)


def _read_workbook(
    path: Path, name: str, sha256: str, ctx: PlanContext
) -> tuple[WorkbookResult, dict[str, pl.DataFrame]]:
    """The file's result (its ThongTin, or why it cannot be used) and its sheets."""
    result = WorkbookResult(file_name=name, sha256=sha256, modified_at=file_mtime(path))
    try:
        sheets = read_sheets(path)
        result.info = _info(sheets, ctx)
    except WorkbookError as exc:
        result.error = str(exc)
        return result, {}
    return result, sheets


def ingest_workbooks(
    items: list[tuple[Path, str, str]], ctx: PlanContext, hasher: Pseudonymizer
) -> IngestBatch:
    """(path, name, sha256 of its bytes) → every file read, then each sheet kind typed and
    validated in one pass over the whole batch."""
    results: list[WorkbookResult] = []
    of_kind: dict[str, list[tuple[int, str, pl.DataFrame]]] = {s.table: [] for s in DATA_SHEETS}
    for path, name, sha in items:
        result, sheets = _read_workbook(path, name, sha, ctx)
        for spec in DATA_SHEETS:
            sheet_name = find_sheet(sheets, spec.name)
            if sheet_name is not None:
                of_kind[spec.table].append((len(results), sheet_name, sheets[sheet_name]))
        results.append(result)
    frames: dict[str, pl.DataFrame] = {}
    quarantine: list[pl.DataFrame] = []
    for spec in DATA_SHEETS:
        frames[spec.table], problems = _ingest_kind(spec, of_kind[spec.table], results, ctx, hasher)
        quarantine.append(problems)
    # The data frames are in file order already (one kind each); the quarantine, workbook by
    # workbook, then sheet kind by sheet kind.
    order = pl.DataFrame(
        {"workbook_id": [r.workbook_id for r in results], "_book": range(len(results))},
        schema_overrides={"_book": pl.Int64},
    ).unique("workbook_id", keep="first", maintain_order=True)
    frames["quarantine"] = (
        pl.concat(quarantine)
        .join(order, on="workbook_id", how="left", maintain_order="left")
        .sort("_book", maintain_order=True)
        .drop("_book")
    )
    return IngestBatch(results, frames)


def ingest_workbook(
    path: Path, name: str, ctx: PlanContext, hasher: Pseudonymizer
) -> WorkbookResult:
    """One file, its rows and quarantine on the result (`rows`, `quarantine`) as records."""
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = ingest_workbooks([(path, name, sha256)], ctx, hasher)
    result = batch.results[0]
    if result.error is None:
        read = [count.sheet for count in result.counts]
        for spec in DATA_SHEETS:
            if find_sheet(read, spec.name) is not None:
                result.rows[spec.table] = batch.frames[spec.table].to_dicts()
        result.quarantine = batch.frames["quarantine"].to_dicts()
    return result
