"""Agency mentions in plan assignments: splitting, canonicalising, footnote expansion.

`split_agency_text` turns one assignment as printed ("Sở Công Thương, các sở, ngành, đơn vị,
địa phương") into mentions; `resolve_agency` maps a mention to a stable `Agency` using the
table in `agency_catalog`, with a fallback that never raises.

Ids are `<locality code>:<role slug>`, the code being the official one of the unit the agency
belongs to (`pipelines.plans.localities`): `38:cong-an-tinh` is Thanh Hóa's police whichever
plan names it, `01:cong-an-tinh` Hà Nội's ("Công an thành phố"), `14758:cong-an-phuong` Phường
Hàm Rồng's. Collectives are `<plan's locality code>:group:<slug>`; national bodies and the
customs regions `vn:`; agencies of a plan whose locality the catalogue does not know
`unscoped:`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.plans.agency_catalog import (
    BARE_CUSTOMS,
    CATALOG,
    FALLBACK_SCOPES,
    HEADS,
    LEADING_KINDS,
    AgencyKind,
    CatalogEntry,
)
from pipelines.plans.customs import customs_regions, roman
from pipelines.plans.localities import NATIONAL, Locality, find_locality
from pipelines.plans.localities import locality as find_code
from pipelines.plans.text import fold, slug, squash
from pipelines.plans.tolerant import closest_catalogue_key


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    kind: AgencyKind
    locality: str | None  # name of the locality it belongs to; "Khu vực IV" for a customs region
    is_group: bool = False
    locality_code: str | None = None  # "38", "14758", "vn"; None when unscoped


# ---------------------------------------------------------------------------- splitting

_PH = "\ue000"  # stands for a parenthetical while the outer text is split
_I = re.IGNORECASE
_LABEL = re.compile(
    r"^\s*(?:(?:đơn vị|cơ quan)\s+(?:chủ trì|phối hợp|thực hiện)|phân công thực hiện)\s*:\s*", _I
)
_FORCES = re.compile(r"^(?:các\s+)?lực\s+lượng\s*:\s*", _I)
_ROLE_COLON = re.compile(
    r":\s*(?=(?:chủ trì|phối hợp|thực hiện|tổ chức|tham gia|tham mưu|chịu trách nhiệm|tổng hợp"
    r"|tiếp nhận|thường xuyên|phát huy|theo dõi|kịp thời|là đầu mối)\b)",
    _I,
)
# Where the agency part of a piece ends and a duty or scope clause begins.
_QUALIFIER = re.compile(
    r"\s+(?:theo\s+(?:lĩnh vực|chức năng|địa bàn|phân công|phân cấp)|(?:phối hợp\s+)?triển khai\b"
    r"|phối hợp\b|chủ trì\b|để\s+tổng hợp|căn cứ\b)",
    _I,
)
# "Sở Công Thương - Cơ quan Thường trực Ban Chỉ đạo 389 tỉnh" names one agency, not two.
_APPOSITIVE = re.compile(
    r"\s+[-–]\s+cơ quan thường trực ban chỉ đạo 389(?:\s+(?:tỉnh|phường|xã))?", _I
)
# a hyphen inside a name: "Phòng Văn hóa - Xã hội", "các tổ chức chính trị - xã hội"
_SOCIAL = re.compile(r"(văn h(?:o[áa]|óa)|chính trị)\s*[-–]\s*(xã hội)", _I)
_TOP_SEP = re.compile(r"\s*;\s*|\s*\n\s*(?:[-+•]\s+)?|(?:^|\s+)[-+•]\s+")
_ATOM_SEP = re.compile(r"\s*,\s*|\s+và\s+", _I)
_CONNECTOR_END = re.compile(r"(?:[,/:&–-]|\bvà)\s*$", _I)
_COLLECTIVE_START = re.compile(r"^(?:cac|nhung) |^(?:ubnd|uy ban nhan dan)(?: cac)? (?:xa|phuong)")
_CONTINUATION = re.compile(
    r"(?:so|ban|nganh|ban nganh|don vi|co quan|to chuc|dia phuong|phuong|xa|thi tran|lang|thon"
    r"|luc luong(?: chuc nang)?)(?: (?:cap tinh|tinh|co lien quan|lien quan|khac|truc thuoc .*"
    r"|thuoc .*|tren dia ban.*|dong tren dia ban.*))?"
)
# "Mặt trận Tổ quốc và các đoàn thể" is one (collective) name although "các" starts a new one.
_FRONT_AND_MASS_ORGS = re.compile(
    r"(?:uy ban )?(?:mat tran to quoc|mttq)(?: viet nam)?(?: \w+)? va cac "
    r"(?:doan the|to chuc chinh tri)"
)


def _starts_with_head(folded: str) -> bool:
    return any(folded == h or folded.startswith(h + " ") for h in HEADS)


def _join_wrapped_lines(text: str) -> str:
    """Keep a newline only where it separates agencies; a PDF's wrapped cell becomes one line."""
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    out: list[str] = []
    for line in lines:
        if not out:
            out.append(line)
            continue
        prev = out[-1]
        hard = (
            line[0] in "-+•"
            or prev.endswith(";")
            or (
                line[0].isupper()
                and _starts_with_head(fold(line))
                and not _CONNECTOR_END.search(prev)
            )
        )
        if hard:
            out.append(line)
        else:
            out[-1] = f"{prev} {line}"
    return "\n".join(out)


