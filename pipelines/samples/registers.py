"""Tip registers over several years, as the national sample set has them.

Each agency has one tip history, from the tips still open from the year before its first reporting
year to its latest report, and each workbook lists the part of it its period covers, as the agency
saw it on the report date (`register`). Commune police pass a share of their tips up to the
province police ("Chuyển cơ quan có thẩm quyền"), whose registers list them again under the same
Mã tin and Ngày tiếp nhận, accepted later and mostly resolved later.

A year's receiving days and its transfers come from random streams of their own (`year_days`,
`transfers`), so the province police draw what is passed to them without drawing the communes'
whole histories. Same stream, same history.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from pipelines.reports.spec import CHANNELS, OUTCOMES, TIP_TYPES
from pipelines.samples import report_rows as sr

TRANSFERRED = next(c.label for c in OUTCOMES if c.code == "transferred")
REFERRAL = next(c.label for c in CHANNELS if c.code == "referral")
PASSED_TIP_TYPES = [c.label for c in TIP_TYPES if c.code != "prosecution_request"]


@dataclass(frozen=True)
class TipStream:
    """What one agency's tip history is drawn from."""

    key: str  # the agency's random streams
    unit: str  # its locality code, in its Mã tin: TG-2026-26734-0001
    profile: sr.TipProfile  # `received`: tips a year
    years: tuple[int, ...]  # its reporting years, in order
    horizon: date  # last day of the history: its latest report's figures
    transfer_share: float = 0.0  # of its tips, passed up to the province police
    incoming: tuple[TipStream, ...] = ()  # the units that pass tips up to it


class Transfer(NamedTuple):
    code: str
    received: date
    accepted: date
    sent: date  # the sending unit's resolution: passed up
    field: str


class Entry(NamedTuple):
    intake: date  # the day the unit had it: received, or passed to it
    row: sr.Row


def year_days(stream: TipStream, year: int) -> list[date]:
    """The receiving days of the year's tips, to the horizon in the last year; a past year's
    volume is 80-100% of the last year's rate."""
    rng = random.Random(f"{stream.key}|{year}|days")
    start, end = date(year, 1, 2), min(date(year, 12, 31), stream.horizon)
    volume = 1.0 if year == stream.years[-1] else rng.uniform(0.8, 1.0)
    n = round(stream.profile.received * volume * ((end - start).days + 1) / 365)
    return sorted(start + timedelta(rng.randint(0, max(0, (end - start).days))) for _ in range(n))


def transfers(stream: TipStream, year: int, days: list[date] | None = None) -> list[Transfer]:
    """The year's tips the unit passes up: accepted, then sent on within two weeks."""
    if not stream.transfer_share:
        return []
    rng = random.Random(f"{stream.key}|{year}|transfers")
    out: list[Transfer] = []
    for n, day in enumerate(year_days(stream, year) if days is None else days, 1):
        if rng.random() < stream.transfer_share:
            accepted = day + timedelta(rng.choice(sr.ACCEPT_DELAYS))
            sent = accepted + timedelta(rng.randint(2, 15))
            code = sr.tip_code(year, n, stream.unit)
            out.append(Transfer(code, day, accepted, sent, sr.tip_field(rng, stream.profile)))
    return out


@functools.lru_cache(maxsize=8)  # an agency's registers, written one after the other, share it
def history(stream: TipStream) -> list[Entry]:
    """Every tip the unit holds up to its horizon, in the order it had them (do not modify)."""
    rng = random.Random(f"{stream.key}|tips")
    carried = replace(stream.profile, received=0)  # open on 1 January of the first year
    old = sr.tip_history(rng, carried, stream.years[0], stream.horizon, stream.unit)
    entries = [Entry(row["received_date"], row) for row in old]  # type: ignore[arg-type]
    informants: list[tuple] = []
    for year in stream.years:
        days = year_days(stream, year)
        sent = {t.code: t for t in transfers(stream, year, days)}
        for n, day in enumerate(days, 1):
            code = sr.tip_code(year, n, stream.unit)
            row = sr.tip_row(rng, stream.profile, code, day, informants)
            if t := sent.get(code):
                row.update(
                    field=t.field,
                    accepted_date=t.accepted,
                    resolved_date=t.sent,
                    outcome=TRANSFERRED,
                    criminal_signs=True,
                )
            entries.append(Entry(day, row))
    passed = random.Random(f"{stream.key}|passed-in")
    for source in stream.incoming:
        for year in source.years:
            for t in transfers(source, year):
                entries.append(Entry(t.sent, passed_in_row(passed, t)))
    return sorted(entries, key=lambda e: e.intake)


def passed_in_row(rng: random.Random, t: Transfer) -> sr.Row:
    """A tip as the province police register it: the sender's code and receiving date,
    accepted once it arrives, most resolved within three months."""
    accepted = t.sent + timedelta(rng.randint(0, 5))
    resolved = accepted + timedelta(rng.randint(10, 90)) if rng.random() < 0.85 else None
    signs = rng.random() < 0.8 if resolved else None
    return {
        "tip_code": t.code,
        "received_date": t.received,
        "channel": REFERRAL,
        "tip_type": rng.choice(PASSED_TIP_TYPES),
        "field": t.field,
        "accepted_date": accepted,
        "resolved_date": resolved,
        "outcome": sr.tip_outcome(rng, bool(signs)) if resolved else None,
        "criminal_signs": signs,
        "informant_name": None,  # the sender keeps its informants
        "informant_phone": None,
    }


def register(
    entries: list[Entry], start: date, end: date, as_of: date, carry: bool
) -> list[sr.Row]:
    """The rows of a register for the period start..end, as on `as_of`: the tips the unit had
    in the period and, when `carry` (a year's register), the accepted ones still open from
    before it."""

    def listed(e: Entry) -> bool:
        if e.intake > as_of:
            return False
        if e.intake >= start:
            return e.intake <= end
        resolved = e.row["resolved_date"]
        open_at_start = resolved is None or resolved >= start  # type: ignore[operator]
        return carry and e.row["accepted_date"] is not None and open_at_start

    return sr.snapshot([e.row for e in entries if listed(e)], as_of)
