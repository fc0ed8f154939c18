"""Progress of `plan389 run`: formatting, the two displays, polling a real run's event log."""

from __future__ import annotations

import io
import threading

import dagster as dg
import pytest

from pipelines.progress import (
    ProgressDisplay,
    ProgressEvent,
    RunProgress,
    StepProgress,
    draws_live,
    follow_run,
    format_block,
    format_duration,
)

ESC = "\x1b"


def _events(step: str = "report_tables") -> list[ProgressEvent]:
    return [
        ProgressEvent("start", step, timestamp=100.0),
        ProgressEvent("log", step, timestamp=100.5, message="a.xlsx: unreadable", level=30),
        ProgressEvent(
            "materialized",
            step,
            timestamp=101.0,
            numbers={"rows": 23, "files_read": 3, "files_skipped": 20, "files_rejected": 0},
        ),
        ProgressEvent("materialized", step, timestamp=101.1, numbers={"rows": 100}),
        ProgressEvent("check", step, timestamp=101.2, passed=False, message="raw/tips:rows"),
        ProgressEvent("success", step, timestamp=101.3, duration=1.25),
    ]


def test_plain_lines_for_started_materialized_and_done() -> None:
    progress = RunProgress({"report_tables": "python"})
    lines = [line for e in _events() if (line := progress.apply(e)) is not None]
    assert lines == [
        "report_tables: started",
        "report_tables: done in 1.2s · 2 tables, 123 rows · "
        "files: 3 read, 20 skipped, 0 rejected · 1 check, 1 warned",
    ]


def test_failed_step_and_blocking_check_lines() -> None:
    progress = RunProgress()
    assert progress.apply(ProgressEvent("start", "plan_tables", timestamp=10.0)) == (
        "plan_tables: started"
    )
    failed_check = ProgressEvent(
        "check", "plan_tables", 11.0, passed=False, blocking_error=True, message="raw/plans:parsed"
    )
    assert progress.apply(failed_check) == "plan_tables: check FAILED: raw/plans:parsed"
    failure = ProgressEvent("failure", "plan_tables", timestamp=12.5, message="ValueError: boom")
    assert progress.apply(failure) == "plan_tables: FAILED after 2.5s: ValueError: boom"
    assert progress.apply(ProgressEvent("skipped", "published_marts", 13.0)) == (
        "published_marts: skipped (an upstream step failed)"
    )


def test_dbt_step_counts_models_and_tests() -> None:
    progress = RunProgress({"warehouse_models": "dbt"})
    progress.apply(ProgressEvent("start", "warehouse_models", 0.0))
    for _ in range(26):
        progress.apply(ProgressEvent("materialized", "warehouse_models", 1.0))
    for i in range(90):
        progress.apply(ProgressEvent("check", "warehouse_models", 2.0, passed=i != 0))
    done = progress.apply(ProgressEvent("success", "warehouse_models", 3.0, duration=75.0))
    assert done == ("warehouse_models (dbt): done in 1m 15s · 26 models built · 90 tests, 1 warned")


def test_published_marts_and_durations() -> None:
    progress = RunProgress()
    progress.apply(ProgressEvent("start", "published_marts", 0.0))
    progress.apply(ProgressEvent("materialized", "published_marts", 0.1, numbers={"marts": 12}))
    done = progress.apply(ProgressEvent("success", "published_marts", 0.2, duration=0.04))
    assert done == "published_marts: done in 0.0s · 12 marts"
    assert [format_duration(s) for s in (0.0, 9.96, 59.9, 60.0, 3725)] == [
        "0.0s",
        "10.0s",
        "59.9s",
        "1m 00s",
        "62m 05s",
    ]


def test_live_block_lists_every_step_and_shortens_long_names() -> None:
    steps = [
        StepProgress("plan_tables", status="done", duration=2.3, assets=10, rows=741),
        StepProgress("warehouse_models", "dbt", status="running", started_at=100.0, assets=12),
        StepProgress("mart_kpi_targets_plan_targets_met_and_more", "check"),
    ]
    block = format_block(steps, started_at=95.0, now=112.0, unicode=False)
    assert block[0] == "plan389 run · 17.0s"
    assert block[1].startswith("  + plan_tables ") and block[1].endswith(
        "2.3s  10 tables, 741 rows"
    )
    assert "warehouse_models (dbt)" in block[2] and block[2].endswith("12.0s  12 models built")
    assert block[3].startswith("  . mart_kpi_targets_plan… (check) ")
    assert block[3].endswith("waiting") and len(block) == 4


