"""The plan389 code location: one Definitions merged from the per-domain modules."""

import dagster as dg

from pipelines.defs.plans import assets as plan_assets
from pipelines.defs.publish import assets as publish_assets
from pipelines.defs.reports import assets as report_assets
from pipelines.defs.resources import build_resources
from pipelines.defs.warehouse import assets as warehouse_assets

defs = dg.Definitions(
    assets=dg.load_assets_from_modules(
        [plan_assets, report_assets, warehouse_assets, publish_assets]
    ),
    resources=build_resources(),
)
