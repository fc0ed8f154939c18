"""Shape parser: a task table extracted from a PDF as plain text (Lào Cai appendix).

Layout: columns STT | NHIỆM VỤ CỤ THỂ | THỜI HẠN | KẾT QUẢ | CƠ QUAN CHỦ TRÌ | CƠ QUAN PHỐI HỢP.
The extractor prints each row column by column, every cell wrapped line by line; cells that
share a baseline land on one line (`quảng cáo. 02/2026 Văn bản đề`). A line that starts with a
space (or a repeated header) marks a page break: the rest of the row follows, again column by
column. A merged cell (one lead agency for several rows) is printed once, in one of the rows it
spans; `_inherit` says which rows get it.

Columns are told apart by content, not position: a row opens with a bare code (`1.10`,
checked against the numbering sequence so a `2027` deadline is not a row); the title is the
first paragraph; the deadline opens the next cell; the output starts at its last capitalised
line; the agency cells start with an agency name, the last one being the coordinating cell.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import groupby

from pipelines.plans.model import NO_LEAD, RawAssignment, RawTask, Role
from pipelines.plans.text import fold, join_wrapped

TITLE, DEADLINE, OUTPUT, LEAD, COORD = range(5)

Line = tuple[int, str]  # (line number in the document, stripped text)

_CODE_LINE = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?(?:\s+(\S.*))?$")
_DATE = r"(?<![\d/])(?:\d{1,2}/)?(?:19|20)\d\d(?![\d/])"
_DEADLINE = re.compile(
    rf"{_DATE}|\b(?:[Tt]hường xuyên|[Đđ]ịnh kỳ|[Hh][àằ]ng năm|[Tt]heo chỉ đạo|[Qq]uý [IV]+)\b"
)
_TITLE_DEADLINE = re.compile(  # in a title line only a date or a capitalised keyword counts
    r"(?<![\d/])\d{1,2}/\d{4}(?![\d/])|\b(?:Thường xuyên|Định kỳ|H[àằ]ng năm|Theo chỉ đạo)\b"
)
_AGENCY = re.compile(
    r"(?:Sở|Các sở|Các cơ quan|Các đơn vị|Các lực lượng|Lực lượng|Công an|Cơ quan|Ủy ban|Uỷ ban"
    r"|UBND|BCĐ|Ban Chỉ đạo|Thanh tra|Báo(?! cáo)|Đài|Chi cục|Cục|Thuế|Bộ Chỉ huy|Bộ đội"
    r"|Hải quan|Quản lý thị trường|Văn phòng|Trung tâm)\b"
)
_INLINE_AGENCY = re.compile(r"\s(?=(?:Sở|Công an|Cơ quan|Ủy ban|Bộ Chỉ huy|Chi cục|BCĐ)\b)")
_DASH = ("-", "–", "•", "+")
_OPEN_END = (",", ";", ":", "/", "-", "(", "&")
# words that cannot end a cell; words usually followed by a number (`số`, `tháng`) are left
# out because a number never starts a cell anyway
_CONNECTORS = {"và", "của", "các", "theo", "về", "với", "cho", "trong", "tại", "đến", "từ"}
_CONNECTORS |= {"hoặc", "được", "là", "những", "sau", "trước"}
_PROPER = {"Chính", "Thủ", "Quốc", "Nhà", "Nhân", "UBND", "Bộ", "Ban", "Trung", "Việt"}
_ROMAN = re.compile(r"[IVXLC]+")
_HEADER_WORDS = {"stt", "nhiem", "vu", "cu", "the", "thoi", "han", "ket", "qua", "co", "quan"}
_HEADER_WORDS |= {"chu", "tri", "phoi", "hop"}


@dataclass
class _Row:
    code: str
    line_no: int
    parts: list[list[Line]]  # part 0 starts with the STT line's own text; then page-break parts
    cells: dict[int, list[str]] = field(default_factory=dict)
    printed_at: dict[int, int] = field(default_factory=dict)  # column → first line number
    single_agency: bool = False  # one agency cell: lead or coordinating, decided later
    inherited: dict[int, tuple[int, bool]] = field(default_factory=dict)  # col → (row, certain)
    notes: list[str] = field(default_factory=list)

    def text(self, col: int) -> str:
        return join_wrapped(self.cells.get(col, []))

    def add(self, col: int, lines: list[Line]) -> None:
        if lines:
            self.cells.setdefault(col, []).extend(s for _, s in lines)
            self.printed_at.setdefault(col, lines[0][0])


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _open_ended(text: str) -> bool:
    """True when a cell's text cannot end here (trailing comma, `và`, `của` ...)."""
    text = text.rstrip()
    words = text.split()
    return text.endswith(_OPEN_END) or bool(words and words[-1].lower() in _CONNECTORS)


