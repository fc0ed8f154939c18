""".docx and .pdf plans read by office.py give the same data as the seed texts they came from.

The files are built by `tests.plans.fixtures` from the seeds at test time (no binaries in git).
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from pipelines.plans.documents import DocumentError, DocumentText, read_document
from pipelines.plans.metadata import extract_metadata
from pipelines.plans.model import RawTask
from pipelines.plans.shapes.numbered_items import parse_numbered_items
from pipelines.plans.shapes.task_table import parse_table_rows, parse_task_table
from tests.conftest import seed_text
from tests.plans.fixtures import (
    appendix_rows,
    build_docx_plan,
    build_pdf_plan,
    build_scanned_pdf,
    new_pdf,
)
from tests.tools import font


@pytest.fixture
def needs_font() -> None:
    font()


GROUP_4_TITLE = (
    "Tăng cường công tác thanh tra, kiểm tra, giám sát các cơ quan, tổ chức cấp giấy phép, "
    "tổ chức đánh giá sự phù hợp đưa ra các kết luận, kết quả kiểm tra nhà nước về tiêu chuẩn, "
    "quy chuẩn, chất lượng hàng hóa và xử lý nghiêm các hành vi vi phạm."
)


@pytest.fixture(scope="module")
def seed_tasks() -> list[RawTask]:
    return parse_task_table(seed_text("hung_yen_appendix"))


@pytest.fixture(scope="module")
def hung_yen_docx(tmp_path_factory: pytest.TempPathFactory) -> DocumentText:
    path = tmp_path_factory.mktemp("docx") / "hung-yen.docx"
    build_docx_plan(path, seed_text("hung_yen_body"), appendix_rows())
    return read_document(path)


@pytest.fixture(scope="module")
def hung_yen_pdf(tmp_path_factory: pytest.TempPathFactory) -> DocumentText:
    font()
    path = tmp_path_factory.mktemp("pdf") / "hung-yen.pdf"
    build_pdf_plan(
        path, seed_text("hung_yen_body"), appendix_rows(), after_text="Nơi nhận: như trên."
    )
    return read_document(path)


def _leads(tasks: list[RawTask]) -> dict[str, list[str]]:
    return {t.task_code: [a.text for a in t.assignments if a.role == "lead"] for t in tasks}


# ------------------------------------------------------------------------- Hưng Yên .docx


def test_docx_body_metadata_matches_the_text_seed(hung_yen_docx: DocumentText) -> None:
    meta = extract_metadata(hung_yen_docx.text)
    assert meta == extract_metadata(seed_text("hung_yen_body"))
    assert (meta.issuer, meta.locality, meta.issue_year) == (
        "Ủy ban nhân dân tỉnh Hưng Yên",
        "Hưng Yên",
        2026,
    )
    assert meta.implements == ["397/NQ-CP"]


def test_docx_table_gives_the_seed_tasks(
    hung_yen_docx: DocumentText, seed_tasks: list[RawTask]
) -> None:
    tasks = parse_task_table(hung_yen_docx.text)
    assert len(tasks) == 38
    assert tasks == seed_tasks  # codes, titles, deadlines, outputs, assignments, groups
    assert [parse_table_rows(t) for t in hung_yen_docx.tables] == [seed_tasks]


def test_docx_bold_group_row_followed_by_its_content_row(hung_yen_docx: DocumentText) -> None:
    # Group 4 prints its heading in bold and its only content on the next row: bold is kept
    # as <b> so the parser still sees a group that is a task.
    task = {t.task_code: t for t in parse_task_table(hung_yen_docx.text)}["4"]
    assert task.group_title == GROUP_4_TITLE
    assert task.title.startswith("- Tăng cường công tác thanh tra, kiểm tra đối với các cơ quan")
    assert task.deadline_text is not None and task.deadline_text.startswith("Thường xuyên")


def test_docx_rows_keep_the_grid_and_join_cell_paragraphs(hung_yen_docx: DocumentText) -> None:
    (table,) = hung_yen_docx.tables
    group_1 = table[1]  # code + title merged across the five other columns
    assert group_1[0] == "<b>1</b>"
    assert group_1[1].startswith("<b>Đẩy mạnh công tác hoàn thiện thể chế")
    assert group_1[2:] == ["", "", "", ""]
    row_7_2 = next(r for r in table if r[0] == "7.2")  # a lead cell of two paragraphs
    # a cell's paragraphs: line breaks kept as <br> (agencies split on them, titles join them)
    assert row_7_2[4] == "- Các Sở, ngành có liên quan<br>- UBND các xã, phường"
    assert _leads(parse_table_rows(table))["7.2"] == [
        "Các Sở, ngành có liên quan",
        "UBND các xã, phường",
    ]


def test_docx_paragraphs_only_thanh_hoa(tmp_path: Path) -> None:
    path = build_docx_plan(tmp_path / "thanh-hoa.docx", seed_text("thanh_hoa"), None)
    doc = read_document(path)
    tasks = parse_numbered_items(doc.text).tasks
    assert len(tasks) == 33
    assert tasks == parse_numbered_items(seed_text("thanh_hoa")).tasks
    assert doc.tables == []
    assert tasks[-1].task_code == "8.2"


# ------------------------------------------------------------------------- Word table rules


def _word_table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    return table


def test_docx_vertical_merges(tmp_path: Path) -> None:
    doc = Document()
    table = _word_table(
        doc,
        [
            ["STT", "NHIỆM VỤ", "CHỦ TRÌ"],
            ["1.1", "Rà soát quy định", "Sở Y tế"],
            ["1.2", "Kiểm tra thị trường", ""],
            ["1.3", "Tuyên truyền pháp luật", "Sở Tư pháp"],
            ["", "trên địa bàn tỉnh.", ""],
        ],
    )
    table.cell(1, 2).merge(table.cell(2, 2))  # one lead printed for two tasks
    table.cell(3, 0).merge(table.cell(4, 0))  # task 1.3 continues on the next row
    table.cell(3, 2).merge(table.cell(4, 2))
    doc.save(str(tmp_path / "merged.docx"))

    tasks = parse_task_table(read_document(tmp_path / "merged.docx").text)
    assert _leads(tasks) == {"1.1": ["Sở Y tế"], "1.2": ["Sở Y tế"], "1.3": ["Sở Tư pháp"]}
    assert tasks[2].title == "Tuyên truyền pháp luật trên địa bàn tỉnh."


def test_docx_bold_column_is_style_not_group_marker(tmp_path: Path) -> None:
    rows = [
        ["**STT**", "**NHIỆM VỤ**", "**CHỦ TRÌ**"],
        ["**1**", "**Hoàn thiện thể chế**", ""],
        ["**1.1**", "Rà soát quy định", "Sở Y tế"],
        ["**1.2**", "Kiểm tra thị trường", "Sở Công Thương"],
    ]
    doc = read_document(build_docx_plan(tmp_path / "bold.docx", "PHỤ LỤC", rows))
    tasks = parse_task_table(doc.text)
    assert [(t.task_code, t.group_title) for t in tasks] == [
        ("1.1", "Hoàn thiện thể chế"),
        ("1.2", "Hoàn thiện thể chế"),
    ]
    assert doc.tables[0][2] == ["1.1", "Rà soát quy định", "Sở Y tế"]


def test_docx_letterhead_and_signature_tables_are_layout(tmp_path: Path) -> None:
    doc = Document()
    letterhead = _word_table(doc, [["", ""]])
    letterhead.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA\n\nSố: 08/KH-UBND"
    letterhead.cell(0, 1).text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Thanh Hóa, ngày 10 tháng 01 năm 2026"
    )
    for line in ("KẾ HOẠCH", "Đấu tranh chống buôn lậu đến năm 2030", "", "I. MỤC ĐÍCH"):
        doc.add_paragraph(line)
    signature = _word_table(doc, [["", ""]])
    signature.cell(0, 0).text = "Nơi nhận:\n- Như trên;"
    signature.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐầu Thanh Tùng"
    doc.save(str(tmp_path / "letterhead.docx"))

    meta = extract_metadata(read_document(tmp_path / "letterhead.docx").text)
    assert (meta.issuer, meta.number, meta.issue_date, meta.signer) == (
        "Ủy ban nhân dân tỉnh Thanh Hóa",
        "08/KH-UBND",
        date(2026, 1, 10),
        "Đầu Thanh Tùng",
    )
    assert meta.title == "Đấu tranh chống buôn lậu đến năm 2030"


# -------------------------------------------------------------------------- Hưng Yên .pdf


def test_pdf_table_gives_the_seed_tasks(
    hung_yen_pdf: DocumentText, seed_tasks: list[RawTask]
) -> None:
    tasks = parse_task_table(hung_yen_pdf.text)
    assert [t.task_code for t in tasks] == [t.task_code for t in seed_tasks]
    assert len(tasks) == 38
    assert _leads(tasks) == _leads(seed_tasks)
    assert tasks == seed_tasks  # bold group rows survive as well (font name)


def test_pdf_cell_text_wrapped_over_lines_comes_out_joined(
    hung_yen_pdf: DocumentText, seed_tasks: list[RawTask]
) -> None:
    cells = [cell for table in hung_yen_pdf.tables for row in table for cell in row]
    assert not any("\n" in cell for cell in cells)
    title_1_1 = next(row[1] for row in hung_yen_pdf.tables[0] if row[0] == "1.1")
    assert len(title_1_1) > 300  # printed over several lines of a 95 mm column
    assert title_1_1 == seed_tasks[0].title  # lines that run to the edge were wrapped


def test_pdf_cell_keeps_a_line_broken_on_purpose(tmp_path: Path) -> None:
    """One agency per line in a PDF cell: the short lines were broken by the writer, not wrapped
    by the column, so the reader keeps the break and the agencies come out as two."""
    rows = [
        ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"],
        ["1", "Kiểm tra chợ biên giới", "Sở Công Thương", "Sở Y tế\nSở Tài chính", "Quý II/2026"],
        [
            "2",
            "Tuyên truyền",
            "Sở Văn hóa, Thể thao và Du lịch tỉnh Lạng Sơn",  # wraps in its column
            "Báo và Phát thanh, Truyền hình tỉnh Lạng Sơn",
            "Năm 2026",
        ],
    ]
    doc = read_document(build_pdf_plan(tmp_path / "plan.pdf", "KẾ HOẠCH", rows))
    by_code = {row[0]: row for row in doc.tables[0]}
    assert by_code["1"][3] == "Sở Y tế<br>Sở Tài chính"
    assert by_code["2"][2] == "Sở Văn hóa, Thể thao và Du lịch tỉnh Lạng Sơn"
    tasks = {t.task_code: t for t in parse_task_table(doc.text)}
    assert [a.text for a in tasks["1"].assignments if a.role == "coordinate"] == [
        "Sở Y tế\nSở Tài chính"
    ]


def test_pdf_body_metadata_and_reading_order(hung_yen_pdf: DocumentText) -> None:
    assert extract_metadata(hung_yen_pdf.text) == extract_metadata(seed_text("hung_yen_body"))
    text = hung_yen_pdf.text
    assert text.index("KẾ HOẠCH") < text.index("STT\tTÊN NHIỆM VỤ")
    # text printed below the table on the same page follows the table
    assert text.rindex("\t") < text.index("Nơi nhận: như trên.")


# ------------------------------------------------------------------------- unreadable files


def _valid_docx(path: Path) -> Path:
    return build_docx_plan(path, "KẾ HOẠCH\nĐấu tranh chống buôn lậu", None)


def _truncated_docx(path: Path) -> None:
    data = _valid_docx(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _text_as_docx(path: Path) -> None:
    path.write_text("KẾ HOẠCH chống buôn lậu\n", encoding="utf-8")


def _random_pdf(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _docx_without_document_part(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("truncated.docx", _truncated_docx, "docx"),
        ("renamed-text.docx", _text_as_docx, "not a readable .docx"),
        ("not-word.docx", _docx_without_document_part, "docx"),
        ("random.pdf", _random_pdf, "not a readable .pdf"),
        ("empty.docx", _empty, "the file is empty"),
        ("empty.pdf", _empty, "the file is empty"),
    ],
)
def test_unreadable_files_raise_document_error(
    tmp_path: Path, name: str, make, reason: str
) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(DocumentError, match=reason) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"{name}: ")


@pytest.mark.usefixtures("needs_font")
def test_password_protected_pdf(tmp_path: Path) -> None:
    path = build_pdf_plan(tmp_path / "locked.pdf", "KẾ HOẠCH", None, password="389")
    with pytest.raises(DocumentError, match=r"^locked\.pdf: .*password-protected"):
        read_document(path)


def test_scanned_pdf_without_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_scanned_pdf(tmp_path / "scan.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no pdftoppm (tests/plans/test_ocr)
    with pytest.raises(DocumentError, match=r"^scan\.pdf: a scanned PDF \(no text layer\)") as e:
        read_document(path)
    assert "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils" in str(e.value)


def test_label_overrides_the_file_name(tmp_path: Path) -> None:
    _random_pdf(tmp_path / "x.pdf")
    with pytest.raises(DocumentError, match=r"^plans/2026/x\.pdf: "):
        read_document(tmp_path / "x.pdf", "plans/2026/x.pdf")


@pytest.mark.usefixtures("needs_font")
def test_pdf_ruled_letterhead_is_read_as_lines(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    with pdf.table(col_widths=(80, 110), line_height=5) as table:
        row = table.row()
        row.cell("ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA\nSố: 08/KH-UBND")
        row.cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nThanh Hóa, ngày 10 tháng 01 năm 2026")
    for line in ("", "KẾ HOẠCH", "Đấu tranh chống buôn lậu đến năm 2030", "", "I. MỤC ĐÍCH"):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "letterhead.pdf"))

    meta = extract_metadata(read_document(tmp_path / "letterhead.pdf").text)
    assert (meta.issuer, meta.number, meta.issue_date, meta.title) == (
        "Ủy ban nhân dân tỉnh Thanh Hóa",
        "08/KH-UBND",
        date(2026, 1, 10),
        "Đấu tranh chống buôn lậu đến năm 2030",
    )
