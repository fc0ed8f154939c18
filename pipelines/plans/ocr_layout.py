"""OCR'd words back into the text and tables of a page, as `office.py` writes a text PDF.

Tesseract's TSV output gives every word with its box and its block, paragraph and line numbers
in reading order. Words outside any ruled table (`ruling.Grid`) become lines, joined by those
numbers and cut where a gap between words is wider than `COLUMN_GAP` line heights (an unruled
two-column letterhead or signature block: each column's text a line, left first, as a text
file's `left | right` row reads); a blank line marks a vertical gap wider than `PARAGRAPH_GAP`
line heights, as in a text PDF. Words inside a table go to the cell under their centre; a merged
cell's words go to its top-left grid cell and the cells it spans stay empty, so a column index
means the same in every row. Tables become tab-separated lines at their place on the page. Bold
cannot be seen by OCR: no cell is marked `<b>`.

A small table (at most two columns and four rows: a ruled letterhead, a signature block) is
layout, not data: its cells are written as lines, left column first.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from dataclasses import dataclass

from pipelines.plans.ruling import Grid, Slot

Table = list[list[str]]

PARAGRAPH_GAP = 0.8  # × median line height, as office.py's text PDFs
# × median line height: a wider gap between two words of a line separates columns (the
# letterhead, the signature block), whose cells become lines of their own, left first
COLUMN_GAP = 2.0
_LAYOUT_MAX_COLUMNS, _LAYOUT_MAX_ROWS = 2, 4
# a number column's lone glyphs, as OCR misreads them: `I` as `|` or `l`, `II` as `lÍ`,
# `1.2` as `l.2`
_ROMAN_LIKE = re.compile(r"[|!lIiÍíÌìVvXx]{1,6}\.?")
_NUMBER_LIKE = re.compile(r"(?=.*\d)[\d|lI]+(?:\.[\d|lI]+)*\.?")
_AS_ROMAN = str.maketrans("|!liÍíÌìvx", "IIIIIIIIVX")
_AS_DIGIT = str.maketrans("|lI", "111")


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    line: tuple[int, int, int]  # (block, paragraph, line) numbers: Tesseract's reading order

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)


def parse_tsv(tsv: str) -> list[Word]:
    """The words (level 5 rows with text) of `tesseract … tsv` output, in its order."""
    words = []
    for row in tsv.split("\n")[1:]:
        cells = row.split("\t", 11)
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, par, line = int(cells[2]), int(cells[3]), int(cells[4])
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(
            Word(cells[11].strip(), left, top, left + width, top + height, (block, par, line))
        )
    return words


def unstack(words: list[Word], slots: list[Slot]) -> list[Word]:
    """Words read from a stacked image (`ruling.stack_cells`) at their place on the page;
    a word in no slot (a speck in a gap) is dropped."""
    out = []
    for word in words:
        middle = word.centre[1]
        slot = next((s for s in slots if s.top <= middle < s.bottom), None)
        if slot is not None:
            out.append(
                dataclasses.replace(
                    word,
                    left=word.left + slot.dx,
                    right=word.right + slot.dx,
                    top=word.top + slot.dy,
                    bottom=word.bottom + slot.dy,
                )
            )
    return out


def tesseract_lines(words: list[Word]) -> list[Line]:
    """Words grouped by Tesseract's line numbers, in its reading order."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return [Line(tuple(sorted(ws, key=lambda w: w.left))) for ws in lines.values()]


def split_columns(line: Line, gap: float) -> list[Line]:
    """A line cut where the space between two words is wider than `gap`."""
    parts: list[list[Word]] = [[line.words[0]]]
    for word in line.words[1:]:
        if word.left - parts[-1][-1].right > gap:
            parts.append([])
        parts[-1].append(word)
    return [Line(tuple(part)) for part in parts]


def visual_lines(words: list[Word]) -> list[Line]:
    """Words grouped into lines by position alone, top to bottom, each left to right: a word
    belongs to the line above when its vertical centre lies within that line's height."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.left)):
        centre = word.centre[1]
        for line in reversed(lines[-3:]):
            if min(w.top for w in line) <= centre <= max(w.bottom for w in line):
                line.append(word)
                break
        else:
            lines.append([word])
    ordered = [Line(tuple(sorted(ws, key=lambda w: w.left))) for ws in lines]
    return sorted(ordered, key=lambda ln: ln.top)


def paragraph_lines(lines: list[Line], line_height: float) -> list[str]:
    """Line texts, with a blank line where the gap to the previous line ends a paragraph."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and line.top - lines[i - 1].bottom > PARAGRAPH_GAP * line_height:
            out.append("")
        out.append(line.text)
    return out


def grid_cells(grid: Grid, words: list[Word]) -> list[list[list[Line]]]:
    """Lines of each grid cell (rows × columns): a merged cell's in its top-left cell."""
    rows, cols = grid.shape
    regions = grid.regions()
    found: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        cell = grid.cell_at(*word.centre)
        if cell is not None:
            found.setdefault(regions[cell], []).append(word)
    return [[visual_lines(found.get((r, c), [])) for c in range(cols)] for r in range(rows)]


def _cell_text(lines: list[Line]) -> str:
    return " ".join(line.text for line in lines)


def code_cell(text: str) -> str:
    """A table's first cell (STT) with OCR's usual misreadings of numbers undone."""
    if _ROMAN_LIKE.fullmatch(text):
        return text.translate(_AS_ROMAN)
    if _NUMBER_LIKE.fullmatch(text):
        return text.translate(_AS_DIGIT)
    return text


def is_layout(grid: Grid) -> bool:
    rows, cols = grid.shape
    return cols <= _LAYOUT_MAX_COLUMNS and rows <= _LAYOUT_MAX_ROWS


def _inside(word: Word, grid: Grid) -> bool:
    return grid.cell_at(*word.centre) is not None


def page_content(words: list[Word], grids: list[Grid]) -> tuple[list[str], list[Table]]:
    """Lines of one page in reading order (text between tables, each table in turn as
    tab-separated rows) and the page's tables as rows of cells."""
    grids = sorted(grids, key=lambda g: g.ys[0])
    loose = [w for w in words if not any(_inside(w, g) for g in grids)]
    heights = [ln.bottom - ln.top for ln in tesseract_lines(words)]
    line_height = statistics.median(heights) if heights else 0.0
    lines = [
        part
        for line in tesseract_lines(loose)
        for part in split_columns(line, COLUMN_GAP * line_height)
    ]

    bands: list[list[Line]] = [[] for _ in range(len(grids) + 1)]
    for line in lines:  # band k: below k tables
        middle = (line.top + line.bottom) / 2
        bands[sum(1 for g in grids if g.ys[-1] <= middle)].append(line)

    out: list[str] = []
    tables: list[Table] = []
    for k, grid in enumerate(grids):
        out.extend(paragraph_lines(bands[k], line_height))
        cells = grid_cells(grid, [w for w in words if _inside(w, grid)])
        table = [[_cell_text(cell) for cell in row] for row in cells]
        for row in table:
            row[0] = code_cell(row[0])
        tables.append(table)
        if is_layout(grid):
            out.extend(line.text for c in range(grid.shape[1]) for row in cells for line in row[c])
        else:
            out.extend("\t".join(row) for row in table if any(row))
    out.extend(paragraph_lines(bands[-1], line_height))
    return out, tables
