"""PDF-text table shape (Lào Cai appendix): wrapped, interleaved cells and merged agency cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plans.model import RawAssignment, RawTask
from pipelines.plans.shapes.pdf_table import parse_pdf_table
from pipelines.plans.text import normalize_document
from tests.conftest import seed_text

BOILERPLATE = (
    "Các sở, ban, ngành, địa phương có liên quan phối hợp triển khai theo lĩnh vực quản lý "
    "và chức năng, nhiệm vụ được giao"
)
DUTY = "theo lĩnh vực quản lý và chức năng, nhiệm vụ được giao"
COMMUNES = "Ủy ban nhân dân các xã, phường"
FORCES = "các lực lượng chức năng"
DEPARTMENTS_AND_COMMUNES = [f"Các sở, ban, ngành triển khai {DUTY}", COMMUNES]
MEDIA = "Báo và Phát thanh, Truyền hình tỉnh/ Sở Văn hoá, Thể thao và Du lịch"


@pytest.fixture(scope="module")
def tasks() -> dict[str, RawTask]:
    return {t.task_code: t for t in parse_pdf_table(seed_text("lao_cai"))}


def _leads(task: RawTask) -> list[str]:
    return [a.text for a in task.assignments if a.role == "lead"]


def _coords(task: RawTask) -> list[str]:
    return [a.text for a in task.assignments if a.role == "coordinate"]


def test_leaf_codes_in_document_order(tasks: dict[str, RawTask]) -> None:
    sub = [f"1.{i}" for i in range(1, 13)]
    assert list(tasks) == sub + [str(i) for i in range(2, 37)]
    assert len(tasks) == 47


def test_parent_row_becomes_group(tasks: dict[str, RawTask]) -> None:
    for code in ("1.1", "1.7", "1.12"):
        assert tasks[code].group_code == "1"
        assert tasks[code].group_title.startswith("Rà soát các quy trình nghiệp vụ, cơ chế")
        assert tasks[code].group_title.endswith("và hàng giả, trong đó tập trung:")
    assert tasks["2"].group_code is None and tasks["36"].group_title is None


def test_titles_are_clean_single_lines(tasks: dict[str, RawTask]) -> None:
    assert tasks["1.5"].title == "Rà soát các quy định về bản quyền, quảng cáo."
    assert tasks["1.6"].title == "Rà soát các quy định quản lý nhà nước về hải quan, thuế."
    assert tasks["7"].title.startswith(
        "Nghiên cứu tham gia ý kiến sửa đổi, bổ sung Quyết định 20/2016/QĐ-TTg ngày 11/5/2016"
    )
    assert tasks["18"].title.startswith(
        "Nghiên cứu cho ý kiến sửa đổi, bổ sung Quyết định số 19/2016/QĐ-TTg ngày 06/5/2016"
    )
    assert tasks["35"].title == (
        "Đấu mối triển khai công tác trao đổi thông tin với Interpol trong hoạt động phòng "
        "chống tội phạm có yếu tố nước ngoài."
    )
    for task in tasks.values():
        assert "\n" not in task.title and "  " not in task.title
        assert "Văn bản đề" not in task.title and "02/2026" not in task.title


def test_text_after_page_break_joins_its_row(tasks: dict[str, RawTask]) -> None:
    assert tasks["25"].title == (
        "Quản lý, kiểm soát chặt chẽ không để xảy ra tình trạng quảng cáo sai sự thật, dễ gây "
        "nhầm lẫn cho Nhân dân: Có báo cáo đánh giá rà soát định kỳ theo quý hoặc đột xuất"
    )
    assert tasks["1.11"].title == (
        "Tham gia ý kiến dự thảo Thông tư quy định về xác thực và truy xuất nguồn gốc hàng hóa "
        "lưu thông trên thị trường."
    )
    assert tasks["1.11"].expected_output == (
        "Văn bản tổng hợp ý kiến tham gia dự thảo Thông tư của Bộ Công Thương"
    )
    assert _coords(tasks["1.11"]) == [BOILERPLATE]
    assert _coords(tasks["1.5"]) == [BOILERPLATE] and _coords(tasks["19"]) == [BOILERPLATE]
    assert _leads(tasks["4"]) == [
        "Ủy ban nhân dân các xã, phường",
        "Lực lượng: Công an, Quản lý thị trường, Biên phòng, Hải quan và các lực lượng "
        "chức năng liên quan",
    ]
    assert _leads(tasks["34"]) == DEPARTMENTS_AND_COMMUNES


def test_bullets_in_title_stay_in_title(tasks: dict[str, RawTask]) -> None:
    title = tasks["16"].title
    assert title.startswith("Tăng cường công tác thanh tra, kiểm tra đối với các cơ quan")
    assert " - Tăng cường công tác thanh tra, kiểm tra, giám sát các tổ chức đánh giá" in title
    assert title.endswith("kinh doanh hàng hoá trên địa bàn lĩnh vực mình quản lý.")


@pytest.mark.parametrize(
    ("code", "deadline", "output"),
    [
        ("1.1", "02/2026", "Văn bản đề nghị/đề xuất"),
        (
            "1.2",
            "Kỳ họp thứ 10, Quốc hội khóa XV",
            "Văn bản tổng hợp ý kiến tham gia dự thảo Luật An toàn thực phẩm sửa đổi",
        ),
        ("1.3", "12/2025", "Văn bản tổng hợp ý kiến tham gia dự thảo Nghị định của Chính phủ"),
        ("10", "Thường xuyên", "Khóa đào tạo, Hội thảo, hội nghị"),
        (
            "21",
            "Theo chỉ đạo của Ban Chỉ đạo Trung ương về phát triển khoa Học, công nghệ, đổi mới "
            "sáng tạo và chuyển đổi số",
            "Tham gia/cập nhật dữ liệu theo Hệ thống cơ sở dữ liệu",
        ),
        ("22", "Thường xuyên/đột xuất", "Dự toán ngân sách"),
        ("23", "2027", "Chuyên mục"),
        ("25", "Định kỳ, thường xuyên", "Báo cáo"),
        (
            "29",
            "02/2026 và định kỳ theo quý thực hiện sau khi hoàn thành nhiệm vụ sau tháng 02/2026",
            "Bản cam kết",
        ),
        ("30", "Thường xuyên định kỳ", "Văn bản quán triệt"),
        ("33", "Định kỳ", "Báo cáo rà soát, kiểm tra"),
    ],
)
def test_deadline_and_output(
    tasks: dict[str, RawTask], code: str, deadline: str, output: str
) -> None:
    assert tasks[code].deadline_text == deadline
    assert tasks[code].expected_output == output


@pytest.mark.parametrize(
    ("code", "leads"),
    [
        ("1.3", ["Sở Y tế"]),
        ("1.4", ["Sở Nông nghiệp và Môi trường"]),
        ("1.6", ["Thuế tỉnh Lào Cai/ Chi cục Hải quan khu vực VII"]),
        ("2", ["Sở Nội vụ"]),
        ("3", [f"Các sở, ban, ngành, lực lượng chức năng triển khai {DUTY}", COMMUNES]),
        ("5", ["Cơ quan điều tra, cơ quan được giao tiến hành một số hoạt động điều tra"]),
        ("18", ["Cơ quan Thường trực Ban Chỉ đạo 389 tỉnh"]),
        ("25", [MEDIA]),
        ("28", [f"BCĐ 389 tỉnh, các sở, ban, ngành, {FORCES}, cơ quan quản lý chuyên ngành"]),
        ("32", ["Sở Công Thương"]),
        ("36", ["Các lực lượng chức năng, thực thi tại cửa khẩu biên giới đường bộ"]),
    ],
)
def test_printed_leads(tasks: dict[str, RawTask], code: str, leads: list[str]) -> None:
    assert _leads(tasks[code]) == leads
    assert tasks[code].review_reasons == []


def test_coordinating_cells(tasks: dict[str, RawTask]) -> None:
    assert tasks["1.3"].assignments[-1] == RawAssignment(BOILERPLATE, "coordinate")
    assert _coords(tasks["7"]) == [
        "Các sở, ban, ngành, lực lượng chức năng, địa phương có liên quan phối hợp triển khai "
        "theo lĩnh vực quản lý và chức năng, nhiệm vụ được giao"
    ]
    assert _coords(tasks["33"])[0].startswith("Các sở, ban, ngành có liên quan chủ trì rà soát")
    assert _coords(tasks["33"])[0].endswith("Thể thao và Du lịch để tổng hợp báo cáo UBND tỉnh")
    for task in tasks.values():
        assert len(_coords(task)) == 1


# row → (lead inherited, row that printed it)
INHERITED = {
    "1.1": (["Sở Y tế"], "1.3"),
    "1.2": (["Sở Y tế"], "1.3"),
    "1.10": (["Sở Công Thương"], "1.11"),
    "10": (DEPARTMENTS_AND_COMMUNES, "14"),
    "11": (DEPARTMENTS_AND_COMMUNES, "14"),
    "12": (DEPARTMENTS_AND_COMMUNES, "14"),
    "13": (DEPARTMENTS_AND_COMMUNES, "14"),
    "23": ([MEDIA], "25"),
    "24": ([MEDIA], "25"),
    "26": ([MEDIA], "25"),  # after the page break inside row 25: the text stayed on row 25's page
    "27": ([MEDIA], "25"),
    "31": (["Sở Văn hóa, Thể thao và Du lịch"], "30"),  # row 31 opens a new page
}


@pytest.mark.parametrize("code", list(INHERITED))
def test_merged_cells_are_inherited_and_flagged(tasks: dict[str, RawTask], code: str) -> None:
    leads, source = INHERITED[code]
    task = tasks[code]
    assert _leads(task) == leads
    assert _coords(task) == [BOILERPLATE]
    assert {a.note for a in task.assignments} == {f"merged cell printed at row {source}"}
    assert task.review_reasons == [
        f"lead agency inherited from merged cell printed at row {source}"
    ]


def test_only_inherited_rows_need_review(tasks: dict[str, RawTask]) -> None:
    flagged = [code for code, task in tasks.items() if task.review_reasons]
    assert flagged == list(INHERITED)
    assert all(_leads(task) for task in tasks.values())


# A made-up province table of the same layout: a merged lead at the top of the table (only one
# printed value can span row 1, so no review), a page break with a repeated header before row 5
# (rows 5-6 inherit from row 4, not row 7), and row 6 printing only its coordinating cell.
OTHER_PROVINCE = """PHỤ LỤC
STT NHIỆM VỤ CỤ THỂ THỜI HẠN KẾT QUẢ CƠ QUAN
CHỦ TRÌ