def _is_agency(text: str) -> bool:
    """Text opens with an agency name (`Sở Y tế`, `- Công an tỉnh`, `Các lực lượng`)."""
    text = text.lstrip("".join(_DASH) + " ")
    m = _AGENCY.match(text)
    if not m:
        return False
    after = text[m.end() :].lstrip()
    return m.group() != "Sở" or (bool(after) and after[0].isupper())  # not `sở hữu`


def _starts_cell(line: str, prev: str) -> bool:
    """A capitalised line that does not continue the line above starts a new cell."""
    first = line.split()[0]
    return (
        line[0].isupper()
        and not _ROMAN.fullmatch(first.strip(",."))
        and first not in _PROPER
        and not _open_ended(prev)
    )


def _next_codes(prev: tuple[int, ...] | None) -> set[tuple[int, ...]]:
    """Codes that may follow `prev`: its first child, its next sibling, an ancestor's sibling."""
    if prev is None:
        return {(1,)}
    return {(*prev, 1)} | {(*prev[:k], prev[k] + 1) for k in range(len(prev))}


def _table_start(lines: list[str]) -> int | None:
    """Index of the header line (`STT NHIỆM VỤ ...`); tab-separated tables are another shape."""
    for i, line in enumerate(lines):
        key = fold(line)
        if "\t" not in line and key.startswith("stt") and "nhiem vu" in key:
            return i
    return None


def _is_header(line: str) -> bool:
    words = _words(line)
    return line.isupper() and bool(words) and set(words) <= _HEADER_WORDS


def _split_rows(lines: list[str], start: int) -> tuple[list[_Row], list[int]]:
    """Rows in order, and the line numbers where a new page starts."""
    rows: list[_Row] = []
    breaks: list[int] = []
    prev: tuple[int, ...] | None = None
    for n in range(start + 1, len(lines)):
        raw = lines[n]
        m = _CODE_LINE.match(raw)
        key = tuple(int(p) for p in m.group(1).split(".")) if m else None
        title = m.group(2) if m else None
        if m and key in _next_codes(prev) and (title is None or title[0].isupper()):
            prev = key
            rows.append(_Row(m.group(1), n, [[(n, title)] if title else []]))
            if raw[0].isspace():
                breaks.append(n)
        elif rows and (_is_header(raw) or (raw[:1].isspace() and raw.strip())):
            breaks.append(n)  # an indented line or a repeated header: the row goes on a new page
            rows[-1].parts.append([] if _is_header(raw) else [(n, raw.strip())])
        elif rows:
            rows[-1].parts[-1].append((n, raw.strip()))
    return rows, breaks


def _fragments(part: list[Line]) -> list[list[Line]]:
    """Runs of non-blank lines."""
    return [list(g) for filled, g in groupby(part, key=lambda ln: bool(ln[1])) if filled]


def _title_block(part: list[Line]) -> tuple[list[Line], list[Line]]:
    """The first paragraph is the title; the rest of the part follows it."""
    runs = _fragments(part)
    return (runs[0], [ln for run in runs[1:] for ln in run]) if runs else ([], [])


def _split_title_tail(title: list[Line]) -> tuple[list[Line], list[Line], list[Line]]:
    """`quảng cáo. 02/2026 Văn bản đề` → title, deadline, output pieces of the last line."""
    if not title:
        return title, [], []
    n, last = title[-1]
    for m in _TITLE_DEADLINE.finditer(last):
        before, after = last[: m.start()].strip(), last[m.end() :].strip()
        if before and (not after or after[0].isupper()):
            out = [(n, after)] if after else []
            return [*title[:-1], (n, before)], [(n, m.group())], out
    return title, [], []


def _agency_split(rest: list[Line]) -> tuple[list[Line], list[Line]]:
    """Cut the lines after the title into deadline+output lines and agency lines."""
    for i, (n, s) in enumerate(rest):
        nxt = rest[i + 1][1] if i + 1 < len(rest) else ""
        if _is_agency(f"{s} {nxt}"):
            return rest[:i], rest[i:]
        for m in _INLINE_AGENCY.finditer(s):  # `nghị/đề xuất Sở Nội vụ`
            if _is_agency(s[m.end() :]):
                return [*rest[:i], (n, s[: m.start()])], [(n, s[m.end() :]), *rest[i + 1 :]]
    return rest, []


