"""Everything the annual plan report shows, read from the published marts (Parquet only).

The report never opens `warehouse.duckdb`: loads lock it, and the published release is the
tested, consistent state analysts see. Each mart is filtered to one plan and one year here, so
the workbook writer only lays out what it is given. The period section and the tree view are
shaped here too, once for the report and the dashboard alike; the tree view also reads the rows
of the plans below the plan.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.as_of import now_vn
from pipelines.outputs.presentation import (
    COMPLIANCE_LABELS,
    FIELD_LABELS,
    MET,
    NO_DATA,
    NO_NUMBER,
    NOT_MET,
    count_text,
    issue_period_text,
    kpi_status,
)
from pipelines.outputs.sections import (
    PeriodSection,
    TreeView,
    children_of,
    period_sections,
    tree_view,
)

ENFORCEMENT_MART = "mart_enforcement_by_field"
INGESTION_ERRORS_MART = "mart_ingestion_errors"
ROWS_AFTER_MART = "mart_rows_after_as_of"
HEADLINE_MART = "mart_headline_indicators"
# Read whole, for the plans below a plan; batch.plan_digests keys a document by the rows of the
# plan and of the plans below it (max_days_overdue, which moves every day, left out).
TREE_STATUS_MART = "mart_plan_tree_status"
BUILD_MART = "mart_build_info"  # one row: the as-of date the marts were built with
REQUIRED_MARTS = (
    "mart_plans",
    "mart_plan_tasks",
    "mart_kpi_targets",
    "mart_task_completion",
    "mart_task_completion_by_agency",
    "mart_tipoffs_monthly",
    "mart_reporting_compliance",
    "mart_quarantine",
    HEADLINE_MART,
    INGESTION_ERRORS_MART,
    ROWS_AFTER_MART,
    BUILD_MART,
)
# What a plan's report and dashboard are drawn from, as far as their content goes (the build's
# as-of date, which only dates them, is digested apart: see batch.plan_digests).
DOCUMENT_MARTS = (*(m for m in REQUIRED_MARTS if m != BUILD_MART), ENFORCEMENT_MART)
QUARANTINE_DETAIL_ROWS = 200


class ReportError(ValueError):
    """The report cannot be made: marts missing, unknown plan, or no data for the year."""


@dataclass(frozen=True)
class ReportData:
    """One plan × year, each table already filtered and sorted for printing."""

    plan: dict  # the mart_plans row
    year: int
    generated_at: datetime  # naive, Vietnam local time (Excel has no time zones)
    as_of: date  # the day the year's figures are counted through (the build's, capped at 31/12)
    data_as_of: date | None  # latest report date received from the plan's agencies
    kpis: pl.DataFrame  # mart_kpi_targets, scope plan
    kpis_by_agency: pl.DataFrame  # mart_kpi_targets, scope agency
    tasks_by_agency: pl.DataFrame  # mart_task_completion_by_agency
    overdue_tasks: pl.DataFrame  # mart_task_completion where is_overdue, + expected_output
    tipoffs: pl.DataFrame  # mart_tipoffs_monthly (all agencies)
    enforcement: pl.DataFrame | None  # mart_enforcement_by_field; None when the mart is absent
    compliance: pl.DataFrame  # mart_reporting_compliance
    quarantine: pl.DataFrame  # mart_quarantine rows of the year's workbooks
    ingestion_errors: pl.DataFrame  # rejected files of this plan, or of no known plan
    rows_after_as_of: pl.DataFrame  # mart_rows_after_as_of: rows loaded but not counted
    periods: list[PeriodSection]  # the plan's, then its tree's when plans lie below it
    tree: TreeView | None  # the plans below it; None when there are none

    @property
    def plan_id(self) -> str:
        return self.plan["plan_id"]


def load_report_data(
    marts_dir: Path, plan_id: str, year: int, generated_at: datetime | None = None
) -> ReportData:
    """Read the published marts for `plan_id` and `year`; raise ReportError when impossible."""
    marts = _read_marts(Path(marts_dir))
    plan = _plan_row(marts["mart_plans"], plan_id)
    of_plan = {m: plan_rows(Path(marts_dir), m, plan_id) for m in REQUIRED_MARTS}
    of_year = {name: _of_year(df, year) for name, df in of_plan.items()}
    enforcement = _read_enforcement(Path(marts_dir), plan_id, year)
    _require_data(of_plan, of_year, enforcement, plan_id, year)
    kpis = of_year["mart_kpi_targets"].sort("metric", "agency_name", nulls_last=True)
    tree = plan_tree(Path(marts_dir), plan_id, year)
    return ReportData(
        plan=plan,
        year=year,
        generated_at=_local_naive(generated_at),
        as_of=year_as_of(build_as_of(marts["mart_build_info"]), year),
        data_as_of=_data_as_of(of_plan["mart_reporting_compliance"], year),
        kpis=kpis.filter(pl.col("scope") == "plan"),
        kpis_by_agency=kpis.filter(pl.col("scope") == "agency"),
        tasks_by_agency=of_year["mart_task_completion_by_agency"].sort(
            "is_collective", "agency_name"
        ),
        overdue_tasks=_overdue_tasks(of_year["mart_task_completion"], of_plan["mart_plan_tasks"]),
        tipoffs=of_year["mart_tipoffs_monthly"]
        .filter(pl.col("scope") == "plan")  # the plan's agencies; its tree is another view
        .sort("month", "field"),
        enforcement=enforcement,
        compliance=_compliance(of_year["mart_reporting_compliance"]),
        quarantine=_quarantine(of_plan["mart_quarantine"], year),
        ingestion_errors=of_plan[INGESTION_ERRORS_MART],
        rows_after_as_of=of_plan[ROWS_AFTER_MART].sort("file_name", "sheet"),
        periods=period_sections(of_year[HEADLINE_MART], year, with_tree=tree is not None),
        tree=tree,
    )


def build_as_of(build_info: pl.DataFrame) -> date:
    """The as-of date the published marts were built with (mart_build_info)."""
    if build_info.is_empty():
        raise ReportError("mart_build_info is empty: run `plan389 run` again")
    return build_info["as_of_date"][0]


def read_build_as_of(marts_dir: Path) -> date:
    return build_as_of(read_mart_file(Path(marts_dir) / f"{BUILD_MART}.parquet"))


def year_as_of(as_of: date, year: int) -> date:
    """A report year is counted through the earlier of its end and the as-of date."""
    return min(as_of, date(year, 12, 31))


@functools.lru_cache(maxsize=64)
def _parquet(path: str, mtime_ns: int, size: int) -> pl.DataFrame:
    return pl.read_parquet(path)


def _version(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def read_mart_file(path: Path) -> pl.DataFrame:
    """A published Parquet file, read once per version: a run writes thousands of reports and
    dashboards from the same marts (frames are immutable, so sharing them is safe)."""
    return _parquet(*_version(path))


@functools.lru_cache(maxsize=8)
def _plan_ids(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    return tuple(_parquet(path, mtime_ns, size)["plan_id"])


def plan_rows(marts_dir: Path, mart: str, plan_id: str) -> pl.DataFrame:
    """The rows of a published mart that a plan's report and dashboard are drawn from: the
    plan's own; of the rejected files, those naming the plan or no plan at all."""
    path = marts_dir / f"{mart}.parquet"
    if mart == INGESTION_ERRORS_MART:
        plan_ids = _plan_ids(*_version(marts_dir / "mart_plans.parquet"))
        return ingestion_errors_of(read_mart_file(path), plan_id, plan_ids)
    return mart_of_plan(path, plan_id)


