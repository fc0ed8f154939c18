"""Statistical periods: calendar months (the default), or the reporting regime of Nghị định
09/2019/NĐ-CP art. 12, in which a month runs from the 15th of the previous month to the 14th and
the year from 15/12 to 14/12.

One setting, `PLAN389_PERIOD_CUTOFF_DAY`: unset means calendar periods; a day D from 2 to 28
starts each statistical month on day D of the month before. A period is labelled by the month it
ends in: with 15, 15/03–14/04 is `2026-04` (month 2026-04-01), and 15/12/2025–14/12/2026 is the
year 2026. The dbt macros in `dbt_project/macros/periods.sql` compute the same in SQL; this module
holds the setting, its check, and the Python side (sample data, test oracles).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, timedelta

CUTOFF_ENV = "PLAN389_PERIOD_CUTOFF_DAY"
MIN_CUTOFF, MAX_CUTOFF = 2, 28


def period_cutoff_day(environ: Mapping[str, str] | None = None) -> int | None:
    """The cut-off day, or None for calendar periods; a bad value is refused with the reason."""
    text = (os.environ if environ is None else environ).get(CUTOFF_ENV, "").strip()
    if not text:
        return None
    if not text.isdigit() or not MIN_CUTOFF <= int(text) <= MAX_CUTOFF:
        raise ValueError(
            f"{CUTOFF_ENV}={text!r}: give a day from {MIN_CUTOFF} to {MAX_CUTOFF} (15: the "
            "reporting regime of Nghị định 09/2019/NĐ-CP, 15th to 14th), or leave it unset for "
            "calendar months"
        )
    return int(text)


def dbt_vars(cutoff: int | None) -> dict[str, int]:
    return {} if cutoff is None else {"period_cutoff_day": cutoff}


def statistical_month(day: date, cutoff: int | None) -> date:
    """The first day of the month labelling the statistical month `day` falls in."""
    if cutoff is not None and day.day >= cutoff:
        return _add_months(day.replace(day=1), 1)
    return day.replace(day=1)


def statistical_year(day: date, cutoff: int | None) -> int:
    return statistical_month(day, cutoff).year


def month_bounds(month: date, cutoff: int | None) -> tuple[date, date]:
    """First and last day of the statistical month labelled `month` (any day of it)."""
    first = month.replace(day=1)
    if cutoff is None:
        return first, _add_months(first, 1) - timedelta(days=1)
    return _add_months(first, -1).replace(day=cutoff), first.replace(day=cutoff - 1)


def months_bounds(first: date, last: date, cutoff: int | None) -> tuple[date, date]:
    """First and last day of the statistical months labelled `first` to `last`."""
    return month_bounds(first, cutoff)[0], month_bounds(last, cutoff)[1]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
