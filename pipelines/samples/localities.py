"""The country the national sample set covers: 34 provinces and 3,321 communes (configurable).

Province names are the 34 provincial units in force since 1 July 2025 (6 centrally-run cities,
28 provinces). Commune names are generated from common place-name syllables, unique nationally
by their folded spelling: a plan id is made from the locality's name, so two communes of the
same name would clash (the loader reports such a clash rather than merging the plans).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.plans.text import fold

CITIES = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
PROVINCES = (
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
    "Hưng Yên", "Ninh Bình", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip
FIRST = (
    "An", "Bình", "Tân", "Phú", "Hòa", "Thanh", "Đông", "Tây", "Nam", "Bắc", "Quảng", "Vĩnh",
    "Long", "Hưng", "Minh", "Đức", "Hồng", "Kim", "Ngọc", "Phúc", "Thạch", "Trung", "Xuân",
    "Hải", "Sơn", "Lâm", "Cẩm", "Yên", "Thái", "Thuận", "Mỹ", "Gia", "Hiệp", "Lộc", "Nghĩa",
    "Quang", "Thịnh", "Vạn", "Đại", "Cát", "Hoàng", "Liên", "Tam", "Thượng", "Hạ", "Châu",
    "Định", "Hà", "Lạc", "Tiên",
)  # fmt: skip
SECOND = (
    "Lập", "Hòa", "Thành", "Phong", "Lợi", "An", "Bình", "Thịnh", "Phú", "Mỹ", "Hưng", "Long",
    "Sơn", "Hải", "Lâm", "Xuân", "Tiến", "Thắng", "Quang", "Minh", "Đông", "Tây", "Trung",
    "Nghĩa", "Tân", "Khánh", "Hiệp", "Lộc", "Phước", "Thuận", "Điền", "Giang", "Hà", "Cường",
    "Dương", "Vinh", "Định", "Châu", "Yên", "Ninh", "Khê", "Trạch", "Đức", "Hồng", "Cát",
    "Bảo", "Kiên", "Thái", "Hợp", "Tường", "Vân", "Sơn Tây", "Đồng", "Quý",
)  # fmt: skip
WARD_SHARE = 0.21  # 687 phường among 3,321 communes


@dataclass(frozen=True)
class Commune:
    name: str
    unit: str  # "xã" or "phường"


@dataclass(frozen=True)
class Province:
    name: str
    unit: str  # "tỉnh" or "thành phố"
    shape: str  # which seed document its plan is written like
    number: int  # the plan's number: NN/KH-UBND
    communes: tuple[Commune, ...]


PROVINCE_SHAPES = ("web_page", "body_appendix", "pdf_text")


def _commune_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{a} {b}" for a in FIRST for b in SECOND if a != b]
    rng.shuffle(pairs)
    triples = [f"{p} {d}" for p in pairs for d in ("Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ")]
    rng.shuffle(triples)  # Tân Phú Đông: used once the two-syllable names run out
    pairs += triples
    names: list[str] = []
    seen = {fold(n) for n in (*CITIES, *PROVINCES)}  # "xã An Giang" would read as the province
    for name in pairs:
        key = fold(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
        if len(names) == count:
            return names
    raise ValueError(f"at most {len(names)} distinct commune names can be generated")


def country(provinces: int = 34, communes: int = 3321, seed: int = 389) -> list[Province]:
    """The provinces in order, each with its communes; same arguments, same country."""
    if not 1 <= provinces <= len(CITIES) + len(PROVINCES):
        raise ValueError(f"provinces must be between 1 and {len(CITIES) + len(PROVINCES)}")
    rng = random.Random(f"{seed}|country")
    units = [(n, "thành phố") for n in CITIES] + [(n, "tỉnh") for n in PROVINCES]
    chosen = sorted(rng.sample(units, provinces), key=lambda u: fold(u[0]))
    names = iter(_commune_names(rng, communes))
    weights = [rng.uniform(0.6, 1.4) for _ in chosen]  # provinces differ in size
    shares = [int(communes * w / sum(weights)) for w in weights]
    for i in range(communes - sum(shares)):
        shares[i % provinces] += 1
    out: list[Province] = []
    for i, ((name, unit), share) in enumerate(zip(chosen, shares, strict=True)):
        members = tuple(
            Commune(next(names), "phường" if rng.random() < WARD_SHARE else "xã")
            for _ in range(share)
        )
        out.append(Province(name, unit, PROVINCE_SHAPES[i % 3], 10 + 7 * i, members))
    return out
