"""The as-of date: where it comes from, and "today" in Vietnam whatever the host's zone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from pipelines.as_of import AS_OF_ENV, parse_as_of, resolve_as_of, today_vn
from pipelines.cli import build_parser
from pipelines.defs.resources import AsOfResource
from pipelines.settings import DBT_PROJECT_DIR
from tests.tools import program, real_clock_env


def test_today_is_the_date_in_vietnam_whatever_the_hosts_zone() -> None:
    # 01:30 in Hà Nội on 7 December is still 6 December in UTC: a nightly run at 01:00 on a
    # UTC host must count through the 7th, not yesterday
    assert today_vn(datetime(2026, 12, 6, 18, 30, tzinfo=UTC)) == date(2026, 12, 7)
    assert today_vn(datetime(2026, 12, 6, 16, 59, tzinfo=UTC)) == date(2026, 12, 6)
    new_york = timezone(timedelta(hours=-5))
    assert today_vn(datetime(2026, 12, 6, 14, 0, tzinfo=new_york)) == date(2026, 12, 7)
    assert today_vn(datetime(2026, 12, 31, 17, 0)) == date(2027, 1, 1)  # naive = UTC


def test_the_flag_wins_over_the_variable_and_the_variable_over_the_run_config() -> None:
    now = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)
    env = {AS_OF_ENV: "2026-05-31"}
    assert resolve_as_of("2026-06-30", "2026-03-31", env, now).day == date(2026, 6, 30)
    assert resolve_as_of("2026-06-30", "2026-03-31", env, now).source == "flag"
    assert resolve_as_of(None, "2026-03-31", env, now).day == date(2026, 5, 31)
    assert resolve_as_of(None, "2026-03-31", env, now).source == "env"
    assert resolve_as_of(None, "2026-03-31", {}, now).day == date(2026, 3, 31)
    assert resolve_as_of(None, "2026-03-31", {}, now).source == "run_config"
    assert resolve_as_of(None, None, {AS_OF_ENV: " "}, now).day == date(2026, 12, 7)
    assert resolve_as_of(None, None, {}, now).source == "today"


@pytest.mark.parametrize("text", ["2026-02-30", "30/06/2026", "2026-6-30", "yesterday", ""])
def test_a_malformed_date_is_refused_naming_where_it_came_from(text: str) -> None:
    with pytest.raises(ValueError, match=r"PLAN389_AS_OF: .* YYYY-MM-DD"):
        parse_as_of(text, AS_OF_ENV)
    with pytest.raises(ValueError, match=AS_OF_ENV):
        resolve_as_of(environ={AS_OF_ENV: text or "x"})


def test_run_takes_as_of_and_refuses_a_bad_one(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["run", "--as-of", "2026-06-30"])
    assert args.as_of == "2026-06-30"
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["run", "--as-of", "30/06/2026"])
    assert exit_info.value.code == 2
    assert "--as-of: '30/06/2026' is not a date" in capsys.readouterr().err


def _resolved_in_a_run(resource: AsOfResource, run_config: dict | None = None):
    seen = []

    @dg.asset
    def probe(as_of: AsOfResource) -> None:
        seen.append(as_of.resolve())

    result = dg.materialize([probe], resources={"as_of": resource}, run_config=run_config)
    assert result.success
    return seen[0]


def test_dagster_run_config_sets_it_and_the_variable_overrides_that(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = {"resources": {"as_of": {"config": {"date": "2026-03-31"}}}}
    monkeypatch.delenv(AS_OF_ENV)
    resolved = _resolved_in_a_run(AsOfResource(), config)
    assert (resolved.day, resolved.source) == (date(2026, 3, 31), "run_config")
    monkeypatch.setenv(AS_OF_ENV, "2026-05-31")
    resolved = _resolved_in_a_run(AsOfResource(), config)
    assert (resolved.day, resolved.source) == (date(2026, 5, 31), "env")
    resolved = _resolved_in_a_run(AsOfResource(flag="2026-06-30"))  # plan389 run --as-of
    assert (resolved.day, resolved.source) == (date(2026, 6, 30), "flag")


def _dbt_as_of(env: dict[str, str], *wrapper: str) -> str:
    """What dbt's as_of_date() macro gives, run by hand (no vars) under `wrapper`."""
    dbt = Path(sys.executable).with_name("dbt")
    sql = "select strftime({{ as_of_date() }}, '%Y-%m-%d') || ' ' || {{ as_of_source() }} as d"
    done = subprocess.run(
        [*wrapper, str(dbt), "show", "--quiet", "--output", "json", "--inline", sql],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(done.stdout[done.stdout.index("{") :])["show"][0]["d"]


@pytest.mark.e2e
def test_dbt_by_hand_counts_through_today_in_vietnam_on_a_utc_host(tmp_path: Path) -> None:
    faketime = program("faketime", package="faketime")
    # its own faked clock, not one nested in the suite's (CI runs the suite under faketime too)
    env = real_clock_env({k: v for k, v in os.environ.items() if k != AS_OF_ENV})
    env |= {"PLAN389_DATA_DIR": str(tmp_path), "TZ": "UTC"}
    # 18:30 UTC on the 6th is 01:30 on the 7th in Hà Nội: the nightly run's "today"
    assert _dbt_as_of(env, faketime, "2026-12-06 18:30:00") == "2026-12-07 today"
    assert _dbt_as_of(env | {AS_OF_ENV: "2026-06-30"}) == "2026-06-30 env"
