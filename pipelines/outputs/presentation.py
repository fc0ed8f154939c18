"""How the documents officials read say things: the words, labels and number formats that the
annual Excel report and the HTML dashboard share, defined once so they cannot disagree.

Numbers written as text follow Vietnamese print: a decimal comma and a thousands dot ("92,5%",
"1.234.567 đồng", "23/11/2026"). Excel cells keep numbers as numbers, with a number format:
only text goes through these functions.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

# KPI names live with the report spec (agencies' workbooks list them too): not repeated here.
from pipelines.reports.spec import FIELDS, METRIC_LABELS, TASK_STATUSES

# KPI status: whether a rate reached the plan's target.
MET, NOT_MET, NO_DATA, NO_TARGET = "Đạt", "Chưa đạt", "Chưa có số liệu", "Không đặt chỉ tiêu"
DASH = "–"  # a number there is none of
NO_NUMBER = "(không ghi số)"  # a plan issued without a document number

FIELD_LABELS = {c.code: c.label for c in FIELDS}
TASK_STATUS_LABELS = {c.code: c.label for c in TASK_STATUSES}
COMPLIANCE_LABELS = {  # submission_status
    "on_time": "Đúng hạn",
    "late": "Nộp muộn",
    "missing": "Chưa báo cáo",
    "pending": "Chưa đến hạn",
    "no_deadline": "Không quy định hạn",
}
TIP_LABELS = {  # mart_tipoffs_monthly columns, summed over fields and agencies
    "received": "Tổng tiếp nhận",
    "accepted": "Thụ lý",
    "resolved": "Giải quyết",
    "resolved_within_20_days": "Giải quyết trong 20 ngày",
    "prosecuted": "Khởi tố",
    "pending_at_month_end": "Tồn cuối tháng",
    "overdue_at_month_end": "Quá hạn cuối tháng",
}
RATE_LABELS = {  # mart_task_completion_by_agency rates
    "completion_rate": "Tỷ lệ hoàn thành",
    "on_time_rate": "Tỷ lệ đúng hạn",
}
_SIGNS = {">=": "≥", "<=": "≤"}

# --- the period section: headline figures of a period, against the same period a year before
INDICATOR_LABELS = {  # mart_headline_indicators.indicator, in the order reports list them
    "cases_smuggling_prohibited": "Số vụ buôn lậu, hàng cấm",
    "cases_trade_fraud": "Số vụ gian lận thương mại, thuế",
    "cases_counterfeit_ip": "Số vụ hàng giả, xâm phạm sở hữu trí tuệ",
    "cases_other": "Số vụ khác",
    "cases_total": "Tổng số vụ vi phạm",
    "budget_collected_vnd": "Thu nộp ngân sách (đồng)",
    "criminal_cases_prosecuted": "Số vụ khởi tố",
    "defendants": "Số bị can",
    "goods_value_vnd": "Trị giá hàng vi phạm (đồng)",
}
SCOPE_LABELS = {  # whose figures: the plan's agencies, or the plan with every plan below it
    "plan": "Các đơn vị thực hiện Kế hoạch",
    "tree": "Toàn địa bàn (Kế hoạch và các kế hoạch cấp dưới)",
}
PERIOD_HEADERS = {"indicator": "Nội dung", "value": "Kỳ này", "change": "So với cùng kỳ"}
INCOMPLETE = "(chưa đủ kỳ)"  # a figure some agency has not reported the whole period of
NO_CHANGE = "—"  # no change to state: last year's figure is zero or not reported
PERIOD_ROLE_WORDS = {"month": "tháng", "quarter": "quý"}  # "theo tháng, quý"
PERIOD_NOTE = (
    f"So với cùng kỳ: tăng (+), giảm (−) so với cùng kỳ năm trước; {NO_CHANGE} khi năm trước "
    f"không có số liệu hoặc bằng 0. {INCOMPLETE}: có đơn vị chưa báo cáo đủ kỳ."
)
_ROMAN = ("I", "II", "III", "IV")

# --- the tree view: the plans below a plan (a province's communes)
TREE_HEADERS = {
    "name": "Địa bàn",
    "plan": "Số kế hoạch",
    "kpis_met": "Chỉ tiêu đạt",
    "kpis_below": "Chỉ tiêu chưa đạt",
    "kpis_without_data": "Chỉ tiêu chưa có số liệu",
    "lowest_kpi": "Chỉ tiêu thấp nhất",
    "lowest_kpi_actual": "Kết quả thấp nhất",
    "reports_due": "Báo cáo đến hạn",
    "reports_received": "Báo cáo đã nhận",
    "reports_missing": "Báo cáo còn thiếu",
    "reports_late": "Báo cáo nộp muộn",
    "tasks_overdue": "Nhiệm vụ quá hạn",
    "status": "Tình trạng",
    "reasons": "Lý do",
}
KPI_HEADERS = {  # a KPI's line in a table
    "metric": "Chỉ tiêu",
    "target": "Mục tiêu",
    "actual": "Kết quả",
    "numerator": "Số đã thực hiện",
    "denominator": "Tổng số",
    "status": "Đánh giá",
}
BEHIND, ON_TRACK = "Chậm tiến độ", "Đúng tiến độ"  # mart_plan_tree_status.is_behind
OWN_ROW = SCOPE_LABELS["plan"]  # the plan's own agencies, in its tree's table
TREE_TOTAL = "Toàn địa bàn"


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def compliance_label(status: str) -> str:
    return COMPLIANCE_LABELS.get(status, status)


def task_status_label(status: str | None) -> str:
    """What an agency last reported of a task; "Chưa báo cáo" when it reported nothing."""
    return TASK_STATUS_LABELS.get(status, COMPLIANCE_LABELS["missing"])


def kpi_status(row: dict) -> str:
    """A mart_kpi_targets row's status: no data when the denominator is 0 (no actual), no target
    when the plan sets none, else met or not met."""
    if row["actual"] is None:
        return NO_DATA
    if row["comparator"] is None or row["met"] is None:
        return NO_TARGET
    return MET if row["met"] else NOT_MET


def target_text(comparator: str | None, threshold: float | None) -> str:
    """`>=` 1.0 → "≥ 100%", `>` 0.925 → "> 92,5%"; the no-target word when there is none."""
    if comparator is None or threshold is None:
        return NO_TARGET
    return f"{_SIGNS.get(comparator, comparator)} {percent_text(threshold, digits=4)}"


def percent_text(value: float | None, near: float | None = None, digits: int = 1) -> str:
    """0.925 → "92,5%", 1.0 → "100%": `digits` decimals at most, none for a whole number. More
    when fewer would round `value` onto `near`, its target (99,97% must not read as 100% on a
    card saying "not met")."""
    if value is None:
        return DASH

    def blurs(d: int) -> bool:  # shown with d decimals, it would read as the target
        return near is not None and value != near and round(value * 100, d) == round(near * 100, d)

    digits = next((d for d in range(digits, 4) if not blurs(d)), 4)
    return _decimal(f"{value * 100:,.{digits}f}") + "%"


def count_text(n: int | None) -> str:
    """1234567 → "1.234.567"."""
    return DASH if n is None else _decimal(f"{n:,}")


def money_text(vnd: float | None) -> str:
    """1234567 → "1.234.567 đồng" (to the đồng)."""
    return DASH if vnd is None else f"{count_text(round(vnd))} đồng"


def date_text(moment: date | datetime | None, missing: str = DASH) -> str:
    """dd/mm/yyyy, and hh:mm after it for a moment."""
    if moment is None:
        return missing
    return moment.strftime("%d/%m/%Y %H:%M" if isinstance(moment, datetime) else "%d/%m/%Y")


def issue_period_text(month: int | None, year: int | None) -> str | None:
    """When a plan without a full issue date was issued: "tháng 01/2026", "năm 2026"."""
    if month and year:
        return f"tháng {month:02d}/{year}"
    return f"năm {year}" if year else None


def format_change(change: float | None) -> str:
    """A change on last year, a fraction: 0.25 → "+25,0%", -0.1 → "−10,0%" (a minus sign), the
    no-change dash when there is no base to compare with."""
    if change is None:
        return NO_CHANGE
    points = round(change * 100, 1)
    sign = "+" if points > 0 else "−" if points < 0 else ""
    return f"{sign}{f'{abs(points):,.1f}'.translate(str.maketrans(',.', '.,'))}%"


def indicator_label(indicator: str) -> str:
    return INDICATOR_LABELS.get(indicator, indicator)


def period_end_month(kind: str, period: str) -> int:
    """The last month a period of mart_headline_indicators covers."""
    tail = period.rpartition("-")[2]
    if kind == "month":
        return int(tail)
    per = {"quarter": 3, "half": 6}.get(kind)
    if per:
        return per * int(tail[1:])
    return 9 if kind == "nine_months" else 12


def period_label(kind: str, period: str) -> str:
    """'2026-09' → "Tháng 09/2026", '2026-Q3' → "Quý III/2026", '2026-H1' → "6 tháng đầu năm
    2026", '2026-9M' → "9 tháng năm 2026", '2026' → "Năm 2026"."""
    year, tail = period[:4], period.rpartition("-")[2]
    if kind == "month":
        return f"Tháng {tail}/{year}"
    if kind == "quarter":
        return f"Quý {_ROMAN[int(tail[1:]) - 1]}/{year}"
    if kind == "half":
        return f"6 tháng {'đầu' if tail == 'H1' else 'cuối'} năm {year}"
    if kind == "nine_months":
        return f"9 tháng năm {year}"
    return f"Năm {year}"


