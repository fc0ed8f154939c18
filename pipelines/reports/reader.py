"""Opening a submitted file safely and reading every sheet as text.

Agencies send anything: truncated downloads, CSVs renamed .xlsx, password-protected files, and
once in a while a zip that inflates to gigabytes. Each is refused here with a reason before
calamine is asked to parse it; what passes is read as text cells (types come later).

calamine allocates a whole sheet at once, a cell for every position between the first and the
last value, and aborts the process (no exception) when an allocation fails. So a zip-based file
is first inflated here, member by member in bounded chunks, and each sheet's extent is measured
from its XML: a tiny file with one value in cell XFD1048576, a million rows, or a member whose
header understates its size is refused before calamine sees it.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
MAX_FILE_BYTES = 50 * 1024**2
MAX_INFLATED_BYTES = 400 * 1024**2  # all zip members together
MAX_RATIO = 200  # inflated / compressed, per member: real workbooks stay far below
MAX_ROWS = 100_000  # rows per sheet
MAX_COLUMNS = 200
MAX_CELLS = 4_000_000  # rows × columns a sheet spans: what calamine allocates

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 4 * 1024**2
_MAX_TAG_BYTES = 4 * _CHUNK  # no real tag or text comes close: Excel caps a cell at 32,767 chars
_NAME_HEAD = 8 * 1024**2  # how much of workbook.xml / its relationships is read for sheet names

# SpreadsheetML. Excel, LibreOffice and openpyxl write every cell as `<c r="B7" ...>`. A sheet
# whose every cell is written so, in columns A..GR (200) and rows 1..19,999, cannot pass any
# limit (19,999 × 200 < MAX_CELLS): one C-speed search finds a cell that is not, and only then
# is the sheet measured tag by tag (other writers: no `r`, namespace prefixes, other quoting).
_UNBOUNDED_CELL = re.compile(rb'<c(?=[\s/>])(?! r="(?:[A-F]?[A-Z]|G[A-R])(?:1\d{4}|[1-9]\d{0,3})")')
BOUNDED_BLOCK = (19_999, 200)  # rows, columns: what `_UNBOUNDED_CELL` lets through
_PREFIXED = (re.compile(rb":c[\s/>]"), re.compile(rb":f[\s/>]"))
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)0*(\d{0,12})\d*["']""")  # XML allows ' and spaces
_FORMULA = re.compile(rb"<f[\s/>]")
# A formula cell and what follows its <f>: a non-empty <v> or an <is> is the saved result.
_FORMULA_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c(?=[\s>])([^>]*)>\s*<(?:[\w.-]+:)?f(?=[\s/>])[^>]*?(?:/>|>[^<]*</[^>]*>)"
    rb"\s*(?:<(?:[\w.-]+:)?(v|is)(?=[\s/>])[^>]*?(/?)>([^<]?))?"
)
# OpenDocument: rows and cells carry repeat counts instead of positions.
_ODS_TAG = re.compile(
    rb"<(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>"
)
_ODS_REPEAT = re.compile(rb"""-repeated\s*=\s*["']0*(\d{1,12})""")
_ODS_VALUE = re.compile(rb"value-type\s*=")
# calamine reserves room for as many shared strings as the part declares.
_SHARED_STRINGS = re.compile(rb"<(?:[\w.-]+:)?sst\b([^>]*)>")
_SHARED_STRING = (re.compile(rb"<si[\s/>]"), re.compile(rb":si[\s/>]"))


class WorkbookError(ValueError):
    """The file cannot be used at all; the message (English) says why."""


