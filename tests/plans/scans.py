"""Scanned PDFs for tests, made at test time: a text PDF rasterised and wrapped page by page
into an image-only PDF (no text layer), as a scanner or a phone app makes them.

`scan_pdf` needs pdftoppm (poppler-utils) and img2pdf; through `tests.tools.program` a test
skips without them on a developer's machine and fails under CI. The text PDFs are printed in
DejaVuSans, at the 13 pt offices print plans in.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from tests.plans.fixtures import new_pdf
from tests.tools import font, program

SOURCES = Path(__file__).parent / "scan_sources"


def text_pdf(text: str, out: Path, size: float = 13) -> Path:
    """A portrait A4 PDF of `text`, each line a paragraph wrapped to the page width; a blank
    line is half a line of space; a line `left | right` is a two-column letterhead row (the
    text parser reads it left cell first)."""
    font()
    pdf = new_pdf()
    pdf.set_margins(20, 15, 15)
    pdf.add_page()
    pdf.set_font("DejaVu", size=size)
    height = size * 0.45  # mm: a line spacing of about 1.3
    for line in text.split("\n"):
        left, bar, right = line.partition(" | ")
        if not line.strip():
            pdf.ln(height / 2)
        elif bar:
            pdf.set_font("DejaVu", size=size - 2)
            pdf.cell(65, height, left, align="C")
            pdf.cell(0, height, right, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=size)
        else:
            pdf.multi_cell(0, height, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))
    return out


Cell = str | tuple[str, int]  # text, or (text, rows it spans down)


def table_pdf(
    rows: list[list[Cell]], out: Path, widths: tuple[float, ...], heading: str = ""
) -> Path:
    """A landscape A4 PDF: `heading`, then a ruled table (12 pt). As in `fixtures`, a row of
    two cells is a full-width row (its second cell spans the other columns); a cell given as
    (text, n) spans n rows down, and the rows below leave it out."""
    font()
    pdf = new_pdf(orientation="landscape")
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    for line in heading.split("\n") if heading else []:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=widths, first_row_as_headings=False, line_height=6) as table:
        for cells in rows:
            row = table.row()
            for i, cell in enumerate(cells):
                text, down = (cell, 1) if isinstance(cell, str) else cell
                across = len(widths) - 1 if len(cells) == 2 and i == 1 else 1
                row.cell(text, colspan=across, rowspan=down)
    pdf.output(str(out))
    return out


def scan_pdf(source_pdf: Path, out: Path, dpi: int) -> Path:
    """`source_pdf` as an image-only PDF: each page rasterised in grey at `dpi`."""
    pdftoppm = program("pdftoppm", package="poppler-utils")
    img2pdf = program("img2pdf", package="img2pdf")
    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-gray", "-png", str(source_pdf), f"{tmp}/page"],
            check=True,
        )
        pages = sorted(Path(tmp).glob("page-*.png"))  # zero-padded: sorted is page order
        subprocess.run([img2pdf, *map(str, pages), "-o", str(out)], check=True)
    return out