def ytd_label(kind: str, period: str) -> str:
    """Year to date through a period: "Lũy kế từ đầu năm đến hết tháng 09/2026"; "Lũy kế năm
    2026" through a yearly report."""
    if kind == "year":
        return f"Lũy kế năm {period[:4]}"
    label = period_label(kind, period)
    return f"Lũy kế từ đầu năm đến hết {label[0].lower()}{label[1:]}"


def incomplete_mark(title: str, is_complete: bool) -> str:
    """A period's title, marked when some agency has not reported the whole period."""
    return title if is_complete else f"{title} {INCOMPLETE}"


def previous_label(year: int) -> str:
    """The same period of the year before `year`: "Cùng kỳ năm 2025"."""
    return f"Cùng kỳ năm {year - 1}"


def locality_name(locality: str | None, locality_type: str | None) -> str:
    """ "phường Hàm Rồng", "tỉnh Thanh Hóa": the locality as a document names it."""
    return " ".join(part for part in (locality_type, locality) if part)


def plan_number_text(number: str | None) -> str:
    """A plan's number, or the no-number words when it was issued without one ("" stays "")."""
    return NO_NUMBER if number is None else number


def missing_reports_text(missing: int | None) -> str:
    """The mark of a plan whose agencies' reports are past due and not in: "Thiếu 3 báo cáo"."""
    return f"Thiếu {count_text(missing)} báo cáo" if missing else ""