def check_container(path: Path, data_head: bytes, size: int) -> None:
    """Refuse files that are not spreadsheets, are damaged, encrypted or a zip bomb."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkbookError(f"unsupported file type '{path.suffix}' (send .xlsx, .xls or .ods)")
    if size == 0:
        raise WorkbookError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"the file is {size / 1024**2:.0f} MiB; the limit is 50 MiB")
    if data_head.startswith(_OLE):
        if suffix in (".xlsx", ".xlsm"):
            raise WorkbookError(_ole_reason(path.read_bytes()))
        return  # legacy .xls
    if not data_head.startswith(b"PK"):
        if suffix == ".xls":
            raise WorkbookError("not an Excel file (no .xls signature)")
        raise WorkbookError(
            "not a spreadsheet: the file is not a zip-based workbook (a CSV or text?)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"the workbook is corrupt or truncated ({exc})") from exc
    inflated = sum(m.file_size for m in members)
    if inflated > MAX_INFLATED_BYTES:
        raise WorkbookError(
            f"the workbook inflates to {inflated / 1024**2:.0f} MiB (limit "
            f"{MAX_INFLATED_BYTES // 1024**2} MiB): refused as a possible zip bomb"
        )
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise WorkbookError(
                f"member {member.filename} inflates {member.file_size // member.compress_size}x: "
                "refused as a possible zip bomb"
            )


def _ole_reason(data: bytes) -> str:
    # Excel saves a password-protected .xlsx as an OLE container holding the encrypted zip; an
    # OLE file with a Workbook stream and no EncryptedPackage is an old .xls renamed .xlsx.
    def has_stream(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if not has_stream("EncryptedPackage") and (has_stream("Workbook") or has_stream("Book")):
        return "an old-format Excel file (.xls) named .xlsx: rename it .xls or save it as .xlsx"
    return "the workbook is password-protected (encrypted); send it unprotected"


# --------------------------------------------------------------------- zip members, inflated


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes in chunks, refusing it as soon as it outgrows its declared size.

    zipfile stops at the declared size and calamine does not: a crafted header that understates
    it would have calamine inflate gigabytes. So the member's raw data is inflated here with
    zlib directly (also ~3x cheaper than a zipfile stream per member) and checked as it goes.
    """
    if member.flag_bits & 0x1:
        raise WorkbookError(f"member {member.filename} is encrypted")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise WorkbookError(
            f"member {member.filename} uses compression method {member.compress_type}, "
            "which Excel does not write"
        )
    handle = archive.fp
    assert handle is not None
    handle.seek(member.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise WorkbookError(f"the workbook is corrupt (no header for {member.filename})")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    handle.seek(member.header_offset + 30 + name_length + extra_length)
    raw = handle.read(member.compress_size)
    if len(raw) < member.compress_size:
        raise WorkbookError(f"the workbook is corrupt or truncated ({member.filename} is cut off)")
    inflater = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    inflated, crc, pending = 0, 0, raw
    while pending:
        if inflater is None:
            chunk, pending = pending[:_CHUNK], pending[_CHUNK:]
        else:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
        inflated += len(chunk)
        if inflated > member.file_size:
            raise WorkbookError(
                f"member {member.filename} inflates beyond the {member.file_size} bytes its "
                "header declares: refused as a possible zip bomb"
            )
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if inflated != member.file_size or crc != member.CRC:
        raise WorkbookError(
            f"the workbook is corrupt or truncated ({member.filename} does not inflate to what "
            "its header declares)"
        )


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        member = archive.getinfo(name)
    except KeyError:
        return b""
    data = b""
    for chunk in _inflate(archive, member):
        data += chunk
        if len(data) >= _NAME_HEAD:
            break
    return data


def _attr(attrs: bytes, name: bytes) -> str | None:
    found = re.search(rb"(?:^|\s)" + name + rb"""\s*=\s*(["'])(.*?)\1""", attrs)
    return html.unescape(found[2].decode("utf-8", "replace")) if found else None


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → sheet name, resolved the way calamine does (workbook.xml + its rels)."""
    targets: dict[str, str] = {}
    rels = _head(archive, "xl/_rels/workbook.xml.rels")
    for attrs in re.findall(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>", rels):
        rel_id, target = _attr(attrs, rb"Id"), _attr(attrs, rb"Target")
        if rel_id and target:
            targets[rel_id] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
    parts: dict[str, str] = {}
    workbook = _head(archive, "xl/workbook.xml")
    for attrs in re.findall(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>", workbook):
        rel_id, name = _attr(attrs, rb"[\w.-]+:id"), _attr(attrs, rb"name")
        if rel_id in targets and name is not None:
            parts[targets[rel_id]] = name
    # A sheet the names could not be traced to is still measured, under its part name.
    for member in archive.namelist():
        if member.startswith("xl/worksheets/") and member.endswith(".xml"):
            parts.setdefault(member, member)
    return parts


# ------------------------------------------------------------------------- measuring sheets


@dataclass
class _Extent:
    """What a sheet holds: its last row and the columns between its first and last value."""

    rows: int = 0
    first_column: int = 0
    last_column: int = 0
    unsaved_formulas: int = 0
    first_unsaved: str | None = None

    def add(self, row: int, first_column: int, last_column: int) -> None:
        self.rows = max(self.rows, row)
        self.first_column = min(self.first_column or first_column, first_column)
        self.last_column = max(self.last_column, last_column)

    @property
    def columns(self) -> int:
        return self.last_column - self.first_column + 1 if self.last_column else 0

    @property
    def oversized(self) -> bool:
        # Any of these is enough to refuse, so measuring stops there: bounded work per sheet.
        return (
            self.rows > MAX_ROWS
            or self.columns > MAX_COLUMNS
            or self.rows * self.columns > MAX_CELLS
        )

    def check(self, sheet: str) -> None:
        if self.rows > MAX_ROWS:
            raise WorkbookError(f"sheet '{sheet}' reaches row {self.rows}; the limit is {MAX_ROWS}")
        if self.columns > MAX_COLUMNS:
            raise WorkbookError(
                f"sheet '{sheet}' spans {self.columns} columns; the limit is {MAX_COLUMNS}"
            )
        if self.rows * self.columns > MAX_CELLS:
            raise WorkbookError(
                f"sheet '{sheet}' spans {self.rows} rows × {self.columns} columns; "
                f"the limit is {MAX_CELLS} cells"
            )
        if self.unsaved_formulas:
            # calamine reads such a cell as blank: the row would silently vanish.
            cells = "cell" if self.unsaved_formulas == 1 else "cells"
            raise WorkbookError(
                f"sheet '{sheet}' has {self.unsaved_formulas} formula {cells} without a saved "
                f"result (first: {self.first_unsaved}); the file was written by a program that "
                "does not calculate formulas: open it in Excel and save it again, or paste the "
                "values instead of the formulas"
            )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _tag_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut chunks after a row end (else after a tag end) so that no tag is split."""
    tail = b""
    for chunk in chunks:
        buffer = tail + chunk
        cut = buffer.rfind(b"row>") + 4
        if cut < 4:
            cut = buffer.rfind(b">") + 1
        yield buffer[:cut]
        tail = buffer[cut:]
        if len(tail) > _MAX_TAG_BYTES:  # a cell hidden in an endless tag would go unmeasured
            raise WorkbookError(
                f"the workbook holds an XML tag or text longer than {_MAX_TAG_BYTES // 1024**2} MiB"
            )
    yield tail


def _count_unsaved_formulas(extent: _Extent, text: bytes) -> None:
    if not (_FORMULA.search(text) or _PREFIXED[1].search(text)):
        return
    for attrs, result, empty, first in _FORMULA_CELL.findall(text):
        # Excel saves a formula returning "" as t="str" with an empty <v>: that is a result.
        saved = result == b"is" or (
            result == b"v" and ((first and not empty) or _attr(attrs, rb"t") == "str")
        )
        if not saved:
            extent.unsaved_formulas += 1
            extent.first_unsaved = extent.first_unsaved or _attr(attrs, rb"r") or "?"


def _bounded_xlsx(chunks: Iterable[bytes]) -> _Extent | None:
    """Unsaved formulas of a sheet whose cells all lie within the bounded block (see
    `_UNBOUNDED_CELL`); None as soon as one may lie outside it: measure that sheet exactly."""
    extent = _Extent()
    for text in _tag_chunks(chunks):
        if _UNBOUNDED_CELL.search(text) or _PREFIXED[0].search(text):
            return None
        _count_unsaved_formulas(extent, text)
    return extent


def _measure_xlsx_exact(chunks: Iterable[bytes]) -> _Extent:
    """The extent tag by tag: a row or cell without `r` follows the one before it."""
    extent = _Extent()
    row = column = 0
    for text in _tag_chunks(chunks):
        for name, attrs in _TAG.findall(text):
            ref = _REF.search(attrs)
            if name == b"row":
                row, column = (int(ref[2]) if ref and ref[2] else row + 1), 0
                continue
            if ref and ref[1]:
                column = _column_number(ref[1])
                row = int(ref[2]) if ref[2] else row
            else:
                column += 1
            if not attrs.endswith(b"/"):  # <c …/> holds no value: calamine skips it
                extent.add(row, column, column)
        _count_unsaved_formulas(extent, text)
        if extent.oversized:
            break
    return extent


def _measure_ods(chunks: Iterable[bytes]) -> Iterator[tuple[str, _Extent]]:
    """(sheet name, extent) of each table in content.xml, repeats expanded arithmetically."""
    name, extent = "", _Extent()
    row = column = span = 0
    for text in _tag_chunks(chunks):
        for tag, attrs in _ODS_TAG.findall(text):
            repeat = _ODS_REPEAT.search(attrs)
            count = int(repeat[1]) if repeat else 1
            if tag == b"table":
                if name:
                    yield name, extent
                name = _attr(attrs, rb"[\w.-]+:name") or "?"
                extent, row, column, span = _Extent(), 0, 0, 0
            elif tag == b"table-row":
                row, column, span = row + span, 0, count
            else:
                filled = not attrs.endswith(b"/") or _ODS_VALUE.search(attrs)
                if filled:
                    extent.add(row + span, column + 1, column + count)
                column += count
        if extent.oversized:
            break
    if name:
        yield name, extent


def _check_shared_strings(chunks: Iterable[bytes]) -> None:
    declared, held = 0, 0
    for text in _tag_chunks(chunks):
        if not declared and (found := _SHARED_STRINGS.search(text)):
            digits = (_attr(found[1], rb"uniqueCount") or "").lstrip("0")
            declared = int(digits[:13]) if digits.isdigit() else 0
        held += sum(len(pattern.findall(text)) for pattern in _SHARED_STRING)
    if max(declared, held) > MAX_CELLS:
        raise WorkbookError(
            f"the workbook declares {max(declared, held)} distinct texts; the limit is {MAX_CELLS}"
        )


def check_members(path: Path) -> None:
    """Inflate every member within bounds and measure every sheet before calamine loads it."""
    try:
        with zipfile.ZipFile(path) as archive:
            is_ods = path.suffix.lower() == ".ods"
            sheets = {} if is_ods else _xlsx_sheet_parts(archive)
            for member in archive.infolist():
                if is_ods and member.filename == "content.xml":
                    for name, extent in _measure_ods(_inflate(archive, member)):
                        extent.check(name)
                elif member.filename in sheets:
                    extent = _bounded_xlsx(_inflate(archive, member))
                    if extent is None:
                        extent = _measure_xlsx_exact(_inflate(archive, member))
                    extent.check(sheets[member.filename])
                elif member.filename.lower().endswith("sharedstrings.xml"):
                    _check_shared_strings(_inflate(archive, member))
                else:
                    for _ in _inflate(archive, member):
                        pass
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise WorkbookError(f"the workbook is corrupt or truncated ({exc})") from exc


# ------------------------------------------------------------------- legacy .xls (OLE + BIFF)

_END_OF_CHAIN = 0xFFFFFFFA  # and above: end of chain, free, FAT or DIFAT sector markers
_BIFF_BOF, _BIFF_EOF, _BIFF_SHEET, _BIFF_PASSWORD = 0x0809, 0x000A, 0x0085, 0x002F
_BIFF_DIMENSIONS, _BIFF_MULRK = 0x0200, 0x00BD
# Records holding one value, each opening with (row, column): formula, rich text, shared string,
# number, label, boolean or error, RK number. Blanks hold none: calamine skips them.
_BIFF_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes:
    """The first root stream named in `names` (any case) of an OLE compound file."""
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    fat_count, directory, _, cutoff, mini_fat, _, difat_next, difat_count = struct.unpack_from(
        "<8I", data, 44
    )
    size = 1 << sector_shift

    def sector(number: int) -> bytes:
        start = (number + 1) * size
        if start + size > len(data):
            raise IndexError(f"sector {number} is past the end of the file")
        return data[start : start + size]

    def chain(start: int, table: tuple[int, ...], read: Callable[[int], bytes]) -> bytes:
        parts: list[bytes] = []
        while start < _END_OF_CHAIN:
            if len(parts) > len(table):
                raise IndexError("a sector chain loops")
            parts.append(read(start))
            start = table[start]
        return b"".join(parts)

    def numbers(raw: bytes) -> tuple[int, ...]:
        return struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4])

    difat = list(struct.unpack_from("<109I", data, 76))
    for _ in range(difat_count):
        entries = numbers(sector(difat_next))
        difat, difat_next = difat + list(entries[:-1]), entries[-1]
    fat = numbers(b"".join(sector(n) for n in difat[:fat_count]))
    entries = chain(directory, fat, sector)
    found: tuple[int, int] | None = None
    for offset in range(0, len(entries) - 127, 128):
        name_bytes, kind = struct.unpack_from("<HB", entries, offset + 64)
        name = entries[offset : offset + max(name_bytes - 2, 0)].decode("utf-16-le", "replace")
        if kind == 2 and name.lower() in names:
            found = struct.unpack_from("<IQ", entries, offset + 116)
            break
    if found is None:
        raise WorkbookError("not an Excel file: no Workbook stream in the .xls container")
    start, length = found
    if length >= cutoff:
        return chain(start, fat, sector)[:length]
    # A small stream lives in the mini stream (the root entry's data), in 64-byte sectors.
    root_start, root_size = struct.unpack_from("<IQ", entries, 116)
    mini, mini_size = chain(root_start, fat, sector)[:root_size], 1 << mini_shift

    def mini_sector(number: int) -> bytes:
        return mini[number * mini_size : (number + 1) * mini_size]

    return chain(start, numbers(chain(mini_fat, fat, sector)), mini_sector)[:length]


