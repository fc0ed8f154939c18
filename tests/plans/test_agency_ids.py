"""Agency ids across the country: `<locality code of the unit>:<role>`, the same role everywhere."""

from __future__ import annotations

import pytest

from pipelines.plans.agencies import resolve_agency
from pipelines.plans.customs import REGIONS_FILE, customs_regions, roman
from pipelines.plans.localities import find_locality, provinces
from pipelines.plans.tolerant import canonical_keys, closest_catalogue_key

TH, HR = "38", "14758"  # Thanh Hóa, Phường Hàm Rồng (Thanh Hóa)
CITIES = {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}


def aid(mention: str, locality: str | None, level: str | None = None) -> str:
    return resolve_agency(mention, locality, level).agency_id


def test_the_examples_of_the_issue() -> None:
    hanoi = find_locality("Hà Nội")
    assert hanoi is not None and hanoi.code == "01"
    assert aid("Công an thành phố", "01") == "01:cong-an-tinh"
    assert aid("Công an tỉnh", HR) == "38:cong-an-tinh" == aid("Công an tỉnh", TH)
    assert aid("Công an phường", HR) == "14758:cong-an-phuong"
    assert aid("UBND các xã, phường", TH) == "38:group:ubnd-cac-xa-phuong"


@pytest.mark.parametrize("spelling", ["UBND", "Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND xã"])
def test_a_bare_peoples_committee_has_one_id_whatever_the_spelling(spelling: str) -> None:
    assert aid(spelling, HR) == "14758:ubnd-phuong"  # Hàm Rồng is a phường: "xã" is a slip
    assert aid(spelling.replace(" xã", ""), TH) == "38:ubnd-tinh"


def test_the_six_cities_police_and_military_are_six_agencies_each() -> None:
    cities = [p for p in provinces() if p.type == "thành phố trung ương"]
    assert {c.name for c in cities} == CITIES
    police = {aid("Công an thành phố", c.code) for c in cities}
    military = {aid("Bộ Chỉ huy Quân sự thành phố", c.code) for c in cities}
    assert police == {f"{c.code}:cong-an-tinh" for c in cities}
    assert military == {f"{c.code}:bo-chi-huy-quan-su-tinh" for c in cities}
    hanoi = resolve_agency("Công an thành phố Hà Nội", "79")  # named in another city's plan
    assert (hanoi.agency_id, hanoi.name, hanoi.locality) == (
        "01:cong-an-tinh",
        "Công an thành phố",
        "Hà Nội",
    )


def test_a_communes_plan_names_its_provinces_units_under_the_province() -> None:
    assert aid("Sở Công Thương", HR) == "38:so-cong-thuong"
    assert aid("Sở Ngoại vụ", HR) == "38:so-ngoai-vu"  # outside the catalogue, still a Sở
    assert aid("Đội Quản lý thị trường số 3", HR) == "38:doi-quan-ly-thi-truong-so-3"
    assert aid("Chi cục Quản lý thị trường", HR) == "38:chi-cuc-quan-ly-thi-truong"
    assert aid("Chi cục Kiểm lâm", HR) == "38:chi-cuc-kiem-lam"
    assert aid("Hạt Kiểm lâm", HR) == "38:hat-kiem-lam"
    post = resolve_agency(
        "Đồn Biên phòng Hàm Rồng", HR
    )  # named after the commune, yet the province's
    assert (post.agency_id, post.name, post.kind, post.locality) == (
        "38:don-bien-phong-ham-rong",
        "Đồn Biên phòng Hàm Rồng",
        "border_guard",
        "Thanh Hóa",
    )
    assert aid("Hải quan khu vực X", HR) == "vn:chi-cuc-hai-quan-khu-vuc-x"
    assert aid("Thuế cơ sở 3 tỉnh Thanh Hóa", HR) == "38:thue-co-so-3"
    # the commune's own apparatus stays the commune's
    assert aid("Ban Chỉ huy Quân sự phường", HR) == "14758:ban-chi-huy-quan-su-phuong"
    assert aid("Trạm Y tế phường", HR).startswith("14758:")
    assert aid("Công an phường Hàm Rồng", TH) == "14758:cong-an-phuong"  # named by the province


