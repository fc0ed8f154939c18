"""The country the national sample set covers: the official catalogue's 34 provinces and 3,321
communes (`pipelines.plans.localities`), or a deterministic part of them.

Commune names repeat across provinces (and within one, as a xã and a phường): the plans of the
set carry them as they are, and the loader tells them apart by their official codes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.plans import localities as catalogue
from pipelines.plans.text import fold


@dataclass(frozen=True)
class Commune:
    name: str
    unit: str  # "xã", "phường" or "đặc khu"
    code: str  # official 5-digit code


@dataclass(frozen=True)
class Province:
    name: str
    unit: str  # "tỉnh" or "thành phố"
    code: str  # official 2-digit code
    shape: str  # which seed document its plan is written like
    number: int  # the plan's number: NN/KH-UBND
    communes: tuple[Commune, ...]


PROVINCE_SHAPES = ("web_page", "body_appendix", "pdf_text")


def country(provinces: int = 34, communes: int = 3321, seed: int = 389) -> list[Province]:
    """The provinces by name, each with its communes; same arguments, same country. Fewer
    than all are a seeded sample: `provinces` of them, and `communes` of their communes."""
    every = sorted(catalogue.provinces(), key=lambda p: fold(p.name))
    if not 1 <= provinces <= len(every):
        raise ValueError(f"provinces must be between 1 and {len(every)}")
    rng = random.Random(f"{seed}|country")
    chosen = sorted(rng.sample(every, provinces), key=lambda p: fold(p.name))
    pool = [c for p in chosen for c in catalogue.communes(p.code)]
    if not 0 <= communes <= len(pool):
        raise ValueError(f"the {provinces} provinces chosen have {len(pool)} communes")
    picked = {c.code for c in rng.sample(pool, communes)}
    return [
        Province(
            p.name,
            p.unit,
            p.code,
            PROVINCE_SHAPES[i % len(PROVINCE_SHAPES)],
            10 + 7 * i,
            tuple(
                Commune(c.name, c.unit, c.code)
                for c in catalogue.communes(p.code)
                if c.code in picked
            ),
        )
        for i, p in enumerate(chosen)
    ]
