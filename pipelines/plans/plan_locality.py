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
from pipelines.plans.text import name_key

_UBND = re.compile(
    r"(?:(?:ủy|uỷ|uy)\s+ban\s+nhân\s+dân|ubnd)\s+(tỉnh|thành\s+phố|phường|xã|đặc\s+khu)\s+", re.I
)
_PLACE_WORD = re.compile(r"[^\W\d_][^\W\d_’']*(?:[’'][^\W\d_]+)*|\d{1,2}|[-–]")
_HINT_CHARS = 20_000  # the letterhead, the opening and the first sections


def _implemented_province(meta: PlanMeta) -> str | None:
    """Code of the province whose plan this one implements, the most telling hint."""
    if not meta.implements_locality:
        return None
    found = find_locality(meta.implements_locality, level="province")
    return found.code if found else None


def _named_provinces(text: str) -> list[str]:
    """Codes of the provinces the text names ("tỉnh X", "thành phố X"), in the order printed."""
    flat = f" {name_key(text[:_HINT_CHARS])} "
    named: list[tuple[int, str]] = []
    for p in provinces():
        spots = [flat.find(f" {word} {name_key(p.name)} ") for word in ("tinh", "thanh pho", "tp")]
        spots = [at for at in spots if at >= 0]
        if spots:
            named.append((min(spots), p.code))
    return [code for _, code in sorted(named)]


def is_place_word(token: str) -> bool:
    """A word of a place name: capitalised (`Hàm`, `M’Drắk`), a number (`Hà Giang 2`) or a dash
    (`Xuân Hương - Đà Lạt`)."""
    return bool(_PLACE_WORD.fullmatch(token)) and not token[0].islower()


def _issuing_bodies(text: str) -> list[tuple[str, str | None]]:
    """(name, type word) of every "UBND <type> <Name>" in the plan's opening, in the order
    printed; the name is every place word that follows on its line, digits, dashes and
    apostrophes included ("UBND phường Long Phú 1 ban hành")."""
    found: list[tuple[str, str | None]] = []
    for m in _UBND.finditer(text[:_HINT_CHARS]):
        end = text.find("\n", m.end())
        line = text[m.end() : end if end >= 0 else None]
        words = []
        for token in line.split()[:6]:
            if not is_place_word(token):
                break
            words.append(token)
        if words and (" ".join(words), m.group(1)) not in found:
            found.append((" ".join(words), m.group(1)))
    return found


def plan_locality(meta: PlanMeta, text: str) -> Locality | None:
    """The plan's locality in the catalogue; None when it is not there or stays ambiguous.

    A commune's name is looked up in the province whose plan it implements first, then on its
    own (unique in the country, diacritics included: "Nam Đông" in Huế is not "Nam Dong" in Lâm
    Đồng), then in each province the text names."""
    if meta.level == "national":
        return NATIONAL
    level = meta.level if meta.level in ("province", "commune") else None
    names: list[tuple[str, str | None]] = []
    issuer = _UBND.match(meta.issuer or "")
    if issuer:
        names.append((meta.issuer[issuer.end() :].strip(), issuer.group(1)))  # type: ignore[index]
    if meta.locality:
        names.append((meta.locality, None))
    names += _issuing_bodies(text)  # names the letterhead cannot hold: "Hà Giang 2", "Cư M'gar"
    implemented = _implemented_province(meta)
    named: list[str] | None = None
    for name, word in names:
        if implemented:
            found = find_locality(name, type_word=word, level=level, province=implemented)
            if found:
                return found
        found = find_locality(name, type_word=word, level=level)
        if found:
            return found
        named = _named_provinces(text) if named is None else named
        for code in named:
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
