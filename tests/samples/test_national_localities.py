"""The national sample set covers the catalogue's real provinces and communes."""

from __future__ import annotations

import random
import re
from collections import Counter

import polars as pl
import pytest

from pipelines.plans.loader import load_plan_folder
from pipelines.plans.localities import communes, provinces
from pipelines.plans.metadata import extract_metadata
from pipelines.plans.plan_locality import plan_locality
from pipelines.plans.text import name_key
from pipelines.samples.localities import country
from pipelines.samples.national import NationalOptions, write_plans
from pipelines.samples.plan_texts import commune_document


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


def test_every_commune_plan_is_read_in_its_layout_with_its_leads(national_plans) -> None:
    """Commune plans are the ward seed with extra task groups drawn at random ("Sơ kết, đánh
    giá việc thực hiện Kế hoạch" among them, which folds like "Sở …"): each one reads as task
    groups, every task with a lead of the commune or the province."""
    _, tables = national_plans
    plans = tables.frames["plans"].filter(pl.col("level") == "commune")
    assert set(plans["shape"]) == {"task_groups"}
    tasks = tables.frames["plan_tasks"].join(plans.select("plan_id"), on="plan_id")
    led = tables.frames["task_assignments"].filter(pl.col("role") == "lead")
    assert tasks.join(led, on=["plan_id", "task_code"], how="anti").height == 0


def test_each_city_has_its_own_police(national_plans) -> None:
    _, tables = national_plans
    ids = set(tables.frames["agencies"]["agency_id"])
    cities = [p.code for p in provinces() if p.type == "thành phố trung ương"]
    assert len(cities) == 6
    assert {f"{code}:cong-an-tinh" for code in cities} <= ids
    assert not any(a.startswith(("thanh-pho:", "unscoped:")) for a in ids)


def test_communes_whose_names_differ_only_by_diacritics_keep_apart() -> None:
    """Communes "Nam Đông" (Huế), "Nam Dong" (Lâm Đồng), "Nam Đồng" (Ninh Bình) fold alike:
    each commune of the country that shares its folded name with another is placed by its
    plan's own spelling and the province plan it implements."""
    land = country()
    keys = Counter(name_key(c.name) for p in land for c in p.communes)
    shared = [(c, p) for p in land for c in p.communes if keys[name_key(c.name)] > 1]
    assert len(shared) > 500  # hundreds of communes share a folded name
    misplaced = []
    for commune, province in shared:
        _, text = commune_document(commune, province, random.Random(commune.code), (0, 0))
        found = plan_locality(extract_metadata(text), text)
        if found is None or found.code != commune.code:
            misplaced.append((commune.name, province.name, found and found.code, commune.code))
    assert not misplaced, misplaced[:10]


def test_each_commune_plan_cites_its_province_plan_by_its_number() -> None:
    """Province plans are numbered 10, 17, …, 108: a number ending like the seed's "08" is
    put in whole, never twice (1108/KH-UBND left Hồ Chí Minh's communes without a parent)."""
    for province in country():
        commune = province.communes[0]
        _, text = commune_document(commune, province, random.Random(commune.code), (0, 0))
        cited = set(re.findall(r"Kế hoạch số (\d+)/KH-UBND", text))
        assert cited == {str(province.number)}, (province.name, cited)