@functools.lru_cache(maxsize=64)
def _partitions(path: str, mtime_ns: int, size: int) -> dict[str, pl.DataFrame]:
    frame = _parquet(path, mtime_ns, size)
    parts = frame.partition_by("plan_id", as_dict=True, maintain_order=True)
    return {key[0]: part for key, part in parts.items()}


def mart_of_plan(path: Path, plan_id: str) -> pl.DataFrame:
    """A published mart's rows of one plan (the whole mart if it has no plan_id). Split once
    per file version: filtering a national mart for each of ~3,400 plans is quadratic."""
    frame = read_mart_file(path)
    if "plan_id" not in frame.columns:
        return frame
    return _partitions(*_version(path)).get(plan_id, frame.clear())


def _read_marts(marts_dir: Path) -> dict[str, pl.DataFrame]:
    missing = [m for m in REQUIRED_MARTS if not (marts_dir / f"{m}.parquet").is_file()]
    if missing:
        raise ReportError(
            f"Thiếu dữ liệu đã công bố trong {marts_dir}: {', '.join(missing)}. Hãy chạy "
            f"`plan389 run`. / Published marts missing in {marts_dir}: {', '.join(missing)}; "
            "run `plan389 run` first."
        )
    return {m: read_mart_file(marts_dir / f"{m}.parquet") for m in REQUIRED_MARTS}


