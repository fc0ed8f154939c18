"""Scanned PDFs: OCR'd by Tesseract into the text every other format gives, cached by content,
and refused with the packages to install when Tesseract is missing.

The scans are made at test time (`tests.plans.scans`): a plan printed to a text PDF, each page
rasterised and wrapped into an image-only PDF.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from pipelines.fingerprint import module_closure
from pipelines.plans import ocr
from pipelines.plans.assemble import ParsedPlan, parse_plan
from pipelines.plans.documents import DocumentText, read_document
from pipelines.plans.loader import read_documents
from pipelines.plans.parsing import TextCache
from pipelines.plans.shapes.task_table import parse_task_table
from pipelines.plans.text import fold
from tests.plans.fixtures import build_scanned_pdf
from tests.plans.scans import SOURCES, scan_pdf, table_pdf, text_pdf
from tests.tools import missing

BIN = Path(sys.executable).parent
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"


def needs_ocr() -> None:
    """Skip (fail under CI) unless Tesseract, its Vietnamese data and pdftoppm are here."""
    for package in ocr.missing_packages():
        missing(f"OCR ({package})", package)


# ----------------------------------------------------------------------- without Tesseract


def test_parse_plan_without_tesseract_names_the_packages(tmp_path: Path) -> None:
    scan = build_scanned_pdf(tmp_path / "scan.pdf")
    nothing = tmp_path / "empty-bin"
    nothing.mkdir()
    done = subprocess.run(
        [str(BIN / "plan389"), "parse-plan", str(scan)],
        env={**os.environ, "PATH": str(nothing)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "ERROR scan.pdf: a scanned PDF (no text layer)" in done.stderr
    assert INSTALL in done.stderr


def test_missing_vietnamese_data_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(ocr, "_languages", lambda tesseract: frozenset({"eng", "osd"}))
    assert ocr.missing_packages() == ["tesseract-ocr-vie"]


# --------------------------------------------------------------------------------- caching


def test_ocr_text_is_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scan = build_scanned_pdf(tmp_path / "scan.pdf")
    calls: list[str] = []

    def fake_ocr(path: Path, label: str, pages: int) -> tuple[str, list]:
        calls.append(label)
        return "KẾ HOẠCH\nĐấu tranh chống buôn lậu", []

    monkeypatch.setattr(ocr, "ocr_pdf", fake_ocr)
    cache = TextCache(tmp_path / "cache")
    (first,), _ = read_documents([scan], cache=cache)
    (again,), _ = read_documents([scan], cache=cache)
    assert calls == ["scan.pdf"]  # read once; the second load found the text by its hash
    assert first.ocr and again.ocr
    assert again.text == first.text == "KẾ HOẠCH\nĐấu tranh chống buôn lậu"


def test_texts_are_keyed_by_the_reading_code_only() -> None:
    # a change to the task parsers must not send every scan through OCR again
    modules, _ = module_closure(["pipelines.plans.documents"])
    assert {"pipelines.plans.office", "pipelines.plans.ocr", "pipelines.plans.ruling"} <= set(
        modules
    )
    assert not {"pipelines.plans.assemble", "pipelines.plans.metadata"} & set(modules)


# ------------------------------------------------------------------ a scanned plan, OCR'd


@pytest.fixture(scope="module")
def cao_bang(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the plan as text, its 3-page scan at 200 dpi)."""
    needs_ocr()
    folder = tmp_path_factory.mktemp("cao-bang")
    source = SOURCES / "cao-bang_2026_plan.txt"
    text = folder / "cao-bang.txt"
    text.write_bytes(source.read_bytes())
    printed = text_pdf(source.read_text(encoding="utf-8"), folder / "printed.pdf")
    return text, scan_pdf(printed, folder / "cao-bang.pdf", dpi=200)


def _leads(plan: ParsedPlan) -> dict[str, list[str]]:
    return {
        t.raw.task_code: [fold(a.text) for a in t.raw.assignments if a.role == "lead"]
        for t in plan.tasks
    }


