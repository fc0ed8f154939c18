"""The plan review workbook's layout: sheet names, headers and the words an official types.

One definition serves the writer (`workbook.py`) and the reader (`reading.py`), so a workbook
written here is read back to the same values. Headers are matched ignoring case, diacritics and
spacing; so are the words of the choice columns ("xóa", "XOA", "Hằng quý", "quarterly").
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.reports.normalize import header_key

REVIEW_SUFFIX = ".review.xlsx"
PLAN_SHEET, TASK_SHEET, TARGET_SHEET, DUTY_SHEET = "KeHoach", "NhiemVu", "ChiTieu", "BaoCao"
LIST_SHEET, CHANGES_SHEET, GUIDE_SHEET = "DanhMuc", "DoiChieu", "HuongDan"
REQUIRED_SHEETS = (PLAN_SHEET, TASK_SHEET, TARGET_SHEET, DUTY_SHEET)
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})

DELETE = "Xóa"
AGENCY_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 16
    editable: bool = True  # False: shown for information, ignored when read back
    wrap: bool = True  # False: one line on screen and paper, whole in the cell (long, repeated)


# KeHoach: one label per row in column A, its value in column B; then the source documents.
PLAN_FIELDS = (
    Column("plan_id", "Mã kế hoạch"),
    Column("title", "Tên kế hoạch"),
    Column("number", "Số hiệu"),
    Column("issue_date", "Ngày ban hành"),
    Column("issuer", "Cơ quan ban hành"),
    Column("locality", "Địa bàn"),
    Column("locality_code", "Mã địa bàn"),
    Column("level", "Cấp"),
    Column("parent_plan_id", "Kế hoạch cấp trên"),
    Column("reviewed_at", "Ngày rà soát"),
    Column("reviewer", "Người rà soát"),
)
DOCUMENT_HEADERS = ("Tài liệu nguồn", "SHA-256")

TASK_COLUMNS = (
    Column("task_code", "Mã nhiệm vụ", 10),
    Column("group_code", "Nhóm", 8),
    Column("group_title", "Tên nhóm", 24, wrap=False),
    Column("title", "Nội dung", 60),
    Column("leads", "Cơ quan chủ trì", 30),
    Column("coordinators", "Cơ quan phối hợp", 30),
    Column("deadline_text", "Thời hạn", 22),
    Column("due_date", "Ngày đến hạn", 13),
    Column("recurrence", "Định kỳ", 12),
    Column("expected_output", "Sản phẩm", 24),
    Column("review_reason", "Cần rà soát", 30, editable=False),
    Column("extraction_reason", "Lý do gắn cờ khi trích xuất", 30, editable=False),
    Column("action", "Thao tác", 10),
    Column("note", "Ghi chú của người rà soát", 30),
)
TARGET_COLUMNS = (
    Column("metric", "Chỉ tiêu", 32),
    Column("comparator", "So sánh", 9),
    Column("threshold", "Ngưỡng", 10),
    Column("source_text", "Trích dẫn", 70),
    Column("task_code", "Mã nhiệm vụ", 12),
)
DUTY_COLUMNS = (
    Column("reporter", "Đơn vị báo cáo", 36),
    Column("recipient", "Nơi nhận", 30),
    Column("due_text", "Thời hạn", 30),
    Column("kind", "Loại", 12),
    Column("due_day", "Ngày", 7),
    Column("due_month", "Tháng", 7),
    Column("due_date", "Ngày đến hạn", 13),
)
CHANGE_COLUMNS = (
    Column("task_code", "Mã nhiệm vụ", 12),
    Column("field", "Trường", 22),
    Column("extracted_value", "Giá trị trích xuất (tài liệu hiện tại)", 45),
    Column("reviewed_value", "Giá trị đã rà soát", 45),
)

LEVELS = {"national": "Trung ương", "province": "Tỉnh", "commune": "Xã"}
RECURRENCES = {
    "weekly": "Hằng tuần",
    "monthly": "Hằng tháng",
    "quarterly": "Hằng quý",
    "annual": "Hằng năm",
}
DUTY_KINDS = {
    "annual": "Hằng năm",
    "semiannual": "6 tháng",
    "quarterly": "Hằng quý",
    "monthly": "Hằng tháng",
    "interim": "Sơ kết",
    "final": "Tổng kết",
}
COMPARATORS = (">=", ">")

# The field names of `mart_plan_review_changes.field`, in Vietnamese for the DoiChieu sheet.
FIELD_LABELS = {
    "task": "Nhiệm vụ",
    "title": "Nội dung",
    "group_code": "Nhóm",
    "group_title": "Tên nhóm",
    "lead_agencies": "Cơ quan chủ trì",
    "coordinating_agencies": "Cơ quan phối hợp",
    "deadline_text": "Thời hạn",
    "due_date": "Ngày đến hạn",
    "recurrence": "Định kỳ",
    "expected_output": "Sản phẩm",
    "target": "Chỉ tiêu",
    "reporting_obligation": "Báo cáo",
    **{f"plan.{c.key}": c.header for c in PLAN_FIELDS},
}


def choice(text: str | None, labels: dict[str, str]) -> str | None:
    """The code of a typed label or code ("Hằng quý", "hang quy", "quarterly"); None if none."""
    key = header_key(text)
    for code, label in labels.items():
        if key in (header_key(code), header_key(label)):
            return code
    return None


def is_review_name(name: str) -> bool:
    return name.lower().endswith(REVIEW_SUFFIX)
