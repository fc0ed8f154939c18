"""Agency report workbooks → report tables in the warehouse's `raw` schema."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines.as_of import today_vn
from pipelines.defs.metadata import frame_metadata, markdown_preview
from pipelines.defs.resources import WAREHOUSE_POOL, DataDirResource
from pipelines.parallel import worker_count
from pipelines.reports.incremental import (
    code_fingerprint,
    fingerprint,
    reusable_cache,
    state_frame,
)
from pipelines.reports.ingest import PlanContext
from pipelines.reports.loader import load_report_folder
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import SCHEMAS
from pipelines.warehouse.locking import warehouse_connection
from pipelines.warehouse.tables import read_table, replace_tables

OWNER = "team:plan389-data"

DESCRIPTIONS = {
    "report_workbooks": "Every accepted workbook: agency, plan, period, report date, superseded.",
    "task_progress": "TienDo rows that passed validation (task progress per agency).",
    "tips": "ToGiac rows that passed validation; informants only as keyed hashes.",
    "enforcement": "XuLy rows that passed validation (inspections, violations, fines).",
    "target_counts": "ChiTieu rows that passed validation (counts behind the 100% targets).",
    "quarantine": "Every rejected row: file, sheet, Excel row, column, value, rule, reason vi/en.",
    "report_sheet_counts": "Rows read, loaded and quarantined per workbook and sheet.",
    "report_ingestion_errors": "Files that could not be used at all, and why.",
}
PLAN_INPUTS = ("plans", "task_assignments", "plan_targets")


SHEET_CHECKS = {  # table → (check name, sheet)
    "task_progress": ("task_progress_rows_valid", "TienDo"),
    "tips": ("tips_rows_valid", "ToGiac"),
    "enforcement": ("enforcement_rows_valid", "XuLy"),
    "target_counts": ("target_counts_rows_valid", "ChiTieu"),
}
CHECK_SPECS = [
    *(
        dg.AssetCheckSpec(
            name,
            asset=dg.AssetKey(["raw", table]),
            description=f"pandera validation of the {sheet} sheets: WARN when rows were "
            "quarantined (see mart_quarantine).",
        )
        for table, (name, sheet) in SHEET_CHECKS.items()
    ),
    dg.AssetCheckSpec(
        "files_readable",
        asset=dg.AssetKey(["raw", "report_workbooks"]),
        description="ERROR when a submitted file could not be used at all (the others still "
        "load; see mart_ingestion_errors). An identical copy of another file is only listed.",
    ),
    dg.AssetCheckSpec(
        "report_dates_not_in_future",
        asset=dg.AssetKey(["raw", "report_workbooks"]),
        description="WARN when a workbook's Ngày báo cáo lies after today (Vietnam time): a "
        "typing slip, most likely; the workbook is still loaded.",
    ),
    dg.AssetCheckSpec(
        "rows_accounted_for",
        asset=dg.AssetKey(["raw", "report_sheet_counts"]),
        description="For every file and sheet, rows read = rows loaded + rows quarantined.",
        blocking=True,
    ),
]


def _check_results(frames: dict[str, pl.DataFrame]):
    quarantine = frames["quarantine"]
    for table, (name, sheet) in SHEET_CHECKS.items():
        rows = quarantine.filter(pl.col("sheet").str.to_lowercase() == sheet.lower())
        by_rule = rows.group_by("rule").len().sort("len", descending=True)
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(["raw", table]),
            check_name=name,
            passed=rows.is_empty(),
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "rows_quarantined": rows.select(["file_name", "row_number"]).n_unique(),
                "problems_by_rule": dg.MetadataValue.md(markdown_preview(by_rule)),
            },
        )
    errors = frames["report_ingestion_errors"]
    refused = errors.filter(pl.col("is_refused"))
    yield dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", "report_workbooks"]),
        check_name="files_readable",
        passed=refused.is_empty(),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "files_rejected": refused.height,
            "identical_copies": errors.height - refused.height,
            "errors": dg.MetadataValue.md(markdown_preview(errors.select("file_name", "reason"))),
        },
    )
    today = today_vn()
    future = frames["report_workbooks"].filter(pl.col("report_date") > today)
    yield dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", "report_workbooks"]),
        check_name="report_dates_not_in_future",
        passed=future.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{future.height} workbooks dated after today ({today.isoformat()})",
        metadata={
            "today": today.isoformat(),
            "workbooks_dated_in_future": future.height,
            "workbooks": dg.MetadataValue.md(
                markdown_preview(
                    future.select("file_name", "agency_name", "period", "report_date"), limit=50
                )
            ),
        },
    )
    counts = frames["report_sheet_counts"]
    broken = counts.filter(
        pl.col("rows_read") != pl.col("rows_loaded") + pl.col("rows_quarantined")
    )
    yield dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", "report_sheet_counts"]),
        check_name="rows_accounted_for",
        passed=broken.is_empty(),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows_read": int(counts["rows_read"].sum()),
            "rows_loaded": int(counts["rows_loaded"].sum()),
            "rows_quarantined": int(counts["rows_quarantined"].sum()),
            "sheets_not_accounted_for": broken.height,
        },
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", name],
            group_name="reports",
            kinds={"python", "excel", "duckdb"},
            owners=[OWNER],
            description=DESCRIPTIONS[name],
            deps=[dg.AssetKey(["raw", p]) for p in PLAN_INPUTS],
        )
        for name in SCHEMAS
    ],
    check_specs=CHECK_SPECS,
    can_subset=False,
    pool=WAREHOUSE_POOL,
)
def report_tables(
    context: dg.AssetExecutionContext, data_dir: DataDirResource, duckdb: DuckDBResource
):
    """Read, normalise and validate every workbook under raw/reports/ (pandera, quarantine)."""
    hasher = Pseudonymizer()
    with warehouse_connection(duckdb) as conn:
        plan_frames = {name: read_table(conn, name) for name in PLAN_INPUTS}
        ctx = PlanContext.from_frames(*(plan_frames[name] for name in PLAN_INPUTS))
        code = code_fingerprint()
        current = fingerprint(ctx, hasher, code)
        state = read_table(conn, "report_ingest_state")
        previous = {name: read_table(conn, name) for name in SCHEMAS}
    cache = reusable_cache(state, previous, current)
    if cache is None and state is not None:
        context.log.info("plans, code or key changed since the last load: reading every workbook")
    tables = load_report_folder(data_dir.paths.raw_reports, ctx, hasher, cache, worker_count())
    frames = tables.frames
    for error in frames["report_ingestion_errors"].iter_rows(named=True):
        context.log.warning(f"{error['file_name']}: {error['reason']}")
    with warehouse_connection(duckdb) as conn:
        # One transaction: the fingerprint must never vouch for tables of another load.
        replace_tables(conn, {**frames, "report_ingest_state": state_frame(current, code)})

    counts = frames["report_sheet_counts"]
    by_rule = frames["quarantine"].group_by("rule").len().sort("len", descending=True)
    for name, frame in frames.items():
        metadata = frame_metadata(frame)
        if name == "report_workbooks":
            metadata["files_read"] = tables.files_read
            metadata["files_skipped"] = tables.files_skipped
            metadata["files_rejected"] = int(frames["report_ingestion_errors"]["is_refused"].sum())
            metadata["workbooks_superseded"] = int(frame["is_superseded"].sum())
        if name == "quarantine":
            metadata["rows_quarantined_by_rule"] = dg.MetadataValue.md(markdown_preview(by_rule))
        if name == "report_sheet_counts":
            metadata["rows_read"] = int(counts["rows_read"].sum())
            metadata["rows_loaded"] = int(counts["rows_loaded"].sum())
            metadata["rows_quarantined"] = int(counts["rows_quarantined"].sum())
            metadata["accounting_holds"] = bool(
                (counts["rows_read"] == counts["rows_loaded"] + counts["rows_quarantined"]).all()
            )
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)
    yield from _check_results(frames)
