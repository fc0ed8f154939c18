"""Publish for analysts and officials: marts (Parquet + marts.duckdb), reports, dashboards."""

import shutil
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.defs.resources import WAREHOUSE_POOL, DataDirResource
from pipelines.defs.warehouse.assets import mart_keys
from pipelines.outputs.batch import write_plan_documents
from pipelines.outputs.dashboard import write_dashboards
from pipelines.outputs.excel_report import write_plan_report
from pipelines.outputs.report_data import DOCUMENT_MARTS
from pipelines.parallel import worker_count
from pipelines.warehouse.publish import publish_marts

OWNER = "team:plan389-data"


@dg.asset(
    deps=mart_keys(),
    group_name="publish",
    pool=WAREHOUSE_POOL,
    kinds={"parquet", "duckdb"},
    owners=[OWNER],
    description="Every mart as marts/<name>.parquet and as a view in marts/marts.duckdb, "
    "replaced atomically so open analyst sessions never see a half-written mart.",
)
def published_marts(
    context: dg.AssetExecutionContext, data_dir: DataDirResource
) -> dg.MaterializeResult:
    paths = data_dir.paths
    published = publish_marts(paths.warehouse, paths.marts)
    for mart in published:
        context.log.info(f"published {mart.name}: {mart.rows} rows → {mart.path}")
    return dg.MaterializeResult(
        metadata={
            "marts": dg.MetadataValue.json({m.name: m.rows for m in published}),
            "location": dg.MetadataValue.path(str(paths.marts)),
        }
    )


def _old_dir(final_dir: Path) -> Path:
    return final_dir.with_name(f".{final_dir.name}.old")


def _recover(final_dir: Path) -> Path:
    """Put back a folder stranded by a kill between the two renames of `_swap_in`."""
    old = _old_dir(final_dir)
    if not final_dir.exists() and old.is_dir():
        old.rename(final_dir)
    return final_dir


def _swap_in(new_dir: Path, final_dir: Path) -> None:
    """Replace a folder of generated documents with a freshly written one."""
    _recover(final_dir)
    old = _old_dir(final_dir)
    shutil.rmtree(old, ignore_errors=True)
    if final_dir.exists():
        final_dir.rename(old)
    new_dir.rename(final_dir)
    shutil.rmtree(old, ignore_errors=True)


def _report_years(marts: Path) -> dict[str, int]:
    """The latest reporting year of each plan (what its report and dashboard cover)."""
    kpis = pl.read_parquet(marts / "mart_kpi_targets.parquet").filter(pl.col("scope") == "plan")
    return dict(
        kpis.group_by("plan_id").agg(pl.col("report_year").max()).sort("plan_id").iter_rows()
    )


@dg.asset(
    deps=[published_marts],
    group_name="publish",
    kinds={"excel"},
    owners=[OWNER],
    description="The annual report per plan (Báo cáo kết quả thực hiện Kế hoạch), formatted for "
    "printing, in marts/reports/<plan_id>_<year>.xlsx; read from the published Parquet only.",
)
def official_reports(
    context: dg.AssetExecutionContext, data_dir: DataDirResource
) -> dg.MaterializeResult:
    marts = data_dir.paths.marts
    staging = marts / ".reports.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    result = write_plan_documents(
        write_plan_report,
        marts,
        staging,
        _recover(marts / "reports"),
        _report_years(marts),
        lambda plan_id, year: f"{plan_id}_{year}.xlsx",
        DOCUMENT_MARTS,
        worker_count(),
    )
    context.log.info(
        f"reports written: {len(result.written)}; unchanged, kept: {len(result.reused)}"
    )
    _swap_in(staging, marts / "reports")
    return dg.MaterializeResult(
        metadata={
            "reports_written": len(result.written),
            "reports_unchanged": len(result.reused),
            "reports": dg.MetadataValue.json(sorted(result.written + result.reused)[:200]),
            "location": dg.MetadataValue.path(str(marts / "reports")),
        }
    )


@dg.asset(
    deps=[published_marts],
    group_name="publish",
    kinds={"html"},
    owners=[OWNER],
    description="A self-contained KPI dashboard page per plan (no network needed to view it) in "
    "marts/dashboard/, with an index page.",
)
def kpi_dashboards(
    context: dg.AssetExecutionContext, data_dir: DataDirResource
) -> dg.MaterializeResult:
    marts = data_dir.paths.marts
    if not _report_years(marts):  # plans loaded, but no workbook received yet
        context.log.info("no reporting year yet: no dashboard to draw")
        return dg.MaterializeResult(metadata={"pages": dg.MetadataValue.json([])})
    staging = marts / ".dashboard.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    previous = _recover(marts / "dashboard")
    written = write_dashboards(marts, staging, previous=previous, workers=worker_count())
    context.log.info(
        f"pages written: {len(written.batch.written)}; unchanged, kept: {len(written.batch.reused)}"
    )
    _swap_in(staging, marts / "dashboard")
    return dg.MaterializeResult(
        metadata={
            "pages": len(written.pages),
            "pages_written": len(written.batch.written),
            "pages_unchanged": len(written.batch.reused),
            "index": dg.MetadataValue.path(str(marts / "dashboard" / "index.html")),
        }
    )
