"""The official report workbook: sheets, headers and the fixed lists agencies choose from.

One definition serves the template writer, the sample-data generator, the reader and the
validator, so a header or a dropdown value is spelled in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "date", "int", "money", "choice", "yesno"]


@dataclass(frozen=True)
class Choice:
    code: str  # stored in the warehouse
    label: str  # shown to agencies (Vietnamese), the dropdown value


@dataclass(frozen=True)
class Column:
    key: str  # warehouse column name
    header: str  # header text in the template
    kind: ColumnKind
    required: bool = False
    choices: tuple[Choice, ...] = ()
    pii: bool = False  # replaced by a keyed hash at ingestion
    prefilled: bool = False  # the template fills it in; a row with nothing else is blank
    help_vi: str = ""

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.choices]


@dataclass(frozen=True)
class SheetSpec:
    name: str  # sheet name in the template
    table: str  # warehouse table
    title: str  # title row printed above the header
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


TASK_STATUSES = (
    Choice("completed", "Hoàn thành"),
    Choice("in_progress", "Đang thực hiện"),
    Choice("not_started", "Chưa thực hiện"),
    Choice("cannot_complete", "Không thực hiện được"),
)
CHANNELS = (
    Choice("hotline", "Đường dây nóng"),
    Choice("in_person", "Trực tiếp"),
    Choice("document", "Văn bản"),
    Choice("email", "Thư điện tử"),
    Choice("web_portal", "Cổng thông tin điện tử"),
    Choice("referral", "Cơ quan khác chuyển đến"),
)
TIP_TYPES = (
    Choice("denunciation", "Tố giác"),
    Choice("crime_report", "Tin báo"),
    Choice("prosecution_request", "Kiến nghị khởi tố"),
)
FIELDS = (
    Choice("smuggling", "Buôn lậu"),
    Choice("prohibited_goods", "Hàng cấm"),
    Choice("trade_fraud", "Gian lận thương mại"),
    Choice("counterfeit", "Hàng giả"),
    Choice("ip_infringement", "Xâm phạm sở hữu trí tuệ"),
    Choice("other", "Khác"),
)
OUTCOMES = (
    Choice("prosecuted", "Khởi tố vụ án"),
    Choice("not_prosecuted", "Không khởi tố vụ án"),
    Choice("suspended", "Tạm đình chỉ"),
    Choice("administrative", "Chuyển xử lý hành chính"),
    Choice("transferred", "Chuyển cơ quan có thẩm quyền"),
)
YES_NO = (Choice("yes", "Có"), Choice("no", "Không"))

INFO_SHEET = "ThongTin"
INFO_FIELDS: tuple[Column, ...] = (
    Column("agency_name", "Đơn vị báo cáo", "text", required=True),
    Column("plan_id", "Mã kế hoạch", "text", required=True),
    Column(
        "period",
        "Kỳ báo cáo",
        "text",
        required=True,
        help_vi="2026-09 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng), 2026-9M (9 tháng), 2026 (năm)",
    ),
    Column("report_date", "Ngày báo cáo", "date", required=True),
    Column("prepared_by", "Người lập", "text"),
)

TASK_PROGRESS = SheetSpec(
    "TienDo",
    "task_progress",
    "TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ",
    (
        Column("task_code", "Mã nhiệm vụ", "text", required=True, prefilled=True),
        Column("status", "Tình trạng", "choice", required=True, choices=TASK_STATUSES),
        Column("completed_date", "Ngày hoàn thành", "date"),
        Column("output_document", "Sản phẩm", "text"),
        Column("note", "Ghi chú", "text"),
    ),
)
TIPS = SheetSpec(
    "ToGiac",
    "tips",
    "SỔ THEO DÕI TỐ GIÁC, TIN BÁO VỀ TỘI PHẠM, KIẾN NGHỊ KHỞI TỐ",
    (
        Column("tip_code", "Mã tin", "text", required=True),
        Column("received_date", "Ngày tiếp nhận", "date", required=True),
        Column("channel", "Kênh", "choice", required=True, choices=CHANNELS),
        Column("tip_type", "Loại", "choice", required=True, choices=TIP_TYPES),
        Column("field", "Lĩnh vực", "choice", required=True, choices=FIELDS),
        Column("accepted_date", "Ngày thụ lý", "date", help_vi="Để trống: chưa thụ lý"),
        Column("resolved_date", "Ngày giải quyết", "date", help_vi="Để trống: chưa giải quyết"),
        Column("outcome", "Kết quả", "choice", choices=OUTCOMES),
        Column("criminal_signs", "Có dấu hiệu tội phạm", "yesno", choices=YES_NO),
        Column("informant_name", "Người cung cấp tin", "text", pii=True),
        Column("informant_phone", "Số điện thoại", "text", pii=True),
    ),
)
ENFORCEMENT = SheetSpec(
    "XuLy",
    "enforcement",
    "KẾT QUẢ KIỂM TRA, XỬ LÝ VI PHẠM",
    (
        Column("field", "Lĩnh vực", "choice", required=True, choices=FIELDS),
        Column("inspections", "Số vụ kiểm tra", "int", required=True),
        Column("violations", "Số vụ vi phạm", "int", required=True),
        Column("administrative_cases", "Số vụ xử lý hành chính", "int"),
        Column("fines_vnd", "Tiền phạt (đồng)", "money"),
        Column("tax_arrears_vnd", "Truy thu thuế (đồng)", "money"),
        Column("confiscated_sales_vnd", "Tiền bán hàng tịch thu (đồng)", "money"),
        Column("goods_value_vnd", "Trị giá hàng vi phạm (đồng)", "money"),
        Column("prosecutions", "Số vụ khởi tố", "int"),
        Column("defendants", "Số bị can", "int"),
    ),
)
TARGET_COUNTS = SheetSpec(
    "ChiTieu",
    "target_counts",
    "SỐ LIỆU CÁC CHỈ TIÊU 100%",
    (
        Column("metric", "Mã chỉ tiêu", "text", required=True, prefilled=True),
        Column("total", "Tổng số đối tượng", "int", required=True),
        Column("achieved", "Số đã thực hiện", "int", required=True),
    ),
)

DATA_SHEETS: tuple[SheetSpec, ...] = (TASK_PROGRESS, TIPS, ENFORCEMENT, TARGET_COUNTS)
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-H[12]|-9M|-(0[1-9]|1[0-2]))?$"  # the codes parse_period makes
PERIOD_EXAMPLES = "2026, 2026-H1, 2026-9M, 2026-Q3, 2026-09"

# KPI names as officials read them (reports, dashboards); keys are plan_targets metric keys.
METRIC_LABELS: dict[str, str] = {
    "tip_acceptance_rate": "Tỷ lệ thụ lý tố giác, tin báo về tội phạm, kiến nghị khởi tố",
    "tip_resolution_rate": "Tỷ lệ giải quyết tố giác, tin báo về tội phạm, kiến nghị khởi tố",
    "criminal_sign_prosecution_rate": "Tỷ lệ khởi tố các vụ việc có dấu hiệu tội phạm",
    "task_on_time_rate": "Tỷ lệ nhiệm vụ đến hạn hoàn thành đúng hạn",
    "consumer_outreach_rate": "Tỷ lệ người tiêu dùng được tuyên truyền, phổ biến pháp luật",
    "ecommerce_commitment_rate": "Tỷ lệ tổ chức, cá nhân kinh doanh TMĐT, báo chí ký cam kết",
    "health_business_outreach_rate": "Tỷ lệ cơ sở kinh doanh hàng liên quan sức khỏe được "
    "tuyên truyền",
    "official_integrity_rate": "Tỷ lệ cán bộ, công chức, viên chức bảo đảm liêm chính",
    "agency_equipment_rate": "Tỷ lệ cơ quan, đơn vị được trang bị, ứng dụng công nghệ",
}
