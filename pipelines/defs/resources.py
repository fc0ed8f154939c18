"""Resources shared by every domain; all paths come from `PLAN389_DATA_DIR`."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

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


def build_resources(root: Path | None = None) -> dict[str, object]:
    paths = DataPaths(root or data_dir())
    return {
        "data_dir": DataDirResource(path=str(paths.root)),
        "duckdb": DuckDBResource(database=str(paths.warehouse)),
        "dbt": dbt_resource(),
    }
