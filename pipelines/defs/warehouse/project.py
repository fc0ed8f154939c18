"""The one place that owns the dbt project.

dagster-dbt needs `target/manifest.json` when the definitions load. `dagster dev` prepares it
through `prepare_if_dev()`, `dagster definitions validate` too; a deployment prepares it before
the daemon and the webserver start (`dagster-dbt project prepare-and-package --file` this file,
see deploy/); `plan389` and the tests call `prepare_manifest()` before loading definitions.
Every one of them goes through `prepare_manifest()`: the venv's own dbt, whatever PATH holds,
and a parse only when the project's files changed since the last one. Nothing else runs dbt at
import.
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
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer
from dagster_shared.record import replace
from filelock import FileLock
from packaging import version

from pipelines.settings import DBT_PROJECT_DIR


class Plan389DbtPreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's default preparer (prepare under `dagster dev` only), except that preparing
    is `prepare_manifest()`: the default runs `dbt parse` by name, which fails when the venv is
    not on PATH (a systemd unit, a cron line, `.venv/bin/dagster dev`)."""

    def prepare_if_dev(self, project: DbtProject) -> None:
        super().prepare_if_dev(project)
        if os.getenv("DAGSTER_IS_DEFS_VALIDATION_CLI"):  # validate what the models say today
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        prepare_manifest()


# dagster-dbt 0.29 takes no `preparer=` argument; its DbtProject is a record holding one.
dbt_project = replace(DbtProject(project_dir=DBT_PROJECT_DIR), preparer=Plan389DbtPreparer())


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's, found with nothing on PATH), else `dbt`
    from PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.is_file() else shutil.which("dbt") or "dbt"


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
    project has not changed since the last parse (dbt's start-up and parse cost ~7 s a run).

    One process at a time: `dagster dev`'s code server and run workers, the daemon's and the
    webserver's preparation and `plan389 run` may start together; the others then find the
    manifest fresh."""
    manifest = Path(dbt_project.manifest_path)
    key_file = manifest.with_name(MANIFEST_KEY)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(manifest.with_name(MANIFEST_KEY + ".lock")):
        key = project_fingerprint()
        if manifest.exists() and key_file.exists() and key_file.read_text() == key:
            return
        key_file.unlink(missing_ok=True)  # a parse killed midway must not leave a stale key
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


# Last, once everything it calls is defined: a no-op but under `dagster dev` and `dagster
# definitions validate`.
dbt_project.prepare_if_dev()
