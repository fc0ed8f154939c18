"""Parsed plans → the warehouse's plan tables (polars frames), validated with pandera.

A plan that cannot be parsed or whose tables break a schema rule is left out whole and gets a row
in `plan_ingestion_errors` naming its files and the reason; the other plans load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import pandera.errors
import polars as pl

from pipelines.plans.agencies import Agency
from pipelines.plans.assemble import ParsedPlan, PlanError, group_documents, link_parents
from pipelines.plans.documents import DocumentText
from pipelines.plans.localities import NATIONAL
from pipelines.plans.membership import GROUP_KINDS
from pipelines.plans.national import (
    NATIONAL_GROUPS,
    NATIONAL_ISSUE_DATE,
    NATIONAL_NUMBER,
    NATIONAL_PLAN_ID,
    NATIONAL_TITLE,
)
from pipelines.plans.parsing import ParseCache, ParseStats, parse_groups
from pipelines.plans.plan_ids import unique_plan_ids
from pipelines.plans.plan_locality import locality_review_reason
from pipelines.plans.review.apply import (
    ENTERED,
    REVIEWED,
    apply_reviews,
    entered_plan,
    review_row,
)
from pipelines.plans.review.model import PlanReview, ReviewError
from pipelines.plans.schemas import PLAN_TABLE_SCHEMAS

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "plans": {
        "plan_id": pl.String,
        "title": pl.String,
        "issuer": pl.String,
        "level": pl.String,
        "locality": pl.String,
        "locality_code": pl.String,
        "province_code": pl.String,
        "locality_type": pl.String,
        "number": pl.String,
        "issue_date": pl.Date,
        "issue_year": pl.Int64,
        "issue_month": pl.Int64,
        "signer": pl.String,
        "implements": pl.String,
        "parent_plan_id": pl.String,
        "horizon_year": pl.Int64,
        "shape": pl.String,
        "source_files": pl.String,
        "source": pl.String,  # extracted / reviewed / entered
        "review_file": pl.String,
        "is_reference": pl.Boolean,
        "needs_review": pl.Boolean,
        "review_reason": pl.String,
    },
    "plan_tasks": {
        "plan_id": pl.String,
        "task_code": pl.String,
        "task_seq": pl.Int64,
        "group_code": pl.String,
        "group_title": pl.String,
        "title": pl.String,
        "deadline_text": pl.String,
        "deadline_kind": pl.String,
        "due_date": pl.Date,
        "recurrence": pl.String,
        "expected_output": pl.String,
        "national_group_code": pl.String,
        "national_group_source": pl.String,
        "lead_count": pl.Int64,
        "needs_review": pl.Boolean,
        "review_reason": pl.String,
        "source": pl.String,  # extracted / reviewed / entered
        "stale_review": pl.Boolean,
        "extraction_review_reason": pl.String,
        "reviewer_note": pl.String,
    },
    "task_assignments": {
        "plan_id": pl.String,
        "task_code": pl.String,
        "agency_id": pl.String,
        "role": pl.String,
        "text_as_printed": pl.String,
        "note": pl.String,
    },
    "agencies": {
        "agency_id": pl.String,
        "name": pl.String,
        "kind": pl.String,
        "locality": pl.String,
        "locality_code": pl.String,
        "is_group": pl.Boolean,
        "aliases": pl.String,
    },
    "plan_targets": {
        "plan_id": pl.String,
        "metric": pl.String,
        "comparator": pl.String,
        "threshold": pl.Float64,
        "source_text": pl.String,
        "task_code": pl.String,
    },
    "reporting_obligations": {
        "plan_id": pl.String,
        "obligation_seq": pl.Int64,
        "reporter": pl.String,
        "recipient": pl.String,
        "due_text": pl.String,
        "kind": pl.String,
        "due_day": pl.Int64,
        "due_month": pl.Int64,
        "due_date": pl.Date,
    },
    "national_solution_groups": {
        "plan_id": pl.String,
        "group_code": pl.String,
        "title": pl.String,
    },
    "plan_documents": {
        "file_name": pl.String,
        "file_format": pl.String,
        "sha256": pl.String,
        "size_bytes": pl.Int64,
        "char_count": pl.Int64,
        "line_count": pl.Int64,
        "plan_id": pl.String,
        "document_role": pl.String,
    },
    "collective_kinds": {
        "group_id": pl.String,
        "agency_kind": pl.String,
    },
    "plan_ingestion_errors": {
        "file_name": pl.String,
        "stage": pl.String,  # read / parse / validate / review
        "reason": pl.String,
    },
    "plan_reviews": {
        "file_name": pl.String,
        "sha256": pl.String,
        "plan_id": pl.String,
        "reviewed_at": pl.Datetime("us"),
        "reviewed_at_source": pl.String,
        "status": pl.String,  # applied / superseded / rejected
        "superseded_by": pl.String,
        "is_stale": pl.Boolean,
        "changed_documents": pl.String,
        "tasks_reviewed": pl.Int64,
        "tasks_added": pl.Int64,
        "tasks_deleted": pl.Int64,
        "changes": pl.Int64,
        "problems": pl.String,
        "error": pl.String,
    },
    "plan_review_changes": {
        "plan_id": pl.String,
        "task_code": pl.String,
        "field": pl.String,
        "extracted_value": pl.String,
        "reviewed_value": pl.String,
        "review_file": pl.String,
        "reviewed_at": pl.Datetime("us"),
    },
}


@dataclass
class PlanTables:
    frames: dict[str, pl.DataFrame]
    plans: list[ParsedPlan]
    stats: ParseStats = field(default_factory=ParseStats)  # plans parsed / taken from the cache

    @property
    def errors(self) -> pl.DataFrame:
        return self.frames["plan_ingestion_errors"]


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMAS[name], orient="row")


def _plan_rows(plan: ParsedPlan) -> dict[str, list[dict]]:
    meta = plan.meta
    review = locality_review_reason(meta)
    leads: dict[str, int] = {}
    for a in plan.assignments:
        leads[a.task_code] = leads.get(a.task_code, 0) + (a.role == "lead")
    return {
        "plans": [
            {
                "plan_id": plan.plan_id,
                "title": meta.title,
                "issuer": meta.issuer,
                "level": meta.level or "province",
                "locality": meta.locality,
                "locality_code": meta.locality_code,
                "province_code": meta.province_code,
                "locality_type": meta.locality_type,
                "number": meta.number,
                "issue_date": meta.issue_date,
                "issue_year": meta.issue_year,
                "issue_month": meta.issue_month,
                "signer": meta.signer,
                "implements": "; ".join(plan.implements_refs) or None,
                "parent_plan_id": plan.parent_plan_id,
                "horizon_year": meta.horizon_year,
                "shape": plan.shape,
                "source_files": "; ".join(d.file_name for d, _ in plan.documents) or None,
                "source": plan.source,
                "review_file": plan.review_file,
                "is_reference": False,
                "needs_review": review is not None,
                "review_reason": review,
            }
        ],
        "plan_tasks": [
            {
                "plan_id": plan.plan_id,
                "task_code": t.raw.task_code,
                "task_seq": t.seq,
                "group_code": t.raw.group_code,
                "group_title": t.raw.group_title,
                "title": t.raw.title,
                "deadline_text": t.raw.deadline_text,
                "deadline_kind": t.deadline.kind,
                "due_date": t.deadline.due_date,
                "recurrence": t.deadline.recurrence,
                "expected_output": t.raw.expected_output,
                "national_group_code": t.national_group_code,
                "national_group_source": t.national_group_source,
                "lead_count": leads.get(t.raw.task_code, 0),
                "needs_review": t.needs_review,
                "review_reason": "; ".join(t.review_reasons) or None,
                "source": t.source,
                "stale_review": t.stale_review,
                "extraction_review_reason": t.extraction_reason,
                "reviewer_note": t.reviewer_note,
            }
            for t in plan.tasks
        ],
        "task_assignments": [
            {
                "plan_id": plan.plan_id,
                "task_code": a.task_code,
                "agency_id": a.agency.agency_id,
                "role": a.role,
                "text_as_printed": a.text,
                "note": a.note,
            }
            for a in plan.assignments
        ],
        "plan_targets": [{"plan_id": plan.plan_id, **asdict(t)} for t in plan.targets],
        "reporting_obligations": [
            {
                "plan_id": plan.plan_id,
                "obligation_seq": seq,
                "reporter": o.reporter,
                "recipient": o.recipient,
                "due_text": o.due_text,
                "kind": o.kind,
                "due_day": o.due_day,
                "due_month": o.due_month,
                "due_date": o.due_date,
            }
            for seq, o in enumerate(plan.obligations, start=1)
        ],
    }


def _messages(name: str, cases: pl.DataFrame) -> list[str]:
    problems = [
        f"{name}: {case.get('check')} failed on {case.get('column')} = {case.get('failure_case')!r}"
        for case in cases.head(5).iter_rows(named=True)
    ]
    if cases.height > 5:
        problems.append(f"{name}: {cases.height - 5} more failures")
    return problems


def _validate(rows: dict[str, list[dict]]) -> list[str]:
    """pandera failures of one plan's tables, as readable messages (empty when valid)."""
    problems: list[str] = []
    for name, model in PLAN_TABLE_SCHEMAS.items():
        try:
            model.validate(_frame(name, rows[name]), lazy=True)
        except pandera.errors.SchemaErrors as exc:
            problems += _messages(name, exc.failure_cases)
    return problems


