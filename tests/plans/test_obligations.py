"""extract_reporting_obligations: exact results on the seeds, plus heading and wording variants."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pipelines.plans.model import ReportingObligation as R
from pipelines.plans.obligations import extract_reporting_obligations as extract
from tests.conftest import seed_text

STANDING_OFFICE_TH = "Sở Công Thương - Cơ quan Thường trực Ban Chỉ đạo 389 tỉnh"
HY_REPORTER = "Các sở, ban, ngành, UBND các xã, phường"
LC_OFFICE = "Cơ quan Thường trực Ban Chỉ đạo 389 tỉnh"
LC_TO_PROVINCE = "Ủy ban nhân dân tỉnh, Chủ tịch Ủy ban nhân dân, Ban Chỉ đạo 389 tỉnh Lào Cai"


def test_thanh_hoa() -> None:
    assert extract(seed_text("thanh_hoa")) == [
        R(
            "các sở, ngành, đơn vị cấp tỉnh và UBND các xã, phường",
            STANDING_OFFICE_TH,
            "trước ngày 30/9",
            "annual",
            30,
            9,
        ),
        # "... và chủ động tham mưu, thực hiện báo cáo sơ kết, tổng kết theo quy định" has no
        # date, so it is not an obligation.
        R(
            "Sở Công Thương",
            "Ban Chỉ đạo 389 quốc gia và UBND tỉnh",
            "trước ngày 05/10",
            "annual",
            5,
            10,
        ),
    ]


def test_hung_yen_bullets_inherit_the_lead_in() -> None:
    assert extract(seed_text("hung_yen_body")) == [
        R(HY_REPORTER, "Sở Công Thương", "trước ngày 20/9", "annual", 20, 9),
        R(
            HY_REPORTER,
            "Sở Công Thương",
            "trước ngày 20/12/2027",
            "interim",
            20,
            12,
            date(2027, 12, 20),
        ),
        R(
            HY_REPORTER,
            "Sở Công Thương",
            "trước ngày 20/12/2030",
            "final",
            20,
            12,
            date(2030, 12, 20),
        ),
    ]


def test_hung_yen_appendix_alone_has_no_reporting_section() -> None:
    # Task rows mention "báo cáo" but carry no reporting date.
    assert extract(seed_text("hung_yen_appendix")) == []


def test_hung_yen_body_and_appendix_together() -> None:
    both = seed_text("hung_yen_body") + "\n" + seed_text("hung_yen_appendix")
    assert extract(both) == extract(seed_text("hung_yen_body"))


def test_lao_cai_pdf_wrapped() -> None:
    assert extract(seed_text("lao_cai")) == [
        R(
            "các sở, ban ngành thuộc Ủy ban nhân dân tỉnh, cơ quan trung ương đóng trên địa bàn, "
            "Chủ tịch Ủy ban nhân dân các xã, phường",
            "Cơ quan Thường trực Ban Chỉ đạo 389 tỉnh (qua Chi cục Quản lý thị trường)",
            "trước ngày 01 tháng 10",
            "annual",
            1,
            10,
        ),
        R(
            LC_OFFICE,
            "Ủy ban nhân dân, Ban Chỉ đạo 389 tỉnh",
            "Trước ngày 05 tháng 10",
            "annual",
            5,
            10,
        ),
        R(
            LC_OFFICE,
            LC_TO_PROVINCE,
            "trước ngày 05 tháng 01 năm 2028",
            "interim",
            5,
            1,
            date(2028, 1, 5),
        ),
        R(
            LC_OFFICE,
            LC_TO_PROVINCE,
            "trước ngày 05 tháng 01 năm 2031",
            "final",
            5,
            1,
            date(2031, 1, 5),
        ),
    ]


def test_ham_rong() -> None:
    assert extract(seed_text("ham_rong")) == [
        R(
            "các phòng, đơn vị, lực lượng chức năng",
            "UBND phường Hàm Rồng (qua phòng Kinh tế, Hạ tầng và Đô thị - Cơ quan Thường trực "
            "Ban Chỉ đạo 389 phường)",
            "trước ngày 25/9",
            "annual",
            25,
            9,
        ),
        R(
            "phòng Kinh tế, Hạ tầng và Đô thị",
            "Ban Chỉ đạo 389 tỉnh và Sở Công Thương",
            "trước ngày 30/9",
            "annual",
            30,
            9,
        ),
    ]


def test_nfd_input_gives_the_same_obligations() -> None:
    th = seed_text("thanh_hoa")
    nfd = extract(unicodedata.normalize("NFD", th))
    assert [(o.due_day, o.due_month, o.kind) for o in nfd] == [(30, 9, "annual"), (5, 10, "annual")]


TASK_WITH_DATE = (
    "III. NHIỆM VỤ\n1. Sở Tài chính báo cáo UBND tỉnh kết quả rà soát trước ngày 30/6/2026.\n"
)


def test_dates_outside_the_reporting_section_are_ignored() -> None:
    text = TASK_WITH_DATE + (
        "VII. CHẾ ĐỘ BÁO CÁO\n"
        "Định kỳ hằng năm, các phòng, ban gửi báo cáo về Văn phòng UBND xã "
        "chậm nhất ngày 15 tháng 11.\n"
    )
    assert extract(text) == [
        R("các phòng, ban", "Văn phòng UBND xã", "chậm nhất ngày 15 tháng 11", "annual", 15, 11)
    ]


def test_without_a_reporting_heading_falls_back_to_organisation_section() -> None:
    text = TASK_WITH_DATE + (
        "V. TỔ CHỨC THỰC HIỆN\n"
        "- Sở Công Thương tổng hợp, gửi Bộ Công Thương báo cáo sơ kết trước ngày 10/01/2028.\n"
    )
    assert extract(text) == [
        R(
            "Sở Công Thương",
            "Bộ Công Thương",
            "trước ngày 10/01/2028",
            "interim",
            10,
            1,
            date(2028, 1, 10),
        )
    ]


def test_undated_and_impossible_dates_are_not_obligations() -> None:
    text = (
        "3. Chế độ báo cáo\n"
        "- Các sở báo cáo sơ kết, tổng kết theo quy định.\n"
        "- Các sở báo cáo UBND tỉnh trước ngày 45/13.\n"
    )
    assert extract(text) == []


@given(st.text(max_size=500))
def test_never_raises(text: str) -> None:
    for obligation in extract(text):
        assert obligation.kind in {"annual", "interim", "final"}
        assert 1 <= (obligation.due_day or 0) <= 31


@given(
    st.lists(
        st.sampled_from(
            [
                "Chế độ báo cáo\n",
                "- ",
                "báo cáo",
                "gửi về",
                "Sở X",
                "trước ngày 30/9",
                "; ",
                ". ",
                "2028",
                "sơ kết",
                "Trên cơ sở",
                ", ",
                "\n",
                "(qua Y)",
                "Nơi nhận:",
            ]
        )
    )
)
def test_reporting_soup_never_raises(parts: list[str]) -> None:
    extract("".join(parts))
