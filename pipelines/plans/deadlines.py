"""Read a task's printed deadline ("Thời hạn", "Thời gian thực hiện") into a `Deadline`.

Matching is done on `fold`ed text, so NFD input, odd spacing and case do not matter.

Decisions on ambiguous texts (each pinned by a test in tests/plans/test_deadlines.py):
- Nothing printed → kind "event", no date, review_reason "no deadline printed". A missing deadline
  must never read as "ongoing"; "event" is the kind that promises no calendar date, and the review
  reason tells analysts why. Unrecognised text is handled the same way ("unrecognised deadline").
- A stated period beats "thường xuyên": "Thường xuyên, hằng năm" is recurring annual. With several
  periods the most frequent wins ("hàng tuần, hàng tháng" → weekly).
- "định kỳ" with no period ("Định kỳ, thường xuyên", "Thường xuyên, định kỳ") → recurring with
  recurrence None and a review reason: the plan promises repetition but not how often.
- "Thường xuyên" with qualifiers ("đột xuất", "(Theo chỉ đạo của Bộ ...)", ", theo yêu cầu ...") →
  ongoing: the qualifier only says who may add extra work.
- "Theo yêu cầu / chỉ đạo / hướng dẫn / tiến độ / chương trình ...", "Khi ... có văn bản ...",
  "Đột xuất" → on_request; a printed date ("dự kiến năm 2027") is kept as the expected due date.
- "Sau khi ...", "Kỳ họp ..." → event, no date. Kỳ họp also gets a review reason: the session's
  dates are knowable, just not printed.
- A date alone → once: a month means its last day, a quarter its last day, a year 31 December;
  a year range ("2026-2030") is due at its end and flagged. Recurring texts keep the first date
  printed as the first due date.
- Dates outside 2020–2035 are kept (as printed) but flagged; impossible dates are dropped and
  flagged.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date

from pipelines.plans.model import Deadline, Recurrence
from pipelines.plans.text import fold

PLAUSIBLE_YEARS = range(2020, 2036)

# Most frequent first: when a text names several periods, the first hit wins.
_PERIODS: list[tuple[Recurrence, re.Pattern[str]]] = [
    ("weekly", re.compile(r"\b(?:hang|moi|tung|theo) tuan\b")),
    ("monthly", re.compile(r"\b(?:hang|moi|tung|theo) thang\b")),
    ("quarterly", re.compile(r"\b(?:hang|moi|tung|theo) quy\b")),
    ("annual", re.compile(r"\b(?:hang|moi|tung|theo) nam\b")),
]
_PERIODIC = re.compile(r"\bdinh ky\b")
_UNSUPPORTED_PERIOD = re.compile(r"\b(?:6|sau) thang\b|\bnua nam\b")
_ONGOING = re.compile(r"\bthuong xuyen\b|\blien tuc\b|\b(?:hang|moi) ngay\b")
_ON_REQUEST = re.compile(
    r"\btheo (?:yeu cau|de nghi|chi dao|huong dan|tien do|ke hoach|chuong trinh|lo trinh)\b"
    r"|\bkhi\b.*\b(?:co van ban|co yeu cau|yeu cau|chi dao|huong dan)\b"
    r"|\bdot xuat\b"
)
_SESSION = re.compile(r"\bky hop\b")
_EVENT = re.compile(r"\bsau khi\b|\bkhi\b|\bky hop\b")

# Date shapes, most specific first; a later shape may not reuse text an earlier one claimed.
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_FULL_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
    r"|\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})(?!\d)"
)
_MONTH_YEAR = re.compile(
    r"(?<![\d/.])(\d{1,2})\s*[/-]\s*(\d{4})(?!\d)|\bthang\s+(\d{1,2})\s+(?:nam\s+)?(\d{4})(?!\d)"
)
_QUARTER = re.compile(r"\bquy\s+(iv|i{1,3}|[1-4])\b\s*(?:/|nam)?\s*(\d{4})(?!\d)")
_YEAR_RANGE = re.compile(r"(?<![\d/])(\d{4})\s*[-–]\s*(\d{4})(?![\d/])")
_YEAR = re.compile(r"(?<![\d/.])(\d{4})(?![\d/])")


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _groups(match: re.Match[str]) -> list[int]:
    return [int(g) for g in match.groups() if g is not None]


def _find_dates(folded: str) -> tuple[list[date], list[str]]:
    """All dates printed in `folded`, in text order, plus review notes about them."""
    found: list[tuple[int, date]] = []
    notes: list[str] = []
    claimed: list[range] = []

    def claim(match: re.Match[str], make: Callable[[re.Match[str]], date]) -> None:
        span = range(match.start(), match.end())
        if any(span.start < c.stop and c.start < span.stop for c in claimed):
            return
        claimed.append(span)
        try:
            found.append((match.start(), make(match)))
        except (ValueError, OverflowError):
            notes.append(f"impossible date {match.group(0)!r}")

    for m in _FULL_DATE.finditer(folded):
        claim(m, lambda m: date(*reversed(_groups(m))))
    for m in _QUARTER.finditer(folded):
        q = m.group(1)
        quarter = _ROMAN[q] if q in _ROMAN else int(q)
        claim(m, lambda m, q=quarter: _last_day(int(m.group(2)), 3 * q))
    for m in _MONTH_YEAR.finditer(folded):
        claim(m, lambda m: _last_day(_groups(m)[1], _groups(m)[0]))
    for m in _YEAR_RANGE.finditer(folded):
        before = len(found)
        claim(m, lambda m: date(int(m.group(2)), 12, 31))
        if len(found) > before:
            notes.append(f"a period {m.group(0)!r}, read as due at its end")
    for m in _YEAR.finditer(folded):
        claim(m, lambda m: date(int(m.group(1)), 12, 31))

    found.sort(key=lambda item: item[0])
    dates = [d for _, d in found]
    notes += [
        f"date {d.isoformat()} outside 2020–2035" for d in dates if d.year not in PLAUSIBLE_YEARS
    ]
    return dates, notes


def _recurrence(folded: str) -> tuple[bool, Recurrence | None, str | None]:
    """(is periodic, period, review note) for a folded deadline text."""
    for period, pattern in _PERIODS:
        if pattern.search(folded):
            return True, period, None
    if _UNSUPPORTED_PERIOD.search(folded) and _PERIODIC.search(folded):
        return True, None, "period not in weekly/monthly/quarterly/annual"
    if _PERIODIC.search(folded):
        return True, None, "periodic, but no period printed"
    return False, None, None


def _reason(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def parse_deadline(text: str | None) -> Deadline:
    """Typed deadline for a printed deadline text; never raises."""
    folded = fold(text or "").strip(" .,;:-")
    if not folded:
        return Deadline(kind="event", review_reason="no deadline printed")

    dates, date_notes = _find_dates(folded)
    first = dates[0] if dates else None
    periodic, period, period_note = _recurrence(folded)

    if periodic:
        return Deadline("recurring", first, period, _reason(period_note, *date_notes))
    if _ONGOING.search(folded):  # a date beside "thường xuyên" dates a peak, not a deadline
        return Deadline("ongoing", None, review_reason=_reason(*date_notes))
    if _ON_REQUEST.search(folded):
        return Deadline("on_request", first, review_reason=_reason(*date_notes))
    if _EVENT.search(folded):
        session = (
            "legislative session: its dates are not printed" if _SESSION.search(folded) else None
        )
        return Deadline("event", review_reason=_reason(session, *date_notes))
    if first is not None:
        return Deadline("once", first, review_reason=_reason(*date_notes))
    # An impossible date already explains itself; anything else is simply unrecognised.
    return Deadline(
        "event", review_reason=_reason(*date_notes) or f"unrecognised deadline {text!r}"
    )