def validate_plans(plan_rows: dict[str, dict[str, list[dict]]]) -> dict[str, list[str]]:
    """plan id → pandera failures of its tables, for the plans that have any.

    One validation per table over all plans (per-plan calls cost ~80 ms each: minutes at
    national scale); failures are traced back to their plan through the row index. Checks
    that are not about a row (a missing column, a wrong type) fall back to plan by plan.
    """
    problems: dict[str, list[str]] = {}
    for name, model in PLAN_TABLE_SCHEMAS.items():
        owners = [pid for pid, rows in plan_rows.items() for _ in rows[name]]
        frame = _frame(name, [r for rows in plan_rows.values() for r in rows[name]])
        try:
            model.validate(frame, lazy=True)
            continue
        except pandera.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        if "index" not in cases.columns or cases["index"].null_count():  # not about one row
            return {pid: found for pid, rows in plan_rows.items() if (found := _validate(rows))}
        by_plan = cases.with_columns(
            pl.Series("plan", [owners[i] for i in cases["index"].to_list()])
        ).partition_by("plan", as_dict=True)
        for (pid,), part in by_plan.items():
            problems.setdefault(pid, []).extend(_messages(name, part.drop("plan")))
    return problems


def _document_row(doc: DocumentText, plan_id: str | None, role: str | None) -> dict:
    return {
        "file_name": doc.file_name,
        "file_format": doc.file_format,
        "sha256": doc.sha256,
        "size_bytes": doc.size_bytes,
        "char_count": len(doc.text),
        "line_count": doc.text.count("\n") + 1,
        "plan_id": plan_id,
        "document_role": role,
    }