CƠ QUAN
PHỐI HỢP

1

Kiểm tra các cơ sở kinh doanh xăng
dầu trên địa bàn tỉnh.

Thường xuyên Báo cáo

2

Tổ chức tập huấn về phòng, chống
hàng giả cho lực lượng quản lý thị
trường.

2027 Kế hoạch

Sở Công
Thương

Công an tỉnh,
Sở Tài chính

3 Rà soát các quy định về thuế. 06/2026 Văn bản

Thuế tỉnh

Sở Tài chính

4

Tuyên truyền trên báo, đài.

Hằng năm Chuyên mục

Sở Văn hóa và
Thể thao

Sở Tài chính
STT NHIỆM VỤ CỤ THỂ THỜI HẠN KẾT QUẢ CƠ QUAN
CHỦ TRÌ

CƠ QUAN
PHỐI HỢP

5

Phát hành tờ rơi.

2028 Tờ rơi

6

Xử lý vi phạm về nhãn hàng hóa.

Định kỳ Biên bản

Sở Tài chính

7

Kiểm tra hàng hóa nhập lậu qua biên giới.

Thường xuyên Biên bản

Công an tỉnh

Sở Tài chính
"""


def test_other_province_layout() -> None:
    got = {t.task_code: t for t in parse_pdf_table(normalize_document(OTHER_PROVINCE))}
    assert list(got) == ["1", "2", "3", "4", "5", "6", "7"]
    assert got["2"].title == (
        "Tổ chức tập huấn về phòng, chống hàng giả cho lực lượng quản lý thị trường."
    )
    assert (got["2"].deadline_text, got["2"].expected_output) == ("2027", "Kế hoạch")
    assert _leads(got["2"]) == ["Sở Công Thương"]
    assert _coords(got["2"]) == ["Công an tỉnh, Sở Tài chính"]
    assert _leads(got["1"]) == ["Sở Công Thương"] and got["1"].review_reasons == []
    assert got["3"].title == "Rà soát các quy định về thuế."
    assert (got["3"].deadline_text, got["3"].expected_output) == ("06/2026", "Văn bản")
    assert _leads(got["3"]) == ["Thuế tỉnh"] and _coords(got["3"]) == ["Sở Tài chính"]
    assert _leads(got["4"]) == ["Sở Văn hóa và Thể thao"]
    assert _coords(got["4"]) == ["Sở Tài chính"]  # the repeated header is not cell text
    for code in ("5", "6"):
        assert _leads(got[code]) == ["Sở Văn hóa và Thể thao"]
        assert got[code].review_reasons == [
            "lead agency inherited from merged cell printed at row 4"
        ]
    assert got["6"].assignments[-1] == RawAssignment("Sở Tài chính", "coordinate")
    assert _leads(got["7"]) == ["Công an tỉnh"] and _coords(got["7"]) == ["Sở Tài chính"]


@pytest.mark.parametrize("key", ["ham_rong", "thanh_hoa", "hung_yen_body", "hung_yen_appendix"])
def test_no_pdf_table_in_other_seeds(key: str) -> None:
    assert parse_pdf_table(seed_text(key)) == []


def test_empty_and_random_text() -> None:
    assert parse_pdf_table("") == []
    assert parse_pdf_table("Kế hoạch\n1\n2027 Kế hoạch\n") == []


TABLE_LINES = ["STT NHIỆM VỤ", "1", " 2", "1.1 Rà soát", "", "Sở Y tế", "02/2026 Văn bản"]
TABLE_LINES += ["Các sở, ban,", "- Ủy ban", "thường xuyên Báo cáo", " các xã,", "x"]
TABLE_LIKE = st.lists(st.sampled_from(TABLE_LINES)).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(TABLE_LIKE | st.text().map(lambda s: "STT NHIỆM VỤ\n" + s))
def test_never_raises_on_table_like_noise(text: str) -> None:
    for task in parse_pdf_table(text):
        assert isinstance(task, RawTask) and "\n" not in task.title
