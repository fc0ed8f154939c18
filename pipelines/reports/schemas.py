"""pandera models for the report sheets (polars backend), one per sheet.

Frames reach these models already typed (sheets.py parses each cell) and carry context
columns computed from the workbook and the plan: `report_date`, `task_in_plan`,
`task_assigned`, `metric_in_plan`, `first_occurrence`. Every check is named after the rule it
enforces; `RULES` gives each rule its column and its reason in Vietnamese and English, which is
what a quarantine row shows.
"""

from __future__ import annotations

from datetime import date

import pandera.polars as pa
import polars as pl

from pipelines.reports.spec import CHANNELS, FIELDS, OUTCOMES, TASK_STATUSES, TIP_TYPES, YES_NO

RULES: dict[str, tuple[str | None, str, str]] = {
    # rule: (column it points at, reason vi, reason en)
    "required": (None, "Thiếu giá trị bắt buộc", "A required value is missing"),
    "missing_column": (None, "Trang tính thiếu cột bắt buộc", "The sheet lacks a required column"),
    "header_not_found": (
        None,
        "Không tìm thấy dòng tiêu đề của bảng mẫu",
        "The template's header row was not found on this sheet",
    ),
    "invalid_date": (None, "Ngày không đúng định dạng dd/mm/yyyy", "Not a date (dd/mm/yyyy)"),
    "impossible_date": (None, "Ngày không tồn tại", "The date does not exist"),
    "invalid_number": (None, "Không phải số nguyên", "Not a whole number"),
    "invalid_choice": (None, "Giá trị không có trong danh mục", "Not one of the allowed values"),
    "negative_count": (None, "Số liệu không được âm", "Counts cannot be negative"),
    "date_after_report": (
        None,
        "Ngày sau ngày báo cáo",
        "The date is after the report date (Ngày báo cáo)",
    ),
    "accepted_before_received": (
        "accepted_date",
        "Ngày thụ lý trước ngày tiếp nhận",
        "Accepted (thụ lý) before it was received",
    ),
    "resolved_before_accepted": (
        "resolved_date",
        "Ngày giải quyết trước ngày thụ lý",
        "Resolved before it was accepted (thụ lý)",
    ),
    "resolved_without_acceptance": (
        "resolved_date",
        "Có ngày giải quyết nhưng chưa thụ lý",
        "Resolved but never accepted (no Ngày thụ lý)",
    ),
    "outcome_without_resolution": (
        "outcome",
        "Có kết quả nhưng chưa có ngày giải quyết",
        "An outcome (Kết quả) without a resolution date",
    ),
    "resolution_without_outcome": (
        "outcome",
        "Đã giải quyết nhưng thiếu kết quả",
        "Resolved but the outcome (Kết quả) is missing",
    ),
    "duplicate_tip_code": (
        "tip_code",
        "Mã tin bị trùng trong cùng đơn vị",
        "The tip code appears twice for this agency",
    ),
    "completed_without_date": (
        "completed_date",
        "Hoàn thành nhưng thiếu ngày hoàn thành",
        "Completed but the completion date is missing",
    ),
    "task_not_in_plan": (
        "task_code",
        "Mã nhiệm vụ không có trong kế hoạch",
        "The task code does not exist in the plan",
    ),
    "task_not_assigned": (
        "task_code",
        "Nhiệm vụ không được giao cho đơn vị báo cáo",
        "The task is not assigned to the reporting agency",
    ),
    "violations_exceed_inspections": (
        "violations",
        "Số vụ vi phạm lớn hơn số vụ kiểm tra",
        "More violations than inspections",
    ),
    "duplicate_field": ("field", "Lĩnh vực bị lặp", "The field (Lĩnh vực) appears twice"),
    "achieved_exceeds_total": (
        "achieved",
        "Số đã thực hiện lớn hơn tổng số",
        "More achieved than the total",
    ),
    "unknown_metric": (
        "metric",
        "Mã chỉ tiêu không có trong kế hoạch",
        "The metric is not a target of the plan",
    ),
    "duplicate_metric": ("metric", "Mã chỉ tiêu bị lặp", "The metric appears twice"),
}

