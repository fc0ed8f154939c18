"""Checks on the marts beyond dbt's own tests: does each plan meet the targets it set, and were
rows left out because they are dated after the run's as-of date?"""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.warehouse.locking import warehouse_connection


def _build_as_of(conn) -> str:
    """The as-of date this build of the marts counted through (mart_build_info)."""
    return str(conn.sql("select as_of_date from marts.mart_build_info").fetchall()[0][0])


@dg.asset_check(
    asset=dg.AssetKey("mart_kpi_targets"),
    description="WARN when a plan misses a target it sets (100% of tip-offs accepted, more than "
    "90% resolved, …) in the year of the run's as-of date; the metadata lists every miss.",
    pool=WAREHOUSE_POOL,
    additional_deps=[dg.AssetKey("mart_build_info")],
)
def plan_targets_met(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse_connection(duckdb) as conn:
        as_of = _build_as_of(conn)
        year = int(as_of[:4])
        frame = conn.sql(
            "select plan_id, metric, comparator, threshold, numerator, denominator, "
            "round(actual, 4) as actual, met from marts.mart_kpi_targets "
            "where scope = 'plan' and report_year = $year and met is not null "
            "order by plan_id, metric",
            params={"year": year},
        ).pl()
    missed = frame.filter(~frame["met"])
    return dg.AssetCheckResult(
        passed=missed.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{missed.height} of {frame.height} targets missed in {year} (as of {as_of})",
        metadata={
            "year": year,
            "as_of_date": as_of,
            "targets_evaluated": frame.height,
            "targets_missed": missed.height,
            "missed": dg.MetadataValue.md(markdown_preview(missed.drop("met"), limit=50)),
        },
    )


@dg.asset_check(
    asset=dg.AssetKey("mart_rows_after_as_of"),
    description="WARN when report rows are dated after the run's as-of date: they are loaded but "
    "not counted (or counted only up to that date); the metadata names the files.",
    pool=WAREHOUSE_POOL,
)
def rows_dated_after_as_of(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse_connection(duckdb) as conn:
        rows = conn.sql("select * from marts.mart_rows_after_as_of").pl()
        as_of = _build_as_of(conn)
    by_file = (
        rows.group_by("file_name", "plan_id", "agency_name")
        .agg(
            pl.col("rows_after_as_of").sum().alias("rows"),
            pl.col("sheet").unique().sort().str.join(", ").alias("sheets"),
            pl.col("last_date").max(),
        )
        .sort(["rows", "file_name"], descending=[True, False])
    )
    total = int(rows["rows_after_as_of"].sum()) if rows.height else 0
    return dg.AssetCheckResult(
        passed=rows.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{total} rows in {by_file.height} files dated after {as_of}: not counted",
        metadata={
            "as_of_date": as_of,
            "rows_after_as_of": total,
            "files": by_file.height,
            "by_file": dg.MetadataValue.md(markdown_preview(by_file, limit=50)),
        },
    )
