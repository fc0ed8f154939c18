"""Shape parser: task groups with bullet activities and an assignment list (ward plans).

Layout (phường Hàm Rồng): the tasks section holds groups `N. title`, bullet activities
`- ...`, then `Phân công thực hiện:` followed by `+ Agency: duty` lines, or a single line
`Đơn vị thực hiện: A: duty. B: duty.` Each group is one task (task_code = N).

Title choice: RawTask has no activities field and its title must be single-spaced, so the
title is the group heading followed by the activities as ` - activity` segments (the same
inline-dash form the plans themselves print); `group_title` holds the bare heading. The
activities are not an expected output, so `expected_output` stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.plans.model import NO_DEADLINE, NO_LEAD, RawAssignment, RawTask, Role
from pipelines.plans.outline import numbering, task_sections
from pipelines.plans.roles import label_field, label_starts
from pipelines.plans.text import fold, join_wrapped, squash

_GROUP = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*)$")
_BULLET = re.compile(r"^\s*[-–•]\s*(\S.*)$")
_ASSIGN_ITEM = re.compile(r"^\s*[+\-–•]\s*(\S.*)$")
_ASSIGN_LABEL = re.compile(
    r"^\s*(?:phân công thực hiện|phân công nhiệm vụ|tổ chức thực hiện|đơn vị thực hiện|"
    r"trách nhiệm thực hiện)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_COORDINATE_VERBS = ("phoi hop", "tham gia")
_MAX_AGENCY_WORDS = 14


@dataclass
class _Group:
    code: str
    heading: list[str]
    activities: list[list[str]] = field(default_factory=list)
    duties: list[list[str]] = field(default_factory=list)  # "Agency: duty" texts, wrapped parts
    deadline: list[str] = field(default_factory=list)  # "Thời gian thực hiện: …"
    in_assignments: bool = False


def _role(duty: str) -> Role:
    return "coordinate" if fold(duty).startswith(_COORDINATE_VERBS) else "lead"


def _agency_spans(text: str) -> list[tuple[int, int]]:
    """(start, colon) of each `Agency:` that opens a clause of `text`.

    An agency starts the text or follows `. ` / `; `, starts with a capital letter and is short;
    this splits `A: Chủ trì ...; tiếp nhận ... B: Phối hợp ...` without cutting at commas.
    """
    spans: list[tuple[int, int]] = []
    for colon in (m.start() for m in re.finditer(r":\s", text + " ")):
        cut = max(text.rfind(". ", 0, colon), text.rfind("; ", 0, colon))
        start = 0 if cut < 0 else cut + 2
        name = text[start:colon].strip()
        if spans and start <= spans[-1][1]:
            continue  # a colon inside the previous agency's duty clause
        if name[:1].isupper() and len(name.split()) <= _MAX_AGENCY_WORDS and ":" not in name:
            spans.append((start, colon))
    return spans


def _split_duties(text: str) -> list[tuple[str, str]]:
    """`A: duty. B: duty.` → [(A, duty), (B, duty)]; [] when no `Agency:` clause is found."""
    text = squash(text)
    spans = _agency_spans(text)
    pairs: list[tuple[str, str]] = []
    for i, (start, colon) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        agency = text[start:colon].strip()
        duty = text[colon + 1 : end].strip().rstrip(" .;").strip()
        if agency:
            pairs.append((agency, duty))
    return pairs


def _assignments(group: _Group) -> tuple[list[RawAssignment], list[str]]:
    """Assignments of a group, and the assignment lines that name no agency."""
    out: list[RawAssignment] = []
    unread: list[str] = []
    for parts in group.duties:
        line = join_wrapped(parts)
        pairs = _split_duties(line)
        if not pairs:
            unread.append(line)
        for agency, duty in pairs:
            out.append(RawAssignment(text=agency, role=_role(duty), note=duty or None))
    return out, unread


def _to_task(group: _Group) -> RawTask:
    heading = join_wrapped(group.heading)
    activities = [join_wrapped(a) for a in group.activities]
    title = " ".join([heading, *(f"- {a}" for a in activities if a)])
    assignments, unread = _assignments(group)
    task = RawTask(
        task_code=group.code,
        title=title,
        group_code=group.code,
        group_title=heading,
        deadline_text=join_wrapped(group.deadline).strip(" .;") or None,
        assignments=assignments,
    )
    if not any(a.role == "lead" for a in task.assignments):
        task.review_reasons.append(NO_LEAD)
    if task.deadline_text is None:
        task.review_reasons.append(NO_DEADLINE)
    task.review_reasons.extend(f"assignment names no agency: {u[:60]}" for u in unread)
    return task


def _feed(group: _Group, line: str, after_blank: bool) -> None:
    """Add one non-empty line of a group's body to the group."""
    labels = label_starts(line.strip())
    if labels and labels[0].start() == 0 and label_field(labels[0]["key"]) == "deadline":
        group.deadline.append(line.strip()[labels[0].end() :])
        return
    label = _ASSIGN_LABEL.match(line)
    if label:
        group.in_assignments = True
        if label.group(1).strip():
            group.duties.append([label.group(1)])
        return
    item = _ASSIGN_ITEM.match(line) if group.in_assignments else None
    bullet = _BULLET.match(line)
    wrapped = not after_blank or line.strip()[:1].islower()
    if item:
        group.duties.append([item.group(1)])
    elif group.in_assignments and group.duties and wrapped:
        group.duties[-1].append(line)
    elif bullet:
        group.activities.append([bullet.group(1)])
    elif group.activities and wrapped:
        group.activities[-1].append(line)  # a bullet broken over a blank line
    elif not group.activities:
        group.heading.append(line)
    else:
        group.activities.append([line])


def parse_task_groups(text: str) -> list[RawTask]:
    """One task per `N.` group of the tasks section; [] for other layouts.

    Returns [] when the section has sub-numbered tasks (`1.1.`, the numbered-sections shape)
    or when no group names an agency (the tasks then live elsewhere, e.g. an appendix).
    """
    lines = text.split("\n")
    found = task_sections(lines)
    section = lines[found[0].start + 1 : found[0].end] if found else []
    if not section or any((n := numbering(line)) and n.kind == "dotted2" for line in section):
        return []
    groups: list[_Group] = []
    after_blank = False
    for line in section:
        if not line.strip():
            after_blank = True
            continue
        m = _GROUP.match(line)
        if m:
            groups.append(_Group(m.group(1), [m.group(2)]))
        elif groups:
            _feed(groups[-1], line, after_blank)
        after_blank = False
    tasks = [_to_task(g) for g in groups]
    if not any(t.assignments for t in tasks):
        return []
    return tasks
