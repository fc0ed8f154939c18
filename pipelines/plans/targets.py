"""Read quantified targets ("đạt 100%", "trên 90%", "100% người tiêu dùng ...") out of a plan.

Every percentage in the document is one candidate. Its clause runs from the previous `;`, `:`,
sentence end, bullet or table cell to the next one, never past a neighbouring percentage, so a
line holding several targets ("...; 100% ...; 100% ...") yields several. The clause is matched
against keyword rules (on `fold`ed text, so PDF wrapping, NFD and case do not matter).

Decisions:
- Comparator and threshold come from the words just before the number: "trên/hơn/vượt N%" → ">",
  anything else ("đạt", "phấn đấu đạt", a bare "N% ...") → ">=". An upper bound ("dưới",
  "không quá", "tối đa") cannot be expressed by `Target` and is skipped.
- A percentage no rule recognises is kept with metric "unclassified" and its clause as
  source_text, so analysts see every quantified promise.
- A target belongs to a task when its percentage lies inside that task's title in the document
  (titles located by an alphanumeric-only key, robust to wrapping and hyphenation). Titles not
  found in `text` (e.g. a plan body passed without its appendix) are scanned on their own.
- A target appears once per place it is stated: duplicates share (metric, task_code, comparator,
  threshold) and are dropped; the same target in the objectives (task_code None) and in a task
  appears twice. "unclassified" ones are only merged when their clause is the same too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from pipelines.plans.model import Target
from pipelines.plans.text import fold, fold_char, squash

UNCLASSIFIED = "unclassified"

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*(?:%|phần\s+trăm)", re.IGNORECASE)
_TAG = re.compile(r"<[^>\n]{0,200}>")
_BULLET_LINE = re.compile(r"\n[ \t]*[-–•+*][ \t]+")
_CLAUSE_BOUNDARY = re.compile(r"[;:\t]|\.(?=\s|$)")
_SENTENCE_BOUNDARY = re.compile(r"\t|\.(?=\s|$)")
# "dưới 5%" bounds from above; "không dưới 95%" / "không ít hơn" is a floor (>=)
_UPPER_BOUND = re.compile(
    r"\b(?:(?<!khong )duoi|khong qua|khong vuot qua|toi da|(?<!khong )thap hon|(?<!khong )it hon)"
    r"\s*(?:muc)?$"
)
_STRICT = re.compile(r"\b(?:tren|hon|vuot|vuot qua)\s*(?:muc)?$")

# metric, words of which one must appear, words of which one must also appear. Order matters:
# the first rule that fits wins, so narrower subjects come before broader ones.
_RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("tip_acceptance_rate", ("thu ly",), ("to giac", "tin bao", "kien nghi khoi to")),
    ("tip_resolution_rate", ("giai quyet",), ("to giac", "tin bao", "kien nghi khoi to")),
    (
        "criminal_sign_prosecution_rate",
        ("dau hieu toi pham", "dau hieu cua toi pham"),
        ("khoi to",),
    ),
    ("ecommerce_commitment_rate", ("thuong mai dien tu", "tmdt"), ("cam ket",)),
    ("health_business_outreach_rate", ("suc khoe",), ("tuyen truyen", "pho bien")),
    ("official_integrity_rate", ("can bo", "cong chuc"), ("dao duc", "liem chinh")),
    ("agency_equipment_rate", ("trang bi",), ("co quan", "don vi", "luc luong")),
    ("consumer_outreach_rate", ("nguoi tieu dung",), ("tuyen truyen", "pho bien")),
]


def classify(subject: str) -> str | None:
    """Metric key for a clause describing a target, or None."""
    key = fold(subject)
    for metric, first, second in _RULES:
        if any(w in key for w in first) and any(w in key for w in second):
            return metric
    return None


def _prepare(text: str) -> str:
    """One line per document: HTML tags gone, bullets and table cells kept as boundaries (tabs)."""
    text = unicodedata.normalize("NFC", "\n" + text)
    text = _TAG.sub(" ", text)
    text = _BULLET_LINE.sub("\t", text)
    return re.sub(r"[^\S\t]+", " ", text)


def _last_boundary(text: str, lo: int, hi: int, pattern: re.Pattern[str]) -> int:
    ends = [m.end() for m in pattern.finditer(text, lo, hi)]
    return ends[-1] if ends else lo


def _next_boundary(text: str, lo: int, hi: int, pattern: re.Pattern[str]) -> int:
    m = pattern.search(text, lo, hi)
    return m.start() if m else hi


def _clean(source: str) -> str:
    return squash(source).strip(" \t-–•+*;:,.")


def _scan(text: str) -> Iterator[tuple[int, Target]]:
    """(position, target without task_code) for each percentage in prepared `text`."""
    matches = list(_PERCENT.finditer(text))
    for i, m in enumerate(matches):
        lo = matches[i - 1].end() if i else 0
        hi = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        start = _last_boundary(text, lo, m.start(), _CLAUSE_BOUNDARY)
        end = _next_boundary(text, m.end(), hi, _CLAUSE_BOUNDARY)
        before, after = fold(text[start : m.start()]), fold(text[m.end() : end])
        if _UPPER_BOUND.search(before):
            continue  # "dưới 5%": Target has no "<" comparator
        comparator = ">" if _STRICT.search(before) else ">="
        threshold = round(float(m.group(1).replace(",", ".")) / 100, 6)

        # "tỷ lệ X đạt N%": X is the subject; otherwise the whole clause ("N% người tiêu dùng ...").
        candidates = [(before[before.rfind("ty le") :], start, end)] if "ty le" in before else []
        candidates.append((f"{before} {after}", start, end))
        s_start = _last_boundary(text, lo, m.start(), _SENTENCE_BOUNDARY)
        s_end = _next_boundary(text, m.end(), hi, _SENTENCE_BOUNDARY)
        candidates.append((text[s_start:s_end], s_start, s_end))  # a clause cut short by ";"

        metric, source = UNCLASSIFIED, text[start:end]
        for subject, c_start, c_end in candidates:
            found = classify(subject)
            if found:
                metric, source = found, text[c_start:c_end]
                break
        yield m.start(), Target(metric, comparator, threshold, _clean(source))


@functools.cache
def _key_chars(ch: str) -> str:
    return "".join(k for k in fold_char(ch) if k.isalnum())


def _keyed(text: str) -> tuple[str, list[int]]:
    """Alphanumeric-only folded key of `text` and, per key char, its index in `text`."""
    table = {ch: _key_chars(ch) for ch in set(text)}
    key = text.translate({ord(ch): k for ch, k in table.items()})
    return key, [i for i, ch in enumerate(text) for _ in table[ch]]


def _task_spans(
    doc: str, task_texts: dict[str, str]
) -> tuple[list[tuple[int, int, str]], dict[str, str]]:
    """Where each target-bearing task title sits in `doc`; titles not found are returned apart."""
    doc_key, index = _keyed(doc)
    spans: list[tuple[int, int, str]] = []
    unlocated: dict[str, str] = {}
    for code, title in task_texts.items():
        if not title or not _PERCENT.search(title):
            continue
        key = _keyed(title)[0]
        pos = doc_key.find(key) if key else -1
        if pos < 0:
            unlocated[code] = title
        while pos >= 0:
            spans.append((index[pos], index[pos + len(key) - 1] + 1, code))
            pos = doc_key.find(key, pos + 1)
    return spans, unlocated


def _inside_any(key: str, title_keys: list[str]) -> bool:
    # A short clause ("đạt 100%") is no evidence of being the task's own sentence.
    return len(key) >= 20 and any(key in k for k in title_keys)


def _dedupe_key(t: Target) -> tuple:
    extra = _keyed(t.source_text)[0] if t.metric == UNCLASSIFIED else ""
    return (t.metric, t.task_code, t.comparator, t.threshold, extra)


def extract_targets(text: str, task_texts: dict[str, str] | None = None) -> list[Target]:
    """Targets stated in a plan document and in its task titles (see module docstring)."""
    doc = _prepare(text or "")
    spans, unlocated = _task_spans(doc, task_texts or {})
    unlocated_keys = [_keyed(t)[0] for t in unlocated.values()]

    found: list[Target] = []
    for pos, target in _scan(doc):
        inside = [s for s in spans if s[0] <= pos < s[1]]
        if inside:
            code = min(inside, key=lambda s: s[1] - s[0])[2]
            target = replace(target, task_code=code)
        elif _inside_any(_keyed(target.source_text)[0], unlocated_keys):
            continue  # stated in a task whose title is scanned below
        found.append(target)
    for code, title in unlocated.items():
        found.extend(replace(t, task_code=code) for _, t in _scan(_prepare(title)))

    seen: set[tuple] = set()
    unique: list[Target] = []
    for t in found:
        if _dedupe_key(t) not in seen:
            seen.add(_dedupe_key(t))
            unique.append(t)
    return unique