def _plan_row(plans: pl.DataFrame, plan_id: str) -> dict:
    row = plans.filter((pl.col("plan_id") == plan_id) & ~pl.col("is_reference").fill_null(False))
    if row.height:
        return row.row(0, named=True)
    known = plans.filter(~pl.col("is_reference").fill_null(False))["plan_id"].to_list()
    close = difflib.get_close_matches(plan_id, known, n=3, cutoff=0.3) or known
    raise ReportError(
        f"Không tìm thấy kế hoạch '{plan_id}'. / Unknown plan id '{plan_id}'. "
        f"Các kế hoạch gần nhất / closest plans: {', '.join(close) or '(none)'}"
    )


def _of_year(df: pl.DataFrame, year: int) -> pl.DataFrame:
    return df.filter(pl.col("report_year") == year) if "report_year" in df.columns else df


def _read_enforcement(marts_dir: Path, plan_id: str, year: int) -> pl.DataFrame | None:
    """XuLy totals by field, or None while the mart is not published."""
    path = marts_dir / f"{ENFORCEMENT_MART}.parquet"
    if not path.is_file():
        return None
    return mart_of_plan(path, plan_id).filter(pl.col("report_year") == year)


def _require_data(
    of_plan: dict[str, pl.DataFrame],
    of_year: dict[str, pl.DataFrame],
    enforcement: pl.DataFrame | None,
    plan_id: str,
    year: int,
) -> None:
    """A year nobody reported for and no KPI covers is a wrong year, not an empty report."""
    yearly = ("mart_kpi_targets", "mart_task_completion", "mart_reporting_compliance")
    yearly += ("mart_tipoffs_monthly",)
    if any(of_year[m].height for m in yearly) or (enforcement is not None and enforcement.height):
        return
    years = sorted({y for m in yearly for y in of_plan[m]["report_year"].drop_nulls().to_list()})
    raise ReportError(
        f"Kế hoạch {plan_id} không có số liệu năm {year}. / No data for plan {plan_id} in "
        f"{year}. Các năm có số liệu / years with data: {', '.join(map(str, years)) or '(none)'}"
    )


def _local_naive(moment: datetime | None) -> datetime:
    if moment is None or moment.tzinfo is not None:
        moment = now_vn(moment).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _data_as_of(compliance: pl.DataFrame, year: int) -> date | None:
    """Latest report date received: the year's, else any year's (a report sent in January)."""
    dates = pl.concat([compliance["last_submission_date"], compliance["first_submission_date"]])
    in_year = compliance.filter(pl.col("report_year") == year)
    year_dates = pl.concat([in_year["last_submission_date"], in_year["first_submission_date"]])
    return year_dates.max() or dates.max()


