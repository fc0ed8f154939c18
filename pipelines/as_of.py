"""The as-of date: the day every figure of a run is counted through.

Officials report figures "tính đến ngày …", and last quarter's report must be reproducible, so a
run counts rows by their own dates up to one day, chosen by the first of these that is set:

1. `plan389 run --as-of YYYY-MM-DD`;
2. the `PLAN389_AS_OF` environment variable;
3. the Dagster run config / resource setting (`resources: {as_of: {config: {date: …}}}`);
4. today in Vietnam (Asia/Ho_Chi_Minh), whatever the host's time zone: a 01:00 run on a UTC
   host counts through today, not yesterday.

dbt caps it at each report year's end (`int_report_years`). "Today" anywhere in plan389 is
`today_vn()`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF_ENV = "PLAN389_AS_OF"

Source = Literal["flag", "env", "run_config", "today"]


def now_vn(now: datetime | None = None) -> datetime:
    """The moment in Vietnam (aware); `now` is taken as UTC when it has no zone."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TZ)


def today_vn(now: datetime | None = None) -> date:
    """Today's date in Vietnam."""
    return now_vn(now).date()


def parse_as_of(text: str, where: str = "as-of date") -> date:
    """A `YYYY-MM-DD` date; anything else is refused with a message naming `where`."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{where}: '{text}' is not a date; write it as YYYY-MM-DD (2026-06-30)")


@dataclass(frozen=True)
class AsOf:
    day: date
    source: Source

    def dbt_vars(self) -> dict[str, str]:
        return {"as_of_date": self.day.isoformat(), "as_of_source": self.source}


def resolve_as_of(
    flag: str | None = None,
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> AsOf:
    """The run's as-of date: the flag, else PLAN389_AS_OF, else the run config, else today."""
    env = (os.environ if environ is None else environ).get(AS_OF_ENV, "").strip()
    if flag:
        return AsOf(parse_as_of(flag, "--as-of"), "flag")
    if env:
        return AsOf(parse_as_of(env, AS_OF_ENV), "env")
    if config:
        return AsOf(parse_as_of(config, "run config resources.as_of.config.date"), "run_config")
    return AsOf(today_vn(now), "today")
