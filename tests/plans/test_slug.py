"""`slug`: the one identifier form of a name (plan ids, agency ids, sample file names)."""

import pytest

from pipelines.plans.text import slug


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("08/KH-UBND", "08-kh-ubnd"),
        ("Thanh Hóa", "thanh-hoa"),
        ("Sở Tài chính & Kế hoạch", "so-tai-chinh-va-ke-hoach"),
        ("Sở Tài chính và Kế hoạch", "so-tai-chinh-va-ke-hoach"),  # & and "và" agree
        ("Đắk Lắk", "dak-lak"),
        ("Ea H'Leo", "ea-h-leo"),
        ("  Phường  Hàm Rồng. ", "phuong-ham-rong"),
        ("Thủ Dầu Một", "thu-dau-mot"),
        ("Sở Công Thương".upper(), "so-cong-thuong"),
        ("—", ""),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_decomposed_and_composed_text_give_one_slug() -> None:
    import unicodedata

    name = "Ủy ban nhân dân xã Quỳnh Lưu"
    assert slug(unicodedata.normalize("NFD", name)) == slug(name) == "uy-ban-nhan-dan-xa-quynh-luu"
