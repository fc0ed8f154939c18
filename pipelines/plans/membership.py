"""Which agencies a collective assignment ("Các sở, ngành", "UBND các xã, phường") covers.

Plans assign many tasks to collective phrases. An agency reporting on such a task is accepted
when its kind belongs to the collective; the rule is by kind, never by guessing names.
"""

from __future__ import annotations

_FORCES = {"police", "customs", "border_guard", "market_surveillance", "military"}
_PROVINCE_BODIES = _FORCES | {
    "department",
    "tax",
    "inspectorate",
    "press",
    "standing_office",
    "procuracy",
    "investigation",
}

# slug of a collective agency id (after ":group:") → kinds of agency it covers
GROUP_KINDS: dict[str, frozenset[str]] = {
    "cac-so-nganh": frozenset(_PROVINCE_BODIES),
    "cac-so-nganh-dia-phuong": frozenset(_PROVINCE_BODIES | {"peoples_committee"}),
    "co-quan-don-vi": frozenset(_PROVINCE_BODIES | {"peoples_committee", "ward_office"}),
    "ubnd-cac-xa-phuong": frozenset({"peoples_committee"}),
    "luc-luong-chuc-nang": frozenset(_FORCES),
    "luc-luong-cua-khau": frozenset({"customs", "border_guard"}),
    "co-quan-quan-ly-chuyen-nganh": frozenset({"department", "market_surveillance"}),
    "co-quan-dieu-tra": frozenset({"police", "investigation", "customs", "border_guard"}),
    "co-quan-duoc-giao-dieu-tra": frozenset({"customs", "border_guard", "market_surveillance"}),
    "co-quan-bao-chi": frozenset({"press"}),
    "chi-cuc-hai-quan-khu-vuc": frozenset({"customs"}),  # the branches serving a province
    "cac-phong-don-vi": frozenset({"ward_office", "service_center"}),
    "doan-the": frozenset({"front_mass_org"}),
    "mat-tran-to-quoc-va-doan-the": frozenset({"front_mass_org"}),
    "to-dan-pho-lang": frozenset({"residential_group"}),
}


def group_covers(group_id: str, agency_kind: str) -> bool:
    """True when the collective `group_id` (`<locality>:group:<slug>`) includes that kind."""
    slug = group_id.split(":group:", 1)[-1]
    return agency_kind in GROUP_KINDS.get(slug, frozenset())


def is_assigned(agency_id: str, agency_kind: str, assigned_ids: set[str]) -> bool:
    """Directly assigned, or covered by a collective assigned to the task."""
    if agency_id in assigned_ids:
        return True
    return any(":group:" in a and group_covers(a, agency_kind) for a in assigned_ids)
