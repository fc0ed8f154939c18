"""Plan metadata from the seed documents and from synthetic letterhead/portal variants."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plans.metadata import _shadow, extract_metadata
from pipelines.plans.model import PlanMeta
from pipelines.plans.text import decode_bytes, normalize_document
from tests.conftest import PLANS_DIR, SEEDS, seed_text

THANH_HOA_TITLE = (
    "Đấu tranh ngăn chặn, đẩy lùi tình trạng buôn lậu, gian lận thương mại, hàng giả, xâm phạm "
    "quyền sở hữu trí tuệ đến năm 2030 trên địa bàn tỉnh Thanh Hoá"
)


def test_thanh_hoa_web_page() -> None:
    assert extract_metadata(seed_text("thanh_hoa")) == PlanMeta(
        title=THANH_HOA_TITLE,
        issuer="Ủy ban nhân dân tỉnh Thanh Hóa",
        level="province",
        locality="Thanh Hóa",
        number="08/KH-UBND",
        issue_date=date(2026, 1, 10),
        issue_year=2026,
        issue_month=1,
        signer="Nguyễn Hoài Anh",
        implements=["397/NQ-CP"],
        implements_locality=None,
        horizon_year=2030,
        locality_code="38",
        province_code="38",
        locality_type="tỉnh",
    )


def test_ham_rong_ward_plan_has_blank_number_and_partial_date() -> None:
    meta = extract_metadata(seed_text("ham_rong"))
    assert meta.number is None
    assert (meta.issue_date, meta.issue_year, meta.issue_month) == (None, 2026, 1)
    assert meta.locality == "Hàm Rồng"
    assert meta.issuer == "Ủy ban nhân dân phường Hàm Rồng"  # inferred: no letterhead printed
    assert meta.level == "commune"
    assert meta.signer == "Phạm Đức Toàn"
    assert meta.implements == ["08/KH-UBND"]
    assert meta.implements_locality == "Thanh Hóa"
    assert meta.horizon_year == 2030
    assert (meta.locality_code, meta.province_code, meta.locality_type) == ("14758", "38", "phường")
    assert meta.title is not None and meta.title.endswith("trên địa bàn phường Hàm Rồng")


def test_hung_yen_body_year_only_and_locality_spelling_repaired() -> None:
    meta = extract_metadata(seed_text("hung_yen_body"))
    assert meta.locality == "Hưng Yên"  # printed "Hung Yên" in the date line
    assert (meta.issue_date, meta.issue_year, meta.issue_month) == (None, 2026, None)
    assert meta.number is None
    assert meta.issuer == "Ủy ban nhân dân tỉnh Hưng Yên"
    assert meta.level == "province"
    assert meta.signer == "Lê Quang Hòa"
    assert meta.implements == ["397/NQ-CP"]
    # three wrapped title lines joined into one
    assert meta.title == (
        "Đấu tranh ngăn chặn, đẩy lùi tình trạng buôn lậu, gian lận thương mại, hàng giả, "
        "xâm phạm quyền sở hữu trí tuệ đến năm 2030 trên địa bàn tỉnh Hưng Yên"
    )


def test_lao_cai_pdf_text() -> None:
    meta = extract_metadata(seed_text("lao_cai"))
    assert meta.locality == "Lào Cai"
    assert (meta.issue_date, meta.issue_year, meta.issue_month) == (None, 2025, None)
    assert meta.issuer == "Ủy ban nhân dân tỉnh Lào Cai"
    assert meta.signer == "Ngô Hạnh Phúc"
    assert meta.implements == ["397/NQ-CP"]
    assert meta.horizon_year == 2030
    # the title crosses a blank line the PDF inserted mid-sentence
    assert meta.title == (
        "Triển khai đấu tranh ngăn chặn, đẩy lùi tình trạng buôn lậu, gian lận thương mại, "
        "hàng giả, xâm phạm quyền sở hữu trí tuệ trên địa bàn tỉnh Lào Cai đến năm 2030"
    )


def _raw(key: str) -> str:
    return decode_bytes((PLANS_DIR / SEEDS[key]).read_bytes())


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s.replace("\n", "\r\n"),
        lambda s: "\ufeff" + s,
        lambda s: unicodedata.normalize("NFD", s),
        lambda s: s.replace(" ", "\u00a0"),
    ],
    ids=["crlf", "bom", "nfd", "nbsp"],
)
@pytest.mark.parametrize("key", ["thanh_hoa", "ham_rong", "hung_yen_body"])
def test_encoding_variants_give_identical_metadata(key: str, mangle) -> None:
    expected = extract_metadata(seed_text(key))
    assert extract_metadata(normalize_document(mangle(_raw(key)))) == expected


def test_bom_bytes_decode_to_same_metadata() -> None:
    data = b"\xef\xbb\xbf" + (PLANS_DIR / SEEDS["thanh_hoa"]).read_bytes().replace(b"\n", b"\r\n")
    text = normalize_document(decode_bytes(data))
    assert extract_metadata(text) == extract_metadata(seed_text("thanh_hoa"))


PORTAL_TABLE = """\
| Số hiệu | 08/KH-UBND |
|---|---|
| Loại văn bản | Kế hoạch |
| Cơ quan ban hành | Ủy ban nhân dân tỉnh Thanh Hóa |
| Người ký | Nguyễn Hoài Anh |
| Ngày ban hành | 10/01/2026 |

