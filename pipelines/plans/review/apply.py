"""Applying plan reviews to extracted plans; plans entered by hand. Pure functions.

A review is the plan's truth for every field it gives:
- each task row replaces the extracted task of the same code (or adds a task); `Xóa` removes it;
  extracted tasks the review does not list stay as extracted;
- "Ngày đến hạn" wins over "Thời hạn", which is kept as text;
- the ChiTieu and BaoCao sheets replace the extracted targets and reporting duties;
- a reviewed task is no longer flagged; its extraction reason is kept beside it. It is flagged
  again only for what the review itself leaves unclear: a date or period that cannot be read,
  an agency neither in the catalogue nor among the load's agencies, no lead at all.

When the plan's documents changed after the review (their SHA-256 differ from those the workbook
records), the review still applies by task code and its rows are marked `stale_review`. Every
difference from the current extraction is a change row (`mart_plan_review_changes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from pipelines.plans.agencies import in_catalogue
from pipelines.plans.assemble import (
    MAX_DUE_YEAR,
    MIN_DUE_YEAR,
    ParsedAssignment,
    ParsedPlan,
    ParsedTask,
    checked_deadline,
    make_task,
    resolve_assignments,
)
from pipelines.plans.localities import locality as find_code
from pipelines.plans.model import (
    NO_LEAD,
    Deadline,
    PlanMeta,
    RawAssignment,
    RawTask,
    ReportingObligation,
    Target,
)
from pipelines.plans.national import NATIONAL_PLAN_ID
from pipelines.plans.plan_ids import make_plan_id
from pipelines.plans.plan_locality import apply_plan_locality
from pipelines.plans.review.layout import LEVELS
from pipelines.plans.review.model import PlanReview, ReviewError, ReviewTask
from pipelines.plans.text import squash

EXTRACTED, REVIEWED, ENTERED = "extracted", "reviewed", "entered"
# Plan fields a review may change, as `plan.<key>` in the change rows.
PLAN_KEYS = ("title", "number", "issue_date", "issuer", "locality", "locality_code", "level")


@dataclass
class ReviewOutcome:
    plans: list[ParsedPlan]
    changes: list[dict] = field(default_factory=list)  # plan_review_changes rows
    reviews: list[dict] = field(default_factory=list)  # plan_reviews rows
    errors: list[dict] = field(default_factory=list)  # plan_ingestion_errors rows


# ---------------------------------------------------------------------------- values


def _text(value: object) -> str | None:
    """How a value is compared and shown: dates ISO, text with single spaces, blank None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return squash(str(value)) or None


def plan_values(plan: ParsedPlan) -> dict[str, str | date | None]:
    """The KeHoach values of a plan, as the review workbook shows them."""
    meta = plan.meta
    issued: str | date | None = meta.issue_date
    if issued is None and meta.issue_year:
        issued = f"{meta.issue_month:02d}/{meta.issue_year}" if meta.issue_month else None
        issued = issued or str(meta.issue_year)
    return {
        "plan_id": plan.plan_id,
        "title": meta.title,
        "number": meta.number,
        "issue_date": issued,
        "issuer": meta.issuer,
        "locality": meta.locality,
        "locality_code": meta.locality_code,
        "level": meta.level,
        "parent_plan_id": plan.parent_plan_id,
    }


def agency_names(assignments: list[ParsedAssignment], code: str, role: str) -> list[str]:
    """The names a task's agencies are shown by in a review workbook: as the plan names them."""
    return [a.text for a in assignments if a.task_code == code and a.role == role]


def _ids(assignments: list[ParsedAssignment], role: str) -> list[str]:
    return sorted(a.agency.agency_id for a in assignments if a.role == role)


def _shown(assignments: list[ParsedAssignment], role: str) -> str | None:
    return "; ".join(a.agency.name for a in assignments if a.role == role) or None


def _target_key(t: Target) -> tuple:
    return (t.metric, t.comparator, round(t.threshold, 6), t.task_code)


def _target_text(t: Target) -> str:
    where = f" (nhiệm vụ {t.task_code})" if t.task_code else ""
    return f"{t.metric} {t.comparator} {t.threshold:g}{where}"


def _duty_key(o: ReportingObligation) -> tuple:
    return (
        _text(o.reporter), _text(o.recipient), _text(o.due_text), o.kind,
        o.due_day, o.due_month, o.due_date,
    )  # fmt: skip


def _duty_text(o: ReportingObligation) -> str:
    return f"{o.kind}: {o.reporter} → {o.recipient}, {o.due_text}"


# ---------------------------------------------------------------------------- tasks


