"""Corrupt and hostile report files: each refused (or read) in bounded time and memory with a
clear error, while a good workbook in the same folder still loads.

Every case is a real file built here (nothing binary is committed). Ingestion runs in a child
process under an address-space limit and a timeout, so a hang or a memory blow-up (calamine
aborts the process when an allocation fails) fails the test instead of the machine. The limits
are safety nets, not timing assertions; the measured time and peak RSS are printed (`-s`).
"""

from __future__ import annotations

import json
import os
import pickle
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from pipelines.plans.loader import load_plan_folder
from pipelines.reports.ingest import PlanContext
from pipelines.reports.reader import (
    BOUNDED_BLOCK,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    WorkbookError,
    check_members,
    read_sheets,
)
from pipelines.reports.spec import INFO_FIELDS, TIPS
from tests.conftest import PLANS_DIR, REPO_ROOT
from tests.reports.workbooks import POLICE_TH, write_report

MEMORY_LIMIT = 2 * 1024**3
TIMEOUT_SECONDS = 120
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384
TIPS_PART = "xl/worksheets/sheet2.xml"  # write_report: ThongTin is sheet1, ToGiac sheet2


def _tip(code: str) -> list[object]:
    return [code, "05/03/2026", "Đường dây nóng", "Tố giác", "Buôn lậu", "06/03/2026"] + [None] * 5


GOOD_TIPS = [_tip("TG-1"), _tip("TG-2")]


def write_good(path: Path) -> Path:
    return write_report(path, POLICE_TH, {TIPS: GOOD_TIPS})


# ------------------------------------------------------------------------------ zip plumbing


PROLOGUE = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
EPILOGUE = b"</sheetData></worksheet>"


def _sheet_xml(rows: Iterable[str]) -> Iterator[bytes]:
    yield PROLOGUE
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode() + EPILOGUE


