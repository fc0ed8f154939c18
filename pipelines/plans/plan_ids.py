"""Plan ids: readable, stable, unique across the country.

An id is made of the locality's name, the plan's number and its year
(`thanh-hoa-08-kh-ubnd-2026`, `ham-rong-kh-2026` for a plan printed without a number). Commune
names repeat across provinces (hundreds do), so where two plans of a load would get the same id
and belong to different localities, each carries its locality's official code, unique in the
country: `tan-an-24163-kh-2026`. Plans whose ids do not clash keep the short form, so the id of
a plan does not change with the files loaded beside it unless they clash.
"""

from __future__ import annotations

from collections import defaultdict

from pipelines.plans.model import PlanMeta
from pipelines.plans.text import slug


def make_plan_id(meta: PlanMeta, *, with_code: bool = False) -> str | None:
    """`<locality>-<number>-<year>`; with `with_code`, `<locality>-<code>-<number>-<year>`."""
    year = meta.issue_year or (meta.issue_date.year if meta.issue_date else None)
    if not meta.locality or not year:
        return None
    number = slug(meta.number) if meta.number else "kh"
    place = slug(meta.locality)
    if with_code and meta.locality_code:
        place = f"{place}-{meta.locality_code}"
    return f"{place}-{number}-{year}"


def unique_plan_ids(plans: list[tuple[str, PlanMeta]]) -> list[str]:
    """The ids of a load's plans, given (id, metadata) each: an id shared by plans of different
    localities gets their locality codes; the same locality twice keeps the id (two versions of
    one plan, which the loader reports)."""
    localities: dict[str, set[str | None]] = defaultdict(set)
    for plan_id, meta in plans:
        localities[plan_id].add(meta.locality_code)
    return [
        (make_plan_id(meta, with_code=True) or plan_id)
        if len(localities[plan_id]) > 1 and meta.locality_code
        else plan_id
        for plan_id, meta in plans
    ]