def _protect_parens(text: str) -> tuple[str, list[str]]:
    """Replace each top-level `( ... )` with a placeholder; stray brackets are dropped."""
    outer: list[str] = []
    groups: list[str] = []
    depth, buf = 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
            if depth > 1:
                buf += ch
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
            if depth == 0:
                groups.append(buf)
                outer.append(_PH)
                buf = ""
            else:
                buf += ch
        elif depth:
            buf += ch
        else:
            outer.append(ch)
    if depth:  # unclosed: keep its text as ordinary outer text
        outer.append(buf)
    return "".join(outer), groups


def _sentences(pieces: list[str]) -> list[str]:
    """Split further after a full stop followed by a capital ("UBND các xã. Công an tỉnh")."""
    out: list[str] = []
    for piece in pieces:
        parts = re.split(r"(?<=\.)\s+", piece)
        out.append(parts[0])
        for part in parts[1:]:
            if part[:1].isupper():
                out.append(part)
            else:
                out[-1] = f"{out[-1]} {part}"
    return out


def _clean_mention(text: str) -> str:
    text = squash(text.replace("…", " ").replace("...", " "))
    text = re.sub(r"^(?:[-+•*]\s*|\d+(?:\.\d+)*[.)]\s+)+", "", text)
    text = re.sub(r"(?<=[^\W\d_])\d{1,2}(?=[\s.;,]*$)", "", text)  # a glued footnote marker
    return text.strip(" .,;:/-–")


def _role_colon_agencies(text: str) -> list[str] | None:
    """`X: Chủ trì ...; Y: Phối hợp ...` → [X, Y]; None when no such duty clauses."""
    colons = list(_ROLE_COLON.finditer(text))
    if not colons:
        return None
    names = []
    for m in colons:
        before = text[: m.start()]
        names.append(re.split(r"[.;\n]\s+|[.;\n]$|\s[-+•]\s|:\s*", before)[-1])
    return names


def _merge_atoms(piece: str) -> list[str]:
    """Split on commas and "và" only before a word that starts a new agency."""
    parts = _ATOM_SEP.split(piece)
    seps = _ATOM_SEP.findall(piece)
    mentions = [parts[0]]
    for sep, atom in zip(seps, parts[1:], strict=True):
        cur, key = mentions[-1], fold(atom)
        joined = fold(f"{cur}{sep}{atom}")
        keep_together = (
            not _starts_with_head(key)
            or (_COLLECTIVE_START.match(fold(cur)) and _CONTINUATION.fullmatch(key))
            or _FRONT_AND_MASS_ORGS.match(joined)
            # a name the catalogue knows only whole ("Văn phòng HĐND và UBND xã")
            or (in_catalogue(f"{cur}{sep}{atom}") and not in_catalogue(cur))
        )
        if keep_together:
            mentions[-1] = f"{cur}{sep}{atom}"
        else:
            mentions.append(atom)
    return mentions