def _national_rows() -> tuple[dict, list[dict]]:
    plan = {
        "plan_id": NATIONAL_PLAN_ID,
        "title": NATIONAL_TITLE,
        "issuer": "Chính phủ",
        "level": "national",
        "locality": None,
        "locality_code": NATIONAL.code,
        "province_code": NATIONAL.province_code,
        "locality_type": NATIONAL.type,
        "number": NATIONAL_NUMBER,
        "issue_date": NATIONAL_ISSUE_DATE,
        "issue_year": NATIONAL_ISSUE_DATE.year,
        "issue_month": NATIONAL_ISSUE_DATE.month,
        "signer": None,
        "implements": None,
        "parent_plan_id": None,
        "horizon_year": 2030,
        "shape": "reference",
        "source_files": None,
        "source": "reference",
        "review_file": None,
        "is_reference": True,
        "needs_review": False,
        "review_reason": None,
    }
    groups = [
        {"plan_id": NATIONAL_PLAN_ID, "group_code": g.code, "title": g.title}
        for g in NATIONAL_GROUPS
    ]
    return plan, groups


def _agency_rows(plans: list[ParsedPlan]) -> list[dict]:
    agencies: dict[str, Agency] = {}
    aliases: dict[str, dict[str, None]] = {}
    for plan in plans:
        for a in plan.assignments:
            agencies.setdefault(a.agency.agency_id, a.agency)
            aliases.setdefault(a.agency.agency_id, {})[a.text] = None
    return [
        {
            "agency_id": agency.agency_id,
            "name": agency.name,
            "kind": agency.kind,
            "locality": agency.locality,
            "locality_code": agency.locality_code,
            "is_group": agency.is_group,
            "aliases": "; ".join(sorted(aliases[agency.agency_id])),
        }
        for agency in sorted(agencies.values(), key=lambda a: a.agency_id)
    ]


