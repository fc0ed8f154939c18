"""The outline of a plan's text: numbered headings and items, and its sections.

Every format arrives as the same lines (see `documents.py`); this module reads their structure
without knowing any layout family:

- `numbering(line)`: a line's enumeration (`III.`, `1.`, `1.2.`, `a)`, `-`), or None;
- `sections(lines)`: the top-level sections, each opened by a Roman-numbered heading
  (`III. NHIỆM VỤ VÀ GIẢI PHÁP`);
- `task_sections(lines)`: the sections that hold tasks. A heading naming tasks, solutions or
  assignments opens one; "TỔ CHỨC THỰC HIỆN" holds the organisational duties (report,
  coordinate, guide) and gives tasks only when the plan has no other task section.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from pipelines.plans.text import fold

Kind = Literal["roman", "dotted3", "dotted2", "arabic", "letter", "bullet"]

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("roman", re.compile(rf"^\s*(?:[Pp]hần\s+)?(?P<label>{_ROMAN})\s*[.:)/–-]\s*(?P<text>\S.*)$")),
    ("dotted3", re.compile(r"^\s*(?P<label>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?P<text>\S.*)$")),
    ("dotted2", re.compile(r"^\s*(?P<label>\d{1,2}\.\d{1,2})\.?\s+(?P<text>\S.*)$")),
    ("arabic", re.compile(r"^\s*(?P<label>\d{1,2})\s*[.)/]\s*(?P<text>[^\d\s].*)$")),
    ("letter", re.compile(r"^\s*(?P<label>[a-zđ])\s*[).]\s+(?P<text>\S.*)$")),
    ("bullet", re.compile(r"^\s*(?P<label>[-–•+*])\s*(?P<text>[^-–\s].*)$")),
)  # fmt: skip

# Folded words in a heading that name the tasks (and what they are not).
TASK_HEADING_WORDS = (
    "nhiem vu", "giai phap", "phan cong", "noi dung thuc hien", "hoat dong",
    "trach nhiem cua cac", "trach nhiem cua co quan", "trach nhiem cua don vi",
)  # fmt: skip
NOT_TASK_HEADING_WORDS = ("muc dich", "muc tieu", "yeu cau", "kinh phi", "che do bao cao")
ORGANISATION_HEADING = "to chuc thuc hien"
# Where the text of the plan ends: the recipients, the signature block.
_END = re.compile(r"^\s*(?:nơi nhận|tm\.|kt\.|tl\.|q\.|tuq\.)", re.I)


@dataclass(frozen=True)
class Numbered:
    kind: Kind
    label: str  # "III", "1.2", "3", "a", "-"
    text: str  # the rest of the line


@functools.lru_cache(maxsize=8192)  # every reading of a plan numbers the same lines
def numbering(line: str) -> Numbered | None:
    """The enumeration a line opens with, or None (a tab-separated table row never has one)."""
    if "\t" in line or not line.strip():
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.match(line)
        if m and m.group("label"):
            if kind == "roman" and not _is_heading_text(m.group("text")):
                continue  # "I. Mục đích" in running text is not a section; "V" alone is not
            return Numbered(kind, m.group("label").rstrip("."), m.group("text").strip())
    return None


def _is_heading_text(text: str) -> bool:
    """Upper case (`NHIỆM VỤ VÀ GIẢI PHÁP`), or a short line that does not run on."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if sum(c.isupper() for c in letters) >= 0.6 * len(letters):
        return True
    return len(text.split()) <= 15 and not text.rstrip().endswith((",", ";"))


@dataclass(frozen=True)
class Section:
    label: str  # "III"
    heading: str  # "NHIỆM VỤ VÀ GIẢI PHÁP"
    start: int  # index of the heading line
    end: int  # index after its last line

    @property
    def key(self) -> str:
        return fold(self.heading)

    @property
    def names_tasks(self) -> bool:
        key = self.key
        return any(w in key for w in TASK_HEADING_WORDS) and not any(
            w in key for w in NOT_TASK_HEADING_WORDS
        )

    @property
    def is_organisation(self) -> bool:
        return ORGANISATION_HEADING in self.key


def plan_heading(lines: list[str]) -> int | None:
    """Index of the `KẾ HOẠCH` title line, in any case or spacing ("K Ế  H O Ạ C H",
    "Kế hoạch" from an HTML heading); None when the document has none (it is not a plan)."""
    for i, line in enumerate(lines):
        if len(line) < 40 and re.sub(r"[\W_]", "", fold(line)) == "kehoach":
            return i
    return None


def text_end(lines: list[str]) -> int:
    """Index of the recipients or signature block after the last section heading."""
    last_heading = max(
        (i for i, line in enumerate(lines) if (n := numbering(line)) and n.kind == "roman"),
        default=0,
    )
    for i in range(last_heading, len(lines)):
        if _END.match(lines[i]):
            return i
    return len(lines)


def sections(lines: list[str]) -> list[Section]:
    """Roman-numbered top-level sections, in order; each ends where the next begins."""
    starts = [
        (i, n)
        for i, line in enumerate(lines)
        if (n := numbering(line)) is not None and n.kind == "roman"
    ]
    end = text_end(lines)
    out: list[Section] = []
    for k, (i, n) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else max(end, i + 1)
        out.append(Section(n.label, n.text, i, stop))
    return out


def task_sections(lines: list[str]) -> list[Section]:
    """The sections holding tasks (see the module docstring); [] when none is named."""
    found = sections(lines)
    named = [s for s in found if s.names_tasks and not s.is_organisation]
    return named or [s for s in found if s.is_organisation]