def _split_piece(piece: str, groups: list[str]) -> list[str]:
    """One top-level piece (no `;`, dash or newline left) → mentions, examples in brackets last."""
    piece = _LABEL.sub("", _clean_mention(piece))
    forces = _FORCES.match(piece)
    if forces:
        piece = piece[forces.end() :]
    elif ":" in piece:
        piece = piece.split(":", 1)[0]  # "Agency: duty" - the duty names no agency
    cut = _QUALIFIER.search(piece)
    if cut:
        piece = piece[: cut.start()]
    kept = groups[: piece.count(_PH)]
    piece = piece.replace(_PH, " ")
    out: list[str] = []
    for sentence in _sentences([piece]):
        for part in re.split(r"(?<!\d)\s*/\s*(?!\d)", sentence):
            out.extend(_clean_mention(m) for m in _merge_atoms(_clean_mention(part)))
    for inner in kept:  # "(Báo ...; các cơ quan ...)" lists examples of the collective
        out.extend(m for m in split_agency_text(inner) if _starts_with_head(fold(m)))
    return [m for m in out if any(ch.isalpha() for ch in m)]


def split_agency_text(text: str) -> list[str]:
    """Split one assignment text as printed into agency mentions, in printed order."""
    text = unicodedata.normalize("NFC", text).replace(_PH, " ")
    text = re.sub(r"<[^>]*>", "\n", text).replace("&amp;", "&").replace("\t", " ")
    text = _SOCIAL.sub(r"\1 – \2", _APPOSITIVE.sub("", text))
    text = _join_wrapped_lines(text)
    named = _role_colon_agencies(_LABEL.sub("", text))
    if named is not None:
        return [m for name in named for m in split_agency_text(name)]
    outer, groups = _protect_parens(text)
    mentions: list[str] = []
    for piece in _TOP_SEP.split(outer):
        n = piece.count(_PH)
        mentions.extend(_split_piece(piece, groups[:n]))
        groups = groups[n:]
    seen: set[str] = set()
    return [m for m in mentions if not (fold(m) in seen or seen.add(fold(m)))]


# ---------------------------------------------------------------------------- resolving

_UNIT_WORDS = {
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "phuong": "phường",
    "xa": "xã",
    "dac khu": "đặc khu",
    "quoc gia": "quốc gia",
}
_PROVINCE_UNITS = ("tinh", "thanh pho")
_COMMUNE_UNITS = ("phuong", "xa", "dac khu")
_NOT_A_PLACE = re.compile(
    r"^(?:phuong|xa|tinh|thanh pho|dac khu|cap|cac|thuoc|tren|dong|va|khac|so|co so)\b"
)
_WORDED_PLACE = re.compile(r"^(tinh|thanh pho|phuong|xa|dac khu) (.+)$")
_TRAILING_QUALIFIER = re.compile(
    r"(?:,? (?:co lien quan|lien quan|khac|(?:dong )?tren dia ban(?: tinh| phuong| xa)?))+$"
)


def _key(mention: str) -> str:
    """Folded matching key: spaced dashes, no brackets, no ellipsis, no trailing qualifiers."""
    key = fold(_clean_mention(re.sub(r"\([^)]*\)?", " ", mention)))
    key = re.sub(r"\s*[-–—]\s*", " - ", key)
    key = re.sub(r"[\"'“”]", "", key)
    return squash(_TRAILING_QUALIFIER.sub("", key)).strip(" .,;:")


def _plan_locality(locality: Locality | str | None) -> Locality | None:
    return locality if isinstance(locality, Locality) else find_code(locality)


def _printed_words(mention: str, folded: str) -> str:
    """The words of `mention` that fold to `folded` (a place or post name), as printed."""
    words = _clean_mention(mention).split()
    n = len(folded.split())
    for i in range(len(words) - n, -1, -1):
        if fold(" ".join(words[i : i + n])).strip(".,;:") == folded:
            return " ".join(words[i : i + n]).strip(".,;:")
    return folded.title()


