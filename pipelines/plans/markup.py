"""HTML and Markdown plan files → the text every other format becomes.

One document model for every format: lines of text in reading order, and each task table as
tab-separated lines at its place (see `office.py`, which writes .docx and .pdf tables the same
way). A table cell keeps the little markup the table parser reads: `<b>` for a cell printed in
bold (a group row), `<li>`/`<p>` for the items of a list. A cell merged across columns leaves
the columns it spans empty; a cell merged down over several rows repeats its text in each row
(a lead agency printed once for several tasks), as a .docx merge does.

Tables of at most two columns are layout, not data (a two-column letterhead, a signature block,
a portal's "Số hiệu | 08/KH-UBND" metadata): their cells become lines, left column first, and
label/value pairs become `label: value` lines.

A web page's navigation, scripts, forms and footer are dropped; the plan's own title, in an
`<h1>` or a paragraph, is a line like any other.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pipelines.plans.text import fold

_SKIPPED = frozenset(
    {"script", "style", "noscript", "nav", "footer", "aside", "form", "select", "button",
     "svg", "iframe", "template", "head", "option", "textarea"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
     "article", "header", "main", "ul", "ol", "blockquote", "pre", "hr", "dd", "dt", "dl",
     "center", "figure", "caption", "title"}
)  # fmt: skip
_CELL_MARKUP = {"b": "b", "strong": "b", "li": "li", "p": "p"}
# Labels of a law portal's metadata table (folded): a pair becomes `label: value`.
METADATA_LABELS = frozenset(
    {"so hieu", "so ky hieu", "loai van ban", "noi ban hanh", "co quan ban hanh", "nguoi ky",
     "ngay ban hanh", "ngay hieu luc", "linh vuc", "tinh trang", "trich yeu", "ngay dang"}
)  # fmt: skip
LAYOUT_MAX_COLUMNS = 2


@dataclass
class _Cell:
    markup: list[str] = field(default_factory=list)  # the cell's content, with kept markup
    rowspan: int = 1
    colspan: int = 1

    @property
    def raw(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.markup)).strip()


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    value = dict(attrs).get(name) or "1"
    return max(1, min(int(value), 100)) if value.strip().isdigit() else 1


class _PageText(HTMLParser):
    """Collects lines (and tables as lines) from an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skip = 0  # inside a skipped element
        self._tables: list[_Table] = []  # open tables, innermost last
        self._cell: _Cell | None = None

    # -- text
    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.markup.append(html.escape(data, quote=False))
        elif self._tables:
            return  # text between cells
        else:
            self._line.append(data)

    def _break(self) -> None:
        text = " ".join("".join(self._line).split())
        if text:
            self.lines.append(text)
        self._line = []

    # -- tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "table":
            if self._cell is not None:  # a table inside a cell: its text joins the cell
                return
            self._break()
            self._tables.append(_Table())
        elif self._tables and tag == "tr" and self._cell is None:
            self._tables[-1].rows.append([])
        elif self._tables and tag in ("td", "th") and self._cell is None:
            if not self._tables[-1].rows:
                self._tables[-1].rows.append([])
            self._cell = _Cell(rowspan=_span(attrs, "rowspan"), colspan=_span(attrs, "colspan"))
            self._tables[-1].rows[-1].append(self._cell)
        elif self._cell is not None:
            if tag in _CELL_MARKUP:
                self._cell.markup.append(f"<{_CELL_MARKUP[tag]}>")
            elif tag == "br":
                self._cell.markup.append("<br>")
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if self._cell is not None:
            if tag in ("td", "th"):
                self._cell = None
            elif tag in _CELL_MARKUP:
                self._cell.markup.append(f"</{_CELL_MARKUP[tag]}>")
            return
        if tag == "table" and self._tables:
            self.lines.extend(table_lines(_grid(self._tables.pop())))
        elif tag in _BLOCKS:
            self._break()

    def close(self) -> None:
        super().close()
        self._cell = None
        while self._tables:
            self.lines.extend(table_lines(_grid(self._tables.pop())))
        self._break()


def _grid(table: _Table) -> list[list[str]]:
    """Rows of cell markup on the table's grid: a column span leaves the spanned cells empty;
    a row span repeats the cell's text below (empty where the row below continues a record,
    i.e. its first column is itself covered from above)."""
    grid: dict[tuple[int, int], str] = {}
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = cell.raw if dc == 0 else ""
                    if dr:
                        covered.add((r + dr, c + dc))
            c += cell.colspan
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    rows = []
    for r in range(height):
        continues = (r, 0) in covered
        rows.append(
            ["" if continues and (r, c) in covered else grid.get((r, c), "") for c in range(width)]
        )
    return rows


def _plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def _cell_lines(markup: str) -> list[str]:
    parts = re.split(r"<br>|</?p>|</?li>", markup)
    return [text for part in parts if (text := _plain(part))]


def is_label(text: str) -> bool:
    return fold(text).rstrip(" :") in METADATA_LABELS


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table's rows as text lines: tab-separated cells, or lines of a layout table."""
    rows = [row for row in rows if any(_plain(cell) for cell in row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    pairs = [row for row in rows if len(row) >= 2 and is_label(_plain(row[0]))]
    if width <= LAYOUT_MAX_COLUMNS or len(pairs) * 2 >= len(rows):
        return _layout_lines(rows)
    return ["\t".join(cell.replace("\t", " ") for cell in row) for row in rows]


def _layout_lines(rows: list[list[str]]) -> list[str]:
    """Label/value pairs as `label: value`; other cells column by column."""
    out: list[str] = []
    columns: dict[int, list[str]] = {}
    for row in rows:
        cells = [_plain(cell) for cell in row]
        if len(cells) >= 2 and is_label(cells[0]):
            for label, value in zip(cells[::2], cells[1::2], strict=False):
                if label and value:
                    out.append(f"{label.rstrip(' :')}: {value}")
            continue
        for i, cell in enumerate(row):
            columns.setdefault(i, []).extend(_cell_lines(cell))
    return out + [line for i in sorted(columns) for line in columns[i]]


def html_to_text(page: str) -> str:
    """An HTML page's text (see the module docstring)."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    return "\n".join(parser.lines)


# ------------------------------------------------------------------------------- Markdown

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR_CELL = re.compile(r"\s*:?-{2,}:?\s*")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def _pipe_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _md_cell(cell: str) -> str:
    """A Markdown table cell as table-cell markup: `**x**` → `<b>x</b>`, `<br>` kept."""
    return _MD_BOLD.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", cell).replace("\t", " ")


def markdown_tables(text: str) -> str:
    """Markdown pipe tables → table lines (see `table_lines`); `#` heading marks dropped.

    Other Markdown stays for the text normaliser (emphasis) to take out."""
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        if block:
            out.extend(table_lines(block))
            block.clear()

    for line in text.split("\n"):
        if _PIPE_ROW.match(line) and "\t" not in line:
            cells = _pipe_cells(line)
            if not all(_SEPARATOR_CELL.fullmatch(c) or not c for c in cells):
                block.append([_md_cell(c) for c in cells])
            continue
        flush()
        out.append(_MD_HEADING.sub("", line))
    flush()
    return "\n".join(out)
