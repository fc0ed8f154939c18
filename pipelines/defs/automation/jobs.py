"""The one job that loads everything; schedules and sensors start it."""

import dagster as dg

load_job = dg.define_asset_job(
    "full_load",
    selection=dg.AssetSelection.all(),
    description="Materialize every asset: ingest plans and reports, dbt build (models and "
    "tests), publish the marts. Ingestion skips unchanged files, so a run over unchanged "
    "inputs is cheap.",
)
