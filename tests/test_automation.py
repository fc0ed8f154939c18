"""The automation that starts loads: raw-folder scanning, the raw-files sensor, the schedule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.automation.jobs import load_job
from pipelines.defs.automation.schedules import nightly_load
from pipelines.defs.automation.sensors import raw_files_sensor
from pipelines.defs.resources import DataDirResource
from pipelines.raw_files import Changes, scan, state_digest

REPO_ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bump_mtime(path: Path) -> None:
    """Move the mtime forward by a second: filesystem clocks are too coarse to rely on sleeps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


# --- scan -------------------------------------------------------------------------------------


def test_scan_first_look_adds_every_file(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "a.txt", "kế hoạch")
    write(tmp_path / "reports" / "b.xlsx", "workbook")
    state, changes = scan(tmp_path, None)
    assert changes == Changes(added=["plans/a.txt", "reports/b.xlsx"])
    assert changes.any
    size, mtime_ns, sha = state["plans/a.txt"]
    assert size == len("kế hoạch".encode()) and mtime_ns > 0 and len(sha) == 64


def test_scan_unchanged_folder_has_no_changes(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "a.txt", "a")
    state, _ = scan(tmp_path, None)
    again, changes = scan(tmp_path, state)
    assert again == state and not changes.any


def test_scan_detects_added_file(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "a.txt", "a")
    state, _ = scan(tmp_path, None)
    write(tmp_path / "reports" / "new.xlsx", "n")
    _, changes = scan(tmp_path, state)
    assert changes == Changes(added=["reports/new.xlsx"])


def test_scan_detects_changed_content(tmp_path: Path) -> None:
    path = write(tmp_path / "plans" / "a.txt", "version 1")
    state, _ = scan(tmp_path, None)
    write(path, "version 2")
    bump_mtime(path)
    new_state, changes = scan(tmp_path, state)
    assert changes == Changes(changed=["plans/a.txt"])
    assert new_state["plans/a.txt"][2] != state["plans/a.txt"][2]


def test_scan_touched_file_with_same_content_is_not_a_change(tmp_path: Path) -> None:
    path = write(tmp_path / "plans" / "a.txt", "same")
    state, _ = scan(tmp_path, None)
    bump_mtime(path)
    new_state, changes = scan(tmp_path, state)
    assert not changes.any
    assert new_state["plans/a.txt"][1] != state["plans/a.txt"][1]  # new mtime recorded
    assert state_digest(new_state) == state_digest(state)


def test_scan_reuses_hash_when_size_and_mtime_are_unchanged(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "a.txt", "a")
    state, _ = scan(tmp_path, None)
    stale = {"plans/a.txt": [*state["plans/a.txt"][:2], "0" * 64]}
    new_state, changes = scan(tmp_path, stale)
    assert new_state["plans/a.txt"][2] == "0" * 64 and not changes.any  # not re-hashed


def test_scan_detects_removed_file(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "a.txt", "a")
    gone = write(tmp_path / "reports" / "old.xlsx", "o")
    state, _ = scan(tmp_path, None)
    gone.unlink()
    new_state, changes = scan(tmp_path, state)
    assert changes == Changes(removed=["reports/old.xlsx"])
    assert list(new_state) == ["plans/a.txt"]


def test_scan_ignores_hidden_and_lock_files(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "a.txt", "a")
    write(tmp_path / "plans" / ".DS_Store", "x")
    write(tmp_path / "reports" / "~$b.xlsx", "lock")
    write(tmp_path / ".git" / "config", "x")
    write(tmp_path / "reports" / ".cache" / "c.xlsx", "x")
    state, changes = scan(tmp_path, None)
    assert list(state) == ["plans/a.txt"] and changes.added == ["plans/a.txt"]


def test_scan_includes_sub_folders(tmp_path: Path) -> None:
    write(tmp_path / "reports" / "2026" / "q1" / "so-cong-thuong.xlsx", "x")
    state, _ = scan(tmp_path, None)
    assert list(state) == ["reports/2026/q1/so-cong-thuong.xlsx"]


def test_scan_missing_folder_is_empty(tmp_path: Path) -> None:
    assert scan(tmp_path / "absent", None) == ({}, Changes())