def _deadline_output(lines: list[Line], seeded: bool) -> tuple[list[Line], list[Line]]:
    """Split deadline lines from output lines.

    An output starts either after a deadline on the same line (`Thường xuyên Kế hoạch`) or at
    the last capitalised line not continuing the one above; the last, because a deadline may
    carry a stray capital (`triển khoa` / `Học, công`) while outputs rarely do.
    """
    starts = [
        i
        for i, (_, s) in enumerate(lines)
        if (i > 0 or seeded) and _starts_cell(s, lines[i - 1][1] if i else "")
    ]
    for i, (n, s) in enumerate(lines[: (starts[0] if starts else len(lines))]):
        for m in _DEADLINE.finditer(s):
            after = s[m.end() :].strip()
            if after and after[0].isupper() and not _ROMAN.fullmatch(after.split()[0]):
                return [*lines[:i], (n, s[: m.end()])], [(n, after), *lines[i + 1 :]]
    if starts:
        return lines[: starts[-1]], lines[starts[-1] :]
    return lines, []


def _read_main(row: _Row) -> None:
    if len(row.parts) > 1 and not any(s for _, s in row.parts[0]):
        row.parts[0] += row.parts.pop(1)  # the code was the last line of a page
    title, rest = _title_block(row.parts[0])
    title, deadline, output = _split_title_tail(title)
    front, agencies = _agency_split(rest)
    if output:
        output += front
    else:
        more_deadline, output = _deadline_output(front, seeded=bool(deadline))
        deadline += more_deadline
    for col, lines in ((TITLE, title), (DEADLINE, deadline), (OUTPUT, output)):
        row.add(col, lines)
    # the coordinating cell starts at the last agency line that does not continue the one
    # above; a lead cell's own dash items (`- Ủy ban`) never start it
    starts = [
        i
        for i, (_, s) in enumerate(agencies)
        if not s.startswith(_DASH)
        and _is_agency(f"{s} {agencies[i + 1][1] if i + 1 < len(agencies) else ''}")
        and (i == 0 or not agencies[i - 1][1].rstrip().endswith(_OPEN_END))
    ]
    cut = starts[-1] if starts and starts[-1] > 0 else len(agencies)
    row.add(LEAD, agencies[:cut])
    row.add(COORD, agencies[cut:])
    row.single_agency = cut == len(agencies) and starts == [0]


@dataclass
class _Context:
    modal_coord: list[str]  # words of the most repeated coordinating text
    trigrams: dict[int, set[tuple[str, ...]]]
    wide: float  # a line this long can only be title text


def _context(rows: list[_Row]) -> _Context:
    coords = Counter(tuple(_words(r.text(COORD))) for r in rows if r.cells.get(COORD))
    modal = [list(k) for k, c in coords.most_common(1) if c > 1]
    trigrams: dict[int, set[tuple[str, ...]]] = {c: set() for c in range(5)}
    for r in rows:
        for col in r.cells:
            w = _words(r.text(col))
            trigrams[col].update(zip(w, w[1:], w[2:], strict=False))
    widths = [max(len(s) for s in r.cells[TITLE]) for r in rows if r.cells.get(TITLE)]
    return _Context(modal[0] if modal else [], trigrams, 0.75 * statistics.median(widths or [40]))


def _resolve_single(row: _Row, ctx: _Context) -> None:
    """A lone agency cell that reads like the table's coordinating boilerplate is that cell."""
    if not (row.single_agency and ctx.modal_coord):
        return
    ratio = SequenceMatcher(None, _words(row.text(LEAD)), ctx.modal_coord).ratio()
    if ratio >= 0.75:
        row.cells[COORD] = row.cells.pop(LEAD)
        row.printed_at[COORD] = row.printed_at.pop(LEAD)


def _junction(text: str, frag: str, grams: set[tuple[str, ...]]) -> bool:
    """The words across the join occur together elsewhere in the same column."""
    a, b = _words(text), _words(frag)
    joins = [tuple(a[-1:] + b[:2]), tuple(a[-2:] + b[:1])]
    return any(len(j) == 3 and j in grams for j in joins)


def _score(row: _Row, col: int, frag: str, prev: int | None, ctx: _Context) -> float:
    text = row.text(col)
    score = 1.0 if col == prev else 0.0  # a cell is often cut by blank lines
    modal, have = ctx.modal_coord, _words(text)
    if col == COORD and modal and modal[: len(have)] == have:
        # the boilerplate says what may follow the coordinating text printed so far
        joined = _words(f"{text} {frag}")
        return score + (3 if modal[: len(joined)] == joined else -3)
    if not text:
        starts = (col in (LEAD, COORD) and _is_agency(frag)) or (
            col == DEADLINE and _DEADLINE.match(frag) is not None
        )
        return score + (1 if starts else 0)
    if _junction(text, frag, ctx.trigrams[col]):
        score += 2
    if _open_ended(text):
        score += 1
    elif text.endswith((".", "!", "?")):
        score -= 2
    return score


