"""The task-table family: tasks as rows of a table, in whatever format it came (tab-separated
text, an HTML `<table>`, a .docx or .pdf table, a Markdown table: every reader writes tables
as tab-separated lines, see `documents.py`).

Columns are found by their header's wording, in any order (`column_role`): the code (STT, TT),
the task ("Nội dung nhiệm vụ/công việc", "Tên nhiệm vụ"), the lead ("Cơ quan/Đơn vị chủ
trì/thực hiện"), the coordinators ("phối hợp"), the deadline ("Thời gian/Thời hạn/Tiến độ
hoàn thành"), the output ("Sản phẩm/Kết quả"); other columns ("Ghi chú") are left out. The
header may repeat at page breaks; cells may carry HTML (`<b>`, `<ul><li>`, `<p>`); a row with
an empty STT continues the row above cell by cell (Hưng Yên appendix).

Row rules:
- a Roman-numbered (or lettered) row, `I`, `II.`, spanning the row, is a group: the rows under
  it belong to it;
- a bold code (`<b>1</b>`), or a code whose only content is a bold title, opens a group;
- a group followed by a non-bold continuation row is itself a task (Hưng Yên group 4, whose
  only content is a list of activities);
- list items become `- item` segments joined by single spaces (titles stay one line);
- a lead/coordinate cell written as a dash or `<li>` list gives one assignment per item.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from pipelines.plans.deadlines import parse_deadline
from pipelines.plans.model import NO_DEADLINE, NO_LEAD, RawAssignment, RawTask, Role
from pipelines.plans.roles import looks_like_agency
from pipelines.plans.text import fold, join_wrapped, squash

_CODE_HEADERS = {"stt", "tt", "so tt", "so thu tu", "ma", "ma nhiem vu"}
_ROMAN_CODE = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?$")
_ITEM_TAG = re.compile(r"<(li|p)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_BOLD = re.compile(r"<(b|strong)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_DASH_ITEM = re.compile(r"(?:^|\s)[-–•+]\s+")


def _plain(raw: str) -> str:
    return squash(html.unescape(_TAG.sub(" ", raw)))


def _cell_text(raw: str) -> str:
    """Cell HTML → one line; `<li>`/`<p>` items become `- item` segments."""
    items = [_plain(m.group(2)) for m in _ITEM_TAG.finditer(raw)]
    items = [i if i.startswith(("-", "–", "•", "+")) else f"- {i}" for i in items if i]
    return " ".join(items) if items else _plain(raw)


def _is_bold(raw: str) -> bool:
    """True when every visible character of the cell sits inside `<b>`/`<strong>`."""
    return bool(_plain(raw)) and not _plain(_BOLD.sub(" ", raw))


def column_role(header: str) -> str | None:
    """What a header cell names, whatever its wording and place: "Nội dung nhiệm vụ/công
    việc", "Cơ quan/Đơn vị chủ trì/thực hiện", "phối hợp", "Thời gian/Thời hạn/Tiến độ hoàn
    thành", "Sản phẩm/Kết quả", "Ghi chú"."""
    key = fold(_plain(header)) + " "
    if "phoi hop" in key:
        return "coordinate"
    if "chu tri" in key:
        return "lead"
    if any(w in key for w in ("thoi han", "thoi gian", "tien do", "han hoan thanh")):
        return "deadline"
    if "thuc hien" in key and any(w in key for w in ("don vi", "co quan", "luc luong", "bo phan")):
        return "lead"
    if any(w in key for w in ("ket qua", "san pham")):
        return "output"
    if any(w in key for w in ("nhiem vu", "noi dung", "cong viec", "ten ", "hoat dong")):
        return "title"
    if "ghi chu" in key:
        return "note"
    return None


