"""Publish the marts as Parquet plus `marts/marts.duckdb` once dbt has built and tested them."""

import dagster as dg

from pipelines.defs.resources import WAREHOUSE_POOL, DataDirResource
from pipelines.defs.warehouse.assets import mart_keys
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
