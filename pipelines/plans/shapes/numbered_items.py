"""Tasks printed as numbered items of the task section, whatever says who does them.

One reader for four layout families. The task section (`outline.task_sections`) holds numbered
items (`1.`, `1.1.`, `a)`; bullets `-` only when nothing is numbered). An item with items under
it is a group, unless it carries role labels of its own; the others are tasks. What a task's
text says decides its family:

- `numbered_sections`: dashed label paragraphs under the task (`- Đơn vị chủ trì: …`,
  `- Thời gian thực hiện: …`), as in the Thanh Hóa seed; footnotes that enumerate a collective
  lead are expanded (`footnotes.py`);
- `inline_labels`: labels in the task's own text or on the next lines without a dash
  (`… hàng giả. Cơ quan chủ trì: Công an tỉnh. Thời hạn: Quý II/2026`, `(Chủ trì: …; …)`);
- `agency_centric`: the group is an agency ("1. Công an xã") and its items are its duties: it
  leads each one, "phối hợp với X" in a duty names a coordinator, and the code is the group's
  number and the item's label (`1.a`, `3.2`); a duty listed under two agencies is two tasks;
- `prose`: no label at all, roles in sentences (`Giao Công an tỉnh chủ trì, phối hợp với …`).

A plan's family is the one most of its tasks follow.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipelines.plans.footnotes import drop_markers, footnoted_assignments, footnotes
from pipelines.plans.model import NO_DEADLINE, NO_LEAD, RawAssignment, RawTask, Role
from pipelines.plans.outline import Numbered, Section, numbering, task_sections
from pipelines.plans.roles import (
    Field,
    label_field,
    label_starts,
    looks_like_agency,
    prose_deadline,
    read_labels,
    read_prose,
)
from pipelines.plans.text import join_wrapped

FAMILIES = ("numbered_sections", "inline_labels", "agency_centric", "prose")
_DASHED_LABEL = re.compile(r"^\s*[-–•+]\s*\S")
_PAREN_LINE = re.compile(r"^\s*\((.+)\)\s*\.?\s*$")
_REQUEST = re.compile(r"^(?:đề\s+nghị|giao)\s+", re.IGNORECASE)


@dataclass
class _Item:
    numbered: Numbered
    rank: int
    parent: _Item | None = None
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (line, after a blank line)
    children: list[_Item] = field(default_factory=list)

    @property
    def own_text(self) -> str:
        return " ".join([self.numbered.text, *(line for line, _ in self.lines)])

    @property
    def labels(self) -> set[Field]:
        """The label fields of the item's own text (read once: lines only move before)."""
        if self._labels is None:
            self._labels = set(read_labels(self.own_text).fields)
        return self._labels

    @property
    def has_roles(self) -> bool:
        return bool(self.labels & {"lead", "coordinate"})

    _labels: set[Field] | None = field(default=None, repr=False)
    _agency: tuple[str | None] | None = field(default=None, repr=False)


@dataclass
class ItemsResult:
    family: str
    tasks: list[RawTask]
    items: int  # numbered items in the task sections (for "no task could be read")


def _is_duty_bullet(line: str) -> bool:
    """A bullet that states a duty, not a role label (`- Cơ quan chủ trì: …`)."""
    n = numbering(line)
    if n is None or n.kind != "bullet":
        return False
    starts = label_starts(n.text)
    return not (starts and starts[0].start() == 0)


def _role_line(line: str) -> bool:
    """A line that opens with a lead or coordinator label (`Chủ trì: …; Phối hợp: …`)."""
    body = re.sub(r"^\s*[-–•+]\s*", "", line)
    starts = label_starts(body)
    return (
        bool(starts)
        and starts[0].start() == 0
        and label_field(starts[0]["key"])
        in (
            "lead",
            "coordinate",
        )
    )


def _lift_trailing_labels(items: list[_Item]) -> None:
    """`1. Task` / `a) activity` / `b) activity` / `Chủ trì: …`: the labels after the last
    lettered activity are the task's, not the activity's."""
    for item in items:
        _lift_trailing_labels(item.children)
        kids = item.children
        if len(kids) < 2 or item.has_roles or kids[0].numbered.kind not in ("letter", "bullet"):
            continue
        if any(kid.has_roles for kid in kids[:-1]) or not kids[-1].has_roles:
            continue
        lines = kids[-1].lines
        first = next((k for k, (line, _) in enumerate(lines) if _role_line(line)), None)
        if first is not None:
            item.lines += lines[first:]
            kids[-1].lines = lines[:first]
            item._labels = kids[-1]._labels = None  # their texts changed


