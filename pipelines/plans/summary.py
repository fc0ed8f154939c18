"""Parsed plans as JSON-ready dicts and as a short readable summary (`plan389 parse-plan`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from pipelines.plans.assemble import ParsedPlan


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def plan_to_dict(plan: ParsedPlan) -> dict[str, Any]:
    meta = plan.meta
    names: dict[tuple[str, str], list[str]] = {}
    ids: dict[tuple[str, str], list[str]] = {}
    for a in plan.assignments:
        names.setdefault((a.task_code, a.role), []).append(a.agency.name)
        ids.setdefault((a.task_code, a.role), []).append(a.agency.agency_id)
    return {
        "plan_id": plan.plan_id,
        "title": meta.title,
        "issuer": meta.issuer,
        "level": meta.level,
        "locality": meta.locality,
        "locality_code": meta.locality_code,
        "province_code": meta.province_code,
        "number": meta.number,
        "issue_date": _iso(meta.issue_date),
        "issue_year": meta.issue_year,
        "issue_month": meta.issue_month,
        "signer": meta.signer,
        "implements": plan.implements_refs,
        "parent_plan_id": plan.parent_plan_id,
        "horizon_year": meta.horizon_year,
        "shape": plan.shape,
        "source_files": [d.file_name for d, _ in plan.documents],
        "tasks": [
            {
                "task_code": t.raw.task_code,
                "group_code": t.raw.group_code,
                "title": t.raw.title,
                "deadline_text": t.raw.deadline_text,
                "deadline_kind": t.deadline.kind,
                "due_date": _iso(t.deadline.due_date),
                "recurrence": t.deadline.recurrence,
                "expected_output": t.raw.expected_output,
                "lead_agencies": names.get((t.raw.task_code, "lead"), []),
                "coordinating_agencies": names.get((t.raw.task_code, "coordinate"), []),
                "lead_agency_ids": ids.get((t.raw.task_code, "lead"), []),
                "coordinating_agency_ids": ids.get((t.raw.task_code, "coordinate"), []),
                "national_group_code": t.national_group_code,
                "needs_review": t.needs_review,
                "review_reasons": t.review_reasons,
            }
            for t in plan.tasks
        ],
        "targets": [asdict(t) for t in plan.targets],
        "reporting_obligations": [
            {
                "reporter": o.reporter,
                "recipient": o.recipient,
                "due_text": o.due_text,
                "due_day": o.due_day,
                "due_month": o.due_month,
                "due_date": _iso(o.due_date),
                "kind": o.kind,
            }
            for o in plan.obligations
        ],
    }


def plan_summary(plan: ParsedPlan) -> list[str]:
    meta = plan.meta
    review = [t for t in plan.tasks if t.needs_review]
    lines = [
        f"{plan.plan_id}: {meta.title or '(no title)'}",
        f"  issuer {meta.issuer or '?'} · level {meta.level or '?'} · locality "
        f"{meta.locality_code or '? (not in the catalogue)'} · number "
        f"{meta.number or '(blank)'} · issued {_iso(meta.issue_date) or meta.issue_year or '?'}"
        f" · signed {meta.signer or '?'}",
        f"  implements {', '.join(plan.implements_refs) or '-'}"
        f" · files {', '.join(d.file_name for d, _ in plan.documents)} · read as {plan.shape}",
        f"  {len(plan.tasks)} tasks ({len(review)} need review), {len(plan.assignments)} "
        f"assignments, {len(plan.targets)} targets, {len(plan.obligations)} reporting duties",
    ]
    lines += [
        f"  target {t.metric} {t.comparator} {t.threshold:g}"
        + (f" (task {t.task_code})" if t.task_code else "")
        for t in plan.targets
    ]
    lines += [
        f"  report {o.kind}: {o.reporter} → {o.recipient} {o.due_text}" for o in plan.obligations
    ]
    lines += [f"  review {t.raw.task_code}: {'; '.join(t.review_reasons)}" for t in review]
    return lines