def _match(key: str) -> tuple[CatalogEntry, dict[str, str]] | None:
    for entry in CATALOG:
        for pattern in entry.patterns:
            m = pattern.fullmatch(key)
            if m:
                return entry, {k: v for k, v in m.groupdict().items() if v}
    return None


def _fallback(key: str) -> tuple[AgencyKind, str]:
    """(kind, scope) of a name outside the catalogue, from its leading words."""
    kind: AgencyKind = next(
        (kind for prefix, kind in LEADING_KINDS if key == prefix or key.startswith(prefix + " ")),
        "other",
    )
    scope = next(
        (s for prefix, s in FALLBACK_SCOPES if key == prefix or key.startswith(prefix + " ")),
        "local",
    )
    if kind == "department" and key.startswith("bo "):
        scope = "national"
    elif re.search(r"\b(?:tinh|thanh pho)\b", key):
        scope = "province"
    return kind, scope


def _display(mention: str) -> str:
    text = unicodedata.normalize("NFC", _clean_mention(mention))
    if text.isupper():  # an all-caps heading: keep only the first capital
        text = text.lower()
    return text[:1].upper() + text[1:]


def _unit(printed: str | None, owner: Locality | None, level: str) -> str:
    """The level word of a name that exists at every level, as its slug spells it: `tinh` for
    a province or a centrally-run city, the commune's own type (`phuong`, `xa`, `dac khu`)."""
    if printed in ("quoc gia", "trung uong") or (printed is None and level == "national"):
        return "quoc gia"
    if printed in _PROVINCE_UNITS or (printed is None and level == "province"):
        return "tinh"
    if owner is not None and owner.level == "commune":
        return fold(owner.type)  # "UBND xã" in a ward's plan is the ward's committee
    return printed or "xa"


def _unit_word(unit: str, owner: Locality | None) -> str:
    """The level word a display name prints: Hà Nội's police is "Công an thành phố"."""
    if unit == "tinh" and owner is not None and owner.level != "national":
        return find_code(owner.province_code).unit  # type: ignore[union-attr]
    return _UNIT_WORDS.get(unit, unit)


def _printed_place(extras: dict[str, str], plan: Locality | None) -> Locality | None:
    """The catalogue's locality of a place printed after a name ("Công an tỉnh Hưng Yên")."""
    printed, unit = extras.get("loc"), extras.get("unit")
    if not printed:
        return None
    worded = _WORDED_PLACE.match(printed)  # "Sở Công Thương tỉnh Hưng Yên"
    if worded:
        unit, printed = unit or worded.group(1), worded.group(2)
    elif _NOT_A_PLACE.match(printed):
        return None
    province_code = plan.province_code if plan and plan.level != "national" else None
    if unit in _COMMUNE_UNITS:
        return find_locality(printed, type_word=_UNIT_WORDS[unit], province=province_code)
    found = find_locality(printed, level="province")
    if found is None and unit is None:
        found = find_locality(printed, level="commune", province=province_code)
    return found


def _customs_key(plan: Locality | None) -> str:
    """A bare "Hải quan": the plan's province's regional branch, or all of its branches."""
    regions = customs_regions(plan.province_code if plan else None)
    if len(regions) == 1:
        return f"chi cuc hai quan khu vuc {regions[0]}"
    return "cac chi cuc hai quan khu vuc"


def _tolerant_match(key: str, plan: Locality | None) -> tuple[CatalogEntry, dict[str, str]] | None:
    places = [loc.name for loc in (plan, find_code(plan.province_code if plan else None)) if loc]
    close = closest_catalogue_key(key, places)
    return _match(close) if close else None