def _split_agency_duties(items: list[_Item]) -> None:
    """An agency heading whose duties are bullets ("1. Công an xã" / "- …"): each bullet is an
    item of its own under the heading."""
    for item in items:
        _split_agency_duties(item.children)
        if item.children or not item.lines:
            continue
        text = _REQUEST.sub("", item.numbered.text).rstrip(" :.")
        if not looks_like_agency(text) or item.has_roles:
            continue
        if not any(_is_duty_bullet(ln) for ln, _ in item.lines):
            continue
        for line, _ in item.lines:
            n = numbering(line)
            if n is not None and _is_duty_bullet(line):
                item.children.append(_Item(n, item.rank + 1, item))
            elif item.children:
                item.children[-1].lines.append((line, False))
        item.lines = []


def _items(lines: list[str]) -> list[_Item]:
    """The section's items as a forest; bullets are items only when nothing is numbered."""
    numbered = [(i, n) for i, line in enumerate(lines) if (n := numbering(line))]
    use_bullets = not any(n.kind not in ("bullet", "roman") for _, n in numbered)
    ranks: dict[str, int] = {}
    roots: list[_Item] = []
    open_items: list[_Item] = []
    after_blank = False
    by_line = dict(numbered)
    for i, line in enumerate(lines):
        if not line.strip():
            after_blank = True
            continue
        n = by_line.get(i)
        is_item = n is not None and n.kind != "roman" and (n.kind != "bullet" or use_bullets)
        if n is not None and is_item and "\t" not in line:
            rank = ranks.setdefault(n.kind, len(ranks))
            while open_items and open_items[-1].rank >= rank:
                open_items.pop()
            parent = open_items[-1] if open_items else None
            item = _Item(n, rank, parent)
            (parent.children if parent else roots).append(item)
            open_items.append(item)
        elif open_items and "\t" not in line:
            open_items[-1].lines.append((line, after_blank))
        after_blank = False
    _lift_trailing_labels(roots)
    _split_agency_duties(roots)
    return roots


@dataclass
class _Segments:
    texts: list[str]  # the item's text, cut where a label starts a line
    notes: dict[Field, str]  # a `(…)` line under a label line: a note on its agencies
    stray: list[str]  # paragraphs after the labels that belong to none of them
    dashed: bool  # labels printed as `- Đơn vị chủ trì: …` paragraphs


def _segments(item: _Item) -> _Segments:
    segments = [item.numbered.text]
    notes: dict[Field, list[str]] = {}
    stray: list[str] = []
    seen_label = bool(label_starts(item.numbered.text))
    dashed = False
    for line, after_blank in item.lines:
        body = re.sub(r"^\s*[-–•+]\s*", "", line)
        starts = label_starts(body)
        paren = _PAREN_LINE.match(line)
        if paren and seen_label and len(segments) > 1:
            key = label_starts(segments[-1].lstrip("- "))
            if key:
                notes.setdefault(label_field(key[0].group("key")), []).append(paren.group(1))
                continue
        if starts and starts[0].start() == 0:
            dashed = dashed or bool(_DASHED_LABEL.match(line))
            segments.append(("- " if _DASHED_LABEL.match(line) else "") + body)
            seen_label = True
        elif seen_label and after_blank and line.strip()[:1].isupper():
            stray.append(line.strip())
        else:
            segments[-1] = f"{segments[-1]}\n{line}"
    joined = {name: join_wrapped(parts) for name, parts in notes.items()}
    return _Segments(segments, joined, stray, dashed)


def _flat(text: str) -> str:
    return join_wrapped(text.split("\n"))


@dataclass
class _Context:
    notes: dict[str, str]
    section: Section
    prefix: str  # prepended to codes when several task sections number from 1


def _code(item: _Item, seq: int) -> str:
    n, parent = item.numbered, item.parent
    if n.kind in ("dotted2", "dotted3") or parent is None:
        return n.label if n.kind != "bullet" else str(seq)
    label = n.label if n.kind != "bullet" else str(seq)
    return f"{_code(parent, 0)}.{label}" if parent.numbered.kind != "bullet" else label


