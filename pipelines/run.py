"""Materialize the whole asset graph in-process (what `plan389 run` does), showing progress."""

from __future__ import annotations

import logging
import os
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout

import dagster as dg

from pipelines.progress import (
    ProgressDisplay,
    RunProgress,
    StepKind,
    draws_live,
    follow_run,
    is_interrupt,
)
from pipelines.settings import DataPaths

INTERRUPTED_EXIT_CODE = 130  # what shells report for a process ended by Ctrl-C


def run_all(
    echo: Callable[[str], None] = print,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "WARNING",
    live: bool | None = None,
) -> int:
    """Run every asset and check; show progress; print a summary; return a process exit code.

    `live` redraws a status block in place; by default only when printing to a terminal (a
    custom `echo` collects plain lines instead).
    """
    from pipelines.defs.warehouse.project import prepare_manifest

    prepare_manifest()
    from pipelines.definitions import build_defs  # needs the manifest prepared above

    defs = build_defs()  # resources for this run's PLAN389_DATA_DIR

    paths = DataPaths.from_env()
    echo(f"plan389: data directory {paths.root}")
    job = defs.resolve_implicit_global_asset_job_def()
    if live is None:
        live = draws_live(echo, sys.stdout)
    display = ProgressDisplay(
        RunProgress(step_kinds(defs, job)),
        live=live,
        echo=echo,
        log_level=logging.getLevelNamesMapping().get(log_level.upper(), logging.WARNING),
    )
    try:
        result = _execute(job, instance or dg.DagsterInstance.ephemeral(), display, log_level)
    except (KeyboardInterrupt, dg.DagsterExecutionInterruptedError):
        echo("plan389: interrupted")
        echo("plan389: run FAILED")
        return INTERRUPTED_EXIT_CODE
    except Exception as exc:  # a run that could not start or crashed outside any step
        traceback.print_exc(file=sys.stderr)
        echo(f"plan389: error: {type(exc).__name__}: {exc}")
        echo("plan389: run FAILED")
        return 1
    return _summarize(result, paths, echo)


def _execute(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    display: ProgressDisplay,
    log_level: str,
) -> dg.ExecuteInProcessResult:
    # The run stays on this (main) thread: Dagster only installs its SIGINT handling there, so
    # Ctrl-C stops the running step (and dbt) cleanly. The display polls from a thread instead.
    run_id = str(uuid.uuid4())
    # Live: the block shows the warnings itself; console lines would tear it apart.
    console_level = "CRITICAL" if display.live else log_level
    with follow_run(instance, run_id, display), _stdout_discarded(display.live):
        return job.execute_in_process(
            instance=instance,
            run_id=run_id,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": console_level}}}},
        )


@contextmanager
def _stdout_discarded(active: bool) -> Iterator[None]:
    """Drop what the run prints to stdout: dagster-dbt echoes every dbt log line there, which
    would tear the live block apart. The block itself writes to the real stdout."""
    if not active:
        yield
        return
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        yield


def step_kinds(defs: dg.Definitions, job: dg.JobDefinition) -> dict[str, StepKind]:
    """Step key → kind, in execution order, so the display can list steps before they start."""
    kinds: dict[str, StepKind] = {}
    for assets_def in defs.resolve_asset_graph().assets_defs:
        if not assets_def.is_executable:
            continue
        tags = {kind for spec in assets_def.specs for kind in spec.kinds}
        kind: StepKind = "dbt" if "dbt" in tags else "python" if assets_def.keys else "check"
        kinds[assets_def.node_def.name] = kind
    return {node.name: kinds.get(node.name, "python") for node in job.nodes_in_topological_order}


def _summarize(
    result: dg.ExecuteInProcessResult, paths: DataPaths, echo: Callable[[str], None]
) -> int:
    materialized = sorted(
        e.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
        if e.asset_key is not None
    )
    failures = [e for e in result.all_events if e.is_step_failure]
    failed_steps = [e.step_key for e in failures]
    interrupted = any(is_interrupt(e.step_failure_data) for e in failures)
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
    if interrupted:
        echo("plan389: interrupted")
    echo("plan389: run succeeded" if ok else "plan389: run FAILED")
    return 0 if ok else INTERRUPTED_EXIT_CODE if interrupted else 1


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
