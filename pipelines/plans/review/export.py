"""What `plan389 review-plan` writes: a loaded plan (extraction plus its review in force) as a
review workbook's content. Pure: plan tables in, `ReviewContent` out."""

from __future__ import annotations

import difflib
from dataclasses import asdict
from pathlib import Path

import polars as pl

from pipelines.plans.assemble import ParsedAssignment, ParsedPlan, ParsedTask
from pipelines.plans.loader import load_plan_folder, read_documents
from pipelines.plans.review.apply import agency_names, plan_values
from pipelines.plans.review.layout import AGENCY_SEPARATOR, DELETE, FIELD_LABELS
from pipelines.plans.review.workbook import ReviewContent, write_review_workbook
from pipelines.plans.tables import PlanTables, build_plan_tables
from pipelines.plans.text import fold


class ExportError(ValueError):
    """No workbook can be written: an unknown plan id, or files that are not one plan."""


def find_plan(tables: PlanTables, plan_id: str) -> ParsedPlan:
    wanted = plan_id.strip().lower()
    for plan in tables.plans:
        if plan.plan_id == wanted:
            return plan
    ids = [p.plan_id for p in tables.plans]
    close = difflib.get_close_matches(fold(wanted), ids, n=5, cutoff=0.3) or sorted(ids)[:5]
    raise ExportError(
        f"Không tìm thấy kế hoạch '{plan_id}'. / Unknown plan id '{plan_id}'. "
        f"Các kế hoạch gần nhất / closest plans: {'; '.join(close) or '(none loaded)'}"
    )


def only_plan(tables: PlanTables) -> ParsedPlan:
    """The one plan a set of files makes (a body and its appendices)."""
    if len(tables.plans) == 1:
        return tables.plans[0]
    problems = "; ".join(tables.errors["reason"].to_list())
    if not tables.plans:
        raise ExportError(f"no plan could be read from the files: {problems or 'no tasks'}")
    ids = ", ".join(p.plan_id for p in tables.plans)
    raise ExportError(f"the files make {len(tables.plans)} plans ({ids}); give one plan's files")


def review_content(tables: PlanTables, plan: ParsedPlan) -> ReviewContent:
    """The plan as it stands (reviewed values where a review applies), ready to edit."""
    fields = {**plan_values(plan), "reviewed_at": None, "reviewer": None}
    tasks = [_task_row(t, plan.assignments) for t in plan.tasks]
    tasks += [_task_row(t, rows, action=DELETE) for t, rows in plan.deleted_tasks]
    return ReviewContent(
        fields=fields,
        documents=[(d.file_name, d.sha256) for d, _ in plan.documents],
        tasks=tasks,
        targets=[asdict(t) for t in plan.targets],
        duties=[asdict(o) for o in plan.obligations],
        agencies=known_agencies(tables, plan),
        changes=_changes(tables, plan.plan_id),
        stale_note=_stale_note(tables, plan),
    )


def _task_row(
    task: ParsedTask, assignments: list[ParsedAssignment], action: str | None = None
) -> dict:
    code = task.raw.task_code
    return {
        "task_code": code,
        "group_code": task.raw.group_code,
        "group_title": task.raw.group_title,
        "title": task.raw.title,
        "leads": AGENCY_SEPARATOR.join(agency_names(assignments, code, "lead")),
        "coordinators": AGENCY_SEPARATOR.join(agency_names(assignments, code, "coordinate")),
        "deadline_text": task.raw.deadline_text,
        "due_date": task.deadline.due_date,
        "recurrence": task.deadline.recurrence,
        "expected_output": task.raw.expected_output,
        "review_reason": None if action else "; ".join(task.review_reasons) or None,
        "extraction_reason": task.extraction_reason,
        "action": action,
        "note": task.reviewer_note,
    }


def known_agencies(tables: PlanTables, plan: ParsedPlan) -> list[str]:
    """Names of the agencies the load knows in the plan's locality and its province (for the
    workbook's suggestions), the plan's own first."""
    codes = {plan.meta.locality_code, plan.meta.province_code} - {None}
    agencies = tables.frames["agencies"].filter(pl.col("locality_code").is_in(list(codes)))
    own = [a.agency.name for a in plan.assignments]
    return list(dict.fromkeys([*own, *sorted(agencies["name"].to_list(), key=fold)]))


def _changes(tables: PlanTables, plan_id: str) -> list[dict]:
    changes = tables.frames["plan_review_changes"].filter(pl.col("plan_id") == plan_id)
    return [
        {**row, "field": FIELD_LABELS.get(row["field"], row["field"])}
        for row in changes.select(
            "task_code", "field", "extracted_value", "reviewed_value"
        ).to_dicts()
    ]


def _stale_note(tables: PlanTables, plan: ParsedPlan) -> str | None:
    reviews = tables.frames["plan_reviews"].filter(
        (pl.col("plan_id") == plan.plan_id) & (pl.col("status") == "applied") & pl.col("is_stale")
    )
    if reviews.is_empty():
        return None
    row = reviews.row(0, named=True)
    return (
        f"Tài liệu nguồn đã thay đổi sau lần rà soát {row['file_name']} "
        f"({row['changed_documents']}). Bản rà soát vẫn áp dụng theo mã nhiệm vụ; đối chiếu giá "
        "trị trích xuất mới với giá trị đã rà soát dưới đây rồi lưu lại bản rà soát."
    )


def write_review(
    out: Path,
    *,
    plan_id: str | None = None,
    files: list[Path] | None = None,
    plans_dir: Path | None = None,
    cache_dir: Path | None = None,
) -> tuple[ParsedPlan | None, ReviewContent]:
    """Write the review workbook of one plan (by id, among the plans under `plans_dir`, with
    their reviews applied; or the plan that `files` make), or a blank one when neither is
    given. Returns the plan and what was written."""
    plan: ParsedPlan | None = None
    content = ReviewContent()
    if files:
        docs, errors = read_documents(files)
        tables = build_plan_tables(docs, errors)
        plan = only_plan(tables)
        content = review_content(tables, plan)
    elif plan_id is not None:
        tables = load_plan_folder(plans_dir or Path("."), cache_dir)
        plan = find_plan(tables, plan_id)
        content = review_content(tables, plan)
    write_review_workbook(out, content)
    return plan, content