KẾ HOẠCH
Đấu tranh ngăn chặn, đẩy lùi tình trạng buôn lậu đến năm 2030 trên địa bàn tỉnh Thanh Hóa

Thực hiện Nghị quyết số 397/NQ-CP ngày 05/12/2025 của Chính phủ, UBND tỉnh ban hành Kế hoạch.

I. MỤC ĐÍCH, YÊU CẦU
"""


def test_portal_metadata_table_is_a_fallback() -> None:
    meta = extract_metadata(normalize_document(PORTAL_TABLE))
    assert meta.number == "08/KH-UBND"
    assert meta.signer == "Nguyễn Hoài Anh"
    assert meta.issue_date == date(2026, 1, 10)
    assert (meta.issue_year, meta.issue_month) == (2026, 1)
    assert meta.issuer == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert meta.level == "province"
    assert meta.locality == "Thanh Hóa"
    assert meta.implements == ["397/NQ-CP"]


def test_portal_lines_fill_in_when_the_letterhead_is_cut_off() -> None:
    text = seed_text("thanh_hoa")
    head, _, tail = text.rpartition("\nNguyễn Hoài Anh\n")  # the signature, not the portal
    cut = (head + "\n" + tail).replace("Số: 08/KH-UBND", "")
    cut = cut.replace("Thanh Hóa, ngày 10 tháng 01 năm 2026", "")
    meta = extract_metadata(cut)
    assert meta.number == "08/KH-UBND"  # from "Số hiệu: 08/KH-UBND Ngày đăng công báo: ..."
    assert meta.signer == "Nguyễn Hoài Anh"  # from "Loại văn bản: Kế hoạch Người ký: ..."
    assert meta.issue_date == date(2026, 1, 10)  # value printed two lines below its label


FLATTENED_HEADER = """\
| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
| TỈNH TUYÊN QUANG | Độc lập - Tự do - Hạnh phúc |
| Số: 74/KH-UBND | Tuyên Quang, ngày 07 tháng 7 năm 2020 |

KẾ HOẠCH
Phòng, chống buôn lậu, gian lận thương mại và hàng giả năm 2020

Thực hiện Kế hoạch số 12/KH-BCĐ389 ngày 02/3/2020 của Ban Chỉ đạo 389 quốc gia.

I. MỤC ĐÍCH
1. Nội dung.