def _column_map(cells: list[str]) -> dict[str, int] | None:
    """Column index by role when `cells` is a header row (needs STT and a task column)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = fold(_plain(cell)).rstrip(" .")
        if key in _CODE_HEADERS:
            found.setdefault("code", i)
            continue
        role = column_role(cell)
        if role is not None:
            found.setdefault(role, i)
    found.pop("note", None)
    return found if {"code", "title"} <= found.keys() else None


@dataclass
class _Row:
    code: str
    # group_task: a group row whose continuation row is its only content (Hưng Yên group 4)
    kind: Literal["task", "group", "group_task"]
    cells: dict[str, list[str]] = field(default_factory=dict)  # column → raw pieces
    group_title: list[str] = field(default_factory=list)


def _get(cells: list[str], columns: dict[str, int], column: str) -> str:
    i = columns.get(column)
    return cells[i] if i is not None and i < len(cells) else ""


def _content(cells: list[str], columns: dict[str, int]) -> dict[str, str]:
    return {
        c: _get(cells, columns, c)
        for c in columns
        if c != "code" and _plain(_get(cells, columns, c))
    }


def _new_row(code: str, cells: list[str], columns: dict[str, int]) -> _Row:
    content = _content(cells, columns)
    if "title" not in content:  # the row's own grid differs (a table continued on a page)
        used = set(content.values())
        spare = [c for i, c in enumerate(cells) if i != columns["code"] and c not in used]
        longest = max(spare, key=lambda c: len(_plain(c)), default="")
        if len(_plain(longest)) > 20:
            content["title"] = longest
    title_raw = content.get("title", "")
    only_title = set(content) <= {"title"}
    bold = _is_bold(_get(cells, columns, "code")) or (only_title and _is_bold(title_raw))
    if bold or _ROMAN_CODE.match(code):  # `<b>1</b>`, or `I` / `II.` / `A`: a group row
        return _Row(code, "group", group_title=[title_raw])
    return _Row(code, "task", cells={c: [v] for c, v in content.items()})


def _continue(row: _Row, cells: list[str], columns: dict[str, int]) -> None:
    """Append a continuation row (empty STT) to the row above, column by column."""
    content = _content(cells, columns)
    if not content:
        return  # text only in columns the header did not name
    if row.kind == "group":
        if set(content) <= {"title"} and _is_bold(content.get("title", "")):
            row.group_title.append(content.get("title", ""))
            return
        row.kind = "group_task"
    for column, raw in content.items():
        row.cells.setdefault(column, []).append(raw)


_GROUP_CELL = re.compile(r"^([IVX]{1,5})[.:]?\s+(\S.*)$")  # "I. TUYÊN TRUYỀN" in one cell


def _collect(rows: list[list[str]]) -> list[_Row]:
    found = [header for cells in rows if (header := _column_map(cells))]
    columns: dict[str, int] | None = None if found else _infer_columns(rows)
    inferred = columns is not None
    out: list[_Row] = []
    for cells in rows:
        header = _column_map(cells)
        if header:
            columns = columns or header  # repeated page-break headers are skipped
            continue
        if columns is None or not any(_plain(c) for c in cells):
            continue
        code = _plain(_get(cells, columns, "code")).rstrip(".")
        group = _GROUP_CELL.match(code)
        if group:  # a group row whose number and title share the first cell
            out.append(_Row(group[1], "group", group_title=[group[2]]))
        elif inferred and code and not (code[0].isdigit() or _ROMAN_CODE.match(code)):
            continue  # a header row that could not be read
        elif code:
            out.append(_new_row(code, cells, columns))
        elif out:
            _continue(out[-1], cells, columns)
    return out


def _infer_columns(rows: list[list[str]]) -> dict[str, int] | None:
    """Column roles read from the cells, for a table whose header cannot be read (an OCR'd
    header, unusual wording): the first column numbers the rows, a column of deadlines is the
    deadline, columns of agency names are the lead then the coordinators, and the column with
    the longest texts is the task."""
    data = [r for r in rows if r and re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", _plain(r[0]))]
    if len(data) < 3:
        return None
    width = max(len(r) for r in data)

    def values(i: int) -> list[str]:
        return [v for r in data if i < len(r) and (v := _plain(r[i]))]

    filled = [i for i in range(1, width) if len(values(i)) * 2 >= len(data)]
    columns: dict[str, int] = {"code": 0}
    for i in filled:
        cells = values(i)
        if sum(_reads_as_deadline(v) for v in cells) * 2 > len(cells):
            columns.setdefault("deadline", i)
    agencies = [
        i
        for i in filled
        if i not in columns.values()
        and sum(looks_like_agency(v) for v in values(i)) * 2 > len(values(i))
    ]
    for role, i in zip(("lead", "coordinate"), agencies, strict=False):
        columns[role] = i
    rest = [i for i in filled if i not in columns.values()]
    if not rest:
        return None
    columns["title"] = max(rest, key=lambda i: sum(map(len, values(i))))
    return columns if "lead" in columns else None


def _reads_as_deadline(text: str) -> bool:
    deadline = parse_deadline(text)
    return deadline.kind != "event" or deadline.review_reason is None


def _join(pieces: list[str]) -> str:
    """Join a cell split over rows; drop a word the page break printed twice (`vụ` + `vụ`)."""
    texts = [_cell_text(p) for p in pieces if _cell_text(p)]
    for i in range(1, len(texts)):
        prev_words, words = texts[i - 1].split(), texts[i].split()
        if prev_words and words and prev_words[-1].isalpha() and prev_words[-1] == words[0]:
            texts[i] = " ".join(words[1:])
    return join_wrapped(texts)


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _agency_text(pieces: list[str]) -> str:
    """An agency cell as lines: a printed line break may separate two agencies, so it is kept
    and the agency splitter decides whether the line is a new name or a wrapped one."""
    lines: list[str] = []
    for piece in pieces:  # a cell continued on the next row or page goes on the same line
        first, *rest = [line for line in _BREAK.split(piece) if _plain(line)] or [""]
        if lines and first:
            lines[-1] = _join([lines[-1], first])
        elif first:
            lines.append(_cell_text(first))
        lines.extend(_cell_text(line) for line in rest)
    return "\n".join(lines)


def _split_agencies(text: str) -> list[str]:
    """`- A - B.` / `- A; - B` → [A, B]; a cell that is not a dash list stays one item."""
    parts = _DASH_ITEM.split(text) if text.lstrip().startswith(("-", "–", "•", "+")) else [text]
    return [p.strip().rstrip(" .;,").strip() for p in parts if p.strip(" .;,")]


def _task(row: _Row, group: tuple[str, str] | None) -> RawTask:
    def text(column: str) -> str:
        return _join(row.cells.get(column, []))

    lettered = group is not None and bool(_ROMAN_CODE.match(group[0]))  # I, II: its rows follow
    group_code = group[0] if lettered and group else row.code.split(".")[0]
    roles: tuple[Role, ...] = ("lead", "coordinate")
    assignments = [
        RawAssignment(text=agency, role=role)
        for role in roles
        for agency in _split_agencies(_agency_text(row.cells.get(role, [])))
    ]
    task = RawTask(
        task_code=row.code,
        title=text("title"),
        group_code=group_code,
        group_title=group[1] if group and group[0] == group_code else None,
        deadline_text=text("deadline").rstrip(" .,;") or None,
        expected_output=text("output").rstrip(" .;") or None,
        assignments=assignments,
    )
    if not any(a.role == "lead" for a in assignments):
        task.review_reasons.append(NO_LEAD)
    if task.deadline_text is None:
        task.review_reasons.append(NO_DEADLINE)
    return task


def _promote_bare_groups(rows: list[_Row]) -> None:
    """A bare top-level code whose row holds only a title and whose next row is its child."""
    for row, nxt in itertools.pairwise(rows):
        bare = row.kind == "task" and "." not in row.code and set(row.cells) <= {"title"}
        if bare and nxt.code.startswith(row.code + "."):
            row.kind, row.group_title, row.cells = "group", row.cells.get("title", []), {}


def parse_table_rows(rows: list[list[str]]) -> list[RawTask]:
    """Tasks from table rows (cells may hold HTML); [] when no header row is found."""
    tasks: list[RawTask] = []
    group: tuple[str, str] | None = None
    collected = _collect(rows)
    _promote_bare_groups(collected)
    for row in collected:
        if row.kind in ("group", "group_task"):
            group = (row.code.split(".")[0], _join(row.group_title))
        if row.kind != "group":
            tasks.append(_task(row, group))
    return tasks


def parse_task_table(text: str) -> list[RawTask]:
    """Tasks from tab-separated table text (lines without a tab are ignored)."""
    rows = [line.split("\t") for line in text.split("\n") if "\t" in line]
    return parse_table_rows(rows)