def _replace_part(source: Path, target: Path, part: str, content: Iterable[bytes]) -> Path:
    """Copy a workbook, streaming new content into one part (deflated, like Excel does)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != part:
                new.writestr(info, old.read(info.filename))
                continue
            replacement = zipfile.ZipInfo(part)
            replacement.compress_type = zipfile.ZIP_DEFLATED
            with new.open(replacement, "w", force_zip64=True) as stream:
                for piece in content:
                    stream.write(piece)
    return target


@dataclass
class _RawMember:
    name: str
    compressed: list[bytes]  # raw deflate data, in pieces
    crc: int
    size: int  # as the headers declare it


def _deflated(name: str, data: bytes) -> _RawMember:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _RawMember(name, [packer.compress(data) + packer.flush()], zlib.crc32(data), len(data))


def _write_raw_zip(path: Path, members: list[_RawMember]) -> None:
    """A zip written by hand, so that a member can hold pre-built deflate data and lie."""
    central, offset = b"", 0
    with path.open("wb") as out:
        for m in members:
            name, length = m.name.encode(), sum(len(p) for p in m.compressed)
            fields = (m.crc, length, m.size, len(name))
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, *fields, 0)
            out.write(local + name)
            for piece in m.compressed:
                out.write(piece)
            entry = (0x02014B50, 20, 20, 0, 8, 0, 0x21, *fields, 0, 0, 0, 0, 0, offset)
            central += struct.pack("<IHHHHHHIIIHHHHHII", *entry) + name
            offset += len(local) + len(name) + length
        out.write(central)
        count = len(members)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), offset, 0))


def _bomb(path: Path, inflated: int, *, declare: str) -> Path:
    """A good workbook whose ToGiac part inflates to `inflated` bytes of blanks.

    A 1 MiB block of spaces deflates to ~1 KiB; flushed with Z_FULL_FLUSH it references nothing
    before it, so one block repeated makes a valid stream at once (no gigabytes to compress).
    `declare="honest"` states the real size; `"lie"` states only the XML prologue's.
    """
    good = write_good(path.with_name("bomb-source.xlsx"))
    head, unit, end = PROLOGUE, b" " * 1024**2, EPILOGUE
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(end) + packer.flush()
    repeats = inflated // len(unit)
    if declare == "honest":
        crc = zlib.crc32(head)
        for _ in range(repeats):
            crc = zlib.crc32(unit, crc)
        crc, size = zlib.crc32(end, crc), len(head) + repeats * len(unit) + len(end)
    else:
        crc, size = zlib.crc32(head), len(head)
    members = []
    with zipfile.ZipFile(good) as source:
        for info in source.infolist():
            if info.filename == TIPS_PART:
                members.append(_RawMember(TIPS_PART, [first, *[block] * repeats, last], crc, size))
            else:
                members.append(_deflated(info.filename, source.read(info.filename)))
    _write_raw_zip(path, members)
    good.unlink()
    return path


# ------------------------------------------------------------------------------ the cases


def truncated(path: Path) -> None:
    data = write_good(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def csv_renamed(path: Path) -> None:
    path.write_text("Mã tin,Ngày tiếp nhận\nTG-1,05/03/2026\n", encoding="utf-8")


def zip_bomb(path: Path) -> None:
    _bomb(path, 2 * 1024**3, declare="honest")


def zip_bomb_lying_header(path: Path) -> None:
    _bomb(path, 2 * 1024**3, declare="lie")


def excel_max_rows(path: Path) -> None:
    rows = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, EXCEL_MAX_ROWS + 1))
    good = write_good(path.with_name("rows-source.xlsx"))
    _replace_part(good, path, TIPS_PART, _sheet_xml(rows))
    good.unlink()


def one_value_in_the_last_cell(path: Path) -> None:
    """One value in A1 and one in XFD1048576: calamine would allocate 17 billion cells.

    The far cell is written as XML allows but Excel does not (single quotes, its row without
    `r`), so the position must be read from the cell itself.
    """
    last = f"{get_column_letter(EXCEL_MAX_COLUMNS)}{EXCEL_MAX_ROWS}"
    rows = ['<row r="1"><c r="A1"><v>1</v></c></row>', f"<row><c r = '{last}'><v>1</v></c></row>"]
    good = write_good(path.with_name("sparse-source.xlsx"))
    _replace_part(good, path, TIPS_PART, _sheet_xml(rows))
    good.unlink()


def ten_thousand_columns(path: Path) -> None:
    book = Workbook(write_only=True)
    info = book.create_sheet("ThongTin")
    for column in INFO_FIELDS:
        info.append([column.header, POLICE_TH.get(column.key)])
    tips = book.create_sheet("ToGiac")
    extra = [f"Cột {n}" for n in range(len(TIPS.columns) + 1, 10_001)]
    tips.append([TIPS.title])
    tips.append([c.header for c in TIPS.columns] + extra)
    for row in GOOD_TIPS:
        tips.append(row + ["x"] * len(extra))
    book.save(path)


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file (OLE2, v3, 512-byte sectors) holding `streams` at its root.

    Each stream is padded to at least 4096 bytes so that it lives in regular sectors (no mini
    stream); one FAT sector is enough for the small files built here.
    """
    free, end_of_chain, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector, end_of_chain]  # sector 0: the FAT, sector 1: the directory
    body, entries = b"", []
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's tree order
    for name in names:
        data = streams[name].ljust(4096, b"\0")
        data += b"\0" * (-len(data) % 512)
        start, count = len(fat), len(data) // 512
        fat += [*range(start + 1, start + count), end_of_chain]
        entries.append((name, 2, start, len(streams[name])))
        body += data
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        links = (no_stream, right, child)  # left sibling, right sibling, child
        fields = (encoded, len(encoded), kind, 1, *links, b"", 0, 0, 0, start, size)
        return struct.pack("<64sHBBIII16sIQQIQ", *fields)

    directory = entry("Root Entry", 5, no_stream, 1, end_of_chain, 0)
    for i, (name, kind, start, size) in enumerate(entries, start=1):  # a right-leaning chain
        right = i + 1 if i < len(entries) else no_stream
        directory += entry(name, kind, right, no_stream, start, size)
    directory = directory.ljust(512, b"\0")
    # signature, version 3.62, little-endian, 512-byte sectors, 64-byte mini sectors; then:
    # 1 FAT sector, directory at sector 1, no mini FAT, no DIFAT sectors; the FAT at sector 0.
    signature = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    layout = (0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
    header = struct.pack("<8s16sHHHHH6s9I", signature, b"", 0x3E, 3, 0xFFFE, 9, 6, b"", *layout)
    header += struct.pack("<109I", 0, *[free] * 108)
    return header + struct.pack("<128I", *fat) + directory + body


def password_protected(path: Path) -> None:
    """What Excel writes for an encrypted .xlsx: an OLE container with the encrypted package."""
    info = (
        b"\x04\x00\x04\x00\x40\x00\x00\x00"  # agile encryption, version 4.4
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        b'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>'
    )
    plain = write_good(path.with_name("plain.xlsx")).read_bytes()
    path.with_name("plain.xlsx").unlink()
    ciphertext = os.urandom(len(plain) + (-len(plain) % 16))
    package = struct.pack("<Q", len(plain)) + ciphertext
    path.write_bytes(_cfb({"EncryptionInfo": info, "EncryptedPackage": package}))


def legacy_xls_renamed(path: Path) -> None:
    path.write_bytes(_cfb({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 8}))


def _formula(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, date):
        return f"=DATE({value.year},{value.month},{value.day})"
    if isinstance(value, int):
        return f"={value}"
    assert '"' not in str(value)
    return f'="{value}"'


def _formula_workbook(path: Path) -> Path:
    """The good report with every cell (labels, headers and values) a formula, as openpyxl
    writes them: no saved results."""
    book = Workbook()
    info = book.active
    info.title = "ThongTin"
    for column in INFO_FIELDS:
        info.append([_formula(column.header), _formula(POLICE_TH.get(column.key))])
    tips = book.create_sheet("ToGiac")
    tips.append([_formula(TIPS.title)])
    tips.append([_formula(c.header) for c in TIPS.columns])
    for row in GOOD_TIPS:
        tips.append([_formula(v) for v in row])
    book.save(path)
    return path


def formulas_without_results(path: Path) -> None:
    _formula_workbook(path)


_CELL_FORMULA = re.compile(r'<c r="([A-Z]+\d+)"><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')


def _saved_result(match: re.Match[str]) -> str:
    ref, formula = match[1], match[2]
    if formula.startswith('"'):
        return f'<c r="{ref}" t="str"><f>{formula}</f><v>{formula[1:-1]}</v></c>'
    if found := re.fullmatch(r"DATE\((\d+),(\d+),(\d+)\)", formula):
        serial = (date(*map(int, found.groups())) - date(1899, 12, 30)).days
        return f'<c r="{ref}"><f>{formula}</f><v>{serial}</v></c>'
    return f'<c r="{ref}"><f>{formula}</f><v>{formula}</v></c>'


def formulas_with_results(path: Path) -> None:
    """The same workbook as Excel saves it: each formula followed by its result."""
    source = _formula_workbook(path.with_name("formulas-source.xlsx"))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                xml, count = _CELL_FORMULA.subn(_saved_result, data.decode())
                assert count > 0 and "<v></v>" not in xml
                data = xml.encode()
            new.writestr(item, data)
    source.unlink()


def too_many_shared_strings(path: Path) -> None:
    """A 6 KB workbook whose shared-strings part declares 4 billion: calamine reserves them."""
    good = write_good(path.with_name("sst-source.xlsx"))
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" count="1" uniqueCount="4294967295"><si><t>x</t></si></sst>'
    )
    relation = (
        '<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", relation.encode())
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override.encode())
            new.writestr(item, data)
        new.writestr("xl/sharedStrings.xml", sst)
    good.unlink()