def _reviewed_task(
    row: ReviewTask,
    seq: int,
    meta: PlanMeta,
    ocr: bool,
    known: set[str],
    old: ParsedTask | None,
    old_rows: list[ParsedAssignment],
) -> tuple[ParsedTask, list[ParsedAssignment]]:
    raw = RawTask(
        task_code=row.task_code,
        title=row.title or (old.raw.title if old else ""),
        group_code=row.group_code,
        group_title=row.group_title,
        deadline_text=row.deadline_text,
        expected_output=row.expected_output,
        assignments=[RawAssignment(n, "lead") for n in row.leads]
        + [RawAssignment(n, "coordinate") for n in row.coordinators],
    )
    notes = {(a.agency.agency_id, a.role): a.note for a in old_rows}
    rows = [
        replace(a, note=notes.get((a.agency.agency_id, a.role)))
        for a in resolve_assignments(raw, meta, ocr, split=False)
    ]
    task = make_task(raw, seq, rows)
    deadline = checked_deadline(raw)
    reasons = list(row.problems)
    if row.due_date is not None and not (MIN_DUE_YEAR <= row.due_date.year <= MAX_DUE_YEAR):
        reasons.append(
            f"Ngày đến hạn {row.due_date:%d/%m/%Y} outside {MIN_DUE_YEAR}–{MAX_DUE_YEAR}"
        )
        row = replace(row, due_date=None)
    if row.due_date is not None:  # Ngày đến hạn wins; Thời hạn stays as printed
        kind = deadline.kind if deadline.kind in ("once", "recurring", "on_request") else "once"
        recurrence = row.recurrence or deadline.recurrence
        deadline = Deadline("recurring" if row.recurrence else kind, row.due_date, recurrence)
    elif row.recurrence is not None:
        deadline = Deadline("recurring", deadline.due_date, row.recurrence)
    else:
        deadline = replace(deadline, review_reason=None)  # the official saw it and kept it
    reasons += [
        f"agency {a.text!r} is neither in the catalogue nor among the plans' agencies; check "
        "the name"
        for a in rows
        if a.agency.agency_id not in known and not in_catalogue(a.text)
    ]
    if not raw.title:
        reasons.append("no Nội dung given")
    if not any(a.role == "lead" for a in rows):
        reasons.append(NO_LEAD)
    extraction = "; ".join(old.review_reasons) if old and old.review_reasons else None
    return (
        replace(
            task,
            deadline=deadline,
            review_reasons=list(dict.fromkeys(reasons)),
            source=REVIEWED,
            extraction_reason=extraction,
            reviewer_note=row.note,
        ),
        rows,
    )


def _task_changes(
    old: ParsedTask, old_rows: list[ParsedAssignment], new: ParsedTask, rows: list[ParsedAssignment]
) -> list[tuple[str, str | None, str | None]]:
    pairs = [
        ("title", old.raw.title, new.raw.title),
        ("group_code", old.raw.group_code, new.raw.group_code),
        ("group_title", old.raw.group_title, new.raw.group_title),
        ("deadline_text", old.raw.deadline_text, new.raw.deadline_text),
        ("due_date", old.deadline.due_date, new.deadline.due_date),
        ("recurrence", old.deadline.recurrence, new.deadline.recurrence),
        ("expected_output", old.raw.expected_output, new.raw.expected_output),
    ]
    out = [(f, _text(a), _text(b)) for f, a, b in pairs if _text(a) != _text(b)]
    for name, role in (("lead_agencies", "lead"), ("coordinating_agencies", "coordinate")):
        if _ids(old_rows, role) != _ids(rows, role):
            out.append((name, _shown(old_rows, role), _shown(rows, role)))
    return out


# ---------------------------------------------------------------------------- a plan


def _reviewed_meta(meta: PlanMeta, fields: dict) -> tuple[PlanMeta, list[str]]:
    """The plan's metadata with the values the review gives; problems for values it cannot use."""
    meta = replace(meta, implements=list(meta.implements))
    problems: list[str] = []
    code = _text(fields.get("locality_code"))
    if code and code != meta.locality_code:
        found = find_code(code)
        if found is None:
            problems.append(f"Mã địa bàn {code!r} is not in the catalogue; the extracted one kept")
        else:
            meta.locality_code, meta.province_code = found.code, found.province_code
            meta.locality_type, meta.level, meta.locality = found.type, found.level, found.name  # type: ignore[assignment]
    for key in ("title", "number", "issuer", "locality"):
        if _text(fields.get(key)) and not (key == "locality" and code):
            setattr(meta, key, fields[key])
    issued = fields.get("issue_date")
    if isinstance(issued, date):
        meta.issue_date, meta.issue_year, meta.issue_month = issued, issued.year, issued.month
    elif issued and (m := re.fullmatch(r"(?:(\d{1,2})/)?(\d{4})", str(issued).strip())):
        meta.issue_year, meta.issue_month = int(m[2]), int(m[1]) if m[1] else meta.issue_month
    level = fields.get("level")
    if level in LEVELS and not code:
        meta.level = level
    return meta, problems


