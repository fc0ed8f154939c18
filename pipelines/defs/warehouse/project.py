"""The one place that owns the dbt project.

dagster-dbt needs `target/manifest.json` when the definitions load. `dagster dev` prepares it
(dbt parse) through `prepare_if_dev()`, `dagster definitions validate` when it is missing;
`plan389` and the tests call `prepare_manifest()` before loading definitions; it parses only
when the project's files changed since the last parse. Nothing else runs dbt at import.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if os.getenv("DAGSTER_IS_DEFS_VALIDATION_CLI") and not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)


def dbt_executable() -> str:
    """`dbt` from PATH, else the one installed beside this Python (a venv not on PATH)."""
    beside = Path(sys.executable).with_name("dbt")
    return shutil.which("dbt") or str(beside)


class Plan389DbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs of every `cli()` call that this
    project gets nothing from (~7 s of a nightly run's dbt step, measured at national scale):

    - `dbt --version` in a subprocess (~3 s, dbt's imports), only to tell dbt Core from dbt
      Fusion: the dbt installed beside this Python is dbt-core, whose version its package
      metadata holds;
    - a dbt adapter opened in this process (~4 s), only used to fetch row counts and column
      metadata after a model is built (`fetch_row_counts()`, `fetch_column_metadata()`), which
      the warehouse assets do not ask for. dagster-dbt runs without one when opening it fails.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            from importlib.metadata import version as installed

            return version.parse(installed("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    return Plan389DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


MANIFEST_KEY = "plan389-manifest.key"


def project_fingerprint(root: Path | None = None) -> str:
    """SHA-256 over every file of the dbt project (target/, logs/ aside) and dbt's version:
    what `dbt parse` reads."""
    from importlib.metadata import version

    root = root or Path(dbt_project.project_dir)
    digest = hashlib.sha256(f"dbt-core {version('dbt-core')}".encode())
    tops = [p for p in root.iterdir() if p.name not in ("target", "logs", "dbt_packages")]
    files = [p for top in tops for p in (top.rglob("*") if top.is_dir() else [top])]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_manifest() -> None:
    """Run `dbt parse` so that `target/manifest.json` matches the models on disk, unless the
    project has not changed since the last parse (dbt's start-up and parse cost ~7 s a run)."""
    manifest = Path(dbt_project.manifest_path)
    key_file = manifest.with_name(MANIFEST_KEY)
    key = project_fingerprint()
    if manifest.exists() and key_file.exists() and key_file.read_text() == key:
        return
    key_file.unlink(missing_ok=True)  # a parse killed midway must not leave a stale key behind
    dbt_resource().cli(["--quiet", "parse"], target_path=Path("target")).wait()
    key_file.write_text(key)


RUN_TARGETS_KEPT = 5


def prune_run_targets(target: Path, prefix: str, keep: int = RUN_TARGETS_KEPT) -> list[Path]:
    """Delete all but the newest `keep` per-run target folders (`<prefix>-…`).

    dagster-dbt gives every dbt invocation its own target folder (~10 MB: compiled SQL, run
    results) and never deletes them: a nightly schedule would grow by gigabytes a year."""
    runs = sorted(
        (p for p in target.glob(f"{prefix}-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in runs[keep:]:
        shutil.rmtree(stale, ignore_errors=True)
    return runs[keep:]
