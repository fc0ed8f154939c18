"""Checks on the marts beyond dbt's own tests: does each plan meet the targets it set?"""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.warehouse.locking import warehouse_connection


@dg.asset_check(
    asset=dg.AssetKey("mart_kpi_targets"),
    description="WARN when a plan misses a target it sets (100% of tip-offs accepted, more than "
    "90% resolved, …) in the current year; the metadata lists every miss.",
    pool=WAREHOUSE_POOL,
)
def plan_targets_met(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    year = date.today().year
    with warehouse_connection(duckdb) as conn:
        frame = conn.sql(
            "select plan_id, metric, comparator, threshold, numerator, denominator, "
            "round(actual, 4) as actual, met from marts.mart_kpi_targets "
            f"where scope = 'plan' and report_year = {year} and met is not null "
            "order by plan_id, metric"
        ).pl()
    missed = frame.filter(~frame["met"])
    return dg.AssetCheckResult(
        passed=missed.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{missed.height} of {frame.height} targets missed in {year}",
        metadata={
            "year": year,
            "targets_evaluated": frame.height,
            "targets_missed": missed.height,
            "missed": dg.MetadataValue.md(markdown_preview(missed.drop("met"), limit=50)),
        },
    )
