"""Ruled tables in a scanned page: the rules, the grids they form, and the cells they merge.

A plan's task table is printed with rules around every cell. In a page image those rules are
the only long, thin runs of dark pixels (a glyph's strokes are short), so they are found
without reading any text: runs at least `dpi / 3` long across the page are horizontal rules,
runs at least `dpi / 10` down it are vertical rules when both ends meet a horizontal one.
Rules that cross form a grid; a grid's cells are merged where a rule between two of them is
missing (a group heading spanning the row, one lead agency printed for several tasks). For OCR
the cells are cut out and stacked under the page (`stack_cells`), each read on its own.

Pure functions over a greyscale Pillow image; nothing here reads or writes files.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

_DARK = 160  # grey level below which a pixel is ink (scans are rarely pure black)


@dataclass(frozen=True)
class Rule:
    """A straight rule: `pos` across it (y of a horizontal rule, x of a vertical one), from
    `start` to `end` along it, `width` pixels thick."""

    pos: int
    start: int
    end: int
    width: int

    def covers(self, along: float, slack: int = 0) -> bool:
        return self.start - slack <= along <= self.end + slack


@dataclass(frozen=True)
class Grid:
    """A ruled table: boundary positions and the rules that draw them."""

    ys: tuple[int, ...]  # row boundaries, top to bottom
    xs: tuple[int, ...]  # column boundaries, left to right
    horizontal: tuple[Rule, ...]
    vertical: tuple[Rule, ...]
    slack: int  # how far a rule may be from a boundary and still draw it

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the grid cell holding a point; None outside the grid."""
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        row = min(bisect.bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        col = min(bisect.bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        return row, col

    def _ruled(self, rules: tuple[Rule, ...], pos: int, along: float) -> bool:
        return any(abs(r.pos - pos) <= self.slack and r.covers(along, self.slack) for r in rules)

    def regions(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each grid cell → the top-left cell of the merged cell it belongs to."""
        rows, cols = self.shape
        parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

        def root(cell: tuple[int, int]) -> tuple[int, int]:
            while parent[cell] != cell:
                cell = parent[cell]
            return cell

        def join(a: tuple[int, int], b: tuple[int, int]) -> None:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)  # the top-left one stays the root

        for r in range(rows):
            mid_y = (self.ys[r] + self.ys[r + 1]) / 2
            for c in range(cols):
                mid_x = (self.xs[c] + self.xs[c + 1]) / 2
                if c + 1 < cols and not self._ruled(self.vertical, self.xs[c + 1], mid_y):
                    join((r, c), (r, c + 1))
                if r + 1 < rows and not self._ruled(self.horizontal, self.ys[r + 1], mid_x):
                    join((r, c), (r + 1, c))
        return {cell: root(cell) for cell in parent}


def _runs(data: bytes, width: int, height: int, min_length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of at least `min_length` ink bytes (0) in each row."""
    pattern = re.compile(b"\x00{%d,}" % min_length)
    return [
        (y, m.start() - y * width, m.end() - y * width)
        for y in range(height)
        for m in pattern.finditer(data, y * width, (y + 1) * width)
    ]


def _merge_runs(runs: list[tuple[int, int, int]], max_width: int) -> list[Rule]:
    """Runs in adjacent rows that mostly overlap make one rule (a glyph touching a rule stays
    apart); thicker than `max_width` is a dark area (a photo, a stamp), not a rule."""
    open_: list[list[int]] = []  # [first row, last row, start, end]
    done: list[list[int]] = []
    for y, start, end in runs:
        still = []
        for rule in open_:
            (still if y - rule[1] <= 2 else done).append(rule)
        open_ = still
        for rule in open_:
            overlap = min(end, rule[3]) - max(start, rule[2])
            if 2 * overlap >= max(end - start, rule[3] - rule[2]):
                rule[1], rule[2], rule[3] = y, min(rule[2], start), max(rule[3], end)
                break
        else:
            open_.append([y, y, start, end])
    return [
        Rule((first + last) // 2, start, end, last - first + 1)
        for first, last, start, end in done + open_
        if last - first + 1 <= max_width
    ]


def _rules(image: Image, min_length: int, max_width: int) -> list[Rule]:
    data = image.tobytes()
    return _merge_runs(_runs(data, image.width, image.height, min_length), max_width)


def find_rules(page: Image, dpi: int) -> tuple[list[Rule], list[Rule]]:
    """(horizontal, vertical) rules of a greyscale page image scanned at `dpi`."""
    from PIL import ImageFilter
    from PIL.Image import Transpose

    # ink as 0, paper as 255; a 3×3 minimum closes the one-pixel gaps of a scanned line
    ink = page.convert("L").point(lambda v: 0 if v < _DARK else 255)
    ink = ink.filter(ImageFilter.MinFilter(3))
    max_width = max(3, dpi // 20)
    horizontal = _rules(ink, max(8, dpi // 3), max_width)
    upright = _rules(ink.transpose(Transpose.TRANSPOSE), max(4, dpi // 10), max_width)
    slack = max(2, dpi // 40)
    vertical = [
        v
        for v in upright
        if _meets(horizontal, v.start, v.pos, slack) and _meets(horizontal, v.end, v.pos, slack)
    ]
    return horizontal, vertical


def _meets(rules: list[Rule], pos: int, along: int, slack: int) -> bool:
    return any(abs(r.pos - pos) <= slack and r.covers(along, slack) for r in rules)


def _crosses(h: Rule, v: Rule, slack: int) -> bool:
    return h.covers(v.pos, slack) and v.covers(h.pos, slack)


def _boundaries(positions: list[int], slack: int) -> list[int]:
    """Positions within `slack` of each other are one boundary (their mean)."""
    out: list[list[int]] = []
    for pos in sorted(positions):
        if out and pos - out[-1][-1] <= slack:
            out[-1].append(pos)
        else:
            out.append([pos])
    return [sum(group) // len(group) for group in out]


def find_grids(horizontal: list[Rule], vertical: list[Rule], dpi: int) -> list[Grid]:
    """Tables drawn by the rules: sets of crossing rules with at least two rows or columns
    of cells, top to bottom."""
    slack = max(2, dpi // 40)
    rules = [("h", r) for r in horizontal] + [("v", r) for r in vertical]
    group = list(range(len(rules)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i, (kind_i, a) in enumerate(rules):
        for j in range(i + 1, len(rules)):
            kind_j, b = rules[j]
            if kind_i != kind_j and (
                _crosses(a, b, slack) if kind_i == "h" else _crosses(b, a, slack)
            ):
                group[root(j)] = root(i)
    members: dict[int, list[tuple[str, Rule]]] = {}
    for i, rule in enumerate(rules):
        members.setdefault(root(i), []).append(rule)
    grids = []
    for found in members.values():
        hs = tuple(r for kind, r in found if kind == "h")
        vs = tuple(r for kind, r in found if kind == "v")
        if len(hs) < 2 or len(vs) < 2:
            continue
        # a side without a border still ends the table: the rules' extents close it
        xs = _boundaries(
            [v.pos for v in vs] + [min(h.start for h in hs), max(h.end for h in hs)], slack * 2
        )
        ys = _boundaries(
            [h.pos for h in hs] + [min(v.start for v in vs), max(v.end for v in vs)], slack * 2
        )
        if len(xs) >= 2 and len(ys) >= 2 and (len(xs) > 2 or len(ys) > 2):
            grids.append(Grid(tuple(ys), tuple(xs), hs, vs, slack))
    return sorted(grids, key=lambda g: g.ys[0])


def cell_boxes(grid: Grid) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) inside the rules of each cell, merged cells whole, in reading order."""
    spans: dict[tuple[int, int], list[int]] = {}  # root → [last row, last column]
    for (r, c), root in grid.regions().items():
        span = spans.setdefault(root, [r, c])
        span[0], span[1] = max(span[0], r), max(span[1], c)
    pad = max(r.width for r in (*grid.horizontal, *grid.vertical)) + 2
    return [
        (grid.xs[c] + pad, grid.ys[r] + pad, grid.xs[c1 + 1] - pad, grid.ys[r1 + 1] - pad)
        for (r, c), (r1, c1) in sorted(spans.items())
    ]


@dataclass(frozen=True)
class Slot:
    """Rows `top` to `bottom` of a stacked image show the page shifted by (dx, dy): a point
    (x, y) there is (x + dx, y + dy) on the page."""

    top: int
    bottom: int
    dx: int
    dy: int


def stack_cells(page: Image, grids: list[Grid], dpi: int) -> tuple[Image, list[Slot]]:
    """The page with its tables blanked, then each table cell that holds ink, one under the
    other: OCR reads every cell as text of its own, never a line running across cells set at
    different heights, and a lone `1` in a number column is a line it does not skip."""
    from PIL import Image as Images
    from PIL import ImageDraw

    gap = max(8, dpi // 6)
    page = page.convert("L")
    text = page.copy()
    draw = ImageDraw.Draw(text)
    pieces = [(text, 0, 0)]
    for grid in grids:
        x0, y0, x1, y1 = grid.bbox
        draw.rectangle((x0 - grid.slack, y0 - grid.slack, x1 + grid.slack, y1 + grid.slack), 255)
        for box in cell_boxes(grid):
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            cell = page.crop(box)
            ink = cell.point(lambda v: 255 if v < _DARK else 0).getbbox()
            if ink is not None:
                pieces.append((cell.crop(ink), box[0] + ink[0], box[1] + ink[1]))
    width = max(piece.width for piece, _, _ in pieces) + 2 * gap
    height = sum(piece.height + gap for piece, _, _ in pieces)
    stacked = Images.new("L", (width, height), 255)
    slots = []
    y = 0
    for piece, px, py in pieces:
        left = 0 if piece is text else gap
        stacked.paste(piece, (left, y))
        slots.append(Slot(y, y + piece.height, px - left, py - y))
        y += piece.height + gap
    return stacked, slots
