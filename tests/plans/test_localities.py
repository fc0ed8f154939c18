"""The official catalogue of localities: codes, names without quirks, look-ups by name."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from pipelines.plans.localities import (
    NATIONAL,
    Locality,
    communes,
    find_locality,
    locality,
    province,
    provinces,
)
from pipelines.plans.text import name_key


def test_the_catalogue_holds_34_provinces_and_3321_communes() -> None:
    assert len(provinces()) == 34
    assert len(communes()) == 3321
    assert sum(p.type == "thành phố trung ương" for p in provinces()) == 6
    assert {c.type for c in communes()} == {"xã", "phường", "đặc khu"}
    assert all(len(p.code) == 2 and p.province_code == p.code for p in provinces())
    assert all(len(c.code) == 5 and c.level == "commune" for c in communes())
    assert {c.province_code for c in communes()} == {p.code for p in provinces()}


def test_codes_names_and_types_of_the_seed_localities() -> None:
    assert province("38") == Locality("38", "Thanh Hóa", "tỉnh", "province", "38")
    assert province("1") == Locality("01", "Hà Nội", "thành phố trung ương", "province", "01")
    assert province("01").unit == "thành phố"
    assert locality("14758") == Locality("14758", "Hàm Rồng", "phường", "commune", "38")
    assert locality("vn") is NATIONAL and NATIONAL.level == "national"
    assert locality("99999") is None and locality(None) is None
    with pytest.raises(KeyError):
        province("14758")


def test_names_are_nfc_single_spaced_without_their_type_word() -> None:
    for loc in (*provinces(), *communes()):
        assert loc.name == unicodedata.normalize("NFC", loc.name)
        assert loc.name == " ".join(loc.name.split()), loc.name
        assert not loc.name.casefold().startswith(("xã ", "phường ", "thành phố ", "tỉnh "))
    # the package prints "Xã  Bắc Đông Quan" (two spaces)
    found = find_locality("Bắc Đông Quan", type_word="xã")
    assert found is not None and found.name == "Bắc Đông Quan" and found.province_code == "33"


@pytest.mark.parametrize(
    ("printed", "kwargs", "code"),
    [
        ("Thanh Hoá", {}, "38"),  # the old placement of the tone mark
        ("THANH HÓA", {}, "38"),
        ("tỉnh Thanh Hóa", {}, "38"),
        ("Thành phố Hà Nội", {}, "01"),
        ("TP. Hồ Chí Minh", {}, "79"),
        ("Hà Nội", {"type_word": "thành phố"}, "01"),
        ("HÀM RỒNG", {}, "14758"),
        ("Phường Hàm Rồng", {}, "14758"),
        ("Hàm  Rồng", {"type_word": "phường", "province": "Thanh Hóa"}, "14758"),
        (unicodedata.normalize("NFD", "Hàm Rồng"), {"province": "38"}, "14758"),
        ("Lào Cai", {}, "15"),  # a province and a ward: bare, it is the province
        ("Lào Cai", {"type_word": "phường"}, "02647"),
        ("Phường Lào Cai", {}, "02647"),
        ("Văn Lăng", {"province": "19"}, "05665"),  # "Văn Lang" is another xã of Thái Nguyên
        ("Văn Lang", {"province": "19"}, "02143"),
        ("Đặc khu Vân Đồn", {}, "06994"),
    ],
)
def test_find_by_printed_name(printed: str, kwargs: dict, code: str) -> None:
    found = find_locality(printed, **kwargs)
    assert found is not None and found.code == code


def test_repeated_commune_names_are_told_apart_by_province_or_type() -> None:
    by_key = Counter(name_key(c.name) for c in communes())
    assert sum(n > 1 for n in by_key.values()) > 100  # hundreds of names repeat
    tan_an = [c for c in communes() if c.name == "Tân An"]  # ten of them, xã and phường
    assert len(tan_an) == 10 and {c.type for c in tan_an} == {"xã", "phường"}
    assert find_locality("Tân An") is None  # ambiguous: never a guess
    assert find_locality("Tân An", type_word="xã") is None
    assert find_locality("Văn Lang") is None  # without its province nor its diacritics
    for commune in tan_an:
        assert find_locality("Tân An", province=commune.province_code) == commune
        name = province(commune.province_code).name
        assert find_locality(f"{commune.type} tân an", province=name) == commune


def test_every_province_and_commune_is_found_by_its_own_name_and_province() -> None:
    for p in provinces():
        assert find_locality(p.name, level="province") == p
        assert find_locality(f"{p.unit} {p.name}") == p
    for c in communes():
        assert find_locality(c.name, type_word=c.type, province=c.province_code) == c, c
        assert find_locality(f"{c.type} {c.name}", province=c.province_code) == c, c


def test_unknown_or_empty_names_are_none() -> None:
    assert find_locality("Hà Giang") is None  # merged into Tuyên Quang on 1 July 2025
    assert find_locality("") is None and find_locality("…") is None
    assert find_locality("Hàm Rồng", type_word="xã", province="Nghệ An") is None
