"""Text and tables out of .docx and .pdf plan files.

Tables are returned as rows of cell strings and also written into the text as tab-separated
lines at their place in the document, so the same table parser reads a .docx, a .pdf and a
tab-separated appendix. Rows keep the table's grid: a merged cell's text sits in its first
column and the columns it spans are empty, so a column index means the same in every row.

A cell printed entirely in bold is written `<b>…</b>`, as in the tab-separated appendix: the
table parser tells a group heading from a task by it (a group row followed by a continuation
row is otherwise indistinguishable from a task whose title wrapped onto the next row). A column
that is bold in every row is styled, not marked, and stays plain.

A small table of at most two columns (the letterhead `ỦY BAN NHÂN DÂN … | CỘNG HÒA …`, the
signature block) is layout, not data: its cells are written as paragraphs, left column first,
as the metadata reader expects them.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.plans.text import squash

if TYPE_CHECKING:  # the readers are imported lazily: only .docx/.pdf inputs need them
    from docx.document import Document as DocxDocument
    from docx.oxml.table import CT_Tc
    from docx.table import Table as DocxTable
    from docx.table import _Cell as DocxCell
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run
    from pdfplumber.page import Page
    from pdfplumber.table import Table as PdfTable

Table = list[list[str]]
_Cell = tuple[str, bool]  # (text, printed entirely in bold)

_LAYOUT_MAX_COLUMNS, _LAYOUT_MAX_ROWS = 2, 4
_PARAGRAPH_GAP = 0.8  # × line height: a wider gap between two text lines is a paragraph break
# a scanned page may carry a little text (a signature stamp, a portal's footer): a page with
# less than this many characters is still a scan; a page of a plan holds thousands
_SCAN_MAX_TEXT = 200


def _cell_text(text: str | None) -> str:
    """A cell's text on one line; its line breaks kept as `<br>`: "Sở Công Thương<br>Sở Y tế"
    lists two agencies, where a wrapped name joins again (`agencies.split_agency_text`)."""
    lines = [squash(line.replace("\t", " ")) for line in (text or "").split("\n")]
    return "<br>".join(line for line in lines if line)


def _table_lines(table: Table) -> list[str]:
    return ["\t".join(row) for row in table if any(cell for cell in row)]


def _mark_bold(rows: list[list[_Cell]]) -> Table:
    """Cell strings, whole-bold cells as `<b>…</b>` unless their whole column is bold."""
    width = max((len(r) for r in rows), default=0)
    styled = {
        i
        for i in range(width)
        if all(row[i][1] for row in rows if i < len(row) and row[i][0])
        and sum(1 for row in rows if i < len(row) and row[i][0]) > 1
    }
    return [
        [
            f"<b>{text}</b>" if bold and text and i not in styled else text
            for i, (text, bold) in enumerate(row)
        ]
        for row in rows
    ]


def _is_layout(rows: list[list[_Cell]]) -> bool:
    width = max((len(r) for r in rows), default=0)
    return width <= _LAYOUT_MAX_COLUMNS and len(rows) <= _LAYOUT_MAX_ROWS


# ---------------------------------------------------------------------------------- .docx


def read_docx(path: Path, label: str) -> tuple[str, list[Table]]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    from pipelines.plans.documents import DocumentError

    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"{label}: not a readable .docx file ({exc})") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors: all mean "corrupt"
        raise DocumentError(f"{label}: corrupt .docx file ({type(exc).__name__})") from exc
    try:
        return _docx_content(doc)
    except Exception as exc:  # malformed XML inside a valid package (broken merges, grids)
        raise DocumentError(f"{label}: corrupt .docx file ({type(exc).__name__})") from exc


def _docx_content(doc: DocxDocument) -> tuple[str, list[Table]]:
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    tables: list[Table] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, DocxTable):
            cells = _docx_cells(block)
            if _is_layout(cells):
                lines.extend(_docx_layout_lines(block))
                tables.append([[text for text, _ in row] for row in cells])
                continue
            table = _mark_bold(cells)
            tables.append(table)
            lines.extend(_table_lines(table))
    return "\n".join(lines), tables


def _docx_cells(table: DocxTable) -> list[list[_Cell]]:
    """Grid-aligned (text, bold) rows of a Word table.

    A vertically merged cell repeats its text in each row it spans (a lead agency printed once
    for several tasks), except in a row whose first cell is itself merged from above: that row
    continues the record above, and repeating would print its text twice.
    """
    from docx.table import _Cell as DocxCell

    rows: list[list[_Cell]] = []
    for row in table.rows:
        tcs = row._tr.tc_lst
        continues = bool(tcs) and row.grid_cols_before == 0 and tcs[0].vMerge == "continue"
        cells: list[_Cell] = [("", False)] * row.grid_cols_before
        for tc in tcs:
            if tc.vMerge == "continue" and continues:
                cells.append(("", False))
            else:
                cells.append(_docx_cell(DocxCell(_merge_root(tc), table)))
            cells.extend([("", False)] * (tc.grid_span - 1))
        cells.extend([("", False)] * row.grid_cols_after)
        rows.append(cells)
    return rows


def _merge_root(tc: CT_Tc) -> CT_Tc:
    """The cell holding the text of a vertical merge (itself when not merged from above)."""
    while tc.vMerge == "continue":
        try:
            tc = tc._tc_above
        except ValueError:  # "continue" on the first row: a broken merge, keep the cell
            break
    return tc


def _docx_cell(cell: DocxCell) -> _Cell:
    text = _cell_text("\n".join(p.text for p in cell.paragraphs))
    flags = [_run_bold(r, p) for p in cell.paragraphs for r in p.runs if r.text.strip()]
    return text, bool(flags) and all(flags)


def _run_bold(run: Run, paragraph: Paragraph) -> bool:
    """Bold as displayed: the run's own setting, else its character or paragraph style's."""
    if run.bold is not None:
        return run.bold
    for style in (run.style, paragraph.style):
        while style is not None:
            if style.font.bold is not None:
                return style.font.bold
            style = style.base_style
    return False


def _docx_layout_lines(table: DocxTable) -> list[str]:
    """Paragraphs of a layout table, column by column (letterhead: issuer first, then motto)."""
    columns: dict[int, list[str]] = {}
    seen: set = set()  # <w:tc> elements already read (merged cells repeat)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            columns.setdefault(i, []).extend(p.text for p in cell.paragraphs)
    return [line for i in sorted(columns) for line in columns[i]]


# ----------------------------------------------------------------------------------- .pdf


def read_pdf(path: Path, label: str) -> tuple[str, list[Table], bool]:
    """Text, tables and whether they were OCR'd: a scan (pages that are images, with no text
    layer beyond a stamp) is read by Tesseract (`ocr.py`) into the same text and tables."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    from pipelines.plans.documents import DocumentError

    lines: list[str] = []
    tables: list[Table] = []
    has_images = False
    most_text = 0  # characters of text on the page that has most
    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = len(pdf.pages)
            for page in pdf.pages:
                has_images = has_images or bool(page.images)
                page_lines, page_tables = _pdf_page(page)
                most_text = max(most_text, sum(len("".join(ln.split())) for ln in page_lines))
                lines.extend(page_lines)
                tables.extend(page_tables)
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged or encrypted files
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise DocumentError(f"{label}: the .pdf file is password-protected") from exc
        reason = str(cause) or type(cause).__name__
        raise DocumentError(f"{label}: not a readable .pdf file ({reason})") from exc
    if has_images and most_text < _SCAN_MAX_TEXT:
        from pipelines.plans.ocr import ocr_pdf

        return (*ocr_pdf(path, label, pages), True)
    return "\n".join(lines), tables, False