def test_customs_regions_come_from_the_data_file() -> None:
    assert REGIONS_FILE.read_text(encoding="utf-8").startswith("#")  # it says its sources
    assert customs_regions("38") == ("x",)
    assert customs_regions("33") == ("iv",)
    assert customs_regions("15") == ("vii",)
    assert {p.code for p in provinces()} <= {p.code for p in provinces() if customs_regions(p.code)}
    regions = {r for p in provinces() for r in customs_regions(p.code)}
    assert regions == {roman(str(n)) for n in range(1, 21)}  # the 20 regional branches
    assert aid("Hải quan", TH) == aid("lực lượng Hải quan", HR) == "vn:chi-cuc-hai-quan-khu-vuc-x"
    assert aid("Hải quan", "33") == "vn:chi-cuc-hai-quan-khu-vuc-iv"
    assert aid("Chi cục Hải quan khu vực 10", TH) == "vn:chi-cuc-hai-quan-khu-vuc-x"
    # a province served by several branches: all of them, never one picked
    assert len(customs_regions("79")) > 1
    both = resolve_agency("Hải quan", "79")
    assert both.is_group and both.agency_id == "79:group:chi-cuc-hai-quan-khu-vuc"


def test_unknown_locality_gives_unscoped_agencies() -> None:
    for locality in (None, "99", "not a code"):
        police = resolve_agency("Công an tỉnh", locality)
        assert (police.agency_id, police.locality, police.locality_code) == (
            "unscoped:cong-an-tinh",
            None,
            None,
        )
    assert aid("Công an", None, "commune") == "unscoped:cong-an-xa"
    assert aid("Bộ Công an", None) == "vn:bo-cong-an"  # a national body is national anywhere


@pytest.mark.parametrize(
    ("garbled", "plan", "agency_id"),
    [
        ("Cong an tinh", TH, "38:cong-an-tinh"),
        ("Sở Cong Thuơng", TH, "38:so-cong-thuong"),
        ("Chi cuc Quan ly thi truòng", TH, "38:chi-cuc-quan-ly-thi-truong"),
        ("Cong an tlnh", TH, "38:cong-an-tinh"),
        ("C0ng an tỉnh Thanh Hóa", HR, "38:cong-an-tinh"),
        ("Côngan phường", HR, "14758:cong-an-phuong"),
        ("Chi cuc Quan Iy thi truong", HR, "38:chi-cuc-quan-ly-thi-truong"),
        ("Sở Nông nghiệp và Môi trưòng", TH, "38:so-nong-nghiep-va-moi-truong"),
        ("Bo Chi huy Bo doi Bien phonq tinh", TH, "38:bo-chi-huy-bo-doi-bien-phong"),
    ],
)
def test_tolerant_matching_reads_ocr_garbled_names(garbled: str, plan: str, agency_id: str) -> None:
    assert resolve_agency(garbled, plan, tolerant=True).agency_id == agency_id


def test_tolerant_matching_keeps_distinct_names_apart() -> None:
    assert aid("Sở Cônq Thươnq", TH) == "38:so-conq-thuonq"  # only the tolerant mode guesses
    assert resolve_agency("Sở Cônq Thươnq", TH, tolerant=True).agency_id == "38:so-cong-thuong"
    assert aid("Sở Ngoại vụ", TH) == resolve_agency("Sở Ngoại vụ", TH, tolerant=True).agency_id
    assert resolve_agency("Sở Tư pháp", TH, tolerant=True).agency_id == "38:so-tu-phap"
    assert resolve_agency("Hội Nông dân", TH, tolerant=True).agency_id == "38:hoi-nong-dan"


def test_every_canonical_name_is_its_own_closest_name() -> None:
    """The tolerant mode's targets: catalogue names at the levels their patterns accept."""
    keys = canonical_keys()
    assert "cong an tinh" in keys.values() and "ban chi huy quan su tinh" not in keys.values()
    for name in keys.values():
        assert closest_catalogue_key(name) == name
