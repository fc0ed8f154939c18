"""Tolerant matching of agency names misread by OCR, against the catalogue's canonical names.

Folding (`pipelines.plans.text.fold`) already makes lost or swapped diacritics harmless ("Sở
Cong Thuơng" folds as "Sở Công Thương" does). What remains are misread letters and spaces
("Cong an tlnh", "Chi cuc Quan Iy thi truong", "Côngan tỉnh"): a name is taken for the
catalogue name it is a few edits away from, a number of edits that grows with its length
(1 up to 13 characters, 2 up to 20, ...), and only when no other catalogue name is as close.
Short names stay strict, so "Sở Ngoại vụ" never becomes "Sở Nội vụ".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipelines.plans.agency_catalog import CATALOG
from pipelines.plans.text import fold, name_key

_UNITS = ("tỉnh", "thành phố", "phường", "xã", "đặc khu")
_CHARS_PER_EDIT = 7


@functools.cache
def canonical_keys() -> dict[str, str]:
    """Punctuation-free key → folded canonical name, for every catalogue name (each level of
    the names that exist at every level; names with a number or a place left out)."""
    keys: dict[str, str] = {}
    for entry in CATALOG:
        if any(f"{{{field}}}" in entry.name for field in ("region", "num", "post")):
            continue
        units = _UNITS if "{unit}" in entry.name else ("",)
        for unit in units:
            name = re.sub(r"\s*[-–—]\s*", " - ", fold(entry.name.format(unit=unit)))
            if any(p.fullmatch(name) for p in entry.patterns):  # the levels it exists at
                keys.setdefault(name_key(name), name)
    return keys


def closest_catalogue_key(key: str, places: Iterable[str] = ()) -> str | None:
    """The folded catalogue name `key` (a folded mention) is a misreading of, keeping a
    trailing place name (`places`: the plan's locality and province) as printed; None when
    nothing is close enough or two names are equally close."""
    tail = ""
    for place in sorted((fold(p) for p in places), key=len, reverse=True):
        if place and key.endswith(f" {place}"):
            key, tail = key[: -len(place) - 1], f" {place}"
            break
    norm = name_key(key)
    if not norm:
        return None
    choices = canonical_keys()
    hits = process.extract(
        norm,
        list(choices),
        scorer=Levenshtein.distance,
        score_cutoff=max(1, len(norm) // _CHARS_PER_EDIT),
        limit=2,
    )
    if not hits or (len(hits) == 2 and hits[0][1] == hits[1][1]):
        return None
    return choices[hits[0][0]] + tail
