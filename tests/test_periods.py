"""Statistical periods: the PLAN389_PERIOD_CUTOFF_DAY setting and the months and years it makes."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from pipelines.periods import (
    CUTOFF_ENV,
    month_bounds,
    months_bounds,
    period_cutoff_day,
    statistical_month,
    statistical_year,
)


@pytest.mark.parametrize(("value", "expected"), [("", None), ("15", 15), (" 2 ", 2), ("28", 28)])
def test_the_setting(value: str, expected: int | None) -> None:
    assert period_cutoff_day({CUTOFF_ENV: value}) == expected
    assert period_cutoff_day({}) is None


@pytest.mark.parametrize("value", ["1", "29", "31", "0", "-15", "15.0", "mười lăm"])
def test_a_bad_setting_is_refused_with_the_reason(value: str) -> None:
    with pytest.raises(ValueError, match="from 2 to 28"):
        period_cutoff_day({CUTOFF_ENV: value})


@pytest.mark.parametrize(
    ("day", "cutoff", "month"),
    [
        (date(2026, 4, 14), None, date(2026, 4, 1)),
        (date(2026, 4, 15), None, date(2026, 4, 1)),
        (date(2026, 4, 14), 15, date(2026, 4, 1)),
        (date(2026, 4, 15), 15, date(2026, 5, 1)),
        (date(2026, 3, 15), 15, date(2026, 4, 1)),
        (date(2025, 12, 15), 15, date(2026, 1, 1)),
        (date(2025, 12, 14), 15, date(2025, 12, 1)),
    ],
)
def test_a_day_falls_in_the_month_that_ends_after_it(day: date, cutoff, month: date) -> None:
    assert statistical_month(day, cutoff) == month
    assert statistical_year(day, cutoff) == month.year


def test_bounds() -> None:
    assert month_bounds(date(2026, 4, 1), None) == (date(2026, 4, 1), date(2026, 4, 30))
    assert month_bounds(date(2026, 4, 1), 15) == (date(2026, 3, 15), date(2026, 4, 14))
    assert month_bounds(date(2026, 1, 1), 15) == (date(2025, 12, 15), date(2026, 1, 14))
    year = months_bounds(date(2026, 1, 1), date(2026, 12, 1), 15)
    assert year == (date(2025, 12, 15), date(2026, 12, 14))
    assert months_bounds(date(2028, 2, 1), date(2028, 2, 1), None)[1] == date(2028, 2, 29)


def test_plan389_run_refuses_a_bad_setting_before_anything_runs(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", CUTOFF_ENV: "31", "PLAN389_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 2
    assert f"{CUTOFF_ENV}='31'" in done.stderr and "from 2 to 28" in done.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()