def _xls(path: Path) -> bytearray:
    """The good report as a legacy .xls (xlwt: sheet records lie contiguous in the file)."""
    book = xlwt.Workbook(encoding="utf-8")
    info = book.add_sheet("ThongTin")
    for r, column in enumerate(INFO_FIELDS):
        info.write(r, 0, column.header)
        info.write(r, 1, str(POLICE_TH.get(column.key)))
    tips = book.add_sheet("ToGiac")
    for r, row in enumerate([[TIPS.title], [c.header for c in TIPS.columns], *GOOD_TIPS]):
        for c, value in enumerate(row):
            if value is not None:
                tips.write(r, c, value)
    book.save(str(path))
    return bytearray(path.read_bytes())


def xls_cell_beyond_the_last_column(path: Path) -> None:
    """A text cell moved to (65535, 65535): Excel stops at column 255, calamine does not."""
    data = _xls(path)
    record = data.find(struct.pack("<HH", 0x00FD, 10))  # the first LABELSST: ThongTin A1
    struct.pack_into("<HH", data, record + 4, 0xFFFF, 0xFFFF)
    path.write_bytes(data)


def xls_dimensions_lie(path: Path) -> None:
    """ThongTin's DIMENSIONS record claims 4 billion rows × 65535 columns."""
    data = _xls(path)
    record = data.find(struct.pack("<HH", 0x0200, 14))
    struct.pack_into("<IIHH", data, record + 4, 0, 0xFFFFFFFF, 0, 0xFFFF)
    path.write_bytes(data)


