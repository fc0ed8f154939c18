"""Builders of .docx and .pdf plan files for tests: pure functions writing into a given path.

Binaries are never committed; tests build them from the seed texts. Table cells use a tiny
markup the builders render as Word/PDF formatting: `\\n` separates paragraphs (list items) and
a cell wrapped in `**…**` is bold (a group heading). A row of two cells is a full-width row: its
second cell is merged across the remaining columns, as group headings are printed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.conftest import seed_text
from tests.tools import DEJAVU

DEJAVU_BOLD = DEJAVU.with_name("DejaVuSans-Bold.ttf")

_ITEM = re.compile(r"<(li|p)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_WHOLE_BOLD = re.compile(r"^\s*<b>(.*)</b>\s*$", re.DOTALL)


def _plain(raw: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", raw)).split())


def _cell_markup(raw: str) -> str:
    """HTML cell of the .md appendix → builder markup (`<li>` → paragraphs, `<b>` → `**`)."""
    bold = _WHOLE_BOLD.match(raw)
    inner = bold.group(1) if bold else raw
    items = [_plain(m.group(2)) for m in _ITEM.finditer(inner)]
    text = "\n".join(i for i in items if i) if items else _plain(inner)
    return f"**{text}**" if bold and text else text


def appendix_rows() -> list[list[str]]:
    """The Hưng Yên appendix table as printed: every tab-separated row, header repeats included."""
    lines = seed_text("hung_yen_appendix").split("\n")
    return [[_cell_markup(c) for c in line.split("\t")] for line in lines if "\t" in line]


def _split_bold(cell: str) -> tuple[str, bool]:
    bold = len(cell) > 4 and cell.startswith("**") and cell.endswith("**")
    return (cell[2:-2] if bold else cell), bold


# ---------------------------------------------------------------------------------- .docx


def build_docx_plan(path: Path, body_text: str, table_rows: list[list[str]] | None) -> Path:
    """A .docx whose paragraphs are the lines of `body_text`, then a Word table of the rows."""
    from docx import Document

    doc = Document()
    for line in body_text.split("\n"):
        doc.add_paragraph(line)
    if table_rows:
        _docx_table(doc, table_rows)
    doc.save(str(path))
    return path


def _docx_table(doc, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for row, cells in zip(table.rows, rows, strict=True):
        if len(cells) == 2:  # a full-width heading: merge its title across the other columns
            row.cells[1].merge(row.cells[width - 1])
        for i, value in enumerate(cells):
            _fill_docx_cell(row.cells[i], value)


def _fill_docx_cell(cell, value: str) -> None:
    text, bold = _split_bold(value)
    paragraphs = text.split("\n") if text else []
    for i, line in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.add_run(line).bold = bold or None


# ----------------------------------------------------------------------------------- .pdf


def build_pdf_plan(
    path: Path,
    body_text: str,
    table_rows: list[list[str]] | None,
    *,
    after_text: str = "",
    password: str | None = None,
) -> Path:
    """A .pdf (DejaVuSans, for Vietnamese glyphs): body paragraphs, then a ruled table on a new
    page followed by `after_text` on the same page; `password` encrypts it."""
    pdf = new_pdf(orientation="landscape" if table_rows else "portrait")
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    for line in body_text.split("\n"):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    if table_rows:
        pdf.add_page()
        _pdf_table(pdf, table_rows)
    pdf.set_font("DejaVu", size=10)
    for line in after_text.split("\n") if after_text else []:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def build_scanned_pdf(path: Path) -> Path:
    """A .pdf holding only an image (a scanned page): no text layer at all."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(Image.new("L", (200, 280), 235), x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def new_pdf(orientation: str = "portrait"):
    """An A4 FPDF with DejaVuSans (regular and bold) registered as `DejaVu`."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    return pdf


_PDF_WIDTHS = (12, 95, 35, 35, 50, 50)  # mm, the appendix's six columns on landscape A4


def _pdf_table(pdf, rows: list[list[str]]) -> None:
    from fpdf.fonts import FontFace

    width = max(len(r) for r in rows)
    pdf.set_font("DejaVu", size=7)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=_PDF_WIDTHS[:width],
        first_row_as_headings=False,  # repeated headers are rows of their own, as printed
        line_height=3.5,
    ) as table:
        for cells in rows:
            row = table.row()
            padded = cells if len(cells) == 2 else cells + [""] * (width - len(cells))
            for i, value in enumerate(padded):
                text, is_bold = _split_bold(value)
                span = width - 1 if len(cells) == 2 and i == 1 else 1
                row.cell(text, style=bold if is_bold else None, colspan=span)