def _pdf_page(page: Page) -> tuple[list[str], list[Table]]:
    """Lines of one page in reading order: the text between tables, then each table in turn."""
    found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    boxes = [t.bbox for t in found]

    def outside(obj) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    lines: list[str] = []
    tables: list[Table] = []
    top = page.bbox[1]
    for table in found:
        lines.extend(_pdf_text(text_page, top, table.bbox[1]))
        rows = _pdf_cells(page, table)
        if _is_layout(rows):  # a ruled letterhead: its lines, column by column
            columns = zip(*table.extract(), strict=False)
            lines.extend(
                ln for column in columns for cell in column for ln in (cell or "").split("\n")
            )
            tables.append([[text for text, _ in row] for row in rows])
        else:
            tables.append(_mark_bold(rows))
            lines.extend(_table_lines(tables[-1]))
        top = table.bbox[3]
    lines.extend(_pdf_text(text_page, top, page.bbox[3]))
    return lines, tables


def _pdf_text(page: Page, top: float, bottom: float) -> list[str]:
    """Text lines of a horizontal band; a blank line where a vertical gap ends a paragraph."""
    if bottom - top < 1:
        return []
    x0, _, x1, _ = page.bbox
    found = page.crop((x0, top, x1, bottom)).extract_text_lines(return_chars=False)
    if not found:
        return []
    heights = sorted(line["bottom"] - line["top"] for line in found)
    gap = _PARAGRAPH_GAP * heights[len(heights) // 2]
    lines = [found[0]["text"]]
    for prev, line in itertools.pairwise(found):
        if line["top"] - prev["bottom"] > gap:  # metadata and parsers split paragraphs on it
            lines.append("")
        lines.append(line["text"])
    return lines


def _pdf_cells(page: Page, table: PdfTable) -> list[list[_Cell]]:
    """(text, bold) rows. A cell spanned by a merged one is None in pdfplumber: in a numbered
    row, under a cell with text, it is merged down (one lead for several tasks) and repeats
    that text, as a .docx merge does; anywhere else it is empty."""
    chars = page.crop(table.bbox).chars
    right_edges = [
        max((box[2] for row in table.rows if (box := row.cells[i]) is not None), default=0.0)
        for i in range(max((len(row.cells) for row in table.rows), default=0))
    ]
    out: list[list[_Cell]] = []
    above: list[_Cell] = []
    for texts, row in zip(table.extract(), table.rows, strict=True):
        numbered = bool(texts) and bool((texts[0] or "").strip())
        cells: list[_Cell] = []
        for i, (text, box) in enumerate(zip(texts, row.cells, strict=True)):
            left = next((b for b in reversed(row.cells[:i]) if b is not None), None)
            spanned_from_left = left is not None and left[2] >= right_edges[i] - 1
            up = above[i] if i < len(above) else None
            if text is None and numbered and not spanned_from_left and up and up[0]:
                cells.append(up)  # merged down from the row above
            else:
                cells.append((_pdf_cell_text(chars, box, text), _pdf_bold(chars, box)))
        above = cells
        out.append(cells)
    return out


def _pdf_cell_text(
    chars: list[dict], box: tuple[float, float, float, float] | None, text: str | None
) -> str:
    """A PDF cell's text with its line breaks read from the page: a line that stops short of
    the cell's right edge by more than the next line's first word was broken on purpose
    (`<br>`, as a .docx paragraph); one that runs to the edge was wrapped and joins with a space."""
    lines = [line for line in (text or "").split("\n") if line.strip()]
    if box is None or len(lines) < 2:
        return _cell_text(text)
    ends = _pdf_line_ends(chars, box)
    if len(ends) != len(lines):
        return _cell_text(text)
    out = squash(lines[0])
    for (right, em), line in zip(ends, lines[1:], strict=False):
        first_word = line.split()[0]
        wrapped = box[2] - right < (len(first_word) + 2) * em
        out += (" " if wrapped else "<br>") + squash(line)
    return out


def _pdf_line_ends(
    chars: list[dict], box: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """(right edge, mean character width) of each printed line inside the box, top to bottom."""
    x0, top, x1, bottom = box
    rows: dict[int, list[dict]] = {}
    for c in chars:
        if (
            c["text"].strip()
            and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
            and top <= (c["top"] + c["bottom"]) / 2 <= bottom
        ):
            rows.setdefault(round(c["top"] / 3), []).append(c)
    ends = []
    for key in sorted(rows):
        line = rows[key]
        ends.append((max(c["x1"] for c in line), sum(c["x1"] - c["x0"] for c in line) / len(line)))
    return ends


def _pdf_bold(chars: list[dict], box: tuple[float, float, float, float] | None) -> bool:
    """True when every visible character in the box is set in a bold font."""
    if box is None:
        return False
    x0, top, x1, bottom = box
    inside = [
        c
        for c in chars
        if c["text"].strip()
        and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
        and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    return bool(inside) and all("bold" in c["fontname"].lower() for c in inside)
