"""Agency report workbooks → report tables in the warehouse's `raw` schema."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import DataDirResource
from pipelines.reports.ingest import PlanContext
from pipelines.reports.loader import load_report_folder
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import SCHEMAS
from pipelines.warehouse.tables import replace_table

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
    can_subset=False,
)
def report_tables(
    context: dg.AssetExecutionContext, data_dir: DataDirResource, duckdb: DuckDBResource
):
    """Read, normalise and validate every workbook under raw/reports/ (pandera, quarantine)."""
    with duckdb.get_connection() as conn:
        plan_frames = {name: conn.sql(f"select * from raw.{name}").pl() for name in PLAN_INPUTS}
    ctx = PlanContext.from_frames(*(plan_frames[name] for name in PLAN_INPUTS))
    tables = load_report_folder(data_dir.paths.raw_reports, ctx, Pseudonymizer())
    frames = tables.frames
    for error in frames["report_ingestion_errors"].iter_rows(named=True):
        context.log.warning(f"{error['file_name']}: {error['reason']}")
    with duckdb.get_connection() as conn:
        for name, frame in frames.items():
            replace_table(conn, name, frame)

    counts = frames["report_sheet_counts"]
    by_rule = frames["quarantine"].group_by("rule").len().sort("len", descending=True)
    for name, frame in frames.items():
        metadata: dict[str, object] = {
            "dagster/row_count": frame.height,
            "preview": dg.MetadataValue.md(markdown_preview(frame)),
        }
        if name == "report_workbooks":
            metadata["files_read"] = frame.height + frames["report_ingestion_errors"].height
            metadata["files_rejected"] = frames["report_ingestion_errors"].height
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
