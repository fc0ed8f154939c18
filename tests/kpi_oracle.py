"""An independent recomputation of the tip KPIs from the raw workbooks.

It shares no code with the pipeline (openpyxl instead of calamine, its own date parsing, header
matching, validation and de-duplication), so agreement with `mart_kpi_targets` means the marts'
numbers are right, not merely self-consistent.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook


def _key(text: object) -> str:
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    return re.sub(
        r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower()
    )


def _date(value: object) -> date | str | None:
    """A date, None for blank, or "bad"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd"),
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", "dmy"),
    ):
        if m := re.match(pattern, text):
            y, mo, d = (m[1], m[2], m[3]) if order == "ymd" else (m[3], m[2], m[1])
            try:
                return date(int(y), int(mo), int(d))
            except ValueError:
                return "bad"
    return "bad"


@dataclass(frozen=True)
class Tip:
    code: str
    received: date
    accepted: date | None
    resolved: date | None
    outcome: str
    signs: bool


def _info(wb) -> dict[str, object]:
    sheet = next(wb[n] for n in wb.sheetnames if _key(n) == "thongtin")
    return {_key(r[0]): r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}


def _tips(wb, report_date: date) -> list[Tip]:
    names = [n for n in wb.sheetnames if _key(n) == "togiac"]
    if not names:
        return []
    rows = list(wb[names[0]].iter_rows(values_only=True))
    wanted = {"matin", "ngaytiepnhan", "ngaythuly", "ngaygiaiquyet", "ketqua", "codauhieutoipham"}
    header_index = next(i for i, r in enumerate(rows) if len({_key(c) for c in r} & wanted) >= 4)
    col = {_key(c): i for i, c in enumerate(rows[header_index]) if c is not None}
    if not wanted <= set(col):
        return []  # a required column is missing: every row is rejected
    tips, seen = [], set()
    for row in rows[header_index + 1 :]:
        code = row[col["matin"]]
        if code is None or not str(code).strip():
            continue
        received, accepted, resolved = (
            _date(row[col[k]]) for k in ("ngaytiepnhan", "ngaythuly", "ngaygiaiquyet")
        )
        outcome = _key(row[col["ketqua"]])
        dates = [d for d in (received, accepted, resolved) if d is not None]
        if (
            received is None
            or "bad" in dates
            or (accepted and accepted < received)
            or (resolved and (accepted is None or resolved < accepted))
            or bool(resolved) != bool(outcome)
            or any(d > report_date for d in dates)
            or str(code).strip() in seen
        ):
            continue
        seen.add(str(code).strip())
        signs = _key(row[col["codauhieutoipham"]]) in {"co", "x", "yes"}
        tips.append(Tip(str(code).strip(), received, accepted, resolved, outcome, signs))
    return tips


def _as_it_stood(tip: Tip, as_of: date) -> Tip:
    accepted = tip.accepted if tip.accepted and tip.accepted <= as_of else None
    resolved = tip.resolved if tip.resolved and tip.resolved <= as_of else None
    outcome = tip.outcome if resolved else ""
    return Tip(tip.code, tip.received, accepted, resolved, outcome, tip.signs)


def tip_kpis(
    reports_dir: Path, year: int, as_of: date | None = None
) -> dict[str, dict[str, tuple[int, int]]]:
    """plan_id → metric → (numerator, denominator), for the tip metrics of `year`, counted as
    of `as_of` (default: the year's end): a step dated after it has not happened yet."""
    as_of = min(as_of or date(year, 12, 31), date(year, 12, 31))
    books = []
    for path in sorted(reports_dir.glob("*.xlsx")):
        wb = load_workbook(path, data_only=True)
        info = _info(wb)
        report_date = _date(info["ngaybaocao"])
        books.append(
            (
                str(info["makehoach"]).strip(),
                _key(info["donvibaocao"]),
                str(info["kybaocao"]),
                report_date,
                path.name,
                _tips(wb, report_date),
            )
        )
    # a resubmission replaces the earlier workbook of the same agency, plan and period
    latest: dict[tuple, tuple] = {}
    for book in books:
        key = book[:3]
        if key not in latest or (book[3], book[4]) > (latest[key][3], latest[key][4]):
            latest[key] = book
    # a tip is counted once: its state in the agency's latest report, as it stood on `as_of`
    tips: dict[tuple, tuple[date, Tip]] = {}
    for plan, agency, _period, report_date, _name, book_tips in latest.values():
        for tip in book_tips:
            key = (plan, agency, tip.code)
            if key not in tips or report_date > tips[key][0]:
                tips[key] = (report_date, tip)
    tips = {
        key: (when, _as_it_stood(tip, as_of))
        for key, (when, tip) in tips.items()
        if tip.received <= as_of
    }
    start, end = date(year, 1, 1), as_of
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (plan, _agency, _code), (_, t) in tips.items():
        c = counts[plan]
        if start <= t.received <= end:
            c["tip_acceptance_rate"][1] += 1
            c["tip_acceptance_rate"][0] += t.accepted is not None
        in_year = t.accepted is not None and start <= t.accepted <= end
        carried = (
            t.accepted is not None
            and t.accepted < start
            and (t.resolved is None or t.resolved >= start)
        )
        if in_year or carried:
            c["tip_resolution_rate"][1] += 1
            c["tip_resolution_rate"][0] += t.resolved is not None and start <= t.resolved <= end
        if t.resolved and start <= t.resolved <= end and t.signs:
            c["criminal_sign_prosecution_rate"][1] += 1
            c["criminal_sign_prosecution_rate"][0] += t.outcome == "khoitovuan"
    return {plan: {m: tuple(v) for m, v in metrics.items()} for plan, metrics in counts.items()}
