"""Who does what, and by when, in a task's text: role labels and prose assignments.

Plans say it in two ways, and one task may mix them:

- **labels** before a value: `Cơ quan chủ trì: Công an tỉnh. Cơ quan phối hợp: Sở Y tế.
  Thời hạn hoàn thành: Quý II/2026`, on the task's line or the next, after `- `, `(`, `;` or a
  sentence end (`chủ trì:`, `Đơn vị thực hiện:`, `phối hợp:`, `Thời gian:`, `Tiến độ:`,
  `Sản phẩm:`, `Kết quả:`);
- **prose**: `Giao Công an tỉnh chủ trì, phối hợp với Sở Công Thương, Chi cục Hải quan khu vực X
  tăng cường …, hoàn thành trước ngày 30/6/2026`; `Sở Y tế, Sở Tài chính phối hợp …`;
  `Văn phòng HĐND và UBND xã có trách nhiệm …`.

The functions return the agency text as printed; splitting a list into agencies and naming
them is `agencies.py`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from pipelines.plans.agencies import split_agency_text
from pipelines.plans.text import fold

Field = Literal["lead", "coordinate", "deadline", "output"]

_LABEL = re.compile(
    r"(?P<key>(?:(?:cơ quan|đơn vị)\s+)?chủ\s+trì(?:\s+thực\s+hiện)?"
    r"|(?:cơ quan|đơn vị)\s+thực\s+hiện"
    r"|(?:(?:cơ quan|đơn vị)\s+)?phối\s+hợp(?:\s+thực\s+hiện)?"
    r"|thời\s+(?:gian|hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành))?"
    r"|tiến\s+độ(?:\s+(?:thực\s+hiện|hoàn\s+thành))?"
    r"|(?:sản\s+phẩm|kết\s+quả)(?:\s+(?:đầu\s+ra|dự\s+kiến))?"
    r"|thực\s+hiện)\s*:",
    re.IGNORECASE,
)
_LABEL_LOWER = re.compile(_LABEL.pattern)  # on lower-cased text: several times faster
_LABEL_OPENERS = frozenset(".;(-–•+:,\n")


def label_field(key: str) -> Field:
    folded = fold(key)
    if "phoi hop" in folded:
        return "coordinate"
    if folded.startswith(("thoi", "tien do")):
        return "deadline"
    if folded.startswith(("san pham", "ket qua")):
        return "output"
    return "lead"


@dataclass
class Labelled:
    head: str  # the text before the first label
    fields: dict[Field, list[str]] = field(default_factory=dict)

    def get(self, name: Field) -> str | None:
        values = self.fields.get(name)
        return "; ".join(values) if values else None


def _strip_value(value: str) -> str:
    value = " ".join(value.split()).strip(" .;,-–")
    if value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(" .;,")
    return value.strip()


def _strip_head(head: str) -> str:
    return head.rstrip().rstrip(" \n(;,-–").strip()


def label_starts(text: str) -> list[re.Match[str]]:
    """Labels that open a clause: at the start, on a new line, or after `. ; ( - :`."""
    if ":" not in text:  # most text has no label at all
        return []
    lower = text.lower()  # matching lower case without IGNORECASE is several times faster
    found = []
    same = len(lower) == len(text)  # lower() keeps every position in Vietnamese text
    for m in (_LABEL_LOWER if same else _LABEL).finditer(lower if same else text):
        i = m.start() - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i < 0 or text[i] in _LABEL_OPENERS:
            found.append(m)
    return found


def read_labels(text: str) -> Labelled:
    """The text split at its role labels: what precedes them, and each label's values."""
    starts = label_starts(text)
    if not starts:
        return Labelled(text.strip())
    out = Labelled(_strip_head(text[: starts[0].start()]))
    for k, m in enumerate(starts):
        stop = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        value = _strip_value(text[m.end() : stop])
        if value:
            out.fields.setdefault(label_field(m.group("key")), []).append(value)
    return out


# ---------------------------------------------------------------------------------- prose