def tree_status(row: dict) -> str:
    """A mart_plan_tree_status row's word: behind (a KPI below target, a report missing or a
    task overdue), on track, or no data when the plan has no row for the year."""
    if row.get("is_behind") is None:
        return NO_DATA
    return BEHIND if row["is_behind"] else ON_TRACK


def behind_text(row: dict) -> str:
    """Why a plan is behind, from the counts the mart judges it by (`behind_reasons`, in
    Vietnamese): "1 chỉ tiêu chưa đạt; thiếu 3 báo cáo; 2 nhiệm vụ quá hạn"."""
    reasons = [
        f"{count_text(row['kpis_below'])} chỉ tiêu chưa đạt" if row.get("kpis_below") else "",
        missing_reports_text(row.get("reports_missing")).lower(),
        f"{count_text(row['tasks_overdue'])} nhiệm vụ quá hạn" if row.get("tasks_overdue") else "",
    ]
    return "; ".join(r for r in reasons if r)


def missing_periods_note(roles: list[str], year: int) -> str | None:
    """What the period section cannot show: "Chưa có số liệu theo tháng, quý của năm 2026."."""
    if not roles:
        return None
    if "ytd" in roles:  # nothing at all
        return f"{NO_DATA} năm {year}."
    return f"{NO_DATA} theo {', '.join(PERIOD_ROLE_WORDS[r] for r in roles)} của năm {year}."


def rows_after_note(rows_after_as_of: pl.DataFrame) -> str | None:
    """The sentence every document prints when rows were left out for their dates."""
    if rows_after_as_of.is_empty():
        return None
    rows = int(rows_after_as_of["rows_after_as_of"].sum())
    files = rows_after_as_of["file_name"].n_unique()
    return (
        f"{count_text(rows)} dòng số liệu (trong {count_text(files)} tệp) ghi ngày sau ngày chốt "
        "số liệu: đã nạp nhưng không tính vào các số liệu này."
    )


def _decimal(english: str) -> str:
    """Vietnamese marks for English ones, trailing decimal zeros dropped: "1,234.50" → "1.234,5"."""
    if "." in english:
        english = english.rstrip("0").rstrip(".")
    return english.translate(str.maketrans(",.", ".,"))


FOLLOW_UP_LABELS = {  # mart_follow_up.category, in the order the lists show them
    "overdue": "Nhiệm vụ quá hạn",
    "due_soon": "Nhiệm vụ sắp đến hạn",
    "no_progress": "Nhiệm vụ chưa báo cáo tiến độ",
    "report_missing": "Báo cáo chưa gửi (quá hạn)",
    "report_due": "Báo cáo sắp đến hạn",
    "report_late": "Báo cáo gửi muộn",
    "rows_quarantined": "Tệp có dòng bị loại",
    "file_refused": "Tệp bị từ chối",
}


def follow_up_label(category: str) -> str:
    return FOLLOW_UP_LABELS.get(category, category)


def days_text(days: int | None) -> str:
    """mart_follow_up.days → "Quá hạn 23 ngày", "Còn 17 ngày", "Đến hạn hôm nay"."""
    if days is None:
        return DASH
    if days > 0:
        return f"Quá hạn {count_text(days)} ngày"
    if days < 0:
        return f"Còn {count_text(-days)} ngày"
    return "Đến hạn hôm nay"
