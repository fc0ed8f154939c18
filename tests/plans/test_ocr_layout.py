"""OCR word boxes back into lines and tab-separated table rows (pure; no Tesseract needed)."""

from __future__ import annotations

from pipelines.plans.ocr_layout import (
    Word,
    code_cell,
    page_content,
    parse_tsv,
    unstack,
    visual_lines,
)
from pipelines.plans.ruling import Grid, Rule, Slot

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\t" + (
    "width\theight\tconf\ttext"
)


def _tsv(*rows: tuple) -> str:
    return "\n".join([TSV_HEADER, *("\t".join(map(str, r)) for r in rows)]) + "\n"


def test_parse_tsv_keeps_words_with_their_boxes_and_line_numbers() -> None:
    tsv = _tsv(
        (1, 1, 0, 0, 0, 0, 0, 0, 2480, 3508, -1, ""),
        (4, 1, 1, 1, 1, 0, 100, 50, 400, 40, -1, ""),
        (5, 1, 1, 1, 1, 1, 100, 50, 180, 40, 96.5, "KẾ"),
        (5, 1, 1, 1, 1, 2, 300, 52, 200, 38, 95.1, "HOẠCH"),
        (5, 1, 1, 1, 1, 3, 520, 52, 10, 38, 10.0, " "),
        (5, 1, 2, 1, 1, 1, 100, 150, 80, 30, 91.0, "Số:"),
    )
    assert parse_tsv(tsv) == [
        Word("KẾ", 100, 50, 280, 90, (1, 1, 1)),
        Word("HOẠCH", 300, 52, 500, 90, (1, 1, 1)),
        Word("Số:", 100, 150, 180, 180, (2, 1, 1)),
    ]


def test_visual_lines_order_words_by_position() -> None:
    words = [
        Word("trì", 160, 102, 200, 130, (9, 1, 2)),
        Word("Sở", 100, 150, 140, 180, (9, 1, 3)),
        Word("Chủ", 100, 100, 150, 130, (9, 1, 1)),
    ]
    assert [ln.text for ln in visual_lines(words)] == ["Chủ trì", "Sở"]


def _w(text: str, left: int, top: int, line: tuple[int, int, int], height: int = 30) -> Word:
    return Word(text, left, top, left + 12 * len(text), top + height, line)


def _words(text: str, left: int, top: int, line: tuple[int, int, int]) -> list[Word]:
    """The words of `text` set from `left`, one space (10 px) apart."""
    out = []
    for word in text.split():
        out.append(_w(word, left, top, line))
        left = out[-1].right + 10
    return out


def _grid() -> Grid:
    """Header | group row (title across columns 1–2) | task row: columns at 100/200/700/1000."""
    full = [Rule(y, 100, 1000, 2) for y in (300, 360, 420, 560)]
    vertical = [Rule(100, 300, 560, 2), Rule(200, 300, 560, 2), Rule(1000, 300, 560, 2)]
    vertical += [Rule(700, 300, 360, 2), Rule(700, 420, 560, 2)]
    return Grid((300, 360, 420, 560), (100, 200, 700, 1000), tuple(full), tuple(vertical), 5)


def test_page_content_writes_tables_as_tab_separated_rows_in_reading_order() -> None:
    words = [
        *_words("KẾ HOẠCH", 400, 100, (1, 1, 1)),
        *_words("Phụ lục", 100, 200, (2, 1, 1)),  # after a paragraph gap
        *_words("STT", 110, 310, (3, 1, 1)),
        *_words("Nhiệm vụ", 210, 310, (3, 1, 1)),
        *_words("Chủ trì", 710, 310, (3, 1, 1)),
        *_words("I", 110, 370, (4, 1, 1)),
        _w("TUYÊN", 400, 370, (4, 1, 1)),
        _w("TRUYỀN", 690, 370, (4, 1, 1)),  # centre beyond x=700: still the spanning cell
        *_words("1", 110, 430, (5, 1, 1)),
        *_words("Rà soát", 210, 430, (5, 1, 1)),
        *_words("quy định.", 210, 470, (5, 1, 2)),  # the title wraps
        *_words("Sở Tư pháp", 710, 470, (5, 2, 1)),
        *_words("Nơi nhận:", 100, 600, (6, 1, 1)),
    ]
    lines, tables = page_content(words, [_grid()])
    assert lines == [
        "KẾ HOẠCH",
        "",
        "Phụ lục",
        "STT\tNhiệm vụ\tChủ trì",
        "I\tTUYÊN TRUYỀN\t",
        "1\tRà soát quy định.\tSở Tư pháp",
        "Nơi nhận:",
    ]
    assert tables == [
        [
            ["STT", "Nhiệm vụ", "Chủ trì"],
            ["I", "TUYÊN TRUYỀN", ""],
            ["1", "Rà soát quy định.", "Sở Tư pháp"],
        ]
    ]


