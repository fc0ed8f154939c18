"""Plan ids unique across the country, and plans whose locality the catalogue does not know."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from pipelines.plans.loader import load_plan_folder
from pipelines.plans.localities import communes, province
from pipelines.plans.model import PlanMeta
from pipelines.plans.plan_ids import make_plan_id, unique_plan_ids
from pipelines.samples.localities import Commune, Province
from pipelines.samples.plan_texts import commune_document
from tests.conftest import SEEDS, seed_text


def _meta(locality: str, code: str | None, number: str | None = None) -> PlanMeta:
    return PlanMeta(locality=locality, locality_code=code, number=number, issue_year=2026)


def test_ids_clash_only_between_localities() -> None:
    metas = [_meta("Tân An", "24163"), _meta("Tân An", "26887"), _meta("Thanh Hóa", "38", "8/KH")]
    ids = [make_plan_id(m) for m in metas]
    assert ids == ["tan-an-kh-2026", "tan-an-kh-2026", "thanh-hoa-8-kh-2026"]
    assert unique_plan_ids(list(zip(ids, metas, strict=True))) == [
        "tan-an-24163-kh-2026",
        "tan-an-26887-kh-2026",
        "thanh-hoa-8-kh-2026",
    ]
    # the same locality twice is two versions of one plan: the id stays, the loader says so
    twice = [("tan-an-kh-2026", metas[0]), ("tan-an-kh-2026", metas[0])]
    assert unique_plan_ids(twice) == ["tan-an-kh-2026", "tan-an-kh-2026"]


def _sample_province(code: str, members: list) -> Province:
    p = province(code)
    return Province(p.name, p.unit, p.code, "web_page", 10, tuple(members))


def test_two_communes_of_one_name_in_two_provinces_get_distinct_ids(tmp_path: Path) -> None:
    by_name: dict[str, list] = {}
    for c in communes():
        by_name.setdefault(c.name, []).append(c)
    name, (first, second, *_) = next(
        (n, cs)
        for n, cs in sorted(by_name.items())
        if len({c.province_code for c in cs}) >= 2 and len(cs) == len({c.province_code for c in cs})
    )
    for c in (first, second):
        commune = Commune(c.name, c.unit, c.code)
        file_name, text = commune_document(
            commune, _sample_province(c.province_code, [commune]), random.Random(1), (0, 0)
        )
        (tmp_path / file_name.replace("/", "_")).write_text(text, encoding="utf-8")
    for key in ("thanh_hoa", "ham_rong"):  # the seeds keep their ids beside them
        (tmp_path / SEEDS[key]).write_text(seed_text(key), encoding="utf-8")
    tables = load_plan_folder(tmp_path)
    assert tables.errors.height == 0, tables.errors.to_dicts()
    plans = tables.frames["plans"].filter(~pl.col("is_reference"))
    got = dict(zip(plans["locality_code"], plans["plan_id"], strict=True))
    assert got[first.code] != got[second.code]
    stem = name.lower()
    assert got[first.code].endswith(f"-{first.code}-kh-2026") and first.code in got[first.code]
    assert got[second.code].endswith(f"-{second.code}-kh-2026"), stem
    assert got["38"] == "thanh-hoa-08-kh-ubnd-2026" and got["14758"] == "ham-rong-kh-2026"
    province_of = dict(zip(plans["locality_code"], plans["province_code"], strict=True))
    assert province_of[first.code] == first.province_code
    assert province_of[second.code] == second.province_code
    police = tables.frames["task_assignments"].filter(
        pl.col("agency_id").str.ends_with(":cong-an-xa")
        | pl.col("agency_id").str.ends_with(":cong-an-phuong")
    )
    assert {a.split(":")[0] for a in police["agency_id"]} == {first.code, second.code, "14758"}


def test_a_locality_outside_the_catalogue_flags_the_plan_and_unscopes_its_agencies(
    tmp_path: Path,
) -> None:
    text = seed_text("ham_rong").replace("Hàm Rồng", "Hàm Rồng Mới")
    (tmp_path / "ham-rong-moi.txt").write_text(text, encoding="utf-8")
    tables = load_plan_folder(tmp_path)
    plan = tables.frames["plans"].filter(~pl.col("is_reference")).row(0, named=True)
    assert (plan["plan_id"], plan["locality"]) == ("ham-rong-moi-kh-2026", "Hàm Rồng Mới")
    assert (plan["locality_code"], plan["province_code"], plan["level"]) == (None, None, "commune")
    assert plan["needs_review"] and "not in the official catalogue" in plan["review_reason"]
    ids = set(tables.frames["task_assignments"]["agency_id"])
    assert "unscoped:cong-an-phuong" in ids
    assert all(a.startswith(("unscoped:", "vn:")) for a in ids)
    agencies = tables.frames["agencies"].filter(pl.col("agency_id").str.starts_with("unscoped:"))
    assert agencies["locality_code"].is_null().all()
