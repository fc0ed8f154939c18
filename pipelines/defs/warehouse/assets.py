"""dbt models as Dagster assets; dbt tests become asset checks."""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines.defs.resources import WAREHOUSE_POOL, AsOfResource
from pipelines.defs.warehouse.project import dbt_project, prune_run_targets
from pipelines.periods import dbt_vars as period_vars
from pipelines.periods import period_cutoff_day

OWNER = "team:plan389-data"


class Plan389DbtTranslator(DagsterDbtTranslator):
    """Models live in the `warehouse` group; sources map to the Python assets `raw/<table>`."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [OWNER]

    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        return spec.merge_attributes(kinds={"duckdb"})


translator = Plan389DbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, as_of: AsOfResource):
    """Build (run + test) the staging, intermediate and mart models in the warehouse, counting
    every figure through the run's as-of date (recorded in mart_build_info).

    dbt's unit tests check the SQL logic on fixed inputs, not the data: they run with the test
    suite (tests/test_pipeline_e2e.py), not nightly, as dbt recommends for production."""
    resolved = as_of.resolve()
    context.log.info(f"as-of date {resolved.day.isoformat()} (from {resolved.source})")
    cutoff = period_cutoff_day()
    if cutoff is not None:
        context.log.info(f"statistical periods: months from day {cutoff} of the month before")
    dbt_vars = json.dumps({**resolved.dbt_vars(), **period_vars(cutoff)})
    args = ["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars]
    yield from dbt.cli(args, context=context).stream()
    prune_run_targets(Path(dbt_project.project_dir) / "target", context.op_def.name)


def mart_keys() -> list[dg.AssetKey]:
    """Asset keys of the models in `models/marts/` (what gets published)."""
    nodes = json.loads(dbt_project.manifest_path.read_text())["nodes"].values()
    return sorted(
        dg.AssetKey(node["name"])
        for node in nodes
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith("models/marts/")
    )
