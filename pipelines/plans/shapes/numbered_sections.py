"""Shape parser: tasks printed as numbered paragraphs (`1.1.`, `2.3.`) with field lines.

Layout (Thanh Hóa 08/KH-UBND): section `III. NHIỆM VỤ VÀ GIẢI PHÁP` holds group headings
`N. title`, tasks `N.M. title`, then `- Đơn vị chủ trì|thực hiện|phối hợp: ...` and
`- Thời gian thực hiện: ...` lines. Numbered paragraphs in other sections are not tasks.

A footnote marker glued to a word in a field (`đơn vị cấp tỉnh1 .`) is removed; when the
footnote (printed after the signature as `1 (1) Sở Y tế chủ trì ... (2) ...`) enumerates
agencies, the collective is replaced by one assignment per enumerated agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.plans.model import RawAssignment, RawTask, Role
from pipelines.plans.text import fold, join_wrapped

NO_LEAD = "no lead agency found"
NO_DEADLINE = "no deadline printed"

_ROMAN = re.compile(r"^\s*([IVX]{1,4})\.\s+(\S.*)$")
_TASK = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$")
_GROUP = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*)$")
_FIELD = re.compile(
    r"^\s*[-+•]?\s*(?:(?P<unit>đơn vị|cơ quan)\s+(?P<role>chủ trì|thực hiện|phối hợp)"
    r"(?:\s+thực hiện)?|(?P<time>thời (?:gian|hạn))(?:\s+(?:thực hiện|hoàn thành))?"
    r"|(?P<out>kết quả|sản phẩm)(?:\s+(?:đầu ra|dự kiến))?)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_INLINE_FIELD = re.compile(
    r"\s+-\s+(?=(?:đơn vị|cơ quan)\s+(?:chủ trì|thực hiện|phối hợp)\s*:|thời (?:gian|hạn))",
    re.IGNORECASE,
)
_PAREN_LINE = re.compile(r"^\s*\((.+)\)\s*\.?\s*$")
_SIGN_BLOCK = re.compile(r"^\s*\**\s*(?:TM|KT|Q|TL|TUQ)\s*\.", re.IGNORECASE)
_FOOTNOTE_START = re.compile(r"^\s*(\d{1,2})\s+(\S.*)$")
_FOOTNOTE_ITEM = re.compile(r"\(\s*(\d{1,2})\s*\)")
_FOOTNOTE_VERB = re.compile(
    r"\s(?:chủ trì|phối hợp|thực hiện|có trách nhiệm|chịu trách nhiệm|tham mưu)\b\s*"
)
_ROLE_BY_WORD: dict[str, Role] = {"chu tri": "lead", "thuc hien": "lead", "phoi hop": "coordinate"}


def task_section_lines(text: str) -> list[str]:
    """Lines of the tasks section (`III. NHIỆM VỤ ... GIẢI PHÁP`), without its heading.

    The section is the first upper-case roman-numeral heading naming tasks or solutions; it
    ends at the next roman-numeral heading. [] when the document has no such section.
    """
    lines = text.split("\n")
    start = None
    for i, line in enumerate(lines):
        m = _ROMAN.match(line)
        if not m or not m.group(2).isupper():
            continue
        if start is not None:
            return lines[start:i]
        if "nhiem vu" in fold(m.group(2)) or "giai phap" in fold(m.group(2)):
            start = i + 1
    return lines[start:] if start is not None else []


def has_subnumbered_tasks(section: list[str]) -> bool:
    return any(_TASK.match(line) for line in section)


@dataclass
class _Draft:
    code: str
    group_code: str | None
    group_title: str | None
    title: list[str]
    deadline: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    assignments: list[tuple[Role, list[str], list[str]]] = field(default_factory=list)
    open: list[str] | None = None  # the field that continuation lines extend
    stray: list[str] = field(default_factory=list)


def _split_inline_fields(line: str) -> list[str]:
    """`... trên địa bàn tỉnh. - Đơn vị chủ trì: X` → the task text and the field line."""
    parts = _INLINE_FIELD.split(line)
    return [parts[0]] + [f"- {p}" for p in parts[1:]]


def _strip_end(text: str) -> str:
    return text.strip().rstrip(" .;").strip()


# ---------------------------------------------------------------------------- footnotes


def _footnotes(lines: list[str]) -> dict[str, str]:
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


def _drop_markers(text: str, notes: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        return "" if m.group(1) in notes else m.group(0)

    return re.sub(r"(?<=[^\W\d_])(\d{1,2})\b", repl, text)


def _assignments(
    role: Role, text: str, note: str | None, notes: dict[str, str]
) -> list[RawAssignment]:
    found = _markers(text, notes)
    clean = _strip_end(_drop_markers(text, notes))
    for marker in found:
        items = _footnote_items(notes[marker])
        if items:
            return [
                RawAssignment(text=agency, role=role, note=f"footnote {marker}: {duty}")
                for agency, duty in items
            ]
        note = f"footnote {marker}: {notes[marker]}"
    return [RawAssignment(text=clean, role=role, note=note)] if clean else []


# ------------------------------------------------------------------------------ parsing


def _finish(draft: _Draft, notes: dict[str, str]) -> RawTask:
    task = RawTask(
        task_code=draft.code,
        title=_drop_markers(join_wrapped(draft.title), notes),
        group_code=draft.group_code,
        group_title=draft.group_title,
        deadline_text=_strip_end(join_wrapped(draft.deadline)) or None,
        expected_output=_strip_end(join_wrapped(draft.output)) or None,
    )
    for role, parts, note_parts in draft.assignments:
        note = join_wrapped(note_parts) or None
        task.assignments.extend(_assignments(role, join_wrapped(parts), note, notes))
    if not any(a.role == "lead" for a in task.assignments):
        task.review_reasons.append(NO_LEAD)
    if task.deadline_text is None:
        task.review_reasons.append(NO_DEADLINE)
    if draft.stray:
        task.review_reasons.append(f"unattributed text after task fields: {draft.stray[0][:60]}")
    return task


def _apply_field(draft: _Draft, m: re.Match[str]) -> None:
    value = m.group("value")
    if m.group("time"):
        draft.deadline.append(value)
        draft.open = draft.deadline
    elif m.group("out"):
        draft.output.append(value)
        draft.open = draft.output
    else:
        role = _ROLE_BY_WORD[fold(m.group("role"))]
        draft.assignments.append((role, [value], []))
        draft.open = draft.assignments[-1][1]


def _continue(draft: _Draft, line: str, after_blank: bool) -> None:
    """A line that is neither a heading nor a field: a wrap, a note, or a new paragraph."""
    paren = _PAREN_LINE.match(line)
    last = draft.assignments[-1] if draft.assignments else None
    if paren and last is not None and draft.open is last[1]:
        last[2].append(paren.group(1))
    elif draft.open is None or draft.open is draft.title:
        draft.title.append(line)
    elif not after_blank or line.strip()[:1].islower():
        draft.open.append(line)
    else:
        draft.stray.append(line.strip())


def parse_numbered_sections(text: str) -> list[RawTask]:
    """Tasks `N.M.` of the tasks section, grouped under their `N.` headings; [] if absent."""
    section = task_section_lines(text)
    if not has_subnumbered_tasks(section):
        return []
    notes = _footnotes(text.split("\n"))
    tasks: list[RawTask] = []
    group: tuple[str, list[str]] | None = None
    draft: _Draft | None = None
    after_blank = False
    for raw in section:
        if not raw.strip():
            after_blank = True
            continue
        for line in _split_inline_fields(raw):
            task_m, group_m, field_m = _TASK.match(line), _GROUP.match(line), _FIELD.match(line)
            if task_m:
                if draft:
                    tasks.append(_finish(draft, notes))
                code = f"{task_m.group(1)}.{task_m.group(2)}"
                gcode, gtitle = _group_of(group, task_m.group(1), notes)
                draft = _Draft(code, gcode, gtitle, [task_m.group(3)])
            elif group_m:
                if draft:
                    tasks.append(_finish(draft, notes))
                draft = None
                group = (group_m.group(1), [group_m.group(2)])
            elif draft and field_m:
                _apply_field(draft, field_m)
            elif draft:
                _continue(draft, line, after_blank)
            elif group and (not after_blank or line.strip()[:1].islower()):
                group[1].append(line)
        after_blank = False
    if draft:
        tasks.append(_finish(draft, notes))
    return tasks


def _group_of(
    group: tuple[str, list[str]] | None, major: str, notes: dict[str, str]
) -> tuple[str, str | None]:
    """The group a task `major.M` belongs to; the title only when its heading was printed."""
    if group and group[0] == major:
        return major, _drop_markers(join_wrapped(group[1]), notes)
    return major, None