| Nơi nhận: | TM. ỦY BAN NHÂN DÂN |
| - Như trên; | KT. CHỦ TỊCH |
| - Lưu: VT. | PHÓ CHỦ TỊCH |
| | Hoàng Việt Phương |
"""


def test_flattened_two_column_letterhead() -> None:
    meta = extract_metadata(normalize_document(FLATTENED_HEADER))
    assert meta.number == "74/KH-UBND"
    assert meta.issue_date == date(2020, 7, 7)
    assert meta.locality == "Tuyên Quang"
    assert meta.issuer == "Ủy ban nhân dân tỉnh Tuyên Quang"
    assert meta.level == "province"
    assert meta.title == "Phòng, chống buôn lậu, gian lận thương mại và hàng giả năm 2020"
    assert meta.implements == ["12/KH-BCĐ389"]
    assert meta.signer == "Hoàng Việt Phương"
    assert meta.horizon_year is None


def test_commune_letterhead_and_impossible_date() -> None:
    text = normalize_document(
        "ỦY BAN NHÂN DÂN\nXÃ TÂN LẬP\n\nSố: 5/KH-UBND\n\nTân Lập, ngày 31 tháng 02 năm 2026\n\n"
        "KẾ HOẠCH\nPhòng, chống buôn lậu trên địa bàn xã đến năm 2030\n"
    )
    meta = extract_metadata(text)
    assert (meta.issuer, meta.level) == ("Ủy ban nhân dân xã Tân Lập", "commune")
    assert (meta.issue_date, meta.issue_year, meta.issue_month) == (None, 2026, 2)
    assert meta.horizon_year == 2030


def test_national_resolution_level() -> None:
    text = "CHÍNH PHỦ\n\nSố: 397/NQ-CP\n\nHà Nội, ngày 05 tháng 12 năm 2025\n\nNGHỊ QUYẾT\n"
    meta = extract_metadata(text)
    assert (meta.issuer, meta.level, meta.number) == ("Chính phủ", "national", "397/NQ-CP")
    assert meta.issue_date == date(2025, 12, 5)
    assert meta.locality == "Hà Nội"


def test_empty_text_gives_empty_metadata() -> None:
    assert extract_metadata("") == PlanMeta()


_VIET_TOKENS = st.sampled_from(
    [
        "Số:",
        "KẾ HOẠCH",
        "ngày",
        "tháng",
        "năm 2026",
        ",",
        "\n",
        "TM.",
        "ỦY BAN NHÂN DÂN",
        "TỈNH",
        "Thực hiện",
        "Kế hoạch số 1/",
        "Người ký:",
        "Ngày ban hành:",
        "|",
        "Hà",
        "10/01/2026",
        " ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_VIET_TOKENS, st.text(max_size=20)), max_size=60))
def test_never_raises_on_arbitrary_text(parts: list[str]) -> None:
    text = " ".join(parts)
    assert isinstance(extract_metadata(text), PlanMeta)
    assert isinstance(extract_metadata(normalize_document(text)), PlanMeta)


@given(st.text(max_size=200))
def test_shadow_keeps_every_position(text: str) -> None:
    # values are sliced from the original text at positions found in the shadow
    assert len(_shadow(text)) == len(text)


COMMUNE_PLAN = """{letterhead}
Số: 05/KH-UBND
Trung Sơn, ngày 12 tháng 02 năm 2026

KẾ HOẠCH
Phòng, chống buôn lậu, gian lận thương mại và hàng giả trên địa bàn xã năm 2026

{opening}

I. MỤC ĐÍCH, YÊU CẦU
"""


@pytest.mark.parametrize(
    ("letterhead", "opening", "code"),
    [
        # the province over the commune in the letterhead
        ("UBND TỈNH THANH HÓA\nUBND XÃ TRUNG SƠN", "", "14875"),
        # the plan it implements
        (
            "ỦY BAN NHÂN DÂN\nXÃ TRUNG SƠN",
            "Thực hiện Kế hoạch số 08/KH-UBND ngày 10/01/2026 của UBND tỉnh Thanh Hóa về …",
            "14875",
        ),
        # a "tỉnh X" mention further on
        (
            "ỦY BAN NHÂN DÂN\nXÃ TRUNG SƠN",
            "Căn cứ tình hình địa bàn giáp tỉnh Thanh Hóa …",
            "14875",
        ),
        # nothing tells which of the communes of that name: not a guess
        ("ỦY BAN NHÂN DÂN\nXÃ TRUNG SƠN", "", None),
    ],
)
def test_a_repeated_commune_name_is_placed_by_the_province_its_text_names(
    letterhead: str, opening: str, code: str | None
) -> None:
    meta = extract_metadata(COMMUNE_PLAN.format(letterhead=letterhead, opening=opening))
    assert (meta.issuer, meta.level, meta.locality) == (
        "Ủy ban nhân dân xã Trung Sơn",
        "commune",
        "Trung Sơn",
    )
    assert meta.locality_code == code
    assert meta.province_code == ("38" if code else None)
