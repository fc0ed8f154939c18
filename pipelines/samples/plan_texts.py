"""Plan documents for the catalogue's localities, written like the seed documents.

A province's plan is one of the three province seeds (law-portal web page, body + appendix
table, PDF text) with the province's name, unit and plan number put in; a commune's plan is the
ward seed (task groups) for that commune, implementing its province's plan, with more task
groups than the seed's six: commune plans differ in length, and the extra groups are the
duties commune plans commonly add (markets, e-commerce, food safety, borders...).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.plans.text import slug
from pipelines.samples.localities import Commune, Province
from pipelines.settings import REPO_ROOT

SEEDS = REPO_ROOT / "data" / "raw" / "plans"
WEB_PAGE = "thanh-hoa_08-KH-UBND_2026_web-page.txt"
BODY, APPENDIX = "hung-yen_2026_plan-body.txt", "hung-yen_2026_plan-appendix.md"
PDF_TEXT = "lao-cai_2025_plan-pdf-text.txt"
WARD = "ham-rong-ward_2026_plan.txt"
SEED_PROVINCE = {WEB_PAGE: "Thanh Hóa", BODY: "Hưng Yên", APPENDIX: "Hưng Yên", PDF_TEXT: "Lào Cai"}


@dataclass(frozen=True)
class ExtraGroup:
    title: str
    bullets: tuple[str, ...]
    lead: str  # "{unit}" stands for xã / phường
    lead_duty: str
    coordinators: tuple[tuple[str, str], ...]


POLICE, OFFICE = "Công an {unit}", "Phòng Kinh tế, Hạ tầng và Đô thị"
EXTRA_GROUPS = (
    ExtraGroup(
        "Quản lý chợ, điểm kinh doanh tập trung",
        ("Rà soát, lập danh sách các chợ, điểm kinh doanh tập trung; yêu cầu niêm yết giá, "
         "ghi rõ nguồn gốc hàng hóa.",),
        OFFICE, "Chủ trì kiểm tra việc chấp hành quy định về niêm yết giá, nguồn gốc hàng hóa tại "
        "các chợ trên địa bàn; tổng hợp, báo cáo kết quả 6 tháng, năm.",
        (("Ban quản lý chợ", "Phối hợp theo dõi, phản ánh các trường hợp vi phạm."),),
    ),
    ExtraGroup(
        "Kiểm soát kinh doanh trên môi trường mạng",
        ("Theo dõi, phát hiện các tài khoản mạng xã hội, trang thương mại điện tử của tổ chức, "
         "cá nhân trên địa bàn kinh doanh hàng giả, hàng không rõ nguồn gốc.",),
        POLICE, "Chủ trì xác minh, xử lý các hành vi kinh doanh hàng giả, hàng cấm trên môi "
        "trường mạng theo thẩm quyền.",
        ((OFFICE, "Phối hợp cung cấp danh sách hộ kinh doanh có hoạt động bán hàng trực tuyến."),),
    ),
    ExtraGroup(
        "Bảo đảm an toàn thực phẩm",
        ("Kiểm tra các cơ sở sản xuất, kinh doanh thực phẩm, nhất là dịp Tết Nguyên đán, "
         "Tết Trung thu.",),
        OFFICE, "Chủ trì tham mưu thành lập đoàn kiểm tra liên ngành về an toàn thực phẩm; "
        "hoàn thành trước ngày 15/01/2027.",
        (("Trạm Y tế {unit}", "Phối hợp lấy mẫu, kiểm nghiệm nhanh thực phẩm."),),
    ),
    ExtraGroup(
        "Phòng, chống vận chuyển trái phép hàng cấm, pháo nổ",
        ("Tuần tra, kiểm soát các tuyến đường, bến bãi, kho hàng có nguy cơ tập kết hàng cấm, "
         "pháo nổ.",),
        POLICE, "Chủ trì tổ chức các đợt cao điểm tấn công, trấn áp tội phạm buôn bán, vận "
        "chuyển hàng cấm, pháo nổ; báo cáo kết quả trước ngày 31/12/2026.",
        (("Các tổ dân phố, thôn", "Phối hợp nắm tình hình, phản ánh kịp thời các dấu hiệu vi "
          "phạm."),),
    ),
    ExtraGroup(
        "Quản lý hoạt động kinh doanh xăng dầu, khí dầu mỏ hóa lỏng",
        ("Kiểm tra điều kiện kinh doanh, đo lường, chất lượng xăng dầu, khí dầu mỏ hóa lỏng "
         "tại các cửa hàng trên địa bàn.",),
        OFFICE, "Chủ trì rà soát, kiểm tra định kỳ hằng quý các cửa hàng xăng dầu, khí dầu mỏ "
        "hóa lỏng.",
        ((POLICE, "Phối hợp bảo đảm an ninh, trật tự, phòng cháy chữa cháy."),),
    ),
    ExtraGroup(
        "Phòng, chống gian lận trong kê khai thuế, hóa đơn",
        ("Phối hợp với cơ quan thuế rà soát hộ kinh doanh có dấu hiệu kê khai không đúng "
         "doanh thu, sử dụng hóa đơn bất hợp pháp.",),
        OFFICE, "Chủ trì phối hợp với Thuế cơ sở rà soát hộ kinh doanh trên địa bàn; hoàn thành "
        "trong quý III năm 2026.",
        ((POLICE, "Phối hợp xác minh các trường hợp có dấu hiệu tội phạm."),),
    ),
    ExtraGroup(
        "Tuyên truyền trên hệ thống thông tin cơ sở",
        ("Xây dựng chuyên mục về chống buôn lậu, hàng giả trên trang thông tin điện tử và "
         "hệ thống truyền thanh của {unit}.",),
        "Văn phòng HĐND & UBND {unit}", "Chủ trì xây dựng, duy trì chuyên mục hằng tháng; "
        "đăng tải các vụ việc điển hình.",
        ((OFFICE, "Phối hợp cung cấp nội dung tuyên truyền."),),
    ),
    ExtraGroup(
        "Xử lý nghiêm các vi phạm được phát hiện",
        ("Xử lý vi phạm hành chính đúng thẩm quyền; chuyển hồ sơ các vụ việc có dấu hiệu tội "
         "phạm sang cơ quan điều tra.",),
        POLICE, "Chủ trì tiếp nhận hồ sơ, điều tra, xử lý các vụ việc có dấu hiệu tội phạm theo "
        "thẩm quyền; 100% vụ việc có dấu hiệu tội phạm được khởi tố, điều tra.",
        ((OFFICE, "Phối hợp theo dõi việc chấp hành quyết định xử phạt."),),
    ),
    ExtraGroup(
        "Kiểm tra hàng hóa lưu thông tại các kho, bãi",
        ("Rà soát, quản lý các kho, bãi chứa hàng hóa trên địa bàn; kiểm tra đột xuất khi có "
         "dấu hiệu tập kết hàng lậu.",),
        POLICE, "Chủ trì kiểm tra các kho, bãi có dấu hiệu tập kết hàng hóa nhập lậu.",
        ((OFFICE, "Phối hợp lập danh sách kho, bãi, điểm tập kết hàng hóa."),),
    ),
    ExtraGroup(
        "Theo dõi việc thực hiện cam kết của hộ kinh doanh",
        ("Định kỳ kiểm tra việc thực hiện cam kết không kinh doanh hàng lậu, hàng giả của các "
         "hộ, cơ sở kinh doanh.",),
        OFFICE, "Chủ trì tổng hợp kết quả ký và thực hiện cam kết; báo cáo trước ngày 30/6/2026.",
        (("Các tổ dân phố, thôn", "Phối hợp theo dõi, đôn đốc các hộ kinh doanh."),),
    ),
    ExtraGroup(
        "Bảo vệ quyền lợi người tiêu dùng",
        ("Tiếp nhận, giải quyết kịp thời các khiếu nại của người tiêu dùng về hàng giả, hàng "
         "kém chất lượng.",),
        OFFICE, "Chủ trì tiếp nhận, hướng dẫn giải quyết khiếu nại của người tiêu dùng; tổng "
        "hợp, báo cáo hằng năm.",
        (("Mặt trận Tổ quốc Việt Nam {unit}", "Phối hợp giám sát, tuyên truyền."),),
    ),
    ExtraGroup(
        "Nắm tình hình tội phạm kinh tế trên địa bàn",
        ("Xây dựng, củng cố mạng lưới cơ sở; nắm chắc đối tượng, phương thức, thủ đoạn buôn "
         "lậu, gian lận thương mại.",),
        POLICE, "Chủ trì lập hồ sơ quản lý đối tượng có biểu hiện hoạt động buôn lậu; hoàn "
        "thành trong năm 2026.",
        (("Các tổ dân phố, thôn", "Phối hợp cung cấp thông tin."),),
    ),
    ExtraGroup(
        "Sơ kết, đánh giá việc thực hiện Kế hoạch",
        ("Tổ chức sơ kết 6 tháng, tổng kết năm việc thực hiện Kế hoạch; đề xuất khen thưởng "
         "tập thể, cá nhân có thành tích.",),
        OFFICE, "Chủ trì tham mưu tổ chức sơ kết, tổng kết; hoàn thành trước ngày 25/12/2026.",
        (("Văn phòng HĐND & UBND {unit}", "Phối hợp chuẩn bị nội dung, thành phần."),),
    ),
    ExtraGroup(
        "Quản lý vật liệu nổ, hóa chất, thuốc bảo vệ thực vật",
        ("Kiểm tra việc kinh doanh thuốc bảo vệ thực vật, phân bón, hóa chất trên địa bàn.",),
        OFFICE, "Chủ trì kiểm tra các cơ sở kinh doanh vật tư nông nghiệp định kỳ 6 tháng.",
        ((POLICE, "Phối hợp kiểm tra, xử lý các trường hợp vi phạm."),),
    ),
)  # fmt: skip


def _replace(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        text = text.replace(old, new)
    return text


def _province_pairs(seed_name: str, province: Province) -> list[tuple[str, str]]:
    old_up, new_up = seed_name.upper(), province.name.upper()
    pairs = []
    if province.unit != "tỉnh":  # a centrally-run city: "thành phố Hà Nội", "UBND thành phố"
        pairs += [
            (f"tỉnh {seed_name}", f"thành phố {province.name}"),
            (f"TỈNH {old_up}", f"THÀNH PHỐ {new_up}"),
            (" tỉnh", " thành phố"),
            ("Tỉnh ", "Thành phố "),
        ]
    return [*pairs, (seed_name, province.name), (old_up, new_up)]


def province_documents(province: Province, year: int = 2026) -> dict[str, str]:
    """File name → text of the province's plan (two files for the body + appendix shape)."""
    slug = province_slug(province)
    number = f"{province.number}/KH-UBND"
    if province.shape == "web_page":
        text = _replace(_seed(WEB_PAGE), [("08/KH-UBND", number)])
        name = f"{slug}_{number.replace('/', '-')}_{year}_web-page.txt"
        return {name: text_for(text, WEB_PAGE, province)}
    if province.shape == "body_appendix":
        signed = [
            ("Hung Yên", "Hưng Yên"),  # the seed's letterhead typo is the seed's, not theirs
            ("Số: /KH-UBND", f"Số: {number}"),
            ("Kế hoạch số /KH-UBND ngày / /2026", f"Kế hoạch số {number} ngày 20/01/{year}"),
        ]
        return {
            f"{slug}_{year}_plan-body.txt": text_for(_replace(_seed(BODY), signed), BODY, province),
            f"{slug}_{year}_plan-appendix.md": text_for(
                _replace(_seed(APPENDIX), signed), APPENDIX, province
            ),
        }
    heading = f"ỦY BAN NHÂN DÂN\n{province.unit.upper()} {province.name.upper()}\nSố: {number}\n"
    text = heading + text_for(_seed(PDF_TEXT), PDF_TEXT, province)
    return {f"{slug}_2025_plan-pdf-text.txt": text}


