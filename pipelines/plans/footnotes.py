"""Footnotes that enumerate the agencies behind a collective lead.

A plan may name a collective in a task ("các sở, ngành, đơn vị cấp tỉnh1") and list its members
in a footnote printed after the signature (`1 (1) Sở Y tế chủ trì rà soát …; (2) Sở Công Thương
chủ trì …`), as the Thanh Hóa seed does. A footnote marker glued to a word is removed from the
text; when the footnote enumerates agencies, the collective is replaced by one assignment per
enumerated agency, with its duty as the note.
"""

from __future__ import annotations

import re

from pipelines.plans.model import RawAssignment, Role
from pipelines.plans.text import join_wrapped

_SIGN_BLOCK = re.compile(r"^\s*\**\s*(?:TM|KT|Q|TL|TUQ)\s*\.", re.IGNORECASE)
_FOOTNOTE_START = re.compile(r"^\s*(\d{1,2})\s+(\S.*)$")
_FOOTNOTE_ITEM = re.compile(r"\(\s*(\d{1,2})\s*\)")
_FOOTNOTE_VERB = re.compile(
    r"\s(?:chủ trì|phối hợp|thực hiện|có trách nhiệm|chịu trách nhiệm|tham mưu)\b\s*"
)


def _strip_end(text: str) -> str:
    return text.strip().rstrip(" .;").strip()


def footnotes(lines: list[str]) -> dict[str, str]:
    """Footnote bodies printed after the signature block: marker → body text."""
    sign = max((i for i, line in enumerate(lines) if _SIGN_BLOCK.match(line)), default=None)
    if sign is None:
        return {}
    notes: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines[sign + 1 :]:
        stripped = line.strip()
        if not stripped:
            continue
        start = _FOOTNOTE_START.match(stripped)
        if start and (start.group(2)[0] == "(" or start.group(2)[0].isupper()):
            current = start.group(1)
            notes.setdefault(current, []).append(start.group(2))
        elif current and (_FOOTNOTE_ITEM.match(stripped) or stripped[0].islower()):
            notes[current].append(stripped)
        else:
            current = None
    return {k: join_wrapped(v) for k, v in notes.items()}


def _footnote_items(body: str) -> list[tuple[str, str]] | None:
    """`(1) Sở Y tế chủ trì rà soát ... (2) ...` → [(agency, duty)]; None if not enumerated."""
    pieces = _FOOTNOTE_ITEM.split(body)
    items: list[tuple[str, str]] = []
    for text in pieces[2::2]:
        verb = _FOOTNOTE_VERB.search(text)
        if not verb:
            return None
        items.append((text[: verb.start()].strip(), _strip_end(text[verb.end() :])))
    return items or None


def _markers(text: str, notes: dict[str, str]) -> list[str]:
    return [
        m.group(1) for m in re.finditer(r"(?<=[^\W\d_])(\d{1,2})\b", text) if m.group(1) in notes
    ]


def drop_markers(text: str, notes: dict[str, str]) -> str:
    """`đơn vị cấp tỉnh1` → `đơn vị cấp tỉnh` for the markers of known footnotes."""

    def repl(m: re.Match[str]) -> str:
        return "" if m.group(1) in notes else m.group(0)

    return re.sub(r"(?<=[^\W\d_])(\d{1,2})\b", repl, text)


def footnoted_assignments(
    role: Role, text: str, note: str | None, notes: dict[str, str]
) -> list[RawAssignment]:
    """The assignment of `text` (markers dropped), or one per agency its footnote lists."""
    found = _markers(text, notes)
    clean = _strip_end(drop_markers(text, notes))
    for marker in found:
        items = _footnote_items(notes[marker])
        if items:
            return [
                RawAssignment(text=agency, role=role, note=f"footnote {marker}: {duty}")
                for agency, duty in items
            ]
        note = f"footnote {marker}: {notes[marker]}"
    return [RawAssignment(text=clean, role=role, note=note)] if clean else []
