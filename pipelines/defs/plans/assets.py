"""Plan documents → plan tables in the warehouse's `raw` schema (one parse, many tables)."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import DataDirResource
from pipelines.plans.loader import load_plan_folder
from pipelines.plans.tables import SCHEMAS
from pipelines.warehouse.tables import replace_table

OWNER = "team:plan389-data"

DESCRIPTIONS = {
    "plans": "One row per plan plus the 397/NQ-CP reference node; parent_plan_id makes the tree.",
    "plan_tasks": "Tasks as printed, with parsed deadline, national group and review flag.",
    "task_assignments": "Which agency leads (chủ trì, thực hiện) or coordinates (phối hợp).",
    "agencies": "Canonical agencies and collective groups, with the spellings seen.",
    "plan_targets": "KPI targets the plans set (metric, comparator, threshold read from the text).",
    "reporting_obligations": "Who reports to whom by when (annual, sơ kết, tổng kết).",
    "national_solution_groups": "The eight solution groups of Resolution 397/NQ-CP.",
    "plan_documents": "Every file under raw/plans/ with its SHA-256 and the plan it belongs to.",
    "collective_kinds": "Which kinds of agency each collective assignment covers.",
    "plan_ingestion_errors": "Plan files that could not be read, parsed or validated, and why.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", name],
            group_name="plans",
            kinds={"python", "duckdb"},
            owners=[OWNER],
            description=DESCRIPTIONS[name],
        )
        for name in SCHEMAS
    ],
    can_subset=False,
)
def plan_tables(
    context: dg.AssetExecutionContext, data_dir: DataDirResource, duckdb: DuckDBResource
):
    """Parse every plan document under raw/plans/ and load the plan tables."""
    tables = load_plan_folder(data_dir.paths.raw_plans)
    for error in tables.errors.iter_rows(named=True):
        context.log.warning(f"{error['file_name']}: {error['reason']}")
    with duckdb.get_connection() as conn:
        for name, frame in tables.frames.items():
            replace_table(conn, name, frame)
    task_counts = (
        tables.frames["plan_tasks"]
        .group_by("plan_id")
        .agg(pl.len().alias("tasks"), pl.col("needs_review").sum().alias("needs_review"))
    )
    for name, frame in tables.frames.items():
        metadata: dict[str, object] = {
            "dagster/row_count": frame.height,
            "preview": dg.MetadataValue.md(markdown_preview(frame)),
        }
        if name == "plan_tasks":
            metadata["tasks_per_plan"] = dg.MetadataValue.md(
                markdown_preview(task_counts.sort("plan_id"))
            )
        if name in ("plan_ingestion_errors", "plan_documents"):
            metadata["files_rejected"] = tables.errors["file_name"].n_unique()
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)
