"""Resolution 397/NQ-CP: the national plan every province plan implements.

It is not parsed from a document (none is bundled); it is the reference node at the top of the
plan tree, with the eight solution groups that the province plans copy into their section III.
Tasks are mapped to a national group by their own group's title when it repeats a national title,
otherwise by the keywords of the task's text; the mapping says which of the two it used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipelines.plans.text import fold

NATIONAL_PLAN_ID = "vn-397-nq-cp-2025"
NATIONAL_NUMBER = "397/NQ-CP"
NATIONAL_TITLE = (
    "Kế hoạch hành động của Chính phủ về đấu tranh ngăn chặn, đẩy lùi tình trạng buôn lậu, "
    "gian lận thương mại, hàng giả, xâm phạm quyền sở hữu trí tuệ đến năm 2030"
)
NATIONAL_ISSUE_DATE = date(2025, 12, 5)


@dataclass(frozen=True)
class NationalGroup:
    code: str
    title: str
    keywords: tuple[str, ...]  # folded phrases that mark a task of this group


NATIONAL_GROUPS: tuple[NationalGroup, ...] = (
    NationalGroup(
        "1",
        "Đẩy mạnh công tác hoàn thiện thể chế; hoàn thiện tổ chức, bộ máy đủ mạnh, phân định cụ "
        "thể chức năng, nhiệm vụ, quyền hạn của các bộ, ngành, chính quyền địa phương hai cấp",
        ("ra soat cac quy", "quy trinh nghiep vu", "chuc nang, nhiem vu", "the che", "du thao"),
    ),
    NationalGroup(
        "2",
        "Huy động sức mạnh cả hệ thống chính trị; sức mạnh của nhân dân, doanh nghiệp tham gia "
        "công tác chống buôn lậu, gian lận thương mại, hàng giả, xâm phạm quyền sở hữu trí tuệ",
        (
            "to giac",
            "nguon tin ve toi pham",
            "khen thuong cho ca nhan",
            "ho tro kinh phi",
            "nhiem vu trong tam",
            "nam chac",
            "nam bat",
            "tinh hinh dia ban",
            "he thong chinh tri",
            "ke hoach dau tranh",
            "de an",
        ),
    ),
    NationalGroup(
        "3",
        "Xây dựng đội ngũ cán bộ, công chức, viên chức có đạo đức nghề nghiệp, trách nhiệm cao "
        "trong quá trình thực thi công vụ, đảm bảo đủ năng lực, liêm chính",
        (
            "dao tao",
            "tap huan",
            "ky cuong",
            "ky luat",
            "kiem tra noi bo",
            "so tay",
            "chinh sach dac thu",
            "phuong thuc, thu doan moi",
        ),
    ),
    NationalGroup(
        "4",
        "Tăng cường công tác thanh tra, kiểm tra, giám sát các cơ quan, tổ chức cấp giấy phép, tổ "
        "chức đánh giá sự phù hợp và xử lý nghiêm các hành vi vi phạm",
        ("giay chung nhan", "giay phep", "danh gia su phu hop", "kiem tra, kiem soat"),
    ),
    NationalGroup(
        "5",
        "Nâng cao hiệu quả phối hợp giữa các cơ quan, địa phương trong công tác phòng, chống buôn "
        "lậu, vận chuyển trái phép hàng hóa",
        ("quy che phoi hop", "quan he phoi hop", "phoi hop giua"),
    ),
    NationalGroup(
        "6",
        "Đẩy mạnh việc ứng dụng khoa học, công nghệ, trang thiết bị hiện đại trong quản lý, giám "
        "sát, kiểm soát hàng hóa; đáp ứng các yêu cầu về tài chính, phương tiện, chuyển đổi số",
        ("co so du lieu", "chuyen doi so", "trang thiet bi", "ngan sach", "du toan"),
    ),
    NationalGroup(
        "7",
        "Đẩy mạnh công tác truyền thông, nâng cao nhận thức của người dân, doanh nghiệp về những "
        "nguy hại của buôn lậu, gian lận thương mại, hàng giả",
        (
            "tuyen truyen",
            "chuyen muc",
            "quang cao",
            "duong day nong",
            "bieu duong",
            "ky cam ket",
            "thong tin gioi thieu",
            "truyen thong",
        ),
    ),
    NationalGroup(
        "8",
        "Đẩy mạnh hợp tác quốc tế trong hoạt động đấu tranh chống buôn lậu, gian lận thương mại, "
        "hàng giả, xâm phạm sở hữu trí tuệ",
        ("quoc te", "interpol", "cac nuoc", "cua khau"),
    ),
)

_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


_COMMON_WORDS = {
    word
    for word in set().union(*(_words(g.title) for g in NATIONAL_GROUPS))
    if sum(word in _words(g.title) for g in NATIONAL_GROUPS) >= 3
}


def _distinctive(text: str) -> set[str]:
    # Words shared by several national titles ("buôn lậu", "đẩy mạnh") say nothing about which
    # group a heading repeats.
    return _words(text) - _COMMON_WORDS


def group_by_title(group_title: str | None) -> str | None:
    """The national group whose title a plan's group heading repeats (≥ 60% of its words)."""
    if not group_title:
        return None
    words = _distinctive(group_title)
    best, best_score = None, 0.0
    for group in NATIONAL_GROUPS:
        national = _distinctive(group.title)
        score = len(words & national) / max(1, min(len(words), len(national)))
        if score > best_score:
            best, best_score = group.code, score
    return best if best_score >= 0.6 else None


def group_by_keywords(text: str) -> str | None:
    """The national group whose keywords occur most often in the text; None on a tie or none."""
    folded = fold(text)
    scores = {g.code: sum(folded.count(k) for k in g.keywords) for g in NATIONAL_GROUPS}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def map_to_national_group(group_title: str | None, task_title: str) -> tuple[str | None, str]:
    """(national group code, how it was found: 'group_title', 'keywords' or 'unmapped')."""
    code = group_by_title(group_title)
    if code:
        return code, "group_title"
    code = group_by_keywords(f"{group_title or ''} {task_title}")
    return (code, "keywords") if code else (None, "unmapped")
