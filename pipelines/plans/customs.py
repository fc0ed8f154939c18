"""Which regional customs branch (Chi cục Hải quan khu vực) serves a province.

Read from `reference/customs_regions.csv`, whose header says where each row comes from. Used
when a plan names a bare "Hải quan": since 2025 customs is a central service organised in 20
regions, so the province's own branch is meant.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

REGIONS_FILE = Path(__file__).parent / "reference" / "customs_regions.csv"
_ROMAN = (("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


@functools.cache
def _regions() -> dict[str, tuple[str, ...]]:
    rows: dict[str, list[str]] = {}
    with REGIONS_FILE.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines):
            rows.setdefault(row["province_code"], []).append(roman(row["region"]))
    return {code: tuple(regions) for code, regions in rows.items()}


def customs_regions(province_code: str | None) -> tuple[str, ...]:
    """The regions (lower-case Roman numerals, `("x",)`) serving a province; () when unknown."""
    return _regions().get(province_code or "", ())


def roman(region: str) -> str:
    """A region number as lower-case Roman numerals: `"10"`, `"X"` and `"x"` → `"x"`."""
    region = region.strip().lower()
    if not region.isdigit():
        return region
    number, out = int(region), ""
    for numeral, value in _ROMAN:
        while number >= value:
            out, number = out + numeral, number - value
    return out