# The words an agency name may start with (folded), and nouns a collective ("các …") names.
AGENCY_HEADS = (
    "so ", "bo ", "cong an", "ubnd", "uy ban", "hdnd", "chi cuc", "cuc ", "thue", "hai quan",
    "bien phong", "bo doi", "bdbp", "quan ly thi truong", "qltt", "doi ", "bao ", "dai ",
    "vien ", "toa an", "thanh tra", "phong ", "trung tam", "van phong", "ban ", "bcd",
    "mat tran", "mttq", "hoi ", "doan ", "lien doan", "to dan pho", "co quan", "tinh uy",
    "dang uy", "kiem lam", "hat kiem lam", "canh sat", "kho bac", "ngan hang", "tram ",
    "truong ", "don ", "chu tich", "thu truong", "nguoi dung dau", "luc luong", "dan quan",
    "cac ", "chi bo", "ql ", "trung doan", "lu doan", "cang vu", "benh vien", "hop tac xa",
)  # fmt: skip
_COLLECTIVE_NOUNS = (
    "so", "ban", "nganh", "co quan", "don vi", "phong", "xa", "phuong", "dac khu", "thon",
    "ap", "ban", "to", "doan the", "hoi", "luc luong", "chi cuc", "doi", "dia phuong",
    "thanh vien", "to chuc", "huyen", "tinh",
)  # fmt: skip
# Heads whose folded form is also a common word ("Sơ kết", "đối với", "phóng viên", "bán"):
# in accented text the head must be printed as itself.
_PRINTED_HEADS = {
    "so": {"sở"}, "bo": {"bộ"}, "cuc": {"cục"}, "doi": {"đội"}, "bao": {"báo"}, "dai": {"đài"},
    "vien": {"viện"}, "phong": {"phòng"}, "ban": {"ban"}, "hoi": {"hội"}, "doan": {"đoàn"},
    "tram": {"trạm"}, "don": {"đồn"}, "thue": {"thuế"}, "truong": {"trưởng", "trường"},
}  # fmt: skip
# Words that start like an agency head but begin an action or a topic.
_NOT_HEADS = ("bao dam", "bao ve", "bao cao", "bao ton", "doi voi", "doi moi", "dai dien")
# Words that end an agency list: the task's verb (folded, at a word boundary).
_VERBS = (
    "to chuc", "tang cuong", "trien khai", "thuc hien", "ra soat", "kiem tra", "tuyen truyen",
    "xay dung", "huong dan", "theo doi", "tham muu", "day manh", "kiem soat", "tuan tra",
    "dau tranh", "xu ly", "giam sat", "van dong", "nam chac", "nam tinh hinh", "tiep nhan",
    "bao dam", "dam bao", "phat hien", "ngan chan", "cap nhat", "bao cao", "tong hop",
    "de xuat", "nghien cuu", "ban hanh", "hoan thanh", "ho tro", "cung cap", "chia se",
    "quan triet", "pho bien", "rao soat", "lap ", "phoi hop", "chu dong", "thuong xuyen",
    "doi voi", "thanh lap", "kien toan",
    "trien khai", "mo ", "tham gia", "chi dao cac", "chi dao co quan", "quan ly thue",
    "quan ly nha nuoc", "quan ly chat", "quan ly cac", "quan ly viec", "danh gia", "tap huan",
    "boi duong", "xac minh", "dieu tra", "truy xuat", "bo tri", "su dung", "gop y",
    "quan ly ", "xac lap", "thu thap", "chuyen giao", "van hanh", "phat dong", "ky cam ket",
    "lay mau", "lay y kien", "trao doi",
)  # fmt: skip
# Words that end an agency list, compared as printed (folded, they would match names:
# "tài" in "Sở Tài chính", "trọng" in "xã Đức Trọng").
_PREPOSITIONS = frozenset({"trong", "tại", "để", "về", "theo", "nhằm", "trên", "đối", "khi"})
_LEAD_VERB = re.compile(
    r"\s+(?:là\s+(?:cơ quan|đơn vị)\s+)?(?:chủ\s+trì|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm)\b",
    re.IGNORECASE,
)
_COORDINATE_WITH = re.compile(
    r"\bphối\s+hợp(?:\s+(?:chặt\s+chẽ|thường\s+xuyên))?\s+(?:với|cùng)\s+", re.IGNORECASE
)
_COORDINATE_AFTER = re.compile(r"\s+phối\s+hợp\b", re.IGNORECASE)
_CLAUSE = re.compile(r"(?<=[.;:])\s+|^")
_REQUEST = re.compile(r"^(?:giao|đề\s+nghị|yêu\s+cầu|phân\s+công)\s+", re.IGNORECASE)


def looks_like_agency(text: str) -> bool:
    """True for agency names ("Sở …", "Công an xã", "các sở, ngành", "Sở Y tế và Sở Tài
    chính"); false for a topic ("Các nhiệm vụ khác", "Thanh tra, kiểm tra an toàn thực phẩm")."""
    named = _REQUEST.sub("", text.strip()).rstrip(" :.")
    if not named or not _one_agency(re.split(r"[,;]|\svà\s", named)[0]):
        return False  # the first name is no agency: no need to split the list
    mentions = split_agency_text(named)
    return bool(mentions) and all(_one_agency(m) for m in mentions)


def _one_agency(mention: str) -> bool:
    folded = fold(mention).rstrip(" :.;,")
    if not folded or len(folded.split()) > 12:
        return False
    if folded.startswith("cac "):
        rest = re.sub(r"[,;]", " ", folded[4:]) + " "
        return rest.startswith(tuple(n + " " for n in _COLLECTIVE_NOUNS))
    if folded.startswith(("truong ", "chu tich", "thu truong")):
        return True
    if folded.startswith(_NOT_HEADS) or _misprinted_head(mention):
        return False
    return (folded + " ").startswith(AGENCY_HEADS)


