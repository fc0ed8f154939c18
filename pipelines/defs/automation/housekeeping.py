"""Keep a persistent DAGSTER_HOME from growing without bound: delete finished runs older than N
days, every night.

Schedule and sensor ticks are purged by Dagster itself (`retention` in dagster.yaml); runs are
not. A run leaves a row in `history/runs.db`, its events in a file of its own
(`history/runs/<run_id>.db`, ~120 KB even once emptied) and its captured stdout/stderr under
`storage/<run_id>/`; all three go. A run still queued, starting, running or being cancelled is
never touched, however old.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log import SqliteEventLogStorage
from pydantic import Field

RETENTION_ENV = "PLAN389_RUN_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
FINISHED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
BATCH = 100


def retention_days(configured: int | None = None) -> int:
    """Days a finished run is kept: the run config's value, else `PLAN389_RUN_RETENTION_DAYS`,
    else 90."""
    if configured is None:
        text = os.environ.get(RETENTION_ENV, "").strip()
        try:
            configured = int(text) if text else DEFAULT_RETENTION_DAYS
        except ValueError:
            raise ValueError(
                f"{RETENTION_ENV} must be a whole number of days, not {text!r}"
            ) from None
    if configured < 1:
        raise ValueError(f"runs must be kept at least 1 day, not {configured}")
    return configured


def purge_runs(instance: dg.DagsterInstance, created_before: datetime) -> list[str]:
    """Delete every finished run created before `created_before`, with its events and logs;
    return their ids, oldest first."""
    deleted: list[str] = []
    # Run storage compares naive UTC timestamps and drops a time zone without converting.
    runs = dg.RunsFilter(statuses=list(FINISHED), created_before=created_before.astimezone(UTC))
    while records := instance.get_run_records(filters=runs, limit=BATCH, ascending=True):
        for record in records:
            run_id = record.dagster_run.run_id
            instance.delete_run(run_id)  # its row and its events
            instance.compute_log_manager.delete_logs(prefix=[run_id])
            _delete_event_shard(instance, run_id)
            deleted.append(run_id)
        if len(records) < BATCH:
            break
    return deleted


def _delete_event_shard(instance: dg.DagsterInstance, run_id: str) -> None:
    """The default (SQLite) event storage keeps a file per run that `delete_run` empties but
    leaves behind."""
    storage = instance.event_log_storage
    if isinstance(storage, SqliteEventLogStorage):
        shard = storage.path_for_shard(run_id)
        for suffix in ("", "-wal", "-shm"):
            Path(shard + suffix).unlink(missing_ok=True)


class PurgeConfig(dg.Config):
    older_than_days: int | None = Field(
        default=None,
        description=f"Delete finished runs created more than this many days ago. Default: "
        f"${RETENTION_ENV}, else {DEFAULT_RETENTION_DAYS}.",
    )


@dg.op(out=dg.Out(dg.Nothing))
def delete_old_runs(context: dg.OpExecutionContext, config: PurgeConfig) -> dg.Output:
    days = retention_days(config.older_than_days)
    cutoff = datetime.now(UTC) - timedelta(days=days)
    deleted = purge_runs(context.instance, cutoff)
    context.log.info(
        f"deleted {len(deleted)} finished runs created before {cutoff:%Y-%m-%d %H:%M} UTC"
    )
    return dg.Output(
        None, metadata={"runs_deleted": len(deleted), "created_before": cutoff.isoformat()}
    )


@dg.job(
    description="Delete finished runs (their events and logs too) older than "
    f"${RETENTION_ENV} days (default {DEFAULT_RETENTION_DAYS}; run config `older_than_days` "
    "overrides). Runs in progress are kept.",
    tags={"plan389/trigger": "housekeeping"},
)
def purge_old_runs() -> None:
    delete_old_runs()


nightly_purge = dg.ScheduleDefinition(
    name="nightly_purge",
    job=purge_old_runs,
    cron_schedule="0 4 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",  # after the 01:00 load, whatever the server's zone
    # On by default, unlike the loads: it only deletes Dagster's own history, and a purge that
    # waits to be remembered bounds nothing.
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 04:00 Vietnam time, delete finished runs older than the retention "
    f"(${RETENTION_ENV}, default {DEFAULT_RETENTION_DAYS} days).",
)