def test_a_two_column_ruled_letterhead_is_written_column_by_column() -> None:
    grid = Grid(
        (50, 250),
        (100, 600, 1200),
        (Rule(50, 100, 1200, 2), Rule(250, 100, 1200, 2)),
        (Rule(100, 50, 250, 2), Rule(600, 50, 250, 2), Rule(1200, 50, 250, 2)),
        5,
    )
    words = [
        *_words("ỦY BAN", 150, 60, (1, 1, 1)),
        *_words("CỘNG HÒA", 650, 60, (1, 1, 1)),
        *_words("Số: 17/KH-UBND", 150, 120, (1, 1, 2)),
        *_words("Cao Bằng,", 650, 120, (1, 1, 2)),
        *_words("KẾ", 400, 300, (2, 1, 1)),
    ]
    lines, tables = page_content(words, [grid])
    assert lines == ["ỦY BAN", "Số: 17/KH-UBND", "CỘNG HÒA", "Cao Bằng,", "KẾ"]
    assert tables == [[["ỦY BAN Số: 17/KH-UBND", "CỘNG HÒA Cao Bằng,"]]]


def test_a_line_across_two_columns_is_cut_at_the_gap() -> None:
    words = [
        *_words("Nơi nhận:", 100, 50, (1, 1, 1)),
        *_words("TM. ỦY", 700, 50, (1, 1, 1)),  # a gap of 16 line heights after `nhận:`
        *_words("- Như trên;", 100, 90, (1, 1, 2)),
        *_words("KT.", 700, 90, (1, 1, 2)),
    ]
    assert page_content(words, [])[0] == ["Nơi nhận:", "TM. ỦY", "- Như trên;", "KT."]


def test_page_without_tables_keeps_tesseract_reading_order() -> None:
    # a two-column letterhead read as two blocks: left column first, as Tesseract ordered it
    words = [
        _w("ỦY", 100, 50, (1, 1, 1)),
        _w("TỈNH", 100, 90, (1, 1, 2)),
        _w("CỘNG", 700, 50, (2, 1, 1)),
        _w("Độc", 700, 90, (2, 1, 2)),
    ]
    assert page_content(words, []) == (["ỦY", "TỈNH", "CỘNG", "Độc"], [])


def test_misread_numbers_in_the_code_column_are_restored() -> None:
    assert [code_cell(c) for c in ("|", "l", "lÍ", "Ill", "|V", "V", "X.")] == [
        "I",
        "I",
        "II",
        "III",
        "IV",
        "V",
        "X.",
    ]
    assert [code_cell(c) for c in ("l.2", "1l", "2.|", "12")] == ["1.2", "11", "2.1", "12"]
    assert [code_cell(c) for c in ("STT", "", "Ví dụ", "1a")] == ["STT", "", "Ví dụ", "1a"]


def test_words_of_a_stacked_image_go_back_to_their_place() -> None:
    slots = [Slot(0, 1000, 0, 0), Slot(1050, 1090, 170, -740)]  # a cell from (200, 310)
    words = [
        _w("KẾ", 400, 100, (1, 1, 1)),
        _w("STT", 30, 1055, (2, 1, 1)),
        _w("·", 30, 1020, (2, 1, 1), height=8),  # in the gap between pieces
    ]
    moved = unstack(words, slots)
    assert [(w.text, w.left, w.top) for w in moved] == [("KẾ", 400, 100), ("STT", 200, 315)]