# rule: how to fix it, one short sentence in Vietnamese (feedback copies sent back to agencies)
FIXES: dict[str, str] = {
    "required": "Nhập giá trị cho ô bắt buộc này.",
    "missing_column": "Thêm lại cột còn thiếu, tiêu đề đúng như mẫu.",
    "header_not_found": "Khôi phục dòng tiêu đề cột đúng như mẫu (không sửa, không xóa tiêu đề).",
    "invalid_date": "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/09/2026.",
    "impossible_date": "Kiểm tra lại ngày và tháng: nhập một ngày có thật, dạng dd/mm/yyyy.",
    "invalid_number": "Nhập số nguyên (ví dụ 12 hoặc 1.234.567), không kèm chữ hay đơn vị.",
    "invalid_choice": "Chọn một giá trị trong danh sách thả xuống của mẫu.",
    "negative_count": "Nhập số không âm (0 nếu không có).",
    "date_after_report": "Sửa ngày để không muộn hơn Ngày báo cáo ở sheet ThongTin.",
    "accepted_before_received": "Ngày thụ lý phải bằng hoặc sau ngày tiếp nhận: sửa một trong hai.",
    "resolved_before_accepted": "Ngày giải quyết phải từ ngày thụ lý trở đi: sửa một trong hai.",
    "resolved_without_acceptance": "Nhập Ngày thụ lý, hoặc xóa Ngày giải quyết nếu chưa thụ lý.",
    "outcome_without_resolution": "Nhập Ngày giải quyết, hoặc xóa Kết quả nếu tin chưa giải quyết.",
    "resolution_without_outcome": "Chọn Kết quả, hoặc xóa Ngày giải quyết nếu tin chưa giải quyết.",
    "duplicate_tip_code": "Mỗi tin một mã riêng: sửa mã bị trùng hoặc xóa dòng nhập hai lần.",
    "completed_without_date": "Nhập Ngày hoàn thành, hoặc sửa Tình trạng nếu chưa hoàn thành.",
    "task_not_in_plan": "Dùng đúng mã nhiệm vụ trong kế hoạch (mã điền sẵn trong mẫu).",
    "task_not_assigned": "Chỉ báo cáo nhiệm vụ đơn vị chủ trì: xóa dòng này hoặc sửa mã.",
    "violations_exceed_inspections": "Số vụ vi phạm không được lớn hơn số vụ kiểm tra.",
    "duplicate_field": "Mỗi lĩnh vực một dòng: gộp các dòng trùng thành một.",
    "achieved_exceeds_total": "Số đã thực hiện không được lớn hơn tổng số đối tượng.",
    "unknown_metric": "Dùng mã chỉ tiêu có trong kế hoạch (mã điền sẵn trong mẫu).",
    "duplicate_metric": "Mỗi chỉ tiêu một dòng: gộp các dòng trùng thành một.",
}

# rule: every column it spans, for the rules that compare two fields of a row (RULES names the
# one a quarantine row points at; a feedback copy marks them all)
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "accepted_before_received": ("received_date", "accepted_date"),
    "resolved_before_accepted": ("accepted_date", "resolved_date"),
    "resolved_without_acceptance": ("accepted_date", "resolved_date"),
    "outcome_without_resolution": ("resolved_date", "outcome"),
    "resolution_without_outcome": ("resolved_date", "outcome"),
    "completed_without_date": ("status", "completed_date"),
    "violations_exceed_inspections": ("inspections", "violations"),
    "achieved_exceeds_total": ("total", "achieved"),
}


def _codes(choices) -> list[str]:
    return [c.code for c in choices]


def _not_after(column: str, limit: str = "report_date") -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column) <= pl.col(limit))


class _Base(pa.DataFrameModel):
    row_number: int = pa.Field(ge=1)
    report_date: date

    class Config:
        strict = False  # extra context columns are fine


class TaskProgressSchema(_Base):
    task_code: str
    status: str = pa.Field(isin=_codes(TASK_STATUSES))
    completed_date: date = pa.Field(nullable=True)
    output_document: str = pa.Field(nullable=True)
    note: str = pa.Field(nullable=True)
    task_in_plan: bool
    task_assigned: bool

    @pa.dataframe_check(error="completed_without_date")
    def completed_has_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("status") != "completed") | pl.col("completed_date").is_not_null()
        )

    @pa.dataframe_check(error="date_after_report")
    def not_after_report(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_not_after("completed_date"))

    @pa.dataframe_check(error="task_not_in_plan")
    def in_plan(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("task_in_plan"))

    @pa.dataframe_check(error="task_not_assigned")
    def assigned(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col("task_in_plan") | pl.col("task_assigned"))