def apply_review(
    plan: ParsedPlan, review: PlanReview, known: set[str], plan_ids: set[str] | None = None
) -> tuple[ParsedPlan, list[tuple[str | None, str, str | None, str | None]], dict]:
    """The plan as the review gives it; (plan, changes, summary for the plan_reviews row)."""
    meta, problems = _reviewed_meta(plan.meta, review.fields)
    ocr = any(d.ocr for d, _ in plan.documents)
    current = {d.sha256 for d, _ in plan.documents}
    reviewed_on = {sha for _, sha in review.documents}
    stale = reviewed_on != current
    changed = sorted(
        {d.file_name for d, _ in plan.documents if d.sha256 not in reviewed_on}
        | {name for name, sha in review.documents if sha not in current}
    )
    extracted = {t.raw.task_code: t for t in plan.tasks}
    by_code: dict[str, list[ParsedAssignment]] = {}
    for a in plan.assignments:
        by_code.setdefault(a.task_code, []).append(a)

    changes: list[tuple[str | None, str, str | None, str | None]] = []
    before, after = plan_values(plan), plan_values(replace(plan, meta=meta))
    changes += [
        (None, f"plan.{k}", _text(before[k]), _text(after[k]))
        for k in PLAN_KEYS
        if _text(before[k]) != _text(after[k])
    ]
    tasks: list[ParsedTask] = []
    assignments: list[ParsedAssignment] = []
    listed: set[str] = set()
    deleted: list[tuple[ParsedTask, list[ParsedAssignment]]] = []
    counts = {"tasks_reviewed": 0, "tasks_added": 0, "tasks_deleted": 0}
    for row in review.tasks:
        listed.add(row.task_code)
        old = extracted.get(row.task_code)
        if row.delete:
            if old is not None:
                changes.append((row.task_code, "task", _text(old.raw.title), "Xóa"))
                counts["tasks_deleted"] += 1
                deleted.append((old, by_code.get(row.task_code, [])))
            continue
        old_rows = by_code.get(row.task_code, [])
        task, rows = _reviewed_task(row, len(tasks) + 1, meta, ocr, known, old, old_rows)
        tasks.append(replace(task, stale_review=stale))
        assignments += rows
        if old is None:
            changes.append((row.task_code, "task", None, _text(task.raw.title)))
            counts["tasks_added"] += 1
        else:
            changes += [(row.task_code, *c) for c in _task_changes(old, old_rows, task, rows)]
            counts["tasks_reviewed"] += 1
    for code, old in extracted.items():  # not in the review: as extracted
        if code not in listed:
            tasks.append(replace(old, seq=len(tasks) + 1))
            assignments += by_code.get(code, [])

    old_targets = {_target_key(t): t for t in plan.targets}
    new_targets = {_target_key(t): t for t in review.targets}
    changes += [
        (t.task_code, "target", _target_text(t), None)
        for k, t in old_targets.items()
        if k not in new_targets
    ]
    changes += [
        (t.task_code, "target", None, _target_text(t))
        for k, t in new_targets.items()
        if k not in old_targets
    ]
    old_duties = {_duty_key(o): o for o in plan.obligations}
    new_duties = {_duty_key(o): o for o in review.obligations}
    changes += [
        (None, "reporting_obligation", _duty_text(o), None)
        for k, o in old_duties.items()
        if k not in new_duties
    ]
    changes += [
        (None, "reporting_obligation", None, _duty_text(o))
        for k, o in new_duties.items()
        if k not in old_duties
    ]

    parent = _text(review.fields.get("parent_plan_id"))
    if parent and plan_ids is not None and parent not in plan_ids:
        problems.append(
            f"Kế hoạch cấp trên {parent!r} names no loaded plan; the extracted one kept"
        )
        parent = None
    reviewed = replace(
        plan,
        meta=meta,
        tasks=tasks,
        assignments=assignments,
        targets=list(review.targets),
        obligations=list(review.obligations),
        parent_plan_id=parent or plan.parent_plan_id,
        source=REVIEWED,
        review_file=review.file_name,
        deleted_tasks=deleted,
    )
    if parent and parent != plan.parent_plan_id:
        changes.append((None, "plan.parent_plan_id", plan.parent_plan_id, parent))
    summary = {
        **counts,
        "is_stale": stale,
        "changed_documents": "; ".join(changed) or None,
        "problems": "; ".join([*review.problems, *problems]) or None,
    }
    return reviewed, changes, summary