def _measure_biff(stream: bytes) -> Iterator[tuple[str, _Extent]]:
    """(sheet name, extent) of each worksheet, from its DIMENSIONS and cell records.

    calamine reserves room for the DIMENSIONS rectangle before reading a cell, and a cell's
    column can say 65535 where Excel stops at 255: both are checked.
    """
    names: dict[int, str] = {}  # BOF offset → sheet name
    name: str | None = None
    extent = _Extent()
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        if kind == _BIFF_PASSWORD:
            raise WorkbookError(
                "the workbook is password-protected (encrypted); send it unprotected"
            )
        if kind == _BIFF_SHEET and len(body) >= 8:
            count, wide = body[6], body[7] & 1
            raw = body[8 : 8 + count * (1 + wide)]
            encoding = "utf-16-le" if wide else "latin-1"
            names[struct.unpack_from("<I", body)[0]] = raw.decode(encoding, "replace")
        elif kind == _BIFF_BOF:
            name, extent = (names.get(position, f"#{len(names)}") if names else None), _Extent()
        elif kind == _BIFF_DIMENSIONS and len(body) >= 10:
            # BIFF8 counts rows in 32 bits, BIFF5 in 16; both end one past the last row/column
            layout = "<IIHH" if len(body) >= 14 else "<HHHH"
            _, last_row, first_column, last_column = struct.unpack_from(layout, body)
            extent.add(last_row, first_column + 1, last_column)
        elif kind in _BIFF_CELLS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            extent.add(row + 1, column + 1, column + 1)
        elif kind == _BIFF_MULRK and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            extent.add(row + 1, first + 1, struct.unpack_from("<H", body, len(body) - 2)[0] + 1)
        elif kind == _BIFF_EOF and name is not None:
            yield name, extent
            name = None
        position += 4 + length