def _read_continuation(row: _Row, part: list[Line], ctx: _Context) -> None:
    """Text after a page break continues the row's columns, still in column order."""
    prev: int | None = None
    for frag in _fragments(part):
        text = join_wrapped([s for _, s in frag])
        if max(len(s) for _, s in frag) >= ctx.wide:
            col = TITLE
        else:
            cols = range(prev if prev is not None else TITLE, COORD + 1)
            score, col = max((_score(row, c, text, prev, ctx), -c) for c in cols)
            col = -col
            if score <= 0:
                col = prev if prev is not None else TITLE
                row.notes.append(f"text after page break placed by default: {text!r}")
        have, words = _words(row.text(col)), _words(text)
        if have[-len(words) :] != words:  # a fragment printed again after the page break
            row.add(col, frag)
        prev = col


def _inherit(rows: list[_Row], col: int, breaks: list[int]) -> None:
    """Fill empty cells from the merged cell that spans them.

    Each run of rows without the cell lies between the printed value above (P) and below (Q).
    A merged cell crossing a page break keeps its text on the first page, so a run that begins
    after a page break following P's text belongs to P. Otherwise the value is printed near
    the middle of its span: P takes as many rows below it as it took above it, Q the rest.
    """
    above: dict[int, int] = {}
    i = 0
    while i < len(rows):
        if rows[i].cells.get(col):
            i += 1
            continue
        j = i
        while j < len(rows) and not rows[j].cells.get(col):
            j += 1
        p, q = (i - 1 if i > 0 else None), (j if j < len(rows) else None)
        size = j - i
        if p is None or q is None:
            take = size if q is None else 0
        elif any(rows[p].printed_at[col] < b <= rows[i].line_no for b in breaks):
            take = size
        else:
            take = min(size, above.get(p, 0))
        for k in range(i, j):
            src = p if k - i < take else q
            if src is not None:
                rows[k].inherited[col] = (src, p is None or q is None)
        if q is not None:
            above[q] = size - take
        i = j


def _items(lines: list[str]) -> list[str]:
    """`- A` / `- B` lines → one item each; text without dashes stays one item."""
    groups: list[list[str]] = []
    for s in lines:
        if s.startswith(_DASH) or not groups:
            groups.append([])
        groups[-1].append(s)
    items = [join_wrapped(g).lstrip("".join(_DASH) + " ").rstrip(" .;,") for g in groups]
    return [i for i in items if i]


def _assignments(row: _Row, rows: list[_Row], col: int, role: Role) -> list[RawAssignment]:
    src, note = row, None
    if col in row.inherited:
        src = rows[row.inherited[col][0]]
        note = f"merged cell printed at row {src.code}"
    return [RawAssignment(t, role, note) for t in _items(src.cells.get(col, []))]


def _reasons(row: _Row, rows: list[_Row]) -> list[str]:
    out: list[str] = []
    lead, coord = row.inherited.get(LEAD), row.inherited.get(COORD)
    if lead and not lead[1]:
        out.append(f"lead agency inherited from merged cell printed at row {rows[lead[0]].code}")
    if coord and not coord[1] and (lead is None or lead[0] != coord[0]):
        out.append(
            f"coordinating agency inherited from merged cell printed at row {rows[coord[0]].code}"
        )
    if not row.cells.get(LEAD) and LEAD not in row.inherited:
        out.append(NO_LEAD)
    return out + row.notes


def _task(row: _Row, rows: list[_Row], parent: _Row | None) -> RawTask:
    return RawTask(
        task_code=row.code,
        title=row.text(TITLE),
        group_code=parent.code if parent else None,
        group_title=parent.text(TITLE) if parent else None,
        deadline_text=row.text(DEADLINE) or None,
        expected_output=row.text(OUTPUT) or None,
        assignments=_assignments(row, rows, LEAD, "lead")
        + _assignments(row, rows, COORD, "coordinate"),
        review_reasons=_reasons(row, rows),
    )


def parse_pdf_table(text: str) -> list[RawTask]:
    """Leaf tasks of a PDF-extracted appendix table; [] when the document has none."""
    lines = text.split("\n")
    start = _table_start(lines)
    if start is None:
        return []
    rows, breaks = _split_rows(lines, start)
    if not rows:
        return []
    for row in rows:
        _read_main(row)
    boilerplate = _context(rows)
    for row in rows:
        _resolve_single(row, boilerplate)
    ctx = _context(rows)  # again, now that lone agency cells sit in their own column
    for row in rows:
        for part in row.parts[1:]:
            _read_continuation(row, part, ctx)
    _inherit(rows, LEAD, breaks)
    _inherit(rows, COORD, breaks)
    by_code = {r.code: r for r in rows}
    parents = {r.code.rsplit(".", 1)[0] for r in rows if "." in r.code}
    return [
        _task(r, rows, by_code.get(r.code.rsplit(".", 1)[0]) if "." in r.code else None)
        for r in rows
        if r.code not in parents
    ]
