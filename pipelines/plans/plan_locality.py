"""Which locality of the official catalogue a plan belongs to, read from its metadata and text.

The name comes from the issuer ("Ủy ban nhân dân phường Hàm Rồng", with its type word) or the
place-date line ("Hàm Rồng, ngày … "). Commune names repeat across provinces (hundreds do), so
when the name alone is ambiguous the province is looked for in the text: the plan it
implements ("Kế hoạch số 08/KH-UBND … của Ủy ban nhân dân tỉnh Thanh Hóa"), then every "tỉnh
X" / "thành phố X" it mentions, in the order printed.
"""

from __future__ import annotations

import re

from pipelines.plans.localities import NATIONAL, Locality, find_locality, provinces
from pipelines.plans.model import PlanMeta
from pipelines.plans.text import fold, name_key

_ISSUER = re.compile(r"^(?:uy ban nhan dan|ubnd) (tinh|thanh pho|phuong|xa|dac khu) (.+)$")
_HINT_CHARS = 20_000  # the letterhead, the opening and the first sections


def _province_hints(meta: PlanMeta, text: str) -> list[str]:
    """Codes of the provinces the plan names, most telling first."""
    hints: list[str] = []
    if meta.implements_locality:
        found = find_locality(meta.implements_locality, level="province")
        if found:
            hints.append(found.code)
    flat = f" {name_key(text[:_HINT_CHARS])} "
    named: list[tuple[int, str]] = []
    for p in provinces():
        spots = [flat.find(f" {word} {name_key(p.name)} ") for word in ("tinh", "thanh pho", "tp")]
        spots = [at for at in spots if at >= 0]
        if spots:
            named.append((min(spots), p.code))
    return hints + [code for _, code in sorted(named) if code not in hints]


def plan_locality(meta: PlanMeta, text: str) -> Locality | None:
    """The plan's locality in the catalogue; None when it is not there or stays ambiguous."""
    if meta.level == "national":
        return NATIONAL
    level = meta.level if meta.level in ("province", "commune") else None
    names: list[tuple[str, str | None]] = []
    issuer = _ISSUER.match(fold(meta.issuer or ""))
    if issuer:
        names.append((issuer.group(2), issuer.group(1)))
    if meta.locality:
        names.append((meta.locality, None))
    hints: list[str] | None = None
    for name, word in names:
        found = find_locality(name, type_word=word, level=level)
        if found:
            return found
        hints = _province_hints(meta, text) if hints is None else hints
        for code in hints:
            found = find_locality(name, type_word=word, level=level, province=code)
            if found:
                return found
    return None


def apply_plan_locality(meta: PlanMeta, text: str) -> None:
    """Set the plan's locality code, province, type and level from the catalogue."""
    found = plan_locality(meta, text)
    if found is None:
        return
    meta.locality_code, meta.province_code = found.code, found.province_code
    meta.locality_type, meta.level = found.type, found.level  # type: ignore[assignment]
    if found is not NATIONAL:
        meta.locality = found.name


def locality_review_reason(meta: PlanMeta) -> str | None:
    """Why a plan needs review for its locality; None when the catalogue knows it."""
    if meta.locality_code:
        return None
    if meta.locality:
        return f"locality {meta.locality!r} is not in the official catalogue of localities"
    return "the plan's locality could not be read"
