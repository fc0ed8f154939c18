"""Resources shared by every domain; all paths come from `PLAN389_DATA_DIR`."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.as_of import AsOf, resolve_as_of
from pipelines.defs.warehouse.project import dbt_resource
from pipelines.settings import DataPaths, data_dir

# Every step that opens warehouse.duckdb runs in this pool: DuckDB has one writer at a time, and
# DAGSTER_HOME/dagster.yaml limits each pool to one step (see dagster.yaml in the repo).
WAREHOUSE_POOL = "duckdb_warehouse"


class DataDirResource(dg.ConfigurableResource):
    """The data directory: raw inputs, the warehouse file and the published marts."""

    path: str

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.path))


class AsOfResource(dg.ConfigurableResource):
    """The day the run counts figures through (see `pipelines.as_of`): `flag` (what
    `plan389 run --as-of` sets), else PLAN389_AS_OF, else `date` (run config:
    `resources: {as_of: {config: {date: "2026-06-30"}}}`), else today in Vietnam."""

    date: str | None = None
    flag: str | None = None

    def resolve(self) -> AsOf:
        return resolve_as_of(flag=self.flag, config=self.date)


def build_resources(root: Path | None = None, as_of_flag: str | None = None) -> dict[str, object]:
    paths = DataPaths(root or data_dir())
    return {
        "data_dir": DataDirResource(path=str(paths.root)),
        "duckdb": DuckDBResource(database=str(paths.warehouse)),
        "dbt": dbt_resource(),
        "as_of": AsOfResource(flag=as_of_flag),
    }
