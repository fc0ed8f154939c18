"""The official catalogue of Vietnam's localities: 34 provinces and 3,321 communes.

Built on the `vietnam-provinces` package (the administrative units in force since 1 July 2025,
with their official codes, types and parent provinces); nothing here is a hand-written list.
Codes are strings: a province's two digits (`"38"`), a commune's five (`"14758"`, wards and
special zones included), `"vn"` for the country. Names are kept without their type word
(`"Hàm Rồng"`, not `"Phường Hàm Rồng"`), in NFC with single spaces and capitalised words: the
package prints a few with a double space (`"Xã  Bắc Đông Quan"`), one in lower case
(`"Xã Đắk song"`).

Commune names repeat across provinces (and within one, as a xã and a phường; a few differ only
by a diacritic, "Văn Lang" and "Văn Lăng"), so a look-up by name takes the type word, the
province and the diacritics that tell them apart, and answers None rather than guess when
they do not.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from vietnam_provinces import Province, Ward

from pipelines.plans.text import name_key, squash

PROVINCE_TYPES = ("tỉnh", "thành phố trung ương")
COMMUNE_TYPES = ("xã", "phường", "đặc khu")


@dataclass(frozen=True)
class Locality:
    code: str  # "38" (province), "14758" (commune), "vn" (national)
    name: str  # "Thanh Hóa", "Hàm Rồng": no type word
    type: str  # tỉnh, thành phố trung ương, xã, phường, đặc khu, quốc gia
    level: str  # national | province | commune
    province_code: str  # its province; itself for a province; "vn" for the country

    @property
    def unit(self) -> str:
        """The word printed before the name: `tỉnh`, `thành phố`, `phường`, `xã`, `đặc khu`."""
        return "thành phố" if self.type == "thành phố trung ương" else self.type


NATIONAL = Locality("vn", "Việt Nam", "quốc gia", "national", "vn")

# Type words as printed before a name (folded), and the catalogue types each stands for.
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "tinh": PROVINCE_TYPES,
    "thanh pho": PROVINCE_TYPES,  # since 2025 only the six centrally-run cities are thành phố
    "tp": PROVINCE_TYPES,
    "xa": ("xã",),
    "phuong": ("phường",),
    "dac khu": ("đặc khu",),
}
_LEADING_TYPE = re.compile(r"^(tinh|thanh pho|tp|xa|phuong|dac khu) (.+)$")


def _clean_name(raw: str, division_type: str) -> str:
    """`Xã  Bắc Đông Quan` → `Bắc Đông Quan`; `Thành phố Hà Nội` → `Hà Nội`."""
    name = squash(unicodedata.normalize("NFC", raw))
    prefix = "thành phố" if division_type == "thành phố trung ương" else division_type
    if name.casefold().startswith(prefix + " "):
        name = name[len(prefix) + 1 :]
    return " ".join(w[:1].upper() + w[1:] for w in name.split())  # "Đắk song" → "Đắk Song"


@functools.cache
def _catalogue() -> tuple[dict[str, Locality], dict[str, tuple[Locality, ...]]]:
    """(code → locality, name key → localities of that name), built once per process."""
    by_code: dict[str, Locality] = {NATIONAL.code: NATIONAL}
    for p in Province.iter_all():
        code = f"{int(p.code):02d}"
        kind = p.division_type.value
        by_code[code] = Locality(code, _clean_name(p.name, kind), kind, "province", code)
    for w in Ward.iter_all():
        code = f"{int(w.code):05d}"
        kind = w.division_type.value
        province_code = f"{int(w.province_code):02d}"
        by_code[code] = Locality(code, _clean_name(w.name, kind), kind, "commune", province_code)
    by_name: dict[str, list[Locality]] = {}
    for loc in by_code.values():
        if loc is not NATIONAL:
            by_name.setdefault(name_key(loc.name), []).append(loc)
    return by_code, {k: tuple(v) for k, v in by_name.items()}


def provinces() -> tuple[Locality, ...]:
    """The 34 provinces and centrally-run cities, by code."""
    return tuple(loc for loc in _catalogue()[0].values() if loc.level == "province")


def communes(province_code: str | None = None) -> tuple[Locality, ...]:
    """Communes, wards and special zones (of one province when given), by code."""
    return tuple(
        sorted(
            (
                loc
                for loc in _catalogue()[0].values()
                if loc.level == "commune" and province_code in (None, loc.province_code)
            ),
            key=lambda loc: loc.code,
        )
    )


def locality(code: str | None) -> Locality | None:
    """The locality of a code (`"vn"`, `"38"`, `"14758"`; `"1"` reads as `"01"`); None if none."""
    if not code:
        return None
    code = code.strip().lower()
    if code.isdigit():
        code = code.zfill(2) if len(code) <= 2 else code.zfill(5)
    return _catalogue()[0].get(code)


def province(code: str) -> Locality:
    """The province of a two-digit code; KeyError when there is none."""
    found = locality(code)
    if found is None or found.level != "province":
        raise KeyError(f"no province with code {code!r}")
    return found


def _province_code(hint: str | None) -> str | None:
    """A province given by code or by name (`"38"`, `"Thanh Hoá"`, `"tỉnh Thanh Hóa"`)."""
    if not hint:
        return None
    if hint.strip().isdigit():
        found = locality(hint)
        return found.code if found and found.level == "province" else None
    found = find_locality(hint, level="province")
    return found.code if found else None


def _pick(
    found: tuple[Locality, ...], word: str | None, province_code: str | None, level: str | None
) -> tuple[Locality, ...]:
    if level:
        found = tuple(loc for loc in found if loc.level == level)
    if word:
        types = _TYPE_WORDS[word]
        typed = tuple(loc for loc in found if loc.type in types)
        if not typed:  # "xã" printed for what the catalogue calls a phường: keep the level
            levels = {"province" if t in PROVINCE_TYPES else "commune" for t in types}
            typed = tuple(loc for loc in found if loc.level in levels)
        found = typed
    if province_code:
        found = tuple(loc for loc in found if loc.province_code == province_code)
    if len(found) > 1 and not (word or level):
        # a bare name that is both a province and a commune ("Lào Cai") means the province
        found = tuple(loc for loc in found if loc.level == "province") or found
    return found


def find_locality(
    name: str,
    *,
    type_word: str | None = None,
    province: str | None = None,
    level: str | None = None,
) -> Locality | None:
    """The catalogue's locality for a printed name; None when unknown or ambiguous.

    `name` in any case, diacritics or spacing, with or without its type word (`"Thanh Hoá"`,
    `"HÀM RỒNG"`, `"Phường Hàm Rồng"`). `type_word` is the one printed with it (`xã`, `phường`,
    `đặc khu`, `tỉnh`, `thành phố`); `province` (a name or code) tells apart communes whose
    names repeat across provinces; `level` (`province`/`commune`) restricts the answer.
    """
    key = name_key(name)
    word = name_key(type_word or "") or None
    if word not in (None, *_TYPE_WORDS):
        word = None
    tries = [(key, word)]
    leading = _LEADING_TYPE.match(key)
    if leading:  # "Xà Phiên" is a name; "Xã Phú Hữu" is a type word and a name
        tries.append((leading.group(2), word or leading.group(1)))
    province_code = _province_code(province)
    by_name = _catalogue()[1]
    for candidate, candidate_word in tries:
        found = by_name.get(candidate)
        if found:
            picked = _pick(found, candidate_word, province_code, level)
            if len(picked) > 1:  # "Văn Lang" and "Văn Lăng": the diacritics tell them apart
                printed = _exact(name)
                picked = tuple(loc for loc in picked if printed.endswith(_exact(loc.name)))
            if picked:
                return picked[0] if len(picked) == 1 else None
    return None


def _exact(name: str) -> str:
    return " " + " ".join(unicodedata.normalize("NFC", name).casefold().split())