def _overdue_tasks(completion: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    outputs = tasks.select("task_code", "expected_output").unique("task_code")
    return (
        completion.filter(pl.col("is_overdue").fill_null(False))
        .join(outputs, on="task_code", how="left")
        .sort(["days_overdue", "task_code"], descending=[True, False], nulls_last=True)
    )


_STATUS_ORDER = {"missing": 0, "late": 1, "on_time": 2}


def _compliance(compliance: pl.DataFrame) -> pl.DataFrame:
    """Who did not report first, then who was late: the rows the reader acts on."""
    order = pl.col("submission_status").replace_strict(_STATUS_ORDER, default=3)
    return compliance.sort([order, "agency_name", "obligation_seq"], nulls_last=True)


def _quarantine(quarantine: pl.DataFrame, year: int) -> pl.DataFrame:
    """Rows of the workbooks for the year (period 2026, 2026-Q3 or 2026-09)."""
    return quarantine.filter(pl.col("period").str.starts_with(str(year))).sort(
        "file_name", "sheet", "row_number", "column_name", nulls_last=True
    )


def ingestion_errors_of(
    errors: pl.DataFrame, plan_id: str, plan_ids: tuple[str, ...]
) -> pl.DataFrame:
    """The plan's rejected files, plus those naming no plan (they may be its agencies')."""
    keep = [_shows(plan_id, named) for named in plans_named_in(errors, plan_ids)]
    kept = errors.filter(pl.Series(keep, dtype=pl.Boolean))
    return kept.sort("source_domain", "file_name", maintain_order=True)


def ingestion_errors_shown(
    marts_dir: Path, errors: pl.DataFrame, plans: Iterable[str]
) -> tuple[list[int], dict[str | None, list[int]]]:
    """`ingestion_errors_of` for many plans at once: the row hashes of the rejected files in
    report order, and the positions of the rows each plan shows besides those every plan shows
    (under None, the rows naming no plan). A published plan is shown the rows naming it: one
    whose id is part of a named plan's id is named too, being searched in the same text."""
    plan_ids = _plan_ids(*_version(marts_dir / "mart_plans.parquet"))
    published = set(plan_ids)
    unpublished = [p for p in plans if p not in published]
    ordered = errors.sort("source_domain", "file_name", maintain_order=True)
    shown: dict[str | None, list[int]] = {None: []}
    for position, named in enumerate(plans_named_in(ordered, plan_ids)):
        if not named:
            shown[None].append(position)
            continue
        for plan_id in named:
            shown.setdefault(plan_id, []).append(position)
        for plan_id in unpublished:
            if _shows(plan_id, named):
                shown.setdefault(plan_id, []).append(position)
    return ordered.hash_rows(seed=0).to_list(), shown


def _shows(plan_id: str, named: frozenset[str]) -> bool:
    """Whether a plan's report shows a rejected file whose name or reason names `named`."""
    return plan_id in named or all(plan_id in other for other in named)


def plans_named_in(errors: pl.DataFrame, plan_ids: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """For each rejected file (file_name, reason), the plan ids its name or reason mentions."""
    texts = tuple(
        f"{name or ''} {reason or ''}"
        for name, reason in zip(errors["file_name"], errors["reason"], strict=True)
    )
    return _plans_in_texts(texts, plan_ids)


@functools.lru_cache(maxsize=4)  # every plan's report asks the same question of the same rows
def _plans_in_texts(texts: tuple[str, ...], plan_ids: tuple[str, ...]) -> tuple[frozenset, ...]:
    """For each text (file name + reason), the plan ids it mentions."""
    return tuple(frozenset(p for p in plan_ids if p in text) for text in texts)


def quarantine_counts(quarantine: pl.DataFrame) -> pl.DataFrame:
    """Quarantined rows per file × sheet × rule, most first."""
    keys = ["file_name", "agency_name", "period", "is_superseded", "sheet", "rule"]
    return (
        quarantine.group_by(keys)
        .agg(pl.len().alias("rows"), pl.col("reason_vi").first())
        .sort(["rows", "file_name", "sheet", "rule"], descending=[True, False, False, False])
    )


def quarantine_detail(quarantine: pl.DataFrame) -> pl.DataFrame:
    return quarantine.head(QUARANTINE_DETAIL_ROWS)


# --- the period section and the tree view ---------------------------------------------------


def plan_tree(marts_dir: Path, plan_id: str, year: int) -> TreeView | None:
    """The plans below `plan_id` and how each is doing in `year`; None when none lies below."""
    plans = read_mart_file(marts_dir / "mart_plans.parquet")
    children = children_of(plans, plan_id)
    if not children:
        return None
    status = read_mart_file(marts_dir / f"{TREE_STATUS_MART}.parquet")
    kpis = read_mart_file(marts_dir / "mart_kpi_targets.parquet")
    return tree_view(plans, status, kpis, plan_id, children, year)


# --- shaping for print -----------------------------------------------------------------------

TIP_FLOWS = ("accepted", "resolved", "resolved_within_20_days", "prosecuted")
TIP_STOCKS = ("pending_at_month_end", "overdue_at_month_end")


def tipoff_table(tipoffs: pl.DataFrame) -> pl.DataFrame:
    """One row per month: received by field (columns = field codes), flows and month-end stocks."""
    by_field = tipoffs.pivot(on="field", index="month", values="received", aggregate_function="sum")
    for code in FIELD_LABELS:
        if code not in by_field.columns:
            by_field = by_field.with_columns(pl.lit(0, pl.Int64).alias(code))
    sums = [pl.col(c).sum() for c in ("received", *TIP_FLOWS, *TIP_STOCKS)]
    monthly = tipoffs.group_by("month").agg(sums)
    return monthly.join(by_field, on="month", how="left").sort("month").fill_null(0)


def tipoff_total(table: pl.DataFrame) -> dict:
    """The year: flows summed, stocks as at the last month (a month-end stock is not additive)."""
    total = {c: int(table[c].sum()) for c in (*FIELD_LABELS, "received", *TIP_FLOWS)}
    return total | {c: int(table[c][-1]) for c in TIP_STOCKS}


def cover_facts(data: ReportData) -> list[tuple[str, Any]]:
    """The cover's label → value lines."""
    p = data.plan
    partial = issue_period_text(p.get("issue_month"), p.get("issue_year"))
    return [
        ("Kế hoạch số", p.get("plan_number") or NO_NUMBER),
        ("Ngày ban hành", p.get("issue_date") or partial),
        ("Cơ quan ban hành", p.get("issuer")),
        ("Trích yếu", p.get("title")),
        ("Địa bàn", p.get("locality")),
        ("Thực hiện văn bản", p.get("parent_plan_number") or p.get("implements")),
        ("Mã kế hoạch", data.plan_id),
        ("Kỳ báo cáo", f"năm {data.year}"),
        ("Số liệu tính đến ngày", data.as_of),
        ("Báo cáo mới nhất nhận được", data.data_as_of or "Chưa nhận được báo cáo"),
        ("Thời điểm lập báo cáo", data.generated_at),
    ]


def summary_facts(data: ReportData) -> list[tuple[str, Any]]:
    """The cover's summary: what a reader checks first."""
    kpis = [kpi_status(r) for r in data.kpis.iter_rows(named=True)]
    shown = (MET, NOT_MET, NO_DATA)
    sent = data.compliance["submission_status"].to_list()
    return [
        ("Số nhiệm vụ của Kế hoạch", data.plan.get("task_count")),
        ("Chỉ tiêu " + " / ".join(s.lower() for s in shown), _counts(kpis, shown)),
        ("Nhiệm vụ quá hạn", data.overdue_tasks.height),
        ("Tố giác, tin báo tiếp nhận trong năm", int(data.tipoffs["received"].sum())),
        (
            "Đơn vị báo cáo đúng hạn / muộn / chưa báo cáo",
            _counts(sent, tuple(COMPLIANCE_LABELS)[:3]),
        ),
        ("Dòng số liệu bị loại khi kiểm tra", data.quarantine.height),
        ("Tệp bị từ chối", refused_files(data.ingestion_errors).height),
        ("Dòng số liệu ghi ngày sau ngày chốt (đã nạp, không tính)", rows_after_count(data)),
    ]


def refused_files(errors: pl.DataFrame) -> pl.DataFrame:
    """Files that could not be used (an identical copy of another file is only listed)."""
    return errors.filter(pl.col("is_refused"))


def rows_after_count(data: ReportData) -> int:
    return int(data.rows_after_as_of["rows_after_as_of"].sum())


def _counts(values: list[str], keys: tuple[str, ...]) -> str:
    return " / ".join(count_text(values.count(k)) for k in keys)


def plan_name(data: ReportData) -> str:
    number = data.plan.get("plan_number")
    return f"Kế hoạch số {number}" if number else f"Kế hoạch {data.plan_id}"


def rate(num: int, den: int) -> float | None:
    return num / den if den else None


def days_late(r: dict) -> int | None:
    if r["is_late"] and r["first_submission_date"] and r["due_date"]:
        return (r["first_submission_date"] - r["due_date"]).days
    return None
