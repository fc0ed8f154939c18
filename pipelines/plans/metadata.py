"""Plan metadata (number, date, issuer, title, signer, parent plan) from a plan's opening.

Works on `normalize_document` output. Patterns are matched on a diacritic-free, lower-case
shadow of the text that keeps every character's position (`_shadow`), so `Ủy`, `Uỷ` and a
letterhead that lost its first glyph (`Y BAN NHÂN DÂN`) all match, while values are sliced from
the original text with their diacritics intact. Law-portal metadata lines (`Số hiệu:`,
`Người ký:`, `Ngày ban hành:`, `Cơ quan ban hành:`) are used only when the document itself
does not print the field.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

from pipelines.plans.model import Level, PlanMeta
from pipelines.plans.plan_locality import apply_plan_locality, is_place_word
from pipelines.plans.text import join_wrapped, squash

# unit word (folded) -> (printed form, level)
_UNITS: dict[str, tuple[str, Level]] = {
    "tinh": ("tỉnh", "province"),
    "thanh pho": ("thành phố", "province"),
    "phuong": ("phường", "commune"),
    "xa": ("xã", "commune"),
    "dac khu": ("đặc khu", "commune"),
}
_UNIT_RE = r"(tinh|thanh pho|phuong|xa|dac khu)"
_ROMAN_HEADING = re.compile(r"^\s*[IVX]{1,4}\.\s+\S")
_DATE_LINE = re.compile(r",\s*ngay\s*(\d{1,2})?\s*thang\s*(\d{1,2})?\s*nam\s*(\d{4})\b")
_NUMBER_LINE = re.compile(r"(?:^|\s)so\s*:\s*(\S*)")
_DOC_REF = re.compile(
    r"\b(?:nghi quyet|ke hoach|quyet dinh|chi thi|thong bao|cong van|chuong trinh)\s+so\s+"
    r"(\d+/[\w.-]*\w)"
)
# portal labels that may share a line ("Số hiệu: 08/KH-UBND Ngày đăng công báo: ...")
_NEXT_PORTAL_LABEL = re.compile(
    r"\s(?:so hieu|ngay dang cong bao|loai van ban|nguoi ky|ngay ban hanh|ngay het hieu luc|"
    r"ngay hieu luc|co quan ban hanh|noi ban hanh|linh vuc|tinh trang|so cong bao|ngay cap nhat)"
    r"\s*:"
)
_SIGN_BLOCK = re.compile(r"^(?:tm|kt|q|tl|tuq)\s*\.")
_MAX_LETTERHEAD_LINES = 40


@functools.cache
def _shadow_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))[:1] or ch
    return base.lower()[:1] or base


def _shadow(text: str) -> str:
    """Same-length, lower-case, diacritic-free copy of `text` (`Ủy ban` → `uy ban`)."""
    return "".join(map(_shadow_char, text))  # per-character cache: plans repeat few letters


def _marks(text: str) -> int:
    """How many diacritics a spelling carries; used to undo a letterhead typo (`Hung Yên`)."""
    nfd = unicodedata.normalize("NFD", text)
    return sum(unicodedata.combining(c) > 0 for c in nfd) + text.count("đ") + text.count("Đ")


def _is_name_token(token: str) -> bool:
    return len(token) > 0 and token.isalpha() and token[0].isupper() and not token.isupper()


def _person_name(line: str) -> str | None:
    """`Nguyễn Hoài Anh` → itself; headings, `(Đã ký)` and all-caps lines → None."""
    tokens = line.strip(" *").split()
    if 2 <= len(tokens) <= 5 and all(_is_name_token(t) for t in tokens):
        return " ".join(tokens)
    return None


def _trailing_place(before: str) -> str | None:
    """Capitalised words right before the comma of a date line: `Số: /KH-UBND Hàm Rồng`."""
    words: list[str] = []
    for token in reversed(before.split()):
        if not is_place_word(token) or len(words) == 6:
            break
        words.insert(0, token)
    while words and not words[0][0].isalpha() and not (words[0].isdigit() and len(words) > 1):
        words.pop(0)  # a dash cannot start a place; a number can ("2 Bảo Lộc")
    return " ".join(words) if any(w[0].isalpha() for w in words) else None


def _best_spelling(name: str, text: str) -> str:
    """Prefer a fuller-diacritic spelling of `name` printed elsewhere (`Hung Yên` → `Hưng Yên`)."""
    size = len(name.split())
    spans = [m.span() for m in re.finditer(r"[^\W\d_]+", text)]
    tokens = [text[a:b] for a, b in spans]
    shadow = _shadow(text)  # same length as `text`: one pass instead of one per token
    shadows = [shadow[a:b] for a, b in spans]
    target = _shadow(name).split()
    best = name
    for i in range(len(tokens) - size + 1):
        if shadows[i : i + size] != target:
            continue
        candidate = " ".join(tokens[i : i + size])
        if not candidate.isupper() and _marks(candidate) > _marks(best):
            best = candidate
    return best


def _plan_heading_index(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if _shadow(line.strip(" *#")) == "ke hoach" and line.strip(" *#").isupper():
            return i
    return None


def _opening_end(lines: list[str], start: int) -> int:
    """Index of the first roman-numeral section heading after `start` (end of the opening)."""
    for i in range(start, len(lines)):
        if _ROMAN_HEADING.match(lines[i]) and lines[i].strip().isupper():
            return i
    return len(lines)


def _ends_title(line: str) -> bool:
    """A rule line, the `Thực hiện`/`Căn cứ` opening, or a section heading ends the title."""
    if re.fullmatch(r"[_\-=*.]{3,}", line) or _ROMAN_HEADING.match(line):
        return True
    return _shadow(line).startswith(("thuc hien", "can cu"))


def _title(lines: list[str], heading: int | None) -> str | None:
    """Line(s) after `KẾ HOẠCH`; a blank line is crossed only by a lower-case continuation."""
    if heading is None:
        return None
    parts: list[str] = []
    i = heading + 1
    while i < len(lines) and len(parts) < 8:
        line = lines[i].strip(" *")
        if not line:
            nxt = next((x.strip() for x in lines[i + 1 : i + 4] if x.strip()), "")
            if parts and not (nxt[:1].isalpha() and nxt[:1].islower()):
                break
        elif _ends_title(line):
            break
        else:
            parts.append(line)
        i += 1
    return join_wrapped(parts) or None


def _letterhead_issuer(lines: list[str]) -> tuple[str, Level] | None:
    """`ỦY BAN NHÂN DÂN` + `TỈNH THANH HÓA` (possibly split by a flattened right column)."""
    for i, line in enumerate(lines):
        raw = line.strip(" *")
        key = _shadow(raw)
        if raw.isupper() and key in ("chinh phu",):
            return "Chính phủ", "national"
        m = re.fullmatch(rf"(?:u?y ban nhan dan|ubnd)(?:\s+{_UNIT_RE}\s+(\S.*))?", key)
        if not m or not raw.isupper():
            continue
        if m.group(1):
            if m.group(1) in ("tinh", "thanh pho") and _commune_issuer_below(lines[i + 1 : i + 4]):
                continue  # "UBND TỈNH X" over "UBND XÃ Y": the province heads the commune's plan
            return _issuer_from_unit(m.group(1), raw[m.start(2) :])
        for nxt in lines[i + 1 : i + 6]:
            n_raw = nxt.strip(" *")
            n = re.fullmatch(rf"{_UNIT_RE}\s+(\S.*)", _shadow(n_raw))
            if n and n_raw.isupper():
                return _issuer_from_unit(n.group(1), n_raw[n.start(2) :])
    return None


def _commune_issuer_below(lines: list[str]) -> bool:
    pattern = r"(?:u?y ban nhan dan|ubnd)\s+(?:phuong|xa|dac khu)\s+\S.*"
    lines = [line.strip(" *") for line in lines]
    return any(line.isupper() and re.fullmatch(pattern, _shadow(line)) for line in lines)


def _issuer_from_unit(unit_key: str, name: str | None) -> tuple[str, Level]:
    unit, level = _UNITS[unit_key]
    name = squash(name or "")
    if name.isupper():
        name = name.title()
    return squash(f"Ủy ban nhân dân {unit} {name}"), level


def _body_issuer(opening: str, locality: str | None) -> tuple[str, Level] | None:
    """`UBND phường Hàm Rồng ban hành` / `Ủy ban nhân dân (UBND) tỉnh ban hành`."""
    flat = squash(opening)
    key = _shadow(flat)
    pattern = (
        rf"(?:uy ban nhan dan|ubnd)(?:\s*\(ubnd\))?\s+{_UNIT_RE}\s+((?:[a-z0-9’'–-]+\s+){{0,6}}?)"
        "ban hanh"
    )
    for m in re.finditer(pattern, key):
        name = flat[m.start(2) : m.end(2)].strip()
        if name and not all(is_place_word(t) for t in name.split()):
            continue
        if not (name or locality):
            return None  # "UBND tỉnh ban hành" without a place name: let the portal decide
        return _issuer_from_unit(m.group(1), name or locality)
    return None


def _portal_value(lines: list[str], label: str) -> str | None:
    """Value after a law-portal label, cut at the next label on the same line."""
    for i, line in enumerate(lines):
        key = _shadow(line)
        m = re.search(rf"(?:^|\s){label}\s*:", key)
        if not m:
            continue
        n = _NEXT_PORTAL_LABEL.search(key, m.end())
        end = n.start() if n else len(line)
        value = line[m.end() : end].strip()
        if value:
            return value
        if label == "ngay ban hanh":  # the date sits a line or two below its explanation
            for nxt in lines[i + 1 : i + 4]:
                d = re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", nxt)
                if d:
                    return d.group(0)
        return None
    return None


def _issuer_place(issuer: str) -> str | None:
    """`Ủy ban nhân dân tỉnh Thanh Hóa` → `Thanh Hóa`."""
    m = re.match(rf"(?:uy ban nhan dan)\s+{_UNIT_RE}\s+", _shadow(issuer))
    return (issuer[m.end() :] or None) if m else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _apply_date_line(meta: PlanMeta, lines: list[str]) -> None:
    for line in lines:
        m = _DATE_LINE.search(_shadow(line))
        if not m:
            continue
        place = _trailing_place(line[: m.start()])
        if place is None:
            continue
        meta.locality = place
        day, month, year = (int(g) if g else None for g in m.groups())
        meta.issue_year = year
        meta.issue_month = month if month and 1 <= month <= 12 else None
        if day and meta.issue_month and year:
            meta.issue_date = _safe_date(year, meta.issue_month, day)
        return


def _apply_number(meta: PlanMeta, lines: list[str]) -> bool:
    """Set the number from `Số: 08/KH-UBND`; True when a `Số:` line was printed at all."""
    for line in lines:
        m = _NUMBER_LINE.search(_shadow(line))
        if not m:
            continue
        token = line[m.start(1) : m.end(1)].rstrip(".,;")
        meta.number = token if "/" in token and token[0].isdigit() else None
        return True
    return False


def _apply_signer(meta: PlanMeta, lines: list[str]) -> None:
    for i, line in enumerate(lines):
        if not _SIGN_BLOCK.match(_shadow(line.strip(" *"))):
            continue
        for nxt in lines[i + 1 : i + 10]:
            name = _person_name(nxt)
            if name:
                meta.signer = name
                return


def _apply_implements(meta: PlanMeta, opening: str) -> None:
    """Document numbers cited in the `Thực hiện ...` paragraph(s) of the opening."""
    for para in re.split(r"\n\s*\n", opening):
        flat = squash(para)
        key = _shadow(flat)
        if not key.startswith(("thuc hien", "trien khai thuc hien")):
            continue
        for m in _DOC_REF.finditer(key):
            number = flat[m.start(1) : m.end(1)]
            if number not in meta.implements:
                meta.implements.append(number)
        loc = re.search(r"cua (?:uy ban nhan dan|ubnd)\s+(?:tinh|thanh pho)\s+", key)
        if loc and meta.implements_locality is None:
            place = _leading_place(flat[loc.end() :])
            meta.implements_locality = place


def _leading_place(text: str) -> str | None:
    words: list[str] = []
    for token in text.split():
        clean = token.rstrip(",.;:)")
        if not (clean.isalpha() and clean[0].isupper()) or len(words) == 4:
            break
        words.append(clean)
        if clean != token:
            break
    return " ".join(words) or None


def _apply_portal_fallbacks(meta: PlanMeta, lines: list[str], has_number_line: bool) -> None:
    if not has_number_line:
        value = _portal_value(lines, "so hieu")
        token = value.split()[0] if value else ""
        if "/" in token and token[0].isdigit():
            meta.number = token
    if meta.signer is None:
        value = _portal_value(lines, "nguoi ky")
        meta.signer = _person_name(value) if value else None
    if meta.issue_date is None:
        value = _portal_value(lines, "ngay ban hanh") or ""
        d = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
        if d:
            day, month, year = int(d.group(1)), int(d.group(2)), int(d.group(3))
            if meta.issue_year in (None, year) and meta.issue_month in (None, month):
                meta.issue_date = _safe_date(year, month, day)
                meta.issue_year, meta.issue_month = year, month
    if meta.issuer is None:
        value = _portal_value(lines, "co quan ban hanh")
        if value:
            m = re.match(rf"(?:uy ban nhan dan|ubnd)\s+{_UNIT_RE}\s+", _shadow(value))
            if m:
                meta.issuer, meta.level = _issuer_from_unit(m.group(1), value[m.end() :])
            elif _shadow(value) == "chinh phu":
                meta.issuer, meta.level = "Chính phủ", "national"


def extract_metadata(text: str) -> PlanMeta:
    """Read a plan's identifying metadata; fields that are not printed stay None."""
    lines = text.split("\n")
    heading = _plan_heading_index(lines)
    head_start = max(0, (heading or _MAX_LETTERHEAD_LINES) - _MAX_LETTERHEAD_LINES)
    letterhead = lines[head_start : heading if heading is not None else _MAX_LETTERHEAD_LINES]
    opening_start = heading + 1 if heading is not None else 0
    opening = "\n".join(lines[opening_start : _opening_end(lines, opening_start)])

    meta = PlanMeta(title=_title(lines, heading))
    has_number_line = _apply_number(meta, letterhead)
    _apply_date_line(meta, letterhead + lines[opening_start : opening_start + 10])
    if meta.locality:
        meta.locality = _best_spelling(meta.locality, text)
    issuer = _letterhead_issuer(letterhead) or _body_issuer(opening, meta.locality)
    if issuer:
        meta.issuer, meta.level = issuer
    _apply_signer(meta, lines)
    _apply_implements(meta, opening)
    _apply_portal_fallbacks(meta, lines, has_number_line)
    if meta.number and _shadow(meta.number).endswith("nq-cp"):
        meta.level = "national"
    place = _issuer_place(meta.issuer or "")
    if place:  # "TỈNH THANH HÓA".title() may differ from the body's spelling
        meta.issuer = (meta.issuer or "")[: -len(place)] + _best_spelling(place, text)
        meta.locality = meta.locality or _best_spelling(place, text)
    for source in (meta.title or "", opening):
        m = re.search(r"den nam (\d{4})\b", _shadow(source))
        if m:
            meta.horizon_year = int(m.group(1))
            break
    apply_plan_locality(meta, text)  # its code, province and type in the official catalogue
    return meta
