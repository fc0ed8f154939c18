"""Materialize the whole asset graph in-process (what `plan389 run` does)."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from pipelines.settings import DataPaths


def run_all(
    echo: Callable[[str], None] = print,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "WARNING",
) -> int:
    """Run every asset and check; print a summary; return a process exit code."""
    from pipelines.defs.warehouse.project import prepare_manifest

    prepare_manifest()
    from pipelines.definitions import defs  # needs the manifest prepared above

    paths = DataPaths.from_env()
    echo(f"plan389: data directory {paths.root}")
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    materialized = sorted(
        e.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
        if e.asset_key is not None
    )
    failed_steps = [e.step_key for e in result.all_events if e.is_step_failure]
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed_checks = [
        ev.asset_check_key.to_user_string()
        for ev in evaluations
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    ]
    warned_checks = [
        ev.asset_check_key.to_user_string()
        for ev in evaluations
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    ]
    echo(f"assets materialized: {len(materialized)}; checks run: {len(evaluations)}")
    for key in materialized:
        echo(f"  {key}")
    _echo_marts(paths, echo)
    for step in failed_steps:
        echo(f"FAILED step: {step}")
    for check in failed_checks:
        echo(f"FAILED check: {check}")
    for check in warned_checks:
        echo(f"warning from check: {check}")
    ok = result.success and not failed_steps and not failed_checks
    echo("plan389: run succeeded" if ok else "plan389: run FAILED")
    return 0 if ok else 1


def _echo_marts(paths: DataPaths, echo: Callable[[str], None]) -> None:
    import duckdb

    marts = sorted(paths.marts.glob("*.parquet"))
    if not marts:
        echo("no marts published")
        return
    echo(f"marts in {paths.marts}:")
    with duckdb.connect() as conn:
        for path in marts:
            rows = conn.execute("select count(*) from read_parquet(?)", [str(path)]).fetchall()
            echo(f"  {path.stem}: {rows[0][0]} rows")
