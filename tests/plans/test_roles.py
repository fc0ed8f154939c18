"""Who does what in a task's text: labels, prose, and the deadline prose states."""

from __future__ import annotations

import pytest

from pipelines.plans.roles import (
    agency_list_end,
    looks_like_agency,
    prose_deadline,
    read_labels,
    read_prose,
)


@pytest.mark.parametrize(
    ("text", "head", "fields"),
    [
        (
            "Mở đợt cao điểm. Cơ quan chủ trì: Công an tỉnh. Cơ quan phối hợp: Sở Công Thương, "
            "Chi cục Hải quan khu vực XIII. Thời hạn hoàn thành: trước ngày 30/6/2026.",
            "Mở đợt cao điểm.",
            {
                "lead": ["Công an tỉnh"],
                "coordinate": ["Sở Công Thương, Chi cục Hải quan khu vực XIII"],
                "deadline": ["trước ngày 30/6/2026"],
            },
        ),
        (
            "Kiểm tra thực phẩm (Chủ trì: Sở Y tế; phối hợp: Chi cục QLTT, Công an tỉnh; "
            "thời hạn: Quý II/2026).",
            "Kiểm tra thực phẩm",
            {
                "lead": ["Sở Y tế"],
                "coordinate": ["Chi cục QLTT, Công an tỉnh"],
                "deadline": ["Quý II/2026"],
            },
        ),
        (
            "Rà soát quy định.\n- Đơn vị thực hiện: Sở Tư pháp.\n- Đơn vị phối hợp: Các sở, "
            "ban, ngành; UBND các xã, phường.\n- Thời gian thực hiện: Quý II/2026.\n"
            "- Sản phẩm: Báo cáo.",
            "Rà soát quy định.",
            {
                "lead": ["Sở Tư pháp"],
                "coordinate": ["Các sở, ban, ngành; UBND các xã, phường"],
                "deadline": ["Quý II/2026"],
                "output": ["Báo cáo"],
            },
        ),
        # a label word inside the task's text is not a label: no colon, or not opening a clause
        ("Phối hợp xử lý vi phạm; thực hiện thường xuyên", "Phối hợp xử lý vi phạm; "
         "thực hiện thường xuyên", {}),
        ("Tuyên truyền về kết quả thực hiện: 100% hộ kinh doanh", "Tuyên truyền về kết quả "
         "thực hiện: 100% hộ kinh doanh", {}),
    ],
)  # fmt: skip
def test_labels(text: str, head: str, fields: dict) -> None:
    labelled = read_labels(text)
    assert labelled.head == head
    assert labelled.fields == fields


@pytest.mark.parametrize(
    ("text", "leads", "coordinators"),
    [
        (
            "Giao Công an tỉnh chủ trì, phối hợp với Sở Công Thương, Chi cục Hải quan khu vực XX "
            "và Bộ Chỉ huy Bộ đội Biên phòng tỉnh tăng cường đấu tranh, triệt phá các đường dây.",
            ["Công an tỉnh"],
            ["Sở Công Thương, Chi cục Hải quan khu vực XX và Bộ Chỉ huy Bộ đội Biên phòng tỉnh"],
        ),
        (
            "Chi cục Quản lý thị trường chủ trì kiểm tra thị trường nội địa; Sở Y tế, Sở Nông "
            "nghiệp và Môi trường phối hợp theo chức năng, nhiệm vụ được giao.",
            ["Chi cục Quản lý thị trường"],
            ["Sở Y tế, Sở Nông nghiệp và Môi trường"],
        ),
        (
            "Đề nghị Thuế tỉnh An Giang chủ trì, phối hợp với Sở Công Thương, Công an tỉnh rà "
            "soát, quản lý thuế đối với hộ kinh doanh trực tuyến.",
            ["Thuế tỉnh An Giang"],
            ["Sở Công Thương, Công an tỉnh"],
        ),
        (
            "Văn phòng HĐND và UBND xã có trách nhiệm đăng tải Kế hoạch; phối hợp với Ban Quản "
            "lý chợ xã kiểm tra niêm yết giá.",
            ["Văn phòng HĐND và UBND xã"],
            ["Ban Quản lý chợ xã"],
        ),
        ("Tổ chức tuyên truyền trên hệ thống loa truyền thanh.", [], []),
    ],
)
def test_prose(text: str, leads: list[str], coordinators: list[str]) -> None:
    roles = read_prose(text)
    assert (roles.leads, roles.coordinators) == (leads, coordinators)


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("Công an xã", True),
        ("Đề nghị Ủy ban MTTQ Việt Nam xã", True),
        ("Trưởng các ấp, khu phố", True),
        ("các sở, ban, ngành", True),
        ("Các nhiệm vụ khác", False),
        ("Bảo đảm nguồn lực, ứng dụng công nghệ", False),
        ("Tuyên truyền, phổ biến pháp luật", False),
        ("Báo và Phát thanh, Truyền hình tỉnh", True),
        # folded, these start like "Sở", "Phòng", "Đội": printed, they are topics
        ("Sơ kết, đánh giá việc thực hiện Kế hoạch", False),
        ("Phong trào toàn dân bảo vệ an ninh Tổ quốc", False),
        ("Đối thoại với doanh nghiệp", False),
        ("Sở Công Thương", True),
        ("So Cong Thuong", True),  # printed without diacritics: given the benefit
    ],
)
def test_looks_like_agency(text: str, agency: bool) -> None:
    assert looks_like_agency(text) is agency


def test_an_agency_list_ends_at_the_action() -> None:
    text = "Sở Công Thương, Công an tỉnh rà soát, quản lý thuế"
    assert text[: agency_list_end(text)] == "Sở Công Thương, Công an tỉnh"
    keep = "Chi cục Quản lý thị trường, Ban Quản lý các chợ kiểm tra"  # "quản lý" in names
    assert keep[: agency_list_end(keep)] == "Chi cục Quản lý thị trường, Ban Quản lý các chợ"


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("… tổ chức quán triệt Kế hoạch, hoàn thành trong Quý I/2026.", "trong Quý I/2026"),
        ("… triệt phá, hoàn thành đợt cao điểm trước ngày 30/6/2026.", "trước ngày 30/6/2026"),
        ("… đẩy mạnh tuyên truyền; thực hiện thường xuyên.", "thường xuyên"),
        ("… rà soát thuế hộ kinh doanh; thực hiện hằng năm.", "hằng năm"),
        ("… kiểm tra hàng hóa phục vụ Tết Nguyên đán năm 2027.", None),  # a date, not a deadline
    ],
)
def test_prose_deadline(text: str, deadline: str | None) -> None:
    assert prose_deadline(text) == deadline