def _with_unique_ids(outcomes: list[ParsedPlan | PlanError]) -> list[ParsedPlan | PlanError]:
    """Plans of different localities that would share an id get ids carrying their codes."""
    plans = [o for o in outcomes if isinstance(o, ParsedPlan)]
    new_ids = unique_plan_ids([(p.plan_id, p.meta) for p in plans])
    by_plan = dict(zip(map(id, plans), new_ids, strict=True))
    return [
        replace(o, plan_id=by_plan[id(o)]) if isinstance(o, ParsedPlan) else o for o in outcomes
    ]


@dataclass
class ReviewInput:
    """The review workbooks found beside the plans: read ones, and (file, reason) refused ones."""

    reviews: list[PlanReview] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # file name → bytes


def build_plan_tables(
    docs: list[DocumentText],
    read_errors: list[tuple[str, str]] | None = None,
    cache: ParseCache | None = None,
    workers: int | None = None,
    reviews: ReviewInput | None = None,
) -> PlanTables:
    """All plan tables from the readable documents (plus errors met while reading files), with
    the plans' review workbooks applied.

    `cache` reuses earlier parses of unchanged files; `workers` caps the parsing processes.
    """
    reviews = reviews or ReviewInput()
    errors = [{"file_name": f, "stage": "read", "reason": r} for f, r in read_errors or []]
    groups, orphan_errors = group_documents(sorted(docs, key=lambda d: d.file_name))
    errors += [{"file_name": e.split(":")[0], "stage": "parse", "reason": e} for e in orphan_errors]

    outcomes, stats = parse_groups(groups, cache, workers)
    known = {
        a.agency.agency_id for o in outcomes if isinstance(o, ParsedPlan) for a in o.assignments
    }
    review_rows = [_refused_review(name, reason) for name, reason in reviews.refused]
    errors += [{"file_name": n, "stage": "review", "reason": r} for n, r in reviews.refused]
    files: list[list[str]] = [[d.file_name for d in group] for group in groups]
    for review in (r for r in reviews.reviews if r.plan_id is None):
        try:
            outcomes.append(entered_plan(review, known))
            files.append([review.file_name])
        except ReviewError as exc:
            errors.append({"file_name": review.file_name, "stage": "review", "reason": str(exc)})
            review_rows.append(review_row(review, "rejected", error=str(exc)))
    outcomes = _with_unique_ids(outcomes)
    parsed: list[ParsedPlan] = []
    first_file: dict[str, str] = {}
    for names, plan in zip(files, outcomes, strict=True):
        if isinstance(plan, PlanError):
            errors += [{"file_name": n, "stage": "parse", "reason": str(plan)} for n in names]
            continue
        if plan.plan_id in first_file:
            reason = (
                f"same plan id {plan.plan_id} as {first_file[plan.plan_id]}; "
                "remove one of the two versions"
            )
            if plan.source == ENTERED:
                reason += " (to review a plan that has a document, put its id in Mã kế hoạch)"
            stage = "review" if plan.source == ENTERED else "parse"
            errors += [{"file_name": n, "stage": stage, "reason": reason} for n in names]
            continue
        first_file[plan.plan_id] = names[0]
        parsed.append(plan)
        if plan.source == ENTERED:
            review_rows.append(_entered_row(plan, reviews))
    link_parents(parsed)
    entered = [p for p in parsed if p.source == ENTERED]
    for plan in entered:  # a parent that names no plan of the load is dropped, and said
        if plan.parent_plan_id not in (None, NATIONAL_PLAN_ID, *first_file):
            row = next(r for r in review_rows if r["file_name"] == plan.review_file)
            note = f"Kế hoạch cấp trên {plan.parent_plan_id!r} names no loaded plan; left empty"
            row["problems"] = "; ".join(filter(None, [row["problems"], note]))
            plan.parent_plan_id = None
    applied = apply_reviews(
        [p for p in parsed if p.source != ENTERED],
        [r for r in reviews.reviews if r.plan_id is not None],
        known,
    )
    errors += applied.errors
    review_rows += applied.reviews

    rows: dict[str, list[dict]] = {name: [] for name in PLAN_TABLE_SCHEMAS}
    loaded: list[ParsedPlan] = []
    candidates = [*applied.plans, *entered]
    plan_rows = {plan.plan_id: _plan_rows(plan) for plan in candidates}
    invalid = validate_plans(plan_rows)
    extracted = {p.plan_id: p for p in parsed}
    kept_changes = applied.changes
    for plan in candidates:
        problems = invalid.get(plan.plan_id)
        if problems and plan.source == REVIEWED:  # the extraction stays in force
            errors += [
                {"file_name": plan.review_file, "stage": "review", "reason": p} for p in problems
            ]
            _reject(review_rows, plan.review_file, problems)
            kept_changes = [c for c in kept_changes if c["review_file"] != plan.review_file]
            plan = extracted[plan.plan_id]
            plan_rows[plan.plan_id] = _plan_rows(plan)
            problems = validate_plans({plan.plan_id: plan_rows[plan.plan_id]}).get(plan.plan_id)
        if problems:
            names = [d.file_name for d, _ in plan.documents] or [plan.review_file]
            stage = "review" if plan.source == ENTERED else "validate"
            errors += [
                {"file_name": n, "stage": stage, "reason": p} for n in names for p in problems
            ]
            if plan.source == ENTERED:
                _reject(review_rows, plan.review_file, problems)
            continue
        loaded.append(plan)
        for name, items in plan_rows[plan.plan_id].items():
            rows[name].extend(items)
    placed = {d.file_name: (p.plan_id, role) for p in loaded for d, role in p.documents}
    reviewed_files = {p.review_file: p.plan_id for p in loaded if p.review_file}

    national_plan, national_groups = _national_rows()
    rows["plans"].insert(0, national_plan)
    frames = {name: _frame(name, items) for name, items in rows.items()}
    frames["agencies"] = _frame("agencies", _agency_rows(loaded))
    frames["national_solution_groups"] = _frame("national_solution_groups", national_groups)
    frames["plan_documents"] = _frame(
        "plan_documents",
        [
            _document_row(d, *placed.get(d.file_name, (None, None)))
            for d in sorted(docs, key=lambda d: d.file_name)
        ]
        + [
            _review_document_row(r, reviews.sizes.get(r.file_name), reviewed_files)
            for r in sorted(reviews.reviews, key=lambda r: r.file_name)
        ],
    )
    frames["collective_kinds"] = _frame(
        "collective_kinds",
        [
            {"group_id": agency_id, "agency_kind": kind}
            for agency_id in frames["agencies"].filter(pl.col("is_group"))["agency_id"]
            for kind in sorted(GROUP_KINDS.get(agency_id.split(":group:", 1)[-1], ()))
        ],
    )
    frames["plan_ingestion_errors"] = _frame("plan_ingestion_errors", errors)
    frames["plan_reviews"] = _frame(
        "plan_reviews", sorted(review_rows, key=lambda r: r["file_name"])
    ).with_columns(pl.col("reviewed_at").cast(pl.Datetime("us")))
    frames["plan_review_changes"] = _frame("plan_review_changes", kept_changes)
    return PlanTables(frames, loaded, stats)


def _refused_review(name: str, reason: str) -> dict:
    row = dict.fromkeys(SCHEMAS["plan_reviews"])
    return row | {"file_name": name, "status": "rejected", "error": reason, "is_stale": False}


def _entered_row(plan: ParsedPlan, reviews: ReviewInput) -> dict:
    review = next(r for r in reviews.reviews if r.file_name == plan.review_file)
    return review_row(review, "applied", plan_id=plan.plan_id, tasks_added=len(plan.tasks))


def _reject(rows: list[dict], file_name: str | None, problems: list[str]) -> None:
    for row in rows:
        if row["file_name"] == file_name:
            row["status"], row["error"] = "rejected", "; ".join(problems)


def _review_document_row(review: PlanReview, size: int | None, applied: dict[str, str]) -> dict:
    return {
        "file_name": review.file_name,
        "file_format": "xlsx",
        "sha256": review.sha256,
        "size_bytes": size,
        "char_count": None,
        "line_count": None,
        "plan_id": applied.get(review.file_name),
        "document_role": "review",
    }