def entered_plan(review: PlanReview, known: set[str]) -> ParsedPlan:
    """A plan with no document, entered in a blank review workbook; its id is made as for an
    extracted plan (locality, number, year)."""
    fields = review.fields
    level = fields.get("level") if fields.get("level") in LEVELS else None
    meta = PlanMeta(
        title=_text(fields.get("title")),
        issuer=_text(fields.get("issuer")),
        level=level,  # type: ignore[arg-type]
        locality=_text(fields.get("locality")),
        number=_text(fields.get("number")),
    )
    code = _text(fields.get("locality_code"))
    found = find_code(code) if code else None
    if found is not None:
        meta.locality_code, meta.province_code = found.code, found.province_code
        meta.locality_type, meta.level, meta.locality = found.type, found.level, found.name  # type: ignore[assignment]
    else:
        apply_plan_locality(meta, "")
    meta, _ = _reviewed_meta(meta, {"issue_date": fields.get("issue_date")})
    plan_id = make_plan_id(meta)
    if plan_id is None:
        raise ReviewError(
            f"{review.file_name}: a new plan (Mã kế hoạch empty) needs Địa bàn and Ngày ban hành "
            "(or its year) to be given an id"
        )
    tasks: list[ParsedTask] = []
    assignments: list[ParsedAssignment] = []
    for row in review.tasks:
        if row.delete:
            continue
        task, rows = _reviewed_task(row, len(tasks) + 1, meta, False, known, None, [])
        tasks.append(replace(task, source=ENTERED))
        assignments += rows
    if not tasks:
        raise ReviewError(f"{review.file_name}: a new plan needs at least one task in NhiemVu")
    return ParsedPlan(
        plan_id=plan_id,
        meta=meta,
        documents=[],
        shape=ENTERED,
        tasks=tasks,
        assignments=assignments,
        targets=list(review.targets),
        obligations=list(review.obligations),
        parent_plan_id=_text(fields.get("parent_plan_id")),
        source=ENTERED,
        review_file=review.file_name,
    )


# ---------------------------------------------------------------------------- a load


def review_row(review: PlanReview, status: str, **values: object) -> dict:
    """One `plan_reviews` row: the file, the plan it names, what became of it."""
    return {
        "file_name": review.file_name,
        "sha256": review.sha256,
        "plan_id": review.plan_id,
        "reviewed_at": review.reviewed_at,
        "reviewed_at_source": review.reviewed_at_source,
        "status": status,
        "superseded_by": None,
        "is_stale": False,
        "changed_documents": None,
        "tasks_reviewed": 0,
        "tasks_added": 0,
        "tasks_deleted": 0,
        "changes": 0,
        "problems": "; ".join(review.problems) or None,
        **values,
    }


def apply_reviews(
    plans: list[ParsedPlan], reviews: list[PlanReview], known: set[str]
) -> ReviewOutcome:
    """Apply each plan's latest review (by Ngày rà soát, else the file's time); an older one
    for the same plan is `superseded` and named beside the one in force; a review naming no
    loaded plan is refused."""
    outcome = ReviewOutcome(plans=[])
    by_plan: dict[str, list[PlanReview]] = {}
    for review in reviews:
        by_plan.setdefault(review.plan_id or "", []).append(review)
    ids = {p.plan_id for p in plans} | {NATIONAL_PLAN_ID}
    for plan_id, named in sorted(by_plan.items()):
        if plan_id in ids:
            continue
        for review in named:
            reason = (
                f"{review.file_name}: Mã kế hoạch {plan_id!r} names no loaded plan; correct the id "
                "(see mart_plans.plan_id), or leave it empty to enter a new plan"
            )
            outcome.errors.append(
                {"file_name": review.file_name, "stage": "review", "reason": reason}
            )
            outcome.reviews.append(review_row(review, "rejected", error=reason))
    for plan in plans:
        named = sorted(by_plan.get(plan.plan_id, []), key=lambda r: (r.reviewed_at, r.file_name))
        if not named:
            outcome.plans.append(plan)
            continue
        winner = named[-1]
        for older in named[:-1]:
            outcome.reviews.append(review_row(older, "superseded", superseded_by=winner.file_name))
        reviewed, changes, summary = apply_review(plan, winner, known, ids)
        outcome.plans.append(reviewed)
        outcome.reviews.append(review_row(winner, "applied", changes=len(changes), **summary))
        outcome.changes += [
            {
                "plan_id": plan.plan_id,
                "task_code": code,
                "field": name,
                "extracted_value": before,
                "reviewed_value": after,
                "review_file": winner.file_name,
                "reviewed_at": winner.reviewed_at,
            }
            for code, name, before, after in changes
        ]
    return outcome