def test_state_digest_depends_on_paths_and_content_only(tmp_path: Path) -> None:
    a = {"plans/a.txt": [1, 10, "aa"], "plans/b.txt": [1, 10, "bb"]}
    assert state_digest(a) == state_digest(
        {"plans/b.txt": [9, 99, "bb"], "plans/a.txt": [1, 5, "aa"]}
    )
    assert state_digest(a) != state_digest({**a, "plans/b.txt": [1, 10, "cc"]})
    assert state_digest(a) != state_digest({"plans/a.txt": [1, 10, "aa"]})


def test_changes_summary_lists_at_most_ten_paths() -> None:
    changes = Changes(added=[f"reports/{i:02}.xlsx" for i in range(12)], removed=["plans/x.txt"])
    summary = changes.summary()
    assert summary.startswith("12 added, 0 changed, 1 removed: reports/00.xlsx")
    assert "reports/09.xlsx" in summary and "reports/10.xlsx" not in summary
    assert summary.endswith("and 3 more")


# --- sensor -----------------------------------------------------------------------------------


def tick(data: Path, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        cursor=cursor, resources={"data_dir": DataDirResource(path=str(data))}
    )
    result = raw_files_sensor(context)
    assert isinstance(result, dg.SensorResult) and result.cursor is not None
    return result


def test_sensor_first_tick_on_empty_folder_skips_and_records_state(tmp_path: Path) -> None:
    result = tick(tmp_path, None)
    assert not result.run_requests
    assert result.skip_reason is not None
    assert "no new, changed or removed files under" in result.skip_reason.skip_message
    write(tmp_path / "raw" / "plans" / "a.txt", "a")
    assert len(tick(tmp_path, result.cursor).run_requests or []) == 1  # recorded as empty


