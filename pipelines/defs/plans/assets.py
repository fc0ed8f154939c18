"""Plan documents → plan tables in the warehouse's `raw` schema (one parse, many tables)."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import frame_metadata, markdown_preview
from pipelines.defs.resources import WAREHOUSE_POOL, DataDirResource
from pipelines.parallel import worker_count
from pipelines.plans.loader import load_plan_folder
from pipelines.plans.tables import SCHEMAS
from pipelines.warehouse.locking import warehouse_connection
from pipelines.warehouse.tables import replace_tables

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
    "plan_reviews": "Plan review workbooks (*.review.xlsx) under raw/plans/: the plan each names, "
    "when it was reviewed, whether it applies, is superseded, refused or stale.",
    "plan_review_changes": "Each value a review in force changes from the current extraction.",
}


CHECK_SPECS = [
    dg.AssetCheckSpec(
        "plan_files_parsed",
        asset=dg.AssetKey(["raw", "plans"]),
        description="ERROR when a plan file could not be read, parsed or validated (the other "
        "plans still load; see mart_ingestion_errors).",
    ),
    dg.AssetCheckSpec(
        "reviews_valid",
        asset=dg.AssetKey(["raw", "plan_reviews"]),
        description="ERROR when a review workbook was refused (unknown plan, duplicate task "
        "codes, a missing sheet, a damaged file): the plan's extraction, or its previous "
        "review, stays in force.",
    ),
    dg.AssetCheckSpec(
        "reviews_current",
        asset=dg.AssetKey(["raw", "plan_reviews"]),
        description="WARN when a plan's documents changed after its review: the review still "
        "applies by task code; mart_plan_tasks.stale_review marks its rows. Run "
        "`plan389 review-plan PLAN_ID` to compare and save a new review.",
    ),
    dg.AssetCheckSpec(
        "one_review_per_plan",
        asset=dg.AssetKey(["raw", "plan_reviews"]),
        description="WARN when two review workbooks name the same plan: the later Ngày rà soát "
        "(else file time) applies; both are named.",
    ),
    dg.AssetCheckSpec(
        "tasks_read_with_confidence",
        asset=dg.AssetKey(["raw", "plan_tasks"]),
        description="WARN when tasks need review (no lead, a lead inherited from a merged cell, "
        "no or unclear deadline); see mart_plan_tasks.review_reason.",
    ),
]


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
    check_specs=CHECK_SPECS,
    can_subset=False,
    pool=WAREHOUSE_POOL,
)
def plan_tables(
    context: dg.AssetExecutionContext, data_dir: DataDirResource, duckdb: DuckDBResource
):
    """Parse every plan document under raw/plans/ and load the plan tables."""
    paths = data_dir.paths
    tables = load_plan_folder(paths.raw_plans, paths.cache / "plans", worker_count())
    context.log.info(
        f"plans parsed: {tables.stats.parsed}; unchanged, from the cache: {tables.stats.cached}"
    )
    errors = tables.errors
    for error in errors.iter_rows(named=True):
        context.log.warning(f"{error['file_name']}: {error['reason']}")
    with warehouse_connection(duckdb) as conn:
        replace_tables(conn, tables.frames)  # all or nothing: one transaction
    plan_tasks = tables.frames["plan_tasks"]
    task_counts = plan_tasks.group_by("plan_id").agg(
        pl.len().alias("tasks"), pl.col("needs_review").sum().alias("needs_review")
    )
    for name, frame in tables.frames.items():
        metadata = frame_metadata(frame)
        if name == "plan_tasks":
            metadata["tasks_per_plan"] = dg.MetadataValue.md(
                markdown_preview(task_counts.sort("plan_id"))
            )
        if name == "plan_documents":
            metadata["files_read"] = frame.height
            metadata["files_rejected"] = errors["file_name"].n_unique()
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)
    yield dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", "plans"]),
        check_name="plan_files_parsed",
        passed=errors.is_empty(),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "files_rejected": errors["file_name"].n_unique(),
            "errors": dg.MetadataValue.md(markdown_preview(errors)),
        },
    )
    yield from review_checks(tables.frames["plan_reviews"])
    review = plan_tasks.filter(pl.col("needs_review"))
    yield dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", "plan_tasks"]),
        check_name="tasks_read_with_confidence",
        passed=review.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "tasks_needing_review": review.height,
            "tasks": dg.MetadataValue.md(
                markdown_preview(review.select("plan_id", "task_code", "review_reason"), limit=20)
            ),
        },
    )


def review_checks(reviews: pl.DataFrame):
    """The three checks on the review workbooks of a load."""
    asset = dg.AssetKey(["raw", "plan_reviews"])
    refused = reviews.filter(pl.col("status") == "rejected")
    yield dg.AssetCheckResult(
        asset_key=asset,
        check_name="reviews_valid",
        passed=refused.is_empty(),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "reviews_refused": refused.height,
            "refused": dg.MetadataValue.md(markdown_preview(refused.select("file_name", "error"))),
        },
    )
    stale = reviews.filter((pl.col("status") == "applied") & pl.col("is_stale"))
    yield dg.AssetCheckResult(
        asset_key=asset,
        check_name="reviews_current",
        passed=stale.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "stale_reviews": stale.height,
            "stale": dg.MetadataValue.md(
                markdown_preview(stale.select("plan_id", "file_name", "changed_documents"))
            ),
        },
    )
    superseded = reviews.filter(pl.col("status") == "superseded")
    yield dg.AssetCheckResult(
        asset_key=asset,
        check_name="one_review_per_plan",
        passed=superseded.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "plans_with_two_reviews": superseded["plan_id"].n_unique(),
            "reviews": dg.MetadataValue.md(
                markdown_preview(superseded.select("plan_id", "file_name", "superseded_by"))
            ),
        },
    )