class TipSchema(_Base):
    tip_code: str
    received_date: date
    channel: str = pa.Field(isin=_codes(CHANNELS))
    tip_type: str = pa.Field(isin=_codes(TIP_TYPES))
    field: str = pa.Field(isin=_codes(FIELDS))
    accepted_date: date = pa.Field(nullable=True)
    resolved_date: date = pa.Field(nullable=True)
    outcome: str = pa.Field(nullable=True, isin=_codes(OUTCOMES))
    criminal_signs: str = pa.Field(nullable=True, isin=_codes(YES_NO))
    informant_hash: str = pa.Field(nullable=True)
    informant_phone_hash: str = pa.Field(nullable=True)
    first_occurrence: bool

    @pa.dataframe_check(error="accepted_before_received")
    def accepted_after_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("accepted_date").is_null() | (pl.col("accepted_date") >= pl.col("received_date"))
        )

    @pa.dataframe_check(error="resolved_without_acceptance")
    def resolved_was_accepted(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("resolved_date").is_null() | pl.col("accepted_date").is_not_null()
        )

    @pa.dataframe_check(error="resolved_before_accepted")
    def resolved_after_accepted(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("resolved_date").is_null()
            | pl.col("accepted_date").is_null()
            | (pl.col("resolved_date") >= pl.col("accepted_date"))
        )

    @pa.dataframe_check(error="outcome_without_resolution")
    def outcome_needs_resolution(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("outcome").is_null() | pl.col("resolved_date").is_not_null()
        )

    @pa.dataframe_check(error="resolution_without_outcome")
    def resolution_needs_outcome(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("resolved_date").is_null() | pl.col("outcome").is_not_null()
        )

    @pa.dataframe_check(error="date_after_report")
    def not_after_report(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            _not_after("received_date") & _not_after("accepted_date") & _not_after("resolved_date")
        )

    @pa.dataframe_check(error="duplicate_tip_code")
    def unique_tip(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("first_occurrence"))


class EnforcementSchema(_Base):
    field: str = pa.Field(isin=_codes(FIELDS))
    inspections: int = pa.Field(ge=0)
    violations: int = pa.Field(ge=0)
    administrative_cases: int = pa.Field(nullable=True, ge=0)
    fines_vnd: int = pa.Field(nullable=True, ge=0)
    tax_arrears_vnd: int = pa.Field(nullable=True, ge=0)
    confiscated_sales_vnd: int = pa.Field(nullable=True, ge=0)
    goods_value_vnd: int = pa.Field(nullable=True, ge=0)
    prosecutions: int = pa.Field(nullable=True, ge=0)
    defendants: int = pa.Field(nullable=True, ge=0)
    first_occurrence: bool

    @pa.dataframe_check(error="violations_exceed_inspections")
    def violations_within_inspections(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("violations") <= pl.col("inspections"))

    @pa.dataframe_check(error="duplicate_field")
    def unique_field(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("first_occurrence"))


class TargetCountSchema(_Base):
    metric: str
    total: int = pa.Field(ge=0)
    achieved: int = pa.Field(ge=0)
    metric_in_plan: bool
    first_occurrence: bool

    @pa.dataframe_check(error="achieved_exceeds_total")
    def achieved_within_total(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("achieved") <= pl.col("total"))

    @pa.dataframe_check(error="unknown_metric")
    def known_metric(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("metric_in_plan"))

    @pa.dataframe_check(error="duplicate_metric")
    def unique_metric(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("first_occurrence"))


SHEET_SCHEMAS: dict[str, type[_Base]] = {
    "task_progress": TaskProgressSchema,
    "tips": TipSchema,
    "enforcement": EnforcementSchema,
    "target_counts": TargetCountSchema,
}


def rule_for_check(check: str) -> str:
    """A pandera check name → our rule name (dataframe checks already carry it)."""
    if check.startswith("greater_than_or_equal_to"):
        return "negative_count"
    if check.startswith("isin"):
        return "invalid_choice"
    return check
