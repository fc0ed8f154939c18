"""Cell values as agencies actually type them → typed values.

Every parser returns `(value, problem)`: `problem` is None when the cell is usable, else a short
rule name that the validator turns into a quarantine row. Blank cells are `(None, None)`.
Cells arrive as strings (fastexcel reads every column as text, so a real Excel date shows as
`2026-09-20 00:00:00` and a date typed as a number as its serial `46285`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from pipelines.plans.text import fold
from pipelines.reports.spec import Choice

EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_SERIAL, _LAST_SERIAL = 36526, 54789  # 2000-01-01 .. 2049-12-31: plausible report dates

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")


def clean(value: object) -> str | None:
    """NFC text with spaces folded; None for blank cells."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").strip()
    text = " ".join(text.split())
    return text or None


def header_key(text: object) -> str:
    """Matching key for sheet names and headers: ignores case, diacritics, spaces, punctuation."""
    return re.sub(r"[^a-z0-9]", "", fold(clean(text) or ""))


def parse_date(value: object) -> tuple[date | None, str | None]:
    text = clean(value)
    if text is None:
        return None, None
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3])), None
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1])), None
        if _NUMBER.match(text):
            whole = re.split(r"[.,]", text)[0]
            # Plausible serials have 5 digits; a long one is no date (and overflows a float).
            serial = int(whole) if len(whole) <= 7 else 0
            if _FIRST_SERIAL <= serial <= _LAST_SERIAL:
                return EXCEL_EPOCH + timedelta(days=serial), None
    except ValueError:  # 31/02/2026: the shape of a date, not a date
        return None, "impossible_date"
    return None, "invalid_date"


def parse_count(value: object) -> tuple[int | None, str | None]:
    """Whole numbers: `1.234.567` and `1,234,567` (thousands), `12`, `12.0`; no fractions."""
    text = clean(value)
    if text is None:
        return None, None
    compact = text.replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}([.,]\d{3})+", compact):  # 1.234.567, and 1.000 is a thousand
        digits = re.sub(r"[.,]", "", compact)
    elif re.fullmatch(r"[+-]?\d+", compact):
        digits = compact
    elif re.fullmatch(r"[+-]?\d+[.,]0+", compact):  # 12.0 from a numeric cell
        digits = re.split(r"[.,]", compact)[0]
    else:
        return None, "invalid_number"
    # The warehouse stores 64-bit integers; longer digit runs are not counts (nor convertible).
    if len(digits.lstrip("+-")) > 18:
        return None, "invalid_number"
    return int(digits), None


def parse_choice(value: object, choices: tuple[Choice, ...]) -> tuple[str | None, str | None]:
    """A dropdown value in any case, spacing or Unicode form (or its code) → its code."""
    text = clean(value)
    if text is None:
        return None, None
    key = header_key(text)
    for choice in choices:
        if key in (header_key(choice.label), header_key(choice.code)):
            return choice.code, None
    return None, "invalid_choice"


_YES = {"co", "x", "yes", "y", "1", "true", "dung"}
_NO = {"khong", "no", "n", "0", "false"}


def parse_yes_no(value: object) -> tuple[str | None, str | None]:
    text = clean(value)
    if text is None:
        return None, None
    key = header_key(text)
    if key in _YES:
        return "yes", None
    if key in _NO:
        return "no", None
    return None, "invalid_choice"


# A reporting period: its code, and the calendar months it covers (first, last), by kind.
PERIOD_KINDS = ("month", "quarter", "half", "nine_months", "year")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_period(value: object) -> tuple[tuple[str, date, date] | None, str | None]:
    """A Kỳ báo cáo → ((code, first day, last day) of its calendar months, None), or
    (None, "invalid_period"). Codes: `2026`, `2026-H1`, `2026-9M`, `2026-Q3`, `2026-09`.
    Accepted forms, case and diacritics ignored: the codes, `Q3/2026`, `09/2026`, `Năm 2026`,
    `Tháng 9/2026`, `Quý III/2026`, `6 tháng đầu năm 2026`, `6 tháng cuối năm 2026`,
    `9 tháng đầu năm 2026`."""
    text = clean(value)
    if text is None:
        return None, None
    key = fold(text).replace(" ", "")
    try:
        period = _period(key)
    except ValueError:  # year 0, or 9999-Q4 (no day after it): the shape, but no calendar date
        period = None
    return (period, None) if period else (None, "invalid_period")


def period_kind(code: str) -> str:
    """The kind of a period code made by `parse_period`."""
    if "-" not in code:
        return "year"
    tail = code.split("-", 1)[1]
    return {"H": "half", "9": "nine_months", "Q": "quarter"}.get(tail[0], "month")


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), _month_end(year, last)


def _period(key: str) -> tuple[str, date, date] | None:
    if m := re.fullmatch(r"(?:nam)?(\d{4})(?:\.0)?", key):
        year = int(m[1])
        return (str(year), *_months(year, 1, 12))
    if (m := re.fullmatch(r"(\d{4})-?h([12])", key)) or (
        m := re.fullmatch(r"6thang(dau|cuoi)nam(\d{4})", key)
    ):
        year, half = (int(m[1]), int(m[2])) if m[1].isdigit() else (int(m[2]), 1 + (m[1] == "cuoi"))
        return (f"{year}-H{half}", *_months(year, 6 * half - 5, 6 * half))
    if (m := re.fullmatch(r"(\d{4})-?9m", key)) or (m := re.fullmatch(r"9thangdaunam(\d{4})", key)):
        year = int(m[1])
        return (f"{year}-9M", *_months(year, 1, 9))
    if (m := re.fullmatch(r"(\d{4})-?q([1-4])", key)) or (
        m := re.fullmatch(r"(?:quy)?q?([1-4]|i{1,3}|iv)/(\d{4})", key)
    ):
        if len(m[1]) == 4:
            year, quarter = int(m[1]), int(m[2])
        else:
            year, quarter = int(m[2]), _ROMAN.get(m[1]) or int(m[1])
        return (f"{year}-Q{quarter}", *_months(year, 3 * quarter - 2, 3 * quarter))
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", key)) or (
        m := re.fullmatch(r"(?:thang)?(\d{1,2})/(\d{4})", key)
    ):
        year, month = (int(m[1]), int(m[2])) if len(m[1]) == 4 else (int(m[2]), int(m[1]))
        if 1 <= month <= 12:
            return (f"{year}-{month:02d}", *_months(year, month, month))
    return None


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def as_datetime(value: date | None) -> datetime | None:
    return datetime(value.year, value.month, value.day) if value else None
