"""Ruled tables found in page images: rules, grids and merged cells (no OCR involved)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from pipelines.plans.ruling import Slot, find_grids, find_rules, stack_cells

DPI = 200
XS = (100, 200, 700, 1000, 1300)  # STT | task | lead | coordinate
YS = (100, 160, 220, 340, 400, 460)  # header | group row | task | task | task


def _page(draw_more=None) -> Image.Image:
    """A task table: row 1 a group heading across columns 1–3; the lead cell of rows 2 and 3
    merged; glyph-sized strokes inside cells and a text line above the table."""
    page = Image.new("L", (1500, 700), 255)
    draw = ImageDraw.Draw(page)

    def h(y: int, x0: int, x1: int) -> None:
        draw.rectangle((x0, y - 1, x1, y), fill=0)

    def v(x: int, y0: int, y1: int) -> None:
        draw.rectangle((x - 1, y0, x, y1), fill=0)

    for y in (100, 160, 220, 400, 460):
        h(y, 100, 1300)
    h(340, 100, 700)  # no rule under the merged lead cell
    h(340, 1000, 1300)
    for x in (100, 200, 1300):
        v(x, 100, 460)
    for x in (700, 1000):  # not across the group heading
        v(x, 100, 160)
        v(x, 220, 460)
    for x in range(120, 1280, 40):  # letters: short strokes, a dash, a tall `l`
        draw.rectangle((x, 240, x + 12, 262), fill=0)
    draw.rectangle((300, 290, 330, 293), fill=0)
    draw.rectangle((100, 40, 1300, 60), fill=40)  # a bold title line: a dark band, not a rule
    if draw_more:
        draw_more(draw)
    return page


def test_rules_and_grid_of_a_task_table() -> None:
    horizontal, vertical = find_rules(_page(), DPI)
    (grid,) = find_grids(horizontal, vertical, DPI)
    assert [abs(a - b) <= 2 for a, b in zip(grid.ys, YS, strict=True)] == [True] * 6
    assert [abs(a - b) <= 2 for a, b in zip(grid.xs, XS, strict=True)] == [True] * 5
    assert grid.shape == (5, 4)


def test_merged_cells_point_to_their_top_left_cell() -> None:
    (grid,) = find_grids(*find_rules(_page(), DPI), DPI)
    regions = grid.regions()
    merged = {cell: root for cell, root in regions.items() if cell != root}
    assert merged == {(1, 2): (1, 1), (1, 3): (1, 1), (3, 2): (2, 2)}


def test_cell_at_a_point() -> None:
    (grid,) = find_grids(*find_rules(_page(), DPI), DPI)
    assert grid.cell_at(150, 130) == (0, 0)
    assert grid.cell_at(1200, 430) == (4, 3)
    assert grid.cell_at(50, 130) is None
    assert grid.cell_at(150, 600) is None


def test_lone_lines_and_boxes_without_columns_are_not_tables() -> None:
    def extras(draw: ImageDraw.ImageDraw) -> None:
        draw.rectangle((100, 600, 900, 601), fill=0)  # a signature line under the table

    horizontal, vertical = find_rules(_page(extras), DPI)
    assert len(find_grids(horizontal, vertical, DPI)) == 1
    page = Image.new("L", (800, 400), 255)
    ImageDraw.Draw(page).rectangle((100, 100, 700, 300), outline=0, width=2)  # one framed box
    assert find_grids(*find_rules(page, DPI), DPI) == []


def test_cells_are_stacked_under_the_blanked_page() -> None:
    page = _page()
    grids = find_grids(*find_rules(page, DPI), DPI)
    stacked, slots = stack_cells(page, grids, DPI)
    assert slots[0] == Slot(0, page.height, 0, 0)
    assert stacked.getpixel((400, 100)) == 255  # the table is blanked on the page
    assert stacked.getpixel((125, 250)) == 255
    # the cells holding ink, in reading order: row 2's four (the dash is in its task cell)
    assert len(slots) == 1 + 4
    assert slots[2].bottom - slots[2].top == 293 - 240 + 1
    glyph = slots[1]  # row 2, STT cell: the glyph at x=120..132, y=240..262 on the page
    assert (glyph.bottom - glyph.top, glyph.dy + glyph.top) == (23, 240)
    assert stacked.getpixel((120 - glyph.dx, 250 - glyph.dy)) == 0
    assert find_grids(*find_rules(stacked, DPI), DPI) == []  # no rule came along
