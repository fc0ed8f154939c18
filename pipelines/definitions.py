"""The plan389 code location: one Definitions merged from the per-domain modules."""

import dagster as dg

from pipelines.defs.automation.housekeeping import nightly_purge, purge_old_runs
from pipelines.defs.automation.jobs import load_job
from pipelines.defs.automation.schedules import nightly_load
from pipelines.defs.automation.sensors import raw_files_sensor
from pipelines.defs.follow_up import assets as follow_up_assets
from pipelines.defs.follow_up.automation import follow_up_schedule, send_follow_up
from pipelines.defs.plans import assets as plan_assets
from pipelines.defs.publish import assets as publish_assets
from pipelines.defs.reports import assets as report_assets
from pipelines.defs.resources import build_resources
from pipelines.defs.warehouse import assets as warehouse_assets
from pipelines.defs.warehouse import checks as warehouse_checks


def build_defs(as_of_flag: str | None = None) -> dg.Definitions:
    """Definitions whose resources point at the current PLAN389_DATA_DIR.

    `dagster dev` loads `defs` once; `plan389 run` and the tests call this per run, so a run
    never writes to the data directory of an earlier one in the same process. `as_of_flag` is
    `plan389 run --as-of`.
    """
    return dg.Definitions(
        assets=dg.load_assets_from_modules(
            [plan_assets, report_assets, warehouse_assets, publish_assets, follow_up_assets]
        ),
        asset_checks=dg.load_asset_checks_from_modules([warehouse_checks]),
        jobs=[load_job, purge_old_runs, send_follow_up],
        schedules=[nightly_load, nightly_purge, follow_up_schedule],
        sensors=[raw_files_sensor],
        resources=build_resources(as_of_flag=as_of_flag),
    )


defs = build_defs()