def text_for(text: str, seed_file: str, province: Province) -> str:
    return _replace(text, _province_pairs(SEED_PROVINCE[seed_file], province))


def province_plan_ref(province: Province) -> tuple[str, str]:
    """(number, issue date) as a commune plan cites its province's plan."""
    day = {"web_page": "10/01/2026", "body_appendix": "20/01/2026", "pdf_text": "30/12/2025"}
    return f"{province.number}/KH-UBND", day[province.shape]


def commune_document(
    commune: Commune, province: Province, rng: random.Random, extra: tuple[int, int]
) -> tuple[str, str]:
    """(file name, text) of a commune's plan: the ward seed plus some extra task groups."""
    text = _seed(WARD)
    head, tail = text.split("\nIV. KINH PHÍ THỰC HIỆN", 1)
    groups = rng.sample(EXTRA_GROUPS, min(len(EXTRA_GROUPS), rng.randint(*extra)))
    blocks = [_group_block(7 + i, g) for i, g in enumerate(groups)]
    text = "\n\n".join([head.rstrip(), *blocks]) + "\n\nIV. KINH PHÍ THỰC HIỆN" + tail
    number, issued = province_plan_ref(province)
    unit, Unit = commune.unit, commune.unit.capitalize()
    pairs = [
        ("số 08/KH-UBND ngày 10/01/2026", f"số {number} ngày {issued}"),
        ("số 08/KH-UBND", f"số {number}"),  # not "08/KH-UBND": 108/KH-UBND ends with it
        ("{unit}", unit),
        ("Hàm Rồng", commune.name),
        ("HÀM RỒNG", commune.name.upper()),
        ("phường", unit),
        ("Phường", Unit),
        ("PHƯỜNG", unit.upper()),
    ]
    if unit == "xã":
        pairs += [("Tổ dân phố, làng", "Thôn, bản"), ("tổ dân phố", "thôn")]
    text = _replace(text, pairs)
    text = _replace(text, _province_pairs("Thanh Hóa", province))
    # the code keeps apart a province's communes of one name (a xã and a phường)
    return f"{province_slug(province)}/{slug(commune.name)}-{commune.code}_2026_plan.txt", text


def _group_block(n: int, group: ExtraGroup) -> str:
    lines = [f"{n}. {group.title}", *(f"- {b}" for b in group.bullets), "Phân công thực hiện:"]
    lines.append(f"+ {group.lead}: {group.lead_duty}")
    lines += [f"+ {who}: {duty}" for who, duty in group.coordinators]
    return "\n\n".join(lines)


def province_slug(province: Province) -> str:
    return slug(province.name)


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")