@pytest.mark.e2e
def test_scanned_plan_gives_the_plan_of_its_text(
    cao_bang: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, scan = cao_bang
    calls: list[str] = []
    real = ocr.ocr_pdf

    def counted(path: Path, label: str, pages: int) -> tuple[str, list]:
        calls.append(label)
        return real(path, label, pages)

    monkeypatch.setattr(ocr, "ocr_pdf", counted)
    cache = TextCache(tmp_path / "texts")
    started = time.perf_counter()
    (doc,), errors = read_documents([scan], cache=cache)
    seconds = time.perf_counter() - started
    assert errors == []
    assert doc.ocr and calls == ["cao-bang.pdf"]
    assert seconds < 120  # 3 pages; README: about 15 s on 2 cores, the target is 60 s

    expected = parse_plan([read_document(text)])
    plan = parse_plan([doc])
    assert (plan.meta.number, plan.meta.issue_date) == ("17/KH-UBND", date(2026, 1, 20))
    assert fold(plan.meta.locality or "") == "cao bang"
    assert plan.meta.signer == expected.meta.signer == "Nông Thanh Tùng"  # a two-column block
    assert plan.plan_id == expected.plan_id
    assert plan.shape == expected.shape == "numbered_sections"
    assert [t.raw.task_code for t in plan.tasks] == [t.raw.task_code for t in expected.tasks]
    assert _leads(plan) == _leads(expected)  # diacritics aside
    assert [t.deadline.due_date for t in plan.tasks] == [
        t.deadline.due_date for t in expected.tasks
    ]

    (cached,), _ = read_documents([scan], cache=cache)
    assert calls == ["cao-bang.pdf"]  # the second load reads the cached text
    assert cached.text == doc.text and cached.ocr


# ---------------------------------------------------------------- a scanned task table

HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
TITLE_1 = (
    "Tuyên truyền trên báo chí, hệ thống thông tin cơ sở về phương thức, thủ đoạn buôn lậu, "
    "gian lận thương mại, hàng giả"
)
ROWS: list[list] = [
    HEADER,
    ["I", "CÔNG TÁC TUYÊN TRUYỀN"],
    ["1", TITLE_1, ("Sở Văn hóa, Thể thao và Du lịch", 2), "Báo Cao Bằng", "Thường xuyên"],
    ["2", "Hướng dẫn người tiêu dùng nhận biết hàng giả", "Sở Công Thương", "Quý II/2026"],
    ["II", "KIỂM TRA, KIỂM SOÁT"],
    ["3", "Kiểm tra thị trường, kho bãi ven biên giới", "Công an tỉnh", "Sở Y tế", "12/2026"],
    ["4", "Kiểm soát hàng hóa qua cửa khẩu", "Chi cục Hải quan khu vực VII", "", "Hằng quý"],
]
WIDTHS = (15, 110, 55, 55, 35)  # mm, on landscape A4
# as office.py writes a PDF table: merged cells in their first grid cell, the rest empty
EXPECTED = [
    HEADER,
    ["I", "CÔNG TÁC TUYÊN TRUYỀN", "", "", ""],
    ["1", TITLE_1, "Sở Văn hóa, Thể thao và Du lịch", "Báo Cao Bằng", "Thường xuyên"],
    ["2", "Hướng dẫn người tiêu dùng nhận biết hàng giả", "", "Sở Công Thương", "Quý II/2026"],
    ["II", "KIỂM TRA, KIỂM SOÁT", "", "", ""],
    ["3", "Kiểm tra thị trường, kho bãi ven biên giới", "Công an tỉnh", "Sở Y tế", "12/2026"],
    ["4", "Kiểm soát hàng hóa qua cửa khẩu", "Chi cục Hải quan khu vực VII", "", "Hằng quý"],
]


@pytest.fixture(scope="module")
def scanned_table(tmp_path_factory: pytest.TempPathFactory) -> DocumentText:
    needs_ocr()
    folder = tmp_path_factory.mktemp("table")
    printed = table_pdf(ROWS, folder / "printed.pdf", WIDTHS, heading="PHỤ LỤC\nNHIỆM VỤ CỤ THỂ")
    return read_document(scan_pdf(printed, folder / "phu-luc.pdf", dpi=200))


@pytest.mark.e2e
def test_scanned_table_comes_back_as_its_rows(scanned_table: DocumentText) -> None:
    assert scanned_table.ocr
    (table,) = scanned_table.tables
    assert [[fold(cell) for cell in row] for row in table] == [
        [fold(cell) for cell in row] for row in EXPECTED
    ]
    text = scanned_table.text
    assert text.index("PHỤ LỤC") < text.index("STT\tNội dung nhiệm vụ")
    assert sum("\t" in line for line in text.split("\n")) == len(EXPECTED)


@pytest.mark.e2e
def test_scanned_table_gives_its_tasks(scanned_table: DocumentText) -> None:
    # the group rows (I, II) are the table parser's to tell from tasks: only tasks are checked
    tasks = [t for t in parse_task_table(scanned_table.text) if t.task_code.isdigit()]
    assert [t.task_code for t in tasks] == ["1", "2", "3", "4"]
    leads = {t.task_code: [fold(a.text) for a in t.assignments if a.role == "lead"] for t in tasks}
    assert leads == {
        "1": ["so van hoa, the thao va du lich"],
        "2": [],  # the merged lead cell is printed in task 1's row, as a PDF table gives it
        "3": ["cong an tinh"],
        "4": ["chi cuc hai quan khu vuc vii"],
    }
    assert [t.deadline_text for t in tasks][2:] == ["12/2026", "Hằng quý"]


@pytest.mark.e2e
def test_a_blank_scan_has_no_text(tmp_path: Path) -> None:
    needs_ocr()
    from pipelines.plans.documents import DocumentError

    with pytest.raises(DocumentError, match=r"^scan\.pdf: no text could be extracted"):
        read_document(build_scanned_pdf(tmp_path / "scan.pdf"))