def check_legacy(path: Path) -> None:
    """Measure every sheet of an .xls from its records before calamine loads it."""
    try:
        stream = _ole_stream(path.read_bytes(), ("workbook", "book"))
        for name, extent in _measure_biff(stream):
            extent.check(name)
    except WorkbookError:
        raise
    except (struct.error, IndexError, ValueError) as exc:
        raise WorkbookError(f"the .xls file is damaged ({exc})") from exc


def check_file(path: Path) -> None:
    """Every check a file passes before calamine is asked to read it (the pre-scan)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    check_container(path, head, path.stat().st_size)
    if head.startswith(b"PK"):
        check_members(path)
    elif head.startswith(_OLE):
        check_legacy(path)


def read_sheets(path: Path) -> dict[str, pl.DataFrame]:
    """Every sheet as a frame of text cells; frame row i is the sheet's row i + 1."""
    check_file(path)
    try:
        reader = fastexcel.read_excel(path)
        sheets: dict[str, pl.DataFrame] = {}
        for name in reader.sheet_names:
            # A backstop: the checks above measured every sheet already.
            sheet = reader.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string", n_rows=MAX_ROWS + 50
            )
            if sheet.total_height > MAX_ROWS + 50:
                raise WorkbookError(
                    f"sheet '{name}' reaches row {sheet.total_height}; the limit is {MAX_ROWS}"
                )
            if sheet.width > MAX_COLUMNS:
                raise WorkbookError(
                    f"sheet '{name}' spans {sheet.width} columns; the limit is {MAX_COLUMNS}"
                )
            sheets[name] = sheet.to_polars()
        return sheets
    except WorkbookError:
        raise
    except (fastexcel.FastExcelError, OSError, ValueError) as exc:
        raise WorkbookError(f"the workbook cannot be read ({type(exc).__name__}: {exc})") from exc