def ods_repeated_rows(path: Path) -> None:
    """An .ods whose one row of values repeats to the sheet's end: a few hundred bytes."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="ToGiac">'
        f'<table:table-row table:number-rows-repeated="{EXCEL_MAX_ROWS}">'
        '<table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="90"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], None]
    error: str | None  # a regex WorkbookResult.error must match from its start; None: it loads
    suffix: str = ".xlsx"


def _starts(text: str) -> str:
    return re.escape(text)


CASES = {
    "truncated_zip": Case(truncated, _starts("the workbook is corrupt or truncated")),
    "csv_renamed_xlsx": Case(
        csv_renamed,
        _starts("not a spreadsheet: the file is not a zip-based workbook (a CSV or text?)"),
    ),
    "zip_bomb": Case(
        zip_bomb,
        _starts(
            "the workbook inflates to 2048 MiB (limit 400 MiB): refused as a possible zip bomb"
        ),
    ),
    "zip_bomb_lying_header": Case(
        zip_bomb_lying_header,
        _starts(
            f"member {TIPS_PART} inflates beyond the {len(PROLOGUE)} bytes its header declares: "
            "refused as a possible zip bomb"
        ),
    ),
    # Measuring stops once past the limit: the row named is wherever that happened.
    "excel_max_rows": Case(
        excel_max_rows, rf"sheet 'ToGiac' reaches row \d{{6,7}}; the limit is {MAX_ROWS}$"
    ),
    "value_in_last_cell": Case(
        one_value_in_the_last_cell,
        _starts(f"sheet 'ToGiac' reaches row {EXCEL_MAX_ROWS}; the limit is {MAX_ROWS}"),
    ),
    "password_protected": Case(
        password_protected,
        _starts("the workbook is password-protected (encrypted); send it unprotected"),
    ),
    "legacy_xls_renamed": Case(
        legacy_xls_renamed,
        _starts("an old-format Excel file (.xls) named .xlsx: rename it .xls or save it as .xlsx"),
    ),
    "formulas_without_results": Case(
        formulas_without_results,
        _starts(
            "sheet 'ThongTin' has 10 formula cells without a saved result (first: A1); the file "
            "was written by a program that does not calculate formulas"
        ),
    ),
    "formulas_with_results": Case(formulas_with_results, None),
    "ten_thousand_columns": Case(
        ten_thousand_columns,
        _starts(f"sheet 'ToGiac' spans 10000 columns; the limit is {MAX_COLUMNS}"),
    ),
    "ods_repeated_rows": Case(
        ods_repeated_rows,
        _starts(f"sheet 'ToGiac' reaches row {EXCEL_MAX_ROWS}; the limit is {MAX_ROWS}"),
        ".ods",
    ),
    "shared_strings_declared_huge": Case(
        too_many_shared_strings,
        _starts("the workbook declares 4294967295 distinct texts; the limit is 4000000"),
    ),
    "xls_cell_beyond_the_last_column": Case(
        xls_cell_beyond_the_last_column,
        _starts(f"sheet 'ThongTin' spans 65536 columns; the limit is {MAX_COLUMNS}"),
        ".xls",
    ),
    "xls_dimensions_lie": Case(
        xls_dimensions_lie,
        _starts(f"sheet 'ThongTin' reaches row 4294967295; the limit is {MAX_ROWS}"),
        ".xls",
    ),
}

# Runs in the child: the hostile file alone, measured, then the whole folder as a run reads it.
# Peak RSS during the hostile file: Linux resets the high-water mark on writing 5 to clear_refs.
CHILD = """
import json, pickle, re, resource, sys, time
from pathlib import Path

