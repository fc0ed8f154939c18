"""The national sample set covers the catalogue's real provinces and communes."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.plans.loader import load_plan_folder
from pipelines.plans.localities import communes, provinces
from pipelines.samples.localities import country
from pipelines.samples.national import NationalOptions, write_plans


def test_the_whole_country_is_the_catalogue() -> None:
    whole = country()
    assert whole == country()  # deterministic
    assert len(whole) == 34 and sum(len(p.communes) for p in whole) == 3321
    assert {p.code for p in whole} == {p.code for p in provinces()}
    assert {c.code for p in whole for c in p.communes} == {c.code for c in communes()}
    names = {c.code: (c.name, c.unit) for c in communes()}
    assert all(names[c.code] == (c.name, c.unit) for p in whole for c in p.communes)


def test_a_smaller_country_is_a_seeded_sample() -> None:
    part = country(3, 40, seed=7)
    assert part == country(3, 40, seed=7) and part != country(3, 40, seed=8)
    assert len(part) == 3 and sum(len(p.communes) for p in part) == 40
    of = {c.code: c.province_code for c in communes()}
    assert all(of[c.code] == p.code for p in part for c in p.communes)
    with pytest.raises(ValueError):
        country(35)


@pytest.fixture(scope="module")
def national_plans(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("national") / "plans"
    opts = NationalOptions(provinces=34, communes=40, seed=389)
    write_plans(out, opts)
    return country(34, 40, 389), load_plan_folder(out, workers=1)


def test_every_plan_of_the_set_finds_its_locality(national_plans) -> None:
    land, tables = national_plans
    assert tables.errors.height == 0, tables.errors.to_dicts()[:3]
    plans = tables.frames["plans"].filter(~pl.col("is_reference"))
    assert plans.height == 34 + 40
    assert not plans["needs_review"].any()
    expected = {p.code for p in land} | {c.code for p in land for c in p.communes}
    assert set(plans["locality_code"]) == expected
    assert plans["plan_id"].n_unique() == plans.height


def test_each_city_has_its_own_police(national_plans) -> None:
    _, tables = national_plans
    ids = set(tables.frames["agencies"]["agency_id"])
    cities = [p.code for p in provinces() if p.type == "thành phố trung ương"]
    assert len(cities) == 6
    assert {f"{code}:cong-an-tinh" for code in cities} <= ids
    assert not any(a.startswith(("thanh-pho:", "unscoped:")) for a in ids)
