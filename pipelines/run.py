"""Materialize the whole asset graph in-process (what `plan389 run` does), showing progress.

Exit codes, for cron and scripts:

- 0: everything published, every input file used;
- 3: published, but some input files were refused (listed; in mart_ingestion_errors);
- 1: a step failed; the marts are published whole or not at all, and the summary says which,
  and which documents were not written;
- 130: interrupted.

An identical copy of another file is listed but not refused: it does not make the code 3.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass

import dagster as dg

from pipelines.as_of import resolve_as_of
from pipelines.periods import period_cutoff_day
from pipelines.progress import (
    ProgressDisplay,
    RunProgress,
    StepKind,
    draws_live,
    follow_run,
    is_interrupt,
)
from pipelines.settings import DataPaths

SUCCESS_EXIT_CODE = 0
FAILED_EXIT_CODE = 1
REFUSED_FILES_EXIT_CODE = 3  # published, but some input files could not be used
INTERRUPTED_EXIT_CODE = 130  # what shells report for a process ended by Ctrl-C

# Checks that fail when an input file is refused: the run still publishes the other files' data.
REFUSAL_CHECKS = frozenset({"files_readable", "plan_files_parsed", "reviews_valid"})
PUBLISH_STEP = "published_marts"
DOCUMENT_STEPS = {"official_reports": "marts/reports/", "kpi_dashboards": "marts/dashboard/"}
_AS_OF_SOURCES = {"flag": "--as-of", "env": "PLAN389_AS_OF", "today": "today in Vietnam"}


def run_all(
    echo: Callable[[str], None] = print,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "WARNING",
    live: bool | None = None,
    as_of: str | None = None,
) -> int:
    """Run every asset and check; show progress; print a summary; return a process exit code
    (see the module docstring).

    `live` redraws a status block in place; by default only when printing to a terminal (a
    custom `echo` collects plain lines instead). `as_of` is `plan389 run --as-of`
    (YYYY-MM-DD); it wins over PLAN389_AS_OF.
    """
    from pipelines.defs.warehouse.project import prepare_manifest

    resolved = resolve_as_of(flag=as_of)  # refuses a malformed date before anything runs
    period_cutoff_day()  # and a malformed PLAN389_PERIOD_CUTOFF_DAY
    prepare_manifest()
    from pipelines.definitions import build_defs  # needs the manifest prepared above

    defs = build_defs(as_of_flag=as_of)  # resources for this run's PLAN389_DATA_DIR

    paths = DataPaths.from_env()
    echo(f"plan389: data directory {paths.root}")
    source = _AS_OF_SOURCES.get(resolved.source, resolved.source)
    echo(f"plan389: figures as of {resolved.day.isoformat()} ({source})")
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
        return FAILED_EXIT_CODE
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


@dataclass(frozen=True)
class RunOutcome:
    """What a finished run did, as far as its summary and exit code are concerned."""

    materialized: tuple[str, ...] = ()  # asset keys, sorted
    checks_run: int = 0
    failed_steps: tuple[str, ...] = ()
    failed_checks: tuple[str, ...] = ()  # ERROR checks other than file refusals
    refusal_checks: tuple[str, ...] = ()  # ERROR checks failed because a file was refused
    warned_checks: tuple[str, ...] = ()
    interrupted: bool = False

    @property
    def published(self) -> bool:
        return PUBLISH_STEP in self.materialized

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return INTERRUPTED_EXIT_CODE
        if self.failed_steps or self.failed_checks or not self.published:
            return FAILED_EXIT_CODE
        return REFUSED_FILES_EXIT_CODE if self.refusal_checks else SUCCESS_EXIT_CODE


def run_outcome(result: dg.ExecuteInProcessResult) -> RunOutcome:
    failures = [e for e in result.all_events if e.is_step_failure]
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed = [ev.asset_check_key for ev in evaluations if not ev.passed]
    errors = [
        ev.asset_check_key
        for ev in evaluations
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    ]
    return RunOutcome(
        materialized=tuple(
            sorted(
                e.asset_key.to_user_string()
                for e in result.get_asset_materialization_events()
                if e.asset_key is not None
            )
        ),
        checks_run=len(evaluations),
        failed_steps=tuple(e.step_key for e in failures),
        failed_checks=tuple(k.to_user_string() for k in errors if k.name not in REFUSAL_CHECKS),
        refusal_checks=tuple(k.to_user_string() for k in errors if k.name in REFUSAL_CHECKS),
        warned_checks=tuple(k.to_user_string() for k in failed if k not in errors),
        interrupted=any(is_interrupt(e.step_failure_data) for e in failures),
    )


def _summarize(
    result: dg.ExecuteInProcessResult, paths: DataPaths, echo: Callable[[str], None]
) -> int:
    outcome = run_outcome(result)
    echo(f"assets materialized: {len(outcome.materialized)}; checks run: {outcome.checks_run}")
    for key in outcome.materialized:
        echo(f"  {key}")
    _echo_marts(paths, echo)
    for step in outcome.failed_steps:
        echo(f"FAILED step: {step}")
    for check in outcome.failed_checks:
        echo(f"FAILED check: {check}")
    for check in outcome.warned_checks:
        echo(f"warning from check: {check}")
    if outcome.published:
        _echo_ingestion_errors(paths, echo)
    code = outcome.exit_code
    if code == FAILED_EXIT_CODE:
        _echo_what_was_not_written(outcome, echo)
    if outcome.interrupted:
        echo("plan389: interrupted")
    echo(
        {
            SUCCESS_EXIT_CODE: "plan389: run succeeded",
            REFUSED_FILES_EXIT_CODE: "plan389: run succeeded; some input files were refused "
            "(listed above; see mart_ingestion_errors)",
        }.get(code, "plan389: run FAILED")
    )
    return code


def _echo_what_was_not_written(outcome: RunOutcome, echo: Callable[[str], None]) -> None:
    if outcome.published:
        echo("plan389: the marts were published (marts/, complete)")
    else:
        echo("plan389: the marts were NOT published: the previous release stays in place")
    missing = [
        f"{step} ({where})"
        for step, where in DOCUMENT_STEPS.items()
        if step not in outcome.materialized
    ]
    if missing:
        echo(f"plan389: documents not written: {', '.join(missing)}")


def _echo_ingestion_errors(paths: DataPaths, echo: Callable[[str], None]) -> None:
    """The refused files and identical copies of this release (mart_ingestion_errors)."""
    path = paths.marts / "mart_ingestion_errors.parquet"
    if not path.is_file():
        return
    import polars as pl

    errors = pl.read_parquet(path).sort("source_domain", "file_name")
    for refused, title in ((True, "refused files"), (False, "identical copies (not refused)")):
        rows = errors.filter(pl.col("is_refused") == refused)
        if rows.height:
            echo(f"{title}: {rows.height}")
        for row in rows.iter_rows(named=True):
            echo(f"  {row['source_domain']}/{row['file_name']}: {row['reason']}")


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