def _agency_of(item: _Item | None) -> str | None:
    """The agency a group heading names ("1. Công an xã"), when its items are its duties: not
    when they name leads of their own (then the heading is a topic)."""
    if item is None:
        return None
    if item._agency is None:
        item._agency = (_heading_agency(item),)
    return item._agency[0]


def _heading_agency(item: _Item) -> str | None:
    if not item.children or (item.lines and item.has_roles):
        return None
    if any("lead" in child.labels for child in item.children):
        return None
    text = _REQUEST.sub("", item.numbered.text).rstrip(" :.")
    return text if looks_like_agency(text) else None


def _assignments(
    role: Role, text: str | None, note: str | None, ctx: _Context
) -> list[RawAssignment]:
    if not text:
        return []
    return footnoted_assignments(role, text, note, ctx.notes)


def _task(item: _Item, seq: int, ctx: _Context) -> tuple[str, RawTask]:
    cut = _segments(item)
    segments = cut.texts
    for child in item.children:  # a task's own sub-items are its activities
        segments[0] += " - " + " ".join([child.numbered.text, *(ln for ln, _ in child.lines)])
    labelled = read_labels("\n".join(_flat(s) for s in segments))
    head = drop_markers(_flat(labelled.head), ctx.notes)
    heading_agency = _agency_of(item.parent)
    lead_text, coordinate_text = labelled.get("lead"), labelled.get("coordinate")
    assignments = [
        *_assignments("lead", lead_text, cut.notes.get("lead"), ctx),
        *_assignments("coordinate", coordinate_text, cut.notes.get("coordinate"), ctx),
    ]
    family = "numbered_sections" if cut.dashed else "inline_labels"
    if heading_agency:
        family = "agency_centric"
        if lead_text is None:
            assignments.insert(0, RawAssignment(heading_agency, "lead"))
        if coordinate_text is None:
            prose = read_prose(head)
            assignments += [RawAssignment(c, "coordinate") for c in prose.coordinators]
    elif lead_text is None and coordinate_text is None:
        prose = read_prose(head)
        assignments = [RawAssignment(a, "lead") for a in prose.leads]
        assignments += [RawAssignment(c, "coordinate") for c in prose.coordinators]
        family = "prose"
    deadline = labelled.get("deadline")
    if deadline is None and family != "numbered_sections":
        deadline = prose_deadline(head)
    parent = item.parent
    task = RawTask(
        task_code=ctx.prefix + _code(item, seq),
        title=head,
        group_code=ctx.prefix + _code(parent, 0) if parent else None,
        group_title=_flat(parent.own_text) if parent and not heading_agency else heading_agency,
        deadline_text=deadline,
        expected_output=labelled.get("output"),
        assignments=assignments,
    )
    if not any(a.role == "lead" for a in task.assignments):
        task.review_reasons.append(NO_LEAD)
    if task.deadline_text is None:
        task.review_reasons.append(NO_DEADLINE)
    if cut.stray:
        task.review_reasons.append(f"unattributed text after task fields: {cut.stray[0][:60]}")
    return family, task


def _tasks(items: list[_Item], ctx: _Context) -> list[tuple[str, RawTask]]:
    out: list[tuple[str, RawTask]] = []
    for seq, item in enumerate(items, start=1):
        if item.children and not item.has_roles:
            out += _tasks(item.children, ctx)
        else:
            out.append(_task(item, seq, ctx))
    return out


def _count(items: list[_Item]) -> int:
    return sum(1 + _count(item.children) for item in items)


def parse_numbered_items(text: str) -> ItemsResult:
    """Tasks of the plan's task sections (see the module docstring)."""
    lines = text.split("\n")
    found = task_sections(lines)
    notes = footnotes(lines)
    results: list[tuple[str, RawTask]] = []
    items = 0
    for section in found:
        forest = _items(lines[section.start + 1 : section.end])
        items += _count(forest)
        prefix = f"{section.label}." if len(found) > 1 else ""
        results += _tasks(forest, _Context(notes, section, prefix))
    if not results:
        return ItemsResult("numbered_sections", [], items)
    votes = Counter(family for family, _ in results)
    family = max(FAMILIES, key=lambda f: (votes[f], -FAMILIES.index(f)))
    return ItemsResult(family, [task for _, task in results], items)
