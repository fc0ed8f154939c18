"""DAGSTER_HOME stays bounded: the run purge and the tick retention in the repo's dagster.yaml."""

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.scheduler.instigation import TickStatus
from dagster._core.test_utils import freeze_time

from pipelines.defs.automation.housekeeping import (
    RETENTION_ENV,
    nightly_purge,
    purge_old_runs,
    purge_runs,
    retention_days,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A persistent instance in tmp_path, with the repository's dagster.yaml."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


@dg.op
def say_hello() -> None:
    print("hello")  # captured into the run's compute logs


@dg.job
def hello_job() -> None:
    say_hello()


def finished_run(instance: dg.DagsterInstance, days_ago: float) -> str:
    """A real run (events, event file, captured logs) created `days_ago` days before now."""
    with freeze_time(datetime.now(UTC) - timedelta(days=days_ago)):
        result = hello_job.execute_in_process(instance=instance)
    assert result.success
    return result.run_id


def run_files(instance: dg.DagsterInstance, run_id: str) -> list[Path]:
    home = Path(instance.root_directory)
    return [
        p
        for p in (home / "history" / "runs" / f"{run_id}.db", home / "storage" / run_id)
        if p.exists()
    ]


def test_purge_job_deletes_old_finished_runs_only(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RETENTION_ENV, raising=False)
    old = finished_run(instance, days_ago=91)
    recent = finished_run(instance, days_ago=89)
    # A run started long ago and still going (a stuck load): never deleted, however old.
    running = instance.run_storage.add_historical_run(
        dg.DagsterRun(job_name="full_load", status=dg.DagsterRunStatus.STARTED),
        datetime.now(UTC) - timedelta(days=200),
    )
    canceling = instance.run_storage.add_historical_run(
        dg.DagsterRun(job_name="full_load", status=dg.DagsterRunStatus.CANCELING),
        datetime.now(UTC) - timedelta(days=200),
    )
    assert len(run_files(instance, old)) == 2

    result = purge_old_runs.execute_in_process(instance=instance)

    assert result.success
    assert instance.get_run_by_id(old) is None
    assert run_files(instance, old) == []  # its event file and captured logs too
    for kept in (recent, running.run_id, canceling.run_id, result.run_id):
        assert instance.get_run_by_id(kept) is not None
    assert len(run_files(instance, recent)) == 2
    assert _metadata(result)["runs_deleted"] == 1


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    outputs = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT]
    return {k: v.value for k, v in outputs[0].step_output_data.metadata.items()}


def test_retention_from_run_config_then_env_then_90_days(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    ten_days = finished_run(instance, days_ago=10)
    twenty_days = finished_run(instance, days_ago=20)

    monkeypatch.setenv(RETENTION_ENV, "15")
    purge_old_runs.execute_in_process(instance=instance)
    assert instance.get_run_by_id(twenty_days) is None
    assert instance.get_run_by_id(ten_days) is not None

    config = {"ops": {"delete_old_runs": {"config": {"older_than_days": 5}}}}
    purge_old_runs.execute_in_process(instance=instance, run_config=config)
    assert instance.get_run_by_id(ten_days) is None

    assert retention_days(30) == 30
    monkeypatch.delenv(RETENTION_ENV)
    assert retention_days() == 90


@pytest.mark.parametrize("value", ["0", "-3", "ninety"])
def test_retention_refuses_nonsense(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RETENTION_ENV, value)
    with pytest.raises(ValueError, match="day"):
        retention_days()


def test_purge_works_through_more_runs_than_a_batch(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.defs.automation.housekeeping as housekeeping

    monkeypatch.setattr(housekeeping, "BATCH", 2)
    created = datetime.now(UTC) - timedelta(days=100)
    ids = [
        instance.run_storage.add_historical_run(
            dg.DagsterRun(job_name="full_load", status=dg.DagsterRunStatus.SUCCESS), created
        ).run_id
        for _ in range(5)
    ]
    assert sorted(purge_runs(instance, datetime.now(UTC) - timedelta(days=90))) == sorted(ids)
    assert instance.get_runs() == []


def test_nightly_purge_schedule() -> None:
    assert nightly_purge.job_name == "purge_old_runs"
    assert nightly_purge.cron_schedule == "0 4 * * *"  # after the 01:00 load
    assert nightly_purge.execution_timezone == "Asia/Ho_Chi_Minh"
    assert nightly_purge.default_status == dg.DefaultScheduleStatus.RUNNING


def test_repo_dagster_yaml_purges_ticks(instance: dg.DagsterInstance) -> None:
    sensor = instance.get_tick_retention_settings(InstigatorType.SENSOR)
    assert sensor[TickStatus.SKIPPED] == 7
    assert sensor[TickStatus.FAILURE] == 30
    assert sensor[TickStatus.SUCCESS] == 90
    schedule = instance.get_tick_retention_settings(InstigatorType.SCHEDULE)
    assert {schedule[s] for s in (TickStatus.SKIPPED, TickStatus.SUCCESS, TickStatus.FAILURE)} == {
        90
    }
    assert instance.get_settings("concurrency")["runs"]["max_concurrent_runs"] == 1


def test_repo_dagster_yaml_unblocks_the_queue_from_a_dead_run(
    instance: dg.DagsterInstance,
) -> None:
    """One run at a time: a run whose worker was killed must not hold the queue for ever."""
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_max_runtime_seconds == 4 * 3600
    assert instance.run_monitoring_start_timeout_seconds == 600
