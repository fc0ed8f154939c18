"""The one place that owns the dbt project.

dagster-dbt needs `target/manifest.json` when the definitions load. `dagster dev` prepares it
(dbt parse) through `prepare_if_dev()`, `dagster definitions validate` when it is missing;
`plan389` and the tests call `prepare_manifest()` before loading definitions. Nothing else
runs dbt at import.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if os.getenv("DAGSTER_IS_DEFS_VALIDATION_CLI") and not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)


def dbt_executable() -> str:
    """`dbt` from PATH, else the one installed beside this Python (a venv not on PATH)."""
    beside = Path(sys.executable).with_name("dbt")
    return shutil.which("dbt") or str(beside)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def prepare_manifest() -> None:
    """Run `dbt parse` so that `target/manifest.json` matches the models on disk."""
    dbt_resource().cli(["--quiet", "parse"], target_path=Path("target")).wait()