def test_sensor_lifecycle(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    plan = write(raw / "plans" / "a.txt", "a")

    first = tick(tmp_path, None)
    assert first.run_requests is not None and len(first.run_requests) == 1
    request = first.run_requests[0]
    assert request.tags["plan389/trigger"] == "raw_files"
    assert request.tags["plan389/raw_changes"] == "1 added, 0 changed, 0 removed: plans/a.txt"
    keys = [request.run_key]

    idle = tick(tmp_path, first.cursor)
    assert not idle.run_requests and idle.skip_reason is not None

    bump_mtime(plan)  # touched, same content
    touched = tick(tmp_path, idle.cursor)
    assert not touched.run_requests
    assert json.loads(touched.cursor)["f"]["plans/a.txt"][1] == plan.stat().st_mtime_ns

    report = write(raw / "reports" / "b.xlsx", "b")
    added = tick(tmp_path, touched.cursor)
    assert added.run_requests and "1 added" in added.run_requests[0].tags["plan389/raw_changes"]
    keys.append(added.run_requests[0].run_key)

    write(plan, "a, revised")
    bump_mtime(plan)
    changed = tick(tmp_path, added.cursor)
    assert changed.run_requests
    assert changed.run_requests[0].tags["plan389/raw_changes"].startswith("0 added, 1 changed")
    keys.append(changed.run_requests[0].run_key)

    report.unlink()
    removed = tick(tmp_path, changed.cursor)
    assert removed.run_requests
    assert removed.run_requests[0].tags["plan389/raw_changes"].endswith("1 removed: reports/b.xlsx")
    keys.append(removed.run_requests[0].run_key)

    assert len(set(keys)) == len(keys)  # every state gets its own run key
    assert not tick(tmp_path, removed.cursor).run_requests


def test_sensor_back_to_an_earlier_state_gets_a_new_run_key(tmp_path: Path) -> None:
    """Dagster skips a repeated run key: restoring a removed file must still start a load."""
    path = write(tmp_path / "raw" / "reports" / "b.xlsx", "b")
    first = tick(tmp_path, None)
    path.unlink()
    removed = tick(tmp_path, first.cursor)
    write(path, "b")
    restored = tick(tmp_path, removed.cursor)
    assert restored.run_requests and first.run_requests
    assert restored.run_requests[0].run_key != first.run_requests[0].run_key


def test_sensor_cursor_is_compact_json(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "plans" / "a.txt", "a")
    cursor = tick(tmp_path, None).cursor
    assert cursor is not None and " " not in cursor
    data = json.loads(cursor)
    assert set(data) == {"v", "n", "f"} and list(data["f"]) == ["plans/a.txt"]


def test_sensor_treats_an_unreadable_cursor_as_a_first_tick(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "plans" / "a.txt", "a")
    assert tick(tmp_path, "not json").run_requests


def test_sensor_definition() -> None:
    assert raw_files_sensor.job_name == "full_load"
    assert raw_files_sensor.minimum_interval_seconds == 30
    assert raw_files_sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert raw_files_sensor.required_resource_keys == {"data_dir"}


# --- job and schedule -------------------------------------------------------------------------


def test_load_job_selects_every_asset() -> None:
    assert load_job.name == "full_load"
    assert load_job.selection == dg.AssetSelection.all()


def test_nightly_schedule() -> None:
    assert nightly_load.name == "nightly_load"
    assert nightly_load.cron_schedule == "0 1 * * *"
    assert nightly_load.execution_timezone == "Asia/Ho_Chi_Minh"
    assert nightly_load.job_name == "full_load"
    assert nightly_load.default_status == dg.DefaultScheduleStatus.STOPPED


# --- the code location, as the dagster CLI sees it --------------------------------------------


@pytest.fixture(scope="module")
def location_defs() -> dg.Definitions:
    from pipelines.defs.warehouse.project import prepare_manifest

    prepare_manifest()  # pipelines.definitions needs dbt's manifest at import
    from pipelines.definitions import defs

    return defs


def test_location_wires_the_automation(location_defs: dg.Definitions) -> None:
    schedules = {s.name: s for s in location_defs.schedules or []}
    assert set(schedules) == {"nightly_load", "nightly_purge", "follow_up_schedule"}
    assert {s.name for s in location_defs.sensors or []} == {"raw_files_sensor"}
    assert {j.name for j in location_defs.jobs or []} == {
        "full_load",
        "purge_old_runs",
        "send_follow_up",
    }
    weekly = schedules["follow_up_schedule"]  # Monday 07:00 in Vietnam, mails only when on
    assert (weekly.cron_schedule, weekly.execution_timezone) == ("0 7 * * 1", "Asia/Ho_Chi_Minh")
    assert weekly.job_name == "send_follow_up"
    assert weekly.default_status == dg.DefaultScheduleStatus.STOPPED


def test_housekeeping_stays_out_of_the_loads(location_defs: dg.Definitions) -> None:
    """`plan389 run` runs the implicit asset job and the schedule and sensor run full_load:
    none of them may purge runs."""
    for job in (
        location_defs.resolve_implicit_global_asset_job_def(),
        location_defs.resolve_job_def("full_load"),
    ):
        ops = {node.name for node in job.graph.node_defs}
        assert "warehouse_models" in ops and "delete_old_runs" not in ops
        assert "follow_up" in ops and "send_follow_up_op" not in ops  # loads never mail
    purge = location_defs.resolve_job_def("purge_old_runs")
    assert [node.name for node in purge.graph.node_defs] == ["delete_old_runs"]


def test_dagster_cli_lists_schedules_and_sensor(
    location_defs: dg.Definitions, tmp_path: Path
) -> None:
    """As a cron line or a systemd unit calls it: the venv's `dagster`, the venv not on PATH."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("")
    bin_dir = Path(sys.executable).parent
    env = {  # a fresh environment: the venv not on PATH, no faketime (see tests/tools.py)
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DAGSTER_HOME": str(home),
        "PLAN389_DATA_DIR": str(tmp_path / "data"),
    }
    listings = (
        ("schedule", "nightly_load"),
        ("schedule", "nightly_purge"),
        ("sensor", "raw_files_sensor"),
    )
    for kind, name in listings:
        # From the repository root: pyproject's [tool.dagster] names pipelines.definitions.
        listed = subprocess.run(
            [str(bin_dir / "dagster"), kind, "list"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert listed.returncode == 0, listed.stderr[-3000:]
        assert name in listed.stdout, listed.stdout[-3000:]
