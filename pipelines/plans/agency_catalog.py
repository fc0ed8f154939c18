"""Canonical agencies named in plans, and how printed names map onto them.

Every pattern is a regular expression matched in full against the *key* of a mention: the
mention folded with `pipelines.plans.text.fold` (no case, no diacritics, single spaces), with
dashes spaced as ` - ` and trailing qualifiers such as "có liên quan" removed. Optional named
groups carry extra facts:

- `loc`: a place printed after the name ("Công an tỉnh Hưng Yên"), looked up in the official
  catalogue (`pipelines.plans.localities`) - it wins over the plan's;
- `unit`: the administrative level printed in the name (tinh / thanh pho / phuong / xa / dac
  khu / quoc gia);
- `region`, `num`, `post`: fill `{region}` / `{num}` / `{post}` in the slug and the display
  name (a customs region, a team's number, the place a border post is named after).

A name or slug containing `{unit}` belongs to an agency that exists at every level (police,
people's committee, steering committee, ...); the level comes from `unit` or, when the name
is bare ("Công an"), from the plan's level. The slug names the role, the same everywhere:
a province's and a centrally-run city's units are both `tinh` (`cong-an-tinh`), a commune's
take its own type (`cong-an-phuong`, `cong-an-xa`, `cong-an-dac-khu`).

Scopes say which locality an agency belongs to:
`province` - the plan's province (a ward plan's "Sở Công Thương", "Đội Quản lý thị trường số 3"
or "Đồn Biên phòng Hà Tiên" is run by its province); `commune` / `local` - the plan's own
locality; `national` - none (`vn:` ids); `region` - a customs region that spans provinces
(`vn:` ids, locality "Khu vực IV").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

AgencyKind = Literal[
    "department",
    "police",
    "customs",
    "tax",
    "border_guard",
    "military",
    "market_surveillance",
    "inspectorate",
    "procuracy",
    "investigation",
    "press",
    "peoples_committee",
    "front_mass_org",
    "standing_office",
    "steering_committee",
    "ward_office",
    "residential_group",
    "service_center",
    "group",
    "other",
]
Scope = Literal["province", "commune", "local", "national", "region"]

_LOC = r"(?: (?P<loc>[a-z][a-z ]*))?"  # an optional trailing place name
_UNIT = r"(?: (?P<unit>tinh|thanh pho|phuong|xa|dac khu|quoc gia|trung uong))?"
_PROV = r"(?: (?:tinh|thanh pho))?"  # a province-level word: a tỉnh or a centrally-run city


@dataclass(frozen=True)
class CatalogEntry:
    slug: str
    name: str
    kind: AgencyKind
    scope: Scope
    patterns: tuple[re.Pattern[str], ...]
    is_group: bool = False


def _e(
    slug: str, name: str, kind: AgencyKind, scope: Scope, *patterns: str, group: bool = False
) -> CatalogEntry:
    return CatalogEntry(slug, name, kind, scope, tuple(re.compile(p) for p in patterns), group)


# Order matters: the first entry whose pattern matches wins, so specific names precede
# the bare forms they contain ("cong an tinh ..." before a generic "cong an ...").
CATALOG: tuple[CatalogEntry, ...] = (
    # --- provincial departments (Sở); "Sở Văn hóa và Thể thao" is Hưng Yên's post-2025 name
    _e("so-cong-thuong", "Sở Công Thương", "department", "province", r"so cong thuong" + _LOC),
    _e("so-tai-chinh", "Sở Tài chính", "department", "province", r"so tai chinh" + _LOC),
    _e("so-noi-vu", "Sở Nội vụ", "department", "province", r"so noi vu" + _LOC),
    _e("so-y-te", "Sở Y tế", "department", "province", r"so y te" + _LOC),
    _e("so-xay-dung", "Sở Xây dựng", "department", "province", r"so xay dung" + _LOC),
    _e("so-tu-phap", "Sở Tư pháp", "department", "province", r"so tu phap" + _LOC),
    _e(
        "so-nong-nghiep-va-moi-truong",
        "Sở Nông nghiệp và Môi trường",
        "department",
        "province",
        r"so nong nghiep (?:va|&) moi truong" + _LOC,
    ),
    _e(
        "so-van-hoa-the-thao-va-du-lich",
        "Sở Văn hóa, Thể thao và Du lịch",
        "department",
        "province",
        r"so van hoa[,.]? the thao,? (?:va|&) du lich" + _LOC,
    ),
    _e(
        "so-van-hoa-va-the-thao",
        "Sở Văn hóa và Thể thao",
        "department",
        "province",
        r"so van hoa (?:va|&) the thao" + _LOC,
    ),
    _e(
        "so-khoa-hoc-va-cong-nghe",
        "Sở Khoa học và Công nghệ",
        "department",
        "province",
        r"so khoa hoc (?:va|&) cong nghe" + _LOC,
    ),
    _e(
        "so-giao-duc-va-dao-tao",
        "Sở Giáo dục và Đào tạo",
        "department",
        "province",
        r"so giao duc (?:va|&) dao tao" + _LOC,
    ),
    # --- ministries: national, kind by what they run
    _e("bo-cong-an", "Bộ Công an", "police", "national", r"bo cong an"),
    _e("bo-quoc-phong", "Bộ Quốc phòng", "military", "national", r"bo quoc phong"),
    _e("bo-cong-thuong", "Bộ Công Thương", "department", "national", r"bo cong thuong"),
    _e("bo-tai-chinh", "Bộ Tài chính", "department", "national", r"bo tai chinh"),
    # --- enforcement forces
    _e(
        "cong-an-{unit}",
        "Công an {unit}",
        "police",
        "local",
        r"(?:luc luong )?cong an" + _UNIT + _LOC,
    ),
    _e(
        "chi-cuc-hai-quan-khu-vuc-{region}",
        "Chi cục Hải quan khu vực {region}",
        "customs",
        "region",
        r"(?:chi cuc )?hai quan khu vuc (?P<region>[ivxlc]+|\d+)",
    ),
    # a bare "Hải quan" where the province has several regional branches: all of them
    _e(
        "chi-cuc-hai-quan-khu-vuc",
        "Các Chi cục Hải quan khu vực",
        "customs",
        "local",
        r"(?:cac )?chi cuc hai quan(?: cac)?(?: khu vuc)?",
        group=True,
    ),
    _e(
        "thue-co-so-{num}",
        "Thuế cơ sở {num}",
        "tax",
        "province",
        r"thue co so(?: so)? (?P<num>\d+)" + _PROV + _LOC,
    ),
    _e("thue-co-so", "Thuế cơ sở", "tax", "province", r"thue co so"),
    _e(
        "thue-tinh",
        "Thuế tỉnh",
        "tax",
        "province",
        r"(?:co quan |luc luong )?thue" + _PROV + _LOC,
    ),
    _e(
        "bo-chi-huy-bo-doi-bien-phong",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "border_guard",
        "province",
        r"(?:bo|ban) chi huy (?:bo doi )?bien phong" + _PROV + _LOC,
        r"(?:luc luong |bo doi )?bien phong" + _PROV + _LOC,
        r"bdbp" + _PROV + _LOC,
    ),
    # a border post belongs to its province's Border Guard command, whatever place it is
    # named after ("Đồn Biên phòng Hàm Rồng" in a commune plan is still the province's)
    _e(
        "don-bien-phong-{post}",
        "Đồn Biên phòng {post}",
        "border_guard",
        "province",
        r"don (?:bien phong|bp)(?: (?P<post>[a-z0-9][a-z0-9 ]*))?",
    ),
    _e(
        "bo-chi-huy-quan-su-tinh",
        "Bộ Chỉ huy Quân sự tỉnh",
        "military",
        "province",
        r"bo chi huy quan su" + _PROV + _LOC,
        r"bchqs (?:tinh|thanh pho)" + _LOC,
    ),
    _e(
        "ban-chi-huy-quan-su-{unit}",
        "Ban Chỉ huy Quân sự {unit}",
        "military",
        "commune",
        r"ban chi huy quan su(?: (?P<unit>phuong|xa|dac khu))?",
    ),
    _e(
        "doi-quan-ly-thi-truong-so-{num}",
        "Đội Quản lý thị trường số {num}",
        "market_surveillance",
        "province",
        r"doi quan ly thi truong so (?P<num>\d+)",
    ),
    _e(
        "chi-cuc-quan-ly-thi-truong",
        "Chi cục Quản lý thị trường",
        "market_surveillance",
        "province",
        r"(?:chi cuc |luc luong |co quan )?quan ly thi truong" + _PROV + _LOC,
        r"qltt",
    ),
    _e(
        "thanh-tra-tinh",
        "Thanh tra tỉnh",
        "inspectorate",
        "province",
        r"thanh tra (?:tinh|thanh pho)" + _LOC,
    ),
    _e(
        "vien-kiem-sat-nhan-dan-tinh",
        "Viện kiểm sát nhân dân tỉnh",
        "procuracy",
        "province",
        r"(?:vien kiem sat(?: nhan dan)?|vksnd) (?:tinh|thanh pho)" + _LOC,
    ),
    _e(
        "co-quan-duoc-giao-dieu-tra",
        "Các cơ quan được giao tiến hành một số hoạt động điều tra",
        "investigation",
        "local",
        r"(?:cac )?(?:co quan|don vi)(?: khac)? duoc giao tien hanh mot so hoat dong dieu tra",
        group=True,
    ),
    _e(
        "co-quan-dieu-tra",
        "Cơ quan điều tra các cấp",
        "investigation",
        "local",
        r"(?:cac )?co quan (?:canh sat )?dieu tra(?: cac cap)?",
        group=True,
    ),
    # --- press
    _e(
        "bao-va-phat-thanh-truyen-hinh",
        "Báo và Phát thanh, Truyền hình tỉnh",
        "press",
        "province",
        r"bao va phat thanh,? truyen hinh" + _PROV + _LOC,
        r"bao va dai (?:ptth|pt-th|phat thanh,? truyen hinh)" + _PROV + _LOC,
    ),
    _e(
        "co-quan-bao-chi",
        "Các cơ quan thông tấn, báo chí",
        "press",
        "local",
        r"(?:cac )?co quan (?:(?:thong tan|truyen thong),? )?bao chi(?: thong tan)?",
        group=True,
    ),
    # --- people's committees, fronts, mass organisations
    _e(
        "ubnd-cac-xa-phuong",
        "UBND các xã, phường",
        "peoples_committee",
        "local",
        r"(?:ubnd|uy ban nhan dan)(?: cac (?:xa,? phuong|xa|phuong)| xa,? phuong| cap xa)"
        r"(?:,? thi tran)?",
        group=True,
    ),
    _e(
        "ubnd-{unit}",
        "UBND {unit}",
        "peoples_committee",
        "local",
        r"(?:ubnd|uy ban nhan dan)" + _UNIT + _LOC,
    ),
    _e(
        "mat-tran-to-quoc-va-doan-the",
        "Mặt trận Tổ quốc và các đoàn thể",
        "front_mass_org",
        "local",
        r"(?:uy ban )?(?:mat tran to quoc|mttq)(?: viet nam)?(?: (?:tinh|phuong|xa))?"
        r" va cac (?:doan the|to chuc)(?: chinh tri - xa hoi)?",
        group=True,
    ),
    _e(
        "mat-tran-to-quoc-{unit}",
        "Ủy ban Mặt trận Tổ quốc Việt Nam {unit}",
        "front_mass_org",
        "local",
        r"(?:uy ban )?(?:mat tran to quoc|mttq)(?: viet nam)?" + _UNIT + _LOC,
    ),
    _e(
        "doan-the",
        "Các đoàn thể chính trị – xã hội",
        "front_mass_org",
        "local",
        r"(?:cac )?(?:doan the|to chuc chinh tri - xa hoi)(?: chinh tri - xa hoi)?",
        group=True,
    ),
    # --- steering committee and its standing office
    _e(
        "co-quan-thuong-truc-bcd-389-{unit}",
        "Cơ quan Thường trực Ban Chỉ đạo 389 {unit}",
        "standing_office",
        "local",
        r"(?:co quan|van phong) thuong truc (?:ban chi dao|bcd) 389" + _UNIT + _LOC,
    ),
    _e(
        "ban-chi-dao-389-{unit}",
        "Ban Chỉ đạo 389 {unit}",
        "steering_committee",
        "local",
        r"(?:ban chi dao|bcd) 389" + _UNIT + _LOC,
    ),
    # --- ward / commune apparatus
    _e(
        "phong-kinh-te-ha-tang-va-do-thi",
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        "ward_office",
        "commune",
        r"phong kinh te,? ha tang (?:va|&) do thi",
    ),
    _e("phong-kinh-te", "Phòng Kinh tế", "ward_office", "commune", r"phong kinh te"),
    _e(
        "phong-van-hoa-xa-hoi",
        "Phòng Văn hóa – Xã hội",
        "ward_office",
        "commune",
        r"phong van hoa(?: -|,)? xa hoi",
    ),
    _e(
        "van-phong-hdnd-va-ubnd-{unit}",
        "Văn phòng HĐND và UBND {unit}",
        "ward_office",
        "commune",
        r"van phong (?:hdnd|hoi dong nhan dan) (?:&|va|-) (?:ubnd|uy ban nhan dan)"
        r"(?: (?P<unit>phuong|xa))?",
    ),
    _e(
        "trung-tam-cung-ung-dich-vu-cong",
        "Trung tâm Cung ứng dịch vụ công",
        "service_center",
        "commune",
        r"trung tam cung ung dich vu cong(?: (?:phuong|xa))?",
    ),
    _e(
        "to-dan-pho-lang",
        "Tổ dân phố, làng",
        "residential_group",
        "commune",
        r"(?:cac )?to dan pho(?:,? (?:lang|thon|ban))*",
        r"(?:cac )?(?:thon|lang),? (?:to dan pho|khu pho)",
        group=True,
    ),
    # --- collectives of provincial bodies; "dia phuong" (localities) gets its own group
    _e(
        "cac-so-nganh-dia-phuong",
        "Các sở, ban, ngành, địa phương",
        "group",
        "local",
        r"cac so(?:,? (?:ban|nganh|ban nganh|don vi|co quan|to chuc|luc luong(?: chuc nang)?))*"
        r",? (?:va )?dia phuong(?: cap tinh| tinh)?",
        group=True,
    ),
    _e(
        "cac-so-nganh",
        "Các sở, ban, ngành",
        "group",
        "local",
        r"cac (?:so|nganh|ban nganh)(?:,? (?:va )?(?:ban|nganh|ban nganh|don vi|co quan|to chuc"
        r"|luc luong(?: chuc nang)?))*(?: cap tinh| tinh| thuoc (?:ubnd|uy ban nhan dan) tinh)?",
        r"cac (?:nganh|co quan,? don vi) thanh vien (?:ban chi dao|bcd) 389(?: tinh)?",
        group=True,
    ),
    _e(
        "luc-luong-cua-khau",
        "Các lực lượng chức năng tại cửa khẩu biên giới",
        "group",
        "local",
        r"(?:cac )?luc luong chuc nang,? (?:thuc thi )?tai (?:cac )?cua khau.*",
        group=True,
    ),
    _e(
        "luc-luong-chuc-nang",
        "Các lực lượng chức năng",
        "group",
        "local",
        r"(?:cac )?luc luong(?: chuc nang)?",
        r"cac co quan chuc nang",
        group=True,
    ),
    _e(
        "co-quan-quan-ly-chuyen-nganh",
        "Các cơ quan quản lý chuyên ngành",
        "group",
        "local",
        r"(?:cac )?co quan quan ly chuyen nganh",
        group=True,
    ),
    _e(
        "cac-phong-don-vi",
        "Các phòng, đơn vị",
        "group",
        "commune",
        r"cac phong(?:,? (?:ban|don vi|ban nganh|luc luong chuc nang))*(?: truc thuoc .*)?",
        group=True,
    ),
    _e(
        "co-quan-don-vi",
        "Các cơ quan, đơn vị",
        "group",
        "local",
        r"cac (?:co quan|don vi|to chuc)(?:,? (?:co quan|don vi|to chuc|dia phuong))*",
        group=True,
    ),
)

# A bare customs force: the province's regional branch (`plans/customs.py`), or all of them.
BARE_CUSTOMS = ("hai quan", "luc luong hai quan", "co quan hai quan", "chi cuc hai quan")

# Leading words (folded) that start an agency name: a comma or "và" before one of them
# separates agencies; before anything else it is part of the current name.
HEADS = (
    "so",
    "bo",
    "cong an",
    "ubnd",
    "uy ban",
    "hdnd",
    "chi cuc",
    "cuc",
    "tong cuc",
    "thue",
    "hai quan",
    "bien phong",
    "don bien phong",
    "bo doi",
    "bdbp",
    "quan ly thi truong",
    "qltt",
    "doi",
    "bao",
    "dai",
    "vien",
    "toa an",
    "thanh tra",
    "phong",
    "trung tam",
    "tram",
    "van phong",
    "ban chi dao",
    "bcd",
    "ban chi huy",
    "ban quan ly",
    "mat tran",
    "mttq",
    "hoi",
    "doan thanh nien",
    "lien doan",
    "to dan pho",
    "co quan",
    "cac",
    "nhung",
    "tinh uy",
    "dang uy",
    "kiem lam",
    "hat kiem lam",
    "canh sat",
    "kho bac",
    "ngan hang",
    "truong",  # trưởng thôn, trưởng các bản
    "tram",  # Trạm Y tế
    "don",  # Đồn Biên phòng
    "cang vu",  # Cảng vụ Hàng hải, Cảng vụ hàng không
)

# Fallback kinds for names outside the catalogue, by leading words (longest first).
LEADING_KINDS: tuple[tuple[str, AgencyKind], ...] = (
    ("bo chi huy quan su", "military"),
    ("ban chi huy quan su", "military"),
    ("bo chi huy bo doi bien phong", "border_guard"),
    ("doi quan ly thi truong", "market_surveillance"),
    ("co quan canh sat dieu tra", "investigation"),
    ("co quan dieu tra", "investigation"),
    ("co quan thuong truc", "standing_office"),
    ("van phong thuong truc", "standing_office"),
    ("quan ly thi truong", "market_surveillance"),
    ("chi cuc hai quan", "customs"),
    ("vien kiem sat", "procuracy"),
    ("ban chi dao", "steering_committee"),
    ("trung tam", "service_center"),
    ("to dan pho", "residential_group"),
    ("uy ban nhan dan", "peoples_committee"),
    ("mat tran", "front_mass_org"),
    ("doan thanh nien", "front_mass_org"),
    ("hoi lien hiep", "front_mass_org"),
    ("hoi nong dan", "front_mass_org"),
    ("hoi cuu chien binh", "front_mass_org"),
    ("lien doan lao dong", "front_mass_org"),
    ("thanh tra", "inspectorate"),
    ("bien phong", "border_guard"),
    ("hai quan", "customs"),
    ("cong an", "police"),
    ("canh sat", "police"),
    ("van phong", "ward_office"),
    ("ubnd", "peoples_committee"),
    ("thue", "tax"),
    ("bao", "press"),
    ("dai", "press"),
    ("phong", "ward_office"),
    ("so", "department"),
    ("bo", "department"),
    ("cac", "group"),
)

# Scopes of names outside the catalogue, by leading words: units a province runs (its
# departments, its sub-departments, forest rangers, tax offices) belong to the province even
# when a commune plan names them; anything else to the plan's own locality, unless it names
# its level ("... tỉnh", "... thành phố": the province).
FALLBACK_SCOPES: tuple[tuple[str, Scope], ...] = (
    ("so", "province"),
    ("chi cuc", "province"),
    ("hat kiem lam", "province"),
    ("doi quan ly thi truong", "province"),
    ("don bien phong", "province"),
    ("thue", "province"),
)