def resolve_agency(
    mention: str,
    locality: Locality | str | None,
    level: str | None = None,
    *,
    tolerant: bool = False,
) -> Agency:
    """Canonical agency for one mention in the plan of `locality` (a `Locality` or its code);
    never raises.

    `level` is the plan's level when its locality is not in the catalogue (its agencies are
    then `unscoped:`). `tolerant` also accepts names a few characters away from a catalogue
    name, as OCR misreads them ("Cong an tlnh", "Chi cuc Quan Iy thi truong").
    """
    plan = _plan_locality(locality)
    if plan is not None:
        level = plan.level
    elif level not in ("national", "commune"):
        level = "province"
    key = _key(mention)
    if key in BARE_CUSTOMS:
        key = _customs_key(plan)
    found = _match(key) or (_tolerant_match(key, plan) if tolerant else None)
    if found is None:
        kind, scope = _fallback(key)
        agency_slug, name = slug(key) or "unnamed", _display(mention) or "?"
        return _agency(agency_slug, name, kind, scope, _is_collective_key(key), plan)
    entry, extras = found
    owner = _printed_place(extras, plan) or plan
    scope, unit = entry.scope, ""
    if "{unit}" in entry.slug:
        unit = _unit(extras.get("unit"), owner, owner.level if owner else level)
        scope = {"tinh": "province", "quoc gia": "national"}.get(unit, "commune")
    region, num, post = roman(extras.get("region", "")), extras.get("num", ""), extras.get("post")
    agency_slug = slug(entry.slug.format(unit=unit, region=region, num=num, post=post or ""))
    name = entry.name.format(
        unit=_unit_word(unit, owner),
        region=region.upper(),
        num=num,
        post=_printed_words(mention, post) if post else "",
    )
    return _agency(agency_slug, name.strip(), entry.kind, scope, entry.is_group, owner, region)


def in_catalogue(mention: str) -> bool:
    """True when a name matches an entry of the agency catalogue; False when its id would only
    be made from the name itself ("Tổ công tác ABC")."""
    key = _key(mention)
    return key in BARE_CUSTOMS or _match(key) is not None


def _agency(
    agency_slug: str,
    name: str,
    kind: AgencyKind,
    scope: str,
    group: bool,
    owner: Locality | None,
    region: str = "",
) -> Agency:
    """The agency with its id, under the locality its scope says it belongs to: national
    bodies and customs regions under `vn`, a province's units under the province (even in a
    commune's plan), the rest under the plan's own locality, `unscoped` when it is unknown."""
    if scope in ("national", "region"):
        owner, where = NATIONAL, f"Khu vực {region.upper()}" if scope == "region" else None
    else:
        if owner is not None and scope == "province" and owner.level == "commune":
            owner = find_code(owner.province_code)
        where = owner.name if owner is not None and owner is not NATIONAL else None
    prefix = owner.code if owner is not None else "unscoped"
    agency_id = f"{prefix}:group:{agency_slug}" if group else f"{prefix}:{agency_slug}"
    return Agency(agency_id, name, kind, where, group, owner.code if owner else None)


def _is_collective_key(key: str) -> bool:
    return bool(_COLLECTIVE_START.match(key))


def is_collective(mention: str) -> bool:
    """True for phrases naming a set of agencies ("Các sở, ngành", "UBND các xã, phường")."""
    return resolve_agency(mention, None).is_group


# ---------------------------------------------------------------------------- footnotes

_ITEM = re.compile(r"(?:^|(?<=\s))\((\d{1,2})\)\s*")
_FOOTNOTE_VERB = re.compile(r"\s(?:chủ trì|phối hợp|thực hiện|có trách nhiệm|tham mưu)\b", _I)


def expand_footnote(text: str) -> list[tuple[str, str]]:
    """`(1) Sở Y tế chủ trì ... (2) ...` → [(agency mention, duty text)] for each numbered item.

    Items must be numbered 1, 2, 3, ... in order, so a bracketed number inside a duty is text;
    the last item ends at the first blank line (what follows is no longer the footnote).
    """
    text = unicodedata.normalize("NFC", text)
    starts: list[re.Match[str]] = []
    for m in _ITEM.finditer(text):
        if int(m.group(1)) == len(starts) + 1:
            starts.append(m)
    items: list[tuple[str, str]] = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[m.end() : end]
        if i + 1 == len(starts):
            body = re.split(r"\n\s*\n", body, maxsplit=1)[0]
        body = squash(body)
        verb = _FOOTNOTE_VERB.search(body)
        agency, duty = (body[: verb.start()], body[verb.start() :]) if verb else (body, "")
        if _clean_mention(agency):
            items.append((_clean_mention(agency), duty.strip()))
    return items
