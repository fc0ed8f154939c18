"""Text and tables out of .docx and .pdf plan files.

Tables are returned as rows of cell strings and also written into the text as tab-separated
lines at their place in the document, so the same table parser reads a .docx, a .pdf and a
tab-separated appendix.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.plans.text import squash

Table = list[list[str]]


def _cell_text(text: str | None) -> str:
    return squash((text or "").replace("\t", " "))


def _table_lines(table: Table) -> list[str]:
    return ["\t".join(row) for row in table if any(cell for cell in row)]


def read_docx(path: Path, label: str) -> tuple[str, list[Table]]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    from pipelines.plans.documents import DocumentError

    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"{label}: not a readable .docx file ({exc})") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors: all mean "corrupt"
        raise DocumentError(f"{label}: corrupt .docx file ({type(exc).__name__})") from exc

    lines: list[str] = []
    tables: list[Table] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, DocxTable):
            table = _docx_rows(block)
            tables.append(table)
            lines.extend(_table_lines(table))
    return "\n".join(lines), tables


def _docx_rows(table) -> Table:
    rows: Table = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A horizontally merged cell is returned once per grid column: keep it once.
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(_cell_text("\n".join(p.text for p in cell.paragraphs)))
        rows.append(cells)
    return rows


def read_pdf(path: Path, label: str) -> tuple[str, list[Table]]:
    import pdfplumber

    from pipelines.plans.documents import DocumentError

    lines: list[str] = []
    tables: list[Table] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                found = page.find_tables()
                boxes = [t.bbox for t in found]

                def outside(obj, boxes=boxes) -> bool:
                    x0, top = obj.get("x0", 0), obj.get("top", 0)
                    return not any(b[0] <= x0 <= b[2] and b[1] <= top <= b[3] for b in boxes)

                text = page.filter(outside).extract_text() if boxes else page.extract_text()
                lines.extend((text or "").split("\n"))
                for t in found:
                    table = [[_cell_text(c) for c in row] for row in t.extract()]
                    tables.append(table)
                    lines.extend(_table_lines(table))
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged or encrypted files
        raise DocumentError(f"{label}: not a readable .pdf file ({type(exc).__name__})") from exc
    return "\n".join(lines), tables
