"""Reading plan document files (any supported format) into normalised text.

Every format becomes the same model: lines in reading order, task tables as tab-separated lines
at their place (`markup.py` for HTML and Markdown, `office.py` for .docx and .pdf, OCR for
scans), so one extractor reads them all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.plans.markup import html_to_text, markdown_tables
from pipelines.plans.text import decode_bytes, normalize_document

TEXT_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}
BINARY_FORMATS = {".docx": "docx", ".pdf": "pdf"}
SUPPORTED_SUFFIXES = frozenset(TEXT_FORMATS) | frozenset(BINARY_FORMATS)


class DocumentError(ValueError):
    """The file cannot be read as a plan document; the message says why."""


@dataclass
class DocumentText:
    file_name: str
    file_format: str
    sha256: str
    size_bytes: int
    text: str
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cells, per table
    ocr: bool = False  # read by OCR from a scan: the text may hold recognition errors


def file_format(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return TEXT_FORMATS.get(suffix) or BINARY_FORMATS.get(suffix)


def read_document(path: Path, name: str | None = None, data: bytes | None = None) -> DocumentText:
    """Read one plan file (`data`: its bytes, when the caller has read them); raises
    DocumentError for empty, binary or unsupported files."""
    data = path.read_bytes() if data is None else data
    fmt = file_format(path)
    label = name or path.name
    if fmt is None:
        raise DocumentError(f"{label}: unsupported file type '{path.suffix}'")
    if not data.strip():
        raise DocumentError(f"{label}: the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    tables: list[list[list[str]]] = []
    ocr = False
    if fmt in ("txt", "md", "html"):
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DocumentError(f"{label}: binary content in a text file")
        raw = decode_bytes(data)
        if fmt == "html":
            raw = html_to_text(raw)
        elif fmt == "md":
            raw = markdown_tables(raw)
    elif fmt == "docx":
        from pipelines.plans.office import read_docx

        raw, tables = read_docx(path, label)
    else:
        from pipelines.plans.office import read_pdf

        raw, tables, ocr = read_pdf(path, label)
    text = normalize_document(raw)
    if not text.strip():
        raise DocumentError(f"{label}: no text could be extracted")
    return DocumentText(label, fmt, digest, len(data), text, tables, ocr)