folder, context, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pipelines.reports.loader import ingest_files, report_files
from pipelines.reports.privacy import Pseudonymizer

def peak_mib():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status)[1]) / 1024

ctx, hasher = pickle.loads(context.read_bytes()), Pseudonymizer(b"k")
files = report_files(folder)
baseline = peak_mib()
try:
    Path("/proc/self/clear_refs").write_text("5")
except OSError:
    pass  # the peak then includes the imports
start = time.perf_counter()
ingest_files(files[:1], folder, ctx, hasher)
seconds, peak = time.perf_counter() - start, peak_mib()
results, frames, _ = ingest_files(files, folder, ctx, hasher)
tips = frames["tips"]
print(json.dumps({
    "seconds": seconds,
    "peak_rss_mib": peak,
    "baseline_rss_mib": baseline,
    "files": {
        r.file_name: [r.error, tips.filter(tips["workbook_id"] == r.workbook_id).height]
        for r in results
    },
}))
"""
HOSTILE, GOOD = "1-hostile", "2-good.xlsx"


def _ingest_in_child(folder: Path, context: Path) -> dict:
    argv = [sys.executable, "-c", CHILD, str(folder), str(context), str(MEMORY_LIMIT)]
    try:
        done = subprocess.run(
            argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        return {"failure": f"no answer within {TIMEOUT_SECONDS} s"}
    if done.returncode != 0:
        return {"failure": f"exit {done.returncode}: {done.stderr[-2000:]}"}
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each case ingested next to a good workbook, two children at a time (2 cores)."""
    root = tmp_path_factory.mktemp("hostile")
    frames = load_plan_folder(PLANS_DIR).frames
    ctx = PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )
    context = root / "context.pickle"
    context.write_bytes(pickle.dumps(ctx))
    folders = {}
    for name, case in CASES.items():
        folder = root / name
        folder.mkdir()
        case.build(folder / f"{HOSTILE}{case.suffix}")
        write_good(folder / GOOD)
        folders[name] = folder
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {n: pool.submit(_ingest_in_child, f, context) for n, f in folders.items()}
        found = {n: future.result() for n, future in futures.items()}
    for name, folder in folders.items():
        found[name]["size_bytes"] = next(folder.glob(f"{HOSTILE}.*")).stat().st_size
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file_is_refused_clearly_and_the_run_goes_on(
    name: str, outcomes: dict[str, dict]
) -> None:
    case, outcome = CASES[name], outcomes[name]
    assert "failure" not in outcome, outcome.get("failure")
    error, tips = outcome["files"][HOSTILE + case.suffix]
    print(
        f"\n{name}: {outcome['size_bytes']} bytes on disk, {outcome['seconds']:.2f} s, peak RSS "
        f"{outcome['peak_rss_mib']:.0f} MiB (imports alone peaked at "
        f"{outcome['baseline_rss_mib']:.0f})"
        f" → {error}"
    )
    if case.error is None:
        assert (error, tips) == (None, len(GOOD_TIPS))
    else:
        assert re.match(case.error, error or ""), error
        assert tips == 0
    assert outcome["files"][GOOD] == [None, len(GOOD_TIPS)]


