"""Read reporting obligations ("... báo cáo ... gửi về X trước ngày 30/9") out of a plan.

Only the reporting part of the document is read: from the first heading like "Chế độ (thông tin,)
báo cáo", "Công tác thông tin, báo cáo" or "Trách nhiệm thực hiện" (else "Tổ chức thực hiện",
else the whole text) up to "Nơi nhận" / "Phụ lục". That part is cut into items (bullets, numbered
paragraphs), sentences and `;` clauses; every dated due phrase ("trước ngày 30/9", "trước ngày 05
tháng 01 năm 2028") in a clause that speaks of reporting is one obligation.

Decisions:
- reporter: the clause's subject, as printed, after dropping a leading time phrase ("Hằng năm,",
  "Trước ngày 05 tháng 10 hàng năm,") and a "Trên cơ sở ..., " lead-in (which ends at the first
  named agency: "Sở Công Thương", "phòng Kinh tế ..."). A clause with no subject ("- Báo cáo sơ kết
  ...") inherits the last reporter and recipient stated before it (the "cụ thể như sau:" lead-in).
- recipient: after "gửi (về)" / "về <Agency>" (preferred) or "báo cáo <Agency>", nearest before the
  due phrase, as printed, including a "(qua ...)" channel; "trình" (submit for approval) is not a
  recipient.
- kind: a date with a year is one-off: "sơ kết" / "tổng kết" before it → interim / final, else
  interim (a one-off progress report; the model has no other one-off kind). A date without a
  year recurs: the period word nearest before it in the clause ("6 tháng", "hằng quý",
  "hằng tháng", "năm"), else the first after it ("trước ngày 25/11 hằng năm"), else annual:
  "Định kỳ 6 tháng (trước ngày 15/6) và năm (trước ngày 15/11)" is semiannual and annual.
  A monthly or quarterly due day has no month: "trước ngày 20 của tháng cuối quý".
- Clauses without a date ("báo cáo sơ kết, tổng kết theo quy định") are not obligations.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pipelines.plans.model import ReportingObligation
from pipelines.plans.text import fold, squash

_HEADING = re.compile(
    r"^(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])?\s*[.)]?\s*"
    r"(?:(?:cong tac|che do)\s+(?:thong tin\s*(?:,|va)?\s*)?bao cao|thong tin\s*(?:,|va)?\s*bao cao"
    r"|trach nhiem thuc hien)\s*:?$"
)
_FALLBACK_HEADING = re.compile(r"^(?:[ivxlc]+|\d+)?\s*[.)]?\s*to chuc thuc hien\s*:?$")
_END = re.compile(r"^(?:noi nhan|phu luc)\b")
_ITEM_START = re.compile(r"^\s*(?:[-–•+*]\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s)", re.IGNORECASE)

_DUE = re.compile(
    r"\b(?:truoc|cham nhat(?: la)?|khong muon hon|han cuoi(?: la)?)\s+(?:ngay\s+)?"
    r"(\d{1,2})\s*(?:/|-|\s+thang\s+)\s*(\d{1,2})(?:\s*(?:/|-|\s+nam\s+)\s*(\d{4}))?(?!\d)"
)
# A due day without a month: monthly and quarterly reports.
_DUE_DAY = re.compile(
    r"\b(?:truoc|cham nhat(?: la)?|khong muon hon)\s+ngay\s+(\d{1,2})(?!\s*[/-]?\d)"
    r"(?=\s+(?:cua\s+)?(?:thang cuoi(?: cua)?(?: moi)? quy|(?:hang|moi) thang|hang quy|cua thang))"
)
# ... or after its period: "hằng tháng trước ngày 18", "hằng quý, trước ngày 20".
_DUE_DAY_AFTER = re.compile(
    r"\b(?:hang|moi) (?:thang|quy),?\s+(?P<due>(?:truoc|cham nhat(?: la)?)\s+ngay\s+(\d{1,2}))"
    r"(?!\s*[/-]?\d)(?!\s+(?:thang|/))"
)
_PERIODS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:6|06|sau) thang\b|\bban nien\b"), "semiannual"),
    (re.compile(r"\bquy\b"), "quarterly"),
    (re.compile(r"\b(?:hang|moi|dinh ky|bao cao) thang\b"), "monthly"),
    (re.compile(r"\bnam\b"), "annual"),
)
# A sơ kết / tổng kết dated by a period: "vào tháng 6/2028", "vào Quý IV/2030", "vào năm 2030".
_REVIEW_DUE = re.compile(
    r"\b(?:so ket|tong ket)\b[^;]{0,120}?\b(?:vao|trong|truoc|cham nhat)\s+"
    r"(?:thang (?P<month>\d{1,2})\s*[/-]\s*(?P<m_year>\d{4})|quy (?P<quarter>iv|iii|ii|i|[1-4])"
    r"\s*(?:[/-]|nam)\s*(?P<q_year>\d{4})|nam (?P<year>\d{4}))"
)
_QUARTERS = {"i": 3, "1": 3, "ii": 6, "2": 6, "iii": 9, "3": 9, "iv": 12, "4": 12}
_REPORTS = re.compile(r"\bbao cao\b|\bgui\b|\bso ket\b|\btong ket\b")
_LEAD_TIME = re.compile(
    r"^\s*(?:[-–•+*]\s*|\d+(?:\.\d+)*\.\s*|[a-z]\)\s*)?"
    r"(?:(?:"
    + _DUE.pattern
    + r"|dinh ky|thuong xuyen|trong nam|(?:hang|moi) (?:nam|quy|thang|tuan))"
    r"\s*,?\s*)*"
)
_LEAD_IN = re.compile(r"(?:tren co so|can cu|sau khi)\b")  # used with .match(pos)
_VERB = re.compile(
    r"\b(?:co trach nhiem|chiu trach nhiem|thuc hien|gui|bao cao|tong hop|chu tri|tham muu)\b"
)
_SEND_TO = re.compile(r"\bgui\s+(?:(?:ve|den|toi|cho)\s+)?|\b(?:ve|den)\s+")
_REPORT_TO = re.compile(r"\bbao cao\s+")
_RECIPIENT_END = re.compile(
    r"\s*\((?=truoc|cham nhat)|\s+(?:truoc|cham nhat)\s|\s+de\s|\s+(?:ket qua|tinh hinh|so ket"
    r"|tong ket|bao cao|hoac|theo|ve viec|nham)\b|[;.](?:\s|/|$)"
)
_NOT_AGENCY = ("ke hoach", "bao cao", "quyet dinh", "nghi quyet", "chuong trinh", "van ban")
_HEADS = ("uy ban nhan dan", "ubnd", "uy ban", "van phong", "co quan", "cong an", "chi cuc")
_HEADS += ("thanh tra", "trung tam", "phong", "ban", "so", "bo", "doi")
_UNITS = ("tinh", "xa", "phuong", "huyen", "thanh pho")


def _fold_aligned(text: str) -> str:
    """`fold`, one output char per input char, so match positions index the original text."""
    out = []
    for ch in text:
        f = fold(ch)
        out.append(" " if ch.isspace() else (f[:1] or "_"))
    return "".join(out)


def _region(lines: list[str]) -> list[str]:
    """The reporting part of a document, as lines."""
    folded = [fold(line) for line in lines]
    for heading in (_HEADING, _FALLBACK_HEADING):
        start = next((i for i, f in enumerate(folded) if len(f) < 90 and heading.match(f)), None)
        if start is not None:
            break
    else:
        start = 0
    end = next((i for i in range(start + 1, len(lines)) if _END.match(folded[i])), len(lines))
    return lines[start:end]


def _clauses(lines: list[str]) -> Iterator[str]:
    """Items (bullets, numbered paragraphs) → sentences → `;` clauses, wrapped lines joined."""
    items: list[list[str]] = []
    after_heading = False
    for line in lines:
        if not line.strip():
            continue
        if _is_heading(line):
            after_heading = True  # a heading is never part of the sentence under it
            continue
        if not items or after_heading or _ITEM_START.match(line):
            items.append([])
        after_heading = False
        items[-1].append(line.strip())
    for item in items:
        text = squash(" ".join(item))
        for sentence in _sentences(text):
            yield from (c for c in sentence.split(";") if c.strip())


def _sentences(text: str) -> Iterator[str]:
    """Split after a period followed by a capital letter (Vietnamese capitals included)."""
    start = 0
    for m in re.finditer(r"\.\s+", text):
        if text[m.end() : m.end() + 1].isupper():
            yield text[start : m.end()]
            start = m.end()
    yield text[start:]


def _is_heading(line: str) -> bool:
    folded = fold(line)
    if len(folded) >= 90:
        return False
    return bool(_HEADING.match(folded) or _FALLBACK_HEADING.match(folded)) or line.isupper()


def _named_agency_at(text: str, folded: str, i: int) -> bool:
    """True when a named agency ("Sở Công Thương", "phòng Kinh tế", "UBND tỉnh") starts at i."""
    for head in _HEADS:
        if folded.startswith(head + " ", i):
            j = i + len(head) + 1
            word = folded[j:].split(" ", 1)[0]
            return text[j : j + 1].isupper() or (head in _HEADS[:3] and word in _UNITS)
    return False


def _reporter(text: str, folded: str) -> str | None:
    start = _LEAD_TIME.match(folded).end()  # type: ignore[union-attr]  # the pattern matches ""
    if _LEAD_IN.match(folded, start):
        for comma in re.finditer(r",\s+", folded[start:]):
            if _named_agency_at(text, folded, start + comma.end()):
                start += comma.end()
                break
    verb = _VERB.search(folded, start)
    subject = text[start : verb.start()] if verb else ""
    return squash(subject).strip(" ,;:-") or None


def _recipient_at(text: str, folded: str, i: int) -> str | None:
    if not text[i : i + 1].isupper() or folded.startswith(_NOT_AGENCY, i):
        return None
    end = _RECIPIENT_END.search(folded, i)
    return squash(text[i : end.start() if end else len(text)]).strip(" ,;:-") or None


def _recipient(text: str, folded: str, due_start: int) -> str | None:
    """Recipient for the due phrase at due_start: nearest before it, "gửi"/"về" first."""
    found: list[tuple[int, int, str]] = []  # (priority, position, recipient)
    for priority, pattern in enumerate((_SEND_TO, _REPORT_TO)):
        for m in pattern.finditer(folded):
            name = _recipient_at(text, folded, m.end())
            if name:
                found.append((priority, m.end(), name))
    before = sorted((p, -pos, n) for p, pos, n in found if pos < due_start)
    after = sorted((p, pos, n) for p, pos, n in found if pos >= due_start)
    best = before or after
    return best[0][2] if best else None


Kind = Literal["annual", "semiannual", "quarterly", "monthly", "interim", "final"]


def _period(before: str, after: str) -> Kind:
    """The recurring kind: the period word nearest before the due phrase, else the first after."""
    last = max(
        ((m.start(), kind) for pattern, kind in _PERIODS for m in pattern.finditer(before)),
        default=None,
    )
    if last is not None:
        return last[1]  # type: ignore[return-value]
    first = min(
        ((m.start(), kind) for pattern, kind in _PERIODS for m in pattern.finditer(after)),
        default=(0, "annual"),
    )
    return first[1]  # type: ignore[return-value]


def _kind(folded: str, context_start: int, due: _Due, next_start: int) -> Kind:
    before = folded[context_start : due.start]
    after = folded[due.end : next_start]
    if due.year is None:
        return _period(before, after)
    marks: dict[int, Kind] = {before.rfind("so ket"): "interim", before.rfind("tong ket"): "final"}
    if max(marks) >= 0:
        return marks[max(marks)]
    words: tuple[tuple[str, Kind], ...] = (("so ket", "interim"), ("tong ket", "final"))
    hits = [(after.find(w), k) for w, k in words]
    return min((h for h in hits if h[0] >= 0), default=(0, "interim"))[1]


@dataclass(frozen=True)
class _Due:
    start: int
    end: int
    day: int
    month: int | None
    year: str | None


def _dues(folded: str) -> list[_Due]:
    """Due phrases of a clause, in order: day and month (and year), or a day alone."""
    found = [
        _Due(m.start(), m.end(), int(m[1]), int(m[2]), m[3])
        for m in _DUE.finditer(folded)
        if 1 <= int(m[1]) <= 31 and 1 <= int(m[2]) <= 12
    ]
    found += [
        _Due(m.start(), m.end(), int(m[1]), None, None)
        for m in _DUE_DAY.finditer(folded)
        if 1 <= int(m[1]) <= 31
    ]
    after = [
        _Due(m.start("due"), m.end(), int(m[2]), None, None)
        for m in _DUE_DAY_AFTER.finditer(folded)
        if 1 <= int(m[2]) <= 31
    ]
    found += [d for d in after if all(d.start != f.start for f in found)]
    found += [due for m in _REVIEW_DUE.finditer(folded) if (due := _period_end(m))]
    return sorted(found, key=lambda d: d.start)


def _period_end(m: re.Match[str]) -> _Due | None:
    """The last day of the period a review is dated by ("tháng 6/2028" → 30/6/2028)."""
    if m["year"]:
        year, month = m["year"], 12
    elif m["quarter"]:
        year, month = m["q_year"], _QUARTERS[m["quarter"]]
    else:
        year, month = m["m_year"], int(m["month"])
    if not 1 <= month <= 12:
        return None
    day = calendar.monthrange(int(year), month)[1]
    named = next(g for g in ("month", "quarter", "year") if m[g])
    return _Due(m.start(named), m.end(), day, month, year)


def _date(day: int, month: int | None, year: str | None) -> date | None:
    try:
        return date(int(year), month, day) if year and month else None
    except ValueError:
        return None


def extract_reporting_obligations(text: str) -> list[ReportingObligation]:
    """Dated reporting obligations in a plan document (see module docstring); never raises."""
    lines = unicodedata.normalize("NFC", text or "").split("\n")
    obligations: list[ReportingObligation] = []
    reporter_ctx: str | None = None
    recipient_ctx: str | None = None
    for clause in _clauses(_region(lines)):
        folded = _fold_aligned(clause)
        if not _REPORTS.search(folded):
            continue
        reporter = _reporter(clause, folded)
        dues = _dues(folded)
        context_start = 0
        for k, due in enumerate(dues):
            next_start = dues[k + 1].start if k + 1 < len(dues) else len(folded)
            obligations.append(
                ReportingObligation(
                    reporter=reporter or reporter_ctx or "",
                    recipient=_recipient(clause, folded, due.start) or recipient_ctx or "",
                    due_text=squash(clause[due.start : due.end]),
                    kind=_kind(folded, context_start, due, next_start),
                    due_day=due.day,
                    due_month=due.month,
                    due_date=_date(due.day, due.month, due.year),
                )
            )
            context_start = due.end
        reporter_ctx = reporter or reporter_ctx
        recipient_ctx = _recipient(clause, folded, len(folded)) or recipient_ctx
    return obligations