def _misprinted_head(mention: str) -> bool:
    """True when the first word only folds like a head: "Sơ kết" is not "Sở", "Phong trào" not
    "Phòng". Text printed without any diacritics (unaccented, or lost) is given the benefit."""
    first = unicodedata.normalize("NFC", mention.split()[0]).casefold()
    printed = _PRINTED_HEADS.get(fold(first))
    return printed is not None and first not in printed and not mention.isascii()


def agency_list_end(text: str) -> int:
    """Where a list of agencies at the start of `text` ends: at a clause end, or at the first
    word that starts the task's action ("Công an tỉnh rà soát …" → after "tỉnh")."""
    clause = re.search(r"[.;:]", text)
    head = text[: clause.start()] if clause else text
    printed = [(m.start(), m.group()) for m in re.finditer(r"\S+", head)]
    words = [(start, fold(word)) for start, word in printed]
    folded = " ".join(w for _, w in words)
    offset = 0
    for k, (start, word) in enumerate(words):
        verb = folded.startswith(_VERBS, offset) and not _inside_name(folded, offset)
        if k and (verb or printed[k][1].lower() in _PREPOSITIONS):
            return len(head[:start].rstrip(" ,"))
        offset += len(word) + 1
    return len(head.rstrip(" ,"))


def _inside_name(folded: str, i: int) -> bool:
    """A verb that belongs to an agency's name ("Ban Quản lý", "Đoàn kiểm tra liên ngành")."""
    before = folded[:i].split()[-1:] or [""]
    # "các tổ chức" (organisations), "Ban Quản lý", "Đoàn kiểm tra", "Chi cục Quản lý thị trường"
    return before[0] in ("ban", "doan", "doi", "cuc", "to", "cac") or folded.startswith(
        "quan ly thi truong", i
    )


@dataclass
class ProseRoles:
    leads: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)


def read_prose(text: str) -> ProseRoles:
    """Leads and coordinators named in prose (see the module docstring)."""
    out = ProseRoles()
    for clause in _clauses(text):
        body = _REQUEST.sub("", clause)
        lead = _LEAD_VERB.search(body)
        if lead and looks_like_agency(body[: lead.start()]):
            out.leads.append(body[: lead.start()].strip(" ,"))
        elif not lead and body != clause:  # "Giao Công an xã tiếp nhận …": the one asked leads
            named = body[: agency_list_end(body)].strip(" ,")
            if named and named != body.strip(" ,.;") and looks_like_agency(named):
                out.leads.append(named)
        after = _COORDINATE_AFTER.search(body)
        if after and not lead and looks_like_agency(body[: after.start()]):
            out.coordinators.append(body[: after.start()].strip(" ,"))
        for m in _COORDINATE_WITH.finditer(body):
            rest = body[m.end() :]
            named = rest[: agency_list_end(rest)].strip(" ,")
            if named and looks_like_agency(named):
                out.coordinators.append(named)
    return out


def _clauses(text: str) -> list[str]:
    """Sentences, `;`-clauses and what follows a topic (`Về công tác tuyên truyền: Giao …`)."""
    parts = re.split(r"(?<=[.;:])\s+", text)
    return [p.strip() for p in parts if p.strip()]


# ------------------------------------------------------------------------------- deadlines

_WHEN = (
    r"(?:ngày\s+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
    r"|quý\s+[IVX1-4]+(?:\s*[/-]\s*|\s+năm\s+)\d{4}"
    r"|tháng\s+\d{1,2}(?:\s*[/-]\s*|\s+năm\s+)\d{4}"
    r"|(?:trong\s+)?năm\s+\d{4}(?:\s+và\s+(?:các\s+)?năm\s+tiếp\s+theo)?"
    r"|6\s+tháng\s+(?:đầu|cuối)\s+năm\s+\d{4}"
)
_PROSE_DEADLINE = re.compile(
    rf"(?:hoàn\s+thành|thực\s+hiện|xong|thời\s+gian|thời\s+hạn)"
    r"(?:\s+(?!trước|trong|vào|từ|chậm)(?:đợt\s+\S+\s+)?\S+)?"
    rf"\s+(?P<when>(?:trước|trong|vào|từ|chậm\s+nhất)\s+(?:{_WHEN})|{_WHEN})"
    r"|(?P<repeat>(?:thực\s+hiện\s+)?(?:thường\s+xuyên|hằng\s+năm|hàng\s+năm|hằng\s+quý|"
    r"hằng\s+tháng|định\s+kỳ\s+hằng\s+(?:năm|quý|tháng)|khi\s+có\s+yêu\s+cầu))\s*[.;]?\s*$",
    re.IGNORECASE,
)


def prose_deadline(text: str) -> str | None:
    """The deadline a prose task states ("hoàn thành trước ngày 30/6/2026", "thực hiện
    thường xuyên" at its end), as printed; None when it states none."""
    found = list(_PROSE_DEADLINE.finditer(text.strip()))
    if not found:
        return None
    m = found[-1]
    when = m.group("when") or m.group("repeat")
    return re.sub(r"^thực\s+hiện\s+", "", when.strip(), flags=re.IGNORECASE)