def test_built_files_stay_small_on_disk(outcomes: dict[str, dict]) -> None:
    # The bombs inflate to 2 GiB from ~2 MB; the million rows deflate to a few MB.
    assert outcomes["zip_bomb"]["size_bytes"] < 3 * 1024**2
    assert outcomes["zip_bomb_lying_header"]["size_bytes"] < 3 * 1024**2
    assert all(o["size_bytes"] < 20 * 1024**2 for o in outcomes.values())


# ---------------------------------------------------------- unusual but valid: still read

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
UNUSUAL = {
    # OpenXML SDK style: a namespace prefix on every element
    "prefixed": (
        f'<x:worksheet xmlns:x="{SPREADSHEET_NS}"><x:sheetData><x:row r="1"><x:c r="A1" '
        't="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c r="C1"><x:v>2</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>",
        [("a", None, "2")],
    ),
    # no `r`: each row and cell follows the one before it
    "implicit_positions": (
        f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row><c><v>1</v></c><c><v>2</v></c>'
        '</row><row r="3"><c r="B3"><v>3</v></c><c><v>4</v></c></row></sheetData></worksheet>',
        [("1", "2", None), (None, None, None), (None, "3", "4")],
    ),
    # a formatted but empty cell at the sheet's very end holds nothing
    "formatted_last_cell": (
        f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
        '</row><row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData></worksheet>',
        [("1",)],
    ),
    # Excel's own formulas: an empty-string result (t="str", empty <v>) and shared formulas
    "excel_formulas": (
        f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
        '<c r="B1" t="str"><f>IF(A1=1,"","x")</f><v></v></c><c r="C1"><f t="shared" '
        'ref="C1:C2" si="0">A1*2</f><v>2</v></c></row><row r="2"><c r="C2"><f t="shared" '
        'si="0"/><v>0</v></c></row></sheetData></worksheet>',
        [("1", "", "2"), (None, None, "0")],
    ),
}


@pytest.mark.parametrize("name", list(UNUSUAL))
def test_unusual_but_valid_sheets_are_read(tmp_path: Path, name: str) -> None:
    xml, expected = UNUSUAL[name]
    good = write_good(tmp_path / "good.xlsx")
    path = _replace_part(good, tmp_path / f"{name}.xlsx", TIPS_PART, [xml.encode()])
    assert read_sheets(path)["ToGiac"].rows() == expected


# ------------------------------------------- the pre-scan's bounded block and the exact path

EDGE_CELLS = {  # (last filled cell, refused?): around the block the single search lets through
    "GR19999": False,  # the block's far corner: 19,999 × 200 cells, within every limit
    "A20000": False,  # past the block, measured exactly: 20,000 rows × 1 column is fine
    "GS1": True,  # 201 columns
    "GR20001": True,  # 20,001 × 200 > MAX_CELLS
    "A100001": True,  # past MAX_ROWS
    "a05": False,  # lower case and a leading zero: measured exactly, row 5
}


@pytest.mark.parametrize("cell", list(EDGE_CELLS))
def test_sheets_at_the_edge_of_the_bounded_block_get_the_exact_verdict(
    tmp_path: Path, cell: str
) -> None:
    assert BOUNDED_BLOCK[0] * BOUNDED_BLOCK[1] <= MAX_CELLS
    assert BOUNDED_BLOCK <= (MAX_ROWS, MAX_COLUMNS)
    row = int(re.sub(r"\D", "", cell))
    xml = (
        f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
        f'</row><row r="{row}"><c r="{cell}"><v>2</v></c></row></sheetData></worksheet>'
    )
    good = write_good(tmp_path / "good.xlsx")
    path = _replace_part(good, tmp_path / "edge.xlsx", TIPS_PART, [xml.encode()])
    if EDGE_CELLS[cell]:
        with pytest.raises(WorkbookError, match="limit"):
            check_members(path)
    else:
        check_members(path)