def test_plain_display_echoes_lines_without_escape_codes() -> None:
    lines: list[str] = []
    stream = io.StringIO()
    display = ProgressDisplay(RunProgress(), live=False, echo=lines.append, stream=stream)
    display.handle(_events())
    display.refresh()
    display.close()
    assert lines[0] == "report_tables: started"
    assert lines[1].startswith("report_tables: done in 1.2s")
    assert stream.getvalue() == ""  # plain lines go through echo only
    assert not any(ESC in line for line in lines)


def test_live_display_redraws_in_place_and_shows_warnings_above() -> None:
    stream = io.StringIO()
    lines: list[str] = []
    progress = RunProgress({"report_tables": "python", "published_marts": "python"})
    display = ProgressDisplay(progress, live=True, echo=lines.append, stream=stream)
    display.handle(_events()[:2])
    display.handle(_events()[2:])
    display.close()
    out = stream.getvalue()
    assert lines == []
    # each redraw moves up over exactly the lines drawn before: 3, then 4 with the files line
    assert out.count("\x1b[3F\x1b[J") == 1 and out.count("\x1b[4F\x1b[J") == 1
    assert "files: 3 read, 20 skipped, 0 rejected\n" in out
    assert "warning report_tables: a.xlsx: unreadable\n" in out
    assert out.endswith("\x1b[?25h")  # cursor shown again


def test_live_only_when_printing_to_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert draws_live(print, Tty())
    assert not draws_live(print, io.StringIO())
    assert not draws_live([].append, Tty())


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 3, "files_read": 3})


@dg.asset(deps=[counted])
def broken() -> None:
    raise ValueError("boom")


def _job() -> dg.JobDefinition:
    return dg.Definitions(assets=[counted, broken]).resolve_implicit_global_asset_job_def()


def test_follow_run_polls_an_ephemeral_instance_while_the_run_executes() -> None:
    lines: list[str] = []
    instance = dg.DagsterInstance.ephemeral()
    display = ProgressDisplay(RunProgress(), live=False, echo=lines.append)
    run_id = "8c1a0c3e-0000-4000-8000-000000000001"
    with follow_run(instance, run_id, display):
        result = _job().execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    assert not result.success
    assert lines[0] == "counted: started"
    assert lines[1].startswith("counted: done in ")
    assert lines[1].endswith(" · 1 table, 3 rows · files: 3 read")
    assert len(lines) == 4 and lines[2] == "broken: started"
    assert lines[3].startswith("broken: FAILED after ") and lines[3].endswith("ValueError: boom")


def test_an_error_in_the_run_propagates_and_stops_the_poller() -> None:
    instance = dg.DagsterInstance.ephemeral()
    display = ProgressDisplay(RunProgress(), live=False, echo=[].append)
    run_id = "8c1a0c3e-0000-4000-8000-000000000002"
    with pytest.raises(ValueError, match="boom"), follow_run(instance, run_id, display):
        _job().execute_in_process(instance=instance, run_id=run_id)  # raise_on_error=True
    assert not any(t.name == "plan389-progress" for t in threading.enumerate())


@pytest.mark.e2e
def test_run_all_reports_each_step_in_order(data_copy, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.run import run_all

    monkeypatch.setenv("PLAN389_PII_KEY", "progress-test")
    lines: list[str] = []
    code = run_all(echo=lines.append)
    assert code == 0, "\n".join(lines)
    assert not any(ESC in line for line in lines)
    expected = [
        "plan_tables: started",
        "plan_tables: done in ",
        "report_tables: started",
        "report_tables: done in ",
        "warehouse_models (dbt): started",
        "warehouse_models (dbt): done in ",
        "published_marts: started",
        "published_marts: done in ",
        "assets materialized: ",
        "plan389: run succeeded",
    ]
    positions = [next(i for i, line in enumerate(lines) if line.startswith(p)) for p in expected]
    assert positions == sorted(positions)
    report_done = lines[positions[3]]
    assert "files: 23 read, 0 skipped, 0 rejected" in report_done
    assert " models built · " in lines[positions[5]] and " tests" in lines[positions[5]]
